/* Confinement of burrow-slirp once its Slirp instance exists, in the order the kernel needs it: namespaces and an
 * almost empty root (sandbox_enter), then no capabilities (sandbox_drop_privileges), then the seccomp filter
 * (sandbox_install_seccomp, in seccomp-filter.c). */
#pragma once

#include <stdbool.h>

#include "util/error.h"

/* Moves into a new user namespace (keeping the caller's uid/gid) and mount namespace whose root is a read-only
 * tmpfs holding nothing but /etc/resolv.conf: a link to resolv_conf in its directory, bound read-only at /resolv
 * (or the file itself, bound, when it is a mount point). A missing resolv_conf is an error when required, otherwise
 * the sandbox has none (libslirp then forwards no DNS, as on a host without one). The network namespace stays the
 * host's, so the sockets libslirp opens still use the host's stack. */
int sandbox_enter(const char *resolv_conf, bool required, burrow_error **err);

/* Clears every capability set, the bounding set where we may, and the ambient set, and sets no_new_privs. */
int sandbox_drop_privileges(burrow_error **err);

/* Loads the seccomp allowlist of syscalls the event loop and libslirp need. Needs no_new_privs. */
int sandbox_install_seccomp(burrow_error **err);
