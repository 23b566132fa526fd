/* Go's text/template for --format: a parser that builds a small tree once, and an evaluator that renders it for
 * each object. What users see of Go's fmt and encoding/json in the output (%v of floats, map[...] for objects,
 * json's escaping) is reproduced here, as there is no Go runtime to lend it. */
#include "util/template.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

#define TEMPLATE_FORMAT_MAX (64 * 1024)
#define TEMPLATE_DEPTH_MAX  32
#define TEMPLATE_OUTPUT_MAX (16 * 1024 * 1024)
/* json-c's parser stops at 32 levels, but objects built in code may go deeper. */
#define TEMPLATE_VALUE_DEPTH_MAX 256
/* Bounds the time of one execution, since nested ranges multiply and need not print anything to be slow: each node
 * or command costs TEMPLATE_STEP_COST, each byte a function returns costs 1. */
#define TEMPLATE_WORK_MAX  (64 * 1024 * 1024)
#define TEMPLATE_STEP_COST 16
/* Go's fmt gives up on widths and precisions above this. */
#define FMT_NUMBER_MAX  1000000
#define ERROR_QUOTE_MAX 64
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
struct template
{
        struct list root;
        char *quoted; /* the format as error messages quote it */
};

static void buf_add(struct buf *b, const void *s, size_t n)
{
        if (b->failure != NULL || n == 0)
                return;
        if (n > TEMPLATE_OUTPUT_MAX - b->len) {
                b->failure = "output longer than 16 MiB";
                return;
        }
        if (b->len + n >= b->cap) {
                b->cap = b->len + n + 1 > 2 * b->cap ? b->len + n + 1 : 2 * b->cap;
                b->data = xrealloc(b->data, b->cap);
        }
        memcpy(b->data + b->len, s, n);
        b->len += n;
        b->data[b->len] = '\0';
}

static void buf_adds(struct buf *b, const char *s)
{
        buf_add(b, s, strlen(s));
}

static void buf_addc(struct buf *b, char c)
{
        buf_add(b, &c, 1);
}

static void buf_fill(struct buf *b, char c, size_t n)
{
        while (n-- > 0 && b->failure == NULL)
                buf_addc(b, c);
}

static __attribute__((format(printf, 2, 3))) void buf_printf(struct buf *b, const char *fmt, ...)
{
        _cleanup_free_ char *s = NULL;
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (n < 0)
                abort();
        buf_add(b, s, (size_t)n);
}

/* Frees a scratch buffer, keeping its failure. */
static void buf_drop(struct buf *b, struct buf *scratch)
{
        if (scratch->failure != NULL && b->failure == NULL)
                b->failure = scratch->failure;
        free(scratch->data);
}

static bool is_space(char c)
{
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Go's identifier letters, with any non-ASCII byte taken for part of a Unicode letter. */
static bool is_alnum(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
               (unsigned char)c >= 0x80;
}

/* Length (1-4) of the valid UTF-8 sequence at s, or 0 for a byte that begins none (Go's RuneError of width 1). */
static size_t utf8_decode(const char *str, size_t n, uint32_t *rune)
{
        const unsigned char *s = (const unsigned char *)str;
        size_t len;
        uint32_t r;

        if (s[0] < 0x80) {
                *rune = s[0];
                return 1;
        }
        if (s[0] >= 0xc2 && s[0] <= 0xdf)
                len = 2, r = s[0] & 0x1f;
        else if ((s[0] & 0xf0) == 0xe0)
                len = 3, r = s[0] & 0x0f;
        else if (s[0] >= 0xf0 && s[0] <= 0xf4)
                len = 4, r = s[0] & 0x07;
        else
                return 0;
        if (n < len)
                return 0;
        for (size_t i = 1; i < len; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                r = r << 6 | (s[i] & 0x3f);
        }
        if ((len == 3 && r < 0x800) || (len == 4 && (r < 0x10000 || r > 0x10ffff)) || (r >= 0xd800 && r <= 0xdfff))
                return 0;
        *rune = r;
        return len;
}

static void buf_add_rune(struct buf *b, uint32_t r)
{
        char s[4];

        if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff))
                r = 0xfffd;
        if (r < 0x80) {
                buf_addc(b, (char)r);
        } else if (r < 0x800) {
                s[0] = (char)(0xc0 | r >> 6), s[1] = (char)(0x80 | (r & 0x3f));
                buf_add(b, s, 2);
        } else if (r < 0x10000) {
                s[0] = (char)(0xe0 | r >> 12), s[1] = (char)(0x80 | (r >> 6 & 0x3f)), s[2] = (char)(0x80 | (r & 0x3f));
                buf_add(b, s, 3);
        } else {
                s[0] = (char)(0xf0 | r >> 18), s[1] = (char)(0x80 | (r >> 12 & 0x3f));
                s[2] = (char)(0x80 | (r >> 6 & 0x3f)), s[3] = (char)(0x80 | (r & 0x3f));
                buf_add(b, s, 4);
        }
}

/* Bytes of the first `runes` runes of s (fmt's precision on strings counts runes). */
static size_t utf8_prefix(const char *s, size_t n, size_t runes)
{
        size_t i = 0;
        uint32_t r;

        while (i < n && runes-- > 0) {
                size_t len = utf8_decode(s + i, n - i, &r);
                i += len ? len : 1;
        }
        return i;
}

/* Appends s quoted as strconv.Quote does (or QuoteRune with '\''): printable UTF-8 as is, the rest escaped. Which
 * non-ASCII runes Go finds unprintable is approximated by the C1 controls and a few format characters. */
static void buf_add_quoted(struct buf *b, const char *s, size_t n, char quote)
{
        static const char escapes[][2] = {{'\a', 'a'}, {'\b', 'b'}, {'\f', 'f'}, {'\n', 'n'},
                                          {'\r', 'r'}, {'\t', 't'}, {'\v', 'v'}};

        buf_addc(b, quote);
        for (size_t i = 0; i < n && b->failure == NULL;) {
                uint32_t r = 0;
                size_t len = utf8_decode(s + i, n - i, &r), k;

                if (len == 0) {
                        buf_printf(b, "\\x%02x", (unsigned char)s[i++]);
                        continue;
                }
                if (r == (uint32_t)quote || r == '\\') {
                        buf_addc(b, '\\');
                        buf_addc(b, (char)r);
                } else if (r < 0x20 || r == 0x7f) {
                        for (k = 0; k < sizeof(escapes) / sizeof(escapes[0]) && escapes[k][0] != (char)r; k++)
                                ;
                        if (k < sizeof(escapes) / sizeof(escapes[0]))
                                buf_printf(b, "\\%c", escapes[k][1]);
                        else
                                buf_printf(b, "\\x%02x", r);
                } else if ((r >= 0x80 && r < 0xa0) || r == 0xad || r == 0x2028 || r == 0x2029 || r == 0xfeff) {
                        buf_printf(b, "\\u%04x", r);
                } else {
                        buf_add(b, s + i, len);
                }
                i += len;
        }
        buf_addc(b, quote);
}

