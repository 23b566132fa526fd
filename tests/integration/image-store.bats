#!/usr/bin/env bats
# The image store: burrow load (docker-archive, oci-archive, OCI layout, stdin), import, images, tag, rmi and image
# inspect, as podman users type them; a bad archive leaves nothing behind; concurrent loads do not corrupt the store.
# Test images are built by tests/images/mkarchive.py from small directories (and the busybox rootfs).

load helpers

setup_file() { burrow_setup_file; }

setup() {
	export BURROW_ROOT="$BATS_TEST_TMPDIR/store"
	MK="$TESTS_DIR/images/mkarchive.py"
	L1="$BATS_TEST_TMPDIR/l1"
	L2="$BATS_TEST_TMPDIR/l2"
	mkdir -p "$L1/bin" "$L2/etc"
	echo hello >"$L1/bin/hello"
	echo two >"$L2/etc/two"
}

mkarchive() {
	python3 "$MK" "$@"
}

# Nothing in the store but its empty skeleton and the lock file.
assert_store_empty() {
	local left
	left=$(cd "$BURROW_ROOT" && find . -mindepth 1 ! -name store.lock ! -path ./blobs ! -path ./blobs/sha256 \
		! -path ./images ! -path ./layers ! -path ./tmp)
	if [ -n "$left" ]; then
		echo "store not empty:" >&2
		echo "$left" >&2
		return 1
	fi
}

image_id() { # NAME
	"$BURROW" image inspect "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Id"])'
}

@test "load -i docker-archive prints podman's Loaded image line" {
	mkarchive --format docker-archive --out "$BATS_TEST_TMPDIR/d.tar" --name foo:1 --layer "$L1" --layer "$L2"
	run --separate-stderr "$BURROW" load -i "$BATS_TEST_TMPDIR/d.tar"
	assert_ok "Loaded image: localhost/foo:1"
	run --separate-stderr "$BURROW" images -q
	assert_status 0
	[ "${#lines[@]}" -eq 1 ] && [[ "${lines[0]}" =~ ^[0-9a-f]{12}$ ]]
}

@test "load -i oci-archive with gzip layers" {
	mkarchive --format oci-archive --out "$BATS_TEST_TMPDIR/o.tar" --name bar --layer "$L1" --compress gzip
	run --separate-stderr "$BURROW" load -i "$BATS_TEST_TMPDIR/o.tar"
	assert_ok "Loaded image: localhost/bar:latest"
	run --separate-stderr "$BURROW" image inspect bar
	assert_status 0
	assert_output_contains '"localhost/bar:latest"'
}

@test "load --oci-dir loads an OCI image layout" {
	mkarchive --format oci-dir --out "$BATS_TEST_TMPDIR/layout" --name quay.io/x/baz:2 --layer "$L1"
	run --separate-stderr "$BURROW" load --oci-dir "$BATS_TEST_TMPDIR/layout"
	assert_ok "Loaded image: quay.io/x/baz:2"
}

@test "load reads a gzipped archive from stdin" {
	mkarchive --format docker-archive --out "$BATS_TEST_TMPDIR/d.tar.gz" --name piped --layer "$L1" --archive-gzip
	run --separate-stderr sh -c '"$BURROW" load <"$1"' sh "$BATS_TEST_TMPDIR/d.tar.gz"
	assert_ok "Loaded image: localhost/piped:latest"
}

