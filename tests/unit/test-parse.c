/* Parsers of -v, --tmpfs, -e, --env-file, -u, --uidmap, boolean values and path_clean(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "spec/parse.h"
#include "unit.h"

static void check_path_clean(const char *in, const char *want)
{
        char *got = path_clean(in);
        CHECK_STREQ(got, want);
        free(got);
}

static void path_clean_collapses_slashes_dots_and_dotdots(void)
{
        check_path_clean("/", "/");
        check_path_clean("//", "/");
        check_path_clean("/a/b/", "/a/b");
        check_path_clean("/a//b///c", "/a/b/c");
        check_path_clean("/./a/./b/.", "/a/b");
        check_path_clean("/a/b/../c", "/a/c");
        check_path_clean("/a/b/../../..", "/");
        check_path_clean("/../../x", "/x");
        check_path_clean("/a/..", "/");
        check_path_clean("/...", "/...");
        check_path_clean("/a/..b/.c", "/a/..b/.c");
        check_path_clean("/a b/ c ", "/a b/ c ");
}

static void path_clean_rejects_relative_and_empty(void)
{
        CHECK(path_clean("") == NULL);
        CHECK(path_clean("a/b") == NULL);
        CHECK(path_clean("./a") == NULL);
        CHECK(path_clean(NULL) == NULL);
}

static void volume_defaults_to_rbind_without_propagation(void)
{
        struct spec_mount m = {0};
        burrow_error *err = NULL;

        CHECK_OK(parse_volume("/host/dir:/ctr//dir/", &m, &err), &err);
        CHECK(m.type == SPEC_MOUNT_BIND);
        CHECK_STREQ(m.source, "/host/dir");
        CHECK_STREQ(m.destination, "/ctr/dir");
        CHECK(m.flags == MS_REC);
        CHECK(m.propagation == 0);
        CHECK(m.data == NULL);
        spec_mount_clear(&m);
}

static void volume_keeps_relative_source_as_given(void)
{
        struct spec_mount m = {0};
        burrow_error *err = NULL;

        CHECK_OK(parse_volume("./data/../x:/data", &m, &err), &err);
        CHECK_STREQ(m.source, "./data/../x");
        spec_mount_clear(&m);
        CHECK_OK(parse_volume(".:/data", &m, &err), &err);
        CHECK_STREQ(m.source, ".");
        spec_mount_clear(&m);
        CHECK_OK(parse_volume("../up:/data", &m, &err), &err);
        CHECK_STREQ(m.source, "../up");
        spec_mount_clear(&m);
}

static void volume_options_set_flags(void)
{
        struct spec_mount m = {0};
        burrow_error *err = NULL;

        CHECK_OK(parse_volume("/a:/b:ro,nosuid,nodev,noexec", &m, &err), &err);
        CHECK(m.flags == (MS_REC | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC));
        spec_mount_clear(&m);

        CHECK_OK(parse_volume("/a:/b:rw,suid,dev,exec,bind", &m, &err), &err);
        CHECK(m.flags == 0);
        spec_mount_clear(&m);

        CHECK_OK(parse_volume("/a:/b:rbind,z", &m, &err), &err);
        CHECK(m.flags == MS_REC);
        spec_mount_clear(&m);

        CHECK_OK(parse_volume("/a:/b:Z", &m, &err), &err);
        CHECK(m.flags == MS_REC);
        spec_mount_clear(&m);
}

static void volume_propagation_options(void)
{
        static const struct {
                const char *opt;
                unsigned long want;
        } cases[] = {
            {"private", MS_PRIVATE}, {"rprivate", MS_PRIVATE | MS_REC},
            {"slave", MS_SLAVE},     {"rslave", MS_SLAVE | MS_REC},
            {"shared", MS_SHARED},   {"rshared", MS_SHARED | MS_REC},
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct spec_mount m = {0};
                burrow_error *err = NULL;
                char arg[64];

                snprintf(arg, sizeof(arg), "/a:/b:%s", cases[i].opt);
                CHECK_OK(parse_volume(arg, &m, &err), &err);
                CHECK(m.propagation == cases[i].want);
                CHECK(m.flags == MS_REC);
                spec_mount_clear(&m);
        }
}

static void volume_rejects_named_and_anonymous_volumes(void)
{
        struct spec_mount m = {0};
        burrow_error *err = NULL;

        CHECK_ERROR(parse_volume("foo:/x", &m, &err), &err,
                    "invalid volume \"foo:/x\": named volumes are not supported; give a host path");
        CHECK_ERROR(parse_volume("~/x:/x", &m, &err), &err, "named volumes are not supported");
        CHECK_ERROR(parse_volume("/data", &m, &err), &err, "anonymous volumes are not supported");
        CHECK_ERROR(parse_volume("data", &m, &err), &err, "expected SRC:DST[:OPTIONS]");
        CHECK_ERROR(parse_volume("", &m, &err), &err, "expected SRC:DST[:OPTIONS]");
}

static void volume_rejects_malformed_parts(void)
{
        struct spec_mount m = {0};
        burrow_error *err = NULL;

        CHECK_ERROR(parse_volume(":/x", &m, &err), &err, "source is empty");
        CHECK_ERROR(parse_volume("/a:", &m, &err), &err, "destination is empty");
        CHECK_ERROR(parse_volume("/a::ro", &m, &err), &err, "destination is empty");
        CHECK_ERROR(parse_volume("/a:b", &m, &err), &err,
                    "invalid volume \"/a:b\": destination must be an absolute path");
        CHECK_ERROR(parse_volume("/a:/", &m, &err), &err, "destination must not be \"/\"");
        CHECK_ERROR(parse_volume("/a:/x/..", &m, &err), &err, "destination must not be \"/\"");
        CHECK_ERROR(parse_volume("/a:/b:ro:z", &m, &err), &err, "too many colons");
        CHECK_ERROR(parse_volume("/a:/b:", &m, &err), &err, "empty mount option");
        CHECK_ERROR(parse_volume(":::", &m, &err), &err, "too many colons");
        CHECK_ERROR(parse_volume("::", &m, &err), &err, "source is empty");
        CHECK_ERROR(parse_volume(":", &m, &err), &err, "source is empty");
}

static void volume_rejects_bad_options(void)
{
        struct spec_mount m = {0};
        burrow_error *err = NULL;

        CHECK_ERROR(parse_volume("/a:/b:foo", &m, &err), &err, "unknown option \"foo\"");
        CHECK_ERROR(parse_volume("/a:/b:RO", &m, &err), &err, "unknown option \"RO\"");
        CHECK_ERROR(parse_volume("/a:/b:size=1m", &m, &err), &err, "unknown option \"size=1m\"");
        CHECK_ERROR(parse_volume("/a:/b:tmpcopyup", &m, &err), &err, "unknown option \"tmpcopyup\"");
        CHECK_ERROR(parse_volume("/a:/b:ro,rw", &m, &err), &err, "options \"ro\" and \"rw\" conflict");
        CHECK_ERROR(parse_volume("/a:/b:ro,ro", &m, &err), &err, "option \"ro\" given twice");
        CHECK_ERROR(parse_volume("/a:/b:suid,nosuid", &m, &err), &err, "conflict");
        CHECK_ERROR(parse_volume("/a:/b:dev,nodev", &m, &err), &err, "conflict");
        CHECK_ERROR(parse_volume("/a:/b:exec,noexec", &m, &err), &err, "conflict");
        CHECK_ERROR(parse_volume("/a:/b:bind,rbind", &m, &err), &err, "conflict");
        CHECK_ERROR(parse_volume("/a:/b:private,rshared", &m, &err), &err, "conflict");
        CHECK_ERROR(parse_volume("/a:/b:z,Z", &m, &err), &err, "conflict");
        CHECK_ERROR(parse_volume("/a:/b:ro,,z", &m, &err), &err, "empty mount option");
        CHECK_ERROR(parse_volume("/a:/b:,ro", &m, &err), &err, "empty mount option");
        CHECK_ERROR(parse_volume("/a:/b:ro,", &m, &err), &err, "empty mount option");
        CHECK_ERROR(parse_volume("/a:/b:,", &m, &err), &err, "empty mount option");
}

static void volume_rejects_overlong_argument(void)
{
        struct spec_mount m = {0};
        burrow_error *err = NULL;
        char *longarg = unit_repeat('/', 5000);
        char *fits = unit_repeat('a', PARSE_MAX_ARG);

        longarg[100] = ':';
        CHECK_ERROR(parse_volume(longarg, &m, &err), &err, "longer than 4096 bytes");
        /* Exactly PARSE_MAX_ARG bytes is still looked at. */
        fits[0] = '/';
        fits[10] = ':';
        fits[11] = '/';
        CHECK_OK(parse_volume(fits, &m, &err), &err);
        spec_mount_clear(&m);
        CHECK_ERROR(parse_volume(NULL, &m, &err), &err, "missing argument");
        free(longarg);
        free(fits);
}

