#!/bin/bash
# Fencing as the admin sees it, on the namespace test cluster with a real
# power switch per node (hc-cluster up --bmc, fence_ipmilan):
#   * before any device: `hacon status` warns that fencing is off;
#   * two fence_ipmilan devices and stonith-enabled=true: the warning is
#     gone, text and JSON name both devices and the node each runs on, the
#     history is empty, and the console (tmux, in nodeone) shows no STONITH
#     token in its header and the Fencing section;
#   * Pacemaker's fencer reboots nodetwo for real (its corosync and
#     pacemaker killed): the history entry (reboot of nodetwo, successful,
#     by nodeone) in text, JSON and the console, as stonith_admin
#     --history '*' has it;
#   * the console follows the fencer by its notifications: a fence asked
#     by hand (stonith_admin --reboot nodetwo) is on screen within a second
#     of the fencer's answer, and the console's event log names the
#     notification (the fencer is not polled);
#   * nodetwo's BMC gone, a fence asked by hand: the console's header says
#     FENCING nodetwo (pending) while the fencer tries, then "fence of
#     nodetwo FAILED", and `hacon status` warns of the failure (text and
#     JSON);
#   * a fencer that stops answering (SIGSTOP) right after a notification:
#     the console answers keys, no loop turn waits for the fencer, the
#     section says that it did not answer in 5 s, and the history is read
#     again (the question asked again) once the fencer answers;
#   * a fencer stopped when the console starts, and when it reconnects (the
#     fencer killed, restarted and stopped): keys answered, no loop turn
#     waits, the section says that it waits; once the fencer goes on, the
#     history shows and a fence's notification reaches the console;
#   * `hacon status` (text and JSON) with the fencer stopped: printed
#     within 9 s, the history said unknown ("fencer: no answer in 5 s",
#     JSON history_known false and why), devices and nodes printed;
#   * a console that ends (q, its terminal gone) while its sbd read hangs
#     leaves no child behind;
#   * sbd per node: without a disk or a use for it "not in use"; with a
#     configuration (HACON_SBD_CONFIG: a namespace node shares the host's
#     /etc/default) naming the shared disk with a real sbd header, slots
#     allocated and a test message: sbd NOT running, the warning, each
#     node's slot and message (text and JSON); a bad line named.  sbd
#     itself is not started (its watchdog would reset this machine).
: "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$HACON_TOP/tests/tap.sh"

tap_need_root
tap_need_cmd ip nsenter unshare losetup mkfs.ext4 corosync pacemakerd \
    crm_mon crm cibadmin stonith_admin busybox sshd python3 tmux \
    ipmi_sim ipmitool fence_ipmilan
tap_need_netns
[ -x "$HACON" ] || tap_skip_all "build/hacon not built (make)"

SUITE_NAME=fence-view SUITE_PREFIX=v
. "$HACON_TOP/tests/cluster/suite.sh"
sock=hacon-fview-$$
stopped_fenced=""
suite_cleanup_extra() {
    # A fencer stopped by the hung-fencer check always goes on.
    [ -z "$stopped_fenced" ] || "$CL" exec nodeone kill -CONT "$stopped_fenced"
    tmux -L "$sock" kill-server 2> /dev/null
}
st_text() { X nodeone hacon status > "$W/st.txt" 2>&1; }
st_json() { X nodeone hacon status --format=json > "$W/st.json" 2>&1; }
# jq-less JSON checks: jcheck PYTHON-EXPR on the parsed $W/st.json as j.
jcheck() {
    python3 -c "import json,sys; j=json.load(open('$W/st.json')); sys.exit(0 if ($1) else 1)"
}
# tcheck DESC CMD...: tap_check that shows `hacon status` when it fails.
tcheck() {
    local d=$1; shift
    if "$@"; then tap_ok "$d"; else
        tap_fail "$d"; sed 's/^/#   /' "$W/st.txt" "$W/st.json" 2> /dev/null | tail -n 40
    fi
}

if "$CL" up --bmc > "$W/up.log" 2>&1; then
    tap_ok "up --bmc: both nodes online, a BMC per node ($(cat "$S/up.seconds")s)"
else
    tap_fail "up --bmc"; sed 's/^/#   /' "$W/up.log" | tail -n 30
    tap_done
fi
PW=$(cat "$S/bmc/password")

# ---------------------------------------------------------------- no device
X nodeone crm configure property stonith-enabled=false > /dev/null 2>&1
st_text
tcheck "fencing off: hacon status warns that a split network can run the service twice" \
    sh -c "grep -q '! fencing is disabled (stonith-enabled=false)' '$W/st.txt' &&
           grep -q '^Fencing: DISABLED (stonith-enabled=false), 0 devices' '$W/st.txt'"
tcheck "fencing off: the fencer's history is read (live cluster): none yet" \
    grep -q '^  history: none' "$W/st.txt"

