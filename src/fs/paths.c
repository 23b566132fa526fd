#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fs/fs.h"
#include "util/cleanup.h"

/* podman's (containers/common) defaults: kernel interfaces that leak host information or allow host changes. */
const char *const fs_default_masked_paths[] = {
    "/proc/acpi",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/proc/scsi",
    "/proc/interrupts",
    "/sys/firmware",
    "/sys/dev/block",
    "/sys/devices/virtual/powercap",
    NULL,
};

const char *const fs_default_readonly_paths[] = {
    "/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static int openat2_in_root(int rootfd, const char *relpath, int flags)
{
        struct open_how how = {
            .flags = (uint64_t)flags | O_CLOEXEC,
            /* Every symlink in an image or user-owned rootfs is resolved as if the rootfs were "/", so a link to
             * "/home/you" cannot make us mount over the caller's real home. */
            .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };

        return (int)syscall(SYS_openat2, rootfd, relpath[0] ? relpath : ".", &how, sizeof(how));
}

int fs_open_in_root(int rootfd, const char *path, bool create, bool as_dir, int *ret_fd, burrow_error **err)
{
        _cleanup_free_ char *rel = xstrdup(path + strspn(path, "/"));
        size_t len = strlen(rel);
        int fd;

        fd = openat2_in_root(rootfd, rel, O_PATH);
        if (fd >= 0 || errno != ENOENT || !create) {
                if (fd < 0)
                        return error_make(err, errno, "open %s in the container", path);
                *ret_fd = fd;
                return 0;
        }

        /* Walk down from the root, creating each missing component. Every prefix is resolved from the root again, so
         * a symlink met on the way still resolves inside it. */
        for (size_t i = 0; i <= len; i++) {
                bool last = i == len;
                _cleanup_close_ int parent = -1;
                char *name, saved;

                if (!last && rel[i] != '/')
                        continue;
                saved = rel[i];
                rel[i] = '\0';
                fd = openat2_in_root(rootfd, rel, O_PATH);
                if (fd >= 0) {
                        rel[i] = saved;
                        if (!last)
                                close(fd);
                        continue;
                }
                if (errno != ENOENT)
                        return error_make(err, errno, "open %s in the container", path);
                name = strrchr(rel, '/');
                if (name) {
                        *name = '\0';
                        parent = openat2_in_root(rootfd, rel, O_PATH | O_DIRECTORY);
                        *name++ = '/';
                } else {
                        name = rel;
                        parent = openat2_in_root(rootfd, "", O_PATH | O_DIRECTORY);
                }
                if (parent < 0)
                        return error_make(err, errno, "open the parent of %s in the container", path);
                if (!last || as_dir) {
                        if (mkdirat(parent, name, 0755) < 0 && errno != EEXIST)
                                return error_make(err, errno, "create %s in the container", path);
                } else {
                        int f = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
                        if (f < 0 && errno != EEXIST)
                                return error_make(err, errno, "create %s in the container", path);
                        if (f >= 0)
                                close(f);
                }
                fd = openat2_in_root(rootfd, rel, O_PATH);
                rel[i] = saved;
                if (fd < 0)
                        return error_make(err, errno, "open %s in the container", path);
                if (!last)
                        close(fd);
        }
        *ret_fd = fd;
        return 0;
}
