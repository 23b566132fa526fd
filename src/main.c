/* argv dispatch only. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int main(int argc, char **argv)
{
        const char *cmd = argc > 1 ? argv[1] : NULL;

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
        if (strcmp(cmd, "run") == 0)
                return cli_run(argc - 1, argv + 1);
        fprintf(stderr, "burrow: unknown command \"%s\": see 'burrow --help'\n", cmd);
        return EXIT_BURROW_FAILURE;
}
