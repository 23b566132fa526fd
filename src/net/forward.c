/* The published-port forwarder: host-side sockets bound before the container starts (forward_bind), and a
 * single-threaded epoll relay (forward_run) that moves TCP with splice(2) and UDP datagram by datagram into the
 * container's network namespace. */
#include "net/forward.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fileutil.h"

/* Pipes are resized to this when the user's pipe quota allows. A 64 KiB default pipe caps a splice relay well below
 * what loopback TCP can carry; 1 MiB is the unprivileged maximum (fs.pipe-max-size). */
#define PIPE_SIZE_BIG 1048576
/* Big pipes at once: the kernel charges pipe pages to the user (fs.pipe-user-pages-soft, 64 MiB by default) and, past
 * it, gives every new pipe of the user's, in any process, only two pages. Stay well below. */
#define MAX_BIG_PIPES 16
/* Empty pipes kept for reuse: a flow holds a pipe only while bytes are in flight, so idle connections cost no pipe. */
#define PIPE_POOL_SIZE 32
/* Bytes one flow moves before the loop turns to other connections; what is left is resumed on the next round. */
#define FLOW_BUDGET    (4u << 20)
#define ACCEPT_BATCH   32
#define DATAGRAM_BATCH 64
#define DATAGRAM_MAX   65536
#define UDP_BUCKETS    4096
/* After EMFILE/ENFILE from accept, the listeners rest this long: level-triggered, they would otherwise spin. */
#define ACCEPT_PAUSE_MS 100
/* fds kept free for the epoll fd, exit_fd, an accept to reset, and whatever the process holds already. */
#define FD_RESERVE 32

#define container_of(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

#include "net/forward-internal.h"

/* ------------------------------------------------------------------------------------------------------------------
 * Phase 2: the relay */

struct relay_pipe {
        int rd, wr; /* -1 when the flow holds none */
        int size;
        bool big;
};

/* One direction of a TCP connection: source socket -> pipe -> destination socket. */
struct tcp_flow {
        struct relay_pipe pipe;
        size_t pending; /* bytes in the pipe */
        bool pipe_full; /* the last read found no room; retried once bytes have left the pipe */
        bool eof;       /* the source sent FIN */
        bool shut;      /* FIN passed on: shutdown(destination, SHUT_WR) */
};

/* A socket of a connection. With edge-triggered epoll the flags remember readiness until a call says EAGAIN. */
struct tcp_side {
        struct endpoint ep;
        int fd;
        bool readable, writable;
};

struct tcp_conn {
        struct tcp_side client, server;
        struct tcp_flow up, down;     /* client -> server, server -> client */
        struct sockaddr_storage peer; /* the client, a v4-mapped address already turned into IPv4 */
        uint16_t container_port;
        int attempt; /* connect attempts made: the client's family first, then the other */
        bool connecting, queued, dead;
        struct tcp_conn *prev, *next, *ready_next;
};

struct udp_session {
        struct endpoint ep;
        int fd;
        bool dead;
        int family; /* of the inner socket; switched when the container refuses it */
        struct forward_listener *listener;
        struct sockaddr_storage client; /* as the host socket reported it, for sendto */
        socklen_t client_len;
        uint64_t last_used_ms;
        struct udp_session *hash_next, *lru_prev, *lru_next;
};

struct relay {
        int epoll_fd;
        struct forward_set *set;
        struct tcp_conn *conns, *ready, *dead_conns;
        size_t n_conns, max_conns;
        struct relay_pipe pool[PIPE_POOL_SIZE];
        size_t n_pool, n_big_pipes;
        struct udp_session *buckets[UDP_BUCKETS], *lru_head, *lru_tail, *dead_sessions;
        size_t n_sessions, max_sessions;
        uint64_t accept_paused_until_ms; /* 0: accepting */
        uint8_t datagram[DATAGRAM_MAX];
};

static uint64_t now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int epoll_add(struct relay *r, int fd, uint32_t events, struct endpoint *ep)
{
        struct epoll_event ev = {.events = events, .data.ptr = ep};

        return epoll_ctl(r->epoll_fd, EPOLL_CTL_ADD, fd, &ev);
}

/* Closes with RST instead of FIN (SO_LINGER 0), so that the peer learns of an error rather than a clean end. */
static void close_with_reset(int fd)
{
        struct linger lg = {.l_onoff = 1, .l_linger = 0};

        if (fd < 0)
                return;
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        close(fd);
}

