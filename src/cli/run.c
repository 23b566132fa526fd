/* `burrow run`: argv (docker's spellings) into a spec, validated once, then the launcher. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/run.h"
#include "container/record.h"
#include "fs/fs.h"
#include "image/container.h"
#include "image/driver.h"
#include "spec/parse.h"
#include "spec/spec.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/signame.h"

/* An --env-file larger than this is a mistake, not an environment. */
#define ENV_FILE_MAX (1024 * 1024)

enum {
        OPT_ROOTFS = 1000,
        OPT_READ_ONLY,
        OPT_TMPFS,
        OPT_ENV_FILE,
        OPT_NETWORK,
        OPT_UIDMAP,
        OPT_GIDMAP,
        OPT_USERNS,
        OPT_INIT,
        OPT_RM,
        OPT_TTY,
        OPT_INTERACTIVE,
        OPT_HELP,
        OPT_QUIET,
        OPT_CAP_ADD,
        OPT_CAP_DROP,
        OPT_PRIVILEGED,
        OPT_SECURITY_OPT,
        OPT_ULIMIT,
        OPT_ENTRYPOINT,
        OPT_STORAGE_DRIVER,
        OPT_DNS,
        OPT_DNS_SEARCH,
        OPT_DNS_OPTION,
        OPT_ADD_HOST,
        OPT_CGROUP_MANAGER,
        OPT_NAME,
        OPT_LABEL,
        OPT_STOP_SIGNAL,
        OPT_DETACH,
        OPT_LIMIT, /* every resource-limit flag: the name comes from the option table */
};

