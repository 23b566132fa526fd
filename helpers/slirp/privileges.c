/* The capability half of the sandbox: after sandbox_enter() we hold a full set in our own user namespace, which
 * the event loop needs none of. */
#include "sandbox.h"

#include <errno.h>
#include <stddef.h>
#include <sys/capability.h>
#include <sys/prctl.h>

static void cleanup_capp(cap_t *caps)
{
        if (*caps != NULL)
                cap_free(*caps);
}
#define _cleanup_cap_ __attribute__((cleanup(cleanup_capp)))

int sandbox_drop_privileges(burrow_error **err)
{
        _cleanup_cap_ cap_t current = cap_get_proc();
        _cleanup_cap_ cap_t none = cap_init();
        cap_flag_value_t setpcap = CAP_CLEAR;

        if (current == NULL || none == NULL)
                return error_make(err, errno, "capabilities: read the current set");
        /* Shrinking the bounding set needs CAP_SETPCAP, which we hold inside the sandbox's user namespace. Without
         * the sandbox an unprivileged helper has no effective capabilities and, never calling execve(), no way to
         * gain any from the bounding set either. */
        if (cap_get_flag(current, CAP_SETPCAP, CAP_EFFECTIVE, &setpcap) < 0)
                return error_make(err, errno, "capabilities: read CAP_SETPCAP");
        if (setpcap == CAP_SET) {
                for (cap_value_t cap = 0; cap < cap_max_bits(); cap++)
                        if (cap_drop_bound(cap) < 0)
                                return error_make(err, errno, "capabilities: drop %d from the bounding set", cap);
        }
        if (CAP_AMBIENT_SUPPORTED() && cap_reset_ambient() < 0)
                return error_make(err, errno, "capabilities: clear the ambient set");
        if (cap_set_proc(none) < 0)
                return error_make(err, errno, "capabilities: clear the effective, permitted and inheritable sets");
        /* Required for an unprivileged seccomp filter, and keeps any future exec from gaining privileges. */
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return error_make(err, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
        return 0;
}
