/* `burrow oci` exec, ps, pause/resume, update, features, spec and --version (the verbs that read a created
 * container, or none). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <getopt.h>
#include <json-c/json.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cgroup/limits.h"
#include "cli/cli.h"
#include "cli/oci.h"
#include "launch/exec.h"
#include "security/caps.h"
#include "spec/oci.h"
#include "util/cleanup.h"
#include "util/fileutil.h"

#include "config.h"

static void json_putp(struct json_object **o)
{
        json_object_put(*o);
}
#define _cleanup_json_ __attribute__((cleanup(json_putp)))

/* The container's saved config.json with one part replaced (process, or linux.resources), parsed into a spec. */
static int spec_with(const struct oci_container *c, const char *key, struct json_object *value,
                     struct burrow_spec *spec, burrow_error **err)
{
        _cleanup_free_ char *path = xasprintf("%s/config.json", c->dir), *text = NULL;
        _cleanup_json_ struct json_object *config = NULL;
        const char *out;

        spec_init(spec);
        if (file_read_all(path, OCI_CONFIG_MAX, &text, NULL, err) < 0)
                return -1;
        config = json_tokener_parse(text);
        if (config == NULL || !json_object_is_type(config, json_type_object))
                return error_make(err, EINVAL, "%s: damaged", path);
        if (key && strcmp(key, "process") == 0) {
                json_object_object_add(config, "process", json_object_get(value));
        } else if (key) {
                struct json_object *lx;
                if (!json_object_object_get_ex(config, "linux", &lx)) {
                        lx = json_object_new_object();
                        json_object_object_add(config, "linux", lx);
                }
                json_object_object_add(lx, "resources", json_object_get(value));
        }
        out = json_object_to_json_string_ext(config, JSON_C_TO_STRING_PLAIN);
        free(spec->id);
        spec->id = xstrdup(c->id);
        if (oci_config_parse(out, strlen(out), c->bundle, spec, err) < 0)
                return -1;
        spec->init = false;
        spec->quiet = true;
        return 0;
}

static int load_running(struct oci_globals *g, const char *id, struct oci_container *c, burrow_error **err)
{
        if (oci_container_load(g->state_root, id, c, err) < 0)
                return -1;
        if (c->status != OCI_RUNNING && c->status != OCI_CREATED && c->status != OCI_PAUSED) {
                error_make(err, 0, "container %s is not running", id);
                oci_container_clear(c);
                return -1;
        }
        return 0;
}

static struct json_object *read_json_file(const char *path, burrow_error **err)
{
        _cleanup_free_ char *text = NULL;
        struct json_object *o;

        if (file_read_all(path, OCI_CONFIG_MAX, &text, NULL, err) < 0)
                return NULL;
        o = json_tokener_parse(text);
        if (o == NULL || !json_object_is_type(o, json_type_object)) {
                json_object_put(o);
                error_make(err, EINVAL, "%s: not a JSON object", path);
                return NULL;
        }
        return o;
}

/* --- exec ----------------------------------------------------------------------------------------------------- */

struct exec_flags {
        const char *process, *cwd, *user, *pid_file, *console_socket;
        strv env, caps, gids;
        bool tty, detach, no_new_privs;
        int preserve_fds;
};

