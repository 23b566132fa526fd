#include "oci/state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "container/inspect.h"
#include "util/cleanup.h"
#include "util/fileutil.h"

static const char *const status_names[] = {
    [OCI_CREATING] = "creating", [OCI_CREATED] = "created", [OCI_RUNNING] = "running",
    [OCI_PAUSED] = "paused",     [OCI_STOPPED] = "stopped",
};

const char *oci_status_name(enum oci_status s)
{
        return status_names[s];
}

static int private_dir(const char *path, burrow_error **err)
{
        struct stat st;

        if (mkdir(path, 0700) < 0 && errno != EEXIST)
                return error_make(err, errno, "create %s", path);
        if (lstat(path, &st) < 0)
                return error_make(err, errno, "%s", path);
        if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid())
                return error_make(err, EPERM, "%s: not a directory of yours", path);
        return 0;
}

int oci_state_root(const char *given, char **ret, burrow_error **err)
{
        const char *xdg = getenv("XDG_RUNTIME_DIR");
        _cleanup_free_ char *root = NULL;
        struct stat st;

        if (given)
                root = xstrdup(given);
        else if (xdg && xdg[0] == '/' && stat(xdg, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid())
                root = xasprintf("%s/burrow-oci", xdg);
        else
                root = xasprintf("/tmp/burrow-oci-%u", (unsigned)geteuid());
        /* --root may name a directory whose parents do not exist yet (as runc and crun accept). */
        for (char *p = root + 1; given && *p; p++)
                if (*p == '/') {
                        *p = '\0';
                        if (mkdir(root, 0700) < 0 && errno != EEXIST) {
                                int e = errno;
                                *p = '/';
                                return error_make(err, e, "create %s", root);
                        }
                        *p = '/';
                }
        if (private_dir(root, err) < 0)
                return error_wrap(err, "--root");
        *ret = steal_pointer(&root);
        return 0;
}

int oci_id_check(const char *id, burrow_error **err)
{
        size_t n = strlen(id);

        if (n == 0 || n > 1024 || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
                return error_make(err, 0, "invalid container id \"%.64s\"", id);
        for (size_t i = 0; i < n; i++) {
                char c = id[i];
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                      c == '+' || c == '-' || c == '.'))
                        return error_make(err, 0, "invalid container id \"%.64s\": only letters, digits, _ + - .", id);
        }
        return 0;
}

static const char *get_string(struct json_object *o, const char *key)
{
        struct json_object *v;

        return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
                   ? json_object_get_string(v)
                   : NULL;
}

int oci_container_load(const char *root, const char *id, struct oci_container *ret, burrow_error **err)
{
        struct oci_container c = {0};
        _cleanup_free_ char *path = NULL, *text = NULL, *fifo = NULL;
        struct json_object *o = NULL, *ann;
        int pidfd;

        if (oci_id_check(id, err) < 0)
                return -1;
        c.id = xstrdup(id);
        c.dir = xasprintf("%s/%s", root, id);
        path = xasprintf("%s/oci.json", c.dir);
        if (access(c.dir, F_OK) < 0) {
                oci_container_clear(&c);
                return error_make(err, -ENOENT, "container %.64s does not exist", id);
        }
        if (file_read_all(path, 1 << 22, &text, NULL, NULL) < 0) {
                /* create has not written it yet */
                c.status = OCI_CREATING;
                *ret = c;
                return 0;
        }
        o = json_tokener_parse(text);
        if (o == NULL || !json_object_is_type(o, json_type_object)) {
                json_object_put(o);
                oci_container_clear(&c);
                return error_make(err, EINVAL, "%s: damaged", path);
        }
        c.bundle = xstrdup(get_string(o, "bundle") ? get_string(o, "bundle") : "");
        if (json_object_object_get_ex(o, "created", &ann))
                c.created_ns = json_object_get_int64(ann);
        if (json_object_object_get_ex(o, "annotations", &ann) && json_object_is_type(ann, json_type_object)) {
                json_object_object_foreach(ann, k, v)
                    strv_push_owned(&c.annotations, xasprintf("%s=%s", k, json_object_get_string(v)));
        }
        json_object_put(o);
        if (ctr_state_read(c.dir, &c.state, err) < 0) {
                oci_container_clear(&c);
                return -1;
        }
        pidfd = ctr_open_init_pidfd(&c.state);
        fifo = xasprintf("%s/exec.fifo", c.dir);
        if (pidfd < 0) {
                c.status = c.state.status == CTR_CREATED && c.state.pid == 0 ? OCI_CREATING : OCI_STOPPED;
        } else {
                _cleanup_free_ char *freeze = NULL, *fpath = NULL;
                close(pidfd);
                c.status = access(fifo, F_OK) == 0 ? OCI_CREATED : OCI_RUNNING;
                if (c.state.cgroup) {
                        fpath = xasprintf("%s/cgroup.freeze", c.state.cgroup);
                        if (file_read_all(fpath, 16, &freeze, NULL, NULL) == 0 && freeze[0] == '1')
                                c.status = OCI_PAUSED;
                }
        }
        *ret = c;
        return 0;
}

