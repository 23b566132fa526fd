#!/usr/bin/env bats
# Kept containers when things go wrong: the supervisor or the workload killed with SIGKILL (ps tells the truth, rm
# cleans everything), many containers started at once by one user, racing commands, the terminal that started a
# container going away, and malformed ids, names, signals, filters and times (one line, 125).

load helpers

setup_file() { burrow_setup_file; }
setup() { ctr_setup; }
teardown() { ctr_teardown; }

RUNTIME="${XDG_RUNTIME_DIR:-/tmp/burrow-$(id -u)}/burrow"

# wait_dead PID: wait (10 s) until the process is gone (or a zombie).
wait_dead() {
	local i
	for i in $(seq 100); do
		pid_alive "$1" || return 0
		sleep 0.1
	done
	echo "process $1 still runs: $(ps -o pid=,stat=,args= -p "$1")" >&2
	return 1
}

@test "kill -9 of the supervisor: the container ends, ps -a shows it Exited (unknown), rm removes everything" {
	leak_snapshot
	ctr_run_d --name orphan sleep 60
	local pid sup
	pid=$(ctr_state "$CID" Pid)
	sup=$(ctr_state "$CID" SupervisorPid)
	kill -KILL "$sup"
	wait_dead "$sup"
	wait_dead "$pid"
	run --separate-stderr "$BURROW" ps -a --format '{{.Names}} {{.State}} {{.Status}}'
	assert_ok "orphan exited Exited (unknown)"
	run --separate-stderr "$BURROW" ps -q
	assert_ok ""
	run --separate-stderr "$BURROW" inspect --format '{{.State.Status}} {{.State.Running}} {{.State.Pid}}' orphan
	assert_ok "exited false 0"
	run --separate-stderr "$BURROW" rm orphan
	assert_ok "orphan"
	[ ! -e "$BURROW_ROOT/containers/$CID" ] && [ ! -e "$RUNTIME/$CID" ] && [ ! -L "$BURROW_ROOT/names/orphan" ] ||
		{ ls -la "$BURROW_ROOT/containers" "$RUNTIME/$CID" "$BURROW_ROOT/names"; false; }
	leak_check
}

@test "kill -9 of the supervisor of a fuse-overlayfs, slirp container with a port: rm leaves no helper, the port is free" {
	require_cmd fuse-overlayfs
	python3 "$TESTS_DIR/images/mkarchive.py" --format docker-archive --out "$BATS_TEST_TMPDIR/img.tar" \
		--name localhost/robust:latest --layer "$ROOTFS" >/dev/null
	"$BURROW" load -q -i "$BATS_TEST_TMPDIR/img.tar" >/dev/null
	leak_snapshot
	CID=$("$BURROW" run -d --name orphan --storage-driver fuse-overlayfs -p 127.0.0.1::80 robust \
		sh -c 'echo x >/file; exec httpd -f -p 80' 3>&-)
	local sup port
	port=$("$BURROW" inspect --format '{{json .NetworkSettings.Ports}}' orphan |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["80/tcp"][0]["HostPort"])')
	sup=$(ctr_state "$CID" SupervisorPid)
	kill -KILL "$sup"
	wait_dead "$sup"
	ctr_wait_for orphan '{{.State.Status}}' exited
	run --separate-stderr "$BURROW" rm orphan
	assert_ok "orphan"
	[ ! -e "$BURROW_ROOT/containers/$CID" ] || { ls -la "$BURROW_ROOT/containers/$CID"; false; }
	for _ in $(seq 50); do
		! pgrep -u "$(id -u)" -f 'fuse-overlayfs|burrow-slirp|burrow-ports' >/dev/null && break
		sleep 0.1
	done
	leak_check
	python3 -c 'import socket, sys; s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$port" ||
		{ echo "port $port is still bound"; false; }
}

@test "kill -9 of the workload: the container exits with 137" {
	ctr_run_d --name victim sh -c 'touch /tmp/ready; exec sleep 60'
	ctr_wait_file victim /tmp/ready
	local init workload
	init=$(ctr_state "$CID" Pid)
	workload=$(pgrep -P "$init" -x sleep)
	[ -n "$workload" ] || { ps -o pid,ppid,args --ppid "$init"; false; }
	kill -KILL "$workload"
	run --separate-stderr timeout 10 "$BURROW" wait victim
	assert_ok "137"
	run --separate-stderr "$BURROW" ps -a --format '{{.Status}}'
	[[ "$output" =~ ^Exited\ \(137\) ]] || { _show; false; }
}

@test "kill -9 of the container's init: the container exits with 137 and its supervisor finishes" {
	ctr_run_d --name victim sleep 60
	local init sup
	init=$(ctr_state "$CID" Pid)
	sup=$(ctr_state "$CID" SupervisorPid)
	kill -KILL "$init"
	run --separate-stderr timeout 10 "$BURROW" wait victim
	assert_ok "137"
	wait_dead "$sup"
}

