/* Safe, in-process extraction of one layer tarball into a directory (see unpack.h for the rules). */
#include "image/unpack.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "image/archive-dl.h"
#include "image/whiteout.h"
#include "util/cleanup.h"

static const char *const media_types[] = {
    "application/vnd.oci.image.layer.v1.tar",
    "application/vnd.oci.image.layer.v1.tar+gzip",
    "application/vnd.oci.image.layer.v1.tar+zstd",
    "application/vnd.oci.image.layer.nondistributable.v1.tar",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
    "application/vnd.docker.image.rootfs.diff.tar.gzip",
    "application/vnd.docker.image.rootfs.diff.tar",
    NULL,
};

bool unpack_media_type_supported(const char *media_type)
{
        for (size_t i = 0; media_types[i]; i++)
                if (strcmp(media_type, media_types[i]) == 0)
                        return true;
        return false;
}

/* A member name as it may appear in a one-line message: control characters become '?', long names are cut. */
static char *display_name(const char *name)
{
        size_t n = strnlen(name, 200);
        char *s = xstrndup(name, n);

        for (size_t i = 0; i < n; i++)
                if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
                        s[i] = '?';
        if (name[n] != '\0') {
                char *t = xasprintf("%s...", s);
                free(s);
                s = t;
        }
        return s;
}

static int member_error(burrow_error **err, int errnum, const char *name, const char *what)
{
        _cleanup_free_ char *shown = display_name(name);

        return error_make(err, errnum, "layer member \"%s\": %s", shown, what);
}

int unpack_clean_path(const char *name, char **ret_path, burrow_error **err)
{
        _cleanup_free_ char *out = NULL;
        size_t len, n = 0;
        const char *p;

        if (name == NULL)
                return error_make(err, EILSEQ, "layer member with a name that is not valid in this locale");
        len = strnlen(name, UNPACK_MAX_NAME + 1);
        if (len == 0)
                return error_make(err, EINVAL, "layer member with an empty name");
        if (len > UNPACK_MAX_NAME)
                return member_error(err, 0, name, "name longer than 4096 bytes");
        if (name[0] == '/')
                return member_error(err, 0, name, "absolute path");
        out = xmalloc(len + 1);
        for (p = name; *p;) {
                size_t clen = strcspn(p, "/");

                if (clen == 2 && p[0] == '.' && p[1] == '.')
                        return member_error(err, 0, name, "\"..\" component");
                if (clen > 0 && !(clen == 1 && p[0] == '.')) {
                        if (n > 0)
                                out[n++] = '/';
                        memcpy(out + n, p, clen);
                        n += clen;
                }
                p += clen;
                p += strspn(p, "/");
        }
        out[n] = '\0';
        *ret_path = steal_pointer(&out);
        return 0;
}

/* libarchive's own errors carry ARCHIVE_ERRNO_FILE_FORMAT (EILSEQ) or ARCHIVE_ERRNO_MISC (-1): its message says it
 * all, and "Invalid or incomplete multibyte or wide character" would only confuse. */
static int archive_errnum(struct archive *a)
{
        int e = archive_errno(a);

        return e > 0 && e != EILSEQ ? e : 0;
}

static const char *archive_message(struct archive *a)
{
        return archive_error_string(a) ? archive_error_string(a) : "unknown error";
}

/* ---------------------------------------------------------------------------------------------------------------- */

/* Directory modes and times are applied at the end: creating children changes a directory's mtime, and a read-only
 * directory must stay writable until its children exist. */
struct dir_fixup {
        char *path;
        size_t seq;
        mode_t mode;
        struct timespec times[2];
};

struct unpacker {
        struct archive *a;
        int rootfd;
        const struct unpack_options *opts;
        struct unpack_result *result;
        struct dir_fixup *dirs;
        size_t n_dirs, cap_dirs;
};

static int open_beneath(int rootfd, const char *path, int flags, uint64_t resolve)
{
        struct open_how how = {
            .flags = (uint64_t)flags | O_CLOEXEC,
            /* RESOLVE_BENEATH, not RESOLVE_IN_ROOT: a path that would leave the layer (absolute symlink, ".." above
             * the root) fails with EXDEV, and the member is rejected instead of quietly landing elsewhere. */
            .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | resolve,
        };

        return (int)syscall(SYS_openat2, rootfd, path[0] ? path : ".", &how, sizeof(how));
}

