/* Seccomp profiles in the Docker/OCI JSON format into the in-memory profile: json-c with a depth limit, every field
 * type-checked, and an error naming the field path ("syscalls[3].action: ..."). Unknown keys are ignored, as Docker
 * and podman do, so that profiles written for newer runtimes keep loading. */
#include "security/seccomp-internal.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/cleanup.h"
#include "util/strv.h"

/* Bounds on what a profile can make us allocate; podman's default has about 50 rules and 400 names. */
#define JSON_MAX_DEPTH    64
#define PROFILE_MAX_RULES 4096
#define RULE_MAX_NAMES    1024
#define PROFILE_MAX_NAMES 16384
#define LIST_MAX          64 /* caps, arches, architectures, archMap entries, flags */
#define NAME_MAX_LEN      64 /* a syscall, capability or architecture name */
#define ERRNO_MAX         4095
#define TRACE_MSG_MAX     65535

static const struct action_name {
        const char *name;
        uint32_t action; /* ERRNO and TRACE get their data from errnoRet */
        bool has_data;
} action_names[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL, false},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP, false},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG, false},
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, false},
};

/* clang-format off */
static const struct op_name {
        const char *name;
        enum scmp_compare op;
} op_names[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};
/* clang-format on */

#ifndef SCMP_ARCH_LOONGARCH64
#define SCMP_ARCH_LOONGARCH64 0
#endif
#ifndef SCMP_ARCH_M68K
#define SCMP_ARCH_M68K 0
#endif
#ifndef SCMP_ARCH_SH
#define SCMP_ARCH_SH 0
#endif
#ifndef SCMP_ARCH_SHEB
#define SCMP_ARCH_SHEB 0
#endif