static void tmpfs_defaults_to_nosuid_nodev_noexec(void)
{
        struct spec_mount m = {0};
        burrow_error *err = NULL;

        CHECK_OK(parse_tmpfs("/tmp/", &m, &err), &err);
        CHECK(m.type == SPEC_MOUNT_TMPFS);
        CHECK(m.source == NULL);
        CHECK_STREQ(m.destination, "/tmp");
        CHECK(m.flags == (MS_NOSUID | MS_NODEV | MS_NOEXEC));
        CHECK(m.propagation == 0);
        CHECK(m.data == NULL);
        spec_mount_clear(&m);
}

static void tmpfs_options_go_to_flags_and_data(void)
{
        struct spec_mount m = {0};
        burrow_error *err = NULL;

        CHECK_OK(
            parse_tmpfs("/run:ro,exec,suid,dev,size=64m,mode=1777,uid=1000,gid=0,nr_inodes=10k,notmpcopyup", &m, &err),
            &err);
        CHECK(m.flags == MS_RDONLY);
        CHECK_STREQ(m.data, "size=64m,mode=1777,uid=1000,gid=0,nr_inodes=10k");
        spec_mount_clear(&m);

        CHECK_OK(parse_tmpfs("/run:rw,noexec,size=50%,mode=0700,tmpcopyup", &m, &err), &err);
        CHECK(m.flags == (MS_NOSUID | MS_NODEV | MS_NOEXEC));
        CHECK_STREQ(m.data, "size=50%,mode=700");
        spec_mount_clear(&m);

        CHECK_OK(parse_tmpfs("/x:size=1G,nr_inodes=4", &m, &err), &err);
        CHECK_STREQ(m.data, "size=1G,nr_inodes=4");
        spec_mount_clear(&m);

        CHECK_OK(parse_tmpfs("/x:size=4096", &m, &err), &err);
        CHECK_STREQ(m.data, "size=4096");
        spec_mount_clear(&m);
}

