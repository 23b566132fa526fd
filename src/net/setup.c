/* tap0 and lo inside the container's network namespace (setup.h). */
#include "net/setup.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/route.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/files.h"
#include "util/cleanup.h"
#include "util/fileutil.h"

#define TAP_NAME "tap0"
/* Frames the kernel queues toward burrow-slirp before it drops: slirp4netns keeps the default 1000, which at MTU
 * 65520 overflows under a multi-megabyte TCP window (pasta's stall). 10000 frames hold a full window. */
#define TAP_TXQUEUELEN 10000

static int set_flags_up(int sock, const char *name, burrow_error **err)
{
        struct ifreq ifr = {0};

        snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
        if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
                return error_make(err, errno, "read the flags of %s", name);
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
                return error_make(err, errno, "bring %s up", name);
        return 0;
}

int net_loopback_up(burrow_error **err)
{
        _cleanup_close_ int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

        if (sock < 0)
                return error_make(err, errno, "socket");
        return set_flags_up(sock, "lo", err);
}

static void set_sockaddr(struct sockaddr *sa, uint32_t host_order)
{
        struct sockaddr_in *in = (struct sockaddr_in *)sa;

        *in = (struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(host_order)};
}

/* The transmit queue length through rtnetlink: the SIOCSIFTXQLEN ioctl checks CAP_NET_ADMIN in the initial user
 * namespace, netlink checks it in the one owning the network namespace, which is ours. */
static int set_txqueuelen(const char *name, uint32_t qlen, burrow_error **err)
{
        struct {
                struct nlmsghdr nh;
                struct ifinfomsg ifi;
                struct rtattr rta;
                uint32_t qlen;
        } req = {
            .nh = {.nlmsg_len = sizeof(req), .nlmsg_type = RTM_NEWLINK, .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK},
            .ifi = {.ifi_family = AF_UNSPEC, .ifi_index = (int)if_nametoindex(name)},
            .rta = {.rta_len = RTA_LENGTH(sizeof(uint32_t)), .rta_type = IFLA_TXQLEN},
            .qlen = qlen,
        };
        struct {
                struct nlmsghdr nh;
                struct nlmsgerr e;
        } ack;
        _cleanup_close_ int nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        ssize_t n;

        if (nl < 0 || req.ifi.ifi_index == 0)
                return error_make(err, errno, "set the transmit queue length of %s", name);
        if (send(nl, &req, sizeof(req), 0) < 0 || (n = recv(nl, &ack, sizeof(ack), 0)) < 0)
                return error_make(err, errno, "set the transmit queue length of %s", name);
        if (n < (ssize_t)sizeof(ack) || ack.nh.nlmsg_type != NLMSG_ERROR || ack.e.error != 0)
                return error_make(err, n >= (ssize_t)sizeof(ack) ? -ack.e.error : EPROTO,
                                  "set the transmit queue length of %s", name);
        return 0;
}

static int configure_ipv4(int sock, const struct spec_slirp *slirp, burrow_error **err)
{
        uint32_t mask = ~0U << (32 - slirp->prefix);
        struct ifreq ifr = {0};
        struct rtentry route = {0};

        snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), TAP_NAME);
        ifr.ifr_mtu = (int)slirp->mtu;
        if (ioctl(sock, SIOCSIFMTU, &ifr) < 0)
                return error_make(err, errno, "set the MTU of " TAP_NAME " to %u", slirp->mtu);
        if (set_txqueuelen(TAP_NAME, TAP_TXQUEUELEN, err) < 0)
                return -1;
        set_sockaddr(&ifr.ifr_addr, slirp->network + 100);
        if (ioctl(sock, SIOCSIFADDR, &ifr) < 0)
                return error_make(err, errno, "set the address of " TAP_NAME);
        set_sockaddr(&ifr.ifr_netmask, mask);
        if (ioctl(sock, SIOCSIFNETMASK, &ifr) < 0)
                return error_make(err, errno, "set the netmask of " TAP_NAME);
        if (set_flags_up(sock, TAP_NAME, err) < 0)
                return -1;
        /* The interface must be up before a route may use it. */
        set_sockaddr(&route.rt_dst, 0);
        set_sockaddr(&route.rt_genmask, 0);
        set_sockaddr(&route.rt_gateway, slirp->network + 2);
        route.rt_flags = RTF_UP | RTF_GATEWAY;
        route.rt_dev = (char *)TAP_NAME;
        if (ioctl(sock, SIOCADDRT, &route) < 0)
                return error_make(err, errno, "add the default route through the gateway");
        return 0;
}

int net_setup_tap(const struct spec_slirp *slirp, int *ret_tap_fd, burrow_error **err)
{
        _cleanup_close_ int tap = -1, sock = -1;
        struct ifreq ifr = {0};

        /* Before the interface exists, so that it never autoconfigures IPv6 when that is off. */
        if (!slirp->ipv6)
                (void)file_write_string("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1", NULL);
        tap = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (tap < 0)
                return error_make(err, errno, "open /dev/net/tun");
        snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), TAP_NAME);
        ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
        if (ioctl(tap, TUNSETIFF, &ifr) < 0)
                return error_make(err, errno, "create " TAP_NAME);
        sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sock < 0)
                return error_make(err, errno, "socket");
        if (set_flags_up(sock, "lo", err) < 0 || configure_ipv4(sock, slirp, err) < 0)
                return -1;
        *ret_tap_fd = steal_fd(&tap);
        return 0;
}
