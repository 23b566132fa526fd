#!/usr/bin/env bats
# burrow-oci create / start / state / kill / delete / run / list / ps: the runtime-spec lifecycle. create leaves the
# process waiting before the user's program; start lets it run; state reports creating|created|running|stopped; kill
# signals it; delete removes what create made. Each test has a --root of its own.

load helpers

setup_file() { burrow_setup_file; }
setup() { oci_setup; }
teardown() { oci_teardown; }

# A process that prints "ready" once it runs, then waits for signals, reporting the ones it traps.
waiter() {
	oci_args sh -c 'trap "echo got-usr1" USR1; trap "echo got-term; exit 0" TERM; echo ready; while :; do sleep 1 & wait; done'
}

# wait_output ID TEXT: wait (10 s) until the container's stdout ($BATS_TEST_TMPDIR/ID.out) has a line TEXT.
wait_output() {
	local i
	for i in $(seq 100); do
		grep -qx "$2" "$BATS_TEST_TMPDIR/$1.out" && return 0
		sleep 0.1
	done
	echo "container $1 did not print ${2@Q} within 10 s; it printed: $(cat "$BATS_TEST_TMPDIR/$1.out")" >&2
	return 1
}

@test "create: the container is created, with the pid of its process" {
	oci_args sleep 60
	oci_create c1
	[ "$(oci_state c1 status)" = created ]
	pid=$(oci_state c1 pid)
	[ "$pid" -gt 0 ]
	pid_alive "$pid"
}

@test "create --pid-file: the file holds the pid that state reports, and nothing else is left beside it" {
	oci_args sleep 60
	mkdir "$BATS_TEST_TMPDIR/pids"
	oci_create c1 --pid-file "$BATS_TEST_TMPDIR/pids/c1.pid"
	[ "$(cat "$BATS_TEST_TMPDIR/pids/c1.pid")" = "$(oci_state c1 pid)" ]
	# Written atomically (a temporary file renamed): only the pid file is in the directory.
	[ "$(ls "$BATS_TEST_TMPDIR/pids")" = c1.pid ] || { ls -la "$BATS_TEST_TMPDIR/pids" >&2; false; }
}

@test "create: the user's program does not run before start" {
	oci_args sh -c 'echo ran'
	oci_create c1
	sleep 0.3
	[ ! -s "$BATS_TEST_TMPDIR/c1.out" ]
	[ "$(oci_state c1 status)" = created ]
}

@test "start: the program runs and the container is running" {
	waiter
	oci_create c1
	pid=$(oci_state c1 pid)
	oci start c1
	wait_output c1 ready
	[ "$(oci_state c1 status)" = running ]
	[ "$(oci_state c1 pid)" = "$pid" ]
}

@test "start of a running container fails" {
	waiter
	oci_create c1
	oci start c1
	oci_run start c1
	assert_oci_error
	[ "$(oci_state c1 status)" = running ]
}

@test "a container whose process exited is stopped, with pid 0" {
	oci_args true
	oci_create c1
	oci start c1
	oci_wait_status c1 stopped
	[ "$(oci_state c1 pid)" = 0 ]
}

@test "kill: the container is stopped after its process died (an unreaped process counts as dead)" {
	oci_args sleep 60
	oci_create c1
	pid=$(oci_state c1 pid)
	oci start c1
	oci kill c1 KILL
	oci_wait_status c1 stopped
	! pid_alive "$pid"
}

@test "kill without a signal sends SIGTERM" {
	waiter
	oci_create c1
	oci start c1
	wait_output c1 ready
	oci kill c1
	wait_output c1 got-term
	oci_wait_status c1 stopped
}

@test "kill takes a signal by name, with or without SIG, and by number" {
	waiter
	oci_create c1
	oci start c1
	wait_output c1 ready
	oci kill c1 USR1
	oci kill c1 SIGUSR1
	oci kill c1 10
	for i in $(seq 100); do
		[ "$(grep -c got-usr1 "$BATS_TEST_TMPDIR/c1.out")" -ge 3 ] && break
		sleep 0.1
	done
	[ "$(grep -c got-usr1 "$BATS_TEST_TMPDIR/c1.out")" = 3 ] || { cat "$BATS_TEST_TMPDIR/c1.out" >&2; false; }
	[ "$(oci_state c1 status)" = running ]
}

