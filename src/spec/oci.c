/* config.json of an OCI bundle (runtime-spec 1.0 to 1.2) into the one spec the launcher runs (oci.h), with json-c.
 *
 * Supported: ociVersion 1.x (required); process: args, env, cwd, terminal, consoleSize, user (uid, gid, umask,
 * additionalGids), capabilities (the five sets), rlimits, noNewPrivileges, oomScoreAdj; root: path (absolute or
 * relative to the bundle), readonly; hostname, domainname (each needs a uts namespace); mounts: the standard ones the
 * launcher makes itself (/proc, /dev, /dev/pts, /dev/shm, /dev/mqueue, /sys, /sys/fs/cgroup: recorded in spec->oci,
 * not added as mounts), bind and rbind (ro rw nosuid suid nodev dev noexec exec, their recursive r* forms, and
 * propagation), tmpfs (the same flags, size= mode= uid= gid= nr_inodes=); linux: namespaces (with paths to join),
 * uidMappings/gidMappings (exact maps), maskedPaths, readonlyPaths, sysctl, devices, resources (memory, cpu, cpuset,
 * pids, blockIO weight and the throttles of one device, unified), cgroupsPath, rootfsPropagation, seccomp (kept as
 * JSON for seccomp_profile_parse; listenerPath and listenerMetadata taken out into their fields); hooks (all six
 * kinds); annotations.
 *
 * Ignored, as the spec allows: unknown keys; process.user.username; linux.resources.devices (cgroup v2 has no devices
 * file, and in a user namespace every device node is a bind of the host's, which the kernel already guards); the
 * knobs cgroup v2 lacks (memory kernel, kernelTCP, swappiness, disableOOMKiller, useHierarchy; blockIO leafWeight);
 * mount options without meaning for us (the atime family, sync, dirsync, z, Z, tmpcopyup, ...); the options of the
 * standard mounts but for "ro" on /sys and /sys/fs/cgroup.
 *
 * Refused with an error naming the field: ociVersion 2+, a time namespace, idmap/ridmap mounts, filesystem types
 * other than bind and tmpfs (proc, sysfs, devpts, mqueue, cgroup anywhere but their standard place), a non-empty
 * apparmorProfile, selinuxLabel or mountLabel, ioPriority, scheduler, execCPUAffinity, intelRdt, personality,
 * timeOffsets, memoryPolicy, netDevices, hugepageLimits, rdma, network resources, cpu realtime limits, blockIO
 * weightDevice, and throttles of more than one device. */
#include "spec/oci.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "security/caps.h"
#include "spec/oci-internal.h"
#include "spec/parse.h"
#include "util/cleanup.h"

#define JSON_MAX_DEPTH 64
#define MAX_STRING     (64 << 10)
#define MAX_MOUNTS     1024
#define MAX_HOOKS      256
#define MAX_GIDS       1024
#define MAX_OPTIONS    256 /* per mount, and names per capability set */
#define MAX_RLIMITS    64

char *oci_sub_path(char *buf, size_t size, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(buf, size, fmt, ap);
        va_end(ap);
        return buf;
}

const char *oci_quote_into(char *out, const char *s)
{
        char *o = out;
        size_t i;

        *o++ = '"';
        for (i = 0; s[i] != '\0' && (i < 48 || ((unsigned char)s[i] & 0xc0) == 0x80); i++) {
                unsigned char c = (unsigned char)s[i];
                if (c == '"' || c == '\\') {
                        *o++ = '\\';
                        *o++ = (char)c;
                } else if (c < 0x20 || c == 0x7f) {
                        o += sprintf(o, "\\x%02x", c);
                } else {
                        *o++ = (char)c;
                }
        }
        o = stpcpy(o, s[i] != '\0' ? "...\"" : "\"");
        return out;
}

int oci_bad(burrow_error **err, const char *path, const char *fmt, ...)
{
        _cleanup_free_ char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                abort();
        va_end(ap);
        return error_make(err, 0, "config.json: %s: %s", path, msg);
}

json_object *oci_member(json_object *obj, const char *key)
{
        json_object *v = NULL;

        return json_object_object_get_ex(obj, key, &v) ? v : NULL;
}

int oci_want(json_object *v, json_type t, const char *path, burrow_error **err)
{
        static const char *const names[] = {
            [json_type_null] = "null",       [json_type_boolean] = "a boolean", [json_type_double] = "a number",
            [json_type_int] = "an integer",  [json_type_object] = "an object",  [json_type_array] = "an array",
            [json_type_string] = "a string",
        };

        if (json_object_get_type(v) == t)
                return 0;
        return oci_bad(err, path, "must be %s, not %s", names[t], names[json_object_get_type(v)]);
}

int oci_get_str(json_object *v, const char *path, const char **ret, burrow_error **err)
{
        if (oci_want(v, json_type_string, path, err) < 0)
                return -1;
        if (json_object_get_string_len(v) > MAX_STRING)
                return oci_bad(err, path, "longer than %d bytes", MAX_STRING);
        if (strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v))
                return oci_bad(err, path, "contains a NUL character");
        *ret = json_object_get_string(v);
        return 0;
}

