/* The caller's side of -t: raw mode on the caller's terminal, window size, and the byte pump to the pty master. */
#pragma once

#include <stdbool.h>
#include <termios.h>

#include "util/error.h"

struct tty_caller {
        bool is_raw; /* the caller's terminal was switched to raw mode and must be restored */
        struct termios saved;
};

/* Switches the caller's stdin terminal (if it is one) to raw mode, saving its settings. */
int tty_caller_make_raw(struct tty_caller *t, burrow_error **err);
/* Restores the caller's terminal; safe to call more than once. */
void tty_caller_restore(struct tty_caller *t);
/* Copies the caller's window size (stdin, else stdout) onto the pty master; the kernel then sends SIGWINCH to the
 * container's foreground process group. */
void tty_copy_winsize(int master);
/* Moves what is readable from `from` to `to`; returns 0 on EOF, EIO (a closed pty) or EAGAIN, 1 when data moved, -1 on
 * errors. */
int tty_pump(int from, int to);
