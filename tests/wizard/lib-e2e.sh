# The set-up the guided-setup end-to-end suites share (sourced, after
# tests/tap.sh and their tap_need_* lines):
#   E2E_PREFIX  the instance's prefix: one instance per checkout, apart
#               from the other suites' ones
#   E2E_NAME    names the work directory /tmp/hc-t-E2E_NAME.XXXXXX
# It sets CL, REQ, W and the cluster's variables (tests/cluster/lib.sh),
# a cleanup on exit (the relay when relay_pid is set, `hc-cluster down`
# unless down_done=1, W unless HC_KEEP), and the helpers below.
HC_CLUSTER_PREFIX=$E2E_PREFIX$(printf '%s' "$HACON_TOP" | cksum | cut -c1-5)
# The setup runs hundreds of short commands over ssh: one connection each.
HC_CLUSTER_SSH_MUX=1
export HC_CLUSTER_PREFIX HC_CLUSTER_SSH_MUX
unset HC_CLUSTER_STATE
. "$HACON_TOP/tests/cluster/lib.sh"
CL=$HACON_TOP/tests/cluster/hc-cluster
REQ=$HACON_TOP/tests/failover/host-request
W=$(mktemp -d "/tmp/hc-t-$E2E_NAME.XXXXXX")
down_done=0 relay_pid=""
cleanup() {
    [ -n "$relay_pid" ] && kill "$relay_pid" 2> /dev/null
    [ "$down_done" = 1 ] || "$CL" down > "$W/down-trap.log" 2>&1
    [ -n "${HC_KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# phase NAME: the time since the last phase, in the summary ($phases).
T_ALL=$(now)
phase_t=$(now)
phases=""
phase() {
    phases="$phases$(printf '# phase %-28s %6ss' "$1" "$(elapsed "$phase_t")")
"
    phase_t=$(now)
}
X() { "$CL" exec "$@"; }
other() { [ "$1" = nodeone ] && echo nodetwo || echo nodeone; }

# apply STEP [ENV=VALUE...]: hacon setup apply on nodeone with the answers
# in $ANS; output in $W/STEP.out, exit status in $W/STEP.rc.
apply() {
    local s=$1; shift
    X nodeone env "$@" hacon setup apply "$s" --answers "$ANS" --yes \
        > "$W/$s.out" 2>&1
    echo $? > "$W/$s.rc"
}
applied() {   # applied STEP DESC
    if [ "$(cat "$W/$1.rc")" = 0 ] && grep -q "^Step $1 applied and verified" "$W/$1.out"; then
        tap_ok "$2"
    else
        tap_fail "$2 (exit $(cat "$W/$1.rc"))"; sed 's/^/#   /' "$W/$1.out" | tail -n 25
    fi
}
same_on_both() {   # same_on_both FILE
    local a b
    a=$(X nodeone sh -c "md5sum < '$1'") && b=$(X nodetwo sh -c "md5sum < '$1'") \
        && [ "$a" = "$b" ]
}
running_on() { X "$1" pidof "$2" > /dev/null; }
