/* The container log (container/log.h): docker json-file records, rotation, and `burrow logs` options. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "container/log.h"
#include "unit.h"
#include "util/fileutil.h"

#define SEC INT64_C(1000000000)

static char tmp_root[] = "/tmp/burrow-test-log-XXXXXX";
static int tmp_counter;

/* A fresh log path in its own directory (rotation creates siblings). */
static char *new_log_path(void)
{
        char *dir, *path;

        if (asprintf(&dir, "%s/%d", tmp_root, ++tmp_counter) < 0 || mkdir(dir, 0700) < 0)
                abort();
        if (asprintf(&path, "%s/ctr.log", dir) < 0)
                abort();
        free(dir);
        return path;
}

static char *path_n(const char *path, unsigned n)
{
        char *s;
        if (asprintf(&s, "%s.%u", path, n) < 0)
                abort();
        return s;
}

static bool exists(const char *path)
{
        return access(path, F_OK) == 0;
}

static char *slurp(const char *path, size_t *ret_len)
{
        burrow_error *err = NULL;
        char *buf = NULL;

        if (file_read_all(path, 64 << 20, &buf, ret_len, &err) < 0) {
                error_free(&err);
                return NULL;
        }
        return buf;
}

static void write_file(const char *path, const char *content)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0 || fd_write_all(fd, content, strlen(content)) < 0)
                abort();
        close(fd);
}

/* What ctr_log_print() wrote on each stream. */
struct printed {
        char *out, *err;
        size_t out_len, err_len;
        int r;
};

static char *memfd_contents(int fd, size_t *ret_len)
{
        off_t size = lseek(fd, 0, SEEK_END);
        char *buf = calloc(1, (size_t)size + 1);

        if (buf == NULL || pread(fd, buf, (size_t)size, 0) != size)
                abort();
        *ret_len = (size_t)size;
        close(fd);
        return buf;
}

static struct printed print_log(const char *path, const struct ctr_log_read_options *o)
{
        struct printed p = {0};
        burrow_error *err = NULL;
        int out = memfd_create("out", MFD_CLOEXEC), errfd = memfd_create("err", MFD_CLOEXEC);

        if (out < 0 || errfd < 0)
                abort();
        p.r = ctr_log_print(path, o, out, errfd, &err);
        if (p.r < 0)
                printf("#   ctr_log_print: %s\n", err ? err->msg : "(no error)");
        error_free(&err);
        p.out = memfd_contents(out, &p.out_len);
        p.err = memfd_contents(errfd, &p.err_len);
        return p;
}

static void printed_clear(struct printed *p)
{
        free(p->out);
        free(p->err);
}

#define ALL_OPTIONS                                                                                                    \
        {                                                                                                              \
                .tail = -1                                                                                             \
        }

static struct ctr_log *open_log(const char *path, uint64_t max_size, unsigned max_files)
{
        struct ctr_log *log = NULL;
        burrow_error *err = NULL;

        CHECK_OK(ctr_log_open(path, max_size, max_files, &log, &err), &err);
        if (log == NULL)
                abort();
        return log;
}

static void log_write(struct ctr_log *log, enum ctr_log_stream s, const char *data, size_t len)
{
        burrow_error *err = NULL;
        CHECK_OK(ctr_log_write(log, s, data, len, &err), &err);
}
#define LOG_STR(log, s, str) log_write(log, s, str, strlen(str))

static int64_t now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * SEC + ts.tv_nsec;
}

/* Each line of the file parsed as strict JSON with valid UTF-8; returns how many, and calls fn on each. */
static size_t for_each_record(const char *path, void (*fn)(json_object *rec, size_t i, void *arg), void *arg)
{
        size_t len = 0, n = 0;
        char *buf = slurp(path, &len), *line = buf;
        json_tokener *tok = json_tokener_new();

        json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
        while (line != NULL && line < buf + len) {
                char *nl = memchr(line, '\n', (size_t)(buf + len - line));
                json_object *rec;

                CHECK(nl != NULL);
                if (nl == NULL)
                        break;
                json_tokener_reset(tok);
                rec = json_tokener_parse_ex(tok, line, (int)(nl - line));
                CHECK(rec != NULL && json_tokener_get_parse_end(tok) == (size_t)(nl - line));
                if (rec != NULL && fn)
                        fn(rec, n, arg);
                json_object_put(rec);
                n++;
                line = nl + 1;
        }
        json_tokener_free(tok);
        free(buf);
        return n;
}

static const char *field(json_object *rec, const char *key)
{
        json_object *v;
        return json_object_object_get_ex(rec, key, &v) ? json_object_get_string(v) : NULL;
}

struct expected_record {
        const char *log, *stream;
        int64_t after, before;
};

static void check_record(json_object *rec, size_t i, void *arg)
{
        const struct expected_record *want = (const struct expected_record *)arg + i;
        int64_t ns = 0;
        burrow_error *err = NULL;
        const char *time = field(rec, "time");

        CHECK_STREQ(field(rec, "log"), want->log);
        CHECK_STREQ(field(rec, "stream"), want->stream);
        CHECK(json_object_object_length(rec) == 3);
        /* RFC 3339 UTC with nanoseconds, stamped when written. */
        CHECK(time != NULL && strlen(time) == 30 && time[10] == 'T' && time[19] == '.' && time[29] == 'Z');
        CHECK_OK(ctr_log_parse_time("since", time ? time : "", 0, &ns, &err), &err);
        CHECK(ns >= want->after && ns <= want->before);
}

