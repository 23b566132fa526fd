/* The libslirp instance and its event loop (loop.h). */
#include "loop.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <slirp/libslirp.h>

#include "util/cleanup.h"

/* SlirpConfig version 4 (libslirp >= 4.7) brings outbound_addr{,6} (v2), disable_dns (v3) and the CFI-friendly
 * timer_new_opaque callback (v4). */
#if SLIRP_CONFIG_VERSION_MAX < 4
#error "libslirp >= 4.7 (SlirpConfig version 4) is required"
#endif
#define LOOP_SLIRP_CONFIG_VERSION 4

/* An ethernet header, a possible VLAN tag and the largest MTU libslirp accepts. */
#define LOOP_FRAME_MAX (14 + 4 + OPTIONS_MTU_MAX)
/* Frames read from the TAP before libslirp's host sockets and timers get their turn again. Under a bulk upload the
 * TAP is never empty (each ACK written makes the container send the next segment at once), so this bounds how long
 * other connections wait: 32 frames of 64 KiB take ~2 ms; a larger batch gained nothing measurable. */
#define LOOP_READ_BATCH 32
/* How long one frame may wait for room in the TAP queue before libslirp is told it was dropped. A tun write
 * hardly ever blocks (the kernel queues it on the container's backlog), so this only bounds a frozen container. */
#define LOOP_WRITE_BUDGET_MS 500
/* Messages about guest misbehaviour are printed up to this count; a hostile guest must not flood stderr. */
#define LOOP_GUEST_ERRORS_MAX 16

/* Slots of the poll array that precede the ones libslirp fills in. */
enum {
        LOOP_POLL_EXIT,
        LOOP_POLL_SIGNAL,
        LOOP_POLL_TAP,
        LOOP_POLL_FIXED,
};

struct loop_timer {
        struct loop_timer *next;
        SlirpTimerId id;
        void *cb_opaque;
        int64_t expire_ms; /* -1 when not armed */
};

struct loop {
        Slirp *slirp;
        int tap_fd;
        int exit_fd;
        int signal_fd;
        struct pollfd *pollfds;
        size_t n_pollfds;
        size_t cap_pollfds;
        struct loop_timer *timers;
        unsigned int guest_errors;
        /* libslirp keeps pointers to these, so they live as long as the Slirp instance. */
        struct sockaddr_in outbound_addr;
        struct sockaddr_in6 outbound_addr6;
        uint8_t frame[LOOP_FRAME_MAX];
};

static int64_t loop_clock_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- SlirpCb: the callbacks libslirp calls ---- */

static ssize_t loop_send_packet(const void *buf, size_t len, void *opaque)
{
        struct loop *loop = opaque;
        int64_t deadline_ms = -1;

        for (;;) {
                ssize_t n = write(loop->tap_fd, buf, len);
                struct pollfd p = {.fd = loop->tap_fd, .events = POLLOUT};
                int64_t now_ms;

                if (n >= 0)
                        return n;
                if (errno == EINTR)
                        continue;
                if (errno != EAGAIN && errno != ENOBUFS)
                        return -1;
                /* Dropping would cost a TCP retransmission timeout, far more than waiting for the queue to drain. */
                now_ms = loop_clock_ns() / 1000000;
                if (deadline_ms < 0)
                        deadline_ms = now_ms + LOOP_WRITE_BUDGET_MS;
                if (now_ms >= deadline_ms)
                        return -1;
                if (poll(&p, 1, (int)(deadline_ms - now_ms)) < 0 && errno != EINTR)
                        return -1;
                if (p.revents & (POLLERR | POLLHUP | POLLNVAL))
                        return -1;
        }
}

static void loop_guest_error(const char *msg, void *opaque)
{
        struct loop *loop = opaque;

        if (loop->guest_errors < LOOP_GUEST_ERRORS_MAX)
                fprintf(stderr, "burrow-slirp: guest error: %s\n", msg);
        else if (loop->guest_errors == LOOP_GUEST_ERRORS_MAX)
                fprintf(stderr, "burrow-slirp: guest error: further guest errors are not shown\n");
        if (loop->guest_errors <= LOOP_GUEST_ERRORS_MAX)
                loop->guest_errors++;
}

static int64_t loop_clock_get_ns(void *opaque)
{
        (void)opaque;
        return loop_clock_ns();
}

