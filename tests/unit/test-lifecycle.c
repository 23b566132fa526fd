/* Container records, names, ids and signals (container/record.h, container/inspect.h, util/signame.h). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container/inspect.h"
#include "container/record.h"
#include "unit.h"
#include "util/signame.h"

static const char id_a[] = "aaaa1111bbbb2222cccc3333dddd4444eeee5555ffff6666aaaa7777bbbb8888";
static const char id_b[] = "aaaa9999bbbb2222cccc3333dddd4444eeee5555ffff6666aaaa7777bbbb8888";

static char *scratch(void)
{
        char tmpl[] = "/tmp/burrow-unit-lifecycle.XXXXXX";
        char *dir = mkdtemp(tmpl);

        return dir ? strdup(dir) : NULL;
}

static void rm_rf(const char *dir)
{
        char *cmd = NULL;

        if (asprintf(&cmd, "rm -rf '%s'", dir) > 0 && system(cmd) != 0)
                printf("# rm -rf %s failed\n", dir);
        free(cmd);
}

static void test_signals(void)
{
        burrow_error *err = NULL;
        char buf[32];
        int sig = 0;

        CHECK_OK(signame_parse("SIGTERM", &sig, &err), &err);
        CHECK(sig == SIGTERM);
        CHECK_OK(signame_parse("term", &sig, &err), &err);
        CHECK(sig == SIGTERM);
        CHECK_OK(signame_parse("9", &sig, &err), &err);
        CHECK(sig == SIGKILL);
        CHECK_OK(signame_parse("USR1", &sig, &err), &err);
        CHECK(sig == SIGUSR1);
        CHECK_OK(signame_parse("SIGRTMIN+3", &sig, &err), &err);
        CHECK(sig == SIGRTMIN + 3);
        CHECK_OK(signame_parse("RTMAX-1", &sig, &err), &err);
        CHECK(sig == SIGRTMAX - 1);
        CHECK_ERROR(signame_parse("", &sig, &err), &err, "invalid signal");
        CHECK_ERROR(signame_parse("0", &sig, &err), &err, "invalid signal");
        CHECK_ERROR(signame_parse("65", &sig, &err), &err, "invalid signal");
        CHECK_ERROR(signame_parse("SIG", &sig, &err), &err, "invalid signal");
        CHECK_ERROR(signame_parse("SIG9", &sig, &err), &err, "invalid signal");
        CHECK_ERROR(signame_parse("BOGUS", &sig, &err), &err, "invalid signal");
        CHECK_ERROR(signame_parse("RTMIN+99", &sig, &err), &err, "invalid signal");
        CHECK_ERROR(signame_parse("RTMINx", &sig, &err), &err, "invalid signal");
        CHECK_ERROR(signame_parse("-9", &sig, &err), &err, "invalid signal");
        CHECK_STREQ(signame_format(SIGTERM, buf, sizeof(buf)), "SIGTERM");
        CHECK_STREQ(signame_format(SIGRTMIN + 2, buf, sizeof(buf)), "SIGRTMIN+2");
}

static void test_names(void)
{
        burrow_error *err = NULL;
        char long_name[CTR_NAME_MAX + 2];

        CHECK_OK(ctr_name_check("web", &err), &err);
        CHECK_OK(ctr_name_check("a.b-c_D9", &err), &err);
        CHECK_ERROR(ctr_name_check("", &err), &err, "empty");
        CHECK_ERROR(ctr_name_check("-x", &err), &err, "only [a-zA-Z0-9]");
        CHECK_ERROR(ctr_name_check("a b", &err), &err, "only [a-zA-Z0-9]");
        CHECK_ERROR(ctr_name_check("a/b", &err), &err, "only [a-zA-Z0-9]");
        CHECK_ERROR(ctr_name_check("..", &err), &err, "only [a-zA-Z0-9]");
        memset(long_name, 'a', sizeof(long_name) - 1);
        long_name[sizeof(long_name) - 1] = '\0';
        CHECK_ERROR(ctr_name_check(long_name, &err), &err, "longer than");
        for (int i = 0; i < 50; i++) {
                char *n = ctr_name_generate();
                CHECK(ctr_name_check(n, NULL) == 0 && strchr(n, '_') != NULL);
                free(n);
        }
        CHECK(ctr_id_valid(id_a));
        CHECK(!ctr_id_valid("aaaa"));
        CHECK(!ctr_id_valid("AAAA1111bbbb2222cccc3333dddd4444eeee5555ffff6666aaaa7777bbbb8888"));
}

static void write_container(const char *root, const char *id, const char *name, int64_t created)
{
        char *dir = ctr_dir(root, id);
        struct ctr_record rec = {.id = (char *)id, .name = (char *)name, .created_ns = created, .image_index = -1};
        burrow_error *err = NULL;

        strv_push(&rec.argv, "--rootfs");
        strv_push(&rec.argv, "/r");
        strv_push(&rec.argv, "true");
        CHECK(mkdir(dir, 0700) == 0);
        CHECK_OK(ctr_record_write(dir, &rec, &err), &err);
        CHECK_OK(ctr_name_reserve(root, name, id, &err), &err);
        strv_clear(&rec.argv);
        free(dir);
}

static void test_records_and_resolution(void)
{
        char *root = scratch(), *containers = NULL, *dir = NULL, *id = NULL;
        burrow_error *err = NULL;
        struct ctr_record rec = {0};
        struct ctr_state st = {0}, in = {.status = CTR_EXITED, .pid = 42, .exit_code = 3, .cgroup = "/sys/x"};
        strv ids = {0};

        CHECK(root != NULL);
        if (root == NULL)
                return;
        CHECK(asprintf(&containers, "%s/containers", root) > 0 && mkdir(containers, 0700) == 0);
        write_container(root, id_a, "web", 2);
        write_container(root, id_b, "db", 1);
        dir = ctr_dir(root, id_a);
        CHECK_OK(ctr_record_read(dir, &rec, &err), &err);
        CHECK_STREQ(rec.name, "web");
        CHECK(rec.argv.len == 3 && strcmp(rec.argv.items[2], "true") == 0);
        ctr_record_clear(&rec);
        /* No state.json yet: created. */
        CHECK_OK(ctr_state_read(dir, &st, &err), &err);
        CHECK(st.status == CTR_CREATED);
        ctr_state_clear(&st);
        CHECK_OK(ctr_state_write(dir, &in, &err), &err);
        CHECK_OK(ctr_state_read_live(dir, &st, &err), &err);
        CHECK(st.status == CTR_EXITED && st.exit_code == 3 && st.pid == 42);
        CHECK_STREQ(st.cgroup, "/sys/x");
        ctr_state_clear(&st);
        /* "running" with no supervisor holding the lock is not believed. */
        in.status = CTR_RUNNING;
        CHECK_OK(ctr_state_write(dir, &in, &err), &err);
        CHECK_OK(ctr_state_read_live(dir, &st, &err), &err);
        CHECK(st.status == CTR_EXITED && st.exit_code == -1);
        ctr_state_clear(&st);

        CHECK_OK(ctr_list(root, &ids, &err), &err);
        CHECK(ids.len == 2 && strcmp(ids.items[0], id_b) == 0);
        strv_clear(&ids);
        CHECK_OK(ctr_resolve(root, "web", &id, &err), &err);
        CHECK_STREQ(id, id_a);
        free(id);
        CHECK_OK(ctr_resolve(root, "aaaa1", &id, &err), &err);
        CHECK_STREQ(id, id_a);
        free(id);
        CHECK_OK(ctr_resolve(root, id_b, &id, &err), &err);
        CHECK_STREQ(id, id_b);
        free(id);
        CHECK_ERROR(ctr_resolve(root, "aaaa", &id, &err), &err, "ambiguous");
        CHECK_ERROR(ctr_resolve(root, "nothere", &id, &err), &err, "no such container");
        CHECK_ERROR(ctr_resolve(root, "", &id, &err), &err, "no such container");
        CHECK_ERROR(ctr_resolve(root, "../../etc", &id, &err), &err, "no such container");
        /* A name taken by an existing container stays taken; a stale one is taken over. */
        CHECK_ERROR(ctr_name_reserve(root, "web", id_b, &err), &err, "already in use");
        ctr_name_release(root, "web", id_b); /* not its owner: no effect */
        CHECK_ERROR(ctr_name_reserve(root, "web", id_b, &err), &err, "already in use");
        rm_rf(dir);
        CHECK_OK(ctr_name_reserve(root, "web", id_b, &err), &err);
        free(dir);
        free(containers);
        rm_rf(root);
        free(root);
}

