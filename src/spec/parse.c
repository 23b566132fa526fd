/* Parsers of -v, --tmpfs, -e, --env-file, -u, --uidmap and boolean flag values. They follow what docker and podman
 * users already type; every one of them bounds its input first and returns its result only on success. */
#include "spec/parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "util/cleanup.h"
#include "util/fileutil.h"

/* Longest user or group name we accept (useradd's limit on most distributions). */
#define USER_NAME_MAX 32

/* Whitespace as the C locale defines it; a key containing any of it is always a typo. */
static bool is_space(char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static int check_length(const char *what, const char *arg, burrow_error **err)
{
        if (arg == NULL)
                return error_make(err, 0, "invalid %s: missing argument", what);
        if (strnlen(arg, PARSE_MAX_ARG + 1) > PARSE_MAX_ARG)
                return error_make(err, 0, "invalid %s: longer than %d bytes", what, PARSE_MAX_ARG);
        return 0;
}

char *path_clean(const char *path)
{
        _cleanup_free_ char *out = NULL;
        size_t len = 0;
        const char *p;

        if (path == NULL || path[0] != '/')
                return NULL;

        out = xmalloc(strlen(path) + 2);
        out[len++] = '/';
        p = path;
        while (*p != '\0') {
                const char *seg;
                size_t seglen;

                while (*p == '/')
                        p++;
                seg = p;
                seglen = strcspn(seg, "/");
                p += seglen;
                if (seglen == 0 || (seglen == 1 && seg[0] == '.'))
                        continue;
                if (seglen == 2 && seg[0] == '.' && seg[1] == '.') {
                        /* Drop the last component; ".." of "/" is "/". */
                        if (len > 1) {
                                while (len > 1 && out[len - 1] != '/')
                                        len--;
                                if (len > 1)
                                        len--; /* the separator before it */
                        }
                        continue;
                }
                if (len > 1)
                        out[len++] = '/';
                memcpy(out + len, seg, seglen);
                len += seglen;
        }
        out[len] = '\0';
        return steal_pointer(&out);
}

/* The mount destination shared by -v and --tmpfs: absolute, cleaned, and not the root itself. */
static int parse_destination(const char *what, const char *arg, const char *dst, char **ret, burrow_error **err)
{
        char *clean;

        if (dst[0] == '\0')
                return error_make(err, 0, "invalid %s \"%s\": destination is empty", what, arg);
        if (dst[0] != '/')
                return error_make(err, 0, "invalid %s \"%s\": destination must be an absolute path", what, arg);
        clean = path_clean(dst);
        if (strcmp(clean, "/") == 0) {
                free(clean);
                return error_make(err, 0, "invalid %s \"%s\": destination must not be \"/\"", what, arg);
        }
        *ret = clean;
        return 0;
}

/* Mount options come in groups (ro/rw, suid/nosuid, ...): each group may be given once, so that "ro,rw" and
 * "ro,ro" are both reported instead of silently picking one. */
enum option_group {
        GROUP_RW,
        GROUP_SUID,
        GROUP_DEV,
        GROUP_EXEC,
        GROUP_RECURSIVE,
        GROUP_PROPAGATION,
        GROUP_RELABEL,
        GROUP_COPYUP,
        GROUP_SIZE,
        GROUP_MODE,
        GROUP_UID,
        GROUP_GID,
        GROUP_NR_INODES,
        _GROUP_MAX,
};

enum option_applies {
        FOR_VOLUME = 1 << 0,
        FOR_TMPFS = 1 << 1,
};

struct flag_option {
        const char *name;
        enum option_group group;
        unsigned applies;
        unsigned long set;         /* bits added to flags */
        unsigned long clear;       /* bits removed from flags */
        unsigned long propagation; /* the propagation it selects, for GROUP_PROPAGATION */
};

static const struct flag_option flag_options[] = {
    {"ro", GROUP_RW, FOR_VOLUME | FOR_TMPFS, MS_RDONLY, 0, 0},
    {"rw", GROUP_RW, FOR_VOLUME | FOR_TMPFS, 0, MS_RDONLY, 0},
    {"nosuid", GROUP_SUID, FOR_VOLUME | FOR_TMPFS, MS_NOSUID, 0, 0},
    {"suid", GROUP_SUID, FOR_VOLUME | FOR_TMPFS, 0, MS_NOSUID, 0},
    {"nodev", GROUP_DEV, FOR_VOLUME | FOR_TMPFS, MS_NODEV, 0, 0},
    {"dev", GROUP_DEV, FOR_VOLUME | FOR_TMPFS, 0, MS_NODEV, 0},
    {"noexec", GROUP_EXEC, FOR_VOLUME | FOR_TMPFS, MS_NOEXEC, 0, 0},
    {"exec", GROUP_EXEC, FOR_VOLUME | FOR_TMPFS, 0, MS_NOEXEC, 0},
    {"bind", GROUP_RECURSIVE, FOR_VOLUME, 0, MS_REC, 0},
    {"rbind", GROUP_RECURSIVE, FOR_VOLUME, MS_REC, 0, 0},
    {"private", GROUP_PROPAGATION, FOR_VOLUME, 0, 0, MS_PRIVATE},
    {"rprivate", GROUP_PROPAGATION, FOR_VOLUME, 0, 0, MS_PRIVATE | MS_REC},
    {"slave", GROUP_PROPAGATION, FOR_VOLUME, 0, 0, MS_SLAVE},
    {"rslave", GROUP_PROPAGATION, FOR_VOLUME, 0, 0, MS_SLAVE | MS_REC},
    {"shared", GROUP_PROPAGATION, FOR_VOLUME, 0, 0, MS_SHARED},
    {"rshared", GROUP_PROPAGATION, FOR_VOLUME, 0, 0, MS_SHARED | MS_REC},
    /* SELinux relabeling: accepted for command-line compatibility, nothing to relabel without SELinux. */
    {"z", GROUP_RELABEL, FOR_VOLUME, 0, 0, 0},
    {"Z", GROUP_RELABEL, FOR_VOLUME, 0, 0, 0},
    /* podman copies the image's directory content into the tmpfs; an empty tmpfs is what we offer. */
    {"tmpcopyup", GROUP_COPYUP, FOR_TMPFS, 0, 0, 0},
    {"notmpcopyup", GROUP_COPYUP, FOR_TMPFS, 0, 0, 0},
};

/* tmpfs options passed to the kernel in the mount data; each validates its value and returns the kernel's text. */
enum value_kind {
        VALUE_SIZE,  /* N[k|m|g] or N% */
        VALUE_COUNT, /* N[k|m|g] */
        VALUE_MODE,  /* octal <= 07777 */
        VALUE_ID,    /* uint32, not (uid_t)-1 */
};

struct value_option {
        const char *name; /* without the '=' */
        enum option_group group;
        enum value_kind kind;
        const char *expected; /* for the error message */
};

static const struct value_option value_options[] = {
    {"size", GROUP_SIZE, VALUE_SIZE, "a number with an optional k, m or g suffix, or a percentage"},
    {"nr_inodes", GROUP_NR_INODES, VALUE_COUNT, "a number with an optional k, m or g suffix"},
    {"mode", GROUP_MODE, VALUE_MODE, "an octal mode up to 7777"},
    {"uid", GROUP_UID, VALUE_ID, "a number below 4294967295"},
    {"gid", GROUP_GID, VALUE_ID, "a number below 4294967295"},
};

/* A decimal number with an optional binary suffix (k, m, g, as the kernel's memparse); `percent` allows "N%". */
static bool valid_quantity(const char *v, bool percent)
{
        uint64_t n = 0, mult = 1;
        const char *p = v;

        if (*p < '0' || *p > '9')
                return false;
        for (; *p >= '0' && *p <= '9'; p++) {
                if (n > (UINT64_MAX - 9) / 10)
                        return false;
                n = n * 10 + (uint64_t)(*p - '0');
        }
        switch (*p) {
        case '\0':
                return true;
        case 'k':
        case 'K':
                mult = UINT64_C(1) << 10;
                break;
        case 'm':
        case 'M':
                mult = UINT64_C(1) << 20;
                break;
        case 'g':
        case 'G':
                mult = UINT64_C(1) << 30;
                break;
        case '%':
                if (!percent)
                        return false;
                break;
        default:
                return false;
        }
        if (p[1] != '\0')
                return false;
        return n <= UINT64_MAX / mult;
}

static char *value_option_text(const struct value_option *o, const char *v)
{
        unsigned int n;

        switch (o->kind) {
        case VALUE_SIZE:
                return valid_quantity(v, true) ? xasprintf("%s=%s", o->name, v) : NULL;
        case VALUE_COUNT:
                return valid_quantity(v, false) ? xasprintf("%s=%s", o->name, v) : NULL;
        case VALUE_MODE:
                if (*v == '\0' || strspn(v, "01234567") != strlen(v))
                        return NULL;
                n = 0;
                for (const char *p = v; *p; p++) {
                        n = n * 8 + (unsigned)(*p - '0');
                        if (n > 07777)
                                return NULL;
                }
                return xasprintf("mode=%o", n);
        case VALUE_ID:
                if (parse_uint32(v, &n) < 0 || n == UINT32_MAX)
                        return NULL;
                return xasprintf("%s=%u", o->name, n);
        }
        return NULL;
}

char *parse_tmpfs_data_option(const char *opt, const char **ret_expected)
{
        const char *eq = strchr(opt, '=');

        *ret_expected = NULL;
        if (eq == NULL)
                return NULL;
        for (size_t i = 0; i < sizeof(value_options) / sizeof(value_options[0]); i++)
                if (strlen(value_options[i].name) == (size_t)(eq - opt) &&
                    strncmp(value_options[i].name, opt, (size_t)(eq - opt)) == 0) {
                        char *text = value_option_text(&value_options[i], eq + 1);
                        if (text == NULL)
                                *ret_expected = value_options[i].expected;
                        return text;
                }
        return NULL;
}

/* Parses the comma-separated options of -v or --tmpfs into flags, propagation and (tmpfs) mount data. */
static int parse_mount_options(const char *what, const char *arg, const char *opts, unsigned applies,
                               unsigned long *flags, unsigned long *propagation, char **ret_data, burrow_error **err)
{
        const char *seen[_GROUP_MAX] = {0};
        _cleanup_free_ char *copy = xstrdup(opts);
        _cleanup_free_ char *data = NULL;
        unsigned long f = *flags, prop = *propagation;
        char *save = NULL, *opt;

        if (opts[0] == '\0' || opts[0] == ',' || opts[strlen(opts) - 1] == ',' || strstr(opts, ",,") != NULL)
                return error_make(err, 0, "invalid %s \"%s\": empty mount option", what, arg);

        for (opt = strtok_r(copy, ",", &save); opt != NULL; opt = strtok_r(NULL, ",", &save)) {
                const struct flag_option *fo = NULL;
                const struct value_option *vo = NULL;
                enum option_group group;
                _cleanup_free_ char *text = NULL;
                const char *eq = strchr(opt, '=');

                if (eq == NULL) {
                        for (size_t i = 0; i < sizeof(flag_options) / sizeof(flag_options[0]); i++)
                                if ((flag_options[i].applies & applies) && strcmp(flag_options[i].name, opt) == 0)
                                        fo = &flag_options[i];
                } else if (applies & FOR_TMPFS) {
                        for (size_t i = 0; i < sizeof(value_options) / sizeof(value_options[0]); i++)
                                if (strlen(value_options[i].name) == (size_t)(eq - opt) &&
                                    strncmp(value_options[i].name, opt, (size_t)(eq - opt)) == 0)
                                        vo = &value_options[i];
                }
                if (fo == NULL && vo == NULL)
                        return error_make(err, 0, "invalid %s \"%s\": unknown option \"%s\"", what, arg, opt);

                group = fo ? fo->group : vo->group;
                if (seen[group] != NULL) {
                        if (strcmp(seen[group], fo ? fo->name : vo->name) == 0)
                                return error_make(err, 0, "invalid %s \"%s\": option \"%s\" given twice", what, arg,
                                                  seen[group]);
                        return error_make(err, 0, "invalid %s \"%s\": options \"%s\" and \"%s\" conflict", what, arg,
                                          seen[group], fo ? fo->name : vo->name);
                }
                seen[group] = fo ? fo->name : vo->name;

                if (fo != NULL) {
                        f = (f | fo->set) & ~fo->clear;
                        if (fo->group == GROUP_PROPAGATION)
                                prop = fo->propagation;
                        continue;
                }
                text = value_option_text(vo, eq + 1);
                if (text == NULL)
                        return error_make(err, 0, "invalid %s \"%s\": invalid value in \"%s\": expected %s", what, arg,
                                          opt, vo->expected);
                if (data == NULL) {
                        data = steal_pointer(&text);
                } else {
                        char *joined = xasprintf("%s,%s", data, text);
                        free(data);
                        data = joined;
                }
        }

        *flags = f;
        *propagation = prop;
        *ret_data = steal_pointer(&data);
        return 0;
}

int parse_volume(const char *arg, struct spec_mount *ret, burrow_error **err)
{
        _cleanup_free_ char *copy = NULL, *destination = NULL, *data = NULL;
        unsigned long flags = MS_REC, propagation = 0;
        char *src, *dst, *opts = NULL, *colon;

        if (check_length("volume", arg, err) < 0)
                return -1;

        copy = xstrdup(arg);
        src = copy;
        colon = strchr(src, ':');
        if (colon == NULL) {
                if (src[0] != '/')
                        return error_make(err, 0, "invalid volume \"%s\": expected SRC:DST[:OPTIONS]", arg);
                return error_make(
                    err, 0, "invalid volume \"%s\": anonymous volumes are not supported; give HOST-PATH:%s", arg, arg);
        }
        *colon = '\0';
        dst = colon + 1;
        colon = strchr(dst, ':');
        if (colon != NULL) {
                *colon = '\0';
                opts = colon + 1;
                if (strchr(opts, ':') != NULL)
                        return error_make(err, 0, "invalid volume \"%s\": too many colons; expected SRC:DST[:OPTIONS]",
                                          arg);
        }

        if (src[0] == '\0')
                return error_make(err, 0, "invalid volume \"%s\": source is empty", arg);
        if (src[0] != '/' && src[0] != '.')
                return error_make(err, 0, "invalid volume \"%s\": named volumes are not supported; give a host path",
                                  arg);
        if (parse_destination("volume", arg, dst, &destination, err) < 0)
                return -1;
        if (opts != NULL && parse_mount_options("volume", arg, opts, FOR_VOLUME, &flags, &propagation, &data, err) < 0)
                return -1;

        *ret = (struct spec_mount){
            .type = SPEC_MOUNT_BIND,
            .source = xstrdup(src),
            .destination = steal_pointer(&destination),
            .flags = flags,
            .propagation = propagation,
            .data = steal_pointer(&data),
        };
        return 0;
}

int parse_tmpfs(const char *arg, struct spec_mount *ret, burrow_error **err)
{
        _cleanup_free_ char *copy = NULL, *destination = NULL, *data = NULL;
        unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC, propagation = 0;
        char *dst, *opts = NULL, *colon;

        if (check_length("tmpfs", arg, err) < 0)
                return -1;

        copy = xstrdup(arg);
        dst = copy;
        colon = strchr(dst, ':');
        if (colon != NULL) {
                *colon = '\0';
                opts = colon + 1;
                if (strchr(opts, ':') != NULL)
                        return error_make(err, 0, "invalid tmpfs \"%s\": too many colons; expected DST[:OPTIONS]", arg);
        }
        if (parse_destination("tmpfs", arg, dst, &destination, err) < 0)
                return -1;
        if (opts != NULL && parse_mount_options("tmpfs", arg, opts, FOR_TMPFS, &flags, &propagation, &data, err) < 0)
                return -1;

        *ret = (struct spec_mount){
            .type = SPEC_MOUNT_TMPFS,
            .source = NULL,
            .destination = steal_pointer(&destination),
            .flags = flags,
            .propagation = propagation,
            .data = steal_pointer(&data),
        };
        return 0;
}

/* One "KEY=VALUE" or "KEY" of -e or of an env file line (already trimmed); `where` prefixes errors. */
static int parse_env_entry(const char *where, const char *entry, const char *(*lookup)(const char *key), char **ret,
                           burrow_error **err)
{
        size_t keylen = strcspn(entry, "=");
        const char *value;

        if (keylen == 0)
                return error_make(err, 0, "%s\"%s\": the variable name is empty", where, entry);
        for (size_t i = 0; i < keylen; i++)
                if (is_space(entry[i]))
                        return error_make(err, 0, "%s\"%.*s\": the variable name contains whitespace", where,
                                          (int)keylen, entry);

        if (entry[keylen] == '=') {
                *ret = xstrdup(entry);
                return 0;
        }
        /* "-e KEY" passes the caller's value through; docker drops the variable when it is unset. */
        value = lookup ? lookup(entry) : NULL;
        *ret = value ? xasprintf("%s=%s", entry, value) : NULL;
        return 0;
}

int parse_env(const char *arg, const char *(*lookup)(const char *key), char **ret, burrow_error **err)
{
        if (check_length("environment variable", arg, err) < 0)
                return -1;
        return parse_env_entry("invalid environment variable ", arg, lookup, ret, err);
}

/* Docker rejects env files that are not UTF-8 rather than passing bytes the workload may misread. */
static bool utf8_valid(const unsigned char *s, size_t len)
{
        size_t i = 0;

        while (i < len) {
                unsigned char c = s[i];
                size_t n;
                uint32_t cp;

                if (c < 0x80) {
                        i++;
                        continue;
                } else if (c >= 0xc2 && c <= 0xdf) {
                        n = 1;
                        cp = c & 0x1f;
                } else if (c >= 0xe0 && c <= 0xef) {
                        n = 2;
                        cp = c & 0x0f;
                } else if (c >= 0xf0 && c <= 0xf4) {
                        n = 3;
                        cp = c & 0x07;
                } else {
                        return false;
                }
                if (len - i <= n)
                        return false;
                for (size_t k = 1; k <= n; k++) {
                        if ((s[i + k] & 0xc0) != 0x80)
                                return false;
                        cp = (cp << 6) | (s[i + k] & 0x3f);
                }
                /* No overlong forms, no surrogates, nothing past U+10FFFF. */
                if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
                    (cp >= 0xd800 && cp <= 0xdfff))
                        return false;
                i += n + 1;
        }
        return true;
}

