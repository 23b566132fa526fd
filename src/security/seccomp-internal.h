/* The in-memory seccomp profile, shared by its parser (seccomp-profile.c) and its compiler (seccomp.c). */
#pragma once

#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>

#include "security/seccomp.h"
#include "util/strv.h"

#define SECCOMP_ARGS_MAX   6   /* the kernel passes six syscall arguments */
#define SECCOMP_ARCHES_MAX 128 /* 64 archMap entries with their architecture, or 64 "architectures" */

struct seccomp_arg {
        unsigned int index;
        enum scmp_compare op;
        uint64_t value;
        uint64_t value_two;
};

struct seccomp_condition {
        uint64_t caps;           /* capability bits */
        strv arches;             /* GOARCH or kernel names, matched against the native architecture */
        unsigned int min_kernel; /* major << 16 | minor; 0 when unset */
};

struct seccomp_rule {
        strv names;
        uint32_t action;
        struct seccomp_arg args[SECCOMP_ARGS_MAX];
        size_t n_args;
        struct seccomp_condition includes;
        struct seccomp_condition excludes;
};

struct seccomp_arch {
        uint32_t token;  /* libseccomp's; 0 for an architecture this libseccomp does not support */
        uint32_t parent; /* the archMap entry it came from; 0 when listed in "architectures" */
};

struct seccomp_profile {
        uint32_t default_action;
        struct seccomp_arch arches[SECCOMP_ARCHES_MAX];
        size_t n_arches;
        bool tsync, log, spec_allow;
        bool first_rule_wins; /* OCI: a later unconditional rule with another action is dropped, as libseccomp does */
        struct seccomp_rule *rules;
        size_t n_rules;
};

/* A profile's architecture name with libseccomp's token and the names includes/excludes.arches use for it. */
struct seccomp_arch_name {
        const char *name; /* SCMP_ARCH_* */
        uint32_t token;   /* 0 when this libseccomp does not support it */
        const char *goarch;
        const char *kernel;
};

/* The names of a libseccomp architecture token, or NULL. */
const struct seccomp_arch_name *seccomp_arch_name_of(uint32_t token);
