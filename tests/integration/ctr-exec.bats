#!/usr/bin/env bats
# burrow exec [-it] [-e] [-u] [-w] [--privileged] CONTAINER CMD: a new process in a running container, in all of its
# namespaces, with its environment, user, working directory, capabilities, no_new_privs and seccomp filter (so it can
# do what the workload can, nothing more; --privileged adds every capability); exit codes as run's.

load helpers

setup_file() {
	burrow_setup_file
	command -v python3 >/dev/null || { echo "python3 is needed for the tty test" >&2; return 1; }
}
setup() { ctr_setup; }
teardown() {
	ctr_teardown
	stop_test_processes
}

# What the workload records about itself at start (in its private /tmp), and exec prints the same way.
NS_REPORT='for n in pid mnt net uts ipc user cgroup; do echo "$n $(readlink /proc/self/ns/$n)"; done'
SEC_REPORT='grep -E "^(CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status'

# start_recorder NAME [RUN OPTIONS...]: a container that wrote its namespaces to /tmp/ns and its security state to
# /tmp/sec, then sleeps.
start_recorder() {
	local name=$1
	shift
	ctr_run_d --name "$name" "$@" sh -c "$NS_REPORT >/tmp/ns; $SEC_REPORT >/tmp/sec; echo data >/tmp/data; touch /tmp/ready; exec sleep 60"
	ctr_wait_file "$name" /tmp/ready
}

@test "exec runs in the container's pid, mount, network, uts, ipc, user and cgroup namespaces" {
	start_recorder ns
	run --separate-stderr "$BURROW" exec ns cat /tmp/ns
	local want=$output
	[ "${#lines[@]}" -eq 7 ] || { _show; false; }
	run --separate-stderr "$BURROW" exec ns sh -c "$NS_REPORT"
	assert_ok "$want"
	# And not in the host's.
	[[ "$want" != *"$(readlink /proc/self/ns/pid)"* ]] || { echo "$want"; false; }
}

@test "exec sees the workload's files and processes; its pid is the container's" {
	start_recorder files
	run --separate-stderr "$BURROW" exec files cat /tmp/data
	assert_ok "data"
	run --separate-stderr "$BURROW" exec files sh -c 'ps -o comm | grep -x sleep'
	assert_ok "sleep"
	run --separate-stderr "$BURROW" exec files hostname
	assert_ok "${CID:0:12}"
}

@test "exec exits with the command's status: 7; 127 for a missing command; 126 for a file that is no program" {
	ctr_run_d --name codes sleep 60
	run --separate-stderr "$BURROW" exec codes sh -c 'exit 7'
	assert_status 7
	run -127 --separate-stderr "$BURROW" exec codes no-such-command
	assert_ctr_error 127
	run --separate-stderr "$BURROW" exec codes /etc/passwd
	assert_ctr_error 126
	run --separate-stderr "$BURROW" exec codes sh -c 'kill -9 $$'
	assert_status 137
}

@test "exec has the container's environment; -e and --env-file add to it" {
	ctr_run_d --name env -e FROMRUN=1 -e SHARED=run sleep 60
	echo "FROMFILE=3" >"$BATS_TEST_TMPDIR/env"
	run --separate-stderr "$BURROW" exec -e ADDED=2 -e SHARED=exec --env-file "$BATS_TEST_TMPDIR/env" env \
		sh -c 'echo "$FROMRUN $ADDED $SHARED $FROMFILE"'
	assert_ok "1 2 exec 3"
	run --separate-stderr "$BURROW" exec env sh -c 'echo "$FROMRUN $SHARED $PATH"'
	assert_ok "1 run $DEFAULT_PATH"
}

@test "exec runs as the container's user; -u USER:GROUP and -u root change it" {
	ctr_run_d --name user -u 1000:1000 sleep 60
	run --separate-stderr "$BURROW" exec user sh -c 'id -u; id -g'
	assert_ok "$(printf '1000\n1000')"
	run --separate-stderr "$BURROW" exec -u 1500:1500 user sh -c 'id -u; id -g'
	assert_ok "$(printf '1500\n1500')"
	run --separate-stderr "$BURROW" exec -u root user id -un
	assert_ok "root"
	run --separate-stderr "$BURROW" exec -u nosuchuser user true
	assert_ctr_error
}

