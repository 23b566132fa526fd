/* portspec_parse() on the input as one -p argument: on success every mapping is in range and the count bounded, and
 * each mapping printed by portspec_format() and read back as a spec is the same mapping; on failure the error names
 * the spec. */
#include <arpa/inet.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "net/portspec.h"

/* "ADDR:PORTS->CPORT/PROTO" (podman's display form) read back as the -p spec "ADDR:PORTS:CPORT/PROTO". */
static void check_round_trip(const struct port_mapping *m)
{
        char *text = portspec_format(m);
        char *arrow = strstr(text, "->");
        struct port_mapping *again = NULL;
        size_t n = 0;
        burrow_error *err = NULL;
        struct port_mapping want = *m;

        FUZZ_ASSERT(arrow != NULL);
        arrow[0] = ':';
        memmove(arrow + 1, arrow + 2, strlen(arrow + 2) + 1);
        if (portspec_parse(text, &again, &n, &err) != 0) {
                fprintf(stderr, "formatted mapping \"%s\" does not parse: %s\n", text, err->msg);
                abort();
        }
        FUZZ_ASSERT(n == 1);
        /* All addresses print as podman prints them, 0.0.0.0, which reads back as IPv4 only. */
        if (want.family == AF_UNSPEC)
                want.family = AF_INET;
        FUZZ_ASSERT(again[0].family == want.family);
        FUZZ_ASSERT(memcmp(&again[0].host_addr, &want.host_addr, sizeof(want.host_addr)) == 0);
        FUZZ_ASSERT(again[0].host_port == want.host_port);
        FUZZ_ASSERT(again[0].host_port_last == want.host_port_last);
        FUZZ_ASSERT(again[0].container_port == want.container_port);
        FUZZ_ASSERT(again[0].protocol == want.protocol);
        free(again);
        free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *arg = fuzz_strndup(data, size);
        struct port_mapping *m = NULL;
        size_t n = 0;
        burrow_error *err = NULL;

        if (portspec_parse(arg, &m, &n, &err) == 0) {
                FUZZ_ASSERT(err == NULL);
                FUZZ_ASSERT(n >= 1 && n <= 2 * 65535 && n <= PORTSPEC_MAX_MAPPINGS);
                FUZZ_ASSERT(strlen(arg) <= PORTSPEC_MAX_LEN);
                for (size_t i = 0; i < n; i++) {
                        FUZZ_ASSERT(m[i].family == AF_UNSPEC || m[i].family == AF_INET || m[i].family == AF_INET6);
                        FUZZ_ASSERT(m[i].protocol == IPPROTO_TCP || m[i].protocol == IPPROTO_UDP);
                        FUZZ_ASSERT(m[i].container_port >= 1);
                        FUZZ_ASSERT(m[i].host_port_last >= m[i].host_port);
                        /* A dynamic host range only ever goes with a single container port. */
                        FUZZ_ASSERT(m[i].host_port_last == m[i].host_port || n <= 2);
                        FUZZ_ASSERT(m[i].host_port != 0 || m[i].host_port_last == 0);
                        if (m[i].family == AF_INET6)
                                FUZZ_ASSERT(!IN6_IS_ADDR_V4MAPPED(&m[i].host_addr.v6));
                        /* The first few cover every shape; all of a big range would be slow. */
                        if (i < 4 || i + 1 == n)
                                check_round_trip(&m[i]);
                }
                free(m);
        } else {
                FUZZ_ASSERT(err != NULL && err->msg != NULL);
                FUZZ_ASSERT(strncmp(err->msg, "invalid -p", 10) == 0);
                FUZZ_ASSERT(m == NULL && n == 0);
                error_free(&err);
        }
        free(arg);
        return 0;
}
