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
               "  run       run a command in a new container (-d: in the background)\n"
               "  ps        list containers\n"
               "  exec      run a command in a running container\n"
               "  logs      print a detached container's output\n"
               "  stop      stop containers (their stop signal, then SIGKILL)\n"
               "  start     start stopped containers again\n"
               "  kill      send a signal to containers\n"
               "  wait      wait for containers to end, print their exit codes\n"
               "  rm        remove containers\n"
               "  inspect   show containers or images as JSON\n"
               "  stats     show containers' resource use\n"
               "  container manage containers: ls, prune, and the commands above\n"
               "  load      load images from a docker-archive, oci-archive or OCI layout\n"
               "  import    make an image from a root filesystem tarball\n"
               "  images    list the images in the store\n"
               "  rmi       remove images\n"
               "  tag       add names to an image\n"
               "  image     manage images: inspect, ls, rm, tag, load, import\n"
               "  doctor    check this host for what rootless containers need, naming each fix\n"
               "  oci       the OCI runtime command line (create, start, state, ...; also burrow-oci)\n"
               "\n"
               "Global options:\n"
               "  --root DIR   keep images and containers in DIR (default: $BURROW_ROOT, else\n"
               "               $XDG_DATA_HOME/burrow, else ~/.local/share/burrow)\n"
               "  --version    print the version and the compiled-in features\n"
               "  --help       this text\n"
               "\n"
               "Run 'burrow COMMAND --help' for a command's options; see burrow(1).\n");
}
