#!/usr/bin/env bats
# burrow ps (burrow container ls): the running containers, newest first, in podman's columns CONTAINER ID (12 hex),
# IMAGE, COMMAND, CREATED, STATUS (Up ..., Exited (N) ... ago), PORTS, NAMES; -a for all of them, -q for ids only,
# --no-trunc, --format json|TEMPLATE, and --filter name=|id=|status=|label=|ancestor= (the same key again widens, another
# key narrows; status= looks at every container, as podman's).

load helpers

setup_file() {
	burrow_setup_file
	python3 "$TESTS_DIR/images/mkarchive.py" --format docker-archive --out "$BATS_FILE_TMPDIR/img.tar" \
		--name localhost/pstest:latest --layer "$ROOTFS" >/dev/null
}
setup() { ctr_setup; }
teardown() { ctr_teardown; }

# Three containers: "done" exited with 3, "up" running, "labelled" running with labels; newest last.
three_containers() {
	ctr_run_d --name done sh -c 'exit 3'
	DONE=$CID
	"$BURROW" wait done >/dev/null
	ctr_run_d --name up sleep 60
	UP=$CID
	ctr_run_d --name labelled -l tier=web -l team=blue sleep 60
	LABELLED=$CID
}

@test "ps lists the running containers, newest first; -a lists every one" {
	three_containers
	run --separate-stderr "$BURROW" ps -q
	assert_ok "$(printf '%s\n' "${LABELLED:0:12}" "${UP:0:12}")"
	run --separate-stderr "$BURROW" ps -a -q
	assert_ok "$(printf '%s\n' "${LABELLED:0:12}" "${UP:0:12}" "${DONE:0:12}")"
	run --separate-stderr "$BURROW" ps -a -q --no-trunc
	assert_ok "$(printf '%s\n' "$LABELLED" "$UP" "$DONE")"
}

@test "ps with no container prints the header only" {
	run --separate-stderr "$BURROW" ps -a
	assert_status 0
	[[ "$output" =~ ^CONTAINER\ ID\ +IMAGE\ +COMMAND\ +CREATED\ +STATUS\ +PORTS\ +NAMES$ ]] || { _show; false; }
}

@test "the table: podman's columns, aligned, Up and Exited (N) statuses, 12-hex ids" {
	three_containers
	run --separate-stderr "$BURROW" ps -a
	assert_status 0
	assert_stderr ""
	[ "${#lines[@]}" -eq 4 ] || { _show; false; }
	[[ "${lines[0]}" =~ ^CONTAINER\ ID\ {2,}IMAGE\ {2,}COMMAND\ {2,}CREATED\ {2,}STATUS\ {2,}PORTS\ {2,}NAMES$ ]] || { _show; false; }
	local header=${lines[0]} col
	for col in STATUS NAMES; do
		local prefix=${header%%"$col"*}
		eval "at_$col=${#prefix}"
	done
	[[ "${lines[1]}" =~ ^${LABELLED:0:12}\  ]] || { _show; false; }
	[[ "${lines[1]:$at_STATUS}" =~ ^Up\ (Less\ than\ a\ second|[0-9]+\ seconds?)\  ]] || { _show; false; }
	[ "${lines[1]:$at_NAMES}" = labelled ] || { _show; false; }
	[[ "${lines[3]}" =~ ^${DONE:0:12}\ +sh\ -c\ exit\ 3\  ]] || { _show; false; }
	[[ "${lines[3]:$at_STATUS}" =~ ^Exited\ \(3\)\ (Less\ than\ a\ second|[0-9]+\ seconds?)\ ago\  ]] || { _show; false; }
	[ "${lines[3]:$at_NAMES}" = done ] || { _show; false; }
}

@test "the COMMAND column is cut at 20 characters, and shown whole with --no-trunc" {
	ctr_run_d --name long sh -c 'sleep 60; echo a long command line'
	run --separate-stderr "$BURROW" ps --format '{{.Command}}'
	assert_ok "sh -c sleep 60; echo a long command line"
	run --separate-stderr "$BURROW" ps
	[[ "${lines[1]}" == *"sh -c sleep 60; e..."* ]] || { _show; false; }
	run --separate-stderr "$BURROW" ps --no-trunc
	[[ "${lines[1]}" == "$CID "*"sh -c sleep 60; echo a long command line"* ]] || { _show; false; }
}

@test "the IMAGE column names the image of an image container" {
	"$BURROW" load -q -i "$BATS_FILE_TMPDIR/img.tar" >/dev/null
	"$BURROW" run -d --name fromimage --network none pstest sleep 60 3>&- >/dev/null
	run --separate-stderr "$BURROW" ps --format '{{.Image}} {{.Names}}'
	assert_ok "pstest fromimage"
}

@test "--format json is a JSON array with podman's Id, Names, State, Status and ExitCode" {
	three_containers
	run --separate-stderr "$BURROW" ps -a --format json
	assert_status 0
	python3 - "$output" "$DONE" "$UP" <<'PY'
import json, sys
entries = json.loads(sys.argv[1])
by_name = {e["Names"][0]: e for e in entries}
assert sorted(by_name) == ["done", "labelled", "up"], by_name
done, up = by_name["done"], by_name["up"]
assert done["Id"] == sys.argv[2] and up["Id"] == sys.argv[3], (done["Id"], up["Id"])
assert done["State"] == "exited" and done["ExitCode"] == 3 and done["Exited"] is True, done
assert done["Status"].startswith("Exited (3)"), done
assert up["State"] == "running" and up["Status"].startswith("Up ") and up["Pid"] > 0, up
assert up["Command"] == ["sleep", "60"], up
assert by_name["labelled"]["Labels"] == {"tier": "web", "team": "blue"}, by_name["labelled"]
PY
}

