#!/usr/bin/env bats
# Standard streams without -t: stdout and stderr are the caller's own, passed straight through (separately
# redirectable); stdin is /dev/null unless -i keeps it open.

load helpers

setup_file() { burrow_setup_file; }

@test "-i: stdin reaches the workload" {
	run --separate-stderr sh -c 'echo x | "$BURROW" run -i --rootfs "$ROOTFS" cat'
	assert_ok "x"
}

@test "--interactive: stdin reaches the workload" {
	run --separate-stderr sh -c 'printf "a\nb\n" | "$BURROW" run --interactive --rootfs "$ROOTFS" cat'
	assert_ok "$(printf 'a\nb')"
}

@test "-i: end of stdin ends the workload's input" {
	run --separate-stderr sh -c 'printf "one\n" | "$BURROW" run -i --rootfs "$ROOTFS" sh -c "cat; echo after-eof"'
	assert_ok "$(printf 'one\nafter-eof')"
}

@test "without -i stdin is /dev/null: cat prints nothing and exits 0" {
	run --separate-stderr sh -c 'echo x | "$BURROW" run --rootfs "$ROOTFS" cat'
	assert_ok ""
}

@test "without -i the workload's stdin is a character device reading empty" {
	run --separate-stderr sh -c 'echo x | "$BURROW" run --rootfs "$ROOTFS" sh -c "test -c /proc/self/fd/0 && echo chardev; wc -c"'
	assert_ok "$(printf 'chardev\n0')"
}

@test "-i: binary data passes through stdin and stdout unchanged" {
	head -c 1048576 /dev/urandom >"$BATS_TEST_TMPDIR/in"
	run sh -c '"$BURROW" run -i --rootfs "$ROOTFS" cat <"$1" >"$2"' sh "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
	[ "$status" -eq 0 ]
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "stdout and stderr stay separate" {
	burrow_run sh -c 'echo to-stdout; echo to-stderr >&2'
	assert_status 0
	assert_output "to-stdout"
	assert_stderr "to-stderr"
}

@test "stdout can be redirected to a file, and the workload writes to that very file" {
	run sh -c '"$BURROW" run --rootfs "$ROOTFS" sh -c "stat -L -c %i /proc/self/fd/1" >"$1"' sh "$BATS_TEST_TMPDIR/stdout"
	[ "$status" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/stdout")" = "$(stat -c %i "$BATS_TEST_TMPDIR/stdout")" ] || {
		echo "inside saw inode $(cat "$BATS_TEST_TMPDIR/stdout"), file is $(stat -c %i "$BATS_TEST_TMPDIR/stdout")" >&2
		false
	}
}

@test "stderr can be redirected to a file, and the workload writes to that very file" {
	run sh -c '"$BURROW" run --rootfs "$ROOTFS" sh -c "stat -L -c %i /proc/self/fd/2 >&2" 2>"$1"' sh "$BATS_TEST_TMPDIR/stderr"
	[ "$status" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/stderr")" = "$(stat -c %i "$BATS_TEST_TMPDIR/stderr")" ]
}

@test "stdout opened for append keeps appending" {
	echo first >"$BATS_TEST_TMPDIR/log"
	run sh -c '"$BURROW" run --rootfs "$ROOTFS" echo second >>"$1"' sh "$BATS_TEST_TMPDIR/log"
	[ "$status" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/log")" = "$(printf 'first\nsecond')" ]
}

@test "a large output through a pipe arrives complete" {
	run sh -c '"$BURROW" run --rootfs "$ROOTFS" sh -c "head -c 5000000 /dev/zero" | wc -c'
	[ "$status" -eq 0 ]
	[ "$output" = 5000000 ]
}

@test "a closed stdout reader gives the workload SIGPIPE/EPIPE, not a hang" {
	run sh -c '"$BURROW" run --rootfs "$ROOTFS" yes | head -n 2'
	[ "$output" = "$(printf 'y\ny')" ]
}

@test "output written just before exit is not lost" {
	burrow_run sh -c 'printf "no newline at the end"'
	assert_ok "no newline at the end"
}

@test "host fds other than stdio do not reach the workload" {
	exec 4<"$BATS_TEST_TMPDIR" 5>"$BATS_TEST_TMPDIR/f5" 6<"$BATS_TEST_TMPDIR/f5" 7<>"$BATS_TEST_TMPDIR/f7" 8</dev/null 9>&1
	burrow_run ls /proc/self/fd
	exec 4<&- 5>&- 6<&- 7>&- 8<&- 9>&-
	# 3 is the directory fd of ls itself.
	assert_ok "$(printf '0\n1\n2\n3')"
}

@test "host fds do not reach the workload with -i either" {
	exec 4<"$BATS_TEST_TMPDIR" 5>"$BATS_TEST_TMPDIR/f5" 9>&1
	run --separate-stderr sh -c 'echo | "$BURROW" run -i --rootfs "$ROOTFS" ls /proc/self/fd'
	exec 4<&- 5>&- 9>&-
	assert_ok "$(printf '0\n1\n2\n3')"
}