# ---------------------------------------------------------------- devices
for n in nodeone nodetwo; do
    X nodeone crm configure primitive "st_$n" stonith:fence_ipmilan \
        params ip="${BMC_IP[$n]}" username="$BMC_USER" password="$PW" \
        lanplus=1 cipher=3 pcmk_host_list="$n" pcmk_reboot_retries=1 \
        pcmk_reboot_timeout=30s \
        op monitor interval=60s > "$W/crm-$n.out" 2>&1 \
        || { tap_fail "crm configure primitive st_$n"; cat "$W/crm-$n.out"; }
    X nodeone crm configure location "l_st_$n" "st_$n" -inf: "$n" > /dev/null 2>&1
done
X nodeone crm configure property stonith-enabled=true > /dev/null 2>&1
devices_started() {
    st_json && jcheck "j['fencing']['devices_running'] == 2"
}
until_ok 90 devices_started
tap_check "two fence_ipmilan devices configured, both running" [ $? = 0 ]
st_text; st_json
tcheck "fencing works: no fencing warning any more" \
    sh -c "! grep -qi -e 'fencing is disabled' -e 'fence device' -e 'fencing of' '$W/st.txt' &&
           grep -q '^Fencing: enabled, 2 devices, 2 running' '$W/st.txt'"
tcheck "text: each device and the node it runs on (the other one)" \
    sh -c "grep -q '^  device st_nodeone (stonith:fence_ipmilan): Started on nodetwo' '$W/st.txt' &&
           grep -q '^  device st_nodetwo (stonith:fence_ipmilan): Started on nodeone' '$W/st.txt'"
tcheck "JSON: fencing works, the devices with their nodes, the history known and empty" \
    jcheck "j['fencing']['works'] and j['fencing']['history_known'] and j['fencing']['history'] == []
            and sorted((d['id'], d['nodes'][0]['node']) for d in j['fencing']['devices'])
                == [('st_nodeone', 'nodetwo'), ('st_nodetwo', 'nodeone')]
            and not any('fenc' in w for w in j['cluster']['warnings'])"
tcheck "the password of the devices is not printed by hacon status" \
    sh -c "! grep -qF '$PW' '$W/st.txt' && ! grep -qF '$PW' '$W/st.json'"

# The console in nodeone, as an admin logged in there runs it.
. "$HACON_TOP/tests/screen/screen-lib.sh"
T new-session -d -s keep -x 80 -y 24 "exec sleep 900"
T new-session -d -s con -x 120 -y 50 \
    "'$CL' exec nodeone env TERM=screen-256color LANG=C.UTF-8 \
     LC_ALL=C.UTF-8 TZ=UTC HACON_TIMING='$S/con-timing.log' hacon; \
     echo EXITED \$?; exec sleep 900"
tap_check "console: the Fencing section, fencing enabled with both devices running" \
    wait_re con "enabled, 2 devices, 2 running" 60
tap_check "console: device st_nodetwo Started on nodeone" \
    wait_for con "device st_nodetwo: Started on nodeone" 20
tap_check "console: history empty" wait_for con "history: no fencing yet" 20
screen con > "$W/con-before.screen"
tap_check "console: no STONITH token in the header once fencing works" \
    sh -c "! head -n 6 '$W/con-before.screen' | grep -q STONITH"

# ---------------------------------------------------------------- a real fence
pid_before=$(init_pid nodetwo)
t0=$(now)
"$CL" node nodetwo kill-daemons > /dev/null
fenced() {
    X nodeone stonith_admin --history nodetwo 2> /dev/null \
        | grep -q 'reboot of nodetwo successful'
}
until_ok 90 fenced
t_fenced=$(elapsed "$t0")
# The node boots after its BMC's POST (bmc-power): a new PID 1 then.
booted() { local p; p=$(init_pid nodetwo) && [ "$p" != "$pid_before" ]; }
until_ok 30 booted
pid_after=$(init_pid nodetwo)
tap_check "Pacemaker's fencer rebooted nodetwo through its BMC (PID 1 $pid_before -> $pid_after, ${t_fenced}s)" \
    sh -c "[ -n '$pid_after' ] && [ '$pid_before' != '$pid_after' ]"
X nodeone stonith_admin --history '*' > "$W/admin-history.txt" 2>&1
st_text; st_json
tcheck "text: the history entry, reboot of nodetwo successful by nodeone, as stonith_admin says" \
    python3 - "$W/admin-history.txt" "$W/st.txt" <<'PY'
