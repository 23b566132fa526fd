/* Layer extraction: whiteout classification, member path validation, and in-process unpacking of small tarballs
 * (written here with libarchive) into a scratch directory. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "image/unpack.h"
#include "image/vfs.h"
#include "image/whiteout.h"
#include "unit.h"
#include "util/cleanup.h"

static void classify(const char *base, enum whiteout_kind want, const char *want_target)
{
        const char *target = NULL;
        enum whiteout_kind kind = whiteout_classify(base, &target);

        if (kind != want)
                printf("#   whiteout_classify(\"%s\") = %d, want %d\n", base, kind, want);
        CHECK(kind == want);
        if (want_target)
                CHECK_STREQ(target, want_target);
}

static void whiteout_names_are_classified(void)
{
        classify("file", WHITEOUT_NONE, NULL);
        classify(".wh", WHITEOUT_NONE, NULL);
        classify(".whx", WHITEOUT_NONE, NULL);
        classify("x.wh.y", WHITEOUT_NONE, NULL);
        classify(".wh.file", WHITEOUT_FILE, "file");
        classify(".wh..hidden", WHITEOUT_FILE, ".hidden");
        classify(".wh....", WHITEOUT_FILE, "...");
        classify(".wh..wh..opq", WHITEOUT_OPAQUE, NULL);
        classify(".wh.", WHITEOUT_INVALID, NULL);
        classify(".wh..", WHITEOUT_INVALID, NULL);
        classify(".wh...", WHITEOUT_INVALID, NULL);
        classify(".wh..wh.plnk", WHITEOUT_INVALID, NULL);
        classify(".wh..wh..opq2", WHITEOUT_INVALID, NULL);
        classify(".wh.a/b", WHITEOUT_INVALID, NULL);
        CHECK(whiteout_classify(".wh.x", NULL) == WHITEOUT_FILE);
}

static void overlay_xattrs_are_reserved(void)
{
        CHECK(whiteout_xattr_reserved("user.overlay.opaque"));
        CHECK(whiteout_xattr_reserved("user.overlay.redirect"));
        CHECK(whiteout_xattr_reserved("trusted.overlay.metacopy"));
        CHECK(whiteout_xattr_reserved("user.fuseoverlayfs.opaque"));
        CHECK(!whiteout_xattr_reserved("user.overlayfoo"));
        CHECK(!whiteout_xattr_reserved("user.mime_type"));
        CHECK(!whiteout_xattr_reserved("security.capability"));
}

static void clean(const char *name, const char *want)
{
        burrow_error *err = NULL;
        char *out = NULL;

        CHECK_OK(unpack_clean_path(name, &out, &err), &err);
        CHECK_STREQ(out, want);
        free(out);
}

static void member_paths_are_normalized(void)
{
        clean("a", "a");
        clean("a/b/c", "a/b/c");
        clean("./a//b/./c/", "a/b/c");
        clean("./", "");
        clean(".", "");
        clean("...", "...");
        clean("a/..b/c..", "a/..b/c..");
        clean(".wh..wh..opq", ".wh..wh..opq");
}

static void bad_member_paths_are_rejected(void)
{
        burrow_error *err = NULL;
        char *out = NULL;
        char *longname = xmalloc(UNPACK_MAX_NAME + 2);

        CHECK_ERROR(unpack_clean_path("/etc/passwd", &out, &err), &err, "\"/etc/passwd\": absolute path");
        CHECK_ERROR(unpack_clean_path("//x", &out, &err), &err, "absolute path");
        CHECK_ERROR(unpack_clean_path("../x", &out, &err), &err, "\"../x\": \"..\" component");
        CHECK_ERROR(unpack_clean_path("a/../../x", &out, &err), &err, "\"..\" component");
        CHECK_ERROR(unpack_clean_path("a/..", &out, &err), &err, "\"..\" component");
        CHECK_ERROR(unpack_clean_path("./..", &out, &err), &err, "\"..\" component");
        CHECK_ERROR(unpack_clean_path("", &out, &err), &err, "empty name");
        CHECK_ERROR(unpack_clean_path(NULL, &out, &err), &err, "not valid");
        CHECK_ERROR(unpack_clean_path("a\nb/..", &out, &err), &err, "\"a?b/..\"");
        memset(longname, 'a', UNPACK_MAX_NAME + 1);
        longname[UNPACK_MAX_NAME + 1] = '\0';
        CHECK_ERROR(unpack_clean_path(longname, &out, &err), &err, "longer than 4096 bytes");
        longname[UNPACK_MAX_NAME] = '\0';
        CHECK_OK(unpack_clean_path(longname, &out, &err), &err);
        CHECK(out && strlen(out) == UNPACK_MAX_NAME);
        free(out);
        free(longname);
}

static void layer_media_types(void)
{
        CHECK(unpack_media_type_supported("application/vnd.oci.image.layer.v1.tar"));
        CHECK(unpack_media_type_supported("application/vnd.oci.image.layer.v1.tar+gzip"));
        CHECK(unpack_media_type_supported("application/vnd.oci.image.layer.v1.tar+zstd"));
        CHECK(unpack_media_type_supported("application/vnd.docker.image.rootfs.diff.tar.gzip"));
        CHECK(!unpack_media_type_supported("application/vnd.oci.image.config.v1+json"));
        CHECK(!unpack_media_type_supported(""));
}

/* ---- in-process unpacking ---- */

