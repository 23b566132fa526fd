/* The namespace half of the sandbox (as slirp4netns --enable-sandbox, but showing only the resolver file's
 * directory where slirp4netns shows all of /etc and /run). */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fileutil.h"

/* Any directory of the host works as the mount point: the tmpfs is mounted in our private mount namespace only,
 * and becomes the root before anything else can see it. */
#define SANDBOX_MOUNT_POINT "/tmp"
/* A handful of inodes (/, /etc, /etc/resolv.conf, /resolv) and no data; read-only once set up. */
#define SANDBOX_TMPFS_OPTIONS "size=16k,nr_inodes=16,mode=0755"
/* Where the directory of the resolver file appears in the sandbox. */
#define SANDBOX_RESOLV_DIR "/resolv"

/* A process may map only its own uid and gid into a user namespace it created, and only after giving up
 * setgroups(2) for good (user_namespaces(7)): otherwise it could drop supplementary groups that deny it access. */
static int sandbox_write_id_maps(uid_t uid, gid_t gid, burrow_error **err)
{
        char line[64];

        if (file_write_string("/proc/self/setgroups", "deny", err) < 0)
                return error_wrap(err, "sandbox");
        snprintf(line, sizeof(line), "%u %u 1\n", uid, uid);
        if (file_write_string("/proc/self/uid_map", line, err) < 0)
                return error_wrap(err, "sandbox");
        snprintf(line, sizeof(line), "%u %u 1\n", gid, gid);
        if (file_write_string("/proc/self/gid_map", line, err) < 0)
                return error_wrap(err, "sandbox");
        return 0;
}

/* Flags a less privileged mount namespace inherited from the host are locked (mount_namespaces(7)): a read-only
 * remount must repeat them, atime mode included, or the kernel answers EPERM. */
static unsigned long sandbox_locked_flags(const char *path)
{
        static const struct {
                unsigned long st;
                unsigned long ms;
        } map[] = {
            {ST_NOSUID, MS_NOSUID},   {ST_NODEV, MS_NODEV},           {ST_NOEXEC, MS_NOEXEC},
            {ST_NOATIME, MS_NOATIME}, {ST_NODIRATIME, MS_NODIRATIME}, {ST_RELATIME, MS_RELATIME},
        };
        struct statvfs sv;
        unsigned long flags = 0;

        if (statvfs(path, &sv) < 0)
                return 0;
        for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
                if (sv.f_flag & map[i].st)
                        flags |= map[i].ms;
        if (!(flags & (MS_NOATIME | MS_RELATIME)))
                flags |= MS_STRICTATIME;
        return flags;
}

/* `name` is what the user knows the source as, for messages. */
static int sandbox_bind_readonly(const char *source, const char *name, const char *target, burrow_error **err)
{
        unsigned long flags;

        if (mount(source, target, NULL, MS_BIND, NULL) < 0)
                return error_make(err, errno, "sandbox: bind %s", name);
        flags = sandbox_locked_flags(target) | MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
        if (mount(NULL, target, NULL, flags, NULL) < 0)
                return error_make(err, errno, "sandbox: remount %s read-only", name);
        return 0;
}

/* The resolver file, opened before the tmpfs is mounted (which may hide its path: a file under /tmp). */
struct resolv_source {
        int fd;           /* the file (O_PATH); -1 when there is none */
        int dir_fd;       /* its directory (O_PATH); -1 when the file is bound itself */
        char *dir;        /* the directory's path, for messages */
        const char *base; /* the file's name in it (points into dir's buffer) */
};

static void resolv_source_done(struct resolv_source *src)
{
        cleanup_closep(&src->fd);
        cleanup_closep(&src->dir_fd);
        free(src->dir);
}
#define _cleanup_resolv_source_ __attribute__((cleanup(resolv_source_done)))

static int sandbox_mount_id(int fd, uint64_t *ret)
{
        struct statx stx;

        if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0 || !(stx.stx_mask & STATX_MNT_ID))
                return -1;
        *ret = stx.stx_mnt_id;
        return 0;
}

/* libslirp opens only /etc/resolv.conf, a path fixed in its get_dns_addr(), and re-reads it whenever its stat()
 * changes. Resolver managers (systemd-resolved, NetworkManager, resolvconf) replace the file by rename(2), and a bind
 * mount of a file keeps showing the inode it was made with: so the file's directory is bound, read-only, and
 * /etc/resolv.conf becomes a symbolic link into it. A file that is itself a mount point cannot be renamed over
 * (EBUSY), and its directory would show what it covers: that one is bound directly.
 *
 * Opened in our own mount namespace: a bind mount's source must be in it (an fd opened before unshare() points into
 * the host's and gets EINVAL). */
