/* `burrow images`: podman's table (REPOSITORY TAG IMAGE ID CREATED SIZE), -q, --no-trunc, --format json. Sizes and
 * ages are written as podman writes them (go-units: "1.23 MB", "2 minutes ago"). */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "image/reference.h"
#include "image/store.h"
#include "util/cleanup.h"

static const struct option images_options[] = {
    {"quiet", no_argument, NULL, 'q'},        {"all", no_argument, NULL, 'a'},  {"no-trunc", no_argument, NULL, 'T'},
    {"format", required_argument, NULL, 'F'}, {"help", no_argument, NULL, 'H'}, {NULL, 0, NULL, 0},
};

static void images_usage(void)
{
        printf("Usage: burrow images [-q] [--no-trunc] [--format json] [REFERENCE]\n"
               "\n"
               "List the images in the store, newest first.\n"
               "\n"
               "Options:\n"
               "  -q, --quiet         only the image ids\n"
               "      --no-trunc      full image ids\n"
               "      --format json   a JSON array instead of the table\n"
               "  -a, --all           accepted for podman compatibility\n"
               "      --help          this text\n");
}

/* Seconds since the epoch of an RFC 3339 time ("2024-01-02T03:04:05.123Z", "+01:00"), or -1. */
static long long parse_rfc3339(const char *s)
{
        struct tm tm = {0};
        const char *p;
        long long t;

        if (s == NULL || (p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL)
                return -1;
        t = (long long)timegm(&tm);
        if (*p == '.')
                for (p++; *p >= '0' && *p <= '9'; p++)
                        ;
        if ((*p == '+' || *p == '-') && strlen(p) >= 6) {
                int h = (p[1] - '0') * 10 + (p[2] - '0'), m = (p[4] - '0') * 10 + (p[5] - '0');
                t -= (*p == '+' ? 1 : -1) * (h * 3600LL + m * 60LL);
        }
        return t;
}

/* go-units' HumanDuration, as podman prints CREATED. */
static char *human_duration(long long seconds)
{
        long long hours = seconds / 3600;

        if (seconds < 1)
                return xstrdup("Less than a second ago");
        if (seconds == 1)
                return xstrdup("1 second ago");
        if (seconds < 60)
                return xasprintf("%lld seconds ago", seconds);
        if (seconds / 60 == 1)
                return xstrdup("About a minute ago");
        if (seconds / 60 < 60)
                return xasprintf("%lld minutes ago", seconds / 60);
        if (hours == 1)
                return xstrdup("About an hour ago");
        if (hours < 48)
                return xasprintf("%lld hours ago", hours);
        if (hours < 24 * 7 * 2)
                return xasprintf("%lld days ago", hours / 24);
        if (hours < 24 * 30 * 2)
                return xasprintf("%lld weeks ago", hours / 24 / 7);
        if (hours < 24 * 365 * 2)
                return xasprintf("%lld months ago", hours / 24 / 30);
        return xasprintf("%lld years ago", hours / 24 / 365);
}

/* go-units' HumanSizeWithPrecision(size, 3): decimal units. */
static char *human_size(double size)
{
        static const char *units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
        size_t i = 0;

        while (size >= 1000.0 && i + 1 < sizeof(units) / sizeof(units[0])) {
                size /= 1000.0;
                i++;
        }
        return xasprintf("%.3g %s", size, units[i]);
}

struct row {
        char *cols[5];
};

static void split_name(const char *name, char **repo, char **tag)
{
        const char *slash = strrchr(name, '/');
        const char *colon = strrchr(slash ? slash : name, ':');

        *repo = colon ? xstrndup(name, (size_t)(colon - name)) : xstrdup(name);
        *tag = xstrdup(colon ? colon + 1 : "<none>");
}

static bool wanted(const image_record *rec, const image_reference *filter)
{
        if (filter == NULL)
                return true;
        for (size_t i = 0; i < rec->names.len; i++) {
                image_reference ref = *filter;
                const char *colon = strrchr(rec->names.items[i], ':');
                /* A filter without a tag matches every tag. */
                if (filter->tag == NULL && colon)
                        ref.tag = (char *)(colon + 1);
                if (reference_matches_name(&ref, rec->names.items[i]))
                        return true;
        }
        return false;
}

static void print_json(const image_record *recs, size_t n, const image_reference *filter)
{
        json_object *arr = json_object_new_array();

        for (size_t i = 0; i < n; i++) {
                json_object *o, *names;
                long long created = parse_rfc3339(recs[i].created);
                if (!wanted(&recs[i], filter))
                        continue;
                o = json_object_new_object();
                names = json_object_new_array();
                for (size_t j = 0; j < recs[i].names.len; j++)
                        json_object_array_add(names, json_object_new_string(recs[i].names.items[j]));
                json_object_object_add(o, "Id", json_object_new_string(recs[i].id));
                json_object_object_add(o, "Digest", json_object_new_string(recs[i].manifest_digest));
                json_object_object_add(o, "RepoTags", json_object_get(names));
                json_object_object_add(o, "Names", names);
                json_object_object_add(o, "Created", json_object_new_int64(created < 0 ? 0 : created));
                json_object_object_add(o, "CreatedAt", json_object_new_string(recs[i].created ? recs[i].created : ""));
                json_object_object_add(o, "Size", json_object_new_int64(recs[i].size));
                json_object_object_add(o, "Containers", json_object_new_int(0));
                json_object_array_add(arr, o);
        }
        printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                               JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(arr);
}

static void print_table(const image_record *recs, size_t n, bool no_trunc, const image_reference *filter)
{
        static const char *headers[5] = {"REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"};
        struct row *rows = NULL;
        size_t n_rows = 0, width[5];
        long long now = (long long)time(NULL);

        for (size_t i = 0; i < n; i++) {
                size_t names = recs[i].names.len ? recs[i].names.len : 1;
                long long created = parse_rfc3339(recs[i].created);
                if (!wanted(&recs[i], filter))
                        continue;
                for (size_t j = 0; j < names; j++) {
                        struct row r;
                        if (recs[i].names.len)
                                split_name(recs[i].names.items[j], &r.cols[0], &r.cols[1]);
                        else
                                r.cols[0] = xstrdup("<none>"), r.cols[1] = xstrdup("<none>");
                        r.cols[2] = no_trunc ? xasprintf("sha256:%s", recs[i].id) : xstrndup(recs[i].id, 12);
                        r.cols[3] = created < 0 ? xstrdup("<unknown>") : human_duration(now - created);
                        r.cols[4] = human_size((double)recs[i].size);
                        rows = xrealloc(rows, (n_rows + 1) * sizeof(*rows));
                        rows[n_rows++] = r;
                }
        }
        for (size_t c = 0; c < 5; c++) {
                width[c] = strlen(headers[c]);
                for (size_t i = 0; i < n_rows; i++)
                        if (strlen(rows[i].cols[c]) > width[c])
                                width[c] = strlen(rows[i].cols[c]);
        }
        printf("%-*s  %-*s  %-*s  %-*s  %s\n", (int)width[0], headers[0], (int)width[1], headers[1], (int)width[2],
               headers[2], (int)width[3], headers[3], headers[4]);
        for (size_t i = 0; i < n_rows; i++) {
                printf("%-*s  %-*s  %-*s  %-*s  %s\n", (int)width[0], rows[i].cols[0], (int)width[1], rows[i].cols[1],
                       (int)width[2], rows[i].cols[2], (int)width[3], rows[i].cols[3], rows[i].cols[4]);
                for (size_t c = 0; c < 5; c++)
                        free(rows[i].cols[c]);
        }
        free(rows);
}

int cli_images(int argc, char **argv)
{
        _cleanup_error_ burrow_error *err = NULL;
        image_reference filter = {0};
        bool quiet = false, no_trunc = false, json = false, have_filter = false;
        image_record *recs = NULL;
        image_store *store = NULL;
        size_t n = 0;
        int opt;

        opterr = 0;
        optind = 0; /* 0: glibc re-initializes (and reads a "+" again) */
        while ((opt = getopt_long(argc, argv, "+:qa", images_options, NULL)) != -1) {
                switch (opt) {
                case 'q':
                        quiet = true;
                        break;
                case 'a':
                        break;
                case 'T':
                        no_trunc = true;
                        break;
                case 'F':
                        if (strcmp(optarg, "json") != 0) {
                                error_make(&err, 0, "images: --format %s: only json is supported", optarg);
                                goto fail;
                        }
                        json = true;
                        break;
                case 'H':
                        images_usage();
                        return 0;
                default:
                        cli_option_error("images", opt, argv, &err);
                        goto fail;
                }
        }
        if (argc - optind > 1) {
                error_make(&err, 0, "images: at most one REFERENCE: see 'burrow images --help'");
                goto fail;
        }
        if (optind < argc) {
                if (reference_parse(argv[optind], &filter, &err) < 0)
                        goto fail;
                /* "images foo" lists every tag of foo; "images foo:1" only that one. */
                if (strchr(strrchr(argv[optind], '/') ? strrchr(argv[optind], '/') : argv[optind], ':') == NULL) {
                        free(filter.tag);
                        filter.tag = NULL;
                }
                have_filter = true;
        }
        if (cli_open_store(false, &store, &err) < 0 || store_list_images(store, &recs, &n, &err) < 0) {
                store_close(store);
                reference_clear(&filter);
                goto fail;
        }
        store_close(store);
        if (json) {
                print_json(recs, n, have_filter ? &filter : NULL);
        } else if (quiet) {
                for (size_t i = 0; i < n; i++)
                        if (wanted(&recs[i], have_filter ? &filter : NULL))
                                printf("%s%.*s\n", no_trunc ? "sha256:" : "", no_trunc ? 64 : 12, recs[i].id);
        } else {
                print_table(recs, n, no_trunc, have_filter ? &filter : NULL);
        }
        image_records_free(recs, n);
        reference_clear(&filter);
        return 0;
fail:
        error_print(err);
        return EXIT_BURROW_FAILURE;
}
