/* resolv.conf, hosts and hostname for a container (files.h). */
#include "net/files.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

/* A growing string. */
struct text {
        char *buf;
        size_t len, cap;
};

static void text_add(struct text *t, const char *s)
{
        size_t n = strlen(s);

        if (t->len + n + 1 > t->cap) {
                t->cap = (t->len + n + 1) * 2;
                t->buf = xrealloc(t->buf, t->cap);
        }
        memcpy(t->buf + t->len, s, n + 1);
        t->len += n;
}

static void text_line(struct text *t, const char *a, const char *b)
{
        text_add(t, a);
        text_add(t, b);
        text_add(t, "\n");
}

void net_slirp_address(const struct spec_slirp *slirp, unsigned int host_part, char ret[16])
{
        struct in_addr a = {.s_addr = htonl(slirp->network + host_part)};

        inet_ntop(AF_INET, &a, ret, 16);
}

/* Calls fn for each line of text whose first word is `keyword`, with the rest of the line. */
static void for_each_directive(const char *text, const char *keyword, void (*fn)(const char *rest, void *arg),
                               void *arg)
{
        size_t klen = strlen(keyword);

        for (const char *line = text; line && *line;) {
                const char *end = strchr(line, '\n');
                size_t n = end ? (size_t)(end - line) : strlen(line);
                while (n > 0 && (*line == ' ' || *line == '\t'))
                        line++, n--;
                if (n > klen && strncmp(line, keyword, klen) == 0 && (line[klen] == ' ' || line[klen] == '\t')) {
                        _cleanup_free_ char *rest = xstrndup(line + klen + 1, n - klen - 1);
                        char *r = rest;
                        while (*r == ' ' || *r == '\t')
                                r++;
                        r[strcspn(r, "#;\r")] = '\0';
                        for (size_t m = strlen(r); m > 0 && (r[m - 1] == ' ' || r[m - 1] == '\t'); m--)
                                r[m - 1] = '\0';
                        if (*r)
                                fn(r, arg);
                }
                line = end ? end + 1 : NULL;
        }
}

