/* `burrow exec`: a process in a running container (launch/exec.c). */
#pragma once

#include "launch/launch.h"

struct launch_exec {
        /* The container's spec, as its record rebuilds it, with exec's own: args (the command), env (the container's
         * and -e), user (-u, else the container's), cwd (-w, else the container's), tty (-t), interactive (-i),
         * privileged (--privileged: every capability; the seccomp filter stays the container's). */
        const struct burrow_spec *spec;
        const char *ctl_path; /* the supervisor's control socket */
        const char *cgroup;   /* the container's cgroup directory, or NULL */
        const char *hostname; /* for HOSTNAME */
        /* OCI exec: no supervisor; the namespaces of ns_pid (the container's first process, dumpable after its exec)
         * of the types in ns_flags are joined, but not those this process is in already. */
        pid_t ns_pid;
        int ns_pidfd; /* a pidfd of ns_pid, checked after the namespaces are opened (-1: none) */
        unsigned long ns_flags;
        const char *console_socket; /* -t: the pty master goes there instead of our terminal */
        bool detach;                /* return once the process runs, leaving it (and its relay) to the engine */
        pid_t *ret_pid;             /* the process to wait for: the relay X, which exits with the command's status */
};

/* Runs the command in the container and waits for it: *ret_exit_code is its status as `run` reports one (126/127
 * for exec failures, 128+N for a signal). -1 with *err for burrow's own failures (exit 125). */
int launch_exec(const struct launch_exec *x, int *ret_exit_code, burrow_error **err);
