/* The container side of the launch: runs in the new namespaces, first as root of the user namespace (setup), then
 * as PID 1 (burrow's init) while the forked workload execs the command. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <linux/capability.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "init/init.h"
#include "launch/hooks.h"
#include "launch/launch.h"
#include "launch/sync.h"
#include "net/setup.h"
#include "security/caps.h"
#include "spec/user.h"
#include "util/cleanup.h"
#include "util/fileutil.h"

extern char **environ;

/* OCI create: the exec fifo (an O_PATH fd opened before pivot_root) and C's pid as the runtime sees it (for the
 * hooks' state). Only ever set in C itself. */
static int exec_fifo_fd = -1;
static pid_t host_pid;

static const char default_path[] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

static _Noreturn void fail(int sock, burrow_error *err)
{
        sync_send_error(sock, err);
        _exit(125);
}

/* Closes every fd but stdio and the sync socket: nothing the caller had open may reach the container, not even
 * through /proc/1/fd of the init (the CVE-2024-21626 class of leaks). */
static void close_inherited_fds(int sock, int preserve)
{
        unsigned first = 3 + (unsigned)preserve;

        if ((unsigned)sock > first)
                syscall(SYS_close_range, first, sock - 1, 0);
        syscall(SYS_close_range, sock + 1, ~0U, 0);
}

/* As docker and podman do: unprivileged ICMP echo sockets for the container's groups, so that ping works without
 * NET_RAW. The sysctl belongs to the network namespace that opens it, the container's own here, and takes only gids
 * mapped in the writer's user namespace. Best effort: without it ping needs --cap-add NET_RAW, nothing else breaks. */
static void allow_ping(const struct launch_plan *plan)
{
        const struct idmap *map = &plan->gidmap;
        uint32_t low = UINT32_MAX, high = 0, klow, khigh;
        char range[32];

        for (size_t i = 0; i < map->n; i++) {
                if (map->ranges[i].container_id < low)
                        low = map->ranges[i].container_id;
                if (map->ranges[i].container_id + map->ranges[i].size - 1 > high)
                        high = map->ranges[i].container_id + map->ranges[i].size - 1;
        }
        if (map->n == 0 || !idmap_to_host(map, low, &klow) || !idmap_to_host(map, high, &khigh))
                return;
        /* The kernel compares the ends as host gids. */
        if (khigh < klow)
                high = low;
        snprintf(range, sizeof(range), "%u %u", low, high);
        file_write_string("/proc/sys/net/ipv4/ping_group_range", range, NULL);
}

/* lo, and for slirp tap0, whose fd goes to the supervisor for burrow-slirp. Done before pivot_root: /dev/net/tun is
 * the host's. */
static int setup_network(const struct burrow_spec *spec, const struct launch_plan *plan, int sock, burrow_error **err)
{
        _cleanup_close_ int tap = -1;

        allow_ping(plan);
        if (spec->network == SPEC_NETWORK_NONE)
                return net_loopback_up(err);
        if (net_setup_tap(&spec->slirp, &tap, err) < 0)
                return error_wrap(err, "network");
        return sync_send(sock, SYNC_TAP_FD, 0, NULL, tap, err);
}

/* fs/ asks for the fuse-overlayfs mount through this (see struct fs_fuse_mounter). */
static int request_fuse_mount(void *arg, int *ret_tree, burrow_error **err)
{
        int sock = *(int *)arg;

        if (sync_send(sock, SYNC_FUSE_MOUNT, 0, NULL, -1, err) < 0)
                return -1;
        if (sync_expect(sock, SYNC_FUSE_MOUNTED, ret_tree, err) < 0)
                return -1;
        if (*ret_tree < 0)
                return error_make(err, EPROTO, "sync: no mount came with the fuse-overlayfs answer");
        return 0;
}

int launch_open_tty(int sock, int *ret_slave, burrow_error **err)
{
        _cleanup_close_ int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
        int slave;

        if (master < 0)
                return error_make(err, errno, "open /dev/pts/ptmx");
        if (unlockpt(master) < 0)
                return error_make(err, errno, "unlockpt");
        slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (slave < 0)
                return error_make(err, errno, "open the pty peer");
        if (sync_send(sock, SYNC_TTY_MASTER, 0, NULL, master, err) < 0 ||
            sync_expect(sock, SYNC_TTY_READY, NULL, err) < 0) {
                close(slave);
                return -1;
        }
        *ret_slave = slave;
        return 0;
}

