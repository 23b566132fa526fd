/* cgroup_request_add() and cgroup_limits_build() (docker's resource-limit flags) on arbitrary flag/value pairs.
 * The input is records "<selector byte><value>\0": the selector picks a flag of the table below (or an unknown one),
 * the value runs to the next NUL or the end. Device numbers come from a fake lookup in which many names alias. */
#include <errno.h>

#include "cgroup/limits.h"
#include "fuzz.h"

#define MAX_RECORDS 256

static const char *const flags[] = {
    "memory",          "memory-reservation", "memory-swap",      "cpus",
    "cpu-shares",      "cpu-weight",         "cpu-quota",        "cpu-period",
    "cpuset-cpus",     "cpuset-mems",        "pids-limit",       "blkio-weight",
    "device-read-bps", "device-write-bps",   "device-read-iops", "device-write-iops",
    "cgroup-conf",     "kernel-memory",
};
#define N_FLAGS (sizeof(flags) / sizeof(flags[0]))

/* Files the flags themselves write (the others come from --cgroup-conf). */
static const char *const flag_files[] = {
    "memory.max", "memory.swap.max", "memory.low", "pids.max",    "io.weight",
    "io.max",     "cpu.weight",      "cpu.max",    "cpuset.cpus", "cpuset.mems",
};

/* Files written once at most (io.max takes a line per device, io.weight a "default" and per-device lines). */
static bool multi_line(const char *file)
{
        return strcmp(file, "io.max") == 0 || strcmp(file, "io.weight") == 0 || strcmp(file, "io.bfq.weight") == 0 ||
               strcmp(file, "io.latency") == 0;
}

/* A make-believe host: the last byte of the name picks the device, so that different names alias one device. */
static int fuzz_devnum(const char *path, unsigned *major, unsigned *minor)
{
        size_t len = strlen(path);
        unsigned char last = len ? (unsigned char)path[len - 1] : 0;

        FUZZ_ASSERT(strncmp(path, "/dev/", 5) == 0 && len > 5);
        if (last == 'x')
                return -ENOENT;
        if (last == 'n')
                return -ENOTBLK;
        if (last == 'Z') {
                *major = 5000; /* out of range: must be refused */
                *minor = 0;
                return 0;
        }
        *major = 8;
        *minor = (last % 4) * 16;
        return 0;
}

static bool is_number(const char *s, size_t len)
{
        if (len == 0)
                return false;
        for (size_t i = 0; i < len; i++)
                if (s[i] < '0' || s[i] > '9')
                        return false;
        return true;
}

static long long number(const char *s)
{
        return strtoll(s, NULL, 10);
}

/* What the flags write must be what the kernel takes: checked when no --cgroup-conf value could have slipped in. */
static void check_flag_value(const struct cgroup_write *w)
{
        const char *v = w->value, *space = strchr(v, ' ');

        if (strcmp(w->file, "memory.max") == 0 || strcmp(w->file, "memory.low") == 0) {
                FUZZ_ASSERT(is_number(v, strlen(v)) && number(v) >= 6 << 20);
        } else if (strcmp(w->file, "memory.swap.max") == 0 || strcmp(w->file, "pids.max") == 0) {
                FUZZ_ASSERT(strcmp(v, "max") == 0 || is_number(v, strlen(v)));
                if (w->file[0] == 'p' && strcmp(v, "max") != 0)
                        FUZZ_ASSERT(number(v) >= 1 && number(v) <= 4194304);
        } else if (strcmp(w->file, "cpu.weight") == 0) {
                FUZZ_ASSERT(is_number(v, strlen(v)) && number(v) >= 1 && number(v) <= 10000);
        } else if (strcmp(w->file, "io.weight") == 0) {
                FUZZ_ASSERT(strncmp(v, "default ", 8) == 0 && is_number(v + 8, strlen(v + 8)));
                FUZZ_ASSERT(number(v + 8) >= 1 && number(v + 8) <= 10000);
        } else if (strcmp(w->file, "cpu.max") == 0) {
                FUZZ_ASSERT(space != NULL && is_number(space + 1, strlen(space + 1)));
                FUZZ_ASSERT(number(space + 1) >= 1000 && number(space + 1) <= 1000000);
                FUZZ_ASSERT(strncmp(v, "max ", 4) == 0 || (is_number(v, (size_t)(space - v)) && number(v) >= 1000));
        } else if (strcmp(w->file, "io.max") == 0) {
                /* "8:M key=N...", the keys in the kernel's order, each once. */
                static const char *const keys[] = {" rbps=", " wbps=", " riops=", " wiops="};
                const char *p = strchr(v, ' ');
                size_t k = 0;
                FUZZ_ASSERT(strncmp(v, "8:", 2) == 0 && p != NULL);
                while (*p) {
                        while (k < 4 && strncmp(p, keys[k], strlen(keys[k])) != 0)
                                k++;
                        FUZZ_ASSERT(k < 4);
                        p += strlen(keys[k]);
                        FUZZ_ASSERT(*p >= '1' && *p <= '9');
                        while (*p >= '0' && *p <= '9')
                                p++;
                        k++;
                }
        }
}

