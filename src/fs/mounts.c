#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs/fs.h"
#include "util/cleanup.h"

/* Translates the MS_* bits a spec carries into mount_setattr(2) attributes. */
static uint64_t attr_from_flags(unsigned long flags)
{
        uint64_t attr = 0;

        if (flags & MS_RDONLY)
                attr |= MOUNT_ATTR_RDONLY;
        if (flags & MS_NOSUID)
                attr |= MOUNT_ATTR_NOSUID;
        if (flags & MS_NODEV)
                attr |= MOUNT_ATTR_NODEV;
        if (flags & MS_NOEXEC)
                attr |= MOUNT_ATTR_NOEXEC;
        return attr;
}

int fs_mount_fs(int rootfd, const char *dest, const char *fstype, unsigned long flags, const char *data,
                burrow_error **err)
{
        _cleanup_close_ int fd = -1;
        char target[64];

        if (fs_open_in_root(rootfd, dest, true, true, &fd, err) < 0)
                return -1;
        /* Mounting through the fd's magic link pins the target that openat2 resolved inside the root: a symlink swapped
         * in after the check cannot redirect the mount. */
        snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
        if (mount(fstype, target, fstype, flags, data) < 0)
                return error_make(err, errno, "mount %s on %s", fstype, dest);
        return 0;
}

int fs_clone_tree(const char *source, bool recursive, int *ret_tree, burrow_error **err)
{
        int tree = open_tree(AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));

        if (tree < 0)
                return error_make(err, errno, "bind %s", source);
        *ret_tree = tree;
        return 0;
}

int fs_attach_tree(int tree, const char *what, int rootfd, const char *dest, bool recursive, unsigned long flags,
                   unsigned long propagation, burrow_error **err)
{
        _cleanup_close_ int target = -1;
        struct mount_attr attr = {.attr_set = attr_from_flags(flags)};
        unsigned int rec = recursive ? AT_RECURSIVE : 0;
        struct stat st;

        if (fstat(tree, &st) < 0)
                return error_make(err, errno, "stat %s", what);
        /* Attributes go on while the tree is still detached: it never becomes visible writable. */
        if (attr.attr_set && mount_setattr(tree, "", AT_EMPTY_PATH | rec, &attr, sizeof(attr)) < 0)
                return error_make(err, errno, "set the flags of the %s bind on %s", what, dest);
        if (fs_open_in_root(rootfd, dest, true, S_ISDIR(st.st_mode), &target, err) < 0)
                return -1;
        if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return error_make(err, errno, "bind %s on %s", what, dest);
        if (propagation) {
                struct mount_attr prop = {.propagation = propagation & ~(unsigned long)MS_REC};
                unsigned int prec = (propagation & MS_REC) ? AT_RECURSIVE : 0;

                if (mount_setattr(tree, "", AT_EMPTY_PATH | prec, &prop, sizeof(prop)) < 0)
                        return error_make(err, errno, "set the propagation of %s", dest);
        }
        return 0;
}

int fs_bind(int rootfd, const char *source, const char *dest, bool recursive, unsigned long flags,
            unsigned long propagation, burrow_error **err)
{
        _cleanup_close_ int tree = -1;

        if (fs_clone_tree(source, recursive, &tree, err) < 0)
                return -1;
        return fs_attach_tree(tree, source, rootfd, dest, recursive, flags, propagation, err);
}

int fs_make_readonly(int rootfd, const char *dest, bool recursive, burrow_error **err)
{
        _cleanup_close_ int fd = -1;
        struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};

        if (fs_open_in_root(rootfd, dest, false, false, &fd, err) < 0)
                return -1;
        /* mount_setattr changes only the bits asked for. A classic MS_REMOUNT would have to repeat every flag that the
         * kernel locked when the mount was copied into this user namespace (nosuid, nodev, ...), or fail with EPERM. */
        if (mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof(attr)) < 0)
                return error_make(err, errno, "make %s read-only", dest);
        return 0;
}

/* Read-only paths are usually not mount points (/proc/sys): bind the path on itself first, then flip the bit. */
int fs_bind_self_readonly(int rootfd, const char *path, burrow_error **err)
{
        _cleanup_close_ int fd = -1, tree = -1;

        if (fs_open_in_root(rootfd, path, false, false, &fd, err) < 0)
                return -1;
        tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
        if (tree < 0)
                return error_make(err, errno, "bind %s", path);
        return fs_attach_tree(tree, path, rootfd, path, true, MS_RDONLY, 0, err);
}
