/* The output side of util/template: the bounded output buffer, UTF-8 and Go's quoting, and what users see of Go's fmt
 * (%v of floats, map[...] for objects, printf's verbs and complaints) and encoding/json (its escaping), reproduced
 * here as there is no Go runtime to lend them. */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/template-internal.h"

#define TEMPLATE_OUTPUT_MAX (16 * 1024 * 1024)
/* json-c's parser stops at 32 levels, but objects built in code may go deeper. */
#define TEMPLATE_VALUE_DEPTH_MAX 256
/* Go's fmt gives up on widths and precisions above this. */
#define FMT_NUMBER_MAX  1000000
#define ERROR_QUOTE_MAX 64

void tpl_buf_add(struct buf *b, const void *s, size_t n)
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

void tpl_buf_adds(struct buf *b, const char *s)
{
        tpl_buf_add(b, s, strlen(s));
}

void tpl_buf_addc(struct buf *b, char c)
{
        tpl_buf_add(b, &c, 1);
}

static void buf_fill(struct buf *b, char c, size_t n)
{
        while (n-- > 0 && b->failure == NULL)
                tpl_buf_addc(b, c);
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
        tpl_buf_add(b, s, (size_t)n);
}

/* Frees a scratch buffer, keeping its failure. */
static void buf_drop(struct buf *b, struct buf *scratch)
{
        if (scratch->failure != NULL && b->failure == NULL)
                b->failure = scratch->failure;
        free(scratch->data);
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

void tpl_buf_add_rune(struct buf *b, uint32_t r)
{
        char s[4];

        if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff))
                r = 0xfffd;
        if (r < 0x80) {
                tpl_buf_addc(b, (char)r);
        } else if (r < 0x800) {
                s[0] = (char)(0xc0 | r >> 6), s[1] = (char)(0x80 | (r & 0x3f));
                tpl_buf_add(b, s, 2);
        } else if (r < 0x10000) {
                s[0] = (char)(0xe0 | r >> 12), s[1] = (char)(0x80 | (r >> 6 & 0x3f)), s[2] = (char)(0x80 | (r & 0x3f));
                tpl_buf_add(b, s, 3);
        } else {
                s[0] = (char)(0xf0 | r >> 18), s[1] = (char)(0x80 | (r >> 12 & 0x3f));
                s[2] = (char)(0x80 | (r >> 6 & 0x3f)), s[3] = (char)(0x80 | (r & 0x3f));
                tpl_buf_add(b, s, 4);
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

        tpl_buf_addc(b, quote);
        for (size_t i = 0; i < n && b->failure == NULL;) {
                uint32_t r = 0;
                size_t len = utf8_decode(s + i, n - i, &r), k;

                if (len == 0) {
                        buf_printf(b, "\\x%02x", (unsigned char)s[i++]);
                        continue;
                }
                if (r == (uint32_t)quote || r == '\\') {
                        tpl_buf_addc(b, '\\');
                        tpl_buf_addc(b, (char)r);
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
                        tpl_buf_add(b, s + i, len);
                }
                i += len;
        }
        tpl_buf_addc(b, quote);
}

char *tpl_buf_take(struct buf *b)
{
        return b->data != NULL ? b->data : xstrdup("");
}

/* The start of s for an error message: escaped, so that the message stays on one line. */
char *tpl_quote_for_error(const char *s, size_t n)
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
                tpl_buf_adds(&b, "...");
        return tpl_buf_take(&b);
}

struct json_object *tpl_json_checked(struct json_object *o)
{
        if (o == NULL)
                abort();
        return o;
}

