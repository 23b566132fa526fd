#!/usr/bin/env bats
# Layer extraction (burrow __extract-layer, the internal entry point of what `burrow load` does per layer): inside a
# user namespace with the caller's subordinate ids, with owners, modes, links, xattrs and whiteouts kept, and every
# hostile tarball of tests/images/hostile.py rejected with one error line naming the member and nothing left behind.

load helpers

OCI_TAR=application/vnd.oci.image.layer.v1.tar
OCI_GZIP=application/vnd.oci.image.layer.v1.tar+gzip

setup_file() {
	if [ ! -x "$BURROW" ]; then
		echo "burrow binary not found at $BURROW (build it, or set BURROW)" >&2
		return 1
	fi
	export CORPUS="$BATS_FILE_TMPDIR/corpus" CANARY="$BATS_FILE_TMPDIR/canary"
	mkdir -p "$CORPUS" "$CANARY"
	python3 "$TESTS_DIR/images/hostile.py" "$CORPUS" "$CANARY"
}

setup() {
	WORK="$BATS_TEST_TMPDIR/work"
	mkdir -p "$WORK"
}

# Extracted files belong to subordinate ids: only a namespace with the same mapping may remove them.
teardown() {
	if [ -n "$SUBUID_START" ]; then
		unshare --map-auto --map-root-user rm -rf "$WORK" 2>/dev/null || true
	fi
	rm -rf "$WORK" 2>/dev/null || true
}

extract() { # BLOB MEDIA_TYPE DEST
	run --separate-stderr "$BURROW" __extract-layer "$@"
}

# A hostile layer: exit 125, one error line naming the member, no destination, nothing in the canary directory the
# archive aims at, and nothing else in the work directory either.
assert_rejected() { # TARBALL MEDIA_TYPE MEMBER
	extract "$CORPUS/$1" "$2" "$WORK/dest"
	assert_burrow_error
	if [ -n "$3" ]; then
		assert_stderr_contains "\"$3\""
	fi
	if [ -e "$WORK/dest" ] || [ -n "$(ls -A "$WORK")" ] || [ -n "$(ls -A "$CANARY")" ]; then
		echo "something was left behind" >&2
		ls -laR "$WORK" "$CANARY" >&2
		return 1
	fi
}

owner() { stat -c %u:%g "$1"; }

@test "a good layer is extracted and its diff_id is the sha256 of the uncompressed tar" {
	extract "$CORPUS/good-1.tar.gz" "$OCI_GZIP" "$WORK/l1"
	assert_status 0
	[ -z "$SUBUID_START" ] || assert_stderr ""
	assert_output "sha256:$(gzip -dc "$CORPUS/good-1.tar.gz" | sha256sum | cut -d' ' -f1)"
	[ "$(cat "$WORK/l1/bin/tool")" = $'#!/bin/sh\necho tool' ]
}

@test "an uncompressed layer is extracted with the same diff_id as its gzip form" {
	gzip -dc "$CORPUS/good-1.tar.gz" >"$WORK/plain.tar"
	extract "$WORK/plain.tar" "$OCI_TAR" "$WORK/l1"
	assert_status 0
	assert_output "sha256:$(sha256sum <"$WORK/plain.tar" | cut -d' ' -f1)"
}

@test "a zstd layer is extracted" {
	require_cmd zstd
	gzip -dc "$CORPUS/good-1.tar.gz" | zstd -q -c >"$WORK/layer.tar.zst"
	extract "$WORK/layer.tar.zst" "$OCI_TAR+zstd" "$WORK/l1"
	assert_status 0
	assert_output "sha256:$(gzip -dc "$CORPUS/good-1.tar.gz" | sha256sum | cut -d' ' -f1)"
}

