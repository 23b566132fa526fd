/* Root filesystem assembly, run by the container's first process inside its user and mount namespaces. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "spec/spec.h"
#include "util/error.h"

/* What the launcher learned about the namespaces that the filesystem setup depends on. */
struct fs_context {
        bool own_netns;      /* sysfs can be mounted only by the owner of a network namespace */
        bool gid5_mapped;    /* devpts gets gid=5 (tty) only when that group exists inside */
        bool sysfs_writable; /* --privileged */
        bool no_shm, no_mqueue; /* OCI: config.json does not list /dev/shm or /dev/mqueue (or has its own bind) */
        /* /etc/resolv.conf (NULL: the image's), /etc/hosts, /etc/hostname: bind-mounted from a tmpfs of the container's
         * own, over the image's files (net/files.h). */
        const char *resolv_conf;
        const char *hosts;
        const char *hostname;
};

/* paths.c: podman's masked and read-only paths, as data. */
extern const char *const fs_default_masked_paths[];
extern const char *const fs_default_readonly_paths[];

/* paths.c: opens `path` (absolute inside the container) relative to rootfd with every symlink resolved inside the
 * root (openat2 RESOLVE_IN_ROOT), creating missing parents as directories and the last component as a directory or an
 * empty file when `create` is set. Returns an O_PATH fd. */
int fs_open_in_root(int rootfd, const char *path, bool create, bool as_dir, int *ret_fd, burrow_error **err);

/* mounts.c: mounts a filesystem of `fstype` on `dest` inside the root. */
int fs_mount_fs(int rootfd, const char *dest, const char *fstype, unsigned long flags, const char *data,
                burrow_error **err);
/* mounts.c: a detached recursive (or not) clone of the mount tree at the host path `source`. */
int fs_clone_tree(const char *source, bool recursive, int *ret_tree, burrow_error **err);
/* mounts.c: attaches a detached tree on `dest` inside the root, with the MS_RDONLY/MS_NOSUID/MS_NODEV/MS_NOEXEC bits
 * of `flags` applied before it becomes visible and `propagation` set after. */
int fs_attach_tree(int tree, const char *what, int rootfd, const char *dest, bool recursive, unsigned long flags,
                   unsigned long propagation, burrow_error **err);
/* mounts.c: bind-mounts the host path `source` (recursively when `recursive`) on `dest` inside the root, with the
 * MS_RDONLY/MS_NOSUID/MS_NODEV/MS_NOEXEC bits of `flags` applied to the new mount and `propagation` set. */
int fs_bind(int rootfd, const char *source, const char *dest, bool recursive, unsigned long flags,
            unsigned long propagation, burrow_error **err);
/* mounts.c: makes the mount at `dest` inside the root read-only (recursively), keeping its other flags. */
int fs_make_readonly(int rootfd, const char *dest, bool recursive, burrow_error **err);

/* mounts.c: binds `path` inside the root on itself and makes that mount read-only (for paths like /proc/sys that
 * are not mount points). */
int fs_bind_self_readonly(int rootfd, const char *path, burrow_error **err);

/* The caller's own paths, opened before the process becomes root of its namespace: with --uidmap that root may be a
 * subordinate id that cannot even traverse the caller's 0700 home. podman mounts in a namespace where the caller is
 * root for the same reason. */
struct fs_host_paths {
        int rootfd;        /* the bind mount of the rootfs */
        int *volume_trees; /* detached clones of the bind sources, one per spec mount (-1 for a tmpfs) */
        size_t n;
};

/* How an image's layers get mounted with fuse-overlayfs. Its daemon must run outside the container's pid namespace
 * and in a mount namespace of its own (the container's pivot_root would detach the daemon's view of the layers), so
 * the container side asks its supervisor, which returns the mount as a detached tree (open_tree) to attach. */
struct fs_fuse_mounter {
        bool available; /* fuse-overlayfs is installed */
        int (*mount)(void *arg, int *ret_tree, burrow_error **err);
        void *arg;
};

/* rootfs.c: private propagation, the image's overlay (if any), the rootfs bind mount, and a detached clone of every
 * bind source, done with the caller's credentials. */
int fs_open_host_paths(const struct burrow_spec *spec, const struct fs_fuse_mounter *fuse, struct fs_host_paths *ret,
                       burrow_error **err);

/* rootfs.c: the overlay options for the spec's layers ("lowerdir=...,upperdir=...,workdir=..."). */
char *fs_overlay_options(const struct burrow_spec *spec);
void fs_host_paths_clear(struct fs_host_paths *paths);

/* rootfs.c: the rest, as root of the namespace: /proc, /dev, /sys, user mounts, masks, read-only paths, read-only
 * root, then pivot_root into it. On return the process runs inside the new root. */
int fs_setup_rootfs(const struct burrow_spec *spec, const struct fs_context *ctx, struct fs_host_paths *paths,
                    burrow_error **err);
