#!/usr/bin/env bats
# -p/--publish and -P/--publish-all: burrow binds the host ports itself before the container starts (a port in use or
# a privileged port fails the run with one line, before the workload runs), and a relay process (burrow-ports) in the
# container's network namespace connects each client to 127.0.0.1:CPORT there, TCP and UDP, keeping a loopback
# client's own address; it stops with the container and releases the ports.
#
# Loopback only: every client here connects to the host's 127.0.0.1 or ::1. The services in the container are
# busybox httpd (with a CGI printing REMOTE_ADDR) and, for UDP (busybox has no UDP server), netecho.py run by nsenter
# in the container's network namespace. burrow names a host port it chose in a notice on stderr ("burrow: notice:
# published 0.0.0.0:PORT->80/tcp", none with --quiet); the tests also read the ports from `ss -lnp`, as the sockets of
# the burrow-ports process.

load helpers

setup_file() {
	burrow_setup_file
	mkdir -p "$ROOTFS/www/cgi-bin" "$ROOTFS/www81"
	echo "port 80" >"$ROOTFS/www/index.html"
	echo "port 81" >"$ROOTFS/www81/index.html"
	printf '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\n"\necho "$REMOTE_ADDR"\n' >"$ROOTFS/www/cgi-bin/peer"
	chmod 0755 "$ROOTFS/www/cgi-bin/peer"
	head -c 3000000 /dev/urandom >"$ROOTFS/www/big"
	export BURROW_ROOT="$BATS_FILE_TMPDIR/store"
	python3 "$TESTS_DIR/images/mkarchive.py" --format docker-archive --out "$BATS_FILE_TMPDIR/exposed.tar" \
		--name localhost/exposed:latest --layer "$ROOTFS" --expose 80/tcp --expose 5353/udp >/dev/null
	"$BURROW" load -q -i "$BATS_FILE_TMPDIR/exposed.tar" >/dev/null
}

SERVER_PIDS=()
NETECHO="$BATS_TEST_DIRNAME/netecho.py"

teardown() { stop_test_processes; }

# free_port [tcp|udp]: a port free on every host address (IPv4 and IPv6) at the moment.
free_port() {
	/usr/bin/python3 - "${1:-tcp}" <<'PY'
import socket, sys
kind = socket.SOCK_STREAM if sys.argv[1] == "tcp" else socket.SOCK_DGRAM
try:
    s = socket.socket(socket.AF_INET6, kind)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", 0))
except OSError:
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("0.0.0.0", 0))
print(s.getsockname()[1])
PY
}

# free_port_range N: the first of N consecutive TCP ports free on every host address at the moment.
free_port_range() {
	/usr/bin/python3 - "$1" <<'PY'
import random, socket, sys
n = int(sys.argv[1])
for _ in range(200):
    base = random.randint(20000, 60000 - n)
    held = []
    try:
        for port in range(base, base + n):
            s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            held.append(s)
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            s.bind(("::", port))
    except OSError:
        continue
    finally:
        for s in held:
            s.close()
    print(base)
    sys.exit(0)
sys.exit(1)
PY
}

host_has_ipv6_loopback() {
	/usr/bin/python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null
}

# start_web [RUN OPTIONS...]: a container serving /www on 80 and /www81 on 81 (busybox httpd), in the background.
start_web() {
	burrow_start_background "$@" sh -c 'httpd -p 80 -h /www && httpd -p 81 -h /www81 && echo ready && exec sleep 60'
	[ "$READY_LINE" = ready ] || { echo "the container did not start:"; cat "$BG_ERR"; return 1; }
	find_relay
}

# find_relay: RELAY, the pid of burrow's burrow-ports child (it names itself a moment after it starts).
find_relay() {
	local i
	RELAY=
	for i in $(seq 50); do
		RELAY=$(pgrep -P "$BG_PID" -x burrow-ports) && return 0
		sleep 0.05
	done
	echo "no burrow-ports process under burrow ($BG_PID):" >&2
	ps -o pid,ppid,comm,args --ppid "$BG_PID" >&2
	return 1
}

