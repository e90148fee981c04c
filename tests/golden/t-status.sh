#!/bin/sh
# Golden tests of `hacon status`: each CIB fixture (tests/golden/cib/, made
# by mkfixtures.sh with crm_simulate; and a generated 32 x 1000 cluster),
# read with CIB_file= under LC_ALL=C TZ=UTC, printed as text and as JSON and
# compared with tests/golden/expected/.  Each fixture is also checked
# against crm_mon --output-as=xml (the referee).  The error paths print one
# clear line and exit non-zero.
#
#   t-status.sh --update    rewrites the expected files (review the diff)
. "$HACON_TOP/tests/tap.sh"
here=$HACON_TOP/tests/golden
exp=$here/expected
work=$(mktemp -d /tmp/hacon-golden.XXXXXX)
trap 'rm -rf "$work"' EXIT
export LC_ALL=C TZ=UTC
update=false
[ "${1:-}" = --update ] && update=true && mkdir -p "$exp"

python3 "$here/gen-large-cib.py" 32 1000 > "$work/large-32x1000.xml"
for f in "$here"/cib/*.xml "$work/large-32x1000.xml"; do
    name=$(basename "$f" .xml)
    for fmt in text json; do
        CIB_file=$f "$HACON" status --format=$fmt > "$work/$name.$fmt" 2>&1
        rc=$?
        if $update; then
            cp "$work/$name.$fmt" "$exp/$name.$fmt"
        fi
        if [ $rc -ne 0 ]; then
            tap_fail "status $name ($fmt) exited $rc: $(head -1 "$work/$name.$fmt")"
        else
            tap_diff "status $name ($fmt) matches expected/$name.$fmt" \
                "$exp/$name.$fmt" "$work/$name.$fmt"
        fi
    done
    CIB_file=$f crm_mon --output-as=xml > "$work/$name.crm" 2>/dev/null
    if python3 "$HACON_TOP/tests/oracle/compare.py" "$work/$name.crm" \
        "$work/$name.json" > "$work/$name.diff"; then
        tap_ok "status $name agrees with crm_mon"
    else
        tap_fail "status $name differs from crm_mon"
        sed 's/^/# /' "$work/$name.diff"
    fi
done

# Groups, clones and bundles have no role of their own: JSON gives their
# instances per role, and calls them active when any instance is (before,
# a promotable clone with its Promoted instance running read "role":
# "Stopped", "active": false on standby.xml).
for f in "$work"/*.json; do
    name=$(basename "$f" .json)
    if python3 - "$f" > "$work/$name.coll" 2>&1 <<'PY'
import json, sys
from collections import Counter
bad = []
def leaves(r):
    if r["kind"] in ("primitive", "replica"):
        return [r]
    return [x for c in r["children"] for x in leaves(c)]
def check(r):
    if r["kind"] == "primitive":
        return
    ls = [x for c in r["children"] for x in leaves(c)]
    want = Counter("Stopped" if x["kind"] == "replica" and not x["node"]
                   else (x["replica_role"] if x["kind"] == "replica"
                         else x["role"]) for x in ls)
    if r["role"] is not None:
        bad.append(f"{r['id']}: role {r['role']}, none expected")
    if Counter(r["instances"]) != want:
        bad.append(f"{r['id']}: instances {r['instances']}, want {dict(want)}")
    if r["active"] != any(x["active"] for x in ls):
        bad.append(f"{r['id']}: active {r['active']} with instances "
                   f"{dict(want)}")
    for c in r["children"]:
        check(c)
for r in json.load(open(sys.argv[1]))["resources"]:
    check(r)
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
    then
        tap_ok "status $name (json): collectives give instances per role"
    else
        tap_fail "status $name (json): collectives give instances per role"
        sed 's/^/# /' "$work/$name.coll"
    fi
done

# A move with a lifetime (crm_resource --move --lifetime, a real run on a
# copy of the tutorial's CIB) leaves a cli-prefer with a rule and no
# node=: the resource's line says where it is pinned and until when, in
# the text and in JSON, and the warning names the node and the date.
if command -v crm_resource > /dev/null; then
    cp "$here/cib/tutorial.xml" "$work/lifetime.xml"
    CIB_file="$work/lifetime.xml" crm_resource --move -r dhcp -N nodetwo \
        --lifetime PT1H > "$work/move.out" 2>&1
    until=$(sed -n 's/.*date_expression.* end="\([^"]*\)".*/\1/p' "$work/lifetime.xml")
    tap_check "crm_resource --move --lifetime left a rule-based cli-prefer-dhcp (until ${until:-?})" \
        sh -c "[ -n '$until' ] && grep -q '<rsc_location id=\"cli-prefer-dhcp\" rsc=\"dhcp\" role=\"Started\">' '$work/lifetime.xml'"
    CIB_file="$work/lifetime.xml" "$HACON" status > "$work/lifetime.text" 2>&1
    grep -E 'dhcp \(|cli-prefer' "$work/lifetime.text" | sed 's/^/#   /'
    tap_check "status: the resource's line says the move (MOVED: pinned to nodetwo until $until)" \
        grep -qF "dhcp (ocf:hacon:dhcpd): Started on nodeone  MOVED: pinned to nodetwo until $until" "$work/lifetime.text"
    tap_check "status: the warning names the node and the date, not ?" \
        grep -qF "! cli-prefer-dhcp is left from a move: it pins dhcp on nodetwo until $until (crm resource clear dhcp)" "$work/lifetime.text"
    CIB_file="$work/lifetime.xml" "$HACON" status --format=json > "$work/lifetime.json" 2>&1
    tap_check "status --format=json: the move is in the resource's \"moved\"" \
        python3 -c "
