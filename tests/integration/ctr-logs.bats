#!/usr/bin/env bats
# burrow logs: what a detached container wrote, kept in its log after it exits: stdout records on stdout, stderr
# records on stderr; -t prefixes RFC 3339 times, --tail N the last N lines, --since/--until a time window, -f follows
# until the container ends. A -t container's terminal output is logged too; a foreground run has no log.

load helpers

setup_file() { burrow_setup_file; }
setup() { ctr_setup; }
teardown() {
	ctr_teardown
	stop_test_processes
}

# ctr_wait_log NAME TEXT: wait (10 s) until the container's log holds a line TEXT.
ctr_wait_log() {
	local i
	for i in $(seq 100); do
		"$BURROW" logs "$1" 2>/dev/null | grep -qx "$2" && return 0
		sleep 0.1
	done
	echo "no line ${2@Q} in the log of $1 after 10 s" >&2
	return 1
}

@test "stdout and stderr of the container come back on logs' stdout and stderr" {
	ctr_run_d --name io sh -c 'echo out1; echo err1 >&2; echo out2; echo err2 >&2'
	"$BURROW" wait io >/dev/null
	run --separate-stderr "$BURROW" logs io
	assert_status 0
	assert_output "$(printf 'out1\nout2')"
	assert_stderr "$(printf 'err1\nerr2')"
}

@test "the log keeps every byte: a last line without newline, long lines, many lines" {
	ctr_run_d --name bytes sh -c 'seq 1 20000; head -c 40000 /dev/zero | tr "\0" x; echo; printf "tab\there no newline"'
	"$BURROW" wait bytes >/dev/null
	"$BURROW" logs bytes >"$BATS_TEST_TMPDIR/got"
	{
		seq 1 20000
		head -c 40000 /dev/zero | tr '\0' x
		echo
		printf 'tab\there no newline'
	} >"$BATS_TEST_TMPDIR/want"
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
}

@test "logs survive the container's exit, stop and a second start" {
	ctr_run_d --name kept sh -c 'echo ran; trap "exit 0" TERM; while :; do sleep 1 & wait; done'
	ctr_wait_log kept ran
	"$BURROW" stop kept >/dev/null
	run --separate-stderr "$BURROW" logs kept
	assert_ok "ran"
	"$BURROW" start kept >/dev/null
	ctr_wait_for kept '{{.State.Status}}' running
	"$BURROW" stop -t 0 kept >/dev/null
	run --separate-stderr "$BURROW" logs kept
	assert_ok "$(printf 'ran\nran')"
}

@test "-t prefixes every line with its RFC 3339 time" {
	local before after
	before=$(date -u +%s)
	ctr_run_d --name stamped sh -c 'echo one; echo two >&2'
	"$BURROW" wait stamped >/dev/null
	after=$(date -u +%s)
	run --separate-stderr "$BURROW" logs -t stamped
	assert_status 0
	[[ "$output" =~ ^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z)\ one$ ]] || { _show; false; }
	local t
	t=$(date -u -d "${BASH_REMATCH[1]}" +%s)
	[ "$t" -ge "$before" ] && [ "$t" -le "$after" ] || { echo "time $t not in [$before, $after]"; false; }
	[[ "$stderr" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\ two$ ]] || { _show; false; }
	run --separate-stderr "$BURROW" logs --timestamps stamped
	[[ "$output" == *Z\ one ]] || { _show; false; }
}

@test "--tail N prints the last N lines; --tail 0 none, --tail all every one" {
	ctr_run_d --name tailed seq 1 10
	"$BURROW" wait tailed >/dev/null
	run --separate-stderr "$BURROW" logs --tail 3 tailed
	assert_ok "$(printf '8\n9\n10')"
	run --separate-stderr "$BURROW" logs -n 1 tailed
	assert_ok "10"
	run --separate-stderr "$BURROW" logs --tail 0 tailed
	assert_ok ""
	run --separate-stderr "$BURROW" logs --tail all tailed
	assert_ok "$(seq 1 10)"
	run --separate-stderr "$BURROW" logs --tail 100 tailed
	assert_ok "$(seq 1 10)"
}