# relay_ports tcp|udp: the host ports the relay holds, "ADDRESS:PORT" one per line, sorted by port.
relay_ports() {
	ss -Hlnp "--$1" | awk -v pid="pid=$RELAY," 'index($0, pid) { print $4 }' | sort -t: -k2 -n
}

http_get() { # URL [CURL OPTIONS...]
	local url=$1
	shift
	curl -sS --max-time 5 "$@" "$url"
}

# udp_server_in_container PORT: netecho.py's UDP echo on 127.0.0.1:PORT inside the container's network namespace
# (joined through the relay's namespaces, which the user owns). Killed in teardown.
udp_server_in_container() {
	local portfile="$BATS_TEST_TMPDIR/inner-udp.port" i
	nsenter -t "$RELAY" -U -n --preserve-credentials /usr/bin/python3 "$NETECHO" udp "$portfile" --port "$1" \
		</dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/inner-udp.err" 3>&- &
	SERVER_PIDS+=($!)
	for i in $(seq 100); do
		[ -s "$portfile" ] && return 0
		kill -0 "${SERVER_PIDS[-1]}" 2>/dev/null || break
		sleep 0.05
	done
	echo "netecho.py did not start in the container's network namespace:" >&2
	cat "$BATS_TEST_TMPDIR/inner-udp.err" >&2
	return 1
}

# host_server tcp|udp PORT: netecho.py holding the host's 127.0.0.1:PORT (killed in teardown).
host_server() {
	local portfile="$BATS_TEST_TMPDIR/host-$1-$2.port" i
	/usr/bin/python3 "$NETECHO" "$1" "$portfile" --port "$2" </dev/null >/dev/null 2>&1 3>&- &
	SERVER_PIDS+=($!)
	for i in $(seq 100); do
		[ -s "$portfile" ] && return 0
		sleep 0.05
	done
	echo "could not hold 127.0.0.1:$2/$1" >&2
	return 1
}

# port_is_free tcp|udp PORT: nothing listens on PORT (any address), and we can bind it ourselves.
port_is_free() {
	[ -z "$(ss -Hln "--$1" "sport = :$2")" ] || return 1
	/usr/bin/python3 - "$1" "$2" <<'PY'
import socket, sys
kind = socket.SOCK_STREAM if sys.argv[1] == "tcp" else socket.SOCK_DGRAM
try:
    s = socket.socket(socket.AF_INET6, kind)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    # As a TCP server would: the relay's closed connections may sit in TIME_WAIT on the port.
    if kind == socket.SOCK_STREAM:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::", int(sys.argv[2])))
except OSError as e:
    if getattr(e, "errno", 0) == 98:
        sys.exit(1)
    s = socket.socket(socket.AF_INET, kind)
    if kind == socket.SOCK_STREAM:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(sys.argv[2])))
PY
}

# wait_port_free tcp|udp PORT: up to ~2 s.
wait_port_free() {
	local i
	for i in $(seq 20); do
		port_is_free "$1" "$2" && return 0
		sleep 0.1
	done
	echo "port $2/$1 is still taken:" >&2
	ss -Hlnp "--$1" "sport = :$2" >&2
	return 1
}

# ---------------------------------------------------------------------------------------------------------------
# The -p forms

@test "-p 127.0.0.1:HOSTPORT:80 publishes the container's port 80 on the host's 127.0.0.1 only" {
	local hp
	hp=$(free_port)
	start_web -p "127.0.0.1:$hp:80"
	run http_get "http://127.0.0.1:$hp/"
	assert_output "port 80"
	[ "$(relay_ports tcp)" = "127.0.0.1:$hp" ] || { relay_ports tcp; false; }
	# A port the user chose needs no notice.
	[ ! -s "$BG_ERR" ] || { cat "$BG_ERR"; false; }
}

