#!/bin/sh
# /proc/drbd names minors only.  On a node whose drbdsetup gives no
# events2 (drbd8-utils on DRBD 8.4), `hacon drbd --follow` and the
# console's DRBD view ask drbdsetup and drbdadm for the names off the main
# loop, each tool within a time limit: the state keeps updating while they
# answer slowly, the name appears when they have, a minor that appears
# later is looked up again, and a tool that hangs is killed and leaves
# nothing behind.  A captured /proc/drbd in the console (--drbd-proc) is
# named the same way when the CIB does not name it.  The kernel's /proc/drbd is a file here
# (HACON_PROC_DRBD_PATH) holding the VMs' captures; drbdsetup and drbdadm
# are tests/drbd/bin/slow-lookup.
. "${HACON_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
[ -x "$HACON" ] || tap_skip_all "build/hacon not built (make)"
command -v drbdadm > /dev/null || tap_skip_all "drbdadm not installed (make deps)"
tap_need_cmd tmux
cap=$HACON_TOP/tests/drbd/captures
tmp=$(mktemp -d /tmp/hacon-drbd-names.XXXXXX)
sock=hacon-drbd-names-$$
work=$tmp
cleanup() {
    tmux -L "$sock" kill-server 2> /dev/null
    [ -n "${pid:-}" ] && kill "$pid" 2> /dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
mkdir "$tmp/bin"
ln -s "$HACON_TOP/tests/drbd/bin/slow-lookup" "$tmp/bin/drbdsetup"
ln -s "$HACON_TOP/tests/drbd/bin/slow-lookup" "$tmp/bin/drbdadm"
export HACON_PROC_DRBD_PATH="$tmp/proc" HACON_TEST_LOG="$tmp/lookup.log"
export HACON_TEST_DELAY=2

# put CAPTURE: the kernel's /proc/drbd becomes CAPTURE (in one rename).
put() { cp "$1" "$tmp/proc.new" && mv "$tmp/proc.new" "$tmp/proc"; }
# A second minor, unknown to the configuration: r0's lines as minor 2.
sed -n '1,3p' "$cap/sync-mid.alpha.proc" > "$tmp/two.proc"
sed -n '4,$p' "$cap/sync-mid.alpha.proc" >> "$tmp/two.proc"
sed -n '4,$p' "$cap/sync-mid.alpha.proc" | sed 's/^ 1:/ 2:/' >> "$tmp/two.proc"

# until_in FILE PATTERN SECS: until grep -E finds PATTERN in FILE.
until_in() {
    _end=$(( $(date +%s) + $3 ))
    until grep -Eq -- "$2" "$1" 2> /dev/null; do
        [ "$(date +%s)" -gt "$_end" ] && return 1
        sleep 0.1
    done
}
# The lookups still running: "start" lines without their "end".
running() {
    grep -c '^start' "$tmp/lookup.log" 2> /dev/null \
        | { read -r s; e=$(grep -c '^end' "$tmp/lookup.log" 2> /dev/null); echo $((s - ${e:-0})); }
}
# No process of the log is still alive.
none_left() {
    for p in $(awk '{print $2}' "$tmp/lookup.log" | sort -u); do
        kill -0 "$p" 2> /dev/null && return 1
    done
    return 0
}

# --- hacon drbd --follow ----------------------------------------------------
put "$cap/sync-early.alpha.proc"
: > "$tmp/lookup.log"
"$HACON" drbd --follow --timeout 40 --drbdsetup "$tmp/bin/drbdsetup" \
    --drbdadm "$tmp/bin/drbdadm" > "$tmp/out" 2> "$tmp/err" &
pid=$!
until_in "$tmp/out" '^minor1/0 .* done=5\.9%' 10
tap_check "--follow: /proc/drbd shows at once, the minor not named yet" \
    grep -q '^minor1/0 .* done=5\.9%' "$tmp/out"
until_in "$tmp/lookup.log" '^start' 5
put "$cap/sync-mid.alpha.proc"
until_in "$tmp/out" '^minor1/0 .* done=42\.2%' 10
n=$(running)
tap_check "--follow: the state keeps updating while the lookup runs ($n running)" \
    sh -c "grep -q '^minor1/0 .* done=42\.2%' '$tmp/out' && [ $n -ge 1 ]"
until_in "$tmp/out" '^r0/0 ' 20
tap_check "--follow: the name appears when drbdadm has answered" \
    sh -c "grep -q '^r0/0 Primary/Secondary .* done=42\.2%' '$tmp/out' \
           && grep -q '^end .* drbdadm dump all' '$tmp/lookup.log'"
n=$(grep -c '^start' "$tmp/lookup.log")
tap_check "--follow: one lookup, three tools ($n)" [ "$n" -eq 3 ]
put "$tmp/two.proc"
until_in "$tmp/out" '^minor2/0 ' 10
until_in "$tmp/lookup.log" '^start .* drbdsetup events2' 1
until_in "$tmp/lookup.log" '^end .* drbdadm dump all' 20
sleep 0.5
n=$(grep -c '^start .* drbdsetup events2' "$tmp/lookup.log")
tap_check "--follow: a minor that appears is looked up again ($n lookups)" \
    [ "$n" -eq 2 ]
tap_check "--follow: r0 keeps its name, minor 2 stays unknown" \
    sh -c "tail -3 '$tmp/out' | grep -q '^r0/0 ' && tail -3 '$tmp/out' | grep -q '^minor2/0 '"
kill "$pid"; wait "$pid"; pid=
tap_check "--follow: no lookup left behind" none_left

# A drbdadm that hangs is killed after the time limit (5 s); the state
# keeps updating meanwhile and afterwards.
put "$cap/sync-early.alpha.proc"
: > "$tmp/lookup.log"
HACON_TEST_HANG=drbdadm HACON_TEST_DELAY=0 "$HACON" drbd --follow --timeout 30 \
    --drbdsetup "$tmp/bin/drbdsetup" --drbdadm "$tmp/bin/drbdadm" \
    > "$tmp/out2" 2> "$tmp/err2" &
pid=$!
until_in "$tmp/lookup.log" '^start .* drbdadm' 10
t0=$(date +%s)
put "$cap/sync-mid.alpha.proc"
until_in "$tmp/out2" '^minor1/0 .* done=42\.2%' 10
tap_check "--follow: updates while drbdadm hangs" \
    grep -q '^minor1/0 .* done=42\.2%' "$tmp/out2"
end=$((t0 + 15))
until none_left || [ "$(date +%s)" -gt "$end" ]; do sleep 0.2; done
t=$(( $(date +%s) - t0 ))
tap_check "--follow: the hung drbdadm is killed after its time limit (${t} s)" \
    sh -c "none_left() { for p in \$(awk '{print \$2}' '$tmp/lookup.log' | sort -u); do kill -0 \$p 2>/dev/null && return 1; done; return 0; }; none_left && [ $t -ge 4 ] && [ $t -le 8 ]"
put "$cap/sync-late.alpha.proc"
until_in "$tmp/out2" '^minor1/0 .* done=8[0-9]\.[0-9]%' 10
tap_check "--follow: updates after the hung drbdadm is gone" \
    grep -Eq '^minor1/0 .* done=8[0-9]\.[0-9]%' "$tmp/out2"
kill "$pid"; wait "$pid"; pid=

# --- the console's DRBD view --------------------------------------------------
. "$HACON_TOP/tests/screen/screen-lib.sh"
T new-session -d -s keep -x 80 -y 24 "exec sleep 600"
cp "$HACON_TOP/tests/golden/cib/bare.xml" "$tmp/"
put "$cap/sync-early.alpha.proc"
: > "$tmp/lookup.log"
start con 80x24 TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \
    CIB_file=bare.xml PATH="$tmp/bin:$PATH" HACON_TEST_DELAY=2 \
    HACON_TEST_LOG="$tmp/lookup.log" HACON_PROC_DRBD_PATH="$tmp/proc"
wait_for con "[1 Resources]" > /dev/null
T send-keys -t con 4
wait_for con "minor 1 (name unknown)" 10 > /dev/null
tap_check "console: the minor shows at once, not named yet" \
    sh -c "tmux -L '$sock' capture-pane -p -t con | grep -qF 'minor 1 (name unknown)'"
until_in "$tmp/lookup.log" '^start' 5
put "$cap/sync-mid.alpha.proc"
wait_for con "42.2%" 10 > /dev/null
n=$(running)
tap_check "console: the view keeps updating while the lookup runs ($n running)" \
    sh -c "tmux -L '$sock' capture-pane -p -t con | grep -q '42.2%' && [ $n -ge 1 ] \
           && tmux -L '$sock' capture-pane -p -t con | grep -qF 'minor 1 (name unknown)'"
n=$(running)
T send-keys -t con 1
if wait_for con "[1 Resources]" 2 > /dev/null; then
    T send-keys -t con 4
    wait_for con "[4 DRBD]" 2 > /dev/null && ok=true || ok=false
else
    ok=false
fi
tap_check "console: keys answer at once while the lookup runs ($n running)" \
    sh -c "$ok && [ $n -ge 1 ]"
wait_for con "resource r0" 20 > /dev/null
tap_check "console: the name appears when drbdadm has answered" \
    sh -c "tmux -L '$sock' capture-pane -p -t con | grep -q 'resource r0' \
           && grep -q '^end .* drbdadm dump all' '$tmp/lookup.log'"
quit_ok con "console with a slow lookup"
tap_check "console: no lookup left behind" none_left

# A captured /proc/drbd (--drbd-proc) whose minor the CIB does not name:
# named as `hacon drbd --proc` names it, in the background too.
: > "$tmp/lookup.log"
start cap 80x24 TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \
    CIB_file=bare.xml PATH="$tmp/bin:$PATH" HACON_TEST_DELAY=1 \
    HACON_TEST_LOG="$tmp/lookup.log" HACON_DRBD_PROC="$cap/sync-mid.alpha.proc"
wait_for cap "[1 Resources]" > /dev/null
T send-keys -t cap 4
wait_for cap "minor 1 (name unknown)" 10 > /dev/null
n=$(running)
tap_check "console, a capture: shown at once, named later ($n lookup running)" \
    sh -c "[ $n -ge 1 ] && tmux -L '$sock' capture-pane -p -t cap | grep -q '42.2%'"
wait_for cap "resource r0" 20 > /dev/null
tap_check "console, a capture: the name appears when drbdadm has answered" \
    sh -c "tmux -L '$sock' capture-pane -p -t cap | grep -q 'resource r0: role Primary' \
           && ! tmux -L '$sock' capture-pane -p -t cap | grep -q 'name unknown'"
quit_ok cap "console with a capture"
tap_done
