#!/usr/bin/env bats
# burrow inspect: a JSON array of docker-shaped objects, one per container (.Id, .Name, .Created, .State, .Config,
# .HostConfig, .Mounts, .NetworkSettings.Ports); --format '{{.State.Status}}' / '{{json .Config.Labels}}' for one
# field; a name that is no container but an image shows the image, as podman's inspect does.

load helpers

setup_file() {
	burrow_setup_file
	mkdir -p "$ROOTFS/www"
	echo "served" >"$ROOTFS/www/index.html"
	python3 "$TESTS_DIR/images/mkarchive.py" --format docker-archive --out "$BATS_FILE_TMPDIR/img.tar" \
		--name localhost/insp:latest --layer "$ROOTFS" --env FROM_IMAGE=1 --workdir /srv --label from=image \
		--stop-signal SIGUSR2 >/dev/null
}
setup() { ctr_setup; }
teardown() { ctr_teardown; }

RFC3339='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$'

# check_json PYTHON-EXPRESSIONS...: each must be true of `obj`, the only element of the array in $output.
check_json() {
	python3 - "$output" "$@" <<'PY' || { _show; return 1; }
import json, re, sys
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
arr = json.loads(sys.argv[1])
assert isinstance(arr, list) and len(arr) == 1, arr
obj = arr[0]
for expr in sys.argv[2:]:
    if not eval(expr):
        print("false:", expr, file=sys.stderr)
        print(json.dumps(obj, indent=1), file=sys.stderr)
        sys.exit(1)
PY
}

@test "inspect of a running container: Id, Name, Created and State" {
	ctr_run_d --name insp sleep 60
	local pid
	pid=$(ctr_state "$CID" Pid)
	kill -0 "$pid"
	run --separate-stderr "$BURROW" inspect insp
	assert_status 0
	assert_stderr ""
	check_json "obj['Id'] == '$CID'" "obj['Name'] == 'insp'" "RFC3339.match(obj['Created'])" \
		"obj['State']['Status'] == 'running'" "obj['State']['Running'] is True" "obj['State']['Pid'] == $pid" \
		"obj['State']['ExitCode'] == 0" "obj['State']['OOMKilled'] is False" "obj['State']['Paused'] is False" \
		"RFC3339.match(obj['State']['StartedAt']) and obj['State']['StartedAt'] >= obj['Created']" \
		"obj['State']['FinishedAt'].startswith('0001-01-01')"
}

@test "inspect of an exited container: its exit code, Pid 0 and FinishedAt" {
	ctr_run_d --name ended sh -c 'exit 9'
	"$BURROW" wait ended >/dev/null
	run --separate-stderr "$BURROW" inspect ended
	assert_status 0
	check_json "obj['State']['Status'] == 'exited'" "obj['State']['Running'] is False" "obj['State']['Pid'] == 0" \
		"obj['State']['ExitCode'] == 9" "RFC3339.match(obj['State']['FinishedAt'])" \
		"obj['State']['FinishedAt'] >= obj['State']['StartedAt'] > '0001'"
}

@test "Config holds the command, environment, labels, user and working directory the container runs with" {
	ctr_run_d --name cfg -e GREETING=hello -l app=web -l tier=front -u 1000:1000 -w /tmp \
		--stop-signal USR1 sh -c 'sleep 60'
	run --separate-stderr "$BURROW" inspect cfg
	assert_status 0
	check_json "obj['Config']['Cmd'] == ['sh', '-c', 'sleep 60']" "'GREETING=hello' in obj['Config']['Env']" \
		"obj['Config']['Labels'] == {'app': 'web', 'tier': 'front'}" "obj['Config']['User'] == '1000:1000'" \
		"obj['Config']['WorkingDir'] == '/tmp'" "obj['Config']['StopSignal'] == 'SIGUSR1'" \
		"obj['Config']['Image'] == '$ROOTFS'" "obj['Path'] == 'sh' and obj['Args'] == ['-c', 'sleep 60']"
}

@test "Config.Hostname is the container's hostname" {
	ctr_run_d --name named sleep 60
	run --separate-stderr "$BURROW" exec named hostname
	assert_status 0
	local hostname=$output
	run --separate-stderr "$BURROW" inspect --format '{{.Config.Hostname}}' named
	assert_ok "$hostname"
}

@test "an image container: Config carries the image's Env, WorkingDir, Labels and StopSignal; Image is its id" {
	"$BURROW" load -q -i "$BATS_FILE_TMPDIR/img.tar" >/dev/null
	CID=$("$BURROW" run -d --name fromimg --network none -l extra=1 insp sleep 60 3>&-)
	run --separate-stderr "$BURROW" inspect fromimg
	assert_status 0
	check_json "'FROM_IMAGE=1' in obj['Config']['Env']" "obj['Config']['WorkingDir'] == '/srv'" \
		"obj['Config']['Labels'] == {'from': 'image', 'extra': '1'}" "obj['Config']['StopSignal'] == 'SIGUSR2'" \
		"obj['Config']['Image'] == 'insp'" "obj['ImageName'] == 'insp'" "re.match('^[0-9a-f]{64}$', obj['Image'])"
}

