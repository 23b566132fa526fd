/* The storage driver a container's root is made with (--storage-driver): auto, overlay, fuse-overlayfs or vfs. */
#pragma once

#include <stdbool.h>

#include "image/store.h"
#include "spec/spec.h"
#include "util/error.h"

/* Turns the requested driver into the one to use, before anything is created. auto stays auto while fuse-overlayfs is
 * usable (the container then tries the kernel's overlay and falls back to fuse-overlayfs at mount time, which costs
 * nothing); without fuse-overlayfs, auto probes the kernel's overlay in a throw-away user namespace and, when the
 * kernel refuses, becomes vfs with one notice (unless quiet). An explicit fuse-overlayfs that cannot work here (not
 * installed, /dev/fuse not usable) is an error naming the reason. */
int image_driver_choose(image_store *store, enum spec_storage_driver requested, bool quiet,
                        enum spec_storage_driver *ret, burrow_error **err);

/* Whether the kernel's overlay mounts in a throw-away user namespace on the filesystem of `dir`, an empty directory
 * the probe fills with lower, upper, work and merged (the caller removes it; overlay leaves work/work mode 0000). */
bool image_driver_overlay_probe(const char *dir);

/* Why fuse-overlayfs cannot be used here (a static string), or NULL when it can. */
const char *image_driver_fuse_problem(void);
