/* The launcher: the supervising parent (P) outside, the container's first process (C) inside, and the protocol
 * between them (sync.h). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup/limits.h"
#include "fs/fs.h"
#include "net/files.h"
#include "net/forward.h"
#include "idmap/map.h"
#include "security/caps.h"
#include "security/seccomp.h"
#include "spec/spec.h"
#include "util/error.h"

/* Everything the parent decides before the namespaces exist and the child only reads. */
struct launch_plan {
        uid_t caller_uid;
        gid_t caller_gid;
        struct idmap uidmap;
        struct idmap gidmap;
        bool root_mapped;       /* container uid 0 and gid 0 exist: C becomes root in its namespace */
        bool setgroups_allowed; /* false after a direct gid_map write ("deny") */
        struct fs_context fs;
        char *fuse_overlayfs;           /* its path, when an image may need it and it is installed */
        caps_mask caps;                 /* the workload's capability set (bounding; and permitted/effective for root) */
        caps_mask caps_added;           /* what --cap-add named: raised as ambient for a non-root workload */
        struct seccomp_program seccomp; /* built before clone (errors are the user's, exit 125); .len 0 = none */
        char *hostname;                 /* the container's host name */
        struct net_files net_files;     /* what fs.resolv_conf/hosts/hostname point into */
        char *slirp_helper;             /* burrow-slirp's path, for --network slirp */
        char *host_resolv_conf;         /* the file burrow-slirp's DNS forwarder reads the host's servers from */
        struct port_mapping *ports;     /* -p and -P, host ports filled in by forward_bind */
        size_t n_ports;
        struct forward_set *forward; /* the bound host sockets, until the relay takes them */
        struct cgroup_limits limits; /* cgroup v2 writes for the resource limits; .n 0 = no cgroup */
};

/* Runs the container described by a validated spec in the foreground and returns the exit code burrow should exit
 * with (the workload's, 126/127 for exec failures). Returns -1 with *err for burrow's own failures (exit 125). */
int launch_run(const struct burrow_spec *spec, int *ret_exit_code, burrow_error **err);

/* child.c: the container side. Never returns. */
_Noreturn void launch_child(const struct burrow_spec *spec, const struct launch_plan *plan, int sock);