@test "-p HOSTPORT:80 publishes on all of the host's addresses, IPv4 and IPv6" {
	local hp
	hp=$(free_port)
	start_web -p "$hp:80"
	run http_get "http://127.0.0.1:$hp/"
	assert_output "port 80"
	if host_has_ipv6_loopback; then
		run http_get "http://[::1]:$hp/"
		assert_output "port 80"
	fi
}

@test "--publish [::1]:HOSTPORT:80 publishes on the host's ::1 only" {
	host_has_ipv6_loopback || skip "the host has no ::1"
	local hp
	hp=$(free_port)
	start_web --publish "[::1]:$hp:80"
	run http_get "http://[::1]:$hp/"
	assert_output "port 80"
	[ "$(relay_ports tcp)" = "[::1]:$hp" ] || { relay_ports tcp; false; }
	run http_get "http://127.0.0.1:$hp/"
	assert_status 7 # curl: could not connect
}

@test "-p 127.0.0.1:A-B:80-81 maps a host range onto a container range, port by port" {
	local base
	base=$(free_port_range 2)
	start_web -p "127.0.0.1:$base-$((base + 1)):80-81"
	run http_get "http://127.0.0.1:$base/"
	assert_output "port 80"
	run http_get "http://127.0.0.1:$((base + 1))/"
	assert_output "port 81"
}

@test "-p 127.0.0.1:A-C:80 binds the first free port of the host range" {
	local base
	base=$(free_port_range 3)
	host_server tcp "$base"
	start_web -p "127.0.0.1:$base-$((base + 2)):80"
	[ "$(relay_ports tcp)" = "127.0.0.1:$((base + 1))" ] || { relay_ports tcp; false; }
	run http_get "http://127.0.0.1:$((base + 1))/"
	assert_output "port 80"
	[ "$(cat "$BG_ERR")" = "burrow: notice: published 127.0.0.1:$((base + 1))->80/tcp" ] || { cat "$BG_ERR"; false; }
}

@test "-p 80 publishes on a free host port, named in a notice on stderr" {
	local port
	start_web -p 80
	port=$(relay_ports tcp)
	[[ "$port" =~ ^(\*|\[::\]|0\.0\.0\.0):[0-9]+$ ]] || { echo "relay ports: ${port@Q}"; false; }
	[ "$(cat "$BG_ERR")" = "burrow: notice: published 0.0.0.0:${port##*:}->80/tcp" ] || { cat "$BG_ERR"; false; }
	run http_get "http://127.0.0.1:${port##*:}/"
	assert_output "port 80"
}

@test "-p 0:80 is the same as -p 80; --quiet leaves the notice out" {
	local port
	start_web --quiet -p 0:80
	port=$(relay_ports tcp)
	[[ "$port" =~ :[0-9]+$ ]] || { echo "relay ports: ${port@Q}"; false; }
	[ ! -s "$BG_ERR" ] || { cat "$BG_ERR"; false; }
	run http_get "http://127.0.0.1:${port##*:}/"
	assert_output "port 80"
}

@test "-p 127.0.0.1::80-81 gives each container port its own free host port, each named in a notice" {
	local p80 p81
	start_web -p 127.0.0.1::80-81
	p80=$(sed -n 's|^burrow: notice: published 127\.0\.0\.1:\([0-9]*\)->80/tcp$|\1|p' "$BG_ERR")
	p81=$(sed -n 's|^burrow: notice: published 127\.0\.0\.1:\([0-9]*\)->81/tcp$|\1|p' "$BG_ERR")
	[ -n "$p80" ] && [ -n "$p81" ] && [ "$p80" != "$p81" ] && [ "$(wc -l <"$BG_ERR")" -eq 2 ] || { cat "$BG_ERR"; false; }
	[ "$(relay_ports tcp | sort)" = "$(printf '127.0.0.1:%s\n' "$p80" "$p81" | sort)" ] || { relay_ports tcp; false; }
	run http_get "http://127.0.0.1:$p80/"
	assert_output "port 80"
	run http_get "http://127.0.0.1:$p81/"
	assert_output "port 81"
}

