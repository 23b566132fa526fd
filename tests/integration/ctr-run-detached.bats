#!/usr/bin/env bats
# burrow run -d: the container is left running under a supervisor of its own and burrow prints its id (64 hex). It
# has a name (--name, or a generated adjective_surname); names, full ids and unique id prefixes name it in every
# command. A name in use, an invalid name or a failing setup is an error (one line, 125) before anything starts, and
# leaves no container behind. --rm removes it once it exits; a foreground run is a container too while it runs.

load helpers

setup_file() { burrow_setup_file; }
setup() { ctr_setup; }
teardown() {
	ctr_teardown
	stop_test_processes
}

RUNTIME="${XDG_RUNTIME_DIR:-/tmp/burrow-$(id -u)}/burrow"

runtime_listing() { ls -A "$RUNTIME" 2>/dev/null | sort; }

# The store holds no container and the runtime directory is as it was ($1, a runtime_listing).
assert_no_container_left() {
	local left
	left=$(ls -A "$BURROW_ROOT/containers" "$BURROW_ROOT/names" 2>/dev/null | grep -v -e ':$' -e '^$' || true)
	[ -z "$left" ] || { echo "left in the store: $left" >&2; return 1; }
	[ "$(runtime_listing)" = "$1" ] || { echo "runtime directory changed: $(runtime_listing)" >&2; return 1; }
}

@test "run -d prints the container's id and returns at once while the container runs" {
	local start=$EPOCHREALTIME
	run --separate-stderr "$BURROW" run -d --network none --rootfs "$ROOTFS" sleep 60 3>&-
	local took=$(( ${EPOCHREALTIME/./} / 1000 - ${start/./} / 1000 ))
	assert_status 0
	assert_output_matches '^[0-9a-f]{64}$'
	assert_stderr ""
	[ "$took" -lt 5000 ] || { echo "run -d took ${took} ms" >&2; false; }
	local id=$output
	run --separate-stderr "$BURROW" inspect --format '{{.State.Status}} {{.State.Running}}' "$id"
	assert_ok "running true"
	kill -0 "$(ctr_state "$id" Pid)"
	[ "$(ls "$BURROW_ROOT/containers")" = "$id" ]
}

@test "--name names the container; without it the name is a generated adjective_surname" {
	ctr_run_d --name web sleep 60
	run --separate-stderr "$BURROW" inspect --format '{{.Name}} {{.Id}}' web
	assert_ok "web $CID"
	ctr_run_d sleep 60
	run --separate-stderr "$BURROW" inspect --format '{{.Name}}' "$CID"
	assert_status 0
	assert_output_matches '^[a-z]+_[a-z]+$'
}

@test "a name in use fails with one line and 125 before anything starts, leaving no second container" {
	ctr_run_d --name dup sleep 60
	local first=$CID before
	before=$(runtime_listing)
	mkdir "$BATS_TEST_TMPDIR/mark"
	run --separate-stderr "$BURROW" run -d --name dup --network none -v "$BATS_TEST_TMPDIR/mark:/mark" \
		--rootfs "$ROOTFS" touch /mark/second 3>&-
	assert_ctr_error
	assert_stderr_contains '"dup" is already in use'
	[ ! -e "$BATS_TEST_TMPDIR/mark/second" ] || { echo "the second workload ran" >&2; false; }
	run --separate-stderr "$BURROW" ps -a -q --no-trunc
	assert_ok "$first"
	[ "$(runtime_listing)" = "$before" ] || { echo "runtime directory changed: $(runtime_listing)" >&2; false; }
}

@test "two run -d --name racing for the same name: exactly one wins" {
	local round i codes
	for round in 1 2 3; do
		for i in 1 2; do
			"$BURROW" run -d --name "race$round" --network none --rootfs "$ROOTFS" sleep 60 \
				>"$BATS_TEST_TMPDIR/out$i" 2>"$BATS_TEST_TMPDIR/err$i" 3>&- &
			eval "pid$i=\$!"
		done
		codes=
		wait "$pid1" && codes+=0 || codes+=$?
		wait "$pid2" && codes+=" 0" || codes+=" $?"
		[ "$codes" = "0 125" ] || [ "$codes" = "125 0" ] || {
			echo "round $round: exit codes $codes" >&2
			cat "$BATS_TEST_TMPDIR"/err* >&2
			false
		}
		run --separate-stderr "$BURROW" ps -a -q --filter "name=^race$round\$"
		assert_status 0
		[ "${#lines[@]}" -eq 1 ] || { _show; false; }
	done
	[ "$(ls "$BURROW_ROOT/containers" | wc -l)" -eq 3 ] || { ls -l "$BURROW_ROOT/containers"; false; }
}

