#!/usr/bin/env bats
# burrow doctor against host conditions only root can make: no subuid line, a small or overlapping range, newuidmap
# without setuid, /dev/fuse and /dev/net/tun closed, the user namespace knobs off, a systemd host without a user bus
# or lingering. tests/run runs doctor-root-* files as root. Each test makes its condition inside a private mount
# namespace (bind mounts over the real files), runs `burrow doctor` there as a test user, and the namespace ends with
# it: the host's files are never edited, so there is nothing to restore, even when a test is killed. The tests check
# that too (the real files are unchanged afterwards).

load helpers

TEST_USER=${BURROW_TEST_USER:-burrowtest}
NOSUB_USER=${BURROW_NOSUB_USER:-burrownosub}

setup_file() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (tests/run runs doctor-root-* files as root)"
	id -u "$TEST_USER" >/dev/null && id -u "$NOSUB_USER" >/dev/null
	# What the host had before: compared after every test.
	export SAVED="$BATS_FILE_TMPDIR/saved"
	mkdir -p "$SAVED"
	for f in /etc/subuid /etc/subgid; do cp -p "$f" "$SAVED/$(basename "$f")" 2>/dev/null || true; done
	stat -c '%a %U %F' /dev/fuse /dev/net/tun /usr/bin/newuidmap /usr/bin/newgidmap >"$SAVED/modes" 2>/dev/null || true
}

setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	# The test users must reach what a test makes here (a store, a socket): not under bats' private 0700 tmpdir.
	T=$(mktemp -d /tmp/burrow-doctor-root.XXXXXX)
	chmod 0755 "$T"
}

teardown() {
	[ "$(id -u)" -eq 0 ] || return 0
	rm -rf "$T"
	# The conditions were made in a namespace: the host must look exactly as before.
	for f in /etc/subuid /etc/subgid; do
		[ ! -e "$SAVED/$(basename "$f")" ] || cmp "$SAVED/$(basename "$f")" "$f"
	done
	stat -c '%a %U %F' /dev/fuse /dev/net/tun /usr/bin/newuidmap /usr/bin/newgidmap 2>/dev/null | cmp - "$SAVED/modes"
}

# doctor_as USER SETUP [DOCTOR ARGS...]: in a private mount namespace, SETUP (sh, as root) changes what the host looks
# like; then `burrow doctor ARGS` runs there as USER with the environment tests/run gives the test users (plus
# $DOCTOR_ENV, words VAR=VALUE). bats' `run`, stderr apart.
doctor_as() {
	local user=$1 setup=$2 uid home
	shift 2
	uid=$(id -u "$user")
	home=$(getent passwd "$user" | cut -d: -f6)
	run --separate-stderr unshare --mount --propagation private sh -euc "$setup
setpriv --reuid=$user --regid=$user --init-groups env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=$home USER=$user \
	LOGNAME=$user XDG_RUNTIME_DIR=/run/user/$uid ${DOCTOR_ENV:-} \"\$@\"" sh "$BURROW" doctor "$@"
}

line_of() { printf '%s\n' "$output" | awk -v id="$1" '$2 == id { print; exit }'; }

assert_check() { # ID STATUS [MESSAGE-PART]
	local line
	line=$(line_of "$1")
	if [ "$(echo "$line" | awk '{print $1}')" != "$2" ] || [[ "$line" != *"${3:-}"* ]]; then
		echo "expected $1 to be $2${3:+ with \"$3\"}, got: ${line@Q}" >&2
		_show
		return 1
	fi
}

assert_fix() { # ID FIX-PART
	local fix
	fix=$(printf '%s\n' "$output" | awk -v id="$1" 'found { print; exit } $2 == id { found = 1 }')
	[[ "$fix" == *"fix: "*"$2"* ]] || { echo "expected the fix of $1 to contain ${2@Q}, got ${fix@Q}" >&2; _show; false; }
}

# The test user's own subid lines (by name or uid) and none of the others'.
own_lines() { # FILE USER
	grep -E "^($2|$(id -u "$2")):" "$1" || true
}

@test "idmap.range warns and names usermod when the user's /etc/subuid and /etc/subgid lines are gone" {
	grep -vE "^($TEST_USER|$(id -u "$TEST_USER")):" /etc/subuid >"$T/subuid" || true
	grep -vE "^($TEST_USER|$(id -u "$TEST_USER")):" /etc/subgid >"$T/subgid" || true
	doctor_as "$TEST_USER" "mount --bind $T/subuid /etc/subuid; mount --bind $T/subgid /etc/subgid" idmap.range
	assert_status 0
	assert_check idmap.range warn "$TEST_USER has no subordinate uid or gid range"
	assert_fix idmap.range "sudo usermod --add-subuids "
	assert_fix idmap.range " $TEST_USER"
	# And with them: ok.
	doctor_as "$TEST_USER" "" idmap.range
	assert_check idmap.range ok "$TEST_USER has subordinate uids"
}