@test "load of the busybox rootfs as an image extracts its layer" {
	mkarchive --format docker-archive --out "$BATS_TEST_TMPDIR/bb.tar" --name busybox --layer "$ROOTFS" \
		--cmd /bin/sh
	run --separate-stderr "$BURROW" load -i "$BATS_TEST_TMPDIR/bb.tar"
	assert_ok "Loaded image: localhost/busybox:latest"
	[ -e "$BURROW_ROOT"/layers/*/diff/bin/busybox ]
}

@test "images prints podman's table" {
	mkarchive --format docker-archive --out "$BATS_TEST_TMPDIR/d.tar" --name foo:1 --layer "$L1"
	"$BURROW" load -i "$BATS_TEST_TMPDIR/d.tar" >/dev/null
	run --separate-stderr "$BURROW" images
	assert_status 0
	[[ "${lines[0]}" =~ ^REPOSITORY\ +TAG\ +IMAGE\ ID\ +CREATED\ +SIZE$ ]]
	[[ "${lines[1]}" =~ ^localhost/foo\ +1\ +[0-9a-f]{12}\ +[0-9]+\ years\ ago\ +[0-9.]+\ kB$ ]]
	run --separate-stderr "$BURROW" images --no-trunc -q
	[[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
	run --separate-stderr "$BURROW" images --format json
	assert_status 0
	echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[0]["Names"]==["localhost/foo:1"], d'
}

@test "import makes a one-layer image from a rootfs tarball and prints its id" {
	tar --owner=0 --group=0 --numeric-owner -C "$L1" -czf "$BATS_TEST_TMPDIR/rootfs.tar.gz" .
	run --separate-stderr "$BURROW" import "$BATS_TEST_TMPDIR/rootfs.tar.gz" myimg:v1
	assert_status 0
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	id=$output
	[ "$(image_id myimg:v1)" = "$id" ]
	# The diff_id is the digest of the uncompressed tar.
	want="sha256:$(gzip -dc "$BATS_TEST_TMPDIR/rootfs.tar.gz" | sha256sum | cut -d' ' -f1)"
	"$BURROW" image inspect myimg:v1 | python3 -c "import json,sys; assert json.load(sys.stdin)[0]['RootFS']['Layers']==['$want']"
}

@test "tag adds names; images are found by name, short id and localhost/ omitted" {
	mkarchive --format docker-archive --out "$BATS_TEST_TMPDIR/d.tar" --name foo:1 --layer "$L1"
	"$BURROW" load -i "$BATS_TEST_TMPDIR/d.tar" >/dev/null
	id=$(image_id foo:1)
	run --separate-stderr "$BURROW" tag foo:1 other quay.io/a/b:c
	assert_ok ""
	[ "$(image_id localhost/other:latest)" = "$id" ]
	[ "$(image_id quay.io/a/b:c)" = "$id" ]
	[ "$(image_id "${id:0:3}")" = "$id" ]
	[ "$(image_id "sha256:$id")" = "$id" ]
	run --separate-stderr "$BURROW" images
	assert_output_contains "localhost/other"
	assert_output_contains "quay.io/a/b"
}

@test "rmi untags a name, refuses an id with several names without -f, then removes everything" {
	mkarchive --format docker-archive --out "$BATS_TEST_TMPDIR/d.tar" --name foo:1 --layer "$L1" --layer "$L2"
	"$BURROW" load -i "$BATS_TEST_TMPDIR/d.tar" >/dev/null
	id=$(image_id foo:1)
	"$BURROW" tag foo:1 other
	run --separate-stderr "$BURROW" rmi other
	assert_ok "Untagged: localhost/other:latest"
	"$BURROW" tag foo:1 other
	run --separate-stderr "$BURROW" rmi "${id:0:12}"
	assert_burrow_error 125
	run --separate-stderr "$BURROW" rmi -f "${id:0:12}"
	assert_status 0
	assert_output_contains "Deleted: $id"
	assert_store_empty
}

@test "rmi removes an extracted layer whose files belong to subordinate ids" {
	require_subid
	# Owned by uid 1000 in the image: on disk by a subordinate id, which the caller cannot remove directly.
	tar --owner=1000 --group=1000 --numeric-owner -C "$L1" -cf "$BATS_TEST_TMPDIR/owned.tar" .
	run --separate-stderr "$BURROW" import "$BATS_TEST_TMPDIR/owned.tar" owned
	assert_status 0
	[ "$(stat -c %u "$BURROW_ROOT"/layers/*/diff/bin/hello)" -ne "$(id -u)" ]
	run --separate-stderr "$BURROW" rmi owned
	assert_status 0
	assert_store_empty
}

@test "rmi of an unknown image fails with one line" {
	run --separate-stderr "$BURROW" rmi nosuchimage
	assert_burrow_error 125
	assert_stderr "burrow: nosuchimage: image not known"
}

@test "rmi keeps blobs and layers another image still uses" {
	mkarchive --format docker-archive --out "$BATS_TEST_TMPDIR/a.tar" --name a --layer "$L1"
	mkarchive --format docker-archive --out "$BATS_TEST_TMPDIR/b.tar" --name b --layer "$L1" --layer "$L2"
	"$BURROW" load -i "$BATS_TEST_TMPDIR/a.tar" >/dev/null
	"$BURROW" load -i "$BATS_TEST_TMPDIR/b.tar" >/dev/null
	"$BURROW" rmi a >/dev/null
	run --separate-stderr "$BURROW" image inspect b
	assert_status 0
	for l in $(echo "$output" | python3 -c 'import json,sys; print(" ".join(x[7:] for x in json.load(sys.stdin)[0]["RootFS"]["Layers"]))'); do
		[ -d "$BURROW_ROOT/layers/$l/diff" ]
		[ -f "$BURROW_ROOT/blobs/sha256/$l" ]
	done
}

