/* The vfs driver's layer copy (see vfs.h for the rules). */
#include "image/vfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "image/unpack.h"
#include "image/whiteout.h"
#include "util/cleanup.h"
#include "util/fileutil.h"

#define VFS_MAX_DEPTH 4096

/* A source inode with more than one link, and where its first copy went: later names link to that copy. */
struct vfs_link {
        dev_t dev;
        ino_t ino;
        char *path; /* relative to the destination root */
};

struct vfs_copier {
        int rootfd;
        struct vfs_link *links;
        size_t n_links;
        struct vfs_result *result;
};

static int copy_error(burrow_error **err, int errnum, const char *path, const char *what)
{
        return error_make(err, errnum, "vfs: copy %s: %s", path[0] ? path : "/", what);
}

static const char *find_link(const struct vfs_copier *c, const struct stat *st)
{
        for (size_t i = 0; i < c->n_links; i++)
                if (c->links[i].dev == st->st_dev && c->links[i].ino == st->st_ino)
                        return c->links[i].path;
        return NULL;
}

static void remember_link(struct vfs_copier *c, const struct stat *st, const char *path)
{
        c->links = xrealloc(c->links, (c->n_links + 1) * sizeof(*c->links));
        c->links[c->n_links++] = (struct vfs_link){.dev = st->st_dev, .ino = st->st_ino, .path = xstrdup(path)};
}

/* Owner first (chown clears setuid/setgid), then the mode. An id the namespace cannot map (single-id mapping) leaves
 * the file to root of the container, as extraction did. */
static int copy_owner_mode(struct vfs_copier *c, int fd, const struct stat *st)
{
        if (fchown(fd, st->st_uid, st->st_gid) < 0) {
                if (errno != EINVAL)
                        return -1;
                c->result->chown_ignored++;
        }
        return fchmod(fd, st->st_mode & 07777);
}

static int copy_xattrs(struct vfs_copier *c, int src, int dst)
{
        char names[65536], value[65536];
        ssize_t len = flistxattr(src, names, sizeof(names));

        if (len < 0)
                return errno == ENOTSUP ? 0 : -1;
        for (char *name = names; name < names + len; name += strlen(name) + 1) {
                ssize_t n;

                if (whiteout_xattr_reserved(name))
                        continue;
                n = fgetxattr(src, name, value, sizeof(value));
                if (n < 0)
                        return -1;
                if (fsetxattr(dst, name, value, (size_t)n, 0) < 0) {
                        if (errno != ENOTSUP && errno != EPERM)
                                return -1;
                        c->result->xattrs_skipped++;
                }
        }
        return 0;
}

static int copy_times(int fd, const struct stat *st)
{
        struct timespec times[2] = {st->st_atim, st->st_mtim};

        return futimens(fd, times);
}

/* Whole-file clone where the file system shares extents (btrfs, xfs), else copy_file_range, else read/write. */
static int copy_data(int in, int out, uint64_t size, uint64_t *bytes)
{
        static char buf[1 << 16];
        uint64_t done = 0;

        if (ioctl(out, FICLONE, in) == 0) {
                *bytes += size;
                return 0;
        }
        while (done < size) {
                ssize_t n = copy_file_range(in, NULL, out, NULL, size - done, 0);
                if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP))
                        break;
                if (n < 0)
                        return -1;
                if (n == 0)
                        return 0;
                done += (uint64_t)n;
                *bytes += (uint64_t)n;
        }
        for (;;) {
                ssize_t n = read(in, buf, sizeof(buf));
                if (n < 0)
                        return -1;
                if (n == 0)
                        return 0;
                if (fd_write_all(out, buf, (size_t)n) < 0)
                        return -1;
                *bytes += (uint64_t)n;
        }
}

