#!/bin/sh
# make bench: the console's Leases pane on 200,000 leases (HACON_TIMING
# gives the wall and CPU time of each screen update, the pane's rebuild
# included).  Prints the slowest update after:
#   5        switching to the pane (first sort, the visible rows formatted)
#   append   one lease appended to the file (read, sorted again, redrawn)
#   s        sorting by the next column (MAC)
#   j        moving the selection one row (no rebuild)
#   resize   the terminal one column narrower (rebuild, no sort)
top=${HACON_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
HACON=${HACON:-$top/build/hacon}
command -v tmux > /dev/null || { echo "bench-leases-pane: needs tmux"; exit 77; }
[ -x "$HACON" ] || { echo "bench-leases-pane: build first (make)"; exit 77; }
tmp=$(mktemp -d /tmp/hc-bench-lpane.XXXXXX)
sock=hc-bench-lpane-$$
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
b=$top/build/bench
mkdir -p "$b" "$tmp/200k"
cc -O2 -o "$b/genleases" "$top/tests/bench/genleases.c" || exit 1
"$b/genleases" 200000 "$tmp/200k" 0 4
cp "$top/tests/golden/cib/tutorial.xml" "$tmp/"
T() { tmux -L "$sock" "$@"; }
T new-session -d -s keep -x 80 -y 24 "exec sleep 600"
T new-session -d -s p -x 120 -y 40 "cd '$tmp' && env TERM=screen-256color \
    LANG=C.UTF-8 CIB_file=tutorial.xml HACON_TIMING='$tmp/timing' \
    HACON_LEASES='$tmp/200k/dhcpd.leases' \
    HACON_DHCPD_CONF='$tmp/200k/dhcpd.conf' '$HACON'; exec sleep 600"

# wait_for TEXT: until the screen shows it (60 s at most).
wait_for() {
    _end=$(( $(date +%s) + 60 ))
    until T capture-pane -p -t p | grep -qF -- "$1"; do
        if [ "$(date +%s)" -gt "$_end" ]; then
            echo "bench-leases-pane: timed out waiting for '$1'"
            exit 1
        fi
        sleep 0.05
    done
}
# mark: the number of timing lines so far; slowest SINCE: the slowest
# draw after that mark, once the screen is quiet for 0.5 s.
mark() { wc -l < "$tmp/timing"; }
slowest() {
    _n=$(mark)
    while sleep 0.5; [ "$(mark)" != "$_n" ]; do _n=$(mark); done
    tail -n +"$(( $1 + 1 ))" "$tmp/timing" | awk '
        $1 == "draw" {
            split($2, w, "="); split($3, c, "=")
            if (w[2] + 0 > mw) { mw = w[2] + 0; mc = c[2] + 0 }
        }
        END { printf "%8.1f %8.1f\n", mw, mc }'
}
wait_for "[1 Resources]"
wait_for "Resources:"
sleep 1
printf '200,000 leases, 120x40 terminal: slowest screen update (ms)\n'
printf '  %-40s %8s %8s\n' "" wall cpu
m=$(mark); T send-keys -t p 5; wait_for "200000 addresses"
printf '  %-40s %s\n' "5 (switch to the pane, first sort)" "$(slowest "$m")"
m=$(mark)
printf 'lease 10.250.0.1 {\n  starts 3 2026/11/25 10:00:00;\n  ends 3 2026/11/25 22:00:00;\n  binding state active;\n  client-hostname "appended";\n}\n' \
    >> "$tmp/200k/dhcpd.leases"
wait_for "200001 addresses"
printf '  %-40s %s\n' "a lease appended (poll, sort, draw)" "$(slowest "$m")"
m=$(mark); T send-keys -t p s; wait_for "MAC^"
printf '  %-40s %s\n' "s (sort by MAC)" "$(slowest "$m")"
m=$(mark); T send-keys -t p j
printf '  %-40s %s\n' "j (next row)" "$(slowest "$m")"
m=$(mark); T send-keys -t p G
printf '  %-40s %s\n' "G (last row)" "$(slowest "$m")"
m=$(mark); T resize-window -t p -x 119 -y 40
printf '  %-40s %s\n' "resize (rebuild, no sort)" "$(slowest "$m")"
T send-keys -t p q
exit 0
