/* Seccomp profiles: parsing and validation of the Docker format, and the default profile's behaviour, proved by
 * forked children that load the compiled filter (with no_new_privs, as burrow does) and report the errno they see. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "security/caps-default.h"
#include "security/seccomp.h"
#include "unit.h"

#define CAP(x) (UINT64_C(1) << (x))

/* podman's default capability set, which the workload keeps unless the user changes it. */
static const uint64_t default_caps = CAP(CAP_CHOWN) | CAP(CAP_DAC_OVERRIDE) | CAP(CAP_FOWNER) | CAP(CAP_FSETID) |
                                     CAP(CAP_KILL) | CAP(CAP_NET_BIND_SERVICE) | CAP(CAP_SETFCAP) | CAP(CAP_SETGID) |
                                     CAP(CAP_SETPCAP) | CAP(CAP_SETUID) | CAP(CAP_SYS_CHROOT);

static int parse_string(const char *json, struct seccomp_profile **ret, burrow_error **err)
{
        return seccomp_profile_parse(json, strlen(json), ret, err);
}

/* Parses json, expecting failure with `want` in the message. */
static void check_rejects(const char *json, const char *want)
{
        struct seccomp_profile *p = NULL;
        burrow_error *err = NULL;

        CHECK_ERROR(parse_string(json, &p, &err), &err, want);
        CHECK(p == NULL);
}

/* A probe runs in the filtered child and returns 0 or the errno its syscall failed with. */
typedef int (*probe_fn)(void);

/* Compiles p for caps, loads it in a forked child and returns what the probe saw (or -1 when the child broke). */
static int run_probe(const struct seccomp_profile *p, uint64_t caps, probe_fn probe)
{
        scmp_filter_ctx ctx = NULL;
        burrow_error *err = NULL;
        int status;
        pid_t pid;

        if (seccomp_profile_compile(p, caps, &ctx, &err) < 0) {
                printf("#   compile: %s\n", err->msg);
                error_free(&err);
                return -1;
        }
        fflush(stdout);
        pid = fork();
        if (pid < 0)
                return -1;
        if (pid == 0) {
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_install(ctx, &err) < 0)
                        _exit(255);
                _exit(probe() & 0xff);
        }
        seccomp_release(ctx);
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) == 255)
                return -1;
        return WEXITSTATUS(status);
}

static int errno_of(long r)
{
        return r < 0 ? errno : 0;
}

static int probe_getpid(void)
{
        return errno_of(syscall(SYS_getpid));
}
static int probe_unshare_none(void)
{
        return errno_of(unshare(0));
}
static int probe_mount(void)
{
        /* The kernel looks up the target before it checks CAP_SYS_ADMIN: a bad pointer is EFAULT for everyone, so
         * EPERM can only come from the filter. */
        return errno_of(syscall(SYS_mount, "none", (const char *)1, "tmpfs", 0UL, NULL));
}
static int probe_personality_odd(void)
{
        return errno_of(syscall(SYS_personality, 0xffffUL));
}
static int probe_personality_query(void)
{
        return errno_of(syscall(SYS_personality, 0xffffffffUL));
}
static int probe_keyctl(void)
{
        return errno_of(syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0));
}
static int probe_io_uring(void)
{
        return errno_of(syscall(SYS_io_uring_setup, 1, NULL));
}
static int probe_clone3(void)
{
        return errno_of(syscall(SYS_clone3, NULL, 0));
}
static int probe_clone_newuser(void)
{
        long r = syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER | SIGCHLD), NULL, NULL, NULL, NULL);
        if (r == 0)
                _exit(0);
        if (r > 0)
                waitpid((pid_t)r, NULL, 0);
        return errno_of(r);
}
static int probe_fork_and_wait(void)
{
        pid_t pid = fork();
        int status;

        if (pid < 0)
                return errno;
        if (pid == 0)
                _exit(7);
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 7)
                return 200;
        return 0;
}
static void *thread_main(void *arg)
{
        return arg;
}
static int probe_thread(void)
{
        pthread_t t;
        int r = pthread_create(&t, NULL, thread_main, NULL);

        if (r != 0)
                return r;
        pthread_join(t, NULL);
        return 0;
}
static int probe_ptrace(void)
{
        return errno_of(ptrace(PTRACE_PEEKDATA, getppid(), NULL, NULL));
}
static int probe_tiocsti(void)
{
        char c = 'x';
        return errno_of(syscall(SYS_ioctl, 0, (unsigned long)TIOCSTI, &c));
}
static int probe_tiocsti_high_bits(void)
{
        char c = 'x';
        /* The kernel truncates the command to 32 bits, so this is TIOCSTI too. */
        return errno_of(syscall(SYS_ioctl, 0, 0xffffffff00000000UL | TIOCSTI, &c));
}
static int probe_fionread(void)
{
        int fds[2], n = -1, r;

        if (pipe(fds) < 0)
                return errno;
        r = errno_of(ioctl(fds[0], FIONREAD, &n));
        return r != 0 ? r : (n == 0 ? 0 : 201);
}
static int probe_init_needs(void)
{
        sigset_t set;
        struct timespec zero = {0, 0};
        siginfo_t info;

        /* What burrow's init does: block signals, wait for them and for children, forward them. */
        sigemptyset(&set);
        sigaddset(&set, SIGUSR1);
        if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 || prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
                return errno;
        if (kill(getpid(), SIGUSR1) < 0 || sigtimedwait(&set, &info, &zero) != SIGUSR1)
                return errno;
        if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG) == 0 || errno != ECHILD)
                return 202;
        return 0;
}
static int probe_exec(void)
{
        char *argv[] = {"true", NULL}, *envp[] = {NULL};
        pid_t pid = fork();
        int status;

        if (pid == 0) {
                execve("/bin/true", argv, envp);
                _exit(errno);
        }
        if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
                return 203;
        return WEXITSTATUS(status);
}

