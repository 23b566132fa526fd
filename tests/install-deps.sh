#!/bin/sh
# install-deps.sh: install (as root) every Debian 12 package that building and testing burrow needs.
# Idempotent: when everything is already installed it does nothing. Quiet: apt's output goes to a log file that is
# printed only when something fails.
set -eu

packages="
	build-essential meson ninja-build pkg-config
	clang libclang-rt-14-dev
	libcap-dev libseccomp-dev libjson-c-dev libsubid-dev libarchive-dev nettle-dev
	fuse-overlayfs fuse3
	uidmap passwd scdoc
	bats busybox-static util-linux procps python3 python3-jsonschema iproute2 file user-mode-linux
	bubblewrap crun hyperfine
	libslirp-dev dnsmasq-base iperf3 socat curl slirp4netns
	libsystemd-dev dbus dbus-user-session systemd
	podman conmon python3-jsonschema
"

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps.sh: must run as root" >&2
	exit 1
fi

missing=
for package in $packages; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
	[ "$status" = installed ] || missing="$missing $package"
done
if [ -z "$missing" ]; then
	echo "install-deps.sh: all packages already installed"
	exit 0
fi

log=${INSTALL_DEPS_LOG:-/tmp/burrow-install-deps.log}
: >"$log"
export DEBIAN_FRONTEND=noninteractive
echo "install-deps.sh: installing$missing (log: $log)"
if ! { apt-get update -q && apt-get install -y -q --no-install-recommends $missing; } >>"$log" 2>&1; then
	echo "install-deps.sh: apt-get failed; log follows" >&2
	cat "$log" >&2
	exit 1
fi
echo "install-deps.sh: done"
