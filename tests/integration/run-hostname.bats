#!/usr/bin/env bats
# --hostname / -h sets the container's hostname (own uts namespace); the default is the container id's first 12
# hex digits. $HOSTNAME matches.

load helpers

setup_file() { burrow_setup_file; }

@test "--hostname sets the hostname" {
	burrow_run --hostname box1 hostname
	assert_ok "box1"
}

@test "-h sets the hostname" {
	burrow_run -h box2 hostname
	assert_ok "box2"
}

@test "--hostname=NAME spelling works" {
	burrow_run --hostname=box3 hostname
	assert_ok "box3"
}

@test "HOSTNAME in the environment is the hostname" {
	burrow_run --hostname box4 sh -c 'echo $HOSTNAME'
	assert_ok "box4"
}

@test "the default hostname is the first 12 hex digits of the container id" {
	burrow_run sh -c 'hostname; echo $HOSTNAME'
	assert_status 0
	[[ "${lines[0]}" =~ ^[0-9a-f]{12}$ ]] || { _show; false; }
	[ "${lines[1]}" = "${lines[0]}" ] || { _show; false; }
}

@test "--hostname does not change the host's hostname" {
	local host
	host=$(cat /proc/sys/kernel/hostname)
	burrow_run --hostname changed-inside hostname
	assert_ok "changed-inside"
	[ "$(cat /proc/sys/kernel/hostname)" = "$host" ]
}
