# Shared by the security-*.bats files: a rootfs with the escape prober in it, and a way to run one probe.
#
#   load helpers
#   load security-helpers
#   setup_file() { security_setup_file; }
#
# burrow-escape (tests/escape/escape.c) is a static program built next to burrow: $BURROW_ESCAPE, or
# $(dirname "$BURROW")/tests/escape/burrow-escape. It prints one line "PROBE ok", "PROBE errno=NAME" or
# "PROBE denied ...".

: "${BURROW_ESCAPE:=$(dirname "$BURROW")/tests/escape/burrow-escape}"
export BURROW_ESCAPE

# podman's default capability set for root: CHOWN DAC_OVERRIDE FOWNER FSETID KILL NET_BIND_SERVICE SETFCAP SETGID
# SETPCAP SETUID SYS_CHROOT, as in /proc/PID/status.
DEFAULT_CAPS=00000000800405fb

security_setup_file() {
	burrow_setup_file || return 1
	if [ ! -x "$BURROW_ESCAPE" ]; then
		echo "burrow-escape not found at $BURROW_ESCAPE (build it, or set BURROW_ESCAPE)" >&2
		return 1
	fi
	cp "$BURROW_ESCAPE" "$ROOTFS/bin/burrow-escape"
}

# escape [RUN OPTIONS...] -- PROBE [ARG]: run one probe; its line in $output, the run's status in $status.
escape() {
	local opts=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	burrow_run "${opts[@]}" -- burrow-escape "$@"
}

# assert_probe LINE: the probe printed exactly LINE and burrow printed nothing.
assert_probe() {
	assert_output "$1"
	assert_stderr ""
	local verdict=${1#* }
	case ${verdict%% *} in
	ok) assert_status 0 ;;
	*) assert_status 1 ;;
	esac
}

# assert_probe_matches REGEX: the probe's line matches REGEX and burrow printed nothing (for answers that depend on
# how the kernel was built).
assert_probe_matches() {
	assert_output_matches "$1"
	assert_stderr ""
}

# The capability mask of everything this kernel knows.
all_caps_hex() {
	printf '%016x' $(((1 << ($(cat /proc/sys/kernel/cap_last_cap) + 1)) - 1))
}

# The value of KEY in the probe's "caps" line (CapEff, NoNewPrivs, Seccomp, ...).
caps_field() {
	local word
	for word in $output; do
		case $word in "$1="*) echo "${word#*=}" ;; esac
	done
}

# A marker command for "nothing was started": creates /marker in the rootfs.
assert_not_started() {
	if [ -e "$ROOTFS/marker" ]; then
		rm -f "$ROOTFS/marker"
		echo "the command ran although burrow reported an error" >&2
		_show
		return 1
	fi
}
