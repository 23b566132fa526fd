/* A parsed seccomp profile into a libseccomp filter for the native architecture and its compat ABIs, and loading it.
 * The semantics follow Docker and podman: includes/excludes select rules by the workload's capabilities, the
 * architecture and the kernel version; syscall names this libseccomp does not know are skipped; a rule whose action
 * is the default action adds nothing. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "security/seccomp-internal.h"
#include "util/cleanup.h"
#include "util/fileutil.h"

/* The ABIs a kernel of the native architecture also runs; only these are added to the filter, since a filter
 * entry for an architecture the kernel cannot run is dead weight. Any other ABI hits the bad-arch action (kill). */
/* clang-format off */
static const struct compat_arch {
        uint32_t native;
        uint32_t compat;
} compat_arches[] = {
    {SCMP_ARCH_X86_64, SCMP_ARCH_X86},      {SCMP_ARCH_X86_64, SCMP_ARCH_X32},
    {SCMP_ARCH_AARCH64, SCMP_ARCH_ARM},     {SCMP_ARCH_S390X, SCMP_ARCH_S390},
    {SCMP_ARCH_PPC64, SCMP_ARCH_PPC},       {SCMP_ARCH_MIPS64, SCMP_ARCH_MIPS},
    {SCMP_ARCH_MIPS64, SCMP_ARCH_MIPS64N32}, {SCMP_ARCH_MIPSEL64, SCMP_ARCH_MIPSEL},
    {SCMP_ARCH_MIPSEL64, SCMP_ARCH_MIPSEL64N32},
};
/* clang-format on */

static bool arches_match_native(const strv *arches, const struct seccomp_arch_name *native)
{
        for (size_t i = 0; i < arches->len; i++)
                if (native != NULL &&
                    (strcmp(arches->items[i], native->goarch) == 0 || strcmp(arches->items[i], native->kernel) == 0))
                        return true;
        return false;
}

/* Docker's selection: any excluded cap, arch or newer kernel drops the rule; all included ones must be present. */
static bool rule_applies(const struct seccomp_rule *r, uint64_t caps, const struct seccomp_arch_name *native,
                         unsigned int kernel)
{
        if (arches_match_native(&r->excludes.arches, native) || (caps & r->excludes.caps) != 0 ||
            (r->excludes.min_kernel != 0 && kernel >= r->excludes.min_kernel))
                return false;
        if (r->includes.arches.len > 0 && !arches_match_native(&r->includes.arches, native))
                return false;
        if ((caps & r->includes.caps) != r->includes.caps)
                return false;
        if (r->includes.min_kernel != 0 && kernel < r->includes.min_kernel)
                return false;
        return true;
}

static unsigned int kernel_version(void)
{
        struct utsname u;
        unsigned int major = 0, minor = 0;

        if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
                return 0;
        return (major & 0xffff) << 16 | (minor & 0xffff);
}

static bool is_compat_of(uint32_t native, uint32_t token)
{
        for (size_t i = 0; i < sizeof(compat_arches) / sizeof(compat_arches[0]); i++)
                if (compat_arches[i].native == native && compat_arches[i].compat == token)
                        return true;
        return false;
}

/* One (syscall, rule) pair that will become a libseccomp rule. */
struct rule_entry {
        int nr;
        size_t rule;
        const char *name;
};

static int entry_compare(const void *a, const void *b)
{
        const struct rule_entry *x = a, *y = b;

        if (x->nr != y->nr)
                return x->nr < y->nr ? -1 : 1;
        return x->rule < y->rule ? -1 : x->rule > y->rule;
}

static bool rule_repeats_an_index(const struct seccomp_rule *r)
{
        bool seen[SECCOMP_ARGS_MAX] = {false};

        for (size_t i = 0; i < r->n_args; i++) {
                if (seen[r->args[i].index])
                        return true;
                seen[r->args[i].index] = true;
        }
        return false;
}

