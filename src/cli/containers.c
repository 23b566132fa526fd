/* What the container commands (ps, inspect, logs, stop, kill, rm, start, exec, wait, stats) share: finding a
 * container by name or id, and printing --format output. */
#include "cli/containers.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "image/store.h"
#include "util/cleanup.h"
#include "util/template.h"

int cli_store_root_path(char **ret, burrow_error **err)
{
        image_store *store = NULL;

        if (cli_open_store(false, &store, err) < 0)
                return -1;
        *ret = xstrdup(store->root);
        store_close(store);
        return 0;
}

int cli_container_find(const char *root, const char *name_or_id, struct cli_container *ret, burrow_error **err)
{
        struct cli_container c = {0};

        if (ctr_resolve(root, name_or_id, &c.id, err) < 0)
                return -1;
        c.dir = ctr_dir(root, c.id);
        if (ctr_record_read(c.dir, &c.rec, err) < 0 || ctr_state_read_live(c.dir, &c.state, err) < 0) {
                cli_container_clear(&c);
                return -1;
        }
        *ret = c;
        return 0;
}

void cli_container_clear(struct cli_container *c)
{
        free(c->id);
        free(c->dir);
        ctr_record_clear(&c->rec);
        ctr_state_clear(&c->state);
        *c = (struct cli_container){0};
}

int cli_print_formatted(const char *format, struct json_object *obj, burrow_error **err)
{
        _cleanup_free_ char *out = NULL;

        if (template_render(format, obj, &out, err) < 0)
                return -1;
        fputs(out, stdout);
        if (out[0] == '\0' || out[strlen(out) - 1] != '\n')
                fputc('\n', stdout);
        return 0;
}
