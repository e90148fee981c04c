#!/bin/bash
# A newcomer's first cluster, from `make demo` to a served lease, with the
# screen as the only guide.  tests/cluster/demo.sh (what `make demo` runs
# once make check has installed the packages and built hacon) runs in a
# tmux pane of 80x24: it brings up two fresh machines and opens hacon on
# nodeone over ssh.  From there on only keys: w opens the guided setup,
# the answers are set in its form (no answers file, no editor, no shell),
# and every step is planned, applied and followed on the screen until the
# resources run.  Then the DHCP client on the service network gets a lease
# through the floating IP (that is the client's doing, not the admin's),
# and the Leases view shows it.  The keys and the minutes are counted and
# printed.  On the way, the screen is checked to guide: a blocked step
# names the answer, its value and the node, and a step whose prerequisite
# is not done asks for an explicit override (F) before it is applied.
# At the end q leaves hacon, the demo asks whether to keep the cluster,
# n tears it down, and nothing is left.
: "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$HACON_TOP/tests/tap.sh"

tap_need_root
tap_need_cmd tmux ip nsenter unshare losetup mkfs.ext4 corosync \
    pacemakerd crm_mon cibadmin dhcpd busybox sshd ssh python3 modprobe
tap_need_netns
tap_need_init_scripts
[ -x "$HACON" ] || tap_skip_all "build/hacon not built (make)"

