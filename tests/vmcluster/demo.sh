#!/bin/bash
# make demo VM=1: the tutorial's machines as VMs (tests/vmcluster/vmc), the
# setup wizard run on alpha step by step (as t-vmcluster.sh does), a DHCP
# lease for the client VM, then hacon open on alpha over ssh.  With --bare
# (make demo VM=1 BARE=1) the nodes stay bare, with no answers file, for
# the console's own guided setup (w, its answers form e).  VMs that run
# already (VMC_DIR) are used as they are: tests/vmcluster/t-vmcluster.sh
# boots its VMs and runs this same script on them in tmux.  The VMs stay
# up after hacon quits; `make demo-down VM=1` (vmc down) powers them off
# and removes their files.
top=$(cd "$(dirname "$0")/../.." && pwd)
V=$top/tests/vmcluster/vmc
export VMC_DIR=${VMC_DIR:-$top/build/vmcluster/demo}
t0=$SECONDS
if "$V" status 2> /dev/null | grep -q running; then
    echo "demo: the VMs run already ($VMC_DIR)"
else
    "$V" down 2> /dev/null
    echo "demo: booting alpha, beta and the client (emulated, 1-3 minutes)"
    "$V" up || exit 1
fi
if [ "${1:-}" != --bare ]; then
    "$V" run alpha 'cat > /root/answers' < "$top/tests/vmcluster/answers" || exit 1
    log=$VMC_DIR/demo-steps.log
    : > "$log"
    for s in preflight cluster stonith quorum drbd dhcp resources migrate; do
        echo "demo: hacon setup apply $s  ($((SECONDS - t0)) s)"
        # The step's progress as it comes; its whole output in the log.
        "$V" run alpha "hacon setup apply $s --answers /root/answers --yes" 2>&1 \
            | tee -a "$log" | grep --line-buffered -E '^  \.\.\. |^Step|FAILED|Nothing to do'
        [ "${PIPESTATUS[0]}" = 0 ] || { echo "demo: step $s failed (all its output: $log)"; exit 1; }
    done
    echo "demo: the client asks for a lease  ($((SECONDS - t0)) s)"
    "$V" run client 'busybox udhcpc -i eth2 -n -q -t 10 -T 3 -s /run/vmc/udhcpc-script 2>&1' \
        | grep -iE 'lease|bound' \
        || echo "demo: the client got no lease (see: $V run alpha crm_mon -1)"
fi
echo "demo: ready after $((SECONDS - t0)) s; hacon on alpha (q quits)."
echo "demo: shell on a node: VMC_DIR=$VMC_DIR $V ssh alpha|beta|client"
echo "demo: power off: make demo-down VM=1"
if [ -t 0 ] && [ -t 1 ]; then
    "$V" ssh alpha hacon
fi
