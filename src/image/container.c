#include "image/container.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container/record.h"
#include "image/extract.h"
#include "image/manifest.h"
#include "image/unpack.h"
#include "spec/parse.h"
#include "util/cleanup.h"
#include "util/fileutil.h"

/* An image config is small; a larger one is not an image config. */
#define CONFIG_MAX (4 * 1024 * 1024)

static const char *hex_of(const char *digest)
{
        const char *colon = strchr(digest, ':');
        return colon ? colon + 1 : digest;
}

/* docker's rules: --entrypoint replaces the image's Entrypoint and drops its Cmd; a command on the command line
 * replaces Cmd; the process is Entrypoint + Cmd. */
static int apply_command(const image_config *cfg, const struct image_overrides *o, struct burrow_spec *spec,
                         burrow_error **err)
{
        _cleanup_strv_ strv args = {0};

        if (o->entrypoint_set) {
                if (o->entrypoint[0] != '\0')
                        strv_push(&args, o->entrypoint);
        } else {
                for (size_t i = 0; i < cfg->entrypoint.len; i++)
                        strv_push(&args, cfg->entrypoint.items[i]);
        }
        if (spec->args.len > 0) {
                for (size_t i = 0; i < spec->args.len; i++)
                        strv_push(&args, spec->args.items[i]);
        } else if (!o->entrypoint_set) {
                for (size_t i = 0; i < cfg->cmd.len; i++)
                        strv_push(&args, cfg->cmd.items[i]);
        }
        if (args.len == 0)
                return error_make(err, 0, "no command given and the image has no Cmd or Entrypoint");
        strv_clear(&spec->args);
        spec->args = args;
        args = (strv){0};
        return 0;
}

static int apply_config(const image_config *cfg, const struct image_overrides *o, struct burrow_spec *spec,
                        burrow_error **err)
{
        strv env = {0};

        /* The image's environment first; -e and --env-file (already in the spec) override it. */
        for (size_t i = 0; i < cfg->env.len; i++)
                if (strchr(cfg->env.items[i], '=') && cfg->env.items[i][0] != '=')
                        strv_env_set_owned(&env, xstrdup(cfg->env.items[i]));
        for (size_t i = 0; i < spec->env.len; i++)
                strv_env_set_owned(&env, xstrdup(spec->env.items[i]));
        for (size_t i = 0; i < cfg->exposed_ports.len; i++)
                strv_push(&spec->exposed_ports, cfg->exposed_ports.items[i]);
        strv_clear(&spec->env);
        spec->env = env;
        /* The image's labels first, so that a --label for the same key (later in the list) wins. */
        {
                strv labels = {0};
                for (size_t i = 0; i < cfg->label_keys.len; i++)
                        strv_push_owned(&labels, xasprintf("%s=%s", cfg->label_keys.items[i], cfg->label_values.items[i]));
                for (size_t i = 0; i < spec->labels.len; i++)
                        strv_push(&labels, spec->labels.items[i]);
                strv_clear(&spec->labels);
                spec->labels = labels;
        }
        if (spec->stop_signal == NULL && cfg->stop_signal && cfg->stop_signal[0])
                spec->stop_signal = xstrdup(cfg->stop_signal);

        if (spec->cwd == NULL && cfg->working_dir && cfg->working_dir[0] != '\0') {
                if (cfg->working_dir[0] != '/')
                        return error_make(err, 0, "image config: WorkingDir \"%s\" is not absolute", cfg->working_dir);
                spec->cwd = xstrdup(cfg->working_dir);
        }
        if (spec->user.user == NULL && cfg->user && cfg->user[0] != '\0' && parse_user(cfg->user, &spec->user, err) < 0)
                return error_wrap(err, "image config: User");
        return apply_command(cfg, o, spec, err);
}

static int make_dir(const char *parent, const char *name, char **ret, burrow_error **err)
{
        char *path = xasprintf("%s/%s", parent, name);

        if (mkdir(path, 0755) < 0) {
                error_make(err, errno, "create %s", path);
                free(path);
                return -1;
        }
        *ret = path;
        return 0;
}

