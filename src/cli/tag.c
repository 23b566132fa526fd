/* `burrow tag SOURCE TARGET...`: more names for an image (a name moves away from the image that had it). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "image/reference.h"
#include "image/store.h"
#include "util/cleanup.h"

static const struct option tag_options[] = {
    {"help", no_argument, NULL, 'H'},
    {NULL, 0, NULL, 0},
};

int cli_tag(int argc, char **argv)
{
        _cleanup_error_ burrow_error *err = NULL;
        _cleanup_strv_ strv names = {0};
        image_record rec = {0};
        image_store *store = NULL;
        int opt, r = 0;

        opterr = 0;
        optind = 0; /* 0: glibc re-initializes (and reads a "+" again) */
        while ((opt = getopt_long(argc, argv, "+:", tag_options, NULL)) != -1) {
                if (opt == 'H') {
                        printf("Usage: burrow tag IMAGE TARGET_NAME[:TAG]...\n\n"
                               "Add names to an image (a name without a registry gets localhost/, without a tag\n"
                               ":latest).\n");
                        return 0;
                }
                cli_option_error("tag", opt, argv, &err);
                goto fail;
        }
        if (argc - optind < 2) {
                error_make(&err, 0, "tag: expected IMAGE TARGET_NAME[:TAG]...: see 'burrow tag --help'");
                goto fail;
        }
        for (int i = optind + 1; i < argc; i++) {
                char *name = NULL;
                if (reference_normalize(argv[i], &name, &err) < 0)
                        goto fail;
                strv_push_owned(&names, name);
        }
        if (cli_open_store(true, &store, &err) < 0)
                goto fail;
        if (store_resolve(store, argv[optind], &rec, &err) == 0)
                for (size_t i = 0; i < names.len && r == 0; i++)
                        r = store_tag(store, rec.id, names.items[i], &err);
        else
                r = -1;
        image_record_clear(&rec);
        store_close(store);
        if (r < 0)
                goto fail;
        return 0;
fail:
        error_print(err);
        return EXIT_BURROW_FAILURE;
}
