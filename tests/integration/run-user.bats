#!/usr/bin/env bats
# -u/--user USER|UID[:GROUP|GID]: names are resolved in the container's /etc/passwd and /etc/group; the primary
# group comes from passwd, supplementary groups from /etc/group; unknown names fail with 125.

load helpers

setup_file() { burrow_setup_file; }

@test "by default the command runs as root (0:0)" {
	burrow_run sh -c 'id -u; id -g'
	assert_ok "$(printf '0\n0')"
}

@test "-u user runs as the user's uid and primary gid from /etc/passwd" {
	require_subid
	burrow_run -u user sh -c 'id -u; id -g; id -un'
	assert_ok "$(printf '1000\n1000\nuser')"
}

@test "-u user gets its supplementary groups from /etc/group (1500 extra)" {
	require_subid
	burrow_run -u user id -G
	assert_status 0
	assert_stderr ""
	[[ " $output " == *" 1500 "* ]] || { _show; false; }
	[[ " $output " == *" 1000 "* ]] || { _show; false; }
}

@test "-u user: id shows the group names" {
	require_subid
	burrow_run -u user id
	assert_status 0
	[[ "$output" == "uid=1000(user) gid=1000(user) "* ]] || { _show; false; }
	[[ "$output" == *"1500(extra)"* ]] || { _show; false; }
}

@test "-u root has no supplementary groups besides root" {
	burrow_run -u root id -G
	assert_ok "0"
}

@test "--user user spelling works" {
	require_subid
	burrow_run --user user id -u
	assert_ok "1000"
}

@test "--user=user spelling works" {
	require_subid
	burrow_run --user=user id -u
	assert_ok "1000"
}

@test "-u UID in /etc/passwd takes that entry's primary group" {
	require_subid
	burrow_run -u 1000 sh -c 'id -u; id -g'
	assert_ok "$(printf '1000\n1000')"
}

@test "-u UID in /etc/passwd gets its supplementary groups" {
	require_subid
	burrow_run -u 1000 id -G
	assert_status 0
	[[ " $output " == *" 1500 "* ]] || { _show; false; }
}

@test "-u UID:GID sets both" {
	require_subid
	burrow_run -u 1000:1500 sh -c 'id -u; id -g'
	assert_ok "$(printf '1000\n1500')"
}

@test "-u USER:GROUP resolves both names" {
	require_subid
	burrow_run -u user:extra sh -c 'id -u; id -g'
	assert_ok "$(printf '1000\n1500')"
}

@test "-u UID not in /etc/passwd runs with that uid" {
	require_subid
	burrow_run -u 4242 id -u
	assert_ok "4242"
}

@test "-u UID:GID not in the files run with those ids" {
	require_subid
	burrow_run -u 4242:4343 sh -c 'id -u; id -g'
	assert_ok "$(printf '4242\n4343')"
}

@test "-u nobody runs as 65534" {
	require_subid
	burrow_run -u nobody id -u
	assert_ok "65534"
}

@test "-u 0 is root" {
	burrow_run -u 0 id -u
	assert_ok "0"
}

@test "a user's files inside are owned by the user" {
	require_subid
	burrow_run -u user sh -c 'touch /tmp/by-user && stat -c %u:%g /tmp/by-user; rm /tmp/by-user'
	assert_ok "1000:1000"
}

@test "an unknown user name fails with 125" {
	burrow_run -u nosuchuser true
	assert_burrow_error
}

@test "an unknown group name fails with 125" {
	burrow_run -u user:nosuchgroup true
	assert_burrow_error
}

@test "-u : fails with 125" {
	burrow_run -u : true
	assert_burrow_error
}

@test "-u a: (empty group) fails with 125" {
	burrow_run -u a: true
	assert_burrow_error
}

@test "-u :0 (empty user) fails with 125" {
	burrow_run -u :0 true
	assert_burrow_error
}

@test "-u with a uid too large fails with 125" {
	burrow_run -u 99999999999 true
	assert_burrow_error
}

@test "-u with a negative uid fails with 125" {
	burrow_run --user=-1 true
	assert_burrow_error
}

@test "-u with an empty argument fails with 125" {
	burrow_run -u '' true
	assert_burrow_error
}
