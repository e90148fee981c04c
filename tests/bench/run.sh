#!/bin/sh
# make bench: runs every tests/bench/bench-*.sh; each prints its figures.
top=$(cd "$(dirname "$0")/../.." && pwd)
export HACON_TOP="$top" HACON="$top/build/hacon" LC_ALL=C TZ=UTC
rc=0
for b in "$top"/tests/bench/bench-*.sh; do
    [ -x "$b" ] || continue
    echo "== $(basename "$b")"
    "$b" || rc=1
done
exit $rc
