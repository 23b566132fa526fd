/* Image digests, references, and the manifest/index/config/docker-manifest parsers, with malformed inputs. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/digest.h"
#include "image/manifest.h"
#include "image/reference.h"
#include "unit.h"

#define HEX_A   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_B   "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define DIG_A   "sha256:" HEX_A
#define DIG_B   "sha256:" HEX_B
#define EMPTY_D "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static void digest_of_known_inputs(void)
{
        char d[DIGEST_STRING_LEN + 1];
        digest_ctx ctx;

        digest_buffer("", 0, d);
        CHECK_STREQ(d, EMPTY_D);
        digest_buffer("abc", 3, d);
        CHECK_STREQ(d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        /* Streaming in pieces gives the same digest. */
        digest_init(&ctx);
        digest_update(&ctx, "a", 1);
        digest_update(&ctx, "bc", 2);
        digest_final(&ctx, d);
        CHECK_STREQ(d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        CHECK(ctx.size == 3);
}

static void digest_of_fd(void)
{
        burrow_error *err = NULL;
        char path[] = "/tmp/test-image-XXXXXX";
        char d[DIGEST_STRING_LEN + 1];
        uint64_t size = 0;
        int fd = mkstemp(path);

        CHECK(fd >= 0);
        unlink(path);
        CHECK(write(fd, "abc", 3) == 3);
        lseek(fd, 0, SEEK_SET);
        CHECK_OK(digest_fd(fd, d, &size, &err), &err);
        CHECK_STREQ(d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        CHECK(size == 3);
        close(fd);
}

static void digest_validation(void)
{
        burrow_error *err = NULL;

        CHECK(digest_is_valid(DIG_A));
        CHECK_OK(digest_validate(DIG_A, &err), &err);
        CHECK(!digest_is_valid("sha256:" HEX_A "a"));
        CHECK(!digest_is_valid("sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
        CHECK(!digest_is_valid(HEX_A));
        CHECK(!digest_is_valid(NULL));
        CHECK_ERROR(digest_validate("sha512:" HEX_A HEX_A, &err), &err, "\"sha512\" is not supported");
        CHECK_ERROR(digest_validate("md5:abc", &err), &err, "not supported");
        CHECK_ERROR(digest_validate("sha256:abc", &err), &err, "64 lowercase hex");
        CHECK_ERROR(digest_validate("", &err), &err, "empty");
        CHECK_ERROR(digest_validate("nonsense", &err), &err, "not a digest");
        CHECK(digest_is_hex_prefix("abc"));
        CHECK(!digest_is_hex_prefix(""));
        CHECK(!digest_is_hex_prefix("abg"));
}

static void check_normalize(const char *in, const char *want)
{
        burrow_error *err = NULL;
        char *got = NULL;

        CHECK_OK(reference_normalize(in, &got, &err), &err);
        CHECK_STREQ(got, want);
        free(got);
}

static void reference_normalization(void)
{
        check_normalize("foo", "localhost/foo:latest");
        check_normalize("foo:1.0", "localhost/foo:1.0");
        check_normalize("a/b/c:x", "localhost/a/b/c:x");
        check_normalize("localhost/foo", "localhost/foo:latest");
        check_normalize("quay.io/a/b:v1", "quay.io/a/b:v1");
        check_normalize("registry:5000/foo", "registry:5000/foo:latest");
        check_normalize("docker.io/library/busybox", "docker.io/library/busybox:latest");
        check_normalize("a.b-c__d--e", "localhost/a.b-c__d--e:latest");
        check_normalize("foo:_T.a-G", "localhost/foo:_T.a-G");
}

static void reference_rejects_malformed(void)
{
        burrow_error *err = NULL;
        image_reference ref = {0};
        char *s = NULL, *long_tag;

        CHECK_ERROR(reference_normalize("Foo", &s, &err), &err, "must be lowercase");
        CHECK_ERROR(reference_normalize("", &s, &err), &err, "empty");
        CHECK_ERROR(reference_normalize(":tag", &s, &err), &err, "empty name");
        CHECK_ERROR(reference_normalize("foo:", &s, &err), &err, "invalid tag");
        CHECK_ERROR(reference_normalize("foo:-x", &s, &err), &err, "invalid tag");
        CHECK_ERROR(reference_normalize("foo:a/b", &s, &err), &err, "invalid");
        CHECK_ERROR(reference_normalize("foo//bar", &s, &err), &err, "invalid name component");
        CHECK_ERROR(reference_normalize("foo_", &s, &err), &err, "invalid name component");
        CHECK_ERROR(reference_normalize("fo___o", &s, &err), &err, "invalid name component");
        CHECK_ERROR(reference_normalize("-foo", &s, &err), &err, "invalid name component");
        CHECK_ERROR(reference_normalize("foo bar", &s, &err), &err, "invalid name component");
        CHECK_ERROR(reference_normalize("bad_host.io/foo", &s, &err), &err, "invalid registry");
        CHECK_ERROR(reference_normalize("host:99999999/foo", &s, &err), &err, "invalid registry");
        CHECK_ERROR(reference_normalize("foo@" DIG_A, &s, &err), &err, "cannot contain a digest");
        CHECK_ERROR(reference_normalize("foo@sha256:abc", &s, &err), &err, "bad digest");
        CHECK_ERROR(reference_normalize("foo@md5:abc", &s, &err), &err, "bad digest");
        long_tag = unit_repeat('t', 129);
        {
                char *in = malloc(strlen(long_tag) + 5);
                strcpy(in, "foo:");
                strcat(in, long_tag);
                CHECK_ERROR(reference_normalize(in, &s, &err), &err, "invalid tag");
                free(in);
        }
        free(long_tag);
        CHECK(s == NULL);

        CHECK_OK(reference_parse("foo@" DIG_A, &ref, &err), &err);
        CHECK_STREQ(ref.name, "localhost/foo");
        CHECK(ref.tag == NULL);
        CHECK_STREQ(ref.digest, DIG_A);
        reference_clear(&ref);
        CHECK_OK(reference_parse("quay.io/foo:1@" DIG_A, &ref, &err), &err);
        CHECK_STREQ(ref.tag, "1");
        CHECK(ref.explicit_registry);
        reference_clear(&ref);
}

static bool matches(const char *user, const char *stored)
{
        burrow_error *err = NULL;
        image_reference ref = {0};
        bool r;

        if (reference_parse(user, &ref, &err) < 0) {
                error_free(&err);
                return false;
        }
        r = reference_matches_name(&ref, stored);
        reference_clear(&ref);
        return r;
}

static void reference_matching(void)
{
        CHECK(matches("foo", "localhost/foo:latest"));
        CHECK(matches("foo:latest", "localhost/foo:latest"));
        CHECK(matches("localhost/foo", "localhost/foo:latest"));
        CHECK(!matches("foo", "localhost/foo:1"));
        CHECK(matches("foo:1", "localhost/foo:1"));
        CHECK(!matches("fo", "localhost/foo:latest"));
        CHECK(!matches("foo", "localhost/a/foo:latest"));
        /* Short names find the same path under any registry, and docker.io's library/. */
        CHECK(matches("a/b:v", "quay.io/a/b:v"));
        CHECK(matches("busybox", "docker.io/library/busybox:latest"));
        CHECK(!matches("quay.io/busybox", "docker.io/library/busybox:latest"));
        CHECK(!matches("other.io/a/b:v", "quay.io/a/b:v"));
        CHECK(reference_looks_like_id("abc"));
        CHECK(reference_looks_like_id("sha256:abc123"));
        CHECK(!reference_looks_like_id("ab"));
        CHECK(!reference_looks_like_id("abcx"));
        CHECK(!reference_looks_like_id(HEX_A "0"));
}

static const char oci_manifest[] =
    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
    "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" DIG_A "\",\"size\":7},"
    "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" DIG_B "\",\"size\":32},"
    "{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"digest\":\"" DIG_A "\",\"size\":1}]}";

static void manifest_parses_oci_and_docker(void)
{
        burrow_error *err = NULL;
        image_manifest m = {0};
        layer_compression c;

        CHECK_OK(manifest_parse(oci_manifest, strlen(oci_manifest), &m, &err), &err);
        CHECK(m.n_layers == 2);
        if (m.n_layers == 2) {
                CHECK_STREQ(m.config.digest, DIG_A);
                CHECK(m.config.size == 7);
                CHECK_STREQ(m.layers[0].digest, DIG_B);
                CHECK(m.layers[0].size == 32);
                CHECK_OK(manifest_layer_compression(m.layers[1].media_type, &c, &err), &err);
                CHECK(c == LAYER_GZIP);
        }
        image_manifest_clear(&m);
        CHECK_OK(manifest_layer_compression(MEDIA_OCI_LAYER_ZSTD, &c, &err), &err);
        CHECK(c == LAYER_ZSTD);
        CHECK_OK(manifest_layer_compression(MEDIA_DOCKER_LAYER_TAR, &c, &err), &err);
        CHECK(c == LAYER_UNCOMPRESSED);
        CHECK_ERROR(manifest_layer_compression("application/vnd.oci.image.layer.v1.tar+bzip2", &c, &err), &err,
                    "unsupported layer media type");
}

/* A manifest with one layer whose fields are substituted. */
static char *manifest_with(const char *mtype, const char *cfg_digest, const char *layer_type, const char *layer_digest,
                           const char *size)
{
        char *s = NULL;
        if (asprintf(&s,
                     "{\"schemaVersion\":2,%s\"config\":{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":3},"
                     "\"layers\":[{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%s}]}",
                     mtype, MEDIA_OCI_CONFIG, cfg_digest, layer_type, layer_digest, size) < 0)
                abort();
        return s;
}

static void check_manifest_error(char *json, const char *want)
{
        burrow_error *err = NULL;
        image_manifest m = {0};

        CHECK_ERROR(manifest_parse(json, strlen(json), &m, &err), &err, want);
        image_manifest_clear(&m);
        free(json);
}

static void manifest_rejects_malformed(void)
{
        burrow_error *err = NULL;
        image_manifest m = {0};
        char *ok = manifest_with("", DIG_A, MEDIA_OCI_LAYER_TAR, DIG_B, "1");

        CHECK_OK(manifest_parse(ok, strlen(ok), &m, &err), &err);
        CHECK_STREQ(m.media_type, MEDIA_OCI_MANIFEST);
        image_manifest_clear(&m);
        free(ok);
        check_manifest_error(manifest_with("", DIG_A, MEDIA_OCI_LAYER_TAR, "sha256:xyz", "1"),
                             "manifest.layers[0].digest: not a sha256 digest");
        check_manifest_error(manifest_with("", "sha512:00", MEDIA_OCI_LAYER_TAR, DIG_B, "1"),
                             "manifest.config.digest: not a sha256 digest");
        check_manifest_error(manifest_with("", DIG_A, "application/x-tar", DIG_B, "1"),
                             "manifest.layers[0].mediaType: unsupported layer media type");
        check_manifest_error(manifest_with("", DIG_A, MEDIA_OCI_LAYER_TAR, DIG_B, "-1"),
                             "manifest.layers[0].size: not a non-negative integer");
        check_manifest_error(manifest_with("", DIG_A, MEDIA_OCI_LAYER_TAR, DIG_B, "\"1\""), "manifest.layers[0].size");
        check_manifest_error(
            manifest_with("\"mediaType\":\"" MEDIA_OCI_INDEX "\",", DIG_A, MEDIA_OCI_LAYER_TAR, DIG_B, "1"),
            "is not an image manifest");
        check_manifest_error(strdup("{\"schemaVersion\":1}"), "schemaVersion: must be 2");
        check_manifest_error(strdup("{\"schemaVersion\":2}"), "manifest.config: missing");
        check_manifest_error(strdup("[]"), "manifest: not an object");
        check_manifest_error(strdup("{\"schemaVersion\":2"), "invalid JSON");
        check_manifest_error(strdup("{} {}"), "invalid JSON");
        check_manifest_error(strdup(""), "invalid JSON");
        {
                /* Nesting deeper than the limit. */
                char *deep = malloc(2 * MANIFEST_DEPTH_MAX + 10);
                size_t n = 0;
                for (int i = 0; i < MANIFEST_DEPTH_MAX + 2; i++)
                        deep[n++] = '[';
                for (int i = 0; i < MANIFEST_DEPTH_MAX + 2; i++)
                        deep[n++] = ']';
                deep[n] = '\0';
                check_manifest_error(deep, "invalid JSON");
        }
        {
                /* More than 256 layers. */
                size_t cap = 300 * 200 + 512, n;
                char *big = malloc(cap);
                n = (size_t)sprintf(big,
                                    "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"%s\",\"digest\":\"%s\","
                                    "\"size\":3},\"layers\":[",
                                    MEDIA_OCI_CONFIG, DIG_A);
                for (int i = 0; i < 257; i++)
                        n += (size_t)sprintf(big + n, "%s{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":1}",
                                             i ? "," : "", MEDIA_OCI_LAYER_TAR, DIG_B);
                strcpy(big + n, "]}");
                check_manifest_error(big, "more than 256 layers");
        }
        {
                char *huge = unit_repeat(' ', MANIFEST_JSON_MAX + 1);
                check_manifest_error(huge, "larger than");
        }
}

static void index_parses_and_rejects(void)
{
        burrow_error *err = NULL;
        image_index idx = {0};
        char *json = NULL;

        if (asprintf(&json,
                     "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":5,"
                     "\"annotations\":{\"%s\":\"foo:1\"},\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}}]}",
                     MEDIA_OCI_MANIFEST, DIG_A, ANNOTATION_REF_NAME) < 0)
                abort();
        CHECK_OK(manifest_parse_index(json, strlen(json), &idx, &err), &err);
        CHECK(idx.n_manifests == 1);
        if (idx.n_manifests == 1) {
                CHECK_STREQ(idx.manifests[0].ref_name, "foo:1");
                CHECK_STREQ(idx.manifests[0].architecture, "arm64");
                CHECK_STREQ(idx.manifests[0].os, "linux");
        }
        image_index_clear(&idx);
        free(json);
        CHECK_ERROR(manifest_parse_index("{\"schemaVersion\":2}", 19, &idx, &err), &err, "index.manifests: missing");
        json = "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\",\"digest\":\"sha256:1\",\"size\":1}]}";
        CHECK_ERROR(manifest_parse_index(json, strlen(json), &idx, &err), &err,
                    "index.manifests[0].digest: not a sha256 digest");
        json = "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"" DIG_A "\",\"size\":1}]}";
        CHECK_ERROR(manifest_parse_index(json, strlen(json), &idx, &err), &err,
                    "index.manifests[0].mediaType: missing");
        json = "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\",\"digest\":\"" DIG_A
               "\",\"size\":1,\"annotations\":{\"" ANNOTATION_REF_NAME "\":5}}]}";
        CHECK_ERROR(manifest_parse_index(json, strlen(json), &idx, &err), &err,
                    "index.manifests[0].annotations." ANNOTATION_REF_NAME ": not a string");
}

static void config_parses_fields(void)
{
        burrow_error *err = NULL;
        image_config c = {0};
        const char *json =
            "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-02T03:04:05Z\",\"config\":{"
            "\"Env\":[\"PATH=/bin\",\"A=1\"],\"Cmd\":[\"sh\",\"-c\",\"x\"],\"Entrypoint\":null,\"WorkingDir\":\"/w\","
            "\"User\":\"1000:1000\",\"StopSignal\":\"SIGINT\",\"Labels\":{\"k\":\"v\"},"
            "\"ExposedPorts\":{\"80/tcp\":{},\"53/udp\":{}}},"
            "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" DIG_A "\",\"" DIG_B "\"]},\"history\":[]}";

        CHECK_OK(manifest_parse_config(json, strlen(json), &c, &err), &err);
        CHECK_STREQ(c.architecture, "amd64");
        CHECK_STREQ(c.os, "linux");
        CHECK_STREQ(c.created, "2024-01-02T03:04:05Z");
        CHECK(c.env.len == 2 && strcmp(c.env.items[1], "A=1") == 0);
        CHECK(c.has_cmd && c.cmd.len == 3);
        CHECK(!c.has_entrypoint);
        CHECK_STREQ(c.working_dir, "/w");
        CHECK_STREQ(c.user, "1000:1000");
        CHECK_STREQ(c.stop_signal, "SIGINT");
        CHECK(c.label_keys.len == 1 && strcmp(c.label_values.items[0], "v") == 0);
        CHECK(c.exposed_ports.len == 2);
        CHECK(c.diff_ids.len == 2 && strcmp(c.diff_ids.items[1], DIG_B) == 0);
        image_config_clear(&c);
}

static void config_rejects_malformed(void)
{
        burrow_error *err = NULL;
        image_config c = {0};
        const char *j;

        j = "{\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
        CHECK_ERROR(manifest_parse_config(j, strlen(j), &c, &err), &err, "config.architecture: missing");
        j = "{\"architecture\":\"amd64\",\"os\":\"linux\"}";
        CHECK_ERROR(manifest_parse_config(j, strlen(j), &c, &err), &err, "config.rootfs: missing");
        j = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"x\",\"diff_ids\":[]}}";
        CHECK_ERROR(manifest_parse_config(j, strlen(j), &c, &err), &err, "config.rootfs.type: must be \"layers\"");
        j = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"x\"]}}";
        CHECK_ERROR(manifest_parse_config(j, strlen(j), &c, &err), &err,
                    "config.rootfs.diff_ids[0]: not a sha256 digest");
        j = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[1]},\"rootfs\":{\"type\":\"layers\"}}";
        CHECK_ERROR(manifest_parse_config(j, strlen(j), &c, &err), &err, "config.config.Env[0]: not a string");
        j = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":\"sh\"},\"rootfs\":{\"type\":\"layers\"}"
            "}";
        CHECK_ERROR(manifest_parse_config(j, strlen(j), &c, &err), &err, "config.config.Cmd: not an array");
        j = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"a\":1}},"
            "\"rootfs\":{\"type\":\"layers\"}}";
        CHECK_ERROR(manifest_parse_config(j, strlen(j), &c, &err), &err, "config.config.Labels.a: not a string");
        j = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"User\":0},\"rootfs\":{\"type\":\"layers\"}}";
        CHECK_ERROR(manifest_parse_config(j, strlen(j), &c, &err), &err, "config.config.User: not a string");
        {
                static const char with_nul[] = "{\"architecture\":\"amd64\",\"os\":\"li\0nux\"}";
                CHECK_ERROR(manifest_parse_config(with_nul, sizeof(with_nul) - 1, &c, &err), &err, "NUL");
        }
}