static bool is_loopback(const char *ip)
{
        struct in6_addr a6;
        struct in_addr a4;

        if (inet_pton(AF_INET, ip, &a4) == 1)
                return (ntohl(a4.s_addr) >> 24) == 127;
        return inet_pton(AF_INET6, ip, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

struct server_filter {
        struct text *out;
        bool skip_loopback;
        unsigned int n;
        bool any_other;
};

static void add_server(const char *ip, void *arg)
{
        struct server_filter *f = arg;

        if (f->skip_loopback && is_loopback(ip))
                return;
        if (f->out) {
                text_line(f->out, "nameserver ", ip);
                f->n++;
        }
}

static void note_server(const char *ip, void *arg)
{
        struct server_filter *f = arg;

        if (strcmp(ip, "127.0.0.53") != 0)
                f->any_other = true;
        f->n++;
}

const char *net_host_resolv_conf_path(const char *text)
{
        struct server_filter f = {0};

        if (text == NULL)
                return "/etc/resolv.conf";
        for_each_directive(text, "nameserver", note_server, &f);
        return f.n > 0 && !f.any_other ? "/run/systemd/resolve/resolv.conf" : "/etc/resolv.conf";
}

struct server_count {
        unsigned int n, loopback;
};

static void count_server(const char *ip, void *arg)
{
        struct server_count *c = arg;

        c->n++;
        c->loopback += is_loopback(ip);
}

unsigned int net_resolv_conf_servers(const char *text, unsigned int *ret_loopback)
{
        struct server_count c = {0};

        if (text)
                for_each_directive(text, "nameserver", count_server, &c);
        *ret_loopback = c.loopback;
        return c.n;
}

static void add_search(const char *rest, void *arg)
{
        text_line(arg, "search ", rest);
}

static void add_options(const char *rest, void *arg)
{
        text_line(arg, "options ", rest);
}

static char *build_resolv_conf(const struct burrow_spec *spec, const char *host_resolv)
{
        struct text t = {0};

        text_add(&t, "");
        if (spec->dns.len > 0) {
                for (size_t i = 0; i < spec->dns.len; i++)
                        text_line(&t, "nameserver ", spec->dns.items[i]);
        } else if (spec->network == SPEC_NETWORK_SLIRP) {
                char dns[16];
                net_slirp_address(&spec->slirp, 3, dns);
                text_line(&t, "nameserver ", dns);
        } else if (host_resolv) {
                /* The host's own servers; from another network namespace its loopback ones cannot answer. */
                struct server_filter f = {.out = &t, .skip_loopback = spec->network != SPEC_NETWORK_HOST};
                for_each_directive(host_resolv, "nameserver", add_server, &f);
        }
        if (spec->dns_search.len > 0) {
                if (strcmp(spec->dns_search.items[0], ".") != 0) {
                        text_add(&t, "search");
                        for (size_t i = 0; i < spec->dns_search.len; i++)
                                if (strcmp(spec->dns_search.items[i], ".") != 0) {
                                        text_add(&t, " ");
                                        text_add(&t, spec->dns_search.items[i]);
                                }
                        text_add(&t, "\n");
                }
        } else if (host_resolv) {
                for_each_directive(host_resolv, "search", add_search, &t);
        }
        if (spec->dns_options.len > 0) {
                text_add(&t, "options");
                for (size_t i = 0; i < spec->dns_options.len; i++) {
                        text_add(&t, " ");
                        text_add(&t, spec->dns_options.items[i]);
                }
                text_add(&t, "\n");
        } else if (host_resolv) {
                for_each_directive(host_resolv, "options", add_options, &t);
        }
        return t.buf;
}

static char *build_hosts(const struct burrow_spec *spec, const char *hostname, const char *host_hosts)
{
        char self[16] = "127.0.1.1", gateway[16] = "127.0.0.1";
        struct text t = {0};

        text_add(&t, "");
        if (spec->network == SPEC_NETWORK_HOST && host_hosts) {
                text_add(&t, host_hosts);
                if (t.len > 0 && t.buf[t.len - 1] != '\n')
                        text_add(&t, "\n");
        } else {
                text_add(&t, "127.0.0.1\tlocalhost localhost.localdomain\n"
                             "::1\tlocalhost ip6-localhost ip6-loopback\n");
        }
        if (spec->network == SPEC_NETWORK_SLIRP) {
                net_slirp_address(&spec->slirp, 100, self);
                net_slirp_address(&spec->slirp, 2, gateway);
        }
        if (spec->network != SPEC_NETWORK_HOST) {
                text_add(&t, self);
                text_line(&t, "\t", hostname);
        }
        /* The host is reachable from the container only through slirp's loopback mapping. */
        if (spec->network == SPEC_NETWORK_SLIRP && spec->slirp.allow_host_loopback) {
                text_add(&t, gateway);
                text_add(&t, "\thost.containers.internal host.docker.internal\n");
        }
        for (size_t i = 0; i < spec->add_hosts.len; i++) {
                const char *line = spec->add_hosts.items[i];
                if (strncmp(line, "host-gateway ", 13) == 0) {
                        text_add(&t, gateway);
                        text_line(&t, "\t", line + 13);
                } else {
                        const char *sp = strchr(line, ' ');
                        _cleanup_free_ char *ip = xstrndup(line, (size_t)(sp - line));
                        text_add(&t, ip);
                        text_line(&t, "\t", sp + 1);
                }
        }
        return t.buf;
}

void net_files_build(const struct burrow_spec *spec, const char *hostname, const char *host_resolv,
                     const char *host_hosts, struct net_files *ret)
{
        ret->resolv_conf = spec->network == SPEC_NETWORK_NONE && spec->dns.len == 0 && spec->dns_search.len == 0 &&
                                   spec->dns_options.len == 0
                               ? NULL
                               : build_resolv_conf(spec, host_resolv);
        ret->hosts = build_hosts(spec, hostname, host_hosts);
        ret->hostname = xasprintf("%s\n", hostname);
}

void net_files_clear(struct net_files *files)
{
        free(files->resolv_conf);
        free(files->hosts);
        free(files->hostname);
        *files = (struct net_files){0};
}
