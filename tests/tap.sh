# TAP helpers for the shell suites of `make check` (sourced, POSIX sh).
#   tap_ok DESC / tap_fail DESC / tap_skip REASON
#   tap_check DESC CMD...     passes when CMD succeeds
#   tap_diff DESC EXPECTED ACTUAL   passes when the files are equal (diff shown)
#   tap_skip_all REASON       the whole suite cannot run here: exit 77
#   tap_done                  prints the plan, exits 1 when anything failed
#                             or when no test ran (a suite that cannot run
#                             here says why with tap_skip_all)
# HACON_TOP and HACON are set by tests/run.sh; defaults allow running alone.

: "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${HACON:=$HACON_TOP/build/hacon}"
export HACON_TOP HACON
_tap_n=0
_tap_failed=0

tap_ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }
tap_fail() {
    _tap_n=$((_tap_n + 1)); _tap_failed=$((_tap_failed + 1))
    echo "not ok $_tap_n - $*"
}
tap_skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP $*"; }
tap_check() {
    _d=$1; shift
    if "$@"; then tap_ok "$_d"; else tap_fail "$_d"; fi
}
tap_diff() {
    if diff -u "$2" "$3" > "${3}.diff" 2>&1; then
        rm -f "${3}.diff"; tap_ok "$1"
    else
        tap_fail "$1"; head -n 60 "${3}.diff" | sed 's/^/# /'
    fi
}
tap_skip_all() { echo "1..0 # SKIP $*"; exit 77; }
tap_done() {
    if [ "$_tap_n" -eq 0 ]; then
        tap_fail "the suite ran no test (tap_skip_all says why one cannot run)"
    fi
    echo "1..$_tap_n"
    [ "$_tap_failed" -eq 0 ] || exit 1
    exit 0
}
# Suites that need root, namespaces or a program say so and skip.
tap_need_root() {
    [ "$(id -u)" = 0 ] || tap_skip_all "needs root (network and PID namespaces)"
}
tap_need_netns() {
    unshare --net --mount --pid --uts --ipc --fork true 2> /dev/null \
        || tap_skip_all "cannot create network/mount/PID namespaces here"
}
# The test cluster's nodes have no systemd: their daemons start through
# Debian's init scripts.
tap_need_init_scripts() {
    [ -x /etc/init.d/corosync ] && [ -x /etc/init.d/pacemaker ] \
        || tap_skip_all "needs the corosync and pacemaker init scripts (the nodes have no systemd)"
}
tap_need_cmd() {
    for _c in "$@"; do
        command -v "$_c" > /dev/null 2>&1 || tap_skip_all "needs $_c (make deps installs it)"
    done
}
