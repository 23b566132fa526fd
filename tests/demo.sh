#!/bin/bash
# demo.sh: build a busybox root filesystem and show what a burrow container looks like from inside (id, uid_map,
# hostname, ps).
#
# burrow is for unprivileged users, so run this as one. Run as root (e.g. with sudo), it runs the demo as the user
# $DEMO_USER (default: burrowdemo), first creating that user and giving it a subordinate uid/gid range when it has
# none; running it again reuses both.
#
# Environment: BURROW   the binary (default: build/burrow next to this script's directory)
#              DEMO_USER the unprivileged user to use when run as root (default: burrowdemo)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(dirname "$here")
burrow=${BURROW:-$top/build/burrow}
demo_user=${DEMO_USER:-burrowdemo}
subid_count=65536

# What the container runs. Kept on one line per step so that the output reads like a transcript.
inside='echo "-- id";       id
echo "-- uid_map";  cat /proc/self/uid_map
echo "-- gid_map";  cat /proc/self/gid_map
echo "-- hostname"; hostname
echo "-- ps";       ps'

die() {
	echo "demo.sh: $*" >&2
	exit 1
}

[ -x "$burrow" ] || die "no burrow binary at $burrow: build it first (meson setup build && ninja -C build) or set BURROW"
[ -x "$here/make-rootfs.sh" ] || die "missing $here/make-rootfs.sh"

# has_subids FLAG USER: whether USER has a range in /etc/subuid (FLAG "") or /etc/subgid (FLAG "-g"). getsubids asks
# libsubid, as burrow does, so ranges from other nsswitch sources count; without it, read the file.
has_subids() {
	local flag=$1 user=$2 file=/etc/subuid
	[ "$flag" = -g ] && file=/etc/subgid
	if command -v getsubids >/dev/null 2>&1; then
		getsubids ${flag:+"$flag"} "$user" >/dev/null 2>&1
	else
		grep -q -e "^$user:" -e "^$(id -u "$user"):" "$file" 2>/dev/null
	fi
}

# First id above every range already delegated in /etc/subuid and /etc/subgid (at least 100000), so that a new
# range overlaps no one's.
free_subid_start() {
	cat /etc/subuid /etc/subgid 2>/dev/null |
		awk -F: 'BEGIN { end = 100000 }
			NF == 3 && $2 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/ && $2 + $3 > end { end = $2 + $3 }
			END { printf "%d\n", end }'
}

# Creates the demo user and its subordinate ranges when missing (idempotent).
ensure_demo_user() {
	if ! id -u "$demo_user" >/dev/null 2>&1; then
		echo "demo.sh: creating user $demo_user"
		useradd --create-home --shell /bin/sh "$demo_user"
	fi
	local add=() start end
	start=$(free_subid_start)
	end=$((start + subid_count - 1))
	has_subids "" "$demo_user" || add+=(--add-subuids "$start-$end")
	has_subids -g "$demo_user" || add+=(--add-subgids "$start-$end")
	if [ ${#add[@]} -gt 0 ]; then
		echo "demo.sh: giving $demo_user subordinate ids $start-$end"
		usermod "${add[@]}" "$demo_user"
	fi
}

work=$(mktemp -d "${TMPDIR:-/tmp}/burrow-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT

run_as=()
if [ "$(id -u)" -eq 0 ]; then
	command -v setpriv >/dev/null 2>&1 || die "setpriv (util-linux) is needed to drop root"
	ensure_demo_user
	# The checkout may sit in a directory the demo user cannot enter (/root): give it its own copy of the binary.
	cp "$burrow" "$work/burrow"
	chmod 0755 "$work/burrow"
	burrow=$work/burrow
	run_as=(setpriv --reuid="$demo_user" --regid="$demo_user" --init-groups --reset-env --)
fi

"$here/make-rootfs.sh" "$work/rootfs"
[ ${#run_as[@]} -eq 0 ] || chown -R "$demo_user:" "$work"
cd "$work"

echo "== on the host"
"${run_as[@]}" sh -c 'id; echo "subordinate uids: $(getsubids "$(id -un)" 2>/dev/null || echo none)"'
echo "== $(basename "$burrow") run --rootfs $work/rootfs sh -c '...'"
status=0
"${run_as[@]}" "$burrow" run --rootfs "$work/rootfs" sh -c "$inside" || status=$?
echo "== burrow exited with status $status"
exit "$status"
