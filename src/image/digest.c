/* sha256 content digests with nettle. Every blob in the store is named by one, and every digest read from an archive
 * is validated here before it is used as a file name. */
#include "image/digest.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"

#define DIGEST_READ_CHUNK (128 * 1024)

void digest_init(digest_ctx *ctx)
{
        sha256_init(&ctx->sha);
        ctx->size = 0;
}

void digest_update(digest_ctx *ctx, const void *buf, size_t len)
{
        sha256_update(&ctx->sha, len, buf);
        ctx->size += len;
}

void digest_final(digest_ctx *ctx, char ret[static DIGEST_STRING_LEN + 1])
{
        static const char hex[] = "0123456789abcdef";
        uint8_t raw[SHA256_DIGEST_SIZE];
        size_t off = sizeof(DIGEST_PREFIX) - 1;

        sha256_digest(&ctx->sha, sizeof(raw), raw);
        memcpy(ret, DIGEST_PREFIX, off);
        for (size_t i = 0; i < sizeof(raw); i++) {
                ret[off++] = hex[raw[i] >> 4];
                ret[off++] = hex[raw[i] & 0xf];
        }
        ret[off] = '\0';
}

void digest_buffer(const void *buf, size_t len, char ret[static DIGEST_STRING_LEN + 1])
{
        digest_ctx ctx;

        digest_init(&ctx);
        digest_update(&ctx, buf, len);
        digest_final(&ctx, ret);
}

int digest_fd(int fd, char ret[static DIGEST_STRING_LEN + 1], uint64_t *ret_size, burrow_error **err)
{
        _cleanup_free_ char *buf = xmalloc(DIGEST_READ_CHUNK);
        digest_ctx ctx;

        digest_init(&ctx);
        for (;;) {
                ssize_t n = read(fd, buf, DIGEST_READ_CHUNK);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return error_make(err, errno, "digest: read");
                }
                if (n == 0)
                        break;
                digest_update(&ctx, buf, (size_t)n);
        }
        if (ret_size)
                *ret_size = ctx.size;
        digest_final(&ctx, ret);
        return 0;
}

static bool is_lower_hex(char c)
{
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool digest_is_hex_prefix(const char *s)
{
        size_t n = 0;

        for (; s[n] != '\0'; n++)
                if (n >= DIGEST_HEX_LEN || !is_lower_hex(s[n]))
                        return false;
        return n > 0;
}

bool digest_is_valid(const char *s)
{
        return s != NULL && strncmp(s, DIGEST_PREFIX, sizeof(DIGEST_PREFIX) - 1) == 0 &&
               strlen(s) == DIGEST_STRING_LEN && digest_is_hex_prefix(s + sizeof(DIGEST_PREFIX) - 1);
}

int digest_validate(const char *s, burrow_error **err)
{
        const char *colon;

        if (s == NULL || s[0] == '\0')
                return error_make(err, 0, "empty digest");
        if (digest_is_valid(s))
                return 0;
        colon = strchr(s, ':');
        if (colon == NULL)
                return error_make(err, 0, "\"%.80s\" is not a digest (want sha256:<64 hex digits>)", s);
        if ((size_t)(colon - s) != sizeof(DIGEST_PREFIX) - 2 || strncmp(s, DIGEST_PREFIX, sizeof(DIGEST_PREFIX) - 1))
                return error_make(err, 0, "digest algorithm \"%.*s\" is not supported (only sha256)",
                                  (int)((colon - s) > 32 ? 32 : colon - s), s);
        return error_make(err, 0, "\"%.80s\" is not a sha256 digest (want 64 lowercase hex digits)", s);
}

const char *digest_hex(const char *digest)
{
        return digest + sizeof(DIGEST_PREFIX) - 1;
}
