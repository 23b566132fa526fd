/* The vfs storage driver: a container's root filesystem made by copying the image's extracted layers into one plain
 * directory, bottom layer first, as podman's vfs driver does. The last resort where neither the kernel's overlay nor
 * fuse-overlayfs can be mounted; it costs a full copy per container. In the core library (no namespace of its own:
 * extract.c runs it inside the user namespace that owns the layers' subordinate ids).
 *
 * Applying a layer gives its markers their overlay meaning (whiteout.h): a character device 0:0 deletes the entry of
 * the same name below it, a directory with user.overlay.opaque=y hides everything the lower layers had in it, a
 * directory over a non-directory (or the reverse) replaces it. Owners, modes (setuid/setgid included), xattrs, times,
 * symlinks and the layer's hardlinks are kept; the drivers' own xattrs are not copied. Nothing is followed: every
 * destination is opened relative to its parent with O_NOFOLLOW. */
#pragma once

#include <stdint.h>

#include "util/error.h"

struct vfs_result {
        uint64_t entries;        /* files, directories, links copied */
        uint64_t bytes;          /* regular file data copied */
        uint64_t chown_ignored;  /* owners the namespace cannot represent (single-id mapping): left to root */
        uint64_t xattrs_skipped; /* xattrs the destination file system refused */
};

/* Copies the extracted layer at `layerfd` (a directory) onto the directory `rootfd`, adding to *result. On failure what
 * was copied stays; the caller removes the whole root. */
int vfs_apply_layer(int layerfd, int rootfd, struct vfs_result *result, burrow_error **err);
