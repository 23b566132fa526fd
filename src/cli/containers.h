/* Shared by the container commands (src/cli/containers.c). */
#pragma once

#include <json-c/json.h>

#include "container/record.h"
#include "util/error.h"

struct cli_container {
        char *id;
        char *dir;
        struct ctr_record rec;
        struct ctr_state state; /* as it is now (ctr_state_read_live) */
};

/* The store's root directory (the global --root, or the default), as a path (caller frees). */
int cli_store_root_path(char **ret, burrow_error **err);

/* Finds a container by name, full id or unique id prefix and reads its record and live state. */
int cli_container_find(const char *root, const char *name_or_id, struct cli_container *ret, burrow_error **err);
void cli_container_clear(struct cli_container *c);

/* Renders a --format template against obj and prints it with a final newline. */
int cli_print_formatted(const char *format, struct json_object *obj, burrow_error **err);