int parse_env_file(const char *buf, size_t len, const char *(*lookup)(const char *key), strv *out, burrow_error **err)
{
        _cleanup_strv_ strv entries = {0};
        size_t pos = 0, lineno = 0;

        if (buf == NULL && len > 0)
                return error_make(err, EINVAL, "invalid env file");

        while (pos < len) {
                const char *line = buf + pos;
                const char *nl = memchr(line, '\n', len - pos);
                size_t linelen = nl ? (size_t)(nl - line) : len - pos;
                _cleanup_free_ char *text = NULL, *where = NULL;
                char *entry = NULL;
                const char *p;

                pos += linelen + (nl ? 1 : 0);
                lineno++;
                /* Lines end in "\n" or "\r\n". */
                if (linelen > 0 && line[linelen - 1] == '\r')
                        linelen--;
                if (lineno == 1 && linelen >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
                        line += 3;
                        linelen -= 3;
                }
                if (linelen > PARSE_MAX_ARG)
                        return error_make(err, 0, "line %zu: longer than %d bytes", lineno, PARSE_MAX_ARG);
                if (memchr(line, '\0', linelen) != NULL)
                        return error_make(err, 0, "line %zu: contains a NUL byte", lineno);
                if (!utf8_valid((const unsigned char *)line, linelen))
                        return error_make(err, 0, "line %zu: invalid UTF-8", lineno);

                text = xstrndup(line, linelen);
                p = text;
                while (is_space(*p))
                        p++;
                if (*p == '\0' || *p == '#')
                        continue;

                where = xasprintf("line %zu: ", lineno);
                if (parse_env_entry(where, p, lookup, &entry, err) < 0)
                        return -1;
                if (entry != NULL)
                        strv_push_owned(&entries, entry);
        }

        for (size_t i = 0; i < entries.len; i++) {
                strv_env_set_owned(out, entries.items[i]);
                entries.items[i] = NULL;
        }
        return 0;
}

