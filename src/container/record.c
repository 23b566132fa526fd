#include "container/record.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fileutil.h"

/* A record is small; anything larger is not one of ours. */
#define RECORD_MAX (4 << 20)

static const char *const status_names[] = {
    [CTR_CREATED] = "created",
    [CTR_RUNNING] = "running",
    [CTR_EXITED] = "exited",
    [CTR_STOPPING] = "stopping",
};

const char *ctr_status_name(enum ctr_status s)
{
        return (unsigned)s < sizeof(status_names) / sizeof(status_names[0]) ? status_names[s] : "unknown";
}

static int status_parse(const char *s, enum ctr_status *ret)
{
        for (size_t i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++)
                if (status_names[i] && strcmp(s, status_names[i]) == 0) {
                        *ret = (enum ctr_status)i;
                        return 0;
                }
        return -1;
}

char *ctr_dir(const char *store_root, const char *id)
{
        return xasprintf("%s/containers/%s", store_root, id);
}

bool ctr_id_valid(const char *id)
{
        size_t n = 0;

        for (; id[n]; n++)
                if (!((id[n] >= '0' && id[n] <= '9') || (id[n] >= 'a' && id[n] <= 'f')))
                        return false;
        return n == 64;
}

int ctr_name_check(const char *name, burrow_error **err)
{
        size_t n = strlen(name);

        if (n == 0)
                return error_make(err, 0, "invalid container name \"\": it is empty");
        if (n > CTR_NAME_MAX)
                return error_make(err, 0, "invalid container name: longer than %d characters", CTR_NAME_MAX);
        for (size_t i = 0; i < n; i++) {
                char c = name[i];
                bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
                if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-'))) {
                        _cleanup_free_ char *shown = error_printable(name, 64);
                        return error_make(err, 0,
                                          "invalid container name \"%s\": only [a-zA-Z0-9][a-zA-Z0-9_.-]* are allowed",
                                          shown);
                }
        }
        return 0;
}

/* docker's name generator, in spirit: an adjective and a scientist. */
static const char *const name_left[] = {
    "admiring", "brave",  "clever", "dreamy", "eager",   "festive", "gallant", "happy",  "jolly",   "keen",
    "loving",   "modest", "nifty",  "quirky", "relaxed", "serene",  "tender",  "upbeat", "vibrant", "zealous",
};
static const char *const name_right[] = {
    "babbage",  "curie",   "darwin",  "euclid",  "fermat",  "goodall", "hopper",   "hypatia", "kepler",  "lamarr",
    "lovelace", "meitner", "noether", "pasteur", "ritchie", "shannon", "thompson", "turing",  "wozniak", "yonath",
};

char *ctr_name_generate(void)
{
        uint32_t r[2] = {0, 0};

        if (getrandom(r, sizeof(r), 0) != sizeof(r)) {
                r[0] = (uint32_t)getpid();
                r[1] = (uint32_t)time(NULL);
        }
        return xasprintf("%s_%s", name_left[r[0] % (sizeof(name_left) / sizeof(name_left[0]))],
                         name_right[r[1] % (sizeof(name_right) / sizeof(name_right[0]))]);
}

/* Writes `obj` to dir/name through a temporary file and rename(2): a reader sees the old file or the new, never half.
 */
static int write_json_atomic(const char *dir, const char *name, struct json_object *obj, burrow_error **err)
{
        _cleanup_free_ char *tmp = xasprintf("%s/.%s.tmp%d", dir, name, (int)getpid());
        _cleanup_free_ char *path = xasprintf("%s/%s", dir, name);
        const char *text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);
        _cleanup_close_ int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);

        if (fd < 0)
                return error_make(err, errno, "create %s", tmp);
        if (fd_write_all(fd, text, strlen(text)) < 0 || fd_write_all(fd, "\n", 1) < 0) {
                int e = errno;
                unlink(tmp);
                return error_make(err, e, "write %s", tmp);
        }
        if (rename(tmp, path) < 0) {
                int e = errno;
                unlink(tmp);
                return error_make(err, e, "rename %s", path);
        }
        return 0;
}

static int read_json(const char *dir, const char *name, struct json_object **ret, burrow_error **err)
{
        _cleanup_free_ char *path = xasprintf("%s/%s", dir, name), *text = NULL;
        struct json_object *obj;
        size_t len;

        if (file_read_all(path, RECORD_MAX, &text, &len, err) < 0)
                return -1;
        obj = json_tokener_parse(text);
        if (obj == NULL || !json_object_is_type(obj, json_type_object)) {
                json_object_put(obj);
                return error_make(err, EINVAL, "%s: not a JSON object", path);
        }
        *ret = obj;
        return 0;
}