const char *tpl_go_type(struct json_object *o)
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
const char **tpl_object_sorted_keys(struct json_object *o, size_t *ret_n)
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
                tpl_buf_adds(b, isnan(d) ? "NaN" : d > 0 ? "+Inf" : "-Inf");
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
                tpl_buf_addc(b, '-');
        if (json ? d != 0 && (fabs(d) < 1e-6 || fabs(d) >= 1e21) : exp < -4 || exp >= 6) {
                tpl_buf_addc(b, digits[0]);
                if (p > 1)
                        buf_printf(b, ".%s", digits + 1);
                if (json && exp < 0)
                        buf_printf(b, "e-%d", -exp);
                else
                        buf_printf(b, "e%c%02d", exp < 0 ? '-' : '+', abs(exp));
        } else if (exp < 0) {
                tpl_buf_adds(b, "0.");
                buf_fill(b, '0', (size_t)(-exp - 1));
                tpl_buf_adds(b, digits);
        } else if (exp + 1 >= p) {
                tpl_buf_adds(b, digits);
                buf_fill(b, '0', (size_t)(exp + 1 - p));
        } else {
                tpl_buf_add(b, digits, (size_t)exp + 1);
                buf_printf(b, ".%s", digits + exp + 1);
        }
}

/* Go's encoding/json of a string with SetEscapeHTML(false): invalid UTF-8 becomes \ufffd. */
static void json_marshal_string(struct buf *b, const char *s, size_t n)
{
        tpl_buf_addc(b, '"');
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
                        tpl_buf_adds(b, "\\ufffd");
                else if (r == 0x2028 || r == 0x2029)
                        buf_printf(b, "\\u%04x", r);
                else
                        tpl_buf_add(b, s + i, len);
                i += len ? len : 1;
        }
        tpl_buf_addc(b, '"');
}

static void json_marshal(struct buf *b, struct json_object *o, int depth)
{
        if (depth > TEMPLATE_VALUE_DEPTH_MAX) {
                b->failure = "value nested too deeply";
                return;
        }
        switch (json_object_get_type(o)) {
        case json_type_null:
                tpl_buf_adds(b, "null");
                break;
        case json_type_boolean:
                tpl_buf_adds(b, json_object_get_boolean(o) ? "true" : "false");
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
                tpl_buf_addc(b, '[');
                for (size_t i = 0; i < json_object_array_length(o) && b->failure == NULL; i++) {
                        if (i > 0)
                                tpl_buf_addc(b, ',');
                        json_marshal(b, json_object_array_get_idx(o, i), depth + 1);
                }
                tpl_buf_addc(b, ']');
                break;
        case json_type_object: {
                size_t n;
                _cleanup_free_ const char **keys = tpl_object_sorted_keys(o, &n);

                tpl_buf_addc(b, '{');
                for (size_t i = 0; i < n && b->failure == NULL; i++) {
                        if (i > 0)
                                tpl_buf_addc(b, ',');
                        json_marshal_string(b, keys[i], strlen(keys[i]));
                        tpl_buf_addc(b, ':');
                        json_marshal(b, json_object_object_get(o, keys[i]), depth + 1);
                }
                tpl_buf_addc(b, '}');
                break;
        }
        }
}

void tpl_json_marshal(struct buf *b, struct json_object *o)
{
        json_marshal(b, o, 0);
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
                tpl_buf_add(b, s, n);
                buf_fill(b, ' ', pad);
                return;
        }
        if (sp->zero && number) {
                if (n > 0 && (s[0] == '-' || s[0] == '+' || s[0] == ' ')) {
                        tpl_buf_addc(b, s[0]);
                        s++, n--;
                }
                buf_fill(b, '0', pad);
        } else {
                buf_fill(b, ' ', pad);
        }
        tpl_buf_add(b, s, n);
}

static void fmt_value(struct buf *b, struct json_object *o, const struct spec *sp, int depth);

