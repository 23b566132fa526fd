/* The container's cgroup: the cgroupfs manager, the systemd scope in front of it, usage statistics (cgroup.h). */
#include "cgroup/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/systemd.h"
#include "util/cleanup.h"
#include "util/fileutil.h"

#define CGROUP_FILE_MAX (1 << 20)

static const char *const doctor = "run `burrow doctor`";

/* The caller's cgroup v2 path, relative to the mount ("" for the root). */
static int own_cgroup(char **ret, burrow_error **err)
{
        _cleanup_free_ char *text = NULL;

        if (file_read_all("/proc/self/cgroup", CGROUP_FILE_MAX, &text, NULL, err) < 0)
                return -1;
        for (char *line = text; line && *line;) {
                char *next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                if (strncmp(line, "0::/", 4) == 0) {
                        *ret = xstrdup(line + 4);
                        return 0;
                }
                line = next;
        }
        return error_make(err, 0, "resource limits: /proc/self/cgroup has no cgroup v2 entry; %s", doctor);
}

static bool writable_by_us(const char *dir)
{
        _cleanup_free_ char *procs = xasprintf("%s/cgroup.procs", dir);
        _cleanup_free_ char *subtree = xasprintf("%s/cgroup.subtree_control", dir);

        return access(dir, W_OK) == 0 && access(procs, W_OK) == 0 && access(subtree, W_OK) == 0;
}

/* How many processes `dir` holds, and whether the only one is us. */
static int count_procs(const char *dir, bool *ret_only_us)
{
        _cleanup_free_ char *path = xasprintf("%s/cgroup.procs", dir), *text = NULL;
        char self[32];
        int n = 0;

        *ret_only_us = false;
        if (file_read_all(path, CGROUP_FILE_MAX, &text, NULL, NULL) < 0)
                return -1;
        snprintf(self, sizeof(self), "%d", getpid());
        for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
                n++;
                if (n == 1 && strcmp(line, self) == 0)
                        *ret_only_us = true;
        }
        if (n != 1)
                *ret_only_us = false;
        return n;
}

static int write_file(const char *dir, const char *file, const char *value, burrow_error **err)
{
        _cleanup_free_ char *path = xasprintf("%s/%s", dir, file);

        return file_write_string(path, value, err) < 0 ? error_wrap(err, "%s=%s", file, value) : 0;
}