static void default_profile_parses_and_compiles(void)
{
        struct seccomp_profile *p = NULL;
        burrow_error *err = NULL;
        scmp_filter_ctx ctx = NULL;

        CHECK_OK(seccomp_profile_default(&p, &err), &err);
        if (p == NULL)
                return;
        CHECK_OK(seccomp_profile_compile(p, 0, &ctx, &err), &err);
        seccomp_release(ctx);
        ctx = NULL;
        CHECK_OK(seccomp_profile_compile(p, ~UINT64_C(0), &ctx, &err), &err);
        seccomp_release(ctx);
        seccomp_profile_free(p);
        CHECK(seccomp_default_json[seccomp_default_json_len] == '\0');
}

static void default_profile_allows_what_programs_and_init_need(void)
{
        struct seccomp_profile *p = NULL;
        burrow_error *err = NULL;

        CHECK_OK(seccomp_profile_default(&p, &err), &err);
        if (p == NULL)
                return;
        CHECK(run_probe(p, default_caps, probe_getpid) == 0);
        CHECK(run_probe(p, default_caps, probe_fork_and_wait) == 0);
        CHECK(run_probe(p, default_caps, probe_thread) == 0);
        CHECK(run_probe(p, default_caps, probe_init_needs) == 0);
        CHECK(run_probe(p, default_caps, probe_exec) == 0);
        CHECK(run_probe(p, default_caps, probe_fionread) == 0);
        CHECK(run_probe(p, default_caps, probe_personality_query) == 0);
        seccomp_profile_free(p);
}

static void default_profile_blocks_dangerous_syscalls_with_eperm(void)
{
        struct seccomp_profile *p = NULL;
        burrow_error *err = NULL;

        CHECK_OK(seccomp_profile_default(&p, &err), &err);
        if (p == NULL)
                return;
        CHECK(run_probe(p, default_caps, probe_unshare_none) == EPERM);
        CHECK(run_probe(p, default_caps, probe_mount) == EPERM);
        CHECK(run_probe(p, default_caps, probe_keyctl) == EPERM);
        CHECK(run_probe(p, default_caps, probe_io_uring) == EPERM);
        CHECK(run_probe(p, default_caps, probe_clone_newuser) == EPERM);
        CHECK(run_probe(p, default_caps, probe_ptrace) == EPERM);
        CHECK(run_probe(p, default_caps, probe_tiocsti) == EPERM);
        CHECK(run_probe(p, default_caps, probe_tiocsti_high_bits) == EPERM);
        /* Not in the allowlist: ENOSYS, so that libc falls back (clone3 to clone). */
        CHECK(run_probe(p, default_caps, probe_clone3) == ENOSYS);
        CHECK(run_probe(p, default_caps, probe_personality_odd) == ENOSYS);
        seccomp_profile_free(p);
}

