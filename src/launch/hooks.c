#include "launch/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/process.h"

static const char *const kind_names[SPEC_HOOK_KINDS] = {
    [SPEC_HOOK_PRESTART] = "prestart",
    [SPEC_HOOK_CREATE_RUNTIME] = "createRuntime",
    [SPEC_HOOK_CREATE_CONTAINER] = "createContainer",
    [SPEC_HOOK_START_CONTAINER] = "startContainer",
    [SPEC_HOOK_POSTSTART] = "poststart",
    [SPEC_HOOK_POSTSTOP] = "poststop",
};

const char *hooks_kind_name(enum spec_hook_kind kind)
{
        return (unsigned)kind < SPEC_HOOK_KINDS ? kind_names[kind] : "?";
}

char *hooks_state_json(const struct burrow_spec *spec, const char *status, pid_t pid)
{
        struct json_object *o = json_object_new_object(), *ann = json_object_new_object();
        char *text;

        json_object_object_add(o, "ociVersion", json_object_new_string("1.2.0"));
        json_object_object_add(o, "id", json_object_new_string(spec->id));
        json_object_object_add(o, "status", json_object_new_string(status));
        json_object_object_add(o, "pid", json_object_new_int(pid));
        json_object_object_add(o, "bundle", json_object_new_string(spec->oci.bundle ? spec->oci.bundle : ""));
        for (size_t i = 0; i < spec->oci.annotations.len; i++) {
                const char *kv = spec->oci.annotations.items[i], *eq = strchr(kv, '=');
                _cleanup_free_ char *key = eq ? xstrndup(kv, (size_t)(eq - kv)) : xstrdup(kv);
                json_object_object_add(ann, key, json_object_new_string(eq ? eq + 1 : ""));
        }
        json_object_object_add(o, "annotations", ann);
        text = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(o);
        return text;
}

static int run_one(const struct spec_hook *h, const char *what, const char *state, burrow_error **err)
{
        _cleanup_strv_ strv argv = {0};
        _cleanup_close_ int pidfd = -1;
        int in[2], status = 0;
        siginfo_t si = {0};
        long pid;

        if (h->args.len == 0)
                strv_push(&argv, h->path);
        for (size_t i = 0; i < h->args.len; i++)
                strv_push(&argv, h->args.items[i]);
        if (pipe2(in, O_CLOEXEC) < 0)
                return error_make(err, errno, "%s: pipe", what);
        pid = process_clone_pidfd(0, &pidfd);
        if (pid < 0) {
                close(in[0]);
                close(in[1]);
                return error_make(err, errno, "%s: fork", what);
        }
        if (pid == 0) {
                sigset_t none;
                sigemptyset(&none);
                sigprocmask(SIG_SETMASK, &none, NULL);
                signal(SIGPIPE, SIG_DFL);
                if (dup2(in[0], STDIN_FILENO) < 0)
                        _exit(127);
                execve(h->path, argv.items, h->env.items ? h->env.items : (char *[]){NULL});
                _exit(127);
        }
        close(in[0]);
        /* A hook that does not read its stdin must not block us (the state is small, the pipe holds it), nor kill us
         * with SIGPIPE when it has already exited. */
        {
                struct sigaction ignore = {.sa_handler = SIG_IGN}, saved;
                sigaction(SIGPIPE, &ignore, &saved);
                (void)fd_write_all(in[1], state, strlen(state));
                sigaction(SIGPIPE, &saved, NULL);
        }
        close(in[1]);
        {
                struct pollfd p = {.fd = pidfd, .events = POLLIN};
                int n;
                do
                        n = poll(&p, 1, h->timeout <= 0 ? -1 : h->timeout > 2000000 ? 2000000000 : h->timeout * 1000);
                while (n < 0 && errno == EINTR);
                if (n == 0) {
                        syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
                        while (waitid((idtype_t)P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0 && errno == EINTR)
                                ;
                        return error_make(err, ETIMEDOUT, "%s %s: timed out after %d s", what, h->path, h->timeout);
                }
        }
        while (waitid((idtype_t)P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0)
                if (errno != EINTR)
                        return error_make(err, errno, "%s: wait", what);
        status = si.si_status;
        if (si.si_code == CLD_EXITED && status == 0)
                return 0;
        if (si.si_code == CLD_EXITED)
                return error_make(err, 0, "%s %s: exited with status %d%s", what, h->path, status,
                                  status == 127 ? " (could it be run?)" : "");
        return error_make(err, 0, "%s %s: killed by signal %d", what, h->path, status);
}

int hooks_run(const struct spec_oci *oci, enum spec_hook_kind kind, const char *state_json, burrow_error **err)
{
        for (size_t i = 0; i < oci->n_hooks[kind]; i++) {
                _cleanup_free_ char *what = xasprintf("hook %s[%zu]", hooks_kind_name(kind), i);
                if (run_one(&oci->hooks[kind][i], what, state_json, err) < 0)
                        return -1;
        }
        return 0;
}