static int copy_regular(struct vfs_copier *c, int srcdir, int dstdir, const char *name, const struct stat *st,
                        const char *path, burrow_error **err)
{
        _cleanup_close_ int in = -1, out = -1;
        const char *first = st->st_nlink > 1 ? find_link(c, st) : NULL;

        if (first != NULL) {
                if (linkat(c->rootfd, first, dstdir, name, 0) < 0)
                        return copy_error(err, errno, path, "hardlink");
                return 0;
        }
        in = openat(srcdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (in < 0)
                return copy_error(err, errno, path, "open the layer's file");
        out = openat(dstdir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (out < 0)
                return copy_error(err, errno, path, "create");
        if (copy_data(in, out, (uint64_t)st->st_size, &c->result->bytes) < 0)
                return copy_error(err, errno, path, "copy the data");
        if (copy_owner_mode(c, out, st) < 0 || copy_xattrs(c, in, out) < 0 || copy_times(out, st) < 0)
                return copy_error(err, errno, path, "copy the metadata");
        if (st->st_nlink > 1)
                remember_link(c, st, path);
        return 0;
}

static int copy_symlink(struct vfs_copier *c, int srcdir, int dstdir, const char *name, const struct stat *st,
                        const char *path, burrow_error **err)
{
        char target[UNPACK_MAX_NAME + 1];
        struct timespec times[2] = {st->st_atim, st->st_mtim};
        ssize_t n = readlinkat(srcdir, name, target, sizeof(target));

        if (n < 0 || n >= (ssize_t)sizeof(target))
                return copy_error(err, n < 0 ? errno : ENAMETOOLONG, path, "read the symlink");
        target[n] = '\0';
        if (symlinkat(target, dstdir, name) < 0)
                return copy_error(err, errno, path, "create the symlink");
        if (fchownat(dstdir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0) {
                if (errno != EINVAL)
                        return copy_error(err, errno, path, "set the owner");
                c->result->chown_ignored++;
        }
        if (utimensat(dstdir, name, times, AT_SYMLINK_NOFOLLOW) < 0)
                return copy_error(err, errno, path, "set the times");
        return 0;
}

/* FIFOs and sockets; device nodes never reach a layer directory (extraction skips them, but for 0:0 whiteouts). */
static int copy_special(struct vfs_copier *c, int dstdir, const char *name, const struct stat *st, const char *path,
                        burrow_error **err)
{
        if (!S_ISFIFO(st->st_mode) && !S_ISSOCK(st->st_mode))
                return 0;
        if (mknodat(dstdir, name, (st->st_mode & S_IFMT) | 0600, 0) < 0)
                return copy_error(err, errno, path, "create");
        if (fchownat(dstdir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0) {
                if (errno != EINVAL)
                        return copy_error(err, errno, path, "set the owner");
                c->result->chown_ignored++;
        }
        /* The node was just made here, by us, in a directory only this copy writes: the name is this inode. */
        if (fchmodat(dstdir, name, st->st_mode & 07777, 0) < 0)
                return copy_error(err, errno, path, "set the mode");
        return 0;
}

static bool is_opaque(int dirfd)
{
        char v[4];
        ssize_t n = fgetxattr(dirfd, WHITEOUT_OPAQUE_XATTR, v, sizeof(v));

        return n == 1 && v[0] == 'y';
}

static int copy_dir(struct vfs_copier *c, int srcfd, int dstfd, const char *path, int depth, burrow_error **err);

static int copy_directory(struct vfs_copier *c, int srcdir, int dstdir, const char *name, const struct stat *st,
                          const char *path, int depth, burrow_error **err)
{
        _cleanup_close_ int src = -1, dst = -1;
        struct stat old;
        bool exists = fstatat(dstdir, name, &old, AT_SYMLINK_NOFOLLOW) == 0;

        src = openat(srcdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (src < 0)
                return copy_error(err, errno, path, "open the layer's directory");
        if (exists && !S_ISDIR(old.st_mode)) {
                if (unlinkat(dstdir, name, 0) < 0)
                        return copy_error(err, errno, path, "replace");
                exists = false;
        }
        if (!exists && mkdirat(dstdir, name, 0700) < 0)
                return copy_error(err, errno, path, "create the directory");
        dst = openat(dstdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dst < 0)
                return copy_error(err, errno, path, "open the directory");
        /* Opaque: nothing the lower layers put here shows through. */
        if (exists && is_opaque(src) && unpack_remove_contents(dst, err) < 0)
                return error_wrap(err, "vfs: %s (opaque directory)", path);
        if (copy_dir(c, src, dst, path, depth + 1, err) < 0)
                return -1;
        /* The metadata last: the entries just created changed the times, and a 0555 directory takes them anyway. */
        if (copy_owner_mode(c, dst, st) < 0 || copy_xattrs(c, src, dst) < 0 || copy_times(dst, st) < 0)
                return copy_error(err, errno, path, "copy the metadata");
        return 0;
}

static int copy_entry(struct vfs_copier *c, int srcfd, int dstfd, const char *name, const char *path, int depth,
                      burrow_error **err)
{
        struct stat st;

        if (fstatat(srcfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return copy_error(err, errno, path, "stat");
        /* A whiteout deletes what the lower layers had under this name, and is not copied itself. */
        if (S_ISCHR(st.st_mode) && st.st_rdev == 0) {
                if (unpack_remove_tree_at(dstfd, name) < 0)
                        return copy_error(err, errno, path, "delete (whiteout)");
                return 0;
        }
        c->result->entries++;
        if (S_ISDIR(st.st_mode))
                return copy_directory(c, srcfd, dstfd, name, &st, path, depth, err);
        if (unpack_remove_tree_at(dstfd, name) < 0)
                return copy_error(err, errno, path, "replace");
        if (S_ISREG(st.st_mode))
                return copy_regular(c, srcfd, dstfd, name, &st, path, err);
        if (S_ISLNK(st.st_mode))
                return copy_symlink(c, srcfd, dstfd, name, &st, path, err);
        return copy_special(c, dstfd, name, &st, path, err);
}

static int copy_dir(struct vfs_copier *c, int srcfd, int dstfd, const char *path, int depth, burrow_error **err)
{
        int fd;
        DIR *d;
        struct dirent *de;
        int r = 0;

        if (depth > VFS_MAX_DEPTH)
                return copy_error(err, ELOOP, path, "directories nested too deeply");
        fd = openat(srcfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 || (d = fdopendir(fd)) == NULL) {
                if (fd >= 0)
                        close(fd);
                return copy_error(err, errno, path, "read the layer's directory");
        }
        while (r == 0 && (errno = 0, de = readdir(d)) != NULL) {
                _cleanup_free_ char *child = NULL;

                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                child = path[0] ? xasprintf("%s/%s", path, de->d_name) : xstrdup(de->d_name);
                r = copy_entry(c, srcfd, dstfd, de->d_name, child, depth, err);
        }
        if (r == 0 && errno != 0)
                r = copy_error(err, errno, path, "read the layer's directory");
        closedir(d);
        return r;
}

int vfs_apply_layer(int layerfd, int rootfd, struct vfs_result *result, burrow_error **err)
{
        struct vfs_copier c = {.rootfd = rootfd, .result = result};
        struct stat st;
        int r;

        r = copy_dir(&c, layerfd, rootfd, "", 0, err);
        /* The layer's root carries the image root's owner and mode; the last layer's wins, as in a tar of the image. */
        if (r == 0 && (fstat(layerfd, &st) < 0 || copy_owner_mode(&c, rootfd, &st) < 0))
                r = copy_error(err, errno, "", "copy the metadata");
        for (size_t i = 0; i < c.n_links; i++)
                free(c.links[i].path);
        free(c.links);
        return r;
}