static void default_profile_follows_capabilities(void)
{
        struct seccomp_profile *p = NULL;
        burrow_error *err = NULL;
        uint64_t admin = default_caps | CAP(CAP_SYS_ADMIN);

        CHECK_OK(seccomp_profile_default(&p, &err), &err);
        if (p == NULL)
                return;
        /* With CAP_SYS_ADMIN the syscalls reach the kernel: unshare(0) is a no-op; mount and clone3 fail on the
         * bad arguments they are given. */
        CHECK(run_probe(p, admin, probe_unshare_none) == 0);
        CHECK(run_probe(p, admin, probe_mount) == EFAULT);
        CHECK(run_probe(p, admin, probe_clone3) == EINVAL);
        /* ptrace reaches the kernel only with CAP_SYS_PTRACE; the parent is no tracee, so ESRCH. */
        CHECK(run_probe(p, default_caps | CAP(CAP_SYS_PTRACE), probe_ptrace) == ESRCH);
        /* The keyring and io_uring stay blocked whatever the capabilities. */
        CHECK(run_probe(p, ~UINT64_C(0), probe_keyctl) == EPERM);
        CHECK(run_probe(p, ~UINT64_C(0), probe_io_uring) == EPERM);
        seccomp_profile_free(p);
}

static void profile_rules_and_defaults_apply(void)
{
        struct seccomp_profile *p = NULL;
        burrow_error *err = NULL;

        CHECK_OK(parse_string("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
                              "{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 22},"
                              "{\"name\": \"unshare\", \"action\": \"SCMP_ACT_ERRNO\"},"
                              "{\"names\": [\"no_such_syscall\", \"mount\"], \"action\": \"SCMP_ACT_ERRNO\","
                              " \"errnoRet\": 5, \"excludes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}},"
                              "{\"names\": [\"keyctl\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 9,"
                              " \"includes\": {\"caps\": [\"CAP_SYS_ADMIN\", \"CAP_SYSLOG\"]}},"
                              "{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 33,"
                              " \"args\": [{\"index\": 0, \"value\": 65535, \"op\": \"SCMP_CMP_EQ\"},"
                              "            {\"index\": 0, \"value\": 4294967295, \"op\": \"SCMP_CMP_EQ\"}]}"
                              "]}",
                              &p, &err),
                 &err);
        if (p == NULL)
                return;
        CHECK(run_probe(p, 0, probe_getpid) == 22);
        CHECK(run_probe(p, 0, probe_unshare_none) == EPERM); /* ERRNO without errnoRet is EPERM */
        CHECK(run_probe(p, 0, probe_mount) == 5);
        CHECK(run_probe(p, CAP(CAP_SYS_ADMIN), probe_mount) == EFAULT);
        CHECK(run_probe(p, CAP(CAP_SYS_ADMIN), probe_keyctl) != 9); /* includes needs every cap */
        CHECK(run_probe(p, CAP(CAP_SYS_ADMIN) | CAP(CAP_SYSLOG), probe_keyctl) == 9);
        /* Two comparisons of one argument become two rules, ORed (as runc does). */
        CHECK(run_probe(p, 0, probe_personality_odd) == 33);
        CHECK(run_probe(p, 0, probe_personality_query) == 33);
        seccomp_profile_free(p);
}

static void oci_and_legacy_forms_parse(void)
{
        struct seccomp_profile *p = NULL;
        burrow_error *err = NULL;
        scmp_filter_ctx ctx = NULL;

        CHECK_OK(parse_string("{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\","
                              " \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_AARCH64\"],"
                              " \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"],"
                              " \"syscalls\": [{\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\","
                              " \"args\": null, \"comment\": \"x\", \"includes\": {}, \"excludes\": {}},"
                              " {\"names\": [\"uname\"], \"action\": \"SCMP_ACT_TRACE\", \"errnoRet\": 1000},"
                              " {\"names\": [\"getcwd\"], \"action\": \"SCMP_ACT_LOG\", \"includes\":"
                              "  {\"minKernel\": \"3.8\", \"arches\": [\"amd64\", \"arm64\"]}}]}\n\n",
                              &p, &err),
                 &err);
        CHECK_OK(seccomp_profile_compile(p, 0, &ctx, &err), &err);
        seccomp_release(ctx);
        seccomp_profile_free(p);
        p = NULL;
        /* Rules repeating the default action are dropped rather than refused by libseccomp. */
        CHECK_OK(parse_string("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1, \"syscalls\":"
                              " [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1}]}",
                              &p, &err),
                 &err);
        CHECK_OK(seccomp_profile_compile(p, 0, &ctx, &err), &err);
        seccomp_release(ctx);
        seccomp_profile_free(p);
}