static const char *resolve_error(int errnum)
{
        switch (errnum) {
        case EXDEV:
                return "its path leaves the layer (through a symlink or \"..\")";
        case ENOTDIR:
                return "a parent is not a directory";
        case ELOOP:
                return "too many levels of symbolic links";
        default:
                return "cannot open its parent directory";
        }
}

/* Opens the parent directory of `path` (relative, cleaned) as an O_PATH fd, creating missing directories (0755,
 * owned by the namespace's root, as tar does). Sets *ret_base to the last component. */
static int open_parent(struct unpacker *u, const char *member, char *path, int *ret_fd, const char **ret_base,
                       burrow_error **err)
{
        char *slash = strrchr(path, '/');
        int fd;

        if (slash == NULL) {
                fd = open_beneath(u->rootfd, "", O_PATH | O_DIRECTORY, 0);
                if (fd < 0)
                        return member_error(err, errno, member, "cannot open the layer root");
                *ret_fd = fd;
                *ret_base = path;
                return 0;
        }
        *slash = '\0';
        fd = open_beneath(u->rootfd, path, O_PATH | O_DIRECTORY, 0);
        if (fd < 0 && errno == ENOENT) {
                /* Walk down, creating what is missing; every prefix is resolved from the root again. */
                for (char *p = path;; p++) {
                        if (*p != '/' && *p != '\0')
                                continue;
                        char saved = *p;
                        *p = '\0';
                        fd = open_beneath(u->rootfd, path, O_PATH | O_DIRECTORY, 0);
                        if (fd < 0 && errno == ENOENT) {
                                char *name = strrchr(path, '/');
                                _cleanup_close_ int parent = -1;

                                if (name) {
                                        *name = '\0';
                                        parent = open_beneath(u->rootfd, path, O_PATH | O_DIRECTORY, 0);
                                        *name++ = '/';
                                } else {
                                        name = path;
                                        parent = open_beneath(u->rootfd, "", O_PATH | O_DIRECTORY, 0);
                                }
                                if (parent >= 0 && (mkdirat(parent, name, 0755) == 0 || errno == EEXIST))
                                        fd = open_beneath(u->rootfd, path, O_PATH | O_DIRECTORY, 0);
                                else
                                        fd = -1;
                        }
                        *p = saved;
                        if (fd < 0 || saved == '\0')
                                break;
                        close(fd);
                }
        }
        *slash = '/';
        if (fd < 0)
                return member_error(err, errno == EXDEV ? 0 : errno, member, resolve_error(errno));
        *ret_fd = fd;
        *ret_base = slash + 1;
        return 0;
}

static int remove_tree_at(int dirfd, const char *name, int depth);

static int remove_dir_contents(int fd, int depth)
{
        DIR *d;
        struct dirent *de;
        int r = 0;

        if (depth > 4096) {
                close(fd);
                errno = ELOOP;
                return -1;
        }
        d = fdopendir(fd);
        if (d == NULL) {
                close(fd);
                return -1;
        }
        while ((de = readdir(d)) != NULL) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                if (remove_tree_at(dirfd(d), de->d_name, depth + 1) < 0 && r == 0)
                        r = -errno;
        }
        closedir(d);
        if (r < 0) {
                errno = -r;
                return -1;
        }
        return 0;
}

static int remove_tree_at(int dirfd, const char *name, int depth)
{
        int fd;

        if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
                return 0;
        if (errno != EISDIR && errno != EPERM)
                return -1;
        fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
                /* A directory without read permission (mode 0000) that we own: open it up first. */
                if (errno != EACCES || fchmodat(dirfd, name, 0700, 0) < 0)
                        return -1;
                fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0)
                        return -1;
        }
        /* Its entries can be unlinked only while it is writable (a layer may well ship a 0555 directory). */
        (void)fchmod(fd, 0700);
        if (remove_dir_contents(fd, depth) < 0)
                return -1;
        return unlinkat(dirfd, name, AT_REMOVEDIR);
}

