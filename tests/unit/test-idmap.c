/* Id mapping arithmetic: the default map, keep-id, --uidmap translation, validation and formatting. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idmap/map.h"
#include "unit.h"

#define R(c, h, n) ((struct idmap_range){(c), (h), (n)})

/* Subordinate ranges as /etc/subuid lists them: start, count. */
#define SUBIDS(...)                                                                                                    \
        ((struct idmap_subids){(struct idmap_range[]){__VA_ARGS__},                                                    \
                               sizeof((struct idmap_range[]){__VA_ARGS__}) / sizeof(struct idmap_range)})
#define SUB(start, count) R(0, (start), (count))

static const struct idmap_subids no_subids = {NULL, 0};

/* Compares a map with its uid_map text. */
static void check_map(const struct idmap *map, const char *want)
{
        char *text = idmap_format(map);
        CHECK_STREQ(text, want);
        free(text);
}

static void subids_total_sums_and_saturates(void)
{
        struct idmap_subids one = SUBIDS(SUB(100000, 65536));
        struct idmap_subids two = SUBIDS(SUB(100000, 65536), SUB(300000, 1000));
        struct idmap_subids huge = SUBIDS(SUB(0, 4000000000u), SUB(0, 4000000000u));

        CHECK(idmap_subids_total(&no_subids) == 0);
        CHECK(idmap_subids_total(NULL) == 0);
        CHECK(idmap_subids_total(&one) == 65536);
        CHECK(idmap_subids_total(&two) == 66536);
        CHECK(idmap_subids_total(&huge) == UINT32_MAX);
}

static void default_maps_root_to_caller_then_subids(void)
{
        struct idmap_subids sub = SUBIDS(SUB(100000, 65536), SUB(300000, 1000));
        struct idmap map = {0};
        burrow_error *err = NULL;
        uint32_t host;

        CHECK_OK(idmap_build_default(1000, &sub, &map, &err), &err);
        check_map(&map, "0 1000 1\n1 100000 65536\n65537 300000 1000\n");
        CHECK(idmap_to_host(&map, 0, &host) && host == 1000);
        CHECK(idmap_to_host(&map, 1, &host) && host == 100000);
        CHECK(idmap_to_host(&map, 65536, &host) && host == 165535);
        CHECK(idmap_to_host(&map, 65537, &host) && host == 300000);
        CHECK(idmap_to_host(&map, 66536, &host) && host == 300999);
        CHECK(!idmap_to_host(&map, 66537, &host));
        CHECK(!idmap_is_single(&map, 1000));
        idmap_clear(&map);
        CHECK(map.ranges == NULL && map.n == 0);
}

static void default_without_subids_is_single(void)
{
        struct idmap_subids empty_ranges = SUBIDS(SUB(100000, 0));
        struct idmap map = {0};
        burrow_error *err = NULL;

        CHECK_OK(idmap_build_default(1000, &no_subids, &map, &err), &err);
        check_map(&map, "0 1000 1\n");
        CHECK(idmap_is_single(&map, 1000));
        CHECK(!idmap_is_single(&map, 1001));
        idmap_clear(&map);

        CHECK_OK(idmap_build_default(1000, NULL, &map, &err), &err);
        check_map(&map, "0 1000 1\n");
        idmap_clear(&map);

        /* A zero-sized subordinate range delegates nothing. */
        CHECK_OK(idmap_build_default(1000, &empty_ranges, &map, &err), &err);
        check_map(&map, "0 1000 1\n");
        idmap_clear(&map);
}

static void builders_reject_insane_subids(void)
{
        struct idmap_subids overlap = SUBIDS(SUB(100000, 65536), SUB(165535, 10));
        struct idmap_subids with_caller = SUBIDS(SUB(900, 200));
        struct idmap_subids overflow = SUBIDS(SUB(4294967290u, 10));
        struct idmap_subids ends_at_max = SUBIDS(SUB(4294967290u, 5));
        struct idmap map = {0};
        burrow_error *err = NULL;

        CHECK_ERROR(idmap_build_default(1000, &overlap, &map, &err), &err,
                    "subordinate ranges 100000:65536 and 165535:10 overlap");
        CHECK_ERROR(idmap_build_keep_id(1000, &overlap, &map, &err), &err, "overlap");
        CHECK_ERROR(idmap_build_default(1000, &with_caller, &map, &err), &err,
                    "subordinate range 900:200 contains the user's own id 1000");
        CHECK_ERROR(idmap_build_default(1000, &overflow, &map, &err), &err,
                    "subordinate range 4294967290:10 overflows 32 bits");
        CHECK_ERROR(idmap_build_default(UINT32_MAX, &no_subids, &map, &err), &err, "invalid caller id");
        CHECK(map.ranges == NULL);
        CHECK_OK(idmap_build_default(1000, &ends_at_max, &map, &err), &err);
        check_map(&map, "0 1000 1\n1 4294967290 5\n");
        idmap_clear(&map);
}