static const struct option run_options[] = {
    {"rootfs", required_argument, NULL, OPT_ROOTFS},
    {"read-only", optional_argument, NULL, OPT_READ_ONLY},
    {"volume", required_argument, NULL, 'v'},
    {"tmpfs", required_argument, NULL, OPT_TMPFS},
    {"env", required_argument, NULL, 'e'},
    {"env-file", required_argument, NULL, OPT_ENV_FILE},
    {"workdir", required_argument, NULL, 'w'},
    {"user", required_argument, NULL, 'u'},
    {"hostname", required_argument, NULL, 'h'},
    {"network", required_argument, NULL, OPT_NETWORK},
    {"net", required_argument, NULL, OPT_NETWORK},
    {"uidmap", required_argument, NULL, OPT_UIDMAP},
    {"gidmap", required_argument, NULL, OPT_GIDMAP},
    {"userns", required_argument, NULL, OPT_USERNS},
    {"init", optional_argument, NULL, OPT_INIT},
    {"rm", optional_argument, NULL, OPT_RM},
    {"tty", optional_argument, NULL, OPT_TTY},
    {"interactive", optional_argument, NULL, OPT_INTERACTIVE},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"cap-add", required_argument, NULL, OPT_CAP_ADD},
    {"cap-drop", required_argument, NULL, OPT_CAP_DROP},
    {"privileged", optional_argument, NULL, OPT_PRIVILEGED},
    {"security-opt", required_argument, NULL, OPT_SECURITY_OPT},
    {"ulimit", required_argument, NULL, OPT_ULIMIT},
    {"entrypoint", required_argument, NULL, OPT_ENTRYPOINT},
    {"storage-driver", required_argument, NULL, OPT_STORAGE_DRIVER},
    {"publish", required_argument, NULL, 'p'},
    {"publish-all", optional_argument, NULL, 'P'},
    {"dns", required_argument, NULL, OPT_DNS},
    {"dns-search", required_argument, NULL, OPT_DNS_SEARCH},
    {"dns-option", required_argument, NULL, OPT_DNS_OPTION},
    {"dns-opt", required_argument, NULL, OPT_DNS_OPTION},
    {"add-host", required_argument, NULL, OPT_ADD_HOST},
    {"cgroup-manager", required_argument, NULL, OPT_CGROUP_MANAGER},
    {"memory", required_argument, NULL, OPT_LIMIT},
    {"memory-reservation", required_argument, NULL, OPT_LIMIT},
    {"memory-swap", required_argument, NULL, OPT_LIMIT},
    {"cpus", required_argument, NULL, OPT_LIMIT},
    {"cpu-shares", required_argument, NULL, OPT_LIMIT},
    {"cpu-weight", required_argument, NULL, OPT_LIMIT},
    {"cpu-quota", required_argument, NULL, OPT_LIMIT},
    {"cpu-period", required_argument, NULL, OPT_LIMIT},
    {"cpuset-cpus", required_argument, NULL, OPT_LIMIT},
    {"cpuset-mems", required_argument, NULL, OPT_LIMIT},
    {"pids-limit", required_argument, NULL, OPT_LIMIT},
    {"blkio-weight", required_argument, NULL, OPT_LIMIT},
    {"device-read-bps", required_argument, NULL, OPT_LIMIT},
    {"device-write-bps", required_argument, NULL, OPT_LIMIT},
    {"device-read-iops", required_argument, NULL, OPT_LIMIT},
    {"device-write-iops", required_argument, NULL, OPT_LIMIT},
    {"cgroup-conf", required_argument, NULL, OPT_LIMIT},
    {"name", required_argument, NULL, OPT_NAME},
    {"label", required_argument, NULL, 'l'},
    {"stop-signal", required_argument, NULL, OPT_STOP_SIGNAL},
    {"detach", optional_argument, NULL, 'd'},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static void run_usage(void)
{
        printf(
            "Usage: burrow run [OPTIONS] IMAGE [COMMAND [ARG...]]\n"
            "       burrow run [OPTIONS] --rootfs DIR [--] COMMAND [ARG...]\n"
            "\n"
            "Run COMMAND in a new rootless container and exit with its status; with -d, leave it running in the\n"
            "background and print its id.\n"
            "\n"
            "Options:\n"
            "  -d, --detach[=BOOL]           run in the background (see burrow ps, logs, stop, rm)\n"
            "      --name NAME               name the container (default: a generated adjective_surname)\n"
            "  -l, --label KEY=VALUE         set a label (shown by inspect, filtered by ps --filter label=)\n"
            "      --stop-signal SIGNAL      the signal burrow stop sends first (default: the image's, else SIGTERM)\n"
            "      --rootfs DIR              root filesystem directory (instead of an image)\n"
            "      --entrypoint CMD          replace the image's entrypoint (\"\" clears it)\n"
            "      --storage-driver DRIVER   auto (default), overlay (the kernel's), fuse-overlayfs or vfs (a copy)\n"
            "      --read-only[=BOOL]        mount the root filesystem read-only (/tmp, /var/tmp, /run stay tmpfs)\n"
            "  -v, --volume SRC:DST[:OPTS]   bind-mount a host path (ro, rw, z, Z, nosuid, nodev, noexec, bind,\n"
            "                                rbind, private, rprivate, slave, rslave, shared, rshared, ...)\n"
            "      --tmpfs DST[:OPTS]        mount a tmpfs (size=, mode=, uid=, gid=, nr_inodes=, ro, exec, ...)\n"
            "  -e, --env KEY[=VALUE]         set an environment variable (KEY alone: take it from burrow's)\n"
            "      --env-file FILE           read KEY=VALUE lines from FILE\n"
            "  -w, --workdir DIR             working directory inside the container (created when missing)\n"
            "  -u, --user USER[:GROUP]       user and group, names or numbers, resolved in the container\n"
            "  -h, --hostname NAME           host name (default: the first 12 characters of the id)\n"
            "      --network MODE            slirp[:OPTS] (default): own network with outbound access through\n"
            "                                burrow-slirp (mtu=N, cidr=A.B.C.D/N, enable_ipv6=BOOL,\n"
            "                                allow_host_loopback=BOOL, outbound_addr=IP, outbound_addr6=IP);\n"
            "                                none: loopback only; host: the host's network\n"
            "  -p, --publish [IP:][HOSTPORT:]PORT[/tcp|udp]  forward a host port (ranges N-M) to the container\n"
            "  -P, --publish-all[=BOOL]      publish the image's exposed ports to free host ports\n"
            "      --dns IP                  DNS server for /etc/resolv.conf (default: the slirp resolver)\n"
            "      --dns-search DOMAIN       DNS search domain (\".\" for none)\n"
            "      --dns-option OPTION       resolv.conf option (ndots:2, ...)\n"
            "      --add-host NAME:IP        add a line to /etc/hosts (IP may be host-gateway)\n"
            "  -m, --memory N[b|k|m|g]       memory limit (memory.max); --memory-reservation (memory.low),\n"
            "                                --memory-swap (memory + swap; -1 = unlimited)\n"
            "      --cpus N                  CPU time, in CPUs (cpu.max); --cpu-quota/--cpu-period in microseconds,\n"
            "                                --cpu-shares (2-262144) or --cpu-weight (1-10000) (cpu.weight)\n"
            "      --cpuset-cpus LIST, --cpuset-mems LIST   CPUs and memory nodes (cpuset)\n"
            "      --pids-limit N            most processes (pids.max; -1 = unlimited)\n"
            "      --blkio-weight N          I/O weight 10-1000 (io.weight); --device-read-bps PATH:RATE,\n"
            "                                --device-write-bps, --device-read-iops, --device-write-iops (io.max)\n"
            "      --cgroup-conf KEY=VALUE   write any cgroup v2 file of the container's cgroup\n"
            "      --cgroup-manager MANAGER  auto (default), systemd or cgroupfs: the delegated cgroup v2 subtree;\n"
            "                                disabled\n"
            "      --uidmap C:H:N            map container uids C.. to intermediate ids H.. (0 = you, 1.. =\n"
            "                                your subordinate ids); repeatable\n"
            "      --gidmap C:H:N            the same for gids\n"
            "      --userns keep-id          keep your uid and gid inside the container\n"
            "      --init[=BOOL]             run burrow's init as PID 1 (default true)\n"
            "  -t, --tty[=BOOL]              allocate a pseudo-terminal\n"
            "  -i, --interactive[=BOOL]      keep stdin open\n"
            "      --cap-add CAP             add a capability to the default set (NET_RAW, CAP_SYS_ADMIN, ALL, ...)\n"
            "      --cap-drop CAP            drop a capability (ALL drops every one)\n"
            "      --privileged[=BOOL]       every capability, no seccomp filter, no masked or read-only paths\n"
            "      --security-opt OPT        no-new-privileges[=BOOL], seccomp=unconfined|PROFILE.json,\n"
            "                                mask=PATH[:PATH...], unmask=ALL|PATH[:PATH...]\n"
            "      --ulimit NAME=SOFT[:HARD] set a resource limit (nofile, nproc, core, ...; -1 = unlimited)\n"
            "      --rm[=BOOL]               remove the container when it exits (a foreground run always is)\n"
            "      --quiet                   no notice lines\n"
            "      --help                    this text\n");
}

