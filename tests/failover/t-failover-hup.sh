#!/bin/bash
# A failover test started from the console, whose terminal goes away in
# the middle (the admin's ssh session drops: the tmux pane is killed, the
# console gets SIGHUP): the test goes on in its own process to its cleanup,
# and within the run's deadline the cluster is back as it began (no node in
# standby, no cli-* constraint, both stacks running, DHCP answers); the
# report says it was finished headless.
#
# standby: the pane is killed right after the action; a console started
# again finds the run still going and follows it to its end.
# stop-stack: q first asks (n: the console stays); then the pane is killed
# while the stack is being stopped; the run ends with no console at all,
# and a console started afterwards says how it ended and shows it.
# Both consoles' loops log their stalls over 100 ms (HACON_STALL_LOG):
# none while they follow a run.  Then the clearing that the screen's c runs
# after a run that left a cli-* constraint (--clear-leftovers), and SIGINT
# to a `hacon failover-test` during its run: it ends through its cleanup.
: "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$HACON_TOP/tests/tap.sh"

tap_need_root
tap_need_cmd tmux flock ip nsenter unshare losetup mkfs.ext4 corosync \
    pacemakerd crm_mon crm_resource crm dhcpd busybox sshd ssh
tap_need_netns
[ -x "$HACON" ] || tap_skip_all "no $HACON (run make)"

FO_PREFIX=hch FO_NAME=fohup
sock=hacon-fohup-$$
fo_cleanup_extra() { T kill-server 2> /dev/null; }
. "$HACON_TOP/tests/failover/lib.sh"
. "$HACON_TOP/tests/screen/screen-lib.sh"

fo_up "the final configuration" --final
# The host side of host-request (stop and start a node's stack).
fo_relay stop start
fo_lease

REP=$S/hup-reports
EV=$REP/failover-run.events
STALL=$S/stall.log
mkdir -p "$REP"
# The console in a node, as the admin runs it there over ssh.
cat > "$S/console.sh" <<EOF
#!/bin/sh
export TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8
export HACON_FAILOVER_DIR='$REP' HACON_STALL_LOG='$STALL'
export HACON_STOP_CMD='$REQ $RD {node} stop'
export HACON_RESTORE_CMD='$REQ $RD {node} start'
exec hacon
EOF
chmod +x "$S/console.sh"
T new-session -d -s keep -x 80 -y 24 "exec sleep 1800"
console() {
    T new-session -d -s "$1" -x 120 -y 50 \
        "'$CL' exec '$2' '$S/console.sh'; echo EXITED \$?; exec sleep 900"
}

# as_began: the cluster as the suite began: both nodes online (their
# stacks run) and not in standby, no cli-* constraint, DHCP answers.
as_began() {
    local x
    x=$("$CL" exec nodeone crm_mon -1 --output-as=xml 2> /dev/null)
    for n in nodeone nodetwo; do
        printf '%s\n' "$x" | grep -E "<node name=\"$n\"" \
            | grep -q 'online="true"' || { echo "$n not online"; return 1; }
        printf '%s\n' "$x" | grep -E "<node name=\"$n\"" \
            | grep -q 'standby="false"' || { echo "$n in standby"; return 1; }
    done
    if "$CL" exec nodeone cibadmin -Q -o constraints | grep -q 'id="cli-'; then
        echo "a cli-* constraint"; return 1
    fi
    # A new lease: a DHCPDISCOVER broadcast answered.
    { "$CL" dhcp release && "$CL" dhcp obtain; } > "$W/obtain.log" 2>&1 \
        || { echo "no DHCP answer: $(tail -n1 "$W/obtain.log")"; return 1; }
    echo "as it began"
}
# running: a test holds the event file.
running() { [ -e "$EV" ] && ! flock -n -s "$EV" true; }
# wait_end SECONDS: until the run wrote its end line and let the file go
# (also when it was renamed failover-run.last by a console that showed it).
wait_end() {
    local end=$(( $(date +%s) + $1 )) f
    while [ "$(date +%s)" -le "$end" ]; do
        for f in "$EV" "$REP/failover-run.last"; do
            [ -e "$f" ] && grep -q '^end ' "$f" && ! running && return 0
        done
        sleep 1
    done
    return 1
}
# deadline: the run's own, from its start line (seconds since the epoch).
deadline() {
    sed -n 's/^start [0-9]* [^ ]* [0-9]* [^ ]* \([0-9]*\)$/\1/p' \
        "$EV" "$REP/failover-run.last" 2> /dev/null | tail -n1
}

