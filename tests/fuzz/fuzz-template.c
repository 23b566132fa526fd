/* --format templates (util/template.h): the input is a template, a NUL byte, and a JSON document to render it
 * against (none: null). Any template renders or fails with a one-line error, leaks nothing, and renders the same
 * when parsed once and executed twice. */
#include <json-c/json.h>

#include "fuzz.h"
#include "util/template.h"

static void check_error(burrow_error **err)
{
        FUZZ_ASSERT(*err != NULL && (*err)->msg != NULL && (*err)->msg[0] != '\0');
        FUZZ_ASSERT(strchr((*err)->msg, '\n') == NULL && strchr((*err)->msg, '\r') == NULL);
        FUZZ_ASSERT(strncmp((*err)->msg, "invalid format \"", 16) == 0);
        error_free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const uint8_t *nul = memchr(data, '\0', size);
        size_t format_len = nul != NULL ? (size_t)(nul - data) : size;
        struct json_object *obj = NULL;
        burrow_error *err = NULL;
        template *t = NULL;
        char *format, *out = NULL, *again = NULL;
        int r;

        if (nul != NULL && size > format_len + 1) {
                json_tokener *tok = json_tokener_new();

                if (tok == NULL)
                        abort();
                obj = json_tokener_parse_ex(tok, (const char *)nul + 1, (int)(size - format_len - 1));
                r = json_tokener_get_error(tok) != json_tokener_success;
                json_tokener_free(tok);
                if (r) {
                        json_object_put(obj);
                        return 0;
                }
        }
        format = fuzz_strndup(data, format_len);
        (void)template_is_table(format);

        r = template_render(format, obj, &out, &err);
        if (r == 0) {
                FUZZ_ASSERT(err == NULL && out != NULL);
        } else {
                FUZZ_ASSERT(r == -1 && out == NULL);
                check_error(&err);
        }

        /* Parsing once and executing twice gives what render gave. */
        if (template_parse(format, &t, &err) == 0) {
                FUZZ_ASSERT(err == NULL && t != NULL);
                for (int i = 0; i < 2; i++) {
                        if (template_execute(t, obj, &again, &err) == 0) {
                                FUZZ_ASSERT(err == NULL && again != NULL && out != NULL && strcmp(again, out) == 0);
                                free(again);
                                again = NULL;
                        } else {
                                FUZZ_ASSERT(again == NULL && out == NULL);
                                check_error(&err);
                        }
                }
                template_free(t);
        } else {
                FUZZ_ASSERT(out == NULL);
                check_error(&err);
        }

        free(out);
        free(format);
        json_object_put(obj);
        return 0;
}
