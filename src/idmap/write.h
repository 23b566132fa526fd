/* Writing a child's uid_map/gid_map from the parent: through the setuid newuidmap/newgidmap when subordinate ids are
 * involved, directly (after "deny" to setgroups) for the single mapping of the caller's own ids. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "idmap/map.h"
#include "util/error.h"

/* Writes both maps of process `pid`. Returns whether setgroups(2) stays usable in the namespace via
 * *ret_setgroups_allowed (false after a direct gid_map write, which requires "deny"). */
int idmap_write_maps(pid_t pid, uid_t caller_uid, gid_t caller_gid, const struct idmap *uidmap,
                     const struct idmap *gidmap, bool *ret_setgroups_allowed, burrow_error **err);
