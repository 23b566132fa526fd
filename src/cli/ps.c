/* `burrow ps`: the containers, as podman ps shows them. */
#include <getopt.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/containers.h"
#include "container/inspect.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/template.h"

#define MAX_FILTERS 32

enum filter_key { FILTER_NAME, FILTER_ID, FILTER_STATUS, FILTER_LABEL, FILTER_ANCESTOR };

static const char *const filter_keys[] = {"name", "id", "status", "label", "ancestor"};

struct filter {
        enum filter_key key;
        char *value;
        regex_t re; /* name= */
};

struct ps_options {
        bool all, quiet, no_trunc, latest;
        long last;
        const char *format;
        struct filter filters[MAX_FILTERS];
        size_t n_filters;
};

static void ps_usage(void)
{
        printf("Usage: burrow ps [OPTIONS]\n"
               "\n"
               "List the running containers (all of them with -a).\n"
               "\n"
               "Options:\n"
               "  -a, --all                 every container, not only the running ones\n"
               "  -q, --quiet               only the ids\n"
               "      --no-trunc            full ids and commands\n"
               "  -f, --filter KEY=VALUE    name=REGEX, id=PREFIX, status=created|running|exited, label=KEY[=VALUE],\n"
               "                            ancestor=IMAGE; the same key again widens, another key narrows\n"
               "      --format FORMAT       table (the default), json, or a Go template such as '{{.ID}} {{.Names}}'\n"
               "  -l, --latest              only the container created last\n"
               "  -n, --last N              only the N containers created last\n"
               "      --help                this text\n");
}

static int parse_filter(struct ps_options *o, const char *arg, burrow_error **err)
{
        const char *eq = strchr(arg, '=');
        struct filter f = {0};
        size_t klen;
        size_t k;

        if (o->n_filters == MAX_FILTERS)
                return error_make(err, 0, "--filter: at most %d filters", MAX_FILTERS);
        if (eq == NULL || eq == arg)
                return error_make(err, 0, "invalid --filter \"%.64s\": expected KEY=VALUE", arg);
        klen = (size_t)(eq - arg);
        for (k = 0; k < sizeof(filter_keys) / sizeof(filter_keys[0]); k++)
                if (strlen(filter_keys[k]) == klen && strncmp(arg, filter_keys[k], klen) == 0)
                        break;
        if (k == sizeof(filter_keys) / sizeof(filter_keys[0]))
                return error_make(err, 0,
                                  "invalid --filter \"%.64s\": unknown key (expected name, id, status, label or "
                                  "ancestor)",
                                  arg);
        f.key = (enum filter_key)k;
        f.value = xstrdup(eq + 1);
        if (f.key == FILTER_STATUS && strcmp(f.value, "created") != 0 && strcmp(f.value, "running") != 0 &&
            strcmp(f.value, "exited") != 0 && strcmp(f.value, "stopping") != 0) {
                free(f.value);
                return error_make(
                    err, 0, "invalid --filter \"%.64s\": status is one of created, running, exited, stopping", arg);
        }
        if (f.key == FILTER_NAME && regcomp(&f.re, f.value, REG_EXTENDED | REG_NOSUB) != 0) {
                free(f.value);
                return error_make(err, 0, "invalid --filter \"%.64s\": not a regular expression", arg);
        }
        o->filters[o->n_filters++] = f;
        return 0;
}

static void clear_filters(struct ps_options *o)
{
        for (size_t i = 0; i < o->n_filters; i++) {
                if (o->filters[i].key == FILTER_NAME)
                        regfree(&o->filters[i].re);
                free(o->filters[i].value);
        }
        o->n_filters = 0;
}

static bool label_matches(const struct ctr_record *rec, const char *want)
{
        struct json_object *config, *labels, *v;
        const char *eq = strchr(want, '=');
        _cleanup_free_ char *key = eq ? xstrndup(want, (size_t)(eq - want)) : xstrdup(want);

        if (rec->inspect == NULL || !json_object_object_get_ex(rec->inspect, "Config", &config) ||
            !json_object_object_get_ex(config, "Labels", &labels) || !json_object_object_get_ex(labels, key, &v))
                return false;
        return eq == NULL || strcmp(json_object_get_string(v), eq + 1) == 0;
}

