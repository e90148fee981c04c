#!/bin/bash
# The guided setup end to end on the namespace test cluster: two bare
# nodes (tests/cluster/hc-cluster up --bare: networks, sshd, packages,
# nothing configured, corosync and pacemaker not started), then
# `hacon setup apply STEP --answers FILE --yes` on nodeone for every step,
# with the effect of each checked on both nodes:
#   cluster     corosync.conf and authkey the same on both, both Online; an
#               injected failure rolls back: the daemons the step started
#               are stopped, the files gone again
#   stonith     stonith-enabled=false; quorum: two_node kept
#   drbd        storage=shared: the loop device that stands in for
#               /dev/drbd1 gets its filesystem, and the step says there is
#               no DRBD
#   dhcp        one dhcpd.conf on both, the packaged service disabled in the
#               nodes' init links (not the host's), the lease file on the
#               new filesystem
#   resources   fs_data, testnet, dhcp started together; a DHCP client gets
#               a lease through the floating IP
#   migrate     the service moves, the lease is renewed with the same
#               address from the other node, the move constraint is gone
# and then the whole wizard again: every step done, nothing changes (the
# CIB configuration and every file byte for byte).
: "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$HACON_TOP/tests/tap.sh"

tap_need_root
tap_need_cmd ip nsenter unshare losetup mkfs.ext4 debugfs corosync \
    pacemakerd crm_mon crm_resource cibadmin dhcpd busybox sshd ssh python3 \
    modprobe
tap_need_netns
tap_need_init_scripts
[ -x "$HACON" ] || tap_skip_all "build/hacon not built (make)"

E2E_PREFIX=hcw E2E_NAME=wizard
. "$HACON_TOP/tests/wizard/lib-e2e.sh"

# ---------------------------------------------------------------- bare
if "$CL" up --bare > "$W/up.log" 2>&1; then
    tap_ok "up --bare: two fresh nodes ($(cat "$S/up.seconds")s)"
else
    tap_fail "up --bare"; sed 's/^/#   /' "$W/up.log" | tail -n 30
    tap_done
fi
# The answers live where the nodes see them (their /tmp is private).
ANS=$S/wizard.answers
cat > "$ANS" <<EOF
# No DRBD kernel module in the test cluster: /dev/drbd1 in the nodes is a
# loop device that both see (a shared disk).
storage=shared
shared_disk=$DISK_DEV
EOF
tap_check "bare: no corosync.conf or authkey, corosync and pacemaker not running" sh -c "
    for n in nodeone nodetwo; do
        ! '$CL' exec \$n test -e /etc/corosync/corosync.conf || exit 1
        ! '$CL' exec \$n test -e /etc/corosync/authkey || exit 1
        ! '$CL' exec \$n pidof corosync pacemakerd > /dev/null || exit 1
    done"
tap_check "bare: the shared disk is blank" sh -c \
    "[ -z \"\$('$CL' exec nodeone blkid -o value -s TYPE $DISK_DEV)\" ]"
HOST_RC=$(ls -l /etc/rc?.d 2> /dev/null | md5sum)
phase "up --bare"

out=$(X nodeone hacon setup list --answers "$ANS" 2>&1)
if echo "$out" | grep -Eq '^1 preflight +done' &&
    echo "$out" | grep -Eq '^2 cluster +to do' &&
    echo "$out" | grep -Eq '^4 stonith +blocked'; then
    tap_ok "setup list on the bare nodes: preflight done, cluster to do, the CIB steps blocked"
else
    tap_fail "setup list on the bare nodes"; echo "$out" | sed 's/^/#   /'
fi
phase "list (bare)"

# ---------------------------------------------------------------- cluster
t0=$(now)
apply cluster HACON_WIZARD_FAIL=cluster:apply
tap_check "cluster with a failure injected after the daemons started: exit 1, rolled back" sh -c \
    "[ \"\$(cat '$W/cluster.rc')\" = 1 ] && grep -q 'rolled back to' '$W/cluster.out'"
tap_check "the rollback stopped the daemons it started, on both nodes" sh -c \
    "grep -q 'undoing: \[nodetwo\] /etc/init.d/pacemaker stop' '$W/cluster.out' &&
     ! '$CL' exec nodeone pidof corosync pacemakerd > /dev/null &&
     ! '$CL' exec nodetwo pidof corosync pacemakerd > /dev/null"
tap_check "the rollback removed corosync.conf and authkey again, on both nodes" sh -c "
    for n in nodeone nodetwo; do
        ! '$CL' exec \$n test -e /etc/corosync/corosync.conf || exit 1
        ! '$CL' exec \$n test -e /etc/corosync/authkey || exit 1
    done"
