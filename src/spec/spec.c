#include "spec/spec.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spec/parse.h"
#include "util/cleanup.h"

void spec_init(struct burrow_spec *spec)
{
        unsigned char raw[32];
        char *id = xmalloc(65);

        memset(spec, 0, sizeof(*spec));
        spec->init = true;
        spec->no_new_privileges = true;
        spec->network = SPEC_NETWORK_SLIRP;
        spec->oci.umask = -1;
        spec->slirp = (struct spec_slirp){.mtu = 65520, .network = 0x0a000200, .prefix = 24, .ipv6 = true};
        if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
                abort();
        for (size_t i = 0; i < sizeof(raw); i++)
                snprintf(id + 2 * i, 3, "%02x", raw[i]);
        spec->id = id;
}

void spec_add_mount(struct burrow_spec *spec, struct spec_mount *mount)
{
        spec->mounts = xrealloc(spec->mounts, (spec->n_mounts + 1) * sizeof(*spec->mounts));
        spec->mounts[spec->n_mounts++] = *mount;
        memset(mount, 0, sizeof(*mount));
}

void spec_mount_clear(struct spec_mount *mount)
{
        free(mount->source);
        free(mount->destination);
        free(mount->data);
        memset(mount, 0, sizeof(*mount));
}

void spec_oci_clear(struct spec_oci *oci)
{
        for (size_t i = 0; i < oci->n_namespaces; i++)
                free(oci->namespaces[i].path);
        free(oci->additional_gids);
        free(oci->domainname);
        strv_clear(&oci->sysctl);
        for (int k = 0; k < SPEC_HOOK_KINDS; k++) {
                for (size_t i = 0; i < oci->n_hooks[k]; i++) {
                        free(oci->hooks[k][i].path);
                        strv_clear(&oci->hooks[k][i].args);
                        strv_clear(&oci->hooks[k][i].env);
                }
                free(oci->hooks[k]);
        }
        strv_clear(&oci->annotations);
        free(oci->cgroups_path);
        free(oci->seccomp_json);
        free(oci->seccomp_listener_path);
        free(oci->seccomp_listener_metadata);
        for (size_t i = 0; i < oci->n_devices; i++)
                free(oci->devices[i].path);
        free(oci->devices);
        idmap_clear(&oci->uidmap);
        idmap_clear(&oci->gidmap);
        free(oci->bundle);
        *oci = (struct spec_oci){.umask = -1};
}

void spec_clear(struct burrow_spec *spec)
{
        spec_oci_clear(&spec->oci);
        free(spec->id);
        free(spec->name);
        strv_clear(&spec->labels);
        free(spec->stop_signal);
        free(spec->rootfs);
        strv_clear(&spec->overlay_lower);
        free(spec->overlay_upper);
        free(spec->overlay_work);
        free(spec->image);
        free(spec->slirp.outbound_addr);
        free(spec->slirp.outbound_addr6);
        free(spec->slirp.upstream_resolv_conf);
        strv_clear(&spec->exposed_ports);
        strv_clear(&spec->cgroup_flags);
        strv_clear(&spec->dns);
        strv_clear(&spec->dns_search);
        strv_clear(&spec->dns_options);
        strv_clear(&spec->add_hosts);
        free(spec->ports);
        free(spec->entrypoint);
        strv_clear(&spec->args);
        strv_clear(&spec->env);
        free(spec->cwd);
        free(spec->user.user);
        free(spec->user.group);
        free(spec->hostname);
        for (size_t i = 0; i < spec->n_mounts; i++)
                spec_mount_clear(&spec->mounts[i]);
        free(spec->mounts);
        strv_clear(&spec->masked_paths);
        strv_clear(&spec->readonly_paths);
        strv_clear(&spec->cap_add);
        strv_clear(&spec->cap_drop);
        free(spec->seccomp_profile);
        free(spec->rlimits);
        free(spec->uidmap_request);
        free(spec->gidmap_request);
        memset(spec, 0, sizeof(*spec));
}

static int validate_hostname(const char *name, burrow_error **err)
{
        size_t len = strlen(name);

        if (len == 0 || len > 64)
                return error_make(err, 0, "invalid hostname \"%s\": must be 1 to 64 characters", name);
        for (const char *p = name; *p; p++)
                if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
                      *p == '.' || *p == '_'))
                        return error_make(err, 0, "invalid hostname \"%s\": only letters, digits, '-', '.', '_'", name);
        return 0;
}

static int validate_rootfs(struct burrow_spec *spec, burrow_error **err)
{
        char *real;
        struct stat st;

        if (spec->rootfs == NULL)
                return error_make(err, 0, "no root filesystem: give --rootfs DIR");
        real = realpath(spec->rootfs, NULL);
        if (real == NULL)
                return error_make(err, errno, "root filesystem %s", spec->rootfs);
        if (stat(real, &st) < 0 || !S_ISDIR(st.st_mode)) {
                free(real);
                return error_make(err, ENOTDIR, "root filesystem %s", spec->rootfs);
        }
        free(spec->rootfs);
        spec->rootfs = real;
        return 0;
}

static int validate_mounts(struct burrow_spec *spec, burrow_error **err)
{
        for (size_t i = 0; i < spec->n_mounts; i++) {
                struct spec_mount *m = &spec->mounts[i];

                for (size_t j = 0; j < i; j++)
                        if (strcmp(spec->mounts[j].destination, m->destination) == 0)
                                return error_make(err, 0, "mount destination %s: given more than once", m->destination);
                if (m->type == SPEC_MOUNT_BIND) {
                        char *real = realpath(m->source, NULL);
                        if (real == NULL)
                                return error_make(err, errno, "volume source %s", m->source);
                        free(m->source);
                        m->source = real;
                }
        }
        return 0;
}

int spec_validate(struct burrow_spec *spec, burrow_error **err)
{
        if (spec->args.len == 0 || spec->args.items[0][0] == '\0')
                return error_make(err, 0, "run: no command given (see 'burrow run --help')");
        if (spec->entrypoint && spec->image == NULL)
                return error_make(err, 0, "--entrypoint: only for images (with --rootfs, give the command itself)");
        if (validate_rootfs(spec, err) < 0)
                return -1;
        if (spec->cwd) {
                char *clean = path_clean(spec->cwd);
                if (clean == NULL)
                        return error_make(err, 0, "invalid working directory \"%s\": must be an absolute path",
                                          spec->cwd);
                free(spec->cwd);
                spec->cwd = clean;
        }
        if (spec->hostname && validate_hostname(spec->hostname, err) < 0)
                return -1;
        if (spec->userns == SPEC_USERNS_KEEP_ID && (spec->n_uidmap_request || spec->n_gidmap_request))
                return error_make(err, 0, "--userns=keep-id cannot be combined with --uidmap or --gidmap");
        if (spec->userns == SPEC_USERNS_KEEP_ID && spec->user.user == NULL) {
                spec->user.user = xasprintf("%u", (unsigned)getuid());
                spec->user.group = xasprintf("%u", (unsigned)getgid());
        }
        if (spec->privileged) {
                /* podman: --privileged lifts the masks and read-only paths along with the capability and seccomp
                 * limits. */
                strv_clear(&spec->masked_paths);
                strv_clear(&spec->readonly_paths);
        }
        return validate_mounts(spec, err);
}
