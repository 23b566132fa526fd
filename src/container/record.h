/* A container kept on disk, for `run -d`, ps, inspect, stop, rm, start... No daemon: every burrow command reads these
 * files, and the container's supervisor (the burrow process that started it) writes its state.
 *
 *   STORE/containers/<id>/container.json   the record, written once when the container is created
 *   STORE/containers/<id>/state.json       its state, replaced atomically (rename) by the supervisor
 *   STORE/containers/<id>/ctr.log          the log of a detached container (container/log.h)
 *   STORE/containers/<id>/{upper,work,merged,rootfs}   the writable layer (image/container.h)
 *   STORE/names/<name> -> <id>             a symlink: creating it is the atomic reservation of the name
 *   RUNTIME/<id>/ctl                       the supervisor's control socket (exec asks it for the namespaces); the
 *                                          directory is locked (flock) by the supervisor while it runs
 *
 * RUNTIME is $XDG_RUNTIME_DIR/burrow, else /tmp/burrow-UID (0700, checked). The container's directory is locked
 * (flock LOCK_EX) by its supervisor for as long as it runs: a lock nobody holds means the supervisor is gone, whatever
 * state.json says (a kill -9, a reboot). Changes to the set of containers (create, rm, start, names) are made under
 * the store's exclusive lock. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"
#include "util/strv.h"

#define CTR_NAME_MAX 128

enum ctr_status {
        CTR_CREATED,  /* recorded, not started yet (or being set up) */
        CTR_RUNNING,  /* the workload runs */
        CTR_EXITED,   /* the workload ended; exit_code holds its status (-1: unknown, the supervisor died) */
        CTR_STOPPING, /* stop was asked for; still running */
};

/* container.json. */
struct ctr_record {
        char *id;
        char *name;
        int64_t created_ns;
        char *image;     /* IMAGE as given to run; NULL with --rootfs */
        char *image_id;  /* the image's id (config digest hex); NULL with --rootfs */
        strv argv;       /* the `run` arguments after "run", with the image argument replaced by the image id */
        int image_index; /* the image argument's index in argv; -1 with --rootfs */
        bool remove;     /* --rm: the supervisor removes everything when the container ends */
        bool detached;   /* -d: the log holds the output */
        struct json_object *inspect; /* the docker-shaped parts known at creation: Config, HostConfig, Mounts, ... */
};

/* state.json. */
struct ctr_state {
        enum ctr_status status;
        pid_t pid; /* the container's first process (its init), as seen from the host */
        uint64_t
            pid_start; /* its start time in clock ticks since boot (/proc/PID/stat): a recycled pid never matches */
        pid_t supervisor_pid;
        char *boot_id; /* /proc/sys/kernel/random/boot_id when started: a pid from an earlier boot means nothing */
        int64_t started_ns;
        int64_t finished_ns;
        int exit_code;
        bool oom_killed;
        char *cgroup;              /* the container's cgroup directory, or NULL */
        struct json_object *ports; /* NetworkSettings.Ports, docker-shaped ({"80/tcp":[{"HostIp":..,"HostPort":..}]}) */
        char *error;               /* why the start failed, when it did */
};

const char *ctr_status_name(enum ctr_status s);

/* STORE/containers/<id> (caller frees). */
char *ctr_dir(const char *store_root, const char *id);

/* True for 64 lowercase hex characters. */
bool ctr_id_valid(const char *id);
/* docker's rule for names: [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most CTR_NAME_MAX. */
int ctr_name_check(const char *name, burrow_error **err);
/* A random docker-style name (adjective_surname) for a container created without --name (caller frees). */
char *ctr_name_generate(void);

int ctr_record_write(const char *dir, const struct ctr_record *rec, burrow_error **err);
int ctr_record_read(const char *dir, struct ctr_record *ret, burrow_error **err);
void ctr_record_clear(struct ctr_record *rec);

int ctr_state_write(const char *dir, const struct ctr_state *st, burrow_error **err);
/* A missing state.json reads as CTR_CREATED. */
int ctr_state_read(const char *dir, struct ctr_state *ret, burrow_error **err);
void ctr_state_clear(struct ctr_state *st);

/* Whether the container's supervisor runs (holds the directory's lock). */
bool ctr_supervisor_alive(const char *dir);
/* Reads state.json and corrects it by what is true now: a container whose supervisor is gone is exited, whatever the
 * file says (exit code -1 when the supervisor could not record it). */
int ctr_state_read_live(const char *dir, struct ctr_state *ret, burrow_error **err);

/* Start time of a process (/proc/PID/stat field 22), 0 when it does not exist. */
uint64_t ctr_process_start_time(pid_t pid);
/* The kernel's boot id (caller frees), or NULL. */
char *ctr_boot_id(void);
/* A pidfd for the container's init when it is the process state.json names (same pid, same start time, this boot);
 * -ESRCH when it is gone. Opened before the check, so that the pid cannot be recycled between check and use. */
int ctr_open_init_pidfd(const struct ctr_state *st);

/* The ids of every recorded container, sorted by creation time (oldest first). */
int ctr_list(const char *store_root, strv *ret_ids, burrow_error **err);
/* A full id, a unique id prefix or a name to the container's id (caller frees); "no such container" otherwise. */
int ctr_resolve(const char *store_root, const char *name_or_id, char **ret_id, burrow_error **err);

/* Reserves `name` for `id` (fails with "the name ... is already in use by ID" when taken). Under the store lock. */
int ctr_name_reserve(const char *store_root, const char *name, const char *id, burrow_error **err);
/* Releases the name if it still points at id. */
void ctr_name_release(const char *store_root, const char *name, const char *id);

/* RUNTIME (see above), created 0700 and checked to be the caller's own and private (caller frees). */
int ctr_runtime_dir(char **ret, burrow_error **err);

/* Removes what killed supervisors left in RUNTIME (container directories whose lock nobody holds) and --rm exit
 * codes older than an hour. Best effort, quiet. */
void ctr_runtime_collect(void);
