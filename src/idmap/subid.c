#include "idmap/subid.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <shadow/subid.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fileutil.h"

/* More ranges than any real /etc/subuid holds; also what the kernel's uid_map could take. */
#define SUBID_MAX_RANGES IDMAP_MAX_RANGES

/* What the lookup process sends back: for uids then gids, a count and that many (start, count) pairs. */
struct wire_range {
        uint32_t start;
        uint32_t count;
};

static int send_ranges(int fd, struct subid_range *r, int n)
{
        struct wire_range out[SUBID_MAX_RANGES];
        int32_t m = 0;

        for (int i = 0; i < n && m < SUBID_MAX_RANGES; i++) {
                /* Ranges beyond the 32-bit id space cannot be mapped; skip them rather than truncate. */
                if (r[i].count == 0 || r[i].start > UINT32_MAX || r[i].count > UINT32_MAX ||
                    r[i].start + r[i].count - 1 > UINT32_MAX)
                        continue;
                out[m++] = (struct wire_range){(uint32_t)r[i].start, (uint32_t)r[i].count};
        }
        if (fd_write_all(fd, &m, sizeof(m)) < 0 || fd_write_all(fd, out, (size_t)m * sizeof(out[0])) < 0)
                return -1;
        return 0;
}

/* Runs in a short-lived child: libsubid drags in PAM, SELinux and audit libraries (about 1 MB mapped and half a
 * millisecond of relocation) that the supervisor, which stays alive for the whole container, should not carry. */
static _Noreturn void lookup_child(uid_t uid, int fd)
{
        bool (*init)(const char *, FILE *);
        int (*get_uids)(const char *, struct subid_range **);
        int (*get_gids)(const char *, struct subid_range **);
        struct subid_range *ranges = NULL;
        struct passwd *pw = getpwuid(uid);
        void *lib;
        int n;

        lib = dlopen("libsubid.so.4", RTLD_NOW | RTLD_LOCAL);
        if (lib == NULL || pw == NULL)
                _exit(lib == NULL ? 2 : 3);
        init = (bool (*)(const char *, FILE *))dlsym(lib, "subid_init");
        get_uids = (int (*)(const char *, struct subid_range **))dlsym(lib, "subid_get_uid_ranges");
        get_gids = (int (*)(const char *, struct subid_range **))dlsym(lib, "subid_get_gid_ranges");
        if (init == NULL || get_uids == NULL || get_gids == NULL)
                _exit(2);
        /* libsubid prints diagnostics on its log stream; burrow reports one line of its own instead. */
        init("burrow", NULL);
        n = get_uids(pw->pw_name, &ranges);
        if (send_ranges(fd, ranges, n) < 0)
                _exit(1);
        free(ranges);
        ranges = NULL;
        n = get_gids(pw->pw_name, &ranges);
        if (send_ranges(fd, ranges, n) < 0)
                _exit(1);
        _exit(0);
}

static int read_ranges(int fd, struct idmap_subids *ret)
{
        struct wire_range in[SUBID_MAX_RANGES];
        int32_t m;

        if (fd_read_full(fd, &m, sizeof(m)) != (ssize_t)sizeof(m) || m < 0 || m > SUBID_MAX_RANGES)
                return -1;
        if (fd_read_full(fd, in, (size_t)m * sizeof(in[0])) != (ssize_t)((size_t)m * sizeof(in[0])))
                return -1;
        ret->ranges = xcalloc((size_t)m, sizeof(*ret->ranges));
        ret->n = (size_t)m;
        for (int32_t i = 0; i < m; i++)
                ret->ranges[i] = (struct idmap_range){.host_id = in[i].start, .size = in[i].count};
        return 0;
}

/* The answer memoized. libsubid answers from /etc/subuid and /etc/subgid unless nsswitch.conf names another source
 * (a "subid:" line, e.g. SSSD); in that common case the answer is a function of those files, so it is kept in the
 * user's runtime directory, keyed by the files' identity (device, inode, size, mtime) and the uid: any edit of them
 * misses. It saves the ~1 ms of loading libsubid on every run; newuidmap checks the maps against the files anyway. */
static const char *const cache_inputs[] = {"/etc/subuid", "/etc/subgid", "/etc/nsswitch.conf", "/etc/passwd"};

struct cache_key {
        uint64_t magic;
        uint32_t uid;
        uint32_t pad;
        struct {
                uint64_t dev, ino, size, mtime_sec, mtime_nsec;
        } files[4];
};

#define CACHE_MAGIC 0x6275727277737562ULL /* "burrwsub" */

static bool nsswitch_names_subid(void)
{
        _cleanup_fclose_ FILE *f = fopen("/etc/nsswitch.conf", "re");
        char line[512];

        while (f && fgets(line, sizeof(line), f)) {
                const char *p = line + strspn(line, " \t");
                if (strncmp(p, "subid", 5) == 0 && p[5 + strspn(p + 5, " \t")] == ':')
                        return true;
        }
        return false;
}

