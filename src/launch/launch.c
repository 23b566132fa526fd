/* The supervising parent: prepares the id maps, creates the namespaces, writes the maps, then proxies the terminal,
 * forwards signals and waits for the container, which dies with it (PDEATHSIG) on every exit path. */
#include "launch/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include "idmap/subid.h"
#include "idmap/write.h"
#include "init/init.h"
#include "container/log.h"
#include "container/record.h"
#include "launch/control.h"
#include "launch/fuse.h"
#include "launch/hooks.h"
#include "launch/oci.h"
#include "launch/sync.h"
#include "cgroup/cgroup.h"
#include "launch/tty.h"
#include "net/files.h"
#include "net/publish.h"
#include "net/slirp.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/process.h"
#include "util/fileutil.h"

#include "config.h"

void launch_forwarded_signals(sigset_t *set)
{
        sigfillset(set);
        sigdelset(set, SIGCHLD);
        sigdelset(set, SIGPIPE);
        sigdelset(set, SIGSEGV);
        sigdelset(set, SIGBUS);
        sigdelset(set, SIGFPE);
        sigdelset(set, SIGILL);
        sigdelset(set, SIGABRT);
        sigdelset(set, SIGTRAP);
        sigdelset(set, SIGSYS);
        sigdelset(set, SIGKILL);
        sigdelset(set, SIGSTOP);
}

/* State of one foreground run, owned by launch_run and released by run_state_clear on every path. */
struct run_state {
        int sock;
        int sigfd;
        int pidfd;
        int master;
        pid_t pid;
        bool exited;
        int status;
        struct tty_caller tty;
        const char *fuse_overlayfs; /* the plan's */
        int userns_fd;              /* C's user namespace, opened while C is still dumpable (setns needs that) */
        pid_t fuse_pid;             /* the fuse-overlayfs daemon, our child */
        int netns_fd;               /* C's network namespace, for the port relay */
        const struct launch_plan *plan;
        struct net_slirp slirp;     /* burrow-slirp, once C sent tap0 */
        struct net_publish publish; /* the port relay */
        struct cgroup_container cgroup;
        const struct launch_options *opts;
        bool started;         /* the workload runs (SYNC_EXEC came) */
        int ctl_fd;           /* the control socket, listening */
        struct control_ns ns; /* C's namespaces, for `burrow exec` */
        int out_fd, err_fd;   /* detached: the read ends of the workload's stdout and stderr */
        bool released;        /* OCI create: C waits for `start`, and is left to the engine */
        bool exec_failed;     /* SYNC_EXEC_FAILED came: the command could not be executed */
        bool ready_sent;      /* "ok" went to opts->ready_fd */
};

static void run_state_clear(struct run_state *st)
{
        tty_caller_restore(&st->tty);
        if (st->pidfd >= 0 && !st->exited && !st->released) {
                siginfo_t si;
                /* The container must not outlive a failed launch. */
                syscall(SYS_pidfd_send_signal, st->pidfd, SIGKILL, NULL, 0);
                while (waitid((idtype_t)P_PIDFD, (id_t)st->pidfd, &si, WEXITED) < 0 && errno == EINTR)
                        ;
        }
        cleanup_closep(&st->sock);
        cleanup_closep(&st->sigfd);
        cleanup_closep(&st->pidfd);
        cleanup_closep(&st->master);
        cleanup_closep(&st->userns_fd);
        cleanup_closep(&st->netns_fd);
        cleanup_closep(&st->out_fd);
        cleanup_closep(&st->err_fd);
        if (st->ctl_fd >= 0) {
                unlink(st->opts->ctl_path);
                cleanup_closep(&st->ctl_fd);
        }
        control_ns_clear(&st->ns);
        /* The container is gone: its network helpers go next (the relay releases the host ports), then the mount. */
        net_publish_stop(&st->publish);
        net_slirp_stop(&st->slirp);
        launch_fuse_stop(&st->fuse_pid);
        if (st->released) {
                /* The container lives on in its cgroup; `burrow oci delete` removes it. */
                cleanup_closep(&st->cgroup.dirfd);
                free(st->cgroup.path);
                free(st->cgroup.unit);
                st->cgroup = (struct cgroup_container)CGROUP_CONTAINER_INIT;
        } else {
                cgroup_remove(&st->cgroup);
        }
}

