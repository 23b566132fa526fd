/* docker's resource-limit flags to cgroup v2 writes (cgroup/limits.h). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/limits.h"
#include "unit.h"

/* Block devices of a make-believe host: sda (8:0) also under /dev/disk/by-id, a by-path name with colons. */
static int fake_devnum(const char *path, unsigned *major, unsigned *minor)
{
        static const struct {
                const char *path;
                unsigned major, minor;
        } devices[] = {
            {"/dev/sda", 8, 0},       {"/dev/disk/by-id/ata-DISK", 8, 0},
            {"/dev/sdb", 8, 16},      {"/dev/disk/by-path/pci-0000:00:1f.2-ata-1", 8, 32},
            {"/dev/nvme0n1", 259, 0}, {"/dev/huge", 4096, 0},
        };

        if (strcmp(path, "/dev/null") == 0)
                return -ENOTBLK;
        for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++)
                if (strcmp(path, devices[i].path) == 0) {
                        *major = devices[i].major;
                        *minor = devices[i].minor;
                        return 0;
                }
        /* /dev/sdN for N = 0.. : the many-devices test. */
        if (strncmp(path, "/dev/sdx", 8) == 0) {
                *major = 65;
                *minor = (unsigned)atoi(path + 8);
                return 0;
        }
        return -ENOENT;
}

/* Adds each "FLAG=VALUE" (split at the first '=') and builds; -1 with *err from whichever step failed. */
static int build_from(const char *const *pairs, struct cgroup_limits *l, burrow_error **err)
{
        struct cgroup_request req = {0};
        int r = 0;

        for (size_t i = 0; pairs[i] != NULL && r == 0; i++) {
                char *flag = strdup(pairs[i]);
                char *value = strchr(flag, '=');
                *value++ = '\0';
                r = cgroup_request_add(&req, flag, value, err);
                free(flag);
        }
        if (r == 0)
                r = cgroup_limits_build(&req, fake_devnum, l, err);
        cgroup_request_clear(&req);
        return r;
}
#define BUILD(l, err, ...) build_from((const char *const[]){__VA_ARGS__, NULL}, l, err)

static const struct cgroup_write *find_write(const struct cgroup_limits *l, const char *file)
{
        for (size_t i = 0; i < l->n; i++)
                if (strcmp(l->writes[i].file, file) == 0)
                        return &l->writes[i];
        return NULL;
}

static const char *value_of(const struct cgroup_limits *l, const char *file)
{
        const struct cgroup_write *w = find_write(l, file);
        return w ? w->value : NULL;
}

static size_t count_of(const struct cgroup_limits *l, const char *file)
{
        size_t n = 0;
        for (size_t i = 0; i < l->n; i++)
                n += strcmp(l->writes[i].file, file) == 0;
        return n;
}

/* One flag's value gives `file` = `want`. */
static void check_one(const char *pair, const char *file, const char *want)
{
        struct cgroup_limits l = {0};
        burrow_error *err = NULL;

        CHECK_OK(BUILD(&l, &err, pair), &err);
        if (value_of(&l, file) == NULL || strcmp(value_of(&l, file), want) != 0)
                printf("#   with %s:\n", pair);
        CHECK_STREQ(value_of(&l, file), want);
        cgroup_limits_clear(&l);
}

/* The flags (and a build) fail with an error containing `want`. */
#define CHECK_FAILS(want, ...)                                                                                         \
        do {                                                                                                           \
                struct cgroup_limits _l = {0};                                                                         \
                burrow_error *_err = NULL;                                                                             \
                CHECK_ERROR(BUILD(&_l, &_err, __VA_ARGS__), &_err, want);                                              \
                CHECK(_l.n == 0 && _l.writes == NULL);                                                                 \
        } while (0)

static void memory_takes_docker_units(void)
{
        check_one("memory=536870912", "memory.max", "536870912");
        check_one("memory=512m", "memory.max", "536870912");
        check_one("memory=512M", "memory.max", "536870912");
        check_one("memory=512mb", "memory.max", "536870912");
        check_one("memory=512MB", "memory.max", "536870912");
        check_one("memory=512MiB", "memory.max", "536870912");
        check_one("memory=1g", "memory.max", "1073741824");
        check_one("memory=1Gb", "memory.max", "1073741824");
        check_one("memory=6144k", "memory.max", "6291456");
        check_one("memory=6144KB", "memory.max", "6291456");
        check_one("memory=6291456b", "memory.max", "6291456");
        check_one("memory=6m", "memory.max", "6291456");
        check_one("memory=1.5g", "memory.max", "1610612736");
        check_one("memory=0.5t", "memory.max", "549755813888");
        check_one("memory=6291456.9", "memory.max", "6291456");
        check_one("memory=8191p", "memory.max", "9222246136947933184");
        check_one("memory=9223372036854775807", "memory.max", "9223372036854775807");
        /* The largest sizes: a fraction of a unit never carries past INT64_MAX once the whole part fits. */
        check_one("memory=8191.999p", "memory.max", "9223370910954868965");
}

