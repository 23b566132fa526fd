#!/usr/bin/env bats
# config.json, field by field: what the runtime-spec says each one does is what the process sees. Each test edits the
# bundle of `burrow-oci spec --rootless` and runs it in the foreground (`burrow-oci run`).

load helpers

setup_file() {
	burrow_setup_file
	echo secret >"$ROOTFS/etc/secret"
}
setup() { oci_setup; }
teardown() { oci_teardown; }

# run_bundle: `burrow-oci run` of $BUNDLE as container c1, stdin /dev/null.
run_bundle() {
	oci_run run --bundle "$BUNDLE" c1 </dev/null
}

# A tmpfs at /tmp, for the tests that write (the root is read-only in the spec).
with_tmp() {
	oci_config 'c["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]})'
}

# The subordinate map of the caller: container 0 is the caller, 1..65536 its subordinate ids (through newuidmap).
with_subordinate_maps() {
	oci_config "c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': $(id -u), 'size': 1}, {'containerID': 1, 'hostID': $SUBUID_START, 'size': $SUBUID_COUNT}]" \
		"c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': $(id -g), 'size': 1}, {'containerID': 1, 'hostID': $SUBGID_START, 'size': $SUBGID_COUNT}]"
}

@test "process.args: the program and its arguments" {
	oci_args echo one "two words" three
	run_bundle
	assert_ok "one two words three"
}

@test "process.env: the whole environment, with HOME added" {
	oci_config 'c["process"]["env"] = ["PATH=/bin", "FOO=bar baz"]'
	oci_args env
	run_bundle
	assert_status 0
	[ "$(sort <<<"$output")" = "$(printf 'FOO=bar baz\nHOME=/root\nPATH=/bin')" ] ||
		[ "$(sort <<<"$output")" = "$(printf 'FOO=bar baz\nHOME=/\nPATH=/bin')" ] || { _show; false; }
}

@test "process.cwd: the working directory" {
	oci_config 'c["process"]["cwd"] = "/etc"'
	oci_args pwd
	run_bundle
	assert_ok "/etc"
}

@test "process.user: uid 0 of the single-id map is the caller" {
	oci_args sh -c 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map'
	run_bundle
	assert_status 0
	[ "${lines[0]}" = 0 ] && [ "${lines[1]}" = 0 ] || { _show; false; }
	[[ "${lines[2]}" =~ ^\ *0\ +$(id -u)\ +1$ ]] || { _show; false; }
	[[ "${lines[3]}" =~ ^\ *0\ +$(id -g)\ +1$ ]] || { _show; false; }
}

@test "linux.uidMappings with subordinate ids: both ranges are mapped (newuidmap)" {
	require_subid
	with_subordinate_maps
	oci_args cat /proc/self/uid_map /proc/self/gid_map
	run_bundle
	assert_status 0
	[ "${#lines[@]}" -eq 4 ] || { _show; false; }
	[[ "${lines[0]}" =~ ^\ *0\ +$(id -u)\ +1$ ]] || { _show; false; }
	[[ "${lines[1]}" =~ ^\ *1\ +$SUBUID_START\ +$SUBUID_COUNT$ ]] || { _show; false; }
	[[ "${lines[2]}" =~ ^\ *0\ +$(id -g)\ +1$ ]] || { _show; false; }
	[[ "${lines[3]}" =~ ^\ *1\ +$SUBGID_START\ +$SUBGID_COUNT$ ]] || { _show; false; }
}

@test "process.user: uid, gid and additionalGids (id shows them)" {
	require_subid
	with_subordinate_maps
	oci_config 'c["process"]["user"] = {"uid": 1000, "gid": 1000, "additionalGids": [1500, 5]}'
	oci_args sh -c 'id -u; id -g; id -G'
	run_bundle
	assert_status 0
	[ "${lines[0]}" = 1000 ] && [ "${lines[1]}" = 1000 ] || { _show; false; }
	[ "$(tr ' ' '\n' <<<"${lines[2]}" | sort -n | tr '\n' ' ')" = "5 1000 1500 " ] || { _show; false; }
}

@test "process.user.umask: new files get the mode it leaves" {
	with_tmp
	oci_config 'c["process"]["user"]["umask"] = 63'
	oci_args sh -c 'touch /tmp/f; stat -c %a /tmp/f'
	run_bundle
	assert_ok "600"
}