static void records_are_docker_json_lines(void)
{
        char *path = new_log_path(), *raw;
        struct ctr_log *log = open_log(path, 0, 0);
        int64_t before = now_ns(), after;
        struct stat st;
        size_t len;

        LOG_STR(log, CTR_LOG_STDOUT, "hello\n");
        LOG_STR(log, CTR_LOG_STDERR, "oops\n");
        ctr_log_close(log);
        after = now_ns();

        CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
        struct expected_record want[] = {{"hello\n", "stdout", before, after}, {"oops\n", "stderr", before, after}};
        CHECK(for_each_record(path, check_record, want) == 2);
        /* docker's key order, compact. */
        raw = slurp(path, &len);
        CHECK(raw != NULL && strncmp(raw, "{\"log\":\"hello\\n\",\"stream\":\"stdout\",\"time\":\"", 43) == 0);
        free(raw);
        free(path);
}

static void streams_go_to_their_own_fds(void)
{
        char *path = new_log_path();
        struct ctr_log *log = open_log(path, 0, 0);
        struct ctr_log_read_options o = ALL_OPTIONS;
        struct printed p;

        LOG_STR(log, CTR_LOG_STDOUT, "one\n");
        LOG_STR(log, CTR_LOG_STDERR, "err one\n");
        LOG_STR(log, CTR_LOG_STDOUT, "two\nthree\n");
        ctr_log_close(log);
        p = print_log(path, &o);
        CHECK(p.r == 0);
        CHECK_STREQ(p.out, "one\ntwo\nthree\n");
        CHECK_STREQ(p.err, "err one\n");
        printed_clear(&p);
        free(path);
}

static void partial_lines_join_until_newline_or_flush(void)
{
        char *path = new_log_path();
        struct ctr_log *log = open_log(path, 0, 0);
        struct ctr_log_read_options o = ALL_OPTIONS;
        burrow_error *err = NULL;
        struct printed p;

        LOG_STR(log, CTR_LOG_STDOUT, "a");
        LOG_STR(log, CTR_LOG_STDERR, "x");
        LOG_STR(log, CTR_LOG_STDOUT, "b");
        log_write(log, CTR_LOG_STDOUT, "", 0);
        CHECK(for_each_record(path, NULL, NULL) == 0);
        LOG_STR(log, CTR_LOG_STDOUT, "c\nd");
        CHECK(for_each_record(path, NULL, NULL) == 1);
        CHECK_OK(ctr_log_flush(log, &err), &err);
        /* Flushing twice writes nothing more. */
        CHECK_OK(ctr_log_flush(log, &err), &err);
        LOG_STR(log, CTR_LOG_STDOUT, "e");
        ctr_log_close(log); /* flushes too */

        struct expected_record want[] = {
            {"abc\n", "stdout", 0, INT64_MAX},
            {"d", "stdout", 0, INT64_MAX},
            {"x", "stderr", 0, INT64_MAX},
            {"e", "stdout", 0, INT64_MAX},
        };
        CHECK(for_each_record(path, check_record, want) == 4);
        p = print_log(path, &o);
        CHECK_STREQ(p.out, "abc\nde");
        CHECK_STREQ(p.err, "x");
        printed_clear(&p);
        ctr_log_close(NULL);
        free(path);
}

static void empty_writes_write_nothing(void)
{
        char *path = new_log_path();
        struct ctr_log *log = open_log(path, 0, 0);
        struct ctr_log_read_options o = ALL_OPTIONS;
        burrow_error *err = NULL;
        struct printed p;
        struct stat st;

        log_write(log, CTR_LOG_STDOUT, NULL, 0);
        log_write(log, CTR_LOG_STDERR, "", 0);
        CHECK_OK(ctr_log_flush(log, &err), &err);
        CHECK_ERROR(ctr_log_write(log, (enum ctr_log_stream)7, "x", 1, &err), &err, "log stream 7");
        ctr_log_close(log);
        CHECK(stat(path, &st) == 0 && st.st_size == 0);
        p = print_log(path, &o);
        CHECK(p.r == 0 && p.out_len == 0 && p.err_len == 0);
        printed_clear(&p);
        /* An empty line is a record of its own. */
        log = open_log(path, 0, 0);
        LOG_STR(log, CTR_LOG_STDOUT, "\n\n");
        ctr_log_close(log);
        CHECK(for_each_record(path, NULL, NULL) == 2);
        free(path);
}

struct split_check {
        size_t lens[8];
        char last_byte[8];
};

static void note_split(json_object *rec, size_t i, void *arg)
{
        struct split_check *c = arg;
        json_object *v;

        if (i < 8 && json_object_object_get_ex(rec, "log", &v)) {
                c->lens[i] = (size_t)json_object_get_string_len(v);
                c->last_byte[i] = json_object_get_string(v)[c->lens[i] - 1];
        }
}