static void malformed_profiles_are_rejected_with_the_field(void)
{
        check_rejects("", "truncated JSON");
        check_rejects("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [", "truncated JSON");
        check_rejects("{\"defaultAction\": \"SCMP_ACT_ALLOW\"} x", "invalid JSON at byte 36");
        check_rejects("{\"defaultAction\": 'SCMP_ACT_ALLOW'}", "invalid JSON");
        check_rejects("{}", "no \"defaultAction\"");
        check_rejects("[]", "top level: expected an object");
        check_rejects("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": 3}", "syscalls: expected an array");
        check_rejects("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": \"x\", \"action\": "
                      "\"SCMP_ACT_ALLOW\"}]}",
                      "syscalls[0].names: expected an array");
        check_rejects("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": "
                      "\"SCMP_ACT_ERRNO\"}, {\"names\": [\"x\"], \"action\": \"SCMP_ACT_FOO\"}]}",
                      "syscalls[1].action: unknown action \"SCMP_ACT_FOO\"");
        check_rejects("{\"defaultAction\": \"SCMP_ACT_NOTIFY\"}", "defaultAction: SCMP_ACT_NOTIFY is not supported");
        check_rejects("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": 1}",
                      "defaultErrnoRet: only valid with SCMP_ACT_ERRNO");
        check_rejects("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": -1}",
                      "defaultErrnoRet: must not be negative");
        check_rejects("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 5000}",
                      "defaultErrnoRet: larger than 4095");
        check_rejects("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": "
                      "\"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_FOO\"}]}]}",
                      "syscalls[0].args[0].op: unknown operator \"SCMP_CMP_FOO\"");
        check_rejects("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": "
                      "\"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 7, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}",
                      "syscalls[0].args[0].index: larger than 5");
        check_rejects("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": "
                      "\"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1.5, \"op\": \"SCMP_CMP_EQ\"}]}]}",
                      "syscalls[0].args[0].value: expected an integer");
        check_rejects("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": "
                      "\"SCMP_ACT_ERRNO\", \"args\": [{},{},{},{},{},{},{}]}]}",
                      "syscalls[0].args: more than 6 entries");
        check_rejects("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": "
                      "\"SCMP_ACT_ERRNO\", \"includes\": {\"caps\": [\"CAP_SYS_FOO\"]}}]}",
                      "syscalls[0].includes.caps[0]: unknown capability \"CAP_SYS_FOO\"");
        check_rejects("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": "
                      "\"SCMP_ACT_ERRNO\", \"excludes\": {\"minKernel\": \"4\"}}]}",
                      "syscalls[0].excludes.minKernel: expected \"MAJOR.MINOR\"");
        check_rejects("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"]}]}",
                      "syscalls[0].action: missing");
        check_rejects("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"name\": \"read\", \"names\": "
                      "[\"read\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
                      "either \"name\" or \"names\"");
        check_rejects("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_FOO\"]}",
                      "architectures[0]: unknown architecture \"SCMP_ARCH_FOO\"");
        check_rejects("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\","
                      " \"subArchitectures\": [\"x86\"]}]}",
                      "archMap[0].subArchitectures[0]: unknown architecture \"x86\"");
        check_rejects("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_FOO\"]}",
                      "flags[0]: unknown flag");
        check_rejects("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/x.sock\"}",
                      "listenerPath: not supported");
}

static void oversized_and_deep_inputs_fail_fast(void)
{
        struct seccomp_profile *p = NULL;
        burrow_error *err = NULL;
        char *deep;

        deep = unit_repeat('[', 10 * 1024 * 1024);
        CHECK_ERROR(seccomp_profile_parse(deep, strlen(deep), &p, &err), &err, "larger than 1048576 bytes");
        free(deep);
        deep = unit_repeat('[', SECCOMP_PROFILE_MAX_SIZE);
        CHECK_ERROR(seccomp_profile_parse(deep, strlen(deep), &p, &err), &err, "nested deeper than 64 levels");
        free(deep);
        CHECK_ERROR(seccomp_profile_parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\"}\0", 37, &p, &err), &err, "NUL byte");
        CHECK(p == NULL);
}

