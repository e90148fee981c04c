#!/bin/bash
# Captures real DRBD 8.4 output in every state the two VMs can be driven
# into, as golden inputs for tests/drbd/ (not part of make check; rerun by
# hand when the capture list changes, then review and commit the files):
#   tests/drbdvm/capture.sh [OUTDIR]     default tests/drbd/captures
# For each state NAME and node N it writes NAME.N.proc (/proc/drbd),
# NAME.N.events2 (drbdsetup events2 --now --statistics --timestamps) and
# NAME.N.status (drbdsetup status --verbose --statistics); plus the live
# events2 streams of the whole run (live.N.events2) and /proc/drbd sampled
# during the initial sync (initial-sync.N.procseq, "@ uptime" separators).
set -u
HACON_TOP=${HACON_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$HACON_TOP/tests/drbdvm/vmlib.sh"
out=${1:-$HACON_TOP/tests/drbd/captures}
mkdir -p "$out"
why=$(drbdvm_check); [ -n "$why" ] && { echo "capture: $why" >&2; exit 1; }
dir=$HACON_TOP/tests/drbdvm/state/capture-$$
mkdir -p "$dir"
drbdvm_initrd "$dir" "$HACON_TOP/tests/drbdvm/r0-test.conf" || exit 1
trap 'drbdvm_stop; rm -rf "$dir"' EXIT
drbdvm_start "$dir" || exit 1
log() { echo "capture: $SECONDS s: $*" >&2; }

EV="drbdsetup events2 --now --statistics --timestamps all"
cap() {  # cap NAME NODE...
    local name=$1 n; shift
    for n in "$@"; do
        vm "$n" 20 "cat /proc/drbd" > "$out/$name.$n.proc"
        vm "$n" 20 "$EV" > "$out/$name.$n.events2"
        vm "$n" 20 "drbdsetup status --verbose --statistics all" > "$out/$name.$n.status"
    done
    log "captured $name"
}
both() { vm alpha "$@" && vm beta "$@"; }
on_proc() { vm_wait "$1" "$2" "grep -q '$3' /proc/drbd" > /dev/null || log "timeout waiting for $3 on $1"; }

for n in alpha beta; do
    vm "$n" 10 "(drbdsetup events2 --statistics --timestamps all > /tmp/live.events2 2>&1 &)"
done
both 60 "drbdadm create-md --force r0 > /dev/null 2>&1; drbdadm up r0"
on_proc alpha 60 cs:Connected
cap connected-inconsistent alpha

# Initial sync: /proc/drbd sampled on both nodes, events2 at a few points.
vm alpha 20 "drbdadm primary --force r0"
for n in alpha beta; do
    vm "$n" 10 "(i=0; while [ \$i -lt 200 ]; do echo \"@ \$(cut -d' ' -f1 /proc/uptime)\"; cat /proc/drbd; grep -q ds:UpToDate/UpToDate /proc/drbd && break; sleep 0.5; i=\$((i+1)); done > /tmp/sync.procseq 2>&1 &)"
done
on_proc alpha 30 "sync.ed: *[1-9]"
cap sync-early alpha beta
on_proc alpha 30 "sync.ed: *[4-9][0-9]"
cap sync-mid alpha beta
on_proc alpha 30 "sync.ed: *[89][0-9]"
cap sync-late alpha beta
on_proc alpha 60 ds:UpToDate/UpToDate
on_proc beta 20 ds:UpToDate/UpToDate
sleep 1
for n in alpha beta; do vm "$n" 20 "cat /tmp/sync.procseq" > "$out/initial-sync.$n.procseq"; done
cap connected-uptodate alpha beta

# Disconnect: alpha StandAlone, beta WFConnection; writes make a resync
# that is paused by hand.
vm alpha 20 "drbdadm disconnect r0"
on_proc beta 30 cs:WFConnection
cap disconnected alpha beta
vm alpha 60 "dd if=/dev/urandom of=/dev/drbd1 bs=1M count=24 oflag=direct 2>/dev/null"
vm alpha 20 "drbdadm connect r0; drbdadm pause-sync r0"
on_proc alpha 30 "cs:PausedSyncS"
cap paused-sync alpha beta
vm alpha 20 "drbdadm resume-sync r0"
on_proc alpha 30 "cs:SyncSource"
cap resync alpha beta
on_proc alpha 60 ds:UpToDate/UpToDate

# Outdated: beta alone marks its data outdated.
vm beta 20 "drbdadm disconnect r0; drbdadm outdate r0"
on_proc beta 20 ds:Outdated
on_proc alpha 30 cs:WFConnection
cap outdated alpha beta
vm beta 20 "drbdadm connect r0"
on_proc alpha 60 ds:UpToDate/UpToDate

# Diskless: beta detaches its disk, then attaches again.
vm beta 30 "drbdadm detach r0"
on_proc alpha 20 ds:UpToDate/Diskless
cap diskless alpha beta
vm beta 30 "drbdadm attach r0"
on_proc alpha 60 ds:UpToDate/UpToDate

# Verify: blocks changed behind DRBD's back on beta's backing disk.
vm beta 20 "dd if=/dev/urandom of=/dev/vda bs=4k seek=2048 count=64 conv=notrunc 2>/dev/null; sync; echo 3 > /proc/sys/vm/drop_caches"
vm alpha 20 "drbdadm verify r0"
on_proc alpha 30 "cs:VerifyS"
on_proc alpha 30 "verified: *[1-9]"
cap verify-running alpha beta
on_proc alpha 60 cs:Connected
cap verify-done alpha beta
vm alpha 20 "drbdadm disconnect r0; drbdadm connect r0"
on_proc alpha 60 "cs:Connected.*ds:UpToDate/UpToDate"

# Split brain: both Primary while disconnected, both written, reconnected.
both 20 "drbdadm disconnect r0"
vm beta 20 "drbdadm primary r0"
both 60 "dd if=/dev/urandom of=/dev/drbd1 bs=1M count=2 oflag=direct 2>/dev/null"
cap both-primary alpha beta
both 20 "drbdadm connect r0"
on_proc alpha 30 cs:StandAlone
on_proc beta 30 cs:StandAlone
sleep 1
cap split-brain alpha beta
vm alpha 10 "dmesg | grep -i split" > "$out/split-brain.alpha.dmesg"
vm beta 20 "drbdadm secondary r0; drbdadm connect --discard-my-data r0"
vm alpha 20 "drbdadm connect r0"
on_proc alpha 60 "cs:Connected.*ds:UpToDate/UpToDate"
cap sb-resolved alpha beta

for n in alpha beta; do vm "$n" 20 "cat /tmp/live.events2" > "$out/live.$n.events2"; done
vm alpha 10 "drbdadm --version" > "$out/version.alpha.txt"
drbdvm_poweroff
cp "$dir/alpha.console" "$out/console.alpha.txt"
cp "$dir/beta.console" "$out/console.beta.txt"
rm -rf "$dir"
log "done"