@test "image inspect prints docker-shaped fields" {
	mkarchive --format oci-archive --out "$BATS_TEST_TMPDIR/o.tar" --name insp:1 --layer "$L1" \
		--env A=1 --cmd /bin/sh --entrypoint /init --workdir /w --user 1000:1000 --label k=v --expose 80/tcp \
		--stop-signal SIGINT
	"$BURROW" load -i "$BATS_TEST_TMPDIR/o.tar" >/dev/null
	run --separate-stderr "$BURROW" image inspect insp:1
	assert_status 0
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert len(d) == 1
i = d[0]
assert len(i["Id"]) == 64 and i["RepoTags"] == ["localhost/insp:1"], i
assert i["Created"] == "2024-01-02T03:04:05Z" and i["Os"] == "linux" and i["Architecture"] and i["Size"] > 0, i
c = i["Config"]
assert c["Env"] == ["A=1"] and c["Cmd"] == ["/bin/sh"] and c["Entrypoint"] == ["/init"], c
assert c["WorkingDir"] == "/w" and c["User"] == "1000:1000" and c["Labels"] == {"k": "v"}, c
assert c["ExposedPorts"] == {"80/tcp": {}} and c["StopSignal"] == "SIGINT", c
assert i["RootFS"]["Type"] == "layers" and len(i["RootFS"]["Layers"]) == 1, i
'
}

@test "image ls, rm and tag are aliases" {
	mkarchive --format docker-archive --out "$BATS_TEST_TMPDIR/d.tar" --name foo --layer "$L1"
	run --separate-stderr "$BURROW" image load -i "$BATS_TEST_TMPDIR/d.tar"
	assert_ok "Loaded image: localhost/foo:latest"
	run --separate-stderr "$BURROW" image tag foo bar
	assert_ok ""
	run --separate-stderr "$BURROW" image ls
	assert_output_contains "localhost/bar"
	run --separate-stderr "$BURROW" image rm -f foo bar
	assert_status 0
	assert_store_empty
}

@test "a layer whose digest does not match is rejected and leaves nothing in the store" {
	for fmt in oci-archive docker-archive; do
		mkarchive --format $fmt --out "$BATS_TEST_TMPDIR/bad.tar" --name bad --layer "$L1" --layer "$L2" --bad-digest
		run --separate-stderr "$BURROW" load -i "$BATS_TEST_TMPDIR/bad.tar"
		assert_burrow_error 125
		assert_stderr_contains "digest mismatch"
		assert_store_empty
	done
}

@test "a corrupt gzip layer is rejected and leaves nothing in the store" {
	mkarchive --format oci-archive --out "$BATS_TEST_TMPDIR/cg.tar" --name cg --layer "$L1" --layer "$L2" --corrupt-gzip
	run --separate-stderr "$BURROW" load -i "$BATS_TEST_TMPDIR/cg.tar"
	assert_burrow_error 125
	assert_store_empty
}

@test "a file that is no image archive is rejected" {
	echo "not a tar" >"$BATS_TEST_TMPDIR/junk"
	run --separate-stderr "$BURROW" load -i "$BATS_TEST_TMPDIR/junk"
	assert_burrow_error 125
	run --separate-stderr "$BURROW" load -i "$BATS_TEST_TMPDIR/missing.tar"
	assert_burrow_error 125
	assert_store_empty
}

@test "two concurrent loads of one archive both succeed and store one copy" {
	head -c 8000000 /dev/urandom >"$L1/big"
	mkarchive --format docker-archive --out "$BATS_TEST_TMPDIR/big.tar" --name big --layer "$L1" --compress gzip
	"$BURROW" load -i "$BATS_TEST_TMPDIR/big.tar" >"$BATS_TEST_TMPDIR/out1" 2>&1 &
	p1=$!
	"$BURROW" load -i "$BATS_TEST_TMPDIR/big.tar" >"$BATS_TEST_TMPDIR/out2" 2>&1 &
	p2=$!
	wait $p1
	wait $p2
	[ "$(cat "$BATS_TEST_TMPDIR/out1")" = "Loaded image: localhost/big:latest" ]
	[ "$(cat "$BATS_TEST_TMPDIR/out2")" = "Loaded image: localhost/big:latest" ]
	[ "$(ls "$BURROW_ROOT/images" | wc -l)" -eq 1 ]
	# config, layer, manifest
	[ "$(ls "$BURROW_ROOT/blobs/sha256" | wc -l)" -eq 3 ]
	[ -z "$(ls "$BURROW_ROOT/tmp")" ]
}

@test "--root moves the store" {
	mkarchive --format docker-archive --out "$BATS_TEST_TMPDIR/d.tar" --name foo --layer "$L1"
	run --separate-stderr "$BURROW" --root "$BATS_TEST_TMPDIR/other" load -i "$BATS_TEST_TMPDIR/d.tar"
	assert_ok "Loaded image: localhost/foo:latest"
	[ -n "$(ls "$BATS_TEST_TMPDIR/other/images")" ]
	run --separate-stderr "$BURROW" images -q
	assert_ok ""
}

@test "invalid names and options fail with one line" {
	mkarchive --format docker-archive --out "$BATS_TEST_TMPDIR/d.tar" --name foo --layer "$L1"
	"$BURROW" load -i "$BATS_TEST_TMPDIR/d.tar" >/dev/null
	run --separate-stderr "$BURROW" tag foo UPPER
	assert_burrow_error 125
	run --separate-stderr "$BURROW" images --bogus
	assert_burrow_error 125
	run --separate-stderr "$BURROW" load </dev/null
	assert_burrow_error 125
}