static void forward_signal(struct run_state *st, const struct signalfd_siginfo *si, bool tty)
{
        int sig = (int)si->ssi_signo;

        if (sig == SIGWINCH && st->master >= 0) {
                tty_copy_winsize(st->master);
                return;
        }
        /* Without -t the container shares the caller's terminal and its foreground process group: a ^C there
         * reached the workload already (si_code SI_KERNEL); forwarding it again would deliver it twice. */
        if (!tty && si->ssi_code == SI_KERNEL && (sig == SIGINT || sig == SIGQUIT || sig == SIGTSTP || sig == SIGWINCH))
                return;
        syscall(SYS_pidfd_send_signal, st->pidfd, sig, NULL, 0);
}

/* C asked for the image's layers through fuse-overlayfs: run the daemon and send C the mount. */
static int run_fuse_overlayfs(struct run_state *st, const struct burrow_spec *spec, burrow_error **err)
{
        _cleanup_close_ int tree = -1;

        if (st->fuse_pid > 0)
                return error_make(err, EPROTO, "sync: a second fuse-overlayfs mount was asked for");
        if (launch_fuse_start(st->fuse_overlayfs, st->userns_fd, spec, &st->fuse_pid, &tree, err) < 0)
                return -1;
        return sync_send(st->sock, SYNC_FUSE_MOUNTED, 0, NULL, tree, err);
}

static int handle_sync_message(struct run_state *st, const struct burrow_spec *spec, bool *started, burrow_error **err)
{
        struct sync_msg msg;
        int fd = -1, r;

        r = sync_recv(st->sock, &msg, &fd, err);
        if (r <= 0)
                return r;
        switch (msg.type) {
        case SYNC_TTY_MASTER:
                if (fd < 0 || st->master >= 0) {
                        if (fd >= 0)
                                close(fd);
                        return error_make(err, EPROTO, "sync: unexpected pty master");
                }
                if (st->opts->console_socket) {
                        r = launch_oci_send_console(st->opts->console_socket, fd, &spec->oci, err);
                        close(fd);
                        if (r < 0)
                                return -1;
                        return sync_send(st->sock, SYNC_TTY_READY, 0, NULL, -1, err) < 0 ? -1 : 1;
                }
                st->master = fd;
                if (!st->opts->detached) {
                        tty_copy_winsize(st->master);
                        if (tty_caller_make_raw(&st->tty, err) < 0)
                                return -1;
                }
                return sync_send(st->sock, SYNC_TTY_READY, 0, NULL, -1, err) < 0 ? -1 : 1;
        case SYNC_EXEC:
                *started = true;
                break;
        case SYNC_CREATED:
                if (st->opts->exec_fifo == NULL) {
                        if (fd >= 0)
                                close(fd);
                        return error_make(err, EPROTO, "sync: unexpected created");
                }
                st->released = st->opts->release;
                break;
        case SYNC_FUSE_MOUNT:
                if (fd >= 0)
                        close(fd);
                return run_fuse_overlayfs(st, spec, err) < 0 ? -1 : 1;
        case SYNC_TAP_FD:
                if (fd < 0 || st->slirp.pid > 0 || st->plan->slirp_helper == NULL) {
                        if (fd >= 0)
                                close(fd);
                        return error_make(err, EPROTO, "sync: unexpected tap device");
                }
                r = net_slirp_start(st->plan->slirp_helper, &spec->slirp, st->plan->host_resolv_conf, fd, &st->slirp,
                                    err);
                close(fd);
                return r < 0 ? -1 : 1;
        case SYNC_EXEC_FAILED: {
                /* The workload exits 126/127 by itself; the reason is printed here, once: by the waiting `run -d`
                 * when there is one ("E<status> <message>" on its pipe). */
                burrow_error *e = NULL;
                error_make(&e, msg.errnum, "%s", msg.text);
                st->exec_failed = true;
                if (st->opts->ready_fd >= 0)
                        dprintf(st->opts->ready_fd, "E%d %s\n",
                                msg.errnum == ENOENT || msg.errnum == ENOTDIR || msg.errnum == ELOOP ? 127 : 126,
                                e->msg);
                else
                        error_print(e);
                error_free(&e);
                break;
        }
        case SYNC_ERROR:
                error_make(err, msg.errnum, "%s", msg.text);
                if (fd >= 0)
                        close(fd);
                return -1;
        default:
                if (fd >= 0)
                        close(fd);
                return error_make(err, EPROTO, "sync: unknown message %u", msg.type);
        }
        if (fd >= 0)
                close(fd);
        return 1;
}

