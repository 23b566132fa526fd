/* One entry point per subcommand; each parses its own argv and returns burrow's exit code. */
#pragma once

#include <stdbool.h>

#include "spec/config.h"
#include "util/error.h"

struct image_store;

int cli_run(int argc, char **argv);
struct ctr_record;
/* run's flow for `run` and for `start` (existing: the record of the container to start again, detached). */
int cli_run_container(int argc, char **argv, const struct ctr_record *existing, bool print_id);
struct burrow_spec;
/* The spec a recorded container ran with (its run arguments parsed again, the image's part from the record), without
 * a command: for exec. */
int cli_run_spec_of(const struct ctr_record *rec, struct burrow_spec *spec, burrow_error **err);
/* -e and --env-file as run reads them. */
int cli_run_add_env(struct burrow_spec *spec, const char *arg, burrow_error **err);
int cli_run_add_env_file(struct burrow_spec *spec, const char *path, burrow_error **err);
int cli_version(void);
/* burrow doctor (src/cli/doctor.c): the host's prerequisites, each with its fix. */
int cli_doctor(int argc, char **argv);
void cli_usage(void);
/* Internal, for the tests (src/cli/extract_layer.c): extracts one layer blob and prints its diff_id. */
int cli_extract_layer(int argc, char **argv);

/* Images (src/cli/{load,import,images,rmi,tag,image}.c); `burrow image CMD` dispatches to the same functions. */
int cli_load(int argc, char **argv);
int cli_import(int argc, char **argv);
int cli_images(int argc, char **argv);
int cli_rmi(int argc, char **argv);
int cli_tag(int argc, char **argv);
int cli_image(int argc, char **argv);
int cli_image_inspect(int argc, char **argv);

/* Containers (src/cli/{ps,lifecycle,logs,exec,stats}.c); `burrow container CMD` dispatches to the same. */
int cli_ps(int argc, char **argv);
int cli_stop(int argc, char **argv);
int cli_kill(int argc, char **argv);
int cli_wait(int argc, char **argv);
int cli_rm(int argc, char **argv);
int cli_start(int argc, char **argv);
int cli_inspect(int argc, char **argv);
int cli_logs(int argc, char **argv);
int cli_exec(int argc, char **argv);
int cli_stats(int argc, char **argv);
int cli_container(int argc, char **argv);
int cli_container_prune(int argc, char **argv);
/* `burrow oci VERB` and `burrow-oci VERB` (src/cli/oci.c): the OCI runtime command line. */
int cli_oci(int argc, char **argv);
/* start -a: the container's output until it ends; returns its exit code. */
int cli_logs_attach(const char *dir);

/* burrow.conf(5), loaded by main before any command runs. */
extern struct burrow_config cli_config;

/* The global --root DIR (NULL: $BURROW_ROOT, $XDG_DATA_HOME/burrow, ~/.local/share/burrow). */
extern const char *cli_store_root;
/* The image store's directory by that precedence (--root, $BURROW_ROOT, storage.root, the XDG default), without
 * opening or creating it (caller frees). */
int cli_store_root_choose(char **ret, burrow_error **err);
/* Opens the image store at cli_store_root, locked for writing or reading. */
int cli_open_store(bool writable, struct image_store **ret, burrow_error **err);
/* The error for getopt_long's '?' and ':' results, naming the subcommand's --help. */
int cli_option_error(const char *command, int opt, char **argv, burrow_error **err);

/* Exit status of burrow's own failures (docker/podman's convention). */
#define EXIT_BURROW_FAILURE 125
