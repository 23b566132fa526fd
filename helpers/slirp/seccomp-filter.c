/* The seccomp half of the sandbox: an allowlist of what the event loop, libslirp and glib call once set up
 * (found with strace -f under iperf3, DNS and IPv6 load). Everything else fails with EPERM; calls that could only
 * mean an attacker is at work (exec, namespaces, mounts, tracing, new processes) kill the process outright, which
 * is loud: the launcher sees the helper die by SIGSYS. */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

static const int allowed_syscalls[] = {
    /* frames on the TAP fd, libslirp's host sockets */
    SCMP_SYS(read),
    SCMP_SYS(write),
    SCMP_SYS(readv),
    SCMP_SYS(writev),
    SCMP_SYS(recvfrom),
    SCMP_SYS(sendto),
    SCMP_SYS(recvmsg),
    SCMP_SYS(sendmsg),
    SCMP_SYS(connect),
    SCMP_SYS(bind), /* --outbound-addr */
    SCMP_SYS(shutdown),
    SCMP_SYS(getsockopt),
    SCMP_SYS(setsockopt),
    SCMP_SYS(getsockname),
    SCMP_SYS(getpeername),
    SCMP_SYS(close),
    /* the loop */
    SCMP_SYS(poll),
    SCMP_SYS(ppoll),
    SCMP_SYS(clock_gettime),
    SCMP_SYS(clock_getres),
    SCMP_SYS(gettimeofday),
    SCMP_SYS(restart_syscall),
    /* libslirp's stat() and fopen() of /etc/resolv.conf (the open itself is in the conditional table) */
    SCMP_SYS(newfstatat),
    SCMP_SYS(fstat),
    SCMP_SYS(stat),
    SCMP_SYS(statx),
    SCMP_SYS(lseek),
    /* malloc: libslirp's mbufs are MTU-sized */
    SCMP_SYS(brk),
    SCMP_SYS(munmap),
    SCMP_SYS(mremap),
    SCMP_SYS(madvise),
    /* glib's logging (getpid), abort(), exit */
    SCMP_SYS(getpid),
    SCMP_SYS(gettid),
    SCMP_SYS(getrandom),
    SCMP_SYS(futex),
    SCMP_SYS(rt_sigreturn),
    SCMP_SYS(rt_sigprocmask),
    SCMP_SYS(sigaltstack), /* AddressSanitizer, before every noreturn call */
    SCMP_SYS(exit),
    SCMP_SYS(exit_group),
};

/* Allowed only when one argument matches; a syscall listed twice is allowed when either matches. */
static const struct conditional_rule {
        int syscall;
        unsigned int arg;
        enum scmp_compare op;
        scmp_datum_t datum_a;
        scmp_datum_t datum_b;
} conditional_rules[] = {
    /* host sockets are IPv4/IPv6 only: no AF_UNIX, AF_NETLINK, AF_PACKET */
    {SCMP_SYS(socket), 0, SCMP_CMP_EQ, AF_INET, 0},
    {SCMP_SYS(socket), 0, SCMP_CMP_EQ, AF_INET6, 0},
    /* memory, never executable */
    {SCMP_SYS(mmap), 2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0},
    {SCMP_SYS(mprotect), 2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0},
    /* /etc/resolv.conf, read-only (the root is a read-only tmpfs holding nothing else) */
    {SCMP_SYS(openat), 2, SCMP_CMP_MASKED_EQ, O_ACCMODE | O_CREAT, O_RDONLY},
    /* libslirp makes its sockets non-blocking and close-on-exec */
    {SCMP_SYS(fcntl), 1, SCMP_CMP_EQ, F_GETFL, 0},
    {SCMP_SYS(fcntl), 1, SCMP_CMP_EQ, F_SETFL, 0},
    {SCMP_SYS(fcntl), 1, SCMP_CMP_EQ, F_GETFD, 0},
    {SCMP_SYS(fcntl), 1, SCMP_CMP_EQ, F_SETFD, 0},
    /* FIONREAD sizes UDP datagrams; SIOCGIFINDEX serves "nameserver fe80::1%eth0" (if_nametoindex); TCGETS is
     * isatty() in glib's logging. Nothing may reconfigure the TAP device (TUNSET*). */
    {SCMP_SYS(ioctl), 1, SCMP_CMP_EQ, FIONREAD, 0},
    {SCMP_SYS(ioctl), 1, SCMP_CMP_EQ, SIOCGIFINDEX, 0},
    {SCMP_SYS(ioctl), 1, SCMP_CMP_EQ, TCGETS, 0},
};

