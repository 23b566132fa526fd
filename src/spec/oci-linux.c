/* The linux object of config.json (oci.c parses the rest): namespaces, uid/gid mappings, masked and readonly paths,
 * sysctl, devices, resources (as docker's cgroup flags), cgroupsPath, rootfsPropagation, seccomp. */
#include <inttypes.h>
#include <json-c/json.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/limits.h"
#include "spec/oci-internal.h"
#include "spec/parse.h"
#include "util/cleanup.h"

#define MAX_DEVICES 1024

static const struct {
        const char *name;
        int flag;
} namespace_types[] = {
    {"pid", CLONE_NEWPID}, {"network", CLONE_NEWNET}, {"mount", CLONE_NEWNS},      {"ipc", CLONE_NEWIPC},
    {"uts", CLONE_NEWUTS}, {"user", CLONE_NEWUSER},   {"cgroup", CLONE_NEWCGROUP},
};

const struct spec_namespace *oci_find_namespace(const struct spec_oci *oci, int flag)
{
        for (size_t i = 0; i < oci->n_namespaces; i++)
                if (oci->namespaces[i].type == flag)
                        return &oci->namespaces[i];
        return NULL;
}

static int parse_namespaces(json_object *v, struct burrow_spec *spec, burrow_error **err)
{
        struct spec_oci *oci = &spec->oci;
        char path[64], sub[80];
        size_t n;

        if (oci_get_array(v, "linux.namespaces", SPEC_MAX_NAMESPACES, &n, err) < 0)
                return -1;
        for (size_t i = 0; i < n; i++) {
                json_object *ns = json_object_array_get_idx(v, i), *t, *p;
                const char *type;
                int flag = 0;

                OCI_SUB(path, "linux.namespaces[%zu]", i);
                if (oci_want(ns, json_type_object, path, err) < 0)
                        return -1;
                if ((t = oci_member(ns, "type")) == NULL)
                        return oci_bad(err, path, "no type");
                if (oci_get_str(t, OCI_SUB(sub, "%s.type", path), &type, err) < 0)
                        return -1;
                for (size_t k = 0; k < OCI_ELEMENTSOF(namespace_types); k++)
                        if (strcmp(type, namespace_types[k].name) == 0)
                                flag = namespace_types[k].flag;
                if (flag == 0 && strcmp(type, "time") == 0)
                        return oci_bad(err, sub, "time namespaces are not supported");
                if (flag == 0)
                        return oci_bad(err, sub, "unknown namespace type %s", OCI_Q(type));
                if (oci_find_namespace(oci, flag))
                        return oci_bad(err, sub, "the %s namespace is listed twice", type);
                oci->namespaces[oci->n_namespaces].type = flag;
                if ((p = oci_member(ns, "path")) &&
                    oci_get_path(p, OCI_SUB(sub, "%s.path", path), &oci->namespaces[oci->n_namespaces].path, err) < 0)
                        return -1;
                oci->n_namespaces++;
        }
        /* No network namespace is the host's network; an own one gets only loopback (the engine sets up the rest). */
        spec->network = oci_find_namespace(oci, CLONE_NEWNET) ? SPEC_NETWORK_NONE : SPEC_NETWORK_HOST;
        return 0;
}

static int parse_mappings(json_object *v, const char *path, struct idmap *map, burrow_error **err)
{
        static const char *const keys[] = {"containerID", "hostID", "size"};
        char sub[64], field[96];
        size_t n;

        if (oci_get_array(v, path, IDMAP_MAX_RANGES, &n, err) < 0)
                return -1;
        map->ranges = xcalloc(n ? n : 1, sizeof(*map->ranges));
        for (size_t i = 0; i < n; i++) {
                json_object *r = json_object_array_get_idx(v, i), *x;
                uint64_t val[3];

                if (oci_want(r, json_type_object, OCI_SUB(sub, "%s[%zu]", path, i), err) < 0)
                        return -1;
                for (int k = 0; k < 3; k++) {
                        if ((x = oci_member(r, keys[k])) == NULL)
                                return oci_bad(err, sub, "no %s", keys[k]);
                        if (oci_get_uint(x, OCI_SUB(field, "%s.%s", sub, keys[k]), UINT32_MAX, &val[k], err) < 0)
                                return -1;
                }
                map->ranges[map->n++] = (struct idmap_range){(uint32_t)val[0], (uint32_t)val[1], (uint32_t)val[2]};
        }
        if (n > 0 && idmap_validate(map, err) < 0)
                return error_wrap(err, "config.json: %s", path);
        return 0;
}

