#!/bin/bash
# `hacon failover-test` on the live two-node test cluster
# (tests/cluster/hc-cluster): a client lease first, then the move, standby,
# kill, stop-stack and crash scenarios and a repeated move, each of whose
# reports must say pass (every assertion pass or skip), with the reports
# saved as text and JSON and no lease lost; and hang, which on this
# unfenced cluster must fail saying why (split brain) and resume what it
# stopped.
#
# hacon runs inside the node that does not run dhcpd (it needs that node's
# live CIB; the scenarios that take the active node out need it to run on
# the other one).  Crashing, stopping and starting a node is done from the
# host by hc-cluster: the crash/stop/restore commands given to hacon
# (tests/failover/host-request) ask a relay that this script runs on the
# host, through a FIFO in the cluster's state directory that both see.
#
# HC_FAILOVER_REPEAT: moves in the repeat run (default 10, alternating
#   direction; each move takes 15-20 s on a small loaded machine, and the
#   suite runs beside the other cluster suites, so make check does not
#   wait for it).
# HC_FAILOVER_SCENARIOS: default "move standby kill stop-stack crash
#   hang" (hang: corosync and pacemaker stopped on the active node of this
#   unfenced cluster: the run must show the split brain and fail, and
#   resume them); "cut" (HA link down, split brain without fencing) runs
#   on request;
#   "none" runs only the repeat.
: "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$HACON_TOP/tests/tap.sh"

tap_need_root
tap_need_cmd ip nsenter unshare losetup mkfs.ext4 corosync pacemakerd \
    crm_mon crm_resource crm dhcpd busybox sshd ssh
tap_need_netns
[ -x "$HACON" ] || tap_skip_all "no $HACON (run make)"
"$HACON" help 2>&1 | grep -qw failover-test \
    || { tap_fail "hacon has a failover-test command"; tap_done; }

FO_PREFIX=hcf FO_NAME=failover
# dhcp's monitor every 5 s (the tutorial's 30 s): the kill scenario waits
# for Pacemaker to notice the killed dhcpd, up to a whole interval, a wait
# that is Pacemaker's timer and not what the scenario tests.
export HC_CLUSTER_DHCP_MONITOR=5s
. "$HACON_TOP/tests/failover/lib.sh"
REPEAT=${HC_FAILOVER_REPEAT:-10}
SCENARIOS=${HC_FAILOVER_SCENARIOS:-move standby kill stop-stack crash hang}

fo_up "the final configuration" --final
# The relay: the host side of host-request.
fo_relay crash stop start cut uncut
fo_lease

REPORTS=$S/reports
# run_scenario NAME [ARGS...]: hacon failover-test on the passive node;
# passes when hacon exits 0 (every assertion pass or skip) and its reports
# exist, the text one saying PASS and the JSON one "passed":true.
run_scenario() {
    local name=$1 a p t0 log rc to; shift
    a=$(rsc_node dhcp nodeone)
    [ -n "$a" ] || a=$(rsc_node dhcp nodetwo)
    p=$(other "$a")
    log=$W/$name.log
    t0=$(now)
    # Own deadline: a hung scenario must not hang make check.
    timeout 400 "$CL" exec "$p" hacon failover-test "$name" \
        --report-dir "$REPORTS/$name" --timeout 150 "$@" > "$log" 2>&1
    rc=$?
    grep -E '^[-0-9]+ [0-9:.]+ +[-+][0-9.]+ (dhcp|assert) ' "$log" \
        | sed 's/^/#   /'
    to=$(other "$a"); [ "$name" = kill ] && to=$a
    if [ "$rc" = 0 ]; then
        tap_ok "$name ($a -> $to, hacon on $p): pass in $(elapsed "$t0")s"
    else
        tap_fail "$name ($a -> $to, hacon on $p): exit $rc"
        tail -n 40 "$log" | sed 's/^/#   /'
    fi
    local n_txt n_json
    n_txt=$(grep -l '^hacon failover-test .*: PASS' "$REPORTS/$name"/failover-*.txt 2> /dev/null | wc -l)
    n_json=$(grep -l '"passed":true' "$REPORTS/$name"/failover-*.json 2> /dev/null | wc -l)
    tap_check "$name: report saved as text and JSON, passing ($n_txt, $n_json)" \
        test "$n_txt" -ge 1 -a "$n_json" -ge 1
}
# Every JSON report parses, with a timeline and its assertions.
json_ok() {
    python3 - "$@" <<'PY'
import json, sys
for f in sys.argv[1:]:
    r = json.load(open(f))
    if "runs" in r:
        continue
    assert r["timeline"] and r["assertions"], f
    assert any(e["kind"] == "dhcp" for e in r["timeline"]) or \
        r["probes"]["unanswered"] == 0, f
PY
}

