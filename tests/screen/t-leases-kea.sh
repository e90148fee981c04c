#!/bin/sh
# The console's Leases view on Kea's files: a lease file a real kea-dhcp4
# wrote (tests/leases/kea/declined) and its kea-dhcp4.conf (comments and
# an include): the leases, Kea's escaped comma as Kea wrote it, the usage
# bars with Kea's counts (6 of 9 used, as its assigned-addresses said),
# the state key (t) through Kea's states; then a row Kea appends arrives.
# The real hacon in tmux; waits are deadlines on what the screen shows.
. "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
tap_need_cmd tmux python3
here=$HACON_TOP/tests/screen
work=$(mktemp -d /tmp/hacon-lkea.XXXXXX)
sock=hacon-lkea-$$
cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
. "$here/screen-lib.sh"
T new-session -d -s keep -x 80 -y 24 "exec sleep 600"
export TZ=UTC
U8="TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8"
fix=$HACON_TOP/tests/leases/kea

cp "$HACON_TOP/tests/golden/cib/tutorial.xml" "$work/"
cp "$fix/declined/kea-leases4.csv" "$fix/kea-dhcp4.conf" "$fix/kea-db.json" \
    "$work/"

start kea 100x40 $U8 CIB_file=tutorial.xml HACON_NOW=1796556600 \
    HACON_LEASES=kea-leases4.csv HACON_DHCPD_CONF=kea-dhcp4.conf
if wait_for kea "[1 Resources]" && T send-keys -t kea 5 \
    && wait_for kea "ADDRESS^"; then
    tap_check "Kea's leases: 6 addresses, 10 rows" \
        wait_for kea "6 addresses, 10 records" 10
    tap_check "the hostname with Kea's escaped comma, as Kea wrote it" \
        wait_re kea '^10\.88\.0\.104 +02:00:00:00:00:05 +host&#x2cfive +active ' 5
    tap_check "the declined address" \
        wait_re kea '^10\.88\.0\.101 .* declined ' 5
    # Kea's assigned-addresses for the subnet was 6 of 9: 5 + 1.
    tap_check "the first pool's usage: 5 of 5 used" \
        wait_re kea '^range 10\.88\.0\.100-10\.88\.0\.104 +\[#{20}\] +100\.0% 5/5' 5
    tap_check "the pool given as a prefix (10.88.0.120/30): 1 of 4 used" \
        wait_re kea '^range 10\.88\.0\.120-10\.88\.0\.123 +\[#{5}\.{15}\] +25\.0% 1/4' 5
    for state in active declined reclaimed; do
        T send-keys -t kea t
        tap_check "t: the title says state $state" \
            wait_for kea "; state $state" 10
    done
    T send-keys -t kea t
    tap_check "t: after reclaimed, all leases again" \
        wait_gone kea "; state " 10
    printf '10.88.0.122,02:00:00:00:00:09,,600,1796557200,1,0,0,appended,0,\n' \
        >> "$work/kea-leases4.csv"
    tap_check "a row Kea appends arrives" \
        wait_for kea "7 addresses, 11 records" 20
    quit_ok kea "Kea leases"
else
    tap_fail "console shows the Leases view of a Kea file"
    screen kea | sed 's/^/#   /'
    T kill-session -t kea
fi
tap_done
