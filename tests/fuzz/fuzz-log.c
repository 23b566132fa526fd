/* The container log (container/log.h): ctr_log_parse_time() on --since arguments, ctr_log_print() on arbitrary log
 * files, and the writer's records read back.
 *
 * The input is "<mode byte><size byte><time string>\n<body>": the time string goes to ctr_log_parse_time(); the mode
 * byte's low bit says whether the body is a log file as found on disk (split at a point the size byte picks into
 * ctr.log.1 and ctr.log, and printed with options the mode byte picks) or container output (fed to the writer in
 * pieces the size byte sizes, with rotation, then read back: valid UTF-8 must come back unchanged, anything else as
 * valid UTF-8). */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container/log.h"
#include "fuzz.h"

#define NOW       (INT64_C(1795722001) * 1000000000) /* 2026-11-26T19:40:01Z */
#define MAX_FILES 8
#define MAX_TIME  200

static char dir[] = "/tmp/burrow-fuzz-log-XXXXXX";
static char path[sizeof(dir) + 16];

static void remove_logs(void)
{
        char name[sizeof(path) + 16];

        unlink(path);
        for (int i = 1; i <= MAX_FILES; i++) {
                snprintf(name, sizeof(name), "%s.%d", path, i);
                unlink(name);
        }
}

static void remove_dir(void)
{
        remove_logs();
        rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
        (void)argc;
        (void)argv;
        /* Local times (without a zone) must not depend on the machine. */
        setenv("TZ", "UTC0", 1);
        if (mkdtemp(dir) == NULL)
                abort();
        snprintf(path, sizeof(path), "%s/ctr.log", dir);
        atexit(remove_dir);
        return 0;
}

static void check_error(burrow_error **err, const char *prefix)
{
        FUZZ_ASSERT(*err != NULL && (*err)->msg != NULL && (*err)->msg[0] != '\0');
        FUZZ_ASSERT(strchr((*err)->msg, '\n') == NULL && strchr((*err)->msg, '\r') == NULL);
        FUZZ_ASSERT(strncmp((*err)->msg, prefix, strlen(prefix)) == 0);
        error_free(err);
}

static void fuzz_time(const char *s)
{
        char formatted[CTR_LOG_TIME_SIZE];
        burrow_error *err = NULL;
        int64_t ns = -42, again = -43;

        if (ctr_log_parse_time("since", s, NOW, &ns, &err) < 0) {
                FUZZ_ASSERT(ns == -42);
                check_error(&err, "invalid --since");
                return;
        }
        FUZZ_ASSERT(err == NULL);
        /* Whatever parsed formats as RFC 3339 and parses back to the same instant. */
        ctr_log_format_time(ns, formatted, sizeof(formatted));
        FUZZ_ASSERT(strlen(formatted) == 30 && formatted[29] == 'Z');
        FUZZ_ASSERT(ctr_log_parse_time("until", formatted, NOW, &again, &err) == 0);
        FUZZ_ASSERT(again == ns);
}

static void write_file(const char *name, const uint8_t *data, size_t size)
{
        int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

        FUZZ_ASSERT(fd >= 0);
        FUZZ_ASSERT(write(fd, data, size) == (ssize_t)size);
        close(fd);
}

static bool stop_following(void *arg)
{
        (void)arg;
        return false;
}

/* A log file as found on disk, printed with the options mode picks into /dev/null. */
static void fuzz_reader(uint8_t mode, uint8_t split, const uint8_t *body, size_t size, int64_t since)
{
        static const long tails[] = {-1, 0, 1, 2, 3, 10};
        char rotated[sizeof(path) + 16];
        size_t at = size * split / 255;
        struct ctr_log_read_options o = {
            .tail = tails[(mode >> 1) % 6],
            .since_ns = mode & 0x10 ? since : 0,
            .until_ns = mode & 0x20 ? since + 1000000000 : 0,
            .timestamps = mode & 0x40,
            .follow = mode & 0x80,
            .keep_following = stop_following,
        };
        burrow_error *err = NULL;
        int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

        FUZZ_ASSERT(null >= 0);
        snprintf(rotated, sizeof(rotated), "%s.1", path);
        write_file(rotated, body, at);
        write_file(path, body + at, size - at);
        if (ctr_log_print(path, &o, null, null, &err) < 0) {
                fprintf(stderr, "ctr_log_print: %s\n", err->msg);
                FUZZ_ASSERT(!"printing a readable log fails");
        }
        close(null);
}