static void tmpfs_rejects_bad_values(void)
{
        struct spec_mount m = {0};
        burrow_error *err = NULL;
        static const char *const bad[] = {
            "/x:size=",
            "/x:size=abc",
            "/x:size=-1",
            "/x:size=10x",
            "/x:size=10mm",
            "/x:size=m",
            "/x:size=10 m",
            "/x:size=99999999999999999999",
            "/x:size=17179869184g",
            "/x:nr_inodes=5%",
            "/x:nr_inodes=",
            "/x:mode=",
            "/x:mode=8",
            "/x:mode=10000",
            "/x:mode=-1",
            "/x:mode=0x1ff",
            "/x:mode=777777777777777777777",
            "/x:uid=",
            "/x:uid=-1",
            "/x:uid=4294967295",
            "/x:uid=4294967296",
            "/x:gid=root",
            "/x:gid=1.5",
        };

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                CHECK_ERROR(parse_tmpfs(bad[i], &m, &err), &err, "invalid value in");
}

static void tmpfs_rejects_bad_syntax(void)
{
        struct spec_mount m = {0};
        burrow_error *err = NULL;

        CHECK_ERROR(parse_tmpfs("", &m, &err), &err, "destination is empty");
        CHECK_ERROR(parse_tmpfs(":size=1m", &m, &err), &err, "destination is empty");
        CHECK_ERROR(parse_tmpfs("tmp", &m, &err), &err, "invalid tmpfs \"tmp\": destination must be an absolute path");
        CHECK_ERROR(parse_tmpfs("/", &m, &err), &err, "must not be \"/\"");
        CHECK_ERROR(parse_tmpfs("/x:", &m, &err), &err, "empty mount option");
        CHECK_ERROR(parse_tmpfs("/x:ro:size=1m", &m, &err), &err, "too many colons");
        CHECK_ERROR(parse_tmpfs("/x:ro,,size=1m", &m, &err), &err, "empty mount option");
        CHECK_ERROR(parse_tmpfs("/x:bogus", &m, &err), &err, "unknown option \"bogus\"");
        CHECK_ERROR(parse_tmpfs("/x:bogus=1", &m, &err), &err, "unknown option \"bogus=1\"");
        CHECK_ERROR(parse_tmpfs("/x:=1", &m, &err), &err, "unknown option \"=1\"");
        CHECK_ERROR(parse_tmpfs("/x:rbind", &m, &err), &err, "unknown option \"rbind\"");
        CHECK_ERROR(parse_tmpfs("/x:z", &m, &err), &err, "unknown option \"z\"");
        CHECK_ERROR(parse_tmpfs("/x:size=1m,size=2m", &m, &err), &err, "option \"size\" given twice");
        CHECK_ERROR(parse_tmpfs("/x:mode=1,mode=1", &m, &err), &err, "given twice");
        CHECK_ERROR(parse_tmpfs("/x:ro,rw", &m, &err), &err, "conflict");
        CHECK_ERROR(parse_tmpfs("/x:exec,noexec", &m, &err), &err, "conflict");
        CHECK_ERROR(parse_tmpfs("/x:tmpcopyup,notmpcopyup", &m, &err), &err, "conflict");
}