/* Two rules for one syscall that both compare several arguments and share a range or inequality comparison (anything
 * but EQ and MASKED_EQ) can send libseccomp 2.5.4's rule tree into an endless loop (found by fuzz-seccomp, e.g.
 * "A1 != 1 && A2 == 0" next to "A1 != 1 && A3 == 0"). Refuse that shape rather than hang the launcher; no known
 * profile has it (Docker's and podman's compare one argument per rule). */
static bool rules_hang_libseccomp(const struct seccomp_rule *a, const struct seccomp_rule *b)
{
        if (a->n_args < 2 || b->n_args < 2 || rule_repeats_an_index(a) || rule_repeats_an_index(b))
                return false;
        for (size_t i = 0; i < a->n_args; i++)
                for (size_t j = 0; j < b->n_args; j++)
                        if (a->args[i].op != SCMP_CMP_EQ && a->args[i].op != SCMP_CMP_MASKED_EQ &&
                            a->args[i].index == b->args[j].index && a->args[i].op == b->args[j].op &&
                            a->args[i].value == b->args[j].value && a->args[i].value_two == b->args[j].value_two)
                                return true;
        return false;
}

/* libseccomp keeps the first unconditional rule of a syscall and silently drops any later rule for it with another
 * action (and drops conditional rules once an unconditional one exists): refuse such profiles instead of letting the
 * order of the file decide. */
static int check_conflicts(const struct seccomp_profile *p, struct rule_entry *entries, size_t n, burrow_error **err)
{
        _cleanup_free_ struct rule_entry *sorted = NULL;

        if (n == 0)
                return 0;
        sorted = xcalloc(n, sizeof(*sorted));
        memcpy(sorted, entries, n * sizeof(*sorted));
        qsort(sorted, n, sizeof(*sorted), entry_compare);
        for (size_t start = 0, end; start < n; start = end) {
                const struct rule_entry *uncond = NULL;

                for (end = start; end < n && sorted[end].nr == sorted[start].nr; end++)
                        if (uncond == NULL && p->rules[sorted[end].rule].n_args == 0)
                                uncond = &sorted[end];
                for (size_t i = start; uncond == NULL && i < end; i++)
                        for (size_t j = i + 1; j < end; j++)
                                if (sorted[i].rule != sorted[j].rule &&
                                    rules_hang_libseccomp(&p->rules[sorted[i].rule], &p->rules[sorted[j].rule]))
                                        return error_make(err, 0,
                                                          "seccomp profile: syscalls[%zu] and syscalls[%zu] share a "
                                                          "range comparison of \"%s\" among several, "
                                                          "which libseccomp cannot combine",
                                                          sorted[i].rule, sorted[j].rule, sorted[i].name);
                if (uncond == NULL)
                        continue;
                for (size_t i = start; i < end && !p->first_rule_wins; i++) {
                        const struct rule_entry *e = &sorted[i];
                        if (p->rules[e->rule].action != p->rules[uncond->rule].action)
                                return error_make(err, 0,
                                                  "seccomp profile: syscalls[%zu] and syscalls[%zu] give \"%s\" "
                                                  "different actions and syscalls[%zu] has no args to tell them apart",
                                                  e->rule < uncond->rule ? e->rule : uncond->rule,
                                                  e->rule < uncond->rule ? uncond->rule : e->rule, e->name,
                                                  uncond->rule);
                }
        }
        return 0;
}

/* libseccomp refuses two comparisons of the same argument in one rule; like runc, such a rule becomes one rule per
 * comparison, so its comparisons are ORed instead of ANDed. */
static int add_rule(scmp_filter_ctx ctx, const struct seccomp_rule *r, int nr)
{
        struct scmp_arg_cmp cmps[SECCOMP_ARGS_MAX];
        int rc;

        for (size_t i = 0; i < r->n_args; i++)
                cmps[i] =
                    (struct scmp_arg_cmp){r->args[i].index, r->args[i].op, r->args[i].value, r->args[i].value_two};
        if (!rule_repeats_an_index(r))
                return seccomp_rule_add_array(ctx, r->action, nr, (unsigned int)r->n_args, cmps);
        for (size_t i = 0; i < r->n_args; i++) {
                rc = seccomp_rule_add_array(ctx, r->action, nr, 1, &cmps[i]);
                if (rc < 0)
                        return rc;
        }
        return 0;
}

