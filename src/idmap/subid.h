/* Subordinate id lookup through shadow's libsubid (so /etc/subuid, /etc/subgid and nsswitch sources all count). */
#pragma once

#include <sys/types.h>

#include "idmap/map.h"
#include "util/error.h"

/* The subordinate uid and gid ranges delegated to the user `uid` (empty when there are none or the user has no
 * passwd entry), through libsubid, memoized in the user's runtime directory while the files it reads are unchanged. */
int idmap_lookup_subids(uid_t uid, struct idmap_subids *ret_uids, struct idmap_subids *ret_gids, burrow_error **err);