static void conflicting_and_unsupported_rules_are_refused(void)
{
        struct seccomp_profile *p = NULL;
        burrow_error *err = NULL;
        scmp_filter_ctx ctx = NULL;

        /* libseccomp would silently keep whichever came first. */
        CHECK_OK(parse_string("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
                              "{\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"},"
                              "{\"names\": [\"write\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 5,"
                              " \"excludes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}}]}",
                              &p, &err),
                 &err);
        CHECK_ERROR(seccomp_profile_compile(p, 0, &ctx, &err), &err, "syscalls[0] and syscalls[1] give \"write\"");
        /* The capability selects only one of them: no conflict. */
        CHECK_OK(seccomp_profile_compile(p, CAP(CAP_SYS_ADMIN), &ctx, &err), &err);
        seccomp_release(ctx);
        seccomp_profile_free(p);
        p = NULL;
        /* This shape sends libseccomp 2.5.4 into an endless loop: refused before libseccomp sees it. */
        CHECK_OK(parse_string("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
                              "{\"names\": [\"ioctl\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
                              " {\"index\": 1, \"value\": 1, \"op\": \"SCMP_CMP_NE\"},"
                              " {\"index\": 2, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]},"
                              "{\"names\": [\"ioctl\"], \"action\": \"SCMP_ACT_LOG\", \"args\": ["
                              " {\"index\": 1, \"value\": 1, \"op\": \"SCMP_CMP_NE\"},"
                              " {\"index\": 3, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]}]}",
                              &p, &err),
                 &err);
        CHECK_ERROR(seccomp_profile_compile(p, 0, &ctx, &err), &err, "which libseccomp cannot combine");
        seccomp_profile_free(p);
        p = NULL;
        /* A name listed twice in one rule is the same rule, not two. */
        CHECK_OK(parse_string("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
                              "{\"names\": [\"ioctl\", \"ioctl\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
                              " {\"index\": 1, \"value\": 1, \"op\": \"SCMP_CMP_NE\"},"
                              " {\"index\": 2, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]}]}",
                              &p, &err),
                 &err);
        CHECK_OK(seccomp_profile_compile(p, 0, &ctx, &err), &err);
        seccomp_release(ctx);
        seccomp_profile_free(p);
}

/* The filter generated at build time must be exactly what the run-time compiler makes of the default profile for the
 * default capabilities, and must not be used for a capability set that compiles differently. */
static void embedded_default_filter_matches_the_profile(void)
{
        static const int defaults[] = {CAPS_DEFAULT_LIST};
        struct seccomp_profile *p = NULL;
        struct seccomp_program built = {0}, embedded = {0};
        scmp_filter_ctx ctx = NULL;
        burrow_error *err = NULL;
        uint64_t caps = 0;

        for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
                caps |= 1ULL << defaults[i];
        CHECK_OK(seccomp_profile_default(&p, &err), &err);
        CHECK_OK(seccomp_profile_compile(p, caps, &ctx, &err), &err);
        CHECK_OK(seccomp_program_from_ctx(ctx, p, &built, &err), &err);
        CHECK(seccomp_program_default(caps, &embedded));
        CHECK(built.len > 100 && built.len == embedded.len && built.flags == embedded.flags);
        CHECK(built.len == embedded.len &&
              memcmp(built.filter, embedded.filter, built.len * sizeof(struct sock_filter)) == 0);
        /* Capabilities the profile never mentions do not matter; those it does, do. */
        CHECK(seccomp_program_default(caps | (1ULL << CAP_NET_RAW), &embedded));
        CHECK(!seccomp_program_default(caps | (1ULL << CAP_SYS_ADMIN), &embedded));
        CHECK(!seccomp_program_default(caps & ~(1ULL << CAP_SYS_CHROOT), &embedded));
        seccomp_program_clear(&built);
        seccomp_release(ctx);
        seccomp_profile_free(p);
}

int main(void)
{
        RUN(default_profile_parses_and_compiles);
        RUN(default_profile_allows_what_programs_and_init_need);
        RUN(default_profile_blocks_dangerous_syscalls_with_eperm);
        RUN(default_profile_follows_capabilities);
        RUN(profile_rules_and_defaults_apply);
        RUN(oci_and_legacy_forms_parse);
        RUN(malformed_profiles_are_rejected_with_the_field);
        RUN(oversized_and_deep_inputs_fail_fast);
        RUN(conflicting_and_unsupported_rules_are_refused);
        RUN(embedded_default_filter_matches_the_profile);
        return unit_finish();
}
