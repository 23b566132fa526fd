# Shared helpers for the integration tests. Every .bats file starts with
#
#   load helpers
#   setup_file() { burrow_setup_file; }
#
# The tests run as an unprivileged user against the real binary ($BURROW, default build/burrow) and a busybox rootfs
# made once per file by tests/make-rootfs.sh.

bats_require_minimum_version 1.5.0

TESTS_DIR=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
REPO_DIR=$(cd "$TESTS_DIR/.." && pwd)
: "${BURROW:=$REPO_DIR/build/burrow}"
export BURROW

# The default PATH burrow gives a container.
DEFAULT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# An error from burrow: one line, "burrow: <what>: <why>".
ERROR_LINE_REGEX='^burrow: [^ ].*: [^ ].*$'

burrow_setup_file() {
	if [ ! -x "$BURROW" ]; then
		echo "burrow binary not found at $BURROW (build it, or set BURROW)" >&2
		return 1
	fi
	export ROOTFS="$BATS_FILE_TMPDIR/rootfs"
	"$TESTS_DIR/make-rootfs.sh" "$ROOTFS"
}

# burrow_run [RUN OPTIONS...] CMD [ARG...]: bats' `run` of `burrow run --rootfs $ROOTFS ...`, with stderr kept apart
# in $stderr / $stderr_lines. Check the result with the assert_* functions below.
burrow_run() {
	run --separate-stderr "$BURROW" run --rootfs "$ROOTFS" "$@"
}

# ---------------------------------------------------------------------------------------------------------------
# Assertions. Each prints what it saw on failure (bats shows it).

_show() {
	echo "status: $status" >&2
	echo "stdout: ${output@Q}" >&2
	echo "stderr: ${stderr@Q}" >&2
}

assert_status() {
	if [ "$status" -ne "$1" ]; then
		echo "expected status $1" >&2
		_show
		return 1
	fi
}

assert_output() {
	if [ "$output" != "$1" ]; then
		echo "expected stdout: ${1@Q}" >&2
		_show
		return 1
	fi
}

assert_stderr() {
	if [ "$stderr" != "$1" ]; then
		echo "expected stderr: ${1@Q}" >&2
		_show
		return 1
	fi
}

assert_output_matches() {
	if ! [[ "$output" =~ $1 ]]; then
		echo "expected stdout to match: $1" >&2
		_show
		return 1
	fi
}

assert_stderr_contains() {
	if [[ "$stderr" != *"$1"* ]]; then
		echo "expected stderr to contain: ${1@Q}" >&2
		_show
		return 1
	fi
}

assert_output_contains() {
	if [[ "$output" != *"$1"* ]]; then
		echo "expected stdout to contain: ${1@Q}" >&2
		_show
		return 1
	fi
}

# Success: status 0, given stdout, empty stderr.
assert_ok() {
	assert_status 0
	assert_output "$1"
	assert_stderr ""
}

# A burrow failure: status (default 125), no stdout, exactly one stderr line "burrow: <what>: <why>".
assert_burrow_error() {
	local want=${1:-125}
	assert_status "$want"
	if [ -n "$output" ]; then
		echo "expected empty stdout" >&2
		_show
		return 1
	fi
	if [ "${#stderr_lines[@]}" -ne 1 ] || ! [[ "${stderr_lines[0]}" =~ $ERROR_LINE_REGEX ]]; then
		echo "expected exactly one stderr line 'burrow: <what>: <why>'" >&2
		_show
		return 1
	fi
}

# ---------------------------------------------------------------------------------------------------------------
# Subordinate ids of the caller, from /etc/subuid and /etc/subgid (first matching line, by name or uid).

_subid_field() { # FILE FIELD
	awk -F: -v name="$(id -un)" -v uid="$(id -u)" -v f="$2" '($1 == name || $1 == uid) && $3 > 0 { print $f; exit }' "$1" 2>/dev/null
}

SUBUID_START=$(_subid_field /etc/subuid 2)
SUBUID_COUNT=$(_subid_field /etc/subuid 3)
SUBGID_START=$(_subid_field /etc/subgid 2)
SUBGID_COUNT=$(_subid_field /etc/subgid 3)
# burrow maps container ids 1..65536 at most.
[ -n "$SUBUID_COUNT" ] && [ "$SUBUID_COUNT" -gt 65536 ] && SUBUID_COUNT=65536
[ -n "$SUBGID_COUNT" ] && [ "$SUBGID_COUNT" -gt 65536 ] && SUBGID_COUNT=65536

