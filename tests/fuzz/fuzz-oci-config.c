/* oci_config_parse() (config.json of an OCI bundle) on arbitrary bytes: no crash, no leak; a success is a spec the
 * launcher can run as it is, and an error is one line naming config.json. */
#include <sched.h>

#include "cgroup/limits.h"
#include "fuzz.h"
#include "spec/oci.h"

static void check_path(const char *p)
{
        char *clean;

        FUZZ_ASSERT(p != NULL && p[0] == '/');
        clean = path_clean(p);
        FUZZ_ASSERT(clean != NULL && strcmp(clean, p) == 0);
        free(clean);
}

static void check_spec(const struct burrow_spec *spec)
{
        const struct spec_oci *oci = &spec->oci;
        struct cgroup_request req = {0};
        burrow_error *err = NULL;

        FUZZ_ASSERT(oci->enabled);
        FUZZ_ASSERT(spec->args.len > 0 && spec->args.items[0][0] != '\0' && spec->args.items[spec->args.len] == NULL);
        check_path(spec->cwd);
        check_path(spec->rootfs);
        check_path(oci->bundle);
        FUZZ_ASSERT(spec->user.user != NULL && spec->user.group != NULL);
        for (size_t i = 0; i < spec->env.len; i++)
                FUZZ_ASSERT(strchr(spec->env.items[i], '=') != NULL && spec->env.items[i][0] != '=');
        FUZZ_ASSERT(oci->n_namespaces <= SPEC_MAX_NAMESPACES);
        for (size_t i = 0; i < oci->n_namespaces; i++) {
                FUZZ_ASSERT(oci->namespaces[i].type != 0);
                if (oci->namespaces[i].path)
                        check_path(oci->namespaces[i].path);
                for (size_t j = 0; j < i; j++)
                        FUZZ_ASSERT(oci->namespaces[i].type != oci->namespaces[j].type);
        }
        for (size_t i = 0; i < spec->n_mounts; i++) {
                const struct spec_mount *m = &spec->mounts[i];
                fuzz_check_destination(m->destination);
                FUZZ_ASSERT((m->type == SPEC_MOUNT_BIND) == (m->source != NULL));
                if (m->source)
                        check_path(m->source);
                FUZZ_ASSERT(m->type == SPEC_MOUNT_TMPFS || m->data == NULL);
        }
        for (size_t i = 0; i < spec->masked_paths.len; i++)
                check_path(spec->masked_paths.items[i]);
        for (size_t i = 0; i < spec->readonly_paths.len; i++)
                check_path(spec->readonly_paths.items[i]);
        for (int k = 0; k < SPEC_HOOK_KINDS; k++)
                for (size_t i = 0; i < oci->n_hooks[k]; i++) {
                        check_path(oci->hooks[k][i].path);
                        FUZZ_ASSERT(oci->hooks[k][i].timeout >= 0);
                }
        for (size_t i = 0; i < oci->n_devices; i++)
                check_path(oci->devices[i].path);
        /* The maps are exact and valid; they come only with a user namespace that is created, not joined. */
        FUZZ_ASSERT(oci->has_maps == (oci->uidmap.n > 0));
        FUZZ_ASSERT(oci->has_maps == (oci->gidmap.n > 0));
        if (oci->has_maps) {
                FUZZ_ASSERT(idmap_validate(&oci->uidmap, &err) == 0 && idmap_validate(&oci->gidmap, &err) == 0);
                bool userns = false;
                for (size_t i = 0; i < oci->n_namespaces; i++)
                        userns |= oci->namespaces[i].type == CLONE_NEWUSER && oci->namespaces[i].path == NULL;
                FUZZ_ASSERT(userns);
        }
        FUZZ_ASSERT(oci->umask >= -1 && oci->umask <= 0777);
        for (size_t i = 0; i < spec->n_rlimits; i++)
                FUZZ_ASSERT(spec->rlimits[i].soft <= spec->rlimits[i].hard);
        /* Every limit is one the launcher takes, as `burrow run` would pass it. */
        for (size_t i = 0; i < spec->cgroup_flags.len; i++) {
                char *flag = strdup(spec->cgroup_flags.items[i]), *value = strchr(flag, '=');
                FUZZ_ASSERT(value != NULL);
                *value++ = '\0';
                FUZZ_ASSERT(cgroup_request_add(&req, flag, value, &err) == 0);
                free(flag);
        }
        cgroup_request_clear(&req);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct burrow_spec spec;
        burrow_error *err = NULL;

        if (size > OCI_CONFIG_MAX)
                return 0;
        spec_init(&spec);
        if (oci_config_parse((const char *)data, size, "/bundle", &spec, &err) == 0) {
                FUZZ_ASSERT(err == NULL);
                check_spec(&spec);
        } else {
                FUZZ_ASSERT(err != NULL && err->msg != NULL);
                FUZZ_ASSERT(strchr(err->msg, '\n') == NULL && strchr(err->msg, '\r') == NULL);
                FUZZ_ASSERT(strncmp(err->msg, "config.json: ", 13) == 0);
                error_free(&err);
        }
        spec_clear(&spec);
        return 0;
}
