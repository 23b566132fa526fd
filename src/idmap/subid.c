#include "idmap/subid.h"

#include <pwd.h>
#include <shadow/subid.h>
#include <stdlib.h>

#include "util/cleanup.h"

static void subids_from_libsubid(const struct subid_range *r, int n, struct idmap_subids *ret)
{
        ret->ranges = NULL;
        ret->n = 0;
        if (n <= 0)
                return;
        ret->ranges = xcalloc((size_t)n, sizeof(*ret->ranges));
        for (int i = 0; i < n; i++) {
                /* Ranges beyond the 32-bit id space cannot be mapped; skip them rather than truncate. */
                if (r[i].count == 0 || r[i].start > UINT32_MAX || r[i].count > UINT32_MAX ||
                    r[i].start + r[i].count - 1 > UINT32_MAX)
                        continue;
                ret->ranges[ret->n].host_id = (uint32_t)r[i].start;
                ret->ranges[ret->n].size = (uint32_t)r[i].count;
                ret->n++;
        }
}

int idmap_lookup_subids(uid_t uid, struct idmap_subids *ret_uids, struct idmap_subids *ret_gids, burrow_error **err)
{
        struct subid_range *ranges = NULL;
        struct passwd *pw;
        int n;

        (void)err;
        *ret_uids = (struct idmap_subids){0};
        *ret_gids = (struct idmap_subids){0};
        pw = getpwuid(uid);
        if (pw == NULL)
                return 0;
        /* libsubid prints diagnostics on its log stream; burrow reports one line of its own instead. */
        subid_init("burrow", NULL);
        n = subid_get_uid_ranges(pw->pw_name, &ranges);
        subids_from_libsubid(ranges, n, ret_uids);
        free(ranges);
        ranges = NULL;
        n = subid_get_gid_ranges(pw->pw_name, &ranges);
        subids_from_libsubid(ranges, n, ret_gids);
        free(ranges);
        return 0;
}