static int parse_devices(json_object *v, struct spec_oci *oci, burrow_error **err)
{
        char path[48], sub[80];
        size_t n;

        if (oci_get_array(v, "linux.devices", MAX_DEVICES, &n, err) < 0)
                return -1;
        oci->devices = xcalloc(n ? n : 1, sizeof(*oci->devices));
        for (size_t i = 0; i < n; i++) {
                json_object *d = json_object_array_get_idx(v, i), *x;
                struct spec_device *dev = &oci->devices[oci->n_devices];
                const char *type;
                uint64_t u;

                OCI_SUB(path, "linux.devices[%zu]", i);
                if (oci_want(d, json_type_object, path, err) < 0)
                        return -1;
                if ((x = oci_member(d, "type")) == NULL || oci_member(d, "path") == NULL)
                        return oci_bad(err, path, "needs type and path");
                if (oci_get_str(x, OCI_SUB(sub, "%s.type", path), &type, err) < 0)
                        return -1;
                if (strlen(type) != 1 || strchr("cbup", type[0]) == NULL)
                        return oci_bad(err, sub, "%s is not one of c, b, u, p", OCI_Q(type));
                dev->type = type[0];
                if (oci_get_path(oci_member(d, "path"), OCI_SUB(sub, "%s.path", path), &dev->path, err) < 0)
                        return -1;
                oci->n_devices++;
                if (dev->type != 'p' && (oci_member(d, "major") == NULL || oci_member(d, "minor") == NULL))
                        return oci_bad(err, path, "a %c device needs major and minor", dev->type);
                if ((x = oci_member(d, "major")) &&
                    oci_get_int(x, OCI_SUB(sub, "%s.major", path), 0, 0xfff, &dev->major, err) < 0)
                        return -1;
                if ((x = oci_member(d, "minor")) &&
                    oci_get_int(x, OCI_SUB(sub, "%s.minor", path), 0, 0xfffff, &dev->minor, err) < 0)
                        return -1;
                /* Some engines put the node's type bits (S_IFCHR, ...) into fileMode too; the type says the same. */
                if ((x = oci_member(d, "fileMode"))) {
                        if (oci_get_uint(x, OCI_SUB(sub, "%s.fileMode", path), 0177777, &u, err) < 0)
                                return -1;
                        dev->file_mode = (uint32_t)u & 07777;
                }
                if ((x = oci_member(d, "uid"))) {
                        if (oci_get_uint(x, OCI_SUB(sub, "%s.uid", path), UINT32_MAX - 1, &u, err) < 0)
                                return -1;
                        dev->uid = (uint32_t)u;
                        dev->has_uid = true;
                }
                if ((x = oci_member(d, "gid"))) {
                        if (oci_get_uint(x, OCI_SUB(sub, "%s.gid", path), UINT32_MAX - 1, &u, err) < 0)
                                return -1;
                        dev->gid = (uint32_t)u;
                        dev->has_gid = true;
                }
        }
        return 0;
}

/* Each resource becomes one of docker's flags (cgroup/limits.h), checked there as --FLAG would be. */
struct resources {
        struct cgroup_request req;
        strv *flags;
};

static int add_flag(struct resources *r, const char *path, const char *flag, char *value, burrow_error **err)
{
        _cleanup_free_ char *owned __attribute__((unused)) = value; /* freed on every return */

        if (cgroup_request_add(&r->req, flag, value, err) < 0)
                return error_wrap(err, "config.json: %s", path);
        strv_push_owned(r->flags, xasprintf("%s=%s", flag, value));
        return 0;
}

/* A signed member (OCI's int64 and uint64 knobs), or 0 when absent. */
static int knob(json_object *obj, const char *key, const char *path, int64_t min, int64_t *ret, burrow_error **err)
{
        json_object *v = oci_member(obj, key);
        char sub[96];

        *ret = 0;
        return v ? oci_get_int(v, OCI_SUB(sub, "%s.%s", path, key), min, INT64_MAX, ret, err) : 0;
}

/* The numeric knobs, each one of docker's flags (or a --cgroup-conf file). In OCI 0 is "not set" and -1 is
 * "unlimited"; the knobs cgroup v2 lacks (memory kernel, kernelTCP, swappiness, disableOOMKiller) are ignored, as crun
 * does. */
