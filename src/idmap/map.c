/* Id mapping arithmetic. Rootless maps are built in podman's terms: the "intermediate" namespace has the caller's
 * own id as 0 and the subordinate ranges, concatenated in /etc/subuid order, as 1..T. Every builder checks its
 * inputs and validates what it returns, so a map that leaves here can be handed to newuidmap as is. */
#include "idmap/map.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/cleanup.h"

/* Exclusive end of a range, computed without wrapping. */
static uint64_t range_end(uint32_t start, uint32_t size)
{
        return (uint64_t)start + size;
}

static bool ranges_overlap(uint32_t a, uint32_t a_size, uint32_t b, uint32_t b_size)
{
        return a < range_end(b, b_size) && b < range_end(a, a_size);
}

uint32_t idmap_subids_total(const struct idmap_subids *sub)
{
        uint64_t total = 0;

        if (sub == NULL)
                return 0;
        for (size_t i = 0; i < sub->n; i++) {
                total += sub->ranges[i].size;
                if (total >= UINT32_MAX)
                        return UINT32_MAX;
        }
        return (uint32_t)total;
}

static void map_push(struct idmap *map, size_t *cap, uint32_t container_id, uint32_t host_id, uint32_t size)
{
        if (map->n == *cap) {
                *cap = *cap ? *cap * 2 : 8;
                map->ranges = xrealloc(map->ranges, *cap * sizeof(map->ranges[0]));
        }
        map->ranges[map->n++] = (struct idmap_range){container_id, host_id, size};
}

/* The intermediate namespace as a map: 0 -> caller, then each non-empty subordinate range in order. The subordinate
 * ranges must be sane for any map built on them to be: no 32-bit overflow, no overlap with each other or with the
 * caller's own id. Empty ranges are skipped. Because the ranges are disjoint and exclude the caller, their total is
 * at most 2^32 - 2, so the intermediate ids 0..T always fit. */
static int intermediate_make(uint32_t caller, const struct idmap_subids *sub, struct idmap *ret, burrow_error **err)
{
        struct idmap map = {0};
        size_t cap = 0;
        uint32_t next = 1;

        if (caller == UINT32_MAX)
                return error_make(err, EINVAL, "invalid caller id %u", caller);

        for (size_t i = 0; sub != NULL && i < sub->n; i++) {
                const struct idmap_range *r = &sub->ranges[i];

                if (r->size == 0)
                        continue;
                if (range_end(r->host_id, r->size) > UINT32_MAX) {
                        idmap_clear(&map);
                        return error_make(err, 0, "subordinate range %u:%u overflows 32 bits", r->host_id, r->size);
                }
                if (ranges_overlap(r->host_id, r->size, caller, 1)) {
                        idmap_clear(&map);
                        return error_make(err, 0, "subordinate range %u:%u contains the user's own id %u", r->host_id,
                                          r->size, caller);
                }
                for (size_t j = 0; j < i; j++) {
                        const struct idmap_range *o = &sub->ranges[j];
                        if (o->size != 0 && ranges_overlap(r->host_id, r->size, o->host_id, o->size)) {
                                idmap_clear(&map);
                                return error_make(err, 0, "subordinate ranges %u:%u and %u:%u overlap", o->host_id,
                                                  o->size, r->host_id, r->size);
                        }
                }
                if (map.n == 0)
                        map_push(&map, &cap, 0, caller, 1);
                map_push(&map, &cap, next, r->host_id, r->size);
                next += r->size;
        }
        if (map.n == 0)
                map_push(&map, &cap, 0, caller, 1);
        *ret = map;
        return 0;
}

/* Translates ranges whose host side is intermediate ids into real host ids, splitting them at the boundaries of
 * the intermediate segments. `inter` is the map intermediate_make() built. */
