/* Small file helpers. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

/* Writes all of buf to path (O_WRONLY|O_CLOEXEC, no create, no truncate): for /proc and /sys files. */
int file_write_string(const char *path, const char *buf, burrow_error **err);
/* Reads at most max bytes of path into a NUL-terminated buffer; longer files are an error (E2BIG). */
int file_read_all(const char *path, size_t max, char **ret_buf, size_t *ret_len, burrow_error **err);
/* The same for `name` relative to the directory `dirfd` (AT_FDCWD for the current directory). */
int file_read_all_at(int dirfd, const char *name, size_t max, char **ret_buf, size_t *ret_len, burrow_error **err);
/* Writes the whole buffer to fd, retrying on EINTR and short writes. */
int fd_write_all(int fd, const void *buf, size_t len);
/* Reads until EOF or len bytes; returns bytes read or -1. */
ssize_t fd_read_full(int fd, void *buf, size_t len);
/* Parses a decimal unsigned 32-bit number; the whole string must be the number. */
int parse_uint32(const char *s, unsigned int *ret);

/* The absolute path of an executable in $PATH (or the usual system directories), or NULL; the caller frees it. */
char *file_find_in_path(const char *name);
