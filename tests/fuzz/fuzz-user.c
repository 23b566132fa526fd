/* parse_user(), then user_resolve() against a passwd and a group file made from the input.
 * Input: USER-SPEC '\0' PASSWD-TEXT '\0' GROUP-TEXT (missing parts are empty; a missing file when the part is "-"). */
#include <stdbool.h>
#include <unistd.h>

#include "fuzz.h"
#include "spec/parse.h"
#include "spec/user.h"

static char dir[] = "/tmp/burrow-fuzz-user-XXXXXX";
static char passwd_path[128], group_path[128];

static void cleanup_files(void)
{
        unlink(passwd_path);
        unlink(group_path);
        rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
        (void)argc;
        (void)argv;
        if (mkdtemp(dir) == NULL)
                abort();
        snprintf(passwd_path, sizeof(passwd_path), "%s/passwd", dir);
        snprintf(group_path, sizeof(group_path), "%s/group", dir);
        atexit(cleanup_files);
        return 0;
}

/* Writes the part as the file, or removes the file when the part is "-". */
static void put_file(const char *path, const uint8_t *part, size_t len)
{
        FILE *f;

        unlink(path);
        if (len == 1 && part[0] == '-')
                return;
        f = fopen(path, "w");
        if (f == NULL)
                abort();
        if (len > 0 && fwrite(part, 1, len, f) != len)
                abort();
        if (fclose(f) != 0)
                abort();
}

static void check_resolved(const struct user_resolved *u)
{
        FUZZ_ASSERT(u->home != NULL && u->home[0] != '\0');
        FUZZ_ASSERT(u->n_groups <= 65536);
        /* The primary group comes first (as after initgroups), then each other group once. */
        FUZZ_ASSERT(u->n_groups >= 1 && u->groups != NULL && u->groups[0] == u->gid);
        for (size_t i = 1; i < u->n_groups; i++) {
                FUZZ_ASSERT(u->groups[i] != u->gid);
                for (size_t j = 0; j < i; j++)
                        FUZZ_ASSERT(u->groups[i] != u->groups[j]);
        }
}

static void resolve(const struct spec_user *spec)
{
        struct user_resolved u = {0};
        burrow_error *err = NULL;

        if (user_resolve(spec, passwd_path, group_path, &u, &err) == 0) {
                FUZZ_ASSERT(err == NULL);
                check_resolved(&u);
                user_resolved_clear(&u);
        } else {
                FUZZ_ASSERT(err != NULL && err->msg != NULL);
                FUZZ_ASSERT(u.home == NULL && u.groups == NULL);
                error_free(&err);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const uint8_t *end = data + size, *nul1, *nul2;
        const uint8_t *passwd = end, *group = end;
        size_t passwd_len = 0, group_len = 0;
        struct spec_user spec = {0};
        burrow_error *err = NULL;
        char *arg;

        nul1 = memchr(data, '\0', size);
        if (nul1 != NULL) {
                passwd = nul1 + 1;
                nul2 = memchr(passwd, '\0', (size_t)(end - passwd));
                passwd_len = (size_t)((nul2 ? nul2 : end) - passwd);
                if (nul2 != NULL) {
                        group = nul2 + 1;
                        group_len = (size_t)(end - group);
                }
        }
        arg = fuzz_strndup(data, nul1 ? (size_t)(nul1 - data) : size);
        put_file(passwd_path, passwd, passwd_len);
        put_file(group_path, group, group_len);

        if (parse_user(arg, &spec, &err) == 0) {
                FUZZ_ASSERT(err == NULL && spec.user != NULL && spec.user[0] != '\0');
                FUZZ_ASSERT(spec.group == NULL || spec.group[0] != '\0');
                FUZZ_ASSERT(strlen(spec.user) <= PARSE_MAX_ARG);
                resolve(&spec);
                free(spec.user);
                free(spec.group);
        } else {
                FUZZ_ASSERT(err != NULL && spec.user == NULL);
                error_free(&err);
                /* user_resolve() must survive whatever the spec holds, also what parse_user() refuses. */
                char *colon = strchr(arg, ':');
                struct spec_user raw = {arg, NULL};
                if (colon != NULL) {
                        *colon = '\0';
                        raw.group = colon + 1;
                }
                resolve(&raw);
        }
        {
                /* The default user: uid 0. */
                struct spec_user none = {NULL, NULL};
                resolve(&none);
        }
        free(arg);
        return 0;
}
