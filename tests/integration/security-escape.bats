#!/usr/bin/env bats
# Known ways out of a container, attempted from inside: the runtime's binary through /proc/1/exe (runc's
# CVE-2019-5736), the init's memory, a set-user-id binary after the capabilities were dropped, the kernel's global
# sysctls, /proc/sysrq-trigger and /proc/kcore. Each is refused by default; each test also shows the probe succeeding,
# or failing differently, where a protection is deliberately removed, so that none passes by accident.

load helpers
load security-helpers

setup_file() { security_setup_file; }

# ---- /proc/1: burrow's init is non-dumpable, so its /proc files are the initial namespace's root's.

@test "/proc/1/exe cannot be opened for writing, directly or through O_PATH, not even with --privileged" {
	escape -- proc1-exe-write
	assert_probe "proc1-exe-write errno=EACCES (O_WRONLY EACCES, O_PATH EACCES)"
	escape --privileged -- proc1-exe-write
	assert_probe "proc1-exe-write errno=EACCES (O_WRONLY EACCES, O_PATH EACCES)"
}

@test "with --init=false, PID 1 is the workload: its /proc/1/exe is reachable (and busy), so the probe is real" {
	escape --init=false -- proc1-exe-write
	assert_probe "proc1-exe-write errno=ETXTBSY (O_WRONLY ETXTBSY, O_PATH ok, reopen ETXTBSY)"
}

@test "the workload's /proc/self/exe is its own program, which is busy while it runs" {
	escape -- proc-self-exe-write
	assert_probe "proc-self-exe-write errno=ETXTBSY (O_WRONLY ETXTBSY, O_PATH ok, reopen ETXTBSY)"
	burrow_run readlink /proc/self/exe
	assert_ok "/bin/busybox"
}

@test "the init's memory cannot be opened (/proc/1/mem), not even with --privileged" {
	escape -- proc-mem 1
	assert_probe "proc-mem errno=EACCES"
	escape --privileged -- proc-mem 1
	assert_probe "proc-mem errno=EACCES"
	# The control: a process may open its own memory.
	escape -- proc-mem self
	assert_probe "proc-mem ok"
}

# The host's PIDs are not visible in the container's PID namespace: the only process from the host is PID 1.
@test "attaching to the host's process (PID 1) fails, by ptrace and through /proc/1/mem, even unconfined" {
	escape -- ptrace-host 1
	assert_probe_matches '^ptrace-host errno=EACCES \(ptrace (EPERM|EACCES)\)$'
	escape --privileged -- ptrace-host 1
	assert_probe "ptrace-host errno=EACCES (ptrace EPERM)"
	# With --init=false, PID 1 is the probe itself: /proc/1/mem opens, so the probe can tell the difference.
	escape --init=false -- ptrace-host 1
	assert_probe "ptrace-host ok (ptrace EPERM)"
}

@test "PID 1 cannot be ptraced even with --privileged, while a child of its own can" {
	escape --privileged -- ptrace-pid1
	assert_probe "ptrace-pid1 errno=EPERM"
	escape --privileged -- ptrace-child
	assert_probe "ptrace-child ok"
}

# ---- set-user-id binaries and no_new_privs. The container's uid 0 is mapped, so a set-user-id-root file made inside
# ---- really runs as root of the container, unless no_new_privs holds.

make_setuid_copy() {
	burrow_run sh -c 'cp /bin/burrow-escape /bin/suid-escape && chown 0:0 /bin/suid-escape &&
		chmod 4755 /bin/suid-escape && stat -c "%a %u" /bin/suid-escape'
	assert_ok "4755 0"
}

@test "a set-user-id-root binary gives -u 1000 nothing under no_new_privs (the default)" {
	make_setuid_copy
	escape -u 1000 -- caps
	[ "$(caps_field NoNewPrivs)" = 1 ] || { _show; false; }
	burrow_run -u 1000 suid-escape setuid-gain
	assert_probe "setuid-gain denied uid=1000 euid=1000"
}

@test "with no-new-privileges=false the same binary makes -u 1000 root" {
	make_setuid_copy
	burrow_run -u 1000 --security-opt no-new-privileges=false suid-escape setuid-gain
	assert_probe "setuid-gain ok uid=1000 euid=0"
	burrow_run -u 1000 --security-opt no-new-privileges=false suid-escape caps
	[ "$(caps_field NoNewPrivs)" = 0 ] || { _show; false; }
	# Root again, but only with the bounding set: the default capabilities, nothing more.
	[ "$(caps_field CapEff)" = "$DEFAULT_CAPS" ] || { _show; false; }
}

# ---- kernel-global interfaces under /proc

@test "/proc/sys/kernel is the whole machine's: no write, not even with --privileged" {
	escape -- proc-sys /proc/sys/kernel/hostname
	assert_probe "proc-sys errno=EACCES"
	escape --privileged -- proc-sys /proc/sys/kernel/hostname
	assert_probe "proc-sys errno=EACCES"
}

# The container's network namespace is its own: its sysctls belong to the container's root with CAP_NET_ADMIN, and
# the read-only mount of /proc/sys is what stops them; both protections are removed one by one.
@test "/proc/sys/net of the container's own namespace: EACCES, then EROFS with NET_ADMIN, writable with --privileged" {
	escape -- proc-sys /proc/sys/net/ipv4/ip_forward
	assert_probe "proc-sys errno=EACCES"
	escape --cap-add NET_ADMIN -- proc-sys /proc/sys/net/ipv4/ip_forward
	assert_probe "proc-sys errno=EROFS"
	escape --cap-add NET_ADMIN --security-opt unmask=/proc/sys -- proc-sys /proc/sys/net/ipv4/ip_forward
	assert_probe "proc-sys ok"
	escape --privileged -- proc-sys /proc/sys/net/ipv4/ip_forward
	assert_probe "proc-sys ok"
}

@test "/proc/sysrq-trigger is read-only; with --privileged the kernel still refuses" {
	[ -e /proc/sysrq-trigger ] || skip "this kernel has no /proc/sysrq-trigger (CONFIG_MAGIC_SYSRQ off)"
	escape -- sysrq
	assert_probe "sysrq errno=EROFS"
	# Not read-only any more, but the file belongs to the initial namespace's root.
	escape --privileged -- sysrq
	assert_probe_matches '^sysrq errno=(EACCES|EPERM)$'
}

@test "/proc/kcore is masked (reads empty); with --privileged the kernel refuses it" {
	[ -e /proc/kcore ] || skip "this kernel has no /proc/kcore (CONFIG_PROC_KCORE off)"
	escape -- kcore
	assert_probe "kcore denied (empty)"
	escape --privileged -- kcore
	assert_probe_matches '^kcore errno=(EACCES|EPERM)$'
}

# ---- the container's own mounts

@test "masked paths cannot be unmounted to reveal what they hide" {
	escape -- umount /proc/interrupts
	assert_probe "umount errno=EPERM"
	# The control: with SYS_ADMIN and no filter, the mask comes off (inside the container only).
	escape --cap-add SYS_ADMIN --security-opt seccomp=unconfined -- umount /proc/interrupts
	assert_probe "umount ok"
}

@test "escape attempts leave no mount, process or file behind on the host" {
	leak_snapshot
	escape --privileged -- mount /tmp/leak-mnt
	assert_probe "mount ok"
	escape --cap-add SYS_ADMIN --security-opt seccomp=unconfined -- unshare-ns
	assert_probe "unshare-ns ok"
	leak_check ./tmp/leak-mnt
}