@test "process.capabilities: CapEff and CapBnd are exactly the sets given" {
	# CAP_CHOWN (0) and CAP_KILL (5): 0x21
	oci_config 'c["process"]["capabilities"] = {s: ["CAP_CHOWN", "CAP_KILL"] for s in ("bounding", "effective", "permitted")}'
	oci_args sh -c 'grep -E "^Cap(Eff|Bnd):" /proc/self/status'
	run_bundle
	assert_status 0
	[ "${lines[0]}" = "CapEff:	0000000000000021" ] && [ "${lines[1]}" = "CapBnd:	0000000000000021" ] || { _show; false; }
}

@test "process.capabilities: no sets, no capabilities" {
	oci_config 'c["process"]["capabilities"] = {}'
	oci_args sh -c 'grep -E "^CapEff:" /proc/self/status'
	run_bundle
	assert_ok "CapEff:	0000000000000000"
}

@test "process.noNewPrivileges: true sets NoNewPrivs, false leaves it unset" {
	oci_config 'c["process"]["noNewPrivileges"] = True'
	oci_args grep NoNewPrivs: /proc/self/status
	run_bundle
	assert_ok "NoNewPrivs:	1"
	oci_config 'c["process"]["noNewPrivileges"] = False'
	run_bundle
	assert_ok "NoNewPrivs:	0"
}

@test "process.rlimits: the soft and hard limits (ulimit -n)" {
	oci_config 'c["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 123, "hard": 456}]'
	oci_args sh -c 'ulimit -Sn; ulimit -Hn'
	run_bundle
	assert_ok "$(printf '123\n456')"
}

@test "process.oomScoreAdj: raised for the process" {
	oci_config 'c["process"]["oomScoreAdj"] = 500'
	oci_args cat /proc/self/oom_score_adj
	run_bundle
	assert_ok "500"
}

@test "process.terminal with --console-socket: the receiver gets the pty and reads the output from it" {
	oci_config 'c["process"]["terminal"] = True'
	oci_args sh -c 'tty; echo on the terminal'
	oci_console_receiver "$BATS_TEST_TMPDIR/console.sock"
	oci_create c1 --console-socket "$BATS_TEST_TMPDIR/console.sock"
	oci start c1
	oci_receiver_wait
	[ "${lines[0]}" = "receiver: fd=yes tty=yes winsize=${lines[0]##*winsize=}" ] || { _show; false; }
	[ "${lines[1]}" = /dev/pts/0 ] || { _show; false; }
	[ "${lines[2]}" = "on the terminal" ] || { _show; false; }
	[ "${lines[-1]}" = "receiver: end=eio" ] || { _show; false; }
	# Nothing went to create's own stdout.
	[ ! -s "$BATS_TEST_TMPDIR/c1.out" ]
}

@test "process.terminal: typed input reaches the process through the pty" {
	oci_config 'c["process"]["terminal"] = True'
	oci_args sh -c 'echo READY; read line; echo "got $line"'
	oci_console_receiver "$BATS_TEST_TMPDIR/console.sock" --wait-for READY --send 'hello\n'
	oci_create c1 --console-socket "$BATS_TEST_TMPDIR/console.sock"
	oci start c1
	oci_receiver_wait
	assert_output_contains "got hello"
}

@test "process.consoleSize: the pty's window size" {
	oci_config 'c["process"]["terminal"] = True' 'c["process"]["consoleSize"] = {"height": 33, "width": 111}'
	oci_args stty size
	oci_console_receiver "$BATS_TEST_TMPDIR/console.sock"
	oci_create c1 --console-socket "$BATS_TEST_TMPDIR/console.sock"
	oci start c1
	oci_receiver_wait
	[ "${lines[0]}" = "receiver: fd=yes tty=yes winsize=33x111" ] || { _show; false; }
	[ "${lines[1]}" = "33 111" ] || { _show; false; }
}

@test "process.terminal with run --console-socket: run exits with the process's status" {
	oci_config 'c["process"]["terminal"] = True'
	oci_args sh -c 'echo via the pty; exit 4'
	oci_console_receiver "$BATS_TEST_TMPDIR/console.sock"
	oci_run run --bundle "$BUNDLE" --console-socket "$BATS_TEST_TMPDIR/console.sock" c1 </dev/null
	assert_status 4
	oci_receiver_wait
	assert_output_contains "via the pty"
}