int unpack_remove_tree_at(int dirfd, const char *name)
{
        return remove_tree_at(dirfd, name, 0);
}

int unpack_remove_contents(int dirfd, burrow_error **err)
{
        int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        struct stat st;

        /* The layer may have made its root read-only; it is being emptied after a failure, and removed next. */
        if (fd >= 0 && fstat(fd, &st) == 0 && (st.st_mode & 0700) != 0700)
                (void)fchmod(fd, (st.st_mode & 07777) | 0700);
        if (fd < 0 || remove_dir_contents(fd, 0) < 0)
                return error_make(err, errno, "remove the partly extracted layer");
        return 0;
}

/* Makes room for a new member named `base` in `parent`: the last entry of a name wins, as in tar. A directory that
 * meets a directory stays (the new entry's metadata is applied to it). Returns 1 when a directory was kept. */
static int replace_existing(int parent, const char *base, bool new_is_dir)
{
        struct stat st;

        if (fstatat(parent, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : -1;
        if (S_ISDIR(st.st_mode)) {
                if (new_is_dir)
                        return 1;
                return remove_tree_at(parent, base, 0);
        }
        return unlinkat(parent, base, 0);
}

static int set_owner(struct unpacker *u, int fd, const char *name, int flags, struct archive_entry *e,
                     const char *member, burrow_error **err)
{
        int64_t uid = archive_entry_uid(e), gid = archive_entry_gid(e);
        int r;

        if (uid < 0 || gid < 0 || uid >= UINT32_MAX || gid >= UINT32_MAX) {
                errno = EINVAL;
                r = -1;
        } else {
                r = fchownat(fd, name, (uid_t)uid, (gid_t)gid, flags);
        }
        if (r == 0)
                return 0;
        if ((errno == EINVAL || errno == EPERM) && u->opts->ignore_chown_errors) {
                u->result->chown_ignored++;
                return 0;
        }
        _cleanup_free_ char *what = xasprintf("chown to %lld:%lld%s", (long long)uid, (long long)gid,
                                              errno == EINVAL ? " (id not mapped: too few subordinate ids?)" : "");
        return member_error(err, errno, member, what);
}

static int set_xattrs(struct unpacker *u, int fd, struct archive_entry *e, const char *member, burrow_error **err)
{
        const char *name;
        const void *value;
        size_t size;

        archive_entry_xattr_reset(e);
        while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
                if (name == NULL || whiteout_xattr_reserved(name))
                        continue;
                if (fsetxattr(fd, name, value, size, 0) == 0)
                        continue;
                /* user.* must survive; trusted.*, security.selinux and the like are refused in a user namespace. */
                if (strncmp(name, "user.", 5) == 0 && errno != ENOTSUP) {
                        _cleanup_free_ char *what = xasprintf("set xattr %.100s", name);
                        return member_error(err, errno, member, what);
                }
                u->result->xattrs_skipped++;
        }
        return 0;
}

static void entry_times(struct archive_entry *e, struct timespec ret[2])
{
        ret[1] = (struct timespec){.tv_sec = archive_entry_mtime(e), .tv_nsec = archive_entry_mtime_nsec(e)};
        if (archive_entry_atime_is_set(e))
                ret[0] = (struct timespec){.tv_sec = archive_entry_atime(e), .tv_nsec = archive_entry_atime_nsec(e)};
        else
                ret[0] = ret[1];
        if (ret[0].tv_nsec < 0 || ret[0].tv_nsec > 999999999)
                ret[0].tv_nsec = 0;
        if (ret[1].tv_nsec < 0 || ret[1].tv_nsec > 999999999)
                ret[1].tv_nsec = 0;
}

static int write_data(struct unpacker *u, int fd, const char *member, int64_t size, burrow_error **err)
{
        for (;;) {
                const void *buf;
                size_t len;
                la_int64_t off;
                int r = archive_read_data_block(u->a, &buf, &len, &off);

                if (r == ARCHIVE_EOF)
                        break;
                if (r < ARCHIVE_WARN)
                        return member_error(err, archive_errnum(u->a), member, archive_message(u->a));
                if (off < 0 || (uint64_t)off + len > (uint64_t)size)
                        return member_error(err, 0, member, "data beyond the declared size");
                for (size_t done = 0; done < len;) {
                        ssize_t n = pwrite(fd, (const char *)buf + done, len - done, off + (off_t)done);
                        if (n < 0 && errno == EINTR)
                                continue;
                        if (n <= 0)
                                return member_error(err, n < 0 ? errno : EIO, member, "write");
                        done += (size_t)n;
                }
        }
        /* Sparse files end in a hole that no data block covers. */
        if (ftruncate(fd, size) < 0)
                return member_error(err, errno, member, "truncate");
        return 0;
}

static int extract_regular(struct unpacker *u, int parent, const char *base, struct archive_entry *e,
                           const char *member, burrow_error **err)
{
        _cleanup_close_ int fd = -1;
        struct timespec times[2];

        if (replace_existing(parent, base, false) < 0)
                return member_error(err, errno, member, "replace an earlier entry");
        fd = openat(parent, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
                return member_error(err, errno, member, "create");
        if (write_data(u, fd, member, archive_entry_size(e), err) < 0)
                return -1;
        /* chown before chmod: chown clears setuid/setgid; xattrs after chown, which clears security.capability. */
        if (set_owner(u, fd, "", AT_EMPTY_PATH, e, member, err) < 0)
                return -1;
        if (fchmod(fd, archive_entry_perm(e) & 07777) < 0)
                return member_error(err, errno, member, "chmod");
        if (set_xattrs(u, fd, e, member, err) < 0)
                return -1;
        entry_times(e, times);
        if (futimens(fd, times) < 0)
                return member_error(err, errno, member, "set times");
        return 0;
}

static int extract_directory(struct unpacker *u, int parent, const char *base, const char *path,
                             struct archive_entry *e, const char *member, burrow_error **err)
{
        _cleanup_close_ int fd = -1;
        struct dir_fixup *fix;
        int r;

        if (base[0] == '\0') {
                fd = openat(u->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        } else {
                r = replace_existing(parent, base, true);
                if (r < 0)
                        return member_error(err, errno, member, "replace an earlier entry");
                if (r == 0 && mkdirat(parent, base, 0700) < 0)
                        return member_error(err, errno, member, "create directory");
                fd = openat(parent, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (fd < 0)
                return member_error(err, errno, member, "open directory");
        if (set_owner(u, fd, "", AT_EMPTY_PATH, e, member, err) < 0)
                return -1;
        if (set_xattrs(u, fd, e, member, err) < 0)
                return -1;
        if (u->n_dirs == u->cap_dirs) {
                u->cap_dirs = u->cap_dirs ? u->cap_dirs * 2 : 64;
                u->dirs = xrealloc(u->dirs, u->cap_dirs * sizeof(*u->dirs));
        }
        fix = &u->dirs[u->n_dirs];
        *fix = (struct dir_fixup){.path = xstrdup(path), .seq = u->n_dirs, .mode = archive_entry_perm(e) & 07777};
        entry_times(e, fix->times);
        u->n_dirs++;
        return 0;
}

static int extract_hardlink(struct unpacker *u, int parent, const char *base, const char *target, const char *member,
                            burrow_error **err)
{
        _cleanup_free_ char *tpath = NULL;
        _cleanup_close_ int tparent = -1;
        _cleanup_error_ burrow_error *terr = NULL;
        const char *tbase;
        struct stat st;

        if (unpack_clean_path(target, &tpath, &terr) < 0)
                return member_error(err, 0, member, "hardlink target is absolute, has \"..\" or is not valid");
        if (tpath[0] == '\0')
                return member_error(err, 0, member, "hardlink to the layer root");
        {
                char *slash = strrchr(tpath, '/');
                if (slash) {
                        *slash = '\0';
                        tparent = open_beneath(u->rootfd, tpath, O_PATH | O_DIRECTORY, 0);
                        tbase = slash + 1;
                } else {
                        tparent = open_beneath(u->rootfd, "", O_PATH | O_DIRECTORY, 0);
                        tbase = tpath;
                }
        }
        if (tparent < 0) {
                if (errno == ENOENT)
                        return member_error(err, 0, member, "hardlink to a member not extracted (yet)");
                return member_error(err, errno == EXDEV ? 0 : errno, member,
                                    errno == EXDEV ? "hardlink target leaves the layer"
                                                   : "cannot open the hardlink target");
        }
        if (fstatat(tparent, tbase, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return member_error(err, errno, member, "hardlink to a member not extracted (yet)");
        if (S_ISDIR(st.st_mode))
                return member_error(err, 0, member, "hardlink to a directory");
        if (tparent >= 0 && strcmp(tbase, base) == 0) {
                struct stat self;
                if (fstatat(parent, base, &self, AT_SYMLINK_NOFOLLOW) == 0 && self.st_ino == st.st_ino &&
                    self.st_dev == st.st_dev)
                        return 0; /* a link to itself: already there */
        }
        if (replace_existing(parent, base, false) < 0)
                return member_error(err, errno, member, "replace an earlier entry");
        /* flags 0: a symlink target is linked as the symlink itself, never followed. */
        if (linkat(tparent, tbase, parent, base, 0) < 0)
                return member_error(err, errno, member, "create hardlink");
        return 0;
}

static int extract_special(struct unpacker *u, int parent, const char *base, struct archive_entry *e,
                           const char *member, burrow_error **err)
{
        mode_t type = archive_entry_filetype(e);
        struct timespec times[2];

        if (replace_existing(parent, base, false) < 0)
                return member_error(err, errno, member, "replace an earlier entry");
        if (type == AE_IFLNK) {
                const char *target = archive_entry_symlink(e);
                if (target == NULL || target[0] == '\0' || strnlen(target, UNPACK_MAX_NAME + 1) > UNPACK_MAX_NAME)
                        return member_error(err, 0, member, "symlink target empty or longer than 4096 bytes");
                /* The target is stored as is: it is resolved inside the container's root at run time, and never
                 * followed here (every lookup is RESOLVE_BENEATH, every last component O_NOFOLLOW). */
                if (symlinkat(target, parent, base) < 0)
                        return member_error(err, errno, member, "create symlink");
        } else if (type == AE_IFIFO) {
                if (mknodat(parent, base, S_IFIFO | 0600, 0) < 0)
                        return member_error(err, errno, member, "create fifo");
        } else {
                /* A 0:0 character device: an overlay whiteout already, and allowed in a user namespace. */
                if (mknodat(parent, base, S_IFCHR | 0600, makedev(0, 0)) < 0)
                        return member_error(err, errno, member, "create whiteout device");
        }
        if (set_owner(u, parent, base, AT_SYMLINK_NOFOLLOW, e, member, err) < 0)
                return -1;
        if (type != AE_IFLNK && fchmodat(parent, base, archive_entry_perm(e) & 07777, 0) < 0)
                return member_error(err, errno, member, "chmod");
        entry_times(e, times);
        if (utimensat(parent, base, times, AT_SYMLINK_NOFOLLOW) < 0)
                return member_error(err, errno, member, "set times");
        return 0;
}

static int extract_whiteout(struct unpacker *u, int parent, enum whiteout_kind kind, const char *target,
                            const char *member, burrow_error **err)
{
        if (kind == WHITEOUT_OPAQUE) {
                _cleanup_close_ int fd = openat(parent, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (fd < 0)
                        return member_error(err, errno, member, "open the opaque directory");
                if (fsetxattr(fd, WHITEOUT_OPAQUE_XATTR, "y", 1, 0) < 0)
                        return member_error(err, errno, member, "set " WHITEOUT_OPAQUE_XATTR);
                return 0;
        }
        (void)u;
        if (replace_existing(parent, target, false) < 0)
                return member_error(err, errno, member, "replace an earlier entry");
        if (mknodat(parent, target, S_IFCHR | 0600, makedev(0, 0)) < 0)
                return member_error(err, errno, member, "create whiteout device 0:0");
        return 0;
}

static int unpack_entry(struct unpacker *u, struct archive_entry *e, burrow_error **err)
{
        const char *raw = archive_entry_pathname(e), *base, *wh_target = NULL;
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int parent = -1;
        mode_t type = archive_entry_filetype(e);
        enum whiteout_kind kind;
        int64_t size = archive_entry_size(e);

        if (unpack_clean_path(raw, &path, err) < 0)
                return -1;
        if (size < 0 || (uint64_t)size > UNPACK_MAX_MEMBER_SIZE)
                return member_error(err, 0, raw, "declared size larger than 64 GiB");
        if (type == AE_IFREG && archive_entry_hardlink(e) == NULL) {
                u->result->bytes += (uint64_t)size;
                if (u->result->bytes > UNPACK_MAX_TOTAL_SIZE)
                        return member_error(err, 0, raw, "the layer's total size exceeds 256 GiB");
        }
        if (path[0] == '\0') {
                if (type != AE_IFDIR || archive_entry_hardlink(e))
                        return member_error(err, 0, raw, "the layer root is not a directory");
                return extract_directory(u, -1, "", "", e, raw, err);
        }

        base = strrchr(path, '/');
        base = base ? base + 1 : path;
        kind = whiteout_classify(base, &wh_target);
        if (kind == WHITEOUT_INVALID)
                return member_error(err, 0, raw, "invalid whiteout name");
        if ((type == AE_IFCHR || type == AE_IFBLK) && archive_entry_hardlink(e) == NULL && kind == WHITEOUT_NONE &&
            !(type == AE_IFCHR && archive_entry_rdev(e) == 0)) {
                if (u->result->devices_skipped++ == 0)
                        snprintf(u->result->first_device, sizeof(u->result->first_device), "%s", path);
                return 0;
        }
        if (open_parent(u, raw, path, &parent, &base, err) < 0)
                return -1;
        if (kind != WHITEOUT_NONE)
                return extract_whiteout(u, parent, kind, wh_target, raw, err);
        if (archive_entry_hardlink(e))
                return extract_hardlink(u, parent, base, archive_entry_hardlink(e), raw, err);
        switch (type) {
        case AE_IFREG:
                return extract_regular(u, parent, base, e, raw, err);
        case AE_IFDIR:
                return extract_directory(u, parent, base, path, e, raw, err);
        case AE_IFLNK:
        case AE_IFIFO:
        case AE_IFCHR:
                return extract_special(u, parent, base, e, raw, err);
        case AE_IFSOCK:
                return 0; /* tar keeps no socket's contents; GNU tar skips them too */
        default:
                return member_error(err, 0, raw, "unknown member type");
        }
}

static int compare_fixups(const void *a, const void *b)
{
        const struct dir_fixup *x = a, *y = b;
        int c = strcmp(x->path, y->path);

        return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* Sorted by path, every directory comes after its parent: walking backwards applies children first, so a parent
 * turns read-only only after its last child changed. Of duplicate entries the last one wins. */
static int apply_dir_fixups(struct unpacker *u, burrow_error **err)
{
        if (u->n_dirs == 0)
                return 0;
        qsort(u->dirs, u->n_dirs, sizeof(*u->dirs), compare_fixups);
        for (size_t i = u->n_dirs; i-- > 0;) {
                struct dir_fixup *f = &u->dirs[i];
                _cleanup_close_ int fd = -1;

                if (i + 1 < u->n_dirs && strcmp(f->path, u->dirs[i + 1].path) == 0)
                        continue;
                fd = open_beneath(u->rootfd, f->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, RESOLVE_NO_SYMLINKS);
                if (fd < 0) {
                        if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
                                continue; /* replaced by a later member */
                        return member_error(err, errno, f->path, "reopen directory");
                }
                if (fchmod(fd, f->mode) < 0)
                        return member_error(err, errno, f->path, "chmod");
                if (futimens(fd, f->times) < 0)
                        return member_error(err, errno, f->path, "set times");
        }
        return 0;
}

int unpack_archive(struct archive *a, int rootfd, const struct unpack_options *opts, struct unpack_result *result,
                   burrow_error **err)
{
        struct unpacker u = {.a = a, .rootfd = rootfd, .opts = opts, .result = result};
        int r = -1;

        for (;;) {
                struct archive_entry *e;
                int ar = archive_read_next_header(a, &e);

                if (ar == ARCHIVE_EOF)
                        break;
                if (ar < ARCHIVE_WARN) {
                        error_make(err, archive_errnum(a), "read the layer: %s", archive_message(a));
                        goto out;
                }
                if (++result->entries > UNPACK_MAX_ENTRIES) {
                        error_make(err, 0, "the layer has more than %u members", UNPACK_MAX_ENTRIES);
                        goto out;
                }
                if (unpack_entry(&u, e, err) < 0)
                        goto out;
        }
        r = apply_dir_fixups(&u, err);
out:
        for (size_t i = 0; i < u.n_dirs; i++)
                free(u.dirs[i].path);
        free(u.dirs);
        return r;
}

/* ---------------------------------------------------------------------------------------------------------------- */

struct layer_stream {
        struct archive *raw; /* the decompressing reader */
        struct sha256_ctx sha;
        bool eof;
};

/* Hands the tar reader the next decompressed block, hashing it on the way. */
static la_ssize_t stream_read(struct archive *a, void *data, const void **buf)
{
        struct layer_stream *s = data;
        size_t len;
        la_int64_t off;
        int r;

        if (s->eof)
                return 0;
        r = archive_read_data_block(s->raw, buf, &len, &off);
        if (r == ARCHIVE_EOF) {
                s->eof = true;
                return 0;
        }
        if (r < ARCHIVE_WARN) {
                archive_set_error(a, archive_errno(s->raw) > 0 ? archive_errno(s->raw) : EIO, "%s",
                                  archive_error_string(s->raw) ? archive_error_string(s->raw) : "read error");
                return -1;
        }
        sha256_update(&s->sha, len, *buf);
        return (la_ssize_t)len;
}

static void format_diff_id(struct sha256_ctx *sha, char ret[UNPACK_DIFF_ID_SIZE])
{
        static const char hex[] = "0123456789abcdef";
        uint8_t raw[SHA256_DIGEST_SIZE];
        size_t off = strlen("sha256:");

        sha256_digest(sha, sizeof(raw), raw);
        memcpy(ret, "sha256:", off);
        for (size_t i = 0; i < sizeof(raw); i++) {
                ret[off++] = hex[raw[i] >> 4];
                ret[off++] = hex[raw[i] & 0xf];
        }
        ret[off] = '\0';
}

static void archive_freep(struct archive **a)
{
        if (*a)
                archive_read_free(*a);
}

int unpack_layer_fd(int blob_fd, int rootfd, const struct unpack_options *opts, char ret_diff_id[UNPACK_DIFF_ID_SIZE],
                    struct unpack_result *result, burrow_error **err)
{
        __attribute__((cleanup(archive_freep))) struct archive *raw = archive_read_new();
        __attribute__((cleanup(archive_freep))) struct archive *tar = archive_read_new();
        struct layer_stream s = {.raw = raw};
        struct archive_entry *e;
        int r;

        if (raw == NULL || tar == NULL)
                return error_make(err, ENOMEM, "libarchive");
        sha256_init(&s.sha);
        /* The raw format turns the decompressed stream into one pseudo-member whose data is the tar stream. */
        archive_read_support_filter_all(raw);
        archive_read_support_format_raw(raw);
        if (archive_read_open_fd(raw, blob_fd, 128 * 1024) != ARCHIVE_OK)
                return error_make(err, archive_errnum(raw), "read the layer: %s", archive_message(raw));
        r = archive_read_next_header(raw, &e);
        if (r == ARCHIVE_EOF)
                return error_make(err, 0, "read the layer: empty blob");
        if (r < ARCHIVE_WARN)
                return error_make(err, archive_errnum(raw), "read the layer: %s", archive_message(raw));

        archive_read_support_format_tar(tar);
        if (archive_read_open(tar, &s, NULL, stream_read, NULL) != ARCHIVE_OK)
                return error_make(err, archive_errnum(tar), "read the layer: %s", archive_message(tar));
        if (unpack_archive(tar, rootfd, opts, result, err) < 0)
                return -1;
        /* The diff_id covers the whole stream, including the padding after the end-of-archive blocks. */
        while (!s.eof) {
                const void *buf;
                if (stream_read(tar, &s, &buf) < 0)
                        return error_make(err, archive_errnum(tar), "read the layer: %s", archive_message(tar));
        }
        format_diff_id(&s.sha, ret_diff_id);
        return 0;
}
