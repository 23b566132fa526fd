#!/usr/bin/env bats
# --network slirp (the default): the container gets tap0 (10.0.2.100/24, default route via 10.0.2.2, MTU 65520,
# IPv6 by SLAAC on fd00::/64) served by burrow-slirp, which runs as the user in the host's network namespace and goes
# away with the container; slirp's options change the interface; the host's loopback is reachable at 10.0.2.2 only
# with allow_host_loopback=true; /etc/hosts, /etc/hostname and /etc/resolv.conf are generated and bound over the
# rootfs's files, never written into them. --network none and host for comparison.
#
# Loopback only: the only host services contacted are netecho.py's on 127.0.0.1. Every run of this file uses a
# burrow.conf whose network.resolv_conf names a file of this file's own, so that a stray DNS query can only go to the
# host's 127.0.0.1, and so that this file's burrow-slirp processes are told apart from any other's by their
# --resolv-conf argument.

load helpers

setup_file() {
	burrow_setup_file
	export BURROW_ROOT="$BATS_FILE_TMPDIR/store"
	# An image without /etc/hostname, made before the rootfs gets one: a container of an image gets the file in its
	# own writable layer.
	python3 "$TESTS_DIR/images/mkimage.py" --owner 0:0 --tag localhost/net:latest \
		--docker-archive "$BATS_FILE_TMPDIR/net.tar" "$ROOTFS" >/dev/null
	"$BURROW" load -q -i "$BATS_FILE_TMPDIR/net.tar" >/dev/null
	# The rootfs's own files, which every run must leave as they are.
	printf '# the rootfs hosts\n192.0.2.250\timage-only.test\n' >"$ROOTFS/etc/hosts"
	printf '# the rootfs resolv.conf\nnameserver 192.0.2.251\n' >"$ROOTFS/etc/resolv.conf"
	printf 'rootfs-hostname\n' >"$ROOTFS/etc/hostname"
	export UPSTREAM_RESOLV="$BATS_FILE_TMPDIR/upstream-resolv.conf"
	echo "nameserver 127.0.0.1" >"$UPSTREAM_RESOLV"
	export BURROW_CONFIG="$BATS_FILE_TMPDIR/burrow.conf"
	printf '[network]\nresolv_conf = "%s"\n' "$UPSTREAM_RESOLV" >"$BURROW_CONFIG"
}

# The burrow-slirp processes of this file's containers (see above).
SLIRP_PATTERN="burrow-slirp .*--resolv-conf=$BATS_FILE_TMPDIR/upstream-resolv.conf"
SERVER_PIDS=()

teardown() { stop_test_processes; }

