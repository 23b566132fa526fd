#!/usr/bin/env bats
# -w/--workdir DIR: the command starts in DIR, created when missing; relative paths are refused. Default: /.

load helpers

setup_file() { burrow_setup_file; }

@test "the default working directory is /" {
	burrow_run pwd
	assert_ok "/"
}

@test "-w sets the working directory" {
	burrow_run -w /etc pwd
	assert_ok "/etc"
}

@test "--workdir sets the working directory" {
	burrow_run --workdir /tmp pwd
	assert_ok "/tmp"
}

@test "--workdir=DIR spelling works" {
	burrow_run --workdir=/tmp pwd
	assert_ok "/tmp"
}

@test "a missing working directory is created" {
	burrow_run -w /new/work/dir sh -c 'pwd; test -d /new/work/dir && echo exists'
	assert_ok "$(printf '/new/work/dir\nexists')"
	rm -rf "${ROOTFS:?}/new"
}

@test "relative commands resolve against the working directory" {
	mkdir -p "$ROOTFS/opt/tool"
	printf '#!/bin/sh\necho relative ran\n' >"$ROOTFS/opt/tool/run.sh"
	chmod +x "$ROOTFS/opt/tool/run.sh"
	burrow_run -w /opt/tool ./run.sh
	assert_ok "relative ran"
	rm -rf "${ROOTFS:?}/opt"
}

@test "a working directory with .. components is normalised or accepted" {
	burrow_run -w /etc/../tmp pwd
	assert_status 0
	[ "$output" = /tmp ] || [ "$output" = /etc/../tmp ] || { _show; false; }
}

@test "a relative working directory fails with 125" {
	burrow_run -w relative/dir pwd
	assert_burrow_error
	[ ! -e "$ROOTFS/relative" ]
}

@test "an empty working directory fails with 125" {
	burrow_run -w '' pwd
	assert_burrow_error
}

@test "a working directory that is a file fails with 125" {
	burrow_run -w /etc/passwd pwd
	assert_burrow_error
}

@test "-w works together with -u" {
	require_subid
	burrow_run -u user -w /tmp pwd
	assert_ok "/tmp"
}