static bool is_number(const char *s)
{
        return s[0] != '\0' && strspn(s, "0123456789") == strlen(s);
}

/* A user or group of -u: a number (uint32, not the kernel's -1) or a portable name. */
static int check_user_part(const char *what, const char *arg, const char *part, burrow_error **err)
{
        size_t len = strlen(part);
        unsigned int id;

        if (len == 0)
                return error_make(err, 0, "invalid user \"%s\": the %s is empty", arg, what);
        if (is_number(part)) {
                if (parse_uint32(part, &id) < 0 || id == UINT32_MAX)
                        return error_make(err, 0, "invalid user \"%s\": %s id %s is out of range", arg, what, part);
                return 0;
        }
        if (len > USER_NAME_MAX)
                return error_make(err, 0, "invalid user \"%s\": %s name is longer than %d characters", arg, what,
                                  USER_NAME_MAX);
        if (part[0] == '-')
                return error_make(err, 0, "invalid user \"%s\": %s name must not start with '-'", arg, what);
        for (const char *p = part; *p; p++)
                if (!isascii((unsigned char)*p) || !(isalnum((unsigned char)*p) || *p == '.' || *p == '_' || *p == '-'))
                        return error_make(err, 0, "invalid user \"%s\": %s name may contain only A-Z a-z 0-9 . _ -",
                                          arg, what);
        return 0;
}

