#!/bin/bash
# The console's failover screen (f) on the live two-node test cluster, with
# keys only: the console runs inside the passive node in tmux (it needs
# that node's live CIB, as `hacon failover-test` does in t-failover.sh).
#
# A cli-prefer constraint is left in the CIB first, as an earlier
# `crm resource move` would leave it: the move scenario refuses to start
# and offers to clear it (c); then the move runs, the timeline and the
# probe counts grow while the console still answers keys (help opens and
# closes during the run; the console's loop never stalls over 100 ms, as
# HACON_STALL_LOG records), every assertion passes, the reports are saved,
# and no cli-* constraint is left.  Then a standby scenario run twice (the
# repeat, with its summary), and a read-only console that refuses the
# screen.
: "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$HACON_TOP/tests/tap.sh"

tap_need_root
tap_need_cmd tmux ip nsenter unshare losetup mkfs.ext4 corosync pacemakerd \
    crm_mon crm_resource crm dhcpd busybox sshd ssh
tap_need_netns
[ -x "$HACON" ] || tap_skip_all "no $HACON (run make)"

# A unique instance: several runs (and other suites) side by side.
FO_PREFIX=hcs FO_NAME=foscreen
# dhcp's monitor every 5 s (the tutorial's 30 s): the kill scenario waits
# for Pacemaker to notice the killed dhcpd, up to a whole interval, a wait
# that is Pacemaker's timer and not what the scenario tests.
export HC_CLUSTER_DHCP_MONITOR=5s
sock=hacon-foscreen-$$
fo_cleanup_extra() { T kill-server 2> /dev/null; }
. "$HACON_TOP/tests/failover/lib.sh"
. "$HACON_TOP/tests/screen/screen-lib.sh"
# sent NAME: the probe count on the screen (empty when not shown).
sent() {
    screen "$1" | sed -n 's/.*Probes every 200 ms: \([0-9]*\) sent.*/\1/p' \
        | head -n1
}

fo_up "the final configuration" --final
fo_lease

a=$(rsc_node dhcp nodeone)
p=$(other "$a")
REP=$S/screen-reports
mkdir -p "$REP"
# The console's loop stalls over 100 ms (HACON_STALL_LOG), one a line.
STALL=$S/stall.log
: > "$STALL"
# Left by an earlier move: pins dhcp where it runs, so nothing moves now.
nx "$p" cibadmin -C -o constraints -X "<rsc_location id=\"cli-prefer-dhcp\" rsc=\"dhcp\" role=\"Started\" node=\"$a\" score=\"INFINITY\"/>" \
    > "$W/cib.log" 2>&1
tap_check "a leftover cli-prefer-dhcp in the CIB" \
    sh -c "'$CL' exec $p cibadmin -Q -o constraints | grep -q cli-prefer-dhcp"

# The console in the passive node, as an admin would run it there.
T new-session -d -s keep -x 80 -y 24 "exec sleep 900"
T new-session -d -s fo -x 120 -y 50 \
    "'$CL' exec $p env TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \
     HACON_FAILOVER_DIR=$REP HACON_STALL_LOG=$STALL hacon; echo EXITED \$?; \
     exec sleep 900"
tap_check "the console shows the live cluster" \
    wait_for fo "CIB: live cluster" 30

T send-keys -t fo f
tap_check "f opens the failover screen" \
    wait_for fo "Failover test: choose a scenario"
tap_check "the scenario list says what moves where" \
    wait_for fo "service dhcp runs on $a; expected after the test on $p"
tap_check "crash needs its command (none configured)" \
    wait_for fo "needs its command: hacon --crash-cmd"
T send-keys -t fo 1 Enter
tap_check "Enter: what the move will do, and a question" \
    wait_for fo "Start? Enter/y: start"
: > "$STALL"
T send-keys -t fo Enter
tap_check "the move refuses to start over a leftover cli-prefer" \
    wait_for fo "Not run: 1 cli-prefer/cli-ban constraint(s)" 60
tap_check "and offers to clear it" \
    wait_for fo "c: clear them (crm_resource --clear) and start the test"

t_move=$(now)
T send-keys -t fo c
tap_check "c clears it from the screen" \
    wait_for fo "crm_resource --clear -r dhcp: done" 120
tap_check "then the move runs: probes every 200 ms" \
    wait_for fo "Probes every 200 ms:" 120
tap_check "the timeline shows the move's command" \
    wait_for fo "crm_resource --move" 60
s1=$(sent fo)
# The console answers keys during the run: help opens and closes.
t0=$(now)
T send-keys -t fo '?'
wait_for fo "hacon console: keys" 10 > /dev/null
t_help=$(elapsed "$t0")
T send-keys -t fo Escape
tap_check "the console answers keys during the run (help in ${t_help}s)" \
    wait_for fo "Probes every 200 ms:" 10
# Probes go on meanwhile: the count on the screen grows (10 s at most).
s2=$s1
for _ in $(seq 50); do
    s2=$(sent fo)
    [ "${s2:-0}" -gt "${s1:-0}" ] && break
    sleep 0.2
done
tap_check "the probe count grows on the screen ($s1 -> $s2)" \
    test "${s2:-0}" -gt "${s1:-0}"
tap_check "the move ends with its result" \
    wait_for fo "Result: move $a -> $p:" 180
# The result comes first, then the report is saved and its paths shown.
wait_for fo "$REP/failover-move-" 30 > /dev/null
screen fo > "$W/move.screen"
grep -E '^\s+\[(PASS|FAIL|SKIP)\]|Result:|downtime' "$W/move.screen" \
    | sed 's/^/#   /'