static int translate(const struct idmap_range *req, size_t n, const struct idmap *inter, struct idmap *ret,
                     burrow_error **err)
{
        struct idmap map = {0};
        size_t cap = 0;
        /* The intermediate ids are 0..T: one more than the subordinate total. */
        const struct idmap_range *last = &inter->ranges[inter->n - 1];
        uint64_t n_inter = range_end(last->container_id, last->size);

        if (n == 0)
                return error_make(err, 0, "no id ranges");
        for (size_t i = 0; i < n; i++) {
                const struct idmap_range *r = &req[i];

                if (r->size == 0) {
                        idmap_clear(&map);
                        return error_make(err, 0, "range %u:%u:%u: the count must be at least 1", r->container_id,
                                          r->host_id, r->size);
                }
                if (range_end(r->container_id, r->size) > UINT32_MAX) {
                        idmap_clear(&map);
                        return error_make(err, 0, "range %u:%u:%u: container ids overflow 32 bits", r->container_id,
                                          r->host_id, r->size);
                }
                if (range_end(r->host_id, r->size) > n_inter) {
                        idmap_clear(&map);
                        if (n_inter == 1)
                                return error_make(err, 0,
                                                  "range %u:%u:%u: no subordinate ids are delegated to this user, "
                                                  "only its own id (0) can be mapped",
                                                  r->container_id, r->host_id, r->size);
                        return error_make(err, 0,
                                          "range %u:%u:%u: exceeds the %llu subordinate ids delegated to this user",
                                          r->container_id, r->host_id, r->size, (unsigned long long)(n_inter - 1));
                }
                for (size_t s = 0; s < inter->n; s++) {
                        const struct idmap_range *seg = &inter->ranges[s];
                        uint64_t lo = r->host_id > seg->container_id ? r->host_id : seg->container_id;
                        uint64_t hi = range_end(r->host_id, r->size) < range_end(seg->container_id, seg->size)
                                          ? range_end(r->host_id, r->size)
                                          : range_end(seg->container_id, seg->size);

                        if (lo >= hi)
                                continue;
                        if (map.n == IDMAP_MAX_RANGES) {
                                idmap_clear(&map);
                                return error_make(err, 0, "the id map needs more than %d ranges, the kernel's limit",
                                                  IDMAP_MAX_RANGES);
                        }
                        map_push(&map, &cap, (uint32_t)(r->container_id + (lo - r->host_id)),
                                 (uint32_t)(seg->host_id + (lo - seg->container_id)), (uint32_t)(hi - lo));
                }
        }
        if (idmap_validate(&map, err) < 0) {
                idmap_clear(&map);
                return -1;
        }
        *ret = map;
        return 0;
}

int idmap_build_default(uint32_t caller, const struct idmap_subids *sub, struct idmap *ret, burrow_error **err)
{
        struct idmap map = {0};

        if (intermediate_make(caller, sub, &map, err) < 0)
                return -1;
        if (idmap_validate(&map, err) < 0) {
                idmap_clear(&map);
                return -1;
        }
        *ret = map;
        return 0;
}

int idmap_build_keep_id(uint32_t caller, const struct idmap_subids *sub, struct idmap *ret, burrow_error **err)
{
        struct idmap inter = {0};
        struct idmap_range req[3];
        size_t n = 0;
        uint32_t total;
        int r;

        if (intermediate_make(caller, sub, &inter, err) < 0)
                return -1;
        /* intermediate_make() guarantees the total fits below 2^32 - 1. */
        total = inter.ranges[inter.n - 1].container_id + inter.ranges[inter.n - 1].size - 1;

        /* podman's keep-id: the subordinate ids fill 0..caller-1 (as far as they reach), the caller keeps its id,
         * and what is left of the subordinate ids follows it. */
        if (total > 0 && caller > 0)
                req[n++] = (struct idmap_range){0, 1, total < caller ? total : caller};
        req[n++] = (struct idmap_range){caller, 0, 1};
        if (total > caller)
                req[n++] = (struct idmap_range){caller + 1, caller + 1, total - caller};

        r = translate(req, n, &inter, ret, err);
        idmap_clear(&inter);
        return r;
}

