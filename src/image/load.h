/* Importers into the image store: an OCI image layout directory, an oci-archive or docker-archive (from a file or
 * stdin), and a root filesystem tarball (`burrow import`). All take the store open for writing (exclusive lock); on
 * any error the store is left as it was: unverified data never leaves tmp/, and blobs of a failed import are
 * collected before returning. */
#pragma once

#include <stdbool.h>

#include "image/store.h"
#include "util/error.h"
#include "util/strv.h"

typedef struct load_options {
        bool progress; /* report blobs on stderr */
} load_options;

/* Loads an OCI layout directory; appends the names of the loaded images (or "sha256:<id>" for unnamed ones) to
 * ret_loaded. */
int load_oci_dir(image_store *store, const char *dir, const load_options *opts, strv *ret_loaded, burrow_error **err);
/* Loads an oci-archive or docker-archive (optionally compressed as a whole) from path, or stdin for "-". */
int load_archive(image_store *store, const char *path, const load_options *opts, strv *ret_loaded, burrow_error **err);
/* Makes a one-layer image from a root filesystem tarball (tar, tar.gz, tar.zst, from a file or "-") named name
 * (normalized; NULL for none); returns the image id (64 hex). */
int load_import_rootfs(image_store *store, const char *path, const char *name, const load_options *opts, char **ret_id,
                       burrow_error **err);