static const char *get_string(struct json_object *obj, const char *key)
{
        struct json_object *v;

        if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
                return NULL;
        return json_object_get_string(v);
}

static int64_t get_int(struct json_object *obj, const char *key, int64_t dflt)
{
        struct json_object *v;

        if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_int))
                return dflt;
        return json_object_get_int64(v);
}

static bool get_bool(struct json_object *obj, const char *key)
{
        struct json_object *v;

        return json_object_object_get_ex(obj, key, &v) && json_object_is_type(v, json_type_boolean) &&
               json_object_get_boolean(v);
}

static char *dup_or_null(const char *s)
{
        return s ? xstrdup(s) : NULL;
}

static void add_string(struct json_object *obj, const char *key, const char *value)
{
        json_object_object_add(obj, key, value ? json_object_new_string(value) : NULL);
}

int ctr_record_write(const char *dir, const struct ctr_record *rec, burrow_error **err)
{
        struct json_object *obj = json_object_new_object(), *argv = json_object_new_array();
        int r;

        add_string(obj, "Id", rec->id);
        add_string(obj, "Name", rec->name);
        json_object_object_add(obj, "CreatedNs", json_object_new_int64(rec->created_ns));
        add_string(obj, "Image", rec->image);
        add_string(obj, "ImageId", rec->image_id);
        for (size_t i = 0; i < rec->argv.len; i++)
                json_object_array_add(argv, json_object_new_string(rec->argv.items[i]));
        json_object_object_add(obj, "Args", argv);
        json_object_object_add(obj, "ImageIndex", json_object_new_int(rec->image_index));
        json_object_object_add(obj, "Remove", json_object_new_boolean(rec->remove));
        json_object_object_add(obj, "Detached", json_object_new_boolean(rec->detached));
        if (rec->inspect)
                json_object_object_add(obj, "Inspect", json_object_get(rec->inspect));
        r = write_json_atomic(dir, "container.json", obj, err);
        json_object_put(obj);
        return r;
}

int ctr_record_read(const char *dir, struct ctr_record *ret, burrow_error **err)
{
        struct json_object *obj = NULL, *argv, *inspect;
        struct ctr_record rec = {.image_index = -1};
        const char *id, *name;

        if (read_json(dir, "container.json", &obj, err) < 0)
                return -1;
        id = get_string(obj, "Id");
        name = get_string(obj, "Name");
        if (id == NULL || !ctr_id_valid(id) || name == NULL || !json_object_object_get_ex(obj, "Args", &argv) ||
            !json_object_is_type(argv, json_type_array)) {
                json_object_put(obj);
                return error_make(err, EINVAL, "%s/container.json: not a container record", dir);
        }
        rec.id = xstrdup(id);
        rec.name = xstrdup(name);
        rec.created_ns = get_int(obj, "CreatedNs", 0);
        rec.image = dup_or_null(get_string(obj, "Image"));
        rec.image_id = dup_or_null(get_string(obj, "ImageId"));
        for (size_t i = 0; i < json_object_array_length(argv); i++) {
                struct json_object *a = json_object_array_get_idx(argv, i);
                strv_push(&rec.argv, json_object_is_type(a, json_type_string) ? json_object_get_string(a) : "");
        }
        rec.image_index = (int)get_int(obj, "ImageIndex", -1);
        if (rec.image_index >= (int)rec.argv.len || rec.image_index < -1)
                rec.image_index = -1;
        rec.remove = get_bool(obj, "Remove");
        rec.detached = get_bool(obj, "Detached");
        if (json_object_object_get_ex(obj, "Inspect", &inspect) && json_object_is_type(inspect, json_type_object))
                rec.inspect = json_object_get(inspect);
        json_object_put(obj);
        *ret = rec;
        return 0;
}

void ctr_record_clear(struct ctr_record *rec)
{
        free(rec->id);
        free(rec->name);
        free(rec->image);
        free(rec->image_id);
        strv_clear(&rec->argv);
        json_object_put(rec->inspect);
        *rec = (struct ctr_record){.image_index = -1};
}

