#!/bin/sh
# The console's memory over a day of a busy DHCP server (item of
# tests/bench/bench-soak.sh, which `make bench` runs and which this test
# runs with the same day): a 200,000-lease file (61 MB) followed over ssh,
# 24 cycles of an hour of dhcpd each (50 leases appended, then the file
# rewritten whole with 50 more and renamed over the old one: read whole
# again).
#
# The bounds: after the second cycle the heap is at its working size (the
# table of leases, one read's buffer and its parse: 224 MB measured with
# the transcript bounded); over the 22 cycles after it the RSS grows by at
# most 32 MB in all, half a copy of the lease file (measured: 1.1 MB; a
# whole read kept, as an unbounded transcript keeps each, adds 61 MB per
# cycle); and it never passes 512 MB.  SOAK_CYCLES fewer cycles, for a
# quick look.
. "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
tap_need_cmd tmux cc awk
[ -x "$HACON" ] || tap_skip_all "no $HACON (run make)"
out=$(mktemp /tmp/hc-t-soak.XXXXXX)
log=$(mktemp /tmp/hc-t-soak-log.XXXXXX)
trap 'rm -f "$out" "$log"' EXIT
trap 'exit 1' INT TERM
cycles=${SOAK_CYCLES:-24}

if SOAK_OUT=$out SOAK_CYCLES=$cycles "$HACON_TOP/tests/bench/bench-soak.sh" \
    > "$log" 2>&1 && [ -s "$out" ]; then
    tap_ok "the console followed the file over ssh for $cycles cycles"
else
    tap_fail "the soak ran"; sed 's/^/#   /' "$log"
    tap_done
fi
sed 's/^/#   /' "$log"
v() { awk -v k="$1" '$1 == k { print $2 }' "$out"; }
grow=$(( $(v last) - $(v base) ))
tap_check "RSS grew by $grow kB over cycles 3-$cycles (at most 32768 kB)" \
    test "$grow" -le 32768
tap_check "largest RSS $(v max) kB (at most 524288 kB)" \
    test "$(v max)" -le 524288
tap_done
