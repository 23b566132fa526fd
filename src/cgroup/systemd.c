/* The systemd cgroup manager (systemd.h). */
#include "cgroup/systemd.h"

#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "util/cleanup.h"

#define SYSTEMD_DEST  "org.freedesktop.systemd1"
#define SYSTEMD_PATH  "/org/freedesktop/systemd1"
#define SYSTEMD_IFACE "org.freedesktop.systemd1.Manager"

/* How long the manager may take to start the scope: a loaded machine takes a second, a hung manager forever. */
#define JOB_TIMEOUT_USEC (30ULL * 1000 * 1000)

static const char *const use_cgroupfs = "use --cgroup-manager cgroupfs";

/* The part of sd-bus burrow uses, resolved from libsystemd.so.0 at run time. The declarations come from the header;
 * only the pointers are ours, so a mismatch with the header's prototypes is a compile error. */
static struct {
        bool loaded;
        __typeof__(sd_bus_open_user) *open_user;
        __typeof__(sd_bus_flush_close_unref) *flush_close_unref;
        __typeof__(sd_bus_match_signal) *match_signal;
        __typeof__(sd_bus_slot_unref) *slot_unref;
        __typeof__(sd_bus_message_new_method_call) *new_method_call;
        __typeof__(sd_bus_message_append) *append;
        __typeof__(sd_bus_message_open_container) *open_container;
        __typeof__(sd_bus_message_close_container) *close_container;
        __typeof__(sd_bus_message_read) *read;
        __typeof__(sd_bus_message_unref) *message_unref;
        __typeof__(sd_bus_call) *call;
        __typeof__(sd_bus_process) *process;
        __typeof__(sd_bus_wait) *wait;
        __typeof__(sd_bus_error_free) *error_free;
        __typeof__(sd_bus_error_has_name) *error_has_name;
} sdbus;