enum knob_use { USE_POSITIVE, USE_NONZERO, USE_ANY };
static const struct {
        const char *object, *key;
        int64_t min;
        enum knob_use use;
        const char *flag, *conf_file; /* conf_file: flag is cgroup-conf */
} knobs[] = {
    {"memory", "limit", -1, USE_POSITIVE, "memory", NULL},
    {"memory", "reservation", -1, USE_POSITIVE, "memory-reservation", NULL},
    {"memory", "swap", -1, USE_NONZERO, "memory-swap", NULL},
    {"cpu", "shares", 0, USE_POSITIVE, "cpu-shares", NULL},
    {"cpu", "quota", -1, USE_NONZERO, "cpu-quota", NULL},
    {"cpu", "period", 0, USE_POSITIVE, "cpu-period", NULL},
    {"cpu", "burst", 0, USE_POSITIVE, "cgroup-conf", "cpu.max.burst"},
    {"cpu", "idle", 0, USE_POSITIVE, "cgroup-conf", "cpu.idle"},
    {"pids", "limit", INT64_MIN, USE_ANY, "pids-limit", NULL},
    {"blockIO", "weight", 0, USE_POSITIVE, "blkio-weight", NULL},
};

static int parse_knobs(json_object *res, struct resources *r, burrow_error **err)
{
        static const char *const cpu_unsupported[] = {"realtimeRuntime", "realtimePeriod", NULL};
        json_object *cpu = oci_member(res, "cpu"), *v;
        char path[64], sub[96];
        const char *s;
        int64_t x;

        for (size_t i = 0; i < OCI_ELEMENTSOF(knobs); i++) {
                json_object *obj = oci_member(res, knobs[i].object);

                OCI_SUB(path, "linux.resources.%s", knobs[i].object);
                if (obj == NULL)
                        continue;
                if (oci_want(obj, json_type_object, path, err) < 0)
                        return -1;
                if ((v = oci_member(obj, knobs[i].key)) == NULL)
                        continue;
                if (oci_get_int(v, OCI_SUB(sub, "%s.%s", path, knobs[i].key), knobs[i].min, INT64_MAX, &x, err) < 0)
                        return -1;
                if ((knobs[i].use == USE_POSITIVE && x <= 0) || (knobs[i].use == USE_NONZERO && x == 0))
                        continue;
                if (add_flag(r, sub, knobs[i].flag,
                             knobs[i].conf_file ? xasprintf("%s=%" PRId64, knobs[i].conf_file, x)
                                                : xasprintf("%" PRId64, x),
                             err) < 0)
                        return -1;
        }
        if (cpu && oci_refuse(cpu, "linux.resources.cpu", cpu_unsupported, err) < 0)
                return -1;
        for (int k = 0; cpu && k < 2; k++) {
                OCI_SUB(sub, "linux.resources.cpu.%s", k ? "mems" : "cpus");
                if ((v = oci_member(cpu, k ? "mems" : "cpus")) == NULL)
                        continue;
                if (oci_get_str(v, sub, &s, err) < 0 ||
                    (s[0] && add_flag(r, sub, k ? "cpuset-mems" : "cpuset-cpus", xstrdup(s), err) < 0))
                        return -1;
        }
        return 0;
}

/* blockIO: the weight, and the throttles as one io.max line. --cgroup-conf keeps one value per file, so the throttles
 * of a second device would replace the first: refused until limits.c keys io.max lines by device. */