@test "-p 127.0.0.1:HOSTPORT:5353/udp relays datagrams both ways" {
	local hp
	hp=$(free_port udp)
	start_web -p "127.0.0.1:$hp:5353/udp"
	[ "$(relay_ports udp)" = "127.0.0.1:$hp" ] || { relay_ports udp; false; }
	udp_server_in_container 5353
	run /usr/bin/python3 "$NETECHO" ask-udp 127.0.0.1 "$hp" hello
	assert_output "netecho 127.0.0.1 hello"
	run /usr/bin/python3 "$NETECHO" ask-udp 127.0.0.1 "$hp" again
	assert_output "netecho 127.0.0.1 again"
}

@test "-p HOSTPORT:80/tcp,udp publishes both protocols" {
	local hp
	hp=$(free_port)
	start_web -p "127.0.0.1:$hp:80/tcp,udp"
	[ "$(relay_ports tcp)" = "127.0.0.1:$hp" ] || { relay_ports tcp; false; }
	[ "$(relay_ports udp)" = "127.0.0.1:$hp" ] || { relay_ports udp; false; }
}

@test "-p forwards into the container's loopback with --network none too" {
	local hp
	hp=$(free_port)
	start_web --network none -p "127.0.0.1:$hp:80"
	run http_get "http://127.0.0.1:$hp/"
	assert_output "port 80"
}

@test "3 MB each way through a published TCP port arrive intact, and a half-close is passed on" {
	local hp sum
	hp=$(free_port)
	start_web -p "127.0.0.1:$hp:80"
	sum=$(sha256sum <"$ROOTFS/www/big")
	run --separate-stderr sh -c "curl -sS --max-time 10 http://127.0.0.1:$hp/big | sha256sum"
	assert_ok "$sum"
	kill -TERM "$BG_PID"
	wait "$BG_PID" || true
	# Upload: the service reads until the client's FIN, then prints what it got.
	hp=$(free_port)
	burrow_start_background -p "127.0.0.1:$hp:90" sh -c 'echo ready; nc -l -p 90 | sha256sum'
	[ "$READY_LINE" = ready ] || { cat "$BG_ERR"; false; }
	# nc -l may not listen yet when "ready" is out: retry while the relay resets the client.
	local i
	for i in $(seq 50); do
		socat -u FILE:"$ROOTFS/www/big" TCP:127.0.0.1:"$hp" 2>/dev/null && break
		sleep 0.1
	done
	burrow_wait_background
	BG_PID=
	assert_ok "$sum"
}

# ---------------------------------------------------------------------------------------------------------------
# The client's address

@test "a loopback client's address is kept: the service sees 127.0.0.2 for a client bound to it" {
	local hp
	hp=$(free_port)
	start_web -p "127.0.0.1:$hp:80"
	run http_get "http://127.0.0.1:$hp/cgi-bin/peer" --interface 127.0.0.2
	assert_status 0
	[[ "$output" == 127.0.0.2 || "$output" == "[::ffff:127.0.0.2]" ]] || { _show; false; }
	run http_get "http://127.0.0.1:$hp/cgi-bin/peer"
	[[ "$output" == 127.0.0.1 || "$output" == "[::ffff:127.0.0.1]" ]] || { _show; false; }
}

@test "a client of ::1 is seen as ::1 through a port published on all addresses" {
	host_has_ipv6_loopback || skip "the host has no ::1"
	local hp
	hp=$(free_port)
	start_web -p "$hp:80"
	run http_get "http://[::1]:$hp/cgi-bin/peer"
	assert_output "[::1]"
}

