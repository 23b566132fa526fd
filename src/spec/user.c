/* -u resolution against the container's /etc/passwd and /etc/group, following runc's GetExecUser (which docker and
 * podman both use): the files are the image's, so they are read with bounds and parsed by glibc's fgetpwent and
 * fgetgrent rather than trusted. */
#include "spec/user.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "util/cleanup.h"
#include "util/fileutil.h"

/* The image controls these files: bound what we read and what we hand to setgroups(). */
#define USER_FILE_MAX   (16 * 1024 * 1024)
#define USER_GROUPS_MAX 65536 /* the kernel's NGROUPS_MAX */

/* Opens passwd or group for reading with fgetpwent/fgetgrent. A missing file is empty (*ret = NULL). Only regular
 * files are read (the image could make /etc/passwd a FIFO or /dev/zero), and at most USER_FILE_MAX bytes of them,
 * into memory, so that parsing cannot block or grow without bound. */
static int user_file_open(const char *path, char **ret_buf, FILE **ret, burrow_error **err)
{
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *buf = NULL;
        struct stat st;
        ssize_t n;
        FILE *f;

        *ret = NULL;
        *ret_buf = NULL;
        if (path == NULL)
                return 0;
        /* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below. */
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0) {
                if (errno == ENOENT || errno == ENOTDIR)
                        return 0;
                return error_make(err, errno, "open %s", path);
        }
        if (fstat(fd, &st) < 0)
                return error_make(err, errno, "stat %s", path);
        /* A masked file (maskedPaths binds /dev/null over it) reads as empty, as runc reads it. */
        if (S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3)
                return 0;
        if (!S_ISREG(st.st_mode))
                return error_make(err, 0, "%s is not a regular file", path);
        if (st.st_size > USER_FILE_MAX)
                return error_make(err, 0, "%s is larger than %d bytes", path, USER_FILE_MAX);

        /* What was appended after the fstat() is ignored: the size read is bounded by what we checked. */
        buf = xmalloc((size_t)st.st_size + 1);
        n = fd_read_full(fd, buf, (size_t)st.st_size);
        if (n < 0)
                return error_make(err, errno, "read %s", path);
        if (n == 0)
                return 0;
        f = fmemopen(buf, (size_t)n, "r");
        if (f == NULL)
                return error_make(err, errno, "read %s", path);
        *ret = f;
        *ret_buf = steal_pointer(&buf);
        return 0;
}

/* A numeric user or group: all digits, a uint32 that is not (uid_t)-1. Returns 1 if numeric, 0 if a name, -1 on an
 * out-of-range number. */
static int parse_id(const char *s, uint32_t *ret)
{
        unsigned int v;

        if (s[0] == '\0' || strspn(s, "0123456789") != strlen(s))
                return 0;
        if (parse_uint32(s, &v) < 0 || v == UINT32_MAX)
                return -1;
        *ret = v;
        return 1;
}

struct passwd_match {
        bool found;
        char *name;
        uid_t uid;
        gid_t gid;
        char *home;
};

static int passwd_find(const char *path, const char *name, bool numeric, uid_t uid, struct passwd_match *ret,
                       burrow_error **err)
{
        _cleanup_free_ char *buf = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        struct passwd *pw;

        if (user_file_open(path, &buf, &f, err) < 0)
                return -1;
        *ret = (struct passwd_match){0};
        if (f == NULL)
                return 0;
        /* First match wins, as in runc. */
        while ((pw = fgetpwent(f)) != NULL) {
                if (numeric ? pw->pw_uid != uid : (pw->pw_name == NULL || strcmp(pw->pw_name, name) != 0))
                        continue;
                ret->found = true;
                ret->name = xstrdup(pw->pw_name ? pw->pw_name : "");
                ret->uid = pw->pw_uid;
                ret->gid = pw->pw_gid;
                ret->home = xstrdup(pw->pw_dir && pw->pw_dir[0] ? pw->pw_dir : "/");
                break;
        }
        return 0;
}

