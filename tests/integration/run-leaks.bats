#!/usr/bin/env bats
# Nothing leaks: after every way a run can end — normal exit, workload killed, burrow sent SIGTERM or SIGINT, setup
# failing half-way — no process of the caller (or its subordinate ids) remains, no mount appears in the caller's
# mount namespace and no file appears in the rootfs; no host fd besides stdio reaches the workload.

load helpers

setup_file() { burrow_setup_file; }

@test "a normal exit leaves nothing behind" {
	leak_snapshot
	burrow_run echo done
	assert_ok "done"
	leak_check
}

@test "a failing workload leaves nothing behind" {
	leak_snapshot
	burrow_run sh -c 'exit 3'
	assert_status 3
	leak_check
}

@test "a workload killed by a signal leaves nothing behind" {
	leak_snapshot
	burrow_run sh -c 'kill -9 $$'
	assert_status 137
	leak_check
}

@test "background processes of the workload are gone when it exits" {
	leak_snapshot
	burrow_run sh -c 'sleep 31337 & sleep 31338 & echo started'
	assert_ok "started"
	leak_check
}

@test "a daemonised process (setsid, double fork) is gone when the workload exits" {
	leak_snapshot
	burrow_run sh -c 'setsid sh -c "sleep 31339 &" ; echo started'
	assert_ok "started"
	leak_check
}

@test "burrow sent SIGTERM leaves nothing behind" {
	leak_snapshot
	burrow_start_background sh -c 'echo ready; exec sleep 31337'
	[ "$READY_LINE" = ready ]
	kill -TERM "$BG_PID"
	burrow_wait_background
	assert_status 143
	leak_check
}

@test "burrow sent SIGINT leaves nothing behind" {
	leak_snapshot
	burrow_start_background sh -c 'echo ready; exec sleep 31337'
	[ "$READY_LINE" = ready ]
	kill -INT "$BG_PID"
	burrow_wait_background
	assert_status 130
	leak_check
}

@test "a SIGTERM the workload ignores does not end the run, and nothing is left once it exits" {
	# The workload ignores SIGTERM; burrow forwards it and keeps waiting. Then the workload is told to exit via
	# SIGUSR1. Nothing may remain.
	leak_snapshot
	burrow_start_background sh -c 'trap "" TERM; trap "exit 4" USR1; echo ready; while :; do sleep 1000 & wait; done'
	[ "$READY_LINE" = ready ]
	kill -TERM "$BG_PID"
	kill -USR1 "$BG_PID"
	burrow_wait_background
	assert_status 4
	leak_check
}

@test "burrow sent SIGTERM with --init=false leaves nothing behind" {
	leak_snapshot
	burrow_start_background --init=false sh -c 'trap "exit 6" TERM; echo ready; while :; do sleep 1000 & wait; done'
	[ "$READY_LINE" = ready ]
	kill -TERM "$BG_PID"
	burrow_wait_background
	assert_status 6
	leak_check
}

@test "with volumes and tmpfs mounts, SIGTERM leaves no mount behind" {
	mkdir -p "$BATS_TEST_TMPDIR/vol"
	leak_snapshot
	burrow_start_background -v "$BATS_TEST_TMPDIR/vol:/vol" --tmpfs /leak-tmpfs sh -c 'echo ready; exec sleep 31337'
	[ "$READY_LINE" = ready ]
	kill -TERM "$BG_PID"
	burrow_wait_background
	assert_status 143
	leak_check ./vol ./leak-tmpfs
}

@test "a setup failure half-way (volume destination under a file) leaves nothing behind" {
	mkdir -p "$BATS_TEST_TMPDIR/vol"
	leak_snapshot
	burrow_run -v "$BATS_TEST_TMPDIR/vol:/etc/passwd/sub" true
	assert_burrow_error
	leak_check
}

@test "a setup failure half-way (a later mount fails after earlier ones succeeded) leaves nothing behind" {
	mkdir -p "$BATS_TEST_TMPDIR/vol"
	leak_snapshot
	burrow_run -v "$BATS_TEST_TMPDIR/vol:/first-vol" --tmpfs /second-tmpfs -v "$BATS_TEST_TMPDIR/vol:/etc/passwd/x" true
	assert_burrow_error
	leak_check ./first-vol ./second-tmpfs
}

@test "a setup failure half-way (working directory under a file) leaves nothing behind" {
	leak_snapshot
	burrow_run -w /etc/passwd/dir true
	assert_burrow_error
	leak_check
}

@test "a volume source that is a dangling symlink fails with 125 and leaves nothing behind" {
	ln -s "$BATS_TEST_TMPDIR/vanished" "$BATS_TEST_TMPDIR/dangling"
	leak_snapshot
	burrow_run -v "$BATS_TEST_TMPDIR/dangling:/dangling-dst" true
	assert_burrow_error
	leak_check
}

@test "an exec failure leaves nothing behind" {
	leak_snapshot
	burrow_run /no/such/command
	assert_burrow_error 127
	leak_check
}

@test "no stray host fds: only 0, 1, 2 and ls's own directory fd are open in the workload" {
	exec 4<"$BATS_TEST_TMPDIR" 5>"$BATS_TEST_TMPDIR/f5" 6<"$BATS_TEST_TMPDIR/f5" 7<>"$BATS_TEST_TMPDIR/f7" 8</dev/null 9>&1
	burrow_run ls /proc/self/fd
	exec 4<&- 5>&- 6<&- 7>&- 8<&- 9>&-
	assert_ok "$(printf '0\n1\n2\n3')"
}

@test "no stray host fds with --init=false" {
	exec 4<"$BATS_TEST_TMPDIR" 5>"$BATS_TEST_TMPDIR/f5" 9>&1
	burrow_run --init=false ls /proc/self/fd
	exec 4<&- 5>&- 9>&-
	assert_ok "$(printf '0\n1\n2\n3')"
}

@test "no stray host fds with -u" {
	require_subid
	exec 4<"$BATS_TEST_TMPDIR" 9>&1
	burrow_run -u user ls /proc/self/fd
	exec 4<&- 9>&-
	assert_ok "$(printf '0\n1\n2\n3')"
}

@test "many runs in a row leave nothing behind" {
	leak_snapshot
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		burrow_run true
		assert_ok ""
	done
	leak_check
}
