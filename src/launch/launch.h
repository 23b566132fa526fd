/* The launcher: the supervising parent (P) outside, the container's first process (C) inside, and the protocol
 * between them (sync.h). */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "cgroup/limits.h"
#include "fs/fs.h"
#include "net/files.h"
#include "net/forward.h"
#include "idmap/map.h"
#include "security/caps.h"
#include "security/seccomp.h"
#include "spec/spec.h"
#include "util/error.h"

/* Everything the parent decides before the namespaces exist and the child only reads. */
struct launch_plan {
        uid_t caller_uid;
        gid_t caller_gid;
        struct idmap uidmap;
        struct idmap gidmap;
        bool root_mapped;       /* container uid 0 and gid 0 exist: C becomes root in its namespace */
        bool setgroups_allowed; /* false after a direct gid_map write ("deny") */
        struct fs_context fs;
        char *fuse_overlayfs;           /* its path, when an image may need it and it is installed */
        caps_mask caps;                 /* the workload's capability set (bounding; and permitted/effective for root) */
        caps_mask caps_added;           /* what --cap-add named: raised as ambient for a non-root workload */
        struct seccomp_program seccomp; /* built before clone (errors are the user's, exit 125); .len 0 = none */
        char *hostname;                 /* the container's host name */
        struct net_files net_files;     /* what fs.resolv_conf/hosts/hostname point into */
        char *slirp_helper;             /* burrow-slirp's path, for --network slirp */
        char *host_resolv_conf;         /* the file burrow-slirp's DNS forwarder reads the host's servers from */
        struct port_mapping *ports;     /* -p and -P, host ports filled in by forward_bind */
        size_t n_ports;
        struct forward_set *forward; /* the bound host sockets, until the relay takes them */
        struct cgroup_limits limits; /* cgroup v2 writes for the resource limits; .n 0 = no cgroup */
        int stdio[3];                /* the workload's stdin/stdout/stderr when detached; -1: the caller's */
        unsigned long ns_flags;      /* the CLONE_NEW* flags C is created with */
        const char *exec_fifo;       /* OCI create: C waits on this fifo (host path) before the user process */
        bool outlive_parent;         /* OCI create: C goes on after P returns (no PDEATHSIG) */
        pid_t host_pid;              /* C's pid as P sees it (for the hooks' state), sent with SYNC_MAPS_WRITTEN */
};

struct ctr_log;

/* What a run with a container record needs besides the spec (container/record.h). All optional. */
struct launch_options {
        const char
            *state_dir;       /* STORE/containers/<id>: state.json is written there when the workload starts and ends */
        const char *ctl_path; /* RUNTIME/<id>/ctl: where the namespaces are served to `burrow exec` */
        bool detached;        /* no caller terminal: stdin is /dev/null, stdout/stderr (or the pty) go to `log` */
        struct ctr_log *log;
        int ready_fd; /* gets "ok\n" once the workload runs (`run -d` waits for it); -1: none */
        /* OCI (`burrow oci create|run`): */
        const char *exec_fifo;      /* create: C stops before the user process until `start` opens this fifo */
        const char *console_socket; /* -t: the pty master goes to this socket (SCM_RIGHTS), not to our terminal */
        bool release;               /* create: return once C waits on the fifo, leaving C (and its cgroup) behind */
        pid_t *ret_pid;             /* C's pid, once it exists */
        const char *pid_file;       /* run in the foreground: C's pid is written there once the process runs */
        char **ret_cgroup;          /* the container's cgroup directory (caller frees), NULL when it has none */
};

/* Runs the container described by a validated spec in the foreground and returns the exit code burrow should exit
 * with (the workload's, 126/127 for exec failures). Returns -1 with *err for burrow's own failures (exit 125). */
int launch_run(const struct burrow_spec *spec, const struct launch_options *opts, int *ret_exit_code,
               burrow_error **err);

struct user_resolved;

/* The workload's (or an exec'd process's) last steps, in the container: rlimits, the bounding set, the user, the
 * capabilities, the working directory, no_new_privs and the seccomp filter last, then exec of spec->args. Errors go
 * to the parent over sock (SYNC_ERROR, SYNC_EXEC_FAILED); SYNC_EXEC just before the exec. Never returns. */
_Noreturn void launch_exec_workload(const struct burrow_spec *spec, const struct launch_plan *plan,
                                    const struct user_resolved *user, strv *env, int sock, int tty_slave);

/* Opens a pty pair from the container's own devpts (so that `tty` names /dev/pts/N inside), sends the master to the
 * parent (SYNC_TTY_MASTER), which owns the caller's terminal, and waits for SYNC_TTY_READY. For the workload and for
 * an exec'd process. */
int launch_open_tty(int sock, int *ret_slave, burrow_error **err);

/* The signals a parent (run's supervisor, exec) forwards to its container process: every catchable one but those it
 * handles itself or that report its own faults. */
void launch_forwarded_signals(sigset_t *set);

/* The workload's environment: spec->env and docker's defaults (PATH, HOSTNAME, HOME, container, TERM with -t). */
void launch_build_env(const struct burrow_spec *spec, const struct user_resolved *user, const char *hostname,
                      strv *env);

/* plan.c: everything decided before the namespaces exist (id maps, security, network, limits); a failure is the
 * user's (exit 125) and nothing has started. */
int launch_plan_prepare(const struct burrow_spec *spec, struct launch_plan *plan, burrow_error **err);

/* Capabilities and the seccomp filter of a spec (launch.c; exec uses it to give an exec'd process exactly the
 * container's). */
int launch_prepare_security(const struct burrow_spec *spec, struct launch_plan *plan, burrow_error **err);
void launch_plan_clear(struct launch_plan *plan);

/* child.c: the container side. Never returns. */
_Noreturn void launch_child(const struct burrow_spec *spec, const struct launch_plan *plan, int sock);
