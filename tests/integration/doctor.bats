#!/usr/bin/env bats
# burrow doctor: every check seen in both states, as an unprivileged user. The states a user can make are made here
# (its own namespaces, a private XDG_RUNTIME_DIR, a copy of the binary, a seccomp filter, burrow.conf); the ones that
# need root (no subuid line, /dev/fuse or /dev/net/tun closed, newuidmap without setuid, a systemd host) are in
# doctor-root-host.bats, and the user without a range in nosub-doctor.bats.

load helpers

SCHEMA="$REPO_DIR/doc/doctor.schema.json"
SECCOMP_ERRNO="$BATS_TEST_DIRNAME/seccomp-errno.py"

setup() {
	export BURROW_ROOT="$BATS_TEST_TMPDIR/store"
	unset BURROW_CONFIG
}

# doctor [ARGS...]: `run` of burrow doctor, stderr apart.
doctor() {
	run --separate-stderr "$BURROW" doctor "$@"
}

# check_line ID: the output line of check ID ("STATUS ID MESSAGE").
check_line() {
	printf '%s\n' "$output" | awk -v id="$1" '$2 == id { print; exit }'
}

# assert_check ID STATUS [MESSAGE-PART]: the check's status (and message) in the text output.
assert_check() {
	local line
	line=$(check_line "$1")
	if [ -z "$line" ] || [ "$(echo "$line" | awk '{print $1}')" != "$2" ] || [[ "$line" != *"${3:-}"* ]]; then
		echo "expected $1 to be $2${3:+ with \"$3\"}, got: ${line@Q}" >&2
		_show
		return 1
	fi
}

# assert_fix ID FIX-PART: the "fix:" line right after the check's line.
assert_fix() {
	local fix
	fix=$(printf '%s\n' "$output" | awk -v id="$1" 'found { print; exit } $2 == id { found = 1 }')
	if [[ "$fix" != *"fix: "*"$2"* ]]; then
		echo "expected the fix of $1 to contain ${2@Q}, got: ${fix@Q}" >&2
		_show
		return 1
	fi
}

# validate_json FILE: against doc/doctor.schema.json, and the summary and usable agree with the checks.
validate_json() {
	/usr/bin/python3 - "$SCHEMA" "$1" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
cls(schema).validate(doc)
statuses = [c["status"] for c in doc["checks"]]
assert doc["summary"] == {s: statuses.count(s) for s in ("ok", "warn", "fail")}, doc["summary"]
assert doc["usable"] == ("fail" not in statuses)
ids = [c["id"] for c in doc["checks"]]
assert len(ids) == len(set(ids)), "duplicate ids"
assert all(c["id"].startswith(c["area"] + ".") for c in doc["checks"])
PY
}

@test "doctor prints one aligned line per check, a fix under every warning, and a summary; exit 0 here" {
	doctor
	assert_status 0
	local n=0 line
	while IFS= read -r line; do
		if [[ "$line" =~ ^(ok|warn|fail)\ +[a-z]+\.[a-z0-9_]+\ +[^\ ] ]]; then
			n=$((n + 1))
		elif [[ "$line" =~ ^\ +fix:\ [^\ ] ]] || [[ "$line" =~ ^[0-9]+\ ok,\ [0-9]+\ warn,\ [0-9]+\ fail:\  ]]; then
			:
		else
			echo "unexpected line: ${line@Q}" >&2
			_show
			return 1
		fi
	done <<<"$output"
	[ "$n" -ge 25 ] || { echo "only $n checks" >&2; false; }
	# The message column is the same on every line.
	[ "$(printf '%s\n' "$output" | grep -E '^(ok|warn|fail) ' | awk '{ match($0, /^[a-z]+ +[^ ]+ +/); print RLENGTH }' | sort -u | wc -l)" -eq 1 ]
	# Every warn or fail line is followed by its fix, and no ok line is.
	printf '%s\n' "$output" | awk '
		prev ~ /^(warn|fail) / && $0 !~ /^ +fix: / { bad = 1 }
		prev ~ /^ok / && $0 ~ /^ +fix: / { bad = 1 }
		{ prev = $0 } END { exit bad }'
	assert_output_matches "burrow can run containers here"
	[ -z "$stderr" ]
}

