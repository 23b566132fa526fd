/* Resolution of -u inside the container's own /etc/passwd and /etc/group (read after pivot_root). */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "spec/spec.h"
#include "util/error.h"

struct user_resolved {
        uid_t uid;
        gid_t gid;
        gid_t *groups; /* supplementary groups, from /etc/group membership of the user's name */
        size_t n_groups;
        char *home; /* "/" when the user has no passwd entry */
};

/* Resolves the user as docker/runc do: a name must exist in passwd; a number need not (then gid 0, home "/");
 * a group name must exist in group. Missing files count as empty. */
int user_resolve(const struct spec_user *user, const char *passwd_path, const char *group_path,
                 struct user_resolved *ret, burrow_error **err);

void user_resolved_clear(struct user_resolved *u);