static const char *env_lookup(const char *key)
{
        return getenv(key);
}

static int parse_bool_option(const char *name, const char *arg, bool *ret, burrow_error **err)
{
        if (arg == NULL) {
                *ret = true;
                return 0;
        }
        if (parse_bool(arg, ret) < 0)
                return error_make(err, 0, "invalid value \"%s\" for --%s: expected true or false", arg, name);
        return 0;
}

int cli_run_add_env(struct burrow_spec *spec, const char *arg, burrow_error **err)
{
        char *entry = NULL;

        if (parse_env(arg, env_lookup, &entry, err) < 0)
                return -1;
        if (entry)
                strv_env_set_owned(&spec->env, entry);
        return 0;
}

int cli_run_add_env_file(struct burrow_spec *spec, const char *path, burrow_error **err)
{
        _cleanup_free_ char *buf = NULL;
        _cleanup_strv_ strv entries = {0};
        size_t len;

        if (file_read_all(path, ENV_FILE_MAX, &buf, &len, err) < 0)
                return error_wrap(err, "--env-file");
        if (parse_env_file(buf, len, env_lookup, &entries, err) < 0)
                return error_wrap(err, "--env-file %s", path);
        for (size_t i = 0; i < entries.len; i++) {
                strv_env_set_owned(&spec->env, entries.items[i]);
                entries.items[i] = NULL;
        }
        entries.len = 0;
        return 0;
}