@test "doctor --format json is valid against doc/doctor.schema.json and agrees with the text output" {
	doctor --format json
	assert_status 0
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out.json"
	validate_json "$BATS_TEST_TMPDIR/out.json"
	local json_ids text_ids
	json_ids=$(/usr/bin/python3 -c 'import json,sys; print(" ".join(c["id"] + "=" + c["status"] for c in json.load(open(sys.argv[1]))["checks"]))' "$BATS_TEST_TMPDIR/out.json")
	doctor
	text_ids=$(printf '%s\n' "$output" | awk '/^(ok|warn|fail) / { printf "%s%s=%s", sep, $2, $1; sep = " " }')
	[ "$json_ids" = "$text_ids" ] || { echo "json: $json_ids"; echo "text: $text_ids"; false; } >&2
}

@test "doctor --format json says usable false and exits 1 when a check fails" {
	run --separate-stderr /usr/bin/python3 "$SECCOMP_ERRNO" clone3=ENOSYS "$BURROW" doctor --format json
	assert_status 1
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out.json"
	validate_json "$BATS_TEST_TMPDIR/out.json"
	/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["usable"] is False and d["summary"]["fail"] >= 1' "$BATS_TEST_TMPDIR/out.json"
}

@test "doctor runs only the checks and areas named, and refuses an unknown one" {
	doctor network.tun kernel
	assert_status 0
	# network.tun and the kernel area's 7 checks
	[ "$(printf '%s\n' "$output" | grep -cE '^(ok|warn|fail) ')" -eq 8 ]
	assert_check network.tun ok
	assert_check kernel.clone3 ok
	doctor nosuch.check
	assert_status 125
	assert_stderr 'burrow: no check or area "nosuch.check": see '"'"'burrow doctor --help'"'"
	doctor --format yaml
	assert_status 125
	doctor --help
	assert_status 0
	assert_output_matches "Usage: burrow doctor"
}

@test "userns.probe passes here and fails, with exit 1, where unshare is refused" {
	doctor userns
	assert_status 0
	assert_check userns.probe ok "a probe created one"
	assert_check userns.max_user_namespaces ok
	run --separate-stderr /usr/bin/python3 "$SECCOMP_ERRNO" unshare=EPERM "$BURROW" doctor userns.probe
	assert_status 1
	assert_check userns.probe fail "unshare(CLONE_NEWUSER|CLONE_NEWNS) failed: Operation not permitted"
	assert_fix userns.probe "seccomp or AppArmor profile"
}

@test "idmap.range and idmap.size pass for the test user with its range; newuidmap and newgidmap are privileged" {
	require_subid
	doctor idmap
	assert_check idmap.range ok "$(id -un) has subordinate uids $SUBUID_START-"
	assert_check idmap.size ok
	assert_check idmap.newuidmap ok "setuid root"
	assert_check idmap.newgidmap ok "setuid root"
}

@test "kernel features pass here; a missing required call fails, a missing optional one warns" {
	doctor kernel
	assert_status 0
	for id in clone3 pidfd openat2 mount_setattr close_range seccomp_notify; do
		assert_check "kernel.$id" ok
	done
	run --separate-stderr /usr/bin/python3 "$SECCOMP_ERRNO" clone3=ENOSYS,pidfd_open=ENOSYS,openat2=ENOSYS,mount_setattr=ENOSYS,close_range=ENOSYS,seccomp=ENOSYS "$BURROW" doctor kernel
	assert_status 1
	for id in clone3 pidfd openat2 mount_setattr; do
		assert_check "kernel.$id" fail "missing (ENOSYS)"
	done
	assert_check kernel.close_range warn "missing"
	assert_check kernel.seccomp_notify warn "missing"
	assert_fix kernel.openat2 "a kernel 5.6 or newer"
}

@test "kernel.version warns about a kernel older than 5.12" {
	require_cmd setarch
	doctor kernel.version
	assert_check kernel.version ok "Linux $(uname -r)"
	run --separate-stderr setarch "$(uname -m)" --uname-2.6 "$BURROW" doctor kernel.version
	assert_status 0
	assert_check kernel.version warn "is older than 5.12"
	assert_fix kernel.version "a kernel 5.12 or newer"
}