/* The process object of exec's flags: the container's process with the flags' changes. */
static struct json_object *process_from_flags(const struct oci_container *c, const struct exec_flags *f, int argc,
                                              char **argv, burrow_error **err)
{
        _cleanup_free_ char *path = xasprintf("%s/config.json", c->dir);
        _cleanup_json_ struct json_object *config = read_json_file(path, err);
        struct json_object *process, *args = json_object_new_array(), *env, *user, *caps;

        if (config == NULL || !json_object_object_get_ex(config, "process", &process)) {
                json_object_put(args);
                if (config)
                        error_make(err, EINVAL, "%s: no process", path);
                return NULL;
        }
        process = json_object_get(process);
        for (int i = 0; i < argc; i++)
                json_object_array_add(args, json_object_new_string(argv[i]));
        json_object_object_add(process, "args", args);
        json_object_object_add(process, "terminal", json_object_new_boolean(f->tty));
        if (f->cwd)
                json_object_object_add(process, "cwd", json_object_new_string(f->cwd));
        if (!json_object_object_get_ex(process, "env", &env)) {
                env = json_object_new_array();
                json_object_object_add(process, "env", env);
        }
        for (size_t i = 0; i < f->env.len; i++)
                json_object_array_add(env, json_object_new_string(f->env.items[i]));
        if (f->user) {
                unsigned uid = 0, gid = 0;
                if (sscanf(f->user, "%u:%u", &uid, &gid) < 1) {
                        json_object_put(process);
                        error_make(err, 0, "invalid --user \"%.32s\": expected UID[:GID]", f->user);
                        return NULL;
                }
                user = json_object_new_object();
                json_object_object_add(user, "uid", json_object_new_int64(uid));
                json_object_object_add(user, "gid", json_object_new_int64(gid));
                json_object_object_add(process, "user", user);
        }
        if (f->gids.len > 0 && json_object_object_get_ex(process, "user", &user)) {
                struct json_object *g = json_object_new_array();
                for (size_t i = 0; i < f->gids.len; i++)
                        json_object_array_add(g, json_object_new_int64(atoll(f->gids.items[i])));
                json_object_object_add(user, "additionalGids", g);
        }
        if (f->caps.len > 0) {
                static const char *const sets[] = {"bounding", "effective", "permitted", "ambient"};
                if (!json_object_object_get_ex(process, "capabilities", &caps)) {
                        caps = json_object_new_object();
                        json_object_object_add(process, "capabilities", caps);
                }
                for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
                        struct json_object *list;
                        if (!json_object_object_get_ex(caps, sets[s], &list)) {
                                list = json_object_new_array();
                                json_object_object_add(caps, sets[s], list);
                        }
                        for (size_t i = 0; i < f->caps.len; i++)
                                json_object_array_add(list, json_object_new_string(f->caps.items[i]));
                }
        }
        if (f->no_new_privs)
                json_object_object_add(process, "noNewPrivileges", json_object_new_boolean(true));
        return process;
}

int oci_cmd_exec(struct oci_globals *g, int argc, char **argv, burrow_error **err)
{
        static const struct option options[] = {
            {"process", required_argument, NULL, 'p'},
            {"tty", no_argument, NULL, 't'},
            {"cwd", required_argument, NULL, 'w'},
            {"env", required_argument, NULL, 'e'},
            {"user", required_argument, NULL, 'u'},
            {"additional-gids", required_argument, NULL, 'g'},
            {"cap", required_argument, NULL, 'c'},
            {"no-new-privs", no_argument, NULL, 'N'},
            {"detach", no_argument, NULL, 'd'},
            {"pid-file", required_argument, NULL, 'P'},
            {"console-socket", required_argument, NULL, 'C'},
            {"preserve-fds", required_argument, NULL, 'f'},
            {"process-label", required_argument, NULL, 'L'},
            {"apparmor", required_argument, NULL, 'A'},
            {NULL, 0, NULL, 0},
        };
        struct exec_flags f = {0};
        struct oci_container c = {0};
        struct burrow_spec spec;
        _cleanup_json_ struct json_object *process = NULL;
        bool have_spec = false;
        int opt, code = -1;
        pid_t relay = 0;

        opterr = 0;
        optind = 0;
        while ((opt = getopt_long(argc, argv, "+:p:tw:e:u:g:c:dP:C:", options, NULL)) != -1) {
                switch (opt) {
                case 'p':
                        f.process = optarg;
                        break;
                case 't':
                        f.tty = true;
                        break;
                case 'w':
                        f.cwd = optarg;
                        break;
                case 'e':
                        strv_push(&f.env, optarg);
                        break;
                case 'u':
                        f.user = optarg;
                        break;
                case 'g':
                        strv_push(&f.gids, optarg);
                        break;
                case 'c':
                        strv_push(&f.caps, optarg);
                        break;
                case 'N':
                        f.no_new_privs = true;
                        break;
                case 'd':
                        f.detach = true;
                        break;
                case 'P':
                        f.pid_file = optarg;
                        break;
                case 'C':
                        f.console_socket = optarg;
                        break;
                case 'f': {
                        char *end;
                        long n = strtol(optarg, &end, 10);
                        if (*end || end == optarg || n < 0 || n > 1024) {
                                error_make(err, 0, "invalid --preserve-fds \"%.32s\"", optarg);
                                goto out;
                        }
                        f.preserve_fds = (int)n;
                        break;
                }
                case 'L':
                case 'A':
                        if (optarg[0]) {
                                error_make(err, 0, "exec: --%s is not supported",
                                           opt == 'L' ? "process-label" : "apparmor");
                                goto out;
                        }
                        break;
                default:
                        cli_option_error("oci exec", opt, argv, err);
                        goto out;
                }
        }
        if (optind >= argc || (f.process == NULL && argc - optind < 2)) {
                error_make(err, 0, "exec: usage: exec [OPTIONS] ID (--process FILE | COMMAND [ARG...])");
                goto out;
        }
        if (load_running(g, argv[optind], &c, err) < 0)
                goto out;
        process = f.process ? read_json_file(f.process, err)
                            : process_from_flags(&c, &f, argc - optind - 1, argv + optind + 1, err);
        if (process == NULL)
                goto out;
        have_spec = true;
        if (spec_with(&c, "process", process, &spec, err) < 0)
                goto out;
        spec.oci.preserve_fds = f.preserve_fds;
        {
                unsigned long flags = 0;
                for (size_t i = 0; i < spec.oci.n_namespaces; i++)
                        flags |= (unsigned long)spec.oci.namespaces[i].type;
                _cleanup_close_ int pidfd = ctr_open_init_pidfd(&c.state);
                struct launch_exec x = {.spec = &spec,
                                        .cgroup = c.state.cgroup,
                                        .hostname = spec.hostname,
                                        .ns_pid = c.state.pid,
                                        .ns_pidfd = pidfd,
                                        .ns_flags = flags,
                                        .console_socket = f.console_socket,
                                        .detach = f.detach,
                                        .ret_pid = &relay};
                int status = 0;
                if (pidfd < 0) {
                        error_make(err, 0, "container %s is not running", c.id);
                        goto out;
                }
                if (launch_exec(&x, &status, err) < 0)
                        goto out;
                if (f.pid_file) {
                        _cleanup_free_ char *p = xasprintf("%d", (int)relay);
                        if (oci_write_file_atomic(f.pid_file, p, err) < 0)
                                goto out;
                }
                code = status;
        }
out:
        if (have_spec)
                spec_clear(&spec);
        oci_container_clear(&c);
        strv_clear(&f.env);
        strv_clear(&f.caps);
        strv_clear(&f.gids);
        return code;
}