static char *buf_take(struct buf *b)
{
        return b->data != NULL ? b->data : xstrdup("");
}

/* The start of s for an error message: escaped, so that the message stays on one line. */
static char *quote_for_error(const char *s, size_t n)
{
        struct buf b = {0};
        size_t cut = n;

        if (cut > ERROR_QUOTE_MAX) {
                cut = ERROR_QUOTE_MAX;
                while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
                        cut--;
        }
        buf_add_quoted(&b, s, cut, '"');
        if (cut < n)
                buf_adds(&b, "...");
        return buf_take(&b);
}

static int template_failv(burrow_error **err, const char *quoted, const char *fmt, va_list ap)
{
        _cleanup_free_ char *why = NULL;

        if (vasprintf(&why, fmt, ap) < 0)
                abort();
        return error_make(err, 0, "invalid format %s: %s", quoted, why);
}

static struct json_object *json_checked(struct json_object *o)
{
        if (o == NULL)
                abort();
        return o;
}

static const char *go_type(struct json_object *o)
{
        switch (json_object_get_type(o)) {
        case json_type_boolean:
                return "bool";
        case json_type_double:
                return "float64";
        case json_type_int:
                return "int";
        case json_type_string:
                return "string";
        case json_type_array:
                return "[]interface {}";
        case json_type_object:
                return "map[string]interface {}";
        default:
                return "interface {}";
        }
}

