/* `burrow import ROOTFS.tar[.gz|.zst] [NAME[:TAG]]`: a one-layer image from a root filesystem tarball. The tarball is
 * stored as given (its layer media type follows its compression) and the diff_id is the sha256 of its decompressed
 * stream, computed by a second read of the stored blob through libarchive. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "image/load.h"
#include "image/store.h"
#include "util/cleanup.h"

static const struct option import_options[] = {
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'H'},
    {NULL, 0, NULL, 0},
};

static void import_usage(void)
{
        printf("Usage: burrow import [-q] ROOTFS.tar[.gz|.zst]|- [NAME[:TAG]]\n"
               "\n"
               "Make a one-layer image from a root filesystem tarball and print its id.\n"
               "\n"
               "Options:\n"
               "  -q, --quiet   no progress on stderr\n"
               "      --help    this text\n");
}

int cli_import(int argc, char **argv)
{
        _cleanup_error_ burrow_error *err = NULL;
        _cleanup_free_ char *id = NULL;
        load_options opts = {0};
        image_store *store = NULL;
        bool quiet = false;
        int opt, r;

        opterr = 0;
        optind = 0; /* 0: glibc re-initializes (and reads a "+" again) */
        while ((opt = getopt_long(argc, argv, "+:q", import_options, NULL)) != -1) {
                if (opt == 'q') {
                        quiet = true;
                } else if (opt == 'H') {
                        import_usage();
                        return 0;
                } else {
                        cli_option_error("import", opt, argv, &err);
                        goto fail;
                }
        }
        if (optind >= argc || argc - optind > 2) {
                error_make(&err, 0, "import: expected ROOTFS.tar [NAME[:TAG]]: see 'burrow import --help'");
                goto fail;
        }
        opts.progress = !quiet && isatty(STDERR_FILENO);
        if (cli_open_store(true, &store, &err) < 0)
                goto fail;
        r = load_import_rootfs(store, argv[optind], optind + 1 < argc ? argv[optind + 1] : NULL, &opts, &id, &err);
        store_close(store);
        if (r < 0) {
                error_wrap(&err, "import");
                goto fail;
        }
        printf("%s\n", id);
        return 0;
fail:
        error_print(err);
        return EXIT_BURROW_FAILURE;
}