@test "exec starts in the container's working directory; -w changes it" {
	ctr_run_d --name wd -w /etc sleep 60
	run --separate-stderr "$BURROW" exec wd pwd
	assert_ok "/etc"
	run --separate-stderr "$BURROW" exec -w /tmp wd pwd
	assert_ok "/tmp"
	run --separate-stderr "$BURROW" exec -w relative wd pwd
	assert_ctr_error
}

@test "exec -i passes stdin; -it gives a pty from the container's devpts" {
	ctr_run_d --name io sleep 60
	run --separate-stderr "$BURROW" exec -i io cat <<<"through stdin"
	assert_ok "through stdin"
	run ptydrive -- "$BURROW" exec -it io sh -c 'tty; test -t 0 && echo stdin-is-tty'
	[ "$status" -eq 0 ] || { _show; false; }
	[[ "${lines[0]}" =~ ^/dev/pts/[0-9]+$ ]] || { _show; false; }
	[ "${lines[1]}" = stdin-is-tty ] || { _show; false; }
	[ "${lines[-1]}" = "ptydrive: exit=0 termios=same" ] || { _show; false; }
}

@test "exec has the container's capabilities, no_new_privs and seccomp filter" {
	start_recorder sec
	run --separate-stderr "$BURROW" exec sec cat /tmp/sec
	local want=$output
	[[ "$want" == *"NoNewPrivs:	1"*"Seccomp:	2"* ]] || { echo "$want"; false; }
	run --separate-stderr "$BURROW" exec sec sh -c "$SEC_REPORT"
	assert_ok "$want"
}

@test "exec into a container run with --cap-drop ALL has no capabilities; --cap-add is kept" {
	start_recorder nocaps --cap-drop ALL
	run --separate-stderr "$BURROW" exec nocaps grep CapEff /proc/self/status
	assert_ok "CapEff:	0000000000000000"
	run --separate-stderr "$BURROW" exec nocaps sh -c "$SEC_REPORT"
	assert_ok "$("$BURROW" exec nocaps cat /tmp/sec)"
	start_recorder added --cap-add SYS_ADMIN
	run --separate-stderr "$BURROW" exec added sh -c "$SEC_REPORT"
	assert_ok "$("$BURROW" exec added cat /tmp/sec)"
}

@test "exec --privileged has every capability and keeps the seccomp filter" {
	start_recorder priv
	local last full
	last=$(cat /proc/sys/kernel/cap_last_cap)
	full=$(printf '%016x' $(((1 << (last + 1)) - 1)))
	run --separate-stderr "$BURROW" exec --privileged priv grep -E '^(CapEff|Seccomp):' /proc/self/status
	assert_ok "$(printf 'CapEff:\t%s\nSeccomp:\t2' "$full")"
	run --separate-stderr "$BURROW" exec priv grep CapEff /proc/self/status
	[ "$output" != "CapEff:	$full" ] || { _show; false; }
}

@test "a signal to burrow exec reaches the command, and nothing of it is left in the container" {
	ctr_run_d --name sig sleep 60
	"$BURROW" exec sig sh -c 'trap "exit 9" TERM; echo started; while :; do sleep 1 & wait; done' \
		>"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	BG_PID=$!
	for _ in $(seq 100); do
		grep -q started "$BATS_TEST_TMPDIR/out" && break
		sleep 0.1
	done
	kill -TERM "$BG_PID"
	local status=0
	wait "$BG_PID" || status=$?
	BG_PID=
	[ "$status" -eq 9 ] || { echo "exec exited $status"; cat "$BATS_TEST_TMPDIR/out"; false; }
	run --separate-stderr "$BURROW" exec sig ps -o args
	[[ "$output" != *trap* ]] || { _show; false; }
}

@test "exec into a container that is not running, or without a command, fails with one line and 125" {
	ctr_run_d --name ended true
	"$BURROW" wait ended >/dev/null
	run --separate-stderr "$BURROW" exec ended true
	assert_ctr_error
	assert_stderr_contains "not running"
	run --separate-stderr "$BURROW" exec ended
	assert_ctr_error
	run --separate-stderr "$BURROW" exec --frobnicate ended true
	assert_ctr_error
}
