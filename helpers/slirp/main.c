/* burrow-slirp: user-mode networking for one container. The launcher hands over the container's TAP fd; the helper
 * runs in the host's network namespace as the user, translating the container's frames into host sockets with
 * libslirp. The steps run in the order the kernel needs: the Slirp instance (with every fd it polls), then the
 * sandbox (namespaces, then capabilities, then seccomp), then the ready byte, then the loop.
 *
 * Exit status: 0 when told to stop (exit fd, signal) or when the TAP device is gone, 1 on a setup or runtime
 * failure (one line on stderr, no ready byte), 2 on a malformed command line. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <slirp/libslirp.h>

#include "config.h"
#include "loop.h"
#include "options.h"
#include "sandbox.h"
#include "util/cleanup.h"
#include "util/fileutil.h"

#define EXIT_USAGE 2

#if defined(__SANITIZE_ADDRESS__) /* gcc */
#define BUILT_WITH_ASAN 1
#elif defined(__has_feature) /* clang */
#if __has_feature(address_sanitizer)
#define BUILT_WITH_ASAN 1
#endif
#endif

#ifdef BUILT_WITH_ASAN
/* LeakSanitizer's check at exit stops the process with clone(2) and ptrace(2), which the seccomp filter answers
 * with SIGSYS: in a sanitizer build this binary runs without it. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
        return "detect_leaks=0";
}
#endif

static void cleanup_loopp(struct loop **loop)
{
        loop_free(*loop);
}
#define _cleanup_loop_ __attribute__((cleanup(cleanup_loopp)))

static void print_error(const burrow_error *err)
{
        _cleanup_free_ char *text = error_text(err);

        fprintf(stderr, "burrow-slirp: %s\n", text);
}

static int setup(const struct options *opts, struct loop **ret_loop, burrow_error **err)
{
        _cleanup_loop_ struct loop *loop = NULL;

        if (opts->ready_fd >= 0 && fcntl(opts->ready_fd, F_GETFD) < 0)
                return error_make(err, errno, "--ready-fd %d", opts->ready_fd);
        if (loop_new(opts, &loop, err) < 0)
                return -1;
        /* libslirp opens /etc/resolv.conf lazily, on the first DNS query, so the sandbox's copy is the one read. */
        if (opts->sandbox && sandbox_enter(opts->resolv_conf, opts->resolv_conf_given, err) < 0)
                return -1;
        if (sandbox_drop_privileges(err) < 0)
                return -1;
        if (opts->seccomp && sandbox_install_seccomp(err) < 0)
                return -1;
        *ret_loop = steal_pointer(&loop);
        return 0;
}

/* The byte tells the launcher that the container's network is usable and the helper confined. */
static int signal_ready(int fd, burrow_error **err)
{
        int r = fd_write_all(fd, "1", 1);
        int saved = errno;

        close(fd);
        if (r < 0)
                return error_make(err, saved, "--ready-fd %d: write", fd);
        return 0;
}

int main(int argc, char **argv)
{
        _cleanup_error_ burrow_error *err = NULL;
        _cleanup_loop_ struct loop *loop = NULL;
        struct options opts;

        switch (options_parse(argc, argv, &opts, &err)) {
        case OPTIONS_RUN:
                break;
        case OPTIONS_HELP:
                fputs(options_usage, stdout);
                return 0;
        case OPTIONS_VERSION:
                printf("burrow-slirp %s (libslirp %s)\n", BURROW_VERSION, slirp_version_string());
                return 0;
        default:
                print_error(err);
                return EXIT_USAGE;
        }

        if (setup(&opts, &loop, &err) < 0 || (opts.ready_fd >= 0 && signal_ready(opts.ready_fd, &err) < 0) ||
            loop_run(loop, &err) < 0) {
                print_error(err);
                return 1;
        }
        return 0;
}
