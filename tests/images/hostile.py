#!/usr/bin/env python3
"""Writes the layer corpus of tests/integration/image-extract.bats into OUTDIR: hostile tarballs that extraction must
reject (or neutralize) and two good layers of a multi-layer image.

    hostile.py OUTDIR CANARY_DIR

CANARY_DIR is an absolute directory outside the extraction root: the escape attempts aim at it, and the test checks
that it stays empty. Every archive is built here with python's tarfile, byte by byte where tarfile refuses to."""
import gzip
import io
import os
import sys
import tarfile

MTIME = 1_600_000_000


def member(name, type=tarfile.REGTYPE, data=b"", uid=0, gid=0, mode=0o644, **kw):
    ti = tarfile.TarInfo(name)
    ti.type, ti.uid, ti.gid, ti.mode, ti.mtime = type, uid, gid, mode, MTIME
    for k, v in kw.items():
        setattr(ti, k, v)
    ti.size = len(data) if type == tarfile.REGTYPE else 0
    return ti, (io.BytesIO(data) if type == tarfile.REGTYPE else None)


def tar_bytes(members, fmt=tarfile.PAX_FORMAT):
    buf = io.BytesIO()
    with tarfile.TarFile(fileobj=buf, mode="w", format=fmt) as t:
        for ti, f in members:
            t.addfile(ti, f)
    return buf.getvalue()


def write(outdir, name, data):
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(data)


def gz(data):
    return gzip.compress(data, mtime=0)


def huge_declared_size():
    # A header that declares 100 GiB (in a pax "size" record) followed by a few bytes and the end of the archive.
    ti, _ = member("huge")
    ti.size = 100 << 30
    header = ti.tobuf(tarfile.PAX_FORMAT, tarfile.ENCODING, "surrogateescape")
    return header + b"\0" * 512 + b"\0" * 1024


def main():
    outdir, canary = sys.argv[1], sys.argv[2].rstrip("/")
    R, D, L, H, C, B, F = (tarfile.REGTYPE, tarfile.DIRTYPE, tarfile.SYMTYPE, tarfile.LNKTYPE, tarfile.CHRTYPE,
                           tarfile.BLKTYPE, tarfile.FIFOTYPE)
    corpus = {
        "traversal.tar": [member("ok"), member("../x", data=b"escaped")],
        "traversal-deep.tar": [member("a/", D, mode=0o755), member("a/../../x", data=b"escaped")],
        "absolute.tar": [member("/etc/x", data=b"escaped")],
        "absolute-canary.tar": [member(canary + "/x", data=b"escaped")],
        "symlink-escape.tar": [member("link", L, linkname="/"), member("link" + canary + "/x", data=b"escaped")],
        "symlink-escape-canary.tar": [member("link", L, linkname=canary), member("link/x", data=b"escaped")],
        "symlink-escape-relative.tar": [member("d/", D, mode=0o755), member("d/up", L, linkname="../../../../../../.."),
                                        member("d/up" + canary + "/x", data=b"escaped")],
        "hardlink-absolute.tar": [member("passwd", H, linkname="/etc/passwd")],
        "hardlink-dotdot.tar": [member("x", H, linkname="../../x")],
        "hardlink-forward.tar": [member("x", H, linkname="later"), member("later", data=b"later")],
        "hardlink-via-symlink.tar": [member("etc", L, linkname="/etc"), member("passwd", H, linkname="etc/passwd")],
        "long-name.tar": [member("d" * 5000, data=b"x")],
        "whiteout-invalid.tar": [member(".wh.")],
    }
    for name, members in corpus.items():
        write(outdir, name, tar_bytes(members))

    # Accepted, with a notice: device nodes cannot be created unprivileged.
    write(outdir, "devices.tar", tar_bytes([
        member("dev/", D, mode=0o755),
        member("dev/null", C, mode=0o666, devmajor=1, devminor=3),
        member("dev/sda", B, mode=0o660, devmajor=8, devminor=0),
        member("ok", data=b"ok\n"),
    ]))
    # Accepted: the last entry of a name wins, as in tar.
    write(outdir, "duplicates.tar", tar_bytes([
        member("f", data=b"first\n"),
        member("f", data=b"second\n", mode=0o600),
        member("d", data=b"a file first\n"),
        member("d/", D, mode=0o700),
        member("d/inside", data=b"in\n"),
        member("e/", D, mode=0o755),
        member("e/child", data=b"x"),
        member("e", data=b"a file last\n"),
    ]))

    plain = tar_bytes([member("a", data=os.urandom(300_000)), member("b", data=b"b" * 100_000)])
    compressed = gz(plain)
    write(outdir, "truncated.tar.gz", compressed[: len(compressed) // 2])
    # Garbage in the Huffman tables at the start of a deflate stream, so the decoder trips over it. Garbage in
    # stored (incompressible) blocks would only show as a wrong diff_id: libarchive does not check gzip's CRC, which
    # is why the store compares every diff_id with the image config.
    text = tar_bytes([member("text", data=b"".join(b"line %d of some text\n" % i for i in range(20000)))])
    corrupt = bytearray(gz(text))
    for i in range(16, 48):
        corrupt[i] ^= 0x5A
    write(outdir, "corrupt.tar.gz", bytes(corrupt))
    write(outdir, "not-a-tar.gz", gz(b"hello, this is not a tar archive\n" * 100))
    write(outdir, "huge.tar", huge_declared_size())

    # The good image: layer 1 has owners 0, 33 and 1000, a setuid binary, symlinks, hardlinks, xattrs, a fifo;
    # layer 2 deletes a file and a directory and makes a directory opaque.
    write(outdir, "good-1.tar.gz", gz(tar_bytes([
        member("./", D, mode=0o755),
        member("bin/", D, mode=0o755),
        member("bin/tool", data=b"#!/bin/sh\necho tool\n", mode=0o755),
        member("bin/suid", data=b"setuid\n", mode=0o4755),
        member("bin/sgid", data=b"setgid\n", uid=0, gid=1000, mode=0o2755),
        member("bin/alias", L, linkname="tool"),
        member("bin/hard", H, linkname="bin/tool"),
        member("home/", D, mode=0o755),
        member("home/user/", D, uid=1000, gid=1000, mode=0o700),
        member("home/user/file", data=b"mine\n", uid=1000, gid=1000, mode=0o640),
        member("var/www/", D, uid=33, gid=33, mode=0o750),
        member("var/www/index.html", data=b"<p>hi</p>\n", uid=33, gid=33),
        member("attr", data=b"x", pax_headers={"SCHILY.xattr.user.burrow": "kept",
                                                "SCHILY.xattr.user.overlay.opaque": "y"}),
        member("fifo", F, mode=0o600),
        member("gone", data=b"deleted in layer 2\n"),
        member("gonedir/", D, mode=0o755),
        member("gonedir/file", data=b"x"),
        member("opq/", D, mode=0o755),
        member("opq/old", data=b"hidden by layer 2\n"),
    ])))
    write(outdir, "good-2.tar.gz", gz(tar_bytes([
        member(".wh.gone"),
        member(".wh.gonedir"),
        member("opq/", D, mode=0o755),
        member("opq/.wh..wh..opq"),
        member("opq/new", data=b"new\n"),
        member("bin/added", data=b"layer 2\n", uid=1000, gid=1000),
    ])))


if __name__ == "__main__":
    main()
