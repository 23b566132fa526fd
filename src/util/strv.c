#include "util/strv.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void *xmalloc(size_t n)
{
        void *p = malloc(n ? n : 1);
        if (p == NULL)
                abort();
        return p;
}

void *xcalloc(size_t n, size_t size)
{
        void *p = calloc(n ? n : 1, size ? size : 1);
        if (p == NULL)
                abort();
        return p;
}

void *xrealloc(void *p, size_t n)
{
        p = realloc(p, n ? n : 1);
        if (p == NULL)
                abort();
        return p;
}

char *xstrdup(const char *s)
{
        char *p = strdup(s);
        if (p == NULL)
                abort();
        return p;
}

char *xstrndup(const char *s, size_t n)
{
        char *p = strndup(s, n);
        if (p == NULL)
                abort();
        return p;
}

char *xasprintf(const char *fmt, ...)
{
        va_list ap;
        char *p;

        va_start(ap, fmt);
        if (vasprintf(&p, fmt, ap) < 0)
                abort();
        va_end(ap);
        return p;
}

void strv_push_owned(strv *v, char *s)
{
        v->items = xrealloc(v->items, (v->len + 2) * sizeof(char *));
        v->items[v->len++] = s;
        v->items[v->len] = NULL;
}

void strv_push(strv *v, const char *s)
{
        strv_push_owned(v, xstrdup(s));
}

void strv_clear(strv *v)
{
        for (size_t i = 0; i < v->len; i++)
                free(v->items[i]);
        free(v->items);
        v->items = NULL;
        v->len = 0;
}

long strv_env_find(const strv *v, const char *entry)
{
        size_t keylen = strcspn(entry, "=");

        for (size_t i = 0; i < v->len; i++)
                if (strncmp(v->items[i], entry, keylen) == 0 && v->items[i][keylen] == '=')
                        return (long)i;
        return -1;
}

void strv_env_set_owned(strv *v, char *entry)
{
        long i = strv_env_find(v, entry);

        if (i < 0) {
                strv_push_owned(v, entry);
                return;
        }
        free(v->items[i]);
        v->items[i] = entry;
}

void strv_env_default(strv *v, const char *key, const char *value)
{
        if (strv_env_find(v, key) >= 0)
                return;
        strv_push_owned(v, xasprintf("%s=%s", key, value));
}

bool strv_contains(const strv *v, const char *s)
{
        for (size_t i = 0; i < v->len; i++)
                if (strcmp(v->items[i], s) == 0)
                        return true;
        return false;
}
