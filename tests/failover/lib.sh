# The set-up the failover suites share (sourced, after tests/tap.sh and
# their tap_need_* lines):
#   FO_PREFIX   the instance's prefix (a unique instance per run: several
#               runs and other suites side by side)
#   FO_NAME     names the work directory /tmp/hc-t-FO_NAME.XXXXXX
# It sets CL, REQ, W and the cluster's variables (tests/cluster/lib.sh:
# S, NODES, BMC_IP, ...), and a cleanup on exit: fo_cleanup_extra (when
# the suite defines it: its own tmux server, samplers), the relay, then
# `hc-cluster down --fast` (no graceful stop: nothing here tests it; the
# check that nothing is left stays) and this instance's state (its
# reports included).
HC_CLUSTER_PREFIX=$FO_PREFIX$$
export HC_CLUSTER_PREFIX HC_HACON_BIN=$HACON
unset HC_CLUSTER_STATE
. "$HACON_TOP/tests/cluster/lib.sh"
CL=$HACON_TOP/tests/cluster/hc-cluster
REQ=$HACON_TOP/tests/failover/host-request
W=$(mktemp -d "/tmp/hc-t-$FO_NAME.XXXXXX")
relay_pid=""
fo_cleanup() {
    if declare -F fo_cleanup_extra > /dev/null; then
        fo_cleanup_extra
    fi
    [ -n "$relay_pid" ] && kill "$relay_pid" 2> /dev/null
    if "$CL" down --fast > "$W/down.log" 2>&1; then
        rm -rf "$S"
    else
        echo "# down:"; sed 's/^/#   /' "$W/down.log"
    fi
    rm -rf "$W"
}
trap fo_cleanup EXIT
trap 'exit 1' INT TERM

other() { [ "$1" = nodeone ] && echo nodetwo || echo nodeone; }
. "$HACON_TOP/tests/failover/relay.sh"

# fo_up WHAT ARGS...: `hc-cluster up ARGS`, one test "test cluster up with
# WHAT (Ns)"; the suite ends when it fails.
fo_up() {
    local what=$1; shift
    T_ALL=$(now)
    if "$CL" up "$@" > "$W/up.log" 2>&1; then
        tap_ok "test cluster up with $what ($(elapsed "$T_ALL")s)"
    else
        tap_fail "test cluster up $*"; sed 's/^/#   /' "$W/up.log" | tail -n 30
        tap_done
    fi
}

# fo_lease: a client lease through the floating IP (one test).
fo_lease() {
    local out
    if out=$("$CL" dhcp obtain 2>&1); then
        tap_ok "a client lease through the floating IP: $out"
    else
        tap_fail "a client lease"; printf '%s\n' "$out" | sed 's/^/#   /'
    fi
}