# Tests that need a subordinate range: skip without one, unless the harness says the caller must have one.
require_subid() {
	if [ -z "$SUBUID_START" ] || [ -z "$SUBGID_START" ]; then
		if [ "${BURROW_REQUIRE_SUBID:-0}" = 1 ]; then
			echo "caller $(id -un) has no subordinate id range, but the harness requires one" >&2
			return 1
		fi
		skip "caller has no range in /etc/subuid and /etc/subgid"
	fi
}

# Tests of the single-id fallback: need a caller without a subordinate range.
require_nosubid() {
	if [ -n "$SUBUID_START" ] || [ -n "$SUBGID_START" ]; then
		if [ "${BURROW_NOSUB_TESTS:-0}" = 1 ]; then
			echo "caller $(id -un) has a subordinate id range, but the harness runs this file as the no-range user" >&2
			return 1
		fi
		skip "caller has a range in /etc/subuid or /etc/subgid (run as a user without one)"
	fi
}

# make_traversable PATH: chmod go+x PATH and every ancestor the caller owns, so that subordinate ids (a container
# whose --uidmap leaves out the caller) can reach it.
make_traversable() {
	local dir
	dir=$(cd "$1" && pwd) || return 1
	while [ "$dir" != / ]; do
		[ -O "$dir" ] && chmod go+x "$dir"
		dir=$(dirname "$dir")
	done
}

require_cmd() {
	command -v "$1" >/dev/null 2>&1 || skip "$1 not installed"
}

# ---------------------------------------------------------------------------------------------------------------
# Leak checks. leak_snapshot records the caller's mounts, processes and the rootfs listing; leak_check compares.
# Processes of interest: the caller's own and those in its subordinate range, except the test shell's ancestors
# (bats) and descendants (the ps pipeline itself), and except zombies whose parent is the host's pid 1: those are
# dead, waiting for an init to reap them (bats' own timeout watchdog leaves some when pid 1 does not reap promptly).

_leak_processes() {
	local self=$BASHPID me lo=${SUBUID_START:-0} hi=$((${SUBUID_START:-0} + ${SUBUID_COUNT:-0}))
	me=$(id -u)
	ps -e -o pid=,ppid=,uid=,stat=,comm=,args= |
		awk -v self="$self" -v me="$me" -v lo="$lo" -v hi="$hi" '
			{ line[$1] = $0; parent[$1] = $2; uid[$1] = $3; state[$1] = $4 }
			END {
				for (p = self; p in parent && p > 1; p = parent[p]) skip[p] = 1
				do {
					changed = 0
					for (p in parent)
						if (!(p in skip) && (parent[p] == self || (parent[p] in desc))) { desc[p] = 1; changed = 1; skip[p] = 1 }
				} while (changed)
				for (p in line) {
					if (p in skip) continue
					if (!(uid[p] == me || (uid[p] >= lo && uid[p] < hi))) continue
					if (state[p] ~ /^Z/ && parent[p] == 1) continue
					print line[p]
				}
			}' |
		sort
}

_rootfs_listing() {
	(cd "$ROOTFS" && find . | sort)
}

leak_snapshot() {
	cat /proc/$BASHPID/mountinfo >"$BATS_TEST_TMPDIR/mountinfo.before"
	_leak_processes >"$BATS_TEST_TMPDIR/processes.before"
	_rootfs_listing >"$BATS_TEST_TMPDIR/rootfs.before"
}

# leak_check [ALLOWED_NEW_ROOTFS_PATH...]: fail, showing the difference, if a mount, a process or a file in the
# rootfs appeared since leak_snapshot. Paths are relative to the rootfs, like "./data".
leak_check() {
	local failed=0 path
	cat /proc/$BASHPID/mountinfo >"$BATS_TEST_TMPDIR/mountinfo.after"
	if ! diff -u "$BATS_TEST_TMPDIR/mountinfo.before" "$BATS_TEST_TMPDIR/mountinfo.after" >&2; then
		echo "mounts changed in the caller's mount namespace" >&2
		failed=1
	fi
	_leak_processes >"$BATS_TEST_TMPDIR/processes.after"
	# Processes that exist now but did not before (by pid and command).
	if comm -13 "$BATS_TEST_TMPDIR/processes.before" "$BATS_TEST_TMPDIR/processes.after" | grep . >&2; then
		echo "processes left behind (above)" >&2
		failed=1
	fi
	_rootfs_listing >"$BATS_TEST_TMPDIR/rootfs.after"
	for path in "$@"; do
		echo "$path" >>"$BATS_TEST_TMPDIR/rootfs.before"
	done
	sort -u -o "$BATS_TEST_TMPDIR/rootfs.before" "$BATS_TEST_TMPDIR/rootfs.before"
	if comm -13 "$BATS_TEST_TMPDIR/rootfs.before" "$BATS_TEST_TMPDIR/rootfs.after" | grep . >&2; then
		echo "new files in the rootfs (above)" >&2
		failed=1
	fi
	return $failed
}

