/* The one in-memory description of a container, shaped like the OCI runtime spec. The CLI fills it, spec_validate()
 * checks it once before any namespace exists, and the launcher only reads it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idmap/map.h"
#include "net/portspec.h"
#include "util/error.h"
#include "util/strv.h"

enum spec_network {
        SPEC_NETWORK_SLIRP, /* own netns with loopback and tap0, bridged to the host by burrow-slirp (the default) */
        SPEC_NETWORK_NONE,  /* own netns with only loopback, up */
        SPEC_NETWORK_HOST,  /* the host's netns */
};

/* --network slirp:OPTIONS, with slirp4netns' defaults and names. */
struct spec_slirp {
        unsigned int mtu;         /* 65520 */
        uint32_t network;         /* 10.0.2.0, host byte order; the container is .100, the gateway .2, DNS .3 */
        unsigned int prefix;      /* 24; at most 25, so that .100 fits */
        bool ipv6;                /* fd00::/64 by router advertisement; gateway fd00::2, DNS fd00::3 */
        bool allow_host_loopback; /* the gateway reaches the host's 127.0.0.1 / ::1; off by default */
        char *outbound_addr;      /* host IPv4 address outgoing connections use, or NULL */
        char *outbound_addr6;
        char *upstream_resolv_conf; /* burrow.conf network.resolv_conf: the host resolvers DNS is forwarded to (NULL:
                                     * /etc/resolv.conf, or systemd-resolved's list behind its 127.0.0.53 stub) */
};

enum spec_userns {
        SPEC_USERNS_DEFAULT, /* 0 -> caller, 1.. -> subordinate ids */
        SPEC_USERNS_KEEP_ID, /* caller's ids keep their value */
};

enum spec_cgroup_manager {
        SPEC_CGROUP_AUTO,     /* a cgroup only when a limit is asked for, through the delegated subtree */
        SPEC_CGROUP_SYSTEMD,  /* a transient scope with Delegate=yes from the user's systemd manager (sd-bus) */
        SPEC_CGROUP_CGROUPFS, /* the same, named */
        SPEC_CGROUP_DISABLED, /* never a cgroup: limits are an error */
};

enum spec_storage_driver {
        SPEC_STORAGE_AUTO,           /* the kernel's overlay, else fuse-overlayfs, else vfs */
        SPEC_STORAGE_OVERLAY,        /* the kernel's overlay in the user namespace (Linux 5.11+) */
        SPEC_STORAGE_FUSE_OVERLAYFS, /* fuse-overlayfs, run by the supervisor outside the container's pid namespace */
        SPEC_STORAGE_VFS,            /* a plain copy of the layers (no overlay at all); the last resort */
};

enum spec_mount_type {
        SPEC_MOUNT_BIND,
        SPEC_MOUNT_TMPFS,
};

struct spec_mount {
        enum spec_mount_type type;
        char *source;              /* host path for binds (absolute once validated); NULL for tmpfs */
        char *destination;         /* absolute, cleaned path inside the container */
        unsigned long flags;       /* MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC; MS_REC for rbind */
        unsigned long propagation; /* MS_PRIVATE/MS_SLAVE/MS_SHARED (| MS_REC), 0 = leave as is */
        char *data;                /* fs-specific options (tmpfs: "size=...,mode=..."), or NULL */
};

/* --ulimit NAME=SOFT[:HARD]; RLIM_INFINITY for -1 / "unlimited". */
struct spec_rlimit {
        int resource; /* RLIMIT_* */
        uint64_t soft;
        uint64_t hard;
};

/* -u as the user gave it; names are resolved inside the container's /etc/passwd and /etc/group. */
struct spec_user {
        char *user;  /* name or number; NULL = the default (root, or the caller with keep-id) */
        char *group; /* name or number; NULL = the user's primary group */
};

/* OCI runtime mode (`burrow oci`, spec/oci.c): what a bundle's config.json says beyond the docker-shaped fields. */
#define SPEC_MAX_NAMESPACES 8

struct spec_namespace {
        int type;   /* CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWCGROUP */
        char *path; /* join this namespace (absolute path), or NULL: a new one */
};

enum spec_hook_kind {
        SPEC_HOOK_PRESTART,
        SPEC_HOOK_CREATE_RUNTIME,
        SPEC_HOOK_CREATE_CONTAINER,
        SPEC_HOOK_START_CONTAINER,
        SPEC_HOOK_POSTSTART,
        SPEC_HOOK_POSTSTOP,
        SPEC_HOOK_KINDS,
};

struct spec_hook {
        char *path; /* absolute */
        strv args;  /* argv, args[0] included (the spec's "args"); empty: path alone */
        strv env;   /* "KEY=VALUE" */
        int timeout; /* seconds; 0 = none */
};

/* linux.devices: in a user namespace no device can be created; each is bind-mounted from the host's node. */
struct spec_device {
        char *path; /* in the container, absolute */
        char type;  /* 'c', 'b', 'u' or 'p' */
        int64_t major, minor;
        uint32_t file_mode; /* 0 = not given */
        uint32_t uid, gid;
        bool has_uid, has_gid;
};