static void memory_rejects_bad_sizes(void)
{
        CHECK_FAILS("invalid --memory \"abc\": expected a size of at least 6m", "memory=abc");
        CHECK_FAILS("invalid --memory \"12x\": expected a size", "memory=12x");
        CHECK_FAILS("invalid --memory \"\": expected a size", "memory=");
        CHECK_FAILS("invalid --memory \"-1\": expected a size", "memory=-1");
        CHECK_FAILS("invalid --memory \"+1g\": expected", "memory=+1g");
        CHECK_FAILS("invalid --memory \" 1g\": expected", "memory= 1g");
        CHECK_FAILS("invalid --memory \"1 g\": expected", "memory=1 g");
        CHECK_FAILS("invalid --memory \"1e9\": expected", "memory=1e9");
        CHECK_FAILS("invalid --memory \"1kk\": expected", "memory=1kk");
        CHECK_FAILS("invalid --memory \"1ib\": expected", "memory=1ib");
        CHECK_FAILS("invalid --memory \"1.g\": expected", "memory=1.g");
        CHECK_FAILS("invalid --memory \".5g\": expected", "memory=.5g");
        CHECK_FAILS("invalid --memory \"1.5.5g\": expected", "memory=1.5.5g");
        CHECK_FAILS("invalid --memory \"1.2345g\": expected", "memory=1.2345g");
        CHECK_FAILS("invalid --memory \"5m\": below the minimum of 6m (6291456 bytes)", "memory=5m");
        CHECK_FAILS("invalid --memory \"6291455\": below the minimum of 6m", "memory=6291455");
        CHECK_FAILS("invalid --memory \"0\": below the minimum of 6m", "memory=0");
        CHECK_FAILS("invalid --memory \"9223372036854775808\": too large", "memory=9223372036854775808");
        CHECK_FAILS("invalid --memory \"99999999999999999999999\": too large", "memory=99999999999999999999999");
        CHECK_FAILS("invalid --memory \"8388608t\": too large", "memory=8388608t");
        CHECK_FAILS("invalid --memory \"8192p\": too large", "memory=8192p");
}

static void memory_alone_lets_swap_match_it_as_docker(void)
{
        struct cgroup_limits l = {0};
        burrow_error *err = NULL;

        CHECK_OK(BUILD(&l, &err, "memory=1g"), &err);
        CHECK(l.n == 2);
        CHECK_STREQ(l.writes[0].file, "memory.max");
        CHECK(!l.writes[0].optional);
        CHECK_STREQ(l.writes[1].file, "memory.swap.max");
        CHECK_STREQ(l.writes[1].value, "1073741824");
        /* Hosts without swap accounting lack the file. */
        CHECK(l.writes[1].optional);
        CHECK(l.controllers == CGROUP_CTRL_MEMORY);
        cgroup_limits_clear(&l);
}

static void memory_swap_is_the_total_of_memory_and_swap(void)
{
        struct cgroup_limits l = {0};
        burrow_error *err = NULL;

        CHECK_OK(BUILD(&l, &err, "memory=1g", "memory-swap=3g"), &err);
        CHECK_STREQ(value_of(&l, "memory.max"), "1073741824");
        CHECK_STREQ(value_of(&l, "memory.swap.max"), "2147483648");
        CHECK(count_of(&l, "memory.swap.max") == 1);
        cgroup_limits_clear(&l);

        /* The same value as --memory: no swap at all. */
        CHECK_OK(BUILD(&l, &err, "memory-swap=512m", "memory=512m"), &err);
        CHECK_STREQ(value_of(&l, "memory.swap.max"), "0");
        cgroup_limits_clear(&l);

        CHECK_OK(BUILD(&l, &err, "memory=512m", "memory-swap=-1"), &err);
        CHECK_STREQ(value_of(&l, "memory.swap.max"), "max");
        cgroup_limits_clear(&l);

        /* -1 alone is allowed, as docker: unlimited swap, no memory limit. */
        CHECK_OK(BUILD(&l, &err, "memory-swap=-1"), &err);
        CHECK(l.n == 1);
        CHECK_STREQ(value_of(&l, "memory.swap.max"), "max");
        CHECK(value_of(&l, "memory.max") == NULL);
        CHECK(l.controllers == CGROUP_CTRL_MEMORY);
        cgroup_limits_clear(&l);
}

static void memory_swap_needs_memory_below_it(void)
{
        CHECK_FAILS("invalid --memory-swap \"1g\": needs --memory", "memory-swap=1g");
        CHECK_FAILS("invalid --memory-swap \"512m\": less than --memory \"1g\"", "memory=1g", "memory-swap=512m");
        CHECK_FAILS("invalid --memory-swap \"0\": expected -1 (unlimited swap) or the total", "memory=1g",
                    "memory-swap=0");
        CHECK_FAILS("invalid --memory-swap \"-2\": expected", "memory-swap=-2");
        CHECK_FAILS("invalid --memory-swap \"max\": expected", "memory-swap=max");
        CHECK_FAILS("invalid --memory-swap \"99999999999999999999\": too large", "memory-swap=99999999999999999999");
}

static void memory_reservation_is_memory_low(void)
{
        struct cgroup_limits l = {0};
        burrow_error *err = NULL;

        CHECK_OK(BUILD(&l, &err, "memory-reservation=256m"), &err);
        CHECK(l.n == 1);
        CHECK_STREQ(value_of(&l, "memory.low"), "268435456");
        CHECK(l.controllers == CGROUP_CTRL_MEMORY);
        cgroup_limits_clear(&l);

        CHECK_OK(BUILD(&l, &err, "memory=1g", "memory-reservation=1g"), &err);
        CHECK_STREQ(value_of(&l, "memory.low"), "1073741824");
        cgroup_limits_clear(&l);

        CHECK_FAILS("invalid --memory-reservation \"2g\": larger than --memory \"1g\"", "memory=1g",
                    "memory-reservation=2g");
        CHECK_FAILS("invalid --memory-reservation \"1m\": below the minimum of 6m", "memory-reservation=1m");
        CHECK_FAILS("invalid --memory-reservation \"x\": expected", "memory-reservation=x");
}