/* fmt's %!d(string=abc) for a verb that does not apply to the value. */
static void fmt_bad_verb(struct buf *b, struct json_object *o, const char *s, size_t n, const struct spec *sp)
{
        struct spec v = *sp;

        v.verb = 'v';
        tpl_buf_adds(b, "%!");
        tpl_buf_add_rune(b, sp->verb);
        buf_printf(b, "(%s=", o != NULL ? tpl_go_type(o) : "string");
        if (o != NULL)
                fmt_value(b, o, &v, 0);
        else
                buf_add_padded(b, s, n, &v, false);
        tpl_buf_addc(b, ')');
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

                tpl_buf_add_rune(&utf8, r < 0 || r > 0x10ffff ? 0xfffd : (uint32_t)r);
                if (v == 'c')
                        tpl_buf_add(&s, utf8.data, utf8.len);
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
                        tpl_buf_adds(&s, signbit(d) ? "" : sign);
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
                tpl_buf_addc(b, '[');
                for (size_t i = 0; i < json_object_array_length(o) && b->failure == NULL; i++) {
                        if (i > 0)
                                tpl_buf_addc(b, ' ');
                        fmt_value(b, json_object_array_get_idx(o, i), sp, depth + 1);
                }
                tpl_buf_addc(b, ']');
                break;
        case json_type_object: {
                size_t n;
                _cleanup_free_ const char **keys = tpl_object_sorted_keys(o, &n);

                tpl_buf_adds(b, "map[");
                for (size_t i = 0; i < n && b->failure == NULL; i++) {
                        if (i > 0)
                                tpl_buf_addc(b, ' ');
                        fmt_string(b, keys[i], strlen(keys[i]), sp);
                        tpl_buf_addc(b, ':');
                        fmt_value(b, json_object_object_get(o, keys[i]), sp, depth + 1);
                }
                tpl_buf_addc(b, ']');
                break;
        }
        }
}

void tpl_print_value(struct buf *b, struct json_object *o)
{
        fmt_value(b, o, &spec_v, 0);
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
                tpl_buf_adds(b, "%!");
                tpl_buf_add_rune(b, sp->verb);
                tpl_buf_adds(b, "(<nil>)");
        } else if (sp->verb == 'T') {
                buf_add_padded(b, tpl_go_type(v->obj), strlen(tpl_go_type(v->obj)), sp, false);
        } else {
                fmt_value(b, v->obj, sp, 0);
        }
}

/* fmt.Sprintf, with its inline complaints: %!d(string=x), %!s(MISSING), %!(EXTRA int=1), %!(NOVERB). */
void tpl_sprintf(struct buf *b, const char *f, size_t n, const struct value *args, size_t n_args)
{
        size_t arg = 0;

        for (size_t i = 0; i < n && b->failure == NULL;) {
                struct spec sp = {.width = -1, .prec = -1};
                size_t literal = i, len;

                while (i < n && f[i] != '%')
                        i++;
                tpl_buf_add(b, f + literal, i - literal);
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
                        tpl_buf_adds(b, "%!(NOVERB)");
                        break;
                }
                len = utf8_decode(f + i, n - i, &sp.verb);
                if (len == 0)
                        sp.verb = 0xfffd, len = 1;
                i += len;
                if (sp.verb == '%')
                        tpl_buf_addc(b, '%');
                if (sp.verb != '%' && arg >= n_args) {
                        tpl_buf_adds(b, "%!");
                        tpl_buf_add_rune(b, sp.verb);
                        tpl_buf_adds(b, "(MISSING)");
                } else if (sp.verb != '%') {
                        fmt_arg(b, &args[arg++], &sp);
                }
        }
        if (arg < n_args) {
                tpl_buf_adds(b, "%!(EXTRA ");
                for (size_t i = arg; i < n_args; i++) {
                        if (i > arg)
                                tpl_buf_adds(b, ", ");
                        if (args[i].missing || args[i].obj == NULL) {
                                tpl_buf_adds(b, "<nil>");
                        } else {
                                buf_printf(b, "%s=", tpl_go_type(args[i].obj));
                                fmt_value(b, args[i].obj, &spec_v, 0);
                        }
                }
                tpl_buf_addc(b, ')');
        }
}