int ctr_state_write(const char *dir, const struct ctr_state *st, burrow_error **err)
{
        struct json_object *obj = json_object_new_object();
        int r;

        add_string(obj, "Status", ctr_status_name(st->status));
        json_object_object_add(obj, "Pid", json_object_new_int(st->pid));
        json_object_object_add(obj, "PidStart", json_object_new_int64((int64_t)st->pid_start));
        json_object_object_add(obj, "SupervisorPid", json_object_new_int(st->supervisor_pid));
        add_string(obj, "BootId", st->boot_id);
        json_object_object_add(obj, "StartedNs", json_object_new_int64(st->started_ns));
        json_object_object_add(obj, "FinishedNs", json_object_new_int64(st->finished_ns));
        json_object_object_add(obj, "ExitCode", json_object_new_int(st->exit_code));
        json_object_object_add(obj, "OOMKilled", json_object_new_boolean(st->oom_killed));
        add_string(obj, "Cgroup", st->cgroup);
        if (st->ports)
                json_object_object_add(obj, "Ports", json_object_get(st->ports));
        add_string(obj, "Error", st->error);
        r = write_json_atomic(dir, "state.json", obj, err);
        json_object_put(obj);
        return r;
}

int ctr_state_read(const char *dir, struct ctr_state *ret, burrow_error **err)
{
        struct json_object *obj = NULL, *ports;
        struct ctr_state st = {.status = CTR_CREATED, .exit_code = 0};
        _cleanup_free_ char *path = xasprintf("%s/state.json", dir);
        const char *status;

        if (access(path, F_OK) < 0 && errno == ENOENT) {
                *ret = st;
                return 0;
        }
        if (read_json(dir, "state.json", &obj, err) < 0)
                return -1;
        status = get_string(obj, "Status");
        if (status == NULL || status_parse(status, &st.status) < 0) {
                json_object_put(obj);
                return error_make(err, EINVAL, "%s: no valid Status", path);
        }
        st.pid = (pid_t)get_int(obj, "Pid", 0);
        st.pid_start = (uint64_t)get_int(obj, "PidStart", 0);
        st.supervisor_pid = (pid_t)get_int(obj, "SupervisorPid", 0);
        st.boot_id = dup_or_null(get_string(obj, "BootId"));
        st.started_ns = get_int(obj, "StartedNs", 0);
        st.finished_ns = get_int(obj, "FinishedNs", 0);
        st.exit_code = (int)get_int(obj, "ExitCode", -1);
        st.oom_killed = get_bool(obj, "OOMKilled");
        st.cgroup = dup_or_null(get_string(obj, "Cgroup"));
        if (json_object_object_get_ex(obj, "Ports", &ports) && json_object_is_type(ports, json_type_object))
                st.ports = json_object_get(ports);
        st.error = dup_or_null(get_string(obj, "Error"));
        json_object_put(obj);
        *ret = st;
        return 0;
}

void ctr_state_clear(struct ctr_state *st)
{
        free(st->boot_id);
        free(st->cgroup);
        free(st->error);
        json_object_put(st->ports);
        *st = (struct ctr_state){0};
}

bool ctr_supervisor_alive(const char *dir)
{
        _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        return fd >= 0 && flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
}

int ctr_state_read_live(const char *dir, struct ctr_state *ret, burrow_error **err)
{
        if (ctr_state_read(dir, ret, err) < 0)
                return -1;
        if ((ret->status == CTR_RUNNING || ret->status == CTR_STOPPING) && !ctr_supervisor_alive(dir)) {
                ret->status = CTR_EXITED;
                ret->exit_code = -1;
        }
        return 0;
}

uint64_t ctr_process_start_time(pid_t pid)
{
        _cleanup_free_ char *path = xasprintf("/proc/%d/stat", (int)pid), *text = NULL;
        char *p;
        unsigned long long start = 0;

        if (pid <= 0 || file_read_all(path, 4096, &text, NULL, NULL) < 0)
                return 0;
        /* The command name may hold spaces and parentheses: fields are counted after its last ')'. */
        p = strrchr(text, ')');
        if (p == NULL)
                return 0;
        /* Field 3 (state) follows; the start time is field 22. */
        if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu", &start) !=
            1)
                return 0;
        return start;
}

/* The state letter of /proc/PID/stat (R, S, D, Z, ...), or 0. */
static char process_state(pid_t pid)
{
        _cleanup_free_ char *path = xasprintf("/proc/%d/stat", (int)pid), *text = NULL;
        char *p;

        if (file_read_all(path, 4096, &text, NULL, NULL) < 0 || (p = strrchr(text, ')')) == NULL || p[1] != ' ')
                return 0;
        return p[2];
}

char *ctr_boot_id(void)
{
        char *id = NULL;

        if (file_read_all("/proc/sys/kernel/random/boot_id", 64, &id, NULL, NULL) < 0)
                return NULL;
        id[strcspn(id, "\n")] = '\0';
        return id;
}