static bool is_loopback(const struct sockaddr_storage *ss)
{
        if (ss->ss_family == AF_INET)
                return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
        return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)ss)->sin6_addr);
}

/* A client of a dual-stack listener arrives as ::ffff:a.b.c.d; inside it is an IPv4 client. */
static void unmap_v4(struct sockaddr_storage *ss)
{
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
        struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = sin6->sin6_port};

        if (ss->ss_family != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr))
                return;
        memcpy(&sin.sin_addr, &sin6->sin6_addr.s6_addr[12], sizeof(sin.sin_addr));
        memset(ss, 0, sizeof(*ss));
        memcpy(ss, &sin, sizeof(sin));
}

static socklen_t sockaddr_len(int family)
{
        return family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

/* A socket in the container's netns (where this process now lives) heading for the service on its loopback address.
 * A loopback client's own address is kept by binding to it: 127.0.0.0/8 and ::1 are local on every netns's lo, so
 * the service sees the true client. A client from elsewhere cannot be kept: binding its address needs
 * IP_TRANSPARENT, and even then the service's replies would follow the netns's routes out to slirp instead of back to
 * this socket, unless we installed policy routing in the container's netns. There it connects as 127.0.0.1 / ::1.
 * Returns the fd with connect() started (nonblocking), or -1. */
static int open_inner(int family, int type, const struct sockaddr_storage *client, uint16_t port)
{
        _cleanup_close_ int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        struct sockaddr_storage to = {0}, from;
        int one = 1;

        if (fd < 0)
                return -1;
        if (client->ss_family == family && is_loopback(client)) {
                from = *client;
                ((struct sockaddr_in *)&from)->sin_port = 0; /* the same offset in sockaddr_in6 */
                if (bind(fd, (struct sockaddr *)&from, sockaddr_len(family)) < 0)
                        return -1;
        }
        if (type == SOCK_STREAM)
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        to.ss_family = (sa_family_t)family;
        if (family == AF_INET) {
                ((struct sockaddr_in *)&to)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
                ((struct sockaddr_in *)&to)->sin_port = htons(port);
        } else {
                ((struct sockaddr_in6 *)&to)->sin6_addr = in6addr_loopback;
                ((struct sockaddr_in6 *)&to)->sin6_port = htons(port);
        }
        if (connect(fd, (struct sockaddr *)&to, sockaddr_len(family)) < 0 && errno != EINPROGRESS)
                return -1;
        return steal_fd(&fd);
}

/* --- pipes ---------------------------------------------------------------------------------------------------- */

static int pipe_acquire(struct relay *r, struct relay_pipe *p)
{
        int fds[2];

        if (p->rd >= 0)
                return 0;
        if (r->n_pool > 0) {
                *p = r->pool[--r->n_pool];
                return 0;
        }
        if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) < 0)
                return -1;
        *p = (struct relay_pipe){.rd = fds[0], .wr = fds[1], .size = fcntl(fds[0], F_GETPIPE_SZ)};
        if (r->n_big_pipes < MAX_BIG_PIPES) {
                int size = fcntl(fds[0], F_SETPIPE_SZ, PIPE_SIZE_BIG);
                if (size > 0) {
                        p->size = size;
                        p->big = true;
                        r->n_big_pipes++;
                }
        }
        if (p->size <= 0)
                p->size = 65536;
        return 0;
}

static void pipe_close(struct relay *r, struct relay_pipe *p)
{
        if (p->rd < 0)
                return;
        close(p->rd);
        close(p->wr);
        if (p->big)
                r->n_big_pipes--;
        p->rd = p->wr = -1;
}

/* An empty pipe goes back to the pool (or is closed when the pool is full). */
static void pipe_release(struct relay *r, struct relay_pipe *p)
{
        if (p->rd < 0)
                return;
        if (r->n_pool < PIPE_POOL_SIZE)
                r->pool[r->n_pool++] = *p;
        else
                pipe_close(r, p);
        p->rd = p->wr = -1;
}

/* --- TCP ------------------------------------------------------------------------------------------------------ */

