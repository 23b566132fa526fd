#!/usr/bin/env bats
# burrow start [-a]: runs an exited container again, in the background, with the same id, name, command and options,
# on the writable layer it kept; -a prints this run's output and exits with its status. Starting a running container
# does nothing; a --rm container cannot start again.

load helpers

setup_file() {
	burrow_setup_file
	python3 "$TESTS_DIR/images/mkarchive.py" --format docker-archive --out "$BATS_FILE_TMPDIR/img.tar" \
		--name localhost/starttest:latest --layer "$ROOTFS" >/dev/null
}
setup() {
	ctr_setup
	"$BURROW" load -q -i "$BATS_FILE_TMPDIR/img.tar" >/dev/null
}
teardown() { ctr_teardown; }

# An image container that counts its runs in /runs, a file of its writable layer.
COUNTER='echo run >>/runs; echo "runs: $(wc -l </runs)"'

@test "start runs an exited image container again on its kept writable layer" {
	CID=$("$BURROW" run -d --name counter --network none starttest sh -c "$COUNTER" 3>&-)
	run --separate-stderr "$BURROW" wait counter
	assert_ok "0"
	run --separate-stderr "$BURROW" start counter
	assert_ok "counter"
	run --separate-stderr "$BURROW" wait counter
	assert_ok "0"
	run --separate-stderr "$BURROW" logs counter
	assert_ok "$(printf 'runs: 1\nruns: 2')"
	run --separate-stderr "$BURROW" inspect --format '{{.Id}} {{.Name}} {{.State.Status}}' counter
	assert_ok "$CID counter exited"
}

@test "start keeps the container's options: environment, labels, user, working directory, mounts" {
	mkdir -m 0777 "$BATS_TEST_TMPDIR/vol"
	ctr_run_d --name opts -e SEEN=yes -l app=web -u 1000:1000 -w /home/user -v "$BATS_TEST_TMPDIR/vol:/vol" \
		sh -c 'echo "$SEEN $(id -u) $(pwd)" >>/vol/out'
	"$BURROW" wait opts >/dev/null
	"$BURROW" start opts >/dev/null
	"$BURROW" wait opts >/dev/null
	[ "$(cat "$BATS_TEST_TMPDIR/vol/out")" = "$(printf 'yes 1000 /home/user\nyes 1000 /home/user')" ] ||
		{ cat "$BATS_TEST_TMPDIR/vol/out"; false; }
	run --separate-stderr "$BURROW" inspect --format '{{json .Config.Labels}}' opts
	assert_ok '{"app":"web"}'
}

@test "start sets a new StartedAt and a new pid; the container runs until stopped" {
	ctr_run_d --name again sh -c 'trap "exit 0" TERM; while :; do sleep 1 & wait; done'
	local first
	first=$("$BURROW" inspect --format '{{.State.StartedAt}} {{.State.Pid}}' again)
	"$BURROW" stop again >/dev/null
	run --separate-stderr "$BURROW" start again
	assert_ok "again"
	run --separate-stderr "$BURROW" inspect --format '{{.State.Status}} {{.State.StartedAt}} {{.State.Pid}}' again
	assert_status 0
	[[ "$output" == "running "* ]] || { _show; false; }
	[ "${output#running }" != "$first" ] || { _show; false; }
	[ "${output#running }" \> "$first" ] || { _show; false; }
}

@test "start -a prints this run's output, stdout and stderr apart, and exits with its status" {
	ctr_run_d --name attached sh -c 'echo out; echo err >&2; exit 4'
	run --separate-stderr "$BURROW" wait attached
	assert_ok "4"
	run --separate-stderr timeout 20 "$BURROW" start -a attached
	assert_status 4
	assert_output "out"
	assert_stderr "err"
}

@test "start -a of a container that runs for a while follows its output until it exits" {
	ctr_run_d --name slow sh -c 'echo first; sleep 1; echo second; exit 0'
	"$BURROW" wait slow >/dev/null
	sleep 1.1
	run --separate-stderr timeout 20 "$BURROW" start --attach slow
	assert_ok "$(printf 'first\nsecond')"
}

@test "start of a running container does nothing and succeeds" {
	ctr_run_d --name up sleep 60
	local pid
	pid=$(ctr_state "$CID" Pid)
	run --separate-stderr "$BURROW" start up
	assert_ok "up"
	[ "$(ctr_state "$CID" Pid)" = "$pid" ]
	kill -0 "$pid"
}

@test "start of several containers starts each; an unknown one is an error line and 125" {
	ctr_run_d --name a true
	ctr_run_d --name b true
	"$BURROW" wait a b >/dev/null
	run --separate-stderr "$BURROW" start a nosuch b
	assert_status 125
	assert_output "$(printf 'a\nb')"
	[ "${#stderr_lines[@]}" -eq 1 ] || { _show; false; }
	run --separate-stderr "$BURROW" wait a b
	assert_ok "$(printf '0\n0')"
}

@test "a --rm container cannot start again: one line and 125" {
	ctr_run_d --rm --name once sleep 60
	local sup
	sup=$(ctr_state "$CID" SupervisorPid)
	# The supervisor is gone before it could remove the container: the record stays, marked --rm.
	kill -KILL "$sup"
	ctr_wait_for once '{{.State.Status}}' exited
	run --separate-stderr "$BURROW" start once
	assert_ctr_error
	assert_stderr_contains "--rm"
}

@test "start -a takes one container; start of none fails; both with one line and 125" {
	ctr_run_d --name a true
	ctr_run_d --name b true
	"$BURROW" wait a b >/dev/null
	run --separate-stderr "$BURROW" start -a a b
	assert_ctr_error
	run --separate-stderr "$BURROW" start
	assert_ctr_error
}
