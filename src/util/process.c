#include "util/process.h"

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

pid_t process_clone_pidfd(unsigned long flags, int *ret_pidfd)
{
        struct clone_args_v0 args = {
            .flags = flags | CLONE_PIDFD, .pidfd = (uint64_t)(uintptr_t)ret_pidfd, .exit_signal = SIGCHLD};

        return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}
