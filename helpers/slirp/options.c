/* burrow-slirp's command line (options.h). */
#include "options.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "util/fileutil.h"

enum option_id {
        OPT_TAP_FD,
        OPT_EXIT_FD,
        OPT_READY_FD,
        OPT_MTU,
        OPT_CIDR,
        OPT_DISABLE_IPV6,
        OPT_ALLOW_HOST_LOOPBACK,
        OPT_OUTBOUND_ADDR,
        OPT_OUTBOUND_ADDR6,
        OPT_RESOLV_CONF,
        OPT_DISABLE_SANDBOX,
        OPT_DISABLE_SECCOMP,
        OPT_HELP,
        OPT_VERSION,
};

/* Exact names only: the caller is a program, so getopt's abbreviations and argument permutation would only hide
 * mistakes. */
static const struct option_spec {
        const char *name;
        bool has_value;
        enum option_id id;
} option_table[] = {
    {"tap-fd", true, OPT_TAP_FD},
    {"exit-fd", true, OPT_EXIT_FD},
    {"ready-fd", true, OPT_READY_FD},
    {"mtu", true, OPT_MTU},
    {"cidr", true, OPT_CIDR},
    {"disable-ipv6", false, OPT_DISABLE_IPV6},
    {"allow-host-loopback", false, OPT_ALLOW_HOST_LOOPBACK},
    {"outbound-addr", true, OPT_OUTBOUND_ADDR},
    {"outbound-addr6", true, OPT_OUTBOUND_ADDR6},
    {"resolv-conf", true, OPT_RESOLV_CONF},
    {"disable-sandbox", false, OPT_DISABLE_SANDBOX},
    {"disable-seccomp", false, OPT_DISABLE_SECCOMP},
    {"help", false, OPT_HELP},
    {"version", false, OPT_VERSION},
};

const char options_usage[] =
    "Usage: burrow-slirp --tap-fd N --exit-fd N [OPTION]...\n"
    "User-mode networking (libslirp) for a container's TAP device.\n"
    "\n"
    "  --tap-fd N              inherited TAP fd (IFF_TAP|IFF_NO_PI) of the container's netns\n"
    "  --exit-fd N             exit when this fd becomes readable or hangs up\n"
    "  --ready-fd N            write '1' to this fd once set up, then close it\n"
    "  --mtu N                 MTU of the virtual network (68..65521, default 65520)\n"
    "  --cidr A.B.C.D/P        virtual network, P <= 25 (default 10.0.2.0/24)\n"
    "  --disable-ipv6          no IPv6 (default: fd00::/64)\n"
    "  --allow-host-loopback   let the gateway address reach the host's 127.0.0.1 and ::1\n"
    "  --outbound-addr IPV4    bind outgoing IPv4 sockets to this host address\n"
    "  --outbound-addr6 IPV6   bind outgoing IPv6 sockets to this host address\n"
    "  --resolv-conf PATH      forward DNS to the nameservers of PATH (default /etc/resolv.conf)\n"
    "  --disable-sandbox       do not confine the helper to a private mount namespace\n"
    "  --disable-seccomp       do not install the seccomp filter\n"
    "  --help, --version\n";

static const struct option_spec *option_lookup(const char *name, size_t len)
{
        for (size_t i = 0; i < sizeof(option_table) / sizeof(option_table[0]); i++)
                if (strlen(option_table[i].name) == len && strncmp(option_table[i].name, name, len) == 0)
                        return &option_table[i];
        return NULL;
}

static int parse_fd(const char *name, const char *value, int *ret, burrow_error **err)
{
        unsigned int n;

        if (parse_uint32(value, &n) < 0 || n > INT_MAX)
                return error_make(err, 0, "--%s: '%s' is not a file descriptor number", name, value);
        *ret = (int)n;
        return 0;
}

static struct in_addr addr_plus(struct in_addr base, uint32_t offset)
{
        return (struct in_addr){.s_addr = htonl(ntohl(base.s_addr) + offset)};
}

int options_parse_cidr(const char *cidr, struct options *opts, burrow_error **err)
{
        char addr[INET_ADDRSTRLEN];
        const char *slash = strchr(cidr, '/');
        struct in_addr network;
        unsigned int prefix;
        uint32_t mask;

        if (slash == NULL || (size_t)(slash - cidr) >= sizeof(addr))
                return error_make(err, 0, "--cidr: '%s' is not A.B.C.D/P", cidr);
        memcpy(addr, cidr, (size_t)(slash - cidr));
        addr[slash - cidr] = '\0';
        if (inet_pton(AF_INET, addr, &network) != 1)
                return error_make(err, 0, "--cidr: '%s' is not an IPv4 address", addr);
        if (parse_uint32(slash + 1, &prefix) < 0 || prefix < 1 || prefix > OPTIONS_PREFIX_MAX)
                return error_make(err, 0, "--cidr: prefix '%s' is not in 1..%d", slash + 1, OPTIONS_PREFIX_MAX);
        mask = ~0u << (32 - prefix);
        if ((ntohl(network.s_addr) & ~mask) != 0)
                return error_make(err, 0, "--cidr: '%s' has host bits set", cidr);

        opts->network = network;
        opts->netmask.s_addr = htonl(mask);
        opts->prefix_len = prefix;
        opts->host = addr_plus(network, OPTIONS_HOST_OFFSET);
        opts->dns = addr_plus(network, OPTIONS_DNS_OFFSET);
        opts->dhcp_start = addr_plus(network, OPTIONS_DHCP_OFFSET);
        opts->guest = addr_plus(network, OPTIONS_GUEST_OFFSET);
        return 0;
}

