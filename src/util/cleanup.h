/* Scope-bound release of resources, so every early return is leak-free (systemd's style). */
#pragma once

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/error.h"

static inline void cleanup_freep(void *p)
{
        free(*(void **)p);
}

static inline void cleanup_closep(int *fd)
{
        if (*fd >= 0) {
                int saved = errno;
                close(*fd);
                errno = saved;
                *fd = -1;
        }
}

static inline void cleanup_fclosep(FILE **f)
{
        if (*f != NULL)
                fclose(*f);
}

static inline void cleanup_errorp(burrow_error **err)
{
        error_free(err);
}

#define _cleanup_free_   __attribute__((cleanup(cleanup_freep)))
#define _cleanup_close_  __attribute__((cleanup(cleanup_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(cleanup_fclosep)))
#define _cleanup_error_  __attribute__((cleanup(cleanup_errorp)))

/* Hands ownership out of a cleanup-managed variable. */
#define steal_pointer(pp)                                                                                              \
        ({                                                                                                             \
                __typeof__(*(pp)) _p = *(pp);                                                                          \
                *(pp) = NULL;                                                                                          \
                _p;                                                                                                    \
        })

static inline int steal_fd(int *fd)
{
        int r = *fd;
        *fd = -1;
        return r;
}

/* Allocation failure is not a recoverable condition for a launcher; die loudly rather than carry NULLs around. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