static void conn_close(struct relay *r, struct tcp_conn *c, bool reset)
{
        if (reset) {
                close_with_reset(c->client.fd);
                close_with_reset(c->server.fd);
        } else {
                close(c->client.fd);
                if (c->server.fd >= 0)
                        close(c->server.fd);
        }
        c->client.fd = c->server.fd = -1;
        /* A pipe with bytes in it cannot be reused. */
        if (c->up.pending == 0)
                pipe_release(r, &c->up.pipe);
        if (c->down.pending == 0)
                pipe_release(r, &c->down.pipe);
        pipe_close(r, &c->up.pipe);
        pipe_close(r, &c->down.pipe);
        if (c->prev != NULL)
                c->prev->next = c->next;
        else
                r->conns = c->next;
        if (c->next != NULL)
                c->next->prev = c->prev;
        r->n_conns--;
        /* Freed after the current batch of events, which may still name it. */
        c->dead = true;
        c->next = r->dead_conns;
        r->dead_conns = c;
}

/* Moves bytes src -> pipe -> dst until neither side can move. Returns 1 when it stopped on FLOW_BUDGET with more
 * possibly ready, 0 when it waits for the kernel, -1 on a socket error. A read that finds no room in the pipe says
 * EAGAIN just as one that finds no data does: only an EAGAIN with the pipe empty proves the socket drained. */
static int flow_pump(struct relay *r, struct tcp_flow *f, struct tcp_side *src, struct tcp_side *dst)
{
        size_t moved = 0;
        ssize_t n;

        for (;;) {
                bool progress = false;

                if (!f->eof && src->readable && !f->pipe_full) {
                        if (pipe_acquire(r, &f->pipe) < 0)
                                return -1;
                        n = splice(src->fd, NULL, f->pipe.wr, NULL, (size_t)f->pipe.size,
                                   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
                        if (n > 0) {
                                f->pending += (size_t)n;
                                moved += (size_t)n;
                                progress = true;
                        } else if (n == 0) {
                                f->eof = true;
                                progress = true;
                        } else if (errno == EAGAIN) {
                                if (f->pending > 0)
                                        f->pipe_full = true;
                                else
                                        src->readable = false;
                        } else if (errno != EINTR) {
                                return -1;
                        }
                }
                if (f->pending > 0 && dst->writable) {
                        n = splice(f->pipe.rd, NULL, dst->fd, NULL, f->pending, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
                        if (n > 0) {
                                f->pending -= (size_t)n;
                                f->pipe_full = false;
                                progress = true;
                        } else if (n < 0 && errno == EAGAIN) {
                                dst->writable = false;
                        } else if (n < 0 && errno != EINTR) {
                                return -1;
                        }
                }
                if (f->pending == 0)
                        pipe_release(r, &f->pipe);
                if (f->eof && f->pending == 0 && !f->shut) {
                        /* Half-close: the source is done sending; the other direction may go on. */
                        shutdown(dst->fd, SHUT_WR);
                        f->shut = true;
                }
                if (!progress)
                        return 0;
                if (moved >= FLOW_BUDGET)
                        return 1;
        }
}

static void conn_pump(struct relay *r, struct tcp_conn *c)
{
        int up, down;

        if (c->dead || c->connecting)
                return;
        up = flow_pump(r, &c->up, &c->client, &c->server);
        down = up < 0 ? -1 : flow_pump(r, &c->down, &c->server, &c->client);
        if (up < 0 || down < 0) {
                conn_close(r, c, true);
                return;
        }
        if (c->up.shut && c->down.shut) {
                conn_close(r, c, false);
                return;
        }
        if ((up > 0 || down > 0) && !c->queued) {
                c->queued = true;
                c->ready_next = r->ready;
                r->ready = c;
        }
}

/* Starts the next connect attempt; -1 when none is left (the service refused both families). A client of either
 * family tries the other one second: a service on 0.0.0.0 only must still answer `curl localhost`, which arrives
 * over ::1. */
static int conn_connect_next(struct relay *r, struct tcp_conn *c)
{
        while (c->attempt < 2) {
                int family = c->peer.ss_family;

                if (c->attempt++ == 1)
                        family = family == AF_INET ? AF_INET6 : AF_INET;
                c->server.fd = open_inner(family, SOCK_STREAM, &c->peer, c->container_port);
                if (c->server.fd < 0)
                        continue;
                if (epoll_add(r, c->server.fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, &c->server.ep) < 0) {
                        close(c->server.fd);
                        c->server.fd = -1;
                        return -1;
                }
                c->connecting = true;
                return 0;
        }
        return -1;
}

static void conn_connected(struct relay *r, struct tcp_conn *c, uint32_t events)
{
        int error = 0;
        socklen_t len = sizeof(error);

        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
                return;
        if (getsockopt(c->server.fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0)
                error = errno;
        if (error != 0) {
                close(c->server.fd);
                c->server.fd = -1;
                c->connecting = false;
                /* Refused on both: reset the client at once, as a refused connection would. */
                if (conn_connect_next(r, c) < 0)
                        conn_close(r, c, true);
                return;
        }
        c->connecting = false;
        c->server.readable = c->server.writable = true;
        conn_pump(r, c);
}

static void conn_event(struct relay *r, struct tcp_side *side, uint32_t events)
{
        struct tcp_conn *c = side->ep.kind == EP_TCP_CLIENT ? container_of(side, struct tcp_conn, client)
                                                            : container_of(side, struct tcp_conn, server);

        if (c->dead)
                return;
        if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
                side->readable = true;
        if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
                side->writable = true;
        if (c->connecting) {
                if (side == &c->server)
                        conn_connected(r, c, events);
                else if (events & (EPOLLERR | EPOLLHUP))
                        conn_close(r, c, true); /* the client gave up before the service answered */
                return;
        }
        conn_pump(r, c);
}

static void tcp_accept(struct relay *r, struct forward_listener *l)
{
        for (int i = 0; i < ACCEPT_BATCH; i++) {
                struct sockaddr_storage peer;
                socklen_t len = sizeof(peer);
                struct tcp_conn *c;
                int fd = accept4(l->fd, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);

                if (fd < 0) {
                        int e = errno;

                        if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM)
                                r->accept_paused_until_ms = now_ms() + ACCEPT_PAUSE_MS;
                        /* A client that left before we accepted it spoils nothing for the next one. */
                        if (e != ECONNABORTED && e != EINTR && e != EPERM && e != EPROTO)
                                return;
                        continue;
                }
                if (r->n_conns >= r->max_conns) {
                        close_with_reset(fd);
                        continue;
                }
                c = xcalloc(1, sizeof(*c));
                c->client = (struct tcp_side){.ep.kind = EP_TCP_CLIENT, .fd = fd, .readable = true, .writable = true};
                c->server = (struct tcp_side){.ep.kind = EP_TCP_SERVER, .fd = -1};
                c->up.pipe.rd = c->up.pipe.wr = c->down.pipe.rd = c->down.pipe.wr = -1;
                c->peer = peer;
                unmap_v4(&c->peer);
                c->container_port = l->container_port;
                c->next = r->conns;
                if (r->conns != NULL)
                        r->conns->prev = c;
                r->conns = c;
                r->n_conns++;
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int));
                if (conn_connect_next(r, c) < 0 ||
                    epoll_add(r, fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, &c->client.ep) < 0)
                        conn_close(r, c, true);
        }
}