# netecho_start MODE [ARGS...]: netecho.py on the host's 127.0.0.1 (a free port of the kernel's choice); sets
# NETECHO_PORT and NETECHO_LOG (one line per client). Killed by PID in teardown.
netecho_start() {
	local mode=$1 n=${#SERVER_PIDS[@]} i
	shift
	local portfile="$BATS_TEST_TMPDIR/netecho$n.port" errfile="$BATS_TEST_TMPDIR/netecho$n.err"
	NETECHO_LOG="$BATS_TEST_TMPDIR/netecho$n.log"
	: >"$NETECHO_LOG"
	/usr/bin/python3 "$BATS_TEST_DIRNAME/netecho.py" "$mode" "$portfile" --log "$NETECHO_LOG" "$@" \
		</dev/null >/dev/null 2>"$errfile" 3>&- &
	SERVER_PIDS+=($!)
	for i in $(seq 100); do
		[ -s "$portfile" ] && break
		kill -0 "${SERVER_PIDS[-1]}" 2>/dev/null || break
		sleep 0.05
	done
	NETECHO_PORT=$(cat "$portfile" 2>/dev/null) || true
	if [ -z "$NETECHO_PORT" ]; then
		echo "netecho.py $mode did not start:" >&2
		cat "$errfile" >&2
		return 1
	fi
}

slirp_running() {
	pgrep -u "$(id -u)" -f "$SLIRP_PATTERN" >/dev/null
}

# Waits up to ~2 s for this file's burrow-slirp processes to be gone; fails showing them otherwise.
assert_no_slirp() {
	local i
	for i in $(seq 20); do
		slirp_running || return 0
		sleep 0.1
	done
	echo "burrow-slirp still running:" >&2
	pgrep -a -u "$(id -u)" -f "$SLIRP_PATTERN" >&2
	return 1
}

# The addresses, the default route, the MTU and the interfaces, one per line.
SHOW_NET='ip -o -4 addr show dev tap0 | awk "{print \$4}"; ip route | awk "\$1 == \"default\" {print \$3, \$5}"
	cat /sys/class/net/tap0/mtu; ls /sys/class/net'

# ---------------------------------------------------------------------------------------------------------------
# The interface

@test "the default network is slirp: tap0 with 10.0.2.100/24, a default route via 10.0.2.2, MTU 65520" {
	burrow_run sh -c "$SHOW_NET"
	assert_ok "$(printf '10.0.2.100/24\n10.0.2.2 tap0\n65520\nlo\ntap0')"
}

@test "--network slirp without options is the default" {
	burrow_run --network slirp sh -c "$SHOW_NET"
	assert_ok "$(printf '10.0.2.100/24\n10.0.2.2 tap0\n65520\nlo\ntap0')"
}

@test "slirp:mtu=1500 sets tap0's MTU" {
	burrow_run --network slirp:mtu=1500 cat /sys/class/net/tap0/mtu
	assert_ok 1500
}

@test "slirp:cidr=10.5.0.0/24 moves the address, the gateway and the DNS server into that network" {
	burrow_run --network slirp:cidr=10.5.0.0/24 -h box sh -c "$SHOW_NET"'
		grep nameserver /etc/resolv.conf; grep box /etc/hosts'
	assert_ok "$(printf '10.5.0.100/24\n10.5.0.2 tap0\n65520\nlo\ntap0\nnameserver 10.5.0.3\n10.5.0.100\tbox')"
}

@test "slirp options combine: mtu=1500,cidr=10.6.0.0/16" {
	burrow_run --network slirp:mtu=1500,cidr=10.6.0.0/16 sh -c "$SHOW_NET"
	assert_ok "$(printf '10.6.0.100/16\n10.6.0.2 tap0\n1500\nlo\ntap0')"
}

@test "IPv6 is on by default: a global fd00::/64 address appears on tap0 within a few seconds" {
	burrow_run sh -c '
		for i in $(seq 100); do
			if ip -6 -o addr show dev tap0 scope global | grep -v tentative | grep -q "inet6 fd00::"; then
				echo address; ip -6 route show default | grep -q "dev tap0" && echo route; exit 0
			fi
			sleep 0.1
		done
		ip -6 -o addr show dev tap0; exit 1'
	assert_ok "$(printf 'address\nroute')"
}

@test "slirp:enable_ipv6=false: IPv6 is disabled on tap0 and it has no IPv6 address" {
	burrow_run --network slirp:enable_ipv6=false sh -c '
		cat /proc/sys/net/ipv6/conf/tap0/disable_ipv6; ip -6 -o addr show dev tap0 | grep -c inet6'
	[ "${lines[0]}" = 1 ] && [ "${lines[1]}" = 0 ] || { _show; false; }
}

# ---------------------------------------------------------------------------------------------------------------
# The host's loopback at 10.0.2.2

@test "allow_host_loopback=true: a TCP server on the host's 127.0.0.1 is reachable at 10.0.2.2" {
	netecho_start tcp
	burrow_run --network slirp:allow_host_loopback=true sh -c "echo hello | nc -w 5 10.0.2.2 $NETECHO_PORT"
	assert_ok "netecho 127.0.0.1 hello"
}

@test "without allow_host_loopback, a TCP server on the host's 127.0.0.1 is not reachable at 10.0.2.2" {
	netecho_start tcp
	burrow_run sh -c "echo hello | nc -w 5 10.0.2.2 $NETECHO_PORT"
	assert_status 1
	[ -z "$output" ] || { _show; false; }
	assert_stderr_contains "can't connect"
	[ ! -s "$NETECHO_LOG" ] || { echo "the host's server saw a client:"; cat "$NETECHO_LOG"; false; }
}

@test "allow_host_loopback=false is the same as the default" {
	netecho_start tcp
	burrow_run --network slirp:allow_host_loopback=false sh -c "echo hello | nc -w 5 10.0.2.2 $NETECHO_PORT"
	assert_status 1
	[ ! -s "$NETECHO_LOG" ] || { echo "the host's server saw a client:"; cat "$NETECHO_LOG"; false; }
}

# busybox has no UDP netcat; its nslookup sends a UDP query to any port, and netecho.py's dns mode answers it.
@test "allow_host_loopback=true: UDP to 10.0.2.2 reaches the host's 127.0.0.1 and the answer comes back" {
	netecho_start dns
	burrow_run --network slirp:allow_host_loopback=true \
		nslookup -type=a -port="$NETECHO_PORT" -timeout=3 udp.test 10.0.2.2
	assert_status 0
	assert_output_contains "Address: 198.51.100.77"
	# nslookup may send its query more than once; every one came from the host's loopback.
	[ "$(sort -u "$NETECHO_LOG")" = 127.0.0.1 ] || { cat "$NETECHO_LOG"; false; }
}

@test "without allow_host_loopback, UDP to 10.0.2.2 does not reach the host's 127.0.0.1" {
	netecho_start dns
	burrow_run nslookup -type=a -port="$NETECHO_PORT" -timeout=1 -retry=1 udp.test 10.0.2.2
	assert_status 1
	[[ "$output" != *198.51.100.77* ]] || { _show; false; }
	[ ! -s "$NETECHO_LOG" ] || { echo "the host's server saw a client:"; cat "$NETECHO_LOG"; false; }
}

# The first datagram of the run: before burrow-slirp's loop has once called slirp_pollfds_poll(), libslirp's clock
# reads 0, so a UDP flow created by the first frames it reads from the TAP expires at once and the answer is lost;
# only a retransmission gets through. With IPv6 off nothing else comes first, so the first query is that datagram.
# One try (-retry=1) with a generous timeout: the answer must come back the first time.
@test "UDP: the answer to the very first datagram after start comes back (no retransmission needed)" {
	netecho_start dns
	burrow_run --network slirp:allow_host_loopback=true,enable_ipv6=false \
		nslookup -type=a -port="$NETECHO_PORT" -timeout=3 -retry=1 udp.test 10.0.2.2
	assert_status 0
	assert_output_contains "Address: 198.51.100.77"
	[ "$(cat "$NETECHO_LOG")" = 127.0.0.1 ] || { echo "queries seen by the host's server:"; cat "$NETECHO_LOG"; false; }
}

# libslirp answers an echo request to its own gateway address itself (no ICMP socket on the host, so the host's
# net.ipv4.ping_group_range does not matter). busybox's ping only uses raw sockets, hence NET_RAW.
@test "ICMP: ping to the gateway 10.0.2.2 is answered" {
	burrow_run --cap-add NET_RAW ping -c 1 -W 5 10.0.2.2
	assert_status 0
	assert_output_contains "1 packets received"
}

# ---------------------------------------------------------------------------------------------------------------
# /etc/hosts, /etc/hostname, /etc/resolv.conf

@test "/etc/hosts: localhost, and the container's address with its host name; no host.containers.internal" {
	burrow_run -h myhost cat /etc/hosts
	assert_ok "$(printf '127.0.0.1\tlocalhost localhost.localdomain\n::1\tlocalhost ip6-localhost ip6-loopback\n10.0.2.100\tmyhost')"
}

@test "/etc/hosts with allow_host_loopback=true names 10.0.2.2 host.containers.internal and host.docker.internal" {
	burrow_run -h myhost --network slirp:allow_host_loopback=true cat /etc/hosts
	assert_status 0
	[ "${lines[3]}" = "$(printf '10.0.2.2\thost.containers.internal host.docker.internal')" ] || { _show; false; }
	[ "${#lines[@]}" -eq 4 ] || { _show; false; }
}

@test "--add-host adds its lines in order; host-gateway is 10.0.2.2; NAME=IP and a bracketed IPv6 are accepted" {
	burrow_run -h myhost --add-host db.test:192.0.2.10 --add-host gw.test:host-gateway \
		--add-host v6.test:[2001:db8::1] --add-host eq.test=192.0.2.11 sh -c 'tail -n 4 /etc/hosts'
	assert_ok "$(printf '192.0.2.10\tdb.test\n10.0.2.2\tgw.test\n2001:db8::1\tv6.test\n192.0.2.11\teq.test')"
}

@test "--add-host host-gateway follows the cidr option" {
	burrow_run --network slirp:cidr=10.5.0.0/24 --add-host gw.test:host-gateway sh -c 'tail -n 1 /etc/hosts'
	assert_ok "$(printf '10.5.0.2\tgw.test')"
}

@test "/etc/hostname holds the host name; hostname and /etc/hosts agree with it" {
	burrow_run -h myhost sh -c 'cat /etc/hostname; hostname'
	assert_ok "$(printf 'myhost\nmyhost')"
	# The default host name: 12 characters of the id, the same in the three places.
	burrow_run sh -c 'cat /etc/hostname; hostname; tail -n 1 /etc/hosts'
	assert_status 0
	[[ "${lines[0]}" =~ ^[0-9a-f]{12}$ ]] || { _show; false; }
	[ "${lines[1]}" = "${lines[0]}" ] || { _show; false; }
	[ "${lines[2]}" = "$(printf '10.0.2.100\t%s' "${lines[0]}")" ] || { _show; false; }
}

@test "an image without /etc/hostname gets one in the container, not in the image's layers" {
	run --separate-stderr "$BURROW" run -h imagehost net sh -c 'cat /etc/hostname; echo edited >/etc/hostname'
	assert_ok imagehost
	run find "$BURROW_ROOT" -path '*/etc/hostname'
	[ "$status" -eq 0 ] && [ -z "$output" ] || { echo "found in the store:"; _show; false; }
}

@test "the rootfs's /etc/hosts, /etc/resolv.conf and /etc/hostname are unchanged by a run, even one editing them" {
	local before after
	before=$(cd "$ROOTFS/etc" && cat hosts resolv.conf hostname)
	burrow_run -h edited --add-host extra.test:192.0.2.12 sh -c '
		echo "192.0.2.13 written.test" >>/etc/hosts; echo "nameserver 192.0.2.14" >>/etc/resolv.conf
		echo written >/etc/hostname; grep -c written /etc/hosts /etc/hostname'
	assert_ok "$(printf '/etc/hosts:1\n/etc/hostname:1')"
	after=$(cd "$ROOTFS/etc" && cat hosts resolv.conf hostname)
	[ "$after" = "$before" ] || { echo "before: ${before@Q}"; echo "after: ${after@Q}"; false; }
	# And the next container sees generated files again, not the edits.
	burrow_run -h again sh -c 'cat /etc/hostname; grep -c written /etc/hosts'
	assert_status 1
	assert_output "$(printf 'again\n0')"
}

@test "--network none: only lo; /etc/hosts names 127.0.1.1; the rootfs's /etc/resolv.conf is left in place" {
	burrow_run --network none -h lonely sh -c 'ls /sys/class/net; tail -n 1 /etc/hosts; cat /etc/resolv.conf'
	assert_ok "$(printf 'lo\n127.0.1.1\tlonely\n# the rootfs resolv.conf\nnameserver 192.0.2.251')"
	! slirp_running || { pgrep -a -f "$SLIRP_PATTERN"; false; }
}

@test "--network host: the host's interfaces, and no burrow-slirp" {
	local expected
	expected=$(ls /sys/class/net)
	burrow_run --network host ls /sys/class/net
	assert_ok "$expected"
}

# ---------------------------------------------------------------------------------------------------------------
# burrow-slirp's lifetime

@test "burrow-slirp runs as the user in the host's network namespace while the container runs" {
	local pid
	burrow_start_background sh -c 'echo started; exec sleep 30'
	[ "$READY_LINE" = started ] || { cat "$BG_ERR"; false; }
	pid=$(pgrep -u "$(id -u)" -f "$SLIRP_PATTERN")
	[ -n "$pid" ] || { echo "no burrow-slirp"; pgrep -a burrow; false; }
	[ "$(stat -c %u /proc/"$pid")" = "$(id -u)" ]
	[ "$(readlink /proc/"$pid"/ns/net)" = "$(readlink /proc/self/ns/net)" ]
	kill -TERM "$BG_PID"
	burrow_wait_background
	BG_PID=
	assert_status 143
	assert_no_slirp
}

@test "no burrow-slirp remains after a normal exit" {
	burrow_run true
	assert_ok ""
	assert_no_slirp
}

@test "no burrow-slirp remains after the workload is killed with SIGKILL" {
	burrow_run sh -c 'kill -KILL $$'
	assert_status 137
	assert_no_slirp
}

@test "no burrow-slirp remains after burrow itself is killed with SIGTERM" {
	burrow_start_background sh -c 'echo started; exec sleep 30'
	[ "$READY_LINE" = started ] || { cat "$BG_ERR"; false; }
	slirp_running || { echo "no burrow-slirp while the container runs"; false; }
	kill -TERM "$BG_PID"
	burrow_wait_background
	BG_PID=
	assert_status 143
	assert_no_slirp
}

@test "no burrow-slirp remains after burrow itself is killed with SIGKILL" {
	burrow_start_background sh -c 'echo started; exec sleep 30'
	[ "$READY_LINE" = started ] || { cat "$BG_ERR"; false; }
	slirp_running || { echo "no burrow-slirp while the container runs"; false; }
	kill -KILL "$BG_PID"
	wait "$BG_PID" 2>/dev/null || true
	BG_PID=
	assert_no_slirp
}

# ---------------------------------------------------------------------------------------------------------------
# Malformed options: one line, 125, nothing started

@test "a malformed --network fails with one line naming it and 125" {
	local arg
	for arg in bogus "" slirpx slirp: slirp:mtu slirp:mtu=100 slirp:mtu=70000 slirp:mtu=abc slirp:cidr=10.0.2.1/24 \
		slirp:cidr=10.0.0.0/30 slirp:cidr=foo slirp:enable_ipv6=maybe slirp:allow_host_loopback=2 slirp:bogus=1 \
		slirp:outbound_addr=::1 slirp:outbound_addr6=192.0.2.1; do
		burrow_run --network "$arg" sh -c 'echo started'
		assert_burrow_error
		[[ "$stderr" == "burrow: invalid --network \"$arg\": "* ]] || { echo "for --network ${arg@Q}"; _show; false; }
	done
	assert_no_slirp
}

@test "a malformed --add-host fails with one line naming it and 125" {
	local arg
	for arg in foo bar:1.2.3 :192.0.2.1 "a b:192.0.2.1" -x:192.0.2.1 x: x:host-gw; do
		burrow_run --add-host "$arg" sh -c 'echo started'
		assert_burrow_error
		[[ "$stderr" == "burrow: invalid --add-host \"$arg\": "* ]] || { echo "for --add-host ${arg@Q}"; _show; false; }
	done
}

@test "if burrow-slirp dies during the run, one warning line says so and the workload goes on" {
	local helper
	burrow_start_background sh -c 'echo started; read -t 5 x </dev/null; sleep 1; echo finished'
	[ "$READY_LINE" = started ] || { cat "$BG_ERR"; false; }
	helper=$(pgrep -P "$BG_PID" -f burrow-slirp)
	[ -n "$helper" ] || { echo "no burrow-slirp child of $BG_PID"; false; }
	kill -KILL "$helper"
	burrow_wait_background
	assert_status 0
	[ "$output" = finished ] || { _show; false; }
	assert_stderr "burrow: warning: network: burrow-slirp exited (status 137); the container has no outside network any more"
}