@test "idmap.size warns about a range smaller than 65536" {
	{ cat /etc/subuid; echo "$NOSUB_USER:4000000000:1000"; } >"$T/subuid"
	{ cat /etc/subgid; echo "$NOSUB_USER:4000000000:1000"; } >"$T/subgid"
	doctor_as "$NOSUB_USER" "mount --bind $T/subuid /etc/subuid; mount --bind $T/subgid /etc/subgid" idmap.range idmap.size
	assert_status 0
	assert_check idmap.range ok "uids 4000000000-4000000999"
	assert_check idmap.size warn "has 1000 subordinate uids and 1000 gids, fewer than 65536"
	assert_fix idmap.size "sudo usermod --add-subuids "
}

@test "idmap.overlap passes when no other range overlaps and warns naming the other user when one does" {
	local start
	own_lines /etc/subuid "$TEST_USER" >"$T/subuid"
	own_lines /etc/subgid "$TEST_USER" >"$T/subgid"
	start=$(head -n 1 "$T/subuid" | cut -d: -f2)
	[ -n "$start" ] || skip "$TEST_USER has no range"
	doctor_as "$TEST_USER" "mount --bind $T/subuid /etc/subuid; mount --bind $T/subgid /etc/subgid" idmap.overlap
	assert_check idmap.overlap ok "no other user's range"
	echo "doctorother:$((start + 100)):10" >>"$T/subuid"
	doctor_as "$TEST_USER" "mount --bind $T/subuid /etc/subuid; mount --bind $T/subgid /etc/subgid" idmap.overlap
	assert_status 0
	assert_check idmap.overlap warn "overlap doctorother's (/etc/subuid: doctorother:$((start + 100)):10)"
	assert_fix idmap.overlap "sudo usermod --del-subuids $start-"
}

@test "idmap.newuidmap and idmap.newgidmap fail without setuid for a user with a range, warn for one without" {
	local nu ng
	doctor_as "$TEST_USER" "" idmap.newuidmap idmap.newgidmap
	assert_check idmap.newuidmap ok "is setuid root"
	nu=$(line_of idmap.newuidmap | awk '{print $3}')
	ng=$(line_of idmap.newgidmap | awk '{print $3}')
	cp "$nu" "$T/newuidmap"
	cp "$ng" "$T/newgidmap"
	chmod 0755 "$T/newuidmap" "$T/newgidmap"
	doctor_as "$TEST_USER" "mount --bind $T/newuidmap $nu; mount --bind $T/newgidmap $ng" idmap.newuidmap idmap.newgidmap
	assert_status 1
	assert_check idmap.newuidmap fail "$nu is neither setuid root nor has file capabilities"
	assert_check idmap.newgidmap fail "$ng is neither setuid root"
	assert_fix idmap.newuidmap "sudo chown root $nu && sudo chmod u+s $nu"
	doctor_as "$NOSUB_USER" "mount --bind $T/newuidmap $nu" idmap.newuidmap
	assert_status 0
	assert_check idmap.newuidmap warn "needed once you have a subordinate range"
}

@test "storage.fuse warns with the chmod fix when /dev/fuse is not usable" {
	[ -e /dev/fuse ] || skip "no /dev/fuse"
	mknod -m 0600 "$T/fuse" c 10 229
	doctor_as "$TEST_USER" "" storage.fuse
	assert_check storage.fuse ok
	doctor_as "$TEST_USER" "mount --bind $T/fuse /dev/fuse" storage.fuse
	assert_status 0
	assert_check storage.fuse warn "/dev/fuse is not readable and writable by this user"
	assert_fix storage.fuse "sudo chmod 0666 /dev/fuse"
}

@test "storage.overlay warns when neither the kernel's overlay nor fuse-overlayfs works for the store" {
	mknod -m 0600 "$T/fuse" c 10 229
	mkdir -p "$T/ov/lower" "$T/ov/upper" "$T/ov/work" "$T/ov/merged"
	DOCTOR_ENV="BURROW_ROOT=$T/ov/merged/store" doctor_as "$TEST_USER" "
		mount -t overlay overlay -o lowerdir=$T/ov/lower,upperdir=$T/ov/upper,workdir=$T/ov/work $T/ov/merged
		chown $TEST_USER $T/ov/merged
		mount --bind $T/fuse /dev/fuse" storage.overlay storage.fuse storage.filesystem
	assert_status 0
	assert_check storage.overlay warn "fuse-overlayfs cannot be used: images are copied for every container (vfs, slow)"
	assert_check storage.filesystem warn "is on overlayfs"
	assert_fix storage.overlay "[storage] root ="
}

