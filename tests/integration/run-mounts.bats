#!/usr/bin/env bats
# The container's filesystem: a new /proc, a tmpfs /dev with the usual devices, a read-only /sys, podman's masked
# and read-only paths, and --read-only (with tmpfs /tmp, /var/tmp and /run, as podman's --read-only-tmpfs).

load helpers

setup_file() { burrow_setup_file; }

# awk over /proc/self/mounts inside: "TYPE FIRST-OPTION" of the last mount at PATH.
mount_of() {
	echo "awk -v p=$1 '\$2 == p { split(\$4, o, \",\"); r = \$3 \" \" o[1] } END { print r }' /proc/self/mounts"
}

@test "/proc is a new procfs showing only the container's processes" {
	burrow_run sh -c "$(mount_of /proc); set -- /proc/[0-9]*; echo \$*"
	assert_ok "$(printf 'proc rw\n/proc/1 /proc/2')"
}

@test "/proc/1/comm is burrow-init" {
	burrow_run cat /proc/1/comm
	assert_ok "burrow-init"
}

@test "/dev is a tmpfs with exactly the standard entries" {
	burrow_run sh -c "$(mount_of /dev); ls /dev"
	assert_ok "$(printf '%s\n' 'tmpfs rw' fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero)"
}

@test "/dev's devices are character devices" {
	burrow_run sh -c 'for d in null zero full random urandom tty; do test -c /dev/$d && echo "$d c"; done'
	assert_ok "$(printf '%s c\n' null zero full random urandom tty)"
}

@test "/dev/null discards and reads empty" {
	burrow_run sh -c 'echo x > /dev/null && wc -c < /dev/null'
	assert_ok "0"
}

@test "/dev/zero reads zeros" {
	burrow_run sh -c 'head -c 4 /dev/zero | od -An -tx1'
	assert_ok " 00 00 00 00"
}

@test "/dev/full fails writes with ENOSPC" {
	burrow_run sh -c 'echo x > /dev/full'
	assert_status 1
	assert_stderr_contains "No space left on device"
}

@test "/dev/urandom and /dev/random read" {
	burrow_run sh -c 'head -c 16 /dev/urandom | wc -c; head -c 16 /dev/random | wc -c'
	assert_ok "$(printf '16\n16')"
}

@test "/dev/ptmx links to pts/ptmx and /dev/fd to /proc/self/fd" {
	burrow_run sh -c 'for l in /dev/ptmx /dev/fd /dev/stdin /dev/stdout /dev/stderr; do readlink $l; done'
	assert_ok "$(printf '%s\n' pts/ptmx /proc/self/fd /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2)"
}

@test "/dev/pts is a new devpts instance with ptmxmode 0666" {
	burrow_run sh -c "$(mount_of /dev/pts); grep ' /dev/pts ' /proc/self/mounts | grep -o 'ptmxmode=[0-7]*'; ls /dev/pts"
	assert_ok "$(printf 'devpts rw\nptmxmode=666\nptmx')"
}

@test "the devpts ptmx node is usable by everyone (mode 0666)" {
	burrow_run stat -c %a /dev/pts/ptmx
	assert_ok "666"
}

@test "/dev/shm is a tmpfs with mode 1777" {
	burrow_run sh -c "$(mount_of /dev/shm); stat -c %a /dev/shm; touch /dev/shm/x && echo writable"
	assert_ok "$(printf 'tmpfs rw\n1777\nwritable')"
}

@test "/dev/mqueue is an mqueue filesystem" {
	burrow_run sh -c "$(mount_of /dev/mqueue)"
	assert_ok "mqueue rw"
}

@test "/dev/fd/N reaches the process' own fds" {
	burrow_run sh -c 'echo through-fd | cat /dev/fd/0'
	assert_ok "through-fd"
}

@test "/sys is a read-only sysfs" {
	burrow_run sh -c "$(mount_of /sys); touch /sys/x"
	assert_status 1
	assert_output "sysfs ro"
	assert_stderr_contains "Read-only file system"
}

