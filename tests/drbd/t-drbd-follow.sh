#!/bin/sh
# hacon drbd --follow when drbdsetup events2 misbehaves: a child that never
# finishes its initial dump is killed after the deadline and started again;
# a child that dies is started again (with growing back-off) and its new
# dump rebuilds the model.  No child outlives hacon.
. "${HACON_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
[ -x "$HACON" ] || tap_skip_all "build/hacon not built (make)"
bin=$HACON_TOP/tests/drbd/bin
tmp=$(mktemp -d /tmp/hacon-drbd-follow.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

HACON_TEST_PIDS=$tmp/pids timeout 20 "$HACON" drbd --follow --timeout 6 --dump-deadline 1 \
    --drbdsetup "$bin/drbdsetup-hangs" > "$tmp/hangs.out" 2> "$tmp/hangs.err"
n=$(grep -c '^! drbdsetup events2: no initial dump in time' "$tmp/hangs.out")
tap_check "a child without a dump is restarted after the deadline ($n times in 6 s)" \
    [ "$n" -ge 2 ]
tap_check "nothing is shown from a dump that did not end" \
    sh -c "! grep -q '^r0/' '$tmp/hangs.out'"
tap_check "--timeout ends the follower with status 1" grep -q 'timeout reached' "$tmp/hangs.err"
left=""
for p in $(cat "$tmp/pids"); do kill -0 "$p" 2> /dev/null && left="$left $p"; done
tap_check "no child left behind ($(wc -l < "$tmp/pids") started)" [ -z "$left" ]
for p in $left; do kill "$p"; done

timeout 20 "$HACON" drbd --follow --timeout 4 \
    --drbdsetup "$bin/drbdsetup-dies" > "$tmp/dies.out" 2> /dev/null
n=$(grep -c '^! drbdsetup events2 ended' "$tmp/dies.out")
# Back-off 0.5, 1, 2 s...: deaths near 0, 0.5, 1.5 and 3.5 s.
tap_check "a child that dies is restarted ($n times in 4 s, with back-off)" \
    sh -c "[ $n -ge 2 ] && [ $n -le 4 ]"
tap_check "each new dump rebuilds the model" \
    sh -c "[ \$(grep -c '^r0/0 Primary/Secondary UpToDate/UpToDate Connected Established' '$tmp/dies.out') -ge 2 ]"
tap_done
