#include "util/fileutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"

int fd_write_all(int fd, const void *buf, size_t len)
{
        const char *p = buf;

        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -1;
                }
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

ssize_t fd_read_full(int fd, void *buf, size_t len)
{
        size_t got = 0;

        while (got < len) {
                ssize_t n = read(fd, (char *)buf + got, len - got);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -1;
                }
                if (n == 0)
                        break;
                got += (size_t)n;
        }
        return (ssize_t)got;
}

int file_write_string(const char *path, const char *buf, burrow_error **err)
{
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);

        if (fd < 0)
                return error_make(err, errno, "open %s", path);
        if (fd_write_all(fd, buf, strlen(buf)) < 0)
                return error_make(err, errno, "write %s", path);
        return 0;
}

int file_read_all_at(int dirfd, const char *name, size_t max, char **ret_buf, size_t *ret_len, burrow_error **err)
{
        _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
        _cleanup_free_ char *buf = NULL;
        ssize_t n;

        if (fd < 0)
                return error_make(err, errno, "open %s", name);
        buf = xmalloc(max + 1);
        n = fd_read_full(fd, buf, max + 1);
        if (n < 0)
                return error_make(err, errno, "read %s", name);
        if ((size_t)n > max)
                return error_make(err, E2BIG, "read %s", name);
        buf[n] = '\0';
        if (ret_len)
                *ret_len = (size_t)n;
        *ret_buf = steal_pointer(&buf);
        return 0;
}

int file_read_all(const char *path, size_t max, char **ret_buf, size_t *ret_len, burrow_error **err)
{
        return file_read_all_at(AT_FDCWD, path, max, ret_buf, ret_len, err);
}

int parse_uint32(const char *s, unsigned int *ret)
{
        unsigned long long v = 0;

        if (s == NULL || *s == '\0')
                return -EINVAL;
        for (const char *p = s; *p; p++) {
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                v = v * 10 + (unsigned)(*p - '0');
                if (v > 0xffffffffULL)
                        return -ERANGE;
        }
        *ret = (unsigned int)v;
        return 0;
}

char *file_find_in_path(const char *name)
{
        const char *path = getenv("PATH");
        _cleanup_free_ char *copy = xstrdup(path && path[0] ? path : "/usr/local/bin:/usr/bin:/bin");
        char *save = NULL;

        for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
                char *full = xasprintf("%s/%s", dir, name);
                if (dir[0] == '/' && access(full, X_OK) == 0)
                        return full;
                free(full);
        }
        return NULL;
}
