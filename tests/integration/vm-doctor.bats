#!/usr/bin/env bats
# burrow doctor's cgroup checks where there is a real cgroup v2 tree: INSIDE the User-mode Linux guest of tests/vm,
# whose burrow-test.scope is delegated to the test user with cpu, io, memory and pids (no cpuset: UML has none).
# Everywhere else every test skips (the host's tree is hybrid: doctor.bats covers that state).

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
}

# check_field ID FIELD: a field of one check of `burrow doctor --format json cgroup`.
check_field() {
	"$BURROW" doctor --format json cgroup | python3 -c '
import json, sys
checks = {c["id"]: c for c in json.load(sys.stdin)["checks"]}
print(checks[sys.argv[1]][sys.argv[2]])' "$1" "$2"
}

@test "cgroup.version is ok on a cgroup v2 tree" {
	[ "$(check_field cgroup.version status)" = ok ]
	[[ "$(check_field cgroup.version message)" == *v2* ]]
}

@test "cgroup.delegation is ok from the delegated leaf, names the controllers, and the kernel's missing cpuset is no warning" {
	[ "$(check_field cgroup.delegation status)" = ok ]
	local message
	message=$(check_field cgroup.delegation message)
	[[ "$message" == "$BURROW_VM_CGROUP delegates "* ]] || { echo "message: $message" >&2; false; }
	for controller in memory pids cpu io; do
		[[ "$message" == *"$controller"* ]] || { echo "no $controller in: $message" >&2; false; }
	done
	# UML offers no cpuset at all: said, but not as a delegation problem.
	if ! grep -qw cpuset /sys/fs/cgroup/cgroup.controllers; then
		[[ "$message" == *"no controller for: cpuset"* ]] || { echo "message: $message" >&2; false; }
	fi
}
