#!/bin/sh
# A lease file whose last record is cut (a copy cut short, a disk that
# filled up, dhcpd writing it right now), read once with `hacon leases`:
# the records before the cut are read, exactly those of the file cut where
# the last record starts; the cut record is reported in the text, in the
# JSON ("errors" with the file and the line, "unfinished_bytes") and on
# stderr, naming the file; the exit status is 3.  Cut in three places of
# real-1: inside a quoted string, right after a complete line, and at half
# the file.  The same file read from a node (over the ssh path) names
# NODE:FILE.
. "${HACON_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
tap_need_cmd python3
[ -x "$HACON" ] || tap_skip_all "build/hacon not built"
tmp=$(mktemp -d /tmp/hc-cut.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
export TZ=UTC LC_ALL=C
src=$HACON_TOP/tests/leases/fixtures/real-1/dhcpd.leases

# For each cut: CUT.leases (cut inside the last record), CUT.whole (the
# same file cut where that record starts: what must be read) and CUT.exp
# ("LINE BYTES": where the cut record starts, and the bytes after the last
# whole statement).
python3 - "$src" "$tmp" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
out = sys.argv[2]
last = data.rfind(b'\nlease ')
q = data.index(b'uid "', last) + len(b'uid "') + 2
cuts = {
    'string': q,                                    # inside "..."
    'line': data.index(b';\n', last) + 2,           # after a whole line
    'half': len(data) // 2,                         # wherever that is
}
for name, p in cuts.items():
    start = data.rfind(b'\nlease ', 0, p)
    assert start > data.rfind(b'\n}', 0, p), name + ': not inside a record'
    open('%s/%s.leases' % (out, name), 'wb').write(data[:p])
    open('%s/%s.whole' % (out, name), 'wb').write(data[:start + 1])
    line = data[:start + 1].count(b'\n') + 1
    # The bytes after the "}" that ends the last whole record.
    end = data.rfind(b'}', 0, start) + 1
    open('%s/%s.exp' % (out, name), 'w').write('%d %d\n' % (line, p - end))
PY

leases_of() {   # the leases of a JSON report, one a line
    python3 -c 'import json, sys
for l in json.load(open(sys.argv[1]))["leases"]:
    print(json.dumps(l, sort_keys=True))' "$1"
}

for cut in string line half; do
    f=$tmp/$cut.leases
    read -r line bytes < "$tmp/$cut.exp"
    "$HACON" leases --format=json --no-config --leases "$f" \
        > "$tmp/$cut.json" 2> "$tmp/$cut.err"
    rc=$?
    tap_check "$cut: exit status 3 (read, with a cut record)" [ $rc -eq 3 ]
    "$HACON" leases --format=json --no-config --leases "$tmp/$cut.whole" \
        > "$tmp/$cut.whole.json" 2> "$tmp/$cut.whole.err"
    tap_check "$cut: the file cut where the record starts: exit 0, no stderr" \
        sh -c "[ $? -eq 0 ] && [ ! -s '$tmp/$cut.whole.err' ]"
    leases_of "$tmp/$cut.json" > "$tmp/$cut.got"
    leases_of "$tmp/$cut.whole.json" > "$tmp/$cut.want"
    tap_check "$cut: every record before the cut is read ($(wc -l < "$tmp/$cut.want") leases), the cut one is not" \
        cmp -s "$tmp/$cut.want" "$tmp/$cut.got"
    python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
e = d["errors"]
assert len(e) == 1 and d["errors_total"] == 1, e
assert e[0]["file"] == sys.argv[2], e
assert e[0]["line"] == int(sys.argv[3]), (e, sys.argv[3])
assert "the last record is cut" in e[0]["message"], e
assert d["unfinished_bytes"] == int(sys.argv[4]), (d["unfinished_bytes"], sys.argv[4])
' "$tmp/$cut.json" "$f" "$line" "$bytes" 2> "$tmp/$cut.py"
    tap_check "$cut: the JSON says it: file, line $line, $bytes bytes" [ $? -eq 0 ]
    [ -s "$tmp/$cut.py" ] && sed 's/^/#   /' "$tmp/$cut.py"
    tap_check "$cut: stderr names the file and the line" \
        grep -qF "hacon leases: $f:$line: the last record is cut" "$tmp/$cut.err"
    "$HACON" leases --no-config --leases "$f" > "$tmp/$cut.text" 2> /dev/null
    tap_check "$cut: the text report says it, naming the file" sh -c \
        "grep -qF '1 malformed record in $f:' '$tmp/$cut.text' &&
         grep -qF '  $f:$line: the last record is cut: $bytes bytes' '$tmp/$cut.text'"
    if grep -q 'dhcpd is writing it' "$tmp/$cut.text" "$tmp/$cut.err"; then
        tap_fail "$cut: the message blames dhcpd on a copy that no dhcpd writes"
    else
        tap_ok "$cut: the message does not say that dhcpd is writing it"
    fi
done

# Read from a node: the "ssh" first in PATH runs the command here.
mkdir -p "$tmp/bin"
cat > "$tmp/bin/ssh" <<'EOF'
#!/bin/sh
while [ $# -gt 0 ] && [ "$1" != "--" ]; do shift; done
shift 2
exec sh -c "$*"
EOF
chmod +x "$tmp/bin/ssh"
read -r line bytes < "$tmp/line.exp"
PATH=$tmp/bin:$PATH "$HACON" leases --format=json --no-config \
    --node nodetwo --leases "$tmp/line.leases" > "$tmp/node.json" 2> "$tmp/node.err"
tap_check "from a node: exit 3" [ $? -eq 3 ]
tap_check "from a node: stderr names nodetwo:FILE and the line" \
    grep -qF "hacon leases: nodetwo:$tmp/line.leases:$line: the last record is cut" \
    "$tmp/node.err"
tap_check "from a node: the JSON error names nodetwo:FILE" \
    grep -qF "{\"file\": \"nodetwo:$tmp/line.leases\", \"line\": $line," "$tmp/node.json"

# A whole file: exit 0, nothing on stderr, no error.
"$HACON" leases --format=json --no-config --leases "$src" > "$tmp/whole.json" \
    2> "$tmp/whole.err"
tap_check "a whole file: exit 0, stderr empty" \
    sh -c "[ $? -eq 0 ] && [ ! -s '$tmp/whole.err' ]"
tap_check "a whole file: no error, 0 unfinished bytes" sh -c \
    "grep -q '\"errors\": \[\]' '$tmp/whole.json' &&
     grep -q '\"unfinished_bytes\": 0' '$tmp/whole.json'"
tap_done
