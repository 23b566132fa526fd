/* Parsers of the network options: --network, --add-host, --dns, --dns-search, --dns-option (parse.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spec/parse.h"
#include "util/cleanup.h"
#include "util/fileutil.h"

static int check_arg(const char *what, const char *arg, burrow_error **err)
{
        if (arg == NULL || strlen(arg) > PARSE_MAX_ARG)
                return error_make(err, 0, "invalid %s: longer than %d bytes", what, PARSE_MAX_ARG);
        return 0;
}

static bool is_ip(const char *s)
{
        struct in6_addr a;

        return inet_pton(AF_INET, s, &a) == 1 || inet_pton(AF_INET6, s, &a) == 1;
}

/* Host names as /etc/hosts takes them (RFC 1123 labels, dots, underscore tolerated as docker does). */
static bool is_hostname(const char *s)
{
        size_t n = strlen(s);

        if (n == 0 || n > 253 || s[0] == '-' || s[0] == '.')
                return false;
        for (; *s; s++)
                if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-' ||
                      *s == '.' || *s == '_'))
                        return false;
        return true;
}

static int slirp_option(struct spec_slirp *slirp, const char *arg, char *key, char *value, burrow_error **err)
{
        bool b;

        if (value == NULL)
                return error_make(err, 0, "invalid --network \"%s\": option \"%s\" needs a value (KEY=VALUE)", arg,
                                  key);
        if (strcmp(key, "mtu") == 0) {
                unsigned int mtu;
                if (parse_uint32(value, &mtu) < 0 || mtu < 1280 || mtu > 65520)
                        return error_make(err, 0, "invalid --network \"%s\": mtu must be 1280 to 65520", arg);
                slirp->mtu = mtu;
                return 0;
        }
        if (strcmp(key, "cidr") == 0) {
                char *slash = strchr(value, '/');
                struct in_addr a;
                unsigned int prefix;
                uint32_t host, mask;

                if (slash == NULL || (*slash = '\0', inet_pton(AF_INET, value, &a) != 1) ||
                    parse_uint32(slash + 1, &prefix) < 0 || prefix < 1 || prefix > 25)
                        return error_make(err, 0,
                                          "invalid --network \"%s\": cidr must be an IPv4 network A.B.C.D/N with N "
                                          "from 1 to 25",
                                          arg);
                host = ntohl(a.s_addr);
                mask = prefix == 0 ? 0 : ~0U << (32 - prefix);
                if (host & ~mask)
                        return error_make(err, 0, "invalid --network \"%s\": cidr has host bits set", arg);
                slirp->network = host;
                slirp->prefix = prefix;
                return 0;
        }
        if (strcmp(key, "enable_ipv6") == 0 || strcmp(key, "allow_host_loopback") == 0) {
                if (parse_bool(value, &b) < 0)
                        return error_make(err, 0, "invalid --network \"%s\": %s must be true or false", arg, key);
                if (key[0] == 'e')
                        slirp->ipv6 = b;
                else
                        slirp->allow_host_loopback = b;
                return 0;
        }
        if (strcmp(key, "outbound_addr") == 0 || strcmp(key, "outbound_addr6") == 0) {
                struct in6_addr a;
                bool v6 = key[13] == '6';
                if (inet_pton(v6 ? AF_INET6 : AF_INET, value, &a) != 1)
                        return error_make(err, 0, "invalid --network \"%s\": %s must be an IPv%c address", arg, key,
                                          v6 ? '6' : '4');
                free(v6 ? slirp->outbound_addr6 : slirp->outbound_addr);
                *(v6 ? &slirp->outbound_addr6 : &slirp->outbound_addr) = xstrdup(value);
                return 0;
        }
        return error_make(err, 0,
                          "invalid --network \"%s\": unknown option \"%s\" (mtu, cidr, enable_ipv6, "
                          "allow_host_loopback, outbound_addr, outbound_addr6)",
                          arg, key);
}

int parse_network(const char *arg, enum spec_network *ret_mode, struct spec_slirp *slirp, burrow_error **err)
{
        _cleanup_free_ char *copy = NULL;
        char *opts;

        if (check_arg("--network", arg, err) < 0)
                return -1;
        if (strcmp(arg, "none") == 0) {
                *ret_mode = SPEC_NETWORK_NONE;
                return 0;
        }
        if (strcmp(arg, "host") == 0) {
                *ret_mode = SPEC_NETWORK_HOST;
                return 0;
        }
        copy = xstrdup(arg);
        opts = strchr(copy, ':');
        if (opts)
                *opts++ = '\0';
        if (strcmp(copy, "slirp") != 0 && strcmp(copy, "slirp4netns") != 0 && strcmp(copy, "private") != 0)
                return error_make(err, 0, "invalid --network \"%s\": expected slirp[:OPTIONS], none or host", arg);
        if (opts && opts[0] == '\0')
                return error_make(err, 0, "invalid --network \"%s\": empty option list", arg);
        for (char *o; opts && (o = strsep(&opts, ",")) != NULL;) {
                char *eq = strchr(o, '=');

                if (o[0] == '\0')
                        return error_make(err, 0, "invalid --network \"%s\": empty option", arg);
                if (eq)
                        *eq++ = '\0';
                if (slirp_option(slirp, arg, o, eq, err) < 0)
                        return -1;
        }
        *ret_mode = SPEC_NETWORK_SLIRP;
        return 0;
}

int parse_add_host(const char *arg, strv *out, burrow_error **err)
{
        _cleanup_free_ char *copy = NULL;
        char *sep, *ip;

        if (check_arg("--add-host", arg, err) < 0)
                return -1;
        copy = xstrdup(arg);
        /* NAME:IP as docker (the first colon: an IPv6 address has more), or NAME=IP as newer docker. */
        sep = strpbrk(copy, ":=");
        if (sep == NULL)
                return error_make(err, 0, "invalid --add-host \"%s\": expected NAME:IP", arg);
        *sep = '\0';
        ip = sep + 1;
        if (ip[0] == '[' && ip[strlen(ip) - 1] == ']') {
                ip[strlen(ip) - 1] = '\0';
                ip++;
        }
        if (!is_hostname(copy))
                return error_make(err, 0, "invalid --add-host \"%s\": \"%s\" is not a host name", arg, copy);
        if (strcmp(ip, "host-gateway") != 0 && !is_ip(ip))
                return error_make(err, 0, "invalid --add-host \"%s\": \"%s\" is not an IP address", arg, ip);
        strv_push_owned(out, xasprintf("%s %s", ip, copy));
        return 0;
}

int parse_dns(const char *arg, strv *out, burrow_error **err)
{
        if (check_arg("--dns", arg, err) < 0)
                return -1;
        if (!is_ip(arg))
                return error_make(err, 0, "invalid --dns \"%s\": not an IP address", arg);
        strv_push(out, arg);
        return 0;
}

int parse_dns_search(const char *arg, strv *out, burrow_error **err)
{
        if (check_arg("--dns-search", arg, err) < 0)
                return -1;
        if (strcmp(arg, ".") != 0 && !is_hostname(arg))
                return error_make(err, 0, "invalid --dns-search \"%s\": not a domain name", arg);
        strv_push(out, arg);
        return 0;
}

int parse_dns_option(const char *arg, strv *out, burrow_error **err)
{
        if (check_arg("--dns-option", arg, err) < 0)
                return -1;
        if (arg[0] == '\0' || strpbrk(arg, " \t\n\r#;") != NULL)
                return error_make(err, 0, "invalid --dns-option \"%s\": one resolv.conf option, no spaces", arg);
        strv_push(out, arg);
        return 0;
}