int idmap_build_from_intermediate(const struct idmap_range *req, size_t n, uint32_t caller,
                                  const struct idmap_subids *sub, struct idmap *ret, burrow_error **err)
{
        struct idmap inter = {0};
        int r;

        if (n > IDMAP_MAX_RANGES)
                return error_make(err, 0, "%zu ranges; the kernel accepts at most %d", n, IDMAP_MAX_RANGES);
        if (intermediate_make(caller, sub, &inter, err) < 0)
                return -1;
        r = translate(req, n, &inter, ret, err);
        idmap_clear(&inter);
        return r;
}

int idmap_validate(const struct idmap *map, burrow_error **err)
{
        if (map == NULL || map->n == 0)
                return error_make(err, 0, "the id map is empty");
        if (map->n > IDMAP_MAX_RANGES)
                return error_make(err, 0, "the id map has %zu ranges; the kernel accepts at most %d", map->n,
                                  IDMAP_MAX_RANGES);
        for (size_t i = 0; i < map->n; i++) {
                const struct idmap_range *r = &map->ranges[i];

                if (r->size == 0)
                        return error_make(err, 0, "range %u:%u:%u: the count is 0", r->container_id, r->host_id,
                                          r->size);
                /* The kernel refuses ranges whose end wraps, which also keeps (uid_t)-1 unmapped. */
                if (range_end(r->container_id, r->size) > UINT32_MAX)
                        return error_make(err, 0, "range %u:%u:%u: container ids overflow 32 bits", r->container_id,
                                          r->host_id, r->size);
                if (range_end(r->host_id, r->size) > UINT32_MAX)
                        return error_make(err, 0, "range %u:%u:%u: host ids overflow 32 bits", r->container_id,
                                          r->host_id, r->size);
                for (size_t j = 0; j < i; j++) {
                        const struct idmap_range *o = &map->ranges[j];

                        if (ranges_overlap(r->container_id, r->size, o->container_id, o->size))
                                return error_make(err, 0, "ranges %u:%u:%u and %u:%u:%u: container ids overlap",
                                                  o->container_id, o->host_id, o->size, r->container_id, r->host_id,
                                                  r->size);
                        if (ranges_overlap(r->host_id, r->size, o->host_id, o->size))
                                return error_make(err, 0, "ranges %u:%u:%u and %u:%u:%u: host ids overlap",
                                                  o->container_id, o->host_id, o->size, r->container_id, r->host_id,
                                                  r->size);
                }
        }
        return 0;
}

bool idmap_to_host(const struct idmap *map, uint32_t container_id, uint32_t *ret_host)
{
        for (size_t i = 0; map != NULL && i < map->n; i++) {
                const struct idmap_range *r = &map->ranges[i];

                if (container_id >= r->container_id && container_id < range_end(r->container_id, r->size)) {
                        if (ret_host)
                                *ret_host = r->host_id + (container_id - r->container_id);
                        return true;
                }
        }
        return false;
}

bool idmap_is_single(const struct idmap *map, uint32_t caller)
{
        return map != NULL && map->n == 1 && map->ranges[0].size == 1 && map->ranges[0].host_id == caller;
}

char *idmap_format(const struct idmap *map)
{
        /* "4294967295 4294967295 4294967295\n" is 33 bytes. */
        size_t n = map ? map->n : 0, len = 0;
        char *buf = xmalloc(n * 34 + 1);

        for (size_t i = 0; i < n; i++)
                len += (size_t)sprintf(buf + len, "%u %u %u\n", map->ranges[i].container_id, map->ranges[i].host_id,
                                       map->ranges[i].size);
        buf[len] = '\0';
        return buf;
}

void idmap_clear(struct idmap *map)
{
        if (map == NULL)
                return;
        free(map->ranges);
        map->ranges = NULL;
        map->n = 0;
}

void idmap_subids_clear(struct idmap_subids *sub)
{
        if (sub == NULL)
                return;
        free(sub->ranges);
        sub->ranges = NULL;
        sub->n = 0;
}