static void long_lines_split_into_16k_records(void)
{
        char *path = new_log_path(), *line = unit_repeat('x', 40000);
        struct ctr_log *log = open_log(path, 0, 0);
        struct ctr_log_read_options o = ALL_OPTIONS;
        struct split_check c = {0};
        struct printed p;

        line[39999] = '\n';
        log_write(log, CTR_LOG_STDOUT, line, 40000);
        /* Exactly 16 KiB waiting becomes a record at once, without its newline. */
        log_write(log, CTR_LOG_STDERR, line, CTR_LOG_MAX_PAYLOAD);
        ctr_log_close(log);
        CHECK(for_each_record(path, note_split, &c) == 4);
        CHECK(c.lens[0] == CTR_LOG_MAX_PAYLOAD && c.last_byte[0] == 'x');
        CHECK(c.lens[1] == CTR_LOG_MAX_PAYLOAD && c.last_byte[1] == 'x');
        CHECK(c.lens[2] == 40000 - 2 * CTR_LOG_MAX_PAYLOAD && c.last_byte[2] == '\n');
        CHECK(c.lens[3] == CTR_LOG_MAX_PAYLOAD);
        p = print_log(path, &o);
        CHECK(p.out_len == 40000 && memcmp(p.out, line, 40000) == 0);
        CHECK(p.err_len == CTR_LOG_MAX_PAYLOAD);
        printed_clear(&p);
        free(line);
        free(path);
}

static void a_split_never_cuts_a_utf8_character(void)
{
        char *path = new_log_path(), *line = unit_repeat('y', CTR_LOG_MAX_PAYLOAD + 8);
        struct ctr_log *log = open_log(path, 0, 0);
        struct ctr_log_read_options o = ALL_OPTIONS;
        struct split_check c = {0};
        struct printed p;

        /* A 3-byte character starting 2 bytes before the split point. */
        memcpy(line + CTR_LOG_MAX_PAYLOAD - 2, "\xe2\x82\xac", 3);
        line[CTR_LOG_MAX_PAYLOAD + 7] = '\n';
        log_write(log, CTR_LOG_STDOUT, line, CTR_LOG_MAX_PAYLOAD + 8);
        ctr_log_close(log);
        CHECK(for_each_record(path, note_split, &c) == 2);
        CHECK(c.lens[0] == CTR_LOG_MAX_PAYLOAD - 2);
        CHECK(c.lens[1] == 10);
        p = print_log(path, &o);
        CHECK(p.out_len == CTR_LOG_MAX_PAYLOAD + 8 && memcmp(p.out, line, p.out_len) == 0);
        printed_clear(&p);
        free(line);
        free(path);
}

static void binary_bytes_stay_valid_json(void)
{
        /* Valid UTF-8 (é, €, U+1F600, DEL), controls, NUL, quotes and backslashes come back as written; each byte
         * that is not UTF-8 (a stray 0xff, a surrogate, an overlong '/', a truncated sequence) comes back as U+FFFD. */
        static const char in[] = "a\0b\xff\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x7f\x01\x1b[0m\t\r\"\\/"
                                 "\xed\xa0\x80|\xc0\xaf|\xe2\x82\n";
        static const char want[] = "a\0b\xef\xbf\xbd\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x7f\x01\x1b[0m\t\r\"\\/"
                                   "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|"
                                   "\xef\xbf\xbd\xef\xbf\xbd\n";
        char *path = new_log_path(), all[256];
        struct ctr_log *log = open_log(path, 0, 0);
        struct ctr_log_read_options o = ALL_OPTIONS;
        struct printed p;

        log_write(log, CTR_LOG_STDOUT, in, sizeof(in) - 1);
        for (int i = 0; i < 256; i++)
                all[i] = (char)i;
        log_write(log, CTR_LOG_STDERR, all, sizeof(all));
        ctr_log_close(log);
        /* for_each_record() parses with JSON_TOKENER_VALIDATE_UTF8: every record is valid JSON text. */
        CHECK(for_each_record(path, NULL, NULL) == 3);
        p = print_log(path, &o);
        CHECK(p.out_len == sizeof(want) - 1 && memcmp(p.out, want, sizeof(want) - 1) == 0);
        /* 0..0x7f unchanged, 0x80..0xff one U+FFFD each. */
        CHECK(p.err_len == 128 + 128 * 3);
        CHECK(p.err_len >= 128 && memcmp(p.err, all, 128) == 0);
        for (size_t i = 128; i + 3 <= p.err_len; i += 3)
                CHECK(memcmp(p.err + i, "\xef\xbf\xbd", 3) == 0);
        printed_clear(&p);
        free(path);
}

static void writes_append_to_an_existing_log(void)
{
        char *path = new_log_path();
        struct ctr_log *log = open_log(path, 0, 0);
        struct ctr_log_read_options o = ALL_OPTIONS;
        struct printed p;

        LOG_STR(log, CTR_LOG_STDOUT, "first run\n");
        ctr_log_close(log);
        log = open_log(path, 0, 0);
        LOG_STR(log, CTR_LOG_STDOUT, "second run\n");
        ctr_log_close(log);
        p = print_log(path, &o);
        CHECK_STREQ(p.out, "first run\nsecond run\n");
        printed_clear(&p);
        free(path);
}

/* Writes "line FROM\n" ... "line TO-1\n" on stdout, one record each. */
static void write_numbered(struct ctr_log *log, int from, int to)
{
        for (int i = from; i < to; i++) {
                char line[32];
                snprintf(line, sizeof(line), "line %02d\n", i);
                LOG_STR(log, CTR_LOG_STDOUT, line);
        }
}

static char *numbered(int from, int to)
{
        char *s = calloc(1, 16 * (size_t)(to - from + 1));
        for (int i = from; i < to; i++)
                sprintf(s + strlen(s), "line %02d\n", i);
        return s;
}

/* The size of a record of "line NN\n". */
#define RECORD_SIZE 78

