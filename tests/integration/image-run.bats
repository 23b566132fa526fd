#!/usr/bin/env bats
# burrow run IMAGE: the image's layers under a writable layer (kernel overlay in the user namespace), its config
# applied as docker applies it (Env under -e, Entrypoint + Cmd, WorkingDir, User; --entrypoint), whiteouts really
# delete, the writable layer is the container's own and gone after the run, and rmi refuses an image in use.

load helpers

setup_file() {
	burrow_setup_file
	export BURROW_ROOT="$BATS_FILE_TMPDIR/store"
	local mk="$TESTS_DIR/images/mkimage.py" work="$BATS_FILE_TMPDIR/img"
	mkdir -p "$work/top/etc" "$work/top/data" "$work/top/gone-dir"
	# Layer 2 deletes /etc/motd and the whole /old directory of the busybox layer, and makes /data opaque.
	echo "from the top layer" >"$work/top/etc/top"
	touch "$work/top/etc/.wh.motd" "$work/top/.wh.old" "$work/top/data/.wh..wh..opq"
	echo new >"$work/top/data/new"
	mkdir -p "$ROOTFS/old" "$ROOTFS/data"
	echo motd >"$ROOTFS/etc/motd"
	echo old >"$ROOTFS/old/file"
	echo lower >"$ROOTFS/data/lower"
	python3 "$mk" --owner 0:0 --tag localhost/test:latest --cmd '["echo", "from-cmd"]' --env IMG=1 --env SHARED=image \
		--workdir /srv --docker-archive "$work/test.tar" "$ROOTFS" "$work/top" >/dev/null
	python3 "$mk" --owner 0:0 --tag localhost/ep:latest --entrypoint '["echo", "ep"]' --cmd '["default"]' \
		--user user --docker-archive "$work/ep.tar" "$ROOTFS" >/dev/null
	"$BURROW" load -q -i "$work/test.tar" >/dev/null
	"$BURROW" load -q -i "$work/ep.tar" >/dev/null
}

@test "an image's Cmd runs when no command is given" {
	run --separate-stderr "$BURROW" run test
	assert_ok "from-cmd"
}

@test "a command on the command line replaces the image's Cmd" {
	run --separate-stderr "$BURROW" run test cat /etc/top
	assert_ok "from the top layer"
}

@test "the image's Env is set and -e overrides it" {
	run --separate-stderr "$BURROW" run -e SHARED=cli test sh -c 'echo "$IMG $SHARED"'
	assert_ok "1 cli"
}

@test "the image's WorkingDir is the working directory, -w overrides it" {
	run --separate-stderr "$BURROW" run test pwd
	assert_ok "/srv"
	run --separate-stderr "$BURROW" run -w /tmp test pwd
	assert_ok "/tmp"
}

@test "Entrypoint + Cmd, Entrypoint + the command line, and the image's User" {
	run --separate-stderr "$BURROW" run ep
	assert_ok "ep default"
	run --separate-stderr "$BURROW" run ep given
	assert_ok "ep given"
	run --separate-stderr "$BURROW" run --entrypoint id ep -un
	assert_ok "user"
	run --separate-stderr "$BURROW" run -u root --entrypoint "" ep id -un
	assert_ok "root"
}

@test "whiteouts delete files and directories of lower layers; an opaque directory hides them" {
	run --separate-stderr "$BURROW" run test sh -c 'ls /etc/motd /old 2>&1; ls /data'
	[ "$status" -eq 0 ] || { _show; false; }
	[[ "$output" == *"/etc/motd: No such file"* ]] || { _show; false; }
	[[ "$output" == *"/old: No such file"* ]] || { _show; false; }
	[ "${lines[-1]}" = new ] || { _show; false; }
}

@test "the root is an overlay and writes go to the container's own layer, gone after the run" {
	run --separate-stderr "$BURROW" run test sh -c 'awk "\$2 == \"/\" {print \$3}" /proc/mounts; echo x >/etc/top; cat /etc/top'
	assert_ok "$(printf 'overlay\nx')"
	run --separate-stderr "$BURROW" run test cat /etc/top
	assert_ok "from the top layer"
	[ -z "$(ls -A "$BURROW_ROOT/containers")" ] || { ls -la "$BURROW_ROOT/containers"; false; }
}

@test "files keep their image owners: a file owned by 1000 in the container is a subordinate id on disk" {
	require_subid
	run --separate-stderr "$BURROW" run test sh -c 'stat -c "%u:%g" /home/user; touch /tmp/f; chown 1000:1000 /tmp/f; stat -c "%u" /tmp/f'
	assert_ok "$(printf '0:0\n1000')"
}