@test "process.terminal without --console-socket: run on a terminal uses it" {
	# `spec` writes terminal: true; runc and crun then put the process on a pty of their own, relayed to theirs.
	oci_config 'c["process"]["terminal"] = True'
	oci_args sh -c 'tty; echo on a terminal'
	run ptydrive -- "$OCI_BIN" --root "$OCI_ROOT" run --bundle "$BUNDLE" c1
	[ "${lines[-1]}" = "ptydrive: exit=0 termios=same" ] || { _show; false; }
	assert_output_contains "on a terminal"
}

@test "root.readonly: a write to the root fails" {
	oci_config 'c["root"]["readonly"] = True'
	oci_args sh -c 'touch /newfile 2>&1; echo "status=$?"'
	run_bundle
	assert_status 0
	assert_output_contains "Read-only file system"
	assert_output_contains "status=1"
	[ ! -e "$ROOTFS/newfile" ]
}

@test "hostname and domainname: the uts namespace's names" {
	oci_config 'c["hostname"] = "oci-host"' 'c["domainname"] = "oci.example"'
	oci_args cat /proc/sys/kernel/hostname /proc/sys/kernel/domainname
	run_bundle
	assert_ok "$(printf 'oci-host\noci.example')"
}

@test "mounts: a read-only bind shows the source and refuses writes" {
	mkdir "$BATS_TEST_TMPDIR/data"
	echo content >"$BATS_TEST_TMPDIR/data/file"
	oci_config "c['mounts'].append({'destination': '/data', 'type': 'bind', 'source': '$BATS_TEST_TMPDIR/data', 'options': ['rbind', 'ro']})"
	oci_args sh -c 'cat /data/file; touch /data/new 2>/dev/null; echo "status=$?"'
	run_bundle
	assert_ok "$(printf 'content\nstatus=1')"
	[ ! -e "$BATS_TEST_TMPDIR/data/new" ]
}

@test "mounts: a read-write bind writes through to the source" {
	mkdir "$BATS_TEST_TMPDIR/data"
	oci_config "c['mounts'].append({'destination': '/data', 'type': 'bind', 'source': '$BATS_TEST_TMPDIR/data', 'options': ['bind', 'rw']})"
	oci_args sh -c 'echo written >/data/new'
	run_bundle
	assert_ok ""
	[ "$(cat "$BATS_TEST_TMPDIR/data/new")" = written ]
}

@test "mounts: a tmpfs with size, nosuid and noexec" {
	oci_config 'c["mounts"].append({"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["size=2m", "nosuid", "noexec", "mode=1777"]})'
	oci_args sh -c 'grep " /scratch " /proc/mounts; stat -c %a /scratch'
	run_bundle
	assert_status 0
	[[ "${lines[0]}" == "tmpfs /scratch tmpfs "* ]] || { _show; false; }
	[[ "${lines[0]}" == *nosuid* ]] && [[ "${lines[0]}" == *noexec* ]] && [[ "${lines[0]}" == *size=2048k* ]] || { _show; false; }
	[ "${lines[1]}" = 1777 ] || { _show; false; }
}

@test "mounts: /dev/shm and /dev/mqueue that config.json does not list are not mounted" {
	oci_config 'c["mounts"] = [m for m in c["mounts"] if m["destination"] not in ("/dev/shm", "/dev/mqueue")]'
	oci_args sh -c 'grep -cE " /dev/(shm|mqueue) " /proc/mounts'
	run_bundle
	assert_output "0"
}

@test "linux.maskedPaths: a masked file reads as empty, a masked directory is empty" {
	oci_config 'c["linux"]["maskedPaths"] = ["/etc/secret", "/home"]'
	oci_args sh -c 'wc -c </etc/secret; ls -A /home | wc -l'
	run_bundle
	assert_ok "$(printf '0\n0')"
}

@test "linux.maskedPaths: /etc/passwd masked, a numeric process.user still runs (as with runc)" {
	oci_config 'c["linux"]["maskedPaths"] = ["/etc/passwd"]'
	oci_args sh -c 'wc -c </etc/passwd'
	run_bundle
	assert_ok "0"
}

@test "linux.readonlyPaths: a write there fails" {
	with_tmp
	oci_config 'c["linux"]["readonlyPaths"] = ["/tmp"]'
	oci_args sh -c 'touch /tmp/x 2>/dev/null; echo "status=$?"'
	run_bundle
	assert_ok "status=1"
}

