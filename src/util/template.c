/* Go's text/template for --format: template-parse.c builds a small tree once, and the evaluator here renders it for
 * each object, calling the functions (index, join, json, len, lower, printf, title, upper) on json-c values and
 * printing the results through template-fmt.c. */
#include "util/template.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/template-internal.h"

#define TEMPLATE_FORMAT_MAX (64 * 1024)
/* Bounds the time of one execution, since nested ranges multiply and need not print anything to be slow: each node
 * or command costs TEMPLATE_STEP_COST, each byte a function returns costs 1. */
#define TEMPLATE_WORK_MAX  (64 * 1024 * 1024)
#define TEMPLATE_STEP_COST 16

struct template
{
        struct list root;
        char *quoted; /* the format as error messages quote it */
};

struct variable {
        const char *name;
        struct value value;
};

struct exec {
        struct buf out;
        struct variable *vars; /* innermost last; "$" first */
        size_t n_vars;
        size_t work;
        const char *quoted;
        burrow_error **err;
};

int tpl_failv(burrow_error **err, const char *quoted, const char *fmt, va_list ap)
{
        _cleanup_free_ char *why = NULL;

        if (vasprintf(&why, fmt, ap) < 0)
                abort();
        return error_make(err, 0, "invalid format %s: %s", quoted, why);
}

static __attribute__((format(printf, 2, 3))) int exec_fail(struct exec *e, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        tpl_failv(e->err, e->quoted, fmt, ap);
        va_end(ap);
        return -1;
}

static int exec_charge(struct exec *e, size_t units)
{
        e->work += units;
        if (e->work > TEMPLATE_WORK_MAX)
                return exec_fail(e, "too much work to render (ranges nested over large lists?)");
        return 0;
}

static void value_clear(struct value *v)
{
        if (v->owned)
                json_object_put(v->obj);
        *v = (struct value){0};
}

static struct value value_view(const struct value *v)
{
        return (struct value){.obj = v->obj, .missing = v->missing};
}

/* Replaces v by its child; a child of a function's result keeps a reference of its own, as the parent goes. */
static void value_descend(struct value *v, struct json_object *child)
{
        if (v->owned) {
                json_object_get(child);
                json_object_put(v->obj);
        }
        v->obj = child;
        v->missing = false;
}

static struct value value_new(struct json_object *o)
{
        return (struct value){.obj = tpl_json_checked(o), .owned = true};
}

static __attribute__((format(printf, 3, 4))) int fn_fail(struct exec *e, const char *fn, const char *fmt, ...)
{
        _cleanup_free_ char *why = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&why, fmt, ap) < 0)
                abort();
        va_end(ap);
        return exec_fail(e, "error calling %s: %s", fn, why);
}

static int expect_string(struct exec *e, const char *fn, const struct value *v, const char **s, size_t *n)
{
        if (v->missing || v->obj == NULL)
                return fn_fail(e, fn, "invalid value; expected string");
        if (!json_object_is_type(v->obj, json_type_string))
                return fn_fail(e, fn, "wrong type for value; expected string; got %s", tpl_go_type(v->obj));
        *s = json_object_get_string(v->obj);
        *n = (size_t)json_object_get_string_len(v->obj);
        return 0;
}

/* A function's string result; frees b. */
static int return_buf(struct exec *e, const char *fn, struct buf *b, struct value *ret)
{
        if (b->failure != NULL) {
                free(b->data);
                return fn_fail(e, fn, "%s", b->failure);
        }
        *ret = value_new(json_object_new_string_len(b->data != NULL ? b->data : "", (int)b->len));
        free(b->data);
        return exec_charge(e, b->len);
}