static void check_limits(const struct cgroup_limits *l, bool conf_used)
{
        unsigned controllers = 0;

        FUZZ_ASSERT(l->n <= 16 + CGROUP_MAX_DEVICES + CGROUP_MAX_CONF);
        FUZZ_ASSERT((l->n == 0) == (l->writes == NULL));
        for (size_t i = 0; i < l->n; i++) {
                const struct cgroup_write *w = &l->writes[i];
                int bit;
                bool from_flag = false;

                FUZZ_ASSERT(w->file != NULL && w->file[0] != '\0' && w->value != NULL && w->value[0] != '\0');
                FUZZ_ASSERT(strchr(w->file, '/') == NULL && strstr(w->file, "..") == NULL);
                for (const unsigned char *p = (const unsigned char *)w->value; *p; p++)
                        FUZZ_ASSERT(*p >= 0x20 && *p != 0x7f);
                bit = cgroup_file_controller(w->file);
                FUZZ_ASSERT(bit >= 0);
                FUZZ_ASSERT(bit == 0 || cgroup_controller_name((unsigned)bit) != NULL);
                controllers |= (unsigned)bit;
                for (size_t k = 0; k < sizeof(flag_files) / sizeof(flag_files[0]); k++)
                        from_flag |= strcmp(w->file, flag_files[k]) == 0;
                FUZZ_ASSERT(from_flag || conf_used);
                if (!conf_used)
                        check_flag_value(w);
                /* Only the swap limit may be missing from the kernel. */
                FUZZ_ASSERT(!w->optional || strcmp(w->file, "memory.swap.max") == 0);
                if (!multi_line(w->file))
                        for (size_t j = 0; j < i; j++)
                                FUZZ_ASSERT(strcmp(l->writes[j].file, w->file) != 0);
        }
        FUZZ_ASSERT(controllers == l->controllers);
        FUZZ_ASSERT((l->controllers & ~CGROUP_CTRL_ALL) == 0);
}

static void check_error(burrow_error **err)
{
        FUZZ_ASSERT(*err != NULL && (*err)->msg != NULL && (*err)->msg[0] != '\0');
        FUZZ_ASSERT(strchr((*err)->msg, '\n') == NULL && strchr((*err)->msg, '\r') == NULL);
        FUZZ_ASSERT(strncmp((*err)->msg, "invalid --", 10) == 0 ||
                    strncmp((*err)->msg, "unknown resource flag", 21) == 0);
        error_free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct cgroup_request req = {0};
        struct cgroup_limits l = {0};
        burrow_error *err = NULL;
        bool conf_used = false;
        size_t pos = 0;

        for (int records = 0; pos < size && records < MAX_RECORDS; records++) {
                const char *flag = flags[data[pos] % N_FLAGS];
                const uint8_t *end = memchr(data + pos + 1, '\0', size - pos - 1);
                size_t len = end ? (size_t)(end - data - pos - 1) : size - pos - 1;
                char *value = fuzz_strndup(data + pos + 1, len);

                FUZZ_ASSERT(cgroup_flag_known(flag) == (strcmp(flag, "kernel-memory") != 0));
                if (cgroup_request_add(&req, flag, value, &err) == 0) {
                        FUZZ_ASSERT(err == NULL);
                        conf_used |= strcmp(flag, "cgroup-conf") == 0;
                } else {
                        check_error(&err);
                }
                free(value);
                pos += 1 + len + (end != NULL);
        }

        if (cgroup_limits_build(&req, fuzz_devnum, &l, &err) == 0) {
                FUZZ_ASSERT(err == NULL);
                check_limits(&l, conf_used);
                cgroup_limits_clear(&l);
        } else {
                FUZZ_ASSERT(l.n == 0 && l.writes == NULL);
                check_error(&err);
        }
        cgroup_request_clear(&req);
        return 0;
}
