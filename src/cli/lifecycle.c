/* `burrow stop`, `kill`, `wait`, `rm`, `start`, `inspect` and `container prune`: docker's and podman's semantics, no
 * daemon. Signals go to the container's init through a pidfd that is checked to be it (container/record.h), so
 * that a recycled pid is never hit. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/containers.h"
#include "container/inspect.h"
#include "container/supervisor.h"
#include "image/store.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/signame.h"

/* How long a supervisor may take to tear a container down (helpers, mounts, cgroup) once its workload is gone. */
#define TEARDOWN_TIMEOUT_MS 30000
/* docker's default grace period for stop. */
#define STOP_TIMEOUT_DEFAULT 10

static bool running(const struct cli_container *c)
{
        return c->state.status == CTR_RUNNING || c->state.status == CTR_STOPPING;
}

/* Waits for the supervisor to finish (its directory lock free); timeout_ms < 0 waits for ever. */
static int wait_supervisor(const char *dir, int timeout_ms, burrow_error **err)
{
        _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0)
                return errno == ENOENT ? 0 : error_make(err, errno, "open %s", dir);
        if (timeout_ms < 0) {
                while (flock(fd, LOCK_SH) < 0)
                        if (errno != EINTR)
                                return error_make(err, errno, "wait for the container");
                return 0;
        }
        for (int waited = 0; flock(fd, LOCK_SH | LOCK_NB) < 0; waited += 10) {
                if (errno != EWOULDBLOCK)
                        return error_make(err, errno, "wait for the container");
                if (waited >= timeout_ms)
                        return error_make(err, ETIMEDOUT, "the container's supervisor did not finish");
                usleep(10000);
        }
        return 0;
}

/* Sends sig to the container's init. ESRCH: it is gone already. */
static int signal_container(const struct cli_container *c, int sig, int *ret_pidfd)
{
        int pidfd = ctr_open_init_pidfd(&c->state);

        if (pidfd < 0)
                return pidfd;
        if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0) {
                int e = errno;
                close(pidfd);
                return -e;
        }
        if (ret_pidfd)
                *ret_pidfd = pidfd;
        else
                close(pidfd);
        return 0;
}

/* stop: StopSignal, the grace period, SIGKILL; then the supervisor's teardown. */
static int stop_one(const struct cli_container *c, int timeout_s, burrow_error **err)
{
        struct json_object *config, *v;
        int sig = SIGTERM, pidfd = -1, r;

        if (!running(c))
                return 0;
        if (c->rec.inspect && json_object_object_get_ex(c->rec.inspect, "Config", &config) &&
            json_object_object_get_ex(config, "StopSignal", &v) &&
            signame_parse(json_object_get_string(v), &sig, NULL) < 0)
                sig = SIGTERM;
        r = signal_container(c, timeout_s == 0 ? SIGKILL : sig, &pidfd);
        if (r == 0) {
                struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
                int n;
                do
                        n = poll(&pfd, 1, timeout_s * 1000);
                while (n < 0 && errno == EINTR);
                if (n == 0)
                        syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
                close(pidfd);
        } else if (r != -ESRCH) {
                return error_make(err, -r, "signal the container %s", c->rec.name);
        }
        return wait_supervisor(c->dir, TEARDOWN_TIMEOUT_MS, err);
}

typedef int (*container_action)(const char *root, const char *arg, void *opts, burrow_error **err);

/* Runs an action for every argument; each error is printed, the exit code is 125 if any failed (podman goes on with
 * the others too). */
static int for_each_arg(int argc, char **argv, int first, container_action fn, void *opts)
{
        _cleanup_error_ burrow_error *err = NULL;
        _cleanup_free_ char *root = NULL;
        int code = 0;

        if (cli_store_root_path(&root, &err) < 0) {
                error_print(err);
                return EXIT_BURROW_FAILURE;
        }
        for (int i = first; i < argc; i++) {
                if (fn(root, argv[i], opts, &err) < 0) {
                        error_print(err);
                        error_free(&err);
                        code = EXIT_BURROW_FAILURE;
                }
        }
        return code;
}

