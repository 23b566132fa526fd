/* What the config.json parser's two files share: oci.c (the helpers, process, mounts, hooks, the whole) and
 * oci-linux.c (the linux object). Each getter checks one JSON value and returns -1 with an error naming the field
 * (`config.json: PATH: ...`) when it is not what the spec says. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spec/spec.h"
#include "util/error.h"
#include "util/strv.h"

#define OCI_MAX_LIST 4096 /* args, env, annotations, sysctl, paths, hook args and env */

#define OCI_ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
/* The path of a field for messages, into a local buffer (cut when longer: it only names the field). */
#define OCI_SUB(buf, ...) oci_sub_path(buf, sizeof(buf), __VA_ARGS__)
/* Some of the input for a message: quoted, control characters escaped, cut after 48 bytes (at a character boundary),
 * so that errors stay one short line. */
#define OCI_Q(s) oci_quote_into((char[52 * 4 + 8]){0}, (s))

/* printf into buf of size bytes, cut when longer; returns buf. Use OCI_SUB. */
char *oci_sub_path(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* s quoted and escaped into out (at least 52 * 4 + 8 bytes); returns out. Use OCI_Q. */
const char *oci_quote_into(char *out, const char *s);

/* Sets err to `config.json: PATH: MESSAGE` and returns -1. */
int oci_bad(burrow_error **err, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A member, or NULL when it is missing or null (runtimes treat null as absent, as Go's decoder does). */
json_object *oci_member(json_object *obj, const char *key);
/* Checks that v is of type t. */
int oci_want(json_object *v, json_type t, const char *path, burrow_error **err);
/* A string of at most 64 KiB without NUL characters, borrowed from v. */
int oci_get_str(json_object *v, const char *path, const char **ret, burrow_error **err);
/* A non-negative integer up to max. */
int oci_get_uint(json_object *v, const char *path, uint64_t max, uint64_t *ret, burrow_error **err);
/* An integer from min to max. */
int oci_get_int(json_object *v, const char *path, int64_t min, int64_t max, int64_t *ret, burrow_error **err);
/* An array of at most max entries; their number into ret_n. */
int oci_get_array(json_object *v, const char *path, size_t max, size_t *ret_n, burrow_error **err);
/* An object with at most max members. */
int oci_get_map(json_object *v, const char *path, size_t max, burrow_error **err);
/* An absolute path, cleaned (allocated). */
int oci_get_path(json_object *v, const char *path, char **ret, burrow_error **err);

enum oci_list_kind { OCI_LIST_ANY, OCI_LIST_ENV, OCI_LIST_PATHS };
/* Appends an array of strings to out; env entries must be KEY=VALUE, paths absolute (and are cleaned). */
int oci_get_list(json_object *v, const char *path, enum oci_list_kind kind, strv *out, burrow_error **err);
/* Members whose presence asks for something we do not do (keys ends with NULL); an empty value asks for nothing. */
int oci_refuse(json_object *obj, const char *path, const char *const *keys, burrow_error **err);

/* The propagation (MS_PRIVATE, ..., with MS_REC for the r* forms) that a mount option such as "rslave" names; false
 * when it names none. */
bool oci_mount_propagation(const char *name, unsigned long *ret);

/* The namespace of type flag (CLONE_NEW*) in oci->namespaces, or NULL. */
const struct spec_namespace *oci_find_namespace(const struct spec_oci *oci, int flag);
/* The linux object into spec (oci-linux.c). */
int oci_parse_linux(json_object *l, struct burrow_spec *spec, burrow_error **err);
