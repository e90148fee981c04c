# shellcheck shell=bash disable=SC2034
# The start the namespace-cluster suites share (sourced at top level, after
# tap.sh and the suite's own skips, with SUITE_NAME and SUITE_PREFIX set):
#   * the instance: hc + SUITE_PREFIX + a checksum of this checkout (one
#     per checkout and suite: a crashed earlier run is cleaned up by the
#     next up, another checkout uses other namespaces), run with $HACON;
#   * lib.sh's settings and helpers (S, now, elapsed, ...), CL (hc-cluster),
#     W (a work directory /tmp/hc-t-SUITE_NAME.XXXXXX), X NODE CMD...,
#     until_ok SEC CMD..., phase NAME, T_ALL;
#   * on exit: suite_cleanup_extra (when the suite defines it), then the
#     cluster down --fast unless down_done=1, and W removed unless HC_KEEP.
HC_CLUSTER_PREFIX=hc$SUITE_PREFIX$(printf '%s' "$HACON_TOP" | cksum | cut -c1-5)
export HC_CLUSTER_PREFIX HC_HACON_BIN=$HACON
unset HC_CLUSTER_STATE
. "$HACON_TOP/tests/cluster/lib.sh"
CL=$HACON_TOP/tests/cluster/hc-cluster
W=$(mktemp -d "/tmp/hc-t-$SUITE_NAME.XXXXXX")
down_done=0
suite_cleanup() {
    if declare -F suite_cleanup_extra > /dev/null; then
        suite_cleanup_extra
    fi
    [ "$down_done" = 1 ] || "$CL" down --fast > "$W/down-trap.log" 2>&1
    [ -n "${HC_KEEP:-}" ] || rm -rf "$W"
}
trap suite_cleanup EXIT
trap 'exit 1' INT TERM
X() { "$CL" exec "$@"; }
# until_ok SEC CMD...: CMD succeeds within SEC seconds.
until_ok() {
    local end=$(( $(date +%s) + $1 )); shift
    until "$@"; do
        [ "$(date +%s)" -lt "$end" ] || return 1
        sleep 0.5
    done
}
T_ALL=$(now)
phase_t=$(now)
phase() {   # phase NAME: the time since the last phase
    echo "# phase $1: $(elapsed "$phase_t")s"
    phase_t=$(now)
}