static void rotation_keeps_max_files(void)
{
        char *path = new_log_path(), *p1 = path_n(path, 1), *p2 = path_n(path, 2), *p3 = path_n(path, 3), *want;
        struct ctr_log *log = open_log(path, 3 * RECORD_SIZE, 3);
        struct ctr_log_read_options o = ALL_OPTIONS;
        struct printed p;
        struct stat st;

        write_numbered(log, 0, 20);
        ctr_log_close(log);
        CHECK(exists(path) && exists(p1) && exists(p2) && !exists(p3));
        CHECK(stat(path, &st) == 0 && st.st_size == 2 * RECORD_SIZE);
        CHECK(stat(p1, &st) == 0 && st.st_size == 3 * RECORD_SIZE && (st.st_mode & 0777) == 0600);
        CHECK(stat(p2, &st) == 0 && st.st_size == 3 * RECORD_SIZE);
        /* The oldest file first: the last 8 lines, in order. */
        p = print_log(path, &o);
        want = numbered(12, 20);
        CHECK_STREQ(p.out, want);
        printed_clear(&p);
        free(want);

        /* Reopening continues the current file and rotates on. */
        log = open_log(path, 3 * RECORD_SIZE, 3);
        write_numbered(log, 20, 22);
        ctr_log_close(log);
        p = print_log(path, &o);
        want = numbered(15, 22);
        CHECK_STREQ(p.out, want);
        printed_clear(&p);
        free(want);
        free(p1), free(p2), free(p3), free(path);
}

static void rotation_with_one_file_starts_over(void)
{
        char *path = new_log_path(), *p1 = path_n(path, 1), *want;
        struct ctr_log *log = open_log(path, 2 * RECORD_SIZE, 1);
        struct ctr_log_read_options o = ALL_OPTIONS;
        struct printed p;

        write_numbered(log, 0, 5);
        ctr_log_close(log);
        CHECK(exists(path) && !exists(p1));
        p = print_log(path, &o);
        want = numbered(4, 5);
        CHECK_STREQ(p.out, want);
        printed_clear(&p);
        free(want);
        free(p1);
        free(path);
}

static void a_smaller_max_files_ends_the_chain(void)
{
        char *path = new_log_path(), *p3 = path_n(path, 3), *want;
        struct ctr_log *log = open_log(path, RECORD_SIZE, 5);
        struct ctr_log_read_options o = ALL_OPTIONS;
        struct printed p;

        write_numbered(log, 0, 6); /* path.4 ... path: lines 1..5 */
        ctr_log_close(log);
        log = open_log(path, RECORD_SIZE, 3);
        write_numbered(log, 6, 7);
        ctr_log_close(log);
        CHECK(!exists(p3));
        p = print_log(path, &o);
        want = numbered(4, 7);
        CHECK_STREQ(p.out, want);
        printed_clear(&p);
        free(want);
        free(p3);
        free(path);
}

static void tail_counts_across_rotated_files(void)
{
        char *path = new_log_path(), *want;
        struct ctr_log *log = open_log(path, 3 * RECORD_SIZE, 4);
        struct ctr_log_read_options o = ALL_OPTIONS;
        struct printed p;

        write_numbered(log, 0, 10); /* path.3: 0-2, path.2: 3-5, path.1: 6-8, path: 9 */
        ctr_log_close(log);
        static const struct {
                long tail;
                int from;
        } cases[] = {{1, 9}, {2, 8}, {4, 6}, {7, 3}, {9, 1}, {10, 0}, {11, 0}, {1000, 0}, {-1, 0}, {0, 10}};
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                o.tail = cases[i].tail;
                p = print_log(path, &o);
                want = numbered(cases[i].from, 10);
                if (p.r != 0 || strcmp(p.out, want) != 0)
                        printf("#   --tail %ld\n", cases[i].tail);
                CHECK(p.r == 0);
                CHECK_STREQ(p.out, want);
                printed_clear(&p);
                free(want);
        }
        free(path);
}

/* A hand-written log, as docker would have left it: times trimmed of trailing zeros, other zones. */
static const char handmade[] =
    "{\"log\":\"one\\n\",\"stream\":\"stdout\",\"time\":\"2026-01-01T00:00:01Z\"}\n"
    "{\"log\":\"two\\n\",\"stream\":\"stderr\",\"time\":\"2026-01-01T00:00:02.5Z\"}\n"
    "{\"log\":\"three\\n\",\"stream\":\"stdout\",\"time\":\"2026-01-01T01:00:03+01:00\"}\n"
    "{\"stream\":\"stdout\",\"log\":\"four\\n\",\"time\":\"2026-01-01T00:00:04.000000001Z\","
    "\"attrs\":{\"tag\":\"x\"}}\n"
    "{\"log\":\"five\\n\",\"stream\":\"stdout\",\"time\":\"2026-01-01T00:00:05.999999999Z\"}\n";
#define T(s) (INT64_C(1767225600) * SEC + (int64_t)((s)*SEC))

