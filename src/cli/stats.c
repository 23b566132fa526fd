/* `burrow stats`: what running containers use, from their cgroups (cgroup/cgroup.h), as podman stats shows it. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cli/cli.h"
#include "cli/containers.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/fileutil.h"
#include "util/template.h"

/* The CPU share is measured over this long (--no-stream) or between two screens (1 s). */
#define SAMPLE_MS 200

struct sample {
        bool has_cgroup;
        struct cgroup_stats cg;
        uint64_t net_rx, net_tx;
        bool has_net;
        int64_t at_ns;
};

/* The container's network traffic: every interface but lo in its network namespace (/proc/PID/net/dev). */
static bool read_net(pid_t pid, uint64_t *rx, uint64_t *tx)
{
        _cleanup_free_ char *path = xasprintf("/proc/%d/net/dev", (int)pid), *text = NULL;
        char *line, *save = NULL;
        int n = 0;

        *rx = *tx = 0;
        if (pid <= 0 || file_read_all(path, 1 << 16, &text, NULL, NULL) < 0)
                return false;
        for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char name[64];
                unsigned long long r, t;
                if (n++ < 2)
                        continue;
                if (sscanf(line, " %63[^:]: %llu %*u %*u %*u %*u %*u %*u %*u %llu", name, &r, &t) == 3 &&
                    strcmp(name, "lo") != 0) {
                        *rx += r;
                        *tx += t;
                }
        }
        return true;
}

static void take_sample(const struct cli_container *c, struct sample *s)
{
        burrow_error *err = NULL;

        *s = (struct sample){.at_ns = clock_now_ns(CLOCK_MONOTONIC)};
        if (c->state.cgroup) {
                s->has_cgroup = cgroup_read_stats(c->state.cgroup, &s->cg, &err) == 0;
                error_free(&err);
        }
        s->has_net = read_net(c->state.pid, &s->net_rx, &s->net_tx);
}

/* docker's units: B, kB, MB, GB (powers of 1000) for traffic; KiB, MiB, GiB for memory. */
static void human(uint64_t v, bool binary, char *buf, size_t size)
{
        static const char *const si[] = {"B", "kB", "MB", "GB", "TB"}, *const iec[] = {"B", "KiB", "MiB", "GiB", "TiB"};
        double d = (double)v, base = binary ? 1024 : 1000;
        int u = 0;

        while (d >= base && u < 4) {
                d /= base;
                u++;
        }
        snprintf(buf, size, u == 0 ? "%.0f%s" : "%.3g%s", d, binary ? iec[u] : si[u]);
}

static struct json_object *stats_object(const struct cli_container *c, const struct sample *a, const struct sample *b)
{
        struct json_object *o = json_object_new_object();
        char cpu[32] = "--", mem[80] = "-- / --", memp[32] = "--", net[80] = "-- / --", blk[80] = "-- / --",
             pids[32] = "--", x[32], y[32];

        if (b->has_cgroup && b->cg.has_cpu && a->has_cgroup && b->at_ns > a->at_ns)
                snprintf(cpu, sizeof(cpu), "%.2f%%",
                         (double)(b->cg.cpu_usage_usec - a->cg.cpu_usage_usec) * 1000.0 * 100.0 /
                             (double)(b->at_ns - a->at_ns));
        if (b->has_cgroup && b->cg.has_memory) {
                human(b->cg.memory_current, true, x, sizeof(x));
                if (b->cg.memory_max == UINT64_MAX)
                        strcpy(y, "unlimited");
                else
                        human(b->cg.memory_max, true, y, sizeof(y));
                snprintf(mem, sizeof(mem), "%s / %s", x, y);
                if (b->cg.memory_max != UINT64_MAX && b->cg.memory_max > 0)
                        snprintf(memp, sizeof(memp), "%.2f%%",
                                 (double)b->cg.memory_current * 100.0 / (double)b->cg.memory_max);
        }
        if (b->has_net) {
                human(b->net_rx, false, x, sizeof(x));
                human(b->net_tx, false, y, sizeof(y));
                snprintf(net, sizeof(net), "%s / %s", x, y);
        }
        if (b->has_cgroup && b->cg.has_io) {
                human(b->cg.io_read_bytes, false, x, sizeof(x));
                human(b->cg.io_write_bytes, false, y, sizeof(y));
                snprintf(blk, sizeof(blk), "%s / %s", x, y);
        }
        if (b->has_cgroup && b->cg.has_pids)
                snprintf(pids, sizeof(pids), "%llu", (unsigned long long)b->cg.pids_current);
        json_object_object_add(o, "ID", json_object_new_string_len(c->id, 12));
        json_object_object_add(o, "Name", json_object_new_string(c->rec.name));
        json_object_object_add(o, "CPUPerc", json_object_new_string(cpu));
        json_object_object_add(o, "MemUsage", json_object_new_string(mem));
        json_object_object_add(o, "MemPerc", json_object_new_string(memp));
        json_object_object_add(o, "NetIO", json_object_new_string(net));
        json_object_object_add(o, "BlockIO", json_object_new_string(blk));
        json_object_object_add(o, "PIDs", json_object_new_string(pids));
        /* Raw numbers for scripts (--format json). */
        if (b->has_cgroup) {
                json_object_object_add(o, "MemUsageBytes", json_object_new_int64((int64_t)b->cg.memory_current));
                json_object_object_add(o, "CPUNano", json_object_new_int64((int64_t)b->cg.cpu_usage_usec * 1000));
                json_object_object_add(o, "PIDsCurrent", json_object_new_int64((int64_t)b->cg.pids_current));
        }
        return o;
}

