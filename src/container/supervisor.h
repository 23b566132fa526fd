/* The supervisor of a detached container (`run -d`, `start`): the burrow process that stays behind, in a session of
 * its own, holding the container's directory lock, its log, its helpers (burrow-slirp, the port relay,
 * fuse-overlayfs) and its cgroup, as conmon does for podman. It is the launcher's parent P (launch/), run in the
 * background. */
#pragma once

#include <stdbool.h>

#include "image/container.h"
#include "spec/spec.h"
#include "util/error.h"

/* The container's log: 10 MiB per file, the current one and two rotated (docker's common max-size=10m max-file=3). */
#define CTR_LOG_FILE_SIZE (10u << 20)
#define CTR_LOG_FILES     3

struct ctr_launch {
        const char *store_root;
        struct image_container *container; /* its directory and lock: the supervisor takes them over */
        const char *runtime_dir;           /* RUNTIME/<id>, created; removed when the supervisor ends */
        int runtime_lock;                  /* its flock, which the supervisor keeps (shared open file) */
        bool existing;                     /* `start`: a failed start keeps the container (state: exited, Error) */
};

/* Forks the supervisor and returns once the workload runs (0); 1 when its command could not be executed (*err the
 * reason, *ret_status 126 or 127; the container is kept, exited); -1 when setup failed and the supervisor has cleaned
 * up (*err the reason). The caller forgets l->container either way (the supervisor owns it). */
int ctr_supervisor_start(const struct burrow_spec *spec, const struct ctr_launch *l, int *ret_status,
                         burrow_error **err);

/* The end of a container that keeps nothing (--rm, a foreground run, a failed creation): its directory and name. */
void ctr_discard(const char *store_root, struct image_container *container, const char *name, const char *id);
