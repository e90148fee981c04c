#!/bin/bash
# A quorum device for real on the namespace test cluster: `hc-cluster up
# --qnetd` adds a third host, qnetd (management network only), where
# corosync-qnetd is installed but never set up.  hacon's step fence with
# fencing=qdevice, run on nodeone as an admin would:
#   * its plan says why diskless sbd on two nodes is unsafe without the
#     third vote, and skips the diskless sbd half with its reason (a
#     namespace node shares this machine's kernel: a watchdog opened there
#     would reset the machine), so it never starts sbd or loads softdog;
#   * Ctrl-C in the admin's terminal during the apply: the step ends, then
#     is rolled back, and nothing of it is left;
#   * apply makes qnetd's certificate database on the third host over ssh,
#     the nodes' certificates, starts corosync-qnetd and corosync-qdevice,
#     puts the quorum device in corosync.conf in two_node's place and has
#     corosync read it without a restart; corosync-quorumtool -s counts
#     the Qdevice vote on both nodes, corosync-qdevice-tool -s says
#     Connected, corosync-qnetd-tool -l lists the cluster;
#   * hacon status (text, JSON) and the console's corosync view and header
#     show the quorum device (its vote; without it during the split);
#   * steps cluster and quorum take the quorum device for done (not
#     "differs"), and re-running fence and cluster changes nothing;
#   * a split: the HA link cut and nodeone cut from qnetd: nodetwo, which
#     still reaches qnetd, keeps quorum (although ffsplit's tie-breaker
#     favours nodeone), nodeone loses it; both quorate again once healed;
#   * rollback: corosync.conf as before on both nodes, corosync back to
#     two_node (2Node flag), corosync-qdevice and corosync-qnetd stopped;
#   * from fencing=agent (step fence applied for real: fence_ipmilan to
#     the BMCs of `up --bmc`): on nodes of their own (the live CIB in a
#     file, as a VM's plan sees it) the plan removes the two running
#     devices, and crm_verify's warning that they are active orphans is
#     shown, not a refusal; in a namespace node, where the diskless sbd
#     half is skipped, the plan keeps both devices and stonith-enabled=true
#     (the cluster's only fencing), and crm_verify finds the CIB clean.
#   * the quorum device's heuristics: fencing=qdevice applied over
#     fencing=agent, the service on nodetwo (the higher node ID), the HA
#     link cut with both nodes reaching qnetd: nodetwo keeps quorum, the
#     Qdevice vote and the same dhcpd, nodeone is fenced by its BMC and
#     joins again; hacon status says the heuristics' result (Pass, Fail).
: "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$HACON_TOP/tests/tap.sh"

tap_need_root
tap_need_cmd ip nsenter unshare losetup mkfs.ext4 corosync pacemakerd \
    crm_mon crm cibadmin busybox sshd ssh python3 modprobe tmux \
    corosync-qnetd corosync-qdevice corosync-qnetd-certutil \
    corosync-qdevice-net-certutil ipmi_sim ipmitool fence_ipmilan
tap_need_netns
[ -x "$HACON" ] || tap_skip_all "build/hacon not built (make)"

SUITE_NAME=qdevice SUITE_PREFIX=q
. "$HACON_TOP/tests/cluster/suite.sh"
csock=hcqcon$$
sampler_pid=""
suite_cleanup_extra() {
    X nodeone tmux -L "$csock" kill-server > /dev/null 2>&1
    X nodetwo tmux -L "$csock" kill-server > /dev/null 2>&1
    [ -n "$sampler_pid" ] && kill "$sampler_pid" 2> /dev/null
}
setup() {   # setup ARGS...: hacon setup on nodeone; $W/out, $W/rc
    X nodeone hacon setup "$@" > "$W/out" 2>&1
    echo $? > "$W/rc"
}
# ocheck DESC CMD...: tap_check that shows hacon's output when it fails.
ocheck() {
    local d=$1; shift
    if "$@"; then tap_ok "$d"; else tap_fail "$d"; tail -n 20 "$W/out" | sed 's/^/#   /'; fi
}
qtool() { X "$1" corosync-quorumtool -s 2> /dev/null; }
quorate() { qtool "$1" | grep -q '^Quorate: *Yes'; }
not_quorate() { qtool "$1" | grep -q '^Quorate: *No'; }
# The Qdevice line of corosync-quorumtool -s: "0 VOTES Qdevice".
qdevice_votes() { qtool "$1" | awk '$1 == 0 && $3 == "Qdevice" { print $2 }'; }
conf_sums() {
    for n in nodeone nodetwo; do X "$n" md5sum /etc/corosync/corosync.conf; done
}

# ---------------------------------------------------------------- up
if "$CL" up --qnetd --bmc > "$W/up.log" 2>&1; then
    tap_ok "up --qnetd --bmc: both nodes online, a third host qnetd, a BMC per node ($(cat "$S/up.seconds")s)"
