#!/usr/bin/env bats
# Environment: defaults PATH, HOME (from /etc/passwd, else /), HOSTNAME, container=burrow, TERM=xterm only with -t;
# -e K=V, -e K (from the caller's environment, skipped when unset), --env-file; later settings win.

load helpers

setup_file() { burrow_setup_file; }

# The environment inside, sorted, with HOSTNAME's random value replaced.
env_sorted() {
	printf '%s\n' "${lines[@]}" | sed -E 's/^HOSTNAME=[0-9a-f]{12}$/HOSTNAME=<id>/' | sort
}

expect_env() { # LINE...: the exact sorted environment
	local got want
	got=$(env_sorted)
	want=$(printf '%s\n' "$@" | sort)
	if [ "$got" != "$want" ]; then
		echo "environment differs (- expected, + got):" >&2
		diff -u <(echo "$want") <(echo "$got") >&2
		_show
		return 1
	fi
}

DEFAULT_ENV=("HOME=/root" "HOSTNAME=<id>" "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "container=burrow")

@test "the default environment is exactly PATH, HOME, HOSTNAME and container=burrow" {
	burrow_run env
	assert_status 0
	expect_env "${DEFAULT_ENV[@]}"
}

@test "the caller's environment does not leak in" {
	LEAKY_VARIABLE=secret burrow_run env
	assert_status 0
	expect_env "${DEFAULT_ENV[@]}"
}

@test "TERM is not set without -t" {
	TERM=vt100 burrow_run sh -c 'echo "TERM=${TERM-unset}"'
	assert_ok "TERM=unset"
}

@test "-e K=V sets a variable" {
	burrow_run -e FOO=bar env
	assert_status 0
	expect_env "${DEFAULT_ENV[@]}" "FOO=bar"
}

@test "--env K=V and --env=K=V set variables" {
	burrow_run --env FOO=bar --env=BAZ=qux env
	assert_status 0
	expect_env "${DEFAULT_ENV[@]}" "FOO=bar" "BAZ=qux"
}

@test "-e K=V keeps further = signs in the value" {
	burrow_run -e 'FOO=a=b=c' sh -c 'echo "$FOO"'
	assert_ok "a=b=c"
}

@test "-e K= sets an empty variable" {
	burrow_run -e FOO= sh -c 'echo "${FOO-unset}|"'
	assert_ok "|"
}

@test "-e keeps spaces and newlines in the value" {
	burrow_run -e "FOO=a  b
c" sh -c 'printf "%s" "$FOO"'
	assert_ok "a  b
c"
}

@test "-e K takes the value from the caller's environment" {
	FROM_CALLER=value-outside burrow_run -e FROM_CALLER env
	assert_status 0
	expect_env "${DEFAULT_ENV[@]}" "FROM_CALLER=value-outside"
}

@test "-e K for a variable unset in the caller is skipped" {
	unset NOT_SET_ANYWHERE
	burrow_run -e NOT_SET_ANYWHERE env
	assert_status 0
	expect_env "${DEFAULT_ENV[@]}"
}

@test "-e K for a variable set to empty in the caller sets it empty" {
	EMPTY_OUTSIDE= burrow_run -e EMPTY_OUTSIDE sh -c 'echo "${EMPTY_OUTSIDE-unset}|"'
	assert_ok "|"
}

@test "a later -e wins" {
	burrow_run -e FOO=first -e FOO=second sh -c 'echo "$FOO"'
	assert_ok "second"
}

@test "-e PATH overrides the default PATH" {
	burrow_run -e PATH=/bin sh -c 'echo "$PATH"'
	assert_ok "/bin"
}

@test "-e HOME overrides the default HOME" {
	burrow_run -e HOME=/elsewhere sh -c 'echo "$HOME"'
	assert_ok "/elsewhere"
}

@test "-e container= overrides container=burrow" {
	burrow_run -e container=other sh -c 'echo "$container"'
	assert_ok "other"
}

@test "-e HOSTNAME overrides the default HOSTNAME" {
	burrow_run -e HOSTNAME=mine sh -c 'echo "$HOSTNAME"'
	assert_ok "mine"
}

@test "--env-file reads K=V lines, skipping comments and blank lines" {
	cat >"$BATS_TEST_TMPDIR/env" <<-'ENV'
		# a comment
		ONE=1

		TWO=two words
		THREE=a=b
	ENV
	burrow_run --env-file "$BATS_TEST_TMPDIR/env" env
	assert_status 0
	expect_env "${DEFAULT_ENV[@]}" "ONE=1" "TWO=two words" "THREE=a=b"
}

@test "--env-file K lines take the value from the caller's environment" {
	printf 'FROM_CALLER\nNOT_SET_ANYWHERE\n' >"$BATS_TEST_TMPDIR/env"
	unset NOT_SET_ANYWHERE
	FROM_CALLER=outside burrow_run --env-file "$BATS_TEST_TMPDIR/env" env
	assert_status 0
	expect_env "${DEFAULT_ENV[@]}" "FROM_CALLER=outside"
}

@test "--env-file=FILE spelling works" {
	echo ONE=1 >"$BATS_TEST_TMPDIR/env"
	burrow_run --env-file="$BATS_TEST_TMPDIR/env" sh -c 'echo "$ONE"'
	assert_ok "1"
}

@test "-e after --env-file wins" {
	echo FOO=from-file >"$BATS_TEST_TMPDIR/env"
	burrow_run --env-file "$BATS_TEST_TMPDIR/env" -e FOO=from-flag sh -c 'echo "$FOO"'
	assert_ok "from-flag"
}

@test "a later --env-file wins over an earlier one" {
	echo FOO=first >"$BATS_TEST_TMPDIR/env1"
	echo FOO=second >"$BATS_TEST_TMPDIR/env2"
	burrow_run --env-file "$BATS_TEST_TMPDIR/env1" --env-file "$BATS_TEST_TMPDIR/env2" sh -c 'echo "$FOO"'
	assert_ok "second"
}

@test "a missing --env-file fails with 125" {
	burrow_run --env-file "$BATS_TEST_TMPDIR/no-such-file" true
	assert_burrow_error
}

@test "an --env-file line with an empty name fails with 125" {
	echo "=value" >"$BATS_TEST_TMPDIR/env"
	burrow_run --env-file "$BATS_TEST_TMPDIR/env" true
	assert_burrow_error
}

@test "-e =x fails with 125" {
	burrow_run -e =x true
	assert_burrow_error
}

@test "-e with an empty argument fails with 125" {
	burrow_run -e '' true
	assert_burrow_error
}

@test "HOME comes from /etc/passwd for the user" {
	require_subid
	burrow_run -u user sh -c 'echo "$HOME"'
	assert_ok "/home/user"
}

@test "HOME is / for a uid without a passwd entry" {
	require_subid
	burrow_run -u 4242 sh -c 'echo "$HOME"'
	assert_ok "/"
}

@test "HOME is the passwd entry's home even when it does not exist" {
	require_subid
	burrow_run -u nobody sh -c 'echo "$HOME"'
	assert_ok "/nonexistent"
}
