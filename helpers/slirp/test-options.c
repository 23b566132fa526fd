/* burrow-slirp's command line: defaults as slirp4netns, the derived addresses of --cidr, and every rejection. */
#include <arpa/inet.h>
#include <string.h>

#include "options.h"
#include "unit.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *ip4(struct in_addr a)
{
        static char buf[4][INET_ADDRSTRLEN];
        static int next;
        char *b = buf[next++ % 4];

        return inet_ntop(AF_INET, &a, b, INET_ADDRSTRLEN);
}

static const char *ip6(const struct in6_addr *a)
{
        static char buf[INET6_ADDRSTRLEN];

        return inet_ntop(AF_INET6, a, buf, sizeof(buf));
}

static int parse(int argc, char **argv, struct options *opts, burrow_error **err)
{
        return options_parse(argc, argv, opts, err);
}

static void defaults_match_slirp4netns(void)
{
        char *argv[] = {"burrow-slirp", "--tap-fd", "3", "--exit-fd", "4"};
        burrow_error *err = NULL;
        struct options o;

        CHECK_OK(parse(ARGC(argv), argv, &o, &err), &err);
        CHECK(o.tap_fd == 3);
        CHECK(o.exit_fd == 4);
        CHECK(o.ready_fd == -1);
        CHECK(o.mtu == 65520);
        CHECK_STREQ(ip4(o.network), "10.0.2.0");
        CHECK_STREQ(ip4(o.netmask), "255.255.255.0");
        CHECK_STREQ(ip4(o.host), "10.0.2.2");
        CHECK_STREQ(ip4(o.dns), "10.0.2.3");
        CHECK_STREQ(ip4(o.dhcp_start), "10.0.2.15");
        CHECK_STREQ(ip4(o.guest), "10.0.2.100");
        CHECK(o.ipv6);
        CHECK_STREQ(ip6(&o.prefix6), "fd00::");
        CHECK(o.prefix6_len == 64);
        CHECK_STREQ(ip6(&o.host6), "fd00::2");
        CHECK_STREQ(ip6(&o.dns6), "fd00::3");
        CHECK(!o.allow_host_loopback);
        CHECK(!o.has_outbound_addr && !o.has_outbound_addr6);
        CHECK_STREQ(o.resolv_conf, "/etc/resolv.conf");
        CHECK(!o.resolv_conf_given);
        CHECK(o.sandbox && o.seccomp);
}

static void every_option_is_parsed_in_both_spellings(void)
{
        char *argv[] = {"burrow-slirp",
                        "--tap-fd=5",
                        "--exit-fd",
                        "6",
                        "--ready-fd=7",
                        "--mtu",
                        "1500",
                        "--cidr=192.168.100.0/25",
                        "--disable-ipv6",
                        "--allow-host-loopback",
                        "--outbound-addr",
                        "192.0.2.1",
                        "--outbound-addr6=2001:db8::1",
                        "--resolv-conf",
                        "/run/x/resolv.conf",
                        "--disable-seccomp"};
        burrow_error *err = NULL;
        struct options o;
        char addr[INET6_ADDRSTRLEN];

        CHECK_OK(parse(ARGC(argv), argv, &o, &err), &err);
        CHECK(o.tap_fd == 5 && o.exit_fd == 6 && o.ready_fd == 7);
        CHECK(o.mtu == 1500);
        CHECK_STREQ(ip4(o.network), "192.168.100.0");
        CHECK_STREQ(ip4(o.netmask), "255.255.255.128");
        CHECK_STREQ(ip4(o.host), "192.168.100.2");
        CHECK_STREQ(ip4(o.dns), "192.168.100.3");
        CHECK_STREQ(ip4(o.guest), "192.168.100.100");
        CHECK(!o.ipv6);
        CHECK(o.allow_host_loopback);
        CHECK(o.has_outbound_addr && o.outbound_addr.sin_family == AF_INET);
        CHECK_STREQ(ip4(o.outbound_addr.sin_addr), "192.0.2.1");
        CHECK(o.has_outbound_addr6 && o.outbound_addr6.sin6_family == AF_INET6);
        CHECK_STREQ(inet_ntop(AF_INET6, &o.outbound_addr6.sin6_addr, addr, sizeof(addr)), "2001:db8::1");
        CHECK_STREQ(o.resolv_conf, "/run/x/resolv.conf");
        CHECK(o.resolv_conf_given);
        CHECK(o.sandbox && !o.seccomp);
}

