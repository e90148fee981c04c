#!/bin/bash
# The guided setup end to end with ISC Kea (dhcp_server=kea) on the
# namespace test cluster, then `hacon failover-test` on what it built:
#   bare        two bare nodes (hc-cluster up --bare --kea: Debian's
#               packaged kea-dhcp4.conf, kea-dhcp4-server enabled in the
#               nodes' init links), and on nodetwo a kea-dhcp4 that
#               Pacemaker did not start (as the packaged service runs it)
#   cluster .. drbd (storage=shared), as t-e2e.sh checks them in detail
#   dhcp        one kea-dhcp4.conf on both nodes (lease-database memfile on
#               /data with lfc-interval, the floating IP as server
#               identifier, one shared network on eth2), kea-dhcp4 -t
#               accepts it, the packaged kea-dhcp4-server disabled in both
#               nodes' init links (not the host's) and the stray kea-dhcp4
#               stopped, the lease directory on the new filesystem
#   resources   fs_data, testnet and dhcp (ocf:hacon:kea-dhcp4) started
#               together, ordered as dhcpd; a client gets a lease through
#               the floating IP, in Kea's lease file
#   migrate     the service moves, the client renews the same address from
#               the other node's Kea
#   failover    hacon failover-test move, standby, kill and crash, each
#               passing with every lease kept
#   again       every step done, nothing changes
: "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$HACON_TOP/tests/tap.sh"

tap_need_root
tap_need_cmd ip nsenter unshare losetup mkfs.ext4 debugfs corosync \
    pacemakerd crm_mon crm_resource cibadmin dhcpd kea-dhcp4 busybox sshd \
    ssh python3 modprobe
tap_need_netns
tap_need_init_scripts
[ -x "$HACON" ] || tap_skip_all "build/hacon not built (make)"
[ -f /etc/init.d/kea-dhcp4-server ] \
    || tap_skip_all "no /etc/init.d/kea-dhcp4-server (kea-dhcp4-server's package)"

# One instance per checkout, apart from t-e2e.sh's and the other suites'.
HC_DHCP_SERVER=kea
export HC_DHCP_SERVER
unset HC_DHCP_AGENT
E2E_PREFIX=hck E2E_NAME=wizkea
. "$HACON_TOP/tests/wizard/lib-e2e.sh"
KEA_CONF=/etc/kea/kea-dhcp4.conf

# ---------------------------------------------------------------- bare
if "$CL" up --bare --kea > "$W/up.log" 2>&1; then
    tap_ok "up --bare --kea: two fresh nodes ($(cat "$S/up.seconds")s)"
else
    tap_fail "up --bare --kea"; sed 's/^/#   /' "$W/up.log" | tail -n 30
    tap_done
fi
ANS=$S/wizard.answers
cat > "$ANS" <<EOF
# ISC Kea, recommended for a new cluster.
dhcp_server=kea
storage=shared
shared_disk=$DISK_DEV
EOF
tap_check "bare: the packaged kea-dhcp4-server starts at boot on both nodes" sh -c "
    for n in nodeone nodetwo; do
        '$CL' exec \$n sh -c 'ls /etc/rc2.d' | grep -qx 'S[0-9]*kea-dhcp4-server' || exit 1
    done"
# A kea-dhcp4 that Pacemaker did not start, on nodetwo, as the packaged
# service runs it (kea-dhcp4 -c /etc/kea/kea-dhcp4.conf) in a node without
# systemd: the admin's configuration, serving no interface, its lease file
# in the node's private /tmp.
X nodetwo sh -c 'cat > /etc/kea/kea-dhcp4.conf <<EOF
{ "Dhcp4": { "interfaces-config": { "interfaces": [ ] },
  "lease-database": { "type": "memfile", "persist": true,
                      "name": "/tmp/packaged-leases4.csv" } } }
EOF
KEA_PIDFILE_DIR=/tmp KEA_LOCKFILE_DIR=/tmp setsid kea-dhcp4 -c /etc/kea/kea-dhcp4.conf \
    < /dev/null > /tmp/packaged.log 2>&1 &'
wait_for 10 "the stray kea-dhcp4 on nodetwo" X nodetwo pidof kea-dhcp4
STRAY=$(X nodetwo pidof kea-dhcp4)
tap_check "bare: a kea-dhcp4 not started by Pacemaker runs on nodetwo (${STRAY:-none})" \
    test -n "$STRAY"
HOST_RC=$(ls -l /etc/rc?.d 2> /dev/null | md5sum)
phase "up --bare --kea"

# ---------------------------------------------------------------- cluster .. drbd
for s in cluster stonith quorum drbd; do
    apply "$s"
    if [ "$s" = quorum ]; then
        tap_check "quorum: nothing to do (two_node)" sh -c \
            "[ \"\$(cat '$W/quorum.rc')\" = 0 ] && grep -q 'Nothing to do' '$W/quorum.out'"
    else
        applied "$s" "$s: applied and verified"
    fi
done
tap_check "both nodes see both nodes online" both_online
phase "cluster, stonith, quorum, drbd"

