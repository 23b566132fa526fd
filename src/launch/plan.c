/* The plan of a run (launch.h's struct launch_plan): everything the parent decides before any namespace exists, so
 * that a bad profile, a missing helper, a busy port or an impossible limit fails the run before anything starts: the id
 * maps, the capabilities and seccomp filter, the network, the resource limits. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "idmap/subid.h"
#include "launch/launch.h"
#include "net/slirp.h"
#include "util/cleanup.h"
#include "util/fileutil.h"

#include "config.h"

void launch_plan_clear(struct launch_plan *plan)
{
        free(plan->fuse_overlayfs);
        plan->fuse_overlayfs = NULL;
        free(plan->hostname);
        net_files_clear(&plan->net_files);
        free(plan->slirp_helper);
        free(plan->host_resolv_conf);
        free(plan->ports);
        forward_set_free(plan->forward);
        plan->forward = NULL;
        cgroup_limits_clear(&plan->limits);
        idmap_clear(&plan->uidmap);
        idmap_clear(&plan->gidmap);
        seccomp_program_clear(&plan->seccomp);
}

/* libseccomp needs ~15 ms for the default profile; a profile that takes seconds is broken or hits a libseccomp bug. */
#define SECCOMP_BUILD_TIMEOUT_MS 5000

/* Reads, validates and compiles the seccomp profile for the workload's capabilities, before any namespace exists. The
 * default profile with capabilities that compile like the default set takes the filter generated at build time. */
static int prepare_seccomp(const struct burrow_spec *spec, struct launch_plan *plan, burrow_error **err)
{
        struct seccomp_profile *profile = NULL;
        int r;

        if (spec->privileged || spec->seccomp_unconfined)
                return 0;
        if (spec->seccomp_profile == NULL && seccomp_program_default(plan->caps, &plan->seccomp))
                return 0;
        if (spec->seccomp_profile) {
                _cleanup_free_ char *json = NULL;
                size_t len;

                if (file_read_all(spec->seccomp_profile, SECCOMP_PROFILE_MAX_SIZE, &json, &len, err) < 0)
                        return error_wrap(err, "seccomp profile");
                r = seccomp_profile_parse(json, len, &profile, err);
        } else {
                r = seccomp_profile_default(&profile, err);
        }
        if (r == 0)
                r = seccomp_profile_build(profile, plan->caps, SECCOMP_BUILD_TIMEOUT_MS, &plan->seccomp, err);
        seccomp_profile_free(profile);
        if (r < 0 && spec->seccomp_profile)
                return error_wrap(err, "%s", spec->seccomp_profile);
        return r;
}

/* OCI: process.capabilities as given (permitted and effective become the set; bounding is cut to it), and
 * linux.seccomp as given, or no filter without one. */
static int prepare_security_oci(const struct burrow_spec *spec, struct launch_plan *plan, burrow_error **err)
{
        const struct spec_oci *oci = &spec->oci;
        struct seccomp_profile *profile = NULL;
        int r;

        /* Without process.capabilities runc and crun leave the process every capability of its user namespace. */
        plan->caps =
            oci->caps_given ? (oci->cap_permitted | oci->cap_effective) & oci->cap_bounding & caps_all() : caps_all();
        plan->caps_added = oci->caps_given ? oci->cap_ambient & plan->caps : 0;
        if (oci->seccomp_json == NULL)
                return 0;
        if (oci->seccomp_listener_path)
                return error_make(err, 0,
                                  "linux.seccomp.listenerPath: the seccomp notification listener is not supported");
        r = seccomp_profile_parse(oci->seccomp_json, strlen(oci->seccomp_json), &profile, err);
        if (r == 0)
                seccomp_profile_first_rule_wins(profile);
        if (r == 0)
                r = seccomp_profile_build(profile, plan->caps, SECCOMP_BUILD_TIMEOUT_MS, &plan->seccomp, err);
        seccomp_profile_free(profile);
        return r < 0 ? error_wrap(err, "linux.seccomp") : 0;
}

