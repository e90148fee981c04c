#!/bin/sh
# Golden tests of `hacon drbd` on real DRBD 8.4 output captured in the
# drbdvm VMs (tests/drbd/captures/, see its README.md) and on DRBD 9
# events2 input written from the documentation (tests/drbd/doc/).  Each
# input is printed as text with history, some as JSON, and the sampled
# sync sequences are replayed with --follow (the ETA at every sample).
# HACON_UPDATE_GOLDEN=1 rewrites the expected files (review the diff).
. "${HACON_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
[ -x "$HACON" ] || tap_skip_all "build/hacon not built (make)"
dir=$HACON_TOP/tests/drbd
tmp=$(mktemp -d /tmp/hacon-drbd-golden.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C TZ=UTC

golden() {  # golden NAME ARGS...
    name=$1; shift
    "$HACON" drbd "$@" > "$tmp/$name" 2>&1
    echo "exit $?" >> "$tmp/$name"
    if [ -n "$HACON_UPDATE_GOLDEN" ]; then
        cp "$tmp/$name" "$dir/expected/$name"
    fi
    tap_diff "drbd $name" "$dir/expected/$name" "$tmp/$name"
}

for f in "$dir"/captures/*.proc; do
    b=$(basename "$f" .proc)
    golden "$b.proc.txt" --history --proc "$f"
done
for f in "$dir"/captures/*.events2 "$dir"/doc/*.events2; do
    b=$(basename "$f" .events2)
    golden "$b.events2.txt" --history --events2 "$f"
done
for b in sync-mid.alpha.proc verify-running.alpha.proc paused-sync.beta.proc; do
    golden "$b.json" --format=json --proc "$dir/captures/$b"
done
for b in split-brain.alpha.events2 drbd9-three-nodes.events2; do
    f=$dir/captures/$b; [ -f "$f" ] || f=$dir/doc/$b
    golden "$b.json" --format=json --events2 "$f"
done
for f in "$dir"/captures/*.procseq; do
    golden "$(basename "$f").follow" --follow --proc "$f"
done
golden live.alpha.events2.follow --follow --events2 "$dir/captures/live.alpha.events2"
golden drbd9-three-nodes.follow --follow --events2 "$dir/doc/drbd9-three-nodes.events2"

# Bad input: the line and the reason, exit status 1.
cd "$tmp" || exit 1
printf 'exists resource name:r0\nexists device name:r0 minor:1\n' > bad.events2
golden bad.events2.txt --events2 bad.events2
printf 'version: 8.4.11 (api:1/proto:86-101)\n 1: ro:Primary/Secondary\n' > bad.proc
golden bad.proc.txt --proc bad.proc
golden missing.txt --proc no-such-file
tap_done
