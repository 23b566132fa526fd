/* Unprivileged user namespaces: the kernel's knobs, then a real one (doctor.h). */
#include "doctor/doctor.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fileutil.h"

int doctor_userns_max(struct doctor_context *ctx, struct doctor_result *ret)
{
        _cleanup_free_ char *value = NULL;
        int r = doctor_read_sysctl("user/max_user_namespaces", &value);

        (void)ctx;
        if (r == -ENOENT)
                return doctor_set(ret, DOCTOR_FAIL,
                                  xstrdup("a kernel built with CONFIG_USER_NS=y (every distribution kernel has it)"),
                                  "this kernel has no user namespaces (no /proc/sys/user/max_user_namespaces)");
        if (r < 0)
                return doctor_set(ret, DOCTOR_WARN, xstrdup("check the permissions of /proc/sys/user"),
                                  "cannot read user.max_user_namespaces: %s", strerror(-r));
        if (strcmp(value, "0") == 0)
                return doctor_set(ret, DOCTOR_FAIL,
                                  xstrdup("sudo sysctl -w user.max_user_namespaces=28633 (and put "
                                          "user.max_user_namespaces=28633 in /etc/sysctl.d/50-userns.conf to keep it)"),
                                  "user.max_user_namespaces is 0: no user may create a user namespace");
        return doctor_ok(ret, "user.max_user_namespaces is %s", value);
}

int doctor_userns_clone(struct doctor_context *ctx, struct doctor_result *ret)
{
        _cleanup_free_ char *value = NULL;
        int r = doctor_read_sysctl("kernel/unprivileged_userns_clone", &value);

        (void)ctx;
        if (r == -ENOENT)
                return doctor_ok(ret, "kernel.unprivileged_userns_clone does not exist here (only Debian's older "
                                      "kernels have it): nothing to check");
        if (r < 0)
                return doctor_set(ret, DOCTOR_WARN, xstrdup("check the permissions of /proc/sys/kernel"),
                                  "cannot read kernel.unprivileged_userns_clone: %s", strerror(-r));
        if (strcmp(value, "0") == 0)
                return doctor_set(ret, DOCTOR_FAIL,
                                  xstrdup("sudo sysctl -w kernel.unprivileged_userns_clone=1 (and put "
                                          "kernel.unprivileged_userns_clone=1 in /etc/sysctl.d/50-userns.conf to keep "
                                          "it)"),
                                  "kernel.unprivileged_userns_clone is 0: only root may create user namespaces");
        return doctor_ok(ret, "kernel.unprivileged_userns_clone is %s", value);
}

int doctor_userns_apparmor(struct doctor_context *ctx, struct doctor_result *ret)
{
        _cleanup_free_ char *value = NULL, *exe = NULL;
        char path[PATH_MAX];
        ssize_t n;
        int r = doctor_read_sysctl("kernel/apparmor_restrict_unprivileged_userns", &value);

        (void)ctx;
        if (r == -ENOENT)
                return doctor_ok(ret, "kernel.apparmor_restrict_unprivileged_userns does not exist here (Ubuntu's "
                                      "kernels since 23.10 have it): nothing to check");
        if (r < 0)
                return doctor_set(ret, DOCTOR_WARN, xstrdup("check the permissions of /proc/sys/kernel"),
                                  "cannot read kernel.apparmor_restrict_unprivileged_userns: %s", strerror(-r));
        if (strcmp(value, "0") == 0)
                return doctor_ok(ret, "kernel.apparmor_restrict_unprivileged_userns is 0");
        n = readlink("/proc/self/exe", path, sizeof(path) - 1);
        exe = xstrndup(n > 0 ? path : "/usr/bin/burrow", n > 0 ? (size_t)n : strlen("/usr/bin/burrow"));
        /* Ubuntu's rule: a user namespace made by a program without an AppArmor profile allowing `userns` loses
         * every capability inside, so mounts and id maps fail there (userns.probe tells whether it bites). */
        return doctor_set(
            ret, DOCTOR_WARN,
            xasprintf("an AppArmor profile allowing user namespaces for burrow: printf 'abi <abi/4.0>,\\ninclude "
                      "<tunables/global>\\nprofile burrow %s flags=(unconfined) {\\n  userns,\\n}\\n' | sudo tee "
                      "/etc/apparmor.d/burrow && sudo apparmor_parser -r /etc/apparmor.d/burrow (or, for every "
                      "program: sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0)",
                      exe),
            "kernel.apparmor_restrict_unprivileged_userns is %s: user namespaces work only for programs whose "
            "AppArmor profile allows them",
            value);
}

