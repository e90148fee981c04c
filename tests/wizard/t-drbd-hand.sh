#!/bin/bash
# The tutorial's test of DRBD by hand from the console's setup screen (t
# on the drbd step's plan), on the bare namespace test cluster
# (tests/cluster/hc-cluster up --bare), and what an interruption leaves:
# the console killed (SIGKILL) or its terminal gone (the pane killed, as a
# dropped ssh) in the middle of the test; `hacon setup test drbd` runs on
# to its end and r0 is back in its old roles, unmounted on both nodes, the
# test's file removed.
#
# What runs for real: the console, its keys and screens, the child it
# starts, ssh between the nodes, mount and umount of the shared disk on
# each node in turn, the file written on one node and read on the other.
# What does not: DRBD.  The test cluster has no DRBD kernel module: its
# /dev/drbd1 is a loop device both nodes see, and drbdadm is
# tests/wizard/drbdadm-loop, which plays r0's roles with DRBD's rules (one
# Primary at a time, no demotion while mounted).  The test against real
# DRBD is in the VMs (tests/vmcluster: `hacon setup test drbd`).
: "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$HACON_TOP/tests/tap.sh"

tap_need_root
tap_need_cmd tmux ip nsenter unshare losetup mkfs.ext4 debugfs corosync \
    pacemakerd cibadmin sshd ssh python3
tap_need_netns
tap_need_init_scripts
[ -x "$HACON" ] || tap_skip_all "build/hacon not built (make)"