/* The usual option loop of these commands: short options `shorts`, --help prints usage. Returns 1 after --help, -1
 * on errors (printed), 0 otherwise. */
static int parse_options(const char *command, const char *usage, int argc, char **argv, const char *shorts,
                         const struct option *options,
                         int (*handle)(int opt, const char *arg, void *o, burrow_error **err), void *o, bool need_args)
{
        _cleanup_error_ burrow_error *err = NULL;
        int opt;

        opterr = 0;
        optind = 0; /* 0: glibc re-initializes (and reads a "+" again) */
        while ((opt = getopt_long(argc, argv, shorts, options, NULL)) != -1) {
                if (opt == 'H') {
                        fputs(usage, stdout);
                        return 1;
                }
                if (opt == '?' || opt == ':') {
                        cli_option_error(command, opt, argv, &err);
                        error_print(err);
                        return -1;
                }
                if (handle(opt, optarg, o, &err) < 0) {
                        error_print(err);
                        return -1;
                }
        }
        if (need_args && optind >= argc) {
                error_make(&err, 0, "%s: no container given (see 'burrow %s --help')", command, command);
                error_print(err);
                return -1;
        }
        return 0;
}

static int parse_seconds(const char *flag, const char *arg, int *ret, burrow_error **err)
{
        char *end;
        long v;

        errno = 0;
        v = strtol(arg, &end, 10);
        /* At most about 23 days: the grace period goes to poll(2) in milliseconds, an int. */
        if (errno || *end || end == arg || v < 0 || v > 2000000)
                return error_make(err, 0, "invalid %s \"%.32s\": expected a number of seconds", flag, arg);
        *ret = (int)v;
        return 0;
}

/* ---- stop ---- */

struct stop_options {
        int timeout;
        bool timeout_set;
};

static int stop_option(int opt, const char *arg, void *p, burrow_error **err)
{
        struct stop_options *o = p;

        o->timeout_set = true;
        (void)opt;
        return parse_seconds("--time", arg, &o->timeout, err);
}

static int stop_action(const char *root, const char *arg, void *p, burrow_error **err)
{
        struct stop_options *o = p;
        struct cli_container c;
        int r;

        if (cli_container_find(root, arg, &c, err) < 0)
                return -1;
        r = stop_one(&c, o->timeout, err);
        cli_container_clear(&c);
        if (r == 0)
                printf("%s\n", arg);
        return r;
}

int cli_stop(int argc, char **argv)
{
        static const struct option options[] = {
            {"time", required_argument, NULL, 't'},
            {"timeout", required_argument, NULL, 't'},
            {"help", no_argument, NULL, 'H'},
            {NULL, 0, NULL, 0},
        };
        struct stop_options o = {.timeout = STOP_TIMEOUT_DEFAULT};
        int r = parse_options("stop",
                              "Usage: burrow stop [-t SECONDS] CONTAINER...\n\n"
                              "Stop running containers: the image's StopSignal (or --stop-signal, else SIGTERM), then\n"
                              "SIGKILL after the grace period.\n\n"
                              "Options:\n"
                              "  -t, --time SECONDS   grace period before SIGKILL (default 10; 0 kills at once)\n"
                              "      --help           this text\n",
                              argc, argv, ":t:", options, stop_option, &o, true);

        if (r != 0)
                return r > 0 ? 0 : EXIT_BURROW_FAILURE;
        return for_each_arg(argc, argv, optind, stop_action, &o);
}

/* ---- kill ---- */

static int kill_option(int opt, const char *arg, void *p, burrow_error **err)
{
        (void)opt;
        return signame_parse(arg, p, err) < 0 ? error_wrap(err, "--signal") : 0;
}

