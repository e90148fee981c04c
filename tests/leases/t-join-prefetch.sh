#!/bin/sh
# The joins of a split read (a large lease file read by two threads)
# prefetch the index slot and the lease of each row ahead of it: in a
# large table both are cache misses (without them, the read of
# tests/bench's 74 MB dhcpd file took 50.0 ms instead of 48.3).  GCC drops a call to a function that only
# prefetches when it does not inline it, silently: the built code is
# checked, both joins.
. "${HACON_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
tap_need_cmd objdump
o=$HACON_TOP/build/core/leases_table.o
[ -f "$o" ] || tap_skip_all "build/core/leases_table.o not built"

for fn in hc__lease_join_rows hc__lease_join_log; do
    n=$(objdump -d --no-show-raw-insn "$o" \
        | awk -v f="<$fn>:" '$2 == f { on = 1; next } on && /^$/ { exit }
                             on && /prefetch/ { n++ } END { print n + 0 }')
    # One for the slot, two for the lease (its two cache lines).
    tap_check "$fn prefetches the slot and the lease ahead ($n prefetches)" \
        [ "$n" -ge 3 ]
done
tap_done
