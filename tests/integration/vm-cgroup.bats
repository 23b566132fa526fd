#!/usr/bin/env bats
# Resource limits through a delegated cgroup v2 subtree. Runs INSIDE the User-mode Linux guest of tests/vm (tests/run
# starts it there through tests/vm/run-in-guest for every vm-*.bats file): the guest's /sys/fs/cgroup is a real
# cgroup v2 tree whose burrow-test.scope is delegated to the test user, who runs in its leaf. Everywhere else every
# test skips: the host's cgroup tree is never touched.

load helpers

in_guest() {
	[ "${BURROW_VM:-}" = 1 ] && [ -n "${BURROW_VM_CGROUP:-}" ] && grep -q '^model name.*UML' /proc/cpuinfo
}

setup_file() {
	in_guest || return 0
	burrow_setup_file
}

setup() {
	in_guest || skip "not inside the tests/vm guest: tests/run runs this file there"
	SCOPE=$BURROW_VM_CGROUP
}

containers() { # the container cgroups burrow left in the delegated directory
	find "$SCOPE" -mindepth 1 -maxdepth 1 -name 'burrow-*' -type d | sort
}

@test "a run without limits creates no cgroup" {
	burrow_run --network none sh -c 'cat /proc/self/cgroup'
	assert_status 0
	[ -z "$(containers)" ] || { containers; false; }
}

@test "--memory: the container's own cgroup (its namespace root) has memory.max, and it is removed afterwards" {
	burrow_run --network none --memory 64m sh -c 'cat /proc/self/cgroup; cat /sys/fs/cgroup/memory.max'
	assert_ok "$(printf '0::/\n67108864')"
	[ -z "$(containers)" ] || { containers; false; }
}

@test "--memory: a workload that allocates more is OOM-killed, exit 137 and one line naming memory.max" {
	burrow_run --network none --memory 32m sh -c 'exec dd if=/dev/zero of=/dev/null bs=64M count=1'
	assert_status 137
	[ -z "$output" ] || { _show; false; }
	assert_stderr "burrow: container killed: out of memory (memory.max=33554432)"
	[ -z "$(containers)" ] || { containers; false; }
}

@test "--pids-limit: forks beyond the limit fail" {
	burrow_run --network none --pids-limit 8 sh -c 'cat /sys/fs/cgroup/pids.max
		for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 3 & done; echo all-started'
	[ "$status" -ne 0 ] || { _show; false; }
	[ "${lines[0]}" = 8 ] || { _show; false; }
	[[ "$output" != *all-started* ]] || { _show; false; }
	[[ "$stderr" == *"can't fork"* || "$stderr" == *"Resource temporarily unavailable"* ]] || { _show; false; }
}

@test "an OOM kill of a child is reported, and the workload's own status stays its own" {
	burrow_run --network none --memory 32m sh -c 'dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; echo survived'
	assert_status 0
	[ "$output" = survived ] || { _show; false; }
	assert_stderr "burrow: container killed: out of memory (memory.max=33554432)"
}

@test "--cpus, --cpu-shares and --memory-swap are written as cgroup v2 values" {
	burrow_run --network none --cpus 1.5 --cpu-shares 1024 --memory 64m --memory-swap 96m --pids-limit -1 sh -c \
		'cat /sys/fs/cgroup/cpu.max /sys/fs/cgroup/cpu.weight /sys/fs/cgroup/memory.swap.max /sys/fs/cgroup/pids.max'
	assert_ok "$(printf '150000 100000\n39\n33554432\nmax')"
}

@test "--cgroup-conf writes any file of the container's cgroup" {
	burrow_run --network none --cgroup-conf memory.high=50331648 cat /sys/fs/cgroup/memory.high
	assert_ok 50331648
}

@test "the container's cgroup tree is read-only inside" {
	burrow_run --network none --memory 64m sh -c 'echo 1 >/sys/fs/cgroup/memory.max'
	assert_status 1
	[[ "$stderr" == *"Read-only file system"* ]] || { _show; false; }
}

@test "a limit the guest cannot give (no cpuset in UML) fails before anything starts, naming the controller" {
	grep -qw cpuset "$SCOPE/cgroup.controllers" && skip "this guest has cpuset"
	burrow_run --network none --cpuset-cpus 0 sh -c 'echo started'
	assert_burrow_error
	assert_stderr_contains "the cpuset controller is not delegated"
	[ -z "$(containers)" ] || { containers; false; }
}

@test "a burrow killed with SIGKILL leaves an empty cgroup that the next run removes" {
	burrow_start_background --network none --memory 64m sh -c 'echo started; exec sleep 30'
	[ -n "$(containers)" ] || { echo "no container cgroup while running"; false; }
	kill -KILL "$BG_PID"
	wait "$BG_PID" 2>/dev/null || true
	for _ in $(seq 50); do
		[ -z "$(cat "$(containers | head -1)/cgroup.procs" 2>/dev/null)" ] && break
		sleep 0.1
	done
	burrow_run --network none --memory 64m true
	assert_status 0
	[ -z "$(containers)" ] || { containers; false; }
}

@test "burrow alone in a delegated cgroup moves itself into a leaf and puts the container beside it" {
	local solo="$SCOPE/solo-$$"
	mkdir "$solo"
	run --separate-stderr sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$solo" \
		"$BURROW" run --network none --rootfs "$ROOTFS" --memory 64m sh -c 'cat /proc/self/cgroup /sys/fs/cgroup/memory.max'
	local subdirs
	subdirs=$(cd "$solo" && find . -mindepth 1 -maxdepth 1 -type d | sort | tr '\n' ' ')
	rmdir "$solo/supervisor" "$solo" 2>/dev/null || true
	assert_ok "$(printf '0::/\n67108864')"
	[ "$subdirs" = "./supervisor " ] || { echo "left in $solo: $subdirs"; false; }
}
