/* NULL-terminated string vectors (argv, envp, lists of paths). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/cleanup.h"

typedef struct strv {
        char **items; /* always NULL-terminated once anything was added */
        size_t len;
} strv;

/* Appends a copy of s. */
void strv_push(strv *v, const char *s);
/* Appends s, taking ownership. */
void strv_push_owned(strv *v, char *s);
/* Frees every item and the vector; leaves v empty and reusable. */
void strv_clear(strv *v);
/* Index of the "KEY=" entry for the key of `entry` (up to '=' or the end), or -1. */
long strv_env_find(const strv *v, const char *entry);
/* Sets or replaces the variable of "KEY=VALUE" (a later -e wins, as docker), taking ownership of entry. */
void strv_env_set_owned(strv *v, char *entry);
/* Sets KEY=VALUE only when KEY is not set yet. */
void strv_env_default(strv *v, const char *key, const char *value);
/* True when s is one of the items. */
bool strv_contains(const strv *v, const char *s);

static inline void cleanup_strvp(strv *v)
{
        strv_clear(v);
}
#define _cleanup_strv_ __attribute__((cleanup(cleanup_strvp)))
