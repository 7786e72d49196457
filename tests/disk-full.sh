#!/usr/bin/env bash
# A full disk gives a clear error (exit 1, "No space left") and leaves no half-written run
# folder behind. Needs root (it mounts a tiny tmpfs); run by .ci/run after the build.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/reformsim
mnt="$(mktemp -d)"
trap 'umount "$mnt" 2>/dev/null || true; rmdir "$mnt"' EXIT
mount -t tmpfs -o size=64k tmpfs "$mnt"

set +e
err="$("$bin" run tests/data/small-city.toml --quiet --out "$mnt/run" 2>&1)"; rc=$?
set -e
echo "run on a full disk: exit $rc: $err"
[ "$rc" = 1 ] || { echo "expected exit 1"; exit 1; }
grep -q "No space left" <<<"$err" || { echo "expected a 'No space left' error"; exit 1; }
left="$(ls -A "$mnt")"
[ -z "$left" ] || { echo "left behind on the full disk: $left"; exit 1; }

set +e
err="$("$bin" sweep tests/data/small-sweep.toml --quiet --no-charts --out "$mnt/sweep" --jobs 1 2>&1 >/dev/null)"; rc=$?
set -e
echo "a sweep that still fits: exit $rc"
[ "$rc" = 0 ] || { echo "expected the small sweep to fit in 64 kB (its tables and workbook.xlsx): $err"; exit 1; }
umount "$mnt"
mount -t tmpfs -o size=4k tmpfs "$mnt"
set +e
err="$("$bin" sweep tests/data/small-sweep.toml --quiet --no-charts --out "$mnt/sweep" --jobs 1 2>&1 >/dev/null)"; rc=$?
set -e
echo "sweep on a full disk: exit $rc: $err"
[ "$rc" = 1 ] || { echo "expected exit 1"; exit 1; }
grep -q "No space left" <<<"$err" || { echo "expected a 'No space left' error"; exit 1; }
# Whatever was published is whole: runs.csv, if there, has every run; no temporary file is left.
runs=$("$bin" sweep tests/data/small-sweep.toml --plan | sed -n 's/.*= \([0-9]*\) runs.*/\1/p')
if [ -e "$mnt/sweep/runs.csv" ]; then
  lines=$(wc -l < "$mnt/sweep/runs.csv")
  [ "$lines" = $((runs + 1)) ] || { echo "runs.csv has $lines lines, expected $((runs + 1))"; exit 1; }
fi
! ls -A "$mnt/sweep" | grep -q "tmp" || { echo "temporary files left: $(ls -A "$mnt/sweep")"; exit 1; }
echo "disk-full checks passed"
