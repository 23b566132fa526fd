/* Shared by log.c (records) and log-time.c (times). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "container/log.h"

#define NSEC_PER_SEC INT64_C(1000000000)

/* Parses an RFC 3339 time at s (len bytes; need_zone: a zone must be given, as in records); returns NULL on
 * success, else what is wrong. */
const char *ctr_log_parse_rfc3339(const char *s, size_t len, bool need_zone, int64_t *ret_ns);
