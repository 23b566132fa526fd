/* unpack_archive(): arbitrary bytes read as a tar and extracted into a fresh scratch directory, which is removed after
 * every input. Nothing may appear next to the extraction root (the scratch directory holds only "root" afterwards),
 * and the removal must succeed. This is the code the namespaced extraction child runs, without the namespace. */
#include <archive.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "image/unpack.h"

static char base[] = "/tmp/burrow-fuzz-extract-XXXXXX";

static void remove_base(void)
{
        int fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        burrow_error *err = NULL;

        if (fd >= 0) {
                unpack_remove_contents(fd, &err);
                error_free(&err);
                close(fd);
        }
        rmdir(base);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
        (void)argc;
        (void)argv;
        if (mkdtemp(base) == NULL)
                abort();
        atexit(remove_base);
        return 0;
}

/* The scratch directory must hold exactly "root". */
static void check_nothing_outside(int scratchfd)
{
        int fd = openat(scratchfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = fdopendir(fd);
        struct dirent *de;

        if (d == NULL)
                abort();
        while ((de = readdir(d)) != NULL) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 || strcmp(de->d_name, "root") == 0)
                        continue;
                fprintf(stderr, "fuzz-extract: \"%s\" appeared outside the extraction root\n", de->d_name);
                abort();
        }
        closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct unpack_options opts = {.ignore_chown_errors = true};
        struct unpack_result result = {0};
        burrow_error *err = NULL;
        struct archive *a;
        int scratchfd, rootfd;

        if (mkdirat(AT_FDCWD, base, 0700) < 0 && errno != EEXIST)
                abort();
        scratchfd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (scratchfd < 0 || mkdirat(scratchfd, "root", 0755) < 0)
                abort();
        rootfd = openat(scratchfd, "root", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                abort();

        a = archive_read_new();
        archive_read_support_format_tar(a);
        if (archive_read_open_memory(a, data, size) == ARCHIVE_OK)
                unpack_archive(a, rootfd, &opts, &result, &err);
        archive_read_free(a);
        error_free(&err);

        check_nothing_outside(scratchfd);
        if (unpack_remove_contents(scratchfd, &err) < 0) {
                fprintf(stderr, "fuzz-extract: %s\n", err->msg);
                abort();
        }
        close(rootfd);
        close(scratchfd);
        return 0;
}
