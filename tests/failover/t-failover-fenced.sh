#!/bin/bash
# `hacon failover-test cut` and `hang` on the fenced namespace cluster:
# `hc-cluster up --final --bmc` (a BMC per node whose power commands crash
# and boot the node), step fence with fence_ipmilan (fence_delay=0) and
# its priority-fencing-delay (auto: derived from the fence time the step
# measured) with a priority on every resource, so that a cut HA link
# fences the node without the service.
#   * cut, hacon on the active node: the passive node is fenced (power-
#     cycled: a new PID 1) and joins again once the link is back; the
#     service never leaves the active node;
#   * hang (corosync and pacemaker SIGSTOPped on the active node), hacon
#     on the other one: the hung node is fenced and joins again, the
#     service moves;
# each run passing with its fencing assertions (fenced, one-active,
# dhcp-bound, node-back) and leases-kept, and the host sampling both
# nodes every 0.3 s: never dhcpd on both.
: "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$HACON_TOP/tests/tap.sh"

tap_need_root
tap_need_cmd ip nsenter unshare losetup mkfs.ext4 corosync pacemakerd \
    crm_mon crm_resource crm dhcpd busybox sshd ssh stonith_admin \
    ipmi_sim ipmitool fence_ipmilan
tap_need_netns
[ -x "$HACON" ] || tap_skip_all "no $HACON (run make)"

FO_PREFIX=hcg FO_NAME=failover-fenced
sampler_pid=""
fo_cleanup_extra() {
    [ -n "$sampler_pid" ] && kill "$sampler_pid" 2> /dev/null
}
. "$HACON_TOP/tests/failover/lib.sh"
X() { "$CL" exec "$@"; }

fo_up "the final configuration and a BMC per node" --final --bmc
# The relay (host-request): the HA link of a node cut and restored.
fo_relay cut uncut
fo_lease

# Fencing from the setup wizard, and the admin's priority line.
PW=$(cat "$S/bmc/password")
( umask 077; printf '%s\n' "$PW" > "$S/fence.secret" )
cat > "$S/fence.answers" <<EOF
storage=shared
shared_disk=$DISK_DEV
fencing=agent
fence_agent=fence_ipmilan
fence_node1_params=ip=${BMC_IP[nodeone]} username=$BMC_USER lanplus=1 cipher=3
fence_node2_params=ip=${BMC_IP[nodetwo]} username=$BMC_USER lanplus=1 cipher=3
fence_secret_file=$S/fence.secret
fence_delay=0
EOF
t0=$(now)
X nodeone hacon setup apply fence --answers "$S/fence.answers" --yes > "$W/fence.log" 2>&1
rc=$?
tap_check "step fence (fence_ipmilan, fence_delay=0) applied ($(elapsed "$t0")s)" [ $rc = 0 ]
[ $rc = 0 ] || tail -n 20 "$W/fence.log" | sed 's/^/#   /'
pfd=$(X nodeone crm_attribute -G -n priority-fencing-delay -q 2> /dev/null)
est=$(sed -n 's/.*priority-fencing-delay=[0-9]*s: a fence takes about \([0-9]*\) s here.*/\1/p' "$W/fence.log")
tap_check "step fence set priority-fencing-delay=${pfd:-none} from the fence time it measured (about ${est:-?} s), above it; every resource priority 1" \
    sh -c '[ -n "$2" ] && [ "${1%s}" -gt "$2" ] &&
           [ "$("$3" exec nodeone crm_attribute -t rsc_defaults -n priority -G -q 2> /dev/null)" = 1 ]' \
    sh "${pfd:-0s}" "$est" "$CL"
X nodeone crm_resource --wait --timeout=60s > /dev/null 2>&1

# Both nodes from the host, every 0.3 s: "nodeone dhcpd|- nodetwo dhcpd|-".
sampler() {
    local a b
    while :; do
        a=$(X nodeone pidof dhcpd > /dev/null 2>&1 && echo dhcpd || echo -)
        b=$(X nodetwo pidof dhcpd > /dev/null 2>&1 && echo dhcpd || echo -)
        echo "$(date +%T.%N) nodeone $a nodetwo $b" >> "$1"
        sleep 0.3
    done
}
REPORTS=$S/reports
# fenced_run NAME HACON-NODE VICTIM ARGS...
fenced_run() {
    local s=$1 on=$2 victim=$3 pid0 pid1 rc t0 f=$W/samples-$1.txt n x; shift 3
    pid0=$(init_pid "$victim")
    : > "$f"
    sampler "$f" &
    sampler_pid=$!
    t0=$(now)
    timeout 400 "$CL" exec "$on" hacon failover-test "$s" --yes \
        --report-dir "$REPORTS/$s" --timeout 120 "$@" > "$W/$s.log" 2>&1
    rc=$?
    kill "$sampler_pid"; wait "$sampler_pid" 2> /dev/null; sampler_pid=""
    grep -E '^[-0-9]+ [0-9:.]+ +[-+][0-9.]+ (dhcp|assert|member) ' "$W/$s.log" \
        | sed 's/^/#   /'
    if [ $rc = 0 ]; then
        tap_ok "$s on the fenced cluster (hacon on $on, $victim to be fenced): pass in $(elapsed "$t0")s"
    else
        tap_fail "$s on the fenced cluster (hacon on $on, $victim to be fenced): exit $rc"
        tail -n 30 "$W/$s.log" | sed 's/^/#   /'
    fi
    for x in fenced one-active dhcp-bound node-back leases-kept; do
        tap_check "$s: assertion $x passed" grep -q "assert pass: $x:" "$W/$s.log"
    done
    n=$(wc -l < "$f")
    tap_check "$s: at every one of $n samples from the host dhcpd ran on at most one node" \
        sh -c '[ "$2" -gt 10 ] && ! grep -q "nodeone dhcpd nodetwo dhcpd" "$1"' sh "$f" "$n"
    pid1=$(init_pid "$victim")
    tap_check "$s: $victim was power-cycled by its BMC (PID 1 $pid0 -> $pid1) and is back" \
        sh -c '[ -n "$2" ] && [ "$1" != "$2" ] && grep -q "set power 0" "$3"' sh "$pid0" "$pid1" \
        "$S/bmc/$victim/power.log"
    X "$on" stonith_admin --history "$victim" > "$W/history-$s.txt" 2>&1
    tap_check "$s: the fencer's history on $on: reboot of $victim successful" \
        grep -q "reboot of $victim successful" "$W/history-$s.txt"
    X "$on" crm_resource --wait --timeout=120s > /dev/null 2>&1
}

a=$(rsc_node dhcp nodeone)
[ -n "$a" ] || a=$(rsc_node dhcp nodetwo)
fenced_run cut "$a" "$(other "$a")" \
    --cut-cmd "$REQ $RD {node} cut" --restore-cmd "$REQ $RD {node} uncut"
tap_check "cut: dhcp still on $a" [ "$(rsc_node dhcp "$a")" = "$a" ]
a=$(rsc_node dhcp nodeone)
[ -n "$a" ] || a=$(rsc_node dhcp nodetwo)
fenced_run hang "$(other "$a")" "$a"
echo "# whole suite: $(elapsed "$T_ALL")s"
tap_done
