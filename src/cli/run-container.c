/* `burrow run` (and `start`): the container made from the spec run.c parsed — its directory, record and name under
 * the store lock — then the launcher in the foreground or a supervisor in the background. Nothing is left when it
 * fails. */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/run.h"
#include "container/inspect.h"
#include "container/record.h"
#include "container/supervisor.h"
#include "fs/fs.h"
#include "image/container.h"
#include "launch/launch.h"
#include "spec/parse.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/fileutil.h"

/* Names the container: --name, or a generated name nobody uses (under the store lock). */
static int reserve_name(const char *root, struct burrow_spec *spec, burrow_error **err)
{
        if (spec->name)
                return ctr_name_reserve(root, spec->name, spec->id, err);
        for (int attempt = 0;; attempt++) {
                burrow_error *e = NULL;
                char *name = ctr_name_generate();
                /* After a few collisions, a suffix makes it unique. */
                if (attempt >= 8) {
                        char *longer = xasprintf("%s_%.6s", name, spec->id);
                        free(name);
                        name = longer;
                }
                if (ctr_name_reserve(root, name, spec->id, &e) == 0) {
                        spec->name = name;
                        return 0;
                }
                free(name);
                if (e->errnum != EEXIST || attempt >= 9) {
                        *err = e;
                        return -1;
                }
                error_free(&e);
        }
}

/* The record `ps`, `inspect` and `start` read; args are run's (IMAGE replaced by the image id, so that `start` runs
 * the same image even if the name moved on). */
static int write_record(const char *dir, const struct burrow_spec *spec, int argc, char **argv, int image_index,
                        const char *image_id, burrow_error **err)
{
        struct ctr_record rec = {.id = spec->id,
                                 .name = spec->name,
                                 .image = spec->image,
                                 .image_id = (char *)image_id,
                                 .image_index = image_index >= 0 ? image_index - 1 : -1,
                                 .remove = spec->remove || !spec->detach,
                                 .detached = spec->detach,
                                 .inspect = ctr_inspect_creation(spec)};
        struct ctr_state st = {.status = CTR_CREATED};
        int r;

        rec.created_ns = clock_now_ns(CLOCK_REALTIME);
        for (int i = 1; i < argc; i++)
                strv_push(&rec.argv, i == image_index && image_id ? image_id : argv[i]);
        r = ctr_record_write(dir, &rec, err);
        if (r == 0)
                r = ctr_state_write(dir, &st, err);
        strv_clear(&rec.argv);
        json_object_put(rec.inspect);
        return r;
}

static char *read_image_id(const char *dir)
{
        _cleanup_free_ char *path = xasprintf("%s/image", dir);
        char *id = NULL;

        if (file_read_all(path, 128, &id, NULL, NULL) < 0)
                return NULL;
        return id;
}

/* Everything a run has before the launcher starts: the spec, the container's directory (locked), its record and
 * its name; and what a failure leaves behind: nothing. existing: the record of a container to start again. */
static int create_container(int argc, char **argv, struct burrow_spec *spec, const struct ctr_record *existing,
                            struct image_container *ret, char **ret_root, burrow_error **err)
{
        image_store *store = NULL;
        struct image_container c = {.lock_fd = -1};
        _cleanup_free_ char *image_id = NULL;
        bool named = false;
        int image_index = -1, r;

        r = run_parse_args(argc, argv, spec, &image_index, err);
        if (r != 0)
                return r;
        if (existing) {
                free(spec->id);
                spec->id = xstrdup(existing->id);
                free(spec->name);
                spec->name = xstrdup(existing->name);
                spec->detach = true;
        }
        /* Exclusively, briefly: no other burrow creates, collects or names containers meanwhile. */
        if (cli_open_store(true, &store, err) < 0)
                return -1;
        image_containers_collect(store);
        if (!existing && reserve_name(store->root, spec, err) < 0)
                goto fail;
        named = !existing;
        if (spec->rootfs == NULL)
                r = run_prepare_image(store, spec, existing != NULL, &c, err);
        else
                r = image_container_open(store, spec->id, existing != NULL, &c, err);
        if (r < 0 || spec_validate(spec, err) < 0)
                goto fail;
        if (spec->rootfs && spec->image)
                image_id = read_image_id(c.dir);
        if (!existing && write_record(c.dir, spec, argc, argv, image_index, image_id, err) < 0)
                goto fail;
        if (existing) {
                /* start: created again until the supervisor says it runs (or, failing, writes the error). */
                struct ctr_state st = {.status = CTR_CREATED};
                if (ctr_state_write(c.dir, &st, err) < 0)
                        goto fail;
        }
        *ret_root = xstrdup(store->root);
        store_close(store);
        *ret = c;
        return 0;
fail:
        if (existing)
                image_container_release(&c);
        else
                ctr_discard(store->root, &c, named ? spec->name : NULL, spec->id);
        store_close(store);
        return -1;
}

/* RUNTIME/<id>, locked (flock LOCK_EX) for as long as whoever supervises the container runs: the lock is how
 * ctr_runtime_collect() tells a live runtime directory from one a killed supervisor left. */
static int runtime_dir_for(const char *id, char **ret, int *ret_lock, burrow_error **err)
{
        _cleanup_free_ char *base = NULL;
        char *dir;
        int fd;

        if (ctr_runtime_dir(&base, err) < 0)
                return -1;
        dir = xasprintf("%s/%s", base, id);
        if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
                error_make(err, errno, "create %s", dir);
                free(dir);
                return -1;
        }
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0) {
                error_make(err, errno == EWOULDBLOCK ? EBUSY : errno, "lock %s", dir);
                if (fd >= 0)
                        close(fd);
                free(dir);
                return -1;
        }
        *ret = dir;
        *ret_lock = fd;
        return 0;
}