static int kill_action(const char *root, const char *arg, void *p, burrow_error **err)
{
        struct cli_container c;
        int r = 0;

        if (cli_container_find(root, arg, &c, err) < 0)
                return -1;
        if (!running(&c))
                r = error_make(err, 0, "container %s is not running", c.rec.name);
        else if ((r = signal_container(&c, *(int *)p, NULL)) < 0)
                r = r == -ESRCH ? error_make(err, 0, "container %s is not running", c.rec.name)
                                : error_make(err, -r, "signal the container %s", c.rec.name);
        cli_container_clear(&c);
        if (r == 0)
                printf("%s\n", arg);
        return r;
}

int cli_kill(int argc, char **argv)
{
        static const struct option options[] = {
            {"signal", required_argument, NULL, 's'},
            {"help", no_argument, NULL, 'H'},
            {NULL, 0, NULL, 0},
        };
        int sig = SIGKILL;
        int r = parse_options("kill",
                              "Usage: burrow kill [-s SIGNAL] CONTAINER...\n\n"
                              "Send a signal to the containers' main process (through burrow's init).\n\n"
                              "Options:\n"
                              "  -s, --signal SIGNAL   name or number (default KILL)\n"
                              "      --help            this text\n",
                              argc, argv, ":s:", options, kill_option, &sig, true);

        if (r != 0)
                return r > 0 ? 0 : EXIT_BURROW_FAILURE;
        return for_each_arg(argc, argv, optind, kill_action, &sig);
}

/* ---- wait ---- */

static int no_option(int opt, const char *arg, void *p, burrow_error **err)
{
        (void)opt;
        (void)arg;
        (void)p;
        (void)err;
        return 0;
}

static int wait_action(const char *root, const char *arg, void *p, burrow_error **err)
{
        struct cli_container c;
        int r;

        (void)p;
        if (cli_container_find(root, arg, &c, err) < 0)
                return -1;
        r = wait_supervisor(c.dir, -1, err);
        if (r == 0) {
                struct cli_container now;
                if (cli_container_find(root, c.id, &now, err) == 0) {
                        printf("%d\n", now.state.exit_code);
                        cli_container_clear(&now);
                } else {
                        /* Removed when it ended (--rm): its supervisor left the exit code in the runtime directory. */
                        _cleanup_free_ char *rt = NULL, *path = NULL, *text = NULL;
                        error_free(err);
                        if (ctr_runtime_dir(&rt, NULL) == 0)
                                path = xasprintf("%s/exits/%s", rt, c.id);
                        if (path && file_read_all(path, 16, &text, NULL, NULL) == 0)
                                printf("%d\n", atoi(text));
                        else
                                printf("-1\n");
                }
        }
        cli_container_clear(&c);
        return r;
}

int cli_wait(int argc, char **argv)
{
        static const struct option options[] = {{"help", no_argument, NULL, 'H'}, {NULL, 0, NULL, 0}};
        int r = parse_options("wait",
                              "Usage: burrow wait CONTAINER...\n\n"
                              "Wait for containers to end and print their exit codes.\n",
                              argc, argv, ":", options, no_option, NULL, true);

        if (r != 0)
                return r > 0 ? 0 : EXIT_BURROW_FAILURE;
        return for_each_arg(argc, argv, optind, wait_action, NULL);
}

/* ---- rm, container prune ---- */

struct rm_options {
        bool force, all, volumes;
        int timeout;
};

static int rm_option(int opt, const char *arg, void *p, burrow_error **err)
{
        struct rm_options *o = p;

        switch (opt) {
        case 'f':
                o->force = true;
                return 0;
        case 'a':
                o->all = true;
                return 0;
        case 'v':
                o->volumes = true;
                return 0;
        case 't':
                return parse_seconds("--time", arg, &o->timeout, err);
        }
        return 0;
}

/* Removes a container that does not run: under the store lock, with the container's own lock (so that a `start`
 * racing with us loses, or we do). */