@test "files owned by uid N in the layer are owned by subordinate id base+N-1 on disk" {
	require_subid
	extract "$CORPUS/good-1.tar.gz" "$OCI_GZIP" "$WORK/l1"
	assert_status 0
	[ "$(owner "$WORK/l1/bin/tool")" = "$(id -u):$(id -g)" ]
	[ "$(owner "$WORK/l1/home/user")" = "$((SUBUID_START + 999)):$((SUBGID_START + 999))" ]
	[ "$(stat -c %u:%g "$WORK/l1/var/www")" = "$((SUBUID_START + 32)):$((SUBGID_START + 32))" ]
	[ "$(stat -c %g "$WORK/l1/bin/sgid")" = "$((SUBGID_START + 999))" ]
}

@test "modes with setuid and setgid, mtimes, symlinks, hardlinks, fifos and user xattrs are kept" {
	extract "$CORPUS/good-1.tar.gz" "$OCI_GZIP" "$WORK/l1"
	assert_status 0
	[ "$(stat -c %a "$WORK/l1/bin/suid")" = 4755 ]
	[ "$(stat -c %a "$WORK/l1/bin/sgid")" = 2755 ]
	[ "$(stat -c %a "$WORK/l1/home/user")" = 700 ]
	[ "$(stat -c %Y "$WORK/l1/bin/tool")" = 1600000000 ]
	[ "$(stat -c %Y "$WORK/l1/bin")" = 1600000000 ]
	[ "$(readlink "$WORK/l1/bin/alias")" = tool ]
	[ "$(stat -c %i "$WORK/l1/bin/hard")" = "$(stat -c %i "$WORK/l1/bin/tool")" ]
	[ -p "$WORK/l1/fifo" ]
	run python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "user.burrow").decode(), os.listxattr(sys.argv[1]))' "$WORK/l1/attr"
	[ "$output" = "kept ['user.burrow']" ]
}

@test "whiteouts become 0:0 character devices and an opaque directory gets user.overlay.opaque" {
	extract "$CORPUS/good-2.tar.gz" "$OCI_GZIP" "$WORK/l2"
	assert_status 0
	[ "$(stat -c '%F %t:%T' "$WORK/l2/gone")" = "character special file 0:0" ]
	[ "$(stat -c '%F %t:%T' "$WORK/l2/gonedir")" = "character special file 0:0" ]
	[ ! -e "$WORK/l2/opq/.wh..wh..opq" ] && [ ! -e "$WORK/l2/.wh.gone" ]
	run python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "user.overlay.opaque").decode())' "$WORK/l2/opq"
	[ "$output" = y ]
}

@test "deleted files are gone and opaque directories hide the lower layer through fuse-overlayfs and overlay" {
	require_subid
	require_cmd fuse-overlayfs
	extract "$CORPUS/good-1.tar.gz" "$OCI_GZIP" "$WORK/l1"
	assert_status 0
	extract "$CORPUS/good-2.tar.gz" "$OCI_GZIP" "$WORK/l2"
	assert_status 0
	mkdir "$WORK/mnt"
	local list='ls "$0"; echo --; ls "$0/opq"; echo --; cat "$0/bin/added"; umount "$0"'
	local want=$'attr\nbin\nfifo\nhome\nopq\nvar\n--\nnew\n--\nlayer 2'
	run unshare --map-auto --map-root-user --mount sh -c \
		"fuse-overlayfs -o lowerdir=$WORK/l2:$WORK/l1 $WORK/mnt 2>/dev/null || exit 77; $list" "$WORK/mnt"
	[ "$status" -eq 77 ] && skip "fuse-overlayfs cannot mount here"
	assert_status 0
	assert_output "$want"
	run unshare --map-auto --map-root-user --mount sh -c \
		"mount -t overlay overlay -o lowerdir=$WORK/l2:$WORK/l1,userxattr $WORK/mnt 2>/dev/null || exit 77; $list" "$WORK/mnt"
	[ "$status" -eq 77 ] && skip "the kernel's overlay cannot be mounted in a user namespace here"
	assert_status 0
	assert_output "$want"
}

@test "device nodes are skipped with one notice and the rest is extracted" {
	extract "$CORPUS/devices.tar" "$OCI_TAR" "$WORK/dest"
	assert_status 0
	[ "${#stderr_lines[@]}" -eq 1 ] && [[ "${stderr_lines[0]}" == "burrow: notice: skipped 2 device node"* ]]
	[ ! -e "$WORK/dest/dev/null" ] && [ ! -e "$WORK/dest/dev/sda" ]
	[ "$(cat "$WORK/dest/ok")" = ok ]
}

