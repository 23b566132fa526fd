#!/usr/bin/python3
"""Tiny loopback servers for the network tests (net-*.bats). Python's standard library only.

  netecho.py MODE PORTFILE [--bind ADDR] [--port N] [--log FILE]

Binds ADDR (default 127.0.0.1) port N (default 0: the kernel picks a free one), then writes the bound port to
PORTFILE (through a temporary file and a rename, so that a reader never sees half of it): the file's existence means
the server is ready. Serves until killed. Every client is logged as one line "PEER_ADDRESS" to --log FILE.

  tcp   each connection gets "netecho PEER_ADDRESS LINE\\n" for the first line it sends, then is closed
  udp   each datagram is answered with "netecho PEER_ADDRESS DATA"
  dns   each DNS query is answered with one A record, 198.51.100.77 (TEST-NET-2, never contacted), for whatever
        name it asks; busybox nslookup can then show that a datagram went out and its answer came back

  netecho.py ask-udp HOST PORT MESSAGE [--bind ADDR] [--timeout SECONDS]

Sends MESSAGE in one datagram (from ADDR when given) and prints the first datagram that comes back; exits 1 when
none comes within the timeout (default 5 s).
"""
import argparse
import os
import socket
import struct
import sys
import threading

DNS_ANSWER = bytes([198, 51, 100, 77])


def log_peer(path, peer):
    if path:
        with open(path, "a") as f:
            f.write(peer + "\n")


def peer_address(addr):
    host = addr[0]
    if host.startswith("::ffff:"):
        host = host[len("::ffff:"):]
    return host


def make_socket(family, kind, addr, port):
    s = socket.socket(family, kind)
    if kind == socket.SOCK_STREAM:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    if kind == socket.SOCK_STREAM:
        s.listen(16)
    return s


def write_port(path, port):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, path)


def serve_tcp_client(conn, addr, log):
    peer = peer_address(addr)
    log_peer(log, peer)
    try:
        conn.settimeout(10)
        data = b""
        while b"\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
        line = data.split(b"\n", 1)[0].decode(errors="replace")
        conn.sendall(("netecho %s %s\n" % (peer, line)).encode())
    except OSError:
        pass
    finally:
        conn.close()


def dns_reply(query):
    if len(query) < 12:
        return None
    qid, flags, qdcount = struct.unpack(">HHH", query[:6])
    if qdcount != 1 or flags & 0x8000:
        return None
    # The question: labels up to the root label, then QTYPE and QCLASS.
    i = 12
    while i < len(query) and query[i] != 0:
        i += 1 + query[i]
    i += 1
    if i + 4 > len(query):
        return None
    question = query[12:i + 4]
    qtype = struct.unpack(">H", query[i:i + 2])[0]
    answers = b""
    ancount = 0
    if qtype == 1:
        answers = struct.pack(">HHHIH", 0xC00C, 1, 1, 60, 4) + DNS_ANSWER
        ancount = 1
    # QR, RD copied, RA; rcode 0 (an empty answer for other types).
    header = struct.pack(">HHHHHH", qid, 0x8180 | (flags & 0x0100), 1, ancount, 0, 0)
    return header + question + answers


def ask_udp(argv):
    p = argparse.ArgumentParser(prog="netecho.py ask-udp")
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("message")
    p.add_argument("--bind")
    p.add_argument("--timeout", type=float, default=5)
    args = p.parse_args(argv)
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_DGRAM)
    if args.bind:
        s.bind((args.bind, 0))
    s.settimeout(args.timeout)
    s.sendto(args.message.encode(), (args.host, args.port))
    try:
        data = s.recv(65535)
    except socket.timeout:
        print("netecho.py: no answer from %s port %d" % (args.host, args.port), file=sys.stderr)
        return 1
    sys.stdout.write(data.decode(errors="replace") + "\n")
    return 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "ask-udp":
        sys.exit(ask_udp(sys.argv[2:]))
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["tcp", "udp", "dns"])
    p.add_argument("portfile")
    p.add_argument("--bind", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--log")
    args = p.parse_args()

    family = socket.AF_INET6 if ":" in args.bind else socket.AF_INET
    kind = socket.SOCK_STREAM if args.mode == "tcp" else socket.SOCK_DGRAM
    s = make_socket(family, kind, args.bind, args.port)
    write_port(args.portfile, s.getsockname()[1])

    if args.mode == "tcp":
        while True:
            conn, addr = s.accept()
            threading.Thread(target=serve_tcp_client, args=(conn, addr, args.log), daemon=True).start()
    while True:
        data, addr = s.recvfrom(65535)
        log_peer(args.log, peer_address(addr))
        if args.mode == "udp":
            reply = ("netecho %s " % peer_address(addr)).encode() + data
        else:
            reply = dns_reply(data)
        if reply is not None:
            s.sendto(reply, addr)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