/* The profile's architecture names; includes/excludes.arches use Go's GOARCH (as Docker does) or the kernel's. */
static const struct seccomp_arch_name arch_names[] = {
    {"SCMP_ARCH_X86", SCMP_ARCH_X86, "386", "x86"},
    {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64, "amd64", "x86_64"},
    {"SCMP_ARCH_X32", SCMP_ARCH_X32, "x32", "x32"},
    {"SCMP_ARCH_ARM", SCMP_ARCH_ARM, "arm", "arm"},
    {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64, "arm64", "aarch64"},
    {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS, "mips", "mips"},
    {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64, "mips64", "mips64"},
    {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32, "mips64n32", "mips64n32"},
    {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL, "mipsle", "mipsel"},
    {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64, "mips64le", "mipsel64"},
    {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32, "mips64len32", "mipsel64n32"},
    {"SCMP_ARCH_PPC", SCMP_ARCH_PPC, "ppc", "ppc"},
    {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64, "ppc64", "ppc64"},
    {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE, "ppc64le", "ppc64le"},
    {"SCMP_ARCH_S390", SCMP_ARCH_S390, "s390", "s390"},
    {"SCMP_ARCH_S390X", SCMP_ARCH_S390X, "s390x", "s390x"},
    {"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC, "parisc", "parisc"},
    {"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64, "parisc64", "parisc64"},
    {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64, "riscv64", "riscv64"},
    {"SCMP_ARCH_LOONGARCH64", SCMP_ARCH_LOONGARCH64, "loong64", "loongarch64"},
    {"SCMP_ARCH_M68K", SCMP_ARCH_M68K, "m68k", "m68k"},
    {"SCMP_ARCH_SH", SCMP_ARCH_SH, "sh", "sh"},
    {"SCMP_ARCH_SHEB", SCMP_ARCH_SHEB, "sheb", "sheb"},
};

/* Capability names by number, as in <linux/capability.h>. */
/* clang-format off */
static const char *const cap_names[] = {
    "CAP_CHOWN",           "CAP_DAC_OVERRIDE",    "CAP_DAC_READ_SEARCH", "CAP_FOWNER",       "CAP_FSETID",
    "CAP_KILL",            "CAP_SETGID",          "CAP_SETUID",          "CAP_SETPCAP",      "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",  "CAP_NET_ADMIN",       "CAP_NET_RAW",      "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",       "CAP_SYS_MODULE",      "CAP_SYS_RAWIO",       "CAP_SYS_CHROOT",   "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",       "CAP_SYS_ADMIN",       "CAP_SYS_BOOT",        "CAP_SYS_NICE",     "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",        "CAP_SYS_TTY_CONFIG",  "CAP_MKNOD",           "CAP_LEASE",        "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",         "CAP_MAC_OVERRIDE",    "CAP_MAC_ADMIN",    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",      "CAP_BLOCK_SUSPEND",   "CAP_AUDIT_READ",      "CAP_PERFMON",      "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};
/* clang-format on */

static int field_error(burrow_error **err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int field_error(burrow_error **err, const char *path, const char *fmt, ...)
{
        _cleanup_free_ char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                abort();
        va_end(ap);
        return error_make(err, 0, "seccomp profile: %s: %s", path, msg);
}

static const char *type_article(json_type t)
{
        switch (t) {
        case json_type_object:
                return "an object";
        case json_type_array:
                return "an array";
        case json_type_string:
                return "a string";
        case json_type_int:
                return "an integer";
        default:
                return "a value of another type";
        }
}

/* The member key of obj, or NULL when it is missing or null (Docker treats null as absent). */
static json_object *member(json_object *obj, const char *key)
{
        json_object *v = NULL;

        if (!json_object_object_get_ex(obj, key, &v))
                return NULL;
        return v;
}

static int expect(json_object *v, json_type t, const char *path, burrow_error **err)
{
        if (!json_object_is_type(v, t))
                return field_error(err, path, "expected %s", type_article(t));
        return 0;
}

static int expect_name(json_object *v, const char *path, const char **ret, burrow_error **err)
{
        const char *s;

        if (expect(v, json_type_string, path, err) < 0)
                return -1;
        s = json_object_get_string(v);
        if (s[0] == '\0' || (size_t)json_object_get_string_len(v) > NAME_MAX_LEN)
                return field_error(err, path, "expected a name of 1 to %d characters", NAME_MAX_LEN);
        *ret = s;
        return 0;
}

static int expect_array(json_object *v, size_t max, const char *path, size_t *ret_len, burrow_error **err)
{
        if (expect(v, json_type_array, path, err) < 0)
                return -1;
        if (json_object_array_length(v) > max)
                return field_error(err, path, "more than %zu entries", max);
        *ret_len = json_object_array_length(v);
        return 0;
}

/* A non-negative JSON integer up to max. json-c clamps integers beyond UINT64_MAX to it; nothing else is lost. */
static int expect_uint(json_object *v, uint64_t max, const char *path, uint64_t *ret, burrow_error **err)
{
        if (expect(v, json_type_int, path, err) < 0)
                return -1;
        if (json_object_get_int64(v) < 0)
                return field_error(err, path, "must not be negative");
        if (json_object_get_uint64(v) > max)
                return field_error(err, path, "larger than %llu", (unsigned long long)max);
        *ret = json_object_get_uint64(v);
        return 0;
}

/* action and its errnoRet; without errnoRet, ERRNO means EPERM as in Docker. */
static int parse_action(json_object *action, json_object *errno_ret, const char *path, const char *errno_path,
                        uint32_t *ret, burrow_error **err)
{
        const struct action_name *a = NULL;
        uint64_t data = EPERM;
        const char *name;

        if (expect(action, json_type_string, path, err) < 0)
                return -1;
        name = json_object_get_string(action);
        for (size_t i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++)
                if (strcmp(name, action_names[i].name) == 0)
                        a = &action_names[i];
        if (a == NULL)
                return field_error(err, path, "unknown action \"%.*s\"", NAME_MAX_LEN, name);
        if (a->action == SCMP_ACT_NOTIFY)
                return field_error(err, path, "SCMP_ACT_NOTIFY is not supported (burrow has no seccomp listener)");
        if (errno_ret != NULL) {
                if (!a->has_data)
                        return field_error(err, errno_path, "only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
                if (expect_uint(errno_ret, a->action == SCMP_ACT_TRACE(0) ? TRACE_MSG_MAX : ERRNO_MAX, errno_path,
                                &data, err) < 0)
                        return -1;
        } else if (a->action == SCMP_ACT_TRACE(0)) {
                data = 0;
        }
        *ret = a->has_data ? a->action | (uint32_t)data : a->action;
        return 0;
}

static int parse_cap(const char *name, uint64_t *caps)
{
        for (size_t i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
                if (strcasecmp(name, cap_names[i]) == 0) {
                        *caps |= UINT64_C(1) << i;
                        return 0;
                }
        return -1;
}

/* "MAJOR.MINOR", as Docker's minKernel. */
static int parse_kernel_version(const char *s, unsigned int *ret)
{
        unsigned int major, minor;
        int n = 0;

        if (sscanf(s, "%5u.%5u%n", &major, &minor, &n) != 2 || s[n] != '\0' || s[0] < '0' || s[0] > '9' ||
            major > 0xffff || minor > 0xffff || (major | minor) == 0)
                return -1;
        *ret = major << 16 | minor;
        return 0;
}

static int parse_condition(json_object *obj, const char *path, struct seccomp_condition *c, burrow_error **err)
{
        json_object *v;
        char sub[192];
        size_t n;

        if (expect(obj, json_type_object, path, err) < 0)
                return -1;
        if ((v = member(obj, "caps")) != NULL) {
                snprintf(sub, sizeof(sub), "%s.caps", path);
                if (expect_array(v, LIST_MAX, sub, &n, err) < 0)
                        return -1;
                for (size_t i = 0; i < n; i++) {
                        const char *name;
                        snprintf(sub, sizeof(sub), "%s.caps[%zu]", path, i);
                        if (expect_name(json_object_array_get_idx(v, i), sub, &name, err) < 0)
                                return -1;
                        if (parse_cap(name, &c->caps) < 0)
                                return field_error(err, sub, "unknown capability \"%s\"", name);
                }
        }
        if ((v = member(obj, "arches")) != NULL) {
                snprintf(sub, sizeof(sub), "%s.arches", path);
                if (expect_array(v, LIST_MAX, sub, &n, err) < 0)
                        return -1;
                for (size_t i = 0; i < n; i++) {
                        const char *name;
                        snprintf(sub, sizeof(sub), "%s.arches[%zu]", path, i);
                        if (expect_name(json_object_array_get_idx(v, i), sub, &name, err) < 0)
                                return -1;
                        strv_push(&c->arches, name);
                }
        }
        if ((v = member(obj, "minKernel")) != NULL) {
                snprintf(sub, sizeof(sub), "%s.minKernel", path);
                if (expect(v, json_type_string, sub, err) < 0)
                        return -1;
                if (parse_kernel_version(json_object_get_string(v), &c->min_kernel) < 0)
                        return field_error(err, sub, "expected \"MAJOR.MINOR\"");
        }
        return 0;
}

static int parse_arg(json_object *obj, const char *path, struct seccomp_arg *a, burrow_error **err)
{
        json_object *v;
        char sub[192];
        uint64_t index;
        const char *op;
        bool found = false;

        if (expect(obj, json_type_object, path, err) < 0)
                return -1;
        snprintf(sub, sizeof(sub), "%s.index", path);
        if ((v = member(obj, "index")) == NULL)
                return field_error(err, sub, "missing");
        if (expect_uint(v, SECCOMP_ARGS_MAX - 1, sub, &index, err) < 0)
                return -1;
        a->index = (unsigned int)index;
        snprintf(sub, sizeof(sub), "%s.value", path);
        if ((v = member(obj, "value")) != NULL && expect_uint(v, UINT64_MAX, sub, &a->value, err) < 0)
                return -1;
        snprintf(sub, sizeof(sub), "%s.valueTwo", path);
        if ((v = member(obj, "valueTwo")) != NULL && expect_uint(v, UINT64_MAX, sub, &a->value_two, err) < 0)
                return -1;
        snprintf(sub, sizeof(sub), "%s.op", path);
        if ((v = member(obj, "op")) == NULL)
                return field_error(err, sub, "missing");
        if (expect(v, json_type_string, sub, err) < 0)
                return -1;
        op = json_object_get_string(v);
        for (size_t i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++)
                if (strcmp(op, op_names[i].name) == 0) {
                        a->op = op_names[i].op;
                        found = true;
                }
        if (!found)
                return field_error(err, sub, "unknown operator \"%.*s\"", NAME_MAX_LEN, op);
        return 0;
}

static int parse_rule(json_object *obj, size_t idx, size_t *total_names, struct seccomp_rule *r, burrow_error **err)
{
        json_object *names, *name, *v;
        char path[64], sub[128];
        size_t n;

        snprintf(path, sizeof(path), "syscalls[%zu]", idx);
        if (expect(obj, json_type_object, path, err) < 0)
                return -1;

        names = member(obj, "names");
        name = member(obj, "name");
        if (names != NULL && name != NULL)
                return field_error(err, path, "use either \"name\" or \"names\", not both");
        if (names == NULL && name == NULL)
                return field_error(err, path, "no \"names\"");
        if (name != NULL) {
                const char *s;
                snprintf(sub, sizeof(sub), "%s.name", path);
                if (expect_name(name, sub, &s, err) < 0)
                        return -1;
                strv_push(&r->names, s);
        } else {
                snprintf(sub, sizeof(sub), "%s.names", path);
                if (expect_array(names, RULE_MAX_NAMES, sub, &n, err) < 0)
                        return -1;
                for (size_t i = 0; i < n; i++) {
                        const char *s;
                        snprintf(sub, sizeof(sub), "%s.names[%zu]", path, i);
                        if (expect_name(json_object_array_get_idx(names, i), sub, &s, err) < 0)
                                return -1;
                        strv_push(&r->names, s);
                }
        }
        *total_names += r->names.len;
        if (*total_names > PROFILE_MAX_NAMES)
                return field_error(err, path, "more than %d syscall names in the profile", PROFILE_MAX_NAMES);

        snprintf(sub, sizeof(sub), "%s.action", path);
        if ((v = member(obj, "action")) == NULL)
                return field_error(err, sub, "missing");
        {
                char errno_path[128];
                snprintf(errno_path, sizeof(errno_path), "%s.errnoRet", path);
                if (parse_action(v, member(obj, "errnoRet"), sub, errno_path, &r->action, err) < 0)
                        return -1;
        }

        if ((v = member(obj, "args")) != NULL) {
                snprintf(sub, sizeof(sub), "%s.args", path);
                if (expect_array(v, SECCOMP_ARGS_MAX, sub, &r->n_args, err) < 0)
                        return -1;
                for (size_t i = 0; i < r->n_args; i++) {
                        snprintf(sub, sizeof(sub), "%s.args[%zu]", path, i);
                        if (parse_arg(json_object_array_get_idx(v, i), sub, &r->args[i], err) < 0)
                                return -1;
                }
        }
        snprintf(sub, sizeof(sub), "%s.includes", path);
        if ((v = member(obj, "includes")) != NULL && parse_condition(v, sub, &r->includes, err) < 0)
                return -1;
        snprintf(sub, sizeof(sub), "%s.excludes", path);
        if ((v = member(obj, "excludes")) != NULL && parse_condition(v, sub, &r->excludes, err) < 0)
                return -1;
        return 0;
}

static const struct seccomp_arch_name *arch_lookup(const char *name)
{
        for (size_t i = 0; i < sizeof(arch_names) / sizeof(arch_names[0]); i++)
                if (strcmp(name, arch_names[i].name) == 0)
                        return &arch_names[i];
        return NULL;
}

static int parse_arch(json_object *v, const char *path, uint32_t parent, struct seccomp_profile *p, uint32_t *ret,
                      burrow_error **err)
{
        const struct seccomp_arch_name *a;
        const char *name;

        if (expect_name(v, path, &name, err) < 0)
                return -1;
        a = arch_lookup(name);
        if (a == NULL)
                return field_error(err, path, "unknown architecture \"%s\"", name);
        if (p->n_arches >= sizeof(p->arches) / sizeof(p->arches[0]))
                return field_error(err, path, "too many architectures");
        p->arches[p->n_arches++] = (struct seccomp_arch){a->token, parent};
        if (ret != NULL)
                *ret = a->token;
        return 0;
}

static int parse_arches(json_object *root, struct seccomp_profile *p, burrow_error **err)
{
        json_object *list = member(root, "architectures"), *map = member(root, "archMap");
        char path[96];
        size_t n, m;

        if (list != NULL && map != NULL)
                return field_error(err, "archMap", "use either \"architectures\" or \"archMap\", not both");
        if (list != NULL) {
                if (expect_array(list, LIST_MAX, "architectures", &n, err) < 0)
                        return -1;
                for (size_t i = 0; i < n; i++) {
                        snprintf(path, sizeof(path), "architectures[%zu]", i);
                        if (parse_arch(json_object_array_get_idx(list, i), path, 0, p, NULL, err) < 0)
                                return -1;
                }
        }
        if (map == NULL)
                return 0;
        if (expect_array(map, LIST_MAX, "archMap", &n, err) < 0)
                return -1;
        for (size_t i = 0; i < n; i++) {
                json_object *entry = json_object_array_get_idx(map, i), *v;
                uint32_t parent;

                snprintf(path, sizeof(path), "archMap[%zu]", i);
                if (expect(entry, json_type_object, path, err) < 0)
                        return -1;
                snprintf(path, sizeof(path), "archMap[%zu].architecture", i);
                if ((v = member(entry, "architecture")) == NULL)
                        return field_error(err, path, "missing");
                if (parse_arch(v, path, 0, p, &parent, err) < 0)
                        return -1;
                p->arches[p->n_arches - 1].parent = parent;
                if ((v = member(entry, "subArchitectures")) == NULL)
                        continue;
                snprintf(path, sizeof(path), "archMap[%zu].subArchitectures", i);
                if (expect_array(v, LIST_MAX, path, &m, err) < 0)
                        return -1;
                for (size_t j = 0; j < m; j++) {
                        snprintf(path, sizeof(path), "archMap[%zu].subArchitectures[%zu]", i, j);
                        if (parse_arch(json_object_array_get_idx(v, j), path, parent, p, NULL, err) < 0)
                                return -1;
                }
        }
        return 0;
}

static int parse_flags(json_object *v, struct seccomp_profile *p, burrow_error **err)
{
        char path[64];
        size_t n;

        if (expect_array(v, LIST_MAX, "flags", &n, err) < 0)
                return -1;
        for (size_t i = 0; i < n; i++) {
                const char *name;
                snprintf(path, sizeof(path), "flags[%zu]", i);
                if (expect_name(json_object_array_get_idx(v, i), path, &name, err) < 0)
                        return -1;
                if (strcmp(name, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
                        p->tsync = true;
                else if (strcmp(name, "SECCOMP_FILTER_FLAG_LOG") == 0)
                        p->log = true;
                else if (strcmp(name, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
                        p->spec_allow = true;
                else
                        return field_error(err, path, "unknown flag \"%s\"", name);
        }
        return 0;
}

static int parse_profile(json_object *root, struct seccomp_profile *p, burrow_error **err)
{
        json_object *v, *syscalls;
        size_t total_names = 0;

        if (expect(root, json_type_object, "top level", err) < 0)
                return -1;
        if ((v = member(root, "defaultAction")) == NULL)
                return error_make(err, 0, "seccomp profile: no \"defaultAction\"");
        if (parse_action(v, member(root, "defaultErrnoRet"), "defaultAction", "defaultErrnoRet", &p->default_action,
                         err) < 0)
                return -1;
        if (parse_arches(root, p, err) < 0)
                return -1;
        if ((v = member(root, "flags")) != NULL && parse_flags(v, p, err) < 0)
                return -1;
        if ((v = member(root, "listenerPath")) != NULL) {
                if (expect(v, json_type_string, "listenerPath", err) < 0)
                        return -1;
                if (json_object_get_string_len(v) > 0)
                        return field_error(err, "listenerPath", "not supported (burrow has no seccomp listener)");
        }

        if ((syscalls = member(root, "syscalls")) == NULL)
                return 0;
        if (expect_array(syscalls, PROFILE_MAX_RULES, "syscalls", &p->n_rules, err) < 0)
                return -1;
        p->rules = xcalloc(p->n_rules ? p->n_rules : 1, sizeof(*p->rules));
        for (size_t i = 0; i < p->n_rules; i++)
                if (parse_rule(json_object_array_get_idx(syscalls, i), i, &total_names, &p->rules[i], err) < 0)
                        return -1;
        return 0;
}

int seccomp_profile_parse(const char *json, size_t len, struct seccomp_profile **ret, burrow_error **err)
{
        struct seccomp_profile *p = NULL;
        json_tokener *tok;
        json_object *root;
        enum json_tokener_error jerr;
        size_t end;
        int r;

        if (len > SECCOMP_PROFILE_MAX_SIZE)
                return error_make(err, E2BIG, "seccomp profile: larger than %d bytes", SECCOMP_PROFILE_MAX_SIZE);
        if (memchr(json, '\0', len) != NULL)
                return error_make(err, 0, "seccomp profile: contains a NUL byte");

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
                if (jerr == json_tokener_continue)
                        return error_make(err, 0, "seccomp profile: truncated JSON");
                if (jerr == json_tokener_error_depth)
                        return error_make(err, 0, "seccomp profile: JSON nested deeper than %d levels", JSON_MAX_DEPTH);
                return error_make(err, 0, "seccomp profile: invalid JSON at byte %zu: %s", end,
                                  json_tokener_error_desc(jerr));
        }
        for (; end < len; end++)
                if (strchr(" \t\r\n", json[end]) == NULL) {
                        json_object_put(root);
                        return error_make(err, 0, "seccomp profile: invalid JSON at byte %zu: trailing data", end);
                }

        p = xcalloc(1, sizeof(*p));
        r = parse_profile(root, p, err);
        json_object_put(root);
        if (r < 0) {
                seccomp_profile_free(p);
                return -1;
        }
        *ret = p;
        return 0;
}

int seccomp_profile_default(struct seccomp_profile **ret, burrow_error **err)
{
        if (seccomp_profile_parse(seccomp_default_json, seccomp_default_json_len, ret, err) < 0)
                return error_wrap(err, "default");
        return 0;
}

void seccomp_profile_free(struct seccomp_profile *p)
{
        if (p == NULL)
                return;
        for (size_t i = 0; i < p->n_rules; i++) {
                strv_clear(&p->rules[i].names);
                strv_clear(&p->rules[i].includes.arches);
                strv_clear(&p->rules[i].excludes.arches);
        }
        free(p->rules);
        free(p);
}

const struct seccomp_arch_name *seccomp_arch_name_of(uint32_t token)
{
        for (size_t i = 0; i < sizeof(arch_names) / sizeof(arch_names[0]); i++)
                if (token != 0 && arch_names[i].token == token)
                        return &arch_names[i];
        return NULL;
}

void seccomp_profile_first_rule_wins(struct seccomp_profile *p)
{
        p->first_rule_wins = true;
}
