/* JSON documents of an image, parsed with json-c. Each parser bounds the input (size, nesting, counts), checks the
 * type of every field it reads, and names the field in its errors. Unknown fields are ignored, as the specs require. */
#include "image/manifest.h"

#include <errno.h>
#include <json-c/json.h>
#include <string.h>

#include "image/digest.h"
#include "util/cleanup.h"

/* More manifests than this in one index is not an image we want to load. */
#define INDEX_MANIFESTS_MAX 1024
/* More names or labels or ports or env entries than this is an attack, not an image. */
#define LIST_MAX 65536

static void json_putp(json_object **o)
{
        if (*o)
                json_object_put(*o);
}
#define _cleanup_json_ __attribute__((cleanup(json_putp)))

static int parse_document(const char *json, size_t len, const char *what, json_object **ret, burrow_error **err)
{
        json_tokener *tok;
        json_object *obj;
        enum json_tokener_error jerr;

        if (len > MANIFEST_JSON_MAX)
                return error_make(err, E2BIG, "%s: larger than %d bytes", what, MANIFEST_JSON_MAX);
        if (memchr(json, '\0', len) != NULL)
                return error_make(err, 0, "%s: not JSON (contains a NUL byte)", what);
        tok = json_tokener_new_ex(MANIFEST_DEPTH_MAX);
        if (tok == NULL)
                return error_make(err, ENOMEM, "%s: json tokener", what);
        obj = json_tokener_parse_ex(tok, json, (int)len);
        jerr = json_tokener_get_error(tok);
        if (obj == NULL && jerr == json_tokener_continue)
                jerr = json_tokener_error_parse_eof;
        if (jerr == json_tokener_success && (size_t)json_tokener_get_parse_end(tok) < len) {
                /* Only whitespace may follow the document. */
                for (size_t i = json_tokener_get_parse_end(tok); i < len; i++)
                        if (!strchr(" \t\r\n", json[i])) {
                                jerr = json_tokener_error_parse_unexpected;
                                break;
                        }
        }
        json_tokener_free(tok);
        if (jerr != json_tokener_success) {
                json_putp(&obj);
                return error_make(err, 0, "%s: invalid JSON: %s", what, json_tokener_error_desc(jerr));
        }
        *ret = obj;
        return 0;
}

static int expect_type(json_object *v, json_type type, const char *where, const char *key, burrow_error **err)
{
        static const char *names[] = {
            [json_type_null] = "null",       [json_type_boolean] = "a boolean", [json_type_double] = "a number",
            [json_type_int] = "a number",    [json_type_object] = "an object",  [json_type_array] = "an array",
            [json_type_string] = "a string",
        };
        if (json_object_get_type(v) != type)
                return error_make(err, 0, "%s%s%s: not %s", where, key ? "." : "", key ? key : "", names[type]);
        return 0;
}

/* A string member; absent or null leaves *ret NULL unless required. */
static int get_string(json_object *obj, const char *key, const char *where, bool required, char **ret,
                      burrow_error **err)
{
        json_object *v = NULL;

        if (!json_object_object_get_ex(obj, key, &v) || v == NULL) {
                if (required)
                        return error_make(err, 0, "%s.%s: missing", where, key);
                return 0;
        }
        if (expect_type(v, json_type_string, where, key, err) < 0)
                return -1;
        free(*ret);
        *ret = xstrdup(json_object_get_string(v));
        return 0;
}

/* An array of strings (or null) into v; *ret_present tells whether it was there and not null. */
static int get_strv(json_object *obj, const char *key, const char *where, strv *v, bool *ret_present,
                    burrow_error **err)
{
        json_object *arr = NULL;
        size_t n;

        if (ret_present)
                *ret_present = false;
        if (!json_object_object_get_ex(obj, key, &arr) || arr == NULL)
                return 0;
        if (expect_type(arr, json_type_array, where, key, err) < 0)
                return -1;
        n = json_object_array_length(arr);
        if (n > LIST_MAX)
                return error_make(err, E2BIG, "%s.%s: more than %d entries", where, key, LIST_MAX);
        for (size_t i = 0; i < n; i++) {
                json_object *s = json_object_array_get_idx(arr, i);
                if (s == NULL || json_object_get_type(s) != json_type_string)
                        return error_make(err, 0, "%s.%s[%zu]: not a string", where, key, i);
                strv_push(v, json_object_get_string(s));
        }
        if (ret_present)
                *ret_present = true;
        return 0;
}

