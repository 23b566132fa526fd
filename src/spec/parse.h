/* Parsers of the user's CLI specs. Pure functions (no I/O but an injected environment lookup), so that unit tests and
 * libFuzzer targets exercise exactly what `burrow run` uses. Each returns 0, or -1 with *err set. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "idmap/map.h"
#include "spec/spec.h"
#include "util/error.h"
#include "util/strv.h"

/* Longest argument any parser accepts; anything longer is rejected before it is looked at. */
#define PARSE_MAX_ARG 4096

/* -v SRC:DST[:OPT,OPT...]. SRC must be a path (absolute, or starting with "."); options: ro rw z Z
 * nosuid suid nodev dev noexec exec bind rbind private rprivate slave rslave shared rshared. The source is left as
 * given; spec_validate() resolves it. */
int parse_volume(const char *arg, struct spec_mount *ret, burrow_error **err);

/* --tmpfs DST[:OPT,...]: flags as for -v plus size=N[k|m|g|%], mode=OCTAL, uid=N, gid=N, nr_inodes=N[k|m|g]. */
int parse_tmpfs(const char *arg, struct spec_mount *ret, burrow_error **err);

/* One tmpfs data option of --tmpfs (size=, nr_inodes=, mode=, uid=, gid=): its text for the kernel's mount data, or
 * NULL when it is none of them or its value is invalid; *ret_expected then describes the valid values (NULL when the
 * option is unknown). For OCI config.json mounts, whose options come as a list. */
char *parse_tmpfs_data_option(const char *opt, const char **ret_expected);

/* -e KEY=VALUE, or -e KEY (value taken from lookup(KEY); *ret = NULL when it is unset, as docker skips it). */
int parse_env(const char *arg, const char *(*lookup)(const char *key), char **ret, burrow_error **err);

/* --env-file: one -e per line; blank lines and lines starting with '#' are skipped. */
int parse_env_file(const char *buf, size_t len, const char *(*lookup)(const char *key), strv *out, burrow_error **err);

/* -u USER|UID[:GROUP|GID]. */
int parse_user(const char *arg, struct spec_user *ret, burrow_error **err);

/* --uidmap/--gidmap CONTAINER:HOST:COUNT. */
int parse_idmap(const char *arg, struct idmap_range *ret, burrow_error **err);

/* --ulimit NAME=SOFT[:HARD] with docker's names (core cpu data fsize locks memlock msgqueue nice nofile nproc rss
 * rtprio rttime sigpending stack as); -1 or "unlimited" is no limit; HARD defaults to SOFT; SOFT > HARD is an error. */
int parse_ulimit(const char *arg, struct spec_rlimit *ret, burrow_error **err);

/* --security-opt mask=/unmask= lists: colon-separated absolute paths, each cleaned. */
int parse_path_list(const char *what, const char *arg, strv *out, burrow_error **err);

/* Docker's boolean flag values: true/false/1/0/yes/no (case-insensitive). */
int parse_bool(const char *arg, bool *ret);

/* Lexically cleans an absolute path: collapses "//" and ".", resolves ".." without climbing above "/", drops a
 * trailing "/". Returns NULL for a relative or empty path. */
char *path_clean(const char *path);

/* parse-net.c: --network none | host | slirp[:mtu=N,cidr=A.B.C.D/N,enable_ipv6=BOOL,allow_host_loopback=BOOL,
 * outbound_addr=IPV4,outbound_addr6=IPV6] (slirp4netns and private are accepted as names of slirp). */
int parse_network(const char *arg, enum spec_network *ret_mode, struct spec_slirp *slirp, burrow_error **err);

/* parse-net.c: --add-host NAME:IP (or NAME=IP; IP may be "host-gateway"); appends "IP NAME". */
int parse_add_host(const char *arg, strv *out, burrow_error **err);

/* parse-net.c: --dns IP, --dns-search DOMAIN ("." for none), --dns-option OPTION; each appends its argument. */
int parse_dns(const char *arg, strv *out, burrow_error **err);
int parse_dns_search(const char *arg, strv *out, burrow_error **err);
int parse_dns_option(const char *arg, strv *out, burrow_error **err);