@test "--format with a Go template prints one line per container" {
	three_containers
	run --separate-stderr "$BURROW" ps -a --format '{{.ID}} {{.Names}} {{.Status}}'
	assert_status 0
	[ "${#lines[@]}" -eq 3 ] || { _show; false; }
	[[ "${lines[0]}" =~ ^${LABELLED:0:12}\ labelled\ Up\  ]] || { _show; false; }
	[[ "${lines[2]}" =~ ^${DONE:0:12}\ done\ Exited\ \(3\) ]] || { _show; false; }
	run --separate-stderr "$BURROW" ps --format '{{.Labels.tier}}' --filter name=labelled
	assert_ok "web"
}

@test "--format 'table ...' prints a header row of the fields' titles; tabs align the columns" {
	three_containers
	run --separate-stderr "$BURROW" ps --format 'table {{.ID}} {{.Names}}'
	assert_ok "$(printf 'CONTAINER ID NAMES\n%s labelled\n%s up' "${LABELLED:0:12}" "${UP:0:12}")"
	run --separate-stderr "$BURROW" ps -a --format 'table {{.Names}}\t{{.State}}'
	assert_status 0
	[[ "$output" != *$'\t'* ]] || { echo "a tab is left in the output"; _show; false; }
	[[ "${lines[0]}" =~ ^NAMES\ +STATE$ ]] || { _show; false; }
	local at=$((${#lines[0]} - 5)) i
	for i in 1 2 3; do
		[[ "${lines[$i]:$at}" =~ ^(running|exited)$ ]] || { echo "line $i: column not at $at"; _show; false; }
	done
}

@test "--filter name= is a regular expression; id= a prefix" {
	three_containers
	run --separate-stderr "$BURROW" ps -a -q --no-trunc --filter 'name=^la'
	assert_ok "$LABELLED"
	run --separate-stderr "$BURROW" ps -a -q --no-trunc --filter 'name=^(up|done)$'
	assert_ok "$(printf '%s\n' "$UP" "$DONE")"
	run --separate-stderr "$BURROW" ps -a -q --no-trunc --filter "id=${UP:0:6}"
	assert_ok "$UP"
}

@test "--filter status= selects by state and looks at every container, without -a" {
	three_containers
	run --separate-stderr "$BURROW" ps -q --no-trunc --filter status=exited
	assert_ok "$DONE"
	run --separate-stderr "$BURROW" ps -q --no-trunc --filter status=running
	assert_ok "$(printf '%s\n' "$LABELLED" "$UP")"
}

@test "a filter other than status= still lists only the running containers without -a" {
	three_containers
	run --separate-stderr "$BURROW" ps -q --filter name=done
	assert_ok ""
	run --separate-stderr "$BURROW" ps -a -q --no-trunc --filter name=done
	assert_ok "$DONE"
}

@test "--filter label=KEY and label=KEY=VALUE" {
	three_containers
	run --separate-stderr "$BURROW" ps -a -q --no-trunc --filter label=tier
	assert_ok "$LABELLED"
	run --separate-stderr "$BURROW" ps -a -q --no-trunc --filter label=tier=web
	assert_ok "$LABELLED"
	run --separate-stderr "$BURROW" ps -a -q --filter label=tier=db
	assert_ok ""
}

@test "--filter ancestor= selects the containers of an image, by any of its names or its id" {
	"$BURROW" load -q -i "$BATS_FILE_TMPDIR/img.tar" >/dev/null
	local from_image image_id ref
	from_image=$("$BURROW" run -d --network none pstest sleep 60 3>&-)
	ctr_run_d sleep 60
	image_id=$("$BURROW" inspect --format '{{.Image}}' "$from_image")
	[[ "$image_id" =~ ^[0-9a-f]{64}$ ]] || { echo "image id: $image_id"; false; }
	for ref in pstest localhost/pstest:latest "${image_id:0:12}"; do
		run --separate-stderr "$BURROW" ps -q --no-trunc --filter "ancestor=$ref"
		assert_ok "$from_image" || { echo "ancestor=$ref" >&2; false; }
	done
}

@test "the same filter key twice widens (or); different keys narrow (and)" {
	three_containers
	run --separate-stderr "$BURROW" ps -a -q --no-trunc --filter name=up --filter name=done
	assert_ok "$(printf '%s\n' "$UP" "$DONE")"
	run --separate-stderr "$BURROW" ps -a -q --no-trunc --filter status=running --filter name=e
	assert_ok "$LABELLED"
	run --separate-stderr "$BURROW" ps -a -q --no-trunc --filter status=exited --filter status=running --filter label=team=blue
	assert_ok "$LABELLED"
}

@test "-l shows the newest container, -n N the N newest" {
	three_containers
	run --separate-stderr "$BURROW" ps -l -q --no-trunc
	assert_ok "$LABELLED"
	run --separate-stderr "$BURROW" ps -n 2 -q --no-trunc
	assert_ok "$(printf '%s\n' "$LABELLED" "$UP")"
}

@test "a malformed filter, an unknown status or an argument fails with one line and 125" {
	local args
	local failed=0
	for args in "--filter bogus=1" "--filter status=sleeping" "--filter name" "--filter =x" "--filter name=(" \
		"--last x" "--last -1" "--frobnicate" "extra"; do
		run --separate-stderr "$BURROW" ps -a $args
		assert_ctr_error || { echo "ps -a $args" >&2; failed=1; }
	done
	[ "$failed" -eq 0 ]
	ctr_run_d sleep 60
	run --separate-stderr "$BURROW" ps --format '{{.ID'
	assert_ctr_error
}
