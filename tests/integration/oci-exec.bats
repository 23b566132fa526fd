#!/usr/bin/env bats
# burrow-oci exec: a new process in a running container — in its namespaces (it sees the container's processes),
# from the container's process object with --env/--cwd/--user changes or a whole process.json (--process); its exit
# status is exec's; -t puts it on a pty sent to --console-socket; --detach --pid-file leaves it running.

load helpers

setup_file() { burrow_setup_file; }

# The caller's subordinate ids mapped too (newuidmap), so that --user has ids to switch to.
with_subordinate_maps() {
	oci_config "c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': $(id -u), 'size': 1}, {'containerID': 1, 'hostID': $SUBUID_START, 'size': $SUBUID_COUNT}]" \
		"c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': $(id -g), 'size': 1}, {'containerID': 1, 'hostID': $SUBGID_START, 'size': $SUBGID_COUNT}]"
}

# c1: a running container (sleep 61), with the subordinate maps.
setup() {
	oci_setup
	require_subid
	with_subordinate_maps
	oci_config 'c["hostname"] = "exec-target"'
	oci_args sleep 61
	oci_create c1
	oci start c1
}
teardown() { oci_teardown; }

# exec_c1 ARG...: bats' run of `exec [OPTIONS] c1 CMD` with ARG as given (options first, then "c1", then the command).
exec_run() {
	oci_run exec "$@" </dev/null
}

@test "exec: the command sees the container's processes (its pid namespace)" {
	exec_run c1 ps -o pid,args
	assert_status 0
	[[ "$output" =~ (^|$'\n')\ *1\ +sleep\ 61 ]] || { _show; false; }
}

@test "exec: the command is in the container's namespaces" {
	pid=$(oci_state c1 pid)
	exec_run c1 sh -c 'hostname; for n in pid mnt net uts ipc user; do readlink /proc/self/ns/$n; done'
	assert_status 0
	[ "${lines[0]}" = exec-target ] || { _show; false; }
	i=1
	for n in pid mnt net uts ipc user; do
		[ "${lines[$i]}" = "$(readlink "/proc/$pid/ns/$n")" ] || { echo "namespace $n differs" >&2; _show; false; }
		i=$((i + 1))
	done
}

@test "exec: the command's exit status is exec's" {
	exec_run c1 sh -c 'exit 5'
	assert_status 5
	exec_run c1 true
	assert_ok ""
}

@test "exec: stdout and stderr are the command's" {
	exec_run c1 sh -c 'echo out; echo err >&2'
	assert_status 0
	assert_output out
	assert_stderr err
}

@test "exec --env: added to the container's environment" {
	exec_run --env FOO=bar --env OTHER=2 c1 sh -c 'echo "$FOO $OTHER $PATH"'
	assert_ok "bar 2 /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
}

@test "exec --cwd: the working directory" {
	exec_run --cwd /etc c1 pwd
	assert_ok "/etc"
}

@test "exec --user: uid and gid" {
	exec_run --user 1000:1000 c1 sh -c 'id -u; id -g'
	assert_ok "$(printf '1000\n1000')"
	exec_run c1 id -u
	assert_ok "0"
}

@test "exec in a container of spec --rootless's single-id map (setgroups denied)" {
	oci delete --force c1
	rm "$BUNDLE/config.json"
	oci_setup
	oci_args sleep 61
	oci_create c2
	oci start c2
	exec_run c2 sh -c 'id -u; cat /proc/self/uid_map'
	assert_status 0
	[ "${lines[0]}" = 0 ] || { _show; false; }
}

@test "exec --process: a process.json gives args, env, cwd and user" {
	cat >"$BATS_TEST_TMPDIR/process.json" <<-'EOF'
		{"args": ["sh", "-c", "echo \"$MSG\"; pwd; id -u; exit 3"], "env": ["PATH=/bin", "MSG=from process.json"],
		 "cwd": "/home", "user": {"uid": 0, "gid": 0}, "terminal": false}
	EOF
	exec_run --process "$BATS_TEST_TMPDIR/process.json" c1
	assert_status 3
	assert_output "$(printf 'from process.json\n/home\n0')"
}

@test "exec --process with a file that is not JSON fails with one error" {
	echo '{"args": [' >"$BATS_TEST_TMPDIR/process.json"
	exec_run --process "$BATS_TEST_TMPDIR/process.json" c1
	assert_oci_error
}

@test "exec -t --console-socket: the command is on a pty sent to the socket" {
	oci_console_receiver "$BATS_TEST_TMPDIR/console.sock"
	exec_run -t --console-socket "$BATS_TEST_TMPDIR/console.sock" c1 sh -c 'tty; echo on the pty; exit 2'
	assert_status 2
	oci_receiver_wait
	[[ "${lines[0]}" == "receiver: fd=yes tty=yes"* ]] || { _show; false; }
	[[ "${lines[1]}" == /dev/pts/* ]] || { _show; false; }
	[ "${lines[2]}" = "on the pty" ] || { _show; false; }
}

@test "exec --detach --pid-file: returns at once, the pid file holds the running command's pid" {
	SECONDS=0
	oci exec --detach --pid-file "$BATS_TEST_TMPDIR/exec.pid" c1 sleep 62 </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/exec.err" ||
		{ cat "$BATS_TEST_TMPDIR/exec.err" >&2; false; }
	[ "$SECONDS" -lt 10 ]
	pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
	[ "$pid" -gt 0 ]
	pid_alive "$pid"
	# the pid is the command, or the process that waits for it (inside the container)
	[[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" == *"sleep 62"* ]] || pgrep -P "$pid" -f 'sleep 62' >/dev/null ||
		{ ps -o pid,ppid,args -p "$pid" >&2; false; }
	exec_run c1 ps -o args
	assert_output_contains "sleep 62"
}

@test "exec in a container that is stopped fails with one error" {
	oci kill c1 KILL
	oci_wait_status c1 stopped
	exec_run c1 true
	assert_oci_error
}

@test "exec in a container that does not exist fails with one error" {
	exec_run nosuch true
	assert_oci_error
}

@test "exec of a command that does not exist fails, non-zero" {
	exec_run c1 /no/such/command
	[ "$status" -ne 0 ] || { _show; false; }
	assert_stderr_contains "/no/such/command"
}

@test "exec leaves no process behind" {
	leak_snapshot
	exec_run c1 true
	assert_ok ""
	leak_check
}