/* --- UDP ------------------------------------------------------------------------------------------------------ */

static size_t session_bucket(const struct forward_listener *l, const struct sockaddr_storage *ss, socklen_t len)
{
        const uint8_t *p = (const uint8_t *)ss;
        uint64_t h = 1469598103934665603ull ^ (uintptr_t)l;

        for (socklen_t i = 0; i < len; i++)
                h = (h ^ p[i]) * 1099511628211ull;
        return (size_t)(h % UDP_BUCKETS);
}

static void lru_unlink(struct relay *r, struct udp_session *s)
{
        if (s->lru_prev != NULL)
                s->lru_prev->lru_next = s->lru_next;
        else
                r->lru_head = s->lru_next;
        if (s->lru_next != NULL)
                s->lru_next->lru_prev = s->lru_prev;
        else
                r->lru_tail = s->lru_prev;
        s->lru_prev = s->lru_next = NULL;
}

static void lru_append(struct relay *r, struct udp_session *s)
{
        s->lru_prev = r->lru_tail;
        if (r->lru_tail != NULL)
                r->lru_tail->lru_next = s;
        else
                r->lru_head = s;
        r->lru_tail = s;
}

static void session_touch(struct relay *r, struct udp_session *s)
{
        s->last_used_ms = now_ms();
        if (r->lru_tail != s) {
                lru_unlink(r, s);
                lru_append(r, s);
        }
}