st=$(as_began)
tap_check "the cluster as it begins: $st" test "$st" = "as it began"

# ---- standby: the pane dies after the action; a new console follows. ----
a=$(rsc_node dhcp nodeone)
p=$(other "$a")
console fo1 "$p"
tap_check "the console shows the live cluster" wait_for fo1 "CIB: live cluster" 30
T send-keys -t fo1 f
wait_for fo1 "Failover test: choose a scenario" > /dev/null
T send-keys -t fo1 2 Enter
wait_for fo1 "Start? Enter/y: start" > /dev/null
: > "$STALL"
t0=$(now)
T send-keys -t fo1 y
# The timeline's line ("action run: ..."), not the plan's ("runs: ...").
tap_check "standby: the action runs" \
    wait_for fo1 "action run: crm_attribute --node $a --name standby --update on" 120
T kill-session -t fo1
sleep 1
tap_check "standby: the console is gone (SIGHUP), the test runs on" running
d_standby=$(deadline)
console fo2 "$p"
tap_check "a console started again says a test is running" \
    wait_for fo2 "A failover test is running (started earlier)" 30
T send-keys -t fo2 f
tap_check "f shows it, followed from its event file" \
    wait_for fo2 "started by an earlier console" 10
tap_check "the run ends on the screen with its result" \
    wait_for fo2 "Result: standby $a -> $p:" 300
wait_for fo2 "finished headless" 5
r=$?
tap_check "the screen says the run went on headless" test "$r" = 0
if [ "$r" != 0 ]; then
    grep -hn 'headless\|^end\|^result\|^run' "$EV" "$REP/failover-run.last" \
        2> /dev/null | sed 's/^/#   /'
fi
screen fo2 > "$W/standby.screen"
grep -E '\[(PASS|FAIL|SKIP)\]|Result:|headless' "$W/standby.screen" | sed 's/^/#   /'
wait_end 60
tap_check "standby: ended ($(elapsed "$t0")s) before its deadline" \
    test "$(date +%s)" -le "${d_standby:-0}"
st=$(as_began)
tap_check "standby: the cluster is back as it began: $st" test "$st" = "as it began"
rep=$(ls -t "$REP"/failover-standby-*.txt 2> /dev/null | head -n1)
grep -n headless "${rep:-/dev/null}" | sed 's/^/#   /'
tap_check "standby: the report says it was finished headless ($rep)" \
    grep -q "finished headless" "${rep:-/nonexistent}"
T send-keys -t fo2 q
tap_check "q after the run quits at once" wait_for fo2 "EXITED 0" 20
sed 's/^/#   /' "$STALL"
tap_check "no loop stall over 100 ms while following the run" \
    sh -c "! grep -q '^stall' '$STALL' && grep -q '^end: longest turn' '$STALL'"

# ---- stop-stack: q asks; the pane dies while the stack stops. ----
a=$(rsc_node dhcp nodeone)
p=$(other "$a")
console fo3 "$p"
wait_for fo3 "CIB: live cluster" 30 > /dev/null
T send-keys -t fo3 f
wait_for fo3 "Failover test: choose a scenario" > /dev/null
T send-keys -t fo3 3 Enter
wait_for fo3 "Start? Enter/y: start" > /dev/null
t0=$(now)
T send-keys -t fo3 y
tap_check "stop-stack: the stack of $a is being stopped" \
    wait_for fo3 "action stop-stack: start" 120
T send-keys -t fo3 q
tap_check "q during the run asks first" \
    wait_for fo3 "A failover test is running. Quit the console?" 10
T send-keys -t fo3 n
tap_check "n: the console stays, the run goes on" \
    sh -c "sleep 1; tmux -L '$sock' capture-pane -p -t fo3 | grep -q 'Failover test: stop-stack' && ! tmux -L '$sock' capture-pane -p -t fo3 | grep -q EXITED"
