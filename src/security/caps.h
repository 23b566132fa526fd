/* Capabilities: the default set as data, --cap-add/--cap-drop, and applying a set to the workload (libcap). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"
#include "util/strv.h"

/* A set of capabilities as a bitmask of (1ULL << CAP_X). */
typedef uint64_t caps_mask;

/* podman's default allowlist for containers. */
caps_mask caps_default(void);

/* Every capability the running kernel knows. */
caps_mask caps_all(void);

/* Parses one capability name: "NET_ADMIN", "cap_net_admin" and "Cap_Net_Admin" are the same; "ALL" is every one. */
int caps_parse_name(const char *name, caps_mask *ret, burrow_error **err);

/* The workload's set: start from `base`, then remove --cap-drop names, then add --cap-add names (docker's order:
 * `--cap-drop ALL --cap-add CHOWN` leaves only CHOWN). *ret_added gets what --cap-add named. */
int caps_resolve(caps_mask base, const strv *add, const strv *drop, caps_mask *ret, caps_mask *ret_added,
                 burrow_error **err);

/* Drops every capability outside `keep` from the bounding set (needs CAP_SETPCAP, so call it before the uid change). */
int caps_drop_bounding(caps_mask keep, burrow_error **err);

/* Sets the process's sets after the uid change (which PR_SET_KEEPCAPS survived): root gets `caps` as permitted and
 * effective, with an empty inheritable set; another user gets only `ambient` (docker's rule for non-root users: no
 * effective capabilities unless added explicitly), raised into the ambient set so that it survives execve. */
int caps_apply(caps_mask caps, bool is_root, caps_mask ambient, burrow_error **err);

/* "CAP_CHOWN CAP_KILL ..." for messages and inspect; the caller frees it. */
char *caps_format(caps_mask caps);
