/* `burrow container CMD`: podman's spellings of the container commands. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct {
        const char *name;
        int (*fn)(int argc, char **argv);
} commands[] = {
    {"ls", cli_ps},           {"list", cli_ps},
    {"ps", cli_ps},           {"run", cli_run},
    {"start", cli_start},     {"stop", cli_stop},
    {"kill", cli_kill},       {"rm", cli_rm},
    {"wait", cli_wait},       {"logs", cli_logs},
    {"exec", cli_exec},       {"stats", cli_stats},
    {"inspect", cli_inspect}, {"prune", cli_container_prune},
};

int cli_container(int argc, char **argv)
{
        if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
                printf("Usage: burrow container COMMAND [ARG...]\n\n"
                       "Commands: ls (ps, list), run, start, stop, kill, rm, wait, logs, exec, stats, inspect, "
                       "prune\n");
                return argc < 2 ? 125 : 0;
        }
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
                if (strcmp(argv[1], commands[i].name) == 0)
                        return commands[i].fn(argc - 1, argv + 1);
        fprintf(stderr, "burrow: unknown command \"container %.64s\": see 'burrow container --help'\n", argv[1]);
        return EXIT_BURROW_FAILURE;
}