int oci_get_uint(json_object *v, const char *path, uint64_t max, uint64_t *ret, burrow_error **err)
{
        if (oci_want(v, json_type_int, path, err) < 0)
                return -1;
        if (json_object_get_int64(v) < 0)
                return oci_bad(err, path, "must not be negative");
        if (json_object_get_uint64(v) > max)
                return oci_bad(err, path, "larger than %" PRIu64, max);
        *ret = json_object_get_uint64(v);
        return 0;
}

int oci_get_int(json_object *v, const char *path, int64_t min, int64_t max, int64_t *ret, burrow_error **err)
{
        if (oci_want(v, json_type_int, path, err) < 0)
                return -1;
        *ret = json_object_get_int64(v);
        if (*ret < min || *ret > max)
                return oci_bad(err, path, "must be from %" PRId64 " to %" PRId64, min, max);
        return 0;
}

static int get_bool(json_object *v, const char *path, bool *ret, burrow_error **err)
{
        if (oci_want(v, json_type_boolean, path, err) < 0)
                return -1;
        *ret = json_object_get_boolean(v);
        return 0;
}

int oci_get_array(json_object *v, const char *path, size_t max, size_t *ret_n, burrow_error **err)
{
        if (oci_want(v, json_type_array, path, err) < 0)
                return -1;
        *ret_n = json_object_array_length(v);
        if (*ret_n > max)
                return oci_bad(err, path, "more than %zu entries", max);
        return 0;
}

int oci_get_map(json_object *v, const char *path, size_t max, burrow_error **err)
{
        if (oci_want(v, json_type_object, path, err) < 0)
                return -1;
        if ((size_t)json_object_object_length(v) > max)
                return oci_bad(err, path, "more than %zu entries", max);
        return 0;
}

int oci_get_path(json_object *v, const char *path, char **ret, burrow_error **err)
{
        const char *s;

        if (oci_get_str(v, path, &s, err) < 0)
                return -1;
        if (s[0] != '/')
                return oci_bad(err, path, "%s is not an absolute path", OCI_Q(s));
        *ret = path_clean(s);
        return 0;
}

int oci_get_list(json_object *v, const char *path, enum oci_list_kind kind, strv *out, burrow_error **err)
{
        char sub[128];
        size_t n;

        if (oci_get_array(v, path, OCI_MAX_LIST, &n, err) < 0)
                return -1;
        for (size_t i = 0; i < n; i++) {
                json_object *item = json_object_array_get_idx(v, i);
                const char *s;
                char *clean;

                OCI_SUB(sub, "%s[%zu]", path, i);
                if (kind == OCI_LIST_PATHS) {
                        if (oci_get_path(item, sub, &clean, err) < 0)
                                return -1;
                        strv_push_owned(out, clean);
                        continue;
                }
                if (oci_get_str(item, sub, &s, err) < 0)
                        return -1;
                if (kind == OCI_LIST_ENV && (s[0] == '=' || strchr(s, '=') == NULL))
                        return oci_bad(err, sub, "%s is not KEY=VALUE", OCI_Q(s));
                strv_push(out, s);
        }
        return 0;
}

int oci_refuse(json_object *obj, const char *path, const char *const *keys, burrow_error **err)
{
        for (; *keys != NULL; keys++) {
                json_object *v = oci_member(obj, *keys);
                json_type t = json_object_get_type(v);

                if (v == NULL || (t == json_type_string && json_object_get_string_len(v) == 0) ||
                    (t == json_type_array && json_object_array_length(v) == 0) ||
                    (t == json_type_object && json_object_object_length(v) == 0))
                        continue;
                return error_make(err, 0, "config.json: %s.%s: not supported", path, *keys);
        }
        return 0;
}

/* ---- process ---- */

static int parse_process_user(json_object *u, struct burrow_spec *spec, burrow_error **err)
{
        struct spec_oci *oci = &spec->oci;
        json_object *v;
        uint64_t x;
        size_t n;
        char sub[64];

        if (oci_want(u, json_type_object, "process.user", err) < 0)
                return -1;
        /* (uid_t)-1 is the kernel's "no change", never an id. */
        if ((v = oci_member(u, "uid")) && oci_get_uint(v, "process.user.uid", UINT32_MAX - 1, &x, err) < 0)
                return -1;
        oci->uid = v ? (uint32_t)x : 0;
        if ((v = oci_member(u, "gid")) && oci_get_uint(v, "process.user.gid", UINT32_MAX - 1, &x, err) < 0)
                return -1;
        oci->gid = v ? (uint32_t)x : 0;
        if ((v = oci_member(u, "umask"))) {
                if (oci_get_uint(v, "process.user.umask", 0777, &x, err) < 0)
                        return -1;
                oci->umask = (int)x;
        }
        if ((v = oci_member(u, "additionalGids"))) {
                if (oci_get_array(v, "process.user.additionalGids", MAX_GIDS, &n, err) < 0)
                        return -1;
                oci->additional_gids = xcalloc(n ? n : 1, sizeof(*oci->additional_gids));
                for (size_t i = 0; i < n; i++) {
                        if (oci_get_uint(json_object_array_get_idx(v, i),
                                         OCI_SUB(sub, "process.user.additionalGids[%zu]", i), UINT32_MAX - 1, &x,
                                         err) < 0)
                                return -1;
                        oci->additional_gids[oci->n_additional_gids++] = (uint32_t)x;
                }
        }
        return 0;
}