static int set_attr(scmp_filter_ctx ctx, enum scmp_filter_attr attr, uint32_t value, const char *what,
                    burrow_error **err)
{
        int rc = seccomp_attr_set(ctx, attr, value);

        if (rc < 0)
                return error_make(err, -rc, "seccomp filter: set %s", what);
        return 0;
}

static int compile_into(const struct seccomp_profile *p, uint64_t caps, scmp_filter_ctx ctx, burrow_error **err)
{
        uint32_t native = seccomp_arch_native();
        const struct seccomp_arch_name *native_name = seccomp_arch_name_of(native);
        unsigned int kernel = kernel_version();
        _cleanup_free_ struct rule_entry *entries = NULL;
        size_t n = 0, cap = 0;
        int rc;

        /* burrow sets no_new_privs itself, before dropping to the workload's credentials. */
        if (set_attr(ctx, SCMP_FLTATR_CTL_NNP, 0, "no_new_privs", err) < 0 ||
            /* A binary search over syscall numbers instead of a list of ~400 comparisons on every syscall. */
            set_attr(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2, "optimize", err) < 0 ||
            (p->tsync && set_attr(ctx, SCMP_FLTATR_CTL_TSYNC, 1, "tsync", err) < 0) ||
            (p->log && set_attr(ctx, SCMP_FLTATR_CTL_LOG, 1, "log", err) < 0) ||
            (p->spec_allow && set_attr(ctx, SCMP_FLTATR_CTL_SSB, 1, "spec_allow", err) < 0))
                return -1;

        /* The native ABI is always in the filter (seccomp_init put it there); compat ABIs when the profile lists
         * them, directly or in the archMap entry of the native architecture. */
        for (size_t i = 0; i < p->n_arches; i++) {
                const struct seccomp_arch *a = &p->arches[i];
                if (!is_compat_of(native, a->token) || (a->parent != 0 && a->parent != native))
                        continue;
                rc = seccomp_arch_add(ctx, a->token);
                if (rc < 0 && rc != -EEXIST)
                        return error_make(err, -rc, "seccomp filter: add architecture %#x", a->token);
        }

        for (size_t i = 0; i < p->n_rules; i++) {
                const struct seccomp_rule *r = &p->rules[i];

                /* libseccomp refuses rules that repeat the default action; they change nothing. */
                if (r->action == p->default_action || !rule_applies(r, caps, native_name, kernel))
                        continue;
                for (size_t j = 0; j < r->names.len; j++) {
                        int nr = seccomp_syscall_resolve_name(r->names.items[j]);
                        if (nr == __NR_SCMP_ERROR)
                                continue; /* unknown to this libseccomp: skipped, as Docker does */
                        if (n == cap) {
                                cap = cap ? cap * 2 : 256;
                                entries = xrealloc(entries, cap * sizeof(*entries));
                        }
                        entries[n++] = (struct rule_entry){nr, i, r->names.items[j]};
                }
        }
        if (check_conflicts(p, entries, n, err) < 0)
                return -1;
        for (size_t i = 0; i < n; i++) {
                rc = add_rule(ctx, &p->rules[entries[i].rule], entries[i].nr);
                if (rc < 0)
                        return error_make(err, -rc, "seccomp filter: syscalls[%zu]: add a rule for \"%s\"",
                                          entries[i].rule, entries[i].name);
        }
        return 0;
}

int seccomp_profile_compile(const struct seccomp_profile *p, uint64_t caps, scmp_filter_ctx *ret, burrow_error **err)
{
        scmp_filter_ctx ctx = seccomp_init(p->default_action);

        if (ctx == NULL)
                return error_make(err, ENOMEM, "seccomp filter: initialize");
        if (compile_into(p, caps, ctx, err) < 0) {
                seccomp_release(ctx);
                return -1;
        }
        *ret = ctx;
        return 0;
}

int seccomp_install(scmp_filter_ctx ctx, burrow_error **err)
{
        int rc = seccomp_load(ctx);

        if (rc < 0)
                return error_make(err, -rc, "seccomp filter: load");
        return 0;
}

