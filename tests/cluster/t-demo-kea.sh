#!/bin/bash
# `make demo KEA=1` and `make demo FINAL=1 KEA=1`, what a newcomer runs to
# see hacon with ISC Kea, through tests/cluster/demo.sh without a terminal
# (--batch), in about half a minute:
#  * final: the two nodes come up with the tutorial's final configuration
#    on Kea (ocf:hacon:kea-dhcp4, leases in /data/kea); hacon status over
#    ssh shows dhcp started on the node that holds /data; a client on the
#    service network gets an address from the pool through the floating
#    IP; hacon leases on that node, as the admin runs it, finds Kea's
#    memfile from the CIB and shows the client's lease, counted as used
#    as Kea's own statistics count it; down leaves nothing;
#  * fresh machines: the demo writes the answer dhcp_server=kea where the
#    console's answers form reads it (nodeone's /var/lib/hacon/answers),
#    hacon setup list runs over ssh, and the dhcp step planned from those
#    answers writes kea-dhcp4.conf.
: "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$HACON_TOP/tests/tap.sh"

tap_need_root
tap_need_cmd ip nsenter unshare losetup mkfs.ext4 corosync pacemakerd \
    crm_mon crm dhcpd kea-dhcp4 busybox sshd ssh python3 modprobe
tap_need_netns

# One instance per checkout, as t-cluster.sh.
HC_CLUSTER_PREFIX=hck$(printf '%s' "$HACON_TOP" | cksum | cut -c1-5)
export HC_CLUSTER_PREFIX
unset HC_CLUSTER_STATE
. "$HACON_TOP/tests/cluster/lib.sh"
CL=$HACON_TOP/tests/cluster/hc-cluster
DEMO=$HACON_TOP/tests/cluster/demo.sh
W=$(mktemp -d /tmp/hc-t-demo-kea.XXXXXX)
down_done=0
cleanup() {
    [ "$down_done" = 1 ] || "$CL" down > "$W/down-trap.log" 2>&1
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
T0=$(now)

# ---------------------------------------------------------------- final
"$DEMO" --final --kea --batch --keep > "$W/final.log" 2>&1
rc=$?
tap_check "make demo FINAL=1 KEA=1: up, hacon status over ssh, kept" \
    sh -c "[ $rc = 0 ] && grep -q '^Kept' '$W/final.log'"
[ "$rc" = 0 ] || { sed 's/^/#   /' "$W/final.log" | tail -n 30; tap_done; }
tap_check "the demo names Kea as the configuration's server" \
    grep -q 'ISC Kea' "$W/final.log"
# hacon status: the resource line of dhcp, and the node running it.
A=$(sed -n 's/^ *dhcp (ocf:hacon:kea-dhcp4): Started on \(node[a-z]*\).*/\1/p' \
    "$W/final.log")
tap_check "hacon status: dhcp is ocf:hacon:kea-dhcp4, started (on ${A:-?})" \
    test -n "$A"
tap_check "hacon status: fs_data runs where dhcp runs" \
    grep -Eq "^ *fs_data \(ocf:heartbeat:Filesystem\): Started on $A" \
    "$W/final.log"

if out=$("$CL" dhcp obtain 2>&1); then
    tap_ok "a client gets a lease from Kea through the floating IP: $out"
else
    tap_fail "a client gets a lease from Kea through the floating IP"
    echo "$out" | sed 's/^/#   /'
    "$CL" exec "${A:-nodeone}" journalctl --no-pager -n 30 2> /dev/null \
        | sed 's/^/#   /'
fi
LEASE=$("$CL" dhcp address)
tap_check "lease ${LEASE:-none} is from Kea's pool, server identifier $VIP" \
    sh -c "grep -q ' bound ip=$LEASE serverid=$VIP ' '$S/client/events' \
           && case '$LEASE' in 10.10.101.1[0-9][0-9]) true ;; *) false ;; esac"

# The admin's view on the active node: the files found from the CIB (the
# Kea agent's config names the memfile), the lease shown and counted.
"$CL" ssh "${A:-nodeone}" hacon leases > "$W/leases.txt" 2>&1
lrc=$?
"$CL" ssh "${A:-nodeone}" hacon leases --format=json > "$W/leases.json" 2>&1
sed 's/^/#   /' "$W/leases.txt" | head -n 20
tap_check "hacon leases on $A: exit 0, Kea's memfile found from the CIB" \
    sh -c "[ $lrc = 0 ] && grep -q 'kea-leases4.csv' '$W/leases.txt'"
tap_check "hacon leases shows the client's lease $LEASE" \
    grep -q "$LEASE" "$W/leases.txt"
tap_check "hacon leases counts it as used, as Kea's assigned-addresses does" \
    python3 -c '
import ipaddress as a, json, sys
d = json.load(open(sys.argv[1]))
ip = a.ip_address(sys.argv[2])
rows = [l for l in d["leases"] if l["ip"] == sys.argv[2]]
used = [r["used"] for r in d["ranges"]
        if a.ip_address(r["first"]) <= ip <= a.ip_address(r["last"])]
sys.exit(0 if rows and rows[0]["state"] == "active" and used
         and used[0] >= 1 else 1)
' "$W/leases.json" "$LEASE"
"$CL" dhcp release > /dev/null 2>&1
"$CL" down > "$W/down.log" 2>&1
drc=$?
down_done=1
tap_check "down: nothing left" sh -c "[ $drc = 0 ] && grep -q 'nothing left' '$W/down.log'"

# ---------------------------------------------------------------- fresh
down_done=0
"$DEMO" --kea --batch --keep > "$W/bare.log" 2>&1
rc=$?
tap_check "make demo KEA=1: fresh machines up, hacon setup list over ssh, kept" \
    sh -c "[ $rc = 0 ] && grep -Eq '^ *[0-9]+ +preflight' '$W/bare.log' \
           && grep -q '^Kept' '$W/bare.log'"
[ "$rc" = 0 ] || sed 's/^/#   /' "$W/bare.log" | tail -n 30
tap_check "the answer dhcp_server=kea is in nodeone's /var/lib/hacon/answers (0600)" \
    sh -c "'$CL' exec nodeone grep -qx dhcp_server=kea /var/lib/hacon/answers \
           && [ \"\$('$CL' exec nodeone stat -c %a /var/lib/hacon/answers)\" = 600 ]"
"$CL" ssh nodeone hacon setup plan dhcp --answers /var/lib/hacon/answers \
    > "$W/plan.txt" 2>&1
sed 's/^/#   /' "$W/plan.txt" | grep -i kea | head -n 5
tap_check "the dhcp step's plan from those answers writes kea-dhcp4.conf" \
    grep -q 'kea-dhcp4.conf' "$W/plan.txt"
"$CL" down > "$W/down.log" 2>&1
drc=$?
down_done=1
tap_check "down: nothing left" sh -c "[ $drc = 0 ] && grep -q 'nothing left' '$W/down.log'"
echo "# t-demo-kea: $(elapsed "$T0") s"
tap_done
