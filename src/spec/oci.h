/* config.json of an OCI bundle (runtime-spec 1.x) into the one spec the launcher runs (spec/spec.h): `burrow oci`. */
#pragma once

#include "spec/spec.h"
#include "util/error.h"

/* The largest config.json read. */
#define OCI_CONFIG_MAX (4 << 20)

/* Parses config.json text (len bytes) of the bundle at bundle_dir (absolute) into spec, which spec_init() prepared:
 * fills the docker-shaped fields (args, env, cwd, rootfs, readonly_rootfs, hostname, mounts, masked/readonly paths,
 * rlimits, no_new_privileges, tty, network, uid/gid maps, cgroup_flags from linux.resources) and spec->oci. Errors
 * name the field: `config.json: process.args: must be a non-empty array of strings`. */
int oci_config_parse(const char *json, size_t len, const char *bundle_dir, struct burrow_spec *spec, burrow_error **err);
