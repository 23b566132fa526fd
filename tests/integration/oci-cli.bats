#!/usr/bin/env bats
# burrow-oci spec, features, --version, --help, and pause/resume/update, which need a cgroup of the container's own:
# on a host without a delegated cgroup v2 tree they fail with an error that says so.

load helpers

setup_file() { burrow_setup_file; }
setup() { oci_setup; }
teardown() { oci_teardown; }

# Whether this host gives the caller a cgroup v2 tree of its own (then pause/resume/update can work).
delegated_cgroup() {
	[ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ] || return 1
	local own
	own=$(sed -n 's/^0:://p' /proc/self/cgroup)
	[ -w "/sys/fs/cgroup$own/cgroup.procs" ]
}

@test "--version: a first line 'burrow version X'" {
	run --separate-stderr "$OCI_BIN" --version
	assert_status 0
	[[ "${lines[0]}" =~ ^burrow\ version\ [0-9] ]] || { _show; false; }
	assert_output_contains "spec: 1."
}

@test "burrow oci is burrow-oci" {
	run --separate-stderr "$BURROW" oci --version
	assert_status 0
	[ "$output" = "$("$OCI_BIN" --version)" ] || { _show; false; }
}

@test "--help prints the commands" {
	run --separate-stderr "$OCI_BIN" --help
	assert_status 0
	assert_output_contains "create"
	assert_output_contains "delete"
}

@test "features: valid JSON with ociVersionMin, ociVersionMax, hooks and namespaces" {
	run --separate-stderr "$OCI_BIN" features
	assert_status 0
	python3 - "$output" <<-'PY'
		import json, sys
		f = json.loads(sys.argv[1])
		assert f["ociVersionMin"].startswith("1."), f
		assert f["ociVersionMax"].startswith("1."), f
		assert set(f["hooks"]) >= {"createRuntime", "createContainer", "startContainer", "poststart", "poststop"}, f
		assert set(f["linux"]["namespaces"]) >= {"user", "pid", "network", "mount", "ipc", "uts"}, f
		assert "CAP_SYS_ADMIN" in f["linux"]["capabilities"], f["linux"]["capabilities"]
	PY
}

@test "spec --rootless: a config.json with a user namespace mapping the caller" {
	mkdir "$BATS_TEST_TMPDIR/b"
	cd "$BATS_TEST_TMPDIR/b"
	run --separate-stderr "$OCI_BIN" spec --rootless
	assert_ok ""
	python3 - config.json "$(id -u)" <<-'PY'
		import json, sys
		c = json.load(open(sys.argv[1]))
		assert c["ociVersion"].startswith("1."), c
		assert {"type": "user"} in c["linux"]["namespaces"], c
		assert c["linux"]["uidMappings"] == [{"containerID": 0, "hostID": int(sys.argv[2]), "size": 1}], c
		assert c["root"]["path"] == "rootfs", c
	PY
}

@test "spec: an existing config.json is not overwritten" {
	echo '{"keep": true}' >"$BUNDLE/config.json"
	run --separate-stderr "$OCI_BIN" spec --rootless --bundle "$BUNDLE"
	assert_oci_error
	[ "$(cat "$BUNDLE/config.json")" = '{"keep": true}' ]
}

@test "spec --rootless: run accepts its config.json (with the process off the terminal)" {
	mkdir "$BATS_TEST_TMPDIR/b"
	cp -a "$ROOTFS" "$BATS_TEST_TMPDIR/b/rootfs"
	cd "$BATS_TEST_TMPDIR/b"
	"$OCI_BIN" spec --rootless
	CONFIG=config.json oci_config 'c["process"]["terminal"] = False' 'c["process"]["args"] = ["sh", "-c", "echo ran as $(id -u)"]'
	oci_run run c1 </dev/null
	assert_ok "ran as 0"
}

@test "spec --rootless: run accepts its config.json as written, on a terminal" {
	mkdir "$BATS_TEST_TMPDIR/b"
	cp -a "$ROOTFS" "$BATS_TEST_TMPDIR/b/rootfs"
	cd "$BATS_TEST_TMPDIR/b"
	"$OCI_BIN" spec --rootless
	# process.args is ["sh"]: an interactive shell on the terminal; it reads "exit 5".
	run ptydrive --wait-for '#' --send 'exit 5\n' -- "$OCI_BIN" --root "$OCI_ROOT" run c1
	[ "${lines[-1]}" = "ptydrive: exit=5 termios=same" ] || { _show; false; }
}

@test "pause and resume without a cgroup of the container's own fail, naming the cgroup" {
	delegated_cgroup && skip "this host delegates a cgroup v2 tree: pause can work here"
	oci_args sleep 60
	oci_create c1
	oci start c1
	oci_run pause c1
	assert_oci_error
	assert_stderr_contains "cgroup"
	[ "$(oci_state c1 status)" = running ]
	oci_run resume c1
	assert_oci_error
	assert_stderr_contains "cgroup"
}

@test "update without a cgroup of the container's own fails, naming the cgroup" {
	delegated_cgroup && skip "this host delegates a cgroup v2 tree: update can work here"
	oci_args sleep 60
	oci_create c1
	oci start c1
	oci_run update --memory 100000000 c1
	assert_oci_error
	assert_stderr_contains "cgroup"
	echo '{"pids": {"limit": 10}}' >"$BATS_TEST_TMPDIR/resources.json"
	oci_run update --resources "$BATS_TEST_TMPDIR/resources.json" c1
	assert_oci_error
	assert_stderr_contains "cgroup"
}

@test "pause of a container that does not exist fails with one error" {
	oci_run pause nosuch
	assert_oci_error
}
