/* The content-addressed image store (layout in store.h). Writers hold an exclusive flock on store.lock for the whole
 * of their work, readers a shared one, so concurrent burrow processes of one user serialize instead of racing; and
 * every file appears by rename() only after it was written, verified and fsync'd, so a crash leaves at most
 * unreferenced files, which the next writer removes (tmp/) or store_gc() collects (blobs, layers). */
#include "image/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/extract.h"
#include "image/reference.h"
#include "util/cleanup.h"
#include "util/fileutil.h"

#define BLOB_COPY_CHUNK (256 * 1024)
#define RECORD_MAX      (1024 * 1024)
#define RECORDS_MAX     100000

static void json_putp(json_object **o)
{
        if (*o)
                json_object_put(*o);
}
#define _cleanup_json_ __attribute__((cleanup(json_putp)))

int store_default_root(char **ret, burrow_error **err)
{
        const char *env = getenv("BURROW_ROOT");
        const char *home;

        if (env && env[0] != '\0') {
                *ret = xstrdup(env);
                return 0;
        }
        env = getenv("XDG_DATA_HOME");
        if (env && env[0] == '/') {
                *ret = xasprintf("%s/burrow", env);
                return 0;
        }
        home = getenv("HOME");
        if (home == NULL || home[0] != '/')
                return error_make(err, 0, "store: neither $XDG_DATA_HOME nor $HOME is set (use --root DIR)");
        *ret = xasprintf("%s/.local/share/burrow", home);
        return 0;
}

static int mkdir_p(const char *path, mode_t mode, burrow_error **err)
{
        _cleanup_free_ char *copy = xstrdup(path);

        for (char *p = copy + 1;; p++) {
                if (*p == '/' || *p == '\0') {
                        char saved = *p;
                        *p = '\0';
                        if (mkdir(copy, mode) < 0 && errno != EEXIST)
                                return error_make(err, errno, "mkdir %s", copy);
                        *p = saved;
                        if (saved == '\0')
                                return 0;
                }
        }
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        (void)st;
        (void)ftw;
        if (flag == FTW_DP ? rmdir(path) : unlink(path))
                return errno == ENOENT ? 0 : -1;
        return 0;
}

int store_remove_tree(image_store *store, const char *relpath, burrow_error **err)
{
        _cleanup_free_ char *path = xasprintf("%s/%s", store->root, relpath);

        if (nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT)
                return error_make(err, errno, "store: remove %s", path);
        return 0;
}

/* Removes a directory under the root that may wrap an extracted layer (layers/<hex>, tmp/layer-<hex>): its diff/
 * holds files owned by subordinate ids, which only the extractor's user namespace can remove. */
static int remove_layer_tree(image_store *store, const char *relpath, burrow_error **err)
{
        _cleanup_free_ char *diff = xasprintf("%s/%s/diff", store->root, relpath);
        burrow_error *first = NULL;

        if (store_remove_tree(store, relpath, &first) == 0)
                return 0;
        error_free(&first);
        if (access(diff, F_OK) == 0 && image_remove_layer_dir(diff, err) < 0)
                return -1;
        return store_remove_tree(store, relpath, err);
}

