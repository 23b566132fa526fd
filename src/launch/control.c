#include "launch/control.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/cleanup.h"

/* The whole exchange: the client sends nothing; the supervisor sends one message, the namespace types as the
 * payload and the fds as ancillary data, and closes. */
struct control_msg {
        uint32_t version;
        uint32_t n;
        int32_t types[CONTROL_MAX_NS];
};

#define CONTROL_VERSION    1
#define CONTROL_TIMEOUT_MS 5000

static int make_address(const char *path, struct sockaddr_un *addr, burrow_error **err)
{
        *addr = (struct sockaddr_un){.sun_family = AF_UNIX};
        if (strlen(path) >= sizeof(addr->sun_path))
                return error_make(err, ENAMETOOLONG, "control socket path %s is too long", path);
        strcpy(addr->sun_path, path);
        return 0;
}

int control_listen(const char *path, int *ret_fd, burrow_error **err)
{
        struct sockaddr_un addr;
        _cleanup_close_ int fd = -1;

        if (make_address(path, &addr, err) < 0)
                return -1;
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return error_make(err, errno, "socket");
        unlink(path);
        if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
                return error_make(err, errno, "bind %s", path);
        if (chmod(path, 0600) < 0 || listen(fd, 16) < 0) {
                int e = errno;
                unlink(path);
                return error_make(err, e, "listen on %s", path);
        }
        *ret_fd = steal_fd(&fd);
        return 0;
}

void control_serve_one(int listen_fd, const struct control_ns *ns)
{
        _cleanup_close_ int conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
        struct control_msg msg = {.version = CONTROL_VERSION, .n = (uint32_t)ns->n};
        char control[CMSG_SPACE(sizeof(int) * CONTROL_MAX_NS)] = {0};
        struct iovec iov = {.iov_base = &msg, .iov_len = sizeof(msg)};
        struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
        struct ucred cred;
        socklen_t len = sizeof(cred);
        struct cmsghdr *c;

        if (conn < 0)
                return;
        /* The namespaces are the user's own: only the user's own processes get them. */
        if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != getuid())
                return;
        for (size_t i = 0; i < ns->n; i++)
                msg.types[i] = ns->types[i];
        if (ns->n > 0) {
                mh.msg_control = control;
                mh.msg_controllen = CMSG_SPACE(sizeof(int) * ns->n);
                c = CMSG_FIRSTHDR(&mh);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int) * ns->n);
                memcpy(CMSG_DATA(c), ns->fds, sizeof(int) * ns->n);
        }
        (void)sendmsg(conn, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
}

int control_request(const char *path, struct control_ns *ret, burrow_error **err)
{
        struct control_msg msg = {0};
        char control[CMSG_SPACE(sizeof(int) * CONTROL_MAX_NS)] = {0};
        struct iovec iov = {.iov_base = &msg, .iov_len = sizeof(msg)};
        struct msghdr mh = {
            .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control)};
        struct sockaddr_un addr;
        _cleanup_close_ int fd = -1;
        struct pollfd pfd;
        struct cmsghdr *c;
        ssize_t n;
        size_t nfds = 0;

        *ret = (struct control_ns){0};
        if (make_address(path, &addr, err) < 0)
                return -1;
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return error_make(err, errno, "socket");
        if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
                return error_make(err, errno, "connect to the container's supervisor (%s)", path);
        pfd = (struct pollfd){.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, CONTROL_TIMEOUT_MS) <= 0)
                return error_make(err, ETIMEDOUT, "the container's supervisor does not answer (%s)", path);
        n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
        if (n < 0)
                return error_make(err, errno, "read from the container's supervisor");
        for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                        size_t got = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                        int fds[CONTROL_MAX_NS + 1];
                        /* One message of at most CONTROL_MAX_NS fds is expected; anything else is closed. */
                        for (size_t i = 0; i < got; i++) {
                                int fd;
                                memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                                if (nfds == 0 && i < CONTROL_MAX_NS)
                                        fds[i] = fd;
                                else
                                        close(fd);
                        }
                        if (nfds == 0) {
                                nfds = got < CONTROL_MAX_NS ? got : CONTROL_MAX_NS;
                                memcpy(ret->fds, fds, nfds * sizeof(int));
                        }
                }
        ret->n = nfds;
        if ((size_t)n != sizeof(msg) || msg.version != CONTROL_VERSION || (size_t)msg.n != nfds ||
            (mh.msg_flags & MSG_CTRUNC)) {
                control_ns_clear(ret);
                return error_make(err, EPROTO, "the container's supervisor sent an unexpected answer");
        }
        for (size_t i = 0; i < nfds; i++)
                ret->types[i] = msg.types[i];
        return 0;
}

void control_ns_clear(struct control_ns *ns)
{
        for (size_t i = 0; i < ns->n; i++)
                if (ns->fds[i] >= 0)
                        close(ns->fds[i]);
        *ns = (struct control_ns){0};
}