struct member {
        const char *name;
        mode_t type; /* AE_IF* */
        const char *data_or_link;
        mode_t perm;
};

static size_t write_tar(const struct member *m, size_t n, char *buf, size_t cap)
{
        struct archive *w = archive_write_new();
        size_t used = 0;

        archive_write_set_format_pax_restricted(w);
        archive_write_set_bytes_in_last_block(w, 1);
        archive_write_open_memory(w, buf, cap, &used);
        for (size_t i = 0; i < n; i++) {
                struct archive_entry *e = archive_entry_new();
                archive_entry_set_pathname(e, m[i].name);
                archive_entry_set_filetype(e, m[i].type == 0x1000000 ? AE_IFREG : m[i].type);
                archive_entry_set_perm(e, m[i].perm ? m[i].perm : 0644);
                archive_entry_set_mtime(e, 1600000000, 0);
                if (m[i].type == AE_IFLNK)
                        archive_entry_set_symlink(e, m[i].data_or_link);
                else if (m[i].type == 0x1000000)
                        archive_entry_set_hardlink(e, m[i].data_or_link);
                else if (m[i].type == AE_IFREG && m[i].data_or_link)
                        archive_entry_set_size(e, (la_int64_t)strlen(m[i].data_or_link));
                archive_write_header(w, e);
                if (m[i].type == AE_IFREG && m[i].data_or_link)
                        archive_write_data(w, m[i].data_or_link, strlen(m[i].data_or_link));
                archive_entry_free(e);
        }
        archive_write_close(w);
        archive_write_free(w);
        return used;
}

#define HARDLINK 0x1000000

/* Unpacks the members into a fresh directory inside a fresh scratch directory; returns unpack_archive's result and
 * leaves the paths for checks. */
static int unpack_members(const struct member *m, size_t n, char scratch[64], int *ret_rootfd, burrow_error **err)
{
        static char buf[1 << 16];
        size_t len = write_tar(m, n, buf, sizeof(buf));
        struct unpack_options opts = {.ignore_chown_errors = true};
        struct unpack_result result = {0};
        struct archive *a = archive_read_new();
        int r;

        strcpy(scratch, "/tmp/burrow-test-extract.XXXXXX");
        if (mkdtemp(scratch) == NULL)
                return error_make(err, errno, "mkdtemp");
        char *root = xasprintf("%s/root", scratch);
        mkdir(root, 0755);
        *ret_rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        free(root);
        archive_read_support_format_tar(a);
        archive_read_open_memory(a, buf, len);
        r = unpack_archive(a, *ret_rootfd, &opts, &result, err);
        archive_read_free(a);
        return r;
}