static int compare_strings(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Go's fmt and encoding/json both visit map keys in sorted order. */
static const char **object_sorted_keys(struct json_object *o, size_t *ret_n)
{
        const char **keys = xcalloc((size_t)json_object_object_length(o), sizeof(char *));
        size_t n = 0;

        json_object_object_foreach(o, key, val)
        {
                (void)val;
                keys[n++] = key;
        }
        qsort(keys, n, sizeof(*keys), compare_strings);
        *ret_n = n;
        return keys;
}

/* JSON integers beyond INT64_MAX are kept by json-c as uint64. */
static void buf_add_int(struct buf *b, struct json_object *o, const char *sign)
{
        int64_t v = json_object_get_int64(o);

        if (v == INT64_MAX)
                buf_printf(b, "%s%" PRIu64, sign, json_object_get_uint64(o));
        else
                buf_printf(b, "%s%" PRId64, v < 0 ? "" : sign, v);
}

/* A float64 in the fewest digits that read back the same, as strconv with precision -1. %v writes an exponent when
 * it is below -4 or at least 6 (1e+06); encoding/json below 1e-6 or from 1e21, without a leading 0 in it (1e-7). */
static void buf_add_float(struct buf *b, double d, bool json)
{
        char digits[40], *e;
        int p, exp;

        if (isnan(d) || isinf(d)) {
                buf_adds(b, isnan(d) ? "NaN" : d > 0 ? "+Inf" : "-Inf");
                return;
        }
        for (p = 1; p < 17; p++) {
                snprintf(digits, sizeof(digits), "%.*e", p - 1, d);
                if (strtod(digits, NULL) == d)
                        break;
        }
        snprintf(digits, sizeof(digits), "%.*e", p - 1, fabs(d));
        e = strchr(digits, 'e');
        exp = atoi(e + 1);
        *e = '\0';
        if (digits[1] == '.')
                memmove(digits + 1, digits + 2, strlen(digits + 2) + 1);
        if (signbit(d))
                buf_addc(b, '-');
        if (json ? d != 0 && (fabs(d) < 1e-6 || fabs(d) >= 1e21) : exp < -4 || exp >= 6) {
                buf_addc(b, digits[0]);
                if (p > 1)
                        buf_printf(b, ".%s", digits + 1);
                if (json && exp < 0)
                        buf_printf(b, "e-%d", -exp);
                else
                        buf_printf(b, "e%c%02d", exp < 0 ? '-' : '+', abs(exp));
        } else if (exp < 0) {
                buf_adds(b, "0.");
                buf_fill(b, '0', (size_t)(-exp - 1));
                buf_adds(b, digits);
        } else if (exp + 1 >= p) {
                buf_adds(b, digits);
                buf_fill(b, '0', (size_t)(exp + 1 - p));
        } else {
                buf_add(b, digits, (size_t)exp + 1);
                buf_printf(b, ".%s", digits + exp + 1);
        }
}

/* Go's encoding/json of a string with SetEscapeHTML(false): invalid UTF-8 becomes \ufffd. */
static void json_marshal_string(struct buf *b, const char *s, size_t n)
{
        buf_addc(b, '"');
        for (size_t i = 0; i < n && b->failure == NULL;) {
                unsigned char c = (unsigned char)s[i];
                const char *short_escape = strchr("\"\"\\\\\bb\ff\nn\rr\tt", c);
                uint32_t r = 0;
                size_t len = utf8_decode(s + i, n - i, &r);

                if (c != 0 && short_escape != NULL && ((short_escape - "\"\"\\\\\bb\ff\nn\rr\tt") % 2) == 0)
                        buf_printf(b, "\\%c", short_escape[1]);
                else if (c < 0x20)
                        buf_printf(b, "\\u%04x", c);
                else if (len == 0)
                        buf_adds(b, "\\ufffd");
                else if (r == 0x2028 || r == 0x2029)
                        buf_printf(b, "\\u%04x", r);
                else
                        buf_add(b, s + i, len);
                i += len ? len : 1;
        }
        buf_addc(b, '"');
}

static void json_marshal(struct buf *b, struct json_object *o, int depth)
{
        if (depth > TEMPLATE_VALUE_DEPTH_MAX) {
                b->failure = "value nested too deeply";
                return;
        }
        switch (json_object_get_type(o)) {
        case json_type_null:
                buf_adds(b, "null");
                break;
        case json_type_boolean:
                buf_adds(b, json_object_get_boolean(o) ? "true" : "false");
                break;
        case json_type_int:
                buf_add_int(b, o, "");
                break;
        case json_type_double:
                if (isnan(json_object_get_double(o)) || isinf(json_object_get_double(o)))
                        b->failure = isnan(json_object_get_double(o)) ? "json: unsupported value: NaN"
                                                                      : "json: unsupported value: Inf";
                else
                        buf_add_float(b, json_object_get_double(o), true);
                break;
        case json_type_string:
                json_marshal_string(b, json_object_get_string(o), (size_t)json_object_get_string_len(o));
                break;
        case json_type_array:
                buf_addc(b, '[');
                for (size_t i = 0; i < json_object_array_length(o) && b->failure == NULL; i++) {
                        if (i > 0)
                                buf_addc(b, ',');
                        json_marshal(b, json_object_array_get_idx(o, i), depth + 1);
                }
                buf_addc(b, ']');
                break;
        case json_type_object: {
                size_t n;
                _cleanup_free_ const char **keys = object_sorted_keys(o, &n);

                buf_addc(b, '{');
                for (size_t i = 0; i < n && b->failure == NULL; i++) {
                        if (i > 0)
                                buf_addc(b, ',');
                        json_marshal_string(b, keys[i], strlen(keys[i]));
                        buf_addc(b, ':');
                        json_marshal(b, json_object_object_get(o, keys[i]), depth + 1);
                }
                buf_addc(b, '}');
                break;
        }
        }
}

/* One fmt directive: %-08.3v is {'v', minus, zero, width 8, precision 3}. */
struct spec {
        uint32_t verb;
        bool minus, plus, space, zero;
        int width, prec; /* -1 when absent */
};
static const struct spec spec_v = {.verb = 'v', .width = -1, .prec = -1};

/* Pads to the width in runes, as fmt: zeros go after a number's sign, and strings ignore the 0 flag. */
static void buf_add_padded(struct buf *b, const char *s, size_t n, const struct spec *sp, bool number)
{
        size_t runes = 0, pad;

        for (size_t i = 0; i < n; runes++)
                i += utf8_prefix(s + i, n - i, 1);
        pad = sp->width > 0 && (size_t)sp->width > runes ? (size_t)sp->width - runes : 0;
        if (sp->minus) {
                buf_add(b, s, n);
                buf_fill(b, ' ', pad);
                return;
        }
        if (sp->zero && number) {
                if (n > 0 && (s[0] == '-' || s[0] == '+' || s[0] == ' ')) {
                        buf_addc(b, s[0]);
                        s++, n--;
                }
                buf_fill(b, '0', pad);
        } else {
                buf_fill(b, ' ', pad);
        }
        buf_add(b, s, n);
}

static void fmt_value(struct buf *b, struct json_object *o, const struct spec *sp, int depth);

/* fmt's %!d(string=abc) for a verb that does not apply to the value. */
static void fmt_bad_verb(struct buf *b, struct json_object *o, const char *s, size_t n, const struct spec *sp)
{
        struct spec v = *sp;

        v.verb = 'v';
        buf_adds(b, "%!");
        buf_add_rune(b, sp->verb);
        buf_printf(b, "(%s=", o != NULL ? go_type(o) : "string");
        if (o != NULL)
                fmt_value(b, o, &v, 0);
        else
                buf_add_padded(b, s, n, &v, false);
        buf_addc(b, ')');
}

static void fmt_string(struct buf *b, const char *s, size_t n, const struct spec *sp)
{
        struct buf q = {0};

        if (sp->prec >= 0)
                n = utf8_prefix(s, n, (size_t)sp->prec);
        if (sp->verb == 'v' || sp->verb == 's') {
                buf_add_padded(b, s, n, sp, false);
        } else if (sp->verb == 'q') {
                buf_add_quoted(&q, s, n, '"');
                buf_add_padded(b, q.data, q.len, sp, false);
                buf_drop(b, &q);
        } else {
                fmt_bad_verb(b, NULL, s, n, sp);
        }
}

static void fmt_number(struct buf *b, struct json_object *o, const struct spec *sp)
{
        const char *sign = sp->plus ? "+" : sp->space ? " " : "";
        bool is_int = json_object_is_type(o, json_type_int), number = true;
        int prec = sp->prec >= 0 ? sp->prec : 6;
        double d = json_object_get_double(o);
        uint32_t v = sp->verb;
        struct buf s = {0};

        if (is_int && (v == 'v' || v == 'd')) {
                buf_add_int(&s, o, sign);
        } else if (is_int && (v == 'c' || v == 'q')) {
                int64_t r = json_object_get_int64(o);
                struct buf utf8 = {0};

                buf_add_rune(&utf8, r < 0 || r > 0x10ffff ? 0xfffd : (uint32_t)r);
                if (v == 'c')
                        buf_add(&s, utf8.data, utf8.len);
                else
                        buf_add_quoted(&s, utf8.data, utf8.len, '\'');
                free(utf8.data);
                number = false;
        } else if (!is_int && (v == 'v' || v == 'g' || v == 'G' || v == 'e' || v == 'E' || v == 'f' || v == 'F')) {
                if (isnan(d) || isinf(d)) {
                        /* fmt shows +Inf unasked, NaN's sign only when asked, and pads neither with zeros. */
                        buf_printf(&s, "%s%s",
                                   d < 0      ? "-"
                                   : *sign    ? sign
                                   : isinf(d) ? "+"
                                              : "",
                                   isnan(d) ? "NaN" : "Inf");
                        number = false;
                } else {
                        buf_adds(&s, signbit(d) ? "" : sign);
                        if ((v == 'v' || v == 'g') && sp->prec < 0)
                                buf_add_float(&s, d, false);
                        else if (v == 'v' || v == 'g')
                                buf_printf(&s, "%.*g", prec, d);
                        else if (v == 'G')
                                buf_printf(&s, "%.*G", prec, d);
                        else if (v == 'e' || v == 'E')
                                buf_printf(&s, v == 'e' ? "%.*e" : "%.*E", prec, d);
                        else
                                buf_printf(&s, "%.*f", prec, d);
                }
        } else {
                fmt_bad_verb(b, o, NULL, 0, sp);
                return;
        }
        buf_add_padded(b, s.data, s.len, sp, number);
        buf_drop(b, &s);
}

/* fmt's printValue for what encoding/json would have decoded, applying the verb to each element and map key. */
static void fmt_value(struct buf *b, struct json_object *o, const struct spec *sp, int depth)
{
        if (depth > TEMPLATE_VALUE_DEPTH_MAX) {
                b->failure = "value nested too deeply";
                return;
        }
        switch (json_object_get_type(o)) {
        case json_type_null:
                buf_add_padded(b, "<nil>", 5, sp, false);
                break;
        case json_type_boolean:
                if (sp->verb == 'v' || sp->verb == 't')
                        buf_add_padded(b, json_object_get_boolean(o) ? "true" : "false",
                                       json_object_get_boolean(o) ? 4 : 5, sp, false);
                else
                        fmt_bad_verb(b, o, NULL, 0, sp);
                break;
        case json_type_int:
        case json_type_double:
                fmt_number(b, o, sp);
                break;
        case json_type_string:
                fmt_string(b, json_object_get_string(o), (size_t)json_object_get_string_len(o), sp);
                break;
        case json_type_array:
                buf_addc(b, '[');
                for (size_t i = 0; i < json_object_array_length(o) && b->failure == NULL; i++) {
                        if (i > 0)
                                buf_addc(b, ' ');
                        fmt_value(b, json_object_array_get_idx(o, i), sp, depth + 1);
                }
                buf_addc(b, ']');
                break;
        case json_type_object: {
                size_t n;
                _cleanup_free_ const char **keys = object_sorted_keys(o, &n);

                buf_adds(b, "map[");
                for (size_t i = 0; i < n && b->failure == NULL; i++) {
                        if (i > 0)
                                buf_addc(b, ' ');
                        fmt_string(b, keys[i], strlen(keys[i]), sp);
                        buf_addc(b, ':');
                        fmt_value(b, json_object_object_get(o, keys[i]), sp, depth + 1);
                }
                buf_addc(b, ']');
                break;
        }
        }
}

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

static __attribute__((format(printf, 2, 3))) int exec_fail(struct exec *e, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        template_failv(e->err, e->quoted, fmt, ap);
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
        return (struct value){.obj = json_checked(o), .owned = true};
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
                return fn_fail(e, fn, "wrong type for value; expected string; got %s", go_type(v->obj));
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
                        return fn_fail(e, "index", "cannot index slice/array with type %s", go_type(ix->obj));
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
                        return fn_fail(e, "index", "value has type %s; should be string", go_type(ix->obj));
                /* A key with a NUL in it matches nothing; a missing key gives nil, as Go's zero value. */
                if (strlen(json_object_get_string(ix->obj)) == (size_t)json_object_get_string_len(ix->obj) &&
                    json_object_object_get_ex(o, json_object_get_string(ix->obj), &child)) {
                        value_descend(item, child);
                } else {
                        value_clear(item);
                }
                return 0;
        default:
                return fn_fail(e, "index", "can't index item of type %s", go_type(o));
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
                return fn_fail(e, "join", "wrong type for value; expected []string; got %s", go_type(list));
        for (size_t i = 0; i < json_object_array_length(list); i++)
                if (!json_object_is_type(json_object_array_get_idx(list, i), json_type_string))
                        return fn_fail(e, "join", "wrong type for value; expected []string; got []interface {}");
        if (expect_string(e, "join", &args[1], &sep, &sep_len) < 0)
                return -1;
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                struct json_object *s = json_object_array_get_idx(list, i);

                if (i > 0)
                        buf_add(&b, sep, sep_len);
                buf_add(&b, json_object_get_string(s), (size_t)json_object_get_string_len(s));
        }
        return return_buf(e, "join", &b, ret);
}

