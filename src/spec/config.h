/* burrow.conf(5): the user's defaults for options the command line can also give, in the TOML subset podman's
 * containers.conf users know:
 *
 *     # comment
 *     [storage]
 *     driver = "vfs"
 *     root = "/srv/me/burrow"
 *
 * Read from /etc/burrow/burrow.conf, then $XDG_CONFIG_HOME/burrow/burrow.conf (default ~/.config/burrow/burrow.conf);
 * a later file's key replaces an earlier one's, and the command line wins over both. $BURROW_CONFIG names one file to
 * read instead of both. Parsing is pure (config_parse) so that the unit tests and the fuzz target exercise exactly it;
 * every unknown section or key, bad quoting or over-long line is an error naming the file and line. */
#pragma once

#include <stddef.h>

#include "util/error.h"

#define CONFIG_MAX_SIZE (64 * 1024)

/* Every key burrow knows, "section.key"; the table in config.c says which values each takes. */
enum config_key {
        CONFIG_STORAGE_DRIVER,      /* storage.driver: auto | overlay | fuse-overlayfs | vfs */
        CONFIG_STORAGE_ROOT,        /* storage.root: an absolute path */
        CONFIG_NETWORK_MODE,        /* network.mode: slirp | none | host */
        CONFIG_NETWORK_RESOLV_CONF, /* network.resolv_conf: an absolute path; the resolvers slirp's DNS forwards to */
        CONFIG_CGROUP_MANAGER,      /* cgroup.manager: auto | cgroupfs | disabled */
        CONFIG_N_KEYS,
};

struct burrow_config {
        char *values[CONFIG_N_KEYS]; /* NULL = not set */
};

/* Parses one file's text into cfg (keys it sets replace earlier values). `origin` names the file in errors. */
int config_parse(const char *text, size_t len, const char *origin, struct burrow_config *cfg, burrow_error **err);

/* Reads the files above into cfg; a missing file is no error, an unreadable or malformed one is. */
int config_load(struct burrow_config *cfg, burrow_error **err);

/* The value of a key, or NULL. */
const char *config_get(const struct burrow_config *cfg, enum config_key key);

void config_clear(struct burrow_config *cfg);