@test "the name, the full id and unique id prefixes name the container in every command" {
	ctr_run_d --name res sh -c 'echo hello; trap "exit 5" USR1; while :; do sleep 1 & wait; done'
	local id=$CID ref
	for ref in res "$id" "${id:0:12}" "${id:0:5}"; do
		run --separate-stderr "$BURROW" inspect --format '{{.Id}}' "$ref"
		assert_ok "$id"
		run --separate-stderr "$BURROW" logs "$ref"
		assert_ok "hello"
		run --separate-stderr "$BURROW" exec "$ref" echo in
		assert_ok "in"
		run --separate-stderr "$BURROW" stats --no-stream --format '{{.Name}}' "$ref"
		assert_ok "res"
		run --separate-stderr "$BURROW" ps -q --no-trunc --filter "id=${ref:0:12}"
		[ "$ref" = res ] || assert_ok "$id"
	done
	run --separate-stderr "$BURROW" kill -s USR1 "${id:0:12}"
	assert_ok "${id:0:12}"
	run --separate-stderr "$BURROW" wait res
	assert_ok "5"
	run --separate-stderr "$BURROW" start "${id:0:7}"
	assert_ok "${id:0:7}"
	run --separate-stderr "$BURROW" stop -t 1 "$id"
	assert_ok "$id"
	run --separate-stderr "$BURROW" rm "${id:0:9}"
	assert_ok "${id:0:9}"
	[ ! -e "$BURROW_ROOT/containers/$id" ] || { ls -la "$BURROW_ROOT/containers/$id"; false; }
}

@test "an id prefix two containers share fails with one line and 125" {
	ctr_run_d --name one true
	ctr_run_d --name two true
	"$BURROW" wait one two >/dev/null
	# A third record, copied from the second with an id sharing exactly its first 10 characters (two ids of 64 random
	# hex characters share no useful prefix).
	local differ=0
	[ "${CID:10:1}" != 0 ] || differ=1
	local other="${CID:0:10}$differ$(printf '%053d' 0)"
	cp -a "$BURROW_ROOT/containers/$CID" "$BURROW_ROOT/containers/$other"
	sed -i "s/$CID/$other/g" "$BURROW_ROOT/containers/$other/container.json"
	run --separate-stderr "$BURROW" inspect "${CID:0:10}"
	assert_inspect_error
	assert_stderr_contains "ambiguous"
	run --separate-stderr "$BURROW" rm "${CID:0:6}"
	assert_ctr_error
	run --separate-stderr "$BURROW" inspect --format '{{.Name}}' "${CID:0:11}"
	assert_ok "two"
}

@test "an unknown name or id fails with one line and 125 in every command" {
	local cmd failed=0
	for cmd in "inspect" "logs" "wait" "stop" "kill" "rm" "rm -f" "start" "exec nosuch true" "stats --no-stream" \
		"container inspect" "container rm"; do
		if [[ $cmd == exec* ]]; then
			run --separate-stderr "$BURROW" exec nosuch true
		else
			run --separate-stderr "$BURROW" $cmd nosuch
		fi
		if [[ $cmd == *inspect ]]; then
			assert_inspect_error || { echo "command: burrow $cmd" >&2; failed=1; }
		else
			assert_ctr_error || { echo "command: burrow $cmd" >&2; failed=1; }
		fi
		[[ "$stderr" == *nosuch* ]] || { echo "command: burrow $cmd: the error does not name nosuch" >&2; failed=1; }
	done
	[ "$failed" -eq 0 ]
	run --separate-stderr "$BURROW" inspect 0123456789abcdef
	assert_inspect_error
}

@test "invalid names are refused with one line and 125, and nothing is created" {
	local before name
	before=$(runtime_listing)
	local failed=0
	for name in 'a b' -x '' .hidden 'a/b' 'é' "$(printf 'n%.0s' $(seq 129))"; do
		run --separate-stderr "$BURROW" run -d --name "$name" --network none --rootfs "$ROOTFS" true 3>&-
		assert_ctr_error || { echo "name: ${name@Q}" >&2; failed=1; }
	done
	[ "$failed" -eq 0 ]
	assert_no_container_left "$before"
}

