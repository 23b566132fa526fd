/* -u resolution against an image's /etc/passwd and /etc/group, as docker and runc do it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spec/user.h"
#include "unit.h"

static char dir[] = "/tmp/burrow-test-user-XXXXXX";
static char passwd_path[256], group_path[256], missing_path[256];

static const char passwd_text[] = "root:x:0:0:root:/root:/bin/sh\n"
                                  "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                                  "this line is malformed\n"
                                  "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n"
                                  "bob:x:1001:100::/home/bob:/bin/sh\n"
                                  "nohome:x:1002:1002::::\n"
                                  "alias:x:1000:5:second entry for 1000:/home/alias:/bin/sh\n";

static const char group_text[] = "root:x:0:\n"
                                 "wheel:x:10:root,alice\n"
                                 "users:x:100:alice,bob\n"
                                 "alice:x:1000:alice\n"
                                 "audio:x:29:bob,alice\n"
                                 "dup-audio:x:29:alice\n"
                                 "staff:x:50:\n";

static void write_file(const char *path, const char *text, size_t len)
{
        FILE *f = fopen(path, "w");

        if (f == NULL || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
                printf("Bail out! cannot write %s: %s\n", path, strerror(errno));
                exit(1);
        }
}

static void check_groups(const struct user_resolved *u, const gid_t *want, size_t n)
{
        CHECK(u->n_groups == n);
        for (size_t i = 0; i < n && i < u->n_groups; i++)
                CHECK(u->groups[i] == want[i]);
}

static void name_is_looked_up_with_supplementary_groups(void)
{
        struct spec_user spec = {(char *)"alice", NULL};
        struct user_resolved u = {0};
        burrow_error *err = NULL;
        static const gid_t want[] = {1000, 10, 100, 29};

        CHECK_OK(user_resolve(&spec, passwd_path, group_path, &u, &err), &err);
        CHECK(u.uid == 1000);
        CHECK(u.gid == 1000);
        CHECK_STREQ(u.home, "/home/alice");
        /* The primary group comes first, as after initgroups(3); 29 is listed twice and given once. */
        check_groups(&u, want, 4);
        user_resolved_clear(&u);
        CHECK(u.groups == NULL && u.home == NULL);
}

static void number_uses_the_passwd_entry_when_there_is_one(void)
{
        struct spec_user spec = {(char *)"1001", NULL};
        struct spec_user first = {(char *)"1000", NULL};
        struct user_resolved u = {0};
        burrow_error *err = NULL;
        static const gid_t want[] = {100, 29};

        CHECK_OK(user_resolve(&spec, passwd_path, group_path, &u, &err), &err);
        CHECK(u.uid == 1001);
        CHECK(u.gid == 100);
        CHECK_STREQ(u.home, "/home/bob");
        check_groups(&u, want, 2);
        user_resolved_clear(&u);

        /* The first of two entries with the same uid wins. */
        CHECK_OK(user_resolve(&first, passwd_path, group_path, &u, &err), &err);
        CHECK(u.gid == 1000);
        CHECK_STREQ(u.home, "/home/alice");
        user_resolved_clear(&u);
}

static void number_without_entry_gets_gid_0_and_root_home(void)
{
        struct spec_user spec = {(char *)"4242", NULL};
        struct user_resolved u = {0};
        burrow_error *err = NULL;

        CHECK_OK(user_resolve(&spec, passwd_path, group_path, &u, &err), &err);
        CHECK(u.uid == 4242);
        CHECK(u.gid == 0);
        CHECK_STREQ(u.home, "/");
        CHECK(u.n_groups == 1 && u.groups[0] == 0);
        user_resolved_clear(&u);
}

static void empty_home_becomes_root(void)
{
        struct spec_user spec = {(char *)"nohome", NULL};
        struct user_resolved u = {0};
        burrow_error *err = NULL;

        CHECK_OK(user_resolve(&spec, passwd_path, group_path, &u, &err), &err);
        CHECK(u.uid == 1002 && u.gid == 1002);
        CHECK_STREQ(u.home, "/");
        user_resolved_clear(&u);
}

