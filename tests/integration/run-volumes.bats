#!/usr/bin/env bats
# -v/--volume SRC:DST[:OPTIONS]: bind mounts of host paths. DST is created (file or directory, like SRC) when
# missing, also inside the rootfs; SRC must exist; named (relative) volumes are refused.

load helpers

setup_file() { burrow_setup_file; }

setup() {
	SRC="$BATS_TEST_TMPDIR/src"
	mkdir -p "$SRC"
	echo "from the host" >"$SRC/file"
}

# First option of the mount at PATH, and whether OPTION is among its options.
has_option() { # PATH OPTION
	echo "awk -v p=$1 -v o=$2 '\$2 == p { r = (\",\" \$4 \",\" ~ \",\" o \",\") ? \"yes\" : \"no\" } END { print r }' /proc/self/mounts"
}

@test "-v binds a host directory" {
	burrow_run -v "$SRC:/data" cat /data/file
	assert_ok "from the host"
}

@test "--volume binds a host directory" {
	burrow_run --volume "$SRC:/data" cat /data/file
	assert_ok "from the host"
}

@test "--volume=SRC:DST spelling works" {
	burrow_run --volume="$SRC:/data" cat /data/file
	assert_ok "from the host"
}

@test "writes through a bind mount reach the host" {
	burrow_run -v "$SRC:/data" sh -c 'echo from the container > /data/new'
	assert_ok ""
	run cat "$SRC/new"
	[ "$output" = "from the container" ]
}

@test "a bind-mounted file is visible at DST" {
	burrow_run -v "$SRC/file:/etc/motd" cat /etc/motd
	assert_ok "from the host"
}

@test "a missing directory DST is created inside the rootfs" {
	[ ! -e "$ROOTFS/new/deep/dir" ]
	burrow_run -v "$SRC:/new/deep/dir" sh -c 'test -d /new/deep/dir && cat /new/deep/dir/file'
	assert_ok "from the host"
	[ -d "$ROOTFS/new/deep/dir" ]
	rm -rf "${ROOTFS:?}/new"
}

@test "a missing file DST is created as a file" {
	burrow_run -v "$SRC/file:/newfiledir/file.txt" sh -c 'test -f /newfiledir/file.txt && cat /newfiledir/file.txt'
	assert_ok "from the host"
	[ -f "$ROOTFS/newfiledir/file.txt" ]
	rm -rf "${ROOTFS:?}/newfiledir"
}

@test "DST on a tmpfs made by burrow (/tmp under --read-only) is created" {
	burrow_run --read-only -v "$SRC:/tmp/sub/data" cat /tmp/sub/data/file
	assert_ok "from the host"
}

@test ":ro makes the bind read-only" {
	burrow_run -v "$SRC:/data:ro" sh -c 'cat /data/file; touch /data/x'
	assert_status 1
	assert_output "from the host"
	assert_stderr_contains "Read-only file system"
	[ ! -e "$SRC/x" ]
}

@test ":rw makes the bind writable" {
	burrow_run -v "$SRC:/data:rw" touch /data/x
	assert_ok ""
	[ -e "$SRC/x" ]
}

@test ":ro on a file bind makes it read-only" {
	burrow_run -v "$SRC/file:/f:ro" sh -c 'echo x >> /f'
	assert_status 1
	assert_stderr_contains "Read-only file system"
	[ "$(cat "$SRC/file")" = "from the host" ]
}

@test ":nosuid,nodev,noexec are applied" {
	burrow_run -v "$SRC:/data:nosuid,nodev,noexec" sh -c "$(has_option /data nosuid); $(has_option /data nodev); $(has_option /data noexec)"
	assert_ok "$(printf 'yes\nyes\nyes')"
}

@test ":noexec forbids executing from the bind" {
	cp "$ROOTFS/bin/busybox" "$SRC/busybox"
	burrow_run -v "$SRC:/data:noexec" /data/busybox true
	assert_burrow_error 126
}

@test "without :noexec a bind allows executing" {
	cp "$ROOTFS/bin/busybox" "$SRC/busybox"
	burrow_run -v "$SRC:/data" /data/busybox echo executed
	assert_ok "executed"
}

@test ":z and :Z are accepted" {
	burrow_run -v "$SRC:/a:z" -v "$SRC:/b:Z" cat /a/file /b/file
	assert_ok "$(printf 'from the host\nfrom the host')"
}

@test ":bind, :rbind, :private, :rslave are accepted" {
	burrow_run -v "$SRC:/a:bind" -v "$SRC:/b:rbind" -v "$SRC:/c:private" -v "$SRC:/d:rslave" cat /a/file /b/file /c/file /d/file
	assert_ok "$(printf 'from the host\n%.0s' 1 2 3 4)"
}

@test "several options combine: ro,nosuid" {
	burrow_run -v "$SRC:/data:ro,nosuid" sh -c "$(has_option /data ro); $(has_option /data nosuid)"
	assert_ok "$(printf 'yes\nyes')"
}

@test "several volumes are all mounted" {
	mkdir "$BATS_TEST_TMPDIR/other"
	echo other >"$BATS_TEST_TMPDIR/other/file"
	burrow_run -v "$SRC:/one" -v "$BATS_TEST_TMPDIR/other:/two" cat /one/file /two/file
	assert_ok "$(printf 'from the host\nother')"
}

@test "a volume nested inside another volume is mounted on top" {
	mkdir "$BATS_TEST_TMPDIR/inner"
	echo inner >"$BATS_TEST_TMPDIR/inner/file"
	burrow_run -v "$SRC:/outer" -v "$BATS_TEST_TMPDIR/inner:/outer/inner" cat /outer/file /outer/inner/file
	assert_ok "$(printf 'from the host\ninner')"
	# The nested mount point was created in the host directory of the outer volume: acceptable, like docker.
}

@test "a volume source with a symlink in its path is followed on the host" {
	ln -s "$SRC" "$BATS_TEST_TMPDIR/link"
	burrow_run -v "$BATS_TEST_TMPDIR/link:/data" cat /data/file
	assert_ok "from the host"
}

@test "a missing volume source fails with 125 and creates nothing" {
	burrow_run -v "$BATS_TEST_TMPDIR/missing:/missing-dst" true
	assert_burrow_error
	[ ! -e "$BATS_TEST_TMPDIR/missing" ]
	[ ! -e "$ROOTFS/missing-dst" ]
}

@test "a named (relative) volume source fails with 125" {
	burrow_run -v "myvolume:/named-dst" true
	assert_burrow_error
	[ ! -e "$ROOTFS/named-dst" ]
}

@test "a relative volume destination fails with 125" {
	burrow_run -v "$SRC:relative-dst" true
	assert_burrow_error
	[ ! -e "$ROOTFS/relative-dst" ]
}

@test "a volume leaves no mount or process behind" {
	leak_snapshot
	burrow_run -v "$SRC:/leakcheck" cat /leakcheck/file
	assert_ok "from the host"
	leak_check ./leakcheck
}