static void since_and_until_filter_records(void)
{
        char *path = new_log_path();
        static const struct {
                int64_t since, until;
                long tail;
                const char *out, *err;
        } cases[] = {
            {0, 0, -1, "one\nthree\nfour\nfive\n", "two\n"},
            {T(3), 0, -1, "three\nfour\nfive\n", ""},
            {T(2.5), 0, -1, "three\nfour\nfive\n", "two\n"},
            {T(2.5) + 1, 0, -1, "three\nfour\nfive\n", ""},
            {0, T(3), -1, "one\n", "two\n"},
            {0, T(3) + 1, -1, "one\nthree\n", "two\n"},
            {T(2), T(4) + 1, -1, "three\n", "two\n"},
            {T(4) + 2, T(5), -1, "", ""},
            {T(6), 0, -1, "", ""},
            /* --tail first, then the time bounds, as docker. */
            {T(1), 0, 2, "four\nfive\n", ""},
            {0, T(5), 2, "four\n", ""},
        };

        write_file(path, handmade);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct ctr_log_read_options o = {
                    .tail = cases[i].tail, .since_ns = cases[i].since, .until_ns = cases[i].until};
                struct printed p = print_log(path, &o);
                CHECK(p.r == 0);
                CHECK_STREQ(p.out, cases[i].out);
                CHECK_STREQ(p.err, cases[i].err);
                printed_clear(&p);
        }
        free(path);
}

static void timestamps_prefix_each_record(void)
{
        char *path = new_log_path();
        struct ctr_log_read_options o = {.tail = 3, .timestamps = true};
        struct printed p;

        write_file(path, handmade);
        p = print_log(path, &o);
        CHECK_STREQ(p.out, "2026-01-01T00:00:03.000000000Z three\n"
                           "2026-01-01T00:00:04.000000001Z four\n"
                           "2026-01-01T00:00:05.999999999Z five\n");
        printed_clear(&p);
        o.tail = -1;
        o.until_ns = T(3);
        p = print_log(path, &o);
        CHECK_STREQ(p.err, "2026-01-01T00:00:02.500000000Z two\n");
        printed_clear(&p);
        free(path);
}

static void malformed_lines_are_skipped(void)
{
        char *path = new_log_path(), *huge = unit_repeat('z', CTR_LOG_MAX_LINE + 10), *content;
        struct ctr_log_read_options o = ALL_OPTIONS;
        struct printed p;
        static const char *const bad[] = {
            "not json",
            "",
            "{}",
            "[1,2]",
            "\"just a string\"",
            "{\"log\":1,\"stream\":\"stdout\",\"time\":\"2026-01-01T00:00:01Z\"}",
            "{\"log\":\"x\\n\",\"stream\":\"stdin\",\"time\":\"2026-01-01T00:00:01Z\"}",
            "{\"log\":\"x\\n\",\"stream\":null,\"time\":\"2026-01-01T00:00:01Z\"}",
            "{\"log\":\"x\\n\",\"stream\":\"stdout\",\"time\":\"yesterday\"}",
            "{\"log\":\"x\\n\",\"stream\":\"stdout\",\"time\":\"2026-01-01T00:00:01\"}",
            "{\"log\":\"x\\n\",\"stream\":\"stdout\",\"time\":\"2026-02-30T00:00:01Z\"}",
            "{\"log\":\"x\\n\",\"stream\":\"stdout\",\"time\":12}",
            "{\"log\":\"x\\n\",\"stream\":\"stdout\"}",
            "{\"log\":\"x\\n\",\"stream\":\"stdout\",\"time\":\"2026-01-01T00:00:01Z\"} trailing",
            "{\"log\":\"x\\n\",\"stream\":\"stdout\",\"time\":\"2026-01-01T00:00:01Z\"",
            /* Nested deeper than a record ever is. */
            "{\"log\":\"x\\n\",\"stream\":\"stdout\",\"time\":\"2026-01-01T00:00:01Z\",\"a\":[[[[[[[[[[[1]]]]]]]]]]]}",
        };
        size_t len = 0;

        content = calloc(1, 2 * CTR_LOG_MAX_LINE);
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                len += (size_t)sprintf(
                    content + len, "{\"log\":\"ok %zu\\n\",\"stream\":\"stdout\",\"time\":\"2026-01-01T00:00:01Z\"}\n",
                    i);
                len += (size_t)sprintf(content + len, "%s\n", bad[i]);
        }
        /* A line past the limit, even a well-formed record, then a good one. */
        len += (size_t)sprintf(content + len,
                               "{\"log\":\"%s\",\"stream\":\"stdout\",\"time\":\"2026-01-01T00:00:01Z\"}\n", huge);
        /* The last line has lost its newline (a writer killed mid-way would leave one): it still counts. */
        len +=
            (size_t)sprintf(content + len, "{\"log\":\"end\",\"stream\":\"stderr\",\"time\":\"2026-01-01T00:00:01Z\"}");
        write_file(path, content);

        p = print_log(path, &o);
        CHECK(p.r == 0);
        CHECK_STREQ(p.out, "ok 0\nok 1\nok 2\nok 3\nok 4\nok 5\nok 6\nok 7\nok 8\nok 9\nok 10\nok 11\nok 12\nok 13\nok "
                           "14\nok 15\n");
        CHECK_STREQ(p.err, "end");
        printed_clear(&p);
        o.tail = 2;
        p = print_log(path, &o);
        CHECK_STREQ(p.out, "");
        CHECK_STREQ(p.err, "end");
        printed_clear(&p);
        free(content);
        free(huge);
        free(path);
}

static void a_missing_log_is_an_error(void)
{
        char *path = new_log_path();
        struct ctr_log_read_options o = ALL_OPTIONS;
        burrow_error *err = NULL;
        struct ctr_log *log = NULL;

        CHECK_ERROR(ctr_log_print(path, &o, 1, 2, &err), &err, "open /tmp/");
        CHECK_ERROR(ctr_log_open("/nonexistent/dir/ctr.log", 0, 0, &log, &err), &err, "open /nonexistent/dir/ctr.log");
        CHECK(log == NULL);
        free(path);
}