@test "50 containers started at once by one user all run, are all listed, and rm -f removes them all" {
	leak_snapshot
	local i pids=() failed=0
	for i in $(seq 50); do
		"$BURROW" run -d --name "p$i" --network none --tmpfs /tmp --rootfs "$ROOTFS" sleep 60 \
			>"$BATS_TEST_TMPDIR/out$i" 2>"$BATS_TEST_TMPDIR/err$i" 3>&- &
		pids+=($!)
	done
	for i in $(seq 50); do
		wait "${pids[$((i - 1))]}" || { failed=1; echo "p$i: $(cat "$BATS_TEST_TMPDIR/err$i")"; }
	done
	[ "$failed" -eq 0 ]
	run --separate-stderr "$BURROW" ps --format '{{.Names}} {{.State}}'
	assert_status 0
	[ "$(sort <<<"$output")" = "$(for i in $(seq 50); do echo "p$i running"; done | sort)" ] || { _show; false; }
	run --separate-stderr "$BURROW" rm -f -t 2 $(seq -f 'p%g' 50)
	assert_ok "$(seq -f 'p%g' 50)"
	run --separate-stderr "$BURROW" ps -a -q
	assert_ok ""
	[ -z "$(ls -A "$BURROW_ROOT/containers")" ] || { ls -la "$BURROW_ROOT/containers"; false; }
	leak_check
}

@test "two rm -f of the same container racing: it is removed once, the loser says so in one line" {
	ctr_run_d --name contested sleep 60
	"$BURROW" rm -f -t 1 contested >"$BATS_TEST_TMPDIR/out1" 2>"$BATS_TEST_TMPDIR/err1" 3>&- &
	local p1=$!
	"$BURROW" rm -f -t 1 contested >"$BATS_TEST_TMPDIR/out2" 2>"$BATS_TEST_TMPDIR/err2" 3>&- &
	local p2=$! s1=0 s2=0
	wait "$p1" || s1=$?
	wait "$p2" || s2=$?
	cat "$BATS_TEST_TMPDIR"/err* >&2
	[ "$s1" -eq 0 ] || [ "$s2" -eq 0 ]
	for i in 1 2; do
		local s=s$i
		[ "${!s}" -eq 0 ] || { [ "${!s}" -eq 125 ] && [ "$(wc -l <"$BATS_TEST_TMPDIR/err$i")" -eq 1 ]; }
	done
	[ ! -e "$BURROW_ROOT/containers/$CID" ]
}

@test "a detached container outlives the terminal session that started it" {
	run ptydrive -- "$BURROW" run -d --name survivor --network none --tmpfs /tmp --rootfs "$ROOTFS" sleep 60
	[ "$status" -eq 0 ] || { _show; false; }
	[[ "${lines[0]}" =~ ^[0-9a-f]{64} ]] || { _show; false; }
	sleep 0.5
	run --separate-stderr "$BURROW" inspect --format '{{.State.Status}}' survivor
	assert_ok "running"
}

@test "a name whose container directory is gone is free again" {
	ctr_run_d --name stale true
	"$BURROW" wait stale >/dev/null
	rm -rf "${BURROW_ROOT:?}/containers/$CID"
	ctr_run_d --name stale sleep 60
	run --separate-stderr "$BURROW" inspect --format '{{.Id}}' stale
	assert_ok "$CID"
}

@test "malformed ids, names, signals, filters, --tail and --since fail with one line and 125" {
	ctr_run_d --name target sleep 60
	local long
	long=$(printf 'x%.0s' $(seq 300))
	local -a cases=(
		"rm|" "rm|.." "rm|../names/target" "rm|*" "stop|a b" "kill|$long" "wait|-" "logs|/etc/passwd"
		"start|target/" "exec|..|true" "inspect|-f|{{.Id}}|a b"
		"run|-d|--name|a b|--rootfs|$ROOTFS|true" "run|-d|--name|$long|--rootfs|$ROOTFS|true"
		"run|-d|--name|target/x|--rootfs|$ROOTFS|true" "run|-d|--stop-signal|NOPE|--rootfs|$ROOTFS|true"
		"kill|-s|NOPE|target" "kill|-s|99|target" "kill|-s|SIGRTMAX+1|target"
		"ps|--filter|nope=1" "ps|--filter|status=zombie" "ps|--filter|name=["
		"logs|--tail|ten|target" "logs|--tail|1e3|target" "logs|--since|tomorrow|target"
		"logs|--since|2026-02-30T00:00:00Z|target" "logs|--until|-|target" "stop|-t|ten|target"
	)
	local c
	local failed=0
	for c in "${cases[@]}"; do
		IFS='|' read -r -a args <<<"$c"
		[[ "$c" == *"|" ]] && args+=("")
		run --separate-stderr "$BURROW" "${args[@]}"
		if [ "${args[0]}" = inspect ]; then
			assert_inspect_error || { echo "burrow ${args[*]@Q}" >&2; failed=1; }
		else
			assert_ctr_error || { echo "burrow ${args[*]@Q}" >&2; failed=1; }
		fi
	done
	[ "$failed" -eq 0 ]
	run --separate-stderr "$BURROW" ps -a --format '{{.Names}} {{.State}}'
	assert_ok "target running"
}