static void default_rejects_too_many_ranges(void)
{
        struct idmap_subids sub = {calloc(IDMAP_MAX_RANGES, sizeof(struct idmap_range)), IDMAP_MAX_RANGES};
        struct idmap map = {0};
        burrow_error *err = NULL;

        for (size_t i = 0; i < sub.n; i++)
                sub.ranges[i] = SUB(100000 + 10 * (uint32_t)i, 10);
        /* 1 + 340 lines is one too many. */
        CHECK_ERROR(idmap_build_default(1000, &sub, &map, &err), &err, "the kernel accepts at most 340");
        sub.n = IDMAP_MAX_RANGES - 1;
        CHECK_OK(idmap_build_default(1000, &sub, &map, &err), &err);
        CHECK(map.n == IDMAP_MAX_RANGES);
        idmap_clear(&map);
        idmap_subids_clear(&sub);
        CHECK(sub.ranges == NULL && sub.n == 0);
}

static void keep_id_keeps_the_callers_id(void)
{
        struct idmap_subids sub = SUBIDS(SUB(100000, 65536));
        struct idmap map = {0};
        burrow_error *err = NULL;
        uint32_t host;

        /* podman: 0..999 -> first 1000 subordinate ids, 1000 -> caller, 1001..65536 -> the rest. */
        CHECK_OK(idmap_build_keep_id(1000, &sub, &map, &err), &err);
        check_map(&map, "0 100000 1000\n1000 1000 1\n1001 101000 64536\n");
        CHECK(idmap_to_host(&map, 1000, &host) && host == 1000);
        CHECK(idmap_to_host(&map, 0, &host) && host == 100000);
        idmap_clear(&map);
}

static void keep_id_splits_across_subordinate_ranges(void)
{
        struct idmap_subids sub = SUBIDS(SUB(100000, 600), SUB(200000, 600));
        struct idmap map = {0};
        burrow_error *err = NULL;

        CHECK_OK(idmap_build_keep_id(1000, &sub, &map, &err), &err);
        check_map(&map, "0 100000 600\n600 200000 400\n1000 1000 1\n1001 200400 200\n");
        idmap_clear(&map);
}

static void keep_id_with_few_or_no_subids(void)
{
        struct idmap_subids small = SUBIDS(SUB(100000, 500));
        struct idmap_subids exact = SUBIDS(SUB(100000, 1000));
        struct idmap map = {0};
        burrow_error *err = NULL;

        CHECK_OK(idmap_build_keep_id(1000, &small, &map, &err), &err);
        check_map(&map, "0 100000 500\n1000 1000 1\n");
        idmap_clear(&map);

        CHECK_OK(idmap_build_keep_id(1000, &exact, &map, &err), &err);
        check_map(&map, "0 100000 1000\n1000 1000 1\n");
        idmap_clear(&map);

        CHECK_OK(idmap_build_keep_id(1000, &no_subids, &map, &err), &err);
        check_map(&map, "1000 1000 1\n");
        CHECK(idmap_is_single(&map, 1000));
        idmap_clear(&map);

        /* root running keep-id: the same as the default map. */
        CHECK_OK(idmap_build_keep_id(0, &small, &map, &err), &err);
        check_map(&map, "0 0 1\n1 100000 500\n");
        idmap_clear(&map);
}

