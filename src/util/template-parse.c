/* The input side of util/template: the lexer of actions and the recursive-descent parser that turns a format into the
 * tree template.c evaluates, checking all it can (variables in scope, function names and argument counts) before any
 * value is seen; and the freeing of that tree. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/template-internal.h"

#define TEMPLATE_DEPTH_MAX 32

bool tpl_is_space(char c)
{
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Go's identifier letters, with any non-ASCII byte taken for part of a Unicode letter. */
bool tpl_is_alnum(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
               (unsigned char)c >= 0x80;
}

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
        tpl_failv(p->err, p->quoted, fmt, ap);
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
        return c == '\0' || tpl_is_space(c) || strchr(".,|:()", c) != NULL || has_prefix_at(p, p->pos, "}}");
}

/* Reads the next token of an action. */
static int lex(struct parser *p, struct token *t)
{
        const char *s = p->s;
        char c;

        *t = (struct token){0};
        for (; p->pos < p->len && tpl_is_space(s[p->pos]); p->pos++) {
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
                while (p->pos < p->len && (tpl_is_alnum(s[p->pos]) || s[p->pos] == '.' ||
                                           ((s[p->pos] == '+' || s[p->pos] == '-') && strchr("eE", s[p->pos - 1]))))
                        p->pos++;
                t->kind = T_NUMBER;
        } else if (c == '.' || c == '$' || tpl_is_alnum(c)) {
                while (p->pos < p->len && tpl_is_alnum(s[p->pos]))
                        p->pos++;
                t->kind = c == '$' ? T_VARIABLE : c != '.' ? T_IDENT : p->s + p->pos == t->text + 1 ? T_DOT : T_FIELD;
                if (!at_terminator(p)) {
                        _cleanup_free_ char *q = tpl_quote_for_error(s + p->pos, 1);
                        return parse_fail(p, "bad character %s in action", q);
                }
        } else {
                _cleanup_free_ char *q = tpl_quote_for_error(t->text, 1);
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
                                tpl_buf_addc(&b, c);
                        continue;
                }
                c = i < n ? s[i++] : '\0';
                if (c != '\0' && strchr("abfnrtv\\\"", c) != NULL) {
                        tpl_buf_addc(&b, "\a\b\f\n\r\t\v\\\""[strchr("abfnrtv\\\"", c) - "abfnrtv\\\""]);
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
                        tpl_buf_addc(&b, (char)r);
                else
                        tpl_buf_add_rune(&b, r);
        }
        *ret = tpl_json_checked(json_object_new_string_len(b.data != NULL ? b.data : "", (int)b.len));
        free(b.data);
        return 0;
}

/* Go's number constants, less the rarer forms (0b, 0o, _, imaginary): an integer, or a float if it has . e E. */
static int parse_number(struct parser *p, const struct token *t, struct json_object **ret)
{
        _cleanup_free_ char *text = xstrndup(t->text, t->len), *q = tpl_quote_for_error(t->text, t->len);
        const char *digits = text + (text[0] == '+' || text[0] == '-');
        char *end = NULL;

        errno = 0;
        if (strpbrk(text, "xX") == NULL && strpbrk(text, ".eE") != NULL &&
            (digits[0] == '.' || (digits[0] >= '0' && digits[0] <= '9'))) {
                double d = strtod(text, &end);
                if (*end == '\0' && errno == 0)
                        *ret = tpl_json_checked(json_object_new_double(d));
        } else if (digits[0] >= '0' && digits[0] <= '9') {
                long long v = strtoll(text, &end, 0);
                if (*end == '\0' && errno == ERANGE)
                        return parse_fail(p, "%s overflows int", q);
                if (*end == '\0' && errno == 0)
                        *ret = tpl_json_checked(json_object_new_int64(v));
        }
        if (end == NULL || *end != '\0' || errno != 0)
                return parse_fail(p, "bad number syntax: %s", q);
        return 0;
}

static int parse_pipe(struct parser *p, struct pipe *pipe, bool in_paren, size_t max_decl);

/* One operand: a term, and the .Field chain written right after it. */
static int parse_operand(struct parser *p, struct arg *a, const struct token *t)
{
        _cleanup_free_ char *q = tpl_quote_for_error(t->text, t->len);

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
                        a->constant = tpl_json_checked(json_object_new_boolean(token_is(t, "true")));
                        break;
                }
                if (token_is(t, "nil")) {
                        a->kind = ARG_NIL;
                        break;
                }
                for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
                        if (token_is(t, keywords[i]))
                                return parse_fail(p, "unexpected {{%s}} in operand", keywords[i]);
                a->function = tpl_function_find(t->text, t->len);
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
                q = tpl_quote_for_error(t.text, t.len);
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

                tpl_buf_addc(&b, escape ? (p->s[++i] == 't' ? '\t' : '\n') : p->s[i]);
        }
        while (p->trim_next && from < b.len && tpl_is_space(b.data[from]))
                from++;
        while (trim_right && b.len > from && tpl_is_space(b.data[b.len - 1]))
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
                        _cleanup_free_ char *q = tpl_quote_for_error(t.text, t.len);
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
                bool trim =
                    open != NULL && has_prefix_at(p, at + 2, "-") && at + 3 < p->len && tpl_is_space(p->s[at + 3]);
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
                        p->trim_next =
                            p->pos < p->len && tpl_is_space(p->s[p->pos]) && has_prefix_at(p, p->pos + 1, "-}}");
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

int tpl_parse(const char *format, size_t len, const char *quoted, struct list *root, burrow_error **err)
{
        struct parser p = {.s = format, .len = len, .quoted = quoted, .err = err};
        enum terminator term;
        int r;

        r = parse_list(&p, root, &term);
        if (r == 0 && term != TERM_EOF)
                r = parse_fail(&p, term == TERM_END ? "unexpected {{end}}" : "unexpected {{else}}");
        free(p.vars);
        return r;
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

void tpl_list_clear(struct list *list)
{
        for (size_t i = 0; i < list->n; i++) {
                free(list->nodes[i].text);
                pipe_free(list->nodes[i].pipe);
                tpl_list_clear(&list->nodes[i].body);
                tpl_list_clear(&list->nodes[i].alt);
        }
        free(list->nodes);
}