import re, sys
pat = re.compile(r"(\w+) of (\S+) (successful|failed|pending): delegate=(\S+?),")
adm = [m.groups() for m in map(pat.search, open(sys.argv[1])) if m]
hc = [m.groups() for m in map(pat.search, open(sys.argv[2])) if m]
ok = adm and adm == hc and ("reboot", "nodetwo", "successful", "nodeone") in hc
print("# stonith_admin", adm, "hacon", hc)
sys.exit(0 if ok else 1)
PY
tcheck "JSON: the history entry (target, action, state, delegate, a completion time)" \
    jcheck "any(e['target'] == 'nodetwo' and e['action'] == 'reboot' and e['state'] == 'successful'
                and e['delegate'] == 'nodeone' and e['completed'] > 0 for e in j['fencing']['history'])
            and j['fencing']['failed_targets'] == 0 and j['fencing']['pending'] == 0"
tap_check "console: the history entry" \
    wait_re con "reboot of nodetwo successful: delegate=nodeone" 30
"$CL" wait-online 90 > /dev/null 2>&1
tap_check "nodetwo online again ($(elapsed "$t0")s after its daemons died)" [ $? = 0 ]

# ---------------------------------------------------------------- notification
# A fence asked by hand: the console must show its entry within a second
# of the fencer's answer (stonith_admin returns when the fence is done),
# by the fencer's notification, not by a poll (up to 2 s late).
until_ok 90 devices_started
n_ok() { screen con | grep -c "reboot of nodetwo successful"; }
n_before=$(n_ok)
: > "$S/con-timing.log"
X nodeone stonith_admin --reboot nodetwo --timeout 60 > "$W/manual-ok.out" 2>&1 &
manual=$!
t_done="" t_seen=""
end=$(( $(date +%s) + 90 ))
while [ "$(date +%s)" -lt "$end" ]; do
    if [ -z "$t_done" ] && ! kill -0 "$manual" 2> /dev/null; then
        t_done=$(now)
    fi
    if [ -z "$t_seen" ] && [ "$(n_ok)" -gt "$n_before" ]; then
        t_seen=$(now)
    fi
    [ -n "$t_done" ] && [ -n "$t_seen" ] && break
    sleep 0.05
done
wait "$manual"
rc=$?
tap_check "stonith_admin --reboot nodetwo: the fence was done (exit $rc)" [ "$rc" = 0 ]
if [ -n "$t_done" ] && [ -n "$t_seen" ]; then
    lag_ms=$(( (t_seen - t_done) / 1000000 ))
    tap_check "console: the new history entry on screen ${lag_ms} ms after the fencer answered (< 1000)" \
        [ "$lag_ms" -lt 1000 ]
else
    tap_fail "console: the new history entry never came (done '$t_done', seen '$t_seen')"
    screen con | sed 's/^/#   /' | tail -n 20
fi
tcheck_log() { grep -q "event fencer-notify:st_notify_fence " "$S/con-timing.log"; }
tap_check "console: the fencer's notification of the fence is what it acted on (event log)" tcheck_log
"$CL" wait-online 90 > /dev/null 2>&1
tap_check "nodetwo online again after the fence asked by hand" [ $? = 0 ]

# ---------------------------------------------------------------- a failed fence
# nodetwo's BMC stops answering; a fence of nodetwo asked by hand cannot
# succeed: pending while the fencer tries, then failed.
until_ok 90 devices_started
kill "$(cat "$S/bmc/nodetwo/ipmi_sim.pid")"
t0=$(now)
X nodeone stonith_admin --reboot nodetwo --timeout 40 > "$W/manual.out" 2>&1 &
manual=$!
tap_check "console header: FENCING nodetwo (pending) while the fencer tries" \
    wait_for con "FENCING nodetwo (pending)" 30
st_json
tcheck "JSON: the pending fence" \
    jcheck "j['fencing']['pending'] >= 1 and j['fencing']['history'][0]['state'] == 'pending'"
wait "$manual"
rc=$?
tap_check "the fence of nodetwo failed (stonith_admin exit $rc after $(elapsed "$t0")s)" [ "$rc" != 0 ]
tap_check "console header: fence of nodetwo FAILED" \
    wait_for con "fence of nodetwo FAILED" 30
screen con > "$W/con-failed.screen"
tap_check "console: the failed entry in the Fencing section" \
    grep -q "reboot of nodetwo failed: delegate=" "$W/con-failed.screen"
st_text; st_json
tcheck "text: the warning names the failed fence of nodetwo" \
    grep -q '! fencing of nodetwo (reboot) FAILED at ' "$W/st.txt"
tcheck "JSON: one node whose last fence failed, in the warnings too" \
    jcheck "j['fencing']['failed_targets'] == 1 and j['fencing']['history'][0]['state'] == 'failed'
            and any('fencing of nodetwo (reboot) FAILED' in w for w in j['cluster']['warnings'])"
T send-keys -t con q
tap_check "console: q leaves it (exit 0)" wait_for con "EXITED 0" 10