static int add_idmap(struct idmap_range **list, size_t *n, const char *flag, const char *arg, burrow_error **err)
{
        struct idmap_range r;

        if (parse_idmap(arg, &r, err) < 0)
                return error_wrap(err, "%s", flag);
        if (*n >= IDMAP_MAX_RANGES)
                return error_make(err, 0, "%s: too many ranges (at most %d)", flag, IDMAP_MAX_RANGES);
        *list = xrealloc(*list, (*n + 1) * sizeof(**list));
        (*list)[(*n)++] = r;
        return 0;
}

static void remove_paths(strv *list, const strv *remove)
{
        size_t kept = 0;

        for (size_t i = 0; i < list->len; i++) {
                if (strv_contains(remove, list->items[i]))
                        free(list->items[i]);
                else
                        list->items[kept++] = list->items[i];
        }
        list->len = kept;
        if (list->items)
                list->items[kept] = NULL;
}

/* --security-opt KEY[=VALUE], podman's keys. */
static int parse_security_opt(struct burrow_spec *spec, const char *arg, burrow_error **err)
{
        const char *eq = strchr(arg, '=');
        _cleanup_free_ char *key = eq ? xstrndup(arg, (size_t)(eq - arg)) : xstrdup(arg);
        const char *value = eq ? eq + 1 : NULL;

        if (strcmp(key, "no-new-privileges") == 0) {
                if (value == NULL) {
                        spec->no_new_privileges = true;
                        return 0;
                }
                if (parse_bool(value, &spec->no_new_privileges) < 0)
                        return error_make(err, 0, "invalid --security-opt \"%s\": expected true or false", arg);
                return 0;
        }
        if (value == NULL || value[0] == '\0')
                return error_make(err, 0, "invalid --security-opt \"%s\": expected KEY=VALUE", arg);
        if (strcmp(key, "seccomp") == 0) {
                free(spec->seccomp_profile);
                spec->seccomp_profile = NULL;
                spec->seccomp_unconfined = strcmp(value, "unconfined") == 0;
                if (!spec->seccomp_unconfined)
                        spec->seccomp_profile = xstrdup(value);
                return 0;
        }
        if (strcmp(key, "mask") == 0) {
                _cleanup_strv_ strv paths = {0};
                if (parse_path_list("--security-opt mask", value, &paths, err) < 0)
                        return -1;
                for (size_t i = 0; i < paths.len; i++)
                        if (!strv_contains(&spec->masked_paths, paths.items[i]))
                                strv_push(&spec->masked_paths, paths.items[i]);
                return 0;
        }
        if (strcmp(key, "unmask") == 0) {
                _cleanup_strv_ strv paths = {0};
                /* As podman: unmask also lifts the read-only protection of the default read-only paths. */
                if (strcmp(value, "ALL") == 0) {
                        strv_clear(&spec->masked_paths);
                        strv_clear(&spec->readonly_paths);
                        return 0;
                }
                if (parse_path_list("--security-opt unmask", value, &paths, err) < 0)
                        return -1;
                remove_paths(&spec->masked_paths, &paths);
                remove_paths(&spec->readonly_paths, &paths);
                return 0;
        }
        /* No LSM is managed by burrow: turning one off is already true, anything else cannot be honoured. */
        if ((strcmp(key, "label") == 0 && strcmp(value, "disable") == 0) ||
            (strcmp(key, "apparmor") == 0 && strcmp(value, "unconfined") == 0))
                return 0;
        return error_make(err, 0, "invalid --security-opt \"%s\": unknown option \"%s\"", arg, key);
}