int ctr_open_init_pidfd(const struct ctr_state *st)
{
        _cleanup_free_ char *boot = ctr_boot_id();
        int fd;

        if (st->pid <= 0 || st->boot_id == NULL || boot == NULL || strcmp(boot, st->boot_id) != 0)
                return -ESRCH;
        fd = (int)syscall(SYS_pidfd_open, st->pid, 0);
        if (fd < 0)
                return -errno;
        /* A zombie has ended: its parent (an engine's subreaper, for `burrow oci`) just has not reaped it yet. */
        if (ctr_process_start_time(st->pid) != st->pid_start || process_state(st->pid) == 'Z') {
                close(fd);
                return -ESRCH;
        }
        return fd;
}

struct listed {
        char *id;
        int64_t created;
};

static int by_created(const void *a, const void *b)
{
        const struct listed *x = a, *y = b;

        if (x->created != y->created)
                return x->created < y->created ? -1 : 1;
        return strcmp(x->id, y->id);
}

int ctr_list(const char *store_root, strv *ret_ids, burrow_error **err)
{
        _cleanup_free_ char *containers = xasprintf("%s/containers", store_root);
        _cleanup_free_ struct listed *list = NULL;
        size_t n = 0, cap = 0;
        DIR *d = opendir(containers);
        struct dirent *e;

        *ret_ids = (strv){0};
        if (d == NULL)
                return errno == ENOENT ? 0 : error_make(err, errno, "open %s", containers);
        while ((e = readdir(d)) != NULL) {
                _cleanup_free_ char *dir = NULL;
                struct ctr_record rec;
                burrow_error *ignored = NULL;

                if (!ctr_id_valid(e->d_name))
                        continue;
                dir = xasprintf("%s/%s", containers, e->d_name);
                /* A directory without a record is a run being set up or one to collect: not a container yet. */
                if (ctr_record_read(dir, &rec, &ignored) < 0) {
                        error_free(&ignored);
                        continue;
                }
                if (n == cap) {
                        cap = cap ? cap * 2 : 16;
                        list = xrealloc(list, cap * sizeof(*list));
                }
                list[n++] = (struct listed){.id = steal_pointer(&rec.id), .created = rec.created_ns};
                ctr_record_clear(&rec);
        }
        closedir(d);
        qsort(list, n, sizeof(*list), by_created);
        for (size_t i = 0; i < n; i++)
                strv_push_owned(ret_ids, list[i].id);
        return 0;
}

int ctr_resolve(const char *store_root, const char *name_or_id, char **ret_id, burrow_error **err)
{
        _cleanup_strv_ strv ids = {0};
        const char *match = NULL;
        size_t len = strlen(name_or_id);

        if (len == 0)
                return error_make(err, 0, "no such container: \"\"");
        /* A full id names its directory: no need to read every record (ps looks up each container by id). */
        if (ctr_id_valid(name_or_id)) {
                _cleanup_free_ char *dir = ctr_dir(store_root, name_or_id), *rec = xasprintf("%s/container.json", dir);
                if (access(rec, F_OK) == 0) {
                        *ret_id = xstrdup(name_or_id);
                        return 0;
                }
        }
        if (len <= CTR_NAME_MAX && ctr_name_check(name_or_id, NULL) == 0) {
                _cleanup_free_ char *link = xasprintf("%s/names/%s", store_root, name_or_id);
                char target[80];
                ssize_t n = readlink(link, target, sizeof(target) - 1);
                if (n == 64) {
                        _cleanup_free_ char *dir = NULL;
                        target[n] = '\0';
                        dir = ctr_dir(store_root, target);
                        if (ctr_id_valid(target) && access(dir, F_OK) == 0) {
                                *ret_id = xstrdup(target);
                                return 0;
                        }
                }
        }
        if (ctr_list(store_root, &ids, err) < 0)
                return -1;
        for (size_t i = 0; i < ids.len; i++) {
                if (strncmp(ids.items[i], name_or_id, len) != 0)
                        continue;
                if (match) {
                        _cleanup_free_ char *shown = error_printable(name_or_id, 80);
                        return error_make(err, 0, "container id prefix \"%s\" is ambiguous: give more characters",
                                          shown);
                }
                match = ids.items[i];
        }
        if (match == NULL) {
                _cleanup_free_ char *shown = error_printable(name_or_id, 80);
                return error_make(err, -ENOENT, "no such container: %s", shown);
        }
        *ret_id = xstrdup(match);
        return 0;
}

