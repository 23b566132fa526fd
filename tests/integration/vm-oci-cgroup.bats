#!/usr/bin/env bats
# burrow oci with a real cgroup: linux.resources applied, pause/resume (cgroup.freeze), update, kill --all, and the
# cgroup removed by delete. Runs INSIDE the User-mode Linux guest of tests/vm (a cgroup v2 tree delegated to the test
# user), like vm-cgroup.bats; everywhere else every test skips.

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
	oci_setup
	oci_args sleep 60
	oci_config 'c["linux"]["resources"] = {"memory": {"limit": 67108864}, "pids": {"limit": 30}}'
}

teardown() {
	oci_teardown
	stop_test_processes
}

# cgroup_of ID: the container's cgroup (Cgroup in its state.json), a burrow-* directory below the delegated one.
cgroup_of() {
	CG=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["Cgroup"] or "")' "$OCI_ROOT/$1/state.json")
	[[ "$CG" == "$SCOPE"/*burrow-* ]] || { echo "cgroup ${CG@Q} is not a burrow-* cgroup below $SCOPE" >&2; return 1; }
	[ -d "$CG" ] || { echo "cgroup $CG does not exist" >&2; return 1; }
}

no_container_cgroup() {
	local left
	left=$(find "$SCOPE" -mindepth 1 -name 'burrow-*' -type d)
	[ -z "$left" ] || { echo "container cgroups left: $left" >&2; return 1; }
}

@test "linux.resources land in the container's cgroup, and delete removes it" {
	oci_create c1
	cgroup_of c1
	[ "$(cat "$CG/memory.max")" = 67108864 ]
	[ "$(cat "$CG/pids.max")" = 30 ]
	grep -qx "$(oci_state c1 pid)" "$CG/cgroup.procs"
	oci_run delete --force c1
	assert_status 0
	no_container_cgroup
}

@test "pause freezes the container's cgroup and state says paused; resume thaws it" {
	oci_create c1
	oci start c1
	oci_wait_status c1 running
	cgroup_of c1
	oci_run pause c1
	assert_status 0
	[ "$(cat "$CG/cgroup.freeze")" = 1 ]
	for _ in $(seq 50); do grep -qx 'frozen 1' "$CG/cgroup.events" && break; sleep 0.1; done
	grep -qx 'frozen 1' "$CG/cgroup.events"
	[ "$(oci_state c1 status)" = paused ]
	oci_run resume c1
	assert_status 0
	[ "$(cat "$CG/cgroup.freeze")" = 0 ]
	[ "$(oci_state c1 status)" = running ]
}

@test "update changes the limits of a running container" {
	oci_create c1
	oci start c1
	cgroup_of c1
	oci_run update --memory 32m --pids-limit 10 c1
	assert_status 0
	[ "$(cat "$CG/memory.max")" = 33554432 ]
	[ "$(cat "$CG/pids.max")" = 10 ]
	printf '{"pids": {"limit": 12}}' >"$BATS_TEST_TMPDIR/res.json"
	oci_run update --resources "$BATS_TEST_TMPDIR/res.json" c1
	assert_status 0
	[ "$(cat "$CG/pids.max")" = 12 ]
}

@test "kill --all ends every process of the container's cgroup" {
	oci_args sh -c 'sleep 60 & sleep 60 & wait'
	oci_create c1
	oci start c1
	cgroup_of c1
	for _ in $(seq 50); do [ "$(wc -l <"$CG/cgroup.procs")" -ge 3 ] && break; sleep 0.1; done
	[ "$(wc -l <"$CG/cgroup.procs")" -ge 3 ]
	oci_run kill --all c1 KILL
	assert_status 0
	oci_wait_status c1 stopped
	for _ in $(seq 50); do [ -z "$(cat "$CG/cgroup.procs")" ] && break; sleep 0.1; done
	[ -z "$(cat "$CG/cgroup.procs")" ]
	oci_run delete c1
	assert_status 0
	no_container_cgroup
}
