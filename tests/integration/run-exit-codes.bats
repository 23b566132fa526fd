#!/usr/bin/env bats
# Exit status of burrow run follows docker/podman: the workload's status, 128+N when it is killed by signal N,
# 125 for burrow's own failures, 126 when the command cannot be executed, 127 when it is not found.

load helpers

setup_file() { burrow_setup_file; }

@test "a command that succeeds exits 0" {
	burrow_run true
	assert_ok ""
}

@test "a command that fails exits 1" {
	burrow_run false
	assert_status 1
	assert_output ""
	assert_stderr ""
}

@test "a command's exit status 42 is burrow's exit status" {
	burrow_run sh -c 'exit 42'
	assert_status 42
	assert_output ""
	assert_stderr ""
}

@test "exit status 255 passes through" {
	burrow_run sh -c 'exit 255'
	assert_status 255
	assert_stderr ""
}

@test "a command killed by SIGKILL exits 137" {
	burrow_run sh -c 'kill -9 $$'
	assert_status 137
	assert_output ""
	assert_stderr ""
}

@test "a command killed by SIGTERM exits 143" {
	burrow_run sh -c 'kill -TERM $$'
	assert_status 143
	assert_output ""
	assert_stderr ""
}

@test "a command killed by SIGSEGV exits 139" {
	burrow_run sh -c 'kill -SEGV $$'
	assert_status 139
	assert_output ""
}

@test "a command killed by a signal with --init=false exits 128+N" {
	burrow_run --init=false sh -c 'sh -c "kill -9 \$\$"; exit $?'
	assert_status 137
	assert_output ""
}

@test "a command not found on PATH exits 127" {
	burrow_run no-such-command
	assert_burrow_error 127
}

@test "a command given by a path that does not exist exits 127" {
	burrow_run /no/such/file
	assert_burrow_error 127
}

@test "a file that is not executable exits 126" {
	burrow_run /etc/passwd
	assert_burrow_error 126
}

@test "a directory as command exits 126" {
	burrow_run /etc
	assert_burrow_error 126
}

@test "a command not found with --init=false exits 127" {
	burrow_run --init=false no-such-command
	assert_burrow_error 127
}

@test "a non-executable file with --init=false exits 126" {
	burrow_run --init=false /etc/passwd
	assert_burrow_error 126
}

@test "burrow's own failure exits 125" {
	run --separate-stderr "$BURROW" run --rootfs "$BATS_TEST_TMPDIR/no-such-rootfs" true
	assert_burrow_error 125
}
