/* burrow-escape PROBE [ARG...]: attempt exactly one dangerous operation from inside a container and report how it
 * went, for the security tests (tests/integration/security-*.bats).
 *
 * Output is one line on stdout:
 *   PROBE ok [DETAIL]          the operation succeeded                      exit 0
 *   PROBE errno=NAME           the operation failed with errno NAME         exit 1
 *   PROBE denied [DETAIL]      refused without an errno (e.g. empty read)   exit 1
 * and exit 2 with a message on stderr for a usage error.
 *
 * Built statically so that it runs in any root filesystem (a busybox one in the tests). Each probe is chosen so that
 * success, if the protections ever failed, would still be harmless: the targets are the container's own namespaces,
 * values are written back unchanged, and commands that the kernel could act on are ones with no effect (CAD_OFF in
 * a PID namespace, sysrq "h" = help). */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <linux/reboot.h>
#include <linux/sched.h>
#include <linux/userfaultfd.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

/* A probe returns 0 on success or an errno value (> 0); a negative value means "refused, no errno" (see denied). */
struct probe {
        const char *name;
        int (*run)(int argc, char **argv); /* argv[0] is the probe name */
        const char *usage;
};

static char detail[256];

#define RESULT(expr) ((expr) < 0 ? errno : 0)

static const char *arg_or(int argc, char **argv, int i, const char *fallback)
{
        return argc > i ? argv[i] : fallback;
}

/* ---- mounts and namespaces ---------------------------------------------------------------------------------- */

static int probe_mount(int argc, char **argv)
{
        const char *target = arg_or(argc, argv, 1, "/mnt");

        mkdir(target, 0755); /* preparation, not the probe: the busybox rootfs has no /mnt */
        return RESULT(mount("tmpfs", target, "tmpfs", 0, "size=1m"));
}

static int probe_umount(int argc, char **argv)
{
        /* Detached, so that it succeeds when allowed even though masks are mounted below /proc. */
        return RESULT(umount2(arg_or(argc, argv, 1, "/proc"), MNT_DETACH));
}

static int probe_pivot_root(int argc, char **argv)
{
        /* pivot_root(".", ".") in a mount point, as runc does: the old root ends up stacked under the new one. The
         * directory must be a mount point (e.g. a --tmpfs) for the call to succeed once allowed. */
        if (chdir(arg_or(argc, argv, 1, "/")) < 0)
                return errno;
        return RESULT(syscall(SYS_pivot_root, ".", "."));
}

static int probe_unshare_user(int argc, char **argv)
{
        (void)argc, (void)argv;
        return RESULT(unshare(CLONE_NEWUSER));
}

static int probe_unshare_ns(int argc, char **argv)
{
        (void)argc, (void)argv;
        return RESULT(unshare(CLONE_NEWNS));
}

static int wait_child(pid_t pid)
{
        int status;

        if (waitpid(pid, &status, 0) < 0)
                return errno;
        return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : ECHILD;
}

static int probe_clone_newuser(int argc, char **argv)
{
        long pid;

        (void)argc, (void)argv;
        /* The raw syscall (x86-64 argument order): glibc's clone() wrapper may use clone3. */
        pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
        if (pid < 0)
                return errno;
        if (pid == 0)
                _exit(0);
        return wait_child((pid_t)pid);
}

static int probe_clone3(int argc, char **argv)
{
        struct clone_args args = {.exit_signal = SIGCHLD};
        long pid;

        (void)argc, (void)argv;
        pid = syscall(SYS_clone3, &args, sizeof(args));
        if (pid < 0)
                return errno;
        if (pid == 0)
                _exit(0);
        return wait_child((pid_t)pid);
}

static int probe_setns(int argc, char **argv)
{
        int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

        (void)argc, (void)argv;
        if (fd < 0)
                return errno;
        /* Joining the namespace it is already in: harmless if it is ever allowed. */
        return RESULT(setns(fd, CLONE_NEWNET));
}

/* ---- keyrings ----------------------------------------------------------------------------------------------- */

