#!/usr/bin/env bats
# tests/vm/guest-smoke.bats: what the UML guest of tests/vm/run-in-guest gives the unprivileged test user. Runs INSIDE
# the guest (tests/vm/check-guest does that); everywhere else every test skips, so that it never touches the host's
# cgroup tree.
#
#   tests/vm/run-in-guest --user burrowtest [--disk 256M] -- bats --tap tests/vm/guest-smoke.bats

bats_require_minimum_version 1.5.0

in_guest() {
	[ "${BURROW_VM:-}" = 1 ] && [ -n "${BURROW_VM_CGROUP:-}" ] && grep -q '^model name.*UML' /proc/cpuinfo
}

setup_file() {
	in_guest || return 0
	REPO_DIR=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	export REPO_DIR
	: "${BURROW:=$REPO_DIR/build/burrow}"
	export BURROW
	# A child cgroup per test, below the delegated directory; the controllers enabled once for all of them.
	echo "+cpu +io +memory +pids" >"$BURROW_VM_CGROUP/cgroup.subtree_control"
}

setup() {
	in_guest || skip "not inside the tests/vm guest (BURROW_VM unset or not UML): run it through tests/vm/run-in-guest"
	D=$BURROW_VM_CGROUP
}

teardown() {
	local c
	in_guest || return 0
	for c in "$D"/smoke-*; do
		[ -d "$c" ] || continue
		echo 1 >"$c/cgroup.kill" 2>/dev/null
		for _ in 1 2 3 4 5 6 7 8 9 10; do rmdir "$c" 2>/dev/null && break; sleep 0.1; done
	done
}

# new_cgroup NAME: a child of the delegated directory, as the user, with the controllers of the parent.
new_cgroup() {
	C=$D/smoke-$1
	mkdir "$C"
}

# in_cgroup CGROUP CMD...: run CMD in CGROUP (moved in before it execs).
in_cgroup() {
	local cg=$1
	shift
	sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$cg" "$@"
}

@test "/sys/fs/cgroup is cgroup2 with cpu io memory pids" {
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]
	run cat /sys/fs/cgroup/cgroup.controllers
	[ "$output" = "cpu io memory pids" ]
}

