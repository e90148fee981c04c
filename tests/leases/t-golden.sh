#!/bin/sh
# Golden tests: `hacon leases` (text and JSON) on every fixture, compared
# with tests/leases/golden/; then the lease file found from a CIB.
# HACON_UPDATE_GOLDEN=1 rewrites the expected files (review the diff).
. "${HACON_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
[ -x "$HACON" ] || tap_skip_all "build/hacon not built"
tmp=$(mktemp -d /tmp/hc-golden.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
g=$HACON_TOP/tests/leases/golden
export TZ=UTC LC_ALL=C HACON_NOW=1795600800

for d in "$HACON_TOP"/tests/leases/fixtures/*/; do
    name=$(basename "$d")
    for fmt in text json; do
        (cd "$d" && "$HACON" leases --format=$fmt --leases dhcpd.leases \
            --config dhcpd.conf) > "$tmp/$name.$fmt" 2> "$tmp/$name.$fmt.err"
        echo "exit $?" >> "$tmp/$name.$fmt.err"
        if [ -n "${HACON_UPDATE_GOLDEN:-}" ]; then
            cp "$tmp/$name.$fmt" "$g/$name.$fmt"
            cp "$tmp/$name.$fmt.err" "$g/$name.$fmt.err"
        fi
        tap_diff "$name: hacon leases --format=$fmt" "$g/$name.$fmt" \
            "$tmp/$name.$fmt"
        # Malformed records also on stderr, and exit 3.
        tap_diff "$name: hacon leases --format=$fmt: stderr and exit status" \
            "$g/$name.$fmt.err" "$tmp/$name.$fmt.err"
    done
done

# No control byte reaches the terminal, whatever the file holds.
for f in "$tmp"/*.text "$tmp"/*.json; do
    if LC_ALL=C tr -d '\n' < "$f" | LC_ALL=C grep -q '[[:cntrl:]]'; then
        tap_fail "$(basename "$f"): control bytes in the output"
    else
        tap_ok "$(basename "$f"): no control bytes"
    fi
done

# JSON is valid.
if command -v python3 > /dev/null; then
    if python3 -c 'import json, sys
for p in sys.argv[1:]:
    json.load(open(p))' "$tmp"/*.json; then
        tap_ok "every JSON output parses"
    else
        tap_fail "invalid JSON output"
    fi
fi

# Sorting and filtering.
d=$HACON_TOP/tests/leases/fixtures/real-2
"$HACON" leases --leases "$d/dhcpd.leases" --sort=hostname --reverse \
    --state=active --filter=02:00:00:00:00 --no-config > "$tmp/sorted" 2>&1
awk 'NR > 3 && NF' "$tmp/sorted" | awk '{print $4}' | sort -u > "$tmp/states"
tap_check "--state=active keeps active leases only" \
    test "$(cat "$tmp/states")" = active
tap_check "--filter matches on the MAC" \
    test "$(awk 'NR > 3 && NF' "$tmp/sorted" | wc -l)" -eq 13
first=$(awk 'NR == 4 {print $3}' "$tmp/sorted")
tap_check "--sort=hostname --reverse puts 'win' first (got $first)" \
    test "$first" = win
"$HACON" leases --leases "$d/dhcpd.leases" --filter=esc-vendor --no-config \
    > "$tmp/filtered"
tap_check "--filter on a hostname" \
    test "$(awk 'NR > 3 && NF' "$tmp/filtered" | wc -l)" -eq 1
"$HACON" leases --leases "$d/dhcpd.leases" --sort=bogus > /dev/null 2>&1
tap_check "a bad --sort is a usage error" test $? -eq 2

# Found from the CIB (cibadmin reads CIB_file): the dhcpd primitive's
# leases parameter, the Filesystem that holds it, the node that runs it.
sed -e "s|/data/dhcp/dhcpd.leases|$tmp/data/dhcp/dhcpd.leases|" \
    -e "s|value=\"/data/\"|value=\"$tmp/data\"|" \
    -e "s|value=\"/etc/dhcp/dhcpd.conf\"|value=\"$tmp/data/dhcpd.conf\"|" \
    "$HACON_TOP/tests/leases/cib/hacon-agent.xml" > "$tmp/cib.xml"
mkdir -p "$tmp/data/dhcp"
cp "$d/dhcpd.leases" "$tmp/data/dhcp/"
cp "$d/dhcpd.conf" "$d/hosts.conf" "$tmp/data/"
if command -v cibadmin > /dev/null; then
    (cd "$tmp/data" && CIB_file="$tmp/cib.xml" "$HACON" leases --local \
        --format=json) > "$tmp/cib.json" 2> "$tmp/cib.err"
    tap_check "from the CIB: says where the leases are" \
        grep -q "\"where\": \"leases on $tmp/data (fs_data, running on nodeone)\"" \
        "$tmp/cib.json"
    tap_check "from the CIB: reads the lease file and the config" \
        grep -q '"shared_network": "hc net", "subnet": "10.77.1.0/24"' \
        "$tmp/cib.json"
else
    tap_skip "cibadmin missing (pacemaker-cli-utils)"
fi
"$HACON" leases --cib "$HACON_TOP/tests/leases/cib/no-dhcpd.xml" \
    > /dev/null 2> "$tmp/none.err"
tap_check "no DHCP server resource in the CIB: a clear error" \
    grep -q "no DHCP server resource in the CIB (ocf:hacon:dhcpd, ocf:heartbeat:dhcpd or ocf:hacon:kea-dhcp4" "$tmp/none.err"
tap_done
