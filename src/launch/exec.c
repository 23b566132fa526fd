/* `burrow exec`: a new process in a running container. It joins every namespace of the container (user first: it
 * gives the rights to join the others) with the fds its supervisor serves (launch/control.h), starts in the
 * container's cgroup, and gets the container's capabilities, no_new_privs and seccomp filter: it can do what the
 * container's workload can, nothing more.
 *
 *   E (burrow exec, outside)  ── clone into the container's cgroup ─►  X (joins the namespaces; relays signals)
 *                                                                          └─ fork ─► W (in the container's pid
 *                                                                                     namespace: user, caps, exec)
 * E keeps the caller's terminal and proxies it to W's pty (opened from the container's devpts), forwards signals to
 * X, which forwards them to W, and exits with W's status. */
#include "launch/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "init/init.h"
#include "launch/control.h"
#include "launch/oci.h"
#include "launch/sync.h"
#include "launch/tty.h"
#include "spec/user.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/process.h"

static _Noreturn void fail(int sock, burrow_error *err)
{
        sync_send_error(sock, err);
        _exit(125);
}

/* After setns(user): whether setgroups(2) is allowed in the container's user namespace (not after a "deny"). */
static bool setgroups_allowed(void)
{
        _cleanup_free_ char *text = NULL;

        if (file_read_all("/proc/self/setgroups", 64, &text, NULL, NULL) < 0)
                return false;
        return strncmp(text, "allow", 5) == 0;
}

static int join_namespaces(const struct control_ns *ns, burrow_error **err)
{
        for (size_t i = 0; i < ns->n; i++)
                if (setns(ns->fds[i], ns->types[i]) < 0)
                        return error_make(err, errno, "join the container's namespaces (setns %#x)", ns->types[i]);
        return 0;
}

/* X: in the container's namespaces; forks W into its pid namespace and relays until W ends. */
static _Noreturn void exec_inside(const struct launch_exec *x, struct launch_plan *plan, struct control_ns *ns,
                                  int sock)
{
        struct user_resolved user = {0};
        _cleanup_strv_ strv env = {0};
        burrow_error *err = NULL;
        int tty_slave = -1;
        sigset_t all;
        pid_t w;

        if (!x->detach)
                prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        if (join_namespaces(ns, &err) < 0)
                fail(sock, err);
        control_ns_clear(ns);
        /* Read while /proc/self is still ours: not dumpable, its files belong to the host's root. */
        plan->setgroups_allowed = setgroups_allowed();
        /* Like the container's init: nothing inside may ptrace this process or reach burrow through it. */
        prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        if (chdir("/") < 0) {
                error_make(&err, errno, "chdir /");
                fail(sock, err);
        }
        if (user_resolve(&x->spec->user, "/etc/passwd", "/etc/group", &user, &err) < 0)
                fail(sock, err);
        if (x->spec->oci.enabled) {
                /* process.user.additionalGids, exactly */
                free(user.groups);
                user.groups = xcalloc(x->spec->oci.n_additional_gids + 1, sizeof(gid_t));
                for (size_t i = 0; i < x->spec->oci.n_additional_gids; i++)
                        user.groups[i] = x->spec->oci.additional_gids[i];
                user.n_groups = x->spec->oci.n_additional_gids;
        }
        launch_build_env(x->spec, &user, x->hostname, &env);
        if (x->spec->tty && launch_open_tty(sock, &tty_slave, &err) < 0)
                fail(sock, err);
        sigfillset(&all);
        sigprocmask(SIG_SETMASK, &all, NULL);
        w = fork();
        if (w < 0) {
                error_make(&err, errno, "fork");
                fail(sock, err);
        }
        if (w == 0)
                launch_exec_workload(x->spec, plan, &user, &env, sock, tty_slave);
        close(sock);
        if (tty_slave >= 0)
                close(tty_slave);
        _exit(init_run(w));
}

struct exec_state {
        const struct launch_exec *x;
        int sock, sigfd, pidfd, master;
        bool started, exited;
        int status;
        struct tty_caller tty;
};

