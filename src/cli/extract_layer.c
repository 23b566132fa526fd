/* burrow __extract-layer BLOB MEDIA_TYPE DEST: internal, for the tests (tests/integration/image-extract.bats) and for
 * debugging. Extracts one layer blob as `burrow load` does and prints its diff_id; with --remove, removes one. Not part
 * of the user interface: it is not listed in --help and may change without notice. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "image/extract.h"
#include "util/cleanup.h"

int cli_extract_layer(int argc, char **argv)
{
        _cleanup_error_ burrow_error *err = NULL;
        _cleanup_close_ int fd = -1;
        char diff_id[UNPACK_DIFF_ID_SIZE];

        if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
                printf(
                    "Usage: burrow __extract-layer BLOB MEDIA_TYPE DEST\n"
                    "\n"
                    "Internal: extracts one layer blob (\"-\" reads stdin) into DEST, which must not exist, inside a\n"
                    "user namespace with the caller's subordinate ids, and prints the layer's diff_id.\n");
                return 0;
        }
        if (argc == 3 && strcmp(argv[1], "--remove") == 0) {
                if (image_remove_layer_dir(argv[2], &err) < 0) {
                        error_print(err);
                        return EXIT_BURROW_FAILURE;
                }
                return 0;
        }
        if (argc != 4) {
                fprintf(stderr, "burrow: __extract-layer: want BLOB MEDIA_TYPE DEST\n");
                return EXIT_BURROW_FAILURE;
        }
        if (strcmp(argv[1], "-") == 0)
                fd = dup(STDIN_FILENO);
        else
                fd = open(argv[1], O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                error_make(&err, errno, "open %s", argv[1]);
                error_print(err);
                return EXIT_BURROW_FAILURE;
        }
        if (image_extract_layer(fd, argv[2], argv[3], diff_id, &err) < 0) {
                error_print(err);
                return EXIT_BURROW_FAILURE;
        }
        printf("%s\n", diff_id);
        return 0;
}
