#!/usr/bin/env bats
# config.json hooks: prestart, createRuntime, createContainer, startContainer, poststart and poststop run at their
# point of the lifecycle, in that order, each with the container's state JSON on stdin and exactly its own args and
# env. A failing create-time hook fails create and leaves nothing; a hook over its timeout is killed; a failing
# poststart or poststop hook is a warning.

load helpers

setup_file() { burrow_setup_file; }

setup() {
	oci_setup
	# Hooks log to $LOG; the ones run inside the container (startContainer) see the directory at /hooks.
	mkdir "$BATS_TEST_TMPDIR/hooks"
	LOG="$BATS_TEST_TMPDIR/hooks/log"
	oci_config "c['mounts'].append({'destination': '/hooks', 'type': 'bind', 'source': '$BATS_TEST_TMPDIR/hooks', 'options': ['rbind', 'rw']})"
}
teardown() { oci_teardown; }

# add_hook KIND LOG [SHELL CODE]: a hook (/bin/sh -c) that appends "KIND <state JSON from stdin>" to LOG, then runs
# the code; LOG is a path where the hook runs (startContainer: in the container).
add_hook() {
	local kind=$1 log=$2 code=${3:-}
	oci_config "c.setdefault('hooks', {}).setdefault('$kind', []).append({'path': '/bin/sh', 'args': ['sh', '-c', 'echo \"\$0 \$(cat)\" >>$log; $code', '$kind']})"
}

# hook_field KIND KEY: KEY of the state JSON that hook KIND logged.
hook_field() {
	python3 - "$LOG" "$1" "$2" <<-'PY'
		import json, sys
		for line in open(sys.argv[1]):
		    kind, _, state = line.partition(" ")
		    if kind == sys.argv[2]:
		        print(json.loads(state)[sys.argv[3]])
		        break
		else:
		    sys.exit("no %s line in the log" % sys.argv[2])
	PY
}

# logged_kinds: the first word of each log line, in order, on one line.
logged_kinds() {
	cut -d' ' -f1 "$LOG" | tr '\n' ' '
}

@test "hooks run in the order createRuntime, createContainer, startContainer, poststart, poststop" {
	for kind in prestart createRuntime createContainer poststart poststop; do
		add_hook "$kind" "$LOG"
	done
	add_hook startContainer /hooks/log
	oci_args sh -c 'echo process >>/hooks/log; exec sleep 60'
	oci_create c1
	[ "$(logged_kinds)" = "prestart createRuntime createContainer " ] || { cat "$LOG" >&2; false; }
	oci start c1
	oci_wait_file "$LOG" && for i in $(seq 100); do grep -q '^process' "$LOG" && break; sleep 0.1; done
	oci kill c1 KILL
	oci_wait_status c1 stopped
	oci delete c1
	kinds=$(logged_kinds)
	# The process and poststart may come in either order: poststart runs after the process started.
	[ "$kinds" = "prestart createRuntime createContainer startContainer process poststart poststop " ] ||
		[ "$kinds" = "prestart createRuntime createContainer startContainer poststart process poststop " ] || { cat "$LOG" >&2; false; }
}

@test "hooks get the state JSON on stdin: id, status and the container's pid" {
	for kind in createRuntime createContainer poststart poststop; do
		add_hook "$kind" "$LOG"
	done
	add_hook startContainer /hooks/log
	oci_config 'c["annotations"] = {"org.example.hooked": "yes"}'
	oci_args sleep 60
	oci_create c1
	pid=$(oci_state c1 pid)
	oci start c1
	oci kill c1 KILL
	oci_wait_status c1 stopped
	oci delete c1
	for kind in createRuntime createContainer startContainer poststart poststop; do
		[ "$(hook_field "$kind" id)" = c1 ] || { cat "$LOG" >&2; false; }
		[ "$(hook_field "$kind" bundle)" = "$BUNDLE" ] || { cat "$LOG" >&2; false; }
		[ "$(hook_field "$kind" ociVersion)" != "" ]
	done
	[ "$(hook_field createRuntime status)" = creating ]
	[ "$(hook_field createRuntime pid)" = "$pid" ]
	[ "$(hook_field createContainer pid)" = "$pid" ]
	[ "$(hook_field startContainer pid)" = "$pid" ]
	[ "$(hook_field poststart status)" = running ]
	[ "$(hook_field poststart pid)" = "$pid" ]
	[ "$(hook_field poststop status)" = stopped ]
	[ "$(hook_field poststop annotations)" = "{'org.example.hooked': 'yes'}" ] || { cat "$LOG" >&2; false; }
}