static int group_find(const char *path, const char *name, gid_t *ret, bool *ret_found, burrow_error **err)
{
        _cleanup_free_ char *buf = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        struct group *gr;

        if (user_file_open(path, &buf, &f, err) < 0)
                return -1;
        *ret_found = false;
        if (f == NULL)
                return 0;
        while ((gr = fgetgrent(f)) != NULL) {
                if (gr->gr_name != NULL && strcmp(gr->gr_name, name) == 0) {
                        *ret = gr->gr_gid;
                        *ret_found = true;
                        break;
                }
        }
        return 0;
}

/* The primary group first (as initgroups(3) does at login), then every group listing `name` as a member, without
 * repeats. `name` NULL: just the primary group. */
static int groups_of(const char *path, const char *name, gid_t primary, gid_t **ret, size_t *ret_n, burrow_error **err)
{
        _cleanup_free_ char *buf = NULL;
        _cleanup_free_ gid_t *groups = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        size_t n = 0, cap = 0;
        struct group *gr;

        groups = xmalloc(16 * sizeof(groups[0]));
        cap = 16;
        groups[n++] = primary;
        if (name != NULL && user_file_open(path, &buf, &f, err) < 0)
                return -1;
        while (f != NULL && (gr = fgetgrent(f)) != NULL) {
                bool member = false, dup = false;

                for (char **m = gr->gr_mem; m != NULL && *m != NULL && !member; m++)
                        member = strcmp(*m, name) == 0;
                if (!member)
                        continue;
                for (size_t i = 0; i < n && !dup; i++)
                        dup = groups[i] == gr->gr_gid;
                if (dup)
                        continue;
                if (n == USER_GROUPS_MAX)
                        return error_make(err, 0, "user %s is a member of more than %d groups", name, USER_GROUPS_MAX);
                if (n == cap) {
                        cap = cap ? cap * 2 : 16;
                        groups = xrealloc(groups, cap * sizeof(groups[0]));
                }
                groups[n++] = gr->gr_gid;
        }
        *ret = steal_pointer(&groups);
        *ret_n = n;
        return 0;
}

int user_resolve(const struct spec_user *user, const char *passwd_path, const char *group_path,
                 struct user_resolved *ret, burrow_error **err)
{
        const char *user_arg = user ? user->user : NULL, *group_arg = user ? user->group : NULL;
        struct passwd_match pw = {0};
        _cleanup_free_ char *pw_name = NULL, *pw_home = NULL;
        _cleanup_free_ gid_t *groups = NULL;
        size_t n_groups = 0;
        uint32_t uid = 0, gid = 0;
        int numeric = 1;

        if (user_arg != NULL) {
                numeric = parse_id(user_arg, &uid);
                if (numeric < 0)
                        return error_make(err, 0, "invalid user %s: the id is out of range", user_arg);
        }
        if (passwd_find(passwd_path, user_arg, numeric, uid, &pw, err) < 0)
                return -1;
        pw_name = pw.name;
        pw_home = pw.home;
        if (pw.found) {
                uid = pw.uid;
                gid = pw.gid;
        } else if (!numeric) {
                return error_make(err, 0, "unable to find user %s: no matching entries in passwd file", user_arg);
        }

        if (group_arg != NULL) {
                bool found;
                int r = parse_id(group_arg, &gid);

                if (r < 0)
                        return error_make(err, 0, "invalid group %s: the id is out of range", group_arg);
                if (r == 0) {
                        if (group_find(group_path, group_arg, &gid, &found, err) < 0)
                                return -1;
                        if (!found)
                                return error_make(err, 0, "unable to find group %s: no matching entries in group file",
                                                  group_arg);
                }
        }
        /* As runc: group memberships only come with the user's own primary group, not with -u USER:GROUP. */
        if (groups_of(group_path, group_arg == NULL && pw.found ? pw_name : NULL, gid, &groups, &n_groups, err) < 0)
                return -1;

        *ret = (struct user_resolved){
            .uid = uid,
            .gid = gid,
            .groups = steal_pointer(&groups),
            .n_groups = n_groups,
            .home = pw_home ? steal_pointer(&pw_home) : xstrdup("/"),
        };
        return 0;
}

void user_resolved_clear(struct user_resolved *u)
{
        if (u == NULL)
                return;
        free(u->groups);
        free(u->home);
        *u = (struct user_resolved){0};
}