static int remove_stopped(const char *root, const struct cli_container *c, burrow_error **err)
{
        image_store *store = NULL;
        struct image_container ic = {.lock_fd = -1};
        _cleanup_free_ char *rt = NULL;

        if (cli_open_store(true, &store, err) < 0)
                return -1;
        if (image_container_open(store, c->id, true, &ic, err) < 0) {
                store_close(store);
                if ((*err)->errnum == EBUSY)
                        return error_make(err, EBUSY, "container %s is running: stop it first, or use rm -f",
                                          c->rec.name);
                return -1;
        }
        ctr_discard(root, &ic, c->rec.name, c->id);
        store_close(store);
        /* A supervisor killed with SIGKILL could not remove the container's (now empty) cgroup. */
        if (c->state.cgroup)
                rmdir(c->state.cgroup);
        if (ctr_runtime_dir(&rt, NULL) == 0) {
                _cleanup_free_ char *dir = xasprintf("%s/%s", rt, c->id), *ctl = xasprintf("%s/ctl", dir);
                unlink(ctl);
                rmdir(dir);
        }
        return 0;
}

static int rm_one(const char *root, const char *arg, const struct rm_options *o, burrow_error **err)
{
        struct cli_container c;
        int r = 0;

        if (cli_container_find(root, arg, &c, err) < 0)
                return -1;
        if (running(&c)) {
                if (!o->force)
                        r = error_make(err, EBUSY, "container %s is running: stop it first, or use rm -f", c.rec.name);
                else
                        r = stop_one(&c, o->timeout, err);
        }
        if (r == 0)
                r = remove_stopped(root, &c, err);
        cli_container_clear(&c);
        return r;
}

static int rm_action(const char *root, const char *arg, void *p, burrow_error **err)
{
        if (rm_one(root, arg, p, err) < 0)
                return -1;
        printf("%s\n", arg);
        return 0;
}

/* Every container (rm -a) or every one that does not run (prune). */
static int rm_many(const struct rm_options *o, bool only_stopped)
{
        _cleanup_error_ burrow_error *err = NULL;
        _cleanup_free_ char *root = NULL;
        _cleanup_strv_ strv ids = {0};
        int code = 0;

        if (cli_store_root_path(&root, &err) < 0 || ctr_list(root, &ids, &err) < 0) {
                error_print(err);
                return EXIT_BURROW_FAILURE;
        }
        for (size_t i = 0; i < ids.len; i++) {
                struct cli_container c;
                if (cli_container_find(root, ids.items[i], &c, &err) < 0) {
                        error_free(&err);
                        continue;
                }
                if (only_stopped && running(&c)) {
                        cli_container_clear(&c);
                        continue;
                }
                cli_container_clear(&c);
                if (rm_one(root, ids.items[i], o, &err) < 0) {
                        error_print(err);
                        error_free(&err);
                        code = EXIT_BURROW_FAILURE;
                        continue;
                }
                printf("%s\n", ids.items[i]);
        }
        return code;
}

int cli_rm(int argc, char **argv)
{
        static const struct option options[] = {
            {"force", no_argument, NULL, 'f'},   {"all", no_argument, NULL, 'a'},
            {"volumes", no_argument, NULL, 'v'}, {"time", required_argument, NULL, 't'},
            {"help", no_argument, NULL, 'H'},    {NULL, 0, NULL, 0},
        };
        struct rm_options o = {.timeout = STOP_TIMEOUT_DEFAULT};
        int r = parse_options("rm",
                              "Usage: burrow rm [-f] [-v] [-a] CONTAINER...\n\n"
                              "Remove containers: their writable layer, log, record and name.\n\n"
                              "Options:\n"
                              "  -f, --force          stop a running container first (SIGKILL after --time)\n"
                              "  -t, --time SECONDS   grace period of -f (default 10)\n"
                              "  -a, --all            every container\n"
                              "  -v, --volumes        accepted for docker's sake: burrow makes no anonymous volumes\n"
                              "      --help           this text\n",
                              argc, argv, ":fat:v", options, rm_option, &o, false);

        if (r != 0)
                return r > 0 ? 0 : EXIT_BURROW_FAILURE;
        if (o.all) {
                int code = rm_many(&o, false);
                ctr_runtime_collect();
                return code;
        }
        if (optind >= argc) {
                fprintf(stderr, "burrow: rm: no container given (see 'burrow rm --help')\n");
                return EXIT_BURROW_FAILURE;
        }
        {
                int code = for_each_arg(argc, argv, optind, rm_action, &o);
                ctr_runtime_collect();
                return code;
        }
}

