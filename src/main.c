/* argv dispatch only, after the global options (--root). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct {
        const char *name;
        int (*fn)(int argc, char **argv);
} commands[] = {
    {"run", cli_run},
    {"load", cli_load},
    {"import", cli_import},
    {"images", cli_images},
    {"rmi", cli_rmi},
    {"tag", cli_tag},
    {"image", cli_image},
    {"ps", cli_ps},
    {"start", cli_start},
    {"stop", cli_stop},
    {"kill", cli_kill},
    {"rm", cli_rm},
    {"wait", cli_wait},
    {"logs", cli_logs},
    {"exec", cli_exec},
    {"stats", cli_stats},
    {"inspect", cli_inspect},
    {"container", cli_container},
    {"oci", cli_oci},
    {"doctor", cli_doctor},
    /* Internal, for the extraction tests; not listed in --help. */
    {"__extract-layer", cli_extract_layer},
};

int main(int argc, char **argv)
{
        const char *cmd, *base = strrchr(argv[0], '/');

        /* burrow-oci is `burrow oci`: the name engines are given as their runtime. */
        if (strcmp(base ? base + 1 : argv[0], "burrow-oci") == 0)
                return cli_oci(argc, argv);

        /* Global options come before the command, as podman's --root. */
        while (argc > 1 && strncmp(argv[1], "--root", 6) == 0) {
                if (strcmp(argv[1], "--root") == 0) {
                        if (argc < 3) {
                                fprintf(stderr, "burrow: option --root: a value is required\n");
                                return EXIT_BURROW_FAILURE;
                        }
                        cli_store_root = argv[2];
                        argv += 2;
                        argc -= 2;
                } else if (strncmp(argv[1], "--root=", 7) == 0) {
                        cli_store_root = argv[1] + 7;
                        argv++;
                        argc--;
                } else {
                        break;
                }
        }
        cmd = argc > 1 ? argv[1] : NULL;
        if (cmd == NULL) {
                cli_usage();
                return EXIT_BURROW_FAILURE;
        }
        if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-v") == 0 || strcmp(cmd, "version") == 0)
                return cli_version();
        if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
                cli_usage();
                return 0;
        }
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
                burrow_error *err = NULL;
                int code;

                if (strcmp(cmd, commands[i].name) != 0)
                        continue;
                if (config_load(&cli_config, &err) < 0) {
                        error_print(err);
                        error_free(&err);
                        /* doctor is what one runs when things are broken: it goes on with the defaults. */
                        if (strcmp(cmd, "doctor") != 0)
                                return EXIT_BURROW_FAILURE;
                        config_clear(&cli_config);
                }
                code = commands[i].fn(argc - 1, argv + 1);
                config_clear(&cli_config);
                return code;
        }
        fprintf(stderr, "burrow: unknown command \"%s\": see 'burrow --help'\n", cmd);
        return EXIT_BURROW_FAILURE;
}