static void a_later_flag_replaces_an_earlier_one(void)
{
        struct cgroup_limits l = {0};
        burrow_error *err = NULL;

        CHECK_OK(BUILD(&l, &err, "memory=1g", "pids-limit=10", "memory=2g", "pids-limit=-1"), &err);
        CHECK(count_of(&l, "memory.max") == 1);
        CHECK_STREQ(value_of(&l, "memory.max"), "2147483648");
        CHECK_STREQ(value_of(&l, "pids.max"), "max");
        cgroup_limits_clear(&l);

        /* A rejected value leaves the request failed: nothing is built. */
        CHECK_FAILS("invalid --memory \"2x\"", "memory=1g", "memory=2x");
}

static void cpus_become_a_quota_of_the_default_period(void)
{
        check_one("cpus=1.5", "cpu.max", "150000 100000");
        check_one("cpus=2", "cpu.max", "200000 100000");
        check_one("cpus=0.5", "cpu.max", "50000 100000");
        check_one("cpus=0.125", "cpu.max", "12500 100000");
        check_one("cpus=0.01", "cpu.max", "1000 100000");
        check_one("cpus=8192", "cpu.max", "819200000 100000");
        check_one("cpus=007.50", "cpu.max", "750000 100000");
}

static void cpus_rejects_bad_values(void)
{
        const char *want = "expected a number of CPUs from 0.01 to 8192 with at most 3 decimals";

        CHECK_FAILS(want, "cpus=0");
        CHECK_FAILS(want, "cpus=0.009");
        CHECK_FAILS(want, "cpus=0.001");
        CHECK_FAILS(want, "cpus=1.2345");
        CHECK_FAILS(want, "cpus=8192.001");
        CHECK_FAILS(want, "cpus=8193");
        CHECK_FAILS(want, "cpus=99999999999999999999999");
        CHECK_FAILS(want, "cpus=-1");
        CHECK_FAILS(want, "cpus=1.");
        CHECK_FAILS(want, "cpus=.5");
        CHECK_FAILS(want, "cpus=1e3");
        CHECK_FAILS(want, "cpus=1,5");
        CHECK_FAILS(want, "cpus=");
        CHECK_FAILS("invalid --cpus \"abc\": expected", "cpus=abc");
}

static void cpu_shares_convert_to_weight_as_crun(void)
{
        check_one("cpu-shares=2", "cpu.weight", "1");
        check_one("cpu-shares=512", "cpu.weight", "20");
        check_one("cpu-shares=1024", "cpu.weight", "39");
        check_one("cpu-shares=262144", "cpu.weight", "10000");
        CHECK_FAILS("invalid --cpu-shares \"1\": expected a number from 2 to 262144", "cpu-shares=1");
        CHECK_FAILS("invalid --cpu-shares \"0\": expected a number from 2 to 262144", "cpu-shares=0");
        CHECK_FAILS("invalid --cpu-shares \"262145\": expected", "cpu-shares=262145");
        CHECK_FAILS("invalid --cpu-shares \"-5\": expected", "cpu-shares=-5");
        CHECK_FAILS("invalid --cpu-shares \"1k\": expected", "cpu-shares=1k");
}

static void cpu_weight_is_written_as_given(void)
{
        check_one("cpu-weight=1", "cpu.weight", "1");
        check_one("cpu-weight=100", "cpu.weight", "100");
        check_one("cpu-weight=10000", "cpu.weight", "10000");
        CHECK_FAILS("invalid --cpu-weight \"0\": expected a number from 1 to 10000", "cpu-weight=0");
        CHECK_FAILS("invalid --cpu-weight \"10001\": expected", "cpu-weight=10001");
        CHECK_FAILS("invalid --cpu-weight \"100\": conflicts with --cpu-shares \"1024\": both set cpu.weight",
                    "cpu-shares=1024", "cpu-weight=100");
}

static void cpu_quota_and_period_become_cpu_max(void)
{
        check_one("cpu-quota=50000", "cpu.max", "50000 100000");
        check_one("cpu-quota=1000", "cpu.max", "1000 100000");
        check_one("cpu-quota=-1", "cpu.max", "max 100000");
        check_one("cpu-period=50000", "cpu.max", "max 50000");
        check_one("cpu-period=1000", "cpu.max", "max 1000");
        check_one("cpu-period=1000000", "cpu.max", "max 1000000");

        struct cgroup_limits l = {0};
        burrow_error *err = NULL;

        CHECK_OK(BUILD(&l, &err, "cpu-period=200000", "cpu-quota=50000"), &err);
        CHECK(l.n == 1);
        CHECK_STREQ(value_of(&l, "cpu.max"), "50000 200000");
        CHECK(l.controllers == CGROUP_CTRL_CPU);
        cgroup_limits_clear(&l);

        CHECK_OK(BUILD(&l, &err, "cpu-quota=-1", "cpu-period=10000"), &err);
        CHECK_STREQ(value_of(&l, "cpu.max"), "max 10000");
        cgroup_limits_clear(&l);
}

static void cpu_quota_and_period_reject_bad_values(void)
{
        CHECK_FAILS("invalid --cpu-quota \"999\": expected -1 (unlimited) or microseconds per period, at least 1000",
                    "cpu-quota=999");
        CHECK_FAILS("invalid --cpu-quota \"0\": expected", "cpu-quota=0");
        CHECK_FAILS("invalid --cpu-quota \"-2\": expected", "cpu-quota=-2");
        CHECK_FAILS("invalid --cpu-quota \"9223372036854775808\": expected", "cpu-quota=9223372036854775808");
        CHECK_FAILS("invalid --cpu-quota \"1ms\": expected", "cpu-quota=1ms");
        CHECK_FAILS("invalid --cpu-period \"999\": expected microseconds from 1000 to 1000000", "cpu-period=999");
        CHECK_FAILS("invalid --cpu-period \"1000001\": expected", "cpu-period=1000001");
        CHECK_FAILS("invalid --cpu-period \"0\": expected", "cpu-period=0");
        CHECK_FAILS("invalid --cpu-period \"-1\": expected", "cpu-period=-1");
}

