#include "util/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int error_make(burrow_error **err, int errnum, const char *fmt, ...)
{
        va_list ap;
        burrow_error *e;

        if (err == NULL)
                return -1;
        error_free(err);
        e = calloc(1, sizeof(*e));
        if (e == NULL)
                abort();
        va_start(ap, fmt);
        if (vasprintf(&e->msg, fmt, ap) < 0)
                abort();
        va_end(ap);
        e->errnum = errnum;
        *err = e;
        return -1;
}

int error_wrap(burrow_error **err, const char *fmt, ...)
{
        va_list ap;
        char *ctx, *joined;

        if (err == NULL || *err == NULL)
                return -1;
        va_start(ap, fmt);
        if (vasprintf(&ctx, fmt, ap) < 0)
                abort();
        va_end(ap);
        if (asprintf(&joined, "%s: %s", ctx, (*err)->msg) < 0)
                abort();
        free(ctx);
        free((*err)->msg);
        (*err)->msg = joined;
        return -1;
}

char *error_text(const burrow_error *err)
{
        char *text;

        if (err->errnum > 0) {
                if (asprintf(&text, "%s: %s", err->msg, strerror(err->errnum)) < 0)
                        abort();
        } else {
                text = strdup(err->msg);
                if (text == NULL)
                        abort();
        }
        return text;
}

void error_print(const burrow_error *err)
{
        char *text = error_text(err);

        fprintf(stderr, "burrow: %s\n", text);
        free(text);
}

void error_free(burrow_error **err)
{
        if (err == NULL || *err == NULL)
                return;
        free((*err)->msg);
        free(*err);
        *err = NULL;
}

char *error_printable(const char *s, size_t max)
{
        size_t n = strnlen(s, max);
        char *out = malloc(n + 1);

        if (out == NULL)
                abort();
        for (size_t i = 0; i < n; i++)
                out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
        out[n] = '\0';
        return out;
}