static int parse_block_io(json_object *bio, struct resources *r, burrow_error **err)
{
        static const char *const unsupported[] = {"weightDevice", NULL};
        static const char *const lists[] = {"throttleReadBpsDevice", "throttleWriteBpsDevice", "throttleReadIOPSDevice",
                                            "throttleWriteIOPSDevice"};
        static const char *const keys[] = {"rbps", "wbps", "riops", "wiops"};
        _cleanup_free_ char *line = NULL;
        int64_t major = -1, minor = -1;
        char path[80], sub[112];

        if (oci_want(bio, json_type_object, "linux.resources.blockIO", err) < 0 ||
            oci_refuse(bio, "linux.resources.blockIO", unsupported, err) < 0)
                return -1;
        for (size_t k = 0; k < OCI_ELEMENTSOF(lists); k++) {
                json_object *list = oci_member(bio, lists[k]);
                size_t n;

                if (list == NULL)
                        continue;
                if (oci_get_array(list, OCI_SUB(path, "linux.resources.blockIO.%s", lists[k]), CGROUP_MAX_DEVICES, &n,
                                  err) < 0)
                        return -1;
                for (size_t i = 0; i < n; i++) {
                        json_object *d = json_object_array_get_idx(list, i);
                        int64_t maj, min, rate;
                        char *next;

                        OCI_SUB(sub, "%s[%zu]", path, i);
                        if (oci_want(d, json_type_object, sub, err) < 0)
                                return -1;
                        if (!oci_member(d, "major") || !oci_member(d, "minor") || !oci_member(d, "rate"))
                                return oci_bad(err, sub, "needs major, minor and rate");
                        if (knob(d, "major", sub, 0, &maj, err) < 0 || knob(d, "minor", sub, 0, &min, err) < 0 ||
                            knob(d, "rate", sub, 0, &rate, err) < 0)
                                return -1;
                        if (maj > 0xfff || min > 0xfffff)
                                return oci_bad(err, sub, "device %" PRId64 ":%" PRId64 " out of range", maj, min);
                        if (line != NULL && (maj != major || min != minor))
                                return oci_bad(err, sub, "throttling more than one device is not supported");
                        major = maj;
                        minor = min;
                        /* 0 lifts the limit, as in blkio's files. */
                        next = rate ? xasprintf("%s %s=%" PRId64, line ? line : "", keys[k], rate)
                                    : xasprintf("%s %s=max", line ? line : "", keys[k]);
                        free(line);
                        line = next;
                }
        }
        if (line && add_flag(r, "linux.resources.blockIO", "cgroup-conf",
                             xasprintf("io.max=%" PRId64 ":%" PRId64 "%s", major, minor, line), err) < 0)
                return -1;
        return 0;
}

static int parse_resources(json_object *res, struct burrow_spec *spec, burrow_error **err)
{
        static const char *const unsupported[] = {"hugepageLimits", "network", "rdma", NULL};
        struct resources r = {.flags = &spec->cgroup_flags};
        struct cgroup_limits limits = {0};
        json_object *v;
        char sub[96];
        int ret = -1;

        /* linux.resources.devices, the device cgroup's allow-list, is ignored: cgroup v2 has no devices file (runc
         * and crun emulate it with BPF, which an unprivileged user cannot load), and a user namespace cannot create
         * device nodes: it gets only the nodes that are bind-mounted in. */
        if (oci_want(res, json_type_object, "linux.resources", err) < 0 ||
            oci_refuse(res, "linux.resources", unsupported, err) < 0 || parse_knobs(res, &r, err) < 0)
                goto out;
        if ((v = oci_member(res, "blockIO")) && parse_block_io(v, &r, err) < 0)
                goto out;
        if ((v = oci_member(res, "unified"))) {
                if (oci_get_map(v, "linux.resources.unified", CGROUP_MAX_CONF, err) < 0)
                        goto out;
                json_object_object_foreach(v, key, value)
                {
                        const char *s;
                        OCI_SUB(sub, "linux.resources.unified[%s]", OCI_Q(key));
                        if (oci_get_str(value, sub, &s, err) < 0 ||
                            add_flag(&r, sub, "cgroup-conf", xasprintf("%s=%s", key, s), err) < 0)
                                goto out;
                }
        }
        /* The flags against each other (memory-swap needs memory, ...); no device is looked up. */
        if (cgroup_limits_build(&r.req, NULL, &limits, err) < 0) {
                error_wrap(err, "config.json: linux.resources");
                goto out;
        }
        ret = 0;
out:
        cgroup_limits_clear(&limits);
        cgroup_request_clear(&r.req);
        return ret;
}

