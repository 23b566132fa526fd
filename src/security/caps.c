#include "security/caps.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "security/caps-default.h"
#include "util/cleanup.h"

/* What a typical image's package scripts and daemons need as root, and nothing that reaches the kernel's global
 * state. */
static const cap_value_t default_caps[] = {CAPS_DEFAULT_LIST};

caps_mask caps_default(void)
{
        caps_mask m = 0;

        for (size_t i = 0; i < sizeof(default_caps) / sizeof(default_caps[0]); i++)
                m |= 1ULL << default_caps[i];
        return m;
}

caps_mask caps_all(void)
{
        int bits = cap_max_bits();

        if (bits <= 0 || bits > 64)
                bits = CAP_LAST_CAP + 1;
        return bits == 64 ? ~0ULL : (1ULL << bits) - 1;
}

int caps_parse_name(const char *name, caps_mask *ret, burrow_error **err)
{
        _cleanup_free_ char *full = NULL;
        cap_value_t v;

        if (strcasecmp(name, "ALL") == 0) {
                *ret = caps_all();
                return 0;
        }
        full = strncasecmp(name, "cap_", 4) == 0 ? xstrdup(name) : xasprintf("cap_%s", name);
        /* cap_from_name also takes numbers; a capability given as a number is almost certainly a mistake. */
        if (isdigit((unsigned char)name[0]) || cap_from_name(full, &v) < 0 || v < 0 || v > 63 ||
            !((1ULL << v) & caps_all()))
                return error_make(err, 0, "unknown capability \"%s\"", name);
        *ret = 1ULL << v;
        return 0;
}

int caps_resolve(caps_mask base, const strv *add, const strv *drop, caps_mask *ret, caps_mask *ret_added,
                 burrow_error **err)
{
        caps_mask set = base, added = 0, m;

        for (size_t i = 0; i < drop->len; i++) {
                if (caps_parse_name(drop->items[i], &m, err) < 0)
                        return error_wrap(err, "--cap-drop");
                set &= ~m;
        }
        for (size_t i = 0; i < add->len; i++) {
                if (caps_parse_name(add->items[i], &m, err) < 0)
                        return error_wrap(err, "--cap-add");
                set |= m;
                added |= m;
        }
        *ret = set;
        *ret_added = added;
        return 0;
}

int caps_drop_bounding(caps_mask keep, burrow_error **err)
{
        caps_mask all = caps_all();

        for (int c = 0; c < 64; c++) {
                if (!((1ULL << c) & all) || ((1ULL << c) & keep))
                        continue;
                if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
                        return error_make(err, errno, "drop capability %d from the bounding set", c);
        }
        return 0;
}

static int set_flag(cap_t c, cap_flag_t flag, caps_mask m)
{
        for (int i = 0; i < 64; i++) {
                cap_value_t v = i;
                if (((1ULL << i) & m) && cap_set_flag(c, flag, 1, &v, CAP_SET) < 0)
                        return -1;
        }
        return 0;
}

int caps_apply(caps_mask caps, bool is_root, caps_mask ambient, burrow_error **err)
{
        caps_mask want = is_root ? caps : (ambient & caps);
        cap_t c = cap_init();
        int r;

        if (c == NULL)
                return error_make(err, errno, "cap_init");
        /* The inheritable set holds only what must become ambient: a full one would let a program that switches users
         * inside (su) regain capabilities through file capabilities (CVE-2022-24769, docker and podman's fix). Root
         * does not need it: at execve its permitted set is the bounding set. */
        r = set_flag(c, CAP_PERMITTED, want) | set_flag(c, CAP_EFFECTIVE, want) |
            set_flag(c, CAP_INHERITABLE, is_root ? 0 : want);
        if (r == 0)
                r = cap_set_proc(c);
        cap_free(c);
        if (r < 0)
                return error_make(err, errno, "set the capabilities");
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
                return error_make(err, errno, "clear the ambient capabilities");
        /* An ambient capability survives execve of an ordinary file by a non-root user; root needs none. */
        for (int i = 0; i < 64 && !is_root; i++)
                if (((1ULL << i) & want) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, i, 0, 0) < 0)
                        return error_make(err, errno, "raise ambient capability %d", i);
        return 0;
}

char *caps_format(caps_mask caps)
{
        _cleanup_free_ char *out = xstrdup("");

        for (int i = 0; i < 64; i++) {
                char *name, *next;

                if (!((1ULL << i) & caps))
                        continue;
                name = cap_to_name(i);
                for (char *p = name; p && *p; p++)
                        *p = (char)toupper((unsigned char)*p);
                next = xasprintf("%s%s%s", out, out[0] ? " " : "", name ? name : "?");
                cap_free(name);
                free(out);
                out = next;
        }
        return steal_pointer(&out);
}