static void from_intermediate_translates_and_splits(void)
{
        struct idmap_subids sub = SUBIDS(SUB(100000, 65536), SUB(300000, 1000));
        struct idmap map = {0};
        burrow_error *err = NULL;
        struct idmap_range whole[] = {R(0, 0, 66537)};
        struct idmap_range cross[] = {R(0, 1, 1), R(10, 65530, 20)};
        struct idmap_range root_only[] = {R(0, 0, 1)};
        struct idmap_range caller_inside[] = {R(1000, 0, 1), R(0, 1, 1000)};

        CHECK_OK(idmap_build_from_intermediate(whole, 1, 1000, &sub, &map, &err), &err);
        check_map(&map, "0 1000 1\n1 100000 65536\n65537 300000 1000\n");
        idmap_clear(&map);

        /* Intermediate ids 65530..65549 cross from the first subordinate range into the second. */
        CHECK_OK(idmap_build_from_intermediate(cross, 2, 1000, &sub, &map, &err), &err);
        check_map(&map, "0 100000 1\n10 165529 7\n17 300000 13\n");
        idmap_clear(&map);

        CHECK_OK(idmap_build_from_intermediate(root_only, 1, 1000, &no_subids, &map, &err), &err);
        check_map(&map, "0 1000 1\n");
        CHECK(idmap_is_single(&map, 1000));
        idmap_clear(&map);

        CHECK_OK(idmap_build_from_intermediate(caller_inside, 2, 1000, &sub, &map, &err), &err);
        check_map(&map, "1000 1000 1\n0 100000 1000\n");
        idmap_clear(&map);
}

static void from_intermediate_rejects_what_was_not_delegated(void)
{
        struct idmap_subids sub = SUBIDS(SUB(100000, 65536));
        struct idmap map = {0};
        burrow_error *err = NULL;
        struct idmap_range too_big[] = {R(0, 1, 70000)};
        struct idmap_range just_over[] = {R(0, 65536, 2)};
        struct idmap_range far[] = {R(0, 4294967294u, 1)};
        struct idmap_range any[] = {R(0, 1, 1)};
        struct idmap_range zero[] = {R(0, 1, 0)};
        struct idmap_range wrap[] = {R(4294967290u, 1, 10)};
        struct idmap_range dup_container[] = {R(0, 0, 1), R(0, 1, 1)};
        struct idmap_range dup_host[] = {R(0, 1, 10), R(100, 5, 1)};

        CHECK_ERROR(idmap_build_from_intermediate(too_big, 1, 1000, &sub, &map, &err), &err,
                    "range 0:1:70000: exceeds the 65536 subordinate ids delegated to this user");
        CHECK_ERROR(idmap_build_from_intermediate(just_over, 1, 1000, &sub, &map, &err), &err, "exceeds the 65536");
        CHECK_ERROR(idmap_build_from_intermediate(far, 1, 1000, &sub, &map, &err), &err, "exceeds");
        CHECK_ERROR(idmap_build_from_intermediate(any, 1, 1000, &no_subids, &map, &err), &err,
                    "range 0:1:1: no subordinate ids are delegated to this user");
        CHECK_ERROR(idmap_build_from_intermediate(zero, 1, 1000, &sub, &map, &err), &err,
                    "range 0:1:0: the count must be at least 1");
        CHECK_ERROR(idmap_build_from_intermediate(wrap, 1, 1000, &sub, &map, &err), &err,
                    "container ids overflow 32 bits");
        CHECK_ERROR(idmap_build_from_intermediate(dup_container, 2, 1000, &sub, &map, &err), &err,
                    "container ids overlap");
        CHECK_ERROR(idmap_build_from_intermediate(dup_host, 2, 1000, &sub, &map, &err), &err, "host ids overlap");
        CHECK_ERROR(idmap_build_from_intermediate(any, 0, 1000, &sub, &map, &err), &err, "no id ranges");
        CHECK(map.ranges == NULL);
}

static void from_intermediate_limits_the_number_of_ranges(void)
{
        /* 400 one-id subordinate ranges; one request spanning them all needs 400 lines. */
        struct idmap_subids sub = {calloc(400, sizeof(struct idmap_range)), 400};
        struct idmap_range all[] = {R(0, 1, 400)};
        struct idmap_range *many = calloc(IDMAP_MAX_RANGES + 1, sizeof(struct idmap_range));
        struct idmap map = {0};
        burrow_error *err = NULL;

        for (size_t i = 0; i < sub.n; i++)
                sub.ranges[i] = SUB(100000 + 2 * (uint32_t)i, 1);
        CHECK_ERROR(idmap_build_from_intermediate(all, 1, 1000, &sub, &map, &err), &err, "needs more than 340 ranges");
        for (uint32_t i = 0; i < IDMAP_MAX_RANGES + 1; i++)
                many[i] = R(i, i, 1);
        CHECK_ERROR(idmap_build_from_intermediate(many, IDMAP_MAX_RANGES + 1, 1000, &sub, &map, &err), &err,
                    "341 ranges; the kernel accepts at most 340");
        idmap_subids_clear(&sub);
        free(many);
}

