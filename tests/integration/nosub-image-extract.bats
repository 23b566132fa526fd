#!/usr/bin/env bats
# Layer extraction for a user without subordinate ids (run as burrownosub by tests/run): the single-id mapping cannot
# give files to other owners, so they stay owned by the caller (root inside), with one notice, as podman's
# ignore_chown_errors.

load helpers

OCI_GZIP=application/vnd.oci.image.layer.v1.tar+gzip

setup_file() {
	export CORPUS="$BATS_FILE_TMPDIR/corpus" CANARY="$BATS_FILE_TMPDIR/canary"
	mkdir -p "$CORPUS" "$CANARY"
	python3 "$TESTS_DIR/images/hostile.py" "$CORPUS" "$CANARY"
}

@test "without subordinate ids other owners become the caller, with one notice" {
	require_nosubid
	local dest="$BATS_TEST_TMPDIR/l1"
	run --separate-stderr "$BURROW" __extract-layer "$CORPUS/good-1.tar.gz" "$OCI_GZIP" "$dest"
	assert_status 0
	[ "${#stderr_lines[@]}" -eq 1 ] && [[ "${stderr_lines[0]}" == "burrow: notice: "*subuid* ]] || { _show; false; }
	[ "$(stat -c %u:%g "$dest/home/user/file")" = "$(id -u):$(id -g)" ] || { ls -ln "$dest/home/user"; false; }
}

@test "without subordinate ids the vfs driver copies an image and runs it" {
	require_nosubid
	burrow_setup_file
	export BURROW_ROOT="$BATS_TEST_TMPDIR/store"
	python3 "$TESTS_DIR/images/mkimage.py" --owner 0:0 --tag localhost/nosub:latest \
		--docker-archive "$BATS_TEST_TMPDIR/nosub.tar" "$ROOTFS" >/dev/null
	"$BURROW" load -q -i "$BATS_TEST_TMPDIR/nosub.tar" >/dev/null
	run --separate-stderr "$BURROW" run --quiet --storage-driver vfs nosub sh -c 'echo x >/new; cat /new; id -u'
	assert_ok "$(printf 'x\n0')"
	[ -z "$(ls -A "$BURROW_ROOT/containers")" ] || { ls -la "$BURROW_ROOT/containers"; false; }
}
