#!/usr/bin/env bats
# burrow doctor as a user without a subordinate id range (tests/run runs nosub-* files as burrownosub): a warning
# naming the usermod command with a free range, and containers still usable.

load helpers

setup() {
	export BURROW_ROOT="$BATS_TEST_TMPDIR/store"
}

@test "without a range idmap.range warns with a usermod fix naming the user and a range no one has" {
	require_nosubid
	run --separate-stderr "$BURROW" doctor idmap
	assert_status 0
	[[ "$output" =~ warn\ +idmap.range\ +$(id -un)\ has\ no\ subordinate\ uid\ or\ gid\ range ]] || { _show; false; }
	local range
	range=$(printf '%s\n' "$output" | sed -n 's/.*fix: sudo usermod --add-subuids \([0-9]*-[0-9]*\) --add-subgids \1 '"$(id -un)"'$/\1/p')
	[ -n "$range" ] || { echo "no usermod fix" >&2; _show; false; }
	# 65536 ids, overlapping no line of /etc/subuid or /etc/subgid.
	local start=${range%-*} end=${range#*-}
	[ $((end - start + 1)) -eq 65536 ]
	cat /etc/subuid /etc/subgid 2>/dev/null | awk -F: -v s="$start" -v e="$end" '$2 <= e && $2 + $3 > s { bad = 1 } END { exit bad }'
}

@test "without a range idmap.size and idmap.overlap have nothing to measure, and newuidmap is not needed" {
	require_nosubid
	run --separate-stderr "$BURROW" doctor idmap.size idmap.overlap idmap.newuidmap
	assert_status 0
	[[ "$output" =~ ok\ +idmap.size\ +no\ range\ to\ measure ]] || { _show; false; }
	[[ "$output" =~ ok\ +idmap.overlap\ +no\ range\ to\ compare ]] || { _show; false; }
}

@test "without a range doctor still says containers can run here (JSON usable, exit 0)" {
	require_nosubid
	run --separate-stderr "$BURROW" doctor --format json
	assert_status 0
	printf '%s\n' "$output" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
c = {x["id"]: x for x in d["checks"]}
assert d["usable"] is True
assert c["idmap.range"]["status"] == "warn" and "usermod" in c["idmap.range"]["fix"]'
}