static int load_libsystemd(burrow_error **err)
{
        void *lib;

        if (sdbus.loaded)
                return 0;
        /* Kept loaded for the life of the process: it is small, and nothing else would unload it safely. */
        lib = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
        if (lib == NULL)
                return error_make(err, 0,
                                  "--cgroup-manager systemd: cannot load libsystemd.so.0 (%s); install libsystemd0 or "
                                  "%s",
                                  dlerror(), use_cgroupfs);
#define RESOLVE(field, symbol)                                                                                         \
        do {                                                                                                           \
                sdbus.field = (__typeof__(sdbus.field))dlsym(lib, #symbol);                                            \
                if (sdbus.field == NULL)                                                                               \
                        return error_make(err, 0,                                                                      \
                                          "--cgroup-manager systemd: libsystemd.so.0 has no " #symbol                  \
                                          " (systemd 237 or later is needed); %s",                                     \
                                          use_cgroupfs);                                                               \
        } while (0)
        RESOLVE(open_user, sd_bus_open_user);
        RESOLVE(flush_close_unref, sd_bus_flush_close_unref);
        RESOLVE(match_signal, sd_bus_match_signal);
        RESOLVE(slot_unref, sd_bus_slot_unref);
        RESOLVE(new_method_call, sd_bus_message_new_method_call);
        RESOLVE(append, sd_bus_message_append);
        RESOLVE(open_container, sd_bus_message_open_container);
        RESOLVE(close_container, sd_bus_message_close_container);
        RESOLVE(read, sd_bus_message_read);
        RESOLVE(message_unref, sd_bus_message_unref);
        RESOLVE(call, sd_bus_call);
        RESOLVE(process, sd_bus_process);
        RESOLVE(wait, sd_bus_wait);
        RESOLVE(error_free, sd_bus_error_free);
        RESOLVE(error_has_name, sd_bus_error_has_name);
#undef RESOLVE
        sdbus.loaded = true;
        return 0;
}

/* Where sd_bus_open_user connects, for the messages. */
static char *user_bus_address(void)
{
        const char *env = getenv("DBUS_SESSION_BUS_ADDRESS"), *runtime = getenv("XDG_RUNTIME_DIR");

        if (env && env[0])
                return xstrdup(env);
        if (runtime && runtime[0])
                return xasprintf("unix:path=%s/bus", runtime);
        return xstrdup("no $XDG_RUNTIME_DIR");
}

bool systemd_user_bus_present(void)
{
        const char *env = getenv("DBUS_SESSION_BUS_ADDRESS"), *runtime = getenv("XDG_RUNTIME_DIR");
        _cleanup_free_ char *path = NULL;
        struct stat st;

        if (env && env[0])
                return true;
        if (runtime == NULL || runtime[0] != '/')
                return false;
        path = xasprintf("%s/bus", runtime);
        return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

struct job_wait {
        const char *job; /* the object path StartTransientUnit returned; NULL until then */
        char *result;    /* the job's result, once JobRemoved named it */
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        struct job_wait *w = userdata;
        const char *path, *unit, *result;
        uint32_t id;

        (void)ret_error;
        if (sdbus.read(m, "uoss", &id, &path, &unit, &result) < 0)
                return 0;
        if (w->job && w->result == NULL && strcmp(path, w->job) == 0)
                w->result = xstrdup(result);
        return 0;
}

static uint64_t now_usec(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Errors that mean nobody (or no systemd) is there to answer: the bus has no org.freedesktop.systemd1. */
static bool no_manager_error(const sd_bus_error *e)
{
        static const char *const names[] = {
            "org.freedesktop.DBus.Error.ServiceUnknown",   "org.freedesktop.DBus.Error.NameHasNoOwner",
            "org.freedesktop.DBus.Error.NoServer",         "org.freedesktop.DBus.Error.Disconnected",
            "org.freedesktop.DBus.Error.UnknownObject",    "org.freedesktop.DBus.Error.UnknownMethod",
            "org.freedesktop.DBus.Error.Spawn.ChildExited"};

        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                if (sdbus.error_has_name(e, names[i]))
                        return true;
        return false;
}

/* The StartTransientUnit call: the scope, mode "fail" (never replace a unit of the same name), with our pid in it. */
static int start_scope(sd_bus *bus, const char *unit, const char *id, sd_bus_message **ret_reply, sd_bus_error *e)
{
        _cleanup_free_ char *description = xasprintf("burrow container %.12s", id);
        sd_bus_message *m = NULL;
        int r;

        r = sdbus.new_method_call(bus, &m, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_IFACE, "StartTransientUnit");
        if (r >= 0)
                r = sdbus.append(m, "ss", unit, "fail");
        if (r >= 0)
                r = sdbus.open_container(m, 'a', "(sv)");
        if (r >= 0)
                r = sdbus.append(m, "(sv)(sv)(sv)(sv)", "Description", "s", description, "PIDs", "au", 1,
                                 (uint32_t)getpid(), "Delegate", "b", 1, "CollectMode", "s", "inactive-or-failed");
        if (r >= 0)
                r = sdbus.close_container(m);
        /* No auxiliary units. */
        if (r >= 0)
                r = sdbus.append(m, "a(sa(sv))", 0);
        if (r >= 0)
                r = sdbus.call(bus, m, JOB_TIMEOUT_USEC, e, ret_reply);
        sdbus.message_unref(m);
        return r;
}

/* Dispatches messages until JobRemoved for our job arrived (the match was added before the call, so it cannot be
 * missed: one that came with the reply sits in the read queue). */
static int wait_for_job(sd_bus *bus, struct job_wait *w, const char *unit, burrow_error **err)
{
        uint64_t deadline = now_usec() + JOB_TIMEOUT_USEC;
        int r;

        while (w->result == NULL) {
                uint64_t now = now_usec();

                r = sdbus.process(bus, NULL);
                if (r < 0)
                        return error_make(err, -r, "systemd: wait for the scope %s to start", unit);
                if (r > 0)
                        continue;
                if (now >= deadline)
                        return error_make(err, 0, "systemd: the scope %s did not start within %llu s", unit,
                                          (unsigned long long)(JOB_TIMEOUT_USEC / 1000000));
                r = sdbus.wait(bus, deadline - now);
                if (r < 0)
                        return error_make(err, -r, "systemd: wait for the scope %s to start", unit);
        }
        return 0;
}

int systemd_enter_scope(const char *id, char **ret_unit, burrow_error **err)
{
        _cleanup_free_ char *unit = xasprintf("burrow-%s.scope", id), *address = NULL;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        sd_bus_slot *slot = NULL;
        struct job_wait w = {0};
        sd_bus *bus = NULL;
        const char *job;
        int r;

        if (load_libsystemd(err) < 0)
                return -1;
        r = sdbus.open_user(&bus);
        if (r < 0) {
                address = user_bus_address();
                error_make(err, 0, "no systemd user manager answers on the user bus (%s: %s); %s", address,
                           strerror(-r), use_cgroupfs);
                return SYSTEMD_NO_MANAGER;
        }
        /* Before the call: the job may end before its reply is read. */
        r = sdbus.match_signal(bus, &slot, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_IFACE, "JobRemoved", on_job_removed, &w);
        if (r < 0) {
                address = user_bus_address();
                error_make(err, 0, "no systemd user manager answers on the user bus (%s: %s); %s", address,
                           strerror(-r), use_cgroupfs);
                r = SYSTEMD_NO_MANAGER;
                goto out;
        }
        r = start_scope(bus, unit, id, &reply, &e);
        if (r < 0) {
                address = user_bus_address();
                if (no_manager_error(&e) || r == -ECONNRESET || r == -ENOTCONN) {
                        error_make(err, 0, "no systemd user manager answers on the user bus (%s: %s); %s", address,
                                   e.message ? e.message : strerror(-r), use_cgroupfs);
                        r = SYSTEMD_NO_MANAGER;
                } else {
                        r = error_make(err, 0, "systemd: StartTransientUnit %s on the user bus (%s): %s%s%s; %s", unit,
                                       address, e.message ? e.message : strerror(-r), e.name ? " " : "",
                                       e.name ? e.name : "", use_cgroupfs);
                }
                goto out;
        }
        r = sdbus.read(reply, "o", &job);
        if (r < 0) {
                r = error_make(err, -r, "systemd: StartTransientUnit %s: unexpected reply", unit);
                goto out;
        }
        w.job = job;
        if (wait_for_job(bus, &w, unit, err) < 0) {
                r = -1;
                goto out;
        }
        if (strcmp(w.result, "done") != 0) {
                r = error_make(err, 0,
                               "systemd: the scope %s did not start (job result \"%s\"; `journalctl --user -u %s` "
                               "tells why); %s",
                               unit, w.result, unit, use_cgroupfs);
                goto out;
        }
        *ret_unit = steal_pointer(&unit);
        r = 0;
out:
        free(w.result);
        sdbus.error_free(&e);
        if (reply)
                sdbus.message_unref(reply);
        if (slot)
                sdbus.slot_unref(slot);
        sdbus.flush_close_unref(bus);
        return r;
}
