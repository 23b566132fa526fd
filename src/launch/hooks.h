/* OCI hooks (runtime-spec config.md "POSIX-platform Hooks"): createRuntime and prestart run by the runtime after the
 * namespaces exist, createContainer and startContainer inside the container, poststart after start, poststop after
 * delete. Each gets the container's state as JSON on stdin. */
#pragma once

#include <sys/types.h>

#include "spec/spec.h"
#include "util/error.h"

/* The state passed to hooks (and printed by `burrow oci state`): ociVersion, id, status, pid, bundle, annotations.
 * Caller frees. */
char *hooks_state_json(const struct burrow_spec *spec, const char *status, pid_t pid);

/* Runs the hooks of one kind in order, each with its args, exactly its env, the state on stdin and its timeout
 * (SIGKILL when it runs over). A hook that fails fails the call: `hook createRuntime[0] /bin/x: exited with status 1`. */
int hooks_run(const struct spec_oci *oci, enum spec_hook_kind kind, const char *state_json, burrow_error **err);

/* The kind's name in config.json ("createRuntime"). */
const char *hooks_kind_name(enum spec_hook_kind kind);