# unfenced_run NAME ARGS...: cut or hang on this cluster, which has no
# fencing: nothing resets the node taken out, which keeps dhcpd and the
# floating IP while the other one starts them too (split brain).  The run
# must say so and fail; hang's cleanup must resume the stopped daemons.
unfenced_run() {
    local s=$1 a p t0 rc st; shift
    a=$(rsc_node dhcp nodeone)
    [ -n "$a" ] || a=$(rsc_node dhcp nodetwo)
    p=$(other "$a")
    t0=$(now)
    timeout 400 "$CL" exec "$p" hacon failover-test "$s" --yes "$@" \
        --report-dir "$REPORTS/$s" --timeout 60 > "$W/$s.log" 2>&1
    rc=$?
    grep -E '^[-0-9]+ [0-9:.]+ +[-+][0-9.]+ (dhcp|assert|action) ' "$W/$s.log" \
        | sed 's/^/#   /'
    tap_check "$s without fencing ($a taken out, hacon on $p): the run fails, as it must (exit $rc, $(elapsed "$t0")s)" \
        test "$rc" = 1
    tap_check "$s without fencing: assertion fenced says nothing fenced $a (split brain)" \
        grep -q "assert fail: fenced: .*nothing fenced $a.*split brain" "$W/$s.log"
    if [ "$s" = hang ]; then
        tap_check "hang: the action stopped (SIGSTOP) corosync and pacemaker on $a" \
            grep -q "stopped (SIGSTOP) corosync and pacemaker" "$W/$s.log"
        st=$("$CL" exec "$a" sh -c 'for p in $(pidof corosync pacemakerd pacemaker-controld pacemaker-based); do grep "^State:" /proc/$p/status; done' 2>&1)
        tap_check "hang: the cleanup resumed them (SIGCONT): none stopped on $a" \
            bash -c '[ "$(grep -c "^State:" <<< "$1")" -ge 4 ] && ! grep -q "T (stopped)" <<< "$1"' sh "$st"
    fi
    "$CL" exec "$p" crm_resource --wait --timeout=120s > /dev/null 2>&1
}

for s in $SCENARIOS; do
    case $s in
        none) ;;
        stop-stack)
            run_scenario stop-stack --stop-cmd "$REQ $RD {node} stop" \
                --restore-cmd "$REQ $RD {node} start" ;;
        crash)
            run_scenario crash --yes --crash-cmd "$REQ $RD {node} crash" \
                --restore-cmd "$REQ $RD {node} start" ;;
        cut)
            # Not in the default list: both halves run dhcpd until the
            # link is back.
            unfenced_run cut --cut-cmd "$REQ $RD {node} cut" \
                --restore-cmd "$REQ $RD {node} uncut" ;;
        hang)
            unfenced_run hang ;;
        kill)
            run_scenario kill
            # The resource's own dhcpd, by its pid file, not every dhcpd.
            pf=$(sed -n "s/.*dhcpd's pid file (of [^)]*): //p" "$W/kill.log")
            tap_check "kill: dhcpd killed through its pid file (${pf:-none})" \
                sh -c "[ -n '$pf' ] && grep -q 'done in .*kill -KILL.* sh $pf' '$W/kill.log'" ;;
        *) run_scenario "$s" ;;
    esac
done

# The repeat: N moves, alternating, no lease lost.
if [ "$REPEAT" -gt 0 ]; then
    a=$(rsc_node dhcp nodeone)
    p=$(other "$a")
    t0=$(now)
    timeout $((60 + REPEAT * 90)) "$CL" exec "$p" hacon failover-test move \
        --repeat "$REPEAT" --report-dir "$REPORTS/repeat" > "$W/repeat.log" 2>&1
    rc=$?
    grep -E '^(summary|move .* -> )' "$W/repeat.log" | sed 's/^/#   /'
    tap_check "move x$REPEAT: every run passes ($(elapsed "$t0")s)" test "$rc" = 0
    tap_check "move x$REPEAT: no run lost a lease" sh -c \
        "! grep -q 'FAIL.*leases-kept\|fail: leases-kept' '$W/repeat.log' \
         && [ \$(grep -c 'pass: leases-kept' '$W/repeat.log') = $REPEAT ]"
    tap_check "move x$REPEAT: both directions" sh -c \
        "grep -q '^move nodeone -> nodetwo' '$W/repeat.log' \
         && grep -q '^move nodetwo -> nodeone' '$W/repeat.log'"
    n_json=$(find "$REPORTS/repeat" -name "failover-move-*-[0-9][0-9].json" | wc -l)
    tap_check "move x$REPEAT: $n_json JSON reports and a summary" sh -c \
        "[ $n_json = $REPEAT ] && ls '$REPORTS/repeat'/*-summary.json > /dev/null"
fi
mapfile -t jsons < <(find "$REPORTS" -name '*.json')
tap_check "${#jsons[@]} JSON reports are valid JSON with timeline and assertions" \
    json_ok "${jsons[@]}"
echo "# whole suite: $(elapsed "$T_ALL")s"
tap_done
