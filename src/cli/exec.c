/* `burrow exec`: run a command in a running container (launch/exec.h), podman's flags. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/containers.h"
#include "launch/exec.h"
#include "spec/parse.h"
#include "util/cleanup.h"

static void exec_usage(void)
{
        printf("Usage: burrow exec [OPTIONS] CONTAINER COMMAND [ARG...]\n"
               "\n"
               "Run COMMAND in a running container: in all of its namespaces and its cgroup, with its capabilities,\n"
               "no_new_privs and seccomp filter; exit with COMMAND's status.\n"
               "\n"
               "Options:\n"
               "  -i, --interactive        keep stdin open\n"
               "  -t, --tty                allocate a pseudo-terminal\n"
               "  -e, --env KEY[=VALUE]    set an environment variable\n"
               "      --env-file FILE      read KEY=VALUE lines from FILE\n"
               "  -u, --user USER[:GROUP]  run as this user (default: the container's)\n"
               "  -w, --workdir DIR        working directory (default: the container's)\n"
               "      --privileged         every capability (the seccomp filter stays)\n"
               "      --help               this text\n");
}

enum { OPT_ENV_FILE = 1000, OPT_PRIVILEGED, OPT_HELP };

struct exec_flags {
        bool tty, interactive, privileged;
        strv env, env_files;
        const char *user, *workdir;
};

static int parse_exec_args(int argc, char **argv, struct exec_flags *f, burrow_error **err)
{
        static const struct option options[] = {
            {"interactive", no_argument, NULL, 'i'},
            {"tty", no_argument, NULL, 't'},
            {"env", required_argument, NULL, 'e'},
            {"env-file", required_argument, NULL, OPT_ENV_FILE},
            {"user", required_argument, NULL, 'u'},
            {"workdir", required_argument, NULL, 'w'},
            {"privileged", no_argument, NULL, OPT_PRIVILEGED},
            {"help", no_argument, NULL, OPT_HELP},
            {NULL, 0, NULL, 0},
        };
        int opt;

        opterr = 0;
        optind = 0; /* 0: glibc re-initializes (and reads a "+" again) */
        while ((opt = getopt_long(argc, argv, "+:ite:u:w:", options, NULL)) != -1) {
                switch (opt) {
                case 'i':
                        f->interactive = true;
                        break;
                case 't':
                        f->tty = true;
                        break;
                case 'e':
                        strv_push(&f->env, optarg);
                        break;
                case OPT_ENV_FILE:
                        strv_push(&f->env_files, optarg);
                        break;
                case 'u':
                        f->user = optarg;
                        break;
                case 'w':
                        if (optarg[0] != '/')
                                return error_make(err, 0, "invalid --workdir \"%.64s\": must be an absolute path",
                                                  optarg);
                        f->workdir = optarg;
                        break;
                case OPT_PRIVILEGED:
                        f->privileged = true;
                        break;
                case OPT_HELP:
                        exec_usage();
                        return 1;
                default:
                        return cli_option_error("exec", opt, argv, err);
                }
        }
        if (argc - optind < 2)
                return error_make(err, 0, "exec: a container and a command are required (see 'burrow exec --help')");
        return 0;
}

/* The container's spec with exec's flags on top. */
static int exec_spec(const struct cli_container *c, const struct exec_flags *f, char **cmd, int n_cmd,
                     struct burrow_spec *spec, burrow_error **err)
{
        if (cli_run_spec_of(&c->rec, spec, err) < 0)
                return -1;
        for (size_t i = 0; i < f->env_files.len; i++)
                if (cli_run_add_env_file(spec, f->env_files.items[i], err) < 0)
                        return -1;
        for (size_t i = 0; i < f->env.len; i++)
                if (cli_run_add_env(spec, f->env.items[i], err) < 0)
                        return -1;
        if (f->user) {
                free(spec->user.user);
                free(spec->user.group);
                spec->user = (struct spec_user){0};
                if (parse_user(f->user, &spec->user, err) < 0)
                        return -1;
        }
        if (f->workdir) {
                free(spec->cwd);
                spec->cwd = xstrdup(f->workdir);
        }
        if (f->privileged && !spec->privileged)
                strv_push(&spec->cap_add, "ALL");
        spec->tty = f->tty;
        spec->interactive = f->interactive;
        for (int i = 0; i < n_cmd; i++)
                strv_push(&spec->args, cmd[i]);
        return 0;
}

int cli_exec(int argc, char **argv)
{
        _cleanup_error_ burrow_error *err = NULL;
        _cleanup_free_ char *root = NULL, *rt = NULL, *ctl = NULL;
        struct exec_flags f = {0};
        struct cli_container c = {0};
        struct burrow_spec spec;
        bool have_spec = false;
        int r, code = EXIT_BURROW_FAILURE;

        r = parse_exec_args(argc, argv, &f, &err);
        if (r > 0) {
                code = 0;
                goto out;
        }
        if (r < 0 || cli_store_root_path(&root, &err) < 0 || cli_container_find(root, argv[optind], &c, &err) < 0)
                goto fail;
        if (c.state.status != CTR_RUNNING && c.state.status != CTR_STOPPING) {
                error_make(&err, 0, "container %s is not running", c.rec.name);
                goto fail;
        }
        have_spec = true;
        if (exec_spec(&c, &f, argv + optind + 1, argc - optind - 1, &spec, &err) < 0 || ctr_runtime_dir(&rt, &err) < 0)
                goto fail;
        ctl = xasprintf("%s/%s/ctl", rt, c.id);
        {
                struct launch_exec x = {.spec = &spec,
                                        .ctl_path = ctl,
                                        .cgroup = c.state.cgroup,
                                        .hostname = spec.hostname,
                                        .ns_pidfd = -1};
                if (launch_exec(&x, &code, &err) < 0)
                        goto fail;
        }
        goto out;
fail:
        error_print(err);
        code = EXIT_BURROW_FAILURE;
out:
        if (have_spec)
                spec_clear(&spec);
        cli_container_clear(&c);
        strv_clear(&f.env);
        strv_clear(&f.env_files);
        return code;
}
