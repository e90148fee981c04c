#!/bin/sh
# make bench: the console's memory over a day of a busy DHCP server, in a
# few minutes.  The console follows a 200,000-lease file over ssh (an ssh
# stand-in first in PATH runs the command here), as on the node that does
# not run dhcpd.  One cycle is an hour of dhcpd: 50 new leases appended
# (read with tail from where the console was), then the file rewritten
# whole with 50 more, as dhcpd does every hour (a new file renamed over
# the old one: read whole again, 61 MB).  SOAK_CYCLES cycles (default 24,
# a day); the console's RSS (VmRSS of /proc) after each.  The console
# reads the file every second (HACON_LEASES_POLL_S=1; 5 s over ssh
# otherwise, which was most of the soak's time: two reads per cycle).
#
# Prints the RSS after the first full read, the largest after it, the
# last, and the growth per cycle after the second (the heap at its
# working size).  SOAK_OUT=FILE: also "key value" lines there for the
# test that bounds them (tests/screen/t-leases-soak.sh).
top=${HACON_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
HACON=${HACON:-$top/build/hacon}
cycles=${SOAK_CYCLES:-24}
command -v tmux > /dev/null || { echo "bench-soak: needs tmux"; exit 77; }
[ -x "$HACON" ] || { echo "bench-soak: build first (make)"; exit 77; }
tmp=$(mktemp -d /tmp/hc-bench-soak.XXXXXX)
sock=hc-bench-soak-$$
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
b=$top/build/bench
mkdir -p "$b" "$tmp/200k" "$tmp/bin"
cc -O2 -o "$b/genleases" "$top/tests/bench/genleases.c" || exit 1
"$b/genleases" 200000 "$tmp/200k" 0 4
L=$tmp/200k/dhcpd.leases
cp "$top/tests/golden/cib/tutorial.xml" "$tmp/"
# ssh [OPTIONS] NODE [--] COMMAND: COMMAND (the last argument) here.
cat > "$tmp/bin/ssh" <<'EOF'
#!/bin/sh
for last; do :; done
exec sh -c "$last"
EOF
chmod +x "$tmp/bin/ssh"
T() { tmux -L "$sock" "$@"; }
T new-session -d -s keep -x 80 -y 24 "exec sleep 3600"
T new-session -d -s s -x 120 -y 40 "cd '$tmp' && exec env \
    PATH='$tmp/bin:$PATH' TERM=screen-256color LANG=C.UTF-8 \
    CIB_file=tutorial.xml HACON_LEASES='$L' HACON_LEASES_NODE=peer \
    HACON_LEASES_POLL_S=1 '$HACON'"
pid=$(T display -p -t s '#{pane_pid}')

# wait_for TEXT [SECONDS]: until the screen shows it.
wait_for() {
    _end=$(( $(date +%s) + ${2:-120} ))
    until T capture-pane -p -t s | grep -qF -- "$1"; do
        if [ "$(date +%s)" -gt "$_end" ]; then
            echo "bench-soak: timed out waiting for '$1'; the screen:"
            T capture-pane -p -t s | sed 's/^/  /'
            exit 1
        fi
        sleep 0.2
    done
}
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; }
# leases N FIRST: N new active leases from the FIRST-th address of
# 10.250.0.0/16.
leases() {
    awk -v n="$1" -v f="$2" 'BEGIN {
        for (i = f; i < f + n; i++)
            printf "lease 10.250.%d.%d {\n  starts 3 2026/11/25 10:00:00;\n" \
                "  ends 3 2026/11/25 22:00:00;\n  binding state active;\n" \
                "  hardware ethernet 02:50:00:00:%02x:%02x;\n" \
                "  client-hostname \"soak%d\";\n}\n",
                int(i / 250), i % 250 + 1, int(i / 256) % 256, i % 256, i
    }'
}

wait_for "[1 Resources]" 30
T send-keys -t s 5
t0=$(date +%s)
wait_for "200000 addresses" 180
first=$(rss)
max=0 n=0 next=0 base=0
while [ "$n" -lt "$cycles" ]; do
    n=$((n + 1))
    leases 50 "$next" >> "$L"
    next=$((next + 50))
    wait_for "$((200000 + next)) addresses"
    cp "$L" "$L.new" && leases 50 "$next" >> "$L.new" && mv "$L.new" "$L"
    next=$((next + 50))
    wait_for "$((200000 + next)) addresses"
    r=$(rss)
    [ "$n" = 2 ] && base=$r
    [ "$r" -gt "$max" ] && max=$r
done
last=$(rss)
secs=$(( $(date +%s) - t0 ))
per=0
[ "$cycles" -gt 2 ] && per=$(( (last - base) / (cycles - 2) ))
printf 'console following 200,000 leases over ssh, %d cycles (an hour of dhcpd each: 50 appended, then the file rewritten): %d s\n' \
    "$cycles" "$secs"
printf '  %-44s %8d kB\n' "RSS after the first read" "$first" \
    "RSS after cycle 2" "$base" "largest RSS after a cycle" "$max" \
    "RSS at the end" "$last"
printf '  %-44s %8d kB\n' "growth per cycle after cycle 2" "$per"
if [ -n "${SOAK_OUT:-}" ]; then
    printf 'first %d\nbase %d\nmax %d\nlast %d\nper_cycle %d\ncycles %d\nseconds %d\n' \
        "$first" "$base" "$max" "$last" "$per" "$cycles" "$secs" > "$SOAK_OUT"
fi
T send-keys -t s q
exit 0