@test "storage.overlay probes the store's filesystem and leaves nothing behind, not even the store" {
	local parent="$BATS_TEST_TMPDIR/parent"
	mkdir "$parent"
	# --root is a global option: before the command.
	run --separate-stderr "$BURROW" --root "$parent/store" doctor storage
	assert_status 0
	assert_check storage.overlay ok "on $parent"
	assert_check storage.space ok
	assert_check storage.filesystem ok
	[ -z "$(ls -A "$parent")" ] || { ls -la "$parent" >&2; false; }
	[ -z "$(pgrep -u "$(id -u)" -f 'burrow.*doctor' || true)" ]
}

@test "storage.filesystem warns about a store on overlayfs; storage.overlay then names fuse-overlayfs" {
	require_cmd unshare
	local d="$BATS_TEST_TMPDIR/ov"
	mkdir -p "$d"/{lower,upper,work,merged}
	run --separate-stderr unshare --user --map-root-user --mount sh -c '
		mount -t overlay overlay -o "lowerdir=$1/lower,upperdir=$1/upper,workdir=$1/work" "$1/merged" || exit 99
		exec "$2" --root "$1/merged/store" doctor storage' sh "$d" "$BURROW"
	[ "$status" -ne 99 ] || skip "overlayfs cannot be mounted in a user namespace here"
	assert_status 0
	assert_check storage.filesystem warn "is on overlayfs"
	assert_fix storage.filesystem '[storage] root = "/var/tmp/burrow-'
	assert_check storage.overlay ok "fuse-overlayfs is used instead"
}

@test "storage.space warns about a store with little free space" {
	require_cmd unshare
	local d="$BATS_TEST_TMPDIR/small"
	mkdir -p "$d"
	run --separate-stderr unshare --user --map-root-user --mount sh -c '
		mount -t tmpfs -o size=1m tmpfs "$1" || exit 99
		exec "$2" --root "$1/store" doctor storage.space' sh "$d" "$BURROW"
	[ "$status" -ne 99 ] || skip "tmpfs cannot be mounted in a user namespace here"
	assert_status 0
	assert_check storage.space warn "MiB and"
	assert_fix storage.space "burrow rmi"
}

@test "storage.fuse passes with fuse-overlayfs installed and /dev/fuse usable" {
	[ -w /dev/fuse ] && command -v fuse-overlayfs >/dev/null || skip "fuse-overlayfs or /dev/fuse not usable here"
	doctor storage.fuse
	assert_check storage.fuse ok "/dev/fuse is usable"
}

@test "network.tun and network.slirp pass; network.slirp warns for a burrow binary without its helper" {
	doctor network.tun network.slirp
	assert_check network.tun ok
	assert_check network.slirp ok "burrow-slirp is "
	mkdir "$BATS_TEST_TMPDIR/bin"
	cp "$BURROW" "$BATS_TEST_TMPDIR/bin/burrow"
	run --separate-stderr "$BATS_TEST_TMPDIR/bin/burrow" doctor network.slirp
	[ -x /usr/local/libexec/burrow/burrow-slirp ] && skip "an installed burrow-slirp is found anyway"
	assert_status 0
	assert_check network.slirp warn "burrow-slirp is neither beside the burrow binary"
	assert_fix network.slirp "meson install"
}

@test "network.ports warns when ip_unprivileged_port_start is above 1024, in a network namespace of our own" {
	require_cmd unshare
	run --separate-stderr unshare --user --map-root-user --net sh -c '
		echo 1024 >/proc/sys/net/ipv4/ip_unprivileged_port_start || exit 99
		"$1" doctor network.ports || exit
		echo 2000 >/proc/sys/net/ipv4/ip_unprivileged_port_start
		"$1" doctor network.ports' sh "$BURROW"
	[ "$status" -ne 99 ] || skip "the sysctl is not writable in a network namespace here"
	assert_status 0
	[ "$(printf '%s\n' "$output" | grep -c '^ok  *network.ports .*from 1024 up')" -eq 1 ]
	assert_check network.ports ok "from 1024 up"
	printf '%s\n' "$output" | grep -q '^warn  *network.ports .*is 2000: -p can publish host ports from 2000 up only'
	assert_output_contains "fix: sudo sysctl -w net.ipv4.ip_unprivileged_port_start=1024"
}