int cli_container_prune(int argc, char **argv)
{
        static const struct option options[] = {
            {"force", no_argument, NULL, 'f'}, {"help", no_argument, NULL, 'H'}, {NULL, 0, NULL, 0}};
        struct rm_options o = {0};
        int r = parse_options("container prune",
                              "Usage: burrow container prune [-f]\n\n"
                              "Remove every container that is not running.\n\n"
                              "Options:\n"
                              "  -f, --force   do not ask for confirmation\n",
                              argc, argv, ":f", options, rm_option, &o, false);
        char answer[16] = "";

        if (r != 0)
                return r > 0 ? 0 : EXIT_BURROW_FAILURE;
        if (optind < argc) {
                fprintf(stderr, "burrow: container prune: unexpected argument \"%.64s\"\n", argv[optind]);
                return EXIT_BURROW_FAILURE;
        }
        if (!o.force) {
                printf("WARNING! This will remove all non running containers.\nAre you sure you want to continue? "
                       "[y/N] ");
                fflush(stdout);
                if (fgets(answer, sizeof(answer), stdin) == NULL || (answer[0] != 'y' && answer[0] != 'Y'))
                        return 0;
        }
        {
                int code = rm_many(&o, true);
                ctr_runtime_collect();
                return code;
        }
}

/* ---- start ---- */

struct start_options {
        bool attach;
};

static int start_option(int opt, const char *arg, void *p, burrow_error **err)
{
        (void)arg;
        (void)err;
        if (opt == 'a')
                ((struct start_options *)p)->attach = true;
        return 0;
}

static int start_one(const char *root, const char *arg, bool attach, int *ret_code, burrow_error **err)
{
        struct cli_container c;
        _cleanup_strv_ strv args = {0};
        int code;

        if (cli_container_find(root, arg, &c, err) < 0)
                return -1;
        if (running(&c)) {
                cli_container_clear(&c);
                *ret_code = 0;
                return 0;
        }
        if (c.rec.remove) {
                cli_container_clear(&c);
                return error_make(err, 0, "container %s was run with --rm: it cannot start again", arg);
        }
        strv_push(&args, "run");
        for (size_t i = 0; i < c.rec.argv.len; i++)
                strv_push(&args, c.rec.argv.items[i]);
        code = cli_run_container((int)args.len, args.items, &c.rec, false);
        if (code == 0 && attach)
                code = cli_logs_attach(c.dir);
        cli_container_clear(&c);
        *ret_code = code;
        return 0;
}

int cli_start(int argc, char **argv)
{
        static const struct option options[] = {
            {"attach", no_argument, NULL, 'a'}, {"help", no_argument, NULL, 'H'}, {NULL, 0, NULL, 0}};
        struct start_options o = {0};
        _cleanup_error_ burrow_error *err = NULL;
        _cleanup_free_ char *root = NULL;
        int code = 0;
        int r = parse_options("start",
                              "Usage: burrow start [-a] CONTAINER...\n\n"
                              "Start exited containers again, in the background, on their kept writable layer.\n\n"
                              "Options:\n"
                              "  -a, --attach   print the container's output until it ends, and exit with its status\n"
                              "      --help     this text\n",
                              argc, argv, ":a", options, start_option, &o, true);

        if (r != 0)
                return r > 0 ? 0 : EXIT_BURROW_FAILURE;
        if (o.attach && argc - optind > 1) {
                fprintf(stderr, "burrow: start: --attach takes one container\n");
                return EXIT_BURROW_FAILURE;
        }
        if (cli_store_root_path(&root, &err) < 0) {
                error_print(err);
                return EXIT_BURROW_FAILURE;
        }
        for (int i = optind; i < argc; i++) {
                int c = 0;
                if (start_one(root, argv[i], o.attach, &c, &err) < 0) {
                        error_print(err);
                        error_free(&err);
                        code = EXIT_BURROW_FAILURE;
                        continue;
                }
                if (o.attach)
                        return c;
                if (c != 0)
                        code = c;
                else
                        printf("%s\n", argv[i]);
        }
        return code;
}