int parse_user(const char *arg, struct spec_user *ret, burrow_error **err)
{
        _cleanup_free_ char *user = NULL;
        const char *colon;
        char *group = NULL;

        if (check_length("user", arg, err) < 0)
                return -1;

        colon = strchr(arg, ':');
        if (colon != NULL && strchr(colon + 1, ':') != NULL)
                return error_make(err, 0, "invalid user \"%s\": expected USER[:GROUP]", arg);
        user = colon ? xstrndup(arg, (size_t)(colon - arg)) : xstrdup(arg);
        if (check_user_part("user", arg, user, err) < 0)
                return -1;
        if (colon != NULL && check_user_part("group", arg, colon + 1, err) < 0)
                return -1;
        if (colon != NULL)
                group = xstrdup(colon + 1);

        ret->user = steal_pointer(&user);
        ret->group = group;
        return 0;
}

int parse_idmap(const char *arg, struct idmap_range *ret, burrow_error **err)
{
        _cleanup_free_ char *copy = NULL;
        const char *names[3] = {"container id", "host id", "count"};
        unsigned int v[3];
        char *part, *next;

        if (check_length("id mapping", arg, err) < 0)
                return -1;

        copy = xstrdup(arg);
        part = copy;
        for (int i = 0; i < 3; i++) {
                next = strchr(part, ':');
                if ((i < 2) != (next != NULL) || part[0] == '\0')
                        return error_make(err, 0, "invalid id mapping \"%s\": expected CONTAINER:HOST:COUNT", arg);
                if (next != NULL)
                        *next = '\0';
                if (parse_uint32(part, &v[i]) < 0)
                        return error_make(err, 0, "invalid id mapping \"%s\": %s \"%s\" is not a number below 2^32",
                                          arg, names[i], part);
                if (next != NULL)
                        part = next + 1;
        }
        if (v[2] == 0)
                return error_make(err, 0, "invalid id mapping \"%s\": count must be at least 1", arg);
        /* The kernel rejects a range whose end wraps around 32 bits, and so (uid_t)-1 itself. */
        if ((uint64_t)v[0] + v[2] > UINT32_MAX)
                return error_make(err, 0, "invalid id mapping \"%s\": container ids overflow 32 bits", arg);
        if ((uint64_t)v[1] + v[2] > UINT32_MAX)
                return error_make(err, 0, "invalid id mapping \"%s\": host ids overflow 32 bits", arg);

        *ret = (struct idmap_range){.container_id = v[0], .host_id = v[1], .size = v[2]};
        return 0;
}

