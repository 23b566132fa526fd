/* Starting and stopping burrow-slirp (slirp.h). */
#include "net/slirp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "util/cleanup.h"
#include "util/process.h"
#include "util/fileutil.h"
#include "util/strv.h"

char *net_slirp_find(void)
{
        char exe[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
        char *path;

        if (n > 0) {
                exe[n] = '\0';
                *strrchr(exe, '/') = '\0';
                path = xasprintf("%s/helpers/slirp/burrow-slirp", exe);
                if (access(path, X_OK) == 0)
                        return path;
                free(path);
        }
        path = xstrdup(BURROW_LIBEXECDIR "/burrow-slirp");
        if (access(path, X_OK) == 0)
                return path;
        free(path);
        return NULL;
}

/* In the forked child: the helper's fds at 3, 4, 5, a clean signal state, then exec. Never returns. */
static _Noreturn void exec_helper(const char *helper, char **argv, int tap_fd, int exit_r, int ready_w, int err_w)
{
        sigset_t none;
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);

        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        for (int sig = 1; sig < NSIG; sig++)
                signal(sig, SIG_DFL);
        /* Its stderr pipe is closed once it runs: a late message must not kill it. */
        signal(SIGPIPE, SIG_IGN);
        /* Not a process of the container or of the terminal's job: a ^C must not take the network away first. */
        setpgid(0, 0);
        /* dup2 to the fixed numbers, in an order that never overwrites a source still needed. */
        if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0 || dup2(err_w, STDERR_FILENO) < 0)
                _exit(127);
        {
                int src[3] = {tap_fd, exit_r, ready_w}, tmp[3];
                for (int i = 0; i < 3; i++)
                        if ((tmp[i] = fcntl(src[i], F_DUPFD_CLOEXEC, 10)) < 0)
                                _exit(127);
                for (int i = 0; i < 3; i++)
                        if (dup2(tmp[i], 3 + i) < 0)
                                _exit(127);
        }
        syscall(SYS_close_range, 6, ~0U, 0);
        execv(helper, argv);
        dprintf(STDERR_FILENO, "burrow-slirp: exec %s: %s\n", helper, strerror(errno));
        _exit(127);
}

int net_slirp_start(const char *helper, const struct spec_slirp *slirp, const char *resolv_conf, int tap_fd,
                    struct net_slirp *s, burrow_error **err)
{
        _cleanup_strv_ strv argv = {0};
        int exit_pipe[2] = {-1, -1}, ready_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
        char addr[INET_ADDRSTRLEN];
        struct in_addr net = {.s_addr = htonl(slirp->network)};
        int pidfd = -1, r = -1;
        pid_t pid;

        inet_ntop(AF_INET, &net, addr, sizeof(addr));
        strv_push(&argv, "burrow-slirp");
        strv_push(&argv, "--tap-fd=3");
        strv_push(&argv, "--exit-fd=4");
        strv_push(&argv, "--ready-fd=5");
        strv_push_owned(&argv, xasprintf("--mtu=%u", slirp->mtu));
        strv_push_owned(&argv, xasprintf("--cidr=%s/%u", addr, slirp->prefix));
        if (!slirp->ipv6)
                strv_push(&argv, "--disable-ipv6");
        if (slirp->allow_host_loopback)
                strv_push(&argv, "--allow-host-loopback");
        if (slirp->outbound_addr)
                strv_push_owned(&argv, xasprintf("--outbound-addr=%s", slirp->outbound_addr));
        if (slirp->outbound_addr6)
                strv_push_owned(&argv, xasprintf("--outbound-addr6=%s", slirp->outbound_addr6));
        if (resolv_conf)
                strv_push_owned(&argv, xasprintf("--resolv-conf=%s", resolv_conf));

        if (pipe2(exit_pipe, O_CLOEXEC) < 0 || pipe2(ready_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0) {
                error_make(err, errno, "pipe");
                goto out;
        }
        pid = process_clone_pidfd(0, &pidfd);
        if (pid < 0) {
                error_make(err, errno, "start burrow-slirp");
                goto out;
        }
        if (pid == 0)
                exec_helper(helper, argv.items, tap_fd, exit_pipe[0], ready_pipe[1], err_pipe[1]);
        *s = (struct net_slirp){.pid = pid,
                                .pidfd = pidfd,
                                .exit_fd = steal_fd(&exit_pipe[1]),
                                .ready_fd = steal_fd(&ready_pipe[0]),
                                .stderr_fd = steal_fd(&err_pipe[0])};
        r = 0;
out:
        for (int i = 0; i < 2; i++) {
                cleanup_closep(&exit_pipe[i]);
                cleanup_closep(&ready_pipe[i]);
                cleanup_closep(&err_pipe[i]);
        }
        return r;
}

int net_slirp_check_ready(struct net_slirp *s, burrow_error **err)
{
        char c, msg[512];
        ssize_t n;

        while ((n = read(s->ready_fd, &c, 1)) < 0 && errno == EINTR)
                ;
        cleanup_closep(&s->ready_fd);
        if (n == 1) {
                cleanup_closep(&s->stderr_fd);
                return 0;
        }
        /* It exited (or closed the fd) without being ready: its stderr says why. */
        n = read(s->stderr_fd, msg, sizeof(msg) - 1);
        msg[n > 0 ? n : 0] = '\0';
        msg[strcspn(msg, "\n")] = '\0';
        return error_make(err, 0, "network: %s", msg[0] ? msg : "burrow-slirp exited before it was ready");
}

bool net_slirp_reap(struct net_slirp *s, int *ret_status)
{
        siginfo_t si = {0};

        if (s->pid <= 0 || waitid((idtype_t)P_PIDFD, (id_t)s->pidfd, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
                return false;
        *ret_status = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
        cleanup_closep(&s->exit_fd);
        cleanup_closep(&s->pidfd);
        cleanup_closep(&s->ready_fd);
        cleanup_closep(&s->stderr_fd);
        *s = (struct net_slirp)NET_SLIRP_INIT;
        return true;
}

void net_slirp_stop(struct net_slirp *s)
{
        if (s->pid <= 0)
                return;
        cleanup_closep(&s->exit_fd);
        process_finish(s->pid, s->pidfd, 1000);
        cleanup_closep(&s->pidfd);
        cleanup_closep(&s->ready_fd);
        cleanup_closep(&s->stderr_fd);
        *s = (struct net_slirp)NET_SLIRP_INIT;
}