bool cgroup_unified(void)
{
        struct statfs sfs;

        return statfs(CGROUP_MOUNT, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
}

static bool ends_with(const char *s, const char *suffix)
{
        size_t n = strlen(s), m = strlen(suffix);

        return n >= m && strcmp(s + n - m, suffix) == 0;
}

enum placement {
        PLACE_NONE,   /* no delegated cgroup we can use */
        PLACE_OWN,    /* in our own cgroup, which holds only us */
        PLACE_PARENT, /* beside our cgroup, in its parent, which holds no process */
};

/* Where the container's cgroup can go (see cgroup.h), without changing anything; *ret_dir gets the directory. */
static enum placement locate(char **ret_dir, burrow_error **err)
{
        _cleanup_free_ char *rel = NULL, *own = NULL;
        bool only_us;

        if (own_cgroup(&rel, err) < 0)
                return PLACE_NONE;
        own = rel[0] ? xasprintf(CGROUP_MOUNT "/%s", rel) : xstrdup(CGROUP_MOUNT);
        if (writable_by_us(own) && count_procs(own, &only_us) == 1 && only_us) {
                *ret_dir = steal_pointer(&own);
                return PLACE_OWN;
        }
        if (rel[0] != '\0') {
                _cleanup_free_ char *parent = xstrdup(own);
                *strrchr(parent, '/') = '\0';
                /* A slice is systemd's own (a desktop's terminals live in app.slice, which holds no process itself):
                 * a cgroup of ours in it would be one systemd does not know, beside the units it manages. */
                if (strlen(parent) > strlen(CGROUP_MOUNT) && !ends_with(parent, ".slice") && writable_by_us(parent) &&
                    count_procs(parent, &only_us) == 0) {
                        *ret_dir = steal_pointer(&parent);
                        return PLACE_PARENT;
                }
        }
        *ret_dir = steal_pointer(&own);
        return PLACE_NONE;
}

bool cgroup_delegated_dir(char **ret_dir)
{
        _cleanup_free_ char *dir = NULL;
        enum placement p = locate(&dir, NULL);

        *ret_dir = steal_pointer(&dir);
        return p != PLACE_NONE;
}

/* Chooses the directory that will hold the container's cgroup (see cgroup.h). */
static int find_parent(char **ret, burrow_error **err)
{
        _cleanup_free_ char *dir = NULL, *leaf = NULL;
        char pid[32];

        switch (locate(&dir, err)) {
        case PLACE_OWN:
                /* cgroup v2 lets a cgroup with processes of its own give no controllers to its children. */
                leaf = xasprintf("%s/supervisor", dir);
                if (mkdir(leaf, 0755) < 0 && errno != EEXIST)
                        return error_make(err, errno, "resource limits: create %s", leaf);
                snprintf(pid, sizeof(pid), "%d", getpid());
                if (write_file(leaf, "cgroup.procs", pid, err) < 0)
                        return error_wrap(err, "resource limits: move burrow into a leaf of its cgroup");
                *ret = steal_pointer(&dir);
                return 0;
        case PLACE_PARENT:
                *ret = steal_pointer(&dir);
                return 0;
        case PLACE_NONE:
                break;
        }
        if (dir == NULL)
                return -1; /* /proc/self/cgroup said nothing useful: err is set */
        return error_make(err, 0,
                          "resource limits: the cgroup %s is not delegated to uid %u (neither it, holding only burrow, "
                          "nor its parent, holding no process, is writable by you); start burrow in a delegated scope "
                          "(systemd-run --user --scope -p Delegate=yes burrow run ...), use --cgroup-manager systemd, "
                          "or %s",
                          dir, (unsigned)getuid(), doctor);
}

/* Makes the needed controllers available to parent's children. */
static int enable_controllers(const char *parent, unsigned needed, const char *fix, burrow_error **err)
{
        _cleanup_free_ char *path = xasprintf("%s/cgroup.controllers", parent), *available = NULL, *spaced = NULL;
        char request[128] = "";

        if (file_read_all(path, CGROUP_FILE_MAX, &available, NULL, err) < 0)
                return -1;
        available[strcspn(available, "\n")] = '\0';
        /* Padded with spaces, so that a whole name is matched. */
        spaced = xasprintf(" %s ", available);
        for (unsigned bit = 1; bit <= CGROUP_CTRL_MISC; bit <<= 1) {
                const char *name = cgroup_controller_name(bit);
                char padded[64];

                if (!(needed & bit))
                        continue;
                snprintf(padded, sizeof(padded), " %s ", name);
                if (strstr(spaced, padded) == NULL)
                        return error_make(err, 0,
                                          "resource limits: the %s controller is not delegated to %s (it lists "
                                          "\"%s\"); %s",
                                          name, parent, available, fix);
                snprintf(request + strlen(request), sizeof(request) - strlen(request), "%s+%s", request[0] ? " " : "",
                         name);
        }
        if (request[0] != '\0' && write_file(parent, "cgroup.subtree_control", request, err) < 0)
                return error_wrap(err, "resource limits: enable the controllers");
        return 0;
}

/* burrow-* cgroups without a process: left by a burrow that was killed (its container died with it). */
static void collect_stale(const char *parent)
{
        DIR *d = opendir(parent);
        struct dirent *e;

        if (d == NULL)
                return;
        while ((e = readdir(d)) != NULL) {
                _cleanup_free_ char *dir = NULL;
                bool only_us;

                if (strncmp(e->d_name, "burrow-", 7) != 0 || e->d_type != DT_DIR)
                        continue;
                dir = xasprintf("%s/%s", parent, e->d_name);
                if (count_procs(dir, &only_us) == 0)
                        (void)rmdir(dir);
        }
        closedir(d);
}

/* What enable_controllers suggests when a controller is missing. systemd gives user@.service (and so every scope
 * of the user manager) only memory and pids unless told otherwise; podman documents the same drop-in. */
static const char *const fix_cgroupfs =
    "with systemd: a user@.service drop-in with Delegate=cpu cpuset io memory pids; run `burrow doctor`";
static const char *const fix_systemd =
    "the user manager delegates only what user@.service has: as root, mkdir -p /etc/systemd/system/user@.service.d "
    "&& printf '[Service]\\nDelegate=cpu cpuset io memory pids\\n' > "
    "/etc/systemd/system/user@.service.d/delegate.conf && systemctl daemon-reload, then log in again";

/* `auto`: systemd only when a user bus is there and there is no delegated cgroup to use as it is (inside a
 * `systemd-run --user --scope -p Delegate=yes`, or an administrator's delegated subtree, the cgroupfs manager needs
 * no D-Bus round trip). */
static bool auto_wants_systemd(void)
{
        _cleanup_free_ char *dir = NULL;

        return systemd_user_bus_present() && locate(&dir, NULL) == PLACE_NONE;
}

/* Moves burrow into a new scope of the user's systemd manager and checks that it arrived there. */
static int enter_scope(const char *id, char **ret_unit, burrow_error **err)
{
        _cleanup_free_ char *unit = NULL, *rel = NULL;
        int r;

        r = systemd_enter_scope(id, &unit, err);
        if (r < 0)
                return r;
        if (own_cgroup(&rel, err) < 0)
                return -1;
        /* The manager moves PIDs only within what it may write: without a system manager to hand the move to (as
         * PID 1 systemd does for a login session), a caller outside the user manager's tree stays where it was. */
        if (strlen(rel) <= strlen(unit) || !ends_with(rel, unit) || rel[strlen(rel) - strlen(unit) - 1] != '/')
                return error_make(err, 0,
                                  "systemd: the scope %s started, but burrow is still in /%s (the user manager could "
                                  "not move it); use --cgroup-manager cgroupfs",
                                  unit, rel);
        *ret_unit = steal_pointer(&unit);
        return 0;
}

int cgroup_create(const char *id, enum spec_cgroup_manager manager, const struct cgroup_limits *limits,
                  struct cgroup_container *ret, burrow_error **err)
{
        _cleanup_free_ char *parent = NULL, *dir = NULL, *unit = NULL;
        int fd, r;

        if (!cgroup_unified())
                return error_make(
                    err, 0,
                    "resource limits need cgroup v2: this host mounts a cgroup v1 or hybrid tree on " CGROUP_MOUNT
                    " (boot with systemd.unified_cgroup_hierarchy=1); %s",
                    doctor);
        if (manager == SPEC_CGROUP_SYSTEMD || (manager == SPEC_CGROUP_AUTO && auto_wants_systemd())) {
                r = enter_scope(id, &unit, err);
                if (r == SYSTEMD_NO_MANAGER && manager == SPEC_CGROUP_AUTO)
                        error_free(err); /* a bus without a systemd on it: the cgroupfs manager says what is missing */
                else if (r < 0)
                        return error_wrap(err, "resource limits");
        }
        /* In the scope burrow is alone: find_parent moves it into a leaf and puts the container beside it. */
        if (find_parent(&parent, err) < 0 ||
            enable_controllers(parent, limits->controllers, unit ? fix_systemd : fix_cgroupfs, err) < 0)
                return -1;
        collect_stale(parent);
        dir = xasprintf("%s/burrow-%s", parent, id);
        if (mkdir(dir, 0755) < 0)
                return error_make(err, errno, "resource limits: create the cgroup %s", dir);
        for (size_t i = 0; i < limits->n; i++)
                if (write_file(dir, limits->writes[i].file, limits->writes[i].value, err) < 0) {
                        /* memory.swap.max does not exist without swap accounting: crun skips it too. */
                        if (limits->writes[i].optional && (*err)->errnum == ENOENT) {
                                error_free(err);
                                continue;
                        }
                        (void)rmdir(dir);
                        return error_wrap(err, "resource limits");
                }
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
                error_make(err, errno, "resource limits: open %s", dir);
                (void)rmdir(dir);
                return -1;
        }
        *ret = (struct cgroup_container){.dirfd = fd, .path = steal_pointer(&dir), .unit = steal_pointer(&unit)};
        return 0;
}