static void cidr_derives_host_dns_dhcp_and_guest(void)
{
        burrow_error *err = NULL;
        struct options o = {0};

        CHECK_OK(options_parse_cidr("10.10.0.0/16", &o, &err), &err);
        CHECK_STREQ(ip4(o.netmask), "255.255.0.0");
        CHECK_STREQ(ip4(o.host), "10.10.0.2");
        CHECK_STREQ(ip4(o.dns), "10.10.0.3");
        CHECK_STREQ(ip4(o.dhcp_start), "10.10.0.15");
        CHECK(o.prefix_len == 16);
        CHECK_OK(options_parse_cidr("172.16.0.128/25", &o, &err), &err);
        CHECK_STREQ(ip4(o.guest), "172.16.0.228");
        CHECK_OK(options_parse_cidr("10.0.0.0/8", &o, &err), &err);
        CHECK_OK(options_parse_cidr("0.0.0.0/1", &o, &err), &err);
}

static void cidr_rejects_malformed_and_small_networks(void)
{
        burrow_error *err = NULL;
        struct options o = {0};

        CHECK_ERROR(options_parse_cidr("10.0.2.0/26", &o, &err), &err, "not in 1..25");
        CHECK_ERROR(options_parse_cidr("10.0.2.0/32", &o, &err), &err, "not in 1..25");
        CHECK_ERROR(options_parse_cidr("10.0.2.0/0", &o, &err), &err, "not in 1..25");
        CHECK_ERROR(options_parse_cidr("10.0.2.0/", &o, &err), &err, "not in 1..25");
        CHECK_ERROR(options_parse_cidr("10.0.2.0/24x", &o, &err), &err, "not in 1..25");
        CHECK_ERROR(options_parse_cidr("10.0.2.0/-1", &o, &err), &err, "not in 1..25");
        CHECK_ERROR(options_parse_cidr("10.0.2.0", &o, &err), &err, "is not A.B.C.D/P");
        CHECK_ERROR(options_parse_cidr("100.100.100.100.1/24", &o, &err), &err, "is not A.B.C.D/P");
        CHECK_ERROR(options_parse_cidr("10.0.2/24", &o, &err), &err, "not an IPv4 address");
        CHECK_ERROR(options_parse_cidr("010.0.2.0/24", &o, &err), &err, "not an IPv4 address");
        CHECK_ERROR(options_parse_cidr("fd00::/64", &o, &err), &err, "not an IPv4 address");
        CHECK_ERROR(options_parse_cidr("10.0.2.5/24", &o, &err), &err, "host bits set");
        CHECK_ERROR(options_parse_cidr("10.0.2.128/24", &o, &err), &err, "host bits set");
}

static void check_rejected(const char *want, int argc, char **argv)
{
        burrow_error *err = NULL;
        struct options o;

        CHECK_ERROR(parse(argc, argv, &o, &err), &err, want);
}

#define REJECTED(want, ...)                                                                                            \
        do {                                                                                                           \
                char *_argv[] = {"burrow-slirp", __VA_ARGS__};                                                         \
                check_rejected(want, ARGC(_argv), _argv);                                                              \
        } while (0)