@test "UDP: a loopback client's address is kept too" {
	local hp
	hp=$(free_port udp)
	start_web -p "127.0.0.1:$hp:5353/udp"
	udp_server_in_container 5353
	run /usr/bin/python3 "$NETECHO" ask-udp 127.0.0.1 "$hp" hello --bind 127.0.0.2
	assert_output "netecho 127.0.0.2 hello"
}

# ---------------------------------------------------------------------------------------------------------------
# Failures before the container starts

@test "a host port in use: one line naming it, 125, and the workload never runs" {
	local hp
	hp=$(free_port)
	host_server tcp "$hp"
	burrow_run -p "127.0.0.1:$hp:80" sh -c 'echo started'
	assert_burrow_error
	assert_stderr "burrow: publish: TCP port $hp on 127.0.0.1 is already in use"
	# On all addresses, the IPv4 wildcard includes the 127.0.0.1 that is taken.
	burrow_run -p "$hp:80" sh -c 'echo started'
	assert_burrow_error
	assert_stderr_contains "TCP port $hp on "
	assert_stderr_contains "is already in use"
}

@test "a UDP host port in use: one line, 125, and the workload never runs" {
	local hp
	hp=$(free_port udp)
	host_server udp "$hp"
	burrow_run -p "127.0.0.1:$hp:53/udp" sh -c 'echo started'
	assert_burrow_error
	assert_stderr "burrow: publish: UDP port $hp on 127.0.0.1 is already in use"
}

@test "a host port in use by a later -p of the same run fails the run, and frees the ports bound before it" {
	local hp
	hp=$(free_port)
	burrow_run -p "127.0.0.1:$hp:80" -p "127.0.0.1:$hp:81" sh -c 'echo started'
	assert_burrow_error
	assert_stderr "burrow: publish: TCP port $hp on 127.0.0.1 is already in use"
	wait_port_free tcp "$hp"
}

@test "a privileged host port fails with one line naming net.ipv4.ip_unprivileged_port_start" {
	local start
	start=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)
	[ "$start" -gt 1 ] || skip "net.ipv4.ip_unprivileged_port_start is $start: every port is unprivileged"
	burrow_run -p "127.0.0.1:$((start - 1)):80" sh -c 'echo started'
	assert_burrow_error
	assert_stderr_contains "TCP port $((start - 1)) on 127.0.0.1 is privileged"
	assert_stderr_contains "net.ipv4.ip_unprivileged_port_start is $start"
}

@test "-p with --network host fails with one line and 125" {
	burrow_run --network host -p 8080:80 sh -c 'echo started'
	assert_burrow_error
	assert_stderr "burrow: -p: not with --network host, where the container uses the host's ports"
}

@test "a malformed -p fails with one line naming it and 125" {
	local arg
	for arg in "" abc 0 70000 80/sctp 80/ 80/icmp 192.0.2.1:80 ::1:80:80 "[::1]80" "[::1]:80" "[nope]:80:80" \
		300.0.0.1:80:80 8000-8001:80-82 90-80:80 8080:80-81 "8080:80/tcp,tcp" 127.0.0.1:80:80:80; do
		burrow_run -p "$arg" sh -c 'echo started'
		assert_burrow_error
		[[ "$stderr" == "burrow: invalid -p \"$arg\": "* ]] || { echo "for -p ${arg@Q}"; _show; false; }
	done
}

# ---------------------------------------------------------------------------------------------------------------
# Lifetime of the published ports

@test "the published ports are released as soon as the container exits" {
	local hp up
	hp=$(free_port)
	up=$(free_port udp)
	burrow_run -p "127.0.0.1:$hp:80" -p "127.0.0.1:$up:5353/udp" sh -c 'echo done'
	assert_ok done
	port_is_free tcp "$hp" || { ss -Hlnp --tcp "sport = :$hp"; false; }
	port_is_free udp "$up" || { ss -Hlnp --udp "sport = :$up"; false; }
}

