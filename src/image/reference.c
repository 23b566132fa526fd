/* Image references, following docker's grammar (distribution/reference) and podman's normalization of local names:
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [ registry "/" ] component ( "/" component )*
 *   component := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
 *   tag       := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
 * The first component is a registry when it contains '.' or ':' or is "localhost" (and more components follow). */
#include "image/reference.h"

#include <string.h>

#include "image/digest.h"
#include "util/cleanup.h"

#define NAME_MAX_LEN 255
#define TAG_MAX_LEN  128

static bool is_lower_alnum(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
        return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static bool valid_path_component(const char *s, size_t len)
{
        size_t i = 0;

        if (len == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[len - 1]))
                return false;
        while (i < len) {
                if (is_lower_alnum(s[i])) {
                        i++;
                        continue;
                }
                /* A separator: ".", "_", "__" or a run of "-", always between alphanumerics. */
                if (s[i] == '.' || s[i] == '_') {
                        if (s[i] == '_' && i + 1 < len && s[i + 1] == '_')
                                i++;
                        i++;
                } else if (s[i] == '-') {
                        while (i < len && s[i] == '-')
                                i++;
                } else {
                        return false;
                }
                if (i >= len || !is_lower_alnum(s[i]))
                        return false;
        }
        return true;
}

/* host[:port], host being dot-separated labels of letters, digits and inner hyphens. */
static bool valid_registry(const char *s, size_t len)
{
        const char *colon = memchr(s, ':', len);
        size_t host_len = colon ? (size_t)(colon - s) : len;
        size_t label = 0;

        if (host_len == 0)
                return false;
        for (size_t i = 0; i < host_len; i++) {
                char c = s[i];
                if (c == '.') {
                        if (label == 0 || s[i - 1] == '-')
                                return false;
                        label = 0;
                        continue;
                }
                if (!is_alnum(c) && !(c == '-' && label > 0))
                        return false;
                label++;
        }
        if (label == 0 || s[host_len - 1] == '-')
                return false;
        if (colon) {
                size_t port_len = len - host_len - 1;
                if (port_len == 0 || port_len > 5)
                        return false;
                for (size_t i = host_len + 1; i < len; i++)
                        if (s[i] < '0' || s[i] > '9')
                                return false;
        }
        return true;
}

