/* `burrow image CMD`: podman's image subcommands (inspect, ls, rm, tag, load, import), plus what the image commands
 * share: the store root and option errors. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/containers.h"
#include "image/manifest.h"
#include "image/store.h"
#include "util/cleanup.h"

const char *cli_store_root;
struct burrow_config cli_config;

int cli_store_root_choose(char **ret, burrow_error **err)
{
        const char *env = getenv("BURROW_ROOT"), *configured = config_get(&cli_config, CONFIG_STORAGE_ROOT);

        /* --root, then $BURROW_ROOT, then burrow.conf's storage.root, then the XDG default. */
        if (cli_store_root)
                *ret = xstrdup(cli_store_root);
        else if ((env == NULL || env[0] == '\0') && configured != NULL)
                *ret = xstrdup(configured);
        else if (store_default_root(ret, err) < 0)
                return -1;
        return 0;
}

int cli_open_store(bool writable, struct image_store **ret, burrow_error **err)
{
        _cleanup_free_ char *root = NULL;

        if (cli_store_root_choose(&root, err) < 0)
                return -1;
        return store_open(root, writable, ret, err);
}

int cli_option_error(const char *command, int opt, char **argv, burrow_error **err)
{
        if (opt == ':')
                return error_make(err, 0, "option %s: a value is required", argv[optind - 1]);
        if (optopt && optopt < 256)
                return error_make(err, 0, "unknown option -%c: see 'burrow %s --help'", optopt, command);
        return error_make(err, 0, "unknown option %s: see 'burrow %s --help'", argv[optind - 1], command);
}

static void json_putp(json_object **o)
{
        if (*o)
                json_object_put(*o);
}
#define _cleanup_json_ __attribute__((cleanup(json_putp)))

static json_object *strv_json(const strv *v)
{
        json_object *a = json_object_new_array();

        for (size_t i = 0; i < v->len; i++)
                json_object_array_add(a, json_object_new_string(v->items[i]));
        return a;
}

/* Copies member `key` of `from` (when present) into `to`, as docker prints its image config. */
static void copy_member(json_object *from, json_object *to, const char *key)
{
        json_object *v = NULL;

        if (from && json_object_object_get_ex(from, key, &v) && v != NULL)
                json_object_object_add(to, key, json_object_get(v));
}

static json_object *string_member(json_object *from, const char *key)
{
        json_object *v = NULL;

        if (json_object_object_get_ex(from, key, &v) && json_object_get_type(v) == json_type_string)
                return json_object_get(v);
        return json_object_new_string("");
}

static int inspect_one(image_store *store, const char *reference, json_object *out, burrow_error **err)
{
        _cleanup_free_ char *buf = NULL;
        _cleanup_json_ json_object *config = NULL;
        json_object *o, *cfg, *inner = NULL, *rootfs, *layers, *digests;
        image_record rec = {0};
        size_t len;
        int r = -1;

        if (store_resolve(store, reference, &rec, err) < 0)
                return -1;
        if (store_read_blob(store, rec.config_digest, MANIFEST_JSON_MAX, &buf, &len, err) < 0)
                goto out;
        config = json_tokener_parse(buf);
        if (config == NULL || json_object_get_type(config) != json_type_object) {
                error_make(err, 0, "%s: the config blob is not a JSON object", reference);
                goto out;
        }
        json_object_object_get_ex(config, "config", &inner);

        o = json_object_new_object();
        json_object_object_add(o, "Id", json_object_new_string(rec.id));
        json_object_object_add(o, "Digest", json_object_new_string(rec.manifest_digest));
        json_object_object_add(o, "RepoTags", strv_json(&rec.names));
        digests = json_object_new_array();
        for (size_t i = 0; i < rec.names.len; i++) {
                const char *colon = strrchr(rec.names.items[i], ':');
                int n = colon ? (int)(colon - rec.names.items[i]) : (int)strlen(rec.names.items[i]);
                _cleanup_free_ char *d = xasprintf("%.*s@%s", n, rec.names.items[i], rec.manifest_digest);
                json_object_array_add(digests, json_object_new_string(d));
        }
        json_object_object_add(o, "RepoDigests", digests);
        json_object_object_add(o, "Created", string_member(config, "created"));
        json_object_object_add(o, "Author", string_member(config, "author"));
        json_object_object_add(o, "Architecture", string_member(config, "architecture"));
        json_object_object_add(o, "Os", string_member(config, "os"));
        json_object_object_add(o, "Size", json_object_new_int64(rec.size));
        cfg = json_object_new_object();
        copy_member(inner, cfg, "User");
        copy_member(inner, cfg, "ExposedPorts");
        copy_member(inner, cfg, "Env");
        copy_member(inner, cfg, "Entrypoint");
        copy_member(inner, cfg, "Cmd");
        copy_member(inner, cfg, "WorkingDir");
        copy_member(inner, cfg, "Labels");
        copy_member(inner, cfg, "StopSignal");
        json_object_object_add(o, "Config", cfg);
        rootfs = json_object_new_object();
        json_object_object_add(rootfs, "Type", json_object_new_string("layers"));
        layers = json_object_new_array();
        for (size_t i = 0; i < rec.n_layers; i++)
                json_object_array_add(layers, json_object_new_string(rec.layers[i].diff_id));
        json_object_object_add(rootfs, "Layers", layers);
        json_object_object_add(o, "RootFS", rootfs);
        json_object_array_add(out, o);
        r = 0;
out:
        image_record_clear(&rec);
        return r;
}