int launch_prepare_security(const struct burrow_spec *spec, struct launch_plan *plan, burrow_error **err)
{
        if (spec->oci.enabled)
                return prepare_security_oci(spec, plan, err);
        if (caps_resolve(spec->privileged ? caps_all() : caps_default(), &spec->cap_add, &spec->cap_drop, &plan->caps,
                         &plan->caps_added, err) < 0)
                return -1;
        return prepare_seccomp(spec, plan, err);
}

static int build_map(const struct burrow_spec *spec, uint32_t caller, const struct idmap_subids *sub,
                     const struct idmap_range *req, size_t n_req, const char *flag, struct idmap *ret,
                     burrow_error **err)
{
        int r;

        if (n_req > 0)
                r = idmap_build_from_intermediate(req, n_req, caller, sub, ret, err);
        else if (spec->userns == SPEC_USERNS_KEEP_ID)
                r = idmap_build_keep_id(caller, sub, ret, err);
        else
                r = idmap_build_default(caller, sub, ret, err);
        if (r < 0)
                return n_req > 0 ? error_wrap(err, "%s", flag) : -1;
        if (idmap_validate(ret, err) < 0)
                return error_wrap(err, "%s", flag);
        return 0;
}

/* -p and -P (the image's ExposedPorts, each to a free host port) as one list of mappings. */
static int plan_ports(const struct burrow_spec *spec, struct launch_plan *plan, burrow_error **err)
{
        plan->ports = xcalloc(spec->n_ports + 1, sizeof(*plan->ports));
        if (spec->n_ports > 0)
                memcpy(plan->ports, spec->ports, spec->n_ports * sizeof(*plan->ports));
        plan->n_ports = spec->n_ports;
        for (size_t i = 0; spec->publish_all && i < spec->exposed_ports.len; i++) {
                const char *port = spec->exposed_ports.items[i];
                if (portspec_parse(port, &plan->ports, &plan->n_ports, err) < 0)
                        return error_wrap(err, "-P: the image's exposed port \"%s\"", port);
        }
        if (plan->n_ports == 0)
                return 0;
        if (spec->network == SPEC_NETWORK_HOST)
                return error_make(err, 0, "-p: not with --network host, where the container uses the host's ports");
        {
                _cleanup_free_ bool *chosen = xcalloc(plan->n_ports, sizeof(bool));
                for (size_t i = 0; i < plan->n_ports; i++)
                        chosen[i] =
                            plan->ports[i].host_port == 0 || plan->ports[i].host_port_last != plan->ports[i].host_port;
                if (forward_bind(plan->ports, plan->n_ports, &plan->forward, err) < 0)
                        return -1;
                /* A port the kernel chose is known only now: say which (there is no `burrow port` for a run yet). */
                for (size_t i = 0; i < plan->n_ports && !spec->quiet; i++)
                        if (chosen[i]) {
                                _cleanup_free_ char *m = portspec_format(&plan->ports[i]);
                                fprintf(stderr, "burrow: notice: published %s\n", m);
                        }
        }
        return 0;
}

/* Everything networking needs before the namespaces exist, so that a missing helper, an unusable /dev/net/tun or a
 * port in use fails the run before anything starts. */
