/* The libslirp instance and the one event loop that drives it: frames between the TAP fd and libslirp, libslirp's
 * host sockets and timers, and the three ways to stop (exit fd, SIGTERM/SIGINT/SIGHUP, the TAP going away). */
#pragma once

#include "options.h"
#include "util/error.h"

struct loop;

/* Checks the exit and TAP fds, makes the TAP fd non-blocking, takes over SIGTERM/SIGINT/SIGHUP through a signalfd,
 * ignores SIGPIPE and creates the Slirp instance configured by opts. Must run before the sandbox: it needs
 * syscalls the seccomp filter does not allow. */
int loop_new(const struct options *opts, struct loop **ret, burrow_error **err);

/* Runs until the exit fd is readable or hangs up, a terminating signal arrives or the TAP device disappears
 * (returns 0), or an unexpected error (-1). */
int loop_run(struct loop *loop, burrow_error **err);

/* Shuts libslirp down (closing its host sockets) and frees everything; accepts NULL. */
void loop_free(struct loop *loop);