/* The length of the valid UTF-8 sequence at s, 0 if none: an independent check of what the writer stores. */
static size_t utf8_len(const uint8_t *s, size_t n)
{
        uint32_t cp;
        size_t len;

        if (s[0] < 0x80)
                return 1;
        len = (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
        if (len == 0 || n < len)
                return 0;
        cp = s[0] & (0xff >> (len + 1));
        for (size_t i = 1; i < len; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = cp << 6 | (s[i] & 0x3f);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        return len;
}

static bool valid_utf8(const uint8_t *s, size_t n)
{
        for (size_t i = 0, k; i < n; i += k)
                if ((k = utf8_len(s + i, n - i)) == 0)
                        return false;
        return true;
}

static char *contents(int fd, size_t *ret_len)
{
        off_t size = lseek(fd, 0, SEEK_END);
        char *buf = malloc((size_t)size + 1);

        FUZZ_ASSERT(buf != NULL && pread(fd, buf, (size_t)size, 0) == size);
        *ret_len = (size_t)size;
        return buf;
}

/* Container output through the writer, read back whole. */
static void fuzz_writer(uint8_t mode, uint8_t piece, const uint8_t *body, size_t size)
{
        struct ctr_log_read_options o = {.tail = -1};
        uint64_t max_size = mode & 0x2 ? 100 + (uint64_t)piece * 16 : 0;
        char oldest[sizeof(path) + 16];
        struct ctr_log *log = NULL;
        burrow_error *err = NULL;
        size_t step = 1 + piece % 64, out_len, err_len;
        int out = memfd_create("out", MFD_CLOEXEC), errfd = memfd_create("err", MFD_CLOEXEC);
        char *printed_out, *printed_err;

        FUZZ_ASSERT(out >= 0 && errfd >= 0);
        FUZZ_ASSERT(ctr_log_open(path, max_size, MAX_FILES, &log, &err) == 0);
        /* stdout gets the body; stderr gets it too when mode says so, interleaved piece by piece. */
        for (size_t pos = 0; pos < size; pos += step) {
                size_t n = size - pos < step ? size - pos : step;
                FUZZ_ASSERT(ctr_log_write(log, CTR_LOG_STDOUT, (const char *)body + pos, n, &err) == 0);
                if (mode & 0x4)
                        FUZZ_ASSERT(ctr_log_write(log, CTR_LOG_STDERR, (const char *)body + pos, n, &err) == 0);
        }
        ctr_log_close(log);
        FUZZ_ASSERT(ctr_log_print(path, &o, out, errfd, &err) == 0);
        printed_out = contents(out, &out_len);
        printed_err = contents(errfd, &err_len);
        FUZZ_ASSERT(valid_utf8((const uint8_t *)printed_out, out_len));
        FUZZ_ASSERT(valid_utf8((const uint8_t *)printed_err, err_len));
        /* Nothing was lost unless the oldest file kept may have been dropped. */
        snprintf(oldest, sizeof(oldest), "%s.%d", path, MAX_FILES - 1);
        if (access(oldest, F_OK) < 0 && valid_utf8(body, size)) {
                FUZZ_ASSERT(out_len == size && memcmp(printed_out, body, size) == 0);
                if (mode & 0x4)
                        FUZZ_ASSERT(err_len == size && memcmp(printed_err, body, size) == 0);
        }
        if (access(oldest, F_OK) < 0 && !(mode & 0x4))
                FUZZ_ASSERT(err_len == 0 && out_len >= size);
        free(printed_out);
        free(printed_err);
        close(out);
        close(errfd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const uint8_t *newline;
        size_t time_len;
        char *time;
        int64_t since = 0;
        burrow_error *err = NULL;

        if (size < 2)
                return 0;
        newline = memchr(data + 2, '\n', size - 2);
        time_len = newline ? (size_t)(newline - data - 2) : size - 2;
        if (time_len > MAX_TIME)
                time_len = MAX_TIME;
        time = fuzz_strndup(data + 2, time_len);
        fuzz_time(time);
        if (ctr_log_parse_time("since", time, NOW, &since, &err) < 0)
                error_free(&err);
        free(time);
        if (newline == NULL)
                return 0;

        remove_logs();
        if (data[0] & 1)
                fuzz_writer(data[0], data[1], newline + 1, size - (size_t)(newline + 1 - data));
        else
                fuzz_reader(data[0], data[1], newline + 1, size - (size_t)(newline + 1 - data), since);
        return 0;
}
