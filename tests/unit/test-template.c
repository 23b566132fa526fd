/* --format templates (util/template.h): Go's text/template over json-c values, with the output Go would give. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/template.h"
#include "unit.h"

/* A container as ps and inspect show it, with every JSON type. */
static const char *const container_json =
    "{\"Id\":\"4c3f2e1d\",\"Names\":[\"web\",\"frontend\"],\"Image\":\"docker.io/library/nginx:latest\","
    "\"Pid\":4242,\"Running\":true,\"Paused\":false,\"ExitCode\":0,\"Size\":1000000.0,\"Ratio\":1.5,"
    "\"Tiny\":0.00001,\"Big\":123456789.0,\"Zero\":0.0,\"Empty\":\"\",\"None\":[],\"NoMap\":{},\"Null\":null,"
    "\"Labels\":{\"tier\":\"web\",\"app\":\"shop\",\"com.example/team\":\"blue\"},"
    "\"Ports\":[{\"host\":8080,\"container\":80},{\"host\":8443,\"container\":443}],"
    "\"State\":{\"Status\":\"running\",\"Health\":{\"Status\":\"healthy\"}},\"Mixed\":[1,\"two\",null,2.5,true],"
    "\"Html\":\"<a href=\\\"x\\\">&amp;</a>\",\"Ctl\":\"tab\\there\\nline\\u0001\\u2028\"}";

static struct json_object *container(void)
{
        struct json_object *o = json_tokener_parse(container_json);

        if (o == NULL)
                abort();
        return o;
}

static void check_render_obj(const char *format, struct json_object *obj, const char *want)
{
        burrow_error *err = NULL;
        char *out = NULL;

        CHECK_OK(template_render(format, obj, &out, &err), &err);
        if (out == NULL || strcmp(out, want) != 0)
                printf("#   with format %s:\n", format);
        CHECK_STREQ(out, want);
        free(out);
}

static void check_render(const char *format, const char *want)
{
        struct json_object *obj = container();

        check_render_obj(format, obj, want);
        json_object_put(obj);
}

/* Rendering fails with an error containing `want`, on one line, and leaves *ret alone. */
static void check_fails(const char *format, const char *want)
{
        struct json_object *obj = container();
        burrow_error *err = NULL;
        char *out = NULL;

        if (template_render(format, obj, &out, &err) == 0)
                printf("#   with format %s:\n", format);
        else
                CHECK(err != NULL && strchr(err->msg, '\n') == NULL && strncmp(err->msg, "invalid format \"", 16) == 0);
        CHECK(out == NULL);
        CHECK_ERROR(template_render(format, obj, &out, &err), &err, want);
        json_object_put(obj);
}

static void fields_look_up_map_keys(void)
{
        check_render("{{.Id}}", "4c3f2e1d");
        check_render("id={{.Id}} image={{.Image}}", "id=4c3f2e1d image=docker.io/library/nginx:latest");
        check_render("{{.State.Status}}/{{.State.Health.Status}}", "running/healthy");
        check_render("{{ .State.Status }}", "running");
        check_render("{{.Labels.tier}}", "web");
        check_render("no actions at all", "no actions at all");
        check_render("", "");
}

static void missing_keys_and_null_print_no_value(void)
{
        check_render("{{.Nope}}", "<no value>");
        check_render("{{.Nope.Deeper.Still}}", "<no value>");
        check_render("{{.State.Nope}}", "<no value>");
        check_render("{{.Null}}", "<no value>");
        /* Keys are exact: Go's maps do not fold case. */
        check_render("{{.id}}", "<no value>");
        check_render_obj("{{.}}|{{.X}}|{{json .}}", NULL, "<no value>|<no value>|null");
}

static void scalars_print_as_go(void)
{
        check_render("{{.Pid}} {{.ExitCode}} {{.Running}} {{.Paused}} {{.Empty}}|", "4242 0 true false |");
        check_render("{{.Ratio}} {{.Size}} {{.Tiny}} {{.Big}} {{.Zero}}", "1.5 1e+06 1e-05 1.23456789e+08 0");
        check_render("{{123456.0}} {{0.0001}} {{0.1}} {{-2.5}} {{1e21}} {{100000000000000000000.0}}",
                     "123456 0.0001 0.1 -2.5 1e+21 1e+20");
        check_render("{{-0.0}} {{3.0}} {{0.30000000000000004}}", "-0 3 0.30000000000000004");
}

