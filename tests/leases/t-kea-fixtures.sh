#!/bin/sh
# hacon leases on Kea lease files that a real kea-dhcp4 wrote for real
# clients (tests/leases/t-kea.sh made them, and kept Kea's own statistics
# of the moment in each kea-counts): after releases, a decline, a lease
# file cleanup (FILE.2), one that did not finish (FILE.2 and FILE.1) and
# one not yet renamed (FILE.completed, FILE.1 to be ignored).  hacon must
# count per subnet what Kea counted; a malformed row is reported with its
# file and line, and a hostile hostname reaches no terminal.
. "${HACON_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
tap_need_cmd python3
[ -x "$HACON" ] || tap_skip_all "build/hacon not built"
fix=$HACON_TOP/tests/leases/kea
tmp=$(mktemp -d /tmp/hc-kea-fix.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

counts() {
    "$HACON" leases --format=json --config "$fix/kea-dhcp4.conf" "$@" \
        2> "$tmp/err" | python3 -c '
import json, sys
d = json.load(sys.stdin)
used = {}
total = {}
for r in d["ranges"]:
    used[r["subnet"]] = used.get(r["subnet"], 0) + r["used"]
    total[r["subnet"]] = total.get(r["subnet"], 0) + r["defined"]
for s in sorted(used):
    print(s, used[s], total[s])'
}

for d in "$fix"/*/; do
    name=$(basename "$d")
    want=$(cat "$d/kea-counts")
    got=$(counts --leases "$d/kea-leases4.csv")
    tap_check "$name: hacon counts what Kea counted ($want)" \
        test "$got" = "$want"
done

# From the CIB: ocf:hacon:kea-dhcp4's config names the lease file.
mkdir "$tmp/cib"
cp "$fix/declined/kea-leases4.csv" "$tmp/cib/"
sed "s|\"name\": \"kea-leases4.csv\"|\"name\": \"$tmp/cib/kea-leases4.csv\"|" \
    "$fix/kea-db.json" > "$tmp/cib/kea-db.json"
sed "s|<?include \"kea-db.json\"?>|<?include \"$tmp/cib/kea-db.json\"?>|" \
    "$fix/kea-dhcp4.conf" > "$tmp/cib/kea-dhcp4.conf"
sed "s|<nvpair id=\"p1\" name=\"interface\" value=\"eth1\"/>|&<nvpair id=\"p2\" name=\"config\" value=\"$tmp/cib/kea-dhcp4.conf\"/>|" \
    "$HACON_TOP/tests/leases/cib/kea-agent.xml" > "$tmp/cib/cib.xml"
"$HACON" leases --cib "$tmp/cib/cib.xml" --local > "$tmp/cib/out" 2>&1
tap_check "from a CIB with ocf:hacon:kea-dhcp4: the lease file its config names" \
    grep -q "^lease file: $tmp/cib/kea-leases4.csv" "$tmp/cib/out"
tap_check "from that CIB: Kea's count of assigned addresses (6 of 9)" \
    grep -q "subnet 10.88.0.0/24 .* 6/9 used" "$tmp/cib/out"

# A malformed row, in the file and in an older one: file and line.
mkdir "$tmp/bad"
cp "$fix/cleanup/"kea-leases4.csv* "$tmp/bad/"
echo "10.88.0.300,02:00:00:00:00:aa,,600,1900000000,1,0,0,x,0," \
    >> "$tmp/bad/kea-leases4.csv"
sed -i '2s/,600,/,6x0,/' "$tmp/bad/kea-leases4.csv.2"
"$HACON" leases --leases "$tmp/bad/kea-leases4.csv" --no-config \
    > "$tmp/out" 2> "$tmp/err"
rc=$?
n=$(wc -l < "$tmp/bad/kea-leases4.csv")
tap_check "a malformed row fails the command (rc $rc)" test "$rc" -ne 0
sed 's/^/# /' "$tmp/err"
tap_check "the row is named by file and line" \
    grep -qx "hacon leases: $tmp/bad/kea-leases4.csv:$n: bad address" "$tmp/err"
tap_check "a row of FILE.2 is named by FILE.2 and its line" \
    grep -qx "hacon leases: $tmp/bad/kea-leases4.csv.2:2: bad valid_lifetime" "$tmp/err"

# Hostile bytes in a hostname and a user context: escaped on the way out,
# Kea's own escapes (&#x2c) kept as Kea wrote them.
mkdir "$tmp/hostile"
{
    head -n 1 "$fix/cleanup/kea-leases4.csv"
    printf '10.88.0.100,02:00:00:00:00:01,,600,1900000000,1,0,0,'
    printf 'evil\033]0;pwned\007\033[2Jname&#x2cx,0,{ "c": "\033[31m" }\n'
} > "$tmp/hostile/kea-leases4.csv"
"$HACON" leases --leases "$tmp/hostile/kea-leases4.csv" --no-config \
    > "$tmp/out" 2>&1
"$HACON" leases --leases "$tmp/hostile/kea-leases4.csv" --no-config \
    --format=json >> "$tmp/out" 2>&1
tap_check "no control byte of the file reaches the output" \
    sh -c "! LC_ALL=C grep -q '[[:cntrl:]]' '$tmp/out'"
tap_check "Kea's escape stays escaped (name&#x2cx)" \
    grep -q 'name&#x2cx' "$tmp/out"
tap_done
