/* Whiteout name classification (see whiteout.h for the on-disk format chosen). */
#include "image/whiteout.h"

#include <string.h>

enum whiteout_kind whiteout_classify(const char *base, const char **ret_target)
{
        const char *target;

        if (strncmp(base, WHITEOUT_PREFIX, strlen(WHITEOUT_PREFIX)) != 0)
                return WHITEOUT_NONE;
        if (strcmp(base, WHITEOUT_OPAQUE_MARKER) == 0)
                return WHITEOUT_OPAQUE;
        target = base + strlen(WHITEOUT_PREFIX);
        /* Nothing to delete, "." or "..", a name with a '/' (callers pass a basename, but be strict), or the reserved
         * ".wh..wh." namespace (AUFS metadata such as .wh..wh.plnk, which no OCI layer may carry). */
        if (target[0] == '\0' || strcmp(target, ".") == 0 || strcmp(target, "..") == 0 || strchr(target, '/') ||
            strncmp(target, WHITEOUT_PREFIX, strlen(WHITEOUT_PREFIX)) == 0)
                return WHITEOUT_INVALID;
        if (ret_target)
                *ret_target = target;
        return WHITEOUT_FILE;
}

bool whiteout_xattr_reserved(const char *name)
{
        static const char *const reserved[] = {"user.overlay.", "trusted.overlay.", "user.fuseoverlayfs.", NULL};

        for (size_t i = 0; reserved[i]; i++)
                if (strncmp(name, reserved[i], strlen(reserved[i])) == 0)
                        return true;
        return false;
}