bool cgroup_oom_killed(const struct cgroup_container *c, char **ret_memory_max)
{
        _cleanup_free_ char *events = NULL;
        char *p;

        if (c->dirfd < 0 || file_read_all_at(c->dirfd, "memory.events", 4096, &events, NULL, NULL) < 0)
                return false;
        p = strstr(events, "oom_kill ");
        if (p == NULL || strtoull(p + 9, NULL, 10) == 0)
                return false;
        if (file_read_all_at(c->dirfd, "memory.max", 64, ret_memory_max, NULL, NULL) == 0)
                (*ret_memory_max)[strcspn(*ret_memory_max, "\n")] = '\0';
        else
                *ret_memory_max = xstrdup("?");
        return true;
}

void cgroup_remove(struct cgroup_container *c)
{
        cleanup_closep(&c->dirfd);
        if (c->path) {
                /* The last process may still be on its way out (a zombie being reaped): EBUSY for a moment. */
                for (int i = 0; i < 200 && rmdir(c->path) < 0 && errno == EBUSY; i++)
                        nanosleep(&(struct timespec){.tv_nsec = 5 * 1000 * 1000}, NULL);
                free(c->path);
        }
        /* The scope itself is systemd's: it stops it, and removes what is left of its cgroup (the supervisor leaf),
         * once burrow, its last process, has exited. */
        free(c->unit);
        *c = (struct cgroup_container)CGROUP_CONTAINER_INIT;
}

/* Statistics. The parsers are pure: they take a file's text. */

/* A decimal number up to the end of the token (space, newline or end); advances *p past it. */
static bool parse_u64_token(const char **p, uint64_t *ret)
{
        const char *s = *p;
        uint64_t v = 0;

        if (*s < '0' || *s > '9')
                return false;
        for (; *s >= '0' && *s <= '9'; s++) {
                if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
                        return false;
                v = v * 10 + (uint64_t)(*s - '0');
        }
        if (*s != '\0' && *s != ' ' && *s != '\n')
                return false;
        *p = s;
        *ret = v;
        return true;
}

