/* A tiny TAP test harness: CHECK() records a failure with its location and goes on; each TEST is one TAP line. */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

static int unit_failed_checks;
static int unit_tests;
static int unit_failed_tests;

#define CHECK(cond)                                                                                                    \
        do {                                                                                                           \
                if (!(cond)) {                                                                                         \
                        printf("#   %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                            \
                        unit_failed_checks++;                                                                          \
                }                                                                                                      \
        } while (0)

#define CHECK_STREQ(a, b)                                                                                              \
        do {                                                                                                           \
                const char *_a = (a), *_b = (b);                                                                       \
                if (_a == NULL || _b == NULL ? _a != _b : strcmp(_a, _b) != 0) {                                       \
                        printf("#   %s:%d: %s == %s failed: \"%s\" != \"%s\"\n", __FILE__, __LINE__, #a, #b,           \
                               _a ? _a : "(null)", _b ? _b : "(null)");                                                \
                        unit_failed_checks++;                                                                          \
                }                                                                                                      \
        } while (0)

/* Checks that a call failed (returned -1) and that its error message contains `want`; frees the error. */
#define CHECK_ERROR(call, errp, want)                                                                                  \
        do {                                                                                                           \
                int _r = (call);                                                                                       \
                if (_r != -1 || *(errp) == NULL) {                                                                     \
                        printf("#   %s:%d: expected %s to fail with \"%s\"\n", __FILE__, __LINE__, #call, want);       \
                        unit_failed_checks++;                                                                          \
                } else if (strstr((*(errp))->msg, want) == NULL) {                                                     \
                        printf("#   %s:%d: %s: error \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__, #call,     \
                               (*(errp))->msg, want);                                                                  \
                        unit_failed_checks++;                                                                          \
                }                                                                                                      \
                error_free(errp);                                                                                      \
        } while (0)

/* Checks that a call succeeded; prints the error otherwise. */
#define CHECK_OK(call, errp)                                                                                           \
        do {                                                                                                           \
                int _r = (call);                                                                                       \
                if (_r != 0) {                                                                                         \
                        printf("#   %s:%d: %s failed: %s\n", __FILE__, __LINE__, #call,                                \
                               *(errp) ? (*(errp))->msg : "(no error set)");                                           \
                        unit_failed_checks++;                                                                          \
                }                                                                                                      \
                error_free(errp);                                                                                      \
        } while (0)

static inline void unit_run(const char *name, void (*fn)(void))
{
        int before = unit_failed_checks;

        fn();
        unit_tests++;
        if (unit_failed_checks != before) {
                unit_failed_tests++;
                printf("not ok %d - %s\n", unit_tests, name);
        } else {
                printf("ok %d - %s\n", unit_tests, name);
        }
        fflush(stdout);
}

#define RUN(fn) unit_run(#fn, fn)

static inline int unit_finish(void)
{
        printf("1..%d\n", unit_tests);
        return unit_failed_tests ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* A string of n copies of c, for length limits. */
static inline char *unit_repeat(char c, size_t n)
{
        char *s = malloc(n + 1);
        if (s == NULL)
                abort();
        memset(s, c, n);
        s[n] = '\0';
        return s;
}