static const char *field(struct json_object *o, const char *key)
{
        struct json_object *v;

        return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

static void print_table(struct json_object *rows)
{
        static const char *const keys[] = {"ID", "Name", "CPUPerc", "MemUsage", "MemPerc", "NetIO", "BlockIO", "PIDs"};
        static const char *const header[] = {"ID",    "NAME",   "CPU %",    "MEM USAGE / LIMIT",
                                             "MEM %", "NET IO", "BLOCK IO", "PIDS"};
        size_t n = json_object_array_length(rows), width[8];

        for (size_t k = 0; k < 8; k++) {
                width[k] = strlen(header[k]);
                for (size_t i = 0; i < n; i++) {
                        size_t l = strlen(field(json_object_array_get_idx(rows, i), keys[k]));
                        if (l > width[k])
                                width[k] = l;
                }
        }
        for (size_t i = 0; i <= n; i++)
                for (size_t k = 0; k < 8; k++) {
                        const char *cell = i == 0 ? header[k] : field(json_object_array_get_idx(rows, i - 1), keys[k]);
                        if (k == 7)
                                printf("%s\n", cell);
                        else
                                printf("%-*s  ", (int)width[k], cell);
                }
}

int cli_stats(int argc, char **argv)
{
        static const struct option options[] = {
            {"no-stream", no_argument, NULL, 'N'},
            {"all", no_argument, NULL, 'a'},
            {"format", required_argument, NULL, 'F'},
            {"help", no_argument, NULL, 'H'},
            {NULL, 0, NULL, 0},
        };
        _cleanup_error_ burrow_error *err = NULL;
        _cleanup_free_ char *root = NULL;
        _cleanup_strv_ strv names = {0};
        bool stream = true, all = false;
        const char *format = NULL;
        int opt, code = 0;

        opterr = 0;
        optind = 0; /* 0: glibc re-initializes (and reads a "+" again) */
        while ((opt = getopt_long(argc, argv, ":a", options, NULL)) != -1) {
                switch (opt) {
                case 'N':
                        stream = false;
                        break;
                case 'a':
                        all = true;
                        break;
                case 'F':
                        format = optarg;
                        break;
                case 'H':
                        printf(
                            "Usage: burrow stats [OPTIONS] [CONTAINER...]\n\n"
                            "Show the running containers' CPU, memory, network, block I/O and process use, from\n"
                            "their cgroups (containers run with resource limits have one); -- where a figure is\n"
                            "not known.\n\n"
                            "Options:\n"
                            "      --no-stream       print once and exit\n"
                            "  -a, --all             every running container (the default without names)\n"
                            "      --format FORMAT   table, json, or a Go template such as '{{.Name}} {{.MemUsage}}'\n"
                            "      --help            this text\n");
                        return 0;
                default:
                        cli_option_error("stats", opt, argv, &err);
                        error_print(err);
                        return EXIT_BURROW_FAILURE;
                }
        }
        (void)all;
        if (cli_store_root_path(&root, &err) < 0)
                goto fail;
        if (optind < argc) {
                for (int i = optind; i < argc; i++)
                        strv_push(&names, argv[i]);
        } else if (ctr_list(root, &names, &err) < 0) {
                goto fail;
        }
        for (;;) {
                size_t n = names.len;
                struct cli_container *cs = xcalloc(n + 1, sizeof(*cs));
                struct sample *a = xcalloc(n + 1, sizeof(*a)), *b = xcalloc(n + 1, sizeof(*b));
                struct json_object *rows = json_object_new_array();
                size_t k = 0;

                for (size_t i = 0; i < n; i++) {
                        if (cli_container_find(root, names.items[i], &cs[k], &err) < 0) {
                                if (optind < argc) {
                                        error_print(err);
                                        code = EXIT_BURROW_FAILURE;
                                }
                                error_free(&err);
                                continue;
                        }
                        if (cs[k].state.status != CTR_RUNNING) {
                                if (optind < argc) {
                                        fprintf(stderr, "burrow: container %s is not running\n", cs[k].rec.name);
                                        code = EXIT_BURROW_FAILURE;
                                }
                                cli_container_clear(&cs[k]);
                                continue;
                        }
                        take_sample(&cs[k], &a[k]);
                        k++;
                }
                usleep(SAMPLE_MS * 1000);
                for (size_t i = 0; i < k; i++) {
                        take_sample(&cs[i], &b[i]);
                        json_object_array_add(rows, stats_object(&cs[i], &a[i], &b[i]));
                }
                if (stream && isatty(STDOUT_FILENO))
                        printf("\033[2J\033[H");
                if (format && strcmp(format, "json") == 0) {
                        printf("%s\n", json_object_to_json_string_ext(rows, JSON_C_TO_STRING_PRETTY |
                                                                                JSON_C_TO_STRING_NOSLASHESCAPE));
                } else if (format && strcmp(format, "table") != 0) {
                        for (size_t i = 0; i < k && code == 0; i++)
                                if (cli_print_formatted(format, json_object_array_get_idx(rows, i), &err) < 0) {
                                        error_print(err);
                                        error_free(&err);
                                        code = EXIT_BURROW_FAILURE;
                                }
                } else if (k > 0 || code == 0) {
                        print_table(rows);
                }
                fflush(stdout);
                json_object_put(rows);
                for (size_t i = 0; i < k; i++)
                        cli_container_clear(&cs[i]);
                free(cs);
                free(a);
                free(b);
                if (!stream || code != 0)
                        return code;
                sleep(1);
        }
fail:
        error_print(err);
        return EXIT_BURROW_FAILURE;
}
