/* parse_ulimit() and parse_path_list() (--ulimit, --security-opt mask=/unmask=) on arbitrary bytes.
 * The first byte selects the parser. */
#include <sys/resource.h>

#include "fuzz.h"
#include "spec/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *arg;
        burrow_error *err = NULL;

        if (size == 0)
                return 0;
        arg = fuzz_strndup(data + 1, size - 1);
        if (data[0] & 1) {
                struct spec_rlimit rl = {0};
                if (parse_ulimit(arg, &rl, &err) == 0) {
                        FUZZ_ASSERT(err == NULL);
                        FUZZ_ASSERT(rl.soft <= rl.hard);
                        FUZZ_ASSERT(rl.resource >= 0 && rl.resource < RLIM_NLIMITS);
                } else {
                        FUZZ_ASSERT(err != NULL && err->msg != NULL && err->msg[0] != '\0');
                        error_free(&err);
                }
        } else {
                strv out = {0};
                if (parse_path_list("mask", arg, &out, &err) == 0) {
                        FUZZ_ASSERT(err == NULL && out.len > 0);
                        for (size_t i = 0; i < out.len; i++) {
                                /* Clean absolute paths: cleaning them again changes nothing. */
                                char *again = path_clean(out.items[i]);
                                FUZZ_ASSERT(again != NULL && strcmp(again, out.items[i]) == 0);
                                free(again);
                        }
                } else {
                        FUZZ_ASSERT(err != NULL && out.len == 0);
                        error_free(&err);
                }
                strv_clear(&out);
        }
        free(arg);
        return 0;
}
