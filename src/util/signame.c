#include "util/signame.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/fileutil.h"

static const struct {
        const char *name;
        int number;
} signals[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},   {"QUIT", SIGQUIT},   {"ILL", SIGILL},       {"TRAP", SIGTRAP},
    {"ABRT", SIGABRT},     {"IOT", SIGIOT},   {"BUS", SIGBUS},     {"FPE", SIGFPE},       {"KILL", SIGKILL},
    {"USR1", SIGUSR1},     {"SEGV", SIGSEGV}, {"USR2", SIGUSR2},   {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},
    {"TERM", SIGTERM},     {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CLD", SIGCHLD},    {"CONT", SIGCONT},
    {"STOP", SIGSTOP},     {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},   {"TTOU", SIGTTOU},     {"URG", SIGURG},
    {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},   {"WINCH", SIGWINCH},
    {"IO", SIGIO},         {"POLL", SIGPOLL}, {"PWR", SIGPWR},     {"SYS", SIGSYS},
};

#define N_SIGNALS (sizeof(signals) / sizeof(signals[0]))

static int parse_small(const char *s, int *ret)
{
        unsigned int n;

        if (parse_uint32(s, &n) < 0 || n > 64)
                return -1;
        *ret = (int)n;
        return 0;
}

int signame_parse(const char *s, int *ret, burrow_error **err)
{
        const char *name = s;
        int sig = -1, off;

        if (strncasecmp(name, "SIG", 3) == 0)
                name += 3;
        if (name[0] >= '0' && name[0] <= '9' && name == s) {
                if (parse_small(name, &sig) < 0)
                        sig = -1;
        } else if (strncasecmp(name, "RTMIN", 5) == 0 || strncasecmp(name, "RTMAX", 5) == 0) {
                bool max = strncasecmp(name, "RTMAX", 5) == 0;
                const char *rest = name + 5;
                off = 0;
                if ((*rest == '+' || *rest == '-') && parse_small(rest + 1, &off) == 0)
                        off = *rest == '-' ? -off : off;
                else if (*rest != '\0')
                        off = 1000;
                if (off != 1000)
                        sig = max ? SIGRTMAX + off : SIGRTMIN + off;
                if (sig < SIGRTMIN || sig > SIGRTMAX)
                        sig = -1;
        } else {
                for (size_t i = 0; i < N_SIGNALS; i++)
                        if (strcasecmp(name, signals[i].name) == 0)
                                sig = signals[i].number;
        }
        if (sig < 1 || sig >= _NSIG) {
                char *shown = error_printable(s, 32);
                error_make(err, 0, "invalid signal \"%s\": expected a name such as SIGTERM or a number 1-%d", shown,
                           _NSIG - 1);
                free(shown);
                return -1;
        }
        *ret = sig;
        return 0;
}

const char *signame_format(int sig, char *buf, size_t size)
{
        for (size_t i = 0; i < N_SIGNALS; i++)
                if (signals[i].number == sig) {
                        snprintf(buf, size, "SIG%s", signals[i].name);
                        return buf;
                }
        if (sig >= SIGRTMIN && sig <= SIGRTMAX)
                snprintf(buf, size, "SIGRTMIN+%d", sig - SIGRTMIN);
        else
                snprintf(buf, size, "SIG%d", sig);
        return buf;
}
