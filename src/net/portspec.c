/* -p/--publish parser: splits the spec into host IP, host ports, container ports and protocols, checks each, and
 * expands ranges into single mappings. Pure: no I/O, so unit tests and the fuzz target run exactly this code. */
#include "net/portspec.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "util/cleanup.h"

struct port_range {
        unsigned first, last; /* both 0 when the host side is empty (any free port) */
};

struct protocol_name {
        const char *name;
        int protocol; /* 0: known to us, but the forwarder cannot carry it */
};

static const struct protocol_name protocol_names[] = {
    {"tcp", IPPROTO_TCP},
    {"udp", IPPROTO_UDP},
    {"sctp", 0},
};

static bool is_digit(char c)
{
        return c >= '0' && c <= '9';
}

/* A decimal port in s[0..len). Leading zeros are accepted as docker's strconv.ParseUint accepts them; the value is
 * capped while scanning so that no length of digits can overflow. */
static int parse_port_number(const char *spec, const char *what, const char *s, size_t len, bool allow_zero,
                             unsigned *ret, burrow_error **err)
{
        unsigned value = 0;

        if (len == 0)
                return error_make(err, 0, "invalid -p \"%s\": %s is empty", spec, what);
        for (size_t i = 0; i < len; i++) {
                if (!is_digit(s[i]))
                        return error_make(err, 0, "invalid -p \"%s\": %s \"%.*s\" is not a number", spec, what,
                                          (int)len, s);
                if (value <= 65535)
                        value = value * 10 + (unsigned)(s[i] - '0');
        }
        if (value > 65535 || (value == 0 && !allow_zero))
                return error_make(err, 0, "invalid -p \"%s\": %s %.*s out of range 1-65535", spec, what, (int)len, s);
        *ret = value;
        return 0;
}

/* N or N-M. An empty host side means any free port; port 0 (also "any") is allowed alone but never in a range. */
static int parse_port_range(const char *spec, const char *what, const char *s, size_t len, bool is_host,
                            struct port_range *ret, burrow_error **err)
{
        const char *dash = memchr(s, '-', len);
        struct port_range r = {0, 0};

        if (len == 0 && is_host) {
                *ret = r;
                return 0;
        }
        if (dash == NULL) {
                if (parse_port_number(spec, what, s, len, is_host, &r.first, err) < 0)
                        return -1;
                r.last = r.first;
                *ret = r;
                return 0;
        }
        if (dash == s)
                return error_make(err, 0, "invalid -p \"%s\": %s range \"%.*s\" has no start", spec, what, (int)len, s);
        if (dash == s + len - 1)
                return error_make(err, 0, "invalid -p \"%s\": %s range \"%.*s\" has no end", spec, what, (int)len, s);
        if (parse_port_number(spec, what, s, (size_t)(dash - s), false, &r.first, err) < 0 ||
            parse_port_number(spec, what, dash + 1, (size_t)(s + len - dash - 1), false, &r.last, err) < 0)
                return -1;
        if (r.first > r.last)
                return error_make(err, 0, "invalid -p \"%s\": %s range %u-%u ends before it starts", spec, what,
                                  r.first, r.last);
        *ret = r;
        return 0;
}

/* The host IP: empty (all addresses), a dotted quad, or an IPv6 address that was inside brackets. */
static int parse_host_ip(const char *spec, const char *s, size_t len, bool bracketed, struct port_mapping *ret,
                         burrow_error **err)
{
        char buf[INET6_ADDRSTRLEN];

        ret->family = AF_UNSPEC;
        memset(&ret->host_addr, 0, sizeof(ret->host_addr));
        if (len == 0 && !bracketed)
                return 0;
        if (len == 0)
                return error_make(err, 0, "invalid -p \"%s\": host IP \"[]\" is empty", spec);
        if (len >= sizeof(buf))
                goto invalid;
        memcpy(buf, s, len);
        buf[len] = '\0';
        if (!bracketed) {
                if (inet_pton(AF_INET, buf, &ret->host_addr.v4) != 1)
                        goto invalid;
                ret->family = AF_INET;
                return 0;
        }
        if (inet_pton(AF_INET6, buf, &ret->host_addr.v6) != 1)
                goto invalid;
        ret->family = AF_INET6;
        if (IN6_IS_ADDR_V4MAPPED(&ret->host_addr.v6)) {
                struct in_addr v4;

                memcpy(&v4, &ret->host_addr.v6.s6_addr[12], sizeof(v4));
                memset(&ret->host_addr, 0, sizeof(ret->host_addr));
                ret->host_addr.v4 = v4;
                ret->family = AF_INET;
        }
        return 0;

invalid:
        if (bracketed)
                return error_make(err, 0, "invalid -p \"%s\": host IP \"%.*s\" is not an IPv6 address", spec, (int)len,
                                  s);
        return error_make(err, 0, "invalid -p \"%s\": host IP \"%.*s\" is not an IPv4 address (IPv6 goes in brackets)",
                          spec, (int)len, s);
}