@test "masked files read as empty" {
	local path paths=() expected=
	for path in /proc/kcore /proc/keys /proc/latency_stats /proc/timer_list /proc/timer_stats /proc/sched_debug \
		/proc/interrupts; do
		if [ -f "$path" ]; then
			paths+=("$path")
			expected+="$path 0"$'\n'
		fi
	done
	[ "${#paths[@]}" -gt 0 ] || skip "none of the masked files exists on this kernel"
	burrow_run sh -c 'for p in "$@"; do echo "$p $(cat "$p" | wc -c)"; done' sh "${paths[@]}"
	assert_ok "${expected%$'\n'}"
}

@test "masked directories are empty and read-only" {
	local path paths=() expected=
	for path in /proc/acpi /proc/scsi /sys/firmware /sys/dev/block /sys/devices/virtual/powercap; do
		if [ -d "$path" ]; then
			paths+=("$path")
			expected+="$path entries=0 write=failed"$'\n'
		fi
	done
	[ "${#paths[@]}" -gt 0 ] || skip "none of the masked directories exists on this kernel"
	burrow_run sh -c '
		for p in "$@"; do
			if touch "$p/x" 2>/dev/null; then w=ok; else w=failed; fi
			echo "$p entries=$(ls -A "$p" | wc -l) write=$w"
		done' sh "${paths[@]}"
	assert_ok "${expected%$'\n'}"
}

@test "read-only /proc paths are mounted read-only" {
	local path paths=() expected=
	for path in /proc/asound /proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger; do
		if [ -e "$path" ]; then
			paths+=("$path")
			expected+="$path ro"$'\n'
		fi
	done
	burrow_run sh -c '
		for p in "$@"; do
			echo "$p $(awk -v p="$p" "\$2 == p { split(\$4, o, \",\"); r = o[1] } END { print r }" /proc/self/mounts)"
		done' sh "${paths[@]}"
	assert_ok "${expected%$'\n'}"
}

@test "writing under /proc/sys fails with EROFS" {
	burrow_run sh -c 'echo 1 > /proc/sys/kernel/ns_last_pid'
	assert_status 1
	assert_stderr_contains "Read-only file system"
}

@test "the rootfs is writable by default and writes land in the rootfs directory" {
	burrow_run sh -c 'echo written > /written-inside'
	assert_ok ""
	run cat "$ROOTFS/written-inside"
	rm -f "$ROOTFS/written-inside"
	[ "$output" = written ]
}

@test "--read-only makes / read-only" {
	burrow_run --read-only sh -c 'touch /x'
	assert_status 1
	assert_output ""
	assert_stderr_contains "Read-only file system"
	[ ! -e "$ROOTFS/x" ]
}

@test "--read-only: the root mount is read-only" {
	burrow_run --read-only sh -c "$(mount_of /)"
	assert_status 0
	[[ "$output" == *" ro" ]] || { _show; false; }
}

@test "--read-only: /tmp, /var/tmp and /run are writable tmpfs" {
	burrow_run --read-only sh -c "
		for d in /tmp /var/tmp /run; do
			echo \"\$d \$($(mount_of '$d')) \$(touch \$d/x && echo writable)\"
		done"
	assert_ok "$(printf '/tmp tmpfs rw writable\n/var/tmp tmpfs rw writable\n/run tmpfs rw writable')"
}

@test "--read-only: /dev and /dev/shm stay writable" {
	burrow_run --read-only sh -c 'touch /dev/shm/x && echo shm; echo x > /dev/null && echo null'
	assert_ok "$(printf 'shm\nnull')"
}

@test "--read-only=true is --read-only" {
	burrow_run --read-only=true sh -c 'touch /x'
	assert_status 1
	assert_stderr_contains "Read-only file system"
}

@test "--read-only=false leaves / writable" {
	burrow_run --read-only=false sh -c 'touch /rw-marker && echo ok'
	rm -f "$ROOTFS/rw-marker"
	assert_ok "ok"
}

@test "without --read-only, /tmp is the rootfs' own directory" {
	burrow_run sh -c "$(mount_of /tmp); echo in-rootfs > /tmp/marker"
	assert_ok ""
	run cat "$ROOTFS/tmp/marker"
	rm -f "$ROOTFS/tmp/marker"
	[ "$output" = in-rootfs ]
}