static int handle_message(struct exec_state *s, burrow_error **err)
{
        struct sync_msg msg;
        int fd = -1, r = sync_recv(s->sock, &msg, &fd, err);

        if (r <= 0)
                return r;
        switch (msg.type) {
        case SYNC_TTY_MASTER:
                if (fd < 0 || s->master >= 0) {
                        if (fd >= 0)
                                close(fd);
                        return error_make(err, EPROTO, "sync: unexpected pty master");
                }
                if (s->x->console_socket) {
                        r = launch_oci_send_console(s->x->console_socket, fd, &s->x->spec->oci, err);
                        close(fd);
                        if (r < 0)
                                return -1;
                        return sync_send(s->sock, SYNC_TTY_READY, 0, NULL, -1, err) < 0 ? -1 : 1;
                }
                s->master = fd;
                tty_copy_winsize(s->master);
                if (tty_caller_make_raw(&s->tty, err) < 0)
                        return -1;
                return sync_send(s->sock, SYNC_TTY_READY, 0, NULL, -1, err) < 0 ? -1 : 1;
        case SYNC_EXEC:
                s->started = true;
                break;
        case SYNC_EXEC_FAILED: {
                burrow_error *e = NULL;
                error_make(&e, msg.errnum, "%s", msg.text);
                error_print(e);
                error_free(&e);
                s->started = true;
                break;
        }
        case SYNC_ERROR:
                if (fd >= 0)
                        close(fd);
                return error_make(err, msg.errnum, "%s", msg.text);
        default:
                if (fd >= 0)
                        close(fd);
                return error_make(err, EPROTO, "sync: unknown message %u", msg.type);
        }
        if (fd >= 0)
                close(fd);
        return 1;
}

