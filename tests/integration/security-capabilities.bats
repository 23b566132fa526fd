#!/usr/bin/env bats
# Capabilities: root in the container holds podman's default set, a non-root user holds nothing unless --cap-add
# gives it ambient capabilities, --cap-drop takes capabilities away, and every capability is confined to the
# container's own namespaces: a capability the kernel checks in the initial user namespace stays out of reach.

load helpers
load security-helpers

setup_file() { security_setup_file; }

@test "root's permitted, effective and bounding sets are podman's default; ambient is empty" {
	escape -- caps
	assert_status 0
	assert_stderr ""
	[ "$(caps_field CapPrm)" = "$DEFAULT_CAPS" ] || { _show; false; }
	[ "$(caps_field CapEff)" = "$DEFAULT_CAPS" ] || { _show; false; }
	[ "$(caps_field CapBnd)" = "$DEFAULT_CAPS" ] || { _show; false; }
	[ "$(caps_field CapAmb)" = 0000000000000000 ] || { _show; false; }
}

# CVE-2022-24769 (moby) / CVE-2022-27652 (podman): with a non-empty inheritable set, a process that becomes another
# user inside the container (su, gosu) and execs a file with inheritable file capabilities gets them back. docker and
# podman start containers with an empty inheritable set since.
@test "root's inheritable set is empty" {
	escape -- caps
	assert_status 0
	[ "$(caps_field CapInh)" = 0000000000000000 ] || { _show; false; }
}

@test "-u 1000: no capability is effective, permitted, inheritable or ambient; the bounding set is the default" {
	escape -u 1000 -- caps
	assert_status 0
	assert_stderr ""
	local set
	for set in CapInh CapPrm CapEff CapAmb; do
		[ "$(caps_field $set)" = 0000000000000000 ] || { echo "$set" >&2; _show; false; }
	done
	[ "$(caps_field CapBnd)" = "$DEFAULT_CAPS" ] || { _show; false; }
}

@test "-u 1000 --cap-add NET_RAW: NET_RAW (bit 13) is ambient and effective, and a raw socket opens" {
	escape -u 1000 -- raw-socket
	assert_probe "raw-socket errno=EPERM"

	escape -u 1000 --cap-add NET_RAW -- caps
	assert_status 0
	[ "$(caps_field CapAmb)" = 0000000000002000 ] || { _show; false; }
	[ "$(caps_field CapEff)" = 0000000000002000 ] || { _show; false; }
	escape -u 1000 --cap-add NET_RAW -- raw-socket
	assert_probe "raw-socket ok"
}

@test "a raw socket needs --cap-add NET_RAW, then works in the container's own network namespace" {
	escape -- raw-socket
	assert_probe "raw-socket errno=EPERM"
	escape --cap-add NET_RAW -- raw-socket
	assert_probe "raw-socket ok"
}

@test "an AF_PACKET socket needs --cap-add NET_RAW" {
	escape -- packet-socket
	assert_probe "packet-socket errno=EPERM"
	escape --cap-add NET_RAW -- packet-socket
	assert_probe "packet-socket ok"
}

@test "--network host: NET_RAW gives no raw socket on the host's network (its namespace is not the container's)" {
	# The host's network namespace belongs to the initial user namespace, where the container holds nothing.
	escape --network host --cap-add NET_RAW -- raw-socket
	assert_probe "raw-socket errno=EPERM"
	escape --network host --privileged -- raw-socket
	assert_probe "raw-socket errno=EPERM"
}

@test "capability names are case-insensitive, with or without CAP_" {
	local name
	for name in NET_RAW net_raw CAP_NET_RAW cap_Net_Raw; do
		escape --cap-add "$name" -- raw-socket
		assert_probe "raw-socket ok"
	done
}