@test "network.ping follows net.ipv4.ping_group_range, in a network namespace of our own" {
	require_cmd unshare
	# A new network namespace starts with the kernel's default, "1 0" (nobody).
	run --separate-stderr unshare --user --map-root-user --net sh -c '
		"$1" doctor network.ping
		echo "0 0" >/proc/sys/net/ipv4/ping_group_range || exit 99
		"$1" doctor network.ping' sh "$BURROW"
	[ "$status" -ne 99 ] || skip "the sysctl is not writable in a network namespace here"
	printf '%s\n' "$output" | grep -q '^ok  *network.ping .*(0 0) includes your group'
	printf '%s\n' "$output" | grep -q '^warn  *network.ping .*) excludes your groups'
	assert_output_contains 'fix: sudo sysctl -w net.ipv4.ping_group_range="0 2147483647"'
}

@test "network.dns passes with a real resolver and warns about a loopback-only or empty resolver file" {
	local conf="$BATS_TEST_TMPDIR/burrow.conf" resolv="$BATS_TEST_TMPDIR/resolv.conf"
	printf '[network]\nresolv_conf = "%s"\n' "$resolv" >"$conf"
	export BURROW_CONFIG="$conf"
	printf 'nameserver 192.0.2.1\nnameserver 192.0.2.2\n' >"$resolv"
	doctor network.dns
	assert_check network.dns ok "the 2 nameservers of $resolv"
	printf 'nameserver 127.0.0.53\noptions edns0\n' >"$resolv"
	doctor network.dns
	assert_status 0
	assert_check network.dns warn "names only loopback resolvers"
	assert_fix network.dns "resolv_conf"
	printf '# nothing\n' >"$resolv"
	doctor network.dns
	assert_check network.dns warn "names no nameserver"
}

@test "cgroup.version tells v2 from v1 or hybrid, as the filesystem at /sys/fs/cgroup says" {
	doctor cgroup
	assert_status 0
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		assert_check cgroup.version ok "cgroup v2"
	else
		assert_check cgroup.version warn "need cgroup v2"
		assert_fix cgroup.version "systemd.unified_cgroup_hierarchy=1"
		assert_check cgroup.delegation ok "not checked"
	fi
}

@test "session.runtime_dir passes for a private XDG_RUNTIME_DIR and warns when it is unset, shared or not ours" {
	local xdg="$BATS_TEST_TMPDIR/xdg"
	mkdir -m 0700 "$xdg"
	XDG_RUNTIME_DIR=$xdg doctor session.runtime_dir
	assert_check session.runtime_dir ok "XDG_RUNTIME_DIR=$xdg is yours, mode 0700"
	chmod 0755 "$xdg"
	XDG_RUNTIME_DIR=$xdg doctor session.runtime_dir
	assert_status 0
	assert_check session.runtime_dir warn "has mode 0755, not 0700"
	assert_fix session.runtime_dir "chmod 0700 $xdg"
	run --separate-stderr env -u XDG_RUNTIME_DIR "$BURROW" doctor session.runtime_dir
	assert_status 0
	assert_check session.runtime_dir warn "XDG_RUNTIME_DIR is not set"
	XDG_RUNTIME_DIR=/ doctor session.runtime_dir
	assert_check session.runtime_dir warn "belongs to uid 0, not to you"
	chmod 0700 "$xdg"
	mkdir -m 0755 "$xdg/burrow"
	XDG_RUNTIME_DIR=$xdg doctor session.runtime_dir
	assert_status 1
	assert_check session.runtime_dir fail "$xdg/burrow is not a private directory"
}

@test "session.systemd and session.linger say whether this is a systemd host" {
	doctor session
	if [ -d /run/systemd/system ]; then
		assert_check session.linger "$([ -e "/var/lib/systemd/linger/$(id -un)" ] && echo ok || echo warn)"
	else
		assert_check session.systemd ok "not a systemd host"
		assert_check session.linger ok "not a systemd host"
	fi
}
