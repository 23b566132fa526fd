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
#include "launch/sync.h"
#include "cgroup/cgroup.h"
#include "launch/tty.h"
#include "net/files.h"
#include "net/publish.h"
#include "net/slirp.h"
#include "util/cleanup.h"
#include "util/process.h"
#include "util/fileutil.h"

#include "config.h"

void launch_plan_clear(struct launch_plan *plan)
{
        free(plan->fuse_overlayfs);
        plan->fuse_overlayfs = NULL;
        free(plan->hostname);
        net_files_clear(&plan->net_files);
        free(plan->slirp_helper);
        free(plan->host_resolv_conf);
        free(plan->ports);
        forward_set_free(plan->forward);
        plan->forward = NULL;
        cgroup_limits_clear(&plan->limits);
        idmap_clear(&plan->uidmap);
        idmap_clear(&plan->gidmap);
        seccomp_program_clear(&plan->seccomp);
}

/* libseccomp needs ~15 ms for the default profile; a profile that takes seconds is broken or hits a libseccomp bug. */
#define SECCOMP_BUILD_TIMEOUT_MS 5000

/* Reads, validates and compiles the seccomp profile for the workload's capabilities, before any namespace exists. The
 * default profile with capabilities that compile like the default set takes the filter generated at build time. */
static int prepare_seccomp(const struct burrow_spec *spec, struct launch_plan *plan, burrow_error **err)
{
        struct seccomp_profile *profile = NULL;
        int r;

        if (spec->privileged || spec->seccomp_unconfined)
                return 0;
        if (spec->seccomp_profile == NULL && seccomp_program_default(plan->caps, &plan->seccomp))
                return 0;
        if (spec->seccomp_profile) {
                _cleanup_free_ char *json = NULL;
                size_t len;

                if (file_read_all(spec->seccomp_profile, SECCOMP_PROFILE_MAX_SIZE, &json, &len, err) < 0)
                        return error_wrap(err, "seccomp profile");
                r = seccomp_profile_parse(json, len, &profile, err);
        } else {
                r = seccomp_profile_default(&profile, err);
        }
        if (r == 0)
                r = seccomp_profile_build(profile, plan->caps, SECCOMP_BUILD_TIMEOUT_MS, &plan->seccomp, err);
        seccomp_profile_free(profile);
        if (r < 0 && spec->seccomp_profile)
                return error_wrap(err, "%s", spec->seccomp_profile);
        return r;
}

int launch_prepare_security(const struct burrow_spec *spec, struct launch_plan *plan, burrow_error **err)
{
        if (caps_resolve(spec->privileged ? caps_all() : caps_default(), &spec->cap_add, &spec->cap_drop, &plan->caps,
                         &plan->caps_added, err) < 0)
                return -1;
        return prepare_seccomp(spec, plan, err);
}

static int build_map(const struct burrow_spec *spec, uint32_t caller, const struct idmap_subids *sub,
                     const struct idmap_range *req, size_t n_req, const char *flag, struct idmap *ret,
                     burrow_error **err)
{
        int r;

        if (n_req > 0)
                r = idmap_build_from_intermediate(req, n_req, caller, sub, ret, err);
        else if (spec->userns == SPEC_USERNS_KEEP_ID)
                r = idmap_build_keep_id(caller, sub, ret, err);
        else
                r = idmap_build_default(caller, sub, ret, err);
        if (r < 0)
                return n_req > 0 ? error_wrap(err, "%s", flag) : -1;
        if (idmap_validate(ret, err) < 0)
                return error_wrap(err, "%s", flag);
        return 0;
}

/* -p and -P (the image's ExposedPorts, each to a free host port) as one list of mappings. */
static int plan_ports(const struct burrow_spec *spec, struct launch_plan *plan, burrow_error **err)
{
        plan->ports = xcalloc(spec->n_ports + 1, sizeof(*plan->ports));
        if (spec->n_ports > 0)
                memcpy(plan->ports, spec->ports, spec->n_ports * sizeof(*plan->ports));
        plan->n_ports = spec->n_ports;
        for (size_t i = 0; spec->publish_all && i < spec->exposed_ports.len; i++) {
                const char *port = spec->exposed_ports.items[i];
                if (portspec_parse(port, &plan->ports, &plan->n_ports, err) < 0)
                        return error_wrap(err, "-P: the image's exposed port \"%s\"", port);
        }
        if (plan->n_ports == 0)
                return 0;
        if (spec->network == SPEC_NETWORK_HOST)
                return error_make(err, 0, "-p: not with --network host, where the container uses the host's ports");
        {
                _cleanup_free_ bool *chosen = xcalloc(plan->n_ports, sizeof(bool));
                for (size_t i = 0; i < plan->n_ports; i++)
                        chosen[i] =
                            plan->ports[i].host_port == 0 || plan->ports[i].host_port_last != plan->ports[i].host_port;
                if (forward_bind(plan->ports, plan->n_ports, &plan->forward, err) < 0)
                        return -1;
                /* A port the kernel chose is known only now: say which (there is no `burrow port` for a run yet). */
                for (size_t i = 0; i < plan->n_ports && !spec->quiet; i++)
                        if (chosen[i]) {
                                _cleanup_free_ char *m = portspec_format(&plan->ports[i]);
                                fprintf(stderr, "burrow: notice: published %s\n", m);
                        }
        }
        return 0;
}