static void *loop_timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
        struct loop *loop = opaque;
        struct loop_timer *t = xcalloc(1, sizeof(*t));

        t->id = id;
        t->cb_opaque = cb_opaque;
        t->expire_ms = -1;
        t->next = loop->timers;
        loop->timers = t;
        return t;
}

static void loop_timer_free(void *timer, void *opaque)
{
        struct loop *loop = opaque;

        for (struct loop_timer **p = &loop->timers; *p != NULL; p = &(*p)->next) {
                if (*p == timer) {
                        *p = (*p)->next;
                        free(timer);
                        return;
                }
        }
}

static void loop_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
        (void)opaque;
        ((struct loop_timer *)timer)->expire_ms = expire_ms;
}

/* register_poll_fd/unregister_poll_fd exist for Windows event loops; a poll(2) loop that asks libslirp for its fds
 * on every iteration has nothing to do. */
static void loop_poll_fd_ignored(int fd, void *opaque)
{
        (void)fd;
        (void)opaque;
}

/* libslirp asks to be woken because a socket buffer drained; the loop refills its poll set on every iteration
 * from the same thread, so it is already awake. */
static void loop_notify(void *opaque)
{
        (void)opaque;
}

static void loop_init_completed(Slirp *slirp, void *opaque)
{
        ((struct loop *)opaque)->slirp = slirp;
}

static const SlirpCb loop_callbacks = {
    .send_packet = loop_send_packet,
    .guest_error = loop_guest_error,
    .clock_get_ns = loop_clock_get_ns,
    .timer_free = loop_timer_free,
    .timer_mod = loop_timer_mod,
    .register_poll_fd = loop_poll_fd_ignored,
    .unregister_poll_fd = loop_poll_fd_ignored,
    .notify = loop_notify,
    .init_completed = loop_init_completed,
    .timer_new_opaque = loop_timer_new_opaque,
};

/* ---- poll set ---- */

static const struct {
        int slirp;
        short poll;
} loop_event_map[] = {
    {SLIRP_POLL_IN, POLLIN},   {SLIRP_POLL_OUT, POLLOUT}, {SLIRP_POLL_PRI, POLLPRI},
    {SLIRP_POLL_ERR, POLLERR}, {SLIRP_POLL_HUP, POLLHUP},
};

static int loop_add_poll(int fd, int events, void *opaque)
{
        struct loop *loop = opaque;
        short pevents = 0;

        if (loop->n_pollfds == loop->cap_pollfds) {
                loop->cap_pollfds *= 2;
                loop->pollfds = xrealloc(loop->pollfds, loop->cap_pollfds * sizeof(*loop->pollfds));
        }
        for (size_t i = 0; i < sizeof(loop_event_map) / sizeof(loop_event_map[0]); i++)
                if (events & loop_event_map[i].slirp)
                        pevents |= loop_event_map[i].poll;
        loop->pollfds[loop->n_pollfds] = (struct pollfd){.fd = fd, .events = pevents};
        return (int)loop->n_pollfds++;
}

static int loop_get_revents(int idx, void *opaque)
{
        struct loop *loop = opaque;
        short revents;
        int events = 0;

        if (idx < LOOP_POLL_FIXED || (size_t)idx >= loop->n_pollfds)
                return 0;
        revents = loop->pollfds[idx].revents;
        for (size_t i = 0; i < sizeof(loop_event_map) / sizeof(loop_event_map[0]); i++)
                if (revents & loop_event_map[i].poll)
                        events |= loop_event_map[i].slirp;
        return events;
}

/* ---- timers ---- */

static uint32_t loop_timers_clamp(struct loop *loop, uint32_t timeout_ms)
{
        int64_t now_ms = loop_clock_ns() / 1000000;

        for (struct loop_timer *t = loop->timers; t != NULL; t = t->next) {
                int64_t left;

                if (t->expire_ms < 0)
                        continue;
                left = t->expire_ms > now_ms ? t->expire_ms - now_ms : 0;
                if (left < timeout_ms)
                        timeout_ms = (uint32_t)left;
        }
        return timeout_ms;
}

