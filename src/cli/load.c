/* `burrow load`: images from a docker-archive or oci-archive (-i FILE, or stdin) or an OCI layout (--oci-dir). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "image/load.h"
#include "image/store.h"
#include "util/cleanup.h"

static const struct option load_cli_options[] = {
    {"input", required_argument, NULL, 'i'},
    {"oci-dir", required_argument, NULL, 'O'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'H'},
    {NULL, 0, NULL, 0},
};

static void load_usage(void)
{
        printf("Usage: burrow load [-i FILE|-] [--oci-dir DIR] [-q]\n"
               "\n"
               "Load images from a docker-archive or oci-archive (plain, gzip or zstd; stdin by default) or from an\n"
               "OCI image layout directory, and print \"Loaded image: NAME\" for each.\n"
               "\n"
               "Options:\n"
               "  -i, --input FILE   read the archive from FILE (\"-\": stdin)\n"
               "      --oci-dir DIR  load the OCI image layout in DIR\n"
               "  -q, --quiet        no progress on stderr\n"
               "      --help         this text\n");
}

int cli_load(int argc, char **argv)
{
        _cleanup_error_ burrow_error *err = NULL;
        _cleanup_strv_ strv loaded = {0};
        const char *input = NULL, *oci_dir = NULL;
        load_options opts = {0};
        image_store *store = NULL;
        bool quiet = false;
        int opt, r;

        opterr = 0;
        optind = 0; /* 0: glibc re-initializes (and reads a "+" again) */
        while ((opt = getopt_long(argc, argv, "+:i:q", load_cli_options, NULL)) != -1) {
                switch (opt) {
                case 'i':
                        input = optarg;
                        break;
                case 'O':
                        oci_dir = optarg;
                        break;
                case 'q':
                        quiet = true;
                        break;
                case 'H':
                        load_usage();
                        return 0;
                default:
                        cli_option_error("load", opt, argv, &err);
                        goto fail;
                }
        }
        if (optind < argc) {
                error_make(&err, 0, "load: unexpected argument \"%s\": see 'burrow load --help'", argv[optind]);
                goto fail;
        }
        if (input && oci_dir) {
                error_make(&err, 0, "load: --input and --oci-dir cannot be used together");
                goto fail;
        }
        if (input == NULL && oci_dir == NULL) {
                if (isatty(STDIN_FILENO)) {
                        error_make(&err, 0, "load: no input: use -i FILE, --oci-dir DIR, or pipe an archive to stdin");
                        goto fail;
                }
                input = "-";
        }
        opts.progress = !quiet && isatty(STDERR_FILENO);
        if (cli_open_store(true, &store, &err) < 0)
                goto fail;
        r = oci_dir ? load_oci_dir(store, oci_dir, &opts, &loaded, &err)
                    : load_archive(store, input, &opts, &loaded, &err);
        store_close(store);
        if (r < 0) {
                error_wrap(&err, "load");
                goto fail;
        }
        for (size_t i = 0; i < loaded.len; i++)
                printf("Loaded image: %s\n", loaded.items[i]);
        return 0;
fail:
        error_print(err);
        return EXIT_BURROW_FAILURE;
}
