#!/usr/bin/env bats
# A bad config.json (or bundle) fails create and run with one clear line "burrow: ..." on stderr, a non-zero status,
# nothing on stdout, and nothing left: no state directory, no process, no mount. With --log the error also goes to the
# log file, a JSON line {"level": "error", "msg": ...} with --log-format json.

load helpers

setup_file() { burrow_setup_file; }
setup() {
	oci_setup
	oci_args sleep 60
}
teardown() { oci_teardown; }

# expect_create_error [TEXT]: create fails with one error line (containing TEXT), and leaves nothing behind; run too.
expect_create_error() {
	leak_snapshot
	oci_run create --bundle "$BUNDLE" c1 </dev/null
	assert_oci_error
	[ -z "${1:-}" ] || assert_stderr_contains "$1"
	[ ! -e "$OCI_ROOT/c1" ] || { echo "the state directory was left" >&2; ls -la "$OCI_ROOT/c1" >&2; false; }
	oci_run run --bundle "$BUNDLE" c1 </dev/null
	assert_oci_error
	[ ! -e "$OCI_ROOT/c1" ] || { echo "the state directory was left by run" >&2; false; }
	leak_check
}

@test "a truncated config.json" {
	head -c 200 "$BUNDLE/config.json" >"$BUNDLE/config.json.cut"
	mv "$BUNDLE/config.json.cut" "$BUNDLE/config.json"
	expect_create_error "config.json"
}

@test "a config.json that is not JSON" {
	echo 'ociVersion = "1.2.0"' >"$BUNDLE/config.json"
	expect_create_error "config.json"
}

@test "an empty config.json" {
	: >"$BUNDLE/config.json"
	expect_create_error "config.json"
}

@test "a bundle without config.json" {
	rm "$BUNDLE/config.json"
	expect_create_error "config.json"
}

@test "a bundle directory that does not exist" {
	BUNDLE="$BATS_TEST_TMPDIR/nosuch"
	expect_create_error "nosuch"
}

@test "process.args a string, not an array" {
	oci_config 'c["process"]["args"] = "sleep 60"'
	expect_create_error "process.args"
}

@test "process.args empty" {
	oci_config 'c["process"]["args"] = []'
	expect_create_error "process.args"
}

@test "process.env an entry without =" {
	oci_config 'c["process"]["env"] = ["PATH=/bin", "JUSTANAME"]'
	expect_create_error "process.env"
}

@test "process.user.uid a string" {
	oci_config 'c["process"]["user"]["uid"] = "0"'
	expect_create_error "process.user.uid"
}

@test "process.cwd relative" {
	oci_config 'c["process"]["cwd"] = "home"'
	expect_create_error "process.cwd"
}

@test "process.cwd missing" {
	oci_config 'del c["process"]["cwd"]'
	expect_create_error "process.cwd"
}

@test "process.capabilities with an unknown capability" {
	oci_config 'c["process"]["capabilities"]["bounding"].append("CAP_NO_SUCH")'
	expect_create_error "CAP_NO_SUCH"
}

@test "process.rlimits with an unknown type" {
	oci_config 'c["process"]["rlimits"] = [{"type": "RLIMIT_NOSUCH", "soft": 1, "hard": 1}]'
	expect_create_error "process.rlimits"
}

@test "ociVersion 2.0" {
	oci_config 'c["ociVersion"] = "2.0.0"'
	expect_create_error "ociVersion"
}

@test "ociVersion missing" {
	oci_config 'del c["ociVersion"]'
	expect_create_error "ociVersion"
}

@test "an unknown namespace type" {
	oci_config 'c["linux"]["namespaces"].append({"type": "nosuchns"})'
	expect_create_error "nosuchns"
}

@test "a namespace listed twice" {
	oci_config 'c["linux"]["namespaces"].append({"type": "pid"})'
	expect_create_error "linux.namespaces"
}

@test "a namespace path that does not exist" {
	oci_config 'c["linux"]["namespaces"] = [n if n["type"] != "network" else {"type": "network", "path": "/nonexistent/ns/net"} for n in c["linux"]["namespaces"]]'
	expect_create_error "/nonexistent/ns/net"
}

@test "uidMappings without gidMappings" {
	oci_config 'del c["linux"]["gidMappings"]'
	expect_create_error "Mappings"
}

