#!/usr/bin/env bats
# User namespace: container root is the caller, container ids 1..65536 are the caller's subordinate range
# (written by newuidmap/newgidmap); --uidmap/--gidmap replace the mapping; --userns=keep-id keeps the caller's uid.

load helpers

setup_file() { burrow_setup_file; }

# The id maps as "inside outside count" lines.
MAPS='awk "{print \$1, \$2, \$3}" /proc/self/uid_map; echo --; awk "{print \$1, \$2, \$3}" /proc/self/gid_map'

@test "uid_map maps 0 to the caller and 1..65536 to the subordinate range" {
	require_subid
	burrow_run awk '{print $1, $2, $3}' /proc/self/uid_map
	assert_ok "$(printf '0 %s 1\n1 %s %s' "$(id -u)" "$SUBUID_START" "$SUBUID_COUNT")"
}

@test "gid_map maps 0 to the caller's gid and 1..65536 to the subordinate range" {
	require_subid
	burrow_run awk '{print $1, $2, $3}' /proc/self/gid_map
	assert_ok "$(printf '0 %s 1\n1 %s %s' "$(id -g)" "$SUBGID_START" "$SUBGID_COUNT")"
}

@test "setgroups is allowed with a full mapping" {
	require_subid
	burrow_run cat /proc/self/setgroups
	assert_ok "allow"
}

@test "no notice is printed when the caller has a subordinate range" {
	require_subid
	burrow_run true
	assert_ok ""
}

@test "a file chowned to 1000:1000 inside a bind mount belongs to the matching subordinate ids outside" {
	require_subid
	mkdir "$BATS_TEST_TMPDIR/vol"
	burrow_run -v "$BATS_TEST_TMPDIR/vol:/vol" sh -c 'touch /vol/f && chown 1000:1000 /vol/f && stat -c %u:%g /vol/f'
	assert_ok "1000:1000"
	run stat -c %u:%g "$BATS_TEST_TMPDIR/vol/f"
	[ "$output" = "$((SUBUID_START + 999)):$((SUBGID_START + 999))" ] || { _show; false; }
}

@test "a file created by the caller outside belongs to root inside" {
	require_subid
	mkdir "$BATS_TEST_TMPDIR/vol"
	touch "$BATS_TEST_TMPDIR/vol/mine"
	burrow_run -v "$BATS_TEST_TMPDIR/vol:/vol" stat -c %u:%g /vol/mine
	assert_ok "0:0"
}

@test "a file owned by an unmapped id shows as nobody (65534) inside" {
	burrow_run -v /usr/share:/hostshare stat -c %u:%g /hostshare
	assert_ok "65534:65534"
}

@test "container root can switch to uid 1000 with the full mapping" {
	require_subid
	burrow_run -u 1000 id -u
	assert_ok "1000"
}

@test "--uidmap 0:1:1000 maps container 0..999 to the first 1000 subordinate ids, rootfs under a private directory" {
	require_subid
	# The rootfs lives under bats' 0700 temporary directory: only the caller can reach it. podman mounts in an
	# intermediate namespace where the caller is root, so this works there too.
	burrow_run --uidmap 0:1:1000 awk '{print $1, $2, $3}' /proc/self/uid_map
	assert_ok "0 $SUBUID_START 1000"
}

@test "--uidmap 0:1:1000 works on a rootfs reachable by the subordinate ids" {
	require_subid
	make_traversable "$ROOTFS"
	burrow_run --uidmap 0:1:1000 awk '{print $1, $2, $3}' /proc/self/uid_map
	assert_ok "0 $SUBUID_START 1000"
}

@test "--gidmap 0:1:1000 maps container gids 0..999 to the first 1000 subordinate gids" {
	require_subid
	make_traversable "$ROOTFS"
	burrow_run --uidmap 0:1:1000 --gidmap 0:1:1000 awk '{print $1, $2, $3}' /proc/self/gid_map
	assert_ok "0 $SUBGID_START 1000"
}

@test "--uidmap is repeatable and H=0 is the caller" {
	require_subid
	burrow_run --uidmap 0:0:1 --uidmap 1:1:10 --uidmap 1000:2000:5 awk '{print $1, $2, $3}' /proc/self/uid_map
	assert_ok "$(printf '0 %s 1\n1 %s 10\n1000 %s 5' "$(id -u)" "$SUBUID_START" "$((SUBUID_START + 1999))")"
}