static void session_close(struct relay *r, struct udp_session *s)
{
        struct udp_session **pp = &r->buckets[session_bucket(s->listener, &s->client, s->client_len)];

        while (*pp != s)
                pp = &(*pp)->hash_next;
        *pp = s->hash_next;
        lru_unlink(r, s);
        if (s->fd >= 0)
                close(s->fd);
        s->fd = -1;
        r->n_sessions--;
        s->dead = true;
        s->hash_next = r->dead_sessions;
        r->dead_sessions = s;
}

/* (Re)opens the session's socket in the container for s->family, or else for the other family (a ::1 client when
 * the container has no IPv6). */
static int session_open(struct relay *r, struct udp_session *s)
{
        struct sockaddr_storage client = s->client;

        if (s->fd >= 0)
                close(s->fd);
        unmap_v4(&client);
        s->fd = open_inner(s->family, SOCK_DGRAM, &client, s->listener->container_port);
        if (s->fd < 0) {
                s->family = s->family == AF_INET ? AF_INET6 : AF_INET;
                s->fd = open_inner(s->family, SOCK_DGRAM, &client, s->listener->container_port);
        }
        if (s->fd < 0 || epoll_add(r, s->fd, EPOLLIN, &s->ep) < 0)
                return -1;
        return 0;
}

/* Whether a socket of the container holds UDP `port` on the loopback address of `family`: a probe bound there
 * collides with it (with a wildcard or dual-stack socket too). UDP has no handshake to try a family with, and a
 * datagram sent to a family nobody listens on is lost; so a session starts on the client's family only when the
 * service listens there, as a service on 0.0.0.0 does not for a ::1 client. */