@test "the test runs as the unprivileged user in the leaf of its delegated subtree" {
	[ "$(id -u)" -ne 0 ]
	[ "$D" = "/sys/fs/cgroup/user.slice/user-$(id -u).slice/burrow-test.scope" ]
	# bats runs this test in a subshell of the process run-in-guest started: same cgroup
	run cat /proc/self/cgroup
	[ "$output" = "0::/user.slice/user-$(id -u).slice/burrow-test.scope/leaf" ]
	[ "$(stat -c %u "$D")" = "$(id -u)" ]
	for f in cgroup.procs cgroup.subtree_control cgroup.threads; do
		[ "$(stat -c %u "$D/$f")" = "$(id -u)" ]
	done
	# Not delegated: the parent stays root's.
	[ "$(stat -c %u "${D%/*}")" = 0 ]
	run ! sh -c 'echo +memory >"$1/cgroup.subtree_control"' sh "${D%/*}"
}

@test "the user enables +memory +pids +cpu +io for a child cgroup" {
	new_cgroup ctl
	run cat "$C/cgroup.controllers"
	[ "$output" = "cpu io memory pids" ]
	echo "+memory +pids +cpu +io" >"$C/cgroup.subtree_control"
	run cat "$C/cgroup.subtree_control"
	[ "$output" = "cpu io memory pids" ]
	echo "-memory -pids -cpu -io" >"$C/cgroup.subtree_control"
}

@test "memory.max=32M: a process allocating 64M is OOM-killed" {
	new_cgroup mem
	echo 32M >"$C/memory.max"
	[ "$(cat "$C/memory.max")" = 33554432 ]
	run in_cgroup "$C" python3 -c 'data = b"x" * (64 << 20); print("survived")'
	echo "status $status, output: $output" >&2
	[ "$status" -eq 137 ]
	[ "$output" != survived ]
	grep -qx 'oom_kill 1' "$C/memory.events"
}

@test "pids.max=10: a fork bomb hits the limit" {
	new_cgroup pids
	echo 10 >"$C/pids.max"
	export CG=$C
	# A process that forks 30 children (each sleeping) into the cgroup: fork fails once 10 tasks exist.
	run in_cgroup "$C" python3 -c '
import os, time
n = 0
for _ in range(30):
    try:
        pid = os.fork()
    except OSError as e:
        print("fork failed:", os.strerror(e.errno))
        break
    if pid == 0:
        null = os.open("/dev/null", os.O_RDWR)
        for fd in 0, 1, 2:
            os.dup2(null, fd)  # do not hold the output pipe of run
        time.sleep(30)
        os._exit(0)
    n += 1
print(open(os.path.join(os.environ["CG"], "pids.current")).read().strip(), n)
'
	echo "status $status, output: $output" >&2
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "fork failed: Resource temporarily unavailable" ]
	# the parent and 9 children
	[ "${lines[1]}" = "10 9" ]
	run grep '^max ' "$C/pids.events"
	[ "${output#max }" -ge 1 ]
}

@test "cpu.max and cpu.weight can be set" {
	new_cgroup cpu
	echo "50000 100000" >"$C/cpu.max"
	[ "$(cat "$C/cpu.max")" = "50000 100000" ]
	echo 50 >"$C/cpu.weight"
	[ "$(cat "$C/cpu.weight")" = 50 ]
}

@test "io.max on the scratch disk (run-in-guest --disk)" {
	[ -n "${BURROW_VM_DISK:-}" ] || skip "no block device in the guest without run-in-guest --disk"
	new_cgroup io
	echo "$BURROW_VM_DISK wbps=1048576 riops=100" >"$C/io.max"
	run cat "$C/io.max"
	[ "$output" = "$BURROW_VM_DISK rbps=max wbps=1048576 riops=100 wiops=max" ]
}

@test "cpuset is not available in the UML guest" {
	! grep -qw cpuset /sys/fs/cgroup/cgroup.controllers || skip "cpuset exists here"
	skip "no cpuset controller in UML (NR_CPUS=1): cpuset tests need the qemu guest"
}

@test "unshare -Urpf --mount-proc works" {
	run unshare -Urpf --mount-proc sh -c 'echo $$; id -u'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '1\n0')" ]
}

@test "setuid newuidmap maps the user's subordinate range" {
	local start count
	IFS=: read -r _ start count < <(grep "^$(id -un):" /etc/subuid) || skip "$(id -un) has no range in /etc/subuid"
	[ -u /usr/bin/newuidmap ]
	unshare -U sleep 20 &
	local pid=$!
	sleep 0.3
	run newuidmap "$pid" 0 "$(id -u)" 1 1 "$start" "$count"
	local map
	map=$(awk '{ print $1, $2, $3 }' "/proc/$pid/uid_map")
	kill "$pid"
	[ "$status" -eq 0 ]
	[ "$map" = "$(printf '0 %s 1\n1 %s %s' "$(id -u)" "$start" "$count")" ]
}

@test "/dev/fuse: fuse-overlayfs mounts in a user namespace" {
	[ -c /dev/fuse ] || skip "no /dev/fuse (the fuse module did not load)"
	command -v fuse-overlayfs >/dev/null || skip "fuse-overlayfs not installed"
	local t=$BATS_TEST_TMPDIR
	mkdir "$t/l" "$t/u" "$t/w" "$t/m"
	echo lower >"$t/l/f"
	run unshare -Urm sh -c 'fuse-overlayfs -o "lowerdir=$1/l,upperdir=$1/u,workdir=$1/w" "$1/m" &&
		echo upper >"$1/m/g" && cat "$1/m/f" "$1/m/g" && fusermount3 -u "$1/m"' sh "$t"
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[ "${lines[-2]}" = lower ]
	[ "${lines[-1]}" = upper ]
	[ "$(cat "$t/u/g")" = upper ]
}

@test "/dev/net/tun: a tap device in a user+network namespace" {
	[ -c /dev/net/tun ] || skip "no /dev/net/tun (the tun module did not load)"
	run unshare -Urn sh -c 'ip tuntap add tap0 mode tap && ip link set tap0 up && ip -o link show tap0'
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[[ $output == *tap0* ]]
}

@test "the kernel's overlay mounts in a user namespace" {
	grep -qw overlay /proc/filesystems || skip "no overlay module"
	local t=$BATS_TEST_TMPDIR
	mkdir "$t/l" "$t/u" "$t/w" "$t/m"
	echo lower >"$t/l/f"
	run unshare -Urm sh -c 'mount -t overlay -o "lowerdir=$1/l,upperdir=$1/u,workdir=$1/w,userxattr" none "$1/m" &&
		echo upper >"$1/m/g" && rm "$1/m/f" && ls -A "$1/m"' sh "$t"
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[ "$output" = g ]
	# the whiteout of f in the upper dir
	[ -c "$t/u/f" ]
	chmod -R u+rwx "$t/w" # overlay leaves w/work mode 000: let bats clean up
}

# Kernel 6.1 (the guest's, and Debian 12's) refuses open_tree(OPEN_TREE_CLONE) on a detached fsmount() tree with
# EINVAL, which the host's 6.18 allows: a burrow that binds /etc/hosts that way fails here with "bind /etc/hosts".
@test "burrow run --network none --rootfs BUSYBOX true" {
	[ -x "$BURROW" ] || skip "$BURROW not built"
	"$REPO_DIR/tests/make-rootfs.sh" "$BATS_TEST_TMPDIR/rootfs"
	run "$BURROW" run --network none --rootfs "$BATS_TEST_TMPDIR/rootfs" true
	echo "status $status, output: $output" >&2
	[ "$status" -eq 0 ]
}
