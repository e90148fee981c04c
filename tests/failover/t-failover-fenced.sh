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
sampler_pid="" pauser_pid=""
fo_cleanup_extra() {
    [ -n "$sampler_pid" ] && kill "$sampler_pid" 2> /dev/null
    [ -n "$pauser_pid" ] && kill "$pauser_pid" 2> /dev/null
}
. "$HACON_TOP/tests/failover/lib.sh"
X() { "$CL" exec "$@"; }

fo_up "the final configuration and a BMC per node" --final --bmc
# The relay (host-request): the HA link of a node cut and restored.
fo_relay cut uncut
fo_lease

# Fencing from the setup wizard, with its priority-fencing-delay.
PW=$(cat "$S/bmc/password")
( umask 077; printf '%s\n' "$PW" > "$S/fence.secret" )
{ printf '%s\n' storage=shared "shared_disk=$DISK_DEV"
  "$CL" fence-answers --secret "$S/fence.secret" --delay 0; } > "$S/fence.answers"
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
# pause_sampling ON VICTIM PID0: hacon's run on ON stopped (SIGSTOP) from the
# moment the BMC powers VICTIM on again (a PID 1 other than PID0: the fence
# agent is still confirming the power state, so Pacemaker has not yet seen
# the fence) until ON's crm_mon shows VICTIM online again, then resumed: the
# victim's short offline state between its fence and its return falls
# between two samples of hacon's, as it does on a loaded machine (samples
# seconds apart) when the fenced node boots in a second.  hacon must still
# see the fence, not wait for an offline state it missed.  DHCP's outage
# began at the power-off, before the pause; the probe missed during the
# pause can only make it look longer.
pause_sampling() {
    local on=$1 victim=$2 pid0=$3 p="" q n ns end=$(( $(date +%s) + 200 ))
    while [ "$(date +%s)" -lt "$end" ]; do
        n=$(init_pid "$victim")
        [ -n "$n" ] && [ "$n" != "$pid0" ] && break
        sleep 0.1
    done
    # hacon in ON's PID namespace, by its host PID.  Its parent, the
    # nsenter of hc-cluster exec, stops itself when hacon stops and, once
    # continued, continues hacon: both get SIGCONT.
    ns=$(readlink "/proc/$(init_pid "$on")/ns/pid")
    for q in $(pgrep -x hacon); do
        [ "$(readlink "/proc/$q/ns/pid")" = "$ns" ] && p="$p $q"
    done
    [ -n "$p" ] || return 0
    q=$(for x in $p; do ps -o ppid= -p "$x"; done)
    trap 'kill -CONT $q $p 2> /dev/null; exit 0' TERM
    kill -STOP $p
    echo "paused hacon ($p) at $(date +%T.%N): $victim powered on again (PID 1 $n)" >> "$W/pause.txt"
    while [ "$(date +%s)" -lt "$end" ]; do
        X "$on" crm_mon -1 --output-as=xml 2> /dev/null |
            grep -q "<node name=\"$victim\" [^>]*online=\"true\"[^>]* pending=\"false\" unclean=\"false\"" &&
            break
        sleep 0.2
    done
    kill -CONT $q $p
    echo "resumed hacon at $(date +%T.%N): $victim online again" >> "$W/pause.txt"
}
# fenced_run NAME HACON-NODE VICTIM ARGS...
fenced_run() {
    local s=$1 on=$2 victim=$3 pid0 pid1 rc t0 f=$W/samples-$1.txt n x; shift 3
    pid0=$(init_pid "$victim")
    : > "$f"
    sampler "$f" &
    sampler_pid=$!
    pauser_pid=""
    if [ "$s" = hang ]; then
        pause_sampling "$on" "$victim" "$pid0" &
        pauser_pid=$!
    fi
    t0=$(now)
    timeout 400 "$CL" exec "$on" hacon failover-test "$s" --yes \
        --report-dir "$REPORTS/$s" --timeout 120 "$@" > "$W/$s.log" 2>&1
    rc=$?
    kill "$sampler_pid"; wait "$sampler_pid" 2> /dev/null; sampler_pid=""
    if [ -n "$pauser_pid" ]; then
        kill "$pauser_pid" 2> /dev/null; wait "$pauser_pid" 2> /dev/null
        pauser_pid=""
        sed 's/^/#   /' "$W/pause.txt" 2> /dev/null
        tap_check "$s: hacon was paused while $victim was fenced and resumed once it was back" \
            grep -q "^resumed hacon" "$W/pause.txt"
    fi
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
