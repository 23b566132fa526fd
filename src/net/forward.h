/* Published ports (-p): burrow forwards them itself rather than through slirp's hostfwd, because a splice(2) relay
 * moves TCP several times faster than slirp's user-space TCP stack.
 *
 * Two phases, so that a port conflict is reported before the container starts and the relay needs no privilege:
 *   1. forward_bind() in the host network namespace, as the user: one bound (and listening, for TCP) socket per
 *      mapping.
 *   2. forward_run() in a process that has joined the container's user and network namespaces: every socket it opens
 *      towards the container is created there, so it reaches the container's loopback address, where the workload's
 *      services listen.
 *
 * TCP: each client gets its own connection to 127.0.0.1:CPORT (or [::1]:CPORT) inside, bytes are spliced both ways
 * through a pipe, half-closes and resets are passed on. A loopback client (127.0.0.0/8, ::1) keeps its address: the
 * inner socket is bound to it, so the service sees it. Any other client's address cannot be kept (see forward.c) and
 * the service sees 127.0.0.1 / ::1. UDP: one session socket per client address and port, closed after
 * FORWARD_UDP_IDLE_SECONDS without traffic. */
#pragma once

#include <stddef.h>

#include "net/portspec.h"
#include "util/error.h"

/* Most TCP connections carried at once (fewer when the open-file limit is low: each may take six fds). Clients beyond
 * it are accepted and reset at once, so that they cannot exhaust our fds or wait in the backlog. */
#define FORWARD_MAX_CONNECTIONS 4096
/* Most UDP sessions at once; a new client beyond it replaces the least recently active session. */
#define FORWARD_MAX_UDP_SESSIONS 4096
/* A UDP session without a datagram either way for this long is closed (conntrack's default for UDP streams is 120 s,
 * docker-proxy's 90 s; the kernel's for a single exchange 30 s). */
#define FORWARD_UDP_IDLE_SECONDS 60

struct forward_set;

/* Phase 1, in the host netns, as the user, before the container starts: binds one socket per mapping (and listens,
 * for TCP) and writes the port the kernel chose back into each mapping whose host_port is 0 or a dynamic range.
 * AF_UNSPEC binds [::] with IPV6_V6ONLY off (0.0.0.0 when the host has no IPv6); an explicit [::] is IPv6 only.
 * Errors name the sysctl net.ipv4.ip_unprivileged_port_start for a privileged port, and the address for a port in
 * use. On error nothing stays open. The sockets are close-on-exec; a process forked afterwards that does not exec
 * (the container's init) should drop its copies with forward_set_free(). */
int forward_bind(struct port_mapping *mappings, size_t n, struct forward_set **ret_set, burrow_error **err);

/* Phase 2, in a process that has joined the container's user and network namespaces: relays until exit_fd becomes
 * readable or hangs up, then resets the open connections, closes every socket (the host sockets too, releasing the
 * ports) and returns 0. It is meant to own its process: it ignores SIGPIPE while it runs and raises its soft
 * RLIMIT_NOFILE to the hard limit. Returns -1 only when the relay cannot start or epoll fails. */
int forward_run(struct forward_set *set, int exit_fd, burrow_error **err);

/* Closes whatever sockets the set still holds and frees it; accepts NULL. */
void forward_set_free(struct forward_set *set);