@test "a hook gets exactly its env and args" {
	oci_config "c['hooks'] = {'createRuntime': [{'path': '/usr/bin/env', 'args': ['env', '-0'], 'env': ['HOOK_VAR=hello world', 'OTHER=2']}]}"
	# env -0 prints to stdout, which is create's: collect it there.
	oci_args true
	oci_create c1
	[ "$(tr '\0' '\n' <"$BATS_TEST_TMPDIR/c1.out" | sort)" = "$(printf 'HOOK_VAR=hello world\nOTHER=2')" ] ||
		{ cat -v "$BATS_TEST_TMPDIR/c1.out" >&2; false; }
}

@test "a hook's args: args[0] is its argv[0], the rest its arguments" {
	# busybox picks its applet by argv[0]; the hook's stdout is create's.
	oci_config "c['hooks'] = {'createRuntime': [{'path': '/bin/busybox', 'args': ['echo', 'first', 'second words']}]}"
	oci_args true
	oci_create c1
	[ "$(cat "$BATS_TEST_TMPDIR/c1.out")" = "first second words" ] || { cat "$BATS_TEST_TMPDIR/c1.out" >&2; false; }
}

@test "a hook without args runs with its path as argv[0]" {
	oci_config "c['hooks'] = {'createRuntime': [{'path': '/bin/true'}]}"
	oci_args true
	oci_create c1
}

@test "run: hooks run around a foreground run, poststop last" {
	for kind in createRuntime createContainer poststart poststop; do
		add_hook "$kind" "$LOG"
	done
	oci_args true
	oci_run run --bundle "$BUNDLE" c1 </dev/null
	assert_ok ""
	[ "$(logged_kinds)" = "createRuntime createContainer poststart poststop " ] || { cat "$LOG" >&2; false; }
}

@test "a failing createRuntime hook fails create, with one error, and leaves nothing" {
	add_hook createRuntime "$LOG" 'exit 3'
	oci_args sleep 60
	leak_snapshot
	oci_run create --bundle "$BUNDLE" c1 </dev/null
	assert_oci_error
	assert_stderr_contains "createRuntime"
	[ ! -e "$OCI_ROOT/c1" ] || { ls -la "$OCI_ROOT/c1" >&2; false; }
	leak_check
}

@test "a failing createContainer hook fails create and leaves nothing" {
	add_hook createContainer "$LOG" 'exit 3'
	oci_args sleep 60
	leak_snapshot
	oci_run create --bundle "$BUNDLE" c1 </dev/null
	assert_oci_error
	assert_stderr_contains "createContainer"
	[ ! -e "$OCI_ROOT/c1" ]
	leak_check
}

@test "a failing prestart hook fails create and leaves nothing" {
	add_hook prestart "$LOG" 'exit 1'
	oci_args sleep 60
	leak_snapshot
	oci_run create --bundle "$BUNDLE" c1 </dev/null
	assert_oci_error
	[ ! -e "$OCI_ROOT/c1" ]
	leak_check
}

@test "a hook over its timeout is killed and fails create" {
	oci_config "c['hooks'] = {'createRuntime': [{'path': '/bin/sh', 'args': ['sh', '-c', 'echo \$\$ >$LOG; exec sleep 30'], 'timeout': 1}]}"
	oci_args sleep 60
	leak_snapshot
	SECONDS=0
	oci_run create --bundle "$BUNDLE" c1 </dev/null
	assert_oci_error
	assert_stderr_contains "timed out"
	[ "$SECONDS" -lt 10 ]
	[ ! -e "$OCI_ROOT/c1" ]
	! pid_alive "$(cat "$LOG")"
	leak_check
}

@test "a failing startContainer hook: the program does not run and the container stops" {
	add_hook startContainer /hooks/log 'exit 1'
	oci_args sh -c 'echo ran >/hooks/ran'
	oci_create c1
	oci start c1 2>/dev/null || true
	oci_wait_status c1 stopped
	[ ! -e "$BATS_TEST_TMPDIR/hooks/ran" ]
}

@test "a failing poststart hook is a warning: start succeeds, the container runs" {
	add_hook poststart "$LOG" 'exit 1'
	oci_args sleep 60
	oci_create c1
	oci_run start c1
	assert_status 0
	assert_stderr_contains "poststart"
	[ "$(oci_state c1 status)" = running ]
}

@test "a failing poststop hook is a warning: delete succeeds" {
	add_hook poststop "$LOG" 'exit 1'
	oci_args true
	oci_create c1
	oci start c1
	oci_wait_status c1 stopped
	oci_run delete c1
	assert_status 0
	assert_stderr_contains "poststop"
	[ ! -e "$OCI_ROOT/c1" ]
}
