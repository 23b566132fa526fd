/* `burrow logs`: a detached container's output, from its log (container/log.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/containers.h"
#include "container/log.h"
#include "util/cleanup.h"
#include "util/clock.h"

static bool supervisor_alive(void *arg)
{
        return ctr_supervisor_alive(arg);
}

static int print_log(const char *dir, const struct ctr_log_read_options *o, burrow_error **err)
{
        _cleanup_free_ char *path = xasprintf("%s/ctr.log", dir);

        if (access(path, F_OK) < 0)
                return error_make(err, 0,
                                  "the container has no log: only containers run with -d (or started with burrow "
                                  "start) keep their output");
        return ctr_log_print(path, o, STDOUT_FILENO, STDERR_FILENO, err);
}

int cli_logs_attach(const char *dir)
{
        struct ctr_log_read_options o = {
            .tail = -1, .follow = true, .keep_following = supervisor_alive, .arg = (void *)dir};
        _cleanup_error_ burrow_error *err = NULL;
        struct ctr_state st = {0};
        int code;

        /* Only what this start wrote: the log keeps earlier runs' output too, and every record of this run is
         * stamped after the state's StartedNs (the supervisor records the start before it reads any output). */
        if (ctr_state_read(dir, &st, &err) < 0) {
                error_print(err);
                return EXIT_BURROW_FAILURE;
        }
        o.since_ns = st.started_ns;
        ctr_state_clear(&st);
        if (print_log(dir, &o, &err) < 0) {
                error_print(err);
                return EXIT_BURROW_FAILURE;
        }
        if (ctr_state_read_live(dir, &st, &err) < 0) {
                error_print(err);
                return EXIT_BURROW_FAILURE;
        }
        code = st.exit_code < 0 ? EXIT_BURROW_FAILURE : st.exit_code;
        ctr_state_clear(&st);
        return code;
}

int cli_logs(int argc, char **argv)
{
        static const struct option options[] = {
            {"follow", no_argument, NULL, 'f'},
            {"tail", required_argument, NULL, 'n'},
            {"since", required_argument, NULL, 'S'},
            {"until", required_argument, NULL, 'U'},
            {"timestamps", no_argument, NULL, 't'},
            {"help", no_argument, NULL, 'H'},
            {NULL, 0, NULL, 0},
        };
        struct ctr_log_read_options o = {.tail = -1};
        _cleanup_error_ burrow_error *err = NULL;
        _cleanup_free_ char *root = NULL;
        struct cli_container c;
        int opt, r;

        opterr = 0;
        optind = 0; /* 0: glibc re-initializes (and reads a "+" again) */
        while ((opt = getopt_long(argc, argv, ":fn:t", options, NULL)) != -1) {
                switch (opt) {
                case 'f':
                        o.follow = true;
                        break;
                case 'n': {
                        char *end;
                        if (strcmp(optarg, "all") == 0) {
                                o.tail = -1;
                                break;
                        }
                        o.tail = strtol(optarg, &end, 10);
                        if (*end || end == optarg || o.tail < -1) {
                                error_make(&err, 0, "invalid --tail \"%.32s\": expected a number of lines or all",
                                           optarg);
                                goto fail;
                        }
                        break;
                }
                case 'S':
                case 'U':
                        if (ctr_log_parse_time(opt == 'S' ? "since" : "until", optarg, clock_now_ns(CLOCK_REALTIME),
                                               opt == 'S' ? &o.since_ns : &o.until_ns, &err) < 0)
                                goto fail;
                        break;
                case 't':
                        o.timestamps = true;
                        break;
                case 'H':
                        printf("Usage: burrow logs [OPTIONS] CONTAINER\n\n"
                               "Print a detached container's output (stdout and stderr as it wrote them).\n\n"
                               "Options:\n"
                               "  -f, --follow          keep printing new output until the container ends\n"
                               "  -n, --tail N          only the last N lines (all: every line)\n"
                               "      --since TIME      only output since TIME (RFC 3339, Unix time, or a duration "
                               "such as 10m)\n"
                               "      --until TIME      only output before TIME\n"
                               "  -t, --timestamps      prefix each line with its time\n"
                               "      --help            this text\n");
                        return 0;
                default:
                        cli_option_error("logs", opt, argv, &err);
                        goto fail;
                }
        }
        if (argc - optind != 1) {
                error_make(&err, 0, "logs: exactly one container is required (see 'burrow logs --help')");
                goto fail;
        }
        if (cli_store_root_path(&root, &err) < 0 || cli_container_find(root, argv[optind], &c, &err) < 0)
                goto fail;
        o.keep_following = supervisor_alive;
        o.arg = c.dir;
        r = print_log(c.dir, &o, &err);
        cli_container_clear(&c);
        if (r < 0)
                goto fail;
        return 0;
fail:
        error_print(err);
        return EXIT_BURROW_FAILURE;
}