for n in service-placed dhcp-answers after-cleanup leases-kept \
    no-cli-constraints failcounts-clean; do
    tap_check "move: [PASS] $n" grep -q "\[PASS\] $n:" "$W/move.screen"
done
tap_check "move: PASS with the measured downtime" \
    grep -qE "Result: move $a -> $p: PASS, downtime [0-9]+ ms" "$W/move.screen"
echo "# move from the screen: $(elapsed "$t_move")s"
# Two move reports: the run refused over the leftover cli-prefer, and the
# one c started, often in the same second: neither overwrites the other.
n_rep=$(find "$REP" -name 'failover-move-*-01.txt' | wc -l)
n_pass=$(grep -l '^hacon failover-test move: PASS' "$REP"/failover-move-*-01.txt | wc -l)
tap_check "move: the report paths are on the screen and saved ($n_rep, $n_pass PASS)" \
    sh -c "[ $n_rep = 2 ] && [ $n_pass = 1 ] && grep -q '$REP/failover-move-' '$W/move.screen'"
tap_check "no cli-* constraint is left in the CIB" \
    sh -c "! '$CL' exec $p cibadmin -Q -o constraints | grep -q 'id=\"cli-'"
tap_check "dhcp runs on $p now" test "$(rsc_node dhcp "$p")" = "$p"
# The test runs in a child process: the console's loop only reads its
# events, and never stalls (no probe, ssh or crm_resource wait on it).
echo "# loop stalls over 100 ms during the move: $(wc -l < "$STALL")"
sed 's/^/#   /' "$STALL"
tap_check "the console's loop never stalled over 100 ms during the move" \
    sh -c "! grep -q '^stall' '$STALL'"

# Standby twice from the screen (+: two runs; the second starts where the
# first left the service, so it goes back), with the summary.
T send-keys -t fo Escape
tap_check "Esc: back to the scenarios" \
    wait_for fo "Failover test: choose a scenario"
T send-keys -t fo 2 +
tap_check "+ sets two runs" wait_for fo "Runs: 2"
T send-keys -t fo Enter
wait_for fo "Start? Enter/y: start" > /dev/null
t0=$(now)
: > "$STALL"
T send-keys -t fo y
tap_check "standby x2 ends with its summary" \
    wait_for fo "Summary: standby x2:" 300
screen fo > "$W/standby.screen"
grep -E 'run [12]: |Result:|Summary:' "$W/standby.screen" | sed 's/^/#   /'
tap_check "standby x2: run 1 $p -> $a and run 2 $a -> $p pass ($(elapsed "$t0")s)" \
    sh -c "grep -q 'run 1: $p -> $a PASS' '$W/standby.screen' \
           && grep -qE 'Result: standby $a -> $p: PASS' '$W/standby.screen'"
tap_check "standby x2: summary with min/median/max, nothing failed" \
    grep -qE "Summary: standby x2: 0 failed, 0 not run; downtime ms min [0-9]+ median [0-9]+ max [0-9]+" "$W/standby.screen"
tap_check "standby x2: both nodes online again (not in standby)" sh -c \
    "'$CL' exec $a crm_attribute --node $p --name standby --query 2>&1 \
     | grep -q 'value=off' && '$CL' exec $a crm_attribute --node $a \
     --name standby --query 2>&1 | grep -q 'value=off'"
n_rep=$(find "$REP" -name 'failover-standby-*.json' ! -name '*-summary.json' | wc -l)
tap_check "standby x2: two JSON reports saved ($n_rep)" test "$n_rep" = 2
sed 's/^/#   /' "$STALL"
tap_check "the console's loop never stalled over 100 ms during standby x2" \
    sh -c "! grep -q '^stall' '$STALL'"

# Kill from the screen: its command (a sh -c with double quotes) is shown
# as an admin would type it, with shell quoting, never JSON's \".
T send-keys -t fo Escape
wait_for fo "Failover test: choose a scenario" > /dev/null
T send-keys -t fo - 4 Enter
tap_check "kill: one run, and its question" wait_for fo "Start? Enter/y: start"
T send-keys -t fo y
tap_check "kill ends with its result" wait_for fo "Result: kill " 240
wait_for fo "$REP/failover-kill-" 30 > /dev/null
screen fo > "$W/kill.screen"
# The timeline's top (g), where the action's command is.
T send-keys -t fo g
wait_for fo "Baseline" 10 > /dev/null
screen fo >> "$W/kill.screen"
grep -E 'run: sh -c|Result:' "$W/kill.screen" | sed 's/^/#   /'
tap_check "kill: the timeline shows its command with shell quoting" \
    grep -qF "read -r p < \"\$1\" && [ \"\$(cat" "$W/kill.screen"
tap_check "kill: no JSON-style \\\" on the failover screen" \
    sh -c "! grep -qF '\\\"' '$W/kill.screen'"

T send-keys -t fo q
tap_check "q quits the console with 0" wait_for fo "EXITED 0" 30
# The log was kept (it says so at the end): the checks above meant it.
sed 's/^/#   /' "$STALL"
tap_check "the console measured its loop (HACON_STALL_LOG's last line)" \
    grep -q '^end: longest turn' "$STALL"

# --read-only: no failover screen.
T new-session -d -s ro -x 100 -y 30 \
    "'$CL' exec $p env TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \
     hacon --read-only; echo EXITED \$?; exec sleep 900"
wait_for ro "CIB: live cluster" 30 > /dev/null
T send-keys -t ro f
tap_check "--read-only: f says no, and changes nothing" \
    wait_for ro "No failover test in a read-only console"
T send-keys -t ro q
wait_for ro "EXITED" 20 > /dev/null
echo "# whole suite: $(elapsed "$T_ALL")s"
tap_done