# ---------------------------------------------------------------- a hung fencer
# The fencer stops answering (SIGSTOP) just after it sent a notification:
# the console asks the history again, and must not wait for the answer on
# its loop (keys answered, no loop turn of a second), then shows the
# history once the fencer answers again.  The console is held (SIGSTOP)
# while the notification is sent, so that it reads it only once the fencer
# is stopped; a loop held in poll(2) counts as no turn.
rm -f "$S/hang-stall.log"
: > "$S/hang-timing.log"
T new-session -d -s hang -x 120 -y 50 \
    "'$CL' exec nodeone env TERM=screen-256color LANG=C.UTF-8 \
     LC_ALL=C.UTF-8 TZ=UTC HACON_TIMING='$S/hang-timing.log' \
     HACON_STALL_LOG='$S/hang-stall.log' hacon; echo EXITED \$?; \
     exec sleep 900"
tap_check "console (hung fencer): the failed fence in its history" \
    wait_for hang "reboot of nodetwo failed: delegate=" 60
hpid=$(X nodeone pgrep -o -x hacon)
fpid=$(X nodeone pgrep -o -x pacemaker-fence)   # comm: 15 characters
stopped_fenced=$fpid
X nodeone kill -STOP "$hpid"
X nodeone stonith_admin --history '*' --cleanup > "$W/cleanup.out" 2>&1
X nodeone kill -STOP "$fpid"
X nodeone kill -CONT "$hpid"
# nsenter stopped itself with its child (it passes a stop on): it goes on
# too, or it would never see the console end.
for p in $(pgrep -f "^nsenter .*HACON_STALL_LOG=$S/hang-stall.log"); do
    kill -CONT "$p"
done
notified() { grep -q "event fencer-notify:" "$S/hang-timing.log"; }
tap_check "console (hung fencer): the notification of the cleanup taken" \
    until_ok 10 notified
sleep 1
t0=$(now)
T send-keys -t hang '?'
if wait_for hang "search in the view (Enter: find" 10; then
    lag_ms=$(( ($(now) - t0) / 1000000 ))
    tap_check "console (hung fencer): a key answered in ${lag_ms} ms (< 1500)" \
        [ "$lag_ms" -lt 1500 ]
else
    tap_fail "console (hung fencer): a key answered"
fi
T send-keys -t hang Escape
tap_check "console (hung fencer): the question given up after 5 s, said" \
    wait_for hang "history: not available (the fencer did not answer in 5 s, asked again every 2 s)" 15
X nodeone kill -CONT "$fpid" && stopped_fenced=""
# The question given up is dropped when its answer comes: the history
# shows only when it is asked again.
tap_check "console (hung fencer): the history asked again and shown once the fencer answers" \
    wait_for hang "history: no fencing yet" 30
T send-keys -t hang q
tap_check "console (hung fencer): q leaves it" wait_for hang "EXITED 0" 10
longest=$(sed -n 's/^end: longest turn \([0-9]*\) ms.*/\1/p' "$S/hang-stall.log" 2> /dev/null)
tap_check "console (hung fencer): no loop turn waited for the fencer (longest ${longest:-?} ms < 1000)" \
    sh -c "[ -n '$longest' ] && [ '$longest' -lt 1000 ]"
grep '^stall' "$S/hang-stall.log" 2> /dev/null | sort -k2 -n | tail -n 3 | sed 's/^/#   /'

# ---------------------------------------------------------------- a stopped fencer at start and on reconnect
# The fencer stopped (SIGSTOP) before the console starts, then a fencer
# that is restarted and stopped again before the console reconnects: the
# connect and the registration wait for it, never the console's loop
# (keys answered, no loop turn of a second, the section says that it
# waits); once the fencer goes on, its notifications reach the console.
# stop_con/cont_con: the console (and the nsenter above it, which stops
# with its child) held and resumed.
cold_pid() { X nodeone pgrep -n -x hacon; }
cont_con() {
    X nodeone kill -CONT "$1"
    for p in $(pgrep -f "^nsenter .*HACON_STALL_LOG=$S/cold-stall.log"); do
        kill -CONT "$p"
    done
}
# key_lag NAME: '?' answered (the help's search line) within 1.5 s (its
# wait is short: pacemakerd kills a fencer stopped for ~30 s).
key_lag() {
    local t0 lag_ms
    t0=$(now)
    T send-keys -t "$1" '?'
    if wait_for "$1" "search in the view (Enter: find" 5; then
        lag_ms=$(( ($(now) - t0) / 1000000 ))
        T send-keys -t "$1" Escape
        echo "$lag_ms"
        [ "$lag_ms" -lt 1500 ]
    else
        echo "none in 5 s"
        return 1
    fi
}
# fence_nobody: a fence of a node no device can fence fails at once and
# sends the fencer's notifications.
fence_nobody() {
    X nodeone stonith_admin --reboot nosuchnode --timeout 5 > /dev/null 2>&1
}
notifies() { grep -c "event fencer-notify:st_notify_fence" "$S/cold-timing.log"; }
rm -f "$S/cold-stall.log"
: > "$S/cold-timing.log"
fpid=$(X nodeone pgrep -o -x pacemaker-fence)
stopped_fenced=$fpid
X nodeone kill -STOP "$fpid"
T new-session -d -s cold -x 120 -y 50 \
    "'$CL' exec nodeone env TERM=screen-256color LANG=C.UTF-8 \
     LC_ALL=C.UTF-8 TZ=UTC HACON_TIMING='$S/cold-timing.log' \
     HACON_STALL_LOG='$S/cold-stall.log' hacon; echo EXITED \$?; \
     exec sleep 900"
