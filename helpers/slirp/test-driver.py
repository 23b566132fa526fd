#!/usr/bin/python3
"""Developer test driver for burrow-slirp; run it as an unprivileged user.

It plays the launcher: a child process creates a user+network namespace, opens tap0 (IFF_TAP|IFF_NO_PI), configures
10.0.2.100/24 (MTU 65520, default route via 10.0.2.2) and passes the TAP fd out over SCM_RIGHTS; the driver, still in
the host's network namespace, starts the helper on it and talks to the namespace through nsenter.

  test-driver.py HELPER                        behaviour checks, TAP output (exit status 1 on any failure)
  test-driver.py HELPER --dns 127.0.0.153      also DNS, through a resolver the caller runs there (e.g. dnsmasq
                                               --address=/burrow.test/192.0.2.7), answering burrow.test
  test-driver.py HELPER --bench [--slirp4netns] iperf3 through the helper (and slirp4netns 1.x), helper CPU and
                                               VmRSS; --congestion-control reno avoids BBR's pacing in the
                                               container, which otherwise dominates (and scatters) the result
  --wrap "strace -f -o FILE"                   prefix for the helper's command line (with --helper-args
                                               --disable-seccomp to list the syscalls it makes)

Prerequisites: /dev/net/tun mode 0666, iproute2, nsenter, iperf3 for --bench. Only loopback and addresses inside the
namespaces made here are ever contacted.
"""

import argparse
import ctypes
import fcntl
import hashlib
import json
import os
import select
import shlex
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000

TCP_PORT, UDP_PORT, IPERF_PORT = 47801, 47802, 47810
PYTHON = "/usr/bin/python3"
libc = ctypes.CDLL(None, use_errno=True)


def write_file(path, text):
    with open(path, "w") as f:
        f.write(text)


class Netns:
    """A user+network namespace held by a child process; with tap=True it holds a configured tap0 and the driver
    gets its fd."""

    def __init__(self, tap=True, mtu=65520, congestion_control=None, address="10.0.2.100/24", gateway="10.0.2.2",
                 ipv6=True):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        uid, gid = os.getuid(), os.getgid()
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                ours.close()
                if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), "unshare")
                write_file("/proc/self/setgroups", "deny")
                write_file("/proc/self/uid_map", f"0 {uid} 1")
                write_file("/proc/self/gid_map", f"0 {gid} 1")
                if not ipv6:  # before tap0 exists, so that it never sends a router solicitation
                    write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1")
                commands = [["ip", "link", "set", "lo", "up"]]
                fds = []
                if tap:
                    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_CLOEXEC)
                    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", b"tap0", IFF_TAP | IFF_NO_PI))
                    fds.append(fd)
                    commands += [
                        ["ip", "link", "set", "tap0", "mtu", str(mtu), "up"],
                        ["ip", "addr", "add", address, "dev", "tap0"],
                        ["ip", "route", "add", "default", "via", gateway],
                    ]
                if congestion_control:
                    commands.append(["sysctl", "-qw", f"net.ipv4.tcp_congestion_control={congestion_control}"])
                for c in commands:
                    subprocess.run(c, check=True)
                socket.send_fds(theirs, [b"x"], fds)
                for fd in fds:
                    os.close(fd)
                theirs.recv(1)  # hold the namespace until the driver closes its end
                status = 0
            except BaseException as e:  # noqa: BLE001 - the child must never return into the driver
                print(f"netns child: {e}", file=sys.stderr)
            os._exit(status)
        theirs.close()
        _, fds, _, _ = socket.recv_fds(ours, 16, 1)
        self.pid, self.sock = pid, ours
        self.tap_fd = fds[0] if fds else None

    def run(self, argv, timeout=60):
        return subprocess.run(
            ["nsenter", "-t", str(self.pid), "-U", "-n", "--preserve-credentials"] + argv,
            capture_output=True, text=True, timeout=timeout)

    def python(self, code, *args, timeout=30):
        return self.run([PYTHON, "-c", code] + [str(a) for a in args], timeout=timeout)

    def close(self):
        if self.tap_fd is not None:
            os.close(self.tap_fd)
            self.tap_fd = None
        self.sock.close()
        os.waitpid(self.pid, 0)