static int probe_keyctl(int argc, char **argv)
{
        (void)argc, (void)argv;
        return RESULT(syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL));
}

static int probe_add_key(int argc, char **argv)
{
        (void)argc, (void)argv;
        return RESULT(syscall(SYS_add_key, "user", "burrow-escape", "x", 1, KEY_SPEC_PROCESS_KEYRING));
}

static int probe_request_key(int argc, char **argv)
{
        (void)argc, (void)argv;
        /* No such key and no callout: ENOKEY once the call reaches the kernel. */
        return RESULT(syscall(SYS_request_key, "user", "burrow-escape-absent", NULL, 0));
}

/* ---- other processes ---------------------------------------------------------------------------------------- */

static int ptrace_attach(pid_t pid)
{
        if (ptrace(PTRACE_SEIZE, pid, NULL, NULL) < 0)
                return errno;
        ptrace(PTRACE_DETACH, pid, NULL, NULL);
        return 0;
}

static int probe_ptrace_pid1(int argc, char **argv)
{
        return ptrace_attach((pid_t)atoi(arg_or(argc, argv, 1, "1")));
}

/* The control for ptrace-pid1: a child of our own, which any process may trace once ptrace itself is allowed. */
static int probe_ptrace_child(int argc, char **argv)
{
        pid_t pid = fork();
        int r;

        (void)argc, (void)argv;
        if (pid < 0)
                return errno;
        if (pid == 0) {
                pause();
                _exit(0);
        }
        r = ptrace_attach(pid);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return r;
}

/* The host's PIDs are not visible from the container's PID namespace, so "attach to the host" means: attach to, or
 * read the memory of, the one process in it that comes from the host: PID 1, burrow's init. */