/* "tcp", "udp" or "tcp,udp" (either order, case-insensitive) into a list of protocols. */
static int parse_protocols(const char *spec, const char *s, int ret[2], size_t *ret_n, burrow_error **err)
{
        size_t n = 0;

        if (*s == '\0')
                return error_make(err, 0, "invalid -p \"%s\": protocol after '/' is empty", spec);
        while (true) {
                size_t len = strcspn(s, ",");
                const struct protocol_name *found = NULL;

                for (size_t i = 0; i < sizeof(protocol_names) / sizeof(protocol_names[0]); i++)
                        if (strlen(protocol_names[i].name) == len && strncasecmp(s, protocol_names[i].name, len) == 0)
                                found = &protocol_names[i];
                if (found == NULL)
                        return error_make(err, 0, "invalid -p \"%s\": unknown protocol \"%.*s\"; use tcp or udp", spec,
                                          (int)len, s);
                if (found->protocol == 0)
                        return error_make(err, 0, "invalid -p \"%s\": protocol %s is not supported; use tcp or udp",
                                          spec, found->name);
                if (n == 1 && ret[0] == found->protocol)
                        return error_make(err, 0, "invalid -p \"%s\": protocol %s given twice", spec, found->name);
                ret[n++] = found->protocol;
                if (s[len] == '\0')
                        break;
                if (n == 2)
                        return error_make(err, 0, "invalid -p \"%s\": too many protocols; use tcp, udp or tcp,udp",
                                          spec);
                s += len + 1;
        }
        *ret_n = n;
        return 0;
}

/* Splits "[IP:]HOST:CONTAINER" (no protocol) into its parts. Unbracketed, the parts are docker's: one part is the
 * container port, two are HOST:CONTAINER, three IP:HOST:CONTAINER. */
static int split_parts(const char *spec, const char *s, size_t len, const char **ip, size_t *ip_len, bool *bracketed,
                       const char **host, size_t *host_len, const char **ctr, size_t *ctr_len, burrow_error **err)
{
        const char *end = s + len, *rest = s, *colon1, *colon2;

        *ip = NULL;
        *ip_len = 0;
        *bracketed = false;
        if (len > 0 && s[0] == '[') {
                const char *close = memchr(s, ']', len);

                if (close == NULL)
                        return error_make(err, 0, "invalid -p \"%s\": '[' without a closing ']'", spec);
                if (close + 1 == end || close[1] != ':')
                        return error_make(err, 0, "invalid -p \"%s\": expected ':' after the host IP \"%.*s\"", spec,
                                          (int)(close + 1 - s), s);
                *ip = s + 1;
                *ip_len = (size_t)(close - s - 1);
                *bracketed = true;
                rest = close + 2;
        }

        colon1 = memchr(rest, ':', (size_t)(end - rest));
        colon2 = colon1 == NULL ? NULL : memchr(colon1 + 1, ':', (size_t)(end - colon1 - 1));
        if (*bracketed) {
                if (colon1 == NULL)
                        return error_make(err, 0,
                                          "invalid -p \"%s\": a host IP needs HOSTPORT:CONTAINERPORT after it, "
                                          "e.g. [::1]:8080:80 or [::1]::80",
                                          spec);
                if (colon2 != NULL)
                        return error_make(err, 0, "invalid -p \"%s\": too many colons after the host IP", spec);
                colon2 = colon1;
                colon1 = rest - 1;
        } else if (colon2 != NULL) {
                if (memchr(colon2 + 1, ':', (size_t)(end - colon2 - 1)) != NULL)
                        return error_make(err, 0,
                                          "invalid -p \"%s\": too many colons; IPv6 host addresses go in brackets, "
                                          "e.g. [::1]:8080:80",
                                          spec);
                *ip = s;
                *ip_len = (size_t)(colon1 - s);
        } else if (colon1 != NULL) {
                colon2 = colon1;
                colon1 = NULL;
        }

        if (colon2 == NULL) {
                *host = s;
                *host_len = 0;
                *ctr = s;
                *ctr_len = len;
        } else {
                *host = colon1 == NULL ? s : colon1 + 1;
                *host_len = (size_t)(colon2 - *host);
                *ctr = colon2 + 1;
                *ctr_len = (size_t)(end - *ctr);
        }
        return 0;
}

