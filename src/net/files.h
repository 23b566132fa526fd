/* The files that tell a container about its network: /etc/resolv.conf, /etc/hosts and /etc/hostname. They are
 * generated (pure functions here, in the core library, so unit tests see exactly what a container gets), written by the
 * container side into a small tmpfs of its own and bind-mounted over the image's files: never written into the image or
 * the user's --rootfs. */
#pragma once

#include <stdint.h>

#include "spec/spec.h"

struct net_files {
        char *resolv_conf; /* NULL: leave the image's (--network none without --dns) */
        char *hosts;
        char *hostname;
};

/* The slirp network's well-known addresses as dotted quads: the container (.100), the gateway (.2), DNS (.3). */
void net_slirp_address(const struct spec_slirp *slirp, unsigned int host_part, char ret[16]);

/* Which file holds the host's real resolvers: /etc/resolv.conf, unless it names only systemd-resolved's loopback stub
 * (127.0.0.53); then systemd-resolved's upstream list, as podman does. burrow-slirp runs in the host's network
 * namespace and could reach the stub, but the list behind it is what a container without slirp (--network none with
 * copied servers) could use, and its search domains are the real ones. */
const char *net_host_resolv_conf_path(const char *etc_resolv_conf_text);

/* How many nameserver lines a resolv.conf text has, and how many of them name a loopback address (burrow doctor). */
unsigned int net_resolv_conf_servers(const char *text, unsigned int *ret_loopback);

/* Builds the three files for the spec's network mode. host_resolv is the text of the host's resolver file (search
 * domains and options are taken from it; its servers too for --network host/none), host_hosts the host's /etc/hosts
 * (used for --network host); either may be NULL. */
void net_files_build(const struct burrow_spec *spec, const char *hostname, const char *host_resolv,
                     const char *host_hosts, struct net_files *ret);

void net_files_clear(struct net_files *files);
