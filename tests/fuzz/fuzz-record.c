/* The container commands' untrusted inputs: a container record and state as found on disk (container.json and
 * state.json may be damaged or hostile), names and signals from the command line, and name-or-id resolution.
 * Input: a selector byte, then the payload. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container/record.h"
#include "fuzz.h"
#include "util/signame.h"

static char dir[] = "/tmp/burrow-fuzz-record.XXXXXX";
static bool have_dir;

static void write_file(const char *name, const uint8_t *data, size_t size)
{
        char path[128];
        int fd;

        snprintf(path, sizeof(path), "%s/%s", dir, name);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        FUZZ_ASSERT(fd >= 0);
        FUZZ_ASSERT(write(fd, data, size) == (ssize_t)size);
        close(fd);
}

static void check_error(burrow_error **err)
{
        FUZZ_ASSERT(*err != NULL && (*err)->msg[0] != '\0' && strchr((*err)->msg, '\n') == NULL);
        error_free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        burrow_error *err = NULL;
        char *s;

        if (!have_dir) {
                FUZZ_ASSERT(mkdtemp(dir) != NULL);
                have_dir = true;
        }
        if (size == 0)
                return 0;
        s = fuzz_strndup(data + 1, size - 1);
        switch (data[0] % 4) {
        case 0: {
                struct ctr_record rec;
                write_file("container.json", data + 1, size - 1);
                if (ctr_record_read(dir, &rec, &err) == 0) {
                        FUZZ_ASSERT(ctr_id_valid(rec.id) && rec.name != NULL);
                        FUZZ_ASSERT(rec.image_index >= -1 && rec.image_index < (int)rec.argv.len);
                        /* What was read writes back and reads the same. */
                        FUZZ_ASSERT(ctr_record_write(dir, &rec, &err) == 0);
                        ctr_record_clear(&rec);
                } else {
                        check_error(&err);
                }
                break;
        }
        case 1: {
                struct ctr_state st;
                write_file("state.json", data + 1, size - 1);
                if (ctr_state_read(dir, &st, &err) == 0) {
                        FUZZ_ASSERT(strcmp(ctr_status_name(st.status), "unknown") != 0);
                        ctr_state_clear(&st);
                } else {
                        check_error(&err);
                }
                break;
        }
        case 2: {
                int sig;
                if (signame_parse(s, &sig, &err) == 0)
                        FUZZ_ASSERT(sig >= 1 && sig < 65);
                else
                        check_error(&err);
                break;
        }
        case 3: {
                char *id = NULL;
                if (ctr_name_check(s, &err) == 0) {
                        FUZZ_ASSERT(strlen(s) <= CTR_NAME_MAX && strchr(s, '/') == NULL);
                } else {
                        check_error(&err);
                }
                /* Resolution never escapes the store: a store without containers resolves nothing. */
                FUZZ_ASSERT(ctr_resolve(dir, s, &id, &err) < 0);
                check_error(&err);
                break;
        }
        }
        free(s);
        return 0;
}