/* Everything networking needs before the namespaces exist, so that a missing helper, an unusable /dev/net/tun or a
 * port in use fails the run before anything starts. */
static int plan_network(const struct burrow_spec *spec, struct launch_plan *plan, burrow_error **err)
{
        _cleanup_free_ char *etc_resolv = NULL, *host_resolv = NULL, *host_hosts = NULL;
        const char *resolv_path;

        (void)file_read_all("/etc/resolv.conf", 1 << 16, &etc_resolv, NULL, NULL);
        resolv_path =
            spec->slirp.upstream_resolv_conf ? spec->slirp.upstream_resolv_conf : net_host_resolv_conf_path(etc_resolv);
        /* The stub named without systemd-resolved's list beside it: the stub itself, which burrow-slirp (in the
         * host's network namespace) can still reach. */
        if (spec->slirp.upstream_resolv_conf == NULL && access(resolv_path, R_OK) < 0)
                resolv_path = "/etc/resolv.conf";
        if (strcmp(resolv_path, "/etc/resolv.conf") == 0)
                host_resolv = steal_pointer(&etc_resolv);
        else
                (void)file_read_all(resolv_path, 1 << 16, &host_resolv, NULL, NULL);
        if (spec->network == SPEC_NETWORK_HOST)
                (void)file_read_all("/etc/hosts", 1 << 20, &host_hosts, NULL, NULL);
        net_files_build(spec, plan->hostname, host_resolv, host_hosts, &plan->net_files);
        plan->fs.resolv_conf = plan->net_files.resolv_conf;
        plan->fs.hosts = plan->net_files.hosts;
        plan->fs.hostname = plan->net_files.hostname;

        if (spec->network == SPEC_NETWORK_SLIRP) {
                plan->slirp_helper = net_slirp_find();
                if (plan->slirp_helper == NULL)
                        return error_make(err, 0,
                                          "network: burrow-slirp is not installed (expected in " BURROW_LIBEXECDIR
                                          "); use --network none, or run `burrow doctor`");
                if (access("/dev/net/tun", R_OK | W_OK) < 0)
                        return error_make(err, 0,
                                          "network: /dev/net/tun: %s (it must be readable and writable by every user, "
                                          "mode 0666); use --network none, or run `burrow doctor`",
                                          strerror(errno));
                plan->host_resolv_conf = xstrdup(resolv_path);
        }
        return plan_ports(spec, plan, err);
}

/* --device-read-bps and friends name a block device; cgroup v2's io.max wants its number. */
static int block_device_number(const char *path, unsigned *ret_major, unsigned *ret_minor)
{
        struct stat st;

        if (stat(path, &st) < 0)
                return -errno;
        if (!S_ISBLK(st.st_mode))
                return -ENOTBLK;
        *ret_major = major(st.st_rdev);
        *ret_minor = minor(st.st_rdev);
        return 0;
}

/* The resource-limit flags, checked together and turned into cgroup v2 writes before anything exists. */
static int plan_limits(const struct burrow_spec *spec, struct launch_plan *plan, burrow_error **err)
{
        struct cgroup_request req = {0};
        int r = -1;

        if (spec->cgroup_flags.len == 0)
                return 0;
        if (spec->cgroup_manager == SPEC_CGROUP_DISABLED)
                return error_make(err, 0,
                                  "--%s: resource limits need a cgroup, and --cgroup-manager disabled was given",
                                  spec->cgroup_flags.items[0]);
        for (size_t i = 0; i < spec->cgroup_flags.len; i++) {
                _cleanup_free_ char *flag = xstrdup(spec->cgroup_flags.items[i]);
                char *value = strchr(flag, '=');
                *value++ = '\0';
                if (cgroup_request_add(&req, flag, value, err) < 0)
                        goto out;
        }
        r = cgroup_limits_build(&req, block_device_number, &plan->limits, err);
out:
        cgroup_request_clear(&req);
        return r;
}