static int index_one(struct exec *e, struct value *item, const struct value *ix)
{
        struct json_object *o = item->obj, *child;
        bool by_int = !ix->missing && json_object_is_type(ix->obj, json_type_int);
        int64_t x = by_int ? json_object_get_int64(ix->obj) : 0;
        size_t len;

        if (o == NULL)
                return fn_fail(e, "index", "index of nil pointer");
        switch (json_object_get_type(o)) {
        case json_type_array:
        case json_type_string:
                len = json_object_is_type(o, json_type_array) ? json_object_array_length(o)
                                                              : (size_t)json_object_get_string_len(o);
                if (ix->missing || ix->obj == NULL)
                        return fn_fail(e, "index", "cannot index slice/array with nil");
                if (!by_int)
                        return fn_fail(e, "index", "cannot index slice/array with type %s", tpl_go_type(ix->obj));
                if (x < 0 || (uint64_t)x >= len)
                        return fn_fail(e, "index", "index out of range: %" PRId64, x);
                if (json_object_is_type(o, json_type_array)) {
                        value_descend(item, json_object_array_get_idx(o, (size_t)x));
                } else {
                        /* A string indexes to a byte, which prints as a number. */
                        struct value byte =
                            value_new(json_object_new_int64((unsigned char)json_object_get_string(o)[x]));
                        value_clear(item);
                        *item = byte;
                }
                return 0;
        case json_type_object:
                if (ix->missing || ix->obj == NULL)
                        return fn_fail(e, "index", "value is nil; should be of type string");
                if (!json_object_is_type(ix->obj, json_type_string))
                        return fn_fail(e, "index", "value has type %s; should be string", tpl_go_type(ix->obj));
                /* A key with a NUL in it matches nothing; a missing key gives nil, as Go's zero value. */
                if (strlen(json_object_get_string(ix->obj)) == (size_t)json_object_get_string_len(ix->obj) &&
                    json_object_object_get_ex(o, json_object_get_string(ix->obj), &child)) {
                        value_descend(item, child);
                } else {
                        value_clear(item);
                }
                return 0;
        default:
                return fn_fail(e, "index", "can't index item of type %s", tpl_go_type(o));
        }
}

static int fn_index(struct exec *e, struct value *args, size_t n, struct value *ret)
{
        struct value item = args[0];

        args[0] = (struct value){0};
        if (item.missing || item.obj == NULL)
                return fn_fail(e, "index", "index of untyped nil");
        for (size_t i = 1; i < n; i++)
                if (index_one(e, &item, &args[i]) < 0) {
                        value_clear(&item);
                        return -1;
                }
        *ret = item;
        return 0;
}

static int fn_join(struct exec *e, struct value *args, size_t n, struct value *ret)
{
        struct json_object *list = args[0].obj;
        struct buf b = {0};
        const char *sep;
        size_t sep_len;

        (void)n;
        if (args[0].missing || list == NULL)
                return fn_fail(e, "join", "invalid value; expected []string");
        if (!json_object_is_type(list, json_type_array))
                return fn_fail(e, "join", "wrong type for value; expected []string; got %s", tpl_go_type(list));
        for (size_t i = 0; i < json_object_array_length(list); i++)
                if (!json_object_is_type(json_object_array_get_idx(list, i), json_type_string))
                        return fn_fail(e, "join", "wrong type for value; expected []string; got []interface {}");
        if (expect_string(e, "join", &args[1], &sep, &sep_len) < 0)
                return -1;
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                struct json_object *s = json_object_array_get_idx(list, i);

                if (i > 0)
                        tpl_buf_add(&b, sep, sep_len);
                tpl_buf_add(&b, json_object_get_string(s), (size_t)json_object_get_string_len(s));
        }
        return return_buf(e, "join", &b, ret);
}

static int fn_json(struct exec *e, struct value *args, size_t n, struct value *ret)
{
        struct buf b = {0};

        (void)n;
        tpl_json_marshal(&b, args[0].missing ? NULL : args[0].obj);
        return return_buf(e, "json", &b, ret);
}

static int fn_len(struct exec *e, struct value *args, size_t n, struct value *ret)
{
        struct json_object *o = args[0].obj;
        int64_t len;

        (void)n;
        if (args[0].missing || o == NULL)
                return fn_fail(e, "len", "len of nil pointer");
        if (json_object_is_type(o, json_type_string))
                len = json_object_get_string_len(o);
        else if (json_object_is_type(o, json_type_array))
                len = (int64_t)json_object_array_length(o);
        else if (json_object_is_type(o, json_type_object))
                len = json_object_object_length(o);
        else
                return fn_fail(e, "len", "len of type %s", tpl_go_type(o));
        *ret = value_new(json_object_new_int64(len));
        return 0;
}

