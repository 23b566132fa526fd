/* `burrow doctor`: every host prerequisite of a rootless container, checked and, when missing, named with its fix.
 *
 * The checks are one table (doctor.c), each entry an id ("userns.probe"), an area and a function filling in a
 * result: ok, warn (containers run, with less: a fallback, a missing feature) or fail (containers cannot run here).
 * A warn or fail names the exact fix, a command or a config line. Checks only look: every probe runs in a throw-away
 * child (its own user and mount namespace), creates nothing that outlives it and is reaped before the check returns;
 * nothing under /sys/fs/cgroup, /proc/sys or /etc is ever written. One file per area: doctor-userns.c (user
 * namespaces, subordinate ids, newuidmap), doctor-storage.c, doctor-network.c, doctor-cgroup.c (cgroups and the
 * login session), doctor-kernel.c. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

enum doctor_status {
        DOCTOR_OK,
        DOCTOR_WARN,
        DOCTOR_FAIL,
};

struct doctor_check;

/* What the checks need to know of the caller, filled in once by the CLI. */
struct doctor_context {
        uid_t uid;
        gid_t gid;
        char *user;          /* the user's name (or the decimal uid when it has no passwd entry) */
        char *home;          /* $HOME, or the passwd entry's; may be NULL */
        char *store_root;    /* where the image store is (or would be created) */
        char *resolv_conf;   /* burrow.conf's network.resolv_conf, or NULL */
        bool overlay_probed; /* set by storage.overlay: whether it ran, and whether the kernel's overlay mounted */
        bool overlay_ok;
        const struct doctor_check *current; /* the check being run (its arg) */
};

struct doctor_result {
        enum doctor_status status;
        char *message; /* one line: what was found */
        char *fix;     /* for warn and fail: the command or config line that fixes it; NULL for ok */
};

struct doctor_check {
        const char *id;   /* "area.name" */
        const char *area; /* userns, idmap, storage, network, cgroup, session, kernel */
        int (*run)(struct doctor_context *ctx, struct doctor_result *ret); /* returns the status */
        int arg; /* for checks sharing one function (the kernel features): which one */
};

/* The checks, in the order they run and are printed. */
extern const struct doctor_check doctor_checks[];
extern const size_t doctor_n_checks;

const char *doctor_status_name(enum doctor_status s);

/* Sets *ret (message and fix are formatted; fix may be NULL). */
int doctor_ok(struct doctor_result *ret, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int doctor_set(struct doctor_result *ret, enum doctor_status status, char *fix, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void doctor_result_clear(struct doctor_result *r);

/* Reads a small /proc/sys file as text without the final newline: 0, or -errno (-ENOENT: the knob does not exist). */
int doctor_read_sysctl(const char *name, char **ret);

/* Runs fn in a forked child and reaps it: true when the child exited 0. */
bool doctor_probe_child(int (*fn)(void *arg), void *arg);

/* The checks, by area. */
int doctor_userns_max(struct doctor_context *ctx, struct doctor_result *ret);
int doctor_userns_clone(struct doctor_context *ctx, struct doctor_result *ret);
int doctor_userns_apparmor(struct doctor_context *ctx, struct doctor_result *ret);
int doctor_userns_probe(struct doctor_context *ctx, struct doctor_result *ret);
int doctor_idmap_range(struct doctor_context *ctx, struct doctor_result *ret);
int doctor_idmap_size(struct doctor_context *ctx, struct doctor_result *ret);
int doctor_idmap_overlap(struct doctor_context *ctx, struct doctor_result *ret);
int doctor_idmap_newuidmap(struct doctor_context *ctx, struct doctor_result *ret);
int doctor_idmap_newgidmap(struct doctor_context *ctx, struct doctor_result *ret);
int doctor_storage_overlay(struct doctor_context *ctx, struct doctor_result *ret);
int doctor_storage_fuse(struct doctor_context *ctx, struct doctor_result *ret);
int doctor_storage_filesystem(struct doctor_context *ctx, struct doctor_result *ret);
int doctor_storage_space(struct doctor_context *ctx, struct doctor_result *ret);
int doctor_network_tun(struct doctor_context *ctx, struct doctor_result *ret);
int doctor_network_slirp(struct doctor_context *ctx, struct doctor_result *ret);
int doctor_network_ports(struct doctor_context *ctx, struct doctor_result *ret);
int doctor_network_ping(struct doctor_context *ctx, struct doctor_result *ret);
int doctor_network_dns(struct doctor_context *ctx, struct doctor_result *ret);
int doctor_cgroup_version(struct doctor_context *ctx, struct doctor_result *ret);
int doctor_cgroup_delegation(struct doctor_context *ctx, struct doctor_result *ret);
int doctor_session_runtime_dir(struct doctor_context *ctx, struct doctor_result *ret);
int doctor_session_systemd(struct doctor_context *ctx, struct doctor_result *ret);
int doctor_session_linger(struct doctor_context *ctx, struct doctor_result *ret);
int doctor_kernel_version(struct doctor_context *ctx, struct doctor_result *ret);
int doctor_kernel_feature(struct doctor_context *ctx, struct doctor_result *ret);