@test "a mapping with size 0" {
	oci_config 'c["linux"]["uidMappings"][0]["size"] = 0'
	expect_create_error "linux.uidMappings"
}

@test "a mapping with a negative hostID" {
	oci_config 'c["linux"]["uidMappings"][0]["hostID"] = -1'
	expect_create_error "linux.uidMappings"
}

@test "a mapping of host ids the caller does not own" {
	# uid 0 of the host is nobody's to map but root's.
	oci_config 'c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 0, "size": 1}]'
	expect_create_error
}

@test "overlapping mappings" {
	require_subid
	oci_config "c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': $(id -u), 'size': 1}, {'containerID': 0, 'hostID': $SUBUID_START, 'size': 10}]"
	expect_create_error
}

@test "mappings without a user namespace" {
	oci_config 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "user"]'
	expect_create_error "user namespace"
}

@test "root.path that does not exist" {
	oci_config 'c["root"]["path"] = "/nonexistent/rootfs"'
	expect_create_error "/nonexistent/rootfs"
}

@test "root missing" {
	oci_config 'del c["root"]'
	expect_create_error "root"
}

@test "a mount with a relative destination" {
	oci_config 'c["mounts"].append({"destination": "data", "type": "tmpfs", "source": "tmpfs"})'
	expect_create_error "mounts"
}

@test "a mount of an unsupported type" {
	oci_config 'c["mounts"].append({"destination": "/data", "type": "nfs", "source": "server:/x"})'
	expect_create_error "nfs"
}

@test "a bind mount whose source does not exist" {
	oci_config 'c["mounts"].append({"destination": "/data", "type": "bind", "source": "/nonexistent/source", "options": ["rbind"]})'
	expect_create_error "/nonexistent/source"
}

@test "a hostname without a uts namespace" {
	oci_config 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "uts"]'
	expect_create_error "hostname"
}

@test "a seccomp profile with an unknown action" {
	oci_config 'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_NOSUCH"}'
	expect_create_error "SCMP_ACT_NOSUCH"
}

@test "a hook with a relative path" {
	oci_config 'c["hooks"] = {"createRuntime": [{"path": "hook.sh"}]}'
	expect_create_error "hooks"
}

@test "process.args[0] that does not exist in the rootfs: an error naming it" {
	oci_args /no/such/program
	run -127 --separate-stderr oci run --bundle "$BUNDLE" c1 </dev/null
	assert_stderr_contains "/no/such/program"
	[ ! -e "$OCI_ROOT/c1" ]
}

@test "--log FILE --log-format json: the error is a JSON line with level and msg" {
	oci_config 'c["process"]["args"] = "not an array"'
	oci_run --log "$BATS_TEST_TMPDIR/log.json" --log-format json create --bundle "$BUNDLE" c1 </dev/null
	assert_oci_error
	[ "$(wc -l <"$BATS_TEST_TMPDIR/log.json")" -eq 1 ] || { cat "$BATS_TEST_TMPDIR/log.json" >&2; false; }
	python3 - "$BATS_TEST_TMPDIR/log.json" <<-'PY'
		import json, sys
		entry = json.loads(open(sys.argv[1]).readline())
		assert entry["level"] == "error", entry
		assert "process.args" in entry["msg"], entry
	PY
}

@test "--log FILE: the error in text" {
	oci_config 'c["process"]["args"] = "not an array"'
	oci_run --log "$BATS_TEST_TMPDIR/log.txt" create --bundle "$BUNDLE" c1 </dev/null
	assert_oci_error
	grep -q "process.args" "$BATS_TEST_TMPDIR/log.txt" || { cat "$BATS_TEST_TMPDIR/log.txt" >&2; false; }
}

@test "--log-format with an unknown format fails" {
	oci_run --log-format yaml list
	assert_oci_error
}

@test "an unknown command fails with one error" {
	oci_run nosuchverb c1
	assert_oci_error
}

@test "an unknown option of create fails with one error" {
	oci_run create --no-such-option --bundle "$BUNDLE" c1
	assert_oci_error
	[ ! -e "$OCI_ROOT/c1" ]
}

@test "create without an id fails with one error" {
	oci_run create --bundle "$BUNDLE"
	assert_oci_error
}