import json, sys
d = json.load(open('$work/lifetime.json'))
r = [x for x in d['resources'] if x['id'] == 'dhcp'][0]
m = r['moved']
print('#  ', m)
sys.exit(0 if m == [{'constraint': 'cli-prefer-dhcp', 'how': 'pinned', 'node': 'nodetwo', 'role': 'Started', 'rule': True, 'until': '$until'}] else 1)"
else
    tap_skip "crm_resource not installed: no lifetime move"
fi

# Bad input: one clear line naming the file, and a non-zero exit.
expect_error() { # description, expected substring, env..., -- args
    desc=$1 want=$2; shift 2
    env "$@" "$HACON" status > "$work/out" 2> "$work/err" < /dev/null
    rc=$?
    if [ $rc -ne 0 ] && [ "$(wc -l < "$work/err")" -eq 1 ] \
        && grep -qF -- "$want" "$work/err" && [ ! -s "$work/out" ]; then
        tap_ok "$desc"
    else
        tap_fail "$desc (rc=$rc, stderr: $(cat "$work/err"))"
    fi
}
printf 'not xml at all\n' > "$work/garbage.xml"
printf '<configuration/>\n' > "$work/notcib.xml"
printf '<cib><configuration>\n' > "$work/truncated.xml"
expect_error "garbage file: names the file and the parser's message" \
    "$work/garbage.xml is not valid XML: $work/garbage.xml:1: parser error" \
    CIB_file="$work/garbage.xml"
expect_error "XML that is not a CIB is refused" \
    "$work/notcib.xml is not a CIB: its root element is <configuration>" \
    CIB_file="$work/notcib.xml"
expect_error "truncated CIB names the file" \
    "$work/truncated.xml is not valid XML" CIB_file="$work/truncated.xml"
# The schema check that crm_mon (through libcib) makes is kept when
# hacon reads the file itself: a primitive without its class.
sed 's#<resources/>#<resources><primitive id="x" type="Dummy"/></resources>#' \
    "$here/cib/bare.xml" > "$work/invalid.xml"
expect_error "a CIB that its schema refuses is refused, as crm_mon does" \
    "$work/invalid.xml does not validate against its schema (pacemaker-" \
    CIB_file="$work/invalid.xml"
expect_error "missing file is named" \
    "cannot read $work/missing.xml: No such file or directory" \
    CIB_file="$work/missing.xml"
# In a network namespace of its own no cluster can answer (libqb's IPC
# sockets are per network namespace).
if [ "$(id -u)" = 0 ] && unshare -n true 2> /dev/null; then
    expect_error "no cluster: says how to read a file instead" \
        "is pacemaker running? set CIB_file= to read a file" \
        -u CIB_file unshare -n
elif pgrep -x pacemaker-based > /dev/null 2>&1; then
    tap_skip "no-cluster message: a cluster runs here and unshare -n needs root"
else
    expect_error "no cluster: says how to read a file instead" \
        "is pacemaker running? set CIB_file= to read a file" -u CIB_file
fi
"$HACON" status --format=yaml > /dev/null 2> "$work/err"
tap_check "unknown --format is a usage error (exit 2)" test $? -eq 2
tap_done
