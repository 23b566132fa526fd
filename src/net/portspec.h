/* -p/--publish specs, read as docker and podman read them and expanded into one mapping per port.
 *
 *   [[IP:]HOSTPORT:]CONTAINERPORT[/PROTO]
 *
 *   IP             dotted-quad IPv4, or IPv6 in brackets ("[::1]", "[::]"); empty or absent means every address of
 *                  the host, IPv4 and IPv6. A v4-mapped IPv6 address ("[::ffff:1.2.3.4]") is read as its IPv4 address.
 *   HOSTPORT       N, N-M, or empty or 0 for any free port (chosen by the kernel when forward_bind() binds it).
 *   CONTAINERPORT  N or N-M, 1..65535.
 *   PROTO          tcp (the default), udp, or both as "tcp,udp"; case-insensitive. sctp is refused: the forwarder
 *                  cannot carry it.
 *
 * Two colon-separated parts are always HOSTPORT:CONTAINERPORT, as in docker, so "1.2.3.4:80" is an error; a host IP
 * takes three parts: IP:HOSTPORT:CONTAINERPORT or IP::CONTAINERPORT.
 *
 * Ranges: a host range and a container range pair up port by port and must have the same length. A host range with a
 * single container port (docker's dynamic range, "8000-8010:80") is one mapping that forward_bind() binds to the first
 * free port of the range. A container range with no host port (or host port 0) maps each port to its own free port. A
 * single host port with a container range is an error. */
#pragma once

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* Longest -p argument looked at; the longest meaningful one ("[IPv6]:N-M:N-M/tcp,udp") is under 80 bytes. */
#define PORTSPEC_MAX_LEN 256

/* Most mappings all the -p arguments of one container may expand into together. Each one costs the forwarder a bound
 * host socket (an fd), so a user must not be able to make us allocate without bound; 65536 holds every port of one
 * protocol. */
#define PORTSPEC_MAX_MAPPINGS 65536

struct port_mapping {
        int family; /* AF_INET or AF_INET6 when the spec named a host IP; AF_UNSPEC: all addresses, IPv4 and IPv6 */
        union {
                struct in_addr v4;
                struct in6_addr v6;
        } host_addr;             /* by family; all zero for AF_UNSPEC */
        uint16_t host_port;      /* 0: any free port; forward_bind() writes the port it got */
        uint16_t host_port_last; /* == host_port, except > host_port for "HOSTRANGE:CPORT": any free port in between */
        uint16_t container_port; /* 1..65535 */
        int protocol;            /* IPPROTO_TCP or IPPROTO_UDP */
};

/* Parses one -p argument and appends its mappings to *mappings / *n_mappings (a growing array the caller frees).
 * On error nothing is appended and *err reads `invalid -p "SPEC": REASON`. */
int portspec_parse(const char *spec, struct port_mapping **mappings, size_t *n_mappings, burrow_error **err);

/* One mapping as `podman ps` shows it: "0.0.0.0:8080->80/tcp", "[::1]:8080->80/udp", "0.0.0.0:8000-8010->80/tcp"
 * before a dynamic range is bound. All addresses (AF_UNSPEC) print as 0.0.0.0, as podman does. The caller frees. */
char *portspec_format(const struct port_mapping *m);