static void cpus_conflict_with_quota_and_period_as_docker(void)
{
        CHECK_FAILS("invalid --cpus \"1.5\": conflicts with --cpu-quota \"50000\"", "cpus=1.5", "cpu-quota=50000");
        CHECK_FAILS("invalid --cpus \"1\": conflicts with --cpu-period \"50000\"", "cpu-period=50000", "cpus=1");
        CHECK_FAILS("invalid --cpus \"1\": conflicts with --cpu-quota \"-1\"", "cpu-quota=-1", "cpus=1");
}

static void cpuset_lists_are_checked_and_written_as_given(void)
{
        check_one("cpuset-cpus=0-3,5", "cpuset.cpus", "0-3,5");
        check_one("cpuset-cpus=0", "cpuset.cpus", "0");
        check_one("cpuset-cpus=0,1,2", "cpuset.cpus", "0,1,2");
        check_one("cpuset-cpus=3-3", "cpuset.cpus", "3-3");
        check_one("cpuset-cpus=8191", "cpuset.cpus", "8191");
        check_one("cpuset-mems=0-1,3", "cpuset.mems", "0-1,3");
        check_one("cpuset-mems=1023", "cpuset.mems", "1023");

        struct cgroup_limits l = {0};
        burrow_error *err = NULL;

        CHECK_OK(BUILD(&l, &err, "cpuset-mems=0", "cpuset-cpus=1-2"), &err);
        CHECK(l.n == 2);
        CHECK_STREQ(l.writes[0].file, "cpuset.cpus");
        CHECK_STREQ(l.writes[1].file, "cpuset.mems");
        CHECK(l.controllers == CGROUP_CTRL_CPUSET);
        cgroup_limits_clear(&l);
}

static void cpuset_lists_reject_malformed(void)
{
        CHECK_FAILS("invalid --cpuset-cpus \"\": expected a list of CPU numbers such as 0-3,5", "cpuset-cpus=");
        CHECK_FAILS("invalid --cpuset-cpus \"3-1\": the range 3-1 is backwards", "cpuset-cpus=3-1");
        CHECK_FAILS("invalid --cpuset-cpus \"8192\": CPU 8192 is beyond the kernel's largest, 8191",
                    "cpuset-cpus=8192");
        CHECK_FAILS("CPU 99999 is beyond", "cpuset-cpus=0-99999");
        CHECK_FAILS("invalid --cpuset-cpus \"99999999999999999999999\": a CPU number is beyond the kernel's largest",
                    "cpuset-cpus=99999999999999999999999");
        CHECK_FAILS("a memory node number is beyond", "cpuset-mems=0-99999999999999999999999");
        CHECK_FAILS("invalid --cpuset-mems \"1024\": memory node 1024 is beyond the kernel's largest, 1023",
                    "cpuset-mems=1024");
        static const char *const bad[] = {"0-", "-1", "0,,1", "0,", ",0", "a", "0-3:2", " 0", "0 ", "0-1-2", "1.5"};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                char pair[64];
                snprintf(pair, sizeof(pair), "cpuset-cpus=%s", bad[i]);
                CHECK_FAILS("expected a list of CPU numbers", pair);
                snprintf(pair, sizeof(pair), "cpuset-mems=%s", bad[i]);
                CHECK_FAILS("expected a list of memory node numbers", pair);
        }
}

static void pids_limit_zero_and_minus_one_are_unlimited(void)
{
        check_one("pids-limit=100", "pids.max", "100");
        check_one("pids-limit=1", "pids.max", "1");
        check_one("pids-limit=4194304", "pids.max", "4194304");
        check_one("pids-limit=-1", "pids.max", "max");
        check_one("pids-limit=0", "pids.max", "max");
        CHECK_FAILS("invalid --pids-limit \"4194305\": expected a number of processes from 1 to 4194304",
                    "pids-limit=4194305");
        CHECK_FAILS("invalid --pids-limit \"-2\": expected", "pids-limit=-2");
        CHECK_FAILS("invalid --pids-limit \"-\": expected", "pids-limit=-");
        CHECK_FAILS("invalid --pids-limit \"\": expected", "pids-limit=");
        CHECK_FAILS("invalid --pids-limit \"10k\": expected", "pids-limit=10k");
}

static void blkio_weight_converts_to_io_weight_as_crun(void)
{
        struct cgroup_limits l = {0};
        burrow_error *err = NULL;

        check_one("blkio-weight=10", "io.weight", "default 1");
        check_one("blkio-weight=100", "io.weight", "default 910");
        check_one("blkio-weight=500", "io.weight", "default 4950");
        check_one("blkio-weight=1000", "io.weight", "default 10000");
        CHECK_OK(BUILD(&l, &err, "blkio-weight=500"), &err);
        CHECK(l.controllers == CGROUP_CTRL_IO);
        cgroup_limits_clear(&l);
        CHECK_FAILS("invalid --blkio-weight \"9\": expected a number from 10 to 1000", "blkio-weight=9");
        CHECK_FAILS("invalid --blkio-weight \"1001\": expected", "blkio-weight=1001");
        CHECK_FAILS("invalid --blkio-weight \"0\": expected", "blkio-weight=0");
}

