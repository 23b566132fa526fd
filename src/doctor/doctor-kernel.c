/* The kernel's version and the system calls burrow uses (doctor.h). Each feature is probed with arguments the kernel
 * rejects before doing anything (a too-small size, an empty range): ENOSYS then means the call does not exist, and
 * nothing is created, closed or changed. */
#include "doctor/doctor.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "util/cleanup.h"

/* The kernel every feature below exists in. */
#define KERNEL_WANT_MAJOR 5
#define KERNEL_WANT_MINOR 12

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif

static int probe_clone3(void)
{
        return (int)syscall(SYS_clone3, NULL, (size_t)0); /* size below CLONE_ARGS_SIZE_VER0: EINVAL */
}

static int probe_pidfd(void)
{
        int fd = (int)syscall(SYS_pidfd_open, getpid(), 0);

        if (fd < 0)
                return -1;
        close(fd);
        return 0;
}

static int probe_openat2(void)
{
        return (int)syscall(SYS_openat2, AT_FDCWD, ".", NULL, (size_t)0); /* size below OPEN_HOW_SIZE_VER0: EINVAL */
}

static int probe_mount_setattr(void)
{
        return (int)syscall(SYS_mount_setattr, -1, "", 0, NULL, (size_t)0); /* size below MOUNT_ATTR_SIZE_VER0 */
}

static int probe_close_range(void)
{
        return (int)syscall(SYS_close_range, 1U, 0U, 0); /* first > last: EINVAL */
}

static int probe_seccomp_notify(void)
{
        struct seccomp_notif_sizes sizes;

        /* SECCOMP_GET_NOTIF_SIZES came with user notification (5.0); older kernels reject the operation (EINVAL). */
        if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) == 0)
                return 0;
        if (errno == EINVAL)
                errno = ENOSYS;
        return -1;
}

/* Indexed by the check table's arg (doctor.c). A required feature missing is a failure: burrow cannot start a
 * container without it. */
static const struct {
        const char *name;
        int (*probe)(void);
        bool required;
        const char *since;
        const char *use;
} features[] = {
    {"clone3", probe_clone3, true, "5.3", "starting the container's processes with a pidfd and into a cgroup"},
    {"pidfd_open", probe_pidfd, true, "5.3", "waiting for processes without pid reuse races"},
    {"openat2", probe_openat2, true, "5.6", "resolving paths inside the root filesystem safely, RESOLVE_IN_ROOT"},
    {"mount_setattr", probe_mount_setattr, true, "5.12", "read-only and idmapped mounts"},
    {"close_range", probe_close_range, false, "5.9", "closing inherited descriptors in burrow-slirp"},
    {"seccomp user notification", probe_seccomp_notify, false, "5.0",
     "seccomp filters that hand calls to a supervisor"},
};

int doctor_kernel_feature(struct doctor_context *ctx, struct doctor_result *ret)
{
        int i = ctx->current->arg;

        errno = 0;
        if (features[i].probe() == 0 || errno != ENOSYS)
                return doctor_ok(ret, "%s is there (%s)", features[i].name, features[i].use);
        return doctor_set(ret, features[i].required ? DOCTOR_FAIL : DOCTOR_WARN,
                          xasprintf("a kernel %s or newer%s", features[i].since,
                                    " (or a seccomp profile around burrow that allows the call)"),
                          "%s is missing (ENOSYS): %s%s", features[i].name, features[i].use,
                          features[i].required ? " cannot work" : " is unavailable");
}

int doctor_kernel_version(struct doctor_context *ctx, struct doctor_result *ret)
{
        struct utsname u;
        int major = 0, minor = 0;

        (void)ctx;
        if (uname(&u) < 0 || sscanf(u.release, "%d.%d", &major, &minor) != 2)
                return doctor_set(ret, DOCTOR_WARN,
                                  xasprintf("a kernel %d.%d or newer", KERNEL_WANT_MAJOR, KERNEL_WANT_MINOR),
                                  "cannot tell the kernel's version");
        if (major > KERNEL_WANT_MAJOR || (major == KERNEL_WANT_MAJOR && minor >= KERNEL_WANT_MINOR))
                return doctor_ok(ret, "Linux %s", u.release);
        return doctor_set(
            ret, DOCTOR_WARN,
            xasprintf("a kernel %d.%d or newer (Debian 12 has 6.1)", KERNEL_WANT_MAJOR, KERNEL_WANT_MINOR),
            "Linux %s is older than %d.%d: the features below tell what is missing", u.release, KERNEL_WANT_MAJOR,
            KERNEL_WANT_MINOR);
}