/* The keys of an object of objects (ExposedPorts, Volumes), or of strings with their values (Labels). */
static int get_map(json_object *obj, const char *key, const char *where, strv *keys, strv *values, burrow_error **err)
{
        json_object *map = NULL;

        if (!json_object_object_get_ex(obj, key, &map) || map == NULL)
                return 0;
        if (expect_type(map, json_type_object, where, key, err) < 0)
                return -1;
        if (json_object_object_length(map) > LIST_MAX)
                return error_make(err, E2BIG, "%s.%s: more than %d entries", where, key, LIST_MAX);
        json_object_object_foreach(map, k, val)
        {
                if (values) {
                        if (val == NULL || json_object_get_type(val) != json_type_string)
                                return error_make(err, 0, "%s.%s.%s: not a string", where, key, k);
                        strv_push(values, json_object_get_string(val));
                }
                strv_push(keys, k);
        }
        return 0;
}

static int get_digest(json_object *obj, const char *key, const char *where, char **ret, burrow_error **err)
{
        if (get_string(obj, key, where, true, ret, err) < 0)
                return -1;
        if (!digest_is_valid(*ret)) {
                burrow_error *derr = NULL;
                digest_validate(*ret, &derr);
                error_make(err, 0, "%s.%s: not a sha256 digest (%s)", where, key, derr ? derr->msg : "invalid");
                error_free(&derr);
                return -1;
        }
        return 0;
}

void manifest_descriptor_clear(manifest_descriptor *d)
{
        free(d->media_type);
        free(d->digest);
        free(d->ref_name);
        free(d->architecture);
        free(d->os);
        free(d->variant);
        *d = (manifest_descriptor){0};
}

static int parse_descriptor(json_object *obj, const char *where, manifest_descriptor *d, burrow_error **err)
{
        json_object *v = NULL;

        if (expect_type(obj, json_type_object, where, NULL, err) < 0)
                return -1;
        if (get_string(obj, "mediaType", where, true, &d->media_type, err) < 0)
                return -1;
        if (get_digest(obj, "digest", where, &d->digest, err) < 0)
                return -1;
        if (!json_object_object_get_ex(obj, "size", &v) || v == NULL)
                return error_make(err, 0, "%s.size: missing", where);
        if (json_object_get_type(v) != json_type_int || json_object_get_int64(v) < 0)
                return error_make(err, 0, "%s.size: not a non-negative integer", where);
        d->size = json_object_get_int64(v);
        if (json_object_object_get_ex(obj, "annotations", &v) && v != NULL) {
                _cleanup_free_ char *sub = xasprintf("%s.annotations", where);
                if (expect_type(v, json_type_object, where, "annotations", err) < 0)
                        return -1;
                if (get_string(v, ANNOTATION_REF_NAME, sub, false, &d->ref_name, err) < 0)
                        return -1;
        }
        if (json_object_object_get_ex(obj, "platform", &v) && v != NULL) {
                _cleanup_free_ char *sub = xasprintf("%s.platform", where);
                if (expect_type(v, json_type_object, where, "platform", err) < 0)
                        return -1;
                if (get_string(v, "architecture", sub, false, &d->architecture, err) < 0 ||
                    get_string(v, "os", sub, false, &d->os, err) < 0 ||
                    get_string(v, "variant", sub, false, &d->variant, err) < 0)
                        return -1;
        }
        return 0;
}

static int check_schema_version(json_object *root, const char *what, burrow_error **err)
{
        json_object *v = NULL;

        if (!json_object_object_get_ex(root, "schemaVersion", &v) || v == NULL)
                return error_make(err, 0, "%s.schemaVersion: missing", what);
        if (json_object_get_type(v) != json_type_int || json_object_get_int64(v) != 2)
                return error_make(err, 0, "%s.schemaVersion: must be 2", what);
        return 0;
}

bool manifest_is_manifest_type(const char *t)
{
        return t && (strcmp(t, MEDIA_OCI_MANIFEST) == 0 || strcmp(t, MEDIA_DOCKER_MANIFEST) == 0);
}

bool manifest_is_index_type(const char *t)
{
        return t && (strcmp(t, MEDIA_OCI_INDEX) == 0 || strcmp(t, MEDIA_DOCKER_LIST) == 0);
}