static bool valid_tag(const char *s)
{
        size_t len = strlen(s);

        if (len == 0 || len > TAG_MAX_LEN || !(is_alnum(s[0]) || s[0] == '_'))
                return false;
        for (size_t i = 1; i < len; i++)
                if (!(is_alnum(s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '-'))
                        return false;
        return true;
}

static bool is_registry_component(const char *s, size_t len)
{
        return memchr(s, '.', len) != NULL || memchr(s, ':', len) != NULL ||
               (len == strlen("localhost") && memcmp(s, "localhost", len) == 0);
}

void reference_clear(image_reference *ref)
{
        free(ref->name);
        free(ref->tag);
        free(ref->digest);
        *ref = (image_reference){0};
}

int reference_parse(const char *s, image_reference *ret, burrow_error **err)
{
        _cleanup_free_ char *copy = NULL, *name = NULL;
        image_reference ref = {0};
        char *at, *slash, *colon, *path;
        size_t first_len;

        if (s == NULL || s[0] == '\0')
                return error_make(err, 0, "invalid reference: empty");
        if (strnlen(s, REFERENCE_MAX + 1) > REFERENCE_MAX)
                return error_make(err, 0, "invalid reference: longer than %d bytes", REFERENCE_MAX);
        copy = xstrdup(s);

        at = strchr(copy, '@');
        if (at) {
                burrow_error *derr = NULL;
                *at = '\0';
                if (digest_validate(at + 1, &derr) < 0) {
                        error_free(&derr);
                        return error_make(err, 0, "invalid reference \"%s\": bad digest (want sha256:<64 hex>)", s);
                }
        }
        slash = strrchr(copy, '/');
        colon = strrchr(slash ? slash : copy, ':');
        if (colon) {
                *colon = '\0';
                if (!valid_tag(colon + 1))
                        return error_make(err, 0, "invalid reference \"%s\": invalid tag \"%s\"", s, colon + 1);
        }
        if (copy[0] == '\0')
                return error_make(err, 0, "invalid reference \"%s\": empty name", s);

        first_len = strcspn(copy, "/");
        if (copy[first_len] == '/' && is_registry_component(copy, first_len)) {
                if (!valid_registry(copy, first_len))
                        return error_make(err, 0, "invalid reference \"%s\": invalid registry \"%.*s\"", s,
                                          (int)first_len, copy);
                ref.explicit_registry = true;
                path = copy + first_len + 1;
                name = xstrdup(copy);
        } else {
                path = copy;
                name = xasprintf("localhost/%s", copy);
        }
        for (const char *p = path;;) {
                size_t len = strcspn(p, "/");
                if (!valid_path_component(p, len)) {
                        for (size_t i = 0; i < len; i++)
                                if (p[i] >= 'A' && p[i] <= 'Z')
                                        return error_make(
                                            err, 0, "invalid reference \"%s\": repository name must be lowercase", s);
                        return error_make(err, 0, "invalid reference \"%s\": invalid name component \"%.*s\"", s,
                                          (int)len, p);
                }
                if (p[len] == '\0')
                        break;
                p += len + 1;
        }
        if (strlen(name) > NAME_MAX_LEN)
                return error_make(err, 0, "invalid reference \"%s\": name longer than %d bytes", s, NAME_MAX_LEN);

        ref.name = steal_pointer(&name);
        if (colon)
                ref.tag = xstrdup(colon + 1);
        else if (!at)
                ref.tag = xstrdup("latest");
        if (at)
                ref.digest = xstrdup(at + 1);
        *ret = ref;
        return 0;
}

char *reference_name_tag(const image_reference *ref)
{
        if (ref->tag == NULL)
                return NULL;
        return xasprintf("%s:%s", ref->name, ref->tag);
}

int reference_normalize(const char *s, char **ret, burrow_error **err)
{
        image_reference ref = {0};

        if (reference_parse(s, &ref, err) < 0)
                return -1;
        if (ref.digest) {
                reference_clear(&ref);
                return error_make(err, 0, "invalid name \"%s\": a name cannot contain a digest", s);
        }
        *ret = reference_name_tag(&ref);
        reference_clear(&ref);
        return 0;
}

/* The part of a stored name after its registry. */
static const char *name_path(const char *name)
{
        const char *slash = strchr(name, '/');
        return slash ? slash + 1 : name;
}

bool reference_matches_name(const image_reference *ref, const char *stored)
{
        const char *colon, *slash, *tag, *user_path, *path;
        size_t name_len, path_len;

        slash = strrchr(stored, '/');
        colon = strrchr(slash ? slash : stored, ':');
        if (colon == NULL)
                return false;
        tag = colon + 1;
        name_len = (size_t)(colon - stored);
        if (strcmp(ref->tag ? ref->tag : "latest", tag) != 0)
                return false;
        if (strlen(ref->name) == name_len && strncmp(ref->name, stored, name_len) == 0)
                return true;
        if (ref->explicit_registry)
                return false;
        /* A short name: the same path under any registry, as podman's short-name lookup of local images does. */
        user_path = name_path(ref->name);
        path = name_path(stored);
        path_len = (size_t)(colon - path);
        if (strlen(user_path) == path_len && strncmp(user_path, path, path_len) == 0)
                return true;
        if (strncmp(stored, "docker.io/library/", strlen("docker.io/library/")) == 0 && strchr(user_path, '/') == NULL)
                return strlen(user_path) == path_len - strlen("library/") &&
                       strncmp(user_path, path + strlen("library/"), path_len - strlen("library/")) == 0;
        return false;
}

bool reference_looks_like_id(const char *s)
{
        if (strncmp(s, DIGEST_PREFIX, strlen(DIGEST_PREFIX)) == 0)
                s += strlen(DIGEST_PREFIX);
        return strlen(s) >= 3 && digest_is_hex_prefix(s);
}