static void lists_and_maps_print_as_go(void)
{
        check_render("{{.Names}}", "[web frontend]");
        check_render("{{.None}} {{.NoMap}}", "[] map[]");
        /* Keys sorted; null inside a list is Go's <nil>. */
        check_render("{{.Labels}}", "map[app:shop com.example/team:blue tier:web]");
        check_render("{{.Mixed}}", "[1 two <nil> 2.5 true]");
        check_render("{{.Ports}}", "[map[container:80 host:8080] map[container:443 host:8443]]");
        check_render("{{.State}}", "map[Health:map[Status:healthy] Status:running]");
}

static void json_is_compact_as_podman(void)
{
        check_render("{{json .Names}}", "[\"web\",\"frontend\"]");
        check_render("{{json .Labels}}", "{\"app\":\"shop\",\"com.example/team\":\"blue\",\"tier\":\"web\"}");
        check_render("{{json .Mixed}} {{json .Null}} {{json .Nope}}", "[1,\"two\",null,2.5,true] null null");
        check_render("{{json .Size}} {{json .Tiny}} {{json .Big}} {{json 1e21}} {{json 0.0000001}}",
                     "1000000 0.00001 123456789 1e+21 1e-7");
        /* podman's and docker's json does not escape HTML; Go escapes control characters and U+2028. */
        check_render("{{json .Html}}", "\"<a href=\\\"x\\\">&amp;</a>\"");
        check_render("{{json .Ctl}}", "\"tab\\there\\nline\\u0001\\u2028\"");
        check_render("{{json \"\\xff\"}}", "\"\\ufffd\"");
        check_render("{{json .State}}", "{\"Health\":{\"Status\":\"healthy\"},\"Status\":\"running\"}");
        check_render("{{.State | json}}", "{\"Health\":{\"Status\":\"healthy\"},\"Status\":\"running\"}");
}

static void json_refuses_nan(void)
{
        struct json_object *obj = json_object_new_object();
        burrow_error *err = NULL;
        char *out = NULL;

        json_object_object_add(obj, "X", json_object_new_double(NAN));
        CHECK_ERROR(template_render("{{json .X}}", obj, &out, &err), &err,
                    "error calling json: json: unsupported value: NaN");
        check_render_obj("{{.X}} {{printf \"%5.2f\" .X}}", obj, "NaN   NaN");
        json_object_put(obj);
}

static void index_looks_up_maps_lists_and_strings(void)
{
        check_render("{{index .Labels \"com.example/team\"}}", "blue");
        check_render("{{index .Names 1}} {{index .Names 0}}", "frontend web");
        check_render("{{index .Ports 1 \"host\"}}", "8443");
        check_render("{{index .Labels \"nope\"}}", "<no value>");
        check_render("{{index .Id 0}}", "52");
        check_render("{{index .Names}}", "[web frontend]");
        check_render("{{(index .Ports 0).container}}", "80");
}

static void join_joins_string_lists(void)
{
        check_render("{{join .Names \",\"}}", "web,frontend");
        check_render("{{join .None \",\"}}", "");
        check_render("{{join .Names \"\"}}", "webfrontend");
}

static void case_functions_change_ascii_letters(void)
{
        check_render("{{upper .State.Status}} {{lower \"MiXeD\"}}", "RUNNING mixed");
        check_render("{{title \"hello wide-world foo_bar 3d\"}}", "Hello Wide-World Foo_bar 3d");
        check_render("{{upper \"é-x\"}}", "é-X");
}

static void len_counts_bytes_elements_and_keys(void)
{
        check_render("{{len .Names}} {{len .Labels}} {{len .Id}} {{len .None}} {{len \"é\"}}", "2 3 8 0 2");
}

