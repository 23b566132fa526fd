/* The container side of networking, run by the container's first process as root of its user namespace, inside its
 * own network namespace, before pivot_root (so /dev/net/tun is still the host's). Plain ioctls, no netlink: an
 * interface, one IPv4 address and a default route is all slirp networking needs; IPv6 is configured by the router
 * advertisements burrow-slirp sends (SLAAC), as with slirp4netns. */
#pragma once

#include "spec/spec.h"
#include "util/error.h"

/* Brings the loopback interface up. */
int net_loopback_up(burrow_error **err);

/* Creates tap0 (IFF_TAP | IFF_NO_PI) and configures it for the slirp network: MTU, a transmit queue long enough for
 * the window a 65520-byte MTU advertises, the container's address (.100), up, and the default route through the
 * gateway (.2); IPv6 off on it unless enabled. Returns the non-blocking tap fd for burrow-slirp. */
int net_setup_tap(const struct spec_slirp *slirp, int *ret_tap_fd, burrow_error **err);
