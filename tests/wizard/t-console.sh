#!/bin/bash
# The guided setup through the console, keys only, on the bare namespace
# test cluster (tests/cluster/hc-cluster up --bare): hacon runs in a tmux
# pane inside nodeone; `w` opens the setup screen, and every step is
# planned (Enter), applied (a, y) and followed to its result there.
# Checked on the screens: the steps' states, the plans' parts (file diffs,
# commands with their node and their rollback, the CIB diff, the
# crm_simulate preview, the crm shell lines, the notes), the progress lines
# while a step runs, Skip and Back, a Roll back from the screen,
# --read-only refusing Apply; and in the cluster: each step's effect, a DHCP
# lease through the floating IP, renewed after the move.  At the end every
# step is done, q leaves the console with the terminal restored.
: "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$HACON_TOP/tests/tap.sh"

tap_need_root
tap_need_cmd tmux ip nsenter unshare losetup mkfs.ext4 debugfs corosync \
    pacemakerd crm_mon cibadmin dhcpd busybox sshd ssh python3 modprobe
tap_need_netns
tap_need_init_scripts
[ -x "$HACON" ] || tap_skip_all "build/hacon not built (make)"

HC_CLUSTER_PREFIX=hcs$(printf '%s' "$HACON_TOP" | cksum | cut -c1-5)
HC_CLUSTER_SSH_MUX=1
export HC_CLUSTER_PREFIX HC_CLUSTER_SSH_MUX
unset HC_CLUSTER_STATE
. "$HACON_TOP/tests/cluster/lib.sh"
CL=$HACON_TOP/tests/cluster/hc-cluster
W=$(mktemp -d /tmp/hc-t-wizcon.XXXXXX)
sock=hcwiz$$
down_done=0
cleanup() {
    tmux -L "$sock" kill-server > /dev/null 2>&1
    [ "$down_done" = 1 ] || "$CL" down > "$W/down-trap.log" 2>&1
    [ -n "${HC_KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
T_ALL=$(now)

# console NAME ARGS...: hacon in nodeone, in a 100x32 pane; after it exits
# the pane says whether the terminal settings are those from before.
console() {
    local n=$1; shift
    T new-session -d -s "$n" -x 100 -y 32 "before=\$(stty -g); \
        HC_CLUSTER_PREFIX=$HC_CLUSTER_PREFIX '$CL' exec nodeone hacon $*; rc=\$?; \
        [ \"\$(stty -g)\" = \"\$before\" ] && echo TTY-RESTORED; \
        echo EXITED \$rc; exec sleep 600"
}
. "$HACON_TOP/tests/screen/screen-lib.sh"
# A session that stays, so that the tmux server does not exit (and race
# the next new-session) when the read-only console's session is killed.
T new-session -d -s keep -x 80 -y 24 "exec sleep 1200"
# see / gone NAME TEXT [SECONDS]: the plans take their time (30 s).
see() { wait_for "$1" "$2" "${3:-30}"; }
gone() { wait_gone "$1" "$2" "${3:-30}"; }
key() { T send-keys -t "$@"; }
# body NAME: the pane without the header, tab bar and footer.
body() { screen "$1" | sed '1,/^\[1 Resources\]/d;$d'; }
# press NAME KEY: sends KEY and waits until the body changed (2 s at most:
# then the key changed nothing, as PgDn at the end).
press() {
    local before end
    before=$(body "$1")
    key "$1" "$2"
    end=$(( $(date +%s%N) + 2000000000 ))
    while [ "$(date +%s%N)" -lt "$end" ]; do
        [ "$(body "$1")" != "$before" ] && return 0
        sleep 0.1
    done
    return 1
}
# whole NAME: the whole text of a plan, scrolled from its top to its end a
# page at a time (the pane shows one); $W/flat has it on one line with the
# wrapping undone, for phrases.
whole() {
    local n=$1
    # A plan opens at its top.
    body "$n" > "$W/whole"
    for _ in $(seq 60); do
        press "$n" NPage || break
        body "$n" >> "$W/whole"
    done
    tr '\n' ' ' < "$W/whole" | tr -s ' ' > "$W/flat"
}
has() { grep -qF -- "$1" "$W/flat"; }
# list_ready NAME: the steps are listed and checked.
list_ready() {
    see "$1" "Enter Plan" 60 && see "$1" "9 migrate" 60 && gone "$1" "checking" 60
}
# plan NAME STEP: Enter on the selected step; its plan, complete.
plan() {
    key "$1" Enter
    see "$1" "Step $2:" 60 && gone "$1" "computing the plan" 90
}
# run NAME STEP [SECONDS]: a, y; until the step's result.
run() {
    key "$1" a
    see "$1" "Apply step $2? y: yes" 10 || return 1
    key "$1" y
    see "$1" "Applied and verified $2 after" "${3:-120}"
}

# ---------------------------------------------------------------- bare
if "$CL" up --bare > "$W/up.log" 2>&1; then
    tap_ok "up --bare: two fresh nodes ($(cat "$S/up.seconds")s)"
else
    tap_fail "up --bare"; sed 's/^/#   /' "$W/up.log" | tail -n 30
    tap_done
fi
ANS=$S/wizard.answers
printf 'storage=shared\nshared_disk=%s\n' "$DISK_DEV" > "$ANS"

# ---------------------------------------------------------------- read-only
console ro --read-only --answers "$ANS"
see ro "hacon  Cluster" 30 > /dev/null
key ro w
tap_check "--read-only: the setup screen says Apply and Roll back are off" \
    bash -c "$(declare -f see screen T gone list_ready _wait wait_for wait_gone); sock=$sock
           list_ready ro && see ro 'Read-only: plans can be read'"
key ro Enter
see ro "Step cluster:" 60 > /dev/null && gone ro "computing the plan" 90
key ro a
tap_check "--read-only: a on a plan is refused" see ro "read-only (--read-only or no write access)" 10
tap_check "--read-only: nothing was applied (no corosync.conf)" \
    sh -c "! '$CL' exec nodeone test -e /etc/corosync/corosync.conf"
key ro Escape
see ro "Enter Plan" 30 > /dev/null
key ro Escape
key ro q
tap_check "--read-only console: q exits 0, terminal restored" bash -c \
    "$(declare -f see screen T _wait wait_for wait_gone); sock=$sock
     see ro 'EXITED 0' 10 && screen ro | grep -q TTY-RESTORED"
T kill-session -t ro

# ---------------------------------------------------------------- the steps
console c --answers "$ANS"
see c "hacon  Cluster" 30 > /dev/null
key c w
if list_ready c && screen c | grep -Eq '^1 preflight +done' \
    && screen c | grep -Eq '^2 cluster +to do' \
    && screen c | grep -Eq '^4 stonith +blocked'; then
    tap_ok "w: the steps on the bare nodes (preflight done, cluster to do, stonith blocked)"
else
    tap_fail "w: the steps on the bare nodes"; screen c | sed 's/^/#   /'
fi

t0=$(now)
plan c cluster; whole c
tap_check "cluster plan: corosync.conf as a diff, for both nodes" bash -c \
    "grep -qF '[nodetwo] /etc/corosync/corosync.conf (mode 0644, new)' '$W/flat' &&
     grep -qF '+ transport: knet' '$W/flat'"
tap_check "cluster plan: the authkey is not shown" has "(secret: 256 bytes, not shown)"
tap_check "cluster plan: the starts with their node and their rollback" bash -c \
    "grep -qF '[nodetwo] /etc/init.d/pacemaker start' '$W/flat' &&
     grep -qF '# a rollback runs: [nodetwo] /etc/init.d/pacemaker stop' '$W/flat'"
tap_check "cluster plan: the crm shell lines and the ERRATA note" bash -c \
    "grep -qF 'crm cluster start' '$W/flat' && grep -qF '(ERRATA 1)' '$W/flat'"
run c cluster 150
tap_check "cluster applied from the screen ($(elapsed "$t0")s), its progress shown" bash -c \
    "$(declare -f screen T); sock=$sock
     screen c | grep -qF 'Applied and verified cluster' &&
     screen c | grep -qF '... both nodes Online'"
tap_check "both nodes see both nodes online" both_online
key c Enter
list_ready c > /dev/null

plan c stonith; whole c
tap_check "stonith plan: the warning, the CIB diff, the crm_simulate preview" bash -c \
    "grep -q '^WARNING: ' '$W/whole' && grep -qF 'name=\"stonith-enabled\" value=\"false\"' '$W/flat' &&
     grep -qF 'What the cluster will do (crm_simulate -S):' '$W/flat' &&
     grep -qF 'crm configure property stonith-enabled=false' '$W/flat'"
run c stonith
tap_check "stonith applied: the header warns that STONITH is off" see c "STONITH disabled" 20
key c Enter
list_ready c > /dev/null
# Roll back from the screen: Up twice from drbd (quorum is done already).
tap_check "the list goes on at drbd; stonith and quorum done" bash -c \
    "$(declare -f screen T); sock=$sock
     screen c | grep -Eq '^4 stonith +done' && screen c | grep -Eq '^5 quorum +done'"
key c Up Up
plan c stonith
tap_check "stonith again: nothing to do" see c "Nothing to do: the step is done" 10
key c r
see c "Roll back step stonith? y: yes" 10 > /dev/null
key c y
tap_check "r, y: stonith rolled back from the screen" see c "Rolled back stonith after" 60
tap_check "stonith-enabled is no longer false in the CIB" bash -c \
    "[ \"\$('$CL' exec nodetwo crm_attribute -t crm_config -n stonith-enabled -G -q 2> /dev/null)\" != false ]"
key c Enter
list_ready c > /dev/null
plan c stonith
run c stonith
key c Enter
list_ready c > /dev/null

# Skip and Back: the drbd plan, s to dhcp's plan, b to the list.
plan c drbd; whole c
tap_check "drbd plan: storage=shared says there is no DRBD" \
    has "storage=shared: no DRBD; $DISK_DEV is one disk both nodes see"
key c s
tap_check "s skips to the next step's plan (dhcp)" see c "Step dhcp:" 30
gone c "computing the plan" 90
key c b
list_ready c > /dev/null
tap_check "b goes back to the list, which is still at drbd" bash -c \
    "$(declare -f screen T); sock=$sock; screen c | grep -Eq '^6 drbd +to do'"
plan c drbd
run c drbd
tap_check "drbd applied: $DISK_DEV has ext4" bash -c \
    "[ \"\$('$CL' exec nodetwo blkid -o value -s TYPE $DISK_DEV)\" = ext4 ]"
key c Enter
list_ready c > /dev/null

plan c dhcp; whole c
tap_check "dhcp plan: dhcpd.conf diff with the floating IP, the lease copy" bash -c \
    "grep -qF '+server-identifier $VIP;' '$W/flat' && grep -qF 'mount /dev/drbd1 /data' '$W/flat'"
run c dhcp
key c Enter
list_ready c > /dev/null

plan c resources; whole c
tap_check "resources plan: CIB diff, crm_verify clean, crm_simulate starts dhcp, crm lines" bash -c \
    "grep -qF 'rsc=\"dhcp\" with-rsc=\"fs_data\"' '$W/flat' &&
     grep -qF 'crm_verify of the planned CIB: clean' '$W/flat' &&
     grep -Eq 'Start +dhcp' '$W/flat' &&
     grep -qF 'crm configure colocation dhcp_with_fs inf: dhcp fs_data' '$W/flat'"
run c resources
A=$(rsc_node dhcp)
tap_check "resources applied: fs_data, testnet, dhcp together on ${A:-?}" all_on "${A:-none}" nodeone
if out=$("$CL" dhcp obtain 2>&1); then
    tap_ok "a DHCP lease through the floating IP: $out"
else
    tap_fail "DHCP lease through the floating IP"; echo "$out" | sed 's/^/#   /'
fi
LEASE=$("$CL" dhcp address)
key c Enter
list_ready c > /dev/null

B=$( [ "$A" = nodeone ] && echo nodetwo || echo nodeone )
plan c migrate
run c migrate
tap_check "migrate from the screen: the service on $B, followed there" bash -c \
    "$(declare -f screen T); sock=$sock; CL='$CL'
     screen c | grep -qF 'dhcp $B, fs_data $B, testnet $B'" 
tap_check "the move is cleared (no cli- constraint)" bash -c \
    "! '$CL' exec nodeone cibadmin -Q -o constraints | grep -q 'cli-'"
if out=$("$CL" dhcp renew 2>&1) && tail -n 1 "$S/client/events" | grep -q " renew ip=$LEASE "; then
    tap_ok "the lease $LEASE renewed with the same address after the move: $out"
else
    tap_fail "renew after the move"; echo "$out" | sed 's/^/#   /'
fi
key c Enter
list_ready c > /dev/null
tap_check "all 9 steps done on the screen" \
    test "$(screen c | grep -Ec '^[1-9] [a-z]+ +done ')" = 9
key c Escape
tap_check "Esc leaves the setup screen: the resources view shows dhcp on $B" bash -c \
    "$(declare -f see screen T gone _wait wait_for wait_gone); sock=$sock
     gone c 'Enter Plan' 10 && see c 'dhcp' 10"
key c q
tap_check "q exits 0 and restores the terminal" bash -c \
    "$(declare -f see screen T _wait wait_for wait_gone); sock=$sock
     see c 'EXITED 0' 10 && screen c | grep -q TTY-RESTORED"

if "$CL" down --fast > "$W/down.log" 2>&1; then
    tap_ok "down: nothing left"
else
    tap_fail "down left something"; sed 's/^/#   /' "$W/down.log"
fi
down_done=1
echo "# wizard console total: $(elapsed "$T_ALL")s"
tap_done