static int probe_ptrace_host(int argc, char **argv)
{
        const char *pid = arg_or(argc, argv, 1, "1");
        char path[64];
        char byte;
        int fd, r = ptrace_attach((pid_t)atoi(pid));

        if (r != 0) {
                snprintf(detail, sizeof(detail), "(ptrace %s)", strerrorname_np(r));
                snprintf(path, sizeof(path), "/proc/%s/mem", pid);
                fd = open(path, O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        return errno;
                /* Opened: that alone is a breach; reading address 0 then fails with EIO, which says nothing more. */
                (void)read(fd, &byte, 1);
                close(fd);
                return 0;
        }
        return 0;
}

static int probe_proc_mem(int argc, char **argv)
{
        char path[64];
        int fd;

        snprintf(path, sizeof(path), "/proc/%s/mem", arg_or(argc, argv, 1, "1"));
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return errno;
        close(fd);
        return 0;
}

/* runc's CVE-2019-5736: open the runtime's binary through /proc/PID/exe for writing. Nothing is ever written: the
 * open is the breach. Tries O_WRONLY directly, then O_PATH and a reopen through /proc/self/fd. */
static int open_exe_for_write(const char *exe)
{
        char fdpath[64];
        int fd, wfd, first;

        fd = open(exe, O_WRONLY | O_CLOEXEC);
        if (fd >= 0) {
                close(fd);
                return 0;
        }
        first = errno;
        fd = open(exe, O_PATH | O_CLOEXEC);
        if (fd < 0) {
                snprintf(detail, sizeof(detail), "(O_WRONLY %s, O_PATH %s)", strerrorname_np(first),
                         strerrorname_np(errno));
                return first;
        }
        snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
        wfd = open(fdpath, O_WRONLY | O_CLOEXEC);
        close(fd);
        if (wfd < 0) {
                snprintf(detail, sizeof(detail), "(O_WRONLY %s, O_PATH ok, reopen %s)", strerrorname_np(first),
                         strerrorname_np(errno));
                return errno;
        }
        close(wfd);
        return 0;
}

static int probe_proc1_exe_write(int argc, char **argv)
{
        (void)argc, (void)argv;
        return open_exe_for_write("/proc/1/exe");
}

static int probe_proc_self_exe_write(int argc, char **argv)
{
        (void)argc, (void)argv;
        return open_exe_for_write("/proc/self/exe");
}

/* ---- kernel-global state ------------------------------------------------------------------------------------ */

/* Several probes take "invalid": arguments that the kernel rejects (EINVAL, E2BIG) before its own capability or
 * sysctl check. The answer then tells whether the call reached the kernel at all, which a seccomp filter's errno
 * and the kernel's EPERM could not. */
static bool wants_invalid(int argc, char **argv)
{
        return argc > 1 && strcmp(argv[1], "invalid") == 0;
}

static int probe_bpf(int argc, char **argv)
{
        /* r0 = 0; exit: the smallest valid socket filter. */
        struct bpf_insn insns[] = {
            {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
            {.code = BPF_JMP | BPF_EXIT},
        };
        union bpf_attr attr;
        long fd;

        (void)argc, (void)argv;
        memset(&attr, 0, sizeof(attr));
        attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
        attr.insns = (unsigned long)insns;
        attr.insn_cnt = sizeof(insns) / sizeof(insns[0]);
        attr.license = (unsigned long)"GPL";
        fd = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
        if (fd < 0)
                return errno;
        close((int)fd);
        return 0;
}

static int probe_perf_event_open(int argc, char **argv)
{
        struct perf_event_attr attr;
        long fd;

        (void)argc, (void)argv;
        memset(&attr, 0, sizeof(attr));
        attr.size = sizeof(attr);
        attr.type = PERF_TYPE_SOFTWARE;
        attr.config = PERF_COUNT_SW_TASK_CLOCK;
        attr.exclude_kernel = 1;
        attr.exclude_hv = 1;
        fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
        if (fd < 0)
                return errno;
        close((int)fd);
        return 0;
}

static int probe_kexec_load(int argc, char **argv)
{
        (void)argc, (void)argv;
        /* No segments: with the capability this would only unload a loaded kernel. */
        return RESULT(syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0UL));
}

static const char garbage_module[] = "\177ELF not a module";

static int probe_init_module(int argc, char **argv)
{
        (void)argc, (void)argv;
        return RESULT(syscall(SYS_init_module, garbage_module, sizeof(garbage_module), ""));
}

static int probe_finit_module(int argc, char **argv)
{
        int fd = open(arg_or(argc, argv, 1, "/dev/null"), O_RDONLY | O_CLOEXEC);

        if (fd < 0)
                return errno;
        return RESULT(syscall(SYS_finit_module, fd, "", 0));
}

static int probe_reboot(int argc, char **argv)
{
        (void)argc, (void)argv;
        /* In a child PID namespace the kernel turns RESTART/HALT into signals to its init and refuses everything
         * else with EINVAL: CAD_OFF can do nothing even when the call is allowed. */
        return RESULT(syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_CAD_OFF, NULL));
}

static int probe_swapon(int argc, char **argv)
{
        /* "invalid": unknown flags, refused with EINVAL before the CAP_SYS_ADMIN check. */
        if (wants_invalid(argc, argv))
                return RESULT(syscall(SYS_swapon, "/dev/null", 0x40000000));
        return RESULT(syscall(SYS_swapon, arg_or(argc, argv, 1, "/dev/null"), 0));
}

/* The current time, written back; "invalid": a timestamp refused (EINVAL) before the CAP_SYS_TIME check. */
static int probe_clock_settime(int argc, char **argv)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        if (wants_invalid(argc, argv))
                ts.tv_nsec = 2000000000L;
        return RESULT(syscall(SYS_clock_settime, CLOCK_REALTIME, &ts));
}

static int probe_settimeofday(int argc, char **argv)
{
        struct timeval tv;

        gettimeofday(&tv, NULL);
        if (wants_invalid(argc, argv))
                tv.tv_usec = 2000000;
        return RESULT(syscall(SYS_settimeofday, &tv, NULL));
}

struct handle_buf {
        struct file_handle fh;
        unsigned char bytes[MAX_HANDLE_SZ];
};

static int probe_name_to_handle_at(int argc, char **argv)
{
        struct handle_buf h = {.fh.handle_bytes = MAX_HANDLE_SZ};
        int mount_id;

        return RESULT(name_to_handle_at(AT_FDCWD, arg_or(argc, argv, 1, "/"), &h.fh, &mount_id, 0));
}

