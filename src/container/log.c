/* The container log (log.h): docker's json-file records, their writer with size-based rotation, and the reader behind
 * `burrow logs` with --tail, --since, --until, -t and -f. Times are log-time.c's. */
#include "container/log-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fileutil.h"

/* Worst case of one record: every payload byte escaped as \u00XX or \ufffd, plus the keys, stream and time. */
#define RECORD_MAX (CTR_LOG_MAX_PAYLOAD * 6 + 128)
/* How long a follower sleeps when nothing happens: keep_following() is asked at least this often. */
#define FOLLOW_POLL_MS 100
#define READ_CHUNK     (64 * 1024)
#define OUTPUT_BUFFER  (64 * 1024)
/* Records are flat objects (docker adds an "attrs" object at most). */
#define JSON_DEPTH 8

static const char *const stream_names[] = {[CTR_LOG_STDOUT] = "stdout", [CTR_LOG_STDERR] = "stderr"};

/* ---- The writer ---- */

struct partial_line {
        size_t len;
        char data[CTR_LOG_MAX_PAYLOAD];
};

struct ctr_log {
        char *path;
        int fd; /* -1 after a failed reopen: the next record tries again */
        uint64_t size, max_size;
        unsigned max_files;
        bool error_reported;
        struct partial_line partial[2];
        char record[RECORD_MAX];
};

/* The length of the valid UTF-8 sequence at s (1 for ASCII), or 0 when the bytes there are not one: overlong forms,
 * surrogates and code points past U+10FFFF are invalid, as for Go's encoding/json which docker uses. */
static size_t utf8_sequence_len(const unsigned char *s, size_t n)
{
        size_t len = s[0] < 0x80 ? 1 : s[0] < 0xc2 ? 0 : s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : s[0] < 0xf5 ? 4 : 0;
        unsigned char lo = s[0] == 0xe0 ? 0xa0 : s[0] == 0xf0 ? 0x90 : 0x80;
        unsigned char hi = s[0] == 0xed ? 0x9f : s[0] == 0xf4 ? 0x8f : 0xbf;

        if (len <= 1)
                return len;
        if (n < len || s[1] < lo || s[1] > hi)
                return 0;
        for (size_t i = 2; i < len; i++)
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
        return len;
}

/* How many bytes at the end of a full partial line start a UTF-8 sequence that the next bytes may complete: they wait
 * for the next record rather than being split into two U+FFFD. */
static size_t utf8_incomplete_tail(const unsigned char *s, size_t len)
{
        for (size_t k = 1; k <= 3 && k <= len; k++) {
                unsigned char c = s[len - k];
                if ((c & 0xc0) == 0x80)
                        continue;
                if (c >= 0xc2 && c <= 0xf4) {
                        size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
                        return need > k ? k : 0;
                }
                return 0;
        }
        return 0;
}

/* Appends s as the inside of a JSON string; invalid UTF-8 bytes become \ufffd. */
static char *json_escape(char *o, const unsigned char *s, size_t len)
{
        for (size_t i = 0; i < len;) {
                unsigned char c = s[i];
                size_t n;

                if (c == '"' || c == '\\') {
                        *o++ = '\\';
                        *o++ = (char)c;
                } else if (c == '\n' || c == '\r' || c == '\t') {
                        *o++ = '\\';
                        *o++ = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
                } else if (c < 0x20) {
                        o += sprintf(o, "\\u%04x", c);
                } else if ((n = utf8_sequence_len(s + i, len - i)) > 0) {
                        memcpy(o, s + i, n);
                        o += n;
                        i += n;
                        continue;
                } else {
                        memcpy(o, "\\ufffd", 6);
                        o += 6;
                }
                i++;
        }
        return o;
}

static char *append_str(char *o, const char *s)
{
        size_t n = strlen(s);
        memcpy(o, s, n);
        return o + n;
}

/* The first error of the writer's life becomes *err; later ones only lose their records (see ctr_log_write()). */
static int log_fail(struct ctr_log *log, burrow_error **err, int errnum, const char *what)
{
        if (log->error_reported)
                return 0;
        log->error_reported = true;
        return error_make(err, errnum, "%s %s", what, log->path);
}

