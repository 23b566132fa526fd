#!/usr/bin/env bats
# --tmpfs DST[:OPTIONS]: a fresh tmpfs at DST, nosuid,nodev,noexec by default; size=, mode=, ro are honoured.

load helpers

setup_file() { burrow_setup_file; }

# "TYPE OPTIONS" of the mount at PATH.
MOUNT='awk -v p="$1" "\$2 == p { r = \$3 \" \" \$4 } END { print r }" /proc/self/mounts'

@test "--tmpfs mounts a tmpfs at DST" {
	burrow_run --tmpfs /scratch sh -c "set -- /scratch; $MOUNT | cut -d' ' -f1; touch /scratch/x && echo writable"
	assert_ok "$(printf 'tmpfs\nwritable')"
}

@test "--tmpfs DST is created when missing and does not persist" {
	burrow_run --tmpfs /newtmp sh -c 'echo data > /newtmp/f && cat /newtmp/f'
	assert_ok "data"
	[ -d "$ROOTFS/newtmp" ]
	[ ! -e "$ROOTFS/newtmp/f" ]
	rmdir "$ROOTFS/newtmp"
}

@test "--tmpfs defaults to nosuid,nodev,noexec" {
	burrow_run --tmpfs /scratch sh -c "set -- /scratch; $MOUNT"
	assert_status 0
	[[ ",${output#* }," == *,nosuid,* ]] || { _show; false; }
	[[ ",${output#* }," == *,nodev,* ]] || { _show; false; }
	[[ ",${output#* }," == *,noexec,* ]] || { _show; false; }
}

@test "--tmpfs noexec forbids executing from it" {
	burrow_run --tmpfs /scratch sh -c 'cp /bin/busybox /scratch/busybox && /scratch/busybox true'
	assert_status 126
}

@test "--tmpfs DST:size=1m limits the size" {
	burrow_run --tmpfs /scratch:size=1m sh -c "set -- /scratch; $MOUNT"
	assert_status 0
	[[ ",${output#* }," == *,size=1024k,* ]] || { _show; false; }
}

@test "--tmpfs size limit is enforced" {
	burrow_run --tmpfs /scratch:size=64k dd if=/dev/zero of=/scratch/big bs=1024 count=200
	assert_status 1
	assert_stderr_contains "No space left on device"
}

@test "--tmpfs DST:mode=0700 sets the mode" {
	burrow_run --tmpfs /scratch:mode=0700 stat -c %a /scratch
	assert_ok "700"
}

@test "--tmpfs default mode is 1777" {
	burrow_run --tmpfs /scratch stat -c %a /scratch
	assert_ok "1777"
}

@test "--tmpfs DST:ro is read-only" {
	burrow_run --tmpfs /scratch:ro touch /scratch/x
	assert_status 1
	assert_stderr_contains "Read-only file system"
}

@test "--tmpfs options combine: size=1m,mode=0750" {
	burrow_run --tmpfs /scratch:size=1m,mode=0750 sh -c "stat -c %a /scratch; set -- /scratch; $MOUNT"
	assert_status 0
	[ "${lines[0]}" = 750 ] || { _show; false; }
	[[ ",${lines[1]#* }," == *,size=1024k,* ]] || { _show; false; }
}

@test "--tmpfs exec overrides the default noexec" {
	burrow_run --tmpfs /scratch:exec sh -c 'cp /bin/busybox /scratch/busybox && /scratch/busybox echo ran'
	assert_ok "ran"
}

@test "several --tmpfs are all mounted" {
	burrow_run --tmpfs /t1 --tmpfs /t2 sh -c "set -- /t1; $MOUNT | cut -d' ' -f1; set -- /t2; $MOUNT | cut -d' ' -f1"
	assert_ok "$(printf 'tmpfs\ntmpfs')"
	rmdir "$ROOTFS/t1" "$ROOTFS/t2"
}

@test "--tmpfs with a relative destination fails with 125" {
	burrow_run --tmpfs scratch true
	assert_burrow_error
}

@test "--tmpfs with an unknown option fails with 125" {
	burrow_run --tmpfs /scratch:bogus=1 true
	assert_burrow_error
}

@test "--tmpfs with a bad size fails with 125" {
	burrow_run --tmpfs /scratch:size=lots true
	assert_burrow_error
}

@test "--tmpfs=DST spelling works" {
	burrow_run --tmpfs=/scratch stat -c %a /scratch
	assert_ok "1777"
}