/* --- ps, pause, resume, update -------------------------------------------------------------------------------- */

/* The container's processes: its cgroup's, or those in its pid namespace. */
static void container_pids(const struct oci_container *c, strv *ret)
{
        _cleanup_free_ char *procs = NULL, *nspath = NULL;
        struct stat want;
        DIR *d;
        struct dirent *e;

        if (c->state.cgroup) {
                _cleanup_free_ char *f = xasprintf("%s/cgroup.procs", c->state.cgroup);
                if (file_read_all(f, 1 << 20, &procs, NULL, NULL) == 0) {
                        for (char *l = strtok(procs, "\n"); l; l = strtok(NULL, "\n"))
                                strv_push(ret, l);
                        return;
                }
        }
        nspath = xasprintf("/proc/%d/ns/pid", (int)c->state.pid);
        if (stat(nspath, &want) < 0)
                return;
        d = opendir("/proc");
        while (d && (e = readdir(d)) != NULL) {
                _cleanup_free_ char *p = NULL;
                struct stat st;
                if (e->d_name[0] < '1' || e->d_name[0] > '9')
                        continue;
                p = xasprintf("/proc/%s/ns/pid", e->d_name);
                if (stat(p, &st) == 0 && st.st_ino == want.st_ino && st.st_dev == want.st_dev)
                        strv_push(ret, e->d_name);
        }
        if (d)
                closedir(d);
}