static void default_user_is_root(void)
{
        struct spec_user spec = {NULL, NULL};
        struct user_resolved u = {0};
        burrow_error *err = NULL;
        static const gid_t want[] = {0, 10};

        CHECK_OK(user_resolve(&spec, passwd_path, group_path, &u, &err), &err);
        CHECK(u.uid == 0 && u.gid == 0);
        CHECK_STREQ(u.home, "/root");
        check_groups(&u, want, 2);
        user_resolved_clear(&u);

        CHECK_OK(user_resolve(NULL, passwd_path, group_path, &u, &err), &err);
        CHECK(u.uid == 0);
        user_resolved_clear(&u);
}

static void missing_files_count_as_empty(void)
{
        struct spec_user root = {NULL, NULL};
        struct spec_user num = {(char *)"5", (char *)"6"};
        struct spec_user name = {(char *)"alice", NULL};
        struct spec_user group = {(char *)"0", (char *)"wheel"};
        struct user_resolved u = {0};
        burrow_error *err = NULL;

        CHECK_OK(user_resolve(&root, missing_path, missing_path, &u, &err), &err);
        CHECK(u.uid == 0 && u.gid == 0 && u.n_groups == 1 && u.groups[0] == 0);
        CHECK_STREQ(u.home, "/");
        user_resolved_clear(&u);

        CHECK_OK(user_resolve(&num, missing_path, missing_path, &u, &err), &err);
        CHECK(u.uid == 5 && u.gid == 6);
        user_resolved_clear(&u);

        CHECK_OK(user_resolve(&num, "/nonexistent-dir/x/passwd", NULL, &u, &err), &err);
        user_resolved_clear(&u);

        CHECK_ERROR(user_resolve(&name, missing_path, group_path, &u, &err), &err,
                    "unable to find user alice: no matching entries in passwd file");
        CHECK_ERROR(user_resolve(&group, passwd_path, missing_path, &u, &err), &err,
                    "unable to find group wheel: no matching entries in group file");
}

static void explicit_group_replaces_primary_and_supplementary(void)
{
        struct spec_user by_name = {(char *)"alice", (char *)"staff"};
        struct spec_user by_number = {(char *)"alice", (char *)"12345"};
        struct spec_user both_numbers = {(char *)"4242", (char *)"100"};
        struct user_resolved u = {0};
        burrow_error *err = NULL;

        CHECK_OK(user_resolve(&by_name, passwd_path, group_path, &u, &err), &err);
        CHECK(u.uid == 1000 && u.gid == 50);
        CHECK(u.n_groups == 1 && u.groups[0] == 50);
        CHECK_STREQ(u.home, "/home/alice");
        user_resolved_clear(&u);

        CHECK_OK(user_resolve(&by_number, passwd_path, group_path, &u, &err), &err);
        CHECK(u.uid == 1000 && u.gid == 12345);
        user_resolved_clear(&u);

        CHECK_OK(user_resolve(&both_numbers, passwd_path, group_path, &u, &err), &err);
        CHECK(u.uid == 4242 && u.gid == 100);
        CHECK_STREQ(u.home, "/");
        user_resolved_clear(&u);
}

