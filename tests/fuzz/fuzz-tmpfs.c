/* parse_tmpfs() on arbitrary bytes. */
#include <sys/mount.h>

#include "fuzz.h"
#include "spec/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *arg = fuzz_strndup(data, size);
        struct spec_mount m = {0};
        burrow_error *err = NULL;

        if (parse_tmpfs(arg, &m, &err) == 0) {
                FUZZ_ASSERT(err == NULL);
                FUZZ_ASSERT(strlen(arg) <= PARSE_MAX_ARG);
                FUZZ_ASSERT(m.type == SPEC_MOUNT_TMPFS);
                FUZZ_ASSERT(m.source == NULL);
                FUZZ_ASSERT((m.flags & ~(unsigned long)(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)) == 0);
                FUZZ_ASSERT(m.propagation == 0);
                fuzz_check_destination(m.destination);
                if (m.data != NULL) {
                        /* The kernel's syntax: non-empty "key=value" items joined by single commas. */
                        FUZZ_ASSERT(m.data[0] != '\0' && m.data[0] != ',' && strstr(m.data, ",,") == NULL);
                        FUZZ_ASSERT(m.data[strlen(m.data) - 1] != ',' && strchr(m.data, ':') == NULL);
                        FUZZ_ASSERT(strlen(m.data) <= strlen(arg) + 16);
                }
                fuzz_mount_free(&m);
        } else {
                FUZZ_ASSERT(err != NULL && err->msg != NULL && err->msg[0] != '\0');
                FUZZ_ASSERT(m.destination == NULL);
                error_free(&err);
        }
        free(arg);
        return 0;
}
