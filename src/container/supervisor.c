#include "container/supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container/log.h"
#include "container/record.h"
#include "launch/launch.h"
#include "util/cleanup.h"
#include "util/fileutil.h"

void ctr_discard(const char *store_root, struct image_container *container, const char *name, const char *id)
{
        if (name)
                ctr_name_release(store_root, name, id);
        image_container_remove(container);
}

/* The supervisor's own stdio: nothing of the caller's terminal (it must not keep a terminal open, nor get its
 * SIGHUP); its own warnings go to supervisor.log in the container's directory. */
static void detach_stdio(const char *dir)
{
        _cleanup_free_ char *path = xasprintf("%s/supervisor.log", dir);
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        int log = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);

        if (null >= 0) {
                dup2(null, STDIN_FILENO);
                dup2(null, STDOUT_FILENO);
                dup2(log >= 0 ? log : null, STDERR_FILENO);
        }
        if (null > STDERR_FILENO)
                close(null);
        if (log > STDERR_FILENO)
                close(log);
}

/* The supervisor keeps none of the caller's files open (a caller waiting for end-of-file on a pipe it gave
 * `burrow run -d` would wait for as long as the container runs): everything above stdio but the two fds it needs. */
static int by_number(const void *a, const void *b)
{
        return *(const int *)a - *(const int *)b;
}

static void close_inherited(int a, int b, int c)
{
        int keep[3] = {a, b, c}, next = 3;

        qsort(keep, 3, sizeof(int), by_number);
        for (int i = 0; i < 3; i++) {
                if (keep[i] < next)
                        continue;
                if (keep[i] > next)
                        syscall(SYS_close_range, next, keep[i] - 1, 0);
                next = keep[i] + 1;
        }
        syscall(SYS_close_range, next, ~0U, 0);
}

static _Noreturn void supervise(const struct burrow_spec *spec, const struct ctr_launch *l, int ready_fd)
{
        _cleanup_free_ char *ctl = xasprintf("%s/ctl", l->runtime_dir);
        _cleanup_free_ char *log_path = xasprintf("%s/ctr.log", l->container->dir);
        struct ctr_log *log = NULL;
        burrow_error *err = NULL;
        burrow_error *ignored = NULL;
        struct ctr_state st = {0};
        bool started;
        int code = 0, r;

        setsid();
        close_inherited(ready_fd, l->container->lock_fd, l->runtime_lock);
        detach_stdio(l->container->dir);
        if (ctr_log_open(log_path, CTR_LOG_FILE_SIZE, CTR_LOG_FILES, &log, &err) < 0) {
                r = -1;
        } else {
                struct launch_options opts = {.state_dir = l->container->dir,
                                              .ctl_path = ctl,
                                              .detached = true,
                                              .log = log,
                                              .ready_fd = ready_fd};
                r = launch_run(spec, &opts, &code, &err);
        }
        ctr_log_close(log);
        started = ctr_state_read(l->container->dir, &st, &ignored) == 0 && st.status != CTR_CREATED;
        error_free(&ignored);
        if (r < 0) {
                /* The waiting `run -d` prints it (a failure after the start only reaches supervisor.log). */
                if (!started) {
                        _cleanup_free_ char *text = error_text(err);
                        (void)fd_write_all(ready_fd, text, strlen(text));
                }
                error_print(err);
        }
        if (!started && l->existing) {
                st.status = CTR_EXITED;
                st.exit_code = 125;
                free(st.error);
                st.error = xstrdup(err ? err->msg : "setup failed");
                (void)ctr_state_write(l->container->dir, &st, NULL);
        }
        error_free(&err);
        ctr_state_clear(&st);
        close(ready_fd);
        unlink(ctl);
        rmdir(l->runtime_dir);
        /* --rm: the record goes, but a `burrow wait` may be waiting for the exit code (podman keeps it too). */
        if (spec->remove && started) {
                _cleanup_free_ char *exits = xstrdup(l->runtime_dir);
                /* RUNTIME/exits/<id>: a sibling of the container's runtime directory, which is gone by now. */
                strcpy(strrchr(exits, '/') + 1, "exits");
                _cleanup_free_ char *path = xasprintf("%s/%s", exits, spec->id);
                struct ctr_state now = {0};
                if (ctr_state_read(l->container->dir, &now, NULL) == 0 && now.status == CTR_EXITED) {
                        char text[16];
                        snprintf(text, sizeof(text), "%d", now.exit_code);
                        mkdir(exits, 0700);
                        _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
                        if (fd >= 0)
                                (void)fd_write_all(fd, text, strlen(text));
                }
                ctr_state_clear(&now);
        }
        /* A container that never ran is not kept, unless it existed before (start). */
        if (spec->remove || (!started && !l->existing))
                ctr_discard(l->store_root, l->container, spec->name, spec->id);
        _exit(0);
}

int ctr_supervisor_start(const struct burrow_spec *spec, const struct ctr_launch *l, int *ret_status,
                         burrow_error **err)
{
        char msg[1024];
        size_t len = 0;
        int ready[2], status;
        pid_t pid;
        ssize_t n;

        if (pipe2(ready, O_CLOEXEC) < 0)
                return error_make(err, errno, "pipe");
        /* stdout is flushed now, or the supervisor would print the caller's pending output a second time. */
        fflush(stdout);
        fflush(stderr);
        pid = fork();
        if (pid < 0) {
                close(ready[0]);
                close(ready[1]);
                return error_make(err, errno, "fork the supervisor");
        }
        if (pid == 0) {
                close(ready[0]);
                supervise(spec, l, ready[1]);
        }
        close(ready[1]);
        /* The lock is shared with the supervisor (one open file description): the caller's copy goes. */
        image_container_release(l->container);
        while (len < sizeof(msg) - 1) {
                n = read(ready[0], msg + len, sizeof(msg) - 1 - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                len += (size_t)n;
                if ((len >= 3 && memcmp(msg, "ok\n", 3) == 0) || (msg[0] == 'E' && memchr(msg, '\n', len)))
                        break;
        }
        close(ready[0]);
        msg[len] = '\0';
        *ret_status = 0;
        if (len >= 3 && memcmp(msg, "ok\n", 3) == 0)
                return 0;
        /* The command could not be executed: the container exists (Exited (126/127)), as with podman. */
        if (msg[0] == 'E' && strchr(msg, ' ')) {
                char *text = strchr(msg, ' ') + 1;
                *ret_status = atoi(msg + 1);
                text[strcspn(text, "\n")] = '\0';
                error_make(err, 0, "%s", text);
                return 1;
        }
        /* Setup failed: the supervisor cleans up and leaves; nothing may be left when we report it. */
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        return error_make(err, 0, "%s", len ? msg : "the container's supervisor exited during setup");
}
