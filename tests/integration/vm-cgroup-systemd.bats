#!/usr/bin/env bats
# Resource limits through the user's systemd manager (--cgroup-manager systemd, and auto's choice of it). Runs INSIDE
# the User-mode Linux guest of tests/vm, like vm-cgroup.bats: there the test user owns the delegated
# burrow-test.scope and starts a real `systemd --user` (with the D-Bus user bus of dbus-user-session's dbus.socket)
# in a cgroup of it, user-manager/, as a login's user@UID.service would be. burrow then asks that manager over the user
# bus for its transient scope. Everywhere else every test skips: the host's cgroup tree is never touched.

load helpers

in_guest() {
	[ "${BURROW_VM:-}" = 1 ] && [ -n "${BURROW_VM_CGROUP:-}" ] && grep -q '^model name.*UML' /proc/cpuinfo
}

# Why the user manager cannot run here, or nothing.
manager_unavailable() {
	in_guest || { echo "not inside the tests/vm guest: tests/run runs this file there"; return; }
	command -v systemd >/dev/null || { echo "systemd is not installed"; return; }
	[ -e /usr/lib/systemd/user/dbus.socket ] || { echo "no dbus.socket user unit (dbus-user-session)"; return; }
	# systemd --user starts only where sd_booted() holds: tests/vm/guest-init creates this directory.
	[ -d /run/systemd/system ] || echo "/run/systemd/system is missing (tests/vm/guest-init makes it)"
}

setup_file() {
	[ -z "$(manager_unavailable)" ] || return 0
	burrow_setup_file
	export SCOPE=$BURROW_VM_CGROUP
	export MANAGER_CG=$SCOPE/user-manager
	local c enable=()
	# What the manager can delegate is what its own cgroup gets from here (a login's user@.service has what
	# user.slice gives it, memory and pids unless a Delegate= drop-in says more).
	for c in $(cat "$SCOPE/cgroup.controllers"); do
		case $c in cpu | io | memory | pids) enable+=("+$c") ;; esac
	done
	echo "${enable[*]}" >"$SCOPE/cgroup.subtree_control"
	mkdir "$MANAGER_CG"
	# fd 3 is bats' own output channel: the manager must not keep it open.
	(
		echo "$BASHPID" >"$MANAGER_CG/cgroup.procs" || exit 1
		exec systemd --user
	) </dev/null >"$BATS_FILE_TMPDIR/systemd.log" 2>&1 3>&- &
	export SYSTEMD_PID=$!
	local state
	for _ in $(seq 100); do
		# systemctl talks to the manager's private socket: burrow needs its name on the bus as well
		state=$(systemctl --user is-system-running 2>/dev/null) || true
		case $state in running | degraded)
			[ "$(busctl --user call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus NameHasOwner \
				s org.freedesktop.systemd1 2>/dev/null)" = "b true" ] && return 0 ;;
		esac
		kill -0 "$SYSTEMD_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "systemd --user did not come up (state '$state'):" >&2
	cat "$BATS_FILE_TMPDIR/systemd.log" >&2
	return 1
}

teardown_file() {
	[ -n "${SYSTEMD_PID:-}" ] || return 0
	# SIGTERM: the manager stops its units (the bus with them) and exits.
	kill -TERM "$SYSTEMD_PID" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$SYSTEMD_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$SYSTEMD_PID" 2>/dev/null
	# What systemd cannot remove itself: its own cgroup.
	find "$MANAGER_CG" -depth -type d -exec rmdir {} + 2>/dev/null
	true
}

setup() {
	local why
	why=$(manager_unavailable)
	[ -z "$why" ] || skip "$why"
}

teardown() {
	stop_test_processes
}

# Directories of burrow's scopes under the user manager, and of container cgroups in the delegated directory.
burrow_cgroups() {
	find "$MANAGER_CG" "$SCOPE" -mindepth 1 -name 'burrow-*' -type d 2>/dev/null | sort
}

burrow_units() {
	systemctl --user list-units --all --plain --no-legend 'burrow-*' 2>/dev/null
}

# Nothing of burrow's left: no scope unit, no cgroup. systemd stops an emptied scope on its own, a moment after
# burrow's exit (it learns of it from cgroup.events).
assert_nothing_left() {
	local i
	for i in $(seq 50); do
		if [ -z "$(burrow_cgroups)" ]; then
			# the unit goes with its cgroup (systemd removes the cgroup when it stops the unit)
			[ -z "$(burrow_units)" ] && return 0
			[ "$i" -ge 45 ] && break
		fi
		sleep 0.1
	done
	echo "left behind:"
	burrow_cgroups
	burrow_units
	return 1
}

