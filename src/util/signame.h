/* Signal names as docker and kill(1) take them: "SIGTERM", "TERM", "term", "15", "SIGRTMIN+3", "RTMAX-1". */
#pragma once

#include <stddef.h>

#include "util/error.h"

/* Parses a signal name or number; *ret is 1.._NSIG-1. Errors read `invalid signal "X"`. */
int signame_parse(const char *s, int *ret, burrow_error **err);

/* "SIGTERM", "SIGRTMIN+3", or "SIG<n>" for a number without a name (static storage or buf, >= 16 bytes). */
const char *signame_format(int sig, char *buf, size_t size);