static void printf_formats_as_fmt(void)
{
        check_render("{{printf \"%s %d %v %q\" .Id .Pid .Ratio .Id}}", "4c3f2e1d 4242 1.5 \"4c3f2e1d\"");
        check_render("{{printf \"%-12s|%12s|\" .State.Status .State.Status}}", "running     |     running|");
        check_render("{{printf \"%05d|%-5d|%+d|% d|%x\" .Pid 7 7 7 7}}", "04242|7    |+7| 7|%!x(int=7)");
        check_render("{{printf \"%.3s|%5.1f|%e|%g|%.2v\" .Image .Ratio .Ratio .Big .Ratio}}",
                     "doc|  1.5|1.500000e+00|1.23456789e+08|1.5");
        check_render("{{printf \"%v|%s|%d\" .Names .Names .Mixed}}",
                     "[web frontend]|[web frontend]|[1 %!d(string=two) <nil> %!d(float64=2.5) %!d(bool=true)]");
        check_render("{{printf \"%v %s\" .Labels.app .Labels}}", "shop map[app:shop com.example/team:blue tier:web]");
        check_render("{{printf \"%t %v %T %T\" .Running .Null .Pid .Labels}}",
                     "true <nil> int map[string]interface {}");
        check_render("{{printf \"%c%c %q\" 72 105 65}}", "Hi 'A'");
        check_render("{{printf \"%q\" \"a\\\"b\\n\\x01é\"}}", "\"a\\\"b\\n\\x01é\"");
        check_render("{{printf \"100%%\"}}", "100%");
        check_render("{{printf \"%d %s\" 1}}", "1 %!s(MISSING)");
        check_render("{{printf \"%d\" 1 \"x\" .Null}}", "1%!(EXTRA string=x, <nil>)");
        check_render("{{printf \"%s|%d\" .Null .Pid}}", "%!s(<nil>)|4242");
        check_render("{{printf \"%s\" .Pid}}", "%!s(int=4242)");
        check_render("{{printf \"tail %\"}}", "tail %!(NOVERB)");
        check_render("{{printf \"%6s|%-4s|\" \"é\" \"ab\"}}", "     é|ab  |");
        check_render("{{printf \"%9999999d\" 1}}", "%!(NOVERB)%!(EXTRA int=1)");
        check_render("{{printf \"%s-%s\" .Id .Image | upper}}", "4C3F2E1D-DOCKER.IO/LIBRARY/NGINX:LATEST");
}

static void pipes_pass_the_value_last(void)
{
        check_render("{{.State.Status | upper}}", "RUNNING");
        check_render("{{join .Names \"+\" | upper | printf \"<%s>\"}}", "<WEB+FRONTEND>");
        check_render("{{.Names|json}}", "[\"web\",\"frontend\"]");
        check_render("{{.Id | printf \"%s=%s\" \"id\"}}", "id=4c3f2e1d");
        check_render("{{(.State).Health.Status}}", "healthy");
        check_render("{{len (index .Ports 0)}}", "2");
}

static void constants_use_go_syntax(void)
{
        check_render("{{\"tab\\there\"}}|{{`raw\\t`}}|{{\"\\u00e9\\x41\\101\\U0001F600\\\\\\\"\"}}",
                     "tab\there|raw\\t|éAA\xf0\x9f\x98\x80\\\"");
        check_render("{{\"}}\"}}", "}}");
        check_render("{{3}} {{-2}} {{+4}} {{0x10}} {{017}} {{1e3}} {{.5}} {{true}} {{false}}",
                     "3 -2 4 16 15 1000 0.5 true false");
        check_render("{{printf \"%v\" nil}}", "<nil>");
}

static void range_iterates_lists_and_maps(void)
{
        check_render("{{range .Names}}{{.}} {{end}}", "web frontend ");
        check_render("{{range .Ports}}{{.host}}->{{.container}};{{end}}", "8080->80;8443->443;");
        check_render("{{range $i, $n := .Names}}{{$i}}={{$n}},{{end}}", "0=web,1=frontend,");
        check_render("{{range $n := .Names}}{{$n}}{{end}}", "webfrontend");
        /* Maps go in key order, as in Go. */
        check_render("{{range $k, $v := .Labels}}{{$k}}:{{$v}} {{end}}", "app:shop com.example/team:blue tier:web ");
        check_render("{{range .Labels}}{{.}},{{end}}", "shop,blue,web,");
        check_render("{{range .None}}x{{else}}none{{end}} {{range .Nope}}x{{else}}missing{{end}}", "none missing");
        check_render("{{range .Null}}x{{end}}|{{range .NoMap}}x{{end}}|", "||");
        check_render("{{range .Names}}{{$.Id}}/{{.}} {{end}}", "4c3f2e1d/web 4c3f2e1d/frontend ");
        check_render("{{range .Ports}}{{range $.Names}}{{.}}{{end}};{{end}}", "webfrontend;webfrontend;");
}