class Helper:
    """burrow-slirp on a Netns's TAP fd, with an exit pipe and a ready pipe, as the launcher runs it."""

    def __init__(self, binary, netns, args=(), wrap=()):
        exit_r, self.exit_w = os.pipe()
        ready_r, ready_w = os.pipe()
        argv = list(wrap) + [binary, "--tap-fd", str(netns.tap_fd), "--exit-fd", str(exit_r),
                             "--ready-fd", str(ready_w)] + list(args)
        self.proc = subprocess.Popen(argv, pass_fds=(netns.tap_fd, exit_r, ready_w), stderr=subprocess.PIPE,
                                     text=True)
        os.close(exit_r)
        os.close(ready_w)
        self.pidfd = os.pidfd_open(self.proc.pid)
        ready, _, _ = select.select([ready_r], [], [], 10)
        self.ready = os.read(ready_r, 1) if ready else b""
        os.close(ready_r)

    def wait_exit(self, timeout=5):
        """Seconds until the helper exits, measured on its pidfd; None if it did not."""
        t0 = time.monotonic()
        ready, _, _ = select.select([self.pidfd], [], [], timeout)
        if not ready:
            return None
        dt = time.monotonic() - t0
        self.proc.wait()
        return dt

    def close_exit_fd(self):
        if self.exit_w is not None:
            os.close(self.exit_w)
            self.exit_w = None

    def stop(self):
        self.close_exit_fd()
        if self.wait_exit() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.pidfd)
        return self.proc.returncode, self.proc.stderr.read()

    def status(self, key):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return line.split(":", 1)[1].strip()
        return None


class EchoServers:
    """TCP and UDP echo servers on the host's 127.0.0.1 and ::1; the TCP one names the peer, and after the word
    "sha256" it hashes everything up to EOF (bulk transfers, checked end to end)."""

    def __init__(self):
        self.socks = []
        for family, addr in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
            t = socket.socket(family, socket.SOCK_STREAM)
            t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            t.bind((addr, TCP_PORT))
            t.listen(16)
            u = socket.socket(family, socket.SOCK_DGRAM)
            u.bind((addr, UDP_PORT))
            self.socks += [t, u]
            threading.Thread(target=self._tcp, args=(t,), daemon=True).start()
            threading.Thread(target=self._udp, args=(u,), daemon=True).start()

    @staticmethod
    def _tcp(listener):
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                data = conn.recv(6)
                if data == b"sha256":
                    h, n = hashlib.sha256(), 0
                    while chunk := conn.recv(1 << 20):
                        h.update(chunk)
                        n += len(chunk)
                    conn.sendall(f"{n} {h.hexdigest()}".encode())
                else:
                    conn.sendall(b"tcp:" + data + b" from " + conn.getpeername()[0].encode())

    @staticmethod
    def _udp(sock):
        while True:
            try:
                data, peer = sock.recvfrom(64)
            except OSError:
                return
            sock.sendto(b"udp:" + data, peer)


TCP_CLIENT = """
import socket, sys
try:
    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3)
    s.sendall(b"ping")
    print(s.recv(64).decode())
except OSError as e:
    print("error", e)
"""

BULK_CLIENT = """
import hashlib, os, socket, sys
data = os.urandom(int(sys.argv[3]))
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
s.sendall(b"sha256" + data)
s.shutdown(socket.SHUT_WR)
reply = b""
while chunk := s.recv(256):
    reply += chunk
print("match" if reply.decode() == f"{len(data)} {hashlib.sha256(data).hexdigest()}" else f"mismatch {reply!r}")
"""

UDP_CLIENT = """
import socket, sys
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
try:
    s.sendto(b"ping", (sys.argv[1], int(sys.argv[2])))
    print(s.recv(64).decode())
except OSError as e:
    print("error", e)
"""

DNS_CLIENT = """
import socket, struct, sys
name, server = sys.argv[1], sys.argv[2]
query = struct.pack(">HHHHHH", 0x4242, 0x0100, 1, 0, 0, 0)
query += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\\0" + struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
try:
    s.sendto(query, (server, 53))
    reply = s.recv(512)
    answers = struct.unpack(">H", reply[6:8])[0]
    print(socket.inet_ntoa(reply[-4:]) if answers else "no answer")
except OSError as e:
    print("error", e)
"""


