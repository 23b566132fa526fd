#!/usr/bin/env bats
# -t/--tty: a pty from the container's own devpts; the caller's window size is applied at start and on SIGWINCH,
# and the caller's terminal settings are restored on exit. Driven through a real pseudo-terminal by ptydrive.py.

load helpers

setup_file() {
	burrow_setup_file
	command -v python3 >/dev/null || { echo "python3 is needed for the tty tests" >&2; return 1; }
}

# ptydrive's output without its last line; the last line in $DRIVE_RESULT.
drive() {
	run ptydrive "$@"
	DRIVE_RESULT=${lines[-1]}
	output=$(printf '%s\n' "${lines[@]:0:${#lines[@]}-1}")
}

@test "-t: tty prints /dev/pts/0" {
	drive -- "$BURROW" run -t --rootfs "$ROOTFS" tty
	[ "$status" -eq 0 ] || { _show; false; }
	[ "$output" = /dev/pts/0 ] || { _show; false; }
	[ "$DRIVE_RESULT" = "ptydrive: exit=0 termios=same" ] || { echo "$DRIVE_RESULT" >&2; false; }
}

@test "--tty: stdin, stdout and stderr are the pty" {
	drive -- "$BURROW" run --tty --rootfs "$ROOTFS" sh -c 'for fd in 0 1 2; do readlink /proc/self/fd/$fd; done'
	[ "$output" = "$(printf '/dev/pts/0\n/dev/pts/0\n/dev/pts/0')" ] || { _show; false; }
	[ "$DRIVE_RESULT" = "ptydrive: exit=0 termios=same" ] || { echo "$DRIVE_RESULT" >&2; false; }
}

@test "-t: the pty is the workload's controlling terminal" {
	drive -- "$BURROW" run -t --rootfs "$ROOTFS" sh -c 'exec 3</dev/tty && echo has-ctty'
	[ "$output" = has-ctty ] || { _show; false; }
}

@test "-t: TERM is xterm" {
	drive -- "$BURROW" run -t --rootfs "$ROOTFS" sh -c 'echo "TERM=$TERM"'
	[ "$output" = "TERM=xterm" ] || { _show; false; }
}

@test "-t: -e TERM overrides the default" {
	drive -- "$BURROW" run -t -e TERM=vt220 --rootfs "$ROOTFS" sh -c 'echo "TERM=$TERM"'
	[ "$output" = "TERM=vt220" ] || { _show; false; }
}

@test "-t: the caller's window size is applied at start" {
	drive --size 33x111 -- "$BURROW" run -t --rootfs "$ROOTFS" stty size
	[ "$output" = "33 111" ] || { _show; false; }
}

@test "-t: a window size change (SIGWINCH) reaches the container" {
	drive --size 30x100 --wait-for READY --resize 40x120 -- "$BURROW" run -t --rootfs "$ROOTFS" sh -c '
		stty size
		trap "stty size; exit 0" WINCH
		echo READY
		while :; do sleep 1000 & wait; done'
	[ "$output" = "$(printf '30 100\nREADY\n40 120')" ] || { _show; false; }
	[ "$DRIVE_RESULT" = "ptydrive: exit=0 termios=same" ] || { echo "$DRIVE_RESULT" >&2; false; }
}

@test "-t: the caller's terminal settings are restored after exit" {
	drive -- "$BURROW" run -t --rootfs "$ROOTFS" true
	[ "$DRIVE_RESULT" = "ptydrive: exit=0 termios=same" ] || { _show; echo "$DRIVE_RESULT" >&2; false; }
}

@test "-t: terminal settings are restored even when the workload changes its own and fails" {
	drive -- "$BURROW" run -t --rootfs "$ROOTFS" sh -c 'stty raw -echo; exit 3'
	[ "$DRIVE_RESULT" = "ptydrive: exit=3 termios=same" ] || { _show; echo "$DRIVE_RESULT" >&2; false; }
}

@test "-t: terminal settings are restored when the workload is killed" {
	drive -- "$BURROW" run -t --rootfs "$ROOTFS" sh -c 'kill -9 $$'
	[ "$DRIVE_RESULT" = "ptydrive: exit=137 termios=same" ] || { _show; echo "$DRIVE_RESULT" >&2; false; }
}

@test "-t: the exit status passes through" {
	drive -- "$BURROW" run -t --rootfs "$ROOTFS" sh -c 'exit 42'
	[ "$DRIVE_RESULT" = "ptydrive: exit=42 termios=same" ] || { _show; echo "$DRIVE_RESULT" >&2; false; }
}

@test "-it: typed input reaches the workload" {
	drive --wait-for READY --send 'hello\n' -- "$BURROW" run -it --rootfs "$ROOTFS" sh -c 'echo READY; read line; echo "got $line"'
	# The container's pty echoes the typed line.
	[ "$output" = "$(printf 'READY\nhello\ngot hello')" ] || { _show; false; }
	[ "$DRIVE_RESULT" = "ptydrive: exit=0 termios=same" ] || { echo "$DRIVE_RESULT" >&2; false; }
}

@test "-it: Ctrl-C typed at the terminal interrupts the workload" {
	drive --wait-for READY --send $'\x03' -- "$BURROW" run -it --rootfs "$ROOTFS" sh -c 'trap "echo interrupted; exit 5" INT; echo READY; while :; do sleep 1000 & wait; done'
	[ "$DRIVE_RESULT" = "ptydrive: exit=5 termios=same" ] || { _show; echo "$DRIVE_RESULT" >&2; false; }
	[[ "$output" == *interrupted* ]] || { _show; false; }
}

# Without -t the container shares the caller's terminal and stays in its foreground process group (no new session),
# so the terminal's SIGINT reaches the workload directly; burrow does not forward that one again (SI_KERNEL).
@test "without -t: Ctrl-C at the caller's terminal reaches the workload" {
	drive --wait-for READY --send $'\x03' -- "$BURROW" run --rootfs "$ROOTFS" sh -c 'n=0; trap "n=\$((n+1))" INT; echo READY; sleep 1 & wait; sleep 1 & wait; echo "interrupts=$n"; exit 7'
	[ "$DRIVE_RESULT" = "ptydrive: exit=7 termios=same" ] || { _show; echo "$DRIVE_RESULT" >&2; false; }
	[[ "$output" == *interrupts=1* ]] || { _show; false; }
}

@test "-it: end of file (Ctrl-D) typed at the terminal ends cat" {
	drive --wait-for READY --send $'\x04' -- "$BURROW" run -it --rootfs "$ROOTFS" sh -c 'echo READY; cat; echo done'
	[ "$DRIVE_RESULT" = "ptydrive: exit=0 termios=same" ] || { _show; echo "$DRIVE_RESULT" >&2; false; }
	[[ "$output" == *done ]] || { _show; false; }
}

@test "--interactive --tty spelled out works" {
	drive --wait-for READY --send 'x\n' -- "$BURROW" run --interactive --tty --rootfs "$ROOTFS" sh -c 'echo READY; read line; echo "got $line"'
	[[ "$output" == *"got x" ]] || { _show; false; }
}

@test "-t: the pty leaves nothing behind" {
	leak_snapshot
	drive -- "$BURROW" run -t --rootfs "$ROOTFS" true
	[ "$DRIVE_RESULT" = "ptydrive: exit=0 termios=same" ] || { _show; false; }
	leak_check
}