@test "network.tun warns with the chmod fix when /dev/net/tun is not usable" {
	[ -e /dev/net/tun ] || skip "no /dev/net/tun"
	mknod -m 0600 "$T/tun" c 10 200
	doctor_as "$TEST_USER" "" network.tun
	assert_check network.tun ok
	doctor_as "$TEST_USER" "mount --bind $T/tun /dev/net/tun" network.tun
	assert_status 0
	assert_check network.tun warn "/dev/net/tun cannot be opened (Permission denied)"
	assert_fix network.tun "sudo chmod 0666 /dev/net/tun"
}

@test "userns.max_user_namespaces fails with the sysctl fix when it is 0" {
	echo 0 >"$T/max"
	doctor_as "$TEST_USER" "mount --bind $T/max /proc/sys/user/max_user_namespaces" userns.max_user_namespaces
	assert_status 1
	assert_check userns.max_user_namespaces fail "user.max_user_namespaces is 0"
	assert_fix userns.max_user_namespaces "sudo sysctl -w user.max_user_namespaces="
	echo 15000 >"$T/max"
	doctor_as "$TEST_USER" "mount --bind $T/max /proc/sys/user/max_user_namespaces" userns.max_user_namespaces
	assert_status 0
	assert_check userns.max_user_namespaces ok "is 15000"
}

@test "userns.unprivileged_userns_clone (Debian) and userns.apparmor (Ubuntu) fail and warn when they restrict" {
	mkdir "$T/kernel"
	echo 0 >"$T/kernel/unprivileged_userns_clone"
	echo 1 >"$T/kernel/apparmor_restrict_unprivileged_userns"
	doctor_as "$TEST_USER" "mount --bind $T/kernel /proc/sys/kernel" userns.unprivileged_userns_clone userns.apparmor
	assert_status 1
	assert_check userns.unprivileged_userns_clone fail "is 0: only root may create user namespaces"
	assert_fix userns.unprivileged_userns_clone "sudo sysctl -w kernel.unprivileged_userns_clone=1"
	assert_check userns.apparmor warn "is 1: user namespaces work only for programs whose AppArmor profile allows them"
	assert_fix userns.apparmor "userns,"
	echo 1 >"$T/kernel/unprivileged_userns_clone"
	echo 0 >"$T/kernel/apparmor_restrict_unprivileged_userns"
	doctor_as "$TEST_USER" "mount --bind $T/kernel /proc/sys/kernel" userns.unprivileged_userns_clone userns.apparmor
	assert_status 0
	assert_check userns.unprivileged_userns_clone ok "is 1"
	assert_check userns.apparmor ok "is 0"
}

@test "on a systemd host session.systemd needs a user bus and session.linger the user's linger file" {
	local systemd_fake="mount -t tmpfs tmpfs /run/systemd; mkdir /run/systemd/system
		mount -t tmpfs tmpfs /var/lib/systemd; mkdir /var/lib/systemd/linger"
	[ -d /var/lib/systemd ] || skip "no /var/lib/systemd to stand in for"
	DOCTOR_ENV="DBUS_SESSION_BUS_ADDRESS=unix:path=$T/nobus" doctor_as "$TEST_USER" "$systemd_fake" session
	assert_status 0
	assert_check session.systemd warn "no systemd user bus at $T/nobus"
	assert_fix session.systemd "sudo loginctl enable-linger $TEST_USER"
	assert_check session.linger warn "lingering is off for $TEST_USER"
	assert_fix session.linger "loginctl enable-linger $TEST_USER"
	# A listening socket stands in for the bus (doctor only connects); lingering on.
	DOCTOR_ENV="DBUS_SESSION_BUS_ADDRESS=unix:path=$T/bus" doctor_as "$TEST_USER" "$systemd_fake
		touch /var/lib/systemd/linger/$TEST_USER
		python3 -c 'import socket, os, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o777); s.listen(4)
open(sys.argv[1] + \".ready\", \"w\").close(); time.sleep(20)' $T/bus &
		listener=\$!
		trap 'kill \$listener' EXIT
		while [ ! -e $T/bus.ready ]; do sleep 0.05; done" session.systemd session.linger
	assert_status 0
	assert_check session.systemd ok "the user bus answers at $T/bus"
	assert_check session.linger ok "lingering is on for $TEST_USER"
}