# The cgroup (relative to the mount) of a process.
cgroup_of() {
	sed -n 's|^0::||p' "/proc/$1/cgroup"
}

# Waits until the container's cgroup exists and sets CTR_CG to it.
find_container_cgroup() {
	for _ in $(seq 50); do
		CTR_CG=$(find "$MANAGER_CG" "$SCOPE" -mindepth 1 -name 'burrow-*' -type d ! -name '*.scope' 2>/dev/null | head -n 1)
		[ -n "$CTR_CG" ] && return 0
		sleep 0.1
	done
	echo "no container cgroup appeared"
	return 1
}

@test "--cgroup-manager systemd: the limits apply, and no scope or cgroup is left after the run" {
	burrow_run --network none --cgroup-manager systemd --memory 64m sh -c 'cat /proc/self/cgroup /sys/fs/cgroup/memory.max'
	assert_ok "$(printf '0::/\n67108864')"
	assert_nothing_left
}

@test "--cgroup-manager systemd: burrow moves into a burrow-<id>.scope of the user manager with Delegate=yes, and SIGTERM to burrow leaves nothing" {
	burrow_start_background --network none --cgroup-manager systemd --memory 64m --pids-limit 50 sh -c 'echo started; exec sleep 30'
	[ "$READY_LINE" = started ] || { cat "$BG_ERR"; false; }
	local cg unit
	cg=$(cgroup_of "$BG_PID")
	[[ $cg == "${MANAGER_CG#/sys/fs/cgroup}"/app.slice/burrow-*.scope/supervisor ]] || { echo "burrow is in $cg"; false; }
	unit=${cg%/supervisor}
	unit=${unit##*/}
	run systemctl --user show -p Delegate -p ActiveState -p CollectMode "$unit"
	[ "$(sort <<<"$output")" = "$(printf 'ActiveState=active\nCollectMode=inactive-or-failed\nDelegate=yes')" ] || { echo "$output"; false; }
	find_container_cgroup
	[ "$CTR_CG" = "/sys/fs/cgroup${cg%/supervisor}/${unit%.scope}" ] || { echo "container cgroup $CTR_CG"; false; }
	[ "$(cat "$CTR_CG/memory.max" "$CTR_CG/pids.max")" = "$(printf '67108864\n50')" ]
	kill -TERM "$BG_PID"
	burrow_wait_background
	[ "$status" -eq 143 ] || { echo "status $status: $stderr"; false; }
	assert_nothing_left
}

@test "--cgroup-manager systemd: an OOM kill is reported (137 and one line), and nothing is left" {
	burrow_run --network none --cgroup-manager systemd --memory 32m sh -c 'exec dd if=/dev/zero of=/dev/null bs=64M count=1'
	assert_status 137
	assert_stderr "burrow: container killed: out of memory (memory.max=33554432)"
	assert_nothing_left
}

@test "--cgroup-manager systemd: kill -9 of the workload ends the run with 137 and leaves nothing" {
	burrow_start_background --network none --cgroup-manager systemd --memory 64m sh -c 'echo started; exec sleep 30'
	[ "$READY_LINE" = started ] || { cat "$BG_ERR"; false; }
	find_container_cgroup
	local pid killed=
	for pid in $(cat "$CTR_CG/cgroup.procs"); do
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sleep ] && kill -KILL "$pid" && killed=$pid
	done
	[ -n "$killed" ] || { echo "no sleep in $CTR_CG: $(cat "$CTR_CG/cgroup.procs")"; false; }
	burrow_wait_background
	[ "$status" -eq 137 ] || { echo "status $status: $stderr"; false; }
	assert_nothing_left
}

@test "--cgroup-manager systemd: a burrow killed with SIGKILL takes its container along, and systemd removes the scope" {
	burrow_start_background --network none --cgroup-manager systemd --memory 64m sh -c 'echo started; exec sleep 30'
	[ "$READY_LINE" = started ] || { cat "$BG_ERR"; false; }
	[ -n "$(burrow_units)" ] || { echo "no scope while running"; false; }
	kill -KILL "$BG_PID"
	wait "$BG_PID" 2>/dev/null || true
	assert_nothing_left
}

