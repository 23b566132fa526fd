/* The runtime side of `burrow oci` in the launcher (launch/oci.c): namespaces joined by path, the console socket. */
#pragma once

#include "spec/spec.h"
#include "util/error.h"

/* Joins the namespaces config.json names by path (network, ipc, uts, cgroup), in this process, before the clone: C
 * then inherits them. A user, mount or pid namespace by path is refused (not supported). */
int launch_oci_join_namespaces(const struct spec_oci *oci, burrow_error **err);

/* Sends the pty master to the engine's console socket (SCM_RIGHTS, as runc's utils.SendFd), after giving it
 * process.consoleSize. */
int launch_oci_send_console(const char *socket_path, int master, const struct spec_oci *oci, burrow_error **err);