static void test_corrupt_records(void)
{
        char *root = scratch(), *dir = NULL, *path = NULL;
        burrow_error *err = NULL;
        struct ctr_record rec = {0};
        struct ctr_state st = {0};
        static const char *const bad[] = {"", "[]", "{", "{\"Id\":\"x\",\"Name\":\"n\",\"Args\":[]}",
                                          ("{\"Id\":\"aaaa1111bbbb2222cccc3333dddd4444eeee5555ffff6666aaaa7777bbbb8888\","
                                           "\"Name\":\"n\",\"Args\":3}")};

        if (root == NULL)
                return;
        dir = strdup(root);
        CHECK(asprintf(&path, "%s/container.json", dir) > 0);
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                FILE *f = fopen(path, "w");
                fputs(bad[i], f);
                fclose(f);
                CHECK_ERROR(ctr_record_read(dir, &rec, &err), &err, "container.json");
        }
        free(path);
        CHECK(asprintf(&path, "%s/state.json", dir) > 0);
        {
                FILE *f = fopen(path, "w");
                fputs("{\"Status\":\"flying\"}", f);
                fclose(f);
                CHECK_ERROR(ctr_state_read(dir, &st, &err), &err, "Status");
        }
        free(path);
        free(dir);
        rm_rf(root);
        free(root);
}

