/* Storage driver choice (driver.h). */
#include "image/driver.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "image/unpack.h"
#include "util/cleanup.h"
#include "util/fileutil.h"

const char *image_driver_fuse_problem(void)
{
        _cleanup_free_ char *path = file_find_in_path("fuse-overlayfs");

        if (path == NULL)
                return "fuse-overlayfs is not installed (Debian: apt-get install fuse-overlayfs)";
        if (access("/dev/fuse", R_OK | W_OK) < 0)
                return errno == ENOENT ? "/dev/fuse does not exist (modprobe fuse)"
                                       : "/dev/fuse is not readable and writable by this user (it should be mode 0666)";
        return NULL;
}

/* The probe child: a user namespace mapping only the caller (no newuidmap: the kernel lets a process map itself),
 * a private mount namespace, and the same overlay mount options the container uses. Exit status 0 = mounted. */
static _Noreturn void probe_child(const char *dir, uid_t uid, gid_t gid)
{
        char map[64];

        if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
                _exit(1);
        snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
        if (file_write_string("/proc/self/setgroups", "deny", NULL) < 0 ||
            file_write_string("/proc/self/uid_map", map, NULL) < 0)
                _exit(1);
        snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
        /* By name, after unshare: an fd opened before points into the old mount namespace, and overlay refuses layers
         * that are not mounted in the mounter's own ("failed to clone upperpath"). */
        if (file_write_string("/proc/self/gid_map", map, NULL) < 0 || chdir(dir) < 0)
                _exit(1);
        if (mount("overlay", "merged", "overlay", 0, "lowerdir=lower,upperdir=upper,workdir=work,userxattr") < 0)
                _exit(1);
        _exit(0);
}

bool image_driver_overlay_probe(const char *dir)
{
        static const char *const dirs[] = {"lower", "upper", "work", "merged"};
        _cleanup_close_ int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int status = -1;
        pid_t pid;

        if (dirfd < 0)
                return false;
        for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
                if (mkdirat(dirfd, dirs[i], 0700) < 0)
                        return false;
        pid = fork();
        if (pid == 0)
                probe_child(dir, getuid(), getgid());
        if (pid > 0)
                while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                        ;
        return status == 0;
}

static bool kernel_overlay_works(image_store *store)
{
        _cleanup_close_ int dirfd = -1;
        _cleanup_free_ char *name = NULL, *rel = NULL, *path = NULL;
        burrow_error *err = NULL;
        bool works;

        if (store_make_tmp_dir(store, &dirfd, &name, &err) < 0) {
                error_free(&err);
                return false;
        }
        path = xasprintf("%s/tmp/%s", store->root, name);
        works = image_driver_overlay_probe(path);
        /* overlay made work/work mode 0000: the tree walk that opens such directories up removes it. */
        rel = xasprintf("tmp/%s", name);
        if (unpack_remove_tree_at(store->root_fd, rel) < 0)
                (void)store_remove_tree(store, rel, &err);
        error_free(&err);
        return works;
}

int image_driver_choose(image_store *store, enum spec_storage_driver requested, bool quiet,
                        enum spec_storage_driver *ret, burrow_error **err)
{
        const char *problem;

        if (requested == SPEC_STORAGE_OVERLAY || requested == SPEC_STORAGE_VFS) {
                *ret = requested;
                return 0;
        }
        problem = image_driver_fuse_problem();
        if (requested == SPEC_STORAGE_FUSE_OVERLAYFS) {
                if (problem != NULL)
                        return error_make(err, 0, "--storage-driver fuse-overlayfs: %s; run `burrow doctor`", problem);
                *ret = requested;
                return 0;
        }
        if (problem == NULL) {
                *ret = SPEC_STORAGE_AUTO;
                return 0;
        }
        if (kernel_overlay_works(store)) {
                *ret = SPEC_STORAGE_OVERLAY;
                return 0;
        }
        if (!quiet)
                fprintf(stderr,
                        "burrow: notice: the kernel's overlay cannot be mounted in a user namespace here and %s; "
                        "copying the image's layers instead (vfs storage driver, slower)\n",
                        problem);
        *ret = SPEC_STORAGE_VFS;
        return 0;
}