@test "kill with an unknown signal fails and leaves the container running" {
	waiter
	oci_create c1
	oci start c1
	oci_run kill c1 NOSUCHSIGNAL
	assert_oci_error
	[ "$(oci_state c1 status)" = running ]
}

@test "kill of a stopped container fails" {
	oci_args true
	oci_create c1
	oci start c1
	oci_wait_status c1 stopped
	oci_run kill c1 KILL
	assert_oci_error
}

@test "kill --all signals the container's processes" {
	oci_args sleep 60
	oci_create c1
	pid=$(oci_state c1 pid)
	oci start c1
	oci kill --all c1 KILL
	oci_wait_status c1 stopped
	! pid_alive "$pid"
}

@test "delete: the state directory is removed" {
	oci_args true
	oci_create c1
	oci start c1
	oci_wait_status c1 stopped
	[ -d "$OCI_ROOT/c1" ]
	oci delete c1
	[ ! -e "$OCI_ROOT/c1" ]
	oci_run state c1
	assert_oci_error
}

@test "delete of a created container kills its waiting process" {
	oci_args sleep 60
	oci_create c1
	pid=$(oci_state c1 pid)
	oci delete c1
	[ ! -e "$OCI_ROOT/c1" ]
	! pid_alive "$pid"
}

@test "delete of a running container fails without --force" {
	oci_args sleep 60
	oci_create c1
	oci start c1
	oci_run delete c1
	assert_oci_error
	[ "$(oci_state c1 status)" = running ]
}

@test "delete --force kills a running container and removes it" {
	oci_args sleep 60
	oci_create c1
	pid=$(oci_state c1 pid)
	oci start c1
	oci_run delete --force c1
	assert_ok ""
	[ ! -e "$OCI_ROOT/c1" ]
	! pid_alive "$pid"
}

@test "delete --force of a container that does not exist succeeds" {
	oci_run delete --force nosuch
	assert_ok ""
}

@test "delete of a container that does not exist fails" {
	oci_run delete nosuch
	assert_oci_error
}

@test "create of an id that exists fails, and the existing container is untouched" {
	oci_args sleep 60
	oci_create c1
	pid=$(oci_state c1 pid)
	oci_run create --bundle "$BUNDLE" c1
	assert_oci_error
	assert_stderr_contains "c1"
	[ "$(oci_state c1 status)" = created ]
	[ "$(oci_state c1 pid)" = "$pid" ]
}

@test "create with an invalid id fails" {
	oci_run create --bundle "$BUNDLE" "../escape"
	assert_oci_error
	[ ! -e "$BATS_TEST_TMPDIR/escape" ]
}

@test "state: ociVersion, id, status, pid, bundle and the annotations of config.json" {
	oci_args sleep 60
	oci_config 'c["annotations"] = {"org.example.team": "blue", "org.example.n": "7"}'
	oci_create c1
	oci start c1
	run --separate-stderr "$OCI_BIN" --root "$OCI_ROOT" state c1
	assert_status 0
	python3 - "$output" "$BUNDLE" <<-'PY'
		import json, sys
		s = json.loads(sys.argv[1])
		assert s["ociVersion"].startswith("1."), s
		assert s["id"] == "c1", s
		assert s["status"] == "running", s
		assert isinstance(s["pid"], int) and s["pid"] > 0, s
		assert s["bundle"] == sys.argv[2], s
		assert s["annotations"] == {"org.example.team": "blue", "org.example.n": "7"}, s
	PY
}

@test "state of a container that does not exist fails" {
	oci_run state nosuch
	assert_oci_error
}

@test "run: the process's output, and its exit status is run's" {
	oci_args sh -c 'echo hello from the container; exit 7'
	oci_run run --bundle "$BUNDLE" c1 </dev/null
	assert_status 7
	assert_output "hello from the container"
}

