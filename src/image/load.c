/* Importers: OCI layout, oci-archive, docker-archive, and rootfs tarballs. Archives are unpacked with libarchive into a
 * private directory under the store's tmp/ (regular files only; links resolved inside it), and their blobs are then
 * verified and renamed into the store, so that each byte is written once. A layout directory given by the user is
 * copied blob by blob, verified while copying. */
#include "image/load.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "image/archive-dl.h"
#include "image/digest.h"
#include "image/extract.h"
#include "image/manifest.h"
#include "image/reference.h"
#include "util/cleanup.h"
#include "util/fileutil.h"

#define ARCHIVE_ENTRIES_MAX 100000
#define ARCHIVE_NAME_MAX    4096
#define LINK_PASSES_MAX     8
#define SMALL_FILE_MAX      MANIFEST_JSON_MAX
#define COPY_CHUNK          (256 * 1024)

static void json_putp(json_object **o)
{
        if (*o)
                json_object_put(*o);
}
#define _cleanup_json_ __attribute__((cleanup(json_putp)))

static void archive_freep(struct archive **a)
{
        if (*a)
                archive_read_free(*a);
}
#define _cleanup_archive_ __attribute__((cleanup(archive_freep)))

/* ---- unpacking an archive into a private directory ---- */

/* A member name made relative and clean; NULL for names that would leave the directory. */
static char *clean_member_name(const char *name)
{
        _cleanup_free_ char *out = NULL;
        size_t len = 0;

        if (name == NULL || strlen(name) > ARCHIVE_NAME_MAX)
                return NULL;
        out = xmalloc(strlen(name) + 1);
        for (const char *p = name; *p;) {
                size_t seg = strcspn(p, "/");
                if (seg == 2 && p[0] == '.' && p[1] == '.')
                        return NULL;
                if (seg > 0 && !(seg == 1 && p[0] == '.')) {
                        if (len > 0)
                                out[len++] = '/';
                        memcpy(out + len, p, seg);
                        len += seg;
                }
                p += seg;
                while (*p == '/')
                        p++;
        }
        out[len] = '\0';
        for (size_t i = 0; i < len; i++)
                if ((unsigned char)out[i] < 0x20)
                        return NULL;
        return steal_pointer(&out);
}

/* Creates the parent directories of rel below dirfd (all of them ours: no symlink can be in the way). */
static int make_parents(int dirfd, const char *rel, burrow_error **err)
{
        _cleanup_free_ char *copy = xstrdup(rel);

        for (char *p = copy; (p = strchr(p, '/')) != NULL; p++) {
                *p = '\0';
                if (mkdirat(dirfd, copy, 0700) < 0 && errno != EEXIST)
                        return error_make(err, errno, "mkdir %s", copy);
                *p = '/';
        }
        return 0;
}

struct pending_link {
        char *name;
        char *target;
};

static int write_member(struct archive *a, int dirfd, const char *name, burrow_error **err)
{
        _cleanup_free_ char *buf = xmalloc(COPY_CHUNK);
        _cleanup_close_ int fd = -1;

        if (make_parents(dirfd, name, err) < 0)
                return -1;
        unlinkat(dirfd, name, 0);
        fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
                return error_make(err, errno, "create %s", name);
        for (;;) {
                la_ssize_t n = archive_read_data(a, buf, COPY_CHUNK);
                if (n < 0)
                        return error_make(err, 0, "%s: %s", name, archive_error_string(a));
                if (n == 0)
                        return 0;
                if (fd_write_all(fd, buf, (size_t)n) < 0)
                        return error_make(err, errno, "write %s", name);
        }
}

/* Resolves a symlink's target against the member's directory; NULL when it leaves the archive. */
static char *resolve_symlink(const char *name, const char *target)
{
        _cleanup_free_ char *joined = NULL;
        const char *slash = strrchr(name, '/');

        if (target[0] == '/')
                return NULL;
        joined = slash ? xasprintf("%.*s/%s", (int)(slash - name), name, target) : xstrdup(target);
        /* clean_member_name() refuses "..", so resolve it here component by component. */
        {
                _cleanup_free_ char *out = xmalloc(strlen(joined) + 1);
                size_t len = 0;
                for (const char *p = joined; *p;) {
                        size_t seg = strcspn(p, "/");
                        if (seg == 2 && p[0] == '.' && p[1] == '.') {
                                if (len == 0)
                                        return NULL;
                                while (len > 0 && out[len - 1] != '/')
                                        len--;
                                if (len > 0)
                                        len--;
                        } else if (seg > 0 && !(seg == 1 && p[0] == '.')) {
                                if (len > 0)
                                        out[len++] = '/';
                                memcpy(out + len, p, seg);
                                len += seg;
                        }
                        p += seg;
                        while (*p == '/')
                                p++;
                }
                out[len] = '\0';
                return len ? steal_pointer(&out) : NULL;
        }
}

