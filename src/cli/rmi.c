/* `burrow rmi [-f] IMAGE...`: podman's rules. A name removes that name, and the image with its last name; an id
 * removes the image, which needs -f when it has several names. Blobs and layers no other image uses go with it.
 * An image a running container uses is refused (its layers are the container's overlay), with -f too: burrow cannot
 * stop a foreground container for you. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "image/container.h"
#include "image/reference.h"
#include "image/store.h"
#include "util/cleanup.h"

static const struct option rmi_options[] = {
    {"force", no_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'H'},
    {NULL, 0, NULL, 0},
};

/* The stored name a (non-id) reference designates, or NULL. */
static const char *matched_name(const image_record *rec, const char *reference)
{
        image_reference ref = {0};
        burrow_error *err = NULL;
        const char *found = NULL;

        if (reference_parse(reference, &ref, &err) < 0) {
                error_free(&err);
                return NULL;
        }
        for (size_t i = 0; i < rec->names.len && !found; i++)
                if (!ref.digest && reference_matches_name(&ref, rec->names.items[i]))
                        found = rec->names.items[i];
        reference_clear(&ref);
        return found;
}

static int remove_one(image_store *store, const char *reference, bool force, burrow_error **err)
{
        image_record rec = {0};
        const char *name;
        int r = 0;

        if (store_resolve(store, reference, &rec, err) < 0)
                return -1;
        name = matched_name(&rec, reference);
        if (!(name && rec.names.len > 1) && image_in_use(store, rec.id)) {
                r = error_make(err, 0, "image %s: in use by a container (remove the container first: burrow rm)", reference);
                (void)force;
        } else if (name && rec.names.len > 1) {
                r = store_untag(store, rec.id, name, err);
                if (r == 0)
                        printf("Untagged: %s\n", name);
        } else if (!name && rec.names.len > 1 && !force) {
                r = error_make(
                    err, 0, "unable to delete image \"%s\" by ID with more than one tag: please force removal", rec.id);
        } else {
                r = store_remove_image(store, rec.id, err);
                if (r == 0) {
                        for (size_t i = 0; i < rec.names.len; i++)
                                printf("Untagged: %s\n", rec.names.items[i]);
                        printf("Deleted: %s\n", rec.id);
                }
        }
        image_record_clear(&rec);
        return r;
}

int cli_rmi(int argc, char **argv)
{
        _cleanup_error_ burrow_error *err = NULL;
        image_store *store = NULL;
        bool force = false;
        int opt, status = 0;

        opterr = 0;
        optind = 0; /* 0: glibc re-initializes (and reads a "+" again) */
        while ((opt = getopt_long(argc, argv, "+:f", rmi_options, NULL)) != -1) {
                if (opt == 'f') {
                        force = true;
                } else if (opt == 'H') {
                        printf("Usage: burrow rmi [-f] IMAGE...\n\n"
                               "Remove images by name or id, with the blobs and layers no other image uses.\n\n"
                               "Options:\n"
                               "  -f, --force   remove an image by id even when it has several names\n"
                               "      --help    this text\n");
                        return 0;
                } else {
                        cli_option_error("rmi", opt, argv, &err);
                        goto fail;
                }
        }
        if (optind >= argc) {
                error_make(&err, 0, "rmi: at least one IMAGE is required");
                goto fail;
        }
        if (cli_open_store(true, &store, &err) < 0)
                goto fail;
        for (int i = optind; i < argc; i++)
                if (remove_one(store, argv[i], force, &err) < 0) {
                        error_print(err);
                        error_free(&err);
                        status = EXIT_BURROW_FAILURE;
                }
        store_close(store);
        return status;
fail:
        error_print(err);
        return EXIT_BURROW_FAILURE;
}