void launch_build_env(const struct burrow_spec *spec, const struct user_resolved *user, const char *hostname, strv *env)
{
        for (size_t i = 0; i < spec->env.len; i++)
                strv_push(env, spec->env.items[i]);
        /* config.json's env is the whole environment; only HOME is filled in, as runc and crun do. */
        if (spec->oci.enabled) {
                strv_env_default(env, "HOME", user->home ? user->home : "/");
                return;
        }
        strv_env_default(env, "PATH", default_path);
        strv_env_default(env, "HOSTNAME", hostname);
        strv_env_default(env, "HOME", user->home ? user->home : "/");
        strv_env_default(env, "container", "burrow");
        if (spec->tty)
                strv_env_default(env, "TERM", "xterm");
}

/* OCI create: the program must be found before create returns (as runc and crun check): after `start` nobody would
 * hear why it failed. */
static int check_executable(const char *name, const strv *env, burrow_error **err)
{
        const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        struct stat st;

        if (strchr(name, '/')) {
                if (stat(name, &st) < 0)
                        return error_make(err, errno, "exec %s", name);
                if (!S_ISREG(st.st_mode) || access(name, X_OK) < 0)
                        return error_make(err, EACCES, "exec %s", name);
                return 0;
        }
        for (size_t i = 0; i < env->len; i++)
                if (strncmp(env->items[i], "PATH=", 5) == 0)
                        path = env->items[i] + 5;
        for (const char *dir = path; dir && *dir;) {
                const char *end = strchr(dir, ':');
                size_t len = end ? (size_t)(end - dir) : strlen(dir);
                _cleanup_free_ char *candidate = xasprintf("%.*s/%s", (int)len, len ? dir : ".", name);
                if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode) && access(candidate, X_OK) == 0)
                        return 0;
                dir = end ? end + 1 : NULL;
        }
        return error_make(err, ENOENT, "exec %s: not found in $PATH (%s)", name, path);
}

/* OCI create: tell the runtime that everything is ready, then block until `burrow oci start` opens the fifo for
 * reading (runc's exec.fifo protocol), and run the startContainer hooks. From the fifo on, no one reads the sync
 * socket: it is closed, and failures are the process's exit status. */
static void wait_for_start(const struct burrow_spec *spec, int *sock)
{
        _cleanup_free_ char *path = xasprintf("/proc/self/fd/%d", exec_fifo_fd);
        burrow_error *err = NULL;
        int fd;

        if (sync_send(*sock, SYNC_CREATED, 0, NULL, -1, &err) < 0)
                _exit(125);
        close(*sock);
        *sock = -1;
        do
                fd = open(path, O_WRONLY | O_CLOEXEC);
        while (fd < 0 && errno == EINTR);
        if (fd < 0 || write(fd, "0", 1) != 1)
                _exit(125);
        close(fd);
        close(exec_fifo_fd);
        exec_fifo_fd = -1;
        if (spec->oci.n_hooks[SPEC_HOOK_START_CONTAINER] > 0) {
                _cleanup_free_ char *state = hooks_state_json(spec, "running", host_pid);
                if (hooks_run(&spec->oci, SPEC_HOOK_START_CONTAINER, state, &err) < 0) {
                        error_print(err);
                        _exit(125);
                }
        }
}

/* linux.sysctl may only set what belongs to the container's own namespaces (runc's list): anything else would be
 * the host's. */
static bool sysctl_namespaced(const char *key, unsigned long ns_flags)
{
        static const char *const ipc[] = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
                                          "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"};

        if (strncmp(key, "fs.mqueue.", 10) == 0)
                return ns_flags & CLONE_NEWIPC;
        for (size_t i = 0; i < sizeof(ipc) / sizeof(ipc[0]); i++)
                if (strcmp(key, ipc[i]) == 0)
                        return ns_flags & CLONE_NEWIPC;
        if (strncmp(key, "net.", 4) == 0)
                return ns_flags & CLONE_NEWNET;
        if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0)
                return ns_flags & CLONE_NEWUTS;
        return false;
}

/* OCI linux.sysctl, before the root moves: /proc/sys of the host's /proc shows the writer's own network and IPC
 * namespaces, and it is not read-only there (the container's /proc/sys will be). */