static void if_uses_go_truth(void)
{
        check_render("{{if .Running}}up{{else}}down{{end}}", "up");
        check_render("{{if .Paused}}a{{else if .Pid}}b{{else}}c{{end}}", "b");
        check_render("{{if .Paused}}a{{else if .ExitCode}}b{{else}}c{{end}}", "c");
        check_render("{{if .ExitCode}}1{{end}}{{if .Zero}}2{{end}}{{if .Empty}}3{{end}}{{if .None}}4{{end}}"
                     "{{if .NoMap}}5{{end}}{{if .Null}}6{{end}}{{if .Nope}}7{{end}}{{if false}}8{{end}}|",
                     "|");
        check_render("{{if .Pid}}1{{end}}{{if .Ratio}}2{{end}}{{if .Id}}3{{end}}{{if .Names}}4{{end}}"
                     "{{if .Labels}}5{{end}}{{if true}}6{{end}}",
                     "123456");
        check_render("{{if $s := .State.Status}}{{$s}}{{end}}", "running");
}

static void with_sets_dot(void)
{
        check_render("{{with .State.Health}}{{.Status}}{{end}}", "healthy");
        check_render("{{with .Nope}}x{{else}}no health{{end}}", "no health");
        check_render("{{with .Nope}}x{{else with .State}}{{.Status}}{{end}}", "running");
}

static void variables_hold_values(void)
{
        check_render("{{$id := .Id}}{{$s := upper .State.Status}}{{range .Names}}{{$id}}:{{.}}:{{$s}} {{end}}",
                     "4c3f2e1d:web:RUNNING 4c3f2e1d:frontend:RUNNING ");
        check_render("{{$.State.Status}} {{$}}", "running map[Big:1.23456789e+08 Ctl:tab\there\nline\x01\xe2\x80\xa8 "
                                                 "Empty: ExitCode:0 Html:<a href=\"x\">&amp;</a> Id:4c3f2e1d "
                                                 "Image:docker.io/library/nginx:latest Labels:map[app:shop "
                                                 "com.example/team:blue tier:web] Mixed:[1 two <nil> 2.5 true] "
                                                 "Names:[web frontend] NoMap:map[] None:[] Null:<nil> Paused:false "
                                                 "Pid:4242 Ports:[map[container:80 host:8080] map[container:443 "
                                                 "host:8443]] Ratio:1.5 Running:true Size:1e+06 State:map[Health:"
                                                 "map[Status:healthy] Status:running] Tiny:1e-05 Zero:0]");
}

static void trim_markers_remove_whitespace(void)
{
        check_render("a  \n {{- .Pid -}} \n\t b", "a4242b");
        check_render("a {{- .Pid}} b", "a4242 b");
        check_render("a {{.Pid -}} b", "a 4242b");
        /* Without the space it is a number, not a marker. */
        check_render("a {{-3}} b", "a -3 b");
        check_render("{{range .Names -}}\n  {{.}}\n{{- end}}", "webfrontend");
        check_render("x {{- /* note */ -}} y", "xy");
}

static void comments_print_nothing(void)
{
        check_render("a{{/* a comment with }} in it */}}b", "ab");
        check_render("{{/*\nmulti\nline\n*/}}ok", "ok");
}

static void backslash_t_and_n_in_text_become_tab_and_newline(void)
{
        check_render("{{.Id}}\\t{{.Pid}}\\n", "4c3f2e1d\t4242\n");
        check_render("a\\\\tb \\x", "a\\\tb \\x");
        /* Inside actions string literals keep Go's rules: a raw string is raw. */
        check_render("{{`a\\tb`}}", "a\\tb");
        /* A \t made by podman's rule is whitespace for the trim markers, as podman replaces before parsing. */
        check_render("x\\t {{- .Pid}}", "x4242");
}

