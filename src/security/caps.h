/* Capabilities: the default set as data, --cap-add/--cap-drop, and applying a set to the workload (libcap). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <strings.h>

#include "util/error.h"
#include "util/strv.h"

/* A set of capabilities as a bitmask of (1ULL << CAP_X). */
typedef uint64_t caps_mask;

/* podman's default allowlist for containers. */
caps_mask caps_default(void);

/* Every capability the running kernel knows. */
caps_mask caps_all(void);

/* The number of a capability spelled "CAP_NAME" (as OCI's config.json and seccomp profiles do; case-insensitive), or
 * -1. Pure data, without libcap, so that the spec parsers and their fuzz targets need not link caps.c; whether the
 * running kernel knows the capability is for caps_all() to say. */
static inline int caps_number_from_name(const char *name)
{
        /* By number, as in <linux/capability.h>. */
        /* clang-format off */
        static const char *const names[] = {
            "CAP_CHOWN",          "CAP_DAC_OVERRIDE",    "CAP_DAC_READ_SEARCH",  "CAP_FOWNER",
            "CAP_FSETID",         "CAP_KILL",            "CAP_SETGID",           "CAP_SETUID",
            "CAP_SETPCAP",        "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
            "CAP_NET_ADMIN",      "CAP_NET_RAW",         "CAP_IPC_LOCK",         "CAP_IPC_OWNER",
            "CAP_SYS_MODULE",     "CAP_SYS_RAWIO",       "CAP_SYS_CHROOT",       "CAP_SYS_PTRACE",
            "CAP_SYS_PACCT",      "CAP_SYS_ADMIN",       "CAP_SYS_BOOT",         "CAP_SYS_NICE",
            "CAP_SYS_RESOURCE",   "CAP_SYS_TIME",        "CAP_SYS_TTY_CONFIG",   "CAP_MKNOD",
            "CAP_LEASE",          "CAP_AUDIT_WRITE",     "CAP_AUDIT_CONTROL",    "CAP_SETFCAP",
            "CAP_MAC_OVERRIDE",   "CAP_MAC_ADMIN",       "CAP_SYSLOG",           "CAP_WAKE_ALARM",
            "CAP_BLOCK_SUSPEND",  "CAP_AUDIT_READ",      "CAP_PERFMON",          "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE",
        };
        /* clang-format on */

        for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
                if (strcasecmp(name, names[i]) == 0)
                        return i;
        return -1;
}

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