/* ---- inspect ---- */

struct inspect_options {
        const char *format;
        const char *type;
};

static int inspect_option(int opt, const char *arg, void *p, burrow_error **err)
{
        struct inspect_options *o = p;

        if (opt == 'f')
                o->format = arg;
        else if (opt == 'T') {
                if (strcmp(arg, "container") != 0 && strcmp(arg, "image") != 0 && strcmp(arg, "all") != 0)
                        return error_make(err, 0, "invalid --type \"%.32s\": expected container, image or all", arg);
                o->type = arg;
        }
        return 0;
}

/* The names are images: `burrow image inspect` with the format, without --type. */
static int inspect_images(const struct inspect_options *o, int argc, char **argv, int first)
{
        _cleanup_strv_ strv args = {0};

        strv_push(&args, "inspect");
        if (o->format) {
                strv_push(&args, "--format");
                strv_push(&args, o->format);
        }
        strv_push(&args, "--");
        for (int i = first; i < argc; i++)
                strv_push(&args, argv[i]);
        return cli_image_inspect((int)args.len, args.items);
}

int cli_inspect(int argc, char **argv)
{
        static const struct option options[] = {
            {"format", required_argument, NULL, 'f'},
            {"type", required_argument, NULL, 'T'},
            {"help", no_argument, NULL, 'H'},
            {NULL, 0, NULL, 0},
        };
        struct inspect_options o = {.type = "all"};
        _cleanup_error_ burrow_error *err = NULL;
        _cleanup_free_ char *root = NULL;
        struct json_object *all;
        int code = 0;
        int r =
            parse_options("inspect",
                          "Usage: burrow inspect [--format FORMAT] [--type container|image] NAME...\n\n"
                          "Show containers (or images) as JSON, docker-shaped.\n\n"
                          "Options:\n"
                          "  -f, --format FORMAT   json (the default) or a Go template such as '{{.State.Status}}'\n"
                          "      --type TYPE       container, image or all (the default: containers first)\n"
                          "      --help            this text\n",
                          argc, argv, ":f:", options, inspect_option, &o, true);

        if (r != 0)
                return r > 0 ? 0 : EXIT_BURROW_FAILURE;
        if (strcmp(o.type, "image") == 0)
                return inspect_images(&o, argc, argv, optind);
        if (cli_store_root_path(&root, &err) < 0) {
                error_print(err);
                return EXIT_BURROW_FAILURE;
        }
        /* A first name that is no container but an image: podman's inspect takes images too. */
        if (strcmp(o.type, "all") == 0) {
                _cleanup_free_ char *id = NULL;
                burrow_error *e = NULL;
                if (ctr_resolve(root, argv[optind], &id, &e) < 0 && e->errnum == -ENOENT) {
                        error_free(&e);
                        return inspect_images(&o, argc, argv, optind);
                }
                error_free(&e);
        }
        all = json_object_new_array();
        for (int i = optind; i < argc; i++) {
                struct cli_container c;
                struct json_object *obj;
                if (cli_container_find(root, argv[i], &c, &err) < 0) {
                        error_print(err);
                        error_free(&err);
                        code = EXIT_BURROW_FAILURE;
                        continue;
                }
                obj = ctr_inspect_build(root, &c.rec, &c.state);
                cli_container_clear(&c);
                if (o.format && strcmp(o.format, "json") != 0) {
                        if (cli_print_formatted(o.format, obj, &err) < 0) {
                                error_print(err);
                                json_object_put(obj);
                                json_object_put(all);
                                return EXIT_BURROW_FAILURE;
                        }
                        json_object_put(obj);
                } else {
                        json_object_array_add(all, obj);
                }
        }
        if (!o.format || strcmp(o.format, "json") == 0)
                printf("%s\n",
                       json_object_to_json_string_ext(all, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(all);
        return code;
}