static void unknown_names_and_bad_numbers_fail(void)
{
        struct spec_user nouser = {(char *)"mallory", NULL};
        struct spec_user nogroup = {(char *)"alice", (char *)"nogroup"};
        struct spec_user big = {(char *)"4294967295", NULL};
        struct spec_user huge = {(char *)"99999999999", NULL};
        struct spec_user biggroup = {(char *)"0", (char *)"4294967295"};
        struct spec_user empty = {(char *)"", NULL};
        struct user_resolved u = {0};
        burrow_error *err = NULL;

        CHECK_ERROR(user_resolve(&nouser, passwd_path, group_path, &u, &err), &err,
                    "unable to find user mallory: no matching entries in passwd file");
        CHECK_ERROR(user_resolve(&nogroup, passwd_path, group_path, &u, &err), &err,
                    "unable to find group nogroup: no matching entries in group file");
        CHECK_ERROR(user_resolve(&big, passwd_path, group_path, &u, &err), &err, "out of range");
        CHECK_ERROR(user_resolve(&huge, passwd_path, group_path, &u, &err), &err, "out of range");
        CHECK_ERROR(user_resolve(&biggroup, passwd_path, group_path, &u, &err), &err, "out of range");
        CHECK_ERROR(user_resolve(&empty, passwd_path, group_path, &u, &err), &err, "unable to find user");
        CHECK(u.home == NULL);
}

static void special_files_are_refused(void)
{
        struct spec_user spec = {NULL, NULL};
        struct user_resolved u = {0};
        burrow_error *err = NULL;
        char fifo[300];

        snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
        CHECK(mkfifo(fifo, 0600) == 0);
        CHECK_ERROR(user_resolve(&spec, fifo, group_path, &u, &err), &err, "is not a regular file");
        CHECK_ERROR(user_resolve(&spec, "/dev/zero", group_path, &u, &err), &err, "is not a regular file");
        CHECK_ERROR(user_resolve(&spec, passwd_path, dir, &u, &err), &err, "is not a regular file");
        unlink(fifo);
}

static void garbage_files_do_not_match(void)
{
        static const char garbage[] = "::::::\n\n\0\0root\nx:y:z\n:x:0:0::/:\n+::::::\nroot:x:-1:0::/r:\n"
                                      "toolong:x:99999999999999999999:0::/t:\n";
        struct spec_user root = {(char *)"root", NULL};
        struct spec_user zero = {(char *)"0", NULL};
        struct user_resolved u = {0};
        burrow_error *err = NULL;
        char path[300];

        snprintf(path, sizeof(path), "%s/garbage", dir);
        write_file(path, garbage, sizeof(garbage) - 1);
        /* Whatever glibc makes of the lines, nothing crashes and the result is consistent. */
        if (user_resolve(&root, path, path, &u, &err) == 0)
                CHECK(u.home != NULL);
        error_free(&err);
        user_resolved_clear(&u);
        CHECK_OK(user_resolve(&zero, path, path, &u, &err), &err);
        CHECK(u.home != NULL);
        user_resolved_clear(&u);
}

int main(void)
{
        if (mkdtemp(dir) == NULL) {
                printf("Bail out! mkdtemp: %s\n", strerror(errno));
                return 1;
        }
        snprintf(passwd_path, sizeof(passwd_path), "%s/passwd", dir);
        snprintf(group_path, sizeof(group_path), "%s/group", dir);
        snprintf(missing_path, sizeof(missing_path), "%s/missing", dir);
        write_file(passwd_path, passwd_text, sizeof(passwd_text) - 1);
        write_file(group_path, group_text, sizeof(group_text) - 1);

        RUN(name_is_looked_up_with_supplementary_groups);
        RUN(number_uses_the_passwd_entry_when_there_is_one);
        RUN(number_without_entry_gets_gid_0_and_root_home);
        RUN(empty_home_becomes_root);
        RUN(default_user_is_root);
        RUN(missing_files_count_as_empty);
        RUN(explicit_group_replaces_primary_and_supplementary);
        RUN(unknown_names_and_bad_numbers_fail);
        RUN(special_files_are_refused);
        RUN(garbage_files_do_not_match);

        unlink(passwd_path);
        unlink(group_path);
        {
                char path[300];
                snprintf(path, sizeof(path), "%s/garbage", dir);
                unlink(path);
        }
        rmdir(dir);
        return unit_finish();
}
