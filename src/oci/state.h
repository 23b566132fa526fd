/* `burrow oci`'s state directory: ROOT/<id>/ holds oci.json (id, bundle, annotations, created), state.json (the
 * launcher's container state: status, init pid and start time, boot id, cgroup), config.json (the bundle's, as it was
 * at create: exec and delete use it) and, between create and start, exec.fifo. ROOT is --root, else
 * $XDG_RUNTIME_DIR/burrow-oci, else /tmp/burrow-oci-UID (private, checked). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "container/record.h"
#include "util/error.h"
#include "util/strv.h"

enum oci_status { OCI_CREATING, OCI_CREATED, OCI_RUNNING, OCI_PAUSED, OCI_STOPPED };

struct oci_container {
        char *id;
        char *dir;       /* ROOT/<id> */
        char *bundle;
        strv annotations; /* "key=value" */
        int64_t created_ns;
        struct ctr_state state;
        enum oci_status status; /* what is true now */
};

/* The state root (caller frees); created 0700 when missing. */
int oci_state_root(const char *given, char **ret, burrow_error **err);

/* runc's rule for ids: letters, digits, _ + - . and not "." or ".."; at most 1024 characters. */
int oci_id_check(const char *id, burrow_error **err);

/* Reads ROOT/<id> and works out the status now (the init alive with the recorded start time, the fifo still there,
 * the cgroup frozen). "container ID does not exist" (ENOENT) otherwise. */
int oci_container_load(const char *root, const char *id, struct oci_container *ret, burrow_error **err);
void oci_container_clear(struct oci_container *c);

/* Writes oci.json. */
int oci_container_write_record(const struct oci_container *c, burrow_error **err);

const char *oci_status_name(enum oci_status s);

/* The runtime-spec state object: ociVersion, id, status, pid, bundle, annotations (+ created, owner). Caller frees. */
char *oci_state_json(const struct oci_container *c, bool pretty);

/* Writes text to path atomically (a temporary file and rename): pid files. */
int oci_write_file_atomic(const char *path, const char *text, burrow_error **err);

/* Removes ROOT/<id> and what is in it. */
void oci_container_remove_dir(const char *dir);