@test "after burrow is stopped with SIGTERM nothing listens on the published ports and no relay remains" {
	local hp up relay
	hp=$(free_port)
	up=$(free_port udp)
	start_web -p "127.0.0.1:$hp:80" -p "127.0.0.1:$up:5353/udp"
	relay=$RELAY
	run http_get "http://127.0.0.1:$hp/"
	assert_output "port 80"
	kill -TERM "$BG_PID"
	burrow_wait_background
	BG_PID=
	assert_status 143
	port_is_free tcp "$hp" || { ss -Hlnp --tcp "sport = :$hp"; false; }
	port_is_free udp "$up" || { ss -Hlnp --udp "sport = :$up"; false; }
	! kill -0 "$relay" 2>/dev/null || { ps -o pid,ppid,stat,args -p "$relay"; false; }
	run http_get "http://127.0.0.1:$hp/"
	assert_status 7
}

@test "after burrow is killed with SIGKILL the relay dies too and the ports are released" {
	local hp relay i
	hp=$(free_port)
	start_web -p "127.0.0.1:$hp:80"
	relay=$RELAY
	kill -KILL "$BG_PID"
	wait "$BG_PID" 2>/dev/null || true
	BG_PID=
	for i in $(seq 20); do
		kill -0 "$relay" 2>/dev/null || break
		sleep 0.1
	done
	! kill -0 "$relay" 2>/dev/null || { ps -o pid,ppid,stat,args -p "$relay"; false; }
	wait_port_free tcp "$hp"
}

# ---------------------------------------------------------------------------------------------------------------
# -P

@test "-P publishes the image's exposed ports (80/tcp, 5353/udp) on free host ports" {
	local tcp udp
	start_background -P exposed sh -c 'httpd -p 80 -h /www && echo ready && exec sleep 60'
	[ "$READY_LINE" = ready ] || { cat "$BG_ERR"; false; }
	find_relay
	tcp=$(relay_ports tcp)
	udp=$(relay_ports udp)
	[[ "$tcp" =~ ^[^$'\n']*:[0-9]+$ ]] && [[ "$udp" =~ ^[^$'\n']*:[0-9]+$ ]] || { echo "tcp: ${tcp@Q} udp: ${udp@Q}"; false; }
	[ "$(sort "$BG_ERR")" = "$(printf 'burrow: notice: published 0.0.0.0:%s\n' "${udp##*:}->5353/udp" "${tcp##*:}->80/tcp" | sort)" ] ||
		{ cat "$BG_ERR"; false; }
	run http_get "http://127.0.0.1:${tcp##*:}/"
	assert_output "port 80"
}

@test "-P with -p: both the image's exposed ports and the -p ones are published" {
	local hp
	hp=$(free_port)
	start_background -P -p "127.0.0.1:$hp:81" exposed sh -c 'httpd -p 80 -h /www && httpd -p 81 -h /www81 && echo ready && exec sleep 60'
	[ "$READY_LINE" = ready ] || { cat "$BG_ERR"; false; }
	find_relay
	[ "$(relay_ports tcp | wc -l)" -eq 2 ] || { relay_ports tcp; false; }
	run http_get "http://127.0.0.1:$hp/"
	assert_output "port 81"
}

@test "without -P, or with --publish-all=false, the image's exposed ports are not published" {
	local args
	for args in "" "--publish-all=false"; do
		start_background $args exposed sh -c 'echo ready; exec sleep 60'
		[ "$READY_LINE" = ready ] || { cat "$BG_ERR"; false; }
		[ -z "$(pgrep -P "$BG_PID" -x burrow-ports)" ] || { ps -o pid,comm --ppid "$BG_PID"; false; }
		kill -TERM "$BG_PID"
		wait "$BG_PID" || true
		BG_PID=
	done
}