uint64_t seccomp_profile_caps_used(const struct seccomp_profile *p)
{
        uint64_t used = 0;

        for (size_t i = 0; i < p->n_rules; i++)
                used |= p->rules[i].includes.caps | p->rules[i].excludes.caps;
        return used;
}

bool seccomp_profile_depends_on_kernel(const struct seccomp_profile *p)
{
        for (size_t i = 0; i < p->n_rules; i++)
                if (p->rules[i].includes.min_kernel || p->rules[i].excludes.min_kernel)
                        return true;
        return false;
}

int seccomp_program_from_ctx(scmp_filter_ctx ctx, const struct seccomp_profile *p, struct seccomp_program *ret,
                             burrow_error **err)
{
        _cleanup_close_ int fd = memfd_create("burrow-seccomp", MFD_CLOEXEC);
        _cleanup_free_ struct sock_filter *filter = NULL;
        struct stat st;
        ssize_t n;
        int rc;

        if (fd < 0)
                return error_make(err, errno, "seccomp filter: memfd_create");
        rc = seccomp_export_bpf(ctx, fd);
        if (rc < 0)
                return error_make(err, -rc, "seccomp filter: generate the BPF program");
        if (fstat(fd, &st) < 0)
                return error_make(err, errno, "seccomp filter: stat");
        if (st.st_size <= 0 || st.st_size % (off_t)sizeof(struct sock_filter) != 0 ||
            st.st_size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS)
                return error_make(err, E2BIG, "seccomp filter: %lld bytes of BPF", (long long)st.st_size);
        filter = xmalloc((size_t)st.st_size);
        n = pread(fd, filter, (size_t)st.st_size, 0);
        if (n != st.st_size)
                return error_make(err, n < 0 ? errno : EIO, "seccomp filter: read the BPF program");
        *ret = (struct seccomp_program){
            .filter = filter,
            .len = (unsigned short)(st.st_size / (off_t)sizeof(struct sock_filter)),
            .flags = (p->tsync ? SECCOMP_FILTER_FLAG_TSYNC : 0) | (p->log ? SECCOMP_FILTER_FLAG_LOG : 0) |
                     (p->spec_allow ? SECCOMP_FILTER_FLAG_SPEC_ALLOW : 0),
            .owned = filter,
        };
        filter = NULL;
        return 0;
}

int seccomp_program_install(const struct seccomp_program *prog, burrow_error **err)
{
        struct sock_fprog fprog = {.len = prog->len, .filter = (struct sock_filter *)prog->filter};

        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, prog->flags, &fprog) < 0)
                return error_make(err, errno, "seccomp filter: load");
        return 0;
}

void seccomp_program_clear(struct seccomp_program *prog)
{
        free(prog->owned);
        *prog = (struct seccomp_program){0};
}

/* What the build process sends back through its pipe. */
struct build_reply {
        int32_t errnum; /* 0: a program follows; otherwise the error, whose message follows */
        uint32_t flags;
        uint32_t len; /* instructions, or message bytes */
};

static _Noreturn void build_child(const struct seccomp_profile *p, uint64_t caps, int fd)
{
        struct seccomp_program prog = {0};
        struct build_reply reply = {0};
        burrow_error *err = NULL;
        scmp_filter_ctx ctx = NULL;

        if (seccomp_profile_compile(p, caps, &ctx, &err) == 0 && seccomp_program_from_ctx(ctx, p, &prog, &err) == 0) {
                reply.flags = prog.flags;
                reply.len = prog.len;
                if (fd_write_all(fd, &reply, sizeof(reply)) < 0 ||
                    fd_write_all(fd, prog.filter, prog.len * sizeof(struct sock_filter)) < 0)
                        _exit(1);
                _exit(0);
        }
        reply.errnum = err->errnum ? err->errnum : EINVAL;
        reply.len = (uint32_t)strlen(err->msg);
        if (fd_write_all(fd, &reply, sizeof(reply)) < 0 || fd_write_all(fd, err->msg, reply.len) < 0)
                _exit(1);
        _exit(0);
}