static void options_set_defaults(struct options *opts)
{
        *opts = (struct options){
            .tap_fd = -1,
            .exit_fd = -1,
            .ready_fd = -1,
            .mtu = OPTIONS_MTU_DEFAULT,
            .ipv6 = true,
            .prefix6_len = 64,
            .resolv_conf = OPTIONS_RESOLV_CONF_DEFAULT,
            .sandbox = true,
            .seccomp = true,
        };
        /* Both are constants; a failure here is a programming error the unit test catches. */
        (void)options_parse_cidr(OPTIONS_CIDR_DEFAULT, opts, NULL);
        inet_pton(AF_INET6, "fd00::", &opts->prefix6);
        inet_pton(AF_INET6, "fd00::2", &opts->host6);
        inet_pton(AF_INET6, "fd00::3", &opts->dns6);
}

static int option_apply(struct options *opts, const struct option_spec *spec, const char *value, burrow_error **err)
{
        unsigned int n;

        switch (spec->id) {
        case OPT_TAP_FD:
                return parse_fd(spec->name, value, &opts->tap_fd, err);
        case OPT_EXIT_FD:
                return parse_fd(spec->name, value, &opts->exit_fd, err);
        case OPT_READY_FD:
                return parse_fd(spec->name, value, &opts->ready_fd, err);
        case OPT_MTU:
                if (parse_uint32(value, &n) < 0 || n < OPTIONS_MTU_MIN || n > OPTIONS_MTU_MAX)
                        return error_make(err, 0, "--mtu: '%s' is not in %d..%d", value, OPTIONS_MTU_MIN,
                                          OPTIONS_MTU_MAX);
                opts->mtu = n;
                return 0;
        case OPT_CIDR:
                return options_parse_cidr(value, opts, err);
        case OPT_DISABLE_IPV6:
                opts->ipv6 = false;
                return 0;
        case OPT_ALLOW_HOST_LOOPBACK:
                opts->allow_host_loopback = true;
                return 0;
        case OPT_OUTBOUND_ADDR:
                opts->outbound_addr = (struct sockaddr_in){.sin_family = AF_INET};
                if (inet_pton(AF_INET, value, &opts->outbound_addr.sin_addr) != 1)
                        return error_make(err, 0, "--outbound-addr: '%s' is not an IPv4 address", value);
                opts->has_outbound_addr = true;
                return 0;
        case OPT_OUTBOUND_ADDR6:
                opts->outbound_addr6 = (struct sockaddr_in6){.sin6_family = AF_INET6};
                if (inet_pton(AF_INET6, value, &opts->outbound_addr6.sin6_addr) != 1)
                        return error_make(err, 0, "--outbound-addr6: '%s' is not an IPv6 address", value);
                opts->has_outbound_addr6 = true;
                return 0;
        case OPT_RESOLV_CONF:
                if (*value == '\0')
                        return error_make(err, 0, "--resolv-conf: empty path");
                opts->resolv_conf = value;
                opts->resolv_conf_given = true;
                return 0;
        case OPT_DISABLE_SANDBOX:
                opts->sandbox = false;
                return 0;
        case OPT_DISABLE_SECCOMP:
                opts->seccomp = false;
                return 0;
        case OPT_HELP:
        case OPT_VERSION:
                return 0;
        }
        return error_make(err, 0, "--%s: not implemented", spec->name);
}

/* The cross-option rules, once every option is known. */
static int options_check(const struct options *opts, burrow_error **err)
{
        if (opts->tap_fd < 0)
                return error_make(err, 0, "--tap-fd is required");
        if (opts->exit_fd < 0)
                return error_make(err, 0, "--exit-fd is required");
        if (opts->tap_fd == opts->exit_fd || opts->tap_fd == opts->ready_fd || opts->exit_fd == opts->ready_fd)
                return error_make(err, 0, "--tap-fd, --exit-fd and --ready-fd must be different fds");
        /* libslirp reads the nameservers from the fixed path /etc/resolv.conf; only the sandbox's private mount
         * namespace can put another file there. */
        if (opts->resolv_conf_given && !opts->sandbox)
                return error_make(err, 0, "--resolv-conf needs the sandbox (it cannot be used with --disable-sandbox)");
        return 0;
}

int options_parse(int argc, char **argv, struct options *ret, burrow_error **err)
{
        struct options opts;
        unsigned int seen = 0;

        options_set_defaults(&opts);
        for (int i = 1; i < argc; i++) {
                const char *arg = argv[i], *name, *eq, *value = NULL;
                const struct option_spec *spec;
                size_t len;

                if (strncmp(arg, "--", 2) != 0)
                        return error_make(err, 0, "unexpected argument '%s'", arg);
                name = arg + 2;
                eq = strchr(name, '=');
                len = eq ? (size_t)(eq - name) : strlen(name);
                spec = option_lookup(name, len);
                if (spec == NULL)
                        return error_make(err, 0, "unknown option '%.*s'", (int)(len + 2), arg);
                if (spec->id == OPT_HELP)
                        return OPTIONS_HELP;
                if (spec->id == OPT_VERSION)
                        return OPTIONS_VERSION;
                if (spec->has_value) {
                        if (eq != NULL)
                                value = eq + 1;
                        else if (i + 1 < argc)
                                value = argv[++i];
                        else
                                return error_make(err, 0, "--%s needs a value", spec->name);
                } else if (eq != NULL) {
                        return error_make(err, 0, "--%s takes no value", spec->name);
                }
                if (seen & (1u << spec->id))
                        return error_make(err, 0, "--%s given twice", spec->name);
                seen |= 1u << spec->id;
                if (option_apply(&opts, spec, value, err) < 0)
                        return -1;
        }
        if (options_check(&opts, err) < 0)
                return -1;
        *ret = opts;
        return OPTIONS_RUN;
}