static const struct option inspect_options[] = {
    {"format", required_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'H'},
    {NULL, 0, NULL, 0},
};

int cli_image_inspect(int argc, char **argv)
{
        _cleanup_error_ burrow_error *err = NULL;
        _cleanup_json_ json_object *out = json_object_new_array();
        image_store *store = NULL;
        const char *format = NULL;
        int opt, status = 0;

        opterr = 0;
        optind = 0; /* 0: glibc re-initializes (and reads a "+" again) */
        while ((opt = getopt_long(argc, argv, "+:f:", inspect_options, NULL)) != -1) {
                if (opt == 'H') {
                        printf("Usage: burrow image inspect IMAGE...\n\n"
                               "Print the images' details as a JSON array (docker's shape: Id, RepoTags, Created,\n"
                               "Architecture, Os, Size, Config, RootFS).\n\n"
                               "Options:\n"
                               "      --format FORMAT json (the default) or a Go template such as '{{.Id}}'\n"
                               "      --help          this text\n");
                        return 0;
                }
                if (opt == 'f') {
                        format = strcmp(optarg, "json") == 0 ? NULL : optarg;
                        continue;
                }
                cli_option_error("image inspect", opt, argv, &err);
                goto fail;
        }
        if (optind >= argc) {
                error_make(&err, 0, "image inspect: at least one IMAGE is required");
                goto fail;
        }
        if (cli_open_store(false, &store, &err) < 0)
                goto fail;
        for (int i = optind; i < argc; i++)
                if (inspect_one(store, argv[i], out, &err) < 0) {
                        error_print(err);
                        error_free(&err);
                        status = EXIT_BURROW_FAILURE;
                }
        store_close(store);
        if (format) {
                for (size_t i = 0; i < json_object_array_length(out); i++)
                        if (cli_print_formatted(format, json_object_array_get_idx(out, i), &err) < 0)
                                goto fail;
                return status;
        }
        printf("%s\n", json_object_to_json_string_ext(out, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                               JSON_C_TO_STRING_NOSLASHESCAPE));
        return status;
fail:
        error_print(err);
        return EXIT_BURROW_FAILURE;
}

static void image_usage(void)
{
        printf("Usage: burrow image COMMAND [ARG...]\n\n"
               "Manage images.\n\n"
               "Commands:\n"
               "  import    make an image from a root filesystem tarball\n"
               "  inspect   print the details of images as JSON\n"
               "  load      load images from an archive or an OCI layout\n"
               "  ls        list images (also: list)\n"
               "  rm        remove images\n"
               "  tag       add a name to an image\n");
}

int cli_image(int argc, char **argv)
{
        static const struct {
                const char *name;
                int (*fn)(int, char **);
        } table[] = {
            {"inspect", cli_image_inspect},
            {"ls", cli_images},
            {"list", cli_images},
            {"rm", cli_rmi},
            {"tag", cli_tag},
            {"load", cli_load},
            {"import", cli_import},
        };
        const char *cmd = argc > 1 ? argv[1] : NULL;

        if (cmd == NULL) {
                image_usage();
                return EXIT_BURROW_FAILURE;
        }
        if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
                image_usage();
                return 0;
        }
        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
                if (strcmp(cmd, table[i].name) == 0)
                        return table[i].fn(argc - 1, argv + 1);
        fprintf(stderr, "burrow: image: unknown command \"%s\": see 'burrow image --help'\n", cmd);
        return EXIT_BURROW_FAILURE;
}