/* The "shocker" exploit: open a file by handle, bypassing the paths (and the mounts that hide them). Uses the real
 * handle of "/" when name_to_handle_at is allowed, else a made-up one, so that the call is made either way. */
static int probe_open_by_handle_at(int argc, char **argv)
{
        struct handle_buf h = {.fh.handle_bytes = MAX_HANDLE_SZ};
        int mount_id, mount_fd, fd;

        (void)argc, (void)argv;
        mount_fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (mount_fd < 0)
                return errno;
        if (name_to_handle_at(AT_FDCWD, "/", &h.fh, &mount_id, 0) < 0) {
                h.fh.handle_bytes = 8;
                h.fh.handle_type = 1;
                memset(h.fh.f_handle, 0x42, 8);
        }
        fd = open_by_handle_at(mount_fd, &h.fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return errno;
        close(fd);
        return 0;
}

static int probe_userfaultfd(int argc, char **argv)
{
        long fd;

        (void)argc, (void)argv;
        /* User-mode-only faults are what the kernel grants unprivileged callers (vm.unprivileged_userfaultfd=0). */
        fd = syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
        if (fd < 0)
                return errno;
        close((int)fd);
        return 0;
}

static int probe_io_uring_setup(int argc, char **argv)
{
        struct io_uring_params p;
        long fd;

        (void)argc, (void)argv;
        memset(&p, 0, sizeof(p));
        fd = syscall(SYS_io_uring_setup, 1, &p);
        if (fd < 0)
                return errno;
        close((int)fd);
        return 0;
}

static int probe_personality(int argc, char **argv)
{
        long r;

        (void)argc, (void)argv;
        r = syscall(SYS_personality, 0xffffUL);
        if (r < 0)
                return errno;
        syscall(SYS_personality, (unsigned long)r);
        return 0;
}

/* ---- devices, sockets, files -------------------------------------------------------------------------------- */

static int probe_socket(int domain, int type, int protocol)
{
        int fd = socket(domain, type | SOCK_CLOEXEC, protocol);

        if (fd < 0)
                return errno;
        close(fd);
        return 0;
}

static int probe_raw_socket(int argc, char **argv)
{
        (void)argc, (void)argv;
        return probe_socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
}

static int probe_icmp_socket(int argc, char **argv)
{
        (void)argc, (void)argv;
        return probe_socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
}

static int probe_packet_socket(int argc, char **argv)
{
        (void)argc, (void)argv;
        return probe_socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
}

static int probe_mknod_block(int argc, char **argv)
{
        const char *path = arg_or(argc, argv, 1, "/tmp/blk");

        unlink(path);
        return RESULT(mknod(path, S_IFBLK | 0600, makedev(8, 0)));
}

/* The control for mknod-block: a FIFO, which needs no privilege. */
static int probe_mknod_fifo(int argc, char **argv)
{
        const char *path = arg_or(argc, argv, 1, "/tmp/fifo");

        unlink(path);
        return RESULT(mknod(path, S_IFIFO | 0600, 0));
}

static int write_string(const char *path, const char *value)
{
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        ssize_t n;

        if (fd < 0)
                return errno;
        n = write(fd, value, strlen(value));
        if (n < 0) {
                int e = errno;
                close(fd);
                return e;
        }
        close(fd);
        return 0;
}

static int probe_sysrq(int argc, char **argv)
{
        (void)argc, (void)argv;
        return write_string("/proc/sysrq-trigger", "h"); /* "h" only prints help to the kernel log */
}

/* Writes a sysctl's current value back to it. */
static int probe_proc_sys(int argc, char **argv)
{
        const char *path = arg_or(argc, argv, 1, "/proc/sys/kernel/hostname");
        char value[256] = "0\n";
        int fd = open(path, O_RDONLY | O_CLOEXEC);

        if (fd >= 0) {
                ssize_t n = read(fd, value, sizeof(value) - 1);
                value[n > 0 ? n : 0] = '\0';
                close(fd);
        }
        return write_string(path, value);
}

static int probe_kcore(int argc, char **argv)
{
        char buf[4096];
        ssize_t n;
        int fd;

        (void)argc, (void)argv;
        fd = open("/proc/kcore", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return errno;
        n = read(fd, buf, sizeof(buf));
        close(fd);
        if (n < 0)
                return errno;
        if (n == 0) {
                snprintf(detail, sizeof(detail), "(empty)");
                return -1;
        }
        return 0;
}

static int probe_chown(int argc, char **argv)
{
        const char *path = arg_or(argc, argv, 1, "/tmp/x");
        int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

        if (fd >= 0)
                close(fd);
        return RESULT(chown(path, 123, 123));
}

/* Run as a set-user-id-root copy by a non-root user: did exec make us root? */
static int probe_setuid_gain(int argc, char **argv)
{
        (void)argc, (void)argv;
        snprintf(detail, sizeof(detail), "uid=%u euid=%u", (unsigned)getuid(), (unsigned)geteuid());
        return geteuid() == 0 && getuid() != 0 ? 0 : -1;
}

static int probe_tiocsti(int argc, char **argv)
{
        char c = 'x';
        int fd = argc > 1 ? open(argv[1], O_RDWR | O_CLOEXEC) : STDIN_FILENO;

        if (fd < 0)
                return errno;
        return RESULT(ioctl(fd, TIOCSTI, &c));
}

/* Prints the capability sets, no_new_privs and the seccomp mode from /proc/self/status. */
static int probe_caps(int argc, char **argv)
{
        static const char *const keys[] = {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp"};
        char line[256];
        FILE *f = fopen("/proc/self/status", "re");
        size_t len = 0;

        (void)argc, (void)argv;
        if (f == NULL)
                return errno;
        while (fgets(line, sizeof(line), f)) {
                for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
                        size_t k = strlen(keys[i]);
                        if (strncmp(line, keys[i], k) == 0 && line[k] == ':') {
                                char *v = line + k + 1;
                                v += strspn(v, " \t");
                                v[strcspn(v, "\n")] = '\0';
                                len += (size_t)snprintf(detail + len, sizeof(detail) - len, "%s%s=%s", len ? " " : "",
                                                        keys[i], v);
                                if (len >= sizeof(detail))
                                        len = sizeof(detail) - 1;
                        }
                }
        }
        fclose(f);
        return 0;
}

/* ---- the table ---------------------------------------------------------------------------------------------- */

static const struct probe probes[] = {
    {"mount", probe_mount, "[DIR=/mnt]  mount a tmpfs"},
    {"umount", probe_umount, "[DIR=/proc]  detach a mount"},
    {"pivot_root", probe_pivot_root, "[DIR=/]  pivot_root(\".\", \".\") in DIR"},
    {"unshare-user", probe_unshare_user, "  unshare(CLONE_NEWUSER)"},
    {"unshare-ns", probe_unshare_ns, "  unshare(CLONE_NEWNS)"},
    {"clone-newuser", probe_clone_newuser, "  raw clone(CLONE_NEWUSER)"},
    {"clone3", probe_clone3, "  clone3 without namespace flags"},
    {"setns", probe_setns, "  setns into its own network namespace"},
    {"keyctl", probe_keyctl, "  KEYCTL_JOIN_SESSION_KEYRING"},
    {"add_key", probe_add_key, "  add a user key to the process keyring"},
    {"request_key", probe_request_key, "  request an absent key"},
    {"ptrace-pid1", probe_ptrace_pid1, "[PID=1]  PTRACE_SEIZE"},
    {"ptrace-child", probe_ptrace_child, "  PTRACE_SEIZE a child of its own (control)"},
    {"ptrace-host", probe_ptrace_host, "[PID=1]  PTRACE_SEIZE, then open /proc/PID/mem"},
    {"proc-mem", probe_proc_mem, "[PID=1]  open /proc/PID/mem"},
    {"proc1-exe-write", probe_proc1_exe_write, "  open /proc/1/exe for writing"},
    {"proc-self-exe-write", probe_proc_self_exe_write, "  open /proc/self/exe for writing"},
    {"bpf", probe_bpf, "  BPF_PROG_LOAD a trivial socket filter"},
    {"perf_event_open", probe_perf_event_open, "  count its own task clock"},
    {"kexec_load", probe_kexec_load, "  kexec_load without segments"},
    {"init_module", probe_init_module, "  load a garbage module"},
    {"finit_module", probe_finit_module, "[FILE=/dev/null]  load a module from FILE"},
    {"reboot", probe_reboot, "  LINUX_REBOOT_CMD_CAD_OFF"},
    {"swapon", probe_swapon, "[FILE=/dev/null|invalid]  swapon"},
    {"clock_settime", probe_clock_settime, "[invalid]  set CLOCK_REALTIME to its current value"},
    {"settimeofday", probe_settimeofday, "[invalid]  set the time to its current value"},
    {"name_to_handle_at", probe_name_to_handle_at, "[PATH=/]  get a file handle"},
    {"open_by_handle_at", probe_open_by_handle_at, "  open / by its file handle"},
    {"userfaultfd", probe_userfaultfd, "  userfaultfd(UFFD_USER_MODE_ONLY)"},
    {"io_uring_setup", probe_io_uring_setup, "  a one-entry ring"},
    {"personality", probe_personality, "  personality(0xffff)"},
    {"raw-socket", probe_raw_socket, "  socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)"},
    {"icmp-socket", probe_icmp_socket, "  socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP): ping without NET_RAW"},
    {"packet-socket", probe_packet_socket, "  socket(AF_PACKET, SOCK_RAW, ETH_P_ALL)"},
    {"mknod-block", probe_mknod_block, "[PATH=/tmp/blk]  mknod a block device 8:0"},
    {"mknod-fifo", probe_mknod_fifo, "[PATH=/tmp/fifo]  mknod a FIFO (control)"},
    {"sysrq", probe_sysrq, "  write \"h\" to /proc/sysrq-trigger"},
    {"proc-sys", probe_proc_sys, "[PATH=/proc/sys/kernel/hostname]  write a sysctl's value back"},
    {"kcore", probe_kcore, "  read /proc/kcore"},
    {"chown", probe_chown, "[PATH=/tmp/x]  chown to 123:123"},
    {"setuid-gain", probe_setuid_gain, "  (as a setuid-root copy) is the effective uid 0?"},
    {"tiocsti", probe_tiocsti, "[TTY=stdin]  push a character into the terminal's input"},
    {"caps", probe_caps, "  print capability sets, NoNewPrivs and Seccomp"},
};

static void usage(FILE *out)
{
        fprintf(out, "usage: burrow-escape PROBE [ARG]\nprobes:\n");
        for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
                fprintf(out, "  %s %s\n", probes[i].name, probes[i].usage);
}

int main(int argc, char **argv)
{
        const struct probe *p = NULL;
        int r;

        if (argc < 2) {
                usage(stderr);
                return 2;
        }
        if (strcmp(argv[1], "--help") == 0) {
                usage(stdout);
                return 0;
        }
        for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
                if (strcmp(argv[1], probes[i].name) == 0)
                        p = &probes[i];
        if (p == NULL) {
                fprintf(stderr, "burrow-escape: unknown probe \"%s\"\n", argv[1]);
                usage(stderr);
                return 2;
        }
        if (argc > 3) {
                fprintf(stderr, "burrow-escape: %s takes at most one argument\n", p->name);
                return 2;
        }
        r = p->run(argc - 1, argv + 1);
        if (r == 0) {
                printf("%s ok%s%s\n", p->name, detail[0] ? " " : "", detail);
                return 0;
        }
        if (r < 0)
                printf("%s denied%s%s\n", p->name, detail[0] ? " " : "", detail);
        else
                printf("%s errno=%s%s%s\n", p->name, strerrorname_np(r) ? strerrorname_np(r) : "?",
                       detail[0] ? " " : "", detail);
        return 1;
}
