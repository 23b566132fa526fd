/* burrow-slirp's seccomp filter: what the loop needs passes, the rest fails with EPERM, and the calls only an
 * attacker would make kill the process. Each probe runs in a child that loads the filter (with no_new_privs, so no
 * privilege is needed). */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"
#include "unit.h"

enum { PROBE_ALLOWED = 10, PROBE_EPERM = 11, PROBE_OTHER = 12 };

/* Runs probe() under the filter in a child; returns its exit code, or 128 + the signal that killed it. */
static int run_probe(long (*probe)(void))
{
        pid_t pid = fork();
        int status;

        if (pid == 0) {
                burrow_error *err = NULL;
                long r;

                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || sandbox_install_seccomp(&err) < 0)
                        _exit(1);
                r = probe();
                _exit(r >= 0 ? PROBE_ALLOWED : errno == EPERM ? PROBE_EPERM : PROBE_OTHER);
        }
        if (pid < 0 || waitpid(pid, &status, 0) < 0)
                return -1;
        return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

static long probe_socket_inet(void)
{
        return socket(AF_INET6, SOCK_DGRAM, 0);
}
static long probe_socket_unix(void)
{
        return socket(AF_UNIX, SOCK_STREAM, 0);
}
static long probe_socket_netlink(void)
{
        return socket(AF_NETLINK, SOCK_RAW, 0);
}
static long probe_mmap_rw(void)
{
        return mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0;
}
static long probe_mmap_exec(void)
{
        return mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0;
}
static long probe_mprotect_exec(void)
{
        void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        return p == MAP_FAILED ? -2 : mprotect(p, 4096, PROT_READ | PROT_EXEC);
}
static long probe_open_read(void)
{
        return open("/dev/null", O_RDONLY | O_CLOEXEC);
}
static long probe_open_write(void)
{
        return open("/dev/null", O_WRONLY | O_CLOEXEC);
}
static long probe_open_create(void)
{
        return open("/nonexistent-dir/x", O_RDONLY | O_CREAT, 0600);
}
static long probe_ioctl_fionread(void)
{
        int n, fd = socket(AF_INET, SOCK_DGRAM, 0);
        return fd < 0 ? fd : ioctl(fd, FIONREAD, &n);
}
static long probe_ioctl_tunsetiff(void)
{
        return ioctl(0, TUNSETIFF, NULL);
}
static long probe_fcntl_setfl(void)
{
        return fcntl(1, F_SETFL, fcntl(1, F_GETFL));
}
static long probe_fcntl_dupfd(void)
{
        return fcntl(1, F_DUPFD, 10);
}
static long probe_tgkill_self(void)
{
        return syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), 0);
}
static long probe_kill_parent(void)
{
        return kill(getppid(), 0);
}
static long probe_execve(void)
{
        char *argv[] = {"true", NULL};
        return execve("/bin/true", argv, argv + 1);
}
static long probe_fork(void)
{
        return syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
}
static long probe_unshare(void)
{
        return unshare(CLONE_NEWUSER);
}
static long probe_mount(void)
{
        return mount("none", "/", NULL, MS_REMOUNT, NULL);
}
static long probe_ptrace(void)
{
        return ptrace(PTRACE_TRACEME, 0, NULL, NULL);
}

static void what_the_loop_needs_is_allowed(void)
{
        CHECK(run_probe(probe_socket_inet) == PROBE_ALLOWED);
        CHECK(run_probe(probe_mmap_rw) == PROBE_ALLOWED);
        CHECK(run_probe(probe_open_read) == PROBE_ALLOWED);
        CHECK(run_probe(probe_ioctl_fionread) == PROBE_ALLOWED);
        CHECK(run_probe(probe_fcntl_setfl) == PROBE_ALLOWED);
        CHECK(run_probe(probe_tgkill_self) == PROBE_ALLOWED);
}

static void everything_else_fails_with_eperm(void)
{
        CHECK(run_probe(probe_socket_unix) == PROBE_EPERM);
        CHECK(run_probe(probe_socket_netlink) == PROBE_EPERM);
        CHECK(run_probe(probe_mmap_exec) == PROBE_EPERM);
        CHECK(run_probe(probe_mprotect_exec) == PROBE_EPERM);
        CHECK(run_probe(probe_open_write) == PROBE_EPERM);
        CHECK(run_probe(probe_open_create) == PROBE_EPERM);
        CHECK(run_probe(probe_ioctl_tunsetiff) == PROBE_EPERM);
        CHECK(run_probe(probe_fcntl_dupfd) == PROBE_EPERM);
        CHECK(run_probe(probe_kill_parent) == PROBE_EPERM);
}

static void escapes_kill_the_process(void)
{
        CHECK(run_probe(probe_execve) == 128 + SIGSYS);
        CHECK(run_probe(probe_fork) == 128 + SIGSYS);
        CHECK(run_probe(probe_unshare) == 128 + SIGSYS);
        CHECK(run_probe(probe_mount) == 128 + SIGSYS);
        CHECK(run_probe(probe_ptrace) == 128 + SIGSYS);
}

int main(void)
{
        RUN(what_the_loop_needs_is_allowed);
        RUN(everything_else_fails_with_eperm);
        RUN(escapes_kill_the_process);
        return unit_finish();
}
