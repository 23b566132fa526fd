#!/usr/bin/env bats
# burrow's init (PID 1) comes from the host: its memory and executable are burrow's. It is non-dumpable, so nothing
# in the container can reach it through ptrace or /proc/1 (runc's CVE-2019-5736), and it keeps one capability,
# CAP_KILL, to signal a workload that runs as another user. --init=false, where PID 1 is the workload itself, is the
# control that shows each probe can see a reachable PID 1.

load helpers
load security-helpers

setup_file() { security_setup_file; }

@test "the init holds only CAP_KILL, in every set" {
	burrow_run sh -c 'grep -E "^Cap(Prm|Eff|Bnd)" /proc/1/status'
	assert_ok "$(printf 'CapPrm:\t0000000000000020\nCapEff:\t0000000000000020\nCapBnd:\t0000000000000020')"
}

@test "the init holds only CAP_KILL with --privileged too" {
	burrow_run --privileged sh -c 'grep -E "^Cap(Prm|Eff|Bnd)" /proc/1/status'
	assert_ok "$(printf 'CapPrm:\t0000000000000020\nCapEff:\t0000000000000020\nCapBnd:\t0000000000000020')"
}

@test "/proc/1/exe, /proc/1/cwd and /proc/1/root cannot be followed" {
	burrow_run sh -c 'for l in exe cwd root; do readlink /proc/1/$l >/dev/null 2>&1 && echo "$l readable" || echo "$l denied"; done'
	assert_ok "$(printf 'exe denied\ncwd denied\nroot denied')"
	# The control: a PID 1 that is the workload is reachable.
	burrow_run --init=false sh -c 'for l in exe cwd root; do readlink /proc/1/$l >/dev/null 2>&1 && echo "$l readable" || echo "$l denied"; done'
	assert_ok "$(printf 'exe readable\ncwd readable\nroot readable')"
}

@test "/proc/1/fd, /proc/1/environ, /proc/1/mem and /proc/1/maps cannot be read, not even with --privileged" {
	local probe='for f in fd environ mem maps; do
		if [ $f = fd ]; then ls /proc/1/fd >/dev/null 2>&1; else head -c1 /proc/1/$f >/dev/null 2>&1; fi &&
			echo "$f readable" || echo "$f denied"; done'
	burrow_run sh -c "$probe"
	assert_ok "$(printf 'fd denied\nenviron denied\nmem denied\nmaps denied')"
	burrow_run --privileged sh -c "$probe"
	assert_ok "$(printf 'fd denied\nenviron denied\nmem denied\nmaps denied')"
	# mem of a reachable PID 1 opens but reading offset 0 fails (EIO): only the others count in the control.
	burrow_run --init=false sh -c "$probe"
	assert_ok "$(printf 'fd readable\nenviron readable\nmem denied\nmaps readable')"
}

@test "the init cannot be ptraced, not even with --privileged and no seccomp filter" {
	escape -- ptrace-pid1
	assert_probe "ptrace-pid1 errno=EPERM"
	escape --privileged --security-opt seccomp=unconfined -- ptrace-pid1
	assert_probe "ptrace-pid1 errno=EPERM"
}

@test "the init cannot be killed from inside the container" {
	# The kernel protects a PID namespace's init from signals it has no handler for, even SIGKILL from inside;
	# burrow's init forwards what it catches to the workload.
	burrow_run sh -c 'kill -KILL 1; kill -STOP 1; sleep 0.1; cat /proc/1/comm'
	assert_ok "burrow-init"
}

@test "the init is not dumpable: its /proc/1 files belong to the initial namespace's root (the overflow id)" {
	burrow_run stat -c '%u %g' /proc/1/environ
	assert_ok "65534 65534"
	burrow_run --init=false stat -c '%u %g' /proc/1/environ
	assert_ok "0 0"
}
