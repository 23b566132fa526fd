/* parse_env() on the input as one argument and parse_env_file() on the input as a file. */
#include "fuzz.h"
#include "spec/parse.h"

static const char *fuzz_lookup(const char *key)
{
        if (strcmp(key, "HOME") == 0)
                return "/root";
        if (key[0] == 'E')
                return "";
        return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *arg = fuzz_strndup(data, size);
        burrow_error *err = NULL;
        strv out = {0};
        char *entry = NULL;

        if (parse_env(arg, fuzz_lookup, &entry, &err) == 0) {
                FUZZ_ASSERT(err == NULL);
                if (entry != NULL) {
                        size_t keylen = strcspn(entry, "=");
                        FUZZ_ASSERT(keylen > 0 && entry[keylen] == '=');
                        FUZZ_ASSERT(strncmp(entry, arg, keylen) == 0);
                        free(entry);
                } else {
                        FUZZ_ASSERT(strchr(arg, '=') == NULL);
                }
        } else {
                FUZZ_ASSERT(err != NULL && err->msg != NULL);
                error_free(&err);
        }

        strv_push(&out, "PRESET=1");
        if (parse_env_file((const char *)data, size, fuzz_lookup, &out, &err) == 0) {
                FUZZ_ASSERT(err == NULL);
                for (size_t i = 0; i < out.len; i++) {
                        size_t keylen = strcspn(out.items[i], "=");
                        FUZZ_ASSERT(keylen > 0 && out.items[i][keylen] == '=');
                        /* Each key once: a later line replaces an earlier one. */
                        for (size_t j = 0; j < i; j++)
                                FUZZ_ASSERT(strncmp(out.items[j], out.items[i], keylen + 1) != 0);
                }
        } else {
                FUZZ_ASSERT(err != NULL && strncmp(err->msg, "line ", 5) == 0);
                FUZZ_ASSERT(out.len == 1);
                error_free(&err);
        }
        strv_clear(&out);
        free(arg);
        return 0;
}