static int fn_json(struct exec *e, struct value *args, size_t n, struct value *ret)
{
        struct buf b = {0};

        (void)n;
        json_marshal(&b, args[0].missing ? NULL : args[0].obj, 0);
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
                return fn_fail(e, "len", "len of type %s", go_type(o));
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
                after_separator = !is_alnum(c);
                buf_addc(&b, c);
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

/* fmt's width and precision: false (and Go's %!(NOVERB) for the rest) when the number is absurdly large. */
static bool parse_fmt_number(const char *f, size_t n, size_t *i, int *ret)
{
        if (*i >= n || f[*i] < '0' || f[*i] > '9')
                return true;
        for (*ret = 0; *i < n && f[*i] >= '0' && f[*i] <= '9'; (*i)++) {
                *ret = *ret * 10 + (f[*i] - '0');
                if (*ret > FMT_NUMBER_MAX)
                        return false;
        }
        return true;
}

static void fmt_arg(struct buf *b, const struct value *v, const struct spec *sp)
{
        if ((v->missing || v->obj == NULL) && (sp->verb == 'v' || sp->verb == 'T')) {
                buf_add_padded(b, "<nil>", 5, sp, false);
        } else if (v->missing || v->obj == NULL) {
                buf_adds(b, "%!");
                buf_add_rune(b, sp->verb);
                buf_adds(b, "(<nil>)");
        } else if (sp->verb == 'T') {
                buf_add_padded(b, go_type(v->obj), strlen(go_type(v->obj)), sp, false);
        } else {
                fmt_value(b, v->obj, sp, 0);
        }
}

/* fmt.Sprintf, with its inline complaints: %!d(string=x), %!s(MISSING), %!(EXTRA int=1), %!(NOVERB). */
static void sprintf_go(struct buf *b, const char *f, size_t n, const struct value *args, size_t n_args)
{
        size_t arg = 0;

        for (size_t i = 0; i < n && b->failure == NULL;) {
                struct spec sp = {.width = -1, .prec = -1};
                size_t literal = i, len;

                while (i < n && f[i] != '%')
                        i++;
                buf_add(b, f + literal, i - literal);
                if (i++ >= n)
                        break;
                for (; i < n && strchr("-+# 0", f[i]) != NULL && f[i] != '\0'; i++) {
                        sp.minus |= f[i] == '-';
                        sp.plus |= f[i] == '+';
                        sp.space |= f[i] == ' ';
                        sp.zero = f[i] == '0' ? !sp.minus : f[i] == '-' ? false : sp.zero;
                }
                if (!parse_fmt_number(f, n, &i, &sp.width) ||
                    (i < n && f[i] == '.' && (sp.prec = 0, i++, !parse_fmt_number(f, n, &i, &sp.prec))) || i >= n) {
                        buf_adds(b, "%!(NOVERB)");
                        break;
                }
                len = utf8_decode(f + i, n - i, &sp.verb);
                if (len == 0)
                        sp.verb = 0xfffd, len = 1;
                i += len;
                if (sp.verb == '%')
                        buf_addc(b, '%');
                if (sp.verb != '%' && arg >= n_args) {
                        buf_adds(b, "%!");
                        buf_add_rune(b, sp.verb);
                        buf_adds(b, "(MISSING)");
                } else if (sp.verb != '%') {
                        fmt_arg(b, &args[arg++], &sp);
                }
        }
        if (arg < n_args) {
                buf_adds(b, "%!(EXTRA ");
                for (size_t i = arg; i < n_args; i++) {
                        if (i > arg)
                                buf_adds(b, ", ");
                        if (args[i].missing || args[i].obj == NULL) {
                                buf_adds(b, "<nil>");
                        } else {
                                buf_printf(b, "%s=", go_type(args[i].obj));
                                fmt_value(b, args[i].obj, &spec_v, 0);
                        }
                }
                buf_addc(b, ')');
        }
}

static int fn_printf(struct exec *e, struct value *args, size_t n, struct value *ret)
{
        struct buf b = {0};
        const char *f;
        size_t len;

        if (expect_string(e, "printf", &args[0], &f, &len) < 0)
                return -1;
        sprintf_go(&b, f, len, args + 1, n - 1);
        return return_buf(e, "printf", &b, ret);
}

static const struct function functions[] = {
    {"index", fn_index, 1, SIZE_MAX}, {"join", fn_join, 2, 2},
    {"json", fn_json, 1, 1},          {"len", fn_len, 1, 1},
    {"lower", fn_lower, 1, 1},        {"printf", fn_printf, 1, SIZE_MAX},
    {"title", fn_title, 1, 1},        {"upper", fn_upper, 1, 1},
};

struct parser {
        const char *s;
        size_t len, pos;
        bool trim_next; /* the last action ended with " -}}" */
        int depth;
        const char **vars; /* declared variable names in scope, borrowed from the tree */
        size_t n_vars;
        const char *quoted;
        burrow_error **err;
};

enum token_kind {
        T_END, /* }} or -}} */
        T_DOT,
        T_FIELD,
        T_VARIABLE,
        T_IDENT,
        T_STRING,
        T_NUMBER,
        T_PIPE,
        T_LPAREN,
        T_RPAREN,
        T_DECLARE,
        T_ASSIGN,
        T_COMMA,
};
struct token {
        enum token_kind kind;
        const char *text;
        size_t len;
        bool space_before, trim;
};

static const char *const keywords[] = {"if",     "range",    "with",  "else",  "end",
                                       "define", "template", "block", "break", "continue"};

static __attribute__((format(printf, 2, 3))) int parse_fail(struct parser *p, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        template_failv(p->err, p->quoted, fmt, ap);
        va_end(ap);
        return -1;
}

static bool has_prefix_at(const struct parser *p, size_t pos, const char *prefix)
{
        size_t n = strlen(prefix);
        return pos <= p->len && p->len - pos >= n && memcmp(p->s + pos, prefix, n) == 0;
}

static bool token_is(const struct token *t, const char *word)
{
        return t->len == strlen(word) && memcmp(t->text, word, t->len) == 0;
}

/* Go's lexer wants a field, variable or identifier to end at a space, delimiter or one of . , | : ( ). */
static bool at_terminator(const struct parser *p)
{
        char c = p->pos < p->len ? p->s[p->pos] : '\0';
        return c == '\0' || is_space(c) || strchr(".,|:()", c) != NULL || has_prefix_at(p, p->pos, "}}");
}

/* Reads the next token of an action. */
static int lex(struct parser *p, struct token *t)
{
        const char *s = p->s;
        char c;

        *t = (struct token){0};
        for (; p->pos < p->len && is_space(s[p->pos]); p->pos++) {
                t->space_before = true;
                if (has_prefix_at(p, p->pos + 1, "-}}")) {
                        t->kind = T_END, t->trim = true, t->text = s + p->pos, t->len = 4;
                        p->pos += 4;
                        return 0;
                }
        }
        if (p->pos >= p->len)
                return parse_fail(p, "unclosed action");
        t->text = s + p->pos;
        c = s[p->pos++];
        if (c == '}' && p->pos < p->len && s[p->pos] == '}') {
                t->kind = T_END;
                p->pos++;
        } else if (c == '|' || c == '(' || c == ')' || c == ',' || c == '=') {
                t->kind = c == '|' ? T_PIPE : c == '(' ? T_LPAREN : c == ')' ? T_RPAREN : c == ',' ? T_COMMA : T_ASSIGN;
        } else if (c == ':') {
                if (p->pos >= p->len || s[p->pos++] != '=')
                        return parse_fail(p, "expected :=");
                t->kind = T_DECLARE;
        } else if (c == '"' || c == '`') {
                while (p->pos < p->len && s[p->pos] != c && (c == '`' || s[p->pos] != '\n'))
                        p->pos += c == '"' && s[p->pos] == '\\' && p->pos + 1 < p->len ? 2 : 1;
                if (p->pos >= p->len || s[p->pos] != c)
                        return parse_fail(p,
                                          c == '"' ? "unterminated quoted string" : "unterminated raw quoted string");
                p->pos++;
                t->kind = T_STRING;
        } else if (c == '\'') {
                return parse_fail(p, "character constants are not supported");
        } else if (c == '+' || c == '-' || (c >= '0' && c <= '9') ||
                   (c == '.' && p->pos < p->len && s[p->pos] >= '0' && s[p->pos] <= '9')) {
                while (p->pos < p->len && (is_alnum(s[p->pos]) || s[p->pos] == '.' ||
                                           ((s[p->pos] == '+' || s[p->pos] == '-') && strchr("eE", s[p->pos - 1]))))
                        p->pos++;
                t->kind = T_NUMBER;
        } else if (c == '.' || c == '$' || is_alnum(c)) {
                while (p->pos < p->len && is_alnum(s[p->pos]))
                        p->pos++;
                t->kind = c == '$' ? T_VARIABLE : c != '.' ? T_IDENT : p->s + p->pos == t->text + 1 ? T_DOT : T_FIELD;
                if (!at_terminator(p)) {
                        _cleanup_free_ char *q = quote_for_error(s + p->pos, 1);
                        return parse_fail(p, "bad character %s in action", q);
                }
        } else {
                _cleanup_free_ char *q = quote_for_error(t->text, 1);
                return parse_fail(p, "unrecognized character in action: %s", q);
        }
        t->len = (size_t)(s + p->pos - t->text);
        return 0;
}

static int hex_value(char c)
{
        return c >= '0' && c <= '9'   ? c - '0'
               : c >= 'a' && c <= 'f' ? c - 'a' + 10
               : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                      : -1;
}

/* Decodes a "quoted" (Go's escapes) or `raw` (carriage returns dropped) string literal. */
static int parse_string(struct parser *p, const struct token *t, struct json_object **ret)
{
        const char *s = t->text + 1;
        size_t n = t->len - 2;
        struct buf b = {0};

        for (size_t i = 0; i < n;) {
                uint32_t r = 0;
                int digits = 0, base = 16;
                char c = s[i++];

                if (t->text[0] == '`' || c != '\\') {
                        if (c != '\r' || t->text[0] != '`')
                                buf_addc(&b, c);
                        continue;
                }
                c = i < n ? s[i++] : '\0';
                if (c != '\0' && strchr("abfnrtv\\\"", c) != NULL) {
                        buf_addc(&b, "\a\b\f\n\r\t\v\\\""[strchr("abfnrtv\\\"", c) - "abfnrtv\\\""]);
                        continue;
                }
                digits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : c >= '0' && c <= '7' ? 3 : 0;
                if (c >= '0' && c <= '7')
                        base = 8, i--;
                for (int k = 0; k < digits; k++, i++) {
                        int d = i < n ? hex_value(s[i]) : -1;
                        if (d < 0 || d >= base) {
                                digits = 0;
                                break;
                        }
                        r = r * (uint32_t)base + (uint32_t)d;
                }
                if (digits == 0 || (base == 8 && r > 255) || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff && c != 'x')) {
                        free(b.data);
                        return parse_fail(p, "invalid escape in string literal");
                }
                if (c == 'x' || base == 8)
                        buf_addc(&b, (char)r);
                else
                        buf_add_rune(&b, r);
        }
        *ret = json_checked(json_object_new_string_len(b.data != NULL ? b.data : "", (int)b.len));
        free(b.data);
        return 0;
}