int portspec_parse(const char *spec, struct port_mapping **mappings, size_t *n_mappings, burrow_error **err)
{
        const char *slash, *ip = NULL, *host = NULL, *ctr = NULL;
        size_t ports_len, ip_len = 0, host_len = 0, ctr_len = 0, n_ports, n_new;
        bool bracketed = false;
        struct port_range host_range, ctr_range;
        struct port_mapping base = {0};
        int protocols[2] = {IPPROTO_TCP, 0};
        size_t n_protocols = 1;
        struct port_mapping *out;

        if (spec == NULL)
                return error_make(err, 0, "invalid -p: missing argument");
        if (strnlen(spec, PORTSPEC_MAX_LEN + 1) > PORTSPEC_MAX_LEN)
                return error_make(err, 0, "invalid -p: longer than %d bytes", PORTSPEC_MAX_LEN);
        if (spec[0] == '\0')
                return error_make(err, 0, "invalid -p \"\": empty; expected [[IP:]HOSTPORT:]CONTAINERPORT[/PROTOCOL]");

        slash = strchr(spec, '/');
        ports_len = slash == NULL ? strlen(spec) : (size_t)(slash - spec);
        if (split_parts(spec, spec, ports_len, &ip, &ip_len, &bracketed, &host, &host_len, &ctr, &ctr_len, err) < 0)
                return -1;
        if (parse_host_ip(spec, ip, ip_len, bracketed, &base, err) < 0)
                return -1;
        if (parse_port_range(spec, "host port", host, host_len, true, &host_range, err) < 0)
                return -1;
        if (parse_port_range(spec, "container port", ctr, ctr_len, false, &ctr_range, err) < 0)
                return -1;
        if (slash != NULL && parse_protocols(spec, slash + 1, protocols, &n_protocols, err) < 0)
                return -1;

        n_ports = ctr_range.last - ctr_range.first + 1;
        if (host_range.first != 0 && host_range.first == host_range.last && n_ports > 1)
                return error_make(err, 0,
                                  "invalid -p \"%s\": one host port %u for %zu container ports %u-%u; give a host "
                                  "range of the same length or no host port",
                                  spec, host_range.first, n_ports, ctr_range.first, ctr_range.last);
        if (host_range.first != host_range.last && n_ports > 1 && host_range.last - host_range.first + 1 != n_ports)
                return error_make(err, 0,
                                  "invalid -p \"%s\": host range %u-%u has %u ports but container range %u-%u has %zu",
                                  spec, host_range.first, host_range.last, host_range.last - host_range.first + 1,
                                  ctr_range.first, ctr_range.last, n_ports);

        /* n_ports <= 65535 and n_protocols <= 2, so neither product nor sum can overflow. */
        n_new = n_ports * n_protocols;
        if (*n_mappings > PORTSPEC_MAX_MAPPINGS || n_new > PORTSPEC_MAX_MAPPINGS - *n_mappings)
                return error_make(err, 0, "invalid -p \"%s\": too many port mappings; at most %d in total", spec,
                                  PORTSPEC_MAX_MAPPINGS);

        out = xrealloc(*mappings, (*n_mappings + n_new) * sizeof(*out));
        *mappings = out;
        out += *n_mappings;
        for (size_t p = 0; p < n_protocols; p++) {
                for (size_t i = 0; i < n_ports; i++) {
                        struct port_mapping *m = out++;

                        *m = base;
                        m->protocol = protocols[p];
                        m->container_port = (uint16_t)(ctr_range.first + i);
                        if (host_range.first == 0) {
                                m->host_port = m->host_port_last = 0;
                        } else if (n_ports == 1) {
                                /* A single port, or the dynamic range "HOSTRANGE:CPORT". */
                                m->host_port = (uint16_t)host_range.first;
                                m->host_port_last = (uint16_t)host_range.last;
                        } else {
                                m->host_port = m->host_port_last = (uint16_t)(host_range.first + i);
                        }
                }
        }
        *n_mappings += n_new;
        return 0;
}

char *portspec_format(const struct port_mapping *m)
{
        char addr[INET6_ADDRSTRLEN] = "0.0.0.0";
        _cleanup_free_ char *ports = NULL;
        const char *protocol = m->protocol == IPPROTO_UDP ? "udp" : "tcp";

        if (m->family == AF_INET)
                inet_ntop(AF_INET, &m->host_addr.v4, addr, sizeof(addr));
        else if (m->family == AF_INET6)
                inet_ntop(AF_INET6, &m->host_addr.v6, addr, sizeof(addr));

        if (m->host_port_last > m->host_port)
                ports = xasprintf("%u-%u", m->host_port, m->host_port_last);
        else
                ports = xasprintf("%u", m->host_port);
        if (m->family == AF_INET6)
                return xasprintf("[%s]:%s->%u/%s", addr, ports, m->container_port, protocol);
        return xasprintf("%s:%s->%u/%s", addr, ports, m->container_port, protocol);
}
