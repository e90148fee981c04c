#!/bin/sh
# Regenerates the golden lease files in tests/leases/fixtures/real-*/ with
# the real ISC dhcpd and real busybox udhcpc clients, in a private pair of
# network namespaces (unique names, removed on exit).  Needs root.
#
#   tests/leases/mkfixtures.sh [OUTDIR]    (default tests/leases/fixtures)
#
# Clients: several MACs, hostnames that are hostile on a terminal (ESC
# sequences, quotes and braces, 255 bytes, invalid UTF-8, a NUL byte), an
# FQDN, client ids, a vendor class, a release and renewals (so the file has
# several records for an address and the last must win).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/tests/leases/fixtures}
[ "$(id -u)" = 0 ] || { echo "mkfixtures: needs root" >&2; exit 77; }
for c in dhcpd busybox ip; do
    command -v $c >/dev/null || { echo "mkfixtures: needs $c" >&2; exit 77; }
done

id=$$
srv=hcl${id}s cli=hcl${id}c
work=$(mktemp -d /tmp/hc-leases-fx.XXXXXX)
dpid=
cleanup() {
    [ -n "$dpid" ] && kill "$dpid" 2>/dev/null && sleep 0.2
    ip netns del "$srv" 2>/dev/null || true
    ip netns del "$cli" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

ip netns add "$srv"
ip netns add "$cli"
ip link add "v${id}s" type veth peer name "v${id}c"
ip link set "v${id}s" netns "$srv"
ip link set "v${id}c" netns "$cli"
ip -n "$srv" link set "v${id}s" name eth0
ip -n "$cli" link set "v${id}c" name eth0
ip -n "$srv" addr add 10.77.0.1/24 dev eth0
ip -n "$srv" link set eth0 up
ip -n "$srv" link set lo up
ip -n "$cli" link set lo up

cat > "$work/dhcpd.conf" <<'CONF'
# hacon test fixture: written for tests/leases/mkfixtures.sh
authoritative;
ddns-update-style none;
default-lease-time 600;
max-lease-time 7200;
min-lease-time 1;
ping-check false;
dhcp-cache-threshold 0;
set vendor-class-identifier = option vendor-class-identifier;

shared-network "hc net" {
    subnet 10.77.0.0 netmask 255.255.255.0 {
        option routers 10.77.0.1;
        range 10.77.0.100 10.77.0.119;
        pool {
            range 10.77.0.200 10.77.0.204;
        }
    }
    subnet 10.77.1.0 netmask 255.255.255.0 {
        range 10.77.1.10 10.77.1.20;
    }
}

subnet 10.78.0.0 netmask 255.255.0.0 {
    range dynamic-bootp 10.78.0.10 10.78.0.19;
}

include "hosts.conf";
CONF
cat > "$work/hosts.conf" <<'CONF'
host fixed-one {
    hardware ethernet 02:00:00:00:00:99;
    fixed-address 10.77.0.50;
}
CONF
: > "$work/dhcpd.leases"
start_dhcpd() {
    : > "$work/dhcpd.log"
    (cd "$work" && exec ip netns exec "$srv" dhcpd -4 -f -d -cf dhcpd.conf \
        -lf dhcpd.leases -pf dhcpd.pid eth0) > "$work/dhcpd.log" 2>&1 &
    dpid=$!
    # dhcpd is ready when it logs that it is listening.
    i=0
    until grep -q '^Listening on' "$work/dhcpd.log" 2>/dev/null; do
        i=$((i + 1)); [ $i -lt 100 ] || { cat "$work/dhcpd.log" >&2; exit 1; }
        kill -0 "$dpid" 2>/dev/null || { cat "$work/dhcpd.log" >&2; exit 1; }
        sleep 0.1
    done
}
stop_dhcpd() {
    kill "$dpid"
    wait "$dpid" 2>/dev/null || true
    dpid=
}
start_dhcpd

n=0
# client MAC [udhcpc options...]: one DISCOVER/REQUEST/ACK, then exit.
client() {
    mac=$1; shift
    n=$((n + 1))
    ip -n "$cli" link set eth0 down
    ip -n "$cli" link set eth0 address "$mac"
    ip -n "$cli" link set eth0 up
    timeout 30 ip netns exec "$cli" busybox udhcpc -i eth0 -f -q -n -t 5 \
        -T 1 -A 1 -s /bin/true "$@" > "$work/client$n.log" 2>&1 || {
        echo "mkfixtures: client $mac got no lease" >&2
        cat "$work/client$n.log" >&2; exit 1; }
}
# A client that releases its lease: udhcpc -R releases when it ends.
released() {
    mac=$1; shift
    n=$((n + 1))
    ip -n "$cli" link set eth0 down
    ip -n "$cli" link set eth0 address "$mac"
    ip -n "$cli" link set eth0 up
    cat > "$work/bound.sh" <<SCRIPT
#!/bin/sh
# The address must be on eth0 for the unicast RELEASE to go out.
if [ "\$1" = bound ]; then
    ip addr add "\$ip/\${mask:-24}" dev "\$interface"
    ip route add 10.77.0.1 dev "\$interface" 2>/dev/null
    touch "$work/bound"
fi
exit 0
SCRIPT
    chmod +x "$work/bound.sh"
    rm -f "$work/bound"
    ip netns exec "$cli" busybox udhcpc -i eth0 -f -R -t 5 -T 1 -A 1 \
        -s "$work/bound.sh" "$@" > "$work/client$n.log" 2>&1 &
    cpid=$!
    i=0
    until [ -e "$work/bound" ]; do
        i=$((i + 1)); [ $i -lt 300 ] || { kill $cpid; exit 1; }
        sleep 0.1
    done
    kill -TERM $cpid
    wait $cpid || true
}
client 02:00:00:00:00:01 -x hostname:alpha
client 02:00:00:00:00:02 -x 0x0c:1b5b324a1b5d303b70776e65641b5b306d07
client 02:00:00:00:00:03 -x 0x0c:61226223633b647d7b
client 02:00:00:00:00:04 -x hostname:$(printf 'l%.0s' $(seq 255))
client 02:00:00:00:00:05 -x 0x0c:fffe6f6b
client 02:00:00:00:00:06 -x 0x0c:6100625c
client 02:00:00:00:00:07 -x 0x0c:636166c3a9
client 02:00:00:00:00:08 -F fq.example.org
client 02:00:00:00:00:09 -V 'MSFT 5.0' -x 0x3d:01aabbccddeeff -x hostname:win
client 02:00:00:00:00:0a -C -x hostname:noclientid
client 02:00:00:00:00:0d -x 0x3c:1b5b324a1b5d303b70776e656407 -x hostname:esc-vendor
client 02:00:00:00:00:0e -x 0x3c:22615c625c225c -x 0x3d:ff00
client 02:00:00:00:00:0f -x 0x3c:fffe00410a -x hostname:short -x lease:2
released 02:00:00:00:00:0b -x hostname:released
client 02:00:00:00:00:01 -x hostname:alpha-renewed
client 02:00:00:00:00:0c -x 0x0c:1b5d35323b633b5a5764686279426f61513d3d07
client 02:00:00:00:00:01 -x hostname:alpha

# The 2 s lease of 02:00:00:00:00:0f ends: dhcpd writes its expiry.
i=0
until [ "$(grep -c '^  binding state free' "$work/dhcpd.leases")" -ge 2 ]; do
    i=$((i + 1)); [ $i -lt 150 ] || { echo "mkfixtures: no expiry" >&2; break; }
    sleep 0.1
done
stop_dhcpd
mkdir -p "$out/real-1" "$out/real-2"
cp "$work/dhcpd.leases" "$work/dhcpd.conf" "$work/hosts.conf" "$out/real-1/"
# A restart makes dhcpd rewrite the file: one record per address.
start_dhcpd
stop_dhcpd
cp "$work/dhcpd.leases" "$work/dhcpd.conf" "$work/hosts.conf" "$out/real-2/"
for d in real-1 real-2; do
    echo "mkfixtures: $(grep -c '^lease' "$out/$d/dhcpd.leases") lease records in $out/$d"
done
