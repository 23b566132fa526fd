/* The port forwarder on this machine's own loopback: forward_bind()'s errors and port choice, and forward_run()
 * relaying to a service in the same network namespace (the relay does not care which netns it connects in). */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net/forward.h"
#include "net/portspec.h"
#include "unit.h"

#define BULK_SIZE (4u << 20)

static uint16_t tcp_service_port, udp_service_port, closed_port;
static pid_t service_pid = -1;

static int count_fds(void)
{
        DIR *d = opendir("/proc/self/fd");
        struct dirent *e;
        int n = 0;

        if (d == NULL)
                return -1;
        while ((e = readdir(d)) != NULL)
                n += e->d_name[0] != '.';
        closedir(d);
        return n - 1; /* the directory's own fd */
}

static uint16_t local_port(int fd)
{
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);

        if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
                abort();
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static int socket_on(int family, int type, const char *addr, uint16_t port)
{
        struct sockaddr_storage ss = {.ss_family = (sa_family_t)family};
        int fd = socket(family, type | SOCK_CLOEXEC, 0);
        struct timeval tv = {.tv_sec = 5};

        if (family == AF_INET) {
                inet_pton(AF_INET, addr, &((struct sockaddr_in *)&ss)->sin_addr);
                ((struct sockaddr_in *)&ss)->sin_port = htons(port);
        } else {
                inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)&ss)->sin6_addr);
                ((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
        }
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        if (bind(fd, (struct sockaddr *)&ss,
                 family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)) < 0) {
                close(fd);
                return -1;
        }
        return fd;
}

static int connect_to(int fd, int family, const char *addr, uint16_t port)
{
        struct sockaddr_storage ss = {.ss_family = (sa_family_t)family};

        if (family == AF_INET) {
                inet_pton(AF_INET, addr, &((struct sockaddr_in *)&ss)->sin_addr);
                ((struct sockaddr_in *)&ss)->sin_port = htons(port);
        } else {
                inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)&ss)->sin6_addr);
                ((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
        }
        return connect(fd, (struct sockaddr *)&ss,
                       family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
}

static void peer_text(const struct sockaddr_storage *ss, char *buf, size_t len)
{
        char addr[INET6_ADDRSTRLEN];

        if (ss->ss_family == AF_INET)
                inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, addr, sizeof(addr));
        else
                inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, addr, sizeof(addr));
        snprintf(buf, len, "%s", addr);
}

/* The service, IPv4 only: TCP reads to EOF, then sends "peer=ADDR got=N\n" and the bytes back; UDP answers each
 * datagram with "peer=ADDR got=DATA". */
