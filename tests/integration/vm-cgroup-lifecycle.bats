#!/usr/bin/env bats
# Resource limits of kept containers (run -d, stats, stop, start, exec, wait, rm) and io.max on a real block device.
# Runs INSIDE the User-mode Linux guest of tests/vm, like vm-cgroup.bats: the guest's /sys/fs/cgroup is a real cgroup
# v2 tree whose burrow-test.scope is delegated to the test user. tests/run boots this file's guest with an ext4
# scratch disk (run-in-guest --disk): TMPDIR is on it and $BURROW_VM_DISK is its MAJ:MIN, the device the io.max tests
# throttle. Everywhere else every test skips: the host's cgroup tree is never touched.

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
	ctr_setup
}

teardown() {
	ctr_teardown
	stop_test_processes
}

# Every container cgroup burrow left anywhere in the delegated subtree.
container_cgroups() {
	find "$SCOPE" -mindepth 1 -name 'burrow-*' -type d | sort
}

assert_no_container_cgroup() {
	local left
	left=$(container_cgroups)
	[ -z "$left" ] || { echo "container cgroups left: $left" >&2; return 1; }
}

ms_since() { echo $(((${EPOCHREALTIME/./} - ${1/./}) / 1000)); }

# cgroup_of ID: the running container's cgroup directory (inspect's CgroupPath), checked to be a burrow-* directory
# in the delegated subtree that exists. Sets CG.
cgroup_of() {
	CG=$("$BURROW" inspect --format '{{.CgroupPath}}' "$1") || return 1
	[[ "$CG" == "$SCOPE"/*/burrow-* || "$CG" == "$SCOPE"/burrow-* ]] ||
		{ echo "CgroupPath ${CG@Q} is not a burrow-* cgroup below $SCOPE" >&2; return 1; }
	[ -d "$CG" ] || { echo "CgroupPath $CG does not exist" >&2; return 1; }
}

# wait_cgroup_empty DIR: wait (10 s at most) until no process is left in DIR.
wait_cgroup_empty() {
	for _ in $(seq 100); do
		[ -z "$(cat "$1/cgroup.procs" 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	echo "processes still in $1: $(cat "$1/cgroup.procs")" >&2
	return 1
}

# ---------------------------------------------------------------------------------------------------------------
# io.max on the scratch disk

# require_disk: DISK_DEV (its /dev node), DISK_NUM (MAJ:MIN) and DATA, a directory on that disk.
require_disk() {
	[ -n "${BURROW_VM_DISK:-}" ] || skip "the guest has no scratch disk (tests/run passes run-in-guest --disk for this file)"
	DISK_NUM=$BURROW_VM_DISK
	local name
	name=$(sed -n 's/^DEVNAME=//p' "/sys/dev/block/$DISK_NUM/uevent")
	DISK_DEV=/dev/$name
	[ -n "$name" ] && [ -b "$DISK_DEV" ] || { echo "no block device node for $DISK_NUM ($DISK_DEV)" >&2; return 1; }
	DATA=$BATS_TEST_TMPDIR/data
	mkdir -p "$DATA"
	[ "$(stat -c %Hd:%Ld "$DATA")" = "$DISK_NUM" ] ||
		{ echo "$DATA is not on the scratch disk $DISK_NUM: $(findmnt --target "$DATA")" >&2; return 1; }
}

# timed_dd [RUN OPTIONS...] -- DD ARGS...: burrow run of busybox dd with $DATA on /data; sets TOOK (ms), checks it
# succeeded.
timed_dd() {
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	local start=$EPOCHREALTIME
	burrow_run --network none -v "$DATA:/data" "${opts[@]}" dd "$@"
	TOOK=$(ms_since "$start")
	assert_status 0 || return 1
}

@test "--device-{read,write}-{bps,iops} land in the container's io.max as one line for the device" {
	require_disk
	burrow_run --network none --device-write-bps "$DISK_DEV:1mb" --device-read-bps "$DISK_DEV:2mb" \
		--device-write-iops "$DISK_DEV:300" --device-read-iops "$DISK_DEV:400" cat /sys/fs/cgroup/io.max
	assert_ok "$DISK_NUM rbps=2097152 wbps=1048576 riops=400 wiops=300"
	assert_no_container_cgroup
}

@test "--device-write-bps 1mb throttles direct writes to the disk (4 MiB take >= 3 s; unthrottled, far less)" {
	require_disk
	timed_dd -- if=/dev/zero of=/data/base bs=64k count=64 oflag=direct
	local base=$TOOK
	burrow_run --network none --device-write-bps "$DISK_DEV:1mb" cat /sys/fs/cgroup/io.max
	assert_ok "$DISK_NUM rbps=max wbps=1048576 riops=max wiops=max"
	timed_dd --device-write-bps "$DISK_DEV:1mb" -- if=/dev/zero of=/data/slow bs=64k count=64 oflag=direct
	echo "unthrottled ${base} ms, throttled ${TOOK} ms" >&2
	[ "$TOOK" -ge 3000 ] || { echo "4 MiB at 1 MiB/s took only $TOOK ms" >&2; false; }
	[ "$base" -lt $((TOOK - 1500)) ] || { echo "the unthrottled run is not faster" >&2; false; }
	[ "$(stat -c %s "$DATA/slow")" -eq 4194304 ]
}

@test "--device-read-bps 1mb throttles direct reads from the disk" {
	require_disk
	dd if=/dev/zero of="$DATA/file" bs=64k count=64 conv=fsync status=none
	timed_dd -- if=/data/file of=/dev/null bs=64k iflag=direct
	local base=$TOOK
	timed_dd --device-read-bps "$DISK_DEV:1mb" -- if=/data/file of=/dev/null bs=64k iflag=direct
	echo "unthrottled ${base} ms, throttled ${TOOK} ms" >&2
	[ "$TOOK" -ge 3000 ] || { echo "reading 4 MiB at 1 MiB/s took only $TOOK ms" >&2; false; }
	[ "$base" -lt $((TOOK - 1500)) ] || { echo "the unthrottled run is not faster" >&2; false; }
}

@test "--device-write-iops 20 throttles direct writes to the disk (80 writes take >= 3 s)" {
	require_disk
	timed_dd -- if=/dev/zero of=/data/base bs=4k count=80 oflag=direct
	local base=$TOOK
	timed_dd --device-write-iops "$DISK_DEV:20" -- if=/dev/zero of=/data/slow bs=4k count=80 oflag=direct
	echo "unthrottled ${base} ms, throttled ${TOOK} ms" >&2
	[ "$TOOK" -ge 3000 ] || { echo "80 writes at 20 IO/s took only $TOOK ms" >&2; false; }
	[ "$base" -lt $((TOOK - 1500)) ] || { echo "the unthrottled run is not faster" >&2; false; }
}

@test "--device-read-iops 20 throttles direct reads from the disk" {
	require_disk
	dd if=/dev/zero of="$DATA/file" bs=4k count=80 conv=fsync status=none
	timed_dd -- if=/data/file of=/dev/null bs=4k iflag=direct
	local base=$TOOK
	timed_dd --device-read-iops "$DISK_DEV:20" -- if=/data/file of=/dev/null bs=4k iflag=direct
	echo "unthrottled ${base} ms, throttled ${TOOK} ms" >&2
	[ "$TOOK" -ge 3000 ] || { echo "80 reads at 20 IO/s took only $TOOK ms" >&2; false; }
	[ "$base" -lt $((TOOK - 1500)) ] || { echo "the unthrottled run is not faster" >&2; false; }
}

# ---------------------------------------------------------------------------------------------------------------
# Kept containers

@test "run -d with limits: the cgroup exists while it runs, with memory.max, pids.max and cpu.max" {
	ctr_run_d --memory 64m --pids-limit 50 --cpus 0.5 sleep 300
	cgroup_of "$CID"
	[ "$(cat "$CG/memory.max")" = 67108864 ]
	[ "$(cat "$CG/pids.max")" = 50 ]
	[ "$(cat "$CG/cpu.max")" = "50000 100000" ]
	# the container's processes are in it
	[ "$(cat "$CG/pids.current")" -ge 1 ]
	grep -qx "$(ctr_state "$CID" Pid)" "$CG/cgroup.procs" || { echo "Pid not in $CG: $(cat "$CG/cgroup.procs")"; false; }
	[ "$(container_cgroups)" = "$CG" ] || { container_cgroups; false; }
}

@test "stats --no-stream of a detached container with limits: its memory, pids and the limit, as json and table" {
	ctr_run_d --name limited --memory 64m --pids-limit 50 --cpus 0.5 sleep 300
	cgroup_of "$CID"
	run --separate-stderr "$BURROW" stats --no-stream --format json limited
	assert_status 0
	assert_stderr ""
	run python3 -c '
import json, sys
rows = json.loads(sys.argv[1])
assert len(rows) == 1, rows
r = rows[0]
assert r["ID"] == sys.argv[2][:12], r
assert r["Name"] == "limited", r
assert r["MemUsageBytes"] > 0, r
assert r["PIDsCurrent"] >= 1, r
assert r["MemUsage"].endswith(" / 64MiB"), r
assert r["PIDs"] == str(r["PIDsCurrent"]), r
assert r["MemPerc"].endswith("%"), r
assert r["CPUPerc"].endswith("%"), r
' "$output" "$CID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }

	run --separate-stderr "$BURROW" stats --no-stream
	assert_status 0
	assert_stderr ""
	[ "${#lines[@]}" -eq 2 ] || { echo "$output"; false; }
	[[ "${lines[0]}" == "ID "*"NAME"*"MEM USAGE / LIMIT"*"PIDS" ]] || { echo "$output"; false; }
	[[ "${lines[1]}" == "${CID:0:12}  limited "*" / 64MiB "* ]] || { echo "$output"; false; }
}

@test "stop removes the detached container's cgroup, start makes it again with the same limits, rm -f leaves none" {
	ctr_run_d --memory 64m --pids-limit 50 --cpus 0.5 sleep 300
	cgroup_of "$CID"
	local first=$CG
	run --separate-stderr "$BURROW" stop -t 1 "$CID"
	assert_ok "$CID"
	[ ! -e "$first" ] || { echo "$first is still there after stop: $(cat "$first/cgroup.procs")"; false; }
	assert_no_container_cgroup
	run --separate-stderr "$BURROW" inspect --format '{{.State.Status}} [{{.CgroupPath}}]' "$CID"
	assert_ok "exited []"

	run --separate-stderr "$BURROW" start "$CID" 3>&-
	assert_ok "$CID"
	cgroup_of "$CID"
	[ "$(cat "$CG/memory.max")" = 67108864 ]
	[ "$(cat "$CG/pids.max")" = 50 ]
	[ "$(cat "$CG/cpu.max")" = "50000 100000" ]
	grep -qx "$(ctr_state "$CID" Pid)" "$CG/cgroup.procs" || { echo "Pid not in $CG: $(cat "$CG/cgroup.procs")"; false; }

	run --separate-stderr "$BURROW" rm -f "$CID"
	assert_ok "$CID"
	assert_no_container_cgroup
}

@test "exec: processes it starts count against the container's pids.max (--pids-limit 5)" {
	ctr_run_d --pids-limit 5 sleep 300
	cgroup_of "$CID"
	[ "$(cat "$CG/pids.max")" = 5 ]
	# Their output goes to /dev/null: sleeps left holding the pipe would keep `run` waiting.
	run --separate-stderr "$BURROW" exec "$CID" sh -c \
		'for i in 1 2 3 4 5 6 7 8; do sleep 20 >/dev/null 2>&1 & done; echo all-started'
	[ "$status" -ne 0 ] || { _show; false; }
	[[ "$output" != *all-started* ]] || { _show; false; }
	[[ "$stderr" == *"can't fork"* || "$stderr" == *"Resource temporarily unavailable"* ]] || { _show; false; }
	grep -qE '^max [1-9]' "$CG/pids.events" || { cat "$CG/pids.events"; false; }
	[ "$(cat "$CG/pids.current")" -le 5 ]
}

@test "exec: the process runs in the container's cgroup, which is its cgroup namespace root" {
	ctr_run_d --memory 64m sleep 300
	cgroup_of "$CID"
	run --separate-stderr "$BURROW" exec "$CID" cat /proc/self/cgroup
	assert_ok "0::/"
	# Seen from outside: a process started by exec is listed in the container's cgroup.procs.
	"$BURROW" exec "$CID" sleep 21 >/dev/null 2>&1 3>&- </dev/null &
	BG_PID=$!
	local pid found=
	for _ in $(seq 100); do
		for pid in $(cat "$CG/cgroup.procs"); do
			[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" = "sleep 21 " ] && found=$pid
		done
		[ -n "$found" ] && break
		sleep 0.1
	done
	[ -n "$found" ] || { echo "no 'sleep 21' in $CG: $(cat "$CG/cgroup.procs")"; ps -ef; false; }
}

@test "OOM of a detached container: wait prints 137 and inspect says OOMKilled" {
	ctr_run_d --memory 32m sh -c 'exec dd if=/dev/zero of=/dev/null bs=64M count=1'
	run --separate-stderr timeout 20 "$BURROW" wait "$CID"
	assert_ok 137
	run --separate-stderr "$BURROW" inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.State.OOMKilled}}' "$CID"
	assert_ok "exited 137 true"
	assert_no_container_cgroup
}

@test "a detached container that exits on its own is not OOMKilled" {
	ctr_run_d --memory 32m sh -c 'exit 3'
	run --separate-stderr timeout 20 "$BURROW" wait "$CID"
	assert_ok 3
	run --separate-stderr "$BURROW" inspect --format '{{.State.OOMKilled}}' "$CID"
	assert_ok false
	assert_no_container_cgroup
}

@test "kill -9 of the supervisor: rm removes the container's (now empty) cgroup and nothing burrow-* is left" {
	ctr_run_d --memory 64m --pids-limit 50 sleep 300
	cgroup_of "$CID"
	local storage sup
	storage=$("$BURROW" inspect --format '{{.StoragePath}}' "$CID")
	sup=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["SupervisorPid"])' "$storage/state.json")
	[ "$sup" -gt 0 ] && [ "$(cat "/proc/$sup/comm")" = burrow ] || { echo "SupervisorPid ${sup@Q}"; false; }
	kill -KILL "$sup"
	wait_cgroup_empty "$CG"
	run --separate-stderr "$BURROW" rm "$CID"
	assert_ok "$CID"
	[ ! -e "$CG" ] || { echo "$CG is still there after rm"; false; }
	assert_no_container_cgroup
	run --separate-stderr "$BURROW" ps -a -q
	assert_ok ""
}