@test "chown works by default and fails after --cap-drop CHOWN" {
	escape -- chown /tmp/chown-default
	assert_probe "chown ok"
	escape --cap-drop CHOWN -- chown /tmp/chown-dropped
	assert_probe "chown errno=EPERM"
	escape --cap-drop CHOWN -- caps
	# 0x800405fb without bit 0.
	[ "$(caps_field CapEff)" = 00000000800405fa ] || { _show; false; }
	[ "$(caps_field CapBnd)" = 00000000800405fa ] || { _show; false; }
}

@test "--cap-drop ALL leaves root with nothing" {
	escape --cap-drop ALL -- caps
	assert_status 0
	local set
	for set in CapInh CapPrm CapEff CapBnd CapAmb; do
		[ "$(caps_field $set)" = 0000000000000000 ] || { echo "$set" >&2; _show; false; }
	done
	escape --cap-drop ALL -- chown /tmp/chown-all
	assert_probe "chown errno=EPERM"
}

@test "--cap-drop ALL --cap-add CHOWN keeps exactly CHOWN" {
	escape --cap-drop ALL --cap-add CHOWN -- caps
	[ "$(caps_field CapEff)" = 0000000000000001 ] || { _show; false; }
	escape --cap-drop ALL --cap-add CHOWN -- chown /tmp/chown-only
	assert_probe "chown ok"
}

@test "--privileged and --cap-add ALL give root every capability the kernel knows" {
	local all
	all=$(all_caps_hex)
	escape --privileged -- caps
	[ "$(caps_field CapEff)" = "$all" ] || { _show; false; }
	[ "$(caps_field CapBnd)" = "$all" ] || { _show; false; }
	escape --cap-add ALL -- caps
	[ "$(caps_field CapEff)" = "$all" ] || { _show; false; }
}

@test "--privileged gives a non-root user nothing effective" {
	escape --privileged -u 1000 -- caps
	[ "$(caps_field CapEff)" = 0000000000000000 ] || { _show; false; }
	[ "$(caps_field CapAmb)" = 0000000000000000 ] || { _show; false; }
}

# mknod of a device node is checked against CAP_MKNOD in the initial user namespace: the container's root cannot make
# one even with every capability. A FIFO needs no capability: the probe itself works.
@test "a block device cannot be created, not even with --privileged; a FIFO can" {
	escape -- mknod-block
	assert_probe "mknod-block errno=EPERM"
	escape --privileged -- mknod-block
	assert_probe "mknod-block errno=EPERM"
	escape -- mknod-fifo
	assert_probe "mknod-fifo ok"
}

@test "--cap-add with an unknown name fails with one line and starts nothing" {
	burrow_run --cap-add foo sh -c 'touch /marker'
	assert_burrow_error 125
	assert_stderr_contains 'unknown capability "foo"'
	assert_not_started
}

@test "--cap-drop with an unknown name fails with one line and starts nothing" {
	burrow_run --cap-drop NET_FOO sh -c 'touch /marker'
	assert_burrow_error 125
	assert_not_started
}

@test "a capability given as a number is refused" {
	burrow_run --cap-add 13 sh -c 'touch /marker'
	assert_burrow_error 125
	assert_not_started
}

# podman and docker set net.ipv4.ping_group_range in the container's network namespace, so that ping works without
# NET_RAW; the host's default ("1 0") allows nobody, which is what --network host shows.
@test "ping sockets work without NET_RAW in the container's own network namespace, for root and -u 1000" {
	escape -- icmp-socket
	assert_probe "icmp-socket ok"
	escape -u 1000 -- icmp-socket
	assert_probe "icmp-socket ok"
	burrow_run cat /proc/sys/net/ipv4/ping_group_range
	assert_status 0
	[ "$(echo "$output" | awk '{print $1}')" = 0 ] || { _show; false; }
	if [ "$(awk '{print $1, $2}' /proc/sys/net/ipv4/ping_group_range)" = "1 0" ]; then
		escape --network host -- icmp-socket
		assert_probe "icmp-socket errno=EACCES"
	fi
}
