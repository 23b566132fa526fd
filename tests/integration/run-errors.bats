#!/usr/bin/env bats
# Bad input: every malformed option fails before anything is created — exit 125, nothing on stdout, exactly one
# line "burrow: <what>: <why>" on stderr, no file in the rootfs, no mount, no process left.

load helpers

setup_file() { burrow_setup_file; }

setup() {
	SRC="$BATS_TEST_TMPDIR/src"
	mkdir -p "$SRC"
	leak_snapshot
}

# burrow run with ARGS must fail with 125, one error line, and leave nothing behind.
expect_rejected() {
	run --separate-stderr "$BURROW" run "$@"
	assert_burrow_error 125
	leak_check
}

# Same, with --rootfs given first.
expect_rejected_r() {
	expect_rejected --rootfs "$ROOTFS" "$@"
}

@test "-v with an empty source is rejected" { expect_rejected_r -v ":/x" true; }
@test "-v with an empty destination is rejected" { expect_rejected_r -v "$SRC:" true; }
@test "-v with an empty option list is rejected" { expect_rejected_r -v "$SRC:/x:" true; }
@test "-v with an empty option between commas is rejected" { expect_rejected_r -v "$SRC:/x:ro,,nosuid" true; }
@test "-v with only colons is rejected" { expect_rejected_r -v "::" true; }
@test "-v with an empty argument is rejected" { expect_rejected_r -v "" true; }
@test "-v with an unknown option is rejected" { expect_rejected_r -v "$SRC:/x:bogus" true; }
@test "-v with ro,rw is rejected" { expect_rejected_r -v "$SRC:/x:ro,rw" true; }
@test "-v with too many fields is rejected" { expect_rejected_r -v "$SRC:/x:ro:extra" true; }
@test "-v with a relative destination is rejected" { expect_rejected_r -v "$SRC:x" true; }
@test "-v with a missing source is rejected" { expect_rejected_r -v "$BATS_TEST_TMPDIR/missing:/x" true; }
@test "-v with a named volume is rejected" { expect_rejected_r -v "named:/x" true; }
@test "-v with a relative source path is rejected" { expect_rejected_r -v "./src:/x" true; }
@test "-v with two propagation modes is rejected" { expect_rejected_r -v "$SRC:/x:private,rslave" true; }
@test "-v without an argument is rejected" { expect_rejected_r -v; }
@test "duplicate -v destinations are rejected" { expect_rejected_r -v "$SRC:/x" -v "$BATS_TEST_TMPDIR:/x" true; }
@test "duplicate destinations differing only by a trailing slash are rejected" {
	expect_rejected_r -v "$SRC:/x" -v "$BATS_TEST_TMPDIR:/x/" true
}
@test "a -v and a --tmpfs on the same destination are rejected" { expect_rejected_r -v "$SRC:/x" --tmpfs /x true; }
@test "duplicate --tmpfs destinations are rejected" { expect_rejected_r --tmpfs /x --tmpfs /x true; }
@test "--tmpfs with an empty destination is rejected" { expect_rejected_r --tmpfs "" true; }
@test "--tmpfs with a relative destination is rejected" { expect_rejected_r --tmpfs x true; }
@test "--tmpfs with an unknown option is rejected" { expect_rejected_r --tmpfs /x:bogus true; }

@test "-e =x is rejected" { expect_rejected_r -e =x true; }
@test "-e = is rejected" { expect_rejected_r -e = true; }
@test "-e with an empty argument is rejected" { expect_rejected_r -e "" true; }
@test "a missing --env-file is rejected" { expect_rejected_r --env-file "$BATS_TEST_TMPDIR/missing" true; }