/* NetworkSettings.Ports as docker shows them: {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]}. */
static struct json_object *ports_json(const struct launch_plan *plan)
{
        struct json_object *ports = json_object_new_object();

        for (size_t i = 0; i < plan->n_ports; i++) {
                const struct port_mapping *m = &plan->ports[i];
                char key[32], ip[INET6_ADDRSTRLEN] = "0.0.0.0", port[8];
                struct json_object *list, *binding = json_object_new_object();

                snprintf(key, sizeof(key), "%u/%s", m->container_port, m->protocol == IPPROTO_UDP ? "udp" : "tcp");
                if (m->family != AF_UNSPEC)
                        inet_ntop(m->family, &m->host_addr, ip, sizeof(ip));
                snprintf(port, sizeof(port), "%u", m->host_port);
                json_object_object_add(binding, "HostIp", json_object_new_string(ip));
                json_object_object_add(binding, "HostPort", json_object_new_string(port));
                if (!json_object_object_get_ex(ports, key, &list)) {
                        list = json_object_new_array();
                        json_object_object_add(ports, key, list);
                }
                json_object_array_add(list, binding);
        }
        return ports;
}

/* The workload runs: say so in state.json (ps, inspect, kill and exec read it) and to a waiting `run -d`. */
static void record_started(struct run_state *st, const struct burrow_spec *spec)
{
        const struct launch_options *o = st->opts;

        if (o->pid_file) {
                char text[16];
                _cleanup_free_ char *tmp = xasprintf("%s.tmp%d", o->pid_file, (int)getpid());
                _cleanup_close_ int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
                snprintf(text, sizeof(text), "%d", (int)st->pid);
                if (fd < 0 || fd_write_all(fd, text, strlen(text)) < 0 || rename(tmp, o->pid_file) < 0)
                        fprintf(stderr, "burrow: warning: write the pid file %s: %s\n", o->pid_file, strerror(errno));
        }

        /* OCI run: the poststart hooks, after the user process runs; a failure is only a warning (runtime-spec). */
        if (spec->oci.n_hooks[SPEC_HOOK_POSTSTART] > 0) {
                _cleanup_free_ char *state = hooks_state_json(spec, "running", st->pid);
                burrow_error *e = NULL;
                if (hooks_run(&spec->oci, SPEC_HOOK_POSTSTART, state, &e) < 0) {
                        fprintf(stderr, "burrow: warning: %s\n", e->msg);
                        error_free(&e);
                }
        }

        if (o->state_dir) {
                struct ctr_state cs = {.status = CTR_RUNNING,
                                       .pid = st->pid,
                                       .pid_start = ctr_process_start_time(st->pid),
                                       .supervisor_pid = getpid(),
                                       .boot_id = ctr_boot_id(),
                                       .started_ns = clock_now_ns(CLOCK_REALTIME),
                                       .cgroup = st->cgroup.path ? xstrdup(st->cgroup.path) : NULL,
                                       .ports = ports_json(st->plan)};
                burrow_error *e = NULL;
                if (ctr_state_write(o->state_dir, &cs, &e) < 0) {
                        error_print(e);
                        error_free(&e);
                }
                ctr_state_clear(&cs);
        }
}

/* Tells a waiting `run -d` that the command runs: once, after SYNC_EXEC and the end of file that follows a successful
 * exec. */
static void notify_ready(struct run_state *st)
{
        if (st->started && !st->exec_failed && !st->ready_sent && st->opts->ready_fd >= 0) {
                (void)fd_write_all(st->opts->ready_fd, "ok\n", 3);
                st->ready_sent = true;
        }
}

/* The workload's end, as `ps`, `inspect` and `wait` will report it. */
static void record_exited(struct run_state *st, int exit_code, bool oom_killed)
{
        struct ctr_state cs = {0};
        burrow_error *e = NULL;

        if (st->opts->state_dir == NULL || ctr_state_read(st->opts->state_dir, &cs, &e) < 0) {
                error_free(&e);
                return;
        }
        cs.status = CTR_EXITED;
        cs.finished_ns = clock_now_ns(CLOCK_REALTIME);
        cs.exit_code = exit_code;
        cs.oom_killed = oom_killed;
        if (ctr_state_write(st->opts->state_dir, &cs, &e) < 0) {
                error_print(e);
                error_free(&e);
        }
        ctr_state_clear(&cs);
}