static void device_limits_of_one_device_merge_into_one_line(void)
{
        struct cgroup_limits l = {0};
        burrow_error *err = NULL;

        check_one("device-read-bps=/dev/sda:1m", "io.max", "8:0 rbps=1048576");
        check_one("device-write-bps=/dev/sda:1048576", "io.max", "8:0 wbps=1048576");
        check_one("device-read-iops=/dev/nvme0n1:1000", "io.max", "259:0 riops=1000");
        check_one("device-write-iops=/dev/sdb:5", "io.max", "8:16 wiops=5");
        /* by-path names have colons of their own: the rate follows the last one. */
        check_one("device-write-bps=/dev/disk/by-path/pci-0000:00:1f.2-ata-1:10m", "io.max", "8:32 wbps=10485760");

        CHECK_OK(BUILD(&l, &err, "device-write-iops=/dev/sda:100", "device-read-iops=/dev/sdb:50",
                       "device-read-bps=/dev/sda:1m", "device-write-bps=/dev/disk/by-id/ata-DISK:2m",
                       "device-read-bps=/dev/disk/by-id/ata-DISK:1m"),
                 &err);
        CHECK(l.n == 2);
        CHECK_STREQ(l.writes[0].file, "io.max");
        CHECK_STREQ(l.writes[0].value, "8:0 rbps=1048576 wbps=2097152 wiops=100");
        CHECK_STREQ(l.writes[1].file, "io.max");
        CHECK_STREQ(l.writes[1].value, "8:16 riops=50");
        CHECK(l.controllers == CGROUP_CTRL_IO);
        cgroup_limits_clear(&l);

        /* The same path and limit again: the later one wins. */
        CHECK_OK(BUILD(&l, &err, "device-read-bps=/dev/sda:1m", "device-read-bps=/dev/sda:3k"), &err);
        CHECK(l.n == 1);
        CHECK_STREQ(value_of(&l, "io.max"), "8:0 rbps=3072");
        cgroup_limits_clear(&l);

        /* Two names of one device with two limits: which one was meant? */
        CHECK_FAILS("invalid --device-read-bps \"/dev/disk/by-id/ata-DISK:2m\": device 8:0 already has another limit "
                    "from --device-read-bps \"/dev/sda:1m\"",
                    "device-read-bps=/dev/sda:1m", "device-read-bps=/dev/disk/by-id/ata-DISK:2m");
}

static void device_limits_reject_bad_values(void)
{
        CHECK_FAILS("invalid --device-read-bps \"/dev/sda\": expected DEVICE:RATE such as /dev/sda:10m",
                    "device-read-bps=/dev/sda");
        CHECK_FAILS("invalid --device-read-bps \"sda:1m\": the device must be a path under /dev/",
                    "device-read-bps=sda:1m");
        CHECK_FAILS("the device must be a path under /dev/", "device-read-bps=/dev/:1m");
        CHECK_FAILS("the device must be a path under /dev/", "device-read-bps=/sys/block/sda:1m");
        CHECK_FAILS("the device must be a path under /dev/", "device-read-bps=:1m");
        CHECK_FAILS("expected DEVICE:RATE", "device-read-bps=/dev/sda:");
        CHECK_FAILS("expected DEVICE:RATE", "device-read-bps=/dev/sda:0");
        CHECK_FAILS("expected DEVICE:RATE", "device-write-bps=/dev/sda:-1");
        CHECK_FAILS("expected DEVICE:RATE", "device-write-bps=/dev/sda:fast");
        CHECK_FAILS("the rate is too large", "device-write-bps=/dev/sda:9999999999999999999999");
        CHECK_FAILS("invalid --device-read-iops \"/dev/sda:1k\": expected DEVICE:RATE such as /dev/sda:1000",
                    "device-read-iops=/dev/sda:1k");
        CHECK_FAILS("expected DEVICE:RATE", "device-write-iops=/dev/sda:0");
        CHECK_FAILS("expected DEVICE:RATE", "device-write-iops=/dev/sda:1.5");
}

static void device_lookup_failures_name_the_flag(void)
{
        struct cgroup_request req = {0};
        struct cgroup_limits l = {0};
        burrow_error *err = NULL;
        int r;

        CHECK_OK(cgroup_request_add(&req, "device-write-iops", "/dev/missing:10", &err), &err);
        r = cgroup_limits_build(&req, fake_devnum, &l, &err);
        CHECK(r == -1 && err != NULL && err->errnum == ENOENT);
        if (err != NULL)
                CHECK_STREQ(
                    err->msg,
                    "invalid --device-write-iops \"/dev/missing:10\": cannot use \"/dev/missing\" as a block device");
        error_free(&err);
        cgroup_request_clear(&req);

        CHECK_OK(cgroup_request_add(&req, "device-read-bps", "/dev/null:1m", &err), &err);
        r = cgroup_limits_build(&req, fake_devnum, &l, &err);
        CHECK(r == -1 && err != NULL && err->errnum == ENOTBLK);
        error_free(&err);
        /* Without a lookup, device limits cannot be built; the rest can. */
        CHECK_ERROR(cgroup_limits_build(&req, NULL, &l, &err), &err, "no way to look the device up");
        cgroup_request_clear(&req);
        CHECK_OK(cgroup_request_add(&req, "memory", "1g", &err), &err);
        CHECK_OK(cgroup_limits_build(&req, NULL, &l, &err), &err);
        cgroup_limits_clear(&l);
        cgroup_request_clear(&req);

        CHECK_FAILS("device number 4096:0 out of range", "device-read-bps=/dev/huge:1m");
        CHECK(l.n == 0);
}