static void loop_timers_run(struct loop *loop)
{
        int64_t now_ms = loop_clock_ns() / 1000000;
        bool fired;

        /* A handler may re-arm or free timers, so restart the walk after each one. */
        do {
                fired = false;
                for (struct loop_timer *t = loop->timers; t != NULL; t = t->next) {
                        if (t->expire_ms >= 0 && t->expire_ms <= now_ms) {
                                t->expire_ms = -1;
                                slirp_handle_timer(loop->slirp, t->id, t->cb_opaque);
                                fired = true;
                                break;
                        }
                }
        } while (fired);
}

/* ---- setup ---- */

/* The TAP fd must carry bare ethernet frames: no packet-info prefix (IFF_NO_PI) and no virtio header. */
static int loop_check_tap(int fd, burrow_error **err)
{
        struct ifreq ifr = {0};
        int flags;

        if (ioctl(fd, TUNGETIFF, &ifr) < 0)
                return error_make(err, errno, "--tap-fd %d: not an attached TUN/TAP fd", fd);
        if ((ifr.ifr_flags & (IFF_TUN | IFF_TAP)) != IFF_TAP || !(ifr.ifr_flags & IFF_NO_PI) ||
            (ifr.ifr_flags & IFF_VNET_HDR))
                return error_make(err, 0, "--tap-fd %d: %s is not a TAP device with IFF_NO_PI and without IFF_VNET_HDR",
                                  fd, ifr.ifr_name);
        flags = fcntl(fd, F_GETFL);
        if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
                return error_make(err, errno, "--tap-fd %d: set O_NONBLOCK", fd);
        return 0;
}

/* SIGTERM/SIGINT/SIGHUP become readable events of the loop rather than asynchronous deaths, so that the loop ends
 * through the same path as for the exit fd. SIGPIPE is ignored: a host peer closing its end must only fail that
 * one send(). */
static int loop_take_signals(int *ret_fd, burrow_error **err)
{
        sigset_t set;
        int fd;

        if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
                return error_make(err, errno, "ignore SIGPIPE");
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGHUP);
        if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
                return error_make(err, errno, "block SIGTERM/SIGINT/SIGHUP");
        fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
        if (fd < 0)
                return error_make(err, errno, "signalfd");
        *ret_fd = fd;
        return 0;
}

static void loop_fill_config(const struct options *opts, struct loop *loop, SlirpConfig *cfg)
{
        *cfg = (SlirpConfig){
            .version = LOOP_SLIRP_CONFIG_VERSION,
            .in_enabled = true,
            .vnetwork = opts->network,
            .vnetmask = opts->netmask,
            .vhost = opts->host,
            .in6_enabled = opts->ipv6,
            .vprefix_addr6 = opts->prefix6,
            .vprefix_len = opts->prefix6_len,
            .vhost6 = opts->host6,
            .vdhcp_start = opts->dhcp_start,
            .vnameserver = opts->dns,
            .vnameserver6 = opts->dns6,
            .if_mtu = opts->mtu,
            .if_mru = opts->mtu,
            /* The gateway address maps to the host's loopback only when asked: it exposes every service
             * the user runs on 127.0.0.1 to the container. */
            .disable_host_loopback = !opts->allow_host_loopback,
            /* tcp_emu() rewrites FTP/IRC payloads and has a history of CVEs. */
            .enable_emu = false,
        };
        if (opts->has_outbound_addr) {
                loop->outbound_addr = opts->outbound_addr;
                cfg->outbound_addr = &loop->outbound_addr;
        }
        if (opts->has_outbound_addr6) {
                loop->outbound_addr6 = opts->outbound_addr6;
                cfg->outbound_addr6 = &loop->outbound_addr6;
        }
}

int loop_new(const struct options *opts, struct loop **ret, burrow_error **err)
{
        struct loop *loop;
        SlirpConfig cfg;

        if (fcntl(opts->exit_fd, F_GETFD) < 0)
                return error_make(err, errno, "--exit-fd %d", opts->exit_fd);
        if (loop_check_tap(opts->tap_fd, err) < 0)
                return -1;

        loop = xcalloc(1, sizeof(*loop));
        loop->tap_fd = opts->tap_fd;
        loop->exit_fd = opts->exit_fd;
        loop->signal_fd = -1;
        loop->cap_pollfds = 64;
        loop->pollfds = xcalloc(loop->cap_pollfds, sizeof(*loop->pollfds));
        if (loop_take_signals(&loop->signal_fd, err) < 0) {
                loop_free(loop);
                return -1;
        }

        loop_fill_config(opts, loop, &cfg);
        loop->slirp = slirp_new(&cfg, &loop_callbacks, loop);
        if (loop->slirp == NULL) {
                loop_free(loop);
                return error_make(err, 0, "slirp_new: libslirp %s refused the configuration", slirp_version_string());
        }
        *ret = loop;
        return 0;
}