/* Reads exactly len bytes before the deadline (CLOCK_MONOTONIC ms); -1 with errno ETIMEDOUT or EPIPE otherwise. */
static int read_until(int fd, void *buf, size_t len, long long deadline_ms)
{
        size_t got = 0;

        while (got < len) {
                struct timespec now;
                struct pollfd pfd = {.fd = fd, .events = POLLIN};
                long long left;
                ssize_t n;

                clock_gettime(CLOCK_MONOTONIC, &now);
                left = deadline_ms - (now.tv_sec * 1000LL + now.tv_nsec / 1000000);
                if (left <= 0) {
                        errno = ETIMEDOUT;
                        return -1;
                }
                if (poll(&pfd, 1, (int)(left > 60000 ? 60000 : left)) < 0 && errno != EINTR)
                        return -1;
                if (!(pfd.revents & (POLLIN | POLLHUP)))
                        continue;
                n = read(fd, (char *)buf + got, len - got);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0) {
                        errno = n == 0 ? EPIPE : errno;
                        return -1;
                }
                got += (size_t)n;
        }
        return 0;
}

int seccomp_profile_build(const struct seccomp_profile *p, uint64_t caps, int timeout_ms, struct seccomp_program *ret,
                          burrow_error **err)
{
        _cleanup_close_ int rfd = -1;
        _cleanup_free_ struct sock_filter *filter = NULL;
        struct build_reply reply;
        struct timespec start;
        long long deadline;
        int fds[2], status, r = -1;
        pid_t pid;

        if (pipe2(fds, O_CLOEXEC) < 0)
                return error_make(err, errno, "seccomp filter: pipe");
        pid = fork();
        if (pid < 0) {
                close(fds[0]);
                close(fds[1]);
                return error_make(err, errno, "seccomp filter: fork");
        }
        if (pid == 0) {
                close(fds[0]);
                build_child(p, caps, fds[1]);
        }
        close(fds[1]);
        rfd = fds[0];
        clock_gettime(CLOCK_MONOTONIC, &start);
        deadline = start.tv_sec * 1000LL + start.tv_nsec / 1000000 + timeout_ms;

        if (read_until(rfd, &reply, sizeof(reply), deadline) < 0) {
                error_make(err, errno == ETIMEDOUT ? 0 : errno,
                           errno == ETIMEDOUT
                               ? "seccomp filter: libseccomp did not finish within %d ms: the profile is "
                                 "too complex (or hits a libseccomp bug)"
                               : "seccomp filter: the compiler process failed",
                           timeout_ms);
                goto out;
        }
        if (reply.errnum != 0) {
                _cleanup_free_ char *msg = xmalloc((size_t)(reply.len > 4096 ? 4096 : reply.len) + 1);
                size_t len = reply.len > 4096 ? 4096 : reply.len;

                if (read_until(rfd, msg, len, deadline) < 0)
                        len = 0;
                msg[len] = '\0';
                error_make(err, 0, "%s", len ? msg : "seccomp filter: compilation failed");
                goto out;
        }
        if (reply.len == 0 || reply.len > BPF_MAXINSNS) {
                error_make(err, E2BIG, "seccomp filter: %u BPF instructions", reply.len);
                goto out;
        }
        filter = xmalloc(reply.len * sizeof(struct sock_filter));
        if (read_until(rfd, filter, reply.len * sizeof(struct sock_filter), deadline) < 0) {
                error_make(err, errno, "seccomp filter: read the BPF program");
                goto out;
        }
        *ret = (struct seccomp_program){
            .filter = filter, .len = (unsigned short)reply.len, .flags = reply.flags, .owned = filter};
        filter = NULL;
        r = 0;
out:
        /* A compiler that answered is exiting by itself; one that did not (a hung libseccomp) is killed. */
        if (r < 0)
                kill(pid, SIGKILL);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        if (r == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
                seccomp_program_clear(ret);
                return error_make(err, 0, "seccomp filter: the compiler process died (status %d)", status);
        }
        return r;
}