static void validate_checks_every_rule(void)
{
        struct idmap_range ok[] = {R(0, 1000, 1), R(1, 100000, 65536)};
        struct idmap_range zero[] = {R(0, 1000, 0)};
        struct idmap_range c_overflow[] = {R(4294967295u, 0, 1)};
        struct idmap_range h_overflow[] = {R(0, 4294967000u, 1000)};
        struct idmap_range c_overlap[] = {R(0, 1000, 10), R(9, 2000, 10)};
        struct idmap_range h_overlap[] = {R(0, 1000, 10), R(100, 1009, 1)};
        struct idmap_range adjacent[] = {R(0, 1000, 10), R(10, 1010, 10)};
        struct idmap_range max_end[] = {R(0, 0, 4294967295u)};
        struct idmap map;
        burrow_error *err = NULL;

        map = (struct idmap){ok, 2};
        CHECK_OK(idmap_validate(&map, &err), &err);
        map = (struct idmap){adjacent, 2};
        CHECK_OK(idmap_validate(&map, &err), &err);
        map = (struct idmap){max_end, 1};
        CHECK_OK(idmap_validate(&map, &err), &err);
        map = (struct idmap){NULL, 0};
        CHECK_ERROR(idmap_validate(&map, &err), &err, "the id map is empty");
        CHECK_ERROR(idmap_validate(NULL, &err), &err, "the id map is empty");
        map = (struct idmap){zero, 1};
        CHECK_ERROR(idmap_validate(&map, &err), &err, "range 0:1000:0: the count is 0");
        map = (struct idmap){c_overflow, 1};
        CHECK_ERROR(idmap_validate(&map, &err), &err, "container ids overflow 32 bits");
        map = (struct idmap){h_overflow, 1};
        CHECK_ERROR(idmap_validate(&map, &err), &err, "host ids overflow 32 bits");
        map = (struct idmap){c_overlap, 2};
        CHECK_ERROR(idmap_validate(&map, &err), &err, "ranges 0:1000:10 and 9:2000:10: container ids overlap");
        map = (struct idmap){h_overlap, 2};
        CHECK_ERROR(idmap_validate(&map, &err), &err, "ranges 0:1000:10 and 100:1009:1: host ids overlap");
        map = (struct idmap){calloc(IDMAP_MAX_RANGES + 1, sizeof(struct idmap_range)), IDMAP_MAX_RANGES + 1};
        for (uint32_t i = 0; i < map.n; i++)
                map.ranges[i] = R(i, i, 1);
        CHECK_ERROR(idmap_validate(&map, &err), &err, "the id map has 341 ranges; the kernel accepts at most 340");
        map.n = IDMAP_MAX_RANGES;
        CHECK_OK(idmap_validate(&map, &err), &err);
        idmap_clear(&map);
}

static void format_writes_one_line_per_range(void)
{
        struct idmap_range big[] = {R(4294967294u, 4294967294u, 1), R(0, 0, 4294967294u)};
        struct idmap map = {big, 2};
        struct idmap empty = {NULL, 0};

        check_map(&map, "4294967294 4294967294 1\n0 0 4294967294\n");
        check_map(&empty, "");
        CHECK(!idmap_is_single(&empty, 0));
        CHECK(!idmap_to_host(&empty, 0, NULL));
}

int main(void)
{
        RUN(subids_total_sums_and_saturates);
        RUN(default_maps_root_to_caller_then_subids);
        RUN(default_without_subids_is_single);
        RUN(builders_reject_insane_subids);
        RUN(default_rejects_too_many_ranges);
        RUN(keep_id_keeps_the_callers_id);
        RUN(keep_id_splits_across_subordinate_ranges);
        RUN(keep_id_with_few_or_no_subids);
        RUN(from_intermediate_translates_and_splits);
        RUN(from_intermediate_rejects_what_was_not_delegated);
        RUN(from_intermediate_limits_the_number_of_ranges);
        RUN(validate_checks_every_rule);
        RUN(format_writes_one_line_per_range);
        return unit_finish();
}
