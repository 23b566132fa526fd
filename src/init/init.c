#include "init/init.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

int init_exit_code(int wait_status)
{
        if (WIFEXITED(wait_status))
                return WEXITSTATUS(wait_status);
        if (WIFSIGNALED(wait_status))
                return 128 + WTERMSIG(wait_status);
        return 125;
}

/* Signals the terminal sends to the whole foreground process group: the workload got its own copy already. */
static int is_terminal_group_signal(int sig)
{
        return sig == SIGINT || sig == SIGQUIT || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU || sig == SIGWINCH;
}

int init_run(pid_t workload)
{
        sigset_t all;

        sigfillset(&all);
        for (;;) {
                siginfo_t si;
                int sig = sigwaitinfo(&all, &si);

                if (sig < 0)
                        continue;
                if (sig == SIGCHLD) {
                        int status;
                        pid_t pid;

                        /* PID 1 inherits every orphan of the namespace; reap them all, and leave with the workload
                         * (the kernel then kills what is left of the namespace). */
                        while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
                                if (pid == workload)
                                        return init_exit_code(status);
                        continue;
                }
                if (si.si_code == SI_KERNEL && is_terminal_group_signal(sig))
                        continue;
                kill(workload, sig);
        }
}
