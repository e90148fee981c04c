#!/bin/sh
# The follower against the real dhcpd: `hacon leases --follow` watches the
# lease file while real udhcpc clients get leases (appends: read
# incrementally) and while dhcpd restarts (its rewrite: read again); then
# the one-shot report of the live file equals dhcpd-pools.
. "${HACON_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
tap_need_root
tap_need_cmd dhcpd busybox ip timeout
[ -x "$HACON" ] || tap_skip_all "build/hacon not built"
. "$HACON_TOP/tests/leases/dhcpns.sh"
dhcpns_die() { tap_fail "$*"; dhcpns_cleanup; tap_done; }
fpid=
cleanup() {
    [ -n "$fpid" ] && kill "$fpid" 2>/dev/null
    dhcpns_cleanup
}
trap cleanup EXIT INT TERM
dhcpns_setup
start_dhcpd

"$HACON" leases --follow --interval=50 --leases "$work/dhcpd.leases" \
    --config "$work/dhcpd.conf" > "$work/follow.log" 2> "$work/follow.err" &
fpid=$!

# wait_follow PATTERN: the follower's last line matches within 20 s.
wait_follow() {
    i=0
    while [ $i -lt 200 ]; do
        tail -n 1 "$work/follow.log" 2>/dev/null | grep -q "$1" && return 0
        i=$((i + 1))
        sleep 0.1
    done
    echo "# last line: $(tail -n 1 "$work/follow.log")"
    return 1
}

tap_check "follower starts on the empty file" wait_follow " 0 records"
client 02:00:00:00:01:01 -x hostname:live-one
tap_check "a new lease is seen" wait_follow " 1 active"
client 02:00:00:00:01:02 -x hostname:live-two
client 02:00:00:00:01:03 -x 0x0c:1b5b324a
tap_check "three leases, read as appends (one full read)" \
    wait_follow " 3 active, 0 errors, 1 full reads"
client 02:00:00:00:01:01 -x hostname:live-one
tap_check "a renewal adds a record, not an address" \
    wait_follow "4 records, 3 addresses, 3 active"
stop_dhcpd
start_dhcpd
tap_check "dhcpd's rewrite at start is read again, same leases" \
    wait_follow "3 addresses, 3 active, 0 errors, 2 full reads"

(cd "$work" && "$HACON" leases --format=json --leases dhcpd.leases \
    --config dhcpd.conf) > "$work/hc.json"
if command -v dhcpd-pools > /dev/null && command -v python3 > /dev/null; then
    (cd "$work" && dhcpd-pools -c dhcpd.conf -l dhcpd.leases -f c) \
        > "$work/dp.csv"
    if python3 "$HACON_TOP/tests/leases/oracle.py" live "$work/hc.json" \
            "$work/dp.csv" > "$work/oracle"; then
        tap_ok "live file: usage equals dhcpd-pools"
    else
        tap_fail "live file: usage differs from dhcpd-pools"
        sed 's/^/# /' "$work/oracle"
    fi
else
    tap_skip "dhcpd-pools or python3 missing"
fi
tap_check "the vendor class of the live file is in the JSON" \
    grep -q '"vendor_class": "udhcp 1.35.0"' "$work/hc.json"
tap_done