static int sandbox_open_resolv_conf(const char *name, bool required, struct resolv_source *src, burrow_error **err)
{
        _cleanup_free_ char *fd_path = NULL;
        uint64_t file_mnt, dir_mnt;
        struct stat st;
        char *slash;
        ssize_t n;

        *src = (struct resolv_source){.fd = open(name, O_PATH | O_CLOEXEC), .dir_fd = -1};
        if (src->fd < 0) {
                if (errno != ENOENT || required)
                        return error_make(err, errno, "resolv.conf %s", name);
                return 0;
        }
        if (fstat(src->fd, &st) < 0 || !S_ISREG(st.st_mode))
                return error_make(err, 0, "resolv.conf %s: not a regular file", name);

        /* The path of the file itself, symbolic links resolved. */
        fd_path = xasprintf("/proc/self/fd/%d", src->fd);
        src->dir = xmalloc(PATH_MAX);
        n = readlink(fd_path, src->dir, PATH_MAX - 1);
        if (n <= 0 || n >= PATH_MAX - 1 || src->dir[0] != '/')
                return error_make(err, n < 0 ? errno : 0, "sandbox: resolve the path of %s", name);
        src->dir[n] = '\0';
        slash = strrchr(src->dir, '/');
        src->base = slash + 1;
        *slash = '\0';
        src->dir_fd = open(slash == src->dir ? "/" : src->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (src->dir_fd < 0)
                return error_make(err, errno, "sandbox: open %s", src->dir);
        if (sandbox_mount_id(src->fd, &file_mnt) < 0 || sandbox_mount_id(src->dir_fd, &dir_mnt) < 0 ||
            file_mnt != dir_mnt)
                cleanup_closep(&src->dir_fd);
        return 0;
}

/* Builds the future root in the tmpfs: /etc, and /etc/resolv.conf unless there is none. mount(2) follows the
 * /proc/self/fd magic links to the very file and directory opened before. */
static int sandbox_populate(const char *root, struct resolv_source *src, const char *name, burrow_error **err)
{
        _cleanup_free_ char *etc = xasprintf("%s/etc", root);
        _cleanup_free_ char *target = xasprintf("%s/etc/resolv.conf", root);
        _cleanup_free_ char *source = NULL, *mount_point = NULL, *link = NULL;
        _cleanup_close_ int file = -1;

        if (mkdir(etc, 0755) < 0)
                return error_make(err, errno, "sandbox: mkdir %s", etc);
        if (src->fd < 0)
                return 0;
        if (src->dir_fd < 0) {
                file = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
                if (file < 0)
                        return error_make(err, errno, "sandbox: create %s", target);
                source = xasprintf("/proc/self/fd/%d", src->fd);
                return sandbox_bind_readonly(source, name, target, err);
        }
        mount_point = xasprintf("%s%s", root, SANDBOX_RESOLV_DIR);
        if (mkdir(mount_point, 0755) < 0)
                return error_make(err, errno, "sandbox: mkdir %s", mount_point);
        source = xasprintf("/proc/self/fd/%d", src->dir_fd);
        if (sandbox_bind_readonly(source, src->dir[0] ? src->dir : "/", mount_point, err) < 0)
                return -1;
        link = xasprintf("%s/%s", SANDBOX_RESOLV_DIR, src->base);
        if (symlink(link, target) < 0)
                return error_make(err, errno, "sandbox: symlink %s", target);
        return 0;
}

/* pivot_root(".", ".") stacks the old root on the new one at "/", and the detaching unmount then drops it
 * (pivot_root(2)); no directory for the old root is needed. */
static int sandbox_pivot(const char *root, burrow_error **err)
{
        if (chdir(root) < 0)
                return error_make(err, errno, "sandbox: chdir %s", root);
        if (syscall(SYS_pivot_root, ".", ".") < 0)
                return error_make(err, errno, "sandbox: pivot_root %s", root);
        if (umount2(".", MNT_DETACH) < 0)
                return error_make(err, errno, "sandbox: detach the old root");
        if (chdir("/") < 0)
                return error_make(err, errno, "sandbox: chdir /");
        if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
                return error_make(err, errno, "sandbox: remount / read-only");
        return 0;
}

int sandbox_enter(const char *resolv_conf, bool required, burrow_error **err)
{
        /* Read before unshare(): until the maps are written, our ids in the new namespace are the overflow ids. */
        uid_t uid = geteuid();
        gid_t gid = getegid();
        _cleanup_resolv_source_ struct resolv_source src = {.fd = -1, .dir_fd = -1};

        /* The new mount namespace is owned by the new user namespace, in which we hold every capability; the
         * network namespace stays the host's. */
        if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
                return error_make(err, errno,
                                  "sandbox: unshare(CLONE_NEWUSER|CLONE_NEWNS) (are unprivileged user namespaces "
                                  "disabled? --disable-sandbox skips this)");
        if (sandbox_write_id_maps(uid, gid, err) < 0)
                return -1;
        /* Nothing we mount may propagate back into the host's namespace (mount_namespaces(7)). */
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                return error_make(err, errno, "sandbox: make / private");
        if (sandbox_open_resolv_conf(resolv_conf, required, &src, err) < 0)
                return -1;
        if (mount("tmpfs", SANDBOX_MOUNT_POINT, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, SANDBOX_TMPFS_OPTIONS) < 0)
                return error_make(err, errno, "sandbox: mount tmpfs on %s", SANDBOX_MOUNT_POINT);
        if (sandbox_populate(SANDBOX_MOUNT_POINT, &src, resolv_conf, err) < 0)
                return -1;
        return sandbox_pivot(SANDBOX_MOUNT_POINT, err);
}
