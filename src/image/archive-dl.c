#define ARCHIVE_DL_IMPLEMENTATION
#include "image/archive-dl.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

static struct archive_dl api;
static int loaded;

const struct archive_dl *archive_dl(void)
{
        void *lib;

        if (loaded)
                return &api;
        lib = dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
        if (lib == NULL) {
                fprintf(stderr, "burrow: load libarchive: %s\n", dlerror());
                exit(125);
        }
#define ARCHIVE_DL_LOAD(f)                                                                                             \
        api.f = (__typeof__(f) *)dlsym(lib, #f);                                                                       \
        if (api.f == NULL) {                                                                                           \
                fprintf(stderr, "burrow: load libarchive: no %s\n", #f);                                              \
                exit(125);                                                                                             \
        }
        ARCHIVE_DL_FUNCTIONS(ARCHIVE_DL_LOAD)
#undef ARCHIVE_DL_LOAD
        loaded = 1;
        return &api;
}