int oci_cmd_ps(struct oci_globals *g, int argc, char **argv, burrow_error **err)
{
        static const struct option options[] = {{"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
        struct oci_container c;
        _cleanup_strv_ strv pids = {0};
        bool json = false;
        int opt;

        opterr = 0;
        optind = 0;
        while ((opt = getopt_long(argc, argv, "+:f:", options, NULL)) != -1) {
                if (opt != 'f' || (strcmp(optarg, "json") != 0 && strcmp(optarg, "table") != 0))
                        return opt == 'f' ? error_make(err, 0, "ps: --format table or json")
                                          : cli_option_error("oci ps", opt, argv, err);
                json = strcmp(optarg, "json") == 0;
        }
        if (optind >= argc)
                return error_make(err, 0, "ps: a container id is required");
        if (load_running(g, argv[optind], &c, err) < 0)
                return -1;
        container_pids(&c, &pids);
        oci_container_clear(&c);
        if (json) {
                printf("[");
                for (size_t i = 0; i < pids.len; i++)
                        printf("%s%s", i ? "," : "", pids.items[i]);
                printf("]\n");
                return 0;
        }
        printf("%-8s %s\n", "PID", "CMD");
        for (size_t i = 0; i < pids.len; i++) {
                _cleanup_free_ char *path = xasprintf("/proc/%s/cmdline", pids.items[i]), *cmd = NULL;
                size_t len = 0;
                if (file_read_all(path, 4096, &cmd, &len, NULL) < 0)
                        continue;
                for (size_t k = 0; k + 1 < len; k++)
                        if (cmd[k] == '\0')
                                cmd[k] = ' ';
                printf("%-8s %s\n", pids.items[i], cmd);
        }
        return 0;
}

int oci_cmd_pause(struct oci_globals *g, int argc, char **argv, bool pause, burrow_error **err)
{
        struct oci_container c;
        _cleanup_free_ char *f = NULL;
        int r;

        if (argc < 2)
                return error_make(err, 0, "%s: a container id is required", pause ? "pause" : "resume");
        if (load_running(g, argv[1], &c, err) < 0)
                return -1;
        if (c.state.cgroup == NULL) {
                oci_container_clear(&c);
                return error_make(err, 0,
                                  "%s: container %s has no cgroup of its own (it needs a delegated cgroup v2 tree and "
                                  "resource limits; see burrow doctor)",
                                  pause ? "pause" : "resume", argv[1]);
        }
        f = xasprintf("%s/cgroup.freeze", c.state.cgroup);
        r = file_write_string(f, pause ? "1" : "0", err);
        oci_container_clear(&c);
        return r;
}

static int devnum(const char *path, unsigned *major_ret, unsigned *minor_ret)
{
        struct stat st;

        if (stat(path, &st) < 0)
                return -errno;
        if (!S_ISBLK(st.st_mode))
                return -ENOTBLK;
        *major_ret = major(st.st_rdev);
        *minor_ret = minor(st.st_rdev);
        return 0;
}

int oci_cmd_update(struct oci_globals *g, int argc, char **argv, burrow_error **err)
{
        static const struct option options[] = {
            {"resources", required_argument, NULL, 'r'},    {"memory", required_argument, NULL, 'm'},
            {"memory-swap", required_argument, NULL, 's'},  {"memory-reservation", required_argument, NULL, 'R'},
            {"cpu-shares", required_argument, NULL, 'S'},   {"cpu-quota", required_argument, NULL, 'q'},
            {"cpu-period", required_argument, NULL, 'P'},   {"cpuset-cpus", required_argument, NULL, 'c'},
            {"cpuset-mems", required_argument, NULL, 'M'},  {"pids-limit", required_argument, NULL, 'p'},
            {"blkio-weight", required_argument, NULL, 'b'}, {NULL, 0, NULL, 0},
        };
        struct oci_container c = {0};
        struct cgroup_request req = {0};
        struct cgroup_limits limits = {0};
        _cleanup_strv_ strv flags = {0};
        const char *resources = NULL;
        int opt, index, r = -1;

        opterr = 0;
        optind = 0;
        while ((opt = getopt_long(argc, argv, "+:r:", options, &index)) != -1) {
                if (opt == 'r')
                        resources = optarg;
                else if (opt == '?' || opt == ':')
                        return cli_option_error("oci update", opt, argv, err);
                else
                        strv_push_owned(&flags, xasprintf("%s=%s", options[index].name, optarg));
        }
        if (optind >= argc)
                return error_make(err, 0, "update: a container id is required");
        if (load_running(g, argv[optind], &c, err) < 0)
                return -1;
        if (c.state.cgroup == NULL) {
                error_make(err, 0, "update: container %s has no cgroup of its own to update", c.id);
                goto out;
        }
        if (resources) {
                struct burrow_spec spec;
                _cleanup_json_ struct json_object *res = NULL;
                if (strcmp(resources, "-") == 0) {
                        _cleanup_free_ char *text = NULL;
                        if (file_read_all("/dev/stdin", OCI_CONFIG_MAX, &text, NULL, err) < 0)
                                goto out;
                        res = json_tokener_parse(text);
                } else {
                        res = read_json_file(resources, err);
                }
                if (res == NULL) {
                        if (*err == NULL)
                                error_make(err, EINVAL, "update: --resources is not JSON");
                        goto out;
                }
                r = spec_with(&c, "resources", res, &spec, err);
                for (size_t i = 0; r == 0 && i < spec.cgroup_flags.len; i++)
                        strv_push(&flags, spec.cgroup_flags.items[i]);
                spec_clear(&spec);
                if (r < 0)
                        goto out;
                r = -1;
        }
        for (size_t i = 0; i < flags.len; i++) {
                _cleanup_free_ char *flag = xstrdup(flags.items[i]);
                char *value = strchr(flag, '=');
                *value++ = '\0';
                if (cgroup_request_add(&req, flag, value, err) < 0)
                        goto out;
        }
        if (cgroup_limits_build(&req, devnum, &limits, err) < 0)
                goto out;
        for (size_t i = 0; i < limits.n; i++) {
                _cleanup_free_ char *path = xasprintf("%s/%s", c.state.cgroup, limits.writes[i].file);
                if (file_write_string(path, limits.writes[i].value, err) < 0) {
                        if (limits.writes[i].optional && (*err)->errnum == ENOENT) {
                                error_free(err);
                                continue;
                        }
                        error_wrap(err, "update %s", limits.writes[i].file);
                        goto out;
                }
        }
        r = 0;
out:
        cgroup_request_clear(&req);
        cgroup_limits_clear(&limits);
        oci_container_clear(&c);
        return r;
}

/* --- features, spec, --version -------------------------------------------------------------------------------- */

int oci_cmd_features(struct oci_globals *g, int argc, char **argv, burrow_error **err)
{
        (void)g;
        (void)argc;
        (void)argv;
        (void)err;
        /* runtime-spec features.md: what this runtime knows, not what this host allows. */
        printf("{\n"
               "  \"ociVersionMin\": \"1.0.0\",\n"
               "  \"ociVersionMax\": \"1.2.0\",\n"
               "  \"hooks\": [\"prestart\", \"createRuntime\", \"createContainer\", \"startContainer\", \"poststart\", "
               "\"poststop\"],\n"
               "  \"mountOptions\": [\"bind\", \"rbind\", \"ro\", \"rw\", \"nosuid\", \"suid\", \"nodev\", \"dev\", "
               "\"noexec\", \"exec\", \"private\", \"rprivate\", \"slave\", \"rslave\", \"shared\", \"rshared\", "
               "\"size\", \"mode\", \"uid\", \"gid\", \"nr_inodes\"],\n"
               "  \"linux\": {\n"
               "    \"namespaces\": [\"cgroup\", \"ipc\", \"mount\", \"network\", \"pid\", \"user\", \"uts\"],\n"
               "    \"capabilities\": [");
        for (int cap = 0; cap <= CAP_LAST_CAP; cap++) {
                char *name = caps_format(1ULL << cap);
                printf("%s\"%s%s\"", cap ? ", " : "", strncmp(name, "CAP_", 4) == 0 ? "" : "CAP_", name);
                free(name);
        }
        printf("],\n"
               "    \"cgroup\": {\"v1\": false, \"v2\": true, \"systemd\": false, \"systemdUser\": true, \"rdma\": "
               "true},\n"
               "    \"seccomp\": {\"enabled\": true, \"actions\": [\"SCMP_ACT_ALLOW\", \"SCMP_ACT_ERRNO\", "
               "\"SCMP_ACT_KILL\", \"SCMP_ACT_KILL_PROCESS\", \"SCMP_ACT_KILL_THREAD\", \"SCMP_ACT_LOG\", "
               "\"SCMP_ACT_TRAP\", \"SCMP_ACT_TRACE\"], \"operators\": [\"SCMP_CMP_EQ\", \"SCMP_CMP_NE\", "
               "\"SCMP_CMP_LT\", \"SCMP_CMP_LE\", \"SCMP_CMP_GT\", \"SCMP_CMP_GE\", \"SCMP_CMP_MASKED_EQ\"], "
               "\"archs\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]},\n"
               "    \"apparmor\": {\"enabled\": false},\n"
               "    \"selinux\": {\"enabled\": false},\n"
               "    \"intelRdt\": {\"enabled\": false},\n"
               "    \"mountExtensions\": {\"idmap\": {\"enabled\": false}}\n"
               "  },\n"
               "  \"annotations\": {\"org.burrow.version\": \"" BURROW_VERSION "\"}\n"
               "}\n");
        return 0;
}

int oci_cmd_spec(struct oci_globals *g, int argc, char **argv, burrow_error **err)
{
        static const struct option options[] = {
            {"rootless", no_argument, NULL, 'r'}, {"bundle", required_argument, NULL, 'b'}, {NULL, 0, NULL, 0}};
        const char *bundle = ".";
        bool rootless = false;
        _cleanup_free_ char *path = NULL, *text = NULL;
        _cleanup_close_ int fd = -1;
        int opt;

        (void)g;
        opterr = 0;
        optind = 0;
        while ((opt = getopt_long(argc, argv, "+:b:", options, NULL)) != -1) {
                if (opt == 'r')
                        rootless = true;
                else if (opt == 'b')
                        bundle = optarg;
                else
                        return cli_option_error("oci spec", opt, argv, err);
        }
        text = xasprintf(
            "{\n"
            "\t\"ociVersion\": \"1.0.2\",\n"
            "\t\"process\": {\n"
            "\t\t\"terminal\": true,\n"
            "\t\t\"user\": {\"uid\": 0, \"gid\": 0},\n"
            "\t\t\"args\": [\"sh\"],\n"
            "\t\t\"env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\", \"TERM=xterm\"],\n"
            "\t\t\"cwd\": \"/\",\n"
            "\t\t\"capabilities\": {\n"
            "\t\t\t\"bounding\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],\n"
            "\t\t\t\"effective\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],\n"
            "\t\t\t\"permitted\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]\n"
            "\t\t},\n"
            "\t\t\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024}],\n"
            "\t\t\"noNewPrivileges\": true\n"
            "\t},\n"
            "\t\"root\": {\"path\": \"rootfs\", \"readonly\": true},\n"
            "\t\"hostname\": \"burrow\",\n"
            "\t\"mounts\": [\n"
            "\t\t{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},\n"
            "\t\t{\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"nosuid\", "
            "\"strictatime\", \"mode=755\", \"size=65536k\"]},\n"
            "\t\t{\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\", \"options\": "
            "[\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\"]},\n"
            "\t\t{\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\", \"options\": [\"nosuid\", "
            "\"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\"]},\n"
            "\t\t{\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\", \"options\": "
            "[\"nosuid\", \"noexec\", \"nodev\"]},\n"
            "\t\t{\"destination\": \"/sys\", \"type\": \"%s\", \"source\": \"%s\", \"options\": [%s\"nosuid\", "
            "\"noexec\", \"nodev\", \"ro\"]},\n"
            "\t\t{\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\", \"options\": "
            "[\"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\"]}\n"
            "\t],\n"
            "\t\"linux\": {\n"
            "%s"
            "\t\t\"maskedPaths\": [\"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\", "
            "\"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\", \"/proc/sched_debug\", "
            "\"/sys/firmware\", \"/proc/scsi\"],\n"
            "\t\t\"readonlyPaths\": [\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\", "
            "\"/proc/sysrq-trigger\"],\n"
            "\t\t\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"}, {\"type\": "
            "\"uts\"}, {\"type\": \"mount\"}, {\"type\": \"cgroup\"}%s]\n"
            "\t}\n"
            "}\n",
            rootless ? "bind" : "sysfs", rootless ? "/sys" : "sysfs", rootless ? "\"rbind\", " : "",
            rootless ? "\t\t\"uidMappings\": [{\"containerID\": 0, \"hostID\": @UID@, \"size\": 1}],\n"
                       "\t\t\"gidMappings\": [{\"containerID\": 0, \"hostID\": @GID@, \"size\": 1}],\n"
                     : "",
            rootless ? ", {\"type\": \"user\"}" : "");
        /* The caller's own ids in the rootless maps. */
        for (char *at; (at = strstr(text, "@UID@")) || (at = strstr(text, "@GID@"));) {
                bool uid = at[1] == 'U';
                char *more = xasprintf("%.*s%u%s", (int)(at - text), text,
                                       uid ? (unsigned)getuid() : (unsigned)getgid(), at + 5);
                free(text);
                text = more;
        }
        path = xasprintf("%s/config.json", bundle);
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0)
                return error_make(err, errno, "create %s%s", path, errno == EEXIST ? " (it exists already)" : "");
        if (fd_write_all(fd, text, strlen(text)) < 0)
                return error_make(err, errno, "write %s", path);
        return 0;
}

void oci_print_version(void)
{
        const char *xdg = getenv("XDG_RUNTIME_DIR");

        printf("burrow version %s\n"
               "commit: burrow-%s\n"
               "rundir: %s%s\n"
               "spec: 1.2.0\n"
               "+SYSTEMD +CAP +SECCOMP -APPARMOR -SELINUX +CGROUPV2 +USERNS\n",
               BURROW_VERSION, BURROW_VERSION, xdg ? xdg : "/tmp", "/burrow-oci");
}
