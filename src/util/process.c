#include "util/process.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

/* The first version of struct clone_args (CLONE_ARGS_SIZE_VER0), which every clone3 kernel accepts. */
struct clone_args_v0 {
        uint64_t flags;
        uint64_t pidfd;
        uint64_t child_tid;
        uint64_t parent_tid;
        uint64_t exit_signal;
        uint64_t stack;
        uint64_t stack_size;
        uint64_t tls;
};

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* Version 2 (CLONE_ARGS_SIZE_VER2) adds set_tid and the cgroup fd of CLONE_INTO_CGROUP (Linux 5.7). */
struct clone_args_v2 {
        struct clone_args_v0 v0;
        uint64_t set_tid;
        uint64_t set_tid_size;
        uint64_t cgroup;
};

pid_t process_clone_pidfd(unsigned long flags, int *ret_pidfd)
{
        return process_clone_pidfd_into(flags, -1, ret_pidfd);
}

pid_t process_clone_pidfd_into(unsigned long flags, int cgroup_fd, int *ret_pidfd)
{
        struct clone_args_v2 args = {
            .v0 = {.flags = flags | CLONE_PIDFD, .pidfd = (uint64_t)(uintptr_t)ret_pidfd, .exit_signal = SIGCHLD}};

        if (cgroup_fd < 0)
                return (pid_t)syscall(SYS_clone3, &args.v0, sizeof(args.v0));
        args.v0.flags |= CLONE_INTO_CGROUP;
        args.cgroup = (uint64_t)cgroup_fd;
        return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

void process_finish(pid_t pid, int pidfd, int timeout_ms)
{
        struct pollfd pfd = {.fd = pidfd, .events = POLLIN};

        if (pidfd < 0 || poll(&pfd, 1, timeout_ms) <= 0) {
                if (pidfd < 0 || syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0)
                        kill(pid, SIGKILL);
        }
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
}
