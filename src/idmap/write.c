#include "idmap/write.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/strv.h"

extern char **environ;

struct helper_run {
        const char *path;
        pid_t pid;
        int errfd; /* read end of the helper's stderr, so its complaint becomes part of our one line */
};

static int helper_start(struct helper_run *h, const char *path, pid_t target, const struct idmap *map,
                        burrow_error **err)
{
        _cleanup_strv_ strv argv = {0};
        posix_spawn_file_actions_t fa;
        int pipefd[2];
        int r;

        h->path = path;
        h->pid = -1;
        h->errfd = -1;
        strv_push(&argv, path);
        strv_push_owned(&argv, xasprintf("%d", target));
        for (size_t i = 0; i < map->n; i++) {
                strv_push_owned(&argv, xasprintf("%u", map->ranges[i].container_id));
                strv_push_owned(&argv, xasprintf("%u", map->ranges[i].host_id));
                strv_push_owned(&argv, xasprintf("%u", map->ranges[i].size));
        }
        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return error_make(err, errno, "pipe");
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDERR_FILENO);
        posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        r = posix_spawn(&h->pid, path, &fa, NULL, argv.items, environ);
        posix_spawn_file_actions_destroy(&fa);
        close(pipefd[1]);
        if (r != 0) {
                close(pipefd[0]);
                h->pid = -1;
                return error_make(err, 0, "run %s: %s%s; run `burrow doctor`", path, strerror(r),
                                  r == ENOENT ? " (Debian's uidmap package installs it)" : "");
        }
        h->errfd = pipefd[0];
        return 0;
}

static int helper_finish(struct helper_run *h, burrow_error **err)
{
        char msg[512];
        ssize_t n;
        int status;

        if (h->pid < 0)
                return 0;
        n = fd_read_full(h->errfd, msg, sizeof(msg) - 1);
        close(h->errfd);
        h->errfd = -1;
        while (waitpid(h->pid, &status, 0) < 0)
                if (errno != EINTR)
                        return error_make(err, errno, "wait for %s", h->path);
        h->pid = -1;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        msg[n > 0 ? n : 0] = '\0';
        msg[strcspn(msg, "\n")] = '\0';
        if (msg[0] != '\0')
                return error_make(err, 0, "%s failed: %s; run `burrow doctor`", h->path, msg);
        return error_make(err, 0, "%s failed with status %d; run `burrow doctor`", h->path,
                          WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static int write_map_file(pid_t pid, const char *name, const struct idmap *map, burrow_error **err)
{
        _cleanup_free_ char *path = xasprintf("/proc/%d/%s", pid, name);
        _cleanup_free_ char *text = idmap_format(map);

        return file_write_string(path, text, err);
}

int idmap_write_maps(pid_t pid, uid_t caller_uid, gid_t caller_gid, const struct idmap *uidmap,
                     const struct idmap *gidmap, bool *ret_setgroups_allowed, burrow_error **err)
{
        struct helper_run uid_helper = {.pid = -1}, gid_helper = {.pid = -1};
        bool uid_direct = idmap_is_single(uidmap, caller_uid);
        bool gid_direct = idmap_is_single(gidmap, caller_gid);
        int r = 0;

        /* Both helpers are setuid programs that take ~1 ms each to start: run them side by side. */
        if (!uid_direct && helper_start(&uid_helper, BURROW_NEWUIDMAP, pid, uidmap, err) < 0)
                return -1;
        if (!gid_direct && helper_start(&gid_helper, BURROW_NEWGIDMAP, pid, gidmap, err) < 0)
                r = -1;
        if (helper_finish(&uid_helper, r < 0 ? NULL : err) < 0)
                r = -1;
        if (helper_finish(&gid_helper, r < 0 ? NULL : err) < 0)
                r = -1;
        if (r < 0)
                return -1;

        /* An unprivileged process may write a one-line map of its own ids itself; for gid_map the kernel demands
         * that setgroups be denied first (user_namespaces(7)), so that dropping groups cannot grant access. */
        if (gid_direct) {
                _cleanup_free_ char *path = xasprintf("/proc/%d/setgroups", pid);
                if (file_write_string(path, "deny", err) < 0)
                        return -1;
                if (write_map_file(pid, "gid_map", gidmap, err) < 0)
                        return -1;
        }
        if (uid_direct && write_map_file(pid, "uid_map", uidmap, err) < 0)
                return -1;
        *ret_setgroups_allowed = !gid_direct;
        return 0;
}
