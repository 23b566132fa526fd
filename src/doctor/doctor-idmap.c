/* Subordinate ids and the setuid helpers that map them (doctor.h). */
#include "doctor/doctor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "config.h"
#include "doctor/subid-file.h"
#include "idmap/subid.h"
#include "util/cleanup.h"
#include "util/fileutil.h"

/* What a container needs: podman's default, and what useradd gives a new user. */
#define WANT_IDS 65536
/* shadow's SUB_UID_MIN: where useradd starts looking for a free range. */
#define FREE_MIN       100000
#define SUBID_FILE_MAX (16 << 20)

static const char *const subid_files[] = {"/etc/subuid", "/etc/subgid"};

/* Both files' lines in one list: a range suggested by a fix must be free in both. */
static void read_subid_files(struct doctor_subid_file *uids, struct doctor_subid_file *gids)
{
        struct doctor_subid_file *out[] = {uids, gids};

        for (size_t i = 0; i < 2; i++) {
                _cleanup_free_ char *text = NULL;
                size_t len = 0;

                *out[i] = (struct doctor_subid_file){0};
                if (file_read_all(subid_files[i], SUBID_FILE_MAX, &text, &len, NULL) == 0)
                        doctor_subid_file_parse(text, len, out[i]);
        }
}

/* "sudo usermod --add-subuids A-B --add-subgids A-B USER" with a range free in both files. */
static char *add_range_fix(const struct doctor_context *ctx, const char *del)
{
        struct doctor_subid_file uids, gids, both = {0};
        uint64_t start;

        read_subid_files(&uids, &gids);
        both.n = uids.n + gids.n;
        both.lines = xcalloc(both.n ? both.n : 1, sizeof(*both.lines));
        memcpy(both.lines, uids.lines, uids.n * sizeof(*both.lines));
        memcpy(both.lines + uids.n, gids.lines, gids.n * sizeof(*both.lines));
        start = doctor_subid_free_start(&both, FREE_MIN, WANT_IDS);
        free(both.lines);
        doctor_subid_file_clear(&uids);
        doctor_subid_file_clear(&gids);
        if (start == 0)
                return xasprintf("sudo usermod%s --add-subuids START-END --add-subgids START-END %s (%d ids no other "
                                 "user has)",
                                 del ? del : "", ctx->user, WANT_IDS);
        return xasprintf("sudo usermod%s --add-subuids %llu-%llu --add-subgids %llu-%llu %s", del ? del : "",
                         (unsigned long long)start, (unsigned long long)(start + WANT_IDS - 1),
                         (unsigned long long)start, (unsigned long long)(start + WANT_IDS - 1), ctx->user);
}

static char *ranges_text(const struct idmap_subids *s)
{
        char *out = xstrdup("");

        for (size_t i = 0; i < s->n; i++) {
                char *next = xasprintf("%s%s%u-%llu", out, i ? "," : "", s->ranges[i].host_id,
                                       (unsigned long long)s->ranges[i].host_id + s->ranges[i].size - 1);
                free(out);
                out = next;
        }
        return out;
}

struct subids {
        struct idmap_subids uids, gids;
};

static void subids_clear(struct subids *s)
{
        idmap_subids_clear(&s->uids);
        idmap_subids_clear(&s->gids);
}

/* Through libsubid, as a container's run does (nsswitch sources such as SSSD count). */
static int lookup(const struct doctor_context *ctx, struct subids *ret, struct doctor_result *res)
{
        _cleanup_error_ burrow_error *err = NULL;
        _cleanup_free_ char *text = NULL;

        *ret = (struct subids){0};
        if (idmap_lookup_subids(ctx->uid, &ret->uids, &ret->gids, &err) == 0)
                return 0;
        text = error_text(err);
        return doctor_set(res, DOCTOR_FAIL, xstrdup("sudo apt-get install libsubid4 (shadow's libsubid)"),
                          "the subordinate id lookup failed: %s", text);
}

int doctor_idmap_range(struct doctor_context *ctx, struct doctor_result *ret)
{
        struct subids s;
        _cleanup_free_ char *u = NULL, *g = NULL;
        int r;

        if (lookup(ctx, &s, ret) != 0)
                return ret->status;
        u = ranges_text(&s.uids);
        g = ranges_text(&s.gids);
        if (s.uids.n > 0 && s.gids.n > 0)
                r = doctor_ok(ret, "%s has subordinate uids %s and gids %s", ctx->user, u, g);
        else
                r = doctor_set(ret, DOCTOR_WARN, add_range_fix(ctx, NULL),
                               "%s has no subordinate %s range (/etc/subuid, /etc/subgid or an nsswitch source): "
                               "containers get a single-id mapping, only root inside",
                               ctx->user,
                               s.uids.n == 0 && s.gids.n == 0 ? "uid or gid"
                               : s.uids.n == 0                ? "uid"
                                                              : "gid");
        subids_clear(&s);
        return r;
}

int doctor_idmap_size(struct doctor_context *ctx, struct doctor_result *ret)
{
        struct subids s;
        uint32_t nu, ng;
        int r;

        if (lookup(ctx, &s, ret) != 0)
                return ret->status;
        nu = idmap_subids_total(&s.uids);
        ng = idmap_subids_total(&s.gids);
        if (s.uids.n == 0 || s.gids.n == 0)
                r = doctor_ok(ret, "no range to measure (see idmap.range)");
        else if (nu < WANT_IDS || ng < WANT_IDS)
                r = doctor_set(ret, DOCTOR_WARN, add_range_fix(ctx, NULL),
                               "%s has %u subordinate uids and %u gids, fewer than %d: images with files owned by "
                               "higher ids cannot be extracted",
                               ctx->user, nu, ng, WANT_IDS);
        else
                r = doctor_ok(ret, "%u subordinate uids and %u gids (at least %d)", nu, ng, WANT_IDS);
        subids_clear(&s);
        return r;
}