# ---------------------------------------------------------------------------------------------------------------
# Background runs: start burrow with stdout on a FIFO, wait until the workload printed its first line (so it is
# running), then act on it. No sleeps: readiness is the line itself.

# burrow_start_background [RUN OPTIONS...] CMD...: sets BG_PID (burrow's pid), BG_OUT (rest of stdout, a file after
# the first line), BG_ERR (stderr file), READY_LINE (the first line). The workload must print one line first.
burrow_start_background() {
	start_background --rootfs "$ROOTFS" "$@"
}

# start_background RUN-ARGS...: the same for any `burrow run` command line (an image, or a --rootfs of the test's own).
start_background() {
	local fifo="$BATS_TEST_TMPDIR/ready.fifo"
	rm -f "$fifo"
	mkfifo "$fifo"
	BG_ERR="$BATS_TEST_TMPDIR/bg.stderr"
	BG_OUT="$BATS_TEST_TMPDIR/bg.stdout"
	# fd 3 is bats' own output channel: a background job must not keep it open.
	"$BURROW" run "$@" >"$fifo" 2>"$BG_ERR" </dev/null 3>&- &
	BG_PID=$!
	exec {BG_FD}<"$fifo"
	READY_LINE=
	IFS= read -r -u "$BG_FD" READY_LINE || true
	# Keep draining the rest of stdout into a file, so the workload never blocks on a full pipe.
	cat <&"$BG_FD" >"$BG_OUT" 3>&- &
	BG_CAT=$!
	exec {BG_FD}<&-
}

# burrow_wait_background: wait for burrow; sets BG_STATUS, and output/stderr from the files.
burrow_wait_background() {
	BG_STATUS=0
	wait "$BG_PID" || BG_STATUS=$?
	wait "$BG_CAT" || true
	output=$(cat "$BG_OUT")
	stderr=$(cat "$BG_ERR")
	status=$BG_STATUS
}

# ---------------------------------------------------------------------------------------------------------------
# Pseudo-terminal driver (tests/integration/ptydrive.py).
ptydrive() {
	python3 "$BATS_TEST_DIRNAME/ptydrive.py" "$@"
}

# stop_test_processes: for teardown(); kills, by PID, the test servers a test recorded in SERVER_PIDS and a
# background burrow it left in BG_PID.
stop_test_processes() {
	local pid
	for pid in "${SERVER_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	if [ -n "${BG_PID:-}" ]; then
		kill -KILL "$BG_PID" 2>/dev/null
		wait "$BG_PID" 2>/dev/null
	fi
	true
}

# ---------------------------------------------------------------------------------------------------------------
# Kept containers (run -d, ps, stop, rm...), for the ctr-*.bats files. Each test uses a store of its own (ctr_setup),
# so that ps sees only its containers, and removes them all in teardown (ctr_teardown).

# ctr_setup: for setup(): BURROW_ROOT is a new store in the test's directory.
ctr_setup() {
	export BURROW_ROOT="$BATS_TEST_TMPDIR/store"
}

# ctr_run_d [RUN OPTIONS...] CMD...: `burrow run -d --network none --tmpfs /tmp --rootfs $ROOTFS ...`; sets CID, and
# fails unless burrow printed an id. The containers share the rootfs directory: a /tmp of its own keeps what one
# container writes there (ready markers) from the next. fd 3 (bats' own) is closed, as for any background job.
ctr_run_d() {
	CID=$("$BURROW" run -d --network none --tmpfs /tmp --rootfs "$ROOTFS" "$@" 3>&-) || return 1
	[[ "$CID" =~ ^[0-9a-f]{64}$ ]] || { echo "run -d printed ${CID@Q}, not an id" >&2; return 1; }
}

