#!/usr/bin/env bats
# podman with burrow as its OCI runtime, through conmon: `podman --runtime $BUILD/burrow-oci` (by path) and
# `podman --runtime burrow` (by name, from containers.conf's [engine.runtimes], with "burrow" in
# runtime_supports_json). podman runs rootless, with a configuration of the file's own: containers.conf and
# storage.conf (vfs) in the test directory, XDG_RUNTIME_DIR/XDG_CONFIG_HOME/XDG_DATA_HOME there too, cgroupfs, file
# events, no network. The image is tests/make-rootfs.sh's busybox, imported with `podman import`.

load helpers

IMAGE=localhost/burrow-busybox:test

setup_file() {
	command -v podman >/dev/null || skip "podman is not installed"
	command -v conmon >/dev/null || [ -x /usr/libexec/podman/conmon ] || [ -x /usr/bin/conmon ] || skip "conmon is not installed"
	burrow_setup_file
	local p="$BATS_FILE_TMPDIR/p"
	mkdir -p "$p/config" "$p/data"
	# conmon's sockets live under XDG_RUNTIME_DIR and must fit in a socket address (108 bytes): with the test
	# directory's long path, `podman run` hangs after the container exits (with runc as with burrow). A short one.
	XDG_RUNTIME_DIR=$(mktemp -d /tmp/burrow-podman.XXXXXX)
	export XDG_RUNTIME_DIR XDG_CONFIG_HOME="$p/config" XDG_DATA_HOME="$p/data"
	export CONTAINERS_CONF="$p/containers.conf" CONTAINERS_STORAGE_CONF="$p/storage.conf"
	export CONTAINERS_REGISTRIES_CONF="$p/registries.conf"
	cat >"$CONTAINERS_CONF" <<-EOF
		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		runtime_supports_json = ["crun", "runc", "burrow"]

		[engine.runtimes]
		burrow = ["$OCI_BIN"]
	EOF
	# Rootless podman keeps its images in XDG_DATA_HOME/containers/storage; vfs needs nothing of the kernel.
	cat >"$CONTAINERS_STORAGE_CONF" <<-EOF
		[storage]
		driver = "vfs"
	EOF
	: >"$CONTAINERS_REGISTRIES_CONF"
	tar -C "$ROOTFS" -cf "$p/rootfs.tar" .
	podman import "$p/rootfs.tar" "$IMAGE" >/dev/null 2>"$p/import.err" || { cat "$p/import.err" >&2; return 1; }
}

# Containers removed, the image store (files of subordinate ids) removed from inside podman's user namespace, then
# the podman pause process of this file's XDG_RUNTIME_DIR (the holder of that namespace, the file's own) killed.
teardown_file() {
	command -v podman >/dev/null || return 0
	[[ "${XDG_RUNTIME_DIR:-}" == /tmp/burrow-podman.* ]] || return 0
	podman rm -af -t 0 >/dev/null 2>&1 3>&-
	podman unshare rm -rf "$XDG_DATA_HOME/containers" 3>&-
	local pidfile="$XDG_RUNTIME_DIR/libpod/tmp/pause.pid" pid
	if [ -f "$pidfile" ]; then
		pid=$(cat "$pidfile")
		if [ -n "$pid" ] && [ "$(stat -c %u "/proc/$pid" 2>/dev/null)" = "$(id -u)" ] &&
			[[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == podman* ]]; then
			kill -KILL "$pid"
		fi
	fi
	rm -rf "$XDG_RUNTIME_DIR"
	true
}

teardown() {
	podman rm -af -t 0 >/dev/null 2>&1 3>&-
	true
}

# pm ARG...: podman with burrow-oci as its runtime (by path), bats' fd 3 closed (conmon outlives the command).
pm() {
	podman --runtime "$OCI_BIN" "$@" 3>&-
}

# pm_run ARG...: bats' run of pm, stderr apart; podman's warning that / is not a shared mount is dropped from it.
pm_run() {
	run --separate-stderr pm "$@"
	_drop_podman_warnings
}

# byname_run ARG...: the same with `podman --runtime burrow` (the runtime by its containers.conf name).
byname() {
	podman --runtime burrow "$@" 3>&-
}
byname_run() {
	run --separate-stderr byname "$@"
	_drop_podman_warnings
}
_drop_podman_warnings() {
	local kept=() line
	for line in "${stderr_lines[@]}"; do
		[[ "$line" == *"is not a shared mount"* ]] || kept+=("$line")
	done
	stderr_lines=("${kept[@]}")
	stderr=$(printf '%s\n' "${kept[@]}")
	stderr=${stderr%$'\n'}
}

# wait_logs NAME TEXT: wait (10 s) until `podman logs NAME` has a line TEXT.
wait_logs() {
	local i
	for i in $(seq 100); do
		pm logs "$1" 2>/dev/null | grep -qx "$2" && return 0
		sleep 0.1
	done
	echo "container $1 did not log ${2@Q} within 10 s: $(pm logs "$1" 2>&1)" >&2
	return 1
}

# A container that logs "started", then waits for SIGTERM, on which it exits 0.
SERVER=(sh -c 'trap "exit 0" TERM; echo started; while :; do sleep 1 & wait; done')

@test "podman run --rm: the command's output" {
	pm_run run --rm --network none "$IMAGE" echo hi
	assert_ok "hi"
}