static int log_open_fd(const char *path, uint64_t *ret_size)
{
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600);
        struct stat st;

        if (fd < 0 || fstat(fd, &st) < 0)
                return -1;
        *ret_size = (uint64_t)st.st_size;
        return steal_fd(&fd);
}

/* path -> path.1 -> ... -> path.(max_files-1), then a new path. Readers following the log notice that path names
 * another inode. path.max_files is removed so that a smaller max_files than last time ends the chain readers walk. */
static int log_rotate(struct ctr_log *log, burrow_error **err)
{
        if (log->max_files <= 1) {
                if (unlink(log->path) < 0 && errno != ENOENT)
                        return log_fail(log, err, errno, "remove");
        } else {
                _cleanup_free_ char *last = xasprintf("%s.%u", log->path, log->max_files);
                (void)unlink(last);
                for (unsigned i = log->max_files - 1; i >= 1; i--) {
                        _cleanup_free_ char *from = i == 1 ? xstrdup(log->path) : xasprintf("%s.%u", log->path, i - 1);
                        _cleanup_free_ char *to = xasprintf("%s.%u", log->path, i);
                        if (rename(from, to) < 0 && errno != ENOENT)
                                return log_fail(log, err, errno, "rotate");
                }
        }
        if (log->fd >= 0)
                close(log->fd);
        log->size = 0;
        log->fd = log_open_fd(log->path, &log->size);
        if (log->fd < 0)
                return log_fail(log, err, errno, "open");
        return 0;
}