static void docker_manifest_parses_and_rejects(void)
{
        burrow_error *err = NULL;
        docker_manifest m = {0};
        const char *j = "[{\"Config\":\"" HEX_A ".json\",\"RepoTags\":[\"foo:1\",\"bar\"],"
                        "\"Layers\":[\"" HEX_B "/layer.tar\"]}]";

        CHECK_OK(manifest_parse_docker(j, strlen(j), &m, &err), &err);
        CHECK(m.n_entries == 1);
        if (m.n_entries == 1) {
                CHECK_STREQ(m.entries[0].config, HEX_A ".json");
                CHECK(m.entries[0].repo_tags.len == 2);
                CHECK(m.entries[0].layers.len == 1);
        }
        docker_manifest_clear(&m);
        j = "[{\"Config\":\"c.json\",\"RepoTags\":null,\"Layers\":[]}]";
        CHECK_OK(manifest_parse_docker(j, strlen(j), &m, &err), &err);
        docker_manifest_clear(&m);

        CHECK_ERROR(manifest_parse_docker("[]", 2, &m, &err), &err, "manifest.json: no images");
        CHECK_ERROR(manifest_parse_docker("{}", 2, &m, &err), &err, "manifest.json: not an array");
        j = "[{\"RepoTags\":[],\"Layers\":[]}]";
        CHECK_ERROR(manifest_parse_docker(j, strlen(j), &m, &err), &err, "manifest.json[0].Config: missing");
        j = "[{\"Config\":\"../etc/passwd\",\"Layers\":[]}]";
        CHECK_ERROR(manifest_parse_docker(j, strlen(j), &m, &err), &err, "manifest.json[0].Config: unsafe path");
        j = "[{\"Config\":\"c.json\",\"Layers\":[\"/abs/layer.tar\"]}]";
        CHECK_ERROR(manifest_parse_docker(j, strlen(j), &m, &err), &err, "manifest.json[0].Layers[0]: unsafe path");
        j = "[{\"Config\":\"c.json\",\"Layers\":[\"a/../../x\"]}]";
        CHECK_ERROR(manifest_parse_docker(j, strlen(j), &m, &err), &err, "unsafe path");
        j = "[{\"Config\":\"c.json\",\"Layers\":[5]}]";
        CHECK_ERROR(manifest_parse_docker(j, strlen(j), &m, &err), &err, "manifest.json[0].Layers[0]: not a string");
}

int main(void)
{
        RUN(digest_of_known_inputs);
        RUN(digest_of_fd);
        RUN(digest_validation);
        RUN(reference_normalization);
        RUN(reference_rejects_malformed);
        RUN(reference_matching);
        RUN(manifest_parses_oci_and_docker);
        RUN(manifest_rejects_malformed);
        RUN(index_parses_and_rejects);
        RUN(config_parses_fields);
        RUN(config_rejects_malformed);
        RUN(docker_manifest_parses_and_rejects);
        return unit_finish();
}
