#!/usr/bin/env bats
# The default seccomp filter (podman's semantics): dangerous system calls fail with EPERM, clone3 and unknown calls
# with ENOSYS. Each test shows the call refused by default, and what the same call does once the filter is removed
# (--security-opt seccomp=unconfined, --privileged) or relaxed by a capability: success where the container's own
# namespaces let it succeed, otherwise a different answer from the kernel, which proves the call reached it.
#
# In a rootless user namespace some of these stay refused by the kernel even unconfined, because the kernel checks
# the capability in the initial user namespace (kexec_load, init_module, swapon, clock_settime, bpf with
# kernel.unprivileged_bpf_disabled): for those the tests use arguments the kernel rejects (EINVAL) before that check,
# or accept only the kernel's own answers (EPERM from its capability check, ENOSYS when the feature is not built).

load helpers
load security-helpers

setup_file() { security_setup_file; }

@test "the filter is on by default (Seccomp: 2) and off with seccomp=unconfined or --privileged" {
	escape -- caps
	[ "$(caps_field Seccomp)" = 2 ] || { _show; false; }
	escape --security-opt seccomp=unconfined -- caps
	[ "$(caps_field Seccomp)" = 0 ] || { _show; false; }
	escape --privileged -- caps
	[ "$(caps_field Seccomp)" = 0 ] || { _show; false; }
}

@test "the filter also applies to a non-root user" {
	escape -u 1000 -- caps
	[ "$(caps_field Seccomp)" = 2 ] || { _show; false; }
}

# ---- mounts and namespaces: the container owns its mount, network and user namespaces, so with CAP_SYS_ADMIN and
# ---- without the filter these succeed, inside the container only.

@test "mount: refused; allowed with SYS_ADMIN and seccomp=unconfined" {
	escape -- mount
	assert_probe "mount errno=EPERM"
	escape --cap-add SYS_ADMIN --security-opt seccomp=unconfined -- mount
	assert_probe "mount ok"
}

@test "umount2: refused; allowed with SYS_ADMIN and seccomp=unconfined" {
	escape -- umount /proc
	assert_probe "umount errno=EPERM"
	escape --cap-add SYS_ADMIN --security-opt seccomp=unconfined -- umount /proc
	assert_probe "umount ok"
}

@test "pivot_root: refused; allowed with --privileged on a mount point" {
	escape --tmpfs /newroot -- pivot_root /newroot
	assert_probe "pivot_root errno=EPERM"
	escape --privileged --tmpfs /newroot -- pivot_root /newroot
	assert_probe "pivot_root ok"
}

@test "unshare(CLONE_NEWUSER): refused; a nested user namespace is allowed with seccomp=unconfined" {
	escape -- unshare-user
	assert_probe "unshare-user errno=EPERM"
	escape --security-opt seccomp=unconfined -- unshare-user
	assert_probe "unshare-user ok"
}

@test "unshare(CLONE_NEWNS): refused; allowed with SYS_ADMIN and seccomp=unconfined" {
	escape -- unshare-ns
	assert_probe "unshare-ns errno=EPERM"
	escape --cap-add SYS_ADMIN --security-opt seccomp=unconfined -- unshare-ns
	assert_probe "unshare-ns ok"
}

@test "clone(CLONE_NEWUSER): refused; allowed with seccomp=unconfined or with CAP_SYS_ADMIN" {
	escape -- clone-newuser
	assert_probe "clone-newuser errno=EPERM"
	escape --security-opt seccomp=unconfined -- clone-newuser
	assert_probe "clone-newuser ok"
	# The default filter lets clone's namespace flags through for a holder of CAP_SYS_ADMIN, as podman's does.
	escape --cap-add SYS_ADMIN -- clone-newuser
	assert_probe "clone-newuser ok"
}

@test "clone3: ENOSYS (so that libc falls back to clone, whose flags the filter can see); works unconfined" {
	escape -- clone3
	assert_probe "clone3 errno=ENOSYS"
	escape --security-opt seccomp=unconfined -- clone3
	assert_probe "clone3 ok"
}

@test "setns: refused; allowed with SYS_ADMIN and seccomp=unconfined" {
	escape -- setns
	assert_probe "setns errno=EPERM"
	escape --cap-add SYS_ADMIN --security-opt seccomp=unconfined -- setns
	assert_probe "setns ok"
}