/* The probe's steps, in the order a container's setup takes them; the child reports the one that failed. */
enum probe_step {
        PROBE_UNSHARE = 1,
        PROBE_MAPS,
        PROBE_MOUNT,
};

static const char *const probe_step_names[] = {
    [PROBE_UNSHARE] = "unshare(CLONE_NEWUSER|CLONE_NEWNS)",
    [PROBE_MAPS] = "writing its uid_map and gid_map",
    [PROBE_MOUNT] = "mounting a tmpfs in it",
};

struct probe_report {
        int step;
        int errnum;
};

/* A user namespace mapping only the caller (the kernel lets a process map itself; no newuidmap), with a mount
 * namespace in which a tmpfs is mounted: what Ubuntu's AppArmor restriction and a locked-down kernel refuse. The
 * mount dies with the namespace when the child exits. */
static _Noreturn void probe_child(int fd, uid_t uid, gid_t gid)
{
        struct probe_report rep = {0};
        char map[64];

        if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) {
                rep = (struct probe_report){PROBE_UNSHARE, errno};
                goto out;
        }
        snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
        if (file_write_string("/proc/self/setgroups", "deny", NULL) < 0 ||
            file_write_string("/proc/self/uid_map", map, NULL) < 0) {
                rep = (struct probe_report){PROBE_MAPS, errno};
                goto out;
        }
        snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
        if (file_write_string("/proc/self/gid_map", map, NULL) < 0) {
                rep = (struct probe_report){PROBE_MAPS, errno};
                goto out;
        }
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
            mount("tmpfs", "/", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k") < 0)
                rep = (struct probe_report){PROBE_MOUNT, errno};
out:
        (void)fd_write_all(fd, &rep, sizeof(rep));
        _exit(rep.step ? 1 : 0);
}

int doctor_userns_probe(struct doctor_context *ctx, struct doctor_result *ret)
{
        struct probe_report rep = {PROBE_UNSHARE, 0};
        int fds[2], status;
        pid_t pid;

        if (pipe2(fds, O_CLOEXEC) < 0)
                return doctor_set(ret, DOCTOR_WARN, xstrdup("raise the open file limit (ulimit -n)"),
                                  "cannot run the probe: pipe: %s", strerror(errno));
        fflush(NULL);
        pid = fork();
        if (pid == 0) {
                close(fds[0]);
                probe_child(fds[1], ctx->uid, ctx->gid);
        }
        close(fds[1]);
        if (pid > 0 && fd_read_full(fds[0], &rep, sizeof(rep)) != (ssize_t)sizeof(rep))
                rep = (struct probe_report){PROBE_UNSHARE, 0};
        close(fds[0]);
        if (pid < 0)
                return doctor_set(ret, DOCTOR_WARN, xstrdup("raise the process limit (ulimit -u)"),
                                  "cannot run the probe: fork: %s", strerror(errno));
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        if (rep.step == 0)
                return doctor_ok(ret,
                                 "unprivileged user namespaces: a probe created one, mapped itself and mounted in it");
        return doctor_set(
            ret, DOCTOR_FAIL,
            xstrdup("see the userns.* checks above; in a container or sandbox, its seccomp or AppArmor profile "
                    "must allow unshare(CLONE_NEWUSER)"),
            "unprivileged user namespaces do not work: %s failed%s%s", probe_step_names[rep.step],
            rep.errnum ? ": " : "", rep.errnum ? strerror(rep.errnum) : "");
}
