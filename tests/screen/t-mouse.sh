#!/bin/sh
# The mouse in the console: xterm mouse reports (what tmux passes to the
# pane) typed into the real hacon.  A click on a tab opens the view, a
# click on a line selects it and a second one opens its detail, the wheel
# scrolls a long list; mouse reporting is on while the console runs and
# off after q (tmux's mouse_any_flag), the terminal restored.
. "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
tap_need_cmd tmux python3
here=$HACON_TOP/tests/screen

work=$(mktemp -d /tmp/hacon-mouse.XXXXXX)
sock=hacon-mouse-$$
cleanup() { tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM
. "$here/screen-lib.sh"
T new-session -d -s keep -x 80 -y 24 "exec sleep 600"
export TZ=UTC
cp "$HACON_TOP/tests/golden/cib/tutorial.xml" "$work/"
python3 "$HACON_TOP/tests/golden/gen-large-cib.py" 6 120 > "$work/large.xml"

# mouse NAME CODE X Y: one X10 mouse report (button code, 0-based cell).
mouse() {
    T send-keys -t "$1" -l "$(printf '\033[M%b%b%b' \
        "\\$(printf %o $((32 + $2)))" "\\$(printf %o $((33 + $3)))" \
        "\\$(printf %o $((33 + $4)))")"
}
click() { mouse "$1" 0 "$2" "$3"; mouse "$1" 3 "$2" "$3"; }
# row NAME TEXT: the 0-based row of the first line holding TEXT.
row() { screen "$1" | grep -nF -- "$2" | head -n 1 | cut -d: -f1 | awk '{ print $1 - 1 }'; }
mouse_flag() { T display-message -p -t "$1" '#{mouse_any_flag}'; }

U8="TERM=screen-256color LANG=C.UTF-8"
start m 80x24 $U8 CIB_file=tutorial.xml
wait_for m "dhcp (ocf:hacon:dhcpd)" 30 || { tap_fail "console starts"; tap_done; }
tap_check "mouse reporting is on while the console runs" [ "$(mouse_flag m)" = 1 ]
tabs=$(row m "2 Constraints")
click m 16 "$tabs"
tap_check "a click on the Constraints tab opens it" \
    wait_for m "[2 Constraints]" 10
click m 2 "$tabs"
wait_for m "[1 Resources]" 10 > /dev/null
r=$(row m "dhcp (ocf:hacon:dhcpd)")
click m 6 "$r"
click m 6 "$r"
tap_check "a click selects a line, a second opens its detail" \
    wait_for m "Resource dhcp (ocf:hacon:dhcpd)" 10
T send-keys -t m Escape
wait_for m "F1/? Help" 10 > /dev/null
T send-keys -t m q
wait_for m "EXITED" 10 > /dev/null
tap_check "q: mouse reporting is off again" [ "$(mouse_flag m)" = 0 ]
tap_check "q: exits 0, terminal restored" \
    eval 'screen m | grep -q "EXITED 0" && screen m | grep -q TTY-RESTORED'
T kill-session -t m

# A crash (SIGSEGV) also turns mouse reporting off.
start c 80x24 $U8 CIB_file=tutorial.xml
wait_for c "dhcp (ocf:hacon:dhcpd)" 30 > /dev/null
pid=$(pgrep -P "$(T display-message -p -t c '#{pane_pid}')" -x hacon)
[ -n "$pid" ] && kill -SEGV "$pid"
wait_for c "EXITED" 10 > /dev/null
tap_check "crash: mouse reporting is off again" [ "$(mouse_flag c)" = 0 ]
T kill-session -t c

start big 80x24 $U8 CIB_file=large.xml
wait_for big "g000_m0" 30 || { tap_fail "console starts on a long list"; tap_done; }
y=$(row big "g000_m0")
for _ in 1 2 3 4 5 6 7 8 9 10 11 12; do mouse big 65 10 "$y"; done
tap_check "the wheel scrolls the long list down" wait_gone big "g000_m0" 10
for _ in 1 2 3 4 5 6 7 8 9 10 11 12; do mouse big 64 10 "$y"; done
tap_check "and back up" wait_for big "g000_m0" 10
quit_ok big "mouse on a long list"
tap_done