/* $XDG_RUNTIME_DIR/burrow, or /tmp/burrow-UID; only a directory that is ours and private. */
static char *runtime_dir(uid_t uid)
{
        const char *xdg = getenv("XDG_RUNTIME_DIR");
        _cleanup_free_ char *dir =
            xdg && xdg[0] == '/' ? xasprintf("%s/burrow", xdg) : xasprintf("/tmp/burrow-%u", uid);
        struct stat st;

        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                return NULL;
        if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != uid || (st.st_mode & 0077))
                return NULL;
        return steal_pointer(&dir);
}

static bool cache_key_make(uid_t uid, struct cache_key *key)
{
        memset(key, 0, sizeof(*key));
        key->magic = CACHE_MAGIC;
        key->uid = uid;
        for (size_t i = 0; i < sizeof(cache_inputs) / sizeof(cache_inputs[0]); i++) {
                struct stat st;
                if (stat(cache_inputs[i], &st) < 0) {
                        if (errno != ENOENT)
                                return false;
                        continue;
                }
                key->files[i].dev = st.st_dev;
                key->files[i].ino = st.st_ino;
                key->files[i].size = (uint64_t)st.st_size;
                key->files[i].mtime_sec = (uint64_t)st.st_mtim.tv_sec;
                key->files[i].mtime_nsec = (uint64_t)st.st_mtim.tv_nsec;
        }
        return !nsswitch_names_subid();
}

static int cache_read(const char *path, const struct cache_key *key, struct idmap_subids *uids,
                      struct idmap_subids *gids)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        struct cache_key stored;

        if (fd < 0 || fd_read_full(fd, &stored, sizeof(stored)) != (ssize_t)sizeof(stored) ||
            memcmp(&stored, key, sizeof(stored)) != 0)
                return -1;
        if (read_ranges(fd, uids) < 0 || read_ranges(fd, gids) < 0) {
                idmap_subids_clear(uids);
                idmap_subids_clear(gids);
                return -1;
        }
        return 0;
}

static int write_ranges(int fd, const struct idmap_subids *sub)
{
        int32_t m = (int32_t)sub->n;

        if (fd_write_all(fd, &m, sizeof(m)) < 0)
                return -1;
        for (size_t i = 0; i < sub->n; i++) {
                struct wire_range w = {sub->ranges[i].host_id, sub->ranges[i].size};
                if (fd_write_all(fd, &w, sizeof(w)) < 0)
                        return -1;
        }
        return 0;
}

/* Best effort: a cache that cannot be written only costs the next run a lookup. */
static void cache_write(const char *dir, const char *path, const struct cache_key *key, const struct idmap_subids *uids,
                        const struct idmap_subids *gids)
{
        _cleanup_free_ char *tmp = xasprintf("%s/.subid.XXXXXX", dir);
        int fd = mkostemp(tmp, O_CLOEXEC);

        if (fd < 0)
                return;
        if (fd_write_all(fd, key, sizeof(*key)) < 0 || write_ranges(fd, uids) < 0 || write_ranges(fd, gids) < 0 ||
            close(fd) < 0 || rename(tmp, path) < 0) {
                unlink(tmp);
                return;
        }
}

static int lookup_with_libsubid(uid_t uid, struct idmap_subids *ret_uids, struct idmap_subids *ret_gids,
                                burrow_error **err)
{
        _cleanup_close_ int rfd = -1;
        int fds[2], status, r;
        pid_t pid;

        *ret_uids = (struct idmap_subids){0};
        *ret_gids = (struct idmap_subids){0};
        if (pipe2(fds, O_CLOEXEC) < 0)
                return error_make(err, errno, "pipe");
        pid = fork();
        if (pid < 0) {
                close(fds[0]);
                close(fds[1]);
                return error_make(err, errno, "fork");
        }
        if (pid == 0) {
                close(fds[0]);
                lookup_child(uid, fds[1]);
        }
        close(fds[1]);
        rfd = fds[0];
        r = read_ranges(rfd, ret_uids) == 0 && read_ranges(rfd, ret_gids) == 0 ? 0 : -1;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return error_make(err, errno, "wait for the subordinate id lookup");
        if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
                return 0; /* no passwd entry: nobody to delegate ids to */
        if (WIFEXITED(status) && WEXITSTATUS(status) == 2) {
                idmap_subids_clear(ret_uids);
                idmap_subids_clear(ret_gids);
                return error_make(err, 0, "subordinate ids: cannot load libsubid.so.4 (shadow's libsubid)");
        }
        if (r < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                idmap_subids_clear(ret_uids);
                idmap_subids_clear(ret_gids);
                return error_make(err, 0, "subordinate ids: the libsubid lookup failed");
        }
        return 0;
}

int idmap_lookup_subids(uid_t uid, struct idmap_subids *ret_uids, struct idmap_subids *ret_gids, burrow_error **err)
{
        _cleanup_free_ char *dir = NULL, *path = NULL;
        struct cache_key key;
        bool cacheable = cache_key_make(uid, &key);

        if (cacheable) {
                dir = runtime_dir(uid);
                path = dir ? xasprintf("%s/subid-cache", dir) : NULL;
        }
        if (path && cache_read(path, &key, ret_uids, ret_gids) == 0)
                return 0;
        if (lookup_with_libsubid(uid, ret_uids, ret_gids, err) < 0)
                return -1;
        if (path)
                cache_write(dir, path, &key, ret_uids, ret_gids);
        return 0;
}