static int parse_capabilities(json_object *c, struct spec_oci *oci, burrow_error **err)
{
        const struct {
                const char *name;
                uint64_t *mask;
        } sets[] = {
            {"bounding", &oci->cap_bounding},       {"effective", &oci->cap_effective},
            {"inheritable", &oci->cap_inheritable}, {"permitted", &oci->cap_permitted},
            {"ambient", &oci->cap_ambient},
        };
        char path[64], sub[96];

        if (oci_want(c, json_type_object, "process.capabilities", err) < 0)
                return -1;
        oci->caps_given = true;
        for (size_t k = 0; k < OCI_ELEMENTSOF(sets); k++) {
                json_object *v = oci_member(c, sets[k].name);
                size_t n;

                if (v == NULL)
                        continue;
                if (oci_get_array(v, OCI_SUB(path, "process.capabilities.%s", sets[k].name), MAX_OPTIONS, &n, err) < 0)
                        return -1;
                for (size_t i = 0; i < n; i++) {
                        const char *name;
                        int cap;

                        if (oci_get_str(json_object_array_get_idx(v, i), OCI_SUB(sub, "%s[%zu]", path, i), &name, err) <
                            0)
                                return -1;
                        if ((cap = caps_number_from_name(name)) < 0)
                                return oci_bad(err, sub, "unknown capability %s", OCI_Q(name));
                        *sets[k].mask |= UINT64_C(1) << cap;
                }
        }
        return 0;
}