static int parse_sysctl(json_object *v, strv *out, burrow_error **err)
{
        char sub[96];

        if (oci_get_map(v, "linux.sysctl", OCI_MAX_LIST, err) < 0)
                return -1;
        json_object_object_foreach(v, key, value)
        {
                const char *s;

                OCI_SUB(sub, "linux.sysctl[%s]", OCI_Q(key));
                if (key[0] == '\0' || strlen(key) > 255 || strstr(key, "..") || key[0] == '/' || key[0] == '.' ||
                    strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/") != strlen(key))
                        return oci_bad(err, sub, "not a sysctl name");
                if (oci_get_str(value, sub, &s, err) < 0)
                        return -1;
                if (strpbrk(s, "\n\r") != NULL)
                        return oci_bad(err, sub, "the value must be one line");
                strv_push_owned(out, xasprintf("%s=%s", key, s));
        }
        return 0;
}

static int parse_seccomp(json_object *v, struct spec_oci *oci, burrow_error **err)
{
        const char *s;
        json_object *x;

        if (oci_want(v, json_type_object, "linux.seccomp", err) < 0)
                return -1;
        if ((x = oci_member(v, "listenerPath"))) {
                if (oci_get_str(x, "linux.seccomp.listenerPath", &s, err) < 0)
                        return -1;
                if (s[0] != '\0' && s[0] != '/')
                        return oci_bad(err, "linux.seccomp.listenerPath", "%s is not an absolute path", OCI_Q(s));
                oci->seccomp_listener_path = s[0] ? xstrdup(s) : NULL;
        }
        if ((x = oci_member(v, "listenerMetadata"))) {
                if (oci_get_str(x, "linux.seccomp.listenerMetadata", &s, err) < 0)
                        return -1;
                oci->seccomp_listener_metadata = s[0] ? xstrdup(s) : NULL;
        }
        /* The profile parser (security/seccomp.h) takes the rest; it refuses a listener, which is the launcher's. */
        json_object_object_del(v, "listenerPath");
        json_object_object_del(v, "listenerMetadata");
        oci->seccomp_json = xstrdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
        return 0;
}

static int propagation_of(json_object *v, const char *path, unsigned long *ret, burrow_error **err)
{
        const char *s;

        if (oci_get_str(v, path, &s, err) < 0)
                return -1;
        if (s[0] == '\0')
                return 0;
        if (!oci_mount_propagation(s, ret))
                return oci_bad(err, path, "unknown propagation %s", OCI_Q(s));
        return 0;
}

int oci_parse_linux(json_object *l, struct burrow_spec *spec, burrow_error **err)
{
        static const char *const unsupported[] = {"intelRdt",   "personality", "timeOffsets", "memoryPolicy",
                                                  "mountLabel", "netDevices",  NULL};
        struct spec_oci *oci = &spec->oci;
        const struct spec_namespace *userns;
        json_object *v, *uids, *gids;
        const char *s;

        if (oci_want(l, json_type_object, "linux", err) < 0 || oci_refuse(l, "linux", unsupported, err) < 0)
                return -1;
        if ((v = oci_member(l, "namespaces")) && parse_namespaces(v, spec, err) < 0)
                return -1;
        uids = oci_member(l, "uidMappings");
        gids = oci_member(l, "gidMappings");
        if ((uids && parse_mappings(uids, "linux.uidMappings", &oci->uidmap, err) < 0) ||
            (gids && parse_mappings(gids, "linux.gidMappings", &oci->gidmap, err) < 0))
                return -1;
        oci->has_maps = oci->uidmap.n > 0 || oci->gidmap.n > 0;
        userns = oci_find_namespace(oci, CLONE_NEWUSER);
        if (oci->has_maps && userns == NULL)
                return oci_bad(err, oci->uidmap.n ? "linux.uidMappings" : "linux.gidMappings",
                               "needs a user namespace in linux.namespaces");
        if (oci->has_maps && userns->path != NULL)
                return oci_bad(err, oci->uidmap.n ? "linux.uidMappings" : "linux.gidMappings",
                               "not allowed when joining the user namespace at %s", OCI_Q(userns->path));
        if (oci->has_maps && (oci->uidmap.n == 0 || oci->gidmap.n == 0))
                return oci_bad(err, oci->uidmap.n ? "linux.gidMappings" : "linux.uidMappings",
                               "missing: uidMappings and gidMappings go together");
        if ((v = oci_member(l, "maskedPaths")) &&
            oci_get_list(v, "linux.maskedPaths", OCI_LIST_PATHS, &spec->masked_paths, err) < 0)
                return -1;
        if ((v = oci_member(l, "readonlyPaths")) &&
            oci_get_list(v, "linux.readonlyPaths", OCI_LIST_PATHS, &spec->readonly_paths, err) < 0)
                return -1;
        if ((v = oci_member(l, "sysctl")) && parse_sysctl(v, &oci->sysctl, err) < 0)
                return -1;
        if ((v = oci_member(l, "devices")) && parse_devices(v, oci, err) < 0)
                return -1;
        if ((v = oci_member(l, "resources")) && parse_resources(v, spec, err) < 0)
                return -1;
        if ((v = oci_member(l, "cgroupsPath"))) {
                if (oci_get_str(v, "linux.cgroupsPath", &s, err) < 0)
                        return -1;
                oci->cgroups_path = s[0] ? xstrdup(s) : NULL;
        }
        if ((v = oci_member(l, "rootfsPropagation")) &&
            propagation_of(v, "linux.rootfsPropagation", &oci->rootfs_propagation, err) < 0)
                return -1;
        if ((v = oci_member(l, "seccomp")) && parse_seccomp(v, oci, err) < 0)
                return -1;
        return 0;
}