static void tmpfs_rejects_overlong_argument(void)
{
        struct spec_mount m = {0};
        burrow_error *err = NULL;
        char *longarg = unit_repeat('a', 5000);

        longarg[0] = '/';
        CHECK_ERROR(parse_tmpfs(longarg, &m, &err), &err, "longer than 4096 bytes");
        free(longarg);
}

static const char *fake_lookup(const char *key)
{
        if (strcmp(key, "HOME") == 0)
                return "/home/me";
        if (strcmp(key, "EMPTY") == 0)
                return "";
        return NULL;
}

static void env_key_value_is_taken_as_is(void)
{
        burrow_error *err = NULL;
        char *e = NULL;

        CHECK_OK(parse_env("A=b", fake_lookup, &e, &err), &err);
        CHECK_STREQ(e, "A=b");
        free(e);
        CHECK_OK(parse_env("A=", fake_lookup, &e, &err), &err);
        CHECK_STREQ(e, "A=");
        free(e);
        CHECK_OK(parse_env("A=b=c==", fake_lookup, &e, &err), &err);
        CHECK_STREQ(e, "A=b=c==");
        free(e);
        CHECK_OK(parse_env("A= spaced value ", fake_lookup, &e, &err), &err);
        CHECK_STREQ(e, "A= spaced value ");
        free(e);
        CHECK_OK(parse_env("weird.key-1=\"q\"", NULL, &e, &err), &err);
        CHECK_STREQ(e, "weird.key-1=\"q\"");
        free(e);
}

static void env_key_alone_is_looked_up(void)
{
        burrow_error *err = NULL;
        char *e = (char *)"sentinel";

        CHECK_OK(parse_env("HOME", fake_lookup, &e, &err), &err);
        CHECK_STREQ(e, "HOME=/home/me");
        free(e);
        CHECK_OK(parse_env("EMPTY", fake_lookup, &e, &err), &err);
        CHECK_STREQ(e, "EMPTY=");
        free(e);
        e = (char *)"sentinel";
        CHECK_OK(parse_env("UNSET", fake_lookup, &e, &err), &err);
        CHECK(e == NULL);
        e = (char *)"sentinel";
        CHECK_OK(parse_env("HOME", NULL, &e, &err), &err);
        CHECK(e == NULL);
}

static void env_rejects_bad_keys(void)
{
        burrow_error *err = NULL;
        char *e = NULL;
        char *longarg = unit_repeat('A', 5000);

        CHECK_ERROR(parse_env("=x", fake_lookup, &e, &err), &err, "the variable name is empty");
        CHECK_ERROR(parse_env("=", fake_lookup, &e, &err), &err, "the variable name is empty");
        CHECK_ERROR(parse_env("", fake_lookup, &e, &err), &err, "the variable name is empty");
        CHECK_ERROR(parse_env("A B=c", fake_lookup, &e, &err), &err,
                    "invalid environment variable \"A B\": the variable name contains whitespace");
        CHECK_ERROR(parse_env(" A=c", fake_lookup, &e, &err), &err, "contains whitespace");
        CHECK_ERROR(parse_env("A\t=c", fake_lookup, &e, &err), &err, "contains whitespace");
        CHECK_ERROR(parse_env("A\n", fake_lookup, &e, &err), &err, "contains whitespace");
        CHECK_ERROR(parse_env(longarg, fake_lookup, &e, &err), &err, "longer than 4096 bytes");
        CHECK_ERROR(parse_env(NULL, fake_lookup, &e, &err), &err, "missing argument");
        free(longarg);
}

