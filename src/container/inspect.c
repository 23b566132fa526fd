#include "container/inspect.h"

#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <time.h>

#include "cgroup/limits.h"
#include "util/cleanup.h"

static struct json_object *strv_json(const strv *v, size_t from)
{
        struct json_object *a = json_object_new_array();

        for (size_t i = from; i < v->len; i++)
                json_object_array_add(a, json_object_new_string(v->items[i]));
        return a;
}

static struct json_object *string_or_empty(const char *s)
{
        return json_object_new_string(s ? s : "");
}

/* "KEY=VALUE" entries as a JSON object (docker's Labels). */
static struct json_object *labels_json(const strv *labels)
{
        struct json_object *o = json_object_new_object();

        for (size_t i = 0; i < labels->len; i++) {
                const char *eq = strchr(labels->items[i], '=');
                _cleanup_free_ char *key =
                    eq ? xstrndup(labels->items[i], (size_t)(eq - labels->items[i])) : xstrdup(labels->items[i]);
                json_object_object_add(o, key, json_object_new_string(eq ? eq + 1 : ""));
        }
        return o;
}

static struct json_object *config_json(const struct burrow_spec *spec)
{
        struct json_object *c = json_object_new_object();
        _cleanup_free_ char *user = NULL;

        if (spec->user.user)
                user =
                    spec->user.group ? xasprintf("%s:%s", spec->user.user, spec->user.group) : xstrdup(spec->user.user);
        _cleanup_free_ char *hostname =
            spec->hostname && spec->hostname[0] ? xstrdup(spec->hostname) : xstrndup(spec->id, 12);
        _cleanup_strv_ strv env = {0};

        /* The environment the workload gets (launch_build_env's defaults included), as docker's inspect shows it. */
        for (size_t i = 0; i < spec->env.len; i++)
                strv_push(&env, spec->env.items[i]);
        strv_env_default(&env, "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        strv_env_default(&env, "HOSTNAME", hostname);
        strv_env_default(&env, "container", "burrow");
        if (spec->tty)
                strv_env_default(&env, "TERM", "xterm");
        json_object_object_add(c, "Hostname", json_object_new_string(hostname));
        json_object_object_add(c, "User", string_or_empty(user));
        json_object_object_add(c, "Tty", json_object_new_boolean(spec->tty));
        json_object_object_add(c, "OpenStdin", json_object_new_boolean(spec->interactive));
        json_object_object_add(c, "Env", strv_json(&env, 0));
        json_object_object_add(c, "Cmd", strv_json(&spec->args, 0));
        if (spec->entrypoint && spec->entrypoint[0]) {
                struct json_object *e = json_object_new_array();
                json_object_array_add(e, json_object_new_string(spec->entrypoint));
                json_object_object_add(c, "Entrypoint", e);
        } else {
                json_object_object_add(c, "Entrypoint", json_object_new_array());
        }
        json_object_object_add(c, "Image", string_or_empty(spec->image ? spec->image : spec->rootfs));
        json_object_object_add(c, "WorkingDir", json_object_new_string(spec->cwd ? spec->cwd : "/"));
        json_object_object_add(c, "Labels", labels_json(&spec->labels));
        json_object_object_add(c, "StopSignal",
                               json_object_new_string(spec->stop_signal ? spec->stop_signal : "SIGTERM"));
        return c;
}

static const char *network_mode(const struct burrow_spec *spec)
{
        switch (spec->network) {
        case SPEC_NETWORK_NONE:
                return "none";
        case SPEC_NETWORK_HOST:
                return "host";
        default:
                return "slirp4netns";
        }
}

/* The resource limits in docker's HostConfig names and units (bytes, NanoCpus). */
static void add_limits(struct json_object *h, const struct burrow_spec *spec)
{
        static const struct {
                const char *flag, *key;
                int64_t scale; /* 0: copy the argument as a string */
        } scalars[] = {
            {"memory", "Memory", 1},
            {"memory-reservation", "MemoryReservation", 1},
            {"memory-swap", "MemorySwap", 1},
            {"cpus", "NanoCpus", 1000000},
            {"cpu-shares", "CpuShares", 1},
            {"cpu-quota", "CpuQuota", 1},
            {"cpu-period", "CpuPeriod", 1},
            {"cpuset-cpus", "CpusetCpus", 0},
            {"cpuset-mems", "CpusetMems", 0},
            {"pids-limit", "PidsLimit", 1},
            {"blkio-weight", "BlkioWeight", 1},
        };
        static const char *const device_keys[CGROUP_DEVICE_LIMITS] = {"BlkioDeviceReadBps", "BlkioDeviceWriteBps",
                                                                      "BlkioDeviceReadIOps", "BlkioDeviceWriteIOps"};
        struct cgroup_request req = {0};
        burrow_error *err = NULL;

        for (size_t i = 0; i < spec->cgroup_flags.len; i++) {
                _cleanup_free_ char *flag = xstrdup(spec->cgroup_flags.items[i]);
                char *value = strchr(flag, '=');
                if (value == NULL)
                        continue;
                *value++ = '\0';
                if (cgroup_request_add(&req, flag, value, &err) < 0)
                        error_free(&err);
        }
        for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
                int64_t v = 0;
                if (scalars[i].scale == 0) {
                        const char *arg = cgroup_request_arg(&req, scalars[i].flag);
                        json_object_object_add(h, scalars[i].key, json_object_new_string(arg ? arg : ""));
                } else {
                        (void)cgroup_request_get(&req, scalars[i].flag, &v);
                        json_object_object_add(h, scalars[i].key, json_object_new_int64(v * scalars[i].scale));
                }
        }
        for (size_t k = 0; k < CGROUP_DEVICE_LIMITS; k++) {
                struct json_object *list = json_object_new_array();
                for (size_t d = 0; d < req.n_devices; d++) {
                        struct json_object *e;
                        if (req.devices[d].arg[k] == NULL)
                                continue;
                        e = json_object_new_object();
                        json_object_object_add(e, "Path", json_object_new_string(req.devices[d].path));
                        json_object_object_add(e, "Rate", json_object_new_int64((int64_t)req.devices[d].rate[k]));
                        json_object_array_add(list, e);
                }
                json_object_object_add(h, device_keys[k], list);
        }
        cgroup_request_clear(&req);
}

