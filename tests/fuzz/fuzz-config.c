/* config_parse() on arbitrary text: either every key it set holds an allowed value, or one error with file:line. */
#include "fuzz.h"
#include "spec/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct burrow_config cfg = {0};
        burrow_error *err = NULL;

        if (config_parse((const char *)data, size, "fuzz.conf", &cfg, &err) == 0) {
                const char *root = config_get(&cfg, CONFIG_STORAGE_ROOT);
                FUZZ_ASSERT(err == NULL);
                FUZZ_ASSERT(root == NULL || root[0] == '/');
        } else {
                FUZZ_ASSERT(err != NULL && strncmp(err->msg, "fuzz.conf", 9) == 0);
                error_free(&err);
        }
        config_clear(&cfg);
        return 0;
}
