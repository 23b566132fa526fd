/* The image store's filesystem: the kernel's overlay in a user namespace, fuse-overlayfs, the filesystem type and
 * free space (doctor.h). The store may not exist yet: then its nearest existing parent is what it would be made on. */
#include "doctor/doctor.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "image/driver.h"
#include "image/unpack.h"
#include "util/cleanup.h"
#include "util/fileutil.h"

#ifndef FUSE_SUPER_MAGIC
#define FUSE_SUPER_MAGIC 0x65735546
#endif
#ifndef CIFS_SUPER_MAGIC
#define CIFS_SUPER_MAGIC 0xff534d42
#endif
#ifndef SMB2_SUPER_MAGIC
#define SMB2_SUPER_MAGIC 0xfe534d42
#endif

/* Below these, pulling and running images soon fails with ENOSPC. */
#define SPACE_WANT  (UINT64_C(2) << 30)
#define INODES_WANT 100000

/* Filesystems a store (or a home holding the default store) should not be on, and why. */
static const struct {
        unsigned long magic;
        const char *name;
        const char *why;
} unusual_filesystems[] = {
    {NFS_SUPER_MAGIC, "NFS",
     "the kernel's overlay refuses it, and root squashing breaks files owned by subordinate ids"},
    {OVERLAYFS_SUPER_MAGIC, "overlayfs", "the kernel's overlay cannot use an overlay as its upper layer"},
    {FUSE_SUPER_MAGIC, "a FUSE filesystem",
     "the kernel's overlay refuses it, and subordinate-id owned files often fail"},
    {CIFS_SUPER_MAGIC, "CIFS", "it keeps no Unix ownership, whiteouts or extended attributes"},
    {SMB2_SUPER_MAGIC, "SMB", "it keeps no Unix ownership, whiteouts or extended attributes"},
    {ECRYPTFS_SUPER_MAGIC, "eCryptfs", "the kernel's overlay refuses it"},
};

/* The store root if it exists, else its nearest existing parent (caller frees). */
static char *existing_dir(const char *root)
{
        _cleanup_free_ char *p = xstrdup(root);
        struct stat st;

        for (;;) {
                char *slash;

                if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
                        return steal_pointer(&p);
                slash = strrchr(p, '/');
                if (slash == NULL)
                        return xstrdup(".");
                if (slash == p)
                        return xstrdup("/");
                *slash = '\0';
        }
}

static char *move_store_fix(const struct doctor_context *ctx)
{
        return xasprintf("keep the store on a local filesystem: put [storage] root = \"/var/tmp/burrow-%s\" in "
                         "~/.config/burrow/burrow.conf (or use --root)",
                         ctx->user);
}

int doctor_storage_overlay(struct doctor_context *ctx, struct doctor_result *ret)
{
        _cleanup_free_ char *dir = existing_dir(ctx->store_root), *probe = NULL;
        _cleanup_close_ int dirfd = -1;

        ctx->overlay_probed = false;
        /* A scratch directory beside the store's contents, not in its tmp/, which a writer taking the store's lock
         * empties: this runs without the lock, so that a long `burrow load` cannot block it. */
        probe = xasprintf("%s/.burrow-doctor-XXXXXX", dir);
        dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0 || mkdtemp(probe) == NULL)
                return doctor_set(ret, DOCTOR_WARN, move_store_fix(ctx),
                                  "cannot probe the store's filesystem: %s is not writable (%s)", dir, strerror(errno));
        ctx->overlay_ok = image_driver_overlay_probe(probe);
        ctx->overlay_probed = true;
        /* overlay left work/work mode 0000: the tree walk opens such directories up. */
        (void)unpack_remove_tree_at(dirfd, strrchr(probe, '/') + 1);
        if (ctx->overlay_ok)
                return doctor_ok(ret, "the kernel's overlay mounts in a user namespace on %s", dir);
        if (image_driver_fuse_problem() == NULL)
                return doctor_ok(
                    ret,
                    "the kernel's overlay does not mount in a user namespace on %s: fuse-overlayfs is used "
                    "instead (a little slower)",
                    dir);
        return doctor_set(ret, DOCTOR_WARN, move_store_fix(ctx),
                          "the kernel's overlay does not mount in a user namespace on %s, and fuse-overlayfs cannot be "
                          "used: images are copied for every container (vfs, slow)",
                          dir);
}