void image_index_clear(image_index *index)
{
        for (size_t i = 0; i < index->n_manifests; i++)
                manifest_descriptor_clear(&index->manifests[i]);
        free(index->manifests);
        *index = (image_index){0};
}

int manifest_parse_index(const char *json, size_t len, image_index *ret, burrow_error **err)
{
        _cleanup_json_ json_object *root = NULL;
        _cleanup_free_ char *media_type = NULL;
        image_index index = {0};
        json_object *arr = NULL;
        size_t n;

        if (parse_document(json, len, "index", &root, err) < 0)
                return -1;
        if (expect_type(root, json_type_object, "index", NULL, err) < 0)
                return -1;
        if (check_schema_version(root, "index", err) < 0)
                return -1;
        if (get_string(root, "mediaType", "index", false, &media_type, err) < 0)
                return -1;
        if (media_type && !manifest_is_index_type(media_type))
                return error_make(err, 0, "index.mediaType: \"%.100s\" is not an image index", media_type);
        if (!json_object_object_get_ex(root, "manifests", &arr) || arr == NULL)
                return error_make(err, 0, "index.manifests: missing");
        if (expect_type(arr, json_type_array, "index", "manifests", err) < 0)
                return -1;
        n = json_object_array_length(arr);
        if (n > INDEX_MANIFESTS_MAX)
                return error_make(err, E2BIG, "index.manifests: more than %d entries", INDEX_MANIFESTS_MAX);
        index.manifests = xcalloc(n ? n : 1, sizeof(*index.manifests));
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *where = xasprintf("index.manifests[%zu]", i);
                index.n_manifests = i + 1;
                if (parse_descriptor(json_object_array_get_idx(arr, i), where, &index.manifests[i], err) < 0) {
                        image_index_clear(&index);
                        return -1;
                }
        }
        *ret = index;
        return 0;
}

const char *manifest_layer_media_type(layer_compression c)
{
        switch (c) {
        case LAYER_GZIP:
                return MEDIA_OCI_LAYER_GZIP;
        case LAYER_ZSTD:
                return MEDIA_OCI_LAYER_ZSTD;
        default:
                return MEDIA_OCI_LAYER_TAR;
        }
}

int manifest_layer_compression(const char *media_type, layer_compression *ret, burrow_error **err)
{
        static const struct {
                const char *media_type;
                layer_compression compression;
        } table[] = {
            {MEDIA_OCI_LAYER_TAR, LAYER_UNCOMPRESSED},
            {MEDIA_OCI_LAYER_GZIP, LAYER_GZIP},
            {MEDIA_OCI_LAYER_ZSTD, LAYER_ZSTD},
            {"application/vnd.oci.image.layer.nondistributable.v1.tar", LAYER_UNCOMPRESSED},
            {"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", LAYER_GZIP},
            {"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", LAYER_ZSTD},
            {MEDIA_DOCKER_LAYER_TAR, LAYER_UNCOMPRESSED},
            {MEDIA_DOCKER_LAYER_GZ, LAYER_GZIP},
            {MEDIA_DOCKER_LAYER_ZST, LAYER_ZSTD},
            {"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", LAYER_GZIP},
        };

        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
                if (media_type && strcmp(media_type, table[i].media_type) == 0) {
                        *ret = table[i].compression;
                        return 0;
                }
        return error_make(err, 0, "unsupported layer media type \"%.100s\"", media_type ? media_type : "");
}

void image_manifest_clear(image_manifest *m)
{
        free(m->media_type);
        manifest_descriptor_clear(&m->config);
        for (size_t i = 0; i < m->n_layers; i++)
                manifest_descriptor_clear(&m->layers[i]);
        free(m->layers);
        *m = (image_manifest){0};
}