/* A start that failed before its supervisor could say so: the container is exited again, with the reason. */
static void start_failed(const char *dir, const burrow_error *err)
{
        struct ctr_state st = {.status = CTR_EXITED, .exit_code = EXIT_BURROW_FAILURE};

        st.error = error_text(err);
        (void)ctr_state_write(dir, &st, NULL);
        free(st.error);
}

/* Runs (or, existing, starts again) a container: in the foreground, or with -d through a supervisor in the
 * background. Returns burrow's exit code. */
int cli_run_container(int argc, char **argv, const struct ctr_record *existing, bool print_id)
{
        struct burrow_spec spec;
        struct image_container container = {.lock_fd = -1};
        _cleanup_error_ burrow_error *err = NULL;
        _cleanup_free_ char *rtdir = NULL, *ctl = NULL, *root = NULL;
        _cleanup_close_ int rtlock = -1;
        int r, code = EXIT_BURROW_FAILURE;

        spec_init(&spec);
        for (size_t i = 0; fs_default_masked_paths[i]; i++)
                strv_push(&spec.masked_paths, fs_default_masked_paths[i]);
        for (size_t i = 0; fs_default_readonly_paths[i]; i++)
                strv_push(&spec.readonly_paths, fs_default_readonly_paths[i]);

        if (run_apply_config_defaults(&spec, &err) < 0) {
                error_print(err);
                goto out;
        }
        r = create_container(argc, argv, &spec, existing, &container, &root, &err);
        if (r > 0) {
                code = 0;
                goto out;
        }
        if (r < 0) {
                error_print(err);
                goto out;
        }
        /* Before this container's own runtime directory exists (start: a killed supervisor's stale one goes too). Not
         * in a foreground run, whose start-up time counts. */
        if (spec.detach)
                ctr_runtime_collect();
        if (runtime_dir_for(spec.id, &rtdir, &rtlock, &err) < 0) {
                error_print(err);
                if (existing) {
                        start_failed(container.dir, err);
                        image_container_release(&container);
                } else {
                        ctr_discard(root, &container, spec.name, spec.id);
                }
                goto out;
        }
        if (spec.detach) {
                struct ctr_launch l = {.store_root = root,
                                       .container = &container,
                                       .runtime_dir = rtdir,
                                       .runtime_lock = rtlock,
                                       .existing = existing != NULL};
                _cleanup_free_ char *dir = xstrdup(container.dir);
                int status = 0;
                r = ctr_supervisor_start(&spec, &l, &status, &err);
                if (r != 0) {
                        struct ctr_state now = {0};
                        error_print(err);
                        /* A supervisor that never ran wrote nothing: say why there. */
                        if (existing && r < 0 && ctr_state_read(dir, &now, NULL) == 0 && now.status == CTR_CREATED)
                                start_failed(dir, err);
                        ctr_state_clear(&now);
                        code = r > 0 ? status : EXIT_BURROW_FAILURE;
                        goto out;
                }
                if (print_id)
                        printf("%s\n", spec.id);
                code = 0;
        } else {
                struct launch_options opts = {.state_dir = container.dir, .ready_fd = -1};
                ctl = xasprintf("%s/ctl", rtdir);
                opts.ctl_path = ctl;
                if (launch_run(&spec, &opts, &code, &err) < 0) {
                        error_print(err);
                        code = EXIT_BURROW_FAILURE;
                }
                rmdir(rtdir);
                ctr_discard(root, &container, spec.name, spec.id);
        }
out:
        spec_clear(&spec);
        return code;
}

int cli_run_spec_of(const struct ctr_record *rec, struct burrow_spec *spec, burrow_error **err)
{
        _cleanup_strv_ strv args = {0};
        struct json_object *config, *v;
        int image_index;

        spec_init(spec);
        if (run_apply_config_defaults(spec, err) < 0)
                return -1;
        strv_push(&args, "run");
        for (size_t i = 0; i < rec->argv.len; i++)
                strv_push(&args, rec->argv.items[i]);
        if (run_parse_args((int)args.len, args.items, spec, &image_index, err) != 0)
                return error_wrap(err, "the container's record");
        free(spec->id);
        spec->id = xstrdup(rec->id);
        /* What the image added (environment, user, working directory) is in the record, as run applied it. */
        if (rec->inspect == NULL || !json_object_object_get_ex(rec->inspect, "Config", &config))
                return error_make(err, EINVAL, "the container's record has no Config");
        if (json_object_object_get_ex(config, "Env", &v) && json_object_is_type(v, json_type_array)) {
                strv_clear(&spec->env);
                for (size_t i = 0; i < json_object_array_length(v); i++)
                        strv_push(&spec->env, json_object_get_string(json_object_array_get_idx(v, i)));
        }
        if (json_object_object_get_ex(config, "User", &v) && json_object_get_string_len(v) > 0) {
                free(spec->user.user);
                free(spec->user.group);
                spec->user = (struct spec_user){0};
                if (parse_user(json_object_get_string(v), &spec->user, err) < 0)
                        return error_wrap(err, "the container's record");
        }
        if (json_object_object_get_ex(config, "WorkingDir", &v) && json_object_get_string_len(v) > 0) {
                free(spec->cwd);
                spec->cwd = xstrdup(json_object_get_string(v));
        }
        if (spec->hostname == NULL || spec->hostname[0] == '\0') {
                free(spec->hostname);
                spec->hostname = xstrndup(rec->id, 12);
        }
        spec->tty = spec->interactive = false;
        strv_clear(&spec->args);
        return 0;
}

int cli_run(int argc, char **argv)
{
        return cli_run_container(argc, argv, NULL, true);
}
