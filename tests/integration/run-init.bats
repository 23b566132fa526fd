#!/usr/bin/env bats
# PID 1: burrow's own init by default. It runs the workload as pid 2, reaps orphans, forwards every catchable signal
# sent to burrow to the workload, and exits with the workload's status. --init=false runs the command as pid 1.

load helpers

setup_file() { burrow_setup_file; }

@test "pid 1 is burrow-init" {
	burrow_run cat /proc/1/comm
	assert_ok "burrow-init"
}

@test "the workload is pid 2" {
	burrow_run sh -c 'echo $$'
	assert_ok "2"
}

@test "the container sees only its own processes" {
	burrow_run ls -d /proc/1 /proc/2 /proc/3 /proc/4
	assert_status 1
	assert_output "$(printf '/proc/1\n/proc/2')"
}

@test "burrow-init's parent inside the container is pid 0" {
	burrow_run sh -c 'cut -d" " -f4 /proc/1/stat; cut -d" " -f4 /proc/$$/stat'
	assert_ok "$(printf '0\n1')"
}

@test "init reaps orphaned zombies" {
	# The inner sh starts a child and exits at once, orphaning it to pid 1; once that child exits, only pid 1 can
	# reap it. Poll (bounded) for it to disappear; an init that does not reap leaves a zombie forever.
	burrow_run sh -c '
		sh -c "true & echo \$! > /tmp/orphan"
		pid=$(cat /tmp/orphan)
		i=0
		while [ -e /proc/$pid ] && [ $i -lt 200 ]; do
			i=$((i + 1)); sleep 0.05
		done
		if [ -e /proc/$pid ]; then echo "zombie: $(cat /proc/$pid/stat)"; else echo reaped; fi'
	assert_ok "reaped"
}

@test "init reaps many orphans" {
	# "set -- /proc/[0-9]*" globs inside the shell, without a fork: a zombie still has its /proc entry.
	burrow_run sh -c '
		sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do true & done"
		i=0
		while [ $i -lt 200 ]; do
			set -- /proc/[0-9]*
			[ $# -le 2 ] && break
			i=$((i + 1)); sleep 0.05
		done
		set -- /proc/[0-9]*
		echo "$# processes: $*"'
	assert_ok "2 processes: /proc/1 /proc/2"
}

@test "SIGUSR1 sent to burrow reaches the workload" {
	burrow_start_background sh -c 'trap "echo got USR1; exit 7" USR1; echo ready; sleep 1000 & wait'
	[ "$READY_LINE" = ready ]
	kill -USR1 "$BG_PID"
	burrow_wait_background
	assert_status 7
	assert_output "got USR1"
	assert_stderr ""
}

@test "SIGTERM sent to burrow reaches the workload" {
	burrow_start_background sh -c 'trap "echo got TERM; exit 8" TERM; echo ready; sleep 1000 & wait'
	[ "$READY_LINE" = ready ]
	kill -TERM "$BG_PID"
	burrow_wait_background
	assert_status 8
	assert_output "got TERM"
	assert_stderr ""
}

@test "SIGHUP sent to burrow reaches the workload" {
	burrow_start_background sh -c 'trap "echo got HUP; exit 9" HUP; echo ready; sleep 1000 & wait'
	[ "$READY_LINE" = ready ]
	kill -HUP "$BG_PID"
	burrow_wait_background
	assert_status 9
	assert_output "got HUP"
	assert_stderr ""
}

@test "SIGINT sent to burrow reaches the workload" {
	burrow_start_background sh -c 'trap "echo got INT; exit 10" INT; echo ready; sleep 1000 & wait'
	[ "$READY_LINE" = ready ]
	kill -INT "$BG_PID"
	burrow_wait_background
	assert_status 10
	assert_output "got INT"
	assert_stderr ""
}

@test "SIGUSR2, SIGQUIT and SIGALRM sent to burrow all reach the workload, in order" {
	burrow_start_background sh -c '
		trap "echo USR2" USR2; trap "echo QUIT" QUIT; trap "echo ALRM; exit 0" ALRM
		echo ready
		while :; do sleep 1000 & wait; done'
	[ "$READY_LINE" = ready ]
	kill -USR2 "$BG_PID"
	kill -QUIT "$BG_PID"
	kill -ALRM "$BG_PID"
	burrow_wait_background
	assert_status 0
	# Signals may coalesce only if they are the same; these are all different, but delivery order between
	# different pending signals is not guaranteed: compare sorted.
	[ "$(printf '%s\n' "$output" | sort)" = "$(printf 'ALRM\nQUIT\nUSR2')" ] || { _show; false; }
}

@test "a workload with no handler is terminated by the forwarded SIGTERM and burrow exits 143" {
	burrow_start_background sh -c 'echo ready; exec sleep 1000'
	[ "$READY_LINE" = ready ]
	kill -TERM "$BG_PID"
	burrow_wait_background
	assert_status 143
	assert_output ""
	assert_stderr ""
}

@test "init exits with the workload's status" {
	burrow_run sh -c 'sleep 1000 & exit 42'
	assert_status 42
	assert_stderr ""
}

@test "the container ends when the workload exits, even if other processes remain" {
	leak_snapshot
	burrow_run sh -c 'sleep 31337 & echo started'
	assert_ok "started"
	leak_check
}

@test "--init=false runs the command as pid 1" {
	burrow_run --init=false sh -c 'echo $$'
	assert_ok "1"
}

@test "--init=false: /proc/1/comm is the command" {
	burrow_run --init=false cat /proc/1/comm
	assert_ok "cat"
}

@test "--init=false: the command's exit status is burrow's" {
	burrow_run --init=false sh -c 'exit 42'
	assert_status 42
	assert_stderr ""
}

@test "--init=false: SIGUSR1 sent to burrow reaches the command" {
	burrow_start_background --init=false sh -c 'trap "echo got USR1; exit 7" USR1; echo ready; sleep 1000 & wait'
	[ "$READY_LINE" = ready ]
	kill -USR1 "$BG_PID"
	burrow_wait_background
	assert_status 7
	assert_output "got USR1"
}

@test "--init=true is the default" {
	burrow_run --init=true cat /proc/1/comm
	assert_ok "burrow-init"
}

@test "--init without a value enables the init" {
	burrow_run --init cat /proc/1/comm
	assert_ok "burrow-init"
}
