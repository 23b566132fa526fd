/* Parsers of the JSON documents of an image: OCI image index, OCI (and docker v2) manifest, image config, and the
 * manifest.json of a docker-archive. All of them are untrusted input: sizes, counts and nesting are bounded, and every
 * error names the field ("manifest: layers[2].digest: ..."). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/strv.h"

#define MANIFEST_JSON_MAX   (4 * 1024 * 1024)
#define MANIFEST_LAYERS_MAX 256
#define MANIFEST_DEPTH_MAX  64

#define MEDIA_OCI_INDEX        "application/vnd.oci.image.index.v1+json"
#define MEDIA_OCI_MANIFEST     "application/vnd.oci.image.manifest.v1+json"
#define MEDIA_OCI_CONFIG       "application/vnd.oci.image.config.v1+json"
#define MEDIA_OCI_LAYER_TAR    "application/vnd.oci.image.layer.v1.tar"
#define MEDIA_OCI_LAYER_GZIP   "application/vnd.oci.image.layer.v1.tar+gzip"
#define MEDIA_OCI_LAYER_ZSTD   "application/vnd.oci.image.layer.v1.tar+zstd"
#define MEDIA_DOCKER_LIST      "application/vnd.docker.distribution.manifest.list.v2+json"
#define MEDIA_DOCKER_MANIFEST  "application/vnd.docker.distribution.manifest.v2+json"
#define MEDIA_DOCKER_CONFIG    "application/vnd.docker.container.image.v1+json"
#define MEDIA_DOCKER_LAYER_TAR "application/vnd.docker.image.rootfs.diff.tar"
#define MEDIA_DOCKER_LAYER_GZ  "application/vnd.docker.image.rootfs.diff.tar.gzip"
#define MEDIA_DOCKER_LAYER_ZST "application/vnd.docker.image.rootfs.diff.tar.zstd"

#define ANNOTATION_REF_NAME "org.opencontainers.image.ref.name"

typedef enum layer_compression {
        LAYER_UNCOMPRESSED,
        LAYER_GZIP,
        LAYER_ZSTD,
} layer_compression;

typedef struct manifest_descriptor {
        char *media_type;
        char *digest;
        int64_t size;
        char *ref_name;     /* annotations["org.opencontainers.image.ref.name"], or NULL */
        char *architecture; /* platform, or NULL */
        char *os;
        char *variant;
} manifest_descriptor;

typedef struct image_index {
        manifest_descriptor *manifests;
        size_t n_manifests;
} image_index;

typedef struct image_manifest {
        char *media_type; /* as given, or MEDIA_OCI_MANIFEST when absent */
        manifest_descriptor config;
        manifest_descriptor *layers;
        size_t n_layers;
} image_manifest;

typedef struct image_config {
        char *architecture;
        char *os;
        char *variant;
        char *created; /* RFC 3339 as given, or NULL */
        strv env;
        strv cmd;
        strv entrypoint;
        bool has_cmd; /* present (possibly empty) rather than null/absent */
        bool has_entrypoint;
        char *working_dir;
        char *user;
        char *stop_signal;
        strv label_keys; /* parallel to label_values */
        strv label_values;
        strv exposed_ports; /* "80/tcp", ... */
        strv diff_ids;
} image_config;

typedef struct docker_manifest_entry {
        char *config;   /* path inside the archive */
        strv repo_tags; /* as written (not normalized) */
        strv layers;    /* paths inside the archive */
} docker_manifest_entry;

typedef struct docker_manifest {
        docker_manifest_entry *entries;
        size_t n_entries;
} docker_manifest;

/* Parses an OCI image index (or docker manifest list). */
int manifest_parse_index(const char *json, size_t len, image_index *ret, burrow_error **err);
/* Parses an OCI image manifest (or docker v2 schema 2 manifest). */
int manifest_parse(const char *json, size_t len, image_manifest *ret, burrow_error **err);
/* Parses an image config. */
int manifest_parse_config(const char *json, size_t len, image_config *ret, burrow_error **err);
/* Parses the manifest.json of a docker-archive. */
int manifest_parse_docker(const char *json, size_t len, docker_manifest *ret, burrow_error **err);
/* Maps a layer media type to its compression; other media types are an error. */
int manifest_layer_compression(const char *media_type, layer_compression *ret, burrow_error **err);
/* The OCI media type of a layer with this compression. */
const char *manifest_layer_media_type(layer_compression c);
/* True for the manifest media types (OCI, docker v2) and for the index ones. */
bool manifest_is_manifest_type(const char *media_type);
bool manifest_is_index_type(const char *media_type);

void manifest_descriptor_clear(manifest_descriptor *d);
void image_index_clear(image_index *index);
void image_manifest_clear(image_manifest *m);
void image_config_clear(image_config *c);
void docker_manifest_clear(docker_manifest *m);
