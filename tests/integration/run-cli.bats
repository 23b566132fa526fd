#!/usr/bin/env bats
# The command line: --version, --help, run --help, docker's spellings (-it, --opt=value, --opt value, --rm), the
# -- separator, and option parsing that stops at the command.

load helpers

setup_file() { burrow_setup_file; }

@test "--version prints 'burrow version X.Y.Z' first" {
	run --separate-stderr "$BURROW" --version
	assert_status 0
	assert_stderr ""
	[[ "${lines[0]}" =~ ^burrow\ version\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || { _show; false; }
}

@test "--version's version is the project's version" {
	local version
	version=$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" "$REPO_DIR/meson.build" | head -n 1)
	[ -n "$version" ] || skip "no version in meson.build"
	run --separate-stderr "$BURROW" --version
	[ "${lines[0]}" = "burrow version $version" ] || { _show; false; }
}

@test "--version lists the compiled-in features" {
	run --separate-stderr "$BURROW" --version
	assert_status 0
	local features=" ${lines[*]:1} "
	[[ "$features" == *" +libsubid "* ]] || { _show; false; }
	[[ "$features" == *" +seccomp "* ]] || { _show; false; }
	[[ "$features" == *" +libcap "* ]] || { _show; false; }
}

@test "--help prints usage on stdout and exits 0" {
	run --separate-stderr "$BURROW" --help
	assert_status 0
	assert_stderr ""
	[[ "$output" == *[Uu]sage* ]] || { _show; false; }
	[[ "$output" == *run* ]] || { _show; false; }
}

@test "run --help prints usage on stdout and exits 0" {
	run --separate-stderr "$BURROW" run --help
	assert_status 0
	assert_stderr ""
	[[ "$output" == *[Uu]sage* ]] || { _show; false; }
}

@test "run --help documents every option" {
	run --separate-stderr "$BURROW" run --help
	local option missing=
	for option in --rootfs --volume --tmpfs --env --env-file --workdir --user --tty --interactive --hostname \
		--network --uidmap --gidmap --userns --read-only --init --rm; do
		[[ "$output" == *"$option"* ]] || missing+=" $option"
	done
	[ -z "$missing" ] || { echo "not in run --help:$missing" >&2; false; }
}

@test "run --help works without --rootfs or a command" {
	run --separate-stderr "$BURROW" run --help
	assert_status 0
}

@test "an unknown subcommand fails with 125 and one error line" {
	run --separate-stderr "$BURROW" frobnicate
	assert_burrow_error 125
}

@test "an unknown global option fails with 125" {
	run --separate-stderr "$BURROW" --frobnicate
	assert_burrow_error 125
}

@test "-- separates burrow's options from the command" {
	burrow_run -- echo separated
	assert_ok "separated"
}

@test "options after -- belong to the command" {
	burrow_run -- sh -c 'echo "$@"' sh --hostname x -e y
	assert_ok "--hostname x -e y"
}

@test "option parsing stops at the command: its own flags are not parsed" {
	burrow_run sh -c 'echo "$@"' sh -v /a:/b --rootfs nowhere -it
	assert_ok "-v /a:/b --rootfs nowhere -it"
}

@test "option parsing stops at the command even without --" {
	burrow_run ls -d /
	assert_ok "/"
}

@test "--rootfs=DIR spelling works" {
	run --separate-stderr "$BURROW" run --rootfs="$ROOTFS" echo ok
	assert_ok "ok"
}

@test "options may come before and after --rootfs" {
	run --separate-stderr "$BURROW" run -e A=1 --rootfs "$ROOTFS" -e B=2 sh -c 'echo $A$B'
	assert_ok "12"
}

@test "--rm is accepted" {
	burrow_run --rm echo removed
	assert_ok "removed"
}

@test "-i and -t combine as -it" {
	require_cmd python3
	run ptydrive --wait-for READY --send 'typed\n' -- "$BURROW" run -it --rootfs "$ROOTFS" sh -c 'echo READY; read l; echo "got $l"; tty'
	[ "${lines[-1]}" = "ptydrive: exit=0 termios=same" ] || { _show; false; }
	[ "${lines[-2]}" = "/dev/pts/0" ] || { _show; false; }
	[ "${lines[-3]}" = "got typed" ] || { _show; false; }
}

@test "-ti is the same as -it" {
	require_cmd python3
	run ptydrive -- "$BURROW" run -ti --rootfs "$ROOTFS" tty
	[ "${lines[-2]}" = "/dev/pts/0" ] || { _show; false; }
}

@test "a combined short group may end with an option taking a value: -ie K=V" {
	run --separate-stderr sh -c 'echo in | "$BURROW" run -ie K=V --rootfs "$ROOTFS" sh -c "cat; echo \$K"'
	assert_ok "$(printf 'in\nV')"
}

@test "--opt value and --opt=value spellings are the same" {
	burrow_run --hostname a --env=X=1 --workdir /tmp --user=0 sh -c 'echo $(hostname) $X $(pwd) $(id -u)'
	assert_ok "a 1 /tmp 0"
}

@test "short options take their value attached: -eK=V, -w/tmp" {
	burrow_run -eK=V -w/tmp sh -c 'echo $K $(pwd)'
	assert_ok "V /tmp"
}

@test "--init=false and --read-only=true are accepted" {
	burrow_run --init=false --read-only=true sh -c 'echo $$; touch /x 2>/dev/null || echo ro'
	assert_ok "$(printf '1\nro')"
}

@test "--init=true and --read-only=false are accepted" {
	burrow_run --init=true --read-only=false cat /proc/1/comm
	assert_ok "burrow-init"
}

@test "burrow without arguments prints usage and fails" {
	run --separate-stderr "$BURROW"
	[ "$status" -ne 0 ] || { _show; false; }
}