/* ---- the loop ---- */

enum { LOOP_TAP_MORE, LOOP_TAP_GONE };

/* Reads frames until the TAP queue is empty (or one batch is done) and feeds them to libslirp, which answers
 * through loop_send_packet and writes to its host sockets directly. */
static int loop_read_tap(struct loop *loop, burrow_error **err)
{
        for (int i = 0; i < LOOP_READ_BATCH; i++) {
                ssize_t n = read(loop->tap_fd, loop->frame, sizeof(loop->frame));

                if (n < 0) {
                        if (errno == EAGAIN)
                                return LOOP_TAP_MORE;
                        if (errno == EINTR)
                                continue;
                        /* EBADFD: the device was unregistered (its network namespace is gone); EIO: it is down. */
                        if (errno == EBADFD || errno == EIO)
                                return LOOP_TAP_GONE;
                        return error_make(err, errno, "read from the TAP device");
                }
                slirp_input(loop->slirp, loop->frame, (int)n);
        }
        return LOOP_TAP_MORE;
}

int loop_run(struct loop *loop, burrow_error **err)
{
        loop->pollfds[LOOP_POLL_EXIT] = (struct pollfd){.fd = loop->exit_fd, .events = POLLIN};
        loop->pollfds[LOOP_POLL_SIGNAL] = (struct pollfd){.fd = loop->signal_fd, .events = POLLIN};
        loop->pollfds[LOOP_POLL_TAP] = (struct pollfd){.fd = loop->tap_fd, .events = POLLIN};

        for (;;) {
                uint32_t timeout_ms = UINT32_MAX;
                int n;

                loop->n_pollfds = LOOP_POLL_FIXED;
                slirp_pollfds_fill(loop->slirp, &timeout_ms, loop_add_poll, loop);
                timeout_ms = loop_timers_clamp(loop, timeout_ms);
                n = poll(loop->pollfds, loop->n_pollfds, timeout_ms > INT_MAX ? -1 : (int)timeout_ms);
                if (n < 0 && errno != EINTR)
                        return error_make(err, errno, "poll");

                if (n > 0) {
                        /* The exit fd: readable (a pidfd whose process ended) or hung up (a pipe's writer gone). */
                        if (loop->pollfds[LOOP_POLL_EXIT].revents)
                                return 0;
                        if (loop->pollfds[LOOP_POLL_SIGNAL].revents)
                                return 0;
                        /* A TAP fd whose device was unregistered polls as POLLERR. */
                        if (loop->pollfds[LOOP_POLL_TAP].revents & (POLLERR | POLLHUP | POLLNVAL))
                                return 0;
                }
                /* Before any frame: libslirp's clock (its `curtime`, which stamps UDP flows with their expiry) is
                 * advanced by slirp_pollfds_poll() alone and reads 0 until its first call. A flow created from the
                 * first frames (an ARP reply makes the container send its first DNS query at once, into the same
                 * read batch) would expire at the next slirp_pollfds_fill(), and its answer would be lost. */
                slirp_pollfds_poll(loop->slirp, n < 0, loop_get_revents, loop);
                loop_timers_run(loop);
                if (n > 0 && (loop->pollfds[LOOP_POLL_TAP].revents & POLLIN)) {
                        int r = loop_read_tap(loop, err);
                        if (r < 0)
                                return -1;
                        if (r == LOOP_TAP_GONE)
                                return 0;
                }
        }
}

void loop_free(struct loop *loop)
{
        if (loop == NULL)
                return;
        if (loop->slirp != NULL)
                slirp_cleanup(loop->slirp);
        while (loop->timers != NULL) {
                struct loop_timer *next = loop->timers->next;
                free(loop->timers);
                loop->timers = next;
        }
        if (loop->signal_fd >= 0)
                close(loop->signal_fd);
        free(loop->pollfds);
        free(loop);
}