static bool udp_port_bound(int family, uint16_t port)
{
        _cleanup_close_ int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        struct sockaddr_storage ss = {.ss_family = (sa_family_t)family};
        int one = 1;

        if (fd < 0)
                return false;
        if (family == AF_INET) {
                ((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
                ((struct sockaddr_in *)&ss)->sin_port = htons(port);
        } else {
                setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
                ((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
                ((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
        }
        return bind(fd, (struct sockaddr *)&ss, sockaddr_len(family)) < 0 && errno == EADDRINUSE;
}

static struct udp_session *session_get(struct relay *r, struct forward_listener *l, const struct sockaddr_storage *ss,
                                       socklen_t len)
{
        size_t b = session_bucket(l, ss, len);
        struct sockaddr_storage unmapped = *ss;
        struct udp_session *s;

        for (s = r->buckets[b]; s != NULL; s = s->hash_next)
                if (s->listener == l && s->client_len == len && memcmp(&s->client, ss, len) == 0)
                        return s;
        if (r->max_sessions == 0)
                return NULL;
        if (r->n_sessions >= r->max_sessions)
                session_close(r, r->lru_head);
        unmap_v4(&unmapped);
        s = xcalloc(1, sizeof(*s));
        *s = (struct udp_session){
            .ep.kind = EP_UDP_SESSION, .fd = -1, .family = unmapped.ss_family, .listener = l, .client_len = len};
        if (!udp_port_bound(s->family, l->container_port)) {
                int other = s->family == AF_INET ? AF_INET6 : AF_INET;
                if (udp_port_bound(other, l->container_port))
                        s->family = other;
        }
        memcpy(&s->client, ss, len);
        s->hash_next = r->buckets[b];
        r->buckets[b] = s;
        lru_append(r, s);
        r->n_sessions++;
        if (session_open(r, s) < 0) {
                session_close(r, s);
                return NULL;
        }
        return s;
}

/* The service refused a datagram (ICMP port unreachable, reported on the next call): it may listen on the other
 * family only, as with TCP, or not yet. That datagram is lost; later ones go to the other family. Returns false when
 * the session is gone. */
static bool session_switch_family(struct relay *r, struct udp_session *s)
{
        s->family = s->family == AF_INET ? AF_INET6 : AF_INET;
        if (session_open(r, s) < 0) {
                session_close(r, s);
                return false;
        }
        return true;
}

static void udp_from_clients(struct relay *r, struct forward_listener *l)
{
        for (int i = 0; i < DATAGRAM_BATCH; i++) {
                struct sockaddr_storage peer;
                socklen_t len = sizeof(peer);
                struct udp_session *s;
                ssize_t n =
                    recvfrom(l->fd, r->datagram, sizeof(r->datagram), MSG_DONTWAIT, (struct sockaddr *)&peer, &len);

                if (n < 0) {
                        if (errno == EAGAIN)
                                return;
                        continue;
                }
                s = session_get(r, l, &peer, len);
                if (s == NULL)
                        continue;
                session_touch(r, s);
                if (send(s->fd, r->datagram, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && errno == ECONNREFUSED &&
                    session_switch_family(r, s))
                        send(s->fd, r->datagram, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
        }
}

static void udp_from_container(struct relay *r, struct udp_session *s)
{
        for (int i = 0; i < DATAGRAM_BATCH && !s->dead; i++) {
                ssize_t n = recv(s->fd, r->datagram, sizeof(r->datagram), MSG_DONTWAIT);

                if (n < 0) {
                        int e = errno;

                        if (e == ECONNREFUSED)
                                session_switch_family(r, s);
                        if (e != EINTR)
                                return;
                        continue;
                }
                session_touch(r, s);
                /* A full host socket drops the datagram, as UDP may. */
                sendto(s->listener->fd, r->datagram, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL,
                       (struct sockaddr *)&s->client, s->client_len);
        }
}

/* --- the loop ------------------------------------------------------------------------------------------------- */

static void set_accepting(struct relay *r, bool on)
{
        for (size_t i = 0; i < r->set->n; i++) {
                struct forward_listener *l = &r->set->listeners[i];
                struct epoll_event ev = {.events = on ? EPOLLIN : 0, .data.ptr = &l->ep};

                if (l->protocol == IPPROTO_TCP)
                        epoll_ctl(r->epoll_fd, EPOLL_CTL_MOD, l->fd, &ev);
        }
}

/* Milliseconds epoll may sleep: until the oldest UDP session expires or accepting resumes; 0 with work queued. */
static int next_timeout(struct relay *r, uint64_t now)
{
        int64_t t = -1;

        if (r->ready != NULL)
                return 0;
        if (r->lru_head != NULL)
                t = (int64_t)(r->lru_head->last_used_ms + FORWARD_UDP_IDLE_SECONDS * 1000) - (int64_t)now;
        if (r->accept_paused_until_ms != 0) {
                int64_t p = (int64_t)r->accept_paused_until_ms - (int64_t)now;
                if (t < 0 || p < t)
                        t = p;
        }
        if (r->lru_head == NULL && r->accept_paused_until_ms == 0)
                return -1;
        return t < 0 ? 0 : (int)(t + 1);
}

/* Frees closed connections and sessions once no event of the current batch can name them any more. */
static void relay_free_dead(struct relay *r)
{
        struct tcp_conn *c;
        struct udp_session *s;

        while ((c = r->dead_conns) != NULL) {
                r->dead_conns = c->next;
                free(c);
        }
        while ((s = r->dead_sessions) != NULL) {
                r->dead_sessions = s->hash_next;
                free(s);
        }
}

/* Work between batches: queued flows, idle sessions expired, the dead freed, and the listeners paused or resumed. */
static void relay_housekeeping(struct relay *r, bool *accept_paused)
{
        struct tcp_conn *queued = r->ready, *c, *next;
        uint64_t now = now_ms();

        r->ready = NULL;
        for (c = queued; c != NULL; c = next) {
                next = c->ready_next;
                c->queued = false;
                conn_pump(r, c);
        }
        while (r->lru_head != NULL && r->lru_head->last_used_ms + FORWARD_UDP_IDLE_SECONDS * 1000 <= now)
                session_close(r, r->lru_head);
        relay_free_dead(r);
        if (r->accept_paused_until_ms != 0 && !*accept_paused) {
                set_accepting(r, false);
                *accept_paused = true;
        } else if (*accept_paused && r->accept_paused_until_ms <= now) {
                r->accept_paused_until_ms = 0;
                set_accepting(r, true);
                *accept_paused = false;
        }
}

static void relay_close_all(struct relay *r)
{
        while (r->conns != NULL)
                conn_close(r, r->conns, true);
        while (r->lru_head != NULL)
                session_close(r, r->lru_head);
        r->ready = NULL;
        relay_free_dead(r);
        while (r->n_pool > 0)
                pipe_close(r, &r->pool[--r->n_pool]);
        for (size_t i = 0; i < r->set->n; i++) {
                if (r->set->listeners[i].fd >= 0)
                        close(r->set->listeners[i].fd);
                r->set->listeners[i].fd = -1;
        }
        if (r->epoll_fd >= 0)
                close(r->epoll_fd);
        r->epoll_fd = -1;
}

/* Connections and sessions that fit in the open-file limit: up to six fds per connection (two sockets, two pipes),
 * one per session. The soft limit is raised first: this process exists for the relay. */
static void relay_size_limits(struct relay *r)
{
        struct rlimit rl;
        size_t avail = 1024, n_udp = 0;

        if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
                if (rl.rlim_cur < rl.rlim_max) {
                        rl.rlim_cur = rl.rlim_max;
                        setrlimit(RLIMIT_NOFILE, &rl);
                        getrlimit(RLIMIT_NOFILE, &rl);
                }
                avail = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (1u << 24) ? (1u << 24) : (size_t)rl.rlim_cur;
        }
        for (size_t i = 0; i < r->set->n; i++)
                n_udp += r->set->listeners[i].protocol == IPPROTO_UDP;
        avail = avail > r->set->n + FD_RESERVE + 2 * PIPE_POOL_SIZE
                    ? avail - r->set->n - FD_RESERVE - 2 * PIPE_POOL_SIZE
                    : 0;
        r->max_sessions = n_udp == 0 ? 0 : avail / 4;
        if (r->max_sessions > FORWARD_MAX_UDP_SESSIONS)
                r->max_sessions = FORWARD_MAX_UDP_SESSIONS;
        r->max_conns = (avail - r->max_sessions) / 6;
        if (r->max_conns > FORWARD_MAX_CONNECTIONS)
                r->max_conns = FORWARD_MAX_CONNECTIONS;
}

int forward_run(struct forward_set *set, int exit_fd, burrow_error **err)
{
        struct relay *r = xcalloc(1, sizeof(*r));
        struct endpoint exit_ep = {.kind = EP_EXIT};
        struct sigaction ignore = {.sa_handler = SIG_IGN}, old_sigpipe;
        bool stop = false, accept_paused = false;
        int ret = 0;

        /* splice(2) into a socket whose peer is gone raises SIGPIPE; it has no MSG_NOSIGNAL. */
        sigaction(SIGPIPE, &ignore, &old_sigpipe);
        r->set = set;
        relay_size_limits(r);
        r->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        if (r->epoll_fd < 0) {
                ret = error_make(err, errno, "forward: epoll_create1");
                goto out;
        }
        if (epoll_add(r, exit_fd, EPOLLIN, &exit_ep) < 0) {
                ret = error_make(err, errno, "forward: watch the exit fd");
                goto out;
        }
        for (size_t i = 0; i < set->n; i++) {
                /* Level-triggered: each wakeup takes a bounded batch, and the rest wakes us again. */
                if (epoll_add(r, set->listeners[i].fd, EPOLLIN, &set->listeners[i].ep) < 0) {
                        ret = error_make(err, errno, "forward: watch a published port");
                        goto out;
                }
        }

        while (!stop) {
                struct epoll_event events[64];
                int n = epoll_wait(r->epoll_fd, events, 64, next_timeout(r, now_ms()));

                if (n < 0 && errno != EINTR) {
                        ret = error_make(err, errno, "forward: epoll_wait");
                        break;
                }
                for (int i = 0; i < n; i++) {
                        struct endpoint *ep = events[i].data.ptr;

                        switch (ep->kind) {
                        case EP_EXIT:
                                stop = true;
                                break;
                        case EP_TCP_LISTENER:
                                tcp_accept(r, container_of(ep, struct forward_listener, ep));
                                break;
                        case EP_UDP_LISTENER:
                                udp_from_clients(r, container_of(ep, struct forward_listener, ep));
                                break;
                        case EP_TCP_CLIENT:
                        case EP_TCP_SERVER:
                                conn_event(r, container_of(ep, struct tcp_side, ep), events[i].events);
                                break;
                        case EP_UDP_SESSION: {
                                struct udp_session *s = container_of(ep, struct udp_session, ep);
                                if (!s->dead)
                                        udp_from_container(r, s);
                                break;
                        }
                        }
                }
                relay_housekeeping(r, &accept_paused);
        }
out:
        relay_close_all(r);
        free(r);
        sigaction(SIGPIPE, &old_sigpipe, NULL);
        return ret;
}