HC_CLUSTER_PREFIX=hcn$(printf '%s' "$HACON_TOP" | cksum | cut -c1-5)
export HC_CLUSTER_PREFIX
unset HC_CLUSTER_STATE HC_CLUSTER_SSH_MUX
. "$HACON_TOP/tests/cluster/lib.sh"
CL=$HACON_TOP/tests/cluster/hc-cluster
W=$(mktemp -d /tmp/hc-t-newcomer.XXXXXX)
sock=hcnew$$
down_done=0
cleanup() {
    tmux -L "$sock" kill-server > /dev/null 2>&1
    [ "$down_done" = 1 ] || "$CL" down --fast > "$W/down-trap.log" 2>&1
    [ -n "${HC_KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
. "$HACON_TOP/tests/screen/screen-lib.sh"

# ---------------------------------------------------------------- keys
# key KEY...: keys of the newcomer's path, counted (tmux key names: one
# press each).  type TEXT: typed into a field, one press per character.
# xkey KEY...: keys of the checks on the way (a wrong turn tried on
# purpose), not counted.
KEYS=0
key() { T send-keys -t d "$@"; KEYS=$((KEYS + $#)); }
type_text() { T send-keys -t d -l "$1"; KEYS=$((KEYS + ${#1})); }
xkey() { T send-keys -t d "$@"; }
see() { wait_for d "$1" "${2:-30}"; }
gone() { wait_gone d "$1" "${2:-30}"; }
# flat: the screen on one line, the wrapping undone, for phrases.
flat() { screen d | sed 's/^ *//' | tr '\n' ' ' | tr -s ' '; }
on_screen() { flat | grep -qF -- "$1"; }
# list_ready: the steps listed and checked: the list is on the screen
# and no check runs (during one, the list and its footer say "checking
# every step" or "re-checking every step", with the seconds).  Not "9
# migrate": at 80x24 the last steps are below the fold while the blocked
# steps' messages take two or three lines each, and not the footer's
# "Enter Plan", which a message ("answers saved to ...") replaces: each
# such wait ran out its whole deadline, 120 s.
list_ready() { see "1 preflight" 120 && gone "checking" 180; }
# plan_ready [SECONDS]: the plan is complete: its key line (the screen's
# last line) offers a Apply.  Not "computing the plan" gone: that line
# follows the plan's text and is below the fold once the text fills the
# screen, and the prerequisite check ("checking step X (needed first)")
# runs before it; a pressed then got "the plan is still being made".
plan_ready() {
    local end=$(( $(date +%s) + ${1:-120} ))
    until screen d | tail -n 1 | grep -q ' a Apply '; do
        [ "$(date +%s)" -ge "$end" ] && return 1
        sleep 0.05
    done
}
# not_offered_early: from a plan's opening until its key line offers a
# Apply, no screen shows a Apply while "computing the plan" is on it.
not_offered_early() {
    local end=$(( $(date +%s) + 120 )) f=$W/plan-now
    while [ "$(date +%s)" -lt "$end" ]; do
        screen d > "$f"
        if tail -n 1 "$f" | grep -q ' a Apply '; then
            ! head -n -1 "$f" | grep -q "computing the plan" ||
                { sed 's/^/#   /' "$f"; return 1; }
            return 0
        fi
        sleep 0.05
    done
    return 1
}
# step STEP [SECONDS]: on the list, with STEP selected: Enter (its plan),
# a, y, and its result; Enter back to the list, checked again.
step() {
    local s=$1 t=${2:-200}
    key Enter
    see "Step $s:" 60 && plan_ready 120 || return 1
    key a
    see "Apply step $s? y: yes" 10 || return 1
    key y
    see "Applied and verified $s after" "$t" || return 1
    key Enter
    list_ready
}
# selected_is STEP: the list's selection (the reverse-video line) is STEP.
selected_is() {
    T capture-pane -e -p -t d | grep -E $'\e\\[([0-9;]*;)?7[;m]' \
        | sed 's/\x1b\[[0-9;]*m//g' | grep -qE "^[0-9] $1 "
}
# selected STEP: within 5 s (a key sent to tmux is drawn by hacon a moment
# later), the selection is STEP.
selected() {
    local end=$(( $(date +%s) + 5 ))
    until selected_is "$1"; do
        [ "$(date +%s)" -ge "$end" ] && return 1
        sleep 0.1
    done
}

# The answers form of the setup screen: e opens it and asks the nodes
# what they have; on nodes without the DRBD module it fills storage=shared
# and the disk both nodes see, says so, and s saves.
FORM_HINT="(e: answers form)"
answers_in_form() {
    key e
    see "detected on the nodes: check them, then s saves" 120 || return 1
    screen d > "$W/form"
    key s
    see "answers saved to" 30 || return 1
    "$CL" exec nodeone grep -qx 'storage=shared' /var/lib/hacon/answers &&
        "$CL" exec nodeone grep -qx 'shared_disk=/dev/drbd1' /var/lib/hacon/answers
}

# lost_session: what became of the demo's ssh session to nodeone, when
# the screen says it ended ("Connection to 10.10.99.1 closed by remote
# host" was seen once here): whether the node still runs, its processes
# and its sshd's log.
lost_session() {
    on_screen "closed by remote host" || on_screen "Keep the cluster running" \
        || return 0
    if "$CL" exec nodeone true 2> /dev/null; then
        echo "# nodeone still runs; its processes:"
        "$CL" exec nodeone ps -eo pid,ppid,etime,args 2>&1 | sed 's/^/#   /'
    else
        echo "# nodeone is gone (its PID 1 was $(cat "$S/nodeone/init.pid" 2> /dev/null))"
    fi
    tail -n 20 "$S/nodeone/root/var/log/sshd.log" 2>&1 | sed 's/^/#   sshd.log: /'
}

DETOUR=0
# mark WHAT: the time since the start, for the breakdown.
mark() { echo "# at $(elapsed "$T0") s: $*"; }

T0=$(now)
# ---------------------------------------------------------------- make demo
T new-session -d -s d -x 80 -y 24 \
    "HC_CLUSTER_PREFIX=$HC_CLUSTER_PREFIX '$HACON_TOP/tests/cluster/demo.sh'; \
     echo DEMO-EXITED \$?; exec sleep 600"
if see "hacon  Cluster" 240; then
    tap_ok "make demo: two fresh machines, hacon open on nodeone ($(elapsed "$T0") s)"
else
    tap_fail "make demo: hacon did not open"
    tap_done
fi
tap_check "the machines are fresh: no corosync.conf, corosync not running" bash -c \
    "! '$CL' exec nodeone test -e /etc/corosync/corosync.conf &&
     ! '$CL' exec nodetwo test -e /etc/corosync/corosync.conf &&
     ! '$CL' exec nodeone corosync-cfgtool -s > /dev/null 2>&1"

# ---------------------------------------------------------------- w
mark "hacon open"
key w
if list_ready > "$W/list-wait"; then
    tap_ok "w: the steps listed and checked"
else
    tap_fail "w: the steps listed and checked"
    sed 's/^/#   /' "$W/list-wait"
    lost_session
fi
mark "the steps listed and checked"
screen d > "$W/list0"
if grep -Eq '^1 preflight +blocked' "$W/list0"; then
    # With the defaults (DRBD on /dev/sdb1) the nodes are not ready: the
    # screen says which answer, with its value, on which node, and what
    # to do.
    tap_check "preflight blocked: names the answer, its value, the node and the way out" \
        on_screen "nodeone, nodetwo: drbd_disk=/dev/sdb1 (storage=drbd) is not a block device there: answer drbd_disk="
    tap_check "... and the key of the answers form" on_screen "$FORM_HINT"
    # Every other step builds on preflight: none can be applied, and the
    # list selects preflight, whose message says what to answer.
    tap_check "the list selects preflight: blocked, and no step can be applied before it" selected preflight
    # A wrong turn: Down to cluster, its plan, a: the step before it is
    # not done, so it needs an explicit F; n leaves it.
    T_DETOUR=$(now)
    xkey Down
    tap_check "Down: cluster is selected" selected cluster
    xkey Enter
    # While the plan is computed (its prerequisite checked over ssh
    # first), the key line must not offer a: it would only be refused.
    # Then a the moment the key line offers it, as the newcomer would.
    see "Step cluster:" 60 > /dev/null
    tap_check "while the cluster plan is computed its key line offers no a (a would be refused)" \
        not_offered_early
    plan_ready 120
    xkey a
    tap_check "the cluster plan, once its key line offers a, says that preflight is not done" \
        on_screen "NOT READY: this step needs this step done first: preflight (blocked"
    tap_check "a on cluster before preflight, pressed when the key line offers it, asks for an explicit F" \
        see "F: apply cluster anyway  n/Esc: no" 10
    xkey n
    tap_check "n: not applied (no corosync.conf)" bash -c \
        "! '$CL' exec nodeone test -e /etc/corosync/corosync.conf"
    xkey Escape
    list_ready > /dev/null
    DETOUR=$(elapsed "$T_DETOUR")
    echo "# the wrong turn (cluster's plan before preflight, a, n): ${DETOUR} s, not counted"
else
    tap_fail "preflight is not blocked with the default answers (DRBD on /dev/sdb1)"
    sed 's/^/#   /' "$W/list0"
fi

# ---------------------------------------------------------------- answers
# storage=shared on the disk both nodes see (/dev/drbd1 here: DRBD needs
# a kernel module this machine has not), in the setup screen's form.
if answers_in_form; then
    tap_ok "answers set in the form: storage=shared, shared_disk=/dev/drbd1"
else
    tap_fail "answers set in the form"
fi
list_ready > /dev/null
mark "answers saved, the steps checked again"
tap_check "preflight done with those answers" bash -c \
    "$(declare -f screen T); sock=$sock; screen d | grep -Eq '^1 preflight +done'"

# ---------------------------------------------------------------- the steps
for s in cluster stonith drbd dhcp resources; do
    tap_check "the list selects $s, the next step to apply" selected "$s"
    t=$(now)
    if step "$s"; then
        tap_ok "$s applied from the screen ($(elapsed "$t") s, the list checked again)"
    else
        tap_fail "$s applied from the screen"
        break
    fi
done
A=$(rsc_node dhcp)
tap_check "fs_data, testnet and dhcp run together on ${A:-?}" all_on "${A:-none}" nodeone
T_SETUP=$(elapsed "$T0")
KEYS_SETUP=$KEYS

# ---------------------------------------------------------------- the lease
lease_ok=0
if out=$("$CL" dhcp obtain 2>&1) && grep -q " bound ip=10\.10\.101\.[0-9]* serverid=$VIP " "$S/client/events"; then
    tap_ok "a lease served through the floating IP $VIP: $out"
    lease_ok=1
else
    tap_fail "a lease served through the floating IP $VIP"; echo "$out" | sed 's/^/#   /'
fi
T_LEASE=$(elapsed "$T0")
tap_check "hc-cluster dhcp obtain prints the time as a date, not epoch seconds" \
    bash -c "echo '$out' | grep -Eq ': 20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} [A-Z]+ bound ip='"
LEASE=$("$CL" dhcp address)
# Esc leaves the setup screen (its list), 5 is the Leases view.
key Escape 5
tap_check "the Leases view shows the client's lease ${LEASE:-(none)}" \
    bash -c "$(declare -f see wait_for _wait screen T); sock=$sock; [ -n '$LEASE' ] && see '$LEASE' 30"
min() { awk -v s="$1" -v d="$2" 'BEGIN { printf "%.1f", (s - d) / 60 }'; }
echo "# newcomer: $KEYS_SETUP keys from make demo to the resources running, $(min "$T_SETUP" "$DETOUR") minutes (the wrong turn's ${DETOUR} s left out; $(min "$T_SETUP" 0) with it); the lease served at $(min "$T_LEASE" "$DETOUR") minutes"
tap_check "a served lease in under 10 minutes of a newcomer's time ($(min "$T_LEASE" "$DETOUR") min)" \
    awk -v s="$T_LEASE" -v d="$DETOUR" -v ok="$lease_ok" 'BEGIN { exit !(ok && s - d < 600) }'

# ---------------------------------------------------------------- leave
# (A failure above may have left the setup screen open: Esc closes it.)
for _ in 1 2 3; do
    screen d | grep -q 'Esc Back' || break
    xkey Escape; sleep 1
done
key q
tap_check "q leaves hacon; the demo asks whether to keep the cluster" \
    see "Keep the cluster running? [y/N]" 20
key n Enter
if see "DEMO-EXITED" 200 && screen d | grep -q "DEMO-EXITED 0"; then
    tap_ok "n: the demo tears the cluster down, nothing left"
    down_done=1
else
    tap_fail "the demo's teardown"; screen d | sed 's/^/#   /'
fi
echo "# newcomer test total: $(elapsed "$T0") s"
tap_done