@test "podman run: the container's exit status is podman's" {
	pm_run run --network none "$IMAGE" sh -c 'exit 3'
	assert_status 3
	pm_run ps -a --format '{{.Status}}'
	assert_output_matches '^Exited \(3\)'
}

@test "podman run: the container is in its own namespaces, as root of podman's user namespace" {
	pm_run run --rm --network none --hostname pmhost "$IMAGE" sh -c 'hostname; id -u; readlink /proc/self/ns/pid; echo $$'
	assert_status 0
	[ "${lines[0]}" = pmhost ] && [ "${lines[1]}" = 0 ] && [ "${lines[3]}" = 1 ] || { _show; false; }
	[ "${lines[2]}" != "$(readlink /proc/self/ns/pid)" ] || { _show; false; }
}

@test "podman run -e and -w: environment and working directory" {
	pm_run run --rm --network none -e FOO=bar -w /etc "$IMAGE" sh -c 'echo "$FOO"; pwd'
	assert_ok "$(printf 'bar\n/etc')"
}

@test "podman run -v: a bind mount of the caller's directory" {
	mkdir "$BATS_TEST_TMPDIR/vol"
	echo from-host >"$BATS_TEST_TMPDIR/vol/in"
	pm_run run --rm --network none -v "$BATS_TEST_TMPDIR/vol:/vol" "$IMAGE" sh -c 'cat /vol/in; echo from-container >/vol/out'
	assert_ok "from-host"
	[ "$(cat "$BATS_TEST_TMPDIR/vol/out")" = from-container ]
}

@test "podman run -d, ps, exec, logs, stop, rm" {
	pm_run run -d --network none --name srv "$IMAGE" "${SERVER[@]}"
	assert_status 0
	[[ "$output" =~ ^[0-9a-f]{64}$ ]] || { _show; false; }
	wait_logs srv started

	pm_run ps --format '{{.Names}} {{.Status}}'
	assert_status 0
	assert_output_matches '^srv Up'

	pm_run exec srv cat /proc/1/cmdline
	assert_status 0
	# (bash drops the NUL bytes between the arguments)
	[[ "$output" == 'sh-ctrap "exit 0" TERM;'* ]] || { _show; false; }

	pm_run exec srv sh -c 'exit 4'
	assert_status 4

	pm_run logs srv
	assert_ok "started"

	SECONDS=0
	pm_run stop -t 10 srv
	assert_status 0
	[ "$SECONDS" -lt 8 ] || { echo "stop took ${SECONDS}s: SIGTERM did not reach the container" >&2; false; }
	pm_run ps -a --format '{{.Names}} {{.Status}}'
	assert_output_matches '^srv Exited \(0\)'

	pm_run rm srv
	assert_ok "srv"
	pm_run ps -a -q
	assert_ok ""
}

@test "podman exec -e -w -u: environment, directory and user of the new process" {
	pm run -d --network none --name srv "$IMAGE" "${SERVER[@]}" >/dev/null
	wait_logs srv started
	pm_run exec -e XV=1 -w /home -u 1000:1000 srv sh -c 'echo "$XV $(pwd) $(id -u):$(id -g)"'
	assert_ok "1 /home 1000:1000"
}

@test "podman kill: the signal reaches the container" {
	pm run -d --network none --name srv "$IMAGE" "${SERVER[@]}" >/dev/null
	wait_logs srv started
	pm_run kill --signal KILL srv
	assert_status 0
	pm_run wait srv
	assert_ok "137"
}

@test "podman rm -f: a running container is removed" {
	pm run -d --network none --name srv "$IMAGE" sleep 100 >/dev/null
	pm_run rm -f -t 0 srv
	assert_status 0
	pm_run ps -a -q
	assert_ok ""
}

@test "podman run -it: a terminal, typed input and the exit status" {
	run ptydrive --wait-for READY --send 'typed\n' -- podman --runtime "$OCI_BIN" run -it --rm --network none "$IMAGE" \
		sh -c 'tty; echo READY; read line; echo "got $line"; exit 6'
	[ "${lines[-1]}" = "ptydrive: exit=6 termios=same" ] || { _show; false; }
	[[ "$output" == *"/dev/pts/0"* ]] && [[ "$output" == *"got typed"* ]] || { _show; false; }
}

@test "podman run of a command that does not exist: 127 and an error naming it" {
	run -127 --separate-stderr pm run --rm --network none "$IMAGE" /no/such/command
	_drop_podman_warnings
	[[ "$stderr" == *"/no/such/command"* ]] || [[ "$output" == *"/no/such/command"* ]] || { _show; false; }
}

@test "podman --runtime burrow: the runtime by its containers.conf name" {
	byname_run run --rm --network none "$IMAGE" echo by name
	assert_ok "by name"
	byname_run run --network none "$IMAGE" sh -c 'exit 9'
	assert_status 9
}

@test "podman --runtime burrow: run -d, exec, stop by name" {
	byname_run run -d --network none --name byname "$IMAGE" "${SERVER[@]}"
	assert_status 0
	byname_run exec byname echo inside
	assert_status 0
	assert_output "inside"
	byname_run stop -t 10 byname
	assert_status 0
	byname_run inspect --format '{{.OCIRuntime}} {{.State.ExitCode}}' byname
	assert_output "burrow 0"
}

@test "podman inspect: the container was run by burrow-oci" {
	pm run --network none --name insp "$IMAGE" true >/dev/null
	pm_run inspect --format '{{.OCIRuntime}}' insp
	assert_status 0
	[[ "$output" == *burrow-oci ]] || { _show; false; }
}