static void device_limits_are_bounded(void)
{
        struct cgroup_request req = {0};
        struct cgroup_limits l = {0};
        burrow_error *err = NULL;
        char arg[64];

        for (int i = 0; i < CGROUP_MAX_DEVICES; i++) {
                snprintf(arg, sizeof(arg), "/dev/sdx%d:1m", i);
                CHECK_OK(cgroup_request_add(&req, "device-read-bps", arg, &err), &err);
                /* More limits of a device already named are fine. */
                snprintf(arg, sizeof(arg), "/dev/sdx%d:100", i);
                CHECK_OK(cgroup_request_add(&req, "device-write-iops", arg, &err), &err);
        }
        CHECK_ERROR(cgroup_request_add(&req, "device-read-bps", "/dev/sda:1m", &err), &err,
                    "invalid --device-read-bps \"/dev/sda:1m\": more than 16 devices are limited");
        CHECK_OK(cgroup_limits_build(&req, fake_devnum, &l, &err), &err);
        CHECK(l.n == CGROUP_MAX_DEVICES);
        CHECK_STREQ(l.writes[15].value, "65:15 rbps=1048576 wiops=100");
        cgroup_limits_clear(&l);
        cgroup_request_clear(&req);
}

static void cgroup_conf_writes_any_controller_file(void)
{
        struct cgroup_limits l = {0};
        burrow_error *err = NULL;

        CHECK_OK(BUILD(&l, &err, "cgroup-conf=memory.high=1G", "cgroup-conf=hugetlb.2MB.max=0",
                       "cgroup-conf=cgroup.max.depth=2", "cgroup-conf=io.max=8:0 rbps=1 wbps=max",
                       "cgroup-conf=cpu.uclamp.min=10.5"),
                 &err);
        CHECK(l.n == 5);
        CHECK_STREQ(l.writes[0].file, "memory.high");
        CHECK_STREQ(l.writes[0].value, "1G");
        CHECK_STREQ(l.writes[1].file, "hugetlb.2MB.max");
        CHECK_STREQ(l.writes[2].file, "cgroup.max.depth");
        CHECK_STREQ(l.writes[3].value, "8:0 rbps=1 wbps=max");
        CHECK_STREQ(l.writes[4].file, "cpu.uclamp.min");
        CHECK(l.controllers == (CGROUP_CTRL_MEMORY | CGROUP_CTRL_HUGETLB | CGROUP_CTRL_IO | CGROUP_CTRL_CPU));
        cgroup_limits_clear(&l);

        /* A value may hold '=' and spaces. */
        check_one("cgroup-conf=memory.oom.group=1", "memory.oom.group", "1");
        check_one("cgroup-conf=misc.max=res_a 1", "misc.max", "res_a 1");
        check_one("cgroup-conf=rdma.max=mlx4_0 hca_handle=2", "rdma.max", "mlx4_0 hca_handle=2");

        /* The same key again replaces the value. */
        CHECK_OK(BUILD(&l, &err, "cgroup-conf=pids.max=10", "cgroup-conf=pids.max=20"), &err);
        CHECK(l.n == 1);
        CHECK_STREQ(value_of(&l, "pids.max"), "20");
        CHECK(l.controllers == CGROUP_CTRL_PIDS);
        cgroup_limits_clear(&l);
}

static void cgroup_conf_replaces_defaults_but_not_flags(void)
{
        struct cgroup_limits l = {0};
        burrow_error *err = NULL;

        /* docker's swap default (as much as memory) is ours to give up... */
        CHECK_OK(BUILD(&l, &err, "memory=1g", "cgroup-conf=memory.swap.max=0"), &err);
        CHECK(l.n == 2);
        CHECK(count_of(&l, "memory.swap.max") == 1);
        CHECK_STREQ(value_of(&l, "memory.swap.max"), "0");
        CHECK(!find_write(&l, "memory.swap.max")->optional);
        cgroup_limits_clear(&l);

        /* ...but a file a flag sets is set once. */
        CHECK_FAILS("invalid --cgroup-conf \"memory.max=2g\": memory.max is already set by --memory", "memory=1g",
                    "cgroup-conf=memory.max=2g");
        CHECK_FAILS("memory.swap.max is already set by --memory-swap", "memory=1g", "memory-swap=2g",
                    "cgroup-conf=memory.swap.max=0");
        CHECK_FAILS("cpu.weight is already set by --cpu-shares", "cpu-shares=100", "cgroup-conf=cpu.weight=5");
        CHECK_FAILS("cpu.max is already set by --cpu-period", "cpu-period=10000", "cgroup-conf=cpu.max=max");

        /* io.max takes one device per write: lines add up. */
        CHECK_OK(BUILD(&l, &err, "device-read-bps=/dev/sda:1m", "cgroup-conf=io.max=8:16 wiops=5"), &err);
        CHECK(count_of(&l, "io.max") == 2);
        CHECK_STREQ(l.writes[1].value, "8:16 wiops=5");
        cgroup_limits_clear(&l);
}

static void cgroup_conf_rejects_bad_keys_and_values(void)
{
        CHECK_FAILS("invalid --cgroup-conf \"memory.high\": expected KEY=VALUE", "cgroup-conf=memory.high");
        CHECK_FAILS("the key is empty", "cgroup-conf==1");
        CHECK_FAILS("without '/'", "cgroup-conf=../memory.max=1");
        CHECK_FAILS("without '/'", "cgroup-conf=memory/../x=1");
        CHECK_FAILS("without '/'", "cgroup-conf=/sys/fs/cgroup/memory.max=1");
        CHECK_FAILS("must not contain \"..\"", "cgroup-conf=memory..max=1");
        CHECK_FAILS("must not contain \"..\"", "cgroup-conf=..=1");
        CHECK_FAILS("must look like CONTROLLER.FILE", "cgroup-conf=memory=1");
        CHECK_FAILS("must look like CONTROLLER.FILE", "cgroup-conf=memory.=1");
        CHECK_FAILS("must look like CONTROLLER.FILE", "cgroup-conf=.max=1");
        CHECK_FAILS("must look like CONTROLLER.FILE", "cgroup-conf=memory.swap.=1");
        CHECK_FAILS("may contain only letters", "cgroup-conf=memory.hi gh=1");
        CHECK_FAILS("may contain only letters", "cgroup-conf=memory.high\n=1");
        CHECK_FAILS("unknown controller", "cgroup-conf=foo.max=1");
        CHECK_FAILS("unknown controller", "cgroup-conf=MEMORY.high=1");
        CHECK_FAILS("unknown controller", "cgroup-conf=devices.allow=a");
        CHECK_FAILS("burrow manages the cgroup.* files", "cgroup-conf=cgroup.procs=1");
        CHECK_FAILS("burrow manages the cgroup.* files", "cgroup-conf=cgroup.subtree_control=+memory");
        CHECK_FAILS("burrow manages the cgroup.* files", "cgroup-conf=cgroup.kill=1");
        CHECK_FAILS("invalid --cgroup-conf \"memory.high=\": the value is empty", "cgroup-conf=memory.high=");
        CHECK_FAILS("the value must be one line", "cgroup-conf=memory.high=1\n2");
        CHECK_FAILS("the value must be one line", "cgroup-conf=memory.high=\t1");

        char *longkey = unit_repeat('x', 300), pair[400];
        memcpy(longkey, "memory.", 7);
        snprintf(pair, sizeof(pair), "cgroup-conf=%s=1", longkey);
        CHECK_FAILS("the key is longer than 255 bytes", pair);
        free(longkey);
}

