#!/bin/sh
# hacon status against crm_mon -1 on the same generated 32 x 1000 CIB
# (CIB_file=): wall time and peak RSS, median of RUNS runs of each,
# interleaved so that both see the same machine load.
runs=${RUNS:-7}
work=$(mktemp -d /tmp/hacon-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 "$HACON_TOP/tests/golden/gen-large-cib.py" 32 1000 > "$work/cib.xml"
export CIB_file="$work/cib.xml"
command -v /usr/bin/time > /dev/null || { echo "needs /usr/bin/time"; exit 1; }

for i in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -a -o "$work/hacon.t" "$HACON" status > /dev/null
    /usr/bin/time -f "%e %M" -a -o "$work/crm_mon.t" crm_mon -1 > /dev/null
done
python3 - "$work" "$runs" <<'PY'
import statistics, sys
d, runs = sys.argv[1], sys.argv[2]
def load(n):
    rows = [l.split() for l in open(f"{d}/{n}.t") if l[0].isdigit()]
    return (statistics.median(float(r[0]) for r in rows),
            statistics.median(int(r[1]) for r in rows))
ht, hm = load("hacon")
ct, cm = load("crm_mon")
print(f"input: 32 nodes x 1000 resources (generated), median of {runs} runs")
print(f"{'':14}{'wall s':>10}{'peak RSS KiB':>14}")
print(f"{'hacon status':14}{ht:10.3f}{hm:14d}")
print(f"{'crm_mon -1':14}{ct:10.3f}{cm:14d}")
print(f"ratio hacon/crm_mon: time {ht/ct:.2f}x, memory {hm/cm:.2f}x "
      f"(goal: time <= 0.8x, memory <= 1.0x)")
PY
