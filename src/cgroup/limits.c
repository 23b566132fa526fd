/* Resource-limit flags to cgroup v2 writes (limits.h). The flags follow docker's `docker run`; their values follow
 * what docker's daemon accepts, and the conversions to cgroup v2 follow crun (which docker and podman run on cgroup v2
 * hosts), so that a container gets the same limits from burrow as from them. */
#include "cgroup/limits.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

/* A value meaning "no limit" ("max" in the cgroup file). */
#define UNLIMITED (-1)

/* docker's smallest --memory and --memory-reservation (linuxMinMemory): below it a container cannot even start. */
#define MIN_MEMORY (INT64_C(6) << 20)
/* The kernel's largest NR_CPUS, and MAX_NUMNODES (1 << NODES_SHIFT at its largest). */
#define MAX_CPUS  8192
#define MAX_NODES 1024
/* pids.max takes at most PID_MAX_LIMIT. */
#define MAX_PIDS 4194304
/* cpu.max's period when none is given: the kernel's default, and docker's for --cpus. */
#define DEFAULT_CPU_PERIOD 100000
/* Linux device numbers: 12 bits of major, 20 of minor. */
#define MAX_MAJOR 0xfffu
#define MAX_MINOR 0xfffffu
/* A cgroup file name is a directory entry. */
#define MAX_FILE_NAME 255

enum scalar_flag_id {
        FLAG_MEMORY,
        FLAG_MEMORY_RESERVATION,
        FLAG_MEMORY_SWAP,
        FLAG_CPUS,
        FLAG_CPU_SHARES,
        FLAG_CPU_WEIGHT,
        FLAG_CPU_QUOTA,
        FLAG_CPU_PERIOD,
        FLAG_CPUSET_CPUS,
        FLAG_CPUSET_MEMS,
        FLAG_PIDS_LIMIT,
        FLAG_BLKIO_WEIGHT,
        _FLAG_SCALAR_MAX,
};
_Static_assert(_FLAG_SCALAR_MAX == CGROUP_REQUEST_SCALARS, "limits.h sizes the request for every scalar flag");

enum value_kind {
        VALUE_SIZE,    /* bytes, docker's units */
        VALUE_CPUS,    /* CPUs with up to 3 decimals, kept in thousandths */
        VALUE_INTEGER, /* a plain decimal */
        VALUE_ID_LIST, /* "0-3,5": kept as text, written as given */
};

/* The single-valued flags: each value is checked on its own here, against the others in cgroup_limits_build(). */
static const struct scalar_flag {
        const char *name;
        enum value_kind kind;
        int64_t min, max; /* the range of a limit; for id lists, max is the largest id */
        bool minus_one;   /* -1 is accepted and means no limit */
        bool zero;        /* so is 0 */
        const char *expected;
} scalar_flags[] = {
    [FLAG_MEMORY] = {"memory", VALUE_SIZE, MIN_MEMORY, INT64_MAX, false, false,
                     "expected a size of at least 6m, such as 512m or 1.5g (units b, k, m, g, t)"},
    [FLAG_MEMORY_RESERVATION] = {"memory-reservation", VALUE_SIZE, MIN_MEMORY, INT64_MAX, false, false,
                                 "expected a size of at least 6m, such as 512m or 1.5g (units b, k, m, g, t)"},
    [FLAG_MEMORY_SWAP] = {"memory-swap", VALUE_SIZE, 1, INT64_MAX, true, false,
                          "expected -1 (unlimited swap) or the total of memory and swap, such as 1g, at least "
                          "--memory (the same value as --memory allows no swap)"},
    [FLAG_CPUS] = {"cpus", VALUE_CPUS, 10, MAX_CPUS * 1000, false, false,
                   "expected a number of CPUs from 0.01 to 8192 with at most 3 decimals, such as 0.5 or 2"},
    [FLAG_CPU_SHARES] = {"cpu-shares", VALUE_INTEGER, 2, 262144, false, false, "expected a number from 2 to 262144"},
    [FLAG_CPU_WEIGHT] = {"cpu-weight", VALUE_INTEGER, 1, 10000, false, false, "expected a number from 1 to 10000"},
    [FLAG_CPU_QUOTA] = {"cpu-quota", VALUE_INTEGER, 1000, INT64_MAX, true, false,
                        "expected -1 (unlimited) or microseconds per period, at least 1000"},
    [FLAG_CPU_PERIOD] = {"cpu-period", VALUE_INTEGER, 1000, 1000000, false, false,
                         "expected microseconds from 1000 to 1000000"},
    [FLAG_CPUSET_CPUS] = {"cpuset-cpus", VALUE_ID_LIST, 0, MAX_CPUS - 1, false, false,
                          "expected a list of CPU numbers such as 0-3,5"},
    [FLAG_CPUSET_MEMS] = {"cpuset-mems", VALUE_ID_LIST, 0, MAX_NODES - 1, false, false,
                          "expected a list of memory node numbers such as 0-1,3"},
    [FLAG_PIDS_LIMIT] = {"pids-limit", VALUE_INTEGER, 1, MAX_PIDS, true, true,
                         "expected a number of processes from 1 to 4194304, or -1 or 0 for no limit"},
    [FLAG_BLKIO_WEIGHT] = {"blkio-weight", VALUE_INTEGER, 10, 1000, false, false, "expected a number from 10 to 1000"},
};
_Static_assert(ELEMENTSOF(scalar_flags) == _FLAG_SCALAR_MAX, "one entry per scalar flag");

