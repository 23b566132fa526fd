/* The container log of `burrow run -d` and its reader for `burrow logs`, in docker's json-file format: one JSON object
 * per line, `{"log":"text\n","stream":"stdout","time":"2026-11-26T19:40:01.123456789Z"}`, so that the files read the
 * same as docker's and podman's. A detached container's supervisor feeds what the container writes on its stdout and
 * stderr pipes (or its pty master) to ctr_log_write(); `burrow logs` prints it with ctr_log_print().
 *
 * Bytes that are not valid UTF-8 are stored as U+FFFD (one per byte, as docker does), so that every record is valid
 * JSON; a reader gets back exactly the bytes written when they were UTF-8, and EF BF BD for each invalid byte. NUL
 * and other control characters are stored escaped and come back unchanged.
 *
 * Each fallible function returns 0, or -1 with *err set to a one-line message. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* Most bytes of container output in one record: a longer line is split into records of this size, as docker does. */
#define CTR_LOG_MAX_PAYLOAD (16 * 1024)
/* Longest line the reader takes; longer lines are skipped. */
#define CTR_LOG_MAX_LINE (1024 * 1024)
/* Rotated files the reader looks for (path.1 ... path.N) and the writer keeps at most. */
#define CTR_LOG_MAX_FILES 1000
/* ctr_log_format_time() needs this much room. */
#define CTR_LOG_TIME_SIZE 40

enum ctr_log_stream {
        CTR_LOG_STDOUT,
        CTR_LOG_STDERR,
};

/* The writer: an open log file and one partial line per stream. */
struct ctr_log;

/* Opens (creating it 0600) the log at path for appending. When a record would take it past max_size bytes it is
 * rotated first: path.(max_files-2) -> path.(max_files-1), ..., path -> path.1, and a new path is started, so that at
 * most max_files-1 old files are kept (none with max_files <= 1). max_size 0 never rotates. */
int ctr_log_open(const char *path, uint64_t max_size, unsigned max_files, struct ctr_log **ret, burrow_error **err);

/* Logs bytes the container wrote on a stream: one record per line, stamped with CLOCK_REALTIME when written. A
 * partial line is kept (per stream) until its newline, until CTR_LOG_MAX_PAYLOAD bytes are waiting (then they become
 * a record without a newline) or until ctr_log_flush(). Each record is one write(2), so that a concurrent reader never
 * sees half a record. Write errors (a full disk) lose the records concerned and are reported by the first call that
 * meets one only: later calls keep trying, so that logging resumes once there is room, and return 0. */
int ctr_log_write(struct ctr_log *log, enum ctr_log_stream stream, const char *data, size_t len, burrow_error **err);

/* Writes out the partial lines as records without a newline (stdout's first); errors as ctr_log_write(). */
int ctr_log_flush(struct ctr_log *log, burrow_error **err);

/* Flushes (ignoring errors), closes and frees; accepts NULL. */
void ctr_log_close(struct ctr_log *log);

struct ctr_log_read_options {
        long tail;        /* only the last N lines of the whole log (rotated files included); -1 (any < 0) = all */
        int64_t since_ns; /* only records at or after this time (ns since the epoch); 0 = no bound */
        int64_t until_ns; /* only records before this time; 0 = no bound */
        bool timestamps;  /* prefix each record with its time (ctr_log_format_time()) and a space: `docker logs -t` */
        bool follow;      /* then wait for new records until keep_following(arg) is false and the log is drained */
        bool (*keep_following)(void *arg); /* asked between waits (<= 100 ms apart); NULL = follow for ever */
        void *arg;
};

/* Prints the log's records, oldest first (path.N ... path.1, then path): stdout records to out_fd, stderr records to
 * err_fd. --tail counts lines, then --since/--until filter them, as docker. Lines that are not records (not JSON,
 * wrong types, longer than CTR_LOG_MAX_LINE) are skipped. Following survives rotation: when path names another file,
 * the old one is drained, then the files rotated after it (several rotations may come between two looks), then
 * path's new file from its start. Fails only when no log file exists or on an I/O error (writing to out_fd or err_fd
 * included). */
int ctr_log_print(const char *path, const struct ctr_log_read_options *o, int out_fd, int err_fd, burrow_error **err);

/* Parses the argument of --since or --until as docker does: an RFC 3339 time ("2026-11-26T19:40:01Z", "...01.5+01:00",
 * without seconds or minutes, or only the date "2026-11-26"; without a zone it is local time), a Unix timestamp with
 * an optional fraction ("1700000000.5"), or a Go duration before now_ns ("10m", "1h30m", "1.5s", "500ms"; units ns
 * us µs ms s m h). flag names the option in errors ("since"; NULL says "time"), which read
 * `invalid --since "xyz": expected an RFC 3339 time, a Unix timestamp or a duration like 10m`. *ret_ns only on
 * success. */
int ctr_log_parse_time(const char *flag, const char *s, int64_t now_ns, int64_t *ret_ns, burrow_error **err);

/* Formats ns since the epoch as RFC 3339 UTC with 9 fractional digits ("2026-11-26T19:40:01.123456789Z") into buf
 * (CTR_LOG_TIME_SIZE bytes suffice; a smaller buffer gets a truncated, terminated string). */
void ctr_log_format_time(int64_t ns, char *buf, size_t size);