static void service_main(int tcp_fd, int udp_fd)
{
        static uint8_t buf[BULK_SIZE + 4096];

        for (;;) {
                struct pollfd pfd[2] = {{.fd = tcp_fd, .events = POLLIN}, {.fd = udp_fd, .events = POLLIN}};
                struct sockaddr_storage peer;
                socklen_t len = sizeof(peer);
                char head[128], addr[INET6_ADDRSTRLEN];

                if (poll(pfd, 2, -1) < 0)
                        continue;
                if (pfd[1].revents & POLLIN) {
                        ssize_t n = recvfrom(udp_fd, buf, 1024, 0, (struct sockaddr *)&peer, &len);
                        if (n >= 0) {
                                peer_text(&peer, addr, sizeof(addr));
                                int m = snprintf(head, sizeof(head), "peer=%s got=%.*s", addr, (int)n, buf);
                                sendto(udp_fd, head, (size_t)m, 0, (struct sockaddr *)&peer, len);
                        }
                }
                if (pfd[0].revents & POLLIN) {
                        int c = accept4(tcp_fd, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
                        size_t got = 0;
                        ssize_t n;

                        if (c < 0)
                                continue;
                        while (got < sizeof(buf) && (n = read(c, buf + got, sizeof(buf) - got)) > 0)
                                got += (size_t)n;
                        peer_text(&peer, addr, sizeof(addr));
                        n = snprintf(head, sizeof(head), "peer=%s got=%zu\n", addr, got);
                        if (write(c, head, (size_t)n) == n) {
                                for (size_t off = 0; off < got && (n = write(c, buf + off, got - off)) > 0;)
                                        off += (size_t)n;
                        }
                        close(c);
                }
        }
}

static void start_service(void)
{
        int tcp_fd = socket_on(AF_INET, SOCK_STREAM, "127.0.0.1", 0);
        int udp_fd = socket_on(AF_INET, SOCK_DGRAM, "127.0.0.1", 0);
        int gone = socket_on(AF_INET, SOCK_STREAM, "127.0.0.1", 0);

        if (tcp_fd < 0 || udp_fd < 0 || gone < 0 || listen(tcp_fd, 16) < 0)
                abort();
        tcp_service_port = local_port(tcp_fd);
        udp_service_port = local_port(udp_fd);
        /* Bound but never listening: connecting there is refused. */
        closed_port = local_port(gone);
        close(gone);
        service_pid = fork();
        if (service_pid == 0) {
                service_main(tcp_fd, udp_fd);
                _exit(0);
        }
        close(tcp_fd);
        close(udp_fd);
}

struct relay {
        pid_t pid;
        int exit_wr;
};

/* forward_run() in a child, which exits 0 when the run closed every socket it had (the set's n_listeners and its
 * own) and 1 otherwise. */
static struct relay start_relay(struct forward_set *set, size_t n_listeners)
{
        struct relay r = {-1, -1};
        int p[2];

        if (pipe2(p, O_CLOEXEC) < 0)
                abort();
        r.pid = fork();
        if (r.pid == 0) {
                burrow_error *err = NULL;
                int before;

                close(p[1]);
                before = count_fds();
                if (forward_run(set, p[0], &err) < 0) {
                        error_print(err);
                        _exit(100);
                }
                forward_set_free(set);
                close(p[0]);
                _exit(count_fds() == before - (int)n_listeners - 1 ? 0 : 1);
        }
        close(p[0]);
        r.exit_wr = p[1];
        return r;
}

static int stop_relay(struct relay *r)
{
        int status = -1;

        close(r->exit_wr);
        if (waitpid(r->pid, &status, 0) < 0 || !WIFEXITED(status))
                return -1;
        return WEXITSTATUS(status);
}

static struct forward_set *bind_specs(const char *const *specs, struct port_mapping **ret_m, size_t *ret_n)
{
        struct port_mapping *m = NULL;
        size_t n = 0;
        burrow_error *err = NULL;
        struct forward_set *set = NULL;

        for (size_t i = 0; specs[i] != NULL; i++)
                CHECK_OK(portspec_parse(specs[i], &m, &n, &err), &err);
        if (forward_bind(m, n, &set, &err) < 0) {
                printf("#   forward_bind: %s\n", err->msg);
                unit_failed_checks++;
                error_free(&err);
        }
        *ret_m = m;
        *ret_n = n;
        return set;
}

static void bind_fills_in_any_port(void)
{
        struct port_mapping *m;
        size_t n;
        int probe = socket_on(AF_INET6, SOCK_DGRAM, "::1", 0);
        /* The host may have no IPv6 at all; then [::1] cannot be bound, and 127.0.0.1 stands in for it. */
        const char *v6 = probe >= 0 ? "[::1]::80/udp" : "127.0.0.1::80/udp";
        struct forward_set *set = bind_specs((const char *const[]){"127.0.0.1::80", v6, NULL}, &m, &n);
        char *text;

        if (probe >= 0)
                close(probe);

        CHECK(set != NULL);
        CHECK(m[0].host_port != 0 && m[0].host_port_last == m[0].host_port);
        CHECK(m[1].host_port != 0);
        text = portspec_format(&m[0]);
        CHECK(strncmp(text, "127.0.0.1:", 10) == 0 && strstr(text, "->80/tcp") != NULL);
        free(text);
        forward_set_free(set);
        free(m);
}

static void bind_reports_a_port_in_use_and_leaves_nothing_open(void)
{
        int holder = socket_on(AF_INET, SOCK_STREAM, "127.0.0.1", 0), before;
        struct port_mapping *m = NULL;
        size_t n = 0;
        burrow_error *err = NULL;
        struct forward_set *set = NULL;
        char spec[64], want[96];

        listen(holder, 1);
        snprintf(spec, sizeof(spec), "127.0.0.1:%u:80", local_port(holder));
        snprintf(want, sizeof(want), "publish: TCP port %u on 127.0.0.1 is already in use", local_port(holder));
        CHECK_OK(portspec_parse("127.0.0.1::81", &m, &n, &err), &err);
        CHECK_OK(portspec_parse(spec, &m, &n, &err), &err);
        before = count_fds();
        CHECK_ERROR(forward_bind(m, n, &set, &err), &err, want);
        CHECK(count_fds() == before);
        free(m);
        close(holder);
}

static void bind_takes_the_first_free_port_of_a_dynamic_range(void)
{
        int holder = socket_on(AF_INET, SOCK_STREAM, "127.0.0.1", 0);
        uint16_t port = local_port(holder);
        struct port_mapping *m = NULL;
        size_t n = 0;
        burrow_error *err = NULL;
        struct forward_set *set = NULL;
        char spec[64];

        listen(holder, 1);
        snprintf(spec, sizeof(spec), "127.0.0.1:%u-%u:80", port, port + 1);
        CHECK_OK(portspec_parse(spec, &m, &n, &err), &err);
        if (forward_bind(m, n, &set, &err) == 0) {
                CHECK(m[0].host_port == port + 1 && m[0].host_port_last == port + 1);
                forward_set_free(set);
        } else {
                /* port + 1 was taken by someone else: then the range is full. */
                CHECK(strstr(err->msg, "no free TCP port in") != NULL);
                error_free(&err);
        }
        free(m);
        close(holder);
}

static void bind_names_the_sysctl_for_a_privileged_port(void)
{
        struct port_mapping *m = NULL;
        size_t n = 0;
        burrow_error *err = NULL;
        struct forward_set *set = NULL;

        if (geteuid() == 0) {
                printf("# skipped as root: privileged ports bind\n");
                return;
        }
        CHECK_OK(portspec_parse("127.0.0.1:1:80", &m, &n, &err), &err);
        if (forward_bind(m, n, &set, &err) == 0) {
                printf("# skipped: net.ipv4.ip_unprivileged_port_start allows port 1\n");
                forward_set_free(set);
        } else {
                CHECK(strstr(err->msg, "TCP port 1 on 127.0.0.1 is privileged: net.ipv4.ip_unprivileged_port_start "
                                       "is ") != NULL);
                error_free(&err);
        }
        free(m);
}

/* Sends `len` bytes from a client bound to `from`, half-closes, and checks the service's answer: the client's own
 * address, the byte count, and the bytes echoed back. */
static void check_tcp_round_trip(int family, const char *from, const char *to, uint16_t port, size_t len,
                                 const char *want_peer)
{
        int fd = socket_on(family, SOCK_STREAM, from, 0);
        uint8_t *out = malloc(len), *in = malloc(len + 128);
        size_t got = 0;
        ssize_t n;
        char want[128];

        for (size_t i = 0; i < len; i++)
                out[i] = (uint8_t)(i * 7 + (i >> 12));
        CHECK(fd >= 0 && connect_to(fd, family, to, port) == 0);
        for (size_t off = 0; off < len && (n = write(fd, out + off, len - off)) > 0;)
                off += (size_t)n;
        CHECK(shutdown(fd, SHUT_WR) == 0);
        while (got < len + 128 && (n = read(fd, in + got, len + 128 - got)) > 0)
                got += (size_t)n;
        snprintf(want, sizeof(want), "peer=%s got=%zu\n", want_peer, len);
        CHECK(got == strlen(want) + len);
        CHECK(got >= strlen(want) && memcmp(in, want, strlen(want)) == 0);
        if (got >= strlen(want) && memcmp(in, want, strlen(want)) != 0)
                printf("#   answer: %.*s", (int)strlen(want), in);
        CHECK(got == strlen(want) + len && memcmp(in + strlen(want), out, len) == 0);
        close(fd);
        free(out);
        free(in);
}

static void relay_carries_tcp_both_ways_and_keeps_loopback_clients(void)
{
        struct port_mapping *m;
        size_t n;
        char spec[64], spec6[64];
        struct forward_set *set;
        struct relay r;
        int fd;
        uint8_t byte;

        snprintf(spec, sizeof(spec), "127.0.0.1::%u", tcp_service_port);
        snprintf(spec6, sizeof(spec6), "::%u", closed_port);
        set = bind_specs((const char *const[]){spec, spec6, NULL}, &m, &n);
        if (set == NULL)
                return;
        r = start_relay(set, n);
        forward_set_free(set);

        /* Half-close: the service answers only after our FIN reached it. */
        check_tcp_round_trip(AF_INET, "127.0.0.1", "127.0.0.1", m[0].host_port, 5, "127.0.0.1");
        check_tcp_round_trip(AF_INET, "127.0.0.2", "127.0.0.1", m[0].host_port, 5, "127.0.0.2");
        check_tcp_round_trip(AF_INET, "127.0.0.3", "127.0.0.1", m[0].host_port, BULK_SIZE, "127.0.0.3");
        check_tcp_round_trip(AF_INET, "127.0.0.1", "127.0.0.1", m[0].host_port, 0, "127.0.0.1");

        /* Nothing listens behind the second port: the client is reset at once. */
        fd = socket_on(AF_INET, SOCK_STREAM, "127.0.0.1", 0);
        CHECK(connect_to(fd, AF_INET, "127.0.0.1", m[1].host_port) == 0);
        CHECK(read(fd, &byte, 1) < 0 && errno == ECONNRESET);
        close(fd);

        CHECK(stop_relay(&r) == 0);
        /* The relay closed the host sockets: the port is free again. */
        fd = socket_on(AF_INET, SOCK_STREAM, "127.0.0.1", m[0].host_port);
        CHECK(fd >= 0);
        close(fd);
        free(m);
}

static void relay_reaches_an_ipv4_service_from_ipv6(void)
{
        struct port_mapping *m;
        size_t n;
        char spec[64];
        struct forward_set *set;
        struct relay r;
        int probe = socket_on(AF_INET6, SOCK_STREAM, "::1", 0);

        if (probe < 0) {
                printf("# skipped: no ::1\n");
                return;
        }
        close(probe);
        snprintf(spec, sizeof(spec), "::%u", tcp_service_port);
        set = bind_specs((const char *const[]){spec, NULL}, &m, &n);
        if (set == NULL)
                return;
        r = start_relay(set, n);
        forward_set_free(set);
        /* The service listens on 127.0.0.1 only; a ::1 client is carried over IPv4 (as 127.0.0.1). */
        check_tcp_round_trip(AF_INET6, "::1", "::1", m[0].host_port, 1000, "127.0.0.1");
        check_tcp_round_trip(AF_INET, "127.0.0.4", "127.0.0.1", m[0].host_port, 1000, "127.0.0.4");
        CHECK(stop_relay(&r) == 0);
        free(m);
}

static void check_udp_echo(int family, const char *from, const char *to, uint16_t port, const char *want)
{
        int fd = socket_on(family, SOCK_DGRAM, from, 0);
        char buf[256];
        ssize_t n;

        CHECK(fd >= 0 && connect_to(fd, family, to, port) == 0);
        CHECK(send(fd, "ping", 4, 0) == 4);
        n = recv(fd, buf, sizeof(buf) - 1, 0);
        CHECK(n > 0);
        buf[n > 0 ? n : 0] = '\0';
        CHECK_STREQ(buf, want);
        close(fd);
}

static void relay_carries_udp_and_keeps_loopback_clients(void)
{
        struct port_mapping *m;
        size_t n;
        char spec[64];
        struct forward_set *set;
        struct relay r;
        int fd;

        snprintf(spec, sizeof(spec), "::%u/udp", udp_service_port);
        set = bind_specs((const char *const[]){spec, NULL}, &m, &n);
        if (set == NULL)
                return;
        r = start_relay(set, n);
        forward_set_free(set);
        check_udp_echo(AF_INET, "127.0.0.3", "127.0.0.1", m[0].host_port, "peer=127.0.0.3 got=ping");
        check_udp_echo(AF_INET, "127.0.0.3", "127.0.0.1", m[0].host_port, "peer=127.0.0.3 got=ping");
        /* The service is IPv4 only: the first datagram from ::1 must reach it all the same. */
        if ((fd = socket_on(AF_INET6, SOCK_DGRAM, "::1", 0)) >= 0 && close(fd) == 0)
                check_udp_echo(AF_INET6, "::1", "::1", m[0].host_port, "peer=127.0.0.1 got=ping");
        CHECK(stop_relay(&r) == 0);
        free(m);
}

int main(void)
{
        signal(SIGPIPE, SIG_IGN);
        start_service();
        RUN(bind_fills_in_any_port);
        RUN(bind_reports_a_port_in_use_and_leaves_nothing_open);
        RUN(bind_takes_the_first_free_port_of_a_dynamic_range);
        RUN(bind_names_the_sysctl_for_a_privileged_port);
        RUN(relay_carries_tcp_both_ways_and_keeps_loopback_clients);
        RUN(relay_reaches_an_ipv4_service_from_ipv6);
        RUN(relay_carries_udp_and_keeps_loopback_clients);
        kill(service_pid, SIGKILL);
        waitpid(service_pid, NULL, 0);
        return unit_finish();
}