static void env_file_follows_docker_format(void)
{
        static const char file[] = "\xef\xbb\xbf# comment\n"
                                   "A=1\r\n"
                                   "\n"
                                   "   \t\n"
                                   "  B=two words  \n"
                                   "  # indented comment\n"
                                   "C=\"quoted\"\n"
                                   "HOME\n"
                                   "UNSET\n"
                                   "A=override\n"
                                   "D=x=y\n"
                                   "E=caf\xc3\xa9\n"
                                   "F=last";
        burrow_error *err = NULL;
        strv out = {0};

        strv_push(&out, "PRE=kept");
        strv_push(&out, "C=replaced");
        CHECK_OK(parse_env_file(file, sizeof(file) - 1, fake_lookup, &out, &err), &err);
        CHECK(out.len == 8);
        if (out.len == 8) {
                CHECK_STREQ(out.items[0], "PRE=kept");
                CHECK_STREQ(out.items[1], "C=\"quoted\"");
                CHECK_STREQ(out.items[2], "A=override");
                CHECK_STREQ(out.items[3], "B=two words  ");
                CHECK_STREQ(out.items[4], "HOME=/home/me");
                CHECK_STREQ(out.items[5], "D=x=y");
                CHECK_STREQ(out.items[6], "E=caf\xc3\xa9");
                CHECK_STREQ(out.items[7], "F=last");
        }
        strv_clear(&out);

        CHECK_OK(parse_env_file("", 0, fake_lookup, &out, &err), &err);
        CHECK_OK(parse_env_file(NULL, 0, fake_lookup, &out, &err), &err);
        CHECK_OK(parse_env_file("\n\n#x\n\r\n", 6, fake_lookup, &out, &err), &err);
        CHECK(out.len == 0);
        strv_clear(&out);
}

static void env_file_errors_name_the_line(void)
{
        static const char nul[] = "A=1\nB=\0x\n";
        burrow_error *err = NULL;
        strv out = {0};
        char *longline = unit_repeat('x', 5000);

        strv_push(&out, "PRE=kept");
        CHECK_ERROR(parse_env_file("A=1\n\nB C=2\n", 11, fake_lookup, &out, &err), &err,
                    "line 3: \"B C\": the variable name contains whitespace");
        CHECK_ERROR(parse_env_file("A=1\n=2\n", 7, fake_lookup, &out, &err), &err,
                    "line 2: \"=2\": the variable name is empty");
        CHECK_ERROR(parse_env_file(nul, sizeof(nul) - 1, fake_lookup, &out, &err), &err, "line 2: contains a NUL byte");
        CHECK_ERROR(parse_env_file("A=\xff\n", 4, fake_lookup, &out, &err), &err, "line 1: invalid UTF-8");
        CHECK_ERROR(parse_env_file("A=\xc3\n", 4, fake_lookup, &out, &err), &err, "line 1: invalid UTF-8");
        CHECK_ERROR(parse_env_file("A=\xc0\x80\n", 5, fake_lookup, &out, &err), &err, "invalid UTF-8");
        CHECK_ERROR(parse_env_file("A=\xed\xa0\x80\n", 6, fake_lookup, &out, &err), &err, "invalid UTF-8");
        longline[0] = 'L';
        longline[1] = '=';
        CHECK_ERROR(parse_env_file(longline, 5000, fake_lookup, &out, &err), &err, "line 1: longer than 4096 bytes");
        /* A failed file adds nothing. */
        CHECK(out.len == 1);
        strv_clear(&out);
        free(longline);
}

