#!/bin/sh
# Runs every fuzz target for SECONDS from its seed corpus; prints "ok fuzz-xxx" or "not ok fuzz-xxx" per target and
# exits non-zero when any target crashed (the crashing input is kept and named in the log).
# Usage: tests/fuzz/run-short.sh BUILDDIR SECONDS
set -u

if [ $# -ne 2 ]; then
        echo "usage: $0 BUILDDIR SECONDS" >&2
        exit 2
fi
builddir=$1
seconds=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/burrow-fuzz.XXXXXX") || exit 2
# Every target has a seed corpus directory named after it.
targets=$(cd "$here/corpus" && ls -d fuzz-*)
failed=0

for t in $targets; do
        bin=$builddir/tests/fuzz/$t
        if [ ! -x "$bin" ]; then
                echo "not ok $t # not built (meson setup -Dfuzz=true with CC=clang)"
                failed=1
                continue
        fi
        # New inputs go to a scratch corpus; the seeds in the source tree are only read.
        mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
        if "$bin" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
                -artifact_prefix="$work/$t/artifacts/" "$work/$t/corpus" "$here/corpus/$t" \
                >"$work/$t/log" 2>&1; then
                echo "ok $t"
        else
                echo "not ok $t"
                sed 's/^/#   /' "$work/$t/log" | tail -n 40
                for a in "$work/$t/artifacts"/*; do
                        [ -e "$a" ] && echo "#   crashing input kept: $a"
                done
                failed=1
        fi
done

if [ $failed -eq 0 ]; then
        rm -rf "$work"
fi
exit $failed