static void parse_once_execute_many(void)
{
        burrow_error *err = NULL;
        template *t = NULL;
        char *out = NULL;
        struct json_object *a = json_tokener_parse("{\"Name\":\"a\",\"N\":1}");
        struct json_object *b = json_tokener_parse("{\"Name\":\"b\",\"L\":[1,2]}");

        CHECK_OK(template_parse("{{.Name}}:{{.N}}:{{len .L}}", &t, &err), &err);
        CHECK_ERROR(template_execute(t, a, &out, &err), &err, "error calling len: len of nil pointer");
        CHECK(out == NULL);
        template_free(t);

        CHECK_OK(template_parse("{{.Name | upper}}:{{.N}}", &t, &err), &err);
        CHECK_OK(template_execute(t, a, &out, &err), &err);
        CHECK_STREQ(out, "A:1");
        free(out);
        CHECK_OK(template_execute(t, b, &out, &err), &err);
        CHECK_STREQ(out, "B:<no value>");
        free(out);
        template_free(t);
        template_free(NULL);
        json_object_put(a);
        json_object_put(b);
}

static void table_keyword_is_detected(void)
{
        CHECK(template_is_table("table {{.ID}}\t{{.Names}}"));
        CHECK(template_is_table("table"));
        CHECK(template_is_table("table\t{{.ID}}"));
        CHECK(!template_is_table("{{.ID}} table"));
        CHECK(!template_is_table("tablefoo"));
        CHECK(!template_is_table(" table {{.ID}}"));
        CHECK(!template_is_table(""));
}

static void malformed_templates_fail(void)
{
        check_fails("{{.Id", "invalid format \"{{.Id\": unclosed action");
        check_fails("a {{", "unclosed action");
        check_fails("{{.Id}", "bad character \"}\" in action");
        check_fails("{{.Id}x}}", "bad character \"}\" in action");
        check_fails("{{nope .Id}}", "function \"nope\" not defined");
        check_fails("{{..Id}}", "unexpected . after term \".\"");
        check_fails("{{.Id..X}}", "unexpected \".\" in operand");
        check_fails("{{.Id.}}", "unexpected \".\" in operand");
        check_fails("{{\"abc}}", "unterminated quoted string");
        check_fails("{{\"a\nb\"}}", "unterminated quoted string");
        check_fails("{{`abc}}", "unterminated raw quoted string");
        check_fails("{{\"\\q\"}}", "invalid escape in string literal");
        check_fails("{{\"\\x4\"}}", "invalid escape in string literal");
        check_fails("{{'a'}}", "character constants are not supported");
        check_fails("{{end}}", "unexpected {{end}}");
        check_fails("{{else}}", "unexpected {{else}}");
        check_fails("{{range .Names}}x", "missing {{end}}");
        check_fails("{{if .Id}}x{{else}}y{{else}}z{{end}}", "expected {{end}}, found {{else}}");
        check_fails("{{range .Names}}{{else if .Id}}{{end}}", "unexpected \"if\" in {{else}}");
        check_fails("{{end .Id}}", "unexpected operand in {{end}}");
        check_fails("{{}}", "missing value for command");
        check_fails("{{.Id | }}", "missing value for command");
        check_fails("{{.Id | .Pid}}", "non executable command in pipeline stage 2");
        check_fails("{{.Id .Pid}}", "can't give argument to non-function");
        check_fails("{{nil}}", "nil is not a command");
        check_fails("{{upper}}", "wrong number of args for upper: want 1 got 0");
        check_fails("{{join .Names}}", "wrong number of args for join: want 2 got 1");
        check_fails("{{.Names | join \",\" \"x\"}}", "wrong number of args for join: want 2 got 3");
        check_fails("{{printf}}", "wrong number of args for printf: want at least 1 got 0");
        check_fails("{{printf \"%s\" upper}}", "wrong number of args for upper: want 1 got 0");
        check_fails("{{$x}}", "undefined variable \"$x\"");
        check_fails("{{range .Names}}{{$n := 1}}{{end}}{{$n}}", "undefined variable \"$n\"");
        check_fails("{{$x = 1}}", "assigning to variables is not supported");
        check_fails("{{(.Id}}", "unclosed left paren");
        check_fails("{{.Id)}}", "unexpected \")\" in operand");
        check_fails("{{\"a\"\"b\"}}", "unexpected \"\\\"b\\\"\" in operand");
        check_fails("{{.Id\"x\"}}", "bad character \"\\\"\" in action");
        check_fails("{{1.2.3}}", "bad number syntax: \"1.2.3\"");
        check_fails("{{0x}}", "bad number syntax");
        check_fails("{{-}}", "bad number syntax: \"-\"");
        check_fails("{{99999999999999999999}}", "overflows int");
        check_fails("{{/* open", "unclosed comment");
        check_fails("{{/* c */ .Id}}", "comment ends before closing delimiter");
        check_fails("{{define \"x\"}}{{end}}", "{{define}} is not supported");
        check_fails("{{printf \"%s\" if}}", "unexpected {{if}} in operand");
        check_fails("{{.Id#}}", "bad character \"#\" in action");
        check_fails("{{@}}", "unrecognized character in action: \"@\"");
        check_fails("{{.Id : 1}}", "expected :=");
        check_fails("{{.Id := 1}}", "unexpected \":=\" in operand");
        check_fails("{{upper.X}}", "unexpected . after term \"upper\"");
        check_fails("{{\"s\".X}}", "unexpected . after term");
}