/* --device-{read,write}-{bps,iops} PATH:RATE, in the order of io.max's keys. */
static const struct device_flag {
        const char *name;
        const char *key; /* io.max's */
        bool size;       /* a rate in bytes with docker's units, else a plain count */
        const char *expected;
} device_flags[CGROUP_DEVICE_LIMITS] = {
    {"device-read-bps", "rbps", true,
     "expected DEVICE:RATE such as /dev/sda:10m (bytes per second, at least 1, units b, k, m, g, t)"},
    {"device-write-bps", "wbps", true,
     "expected DEVICE:RATE such as /dev/sda:10m (bytes per second, at least 1, units b, k, m, g, t)"},
    {"device-read-iops", "riops", false,
     "expected DEVICE:RATE such as /dev/sda:1000 (operations per second, at least 1)"},
    {"device-write-iops", "wiops", false,
     "expected DEVICE:RATE such as /dev/sda:1000 (operations per second, at least 1)"},
};

#define FLAG_CGROUP_CONF "cgroup-conf"

/* The controllers a container may be limited by, by the prefix of their files. */
static const struct {
        const char *name;
        unsigned bit;
} controllers[] = {
    {"cpu", CGROUP_CTRL_CPU},   {"memory", CGROUP_CTRL_MEMORY}, {"pids", CGROUP_CTRL_PIDS},
    {"io", CGROUP_CTRL_IO},     {"cpuset", CGROUP_CTRL_CPUSET}, {"hugetlb", CGROUP_CTRL_HUGETLB},
    {"rdma", CGROUP_CTRL_RDMA}, {"misc", CGROUP_CTRL_MISC},
};

/* The core's own "cgroup.*" files are burrow's to manage (cgroup.procs, cgroup.subtree_control, cgroup.kill, ...),
 * but for these limits of the container's own subtree. */
static const char *const core_files[] = {"cgroup.max.depth", "cgroup.max.descendants"};

/* Files a write adds a line to (one per device, or "default") rather than replaces: several writes to them are not a
 * conflict between --cgroup-conf and the flags. */
static const char *const keyed_files[] = {"io.max", "io.weight", "io.bfq.weight", "io.latency"};

static bool is_digit(char c)
{
        return c >= '0' && c <= '9';
}

static bool in_list(const char *const *list, size_t n, const char *s)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(list[i], s) == 0)
                        return true;
        return false;
}

/* s in double quotes, with control characters, '"' and '\' escaped, so that every message stays one line. */
static char *quote(const char *s)
{
        char *out = xmalloc(strlen(s) * 4 + 3), *o = out;

        *o++ = '"';
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                if (*p == '"' || *p == '\\') {
                        *o++ = '\\';
                        *o++ = (char)*p;
                } else if (*p < 0x20 || *p == 0x7f) {
                        o += sprintf(o, "\\x%02x", *p);
                } else {
                        *o++ = (char)*p;
                }
        }
        *o++ = '"';
        *o = '\0';
        return out;
}

/* `invalid --FLAG "ARG": <message>` (errnum 0 when the message says it all). */
static int flag_error_errno(burrow_error **err, int errnum, const char *flag, const char *arg, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int flag_error_errno(burrow_error **err, int errnum, const char *flag, const char *arg, const char *fmt, ...)
{
        _cleanup_free_ char *quoted = quote(arg), *message = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&message, fmt, ap) < 0)
                abort();
        va_end(ap);
        return error_make(err, errnum, "invalid --%s %s: %s", flag, quoted, message);
}
#define flag_error(err, flag, arg, ...) flag_error_errno(err, 0, flag, arg, __VA_ARGS__)

/* Decimal digits at *p (at least one), advancing *p; -ERANGE past INT64_MAX. */
static int parse_digits(const char **p, uint64_t *ret)
{
        uint64_t v = 0;
        const char *s = *p;

        if (!is_digit(*s))
                return -EINVAL;
        for (; is_digit(*s); s++) {
                if (v > ((uint64_t)INT64_MAX - (uint64_t)(*s - '0')) / 10)
                        return -ERANGE;
                v = v * 10 + (uint64_t)(*s - '0');
        }
        *p = s;
        *ret = v;
        return 0;
}

