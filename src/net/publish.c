/* The port relay process (publish.h). */
#include "net/publish.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/process.h"

int net_publish_start(struct forward_set *set, int userns_fd, int netns_fd, struct net_publish *p, burrow_error **err)
{
        int exit_pipe[2], pidfd = -1;
        pid_t pid;

        if (userns_fd < 0 || netns_fd < 0)
                return error_make(err, EBADF, "publish ports: the container's namespaces are not open");
        if (pipe2(exit_pipe, O_CLOEXEC) < 0)
                return error_make(err, errno, "pipe");
        pid = process_clone_pidfd(0, &pidfd);
        if (pid < 0) {
                close(exit_pipe[0]);
                close(exit_pipe[1]);
                return error_make(err, errno, "start the port relay");
        }
        if (pid == 0) {
                burrow_error *e = NULL;
                sigset_t none;

                prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
                close(exit_pipe[1]);
                sigemptyset(&none);
                sigprocmask(SIG_SETMASK, &none, NULL);
                signal(SIGINT, SIG_IGN);
                setpgid(0, 0);
                prctl(PR_SET_NAME, "burrow-ports", 0, 0, 0);
                if (setns(userns_fd, CLONE_NEWUSER) < 0 || setns(netns_fd, CLONE_NEWNET) < 0) {
                        dprintf(STDERR_FILENO, "burrow: port relay: join the container's network: %s\n",
                                strerror(errno));
                        _exit(1);
                }
                if (forward_run(set, exit_pipe[0], &e) < 0) {
                        error_print(e);
                        _exit(1);
                }
                _exit(0);
        }
        close(exit_pipe[0]);
        *p = (struct net_publish){.pid = pid, .pidfd = pidfd, .exit_fd = exit_pipe[1]};
        return 0;
}

void net_publish_stop(struct net_publish *p)
{
        if (p->pid <= 0)
                return;
        cleanup_closep(&p->exit_fd);
        process_finish(p->pid, p->pidfd, 1000);
        cleanup_closep(&p->pidfd);
        *p = (struct net_publish)NET_PUBLISH_INIT;
}