/* Empties tmp/: whatever is there was left by a writer that died, since only the lock holder writes there. */
static int clean_tmp(image_store *store, burrow_error **err)
{
        _cleanup_close_ int fd = openat(store->root_fd, "tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        burrow_error *ignored = NULL;
        DIR *dir;
        struct dirent *de;
        int r = 0;

        if (fd < 0)
                return error_make(err, errno, "store: open %s/tmp", store->root);
        dir = fdopendir(steal_fd(&fd));
        if (dir == NULL)
                return error_make(err, errno, "store: open %s/tmp", store->root);
        while ((de = readdir(dir)) != NULL) {
                _cleanup_free_ char *rel = NULL;
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                rel = xasprintf("tmp/%s", de->d_name);
                /* Best effort: files an extraction left owned by subordinate ids cannot be removed from outside
                 * the user namespace; they stay until a namespace-aware cleanup removes them. */
                if (remove_layer_tree(store, rel, &ignored) < 0)
                        error_free(&ignored);
        }
        closedir(dir);
        return r;
}

int store_open(const char *root, bool writable, image_store **ret, burrow_error **err)
{
        static const char *dirs[] = {"blobs", "blobs/sha256", "images", "layers", "tmp"};
        image_store *s;

        if (root == NULL || root[0] == '\0')
                return error_make(err, 0, "store: empty root directory");
        if (mkdir_p(root, 0700, err) < 0)
                return error_wrap(err, "store");
        s = xcalloc(1, sizeof(*s));
        s->lock_fd = -1;
        s->root = realpath(root, NULL);
        if (s->root == NULL) {
                error_make(err, errno, "store: %s", root);
                goto fail;
        }
        s->root_fd = open(s->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (s->root_fd < 0) {
                error_make(err, errno, "store: open %s", s->root);
                goto fail;
        }
        for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
                if (mkdirat(s->root_fd, dirs[i], 0700) < 0 && errno != EEXIST) {
                        error_make(err, errno, "store: mkdir %s/%s", s->root, dirs[i]);
                        goto fail;
                }
        s->lock_fd = openat(s->root_fd, "store.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (s->lock_fd < 0) {
                error_make(err, errno, "store: open %s/store.lock", s->root);
                goto fail;
        }
        while (flock(s->lock_fd, writable ? LOCK_EX : LOCK_SH) < 0) {
                if (errno != EINTR) {
                        error_make(err, errno, "store: lock %s/store.lock", s->root);
                        goto fail;
                }
        }
        s->writable = writable;
        if (writable && clean_tmp(s, err) < 0)
                goto fail;
        *ret = s;
        return 0;
fail:
        store_close(s);
        return -1;
}

void store_close(image_store *s)
{
        if (s == NULL)
                return;
        if (s->lock_fd >= 0)
                close(s->lock_fd); /* releases the flock */
        if (s->root_fd >= 0)
                close(s->root_fd);
        free(s->root);
        free(s);
}

static char *blob_path(const char *digest)
{
        return xasprintf("blobs/sha256/%s", digest_hex(digest));
}

bool store_has_blob(image_store *store, const char *digest)
{
        _cleanup_free_ char *path = NULL;

        if (!digest_is_valid(digest))
                return false;
        path = blob_path(digest);
        return faccessat(store->root_fd, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

int store_open_blob(image_store *store, const char *digest, int *ret_fd, burrow_error **err)
{
        _cleanup_free_ char *path = NULL;
        int fd;

        if (digest_validate(digest, err) < 0)
                return error_wrap(err, "store");
        path = blob_path(digest);
        fd = openat(store->root_fd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return error_make(err, errno, "store: blob %s", digest);
        *ret_fd = fd;
        return 0;
}

int store_read_blob(image_store *store, const char *digest, size_t max, char **ret_buf, size_t *ret_len,
                    burrow_error **err)
{
        _cleanup_free_ char *path = NULL;

        if (digest_validate(digest, err) < 0)
                return error_wrap(err, "store");
        path = xasprintf("%s/blobs/sha256/%s", store->root, digest_hex(digest));
        return file_read_all(path, max, ret_buf, ret_len, err);
}

int store_make_tmp_dir(image_store *store, int *ret_fd, char **ret_name, burrow_error **err)
{
        _cleanup_free_ char *path = xasprintf("%s/tmp/work-XXXXXX", store->root);
        int fd;

        if (mkdtemp(path) == NULL)
                return error_make(err, errno, "store: mkdtemp under %s/tmp", store->root);
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return error_make(err, errno, "store: open %s", path);
        *ret_fd = fd;
        *ret_name = xstrdup(strrchr(path, '/') + 1);
        return 0;
}

int store_blob_begin(image_store *store, blob_writer *w, burrow_error **err)
{
        _cleanup_free_ char *path = xasprintf("%s/tmp/blob-XXXXXX", store->root);
        int fd = mkostemp(path, O_CLOEXEC);

        if (fd < 0)
                return error_make(err, errno, "store: create a temporary blob in %s/tmp", store->root);
        w->store = store;
        w->fd = fd;
        w->tmp_name = xasprintf("tmp/%s", strrchr(path, '/') + 1);
        digest_init(&w->digest);
        return 0;
}

int store_blob_write(blob_writer *w, const void *buf, size_t len, burrow_error **err)
{
        digest_update(&w->digest, buf, len);
        if (fd_write_all(w->fd, buf, len) < 0)
                return error_make(err, errno, "store: write %s/%s", w->store->root, w->tmp_name);
        return 0;
}

void store_blob_abort(blob_writer *w)
{
        if (w->fd >= 0) {
                close(w->fd);
                w->fd = -1;
        }
        if (w->tmp_name) {
                unlinkat(w->store->root_fd, w->tmp_name, 0);
                free(w->tmp_name);
                w->tmp_name = NULL;
        }
}

/* Verifies, fsyncs and renames an fd'd file under the root into blobs/; on success the temporary name is gone. */
static int commit_file(image_store *store, int fd, const char *tmp_rel, const char *digest, const char *expected,
                       burrow_error **err)
{
        _cleanup_free_ char *dest = NULL;

        if (expected && strcmp(expected, digest) != 0)
                return error_make(err, 0, "digest mismatch: expected %s, got %s", expected, digest);
        if (fsync(fd) < 0)
                return error_make(err, errno, "store: fsync %s/%s", store->root, tmp_rel);
        dest = blob_path(digest);
        /* An existing blob with this name has the same content: keep it, drop ours. */
        if (faccessat(store->root_fd, dest, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
                unlinkat(store->root_fd, tmp_rel, 0);
                return 0;
        }
        if (fchmod(fd, 0644) < 0)
                return error_make(err, errno, "store: chmod %s/%s", store->root, tmp_rel);
        if (renameat(store->root_fd, tmp_rel, store->root_fd, dest) < 0)
                return error_make(err, errno, "store: rename into %s/%s", store->root, dest);
        return 0;
}

int store_blob_commit(blob_writer *w, const char *expected, char ret_digest[static DIGEST_STRING_LEN + 1],
                      uint64_t *ret_size, burrow_error **err)
{
        char digest[DIGEST_STRING_LEN + 1];
        uint64_t size = w->digest.size;

        digest_final(&w->digest, digest);
        if (commit_file(w->store, w->fd, w->tmp_name, digest, expected, err) < 0) {
                store_blob_abort(w);
                return -1;
        }
        close(w->fd);
        w->fd = -1;
        free(w->tmp_name);
        w->tmp_name = NULL;
        if (ret_digest)
                memcpy(ret_digest, digest, sizeof(digest));
        if (ret_size)
                *ret_size = size;
        return 0;
}

int store_put_blob_fd(image_store *store, int fd, const char *expected, char ret_digest[static DIGEST_STRING_LEN + 1],
                      uint64_t *ret_size, burrow_error **err)
{
        _cleanup_free_ char *buf = xmalloc(BLOB_COPY_CHUNK);
        blob_writer w;

        if (store_blob_begin(store, &w, err) < 0)
                return -1;
        for (;;) {
                ssize_t n = read(fd, buf, BLOB_COPY_CHUNK);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        error_make(err, errno, "read");
                        store_blob_abort(&w);
                        return -1;
                }
                if (n == 0)
                        break;
                if (store_blob_write(&w, buf, (size_t)n, err) < 0) {
                        store_blob_abort(&w);
                        return -1;
                }
        }
        return store_blob_commit(&w, expected, ret_digest, ret_size, err);
}

int store_put_blob_buffer(image_store *store, const void *buf, size_t len,
                          char ret_digest[static DIGEST_STRING_LEN + 1], burrow_error **err)
{
        blob_writer w;

        if (store_blob_begin(store, &w, err) < 0)
                return -1;
        if (store_blob_write(&w, buf, len, err) < 0) {
                store_blob_abort(&w);
                return -1;
        }
        return store_blob_commit(&w, NULL, ret_digest, NULL, err);
}

int store_adopt_blob(image_store *store, int tmp_dirfd, const char *name, const char *expected,
                     char ret_digest[static DIGEST_STRING_LEN + 1], uint64_t *ret_size, burrow_error **err)
{
        _cleanup_close_ int fd = openat(tmp_dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        _cleanup_free_ char *tmp_rel = NULL;
        char digest[DIGEST_STRING_LEN + 1];
        int dest_fd;
        uint64_t size;

        if (fd < 0)
                return error_make(err, errno, "open %s", name);
        if (digest_fd(fd, digest, &size, err) < 0)
                return error_wrap(err, "%s", name);
        if (expected && strcmp(expected, digest) != 0)
                return error_make(err, 0, "%s: digest mismatch: expected %s, got %s", name, expected, digest);
        /* The file lives somewhere below tmp/; move it to tmp/ under a unique name first, then commit as any blob. */
        tmp_rel = xasprintf("tmp/adopt-%s", digest_hex(digest));
        dest_fd = store->root_fd;
        if (renameat(tmp_dirfd, name, dest_fd, tmp_rel) < 0)
                return error_make(err, errno, "store: rename %s", name);
        if (commit_file(store, fd, tmp_rel, digest, NULL, err) < 0) {
                unlinkat(store->root_fd, tmp_rel, 0);
                return -1;
        }
        memcpy(ret_digest, digest, sizeof(digest));
        if (ret_size)
                *ret_size = size;
        return 0;
}

/* ---- image records ---- */

void image_record_clear(image_record *r)
{
        free(r->id);
        strv_clear(&r->names);
        free(r->manifest_digest);
        free(r->config_digest);
        free(r->created);
        for (size_t i = 0; i < r->n_layers; i++) {
                free(r->layers[i].digest);
                free(r->layers[i].diff_id);
                free(r->layers[i].media_type);
        }
        free(r->layers);
        *r = (image_record){0};
}

void image_records_free(image_record *records, size_t n)
{
        for (size_t i = 0; i < n; i++)
                image_record_clear(&records[i]);
        free(records);
}

static json_object *record_to_json(const image_record *r)
{
        json_object *o = json_object_new_object(), *names = json_object_new_array(), *layers = json_object_new_array();

        json_object_object_add(o, "id", json_object_new_string(r->id));
        for (size_t i = 0; i < r->names.len; i++)
                json_object_array_add(names, json_object_new_string(r->names.items[i]));
        json_object_object_add(o, "names", names);
        json_object_object_add(o, "manifest", json_object_new_string(r->manifest_digest));
        json_object_object_add(o, "config", json_object_new_string(r->config_digest));
        if (r->created)
                json_object_object_add(o, "created", json_object_new_string(r->created));
        json_object_object_add(o, "size", json_object_new_int64(r->size));
        for (size_t i = 0; i < r->n_layers; i++) {
                json_object *l = json_object_new_object();
                json_object_object_add(l, "digest", json_object_new_string(r->layers[i].digest));
                json_object_object_add(l, "diffId", json_object_new_string(r->layers[i].diff_id));
                json_object_object_add(l, "mediaType", json_object_new_string(r->layers[i].media_type));
                json_object_object_add(l, "size", json_object_new_int64(r->layers[i].size));
                json_object_array_add(layers, l);
        }
        json_object_object_add(o, "layers", layers);
        return o;
}

static const char *json_str(json_object *o, const char *key)
{
        json_object *v = NULL;

        if (!json_object_object_get_ex(o, key, &v) || json_object_get_type(v) != json_type_string)
                return NULL;
        return json_object_get_string(v);
}

static int record_from_json(const char *path, const char *buf, image_record *ret, burrow_error **err)
{
        _cleanup_json_ json_object *o = json_tokener_parse(buf);
        image_record r = {0};
        json_object *v = NULL;
        const char *s;

        if (o == NULL || json_object_get_type(o) != json_type_object)
                return error_make(err, 0, "store: %s: not a JSON object", path);
        s = json_str(o, "id");
        if (s == NULL || strlen(s) != DIGEST_HEX_LEN || !digest_is_hex_prefix(s))
                return error_make(err, 0, "store: %s: bad id", path);
        r.id = xstrdup(s);
        if (json_object_object_get_ex(o, "names", &v) && json_object_get_type(v) == json_type_array)
                for (size_t i = 0; i < json_object_array_length(v); i++) {
                        json_object *n = json_object_array_get_idx(v, i);
                        if (json_object_get_type(n) == json_type_string)
                                strv_push(&r.names, json_object_get_string(n));
                }
        r.manifest_digest = xstrdup(json_str(o, "manifest") ? json_str(o, "manifest") : "");
        r.config_digest = xstrdup(json_str(o, "config") ? json_str(o, "config") : "");
        if (json_str(o, "created"))
                r.created = xstrdup(json_str(o, "created"));
        if (json_object_object_get_ex(o, "size", &v))
                r.size = json_object_get_int64(v);
        if (json_object_object_get_ex(o, "layers", &v) && json_object_get_type(v) == json_type_array) {
                size_t n = json_object_array_length(v);
                r.layers = xcalloc(n ? n : 1, sizeof(*r.layers));
                for (size_t i = 0; i < n; i++) {
                        json_object *l = json_object_array_get_idx(v, i);
                        const char *d = json_str(l, "digest"), *id = json_str(l, "diffId"),
                                   *mt = json_str(l, "mediaType");
                        json_object *sz = NULL;
                        if (!digest_is_valid(d) || !digest_is_valid(id) || mt == NULL) {
                                image_record_clear(&r);
                                return error_make(err, 0, "store: %s: layers[%zu]: malformed", path, i);
                        }
                        r.layers[i].digest = xstrdup(d);
                        r.layers[i].diff_id = xstrdup(id);
                        r.layers[i].media_type = xstrdup(mt);
                        if (json_object_object_get_ex(l, "size", &sz))
                                r.layers[i].size = json_object_get_int64(sz);
                        r.n_layers = i + 1;
                }
        }
        if (!digest_is_valid(r.manifest_digest) || !digest_is_valid(r.config_digest)) {
                image_record_clear(&r);
                return error_make(err, 0, "store: %s: malformed digests", path);
        }
        *ret = r;
        return 0;
}

static int read_record(image_store *store, const char *id, image_record *ret, burrow_error **err)
{
        _cleanup_free_ char *path = xasprintf("%s/images/%s.json", store->root, id);
        _cleanup_free_ char *buf = NULL;

        if (file_read_all(path, RECORD_MAX, &buf, NULL, err) < 0)
                return error_wrap(err, "store");
        return record_from_json(path, buf, ret, err);
}

static int write_record(image_store *store, const image_record *r, burrow_error **err)
{
        _cleanup_json_ json_object *o = record_to_json(r);
        _cleanup_free_ char *tmp = xasprintf("tmp/record-%s.json", r->id);
        _cleanup_free_ char *dest = xasprintf("images/%s.json", r->id);
        _cleanup_close_ int fd = -1;
        const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);

        fd = openat(store->root_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return error_make(err, errno, "store: create %s/%s", store->root, tmp);
        if (fd_write_all(fd, text, strlen(text)) < 0 || fd_write_all(fd, "\n", 1) < 0 || fsync(fd) < 0) {
                error_make(err, errno, "store: write %s/%s", store->root, tmp);
                unlinkat(store->root_fd, tmp, 0);
                return -1;
        }
        if (renameat(store->root_fd, tmp, store->root_fd, dest) < 0) {
                error_make(err, errno, "store: rename into %s/%s", store->root, dest);
                unlinkat(store->root_fd, tmp, 0);
                return -1;
        }
        return 0;
}

static int compare_created(const void *a, const void *b)
{
        const image_record *x = a, *y = b;
        const char *cx = x->created ? x->created : "", *cy = y->created ? y->created : "";
        int c = strcmp(cy, cx);
        return c ? c : strcmp(x->id, y->id);
}

int store_list_images(image_store *store, image_record **ret, size_t *ret_n, burrow_error **err)
{
        _cleanup_close_ int fd = openat(store->root_fd, "images", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        image_record *records = NULL;
        size_t n = 0, cap = 0;
        struct dirent *de;
        DIR *dir;

        if (fd < 0)
                return error_make(err, errno, "store: open %s/images", store->root);
        dir = fdopendir(steal_fd(&fd));
        if (dir == NULL)
                return error_make(err, errno, "store: open %s/images", store->root);
        while ((de = readdir(dir)) != NULL) {
                size_t len = strlen(de->d_name);
                _cleanup_free_ char *id = NULL;
                if (len != DIGEST_HEX_LEN + 5 || strcmp(de->d_name + DIGEST_HEX_LEN, ".json") != 0)
                        continue;
                id = xstrndup(de->d_name, DIGEST_HEX_LEN);
                if (!digest_is_hex_prefix(id))
                        continue;
                if (n == RECORDS_MAX)
                        break;
                if (n == cap) {
                        cap = cap ? cap * 2 : 16;
                        records = xrealloc(records, cap * sizeof(*records));
                }
                if (read_record(store, id, &records[n], err) < 0) {
                        closedir(dir);
                        image_records_free(records, n);
                        return -1;
                }
                n++;
        }
        closedir(dir);
        if (n > 1)
                qsort(records, n, sizeof(*records), compare_created);
        *ret = records;
        *ret_n = n;
        return 0;
}

/* Takes `name` away from every image but `keep_id` (podman: a name belongs to one image). */
static int take_name_from_others(image_store *store, const char *name, const char *keep_id, burrow_error **err)
{
        image_record *records = NULL;
        size_t n = 0;
        int r = 0;

        if (store_list_images(store, &records, &n, err) < 0)
                return -1;
        for (size_t i = 0; i < n && r == 0; i++) {
                image_record *rec = &records[i];
                long idx = -1;
                if (strcmp(rec->id, keep_id) == 0)
                        continue;
                for (size_t j = 0; j < rec->names.len; j++)
                        if (strcmp(rec->names.items[j], name) == 0)
                                idx = (long)j;
                if (idx < 0)
                        continue;
                free(rec->names.items[idx]);
                memmove(&rec->names.items[idx], &rec->names.items[idx + 1],
                        (rec->names.len - (size_t)idx) * sizeof(char *));
                rec->names.len--;
                r = write_record(store, rec, err);
        }
        image_records_free(records, n);
        return r;
}

int store_add_image(image_store *store, const image_record *record, burrow_error **err)
{
        image_record existing = {0};
        _cleanup_free_ char *rel = xasprintf("images/%s.json", record->id);
        const image_record *to_write = record;
        int r;

        for (size_t i = 0; i < record->names.len; i++)
                if (take_name_from_others(store, record->names.items[i], record->id, err) < 0)
                        return -1;
        if (faccessat(store->root_fd, rel, F_OK, 0) == 0) {
                if (read_record(store, record->id, &existing, err) < 0)
                        return -1;
                for (size_t i = 0; i < record->names.len; i++)
                        if (!strv_contains(&existing.names, record->names.items[i]))
                                strv_push(&existing.names, record->names.items[i]);
                to_write = &existing;
        }
        r = write_record(store, to_write, err);
        image_record_clear(&existing);
        return r;
}

static bool record_matches(const image_record *rec, const image_reference *ref)
{
        if (ref->digest) {
                if (strcmp(rec->manifest_digest, ref->digest) != 0)
                        return false;
                /* name@digest: the name must be one of the image's (any tag). */
                for (size_t i = 0; i < rec->names.len; i++) {
                        image_reference r = *ref;
                        const char *colon = strrchr(rec->names.items[i], ':');
                        if (colon == NULL)
                                continue;
                        r.tag = (char *)(colon + 1);
                        if (reference_matches_name(&r, rec->names.items[i]))
                                return true;
                }
                return false;
        }
        for (size_t i = 0; i < rec->names.len; i++)
                if (reference_matches_name(ref, rec->names.items[i]))
                        return true;
        return false;
}

int store_resolve(image_store *store, const char *reference, image_record *ret, burrow_error **err)
{
        image_record *records = NULL;
        size_t n = 0;
        long found = -1;
        image_reference ref = {0};
        int r = -1;

        if (store_list_images(store, &records, &n, err) < 0)
                return -1;
        /* An id or id prefix (podman accepts any unique prefix, and "sha256:" before it). */
        if (reference_looks_like_id(reference)) {
                const char *hex = reference;
                size_t matches = 0;
                if (strncmp(hex, DIGEST_PREFIX, strlen(DIGEST_PREFIX)) == 0)
                        hex += strlen(DIGEST_PREFIX);
                for (size_t i = 0; i < n; i++)
                        if (strncmp(records[i].id, hex, strlen(hex)) == 0) {
                                found = (long)i;
                                matches++;
                        }
                if (matches > 1) {
                        error_make(err, 0, "image id prefix \"%s\" is ambiguous: it matches %zu images", reference,
                                   matches);
                        goto out;
                }
        }
        /* A bare digest names the image whose manifest has it. */
        if (found < 0 && digest_is_valid(reference))
                for (size_t i = 0; i < n; i++)
                        if (strcmp(records[i].manifest_digest, reference) == 0)
                                found = (long)i;
        if (found < 0) {
                if (reference_parse(reference, &ref, err) < 0)
                        goto out;
                /* The exact normalized name wins over a short-name match under another registry. */
                for (size_t pass = 0; pass < 2 && found < 0; pass++)
                        for (size_t i = 0; i < n && found < 0; i++) {
                                _cleanup_free_ char *full = reference_name_tag(&ref);
                                if (pass == 0
                                        ? full != NULL && ref.digest == NULL && strv_contains(&records[i].names, full)
                                        : record_matches(&records[i], &ref))
                                        found = (long)i;
                        }
        }
        if (found < 0) {
                error_make(err, 0, "%s: image not known", reference);
                goto out;
        }
        *ret = records[found];
        records[found] = (image_record){0};
        r = 0;
out:
        reference_clear(&ref);
        image_records_free(records, n);
        return r;
}

int store_tag(image_store *store, const char *id, const char *name, burrow_error **err)
{
        image_record rec = {0};
        int r;

        if (read_record(store, id, &rec, err) < 0)
                return -1;
        if (!strv_contains(&rec.names, name))
                strv_push(&rec.names, name);
        r = store_add_image(store, &rec, err);
        image_record_clear(&rec);
        return r;
}

int store_untag(image_store *store, const char *id, const char *name, burrow_error **err)
{
        image_record rec = {0};
        size_t out = 0;
        int r;

        if (read_record(store, id, &rec, err) < 0)
                return -1;
        for (size_t i = 0; i < rec.names.len; i++) {
                if (strcmp(rec.names.items[i], name) == 0)
                        free(rec.names.items[i]);
                else
                        rec.names.items[out++] = rec.names.items[i];
        }
        rec.names.len = out;
        if (rec.names.items)
                rec.names.items[out] = NULL;
        r = write_record(store, &rec, err);
        image_record_clear(&rec);
        return r;
}

int store_remove_image(image_store *store, const char *id, burrow_error **err)
{
        _cleanup_free_ char *rel = xasprintf("images/%s.json", id);

        if (unlinkat(store->root_fd, rel, 0) < 0 && errno != ENOENT)
                return error_make(err, errno, "store: remove %s/%s", store->root, rel);
        return store_gc(store, err);
}

/* Removes the entries of dir (blobs/sha256 or layers) whose name is not in keep. */
static int gc_dir(image_store *store, const char *dirname, const strv *keep, burrow_error **err)
{
        _cleanup_close_ int fd = openat(store->root_fd, dirname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        struct dirent *de;
        DIR *dir;
        int r = 0;

        if (fd < 0)
                return error_make(err, errno, "store: open %s/%s", store->root, dirname);
        dir = fdopendir(steal_fd(&fd));
        if (dir == NULL)
                return error_make(err, errno, "store: open %s/%s", store->root, dirname);
        while ((de = readdir(dir)) != NULL && r == 0) {
                _cleanup_free_ char *rel = NULL;
                if (de->d_name[0] == '.' || strv_contains(keep, de->d_name))
                        continue;
                rel = xasprintf("%s/%s", dirname, de->d_name);
                r = strcmp(dirname, "layers") == 0 ? remove_layer_tree(store, rel, err)
                                                   : store_remove_tree(store, rel, err);
        }
        closedir(dir);
        return r;
}

int store_gc(image_store *store, burrow_error **err)
{
        _cleanup_strv_ strv blobs = {0};
        _cleanup_strv_ strv layers = {0};
        image_record *records = NULL;
        size_t n = 0;

        if (store_list_images(store, &records, &n, err) < 0)
                return -1;
        for (size_t i = 0; i < n; i++) {
                strv_push(&blobs, digest_hex(records[i].manifest_digest));
                strv_push(&blobs, digest_hex(records[i].config_digest));
                for (size_t j = 0; j < records[i].n_layers; j++) {
                        strv_push(&blobs, digest_hex(records[i].layers[j].digest));
                        strv_push(&layers, digest_hex(records[i].layers[j].diff_id));
                }
        }
        image_records_free(records, n);
        if (gc_dir(store, "blobs/sha256", &blobs, err) < 0 || gc_dir(store, "layers", &layers, err) < 0)
                return -1;
        return 0;
}