/* Moves what the workload wrote on fd into the log; false at end-of-file (or nothing more to read). */
static bool log_pump(struct run_state *st, int fd, enum ctr_log_stream stream)
{
        char buf[16384];
        ssize_t n;

        do
                n = read(fd, buf, sizeof(buf));
        while (n < 0 && errno == EINTR);
        if (n <= 0)
                return false;
        if (st->opts->log) {
                burrow_error *e = NULL;
                /* A full disk must not stop the container; the log just has a gap. */
                if (ctr_log_write(st->opts->log, stream, buf, (size_t)n, &e) < 0)
                        error_free(&e);
        }
        return true;
}

/* After the workload: what it wrote last is still in the pipes (or the pty). */
static void drain_output(struct run_state *st)
{
        if (st->master >= 0) {
                fcntl(st->master, F_SETFL, O_NONBLOCK);
                if (st->opts->detached)
                        while (log_pump(st, st->master, CTR_LOG_STDOUT))
                                ;
                else
                        while (tty_pump(st->master, STDOUT_FILENO) == 1)
                                ;
        }
        if (st->out_fd >= 0)
                while (log_pump(st, st->out_fd, CTR_LOG_STDOUT))
                        ;
        if (st->err_fd >= 0)
                while (log_pump(st, st->err_fd, CTR_LOG_STDERR))
                        ;
        if (st->opts->log) {
                burrow_error *e = NULL;
                if (ctr_log_flush(st->opts->log, &e) < 0)
                        error_free(&e);
        }
}

#define POLL_MAX 10

/* The supervisor's event loop: sync messages until the workload runs, then terminal bytes (or the log), signals and
 * exec's requests for the namespaces, until the container's init exits. */
