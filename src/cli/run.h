/* Shared by run.c (argv into a spec) and run-container.c (the container made of it). */
#pragma once

#include <stdbool.h>

#include "image/container.h"
#include "image/store.h"
#include "spec/spec.h"
#include "util/error.h"

/* Fills the spec from run's argv; 1 after --help, 0, or -1 with *err. *ret_image_index: IMAGE's index in argv, -1
 * with --rootfs. */
int run_parse_args(int argc, char **argv, struct burrow_spec *spec, int *ret_image_index, burrow_error **err);

/* IMAGE (the first argument) resolved: the image's config applied and the container's writable layer made (reuse:
 * kept from before, for start). */
int run_prepare_image(image_store *store, struct burrow_spec *spec, bool reuse, struct image_container *ret,
                      burrow_error **err);

/* burrow.conf's defaults, before the command line overrides them. */
int run_apply_config_defaults(struct burrow_spec *spec, burrow_error **err);