void oci_container_clear(struct oci_container *c)
{
        free(c->id);
        free(c->dir);
        free(c->bundle);
        strv_clear(&c->annotations);
        ctr_state_clear(&c->state);
        *c = (struct oci_container){0};
}

static struct json_object *annotations_json(const strv *a)
{
        struct json_object *o = json_object_new_object();

        for (size_t i = 0; i < a->len; i++) {
                const char *eq = strchr(a->items[i], '=');
                _cleanup_free_ char *k = eq ? xstrndup(a->items[i], (size_t)(eq - a->items[i])) : xstrdup(a->items[i]);
                json_object_object_add(o, k, json_object_new_string(eq ? eq + 1 : ""));
        }
        return o;
}

int oci_write_file_atomic(const char *path, const char *text, burrow_error **err)
{
        _cleanup_free_ char *tmp = xasprintf("%s.tmp%d", path, (int)getpid());
        _cleanup_close_ int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);

        if (fd < 0)
                return error_make(err, errno, "create %s", tmp);
        if (fd_write_all(fd, text, strlen(text)) < 0 || rename(tmp, path) < 0) {
                int e = errno;
                unlink(tmp);
                return error_make(err, e, "write %s", path);
        }
        return 0;
}

int oci_container_write_record(const struct oci_container *c, burrow_error **err)
{
        struct json_object *o = json_object_new_object();
        _cleanup_free_ char *path = xasprintf("%s/oci.json", c->dir);
        int r;

        json_object_object_add(o, "id", json_object_new_string(c->id));
        json_object_object_add(o, "bundle", json_object_new_string(c->bundle ? c->bundle : ""));
        json_object_object_add(o, "created", json_object_new_int64(c->created_ns));
        json_object_object_add(o, "annotations", annotations_json(&c->annotations));
        r = oci_write_file_atomic(path, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), err);
        json_object_put(o);
        return r;
}

char *oci_state_json(const struct oci_container *c, bool pretty)
{
        struct json_object *o = json_object_new_object();
        struct passwd *pw = getpwuid(geteuid());
        char created[64];
        char *text;
        bool alive = c->status == OCI_CREATED || c->status == OCI_RUNNING || c->status == OCI_PAUSED;

        ctr_format_rfc3339(c->created_ns, created, sizeof(created));
        json_object_object_add(o, "ociVersion", json_object_new_string("1.2.0"));
        json_object_object_add(o, "id", json_object_new_string(c->id));
        json_object_object_add(o, "status", json_object_new_string(oci_status_name(c->status)));
        json_object_object_add(o, "pid", json_object_new_int(alive ? c->state.pid : 0));
        json_object_object_add(o, "bundle", json_object_new_string(c->bundle ? c->bundle : ""));
        json_object_object_add(o, "rootfs", json_object_new_string(""));
        json_object_object_add(o, "created", json_object_new_string(created));
        json_object_object_add(o, "owner", json_object_new_string(pw ? pw->pw_name : ""));
        json_object_object_add(o, "annotations", annotations_json(&c->annotations));
        text = xstrdup(json_object_to_json_string_ext(o, (pretty ? JSON_C_TO_STRING_PRETTY : JSON_C_TO_STRING_PLAIN) |
                                                             JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(o);
        return text;
}

static void remove_tree(int dirfd)
{
        DIR *d = fdopendir(dirfd);
        struct dirent *e;

        if (d == NULL) {
                close(dirfd);
                return;
        }
        while ((e = readdir(d)) != NULL) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                        continue;
                if (unlinkat(dirfd, e->d_name, 0) < 0 && errno == EISDIR) {
                        int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (sub >= 0)
                                remove_tree(sub);
                        unlinkat(dirfd, e->d_name, AT_REMOVEDIR);
                }
        }
        closedir(d);
}

void oci_container_remove_dir(const char *dir)
{
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

        if (fd >= 0)
                remove_tree(fd);
        rmdir(dir);
}
