/* Go text/template strings for --format (ps, inspect, images), as podman and docker accept them, evaluated against
 * json-c values.
 *
 * The subset: literal text; actions {{...}} with the {{- and -}} trim markers, and comments (a slash-star comment
 * right inside the braces); pipelines of commands joined by "|", each passing its value as the last argument of the
 * next; the operands . .Field.Sub (map lookup by exact key; a missing key gives "<no value>"), $ and $var.Field,
 * (pipeline).Field, "strings" with Go's escapes, `raw strings`, integers, floats, true, false and nil; the functions
 * index, join, json, len, lower, printf (verbs v s d q t c T e f g and flags - + 0 space, width, precision), title
 * and upper; {{if}} / {{else if}} / {{else}} / {{end}}, {{with}}, {{range}} with {{else}} and $e := or $i, $e :=,
 * and {{$x := pipeline}}.
 *
 * Values print as Go prints what encoding/json decodes into interface{}, except that JSON integers stay integers:
 * strings as is, 1e+06 for a float of a million, true/false, "<no value>" for null or a missing key, [a b c] for
 * arrays and map[k1:v1 k2:v2] (keys sorted) for objects. json is encoding/json without HTML escaping, as podman's
 * and docker's json function. lower, upper and title change ASCII letters only.
 *
 * Unlike Go, the two-character sequences \t and \n in the literal text (outside actions) become a tab and a newline,
 * as podman's CLI does before parsing; inside actions, string literals have Go's own escapes.
 *
 * The format is at most 64 KiB, control structures and parentheses nest at most 32 deep, and the output is at most
 * 16 MiB; beyond these, and for anything it cannot parse or evaluate, the error is one line:
 * invalid format "<the first 64 bytes, escaped>": <why>. */
#pragma once

#include <stdbool.h>

#include <json-c/json.h>

#include "util/error.h"

typedef struct template template;

/* Renders `format` against `obj` (NULL is JSON null) as Go's text/template would for this subset; *ret is malloc'ed. */
int template_render(const char *format, struct json_object *obj, char **ret, burrow_error **err);
/* Parses once, so that ps can render one line per container. */
int template_parse(const char *format, template **ret, burrow_error **err);
/* Renders a parsed template; the template is not changed, and obj is only read. */
int template_execute(const template *t, struct json_object *obj, char **ret, burrow_error **err);
/* Frees a parsed template; accepts NULL. */
void template_free(template *t);
/* True when the format is podman's "table" keyword alone or followed by whitespace: the caller prints a header row,
 * and what follows "table " is the row template. */
bool template_is_table(const char *format);
