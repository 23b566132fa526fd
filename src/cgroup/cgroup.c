/* The cgroupfs manager (cgroup.h). */
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

/* Chooses the directory that will hold the container's cgroup (see cgroup.h). */
static int find_parent(char **ret, burrow_error **err)
{
        _cleanup_free_ char *rel = NULL, *own = NULL, *leaf = NULL;
        bool only_us;
        char pid[32];

        if (!cgroup_unified())
                return error_make(
                    err, 0,
                    "resource limits need cgroup v2: this host mounts a cgroup v1 or hybrid tree on " CGROUP_MOUNT
                    " (boot with systemd.unified_cgroup_hierarchy=1); %s",
                    doctor);
        if (own_cgroup(&rel, err) < 0)
                return -1;
        own = rel[0] ? xasprintf(CGROUP_MOUNT "/%s", rel) : xstrdup(CGROUP_MOUNT);
        if (writable_by_us(own) && count_procs(own, &only_us) == 1 && only_us) {
                leaf = xasprintf("%s/supervisor", own);
                if (mkdir(leaf, 0755) < 0 && errno != EEXIST)
                        return error_make(err, errno, "resource limits: create %s", leaf);
                snprintf(pid, sizeof(pid), "%d", getpid());
                if (write_file(leaf, "cgroup.procs", pid, err) < 0)
                        return error_wrap(err, "resource limits: move burrow into a leaf of its cgroup");
                *ret = steal_pointer(&own);
                return 0;
        }
        if (rel[0] != '\0') {
                _cleanup_free_ char *parent = xstrdup(own);
                *strrchr(parent, '/') = '\0';
                if (strlen(parent) > strlen(CGROUP_MOUNT) && writable_by_us(parent) &&
                    count_procs(parent, &only_us) == 0) {
                        *ret = steal_pointer(&parent);
                        return 0;
                }
        }
        return error_make(err, 0,
                          "resource limits: the cgroup %s is not delegated to uid %u (neither it, holding only burrow, "
                          "nor its parent, holding no process, is writable by you); start burrow in a delegated scope "
                          "(systemd-run --user --scope -p Delegate=yes burrow run ...) or %s",
                          own, (unsigned)getuid(), doctor);
}

/* Makes the needed controllers available to parent's children. */
static int enable_controllers(const char *parent, unsigned needed, burrow_error **err)
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
                                          "\"%s\"; with systemd: a user@.service drop-in with "
                                          "Delegate=cpu cpuset io memory pids); %s",
                                          name, parent, available, doctor);
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

int cgroup_create(const char *id, enum spec_cgroup_manager manager, const struct cgroup_limits *limits,
                  struct cgroup_container *ret, burrow_error **err)
{
        (void)manager;
        _cleanup_free_ char *parent = NULL, *dir = NULL;
        int fd;

        if (find_parent(&parent, err) < 0 || enable_controllers(parent, limits->controllers, err) < 0)
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
        *ret = (struct cgroup_container){.dirfd = fd, .path = steal_pointer(&dir)};
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
        *c = (struct cgroup_container)CGROUP_CONTAINER_INIT;
}