static int add_ulimit(struct burrow_spec *spec, const char *arg, burrow_error **err)
{
        struct spec_rlimit rl;

        if (parse_ulimit(arg, &rl, err) < 0)
                return -1;
        for (size_t i = 0; i < spec->n_rlimits; i++)
                if (spec->rlimits[i].resource == rl.resource) {
                        spec->rlimits[i] = rl;
                        return 0;
                }
        spec->rlimits = xrealloc(spec->rlimits, (spec->n_rlimits + 1) * sizeof(*spec->rlimits));
        spec->rlimits[spec->n_rlimits++] = rl;
        return 0;
}

static int replace_string(char **field, const char *value)
{
        free(*field);
        *field = xstrdup(value);
        return 0;
}

static int parse_run_option(struct burrow_spec *spec, int opt, const char *arg, burrow_error **err)
{
        struct spec_mount m = {0};
        struct spec_user u = {0};

        switch (opt) {
        case OPT_ROOTFS:
                return replace_string(&spec->rootfs, arg);
        case OPT_READ_ONLY:
                return parse_bool_option("read-only", arg, &spec->readonly_rootfs, err);
        case 'v':
                if (parse_volume(arg, &m, err) < 0)
                        return -1;
                spec_add_mount(spec, &m);
                return 0;
        case OPT_TMPFS:
                if (parse_tmpfs(arg, &m, err) < 0)
                        return -1;
                spec_add_mount(spec, &m);
                return 0;
        case 'e':
                return cli_run_add_env(spec, arg, err);
        case OPT_ENV_FILE:
                return cli_run_add_env_file(spec, arg, err);
        case 'w':
                if (arg[0] != '/')
                        return error_make(err, 0, "invalid working directory \"%s\": must be an absolute path", arg);
                return replace_string(&spec->cwd, arg);
        case 'u':
                if (parse_user(arg, &u, err) < 0)
                        return -1;
                free(spec->user.user);
                free(spec->user.group);
                spec->user = u;
                return 0;
        case 'h':
                return replace_string(&spec->hostname, arg);
        case OPT_NETWORK:
                return parse_network(arg, &spec->network, &spec->slirp, err);
        case 'p':
                if (spec->n_ports >= PORTSPEC_MAX_MAPPINGS)
                        return error_make(err, 0, "-p: more than %d ports", PORTSPEC_MAX_MAPPINGS);
                return portspec_parse(arg, &spec->ports, &spec->n_ports, err);
        case 'P':
                return parse_bool_option("publish-all", arg, &spec->publish_all, err);
        case OPT_DNS:
                return parse_dns(arg, &spec->dns, err);
        case OPT_DNS_SEARCH:
                return parse_dns_search(arg, &spec->dns_search, err);
        case OPT_DNS_OPTION:
                return parse_dns_option(arg, &spec->dns_options, err);
        case OPT_ADD_HOST:
                return parse_add_host(arg, &spec->add_hosts, err);
        case OPT_CGROUP_MANAGER:
                if (strcmp(arg, "auto") == 0)
                        spec->cgroup_manager = SPEC_CGROUP_AUTO;
                else if (strcmp(arg, "cgroupfs") == 0)
                        spec->cgroup_manager = SPEC_CGROUP_CGROUPFS;
                else if (strcmp(arg, "systemd") == 0)
                        spec->cgroup_manager = SPEC_CGROUP_SYSTEMD;
                else if (strcmp(arg, "disabled") == 0)
                        spec->cgroup_manager = SPEC_CGROUP_DISABLED;
                else
                        return error_make(err, 0,
                                          "invalid --cgroup-manager \"%s\": expected auto, systemd, cgroupfs or disabled", arg);
                return 0;
        case OPT_UIDMAP:
                return add_idmap(&spec->uidmap_request, &spec->n_uidmap_request, "--uidmap", arg, err);
        case OPT_GIDMAP:
                return add_idmap(&spec->gidmap_request, &spec->n_gidmap_request, "--gidmap", arg, err);
        case OPT_USERNS:
                if (strcmp(arg, "keep-id") == 0)
                        spec->userns = SPEC_USERNS_KEEP_ID;
                else if (strcmp(arg, "") == 0 || strcmp(arg, "private") == 0)
                        spec->userns = SPEC_USERNS_DEFAULT;
                else
                        return error_make(err, 0, "invalid --userns \"%s\": expected keep-id or private", arg);
                return 0;
        case OPT_INIT:
                return parse_bool_option("init", arg, &spec->init, err);
        case OPT_RM:
                return parse_bool_option("rm", arg, &spec->remove, err);
        case 'd':
                return parse_bool_option("detach", arg, &spec->detach, err);
        case OPT_NAME:
                if (ctr_name_check(arg, err) < 0)
                        return error_wrap(err, "--name");
                return replace_string(&spec->name, arg);
        case 'l':
                if (arg[0] == '=' || arg[0] == '\0')
                        return error_make(err, 0, "invalid --label \"%s\": expected KEY=VALUE", arg);
                strv_push_owned(&spec->labels, strchr(arg, '=') ? xstrdup(arg) : xasprintf("%s=", arg));
                return 0;
        case OPT_STOP_SIGNAL: {
                int sig;
                char buf[32];
                if (signame_parse(arg, &sig, err) < 0)
                        return error_wrap(err, "--stop-signal");
                return replace_string(&spec->stop_signal, signame_format(sig, buf, sizeof(buf)));
        }
        case 't':
        case OPT_TTY:
                return parse_bool_option("tty", arg, &spec->tty, err);
        case 'i':
        case OPT_INTERACTIVE:
                return parse_bool_option("interactive", arg, &spec->interactive, err);
        case OPT_QUIET:
                spec->quiet = true;
                return 0;
        case OPT_CAP_ADD:
                strv_push(&spec->cap_add, arg);
                return 0;
        case OPT_CAP_DROP:
                strv_push(&spec->cap_drop, arg);
                return 0;
        case OPT_PRIVILEGED:
                return parse_bool_option("privileged", arg, &spec->privileged, err);
        case OPT_SECURITY_OPT:
                return parse_security_opt(spec, arg, err);
        case OPT_ENTRYPOINT:
                return replace_string(&spec->entrypoint, arg);
        case OPT_STORAGE_DRIVER:
                if (strcmp(arg, "auto") == 0)
                        spec->storage_driver = SPEC_STORAGE_AUTO;
                else if (strcmp(arg, "overlay") == 0)
                        spec->storage_driver = SPEC_STORAGE_OVERLAY;
                else if (strcmp(arg, "fuse-overlayfs") == 0)
                        spec->storage_driver = SPEC_STORAGE_FUSE_OVERLAYFS;
                else if (strcmp(arg, "vfs") == 0)
                        spec->storage_driver = SPEC_STORAGE_VFS;
                else
                        return error_make(
                            err, 0, "invalid --storage-driver \"%s\": expected auto, overlay, fuse-overlayfs or vfs",
                            arg);
                return 0;
        case OPT_ULIMIT:
                return add_ulimit(spec, arg, err);
        }
        return error_make(err, 0, "internal: unhandled option %d", opt);
}