static int parse_manifest_object(json_object *root, image_manifest *m, burrow_error **err)
{
        json_object *v = NULL;
        size_t n;

        if (expect_type(root, json_type_object, "manifest", NULL, err) < 0)
                return -1;
        if (check_schema_version(root, "manifest", err) < 0)
                return -1;
        if (get_string(root, "mediaType", "manifest", false, &m->media_type, err) < 0)
                return -1;
        if (m->media_type == NULL)
                m->media_type = xstrdup(MEDIA_OCI_MANIFEST);
        if (!manifest_is_manifest_type(m->media_type))
                return error_make(err, 0, "manifest.mediaType: \"%.100s\" is not an image manifest", m->media_type);
        if (!json_object_object_get_ex(root, "config", &v) || v == NULL)
                return error_make(err, 0, "manifest.config: missing");
        if (parse_descriptor(v, "manifest.config", &m->config, err) < 0)
                return -1;
        if (strcmp(m->config.media_type, MEDIA_OCI_CONFIG) != 0 && strcmp(m->config.media_type, MEDIA_DOCKER_CONFIG))
                return error_make(err, 0, "manifest.config.mediaType: unsupported \"%.100s\"", m->config.media_type);
        if (!json_object_object_get_ex(root, "layers", &v) || v == NULL)
                return error_make(err, 0, "manifest.layers: missing");
        if (expect_type(v, json_type_array, "manifest", "layers", err) < 0)
                return -1;
        n = json_object_array_length(v);
        if (n > MANIFEST_LAYERS_MAX)
                return error_make(err, E2BIG, "manifest.layers: more than %d layers", MANIFEST_LAYERS_MAX);
        m->layers = xcalloc(n ? n : 1, sizeof(*m->layers));
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *where = xasprintf("manifest.layers[%zu]", i);
                layer_compression c;
                m->n_layers = i + 1;
                if (parse_descriptor(json_object_array_get_idx(v, i), where, &m->layers[i], err) < 0)
                        return -1;
                if (manifest_layer_compression(m->layers[i].media_type, &c, err) < 0)
                        return error_wrap(err, "%s.mediaType", where);
        }
        return 0;
}

int manifest_parse(const char *json, size_t len, image_manifest *ret, burrow_error **err)
{
        _cleanup_json_ json_object *root = NULL;
        image_manifest m = {0};

        if (parse_document(json, len, "manifest", &root, err) < 0)
                return -1;
        if (parse_manifest_object(root, &m, err) < 0) {
                image_manifest_clear(&m);
                return -1;
        }
        *ret = m;
        return 0;
}

void image_config_clear(image_config *c)
{
        free(c->architecture);
        free(c->os);
        free(c->variant);
        free(c->created);
        strv_clear(&c->env);
        strv_clear(&c->cmd);
        strv_clear(&c->entrypoint);
        free(c->working_dir);
        free(c->user);
        free(c->stop_signal);
        strv_clear(&c->label_keys);
        strv_clear(&c->label_values);
        strv_clear(&c->exposed_ports);
        strv_clear(&c->diff_ids);
        *c = (image_config){0};
}

static int parse_config_object(json_object *root, image_config *c, burrow_error **err)
{
        json_object *v = NULL;

        if (expect_type(root, json_type_object, "config", NULL, err) < 0)
                return -1;
        if (get_string(root, "architecture", "config", true, &c->architecture, err) < 0 ||
            get_string(root, "os", "config", true, &c->os, err) < 0 ||
            get_string(root, "variant", "config", false, &c->variant, err) < 0 ||
            get_string(root, "created", "config", false, &c->created, err) < 0)
                return -1;
        if (json_object_object_get_ex(root, "config", &v) && v != NULL) {
                const char *w = "config.config";
                if (expect_type(v, json_type_object, "config", "config", err) < 0)
                        return -1;
                if (get_strv(v, "Env", w, &c->env, NULL, err) < 0 ||
                    get_strv(v, "Cmd", w, &c->cmd, &c->has_cmd, err) < 0 ||
                    get_strv(v, "Entrypoint", w, &c->entrypoint, &c->has_entrypoint, err) < 0 ||
                    get_string(v, "WorkingDir", w, false, &c->working_dir, err) < 0 ||
                    get_string(v, "User", w, false, &c->user, err) < 0 ||
                    get_string(v, "StopSignal", w, false, &c->stop_signal, err) < 0 ||
                    get_map(v, "Labels", w, &c->label_keys, &c->label_values, err) < 0 ||
                    get_map(v, "ExposedPorts", w, &c->exposed_ports, NULL, err) < 0)
                        return -1;
        }
        if (!json_object_object_get_ex(root, "rootfs", &v) || v == NULL)
                return error_make(err, 0, "config.rootfs: missing");
        if (expect_type(v, json_type_object, "config", "rootfs", err) < 0)
                return -1;
        {
                _cleanup_free_ char *type = NULL;
                if (get_string(v, "type", "config.rootfs", true, &type, err) < 0)
                        return -1;
                if (strcmp(type, "layers") != 0)
                        return error_make(err, 0, "config.rootfs.type: must be \"layers\"");
        }
        if (get_strv(v, "diff_ids", "config.rootfs", &c->diff_ids, NULL, err) < 0)
                return -1;
        if (c->diff_ids.len > MANIFEST_LAYERS_MAX)
                return error_make(err, E2BIG, "config.rootfs.diff_ids: more than %d layers", MANIFEST_LAYERS_MAX);
        for (size_t i = 0; i < c->diff_ids.len; i++)
                if (!digest_is_valid(c->diff_ids.items[i]))
                        return error_make(err, 0, "config.rootfs.diff_ids[%zu]: not a sha256 digest", i);
        return 0;
}

