#!/bin/sh
# make bench: Kea's memfile against wc -l, same input, same run.  A
# 240,000-row kea-leases4.csv (200,000 addresses, 20% later rows: renewals
# and releases) and its kea-dhcp4.conf from tests/bench/genkea.c: full
# read + pool usage (goal <= 3 x wc -l), and one row appended (the
# follower's update, goal <= 1 ms).  The leases counted as assigned must
# be the ones the generator made assigned (as Kea counts them).
# BENCH_RUNS (default 7) sets the number of runs.
top=${HACON_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
runs=${BENCH_RUNS:-7}
command -v cc > /dev/null || { echo "bench-kea-leases: needs cc"; exit 77; }
[ -x /usr/bin/time ] || { echo "bench-kea-leases: needs /usr/bin/time (package time)"; exit 77; }
[ -f "$top/build/libhacon.a" ] || { echo "bench-kea-leases: build first (make)"; exit 77; }
tmp=$(mktemp -d /tmp/hc-bench-kea.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
. "$top/tests/bench/lib-leases.sh"
bench_build genkea || exit 1

"$b/genkea" 200000 "$tmp" 20 1
f=$tmp/kea-leases4.csv c=$tmp/kea-dhcp4.conf
rows=$(( $(wc -l < "$f") - 1 ))
mb=$(( $(stat -c %s "$f") / 1000000 ))

# CPU (user+sys) of one run in ms, from 20 runs under one /usr/bin/time
# (its resolution is 10 ms; wc -l takes less): the machine may be shared.
cpu() {
    /usr/bin/time -f '%U %S' -o "$tmp/cpu" "$@" > /dev/null 2>&1
    awk '{printf "%d\n", ($1 + $2) * 1000000 / 20}' "$tmp/cpu"
}

cat "$f" > /dev/null
for _ in $(seq "$runs"); do
    ms wc -l "$f" >> "$tmp/wc.ms"
    ms "$b/bench_leases" parse "$f" "$c" 1 >> "$tmp/hc.ms"
    cpu sh -c 'for _ in $(seq 20); do wc -l "$1"; done' - "$f" >> "$tmp/wc.cpu"
    cpu "$b/bench_leases" parse "$f" "$c" 20 >> "$tmp/hc.cpu"
done
wc_ms=$(median < "$tmp/wc.ms") hc_ms=$(median < "$tmp/hc.ms")
wc_cpu=$(median < "$tmp/wc.cpu") hc_cpu=$(median < "$tmp/hc.cpu")
used_hc=$("$b/bench_leases" parse "$f" "$c" 1 | awk '$1 == "used" {print $2}')
used_gen=$(cat "$tmp/assigned")

cp "$f" "$tmp/append.csv"
"$b/bench_leases" append "$tmp/append.csv" 50 > "$tmp/append.out"
app=$(awk '$1 == "append_ms" {print $2}' "$tmp/append.out")
app_bytes=$(awk '$1 == "append_bytes" {print $2}' "$tmp/append.out")

echo "input: $rows Kea rows, $mb MB; medians of $runs runs (wall ms / CPU ms)"
printf '  %-28s %8s %8s\n' "" wall cpu
printf '  %-28s %8s %8s\n' "wc -l" "$wc_ms" "$wc_cpu"
printf '  %-28s %8s %8s\n' "hacon parse + pool usage" "$hc_ms" "$hc_cpu"
echo "  ratio to wc -l:       $(ratio "$hc_ms" "$wc_ms") wall, $(ratio "$hc_cpu" "$wc_cpu") cpu (goal <= 3)"
echo "  assigned (as Kea counts): hacon $used_hc, generator $used_gen"
echo "append of one row to the $mb MB file: $app ms median of 50 ($app_bytes bytes read) (goal <= 1 ms)"
[ "$used_hc" = "$used_gen" ] || { echo "MISMATCH with the generator"; exit 1; }
exit 0
