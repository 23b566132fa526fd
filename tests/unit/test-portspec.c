/* -p/--publish: every accepted form, every rejected one with its message, and portspec_format(). */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net/portspec.h"
#include "unit.h"

/* Parses `spec` alone and checks that it gives exactly `n` mappings; returns them (the caller frees). */
static struct port_mapping *parse_n(const char *spec, size_t n)
{
        struct port_mapping *m = NULL;
        size_t count = 0;
        burrow_error *err = NULL;

        CHECK_OK(portspec_parse(spec, &m, &count, &err), &err);
        CHECK(count == n);
        if (count != n) {
                printf("#   \"%s\" gave %zu mappings, expected %zu\n", spec, count, n);
                free(m);
                return NULL;
        }
        return m;
}

static void check_format(const struct port_mapping *m, const char *want)
{
        char *got = portspec_format(m);
        CHECK_STREQ(got, want);
        free(got);
}

/* Checks that `spec` is rejected with a message containing `want` and naming the spec. */
static void check_rejects(const char *spec, const char *want)
{
        struct port_mapping *m = NULL;
        size_t n = 0;
        burrow_error *err = NULL;
        char *prefix = NULL;

        if (asprintf(&prefix, "invalid -p \"%s\": ", spec) < 0)
                abort();
        if (portspec_parse(spec, &m, &n, &err) == 0) {
                printf("#   \"%s\" was accepted, expected \"%s\"\n", spec, want);
                unit_failed_checks++;
        } else if (err == NULL || strncmp(err->msg, prefix, strlen(prefix)) != 0 || strstr(err->msg, want) == NULL) {
                printf("#   \"%s\": error \"%s\" does not start with \"%s\" or lacks \"%s\"\n", spec,
                       err ? err->msg : "(null)", prefix, want);
                unit_failed_checks++;
        }
        CHECK(m == NULL && n == 0);
        error_free(&err);
        free(prefix);
        free(m);
}

static void container_port_alone_is_any_host_port_on_all_addresses(void)
{
        struct port_mapping *m = parse_n("80", 1);

        if (m == NULL)
                return;
        CHECK(m[0].family == AF_UNSPEC);
        CHECK(m[0].host_port == 0 && m[0].host_port_last == 0);
        CHECK(m[0].container_port == 80);
        CHECK(m[0].protocol == IPPROTO_TCP);
        check_format(&m[0], "0.0.0.0:0->80/tcp");
        free(m);
}

static void host_and_container_port(void)
{
        struct port_mapping *m = parse_n("8080:80", 1);

        if (m == NULL)
                return;
        CHECK(m[0].family == AF_UNSPEC);
        CHECK(m[0].host_port == 8080 && m[0].host_port_last == 8080);
        CHECK(m[0].container_port == 80);
        check_format(&m[0], "0.0.0.0:8080->80/tcp");
        free(m);

        /* An empty host port and host port 0 both mean any free port, as in docker. */
        m = parse_n(":80", 1);
        if (m != NULL)
                CHECK(m[0].host_port == 0 && m[0].container_port == 80);
        free(m);
        m = parse_n("0:80", 1);
        if (m != NULL)
                CHECK(m[0].host_port == 0 && m[0].container_port == 80);
        free(m);
        m = parse_n("65535:1", 1);
        if (m != NULL)
                CHECK(m[0].host_port == 65535 && m[0].container_port == 1);
        free(m);
        /* Leading zeros are a number all the same (docker's ParseUint). */
        m = parse_n("08080:0080", 1);
        if (m != NULL)
                CHECK(m[0].host_port == 8080 && m[0].container_port == 80);
        free(m);
}

static void ipv4_host_ip(void)
{
        struct port_mapping *m = parse_n("127.0.0.1:8080:80", 1);

        if (m == NULL)
                return;
        CHECK(m[0].family == AF_INET);
        CHECK(m[0].host_addr.v4.s_addr == htonl(INADDR_LOOPBACK));
        CHECK(m[0].host_port == 8080 && m[0].container_port == 80);
        check_format(&m[0], "127.0.0.1:8080->80/tcp");
        free(m);

        m = parse_n("10.1.2.3::80/udp", 1);
        if (m != NULL) {
                CHECK(m[0].family == AF_INET && m[0].host_port == 0 && m[0].protocol == IPPROTO_UDP);
                check_format(&m[0], "10.1.2.3:0->80/udp");
        }
        free(m);

        /* 0.0.0.0 is IPv4 only, unlike no address at all. */
        m = parse_n("0.0.0.0:1:2", 1);
        if (m != NULL)
                CHECK(m[0].family == AF_INET && m[0].host_addr.v4.s_addr == 0);
        free(m);

        /* An empty IP in the three-part form means all addresses, as in docker. */
        m = parse_n(":8080:80", 1);
        if (m != NULL)
                CHECK(m[0].family == AF_UNSPEC && m[0].host_port == 8080);
        free(m);
        m = parse_n("::80", 1);
        if (m != NULL)
                CHECK(m[0].family == AF_UNSPEC && m[0].host_port == 0 && m[0].container_port == 80);
        free(m);
}