/* The first line of another user in `file` overlapping mine[i], or NULL. */
static const struct doctor_subid_line *
find_overlap(const struct doctor_context *ctx, const struct doctor_subid_file *file, const struct idmap_range *mine)
{
        for (size_t j = 0; j < file->n; j++)
                if (!doctor_subid_line_is_owner(&file->lines[j], ctx->user, ctx->uid) &&
                    doctor_subid_line_overlaps(&file->lines[j], mine->host_id, mine->size))
                        return &file->lines[j];
        return NULL;
}

int doctor_idmap_overlap(struct doctor_context *ctx, struct doctor_result *ret)
{
        struct doctor_subid_file files[2];
        _cleanup_free_ char *del = xstrdup(""), *first = NULL;
        struct subids s;
        int r;

        if (lookup(ctx, &s, ret) != 0)
                return ret->status;
        read_subid_files(&files[0], &files[1]);
        /* Every range of ours that another user's overlaps goes, in both files; one free range replaces them. */
        for (size_t f = 0; f < 2; f++) {
                const struct idmap_subids *mine = f == 0 ? &s.uids : &s.gids;
                char kind = f == 0 ? 'u' : 'g';

                for (size_t i = 0; i < mine->n; i++) {
                        const struct idmap_range *m = &mine->ranges[i];
                        const struct doctor_subid_line *other = find_overlap(ctx, &files[f], m);
                        unsigned long long last = (unsigned long long)m->host_id + m->size - 1;
                        char *next;

                        if (other == NULL)
                                continue;
                        next = xasprintf("%s --del-sub%cids %u-%llu", del, kind, m->host_id, last);
                        free(del);
                        del = next;
                        if (first == NULL)
                                first = xasprintf("%s's subordinate %cids %u-%llu overlap %s's (%s: %s:%llu:%llu)",
                                                  ctx->user, kind, m->host_id, last, other->owner, subid_files[f],
                                                  other->owner, (unsigned long long)other->start,
                                                  (unsigned long long)other->count);
                }
        }
        if (first)
                r = doctor_set(ret, DOCTOR_WARN, add_range_fix(ctx, del),
                               "%s: each user's containers can read and write the other's files", first);
        else if (s.uids.n == 0 && s.gids.n == 0)
                r = doctor_ok(ret, "no range to compare (see idmap.range)");
        else
                r = doctor_ok(ret, "no other user's range in /etc/subuid or /etc/subgid overlaps %s's%s", ctx->user,
                              files[0].malformed + files[1].malformed ? " (malformed lines were skipped)" : "");
        doctor_subid_file_clear(&files[0]);
        doctor_subid_file_clear(&files[1]);
        subids_clear(&s);
        return r;
}

/* newuidmap/newgidmap write maps naming subordinate ids, which only a privileged writer may: setuid root, or file
 * capabilities (Fedora's shadow-utils), on a filesystem not mounted nosuid (which voids both). */
static int check_helper(struct doctor_context *ctx, const char *path, const char *package_hint,
                        struct doctor_result *ret)
{
        struct subids s;
        struct statvfs sv;
        struct stat st;
        bool needed, caps;
        enum doctor_status bad;

        if (lookup(ctx, &s, ret) != 0)
                return ret->status;
        needed = s.uids.n > 0 || s.gids.n > 0;
        subids_clear(&s);
        /* Without a range the helper is not used (the single mapping is written directly): only a warning. */
        bad = needed ? DOCTOR_FAIL : DOCTOR_WARN;
        if (stat(path, &st) < 0)
                return doctor_set(ret, bad, xstrdup(package_hint), "%s: %s%s", path, strerror(errno),
                                  needed ? "" : " (needed once you have a subordinate range)");
        caps = getxattr(path, "security.capability", NULL, 0) > 0;
        if (!S_ISREG(st.st_mode) || !(st.st_mode & S_IXOTH))
                return doctor_set(ret, bad, xasprintf("sudo chmod 0755 %s", path), "%s is not executable by everyone",
                                  path);
        if (!caps && !(st.st_uid == 0 && (st.st_mode & S_ISUID)))
                return doctor_set(ret, bad, xasprintf("sudo chown root %s && sudo chmod u+s %s", path, path),
                                  "%s is neither setuid root nor has file capabilities: it cannot map subordinate "
                                  "ids%s",
                                  path, needed ? "" : " (needed once you have a subordinate range)");
        if (statvfs(path, &sv) == 0 && (sv.f_flag & ST_NOSUID))
                return doctor_set(ret, bad, xasprintf("remount the filesystem of %s without nosuid", path),
                                  "%s is on a filesystem mounted nosuid, which voids its %s", path,
                                  caps ? "file capabilities" : "setuid bit");
        return doctor_ok(ret, "%s is %s", path, caps ? "installed with file capabilities" : "setuid root");
}

int doctor_idmap_newuidmap(struct doctor_context *ctx, struct doctor_result *ret)
{
        return check_helper(ctx, BURROW_NEWUIDMAP, "sudo apt-get install uidmap (Fedora: shadow-utils)", ret);
}

int doctor_idmap_newgidmap(struct doctor_context *ctx, struct doctor_result *ret)
{
        return check_helper(ctx, BURROW_NEWGIDMAP, "sudo apt-get install uidmap (Fedora: shadow-utils)", ret);
}