static bool filter_matches(const struct filter *f, const struct cli_container *c)
{
        switch (f->key) {
        case FILTER_NAME:
                return regexec(&f->re, c->rec.name, 0, NULL, 0) == 0;
        case FILTER_ID:
                return strncmp(c->id, f->value, strlen(f->value)) == 0;
        case FILTER_STATUS:
                return strcmp(ctr_status_name(c->state.status), f->value) == 0;
        case FILTER_LABEL:
                return label_matches(&c->rec, f->value);
        case FILTER_ANCESTOR:
                return (c->rec.image && strcmp(c->rec.image, f->value) == 0) ||
                       (c->rec.image_id && strncmp(c->rec.image_id, f->value, strlen(f->value)) == 0);
        }
        return false;
}

/* Filters with the same key OR together, different keys AND, as podman's. */
static bool wanted(const struct ps_options *o, const struct cli_container *c)
{
        for (size_t k = 0; k < sizeof(filter_keys) / sizeof(filter_keys[0]); k++) {
                bool any = false, match = false;
                for (size_t i = 0; i < o->n_filters; i++) {
                        if (o->filters[i].key != (enum filter_key)k)
                                continue;
                        any = true;
                        match |= filter_matches(&o->filters[i], c);
                }
                if (any && !match)
                        return false;
        }
        return true;
}

/* Without -a, ps lists the running containers; a status= filter alone widens that (podman's rule). */
static bool has_status_filter(const struct ps_options *o)
{
        for (size_t i = 0; i < o->n_filters; i++)
                if (o->filters[i].key == FILTER_STATUS)
                        return true;
        return false;
}

/* A `table` format's cells are separated by tabs: align them in columns as podman's tabwriter does (at least two
 * spaces between columns). lines is the rendered text, one row per line. */
static void print_aligned(const char *text)
{
        _cleanup_free_ char *copy = xstrdup(text);
        size_t width[64] = {0}, n_lines = 0;
        char *save = NULL;

        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n_lines++) {
                size_t col = 0;
                for (char *cell = line;; col++) {
                        char *tab = strchr(cell, '\t');
                        size_t len = tab ? (size_t)(tab - cell) : strlen(cell);
                        if (col < 64 && tab && len > width[col])
                                width[col] = len;
                        if (!tab)
                                break;
                        cell = tab + 1;
                }
        }
        free(copy);
        copy = xstrdup(text);
        save = NULL;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                size_t col = 0;
                for (char *cell = line;; col++) {
                        char *tab = strchr(cell, '\t');
                        if (!tab) {
                                printf("%s\n", cell);
                                break;
                        }
                        *tab = '\0';
                        printf("%-*s  ", (int)(col < 64 ? width[col] : 0), cell);
                        cell = tab + 1;
                }
        }
}

static char *command_of(const struct cli_container *c, bool no_trunc)
{
        struct json_object *path, *args;
        size_t len = 0;
        char *cmd;

        if (c->rec.inspect == NULL || !json_object_object_get_ex(c->rec.inspect, "Path", &path))
                return xstrdup("");
        cmd = xstrdup(json_object_get_string(path));
        if (json_object_object_get_ex(c->rec.inspect, "Args", &args))
                for (size_t i = 0; i < json_object_array_length(args); i++) {
                        char *longer =
                            xasprintf("%s %s", cmd, json_object_get_string(json_object_array_get_idx(args, i)));
                        free(cmd);
                        cmd = longer;
                }
        len = strlen(cmd);
        if (!no_trunc && len > 20)
                strcpy(cmd + 17, "...");
        return cmd;
}

/* "0.0.0.0:8080->80/tcp, [::1]:53->53/udp" from state.json's docker-shaped ports. */
static char *ports_of(const struct cli_container *c)
{
        char *out = xstrdup("");

        if (c->state.ports == NULL || (c->state.status != CTR_RUNNING && c->state.status != CTR_STOPPING))
                return out;
        json_object_object_foreach(c->state.ports, key, list)
        {
                for (size_t i = 0; i < json_object_array_length(list); i++) {
                        struct json_object *b = json_object_array_get_idx(list, i), *ip, *port;
                        const char *ips;
                        char *more;
                        if (!json_object_object_get_ex(b, "HostIp", &ip) ||
                            !json_object_object_get_ex(b, "HostPort", &port))
                                continue;
                        ips = json_object_get_string(ip);
                        more = xasprintf(strchr(ips, ':') ? "%s%s[%s]:%s->%s" : "%s%s%s:%s->%s", out,
                                         out[0] ? ", " : "", ips, json_object_get_string(port), key);
                        free(out);
                        out = more;
                }
        }
        return out;
}