# ---- keyrings: not namespaced; the filter is the only thing between the container and the kernel's keyrings.

@test "keyctl(KEYCTL_JOIN_SESSION_KEYRING): refused; works unconfined" {
	escape -- keyctl
	assert_probe "keyctl errno=EPERM"
	escape --security-opt seccomp=unconfined -- keyctl
	assert_probe "keyctl ok"
}

@test "add_key: refused; works unconfined" {
	escape -- add_key
	assert_probe "add_key errno=EPERM"
	escape --security-opt seccomp=unconfined -- add_key
	assert_probe "add_key ok"
}

@test "request_key: refused; unconfined the kernel answers ENOKEY" {
	escape -- request_key
	assert_probe "request_key errno=EPERM"
	escape --security-opt seccomp=unconfined -- request_key
	assert_probe "request_key errno=ENOKEY"
}

# ---- ptrace

@test "ptrace: refused without CAP_SYS_PTRACE; a child of its own can be traced with it or unconfined" {
	escape -- ptrace-child
	assert_probe "ptrace-child errno=EPERM"
	escape --cap-add SYS_PTRACE -- ptrace-child
	assert_probe "ptrace-child ok"
	escape --security-opt seccomp=unconfined -- ptrace-child
	assert_probe "ptrace-child ok"
}

@test "personality(0xffff): refused; allowed unconfined" {
	# Only PER_LINUX, PER_LINUX32, their UNAME26 variants and the query are allowed; any other value falls through to
	# the profile's default action, ENOSYS (as podman's profile does).
	escape -- personality
	assert_probe "personality errno=ENOSYS"
	escape --security-opt seccomp=unconfined -- personality
	assert_probe "personality ok"
}

# ---- kernel-global facilities

@test "bpf(BPF_PROG_LOAD): refused; unconfined it reaches the kernel's own check" {
	escape -- bpf
	assert_probe "bpf errno=EPERM"
	escape --security-opt seccomp=unconfined -- bpf
	# With kernel.unprivileged_bpf_disabled != 0 the kernel refuses too (EPERM: CAP_BPF in the initial namespace).
	if [ "$(cat /proc/sys/kernel/unprivileged_bpf_disabled 2>/dev/null || echo 1)" = 0 ]; then
		assert_probe "bpf ok"
	else
		assert_probe "bpf errno=EPERM"
	fi
}

@test "perf_event_open: refused; unconfined the kernel decides (kernel.perf_event_paranoid)" {
	escape -- perf_event_open
	assert_probe "perf_event_open errno=EPERM"
	escape --security-opt seccomp=unconfined -- perf_event_open
	# ok at paranoid <= 2, EACCES at Debian's 3, ENOENT/ENOSYS without perf events: never the filter's EPERM.
	assert_probe_matches '^perf_event_open (ok|errno=(EACCES|ENOENT|ENOSYS|ENODEV))$'
}

@test "userfaultfd: refused; user-mode-only faults allowed unconfined" {
	escape -- userfaultfd
	assert_probe "userfaultfd errno=EPERM"
	escape --security-opt seccomp=unconfined -- userfaultfd
	assert_probe_matches '^userfaultfd (ok|errno=ENOSYS)$'
}

@test "io_uring_setup: refused; unconfined the kernel decides (kernel.io_uring_disabled)" {
	escape -- io_uring_setup
	assert_probe "io_uring_setup errno=EPERM"
	escape --security-opt seccomp=unconfined -- io_uring_setup
	if [ "$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo 0)" = 0 ]; then
		assert_probe_matches '^io_uring_setup (ok|errno=ENOSYS)$'
	else
		assert_probe_matches '^io_uring_setup errno=(EPERM|ENOSYS)$'
	fi
}

@test "name_to_handle_at: refused; allowed unconfined" {
	escape -- name_to_handle_at /
	assert_probe "name_to_handle_at errno=EPERM"
	escape --security-opt seccomp=unconfined -- name_to_handle_at /
	assert_probe "name_to_handle_at ok"
}