/* Go's number constants, less the rarer forms (0b, 0o, _, imaginary): an integer, or a float if it has . e E. */
static int parse_number(struct parser *p, const struct token *t, struct json_object **ret)
{
        _cleanup_free_ char *text = xstrndup(t->text, t->len), *q = quote_for_error(t->text, t->len);
        const char *digits = text + (text[0] == '+' || text[0] == '-');
        char *end = NULL;

        errno = 0;
        if (strpbrk(text, "xX") == NULL && strpbrk(text, ".eE") != NULL &&
            (digits[0] == '.' || (digits[0] >= '0' && digits[0] <= '9'))) {
                double d = strtod(text, &end);
                if (*end == '\0' && errno == 0)
                        *ret = json_checked(json_object_new_double(d));
        } else if (digits[0] >= '0' && digits[0] <= '9') {
                long long v = strtoll(text, &end, 0);
                if (*end == '\0' && errno == ERANGE)
                        return parse_fail(p, "%s overflows int", q);
                if (*end == '\0' && errno == 0)
                        *ret = json_checked(json_object_new_int64(v));
        }
        if (end == NULL || *end != '\0' || errno != 0)
                return parse_fail(p, "bad number syntax: %s", q);
        return 0;
}

static int parse_pipe(struct parser *p, struct pipe *pipe, bool in_paren, size_t max_decl);

