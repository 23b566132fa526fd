/* The systemd cgroup manager: a transient scope with Delegate=yes from the user's systemd manager, asked for over the
 * user bus with sd-bus, as podman and crun do in rootless mode. libsystemd is loaded with dlopen() only when this
 * path runs: the burrow binary does not link it (a run without limits, or with cgroupfs, never pays for it). */
#pragma once

#include <stdbool.h>

#include "util/error.h"

/* What systemd_enter_scope returns when no systemd user manager answers (no bus, no manager on it): the caller of
 * the `auto` manager then falls back to the cgroupfs manager. Any other failure is -1. */
#define SYSTEMD_NO_MANAGER (-2)

/* Cheap, without D-Bus: whether a user bus could be there at all ($DBUS_SESSION_BUS_ADDRESS is set, or
 * $XDG_RUNTIME_DIR/bus is a socket). */
bool systemd_user_bus_present(void);

/* Asks the user's systemd manager for the transient unit burrow-<id>.scope (Delegate=yes) holding the calling
 * process, and waits until the job that starts it is done: the caller is then alone in a cgroup it owns. *ret_unit
 * gets the unit's name (caller frees). Returns 0, SYSTEMD_NO_MANAGER, or -1; every error names the fix. */
int systemd_enter_scope(const char *id, char **ret_unit, burrow_error **err);
