/* Shared by the three parts of util/template: template-fmt.c (the output buffer and Go's fmt and encoding/json),
 * template-parse.c (the lexer and parser that build the tree) and template.c (the functions, the evaluator and the
 * public API). Internal to src/util/. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "util/cleanup.h"
#include "util/error.h"

#define PUSH_ZERO(a, n) (a = xrealloc(a, ((n) + 1) * sizeof(*(a))), memset(&(a)[n], 0, sizeof(*(a))), &(a)[(n)++])

struct buf {
        char *data;
        size_t len, cap;
        const char *failure; /* why appending stopped */
};

struct value {
        struct json_object *obj; /* NULL is JSON null */
        bool owned;              /* holds a reference: a function's result, or a child of one */
        bool missing;            /* a missing key, Go's invalid reflect.Value: "<no value>" */
};

struct exec;
struct function {
        const char *name;
        int (*call)(struct exec *e, struct value *args, size_t n, struct value *ret);
        size_t min_args, max_args;
};

enum arg_kind { ARG_FIELDS, ARG_VARIABLE, ARG_CONSTANT, ARG_NIL, ARG_FUNCTION, ARG_PIPE };
struct arg {
        enum arg_kind kind;
        char *variable;
        struct json_object *constant;
        const struct function *function;
        struct pipe *pipe;
        char **fields; /* .A.B after the term; for ARG_FIELDS, after the dot */
        size_t n_fields;
};
struct command {
        struct arg *args;
        size_t n_args;
};
struct pipe {
        char *decl[2]; /* $x := or $i, $e := */
        size_t n_decl;
        struct command *cmds;
        size_t n_cmds;
};
enum node_kind { NODE_TEXT, NODE_ACTION, NODE_IF, NODE_WITH, NODE_RANGE };
struct list {
        struct node *nodes;
        size_t n;
};
struct node {
        enum node_kind kind;
        char *text;
        size_t text_len;
        struct pipe *pipe;
        struct list body, alt; /* alt: after {{else}} */
};

/* template-fmt.c */

/* Appends n bytes of s, or records in b->failure that the output would pass 16 MiB. */
void tpl_buf_add(struct buf *b, const void *s, size_t n);
/* Appends the NUL-terminated s. */
void tpl_buf_adds(struct buf *b, const char *s);
/* Appends one byte. */
void tpl_buf_addc(struct buf *b, char c);
/* Appends r in UTF-8; a surrogate or a rune beyond U+10FFFF becomes U+FFFD. */
void tpl_buf_add_rune(struct buf *b, uint32_t r);
/* The buffer's malloc'ed string, "" when nothing was appended. */
char *tpl_buf_take(struct buf *b);
/* The start of s for an error message, quoted and escaped so that it stays on one line; malloc'ed. */
char *tpl_quote_for_error(const char *s, size_t n);
/* o, aborting when json-c failed to allocate it. */
struct json_object *tpl_json_checked(struct json_object *o);
/* The Go type encoding/json decodes o into, as error messages and %T name it. */
const char *tpl_go_type(struct json_object *o);
/* The keys of the object o in sorted order, as Go visits maps; malloc'ed, the keys borrowed from o. */
const char **tpl_object_sorted_keys(struct json_object *o, size_t *ret_n);
/* Appends o (NULL is null) as Go's encoding/json marshals it without HTML escaping. */
void tpl_json_marshal(struct buf *b, struct json_object *o);
/* Appends o as fmt's %v prints what encoding/json decoded. */
void tpl_print_value(struct buf *b, struct json_object *o);
/* Appends fmt.Sprintf(f, args...) for the n bytes of f, with Go's inline complaints about bad verbs and arguments. */
void tpl_sprintf(struct buf *b, const char *f, size_t n, const struct value *args, size_t n_args);

/* template-parse.c */

/* Go's space characters between tokens: space, tab, carriage return and newline. */
bool tpl_is_space(char c);
/* Go's identifier letters, with any non-ASCII byte taken for part of a Unicode letter. */
bool tpl_is_alnum(char c);
/* Parses the len bytes of format into *root (freed by tpl_list_clear even on failure); errors quote `quoted`. */
int tpl_parse(const char *format, size_t len, const char *quoted, struct list *root, burrow_error **err);
/* Frees the nodes of a list and everything under them. */
void tpl_list_clear(struct list *list);

/* template.c */

/* Fails with `invalid format <quoted>: <why>`; returns -1. */
int tpl_failv(burrow_error **err, const char *quoted, const char *fmt, va_list ap);
/* The function called `name` (len bytes), or NULL. */
const struct function *tpl_function_find(const char *name, size_t len);
