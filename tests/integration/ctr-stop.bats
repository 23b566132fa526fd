#!/usr/bin/env bats
# burrow stop [-t SECONDS]: sends the stop signal (--stop-signal, else the image's StopSignal, else SIGTERM) to the
# container, SIGKILL after the grace period (default 10 s, 0 kills at once), and returns once the container and its
# supervisor are gone. Stopping a container that is not running succeeds and changes nothing.

load helpers

setup_file() {
	burrow_setup_file
	python3 "$TESTS_DIR/images/mkarchive.py" --format docker-archive --out "$BATS_FILE_TMPDIR/usr2.tar" \
		--name localhost/usr2:latest --layer "$ROOTFS" --stop-signal SIGUSR2 >/dev/null
}
setup() { ctr_setup; }
teardown() { ctr_teardown; }

# A workload that exits with a code of its own on each signal it traps (TERM 42, USR1 43, USR2 44) and says "ready"
# on /tmp/ready once the traps are set.
TRAPS='trap "exit 42" TERM; trap "exit 43" USR1; trap "exit 44" USR2; touch /tmp/ready; while :; do sleep 1 & wait; done'

ms_since() { echo $(( (${EPOCHREALTIME/./} - ${1/./}) / 1000 )); }

# assert_gone ID: the container's processes and supervisor are gone.
assert_gone() {
	local pid sup
	pid=$(ctr_state "$1" Pid)
	sup=$(ctr_state "$1" SupervisorPid)
	! pid_alive "$pid" || { echo "the container's init $pid still runs"; return 1; }
	! pid_alive "$sup" || { echo "the supervisor $sup still runs"; return 1; }
}

@test "stop sends SIGTERM and returns once the container has exited" {
	ctr_run_d --name term sh -c "$TRAPS"
	ctr_wait_file term /tmp/ready
	local start=$EPOCHREALTIME
	run --separate-stderr "$BURROW" stop term
	assert_ok "term"
	[ "$(ms_since "$start")" -lt 5000 ] || { echo "stop took $(ms_since "$start") ms"; false; }
	run --separate-stderr "$BURROW" inspect --format '{{.State.Status}} {{.State.ExitCode}}' term
	assert_ok "exited 42"
	assert_gone "$CID"
}

@test "--stop-signal USR1 is the signal stop sends" {
	ctr_run_d --name usr1 --stop-signal USR1 sh -c "$TRAPS"
	ctr_wait_file usr1 /tmp/ready
	run --separate-stderr "$BURROW" stop usr1
	assert_ok "usr1"
	run --separate-stderr "$BURROW" inspect --format '{{.State.ExitCode}}' usr1
	assert_ok "43"
}

@test "the image's StopSignal is the signal stop sends; --stop-signal overrides it" {
	"$BURROW" load -q -i "$BATS_FILE_TMPDIR/usr2.tar" >/dev/null
	"$BURROW" run -d --name img --network none usr2 sh -c "$TRAPS" 3>&- >/dev/null
	"$BURROW" run -d --name over --stop-signal SIGUSR1 --network none usr2 sh -c "$TRAPS" 3>&- >/dev/null
	ctr_wait_file img /tmp/ready
	ctr_wait_file over /tmp/ready
	run --separate-stderr "$BURROW" stop img over
	assert_ok "$(printf 'img\nover')"
	run --separate-stderr "$BURROW" inspect --format '{{.Name}} {{.State.ExitCode}}' img over
	assert_ok "$(printf 'img 44\nover 43')"
}

@test "stop -t 1: a workload that ignores the signal is killed after about a second (137)" {
	ctr_run_d --name stubborn sh -c 'trap "" TERM; touch /tmp/ready; while :; do sleep 1 & wait; done'
	ctr_wait_file stubborn /tmp/ready
	local start=$EPOCHREALTIME took
	run --separate-stderr "$BURROW" stop -t 1 stubborn
	took=$(ms_since "$start")
	assert_ok "stubborn"
	[ "$took" -ge 900 ] && [ "$took" -lt 5000 ] || { echo "stop -t 1 took $took ms"; false; }
	run --separate-stderr "$BURROW" inspect --format '{{.State.ExitCode}}' stubborn
	assert_ok "137"
	assert_gone "$CID"
}

@test "stop -t 0 kills at once" {
	ctr_run_d --name now sh -c "$TRAPS"
	ctr_wait_file now /tmp/ready
	local start=$EPOCHREALTIME
	run --separate-stderr "$BURROW" stop --time 0 now
	assert_ok "now"
	[ "$(ms_since "$start")" -lt 3000 ]
	run --separate-stderr "$BURROW" inspect --format '{{.State.ExitCode}}' now
	assert_ok "137"
}

@test "stop of a container that has exited succeeds and keeps its exit code" {
	ctr_run_d --name ended sh -c 'exit 3'
	"$BURROW" wait ended >/dev/null
	run --separate-stderr "$BURROW" stop ended
	assert_ok "ended"
	run --separate-stderr "$BURROW" inspect --format '{{.State.Status}} {{.State.ExitCode}}' ended
	assert_ok "exited 3"
}

@test "stop of several containers stops each; an unknown one is an error line and 125, the others still stop" {
	ctr_run_d --name a sleep 60
	ctr_run_d --name b sleep 60
	run --separate-stderr "$BURROW" stop -t 1 a nosuch b
	assert_status 125
	assert_output "$(printf 'a\nb')"
	[ "${#stderr_lines[@]}" -eq 1 ] && [[ "$stderr" == "burrow: "*nosuch* ]] || { _show; false; }
	run --separate-stderr "$BURROW" ps -q
	assert_ok ""
}

@test "a malformed --time, a bad --stop-signal or no container fails with one line and 125" {
	ctr_run_d --name alive sleep 60
	local t
	local failed=0
	for t in x -1 1.5 ""; do
		run --separate-stderr "$BURROW" stop -t "$t" alive
		assert_ctr_error || { echo "stop -t ${t@Q}" >&2; failed=1; }
	done
	[ "$failed" -eq 0 ]
	run --separate-stderr "$BURROW" stop
	assert_ctr_error
	run --separate-stderr "$BURROW" inspect --format '{{.State.Status}}' alive
	assert_ok "running"
	local failed=0
	for t in BOGUS 0 65 SIG ""; do
		run --separate-stderr "$BURROW" run -d --stop-signal "$t" --network none --rootfs "$ROOTFS" true 3>&-
		assert_ctr_error || { echo "--stop-signal ${t@Q}" >&2; failed=1; }
	done
	[ "$failed" -eq 0 ]
	run --separate-stderr "$BURROW" ps -a -q
	assert_ok "${CID:0:12}"
}