tap_check "console started with the fencer stopped: its screen, saying that it connects" \
    wait_for cold "history: not available (connecting to the fencer)" 10
lag=$(key_lag cold)
tap_check "console started with the fencer stopped: a key answered in $lag ms (< 1500)" [ $? = 0 ]
tap_check "console started with the fencer stopped: after 5 s it says that it still waits" \
    wait_for cold "history: not available (the fencer has not answered in 5 s, still waiting)" 8
X nodeone kill -CONT "$fpid" && stopped_fenced=""
tap_check "console started with the fencer stopped: the history once the fencer goes on" \
    wait_for cold "history: no fencing yet" 30
n0=$(notifies)
fence_nobody
tap_check "console started with the fencer stopped: registered, a fence's notification taken" \
    until_ok 10 sh -c "[ \$(grep -c 'event fencer-notify:st_notify_fence' '$S/cold-timing.log') -gt $n0 ]"
tap_check "console started with the fencer stopped: the failed fence shown" \
    wait_for cold "reboot of nosuchnode failed" 20
X nodeone stonith_admin --history '*' --cleanup > /dev/null 2>&1
wait_for cold "history: no fencing yet" 20 > /dev/null
# The console held while the fencer is killed, restarted by pacemakerd and
# stopped: resumed, it finds the connection gone and connects again.
hpid=$(cold_pid)
fpid=$(X nodeone pgrep -o -x pacemaker-fence)
X nodeone kill -STOP "$hpid"
X nodeone kill -KILL "$fpid"
# The new fencer is stopped only once it answers: stopped before it
# listens, it would never listen, and the console's every connect would be
# refused at once instead of waiting on a fencer that does not answer.
new_fenced() {
    nf=$(X nodeone pgrep -o -x pacemaker-fence)
    [ -n "$nf" ] && [ "$nf" != "$fpid" ] &&
        X nodeone timeout 5 stonith_admin --history '*' > /dev/null 2>&1
}
until_ok 30 new_fenced
fpid=$nf
stopped_fenced=$fpid
X nodeone kill -STOP "$fpid"
cont_con "$hpid"
gone_seen() { grep -q "event fencer-notify:st_notify_disconnect" "$S/cold-timing.log"; }
tap_check "console reconnecting to a stopped fencer: the old connection's end taken" \
    until_ok 5 gone_seen
# The console's connect may have come before the new fencer listened: its
# retry 2 s later then meets the stopped one.
sleep 3
lag=$(key_lag cold)
tap_check "console reconnecting to a stopped fencer: a key answered in $lag ms (< 1500)" [ $? = 0 ]
tap_check "console reconnecting to a stopped fencer: after 5 s it says that it still waits" \
    wait_for cold "history: not available (the fencer has not answered in 5 s, still waiting)" 8
X nodeone kill -CONT "$fpid" && stopped_fenced=""
tap_check "console reconnecting to a stopped fencer: the history once the fencer goes on" \
    wait_for cold "history: no fencing yet" 30
n0=$(notifies)
fence_nobody
tap_check "console reconnected: registered again, a fence's notification taken" \
    until_ok 10 sh -c "[ \$(grep -c 'event fencer-notify:st_notify_fence' '$S/cold-timing.log') -gt $n0 ]"
X nodeone stonith_admin --history '*' --cleanup > /dev/null 2>&1
T send-keys -t cold q
tap_check "console (stopped fencer): q leaves it" wait_for cold "EXITED 0" 10
longest=$(sed -n 's/^end: longest turn \([0-9]*\) ms.*/\1/p' "$S/cold-stall.log" 2> /dev/null)
tap_check "console (stopped fencer): no loop turn waited for the fencer (longest ${longest:-?} ms < 1000)" \
    sh -c "[ -n '$longest' ] && [ '$longest' -lt 1000 ]"
grep '^stall' "$S/cold-stall.log" 2> /dev/null | sort -k2 -n | tail -n 3 | sed 's/^/#   /'

