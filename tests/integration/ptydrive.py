#!/usr/bin/env python3
"""Run a command on a fresh pseudo-terminal, as a user at a terminal would, and report what it printed.

usage: ptydrive.py [--size ROWSxCOLS] [--wait-for TEXT] [--resize ROWSxCOLS] [--send TEXT] [--timeout SEC]
                   -- CMD [ARG...]

The command gets the pty's slave as stdin, stdout, stderr and controlling terminal, with window size --size. When its
output contains --wait-for, the driver does, in order: --resize (TIOCSWINSZ on the terminal, then SIGWINCH to the
command, as a terminal emulator does), --send (written to the terminal as typed input, "\\n" for newline). It then
reads until the command exits and prints:

  the command's output, with "\\r\\n" turned into "\\n"
  a last line "ptydrive: exit=N termios=same|changed"

and exits 0 (or 2 on a driver error or timeout). termios compares the terminal settings (stty -g) before and after.
"""

import argparse
import errno
import fcntl
import os
import select
import signal
import struct
import sys
import termios
import time


def parse_size(text):
    rows, cols = text.lower().split("x")
    return int(rows), int(cols)


def set_winsize(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="24x80")
    parser.add_argument("--wait-for")
    parser.add_argument("--resize")
    parser.add_argument("--send")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("cmd", nargs="+")
    args = parser.parse_args()

    master, slave = os.openpty()
    rows, cols = parse_size(args.size)
    set_winsize(slave, rows, cols)
    before = termios.tcgetattr(slave)

    pid = os.fork()
    if pid == 0:
        try:
            os.close(master)
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
            for fd in (0, 1, 2):
                os.dup2(slave, fd)
            if slave > 2:
                os.close(slave)
            os.execvp(args.cmd[0], args.cmd)
        except OSError as e:
            os.write(2, ("ptydrive: exec %s: %s\n" % (args.cmd[0], e.strerror)).encode())
        os._exit(127)

    # The driver keeps the slave open: that is what lets it read the settings after the command exited.
    data = b""
    triggered = args.wait_for is None
    deadline = time.monotonic() + args.timeout
    exit_status = None

    def act():
        if args.resize:
            r, c = parse_size(args.resize)
            set_winsize(master, r, c)
            os.kill(pid, signal.SIGWINCH)
        if args.send:
            os.write(master, args.send.encode().replace(b"\\n", b"\n"))

    if triggered:
        act()
    while True:
        if exit_status is None:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                exit_status = os.waitstatus_to_exitcode(status)
                if exit_status < 0:
                    exit_status = 128 - exit_status
        timeout = 0.05 if exit_status is None else 0
        if time.monotonic() > deadline:
            sys.stdout.write(data.decode(errors="replace").replace("\r\n", "\n"))
            sys.stdout.write("\nptydrive: timeout after %gs\n" % args.timeout)
            if exit_status is None:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            return 2
        ready, _, _ = select.select([master], [], [], timeout)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError as e:
                if e.errno != errno.EIO:
                    raise
                chunk = b""
            data += chunk
            if not triggered and args.wait_for.encode() in data:
                triggered = True
                act()
            if chunk:
                continue
        if exit_status is not None and not ready:
            break

    after = termios.tcgetattr(slave)
    text = data.decode(errors="replace").replace("\r\n", "\n")
    sys.stdout.write(text)
    if text and not text.endswith("\n"):
        sys.stdout.write("\n")
    sys.stdout.write("ptydrive: exit=%d termios=%s\n" % (exit_status, "same" if before == after else "changed"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
