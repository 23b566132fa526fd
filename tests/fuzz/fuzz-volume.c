/* parse_volume() and path_clean() on arbitrary bytes. */
#include <sys/mount.h>

#include "fuzz.h"
#include "spec/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *arg = fuzz_strndup(data, size);
        struct spec_mount m = {0};
        burrow_error *err = NULL;
        char *clean;

        if (parse_volume(arg, &m, &err) == 0) {
                FUZZ_ASSERT(err == NULL);
                FUZZ_ASSERT(strlen(arg) <= PARSE_MAX_ARG);
                FUZZ_ASSERT(m.type == SPEC_MOUNT_BIND);
                FUZZ_ASSERT(m.source != NULL && (m.source[0] == '/' || m.source[0] == '.'));
                FUZZ_ASSERT(strchr(m.source, ':') == NULL);
                FUZZ_ASSERT((m.flags & ~(unsigned long)(MS_REC | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)) == 0);
                FUZZ_ASSERT(m.data == NULL);
                fuzz_check_destination(m.destination);
                fuzz_mount_free(&m);
        } else {
                FUZZ_ASSERT(err != NULL && err->msg != NULL && err->msg[0] != '\0');
                FUZZ_ASSERT(m.source == NULL && m.destination == NULL);
                error_free(&err);
        }

        /* path_clean() is idempotent and leaves no "//", "/./" or "/../" behind. */
        clean = path_clean(arg);
        if (clean != NULL) {
                char *again = path_clean(clean);
                size_t len = strlen(clean);

                FUZZ_ASSERT(arg[0] == '/');
                FUZZ_ASSERT(again != NULL && strcmp(again, clean) == 0);
                FUZZ_ASSERT(strstr(clean, "//") == NULL && strstr(clean, "/./") == NULL);
                FUZZ_ASSERT(strstr(clean, "/../") == NULL);
                FUZZ_ASSERT(len == 1 || (clean[len - 1] != '/' && strcmp(clean + len - 2, "/.") != 0 &&
                                         (len < 3 || strcmp(clean + len - 3, "/..") != 0)));
                free(again);
                free(clean);
        } else {
                FUZZ_ASSERT(arg[0] != '/');
        }
        free(arg);
        return 0;
}