@test "-u : is rejected" { expect_rejected_r -u : true; }
@test "-u a: is rejected" { expect_rejected_r -u a: true; }
@test "-u :0 is rejected" { expect_rejected_r -u :0 true; }
@test "-u 99999999999 is rejected" { expect_rejected_r -u 99999999999 true; }
@test "-u 4294967295 (the invalid id -1) is rejected" { expect_rejected_r -u 4294967295 true; }
@test "-u 1:2:3 is rejected" { expect_rejected_r -u 1:2:3 true; }
@test "-u with an empty argument is rejected" { expect_rejected_r -u "" true; }
@test "-u with an unknown user name is rejected" { expect_rejected_r -u nosuchuser true; }
@test "-u with an unknown group name is rejected" { expect_rejected_r -u root:nosuchgroup true; }

@test "--uidmap garbage is rejected" { expect_rejected_r --uidmap garbage true; }
@test "--uidmap with two fields is rejected" { expect_rejected_r --uidmap 0:1 true; }
@test "--uidmap with four fields is rejected" { expect_rejected_r --uidmap 0:1:1:1 true; }
@test "--uidmap with a zero count is rejected" { expect_rejected_r --uidmap 0:1:0 true; }
@test "--uidmap with a negative id is rejected" { expect_rejected_r --uidmap -1:1:1 true; }
@test "--uidmap with a non-number is rejected" { expect_rejected_r --uidmap 0:x:1 true; }
@test "--uidmap with trailing junk is rejected" { expect_rejected_r --uidmap 0:1:10x true; }
@test "--uidmap with an overflowing range is rejected" { expect_rejected_r --uidmap 4294967290:1:10 true; }
@test "--uidmap with overlapping container ranges is rejected" { expect_rejected_r --uidmap 0:1:10 --uidmap 5:100:10 true; }
@test "--uidmap with overlapping host ranges is rejected" { expect_rejected_r --uidmap 0:1:10 --uidmap 100:5:10 true; }
@test "--uidmap exceeding the subordinate range is rejected" {
	require_subid
	expect_rejected_r --uidmap "0:1:$((SUBUID_COUNT + 1))" true
}
@test "--gidmap garbage is rejected" { expect_rejected_r --gidmap 0:0 true; }
@test "--gidmap exceeding the subordinate range is rejected" {
	require_subid
	expect_rejected_r --gidmap "0:1:$((SUBGID_COUNT + 1))" true
}

@test "a missing rootfs is rejected" { expect_rejected --rootfs "$BATS_TEST_TMPDIR/no-rootfs" true; }
@test "a rootfs that is a file is rejected" {
	touch "$BATS_TEST_TMPDIR/file-rootfs"
	expect_rejected --rootfs "$BATS_TEST_TMPDIR/file-rootfs" true
}
@test "an empty --rootfs is rejected" { expect_rejected --rootfs "" true; }
@test "no --rootfs is rejected" { expect_rejected true; }
@test "--rootfs without a value is rejected" { expect_rejected --rootfs; }

@test "a relative -w is rejected" { expect_rejected_r -w relative true; }
@test "an empty -w is rejected" { expect_rejected_r -w "" true; }

@test "an unknown long option is rejected" { expect_rejected_r --bogus true; }
@test "an unknown short option is rejected" { expect_rejected_r -Z true; }
@test "an unknown option in a combined group is rejected" { expect_rejected_r -iZ true; }
@test "a missing command is rejected" { expect_rejected_r; }
@test "a missing command after -- is rejected" { expect_rejected_r --; }
@test "an option missing its value at the end is rejected" { expect_rejected_r -e; }

@test "--network with an unknown mode is rejected" { expect_rejected_r --network bogus true; }
@test "--userns with an unknown mode is rejected" { expect_rejected_r --userns bogus true; }
@test "--init with a non-boolean is rejected" { expect_rejected_r --init=maybe true; }
@test "--read-only with a non-boolean is rejected" { expect_rejected_r --read-only=maybe true; }
@test "--hostname with an empty name is rejected" { expect_rejected_r --hostname "" true; }
@test "--hostname longer than 64 characters is rejected" {
	expect_rejected_r --hostname "$(printf 'h%.0s' $(seq 65))" true
}
