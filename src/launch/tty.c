#include "launch/tty.h"

#include <errno.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util/fileutil.h"

int tty_caller_make_raw(struct tty_caller *t, burrow_error **err)
{
        struct termios raw;

        t->is_raw = false;
        if (!isatty(STDIN_FILENO))
                return 0;
        if (tcgetattr(STDIN_FILENO, &t->saved) < 0)
                return error_make(err, errno, "read the terminal settings");
        raw = t->saved;
        cfmakeraw(&raw);
        /* Keep output post-processing off too: the container's own pty already turned \n into \r\n. */
        if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) < 0)
                return error_make(err, errno, "set the terminal to raw mode");
        t->is_raw = true;
        return 0;
}

void tty_caller_restore(struct tty_caller *t)
{
        if (!t->is_raw)
                return;
        tcsetattr(STDIN_FILENO, TCSADRAIN, &t->saved);
        t->is_raw = false;
}

void tty_copy_winsize(int master)
{
        struct winsize ws;

        if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
                ioctl(master, TIOCSWINSZ, &ws);
}

int tty_pump(int from, int to)
{
        char buf[16384];
        ssize_t n;

        do
                n = read(from, buf, sizeof(buf));
        while (n < 0 && errno == EINTR);
        /* EIO: the pty's other side is closed; EAGAIN: a drained non-blocking master. */
        if (n == 0 || (n < 0 && (errno == EIO || errno == EAGAIN)))
                return 0;
        if (n < 0)
                return -1;
        if (fd_write_all(to, buf, (size_t)n) < 0)
                return -1;
        return 1;
}