struct spec_oci {
        bool enabled;
        struct spec_namespace namespaces[SPEC_MAX_NAMESPACES]; /* exactly these are unshared or joined */
        size_t n_namespaces;
        /* process.user: numeric ids, used as they are (no /etc/passwd lookup); the groups are exactly these. */
        uint32_t uid, gid;
        uint32_t *additional_gids;
        size_t n_additional_gids;
        int umask; /* -1: not given */
        /* process.capabilities, as masks of CAP_* bits. */
        bool caps_given;
        uint64_t cap_bounding, cap_effective, cap_permitted, cap_inheritable, cap_ambient;
        bool has_oom_score_adj;
        int oom_score_adj;
        unsigned console_height, console_width; /* process.consoleSize; 0 = not given */
        char *domainname;
        strv sysctl; /* "key=value", keys with dots as in the spec */
        struct spec_hook *hooks[SPEC_HOOK_KINDS];
        size_t n_hooks[SPEC_HOOK_KINDS];
        strv annotations; /* "key=value" */
        char *cgroups_path;
        char *seccomp_json;          /* linux.seccomp as JSON text (seccomp_profile_parse takes it), or NULL */
        char *seccomp_listener_path; /* linux.seccomp.listenerPath, or NULL */
        char *seccomp_listener_metadata;
        unsigned long rootfs_propagation; /* MS_PRIVATE, MS_SLAVE, MS_SHARED (| MS_REC), 0 = the default */
        struct spec_device *devices;
        size_t n_devices;
        /* The standard mounts config.json lists and the launcher makes itself (fs/rootfs.c): false when absent. */
        bool mount_proc, mount_dev, mount_devpts, mount_shm, mount_mqueue, mount_sys, mount_cgroup;
        bool sys_readonly, cgroup_readonly;
        /* linux.uidMappings/gidMappings: exact maps written as they are (no subordinate-id translation). */
        struct idmap uidmap, gidmap;
        bool has_maps;
        char *bundle; /* absolute */
        int preserve_fds; /* create --preserve-fds N: fds 3..3+N-1 are passed on to the process */
};

struct burrow_spec {
        char *id;     /* 64 hex characters */
        char *name;   /* --name, or a generated one; NULL until the container is recorded */
        strv labels;  /* "KEY=VALUE": the image's Labels, then --label */
        char *stop_signal; /* --stop-signal, else the image's StopSignal; NULL = SIGTERM */
        char *rootfs; /* absolute path of the root directory */
        bool readonly_rootfs;
        /* From an image: the container side mounts an overlay of these read-only layers (topmost first) with a
         * writable upper/work pair on `rootfs` before anything else (kernel overlay in the user namespace). */
        strv overlay_lower;
        char *overlay_upper;
        char *overlay_work;
        enum spec_storage_driver storage_driver;
        char *image;      /* IMAGE of `burrow run IMAGE`, as given; NULL with --rootfs */
        char *entrypoint; /* --entrypoint ("" clears the image's); NULL when not given */

        strv args; /* the command */
        strv env;  /* "KEY=VALUE", a later entry for a key replaces an earlier one */
        char *cwd; /* absolute; NULL = "/" */
        struct spec_user user;
        char *hostname; /* NULL = the first 12 characters of the id */

        struct spec_mount *mounts;
        size_t n_mounts;
        strv masked_paths;
        strv readonly_paths;

        enum spec_network network;
        struct spec_slirp slirp;
        strv dns;                   /* --dns servers (replace the default resolver in /etc/resolv.conf) */
        strv dns_search;            /* --dns-search domains ("." = none) */
        strv dns_options;           /* --dns-option */
        strv add_hosts;             /* --add-host, as "NAME IP" lines for /etc/hosts */
        struct port_mapping *ports; /* -p, expanded */
        size_t n_ports;
        bool publish_all;   /* -P: the image's ExposedPorts to free host ports */
        strv exposed_ports; /* the image's ExposedPorts ("80/tcp") */

        /* Resource limits: docker's flags as given, "FLAG=VALUE" (FLAG without dashes), checked and turned into cgroup
         * v2 writes before anything starts (cgroup/limits.h). */
        strv cgroup_flags;
        enum spec_cgroup_manager cgroup_manager;
        enum spec_userns userns;
        struct idmap_range *uidmap_request; /* --uidmap, intermediate-namespace host ids */
        size_t n_uidmap_request;
        struct idmap_range *gidmap_request;
        size_t n_gidmap_request;

        /* Hardening: all on by default (burrow-security(7)). */
        bool privileged;         /* every capability, no seccomp, no masked or read-only paths */
        bool no_new_privileges;  /* default true */
        strv cap_add;            /* --cap-add names, as given */
        strv cap_drop;           /* --cap-drop names, as given */
        char *seccomp_profile;   /* --security-opt seccomp=PATH; NULL = the built-in default */
        bool seccomp_unconfined; /* --security-opt seccomp=unconfined */
        struct spec_rlimit *rlimits;
        size_t n_rlimits;

        bool init;        /* burrow's init as PID 1 (default) */
        bool tty;         /* -t */
        bool interactive; /* -i */
        bool remove;      /* --rm: nothing is kept when the container ends (a foreground run never keeps anything) */
        bool detach;      /* -d: the supervisor goes to the background, the output to the container's log */
        bool quiet;       /* no notice lines */

        struct spec_oci oci; /* .enabled only in `burrow oci` */
};

void spec_oci_clear(struct spec_oci *oci);

/* Sets the defaults (init on, podman's masked and read-only paths, a fresh random id). */
void spec_init(struct burrow_spec *spec);

/* Checks the whole spec and resolves host paths, before anything is created: rootfs is a directory, -w is absolute,
 * mount sources exist, no two mounts share a destination, there is a command. */
int spec_validate(struct burrow_spec *spec, burrow_error **err);

/* Appends a mount, taking ownership of its strings. */
void spec_add_mount(struct burrow_spec *spec, struct spec_mount *mount);

void spec_clear(struct burrow_spec *spec);
void spec_mount_clear(struct spec_mount *mount);