/* memory.current, pids.max, ...: one number, or "max" (UINT64_MAX). */
static bool parse_single_value(const char *text, uint64_t *ret)
{
        if (strcmp(text, "max\n") == 0 || strcmp(text, "max") == 0) {
                *ret = UINT64_MAX;
                return true;
        }
        return parse_u64_token(&text, ret) && (*text == '\0' || strcmp(text, "\n") == 0);
}

/* cpu.stat and the like: "key value" lines; false when key is missing or its value malformed. */
static bool parse_flat_keyed(const char *text, const char *key, uint64_t *ret)
{
        size_t n = strlen(key);

        for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
                const char *p = line + n + 1;
                if (strncmp(line, key, n) == 0 && line[n] == ' ')
                        return parse_u64_token(&p, ret);
        }
        return false;
}

static uint64_t add_saturating(uint64_t a, uint64_t b)
{
        return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* io.stat: one line per device, "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N"; sums rbytes and wbytes.
 * An empty file (no I/O yet) is all zeros. */
static bool parse_io_stat(const char *text, uint64_t *ret_read, uint64_t *ret_write)
{
        uint64_t r = 0, w = 0;

        for (const char *p = text; *p;) {
                p += strcspn(p, " \n"); /* the device */
                while (*p == ' ') {
                        uint64_t v;
                        bool is_r, is_w;

                        p++;
                        is_r = strncmp(p, "rbytes=", 7) == 0;
                        is_w = strncmp(p, "wbytes=", 7) == 0;
                        if (is_r || is_w) {
                                p += 7;
                                if (!parse_u64_token(&p, &v))
                                        return false;
                                if (is_r)
                                        r = add_saturating(r, v);
                                else
                                        w = add_saturating(w, v);
                        } else {
                                p += strcspn(p, " \n");
                        }
                }
                if (*p == '\n')
                        p++;
        }
        *ret_read = r;
        *ret_write = w;
        return true;
}

/* One file of the cgroup: 1 and its text, 0 when it does not exist (its controller is not enabled there). */
static int read_stat_file(int dirfd, const char *path, const char *name, char **ret, burrow_error **err)
{
        _cleanup_error_ burrow_error *e = NULL;

        if (file_read_all_at(dirfd, name, CGROUP_FILE_MAX, ret, NULL, &e) == 0)
                return 1;
        if (e->errnum == ENOENT)
                return 0;
        return error_make(err, e->errnum, "cgroup statistics: read %s/%s", path, name);
}

int cgroup_read_stats(const char *cgroup_path, struct cgroup_stats *ret, burrow_error **err)
{
        static const char *const names[] = {"memory.current", "memory.max", "cpu.stat",
                                            "pids.current",   "pids.max",   "io.stat"};
        _cleanup_close_ int dirfd = open(cgroup_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        char *text[6] = {NULL};
        struct cgroup_stats s = {.memory_max = UINT64_MAX, .pids_max = UINT64_MAX};
        const char *bad = NULL;
        int r = 0;

        if (dirfd < 0)
                return error_make(err, errno, "cgroup statistics: open %s", cgroup_path);
        for (size_t i = 0; i < 6 && r >= 0; i++)
                r = read_stat_file(dirfd, cgroup_path, names[i], &text[i], err);
        if (r < 0)
                goto out;
        if (text[0]) {
                s.has_memory = true;
                if (!parse_single_value(text[0], &s.memory_current) || s.memory_current == UINT64_MAX)
                        bad = names[0];
                else if (text[1] && !parse_single_value(text[1], &s.memory_max))
                        bad = names[1];
        }
        if (text[2] && !bad)
                /* usage_usec is in every cgroup's cpu.stat (the core accounts it), with or without the controller. */
                s.has_cpu = parse_flat_keyed(text[2], "usage_usec", &s.cpu_usage_usec);
        if (text[3] && !bad) {
                s.has_pids = true;
                if (!parse_single_value(text[3], &s.pids_current) || s.pids_current == UINT64_MAX)
                        bad = names[3];
                else if (text[4] && !parse_single_value(text[4], &s.pids_max))
                        bad = names[4];
        }
        if (text[5] && !bad) {
                s.has_io = true;
                if (!parse_io_stat(text[5], &s.io_read_bytes, &s.io_write_bytes))
                        bad = names[5];
        }
        if (bad)
                r = error_make(err, EINVAL, "cgroup statistics: %s/%s holds what no kernel writes", cgroup_path, bad);
        else
                *ret = s;
out:
        for (size_t i = 0; i < 6; i++)
                free(text[i]);
        return r < 0 ? -1 : 0;
}
