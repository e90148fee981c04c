#!/bin/sh
# The console on a live cluster: a real one-node corosync + pacemaker in
# private namespaces (solo-cluster.sh).  The console must show the cluster,
# follow changes without a key (CIB notifications), show a resource
# failure, stay up through pacemaker and corosync restarts, say NOT
# CONNECTED meanwhile, reconnect by itself, and quit cleanly.  The fencer
# is followed by its notifications: when it goes away (pacemaker killed)
# the console is told, says that it asks again every 2 s, and follows it
# again once it is back.
# (Two-node events, a node going away and coming back, need the two-node
# test cluster.)
. "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
tap_need_cmd tmux
here=$HACON_TOP/tests/screen
. "$here/solo-cluster.sh"
why=$(solo_can_run) || tap_skip_all "$why"

work=$(mktemp -d /tmp/hacon-live.XXXXXX)
sock=hacon-live-$$
cleanup() {
    tmux -L "$sock" kill-server 2> /dev/null
    solo_down
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
. "$here/screen-lib.sh"

if ! solo_up "$work/cluster" || ! solo_wait_dc 120; then
    tap_fail "a one-node cluster starts"
    tail -n 20 "$work/cluster/log/pacemaker/pacemaker.log" 2>/dev/null | sed 's/^/# /'
    tap_done
fi
tap_ok "a one-node cluster starts"
solo_x crm_attribute -n stonith-enabled -v false > /dev/null 2>&1
# (dc-deadtime is 2 s from the first CIB on, solo_up's: neither the start
# nor the restarts below wait 20 s for an election.)

U8="TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8"
start live 80x24 $U8 HACON_TIMING="$work/timing.log" \
    nsenter -t "$SOLO_PID" -m -u -i -n -p
tap_check "header shows the live cluster" wait_for live "CIB: live cluster"
tap_check "the node is online and DC" wait_for live "solo1: online (DC)"
T send-keys -t live 3
tap_check "corosync view: member with its vote" \
    wait_for live "1 solo1: member, 1 vote (this node)"
tap_check "corosync view: quorum from votequorum" \
    wait_for live "Quorum: yes  votes 1 of 1 expected, quorum at 1"
T send-keys -t live 1

solo_x cibadmin -C -o resources -X '<primitive id="dummy1" class="ocf" provider="heartbeat" type="Dummy"><operations><op id="dummy1-mon" name="monitor" interval="5s"/></operations></primitive>'
tap_check "a new resource shows without a key" \
    wait_for live "dummy1 (ocf:heartbeat:Dummy): Started on solo1" 60

solo_x crm_resource --fail -r dummy1 -N solo1 > /dev/null 2>&1
tap_check "a resource failure shows: failed action" \
    wait_for live "Failed actions" 60
tap_check "a resource failure shows: fail count" \
    wait_for live "fail-count" 30
tap_check "a resource failure shows in the header" \
    wait_for live "failed action"

# Pacemaker crashes (all its daemons killed) and is started again; a
# graceful stop takes a minute here and tests the same path of the console.
solo_pcmk kill
tap_check "pacemaker gone: NOT CONNECTED, last state kept" \
    wait_for live "NOT CONNECTED (retrying), last state shown" 30
tap_check "pacemaker gone: the Fencing section says the fencer is not reachable, asked again every 2 s" \
    wait_for live "history: not available (asked again every 2 s" 30
tap_check "pacemaker gone: the console was told by the fencer's disconnect notification" \
    grep -q "event fencer-notify:st_notify_disconnect " "$work/timing.log"
solo_pcmk start
tap_check "pacemaker back: the console reconnects by itself" \
    wait_gone live "NOT CONNECTED" 60
tap_check "pacemaker back: DC shown again" \
    wait_for live "solo1: online (DC)" 120
fencer_back() {
    wait_gone live "asked again every 2 s" 60 &&
        wait_for live "history: no fencing yet" 30
}
tap_check "pacemaker back: the fencer followed again (its history, no retry said)" \
    fencer_back

solo_pcmk kill
solo_corosync stop
T send-keys -t live 3
tap_check "corosync stopped: the view says so" \
    wait_for live "Corosync: not connected" 30
solo_corosync start && solo_pcmk start
tap_check "corosync back: membership shown again" \
    wait_for live "1 solo1: member" 60
tap_check "corosync back: CIB reconnected" wait_gone live "NOT CONNECTED" 120
quit_ok live "live cluster"
tap_done
