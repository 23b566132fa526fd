/* burrow.conf parsing (config.h). */
#include "spec/config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/fileutil.h"

#define CONFIG_MAX_LINE 4096

struct key_info {
        const char *section;
        const char *name;
        const char *const *choices; /* NULL = free text */
        bool absolute_path;
};

static const char *const storage_drivers[] = {"auto", "overlay", "fuse-overlayfs", "vfs", NULL};
static const char *const network_modes[] = {"slirp", "none", "host", NULL};
static const char *const cgroup_managers[] = {"auto", "systemd", "cgroupfs", "disabled", NULL};

static const struct key_info keys[CONFIG_N_KEYS] = {
    [CONFIG_STORAGE_DRIVER] = {"storage", "driver", storage_drivers, false},
    [CONFIG_STORAGE_ROOT] = {"storage", "root", NULL, true},
    [CONFIG_NETWORK_MODE] = {"network", "mode", network_modes, false},
    [CONFIG_NETWORK_RESOLV_CONF] = {"network", "resolv_conf", NULL, true},
    [CONFIG_CGROUP_MANAGER] = {"cgroup", "manager", cgroup_managers, false},
};

static bool is_space(char c)
{
        return c == ' ' || c == '\t';
}

static char *trim(char *s)
{
        char *end;

        while (is_space(*s))
                s++;
        end = s + strlen(s);
        while (end > s && (is_space(end[-1]) || end[-1] == '\r'))
                *--end = '\0';
        return s;
}