static void cgroup_conf_is_bounded(void)
{
        struct cgroup_request req = {0};
        struct cgroup_limits l = {0};
        burrow_error *err = NULL;
        char arg[64];

        for (int i = 0; i < CGROUP_MAX_CONF; i++) {
                snprintf(arg, sizeof(arg), "misc.f%d=%d", i, i);
                CHECK_OK(cgroup_request_add(&req, "cgroup-conf", arg, &err), &err);
        }
        /* A key given before still fits. */
        CHECK_OK(cgroup_request_add(&req, "cgroup-conf", "misc.f3=x", &err), &err);
        CHECK_ERROR(cgroup_request_add(&req, "cgroup-conf", "misc.g=1", &err), &err,
                    "invalid --cgroup-conf \"misc.g=1\": more than 64 keys are set");
        CHECK_OK(cgroup_limits_build(&req, NULL, &l, &err), &err);
        CHECK(l.n == CGROUP_MAX_CONF);
        CHECK_STREQ(value_of(&l, "misc.f3"), "x");
        cgroup_limits_clear(&l);
        cgroup_request_clear(&req);
}

static void flags_are_known_by_name(void)
{
        static const char *const known[] = {
            "memory",          "memory-reservation", "memory-swap",      "cpus",
            "cpu-shares",      "cpu-weight",         "cpu-quota",        "cpu-period",
            "cpuset-cpus",     "cpuset-mems",        "pids-limit",       "blkio-weight",
            "device-read-bps", "device-write-bps",   "device-read-iops", "device-write-iops",
            "cgroup-conf",
        };
        struct cgroup_request req = {0};
        burrow_error *err = NULL;

        for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
                CHECK(cgroup_flag_known(known[i]));
        CHECK(!cgroup_flag_known("kernel-memory"));
        CHECK(!cgroup_flag_known("--memory"));
        CHECK(!cgroup_flag_known("m"));
        CHECK(!cgroup_flag_known(""));
        CHECK(!cgroup_flag_known(NULL));

        CHECK_ERROR(cgroup_request_add(&req, "kernel-memory", "1g", &err), &err,
                    "unknown resource flag \"--kernel-memory\"");
        CHECK_ERROR(cgroup_request_add(&req, "a\nb", "1g", &err), &err, "unknown resource flag \"--a\\x0ab\"");
        CHECK_ERROR(cgroup_request_add(&req, NULL, "1g", &err), &err, "missing resource flag");
        CHECK_ERROR(cgroup_request_add(&req, "memory", NULL, &err), &err, "invalid --memory: missing argument");
        cgroup_request_clear(&req);
}

static void overlong_arguments_are_not_looked_at(void)
{
        struct cgroup_request req = {0};
        struct cgroup_limits l = {0};
        burrow_error *err = NULL;
        char *longarg = unit_repeat('1', CGROUP_MAX_ARG + 1);
        char *fits = unit_repeat('0', CGROUP_MAX_ARG);

        CHECK_ERROR(cgroup_request_add(&req, "memory", longarg, &err), &err,
                    "invalid --memory: longer than 4096 bytes");
        CHECK_ERROR(cgroup_request_add(&req, "cgroup-conf", longarg, &err), &err, "longer than 4096 bytes");
        /* Exactly CGROUP_MAX_ARG bytes is still parsed: leading zeros, then 6m. */
        memcpy(fits + CGROUP_MAX_ARG - 7, "6291456", 7);
        CHECK_OK(cgroup_request_add(&req, "memory", fits, &err), &err);
        CHECK_OK(cgroup_limits_build(&req, NULL, &l, &err), &err);
        CHECK_STREQ(value_of(&l, "memory.max"), "6291456");
        cgroup_limits_clear(&l);
        cgroup_request_clear(&req);
        free(longarg);
        free(fits);
}

static void errors_stay_on_one_line(void)
{
        struct cgroup_request req = {0};
        burrow_error *err = NULL;

        CHECK_ERROR(cgroup_request_add(&req, "memory", "1g\n--privileged", &err), &err,
                    "invalid --memory \"1g\\x0a--privileged\": expected a size");
        CHECK_ERROR(cgroup_request_add(&req, "cgroup-conf", "memory.high=\"1\"\r", &err), &err,
                    "invalid --cgroup-conf \"memory.high=\\\"1\\\"\\x0d\": the value must be one line");
        CHECK_ERROR(cgroup_request_add(&req, "device-read-bps", "/dev/a\tb:\x7f", &err), &err,
                    "\"/dev/a\\x09b:\\x7f\"");
        cgroup_request_clear(&req);
}

