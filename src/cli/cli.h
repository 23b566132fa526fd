/* One entry point per subcommand; each parses its own argv and returns burrow's exit code. */
#pragma once

int cli_run(int argc, char **argv);
int cli_version(void);
void cli_usage(void);

/* Exit status of burrow's own failures (docker/podman's convention). */
#define EXIT_BURROW_FAILURE 125
