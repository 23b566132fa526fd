/* Shared bits of the libFuzzer targets: a NUL-terminated copy of the input and an invariant check that crashes. */
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/spec.h"

/* Aborts with a message, so that libFuzzer records the input as a crash. */
#define FUZZ_ASSERT(cond)                                                                                              \
        do {                                                                                                           \
                if (!(cond)) {                                                                                         \
                        fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);                   \
                        abort();                                                                                       \
                }                                                                                                      \
        } while (0)

static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
        char *s = malloc(size + 1);

        if (s == NULL)
                abort();
        memcpy(s, data, size);
        s[size] = '\0';
        return s;
}

/* Frees a parsed mount; spec_mount_clear() lives in spec.c, which the fuzz targets do not link. */
static inline void fuzz_mount_free(struct spec_mount *m)
{
        free(m->source);
        free(m->destination);
        free(m->data);
}

/* Checks what every successfully parsed mount must look like: a clean absolute destination other than "/". */
char *path_clean(const char *path);
static inline void fuzz_check_destination(const char *dst)
{
        char *again;

        FUZZ_ASSERT(dst != NULL && dst[0] == '/' && strcmp(dst, "/") != 0);
        again = path_clean(dst);
        FUZZ_ASSERT(again != NULL && strcmp(again, dst) == 0);
        free(again);
}