@test "run: the container is deleted after its process exits" {
	oci_args true
	oci_run run --bundle "$BUNDLE" c1 </dev/null
	assert_ok ""
	[ ! -e "$OCI_ROOT/c1" ]
}

@test "run: a process killed by a signal gives 128 + the signal" {
	oci_args sleep 60
	oci run --bundle "$BUNDLE" c1 </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/run.err" &
	run_pid=$!
	OCI_PIDS+=("$run_pid")
	oci_wait_status c1 running
	oci kill c1 KILL
	status=0
	wait "$run_pid" || status=$?
	stderr=$(cat "$BATS_TEST_TMPDIR/run.err")
	assert_status 137
}

@test "run: the bundle defaults to the current directory" {
	oci_args echo here
	cd "$BUNDLE"
	oci_run run c1 </dev/null
	assert_ok "here"
}

@test "run --detach: returns with the container running" {
	waiter
	oci_create_verb run c1 --detach
	wait_output c1 ready
	[ "$(oci_state c1 status)" = running ]
	oci kill c1 KILL
	oci_wait_status c1 stopped
	oci delete c1
}

@test "run --detach --pid-file: the pid file holds the running process's pid" {
	oci_args sleep 60
	oci_create_verb run c1 --detach --pid-file "$BATS_TEST_TMPDIR/c1.pid"
	[ "$(cat "$BATS_TEST_TMPDIR/c1.pid")" = "$(oci_state c1 pid)" ]
	pid_alive "$(cat "$BATS_TEST_TMPDIR/c1.pid")"
}

@test "list: a table with each container's id, pid and status" {
	oci_args sleep 60
	oci_create c1
	oci_create c2
	oci start c2
	oci_run list
	assert_status 0
	[[ "${lines[0]}" =~ ^ID\ +PID\ +STATUS\ +BUNDLE ]] || { _show; false; }
	[[ "$output" =~ (^|$'\n')c1\ +$(oci_state c1 pid)\ +created\ +$BUNDLE ]] || { _show; false; }
	[[ "$output" =~ (^|$'\n')c2\ +$(oci_state c2 pid)\ +running\ +$BUNDLE ]] || { _show; false; }
	[ "${#lines[@]}" -eq 3 ] || { _show; false; }
}

@test "list --format json: an array of the containers' states" {
	oci_args sleep 60
	oci_create c1
	oci_create c2
	oci start c2
	oci_run list --format json
	assert_status 0
	python3 - "$output" <<-'PY'
		import json, sys
		states = {s["id"]: s for s in json.loads(sys.argv[1])}
		assert sorted(states) == ["c1", "c2"], states
		assert states["c1"]["status"] == "created", states
		assert states["c2"]["status"] == "running", states
		assert all(s["pid"] > 0 for s in states.values()), states
	PY
}

@test "list of an empty --root prints only the header" {
	oci_run list
	assert_status 0
	[ "${#lines[@]}" -eq 1 ] || { _show; false; }
	oci_run list --format json
	assert_ok "[]"
}

@test "ps --format json: the container's process is listed" {
	oci_args sleep 60
	oci_create c1
	oci start c1
	pid=$(oci_state c1 pid)
	oci_run ps --format json c1
	assert_status 0
	python3 -c 'import json, sys; assert int(sys.argv[2]) in json.loads(sys.argv[1]), sys.argv[1]' "$output" "$pid"
}

@test "ps: a table with the process's command line" {
	oci_args sleep 61
	oci_create c1
	oci start c1
	oci_run ps c1
	assert_status 0
	assert_output_contains "sleep 61"
}

@test "--root: a state directory whose parents do not exist is made" {
	OCI_ROOT="$BATS_TEST_TMPDIR/a/b/state"
	oci_args true
	oci_run run --bundle "$BUNDLE" c1 </dev/null
	assert_ok ""
	[ -d "$OCI_ROOT" ]
}

@test "a full create, start, kill, delete cycle leaves no process behind" {
	leak_snapshot
	oci_args sleep 60
	oci_create c1
	oci start c1
	oci kill c1 KILL
	oci_wait_status c1 stopped
	oci delete c1
	leak_check
}