static void a_full_disk_is_reported_once(void)
{
        struct ctr_log *log = NULL;
        burrow_error *err = NULL;

        /* /dev/full fails every write with ENOSPC. */
        if (access("/dev/full", W_OK) < 0) {
                printf("# no /dev/full: skipped\n");
                return;
        }
        CHECK_OK(ctr_log_open("/dev/full", 0, 0, &log, &err), &err);
        if (log == NULL)
                return;
        CHECK(ctr_log_write(log, CTR_LOG_STDOUT, "a\nb\n", 4, &err) == -1);
        CHECK(err != NULL && err->errnum == ENOSPC && strcmp(err->msg, "write /dev/full") == 0);
        error_free(&err);
        CHECK_OK(ctr_log_write(log, CTR_LOG_STDOUT, "c\n", 2, &err), &err);
        CHECK_OK(ctr_log_write(log, CTR_LOG_STDERR, "partial", 7, &err), &err);
        CHECK_OK(ctr_log_flush(log, &err), &err);
        ctr_log_close(log);
}

/* Following in one process: the callback writes more (rotating on the way) between the reader's waits. */
struct follow_state {
        struct ctr_log *log;
        int calls;
};

static bool write_then_stop(void *arg)
{
        struct follow_state *s = arg;
        s->calls++;
        if (s->calls <= 6)
                write_numbered(s->log, 3 + s->calls - 1, 3 + s->calls);
        if (s->calls == 4)
                LOG_STR(s->log, CTR_LOG_STDERR, "half a line");
        /* The last write comes with the "stop": it is still read. */
        return s->calls < 6;
}

static void follow_reads_what_comes_until_told_to_stop(void)
{
        char *path = new_log_path(), *want = numbered(1, 9);
        struct follow_state s = {.log = open_log(path, 2 * RECORD_SIZE, 3)};
        struct ctr_log_read_options o = {.tail = 2, .follow = true, .keep_following = write_then_stop, .arg = &s};
        struct printed p;
        burrow_error *err = NULL;

        write_numbered(s.log, 0, 3);
        /* Lines 3..8 come while following; the file is rotated twice meanwhile. */
        p = print_log(path, &o);
        CHECK(p.r == 0 && s.calls >= 6);
        CHECK_STREQ(p.out, want);
        /* A partial line stays in the writer until flushed. */
        CHECK_STREQ(p.err, "");
        printed_clear(&p);
        CHECK_OK(ctr_log_flush(s.log, &err), &err);
        o.keep_following = NULL;
        o.follow = false;
        o.tail = 1;
        p = print_log(path, &o);
        CHECK_STREQ(p.err, "half a line");
        printed_clear(&p);
        ctr_log_close(s.log);
        free(want);
        free(path);
}

static bool child_running(void *arg)
{
        pid_t *pid = arg;
        int status;

        if (*pid > 0 && waitpid(*pid, &status, WNOHANG) == *pid) {
                CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
                *pid = 0;
        }
        return *pid > 0;
}

static void follow_survives_rotation_by_another_process(void)
{
        char *path = new_log_path(), *want = numbered(0, 30);
        struct ctr_log_read_options o = {.tail = -1, .follow = true, .keep_following = child_running};
        struct ctr_log *log = open_log(path, 4 * RECORD_SIZE, 100);
        struct printed p;
        int64_t start;
        int failed_before = unit_failed_checks;
        pid_t pid;

        write_numbered(log, 0, 2);
        fflush(stdout);
        pid = fork();
        if (pid == 0) {
                for (int i = 2; i < 30; i++) {
                        struct timespec ts = {0, 5 * 1000 * 1000};
                        write_numbered(log, i, i + 1);
                        nanosleep(&ts, NULL);
                }
                ctr_log_close(log);
                _exit(unit_failed_checks != failed_before);
        }
        ctr_log_close(log);
        o.arg = &pid;
        start = now_ns();
        p = print_log(path, &o);
        CHECK(pid == 0);
        CHECK(p.r == 0);
        CHECK_STREQ(p.out, want);
        /* Not a busy loop, and not a long sleep after the writer is gone. */
        CHECK(now_ns() - start < 10 * SEC);
        printed_clear(&p);
        free(want);
        free(path);
}

static void follow_with_tail_zero_prints_only_new_records(void)
{
        char *path = new_log_path();
        struct follow_state s = {.log = open_log(path, 0, 0)};
        struct ctr_log_read_options o = {.tail = 0, .follow = true, .keep_following = write_then_stop, .arg = &s};
        struct printed p;
        char *want = numbered(3, 9);

        write_numbered(s.log, 0, 3);
        p = print_log(path, &o);
        CHECK_STREQ(p.out, want);
        printed_clear(&p);
        ctr_log_close(s.log);
        free(want);
        free(path);
}