static void mtu_must_be_within_libslirp_limits(void)
{
        char *low[] = {"burrow-slirp", "--tap-fd", "3", "--exit-fd", "4", "--mtu", "68"};
        char *high[] = {"burrow-slirp", "--tap-fd", "3", "--exit-fd", "4", "--mtu", "65521"};
        burrow_error *err = NULL;
        struct options o;

        CHECK_OK(parse(ARGC(low), low, &o, &err), &err);
        CHECK(o.mtu == 68);
        CHECK_OK(parse(ARGC(high), high, &o, &err), &err);
        CHECK(o.mtu == 65521);
        REJECTED("--mtu: '67' is not in 68..65521", "--tap-fd", "3", "--exit-fd", "4", "--mtu", "67");
        REJECTED("--mtu: '65522' is not in", "--tap-fd", "3", "--exit-fd", "4", "--mtu", "65522");
        REJECTED("--mtu: '' is not in", "--tap-fd", "3", "--exit-fd", "4", "--mtu=");
        REJECTED("--mtu: '1500k'", "--tap-fd", "3", "--exit-fd", "4", "--mtu", "1500k");
}

static void fds_are_required_numbers_and_distinct(void)
{
        REJECTED("--tap-fd is required", "--exit-fd", "4");
        REJECTED("--exit-fd is required", "--tap-fd", "3");
        REJECTED("--tap-fd: '-1' is not a file descriptor number", "--tap-fd", "-1", "--exit-fd", "4");
        REJECTED("--exit-fd: 'x' is not a file descriptor number", "--tap-fd", "3", "--exit-fd", "x");
        REJECTED("--ready-fd: '2147483648'", "--tap-fd", "3", "--exit-fd", "4", "--ready-fd", "2147483648");
        REJECTED("must be different fds", "--tap-fd", "3", "--exit-fd", "3");
        REJECTED("must be different fds", "--tap-fd", "3", "--exit-fd", "4", "--ready-fd", "4");
}

static void malformed_command_lines_are_rejected(void)
{
        REJECTED("unknown option '--tap'", "--tap", "3", "--exit-fd", "4");
        REJECTED("unknown option '--bogus'", "--tap-fd", "3", "--exit-fd", "4", "--bogus=1");
        REJECTED("unexpected argument 'tap0'", "--tap-fd", "3", "--exit-fd", "4", "tap0");
        REJECTED("unexpected argument '-t'", "-t", "3");
        REJECTED("--exit-fd needs a value", "--tap-fd", "3", "--exit-fd");
        REJECTED("--disable-ipv6 takes no value", "--tap-fd", "3", "--exit-fd", "4", "--disable-ipv6=1");
        REJECTED("--mtu given twice", "--tap-fd", "3", "--exit-fd", "4", "--mtu", "1500", "--mtu=1500");
        REJECTED("--outbound-addr: '::1' is not an IPv4 address", "--tap-fd", "3", "--exit-fd", "4", "--outbound-addr",
                 "::1");
        REJECTED("--outbound-addr6: '127.0.0.1' is not an IPv6 address", "--tap-fd", "3", "--exit-fd", "4",
                 "--outbound-addr6", "127.0.0.1");
        REJECTED("--resolv-conf: empty path", "--tap-fd", "3", "--exit-fd", "4", "--resolv-conf=");
        REJECTED("--resolv-conf needs the sandbox", "--tap-fd", "3", "--exit-fd", "4", "--resolv-conf", "/x",
                 "--disable-sandbox");
}

static void help_and_version_win(void)
{
        char *help[] = {"burrow-slirp", "--mtu", "1", "--help"};
        char *version[] = {"burrow-slirp", "--version"};
        burrow_error *err = NULL;
        struct options o;

        /* Options before --help are still checked as they are met; after it nothing is. */
        CHECK(parse(ARGC(help), help, &o, &err) == -1);
        error_free(&err);
        help[1] = "--help";
        CHECK(parse(ARGC(help), help, &o, &err) == OPTIONS_HELP);
        CHECK(parse(ARGC(version), version, &o, &err) == OPTIONS_VERSION);
        CHECK(err == NULL);
}

int main(void)
{
        RUN(defaults_match_slirp4netns);
        RUN(every_option_is_parsed_in_both_spellings);
        RUN(cidr_derives_host_dns_dhcp_and_guest);
        RUN(cidr_rejects_malformed_and_small_networks);
        RUN(mtu_must_be_within_libslirp_limits);
        RUN(fds_are_required_numbers_and_distinct);
        RUN(malformed_command_lines_are_rejected);
        RUN(help_and_version_win);
        return unit_finish();
}
