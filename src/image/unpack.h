/* Layer unpacking: the in-process part of safe layer extraction, with no namespace of its own (extract.c runs it inside
 * the user namespace; the fuzz target runs it directly). In the core library.
 *
 * Every member is created relative to the layer root with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) for its
 * parent and *at() calls that never follow the last component, so nothing can be written outside the root whatever
 * the symlinks in the layer say; a member whose parent leaves the root (an absolute symlink, or ".." above it) is
 * rejected (EXDEV) rather than silently redirected. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

struct archive;

#define UNPACK_MAX_MEMBER_SIZE (64ULL << 30)  /* one member's declared size */
#define UNPACK_MAX_TOTAL_SIZE  (256ULL << 30) /* the sum over the layer */
#define UNPACK_MAX_ENTRIES     (1u << 20)
#define UNPACK_MAX_NAME        4096 /* a member's name or link target, as PATH_MAX */
#define UNPACK_DIFF_ID_SIZE    72   /* "sha256:" + 64 hex digits + NUL */

struct unpack_options {
        /* With a single-id mapping only the caller's id exists: a chown to any other id fails, and the file stays
         * owned by root of the namespace (podman's ignore_chown_errors). Counted in chown_ignored. */
        bool ignore_chown_errors;
};

struct unpack_result {
        uint64_t entries;
        uint64_t bytes;           /* declared sizes of the regular files */
        uint64_t devices_skipped; /* block/char devices other than 0:0: they cannot be created unprivileged */
        char first_device[256];   /* the first one's name, for the notice */
        uint64_t chown_ignored;
        uint64_t xattrs_skipped; /* non-user xattrs the file system or the namespace refused */
};

/* True for the layer media types burrow extracts (OCI tar, tar+gzip, tar+zstd; docker's tar.gzip and tar). */
bool unpack_media_type_supported(const char *media_type);

/* Validates a member name (or hardlink target) and returns it normalized, relative to the layer root: no leading "./",
 * no empty or "." components; "" is the root itself. Rejects empty and over-long names, absolute paths and ".."
 * components, with an error naming the member. */
int unpack_clean_path(const char *name, char **ret_path, burrow_error **err);

/* Extracts every member of the opened tar reader `a` into the directory `rootfd` (see above for the rules);
 * adds to *result. On failure, what was written stays: the caller removes it (unpack_remove_contents). */
int unpack_archive(struct archive *a, int rootfd, const struct unpack_options *opts, struct unpack_result *result,
                   burrow_error **err);

/* Reads a layer blob (tar, possibly gzip/zstd/xz-compressed) from blob_fd to EOF, extracts it into rootfd, and returns
 * the sha256 of the uncompressed tar stream ("sha256:<hex>", the layer's diff_id) in ret_diff_id. One pass: a raw
 * reader decompresses, every decompressed byte is hashed on its way to the tar reader, and what the tar reader leaves
 * after the end-of-archive marker is drained into the hash too. */
int unpack_layer_fd(int blob_fd, int rootfd, const struct unpack_options *opts, char ret_diff_id[UNPACK_DIFF_ID_SIZE],
                    struct unpack_result *result, burrow_error **err);

/* Removes the entry `name` of `dirfd`, a whole tree for a directory, without following symlinks; 0 or -1 with errno. */
int unpack_remove_tree_at(int dirfd, const char *name);

/* Removes everything inside the directory `dirfd` (not the directory itself), without following symlinks. */
int unpack_remove_contents(int dirfd, burrow_error **err);