/* The object a --format template sees: podman ps's field names. */
static struct json_object *template_object(const struct cli_container *c, bool no_trunc, int64_t now)
{
        struct json_object *o = json_object_new_object(), *config, *labels;
        char status[96], ago[64], created[64];

        ctr_format_status(&c->state, now, status, sizeof(status));
        ctr_format_duration(now - c->rec.created_ns, ago, sizeof(ago));
        ctr_format_rfc3339(c->rec.created_ns, created, sizeof(created));
        json_object_object_add(o, "ID", json_object_new_string_len(c->id, no_trunc ? 64 : 12));
        json_object_object_add(o, "Image", json_object_new_string(c->rec.image ? c->rec.image : ""));
        json_object_object_add(o, "ImageID", json_object_new_string(c->rec.image_id ? c->rec.image_id : ""));
        {
                _cleanup_free_ char *cmd = command_of(c, true);
                json_object_object_add(o, "Command", json_object_new_string(cmd));
        }
        json_object_object_add(o, "CreatedAt", json_object_new_string(created));
        {
                _cleanup_free_ char *s = xasprintf("%s ago", ago);
                json_object_object_add(o, "RunningFor", json_object_new_string(s));
        }
        json_object_object_add(o, "Status", json_object_new_string(status));
        json_object_object_add(o, "State", json_object_new_string(ctr_status_name(c->state.status)));
        {
                _cleanup_free_ char *p = ports_of(c);
                json_object_object_add(o, "Ports", json_object_new_string(p));
        }
        json_object_object_add(o, "Names", json_object_new_string(c->rec.name));
        json_object_object_add(o, "Pid", json_object_new_int(c->state.status == CTR_RUNNING ? c->state.pid : 0));
        json_object_object_add(o, "ExitCode", json_object_new_int(c->state.exit_code));
        if (c->rec.inspect && json_object_object_get_ex(c->rec.inspect, "Config", &config) &&
            json_object_object_get_ex(config, "Labels", &labels))
                json_object_object_add(o, "Labels", json_object_get(labels));
        else
                json_object_object_add(o, "Labels", json_object_new_object());
        return o;
}

/* podman ps --format json's shape. */
static struct json_object *json_entry(const struct cli_container *c, int64_t now)
{
        struct json_object *o = json_object_new_object(), *names = json_object_new_array(), *cmd, *v;
        char status[96];

        ctr_format_status(&c->state, now, status, sizeof(status));
        json_object_object_add(o, "Id", json_object_new_string(c->id));
        json_object_object_add(o, "Image", json_object_new_string(c->rec.image ? c->rec.image : ""));
        json_object_object_add(o, "ImageID", json_object_new_string(c->rec.image_id ? c->rec.image_id : ""));
        cmd = json_object_new_array();
        if (c->rec.inspect && json_object_object_get_ex(c->rec.inspect, "Path", &v)) {
                json_object_array_add(cmd, json_object_get(v));
                if (json_object_object_get_ex(c->rec.inspect, "Args", &v))
                        for (size_t i = 0; i < json_object_array_length(v); i++)
                                json_object_array_add(cmd, json_object_get(json_object_array_get_idx(v, i)));
        }
        json_object_object_add(o, "Command", cmd);
        json_object_object_add(o, "Created", json_object_new_int64(c->rec.created_ns / 1000000000));
        json_object_object_add(o, "State", json_object_new_string(ctr_status_name(c->state.status)));
        json_object_object_add(o, "Status", json_object_new_string(status));
        json_object_array_add(names, json_object_new_string(c->rec.name));
        json_object_object_add(o, "Names", names);
        json_object_object_add(o, "Pid", json_object_new_int(c->state.status == CTR_RUNNING ? c->state.pid : 0));
        json_object_object_add(o, "ExitCode", json_object_new_int(c->state.exit_code));
        json_object_object_add(o, "Exited", json_object_new_boolean(c->state.status == CTR_EXITED));
        json_object_object_add(o, "StartedAt", json_object_new_int64(c->state.started_ns / 1000000000));
        json_object_object_add(o, "ExitedAt", json_object_new_int64(c->state.finished_ns / 1000000000));
        json_object_object_add(o, "Ports",
                               c->state.ports && c->state.status == CTR_RUNNING ? json_object_get(c->state.ports)
                                                                                : json_object_new_object());
        if (c->rec.inspect && json_object_object_get_ex(c->rec.inspect, "Config", &v) &&
            json_object_object_get_ex(v, "Labels", &v))
                json_object_object_add(o, "Labels", json_object_get(v));
        return o;
}

