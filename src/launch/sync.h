/* The parent/child sync protocol: one SOCK_SEQPACKET socketpair, one typed message per packet, optionally carrying
 * one file descriptor (SCM_RIGHTS). Both ends are close-on-exec, so the parent reads end-of-file exactly when the
 * workload has been exec'd (or every container process is gone). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

enum sync_type {
        SYNC_MAPS_WRITTEN = 1, /* P -> C: uid_map/gid_map are written; C may become root in its namespace */
        SYNC_TTY_MASTER,       /* C -> P: the pty master (fd attached), opened from the container's devpts */
        SYNC_TTY_READY,        /* P -> C: the window size is set; C may start the workload */
        SYNC_ERROR,            /* C -> P: setup failed; text = the error, errnum = its errno. P exits 125 */
        SYNC_EXEC,             /* C -> P: the workload is about to exec; setup is over */
        SYNC_FUSE_MOUNT,       /* C -> P: mount the image's layers with fuse-overlayfs, please */
        SYNC_FUSE_MOUNTED,     /* P -> C: the mount, as a detached tree (fd attached); on failure P kills C */
        SYNC_EXEC_FAILED,      /* C -> P: exec of the command failed; errnum decides 126 or 127 */
        SYNC_TAP_FD,           /* C -> P: tap0 of the container's network (fd attached), for burrow-slirp */
        SYNC_NET_READY,        /* P -> C: burrow-slirp runs; C may start the workload */
        SYNC_CREATED,          /* C -> P: OCI create: everything is ready; C waits on the exec fifo for `start` */
};

#define SYNC_TEXT_MAX 1024

struct sync_msg {
        uint32_t type;
        int32_t errnum;
        char text[SYNC_TEXT_MAX];
};

/* Creates the socketpair (both ends close-on-exec). */
int sync_pair(int ret_fds[2], burrow_error **err);

/* Sends a message; fd >= 0 is attached with SCM_RIGHTS. */
int sync_send(int sock, enum sync_type type, int errnum, const char *text, int fd, burrow_error **err);

/* Receives one message. Returns 1 with *msg filled, 0 on end-of-file, -1 on error. *ret_fd gets an attached fd or
 * -1 (ret_fd may be NULL when none is expected; a stray fd is then closed). */
int sync_recv(int sock, struct sync_msg *msg, int *ret_fd, burrow_error **err);

/* Receives one message and checks it is of the expected type; an SYNC_ERROR message becomes *err. EOF is an error. */
int sync_expect(int sock, enum sync_type type, int *ret_fd, burrow_error **err);

/* In the child: sends err to the parent as SYNC_ERROR (best effort; the parent prints it). */
void sync_send_error(int sock, const burrow_error *err);
