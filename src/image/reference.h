/* Image references as podman reads them for local images: [REGISTRY/]PATH[:TAG][@sha256:HEX]. A reference without a
 * registry part is named localhost/PATH, and one with neither tag nor digest gets the tag "latest". */
#pragma once

#include <stdbool.h>

#include "util/error.h"

/* Longest reference we accept (docker's limit on the name is 255; the tag and digest come on top). */
#define REFERENCE_MAX 512

typedef struct image_reference {
        char *name;             /* "localhost/foo", "quay.io/a/b": always with a registry */
        char *tag;              /* "latest" when neither tag nor digest was given; NULL with a digest alone */
        char *digest;           /* NULL or "sha256:<hex>" */
        bool explicit_registry; /* the user wrote the registry part */
} image_reference;

/* Parses and normalizes a reference; errors name the part that is wrong. */
int reference_parse(const char *s, image_reference *ret, burrow_error **err);
/* Frees the members; accepts a zeroed reference. */
void reference_clear(image_reference *ref);
/* "NAME:TAG" for a parsed reference with a tag (the form stored as an image's name), or NULL. */
char *reference_name_tag(const image_reference *ref);
/* Parses s and returns the normalized "NAME:TAG" form; a digest is refused (a name must have a tag). */
int reference_normalize(const char *s, char **ret, burrow_error **err);
/* True when the user's reference names the stored "NAME:TAG": the full name, or, when the user gave no registry, the
 * path under any registry (docker.io's library/ included); without a tag in the reference, the tag must be latest. */
bool reference_matches_name(const image_reference *ref, const char *stored);
/* True when s can only be an image id (prefix): 3..64 lowercase hex digits, optionally after "sha256:". */
bool reference_looks_like_id(const char *s);