# ---------------------------------------------------------------- dhcp
X nodeone hacon setup plan dhcp --answers "$ANS" > "$W/dhcp.plan" 2>&1
tap_check "dhcp plan: Kea recommended, dhcpd's end of life said" \
    grep -q "dhcp_server=kea: ISC Kea serves, not the tutorial's dhcpd, which reached its end of life in December 2022" \
    "$W/dhcp.plan"
tap_check "dhcp plan: the packaged kea-dhcp4-server stopped and disabled on nodetwo" sh -c \
    "grep -B1 '# stop the packaged kea-dhcp4-server' '$W/dhcp.plan' | grep -q nodetwo"
apply dhcp
applied dhcp "dhcp (Kea): applied and verified"
tap_check "kea-dhcp4.conf the same on both nodes: hacon's, leases on $DATA_DIR, the floating IP as server identifier" sh -c \
    "$(declare -f X same_on_both); CL='$CL'
     same_on_both $KEA_CONF &&
     X nodetwo grep -q '^# Written by hacon setup (step dhcp)' $KEA_CONF &&
     X nodetwo grep -q '\"name\": \"$LEASES\",' $KEA_CONF &&
     X nodetwo grep -q '\"lfc-interval\": 3600' $KEA_CONF &&
     X nodetwo grep -q '{ \"name\": \"dhcp-server-identifier\", \"data\": \"$VIP\" }' $KEA_CONF &&
     X nodetwo grep -q '\"subnet\": \"10.10.102.0/24\"' $KEA_CONF"
tap_check "kea-dhcp4 -t accepts it on nodetwo" X nodetwo kea-dhcp4 -t $KEA_CONF
tap_check "the packaged kea-dhcp4-server is disabled in both nodes' init links" sh -c "
    for n in nodeone nodetwo; do
        '$CL' exec \$n sh -c 'ls /etc/rc2.d' | grep -qx 'K[0-9]*kea-dhcp4-server' || exit 1
    done"
tap_check "the stray kea-dhcp4 on nodetwo was stopped" sh -c \
    "! '$CL' exec nodetwo kill -0 $STRAY 2> /dev/null"
tap_check "the host's init links are untouched" \
    test "$(ls -l /etc/rc?.d 2> /dev/null | md5sum)" = "$HOST_RC"
tap_check "the lease directory is on the new filesystem, which is unmounted again" sh -c \
    "'$CL' exec nodeone debugfs -R 'stat /kea' $DISK_DEV 2>&1 | grep -q 'Type: directory' &&
     ! '$CL' exec nodeone mountpoint -q $DATA_DIR"
phase "dhcp"

# ---------------------------------------------------------------- resources
apply resources
applied resources "resources: applied and verified"
A=$(rsc_node dhcp)
tap_check "fs_data, testnet and dhcp run together (on ${A:-?})" all_on "${A:-none}" nodeone
tap_check "dhcp is ocf:hacon:kea-dhcp4 with Kea's configuration, no leases parameter" sh -c \
    "r=\$('$CL' exec nodeone cibadmin -Q -o resources) &&
     echo \"\$r\" | grep -q 'id=\"dhcp\" class=\"ocf\" provider=\"hacon\" type=\"kea-dhcp4\"' &&
     echo \"\$r\" | grep -q 'name=\"config\" value=\"$KEA_CONF\"' &&
     ! echo \"\$r\" | grep -q 'dhcp-params-leases'"
tap_check "ordered and placed as dhcpd: after the filesystem and the IP, with both" sh -c \
    "c=\$('$CL' exec nodeone cibadmin -Q -o constraints) &&
     echo \"\$c\" | grep -q 'rsc=\"dhcp\" with-rsc=\"fs_data\"' &&
     echo \"\$c\" | grep -q 'rsc=\"dhcp\" with-rsc=\"testnet\"' &&
     echo \"\$c\" | grep -q 'first=\"testnet\" then=\"dhcp\"' &&
     echo \"\$c\" | grep -q 'first=\"fs_data\" then=\"dhcp\"'"
tap_check "Kea runs on ${A:-?} only, started by Pacemaker" sh -c \
    "'$CL' exec ${A:-nodeone} pidof kea-dhcp4 > /dev/null &&
     ! '$CL' exec $(other "${A:-nodeone}") pidof kea-dhcp4 > /dev/null"
if out=$("$CL" dhcp obtain 2>&1); then
    tap_ok "a DHCP client gets a lease from Kea through the floating IP: $out"
else
    tap_fail "DHCP lease through the floating IP"; echo "$out" | sed 's/^/#   /'