/* Fills the spec from argv. Returns 1 when --help was printed, 0 on success, -1 with *err. *ret_image_index is the
 * index of IMAGE in argv (-1 with --rootfs). */
int run_parse_args(int argc, char **argv, struct burrow_spec *spec, int *ret_image_index, burrow_error **err)
{
        int opt, index = -1;

        /* "+": stop at the first non-option, so the command's own flags stay its own. ":": report missing arguments
         * as ':' so that the one error line is ours. */
        opterr = 0;
        optind = 0; /* 0: glibc re-initializes (and reads a "+" again) */
        while ((opt = getopt_long(argc, argv, "+:e:w:u:v:h:p:m:l:Ptid", run_options, &index)) != -1) {
                if (opt == OPT_HELP) {
                        run_usage();
                        return 1;
                }
                if (opt == '?') {
                        if (optopt)
                                return error_make(err, 0, "unknown option -%c: see 'burrow run --help'", optopt);
                        return error_make(err, 0, "unknown option %s: see 'burrow run --help'", argv[optind - 1]);
                }
                if (opt == ':')
                        return error_make(err, 0, "option %s: a value is required", argv[optind - 1]);
                if (optarg && strlen(optarg) > PARSE_MAX_ARG)
                        return error_make(err, 0, "option %s: the value is longer than %d bytes", argv[optind - 1],
                                          PARSE_MAX_ARG);
                /* The resource limits are checked together, once all are known (cgroup/limits.h). */
                if (opt == OPT_LIMIT || opt == 'm') {
                        strv_push_owned(&spec->cgroup_flags,
                                        xasprintf("%s=%s", opt == 'm' ? "memory" : run_options[index].name, optarg));
                        continue;
                }
                if (parse_run_option(spec, opt, optarg, err) < 0)
                        return -1;
        }
        *ret_image_index = spec->rootfs == NULL && optind < argc ? optind : -1;
        for (int i = optind; i < argc; i++)
                strv_push(&spec->args, argv[i]);
        return 0;
}

