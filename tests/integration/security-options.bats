#!/usr/bin/env bats
# The security options themselves: --ulimit, --security-opt no-new-privileges= / mask= / unmask= / label= /
# apparmor= / seccomp=, and --privileged's effect on masked and read-only paths and /sys. Invalid values are one
# error line and exit 125 before anything runs.

load helpers
load security-helpers

setup_file() {
	security_setup_file
	echo "host-name-file" >"$ROOTFS/etc/hostname"
}

# mount_flags PATH: "rw" or "ro" of the mount at PATH, from inside.
mount_flags_cmd='awk -v p="$1" '"'"'$5 == p { split($6, o, ","); f = o[1] } END { print f }'"'"' /proc/self/mountinfo'

@test "--ulimit nofile=100:200 sets the soft and hard limits" {
	burrow_run --ulimit nofile=100:200 sh -c 'ulimit -n; ulimit -Hn'
	assert_ok "$(printf '100\n200')"
}

@test "--ulimit NAME=N sets soft and hard to N; a later --ulimit of the same name wins" {
	burrow_run --ulimit nofile=50 --ulimit nproc=300 --ulimit nproc=400 sh -c 'ulimit -n; ulimit -Hn; ulimit -u; ulimit -Hu'
	assert_ok "$(printf '50\n50\n400\n400')"
}

@test "--ulimit with an unknown name, a soft limit above the hard one, or garbage: exit 125, nothing started" {
	local bad
	for bad in nofiles=10 nofile=200:100 nofile=abc nofile= =10 nofile; do
		burrow_run --ulimit "$bad" sh -c 'touch /marker'
		assert_burrow_error 125
		assert_not_started
	done
}

@test "--ulimit above the caller's hard limit fails with one line" {
	local hard
	hard=$(ulimit -Hn)
	[ "$hard" != unlimited ] || skip "the caller's nofile hard limit is unlimited"
	burrow_run --ulimit nofile=$((hard + 1)):$((hard + 1)) sh -c 'touch /marker'
	assert_burrow_error 125
	assert_not_started
}

@test "no_new_privs is on by default and with a bare no-new-privileges; off with =false" {
	escape -- caps
	[ "$(caps_field NoNewPrivs)" = 1 ] || { _show; false; }
	escape --security-opt no-new-privileges -- caps
	[ "$(caps_field NoNewPrivs)" = 1 ] || { _show; false; }
	escape --security-opt no-new-privileges=false -- caps
	[ "$(caps_field NoNewPrivs)" = 0 ] || { _show; false; }
	escape --security-opt no-new-privileges=true -- caps
	[ "$(caps_field NoNewPrivs)" = 1 ] || { _show; false; }
}

@test "--security-opt mask=/etc/hostname makes the file read empty" {
	burrow_run -h named cat /etc/hostname
	assert_ok "named"
	burrow_run -h named --security-opt mask=/etc/hostname cat /etc/hostname
	assert_ok ""
}

@test "--security-opt mask= of a directory hides its entries; several paths are separated by :" {
	burrow_run --security-opt mask=/etc:/bin/burrow-escape sh -c 'ls -A /etc | wc -l; wc -c < /bin/burrow-escape'
	assert_ok "$(printf '0\n0')"
}

@test "/proc/interrupts is masked by default; unmask=ALL shows its content" {
	[ -e /proc/interrupts ] || skip "this kernel has no /proc/interrupts"
	burrow_run wc -c /proc/interrupts
	assert_ok "0 /proc/interrupts"
	# (procfs files have size 0: count what a read returns.)
	burrow_run --security-opt unmask=ALL sh -c 'head -n1 /proc/interrupts | grep -c CPU0'
	assert_ok "1"
}

@test "unmask=PATH lifts one mask and leaves the others" {
	[ -e /proc/interrupts ] && [ -e /proc/keys ] || skip "this kernel lacks /proc/interrupts or /proc/keys"
	burrow_run --security-opt unmask=/proc/interrupts sh -c 'head -n1 /proc/interrupts | grep -q CPU0 && echo shown; grep -c " /proc/keys " /proc/self/mountinfo'
	assert_ok "$(printf 'shown\n1')"
}

# podman's unmask=ALL lifts the read-only paths as well: /proc/timer_list is masked too, but it is readable only by the
# initial namespace's root (mode 0400), so it stays unreadable after unmask=ALL in a rootless container.
@test "/proc/sys is read-only by default; unmask=ALL and --privileged make it writable" {
	burrow_run sh -c "$mount_flags_cmd" sh /proc/sys
	assert_ok "ro"
	# No mount of its own any more: /proc/sys is part of /proc, which is read-write.
	burrow_run --security-opt unmask=ALL sh -c "grep -c ' /proc/sys ' /proc/self/mountinfo; $mount_flags_cmd" sh /proc
	assert_ok "$(printf '0\nrw')"
	burrow_run --privileged sh -c "grep -c ' /proc/sys ' /proc/self/mountinfo; $mount_flags_cmd" sh /proc
	assert_ok "$(printf '0\nrw')"
}

@test "--privileged lifts every mask and read-only path, and /sys becomes writable" {
	burrow_run sh -c "$mount_flags_cmd" sh /sys
	assert_ok "ro"
	burrow_run --privileged sh -c "$mount_flags_cmd" sh /sys
	assert_ok "rw"
	burrow_run --privileged sh -c 'grep -cE " /proc/(kcore|keys|interrupts|timer_list|acpi|sysrq-trigger|sys) " /proc/self/mountinfo'
	assert_status 1
	assert_output "0"
}

@test "--privileged=false changes nothing" {
	escape --privileged=false -- caps
	[ "$(caps_field CapEff)" = "$DEFAULT_CAPS" ] || { _show; false; }
}

@test "label=disable and apparmor=unconfined are accepted and change nothing" {
	escape --security-opt label=disable --security-opt apparmor=unconfined -- caps
	assert_status 0
	assert_stderr ""
	[ "$(caps_field CapEff)" = "$DEFAULT_CAPS" ] || { _show; false; }
}

@test "an LSM option burrow cannot honour, or an unknown key, is refused: exit 125, nothing started" {
	local bad
	for bad in label=type:container_t apparmor=my-profile unknown=1 no-new-privileges=maybe seccomp= mask= \
		mask=relative/path unmask=; do
		burrow_run --security-opt "$bad" sh -c 'touch /marker'
		assert_burrow_error 125
		assert_not_started
	done
}