static void test_formatting(void)
{
        struct ctr_state st = {.status = CTR_RUNNING, .started_ns = 1000000000};
        char buf[96];

        ctr_format_status(&st, 4000000000, buf, sizeof(buf));
        CHECK_STREQ(buf, "Up 3 seconds");
        st = (struct ctr_state){.status = CTR_EXITED, .exit_code = 3, .finished_ns = 1000000000};
        ctr_format_status(&st, 1000000000 + 120 * 1000000000LL, buf, sizeof(buf));
        CHECK_STREQ(buf, "Exited (3) 2 minutes ago");
        st = (struct ctr_state){.status = CTR_EXITED, .exit_code = -1};
        ctr_format_status(&st, 5, buf, sizeof(buf));
        CHECK_STREQ(buf, "Exited (unknown)");
        st = (struct ctr_state){.status = CTR_CREATED};
        ctr_format_status(&st, 5, buf, sizeof(buf));
        CHECK_STREQ(buf, "Created");
        ctr_format_duration(90LL * 60 * 1000000000, buf, sizeof(buf));
        CHECK_STREQ(buf, "About an hour");
        ctr_format_rfc3339(1700000000123456789LL, buf, sizeof(buf));
        CHECK_STREQ(buf, "2023-11-14T22:13:20.123456789Z");
        ctr_format_rfc3339(0, buf, sizeof(buf));
        CHECK_STREQ(buf, "0001-01-01T00:00:00Z");
}

int main(void)
{
        RUN(test_signals);
        RUN(test_names);
        RUN(test_records_and_resolution);
        RUN(test_corrupt_records);
        RUN(test_formatting);
        return unit_finish();
}