static int relay(struct exec_state *s, bool stdin_open, burrow_error **err)
{
        for (;;) {
                struct pollfd pfd[5];
                int n = 0, i_sock = -1, i_master = -1, i_in = -1, i_sig, i_pid;

                i_sig = n;
                pfd[n++] = (struct pollfd){.fd = s->sigfd, .events = POLLIN};
                i_pid = n;
                pfd[n++] = (struct pollfd){.fd = s->pidfd, .events = POLLIN};
                if (s->sock >= 0) {
                        i_sock = n;
                        pfd[n++] = (struct pollfd){.fd = s->sock, .events = POLLIN};
                }
                if (s->master >= 0) {
                        i_master = n;
                        pfd[n++] = (struct pollfd){.fd = s->master, .events = POLLIN};
                        if (stdin_open) {
                                i_in = n;
                                pfd[n++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
                        }
                }
                if (poll(pfd, (nfds_t)n, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return error_make(err, errno, "poll");
                }
                if (i_sock >= 0 && pfd[i_sock].revents) {
                        int r = handle_message(s, err);
                        if (r < 0)
                                return -1;
                        if (r == 0)
                                cleanup_closep(&s->sock);
                        /* exec --detach: the process runs; the relay and it are the engine's now. */
                        if (s->started && s->x->detach)
                                return 0;
                }
                if (pfd[i_sig].revents & POLLIN) {
                        struct signalfd_siginfo si;
                        while (read(s->sigfd, &si, sizeof(si)) == sizeof(si)) {
                                if (si.ssi_signo == SIGWINCH && s->master >= 0) {
                                        tty_copy_winsize(s->master);
                                        continue;
                                }
                                /* Without -t the exec'd process shares our terminal's foreground group: a ^C there
                                 * reached it already (SI_KERNEL); forwarding would deliver it twice. */
                                if (!s->x->spec->tty && si.ssi_code == SI_KERNEL &&
                                    (si.ssi_signo == SIGINT || si.ssi_signo == SIGQUIT || si.ssi_signo == SIGTSTP ||
                                     si.ssi_signo == SIGTTIN || si.ssi_signo == SIGTTOU || si.ssi_signo == SIGWINCH))
                                        continue;
                                syscall(SYS_pidfd_send_signal, s->pidfd, si.ssi_signo, NULL, 0);
                        }
                }
                if (i_master >= 0 && pfd[i_master].revents && tty_pump(s->master, STDOUT_FILENO) <= 0)
                        cleanup_closep(&s->master);
                if (i_in >= 0 && pfd[i_in].revents && tty_pump(STDIN_FILENO, s->master) <= 0)
                        stdin_open = false;
                if (pfd[i_pid].revents & POLLIN) {
                        siginfo_t si = {0};
                        if (waitid((idtype_t)P_PIDFD, (id_t)s->pidfd, &si, WEXITED) < 0)
                                return error_make(err, errno, "wait for the exec'd process");
                        s->exited = true;
                        s->status = si.si_code == CLD_EXITED ? W_EXITCODE(si.si_status, 0) : si.si_status;
                        if (s->master >= 0) {
                                fcntl(s->master, F_SETFL, O_NONBLOCK);
                                while (tty_pump(s->master, STDOUT_FILENO) == 1)
                                        ;
                        }
                        if (!s->started && s->sock >= 0) {
                                int r;
                                while ((r = handle_message(s, err)) > 0)
                                        ;
                                if (r < 0)
                                        return -1;
                        }
                        if (!s->started)
                                return error_make(err, 0, "exec setup failed (status %d)", si.si_status);
                        return 0;
                }
        }
}

/* OCI: the namespaces of the container's process, user first, leaving out those we are in already (setns into
 * one's own user namespace is refused). */
static int open_pid_namespaces(pid_t pid, unsigned long flags, struct control_ns *ns, burrow_error **err)
{
        static const struct {
                unsigned long flag;
                const char *name;
        } order[] = {
            {CLONE_NEWUSER, "user"}, {CLONE_NEWNS, "mnt"},  {CLONE_NEWPID, "pid"},       {CLONE_NEWUTS, "uts"},
            {CLONE_NEWIPC, "ipc"},   {CLONE_NEWNET, "net"}, {CLONE_NEWCGROUP, "cgroup"},
        };

        *ns = (struct control_ns){0};
        for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
                _cleanup_free_ char *path = NULL, *self = NULL;
                struct stat a, b;
                int fd;
                if (!(flags & order[i].flag))
                        continue;
                path = xasprintf("/proc/%d/ns/%s", (int)pid, order[i].name);
                self = xasprintf("/proc/self/ns/%s", order[i].name);
                fd = open(path, O_RDONLY | O_CLOEXEC);
                if (fd < 0) {
                        control_ns_clear(ns);
                        return error_make(err, errno, "open %s", path);
                }
                if (fstat(fd, &a) == 0 && stat(self, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
                        close(fd);
                        continue;
                }
                ns->fds[ns->n] = fd;
                ns->types[ns->n++] = (int)order[i].flag;
        }
        return 0;
}

int launch_exec(const struct launch_exec *x, int *ret_exit_code, burrow_error **err)
{
        struct launch_plan plan = {.stdio = {-1, -1, -1}};
        struct control_ns ns = {0};
        struct exec_state s = {.x = x, .sock = -1, .sigfd = -1, .pidfd = -1, .master = -1};
        _cleanup_close_ int cgroup_fd = -1;
        sigset_t fwd, saved;
        int socks[2] = {-1, -1}, r = -1;
        long pid;

        if (launch_prepare_security(x->spec, &plan, err) < 0)
                goto out_plan;
        if (x->ctl_path ? control_request(x->ctl_path, &ns, err) < 0
                        : open_pid_namespaces(x->ns_pid, x->ns_flags, &ns, err) < 0)
                goto out_plan;
        /* The namespaces were opened by pid: they are the container's only if its process (held by ns_pidfd, so
         * that the pid cannot have been reused) is still alive now. */
        if (x->ctl_path == NULL && x->ns_pidfd >= 0) {
                struct pollfd p = {.fd = x->ns_pidfd, .events = POLLIN};
                if (poll(&p, 1, 0) != 0) {
                        error_make(err, 0, "the container's process is gone");
                        goto out_plan;
                }
        }
        /* Where the container's cgroup is, the process starts in it (and is counted against its limits). */
        if (x->cgroup) {
                cgroup_fd = open(x->cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (cgroup_fd < 0) {
                        error_make(err, errno, "open the container's cgroup %s", x->cgroup);
                        goto out_plan;
                }
        }
        signal(SIGPIPE, SIG_IGN);
        launch_forwarded_signals(&fwd);
        sigprocmask(SIG_BLOCK, &fwd, &saved);
        s.sigfd = signalfd(-1, &fwd, SFD_CLOEXEC | SFD_NONBLOCK);
        if (s.sigfd < 0) {
                error_make(err, errno, "signalfd");
                goto out;
        }
        if (sync_pair(socks, err) < 0)
                goto out;
        pid = process_clone_pidfd_into(0, cgroup_fd, &s.pidfd);
        if (pid < 0) {
                error_make(err, errno, "fork");
                goto out;
        }
        if (pid == 0) {
                close(socks[0]);
                close(s.sigfd);
                signal(SIGPIPE, SIG_DFL);
                exec_inside(x, &plan, &ns, socks[1]);
        }
        s.sock = socks[0];
        close(socks[1]);
        socks[0] = socks[1] = -1;
        control_ns_clear(&ns);
        if (x->ret_pid)
                *x->ret_pid = (pid_t)pid;
        if (relay(&s, x->spec->tty && x->spec->interactive && !x->console_socket, err) < 0)
                goto out;
        if (x->detach && !s.exited) {
                /* Left running: not ours to kill or wait for. */
                cleanup_closep(&s.pidfd);
                *ret_exit_code = 0;
                r = 0;
                goto out;
        }
        *ret_exit_code = init_exit_code(s.status);
        r = 0;
out:
        tty_caller_restore(&s.tty);
        if (s.pidfd >= 0 && !s.exited) {
                siginfo_t si;
                syscall(SYS_pidfd_send_signal, s.pidfd, SIGKILL, NULL, 0);
                while (waitid((idtype_t)P_PIDFD, (id_t)s.pidfd, &si, WEXITED) < 0 && errno == EINTR)
                        ;
        }
        cleanup_closep(&s.sock);
        cleanup_closep(&s.sigfd);
        cleanup_closep(&s.pidfd);
        cleanup_closep(&s.master);
        cleanup_closep(&socks[0]);
        cleanup_closep(&socks[1]);
        sigprocmask(SIG_SETMASK, &saved, NULL);
out_plan:
        control_ns_clear(&ns);
        launch_plan_clear(&plan);
        return r;
}