@test "--uidmap=VALUE and --gidmap=VALUE spellings work" {
	require_subid
	burrow_run --uidmap=0:0:1 --gidmap=0:0:1 sh -c 'awk "{print \$1, \$2, \$3}" /proc/self/uid_map /proc/self/gid_map'
	assert_ok "$(printf '0 %s 1\n0 %s 1' "$(id -u)" "$(id -g)")"
}

@test "--uidmap with the whole range is accepted" {
	require_subid
	burrow_run --uidmap "0:0:$((SUBUID_COUNT + 1))" awk '{print $1, $2, $3}' /proc/self/uid_map
	assert_ok "0 $(id -u) 1"$'\n'"1 $SUBUID_START $SUBUID_COUNT"
}

@test "--uidmap exceeding the subordinate range fails with 125" {
	require_subid
	burrow_run --uidmap "0:1:$((SUBUID_COUNT + 1))" true
	assert_burrow_error
}

@test "--uidmap starting past the subordinate range fails with 125" {
	require_subid
	burrow_run --uidmap "0:$((SUBUID_COUNT + 1)):1" true
	assert_burrow_error
}

@test "--gidmap exceeding the subordinate range fails with 125" {
	require_subid
	burrow_run --gidmap "0:1:$((SUBGID_COUNT + 1))" true
	assert_burrow_error
}

@test "--uidmap with overlapping container ranges fails with 125" {
	require_subid
	burrow_run --uidmap 0:1:10 --uidmap 5:100:10 true
	assert_burrow_error
}

@test "--uidmap with overlapping host ranges fails with 125" {
	require_subid
	burrow_run --uidmap 0:1:10 --uidmap 100:5:10 true
	assert_burrow_error
}

@test "--gidmap with overlapping ranges fails with 125" {
	require_subid
	burrow_run --gidmap 0:1:10 --gidmap 5:100:10 true
	assert_burrow_error
}

@test "--userns=keep-id: id -u inside prints the caller's uid" {
	require_subid
	burrow_run --userns=keep-id id -u
	assert_ok "$(id -u)"
}

@test "--userns=keep-id: the command runs as the caller's uid:gid by default" {
	require_subid
	burrow_run --userns=keep-id sh -c 'id -u; id -g'
	assert_ok "$(printf '%s\n%s' "$(id -u)" "$(id -g)")"
}

@test "--userns=keep-id: a file created inside a bind mount belongs to the caller outside" {
	require_subid
	mkdir "$BATS_TEST_TMPDIR/vol"
	burrow_run --userns=keep-id -v "$BATS_TEST_TMPDIR/vol:/vol" touch /vol/f
	assert_ok ""
	run stat -c %u:%g "$BATS_TEST_TMPDIR/vol/f"
	[ "$output" = "$(id -u):$(id -g)" ] || { _show; false; }
}

@test "--userns=keep-id: -u overrides the default user" {
	require_subid
	burrow_run --userns=keep-id -u 0 id -u
	assert_ok "0"
}

@test "--userns with an unknown mode fails with 125" {
	burrow_run --userns=bogus true
	assert_burrow_error
}

# The libsubid answer is memoized in the runtime directory, keyed by /etc/subuid, /etc/subgid, /etc/nsswitch.conf and
# /etc/passwd; a cache that does not match (here: garbage) is ignored and rewritten, never trusted.
@test "a corrupt subordinate id cache is ignored and replaced" {
	require_subid
	local dir=${XDG_RUNTIME_DIR:+$XDG_RUNTIME_DIR/burrow}
	dir=${dir:-/tmp/burrow-$(id -u)}
	burrow_run true
	assert_ok ""
	[ -f "$dir/subid-cache" ] || { echo "no cache in $dir"; false; }
	head -c 200 /dev/urandom >"$dir/subid-cache"
	burrow_run awk '{print $1, $2, $3}' /proc/self/uid_map
	assert_ok "$(printf '0 %s 1\n1 %s %s' "$(id -u)" "$SUBUID_START" "$SUBUID_COUNT")"
	printf 'short' >"$dir/subid-cache"
	burrow_run awk '{print $1, $2, $3}' /proc/self/uid_map
	assert_ok "$(printf '0 %s 1\n1 %s %s' "$(id -u)" "$SUBUID_START" "$SUBUID_COUNT")"
}
