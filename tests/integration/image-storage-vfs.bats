#!/usr/bin/env bats
# --storage-driver vfs: the container's root is a plain copy of the image's layers (no overlay), made inside the user
# namespace that owns the subordinate ids, with the overlay meaning of whiteouts and opaque directories applied, and
# owners, modes, setuid bits, symlinks and hardlinks kept; the copy is the container's own and gone after the run.
# Also: auto without fuse-overlayfs probes the kernel's overlay before it would fall back to vfs.

load helpers

setup_file() {
	burrow_setup_file
	export BURROW_ROOT="$BATS_FILE_TMPDIR/store"
	local work="$BATS_FILE_TMPDIR/img"
	mkdir -p "$work"
	mkdir -p "$ROOTFS/old" "$ROOTFS/data"
	echo motd >"$ROOTFS/etc/motd"
	echo old >"$ROOTFS/old/file"
	echo lower >"$ROOTFS/data/lower"
	# Layer 2, a tarball with what a directory cannot carry: owners other than root, setuid, a hardlink, whiteouts,
	# an opaque directory, and a symlink that replaces a lower directory.
	python3 - "$work/top.tar" <<'PY'
import io, sys, tarfile
def add(t, name, kind=tarfile.REGTYPE, data=b"", uid=0, gid=0, mode=0o644, link=""):
    i = tarfile.TarInfo(name); i.type = kind; i.uid = uid; i.gid = gid; i.mode = mode; i.linkname = link
    i.mtime = 1600000000; i.size = len(data) if kind == tarfile.REGTYPE else 0
    t.addfile(i, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as t:
    add(t, "opt", tarfile.DIRTYPE, mode=0o755)
    add(t, "opt/owned", data=b"owned\n", uid=1000, gid=1001, mode=0o640)
    add(t, "opt/suid", data=b"#!/bin/sh\n", mode=0o4755)
    add(t, "opt/hard", tarfile.LNKTYPE, link="opt/owned")
    add(t, "opt/link", tarfile.SYMTYPE, link="../etc/top")
    add(t, "etc/top", data=b"from the top layer\n")
    add(t, "etc/.wh.motd")
    add(t, ".wh.old")
    add(t, "data", tarfile.DIRTYPE, mode=0o755)
    add(t, "data/.wh..wh..opq")
    add(t, "data/new", data=b"new\n")
PY
	python3 "$TESTS_DIR/images/mkimage.py" --owner 0:0 --tag localhost/vfs:latest --docker-archive "$work/vfs.tar" \
		"$ROOTFS" "$work/top.tar" >/dev/null
	"$BURROW" load -q -i "$work/vfs.tar" >/dev/null
}

@test "vfs: the image's files with whiteouts and opaque directories applied" {
	run --separate-stderr "$BURROW" run --storage-driver vfs vfs sh -c '
		cat /etc/top; ls /etc/motd 2>/dev/null || echo no-motd; ls /old 2>/dev/null || echo no-old; ls /data'
	assert_ok "$(printf 'from the top layer\nno-motd\nno-old\nnew')"
}

@test "vfs: owners, modes, setuid bits, symlinks and hardlinks of the layers are kept" {
	require_subid
	run --separate-stderr "$BURROW" run --storage-driver vfs vfs sh -c '
		stat -c "%u:%g %a" /opt/owned /opt/suid; [ "$(stat -c %i /opt/owned)" = "$(stat -c %i /opt/hard)" ] && echo linked
		readlink /opt/link; cat /opt/link'
	assert_ok "$(printf '1000:1001 640\n0:0 4755\nlinked\n../etc/top\nfrom the top layer')"
}

@test "vfs: the root is a copy in the container's directory, not an overlay; writes are private and gone after the run" {
	start_background --storage-driver vfs vfs sh -c 'echo x >/written; echo started; exec sleep 30'
	[ "$READY_LINE" = started ]
	ls "$BURROW_ROOT"/containers/*/rootfs/written
	! ls -d "$BURROW_ROOT"/containers/*/upper 2>/dev/null
	kill -TERM "$BG_PID"
	wait "$BG_PID" || true
	run --separate-stderr "$BURROW" run --storage-driver vfs vfs sh -c 'ls /written 2>/dev/null || echo clean'
	assert_ok clean
	[ -z "$(ls -A "$BURROW_ROOT/containers")" ] || { ls -la "$BURROW_ROOT/containers"; false; }
}

@test "vfs: nothing remains after the workload is killed with SIGKILL" {
	run --separate-stderr "$BURROW" run --storage-driver vfs vfs sh -c 'touch /opt/new; kill -KILL $$'
	assert_status 137
	[ -z "$(ls -A "$BURROW_ROOT/containers")" ] || { ls -la "$BURROW_ROOT/containers"; false; }
}

@test "auto without fuse-overlayfs probes the kernel's overlay and uses it when it works, with no notice" {
	# A PATH without fuse-overlayfs: auto must then decide before the container starts.
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	for c in newuidmap newgidmap; do ln -s "$(command -v $c)" "$BATS_TEST_TMPDIR/bin/$c"; done
	run --separate-stderr env PATH="$BATS_TEST_TMPDIR/bin" "$BURROW" run vfs cat /etc/top
	assert_ok "from the top layer"
	assert_stderr ""
	[ -z "$(ls -A "$BURROW_ROOT/tmp")" ] || { ls -la "$BURROW_ROOT/tmp"; false; }
}

@test "--storage-driver fuse-overlayfs without fuse-overlayfs fails before anything starts, naming the fix" {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	for c in newuidmap newgidmap; do ln -s "$(command -v $c)" "$BATS_TEST_TMPDIR/bin/$c"; done
	run --separate-stderr env PATH="$BATS_TEST_TMPDIR/bin" "$BURROW" run --storage-driver fuse-overlayfs vfs true
	assert_burrow_error
	assert_stderr "burrow: --storage-driver fuse-overlayfs: fuse-overlayfs is not installed (Debian: apt-get install fuse-overlayfs); run \`burrow doctor\`"
	[ -z "$(ls -A "$BURROW_ROOT/containers")" ] || { ls -la "$BURROW_ROOT/containers"; false; }
}

@test "burrow.conf: storage.driver = \"vfs\" makes vfs the default, and --storage-driver overrides it" {
	printf '[storage]\ndriver = "vfs"\n' >"$BATS_TEST_TMPDIR/burrow.conf"
	run --separate-stderr env BURROW_CONFIG="$BATS_TEST_TMPDIR/burrow.conf" "$BURROW" run vfs \
		awk '$2 == "/" {print $3}' /proc/mounts
	assert_status 0
	[ -n "$output" ] && [ "$output" != overlay ] || { _show; false; }
	run --separate-stderr env BURROW_CONFIG="$BATS_TEST_TMPDIR/burrow.conf" "$BURROW" run --storage-driver overlay vfs \
		awk '$2 == "/" {print $3}' /proc/mounts
	assert_ok overlay
}

@test "burrow.conf: a malformed file fails every command with one line naming the file and line" {
	printf '[storage]\ndriver = "zfs"\n' >"$BATS_TEST_TMPDIR/burrow.conf"
	run --separate-stderr env BURROW_CONFIG="$BATS_TEST_TMPDIR/burrow.conf" "$BURROW" run vfs true
	assert_burrow_error
	assert_stderr "burrow: $BATS_TEST_TMPDIR/burrow.conf:2: storage.driver: unknown value"
	run --separate-stderr env BURROW_CONFIG="$BATS_TEST_TMPDIR/missing.conf" "$BURROW" images
	assert_burrow_error
}

@test "burrow.conf: storage.root moves the store; \$BURROW_ROOT and --root win over it" {
	printf '[storage]\nroot = "%s"\n' "$BATS_TEST_TMPDIR/conf-store" >"$BATS_TEST_TMPDIR/burrow.conf"
	run --separate-stderr env -u BURROW_ROOT BURROW_CONFIG="$BATS_TEST_TMPDIR/burrow.conf" "$BURROW" images -q
	assert_ok ""
	[ -d "$BATS_TEST_TMPDIR/conf-store/blobs" ] || { ls -la "$BATS_TEST_TMPDIR"; false; }
	run --separate-stderr env BURROW_CONFIG="$BATS_TEST_TMPDIR/burrow.conf" "$BURROW" images -q
	assert_status 0
	[ -n "$output" ] || { _show; false; }
}