static void evaluation_errors_fail(void)
{
        check_fails("{{index .Labels 1}}", "error calling index: value has type int; should be string");
        check_fails("{{index .Names \"a\"}}", "error calling index: cannot index slice/array with type string");
        check_fails("{{index .Names 2}}", "error calling index: index out of range: 2");
        check_fails("{{index .Names -1}}", "error calling index: index out of range: -1");
        check_fails("{{index .Pid 0}}", "error calling index: can't index item of type int");
        check_fails("{{index .Nope 0}}", "error calling index: index of untyped nil");
        check_fails("{{index .Mixed 2 0}}", "error calling index: index of nil pointer");
        check_fails("{{index .Names .Null}}", "cannot index slice/array with nil");
        check_fails("{{join .Pid \",\"}}", "error calling join: wrong type for value; expected []string; got int");
        check_fails("{{join .Mixed \",\"}}", "expected []string; got []interface {}");
        check_fails("{{join .Nope \",\"}}", "error calling join: invalid value; expected []string");
        check_fails("{{join .Names 1}}", "error calling join: wrong type for value; expected string; got int");
        check_fails("{{upper .Pid}}", "error calling upper: wrong type for value; expected string; got int");
        check_fails("{{lower .Nope}}", "error calling lower: invalid value; expected string");
        check_fails("{{printf .Pid}}", "error calling printf: wrong type for value; expected string; got int");
        check_fails("{{len .Pid}}", "error calling len: len of type int");
        check_fails("{{len .Null}}", "error calling len: len of nil pointer");
        check_fails("{{.Id.X}}", "can't evaluate field X in type string");
        check_fails("{{.Null.X}}", "nil pointer evaluating interface {}.X");
        check_fails("{{range .Pid}}{{end}}", "range can't iterate over a value of type int");
        check_fails("{{range .Names}}{{.X}}{{end}}", "can't evaluate field X in type string");
        /* Errors stop the whole rendering: nothing half-printed is returned. */
        check_fails("ok {{.Id}} {{upper .Pid}}", "expected string; got int");
}

