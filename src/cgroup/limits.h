/* docker's resource-limit flags (--memory, --cpus, --pids-limit, --device-read-bps, ...) and podman's --cgroup-conf,
 * turned into cgroup v2 interface file writes. Pure: no I/O but an injected lookup of a block device's number, so that
 * unit tests and the fuzz target exercise exactly what `burrow run` uses. Each fallible function returns 0, or -1 with
 * *err set to a one-line message naming the flag and its value: `invalid --memory "12x": ...`. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* Longest argument of any flag; a longer one is rejected before it is looked at. */
#define CGROUP_MAX_ARG 4096
/* Distinct --cgroup-conf keys, and distinct device paths of --device-{read,write}-{bps,iops}. */
#define CGROUP_MAX_CONF    64
#define CGROUP_MAX_DEVICES 16

/* The controllers a set of writes needs enabled in the parent's cgroup.subtree_control. */
enum {
        CGROUP_CTRL_CPU = 1 << 0,
        CGROUP_CTRL_MEMORY = 1 << 1,
        CGROUP_CTRL_PIDS = 1 << 2,
        CGROUP_CTRL_IO = 1 << 3,
        CGROUP_CTRL_CPUSET = 1 << 4,
        /* Only through --cgroup-conf. */
        CGROUP_CTRL_HUGETLB = 1 << 5,
        CGROUP_CTRL_RDMA = 1 << 6,
        CGROUP_CTRL_MISC = 1 << 7,
};
#define CGROUP_CTRL_ALL 0xffu

/* One cgroup v2 interface file write, e.g. {"memory.max", "536870912"}. */
struct cgroup_write {
        char *file;    /* a file name in the container's cgroup directory, never a path */
        char *value;   /* one line, without the newline */
        bool optional; /* the kernel may lack the file (memory.swap.max without swap accounting): skip it on ENOENT */
};

struct cgroup_limits {
        struct cgroup_write *writes; /* in the order they must be written */
        size_t n;
        unsigned controllers; /* CGROUP_CTRL_* bits the writes need */
};

/* The flags given so far. Zero-initialize it, fill it with cgroup_request_add(), release it with
 * cgroup_request_clear(); the fields are limits.c's. */
#define CGROUP_REQUEST_SCALARS 12 /* the single-valued flags: the last one given wins, as docker */
#define CGROUP_DEVICE_LIMITS   4  /* rbps wbps riops wiops */
struct cgroup_device_request {
        char *path;
        char *arg[CGROUP_DEVICE_LIMITS]; /* the argument that set each limit, NULL when not set */
        uint64_t rate[CGROUP_DEVICE_LIMITS];
};
struct cgroup_conf_request {
        char *key;
        char *value;
        char *arg;
};
struct cgroup_request {
        char *arg[CGROUP_REQUEST_SCALARS]; /* the argument as given, NULL when the flag was not */
        int64_t value[CGROUP_REQUEST_SCALARS];
        struct cgroup_device_request devices[CGROUP_MAX_DEVICES];
        size_t n_devices;
        struct cgroup_conf_request conf[CGROUP_MAX_CONF];
        size_t n_conf;
};

/* True for the flags cgroup_request_add() takes (names without the dashes): memory memory-reservation memory-swap
 * cpus cpu-shares cpu-weight cpu-quota cpu-period cpuset-cpus cpuset-mems pids-limit blkio-weight device-read-bps
 * device-write-bps device-read-iops device-write-iops cgroup-conf. */
bool cgroup_flag_known(const char *flag);

/* Checks one flag's argument on its own and records it; a later single-valued flag replaces an earlier one, device
 * limits and --cgroup-conf keys accumulate (the same device and limit, or the same key, again replaces). */
int cgroup_request_add(struct cgroup_request *req, const char *flag, const char *arg, burrow_error **err);

/* Checks the flags against each other and turns them into writes (*ret only on success). devnum finds a block
 * device's numbers (0, or a negative errno); it is called only for device limits and may be NULL without them. */
int cgroup_limits_build(const struct cgroup_request *req,
                        int (*devnum)(const char *path, unsigned *major, unsigned *minor), struct cgroup_limits *ret,
                        burrow_error **err);

/* The value a single-valued flag got, in the unit it is kept in (bytes; CPUs in thousandths; plain numbers); false
 * when the flag was not given or takes a list (cpuset-cpus, cpuset-mems: see req->arg). For inspect's HostConfig. */
bool cgroup_request_get(const struct cgroup_request *req, const char *flag, int64_t *ret);
/* The argument a single-valued flag was given as, or NULL. */
const char *cgroup_request_arg(const struct cgroup_request *req, const char *flag);

/* Free and reset; both accept an already cleared value. */
void cgroup_request_clear(struct cgroup_request *req);
void cgroup_limits_clear(struct cgroup_limits *l);

/* The kernel's name of one CGROUP_CTRL_* bit ("memory", "pids", ...), NULL for anything else. */
const char *cgroup_controller_name(unsigned ctrl_bit);

/* The controller a cgroup v2 file name belongs to: its CGROUP_CTRL_* bit, 0 for the core's "cgroup.*" files, -1 when
 * the name is not one a container's limits may write (see --cgroup-conf in limits.c). */
int cgroup_file_controller(const char *file);