/* [-]DIGITS, the whole string. */
static int parse_integer(const char *s, int64_t *ret)
{
        bool negative = s[0] == '-';
        const char *p = s + negative;
        uint64_t v;
        int r;

        r = parse_digits(&p, &v);
        if (r < 0)
                return r;
        if (*p != '\0')
                return -EINVAL;
        *ret = negative ? -(int64_t)v : (int64_t)v;
        return 0;
}

/* DIGITS[.D[D[D]]]: the whole part and the fraction in thousandths. */
static int parse_decimal(const char **p, uint64_t *ret_whole, uint64_t *ret_thousandths)
{
        uint64_t frac = 0;
        int digits = 0, r;

        r = parse_digits(p, ret_whole);
        if (r < 0)
                return r;
        if (**p == '.') {
                (*p)++;
                if (!is_digit(**p))
                        return -EINVAL;
                for (; is_digit(**p); (*p)++, digits++) {
                        if (digits == 3)
                                return -EINVAL;
                        frac = frac * 10 + (uint64_t)(**p - '0');
                }
        }
        for (; digits < 3; digits++)
                frac *= 10;
        *ret_thousandths = frac;
        return 0;
}

/* docker's sizes (go-units' RAMInBytes): N[.F][k|m|g|t|p][i][b], case-insensitive, 1024-based. We take at most three
 * decimals and, as docker, drop the fraction of a byte ("1.5" is 1). */
static int parse_size(const char *s, int64_t *ret)
{
        static const char units[] = "kmgtp";
        const char *p = s, *unit;
        uint64_t whole, frac, mult = 1;
        int r;

        r = parse_decimal(&p, &whole, &frac);
        if (r < 0)
                return r;
        if (*p != '\0' && (unit = strchr(units, *p | 0x20)) != NULL) {
                mult = UINT64_C(1) << (10 * (unit - units + 1));
                p++;
                if (*p == 'i' || *p == 'I')
                        p++;
        }
        if (*p == 'b' || *p == 'B')
                p++;
        if (*p != '\0')
                return -EINVAL;
        /* frac < 1000 and mult <= 2^50: frac * mult cannot overflow. */
        if (whole > (uint64_t)INT64_MAX / mult || frac * mult / 1000 > (uint64_t)INT64_MAX - whole * mult)
                return -ERANGE;
        *ret = (int64_t)(whole * mult + frac * mult / 1000);
        return 0;
}

/* --cpus: a decimal number of CPUs, in thousandths. */
static int parse_cpus(const char *s, int64_t *ret)
{
        const char *p = s;
        uint64_t whole, frac;
        int r;

        r = parse_decimal(&p, &whole, &frac);
        if (r < 0)
                return r;
        if (*p != '\0')
                return -EINVAL;
        if (whole > MAX_CPUS)
                return -ERANGE;
        *ret = (int64_t)(whole * 1000 + frac);
        return 0;
}

/* A cpuset list: "N" or "N-M" items separated by commas, ids up to max (the kernel's own parser, bitmap_parselist(),
 * also takes strides and "N" ranges that docker does not). */
static int check_id_list(const struct scalar_flag *f, const char *arg, burrow_error **err)
{
        const char *what = f == &scalar_flags[FLAG_CPUSET_CPUS] ? "CPU" : "memory node";
        const char *p = arg;

        for (;;) {
                uint64_t first = 0, last = 0;
                int r;

                r = parse_digits(&p, &first);
                last = first;
                if (r == 0 && *p == '-') {
                        p++;
                        r = parse_digits(&p, &last);
                }
                if (r == -ERANGE)
                        return flag_error(err, f->name, arg, "a %s number is beyond the kernel's largest, %" PRId64,
                                          what, f->max);
                if (r < 0)
                        return flag_error(err, f->name, arg, "%s", f->expected);
                if (last < first)
                        return flag_error(err, f->name, arg, "the range %" PRIu64 "-%" PRIu64 " is backwards", first,
                                          last);
                if (last > (uint64_t)f->max)
                        return flag_error(err, f->name, arg, "%s %" PRIu64 " is beyond the kernel's largest, %" PRId64,
                                          what, last, f->max);
                if (*p == '\0')
                        return 0;
                if (*p != ',')
                        return flag_error(err, f->name, arg, "%s", f->expected);
                p++;
        }
}

