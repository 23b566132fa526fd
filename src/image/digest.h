/* sha256 content digests ("sha256:<64 lowercase hex>"), computed with nettle. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nettle/sha2.h>

#include "util/error.h"

#define DIGEST_PREFIX     "sha256:"
#define DIGEST_HEX_LEN    64
#define DIGEST_STRING_LEN (sizeof(DIGEST_PREFIX) - 1 + DIGEST_HEX_LEN)

typedef struct digest_ctx {
        struct sha256_ctx sha;
        uint64_t size; /* bytes fed so far */
} digest_ctx;

/* Starts a streaming sha256. */
void digest_init(digest_ctx *ctx);
/* Feeds len bytes. */
void digest_update(digest_ctx *ctx, const void *buf, size_t len);
/* Writes "sha256:<hex>" (NUL-terminated) into ret; the context must be initialised again before reuse. */
void digest_final(digest_ctx *ctx, char ret[static DIGEST_STRING_LEN + 1]);
/* The digest of a memory buffer. */
void digest_buffer(const void *buf, size_t len, char ret[static DIGEST_STRING_LEN + 1]);
/* Reads fd to EOF and returns its digest and size. */
int digest_fd(int fd, char ret[static DIGEST_STRING_LEN + 1], uint64_t *ret_size, burrow_error **err);
/* True for "sha256:" followed by exactly 64 lowercase hex digits. */
bool digest_is_valid(const char *s);
/* Like digest_is_valid(), with an error that says what is wrong (other algorithms are named as unsupported). */
int digest_validate(const char *s, burrow_error **err);
/* The hex part of a valid digest. */
const char *digest_hex(const char *digest);
/* True when s is 1..64 lowercase hex digits. */
bool digest_is_hex_prefix(const char *s);