@test "linux.namespaces without network: the host's network interfaces are visible" {
	oci_config 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]'
	oci_args sh -c 'ls /sys/class/net'
	run_bundle
	assert_status 0
	[ "$(sort <<<"$output")" = "$(ls /sys/class/net | sort)" ] || { ls /sys/class/net >&2; _show; false; }
	# a /sys bind: the host's interface list
	oci_args sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
	run_bundle
	[ "$(sort <<<"$output")" = "$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort)" ] || { _show; false; }
}

@test "linux.namespaces with network: only lo" {
	oci_args sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
	run_bundle
	assert_ok "lo"
}

@test "linux.namespaces: each listed namespace is new, one left out is the host's" {
	# mqueue can only be mounted by the ipc namespace's owner: without one of its own, no /dev/mqueue.
	oci_config 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] not in ("ipc", "cgroup")]' \
		'c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/dev/mqueue"]'
	oci_args sh -c 'for n in ipc cgroup uts net; do readlink /proc/self/ns/$n; done'
	run_bundle
	assert_status 0
	[ "${lines[0]}" = "$(readlink /proc/self/ns/ipc)" ] || { _show; false; }
	[ "${lines[1]}" = "$(readlink /proc/self/ns/cgroup)" ] || { _show; false; }
	[ "${lines[2]}" != "$(readlink /proc/self/ns/uts)" ] || { _show; false; }
	[ "${lines[3]}" != "$(readlink /proc/self/ns/net)" ] || { _show; false; }
}

# As podman runs it: burrow-oci as root of a user namespace with a full map (unshare --map-auto), a config.json
# without a user namespace, joining a network namespace made beforehand (podman's netns) by its path.
@test "linux.namespaces without user, inside a user namespace: no new one; network joined by path" {
	require_subid
	require_cmd unshare
	oci_config 'del c["linux"]["uidMappings"], c["linux"]["gidMappings"]' \
		'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] not in ("user", "network")]'
	oci_args sh -c 'readlink /proc/self/ns/user; readlink /proc/self/ns/net'
	cat >"$BATS_TEST_TMPDIR/inner.sh" <<-EOF
		unshare --net sleep 60 &
		netns_pid=\$!
		while [ "\$(readlink /proc/\$netns_pid/ns/net)" = "\$(readlink /proc/self/ns/net)" ]; do sleep 0.05; done
		readlink /proc/self/ns/user
		readlink /proc/\$netns_pid/ns/net
		CONFIG="$BUNDLE/config.json"
		python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); c["linux"]["namespaces"].append({"type": "network", "path": sys.argv[2]}); json.dump(c, open(sys.argv[1], "w"))' "\$CONFIG" /proc/\$netns_pid/ns/net
		"$OCI_BIN" --root "$OCI_ROOT" run --bundle "$BUNDLE" j1 </dev/null
		rc=\$?
		kill \$netns_pid
		exit \$rc
	EOF
	run --separate-stderr unshare --user --map-root-user --map-auto sh "$BATS_TEST_TMPDIR/inner.sh"
	assert_status 0
	[ "${#lines[@]}" -eq 4 ] || { _show; false; }
	[ "${lines[2]}" = "${lines[0]}" ] || { echo "a user namespace was made" >&2; _show; false; }
	[ "${lines[3]}" = "${lines[1]}" ] || { echo "the network namespace was not joined" >&2; _show; false; }
}

@test "linux.sysctl: a network sysctl in the container's own network namespace" {
	oci_config 'c["linux"]["sysctl"] = {"net.ipv4.ping_group_range": "0 0", "net.ipv4.ip_forward": "1"}'
	oci_args sh -c 'cat /proc/sys/net/ipv4/ping_group_range /proc/sys/net/ipv4/ip_forward'
	run_bundle
	assert_ok "$(printf '0\t0\n1')"
}

@test "linux.seccomp: SCMP_ACT_ERRNO makes mkdir fail with EPERM, other calls work" {
	with_tmp
	oci_config 'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"], "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
	oci_args sh -c 'mkdir /tmp/d 2>&1; echo "status=$?"; touch /tmp/f && echo touched; grep Seccomp: /proc/self/status'
	run_bundle
	assert_status 0
	assert_output_contains "Operation not permitted"
	assert_output_contains "status=1"
	assert_output_contains "touched"
	assert_output_contains "Seccomp:	2"
}