int manifest_parse_config(const char *json, size_t len, image_config *ret, burrow_error **err)
{
        _cleanup_json_ json_object *root = NULL;
        image_config c = {0};

        if (parse_document(json, len, "config", &root, err) < 0)
                return -1;
        if (parse_config_object(root, &c, err) < 0) {
                image_config_clear(&c);
                return -1;
        }
        *ret = c;
        return 0;
}

void docker_manifest_clear(docker_manifest *m)
{
        for (size_t i = 0; i < m->n_entries; i++) {
                free(m->entries[i].config);
                strv_clear(&m->entries[i].repo_tags);
                strv_clear(&m->entries[i].layers);
        }
        free(m->entries);
        *m = (docker_manifest){0};
}

/* A path inside the archive: relative, no "..", no empty components, no control characters. */
static bool safe_archive_path(const char *p)
{
        if (p[0] == '\0' || p[0] == '/' || strlen(p) > 4096)
                return false;
        for (const char *s = p; *s; s++)
                if ((unsigned char)*s < 0x20)
                        return false;
        for (const char *s = p;;) {
                size_t len = strcspn(s, "/");
                if (len == 0 || (len == 2 && s[0] == '.' && s[1] == '.'))
                        return false;
                if (s[len] == '\0')
                        return true;
                s += len + 1;
        }
}

int manifest_parse_docker(const char *json, size_t len, docker_manifest *ret, burrow_error **err)
{
        _cleanup_json_ json_object *root = NULL;
        docker_manifest m = {0};
        size_t n;

        if (parse_document(json, len, "manifest.json", &root, err) < 0)
                return -1;
        if (expect_type(root, json_type_array, "manifest.json", NULL, err) < 0)
                return -1;
        n = json_object_array_length(root);
        if (n == 0)
                return error_make(err, 0, "manifest.json: no images");
        if (n > INDEX_MANIFESTS_MAX)
                return error_make(err, E2BIG, "manifest.json: more than %d images", INDEX_MANIFESTS_MAX);
        m.entries = xcalloc(n, sizeof(*m.entries));
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *where = xasprintf("manifest.json[%zu]", i);
                json_object *e = json_object_array_get_idx(root, i);
                docker_manifest_entry *d = &m.entries[i];
                m.n_entries = i + 1;
                if (expect_type(e, json_type_object, where, NULL, err) < 0 ||
                    get_string(e, "Config", where, true, &d->config, err) < 0 ||
                    get_strv(e, "RepoTags", where, &d->repo_tags, NULL, err) < 0 ||
                    get_strv(e, "Layers", where, &d->layers, NULL, err) < 0)
                        goto fail;
                if (!safe_archive_path(d->config)) {
                        error_make(err, 0, "%s.Config: unsafe path \"%.100s\"", where, d->config);
                        goto fail;
                }
                if (d->layers.len > MANIFEST_LAYERS_MAX) {
                        error_make(err, E2BIG, "%s.Layers: more than %d layers", where, MANIFEST_LAYERS_MAX);
                        goto fail;
                }
                for (size_t j = 0; j < d->layers.len; j++)
                        if (!safe_archive_path(d->layers.items[j])) {
                                error_make(err, 0, "%s.Layers[%zu]: unsafe path \"%.100s\"", where, j,
                                           d->layers.items[j]);
                                goto fail;
                        }
        }
        *ret = m;
        return 0;
fail:
        docker_manifest_clear(&m);
        return -1;
}