@test "HostConfig and Mounts show the run's options" {
	mkdir -p "$BATS_TEST_TMPDIR/data"
	ctr_run_d --name hc -v "$BATS_TEST_TMPDIR/data:/data:ro" --tmpfs /scratch --cap-drop NET_RAW --read-only sleep 60
	run --separate-stderr "$BURROW" inspect hc
	assert_status 0
	check_json "obj['HostConfig']['NetworkMode'] == 'none'" "obj['HostConfig']['AutoRemove'] is False" \
		"obj['HostConfig']['ReadonlyRootfs'] is True" "'NET_RAW' in obj['HostConfig']['CapDrop']" \
		"{'Type': 'bind', 'Source': '$BATS_TEST_TMPDIR/data', 'Destination': '/data', 'RW': False} in obj['Mounts']" \
		"any(m['Type'] == 'tmpfs' and m['Destination'] == '/scratch' for m in obj['Mounts'])"
}

@test "-p 127.0.0.1::80: NetworkSettings.Ports and ps name the host port, which serves the container's port 80" {
	CID=$("$BURROW" run -d --name web -p 127.0.0.1::80 --rootfs "$ROOTFS" httpd -f -p 80 -h /www 3>&-)
	run --separate-stderr "$BURROW" inspect --format '{{json .NetworkSettings.Ports}}' web
	assert_status 0
	local port
	port=$(python3 -c '
import json, sys
p = json.loads(sys.argv[1])
assert list(p) == ["80/tcp"] and len(p["80/tcp"]) == 1 and p["80/tcp"][0]["HostIp"] == "127.0.0.1", p
print(p["80/tcp"][0]["HostPort"])' "$output") || { _show; false; }
	[ "$port" -gt 0 ]
	run --separate-stderr "$BURROW" ps --format '{{.Ports}}'
	assert_ok "127.0.0.1:$port->80/tcp"
	local got i
	for i in $(seq 50); do
		got=$(python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=2).read().decode().strip())' \
			"http://127.0.0.1:$port/" 2>/dev/null) && break
		sleep 0.1
	done
	[ "$got" = served ] || { echo "got ${got@Q} from port $port"; false; }
	"$BURROW" stop -t 1 web >/dev/null
	run --separate-stderr "$BURROW" inspect --format '{{json .NetworkSettings.Ports}}' web
	assert_ok "{}"
}

@test "--format renders a field, a nested field and {{json ...}}" {
	ctr_run_d --name fmt -l app=web sleep 60
	run --separate-stderr "$BURROW" inspect --format '{{.State.Status}}' fmt
	assert_ok "running"
	run --separate-stderr "$BURROW" inspect -f '{{.Name}} {{.State.Running}} {{.State.ExitCode}}' fmt
	assert_ok "fmt true 0"
	run --separate-stderr "$BURROW" inspect --format '{{json .Config.Labels}}' fmt
	assert_status 0
	python3 -c 'import json, sys; assert json.loads(sys.argv[1]) == {"app": "web"}' "$output" || { _show; false; }
	run --separate-stderr "$BURROW" inspect --format json fmt
	assert_status 0
	check_json "obj['Name'] == 'fmt'"
}

@test "inspect of several containers: one object each, in the order given" {
	ctr_run_d --name first true
	ctr_run_d --name second true
	run --separate-stderr "$BURROW" inspect second first
	assert_status 0
	python3 -c 'import json, sys; assert [o["Name"] for o in json.loads(sys.argv[1])] == ["second", "first"]' "$output"
	run --separate-stderr "$BURROW" inspect --format '{{.Name}}' first second
	assert_ok "$(printf 'first\nsecond')"
}

@test "inspect of an image name shows the image; --type container refuses it" {
	"$BURROW" load -q -i "$BATS_FILE_TMPDIR/img.tar" >/dev/null
	run --separate-stderr "$BURROW" inspect insp
	assert_status 0
	check_json "obj['RepoTags'] == ['localhost/insp:latest']" "obj['Config']['StopSignal'] == 'SIGUSR2'"
	local id
	id=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])[0]["Id"])' "$output")
	run --separate-stderr "$BURROW" inspect --format '{{.Id}}' insp
	assert_ok "$id"
	run --separate-stderr "$BURROW" inspect --type container insp
	assert_inspect_error
}

@test "an unknown name, a bad --format or a bad --type fails with one line and 125" {
	run --separate-stderr "$BURROW" inspect nosuch
	assert_inspect_error
	ctr_run_d --name there sleep 60
	run --separate-stderr "$BURROW" inspect --format '{{.State.Status' there
	assert_ctr_error
	run --separate-stderr "$BURROW" inspect --type volume there
	assert_ctr_error
	run --separate-stderr "$BURROW" inspect
	assert_ctr_error
}