int ctr_name_reserve(const char *store_root, const char *name, const char *id, burrow_error **err)
{
        _cleanup_free_ char *names = xasprintf("%s/names", store_root);
        _cleanup_free_ char *link = xasprintf("%s/%s", names, name);
        char target[80];
        ssize_t n;

        if (ctr_name_check(name, err) < 0)
                return -1;
        if (mkdir(names, 0700) < 0 && errno != EEXIST)
                return error_make(err, errno, "create %s", names);
        for (int attempt = 0; attempt < 2; attempt++) {
                if (symlink(id, link) == 0)
                        return 0;
                if (errno != EEXIST)
                        return error_make(err, errno, "create %s", link);
                n = readlink(link, target, sizeof(target) - 1);
                if (n == 64) {
                        _cleanup_free_ char *dir = NULL;
                        target[n] = '\0';
                        dir = ctr_dir(store_root, target);
                        /* Taken by a container that exists (or is being created, under the lock we hold). */
                        if (access(dir, F_OK) == 0)
                                return error_make(err, EEXIST,
                                                  "the container name \"%s\" is already in use by %.12s: remove that "
                                                  "container or choose another name",
                                                  name, target);
                }
                /* A stale name of a container that is gone: take it over. */
                unlink(link);
        }
        return error_make(err, EEXIST, "reserve the container name \"%s\"", name);
}

void ctr_name_release(const char *store_root, const char *name, const char *id)
{
        _cleanup_free_ char *link = NULL;
        char target[80];
        ssize_t n;

        if (name == NULL || ctr_name_check(name, NULL) < 0)
                return;
        link = xasprintf("%s/names/%s", store_root, name);
        n = readlink(link, target, sizeof(target) - 1);
        if (n < 0)
                return;
        target[n] = '\0';
        if (strcmp(target, id) == 0)
                unlink(link);
}

/* The runtime directory must be ours alone: the control sockets in it hand out the containers' namespaces. */
static int check_private_dir(const char *path, burrow_error **err)
{
        struct stat st;

        if (lstat(path, &st) < 0)
                return error_make(err, errno, "%s", path);
        if (!S_ISDIR(st.st_mode))
                return error_make(err, ENOTDIR, "%s: not a directory", path);
        if (st.st_uid != getuid())
                return error_make(err, EPERM, "%s: owned by uid %u, not by you", path, (unsigned)st.st_uid);
        if ((st.st_mode & 077) != 0)
                return error_make(err, EPERM, "%s: mode %04o, must be 0700 (private)", path,
                                  (unsigned)(st.st_mode & 07777));
        return 0;
}

int ctr_runtime_dir(char **ret, burrow_error **err)
{
        const char *xdg = getenv("XDG_RUNTIME_DIR");
        _cleanup_free_ char *dir = NULL;
        struct stat st;

        if (xdg && xdg[0] == '/' && stat(xdg, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid())
                dir = xasprintf("%s/burrow", xdg);
        else
                dir = xasprintf("/tmp/burrow-%u", (unsigned)getuid());
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                return error_make(err, errno, "create %s", dir);
        if (check_private_dir(dir, err) < 0)
                return error_wrap(err, "runtime directory");
        *ret = steal_pointer(&dir);
        return 0;
}

void ctr_runtime_collect(void)
{
        _cleanup_free_ char *rt = NULL, *exits = NULL;
        time_t now = time(NULL);
        struct dirent *e;
        DIR *d;

        if (ctr_runtime_dir(&rt, NULL) < 0)
                return;
        d = opendir(rt);
        while (d && (e = readdir(d)) != NULL) {
                _cleanup_free_ char *dir = NULL, *ctl = NULL;
                _cleanup_close_ int fd = -1;
                struct stat st;
                if (!ctr_id_valid(e->d_name))
                        continue;
                dir = xasprintf("%s/%s", rt, e->d_name);
                ctl = xasprintf("%s/ctl", dir);
                /* Whoever supervises a container holds its directory's lock; one nobody holds is a killed
                 * supervisor's, unless it was made just now and its maker is about to lock it. */
                fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0 || fstat(fd, &st) < 0 || now - st.st_ctime < 5)
                        continue;
                unlink(ctl);
                rmdir(dir);
        }
        if (d)
                closedir(d);
        /* The exit codes of --rm containers, for a `wait`: kept an hour. */
        exits = xasprintf("%s/exits", rt);
        d = opendir(exits);
        while (d && (e = readdir(d)) != NULL) {
                struct stat st;
                if (ctr_id_valid(e->d_name) && fstatat(dirfd(d), e->d_name, &st, 0) == 0 && now - st.st_mtime > 3600)
                        unlinkat(dirfd(d), e->d_name, 0);
        }
        if (d)
                closedir(d);
}