static int plan_prepare(const struct burrow_spec *spec, struct launch_plan *plan, burrow_error **err)
{
        struct idmap_subids subuids = {0}, subgids = {0};
        uint32_t h;
        int r = -1;

        plan->caller_uid = getuid();
        plan->caller_gid = getgid();
        if (idmap_lookup_subids(plan->caller_uid, &subuids, &subgids, err) < 0)
                return -1;
        if ((subuids.n == 0 || subgids.n == 0) && !spec->quiet)
                fprintf(stderr,
                        "burrow: notice: no subordinate %s range for uid %u in /etc/sub%s; using a single-id mapping "
                        "(only the caller's own id exists in the container)\n",
                        subuids.n == 0 ? "uid" : "gid", (unsigned)plan->caller_uid, subuids.n == 0 ? "uid" : "gid");
        if (build_map(spec, plan->caller_uid, &subuids, spec->uidmap_request, spec->n_uidmap_request, "--uidmap",
                      &plan->uidmap, err) < 0)
                goto out;
        if (build_map(spec, plan->caller_gid, &subgids, spec->gidmap_request, spec->n_gidmap_request, "--gidmap",
                      &plan->gidmap, err) < 0)
                goto out;
        plan->root_mapped = idmap_to_host(&plan->uidmap, 0, &h) && idmap_to_host(&plan->gidmap, 0, &h);
        plan->setgroups_allowed = !idmap_is_single(&plan->gidmap, plan->caller_gid);
        if (launch_prepare_security(spec, plan, err) < 0)
                goto out;
        if (spec->overlay_lower.len > 0 && spec->storage_driver != SPEC_STORAGE_OVERLAY)
                plan->fuse_overlayfs = file_find_in_path("fuse-overlayfs");
        plan->fs.own_netns = spec->network != SPEC_NETWORK_HOST;
        plan->hostname = spec->hostname && spec->hostname[0] ? xstrdup(spec->hostname) : xstrndup(spec->id, 12);
        if (plan_limits(spec, plan, err) < 0 || plan_network(spec, plan, err) < 0)
                goto out;
        plan->fs.sysfs_writable = spec->privileged;
        plan->fs.gid5_mapped = idmap_to_host(&plan->gidmap, 5, &h);
        r = 0;
out:
        idmap_subids_clear(&subuids);
        idmap_subids_clear(&subgids);
        return r;
}

/* Signals the supervisor forwards (every catchable one but those it handles itself or that report its own faults). */
static void forwarded_signals(sigset_t *set)
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

static unsigned long namespace_flags(const struct burrow_spec *spec)
{
        unsigned long flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;

        if (spec->network != SPEC_NETWORK_HOST)
                flags |= CLONE_NEWNET;
        if (access("/proc/self/ns/cgroup", F_OK) == 0)
                flags |= CLONE_NEWCGROUP;
        return flags;
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
        bool started;          /* the workload runs (SYNC_EXEC came) */
        int ctl_fd;            /* the control socket, listening */
        struct control_ns ns;  /* C's namespaces, for `burrow exec` */
        int out_fd, err_fd;    /* detached: the read ends of the workload's stdout and stderr */
        bool exec_failed;      /* SYNC_EXEC_FAILED came: the command could not be executed */
};

static void run_state_clear(struct run_state *st)
{
        tty_caller_restore(&st->tty);
        if (st->pidfd >= 0 && !st->exited) {
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
        cgroup_remove(&st->cgroup);
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

static int64_t now_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
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
static void record_started(struct run_state *st)
{
        const struct launch_options *o = st->opts;

        if (o->state_dir) {
                struct ctr_state cs = {.status = CTR_RUNNING,
                                       .pid = st->pid,
                                       .pid_start = ctr_process_start_time(st->pid),
                                       .supervisor_pid = getpid(),
                                       .boot_id = ctr_boot_id(),
                                       .started_ns = now_ns(),
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
        cs.finished_ns = now_ns();
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
                                if (st->started && !st->exec_failed && st->opts->ready_fd >= 0)
                                        (void)fd_write_all(st->opts->ready_fd, "ok\n", 3);
                        }
                        if (st->started && !was_started)
                                record_started(st);
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
                        if (!st->started && st->sock >= 0) {
                                /* An error sent just before the exit is still queued: report it, not the status. */
                                int r;
                                while ((r = handle_sync_message(st, spec, &st->started, err)) > 0)
                                        ;
                                if (r < 0)
                                        return -1;
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
            {CLONE_NEWUSER, "user"}, {CLONE_NEWNS, "mnt"}, {CLONE_NEWPID, "pid"},       {CLONE_NEWUTS, "uts"},
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

        if (plan_prepare(spec, &plan, err) < 0)
                goto out_plan;

        /* Block the forwarded signals before the child exists: it inherits the mask (its init waits for them with
         * sigwaitinfo), and none can be lost between clone and the event loop. */
        signal(SIGPIPE, SIG_IGN);
        forwarded_signals(&fwd);
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
        if (plan.limits.n > 0 && cgroup_create(spec->id, spec->cgroup_manager, &plan.limits, &st.cgroup, err) < 0)
                goto out;
        pid = process_clone_pidfd_into(namespace_flags(spec), st.cgroup.dirfd, &pidfd);
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
                open_namespaces(st.pid, namespace_flags(spec), &st.ns);
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
        if (idmap_write_maps(st.pid, plan.caller_uid, plan.caller_gid, &plan.uidmap, &plan.gidmap,
                             &plan.setgroups_allowed, err) < 0) {
                error_wrap(err, "write the id maps");
                goto out;
        }
        if (sync_send(st.sock, SYNC_MAPS_WRITTEN, 0, NULL, -1, err) < 0)
                goto out;
        /* The relay joins the container's user namespace, which needs its maps; it takes the host sockets along. */
        if (plan.forward) {
                if (net_publish_start(plan.forward, st.userns_fd, st.netns_fd, &st.publish, err) < 0)
                        goto out;
                forward_set_free(plan.forward);
                plan.forward = NULL;
        }
        if (supervise(&st, spec, err) < 0)
                goto out;
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