HC_CLUSTER_PREFIX=hcd$(printf '%s' "$HACON_TOP" | cksum | cut -c1-5)
HC_CLUSTER_SSH_MUX=1
export HC_CLUSTER_PREFIX HC_CLUSTER_SSH_MUX
unset HC_CLUSTER_STATE
. "$HACON_TOP/tests/cluster/lib.sh"
CL=$HACON_TOP/tests/cluster/hc-cluster
W=$(mktemp -d /tmp/hc-t-drbdhand.XXXXXX)
sock=hcdh$$
cleanup() {
    tmux -L "$sock" kill-server > /dev/null 2>&1
    "$CL" down > "$W/down-trap.log" 2>&1
    [ -n "${HC_KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

console() {
    local n=$1; shift
    T new-session -d -s "$n" -x 100 -y 32 "HC_CLUSTER_PREFIX=$HC_CLUSTER_PREFIX \
        '$CL' exec nodeone hacon $*; echo EXITED \$?; exec sleep 600"
}
. "$HACON_TOP/tests/screen/screen-lib.sh"
T new-session -d -s keep -x 80 -y 24 "exec sleep 1200"
key() { T send-keys -t "$@"; }
see() { wait_for "$1" "$2" "${3:-30}"; }
flat() { screen "$1" | tr -d '\n' | tr -s ' '; }

if "$CL" up --bare > "$W/up.log" 2>&1; then
    tap_ok "up --bare: two fresh nodes ($(cat "$S/up.seconds")s)"
else
    tap_fail "up --bare"; sed 's/^/#   /' "$W/up.log" | tail -n 30
    tap_done
fi
# The stand-in drbdadm in both nodes (their /usr/local is $S/stage's,
# first in their PATH), its state where both see it; an ext4 on the disk.
D=$S/drbd-standin
mkdir -p "$D" "$S/stage/usr/local/sbin"
sed "s|@STATE@|$D|" "$HACON_TOP/tests/wizard/drbdadm-loop" \
    > "$S/stage/usr/local/sbin/drbdadm"
chmod 755 "$S/stage/usr/local/sbin/drbdadm"
"$CL" exec nodeone mkfs.ext4 -q -F "$DISK_DEV" > "$W/mkfs.log" 2>&1
ANS=$S/hand.answers
printf 'storage=drbd\ndrbd_resource=r0\ndrbd_device=%s\nmountpoint=/data\n' \
    "$DISK_DEV" > "$ANS"
if "$CL" exec nodeone drbdadm role r0 | grep -qx Secondary/Secondary &&
    "$CL" exec nodeone ssh nodetwo drbdadm cstate r0 | grep -qx Connected; then
    tap_ok "the stand-in drbdadm answers on both nodes, over ssh too"
else
    tap_fail "the stand-in drbdadm answers on both nodes, over ssh too"
    tap_done
fi

# roles ONE TWO: r0's roles before a run; the log emptied.
roles() {
    echo "$1" > "$D/role.nodeone"
    echo "$2" > "$D/role.nodetwo"
    : > "$D/log"
}
mounted() { "$CL" exec "$1" grep -q "^$DISK_DEV " /proc/mounts; }
# test_file: the file the test writes, if it is still on the disk.
test_file() { debugfs -R "ls -l /" "$DISK_IMG" 2> /dev/null | grep -q hacon-drbd-test; }
# as_before ONE TWO: r0 in these roles, mounted nowhere, no test file.
as_before() {
    [ "$(cat "$D/role.nodeone")" = "$1" ] && [ "$(cat "$D/role.nodetwo")" = "$2" ] &&
        ! mounted nodeone && ! mounted nodetwo && ! test_file
}
# test_running: `hacon setup test drbd` still runs in nodeone.
test_running() {
    "$CL" exec nodeone ps -eo args= | grep -q '^[^ ]*hacon setup test drbd'
}
# drbd_plan NAME: from the setup screen's list to the drbd step's plan.
drbd_plan() {
    key "$1" w
    see "$1" "Enter Plan" 90 > /dev/null && wait_gone "$1" "checking" 90 > /dev/null
    key "$1" Down Down Down Down Down
    for _ in $(seq 50); do
        T capture-pane -e -p -t "$1" | grep -E $'^\e\\[(0;)?7m' \
            | sed 's/\x1b\[[0-9;]*m//g' | grep -q '^6 drbd ' && break
        sleep 0.1
    done
    key "$1" Enter
    # The plan is there when its key line offers t (none while it is
    # computed).  On this cluster the step is blocked (no DRBD module):
    # its plan has no "Step drbd:" title to wait for.
    see "$1" "t Test" 120 > /dev/null
}

# ---------------------------------------------------------------- a whole test
roles Primary Secondary
echo 1 > "$D/delay"
console c --answers "$ANS"
see c "hacon  Cluster" 30 > /dev/null
drbd_plan c
key c t
tap_check "t on the drbd step's plan: what the test does, then the question" \
    bash -c "$(declare -f T screen _wait wait_for flat); sock=$sock
             wait_for c 'Run the DRBD test' 10 &&
             flat c | grep -q 'Test DRBD by hand (hacon setup test drbd)'"
key c y
tap_check "y: its turns shown as they come" \
    bash -c "$(declare -f T screen _wait wait_for); sock=$sock
             wait_for c 'Testing DRBD by hand: running' 10 &&
             wait_for c 'DRBD test 2/3 on nodetwo' 60"
tap_check "the test passes: each node read what the other wrote" \
    see c "DRBD test passed after" 90
tap_check "r0 as before: Primary on nodeone, Secondary on nodetwo, unmounted, no test file" \
    as_before Primary Secondary
n=$(grep -c ' primary$' "$D/log")
tap_check "both nodes were promoted in turn ($n promotions, nodetwo's among them)" \
    sh -c "[ $n -eq 4 ] && grep -q 'nodetwo primary' '$D/log'"
key c Enter
see c "Enter Plan" 60 > /dev/null
key c Escape
key c q
see c "EXITED 0" 20 > /dev/null
T kill-session -t c

# ---------------------------------------------------------------- console killed
roles Secondary Primary
echo 3 > "$D/delay"
console k --answers "$ANS"
see k "hacon  Cluster" 30 > /dev/null
drbd_plan k
key k t
see k "Run the DRBD test" 10 > /dev/null
key k y
see k "DRBD test 1/3 on nodetwo" 60 > /dev/null
pid=$("$CL" exec nodeone ps -eo pid=,args= | awk '$2 == "hacon" && $3 == "--answers" {print $1}')
"$CL" exec nodeone kill -KILL $pid
see k EXITED 10 > /dev/null
tap_check "the console is killed in the middle of the test (pid ${pid:-none})" \
    sh -c "[ -n '$pid' ] && ! '$CL' exec nodeone kill -0 '$pid' 2> /dev/null"
t_kill=$(date +%s.%N)
tap_check "the test outlives the console" test_running
end=$(( $(date +%s) + 120 ))
while test_running && [ "$(date +%s)" -lt "$end" ]; do sleep 1; done
after=$(awk -v t="$t_kill" '$1 >= t' "$D/log" | wc -l)
all=$(wc -l < "$D/log")
tap_check "it ran on to its end ($after of its $all role changes after the kill)" \
    sh -c "[ $after -ge 4 ] && [ $all -eq 7 ] && ! grep -q refused '$D/log'"
tap_check "r0 as before: Secondary on nodeone, Primary on nodetwo, unmounted, no test file" \
    as_before Secondary Primary
T kill-session -t k

# ---------------------------------------------------------------- terminal gone
roles Primary Secondary
console h --answers "$ANS"
see h "hacon  Cluster" 30 > /dev/null
drbd_plan h
key h t
see h "Run the DRBD test" 10 > /dev/null
key h y
see h "DRBD test 2/3 on nodetwo" 60 > /dev/null
# The pane goes away with its terminal, as when the admin's ssh drops.
T kill-session -t h
t_kill=$(date +%s.%N)
console_running() { "$CL" exec nodeone ps -eo args= | grep -q '^hacon --answers'; }
# Gone within the 2 s it was given before.
for _ in $(seq 10); do console_running || break; sleep 0.2; done
tap_check "the terminal is gone: the console with it" \
    sh -c "! '$CL' exec nodeone ps -eo args= | grep -q '^hacon --answers'"
tap_check "the test outlives the console" test_running
end=$(( $(date +%s) + 120 ))
while test_running && [ "$(date +%s)" -lt "$end" ]; do sleep 1; done
after=$(awk -v t="$t_kill" '$1 >= t' "$D/log" | wc -l)
all=$(wc -l < "$D/log")
tap_check "it ran on to its end ($((all - after)) role changes before the hangup, $after after)" \
    sh -c "[ $after -ge 2 ] && [ $after -lt $all ] && [ $all -eq 7 ] && ! grep -q refused '$D/log'"
tap_check "r0 as before: Primary on nodeone, Secondary on nodetwo, unmounted, no test file" \
    as_before Primary Secondary

if "$CL" down > "$W/down.log" 2>&1; then
    tap_ok "down: nothing left"
else
    tap_fail "down"; sed 's/^/#   /' "$W/down.log" | tail -n 20
fi
trap - EXIT
tmux -L "$sock" kill-server > /dev/null 2>&1
[ -n "${HC_KEEP:-}" ] || rm -rf "$W"
tap_done
