#!/bin/bash
# End to end on the live two-node test cluster (tests/cluster/hc-cluster):
# `hacon status` on each node must agree with `crm_mon --output-as=xml`
# (nodes, resources, roles) on a fresh cluster with the tutorial's final
# configuration, with a node in standby, after moving a resource and
# clearing the move, after crashing the active node and bringing it back;
# a DHCP lease obtained through the floating IP is renewed after the
# failover with the same address; down leaves nothing behind.  One
# bring-up, through the demo script (without a terminal), serves all
# checks; the cluster is torn down on every exit.
: "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$HACON_TOP/tests/tap.sh"

tap_need_root
tap_need_cmd ip nsenter unshare losetup mkfs.ext4 corosync pacemakerd \
    crm_mon crm_resource crm dhcpd busybox sshd ssh python3 modprobe
tap_need_netns

# One instance per checkout: a crashed earlier run of this checkout is
# cleaned up by the next up; another checkout uses other namespaces.
HC_CLUSTER_PREFIX=hct$(printf '%s' "$HACON_TOP" | cksum | cut -c1-5)
export HC_CLUSTER_PREFIX
unset HC_CLUSTER_STATE
. "$HACON_TOP/tests/cluster/lib.sh"
CL=$HACON_TOP/tests/cluster/hc-cluster
CMP=$HACON_TOP/tests/cluster/status-compare.py
W=$(mktemp -d /tmp/hc-t-cluster.XXXXXX)
down_done=0
cleanup() {
    [ "$down_done" = 1 ] || "$CL" down > "$W/down-trap.log" 2>&1
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

T_ALL=$(now)
phase_t=$(now)
phases=""
phase() {   # phase NAME: closes the running phase
    phases="$phases$(printf '# phase %-28s %6ss' "$1" "$(elapsed "$phase_t")")
"
    echo "# phase $1: $(elapsed "$phase_t")s"
    phase_t=$(now)
}
X() { "$CL" exec "$@"; }
settle() { X "$1" timeout 100 crm_resource --wait --timeout=90s > /dev/null 2>&1; }
other() { [ "$1" = nodeone ] && echo nodetwo || echo nodeone; }

# hacon must be built with its status command: a required part, no skip.
if [ -x "$HACON" ] && "$HACON" help 2>&1 | grep -qw status; then
    tap_ok "build/hacon exists and has a status command"
else
    tap_fail "build/hacon exists and has a status command (run make)"
fi

# compare_on NODE DESC: hacon status --format=json in NODE against crm_mon
# there, taken while nothing changes (crm_mon before and after agree).
compare_on() {
    local n=$1 d=$2
    for _ in 1 2 3 4 5; do
        # One visit to the node: crm_mon, hacon, crm_mon again.
        rm -f "$W"/part*
        X "$n" sh -c 'crm_mon --output-as=xml 2> /dev/null; echo; echo @@SPLIT@@
            hacon status --format=json 2> /tmp/hacon.err; echo; echo @@SPLIT@@
            crm_mon --output-as=xml 2> /dev/null; echo; echo @@SPLIT@@
            cat /tmp/hacon.err' > "$W/visit" 2>&1
        awk -v d="$W" '/^@@SPLIT@@$/ { i++; next } { print > (d "/part" i) }' "$W/visit"
        touch "$W/part" "$W/part1" "$W/part2" "$W/part3"
        grep -v -e '<last_update ' -e 'last_updated=' "$W/part" > "$W/mon1.xml"
        mv "$W/part1" "$W/hacon.json"
        grep -v -e '<last_update ' -e 'last_updated=' "$W/part2" > "$W/mon2.xml"
        mv "$W/part3" "$W/hacon.err"
        if ! cmp -s "$W/mon1.xml" "$W/mon2.xml"; then
            echo "crm_mon changed while hacon ran" > "$W/cmp.out"
        elif python3 "$CMP" "$W/mon2.xml" "$W/hacon.json" > "$W/cmp.out" 2>&1; then
            tap_ok "$d"
            return 0
        fi
        sleep 1
    done
    tap_fail "$d"
    sed 's/^/#   /' "$W/cmp.out" "$W/hacon.err" | head -n 30
    return 1
}
# hacon_node_state NODE_ASKED NODE: the state hacon gives NODE.
hacon_node_state() {
    X "$1" hacon status --format=json 2> /dev/null | python3 -c '
import json, sys
for n in json.load(sys.stdin).get("nodes", []):
    if n.get("name") == sys.argv[1]:
        print(n.get("state"))' "$2"
}
dhcp_on() { all_on "$1" "$2"; }
all_together() { all_on nodeone "$1" || all_on nodetwo "$1"; }
node_flag() {   # node_flag ASKED NODE ATTR VALUE (crm_mon)
    X "$1" crm_mon --output-as=xml 2> /dev/null \
        | grep -q "<node name=\"$2\" [^>]*$3=\"$4\""
}

# ---------------------------------------------------------------- up
# Through the demo, as a newcomer starts it (`make demo FINAL=1`), without a
# terminal: up with the final configuration, hacon status over ssh, keep.
"$HACON_TOP/tests/cluster/demo.sh" --final --batch --keep > "$W/up.log" 2>&1
demo_rc=$?
if [ -s "$S/up.seconds" ]; then
    tap_ok "up --final: two nodes, tutorial's final configuration ($(cat "$S/up.seconds")s)"
else
    tap_fail "up --final"
    sed 's/^/#   /' "$W/up.log" | tail -n 30
    tap_done
fi
grep -E 'online|started|up in' "$W/up.log" | sed 's/^/#   /'
tap_check "the demo showed hacon status of both nodes over ssh, kept the cluster" \
    sh -c "[ $demo_rc = 0 ] && grep -q nodetwo '$W/up.log' && grep -q '^Kept' '$W/up.log'"
phase "demo --final (up)"

# The test cluster's corosync.conf is not hacon's text (a token timeout,
# other logging, its own comment) but makes the same cluster: the guided
# setup's cluster step finds it done and says so, with the diff.
X nodeone hacon setup plan cluster > "$W/cluster.plan" 2>&1
tap_check "setup: the running cluster's equivalent corosync.conf makes step cluster done" sh -c \
    "'$CL' exec nodeone hacon setup list 2>&1 | grep -Eq '^2 cluster +done .*an equivalent corosync.conf kept on both nodes'"
tap_check "setup: its plan shows what differs from hacon's file" sh -c \
    "grep -q 'Nothing to do: the step is done' '$W/cluster.plan' &&
     grep -q '\[nodetwo\] /etc/corosync/corosync.conf: an equivalent configuration is in place' '$W/cluster.plan' &&
     grep -q '^ *- *token: ' '$W/cluster.plan'"
phase "setup on the running cluster"

tap_check "both nodes see both nodes online" both_online
A=$(rsc_node dhcp)
B=$(other "$A")
tap_check "fs_data, testnet and dhcp run together (on $A)" all_together nodeone
tap_check "floating IP on $A's eth2 only" test "$(vip_owner)" = "$A"
tap_check "/data mounted in $A only (not in $B, not on the host)" sh -c \
    "'$CL' exec $A mountpoint -q /data && ! '$CL' exec $B mountpoint -q /data \
     && ! grep -q ' /data ' /proc/mounts"
tap_check "/dev/drbd1 in the nodes is the loop device (DRBD stand-in)" sh -c \
    "[ \"\$('$CL' exec $A stat -c %t:%T /dev/drbd1)\" = \"\$(stat -c %t:%T \$(cat '$S/loopdev'))\" ]"
tap_check "corosync: knet, aes256 crypto, 2 members" sh -c \
    "'$CL' exec nodeone corosync-cmapctl -g totem.crypto_cipher | grep -q aes256 \
     && '$CL' exec nodeone corosync-cmapctl -g totem.transport | grep -q knet \
     && '$CL' exec nodeone corosync-quorumtool -s | grep -Eq '^Nodes: +2'"
tap_check "each node has its own hostname, PID 1 and /run" sh -c \
    "[ \"\$('$CL' exec nodetwo hostname)\" = nodetwo ] \
     && '$CL' exec nodeone ps -o comm= -p 1 | grep -q python3 \
     && [ \"\$('$CL' exec nodeone cat /run/hc/pacemakerd.pid)\" != '' ] \
     && ! [ -e /run/hc/pacemakerd.pid ]"
tap_check "admin ssh to nodeone, and nodeone ssh to nodetwo" sh -c \
    "[ \"\$('$CL' ssh nodeone 'hostname; ssh nodetwo hostname' | tr '\n' ' ')\" = 'nodeone nodetwo ' ]"
tap_check "hacon is installed in the nodes (as make install puts it)" \
    X nodeone sh -c 'command -v hacon > /dev/null'
tap_check "the nodes run this tree's agent, from a resource.d of their own" \
    X nodeone sh -c "cmp -s '$HACON_TOP/agents/dhcpd' \
        /usr/lib/ocf/resource.d/hacon/dhcpd \
        && mountpoint -q /usr/lib/ocf/resource.d/hacon \
        && test -d /usr/lib/ocf/resource.d/heartbeat"
tap_check "hacon status over ssh on $B shows both nodes" sh -c \
    "'$CL' ssh $B hacon status | grep -q nodeone"
compare_on nodeone "hacon status = crm_mon on nodeone (fresh cluster)"
compare_on nodetwo "hacon status = crm_mon on nodetwo (fresh cluster)"
phase "fresh-cluster checks"

# ---------------------------------------------------------------- DHCP
if out=$("$CL" dhcp obtain 2>&1); then
    tap_ok "DHCP lease through the floating IP: $out"
else
    tap_fail "DHCP lease through the floating IP"; echo "$out" | sed 's/^/#   /'
fi
LEASE=$("$CL" dhcp address)
tap_check "lease $LEASE is from the pool, server identifier $VIP" sh -c \
    "grep -q ' bound ip=$LEASE serverid=$VIP ' '$S/client/events' \
     && case $LEASE in 10.10.101.1[0-9][0-9]) true ;; *) false ;; esac"
phase "dhcp obtain"

# ---------------------------------------------------------------- standby
X nodeone crm_attribute --node "$A" --name standby --update on > /dev/null
wait_for 60 "resources on $B after $A went standby" dhcp_on "$B" nodeone
settle nodeone
tap_check "$A standby: resources moved to $B" dhcp_on "$B" nodeone
compare_on "$A" "hacon status = crm_mon on $A ($A standby)"
compare_on "$B" "hacon status = crm_mon on $B ($A standby)"
tap_check "hacon says $A is standby" test "$(hacon_node_state "$B" "$A")" = standby
X nodeone crm_attribute --node "$A" --name standby --update off > /dev/null
wait_for 30 "$A back online (not standby)" node_flag nodeone "$A" standby false
settle nodeone
phase "standby"

# ---------------------------------------------------------------- move
C=$(rsc_node dhcp)
D=$(other "$C")
X nodeone crm_resource --move -r dhcp -N "$D" > /dev/null 2>&1
wait_for 60 "dhcp moved to $D" dhcp_on "$D" nodeone
settle nodeone
tap_check "crm_resource --move dhcp $D: all three on $D" dhcp_on "$D" nodeone
tap_check "the move left cli-prefer-dhcp" sh -c \
    "'$CL' exec nodeone cibadmin -Q -o constraints | grep -q 'id=\"cli-prefer-dhcp\"'"
compare_on nodeone "hacon status = crm_mon on nodeone (after move)"
compare_on nodetwo "hacon status = crm_mon on nodetwo (after move)"
X nodeone crm_resource --clear -r dhcp > /dev/null 2>&1
settle nodeone
tap_check "crm_resource --clear removed cli-prefer-dhcp" sh -c \
    "! '$CL' exec nodeone cibadmin -Q -o constraints | grep -q 'cli-prefer-dhcp'"
compare_on nodeone "hacon status = crm_mon on nodeone (move cleared)"
phase "move and clear"

# ---------------------------------------------------------------- crash
E=$(rsc_node dhcp)
F=$(other "$E")
if out=$("$CL" dhcp renew 2>&1); then
    tap_ok "renew before the crash (served by $E): $out"
else
    tap_fail "renew before the crash"; echo "$out" | sed 's/^/#   /'
fi
t0=$(now)
"$CL" node "$E" crash > /dev/null 2>&1
if wait_for 60 "resources on $F after $E crashed" dhcp_on "$F" "$F"; then
    tap_ok "$E crashed: resources on $F after $(elapsed "$t0")s"
else
    tap_fail "$E crashed: resources on $F"
fi
settle "$F"
tap_check "crm_mon on $F shows $E offline" node_flag "$F" "$E" online false
tap_check "hacon on $F says $E is offline or unclean" sh -c \
    "case \$1 in offline|unclean) true ;; *) false ;; esac" _ "$(hacon_node_state "$F" "$E")"
compare_on "$F" "hacon status = crm_mon on $F ($E crashed)"
if out=$("$CL" dhcp renew 2>&1); then
    tap_ok "renew after the failover: $out"
else
    tap_fail "renew after the failover"; echo "$out" | sed 's/^/#   /'
fi
tap_check "renewed with the same address $LEASE" sh -c \
    "tail -n 1 '$S/client/events' | grep -q ' renew ip=$LEASE serverid=$VIP '"
tap_check "$F's dhcpd acknowledged it (its syslog)" sh -c \
    "'$CL' exec $F grep -q 'DHCPACK on $LEASE' /var/log/syslog"
phase "crash and failover"
t0=$(now)
if "$CL" node "$E" start > "$W/start.log" 2>&1 \
    && wait_for 30 "$E online on both" both_online; then
    tap_ok "$E back: both nodes online after $(elapsed "$t0")s"
else
    tap_fail "$E back online"; sed 's/^/#   /' "$W/start.log"
fi
settle nodeone
compare_on nodeone "hacon status = crm_mon on nodeone ($E back)"
compare_on nodetwo "hacon status = crm_mon on nodetwo ($E back)"
phase "node back"

# ---------------------------------------------------------------- down
if "$CL" down > "$W/down.log" 2>&1; then
    tap_ok "down: no process, mount, loop device or namespace left"
else
    tap_fail "down left something"; sed 's/^/#   /' "$W/down.log"
fi
down_done=1
tap_check "no namespace of this instance in ip netns" sh -c \
    "! ip netns list | grep -q '^$HC_CLUSTER_PREFIX-'"
tap_check "no loop device on the shared disk image" sh -c \
    "[ -z \"\$(losetup -j '$DISK_IMG' 2> /dev/null)\" ]"
phase "down"

printf '%s' "$phases"
echo "# cluster suite total: $(elapsed "$T_ALL")s"
tap_done
