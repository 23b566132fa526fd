/* The network option parsers on arbitrary input: --network, --add-host, --dns, --dns-search, --dns-option. Success
 * leaves values inside their documented ranges; failure leaves one message and nothing appended. */
#include "fuzz.h"
#include "spec/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *arg = fuzz_strndup(data, size);
        struct spec_slirp slirp = {.mtu = 65520, .network = 0x0a000200, .prefix = 24, .ipv6 = true};
        enum spec_network mode = SPEC_NETWORK_SLIRP;
        burrow_error *err = NULL;
        strv out = {0};

        if (parse_network(arg, &mode, &slirp, &err) == 0) {
                FUZZ_ASSERT(slirp.mtu >= 1280 && slirp.mtu <= 65520);
                FUZZ_ASSERT(slirp.prefix >= 1 && slirp.prefix <= 25);
                FUZZ_ASSERT((slirp.network & ~(~0U << (32 - slirp.prefix))) == 0);
        } else {
                FUZZ_ASSERT(err != NULL && strncmp(err->msg, "invalid --network", 17) == 0);
                error_free(&err);
        }
        free(slirp.outbound_addr);
        free(slirp.outbound_addr6);

        if (parse_add_host(arg, &out, &err) == 0) {
                FUZZ_ASSERT(out.len == 1 && strchr(out.items[0], ' ') != NULL && strchr(out.items[0], '\n') == NULL);
        } else {
                FUZZ_ASSERT(err != NULL && out.len == 0);
                error_free(&err);
        }
        strv_clear(&out);
        if (parse_dns(arg, &out, &err) < 0)
                error_free(&err);
        if (parse_dns_search(arg, &out, &err) < 0)
                error_free(&err);
        if (parse_dns_option(arg, &out, &err) < 0)
                error_free(&err);
        for (size_t i = 0; i < out.len; i++)
                FUZZ_ASSERT(strpbrk(out.items[i], "\n\r") == NULL);
        strv_clear(&out);
        free(arg);
        return 0;
}
