/* `burrow oci VERB` and `burrow-oci VERB`: the OCI runtime command line that podman (through conmon), containerd,
 * CRI-O and Slurm drive, on the launcher `burrow run` uses. create leaves the container's first process waiting on
 * ROOT/<id>/exec.fifo before the user process (runc's protocol) and returns; start opens the fifo; the engine (conmon)
 * is the container's parent from then on, so no burrow process stays behind. */
#include "cli/oci.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <dirent.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "container/inspect.h"
#include "launch/hooks.h"
#include "launch/launch.h"
#include "spec/oci.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/fileutil.h"
#include "util/signame.h"

#define DELETE_TIMEOUT_MS 10000

/* An error goes to stderr and, with --log, to the log (a JSON line with --log-format json, as conmon reads it). */
static void report(const struct oci_globals *g, const burrow_error *err)
{
        error_print(err);
        if (g->log) {
                _cleanup_close_ int fd = open(g->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
                char t[64];
                if (fd < 0)
                        return;
                ctr_format_rfc3339(clock_now_ns(CLOCK_REALTIME), t, sizeof(t));
                if (g->log_json) {
                        struct json_object *o = json_object_new_object();
                        json_object_object_add(o, "level", json_object_new_string("error"));
                        json_object_object_add(o, "msg", json_object_new_string(err->msg));
                        json_object_object_add(o, "time", json_object_new_string(t));
                        dprintf(fd, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
                        json_object_put(o);
                } else {
                        dprintf(fd, "%s error: %s\n", t, err->msg);
                }
        }
}

int oci_load_spec(const char *config_path, const char *bundle, const char *id, struct burrow_spec *spec,
                  burrow_error **err)
{
        _cleanup_free_ char *json = NULL;
        size_t len;

        spec_init(spec);
        free(spec->id);
        spec->id = xstrdup(id);
        if (file_read_all(config_path, OCI_CONFIG_MAX, &json, &len, err) < 0)
                return error_wrap(err, "config.json");
        if (oci_config_parse(json, len, bundle, spec, err) < 0)
                return -1;
        /* A network namespace joined by path is the engine's, set up by it: the container only enters it (as with
         * the host's network: no loopback, no sysfs of its own). */
        for (size_t i = 0; i < spec->oci.n_namespaces; i++)
                if (spec->oci.namespaces[i].type == CLONE_NEWNET && spec->oci.namespaces[i].path)
                        spec->network = SPEC_NETWORK_HOST;
        /* The process is PID 1, as with runc and crun; nothing is added that config.json did not ask for. */
        spec->init = false;
        spec->quiet = true;
        /* linux.devices: no mknod in a user namespace; the host's node is bound where it exists. */
        for (size_t i = 0; i < spec->oci.n_devices; i++) {
                struct spec_device *d = &spec->oci.devices[i];
                struct spec_mount m = {.type = SPEC_MOUNT_BIND};
                if (access(d->path, F_OK) < 0)
                        return error_make(err, errno, "linux.devices: %s does not exist on the host to bind", d->path);
                m.source = xstrdup(d->path);
                m.destination = xstrdup(d->path);
                spec_add_mount(spec, &m);
        }
        return spec_validate(spec, err);
}

/* --- create, run ---------------------------------------------------------------------------------------------- */

struct create_options {
        const char *bundle;
        const char *pid_file;
        const char *console_socket;
        int preserve_fds;
        bool detach;
};

static int parse_create(const char *verb, int argc, char **argv, struct create_options *o, const char **ret_id,
                        burrow_error **err)
{
        static const struct option options[] = {
            {"bundle", required_argument, NULL, 'b'},
            {"pid-file", required_argument, NULL, 'p'},
            {"console-socket", required_argument, NULL, 'c'},
            {"preserve-fds", required_argument, NULL, 'f'},
            {"detach", no_argument, NULL, 'd'},
            {"no-pivot", no_argument, NULL, 'P'},
            {"no-new-keyring", no_argument, NULL, 'K'},
            {"no-subreaper", no_argument, NULL, 'S'},
            {"keep", no_argument, NULL, 'k'},
            {NULL, 0, NULL, 0},
        };
        int opt;

        o->bundle = ".";
        opterr = 0;
        optind = 0;
        while ((opt = getopt_long(argc, argv, "+:b:d", options, NULL)) != -1) {
                switch (opt) {
                case 'b':
                        o->bundle = optarg;
                        break;
                case 'p':
                        o->pid_file = optarg;
                        break;
                case 'c':
                        o->console_socket = optarg;
                        break;
                case 'f': {
                        char *end;
                        long n = strtol(optarg, &end, 10);
                        if (*end || end == optarg || n < 0 || n > 1024)
                                return error_make(err, 0, "invalid --preserve-fds \"%.32s\"", optarg);
                        o->preserve_fds = (int)n;
                        break;
                }
                case 'd':
                        o->detach = true;
                        break;
                case 'P': /* pivot_root works in a user namespace; nothing else is needed */
                case 'K': /* no session keyring is made anyway */
                case 'S':
                case 'k':
                        break;
                default:
                        return cli_option_error(verb, opt, argv, err);
                }
        }
        if (argc - optind != 1)
                return error_make(err, 0, "%s: exactly one container id is required", verb);
        *ret_id = argv[optind];
        return oci_id_check(*ret_id, err);
}

static void remove_cgroup(const char *cgroup);

/* create: the container set up and waiting on its exec fifo; state, config copy and pid file written. With
 * ret_status (run in the foreground): no fifo, this process stays the container's parent (its terminal relayed to
 * ours, signals forwarded, as burrow run) and *ret_status is the process's exit status. */
static int create(struct oci_globals *g, const char *id, const struct create_options *o, pid_t *ret_pid,
                  int *ret_status, burrow_error **err)
{
        struct burrow_spec spec;
        struct oci_container c = {0};
        _cleanup_free_ char *bundle = realpath(o->bundle, NULL), *config = NULL, *fifo = NULL, *copy = NULL;
        _cleanup_free_ char *text = NULL, *cgroup = NULL;
        struct ctr_state st = {.status = CTR_CREATED};
        pid_t pid = 0;
        int code, r = -1;
        bool have_dir = false;

        spec_init(&spec);
        if (bundle == NULL)
                return error_make(err, errno, "--bundle %s", o->bundle);
        config = xasprintf("%s/config.json", bundle);
        c.id = xstrdup(id);
        c.dir = xasprintf("%s/%s", g->state_root, id);
        c.bundle = xstrdup(bundle);
        c.created_ns = clock_now_ns(CLOCK_REALTIME);
        spec_clear(&spec);
        if (oci_load_spec(config, bundle, id, &spec, err) < 0)
                goto out;
        /* As runc: a detached container's terminal must go somewhere. */
        if (spec.tty && o->console_socket == NULL && ret_status == NULL) {
                error_make(err, 0, "process.terminal is true: --console-socket is required");
                goto out;
        }
        if (mkdir(c.dir, 0700) < 0) {
                if (errno == EEXIST)
                        error_make(err, EEXIST, "container %s already exists", id);
                else
                        error_make(err, errno, "create %s", c.dir);
                goto out;
        }
        have_dir = true;
        for (size_t i = 0; i < spec.oci.annotations.len; i++)
                strv_push(&c.annotations, spec.oci.annotations.items[i]);
        copy = xasprintf("%s/config.json", c.dir);
        if (file_read_all(config, OCI_CONFIG_MAX, &text, NULL, err) < 0 || oci_write_file_atomic(copy, text, err) < 0 ||
            oci_container_write_record(&c, err) < 0)
                goto out;
        if (o->preserve_fds > 0)
                spec.oci.preserve_fds = o->preserve_fds;
        if (ret_status) {
                struct launch_options lo = {.state_dir = c.dir,
                                            .ready_fd = -1,
                                            .console_socket = o->console_socket,
                                            .pid_file = o->pid_file,
                                            .ret_pid = &pid};
                if (launch_run(&spec, &lo, ret_status, err) < 0)
                        goto out;
                *ret_pid = pid;
                r = 0;
                goto out;
        }
        fifo = xasprintf("%s/exec.fifo", c.dir);
        if (mkfifo(fifo, 0600) < 0) {
                error_make(err, errno, "create %s", fifo);
                goto out;
        }
        {
                struct launch_options lo = {.ready_fd = -1,
                                            .exec_fifo = fifo,
                                            .console_socket = o->console_socket,
                                            .release = true,
                                            .ret_pid = &pid,
                                            .ret_cgroup = &cgroup};
                if (launch_run(&spec, &lo, &code, err) < 0)
                        goto out;
        }
        st.pid = pid;
        st.pid_start = ctr_process_start_time(pid);
        st.boot_id = ctr_boot_id();
        st.supervisor_pid = 0;
        st.started_ns = clock_now_ns(CLOCK_REALTIME);
        st.cgroup = steal_pointer(&cgroup);
        if (ctr_state_write(c.dir, &st, err) < 0)
                goto kill;
        if (o->pid_file) {
                _cleanup_free_ char *p = xasprintf("%d", (int)pid);
                if (oci_write_file_atomic(o->pid_file, p, err) < 0)
                        goto kill;
        }
        *ret_pid = pid;
        r = 0;
        goto out;
kill:
        /* Released already: the process and its cgroup are ours to undo. */
        {
                _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
                if (pidfd >= 0) {
                        struct pollfd p = {.fd = pidfd, .events = POLLIN};
                        syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
                        (void)poll(&p, 1, DELETE_TIMEOUT_MS);
                }
                remove_cgroup(st.cgroup);
        }
out:
        if (r < 0 && have_dir)
                oci_container_remove_dir(c.dir);
        ctr_state_clear(&st);
        oci_container_clear(&c);
        spec_clear(&spec);
        return r;
}

/* start: open the fifo the container's process waits on, and let it go. */
static int start(struct oci_globals *g, const char *id, burrow_error **err)
{
        struct oci_container c;
        _cleanup_free_ char *fifo = NULL;
        _cleanup_close_ int fd = -1;
        char byte;
        int r = -1;

        if (oci_container_load(g->state_root, id, &c, err) < 0)
                return -1;
        if (c.status != OCI_CREATED) {
                error_make(err, 0, "container %s is %s, not created", id, oci_status_name(c.status));
                goto out;
        }
        fifo = xasprintf("%s/exec.fifo", c.dir);
        fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
                error_make(err, errno, "open %s", fifo);
                goto out;
        }
        /* The process opens its end for writing and writes one byte; meanwhile it must stay alive. */
        for (;;) {
                struct pollfd p = {.fd = fd, .events = POLLIN};
                ssize_t n;
                int pidfd;
                if (poll(&p, 1, 100) > 0) {
                        n = read(fd, &byte, 1);
                        if (n == 1)
                                break;
                }
                pidfd = ctr_open_init_pidfd(&c.state);
                if (pidfd < 0) {
                        error_make(err, 0, "container %s exited before it was started", id);
                        goto out;
                }
                close(pidfd);
        }
        unlink(fifo);
        c.state.status = CTR_RUNNING;
        if (ctr_state_write(c.dir, &c.state, err) < 0)
                goto out;
        r = 0;
        /* poststart: after the user process runs; a failure is a warning (runtime-spec). */
        {
                struct burrow_spec spec;
                _cleanup_free_ char *copy = xasprintf("%s/config.json", c.dir);
                burrow_error *e = NULL;
                if (oci_load_spec(copy, c.bundle, id, &spec, &e) == 0 && spec.oci.n_hooks[SPEC_HOOK_POSTSTART] > 0) {
                        _cleanup_free_ char *state = hooks_state_json(&spec, "running", c.state.pid);
                        if (hooks_run(&spec.oci, SPEC_HOOK_POSTSTART, state, &e) < 0)
                                fprintf(stderr, "burrow: warning: %s\n", e->msg);
                }
                error_free(&e);
                spec_clear(&spec);
        }
out:
        oci_container_clear(&c);
        return r;
}

/* --- delete, kill, state, list -------------------------------------------------------------------------------- */

static int wait_gone(const struct ctr_state *st, int timeout_ms)
{
        int pidfd = ctr_open_init_pidfd(st);
        struct pollfd p;
        int n;

        if (pidfd < 0)
                return 0;
        p = (struct pollfd){.fd = pidfd, .events = POLLIN};
        n = poll(&p, 1, timeout_ms);
        close(pidfd);
        return n > 0 ? 0 : -1;
}

/* The container's cgroup goes last: cgroup.kill takes whatever the init left (and a frozen cgroup with it). */
static void remove_cgroup(const char *cgroup)
{
        _cleanup_free_ char *kill_file = NULL, *freeze = NULL;

        if (cgroup == NULL)
                return;
        kill_file = xasprintf("%s/cgroup.kill", cgroup);
        freeze = xasprintf("%s/cgroup.freeze", cgroup);
        for (int i = 0; i < 100 && rmdir(cgroup) < 0 && errno == EBUSY; i++) {
                file_write_string(kill_file, "1", NULL);
                file_write_string(freeze, "0", NULL);
                usleep(10000);
        }
}

static int delete_container(struct oci_globals *g, const char *id, bool force, burrow_error **err)
{
        struct oci_container c;
        struct burrow_spec spec;
        _cleanup_free_ char *copy = NULL;
        bool have_spec;
        int pidfd;

        if (oci_container_load(g->state_root, id, &c, err) < 0) {
                /* --force: a container that is not there is deleted (runc and crun). */
                if (force && (*err)->errnum == -ENOENT) {
                        error_free(err);
                        return 0;
                }
                return -1;
        }
        if ((c.status == OCI_RUNNING || c.status == OCI_PAUSED) && !force) {
                error_make(err, 0, "cannot delete container %s that is %s: stop it first, or use --force", id,
                           oci_status_name(c.status));
                oci_container_clear(&c);
                return -1;
        }
        pidfd = ctr_open_init_pidfd(&c.state);
        if (pidfd >= 0) {
                syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
                close(pidfd);
                if (c.state.cgroup) {
                        _cleanup_free_ char *f = xasprintf("%s/cgroup.freeze", c.state.cgroup);
                        file_write_string(f, "0", NULL);
                }
                if (wait_gone(&c.state, DELETE_TIMEOUT_MS) < 0) {
                        error_make(err, ETIMEDOUT, "container %s did not die after SIGKILL", id);
                        oci_container_clear(&c);
                        return -1;
                }
        }
        remove_cgroup(c.state.cgroup);
        copy = xasprintf("%s/config.json", c.dir);
        have_spec = oci_load_spec(copy, c.bundle, id, &spec, NULL) == 0;
        oci_container_remove_dir(c.dir);
        /* poststop: after the container is gone; a failure is a warning. */
        if (have_spec && spec.oci.n_hooks[SPEC_HOOK_POSTSTOP] > 0) {
                _cleanup_free_ char *state = hooks_state_json(&spec, "stopped", 0);
                burrow_error *e = NULL;
                if (hooks_run(&spec.oci, SPEC_HOOK_POSTSTOP, state, &e) < 0) {
                        fprintf(stderr, "burrow: warning: %s\n", e->msg);
                        error_free(&e);
                }
        }
        if (have_spec)
                spec_clear(&spec);
        oci_container_clear(&c);
        return 0;
}

static int kill_container(struct oci_globals *g, const char *id, int sig, bool all, burrow_error **err)
{
        struct oci_container c;
        int pidfd, r = 0;

        if (oci_container_load(g->state_root, id, &c, err) < 0)
                return -1;
        if (c.status == OCI_STOPPED || c.status == OCI_CREATING) {
                r = error_make(err, 0, "container %s is not running", id);
                goto out;
        }
        /* --all: every process of the container, through its cgroup when it has one. */
        if (all && c.state.cgroup && sig == SIGKILL) {
                _cleanup_free_ char *f = xasprintf("%s/cgroup.kill", c.state.cgroup);
                if (file_write_string(f, "1", NULL) == 0)
                        goto out;
        }
        if (all && c.state.cgroup) {
                _cleanup_free_ char *f = xasprintf("%s/cgroup.procs", c.state.cgroup), *procs = NULL;
                if (file_read_all(f, 1 << 20, &procs, NULL, NULL) == 0)
                        for (char *line = strtok(procs, "\n"); line; line = strtok(NULL, "\n"))
                                kill(atoi(line), sig);
        }
        pidfd = ctr_open_init_pidfd(&c.state);
        if (pidfd < 0) {
                r = error_make(err, 0, "container %s is not running", id);
                goto out;
        }
        if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
                r = error_make(err, errno, "kill container %s", id);
        close(pidfd);
out:
        oci_container_clear(&c);
        return r;
}

static int list(struct oci_globals *g, int argc, char **argv, burrow_error **err)
{
        static const struct option options[] = {
            {"format", required_argument, NULL, 'f'}, {"quiet", no_argument, NULL, 'q'}, {NULL, 0, NULL, 0}};
        bool json = false, quiet = false;
        _cleanup_strv_ strv ids = {0};
        struct json_object *all;
        DIR *d;
        struct dirent *e;
        int opt;

        opterr = 0;
        optind = 0;
        while ((opt = getopt_long(argc, argv, ":f:q", options, NULL)) != -1) {
                if (opt == 'f' && (strcmp(optarg, "json") == 0 || strcmp(optarg, "table") == 0))
                        json = strcmp(optarg, "json") == 0;
                else if (opt == 'f')
                        return error_make(err, 0, "list: invalid --format \"%.32s\": table or json", optarg);
                else if (opt == 'q')
                        quiet = true;
                else
                        return cli_option_error("oci list", opt, argv, err);
        }
        d = opendir(g->state_root);
        if (d == NULL)
                return error_make(err, errno, "open %s", g->state_root);
        while ((e = readdir(d)) != NULL)
                if (e->d_name[0] != '.' && oci_id_check(e->d_name, NULL) == 0)
                        strv_push(&ids, e->d_name);
        closedir(d);
        all = json_object_new_array();
        if (!json && !quiet)
                printf("%-12s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
        for (size_t i = 0; i < ids.len; i++) {
                struct oci_container c;
                burrow_error *e2 = NULL;
                if (oci_container_load(g->state_root, ids.items[i], &c, &e2) < 0) {
                        error_free(&e2);
                        continue;
                }
                if (json) {
                        _cleanup_free_ char *s = oci_state_json(&c, false);
                        json_object_array_add(all, json_tokener_parse(s));
                } else if (quiet) {
                        printf("%s\n", c.id);
                } else {
                        char t[64];
                        bool alive = c.status != OCI_STOPPED && c.status != OCI_CREATING;
                        ctr_format_rfc3339(c.created_ns, t, sizeof(t));
                        printf("%-12s %-8d %-10s %-40s %-30s %s\n", c.id, alive ? c.state.pid : 0,
                               oci_status_name(c.status), c.bundle, t, getenv("USER") ? getenv("USER") : "");
                }
                oci_container_clear(&c);
        }
        if (json)
                printf("%s\n",
                       json_object_to_json_string_ext(all, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(all);
        return 0;
}

/* --- the verbs ------------------------------------------------------------------------------------------------ */

static int one_id(const char *verb, int argc, char **argv, int first, const char **ret, burrow_error **err)
{
        if (argc - first < 1)
                return error_make(err, 0, "%s: a container id is required", verb);
        *ret = argv[first];
        return oci_id_check(*ret, err);
}

static int cmd_run(struct oci_globals *g, int argc, char **argv, burrow_error **err)
{
        struct create_options o = {0};
        const char *id = NULL;
        pid_t pid = 0;
        int status;

        if (parse_create("run", argc, argv, &o, &id, err) < 0)
                return -1;
        /* In the foreground: create and run in one, this process the container's parent; then delete. */
        if (!o.detach) {
                burrow_error *e = NULL;
                if (create(g, id, &o, &pid, &status, err) < 0)
                        return -1;
                delete_container(g, id, true, &e);
                error_free(&e);
                return status;
        }
        if (create(g, id, &o, &pid, NULL, err) < 0)
                return -1;
        if (start(g, id, err) < 0) {
                burrow_error *e = NULL;
                delete_container(g, id, true, &e);
                error_free(&e);
                return -1;
        }
        return 0;
}

static int cmd_create(struct oci_globals *g, int argc, char **argv, burrow_error **err)
{
        struct create_options o = {0};
        const char *id = NULL;
        pid_t pid;

        if (parse_create("create", argc, argv, &o, &id, err) < 0)
                return -1;
        return create(g, id, &o, &pid, NULL, err);
}

static int cmd_start(struct oci_globals *g, int argc, char **argv, burrow_error **err)
{
        const char *id = NULL;

        if (one_id("start", argc, argv, 1, &id, err) < 0)
                return -1;
        return start(g, id, err);
}

static int cmd_state(struct oci_globals *g, int argc, char **argv, burrow_error **err)
{
        struct oci_container c;
        const char *id = NULL;
        char *text;

        if (one_id("state", argc, argv, 1, &id, err) < 0 || oci_container_load(g->state_root, id, &c, err) < 0)
                return -1;
        text = oci_state_json(&c, true);
        printf("%s\n", text);
        free(text);
        oci_container_clear(&c);
        return 0;
}

static int cmd_delete(struct oci_globals *g, int argc, char **argv, burrow_error **err)
{
        static const struct option options[] = {{"force", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
        bool force = false;
        int opt;

        opterr = 0;
        optind = 0;
        while ((opt = getopt_long(argc, argv, "+:f", options, NULL)) != -1) {
                if (opt != 'f')
                        return cli_option_error("oci delete", opt, argv, err);
                force = true;
        }
        if (argc - optind < 1)
                return error_make(err, 0, "delete: a container id is required");
        for (int i = optind; i < argc; i++)
                if (delete_container(g, argv[i], force, err) < 0)
                        return -1;
        return 0;
}

static int cmd_kill(struct oci_globals *g, int argc, char **argv, burrow_error **err)
{
        static const struct option options[] = {{"all", no_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};
        bool all = false;
        int opt, sig = SIGTERM;

        opterr = 0;
        optind = 0;
        while ((opt = getopt_long(argc, argv, "+:a", options, NULL)) != -1) {
                if (opt != 'a')
                        return cli_option_error("oci kill", opt, argv, err);
                all = true;
        }
        if (argc - optind < 1 || argc - optind > 2)
                return error_make(err, 0, "kill: usage: kill [--all] ID [SIGNAL]");
        if (oci_id_check(argv[optind], err) < 0)
                return -1;
        if (argc - optind == 2 && signame_parse(argv[optind + 1], &sig, err) < 0)
                return -1;
        return kill_container(g, argv[optind], sig, all, err);
}

static void usage(void)
{
        printf("Usage: burrow oci [GLOBAL OPTIONS] COMMAND [OPTIONS] ID\n"
               "       burrow-oci [GLOBAL OPTIONS] COMMAND [OPTIONS] ID\n"
               "\n"
               "The OCI runtime command line (as runc and crun), for engines: podman --runtime, containerd, CRI-O,\n"
               "Slurm. See burrow-oci(1).\n"
               "\n"
               "Commands: create, start, run, state, kill, delete, exec, ps, list, pause, resume, update, features,\n"
               "          spec\n"
               "\n"
               "Global options: --root DIR, --log FILE, --log-format text|json, --systemd-cgroup, --debug,\n"
               "                --rootless, --version, --help\n");
}

static const struct {
        const char *name;
        int (*fn)(struct oci_globals *g, int argc, char **argv, burrow_error **err);
} verbs[] = {
    {"create", cmd_create},
    {"start", cmd_start},
    {"run", cmd_run},
    {"state", cmd_state},
    {"delete", cmd_delete},
    {"kill", cmd_kill},
    {"list", list},
    {"exec", oci_cmd_exec},
    {"ps", oci_cmd_ps},
    {"update", oci_cmd_update},
    {"features", oci_cmd_features},
    {"spec", oci_cmd_spec},
};

int cli_oci(int argc, char **argv)
{
        static const struct option options[] = {
            {"root", required_argument, NULL, 'r'},
            {"log", required_argument, NULL, 'l'},
            {"log-format", required_argument, NULL, 'F'},
            {"systemd-cgroup", no_argument, NULL, 's'},
            {"debug", no_argument, NULL, 'd'},
            {"rootless", optional_argument, NULL, 'R'},
            {"cgroup-manager", required_argument, NULL, 'C'},
            {"version", no_argument, NULL, 'v'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        struct oci_globals g = {0};
        _cleanup_error_ burrow_error *err = NULL;
        int opt, code = OCI_EXIT_FAILURE;
        const char *verb;

        opterr = 0;
        optind = 0;
        while ((opt = getopt_long(argc, argv, "+:vh", options, NULL)) != -1) {
                switch (opt) {
                case 'r':
                        g.root = optarg;
                        break;
                case 'l':
                        g.log = optarg;
                        break;
                case 'F':
                        if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0) {
                                error_make(&err, 0, "invalid --log-format \"%.32s\": text or json", optarg);
                                goto fail;
                        }
                        g.log_json = strcmp(optarg, "json") == 0;
                        break;
                case 's':
                        g.systemd_cgroup = true;
                        break;
                case 'd':
                case 'R':
                case 'C':
                        g.debug |= opt == 'd';
                        break;
                case 'v':
                        oci_print_version();
                        return 0;
                case 'h':
                        usage();
                        return 0;
                default:
                        cli_option_error("oci", opt, argv, &err);
                        goto fail;
                }
        }
        if (optind >= argc) {
                usage();
                return OCI_EXIT_FAILURE;
        }
        verb = argv[optind];
        if (strcmp(verb, "pause") == 0 || strcmp(verb, "resume") == 0) {
                if (oci_state_root(g.root, &g.state_root, &err) < 0)
                        goto fail;
                code = oci_cmd_pause(&g, argc - optind, argv + optind, verb[0] == 'p', &err) < 0 ? OCI_EXIT_FAILURE : 0;
                goto done;
        }
        for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
                if (strcmp(verb, verbs[i].name) != 0)
                        continue;
                if (strcmp(verb, "features") != 0 && strcmp(verb, "spec") != 0 &&
                    oci_state_root(g.root, &g.state_root, &err) < 0)
                        goto fail;
                code = verbs[i].fn(&g, argc - optind, argv + optind, &err);
                if (code < 0)
                        code = OCI_EXIT_FAILURE;
                else if (err)
                        code = OCI_EXIT_FAILURE;
                goto done;
        }
        error_make(&err, 0, "oci: unknown command \"%.64s\" (see 'burrow oci --help')", verb);
        goto fail;
done:
        if (err) {
                report(&g, err);
                if (code == 0)
                        code = OCI_EXIT_FAILURE;
        }
        free(g.state_root);
        return code;
fail:
        report(&g, err);
        free(g.state_root);
        return OCI_EXIT_FAILURE;
}