static void ipv6_host_ip_in_brackets(void)
{
        struct port_mapping *m = parse_n("[::1]:8080:80", 1);

        if (m == NULL)
                return;
        CHECK(m[0].family == AF_INET6);
        CHECK(IN6_IS_ADDR_LOOPBACK(&m[0].host_addr.v6));
        CHECK(m[0].host_port == 8080 && m[0].container_port == 80);
        check_format(&m[0], "[::1]:8080->80/tcp");
        free(m);

        m = parse_n("[::]::80", 1);
        if (m != NULL) {
                CHECK(m[0].family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&m[0].host_addr.v6));
                CHECK(m[0].host_port == 0);
                check_format(&m[0], "[::]:0->80/tcp");
        }
        free(m);

        m = parse_n("[fd00::2]:53:53/udp", 1);
        if (m != NULL)
                check_format(&m[0], "[fd00::2]:53->53/udp");
        free(m);

        /* A v4-mapped address is the IPv4 address it carries. */
        m = parse_n("[::ffff:127.0.0.2]:1:2", 1);
        if (m != NULL) {
                CHECK(m[0].family == AF_INET && m[0].host_addr.v4.s_addr == htonl(0x7f000002));
                check_format(&m[0], "127.0.0.2:1->2/tcp");
        }
        free(m);
}

static void protocols(void)
{
        struct port_mapping *m = parse_n("53:53/udp", 1);

        if (m != NULL)
                CHECK(m[0].protocol == IPPROTO_UDP);
        free(m);
        m = parse_n("80/TCP", 1);
        if (m != NULL)
                CHECK(m[0].protocol == IPPROTO_TCP);
        free(m);

        /* Both: one mapping per protocol, TCP first. */
        m = parse_n("53:53/tcp,udp", 2);
        if (m != NULL) {
                CHECK(m[0].protocol == IPPROTO_TCP && m[1].protocol == IPPROTO_UDP);
                CHECK(m[0].host_port == 53 && m[1].host_port == 53);
        }
        free(m);
        m = parse_n("1-3/udp,tcp", 6);
        if (m != NULL) {
                CHECK(m[0].protocol == IPPROTO_UDP && m[2].protocol == IPPROTO_UDP && m[3].protocol == IPPROTO_TCP);
                CHECK(m[0].container_port == 1 && m[3].container_port == 1 && m[5].container_port == 3);
        }
        free(m);
}

static void ranges_pair_port_by_port(void)
{
        struct port_mapping *m = parse_n("8000-8010:80-90", 11);

        if (m == NULL)
                return;
        for (size_t i = 0; i < 11; i++) {
                CHECK(m[i].host_port == 8000 + i && m[i].host_port_last == m[i].host_port);
                CHECK(m[i].container_port == 80 + i);
        }
        free(m);

        /* A container range alone: each port its own free host port. */
        m = parse_n("80-82", 3);
        if (m != NULL) {
                for (size_t i = 0; i < 3; i++)
                        CHECK(m[i].host_port == 0 && m[i].container_port == 80 + i);
        }
        free(m);
        m = parse_n("127.0.0.1::80-82/udp", 3);
        if (m != NULL)
                CHECK(m[2].family == AF_INET && m[2].host_port == 0 && m[2].container_port == 82);
        free(m);

        /* A range of one port is that port. */
        m = parse_n("80-80:90-90", 1);
        if (m != NULL)
                CHECK(m[0].host_port == 80 && m[0].host_port_last == 80 && m[0].container_port == 90);
        free(m);

        /* The whole port space is one spec. */
        m = parse_n("1-65535:1-65535", 65535);
        if (m != NULL)
                CHECK(m[65534].host_port == 65535 && m[65534].container_port == 65535);
        free(m);
}

static void host_range_with_one_container_port_is_a_dynamic_range(void)
{
        struct port_mapping *m = parse_n("8000-8010:80", 1);

        if (m == NULL)
                return;
        CHECK(m[0].host_port == 8000 && m[0].host_port_last == 8010);
        CHECK(m[0].container_port == 80);
        check_format(&m[0], "0.0.0.0:8000-8010->80/tcp");
        free(m);
}

static void parse_appends_and_counts_the_total(void)
{
        struct port_mapping *m = NULL;
        size_t n = 0;
        burrow_error *err = NULL;
        char *spec;

        CHECK_OK(portspec_parse("1:2", &m, &n, &err), &err);
        CHECK_OK(portspec_parse("[::1]:3:4/udp", &m, &n, &err), &err);
        CHECK(n == 2);
        if (n == 2) {
                CHECK(m[0].host_port == 1 && m[0].protocol == IPPROTO_TCP);
                CHECK(m[1].host_port == 3 && m[1].family == AF_INET6 && m[1].protocol == IPPROTO_UDP);
        }
        /* A failing spec leaves what was there. */
        CHECK_ERROR(portspec_parse("x", &m, &n, &err), &err, "not a number");
        CHECK(n == 2);

        /* 2 + 65534 is exactly PORTSPEC_MAX_MAPPINGS; one more is refused, and nothing appended. */
        CHECK_OK(portspec_parse("1-65534/udp", &m, &n, &err), &err);
        CHECK(n == PORTSPEC_MAX_MAPPINGS);
        CHECK_ERROR(portspec_parse("1", &m, &n, &err), &err, "too many port mappings; at most 65536 in total");
        CHECK_ERROR(portspec_parse("1-65535", &m, &n, &err), &err, "too many port mappings");
        CHECK(n == PORTSPEC_MAX_MAPPINGS);
        free(m);

        /* tcp,udp over the whole range is two per port. */
        m = NULL;
        n = 0;
        CHECK_ERROR(portspec_parse("1-65535/tcp,udp", &m, &n, &err), &err, "too many port mappings");
        CHECK(m == NULL && n == 0);

        spec = unit_repeat('1', PORTSPEC_MAX_LEN + 1);
        CHECK_ERROR(portspec_parse(spec, &m, &n, &err), &err, "longer than 256 bytes");
        free(spec);
        CHECK_ERROR(portspec_parse(NULL, &m, &n, &err), &err, "missing argument");
}

