/* The /etc/subuid and /etc/subgid format ("owner:start:count" per line), read for `burrow doctor`'s overlap check.
 * libsubid answers only for one user; whether another user's range overlaps ours needs every line. The files are
 * written by root, but other tools (and people) edit them: anything malformed is skipped and counted, never trusted.
 * Pure, in the core library, so that the unit tests and the fuzz target see exactly this code. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Caps on what a file can make us allocate. */
#define DOCTOR_SUBID_MAX_LINES 65536
#define DOCTOR_SUBID_MAX_OWNER 256

struct doctor_subid_line {
        char *owner; /* a user name or a decimal uid, as written */
        uint64_t start;
        uint64_t count;
};

struct doctor_subid_file {
        struct doctor_subid_line *lines;
        size_t n;
        size_t malformed; /* lines skipped: bad numbers, missing fields, zero count, beyond the 32-bit id space */
};

/* Parses the text (not NUL-terminated: len bytes); empty lines and lines starting with '#' are skipped silently. */
void doctor_subid_file_parse(const char *text, size_t len, struct doctor_subid_file *ret);
void doctor_subid_file_clear(struct doctor_subid_file *f);

/* Whether the line belongs to the user `name` with uid `uid` (by name or by number, as shadow accepts both). */
bool doctor_subid_line_is_owner(const struct doctor_subid_line *l, const char *name, uid_t uid);

/* Whether the line's range and [start, start + count) share an id. */
bool doctor_subid_line_overlaps(const struct doctor_subid_line *l, uint64_t start, uint64_t count);

/* The lowest start >= `min` of `count` ids that overlap no line of the file (what to suggest to usermod), or 0 when
 * the 32-bit id space has no such gap. */
uint64_t doctor_subid_free_start(const struct doctor_subid_file *f, uint64_t min, uint64_t count);
