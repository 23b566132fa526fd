/* The forwarder's objects shared by its two halves: forward-bind.c (phase 1, binding on the host) and forward.c
 * (phase 2, the relay). Internal to src/net/. */
#pragma once

#include <stdint.h>

#include "net/forward.h"

enum endpoint_kind { EP_EXIT, EP_TCP_LISTENER, EP_UDP_LISTENER, EP_TCP_CLIENT, EP_TCP_SERVER, EP_UDP_SESSION };

/* What an epoll event's data.ptr points at, embedded in each object (found again with container_of). */
struct endpoint {
        enum endpoint_kind kind;
};

struct forward_listener {
        struct endpoint ep;
        int fd;
        int protocol;
        uint16_t container_port;
};

struct forward_set {
        struct forward_listener *listeners;
        size_t n;
};
