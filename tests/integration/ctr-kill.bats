#!/usr/bin/env bats
# burrow kill [-s SIGNAL]: sends a signal (default SIGKILL; a name with or without SIG, any case, or a number) to the
# container's workload and prints the name it was given. A container that is not running, or a signal that is not
# one, is an error: one line, 125.

load helpers

setup_file() { burrow_setup_file; }
setup() { ctr_setup; }
teardown() { ctr_teardown; }

# The workload appends the name of every USR1/USR2/HUP it gets to /tmp/got.
CATCHER='for s in USR1 USR2 HUP; do trap "echo $s >>/tmp/got" $s; done; touch /tmp/ready; while :; do sleep 1 & wait; done'

# wait_got NAME N: the container has recorded N signals; prints them.
wait_got() {
	local i
	for i in $(seq 100); do
		if [ "$("$BURROW" exec "$1" sh -c 'cat /tmp/got 2>/dev/null | wc -l')" -ge "$2" ]; then
			"$BURROW" exec "$1" cat /tmp/got
			return 0
		fi
		sleep 0.1
	done
	echo "the container did not record $2 signals" >&2
	return 1
}

@test "kill sends SIGKILL by default: the container exits with 137" {
	ctr_run_d --name victim sleep 60
	run --separate-stderr "$BURROW" kill victim
	assert_ok "victim"
	run --separate-stderr "$BURROW" wait victim
	assert_ok "137"
	run --separate-stderr "$BURROW" inspect --format '{{.State.Status}} {{.State.ExitCode}}' victim
	assert_ok "exited 137"
}

@test "kill -s USR1, -s 10, -s SIGUSR1, --signal usr1 and --signal=SIGUSR2 reach the workload, which keeps running" {
	ctr_run_d --name catcher sh -c "$CATCHER"
	ctr_wait_file catcher /tmp/ready
	local n=0 form
	for form in "-s USR1" "-s 10" "-s SIGUSR1" "--signal usr1" "--signal=SIGUSR2" "-s HUP"; do
		n=$((n + 1))
		run --separate-stderr "$BURROW" kill $form catcher
		assert_ok "catcher"
		run wait_got catcher "$n"
		assert_status 0
	done
	assert_output "$(printf 'USR1\nUSR1\nUSR1\nUSR1\nUSR2\nHUP')"
	run --separate-stderr "$BURROW" inspect --format '{{.State.Status}}' catcher
	assert_ok "running"
}

@test "kill -s TERM: the default action ends the workload with 143" {
	ctr_run_d --name termed sleep 60
	"$BURROW" kill -s TERM termed >/dev/null
	run --separate-stderr "$BURROW" wait termed
	assert_ok "143"
}

@test "kill of a container that is not running fails with one line and 125" {
	ctr_run_d --name ended true
	"$BURROW" wait ended >/dev/null
	run --separate-stderr "$BURROW" kill ended
	assert_ctr_error
	assert_stderr_contains "not running"
	run --separate-stderr "$BURROW" kill -s USR1 ended
	assert_ctr_error
}

@test "kill of several containers: each is signalled, an error for a stopped one does not stop the others" {
	ctr_run_d --name ended true
	"$BURROW" wait ended >/dev/null
	ctr_run_d --name a sleep 60
	ctr_run_d --name b sleep 60
	run --separate-stderr "$BURROW" kill a ended b
	assert_status 125
	assert_output "$(printf 'a\nb')"
	[ "${#stderr_lines[@]}" -eq 1 ] || { _show; false; }
	run --separate-stderr "$BURROW" wait a b
	assert_ok "$(printf '137\n137')"
}

@test "a signal that is not one fails with one line and 125, and nothing is sent" {
	ctr_run_d --name catcher sh -c "$CATCHER"
	ctr_wait_file catcher /tmp/ready
	local sig
	local failed=0
	for sig in BOGUS SIGBOGUS 0 65 -1 USR1x "" SIG 10.5 RTMIN+99; do
		run --separate-stderr "$BURROW" kill -s "$sig" catcher
		assert_ctr_error || { echo "kill -s ${sig@Q}" >&2; failed=1; }
	done
	[ "$failed" -eq 0 ]
	run --separate-stderr "$BURROW" kill -s
	assert_ctr_error
	run --separate-stderr "$BURROW" kill
	assert_ctr_error
	run --separate-stderr "$BURROW" inspect --format '{{.State.Status}}' catcher
	assert_ok "running"
	run --separate-stderr "$BURROW" exec catcher sh -c 'cat /tmp/got 2>/dev/null; true'
	assert_ok ""
}
