/* The table of checks and what they share (doctor.h). */
#include "doctor/doctor.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fileutil.h"

/* The kernel features (doctor-kernel.c) are indexed by arg, in the order of its table. */
const struct doctor_check doctor_checks[] = {
    {"userns.max_user_namespaces", "userns", doctor_userns_max, 0},
    {"userns.unprivileged_userns_clone", "userns", doctor_userns_clone, 0},
    {"userns.apparmor", "userns", doctor_userns_apparmor, 0},
    {"userns.probe", "userns", doctor_userns_probe, 0},
    {"idmap.range", "idmap", doctor_idmap_range, 0},
    {"idmap.size", "idmap", doctor_idmap_size, 0},
    {"idmap.overlap", "idmap", doctor_idmap_overlap, 0},
    {"idmap.newuidmap", "idmap", doctor_idmap_newuidmap, 0},
    {"idmap.newgidmap", "idmap", doctor_idmap_newgidmap, 0},
    {"storage.overlay", "storage", doctor_storage_overlay, 0},
    {"storage.fuse", "storage", doctor_storage_fuse, 0},
    {"storage.filesystem", "storage", doctor_storage_filesystem, 0},
    {"storage.space", "storage", doctor_storage_space, 0},
    {"network.tun", "network", doctor_network_tun, 0},
    {"network.slirp", "network", doctor_network_slirp, 0},
    {"network.ports", "network", doctor_network_ports, 0},
    {"network.ping", "network", doctor_network_ping, 0},
    {"network.dns", "network", doctor_network_dns, 0},
    {"cgroup.version", "cgroup", doctor_cgroup_version, 0},
    {"cgroup.delegation", "cgroup", doctor_cgroup_delegation, 0},
    {"session.runtime_dir", "session", doctor_session_runtime_dir, 0},
    {"session.systemd", "session", doctor_session_systemd, 0},
    {"session.linger", "session", doctor_session_linger, 0},
    {"kernel.version", "kernel", doctor_kernel_version, 0},
    {"kernel.clone3", "kernel", doctor_kernel_feature, 0},
    {"kernel.pidfd", "kernel", doctor_kernel_feature, 1},
    {"kernel.openat2", "kernel", doctor_kernel_feature, 2},
    {"kernel.mount_setattr", "kernel", doctor_kernel_feature, 3},
    {"kernel.close_range", "kernel", doctor_kernel_feature, 4},
    {"kernel.seccomp_notify", "kernel", doctor_kernel_feature, 5},
};

const size_t doctor_n_checks = sizeof(doctor_checks) / sizeof(doctor_checks[0]);

const char *doctor_status_name(enum doctor_status s)
{
        static const char *const names[] = {[DOCTOR_OK] = "ok", [DOCTOR_WARN] = "warn", [DOCTOR_FAIL] = "fail"};

        return names[s];
}

static void result_vset(struct doctor_result *ret, enum doctor_status status, char *fix, const char *fmt, va_list ap)
{
        char *msg;

        if (vasprintf(&msg, fmt, ap) < 0)
                abort();
        doctor_result_clear(ret);
        *ret = (struct doctor_result){.status = status, .message = msg, .fix = fix};
}

int doctor_ok(struct doctor_result *ret, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        result_vset(ret, DOCTOR_OK, NULL, fmt, ap);
        va_end(ap);
        return DOCTOR_OK;
}

int doctor_set(struct doctor_result *ret, enum doctor_status status, char *fix, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        result_vset(ret, status, fix, fmt, ap);
        va_end(ap);
        return (int)status;
}

void doctor_result_clear(struct doctor_result *r)
{
        free(r->message);
        free(r->fix);
        *r = (struct doctor_result){0};
}

int doctor_read_sysctl(const char *name, char **ret)
{
        _cleanup_free_ char *path = xasprintf("/proc/sys/%s", name), *text = NULL;
        burrow_error *err = NULL;
        int r;

        if (file_read_all(path, 4096, &text, NULL, &err) < 0) {
                r = err->errnum ? -err->errnum : -EIO;
                error_free(&err);
                return r;
        }
        text[strcspn(text, "\n")] = '\0';
        *ret = steal_pointer(&text);
        return 0;
}

bool doctor_probe_child(int (*fn)(void *arg), void *arg)
{
        int status;
        pid_t pid;

        fflush(NULL);
        pid = fork();
        if (pid < 0)
                return false;
        if (pid == 0)
                _exit(fn(arg) == 0 ? 0 : 1);
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return false;
        return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}
