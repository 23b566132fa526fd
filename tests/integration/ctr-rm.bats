#!/usr/bin/env bats
# burrow rm [-f] [-a] and burrow container prune: removing a container takes its writable layer, log, record, name and
# runtime directory; a running container only with -f (stopped first), never by prune. Nothing of it is left: no
# process, no mount, no file.

load helpers

setup_file() {
	burrow_setup_file
	python3 "$TESTS_DIR/images/mkarchive.py" --format docker-archive --out "$BATS_FILE_TMPDIR/img.tar" \
		--name localhost/rmtest:latest --layer "$ROOTFS" >/dev/null
}
setup() { ctr_setup; }
teardown() { ctr_teardown; }

RUNTIME="${XDG_RUNTIME_DIR:-/tmp/burrow-$(id -u)}/burrow"

# assert_removed ID NAME: nothing of the container is left in the store or the runtime directory.
assert_removed() {
	[ ! -e "$BURROW_ROOT/containers/$1" ] || { echo "left: $(ls -la "$BURROW_ROOT/containers/$1")"; return 1; }
	[ ! -L "$BURROW_ROOT/names/$2" ] || { echo "left: the name $2"; return 1; }
	[ ! -e "$RUNTIME/$1" ] || { echo "left: $RUNTIME/$1"; return 1; }
	run --separate-stderr "$BURROW" inspect "$2"
	assert_inspect_error
}

@test "rm removes an exited container: its directory, name and runtime directory" {
	ctr_run_d --name ended sh -c 'echo logged'
	"$BURROW" wait ended >/dev/null
	[ -e "$BURROW_ROOT/containers/$CID/ctr.log" ]
	run --separate-stderr "$BURROW" rm ended
	assert_ok "ended"
	assert_removed "$CID" ended
	run --separate-stderr "$BURROW" ps -a -q
	assert_ok ""
}

@test "the name of a removed container can be used again" {
	ctr_run_d --name again true
	"$BURROW" wait again >/dev/null
	"$BURROW" rm again >/dev/null
	ctr_run_d --name again sleep 60
	run --separate-stderr "$BURROW" inspect --format '{{.Id}}' again
	assert_ok "$CID"
}

@test "rm refuses a running container without -f, with one line and 125, and it keeps running" {
	ctr_run_d --name busy sleep 60
	run --separate-stderr "$BURROW" rm busy
	assert_ctr_error
	assert_stderr_contains "running"
	run --separate-stderr "$BURROW" inspect --format '{{.State.Status}}' busy
	assert_ok "running"
	kill -0 "$(ctr_state "$CID" Pid)"
}

@test "rm -f stops and removes a running container, leaving no process, mount or file" {
	leak_snapshot
	ctr_run_d --name busy sh -c 'trap "" TERM; while :; do sleep 1 & wait; done'
	local pid sup
	pid=$(ctr_state "$CID" Pid)
	sup=$(ctr_state "$CID" SupervisorPid)
	run --separate-stderr "$BURROW" rm -f -t 1 busy
	assert_ok "busy"
	assert_removed "$CID" busy
	! pid_alive "$pid" && ! pid_alive "$sup" || { ps -o pid,stat,args -p "$pid,$sup"; false; }
	leak_check
}

@test "rm -f of an image container removes its writable layer, files of other owners included" {
	require_subid
	"$BURROW" load -q -i "$BATS_FILE_TMPDIR/img.tar" >/dev/null
	leak_snapshot
	CID=$("$BURROW" run -d --name layered --network none rmtest sh -c '
		mkdir -p /data/sub; echo x >/data/sub/f; chown -R 1000:1000 /data; touch /ready; exec sleep 60' 3>&-)
	ctr_wait_file layered /ready
	[ -d "$BURROW_ROOT/containers/$CID" ]
	run --separate-stderr "$BURROW" rm -f layered
	assert_ok "layered"
	assert_removed "$CID" layered
	leak_check
}

@test "rm -f of a fuse-overlayfs container with a network leaves no fuse-overlayfs or slirp process" {
	require_cmd fuse-overlayfs
	"$BURROW" load -q -i "$BATS_FILE_TMPDIR/img.tar" >/dev/null
	leak_snapshot
	CID=$("$BURROW" run -d --name fused --storage-driver fuse-overlayfs rmtest sh -c 'touch /ready; exec sleep 60' 3>&-)
	ctr_wait_file fused /ready
	pgrep -u "$(id -u)" -f "fuse-overlayfs.*$CID" >/dev/null || { pgrep -a fuse-overlayfs; false; }
	run --separate-stderr "$BURROW" rm -f fused
	assert_ok "fused"
	assert_removed "$CID" fused
	leak_check
}

@test "rm of several containers removes each; an unknown or running one is an error line, the others go" {
	ctr_run_d --name one true
	ctr_run_d --name two true
	ctr_run_d --name up sleep 60
	"$BURROW" wait one two >/dev/null
	run --separate-stderr "$BURROW" rm one nosuch up two
	assert_status 125
	assert_output "$(printf 'one\ntwo')"
	[ "${#stderr_lines[@]}" -eq 2 ] || { _show; false; }
	run --separate-stderr "$BURROW" ps -a --format '{{.Names}}'
	assert_ok "up"
}

@test "rm -a removes every container that is not running; rm -a -f every one" {
	ctr_run_d --name one true
	ctr_run_d --name up sleep 60
	"$BURROW" wait one >/dev/null
	run --separate-stderr "$BURROW" rm -a
	assert_status 125
	[[ "$output" =~ ^[0-9a-f]{64}$ ]] || { _show; false; }
	run --separate-stderr "$BURROW" ps -a --format '{{.Names}}'
	assert_ok "up"
	run --separate-stderr "$BURROW" rm -a -f
	assert_ok "$CID"
	assert_removed "$CID" up
	run --separate-stderr "$BURROW" ps -a -q
	assert_ok ""
}

@test "container prune -f removes only the containers that are not running" {
	ctr_run_d --name one sh -c 'exit 1'
	local one=$CID
	ctr_run_d --name two true
	local two=$CID
	ctr_run_d --name up sleep 60
	"$BURROW" wait one two >/dev/null
	run --separate-stderr "$BURROW" container prune -f
	assert_status 0
	[ "$(sort <<<"$output")" = "$(printf '%s\n' "$one" "$two" | sort)" ] || { _show; false; }
	run --separate-stderr "$BURROW" ps -a --format '{{.Names}} {{.State}}'
	assert_ok "up running"
	assert_removed "$one" one
}

@test "container prune without -f asks first and removes nothing unless the answer is y" {
	ctr_run_d --name one true
	"$BURROW" wait one >/dev/null
	run --separate-stderr "$BURROW" container prune <<<"n"
	assert_status 0
	run --separate-stderr "$BURROW" ps -a -q --no-trunc
	assert_ok "$CID"
	run --separate-stderr "$BURROW" container prune <<<"y"
	assert_status 0
	assert_output_contains "$CID"
	run --separate-stderr "$BURROW" ps -a -q
	assert_ok ""
}

@test "rm -v is accepted; rm without a container, or with a bad -t, fails with one line and 125" {
	ctr_run_d --name vol true
	"$BURROW" wait vol >/dev/null
	run --separate-stderr "$BURROW" rm -v vol
	assert_ok "vol"
	run --separate-stderr "$BURROW" rm
	assert_ctr_error
	run --separate-stderr "$BURROW" rm -f -t x whatever
	assert_ctr_error
	run --separate-stderr "$BURROW" container prune extra
	assert_ctr_error
}
