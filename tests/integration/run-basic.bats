#!/usr/bin/env bats
# burrow run: the basics — a command runs in its own namespaces on the given rootfs and its output and status
# come back. (The ASan/UBSan pass of tests/run runs this file against the sanitizer build too.)

load helpers

setup_file() { burrow_setup_file; }

@test "run prints the command's output and exits 0" {
	burrow_run echo hello world
	assert_ok "hello world"
}

@test "run passes the command's arguments through unchanged" {
	burrow_run sh -c 'for a in "$@"; do echo "[$a]"; done' sh 'a b' '' '--flag' '*'
	assert_ok "$(printf '[a b]\n[]\n[--flag]\n[*]')"
}

@test "run exits with the command's status" {
	burrow_run sh -c 'exit 3'
	assert_status 3
	assert_output ""
	assert_stderr ""
}

@test "the container's / is the given rootfs" {
	echo "marker-$$" >"$ROOTFS/marker"
	burrow_run cat /marker
	rm -f "$ROOTFS/marker"
	assert_ok "marker-$$"
}

@test "the container's / lists exactly the rootfs' entries" {
	local expected
	expected=$(ls "$ROOTFS")
	burrow_run ls /
	assert_ok "$expected"
}

@test "host paths outside the rootfs are not visible" {
	burrow_run sh -c 'test -e "$1" && echo visible || echo hidden' sh "$BATS_TEST_DIRNAME"
	assert_ok "hidden"
}

@test "the container has its own user, mount, pid, uts, ipc, net and cgroup namespaces" {
	local ns expected= host hosts=()
	for ns in user mnt pid uts ipc net cgroup; do
		host=$(readlink /proc/self/ns/$ns)
		expected+="$ns different"$'\n'
		[ -n "$host" ]
		hosts+=("$host")
	done
	burrow_run sh -c '
		i=1
		for ns in user mnt pid uts ipc net cgroup; do
			eval host=\${$i}
			if [ "$(readlink /proc/self/ns/$ns)" = "$host" ]; then echo "$ns same"; else echo "$ns different"; fi
			i=$((i + 1))
		done' sh "${hosts[@]}"
	assert_ok "${expected%$'\n'}"
}

@test "pid 1 is burrow-init and the command is pid 2" {
	burrow_run sh -c 'cat /proc/1/comm; echo $$'
	assert_ok "$(printf 'burrow-init\n2')"
}

@test "root inside is the caller outside" {
	burrow_run id -u
	assert_ok "0"
}

@test "the default hostname is 12 lowercase hex digits" {
	burrow_run hostname
	assert_status 0
	assert_stderr ""
	assert_output_matches '^[0-9a-f]{12}$'
}

@test "each run gets its own container id" {
	burrow_run hostname
	assert_status 0
	local first=$output
	burrow_run hostname
	assert_status 0
	[ "$first" != "$output" ]
}

@test "the default environment is exactly PATH, HOME, HOSTNAME and container=burrow" {
	burrow_run env
	assert_status 0
	assert_stderr ""
	local env
	env=$(printf '%s\n' "${lines[@]}" | sed -E 's/^HOSTNAME=[0-9a-f]{12}$/HOSTNAME=<id>/' | sort)
	[ "$env" = "$(printf 'HOME=/root\nHOSTNAME=<id>\nPATH=%s\ncontainer=burrow' "$DEFAULT_PATH")" ] || {
		echo "env: $env" >&2
		false
	}
}

@test "a command not found exits 127 with one error line" {
	burrow_run no-such-command
	assert_burrow_error 127
}

@test "burrow leaves no mount, process or file behind after a normal run" {
	leak_snapshot
	burrow_run true
	assert_ok ""
	leak_check
}