static void format_time_is_rfc3339_nano_utc(void)
{
        char buf[CTR_LOG_TIME_SIZE], small[11];

        ctr_log_format_time(0, buf, sizeof(buf));
        CHECK_STREQ(buf, "1970-01-01T00:00:00.000000000Z");
        ctr_log_format_time(INT64_C(1700000000123456789), buf, sizeof(buf));
        CHECK_STREQ(buf, "2023-11-14T22:13:20.123456789Z");
        ctr_log_format_time(-1, buf, sizeof(buf));
        CHECK_STREQ(buf, "1969-12-31T23:59:59.999999999Z");
        ctr_log_format_time(INT64_MAX, buf, sizeof(buf));
        CHECK_STREQ(buf, "2262-04-11T23:47:16.854775807Z");
        ctr_log_format_time(INT64_MIN, buf, sizeof(buf));
        CHECK_STREQ(buf, "1677-09-21T00:12:43.145224192Z");
        ctr_log_format_time(0, small, sizeof(small));
        CHECK_STREQ(small, "1970-01-01");
}

static void check_time(const char *s, int64_t now, int64_t want)
{
        burrow_error *err = NULL;
        int64_t got = -42;

        CHECK_OK(ctr_log_parse_time("since", s, now, &got, &err), &err);
        if (got != want)
                printf("#   %s: got %" PRId64 ", want %" PRId64 "\n", s, got, want);
        CHECK(got == want);
}

#define CHECK_TIME_FAILS(s, want)                                                                                      \
        do {                                                                                                           \
                burrow_error *_err = NULL;                                                                             \
                int64_t _got = -42;                                                                                    \
                CHECK_ERROR(ctr_log_parse_time("since", s, now, &_got, &_err), &_err, want);                           \
                CHECK(_got == -42);                                                                                    \
        } while (0)

static const int64_t now = INT64_C(1795722001) * SEC; /* 2026-11-26T19:40:01Z */

static void parse_time_takes_rfc3339(void)
{
        setenv("TZ", "UTC0", 1);
        tzset();
        check_time("2026-11-26T19:40:01Z", 0, now);
        check_time("2026-11-26t19:40:01z", 0, now);
        check_time("2026-11-26T19:40:01.123456789Z", 0, now + 123456789);
        check_time("2026-11-26T19:40:01.5Z", 0, now + SEC / 2);
        check_time("2026-11-26T19:40:01.1234567891234Z", 0, now + 123456789);
        check_time("2026-11-26T20:40:01+01:00", 0, now);
        check_time("2026-11-26T14:10:01.25-05:30", 0, now + SEC / 4);
        check_time("2026-11-26T19:40Z", 0, now - SEC);
        check_time("2026-11-26T19Z", 0, now - 40 * 60 * SEC - SEC);
        check_time("2026-11-26Z", 0, INT64_C(1795651200) * SEC);
        check_time("2026-11-27+01:00", 0, INT64_C(1795734000) * SEC);
        check_time("1970-01-01T00:00:00Z", 0, 0);
        check_time("1969-12-31T23:59:59.5Z", 0, -SEC / 2);
        check_time("2024-02-29T00:00:00Z", 0, INT64_C(1709164800) * SEC);
        check_time("2262-04-11T23:47:16.854775807Z", 0, INT64_MAX);
        check_time("1677-09-21T00:12:43.145224192Z", 0, INT64_MIN);
        /* Without a zone: local time, as docker. */
        check_time("2026-11-26T19:40:01", 0, now);
        check_time("2026-11-26T19:40:01.5", 0, now + SEC / 2);
        check_time("2026-11-26", 0, INT64_C(1795651200) * SEC);
        setenv("TZ", "EST5", 1);
        tzset();
        check_time("2026-11-26T14:40:01", 0, now);
        check_time("2026-11-26", 0, (INT64_C(1795651200) + 5 * 3600) * SEC);
        check_time("2026-11-26T19:40:01Z", 0, now);
        setenv("TZ", "UTC0", 1);
        tzset();
}

static void parse_time_takes_unix_timestamps(void)
{
        check_time("1700000000", now, INT64_C(1700000000) * SEC);
        check_time("1700000000.5", now, INT64_C(1700000000) * SEC + SEC / 2);
        check_time("1700000000.000000001", now, INT64_C(1700000000) * SEC + 1);
        check_time("1700000000.1234567899", now, INT64_C(1700000000) * SEC + 123456789);
        check_time("0", now, 0);
        check_time("9223372036.854775807", now, INT64_MAX);
}

static void parse_time_takes_durations_before_now(void)
{
        check_time("10m", now, now - 10 * 60 * SEC);
        check_time("1h30m", now, now - 90 * 60 * SEC);
        check_time("2s", now, now - 2 * SEC);
        check_time("500ms", now, now - SEC / 2);
        check_time("1.5h", now, now - 90 * 60 * SEC);
        check_time(".5s", now, now - SEC / 2);
        check_time("1.s", now, now - SEC);
        check_time("100ns", now, now - 100);
        check_time("3us", now, now - 3000);
        check_time("3\xc2\xb5s", now, now - 3000);
        check_time("3\xce\xbcs", now, now - 3000);
        check_time("1h1m1s1ms1us1ns", now, now - 3661 * SEC - 1001001);
        check_time("0.1s", now, now - SEC / 10);
        check_time("0s", now, now);
        check_time("-10m", now, now + 10 * 60 * SEC);
        check_time("-0", now, now);
        check_time("+10m", now, now - 10 * 60 * SEC);
        check_time("2562047h", now, now - INT64_C(2562047) * 3600 * SEC);
}