static int unpack_to_dir(int in_fd, const char *what, int dirfd, burrow_error **err)
{
        _cleanup_archive_ struct archive *a = archive_read_new();
        struct pending_link *links = NULL;
        size_t n_links = 0, entries = 0;
        struct archive_entry *entry;
        int r = -1, ar;

        archive_read_support_format_tar(a);
        archive_read_support_filter_all(a);
        if (archive_read_open_fd(a, in_fd, COPY_CHUNK) != ARCHIVE_OK)
                return error_make(err, 0, "%s: %s", what, archive_error_string(a));
        while ((ar = archive_read_next_header(a, &entry)) == ARCHIVE_OK) {
                _cleanup_free_ char *name = clean_member_name(archive_entry_pathname(entry));
                const char *hardlink = archive_entry_hardlink(entry);
                const char *symlink = archive_entry_symlink(entry);

                if (++entries > ARCHIVE_ENTRIES_MAX) {
                        error_make(err, E2BIG, "%s: more than %d members", what, ARCHIVE_ENTRIES_MAX);
                        goto out;
                }
                if (name == NULL) {
                        error_make(err, 0, "%s: unsafe member name \"%.200s\"", what,
                                   archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "");
                        goto out;
                }
                if (name[0] == '\0')
                        continue;
                if (hardlink || (symlink && archive_entry_filetype(entry) == AE_IFLNK)) {
                        char *target = hardlink ? clean_member_name(hardlink) : resolve_symlink(name, symlink);
                        if (target == NULL || target[0] == '\0') {
                                free(target);
                                error_make(err, 0, "%s: %s: link leaves the archive", what, name);
                                goto out;
                        }
                        links = xrealloc(links, (n_links + 1) * sizeof(*links));
                        links[n_links++] = (struct pending_link){steal_pointer(&name), target};
                        continue;
                }
                switch (archive_entry_filetype(entry)) {
                case AE_IFDIR:
                        if (make_parents(dirfd, name, err) < 0)
                                goto out;
                        if (mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST) {
                                error_make(err, errno, "%s: mkdir %s", what, name);
                                goto out;
                        }
                        break;
                case AE_IFREG:
                        if (write_member(a, dirfd, name, err) < 0) {
                                error_wrap(err, "%s", what);
                                goto out;
                        }
                        break;
                default:
                        break; /* nothing an image archive needs */
                }
        }
        if (ar != ARCHIVE_EOF) {
                error_make(err, 0, "%s: %s", what, archive_error_string(a));
                goto out;
        }
        /* Links (docker save's layer.tar symlinks) become hard links to regular files we wrote; a link to a link
         * resolves in a later pass. */
        for (size_t pass = 0, done = 0; done < n_links; pass++) {
                size_t progress = 0;
                if (pass == LINK_PASSES_MAX) {
                        error_make(err, 0, "%s: links nest too deep or point nowhere", what);
                        goto out;
                }
                for (size_t i = 0; i < n_links; i++) {
                        struct stat st;
                        if (links[i].name == NULL)
                                continue;
                        if (fstatat(dirfd, links[i].target, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
                                continue;
                        if (make_parents(dirfd, links[i].name, err) < 0)
                                goto out;
                        unlinkat(dirfd, links[i].name, 0);
                        if (linkat(dirfd, links[i].target, dirfd, links[i].name, 0) < 0) {
                                error_make(err, errno, "%s: link %s", what, links[i].name);
                                goto out;
                        }
                        free(links[i].name);
                        links[i].name = NULL;
                        progress++;
                        done++;
                }
                if (progress == 0 && done < n_links) {
                        error_make(err, 0, "%s: a link points to a missing member", what);
                        goto out;
                }
        }
        r = 0;
out:
        for (size_t i = 0; i < n_links; i++) {
                free(links[i].name);
                free(links[i].target);
        }
        free(links);
        return r;
}

/* ---- reading from a source directory ---- */

static int read_small_file(int dirfd, const char *name, char **ret, size_t *ret_len, burrow_error **err)
{
        int r = file_read_all_at(dirfd, name, SMALL_FILE_MAX, ret, ret_len, err);

        if (r < 0 && (*err)->errnum == E2BIG) {
                error_free(err);
                return error_make(err, E2BIG, "%s: larger than %d bytes", name, SMALL_FILE_MAX);
        }
        return r;
}

/* Where the blobs come from: a directory of the user's (copied) or one of ours under tmp/ (moved). */
struct source {
        int dirfd;
        bool ours;
        const load_options *opts;
};

/* Brings the file `name` of the source into the store, verifying it against expected (when given) and the size
 * (when >= 0). */
static int import_blob(image_store *store, const struct source *src, const char *name, const char *expected,
                       int64_t expected_size, char ret_digest[static DIGEST_STRING_LEN + 1], uint64_t *ret_size,
                       burrow_error **err)
{
        uint64_t size = 0;

        if (expected && store_has_blob(store, expected)) {
                _cleanup_free_ char *path = xasprintf("blobs/sha256/%s", digest_hex(expected));
                struct stat st;
                if (fstatat(store->root_fd, path, &st, 0) < 0)
                        return error_make(err, errno, "store: %s", path);
                memcpy(ret_digest, expected, DIGEST_STRING_LEN + 1);
                size = (uint64_t)st.st_size;
        } else if (src->ours) {
                if (store_adopt_blob(store, src->dirfd, name, expected, ret_digest, &size, err) < 0)
                        return -1;
        } else {
                _cleanup_close_ int fd = openat(src->dirfd, name, O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        return error_make(err, errno, "open %s", name);
                if (store_put_blob_fd(store, fd, expected, ret_digest, &size, err) < 0)
                        return error_wrap(err, "%s", name);
        }
        if (expected_size >= 0 && size != (uint64_t)expected_size)
                return error_make(err, 0, "%s: size mismatch: expected %lld bytes, got %llu", name,
                                  (long long)expected_size, (unsigned long long)size);
        if (src->opts->progress)
                fprintf(stderr, "Copying blob %.19s done\n", ret_digest);
        if (ret_size)
                *ret_size = size;
        return 0;
}

static char *blob_name(const char *digest)
{
        return xasprintf("blobs/sha256/%s", digest_hex(digest));
}

/* Reads a (verified) JSON blob from the store. */
static int read_store_json(image_store *store, const char *digest, char **ret, size_t *ret_len, burrow_error **err)
{
        return store_read_blob(store, digest, MANIFEST_JSON_MAX, ret, ret_len, err);
}

/* Extracts a layer into layers/<diffid-hex>/diff unless it is there already. The extraction goes to
 * tmp/layer-<hex>/diff and the user-owned tmp/layer-<hex> is renamed into place once the extractor's diff_id matches
 * the config's: the layer's own root directory may belong to a subordinate id, and renaming a directory to another
 * parent needs write access to it (its ".." changes), so only our wrapper directory moves. */
static int ensure_layer(image_store *store, const store_layer *layer, burrow_error **err)
{
        _cleanup_free_ char *dest = xasprintf("layers/%s", digest_hex(layer->diff_id));
        _cleanup_free_ char *tmp_rel = xasprintf("tmp/layer-%s", digest_hex(layer->diff_id));
        _cleanup_free_ char *diff_abs = xasprintf("%s/%s/diff", store->root, tmp_rel);
        _cleanup_close_ int fd = -1;
        char diff_id[UNPACK_DIFF_ID_SIZE];

        if (faccessat(store->root_fd, dest, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
                return 0;
        if (store_open_blob(store, layer->digest, &fd, err) < 0)
                return -1;
        if (mkdirat(store->root_fd, tmp_rel, 0700) < 0)
                return error_make(err, errno, "store: mkdir %s/%s", store->root, tmp_rel);
        if (image_extract_layer(fd, layer->media_type, diff_abs, diff_id, err) < 0) {
                unlinkat(store->root_fd, tmp_rel, AT_REMOVEDIR); /* the extractor removed diff/ */
                return error_wrap(err, "layer %s", layer->digest);
        }
        if (strcmp(diff_id, layer->diff_id) != 0) {
                burrow_error *ignored = NULL;
                if (image_remove_layer_dir(diff_abs, &ignored) < 0)
                        error_free(&ignored);
                unlinkat(store->root_fd, tmp_rel, AT_REMOVEDIR);
                return error_make(err, 0, "layer %s: diff_id mismatch: the config says %s, the layer is %s",
                                  layer->digest, layer->diff_id, diff_id);
        }
        if (renameat(store->root_fd, tmp_rel, store->root_fd, dest) < 0)
                return error_make(err, errno, "store: rename into %s/%s", store->root, dest);
        return 0;
}

/* Writes the record of an image whose blobs are all in the store, extracting its layers, and reports its names. */
static int finish_image(image_store *store, const char *manifest_digest, const char *config_digest,
                        const image_config *config, store_layer *layers, size_t n_layers, const strv *names,
                        strv *ret_loaded, burrow_error **err)
{
        image_record rec = {0};
        int r;

        rec.id = xstrdup(digest_hex(config_digest));
        rec.manifest_digest = (char *)manifest_digest;
        rec.config_digest = (char *)config_digest;
        rec.created = config->created;
        rec.layers = layers;
        rec.n_layers = n_layers;
        for (size_t i = 0; i < n_layers; i++)
                rec.size += layers[i].size;
        for (size_t i = 0; i < n_layers; i++)
                if (ensure_layer(store, &layers[i], err) < 0) {
                        free(rec.id);
                        return -1;
                }
        rec.names = *names;
        r = store_add_image(store, &rec, err);
        if (r == 0) {
                if (names->len == 0)
                        strv_push_owned(ret_loaded, xasprintf("sha256:%s", rec.id));
                for (size_t i = 0; i < names->len; i++)
                        strv_push(ret_loaded, names->items[i]);
        }
        free(rec.id);
        return r;
}

static void layers_free(store_layer *layers, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(layers[i].digest);
                free(layers[i].diff_id);
                free(layers[i].media_type);
        }
        free(layers);
}

/* Normalizes a name from an archive; names that are not valid references are an error (podman refuses them too). */
static int add_name(strv *names, const char *raw, const char *where, burrow_error **err)
{
        char *name = NULL;

        if (reference_normalize(raw, &name, err) < 0)
                return error_wrap(err, "%s", where);
        if (strv_contains(names, name))
                free(name);
        else
                strv_push_owned(names, name);
        return 0;
}

/* ---- OCI layout ---- */

static const char *host_architecture(void)
{
        static const struct {
                const char *machine, *arch;
        } table[] = {
            {"x86_64", "amd64"}, {"aarch64", "arm64"},   {"armv7l", "arm"},  {"armv6l", "arm"},      {"i686", "386"},
            {"i386", "386"},     {"ppc64le", "ppc64le"}, {"s390x", "s390x"}, {"riscv64", "riscv64"},
        };
        static struct utsname u;

        if (uname(&u) < 0)
                return "amd64";
        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
                if (strcmp(u.machine, table[i].machine) == 0)
                        return table[i].arch;
        return u.machine;
}

static bool platform_matches(const manifest_descriptor *d)
{
        return (d->os == NULL || strcmp(d->os, "linux") == 0) &&
               (d->architecture == NULL || strcmp(d->architecture, host_architecture()) == 0);
}

static int import_oci_manifest(image_store *store, const struct source *src, const manifest_descriptor *desc,
                               const char *ref_name, strv *ret_loaded, burrow_error **err)
{
        _cleanup_free_ char *mname = blob_name(desc->digest), *cname = NULL, *buf = NULL, *cbuf = NULL;
        _cleanup_strv_ strv names = {0};
        char mdigest[DIGEST_STRING_LEN + 1], cdigest[DIGEST_STRING_LEN + 1];
        image_manifest m = {0};
        image_config c = {0};
        store_layer *layers = NULL;
        size_t len, clen, n_layers = 0;
        int r = -1;

        if (import_blob(store, src, mname, desc->digest, desc->size, mdigest, NULL, err) < 0)
                return -1;
        if (read_store_json(store, mdigest, &buf, &len, err) < 0 || manifest_parse(buf, len, &m, err) < 0)
                return error_wrap(err, "%s", desc->digest);
        cname = blob_name(m.config.digest);
        if (import_blob(store, src, cname, m.config.digest, m.config.size, cdigest, NULL, err) < 0)
                goto out;
        if (read_store_json(store, cdigest, &cbuf, &clen, err) < 0 || manifest_parse_config(cbuf, clen, &c, err) < 0) {
                error_wrap(err, "%s", m.config.digest);
                goto out;
        }
        if (c.diff_ids.len != m.n_layers) {
                error_make(err, 0, "%s: the manifest has %zu layers, the config %zu diff_ids", desc->digest, m.n_layers,
                           c.diff_ids.len);
                goto out;
        }
        layers = xcalloc(m.n_layers ? m.n_layers : 1, sizeof(*layers));
        for (size_t i = 0; i < m.n_layers; i++) {
                _cleanup_free_ char *lname = blob_name(m.layers[i].digest);
                char ldigest[DIGEST_STRING_LEN + 1];
                layer_compression comp = LAYER_UNCOMPRESSED;
                uint64_t size;

                if (import_blob(store, src, lname, m.layers[i].digest, m.layers[i].size, ldigest, &size, err) < 0)
                        goto out;
                manifest_layer_compression(m.layers[i].media_type, &comp, NULL);
                if (comp == LAYER_UNCOMPRESSED && strcmp(ldigest, c.diff_ids.items[i]) != 0) {
                        error_make(err, 0, "layer %s: an uncompressed layer's digest must be its diff_id %s", ldigest,
                                   c.diff_ids.items[i]);
                        goto out;
                }
                layers[i].digest = xstrdup(ldigest);
                layers[i].diff_id = xstrdup(c.diff_ids.items[i]);
                layers[i].media_type = xstrdup(m.layers[i].media_type);
                layers[i].size = (int64_t)size;
                n_layers = i + 1;
        }
        if (ref_name && add_name(&names, ref_name, "index.json: " ANNOTATION_REF_NAME, err) < 0)
                goto out;
        r = finish_image(store, mdigest, cdigest, &c, layers, n_layers, &names, ret_loaded, err);
out:
        layers_free(layers, n_layers);
        image_manifest_clear(&m);
        image_config_clear(&c);
        return r;
}

static int check_oci_layout(int dirfd, burrow_error **err)
{
        _cleanup_free_ char *buf = NULL;
        _cleanup_json_ json_object *o = NULL;
        json_object *v = NULL;
        size_t len;

        if (read_small_file(dirfd, "oci-layout", &buf, &len, err) < 0)
                return error_wrap(err, "not an OCI image layout");
        o = json_tokener_parse(buf);
        if (o == NULL || !json_object_object_get_ex(o, "imageLayoutVersion", &v) ||
            json_object_get_type(v) != json_type_string)
                return error_make(err, 0, "oci-layout: imageLayoutVersion: missing");
        if (strncmp(json_object_get_string(v), "1.", 2) != 0)
                return error_make(err, 0, "oci-layout: unsupported imageLayoutVersion \"%.20s\"",
                                  json_object_get_string(v));
        return 0;
}

static int import_oci(image_store *store, const struct source *src, strv *ret_loaded, burrow_error **err)
{
        _cleanup_free_ char *buf = NULL;
        image_index index = {0};
        size_t len, loaded = 0;
        int r = -1;

        if (check_oci_layout(src->dirfd, err) < 0)
                return -1;
        if (read_small_file(src->dirfd, "index.json", &buf, &len, err) < 0 ||
            manifest_parse_index(buf, len, &index, err) < 0)
                return error_wrap(err, "index.json");
        for (size_t i = 0; i < index.n_manifests; i++) {
                const manifest_descriptor *d = &index.manifests[i];
                if (manifest_is_index_type(d->media_type)) {
                        /* A multi-platform image: the manifest for this host. */
                        _cleanup_free_ char *iname = blob_name(d->digest), *ibuf = NULL;
                        char idigest[DIGEST_STRING_LEN + 1];
                        image_index inner = {0};
                        size_t ilen;
                        long pick = -1;
                        if (import_blob(store, src, iname, d->digest, d->size, idigest, NULL, err) < 0 ||
                            read_store_json(store, idigest, &ibuf, &ilen, err) < 0 ||
                            manifest_parse_index(ibuf, ilen, &inner, err) < 0)
                                goto out;
                        for (size_t j = 0; j < inner.n_manifests && pick < 0; j++)
                                if (manifest_is_manifest_type(inner.manifests[j].media_type) &&
                                    platform_matches(&inner.manifests[j]))
                                        pick = (long)j;
                        if (pick < 0) {
                                image_index_clear(&inner);
                                error_make(err, 0, "%s: no image for linux/%s", d->digest, host_architecture());
                                goto out;
                        }
                        r = import_oci_manifest(store, src, &inner.manifests[pick], d->ref_name, ret_loaded, err);
                        image_index_clear(&inner);
                        if (r < 0)
                                goto out;
                        r = -1;
                        loaded++;
                } else if (manifest_is_manifest_type(d->media_type)) {
                        if (index.n_manifests > 1 && !platform_matches(d))
                                continue;
                        if (import_oci_manifest(store, src, d, d->ref_name, ret_loaded, err) < 0)
                                goto out;
                        loaded++;
                }
        }
        if (loaded == 0) {
                error_make(err, 0, "index.json: no image manifest for linux/%s", host_architecture());
                goto out;
        }
        r = 0;
out:
        image_index_clear(&index);
        return r;
}

/* ---- docker-archive ---- */

static int detect_compression(int dirfd, const char *name, layer_compression *ret, burrow_error **err)
{
        _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
        unsigned char magic[4] = {0};

        if (fd < 0)
                return error_make(err, errno, "open %s", name);
        if (fd_read_full(fd, magic, sizeof(magic)) < 0)
                return error_make(err, errno, "read %s", name);
        if (magic[0] == 0x1f && magic[1] == 0x8b)
                *ret = LAYER_GZIP;
        else if (magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd)
                *ret = LAYER_ZSTD;
        else
                *ret = LAYER_UNCOMPRESSED;
        return 0;
}

/* docker save names files after their digest ("<hex>.json", "<hex>/layer.tar" in old archives, "blobs/sha256/<hex>"
 * in new ones); when a config or blob path says its digest, hold the file to it. */
static char *digest_from_path(const char *path, bool is_config)
{
        const char *base = strrchr(path, '/');
        _cleanup_free_ char *hex = NULL;

        base = base ? base + 1 : path;
        if (strncmp(path, "blobs/sha256/", strlen("blobs/sha256/")) == 0 && strchr(path + 13, '/') == NULL)
                hex = xstrdup(path + strlen("blobs/sha256/"));
        else if (is_config && strlen(base) == DIGEST_HEX_LEN + 5 && strcmp(base + DIGEST_HEX_LEN, ".json") == 0)
                hex = xstrndup(base, DIGEST_HEX_LEN);
        if (hex == NULL || strlen(hex) != DIGEST_HEX_LEN || !digest_is_hex_prefix(hex))
                return NULL;
        return xasprintf("sha256:%s", hex);
}

static json_object *descriptor_json(const char *media_type, const char *digest, int64_t size)
{
        json_object *o = json_object_new_object();

        json_object_object_add(o, "mediaType", json_object_new_string(media_type));
        json_object_object_add(o, "digest", json_object_new_string(digest));
        json_object_object_add(o, "size", json_object_new_int64(size));
        return o;
}

/* Writes an OCI manifest for an image that came without one (docker-archive, import). */
static int store_synthesized_manifest(image_store *store, const char *config_digest, int64_t config_size,
                                      const store_layer *layers, size_t n, char ret[static DIGEST_STRING_LEN + 1],
                                      burrow_error **err)
{
        _cleanup_json_ json_object *o = json_object_new_object();
        json_object *arr = json_object_new_array();
        const char *text;

        json_object_object_add(o, "schemaVersion", json_object_new_int(2));
        json_object_object_add(o, "mediaType", json_object_new_string(MEDIA_OCI_MANIFEST));
        json_object_object_add(o, "config", descriptor_json(MEDIA_OCI_CONFIG, config_digest, config_size));
        for (size_t i = 0; i < n; i++)
                json_object_array_add(arr, descriptor_json(layers[i].media_type, layers[i].digest, layers[i].size));
        json_object_object_add(o, "layers", arr);
        text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        return store_put_blob_buffer(store, text, strlen(text), ret, err);
}

static int import_docker_entry(image_store *store, const struct source *src, const docker_manifest_entry *e,
                               strv *ret_loaded, burrow_error **err)
{
        _cleanup_free_ char *expected_config = digest_from_path(e->config, true), *cbuf = NULL;
        _cleanup_strv_ strv names = {0};
        char cdigest[DIGEST_STRING_LEN + 1], mdigest[DIGEST_STRING_LEN + 1];
        image_config c = {0};
        store_layer *layers = NULL;
        size_t clen, n_layers = 0;
        uint64_t csize;
        int r = -1;

        if (import_blob(store, src, e->config, expected_config, -1, cdigest, &csize, err) < 0)
                return -1;
        if (read_store_json(store, cdigest, &cbuf, &clen, err) < 0 || manifest_parse_config(cbuf, clen, &c, err) < 0)
                return error_wrap(err, "%s", e->config);
        if (c.diff_ids.len != e->layers.len) {
                error_make(err, 0, "manifest.json: %zu layers, but the config has %zu diff_ids", e->layers.len,
                           c.diff_ids.len);
                goto out;
        }
        layers = xcalloc(e->layers.len ? e->layers.len : 1, sizeof(*layers));
        for (size_t i = 0; i < e->layers.len; i++) {
                const char *path = e->layers.items[i];
                _cleanup_free_ char *expected = digest_from_path(path, false);
                char ldigest[DIGEST_STRING_LEN + 1];
                layer_compression comp = LAYER_UNCOMPRESSED;
                uint64_t size;

                if (detect_compression(src->dirfd, path, &comp, err) < 0)
                        goto out;
                /* An uncompressed layer is its own diff_id: hold it to the config's. */
                if (expected == NULL && comp == LAYER_UNCOMPRESSED)
                        expected = xstrdup(c.diff_ids.items[i]);
                if (import_blob(store, src, path, expected, -1, ldigest, &size, err) < 0)
                        goto out;
                if (comp == LAYER_UNCOMPRESSED && strcmp(ldigest, c.diff_ids.items[i]) != 0) {
                        error_make(err, 0, "%s: digest mismatch: expected diff_id %s, got %s", path,
                                   c.diff_ids.items[i], ldigest);
                        goto out;
                }
                layers[i].digest = xstrdup(ldigest);
                layers[i].diff_id = xstrdup(c.diff_ids.items[i]);
                layers[i].media_type = xstrdup(manifest_layer_media_type(comp));
                layers[i].size = (int64_t)size;
                n_layers = i + 1;
        }
        for (size_t i = 0; i < e->repo_tags.len; i++) {
                _cleanup_free_ char *where = xasprintf("manifest.json: RepoTags[%zu]", i);
                if (add_name(&names, e->repo_tags.items[i], where, err) < 0)
                        goto out;
        }
        if (store_synthesized_manifest(store, cdigest, (int64_t)csize, layers, n_layers, mdigest, err) < 0)
                goto out;
        r = finish_image(store, mdigest, cdigest, &c, layers, n_layers, &names, ret_loaded, err);
out:
        layers_free(layers, n_layers);
        image_config_clear(&c);
        return r;
}

static int import_docker(image_store *store, const struct source *src, strv *ret_loaded, burrow_error **err)
{
        _cleanup_free_ char *buf = NULL;
        docker_manifest m = {0};
        size_t len;
        int r = 0;

        if (read_small_file(src->dirfd, "manifest.json", &buf, &len, err) < 0 ||
            manifest_parse_docker(buf, len, &m, err) < 0)
                return -1;
        for (size_t i = 0; i < m.n_entries && r == 0; i++)
                r = import_docker_entry(store, src, &m.entries[i], ret_loaded, err);
        docker_manifest_clear(&m);
        return r;
}

/* ---- entry points ---- */

/* Leaves the store as it was before a failed import: the blobs it stored are referenced by no record. */
static int fail_and_collect(image_store *store, burrow_error **err)
{
        burrow_error *gc_err = NULL;

        if (store_gc(store, &gc_err) < 0)
                error_free(&gc_err);
        (void)err;
        return -1;
}

int load_oci_dir(image_store *store, const char *dir, const load_options *opts, strv *ret_loaded, burrow_error **err)
{
        _cleanup_close_ int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        struct source src = {.ours = false, .opts = opts};

        if (dirfd < 0)
                return error_make(err, errno, "open %s", dir);
        src.dirfd = dirfd;
        if (import_oci(store, &src, ret_loaded, err) < 0) {
                error_wrap(err, "%s", dir);
                return fail_and_collect(store, err);
        }
        return 0;
}

int load_archive(image_store *store, const char *path, const load_options *opts, strv *ret_loaded, burrow_error **err)
{
        _cleanup_close_ int in_fd = -1, work_fd = -1;
        _cleanup_free_ char *work = NULL, *work_rel = NULL;
        const char *what = strcmp(path, "-") == 0 ? "stdin" : path;
        struct source src = {.ours = true, .opts = opts};
        burrow_error *ignored = NULL;
        int r;

        if (strcmp(path, "-") == 0)
                in_fd = dup(STDIN_FILENO);
        else
                in_fd = open(path, O_RDONLY | O_CLOEXEC);
        if (in_fd < 0)
                return error_make(err, errno, "open %s", what);
        if (store_make_tmp_dir(store, &work_fd, &work, err) < 0)
                return -1;
        work_rel = xasprintf("tmp/%s", work);
        src.dirfd = work_fd;
        r = unpack_to_dir(in_fd, what, work_fd, err);
        if (r == 0) {
                if (faccessat(work_fd, "manifest.json", F_OK, 0) == 0)
                        r = import_docker(store, &src, ret_loaded, err);
                else if (faccessat(work_fd, "oci-layout", F_OK, 0) == 0)
                        r = import_oci(store, &src, ret_loaded, err);
                else
                        r = error_make(err, 0,
                                       "neither a docker-archive (manifest.json) nor an oci-archive (oci-layout)");
                if (r < 0)
                        error_wrap(err, "%s", what);
        }
        if (store_remove_tree(store, work_rel, &ignored) < 0)
                error_free(&ignored);
        if (r < 0)
                return fail_and_collect(store, err);
        return 0;
}

/* The sha256 of the decompressed stream of a blob: libarchive's raw format behind every decompression filter. */
static int uncompressed_digest(int fd, char ret[static DIGEST_STRING_LEN + 1], burrow_error **err)
{
        _cleanup_archive_ struct archive *a = archive_read_new();
        _cleanup_free_ char *buf = xmalloc(COPY_CHUNK);
        struct archive_entry *entry;
        digest_ctx ctx;

        archive_read_support_filter_all(a);
        archive_read_support_format_raw(a);
        if (archive_read_open_fd(a, fd, COPY_CHUNK) != ARCHIVE_OK || archive_read_next_header(a, &entry) != ARCHIVE_OK)
                return error_make(err, 0, "%s", archive_error_string(a) ? archive_error_string(a) : "empty input");
        digest_init(&ctx);
        for (;;) {
                la_ssize_t n = archive_read_data(a, buf, COPY_CHUNK);
                if (n < 0)
                        return error_make(err, 0, "%s", archive_error_string(a));
                if (n == 0)
                        break;
                digest_update(&ctx, buf, (size_t)n);
        }
        digest_final(&ctx, ret);
        return 0;
}

static char *now_rfc3339(void)
{
        struct timespec ts;
        struct tm tm;
        char buf[64];

        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
        return xasprintf("%s.%09ldZ", buf, ts.tv_nsec);
}

static int import_rootfs(image_store *store, const char *path, const char *name, const load_options *opts,
                         char **ret_id, burrow_error **err)
{
        _cleanup_close_ int in_fd = -1, blob_fd = -1;
        _cleanup_free_ char *created = now_rfc3339();
        _cleanup_json_ json_object *cfg = json_object_new_object();
        _cleanup_strv_ strv names = {0};
        _cleanup_strv_ strv loaded = {0};
        char ldigest[DIGEST_STRING_LEN + 1], diff_id[DIGEST_STRING_LEN + 1], cdigest[DIGEST_STRING_LEN + 1],
            mdigest[DIGEST_STRING_LEN + 1];
        json_object *rootfs, *diff_ids, *history, *entry;
        image_config c = {0};
        store_layer layer = {0};
        layer_compression comp = LAYER_UNCOMPRESSED;
        unsigned char magic[4] = {0};
        const char *text;
        uint64_t size;
        int r;

        if (name && add_name(&names, name, "import", err) < 0)
                return -1;
        in_fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
        if (in_fd < 0)
                return error_make(err, errno, "open %s", path);
        if (store_put_blob_fd(store, in_fd, NULL, ldigest, &size, err) < 0)
                return error_wrap(err, "%s", path);
        if (store_open_blob(store, ldigest, &blob_fd, err) < 0)
                return -1;
        if (fd_read_full(blob_fd, magic, sizeof(magic)) < 0 || lseek(blob_fd, 0, SEEK_SET) < 0)
                return error_make(err, errno, "read %s", path);
        comp = magic[0] == 0x1f && magic[1] == 0x8b                                           ? LAYER_GZIP
               : magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd ? LAYER_ZSTD
                                                                                              : LAYER_UNCOMPRESSED;
        if (uncompressed_digest(blob_fd, diff_id, err) < 0)
                return error_wrap(err, "%s", path);
        if (opts->progress)
                fprintf(stderr, "Copying blob %.19s done\n", ldigest);

        json_object_object_add(cfg, "created", json_object_new_string(created));
        json_object_object_add(cfg, "architecture", json_object_new_string(host_architecture()));
        json_object_object_add(cfg, "os", json_object_new_string("linux"));
        json_object_object_add(cfg, "config", json_object_new_object());
        rootfs = json_object_new_object();
        json_object_object_add(rootfs, "type", json_object_new_string("layers"));
        diff_ids = json_object_new_array();
        json_object_array_add(diff_ids, json_object_new_string(diff_id));
        json_object_object_add(rootfs, "diff_ids", diff_ids);
        json_object_object_add(cfg, "rootfs", rootfs);
        history = json_object_new_array();
        entry = json_object_new_object();
        json_object_object_add(entry, "created", json_object_new_string(created));
        json_object_object_add(entry, "created_by", json_object_new_string("burrow import"));
        json_object_array_add(history, entry);
        json_object_object_add(cfg, "history", history);
        text = json_object_to_json_string_ext(cfg, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        if (store_put_blob_buffer(store, text, strlen(text), cdigest, err) < 0)
                return -1;

        layer.digest = ldigest;
        layer.diff_id = diff_id;
        layer.media_type = (char *)manifest_layer_media_type(comp);
        layer.size = (int64_t)size;
        if (store_synthesized_manifest(store, cdigest, (int64_t)strlen(text), &layer, 1, mdigest, err) < 0)
                return -1;
        c.created = created;
        r = finish_image(store, mdigest, cdigest, &c, &layer, 1, &names, &loaded, err);
        if (r == 0)
                *ret_id = xstrdup(digest_hex(cdigest));
        return r;
}

int load_import_rootfs(image_store *store, const char *path, const char *name, const load_options *opts, char **ret_id,
                       burrow_error **err)
{
        if (import_rootfs(store, path, name, opts, ret_id, err) < 0)
                return fail_and_collect(store, err);
        return 0;
}
