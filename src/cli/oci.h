/* `burrow oci` (and `burrow-oci`): the OCI runtime command line (src/cli/oci.c, src/cli/oci-more.c). */
#pragma once

#include <stdbool.h>

#include "oci/state.h"
#include "spec/spec.h"
#include "util/error.h"

/* The global options, before the verb (runc's and crun's). */
struct oci_globals {
        const char *root;       /* --root */
        const char *log;        /* --log FILE: errors are appended there too */
        bool log_json;          /* --log-format json */
        bool systemd_cgroup;    /* --systemd-cgroup */
        bool debug;
        char *state_root;       /* resolved */
};

/* Reads ROOT/<id>/config.json (or bundle/config.json) into a spec for the container id. */
int oci_load_spec(const char *config_path, const char *bundle, const char *id, struct burrow_spec *spec,
                  burrow_error **err);

/* The verbs of src/cli/oci-more.c. */
int oci_cmd_exec(struct oci_globals *g, int argc, char **argv, burrow_error **err);
int oci_cmd_ps(struct oci_globals *g, int argc, char **argv, burrow_error **err);
int oci_cmd_pause(struct oci_globals *g, int argc, char **argv, bool pause, burrow_error **err);
int oci_cmd_update(struct oci_globals *g, int argc, char **argv, burrow_error **err);
int oci_cmd_features(struct oci_globals *g, int argc, char **argv, burrow_error **err);
int oci_cmd_spec(struct oci_globals *g, int argc, char **argv, burrow_error **err);
void oci_print_version(void);

/* Exit status of every failing verb (runc's and crun's). */
#define OCI_EXIT_FAILURE 1
