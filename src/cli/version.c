#include <stdio.h>

#include "cli/cli.h"
#include "config.h"

/* Compiled-in features, as crun --version lists them. */
static const char *const features[] = {"+libsubid", "+libcap",  "+seccomp",   "+json-c",
                                       "+userns",   "+openat2", "+mount-api", NULL};

int cli_version(void)
{
        printf("burrow version %s\n", BURROW_VERSION);
        printf("features:");
        for (size_t i = 0; features[i]; i++)
                printf(" %s", features[i]);
        printf("\n");
        return 0;
}

void cli_usage(void)
{
        printf("Usage: burrow [--version] [--help] COMMAND [ARG...]\n"
               "\n"
               "A rootless container launcher: no daemon, no root.\n"
               "\n"
               "Commands:\n"
               "  run       run a command in a new container\n"
               "\n"
               "Run 'burrow COMMAND --help' for a command's options; see burrow(1).\n");
}
