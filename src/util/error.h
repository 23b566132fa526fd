/* The error object every fallible function fills in: an errno and a message, with context prepended on the way up,
 * printed once by the CLI as "burrow: <context>: <message>[: <strerror>]". */
#pragma once

#include <stdarg.h>
#include <stddef.h>

typedef struct burrow_error {
        int errnum; /* 0 when the message says it all; negative: -errno for callers to test, not printed */
        char *msg;
} burrow_error;

/* Sets *err (which must be NULL) and returns -1, so callers write `return error_make(err, errno, "open %s", p);`. */
int error_make(burrow_error **err, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A user's string to quote in an error line (caller frees): at most max bytes, control characters as '?', so that
 * the line stays one line. */
char *error_printable(const char *s, size_t max);

/* Prepends "<context>: " to an existing error and returns -1. */
int error_wrap(burrow_error **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The full one-line text without the "burrow: " prefix; the caller frees it. */
char *error_text(const burrow_error *err);

/* Prints "burrow: <text>" on stderr. */
void error_print(const burrow_error *err);

/* Frees and NULLs *err; accepts NULL and *err == NULL. */
void error_free(burrow_error **err);