/* `burrow run IMAGE [COMMAND...]`: the first argument names the image; its config and layers make the spec's root.
 * With reuse (start), the container's writable layer exists already. */
int run_prepare_image(image_store *store, struct burrow_spec *spec, bool reuse, struct image_container *ret,
                         burrow_error **err)
{
        struct image_overrides o = {
            .entrypoint_set = spec->entrypoint != NULL, .entrypoint = spec->entrypoint, .reuse = reuse};
        int r;

        if (spec->args.len == 0)
                return error_make(err, 0, "run: no image given (see 'burrow run --help')");
        spec->image = xstrdup(spec->args.items[0]);
        free(spec->args.items[0]);
        memmove(spec->args.items, spec->args.items + 1, spec->args.len * sizeof(char *));
        spec->args.len--;
        r = reuse ? 0 : image_driver_choose(store, spec->storage_driver, spec->quiet, &spec->storage_driver, err);
        if (r == 0)
                r = image_container_prepare(store, spec->image, spec->id, &o, spec, ret, err);
        return r;
}

/* burrow.conf's defaults, before the command line overrides them. */
int run_apply_config_defaults(struct burrow_spec *spec, burrow_error **err)
{
        const char *driver = config_get(&cli_config, CONFIG_STORAGE_DRIVER);
        const char *network = config_get(&cli_config, CONFIG_NETWORK_MODE);

        if (driver && parse_run_option(spec, OPT_STORAGE_DRIVER, driver, err) < 0)
                return error_wrap(err, "burrow.conf: storage.driver");
        const char *resolv = config_get(&cli_config, CONFIG_NETWORK_RESOLV_CONF);
        const char *manager = config_get(&cli_config, CONFIG_CGROUP_MANAGER);

        if (network && parse_run_option(spec, OPT_NETWORK, network, err) < 0)
                return error_wrap(err, "burrow.conf: network.mode");
        if (resolv)
                spec->slirp.upstream_resolv_conf = xstrdup(resolv);
        if (manager && parse_run_option(spec, OPT_CGROUP_MANAGER, manager, err) < 0)
                return error_wrap(err, "burrow.conf: cgroup.manager");
        return 0;
}