static const int killing_syscalls[] = {
    SCMP_SYS(execve),
    SCMP_SYS(execveat),
    SCMP_SYS(clone),
    SCMP_SYS(clone3),
    SCMP_SYS(fork),
    SCMP_SYS(vfork),
    SCMP_SYS(ptrace),
    SCMP_SYS(process_vm_readv),
    SCMP_SYS(process_vm_writev),
    SCMP_SYS(unshare),
    SCMP_SYS(setns),
    SCMP_SYS(mount),
    SCMP_SYS(umount2),
    SCMP_SYS(pivot_root),
    SCMP_SYS(chroot),
    SCMP_SYS(open_tree),
    SCMP_SYS(move_mount),
    SCMP_SYS(fsopen),
    SCMP_SYS(fsconfig),
    SCMP_SYS(fsmount),
    SCMP_SYS(fspick),
    SCMP_SYS(mount_setattr),
    SCMP_SYS(bpf),
    SCMP_SYS(perf_event_open),
    SCMP_SYS(init_module),
    SCMP_SYS(finit_module),
    SCMP_SYS(delete_module),
    SCMP_SYS(kexec_load),
    SCMP_SYS(kexec_file_load),
    SCMP_SYS(keyctl),
    SCMP_SYS(add_key),
    SCMP_SYS(request_key),
    SCMP_SYS(userfaultfd),
    SCMP_SYS(open_by_handle_at),
};

static void cleanup_seccompp(scmp_filter_ctx *ctx)
{
        if (*ctx != NULL)
                seccomp_release(*ctx);
}
#define _cleanup_seccomp_ __attribute__((cleanup(cleanup_seccompp)))

static int seccomp_rule_error(int syscall, int r, burrow_error **err)
{
        char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, syscall);
        int ret = error_make(err, -r, "seccomp: add a rule for %s", name ? name : "?");

        free(name);
        return ret;
}

int sandbox_install_seccomp(burrow_error **err)
{
        _cleanup_seccomp_ scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
        struct scmp_arg_cmp self;
        int r;

        if (ctx == NULL)
                return error_make(err, ENOMEM, "seccomp: create the filter");
        /* Ask the kernel to log every denial (audit/dmesg), so that an EPERM the loop did not expect can be found;
         * kernels without SECCOMP_FILTER_FLAG_LOG just do not log. */
        (void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);

        for (size_t i = 0; i < sizeof(allowed_syscalls) / sizeof(allowed_syscalls[0]); i++) {
                r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed_syscalls[i], 0);
                if (r < 0)
                        return seccomp_rule_error(allowed_syscalls[i], r, err);
        }
        for (size_t i = 0; i < sizeof(conditional_rules) / sizeof(conditional_rules[0]); i++) {
                const struct conditional_rule *c = &conditional_rules[i];
                struct scmp_arg_cmp cmp = {.arg = c->arg, .op = c->op, .datum_a = c->datum_a, .datum_b = c->datum_b};

                r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, c->syscall, 1, cmp);
                if (r < 0)
                        return seccomp_rule_error(c->syscall, r, err);
        }
        /* abort() (glib's g_error) signals the calling thread; any other target is another process. */
        self = (struct scmp_arg_cmp){.arg = 0, .op = SCMP_CMP_EQ, .datum_a = (scmp_datum_t)getpid()};
        r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1, self);
        if (r < 0)
                return seccomp_rule_error(SCMP_SYS(tgkill), r, err);
        for (size_t i = 0; i < sizeof(killing_syscalls) / sizeof(killing_syscalls[0]); i++) {
                r = seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, killing_syscalls[i], 0);
                if (r < 0)
                        return seccomp_rule_error(killing_syscalls[i], r, err);
        }

        r = seccomp_load(ctx);
        if (r < 0)
                return error_make(err, -r, "seccomp: load the filter");
        return 0;
}
