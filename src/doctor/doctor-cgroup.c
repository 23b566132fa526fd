/* Cgroups (resource limits) and the login session: the runtime directory, the systemd user manager, lingering
 * (doctor.h). Read-only: nothing under /sys/fs/cgroup is written, no D-Bus method is called. */
#include "doctor/doctor.h"

#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "util/cleanup.h"
#include "util/fileutil.h"

/* The controllers behind every limit burrow offers (--cpus, --cpuset-cpus, --device-*-bps, --memory, --pids-limit). */
static const char *const wanted_controllers[] = {"cpu", "cpuset", "io", "memory", "pids"};

static const char *const delegate_fix =
    "as root: mkdir -p /etc/systemd/system/user@.service.d && printf '[Service]\\nDelegate=cpu cpuset io memory "
    "pids\\n' > /etc/systemd/system/user@.service.d/delegate.conf && systemctl daemon-reload, then log in again";

/* systemd's own test (sd_booted): it runs as PID 1 and made this directory. */
static bool systemd_host(void)
{
        struct stat st;

        return lstat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode);
}

int doctor_cgroup_version(struct doctor_context *ctx, struct doctor_result *ret)
{
        struct statfs sfs;
        bool hybrid;

        (void)ctx;
        if (cgroup_unified())
                return doctor_ok(ret, "cgroup v2 (unified) at " CGROUP_MOUNT);
        hybrid = statfs(CGROUP_MOUNT "/unified", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
        return doctor_set(ret, DOCTOR_WARN,
                          xstrdup("boot with systemd.unified_cgroup_hierarchy=1 on the kernel command line "
                                  "(GRUB_CMDLINE_LINUX in /etc/default/grub, then sudo update-grub and reboot)"),
                          "cgroup %s: resource limits (--memory, --cpus, --pids-limit, ...) need cgroup v2; containers "
                          "without limits run",
                          hybrid ? "v1 and v2 side by side (hybrid)" : "v1");
}

/* The controllers burrow's limits use that `available` lacks and `offered` has (NULL: any), as " a b" (caller
 * frees). */
static char *missing_controllers(const char *available, const char *offered)
{
        _cleanup_free_ char *spaced = xasprintf(" %s ", available);
        _cleanup_free_ char *kernel = offered ? xasprintf(" %s ", offered) : NULL;
        char *out = xstrdup("");

        for (size_t i = 0; i < sizeof(wanted_controllers) / sizeof(wanted_controllers[0]); i++) {
                _cleanup_free_ char *padded = xasprintf(" %s ", wanted_controllers[i]);
                if (strstr(spaced, padded) == NULL && (kernel == NULL || strstr(kernel, padded) != NULL)) {
                        char *next = xasprintf("%s %s", out, wanted_controllers[i]);
                        free(out);
                        out = next;
                }
        }
        return out;
}

static char *read_controllers(const char *dir)
{
        _cleanup_free_ char *path = xasprintf("%s/cgroup.controllers", dir);
        char *text = NULL;

        if (file_read_all(path, 4096, &text, NULL, NULL) < 0)
                return NULL;
        text[strcspn(text, "\n")] = '\0';
        return text;
}

int doctor_cgroup_delegation(struct doctor_context *ctx, struct doctor_result *ret)
{
        _cleanup_free_ char *dir = NULL, *manager = NULL, *available = NULL, *missing = NULL, *offered = NULL;
        _cleanup_free_ char *absent = NULL;
        const char *where;

        if (!cgroup_unified())
                return doctor_ok(ret, "not checked: no cgroup v2 tree to delegate (see cgroup.version)");
        /* As cgroup_create's auto manager looks: a delegated cgroup burrow is in, else the user manager's tree. */
        if (cgroup_delegated_dir(&dir)) {
                where = dir;
        } else if (systemd_host()) {
                manager = xasprintf(CGROUP_MOUNT "/user.slice/user-%u.slice/user@%u.service", (unsigned)ctx->uid,
                                    (unsigned)ctx->uid);
                where = manager;
        } else {
                return doctor_set(ret, DOCTOR_WARN,
                                  xasprintf("start burrow in a delegated cgroup (systemd-run --user --scope -p "
                                            "Delegate=yes burrow run ...), or as root: chown -R %s %s",
                                            ctx->user, dir ? dir : CGROUP_MOUNT "/CGROUP"),
                                  "no cgroup is delegated to %s (%s is not writable by you): resource limits cannot "
                                  "be used",
                                  ctx->user, dir ? dir : "/proc/self/cgroup has no v2 entry, so nothing");
        }
        available = read_controllers(where);
        if (available == NULL)
                return doctor_set(ret, DOCTOR_WARN, xstrdup(delegate_fix),
                                  "cannot read %s/cgroup.controllers: no cgroup is delegated to %s", where, ctx->user);
        /* What the kernel itself has no controller for (UML has no cpuset) is no delegation problem. */
        offered = read_controllers(CGROUP_MOUNT);
        missing = missing_controllers(available, offered);
        absent = missing_controllers(offered ? offered : "", NULL);
        if (missing[0] != '\0')
                return doctor_set(ret, DOCTOR_WARN, xstrdup(delegate_fix),
                                  "%s delegates \"%s\", without%s: the limits of those controllers cannot be used",
                                  where, available, missing);
        if (absent[0] != '\0')
                return doctor_ok(ret, "%s delegates %s (this kernel has no controller for:%s)", where, available,
                                 absent);
        return doctor_ok(ret, "%s delegates %s", where, available);
}

int doctor_session_runtime_dir(struct doctor_context *ctx, struct doctor_result *ret)
{
        const char *xdg = getenv("XDG_RUNTIME_DIR");
        _cleanup_free_ char *mine = xasprintf("/run/user/%u", (unsigned)ctx->uid), *sub = NULL;
        char *fix;
        struct stat st;

        if (xdg == NULL || xdg[0] != '/') {
                fix = stat(mine, &st) == 0 && st.st_uid == ctx->uid
                          ? xasprintf("export XDG_RUNTIME_DIR=%s", mine)
                          : xstrdup("log in through a PAM session with pam_systemd (ssh, a console login), which "
                                    "creates /run/user/UID and sets XDG_RUNTIME_DIR; or: sudo loginctl enable-linger "
                                    "$USER");
                return doctor_set(ret, DOCTOR_WARN, fix,
                                  "XDG_RUNTIME_DIR is %s: container state goes to /tmp/burrow-%u, and no systemd user "
                                  "bus can be found",
                                  xdg ? "not an absolute path" : "not set", (unsigned)ctx->uid);
        }
        if (stat(xdg, &st) < 0 || !S_ISDIR(st.st_mode))
                return doctor_set(ret, DOCTOR_WARN,
                                  xasprintf("mkdir -m 0700 %s, or export XDG_RUNTIME_DIR=%s", xdg, mine),
                                  "XDG_RUNTIME_DIR=%s is not a directory: container state goes to /tmp/burrow-%u", xdg,
                                  (unsigned)ctx->uid);
        if (st.st_uid != ctx->uid)
                return doctor_set(ret, DOCTOR_WARN,
                                  xasprintf("export XDG_RUNTIME_DIR=%s (a directory of your own)", mine),
                                  "XDG_RUNTIME_DIR=%s belongs to uid %u, not to you: container state goes to "
                                  "/tmp/burrow-%u",
                                  xdg, (unsigned)st.st_uid, (unsigned)ctx->uid);
        if ((st.st_mode & 07777) != 0700)
                return doctor_set(ret, DOCTOR_WARN, xasprintf("chmod 0700 %s", xdg),
                                  "XDG_RUNTIME_DIR=%s has mode %04o, not 0700: other users can see into it", xdg,
                                  (unsigned)(st.st_mode & 07777));
        /* What ctr_runtime_dir will insist on: its own directory in it, private. */
        sub = xasprintf("%s/burrow", xdg);
        if (lstat(sub, &st) == 0 && (!S_ISDIR(st.st_mode) || st.st_uid != ctx->uid || (st.st_mode & 07777) != 0700))
                return doctor_set(ret, DOCTOR_FAIL, xasprintf("rm -rf %s (burrow makes it again, 0700)", sub),
                                  "%s is not a private directory of yours (mode %04o, uid %u): burrow refuses it", sub,
                                  (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid);
        return doctor_ok(ret, "XDG_RUNTIME_DIR=%s is yours, mode 0700", xdg);
}

/* The user bus socket: $DBUS_SESSION_BUS_ADDRESS's unix:path=, else $XDG_RUNTIME_DIR/bus (caller frees), or NULL. */
static char *bus_socket_path(void)
{
        const char *env = getenv("DBUS_SESSION_BUS_ADDRESS"), *xdg = getenv("XDG_RUNTIME_DIR");
        const char *p;

        if (env && (p = strstr(env, "unix:path=")) != NULL)
                return xstrndup(p + 10, strcspn(p + 10, ",;"));
        if (xdg && xdg[0] == '/')
                return xasprintf("%s/bus", xdg);
        return NULL;
}

int doctor_session_systemd(struct doctor_context *ctx, struct doctor_result *ret)
{
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -1;
        struct sockaddr_un sa = {.sun_family = AF_UNIX};

        if (!systemd_host())
                return doctor_ok(ret, "not a systemd host (no /run/systemd/system): the cgroupfs manager is used");
        path = bus_socket_path();
        /* A connect, and no message: the bus daemon (or systemd) sees a client come and go. */
        if (path && strlen(path) < sizeof(sa.sun_path)) {
                strcpy(sa.sun_path, path);
                fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
                if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
                        return doctor_ok(ret, "the user bus answers at %s: limits can use a systemd scope", path);
        }
        return doctor_set(
            ret, DOCTOR_WARN,
            xasprintf("log in through a PAM session (ssh, a console login) so that systemd starts your user "
                      "manager, or: sudo loginctl enable-linger %s; and: sudo apt-get install "
                      "dbus-user-session",
                      ctx->user),
            "no systemd user bus at %s: limits need --cgroup-manager cgroupfs in a delegated cgroup",
            path ? path : "$XDG_RUNTIME_DIR/bus (XDG_RUNTIME_DIR is not set)");
}

int doctor_session_linger(struct doctor_context *ctx, struct doctor_result *ret)
{
        _cleanup_free_ char *path = xasprintf("/var/lib/systemd/linger/%s", ctx->user);

        if (!systemd_host())
                return doctor_ok(ret, "not a systemd host: no user manager stops detached containers at logout");
        if (access(path, F_OK) == 0)
                return doctor_ok(ret, "lingering is on for %s: detached containers outlive your sessions", ctx->user);
        return doctor_set(ret, DOCTOR_WARN, xasprintf("loginctl enable-linger %s", ctx->user),
                          "lingering is off for %s (no %s): when your last session ends, systemd stops your user "
                          "manager and may kill detached containers (run -d)",
                          ctx->user, path);
}