/* Writes one record of payload bytes with one write(2). */
static int log_emit(struct ctr_log *log, enum ctr_log_stream stream, const char *data, size_t len, burrow_error **err)
{
        char stamp[CTR_LOG_TIME_SIZE], *o = log->record;
        struct timespec ts;
        ssize_t n;
        size_t size;
        int r = 0;

        clock_gettime(CLOCK_REALTIME, &ts);
        ctr_log_format_time((int64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec, stamp, sizeof(stamp));
        o = append_str(o, "{\"log\":\"");
        o = json_escape(o, (const unsigned char *)data, len);
        o = append_str(o, "\",\"stream\":\"");
        o = append_str(o, stream_names[stream]);
        o = append_str(o, "\",\"time\":\"");
        o = append_str(o, stamp);
        o = append_str(o, "\"}\n");
        size = (size_t)(o - log->record);

        /* A failed rotation leaves the record in the current file: better a big log than a lost one. */
        if (log->max_size > 0 && log->size > 0 && log->size + size > log->max_size)
                r = log_rotate(log, err);
        if (log->fd < 0) {
                log->fd = log_open_fd(log->path, &log->size);
                if (log->fd < 0)
                        return log_fail(log, err, errno, "open");
        }
        do
                n = write(log->fd, log->record, size);
        while (n < 0 && errno == EINTR);
        if (n == (ssize_t)size) {
                log->size += size;
                return r;
        }
        if (n >= 0) {
                /* A short write (the disk filled up): cut the fragment off, so that the next record starts a line. */
                (void)ftruncate(log->fd, (off_t)log->size);
                errno = ENOSPC;
        }
        return log_fail(log, err, errno, "write");
}

int ctr_log_open(const char *path, uint64_t max_size, unsigned max_files, struct ctr_log **ret, burrow_error **err)
{
        struct ctr_log *log;
        uint64_t size;
        int fd = log_open_fd(path, &size);

        if (fd < 0)
                return error_make(err, errno, "open %s", path);
        log = xcalloc(1, sizeof(*log));
        log->path = xstrdup(path);
        log->fd = fd;
        log->size = size;
        log->max_size = max_size;
        log->max_files = max_files > CTR_LOG_MAX_FILES ? CTR_LOG_MAX_FILES : max_files;
        *ret = log;
        return 0;
}

int ctr_log_write(struct ctr_log *log, enum ctr_log_stream stream, const char *data, size_t len, burrow_error **err)
{
        struct partial_line *line;
        int r = 0;

        if (stream != CTR_LOG_STDOUT && stream != CTR_LOG_STDERR)
                return error_make(err, EINVAL, "log stream %d", (int)stream);
        line = &log->partial[stream];
        while (len > 0) {
                size_t take = CTR_LOG_MAX_PAYLOAD - line->len;
                const char *newline;

                take = len < take ? len : take;
                newline = memchr(data, '\n', take);
                if (newline != NULL)
                        take = (size_t)(newline - data) + 1;
                memcpy(line->data + line->len, data, take);
                line->len += take;
                data += take;
                len -= take;
                if (newline != NULL) {
                        if (log_emit(log, stream, line->data, line->len, err) < 0)
                                r = -1;
                        line->len = 0;
                } else if (line->len == CTR_LOG_MAX_PAYLOAD) {
                        /* docker's split of a long line: a record without a newline, continued by the next. */
                        size_t keep = utf8_incomplete_tail((const unsigned char *)line->data, line->len);
                        if (log_emit(log, stream, line->data, line->len - keep, err) < 0)
                                r = -1;
                        memmove(line->data, line->data + line->len - keep, keep);
                        line->len = keep;
                }
        }
        return r;
}

int ctr_log_flush(struct ctr_log *log, burrow_error **err)
{
        int r = 0;

        for (int s = CTR_LOG_STDOUT; s <= CTR_LOG_STDERR; s++) {
                struct partial_line *line = &log->partial[s];
                if (line->len > 0 && log_emit(log, (enum ctr_log_stream)s, line->data, line->len, err) < 0)
                        r = -1;
                line->len = 0;
        }
        return r;
}

void ctr_log_close(struct ctr_log *log)
{
        _cleanup_error_ burrow_error *err = NULL;

        if (log == NULL)
                return;
        (void)ctr_log_flush(log, &err);
        if (log->fd >= 0)
                close(log->fd);
        free(log->path);
        free(log);
}

/* ---- The reader ---- */

struct reader {
        const struct ctr_log_read_options *o;
        const char *path;
        int stream_fds[2];
        json_tokener *tok;
        char *line; /* the line being put together from reads, when it spans them */
        size_t line_len, line_cap;
        bool skipping; /* past CTR_LOG_MAX_LINE: dropped up to the next newline */
        int out_fd;    /* whose bytes are in out[] */
        size_t out_len;
        char out[OUTPUT_BUFFER];
        char chunk[READ_CHUNK];
};

static int reader_flush(struct reader *r)
{
        if (r->out_len > 0 && fd_write_all(r->out_fd, r->out, r->out_len) < 0)
                return -1;
        r->out_len = 0;
        return 0;
}

/* Output is gathered until the stream changes, so that stdout and stderr keep their order on one terminal. */
static int reader_output(struct reader *r, int fd, const char *data, size_t len)
{
        if (r->out_len > 0 && (fd != r->out_fd || len > OUTPUT_BUFFER - r->out_len) && reader_flush(r) < 0)
                return -1;
        if (len > OUTPUT_BUFFER)
                return fd_write_all(fd, data, len);
        memcpy(r->out + r->out_len, data, len);
        r->out_len += len;
        r->out_fd = fd;
        return 0;
}

static bool json_string_field(json_object *obj, const char *key, const char **ret, size_t *ret_len)
{
        json_object *v;

        if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
                return false;
        *ret = json_object_get_string(v);
        if (ret_len)
                *ret_len = (size_t)json_object_get_string_len(v);
        return true;
}

/* Prints one line if it is a record that passes the filters; anything else is skipped. -1 only on output errors. */
static int reader_line(struct reader *r, const char *s, size_t len)
{
        const struct ctr_log_read_options *o = r->o;
        const char *text, *stream, *time;
        size_t text_len, time_len;
        json_object *obj;
        int64_t ns;
        int fd, ret = 0;

        json_tokener_reset(r->tok);
        obj = json_tokener_parse_ex(r->tok, s, (int)len);
        if (obj == NULL)
                return 0;
        /* json-c stops after the object and the blanks after it: anything more is not a record. */
        if (json_tokener_get_parse_end(r->tok) != len || !json_object_is_type(obj, json_type_object) ||
            !json_string_field(obj, "log", &text, &text_len) || !json_string_field(obj, "stream", &stream, NULL) ||
            !json_string_field(obj, "time", &time, &time_len) ||
            ctr_log_parse_rfc3339(time, time_len, true, &ns) != NULL)
                goto out;
        if (strcmp(stream, "stdout") == 0)
                fd = r->stream_fds[CTR_LOG_STDOUT];
        else if (strcmp(stream, "stderr") == 0)
                fd = r->stream_fds[CTR_LOG_STDERR];
        else
                goto out;
        if ((o->since_ns != 0 && ns < o->since_ns) || (o->until_ns != 0 && ns >= o->until_ns))
                goto out;
        if (o->timestamps) {
                char stamp[CTR_LOG_TIME_SIZE + 1];
                ctr_log_format_time(ns, stamp, CTR_LOG_TIME_SIZE);
                strcat(stamp, " ");
                ret = reader_output(r, fd, stamp, strlen(stamp));
        }
        if (ret == 0)
                ret = reader_output(r, fd, text, text_len);
out:
        json_object_put(obj);
        return ret;
}

/* Feeds bytes read from a file: complete lines are handled, the rest waits for more (or reader_end_file()). */
static int reader_feed(struct reader *r, const char *data, size_t len)
{
        while (len > 0) {
                const char *newline = memchr(data, '\n', len);
                size_t n = newline ? (size_t)(newline - data) : len;

                if (r->skipping) {
                        r->skipping = newline == NULL;
                } else if (newline != NULL && r->line_len == 0) {
                        if (n <= CTR_LOG_MAX_LINE && reader_line(r, data, n) < 0)
                                return -1;
                } else if (r->line_len + n > CTR_LOG_MAX_LINE) {
                        r->line_len = 0;
                        r->skipping = newline == NULL;
                } else {
                        if (r->line_len + n > r->line_cap) {
                                r->line_cap = r->line_len + n > r->line_cap * 2 ? r->line_len + n : r->line_cap * 2;
                                r->line = xrealloc(r->line, r->line_cap);
                        }
                        memcpy(r->line + r->line_len, data, n);
                        r->line_len += n;
                        if (newline != NULL) {
                                size_t total = r->line_len;
                                r->line_len = 0;
                                if (reader_line(r, r->line, total) < 0)
                                        return -1;
                        }
                }
                data += n + (newline != NULL);
                len -= n + (newline != NULL);
        }
        return 0;
}

/* The end of a file that will not grow: a last line without a newline (a writer that died) is still a line. */
static int reader_end_file(struct reader *r)
{
        size_t n = r->skipping ? 0 : r->line_len;

        r->line_len = 0;
        r->skipping = false;
        return n > 0 ? reader_line(r, r->line, n) : 0;
}

/* Reads fd from its offset to its end. */
static int reader_drain(struct reader *r, int fd, burrow_error **err)
{
        for (;;) {
                ssize_t n = read(fd, r->chunk, sizeof(r->chunk));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return error_make(err, errno, "read %s", r->path);
                if (n == 0)
                        return 0;
                if (reader_feed(r, r->chunk, (size_t)n) < 0)
                        return error_make(err, errno, "write logs");
        }
}

static int read_at(int fd, char *buf, size_t len, off_t offset)
{
        ssize_t n;

        if (lseek(fd, offset, SEEK_SET) < 0 || (n = fd_read_full(fd, buf, len)) < 0)
                return -1;
        if ((size_t)n != len) {
                errno = EIO; /* the file shrank under us */
                return -1;
        }
        return 0;
}

/* Walks back from the end of fd counting lines (a last line without a newline counts too) while *need > 0. Returns
 * 1 with *ret_start at the first of the last *need lines when the file has that many, 0 when it has fewer (and *need
 * is lowered by as many), -1 on a read error. */
static int tail_start(struct reader *r, int fd, long *need, off_t *ret_start)
{
        struct stat st;
        off_t pos;

        if (fstat(fd, &st) < 0)
                return -1;
        if (st.st_size == 0)
                return 0;
        pos = st.st_size;
        if (read_at(fd, r->chunk, 1, pos - 1) < 0)
                return -1;
        if (r->chunk[0] == '\n')
                pos--; /* the last line's own newline */
        while (pos > 0) {
                size_t n = pos < (off_t)sizeof(r->chunk) ? (size_t)pos : sizeof(r->chunk);
                if (read_at(fd, r->chunk, n, pos - (off_t)n) < 0)
                        return -1;
                pos -= (off_t)n;
                for (size_t i = n; i-- > 0;)
                        if (r->chunk[i] == '\n' && --*need == 0) {
                                *ret_start = pos + (off_t)i + 1;
                                return 1;
                        }
        }
        if (--*need == 0) {
                *ret_start = 0;
                return 1;
        }
        return 0;
}

/* The log's files, oldest first: path.N ... path.1, then path itself (when it exists: it is briefly missing while
 * the writer rotates). */
struct log_file {
        int fd;
        dev_t dev;
        ino_t ino;
};
struct log_files {
        struct log_file *files;
        size_t n;
        bool have_current;
};

static void log_files_clear(struct log_files *f)
{
        for (size_t i = 0; i < f->n; i++)
                if (f->files[i].fd >= 0)
                        close(f->files[i].fd);
        free(f->files);
}

/* Opens path, path.1, ... up to the first missing one or to `stop` (the file a follower read last), newest first so
 * that a rotation meanwhile shows up as a file already open (skipped by its inode) rather than as a file missed. */
static int log_files_open(const char *path, const struct log_file *stop, struct log_files *f, burrow_error **err)
{
        for (unsigned i = 0; i <= CTR_LOG_MAX_FILES; i++) {
                _cleanup_free_ char *name = i == 0 ? xstrdup(path) : xasprintf("%s.%u", path, i);
                _cleanup_close_ int fd = open(name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
                struct stat st;
                bool seen = false;

                if (fd < 0 && errno == ENOENT && i == 0)
                        continue;
                if (fd < 0 && errno == ENOENT)
                        break;
                if (fd < 0 || fstat(fd, &st) < 0)
                        return error_make(err, errno, "open %s", name);
                if (stop && stop->dev == st.st_dev && stop->ino == st.st_ino)
                        break;
                for (size_t k = 0; k < f->n; k++)
                        seen |= f->files[k].dev == st.st_dev && f->files[k].ino == st.st_ino;
                if (seen)
                        continue;
                /* Each older file goes before the newer ones. */
                f->files = xrealloc(f->files, (f->n + 1) * sizeof(*f->files));
                memmove(f->files + 1, f->files, f->n++ * sizeof(*f->files));
                f->files[0] = (struct log_file){.fd = steal_fd(&fd), .dev = st.st_dev, .ino = st.st_ino};
                f->have_current |= i == 0;
        }
        return 0;
}

/* Reads a file that will not grow any more to its end. */
static int reader_finish(struct reader *r, int fd, burrow_error **err)
{
        if (reader_drain(r, fd, err) < 0)
                return -1;
        if (reader_end_file(r) < 0)
                return error_make(err, errno, "write logs");
        return 0;
}

/* The followed file is no longer path: the writer rotated it (and perhaps the next ones too, between two looks).
 * Reads what was written to it last, then every file rotated after it, oldest first, and goes on with path's new
 * file as *cur (-1 while there is none). *last is the file read last. */
static int follow_rotation(struct reader *r, int *cur, struct log_file *last, burrow_error **err)
{
        struct log_files f = {0};
        int ret = 0;

        if (*cur >= 0) {
                ret = reader_finish(r, *cur, err);
                close(*cur);
                *cur = -1;
        }
        if (ret == 0)
                ret = log_files_open(r->path, last, &f, err);
        for (size_t i = 0; ret == 0 && i < f.n; i++) {
                *last = (struct log_file){.fd = -1, .dev = f.files[i].dev, .ino = f.files[i].ino};
                if (i + 1 == f.n && f.have_current)
                        *cur = steal_fd(&f.files[i].fd);
                else
                        ret = reader_finish(r, f.files[i].fd, err);
        }
        log_files_clear(&f);
        return ret;
}

/* Reads new records from cur (path's file, or -1 while path is missing) until keep_following() says stop and what
 * was written before that is read. last is the file read last (cur's when it is open). Takes cur. */
static int reader_follow(struct reader *r, int cur, struct log_file last, burrow_error **err)
{
        int ret = 0;

        for (;;) {
                bool more = r->o->keep_following == NULL || r->o->keep_following(r->o->arg);
                struct stat st;
                bool moved;

                if (cur >= 0 && (ret = reader_drain(r, cur, err)) < 0)
                        break;
                /* Looked at after the drain: what a rotation in between left behind is read by follow_rotation(). */
                if (stat(r->path, &st) == 0)
                        moved = cur < 0 || st.st_dev != last.dev || st.st_ino != last.ino;
                else
                        moved = cur >= 0;
                if (moved) {
                        if ((ret = follow_rotation(r, &cur, &last, err)) < 0)
                                break;
                        if (cur >= 0)
                                continue;
                }
                if (!more)
                        break;
                if ((ret = reader_flush(r)) < 0) {
                        error_make(err, errno, "write logs");
                        break;
                }
                /* A short sleep, not inotify: no watch to run out of, and 100 ms is quick enough for a person. */
                (void)poll(NULL, 0, FOLLOW_POLL_MS);
        }
        if (cur >= 0)
                close(cur);
        return ret;
}

static int reader_print(struct reader *r, struct log_files *f, burrow_error **err)
{
        const struct ctr_log_read_options *o = r->o;
        size_t first = 0;
        off_t start = 0;

        if (o->tail == 0) {
                /* Nothing old; with -f, only what comes. */
                first = f->n - 1;
                start = lseek(f->files[first].fd, 0, SEEK_END);
        } else if (o->tail > 0) {
                long need = o->tail;
                for (size_t i = f->n; i-- > 0;) {
                        int t = tail_start(r, f->files[i].fd, &need, &start);
                        if (t < 0)
                                return error_make(err, errno, "read %s", r->path);
                        if (t > 0) {
                                first = i;
                                break;
                        }
                }
        }
        for (size_t i = first; i < f->n; i++) {
                if (lseek(f->files[i].fd, i == first ? start : 0, SEEK_SET) < 0)
                        return error_make(err, errno, "seek %s", r->path);
                if (reader_drain(r, f->files[i].fd, err) < 0)
                        return -1;
                if ((i + 1 < f->n || !o->follow || !f->have_current) && reader_end_file(r) < 0)
                        return error_make(err, errno, "write logs");
        }
        if (o->follow) {
                struct log_file last = f->files[f->n - 1];
                if (reader_follow(r, f->have_current ? steal_fd(&f->files[f->n - 1].fd) : -1, last, err) < 0)
                        return -1;
                if (reader_end_file(r) < 0)
                        return error_make(err, errno, "write logs");
        }
        if (reader_flush(r) < 0)
                return error_make(err, errno, "write logs");
        return 0;
}

int ctr_log_print(const char *path, const struct ctr_log_read_options *o, int out_fd, int err_fd, burrow_error **err)
{
        struct log_files files = {0};
        struct reader *r;
        int ret;

        if (log_files_open(path, NULL, &files, err) < 0) {
                log_files_clear(&files);
                return -1;
        }
        if (files.n == 0)
                return error_make(err, ENOENT, "open %s", path);
        r = xcalloc(1, sizeof(*r));
        r->o = o;
        r->path = path;
        r->stream_fds[CTR_LOG_STDOUT] = out_fd;
        r->stream_fds[CTR_LOG_STDERR] = err_fd;
        r->tok = json_tokener_new_ex(JSON_DEPTH);
        if (r->tok == NULL)
                abort();
        json_tokener_set_flags(r->tok, JSON_TOKENER_STRICT);
        ret = reader_print(r, &files, err);
        json_tokener_free(r->tok);
        free(r->line);
        free(r);
        log_files_clear(&files);
        return ret;
}
