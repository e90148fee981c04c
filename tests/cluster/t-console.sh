#!/bin/bash
# The console on the live two-node test cluster (hc-cluster up --final),
# running in nodeone in a tmux pane: it must show both nodes and the
# tutorial's resources, then follow without a key nodetwo's knet link
# going down and up (no membership change), a resource failure and
# its cleanup, nodetwo going away (corosync and pacemaker killed) and
# coming back, and pacemaker restarted under it on its own node (NOT
# CONNECTED, then reconnected by itself); it never exits meanwhile, and q
# leaves the terminal as it was.
: "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$HACON_TOP/tests/tap.sh"

tap_need_root
tap_need_cmd ip nsenter unshare losetup mkfs.ext4 corosync pacemakerd \
    crm_mon crm_resource dhcpd busybox sshd tmux
tap_need_netns
[ -x "$HACON" ] || tap_skip_all "no $HACON (run make)"

HC_CLUSTER_PREFIX=hcc$$
# A token long enough that a knet link can be seen down (after half a
# token) before the membership changes.
HC_CLUSTER_TOKEN_MS=10000
export HC_CLUSTER_PREFIX HC_HACON_BIN=$HACON HC_CLUSTER_TOKEN_MS
unset HC_CLUSTER_STATE
. "$HACON_TOP/tests/cluster/lib.sh"
CL=$HACON_TOP/tests/cluster/hc-cluster
work=$(mktemp -d /tmp/hc-t-console.XXXXXX)
sock=hacon-console-$$
cleanup() {
    tmux -L "$sock" kill-server 2> /dev/null
    # No graceful stop (nothing here tests it); nothing may be left.
    if "$CL" down --fast > "$work/down.log" 2>&1; then
        rm -rf "$S"
    else
        echo "# down:"; sed 's/^/#   /' "$work/down.log"
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
. "$HACON_TOP/tests/screen/screen-lib.sh"
T new-session -d -s keep -x 80 -y 24 "exec sleep 600"

t0=$(now)
if ! "$CL" up --final > "$work/up.log" 2>&1; then
    tap_fail "test cluster up with the final configuration"
    tail -n 30 "$work/up.log" | sed 's/^/# /'
    tap_done
fi
tap_ok "test cluster up with the final configuration ($(elapsed "$t0")s)"
X() { "$CL" exec "$@"; }

alive() {
    if screen con | grep -q "^EXITED"; then
        tap_fail "$1: the console is still running"
        screen con | sed 's/^/#   /'
    else
        tap_ok "$1: the console is still running"
    fi
}

# The console in nodeone, as an admin logged in there would run it.
T new-session -d -s con -x 100 -y 40 \
    "before=\$(stty -g); '$CL' exec nodeone env TERM=screen-256color \
     LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC HACON_TIMING=/tmp/hacon-timing.log \
     hacon; rc=\$?; \
     [ \"\$(stty -g)\" = \"\$before\" ] && echo TTY-RESTORED; \
     echo EXITED \$rc; exec sleep 600"
tap_check "header: the live cluster" wait_for con "CIB: live cluster" 60
tap_check "both nodes online" wait_re con "nodeone: online.*" 60
tap_check "nodetwo online" wait_re con "nodetwo: online" 60
tap_check "dhcp started" wait_re con "dhcp \(ocf:[a-z]+:dhcpd\): Started on node" 120
T send-keys -t con 3
tap_check "corosync view: two members" wait_re con "2 nodetwo: member" 30
tap_check "corosync view: quorum 2 of 2" wait_re con "Quorum: yes  votes 2 of 2" 30
tap_check "corosync view: nodetwo's knet link connected" \
    wait_re con "link 0: connected" 30

# nodetwo's HA interface goes down and comes back before the token times
# out: knet's link state changes, the membership does not.
ip -n "$(ns_of nodetwo)" link set eth1 down
if wait_re con "link 0: DOWN" 20; then
    tap_ok "link down: shown"
    tap_check "link down: shown while nodetwo is still a member" \
        eval 'screen con | grep -q "2 nodetwo: member"'
else
    tap_fail "link down: shown"
fi
ip -n "$(ns_of nodetwo)" link set eth1 up
tap_check "link back: connected again" wait_re con "link 0: connected" 60
T send-keys -t con 1

# A resource failure, then its cleanup.
where=$(X nodeone crm_resource --locate -r dhcp 2> /dev/null \
        | sed -n 's/.*running on: *//p' | head -n 1)
[ -n "$where" ] || where=nodeone
X nodeone crm_resource --fail -r dhcp -N "$where" > /dev/null 2>&1
tap_check "resource failure: failed action shown" \
    wait_for con "Failed actions" 60
tap_check "resource failure: fail count shown" wait_for con "fail-count" 30
tap_check "resource failure: in the header" wait_re con "[0-9]+ failed action" 30
# The failure changed only dhcp's history and fail count: the console
# applied the notifications' diffs and updated dhcp alone.
tap_check "resource failure: handled as an incremental update" \
    eval 'X nodeone grep -q "incremental=1" /tmp/hacon-timing.log'
X nodeone crm_resource --cleanup -r dhcp > /dev/null 2>&1
tap_check "cleanup: the failed action goes away" \
    wait_gone con "Failed actions" 60
alive "after the failure"

# nodetwo goes away: its corosync and pacemaker killed.
"$CL" node nodetwo kill-daemons > /dev/null 2>&1
tap_check "nodetwo away: shown offline" \
    wait_re con "nodetwo: (offline|OFFLINE|unclean|UNCLEAN)" 90
T send-keys -t con 3
tap_check "nodetwo away: corosync view has one vote" \
    wait_re con "votes 1 of 2" 60
T send-keys -t con 1
alive "while nodetwo is away"
"$CL" node nodetwo start > "$work/start.log" 2>&1
tap_check "nodetwo back: online again" wait_re con "nodetwo: online" 120
T send-keys -t con 3
tap_check "nodetwo back: member again" wait_re con "2 nodetwo: member" 60
T send-keys -t con 1
alive "after nodetwo came back"

# Pacemaker restarted under the console, on its own node.
"$CL" node nodeone restart-pacemaker > "$work/restart.log" 2>&1 &
rpid=$!
tap_check "pacemaker killed: NOT CONNECTED, last state kept" \
    wait_for con "NOT CONNECTED" 60
wait "$rpid"
tap_check "pacemaker back: reconnected by itself" \
    wait_gone con "NOT CONNECTED" 120
tap_check "pacemaker back: nodeone online again" \
    wait_re con "nodeone: online" 120
alive "after the pacemaker restart"

quit_ok con "two-node cluster"
tap_done
