/* OCI whiteouts: the pure classification of layer member names. Pure logic (no I/O), in the core library.
 *
 * An OCI layer marks deletions with marker files: ".wh.NAME" deletes NAME of the lower layers, and ".wh..wh..opq"
 * makes its directory opaque (nothing of the lower layers' directory shows through). On disk we store them in the
 * form both overlay drivers burrow uses read from a lower layer:
 *
 *  - a whiteout is a character device 0:0 named NAME. The kernel's overlay treats it as a whiteout in every mode
 *    (including "userxattr" in a user namespace), and fuse-overlayfs (1.10, checked with strings(1) of the binary: it
 *    knows ".wh.", ".wh..wh..opq", "user.overlay.opaque", "user.fuseoverlayfs.opaque", "trusted.overlay.opaque" and
 *    0:0 devices) does too. An unprivileged user namespace may mknod 0:0 since Linux 5.8 (checked on 6.18:
 *    `unshare -r mknod x c 0 0` works, `mknod x c 1 3` fails with EPERM).
 *  - an opaque directory gets the xattr "user.overlay.opaque=y": what the kernel's overlay reads with "userxattr"
 *    (the only mode a user namespace may mount) and fuse-overlayfs reads too. "trusted.overlay.opaque" cannot be set
 *    unprivileged. The ".wh..wh..opq" marker file is NOT kept: fuse-overlayfs would honour it, but the kernel's
 *    overlay shows it as an ordinary file in the container, and the xattr already serves both drivers.
 */
#pragma once

#include <stdbool.h>

#define WHITEOUT_PREFIX        ".wh."
#define WHITEOUT_OPAQUE_MARKER ".wh..wh..opq"
#define WHITEOUT_OPAQUE_XATTR  "user.overlay.opaque"

enum whiteout_kind {
        WHITEOUT_NONE,    /* an ordinary member */
        WHITEOUT_FILE,    /* ".wh.NAME": NAME is deleted */
        WHITEOUT_OPAQUE,  /* ".wh..wh..opq": the parent directory is opaque */
        WHITEOUT_INVALID, /* ".wh." alone, ".wh..", ".wh...", ".wh..wh.OTHER", or a marker that is not a leaf */
};

/* Classifies the last component `base` of a member's name. For WHITEOUT_FILE, *ret_target (when not NULL) points into
 * `base` at the deleted name. */
enum whiteout_kind whiteout_classify(const char *base, const char **ret_target);

/* True for xattrs a layer must not carry over: the overlay drivers' own (user.overlay.*, trusted.overlay.*,
 * user.fuseoverlayfs.*) would let a layer forge opaque dirs, redirects or metacopy files. */
bool whiteout_xattr_reserved(const char *name);