/* strings.ToLower, ToUpper and Title, for ASCII letters: Title capitalizes after anything but a letter, digit or _. */
static int map_case(struct exec *e, const char *fn, const struct value *arg, struct value *ret)
{
        struct buf b = {0};
        const char *s;
        size_t n;
        bool after_separator = true;

        if (expect_string(e, fn, arg, &s, &n) < 0)
                return -1;
        for (size_t i = 0; i < n; i++) {
                char c = s[i];
                bool lower = c >= 'a' && c <= 'z', upper = c >= 'A' && c <= 'Z';

                if (lower && (fn[0] == 'u' || (fn[0] == 't' && after_separator)))
                        c = (char)(c - 'a' + 'A');
                else if (upper && fn[0] == 'l')
                        c = (char)(c - 'A' + 'a');
                after_separator = !tpl_is_alnum(c);
                tpl_buf_addc(&b, c);
        }
        return return_buf(e, fn, &b, ret);
}

static int fn_lower(struct exec *e, struct value *args, size_t n, struct value *ret)
{
        (void)n;
        return map_case(e, "lower", &args[0], ret);
}

static int fn_upper(struct exec *e, struct value *args, size_t n, struct value *ret)
{
        (void)n;
        return map_case(e, "upper", &args[0], ret);
}

static int fn_title(struct exec *e, struct value *args, size_t n, struct value *ret)
{
        (void)n;
        return map_case(e, "title", &args[0], ret);
}

static int fn_printf(struct exec *e, struct value *args, size_t n, struct value *ret)
{
        struct buf b = {0};
        const char *f;
        size_t len;

        if (expect_string(e, "printf", &args[0], &f, &len) < 0)
                return -1;
        tpl_sprintf(&b, f, len, args + 1, n - 1);
        return return_buf(e, "printf", &b, ret);
}

static const struct function functions[] = {
    {"index", fn_index, 1, SIZE_MAX}, {"join", fn_join, 2, 2},
    {"json", fn_json, 1, 1},          {"len", fn_len, 1, 1},
    {"lower", fn_lower, 1, 1},        {"printf", fn_printf, 1, SIZE_MAX},
    {"title", fn_title, 1, 1},        {"upper", fn_upper, 1, 1},
};

const struct function *tpl_function_find(const char *name, size_t len)
{
        for (size_t i = 0; i < sizeof(functions) / sizeof(functions[0]); i++)
                if (strlen(functions[i].name) == len && memcmp(functions[i].name, name, len) == 0)
                        return &functions[i];
        return NULL;
}

static void vars_push(struct exec *e, const char *name, struct value *v)
{
        struct variable *var = PUSH_ZERO(e->vars, e->n_vars);

        var->name = name;
        var->value = *v;
        *v = (struct value){0};
}

static void vars_pop(struct exec *e, size_t mark)
{
        while (e->n_vars > mark)
                value_clear(&e->vars[--e->n_vars].value);
}

/* Walks .A.B: a missing key stays missing down the chain, as Go's maps give the invalid value. */
static int eval_fields(struct exec *e, struct value *v, char *const *fields, size_t n)
{
        for (size_t i = 0; i < n && !v->missing; i++) {
                struct json_object *child;

                if (v->obj == NULL || !json_object_is_type(v->obj, json_type_object)) {
                        const char *type = v->obj == NULL ? NULL : tpl_go_type(v->obj);

                        value_clear(v);
                        if (type == NULL)
                                return exec_fail(e, "nil pointer evaluating interface {}.%s", fields[i]);
                        return exec_fail(e, "can't evaluate field %s in type %s", fields[i], type);
                }
                if (json_object_object_get_ex(v->obj, fields[i], &child)) {
                        value_descend(v, child);
                } else {
                        value_clear(v);
                        v->missing = true;
                }
        }
        return 0;
}

static int eval_pipe(struct exec *e, const struct pipe *pipe, const struct value *dot, struct value *ret);

static int call_function(struct exec *e, const struct function *fn, struct value *args, size_t n, struct value *ret)
{
        int r = fn->call(e, args, n, ret);

        for (size_t i = 0; i < n; i++)
                value_clear(&args[i]);
        return r;
}

static int eval_arg(struct exec *e, const struct arg *a, const struct value *dot, struct value *ret)
{
        *ret = (struct value){0};
        switch (a->kind) {
        case ARG_FIELDS:
                *ret = value_view(dot);
                break;
        case ARG_VARIABLE:
                for (size_t i = e->n_vars; i > 0; i--)
                        if (strcmp(e->vars[i - 1].name, a->variable) == 0) {
                                *ret = value_view(&e->vars[i - 1].value);
                                break;
                        }
                break;
        case ARG_CONSTANT:
                ret->obj = a->constant;
                break;
        case ARG_NIL:
                break;
        case ARG_FUNCTION:
                if (call_function(e, a->function, NULL, 0, ret) < 0)
                        return -1;
                break;
        case ARG_PIPE:
                if (eval_pipe(e, a->pipe, dot, ret) < 0)
                        return -1;
                break;
        }
        return eval_fields(e, ret, a->fields, a->n_fields);
}