static void parse_time_rejects_malformed(void)
{
        static const char *const generic[] = {
            "",
            "10x",
            "1h-",
            "h",
            "-",
            "abc",
            "1h 30m",
            "10M",
            "1.5.5s",
            ".s",
            "1e3s",
            " 10m",
            "10m ",
            "1d",
            "2026-11-26T",
            "2026-11-26 10:00",
            "2026-11-26T10:0Z",
            "2026-11-26T10:00:00.Z",
            "2026-11-26T10:00Z+01",
            "2026-1-26",
            "2026-11-26T10:00:00+0100",
            "10000-01-01",
            "1700000000.",
            "1700000000.5.5",
            "-1700000000",
            "1700000000x",
            "+",
            ".",
            "1h.",
        };
        for (size_t i = 0; i < sizeof(generic) / sizeof(generic[0]); i++)
                CHECK_TIME_FAILS(generic[i], "expected an RFC 3339 time, a Unix timestamp or a duration like 10m");
        CHECK_TIME_FAILS("xyz", "invalid --since \"xyz\": expected an RFC 3339 time, a Unix timestamp or a duration "
                                "like 10m");
        CHECK_TIME_FAILS("2026-13-01", "invalid --since \"2026-13-01\": month out of range");
        CHECK_TIME_FAILS("2026-00-01", "month out of range");
        CHECK_TIME_FAILS("2026-02-29", "day out of range");
        CHECK_TIME_FAILS("2026-04-31T00:00:00Z", "day out of range");
        CHECK_TIME_FAILS("2026-11-00", "day out of range");
        CHECK_TIME_FAILS("2026-11-26T24:00:00Z", "time of day out of range");
        CHECK_TIME_FAILS("2026-11-26T23:60:00Z", "time of day out of range");
        CHECK_TIME_FAILS("2026-11-26T23:59:60Z", "time of day out of range");
        CHECK_TIME_FAILS("2026-11-26T10:00:00+24:00", "zone offset out of range");
        CHECK_TIME_FAILS("2026-11-26T10:00:00-01:60", "zone offset out of range");
        CHECK_TIME_FAILS("99999999999999999999h", "invalid --since \"99999999999999999999h\": out of range");
        CHECK_TIME_FAILS("2562048h", "out of range");
        CHECK_TIME_FAILS("9223372036854775807ns1ns", "out of range");
        CHECK_TIME_FAILS("99999999999", "out of range");
        CHECK_TIME_FAILS("99999999999999999999999", "out of range");
        CHECK_TIME_FAILS("1000-01-01T00:00:00Z", "out of range");
        CHECK_TIME_FAILS("9999-12-31T23:59:59Z", "out of range");
        CHECK_TIME_FAILS("2262-04-11T23:47:16.854775808Z", "out of range");
        CHECK_TIME_FAILS("1677-09-21T00:12:43.145224191Z", "out of range");
}

static void parse_time_errors_stay_on_one_line(void)
{
        burrow_error *err = NULL;
        char *long_arg = unit_repeat('1', 200);
        int64_t got;

        CHECK(ctr_log_parse_time("until", "1\nh\"\\", now, &got, &err) == -1);
        CHECK(err != NULL && err->errnum == 0);
        CHECK_STREQ(err ? err->msg : NULL, "invalid --until \"1\\x0ah\\\"\\\\\": expected an RFC 3339 time, a Unix "
                                           "timestamp or a duration like 10m");
        error_free(&err);
        CHECK_TIME_FAILS(long_arg, "invalid --since: longer than 128 bytes");
        CHECK_ERROR(ctr_log_parse_time("since", NULL, now, &got, &err), &err, "invalid --since \"\"");
        CHECK_ERROR(ctr_log_parse_time(NULL, "x", now, &got, &err), &err, "invalid time \"x\"");
        /* now minus a duration past the range of int64 ns. */
        CHECK_ERROR(ctr_log_parse_time("since", "2h", INT64_MIN + SEC, &got, &err), &err, "out of range");
        free(long_arg);
}

static void cleanup_tmp(void)
{
        char *cmd;
        if (asprintf(&cmd, "rm -rf '%s'", tmp_root) >= 0 && system(cmd) != 0)
                printf("# could not remove %s\n", tmp_root);
        free(cmd);
}

int main(void)
{
        if (mkdtemp(tmp_root) == NULL)
                abort();
        RUN(records_are_docker_json_lines);
        RUN(streams_go_to_their_own_fds);
        RUN(partial_lines_join_until_newline_or_flush);
        RUN(empty_writes_write_nothing);
        RUN(long_lines_split_into_16k_records);
        RUN(a_split_never_cuts_a_utf8_character);
        RUN(binary_bytes_stay_valid_json);
        RUN(writes_append_to_an_existing_log);
        RUN(rotation_keeps_max_files);
        RUN(rotation_with_one_file_starts_over);
        RUN(a_smaller_max_files_ends_the_chain);
        RUN(tail_counts_across_rotated_files);
        RUN(since_and_until_filter_records);
        RUN(timestamps_prefix_each_record);
        RUN(malformed_lines_are_skipped);
        RUN(a_missing_log_is_an_error);
        RUN(a_full_disk_is_reported_once);
        RUN(follow_reads_what_comes_until_told_to_stop);
        RUN(follow_survives_rotation_by_another_process);
        RUN(follow_with_tail_zero_prints_only_new_records);
        RUN(format_time_is_rfc3339_nano_utc);
        RUN(parse_time_takes_rfc3339);
        RUN(parse_time_takes_unix_timestamps);
        RUN(parse_time_takes_durations_before_now);
        RUN(parse_time_rejects_malformed);
        RUN(parse_time_errors_stay_on_one_line);
        cleanup_tmp();
        return unit_finish();
}
