#!/bin/sh
# `make bench`: runs every tests/bench/bench-*.sh in turn; each prints its
# own table.  Exit status: 1 when any benchmark failed to run.
top=$(cd "$(dirname "$0")/../.." && pwd)
export HACON_TOP="$top" HACON="$top/build/hacon" LC_ALL=C TZ=UTC
st=0
for b in "$top"/tests/bench/bench-*.sh; do
    [ -x "$b" ] || continue
    echo "== ${b##*/}"
    "$b" < /dev/null
    rc=$?
    case $rc in
        0) ;;
        77) echo "(skipped)" ;;
        *) st=1 ;;
    esac
done
exit $st