static void everything_together_in_crun_order(void)
{
        static const char *const want[][2] = {
            {"memory.max", "1073741824"}, {"memory.swap.max", "1073741824"}, {"memory.low", "536870912"},
            {"pids.max", "100"},          {"io.weight", "default 4950"},     {"io.max", "8:0 rbps=10485760"},
            {"cpu.weight", "39"},         {"cpu.max", "50000 100000"},       {"cpuset.cpus", "0-1"},
            {"cpuset.mems", "0"},         {"memory.high", "900M"},
        };
        struct cgroup_limits l = {0};
        burrow_error *err = NULL;

        CHECK_OK(BUILD(&l, &err, "cgroup-conf=memory.high=900M", "cpuset-mems=0", "cpuset-cpus=0-1", "cpus=0.5",
                       "cpu-shares=1024", "device-read-bps=/dev/sda:10m", "blkio-weight=500", "pids-limit=100",
                       "memory-reservation=512m", "memory=1g"),
                 &err);
        CHECK(l.n == sizeof(want) / sizeof(want[0]));
        for (size_t i = 0; i < l.n && i < sizeof(want) / sizeof(want[0]); i++) {
                CHECK_STREQ(l.writes[i].file, want[i][0]);
                CHECK_STREQ(l.writes[i].value, want[i][1]);
        }
        CHECK(l.controllers ==
              (CGROUP_CTRL_CPU | CGROUP_CTRL_MEMORY | CGROUP_CTRL_PIDS | CGROUP_CTRL_IO | CGROUP_CTRL_CPUSET));
        cgroup_limits_clear(&l);
        cgroup_limits_clear(&l);
}

static void nothing_asked_is_nothing_written(void)
{
        struct cgroup_request req = {0};
        struct cgroup_limits l = {.n = 7};
        burrow_error *err = NULL;

        CHECK_OK(cgroup_limits_build(&req, NULL, &l, &err), &err);
        CHECK(l.n == 0 && l.writes == NULL && l.controllers == 0);
        cgroup_request_clear(&req);
        cgroup_request_clear(&req);
}

static void controller_names_and_files(void)
{
        CHECK_STREQ(cgroup_controller_name(CGROUP_CTRL_CPU), "cpu");
        CHECK_STREQ(cgroup_controller_name(CGROUP_CTRL_MEMORY), "memory");
        CHECK_STREQ(cgroup_controller_name(CGROUP_CTRL_PIDS), "pids");
        CHECK_STREQ(cgroup_controller_name(CGROUP_CTRL_IO), "io");
        CHECK_STREQ(cgroup_controller_name(CGROUP_CTRL_CPUSET), "cpuset");
        CHECK_STREQ(cgroup_controller_name(CGROUP_CTRL_HUGETLB), "hugetlb");
        CHECK(cgroup_controller_name(0) == NULL);
        CHECK(cgroup_controller_name(CGROUP_CTRL_CPU | CGROUP_CTRL_IO) == NULL);
        CHECK(cgroup_controller_name(1u << 20) == NULL);

        CHECK(cgroup_file_controller("cpu.max") == CGROUP_CTRL_CPU);
        CHECK(cgroup_file_controller("cpuset.cpus") == CGROUP_CTRL_CPUSET);
        CHECK(cgroup_file_controller("memory.swap.max") == CGROUP_CTRL_MEMORY);
        CHECK(cgroup_file_controller("io.max") == CGROUP_CTRL_IO);
        CHECK(cgroup_file_controller("cgroup.max.descendants") == 0);
        CHECK(cgroup_file_controller("cgroup.procs") == -1);
        CHECK(cgroup_file_controller("memory") == -1);
        CHECK(cgroup_file_controller("") == -1);
        CHECK(cgroup_file_controller(NULL) == -1);
}

int main(void)
{
        RUN(memory_takes_docker_units);
        RUN(memory_rejects_bad_sizes);
        RUN(memory_alone_lets_swap_match_it_as_docker);
        RUN(memory_swap_is_the_total_of_memory_and_swap);
        RUN(memory_swap_needs_memory_below_it);
        RUN(memory_reservation_is_memory_low);
        RUN(a_later_flag_replaces_an_earlier_one);
        RUN(cpus_become_a_quota_of_the_default_period);
        RUN(cpus_rejects_bad_values);
        RUN(cpu_shares_convert_to_weight_as_crun);
        RUN(cpu_weight_is_written_as_given);
        RUN(cpu_quota_and_period_become_cpu_max);
        RUN(cpu_quota_and_period_reject_bad_values);
        RUN(cpus_conflict_with_quota_and_period_as_docker);
        RUN(cpuset_lists_are_checked_and_written_as_given);
        RUN(cpuset_lists_reject_malformed);
        RUN(pids_limit_zero_and_minus_one_are_unlimited);
        RUN(blkio_weight_converts_to_io_weight_as_crun);
        RUN(device_limits_of_one_device_merge_into_one_line);
        RUN(device_limits_reject_bad_values);
        RUN(device_lookup_failures_name_the_flag);
        RUN(device_limits_are_bounded);
        RUN(cgroup_conf_writes_any_controller_file);
        RUN(cgroup_conf_replaces_defaults_but_not_flags);
        RUN(cgroup_conf_rejects_bad_keys_and_values);
        RUN(cgroup_conf_is_bounded);
        RUN(flags_are_known_by_name);
        RUN(overlong_arguments_are_not_looked_at);
        RUN(errors_stay_on_one_line);
        RUN(everything_together_in_crun_order);
        RUN(nothing_asked_is_nothing_written);
        RUN(controller_names_and_files);
        return unit_finish();
}