/* One operand: a term, and the .Field chain written right after it. */
static int parse_operand(struct parser *p, struct arg *a, const struct token *t)
{
        _cleanup_free_ char *q = quote_for_error(t->text, t->len);

        switch (t->kind) {
        case T_DOT:
        case T_FIELD:
                a->kind = ARG_FIELDS;
                if (t->kind == T_FIELD)
                        *PUSH_ZERO(a->fields, a->n_fields) = xstrndup(t->text + 1, t->len - 1);
                break;
        case T_VARIABLE: {
                size_t i = p->n_vars;

                while (i > 0 && !token_is(t, p->vars[i - 1]))
                        i--;
                if (i == 0 && !token_is(t, "$"))
                        return parse_fail(p, "undefined variable %s", q);
                a->kind = ARG_VARIABLE;
                a->variable = xstrndup(t->text, t->len);
                break;
        }
        case T_STRING:
                a->kind = ARG_CONSTANT;
                if (parse_string(p, t, &a->constant) < 0)
                        return -1;
                break;
        case T_NUMBER:
                a->kind = ARG_CONSTANT;
                if (parse_number(p, t, &a->constant) < 0)
                        return -1;
                break;
        case T_IDENT:
                if (token_is(t, "true") || token_is(t, "false")) {
                        a->kind = ARG_CONSTANT;
                        a->constant = json_checked(json_object_new_boolean(token_is(t, "true")));
                        break;
                }
                if (token_is(t, "nil")) {
                        a->kind = ARG_NIL;
                        break;
                }
                for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
                        if (token_is(t, keywords[i]))
                                return parse_fail(p, "unexpected {{%s}} in operand", keywords[i]);
                for (size_t i = 0; i < sizeof(functions) / sizeof(functions[0]) && a->function == NULL; i++)
                        if (token_is(t, functions[i].name))
                                a->function = &functions[i];
                if (a->function == NULL)
                        return parse_fail(p, "function %s not defined", q);
                a->kind = ARG_FUNCTION;
                break;
        case T_LPAREN:
                if (++p->depth > TEMPLATE_DEPTH_MAX)
                        return parse_fail(p, "nested too deeply (more than %d levels)", TEMPLATE_DEPTH_MAX);
                a->kind = ARG_PIPE;
                a->pipe = xcalloc(1, sizeof(*a->pipe));
                if (parse_pipe(p, a->pipe, true, 0) < 0)
                        return -1;
                p->depth--;
                break;
        default:
                return parse_fail(p, "unexpected %s in operand", q);
        }
        for (;;) {
                size_t save = p->pos;
                struct token f;

                if (lex(p, &f) < 0)
                        return -1;
                if (f.kind != T_FIELD || f.space_before) {
                        p->pos = save;
                        return 0;
                }
                if (t->kind != T_FIELD && t->kind != T_VARIABLE && t->kind != T_LPAREN)
                        return parse_fail(p, "unexpected . after term %s", q);
                *PUSH_ZERO(a->fields, a->n_fields) = xstrndup(f.text + 1, f.len - 1);
        }
}

