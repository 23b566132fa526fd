#!/usr/bin/env python3
"""Builds test images for the image-store tests: an OCI image layout directory, an oci-archive (a tar of a layout) or
a docker-archive (`docker save` format), from directories or tarballs given as layers. Python's standard library only.

  mkarchive.py --format oci-dir|oci-archive|docker-archive --out PATH [--name NAME:TAG]... \
      [--layer DIR|FILE.tar]... [--compress none|gzip] [--cmd ARG]... [--entrypoint ARG]... [--env K=V]... \
      [--workdir DIR] [--user USER] [--label K=V]... [--expose PORT/PROTO]... [--stop-signal SIG] \
      [--created RFC3339] [--bad-digest] [--corrupt-gzip] [--archive-gzip]

--bad-digest changes one byte of the last layer blob after its digest was recorded; --corrupt-gzip stores a gzip
layer whose deflate stream is damaged (its recorded digest is right, so only decompression can notice);
--archive-gzip compresses the whole archive."""
import argparse
import gzip
import hashlib
import io
import json
import os
import platform
import shutil
import tarfile
import tempfile

ARCH = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "i686": "386", "ppc64le": "ppc64le",
        "s390x": "s390x", "riscv64": "riscv64"}.get(platform.machine(), platform.machine())


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def tar_of_dir(path):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for root, dirs, files in os.walk(path):
            dirs.sort()
            for name in sorted(dirs) + sorted(files):
                full = os.path.join(root, name)
                info = tar.gettarinfo(full, arcname=os.path.relpath(full, path))
                info.uid = info.gid = 0
                info.uname = info.gname = "root"
                info.mtime = 0
                if info.isfile():
                    with open(full, "rb") as f:
                        tar.addfile(info, f)
                else:
                    tar.addfile(info)
    return buf.getvalue()


def layer_tar(arg):
    if os.path.isdir(arg):
        return tar_of_dir(arg)
    with open(arg, "rb") as f:
        return f.read()


def build(args):
    layers = []  # (blob bytes, diff_id, media type)
    for i, arg in enumerate(args.layer):
        raw = layer_tar(arg)
        diff_id = sha256(raw)
        if args.compress == "gzip" or args.corrupt_gzip:
            blob = gzip.compress(raw, mtime=0)
            if args.corrupt_gzip and i == len(args.layer) - 1:
                mid = len(blob) // 2
                blob = blob[:mid] + bytes([blob[mid] ^ 0xFF]) + blob[mid + 1:]
            media = "application/vnd.oci.image.layer.v1.tar+gzip"
        else:
            blob = raw
            media = "application/vnd.oci.image.layer.v1.tar"
        layers.append([blob, diff_id, media, sha256(blob)])

    inner = {}
    if args.env:
        inner["Env"] = args.env
    if args.cmd:
        inner["Cmd"] = args.cmd
    if args.entrypoint:
        inner["Entrypoint"] = args.entrypoint
    if args.workdir:
        inner["WorkingDir"] = args.workdir
    if args.user:
        inner["User"] = args.user
    if args.label:
        inner["Labels"] = dict(kv.split("=", 1) for kv in args.label)
    if args.expose:
        inner["ExposedPorts"] = {p: {} for p in args.expose}
    if args.stop_signal:
        inner["StopSignal"] = args.stop_signal
    config = {"created": args.created, "architecture": ARCH, "os": "linux", "config": inner,
              "rootfs": {"type": "layers", "diff_ids": [l[1] for l in layers]},
              "history": [{"created": args.created, "created_by": "mkarchive.py"}]}
    config_blob = json.dumps(config, sort_keys=True).encode()

    if args.bad_digest and layers:
        blob = bytearray(layers[-1][0])
        blob[len(blob) // 2] ^= 0x01
        layers[-1][0] = bytes(blob)

    work = tempfile.mkdtemp()
    try:
        if args.format == "docker-archive":
            write_docker(work, args, layers, config_blob)
        else:
            write_oci(work, args, layers, config_blob)
        if args.format == "oci-dir":
            if os.path.exists(args.out):
                shutil.rmtree(args.out)
            shutil.copytree(work, args.out)
        else:
            mode = "w:gz" if args.archive_gzip else "w"
            with tarfile.open(args.out, mode, format=tarfile.PAX_FORMAT) as tar:
                for name in sorted(os.listdir(work)):
                    tar.add(os.path.join(work, name), arcname=name)
    finally:
        shutil.rmtree(work)


def write_blob(root, data, digest=None):
    digest = digest or sha256(data)
    os.makedirs(os.path.join(root, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(root, "blobs", "sha256", digest.split(":")[1]), "wb") as f:
        f.write(data)
    return digest


def write_oci(root, args, layers, config_blob):
    with open(os.path.join(root, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    for blob, _, _, digest in layers:
        write_blob(root, blob, digest)
    config_digest = write_blob(root, config_blob)
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest,
                           "size": len(config_blob)},
                "layers": [{"mediaType": m, "digest": d, "size": len(b)} for b, _, m, d in layers]}
    mblob = json.dumps(manifest).encode()
    mdigest = write_blob(root, mblob)
    manifests = []
    for name in args.name or [None]:
        desc = {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdigest, "size": len(mblob),
                "platform": {"architecture": ARCH, "os": "linux"}}
        if name:
            desc["annotations"] = {"org.opencontainers.image.ref.name": name}
        manifests.append(desc)
    with open(os.path.join(root, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                   "manifests": manifests}, f)


def write_docker(root, args, layers, config_blob):
    config_name = hashlib.sha256(config_blob).hexdigest() + ".json"
    with open(os.path.join(root, config_name), "wb") as f:
        f.write(config_blob)
    paths = []
    for blob, diff_id, _, _ in layers:
        d = os.path.join(root, diff_id.split(":")[1])
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "layer.tar"), "wb") as f:
            f.write(blob)
        paths.append(diff_id.split(":")[1] + "/layer.tar")
    with open(os.path.join(root, "manifest.json"), "w") as f:
        json.dump([{"Config": config_name, "RepoTags": args.name or None, "Layers": paths}], f)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--format", required=True, choices=["oci-dir", "oci-archive", "docker-archive"])
    p.add_argument("--out", required=True)
    p.add_argument("--name", action="append", default=[])
    p.add_argument("--layer", action="append", default=[])
    p.add_argument("--compress", choices=["none", "gzip"], default="none")
    p.add_argument("--cmd", action="append", default=[])
    p.add_argument("--entrypoint", action="append", default=[])
    p.add_argument("--env", action="append", default=[])
    p.add_argument("--workdir")
    p.add_argument("--user")
    p.add_argument("--label", action="append", default=[])
    p.add_argument("--expose", action="append", default=[])
    p.add_argument("--stop-signal")
    p.add_argument("--created", default="2024-01-02T03:04:05Z")
    p.add_argument("--bad-digest", action="store_true")
    p.add_argument("--corrupt-gzip", action="store_true")
    p.add_argument("--archive-gzip", action="store_true")
    build(p.parse_args())


if __name__ == "__main__":
    main()
