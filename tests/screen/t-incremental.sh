#!/bin/sh
# The console updates its model incrementally when only some resources'
# history changed (core/status_update.c).  The screen it shows must be the
# one a console started afresh on the same CIB shows.  Real changes, made
# by crm_simulate on a generated CIB (6 nodes, 120 resources): failed
# monitors and starts with their fail counts, a clone instance failing,
# the recoveries; after each, the running console (updated incrementally,
# checked in its timing log) and a new console are compared screen by
# screen, in the resources view (top and end) and the constraints view.
. "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
tap_need_cmd tmux python3 crm_simulate
here=$HACON_TOP/tests/screen

work=$(mktemp -d /tmp/hacon-incr.XXXXXX)
sock=hacon-incr-$$
cleanup() { tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM
. "$here/screen-lib.sh"
T new-session -d -s keep -x 80 -y 24 "exec sleep 600"
export TZ=UTC

python3 "$HACON_TOP/tests/golden/gen-large-cib.py" 6 120 > "$work/cur.xml"
cp "$work/cur.xml" "$work/live.xml"
start run 100x40 "HACON_TIMING=$work/timing.log CIB_file=live.xml \
    TERM=screen-256color LANG=C.UTF-8"
wait_for run "node01" 30 || { tap_fail "the console starts"; tap_done; }

# updates: how many incremental updates the running console logged.
updates() { grep -c 'incremental=1' "$work/timing.log" 2>/dev/null; }

# same_screens TAG: for each view key, the running console and a fresh one
# on the same file show the same screen (read again for up to 10 s while
# the running one catches up).
same_screens() {
    cp "$work/live.xml" "$work/fresh.xml"
    start fresh 100x40 "CIB_file=fresh.xml TERM=screen-256color LANG=C.UTF-8"
    wait_for fresh "node01" 30 > /dev/null
    for key in Home End 2; do
        T send-keys -t run "$key"
        T send-keys -t fresh "$key"
        _end=$(( $(date +%s) + 10 ))
        while :; do
            screen run | sed 's/fresh\.xml/live.xml/' > "$work/a"
            screen fresh | sed 's/fresh\.xml/live.xml/' > "$work/b"
            cmp -s "$work/a" "$work/b" && break
            [ "$(date +%s)" -gt "$_end" ] && break
            sleep 0.1
        done
        tap_diff "$1: view $key as a fresh console shows it" \
            "$work/b" "$work/a"
    done
    T send-keys -t run 1
    T send-keys -t run Home
    T kill-session -t fresh
}

n=0
# step TAG SHOULD_BE_INCREMENTAL CRM_SIMULATE_ARGS...
step() {
    _tag=$1 _inc=$2; shift 2
    n=$((n + 1))
    before=$(updates)
    crm_simulate -x "$work/cur.xml" -O "$work/next.xml" \
        -t 2026-11-19T10:10:00Z "$@" > /dev/null 2>&1 \
        || { tap_fail "$_tag: crm_simulate $*"; return; }
    cp "$work/next.xml" "$work/cur.xml"
    cp "$work/next.xml" "$work/live.tmp"
    mv "$work/live.tmp" "$work/live.xml"
    if [ "$_inc" = yes ]; then
        _end=$(( $(date +%s) + 30 ))
        while [ "$(updates)" -le "$before" ] \
            && [ "$(date +%s)" -le "$_end" ]; do
            sleep 0.05
        done
        tap_check "$_tag: updated incrementally" [ "$(updates)" -gt "$before" ]
    fi
    same_screens "$_tag"
}

step "g000_m0's monitor fails" yes -i "g000_m0_monitor_10000@node01=7"
step "r0001 fails to start" yes -i "r0001_start_0@node02=1"
step "a ping instance fails" yes -i "ping_monitor_10000@node03=1"
step "the cluster recovers" no -S
step "r0002's monitor times out" yes -i "r0002_monitor_10000@node03=1"

quit_ok run "after the updates"
tap_done
