/* `burrow inspect` and `burrow ps`: docker-shaped JSON of a container, from its record and its state. */
#pragma once

#include <json-c/json.h>

#include "container/record.h"
#include "spec/spec.h"

/* The parts known when the container is created (stored in its record): Path, Args, Config (Env, Cmd, Entrypoint,
 * Image, Labels, User, WorkingDir, Hostname, Tty, OpenStdin, StopSignal), HostConfig (the limits in docker's names and
 * units, NetworkMode, PortBindings, AutoRemove, Privileged, CapAdd, CapDrop, ReadonlyRootfs), Mounts. */
struct json_object *ctr_inspect_creation(const struct burrow_spec *spec);

/* The whole `inspect` object: Id, Name, Created, Path, Args, State {Status, Running, Paused, Restarting, OOMKilled,
 * Dead, Pid, ExitCode, Error, StartedAt, FinishedAt}, Image, ImageName, Config, HostConfig, Mounts, NetworkSettings
 * {Ports}, and burrow's own: StoragePath, CgroupPath. The caller puts it. */
struct json_object *ctr_inspect_build(const char *store_root, const struct ctr_record *rec, const struct ctr_state *st);

/* docker's time format for inspect: RFC 3339 with nanoseconds, UTC; "0001-01-01T00:00:00Z" for 0. */
void ctr_format_rfc3339(int64_t ns, char *buf, size_t size);

/* podman ps's STATUS column: "Created", "Up 3 seconds", "Exited (0) 2 minutes ago" (buf >= 64 bytes). */
void ctr_format_status(const struct ctr_state *st, int64_t now_ns, char *buf, size_t size);

/* docker's "about an hour", "3 seconds" style duration for ps (buf >= 32 bytes). */
void ctr_format_duration(int64_t ns, char *buf, size_t size);