static int apply_oci_sysctl(const struct burrow_spec *spec, const struct launch_plan *plan, burrow_error **err)
{
        for (size_t i = 0; i < spec->oci.sysctl.len; i++) {
                _cleanup_free_ char *kv = xstrdup(spec->oci.sysctl.items[i]), *path = NULL;
                char *value = strchr(kv, '=');
                if (value == NULL)
                        continue;
                *value++ = '\0';
                /* The spec allows either separator: "net.ipv4.ip_forward" or "net/ipv4/ip_forward". */
                for (char *p = kv; *p; p++)
                        if (*p == '/')
                                *p = '.';
                if (!sysctl_namespaced(kv, plan->ns_flags))
                        return error_make(err, 0, "linux.sysctl %s: not a setting of the container's own namespaces",
                                          kv);
                for (char *p = kv; *p; p++)
                        if (*p == '.')
                                *p = '/';
                path = xasprintf("/proc/sys/%s", kv);
                if (file_write_string(path, value, err) < 0)
                        return error_wrap(err, "linux.sysctl %s", spec->oci.sysctl.items[i]);
        }
        return 0;
}

/* OCI: what config.json asks of the container that docker's flags never do: the domain name, exactly the additional
 * groups. */
static int apply_oci(const struct burrow_spec *spec, const struct launch_plan *plan, struct user_resolved *user,
                     burrow_error **err)
{
        const struct spec_oci *oci = &spec->oci;

        if (oci->domainname && (plan->ns_flags & CLONE_NEWUTS) &&
            setdomainname(oci->domainname, strlen(oci->domainname)) < 0)
                return error_make(err, errno, "setdomainname %s", oci->domainname);
        free(user->groups);
        user->groups = xcalloc(oci->n_additional_gids + 1, sizeof(gid_t));
        for (size_t i = 0; i < oci->n_additional_gids; i++)
                user->groups[i] = oci->additional_gids[i];
        user->n_groups = oci->n_additional_gids;
        return 0;
}