@test "rmi refuses an image a running container uses, and removes it afterwards" {
	python3 "$TESTS_DIR/images/mkimage.py" --owner 0:0 --tag localhost/solo:latest \
		--docker-archive "$BATS_TEST_TMPDIR/solo.tar" "$ROOTFS" >/dev/null
	"$BURROW" load -q -i "$BATS_TEST_TMPDIR/solo.tar" >/dev/null
	start_background solo sh -c 'echo started; exec sleep 30'
	run --separate-stderr "$BURROW" rmi solo
	assert_burrow_error
	assert_stderr "burrow: image solo: in use by a container (remove the container first: burrow rm)"
	kill -TERM "$BG_PID"
	wait "$BG_PID" || true
	run --separate-stderr "$BURROW" rmi solo
	assert_status 0
	[[ "$output" == *Deleted:* ]] || { _show; false; }
}

@test "a burrow killed with SIGKILL leaves a container directory that the next run collects" {
	start_background test sh -c 'echo started; exec sleep 30'
	kill -KILL "$BG_PID"
	wait "$BG_PID" 2>/dev/null || true
	# The container dies with burrow (PDEATHSIG), a moment later; its directory stays until a later run collects it.
	for _ in $(seq 50); do
		pgrep -f 'exec sleep 30|^sleep 30' >/dev/null || break
		sleep 0.1
	done
	[ -n "$(ls -A "$BURROW_ROOT/containers")" ] || { echo "expected a leftover container directory"; false; }
	run --separate-stderr "$BURROW" run test true
	assert_ok ""
	assert_stderr ""
	[ -z "$(ls -A "$BURROW_ROOT/containers")" ] || { ls -la "$BURROW_ROOT/containers"; false; }
}

@test "an unknown image fails with one line and 125" {
	run --separate-stderr "$BURROW" run no-such-image true
	assert_burrow_error "image not known"
}

@test "--entrypoint with --rootfs is refused" {
	burrow_run --entrypoint /bin/sh true
	assert_burrow_error "only for images"
}

# --storage-driver fuse-overlayfs: the daemon runs outside the container's pid namespace, in a mount namespace of its
# own, and is gone with the container.
@test "fuse-overlayfs: the root is a fuse-overlayfs mount with the image's files, whiteouts applied, writes private" {
	require_cmd fuse-overlayfs
	run --separate-stderr "$BURROW" run --storage-driver fuse-overlayfs test sh -c '
		awk "\$2 == \"/\" {print \$3}" /proc/mounts; cat /etc/top; ls /etc/motd 2>/dev/null || echo no-motd; ls /data
		echo x >/etc/top; cat /etc/top'
	assert_ok "$(printf 'fuse.fuse-overlayfs\nfrom the top layer\nno-motd\nnew\nx')"
	run --separate-stderr "$BURROW" run --storage-driver fuse-overlayfs test cat /etc/top
	assert_ok "from the top layer"
}

@test "fuse-overlayfs: the daemon is not visible inside the container" {
	require_cmd fuse-overlayfs
	run --separate-stderr "$BURROW" run --storage-driver fuse-overlayfs test sh -c 'cat /proc/[0-9]*/comm'
	assert_status 0
	[[ "$output" != *fuse-overlayfs* ]] || { _show; false; }
}

@test "fuse-overlayfs: no daemon and no container directory remain after the workload is killed with SIGKILL" {
	require_cmd fuse-overlayfs
	run --separate-stderr "$BURROW" run --storage-driver fuse-overlayfs test sh -c 'kill -KILL $$'
	assert_status 137
	! pgrep -u "$(id -u)" -f "fuse-overlayfs .*$BURROW_ROOT" || { pgrep -a -f fuse-overlayfs; false; }
	[ -z "$(ls -A "$BURROW_ROOT/containers")" ] || { ls -la "$BURROW_ROOT/containers"; false; }
	grep -q fuse-overlayfs /proc/self/mountinfo && { grep fuse /proc/self/mountinfo; false; } || true
}

@test "--storage-driver with an unknown name fails with one line" {
	run --separate-stderr "$BURROW" run --storage-driver btrfs test true
	assert_burrow_error
	[[ "$stderr" == *"expected auto, overlay, fuse-overlayfs or vfs"* ]] || { _show; false; }
}
