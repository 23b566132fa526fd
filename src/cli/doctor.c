/* burrow doctor [--format json] [CHECK|AREA...]: runs the checks of src/doctor/ and prints them. */
#include <getopt.h>
#include <json-c/json.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "config.h"
#include "doctor/doctor.h"
#include "util/cleanup.h"

static void usage(void)
{
        printf("Usage: burrow doctor [--format json] [CHECK|AREA...]\n"
               "\n"
               "Checks what rootless containers need from this host and names the fix for every problem.\n"
               "Exit status 0 when containers can run here (warnings allowed), 1 otherwise.\n"
               "\n"
               "Options:\n"
               "      --format FORMAT   text (default) or json\n"
               "  -h, --help            this text\n"
               "\n"
               "Areas: userns, idmap, storage, network, cgroup, session, kernel; a CHECK is AREA.NAME\n"
               "(e.g. storage.overlay). See burrow-doctor(1).\n");
}

static bool selected(const struct doctor_check *c, char **names, int n)
{
        if (n == 0)
                return true;
        for (int i = 0; i < n; i++)
                if (strcmp(names[i], c->id) == 0 || strcmp(names[i], c->area) == 0)
                        return true;
        return false;
}

static void context_init(struct doctor_context *ctx)
{
        struct passwd *pw;
        const char *home = getenv("HOME");
        burrow_error *err = NULL;

        *ctx = (struct doctor_context){.uid = getuid(), .gid = getgid()};
        pw = getpwuid(ctx->uid);
        ctx->user = pw ? xstrdup(pw->pw_name) : xasprintf("%u", (unsigned)ctx->uid);
        if (home && home[0] == '/')
                ctx->home = xstrdup(home);
        else if (pw && pw->pw_dir && pw->pw_dir[0] == '/')
                ctx->home = xstrdup(pw->pw_dir);
        if (cli_store_root_choose(&ctx->store_root, &err) < 0) {
                /* No $HOME: the storage checks look at the current directory, where --root would go. */
                error_free(&err);
                ctx->store_root = xstrdup(".");
        }
        if (config_get(&cli_config, CONFIG_NETWORK_RESOLV_CONF))
                ctx->resolv_conf = xstrdup(config_get(&cli_config, CONFIG_NETWORK_RESOLV_CONF));
}

static void context_clear(struct doctor_context *ctx)
{
        free(ctx->user);
        free(ctx->home);
        free(ctx->store_root);
        free(ctx->resolv_conf);
}

static void print_text(const struct doctor_check **checks, struct doctor_result *results, size_t n,
                       const unsigned counts[3])
{
        int width = 0;

        for (size_t i = 0; i < n; i++)
                if ((int)strlen(checks[i]->id) > width)
                        width = (int)strlen(checks[i]->id);
        for (size_t i = 0; i < n; i++) {
                printf("%-5s %-*s  %s\n", doctor_status_name(results[i].status), width, checks[i]->id,
                       results[i].message);
                if (results[i].fix)
                        printf("%-5s %-*s  fix: %s\n", "", width, "", results[i].fix);
        }
        printf("%u ok, %u warn, %u fail: %s\n", counts[DOCTOR_OK], counts[DOCTOR_WARN], counts[DOCTOR_FAIL],
               counts[DOCTOR_FAIL]   ? "burrow cannot run containers here"
               : counts[DOCTOR_WARN] ? "burrow can run containers here, with less (see the warnings)"
                                     : "burrow can run containers here");
}

/* The object doc/doctor.schema.json describes. */
static void print_json(const struct doctor_context *ctx, const struct doctor_check **checks,
                       struct doctor_result *results, size_t n, const unsigned counts[3])
{
        json_object *root = json_object_new_object(), *list = json_object_new_array(), *summary;

        json_object_object_add(root, "version", json_object_new_string(BURROW_VERSION));
        json_object_object_add(root, "user", json_object_new_string(ctx->user));
        json_object_object_add(root, "uid", json_object_new_int64(ctx->uid));
        json_object_object_add(root, "store", json_object_new_string(ctx->store_root));
        for (size_t i = 0; i < n; i++) {
                json_object *c = json_object_new_object();
                json_object_object_add(c, "id", json_object_new_string(checks[i]->id));
                json_object_object_add(c, "area", json_object_new_string(checks[i]->area));
                json_object_object_add(c, "status", json_object_new_string(doctor_status_name(results[i].status)));
                json_object_object_add(c, "message", json_object_new_string(results[i].message));
                json_object_object_add(c, "fix", results[i].fix ? json_object_new_string(results[i].fix) : NULL);
                json_object_array_add(list, c);
        }
        json_object_object_add(root, "checks", list);
        summary = json_object_new_object();
        json_object_object_add(summary, "ok", json_object_new_int(counts[DOCTOR_OK]));
        json_object_object_add(summary, "warn", json_object_new_int(counts[DOCTOR_WARN]));
        json_object_object_add(summary, "fail", json_object_new_int(counts[DOCTOR_FAIL]));
        json_object_object_add(root, "summary", summary);
        json_object_object_add(root, "usable", json_object_new_boolean(counts[DOCTOR_FAIL] == 0));
        printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                                JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(root);
}

int cli_doctor(int argc, char **argv)
{
        static const struct option longopts[] = {
            {"format", required_argument, NULL, 'f'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        _cleanup_error_ burrow_error *err = NULL;
        _cleanup_free_ const struct doctor_check **checks = NULL;
        _cleanup_free_ struct doctor_result *results = NULL;
        struct doctor_context ctx;
        unsigned counts[3] = {0};
        bool json = false;
        size_t n = 0;
        int opt;

        optind = 1;
        while ((opt = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
                switch (opt) {
                case 'f':
                        if (strcmp(optarg, "json") == 0) {
                                json = true;
                        } else if (strcmp(optarg, "text") != 0) {
                                error_make(&err, 0, "--format: \"%s\" is neither text nor json", optarg);
                                goto fail;
                        }
                        break;
                case 'h':
                        usage();
                        return 0;
                default:
                        cli_option_error("doctor", opt, argv, &err);
                        goto fail;
                }
        }
        for (int i = optind; i < argc; i++) {
                bool known = false;
                for (size_t j = 0; j < doctor_n_checks && !known; j++)
                        known =
                            strcmp(argv[i], doctor_checks[j].id) == 0 || strcmp(argv[i], doctor_checks[j].area) == 0;
                if (!known) {
                        error_make(&err, 0, "no check or area \"%s\": see 'burrow doctor --help'", argv[i]);
                        goto fail;
                }
        }
        checks = xcalloc(doctor_n_checks, sizeof(*checks));
        results = xcalloc(doctor_n_checks, sizeof(*results));
        context_init(&ctx);
        for (size_t i = 0; i < doctor_n_checks; i++) {
                if (!selected(&doctor_checks[i], argv + optind, argc - optind))
                        continue;
                ctx.current = &doctor_checks[i];
                doctor_checks[i].run(&ctx, &results[n]);
                checks[n] = &doctor_checks[i];
                counts[results[n].status]++;
                n++;
        }
        if (json)
                print_json(&ctx, checks, results, n, counts);
        else
                print_text(checks, results, n, counts);
        fflush(stdout);
        for (size_t i = 0; i < n; i++)
                doctor_result_clear(&results[i]);
        context_clear(&ctx);
        return counts[DOCTOR_FAIL] ? 1 : 0;
fail:
        error_print(err);
        return EXIT_BURROW_FAILURE;
}
