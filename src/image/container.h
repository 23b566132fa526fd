/* A container's root filesystem from an image: the image config applied to the spec as docker does, and the
 * container's writable layer under store/containers/<id>/ (upper, work, merged), locked while the container runs so
 * that rmi refuses the image and a later run does not collect it. */
#pragma once

#include <stdbool.h>

#include "image/store.h"
#include "spec/spec.h"
#include "util/error.h"

struct image_container {
        char *dir;   /* store/containers/<id> */
        int lock_fd; /* flock(LOCK_EX) on dir while the container runs */
};

/* --entrypoint as given: set = the flag was used; value "" clears the image's entrypoint. */
struct image_overrides {
        bool entrypoint_set;
        const char *entrypoint;
        bool reuse; /* `start`: the container's directory and writable layer exist already */
};

/* Creates (or, with reuse, opens) store/containers/<id> and locks it; EBUSY when its burrow still runs. */
int image_container_open(image_store *store, const char *container_id, bool reuse, struct image_container *ret,
                         burrow_error **err);

/* Releases the lock and forgets the directory, which stays (a kept container). */
void image_container_release(struct image_container *c);

/* Resolves `reference` in the store, applies its config to the spec (Env under -e, Entrypoint/Cmd with the command
 * line's, WorkingDir unless -w, User unless -u), creates the container's directories and points spec->rootfs and
 * spec->overlay_* at them. */
int image_container_prepare(image_store *store, const char *reference, const char *container_id,
                            const struct image_overrides *overrides, struct burrow_spec *spec,
                            struct image_container *ret, burrow_error **err);

/* Removes the container's directories (their files may belong to subordinate ids) and releases the lock. */
void image_container_remove(struct image_container *c);

/* Removes the directories of containers whose burrow is gone (killed with SIGKILL, machine crash) and that have no
 * container record (container/record.h): kept containers stay until `burrow rm`. */
void image_containers_collect(image_store *store);

/* True when a container (running, or kept) uses the image `id`. */
bool image_in_use(image_store *store, const char *id);