# open_by_handle_at is the "shocker" breakout of docker 0.x: with CAP_DAC_READ_SEARCH, any file of the filesystem by
# handle, around the container's mounts. Since Linux 6.9 the kernel lets a holder of CAP_SYS_ADMIN over a mount's
# namespace decode handles below that mount only (and only directories), which is what --privileged gets here.
@test "open_by_handle_at: refused; with --privileged the kernel's own rules apply" {
	escape -- open_by_handle_at
	assert_probe "open_by_handle_at errno=EPERM"
	escape --security-opt seccomp=unconfined -- open_by_handle_at
	# Unconfined but without CAP_SYS_ADMIN/CAP_DAC_READ_SEARCH: the kernel's EPERM.
	assert_probe "open_by_handle_at errno=EPERM"
	escape --privileged -- open_by_handle_at
	local major minor
	IFS=. read -r major minor _ < <(uname -r)
	if [ "$major" -gt 6 ] || { [ "$major" -eq 6 ] && [ "${minor%%[!0-9]*}" -ge 9 ]; }; then
		assert_probe "open_by_handle_at ok"
	else
		assert_probe "open_by_handle_at errno=EPERM"
	fi
}

@test "kexec_load: refused; with --privileged the kernel refuses too (or lacks kexec)" {
	escape -- kexec_load
	assert_probe "kexec_load errno=EPERM"
	escape --privileged -- kexec_load
	assert_probe_matches '^kexec_load errno=(EPERM|ENOSYS)$'
}

@test "init_module and finit_module: refused; with --privileged the kernel refuses too (or lacks modules)" {
	escape -- init_module
	assert_probe "init_module errno=EPERM"
	escape -- finit_module
	assert_probe "finit_module errno=EPERM"
	escape --privileged -- init_module
	assert_probe_matches '^init_module errno=(EPERM|ENOSYS)$'
	escape --privileged -- finit_module
	assert_probe_matches '^finit_module errno=(EPERM|ENOSYS)$'
}

# reboot checks CAP_SYS_BOOT in the owner of the PID namespace, which is the container's user namespace; in a child
# PID namespace the kernel turns RESTART/HALT into a signal to its init and refuses every other command with EINVAL.
@test "reboot: refused; with SYS_BOOT and unconfined it reaches the PID namespace's harmless EINVAL" {
	escape -- reboot
	assert_probe "reboot errno=EPERM"
	escape --cap-add SYS_BOOT --security-opt seccomp=unconfined -- reboot
	assert_probe "reboot errno=EINVAL"
}

@test "swapon: refused; with --privileged invalid flags reach the kernel (EINVAL), real ones its EPERM" {
	escape -- swapon invalid
	assert_probe "swapon errno=EPERM"
	escape --privileged -- swapon invalid
	assert_probe "swapon errno=EINVAL"
	escape --privileged -- swapon /dev/null
	assert_probe "swapon errno=EPERM"
}

@test "clock_settime: refused; with --privileged an invalid time reaches the kernel (EINVAL), a real one its EPERM" {
	escape -- clock_settime invalid
	assert_probe "clock_settime errno=EPERM"
	escape --privileged -- clock_settime invalid
	assert_probe "clock_settime errno=EINVAL"
	escape --privileged -- clock_settime
	assert_probe "clock_settime errno=EPERM"
}

@test "settimeofday: refused; with --privileged an invalid time reaches the kernel (EINVAL), a real one its EPERM" {
	escape -- settimeofday invalid
	assert_probe "settimeofday errno=EPERM"
	escape --privileged -- settimeofday invalid
	assert_probe "settimeofday errno=EINVAL"
	escape --privileged -- settimeofday
	assert_probe "settimeofday errno=EPERM"
}

# TIOCSTI pushes input into a terminal: with a terminal shared with the caller, that is typing commands into the
# caller's shell. The container's terminal is its own pty, but the filter refuses the ioctl anyway, as podman's does.
@test "ioctl(TIOCSTI): refused on the container's own terminal; allowed unconfined" {
	run ptydrive -- "$BURROW" run -t --rootfs "$ROOTFS" burrow-escape tiocsti
	[ "${lines[-1]}" = "ptydrive: exit=1 termios=same" ] || { _show; false; }
	[ "${lines[0]}" = "tiocsti errno=EPERM" ] || { _show; false; }
	run ptydrive -- "$BURROW" run -t --security-opt seccomp=unconfined --rootfs "$ROOTFS" burrow-escape tiocsti
	# The pushed "x" is echoed by the terminal before the probe's line, unless the kernel refuses TIOCSTI itself
	# (dev.tty.legacy_tiocsti=0: EIO).
	[[ "${lines[0]}" =~ ^x?tiocsti\ (ok|errno=EIO)$ ]] || { _show; false; }
}