int parse_bool(const char *arg, bool *ret)
{
        static const char *const yes[] = {"true", "1", "yes"}, *const no[] = {"false", "0", "no"};

        if (arg == NULL)
                return -1;
        for (size_t i = 0; i < 3; i++) {
                if (strcasecmp(arg, yes[i]) == 0) {
                        *ret = true;
                        return 0;
                }
                if (strcasecmp(arg, no[i]) == 0) {
                        *ret = false;
                        return 0;
                }
        }
        return -1;
}

/* docker's --ulimit names, as data. */
static const struct {
        const char *name;
        int resource;
} ulimit_names[] = {
    {"as", RLIMIT_AS},           {"core", RLIMIT_CORE},         {"cpu", RLIMIT_CPU},
    {"data", RLIMIT_DATA},       {"fsize", RLIMIT_FSIZE},       {"locks", RLIMIT_LOCKS},
    {"memlock", RLIMIT_MEMLOCK}, {"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE},
    {"nofile", RLIMIT_NOFILE},   {"nproc", RLIMIT_NPROC},       {"rss", RLIMIT_RSS},
    {"rtprio", RLIMIT_RTPRIO},   {"rttime", RLIMIT_RTTIME},     {"sigpending", RLIMIT_SIGPENDING},
    {"stack", RLIMIT_STACK},
};

static int parse_rlimit_value(const char *s, uint64_t *ret)
{
        uint64_t v = 0;

        if (strcmp(s, "-1") == 0 || strcmp(s, "unlimited") == 0) {
                *ret = RLIM_INFINITY;
                return 0;
        }
        if (s[0] == '\0' || strlen(s) > 20)
                return -1;
        for (const char *p = s; *p; p++) {
                if (*p < '0' || *p > '9')
                        return -1;
                if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
                        return -1;
                v = v * 10 + (uint64_t)(*p - '0');
        }
        if (v == RLIM_INFINITY)
                return -1;
        *ret = v;
        return 0;
}

int parse_ulimit(const char *arg, struct spec_rlimit *ret, burrow_error **err)
{
        _cleanup_free_ char *copy = NULL;
        char *eq, *colon;
        uint64_t soft, hard;
        int resource = -1;

        if (check_length("ulimit", arg, err) < 0)
                return -1;
        copy = xstrdup(arg);
        eq = strchr(copy, '=');
        if (eq == NULL || eq == copy)
                return error_make(err, 0, "invalid ulimit \"%s\": expected NAME=SOFT[:HARD]", arg);
        *eq = '\0';
        for (size_t i = 0; i < sizeof(ulimit_names) / sizeof(ulimit_names[0]); i++)
                if (strcmp(copy, ulimit_names[i].name) == 0)
                        resource = ulimit_names[i].resource;
        if (resource < 0)
                return error_make(err, 0, "invalid ulimit \"%s\": unknown limit \"%s\"", arg, copy);
        colon = strchr(eq + 1, ':');
        if (colon)
                *colon = '\0';
        if (parse_rlimit_value(eq + 1, &soft) < 0 || (colon && parse_rlimit_value(colon + 1, &hard) < 0))
                return error_make(err, 0, "invalid ulimit \"%s\": limits are numbers, -1 or unlimited", arg);
        if (!colon)
                hard = soft;
        /* RLIM_INFINITY is the largest value, so "unlimited" compares correctly too. */
        if (soft > hard)
                return error_make(err, 0, "invalid ulimit \"%s\": the soft limit exceeds the hard limit", arg);
        *ret = (struct spec_rlimit){.resource = resource, .soft = soft, .hard = hard};
        return 0;
}

int parse_path_list(const char *what, const char *arg, strv *out, burrow_error **err)
{
        _cleanup_strv_ strv paths = {0};
        _cleanup_free_ char *copy = NULL;
        char *save = NULL;

        if (check_length(what, arg, err) < 0)
                return -1;
        copy = xstrdup(arg);
        if (copy[0] == '\0')
                return error_make(err, 0, "invalid %s \"%s\": no path given", what, arg);
        for (char *p = strtok_r(copy, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
                char *clean = path_clean(p);
                if (clean == NULL)
                        return error_make(err, 0, "invalid %s \"%s\": \"%s\" is not an absolute path", what, arg, p);
                strv_push_owned(&paths, clean);
        }
        if (paths.len == 0)
                return error_make(err, 0, "invalid %s \"%s\": no path given", what, arg);
        for (size_t i = 0; i < paths.len; i++) {
                strv_push_owned(out, paths.items[i]);
                paths.items[i] = NULL;
        }
        paths.len = 0;
        return 0;
}
