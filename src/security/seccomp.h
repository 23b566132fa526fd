/* Seccomp profiles in the Docker/OCI JSON format (parsed with json-c, validated once) and their compilation into a
 * libseccomp filter for the native architecture and its compat ABIs. The filter is loaded last, just before execve,
 * after capabilities are dropped and no_new_privs is set. Each function returns 0, or -1 with *err set. */
#pragma once

#include <seccomp.h>
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

/* Parses the compiled-in default profile. */
int seccomp_profile_default(struct seccomp_profile **ret, burrow_error **err);

/* Builds the filter for the workload's capability set caps (bit 1ULL << CAP_X for each capability it keeps). */
int seccomp_profile_compile(const struct seccomp_profile *p, uint64_t caps, scmp_filter_ctx *ret, burrow_error **err);

/* Loads the filter into the calling thread (the caller has set no_new_privs and still owns ctx). */
int seccomp_install(scmp_filter_ctx ctx, burrow_error **err);

/* Frees a profile; accepts NULL. */
void seccomp_profile_free(struct seccomp_profile *p);