_Noreturn void launch_exec_workload(const struct burrow_spec *spec, const struct launch_plan *plan,
                                    const struct user_resolved *user, strv *env, int sock, int tty_slave)
{
        burrow_error *err = NULL;
        sigset_t none;
        int e;

        if (exec_fifo_fd >= 0) {
                if (check_executable(spec->args.items[0], env, &err) < 0)
                        fail(sock, err);
                wait_for_start(spec, &sock);
        }
        if (tty_slave >= 0) {
                /* A session of its own with the pty as controlling terminal: ^C typed by the caller becomes SIGINT
                 * for the workload's foreground group, as on a real terminal. */
                if (setsid() < 0 || ioctl(tty_slave, TIOCSCTTY, 0) < 0) {
                        error_make(&err, errno, "make the pty the controlling terminal");
                        fail(sock, err);
                }
                for (int fd = 0; fd < 3; fd++)
                        if (dup2(tty_slave, fd) < 0) {
                                error_make(&err, errno, "dup2 the pty");
                                fail(sock, err);
                        }
                if (tty_slave > 2)
                        close(tty_slave);
        }
        /* OCI: the process has the runtime's stdio, whatever process.terminal says. */
        if (!spec->interactive && tty_slave < 0 && !spec->oci.enabled) {
                int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
                if (null < 0 || dup2(null, STDIN_FILENO) < 0) {
                        error_make(&err, errno, "open /dev/null as stdin");
                        fail(sock, err);
                }
                close(null);
        }
        for (size_t i = 0; i < spec->n_rlimits; i++) {
                struct rlimit rl = {.rlim_cur = spec->rlimits[i].soft, .rlim_max = spec->rlimits[i].hard};
                if (setrlimit(spec->rlimits[i].resource, &rl) < 0) {
                        error_make(&err, errno, "--ulimit: set limit %d to %llu:%llu", spec->rlimits[i].resource,
                                   (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
                        fail(sock, err);
                }
        }
        /* Without no_new_privs the kernel loads a filter only for CAP_SYS_ADMIN, which is about to go: load it now
         * (runc's order), while the filter still lets the remaining setup calls through. */
        if (!spec->no_new_privileges && plan->seccomp.len && seccomp_program_install(&plan->seccomp, &err) < 0)
                fail(sock, err);
        /* The bounding set can only shrink while CAP_SETPCAP is held, i.e. before the uid change; KEEPCAPS lets the
         * permitted set survive a change to a non-root uid so that --cap-add can still be granted as ambient. */
        if (caps_drop_bounding(plan->caps, &err) < 0)
                fail(sock, err);
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) {
                error_make(&err, errno, "prctl PR_SET_KEEPCAPS");
                fail(sock, err);
        }
        if (plan->setgroups_allowed && setgroups(user->n_groups, user->groups) < 0) {
                error_make(&err, errno, "setgroups");
                fail(sock, err);
        }
        if (setresgid(user->gid, user->gid, user->gid) < 0) {
                error_make(&err, errno, "setgid %u", (unsigned)user->gid);
                fail(sock, err);
        }
        if (setresuid(user->uid, user->uid, user->uid) < 0) {
                error_make(&err, errno, "setuid %u", (unsigned)user->uid);
                fail(sock, err);
        }
        if (caps_apply(plan->caps, user->uid == 0, plan->caps_added, &err) < 0)
                fail(sock, err);
        if (chdir(spec->cwd ? spec->cwd : "/") < 0) {
                error_make(&err, errno, "chdir %s", spec->cwd ? spec->cwd : "/");
                fail(sock, err);
        }
        /* no_new_privs: a setuid binary or file capabilities inside cannot give back what was dropped here. */
        if (spec->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
                error_make(&err, errno, "prctl PR_SET_NO_NEW_PRIVS");
                fail(sock, err);
        }
        /* Last, so that nothing burrow does itself needs to be allowed by the profile. */
        if (spec->no_new_privileges && plan->seccomp.len && seccomp_program_install(&plan->seccomp, &err) < 0)
                fail(sock, err);
        for (int sig = 1; sig < NSIG; sig++)
                signal(sig, SIG_DFL);
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        syscall(SYS_close_range, 3 + (unsigned)spec->oci.preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC);
        if (spec->oci.umask >= 0)
                umask((mode_t)spec->oci.umask);

        /* After a released create nobody listens any more: the exec's outcome is the process's status. */
        if (sock >= 0 && sync_send(sock, SYNC_EXEC, 0, NULL, -1, &err) < 0)
                _exit(125);
        /* execvp searches the PATH of the current environment, so the container's environment goes in first. */
        environ = env->items;
        execvp(spec->args.items[0], spec->args.items);
        e = errno;
        error_make(&err, e, "exec %s", spec->args.items[0]);
        sync_send(sock, SYNC_EXEC_FAILED, e, err->msg, -1, NULL);
        _exit(e == ENOENT || e == ENOTDIR || e == ELOOP ? 127 : 126);
}

_Noreturn void launch_child(const struct burrow_spec *spec, const struct launch_plan *plan, int sock)
{
        _cleanup_strv_ strv env = {0};
        struct user_resolved user = {0};
        struct fs_host_paths host_paths = {.rootfd = -1};
        struct fs_fuse_mounter fuse;
        burrow_error *err = NULL;
        int tty_slave = -1;
        pid_t workload;

        /* If the supervisor dies, the container dies with it: nothing may outlive `burrow run`. (An OCI create leaves
         * the container to the engine that asked for it.) */
        if (!plan->outlive_parent)
                prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        /* Detached: the workload's stdio, before everything else is closed. */
        for (int fd = 0; fd < 3; fd++)
                if (plan->stdio[fd] >= 0 && dup2(plan->stdio[fd], fd) < 0)
                        _exit(125);
        close_inherited_fds(sock, spec->oci.preserve_fds);

        /* Until the parent has written uid_map and gid_map this process has no valid ids: every mount or file it made
         * now would be owned by the overflow id. */
        {
                struct sync_msg msg;
                int r = sync_recv(sock, &msg, NULL, &err);
                if (r <= 0 || msg.type != SYNC_MAPS_WRITTEN)
                        _exit(125);
                host_pid = (pid_t)atoi(msg.text);
        }
        /* Not dumpable from here on: this process's mm belongs to the initial user namespace (burrow was exec'd there),
         * so nobody in the container may ptrace it or open /proc/1/exe, /proc/1/fd, /proc/1/mem: the burrow binary
         * cannot be reached and overwritten through PID 1 (runc's CVE-2019-5736). It must wait for the maps: a
         * non-dumpable process's /proc files belong to root, and the parent could no longer write uid_map. */
        /* process.oomScoreAdj: while /proc/self is still ours (not dumpable, it is the host root's). */
        if (spec->oci.has_oom_score_adj) {
                char v[16];
                snprintf(v, sizeof(v), "%d", spec->oci.oom_score_adj);
                if (file_write_string("/proc/self/oom_score_adj", v, &err) < 0) {
                        error_wrap(&err, "process.oomScoreAdj");
                        fail(sock, err);
                }
        }
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
                error_make(&err, errno, "prctl PR_SET_DUMPABLE");
                fail(sock, err);
        }
        if (plan->exec_fifo) {
                /* pivot_root hides the runtime's state directory: hold the fifo by an fd from now on. */
                exec_fifo_fd = open(plan->exec_fifo, O_PATH | O_CLOEXEC);
                if (exec_fifo_fd < 0) {
                        error_make(&err, errno, "open the exec fifo %s", plan->exec_fifo);
                        fail(sock, err);
                }
        }
        fuse = (struct fs_fuse_mounter){
            .available = plan->fuse_overlayfs != NULL, .mount = request_fuse_mount, .arg = &sock};
        if (fs_open_host_paths(spec, &fuse, &host_paths, &err) < 0)
                fail(sock, err);
        if (plan->root_mapped && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)) {
                error_make(&err, errno, "become root in the user namespace");
                fail(sock, err);
        }
        if (plan->setgroups_allowed && setgroups(0, NULL) < 0) {
                error_make(&err, errno, "setgroups");
                fail(sock, err);
        }

        if ((plan->ns_flags & CLONE_NEWUTS) && sethostname(plan->hostname, strlen(plan->hostname)) < 0) {
                error_make(&err, errno, "sethostname %s", plan->hostname);
                fail(sock, err);
        }
        if (spec->network != SPEC_NETWORK_HOST && setup_network(spec, plan, sock, &err) < 0)
                fail(sock, err);
        if (spec->oci.enabled && apply_oci_sysctl(spec, plan, &err) < 0)
                fail(sock, err);
        if (spec->oci.n_hooks[SPEC_HOOK_CREATE_CONTAINER] > 0) {
                _cleanup_free_ char *state = hooks_state_json(spec, "creating", host_pid);
                if (hooks_run(&spec->oci, SPEC_HOOK_CREATE_CONTAINER, state, &err) < 0)
                        fail(sock, err);
        }
        if (fs_setup_rootfs(spec, &plan->fs, &host_paths, &err) < 0)
                fail(sock, err);
        fs_host_paths_clear(&host_paths);
        if (user_resolve(&spec->user, "/etc/passwd", "/etc/group", &user, &err) < 0)
                fail(sock, err);
        if (spec->oci.enabled && apply_oci(spec, plan, &user, &err) < 0)
                fail(sock, err);
        launch_build_env(spec, &user, plan->hostname, &env);
        /* burrow-slirp was started while the root was being assembled; the workload needs it running. */
        if (spec->network == SPEC_NETWORK_SLIRP && sync_expect(sock, SYNC_NET_READY, NULL, &err) < 0)
                fail(sock, err);
        if (spec->tty && launch_open_tty(sock, &tty_slave, &err) < 0)
                fail(sock, err);

        if (!spec->init)
                launch_exec_workload(spec, plan, &user, &env, sock, tty_slave);

        /* As PID 1 this process takes every signal through sigwaitinfo, SIGCHLD included; block them all before the
         * workload exists, so that not even its immediate exit can be missed. The workload unblocks them itself. */
        {
                sigset_t all;
                sigfillset(&all);
                sigprocmask(SIG_SETMASK, &all, NULL);
        }
        /* Named before the workload exists, so that it never sees PID 1 under another name. */
        prctl(PR_SET_NAME, "burrow-init", 0, 0, 0);
        workload = fork();
        if (workload < 0) {
                error_make(&err, errno, "fork the workload");
                fail(sock, err);
        }
        if (workload == 0)
                launch_exec_workload(spec, plan, &user, &env, sock, tty_slave);

        /* The init needs one power only: to signal a workload that may run as another user. */
        if (caps_drop_bounding(1ULL << CAP_KILL, &err) < 0 || caps_apply(1ULL << CAP_KILL, true, 0, &err) < 0) {
                kill(workload, SIGKILL);
                fail(sock, err);
        }
        /* The init lives in the container as long as the workload: it gets the workload's filter too, which must (and
         * does) allow what it needs: rt_sigtimedwait, wait4, kill, dup2, exit_group. */
        if (plan->seccomp.len &&
            (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_program_install(&plan->seccomp, &err) < 0)) {
                if (err == NULL)
                        error_make(&err, errno, "prctl PR_SET_NO_NEW_PRIVS");
                kill(workload, SIGKILL);
                fail(sock, err);
        }

        /* From here on this process is PID 1 and holds nothing of the container's: no socket, no pty, no files. */
        close(sock);
        if (tty_slave >= 0) {
                /* With -t the caller's terminal must not stay reachable through /proc/1/fd (TIOCSTI). */
                int null = open("/dev/null", O_RDWR | O_CLOEXEC);
                for (int fd = 0; fd < 3 && null >= 0; fd++)
                        dup2(null, fd);
                if (null > 2)
                        close(null);
                close(tty_slave);
        }
        user_resolved_clear(&user);
        _exit(init_run(workload));
}