static void user_accepts_names_and_ids(void)
{
        struct spec_user u = {0};
        burrow_error *err = NULL;
        char *name32 = unit_repeat('n', 32);

        CHECK_OK(parse_user("nobody", &u, &err), &err);
        CHECK_STREQ(u.user, "nobody");
        CHECK(u.group == NULL);
        free(u.user);
        free(u.group);

        CHECK_OK(parse_user("1000:100", &u, &err), &err);
        CHECK_STREQ(u.user, "1000");
        CHECK_STREQ(u.group, "100");
        free(u.user);
        free(u.group);

        CHECK_OK(parse_user("www-data:adm.x_1", &u, &err), &err);
        CHECK_STREQ(u.user, "www-data");
        CHECK_STREQ(u.group, "adm.x_1");
        free(u.user);
        free(u.group);

        CHECK_OK(parse_user("0:4294967294", &u, &err), &err);
        free(u.user);
        free(u.group);

        CHECK_OK(parse_user(name32, &u, &err), &err);
        free(u.user);
        free(u.group);
        free(name32);
}

static void user_rejects_malformed(void)
{
        struct spec_user u = {0};
        burrow_error *err = NULL;
        char *name33 = unit_repeat('n', 33);
        char *longarg = unit_repeat('1', 5000);

        CHECK_ERROR(parse_user("", &u, &err), &err, "the user is empty");
        CHECK_ERROR(parse_user(":100", &u, &err), &err, "invalid user \":100\": the user is empty");
        CHECK_ERROR(parse_user("me:", &u, &err), &err, "invalid user \"me:\": the group is empty");
        CHECK_ERROR(parse_user(":", &u, &err), &err, "the user is empty");
        CHECK_ERROR(parse_user("a:b:c", &u, &err), &err, "expected USER[:GROUP]");
        CHECK_ERROR(parse_user("a::", &u, &err), &err, "expected USER[:GROUP]");
        CHECK_ERROR(parse_user("4294967295", &u, &err), &err, "user id 4294967295 is out of range");
        CHECK_ERROR(parse_user("0:4294967295", &u, &err), &err, "group id 4294967295 is out of range");
        CHECK_ERROR(parse_user("99999999999999999999", &u, &err), &err, "out of range");
        CHECK_ERROR(parse_user(name33, &u, &err), &err, "user name is longer than 32 characters");
        CHECK_ERROR(parse_user("-rf", &u, &err), &err, "must not start with '-'");
        CHECK_ERROR(parse_user("a b", &u, &err), &err, "may contain only");
        CHECK_ERROR(parse_user("root:wh$eel", &u, &err), &err, "group name may contain only");
        CHECK_ERROR(parse_user("caf\xc3\xa9", &u, &err), &err, "may contain only");
        CHECK_ERROR(parse_user("-1", &u, &err), &err, "must not start with '-'");
        CHECK_ERROR(parse_user(longarg, &u, &err), &err, "longer than 4096 bytes");
        CHECK_ERROR(parse_user(NULL, &u, &err), &err, "missing argument");
        free(name33);
        free(longarg);
}

static void idmap_parses_three_numbers(void)
{
        struct idmap_range r = {0};
        burrow_error *err = NULL;

        CHECK_OK(parse_idmap("0:1:65536", &r, &err), &err);
        CHECK(r.container_id == 0 && r.host_id == 1 && r.size == 65536);
        CHECK_OK(parse_idmap("4294967294:0:1", &r, &err), &err);
        CHECK(r.container_id == 4294967294u && r.host_id == 0 && r.size == 1);
        CHECK_OK(parse_idmap("0:0:4294967295", &r, &err), &err);
        CHECK(r.size == 4294967295u);
}

