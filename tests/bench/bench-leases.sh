#!/bin/sh
# make bench: the lease table against dhcpd-pools and wc -l, same input,
# same run.  Prints medians of several runs and the ratios:
#   full read + pool usage of a ~240,000-record, ~75 MB file and its config
#     (goal: <= 0.2 x dhcpd-pools, <= 3 x wc -l)
#   one record appended: cost of the follower's update (goal <= 1 ms,
#     independent of the file's size: also measured on a 1,000-record file)
#   peak RSS of a full read of 1,000,000 leases (goal <= 128 MB)
# The input comes from tests/bench/genleases.c (records as dhcpd writes
# them, 20% renewals).  BENCH_RUNS (default 7) sets the number of runs.
top=${HACON_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
runs=${BENCH_RUNS:-7}
for c in dhcpd-pools cc; do
    command -v $c > /dev/null || { echo "bench-leases: needs $c"; exit 77; }
done
[ -x /usr/bin/time ] || { echo "bench-leases: needs /usr/bin/time (package time)"; exit 77; }
[ -f "$top/build/libhacon.a" ] || { echo "bench-leases: build first (make)"; exit 77; }
tmp=$(mktemp -d /tmp/hc-bench-leases.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
. "$top/tests/bench/lib-leases.sh"
bench_build genleases || exit 1

mkdir -p "$tmp/240k" "$tmp/1k" "$tmp/1m"
"$b/genleases" 200000 "$tmp/240k" 20 1
"$b/genleases" 1000 "$tmp/1k" 20 2
f=$tmp/240k/dhcpd.leases c=$tmp/240k/dhcpd.conf
recs=$(grep -c '^lease ' "$f")
mb=$(( $(stat -c %s "$f") / 1000000 ))

# CPU (user+sys) of a command in ms: the machine may be shared.
cpu() {
    /usr/bin/time -f '%U %S' -o "$tmp/cpu" "$@" > /dev/null 2>&1
    awk '{printf "%d\n", ($1 + $2) * 1000000}' "$tmp/cpu"
}

cat "$f" > /dev/null   # page cache warm for everybody
for _ in $(seq "$runs"); do
    ms wc -l "$f" >> "$tmp/wc.ms"
    ms dhcpd-pools -c "$c" -l "$f" -f c >> "$tmp/dp.ms"
    ms "$b/bench_leases" parse "$f" "$c" 1 >> "$tmp/hc.ms"
    cpu wc -l "$f" >> "$tmp/wc.cpu"
    cpu dhcpd-pools -c "$c" -l "$f" -f c >> "$tmp/dp.cpu"
    cpu "$b/bench_leases" parse "$f" "$c" 1 >> "$tmp/hc.cpu"
done
wc_ms=$(median < "$tmp/wc.ms") dp_ms=$(median < "$tmp/dp.ms")
hc_ms=$(median < "$tmp/hc.ms")
wc_cpu=$(median < "$tmp/wc.cpu") dp_cpu=$(median < "$tmp/dp.cpu")
hc_cpu=$(median < "$tmp/hc.cpu")
# The same answer as the reference, or the timing means nothing.
used_hc=$("$b/bench_leases" parse "$f" "$c" 1 | awk '$1 == "used" {print $2}')
used_dp=$(dhcpd-pools -c "$c" -l "$f" -f c | awk -F, '/^"All networks"/ {gsub(/"/, "", $3); print $3; exit}')

cp "$f" "$tmp/append.leases"
"$b/bench_leases" append "$tmp/append.leases" 50 > "$tmp/append.out"
cp "$tmp/1k/dhcpd.leases" "$tmp/append-small.leases"
"$b/bench_leases" append "$tmp/append-small.leases" 50 > "$tmp/append-small.out"
app=$(awk '$1 == "append_ms" {print $2}' "$tmp/append.out")
app_bytes=$(awk '$1 == "append_bytes" {print $2}' "$tmp/append.out")
app_small=$(awk '$1 == "append_ms" {print $2}' "$tmp/append-small.out")

"$b/genleases" 1000000 "$tmp/1m" 0 3
/usr/bin/time -v "$b/bench_leases" load "$tmp/1m/dhcpd.leases" \
    > "$tmp/1m.out" 2> "$tmp/1m.time"
rss=$(awk -F: '/Maximum resident/ {print int($2 / 1024)}' "$tmp/1m.time")
n1m=$(awk '$1 == "leases" {print $2}' "$tmp/1m.out")
/usr/bin/time -v dhcpd-pools -c "$tmp/1m/dhcpd.conf" -l "$tmp/1m/dhcpd.leases" \
    -f c > /dev/null 2> "$tmp/1m-dp.time"
rss_dp=$(awk -F: '/Maximum resident/ {print int($2 / 1024)}' "$tmp/1m-dp.time")

echo "input: $recs records, $mb MB; medians of $runs runs (wall ms / CPU ms)"
printf '  %-28s %8s %8s\n' "" wall cpu
printf '  %-28s %8s %8s\n' "wc -l" "$wc_ms" "$wc_cpu"
printf '  %-28s %8s %8s\n' "dhcpd-pools -f c" "$dp_ms" "$dp_cpu"
printf '  %-28s %8s %8s\n' "hacon parse + pool usage" "$hc_ms" "$hc_cpu"
echo "  ratio to dhcpd-pools: $(ratio "$hc_ms" "$dp_ms") wall, $(ratio "$hc_cpu" "$dp_cpu") cpu (goal <= 0.2)"
echo "  ratio to wc -l:       $(ratio "$hc_ms" "$wc_ms") wall, $(ratio "$hc_cpu" "$wc_cpu") cpu (goal <= 3)"
echo "  active leases in ranges: hacon $used_hc, dhcpd-pools $used_dp"
echo "append of one record to the $mb MB file: $app ms median of 50 ($app_bytes bytes read); to a 1,000-record file: $app_small ms (goal <= 1 ms)"
echo "1,000,000 leases: peak RSS $rss MB for hacon ($n1m leases), $rss_dp MB for dhcpd-pools (goal <= 128 MB)"
st=0
[ "$used_hc" = "$used_dp" ] || { echo "MISMATCH with dhcpd-pools"; st=1; }
[ "$n1m" = 1000000 ] || { echo "1M file: read $n1m leases"; st=1; }
exit $st
