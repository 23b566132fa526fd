/* The image store: $XDG_DATA_HOME/burrow (or --root / $BURROW_ROOT), laid out as
 *   store.lock                  flock: shared for readers, exclusive for writers
 *   blobs/sha256/<hex>          every blob (manifests, configs, layer tarballs), named by its verified digest
 *   images/<config-hex>.json    one record per image (names, digests, layers)
 *   layers/<diffid-hex>/diff/   extracted layers (the wrapper directory is ours, diff/ may belong to a subordinate
 *                               id), shared by every image that contains them
 *   tmp/                        work area of the writer holding the lock; emptied when a writer takes the lock
 * Nothing is ever written in place: a file is written under tmp/, fsync'd, and renamed into place. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "image/digest.h"
#include "util/error.h"
#include "util/strv.h"

typedef struct image_store {
        char *root;
        int root_fd;
        int lock_fd;
        bool writable;
} image_store;

typedef struct store_layer {
        char *digest; /* of the blob as stored (possibly compressed) */
        char *diff_id;
        char *media_type;
        int64_t size;
} store_layer;

typedef struct image_record {
        char *id; /* hex of the config digest */
        strv names;
        char *manifest_digest;
        char *config_digest;
        char *created; /* from the config, or NULL */
        int64_t size;  /* config + layer blobs */
        store_layer *layers;
        size_t n_layers;
} image_record;

typedef struct blob_writer {
        image_store *store;
        int fd;
        char *tmp_name; /* under tmp/ */
        digest_ctx digest;
} blob_writer;

/* The store directory: $BURROW_ROOT, else $XDG_DATA_HOME/burrow, else ~/.local/share/burrow. */
int store_default_root(char **ret, burrow_error **err);
/* Creates the layout when missing and takes the lock (exclusive when writable). */
int store_open(const char *root, bool writable, image_store **ret, burrow_error **err);
/* Releases the lock; accepts NULL. */
void store_close(image_store *store);

/* Streams a new blob into tmp/; commit verifies the digest (when expected is not NULL), fsyncs and renames it into
 * place. A failed commit or an abort leaves nothing. */
int store_blob_begin(image_store *store, blob_writer *w, burrow_error **err);
int store_blob_write(blob_writer *w, const void *buf, size_t len, burrow_error **err);
int store_blob_commit(blob_writer *w, const char *expected, char ret_digest[static DIGEST_STRING_LEN + 1],
                      uint64_t *ret_size, burrow_error **err);
void store_blob_abort(blob_writer *w);
/* Copies fd to EOF into a blob (see store_blob_commit). */
int store_put_blob_fd(image_store *store, int fd, const char *expected, char ret_digest[static DIGEST_STRING_LEN + 1],
                      uint64_t *ret_size, burrow_error **err);
int store_put_blob_buffer(image_store *store, const void *buf, size_t len,
                          char ret_digest[static DIGEST_STRING_LEN + 1], burrow_error **err);
/* Moves a file that is already under tmp/ (tmp_dirfd, name) into the blobs after verifying it; the store's own
 * files only (a rename, no copy). */
int store_adopt_blob(image_store *store, int tmp_dirfd, const char *name, const char *expected,
                     char ret_digest[static DIGEST_STRING_LEN + 1], uint64_t *ret_size, burrow_error **err);
bool store_has_blob(image_store *store, const char *digest);
int store_open_blob(image_store *store, const char *digest, int *ret_fd, burrow_error **err);
int store_read_blob(image_store *store, const char *digest, size_t max, char **ret_buf, size_t *ret_len,
                    burrow_error **err);
/* Creates a unique directory under tmp/ and returns its fd and name. */
int store_make_tmp_dir(image_store *store, int *ret_fd, char **ret_name, burrow_error **err);
/* Removes a directory tree under the store root (relative path), without following symlinks. */
int store_remove_tree(image_store *store, const char *relpath, burrow_error **err);

/* Writes (or merges into) the record of an image; its names are taken away from any other image. */
int store_add_image(image_store *store, const image_record *record, burrow_error **err);
/* Every record, sorted newest first. */
int store_list_images(image_store *store, image_record **ret, size_t *ret_n, burrow_error **err);
/* Finds the image a user's reference names: id prefix, NAME[:TAG], localhost/ omitted, or NAME@digest. */
int store_resolve(image_store *store, const char *reference, image_record *ret, burrow_error **err);
/* Adds a (normalized) name to an image. */
int store_tag(image_store *store, const char *id, const char *name, burrow_error **err);
/* Removes one name from an image; the image itself goes when it has no name left (and remove_if_unnamed). */
int store_untag(image_store *store, const char *id, const char *name, burrow_error **err);
/* Removes an image's record, then every blob and layer no record references any more. */
int store_remove_image(image_store *store, const char *id, burrow_error **err);
/* Removes the blobs and layers no record references. */
int store_gc(image_store *store, burrow_error **err);

void image_record_clear(image_record *r);
void image_records_free(image_record *records, size_t n);