static void rejects_malformed_specs(void)
{
        check_rejects("", "empty");
        check_rejects(":", "container port is empty");
        check_rejects("::", "container port is empty");
        check_rejects(":::", "IPv6 host addresses go in brackets");
        check_rejects("80:", "container port is empty");
        check_rejects("a:b", "host port \"a\" is not a number");
        check_rejects("80:b", "container port \"b\" is not a number");
        check_rejects("1-", "container port range \"1-\" has no end");
        check_rejects("-1", "container port range \"-1\" has no start");
        check_rejects("-", "has no start");
        check_rejects("1--2", "container port \"-2\" is not a number");
        check_rejects("1-2-3", "container port \"2-3\" is not a number");
        check_rejects("5-1", "container port range 5-1 ends before it starts");
        check_rejects("9-8:80", "host port range 9-8 ends before it starts");
        check_rejects("8000-8010:80-85", "host range 8000-8010 has 11 ports but container range 80-85 has 6");
        check_rejects("8080:80-90", "one host port 8080 for 11 container ports 80-90");
        check_rejects("0-10:80", "host port 0 out of range 1-65535");
        check_rejects("[::1", "'[' without a closing ']'");
        check_rejects("[::1]80:80", "expected ':' after the host IP \"[::1]\"");
        check_rejects("[::1]", "expected ':' after the host IP");
        check_rejects("[::1]:80", "a host IP needs HOSTPORT:CONTAINERPORT after it");
        check_rejects("[::1]:80:80:80", "too many colons after the host IP");
        check_rejects("[]:80:80", "host IP \"[]\" is empty");
        check_rejects("[1.2.3.4]:80:80", "host IP \"1.2.3.4\" is not an IPv6 address");
        check_rejects("[fe80::1%eth0]:80:80", "is not an IPv6 address");
        check_rejects("::1:8080:80", "IPv6 host addresses go in brackets");
        check_rejects("1.2.3.4:80", "host port \"1.2.3.4\" is not a number");
        check_rejects("1.2.3:80:80", "host IP \"1.2.3\" is not an IPv4 address");
        check_rejects("01.2.3.4:80:80", "is not an IPv4 address");
        check_rejects("localhost:80:80", "host IP \"localhost\" is not an IPv4 address");
        check_rejects("x[::1]:80:80", "too many colons");
        check_rejects("80/xyz", "unknown protocol \"xyz\"; use tcp or udp");
        check_rejects("80/sctp", "protocol sctp is not supported");
        check_rejects("80/SCTP", "protocol sctp is not supported");
        check_rejects("80/", "protocol after '/' is empty");
        check_rejects("80/tcp,", "unknown protocol \"\"");
        check_rejects("80/tcp,tcp", "protocol tcp given twice");
        check_rejects("80/tcp,udp,tcp", "too many protocols");
        check_rejects("80/tcp/udp", "unknown protocol \"tcp/udp\"");
        check_rejects("99999999999", "container port 99999999999 out of range 1-65535");
        check_rejects("80000:80", "host port 80000 out of range 1-65535");
        check_rejects("65536", "container port 65536 out of range 1-65535");
        check_rejects("0", "container port 0 out of range 1-65535");
        check_rejects("8080:0", "container port 0 out of range");
        check_rejects(" 80", "container port \" 80\" is not a number");
        check_rejects("80 ", "is not a number");
        check_rejects("8080: 80", "container port \" 80\" is not a number");
        check_rejects("80/ tcp", "unknown protocol \" tcp\"");
        check_rejects("80x", "container port \"80x\" is not a number");
        check_rejects("+80", "is not a number");
        check_rejects("80\n", "is not a number");
}

int main(void)
{
        RUN(container_port_alone_is_any_host_port_on_all_addresses);
        RUN(host_and_container_port);
        RUN(ipv4_host_ip);
        RUN(ipv6_host_ip_in_brackets);
        RUN(protocols);
        RUN(ranges_pair_port_by_port);
        RUN(host_range_with_one_container_port_is_a_dynamic_range);
        RUN(parse_appends_and_counts_the_total);
        RUN(rejects_malformed_specs);
        return unit_finish();
}