else
    tap_fail "up --qnetd --bmc"; sed 's/^/#   /' "$W/up.log" | tail -n 30
    tap_done
fi
tap_check "qnetd: nodeone reaches it over ssh as root; corosync-qnetd installed, not set up, not running" sh -c \
    "'$CL' exec nodeone ssh -o BatchMode=yes root@$QNETD_HOST hostname | grep -qx $QNETD_HOST &&
     ! '$CL' exec $QNETD_HOST test -e /etc/corosync/qnetd/nssdb/cert9.db &&
     ! '$CL' exec $QNETD_HOST pidof corosync-qnetd > /dev/null"
qtool nodeone > "$W/q-before"
tap_check "before: corosync runs with two_node (2Node flag), no Qdevice" sh -c \
    "grep -q '^Flags: *2Node' '$W/q-before' && ! grep -q Qdevice '$W/q-before'"
conf_sums > "$W/conf-before"
X nodeone cat /etc/corosync/corosync.conf > "$W/corosync.conf-before"
# What step fence with fencing=agent (or sbd) leaves for a split: its
# priority-fencing-delay and a priority on every resource.  An admin who
# switches to fencing=qdevice gets them removed (qnetd decides which half
# keeps the service, and only that half fences).
# (Its devices gone, as this cluster has none: fencing off, as step stonith
# leaves it, so that crm_verify accepts the changed CIB.)
X nodeone crm_attribute --type crm_config --name stonith-enabled --update false > /dev/null 2>&1
X nodeone cibadmin -Q --scope configuration > "$W/cib-bare" 2> /dev/null
X nodeone crm_attribute --type crm_config --name priority-fencing-delay --update 25s > /dev/null 2>&1
prio='<meta_attributes id="hacon-fence-priority"><nvpair id="hacon-fence-priority-priority" name="priority" value="1"/></meta_attributes>'
X nodeone cibadmin --create --scope rsc_defaults --xml-text "$prio" > /dev/null 2>&1 ||
    X nodeone cibadmin --create --scope configuration --xml-text "<rsc_defaults>$prio</rsc_defaults>" > /dev/null 2>&1
X nodeone cibadmin -Q --scope configuration > "$W/cib-before" 2> /dev/null
tap_check "before: priority-fencing-delay=25s and hacon's resources' priority in the CIB, as fencing=agent leaves them" sh -c \
    "grep -q 'name=\"priority-fencing-delay\" value=\"25s\"' '$W/cib-before' && grep -q 'id=\"hacon-fence-priority\"' '$W/cib-before'"
# prio_gone FILE: the CIB configuration in FILE is cib-bare's (an empty
# rsc_defaults apart).
prio_gone() { diff <(grep -v '<rsc_defaults/>' "$W/cib-bare") <(grep -v '<rsc_defaults/>' "$1") > /dev/null; }
phase "up --qnetd --bmc"

# ---------------------------------------------------------------- plan
ANS=$S/qd.answers
{ printf '%s\n' storage=shared "shared_disk=$DISK_DEV"
  "$CL" fence-answers --qdevice; } > "$ANS"
