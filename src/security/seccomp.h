/* Seccomp profiles in the Docker/OCI JSON format (parsed with json-c, validated once) and their compilation into a
 * libseccomp filter for the native architecture and its compat ABIs. The filter is loaded last, just before execve,
 * after capabilities are dropped and no_new_privs is set. Each function returns 0, or -1 with *err set. */
#pragma once

#include <linux/filter.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* Largest profile we read (the caller reads the file; the parser enforces it). */
#define SECCOMP_PROFILE_MAX_SIZE (1024 * 1024)

struct seccomp_profile;

/* The default profile compiled into the binary (the same bytes as the installed datadir/burrow/seccomp.json). */
extern const char seccomp_default_json[];
extern const size_t seccomp_default_json_len;

/* Parses and validates a Docker/OCI profile of len bytes (at most SECCOMP_PROFILE_MAX_SIZE). */
int seccomp_profile_parse(const char *json, size_t len, struct seccomp_profile **ret, burrow_error **err);

/* The engines' profiles (podman's lists some syscalls both in its allow list and, for missing capabilities, as
 * errors) rely on runc's and crun's behaviour, which is libseccomp's: the first unconditional rule of a syscall wins.
 * burrow refuses such a profile of its own (--security-opt seccomp=) rather than let the file's order decide; for
 * `burrow oci` it does what the engines expect. */
void seccomp_profile_first_rule_wins(struct seccomp_profile *p);

/* Parses the compiled-in default profile. */
int seccomp_profile_default(struct seccomp_profile **ret, burrow_error **err);

/* Builds the filter for the workload's capability set caps (bit 1ULL << CAP_X for each capability it keeps). */
int seccomp_profile_compile(const struct seccomp_profile *p, uint64_t caps, scmp_filter_ctx *ret, burrow_error **err);

/* Loads the filter into the calling thread (the caller has set no_new_privs and still owns ctx). */
int seccomp_install(scmp_filter_ctx ctx, burrow_error **err);

/* A filter as the kernel takes it. Generating the BPF is the slow part of libseccomp (about 10 ms for the default
 * profile's three ABIs), so the default profile's filter for the default capabilities is generated at build time
 * (bpfgen.c) and embedded; other profiles and capability sets are generated at run time, before clone. */
struct seccomp_program {
        const struct sock_filter *filter;
        unsigned short len; /* instructions */
        unsigned int flags; /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
        void *owned;        /* what to free, NULL for the embedded program */
};

/* Every capability a rule's includes/excludes mention: two capability sets that agree on these compile alike. */
uint64_t seccomp_profile_caps_used(const struct seccomp_profile *p);

/* True when a rule depends on the running kernel's version (minKernel): such a filter cannot be built ahead. */
bool seccomp_profile_depends_on_kernel(const struct seccomp_profile *p);

/* Generates the BPF of a compiled filter, with the profile's load flags. */
int seccomp_program_from_ctx(scmp_filter_ctx ctx, const struct seccomp_profile *p, struct seccomp_program *ret,
                             burrow_error **err);

/* Compiles and generates the program in a separate process that is killed after timeout_ms: libseccomp 2.5.4 can
 * loop forever on some rule shapes, and a user's profile must not hang the launcher. */
int seccomp_profile_build(const struct seccomp_profile *p, uint64_t caps, int timeout_ms, struct seccomp_program *ret,
                          burrow_error **err);

/* The embedded filter of the default profile, when `caps` compiles to it: returns true and fills *ret. */
bool seccomp_program_default(uint64_t caps, struct seccomp_program *ret);

/* Loads a program with seccomp(2) (needs no_new_privs or CAP_SYS_ADMIN). */
int seccomp_program_install(const struct seccomp_program *prog, burrow_error **err);

void seccomp_program_clear(struct seccomp_program *prog);

/* Frees a profile; accepts NULL. */
void seccomp_profile_free(struct seccomp_profile *p);