static int parse_scalar(const struct scalar_flag *f, const char *arg, int64_t *ret, burrow_error **err)
{
        int64_t v = 0;
        int r = 0;

        switch (f->kind) {
        case VALUE_SIZE:
                if (f->minus_one && strcmp(arg, "-1") == 0) {
                        *ret = UNLIMITED;
                        return 0;
                }
                r = parse_size(arg, &v);
                if (r == -ERANGE)
                        return flag_error(err, f->name, arg, "too large");
                if (r == 0 && v < f->min && f->min == MIN_MEMORY)
                        return flag_error(err, f->name, arg, "below the minimum of 6m (%" PRId64 " bytes)", MIN_MEMORY);
                break;
        case VALUE_CPUS:
                r = parse_cpus(arg, &v);
                break;
        case VALUE_INTEGER:
                r = parse_integer(arg, &v);
                if (r == 0 && ((v == -1 && f->minus_one) || (v == 0 && f->zero))) {
                        *ret = UNLIMITED;
                        return 0;
                }
                break;
        case VALUE_ID_LIST:
                if (check_id_list(f, arg, err) < 0)
                        return -1;
                *ret = 0;
                return 0;
        }
        if (r < 0 || v < f->min || v > f->max)
                return flag_error(err, f->name, arg, "%s", f->expected);
        *ret = v;
        return 0;
}

