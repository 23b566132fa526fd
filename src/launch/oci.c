#include "launch/oci.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "util/cleanup.h"

static const char *type_name(int type)
{
        switch (type) {
        case CLONE_NEWUSER:
                return "user";
        case CLONE_NEWNS:
                return "mount";
        case CLONE_NEWPID:
                return "pid";
        case CLONE_NEWNET:
                return "network";
        case CLONE_NEWIPC:
                return "ipc";
        case CLONE_NEWUTS:
                return "uts";
        case CLONE_NEWCGROUP:
                return "cgroup";
        }
        return "?";
}

int launch_oci_join_namespaces(const struct spec_oci *oci, burrow_error **err)
{
        for (size_t i = 0; i < oci->n_namespaces; i++) {
                const struct spec_namespace *ns = &oci->namespaces[i];
                _cleanup_close_ int fd = -1;

                if (ns->path == NULL)
                        continue;
                /* C is cloned from this process: joining here is joining for it. A user namespace would have to be
                 * joined before the others are made, a mount or pid namespace by the container's own processes. */
                if (ns->type == CLONE_NEWUSER || ns->type == CLONE_NEWNS || ns->type == CLONE_NEWPID)
                        return error_make(err, 0,
                                          "linux.namespaces: joining a %s namespace by path (%s) is not supported",
                                          type_name(ns->type), ns->path);
                fd = open(ns->path, O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        return error_make(err, errno, "linux.namespaces: open the %s namespace %s", type_name(ns->type),
                                          ns->path);
                if (setns(fd, ns->type) < 0)
                        return error_make(err, errno, "linux.namespaces: join the %s namespace %s", type_name(ns->type),
                                          ns->path);
        }
        return 0;
}

int launch_oci_send_console(const char *socket_path, int master, const struct spec_oci *oci, burrow_error **err)
{
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        char name[] = "/dev/ptmx";
        char control[CMSG_SPACE(sizeof(int))] = {0};
        struct iovec iov = {.iov_base = name, .iov_len = strlen(name)};
        struct msghdr mh = {
            .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control)};
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        _cleanup_close_ int fd = -1;

        if (oci->console_height > 0 && oci->console_width > 0) {
                struct winsize ws = {.ws_row = (unsigned short)oci->console_height,
                                     .ws_col = (unsigned short)oci->console_width};
                ioctl(master, TIOCSWINSZ, &ws);
        }
        if (strlen(socket_path) >= sizeof(addr.sun_path))
                return error_make(err, ENAMETOOLONG, "--console-socket %s", socket_path);
        strcpy(addr.sun_path, socket_path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return error_make(err, errno, "socket");
        if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
                return error_make(err, errno, "connect to the console socket %s", socket_path);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &master, sizeof(int));
        if (sendmsg(fd, &mh, MSG_NOSIGNAL) < 0)
                return error_make(err, errno, "send the pty to the console socket %s", socket_path);
        return 0;
}