/* The header of a `table` format: the row template rendered with each field's column title, as podman prints it. */
static struct json_object *header_object(void)
{
        static const char *const titles[][2] = {
            {"ID", "CONTAINER ID"},      {"Image", "IMAGE"},        {"ImageID", "IMAGE ID"}, {"Command", "COMMAND"},
            {"CreatedAt", "CREATED AT"}, {"RunningFor", "CREATED"}, {"Status", "STATUS"},    {"State", "STATE"},
            {"Ports", "PORTS"},          {"Names", "NAMES"},        {"Pid", "PID"},          {"ExitCode", "EXIT CODE"},
            {"Labels", "LABELS"},
        };
        struct json_object *o = json_object_new_object();

        for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
                json_object_object_add(o, titles[i][0], json_object_new_string(titles[i][1]));
        return o;
}

#define COLUMNS 7

static void print_table(char *(*rows)[COLUMNS], size_t n)
{
        static const char *const header[COLUMNS] = {"CONTAINER ID", "IMAGE", "COMMAND", "CREATED",
                                                    "STATUS",       "PORTS", "NAMES"};
        size_t width[COLUMNS];

        for (size_t c = 0; c < COLUMNS; c++) {
                width[c] = strlen(header[c]);
                for (size_t r = 0; r < n; r++)
                        if (strlen(rows[r][c]) > width[c])
                                width[c] = strlen(rows[r][c]);
        }
        for (size_t r = 0; r <= n; r++) {
                for (size_t c = 0; c < COLUMNS; c++) {
                        const char *cell = r == 0 ? header[c] : rows[r - 1][c];
                        if (c == COLUMNS - 1)
                                printf("%s\n", cell);
                        else
                                printf("%-*s  ", (int)width[c], cell);
                }
        }
}