# ---- replacing the profile

@test "seccomp=PROFILE.json replaces the default profile" {
	cat >"$BATS_TEST_TMPDIR/profile.json" <<-'JSON'
	{
	  "defaultAction": "SCMP_ACT_ALLOW",
	  "syscalls": [
	    { "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1 }
	  ]
	}
	JSON
	burrow_run --security-opt seccomp="$BATS_TEST_TMPDIR/profile.json" mkdir /tmp/made-by-profile-test
	assert_status 1
	assert_stderr_contains "Operation not permitted"
	[ ! -e "$ROOTFS/tmp/made-by-profile-test" ]
	# What the default refuses, this profile allows.
	escape --security-opt seccomp="$BATS_TEST_TMPDIR/profile.json" -- keyctl
	assert_probe "keyctl ok"
	escape --security-opt seccomp="$BATS_TEST_TMPDIR/profile.json" -- caps
	[ "$(caps_field Seccomp)" = 2 ] || { _show; false; }
}

@test "a profile's errnoRet is the errno the refused call gets" {
	# Everything allowed but keyctl, which gets EACCES (13) instead of the default profile's EPERM.
	cat >"$BATS_TEST_TMPDIR/profile.json" <<-'JSON'
	{"defaultAction": "SCMP_ACT_ALLOW",
	 "syscalls": [{"names": ["keyctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}
	JSON
	escape --security-opt seccomp="$BATS_TEST_TMPDIR/profile.json" -- keyctl
	assert_probe "keyctl errno=EACCES"
}

# run_bad_profile FILE: run a command that would create /marker with --security-opt seccomp=FILE.
run_bad_profile() {
	burrow_run --security-opt seccomp="$1" sh -c 'touch /marker'
}

@test "a truncated profile: exit 125, one line, nothing started" {
	printf '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"' >"$BATS_TEST_TMPDIR/p.json"
	run_bad_profile "$BATS_TEST_TMPDIR/p.json"
	assert_burrow_error 125
	assert_not_started
}

@test "a profile whose defaultAction is a number: exit 125, one line, nothing started" {
	echo '{"defaultAction": 3}' >"$BATS_TEST_TMPDIR/p.json"
	run_bad_profile "$BATS_TEST_TMPDIR/p.json"
	assert_burrow_error 125
	assert_not_started
}

@test "a profile with an unknown action: exit 125, one line, nothing started" {
	echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["keyctl"], "action": "SCMP_ACT_EXPLODE"}]}' \
		>"$BATS_TEST_TMPDIR/p.json"
	run_bad_profile "$BATS_TEST_TMPDIR/p.json"
	assert_burrow_error 125
	assert_not_started
}

@test "a profile of 10 MB of nested [: exit 125, one line, nothing started" {
	head -c 10485760 /dev/zero | tr '\0' '[' >"$BATS_TEST_TMPDIR/p.json"
	run_bad_profile "$BATS_TEST_TMPDIR/p.json"
	assert_burrow_error 125
	assert_not_started
}

@test "an empty profile, a directory, a missing file: exit 125, one line, nothing started" {
	: >"$BATS_TEST_TMPDIR/empty.json"
	mkdir -p "$BATS_TEST_TMPDIR/dir.json"
	local profile
	for profile in "$BATS_TEST_TMPDIR/empty.json" "$BATS_TEST_TMPDIR/dir.json" "$BATS_TEST_TMPDIR/missing.json"; do
		run_bad_profile "$profile"
		assert_burrow_error 125
		assert_not_started
	done
}

@test "a profile that is not an object: exit 125, one line, nothing started" {
	echo '["SCMP_ACT_ALLOW"]' >"$BATS_TEST_TMPDIR/p.json"
	run_bad_profile "$BATS_TEST_TMPDIR/p.json"
	assert_burrow_error 125
	assert_not_started
}