fi
LEASE=$("$CL" dhcp address)
# kea_rows NODE ADDRESS: the lease file's rows for ADDRESS, read there.
kea_rows() { X "$1" grep -c "^$2,$CLIENT_MAC," "$LEASES" 2> /dev/null; }
tap_check "lease ${LEASE:-none} from the pool, server identifier $VIP, in Kea's lease file on ${A:-?}" sh -c \
    "grep -q ' bound ip=$LEASE serverid=$VIP ' '$S/client/events' &&
     [ \"\$('$CL' exec ${A:-nodeone} grep -c '^$LEASE,$CLIENT_MAC,' $LEASES)\" -ge 1 ]"
phase "resources, first lease"

# ---------------------------------------------------------------- migrate
B=$(other "${A:-nodeone}")
apply migrate
applied migrate "migrate: applied and verified"
tap_check "the service moved to $B (all three there)" all_on "$B" nodeone
rows=$(kea_rows "$B" "$LEASE")
if out=$("$CL" dhcp renew 2>&1); then
    tap_ok "renew after the move: $out"
else
    tap_fail "renew after the move"; echo "$out" | sed 's/^/#   /'
fi
tap_check "renewed with the same address $LEASE by $B's Kea (a row more in the lease file there)" sh -c \
    "tail -n 1 '$S/client/events' | grep -q ' renew ip=$LEASE serverid=$VIP ' &&
     [ \"\$('$CL' exec $B grep -c '^$LEASE,$CLIENT_MAC,' $LEASES)\" -gt '${rows:-0}' ]"
phase "migrate, renew"

# ---------------------------------------------------------------- failover
# The relay of tests/failover/t-failover.sh: crash and start a node from
# the host for hacon in the other node.
. "$HACON_TOP/tests/failover/relay.sh"
fo_relay crash start
REPORTS=$S/reports
scenario() {
    local name=$1 a p t0 log rc; shift
    a=$(rsc_node dhcp nodeone)
    [ -n "$a" ] || a=$(rsc_node dhcp nodetwo)
    p=$(other "$a")
    log=$W/fo-$name.log
    t0=$(now)
    timeout 400 "$CL" exec "$p" hacon failover-test "$name" \
        --report-dir "$REPORTS/$name" --timeout 150 "$@" > "$log" 2>&1
    rc=$?
    grep -E '^[-0-9]+ [0-9:.]+ +[-+][0-9.]+ (dhcp|assert) ' "$log" | sed 's/^/#   /'
    if [ "$rc" = 0 ] && grep -q 'pass: leases-kept\|leases-kept.*pass' "$log"; then
        tap_ok "failover-test $name on Kea ($a -> $p): pass, every lease kept, in $(elapsed "$t0")s"
    else
        tap_fail "failover-test $name on Kea ($a -> $p): exit $rc"
        tail -n 40 "$log" | sed 's/^/#   /'
    fi
}
scenario move
scenario standby
scenario kill
tap_check "kill: Kea killed through its pid file, not another kea-dhcp4" \
    grep -q 'done in .*kill -KILL.* sh /run/kea/kea-dhcp4.kea-dhcp4.pid kea-dhcp4' "$W/fo-kill.log"
scenario crash --yes --crash-cmd "$REQ $RD {node} crash" \
    --restore-cmd "$REQ $RD {node} start"
kill "$relay_pid" 2> /dev/null; relay_pid=""
wait_for 60 "both nodes online again" both_online
phase "failover-test move, standby, kill, crash"

# ---------------------------------------------------------------- again
snapshot() {
    mkdir -p "$1"
    X nodeone cibadmin -Q --scope configuration > "$1/cib-configuration.xml"
    for n in nodeone nodetwo; do
        X "$n" sh -c "md5sum /etc/corosync/corosync.conf /etc/corosync/authkey \
            $KEA_CONF; ls -l /etc/rc?.d" > "$1/files-$n"
    done
}
snapshot "$W/before"
again_ok=1
for s in preflight cluster stonith quorum drbd dhcp resources; do
    apply "$s"
    if [ "$(cat "$W/$s.rc")" != 0 ] || ! grep -q 'Nothing to do: the step is done' "$W/$s.out"; then
        again_ok=0
        echo "# $s again:"; sed 's/^/#   /' "$W/$s.out" | tail -n 20
    fi
done
tap_check "apply of every step again: each says nothing to do" test "$again_ok" = 1
A=$(rsc_node dhcp)
tap_check "... and the cluster's Kea on ${A:-?} was not stopped by the dhcp step" \
    sh -c "'$CL' exec '${A:-nodeone}' pidof kea-dhcp4 > /dev/null"
snapshot "$W/after"
tap_diff "the CIB configuration is byte for byte the same" \
    "$W/before/cib-configuration.xml" "$W/after/cib-configuration.xml"
tap_diff "the files on nodeone are the same" "$W/before/files-nodeone" "$W/after/files-nodeone"
tap_diff "the files on nodetwo are the same" "$W/before/files-nodetwo" "$W/after/files-nodetwo"
phase "the whole wizard again"

if "$CL" down --fast > "$W/down.log" 2>&1; then
    tap_ok "down: nothing left"
else
    tap_fail "down left something"; sed 's/^/#   /' "$W/down.log"
fi
down_done=1
phase "down"
printf '%s' "$phases"
echo "# wizard e2e with Kea total: $(elapsed "$T_ALL")s"
tap_done