static int supervise(struct run_state *st, const struct burrow_spec *spec, burrow_error **err)
{
        bool stdin_open = spec->tty && spec->interactive && !st->opts->detached;

        for (;;) {
                struct pollfd pfd[POLL_MAX];
                int n = 0, i_sig, i_pid, i_sock = -1, i_in = -1, i_master = -1, i_slirp = -1, i_slirp_exit = -1;
                int i_ctl = -1, i_out = -1, i_err = -1;

                i_sig = n;
                pfd[n++] = (struct pollfd){.fd = st->sigfd, .events = POLLIN};
                i_pid = n;
                pfd[n++] = (struct pollfd){.fd = st->pidfd, .events = POLLIN};
                if (st->sock >= 0) {
                        i_sock = n;
                        pfd[n++] = (struct pollfd){.fd = st->sock, .events = POLLIN};
                }
                if (st->slirp.ready_fd >= 0) {
                        i_slirp = n;
                        pfd[n++] = (struct pollfd){.fd = st->slirp.ready_fd, .events = POLLIN};
                } else if (st->slirp.pid > 0) {
                        i_slirp_exit = n;
                        pfd[n++] = (struct pollfd){.fd = st->slirp.pidfd, .events = POLLIN};
                }
                if (st->master >= 0) {
                        i_master = n;
                        pfd[n++] = (struct pollfd){.fd = st->master, .events = POLLIN};
                        if (stdin_open) {
                                i_in = n;
                                pfd[n++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
                        }
                }
                if (st->ctl_fd >= 0 && st->started) {
                        i_ctl = n;
                        pfd[n++] = (struct pollfd){.fd = st->ctl_fd, .events = POLLIN};
                }
                if (st->out_fd >= 0) {
                        i_out = n;
                        pfd[n++] = (struct pollfd){.fd = st->out_fd, .events = POLLIN};
                }
                if (st->err_fd >= 0) {
                        i_err = n;
                        pfd[n++] = (struct pollfd){.fd = st->err_fd, .events = POLLIN};
                }
                if (poll(pfd, (nfds_t)n, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return error_make(err, errno, "poll");
                }
                if (i_sock >= 0 && pfd[i_sock].revents) {
                        bool was_started = st->started;
                        int r = handle_sync_message(st, spec, &st->started, err);
                        if (r < 0)
                                return -1;
                        if (r == 0) {
                                close(st->sock);
                                st->sock = -1;
                                /* End of file after SYNC_EXEC: the exec succeeded (the socket is close-on-exec). */
                                notify_ready(st);
                        }
                        if (st->started && !was_started)
                                record_started(st, spec);
                        if (st->released)
                                return 0;
                }
                if (i_slirp >= 0 && pfd[i_slirp].revents) {
                        if (net_slirp_check_ready(&st->slirp, err) < 0)
                                return -1;
                        if (st->sock >= 0 && sync_send(st->sock, SYNC_NET_READY, 0, NULL, -1, err) < 0)
                                return -1;
                }
                if (i_slirp_exit >= 0 && pfd[i_slirp_exit].revents) {
                        int status;
                        /* Not fatal: the workload goes on, offline; say so once, since nothing else would. */
                        if (net_slirp_reap(&st->slirp, &status))
                                fprintf(stderr,
                                        "burrow: warning: network: burrow-slirp exited (status %d); the container "
                                        "has no outside network any more\n",
                                        status);
                }
                if (pfd[i_sig].revents & POLLIN) {
                        struct signalfd_siginfo si;
                        while (read(st->sigfd, &si, sizeof(si)) == sizeof(si))
                                forward_signal(st, &si, spec->tty);
                }
                if (i_master >= 0 && pfd[i_master].revents) {
                        bool more = st->opts->detached ? log_pump(st, st->master, CTR_LOG_STDOUT)
                                                       : tty_pump(st->master, STDOUT_FILENO) > 0;
                        if (!more) {
                                /* The slave side is gone: stop polling the master until the container exits. */
                                close(st->master);
                                st->master = -1;
                        }
                }
                if (i_in >= 0 && pfd[i_in].revents) {
                        if (tty_pump(STDIN_FILENO, st->master) <= 0)
                                stdin_open = false;
                }
                if (i_ctl >= 0 && pfd[i_ctl].revents)
                        control_serve_one(st->ctl_fd, &st->ns);
                if (i_out >= 0 && pfd[i_out].revents && !log_pump(st, st->out_fd, CTR_LOG_STDOUT))
                        cleanup_closep(&st->out_fd);
                if (i_err >= 0 && pfd[i_err].revents && !log_pump(st, st->err_fd, CTR_LOG_STDERR))
                        cleanup_closep(&st->err_fd);
                if (pfd[i_pid].revents & POLLIN) {
                        siginfo_t si = {0};
                        if (waitid((idtype_t)P_PIDFD, (id_t)st->pidfd, &si, WEXITED) < 0)
                                return error_make(err, errno, "wait for the container");
                        st->exited = true;
                        st->status = si.si_code == CLD_EXITED ? W_EXITCODE(si.si_status, 0) : si.si_status;
                        drain_output(st);
                        /* What is still queued (SYNC_EXEC, SYNC_EXEC_FAILED, an error sent just before the exit) and
                         * the end of file that says the exec happened may have come in the same poll as the exit:
                         * read it all now, so that an error is reported rather than the status, and a quick
                         * workload's `run -d` still hears that it ran. */
                        if (st->sock >= 0) {
                                bool was_started = st->started;
                                int r;
                                while ((r = handle_sync_message(st, spec, &st->started, err)) > 0)
                                        ;
                                if (r < 0)
                                        return -1;
                                cleanup_closep(&st->sock);
                                if (st->started && !was_started)
                                        record_started(st, spec);
                                notify_ready(st);
                        }
                        if (!st->started)
                                return error_make(err, 0, "container setup failed: %s %d",
                                                  si.si_code == CLD_EXITED ? "exited with status" : "killed by signal",
                                                  si.si_status);
                        return 0;
                }
        }
}

/* The kernel's OOM killer acted in the container's cgroup: say so once. The status stays the workload's: 137 when it
 * was the one killed (SIGKILL), as with docker. */
static bool report_oom(struct run_state *st)
{
        _cleanup_free_ char *max = NULL;

        if (!cgroup_oom_killed(&st->cgroup, &max))
                return false;
        fprintf(stderr, "burrow: container killed: out of memory (memory.max=%s)\n", max);
        return true;
}

/* The namespaces `burrow exec` joins, opened while C is still dumpable (afterwards its /proc/PID/ns files are out of
 * reach), user first: it gives the rights to join the others. */
static void open_namespaces(pid_t pid, unsigned long flags, struct control_ns *ns)
{
        static const struct {
                unsigned long flag;
                const char *name;
        } order[] = {
            {CLONE_NEWUSER, "user"}, {CLONE_NEWNS, "mnt"},  {CLONE_NEWPID, "pid"},       {CLONE_NEWUTS, "uts"},
            {CLONE_NEWIPC, "ipc"},   {CLONE_NEWNET, "net"}, {CLONE_NEWCGROUP, "cgroup"},
        };

        for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
                _cleanup_free_ char *path = NULL;
                int fd;
                if (!(flags & order[i].flag))
                        continue;
                path = xasprintf("/proc/%d/ns/%s", (int)pid, order[i].name);
                fd = open(path, O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        continue;
                ns->fds[ns->n] = fd;
                ns->types[ns->n++] = (int)order[i].flag;
        }
}

/* Detached: the workload's stdin is /dev/null, its stdout and stderr pipes that the supervisor reads into the log
 * (with -t the pty carries both). */
static int detached_stdio(const struct burrow_spec *spec, struct launch_plan *plan, struct run_state *st,
                          burrow_error **err)
{
        int out[2], errp[2];

        plan->stdio[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (plan->stdio[0] < 0)
                return error_make(err, errno, "open /dev/null");
        if (spec->tty)
                return 0;
        if (pipe2(out, O_CLOEXEC) < 0)
                return error_make(err, errno, "pipe");
        if (pipe2(errp, O_CLOEXEC) < 0) {
                close(out[0]);
                close(out[1]);
                return error_make(err, errno, "pipe");
        }
        st->out_fd = out[0];
        st->err_fd = errp[0];
        plan->stdio[1] = out[1];
        plan->stdio[2] = errp[1];
        return 0;
}

static void close_stdio(struct launch_plan *plan)
{
        for (int i = 0; i < 3; i++)
                cleanup_closep(&plan->stdio[i]);
}

int launch_run(const struct burrow_spec *spec, const struct launch_options *opts, int *ret_exit_code,
               burrow_error **err)
{
        struct launch_plan plan = {.stdio = {-1, -1, -1}};
        struct run_state st = {.sock = -1,
                               .sigfd = -1,
                               .pidfd = -1,
                               .master = -1,
                               .userns_fd = -1,
                               .fuse_pid = -1,
                               .netns_fd = -1,
                               .plan = &plan,
                               .slirp = NET_SLIRP_INIT,
                               .publish = NET_PUBLISH_INIT,
                               .cgroup = CGROUP_CONTAINER_INIT,
                               .opts = opts,
                               .ctl_fd = -1,
                               .out_fd = -1,
                               .err_fd = -1};
        sigset_t fwd, saved_mask;
        int pidfd = -1, socks[2] = {-1, -1};
        int r = -1;
        long pid;

        if (launch_plan_prepare(spec, &plan, err) < 0)
                goto out_plan;
        plan.exec_fifo = opts->exec_fifo;
        plan.outlive_parent = opts->release;

        /* Block the forwarded signals before the child exists: it inherits the mask (its init waits for them with
         * sigwaitinfo), and none can be lost between clone and the event loop. */
        signal(SIGPIPE, SIG_IGN);
        launch_forwarded_signals(&fwd);
        sigprocmask(SIG_BLOCK, &fwd, &saved_mask);
        st.sigfd = signalfd(-1, &fwd, SFD_CLOEXEC | SFD_NONBLOCK);
        if (st.sigfd < 0) {
                error_make(err, errno, "signalfd");
                goto out;
        }
        if (sync_pair(socks, err) < 0)
                goto out;
        if (opts->detached && detached_stdio(spec, &plan, &st, err) < 0)
                goto out;
        if (opts->ctl_path && control_listen(opts->ctl_path, &st.ctl_fd, err) < 0)
                goto out;

        /* The container starts in its cgroup (CLONE_INTO_CGROUP), which is then the root of its cgroup namespace. */
        if (plan.limits.n > 0 && cgroup_create(spec->id, spec->cgroup_manager, &plan.limits, &st.cgroup, err) < 0) {
                /* OCI: engines ask for limits whatever the host (podman's pids.limit); as crun does rootless, a
                 * container without a cgroup of its own runs without them, and says so. */
                if (!spec->oci.enabled)
                        goto out;
                fprintf(stderr, "burrow: warning: linux.resources not applied: %s\n", (*err)->msg);
                error_free(err);
        }
        if (spec->oci.enabled && launch_oci_join_namespaces(&spec->oci, err) < 0)
                goto out;
        pid = process_clone_pidfd_into(plan.ns_flags, st.cgroup.dirfd, &pidfd);
        if (pid < 0) {
                /* EPERM: unprivileged user namespaces switched off (Debian's sysctl, AppArmor); ENOSPC/EUSERS: the
                 * namespace limit reached (user.max_user_namespaces). */
                if (errno == EPERM || errno == ENOSPC || errno == EUSERS || errno == EACCES)
                        error_make(err, 0,
                                   "create the container namespaces: %s (are unprivileged user namespaces allowed "
                                   "here?); run `burrow doctor`",
                                   strerror(errno));
                else
                        error_make(err, errno, "create the container namespaces");
                goto out;
        }
        if (pid == 0) {
                close(socks[0]);
                close(st.sigfd);
                cleanup_closep(&st.ctl_fd);
                signal(SIGPIPE, SIG_DFL);
                launch_child(spec, &plan, socks[1]);
        }
        st.pid = (pid_t)pid;
        st.fuse_overlayfs = plan.fuse_overlayfs;
        close_stdio(&plan);
        if (st.ctl_fd >= 0)
                open_namespaces(st.pid, plan.ns_flags, &st.ns);
        if (opts->ret_pid)
                *opts->ret_pid = st.pid;
        /* Now, while C is still dumpable: afterwards its /proc/PID/ns files belong to root. */
        if (plan.fuse_overlayfs || plan.forward) {
                _cleanup_free_ char *path = xasprintf("/proc/%ld/ns/user", pid);
                st.userns_fd = open(path, O_RDONLY | O_CLOEXEC);
        }
        if (plan.forward) {
                _cleanup_free_ char *path = xasprintf("/proc/%ld/ns/net", pid);
                st.netns_fd = open(path, O_RDONLY | O_CLOEXEC);
        }
        st.pidfd = pidfd;
        st.sock = socks[0];
        close(socks[1]);
        socks[0] = socks[1] = -1;

        /* The kernel accepts a single write of each map, and only from outside the new namespace. */
        if ((plan.ns_flags & CLONE_NEWUSER) && idmap_write_maps(st.pid, plan.caller_uid, plan.caller_gid, &plan.uidmap,
                                                                &plan.gidmap, &plan.setgroups_allowed, err) < 0) {
                error_wrap(err, "write the id maps");
                goto out;
        }
        /* OCI: the namespaces exist (and have their maps): prestart and createRuntime hooks, in ours. */
        for (int kind = SPEC_HOOK_PRESTART; kind <= SPEC_HOOK_CREATE_RUNTIME; kind++)
                if (spec->oci.n_hooks[kind] > 0) {
                        _cleanup_free_ char *state = hooks_state_json(spec, "creating", st.pid);
                        if (hooks_run(&spec->oci, (enum spec_hook_kind)kind, state, err) < 0)
                                goto out;
                }
        {
                char pidtext[16];
                snprintf(pidtext, sizeof(pidtext), "%d", (int)st.pid);
                if (sync_send(st.sock, SYNC_MAPS_WRITTEN, 0, pidtext, -1, err) < 0)
                        goto out;
        }
        /* The relay joins the container's user namespace, which needs its maps; it takes the host sockets along. */
        if (plan.forward) {
                if (net_publish_start(plan.forward, st.userns_fd, st.netns_fd, &st.publish, err) < 0)
                        goto out;
                forward_set_free(plan.forward);
                plan.forward = NULL;
        }
        if (supervise(&st, spec, err) < 0)
                goto out;
        if (st.released) {
                *ret_exit_code = 0;
                if (opts->ret_cgroup)
                        *opts->ret_cgroup = st.cgroup.path ? xstrdup(st.cgroup.path) : NULL;
                r = 0;
                goto out;
        }
        *ret_exit_code = init_exit_code(st.status);
        record_exited(&st, *ret_exit_code, report_oom(&st));
        r = 0;
out:
        run_state_clear(&st);
        close_stdio(&plan);
        cleanup_closep(&socks[0]);
        cleanup_closep(&socks[1]);
        sigprocmask(SIG_SETMASK, &saved_mask, NULL);
out_plan:
        launch_plan_clear(&plan);
        return r;
}
