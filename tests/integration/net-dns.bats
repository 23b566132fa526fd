#!/usr/bin/env bats
# DNS: with slirp the container's /etc/resolv.conf names slirp's resolver 10.0.2.3 (or the --dns servers), with the
# search and options lines of the host's resolver file (or --dns-search / --dns-option); slirp forwards queries to
# 10.0.2.3 to the servers of the host's resolver file, which burrow.conf's network.resolv_conf can name instead.
#
# Loopback only: the queries that leave the container go to the test DNS server of tests/run (dnsmasq on
# $BURROW_TEST_DNS, a loopback address, answering burrow.test with 192.0.2.7), through a resolver file of this file's
# own; no real name is resolved and 192.0.2.7 is never contacted. Without $BURROW_TEST_DNS those tests skip.

load helpers

setup_file() {
	burrow_setup_file
	printf '# the rootfs resolv.conf\nnameserver 192.0.2.251\n' >"$ROOTFS/etc/resolv.conf"
}

# use_test_dns [LINE...]: skips without the test DNS server; otherwise a resolver file naming it (and the given extra
# lines) for burrow-slirp, through BURROW_CONFIG.
use_test_dns() {
	[ -n "${BURROW_TEST_DNS:-}" ] ||
		skip "BURROW_TEST_DNS is empty: no test DNS server (tests/run, as root, starts dnsmasq on 127.0.0.153)"
	{
		echo "nameserver $BURROW_TEST_DNS"
		[ $# -eq 0 ] || printf '%s\n' "$@"
	} >"$BATS_TEST_TMPDIR/upstream-resolv.conf"
	printf '[network]\nresolv_conf = "%s"\n' "$BATS_TEST_TMPDIR/upstream-resolv.conf" >"$BATS_TEST_TMPDIR/burrow.conf"
	export BURROW_CONFIG="$BATS_TEST_TMPDIR/burrow.conf"
}

# A resolver file without a server, for the tests of resolv.conf's contents: nothing is looked up there.
use_resolver_file() { # LINE...
	printf '%s\n' "$@" >"$BATS_TEST_TMPDIR/upstream-resolv.conf"
	printf '[network]\nresolv_conf = "%s"\n' "$BATS_TEST_TMPDIR/upstream-resolv.conf" >"$BATS_TEST_TMPDIR/burrow.conf"
	export BURROW_CONFIG="$BATS_TEST_TMPDIR/burrow.conf"
}

# ---------------------------------------------------------------------------------------------------------------
# Resolution through slirp

@test "nslookup resolves burrow.test through 10.0.2.3, forwarded to the server of network.resolv_conf" {
	use_test_dns
	burrow_run nslookup -type=a burrow.test
	assert_status 0
	assert_output_contains "$(printf 'Server:\t\t10.0.2.3')"
	assert_output_contains "Address: 192.0.2.7"
}

@test "nslookup asking 10.0.2.3 explicitly gets the same answer" {
	use_test_dns
	burrow_run nslookup -type=a burrow.test 10.0.2.3
	assert_status 0
	assert_output_contains "Address: 192.0.2.7"
}

# wget resolves through the C library (resolv.conf), then would connect: an unreachable route to 192.0.2.7 inside the
# container stops it there, so the answer shows in wget's error and nothing leaves the container but the query.
@test "wget by name resolves burrow.test through the C library and 10.0.2.3" {
	use_test_dns
	burrow_run --cap-add NET_ADMIN sh -c 'ip route add unreachable 192.0.2.7/32 || exit 9; wget -q -O - http://burrow.test/'
	assert_status 1
	assert_stderr_contains "can't connect to remote host (192.0.2.7)"
}

@test "with slirp:cidr=10.5.0.0/24 the resolver is 10.5.0.3, and it answers" {
	use_test_dns
	burrow_run --network slirp:cidr=10.5.0.0/24 sh -c 'cat /etc/resolv.conf; nslookup -type=a burrow.test'
	assert_status 0
	[ "${lines[0]}" = "nameserver 10.5.0.3" ] || { _show; false; }
	assert_output_contains "Address: 192.0.2.7"
}

# See net-slirp.bats: the first UDP flow burrow-slirp sees right after start expires at once and its answer is lost.
# With IPv6 off the DNS query is that first flow. One try with a generous timeout: the answer must come the first time.
@test "the very first DNS query after start is answered at once, without a retransmission" {
	use_test_dns
	burrow_run --network slirp:enable_ipv6=false nslookup -type=a -timeout=3 -retry=1 burrow.test
	assert_status 0
	assert_output_contains "Address: 192.0.2.7"
}

@test "a name the test server does not know is not found" {
	use_test_dns
	burrow_run nslookup -type=a nosuch.burrow.invalid
	assert_status 1
	[[ "$output" != *"Address: 192.0.2.7"* ]] || { _show; false; }
}

@test "a network.resolv_conf naming a missing file fails the run with one line and 125" {
	printf '[network]\nresolv_conf = "%s"\n' "$BATS_TEST_TMPDIR/missing.conf" >"$BATS_TEST_TMPDIR/burrow.conf"
	BURROW_CONFIG="$BATS_TEST_TMPDIR/burrow.conf" burrow_run sh -c 'echo started'
	assert_burrow_error
	assert_stderr_contains "$BATS_TEST_TMPDIR/missing.conf"
}

# ---------------------------------------------------------------------------------------------------------------
# /etc/resolv.conf

@test "resolv.conf names 10.0.2.3 only, with the search and options lines of the host's resolver file" {
	use_resolver_file "nameserver 127.0.0.1" "nameserver 127.0.0.9" "search corp.test lab.test" "options ndots:3"
	burrow_run cat /etc/resolv.conf
	assert_ok "$(printf 'nameserver 10.0.2.3\nsearch corp.test lab.test\noptions ndots:3')"
}

@test "without burrow.conf, resolv.conf names 10.0.2.3 as its only server" {
	burrow_run grep nameserver /etc/resolv.conf
	assert_ok "nameserver 10.0.2.3"
}

@test "--dns replaces 10.0.2.3 with the given servers, in order" {
	burrow_run --dns 192.0.2.53 --dns 2001:db8::53 cat /etc/resolv.conf
	assert_status 0
	[ "$(grep nameserver <<<"$output")" = "$(printf 'nameserver 192.0.2.53\nnameserver 2001:db8::53')" ] || { _show; false; }
}

@test "--dns with the test server: the container queries it directly (with --network host, where it is reachable)" {
	use_test_dns
	burrow_run --network host --dns "$BURROW_TEST_DNS" sh -c 'grep nameserver /etc/resolv.conf; nslookup -type=a burrow.test'
	assert_status 0
	[ "${lines[0]}" = "nameserver $BURROW_TEST_DNS" ] || { _show; false; }
	assert_output_contains "Address: 192.0.2.7"
}

@test "--dns-search and --dns-option replace the host's search and options lines" {
	use_resolver_file "search corp.test" "options ndots:3"
	burrow_run --dns-search example.test --dns-search other.test --dns-option ndots:2 --dns-option timeout:1 \
		cat /etc/resolv.conf
	assert_ok "$(printf 'nameserver 10.0.2.3\nsearch example.test other.test\noptions ndots:2 timeout:1')"
}

@test "--dns-search . leaves out the search line" {
	use_resolver_file "search corp.test" "options ndots:3"
	burrow_run --dns-search . cat /etc/resolv.conf
	assert_ok "$(printf 'nameserver 10.0.2.3\noptions ndots:3')"
}

@test "--network none leaves the rootfs's resolv.conf in place; --dns there writes one" {
	burrow_run --network none cat /etc/resolv.conf
	assert_ok "$(printf '# the rootfs resolv.conf\nnameserver 192.0.2.251')"
	burrow_run --network none --dns 192.0.2.53 --dns-search example.test cat /etc/resolv.conf
	assert_ok "$(printf 'nameserver 192.0.2.53\nsearch example.test')"
	# and the rootfs's file is as it was
	[ "$(cat "$ROOTFS/etc/resolv.conf")" = "$(printf '# the rootfs resolv.conf\nnameserver 192.0.2.251')" ]
}

@test "invalid --dns, --dns-search and --dns-option fail with one line naming them and 125" {
	local opt arg
	for opt in "--dns 1.2.3" "--dns example.test" "--dns 192.0.2.1:53" "--dns-search a..b/c" "--dns-search -x.test" \
		"--dns-option has space" "--dns-option a#b"; do
		arg=${opt#* }
		burrow_run "${opt%% *}" "$arg" sh -c 'echo started'
		assert_burrow_error
		[[ "$stderr" == "burrow: invalid ${opt%% *} \"$arg\": "* ]] || { echo "for $opt"; _show; false; }
	done
	burrow_run --dns "" sh -c 'echo started'
	assert_burrow_error
}