# ---------------------------------------------------------------- hacon status, the fencer stopped
# `hacon status` (text and JSON at once) while the fencer is stopped: its
# question has a limit of its own (libstonithd's connect has none), the
# rest is printed on time and the history said unknown, with why.  The
# stop is kept under 10 s (pacemakerd replaces a fencer stopped ~30 s).
fpid=$(X nodeone pgrep -o -x pacemaker-fence)
stopped_fenced=$fpid
X nodeone kill -STOP "$fpid"
t0=$(now)
( st_text; echo "$(elapsed "$t0")" > "$W/st-text.s" ) &
( st_json; echo "$(elapsed "$t0")" > "$W/st-json.s" ) &
both_done() { [ -s "$W/st-text.s" ] && [ -s "$W/st-json.s" ]; }
on_time=no
until_ok 9 both_done && on_time=yes
X nodeone kill -CONT "$fpid" && stopped_fenced=""
wait
t_text=$(cat "$W/st-text.s" 2> /dev/null)
t_json=$(cat "$W/st-json.s" 2> /dev/null)
tcheck "status, fencer stopped: text and JSON printed in ${t_text:-?}/${t_json:-?} s, both while it was stopped (< 9 s)" \
    [ "$on_time" = yes ]
tcheck "status, fencer stopped: text says the fencer gave no answer in 5 s, the rest printed" \
    sh -c "grep -q '^  history: not available (fencer: no answer in 5 s)' '$W/st.txt' \
           && grep -q 'fence_ipmilan' '$W/st.txt' && grep -q 'nodetwo' '$W/st.txt'"
tcheck "status, fencer stopped: JSON history not known, with why, the rest there" \
    jcheck "j['fencing']['history_known'] is False
            and j['fencing']['history_unknown_why'] == 'fencer: no answer in 5 s'
            and len(j['fencing']['devices']) == 2 and len(j['nodes']) == 2"
st_text
tcheck "status, the fencer going on again: its history known" \
    sh -c "grep -q '^  history:' '$W/st.txt' && ! grep -q 'history: not available' '$W/st.txt'"

# ---------------------------------------------------------------- sbd
X nodeone hacon status > "$W/st.txt" 2>&1
tcheck "sbd: no disk in /etc/default/sbd, no fence_sbd, no watchdog fencing: not in use, no warning" \
    sh -c "grep -q '^  sbd on nodeone: not in use (no SBD_DEVICE in /etc/default/sbd' '$W/st.txt' && ! grep -q '! sbd' '$W/st.txt'"
# msgwait 3 s, allocate 1 s (sbd's 10 and 2): `sbd message` waits the
# msgwait out and `sbd allocate` the allocate timeout, time that is not
# what this tests (hacon reads the header, whatever it holds).
X nodeone sbd -d "$DISK_DEV" -1 5 -4 3 -2 1 create > "$W/sbd.out" 2>&1 &&
    X nodeone sbd -d "$DISK_DEV" allocate nodeone >> "$W/sbd.out" 2>&1 &&
    X nodeone sbd -d "$DISK_DEV" allocate nodetwo >> "$W/sbd.out" 2>&1 &&
    X nodeone sbd -d "$DISK_DEV" message nodetwo test >> "$W/sbd.out" 2>&1
tap_check "an sbd header on the shared disk, both nodes' slots, a test message to nodetwo" [ $? = 0 ]
printf '# sbd\nSBD_DEVICE="%s"\nSBD_WATCHDOG_DEV=/dev/watchdog\nSBD_WATCHDOG_TIMEOUT=5\n' \
    "$DISK_DEV" > "$S/sbd.conf"
X nodeone hacon status > /dev/null 2>&1
t0=$(now)
X nodeone env HACON_SBD_CONFIG="$S/sbd.conf" hacon status > "$W/st.txt" 2>&1
echo "# hacon status with both nodes' sbd (nodetwo over ssh, the disk read on each): $(elapsed "$t0")s"
X nodeone env HACON_SBD_CONFIG="$S/sbd.conf" hacon status --format=json > "$W/st.json" 2>&1
tcheck "sbd text: NOT running here, its watchdog, timeout and msgwait of the header, its own slot, and the warning" \
    sh -c "grep -q '^  sbd on nodeone: NOT running, watchdog /dev/watchdog, watchdog timeout 5 s, msgwait 3 s, slot 0 on $DISK_DEV: clear$' '$W/st.txt' &&
           grep -q '^    disk $DISK_DEV: slot 0 nodeone clear, slot 1 nodetwo test from nodeone' '$W/st.txt' &&
           grep -q '! sbd is configured ($S/sbd.conf) but does not run on nodeone' '$W/st.txt'"
tcheck "sbd text: nodetwo's, read over ssh: not running, its watchdog, msgwait, its slot with the test message, and the warning" \
    sh -c "grep -q '^  sbd on nodetwo: NOT running, watchdog /dev/watchdog, watchdog timeout 5 s, msgwait 3 s, slot 1 on $DISK_DEV: test from nodeone$' '$W/st.txt' &&
           grep -q '! sbd is configured ($S/sbd.conf) but does not run on nodetwo' '$W/st.txt'"
