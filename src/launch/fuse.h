/* The fuse-overlayfs daemon of a run (launch/fuse.c). */
#pragma once

#include <sys/types.h>

#include "spec/spec.h"
#include "util/error.h"

/* Runs fuse-overlayfs for spec's layers on spec->rootfs in the user namespace userns_fd (a mount namespace of its
 * own, our pid namespace), waits for the mount and returns the daemon's pid and the mount as a detached tree. On
 * failure after the fork, *ret_pid is set when the daemon still runs (the caller stops it). */
int launch_fuse_start(const char *fuse_overlayfs, int userns_fd, const struct burrow_spec *spec, pid_t *ret_pid,
                      int *ret_tree, burrow_error **err);

/* Asks the daemon to unmount and leave, then makes sure; *pid becomes -1. Accepts *pid <= 0. */
void launch_fuse_stop(pid_t *pid);