int doctor_storage_fuse(struct doctor_context *ctx, struct doctor_result *ret)
{
        _cleanup_free_ char *path = file_find_in_path("fuse-overlayfs");
        const char *problem = image_driver_fuse_problem();
        char *fix;

        if (problem == NULL)
                return doctor_ok(ret, "fuse-overlayfs is %s and /dev/fuse is usable", path ? path : "installed");
        if (path == NULL)
                fix = xstrdup("sudo apt-get install fuse-overlayfs (Fedora: sudo dnf install fuse-overlayfs)");
        else if (access("/dev/fuse", F_OK) < 0)
                fix = xstrdup("sudo modprobe fuse (and fuse in /etc/modules-load.d/fuse.conf to keep it)");
        else
                fix = xstrdup("sudo chmod 0666 /dev/fuse (a udev rule keeps it: KERNEL==\"fuse\", MODE=\"0666\")");
        if (ctx->overlay_probed && ctx->overlay_ok)
                return doctor_set(ret, DOCTOR_WARN, fix,
                                  "fuse-overlayfs cannot be used: %s; the kernel's overlay works for the store now, "
                                  "but not on every filesystem",
                                  problem);
        return doctor_set(ret, DOCTOR_WARN, fix, "fuse-overlayfs cannot be used: %s", problem);
}

/* The name of an unusual filesystem type, and why, or -1. */
static int unusual(const char *path)
{
        struct statfs sfs;

        if (statfs(path, &sfs) < 0)
                return -1;
        for (size_t i = 0; i < sizeof(unusual_filesystems) / sizeof(unusual_filesystems[0]); i++)
                if ((unsigned long)sfs.f_type == unusual_filesystems[i].magic)
                        return (int)i;
        return -1;
}

int doctor_storage_filesystem(struct doctor_context *ctx, struct doctor_result *ret)
{
        _cleanup_free_ char *dir = existing_dir(ctx->store_root);
        int s = unusual(dir), h = ctx->home ? unusual(ctx->home) : -1;

        if (s >= 0)
                return doctor_set(ret, DOCTOR_WARN, move_store_fix(ctx), "the store %s is on %s: %s", dir,
                                  unusual_filesystems[s].name, unusual_filesystems[s].why);
        if (h >= 0)
                return doctor_ok(
                    ret,
                    "the store %s is on a local filesystem; the home %s is on %s, so keep the store off it "
                    "(%s)",
                    dir, ctx->home, unusual_filesystems[h].name, unusual_filesystems[h].why);
        if (ctx->home)
                return doctor_ok(ret, "the store %s and the home %s are on local filesystems", dir, ctx->home);
        return doctor_ok(ret, "the store %s is on a local filesystem", dir);
}

int doctor_storage_space(struct doctor_context *ctx, struct doctor_result *ret)
{
        _cleanup_free_ char *dir = existing_dir(ctx->store_root);
        struct statvfs sv;
        uint64_t avail;

        if (statvfs(dir, &sv) < 0)
                return doctor_set(ret, DOCTOR_WARN, move_store_fix(ctx), "cannot measure the free space of %s: %s", dir,
                                  strerror(errno));
        avail = (uint64_t)sv.f_bavail * sv.f_frsize;
        if (avail < SPACE_WANT || (sv.f_files > 0 && sv.f_favail < INODES_WANT))
                return doctor_set(ret, DOCTOR_WARN,
                                  xasprintf("free space on that filesystem (burrow rmi, burrow container prune), or "
                                            "move the store: [storage] root = \"DIR\" in ~/.config/burrow/burrow.conf"),
                                  "%s has %llu MiB and %llu inodes free for the store (want %llu MiB and %d)", dir,
                                  (unsigned long long)(avail >> 20), (unsigned long long)sv.f_favail,
                                  (unsigned long long)(SPACE_WANT >> 20), INODES_WANT);
        return doctor_ok(ret, "%s has %llu MiB free", dir, (unsigned long long)(avail >> 20));
}