static struct json_object *host_config_json(const struct burrow_spec *spec)
{
        struct json_object *h = json_object_new_object(), *bindings = json_object_new_object();

        json_object_object_add(h, "NetworkMode", json_object_new_string(network_mode(spec)));
        json_object_object_add(h, "AutoRemove", json_object_new_boolean(spec->remove));
        json_object_object_add(h, "Privileged", json_object_new_boolean(spec->privileged));
        json_object_object_add(h, "ReadonlyRootfs", json_object_new_boolean(spec->readonly_rootfs));
        json_object_object_add(h, "CapAdd", strv_json(&spec->cap_add, 0));
        json_object_object_add(h, "CapDrop", strv_json(&spec->cap_drop, 0));
        json_object_object_add(h, "Init", json_object_new_boolean(spec->init));
        for (size_t i = 0; i < spec->n_ports; i++) {
                const struct port_mapping *m = &spec->ports[i];
                _cleanup_free_ char *text = portspec_format(m);
                char key[32];
                struct json_object *list;
                snprintf(key, sizeof(key), "%u/%s", m->container_port, m->protocol == IPPROTO_UDP ? "udp" : "tcp");
                if (!json_object_object_get_ex(bindings, key, &list)) {
                        list = json_object_new_array();
                        json_object_object_add(bindings, key, list);
                }
                json_object_array_add(list, json_object_new_string(text));
        }
        json_object_object_add(h, "PortBindings", bindings);
        add_limits(h, spec);
        return h;
}

static struct json_object *mounts_json(const struct burrow_spec *spec)
{
        struct json_object *a = json_object_new_array();

        for (size_t i = 0; i < spec->n_mounts; i++) {
                const struct spec_mount *m = &spec->mounts[i];
                struct json_object *o = json_object_new_object();
                json_object_object_add(o, "Type",
                                       json_object_new_string(m->type == SPEC_MOUNT_BIND ? "bind" : "tmpfs"));
                json_object_object_add(o, "Source", string_or_empty(m->source));
                json_object_object_add(o, "Destination", json_object_new_string(m->destination));
                json_object_object_add(o, "RW", json_object_new_boolean(!(m->flags & MS_RDONLY)));
                json_object_array_add(a, o);
        }
        return a;
}

struct json_object *ctr_inspect_creation(const struct burrow_spec *spec)
{
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "Path", string_or_empty(spec->args.len ? spec->args.items[0] : NULL));
        json_object_object_add(o, "Args", strv_json(&spec->args, 1));
        json_object_object_add(o, "Config", config_json(spec));
        json_object_object_add(o, "HostConfig", host_config_json(spec));
        json_object_object_add(o, "Mounts", mounts_json(spec));
        json_object_object_add(o, "Rootfs", string_or_empty(spec->image ? NULL : spec->rootfs));
        return o;
}

void ctr_format_rfc3339(int64_t ns, char *buf, size_t size)
{
        time_t secs = (time_t)(ns / 1000000000);
        struct tm tm;
        char date[32];

        if (ns <= 0) {
                snprintf(buf, size, "0001-01-01T00:00:00Z");
                return;
        }
        gmtime_r(&secs, &tm);
        strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(buf, size, "%s.%09lldZ", date, (long long)(ns % 1000000000));
}