static void scratch_remove(const char *scratch, int rootfd)
{
        burrow_error *err = NULL;
        int fd = open(scratch, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        CHECK_OK(unpack_remove_contents(fd, &err), &err);
        close(fd);
        close(rootfd);
        CHECK(rmdir(scratch) == 0);
}

static void a_good_layer_is_unpacked(void)
{
        const struct member m[] = {
            {"./", AE_IFDIR, NULL, 0755},
            {"etc/", AE_IFDIR, NULL, 0555},
            {"etc/hosts", AE_IFREG, "127.0.0.1 localhost\n", 0644},
            {"etc/link", AE_IFLNK, "hosts", 0},
            {"etc/hard", HARDLINK, "etc/hosts", 0},
            {"bin/su", AE_IFREG, "x", 04755},
            {"old/.wh.gone", AE_IFREG, NULL, 0},
            {"old/.wh..wh..opq", AE_IFREG, NULL, 0},
            {"fifo", AE_IFIFO, NULL, 0600},
        };
        burrow_error *err = NULL;
        char scratch[64], buf[64] = {0};
        struct stat st, st2;
        int rootfd = -1;

        CHECK_OK(unpack_members(m, sizeof(m) / sizeof(m[0]), scratch, &rootfd, &err), &err);
        CHECK(fstatat(rootfd, "etc", &st, 0) == 0 && (st.st_mode & 07777) == 0555 && st.st_mtime == 1600000000);
        CHECK(fstatat(rootfd, "etc/hosts", &st, 0) == 0 && st.st_size == 20 && st.st_nlink == 2);
        CHECK(fstatat(rootfd, "etc/hard", &st2, 0) == 0 && st2.st_ino == st.st_ino);
        CHECK(readlinkat(rootfd, "etc/link", buf, sizeof(buf) - 1) == 5 && strcmp(buf, "hosts") == 0);
        CHECK(fstatat(rootfd, "bin/su", &st, 0) == 0 && (st.st_mode & 07777) == 04755);
        CHECK(fstatat(rootfd, "old/gone", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == 0);
        CHECK(fstatat(rootfd, "old/.wh.gone", &st, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT);
        CHECK(fstatat(rootfd, "old/.wh..wh..opq", &st, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT);
        CHECK(fstatat(rootfd, "fifo", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISFIFO(st.st_mode));
        {
                int fd = openat(rootfd, "old", O_RDONLY | O_DIRECTORY);
                memset(buf, 0, sizeof(buf));
                CHECK(fd >= 0 && fgetxattr(fd, "user.overlay.opaque", buf, sizeof(buf)) == 1 && buf[0] == 'y');
                close(fd);
        }
        scratch_remove(scratch, rootfd);
}

static void escapes_are_rejected_and_nothing_lands_outside(void)
{
        const struct member sym_abs[] = {{"link", AE_IFLNK, "/", 0}, {"link/tmp/escaped", AE_IFREG, "x", 0}};
        const struct member sym_up[] = {{"link", AE_IFLNK, "..", 0}, {"link/escaped", AE_IFREG, "x", 0}};
        const struct member hard_up[] = {{"h", HARDLINK, "../escaped", 0}};
        const struct member hard_later[] = {{"h", HARDLINK, "later", 0}, {"later", AE_IFREG, "x", 0}};
        const struct member dotdot[] = {{"../escaped", AE_IFREG, "x", 0}};
        burrow_error *err = NULL;
        char scratch[64], *outside;
        int rootfd = -1;

        CHECK_ERROR(unpack_members(sym_abs, 2, scratch, &rootfd, &err), &err, "leaves the layer");
        scratch_remove(scratch, rootfd);
        CHECK_ERROR(unpack_members(sym_up, 2, scratch, &rootfd, &err), &err, "\"link/escaped\": its path leaves");
        outside = xasprintf("%s/escaped", scratch);
        CHECK(access(outside, F_OK) < 0);
        free(outside);
        scratch_remove(scratch, rootfd);
        CHECK_ERROR(unpack_members(hard_up, 1, scratch, &rootfd, &err), &err, "hardlink target");
        scratch_remove(scratch, rootfd);
        CHECK_ERROR(unpack_members(hard_later, 2, scratch, &rootfd, &err), &err, "not extracted");
        scratch_remove(scratch, rootfd);
        CHECK_ERROR(unpack_members(dotdot, 1, scratch, &rootfd, &err), &err, "\"..\" component");
        scratch_remove(scratch, rootfd);
}

/* ---- the vfs driver's layer copy ---- */

static void put(int dirfd, const char *name, const char *data)
{
        int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

        CHECK(fd >= 0 && write(fd, data, strlen(data)) == (ssize_t)strlen(data));
        close(fd);
}

static char *get(int dirfd, const char *name)
{
        static char buf[256];
        int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

        if (fd >= 0)
                close(fd);
        if (n < 0)
                return NULL;
        buf[n] = '\0';
        return buf;
}

static void vfs_layers_stack_with_overlay_meaning(void)
{
        char scratch[] = "/tmp/burrow-test-vfs.XXXXXX";
        struct vfs_result result = {0};
        burrow_error *err = NULL;
        struct stat a, b;
        int top, bottom, root, sfd;
        bool whiteouts;

        CHECK(mkdtemp(scratch) != NULL);
        sfd = open(scratch, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        mkdirat(sfd, "bottom", 0755), mkdirat(sfd, "top", 0755), mkdirat(sfd, "root", 0755);
        bottom = openat(sfd, "bottom", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        top = openat(sfd, "top", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        root = openat(sfd, "root", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        /* bottom: a file, a directory with two files, a file that top turns into a directory, a hardlinked pair. */
        put(bottom, "keep", "bottom\n");
        put(bottom, "gone", "x");
        mkdirat(bottom, "opaque", 0755);
        put(bottom, "opaque/hidden", "x");
        put(bottom, "becomes-dir", "x");
        put(bottom, "h1", "linked\n");
        CHECK(linkat(bottom, "h1", bottom, "h2", 0) == 0);
        symlinkat("/etc/passwd", bottom, "sym");
        /* top: a whiteout for "gone" (a 0:0 device; needs root or a user namespace), "opaque" made opaque with a new
         * file, "becomes-dir" a directory, "sym" replaced by a regular file, and an overlay xattr never copied. */
        whiteouts = mknodat(top, "gone", S_IFCHR | 0000, makedev(0, 0)) == 0;
        mkdirat(top, "opaque", 0700);
        {
                int o = openat(top, "opaque", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                CHECK(fsetxattr(o, "user.overlay.opaque", "y", 1, 0) == 0 || errno == ENOTSUP);
                put(o, "new", "top\n");
                close(o);
        }
        mkdirat(top, "becomes-dir", 0750);
        put(top, "sym", "file now\n");

        CHECK_OK(vfs_apply_layer(bottom, root, &result, &err), &err);
        CHECK_OK(vfs_apply_layer(top, root, &result, &err), &err);

        CHECK_STREQ(get(root, "keep"), "bottom\n");
        if (whiteouts)
                CHECK(faccessat(root, "gone", F_OK, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT);
        else
                printf("#   (whiteout check skipped: mknod 0:0 needs root or a user namespace)\n");
        CHECK(faccessat(root, "opaque/hidden", F_OK, AT_SYMLINK_NOFOLLOW) < 0);
        CHECK_STREQ(get(root, "opaque/new"), "top\n");
        CHECK(fstatat(root, "becomes-dir", &a, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(a.st_mode) &&
              (a.st_mode & 07777) == 0750);
        CHECK(fstatat(root, "h1", &a, AT_SYMLINK_NOFOLLOW) == 0 && fstatat(root, "h2", &b, AT_SYMLINK_NOFOLLOW) == 0 &&
              a.st_ino == b.st_ino);
        CHECK(fstatat(root, "sym", &a, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(a.st_mode));
        CHECK(fgetxattr(root, "user.overlay.opaque", NULL, 0) < 0);
        {
                int o = openat(root, "opaque", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                CHECK(o >= 0 && fgetxattr(o, "user.overlay.opaque", NULL, 0) < 0);
                close(o);
        }
        CHECK(result.bytes > 0);

        close(top), close(bottom), close(root);
        scratch_remove(scratch, sfd);
}

int main(void)
{
        RUN(whiteout_names_are_classified);
        RUN(overlay_xattrs_are_reserved);
        RUN(member_paths_are_normalized);
        RUN(bad_member_paths_are_rejected);
        RUN(layer_media_types);
        RUN(a_good_layer_is_unpacked);
        RUN(escapes_are_rejected_and_nothing_lands_outside);
        RUN(vfs_layers_stack_with_overlay_meaning);
        return unit_finish();
}