tcheck "sbd JSON: configured, not running, the slots" \
    jcheck "j['fencing']['sbd']['configured'] and not j['fencing']['sbd']['running']
            and [(x['node'], x['message']) for x in j['fencing']['sbd']['disks'][0]['slots']]
                == [('nodeone', 'clear'), ('nodetwo', 'test')]"
tcheck "sbd JSON: sbd_nodes, both nodes known, not running, watchdog not held, msgwait 3, each node's own slot" \
    jcheck "[(n['node'], n['known'], n['running'], n['watchdog_open'], n['watchdog_held'], n['msgwait'],
              n['disks'][0]['watchdog_timeout'], n['disks'][0]['node_slot'], n['disks'][0]['node_message'])
             for n in j['fencing']['sbd_nodes']]
            == [('nodeone', True, False, False, None, 3, 5, 0, 'clear'),
                ('nodetwo', True, False, False, None, 3, 5, 1, 'test')]"
# nodetwo not reachable by ssh (an ssh_config that names a closed port).
printf 'Host *\n    Port 1\n    StrictHostKeyChecking no\n' > "$S/ssh-bad.conf"
X nodeone env HACON_SBD_CONFIG="$S/sbd.conf" HACON_SSH_CONFIG="$S/ssh-bad.conf" \
    hacon status > "$W/st.txt" 2>&1
X nodeone env HACON_SBD_CONFIG="$S/sbd.conf" HACON_SSH_CONFIG="$S/ssh-bad.conf" \
    hacon status --format=json > "$W/st.json" 2>&1
tcheck "sbd text: nodetwo not reachable by ssh is unknown, with ssh's reason, and no warning about it" \
    sh -c "grep -Eq '^  sbd on nodetwo: unknown \(ssh: .*port 1: Connection refused\)$' '$W/st.txt' &&
           ! grep -q 'does not run on nodetwo' '$W/st.txt'"
tcheck "sbd JSON: nodetwo unknown, why" \
    jcheck "[n['known'] for n in j['fencing']['sbd_nodes']] == [True, False]
            and 'Connection refused' in j['fencing']['sbd_nodes'][1]['unknown_why']"

# The console: each node's sbd and the disk's slots, read off its loop.
T new-session -d -s sbd -x 120 -y 70 \
    "'$CL' exec nodeone env TERM=screen-256color LANG=C.UTF-8 \
     LC_ALL=C.UTF-8 TZ=UTC HACON_SBD_CONFIG='$S/sbd.conf' hacon; \
     echo EXITED \$?; exec sleep 900"
# two_lines NAME FIRST SECOND: the screen has FIRST with SECOND below it.
two_lines() { screen "$1" | grep -A1 -F -- "$2" | tail -n +2 | grep -qF -- "$3"; }
tap_check "console: sbd on nodeone, not running, timeout and msgwait, its slot" \
    until_ok 60 two_lines sbd "sbd on nodeone: NOT running, watchdog /dev/watchdog NOT open" \
    "    timeout 5 s, msgwait 3 s, slot 0 clear"
tap_check "console: sbd on nodetwo (over ssh), its slot with the test message" \
    until_ok 30 two_lines sbd "sbd on nodetwo: NOT running, watchdog /dev/watchdog NOT open" \
    "    timeout 5 s, msgwait 3 s, slot 1 test"
fits80() { ! screen sbd | grep 'sbd on node' | grep -q '.\{81\}'; }
tap_check "console: each node's first sbd line fits 80 columns" fits80
tap_check "console: the disk's slots" \
    wait_for sbd "disk $DISK_DEV: slot 0 nodeone clear, slot 1 nodetwo test from nodeone" 10
X nodeone sbd -d "$DISK_DEV" message nodetwo clear > /dev/null 2>&1
tap_check "console: nodetwo's slot cleared on the disk shows (read again every 5 s)" \
    wait_for sbd "msgwait 3 s, slot 1 clear" 20
T send-keys -t sbd q
tap_check "console: q leaves it" wait_for sbd "EXITED 0" 10
# A disk whose `sbd list` hangs (an sbd that never answers, first in
# PATH) and nodetwo not reachable: said, and the console never waits.
mkdir -p "$S/slowbin"
printf '#!/bin/sh\nexec sleep 67\n' > "$S/slowbin/sbd"
chmod +x "$S/slowbin/sbd"
rm -f "$S/sbd-stall.log"
T new-session -d -s slow -x 120 -y 70 \
    "'$CL' exec nodeone env TERM=screen-256color LANG=C.UTF-8 \
     LC_ALL=C.UTF-8 TZ=UTC HACON_SBD_CONFIG='$S/sbd.conf' \
     HACON_SSH_CONFIG='$S/ssh-bad.conf' HACON_STALL_LOG='$S/sbd-stall.log' \
     PATH='$S/slowbin':\$PATH hacon; echo EXITED \$?; exec sleep 900"