static int plan_network(const struct burrow_spec *spec, struct launch_plan *plan, burrow_error **err)
{
        _cleanup_free_ char *etc_resolv = NULL, *host_resolv = NULL, *host_hosts = NULL;
        const char *resolv_path;

        (void)file_read_all("/etc/resolv.conf", 1 << 16, &etc_resolv, NULL, NULL);
        resolv_path =
            spec->slirp.upstream_resolv_conf ? spec->slirp.upstream_resolv_conf : net_host_resolv_conf_path(etc_resolv);
        /* The stub named without systemd-resolved's list beside it: the stub itself, which burrow-slirp (in the
         * host's network namespace) can still reach. */
        if (spec->slirp.upstream_resolv_conf == NULL && access(resolv_path, R_OK) < 0)
                resolv_path = "/etc/resolv.conf";
        if (strcmp(resolv_path, "/etc/resolv.conf") == 0)
                host_resolv = steal_pointer(&etc_resolv);
        else
                (void)file_read_all(resolv_path, 1 << 16, &host_resolv, NULL, NULL);
        if (spec->network == SPEC_NETWORK_HOST)
                (void)file_read_all("/etc/hosts", 1 << 20, &host_hosts, NULL, NULL);
        net_files_build(spec, plan->hostname, host_resolv, host_hosts, &plan->net_files);
        plan->fs.resolv_conf = plan->net_files.resolv_conf;
        plan->fs.hosts = plan->net_files.hosts;
        plan->fs.hostname = plan->net_files.hostname;

        if (spec->network == SPEC_NETWORK_SLIRP) {
                plan->slirp_helper = net_slirp_find();
                if (plan->slirp_helper == NULL)
                        return error_make(err, 0,
                                          "network: burrow-slirp is not installed (expected in " BURROW_LIBEXECDIR
                                          "); use --network none, or run `burrow doctor`");
                if (access("/dev/net/tun", R_OK | W_OK) < 0)
                        return error_make(err, 0,
                                          "network: /dev/net/tun: %s (it must be readable and writable by every user, "
                                          "mode 0666); use --network none, or run `burrow doctor`",
                                          strerror(errno));
                plan->host_resolv_conf = xstrdup(resolv_path);
        }
        return plan_ports(spec, plan, err);
}

/* --device-read-bps and friends name a block device; cgroup v2's io.max wants its number. */
static int block_device_number(const char *path, unsigned *ret_major, unsigned *ret_minor)
{
        struct stat st;

        if (stat(path, &st) < 0)
                return -errno;
        if (!S_ISBLK(st.st_mode))
                return -ENOTBLK;
        *ret_major = major(st.st_rdev);
        *ret_minor = minor(st.st_rdev);
        return 0;
}

/* The resource-limit flags, checked together and turned into cgroup v2 writes before anything exists. */
static int plan_limits(const struct burrow_spec *spec, struct launch_plan *plan, burrow_error **err)
{
        struct cgroup_request req = {0};
        int r = -1;

        if (spec->cgroup_flags.len == 0)
                return 0;
        if (spec->cgroup_manager == SPEC_CGROUP_DISABLED)
                return error_make(err, 0,
                                  "--%s: resource limits need a cgroup, and --cgroup-manager disabled was given",
                                  spec->cgroup_flags.items[0]);
        for (size_t i = 0; i < spec->cgroup_flags.len; i++) {
                _cleanup_free_ char *flag = xstrdup(spec->cgroup_flags.items[i]);
                char *value = strchr(flag, '=');
                *value++ = '\0';
                if (cgroup_request_add(&req, flag, value, err) < 0)
                        goto out;
        }
        r = cgroup_limits_build(&req, block_device_number, &plan->limits, err);
out:
        cgroup_request_clear(&req);
        return r;
}

static unsigned long namespace_flags(const struct burrow_spec *spec)
{
        unsigned long flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;

        /* OCI: exactly the namespaces config.json lists; one given by path is joined by P before the clone. */
        if (spec->oci.enabled) {
                flags = 0;
                for (size_t i = 0; i < spec->oci.n_namespaces; i++)
                        if (spec->oci.namespaces[i].path == NULL)
                                flags |= (unsigned long)spec->oci.namespaces[i].type;
                return flags;
        }

        if (spec->network != SPEC_NETWORK_HOST)
                flags |= CLONE_NEWNET;
        if (access("/proc/self/ns/cgroup", F_OK) == 0)
                flags |= CLONE_NEWCGROUP;
        return flags;
}

static int plan_common(const struct burrow_spec *spec, struct launch_plan *plan, burrow_error **err);

static void copy_map(const struct idmap *from, struct idmap *to)
{
        to->ranges = xcalloc(from->n + 1, sizeof(*to->ranges));
        if (from->n > 0)
                memcpy(to->ranges, from->ranges, from->n * sizeof(*to->ranges));
        to->n = from->n;
}

/* OCI without a user namespace of its own (an engine that runs us inside its own, as rootless podman does: we are
 * root there already) or with config.json's exact maps. */