static void idmap_rejects_malformed(void)
{
        struct idmap_range r = {0};
        burrow_error *err = NULL;
        char *longarg = unit_repeat('1', 5000);
        static const char *const syntax[] = {
            "", ":", "::", ":::", "0:1", "0:1:", ":1:2", "0::2", "0:1:2:", "0:1:2:3", "1", "a:b:c"};

        for (size_t i = 0; i < sizeof(syntax) / sizeof(syntax[0]); i++) {
                int r1 = parse_idmap(syntax[i], &r, &err);
                CHECK(r1 == -1 && err != NULL);
                error_free(&err);
        }
        CHECK_ERROR(parse_idmap("0:1:2:3", &r, &err), &err, "expected CONTAINER:HOST:COUNT");
        CHECK_ERROR(parse_idmap("x:1:2", &r, &err), &err, "container id \"x\" is not a number");
        CHECK_ERROR(parse_idmap("0:-1:2", &r, &err), &err, "host id \"-1\" is not a number");
        CHECK_ERROR(parse_idmap("0:1: 2", &r, &err), &err, "count \" 2\" is not a number");
        CHECK_ERROR(parse_idmap("0:1:4294967296", &r, &err), &err, "is not a number below 2^32");
        CHECK_ERROR(parse_idmap("0:1:0", &r, &err), &err, "count must be at least 1");
        CHECK_ERROR(parse_idmap("4294967295:0:1", &r, &err), &err, "container ids overflow 32 bits");
        CHECK_ERROR(parse_idmap("1:0:4294967295", &r, &err), &err, "container ids overflow 32 bits");
        CHECK_ERROR(parse_idmap("0:4294967295:1", &r, &err), &err, "host ids overflow 32 bits");
        CHECK_ERROR(parse_idmap("0:2:4294967294", &r, &err), &err, "host ids overflow 32 bits");
        CHECK_ERROR(parse_idmap(longarg, &r, &err), &err, "longer than 4096 bytes");
        free(longarg);
}

static void bool_values(void)
{
        static const char *const yes[] = {"true", "TRUE", "True", "1", "yes", "YES"};
        static const char *const no[] = {"false", "FaLsE", "0", "no", "No"};
        static const char *const bad[] = {"", "y", "n", "on", "off", "2", "truee", " true", "true "};
        bool b;

        for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
                b = false;
                CHECK(parse_bool(yes[i], &b) == 0 && b);
        }
        for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
                b = true;
                CHECK(parse_bool(no[i], &b) == 0 && !b);
        }
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                CHECK(parse_bool(bad[i], &b) == -1);
        CHECK(parse_bool(NULL, &b) == -1);
}