@test "--since and --until: a time window, a duration before now, a Unix time" {
	ctr_run_d --name timed sh -c 'echo early; sleep 1.2; echo late'
	"$BURROW" wait timed >/dev/null
	run --separate-stderr "$BURROW" logs -t timed
	local late_time=${lines[1]%% *}
	[ -n "$late_time" ]
	run --separate-stderr "$BURROW" logs --since "$late_time" timed
	assert_ok "late"
	run --separate-stderr "$BURROW" logs --until "$late_time" timed
	assert_ok "early"
	run --separate-stderr "$BURROW" logs --since 10m timed
	assert_ok "$(printf 'early\nlate')"
	run --separate-stderr "$BURROW" logs --since 2099-01-01T00:00:00Z timed
	assert_ok ""
	run --separate-stderr "$BURROW" logs --since "$(($(date +%s) + 3600))" timed
	assert_ok ""
	run --separate-stderr "$BURROW" logs --since "$(($(date +%s) - 3600))" timed
	assert_ok "$(printf 'early\nlate')"
}

@test "logs -f follows new output and returns when the container exits" {
	ctr_run_d --name followed sh -c 'echo one; while [ ! -e /tmp/go ]; do sleep 0.1; done; echo two; echo three >&2'
	ctr_wait_log followed one
	"$BURROW" logs -f followed >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	local follower=$!
	SERVER_PIDS+=("$follower")
	for _ in $(seq 50); do
		[ "$(cat "$BATS_TEST_TMPDIR/out")" = one ] && break
		sleep 0.1
	done
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = one ] || { cat "$BATS_TEST_TMPDIR/out"; false; }
	kill -0 "$follower" || { echo "logs -f returned while the container runs"; false; }
	"$BURROW" exec followed touch /tmp/go
	for _ in $(seq 100); do
		kill -0 "$follower" 2>/dev/null || break
		sleep 0.1
	done
	! kill -0 "$follower" 2>/dev/null || { echo "logs -f still runs after the container exited"; false; }
	wait "$follower"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "$(printf 'one\ntwo')" ] || { cat "$BATS_TEST_TMPDIR/out"; false; }
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = three ] || { cat "$BATS_TEST_TMPDIR/err"; false; }
}

@test "logs -f of an exited container prints the log and returns" {
	ctr_run_d --name over sh -c 'echo done'
	"$BURROW" wait over >/dev/null
	run --separate-stderr timeout 10 "$BURROW" logs -f over
	assert_ok "done"
}

@test "a -t container's terminal output is logged, stdout and stderr together" {
	ctr_run_d --name tty -t sh -c 'tty; echo to-err >&2'
	"$BURROW" wait tty >/dev/null
	run --separate-stderr "$BURROW" logs tty
	assert_status 0
	assert_stderr ""
	[ "$(tr -d '\r' <<<"$output")" = "$(printf '/dev/pts/0\nto-err')" ] || { _show; false; }
}

@test "a foreground container has no log: logs fails with one line and 125" {
	start_background --network none --name fg --rootfs "$ROOTFS" sh -c 'echo ready; exec sleep 60'
	[ "$READY_LINE" = ready ]
	run --separate-stderr "$BURROW" logs fg
	assert_ctr_error
	kill -TERM "$BG_PID"
	burrow_wait_background
}

@test "a malformed --tail, --since or --until, or not one container, fails with one line and 125" {
	ctr_run_d --name bad true
	local args
	local failed=0
	for args in "--tail x" "--tail -5" "--tail 1x" "--since yesterday" "--since 2026-13-01" "--until soon" \
		"--since" "--frobnicate"; do
		run --separate-stderr "$BURROW" logs $args bad
		assert_ctr_error || { echo "logs $args bad" >&2; failed=1; }
	done
	[ "$failed" -eq 0 ]
	run --separate-stderr "$BURROW" logs
	assert_ctr_error
	run --separate-stderr "$BURROW" logs bad bad
	assert_ctr_error
}