/* The controller of a file name (limits.h), with the reason when it is not one we write. */
static const char *file_problem(const char *file, int *ret_bit)
{
        size_t len = strlen(file), prefix = strcspn(file, ".");

        *ret_bit = -1;
        if (len == 0)
                return "the key is empty";
        if (len > MAX_FILE_NAME)
                return "the key is longer than 255 bytes";
        if (strchr(file, '/') != NULL)
                return "the key must be a file name, without '/'";
        if (strstr(file, "..") != NULL)
                return "the key must not contain \"..\"";
        if (strspn(file, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != len)
                return "the key may contain only letters, digits, '_', '-' and '.'";
        if (prefix == 0 || prefix >= len - 1 || file[len - 1] == '.')
                return "the key must look like CONTROLLER.FILE, such as memory.high";
        if (prefix == 6 && strncmp(file, "cgroup", 6) == 0) {
                if (!in_list(core_files, ELEMENTSOF(core_files), file))
                        return "burrow manages the cgroup.* files; only cgroup.max.depth and cgroup.max.descendants "
                               "may be set";
                *ret_bit = 0;
                return NULL;
        }
        for (size_t i = 0; i < ELEMENTSOF(controllers); i++)
                if (strlen(controllers[i].name) == prefix && strncmp(file, controllers[i].name, prefix) == 0) {
                        *ret_bit = (int)controllers[i].bit;
                        return NULL;
                }
        return "unknown controller (expected cpu, cpuset, io, memory, pids, hugetlb, rdma or misc)";
}

int cgroup_file_controller(const char *file)
{
        int bit;

        if (file == NULL)
                return -1;
        (void)file_problem(file, &bit);
        return bit;
}

const char *cgroup_controller_name(unsigned ctrl_bit)
{
        for (size_t i = 0; i < ELEMENTSOF(controllers); i++)
                if (controllers[i].bit == ctrl_bit)
                        return controllers[i].name;
        return NULL;
}

bool cgroup_flag_known(const char *flag)
{
        if (flag == NULL)
                return false;
        for (size_t i = 0; i < ELEMENTSOF(scalar_flags); i++)
                if (strcmp(scalar_flags[i].name, flag) == 0)
                        return true;
        for (size_t i = 0; i < ELEMENTSOF(device_flags); i++)
                if (strcmp(device_flags[i].name, flag) == 0)
                        return true;
        return strcmp(flag, FLAG_CGROUP_CONF) == 0;
}

/* --device-*: PATH:RATE, split at the last colon (a /dev/disk/by-path name has colons of its own; a rate has none). */
static int add_device(struct cgroup_request *req, size_t kind, const char *arg, burrow_error **err)
{
        const struct device_flag *f = &device_flags[kind];
        const char *colon = strrchr(arg, ':');
        _cleanup_free_ char *path = NULL;
        struct cgroup_device_request *d = NULL;
        int64_t rate;
        int r;

        if (colon == NULL)
                return flag_error(err, f->name, arg, "%s", f->expected);
        path = xstrndup(arg, (size_t)(colon - arg));
        /* docker's rule: the device is named by its node under /dev. */
        if (strncmp(path, "/dev/", 5) != 0 || path[5] == '\0')
                return flag_error(err, f->name, arg, "the device must be a path under /dev/, such as /dev/sda");
        r = f->size ? parse_size(colon + 1, &rate) : parse_integer(colon + 1, &rate);
        if (r == -ERANGE)
                return flag_error(err, f->name, arg, "the rate is too large");
        if (r < 0 || rate < 1)
                return flag_error(err, f->name, arg, "%s", f->expected);

        for (size_t i = 0; i < req->n_devices; i++)
                if (strcmp(req->devices[i].path, path) == 0)
                        d = &req->devices[i];
        if (d == NULL) {
                if (req->n_devices == CGROUP_MAX_DEVICES)
                        return flag_error(err, f->name, arg, "more than %d devices are limited", CGROUP_MAX_DEVICES);
                d = &req->devices[req->n_devices++];
                *d = (struct cgroup_device_request){.path = steal_pointer(&path)};
        }
        free(d->arg[kind]);
        d->arg[kind] = xstrdup(arg);
        d->rate[kind] = (uint64_t)rate;
        return 0;
}

/* --cgroup-conf KEY=VALUE (podman's): any file of the container's cgroup, raw. */
static int add_conf(struct cgroup_request *req, const char *arg, burrow_error **err)
{
        const char *eq = strchr(arg, '=');
        _cleanup_free_ char *key = NULL;
        const char *value, *problem;
        struct cgroup_conf_request *c = NULL;
        int bit;

        if (eq == NULL)
                return flag_error(err, FLAG_CGROUP_CONF, arg, "expected KEY=VALUE, such as memory.high=1G");
        key = xstrndup(arg, (size_t)(eq - arg));
        value = eq + 1;
        problem = file_problem(key, &bit);
        if (problem != NULL)
                return flag_error(err, FLAG_CGROUP_CONF, arg, "%s", problem);
        if (value[0] == '\0')
                return flag_error(err, FLAG_CGROUP_CONF, arg, "the value is empty");
        for (const unsigned char *p = (const unsigned char *)value; *p; p++)
                if (*p < 0x20 || *p == 0x7f)
                        return flag_error(err, FLAG_CGROUP_CONF, arg,
                                          "the value must be one line without control characters");

        for (size_t i = 0; i < req->n_conf; i++)
                if (strcmp(req->conf[i].key, key) == 0)
                        c = &req->conf[i];
        if (c == NULL) {
                if (req->n_conf == CGROUP_MAX_CONF)
                        return flag_error(err, FLAG_CGROUP_CONF, arg, "more than %d keys are set", CGROUP_MAX_CONF);
                c = &req->conf[req->n_conf++];
                c->key = steal_pointer(&key);
        }
        free(c->value);
        free(c->arg);
        c->value = xstrdup(value);
        c->arg = xstrdup(arg);
        return 0;
}

int cgroup_request_add(struct cgroup_request *req, const char *flag, const char *arg, burrow_error **err)
{
        if (flag == NULL)
                return error_make(err, 0, "missing resource flag");
        if (!cgroup_flag_known(flag)) {
                _cleanup_free_ char *dashed = xasprintf("--%s", flag), *quoted = quote(dashed);
                return error_make(err, 0, "unknown resource flag %s", quoted);
        }
        if (arg == NULL)
                return error_make(err, 0, "invalid --%s: missing argument", flag);
        if (strnlen(arg, CGROUP_MAX_ARG + 1) > CGROUP_MAX_ARG)
                return error_make(err, 0, "invalid --%s: longer than %d bytes", flag, CGROUP_MAX_ARG);

        for (size_t i = 0; i < ELEMENTSOF(scalar_flags); i++) {
                const struct scalar_flag *f = &scalar_flags[i];
                int64_t v = 0;

                if (strcmp(f->name, flag) != 0)
                        continue;
                if (parse_scalar(f, arg, &v, err) < 0)
                        return -1;
                free(req->arg[i]);
                req->arg[i] = xstrdup(arg);
                req->value[i] = v;
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(device_flags); i++)
                if (strcmp(device_flags[i].name, flag) == 0)
                        return add_device(req, i, arg, err);
        return add_conf(req, arg, err);
}

void cgroup_request_clear(struct cgroup_request *req)
{
        for (size_t i = 0; i < CGROUP_REQUEST_SCALARS; i++)
                free(req->arg[i]);
        for (size_t i = 0; i < req->n_devices; i++) {
                free(req->devices[i].path);
                for (size_t k = 0; k < CGROUP_DEVICE_LIMITS; k++)
                        free(req->devices[i].arg[k]);
        }
        for (size_t i = 0; i < req->n_conf; i++) {
                free(req->conf[i].key);
                free(req->conf[i].value);
                free(req->conf[i].arg);
        }
        *req = (struct cgroup_request){0};
}

void cgroup_limits_clear(struct cgroup_limits *l)
{
        for (size_t i = 0; i < l->n; i++) {
                free(l->writes[i].file);
                free(l->writes[i].value);
        }
        free(l->writes);
        *l = (struct cgroup_limits){0};
}

/* The writes being built, each with the flag that asked for it (NULL for a default burrow chose, which --cgroup-conf
 * may replace). */
#define MAX_WRITES (16 + CGROUP_MAX_DEVICES + CGROUP_MAX_CONF)
struct builder {
        struct cgroup_limits limits;
        const char *origin[MAX_WRITES];
};

static void push(struct builder *b, const char *origin, const char *file, bool optional, char *value)
{
        struct cgroup_limits *l = &b->limits;

        if (l->n == MAX_WRITES)
                abort(); /* the request's own bounds keep us below it */
        if (l->writes == NULL)
                l->writes = xcalloc(MAX_WRITES, sizeof(*l->writes));
        l->writes[l->n] = (struct cgroup_write){.file = xstrdup(file), .value = value, .optional = optional};
        b->origin[l->n++] = origin;
}

static int scalar_index(const char *flag)
{
        for (size_t i = 0; i < ELEMENTSOF(scalar_flags); i++)
                if (strcmp(scalar_flags[i].name, flag) == 0)
                        return (int)i;
        return -1;
}

bool cgroup_request_get(const struct cgroup_request *req, const char *flag, int64_t *ret)
{
        int i = scalar_index(flag);

        if (i < 0 || req->arg[i] == NULL || scalar_flags[i].kind == VALUE_ID_LIST)
                return false;
        *ret = req->value[i];
        return true;
}

const char *cgroup_request_arg(const struct cgroup_request *req, const char *flag)
{
        int i = scalar_index(flag);

        return i < 0 ? NULL : req->arg[i];
}

static bool has(const struct cgroup_request *req, enum scalar_flag_id id)
{
        return req->arg[id] != NULL;
}

/* Refers to another flag in a message: `--memory "1g"`; the caller frees it. */
static char *other(const struct cgroup_request *req, enum scalar_flag_id id)
{
        _cleanup_free_ char *quoted = quote(req->arg[id]);
        return xasprintf("--%s %s", scalar_flags[id].name, quoted);
}

/* memory.max, memory.swap.max, memory.low, as docker's daemon checks them and crun writes them. */
static int build_memory(const struct cgroup_request *req, struct builder *b, burrow_error **err)
{
        const int64_t *v = req->value;

        if (has(req, FLAG_MEMORY_SWAP) && v[FLAG_MEMORY_SWAP] != UNLIMITED) {
                _cleanup_free_ char *memory = has(req, FLAG_MEMORY) ? other(req, FLAG_MEMORY) : NULL;
                if (memory == NULL)
                        return flag_error(err, "memory-swap", req->arg[FLAG_MEMORY_SWAP],
                                          "needs --memory: it is the total of memory and swap");
                if (v[FLAG_MEMORY_SWAP] < v[FLAG_MEMORY])
                        return flag_error(err, "memory-swap", req->arg[FLAG_MEMORY_SWAP],
                                          "less than %s: it is the total of memory and swap", memory);
        }
        if (has(req, FLAG_MEMORY_RESERVATION) && has(req, FLAG_MEMORY) && v[FLAG_MEMORY_RESERVATION] > v[FLAG_MEMORY]) {
                _cleanup_free_ char *memory = other(req, FLAG_MEMORY);
                return flag_error(err, "memory-reservation", req->arg[FLAG_MEMORY_RESERVATION],
                                  "larger than %s: the reservation is a soft limit below it", memory);
        }

        if (has(req, FLAG_MEMORY))
                push(b, "memory", "memory.max", false, xasprintf("%" PRId64, v[FLAG_MEMORY]));
        /* cgroup v2 limits swap alone; docker's flag is memory plus swap. Without --memory-swap, docker lets a
         * container swap as much as its memory. Kernels without swap accounting lack the file: crun goes on. */
        if (has(req, FLAG_MEMORY_SWAP))
                push(b, "memory-swap", "memory.swap.max", true,
                     v[FLAG_MEMORY_SWAP] == UNLIMITED ? xstrdup("max")
                                                      : xasprintf("%" PRId64, v[FLAG_MEMORY_SWAP] - v[FLAG_MEMORY]));
        else if (has(req, FLAG_MEMORY))
                push(b, NULL, "memory.swap.max", true, xasprintf("%" PRId64, v[FLAG_MEMORY]));
        if (has(req, FLAG_MEMORY_RESERVATION))
                push(b, "memory-reservation", "memory.low", false, xasprintf("%" PRId64, v[FLAG_MEMORY_RESERVATION]));
        return 0;
}

static void build_pids(const struct cgroup_request *req, struct builder *b)
{
        int64_t limit = req->value[FLAG_PIDS_LIMIT];

        if (has(req, FLAG_PIDS_LIMIT))
                push(b, "pids-limit", "pids.max", false,
                     limit == UNLIMITED ? xstrdup("max") : xasprintf("%" PRId64, limit));
}

/* One device's io.max limits, merged from every flag and every path that names it. */
struct device_limits {
        unsigned major, minor;
        const char *arg[CGROUP_DEVICE_LIMITS];
        uint64_t rate[CGROUP_DEVICE_LIMITS];
};

static int build_io(const struct cgroup_request *req, int (*devnum)(const char *, unsigned *, unsigned *),
                    struct builder *b, burrow_error **err)
{
        struct device_limits merged[CGROUP_MAX_DEVICES] = {0};
        size_t n_merged = 0;

        if (has(req, FLAG_BLKIO_WEIGHT)) {
                /* blkio.weight's 10..1000 onto io.weight's 1..10000, linearly, as crun. */
                int64_t weight = 1 + (req->value[FLAG_BLKIO_WEIGHT] - 10) * 9999 / 990;
                push(b, "blkio-weight", "io.weight", false, xasprintf("default %" PRId64, weight));
        }

        for (size_t i = 0; i < req->n_devices; i++) {
                const struct cgroup_device_request *d = &req->devices[i];
                struct device_limits *m = NULL;
                size_t first = 0;
                unsigned major = 0, minor = 0;
                int r;

                while (first < CGROUP_DEVICE_LIMITS - 1 && d->arg[first] == NULL)
                        first++;
                if (devnum == NULL)
                        return flag_error_errno(err, EINVAL, device_flags[first].name, d->arg[first],
                                                "no way to look the device up");
                r = devnum(d->path, &major, &minor);
                if (r != 0) {
                        _cleanup_free_ char *path = quote(d->path);
                        return flag_error_errno(err, r < 0 ? -r : EIO, device_flags[first].name, d->arg[first],
                                                "cannot use %s as a block device", path);
                }
                if (major > MAX_MAJOR || minor > MAX_MINOR)
                        return flag_error_errno(err, ERANGE, device_flags[first].name, d->arg[first],
                                                "device number %u:%u out of range", major, minor);

                for (size_t j = 0; j < n_merged; j++)
                        if (merged[j].major == major && merged[j].minor == minor)
                                m = &merged[j];
                if (m == NULL) {
                        m = &merged[n_merged++];
                        m->major = major;
                        m->minor = minor;
                }
                for (size_t k = 0; k < CGROUP_DEVICE_LIMITS; k++) {
                        if (d->arg[k] == NULL)
                                continue;
                        /* Two names of one device (a symlink under /dev/disk) with two different limits. */
                        if (m->arg[k] != NULL && m->rate[k] != d->rate[k]) {
                                _cleanup_free_ char *earlier = quote(m->arg[k]);
                                return flag_error(err, device_flags[k].name, d->arg[k],
                                                  "device %u:%u already has another limit from --%s %s", major, minor,
                                                  device_flags[k].name, earlier);
                        }
                        m->arg[k] = d->arg[k];
                        m->rate[k] = d->rate[k];
                }
        }

        /* One line per device: a write to io.max sets the keys it names and leaves the others. */
        for (size_t j = 0; j < n_merged; j++) {
                const char *origin = NULL;
                char line[160];
                int len = snprintf(line, sizeof(line), "%u:%u", merged[j].major, merged[j].minor);

                for (size_t k = 0; k < CGROUP_DEVICE_LIMITS; k++)
                        if (merged[j].arg[k] != NULL) {
                                len += snprintf(line + len, sizeof(line) - (size_t)len, " %s=%" PRIu64,
                                                device_flags[k].key, merged[j].rate[k]);
                                origin = origin ? origin : device_flags[k].name;
                        }
                push(b, origin, "io.max", false, xstrdup(line));
        }
        return 0;
}

/* cpu.weight and cpu.max, with docker's conflicts. */
static int build_cpu(const struct cgroup_request *req, struct builder *b, burrow_error **err)
{
        const int64_t *v = req->value;

        if (has(req, FLAG_CPU_SHARES) && has(req, FLAG_CPU_WEIGHT)) {
                _cleanup_free_ char *shares = other(req, FLAG_CPU_SHARES);
                return flag_error(err, "cpu-weight", req->arg[FLAG_CPU_WEIGHT],
                                  "conflicts with %s: both set cpu.weight", shares);
        }
        for (enum scalar_flag_id id = FLAG_CPU_QUOTA; id <= FLAG_CPU_PERIOD; id++)
                if (has(req, FLAG_CPUS) && has(req, id)) {
                        _cleanup_free_ char *conflict = other(req, id);
                        return flag_error(err, "cpus", req->arg[FLAG_CPUS],
                                          "conflicts with %s: --cpus sets the quota and period itself", conflict);
                }

        /* cpu.shares' 2..262144 onto cpu.weight's 1..10000, linearly, as crun: 1024 (docker's default) is 39. */
        if (has(req, FLAG_CPU_SHARES))
                push(b, "cpu-shares", "cpu.weight", false,
                     xasprintf("%" PRId64, 1 + (v[FLAG_CPU_SHARES] - 2) * 9999 / 262142));
        else if (has(req, FLAG_CPU_WEIGHT))
                push(b, "cpu-weight", "cpu.weight", false, xasprintf("%" PRId64, v[FLAG_CPU_WEIGHT]));

        if (has(req, FLAG_CPUS)) {
                /* v is in thousandths of a CPU; 0.01 CPU is 1000 us, the kernel's smallest quota. */
                push(b, "cpus", "cpu.max", false,
                     xasprintf("%" PRId64 " %d", v[FLAG_CPUS] * (DEFAULT_CPU_PERIOD / 1000), DEFAULT_CPU_PERIOD));
        } else if (has(req, FLAG_CPU_QUOTA) || has(req, FLAG_CPU_PERIOD)) {
                int64_t period = has(req, FLAG_CPU_PERIOD) ? v[FLAG_CPU_PERIOD] : DEFAULT_CPU_PERIOD;
                const char *origin = has(req, FLAG_CPU_QUOTA) ? "cpu-quota" : "cpu-period";

                if (!has(req, FLAG_CPU_QUOTA) || v[FLAG_CPU_QUOTA] == UNLIMITED)
                        push(b, origin, "cpu.max", false, xasprintf("max %" PRId64, period));
                else
                        push(b, origin, "cpu.max", false, xasprintf("%" PRId64 " %" PRId64, v[FLAG_CPU_QUOTA], period));
        }
        return 0;
}

static void build_cpuset(const struct cgroup_request *req, struct builder *b)
{
        if (has(req, FLAG_CPUSET_CPUS))
                push(b, "cpuset-cpus", "cpuset.cpus", false, xstrdup(req->arg[FLAG_CPUSET_CPUS]));
        if (has(req, FLAG_CPUSET_MEMS))
                push(b, "cpuset-mems", "cpuset.mems", false, xstrdup(req->arg[FLAG_CPUSET_MEMS]));
}

/* --cgroup-conf comes last: it replaces a default burrow chose, and is an error against a flag that set the file. */
static int build_conf(const struct cgroup_request *req, struct builder *b, burrow_error **err)
{
        for (size_t i = 0; i < req->n_conf; i++) {
                const struct cgroup_conf_request *c = &req->conf[i];
                struct cgroup_limits *l = &b->limits;
                bool replaced = false;

                if (in_list(keyed_files, ELEMENTSOF(keyed_files), c->key)) {
                        push(b, FLAG_CGROUP_CONF, c->key, false, xstrdup(c->value));
                        continue;
                }
                for (size_t j = 0; j < l->n && !replaced; j++) {
                        if (strcmp(l->writes[j].file, c->key) != 0)
                                continue;
                        if (b->origin[j] != NULL)
                                return flag_error(err, FLAG_CGROUP_CONF, c->arg, "%s is already set by --%s", c->key,
                                                  b->origin[j]);
                        free(l->writes[j].value);
                        l->writes[j].value = xstrdup(c->value);
                        l->writes[j].optional = false;
                        b->origin[j] = FLAG_CGROUP_CONF;
                        replaced = true;
                }
                if (!replaced)
                        push(b, FLAG_CGROUP_CONF, c->key, false, xstrdup(c->value));
        }
        return 0;
}

int cgroup_limits_build(const struct cgroup_request *req,
                        int (*devnum)(const char *path, unsigned *major, unsigned *minor), struct cgroup_limits *ret,
                        burrow_error **err)
{
        struct builder b = {0};

        /* crun's order of the controllers. No cgroup v2 file depends on another being written first. */
        if (build_memory(req, &b, err) < 0)
                goto fail;
        build_pids(req, &b);
        if (build_io(req, devnum, &b, err) < 0 || build_cpu(req, &b, err) < 0)
                goto fail;
        build_cpuset(req, &b);
        if (build_conf(req, &b, err) < 0)
                goto fail;

        for (size_t i = 0; i < b.limits.n; i++) {
                int bit = cgroup_file_controller(b.limits.writes[i].file);
                if (bit < 0)
                        abort(); /* every flag writes a file of a known controller; keys were checked when added */
                b.limits.controllers |= (unsigned)bit;
        }
        *ret = b.limits;
        return 0;
fail:
        cgroup_limits_clear(&b.limits);
        return -1;
}
