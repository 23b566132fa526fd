#!/usr/bin/env bats
# Without a subordinate id range (tests/run runs this file as the user burrownosub): a single mapping
# "0 <uid> 1", setgroups denied, one notice on stderr, and the command still runs.

load helpers

setup_file() { burrow_setup_file; }

@test "without a subordinate range uid_map is the single line 0 <uid> 1" {
	require_nosubid
	run --separate-stderr "$BURROW" run --rootfs "$ROOTFS" awk '{print $1, $2, $3}' /proc/self/uid_map
	assert_status 0
	assert_output "0 $(id -u) 1"
}

@test "without a subordinate range gid_map is the single line 0 <gid> 1" {
	require_nosubid
	run --separate-stderr "$BURROW" run --rootfs "$ROOTFS" awk '{print $1, $2, $3}' /proc/self/gid_map
	assert_status 0
	assert_output "0 $(id -g) 1"
}

@test "without a subordinate range setgroups is denied" {
	require_nosubid
	run --separate-stderr "$BURROW" run --rootfs "$ROOTFS" cat /proc/self/setgroups
	assert_status 0
	assert_output "deny"
}

@test "without a subordinate range exactly one notice mentioning subuid is printed" {
	require_nosubid
	run --separate-stderr "$BURROW" run --rootfs "$ROOTFS" echo still runs
	assert_status 0
	assert_output "still runs"
	if [ "${#stderr_lines[@]}" -ne 1 ] || [[ "${stderr_lines[0]}" != "burrow: notice: "* ]] ||
		[[ "${stderr_lines[0]}" != *subuid* ]]; then
		echo "expected one line 'burrow: notice: ...subuid...'" >&2
		_show
		false
	fi
}

@test "without a subordinate range the command's status still passes through" {
	require_nosubid
	run --separate-stderr "$BURROW" run --rootfs "$ROOTFS" sh -c 'exit 42'
	assert_status 42
}

@test "without a subordinate range the command runs as root inside" {
	require_nosubid
	run --separate-stderr "$BURROW" run --rootfs "$ROOTFS" id -u
	assert_status 0
	assert_output "0"
}

@test "without a subordinate range a file created in a bind mount belongs to the caller" {
	require_nosubid
	mkdir "$BATS_TEST_TMPDIR/vol"
	run --separate-stderr "$BURROW" run --rootfs "$ROOTFS" -v "$BATS_TEST_TMPDIR/vol:/vol" touch /vol/f
	assert_status 0
	run stat -c %u:%g "$BATS_TEST_TMPDIR/vol/f"
	[ "$output" = "$(id -u):$(id -g)" ] || { _show; false; }
}

@test "without a subordinate range -u 1000 fails with 125" {
	require_nosubid
	run --separate-stderr "$BURROW" run --rootfs "$ROOTFS" -u 1000 id -u
	assert_status 125
	[ "${#stderr_lines[@]}" -ge 1 ]
	[[ "${stderr_lines[-1]}" =~ $ERROR_LINE_REGEX ]] || { _show; false; }
}

@test "without a subordinate range --uidmap into the (absent) range fails with 125" {
	require_nosubid
	run --separate-stderr "$BURROW" run --rootfs "$ROOTFS" --uidmap 0:1:1 true
	assert_status 125
}

@test "without a subordinate range the run leaves nothing behind" {
	require_nosubid
	leak_snapshot
	run --separate-stderr "$BURROW" run --rootfs "$ROOTFS" true
	assert_status 0
	leak_check
}
