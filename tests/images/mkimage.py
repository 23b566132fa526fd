#!/usr/bin/env python3
"""Builds a test image from layers, with nothing but python's tarfile, gzip, json and hashlib.

    mkimage.py [options] LAYER...

Each LAYER is a directory (archived with its files' modes, owners and times; --owner 0:0 to force root) or an
existing .tar / .tar.gz / .tgz / .tar.zst tarball (used as is when its compression matches, recompressed otherwise).
Layers are listed bottom first.

Outputs (at least one):
  --oci-dir DIR          an OCI image layout (oci-layout, index.json, blobs/sha256/...)
  --oci-archive FILE     the same layout as a tarball (what `podman save --format oci-archive` writes)
  --docker-archive FILE  a docker-archive (`docker save`): manifest.json, repositories, <id>.json, <id>/layer.tar

Options:
  --tag NAME[:TAG]       reference (default localhost/test:latest); repeatable for the docker archive
  --compression gzip|zstd|none   of the OCI layers (default gzip; docker-archive layers are always plain tars)
  --cmd JSON             image config Cmd, e.g. '["/bin/sh"]'        --entrypoint JSON
  --env KEY=VALUE        repeatable                                   --workdir DIR    --user USER
  --label KEY=VALUE      repeatable                                   --created RFC3339 (default 2020-09-13T12:26:40Z)
  --owner UID:GID        owner of every file of directory layers (default: as on disk)
  --print-digest         print the manifest digest on stdout
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile

MTIME = 1_600_000_000


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def tar_directory(path, owner):
    buf = io.BytesIO()
    with tarfile.TarFile(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for root, dirs, files in os.walk(path):
            dirs.sort()
            for name in sorted(dirs) + sorted(files):
                full = os.path.join(root, name)
                ti = t.gettarinfo(full, arcname=os.path.relpath(full, path))
                if owner is not None:
                    ti.uid, ti.gid = owner
                ti.uname = ti.gname = ""
                if ti.isreg():
                    with open(full, "rb") as f:
                        t.addfile(ti, f)
                else:
                    t.addfile(ti)
    return buf.getvalue()


def detect(data):
    if data[:2] == b"\x1f\x8b":
        return "gzip"
    if data[:4] == b"\x28\xb5\x2f\xfd":
        return "zstd"
    return "none"


def decompress(data):
    kind = detect(data)
    if kind == "gzip":
        return gzip.decompress(data)
    if kind == "zstd":
        return subprocess.run(["zstd", "-dqc"], input=data, stdout=subprocess.PIPE, check=True).stdout
    return data


def compress(tar, kind):
    if kind == "gzip":
        return gzip.compress(tar, mtime=0)
    if kind == "zstd":
        if not shutil.which("zstd"):
            sys.exit("mkimage.py: --compression zstd needs the zstd program")
        return subprocess.run(["zstd", "-qc"], input=tar, stdout=subprocess.PIPE, check=True).stdout
    return tar


MEDIA = {
    "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
    "zstd": "application/vnd.oci.image.layer.v1.tar+zstd",
    "none": "application/vnd.oci.image.layer.v1.tar",
}


def load_layer(spec, owner):
    if os.path.isdir(spec):
        return tar_directory(spec, owner), None
    with open(spec, "rb") as f:
        data = f.read()
    return decompress(data), data


def split_ref(ref):
    name, tag = ref, "latest"
    if ":" in ref.rsplit("/", 1)[-1]:
        name, tag = ref.rsplit(":", 1)
    return name, tag


def kv_list(items):
    return dict(i.split("=", 1) for i in items)


def main():
    p = argparse.ArgumentParser(add_help=True, usage=__doc__)
    p.add_argument("layers", nargs="+")
    p.add_argument("--oci-dir")
    p.add_argument("--oci-archive")
    p.add_argument("--docker-archive")
    p.add_argument("--tag", action="append")
    p.add_argument("--compression", default="gzip", choices=["gzip", "zstd", "none"])
    p.add_argument("--cmd")
    p.add_argument("--entrypoint")
    p.add_argument("--env", action="append", default=[])
    p.add_argument("--workdir")
    p.add_argument("--user")
    p.add_argument("--label", action="append", default=[])
    p.add_argument("--created", default="2020-09-13T12:26:40Z")
    p.add_argument("--owner")
    p.add_argument("--print-digest", action="store_true")
    a = p.parse_args()
    if not (a.oci_dir or a.oci_archive or a.docker_archive):
        p.error("give --oci-dir, --oci-archive or --docker-archive")
    tags = a.tag or ["localhost/test:latest"]
    owner = tuple(int(x) for x in a.owner.split(":")) if a.owner else None

    plain_layers, blobs = [], []
    for spec in a.layers:
        tar, original = load_layer(spec, owner)
        plain_layers.append(tar)
        if original is not None and detect(original) == a.compression:
            blobs.append(original)
        else:
            blobs.append(compress(tar, a.compression))
    diff_ids = ["sha256:" + sha256(t) for t in plain_layers]

    cfg = {}
    if a.cmd:
        cfg["Cmd"] = json.loads(a.cmd)
    if a.entrypoint:
        cfg["Entrypoint"] = json.loads(a.entrypoint)
    cfg["Env"] = a.env or ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
    if a.workdir:
        cfg["WorkingDir"] = a.workdir
    if a.user:
        cfg["User"] = a.user
    if a.label:
        cfg["Labels"] = kv_list(a.label)
    config = {
        "created": a.created,
        "architecture": "amd64",
        "os": "linux",
        "config": cfg,
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created": a.created, "created_by": "mkimage.py layer %d" % i} for i in range(len(blobs))],
    }
    config_bytes = json.dumps(config, separators=(",", ":"), sort_keys=True).encode()
    config_digest = "sha256:" + sha256(config_bytes)

    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest,
                   "size": len(config_bytes)},
        "layers": [{"mediaType": MEDIA[a.compression], "digest": "sha256:" + sha256(b), "size": len(b)}
                   for b in blobs],
    }
    manifest_bytes = json.dumps(manifest, separators=(",", ":"), sort_keys=True).encode()
    manifest_digest = "sha256:" + sha256(manifest_bytes)

    files = {"oci-layout": json.dumps({"imageLayoutVersion": "1.0.0"}).encode()}
    for blob in [config_bytes, manifest_bytes] + blobs:
        files["blobs/sha256/" + sha256(blob)] = blob
    index = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{"mediaType": manifest["mediaType"], "digest": manifest_digest, "size": len(manifest_bytes),
                       "annotations": {"org.opencontainers.image.ref.name": split_ref(tags[0])[1],
                                       "io.containerd.image.name": tags[0]}}],
    }
    files["index.json"] = json.dumps(index, separators=(",", ":")).encode()

    if a.oci_dir:
        for name, data in files.items():
            path = os.path.join(a.oci_dir, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)
    if a.oci_archive:
        write_tar(a.oci_archive, files)
    if a.docker_archive:
        dfiles, layer_paths = {}, []
        for tar in plain_layers:
            path = sha256(tar) + "/layer.tar"
            dfiles[path] = tar
            layer_paths.append(path)
        config_name = config_digest.split(":")[1] + ".json"
        dfiles[config_name] = config_bytes
        dfiles["manifest.json"] = json.dumps([{"Config": config_name, "RepoTags": tags,
                                               "Layers": layer_paths}]).encode()
        repos = {}
        for t in tags:
            name, tag = split_ref(t)
            repos.setdefault(name, {})[tag] = diff_ids[-1].split(":")[1]
        dfiles["repositories"] = json.dumps(repos).encode()
        write_tar(a.docker_archive, dfiles)
    if a.print_digest:
        print(manifest_digest)


def write_tar(path, files):
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as t:
        dirs = set()
        for name in files:
            parts = name.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                dirs.add("/".join(parts[:i]))
        for d in sorted(dirs):
            ti = tarfile.TarInfo(d)
            ti.type, ti.mode, ti.mtime = tarfile.DIRTYPE, 0o755, MTIME
            t.addfile(ti)
        for name, data in files.items():
            ti = tarfile.TarInfo(name)
            ti.size, ti.mode, ti.mtime = len(data), 0o644, MTIME
            t.addfile(ti, io.BytesIO(data))


if __name__ == "__main__":
    main()