phase "cluster, failed and rolled back"

apply cluster
applied cluster "cluster: applied and verified in $(elapsed "$t0")s"
tap_check "corosync.conf and authkey the same on both nodes, authkey mode 400" sh -c \
    "$(declare -f X same_on_both); CL='$CL'
     same_on_both /etc/corosync/corosync.conf && same_on_both /etc/corosync/authkey &&
     [ \"\$(X nodetwo stat -c %a /etc/corosync/authkey)\" = 400 ]"
tap_check "corosync and pacemaker run on both nodes (init scripts)" sh -c \
    "$(declare -f X running_on); CL='$CL'
     running_on nodeone corosync && running_on nodeone pacemakerd &&
     running_on nodetwo corosync && running_on nodetwo pacemakerd"
tap_check "both nodes see both nodes online" both_online
tap_check "corosync: knet, two_node, 2 members" sh -c \
    "'$CL' exec nodeone corosync-cmapctl -g totem.transport | grep -q knet &&
     '$CL' exec nodeone corosync-quorumtool -s | grep -Eq '^Nodes: +2' &&
     '$CL' exec nodeone corosync-quorumtool -s | grep -q 2Node"
# The authkey's bytes (raw, base64, parts) in no file of the state
# directory on either node (checkpoints, their transcripts of both runs,
# the rolled back one included) and not in hacon's output.
key_leaks() {
    X "$1" python3 - /etc/corosync/authkey /var/lib/hacon "$2" <<'PY'
import base64, os, sys
k = open(sys.argv[1], 'rb').read()
b = base64.b64encode(k)
needles = [k, k[:32], b, b[:44], base64.encodebytes(k).split(b'\n')[0]]
files = [f for f in sys.argv[3:] if f]
for d, _, fs in os.walk(sys.argv[2]):
    files += [os.path.join(d, f) for f in fs]
for f in files:
    if any(n in open(f, 'rb').read() for n in needles):
        print(f)
PY
}
cp "$W/cluster.out" "$S/cluster.out" 2> /dev/null
leaks="$(key_leaks nodeone "$S/cluster.out")$(key_leaks nodetwo)"
tap_check "the authkey is in no file of either node's state directory, nor in the output" \
    [ -z "$leaks" ]
[ -z "$leaks" ] || echo "$leaks" | sed 's/^/#   the key is in: /'
phase "cluster"

# ---------------------------------------------------------------- stonith, quorum
apply stonith
applied stonith "stonith: applied and verified"
tap_check "stonith-enabled=false in the CIB (seen from nodetwo)" sh -c \
    "'$CL' exec nodetwo crm_attribute -t crm_config -n stonith-enabled -G -q | grep -qx false"
tap_check "the stonith step warned what goes wrong without fencing" \
    grep -q '^WARNING: ' "$W/stonith.out"
apply quorum
tap_check "quorum (two_node, hacon's default): nothing to do, no-quorum-policy not set" sh -c \
    "[ \"\$(cat '$W/quorum.rc')\" = 0 ] && grep -q 'Nothing to do' '$W/quorum.out' &&
     ! '$CL' exec nodeone crm_attribute -t crm_config -n no-quorum-policy -G -q > /dev/null 2>&1"
phase "stonith, quorum"

# ---------------------------------------------------------------- storage
apply drbd
applied drbd "drbd (storage=shared): applied and verified"
tap_check "the step says there is no DRBD and names the shared disk" \
    grep -q "storage=shared: no DRBD; $DISK_DEV is" "$W/drbd.out"
tap_check "... and that $DISK_DEV is a loop device, not DRBD" \
    grep -q "$DISK_DEV is a loop device (block major 7), not DRBD" "$W/drbd.out"
tap_check "no drbdadm ran; mkfs.ext4 on $DISK_DEV did" sh -c \
    "! grep -q 'running drbdadm' '$W/drbd.out' && grep -q 'running mkfs.ext4 -q $DISK_DEV' '$W/drbd.out'"
tap_check "$DISK_DEV has ext4 now, seen from both nodes" sh -c \
    "[ \"\$('$CL' exec nodeone blkid -o value -s TYPE $DISK_DEV)\" = ext4 ] &&
     [ \"\$('$CL' exec nodetwo blkid -o value -s TYPE $DISK_DEV)\" = ext4 ]"
phase "drbd (shared disk)"

# ---------------------------------------------------------------- dhcp
apply dhcp
applied dhcp "dhcp: applied and verified"
tap_check "dhcpd.conf the same on both nodes, the floating IP as server identifier, leases on $DATA_DIR" sh -c \
    "$(declare -f X same_on_both); CL='$CL'
     same_on_both /etc/dhcp/dhcpd.conf &&
     X nodetwo grep -q 'server-identifier $VIP;' /etc/dhcp/dhcpd.conf &&
     X nodetwo grep -q 'lease-file-name \"$LEASES\";' /etc/dhcp/dhcpd.conf"
tap_check "dhcpd -t accepts it on nodetwo" X nodetwo dhcpd -t -q -cf /etc/dhcp/dhcpd.conf
tap_check "the packaged isc-dhcp-server is disabled in both nodes' init links" sh -c "
    for n in nodeone nodetwo; do
        '$CL' exec \$n sh -c 'ls /etc/rc2.d' | grep -qx K01isc-dhcp-server || exit 1
    done"
tap_check "the host's init links are untouched" \
    test "$(ls -l /etc/rc?.d 2> /dev/null | md5sum)" = "$HOST_RC"
tap_check "the lease file is on the new filesystem, which is unmounted again" sh -c \
    "'$CL' exec nodeone debugfs -R 'stat /dhcp/dhcpd.leases' $DISK_DEV 2>&1 | grep -q 'Type: regular' &&
     ! '$CL' exec nodeone mountpoint -q $DATA_DIR"
phase "dhcp"

# ---------------------------------------------------------------- resources
apply resources
applied resources "resources: applied and verified"
A=$(rsc_node dhcp)
tap_check "fs_data, testnet and dhcp run together (on ${A:-?})" all_on "${A:-none}" nodeone
tap_check "floating IP on ${A:-?}'s eth2 only" test "$(vip_owner)" = "$A"
tap_check "$DATA_DIR mounted on ${A:-?} only" sh -c \
    "'$CL' exec $A mountpoint -q $DATA_DIR && ! '$CL' exec $(other "${A:-nodeone}") mountpoint -q $DATA_DIR"
tap_check "crm_verify -L is clean on the live cluster" X nodeone crm_verify -L
tap_check "the constraints as ERRATA 13-15 say: dependents first, IP and filesystem before dhcpd" sh -c \
    "c=\$('$CL' exec nodeone cibadmin -Q -o constraints) &&
     echo \"\$c\" | grep -q 'rsc=\"dhcp\" with-rsc=\"fs_data\"' &&
     echo \"\$c\" | grep -q 'first=\"testnet\" then=\"dhcp\"' &&
     echo \"\$c\" | grep -q 'first=\"fs_data\" then=\"dhcp\"'"
if out=$("$CL" dhcp obtain 2>&1); then
    tap_ok "a DHCP client gets a lease through the floating IP: $out"
else
    tap_fail "DHCP lease through the floating IP"; echo "$out" | sed 's/^/#   /'
fi
LEASE=$("$CL" dhcp address)
tap_check "lease ${LEASE:-none} from the pool, server identifier $VIP, acknowledged by $A" sh -c \
    "grep -q ' bound ip=$LEASE serverid=$VIP ' '$S/client/events' &&
     '$CL' exec $A grep -q 'DHCPACK on $LEASE' /var/log/syslog"
phase "resources, first lease"

# ---------------------------------------------------------------- no agent
# dhcp's agent answered wrong (ocf:hacon:nosuch): the cluster reports
# "not installed" (5) at once; the step stops there instead of waiting
# out its 120 s, rolls back and clears those failures, so that dhcp runs
# again where it ran.
{ cat "$ANS"; echo dhcp_agent=ocf:hacon:nosuch; } > "$S/nosuch.answers"
t=$(now)
X nodeone hacon setup apply resources --answers "$S/nosuch.answers" --yes --force \
    > "$W/nosuch.out" 2>&1
rc=$?
secs=$(elapsed "$t")
tap_check "no agent: the step fails (exit $rc) at the cluster's 'not installed', after ${secs} s, not 120" sh -c \
    "[ $rc = 1 ] && grep -q \"^FAILED: dhcp [a-z]* on node[a-z]* returned 'not installed' (5)\" '$W/nosuch.out' &&
     grep -q 'not waiting for the rest of the 120 s; rolled back' '$W/nosuch.out' &&
     awk -v s=$secs 'BEGIN { exit !(s < 60) }'"
wait_for 60 "dhcp to run again on $A" all_on "$A" nodeone
tap_check "no agent: dhcp runs again on ${A:-?}" all_on "${A:-none}" nodeone
# The rollback clears the failures the apply caused (crm_resource
# --cleanup, when Pacemaker has not dropped them with the old definition).
tap_check "no agent: no failed action is left" sh -c \
    "! '$CL' exec nodeone crm_mon -1 | grep -q 'Failed Resource Actions'"
tap_check "no agent: the CIB has no trace of the wrong agent" sh -c \
    "! '$CL' exec nodeone cibadmin -Q -o resources | grep -q nosuch"
phase "resources with no agent"

# ---------------------------------------------------------------- migrate
B=$(other "${A:-nodeone}")
apply migrate
applied migrate "migrate: applied and verified"
tap_check "the service moved to $B (all three there)" all_on "$B" nodeone
tap_check "the step followed it and cleared the move: no cli-prefer/cli-ban left" sh -c \
    "grep -q 'running crm_resource --clear' '$W/migrate.out' &&
     ! '$CL' exec nodeone cibadmin -Q -o constraints | grep -q 'cli-'"
if out=$("$CL" dhcp renew 2>&1); then
    tap_ok "renew after the move: $out"
else
    tap_fail "renew after the move"; echo "$out" | sed 's/^/#   /'
fi
tap_check "renewed with the same address $LEASE, acknowledged by $B" sh -c \
    "tail -n 1 '$S/client/events' | grep -q ' renew ip=$LEASE serverid=$VIP ' &&
     '$CL' exec $B grep -q 'DHCPACK on $LEASE' /var/log/syslog"
phase "migrate, renew"

# ---------------------------------------------------------------- again
# snapshot DIR: the CIB configuration and every file the wizard wrote.
snapshot() {
    mkdir -p "$1"
    X nodeone cibadmin -Q --scope configuration > "$1/cib-configuration.xml"
    for n in nodeone nodetwo; do
        X "$n" sh -c 'md5sum /etc/corosync/corosync.conf /etc/corosync/authkey \
            /etc/dhcp/dhcpd.conf; ls -l /etc/rc?.d' > "$1/files-$n"
    done
    placement nodeone | sort > "$1/placement"
}
snapshot "$W/before"
# The pass's commands, from its transcript records (node in field 6,
# empty here; the command line in field 7).
out=$(X nodeone env HACON_TRANSCRIPT_FD=3 hacon setup list --answers "$ANS" 2>&1 3> "$W/list.rec")
if [ "$(echo "$out" | grep -Ec '^[1-9] [a-z]+ +done ')" = 9 ]; then
    tap_ok "setup list again: all 9 steps done"
else
    tap_fail "setup list again: all 9 steps done"; echo "$out" | sed 's/^/#   /'
fi
# One pass of the list asks each node a fact once, and a node's checks
# that can go together go in one command: on a slow node (a VM under
# emulation) every command costs most of a second.  (It ran 24 commands
# here and 26 on nodetwo, 4 of them twice.)
here=$(awk -F'\t' '$6 == ""' "$W/list.rec" | wc -l)
there=$(awk -F'\t' '$6 == "nodetwo"' "$W/list.rec" | wc -l)
twice=$(cut -f6,7 "$W/list.rec" | sort | uniq -d)
echo "# setup list on the final cluster: $here commands on nodeone, $there on nodetwo"
within() { [ "$1" -ge 1 ] && [ "$1" -le "$2" ]; }
tap_check "setup list again: at most 20 commands on nodeone ($here)" within "$here" 20
tap_check "setup list again: at most 20 commands on nodetwo ($there)" within "$there" 20
tap_check "setup list again: no command run twice in the pass" [ -z "$twice" ]
[ -n "$twice" ] && echo "$twice" | cut -c1-150 | sed 's/^/#   twice: /'
again_ok=1
for s in preflight cluster stonith quorum drbd dhcp resources migrate; do
    apply "$s"
    if [ "$(cat "$W/$s.rc")" != 0 ] || ! grep -q 'Nothing to do: the step is done' "$W/$s.out"; then
        again_ok=0
        echo "# $s again:"; sed 's/^/#   /' "$W/$s.out" | tail -n 20
    fi
done
tap_check "apply of every step again: each says nothing to do" test "$again_ok" = 1
snapshot "$W/after"
tap_diff "the CIB configuration is byte for byte the same" \
    "$W/before/cib-configuration.xml" "$W/after/cib-configuration.xml"
tap_diff "the files on nodeone are the same" "$W/before/files-nodeone" "$W/after/files-nodeone"
tap_diff "the files on nodetwo are the same" "$W/before/files-nodetwo" "$W/after/files-nodetwo"
tap_diff "the resources stayed where they were" "$W/before/placement" "$W/after/placement"
phase "the whole wizard again"

# ---------------------------------------------------------------- down
if "$CL" down --fast > "$W/down.log" 2>&1; then
    tap_ok "down: nothing left"
else
    tap_fail "down left something"; sed 's/^/#   /' "$W/down.log"
fi
down_done=1
phase "down"

printf '%s' "$phases"
echo "# wizard e2e total: $(elapsed "$T_ALL")s"
tap_done