static bool is_bare_char(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static bool is_bare(const char *s)
{
        if (*s == '\0')
                return false;
        for (; *s; s++)
                if (!is_bare_char(*s))
                        return false;
        return true;
}

/* A TOML basic string ("...", with \" \\ \t \n escapes) or literal string ('...'), then only a comment. */
static int parse_string(const char *s, char **ret, const char **why)
{
        char quote = *s++;
        _cleanup_free_ char *out = xmalloc(strlen(s) + 1);
        size_t n = 0;

        for (;; s++) {
                if (*s == '\0') {
                        *why = "unterminated string";
                        return -1;
                }
                if (*s == quote)
                        break;
                if ((unsigned char)*s < 0x20 && *s != '\t') {
                        *why = "control character in a string";
                        return -1;
                }
                if (*s == '\\' && quote == '"') {
                        s++;
                        switch (*s) {
                        case '"':
                                out[n++] = '"';
                                break;
                        case '\\':
                                out[n++] = '\\';
                                break;
                        case 't':
                                out[n++] = '\t';
                                break;
                        case 'n':
                                out[n++] = '\n';
                                break;
                        default:
                                *why = "unknown escape in a string";
                                return -1;
                        }
                        continue;
                }
                out[n++] = *s;
        }
        s = trim((char *)s + 1);
        if (*s != '\0' && *s != '#') {
                *why = "text after the value";
                return -1;
        }
        out[n] = '\0';
        *ret = steal_pointer(&out);
        return 0;
}

static int line_error(burrow_error **err, const char *origin, size_t line, const char *what)
{
        return error_make(err, 0, "%s:%zu: %s", origin, line, what);
}

static int set_value(struct burrow_config *cfg, const char *section, const char *name, char *value, const char *origin,
                     size_t line, burrow_error **err)
{
        for (size_t k = 0; k < CONFIG_N_KEYS; k++) {
                const struct key_info *info = &keys[k];
                bool ok;

                if (strcmp(info->section, section) != 0 || strcmp(info->name, name) != 0)
                        continue;
                ok = info->choices == NULL;
                for (size_t c = 0; info->choices && info->choices[c]; c++)
                        ok = ok || strcmp(info->choices[c], value) == 0;
                if (!ok) {
                        free(value);
                        return error_make(err, 0, "%s:%zu: %s.%s: unknown value", origin, line, section, name);
                }
                if (info->absolute_path && value[0] != '/') {
                        free(value);
                        return error_make(err, 0, "%s:%zu: %s.%s: not an absolute path", origin, line, section, name);
                }
                free(cfg->values[k]);
                cfg->values[k] = value;
                return 0;
        }
        free(value);
        return error_make(err, 0, "%s:%zu: unknown key %s.%s", origin, line, section, name);
}

int config_parse(const char *text, size_t len, const char *origin, struct burrow_config *cfg, burrow_error **err)
{
        _cleanup_free_ char *section = xstrdup("");
        size_t line = 0, pos = 0;

        if (len > CONFIG_MAX_SIZE)
                return error_make(err, EFBIG, "%s: larger than %d bytes", origin, CONFIG_MAX_SIZE);
        while (pos < len) {
                const char *nl = memchr(text + pos, '\n', len - pos);
                size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
                _cleanup_free_ char *buf = NULL, *value = NULL;
                char *s, *eq, *key;
                const char *why = NULL;

                line++;
                if (n > CONFIG_MAX_LINE)
                        return line_error(err, origin, line, "line longer than 4096 bytes");
                if (memchr(text + pos, '\0', n) != NULL)
                        return line_error(err, origin, line, "NUL character");
                buf = xstrndup(text + pos, n);
                pos += n + (nl ? 1 : 0);
                s = trim(buf);
                if (*s == '\0' || *s == '#')
                        continue;
                if (*s == '[') {
                        char *close = strchr(s, ']');
                        if (close == NULL)
                                return line_error(err, origin, line, "unterminated section header");
                        *close = '\0';
                        if (*trim(close + 1) != '\0' && *trim(close + 1) != '#')
                                return line_error(err, origin, line, "text after the section header");
                        s = trim(s + 1);
                        if (!is_bare(s))
                                return line_error(err, origin, line, "bad section name");
                        free(section);
                        section = xstrdup(s);
                        continue;
                }
                eq = strchr(s, '=');
                if (eq == NULL)
                        return line_error(err, origin, line, "expected KEY = VALUE");
                *eq = '\0';
                key = trim(s);
                if (!is_bare(key))
                        return line_error(err, origin, line, "bad key name");
                s = trim(eq + 1);
                if (*s != '"' && *s != '\'')
                        return line_error(err, origin, line, "the value must be a quoted string");
                if (parse_string(s, &value, &why) < 0)
                        return line_error(err, origin, line, why);
                if (section[0] == '\0')
                        return line_error(err, origin, line, "key outside a [section]");
                if (set_value(cfg, section, key, steal_pointer(&value), origin, line, err) < 0)
                        return -1;
        }
        return 0;
}

static int load_file(const char *path, bool must_exist, struct burrow_config *cfg, burrow_error **err)
{
        _cleanup_free_ char *text = NULL;
        size_t len;

        if (file_read_all(path, CONFIG_MAX_SIZE + 1, &text, &len, err) < 0) {
                /* A default location that is not there, or that we cannot even look into (HOME still pointing at
                 * another user's home under sudo or setpriv), is no configuration. */
                if (!must_exist &&
                    ((*err)->errnum == ENOENT || (*err)->errnum == ENOTDIR || (*err)->errnum == EACCES)) {
                        error_free(err);
                        return 0;
                }
                return -1;
        }
        return config_parse(text, len, path, cfg, err);
}

int config_load(struct burrow_config *cfg, burrow_error **err)
{
        const char *env = getenv("BURROW_CONFIG"), *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
        _cleanup_free_ char *user = NULL;

        if (env && env[0])
                return load_file(env, true, cfg, err);
        if (load_file("/etc/burrow/burrow.conf", false, cfg, err) < 0)
                return -1;
        if (xdg && xdg[0] == '/')
                user = xasprintf("%s/burrow/burrow.conf", xdg);
        else if (home && home[0] == '/')
                user = xasprintf("%s/.config/burrow/burrow.conf", home);
        return user ? load_file(user, false, cfg, err) : 0;
}

const char *config_get(const struct burrow_config *cfg, enum config_key key)
{
        return key < CONFIG_N_KEYS ? cfg->values[key] : NULL;
}

void config_clear(struct burrow_config *cfg)
{
        for (size_t k = 0; k < CONFIG_N_KEYS; k++) {
                free(cfg->values[k]);
                cfg->values[k] = NULL;
        }
}
