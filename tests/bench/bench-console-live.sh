#!/bin/sh
# Event to screen on a live cluster (make bench): a real one-node
# corosync + pacemaker in namespaces (tests/screen/solo-cluster.sh); a
# cibadmin change of one resource's meta attribute; the time from just
# before cibadmin runs to the console's doupdate(), and from the CIB
# notification's arrival to doupdate(), from the console's timing log.
top=${HACON_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
HACON=${HACON:-$top/build/hacon}
. "$top/tests/screen/solo-cluster.sh"
why=$(solo_can_run) || { echo "bench-console-live: skipped: $why"; exit 77; }
command -v tmux > /dev/null || { echo "bench-console-live: needs tmux"; exit 77; }
work=$(mktemp -d /tmp/hacon-benchlive.XXXXXX)
sock=hacon-benchlive-$$
trap 'tmux -L "$sock" kill-server 2>/dev/null; solo_down; rm -rf "$work"' EXIT INT TERM
solo_up "$work/cluster" && solo_wait_dc 120 || { echo "cluster did not start"; exit 1; }
solo_x crm_attribute -n stonith-enabled -v false > /dev/null 2>&1
solo_x cibadmin -C -o resources -X '<primitive id="dummy1" class="ocf" provider="heartbeat" type="Dummy"/>'
tmux -L "$sock" new-session -d -s b -x 80 -y 24 \
    "env TERM=screen-256color LANG=C.UTF-8 HACON_TIMING=$work/timing.log \
     nsenter -t $SOLO_PID -m -u -i -n -p $HACON; sleep 600"
python3 - "$work/timing.log" "$SOLO_PID" <<'PY'
import re, subprocess, sys, time
log, pid = sys.argv[1], sys.argv[2]
def lines():
    try:
        return open(log).read().splitlines()
    except FileNotFoundError:
        return []
end = time.monotonic() + 60
while not any(l.startswith("draw") for l in lines()):
    if time.monotonic() > end:
        raise SystemExit("console did not draw")
    time.sleep(0.05)
time.sleep(2)
e2e, n2s = [], []
for i in range(20):
    n = len(lines())
    t0 = time.monotonic() * 1000
    subprocess.run(["nsenter", "-t", pid, "-m", "-u", "-i", "-n", "-p",
                    "crm_resource", "-r", "dummy1", "--meta", "-p",
                    "hacon-bench", "-v", str(i)], check=True,
                   capture_output=True)
    end = time.monotonic() + 30
    while True:
        new = lines()[n:]
        ev = [l for l in new if l.startswith("event")]
        dr = [l for l in new if l.startswith("draw")]
        if ev and dr:
            break
        if time.monotonic() > end:
            raise SystemExit("no redraw after change %d" % i)
        time.sleep(0.002)
    time.sleep(0.3)   # let a burst of notifications settle
    new = lines()[n:]
    mono = lambda l: float(re.search(r"mono_ms=([\d.]+)", l).group(1))
    # The first redraw after the first notification of this change (the
    # cluster may send more later, for its own follow-up updates).
    k = next(j for j, l in enumerate(new) if l.startswith("event"))
    first_ev = mono(new[k])
    first_dr = mono(next(l for l in new[k:] if l.startswith("draw")))
    e2e.append(first_dr - t0)
    n2s.append(first_dr - first_ev)
med = lambda xs: sorted(xs)[len(xs) // 2]
print("live cluster, change to screen (before cibadmin -> doupdate, includes "
      "cibadmin's own run): median %.1f ms, max %.1f ms" % (med(e2e), max(e2e)))
print("live cluster, CIB notification -> doupdate: median %.1f ms, max %.1f "
      "ms (goal < 50 ms)" % (med(n2s), max(n2s)))
PY