static int plan_prepare_oci(const struct burrow_spec *spec, struct launch_plan *plan, burrow_error **err)
{
        uint32_t h;

        if (plan->ns_flags & CLONE_NEWUSER) {
                copy_map(&spec->oci.uidmap, &plan->uidmap);
                copy_map(&spec->oci.gidmap, &plan->gidmap);
                plan->root_mapped = idmap_to_host(&plan->uidmap, 0, &h) && idmap_to_host(&plan->gidmap, 0, &h);
                plan->setgroups_allowed = !idmap_is_single(&plan->gidmap, plan->caller_gid);
        } else {
                _cleanup_free_ char *setgroups = NULL;
                plan->root_mapped = geteuid() == 0;
                plan->setgroups_allowed =
                    geteuid() == 0 && (file_read_all("/proc/self/setgroups", 64, &setgroups, NULL, NULL) < 0 ||
                                       strncmp(setgroups, "allow", 5) == 0);
        }
        return plan_common(spec, plan, err);
}

int launch_plan_prepare(const struct burrow_spec *spec, struct launch_plan *plan, burrow_error **err)
{
        struct idmap_subids subuids = {0}, subgids = {0};
        uint32_t h;
        int r = -1;

        plan->caller_uid = getuid();
        plan->caller_gid = getgid();
        plan->ns_flags = namespace_flags(spec);
        if (spec->oci.enabled && (!(plan->ns_flags & CLONE_NEWUSER) || spec->oci.has_maps))
                return plan_prepare_oci(spec, plan, err);
        if (idmap_lookup_subids(plan->caller_uid, &subuids, &subgids, err) < 0)
                return -1;
        if ((subuids.n == 0 || subgids.n == 0) && !spec->quiet)
                fprintf(stderr,
                        "burrow: notice: no subordinate %s range for uid %u in /etc/sub%s; using a single-id mapping "
                        "(only the caller's own id exists in the container)\n",
                        subuids.n == 0 ? "uid" : "gid", (unsigned)plan->caller_uid, subuids.n == 0 ? "uid" : "gid");
        if (build_map(spec, plan->caller_uid, &subuids, spec->uidmap_request, spec->n_uidmap_request, "--uidmap",
                      &plan->uidmap, err) < 0)
                goto out;
        if (build_map(spec, plan->caller_gid, &subgids, spec->gidmap_request, spec->n_gidmap_request, "--gidmap",
                      &plan->gidmap, err) < 0)
                goto out;
        plan->root_mapped = idmap_to_host(&plan->uidmap, 0, &h) && idmap_to_host(&plan->gidmap, 0, &h);
        plan->setgroups_allowed = !idmap_is_single(&plan->gidmap, plan->caller_gid);
        r = plan_common(spec, plan, err);
out:
        idmap_subids_clear(&subuids);
        idmap_subids_clear(&subgids);
        return r;
}

/* What every run prepares, whatever its id maps. */
static int plan_common(const struct burrow_spec *spec, struct launch_plan *plan, burrow_error **err)
{
        uint32_t h;

        if (launch_prepare_security(spec, plan, err) < 0)
                return -1;
        if (spec->overlay_lower.len > 0 && spec->storage_driver != SPEC_STORAGE_OVERLAY)
                plan->fuse_overlayfs = file_find_in_path("fuse-overlayfs");
        plan->fs.own_netns = spec->network != SPEC_NETWORK_HOST;
        plan->hostname = spec->hostname && spec->hostname[0] ? xstrdup(spec->hostname) : xstrndup(spec->id, 12);
        if (plan_limits(spec, plan, err) < 0 || plan_network(spec, plan, err) < 0)
                return -1;
        plan->fs.sysfs_writable = spec->privileged;
        /* OCI: /dev/shm and /dev/mqueue only when config.json lists them (as the standard mounts); an mqueue only in
         * an IPC namespace of the container's own. */
        plan->fs.no_shm = spec->oci.enabled && !spec->oci.mount_shm;
        plan->fs.no_mqueue = spec->oci.enabled && (!spec->oci.mount_mqueue || !(plan->ns_flags & CLONE_NEWIPC));
        /* Without a user namespace of ours, the ids are those of the namespace we run in. */
        plan->fs.gid5_mapped = (plan->ns_flags & CLONE_NEWUSER) ? idmap_to_host(&plan->gidmap, 5, &h) : true;
        return 0;
}
