/* Layer extraction inside a user namespace with the caller's full subordinate mapping (podman's default map), so that
 * files owned by uid N in a layer land on disk owned by the matching subordinate id. In the binary. */
#pragma once

#include <stddef.h>

#include "image/unpack.h"
#include "util/error.h"

/* Extracts the layer blob read from blob_fd (from its current offset to EOF; tar, tar+gzip or tar+zstd as media_type
 * says, though the compression is detected from the data) into dest_dir, which it creates and which must not exist.
 * Writes the layer's diff_id (sha256 of the uncompressed tar) to ret_diff_id. Prints one notice line for skipped
 * device nodes and one for owners that could not be mapped (single-id mapping). On failure nothing is left: dest_dir
 * and everything in it are removed. */
int image_extract_layer(int blob_fd, const char *media_type, const char *dest_dir,
                        char ret_diff_id[UNPACK_DIFF_ID_SIZE], burrow_error **err);

/* Removes a directory made by image_extract_layer and everything in it: its files belong to subordinate ids, which only
 * a namespace with the same mapping may remove. */
int image_remove_layer_dir(const char *dir, burrow_error **err);

/* The vfs storage driver: copies the extracted layer directories `layers` (bottom first) onto the empty directory
 * dest_dir, inside a user namespace with the same mapping as extraction (vfs.h). On failure the caller removes
 * dest_dir (image_remove_layer_dir). */
int image_vfs_build(const char *const *layers, size_t n_layers, const char *dest_dir, burrow_error **err);
