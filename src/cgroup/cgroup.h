/* A container's cgroup, through a delegated cgroup v2 subtree (the cgroupfs manager). No root and no daemon: the
 * caller's own cgroup (from /proc/self/cgroup) or its parent must belong to the caller, as systemd's Delegate=yes or
 * an administrator's chown leaves it. Nothing here runs unless a limit was asked for: a run without limits needs no
 * cgroup and works on any host (cgroup v1, hybrid, undelegated). */
#pragma once

#include <stdbool.h>

#include "cgroup/limits.h"
#include "spec/spec.h"
#include "util/error.h"

#define CGROUP_MOUNT "/sys/fs/cgroup"

struct cgroup_container {
        int dirfd;  /* the container's cgroup directory (for CLONE_INTO_CGROUP), -1 when there is none */
        char *path; /* its absolute path */
};

#define CGROUP_CONTAINER_INIT                                                                                          \
        {                                                                                                              \
                .dirfd = -1, .path = NULL                                                                              \
        }

/* True when CGROUP_MOUNT is a cgroup v2 tree (not a v1 or hybrid one). */
bool cgroup_unified(void);

/* Finds where the container's cgroup can live and creates it, before the container exists:
 *  - in the caller's own cgroup when the caller is its only process (a `systemd-run --user --scope -p Delegate=yes`
 *    scope): the caller first moves into a leaf of it, "supervisor", because cgroup v2 lets a cgroup with processes
 *    of its own give no controllers to its children;
 *  - else in the parent of the caller's cgroup, when that belongs to the caller and holds no process itself (the
 *    caller's cgroup is then a leaf of a delegated subtree, and the container's a sibling).
 * Enables the controllers the limits need there, creates burrow-<id> and writes the limits. Leftover burrow-* cgroups
 * of crashed runs (no process left) are removed on the way. Errors name the missing piece and its fix. */
int cgroup_create(const char *id, enum spec_cgroup_manager manager, const struct cgroup_limits *limits, struct cgroup_container *ret, burrow_error **err);

/* After the container: whether the kernel's OOM killer acted in it; *ret_memory_max gets memory.max (caller frees). */
bool cgroup_oom_killed(const struct cgroup_container *c, char **ret_memory_max);

/* Removes the container's cgroup (waiting a moment for the last process to be reaped); accepts one never created. */
void cgroup_remove(struct cgroup_container *c);
