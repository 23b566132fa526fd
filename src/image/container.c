#include "image/container.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

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
        _cleanup_free_ char *json = NULL, *containers = NULL, *merged = NULL, *image_file = NULL;
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

        containers = xasprintf("%s/containers", store->root);
        if (mkdir(containers, 0700) < 0 && errno != EEXIST) {
                error_make(err, errno, "create %s", containers);
                goto out;
        }
        if (make_dir(containers, container_id, &c.dir, err) < 0)
                goto out;
        c.lock_fd = open(c.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (c.lock_fd < 0 || flock(c.lock_fd, LOCK_EX | LOCK_NB) < 0) {
                error_make(err, errno, "lock %s", c.dir);
                goto out;
        }
        image_file = xasprintf("%s/image", c.dir);
        {
                _cleanup_close_ int fd = open(image_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
                if (fd < 0 || fd_write_all(fd, rec.id, strlen(rec.id)) < 0) {
                        error_make(err, errno, "write %s", image_file);
                        goto out;
                }
        }
        if (spec->storage_driver == SPEC_STORAGE_VFS) {
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

static void collect_one(const char *dir, bool held, void *arg)
{
        struct image_container c = {.dir = xstrdup(dir), .lock_fd = -1};

        (void)arg;
        if (held) {
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

        if (held && file_read_all(path, 128, &id, NULL, NULL) == 0 && strcmp(id, q->id) == 0)
                q->found = true;
}

bool image_in_use(image_store *store, const char *id)
{
        struct in_use_query q = {.id = id};

        for_each_container(store, match_one, &q);
        return q.found;
}
