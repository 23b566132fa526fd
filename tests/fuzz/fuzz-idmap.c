/* parse_idmap() and the map builders, with subordinate ranges and the caller's id decoded from the input.
 * Input: FLAGS(1) CALLER(4) NSUB(1) NSUB x {START(4) COUNT(4)} then text: one --uidmap argument per line.
 * With FLAGS bit 0 the numbers are 16-bit values (little endian in 4 bytes), so that ranges collide often. */
#include <stdbool.h>

#include "fuzz.h"
#include "idmap/map.h"
#include "spec/parse.h"

#define MAX_SUB      64
#define MAX_REQUESTS 64

struct reader {
        const uint8_t *p;
        size_t left;
};

static uint32_t read_u32(struct reader *r, bool small)
{
        uint32_t v = 0;

        for (int i = 0; i < 4 && r->left > 0; i++, r->p++, r->left--)
                v |= (uint32_t)r->p[0] << (8 * i);
        return small ? v & 0xffff : v;
}

static uint8_t read_u8(struct reader *r)
{
        uint8_t v = 0;

        if (r->left > 0) {
                v = r->p[0];
                r->p++;
                r->left--;
        }
        return v;
}

/* Every host id of a successfully built map is the caller's or lies inside one subordinate range, and the map is
 * what the kernel accepts. */
static void check_map(const struct idmap *map, uint32_t caller, const struct idmap_subids *sub)
{
        burrow_error *err = NULL;
        char *text;
        size_t lines = 0;

        FUZZ_ASSERT(idmap_validate(map, &err) == 0);
        FUZZ_ASSERT(map->n >= 1 && map->n <= IDMAP_MAX_RANGES);
        for (size_t i = 0; i < map->n; i++) {
                const struct idmap_range *r = &map->ranges[i];
                uint64_t end = (uint64_t)r->host_id + r->size;
                bool inside = r->host_id == caller && r->size == 1;
                uint32_t host;

                for (size_t s = 0; s < sub->n && !inside; s++)
                        inside = r->host_id >= sub->ranges[s].host_id &&
                                 end <= (uint64_t)sub->ranges[s].host_id + sub->ranges[s].size;
                FUZZ_ASSERT(inside);
                FUZZ_ASSERT(idmap_to_host(map, r->container_id, &host) && host == r->host_id);
                FUZZ_ASSERT(idmap_to_host(map, r->container_id + r->size - 1, &host) && host == end - 1);
        }
        text = idmap_format(map);
        for (const char *p = text; *p; p++)
                lines += *p == '\n';
        FUZZ_ASSERT(lines == map->n);
        free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct reader r = {data, size};
        struct idmap_range sub_ranges[MAX_SUB], req[MAX_REQUESTS];
        struct idmap_subids sub = {sub_ranges, 0};
        struct idmap map = {0};
        burrow_error *err = NULL;
        size_t n_req = 0;
        uint8_t flags = read_u8(&r);
        bool small = flags & 1;
        uint32_t caller = read_u32(&r, small), total;
        char *text, *line, *save = NULL;

        sub.n = read_u8(&r) % (MAX_SUB + 1);
        for (size_t i = 0; i < sub.n; i++) {
                sub_ranges[i].container_id = 0;
                sub_ranges[i].host_id = read_u32(&r, small);
                sub_ranges[i].size = read_u32(&r, small);
        }
        total = idmap_subids_total(&sub);

        if (idmap_build_default(caller, &sub, &map, &err) == 0) {
                uint32_t host;
                check_map(&map, caller, &sub);
                FUZZ_ASSERT(idmap_to_host(&map, 0, &host) && host == caller);
                FUZZ_ASSERT(idmap_is_single(&map, caller) == (total == 0));
                idmap_clear(&map);
        } else {
                FUZZ_ASSERT(err != NULL && map.ranges == NULL);
                error_free(&err);
        }

        if (idmap_build_keep_id(caller, &sub, &map, &err) == 0) {
                uint32_t host;
                check_map(&map, caller, &sub);
                FUZZ_ASSERT(idmap_to_host(&map, caller, &host) && host == caller);
                idmap_clear(&map);
        } else {
                FUZZ_ASSERT(err != NULL && map.ranges == NULL);
                error_free(&err);
        }

        text = fuzz_strndup(r.p, r.left);
        for (line = strtok_r(text, "\n", &save); line != NULL && n_req < MAX_REQUESTS;
             line = strtok_r(NULL, "\n", &save)) {
                if (parse_idmap(line, &req[n_req], &err) == 0) {
                        FUZZ_ASSERT(req[n_req].size >= 1);
                        FUZZ_ASSERT((uint64_t)req[n_req].container_id + req[n_req].size <= UINT32_MAX);
                        FUZZ_ASSERT((uint64_t)req[n_req].host_id + req[n_req].size <= UINT32_MAX);
                        n_req++;
                } else {
                        FUZZ_ASSERT(err != NULL);
                        error_free(&err);
                }
        }
        free(text);

        if (idmap_build_from_intermediate(req, n_req, caller, &sub, &map, &err) == 0) {
                uint64_t want = 0;
                check_map(&map, caller, &sub);
                /* Splitting keeps every requested id: the sizes add up. */
                for (size_t i = 0; i < n_req; i++)
                        want += req[i].size;
                for (size_t i = 0; i < map.n; i++)
                        want -= map.ranges[i].size;
                FUZZ_ASSERT(want == 0);
                idmap_clear(&map);
        } else {
                FUZZ_ASSERT(err != NULL && map.ranges == NULL);
                error_free(&err);
        }
        return 0;
}