# pid_alive PID: the process exists and is not a zombie (a dead supervisor waits for the host's pid 1 to reap it).
pid_alive() {
	local state
	state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	[[ "$state" != Z* ]]
}

# ctr_state ID KEY: KEY of the container's state.json (Status, Pid, SupervisorPid, ExitCode...).
ctr_state() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
		"$BURROW_ROOT/containers/$1/state.json" "$2"
}

# ctr_wait_for NAME TEMPLATE VALUE: wait (10 s at most) until `burrow inspect --format TEMPLATE NAME` prints VALUE.
ctr_wait_for() {
	local got i
	for i in $(seq 100); do
		got=$("$BURROW" inspect --format "$2" "$1" 2>&1) || true
		[ "$got" = "$3" ] && return 0
		sleep 0.1
	done
	echo "container $1: $2 is ${got@Q}, not ${3@Q} after 10 s" >&2
	return 1
}

# ctr_wait_file ID PATH: wait (10 s) until the container (running) has written PATH in its root.
ctr_wait_file() {
	local i
	for i in $(seq 100); do
		"$BURROW" exec "$1" test -e "$2" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "container $1 did not create $2 within 10 s" >&2
	return 1
}

# ctr_teardown: for teardown(): rm -f every container of the test's store; supervisors that survive that are killed
# by their pid (they are the test's own), so that one failing test does not leave processes for the others.
ctr_teardown() {
	[ -n "${BURROW_ROOT:-}" ] || return 0
	"$BURROW" rm -f -t 0 -a >/dev/null 2>&1 3>&-
	local dir pid
	for dir in "$BURROW_ROOT"/containers/*/; do
		[ -f "$dir/state.json" ] || continue
		pid=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get("SupervisorPid", 0))' "$dir/state.json" 2>/dev/null)
		[ -n "$pid" ] && [ "$pid" -gt 0 ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = burrow ] && kill -KILL "$pid"
	done
	"$BURROW" rm -f -t 0 -a >/dev/null 2>&1 3>&-
	true
}

# assert_ctr_error [STATUS]: status (default 125), no stdout, exactly one stderr line "burrow: ...".
assert_ctr_error() {
	assert_status "${1:-125}" || return 1
	if [ -n "$output" ] || [ "${#stderr_lines[@]}" -ne 1 ] || [[ "${stderr_lines[0]}" != "burrow: "?* ]]; then
		echo "expected no stdout and exactly one stderr line 'burrow: ...'" >&2
		_show
		return 1
	fi
}

# assert_inspect_error: as assert_ctr_error, but stdout may be an empty JSON array, as podman's inspect prints it.
assert_inspect_error() {
	local out=$output
	[ "$(tr -d ' \n' <<<"$output")" = "[]" ] && output=
	assert_ctr_error "$@"
	local rc=$?
	output=$out
	return $rc
}

# ---------------------------------------------------------------------------------------------------------------
# OCI runtime mode (oci-*.bats): `burrow-oci` (the link that behaves as `burrow oci`) on bundles made by the test,
# each test with a state root (--root) of its own, so that no test sees another's containers.

OCI_BIN="$(dirname "$BURROW")/burrow-oci"

# oci_setup: for setup(): OCI_ROOT, the --root of every command, and BUNDLE, a bundle made by `spec --rootless` with
# root.path $ROOTFS and process.terminal false (the tests have no terminal unless they make one).
oci_setup() {
	OCI_ROOT="$BATS_TEST_TMPDIR/ocistate"
	BUNDLE="$BATS_TEST_TMPDIR/bundle"
	OCI_PIDS=()
	mkdir -p "$BUNDLE"
	"$OCI_BIN" spec --rootless --bundle "$BUNDLE" || return 1
	oci_config 'c["root"]["path"] = os.environ["ROOTFS"]' 'c["process"]["terminal"] = False'
}

# oci_config STATEMENT...: edit $BUNDLE/config.json (or $CONFIG) with python statements on the dict c.
oci_config() {
	python3 - "${CONFIG:-$BUNDLE/config.json}" "$@" <<-'PY'
		import json, os, sys
		path = sys.argv[1]
		c = json.load(open(path))
		for statement in sys.argv[2:]:
		    exec(statement)
		with open(path, "w") as f:
		    json.dump(c, f, indent=1)
	PY
}

# oci_args ARG...: process.args of the bundle.
oci_args() {
	python3 - "$BUNDLE/config.json" "$@" <<-'PY'
		import json, sys
		c = json.load(open(sys.argv[1]))
		c["process"]["args"] = sys.argv[2:]
		json.dump(c, open(sys.argv[1], "w"), indent=1)
	PY
}

# oci ARG...: burrow-oci --root $OCI_ROOT ARG..., without bats' fd 3 (a container outlives the command).
oci() {
	"$OCI_BIN" --root "$OCI_ROOT" "$@" 3>&-
}

# oci_run ARG...: bats' run of `oci ARG...`, stderr in $stderr. Only for commands that leave no process holding
# stdout (create and run --detach: use oci_create). fd 3 is closed for the command only: bats' run itself writes
# to it (a warning on status 127).
oci_run() {
	run --separate-stderr oci "$@"
}

# oci_create ID [CREATE OPTIONS...]: create ID from $BUNDLE; the container's stdout and stderr go to
# $BATS_TEST_TMPDIR/ID.out and ID.err (the container keeps them open). Fails, showing stderr, when create fails.
# oci_create_verb VERB ID [OPTIONS...]: the same for `run --detach`.
oci_create() {
	oci_create_verb create "$@"
}
oci_create_verb() {
	local verb=$1 id=$2
	shift 2
	if ! oci "$verb" --bundle "$BUNDLE" "$@" "$id" >"$BATS_TEST_TMPDIR/$id.out" 2>"$BATS_TEST_TMPDIR/$id.err" </dev/null; then
		echo "burrow-oci $verb $id failed: $(cat "$BATS_TEST_TMPDIR/$id.err")" >&2
		return 1
	fi
}

# oci_state ID KEY: KEY of `state ID` (status, pid, bundle, ...; annotations.KEY for an annotation).
oci_state() {
	oci state "$1" | python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split(".", 1) if sys.argv[1].startswith("annotations.") else [sys.argv[1]]:
    v = v[k]
print(v)' "$2"
}

# oci_wait_status ID STATUS: wait (10 s at most) until `state ID` reports STATUS.
oci_wait_status() {
	local got i
	for i in $(seq 100); do
		got=$(oci_state "$1" status 2>&1) || true
		[ "$got" = "$2" ] && return 0
		sleep 0.1
	done
	echo "container $1 is ${got@Q}, not $2, after 10 s" >&2
	return 1
}

# oci_wait_file PATH: wait (10 s at most) until PATH exists (a marker the container writes to a bind mount).
oci_wait_file() {
	local i
	for i in $(seq 100); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	echo "$1 did not appear within 10 s" >&2
	return 1
}

# oci_teardown: for teardown(): delete --force every container of OCI_ROOT; processes a test recorded in OCI_PIDS
# (receivers, background runs) are killed by their pid.
oci_teardown() {
	local id pid
	if [ -n "${OCI_ROOT:-}" ] && [ -d "$OCI_ROOT" ]; then
		for id in $(ls "$OCI_ROOT"); do
			oci delete --force "$id" >/dev/null 2>&1
		done
	fi
	for pid in "${OCI_PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	true
}

# assert_oci_error: status non-zero, no stdout, exactly one stderr line "burrow: ...".
assert_oci_error() {
	if [ "$status" -eq 0 ] || [ -n "$output" ] || [ "${#stderr_lines[@]}" -ne 1 ] || [[ "${stderr_lines[0]}" != "burrow: "?* ]]; then
		echo "expected a non-zero status, no stdout and exactly one stderr line 'burrow: ...'" >&2
		_show
		return 1
	fi
}

# oci_console_receiver SOCKET [OPTIONS...]: tests/oci/console-receiver.py in the background, listening on SOCKET
# (the --console-socket to give), its output in $RECEIVER_OUT; returns once it listens. oci_receiver_wait waits for
# it to end and sets output to what it printed.
oci_console_receiver() {
	local sock=$1
	shift
	RECEIVER_OUT="$BATS_TEST_TMPDIR/receiver.out"
	python3 "$TESTS_DIR/oci/console-receiver.py" "$sock" "$@" >"$RECEIVER_OUT" 2>&1 </dev/null 3>&- &
	RECEIVER_PID=$!
	OCI_PIDS+=("$RECEIVER_PID")
	oci_wait_file "$sock"
}
oci_receiver_wait() {
	wait "$RECEIVER_PID"
	output=$(cat "$RECEIVER_OUT")
	mapfile -t lines <"$RECEIVER_OUT"
}