setup plan fence --answers "$ANS"
ocheck "plan: the quorum device in two_node's place in corosync.conf, on both nodes" sh -c \
    "[ \$(cat '$W/rc') = 0 ] &&
     grep -Eq '^    \+[[:space:]]+model: net' '$W/out' && grep -Eq '^    \+[[:space:]]+host: $QNETD_HOST' '$W/out' &&
     grep -Eq '^    -[[:space:]]+two_node: 1' '$W/out' && [ \"\$(grep -c '/etc/corosync/corosync.conf (mode' '$W/out')\" = 2 ]"
ocheck "plan: qnetd set up over ssh (its certificate database), the nodes' certificates, qnetd and both qdevices started, corosync reloaded" sh -c \
    "grep -q '^  \[$QNETD_HOST\] sh -c .corosync-qnetd-certutil -i -G' '$W/out' &&
     grep -q '^  corosync-qdevice-net-certutil -Q -n hacluster $QNETD_HOST nodeone nodetwo' '$W/out' &&
     grep -q '^  \[$QNETD_HOST\] sh -c .*corosync-qnetd start' '$W/out' &&
     grep -q '^  corosync-cfgtool -R' '$W/out' &&
     grep -q '^  \[nodetwo\] sh -c .*corosync-qdevice start' '$W/out'"
ocheck "plan: the agent's priority-fencing-delay and the resources' priority removed, and why" sh -c \
    "grep -q '^  crm configure property priority-fencing-delay=0' '$W/out' &&
     grep -q '^  crm configure rsc_defaults priority=0' '$W/out' &&
     grep -q 'priority-fencing-delay and the resources. priority (rsc_defaults hacon-fence-priority) removed: with a quorum device only the half that keeps its vote fences' '$W/out'"
ocheck "plan: why diskless sbd on two nodes is unsafe without the third vote" sh -c \
    "grep -q 'Diskless sbd on two nodes alone is not safe: with two_node: 1 both halves of a split network keep quorum' '$W/out'"
ocheck "plan: the diskless sbd half SKIPPED in a namespace node, with the reason; what a real node would get shown (SBD_WATCHDOG_TIMEOUT=35)" sh -c \
    "grep -q 'SKIPPED: diskless sbd. nodeone runs in a container (hc-cluster): it shares its host.s kernel' '$W/out' &&
     grep -q '^  SBD_WATCHDOG_TIMEOUT=35' '$W/out'"
# Never on this machine: sbd started, softdog loaded, a watchdog opened.
# What the plan does: its crm shell equivalent, files, CIB and commands.
{ sed -n '/^The same in crm shell:/,/^$/p' "$W/out"; sed -n '/^Files:/,$p' "$W/out"; } > "$W/does"
if grep -Eq 'sbd|modprobe|softdog|watchdog' "$W/does"; then
    tap_fail "plan: nothing of sbd or a watchdog (the apply would start one on this machine's kernel): not applied"
    grep -E 'sbd|modprobe|softdog|watchdog' "$W/does" | sed 's/^/#   /'
    tap_done
fi
tap_ok "plan: nothing of sbd or a watchdog"
X nodeone crm_attribute --type crm_config --name no-quorum-policy --update ignore > /dev/null 2>&1
setup plan fence --answers "$ANS"
ocheck "plan, with the tutorial's no-quorum-policy=ignore in the CIB: a warning that the half without the vote would keep the service" \
    grep -q "^WARNING: no-quorum-policy=ignore (the tutorial's) is in the CIB" "$W/out"
X nodeone crm_attribute --type crm_config --name no-quorum-policy --delete > /dev/null 2>&1
phase "plan"

# ---------------------------------------------------------------- interrupted
# Ctrl-C in the admin's terminal while the certificates are made: the
# step goes on to its end, then is rolled back; nothing stays changed.
isock=hcqint$$
X nodeone tmux -L "$isock" new-session -d -x 200 -y 50 \
    "hacon setup apply fence --answers $ANS --yes > /run/hc/int.out 2>&1; echo EXIT=\$? >> /run/hc/int.out; sleep 120"
iout() { X nodeone cat /run/hc/int.out 2> /dev/null; }
wait_for 60 "apply at the certificates" sh -c "$(declare -f X iout); CL='$CL'; iout | grep -q 'running corosync-qdevice-net-certutil'"
X nodeone tmux -L "$isock" send-keys C-c
wait_for 120 "the interrupted apply to end" sh -c "$(declare -f X iout); CL='$CL'; iout | grep -Eq '^EXIT=|^Step fence rolled back|^ROLLBACK FAILED|^FAILED'"
wait_for 20 "hacon to exit" sh -c "! '$CL' exec nodeone pidof hacon"
iout > "$W/int.out"
X nodeone tmux -L "$isock" kill-server 2> /dev/null
conf_sums > "$W/conf-int"
qtool nodeone > "$W/q-int"
if grep -q 'Step fence rolled back (interrupted)' "$W/int.out" && cmp -s "$W/conf-before" "$W/conf-int" &&
   grep -q '^Flags: *2Node' "$W/q-int" && ! grep -q Qdevice "$W/q-int" &&
   ! X nodeone pidof corosync-qdevice > /dev/null && ! X nodetwo pidof corosync-qdevice > /dev/null &&
   ! X "$QNETD_HOST" pidof corosync-qnetd > /dev/null &&
   ! X "$QNETD_HOST" test -e /etc/corosync/qnetd/nssdb && ! X nodetwo test -e /etc/corosync/qdevice/net/nssdb; then
    tap_ok "Ctrl-C during the apply: the step ends, then is rolled back (corosync.conf as before, 2Node, no qdevice, qnetd stopped, no certificates)"
else
    tap_fail "Ctrl-C during the apply: rolled back, nothing left changed"; tail -n 25 "$W/int.out" | sed 's/^/#   /'
fi
phase "interrupted apply"

# ---------------------------------------------------------------- apply
t0=$(now)
setup apply fence --answers "$ANS" --yes
t_apply=$(elapsed "$t0")
ocheck "apply fence (qdevice): applied and verified ($t_apply s)" sh -c \
    "[ \$(cat '$W/rc') = 0 ] && grep -q '^Step fence applied and verified' '$W/out' &&
     grep -q 'quorum device: corosync counts its vote (1), corosync-qdevice connected to $QNETD_HOST on both nodes' '$W/out'"
for n in nodeone nodetwo; do
    qtool "$n" > "$W/q-$n"
    tap_check "$n: corosync-quorumtool -s counts the Qdevice vote (1 of 3 expected), no 2Node flag" sh -c \
        "[ \"\$(awk '\$1 == 0 && \$3 == \"Qdevice\" { print \$2 }' '$W/q-$n')\" = 1 ] &&
         grep -q '^Expected votes: *3' '$W/q-$n' && grep -q '^Total votes: *3' '$W/q-$n' &&
         grep -q '^Flags: *Quorate Qdevice' '$W/q-$n' && ! grep -q 2Node '$W/q-$n'"
    X "$n" corosync-qdevice-tool -s > "$W/qd-$n" 2>&1
    tap_check "$n: corosync-qdevice-tool -s: connected to $QNETD_HOST, ffsplit" sh -c \
        "grep -Eq '^State:[[:space:]]+Connected' '$W/qd-$n' && grep -q 'QNetd host:.*$QNETD_HOST:5403' '$W/qd-$n' &&
         grep -q 'Fifty-Fifty split' '$W/qd-$n'"
done
X "$QNETD_HOST" corosync-qnetd-tool -l > "$W/qnetd-l" 2>&1
tap_check "qnetd: corosync-qnetd-tool -l lists cluster hacluster with both nodes" sh -c \
    "grep -q 'Cluster \"hacluster\"' '$W/qnetd-l' && grep -q 'Node ID 1:' '$W/qnetd-l' && grep -q 'Node ID 2:' '$W/qnetd-l'"
tap_check "qnetd's database readable by its daemon's group (coroqnetd), as the package makes it" sh -c \
    "[ \"\$('$CL' exec $QNETD_HOST stat -c %G /etc/corosync/qnetd/nssdb/cert9.db)\" = coroqnetd ]"
X nodeone cibadmin -Q --scope configuration > "$W/cib-after" 2> /dev/null
tap_check "no sbd runs, no /etc/default/sbd written, the CIB configuration unchanged (no stonith-enabled without a way to fence)" sh -c \
    "! '$CL' exec nodeone pidof sbd > /dev/null && ! '$CL' exec nodetwo pidof sbd > /dev/null &&
     ! '$CL' exec nodeone grep -qs Diskless /etc/default/sbd &&
     ! '$CL' exec nodetwo grep -qs Diskless /etc/default/sbd"
tap_check "... but for priority-fencing-delay and the resources' priority: removed" prio_gone "$W/cib-after"
conf_sums > "$W/conf-applied"
phase "apply"

# ---------------------------------------------------------------- status
X nodeone hacon status > "$W/status" 2>&1
X nodeone hacon status --format=json > "$W/status.json" 2>&1
tap_check "hacon status: the quorum device connected, its vote counted (text and JSON)" sh -c \
    "grep -qx 'Quorum device: Qdevice, connected, its vote counted (1)' '$W/status' &&
     python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(d[\"quorum_device\"] != \"Qdevice, connected, its vote counted (1)\")' '$W/status.json'"

# ---------------------------------------------------------------- console
X nodeone tmux -L "$csock" new-session -d -x 100 -y 30 \
    "env TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 hacon; sleep 60"
cscreen() { X nodeone tmux -L "$csock" capture-pane -p; }
cwait() {   # cwait SECONDS REGEX
    wait_for "$1" "console: $2" sh -c "$(declare -f X cscreen); CL='$CL' csock=$csock; cscreen | grep -Eq \"$2\""
}
cwait 30 "Quorum: yes, votes 3/3 .*qdevice"
tap_check "console header: quorum 3/3 with the quorum device" [ $? = 0 ]
X nodeone tmux -L "$csock" send-keys 3
cwait 20 "Quorum device \\(Qdevice\\): connected, its vote counted \\(1\\)"
tap_check "console corosync view: the quorum device connected, its vote" [ $? = 0 ]
# Its heuristics' result beside it (the step gave the device heuristics),
# as corosync-qdevice-tool -s says it on nodeone (read by the console in
# the background).
qd1=$(X nodeone corosync-qdevice-tool -s 2> /dev/null | awk '/^Heuristics result:/ { print $3 }')
[ -n "$qd1" ] && cwait 10 "Qdevice heuristics: $qd1 \\(at the last membership change\\)"
tap_check "console corosync view: the quorum device's heuristics result (${qd1:-none from corosync-qdevice-tool -s}, as corosync-qdevice-tool -s says)" [ $? = 0 ]
cscreen > "$W/console"
X nodeone tmux -L "$csock" send-keys q
phase "console"

# ---------------------------------------------------------------- reruns
setup list --answers "$ANS"
ocheck "list: cluster done (the quorum device taken for two_node), fence done, quorum done" sh -c \
    "grep -Eq '^2 cluster +done' '$W/out' && grep -Eq '^3 fence +done .*quorum device of $QNETD_HOST votes' '$W/out' &&
     grep -Eq '^5 quorum +done .*quorum device' '$W/out'"
setup plan cluster --answers "$ANS"
ocheck "plan cluster: nothing to do, corosync.conf with the quorum device kept (its diff under one Notes: title)" sh -c \
    "[ \$(cat '$W/rc') = 0 ] && grep -q 'an equivalent configuration is in place.*kept, not rewritten' '$W/out' &&
     grep -q '^Nothing to do: the step is done' '$W/out' && [ \"\$(grep -c '^Notes:' '$W/out')\" = 1 ] &&
     grep -Eq '^  -[[:space:]]+device \\{' '$W/out'"
pid1=$(X nodeone pidof corosync-qdevice)
setup apply cluster --answers "$ANS" --yes
ocheck "apply cluster again: nothing to do (exit $(cat "$W/rc"))" sh -c \
    "[ \$(cat '$W/rc') = 0 ] && ! grep -q 'Applying step' '$W/out'"
setup apply fence --answers "$ANS" --yes
ocheck "apply fence again: nothing to do (exit $(cat "$W/rc"))" sh -c \
    "[ \$(cat '$W/rc') = 0 ] && ! grep -q 'Applying step' '$W/out'"
conf_sums > "$W/conf-rerun"
tap_check "... corosync.conf and corosync-qdevice untouched by the reruns, the Qdevice still votes" sh -c \
    "cmp -s '$W/conf-applied' '$W/conf-rerun' && [ \"\$('$CL' exec nodeone pidof corosync-qdevice)\" = '$pid1' ] &&
     [ \"\$('$CL' exec nodeone corosync-quorumtool -s | awk '\$1 == 0 && \$3 == \"Qdevice\" { print \$2 }')\" = 1 ]"
phase "reruns"

# ---------------------------------------------------------------- split
# The HA link cut (as failover-test cut does) and nodeone cut from qnetd
# (its management link): only nodetwo reaches the third vote.  ffsplit's
# tie-breaker is the lowest node ID, nodeone: nodetwo keeps quorum only
# because qnetd's vote is its own.
t0=$(now)
ip -n "$(ns_of nodeone)" link set eth1 down
ip -n "$(ns_of nodeone)" link set eth0 down
wait_for 60 "nodeone without quorum" not_quorate nodeone
t_lost=$(elapsed "$t0")
wait_for 30 "nodetwo with quorum and the Qdevice vote" sh -c \
    "$(declare -f X qtool quorate qdevice_votes); CL='$CL'; quorate nodetwo && [ \"\$(qdevice_votes nodetwo)\" = 1 ]"
qtool nodeone > "$W/split-one"
qtool nodetwo > "$W/split-two"
tap_check "split, qnetd reachable by nodetwo only: nodetwo keeps quorum with the Qdevice vote (2 of 3)" sh -c \
    "grep -q '^Quorate: *Yes' '$W/split-two' && grep -q '^Total votes: *2' '$W/split-two' &&
     [ \"\$(awk '\$1 == 0 && \$3 == \"Qdevice\" { print \$2 }' '$W/split-two')\" = 1 ]"
tap_check "... nodeone loses quorum ($t_lost s after the cut), its Qdevice without a vote" sh -c \
    "grep -q '^Quorate: *No' '$W/split-one' && grep -q 'Activity blocked' '$W/split-one' &&
     [ \"\$(awk '\$1 == 0 && \$3 == \"Qdevice\" { print \$2 }' '$W/split-one')\" = 0 ]"
sed 's/^/# nodeone: /' "$W/split-one" | grep -E 'Quorate|Total|Flags'
X nodeone hacon status > "$W/status-split" 2>&1
tap_check "... hacon status on nodeone: its quorum device without a vote" \
    grep -qx 'Quorum device: Qdevice, alive, NO vote (qnetd gave it none)' "$W/status-split"
ip -n "$(ns_of nodeone)" link set eth0 up
ip -n "$(ns_of nodeone)" link set eth1 up
t0=$(now)
wait_for 60 "both nodes quorate with the Qdevice vote again" sh -c \
    "$(declare -f X qtool quorate qdevice_votes); CL='$CL'; for n in nodeone nodetwo; do
        quorate \$n && [ \"\$(qdevice_votes \$n)\" = 1 ] && qtool \$n | grep -q '^Total votes: *3' || exit 1; done"
tap_check "healed: both nodes quorate, 3 votes, the Qdevice's among them ($(elapsed "$t0") s)" [ $? = 0 ]
phase "split"

# ---------------------------------------------------------------- rollback
setup rollback fence --answers "$ANS" --yes
ocheck "rollback fence: exit 0, corosync reads the restored corosync.conf" sh -c \
    "[ \$(cat '$W/rc') = 0 ] && grep -q 'the quorum device goes' '$W/out'"
conf_sums > "$W/conf-rolled"
tap_check "... corosync.conf as before on both nodes" cmp -s "$W/conf-before" "$W/conf-rolled"
wait_for 20 "2Node flag back" sh -c "$(declare -f X qtool); CL='$CL'; qtool nodeone | grep -q '^Flags: *2Node'"
qtool nodeone > "$W/q-rolled"
tap_check "... corosync back to two_node (2Node), no Qdevice; corosync-qdevice stopped on both nodes, corosync-qnetd on qnetd" sh -c \
    "grep -q '^Flags: *2Node Quorate' '$W/q-rolled' && ! grep -q Qdevice '$W/q-rolled' &&
     ! '$CL' exec nodeone pidof corosync-qdevice > /dev/null && ! '$CL' exec nodetwo pidof corosync-qdevice > /dev/null &&
     ! '$CL' exec $QNETD_HOST pidof corosync-qnetd > /dev/null"
X nodeone cibadmin -Q --scope configuration > "$W/cib-rolled" 2> /dev/null
tap_check "... the CIB as before: priority-fencing-delay=25s and the resources' priority back" \
    cmp -s "$W/cib-before" "$W/cib-rolled"
phase "rollback"

# ---------------------------------------------------------------- from fencing=agent
# Step fence with fencing=agent, for real: a fence_ipmilan device per node
# (to the BMCs), their location constraints, stonith-enabled=true; the
# priority delay and hacon's resources' priority kept.
PW=$(cat "$S/bmc/password")
( umask 077; printf 'node1=%s\nnode2=%s\n' "$PW" "$PW" > "$S/fence.secret" )
{ printf '%s\n' storage=shared "shared_disk=$DISK_DEV"
  "$CL" fence-answers --secret "$S/fence.secret" --delay 5; } > "$S/agent.answers"
setup apply fence --answers "$S/agent.answers" --yes
wait_for 60 "both devices started" sh -c \
    "'$CL' exec nodeone crm_mon -1 | grep -q 'st_nodeone.*Started nodetwo' &&
     '$CL' exec nodeone crm_mon -1 | grep -q 'st_nodetwo.*Started nodeone'"
ocheck "fencing=agent applied: st_nodeone runs on nodetwo, st_nodetwo on nodeone, stonith-enabled=true" sh -c \
    "[ \$(cat '$W/rc') = 0 ] && grep -q '^Step fence applied and verified' '$W/out' &&
     [ \"\$('$CL' exec nodeone crm_attribute -t crm_config -n stonith-enabled -G -q)\" = true ]"
# On nodes of their own (VMs), fencing=qdevice's plan replaces both devices
# by diskless sbd.  The live CIB, devices running, in a file: the plan does
# not probe for a container there, so it plans the sbd half as on a VM
# (only planned: its apply would start sbd on this machine's kernel).
# Removing running devices: crm_verify warns they are active orphans
# (Pacemaker stops them), and exits 78 as on an error.
X nodeone sh -c 'cibadmin -Q > /run/hc/cib-agent.xml'
X nodeone env CIB_file=/run/hc/cib-agent.xml hacon setup plan fence --answers "$ANS" > "$W/out" 2>&1
echo $? > "$W/rc"; cp "$W/out" "$W/plan-vm"
ocheck "from fencing=agent, on nodes of their own: planned (exit $(cat "$W/rc")), the devices and their constraints removed, diskless sbd in their place" sh -c \
    "[ \$(cat '$W/rc') = 0 ] && grep -q '^  crm configure delete --force l_st_nodeone st_nodeone' '$W/out' &&
     grep -q '^  crm configure delete --force l_st_nodetwo st_nodetwo' '$W/out' &&
     grep -q 'crm configure property stonith-watchdog-timeout=70s' '$W/out' && ! grep -q SKIPPED '$W/out'"
ocheck "... crm_verify's warnings shown, each with its cause: the devices that run now are active orphans, which Pacemaker stops" sh -c \
    "grep -q '^WARNING: crm_verify warns: Detected active orphan st_nodeone running on nodetwo' '$W/out' &&
     grep -q '^WARNING: crm_verify warns: Detected active orphan st_nodetwo running on nodeone.*Pacemaker stops it' '$W/out'"
# In a namespace node the diskless sbd half is skipped: the devices stay
# this cluster's fencing (removed, stonith-enabled=true would fence with
# nothing, and Pacemaker would start no resource).
X nodeone cibadmin -Q --scope configuration > "$W/cib-agent" 2> /dev/null
setup plan fence --answers "$ANS"
ocheck "from fencing=agent, in a namespace node: planned (exit $(cat "$W/rc")), both devices and stonith-enabled=true kept, said why; crm_verify clean" sh -c \
    "[ \$(cat '$W/rc') = 0 ] && grep -q 'SKIPPED: diskless sbd. nodeone runs in a container' '$W/out' &&
     grep -q 'st_nodeone and st_nodetwo are kept: they stay this cluster.s fencing' '$W/out' &&
     ! grep -q 'crm configure delete' '$W/out' && ! grep -q 'crm configure property stonith-enabled' '$W/out' &&
     grep -q '^crm_verify of the planned CIB: clean' '$W/out'"
X nodeone cibadmin -Q --scope configuration > "$W/cib-agent2" 2> /dev/null
tap_check "... the plans changed nothing" cmp -s "$W/cib-agent" "$W/cib-agent2"
phase "from fencing=agent"

# ---------------------------------------------------------------- split, the service on nodetwo
# The service (fs_data, testnet, dhcp: hc-cluster's final configuration)
# on nodetwo, the node with the higher ID, fencing=qdevice applied over
# fencing=agent (in a namespace node both devices stay: nodetwo fences
# nodeone through nodeone's BMC).  The HA link cut, both nodes still
# reaching qnetd: a 1:1 split that ffsplit's tie-breaker alone gives to
# nodeone (nodetwo would lose quorum and be fenced, and dhcp would move).
# The heuristics pass on nodetwo only: nodetwo keeps the Qdevice vote,
# quorum and the same dhcpd; nodeone is fenced, boots and joins again.
"$CL" final > "$W/final.log" 2>&1
# final's stonith-enabled=false and no-quorum-policy=ignore: fencing on,
# the half without quorum stops its resources.
X nodeone crm_attribute --type crm_config --name stonith-enabled --update true > /dev/null 2>&1
X nodeone crm_attribute --type crm_config --name no-quorum-policy --update stop > /dev/null 2>&1
setup apply fence --answers "$ANS" --yes
ocheck "fencing=qdevice over fencing=agent applied: the heuristics script on both nodes, in the quorum device (mode: sync)" sh -c \
    "[ \$(cat '$W/rc') = 0 ] && grep -q '^Step fence applied and verified' '$W/out' &&
     for n in nodeone nodetwo; do
         '$CL' exec \$n test -x /etc/corosync/qdevice/hacon-service-here || exit 1
         '$CL' exec \$n corosync-cmapctl -g quorum.device.heuristics.mode | grep -q '= sync\$' || exit 1
         '$CL' exec \$n corosync-cmapctl -g quorum.device.heuristics.exec_hacon_service | grep -q '= /etc/corosync/qdevice/hacon-service-here\$' || exit 1
     done"
[ "$(rsc_node dhcp nodetwo)" = nodetwo ] || X nodeone crm_resource --move --resource dhcp --node nodetwo > /dev/null 2>&1
X nodeone crm_resource --wait --timeout=60s > /dev/null 2>&1
dhcpd2=$(X nodetwo pidof dhcpd)
tap_check "dhcp, fs_data and testnet on nodetwo (dhcpd $dhcpd2), both devices started" sh -c \
    "[ -n '$dhcpd2' ] && '$CL' exec nodeone crm_mon -1 > '$W/mon-two' 2>&1 &&
     grep -Eq 'dhcp.*Started nodetwo' '$W/mon-two' && grep -Eq 'fs_data.*Started nodetwo' '$W/mon-two' &&
     grep -Eq 'st_nodeone.*Started nodetwo' '$W/mon-two' && grep -Eq 'st_nodetwo.*Started nodeone' '$W/mon-two'"
# From the host every 0.3 s: TIME nodeone QUORATE DHCPD nodetwo QUORATE DHCPD.
sample() {
    local n q d
    while :; do
        printf '%s' "$(date +%T.%N)"
        for n in nodeone nodetwo; do
            q=$(X "$n" corosync-quorumtool -s 2> /dev/null | awk '/^Quorate:/ { print $2 }')
            d=$(X "$n" pidof dhcpd 2> /dev/null)
            printf ' %s %s %s' "$n" "${q:--}" "${d:--}"
        done
        echo
        sleep 0.3
    done
}
pid0=$(init_pid nodeone)
pid2=$(init_pid nodetwo)
sample > "$W/samples" 2> /dev/null &
sampler_pid=$!
# The console on nodetwo, in its corosync view, through the split: the
# heuristics' result it shows follows the membership change.
X nodetwo tmux -L "$csock" new-session -d -x 100 -y 30 \
    "env TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 hacon; sleep 60"
X nodetwo tmux -L "$csock" send-keys 3
t0=$(now)
ip -n "$(ns_of nodeone)" link set eth1 down
# A node fenced: its PID 1 gone or another one.
fenced_any() { [ "$(init_pid nodeone)" != "$pid0" ] || [ "$(init_pid nodetwo)" != "$pid2" ]; }
wait_for 90 "a node fenced" fenced_any
t_fenced=$(elapsed "$t0")
fenced_one=0; [ "$(init_pid nodeone)" != "$pid0" ] && fenced_one=1
fenced_two=0; [ "$(init_pid nodetwo)" != "$pid2" ] && fenced_two=1
qtool nodetwo > "$W/split2-two"
X nodetwo corosync-qdevice-tool -sv > "$W/split2-qd-two" 2>&1
c2screen() { X nodetwo tmux -L "$csock" capture-pane -p; }
t1=$(now)
wait_for 10 "console on nodetwo: heuristics Pass" sh -c \
    "$(declare -f X c2screen); CL='$CL' csock=$csock; c2screen | grep -Eq 'Qdevice heuristics: Pass \\(at the last membership change\\)'"
c2_pass=$?
t_c2=$(elapsed "$t1")
c2screen > "$W/console-split2"
X nodetwo tmux -L "$csock" kill-server > /dev/null 2>&1
X nodetwo hacon status > "$W/status-split2" 2>&1
X nodetwo hacon status --format=json > "$W/status-split2.json" 2>&1
# With nodeone fenced its boot brings the link up; otherwise (nodetwo
# fenced) the cut ends here.
[ "$fenced_one" = 1 ] || ip -n "$(ns_of nodeone)" link set eth1 up
wait_for 90 "both nodes online" sh -c \
    "'$CL' exec nodetwo crm_mon -1 2> /dev/null | grep -q 'Online: \\[ nodeone nodetwo \\]'"
t_back=$(elapsed "$t0")
kill "$sampler_pid"; wait "$sampler_pid" 2> /dev/null; sampler_pid=""
ip -n "$(ns_of nodeone)" link set eth1 up
sed -n '1p;$p' "$W/samples" | sed 's/^/# sample: /'
grep -m1 'nodeone No' "$W/samples" | sed 's/^/# nodeone without quorum: /'
tap_check "split, service on nodetwo: nodetwo keeps quorum with the Qdevice vote, its heuristics passed (corosync-qdevice-tool -sv)" sh -c \
    "[ '$fenced_one' = 1 ] && grep -q '^Quorate: *Yes' '$W/split2-two' &&
     [ \"\$(awk '\$1 == 0 && \$3 == \"Qdevice\" { print \$2 }' '$W/split2-two')\" = 1 ] &&
     grep -Eq '^Heuristics result:[[:space:]]+Pass' '$W/split2-qd-two' && ! grep -q 'nodetwo No' '$W/samples'"
tap_check "... nodetwo's dhcpd never stopped (the same process, $dhcpd2, at every one of $(wc -l < "$W/samples") samples), never one on nodeone: no takeover" sh -c \
    "[ \"\$('$CL' exec nodetwo pidof dhcpd)\" = '$dhcpd2' ] && ! grep -Eq 'nodetwo [A-Za-z-]+ -( |\$)' '$W/samples' &&
     ! grep -Eq 'nodeone [A-Za-z-]+ [0-9]' '$W/samples' && [ \"\$(grep -c . '$W/samples')\" -gt 5 ]"
X nodetwo stonith_admin --history nodeone > "$W/history-split2" 2>&1
tap_check "... nodeone was fenced ($t_fenced s after the cut: power-cycled by its BMC, a new PID 1; the fencer on nodetwo says reboot successful), nodetwo was not" sh -c \
    "[ '$fenced_one' = 1 ] && [ '$fenced_two' = 0 ] &&
     grep -q 'set power 0' '$S/bmc/nodeone/power.log' && grep -q 'reboot of nodeone successful' '$W/history-split2'"
# The fenced node's boot (its BMC's power-on) starts corosync-qdevice
# after corosync, as an enabled service would on a machine of its own.
wait_for 60 "both nodes quorate with the Qdevice vote again" sh -c \
    "$(declare -f X qtool quorate qdevice_votes); CL='$CL'; for n in nodeone nodetwo; do
        quorate \$n && [ \"\$(qdevice_votes \$n)\" = 1 ] && qtool \$n | grep -q '^Total votes: *3' || exit 1; done"
healed=$?
tap_check "healed: nodeone back ($t_back s after the cut), both quorate with 3 votes; dhcp still on nodetwo" sh -c \
    "[ $healed = 0 ] && [ \"\$('$CL' exec nodetwo pidof dhcpd)\" = '$dhcpd2' ]"
tap_check "hacon status: the heuristics' result, Pass on nodetwo during the split (text and JSON)" sh -c \
    "grep -qx 'Quorum device heuristics: Pass (at the last membership change)' '$W/status-split2' &&
     python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(d[\"quorum_device_heuristics\"] != \"Pass\")' '$W/status-split2.json'"
tap_check "console on nodetwo, its corosync view: the quorum device's heuristics Pass after the split (waited $t_c2 s)" [ "$c2_pass" = 0 ]
X nodeone hacon status > "$W/status-healed" 2>&1
tap_check "... Fail on nodeone, which does not run the service" \
    grep -qx 'Quorum device heuristics: Fail (at the last membership change)' "$W/status-healed"
X nodeone crm_resource --clear --resource dhcp > /dev/null 2>&1
phase "split, the service on nodetwo"

# ---------------------------------------------------------------- down
if "$CL" down > "$W/down.log" 2>&1; then
    down_done=1
    tap_ok "down: nothing left (nodes, qnetd, namespaces)"
    [ -n "${HC_KEEP:-}" ] || rm -rf --one-file-system "$S"
else
    tap_fail "down"; sed 's/^/#   /' "$W/down.log" | tail -n 20
fi
echo "# total $(elapsed "$T_ALL")s"
tap_done