/* Operands up to | or the end of the pipeline, which is returned in *end. */
static int parse_command(struct parser *p, struct command *cmd, bool in_paren, struct token *end)
{
        for (;;) {
                _cleanup_free_ char *q = NULL;
                struct arg *a;
                struct token t;

                if (lex(p, &t) < 0)
                        return -1;
                if (t.kind == T_PIPE || (t.kind == T_END && !in_paren) || (t.kind == T_RPAREN && in_paren)) {
                        *end = t;
                        return 0;
                }
                if (t.kind == T_END)
                        return parse_fail(p, "unclosed left paren");
                q = quote_for_error(t.text, t.len);
                if (cmd->n_args > 0 && !t.space_before)
                        return parse_fail(p, "unexpected %s in operand", q);
                a = PUSH_ZERO(cmd->args, cmd->n_args);
                if (parse_operand(p, a, &t) < 0)
                        return -1;
                /* A function as an argument is called with no arguments, which none of ours takes. */
                if (cmd->n_args > 1 && a->kind == ARG_FUNCTION)
                        return parse_fail(p, "wrong number of args for %s: want %zu got 0", a->function->name,
                                          a->function->min_args);
        }
}

static int check_command(struct parser *p, const struct command *cmd, size_t stage)
{
        const struct arg *a;
        size_t got;

        if (cmd->n_args == 0)
                return parse_fail(p, "missing value for command");
        a = &cmd->args[0];
        got = cmd->n_args - 1 + (stage > 0);
        if (a->kind == ARG_FUNCTION && got < a->function->min_args)
                return parse_fail(p, "wrong number of args for %s: want %s%zu got %zu", a->function->name,
                                  a->function->max_args > a->function->min_args ? "at least " : "",
                                  a->function->min_args, got);
        if (a->kind == ARG_FUNCTION && got > a->function->max_args)
                return parse_fail(p, "wrong number of args for %s: want %zu got %zu", a->function->name,
                                  a->function->max_args, got);
        if (a->kind != ARG_FUNCTION && stage > 0)
                return parse_fail(p, "non executable command in pipeline stage %zu", stage + 1);
        if (a->kind == ARG_NIL)
                return parse_fail(p, "nil is not a command");
        if (a->kind != ARG_FUNCTION && cmd->n_args > 1)
                return parse_fail(p, "can't give argument to non-function");
        return 0;
}

/* [$x := | $i, $e :=] command [| command]... up to }} or, in parentheses, ). */
static int parse_pipe(struct parser *p, struct pipe *pipe, bool in_paren, size_t max_decl)
{
        size_t save = p->pos;
        struct token t, next;

        if (max_decl > 0 && lex(p, &t) == 0 && t.kind == T_VARIABLE && lex(p, &next) == 0) {
                if (next.kind == T_COMMA && max_decl == 2) {
                        pipe->decl[pipe->n_decl++] = xstrndup(t.text, t.len);
                        if (lex(p, &t) < 0 || lex(p, &next) < 0)
                                return -1;
                        if (t.kind != T_VARIABLE || next.kind != T_DECLARE)
                                return parse_fail(p, "range can only initialize variables");
                }
                if (next.kind == T_ASSIGN)
                        return parse_fail(p, "assigning to variables is not supported");
                if (next.kind == T_DECLARE)
                        pipe->decl[pipe->n_decl++] = xstrndup(t.text, t.len);
        }
        if (pipe->n_decl == 0)
                p->pos = save;
        do {
                if (parse_command(p, PUSH_ZERO(pipe->cmds, pipe->n_cmds), in_paren, &t) < 0)
                        return -1;
        } while (t.kind == T_PIPE);
        if (!in_paren)
                p->trim_next = t.trim;
        for (size_t i = 0; i < pipe->n_cmds; i++)
                if (check_command(p, &pipe->cmds[i], i) < 0)
                        return -1;
        for (size_t i = 0; i < pipe->n_decl; i++)
                *PUSH_ZERO(p->vars, p->n_vars) = pipe->decl[i];
        return 0;
}

enum terminator { TERM_EOF, TERM_END, TERM_ELSE };

static struct node *push_node(struct list *list, enum node_kind kind)
{
        struct node *n = PUSH_ZERO(list->nodes, list->n);

        n->kind = kind;
        return n;
}

/* Literal text, with podman's \t and \n, trimmed by the markers of the actions around it. */
static void parse_text(struct parser *p, struct list *list, size_t end, bool trim_right)
{
        struct buf b = {0};
        size_t from = 0;

        for (size_t i = p->pos; i < end; i++) {
                bool escape = p->s[i] == '\\' && i + 1 < end && (p->s[i + 1] == 't' || p->s[i + 1] == 'n');

                buf_addc(&b, escape ? (p->s[++i] == 't' ? '\t' : '\n') : p->s[i]);
        }
        while (p->trim_next && from < b.len && is_space(b.data[from]))
                from++;
        while (trim_right && b.len > from && is_space(b.data[b.len - 1]))
                b.len--;
        p->trim_next = false;
        if (b.len > from) {
                struct node *n = push_node(list, NODE_TEXT);
                n->text = xstrndup(b.data + from, b.len - from);
                n->text_len = b.len - from;
        }
        free(b.data);
}

static int parse_list(struct parser *p, struct list *list, enum terminator *ret);

/* {{if pipeline}} list [{{else}} list | {{else if pipeline}} ...] {{end}}, and the same for with and range. */
static int parse_control(struct parser *p, struct list *list, enum node_kind kind)
{
        struct node *n = push_node(list, kind);
        size_t mark = p->n_vars;
        enum terminator term;
        struct token t;

        if (++p->depth > TEMPLATE_DEPTH_MAX)
                return parse_fail(p, "nested too deeply (more than %d levels)", TEMPLATE_DEPTH_MAX);
        n->pipe = xcalloc(1, sizeof(*n->pipe));
        if (parse_pipe(p, n->pipe, false, kind == NODE_RANGE ? 2 : 1) < 0 || parse_list(p, &n->body, &term) < 0)
                return -1;
        if (term == TERM_ELSE) {
                if (lex(p, &t) < 0)
                        return -1;
                if (kind != NODE_RANGE && t.kind == T_IDENT && token_is(&t, kind == NODE_IF ? "if" : "with")) {
                        /* The chained {{else if}} shares the {{end}}. */
                        if (parse_control(p, &n->alt, kind) < 0)
                                return -1;
                        term = TERM_END;
                } else if (t.kind == T_END) {
                        p->trim_next = t.trim;
                        if (parse_list(p, &n->alt, &term) < 0)
                                return -1;
                        if (term == TERM_ELSE)
                                return parse_fail(p, "expected {{end}}, found {{else}}");
                } else {
                        _cleanup_free_ char *q = quote_for_error(t.text, t.len);
                        return parse_fail(p, "unexpected %s in {{else}}", q);
                }
        }
        if (term == TERM_EOF)
                return parse_fail(p, "missing {{end}}");
        p->n_vars = mark;
        p->depth--;
        return 0;
}

