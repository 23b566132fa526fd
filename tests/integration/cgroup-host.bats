#!/usr/bin/env bats
# Resource limits on a host that cannot give them: this machine's cgroup tree is v1/hybrid and belongs to the
# infrastructure. A run without limits needs no cgroup; a run with one fails before anything starts, with one line
# naming the reason and the fix. Nothing here writes to /sys/fs/cgroup (the real limits are tested in the guest:
# vm-cgroup.bats).

load helpers

setup_file() { burrow_setup_file; }

setup() {
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] && skip "this host has a cgroup v2 tree: see vm-cgroup.bats"
	return 0
}

@test "without limits a run works on a cgroup v1/hybrid host" {
	burrow_run --network none echo ok
	assert_ok ok
}

@test "--memory on a cgroup v1/hybrid host fails before anything starts, naming cgroup v2 and burrow doctor" {
	burrow_run --network none --memory 64m sh -c 'echo started'
	assert_burrow_error
	assert_stderr_contains "resource limits need cgroup v2"
	assert_stderr_contains "burrow doctor"
}

@test "--cgroup-manager systemd on a cgroup v1/hybrid host fails the same way, before asking systemd for a scope" {
	DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus burrow_run --network none --cgroup-manager systemd --memory 64m sh -c 'echo started'
	assert_burrow_error
	assert_stderr_contains "resource limits need cgroup v2"
}

@test "--cgroup-manager disabled refuses limits" {
	burrow_run --network none --cgroup-manager disabled --pids-limit 10 true
	assert_burrow_error
	assert_stderr_contains "--cgroup-manager disabled"
}

@test "malformed limits fail with one line naming the flag" {
	for args in "--memory 12x" "--memory 1k" "--cpus -1" "--cpu-shares 1" "--pids-limit abc" "--blkio-weight 5" \
		"--cgroup-conf noequals" "--cgroup-conf ../x=1" "--cgroup-manager systemd-ish" "-m"; do
		# shellcheck disable=SC2086
		burrow_run --network none $args true
		assert_burrow_error
	done
}
