/* The supervisor's side of published ports: the relay process. forward.c binds the host ports before the container
 * exists (a conflict fails the run before anything starts); this forks the relay once the container's namespaces
 * exist, into which it moves (setns: user first, which gives it CAP_SYS_ADMIN over the network namespace's owner,
 * then network), and ends it with the container. The relay is a fork of burrow, not an exec: it holds the host
 * sockets already. */
#pragma once

#include <sys/types.h>

#include "net/forward.h"
#include "util/error.h"

struct net_publish {
        pid_t pid; /* 0: not started */
        int pidfd;
        int exit_fd; /* write end of the relay's exit pipe */
};

#define NET_PUBLISH_INIT                                                                                               \
        {                                                                                                              \
                .pid = 0, .pidfd = -1, .exit_fd = -1                                                                   \
        }

/* Forks the relay for `set` into the namespaces userns_fd and netns_fd (fds of /proc/PID/ns/{user,net}). */
int net_publish_start(struct forward_set *set, int userns_fd, int netns_fd, struct net_publish *p, burrow_error **err);

/* Tells the relay to stop (it resets open connections and releases the ports), waits a moment, then kills it, and
 * reaps it; accepts a relay never started. */
void net_publish_stop(struct net_publish *p);
