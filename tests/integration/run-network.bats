#!/usr/bin/env bats
# --network none: an own network namespace with only lo, and lo is up. --network host: the host's interfaces. --net is
# an alias. The default, slirp (lo and tap0), has its own files: net-slirp.bats, net-ports.bats, net-dns.bats.

load helpers

setup_file() { burrow_setup_file; }

@test "by default the container has lo and tap0 (slirp)" {
	burrow_run ls /sys/class/net
	assert_ok "$(printf 'lo\ntap0')"
}

@test "--network none has only lo, and lo is up" {
	# IFF_UP|IFF_LOOPBACK = 0x9; IFF_RUNNING (0x40) follows once up.
	burrow_run --network none sh -c 'cat /sys/class/net/lo/operstate; ip -o link show lo | grep -o "<[^>]*>"'
	assert_status 0
	assert_stderr ""
	[ "${lines[0]}" = unknown ] || { _show; false; }
	[[ "${lines[1]}" == *UP* ]] || { _show; false; }
}

@test "with --network none 127.0.0.1 is reachable: a connection to a closed port is refused, not unroutable" {
	burrow_run --network none nc 127.0.0.1 9
	assert_status 1
	assert_stderr_contains "Connection refused"
}

@test "by default the network namespace is not the host's" {
	local host
	host=$(readlink /proc/self/ns/net)
	burrow_run readlink /proc/self/ns/net
	assert_status 0
	[ "$output" != "$host" ] || { _show; false; }
}

@test "--network none gives only lo, up" {
	burrow_run --network none sh -c 'ls /sys/class/net; cat /sys/class/net/lo/operstate'
	assert_ok "$(printf 'lo\nunknown')"
}

@test "--network=none spelling works" {
	burrow_run --network=none ls /sys/class/net
	assert_ok "lo"
}

@test "--net none is an alias of --network none" {
	burrow_run --net none ls /sys/class/net
	assert_ok "lo"
}

@test "--network host shows the host's interfaces" {
	local expected
	expected=$(ls /sys/class/net)
	burrow_run --network host ls /sys/class/net
	assert_ok "$expected"
}

@test "--network host shares the host's network namespace" {
	local host
	host=$(readlink /proc/self/ns/net)
	burrow_run --network host readlink /proc/self/ns/net
	assert_ok "$host"
}

@test "--net=host is an alias of --network host" {
	local expected
	expected=$(ls /sys/class/net)
	burrow_run --net=host ls /sys/class/net
	assert_ok "$expected"
}

@test "--network with an unknown mode fails with 125" {
	burrow_run --network bogus true
	assert_burrow_error
}