/* An action after its {{: a pipeline, a control structure, or the {{end}} or {{else}} that ends the list (1). */
static int parse_action(struct parser *p, struct list *list, enum terminator *ret)
{
        size_t save = p->pos;
        struct token t;

        if (lex(p, &t) < 0)
                return -1;
        if (t.kind == T_IDENT && token_is(&t, "end")) {
                if (lex(p, &t) < 0)
                        return -1;
                if (t.kind != T_END)
                        return parse_fail(p, "unexpected operand in {{end}}");
                p->trim_next = t.trim;
                *ret = TERM_END;
                return 1;
        }
        if (t.kind == T_IDENT && token_is(&t, "else")) {
                *ret = TERM_ELSE;
                return 1;
        }
        if (t.kind == T_IDENT && (token_is(&t, "if") || token_is(&t, "with") || token_is(&t, "range")))
                return parse_control(p, list,
                                     token_is(&t, "if")     ? NODE_IF
                                     : token_is(&t, "with") ? NODE_WITH
                                                            : NODE_RANGE);
        for (size_t i = 0; t.kind == T_IDENT && i < sizeof(keywords) / sizeof(keywords[0]); i++)
                if (token_is(&t, keywords[i]))
                        return parse_fail(p, "{{%s}} is not supported", keywords[i]);
        p->pos = save;
        return parse_pipe(p, (push_node(list, NODE_ACTION)->pipe = xcalloc(1, sizeof(struct pipe))), false, 1);
}

/* Text and actions up to the end of the format, or an {{end}} or {{else}} (*ret says which). */
static int parse_list(struct parser *p, struct list *list, enum terminator *ret)
{
        for (;;) {
                const char *open = memmem(p->s + p->pos, p->len - p->pos, "{{", 2);
                size_t at = open != NULL ? (size_t)(open - p->s) : p->len, body;
                bool trim = open != NULL && has_prefix_at(p, at + 2, "-") && at + 3 < p->len && is_space(p->s[at + 3]);
                int r;

                parse_text(p, list, at, trim);
                if (open == NULL) {
                        *ret = TERM_EOF;
                        return 0;
                }
                body = at + 2 + (trim ? 2 : 0);
                if (has_prefix_at(p, body, "/*")) {
                        const char *close = memmem(p->s + body + 2, p->len - body - 2, "*/", 2);

                        if (close == NULL)
                                return parse_fail(p, "unclosed comment");
                        p->pos = (size_t)(close - p->s) + 2;
                        p->trim_next = p->pos < p->len && is_space(p->s[p->pos]) && has_prefix_at(p, p->pos + 1, "-}}");
                        if (!p->trim_next && !has_prefix_at(p, p->pos, "}}"))
                                return parse_fail(p, "comment ends before closing delimiter");
                        p->pos += p->trim_next ? 4 : 2;
                        continue;
                }
                p->pos = at + 2 + (trim ? 1 : 0);
                r = parse_action(p, list, ret);
                if (r != 0)
                        return r < 0 ? r : 0;
        }
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
                        const char *type = v->obj == NULL ? NULL : go_type(v->obj);

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
                        r = range_once(e, n, want_key ? json_checked(json_object_new_int64((int64_t)i)) : NULL,
                                       json_object_array_get_idx(v.obj, i));
        } else if (json_object_is_type(v.obj, json_type_object)) {
                size_t count;
                _cleanup_free_ const char **keys = object_sorted_keys(v.obj, &count);

                for (size_t i = 0; i < count && r == 0; i++)
                        r = range_once(e, n, want_key ? json_checked(json_object_new_string(keys[i])) : NULL,
                                       json_object_object_get(v.obj, keys[i]));
        } else {
                r = exec_fail(e, "range can't iterate over a value of type %s", go_type(v.obj));
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
                        buf_add(&e->out, n->text, n->text_len);
                } else if (r == 0 && n->kind == NODE_ACTION) {
                        r = eval_pipe(e, n->pipe, dot, &v);
                        if (r == 0 && n->pipe->n_decl > 0) {
                                vars_push(e, n->pipe->decl[0], &v);
                        } else if (r == 0) {
                                if (v.missing || v.obj == NULL)
                                        buf_adds(&e->out, "<no value>");
                                else
                                        fmt_value(&e->out, v.obj, &spec_v, 0);
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

static void pipe_free(struct pipe *pipe)
{
        if (pipe == NULL)
                return;
        for (size_t i = 0; i < pipe->n_cmds; i++) {
                for (size_t j = 0; j < pipe->cmds[i].n_args; j++) {
                        struct arg *a = &pipe->cmds[i].args[j];

                        free(a->variable);
                        json_object_put(a->constant);
                        pipe_free(a->pipe);
                        for (size_t k = 0; k < a->n_fields; k++)
                                free(a->fields[k]);
                        free(a->fields);
                }
                free(pipe->cmds[i].args);
        }
        free(pipe->cmds);
        free(pipe->decl[0]);
        free(pipe->decl[1]);
        free(pipe);
}

static void list_clear(struct list *list)
{
        for (size_t i = 0; i < list->n; i++) {
                free(list->nodes[i].text);
                pipe_free(list->nodes[i].pipe);
                list_clear(&list->nodes[i].body);
                list_clear(&list->nodes[i].alt);
        }
        free(list->nodes);
}

void template_free(template *t)
{
        if (t == NULL)
                return;
        list_clear(&t->root);
        free(t->quoted);
        free(t);
}

int template_parse(const char *format, template **ret, burrow_error **err)
{
        size_t len = strlen(format);
        _cleanup_free_ char *quoted = quote_for_error(format, len);
        struct parser p = {.s = format, .len = len, .quoted = quoted, .err = err};
        template *t;
        enum terminator term;
        int r;

        if (len > TEMPLATE_FORMAT_MAX)
                return error_make(err, 0, "invalid format %s: longer than %d bytes", quoted, TEMPLATE_FORMAT_MAX);
        t = xcalloc(1, sizeof(*t));
        r = parse_list(&p, &t->root, &term);
        if (r == 0 && term != TERM_EOF)
                r = parse_fail(&p, term == TERM_END ? "unexpected {{end}}" : "unexpected {{else}}");
        free(p.vars);
        if (r < 0) {
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
        *ret = buf_take(&e.out);
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
        return strncmp(format, "table", 5) == 0 && (format[5] == '\0' || is_space(format[5]));
}