@test "a detached run whose setup fails prints the error, exits 125 and leaves no container" {
	local before
	before=$(runtime_listing)
	run --separate-stderr "$BURROW" run -d --name bad --network none --rootfs "$BATS_TEST_TMPDIR/missing" true 3>&-
	assert_ctr_error
	assert_stderr_contains "missing"
	run --separate-stderr "$BURROW" run -d --name bad --network none no-such-image true 3>&-
	assert_ctr_error
	assert_stderr_contains "no-such-image"
	# Fails in the container's own setup (the working directory is a file).
	run --separate-stderr "$BURROW" run -d --name bad --network none -w /bin/busybox --rootfs "$ROOTFS" true 3>&-
	assert_status 125
	[ -z "$output" ] || { _show; false; }
	[[ "$stderr" == "burrow: "* ]] || { _show; false; }
	assert_no_container_left "$before"
	run --separate-stderr "$BURROW" ps -a -q
	assert_ok ""
}

@test "run -d of a command that is not found, or not a program, fails as run does: 127 or 126 and one line" {
	run -127 --separate-stderr "$BURROW" run -d --name nf --network none --rootfs "$ROOTFS" no-such-command 3>&-
	assert_ctr_error 127
	run -126 --separate-stderr "$BURROW" run -d --name nx --network none --rootfs "$ROOTFS" /etc/passwd 3>&-
	assert_ctr_error 126
}

@test "run -d --rm: the container is removed once it exits" {
	local before
	before=$(runtime_listing)
	ctr_run_d --rm --name gone sh -c 'sleep 1'
	run --separate-stderr "$BURROW" inspect --format '{{.State.Status}}' gone
	assert_ok "running"
	for _ in $(seq 100); do
		[ -e "$BURROW_ROOT/containers/$CID" ] || break
		sleep 0.1
	done
	assert_no_container_left "$before"
	run --separate-stderr "$BURROW" inspect gone
	assert_inspect_error
}

@test "a foreground run is listed by ps while it runs, and gone afterwards" {
	start_background --network none --name fg --rootfs "$ROOTFS" sh -c 'echo ready; exec sleep 60'
	[ "$READY_LINE" = ready ]
	run --separate-stderr "$BURROW" ps --format '{{.Names}} {{.State}}'
	assert_ok "fg running"
	run --separate-stderr "$BURROW" exec fg echo inside
	assert_ok "inside"
	kill -TERM "$BG_PID"
	burrow_wait_background
	assert_status 143
	run --separate-stderr "$BURROW" ps -a -q
	assert_ok ""
	[ -z "$(ls -A "$BURROW_ROOT/containers" "$BURROW_ROOT/names" 2>/dev/null | grep -v -e ':$' -e '^$')" ]
}

@test "the supervisor holds none of the caller's files, no terminal, and leads its own session" {
	exec 7>"$BATS_TEST_TMPDIR/held-by-caller"
	ctr_run_d sleep 60
	exec 7>&-
	local sup
	sup=$(ctr_state "$CID" SupervisorPid)
	[ "$sup" -gt 0 ]
	run ls -l "/proc/$sup/fd/"
	[[ "$output" != *held-by-caller* ]] || { echo "$output"; false; }
	[ "$(readlink "/proc/$sup/fd/0")" = /dev/null ] || { ls -l "/proc/$sup/fd/"; false; }
	[ "$(readlink "/proc/$sup/fd/1")" = /dev/null ] || { ls -l "/proc/$sup/fd/"; false; }
	[ "$(ps -o sid= -p "$sup" | tr -d ' ')" = "$sup" ]
	[ "$(ps -o tty= -p "$sup" | tr -d ' ')" = "?" ]
}

@test "burrow container ls, ps, list, inspect, stop and rm are the same commands" {
	ctr_run_d --name aliased sleep 60
	local sub
	for sub in ls ps list; do
		run --separate-stderr "$BURROW" container "$sub" -q --no-trunc
		assert_ok "$CID"
	done
	run --separate-stderr "$BURROW" container inspect --format '{{.Name}}' aliased
	assert_ok "aliased"
	run --separate-stderr "$BURROW" container stop -t 1 aliased
	assert_ok "aliased"
	run --separate-stderr "$BURROW" container rm aliased
	assert_ok "aliased"
	run --separate-stderr "$BURROW" container ls -a -q
	assert_ok ""
	run --separate-stderr "$BURROW" container frobnicate
	assert_ctr_error
}
