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

# /proc/drbd names no resource: hacon asks drbdsetup and drbdadm.  None
# can be run for these (the path does not exist), as on a machine without
# DRBD: "minor 1 (name unknown)".
none="--drbdsetup $dir/bin/none --drbdadm $dir/bin/none"
for f in "$dir"/captures/*.proc; do
    b=$(basename "$f" .proc)
    golden "$b.proc.txt" --history --proc "$f" $none
done
# A node whose kernel runs r0: name and size from `drbdsetup events2
# --now`; one with only the configuration: the name from `drbdadm dump`.
golden sync-mid.alpha.named.proc.txt --proc "$dir/captures/sync-mid.alpha.proc" \
    --drbdsetup "$dir/bin/drbdsetup-now" --drbdadm "$dir/bin/none"
if command -v drbdadm > /dev/null; then
    golden disconnected.beta.dump.proc.json --format=json \
        --proc "$dir/captures/disconnected.beta.proc" \
        --drbdsetup "$dir/bin/none" --drbdadm "$dir/bin/drbdadm-r0"
else
    tap_skip "drbdadm not installed (make deps)"
fi
for f in "$dir"/captures/*.events2 "$dir"/doc/*.events2; do
    b=$(basename "$f" .events2)
    golden "$b.events2.txt" --history --events2 "$f"
done
for f in "$dir"/doc/*.status.json; do
    b=$(basename "$f" .status.json)
    golden "$b.status.txt" --history --status-json "$f"
done
for b in sync-mid.alpha.proc verify-running.alpha.proc paused-sync.beta.proc; do
    golden "$b.json" --format=json --proc "$dir/captures/$b" $none
done
for b in split-brain.alpha.events2 drbd9-three-nodes.events2; do
    f=$dir/captures/$b; [ -f "$f" ] || f=$dir/doc/$b
    golden "$b.json" --format=json --events2 "$f"
done
for f in "$dir"/captures/*.procseq; do
    golden "$(basename "$f").follow" --follow --proc "$f" $none
done
golden live.alpha.events2.follow --follow --events2 "$dir/captures/live.alpha.events2"
golden drbd9-three-nodes.follow --follow --events2 "$dir/doc/drbd9-three-nodes.events2"

# Next to Pacemaker: the CIB of the tutorial's resources (alpha Promoted,
# a fence constraint); beta's state after both were promoted, alpha's
# during a split brain.
cib=$dir/cib/r0-fenced.xml
golden both-primary.beta.cib.txt --events2 "$dir/captures/both-primary.beta.events2" --cib "$cib" --node beta
golden live-to-split-brain.alpha.cib.txt --events2 "$dir/captures/live-to-split-brain.alpha.events2" --cib "$cib" --node alpha
golden outdated.beta.cib.json --format=json --events2 "$dir/captures/outdated.beta.events2" --cib "$cib" --node beta
# Real Pacemaker reads the same CIB: valid, and Promoted where hacon says.
if command -v crm_mon > /dev/null; then
    tap_check "the test CIB passes crm_verify" crm_verify --xml-file "$cib"
    CIB_file=$cib crm_mon -1 -r --output-as=xml > "$tmp/mon.xml" 2> /dev/null
    promoted=$(grep -A3 'id="drbd-r0"' "$tmp/mon.xml" | grep -m1 'role="Promoted"' -A2 | sed -n 's/.*node name="\([^"]*\)".*/\1/p' | head -1)
    tap_check "crm_mon and hacon agree: promoted on ${promoted:-?}" \
        grep -q "promoted on ${promoted:-none}\$" "$tmp/both-primary.beta.cib.txt"
else
    tap_skip "crm_mon not installed (make deps)"
fi

# The text is meant for an 80-column terminal (the console's DRBD pane
# wraps only the warnings).
long=$(cat "$tmp"/*.txt | grep -v '^WARNING' | awk 'length > 80' | head -3)
tap_check "text lines fit in 80 columns${long:+: $long}" [ -z "$long" ]

# Bad input: the line and the reason, exit status 1.
cd "$tmp" || exit 1
printf 'exists resource name:r0\nexists device name:r0 minor:1\n' > bad.events2
golden bad.events2.txt --events2 bad.events2
printf 'version: 8.4.11 (api:1/proto:86-101)\n 1: ro:Primary/Secondary\n' > bad.proc
golden bad.proc.txt --proc bad.proc $none
golden missing.txt --proc no-such-file $none
printf '[{"name":"r0"' > bad.json
golden bad.json.txt --status-json bad.json
golden not-a-cib.txt --proc "$dir/captures/sync-mid.alpha.proc" --cib bad.proc $none
tap_done
