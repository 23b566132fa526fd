/* fuse-overlayfs for an image's layers: the daemon runs in the container's user namespace, outside its pid
 * namespace, and outlives the workload (DESIGN.md's pitfalls). */
#include "launch/fuse.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fs/fs.h"
#include "launch/sync.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/process.h"

/* After the container: ask the fuse-overlayfs daemon to unmount and leave, then make sure. Nothing may outlive
 * `burrow run`. */
void launch_fuse_stop(pid_t *pid)
{
        _cleanup_close_ int pidfd = -1;

        if (*pid <= 0)
                return;
        pidfd = (int)syscall(SYS_pidfd_open, *pid, 0);
        kill(*pid, SIGTERM);
        process_finish(*pid, pidfd, 2000);
        *pid = -1;
}


/* mountinfo's escaping of a path (space, tab, newline, backslash as octal). */
static char *mountinfo_escape(const char *path)
{
        char *out = xmalloc(strlen(path) * 4 + 1), *o = out;

        for (const char *p = path; *p; p++) {
                if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\\')
                        o += sprintf(o, "\\%03o", (unsigned char)*p);
                else
                        *o++ = *p;
        }
        *o = '\0';
        return out;
}

static bool fuse_mounted(pid_t pid, const char *escaped_target)
{
        _cleanup_free_ char *path = xasprintf("/proc/%d/mountinfo", pid), *info = NULL;
        _cleanup_free_ char *needle = xasprintf(" %s ", escaped_target);

        if (file_read_all(path, 1 << 20, &info, NULL, NULL) < 0)
                return false;
        for (char *line = info; line && *line;) {
                char *next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                if (strstr(line, needle) && strstr(line, " - fuse.fuse-overlayfs "))
                        return true;
                line = next;
        }
        return false;
}

/* Clones the daemon's mount as a detached tree from inside its namespaces (open_tree only clones mounts of the
 * caller's own mount namespace) and hands it back over a socketpair. */
static int clone_fuse_mount(pid_t fuse_pid, int userns_fd, const char *target, int *ret_tree, burrow_error **err)
{
        _cleanup_free_ char *nspath = xasprintf("/proc/%d/ns/mnt", fuse_pid);
        _cleanup_close_ int mntns = open(nspath, O_RDONLY | O_CLOEXEC);
        int pair[2], status, r;
        pid_t pid;

        if (mntns < 0)
                return error_make(err, errno, "open %s", nspath);
        if (sync_pair(pair, err) < 0)
                return -1;
        pid = fork();
        if (pid < 0) {
                close(pair[0]);
                close(pair[1]);
                return error_make(err, errno, "fork");
        }
        if (pid == 0) {
                int tree;
                if (setns(userns_fd, CLONE_NEWUSER) < 0 || setns(mntns, CLONE_NEWNS) < 0)
                        _exit(1);
                tree = open_tree(AT_FDCWD, target, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
                if (tree < 0)
                        _exit(2);
                _exit(sync_send(pair[1], SYNC_FUSE_MOUNTED, 0, NULL, tree, NULL) < 0 ? 3 : 0);
        }
        close(pair[1]);
        r = sync_expect(pair[0], SYNC_FUSE_MOUNTED, ret_tree, err);
        close(pair[0]);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        if (r < 0 || *ret_tree < 0)
                return error_make(err, 0, "take the fuse-overlayfs mount (helper status %d)", status);
        return 0;
}

/* Runs fuse-overlayfs in the container's user namespace but in a mount namespace of its own (the container's
 * pivot_root detaches the old root, and the daemon would lose its view of the layers with it) and in our pid namespace
 * (the design's rule: it outlives the workload, and nothing in the container can signal it). Waits for its mount,
 * clones it as a detached tree for the container side, which attaches it. */
int launch_fuse_start(const char *fuse_overlayfs, int userns_fd, const struct burrow_spec *spec, pid_t *ret_pid,
                      int *ret_tree, burrow_error **err)
{
        _cleanup_free_ char *opts = fs_overlay_options(spec), *escaped = mountinfo_escape(spec->rootfs);
        _cleanup_close_ int errfd = -1;
        int errpipe[2], status;
        char msg[512];
        ssize_t n;
        pid_t pid;

        if (fuse_overlayfs == NULL || userns_fd < 0)
                return error_make(err, ENOENT, "fuse-overlayfs is not installed");
        if (pipe2(errpipe, O_CLOEXEC | O_NONBLOCK) < 0)
                return error_make(err, errno, "pipe");
        pid = fork();
        if (pid < 0) {
                close(errpipe[0]);
                close(errpipe[1]);
                return error_make(err, errno, "fork");
        }
        if (pid == 0) {
                sigset_t none;
                int null = open("/dev/null", O_RDWR | O_CLOEXEC);

                sigemptyset(&none);
                sigprocmask(SIG_SETMASK, &none, NULL);
                signal(SIGPIPE, SIG_DFL);
                /* Not a process of the container: it must not die with the terminal's ^C either. But with its
                 * supervisor it must (a kill -9 of a detached container's supervisor): its mount namespace, and the
                 * mount, go with it. */
                setpgid(0, 0);
                prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
                if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0 ||
                    dup2(errpipe[1], STDERR_FILENO) < 0)
                        _exit(126);
                if (setns(userns_fd, CLONE_NEWUSER) < 0 || unshare(CLONE_NEWNS) < 0 ||
                    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
                        dprintf(STDERR_FILENO, "enter the container's user namespace: %s\n", strerror(errno));
                        _exit(126);
                }
                execl(fuse_overlayfs, "fuse-overlayfs", "-f", "-o", opts, spec->rootfs, (char *)NULL);
                dprintf(STDERR_FILENO, "exec %s: %s\n", fuse_overlayfs, strerror(errno));
                _exit(127);
        }
        close(errpipe[1]);
        errfd = errpipe[0];
        /* The caller owns the daemon from here on (and stops it on every path). */
        *ret_pid = pid;
        for (int i = 0; i < 10000 && !fuse_mounted(pid, escaped); i++) {
                if (waitpid(pid, &status, WNOHANG) == pid) {
                        *ret_pid = -1;
                        n = read(errfd, msg, sizeof(msg) - 1);
                        msg[n > 0 ? n : 0] = '\0';
                        msg[strcspn(msg, "\n")] = '\0';
                        return error_make(err, 0, "mount the image's layers with fuse-overlayfs: %s",
                                          msg[0] ? msg : "it exited without a message");
                }
                usleep(500);
        }
        if (!fuse_mounted(pid, escaped))
                return error_make(err, ETIMEDOUT, "mount the image's layers with fuse-overlayfs");
        return clone_fuse_mount(pid, userns_fd, spec->rootfs, ret_tree, err);
}