void ctr_format_duration(int64_t ns, char *buf, size_t size)
{
        int64_t s = ns / 1000000000;

        if (s < 1)
                snprintf(buf, size, "Less than a second");
        else if (s < 60)
                snprintf(buf, size, "%lld second%s", (long long)s, s == 1 ? "" : "s");
        else if (s < 3600)
                snprintf(buf, size, "%lld minute%s", (long long)(s / 60), s / 60 == 1 ? "" : "s");
        else if (s < 2 * 3600)
                snprintf(buf, size, "About an hour");
        else if (s < 48 * 3600)
                snprintf(buf, size, "%lld hours", (long long)(s / 3600));
        else if (s < 14 * 86400)
                snprintf(buf, size, "%lld days", (long long)(s / 86400));
        else if (s < 60 * 86400)
                snprintf(buf, size, "%lld weeks", (long long)(s / (7 * 86400)));
        else if (s < 2 * 365 * 86400)
                snprintf(buf, size, "%lld months", (long long)(s / (30 * 86400)));
        else
                snprintf(buf, size, "%lld years", (long long)(s / (365 * 86400)));
}

void ctr_format_status(const struct ctr_state *st, int64_t now_ns, char *buf, size_t size)
{
        char d[32];

        switch (st->status) {
        case CTR_RUNNING:
        case CTR_STOPPING:
                ctr_format_duration(now_ns - st->started_ns, d, sizeof(d));
                snprintf(buf, size, "Up %s", d);
                break;
        case CTR_EXITED:
                if (st->finished_ns <= 0) {
                        if (st->exit_code < 0)
                                snprintf(buf, size, "Exited (unknown)");
                        else
                                snprintf(buf, size, "Exited (%d)", st->exit_code);
                        break;
                }
                ctr_format_duration(now_ns - st->finished_ns, d, sizeof(d));
                snprintf(buf, size, "Exited (%d) %s ago", st->exit_code, d);
                break;
        default:
                snprintf(buf, size, "Created");
        }
}

struct json_object *ctr_inspect_build(const char *store_root, const struct ctr_record *rec, const struct ctr_state *st)
{
        struct json_object *o = json_object_new_object(), *state = json_object_new_object(), *net, *v;
        _cleanup_free_ char *dir = ctr_dir(store_root, rec->id);
        bool running = st->status == CTR_RUNNING || st->status == CTR_STOPPING;
        char t[64];

        json_object_object_add(o, "Id", json_object_new_string(rec->id));
        ctr_format_rfc3339(rec->created_ns, t, sizeof(t));
        json_object_object_add(o, "Created", json_object_new_string(t));
        json_object_object_add(o, "Name", json_object_new_string(rec->name));
        if (rec->inspect && json_object_object_get_ex(rec->inspect, "Path", &v))
                json_object_object_add(o, "Path", json_object_get(v));
        if (rec->inspect && json_object_object_get_ex(rec->inspect, "Args", &v))
                json_object_object_add(o, "Args", json_object_get(v));

        json_object_object_add(state, "Status", json_object_new_string(ctr_status_name(st->status)));
        json_object_object_add(state, "Running", json_object_new_boolean(running));
        json_object_object_add(state, "Paused", json_object_new_boolean(false));
        json_object_object_add(state, "Restarting", json_object_new_boolean(false));
        json_object_object_add(state, "OOMKilled", json_object_new_boolean(st->oom_killed));
        json_object_object_add(state, "Dead", json_object_new_boolean(false));
        json_object_object_add(state, "Pid", json_object_new_int(running ? st->pid : 0));
        json_object_object_add(state, "ExitCode", json_object_new_int(st->exit_code));
        json_object_object_add(state, "Error", json_object_new_string(st->error ? st->error : ""));
        ctr_format_rfc3339(st->started_ns, t, sizeof(t));
        json_object_object_add(state, "StartedAt", json_object_new_string(t));
        ctr_format_rfc3339(st->finished_ns, t, sizeof(t));
        json_object_object_add(state, "FinishedAt", json_object_new_string(t));
        json_object_object_add(o, "State", state);

        json_object_object_add(o, "Image", json_object_new_string(rec->image_id ? rec->image_id : ""));
        json_object_object_add(o, "ImageName", json_object_new_string(rec->image ? rec->image : ""));
        if (rec->inspect) {
                static const char *const keys[] = {"Config", "HostConfig", "Mounts"};
                for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
                        if (json_object_object_get_ex(rec->inspect, keys[i], &v))
                                json_object_object_add(o, keys[i], json_object_get(v));
        }
        net = json_object_new_object();
        json_object_object_add(net, "Ports",
                               st->ports && running ? json_object_get(st->ports) : json_object_new_object());
        json_object_object_add(o, "NetworkSettings", net);
        json_object_object_add(o, "StoragePath", json_object_new_string(dir));
        json_object_object_add(o, "CgroupPath", json_object_new_string(st->cgroup && running ? st->cgroup : ""));
        return o;
}