/* process.rlimits, through parse_ulimit() (docker's names are the RLIMIT_ names in lower case). */
static int parse_rlimits(json_object *v, struct burrow_spec *spec, burrow_error **err)
{
        size_t n;
        char path[64];

        if (oci_get_array(v, "process.rlimits", MAX_RLIMITS, &n, err) < 0)
                return -1;
        spec->rlimits = xcalloc(n ? n : 1, sizeof(*spec->rlimits));
        for (size_t i = 0; i < n; i++) {
                json_object *r = json_object_array_get_idx(v, i), *t, *soft, *hard;
                _cleanup_free_ char *name = NULL, *arg = NULL;
                char values[2][24];
                uint64_t limit[2];
                const char *type;
                struct spec_rlimit rl;

                OCI_SUB(path, "process.rlimits[%zu]", i);
                if (oci_want(r, json_type_object, path, err) < 0)
                        return -1;
                if ((t = oci_member(r, "type")) == NULL || (soft = oci_member(r, "soft")) == NULL ||
                    (hard = oci_member(r, "hard")) == NULL)
                        return oci_bad(err, path, "needs type, soft and hard");
                if (oci_get_str(t, path, &type, err) < 0 || oci_get_uint(soft, path, UINT64_MAX, &limit[0], err) < 0 ||
                    oci_get_uint(hard, path, UINT64_MAX, &limit[1], err) < 0)
                        return -1;
                if (strncmp(type, "RLIMIT_", 7) != 0 || type[7] == '\0' || strlen(type) > 20 ||
                    strspn(type + 7, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(type + 7))
                        return oci_bad(err, path, "unknown type %s", OCI_Q(type));
                name = xstrdup(type + 7);
                for (char *p = name; *p; p++)
                        *p = (char)(*p - 'A' + 'a');
                for (int k = 0; k < 2; k++)
                        snprintf(values[k], sizeof(values[k]), limit[k] == UINT64_MAX ? "unlimited" : "%" PRIu64,
                                 limit[k]);
                arg = xasprintf("%s=%s:%s", name, values[0], values[1]);
                if (parse_ulimit(arg, &rl, err) < 0)
                        return error_wrap(err, "config.json: %s", path);
                for (size_t j = 0; j < spec->n_rlimits; j++)
                        if (spec->rlimits[j].resource == rl.resource)
                                return oci_bad(err, path, "%s is given twice", type);
                spec->rlimits[spec->n_rlimits++] = rl;
        }
        return 0;
}

static int parse_process(json_object *p, struct burrow_spec *spec, burrow_error **err)
{
        static const char *const unsupported[] = {"apparmorProfile", "selinuxLabel",    "ioPriority",
                                                  "scheduler",       "execCPUAffinity", NULL};
        json_object *v;
        int64_t x;

        if (p == NULL)
                return oci_bad(err, "process", "missing");
        if (oci_want(p, json_type_object, "process", err) < 0 || oci_refuse(p, "process", unsupported, err) < 0)
                return -1;
        if ((v = oci_member(p, "args")) == NULL)
                return oci_bad(err, "process.args", "missing");
        if (oci_get_list(v, "process.args", OCI_LIST_ANY, &spec->args, err) < 0)
                return -1;
        if (spec->args.len == 0 || spec->args.items[0][0] == '\0')
                return oci_bad(err, "process.args", "must be a non-empty array of strings");
        if ((v = oci_member(p, "env")) && oci_get_list(v, "process.env", OCI_LIST_ENV, &spec->env, err) < 0)
                return -1;
        if ((v = oci_member(p, "cwd")) == NULL)
                return oci_bad(err, "process.cwd", "missing");
        if (oci_get_path(v, "process.cwd", &spec->cwd, err) < 0)
                return -1;
        if ((v = oci_member(p, "terminal"))) {
                if (get_bool(v, "process.terminal", &spec->tty, err) < 0)
                        return -1;
                spec->interactive = spec->tty;
        }
        if ((v = oci_member(p, "consoleSize"))) {
                json_object *h, *w;
                if (oci_want(v, json_type_object, "process.consoleSize", err) < 0)
                        return -1;
                if ((h = oci_member(v, "height")) == NULL || (w = oci_member(v, "width")) == NULL)
                        return oci_bad(err, "process.consoleSize", "needs height and width");
                if (oci_get_int(h, "process.consoleSize.height", 0, 65535, &x, err) < 0)
                        return -1;
                spec->oci.console_height = (unsigned)x;
                if (oci_get_int(w, "process.consoleSize.width", 0, 65535, &x, err) < 0)
                        return -1;
                spec->oci.console_width = (unsigned)x;
        }
        if ((v = oci_member(p, "user")) && parse_process_user(v, spec, err) < 0)
                return -1;
        /* The numeric path of the launcher: no /etc/passwd lookup, exactly these ids. */
        spec->user.user = xasprintf("%u", spec->oci.uid);
        spec->user.group = xasprintf("%u", spec->oci.gid);
        if ((v = oci_member(p, "capabilities")) && parse_capabilities(v, &spec->oci, err) < 0)
                return -1;
        if ((v = oci_member(p, "rlimits")) && parse_rlimits(v, spec, err) < 0)
                return -1;
        if ((v = oci_member(p, "noNewPrivileges")) &&
            get_bool(v, "process.noNewPrivileges", &spec->no_new_privileges, err) < 0)
                return -1;
        if ((v = oci_member(p, "oomScoreAdj"))) {
                if (oci_get_int(v, "process.oomScoreAdj", -1000, 1000, &x, err) < 0)
                        return -1;
                spec->oci.has_oom_score_adj = true;
                spec->oci.oom_score_adj = (int)x;
        }
        return 0;
}

/* ---- mounts ---- */

enum option_kind { OPT_FLAG, OPT_PROPAGATION, OPT_IGNORED, OPT_REFUSED };

static const struct mount_option {
        const char *name;
        enum option_kind kind;
        unsigned long set, clear; /* OPT_FLAG: bits of spec_mount.flags; OPT_PROPAGATION: the propagation in set */
} mount_options[] = {
    /* clang-format off */
    {"ro", OPT_FLAG, MS_RDONLY, 0},     {"rw", OPT_FLAG, 0, MS_RDONLY},     {"nosuid", OPT_FLAG, MS_NOSUID, 0},
    {"suid", OPT_FLAG, 0, MS_NOSUID},   {"nodev", OPT_FLAG, MS_NODEV, 0},   {"dev", OPT_FLAG, 0, MS_NODEV},
    {"noexec", OPT_FLAG, MS_NOEXEC, 0}, {"exec", OPT_FLAG, 0, MS_NOEXEC},   {"bind", OPT_FLAG, 0, MS_REC},
    {"rbind", OPT_FLAG, MS_REC, 0},
    /* The launcher sets the flags of an rbind on every mount of its tree (AT_RECURSIVE): "ro" already is "rro". */
    {"rro", OPT_FLAG, MS_RDONLY, 0},    {"rrw", OPT_FLAG, 0, MS_RDONLY},    {"rnosuid", OPT_FLAG, MS_NOSUID, 0},
    {"rsuid", OPT_FLAG, 0, MS_NOSUID},  {"rnodev", OPT_FLAG, MS_NODEV, 0},  {"rdev", OPT_FLAG, 0, MS_NODEV},
    {"rnoexec", OPT_FLAG, MS_NOEXEC, 0}, {"rexec", OPT_FLAG, 0, MS_NOEXEC},
    {"private", OPT_PROPAGATION, MS_PRIVATE, 0},       {"rprivate", OPT_PROPAGATION, MS_PRIVATE | MS_REC, 0},
    {"slave", OPT_PROPAGATION, MS_SLAVE, 0},           {"rslave", OPT_PROPAGATION, MS_SLAVE | MS_REC, 0},
    {"shared", OPT_PROPAGATION, MS_SHARED, 0},         {"rshared", OPT_PROPAGATION, MS_SHARED | MS_REC, 0},
    {"unbindable", OPT_PROPAGATION, MS_UNBINDABLE, 0}, {"runbindable", OPT_PROPAGATION, MS_UNBINDABLE | MS_REC, 0},
    /* Access times and sync modes are the host's business; SELinux relabeling needs SELinux; tmpcopyup (podman's
     * copy of the image's directory into the tmpfs) is not done: the tmpfs starts empty. */
    {"defaults", OPT_IGNORED, 0, 0},  {"atime", OPT_IGNORED, 0, 0},         {"noatime", OPT_IGNORED, 0, 0},
    {"relatime", OPT_IGNORED, 0, 0},  {"norelatime", OPT_IGNORED, 0, 0},    {"strictatime", OPT_IGNORED, 0, 0},
    {"diratime", OPT_IGNORED, 0, 0},  {"nostrictatime", OPT_IGNORED, 0, 0}, {"nodiratime", OPT_IGNORED, 0, 0},
    {"ratime", OPT_IGNORED, 0, 0},    {"rnoatime", OPT_IGNORED, 0, 0},      {"rrelatime", OPT_IGNORED, 0, 0},
    {"rdiratime", OPT_IGNORED, 0, 0}, {"rnorelatime", OPT_IGNORED, 0, 0},   {"rstrictatime", OPT_IGNORED, 0, 0},
    {"lazytime", OPT_IGNORED, 0, 0},  {"rnostrictatime", OPT_IGNORED, 0, 0}, {"rnodiratime", OPT_IGNORED, 0, 0},
    {"sync", OPT_IGNORED, 0, 0},      {"nolazytime", OPT_IGNORED, 0, 0},    {"async", OPT_IGNORED, 0, 0},
    {"dirsync", OPT_IGNORED, 0, 0},   {"mand", OPT_IGNORED, 0, 0},          {"nomand", OPT_IGNORED, 0, 0},
    {"iversion", OPT_IGNORED, 0, 0},  {"noiversion", OPT_IGNORED, 0, 0},    {"silent", OPT_IGNORED, 0, 0},
    {"loud", OPT_IGNORED, 0, 0},      {"z", OPT_IGNORED, 0, 0},             {"Z", OPT_IGNORED, 0, 0},
    {"tmpcopyup", OPT_IGNORED, 0, 0}, {"notmpcopyup", OPT_IGNORED, 0, 0},
    {"idmap", OPT_REFUSED, 0, 0},     {"ridmap", OPT_REFUSED, 0, 0},
    /* clang-format on */
};

static const struct mount_option *find_option(const char *name)
{
        for (size_t i = 0; i < OCI_ELEMENTSOF(mount_options); i++)
                if (strcmp(mount_options[i].name, name) == 0)
                        return &mount_options[i];
        return NULL;
}

bool oci_mount_propagation(const char *name, unsigned long *ret)
{
        const struct mount_option *o = find_option(name);

        if (o == NULL || o->kind != OPT_PROPAGATION)
                return false;
        *ret = o->set;
        return true;
}

/* A mount's options onto m: flags and propagation (the last of each group wins, as mount(8)), and for tmpfs the
 * kernel's data. */
static int parse_mount_options(json_object *opts, const char *path, struct spec_mount *m, burrow_error **err)
{
        char sub[160];
        size_t n;

        if (oci_get_array(opts, path, MAX_OPTIONS, &n, err) < 0)
                return -1;
        for (size_t i = 0; i < n; i++) {
                const struct mount_option *o;
                const char *name, *expected;
                char *text;

                if (oci_get_str(json_object_array_get_idx(opts, i), OCI_SUB(sub, "%s[%zu]", path, i), &name, err) < 0)
                        return -1;
                if ((o = find_option(name)) != NULL) {
                        if (o->kind == OPT_FLAG)
                                m->flags = (m->flags | o->set) & ~o->clear;
                        else if (o->kind == OPT_PROPAGATION)
                                m->propagation = o->set;
                        else if (o->kind == OPT_REFUSED)
                                return oci_bad(err, sub, "%s mounts are not supported", name);
                        continue;
                }
                if (m->type != SPEC_MOUNT_TMPFS)
                        return oci_bad(err, sub, "unknown option %s", OCI_Q(name));
                if ((text = parse_tmpfs_data_option(name, &expected)) == NULL)
                        return expected ? oci_bad(err, sub, "invalid value in %s: expected %s", OCI_Q(name), expected)
                                        : oci_bad(err, sub, "unknown tmpfs option %s", OCI_Q(name));
                if (m->data == NULL) {
                        m->data = text;
                } else {
                        char *joined = xasprintf("%s,%s", m->data, text);
                        free(m->data);
                        free(text);
                        m->data = joined;
                }
        }
        return 0;
}

static bool has_option(json_object *opts, const char *name)
{
        bool found = false;

        for (size_t i = 0; opts && i < json_object_array_length(opts); i++) {
                const char *s = json_object_get_string(json_object_array_get_idx(opts, i));
                found |= s && strcmp(s, name) == 0;
        }
        return found;
}

/* The mounts the launcher makes itself (fs/rootfs.c); a config.json that lists one is asking for exactly that. */
static bool standard_mount(struct spec_oci *oci, const char *dst, const char *type, bool bind, const char *source,
                           json_object *opts)
{
        /* /dev/shm as a bind (podman's shm of the container or pod, shared with --ipc container:) is a plain bind. */
        const struct {
                const char *destination, *type, *type2, *bind_source;
                bool *listed, *readonly;
        } std[] = {
            {"/proc", "proc", NULL, NULL, &oci->mount_proc, NULL},
            {"/dev", "tmpfs", NULL, NULL, &oci->mount_dev, NULL},
            {"/dev/pts", "devpts", NULL, NULL, &oci->mount_devpts, NULL},
            {"/dev/shm", "tmpfs", NULL, NULL, &oci->mount_shm, NULL},
            {"/dev/mqueue", "mqueue", NULL, "/dev/mqueue", &oci->mount_mqueue, NULL},
            {"/sys", "sysfs", NULL, "/sys", &oci->mount_sys, &oci->sys_readonly},
            {"/sys/fs/cgroup", "cgroup", "cgroup2", "/sys/fs/cgroup", &oci->mount_cgroup, &oci->cgroup_readonly},
        };
        bool ro = false;

        /* "ro" and "rw", the last one given. */
        for (size_t i = 0; opts && i < json_object_array_length(opts); i++) {
                const char *s = json_object_get_string(json_object_array_get_idx(opts, i));
                if (s && (strcmp(s, "ro") == 0 || strcmp(s, "rw") == 0))
                        ro = s[1] == 'o';
        }
        for (size_t i = 0; i < OCI_ELEMENTSOF(std); i++) {
                if (strcmp(dst, std[i].destination) != 0)
                        continue;
                if (!bind ? strcmp(type, std[i].type) != 0 && (!std[i].type2 || strcmp(type, std[i].type2) != 0)
                          : !std[i].bind_source || !source || strcmp(source, std[i].bind_source) != 0)
                        return false;
                *std[i].listed = true;
                if (std[i].readonly)
                        *std[i].readonly = ro;
                return true;
        }
        return false;
}

static int parse_mount(json_object *obj, const char *path, const char *bundle, struct burrow_spec *spec,
                       burrow_error **err)
{
        static const char *const kernel_types[] = {"proc", "sysfs", "devpts", "mqueue", "cgroup", "cgroup2"};
        _cleanup_free_ char *destination = NULL;
        struct spec_mount m = {0};
        const char *type = "", *source = NULL;
        json_object *v, *opts;
        char sub[96];
        bool bind;

        if (oci_want(obj, json_type_object, path, err) < 0)
                return -1;
        if ((v = oci_member(obj, "destination")) == NULL)
                return oci_bad(err, path, "no destination");
        if (oci_get_path(v, OCI_SUB(sub, "%s.destination", path), &destination, err) < 0)
                return -1;
        if ((v = oci_member(obj, "type")) && oci_get_str(v, OCI_SUB(sub, "%s.type", path), &type, err) < 0)
                return -1;
        if ((v = oci_member(obj, "source")) && oci_get_str(v, OCI_SUB(sub, "%s.source", path), &source, err) < 0)
                return -1;
        if ((opts = oci_member(obj, "options")) &&
            oci_want(opts, json_type_array, OCI_SUB(sub, "%s.options", path), err) < 0)
                return -1;
        bind = strcmp(type, "bind") == 0 || has_option(opts, "bind") || has_option(opts, "rbind");

        if (standard_mount(&spec->oci, destination, type, bind, source, opts))
                return 0;
        for (size_t i = 0; !bind && i < OCI_ELEMENTSOF(kernel_types); i++)
                if (strcmp(type, kernel_types[i]) == 0)
                        return oci_bad(err, path, "type %s is supported only at its standard place, not at %s", type,
                                       OCI_Q(destination));
        if (strcmp(destination, "/") == 0)
                return oci_bad(err, path, "the destination must not be \"/\"");
        if (bind) {
                if (source == NULL || source[0] == '\0')
                        return oci_bad(err, path, "a bind mount needs a source");
                m.type = SPEC_MOUNT_BIND;
                if (source[0] == '/') {
                        m.source = path_clean(source);
                } else {
                        _cleanup_free_ char *joined = xasprintf("%s/%s", bundle, source);
                        m.source = path_clean(joined);
                }
        } else if (strcmp(type, "tmpfs") == 0) {
                m.type = SPEC_MOUNT_TMPFS;
        } else if (type[0] == '\0') {
                return oci_bad(err, path, "no type, and no bind or rbind option");
        } else {
                return oci_bad(err, path, "type %s is not supported", OCI_Q(type));
        }
        m.destination = steal_pointer(&destination);
        if (opts && parse_mount_options(opts, OCI_SUB(sub, "%s.options", path), &m, err) < 0) {
                spec_mount_clear(&m);
                return -1;
        }
        spec_add_mount(spec, &m);
        return 0;
}

static int parse_mounts(json_object *v, const char *bundle, struct burrow_spec *spec, burrow_error **err)
{
        char path[32];
        size_t n;

        if (oci_get_array(v, "mounts", MAX_MOUNTS, &n, err) < 0)
                return -1;
        for (size_t i = 0; i < n; i++)
                if (parse_mount(json_object_array_get_idx(v, i), OCI_SUB(path, "mounts[%zu]", i), bundle, spec, err) <
                    0)
                        return -1;
        return 0;
}

/* ---- hooks, annotations, the whole ---- */

static int parse_hooks(json_object *h, struct spec_oci *oci, burrow_error **err)
{
        static const char *const kinds[SPEC_HOOK_KINDS] = {
            [SPEC_HOOK_PRESTART] = "prestart",
            [SPEC_HOOK_CREATE_RUNTIME] = "createRuntime",
            [SPEC_HOOK_CREATE_CONTAINER] = "createContainer",
            [SPEC_HOOK_START_CONTAINER] = "startContainer",
            [SPEC_HOOK_POSTSTART] = "poststart",
            [SPEC_HOOK_POSTSTOP] = "poststop",
        };
        char path[64], sub[96];

        if (oci_want(h, json_type_object, "hooks", err) < 0)
                return -1;
        for (int k = 0; k < SPEC_HOOK_KINDS; k++) {
                json_object *list = oci_member(h, kinds[k]);
                size_t n;

                if (list == NULL)
                        continue;
                if (oci_get_array(list, OCI_SUB(path, "hooks.%s", kinds[k]), MAX_HOOKS, &n, err) < 0)
                        return -1;
                oci->hooks[k] = xcalloc(n ? n : 1, sizeof(*oci->hooks[k]));
                oci->n_hooks[k] = n; /* zeroed entries: spec_oci_clear() frees what was filled */
                for (size_t i = 0; i < n; i++) {
                        json_object *hook = json_object_array_get_idx(list, i), *v;
                        struct spec_hook *out = &oci->hooks[k][i];
                        int64_t timeout;

                        OCI_SUB(path, "hooks.%s[%zu]", kinds[k], i);
                        if (oci_want(hook, json_type_object, path, err) < 0)
                                return -1;
                        if ((v = oci_member(hook, "path")) == NULL)
                                return oci_bad(err, path, "no path");
                        if (oci_get_path(v, OCI_SUB(sub, "%s.path", path), &out->path, err) < 0)
                                return -1;
                        if ((v = oci_member(hook, "args")) &&
                            oci_get_list(v, OCI_SUB(sub, "%s.args", path), OCI_LIST_ANY, &out->args, err) < 0)
                                return -1;
                        if ((v = oci_member(hook, "env")) &&
                            oci_get_list(v, OCI_SUB(sub, "%s.env", path), OCI_LIST_ENV, &out->env, err) < 0)
                                return -1;
                        if ((v = oci_member(hook, "timeout"))) {
                                if (oci_get_int(v, OCI_SUB(sub, "%s.timeout", path), 1, INT32_MAX, &timeout, err) < 0)
                                        return -1;
                                out->timeout = (int)timeout;
                        }
                }
        }
        return 0;
}

static int parse_annotations(json_object *v, strv *out, burrow_error **err)
{
        char sub[96];

        if (oci_get_map(v, "annotations", OCI_MAX_LIST, err) < 0)
                return -1;
        json_object_object_foreach(v, key, value)
        {
                const char *s;

                OCI_SUB(sub, "annotations[%s]", OCI_Q(key));
                if (key[0] == '\0' || strchr(key, '=') != NULL || strlen(key) > MAX_STRING)
                        return oci_bad(err, sub, "a key must be non-empty, without '='");
                if (oci_get_str(value, sub, &s, err) < 0)
                        return -1;
                strv_push_owned(out, xasprintf("%s=%s", key, s));
        }
        return 0;
}

static int parse_config(json_object *root, const char *bundle, struct burrow_spec *spec, burrow_error **err)
{
        json_object *v, *r;
        const char *s;

        if (oci_want(root, json_type_object, "top level", err) < 0)
                return -1;
        if ((v = oci_member(root, "ociVersion")) == NULL)
                return oci_bad(err, "ociVersion", "missing");
        if (oci_get_str(v, "ociVersion", &s, err) < 0)
                return -1;
        if (s[0] != '1' || (s[1] != '\0' && s[1] != '.'))
                return oci_bad(err, "ociVersion", "version %s is not supported (burrow supports 1.x)", OCI_Q(s));

        /* OCI's defaults where they differ from `burrow run`'s: the config lists all there is. */
        spec->oci.enabled = true;
        spec->oci.umask = -1;
        spec->oci.bundle = xstrdup(bundle);
        spec->no_new_privileges = false;
        spec->network = SPEC_NETWORK_HOST;
        strv_clear(&spec->masked_paths);
        strv_clear(&spec->readonly_paths);

        if (parse_process(oci_member(root, "process"), spec, err) < 0)
                return -1;
        if ((r = oci_member(root, "root")) == NULL)
                return oci_bad(err, "root", "missing");
        if (oci_want(r, json_type_object, "root", err) < 0)
                return -1;
        if ((v = oci_member(r, "path")) == NULL)
                return oci_bad(err, "root.path", "missing");
        if (oci_get_str(v, "root.path", &s, err) < 0)
                return -1;
        if (s[0] == '\0')
                return oci_bad(err, "root.path", "empty");
        if (s[0] == '/') {
                spec->rootfs = path_clean(s);
        } else {
                _cleanup_free_ char *joined = xasprintf("%s/%s", bundle, s);
                spec->rootfs = path_clean(joined);
        }
        if ((v = oci_member(r, "readonly")) && get_bool(v, "root.readonly", &spec->readonly_rootfs, err) < 0)
                return -1;

        if ((v = oci_member(root, "hostname"))) {
                if (oci_get_str(v, "hostname", &s, err) < 0)
                        return -1;
                spec->hostname = s[0] ? xstrdup(s) : NULL;
        }
        if ((v = oci_member(root, "domainname"))) {
                if (oci_get_str(v, "domainname", &s, err) < 0)
                        return -1;
                spec->oci.domainname = s[0] ? xstrdup(s) : NULL;
        }
        if ((v = oci_member(root, "mounts")) && parse_mounts(v, bundle, spec, err) < 0)
                return -1;
        if ((v = oci_member(root, "linux")) && oci_parse_linux(v, spec, err) < 0)
                return -1;
        if ((v = oci_member(root, "hooks")) && parse_hooks(v, &spec->oci, err) < 0)
                return -1;
        if ((v = oci_member(root, "annotations")) && parse_annotations(v, &spec->oci.annotations, err) < 0)
                return -1;

        /* The kernel's names are per uts namespace: setting them in the host's would rename the host. */
        if (spec->hostname && oci_find_namespace(&spec->oci, CLONE_NEWUTS) == NULL)
                return oci_bad(err, "hostname", "needs a uts namespace in linux.namespaces");
        if (spec->oci.domainname && oci_find_namespace(&spec->oci, CLONE_NEWUTS) == NULL)
                return oci_bad(err, "domainname", "needs a uts namespace in linux.namespaces");
        return 0;
}

int oci_config_parse(const char *json, size_t len, const char *bundle_dir, struct burrow_spec *spec, burrow_error **err)
{
        _cleanup_free_ char *bundle = NULL;
        enum json_tokener_error jerr;
        json_tokener *tok;
        json_object *root;
        size_t end;
        int r;

        if (bundle_dir == NULL || (bundle = path_clean(bundle_dir)) == NULL)
                return error_make(err, 0, "bundle %s: must be an absolute path", bundle_dir ? OCI_Q(bundle_dir) : "");
        if (json == NULL && len > 0)
                return error_make(err, EINVAL, "config.json: no data");
        if (len > OCI_CONFIG_MAX)
                return error_make(err, E2BIG, "config.json: larger than %d bytes", OCI_CONFIG_MAX);
        if (len > 0 && memchr(json, '\0', len) != NULL)
                return error_make(err, 0, "config.json: contains a NUL byte");

        /* The depth limit makes "[[[[..." fail in the tokener instead of growing a deep tree. */
        tok = json_tokener_new_ex(JSON_MAX_DEPTH);
        if (tok == NULL)
                abort();
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
        root = json_tokener_parse_ex(tok, json, (int)len);
        jerr = json_tokener_get_error(tok);
        end = json_tokener_get_parse_end(tok);
        json_tokener_free(tok);
        if (root == NULL || jerr != json_tokener_success) {
                json_object_put(root);
                if (jerr == json_tokener_continue || jerr == json_tokener_success)
                        return error_make(err, 0, "config.json: truncated JSON");
                if (jerr == json_tokener_error_depth)
                        return error_make(err, 0, "config.json: JSON nested deeper than %d levels", JSON_MAX_DEPTH);
                return error_make(err, 0, "config.json: invalid JSON at byte %zu: %s", end,
                                  json_tokener_error_desc(jerr));
        }
        for (; end < len; end++)
                if (strchr(" \t\r\n", json[end]) == NULL) {
                        json_object_put(root);
                        return error_make(err, 0, "config.json: invalid JSON at byte %zu: trailing data", end);
                }
        r = parse_config(root, bundle, spec, err);
        json_object_put(root);
        return r;
}