/* A command: a function called with its arguments, then `final` (the previous command's value); or an operand. */
static int eval_command(struct exec *e, const struct command *cmd, const struct value *dot, struct value *final,
                        struct value *ret)
{
        _cleanup_free_ struct value *args = NULL;
        size_t n = cmd->n_args - 1 + (final != NULL);

        *ret = (struct value){0};
        if (exec_charge(e, TEMPLATE_STEP_COST) < 0)
                return -1;
        if (cmd->args[0].kind != ARG_FUNCTION)
                return eval_arg(e, &cmd->args[0], dot, ret);
        args = xcalloc(n, sizeof(*args));
        for (size_t i = 1; i < cmd->n_args; i++)
                if (eval_arg(e, &cmd->args[i], dot, &args[i - 1]) < 0) {
                        for (size_t k = 0; k < n; k++)
                                value_clear(&args[k]);
                        return -1;
                }
        if (final != NULL) {
                args[n - 1] = *final;
                *final = (struct value){0};
        }
        return call_function(e, cmd->args[0].function, args, n, ret);
}

static int eval_pipe(struct exec *e, const struct pipe *pipe, const struct value *dot, struct value *ret)
{
        struct value value = {0};

        for (size_t i = 0; i < pipe->n_cmds; i++) {
                struct value next;
                int r = eval_command(e, &pipe->cmds[i], dot, i > 0 ? &value : NULL, &next);

                value_clear(&value);
                if (r < 0)
                        return r;
                value = next;
        }
        *ret = value;
        return 0;
}

/* Go's truth: false, 0, "", empty lists and maps, nil and missing values are false. */
static bool value_truth(const struct value *v)
{
        if (v->missing || v->obj == NULL)
                return false;
        switch (json_object_get_type(v->obj)) {
        case json_type_boolean:
                return json_object_get_boolean(v->obj);
        case json_type_int:
                return json_object_get_int64(v->obj) != 0;
        case json_type_double:
                return json_object_get_double(v->obj) != 0;
        case json_type_string:
                return json_object_get_string_len(v->obj) > 0;
        case json_type_array:
                return json_object_array_length(v->obj) > 0;
        case json_type_object:
                return json_object_object_length(v->obj) > 0;
        default:
                return false;
        }
}

static int exec_list(struct exec *e, const struct list *list, const struct value *dot);

static int exec_if(struct exec *e, const struct node *n, const struct value *dot)
{
        size_t mark = e->n_vars;
        struct value v, view;
        int r;

        if (eval_pipe(e, n->pipe, dot, &v) < 0)
                return -1;
        view = value_view(&v);
        if (n->pipe->n_decl > 0)
                vars_push(e, n->pipe->decl[0], &v);
        if (value_truth(&view))
                r = exec_list(e, &n->body, n->kind == NODE_WITH ? &view : dot);
        else
                r = exec_list(e, &n->alt, dot);
        value_clear(&v);
        vars_pop(e, mark);
        return r;
}

/* One pass of a range body, with dot the element and the declared variables set. */
static int range_once(struct exec *e, const struct node *n, struct json_object *key, struct json_object *elem)
{
        struct value k = {.obj = key, .owned = true}, item = {.obj = elem}, view = item;
        size_t mark = e->n_vars;
        int r = exec_charge(e, TEMPLATE_STEP_COST);

        if (n->pipe->n_decl == 2)
                vars_push(e, n->pipe->decl[0], &k);
        if (n->pipe->n_decl > 0)
                vars_push(e, n->pipe->decl[n->pipe->n_decl - 1], &view);
        if (r == 0)
                r = exec_list(e, &n->body, &item);
        value_clear(&k);
        vars_pop(e, mark);
        return r;
}

