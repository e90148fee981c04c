#!/bin/sh
# hacon leases --node: the lease file and dhcpd.conf on another node, read
# over ssh, the config's includes (absolute, and relative to the including
# file) read there too.  The "ssh" first in PATH is a wrapper that runs the
# command here with the node's directory (a path that does not exist here)
# mapped to a directory of the test; the answer must equal a local read of
# the same files, with no config error.
. "${HACON_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
tap_need_cmd python3
[ -x "$HACON" ] || tap_skip_all "build/hacon not built"
tmp=$(mktemp -d /tmp/hc-remote.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
# The node's directory: absent here (checked below).
rdir=/hc-remote-node-$$
fix=$HACON_TOP/tests/leases/fixtures/real-1

mkdir -p "$tmp/node" "$tmp/bin"
cp "$fix/dhcpd.leases" "$tmp/node/dhcpd.leases"
cat > "$tmp/node/dhcpd.conf" <<EOF
authoritative;
shared-network "hc net" {
    include "$rdir/subnet77.conf";
}
include "more.conf";
EOF
cat > "$tmp/node/subnet77.conf" <<'EOF'
subnet 10.77.0.0 netmask 255.255.255.0 {
    range 10.77.0.100 10.77.0.119;
    pool { range 10.77.0.200 10.77.0.204; }
}
subnet 10.77.1.0 netmask 255.255.255.0 { range 10.77.1.10 10.77.1.20; }
EOF
cat > "$tmp/node/more.conf" <<'EOF'
subnet 10.78.0.0 netmask 255.255.0.0 {
    range dynamic-bootp 10.78.0.10 10.78.0.19;
}
EOF
cat > "$tmp/bin/ssh" <<EOF
#!/bin/sh
while [ \$# -gt 0 ] && [ "\$1" != "--" ]; do shift; done
shift 2
echo "\$*" >> "$tmp/ssh-calls"
exec sh -c "\$(printf '%s' "\$*" | sed 's|$rdir|$tmp/node|g')"
EOF
chmod +x "$tmp/bin/ssh"

if [ -e "$rdir" ]; then
    tap_skip_all "$rdir exists here"
fi
summary() {
    python3 -c 'import json, sys
d = json.load(sys.stdin)
print(json.dumps([d["summary"], d["ranges"], d["config_errors"],
                  len(d["leases"])], sort_keys=True))'
}
# The reference: the same files read here, the absolute include pointing
# where they are here.
sed "s|$rdir|$tmp/node|" "$tmp/node/dhcpd.conf" > "$tmp/node/local.conf"
(cd "$tmp/node" && "$HACON" leases --format=json --leases dhcpd.leases \
    --config local.conf) > "$tmp/local.json" 2> "$tmp/local.err"
PATH=$tmp/bin:$PATH "$HACON" leases --format=json --node peer \
    --leases "$rdir/dhcpd.leases" --config "$rdir/dhcpd.conf" \
    > "$tmp/remote.json" 2> "$tmp/remote.err"
tap_check "hacon leases --node ran" test -s "$tmp/remote.json"
local=$(summary < "$tmp/local.json")
remote=$(summary < "$tmp/remote.json")
if [ "$local" = "$remote" ]; then
    tap_ok "over ssh: the same leases, ranges and usage as read here"
else
    tap_fail "over ssh: differs from a local read: $remote vs $local"
fi
tap_check "over ssh: no config error (includes were read)" \
    sh -c "summary() { python3 -c 'import json, sys; print(len(json.load(sys.stdin)[\"config_errors\"]))'; }; [ \"\$(summary < '$tmp/remote.json')\" = 0 ]"
tap_check "over ssh: 4 ranges, from both includes" \
    sh -c "python3 -c 'import json, sys; sys.exit(len(json.load(sys.stdin)[\"ranges\"]) != 4)' < '$tmp/remote.json'"
tap_check "over ssh: the includes were read on the node" \
    sh -c "grep -qF \"'cat' '$rdir/subnet77.conf'\" '$tmp/ssh-calls' && grep -qF \"'cat' '$rdir/more.conf'\" '$tmp/ssh-calls'"
tap_done
