#!/usr/bin/env python3
"""The other end of an OCI runtime's --console-socket, as conmon is: receive the pty master, read the container's
terminal output from it.

usage: console-receiver.py SOCKET [--wait-for TEXT] [--send TEXT] [--timeout SEC]

Listens on the unix stream socket SOCKET (created; its appearance means "ready"), accepts one connection and takes
the file descriptor that comes with SCM_RIGHTS. It prints:

  "receiver: fd=yes tty=yes|no winsize=ROWSxCOLS" (the fd is a terminal, its window size)
  the terminal's output, "\\r\\n" turned into "\\n"
  "receiver: end=eio|eof|timeout"

When the output contains --wait-for (or at once without it), --send is written to the terminal as typed input
("\\n" for newline). Reading ends when every slave is closed (EIO), on end of file, or after --timeout seconds.
Exits 0, or 2 when no descriptor came.
"""

import argparse
import array
import errno
import fcntl
import os
import select
import socket
import struct
import sys
import termios
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("socket")
    parser.add_argument("--wait-for")
    parser.add_argument("--send")
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args()

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(args.socket + ".tmp")
    listener.listen(1)
    os.rename(args.socket + ".tmp", args.socket)
    listener.settimeout(args.timeout)
    try:
        conn, _ = listener.accept()
    except socket.timeout:
        print("receiver: no connection", flush=True)
        return 2
    fds = array.array("i")
    _, ancdata, _, _ = conn.recvmsg(4096, socket.CMSG_SPACE(4 * fds.itemsize))
    for level, kind, data in ancdata:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
    conn.close()
    if not fds:
        print("receiver: fd=no", flush=True)
        return 2
    master = fds[0]
    tty = os.isatty(master)
    size = "none"
    if tty:
        rows, cols, _, _ = struct.unpack("HHHH", fcntl.ioctl(master, termios.TIOCGWINSZ, b"\0" * 8))
        size = "%dx%d" % (rows, cols)
    print("receiver: fd=yes tty=%s winsize=%s" % ("yes" if tty else "no", size), flush=True)

    data = b""
    sent = args.send is None
    if not sent and args.wait_for is None:
        os.write(master, args.send.encode().replace(b"\\n", b"\n"))
        sent = True
    deadline = time.monotonic() + args.timeout
    end = "timeout"
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if not ready:
            continue
        try:
            chunk = os.read(master, 65536)
        except OSError as e:
            if e.errno != errno.EIO:
                raise
            end = "eio"
            break
        if not chunk:
            end = "eof"
            break
        data += chunk
        if not sent and args.wait_for.encode() in data:
            os.write(master, args.send.encode().replace(b"\\n", b"\n"))
            sent = True
    text = data.decode(errors="replace").replace("\r\n", "\n")
    sys.stdout.write(text)
    if text and not text.endswith("\n"):
        sys.stdout.write("\n")
    print("receiver: end=%s" % end)
    return 0


if __name__ == "__main__":
    sys.exit(main())