static int list(const struct ps_options *o, burrow_error **err)
{
        _cleanup_free_ char *root = NULL;
        _cleanup_strv_ strv ids = {0};
        struct cli_container *cs = NULL;
        size_t n = 0, first = 0;
        int64_t now = clock_now_ns(CLOCK_REALTIME);
        int r = 0;

        if (cli_store_root_path(&root, err) < 0 || ctr_list(root, &ids, err) < 0)
                return -1;
        cs = xcalloc(ids.len + 1, sizeof(*cs));
        for (size_t i = 0; i < ids.len; i++) {
                burrow_error *e = NULL;
                /* A container removed meanwhile is simply not listed. */
                if (cli_container_find(root, ids.items[i], &cs[n], &e) < 0) {
                        error_free(&e);
                        continue;
                }
                if ((o->all || o->latest || o->last > 0 || cs[n].state.status == CTR_RUNNING ||
                     cs[n].state.status == CTR_STOPPING || has_status_filter(o)) &&
                    wanted(o, &cs[n]))
                        n++;
                else
                        cli_container_clear(&cs[n]);
        }
        if (o->latest && n > 1)
                first = n - 1;
        if (o->last > 0 && (size_t)o->last < n)
                first = n - (size_t)o->last;

        if (o->format && strcmp(o->format, "json") == 0) {
                struct json_object *a = json_object_new_array();
                /* podman lists the newest first. */
                for (size_t i = n; i-- > first;)
                        json_object_array_add(a, json_entry(&cs[i], now));
                printf("%s\n",
                       json_object_to_json_string_ext(a, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
                json_object_put(a);
        } else if (o->quiet) {
                for (size_t i = n; i-- > first;)
                        printf("%.*s\n", o->no_trunc ? 64 : 12, cs[i].id);
        } else if (o->format && strcmp(o->format, "table") != 0) {
                bool table = template_is_table(o->format);
                const char *row = table ? o->format + 5 : o->format;
                while (table && (*row == ' ' || *row == '\t'))
                        row++;
                _cleanup_free_ char *all = xstrdup("");
                for (size_t i = n + (table ? 1 : 0); i-- > first && r == 0;) {
                        /* The header first (i == n), then the rows, newest first. */
                        struct json_object *obj = i == n ? header_object() : template_object(&cs[i], o->no_trunc, now);
                        char *line = NULL, *joined;
                        r = template_render(row, obj, &line, err);
                        json_object_put(obj);
                        if (r < 0)
                                break;
                        joined = xasprintf("%s%s%s", all, line, line[0] && line[strlen(line) - 1] == '\n' ? "" : "\n");
                        free(line);
                        free(all);
                        all = joined;
                }
                if (r == 0) {
                        if (table)
                                print_aligned(all);
                        else
                                fputs(all, stdout);
                }
        } else {
                char *(*rows)[COLUMNS] = xcalloc(n + 1, sizeof(*rows));
                size_t k = 0;
                for (size_t i = n; i-- > first; k++) {
                        char status[96], ago[64];
                        ctr_format_status(&cs[i].state, now, status, sizeof(status));
                        ctr_format_duration(now - cs[i].rec.created_ns, ago, sizeof(ago));
                        rows[k][0] = xstrndup(cs[i].id, o->no_trunc ? 64 : 12);
                        rows[k][1] = xstrdup(cs[i].rec.image ? cs[i].rec.image : "");
                        rows[k][2] = command_of(&cs[i], o->no_trunc);
                        rows[k][3] = xasprintf("%s ago", ago);
                        rows[k][4] = xstrdup(status);
                        rows[k][5] = ports_of(&cs[i]);
                        rows[k][6] = xstrdup(cs[i].rec.name);
                }
                print_table(rows, k);
                for (size_t i = 0; i < k; i++)
                        for (size_t c = 0; c < COLUMNS; c++)
                                free(rows[i][c]);
                free(rows);
        }
        for (size_t i = 0; i < n; i++)
                cli_container_clear(&cs[i]);
        free(cs);
        return r;
}

int cli_ps(int argc, char **argv)
{
        static const struct option options[] = {
            {"all", no_argument, NULL, 'a'},
            {"quiet", no_argument, NULL, 'q'},
            {"no-trunc", no_argument, NULL, 'T'},
            {"format", required_argument, NULL, 'F'},
            {"filter", required_argument, NULL, 'f'},
            {"latest", no_argument, NULL, 'l'},
            {"last", required_argument, NULL, 'n'},
            {"help", no_argument, NULL, 'H'},
            {NULL, 0, NULL, 0},
        };
        _cleanup_error_ burrow_error *err = NULL;
        struct ps_options o = {.last = -1};
        int opt, code = EXIT_BURROW_FAILURE;

        opterr = 0;
        optind = 0; /* 0: glibc re-initializes (and reads a "+" again) */
        while ((opt = getopt_long(argc, argv, ":aqf:ln:", options, NULL)) != -1) {
                switch (opt) {
                case 'a':
                        o.all = true;
                        break;
                case 'q':
                        o.quiet = true;
                        break;
                case 'T':
                        o.no_trunc = true;
                        break;
                case 'F':
                        o.format = optarg;
                        break;
                case 'f':
                        if (parse_filter(&o, optarg, &err) < 0)
                                goto fail;
                        break;
                case 'l':
                        o.latest = true;
                        break;
                case 'n': {
                        char *end;
                        o.last = strtol(optarg, &end, 10);
                        if (*end || end == optarg || o.last < 0) {
                                error_make(&err, 0, "invalid --last \"%.32s\": expected a number", optarg);
                                goto fail;
                        }
                        break;
                }
                case 'H':
                        ps_usage();
                        code = 0;
                        goto out;
                default:
                        cli_option_error("ps", opt, argv, &err);
                        goto fail;
                }
        }
        if (optind < argc) {
                error_make(&err, 0, "ps: unexpected argument \"%.64s\" (see 'burrow ps --help')", argv[optind]);
                goto fail;
        }
        if (list(&o, &err) < 0)
                goto fail;
        code = 0;
        goto out;
fail:
        error_print(err);
out:
        clear_filters(&o);
        return code;
}