/* Garbage made of the characters the parsers split on never crashes them and never yields a half-filled result. */
static void parsers_survive_separator_soup(void)
{
        static const char alphabet[] = ":,=/.%a0 \t";
        unsigned seed = 1;

        for (int iter = 0; iter < 20000; iter++) {
                char buf[24];
                size_t len = (size_t)(iter % 23);
                struct spec_mount m = {0};
                struct spec_user u = {0};
                struct idmap_range r;
                burrow_error *err = NULL;
                char *e = NULL;

                for (size_t i = 0; i < len; i++) {
                        seed = seed * 1103515245 + 12345;
                        buf[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
                }
                buf[len] = '\0';

                if (parse_volume(buf, &m, &err) == 0) {
                        CHECK(m.destination != NULL && m.destination[0] == '/' && m.source != NULL);
                        spec_mount_clear(&m);
                } else {
                        CHECK(err != NULL && m.destination == NULL);
                }
                error_free(&err);
                if (parse_tmpfs(buf, &m, &err) == 0) {
                        CHECK(m.destination != NULL && m.destination[0] == '/' && m.source == NULL);
                        spec_mount_clear(&m);
                } else {
                        CHECK(err != NULL);
                }
                error_free(&err);
                if (parse_env(buf, fake_lookup, &e, &err) == 0)
                        free(e);
                else
                        CHECK(err != NULL);
                error_free(&err);
                if (parse_user(buf, &u, &err) == 0) {
                        free(u.user);
                        free(u.group);
                } else {
                        CHECK(err != NULL && u.user == NULL);
                }
                error_free(&err);
                if (parse_idmap(buf, &r, &err) < 0)
                        CHECK(err != NULL);
                error_free(&err);
        }
}

static void ulimit_parses_docker_names(void)
{
        struct spec_rlimit rl;
        burrow_error *err = NULL;

        CHECK_OK(parse_ulimit("nofile=1024:2048", &rl, &err), &err);
        CHECK(rl.resource == RLIMIT_NOFILE && rl.soft == 1024 && rl.hard == 2048);
        CHECK_OK(parse_ulimit("nproc=50", &rl, &err), &err);
        CHECK(rl.resource == RLIMIT_NPROC && rl.soft == 50 && rl.hard == 50);
        CHECK_OK(parse_ulimit("core=-1", &rl, &err), &err);
        CHECK(rl.resource == RLIMIT_CORE && rl.soft == RLIM_INFINITY && rl.hard == RLIM_INFINITY);
        CHECK_OK(parse_ulimit("stack=8192:unlimited", &rl, &err), &err);
        CHECK(rl.soft == 8192 && rl.hard == RLIM_INFINITY);
}

static void ulimit_rejects_malformed(void)
{
        struct spec_rlimit rl;
        burrow_error *err = NULL;

        CHECK_ERROR(parse_ulimit("nofile", &rl, &err), &err, "expected NAME=SOFT[:HARD]");
        CHECK_ERROR(parse_ulimit("=5", &rl, &err), &err, "expected NAME=SOFT[:HARD]");
        CHECK_ERROR(parse_ulimit("files=5", &rl, &err), &err, "unknown limit \"files\"");
        CHECK_ERROR(parse_ulimit("nofile=", &rl, &err), &err, "limits are numbers");
        CHECK_ERROR(parse_ulimit("nofile=1:", &rl, &err), &err, "limits are numbers");
        CHECK_ERROR(parse_ulimit("nofile=x", &rl, &err), &err, "limits are numbers");
        CHECK_ERROR(parse_ulimit("nofile=-2", &rl, &err), &err, "limits are numbers");
        CHECK_ERROR(parse_ulimit("nofile=99999999999999999999999", &rl, &err), &err, "limits are numbers");
        CHECK_ERROR(parse_ulimit("nofile=18446744073709551615", &rl, &err), &err, "limits are numbers");
        CHECK_ERROR(parse_ulimit("nofile=10:5", &rl, &err), &err, "soft limit exceeds the hard limit");
        CHECK_ERROR(parse_ulimit("nofile=unlimited:5", &rl, &err), &err, "soft limit exceeds the hard limit");
        CHECK_ERROR(parse_ulimit("nofile=1:2:3", &rl, &err), &err, "limits are numbers");
}

static void path_list_splits_and_cleans(void)
{
        strv out = {0};
        burrow_error *err = NULL;

        CHECK_OK(parse_path_list("mask", "/proc/kcore:/sys//firmware/", &out, &err), &err);
        CHECK(out.len == 2);
        if (out.len == 2) {
                CHECK_STREQ(out.items[0], "/proc/kcore");
                CHECK_STREQ(out.items[1], "/sys/firmware");
        }
        CHECK_ERROR(parse_path_list("mask", "/a:relative", &out, &err), &err, "is not an absolute path");
        CHECK(out.len == 2); /* nothing added on failure */
        CHECK_ERROR(parse_path_list("mask", "", &out, &err), &err, "no path given");
        CHECK_ERROR(parse_path_list("mask", ":::", &out, &err), &err, "no path given");
        strv_clear(&out);
}

int main(void)
{
        RUN(path_clean_collapses_slashes_dots_and_dotdots);
        RUN(path_clean_rejects_relative_and_empty);
        RUN(volume_defaults_to_rbind_without_propagation);
        RUN(volume_keeps_relative_source_as_given);
        RUN(volume_options_set_flags);
        RUN(volume_propagation_options);
        RUN(volume_rejects_named_and_anonymous_volumes);
        RUN(volume_rejects_malformed_parts);
        RUN(volume_rejects_bad_options);
        RUN(volume_rejects_overlong_argument);
        RUN(tmpfs_defaults_to_nosuid_nodev_noexec);
        RUN(tmpfs_options_go_to_flags_and_data);
        RUN(tmpfs_rejects_bad_values);
        RUN(tmpfs_rejects_bad_syntax);
        RUN(tmpfs_rejects_overlong_argument);
        RUN(env_key_value_is_taken_as_is);
        RUN(env_key_alone_is_looked_up);
        RUN(env_rejects_bad_keys);
        RUN(env_file_follows_docker_format);
        RUN(env_file_errors_name_the_line);
        RUN(user_accepts_names_and_ids);
        RUN(user_rejects_malformed);
        RUN(idmap_parses_three_numbers);
        RUN(idmap_rejects_malformed);
        RUN(bool_values);
        RUN(parsers_survive_separator_soup);
        RUN(ulimit_parses_docker_names);
        RUN(ulimit_rejects_malformed);
        RUN(path_list_splits_and_cleans);
        return unit_finish();
}