@test "of duplicate entries the last one wins" {
	extract "$CORPUS/duplicates.tar" "$OCI_TAR" "$WORK/dest"
	assert_status 0
	[ "$(cat "$WORK/dest/f")" = second ] && [ "$(stat -c %a "$WORK/dest/f")" = 600 ]
	[ -d "$WORK/dest/d" ] && [ "$(cat "$WORK/dest/d/inside")" = in ]
	[ -f "$WORK/dest/e" ] && [ "$(cat "$WORK/dest/e")" = "a file last" ]
}

@test "an extracted layer owned by subordinate ids can be removed again" {
	extract "$CORPUS/good-1.tar.gz" "$OCI_GZIP" "$WORK/l1"
	assert_status 0
	chmod 000 "$WORK/l1/bin" 2>/dev/null || true
	run --separate-stderr "$BURROW" __extract-layer --remove "$WORK/l1"
	assert_ok ""
	[ ! -e "$WORK/l1" ]
}

@test "the destination must not exist" {
	mkdir "$WORK/dest"
	extract "$CORPUS/good-1.tar.gz" "$OCI_GZIP" "$WORK/dest"
	assert_burrow_error
	[ -z "$(ls -A "$WORK/dest")" ]
}

@test "an unknown media type is rejected" {
	extract "$CORPUS/good-1.tar.gz" application/x-foo "$WORK/dest"
	assert_burrow_error
	[ ! -e "$WORK/dest" ]
}

@test "a member with a .. component is rejected" {
	assert_rejected traversal.tar "$OCI_TAR" ../x
}

@test "a member that climbs out through a directory and .. is rejected" {
	assert_rejected traversal-deep.tar "$OCI_TAR" a/../../x
}

@test "a member with an absolute path is rejected" {
	assert_rejected absolute.tar "$OCI_TAR" /etc/x
	assert_rejected absolute-canary.tar "$OCI_TAR" "$CANARY/x"
}

@test "a member below a symlink to / is rejected" {
	assert_rejected symlink-escape.tar "$OCI_TAR" "link$CANARY/x"
}

@test "a member below a symlink to an outside directory is rejected" {
	assert_rejected symlink-escape-canary.tar "$OCI_TAR" link/x
}

@test "a member below a relative symlink that climbs out of the layer is rejected" {
	assert_rejected symlink-escape-relative.tar "$OCI_TAR" "d/up$CANARY/x"
}

@test "a hardlink to /etc/passwd is rejected" {
	assert_rejected hardlink-absolute.tar "$OCI_TAR" passwd
}

@test "a hardlink to ../../x is rejected" {
	assert_rejected hardlink-dotdot.tar "$OCI_TAR" x
}

@test "a hardlink through a symlink to /etc is rejected" {
	assert_rejected hardlink-via-symlink.tar "$OCI_TAR" passwd
}

@test "a hardlink to a member that comes later is rejected" {
	assert_rejected hardlink-forward.tar "$OCI_TAR" x
}

@test "a member declaring a size over 64 GiB is rejected" {
	assert_rejected huge.tar "$OCI_TAR" huge
}

@test "a member name longer than 4096 bytes is rejected" {
	assert_rejected long-name.tar "$OCI_TAR" ""
	assert_stderr_contains "longer than 4096"
}

@test "a whiteout with no name is rejected" {
	assert_rejected whiteout-invalid.tar "$OCI_TAR" .wh.
}

@test "a truncated gzip layer is rejected and nothing is left" {
	assert_rejected truncated.tar.gz "$OCI_GZIP" ""
}

@test "a corrupt gzip layer is rejected and nothing is left" {
	assert_rejected corrupt.tar.gz "$OCI_GZIP" ""
}

@test "a gzip stream that is not a tar is rejected" {
	assert_rejected not-a-tar.gz "$OCI_GZIP" ""
}
