/* Phase 1 of the port forwarder: binding the published ports on the host, before the container starts (forward.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/forward-internal.h"
#include "util/cleanup.h"
#include "util/fileutil.h"

/* ------------------------------------------------------------------------------------------------------------------
 * Phase 1: binding on the host */

static void format_addr(const struct port_mapping *m, char *buf, size_t len)
{
        if (m->family == AF_INET6) {
                buf[0] = '[';
                inet_ntop(AF_INET6, &m->host_addr.v6, buf + 1, (socklen_t)(len - 2));
                strcat(buf, "]");
        } else if (m->family == AF_INET) {
                inet_ntop(AF_INET, &m->host_addr.v4, buf, (socklen_t)len);
        } else {
                snprintf(buf, len, "0.0.0.0");
        }
}

static int protocol_socket(int family, int protocol)
{
        return socket(family, (protocol == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

/* One socket bound to one port; returns the fd, or -1 with errno. AF_UNSPEC is [::] accepting IPv4 as well, or
 * 0.0.0.0 when the host has no IPv6 at all. */
static int bind_port(const struct port_mapping *m, uint16_t port)
{
        _cleanup_close_ int fd = -1;
        struct sockaddr_storage ss = {0};
        struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
        int family = m->family == AF_INET ? AF_INET : AF_INET6;
        int one = 1, v6only = m->family == AF_INET6;

        fd = protocol_socket(family, m->protocol);
        if (fd < 0 && errno == EAFNOSUPPORT && m->family == AF_UNSPEC)
                fd = protocol_socket(family = AF_INET, m->protocol);
        if (fd < 0)
                return -1;
        if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)) < 0)
                return -1;
        /* A listener may take a port whose previous connections still sit in TIME_WAIT. Never for UDP, where
         * SO_REUSEADDR would let two sockets share the port. */
        if (m->protocol == IPPROTO_TCP && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
                return -1;
        if (family == AF_INET) {
                sin->sin_family = AF_INET;
                sin->sin_port = htons(port);
                if (m->family == AF_INET)
                        sin->sin_addr = m->host_addr.v4;
        } else {
                sin6->sin6_family = AF_INET6;
                sin6->sin6_port = htons(port);
                if (m->family == AF_INET6)
                        sin6->sin6_addr = m->host_addr.v6;
        }
        if (bind(fd, (struct sockaddr *)&ss, family == AF_INET ? sizeof(*sin) : sizeof(*sin6)) < 0) {
                if (errno == EADDRNOTAVAIL && m->family == AF_UNSPEC && family == AF_INET6) {
                        /* IPv6 disabled (net.ipv6.conf.all.disable_ipv6): all addresses are the IPv4 ones. */
                        struct port_mapping v4 = *m;
                        v4.family = AF_INET;
                        return bind_port(&v4, port);
                }
                return -1;
        }
        if (m->protocol == IPPROTO_TCP && listen(fd, SOMAXCONN) < 0)
                return -1;
        return steal_fd(&fd);
}

/* The kernel refuses ports below this to users without CAP_NET_BIND_SERVICE; -1 when unreadable. */
static int unprivileged_port_start(void)
{
        _cleanup_free_ char *buf = NULL;
        unsigned value;

        if (file_read_all("/proc/sys/net/ipv4/ip_unprivileged_port_start", 32, &buf, NULL, NULL) < 0)
                return -1;
        buf[strcspn(buf, "\n")] = '\0';
        if (parse_uint32(buf, &value) < 0)
                return -1;
        return (int)value;
}

static int bind_error(const struct port_mapping *m, uint16_t port, int errnum, burrow_error **err)
{
        const char *proto = m->protocol == IPPROTO_UDP ? "UDP" : "TCP";
        char addr[INET6_ADDRSTRLEN + 2];
        int start;

        format_addr(m, addr, sizeof(addr));
        if (errnum == EADDRINUSE)
                return error_make(err, 0, "%s port %u on %s is already in use", proto, port, addr);
        if (errnum == EACCES && (start = unprivileged_port_start()) > port)
                return error_make(
                    err, 0,
                    "%s port %u on %s is privileged: net.ipv4.ip_unprivileged_port_start is %d; publish a "
                    "host port of at least %d, or lower that sysctl",
                    proto, port, addr, start, start);
        if (errnum == EADDRNOTAVAIL)
                return error_make(err, 0, "cannot bind %s port %u on %s: the address is not one of this host's", proto,
                                  port, addr);
        if (errnum == EMFILE || errnum == ENFILE)
                return error_make(err, errnum, "cannot bind %s port %u on %s (raise the open-file limit, ulimit -n)",
                                  proto, port, addr);
        return error_make(err, errnum, "cannot bind %s port %u on %s", proto, port, addr);
}

/* Binds a mapping: its port, any port (0), or the first free port of its dynamic range. */
static int bind_mapping(struct port_mapping *m, int *ret_fd, burrow_error **err)
{
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        int fd = -1, first_errno = 0;
        uint16_t port = m->host_port;

        for (unsigned p = m->host_port; p <= m->host_port_last; p++) {
                port = (uint16_t)p;
                fd = bind_port(m, port);
                if (fd >= 0)
                        break;
                /* In a range, try on past ports in use (and privileged ones, when the range straddles the limit). */
                if (first_errno == 0 || first_errno == EADDRINUSE)
                        first_errno = errno;
                if (errno != EADDRINUSE && errno != EACCES)
                        break;
        }
        if (fd < 0 && m->host_port_last > m->host_port && first_errno == EADDRINUSE) {
                char addr[INET6_ADDRSTRLEN + 2];
                format_addr(m, addr, sizeof(addr));
                return error_make(err, 0, "no free %s port in %u-%u on %s", m->protocol == IPPROTO_UDP ? "UDP" : "TCP",
                                  m->host_port, m->host_port_last, addr);
        }
        if (fd < 0)
                return bind_error(m, m->host_port_last > m->host_port ? m->host_port : port, first_errno, err);
        if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
                close(fd);
                return error_make(err, errno, "getsockname");
        }
        m->host_port = m->host_port_last = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                                                         : ((struct sockaddr_in6 *)&ss)->sin6_port);
        *ret_fd = fd;
        return 0;
}

int forward_bind(struct port_mapping *mappings, size_t n, struct forward_set **ret_set, burrow_error **err)
{
        struct forward_set *set = xcalloc(1, sizeof(*set));

        set->listeners = xcalloc(n > 0 ? n : 1, sizeof(*set->listeners));
        for (size_t i = 0; i < n; i++) {
                struct forward_listener *l = &set->listeners[i];

                if (bind_mapping(&mappings[i], &l->fd, err) < 0) {
                        forward_set_free(set);
                        return error_wrap(err, "publish");
                }
                set->n++;
                l->ep.kind = mappings[i].protocol == IPPROTO_UDP ? EP_UDP_LISTENER : EP_TCP_LISTENER;
                l->protocol = mappings[i].protocol;
                l->container_port = mappings[i].container_port;
        }
        *ret_set = set;
        return 0;
}

void forward_set_free(struct forward_set *set)
{
        if (set == NULL)
                return;
        for (size_t i = 0; i < set->n; i++)
                if (set->listeners[i].fd >= 0)
                        close(set->listeners[i].fd);
        free(set->listeners);
        free(set);
}
