#!/usr/bin/env bats
# burrow wait CONTAINER...: blocks until each container has ended, then prints its exit code (128+N after signal N).

load helpers

setup_file() { burrow_setup_file; }
setup() { ctr_setup; }
teardown() { ctr_teardown; }

@test "wait prints 0 for a workload that succeeded" {
	ctr_run_d --name ok true
	run --separate-stderr "$BURROW" wait ok
	assert_ok "0"
}

@test "wait blocks until the container exits, then prints its exit code" {
	ctr_run_d --name slow sh -c 'sleep 1; exit 3'
	local start=$EPOCHREALTIME
	run --separate-stderr "$BURROW" wait slow
	local took=$(( (${EPOCHREALTIME/./} - ${start/./}) / 1000 ))
	assert_ok "3"
	[ "$took" -ge 500 ] || { echo "wait returned after $took ms, before the container ended"; false; }
}

@test "wait prints 137 for a container killed with SIGKILL" {
	ctr_run_d --name killed sleep 60
	"$BURROW" wait killed >"$BATS_TEST_TMPDIR/code" 2>&1 3>&- &
	local waiter=$!
	sleep 0.3
	kill -0 "$waiter" || { echo "wait returned while the container runs"; false; }
	"$BURROW" kill killed >/dev/null
	wait "$waiter"
	[ "$(cat "$BATS_TEST_TMPDIR/code")" = 137 ] || { cat "$BATS_TEST_TMPDIR/code"; false; }
}

@test "wait of several containers prints one code per container, in the order given" {
	ctr_run_d --name five sh -c 'exit 5'
	ctr_run_d --name six sh -c 'sleep 0.5; exit 6'
	run --separate-stderr "$BURROW" wait six five
	assert_ok "$(printf '6\n5')"
}

@test "wait of an exited container returns at once, as often as asked" {
	ctr_run_d --name ended sh -c 'exit 4'
	"$BURROW" wait ended >/dev/null
	run --separate-stderr timeout 5 "$BURROW" wait ended
	assert_ok "4"
	run --separate-stderr timeout 5 "$BURROW" container wait ended
	assert_ok "4"
}

@test "wait of a --rm container prints its exit code, though the container is removed when it exits" {
	ctr_run_d --rm --name brief sh -c 'sleep 0.5; exit 3'
	run --separate-stderr "$BURROW" wait brief
	assert_ok "3"
}

@test "wait of an unknown container, or of none, fails with one line and 125" {
	run --separate-stderr "$BURROW" wait nosuch
	assert_ctr_error
	run --separate-stderr "$BURROW" wait
	assert_ctr_error
	run --separate-stderr "$BURROW" wait --bogus x
	assert_ctr_error
}
