#include "launch/sync.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/cleanup.h"

int sync_pair(int ret_fds[2], burrow_error **err)
{
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ret_fds) < 0)
                return error_make(err, errno, "socketpair");
        return 0;
}

int sync_send(int sock, enum sync_type type, int errnum, const char *text, int fd, burrow_error **err)
{
        struct sync_msg msg = {.type = type, .errnum = errnum};
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control;
        struct iovec iov = {.iov_base = &msg, .iov_len = sizeof(msg)};
        struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};

        if (text)
                snprintf(msg.text, sizeof(msg.text), "%s", text);
        if (fd >= 0) {
                struct cmsghdr *c;

                memset(&control, 0, sizeof(control));
                mh.msg_control = control.buf;
                mh.msg_controllen = sizeof(control.buf);
                c = CMSG_FIRSTHDR(&mh);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int));
                memcpy(CMSG_DATA(c), &fd, sizeof(int));
        }
        while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0) {
                if (errno != EINTR)
                        return error_make(err, errno, "sync: send");
        }
        return 0;
}

int sync_recv(int sock, struct sync_msg *msg, int *ret_fd, burrow_error **err)
{
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control;
        struct iovec iov = {.iov_base = msg, .iov_len = sizeof(*msg)};
        struct msghdr mh = {
            .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof(control.buf)};
        ssize_t n;
        int fd = -1;

        if (ret_fd)
                *ret_fd = -1;
        do
                n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return error_make(err, errno, "sync: receive");
        if (n == 0)
                return 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len >= CMSG_LEN(sizeof(int)))
                        memcpy(&fd, CMSG_DATA(c), sizeof(int));
        if ((size_t)n != sizeof(*msg)) {
                if (fd >= 0)
                        close(fd);
                return error_make(err, EPROTO, "sync: short message");
        }
        msg->text[SYNC_TEXT_MAX - 1] = '\0';
        if (ret_fd)
                *ret_fd = fd;
        else if (fd >= 0)
                close(fd);
        return 1;
}

int sync_expect(int sock, enum sync_type type, int *ret_fd, burrow_error **err)
{
        struct sync_msg msg;
        int r = sync_recv(sock, &msg, ret_fd, err);

        if (r < 0)
                return r;
        if (r == 0)
                return error_make(err, EPIPE, "sync: the other side exited");
        if (msg.type == SYNC_ERROR) {
                error_make(err, msg.errnum, "%s", msg.text);
                return -1;
        }
        if (msg.type != type)
                return error_make(err, EPROTO, "sync: expected message %d, got %u", type, msg.type);
        return 0;
}

void sync_send_error(int sock, const burrow_error *err)
{
        sync_send(sock, SYNC_ERROR, err->errnum, err->msg, -1, NULL);
}
