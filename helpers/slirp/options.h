/* burrow-slirp's command line: parsed and validated in one place, before any resource exists. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

/* libslirp's own limits (IF_MTU_MIN / IF_MTU_MAX in its if.h); slirp_new() refuses anything outside them. */
#define OPTIONS_MTU_MIN     68
#define OPTIONS_MTU_MAX     65521
#define OPTIONS_MTU_DEFAULT 65520

/* The virtual network, as slirp4netns lays it out: host (gateway) at .2, DNS at .3, DHCP from .15, and .100 as
 * the address the container is expected to configure. A prefix longer than /25 would leave no room for .100. */
#define OPTIONS_CIDR_DEFAULT        "10.0.2.0/24"
#define OPTIONS_PREFIX_MAX          25
#define OPTIONS_HOST_OFFSET         2
#define OPTIONS_DNS_OFFSET          3
#define OPTIONS_DHCP_OFFSET         15
#define OPTIONS_GUEST_OFFSET        100
#define OPTIONS_RESOLV_CONF_DEFAULT "/etc/resolv.conf"

struct options {
        int tap_fd;
        int exit_fd;
        int ready_fd; /* -1 when not given */
        unsigned int mtu;

        struct in_addr network;
        struct in_addr netmask;
        unsigned int prefix_len;
        struct in_addr host;
        struct in_addr dns;
        struct in_addr dhcp_start;
        struct in_addr guest;

        bool ipv6;
        struct in6_addr prefix6;
        uint8_t prefix6_len;
        struct in6_addr host6;
        struct in6_addr dns6;

        bool allow_host_loopback;
        bool has_outbound_addr;
        struct sockaddr_in outbound_addr;
        bool has_outbound_addr6;
        struct sockaddr_in6 outbound_addr6;

        /* The file whose nameservers libslirp forwards DNS to; points into argv or is the default. */
        const char *resolv_conf;
        bool resolv_conf_given;

        bool sandbox;
        bool seccomp;
};

enum options_action {
        OPTIONS_RUN,
        OPTIONS_HELP,
        OPTIONS_VERSION,
};

/* Parses argv into *ret (written only on success) and returns the action to take, or -1 with the offending option
 * named in the error. Checks syntax and ranges only; whether the fds are usable is the caller's business. */
int options_parse(int argc, char **argv, struct options *ret, burrow_error **err);

/* Parses "A.B.C.D/P" (P in 1..OPTIONS_PREFIX_MAX, no host bits set) and derives every address of the network. */
int options_parse_cidr(const char *cidr, struct options *opts, burrow_error **err);

/* The --help text. */
extern const char options_usage[];
