/* The supervisor's control socket, RUNTIME/<id>/ctl: `burrow exec` gets the container's namespaces there. The
 * container's init is not dumpable (child.c), so nobody may open its /proc/PID/ns files; the supervisor opened them
 * while it still could and hands them, over SCM_RIGHTS, to processes of its own user (SO_PEERCRED) only. */
#pragma once

#include <sys/types.h>

#include "util/error.h"

#define CONTROL_MAX_NS 8

/* The namespaces as the client receives them, in setns order (user first). */
struct control_ns {
        int fds[CONTROL_MAX_NS];
        int types[CONTROL_MAX_NS]; /* CLONE_NEW* */
        size_t n;
};

/* Binds and listens on path (0600; the directory is the runtime directory's, private). */
int control_listen(const char *path, int *ret_fd, burrow_error **err);

/* Accepts one connection and sends it the namespaces (best effort: a failing client is dropped). */
void control_serve_one(int listen_fd, const struct control_ns *ns);

/* Connects to path and receives the namespaces (the caller closes them with control_ns_clear). */
int control_request(const char *path, struct control_ns *ret, burrow_error **err);

void control_ns_clear(struct control_ns *ns);