class Tap:
    """TAP (Test Anything Protocol) output."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, ok, name, detail=""):
        self.n += 1
        if not ok:
            self.failed += 1
        print(f"{'ok' if ok else 'not ok'} {self.n} - {name}" + (f" # {detail}" if detail else ""), flush=True)
        return ok

    def finish(self):
        print(f"1..{self.n}")
        return 1 if self.failed else 0


def wait_for_slaac(netns, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = netns.run(["ip", "-6", "-o", "addr", "show", "dev", "tap0", "scope", "global"]).stdout
        if "fd00::" in out and "tentative" not in out:
            return out.split()[3]
        time.sleep(0.2)
    return None


def behaviour(args, tap):
    EchoServers()

    # (a) host loopback allowed: 10.0.2.2 reaches the host's 127.0.0.1, fd00::2 reaches ::1; (c) IPv6 after SLAAC.
    ns = Netns()
    h = Helper(args.helper, ns, ["--allow-host-loopback"] + args.helper_args, args.wrap)
    tap.check(h.ready == b"1", "ready byte written after setup", repr(h.ready))
    if not args.helper_args:
        seccomp, nnp, capeff, capbnd = (h.status(k) for k in ("Seccomp", "NoNewPrivs", "CapEff", "CapBnd"))
        tap.check(seccomp == "2" and nnp == "1" and capeff == "0000000000000000" and capbnd == "0000000000000000",
                  "sandboxed: seccomp filter, no_new_privs, no capabilities",
                  f"Seccomp={seccomp} NoNewPrivs={nnp} CapEff={capeff} CapBnd={capbnd}")
        pid = h.proc.pid
        try:
            root = sorted(os.listdir(f"/proc/{pid}/root")) + sorted(os.listdir(f"/proc/{pid}/root/etc"))
            link = os.readlink(f"/proc/{pid}/root/etc/resolv.conf")
        except OSError as e:
            root, link = [str(e)], None
        want_link = "/resolv/" + os.path.basename(os.path.realpath("/etc/resolv.conf"))
        same_net = os.readlink(f"/proc/{pid}/ns/net") == os.readlink("/proc/self/ns/net")
        other_user = os.readlink(f"/proc/{pid}/ns/user") != os.readlink("/proc/self/ns/user")
        tap.check(root == ["etc", "resolv", "resolv.conf"] and link == want_link and same_net and other_user,
                  "sandbox root: /etc/resolv.conf into the resolver file's directory; own user ns, host net ns",
                  f"root={root} link={link} same_net={same_net} other_user={other_user}")
    r = ns.python(TCP_CLIENT, "10.0.2.2", TCP_PORT).stdout.strip()
    tap.check(r == "tcp:ping from 127.0.0.1", "with --allow-host-loopback, TCP 10.0.2.2 reaches host 127.0.0.1", r)
    r = ns.python(BULK_CLIENT, "10.0.2.2", TCP_PORT, 64 << 20).stdout.strip()
    tap.check(r == "match", "64 MiB arrive intact at MTU 65520", r)
    r = ns.python(UDP_CLIENT, "10.0.2.2", UDP_PORT).stdout.strip()
    tap.check(r == "udp:ping", "with --allow-host-loopback, UDP 10.0.2.2 reaches host 127.0.0.1", r)
    addr6 = wait_for_slaac(ns)
    tap.check(addr6 is not None and addr6.startswith("fd00::"), "IPv6 address from SLAAC (router advertisement)",
              str(addr6))
    r = ns.python(TCP_CLIENT, "fd00::2", TCP_PORT).stdout.strip()
    tap.check(r == "tcp:ping from ::1", "with --allow-host-loopback, TCP fd00::2 reaches host ::1", r)
    r = ns.python(UDP_CLIENT, "fd00::2", UDP_PORT).stdout.strip()
    tap.check(r == "udp:ping", "with --allow-host-loopback, UDP fd00::2 reaches host ::1", r)
    # (e) the exit fd's writer goes away
    h.close_exit_fd()
    dt = h.wait_exit()
    tap.check(dt is not None and dt < 0.1 and h.proc.returncode == 0, "exits with 0 when the exit pipe's writer closes",
              f"{dt and dt * 1000:.1f} ms, status {h.proc.returncode}")
    rc, err = h.stop()
    tap.check(err == "", "nothing on stderr", repr(err))
    ns.close()

    # (b) host loopback off by default
    ns = Netns()
    h = Helper(args.helper, ns, args.helper_args, args.wrap)
    r = ns.python(TCP_CLIENT, "10.0.2.2", TCP_PORT).stdout.strip()
    tap.check(r.startswith("error"), "by default, TCP 10.0.2.2 does not reach host 127.0.0.1", r)
    r = ns.python(UDP_CLIENT, "10.0.2.2", UDP_PORT).stdout.strip()
    tap.check(r.startswith("error"), "by default, UDP 10.0.2.2 does not reach host 127.0.0.1", r)
    if wait_for_slaac(ns):
        r = ns.python(TCP_CLIENT, "fd00::2", TCP_PORT).stdout.strip()
        tap.check(r.startswith("error"), "by default, TCP fd00::2 does not reach host ::1", r)
    # (e) SIGTERM
    t0 = time.monotonic()
    h.proc.send_signal(signal.SIGTERM)
    dt = h.wait_exit()
    tap.check(dt is not None and h.proc.returncode == 0, "exits with 0 on SIGTERM",
              f"{(time.monotonic() - t0) * 1000:.1f} ms, status {h.proc.returncode}")
    h.stop()
    ns.close()

    # (e) a pidfd as the exit fd: the helper follows the container's init
    ns = Netns()
    init = subprocess.Popen(["sleep", "600"])
    init_pidfd = os.pidfd_open(init.pid)
    ready_r, ready_w = os.pipe()
    proc = subprocess.Popen([args.helper, "--tap-fd", str(ns.tap_fd), "--exit-fd", str(init_pidfd), "--ready-fd",
                             str(ready_w)] + args.helper_args, pass_fds=(ns.tap_fd, init_pidfd, ready_w))
    os.close(ready_w)
    select.select([ready_r], [], [], 10)
    os.close(ready_r)
    proc_fd = os.pidfd_open(proc.pid)
    init.kill()
    t0 = time.monotonic()
    done, _, _ = select.select([proc_fd], [], [], 5)
    dt = time.monotonic() - t0
    proc.wait()
    init.wait()
    tap.check(bool(done) and dt < 0.1 and proc.returncode == 0, "exits with 0 when a pidfd exit fd's process ends",
              f"{dt * 1000:.1f} ms, status {proc.returncode}")
    for fd in (init_pidfd, proc_fd):
        os.close(fd)

    # (e) the TAP device disappears. Its namespace cannot: the TAP fd the helper holds pins it even after every
    # process in it is gone (which is why the exit fd exists), so the device is deleted from inside.
    h = Helper(args.helper, ns, args.helper_args, args.wrap)
    t0 = time.monotonic()
    ns.run(["ip", "link", "del", "tap0"])
    dt = h.wait_exit()
    tap.check(dt is not None and h.proc.returncode == 0, "exits with 0 when the TAP device is deleted",
              f"{dt and (time.monotonic() - t0) * 1000:.1f} ms after 'ip link del' was started, "
              f"status {h.proc.returncode}")
    h.stop()
    ns.close()

    # setup failures: one line, status 1, no ready byte
    ns = Netns()
    h = Helper(args.helper, ns, ["--resolv-conf", "/nonexistent/resolv.conf"] + args.helper_args, args.wrap)
    rc, err = h.stop()
    tap.check(rc == 1 and h.ready == b"" and err.count("\n") == 1 and err.startswith("burrow-slirp: "),
              "a setup failure is one line on stderr, status 1 and no ready byte", f"status {rc}: {err.strip()}")
    ns.close()

    options(args, tap)
    if args.dns:
        dns(args, tap)


def options(args, tap):
    """--cidr, --mtu, --outbound-addr, --disable-ipv6, and the unsandboxed mode."""
    ns = Netns(mtu=1500, address="192.168.50.100/24", gateway="192.168.50.2")
    h = Helper(args.helper, ns, ["--allow-host-loopback", "--cidr=192.168.50.0/24", "--mtu=1500", "--disable-ipv6",
                                 "--outbound-addr=127.0.0.2"] + args.helper_args, args.wrap)
    r = ns.python(TCP_CLIENT, "192.168.50.2", TCP_PORT).stdout.strip()
    tap.check(r == "tcp:ping from 127.0.0.2", "--cidr moves the gateway, --outbound-addr binds the host socket", r)
    r = ns.python(BULK_CLIENT, "192.168.50.2", TCP_PORT, 16 << 20).stdout.strip()
    tap.check(r == "match", "16 MiB arrive intact at --mtu 1500", r)
    time.sleep(2)
    out = ns.run(["ip", "-6", "-o", "addr", "show", "dev", "tap0", "scope", "global"]).stdout
    tap.check("fd00::" not in out, "--disable-ipv6: no router advertisement, no SLAAC address", out.strip())
    rc, err = h.stop()
    tap.check(rc == 0 and err == "", "clean exit", f"status {rc} {err!r}")
    ns.close()

    ns = Netns()
    h = Helper(args.helper, ns, ["--allow-host-loopback", "--disable-sandbox", "--disable-seccomp"], args.wrap)
    seccomp, capeff = h.status("Seccomp"), h.status("CapEff")
    same_user = os.readlink(f"/proc/{h.proc.pid}/ns/user") == os.readlink("/proc/self/ns/user")
    r = ns.python(TCP_CLIENT, "10.0.2.2", TCP_PORT).stdout.strip()
    tap.check(h.ready == b"1" and seccomp == "0" and capeff == "0000000000000000" and same_user
              and r == "tcp:ping from 127.0.0.1", "--disable-sandbox --disable-seccomp: works unconfined",
              f"ready={h.ready} Seccomp={seccomp} same_user_ns={same_user} {r}")
    h.stop()
    ns.close()


def dns(args, tap):
    """(d) DNS to 10.0.2.3 goes to the nameserver of --resolv-conf, even with host loopback off (the default)."""
    with tempfile.TemporaryDirectory() as d:
        conf = os.path.join(d, "resolv.conf")
        write_file(conf, f"nameserver {args.dns}\n")
        ns = Netns()
        h = Helper(args.helper, ns, ["--resolv-conf", conf] + args.helper_args, args.wrap)
        tap.check(h.ready == b"1", "ready with a --resolv-conf under /tmp (hidden by the sandbox's tmpfs)")
        r = ns.python(DNS_CLIENT, "burrow.test", "10.0.2.3").stdout.strip()
        tap.check(r == "192.0.2.7", f"DNS via 10.0.2.3 reaches the --resolv-conf nameserver {args.dns}", r)
        # libslirp caches the nameserver for a second, then re-reads the file when its stat() changed.
        time.sleep(1.1)
        with open(conf, "r+") as f:  # in place: the bind mount pins the inode
            f.write("nameserver 127.0.0.99\n")
        time.sleep(1.1)
        r = ns.python(DNS_CLIENT, "burrow.test", "10.0.2.3").stdout.strip()
        tap.check(r.startswith("error"), "an in-place edit of the resolv.conf is followed (to a dead server)", r)
        time.sleep(1.1)
        with open(conf, "r+") as f:
            f.write(f"nameserver {args.dns}\n".ljust(len("nameserver 127.0.0.99\n")))
        time.sleep(1.1)
        r = ns.python(DNS_CLIENT, "burrow.test", "10.0.2.3").stdout.strip()
        tap.check(r == "192.0.2.7", "and back", r)
        time.sleep(1.1)
        write_file(conf + ".new", "nameserver 127.0.0.99\n")
        os.rename(conf + ".new", conf)  # as systemd-resolved and NetworkManager replace it
        time.sleep(1.1)
        r = ns.python(DNS_CLIENT, "burrow.test", "10.0.2.3").stdout.strip()
        tap.check(r.startswith("error"), "a resolv.conf replaced by rename(2) is followed", r)
        time.sleep(1.1)
        write_file(conf + ".new", f"nameserver {args.dns}\n")
        os.rename(conf + ".new", conf)
        time.sleep(1.1)
        r = ns.python(DNS_CLIENT, "burrow.test", "10.0.2.3").stdout.strip()
        tap.check(r == "192.0.2.7", "and back", r)
        rc, err = h.stop()
        tap.check(rc == 0 and err == "", "DNS: clean exit", f"status {rc} {err!r}")
        ns.close()

        # libslirp stamps a UDP flow with its clock, which reads 0 until the first slirp_pollfds_poll(): a flow
        # created from the very first frames would expire before its answer came. Without IPv6 on tap0 nothing else
        # comes first (the ARP reply makes the container send the query at once, into the same read batch). One try.
        ns = Netns(ipv6=False)
        h = Helper(args.helper, ns, ["--resolv-conf", conf, "--disable-ipv6"] + args.helper_args, args.wrap)
        r = ns.python(DNS_CLIENT, "burrow.test", "10.0.2.3").stdout.strip()
        tap.check(r == "192.0.2.7", "the very first DNS query is answered the first time", r)
        h.stop()
        ns.close()


def iperf(ns, reverse, seconds):
    server = subprocess.Popen(["iperf3", "-s", "-B", "127.0.0.1", "-p", str(IPERF_PORT), "-1", "--forceflush"],
                              stdout=subprocess.PIPE, text=True)
    try:
        for line in server.stdout:
            if "listening" in line:
                break
        r = ns.run(["iperf3", "-c", "10.0.2.2", "-p", str(IPERF_PORT), "-t", str(seconds), "-J"]
                   + (["-R"] if reverse else []), timeout=seconds + 30)
        result = json.loads(r.stdout)
        return result["end"]["sum_received"]["bits_per_second"] / 1e9
    finally:
        server.kill()
        server.wait()


def sample_rss(pid, stop, out):
    while not stop.is_set():
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        out.append(int(line.split()[1]))
        except OSError:
            return
        time.sleep(0.1)


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(name, pid, ns, seconds, runs):
    for reverse in (False, True):
        rates, rss, cpu_per_gb = [], [], []
        for _ in range(runs):
            stop = threading.Event()
            t = threading.Thread(target=sample_rss, args=(pid, stop, rss))
            t.start()
            cpu0 = cpu_seconds(pid)
            rate = iperf(ns, reverse, seconds)
            cpu_per_gb.append((cpu_seconds(pid) - cpu0) / (rate * seconds / 8))
            rates.append(rate)
            stop.set()
            t.join()
        rates.sort()
        print(f"{name:14s} {'host->container' if reverse else 'container->host'}: "
              f"median {rates[len(rates) // 2]:.2f} Gbit/s (runs: {', '.join(f'{r:.2f}' for r in rates)}), "
              f"helper CPU {sum(cpu_per_gb) / len(cpu_per_gb):.2f} s/GB, VmRSS max {max(rss) / 1024:.2f} MiB",
              flush=True)


def bench(args):
    ns = Netns(congestion_control=args.congestion_control)
    h = Helper(args.helper, ns, ["--allow-host-loopback"] + args.helper_args, args.wrap)
    assert h.ready == b"1", h.ready
    print(f"burrow-slirp idle VmRSS {int(h.status('VmRSS').split()[0]) / 1024:.2f} MiB", flush=True)
    measure("burrow-slirp", h.proc.pid, ns, args.seconds, args.runs)
    rc, err = h.stop()
    print(f"burrow-slirp exit status {rc} stderr {err!r}")
    ns.close()

    if args.slirp4netns:
        ns = Netns(tap=False, congestion_control=args.congestion_control)
        exit_r, exit_w = os.pipe()
        ready_r, ready_w = os.pipe()
        proc = subprocess.Popen(["slirp4netns", "--configure", "--mtu=65520", "--enable-sandbox", "--enable-seccomp",
                                 f"--userns-path=/proc/{ns.pid}/ns/user", f"--exit-fd={exit_r}",
                                 f"--ready-fd={ready_w}", str(ns.pid), "tap0"],
                                pass_fds=(exit_r, ready_w), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True)
        os.close(exit_r)
        os.close(ready_w)
        select.select([ready_r], [], [], 10)
        os.close(ready_r)
        print(f"slirp4netns idle VmRSS {int(open(f'/proc/{proc.pid}/status').read().split('VmRSS:')[1].split()[0]) / 1024:.2f} MiB")
        measure("slirp4netns", proc.pid, ns, args.seconds, args.runs)
        os.close(exit_w)
        proc.wait(5)
        ns.close()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("helper")
    p.add_argument("--dns", metavar="ADDR", help="a resolver listening on ADDR:53 answers burrow.test")
    p.add_argument("--bench", action="store_true")
    p.add_argument("--slirp4netns", action="store_true")
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--congestion-control", metavar="CC", help="TCP congestion control inside the namespace (bench)")
    p.add_argument("--wrap", type=shlex.split, default=[])
    p.add_argument("--helper-args", type=shlex.split, default=[])
    args = p.parse_args()
    args.helper = os.path.abspath(args.helper)
    if args.bench:
        bench(args)
        return 0
    tap = Tap()
    behaviour(args, tap)
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