/* vfs: the layers copied, bottom first, into rootfs/; the spec then has no overlay to mount. */
static int make_vfs_root(const struct image_container *c, struct burrow_spec *spec, char **ret_root, burrow_error **err)
{
        _cleanup_free_ const char **layers = xcalloc(spec->overlay_lower.len + 1, sizeof(char *));
        _cleanup_free_ char *root = NULL;
        size_t n = spec->overlay_lower.len;

        if (make_dir(c->dir, "rootfs", &root, err) < 0)
                return -1;
        for (size_t i = 0; i < n; i++)
                layers[i] = spec->overlay_lower.items[n - 1 - i];
        if (image_vfs_build(layers, n, root, err) < 0)
                return -1;
        strv_clear(&spec->overlay_lower);
        *ret_root = steal_pointer(&root);
        return 0;
}

int image_container_prepare(image_store *store, const char *reference, const char *container_id,
                            const struct image_overrides *overrides, struct burrow_spec *spec,
                            struct image_container *ret, burrow_error **err)
{
        image_record rec = {0};
        image_config cfg = {0};
        _cleanup_free_ char *json = NULL, *merged = NULL, *image_file = NULL;
        struct image_container c = {.lock_fd = -1};
        size_t len;
        int r = -1;

        if (store_resolve(store, reference, &rec, err) < 0)
                return -1;
        if (store_read_blob(store, rec.config_digest, CONFIG_MAX, &json, &len, err) < 0 ||
            manifest_parse_config(json, len, &cfg, err) < 0) {
                error_wrap(err, "image %s", reference);
                goto out;
        }
        if (apply_config(&cfg, overrides, spec, err) < 0)
                goto out;
        /* overlay's lowerdir lists the topmost layer first. */
        for (size_t i = rec.n_layers; i-- > 0;) {
                char *dir = xasprintf("%s/layers/%s/diff", store->root, hex_of(rec.layers[i].diff_id));
                struct stat st;
                if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
                        error_make(err, ENOENT, "image %s: layer %s is not extracted (load the image again)", reference,
                                   rec.layers[i].diff_id);
                        free(dir);
                        goto out;
                }
                strv_push_owned(&spec->overlay_lower, dir);
        }

        if (image_container_open(store, container_id, overrides->reuse, &c, err) < 0)
                goto out;
        image_file = xasprintf("%s/image", c.dir);
        if (!overrides->reuse || access(image_file, F_OK) < 0) {
                _cleanup_close_ int fd = open(image_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
                if (fd < 0 || fd_write_all(fd, rec.id, strlen(rec.id)) < 0) {
                        error_make(err, errno, "write %s", image_file);
                        goto out;
                }
        }
        if (overrides->reuse) {
                /* `start`: the writable layer the container had (its driver decided by what is there). */
                _cleanup_free_ char *vfs_root = xasprintf("%s/rootfs", c.dir);
                if (access(vfs_root, F_OK) == 0) {
                        strv_clear(&spec->overlay_lower);
                        spec->storage_driver = SPEC_STORAGE_VFS;
                        merged = steal_pointer(&vfs_root);
                } else {
                        spec->overlay_upper = xasprintf("%s/upper", c.dir);
                        spec->overlay_work = xasprintf("%s/work", c.dir);
                        merged = xasprintf("%s/merged", c.dir);
                }
        } else if (spec->storage_driver == SPEC_STORAGE_VFS) {
                if (make_vfs_root(&c, spec, &merged, err) < 0)
                        goto out;
        } else if (make_dir(c.dir, "upper", &spec->overlay_upper, err) < 0 ||
                   make_dir(c.dir, "work", &spec->overlay_work, err) < 0 ||
                   make_dir(c.dir, "merged", &merged, err) < 0) {
                goto out;
        }
        free(spec->rootfs);
        spec->rootfs = steal_pointer(&merged);
        *ret = c;
        c = (struct image_container){.lock_fd = -1};
        r = 0;
out:
        if (r < 0)
                image_container_remove(&c);
        image_config_clear(&cfg);
        image_record_clear(&rec);
        return r;
}

