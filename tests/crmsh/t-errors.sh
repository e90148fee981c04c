#!/bin/sh
# Golden test of hacon's messages for wrong crm lines (errors.txt ->
# errors.exp) and of the preview of a move on the tutorial's cluster
# (preview.exp).  Each line runs with --dry-run: nothing may change.
: "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$HACON_TOP/tests/tap.sh"
tap_need_cmd crm_simulate
[ -x "$HACON" ] || tap_skip_all "build/hacon is not built"
[ -x /usr/lib/ocf/resource.d/linbit/drbd ] ||
    tap_skip_all "needs ocf:linbit:drbd (drbd-utils; make deps installs it)"

here=$HACON_TOP/tests/crmsh
work=$(mktemp -d "${TMPDIR:-/tmp}/hacon-errors.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM
cp "$here/tutorial-cib.xml" "$work/cib.xml"
export CIB_file="$work/cib.xml"

grep -v -e '^#' -e '^$' "$here/errors.txt" | while IFS= read -r line; do
    timeout 30 "$HACON" crm --dry-run "$line" 2>&1
    echo "status $?"
done > "$work/errors.out"
tap_diff "messages for wrong lines" "$here/errors.exp" "$work/errors.out"
total=$(grep -c '^status' "$work/errors.out")
refused=$(grep -c '^status 1$' "$work/errors.out")
tap_check "all $total wrong lines refused ($refused)" [ "$total" = "$refused" ]
tap_check "the CIB file is untouched" cmp -s "$here/tutorial-cib.xml" \
    "$work/cib.xml"

timeout 60 "$HACON" crm --dry-run 'resource move testnet nodetwo' \
    > "$work/preview.out" 2>&1
tap_diff "diff and preview of a move" "$here/preview.exp" "$work/preview.out"

# A cleanup acts on the running cluster, not on the CIB: shown, not run.
timeout 30 "$HACON" crm --dry-run resource cleanup testnet nodeone \
    > "$work/cleanup.out" 2>&1
printf '%s\n' "would run: crm_resource --cleanup --resource testnet --node nodeone" \
    "Not applied (--dry-run)." > "$work/cleanup.exp"
tap_diff "a cleanup is shown as the command it runs" "$work/cleanup.exp" \
    "$work/cleanup.out"
tap_done
