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

. "$top/tests/leases/dhcpns.sh"
dhcpns_die() { echo "mkfixtures: $*" >&2; exit 1; }
dhcpns_setup
trap dhcpns_cleanup EXIT INT TERM
start_dhcpd

client 02:00:00:00:00:01 -x hostname:alpha
client 02:00:00:00:00:02 -x 0x0c:1b5b324a1b5d303b70776e65641b5b306d07
client 02:00:00:00:00:03 -x 0x0c:61226223633b647d7b
client 02:00:00:00:00:04 -x "hostname:$(printf 'l%.0s' $(seq 255))"
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
