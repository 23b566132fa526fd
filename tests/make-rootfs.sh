#!/bin/sh
# make-rootfs.sh DIR: build a minimal busybox root filesystem in DIR (created if missing).
#
# DIR/bin/busybox is a copy of Debian's static busybox, with one symlink per applet; /sbin, /usr/bin and /usr/sbin
# point at /bin so that every PATH entry resolves. Runs as any user, takes well under a second.
set -eu

if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi
dir=$1
busybox=${BUSYBOX:-/bin/busybox}

if ! "$busybox" --list >/dev/null 2>&1; then
	echo "make-rootfs.sh: $busybox is not a usable busybox (install busybox-static)" >&2
	exit 1
fi
# A dynamically linked busybox would need the host's libc inside the rootfs.
if command -v file >/dev/null 2>&1 && ! file -L "$busybox" | grep -q 'statically linked'; then
	echo "make-rootfs.sh: $busybox is not statically linked (install busybox-static)" >&2
	exit 1
fi

umask 022
mkdir -p "$dir"
cd "$dir"
mkdir -p bin etc home/user root proc sys dev tmp var/tmp run usr
chmod 1777 tmp var/tmp
chmod 0700 root
cp "$busybox" bin/busybox
chmod 0755 bin/busybox

# One symlink per applet, created by busybox itself in a single process (a fork per link would be ~0.3 s).
# "busybox --install -s" would point the links at the host's absolute path, so build them with a shell loop inside one
# busybox ash instead: "ln" is an applet, run as a NOFORK builtin, without a fork per link.
"$busybox" --list | (cd bin && BB_NOFORK=1 "$busybox" ash -c '
	while read -r applet; do
		[ "$applet" = busybox ] && continue
		[ -e "$applet" ] || [ -L "$applet" ] || ln -s busybox "$applet"
	done')

for link in sbin:bin usr/bin:../bin usr/sbin:../bin; do
	name=${link%%:*}
	[ -L "$name" ] || ln -s "${link#*:}" "$name"
done

cat >etc/passwd <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >etc/group <<'GROUP'
root:x:0:
tty:x:5:
user:x:1000:
extra:x:1500:user
nogroup:x:65534:
GROUP
: >etc/hosts
: >etc/resolv.conf
