/* A container's cgroup, through a delegated cgroup v2 subtree. No root: the caller's own cgroup (from
 * /proc/self/cgroup) or its parent must belong to the caller, as systemd's Delegate=yes or an administrator's chown
 * leaves it (the cgroupfs manager); or the user's systemd manager makes such a cgroup, a transient scope, and moves
 * the caller into it first (the systemd manager, cgroup/systemd.h). Nothing here runs unless a limit was asked for: a
 * run without limits needs no cgroup and works on any host (cgroup v1, hybrid, undelegated). Usage statistics are
 * read from any container cgroup's files. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "cgroup/limits.h"
#include "spec/spec.h"
#include "util/error.h"

#define CGROUP_MOUNT "/sys/fs/cgroup"

struct cgroup_container {
        int dirfd;  /* the container's cgroup directory (for CLONE_INTO_CGROUP), -1 when there is none */
        char *path; /* its absolute path */
        char *unit; /* the systemd scope burrow moved into for it (burrow-<id>.scope), NULL with the cgroupfs manager */
};

#define CGROUP_CONTAINER_INIT                                                                                          \
        {                                                                                                              \
                .dirfd = -1, .path = NULL, .unit = NULL                                                                \
        }

/* True when CGROUP_MOUNT is a cgroup v2 tree (not a v1 or hybrid one). */
bool cgroup_unified(void);

/* Read-only (burrow doctor): whether the cgroupfs manager finds a delegated cgroup as things are now (see
 * cgroup_create). *ret_dir gets it, else the caller's own cgroup, or NULL when /proc/self/cgroup has no v2 entry. */
bool cgroup_delegated_dir(char **ret_dir);

/* Finds where the container's cgroup can live and creates it, before the container exists. Where, by `manager`:
 *  - cgroupfs: in the caller's own cgroup when the caller is its only process (a `systemd-run --user --scope -p
 *    Delegate=yes` scope): the caller first moves into a leaf of it, "supervisor", because cgroup v2 lets a cgroup
 *    with processes of its own give no controllers to its children; else in the parent of the caller's cgroup, when
 *    that belongs to the caller, holds no process itself and is not a systemd slice (the caller's cgroup is then a
 *    leaf of a delegated subtree, and the container's a sibling);
 *  - systemd: the user's systemd manager first moves the caller into a new scope burrow-<id>.scope (Delegate=yes),
 *    where it is alone: then as cgroupfs (supervisor leaf, container cgroup beside it). systemd removes the scope
 *    once burrow has exited;
 *  - auto: cgroupfs when that finds a place as things are, else systemd when a user manager answers on the user bus,
 *    else cgroupfs's error.
 * Enables the controllers the limits need there, creates burrow-<id> and writes the limits. Leftover burrow-* cgroups
 * of crashed runs (no process left) are removed on the way. Errors name the missing piece and its fix. */
int cgroup_create(const char *id, enum spec_cgroup_manager manager, const struct cgroup_limits *limits,
                  struct cgroup_container *ret, burrow_error **err);

/* After the container: whether the kernel's OOM killer acted in it; *ret_memory_max gets memory.max (caller frees). */
bool cgroup_oom_killed(const struct cgroup_container *c, char **ret_memory_max);

/* Removes the container's cgroup (waiting a moment for the last process to be reaped); accepts one never created. */
void cgroup_remove(struct cgroup_container *c);

/* Usage of a container's cgroup, as `burrow stats` shows it. A has_* flag is false when the cgroup lacks the
 * controller's files (not enabled for it); UINT64_MAX in a *_max field means "max" (no limit). */
struct cgroup_stats {
        uint64_t memory_current, memory_max;    /* memory.current, memory.max (bytes) */
        uint64_t cpu_usage_usec;                /* cpu.stat usage_usec */
        uint64_t pids_current, pids_max;        /* pids.current, pids.max */
        uint64_t io_read_bytes, io_write_bytes; /* io.stat rbytes and wbytes, summed over the devices */
        bool has_memory, has_cpu, has_pids, has_io;
};

/* Reads the usage of the cgroup at cgroup_path (absolute) into *ret; fails only when the cgroup itself cannot be
 * read (gone, not a directory) or a file holds what a kernel never writes. */
int cgroup_read_stats(const char *cgroup_path, struct cgroup_stats *ret, burrow_error **err);