T kill-session -t fo3
sleep 1
tap_check "stop-stack: the console is gone (SIGHUP), the test runs on" running
d_stop=$(deadline)
tap_check "stop-stack: the run ends by itself" wait_end 600
tap_check "stop-stack: ended ($(elapsed "$t0")s) before its deadline" \
    test "$(date +%s)" -le "${d_stop:-0}"
st=$(as_began)
tap_check "stop-stack: the cluster is back as it began: $st" test "$st" = "as it began"
rep=$(ls -t "$REP"/failover-stop-stack-*.txt 2> /dev/null | head -n1)
grep -E 'PASS|FAIL|SKIP|headless|stop|start' "${rep:-/dev/null}" | sed 's/^/#   /'
tap_check "stop-stack: the report says it was finished headless ($rep)" \
    grep -q "finished headless" "${rep:-/nonexistent}"
console fo4 "$p"
tap_check "a console started afterwards says how the run ended" \
    wait_re fo4 "Failover test stop-stack ended while no console followed it: (PASS|FAIL)" 30
T send-keys -t fo4 f
tap_check "f shows its report: the result" \
    wait_for fo4 "Result: stop-stack $a -> $p:" 10
tap_check "and that it was finished headless" \
    wait_for fo4 "finished headless" 5
T send-keys -t fo4 q
wait_for fo4 "EXITED" 20 > /dev/null

# ---- the clearing the screen's c runs after a run that left cli-*. ----
# Two resources' leftovers, one of them's before and after the other's:
# each resource is cleared once (a copy of the clearing that the screen
# once had cleared dhcp twice here).
a=$(rsc_node dhcp nodeone)
for x in "cli-prefer-dhcp dhcp $a INFINITY" "cli-prefer-testnet testnet $a INFINITY" \
    "cli-ban-dhcp-on-$(other "$a") dhcp $(other "$a") -INFINITY"; do
    # shellcheck disable=SC2086 # the words of x
    set -- $x
    "$CL" exec "$a" cibadmin -C -o constraints -X "<rsc_location id=\"$1\" rsc=\"$2\" role=\"Started\" node=\"$3\" score=\"$4\"/>" \
        >> "$W/cib.log" 2>&1
done
"$CL" exec "$(other "$a")" hacon failover-test --clear-leftovers \
    --events "$REP/clear.events" > "$W/clear.log" 2>&1
rc=$?
sed 's/^/#   /' "$REP/clear.events"
tap_check "--clear-leftovers clears each resource's cli-* once" \
    sh -c "[ \$(grep -c '^clear crm_resource --clear -r dhcp:' '$REP/clear.events') = 1 ] \
           && [ \$(grep -c '^clear crm_resource --clear -r testnet:' '$REP/clear.events') = 1 ]"
tap_check "--clear-leftovers clears a cli-prefer and waits (exit $rc)" \
    sh -c "[ $rc = 0 ] && grep -q '^clear crm_resource --clear -r dhcp: done' '$REP/clear.events' \
           && grep -q '^end 0' '$REP/clear.events' \
           && ! '$CL' exec $a cibadmin -Q -o constraints | grep -q 'id=\"cli-'"

# ---- SIGINT to hacon failover-test itself (^C in a terminal). ----
a=$(rsc_node dhcp nodeone)
p=$(other "$a")
t0=$(now)
"$CL" exec "$p" hacon failover-test standby --yes \
    --report-dir "$REP/cli" > "$W/cli.log" 2>&1 &
cli=$!
for _ in $(seq 300); do
    grep -q 'standby --update on' "$W/cli.log" && break
    sleep 0.1
done
"$CL" exec "$p" pkill -INT -f '^hacon failover-test standby'
i=0
while kill -0 "$cli" 2> /dev/null && [ "$i" -lt 300 ]; do sleep 1; i=$((i + 1)); done
wait "$cli"
rc=$?
grep -E 'interrupted|\[(PASS|FAIL)\]' "$W/cli.log" | sed 's/^/#   /'
tap_check "SIGINT: the test ends early through its cleanup ($(elapsed "$t0")s, exit $rc)" \
    sh -c "grep -q 'interrupted (SIGINT)' '$W/cli.log' && grep -q 'standby --update off' '$W/cli.log'"
st=$(as_began)
tap_check "SIGINT: the cluster is back as it began: $st" test "$st" = "as it began"
echo "# whole suite: $(elapsed "$T_ALL")s"
tap_done
