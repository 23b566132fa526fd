/* The supervisor's side of slirp networking: starts burrow-slirp (helpers/slirp) with the container's tap fd, learns
 * when it runs, and ends it. The helper runs as the caller, in the host's network namespace, sandboxed by itself; it
 * leaves when the exit pipe closes (the supervisor's end is closed at teardown, or by the kernel when the supervisor
 * dies), and PDEATHSIG backs that up. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "spec/spec.h"
#include "util/error.h"

struct net_slirp {
        pid_t pid; /* 0: not started */
        int pidfd;
        int exit_fd;   /* write end of the helper's --exit-fd pipe */
        int ready_fd;  /* read end of its --ready-fd pipe: one byte once it runs */
        int stderr_fd; /* read end of its stderr, read when it fails before ready */
};

#define NET_SLIRP_INIT                                                                                                 \
        {                                                                                                              \
                .pid = 0, .pidfd = -1, .exit_fd = -1, .ready_fd = -1, .stderr_fd = -1                                  \
        }

/* The helper's path: next to the burrow binary in a build tree (helpers/slirp/burrow-slirp), else the installed
 * libexec one. NULL when neither exists. */
char *net_slirp_find(void);

/* Starts the helper on tap_fd; returns at once (the caller polls ready_fd). resolv_conf names the file whose servers
 * its DNS forwarder uses. */
int net_slirp_start(const char *helper, const struct spec_slirp *slirp, const char *resolv_conf, int tap_fd,
                    struct net_slirp *s, burrow_error **err);

/* Called when ready_fd is readable: 0 when the helper reported ready, -1 with its own error line otherwise. */
int net_slirp_check_ready(struct net_slirp *s, burrow_error **err);

/* Called when pidfd is readable after the helper reported ready: reaps it and returns true with its wait status
 * (the container has lost its network), false when it still runs. */
bool net_slirp_reap(struct net_slirp *s, int *ret_status);

/* Ends the helper (exit pipe, then SIGKILL after a grace period) and reaps it; accepts a helper never started. */
void net_slirp_stop(struct net_slirp *s);
