#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "fs/fs.h"
#include "util/cleanup.h"
#include "util/fileutil.h"

/* Device nodes cannot be created in a user namespace (mknod needs CAP_MKNOD in the initial one): bind the host's. */
static const char *const dev_binds[] = {"null", "zero", "full", "random", "urandom", "tty", NULL};

static const struct {
        const char *target;
        const char *name;
} dev_symlinks[] = {
    {"pts/ptmx", "ptmx"},          {"/proc/self/fd", "fd"},       {"/proc/self/fd/0", "stdin"},
    {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
};

/* podman's --read-only-tmpfs: with a read-only root, these stay writable (as tmpfs) unless the user mounts there. */
static const char *const readonly_rootfs_tmpfs[] = {"/tmp", "/var/tmp", "/run", NULL};

static int setup_dev(int rootfd, const struct fs_context *ctx, burrow_error **err)
{
        _cleanup_close_ int devfd = -1;
        _cleanup_free_ char *pts_opts = NULL;

        if (fs_mount_fs(rootfd, "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k", err) < 0)
                return -1;
        for (size_t i = 0; dev_binds[i]; i++) {
                _cleanup_free_ char *src = xasprintf("/dev/%s", dev_binds[i]);
                if (fs_bind(rootfd, src, src, false, 0, 0, err) < 0)
                        return -1;
        }
        pts_opts = xasprintf("newinstance,ptmxmode=0666,mode=0620%s", ctx->gid5_mapped ? ",gid=5" : "");
        if (fs_mount_fs(rootfd, "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, pts_opts, err) < 0)
                return -1;
        if (!ctx->no_shm &&
            fs_mount_fs(rootfd, "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k", err) < 0)
                return -1;
        if (!ctx->no_mqueue && fs_mount_fs(rootfd, "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, err) < 0)
                return -1;
        if (fs_open_in_root(rootfd, "/dev", false, true, &devfd, err) < 0)
                return -1;
        {
                /* O_PATH fds cannot be used as the directory of symlinkat; reopen the tmpfs root for real. */
                _cleanup_close_ int dir = openat(devfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (dir < 0)
                        return error_make(err, errno, "open /dev in the container");
                for (size_t i = 0; i < sizeof(dev_symlinks) / sizeof(dev_symlinks[0]); i++)
                        if (symlinkat(dev_symlinks[i].target, dir, dev_symlinks[i].name) < 0 && errno != EEXIST)
                                return error_make(err, errno, "symlink /dev/%s", dev_symlinks[i].name);
        }
        return 0;
}

/* On a cgroup v2 host, the container's own cgroup tree at /sys/fs/cgroup, as podman mounts it: the container runs in
 * a cgroup namespace of its own (created with its user namespace, which may therefore mount it), so it sees its
 * cgroup as the root and nothing above. Read-only but for --privileged. A v1 or hybrid host's tree stays out. */
static int setup_cgroup2(int rootfd, unsigned long ro, burrow_error **err)
{
        if (!cgroup_unified())
                return 0;
        return fs_mount_fs(rootfd, CGROUP_MOUNT, "cgroup2", ro | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, err);
}

static int setup_sys(int rootfd, const struct fs_context *ctx, burrow_error **err)
{
        burrow_error *sysfs_err = NULL;
        unsigned long ro = ctx->sysfs_writable ? 0 : MS_RDONLY;

        /* A new sysfs shows the network devices of the mounter's network namespace, so the kernel lets only the owner
         * of that namespace mount it. Without one, the host's /sys is bound read-only instead. */
        if (ctx->own_netns) {
                if (fs_mount_fs(rootfd, "/sys", "sysfs", ro | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, &sysfs_err) == 0)
                        return setup_cgroup2(rootfd, ro, err);
                error_free(&sysfs_err);
        }
        return fs_bind(rootfd, "/sys", "/sys", true, ro | MS_NOSUID | MS_NODEV | MS_NOEXEC, 0, err);
}

static int mask_path(int rootfd, const char *path, burrow_error **err)
{
        _cleanup_close_ int fd = -1;
        burrow_error *open_err = NULL;
        struct stat st;

        if (fs_open_in_root(rootfd, path, false, false, &fd, &open_err) < 0) {
                int e = open_err->errnum;
                error_free(&open_err);
                if (e == ENOENT || e == ENOTDIR)
                        return 0;
                return error_make(err, e, "mask %s", path);
        }
        if (fstat(fd, &st) < 0)
                return error_make(err, errno, "mask %s", path);
        if (S_ISDIR(st.st_mode))
                return fs_mount_fs(rootfd, path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                                   "mode=755,size=0k", err);
        return fs_bind(rootfd, "/dev/null", path, false, 0, 0, err);
}

static int readonly_path(int rootfd, const char *path, burrow_error **err)
{
        burrow_error *e = NULL;

        if (fs_bind_self_readonly(rootfd, path, &e) < 0) {
                if (e->errnum == ENOENT) {
                        error_free(&e);
                        return 0;
                }
                *err = e;
                return -1;
        }
        return 0;
}

static bool spec_mounts_on(const struct burrow_spec *spec, const char *dest)
{
        for (size_t i = 0; i < spec->n_mounts; i++)
                if (strcmp(spec->mounts[i].destination, dest) == 0)
                        return true;
        return false;
}

static int path_depth(const char *p)
{
        int n = 0;
        for (; *p; p++)
                n += *p == '/';
        return n;
}

static int setup_user_mounts(int rootfd, const struct burrow_spec *spec, const struct fs_host_paths *paths,
                             burrow_error **err)
{
        _cleanup_free_ size_t *order = xcalloc(spec->n_mounts, sizeof(size_t));

        /* Parents before children (docker sorts by depth), so that "-v a:/x/y -v b:/x" still shows a at /x/y. */
        for (size_t i = 0; i < spec->n_mounts; i++)
                order[i] = i;
        for (size_t i = 1; i < spec->n_mounts; i++)
                for (size_t j = i; j > 0 && path_depth(spec->mounts[order[j]].destination) <
                                                path_depth(spec->mounts[order[j - 1]].destination);
                     j--) {
                        size_t t = order[j];
                        order[j] = order[j - 1];
                        order[j - 1] = t;
                }
        for (size_t k = 0; k < spec->n_mounts; k++) {
                const struct spec_mount *m = &spec->mounts[order[k]];
                int r;

                if (m->type == SPEC_MOUNT_TMPFS)
                        r = fs_mount_fs(rootfd, m->destination, "tmpfs", m->flags & ~(unsigned long)MS_REC, m->data,
                                        err);
                else
                        r = fs_attach_tree(paths->volume_trees[order[k]], m->source, rootfd, m->destination,
                                           m->flags & MS_REC, m->flags, m->propagation, err);
                if (r < 0)
                        return -1;
        }
        return 0;
}

/* Where the file is missing, it is created only in a container's own writable layer (an image's): a user's --rootfs
 * directory is not ours to add files to, and then goes without it. */
static bool can_place_file(int rootfd, const char *dest, bool may_create)
{
        _cleanup_close_ int fd = -1;
        burrow_error *e = NULL;
        int r = fs_open_in_root(rootfd, dest, false, false, &fd, &e);

        if (r < 0 && e->errnum == ENOENT && may_create) {
                error_free(&e);
                r = fs_open_in_root(rootfd, dest, true, false, &fd, &e);
        }
        error_free(&e);
        return r == 0;
}

/* /etc/resolv.conf, /etc/hosts and /etc/hostname (fs.h): written into a small tmpfs mounted for a moment on
 * /dev/.burrow-net (inside the container's own /dev tmpfs), each bound over the image's file, then that tmpfs is
 * detached and its directory removed: the binds keep it alive, /dev shows no trace, nothing is written into the image
 * or the user's --rootfs, nothing needs cleaning up on the host, and the container may still edit the files (as with
 * podman). Not a detached fsmount(): Linux 6.1 (Debian 12) refuses open_tree(OPEN_TREE_CLONE) inside one. Not files
 * unlinked after binding: nothing could be mounted over them any more (--security-opt mask=/etc/hostname). */
static int mount_network_files(int rootfd, const struct burrow_spec *spec, const struct fs_context *ctx,
                               burrow_error **err)
{
        static const char stage[] = "/dev/.burrow-net";
        const struct {
                const char *dest, *name, *text;
        } files[] = {
            {"/etc/resolv.conf", "resolv.conf", ctx->resolv_conf},
            {"/etc/hosts", "hosts", ctx->hosts},
            {"/etc/hostname", "hostname", ctx->hostname},
        };
        _cleanup_close_ int mnt = -1, dir = -1, dev = -1, devdir = -1;
        char path[64];
        int r = -1;

        if (ctx->hosts == NULL)
                return 0;
        if (fs_mount_fs(rootfd, stage, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700,size=1m", err) < 0)
                return -1;
        if (fs_open_in_root(rootfd, stage, false, true, &mnt, err) < 0)
                goto out;
        /* O_PATH fds cannot be used as the directory of openat(O_CREAT); reopen the tmpfs root for real. */
        dir = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0) {
                error_make(err, errno, "open %s", stage);
                goto out;
        }
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
                _cleanup_close_ int fd = -1, tree = -1;

                if (files[i].text == NULL || spec_mounts_on(spec, files[i].dest) ||
                    !can_place_file(rootfd, files[i].dest, spec->image != NULL))
                        continue;
                fd = openat(dir, files[i].name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
                if (fd < 0 || fd_write_all(fd, files[i].text, strlen(files[i].text)) < 0) {
                        error_make(err, errno, "write %s", files[i].dest);
                        goto out;
                }
                tree = open_tree(dir, files[i].name, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
                if (tree < 0) {
                        error_make(err, errno, "bind %s", files[i].dest);
                        goto out;
                }
                if (fs_attach_tree(tree, files[i].name, rootfd, files[i].dest, false, MS_NOSUID | MS_NODEV | MS_NOEXEC,
                                   0, err) < 0)
                        goto out;
        }
        r = 0;
out:
        cleanup_closep(&dir);
        /* Through the magic link: the path the fd pins, inside the root, whatever the container's symlinks say. */
        snprintf(path, sizeof(path), "/proc/self/fd/%d", mnt);
        if (mnt >= 0 && umount2(path, MNT_DETACH) < 0 && r == 0)
                r = error_make(err, errno, "detach %s", stage);
        if (fs_open_in_root(rootfd, "/dev", false, true, &devdir, r == 0 ? err : NULL) == 0) {
                dev = openat(devdir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if ((dev < 0 || unlinkat(dev, stage + 5, AT_REMOVEDIR) < 0) && r == 0)
                        r = error_make(err, errno, "remove %s", stage);
        } else if (r == 0) {
                r = -1;
        }
        return r;
}

static int do_pivot_root(int rootfd, burrow_error **err)
{
        /* By fd: with --uidmap, root of the namespace may not be able to walk the path to the rootfs. */
        if (fchdir(rootfd) < 0)
                return error_make(err, errno, "chdir to the root filesystem");
        /* pivot_root(".", ".") stacks the old root under the new one at "/"; detaching it then leaves only the new
         * root, with no directory needed for the old one inside the container (the trick runc and crun use). */
        if (syscall(SYS_pivot_root, ".", ".") < 0)
                return error_make(err, errno, "pivot_root");
        if (umount2(".", MNT_DETACH) < 0)
                return error_make(err, errno, "detach the old root");
        if (chdir("/") < 0)
                return error_make(err, errno, "chdir /");
        return 0;
}

char *fs_overlay_options(const struct burrow_spec *spec)
{
        _cleanup_free_ char *lower = NULL;
        size_t len = 0;

        for (size_t i = 0; i < spec->overlay_lower.len; i++)
                len += strlen(spec->overlay_lower.items[i]) + 1;
        lower = xcalloc(1, len + 1);
        for (size_t i = 0; i < spec->overlay_lower.len; i++) {
                if (i > 0)
                        strcat(lower, ":");
                strcat(lower, spec->overlay_lower.items[i]);
        }
        /* volatile: no fsync, ever, on the writable layer (the kernel's overlay also skips the fsync of every
         * copy-up). A foreground run's layer is removed when it ends, so a crash loses nothing that would have been
         * kept; podman does the same for --rm containers. Both drivers read the option. */
        return xasprintf("lowerdir=%s,upperdir=%s,workdir=%s,volatile", lower, spec->overlay_upper, spec->overlay_work);
}

static int attach_fuse_tree(const struct burrow_spec *spec, const struct fs_fuse_mounter *fuse, burrow_error **err)
{
        _cleanup_close_ int tree = -1;

        if (fuse == NULL || !fuse->available)
                return error_make(err, ENOENT, "fuse-overlayfs is not installed");
        if (fuse->mount(fuse->arg, &tree, err) < 0)
                return -1;
        if (move_mount(tree, "", AT_FDCWD, spec->rootfs, MOVE_MOUNT_F_EMPTY_PATH) < 0)
                return error_make(err, errno, "attach the fuse-overlayfs mount on %s", spec->rootfs);
        return 0;
}

/* The image's layers under a writable upper layer. The kernel's overlay may be mounted in a user namespace since Linux
 * 5.11, with "userxattr" (trusted.* xattrs are out of reach there; the layers' whiteouts and opaque markers were
 * written for that mode, and fuse-overlayfs reads the same ones). Done with the caller's credentials, which own the
 * store. auto falls back to fuse-overlayfs when the kernel refuses: a refused mount costs microseconds, so there is
 * nothing worth caching. */
static int mount_overlay(const struct burrow_spec *spec, const struct fs_fuse_mounter *fuse, burrow_error **err)
{
        _cleanup_free_ char *opts = fs_overlay_options(spec);
        _cleanup_free_ char *data = xasprintf("%s,userxattr", opts);
        int e;

        if (spec->storage_driver == SPEC_STORAGE_FUSE_OVERLAYFS)
                return attach_fuse_tree(spec, fuse, err);
        /* mount(2) takes one page of options. */
        if (strlen(data) >= 4096)
                return error_make(err, E2BIG, "overlay: %zu layers make the mount options longer than a page",
                                  spec->overlay_lower.len);
        if (mount("overlay", spec->rootfs, "overlay", 0, data) == 0)
                return 0;
        e = errno;
        if (spec->storage_driver == SPEC_STORAGE_OVERLAY || !(e == EPERM || e == EINVAL || e == ENODEV || e == EACCES))
                return error_make(err, e, "mount the image's layers (kernel overlay in a user namespace)");
        if (fuse == NULL || !fuse->available)
                return error_make(err, e,
                                  "mount the image's layers: the kernel's overlay refused and fuse-overlayfs is not "
                                  "installed; kernel overlay");
        return attach_fuse_tree(spec, fuse, err);
}

void fs_host_paths_clear(struct fs_host_paths *paths)
{
        cleanup_closep(&paths->rootfd);
        for (size_t i = 0; i < paths->n; i++)
                cleanup_closep(&paths->volume_trees[i]);
        free(paths->volume_trees);
        *paths = (struct fs_host_paths){.rootfd = -1};
}

int fs_open_host_paths(const struct burrow_spec *spec, const struct fs_fuse_mounter *fuse, struct fs_host_paths *ret,
                       burrow_error **err)
{
        struct fs_host_paths p = {.rootfd = -1, .volume_trees = xcalloc(spec->n_mounts, sizeof(int)), .n = 0};

        for (size_t i = 0; i < spec->n_mounts; i++)
                p.volume_trees[i] = -1;
        p.n = spec->n_mounts;
        /* Nothing mounted from here on may propagate back to the caller's mount namespace. */
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
                error_make(err, errno, "make / private");
                goto fail;
        }
        if (spec->overlay_lower.len > 0 && mount_overlay(spec, fuse, err) < 0)
                goto fail;
        /* pivot_root needs the new root to be a mount point. */
        if (mount(spec->rootfs, spec->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0) {
                error_make(err, errno, "bind the root filesystem %s", spec->rootfs);
                goto fail;
        }
        p.rootfd = open(spec->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (p.rootfd < 0) {
                error_make(err, errno, "open %s", spec->rootfs);
                goto fail;
        }
        for (size_t i = 0; i < spec->n_mounts; i++)
                if (spec->mounts[i].type == SPEC_MOUNT_BIND &&
                    fs_clone_tree(spec->mounts[i].source, spec->mounts[i].flags & MS_REC, &p.volume_trees[i], err) < 0)
                        goto fail;
        *ret = p;
        return 0;
fail:
        fs_host_paths_clear(&p);
        return -1;
}

int fs_setup_rootfs(const struct burrow_spec *spec, const struct fs_context *ctx, struct fs_host_paths *paths,
                    burrow_error **err)
{
        int rootfd = paths->rootfd;

        if (fs_mount_fs(rootfd, "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, err) < 0)
                return -1;
        if (setup_dev(rootfd, ctx, err) < 0)
                return -1;
        if (setup_sys(rootfd, ctx, err) < 0)
                return -1;
        /* Before the user's mounts, which may sit below them (-v SRC:/tmp/x with --read-only). */
        if (spec->readonly_rootfs) {
                for (size_t i = 0; readonly_rootfs_tmpfs[i]; i++)
                        if (!spec_mounts_on(spec, readonly_rootfs_tmpfs[i]) &&
                            fs_mount_fs(rootfd, readonly_rootfs_tmpfs[i], "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777",
                                        err) < 0)
                                return -1;
        }
        if (mount_network_files(rootfd, spec, ctx, err) < 0)
                return -1;
        if (setup_user_mounts(rootfd, spec, paths, err) < 0)
                return -1;
        for (size_t i = 0; i < spec->masked_paths.len; i++)
                if (mask_path(rootfd, spec->masked_paths.items[i], err) < 0)
                        return -1;
        for (size_t i = 0; i < spec->readonly_paths.len; i++)
                if (readonly_path(rootfd, spec->readonly_paths.items[i], err) < 0)
                        return -1;
        if (spec->cwd) {
                _cleanup_close_ int cwdfd = -1;
                if (fs_open_in_root(rootfd, spec->cwd, true, true, &cwdfd, err) < 0)
                        return error_wrap(err, "working directory");
        }
        /* Only the root mount itself: /dev, /proc and the volumes keep their own flags. */
        if (spec->readonly_rootfs && fs_make_readonly(rootfd, "/", false, err) < 0)
                return -1;
        return do_pivot_root(rootfd, err);
}