int image_container_open(image_store *store, const char *container_id, bool reuse, struct image_container *ret,
                         burrow_error **err)
{
        _cleanup_free_ char *containers = xasprintf("%s/containers", store->root);
        struct image_container c = {.lock_fd = -1};

        if (mkdir(containers, 0700) < 0 && errno != EEXIST)
                return error_make(err, errno, "create %s", containers);
        c.dir = xasprintf("%s/%s", containers, container_id);
        if (!reuse && mkdir(c.dir, 0755) < 0) {
                error_make(err, errno, "create %s", c.dir);
                free(c.dir);
                return -1;
        }
        c.lock_fd = open(c.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (c.lock_fd < 0 || flock(c.lock_fd, LOCK_EX | LOCK_NB) < 0) {
                int e = errno;
                cleanup_closep(&c.lock_fd);
                free(c.dir);
                if (e == EWOULDBLOCK)
                        return error_make(err, EBUSY, "container %.12s is running", container_id);
                return error_make(err, e, "lock the container %.12s", container_id);
        }
        *ret = c;
        return 0;
}

void image_container_release(struct image_container *c)
{
        cleanup_closep(&c->lock_fd);
        free(c->dir);
        *c = (struct image_container){.lock_fd = -1};
}

/* Most writable layers hold only files the caller may remove (the container's root is the caller): try that first,
 * it costs no namespace and no newuidmap. */
static bool remove_as_caller(const char *dir)
{
        _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        burrow_error *err = NULL;

        if (fd < 0 || unpack_remove_contents(fd, &err) < 0) {
                error_free(&err);
                return false;
        }
        return rmdir(dir) == 0;
}

static void container_remove(struct image_container *c, bool quiet)
{
        if (c->dir && !remove_as_caller(c->dir)) {
                burrow_error *err = NULL;
                /* What is left belongs to the container's other users, i.e. subordinate ids: remove it from inside a
                 * namespace with the same mapping. */
                if (image_remove_layer_dir(c->dir, &err) < 0) {
                        if (!quiet)
                                fprintf(stderr, "burrow: warning: remove %s: %s\n", c->dir, err->msg);
                        error_free(&err);
                }
        }
        cleanup_closep(&c->lock_fd);
        free(c->dir);
        *c = (struct image_container){.lock_fd = -1};
}

void image_container_remove(struct image_container *c)
{
        container_remove(c, false);
}

/* Calls fn for each container directory; `held` tells whether its burrow still runs (holds the lock). */
static void for_each_container(image_store *store, void (*fn)(const char *dir, bool held, void *arg), void *arg)
{
        _cleanup_free_ char *containers = xasprintf("%s/containers", store->root);
        DIR *d = opendir(containers);
        struct dirent *e;

        if (d == NULL)
                return;
        while ((e = readdir(d)) != NULL) {
                _cleanup_free_ char *dir = NULL;
                _cleanup_close_ int fd = -1;
                bool held;

                if (e->d_name[0] == '.')
                        continue;
                dir = xasprintf("%s/%s", containers, e->d_name);
                fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (fd < 0)
                        continue;
                held = flock(fd, LOCK_SH | LOCK_NB) < 0;
                fn(dir, held, arg);
        }
        closedir(d);
}

/* A kept container (run -d without --rm) has a record that says so; the directory of a foreground run or of a --rm
 * container whose burrow was killed is left to collect. */
static bool has_record(const char *dir)
{
        struct ctr_record rec;
        burrow_error *err = NULL;
        bool kept;

        if (ctr_record_read(dir, &rec, &err) < 0) {
                error_free(&err);
                return false;
        }
        kept = !rec.remove;
        ctr_record_clear(&rec);
        return kept;
}

static void collect_one(const char *dir, bool held, void *arg)
{
        struct image_container c = {.dir = xstrdup(dir), .lock_fd = -1};

        (void)arg;
        if (held || has_record(dir)) {
                free(c.dir);
                return;
        }
        /* Best effort and quiet: a container still dying keeps its mount point busy; a later run collects it. */
        container_remove(&c, true);
}

void image_containers_collect(image_store *store)
{
        for_each_container(store, collect_one, NULL);
}

struct in_use_query {
        const char *id;
        bool found;
};

static void match_one(const char *dir, bool held, void *arg)
{
        struct in_use_query *q = arg;
        _cleanup_free_ char *path = xasprintf("%s/image", dir), *id = NULL;

        if ((held || has_record(dir)) && file_read_all(path, 128, &id, NULL, NULL) == 0 && strcmp(id, q->id) == 0)
                q->found = true;
}

bool image_in_use(image_store *store, const char *id)
{
        struct in_use_query q = {.id = id};

        for_each_container(store, match_one, &q);
        return q.found;
}
