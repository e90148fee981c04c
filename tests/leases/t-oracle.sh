#!/bin/sh
# Oracle: on every fixture, the pool usage of `hacon leases --format=json`
# equals what dhcpd-pools (the reference tool) reports on the same files.
. "${HACON_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
tap_need_cmd dhcpd-pools python3
[ -x "$HACON" ] || tap_skip_all "build/hacon not built"
tmp=$(mktemp -d /tmp/hc-oracle.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

set --
for d in "$HACON_TOP"/tests/leases/fixtures/*/; do
    [ -f "$d/dhcpd.leases" ] && [ -f "$d/dhcpd.conf" ] || continue
    name=$(basename "$d")
    # Both programs open relative includes from the working directory.
    if ! (cd "$d" && dhcpd-pools -c dhcpd.conf -l dhcpd.leases -f c) \
            > "$tmp/$name.csv" 2> "$tmp/$name.err"; then
        tap_fail "$name: dhcpd-pools failed: $(head -c 200 "$tmp/$name.err")"
        continue
    fi
    # Exit 3: read, with malformed or cut records (the edge fixtures).
    (cd "$d" && "$HACON" leases --format=json --leases dhcpd.leases \
        --config dhcpd.conf) > "$tmp/$name.json" 2> "$tmp/$name.herr"
    rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 3 ]; then
        tap_fail "$name: hacon leases failed: $(head -c 200 "$tmp/$name.herr")"
        continue
    fi
    set -- "$@" "$name" "$tmp/$name.json" "$tmp/$name.csv"
done
python3 "$HACON_TOP/tests/leases/oracle.py" "$@" > "$tmp/result"
while [ $# -ge 3 ]; do
    if grep -qx "$1: same" "$tmp/result"; then
        tap_ok "$1: usage equals dhcpd-pools"
    else
        tap_fail "$1: usage differs from dhcpd-pools"
        grep "^$1: " "$tmp/result" | head -20 | sed 's/^/# /'
    fi
    shift 3
done
tap_done
