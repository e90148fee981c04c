#!/bin/sh
# `make bench`: runs every tests/bench/bench-*.sh.  Each prints its figures
# as ratios against the anchor tool run on the same input in the same run.
top=$(cd "$(dirname "$0")/../.." && pwd)
export HACON_TOP="$top" HACON="$top/build/hacon" LC_ALL=C TZ=UTC
rc=0
for b in "$top"/tests/bench/bench-*.sh; do
    [ -x "$b" ] || continue
    echo "== $(basename "$b" .sh)"
    "$b" || rc=1
    echo
done
exit $rc