static void errors_stay_on_one_line_and_quote_the_format(void)
{
        char *long_format = unit_repeat('x', 200);
        burrow_error *err = NULL;
        char *out = NULL;

        CHECK_ERROR(template_render("line1\n{{.A\t", NULL, &out, &err), &err,
                    "invalid format \"line1\\n{{.A\\t\": unclosed action");
        long_format[100] = '{';
        long_format[101] = '{';
        CHECK_ERROR(template_render(long_format, NULL, &out, &err), &err,
                    "invalid format \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"...: ");
        free(long_format);
        CHECK_ERROR(template_render("{{\"\xff\"", NULL, &out, &err), &err, "\"{{\\\"\\xff\\\"\"");
        CHECK(out == NULL);
}

static void limits_are_enforced(void)
{
        struct json_object *list = json_object_new_array();
        char *big = unit_repeat(' ', 64 * 1024 + 1), deep[32 * 12 + 64 * 12 + 64];
        burrow_error *err = NULL;
        char *out = NULL;
        size_t n = 0;

        CHECK_ERROR(template_render(big, NULL, &out, &err), &err, "longer than 65536 bytes");
        big[64 * 1024] = '\0';
        CHECK_OK(template_render(big, NULL, &out, &err), &err);
        CHECK(out != NULL && strlen(out) == 64 * 1024);
        free(out);
        out = NULL;
        free(big);

        /* 32 nested ifs are fine, 33 are not; the same for parentheses. */
        for (int i = 0; i < 32; i++)
                n += (size_t)sprintf(deep + n, "{{if 1}}");
        n += (size_t)sprintf(deep + n, "x");
        for (int i = 0; i < 32; i++)
                n += (size_t)sprintf(deep + n, "{{end}}");
        check_render_obj(deep, NULL, "x");
        n = 0;
        for (int i = 0; i < 33; i++)
                n += (size_t)sprintf(deep + n, "{{if 1}}");
        CHECK_ERROR(template_render(deep, NULL, &out, &err), &err, "nested too deeply (more than 32 levels)");
        n = (size_t)sprintf(deep, "{{len ");
        for (int i = 0; i < 33; i++)
                n += (size_t)sprintf(deep + n, "(");
        CHECK_ERROR(template_render(deep, NULL, &out, &err), &err, "nested too deeply");

        for (int i = 0; i < 100; i++)
                json_object_array_add(list, json_object_new_int(i));
        /* A hundred numbers padded to a million bytes each: over 16 MiB. */
        CHECK_ERROR(template_render("{{range .}}{{printf \"%999999d\" .}}{{end}}", list, &out, &err), &err,
                    "output longer than 16 MiB");
        /* Nested ranges that print nothing still stop: 100^4 passes. */
        CHECK_ERROR(template_render("{{range $}}{{range $}}{{range $}}{{range $}}{{end}}{{end}}{{end}}{{end}}", list,
                                    &out, &err),
                    &err, "too much work");
        /* A pipeline that doubles a string each step stops at the output limit. */
        {
                char chain[4096] = "{{\"\\\"\\\"\\\"\\\"\"";
                for (int i = 0; i < 40; i++)
                        strcat(chain, " | json");
                strcat(chain, "}}");
                CHECK_ERROR(template_render(chain, NULL, &out, &err), &err,
                            "error calling json: output longer than 16 MiB");
        }
        CHECK(out == NULL);
        json_object_put(list);
}

int main(void)
{
        RUN(fields_look_up_map_keys);
        RUN(missing_keys_and_null_print_no_value);
        RUN(scalars_print_as_go);
        RUN(lists_and_maps_print_as_go);
        RUN(json_is_compact_as_podman);
        RUN(json_refuses_nan);
        RUN(index_looks_up_maps_lists_and_strings);
        RUN(join_joins_string_lists);
        RUN(case_functions_change_ascii_letters);
        RUN(len_counts_bytes_elements_and_keys);
        RUN(printf_formats_as_fmt);
        RUN(pipes_pass_the_value_last);
        RUN(constants_use_go_syntax);
        RUN(range_iterates_lists_and_maps);
        RUN(if_uses_go_truth);
        RUN(with_sets_dot);
        RUN(variables_hold_values);
        RUN(trim_markers_remove_whitespace);
        RUN(comments_print_nothing);
        RUN(backslash_t_and_n_in_text_become_tab_and_newline);
        RUN(parse_once_execute_many);
        RUN(table_keyword_is_detected);
        RUN(malformed_templates_fail);
        RUN(evaluation_errors_fail);
        RUN(errors_stay_on_one_line_and_quote_the_format);
        RUN(limits_are_enforced);
        return unit_finish();
}