@test "auto: burrow beside other processes in a plain scope of the user manager (a desktop's terminal) gets a systemd scope" {
	# systemd-run --scope runs its command in place, in a run-*.scope without Delegate= inside app.slice: the
	# shell there is not burrow's to move, and app.slice is systemd's.
	local fifo=$BATS_TEST_TMPDIR/fifo
	mkfifo "$fifo"
	systemd-run --user --scope --quiet -- sh -c '"$@"; exit $?' sh "$BURROW" run --rootfs "$ROOTFS" --network none \
		--memory 48m sh -c 'echo started; exec sleep 30' >"$fifo" 2>"$BATS_TEST_TMPDIR/err" </dev/null 3>&- &
	BG_PID=$!
	local line burrow_pid cg
	read -r line <"$fifo" || true
	[ "$line" = started ] || { cat "$BATS_TEST_TMPDIR/err"; false; }
	[[ $(cgroup_of "$BG_PID") == */app.slice/run-*.scope ]] || { echo "the shell is in $(cgroup_of "$BG_PID")"; false; }
	burrow_pid=$(ps -o pid= --ppid "$BG_PID" | tr -d ' ')
	cg=$(cgroup_of "$burrow_pid")
	[[ $cg == */app.slice/burrow-*.scope/supervisor ]] || { echo "burrow is in $cg"; false; }
	find_container_cgroup
	[ "$(cat "$CTR_CG/memory.max")" = 50331648 ]
	kill -TERM "$burrow_pid"
	wait "$BG_PID" || [ $? -eq 143 ] || { echo "burrow's status: $?"; false; }
	assert_nothing_left
}

@test "auto: burrow in a delegated cgroup it can use takes the cgroupfs manager, even with a user manager answering" {
	burrow_start_background --network none --memory 64m sh -c 'echo started; exec sleep 30'
	[ "$READY_LINE" = started ] || { cat "$BG_ERR"; false; }
	find_container_cgroup
	# The test runs in $SCOPE/leaf: the container's cgroup is its sibling, and no scope was asked for.
	[ "$CTR_CG" = "$SCOPE/${CTR_CG##*/}" ] || { echo "container cgroup $CTR_CG"; false; }
	[ -z "$(burrow_units)" ] || { burrow_units; false; }
	kill -TERM "$BG_PID"
	burrow_wait_background
	assert_nothing_left
}

@test "auto: a user bus without a manager on it falls back to cgroupfs, whose error names the fix" {
	run --separate-stderr systemd-run --user --scope --quiet -- sh -c '"$@"; exit $?' sh \
		env DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus "$BURROW" run --rootfs "$ROOTFS" --network none \
		--memory 64m true
	assert_burrow_error
	assert_stderr_contains "is not delegated to uid $(id -u)"
	assert_stderr_contains "--cgroup-manager systemd"
	assert_nothing_left
}

@test "--cgroup-manager cgroupfs never asks systemd: outside a delegated cgroup it fails" {
	run --separate-stderr systemd-run --user --scope --quiet -- sh -c '"$@"; exit $?' sh \
		"$BURROW" run --rootfs "$ROOTFS" --network none --cgroup-manager cgroupfs --memory 64m true
	assert_burrow_error
	assert_stderr_contains "is not delegated to uid $(id -u)"
	assert_nothing_left
}

@test "--cgroup-manager systemd without a user bus: one line naming the fix, exit 125" {
	DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus burrow_run --network none --cgroup-manager systemd --memory 64m sh -c 'echo started'
	assert_burrow_error
	assert_stderr_contains "no systemd user manager answers on the user bus (unix:path=/nonexistent/bus"
	assert_stderr_contains "use --cgroup-manager cgroupfs"
	assert_nothing_left
}

@test "--cgroup-manager systemd: a controller the manager cannot delegate (no cpuset in UML) names the Delegate= drop-in" {
	grep -qw cpuset "$SCOPE/cgroup.controllers" && skip "this guest has cpuset"
	burrow_run --network none --cgroup-manager systemd --cpuset-cpus 0 sh -c 'echo started'
	assert_burrow_error
	assert_stderr_contains "the cpuset controller is not delegated"
	assert_stderr_contains "/etc/systemd/system/user@.service.d/delegate.conf"
	assert_nothing_left
}