static int exec_range(struct exec *e, const struct node *n, const struct value *dot)
{
        bool want_key = n->pipe->n_decl == 2;
        size_t mark = e->n_vars;
        struct value v;
        int r = 0;

        if (eval_pipe(e, n->pipe, dot, &v) < 0)
                return -1;
        if (v.missing || v.obj == NULL ||
            (json_object_is_type(v.obj, json_type_array) && json_object_array_length(v.obj) == 0) ||
            (json_object_is_type(v.obj, json_type_object) && json_object_object_length(v.obj) == 0)) {
                r = exec_list(e, &n->alt, dot);
        } else if (json_object_is_type(v.obj, json_type_array)) {
                for (size_t i = 0; i < json_object_array_length(v.obj) && r == 0; i++)
                        r = range_once(e, n, want_key ? tpl_json_checked(json_object_new_int64((int64_t)i)) : NULL,
                                       json_object_array_get_idx(v.obj, i));
        } else if (json_object_is_type(v.obj, json_type_object)) {
                size_t count;
                _cleanup_free_ const char **keys = tpl_object_sorted_keys(v.obj, &count);

                for (size_t i = 0; i < count && r == 0; i++)
                        r = range_once(e, n, want_key ? tpl_json_checked(json_object_new_string(keys[i])) : NULL,
                                       json_object_object_get(v.obj, keys[i]));
        } else {
                r = exec_fail(e, "range can't iterate over a value of type %s", tpl_go_type(v.obj));
        }
        value_clear(&v);
        vars_pop(e, mark);
        return r;
}

static int exec_list(struct exec *e, const struct list *list, const struct value *dot)
{
        for (size_t i = 0; i < list->n; i++) {
                const struct node *n = &list->nodes[i];
                struct value v;
                int r = exec_charge(e, TEMPLATE_STEP_COST);

                if (r == 0 && n->kind == NODE_TEXT) {
                        tpl_buf_add(&e->out, n->text, n->text_len);
                } else if (r == 0 && n->kind == NODE_ACTION) {
                        r = eval_pipe(e, n->pipe, dot, &v);
                        if (r == 0 && n->pipe->n_decl > 0) {
                                vars_push(e, n->pipe->decl[0], &v);
                        } else if (r == 0) {
                                if (v.missing || v.obj == NULL)
                                        tpl_buf_adds(&e->out, "<no value>");
                                else
                                        tpl_print_value(&e->out, v.obj);
                                value_clear(&v);
                        }
                } else if (r == 0) {
                        r = n->kind == NODE_RANGE ? exec_range(e, n, dot) : exec_if(e, n, dot);
                }
                if (r < 0)
                        return r;
                if (e->out.failure != NULL)
                        return exec_fail(e, "%s", e->out.failure);
        }
        return 0;
}

void template_free(template *t)
{
        if (t == NULL)
                return;
        tpl_list_clear(&t->root);
        free(t->quoted);
        free(t);
}

int template_parse(const char *format, template **ret, burrow_error **err)
{
        size_t len = strlen(format);
        _cleanup_free_ char *quoted = tpl_quote_for_error(format, len);
        template *t;

        if (len > TEMPLATE_FORMAT_MAX)
                return error_make(err, 0, "invalid format %s: longer than %d bytes", quoted, TEMPLATE_FORMAT_MAX);
        t = xcalloc(1, sizeof(*t));
        if (tpl_parse(format, len, quoted, &t->root, err) < 0) {
                template_free(t);
                return -1;
        }
        t->quoted = steal_pointer(&quoted);
        *ret = t;
        return 0;
}

int template_execute(const template *t, struct json_object *obj, char **ret, burrow_error **err)
{
        struct exec e = {.quoted = t->quoted, .err = err};
        /* Go's templates see a nil data value as invalid, which prints as "<no value>". */
        struct value root = {.obj = obj, .missing = obj == NULL}, dot = root;
        int r;

        vars_push(&e, "$", &root);
        r = exec_list(&e, &t->root, &dot);
        vars_pop(&e, 0);
        free(e.vars);
        if (r < 0) {
                free(e.out.data);
                return -1;
        }
        *ret = tpl_buf_take(&e.out);
        return 0;
}

int template_render(const char *format, struct json_object *obj, char **ret, burrow_error **err)
{
        template *t;
        int r;

        if (template_parse(format, &t, err) < 0)
                return -1;
        r = template_execute(t, obj, ret, err);
        template_free(t);
        return r;
}

bool template_is_table(const char *format)
{
        return strncmp(format, "table", 5) == 0 && (format[5] == '\0' || tpl_is_space(format[5]));
}
