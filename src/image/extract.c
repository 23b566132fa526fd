/* Runs unpack.c inside a fresh user namespace whose maps are podman's default rootless ones (0 -> the caller,
 * 1.. -> the subordinate ids), written by newuidmap/newgidmap from here, outside the namespace. */
#include "image/extract.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "idmap/subid.h"
#include "image/vfs.h"
#include "idmap/write.h"
#include "util/cleanup.h"
#include "util/process.h"
#include "util/fileutil.h"

/* What the namespaced child sends back over a pipe: a fixed-size record, written once. */
struct extract_report {
        int ok;
        int errnum;
        char diff_id[UNPACK_DIFF_ID_SIZE];
        struct unpack_result result;
        struct vfs_result vfs;
        char msg[2048];
};

struct extract_job {
        int blob_fd;
        int rootfd;
        struct unpack_options opts;
        bool remove_only;          /* clean up after a child that died */
        const char *const *layers; /* vfs: copy these layer directories onto rootfd, bottom first */
        size_t n_layers;
};

static int vfs_copy_layers(const struct extract_job *job, struct vfs_result *result, burrow_error **err)
{
        for (size_t i = 0; i < job->n_layers; i++) {
                _cleanup_close_ int fd = open(job->layers[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0)
                        return error_make(err, errno, "open the layer %s", job->layers[i]);
                if (vfs_apply_layer(fd, job->rootfd, result, err) < 0)
                        return -1;
        }
        return 0;
}

static void job_run(const struct extract_job *job, struct extract_report *rep)
{
        burrow_error *err = NULL;
        int r;

        if (job->remove_only)
                r = unpack_remove_contents(job->rootfd, &err);
        else if (job->layers != NULL)
                r = vfs_copy_layers(job, &rep->vfs, &err);
        else
                r = unpack_layer_fd(job->blob_fd, job->rootfd, &job->opts, rep->diff_id, &rep->result, &err);
        if (r < 0) {
                burrow_error *rm_err = NULL;

                rep->errnum = err->errnum;
                snprintf(rep->msg, sizeof(rep->msg), "%s", err->msg);
                /* Files owned by subordinate ids can only be removed from inside the namespace: do it here. */
                if (!job->remove_only)
                        unpack_remove_contents(job->rootfd, &rm_err);
                error_free(&rm_err);
                error_free(&err);
                return;
        }
        rep->ok = 1;
}

/* The child: waits until the parent wrote its maps (until then it has no ids at all), runs the job as root of the
 * namespace, reports, exits. Never returns. */
static _Noreturn void child_main(const struct extract_job *job, int go_fd, int report_fd)
{
        struct extract_report rep = {0};
        char c;

        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        if (read(go_fd, &c, 1) != 1)
                _exit(1);
        job_run(job, &rep);
        _exit(fd_write_all(report_fd, &rep, sizeof(rep)) < 0 ? 1 : 0);
}

static int run_in_userns(const struct extract_job *job, const struct idmap *uidmap, const struct idmap *gidmap,
                         struct extract_report *rep, burrow_error **err)
{
        _cleanup_close_ int go_r = -1, go_w = -1, rep_r = -1, rep_w = -1, pidfd_owned = -1;
        int pipe_go[2], pipe_rep[2], pidfd = -1;
        bool setgroups_allowed;
        siginfo_t si;
        ssize_t n;
        long pid;

        if (pipe2(pipe_go, O_CLOEXEC) < 0)
                return error_make(err, errno, "pipe");
        go_r = pipe_go[0], go_w = pipe_go[1];
        if (pipe2(pipe_rep, O_CLOEXEC) < 0)
                return error_make(err, errno, "pipe");
        rep_r = pipe_rep[0], rep_w = pipe_rep[1];

        /* A user namespace only: no mount or pid namespace is needed to create files, and the child sees the
         * directories through the fds it inherits. */
        pid = process_clone_pidfd(CLONE_NEWUSER, &pidfd);
        if (pid < 0)
                return error_make(err, errno, "create a user namespace for the extraction");
        if (pid == 0) {
                close(go_w);
                close(rep_r);
                child_main(job, go_r, rep_w);
        }
        pidfd_owned = pidfd;
        cleanup_closep(&go_r);
        cleanup_closep(&rep_w);

        /* The kernel accepts one write of each map, from outside the namespace; the child waits for it. A failure
         * closes go_w below, and the child exits on the empty read. */
        if (idmap_write_maps((pid_t)pid, getuid(), getgid(), uidmap, gidmap, &setgroups_allowed, err) < 0) {
                error_wrap(err, "write the id maps of the extraction");
                cleanup_closep(&go_w);
                goto wait;
        }
        if (fd_write_all(go_w, "g", 1) < 0) {
                error_make(err, errno, "start the extraction");
                goto wait;
        }
        cleanup_closep(&go_w);
        n = fd_read_full(rep_r, rep, sizeof(*rep));
        if (n != (ssize_t)sizeof(*rep))
                error_make(err, n < 0 ? errno : 0, "the extraction process died without a report");
wait:
        while (waitid((idtype_t)P_PIDFD, (id_t)pidfd_owned, &si, WEXITED) < 0)
                if (errno != EINTR)
                        return *err ? -1 : error_make(err, errno, "wait for the extraction process");
        if (*err == NULL && si.si_code != CLD_EXITED)
                return error_make(err, 0, "the extraction process was killed by signal %d", si.si_status);
        return *err ? -1 : 0;
}

static int build_maps(struct idmap *uidmap, struct idmap *gidmap, bool *ret_single, burrow_error **err)
{
        struct idmap_subids subuids = {0}, subgids = {0};
        int r = -1;

        if (idmap_lookup_subids(getuid(), &subuids, &subgids, err) < 0)
                return -1;
        if (idmap_build_default(getuid(), &subuids, uidmap, err) < 0 || idmap_validate(uidmap, err) < 0 ||
            idmap_build_default(getgid(), &subgids, gidmap, err) < 0 || idmap_validate(gidmap, err) < 0)
                goto out;
        *ret_single = idmap_is_single(uidmap, getuid()) || idmap_is_single(gidmap, getgid());
        r = 0;
out:
        idmap_subids_clear(&subuids);
        idmap_subids_clear(&subgids);
        return r;
}

/* Removes dest_dir after a failure; what the child could not remove is owned by subordinate ids, so a second
 * namespaced child gets a try before the final rmdir. */
static void remove_dest(const char *dest_dir, int rootfd, const struct idmap *uidmap, const struct idmap *gidmap)
{
        struct extract_job job = {.blob_fd = -1, .rootfd = rootfd, .remove_only = true};
        struct extract_report rep = {0};
        burrow_error *e = NULL;

        if (rmdir(dest_dir) == 0 || errno == ENOENT)
                return;
        if (uidmap->n > 0 && run_in_userns(&job, uidmap, gidmap, &rep, &e) < 0)
                error_free(&e);
        rmdir(dest_dir);
}

int image_extract_layer(int blob_fd, const char *media_type, const char *dest_dir,
                        char ret_diff_id[UNPACK_DIFF_ID_SIZE], burrow_error **err)
{
        struct idmap uidmap = {0}, gidmap = {0};
        struct extract_job job = {.blob_fd = blob_fd, .rootfd = -1};
        struct extract_report rep = {0};
        _cleanup_close_ int rootfd = -1;
        bool single = false;
        int r = -1;

        if (dest_dir == NULL || media_type == NULL)
                return error_make(err, EINVAL, "extract a layer: no destination or media type");
        if (!unpack_media_type_supported(media_type))
                return error_make(err, ENOTSUP, "layer media type \"%.200s\" is not supported", media_type);
        if (build_maps(&uidmap, &gidmap, &single, err) < 0)
                goto out;
        if (mkdir(dest_dir, 0755) < 0) {
                error_make(err, errno, "create %s", dest_dir);
                goto out;
        }
        rootfd = open(dest_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (rootfd < 0) {
                error_make(err, errno, "open %s", dest_dir);
                rmdir(dest_dir);
                goto out;
        }
        job.rootfd = rootfd;
        job.opts.ignore_chown_errors = single;
        if (run_in_userns(&job, &uidmap, &gidmap, &rep, err) < 0 || !rep.ok) {
                if (*err == NULL)
                        error_make(err, rep.errnum, "%s", rep.msg);
                remove_dest(dest_dir, rootfd, &uidmap, &gidmap);
                goto out;
        }
        if (rep.result.devices_skipped > 0)
                fprintf(stderr,
                        "burrow: notice: skipped %llu device node(s) of the layer (first: %s): they cannot be created "
                        "without privilege\n",
                        (unsigned long long)rep.result.devices_skipped, rep.result.first_device);
        if (rep.result.chown_ignored > 0)
                fprintf(stderr,
                        "burrow: notice: %llu file(s) of the layer are owned by root in the container instead of their "
                        "owner: no subordinate ids are delegated to uid %u (see /etc/subuid)\n",
                        (unsigned long long)rep.result.chown_ignored, (unsigned)getuid());
        memcpy(ret_diff_id, rep.diff_id, UNPACK_DIFF_ID_SIZE);
        ret_diff_id[UNPACK_DIFF_ID_SIZE - 1] = '\0';
        r = 0;
out:
        idmap_clear(&uidmap);
        idmap_clear(&gidmap);
        return r;
}

/* Runs a job that needs no report beyond success in a namespace with the default maps; a failed job's message
 * becomes *err. */
static int run_job(struct extract_job *job, burrow_error **err)
{
        struct idmap uidmap = {0}, gidmap = {0};
        struct extract_report rep = {0};
        bool single;
        int r = -1;

        if (build_maps(&uidmap, &gidmap, &single, err) < 0 || run_in_userns(job, &uidmap, &gidmap, &rep, err) < 0)
                goto out;
        if (!rep.ok) {
                error_make(err, rep.errnum, "%s", rep.msg);
                goto out;
        }
        r = 0;
out:
        idmap_clear(&uidmap);
        idmap_clear(&gidmap);
        return r;
}

int image_remove_layer_dir(const char *dir, burrow_error **err)
{
        struct extract_job job = {.blob_fd = -1, .remove_only = true};
        _cleanup_close_ int rootfd = -1;

        if (rmdir(dir) == 0 || errno == ENOENT)
                return 0;
        rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (rootfd < 0)
                return error_make(err, errno, "open %s", dir);
        job.rootfd = rootfd;
        if (run_job(&job, err) < 0)
                return error_wrap(err, "remove the layer directory %s", dir);
        if (rmdir(dir) < 0) {
                error_make(err, errno, "remove %s", dir);
                return error_wrap(err, "remove the layer directory %s", dir);
        }
        return 0;
}

int image_vfs_build(const char *const *layers, size_t n_layers, const char *dest_dir, burrow_error **err)
{
        struct extract_job job = {.blob_fd = -1, .rootfd = -1, .layers = layers, .n_layers = n_layers};
        _cleanup_close_ int rootfd = -1;

        rootfd = open(dest_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (rootfd < 0)
                return error_make(err, errno, "open %s", dest_dir);
        job.rootfd = rootfd;
        if (run_job(&job, err) < 0)
                return error_wrap(err, "copy the image's layers (vfs storage driver)");
        return 0;
}
