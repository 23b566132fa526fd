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
        printf("Usage: burrow [--root DIR] [--version] [--help] COMMAND [ARG...]\n"
               "\n"
               "A rootless container launcher: no daemon, no root.\n"
               "\n"
               "Commands:\n"
               "  run       run a command in a new container\n"
               "  load      load images from a docker-archive, oci-archive or OCI layout\n"
               "  import    make an image from a root filesystem tarball\n"
               "  images    list the images in the store\n"
               "  rmi       remove images\n"
               "  tag       add names to an image\n"
               "  image     manage images: inspect, ls, rm, tag, load, import\n"
               "\n"
               "Global options:\n"
               "  --root DIR   keep the image store in DIR (default: $BURROW_ROOT, else\n"
               "               $XDG_DATA_HOME/burrow, else ~/.local/share/burrow)\n"
               "  --version    print the version and the compiled-in features\n"
               "  --help       this text\n"
               "\n"
               "Run 'burrow COMMAND --help' for a command's options; see burrow(1).\n");
}
