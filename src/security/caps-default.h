/* podman's (containers/common) default capability set, as data: shared by caps.c and by the build-time generator of
 * the default seccomp filter (whose capability-conditional rules depend on it). Works with <linux/capability.h> or
 * <sys/capability.h>. */
#pragma once

#define CAPS_DEFAULT_LIST                                                                                              \
        CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID, CAP_KILL, CAP_NET_BIND_SERVICE, CAP_SETFCAP, CAP_SETGID,  \
            CAP_SETPCAP, CAP_SETUID, CAP_SYS_CHROOT
