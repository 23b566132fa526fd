/* User/group id mapping arithmetic: the pure part of idmap/, shared by the launcher, unit tests and fuzz targets. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* The kernel accepts at most this many lines in uid_map/gid_map (since Linux 4.15). */
#define IDMAP_MAX_RANGES 340

struct idmap_range {
        uint32_t container_id;
        uint32_t host_id;
        uint32_t size;
};

struct idmap {
        struct idmap_range *ranges;
        size_t n;
};

/* Subordinate ranges delegated to a user, as /etc/subuid lists them (host ids). */
struct idmap_subids {
        struct idmap_range *ranges; /* container_id unused; host_id = start, size = count */
        size_t n;
};

/* Total number of ids in the subordinate ranges (saturating at UINT32_MAX). */
uint32_t idmap_subids_total(const struct idmap_subids *sub);

/* The default rootless map (podman's): container 0 -> caller, 1..N -> the subordinate ranges, in order.
 * With no subordinate ranges this is the single mapping "0 caller 1". */
int idmap_build_default(uint32_t caller, const struct idmap_subids *sub, struct idmap *ret, burrow_error **err);

/* --userns=keep-id: the caller's id keeps its value inside, the subordinate ids fill 0..caller-1 and the rest. */
int idmap_build_keep_id(uint32_t caller, const struct idmap_subids *sub, struct idmap *ret, burrow_error **err);

/* --uidmap/--gidmap: the requested ranges' host ids are ids of the intermediate namespace (0 = caller,
 * 1.. = subordinate ids, as podman); translates them into real host ids, splitting where a range crosses
 * two subordinate ranges. Fails when a range exceeds what was delegated. */
int idmap_build_from_intermediate(const struct idmap_range *req, size_t n, uint32_t caller,
                                  const struct idmap_subids *sub, struct idmap *ret, burrow_error **err);

/* Checks a final map: non-empty, no zero sizes, no 32-bit overflow, no overlapping container or host ranges,
 * at most IDMAP_MAX_RANGES lines. */
int idmap_validate(const struct idmap *map, burrow_error **err);

/* The host id of a container id, if mapped. */
bool idmap_to_host(const struct idmap *map, uint32_t container_id, uint32_t *ret_host);

/* True when the map is just "X caller 1" (no subordinate ids are involved: it can be written without newuidmap). */
bool idmap_is_single(const struct idmap *map, uint32_t caller);

/* The uid_map file text ("C H N\n" per range); the caller frees it. */
char *idmap_format(const struct idmap *map);

void idmap_clear(struct idmap *map);
void idmap_subids_clear(struct idmap_subids *sub);
