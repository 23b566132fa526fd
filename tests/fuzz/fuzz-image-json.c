/* The image JSON parsers (manifest, index, config, docker-archive manifest.json) on arbitrary input, plus the
 * reference parser on the names they yield. Every successful parse must hold the documented invariants. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "image/digest.h"
#include "image/manifest.h"
#include "image/reference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_descriptor(const manifest_descriptor *d)
{
        FUZZ_ASSERT(d->media_type != NULL);
        FUZZ_ASSERT(digest_is_valid(d->digest));
        FUZZ_ASSERT(d->size >= 0);
}

static void check_name(const char *s)
{
        burrow_error *err = NULL;
        char *name = NULL, *again = NULL;

        if (reference_normalize(s, &name, &err) < 0) {
                error_free(&err);
                return;
        }
        /* Normalizing is idempotent. */
        FUZZ_ASSERT(reference_normalize(name, &again, &err) == 0);
        FUZZ_ASSERT(strcmp(name, again) == 0);
        free(name);
        free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *json = (const char *)data;
        burrow_error *err = NULL;
        image_manifest m = {0};
        image_index idx = {0};
        image_config c = {0};
        docker_manifest d = {0};

        if (manifest_parse(json, size, &m, &err) == 0) {
                layer_compression comp;
                check_descriptor(&m.config);
                FUZZ_ASSERT(m.n_layers <= MANIFEST_LAYERS_MAX);
                for (size_t i = 0; i < m.n_layers; i++) {
                        check_descriptor(&m.layers[i]);
                        FUZZ_ASSERT(manifest_layer_compression(m.layers[i].media_type, &comp, NULL) == 0);
                }
                image_manifest_clear(&m);
        }
        error_free(&err);

        if (manifest_parse_index(json, size, &idx, &err) == 0) {
                for (size_t i = 0; i < idx.n_manifests; i++) {
                        check_descriptor(&idx.manifests[i]);
                        if (idx.manifests[i].ref_name)
                                check_name(idx.manifests[i].ref_name);
                }
                image_index_clear(&idx);
        }
        error_free(&err);

        if (manifest_parse_config(json, size, &c, &err) == 0) {
                FUZZ_ASSERT(c.architecture && c.os);
                FUZZ_ASSERT(c.label_keys.len == c.label_values.len);
                FUZZ_ASSERT(c.diff_ids.len <= MANIFEST_LAYERS_MAX);
                for (size_t i = 0; i < c.diff_ids.len; i++)
                        FUZZ_ASSERT(digest_is_valid(c.diff_ids.items[i]));
                image_config_clear(&c);
        }
        error_free(&err);

        if (manifest_parse_docker(json, size, &d, &err) == 0) {
                for (size_t i = 0; i < d.n_entries; i++) {
                        FUZZ_ASSERT(d.entries[i].config && d.entries[i].config[0] != '/');
                        for (size_t j = 0; j < d.entries[i].repo_tags.len; j++)
                                check_name(d.entries[i].repo_tags.items[j]);
                }
                docker_manifest_clear(&d);
        }
        error_free(&err);

        /* Short inputs double as references. */
        if (size < 300) {
                char *s = fuzz_strndup(data, size);
                image_reference ref = {0};
                if (reference_parse(s, &ref, &err) == 0) {
                        FUZZ_ASSERT(strchr(ref.name, '/') != NULL);
                        FUZZ_ASSERT(ref.tag != NULL || ref.digest != NULL);
                        reference_clear(&ref);
                }
                error_free(&err);
                free(s);
        }
        return 0;
}
