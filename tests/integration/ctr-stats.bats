#!/usr/bin/env bats
# burrow stats [--no-stream] [--format]: CPU, memory, network, block I/O and process counts of running containers, from
# their cgroups; "--" where a figure is not known (a container without a cgroup, as on a cgroup v1 host). The cgroup
# figures themselves are tested in the VM (vm-cgroup.bats).

load helpers

setup_file() { burrow_setup_file; }
setup() { ctr_setup; }
teardown() { ctr_teardown; }

HEADER_REGEX='^ID +NAME +CPU % +MEM USAGE / LIMIT +MEM % +NET IO +BLOCK IO +PIDS$'

@test "stats --no-stream prints one row per running container, -- where it has no cgroup, and exits" {
	ctr_run_d --name ended true
	"$BURROW" wait ended >/dev/null
	ctr_run_d --name s1 sleep 60
	ctr_run_d --name s2 sleep 60
	run --separate-stderr timeout 10 "$BURROW" stats --no-stream
	assert_status 0
	assert_stderr ""
	[[ "${lines[0]}" =~ $HEADER_REGEX ]] || { _show; false; }
	[ "${#lines[@]}" -eq 3 ] || { _show; false; }
	[ "$(sort <<<"$(printf '%s\n' "${lines[1]}" "${lines[2]}" | awk '{print $2}')")" = "$(printf 's1\ns2')" ] || { _show; false; }
	if [ -z "$("$BURROW" inspect --format '{{.CgroupPath}}' s1)" ]; then
		[[ "${lines[1]}" =~ ^[0-9a-f]{12}\ +s[12]\ +--\ +--\ /\ --\ +--\ + ]] || { _show; false; }
		[[ "${lines[1]}" =~ \ --$ ]] || { _show; false; }
	fi
}

@test "stats --no-stream of named containers shows those only" {
	ctr_run_d --name s1 sleep 60
	ctr_run_d --name s2 sleep 60
	run --separate-stderr "$BURROW" stats --no-stream s2
	assert_status 0
	[ "${#lines[@]}" -eq 2 ] || { _show; false; }
	[[ "${lines[1]}" =~ ^${CID:0:12}\ +s2\  ]] || { _show; false; }
}

@test "stats --format json is a JSON array; --format with a template one line per container" {
	ctr_run_d --name s1 sleep 60
	run --separate-stderr "$BURROW" stats --no-stream --format json
	assert_status 0
	python3 - "$output" "$CID" <<'PY' || { _show; false; }
import json, sys
rows = json.loads(sys.argv[1])
assert len(rows) == 1, rows
row = rows[0]
assert row["Name"] == "s1" and sys.argv[2].startswith(row["ID"]), row
for key in ("CPUPerc", "MemUsage", "MemPerc", "NetIO", "BlockIO", "PIDs"):
    assert isinstance(row[key], str) and row[key], (key, row)
PY
	run --separate-stderr "$BURROW" stats --no-stream --format '{{.Name}}:{{.ID}}'
	assert_ok "s1:${CID:0:12}"
}

@test "stats with no running container prints the header only" {
	run --separate-stderr "$BURROW" stats --no-stream
	assert_status 0
	[ "${#lines[@]}" -eq 1 ] && [[ "${lines[0]}" =~ $HEADER_REGEX ]] || { _show; false; }
}

@test "stats of a container that is not running, or unknown, fails with one line and 125" {
	ctr_run_d --name ended true
	"$BURROW" wait ended >/dev/null
	run --separate-stderr "$BURROW" stats --no-stream ended
	assert_ctr_error
	assert_stderr_contains "not running"
	run --separate-stderr "$BURROW" stats --no-stream nosuch
	assert_ctr_error
	run --separate-stderr "$BURROW" stats --bogus
	assert_ctr_error
}