tap_check "console: a disk that does not answer is said (5 s limit)" \
    wait_for slow "disk $DISK_DEV: sbd -d $DISK_DEV list: no answer in 5 s" 30
tap_check "console: nodetwo not reachable: sbd unknown with ssh's reason" \
    wait_re slow "sbd on nodetwo: unknown \(ssh: .*Connection refused\)" 30
sleep 6     # a second read of the hanging disk
# hung_sbd: the hanging `sbd list` (sleep 67) of a console's read runs.
hung_sbd() { X nodeone pgrep -x -f 'sleep 67' > /dev/null; }
no_hung_sbd() { ! hung_sbd; }
until_ok 10 hung_sbd
T send-keys -t slow q
tap_check "console (slow disk): q leaves it" wait_for slow "EXITED 0" 10
tap_check "console (slow disk): its hanging sbd read did not outlive it (q)" \
    until_ok 2 no_hung_sbd
# The same when the terminal goes (a dropped ssh session: SIGHUP).
until_ok 60 no_hung_sbd
T new-session -d -s slowhup -x 120 -y 70 \
    "'$CL' exec nodeone env TERM=screen-256color LANG=C.UTF-8 \
     LC_ALL=C.UTF-8 TZ=UTC HACON_SBD_CONFIG='$S/sbd.conf' \
     HACON_SSH_CONFIG='$S/ssh-bad.conf' PATH='$S/slowbin':\$PATH hacon; \
     exec sleep 900"
until_ok 20 hung_sbd
T kill-session -t slowhup
tap_check "console (slow disk): its hanging sbd read did not outlive it (terminal gone)" \
    until_ok 2 no_hung_sbd
longest=$(sed -n 's/^end: longest turn \([0-9]*\) ms.*/\1/p' "$S/sbd-stall.log" 2> /dev/null)
tap_check "console: no loop turn waited for the disk (longest ${longest:-?} ms < 1000)" \
    sh -c "[ -n '$longest' ] && [ '$longest' -lt 1000 ]"
# A process named sbd on nodetwo (a copy of sleep: the real sbd would arm
# the watchdog) holding no watchdog: running, and the watchdog NOT open,
# read over ssh from nodeone.
mkdir -p "$S/fakesbd"
cp "$(command -v sleep)" "$S/fakesbd/sbd"
X nodetwo sh -c "setsid '$S/fakesbd/sbd' 300 < /dev/null > /dev/null 2>&1 &"
fake_pid() { X nodetwo sh -c 'for d in /proc/[0-9]*; do read -r n < $d/comm 2>/dev/null && [ "$n" = sbd ] && echo ${d#/proc/}; done' | head -n 1; }
fake_running() { [ -n "$(fake_pid)" ]; }
until_ok 10 fake_running
fpid=$(fake_pid)
X nodeone env HACON_SBD_CONFIG="$S/sbd.conf" hacon status > "$W/st.txt" 2>&1
X nodeone env HACON_SBD_CONFIG="$S/sbd.conf" hacon status --format=json > "$W/st.json" 2>&1
tcheck "sbd text: nodetwo's sbd running (pid $fpid there) without its watchdog, and the warning" \
    sh -c "grep -q '^  sbd on nodetwo: running (pid $fpid), watchdog /dev/watchdog NOT open, watchdog timeout 5 s, msgwait 3 s, slot 1 on $DISK_DEV: clear$' '$W/st.txt' &&
           grep -q '! sbd runs on nodetwo but does not hold its watchdog /dev/watchdog open' '$W/st.txt' &&
           ! grep -q 'does not run on nodetwo' '$W/st.txt'"
tcheck "sbd JSON: nodetwo running, its pid, no watchdog held" \
    jcheck "[(n['node'], n['running'], n['pid'], n['watchdog_open']) for n in j['fencing']['sbd_nodes']]
            == [('nodeone', False, 0, False), ('nodetwo', True, $fpid, False)]"
[ -n "$fpid" ] && X nodetwo kill "$fpid"
printf 'SBD_DEVICE="/dev/drbd1\n' > "$S/sbd-bad.conf"
X nodeone env HACON_SBD_CONFIG="$S/sbd-bad.conf" hacon status > "$W/st.txt" 2>&1
tcheck "sbd: a quote not closed in the configuration is named with its line" \
    grep -q "! sbd: $S/sbd-bad.conf line 1: a quote is not closed" "$W/st.txt"

if "$CL" down > "$W/down.log" 2>&1; then
    down_done=1
    tap_ok "down: nothing left"
else
    tap_fail "down"; sed 's/^/#   /' "$W/down.log" | tail -n 20
fi
echo "# total $(elapsed "$T_ALL")s"
tap_done
