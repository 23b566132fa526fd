/* What the default network (burrow-slirp on a tap device) and published ports need from the host (doctor.h). */
#include "doctor/doctor.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "net/files.h"
#include "net/slirp.h"
#include "util/cleanup.h"
#include "util/fileutil.h"

#define SYSTEMD_RESOLVED_LIST "/run/systemd/resolve/resolv.conf"

int doctor_network_tun(struct doctor_context *ctx, struct doctor_result *ret)
{
        /* Opening the clone device makes no interface: only TUNSETIFF would. */
        _cleanup_close_ int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
        int e = errno;

        (void)ctx;
        if (fd >= 0)
                return doctor_ok(ret, "/dev/net/tun is usable: containers get their own network (slirp)");
        return doctor_set(ret, DOCTOR_WARN,
                          xstrdup(e == ENOENT ? "sudo modprobe tun (and tun in /etc/modules-load.d/tun.conf to keep it)"
                                              : "sudo chmod 0666 /dev/net/tun"),
                          "/dev/net/tun cannot be opened (%s): only --network none or --network host work",
                          strerror(e));
}

int doctor_network_slirp(struct doctor_context *ctx, struct doctor_result *ret)
{
        _cleanup_free_ char *path = net_slirp_find();

        (void)ctx;
        if (path)
                return doctor_ok(ret, "burrow-slirp is %s", path);
        return doctor_set(ret, DOCTOR_WARN,
                          xstrdup("install burrow with its helper (meson install puts it in " BURROW_LIBEXECDIR
                                  "), or run burrow from its build directory"),
                          "burrow-slirp is neither beside the burrow binary (helpers/slirp/) nor in " BURROW_LIBEXECDIR
                          ": only --network none or --network host work");
}

int doctor_network_ports(struct doctor_context *ctx, struct doctor_result *ret)
{
        _cleanup_free_ char *value = NULL;
        unsigned int start;

        (void)ctx;
        if (doctor_read_sysctl("net/ipv4/ip_unprivileged_port_start", &value) < 0 || parse_uint32(value, &start) < 0)
                return doctor_ok(ret, "net.ipv4.ip_unprivileged_port_start cannot be read: -p publishes host ports "
                                      "from 1024 up, as on older kernels");
        /* The published ports are bound by burrow itself, as the user, in the host's network namespace. */
        if (start > 1024)
                return doctor_set(
                    ret, DOCTOR_WARN, xstrdup("sudo sysctl -w net.ipv4.ip_unprivileged_port_start=1024"),
                    "net.ipv4.ip_unprivileged_port_start is %u: -p can publish host ports from %u up only", start,
                    start);
        return doctor_ok(ret,
                         "-p can publish host ports from %u up (net.ipv4.ip_unprivileged_port_start; lower ones need "
                         "sudo sysctl -w net.ipv4.ip_unprivileged_port_start=PORT)",
                         start);
}

/* Whether gid or one of the caller's groups is in [lo, hi]. */
static bool in_groups(gid_t gid, unsigned int lo, unsigned int hi)
{
        gid_t groups[256];
        int n = getgroups(256, groups);

        if (gid >= lo && gid <= hi)
                return true;
        for (int i = 0; i < n; i++)
                if (groups[i] >= lo && groups[i] <= hi)
                        return true;
        return false;
}

int doctor_network_ping(struct doctor_context *ctx, struct doctor_result *ret)
{
        _cleanup_free_ char *value = NULL;
        unsigned int lo, hi;

        if (doctor_read_sysctl("net/ipv4/ping_group_range", &value) < 0 || sscanf(value, "%u %u", &lo, &hi) != 2)
                return doctor_set(ret, DOCTOR_WARN,
                                  xstrdup("sudo sysctl -w net.ipv4.ping_group_range=\"0 2147483647\""),
                                  "net.ipv4.ping_group_range cannot be read: ping from containers may not work");
        /* libslirp answers a container's ICMP echo with an unprivileged ICMP socket in the host's namespace. */
        if (lo <= hi && in_groups(ctx->gid, lo, hi))
                return doctor_ok(ret, "net.ipv4.ping_group_range (%u %u) includes your group: ping works in containers",
                                 lo, hi);
        return doctor_set(ret, DOCTOR_WARN, xstrdup("sudo sysctl -w net.ipv4.ping_group_range=\"0 2147483647\""),
                          "net.ipv4.ping_group_range (%u %u) excludes your groups: ping from a container reaches no "
                          "host outside it",
                          lo, hi);
}

int doctor_network_dns(struct doctor_context *ctx, struct doctor_result *ret)
{
        _cleanup_free_ char *etc = NULL, *text = NULL;
        const char *path = ctx->resolv_conf;
        unsigned int n, loopback;
        bool stub_only;

        /* The file burrow-slirp forwards to, chosen as a run chooses it (launch.c). */
        (void)file_read_all("/etc/resolv.conf", 1 << 16, &etc, NULL, NULL);
        if (path == NULL) {
                path = net_host_resolv_conf_path(etc);
                if (access(path, R_OK) < 0)
                        path = "/etc/resolv.conf";
        }
        stub_only = ctx->resolv_conf == NULL && strcmp(path, "/etc/resolv.conf") == 0 &&
                    strcmp(net_host_resolv_conf_path(etc), "/etc/resolv.conf") != 0;
        if (file_read_all(path, 1 << 16, &text, NULL, NULL) < 0 || (n = net_resolv_conf_servers(text, &loopback)) == 0)
                return doctor_set(ret, DOCTOR_WARN,
                                  xstrdup("name a resolver: [network] resolv_conf = \"FILE\" in "
                                          "~/.config/burrow/burrow.conf (a file with nameserver lines), or --dns IP"),
                                  "%s names no nameserver: containers resolve no names", path);
        if (n == loopback)
                return doctor_set(
                    ret, DOCTOR_WARN,
                    xasprintf("%s[network] resolv_conf = \"FILE\" in ~/.config/burrow/burrow.conf, a file "
                              "naming the real upstream servers",
                              stub_only ? "start systemd-resolved (it writes " SYSTEMD_RESOLVED_LIST "), or " : ""),
                    "%s names only loopback resolvers%s: burrow-slirp reaches them from the host, but "
                    "containers with --network none get no servers and the search domains are the "
                    "stub's",
                    path, stub_only ? " (the 127.0.0.53 stub, without " SYSTEMD_RESOLVED_LIST ")" : "");
        return doctor_ok(ret, "container DNS forwards to the %u nameserver%s of %s", n, n == 1 ? "" : "s", path);
}
