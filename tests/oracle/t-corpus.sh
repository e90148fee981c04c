#!/bin/sh
# Oracle: on each of Pacemaker's own scheduler regression CIBs, every node's
# state and every resource instance's role and node in
# `hacon status --format=json` equal what crm_mon --output-as=xml says, and
# so do every bundle's replicas with their resources (JSON) and the line
# crm_mon -1 -r prints for each replica (text).
# crm_mon is the referee.  One TAP line per file.
. "$HACON_TOP/tests/tap.sh"
corpus=${HACON_CORPUS:-$HACON_TOP/../shared/corpus/pacemaker-scheduler}
[ -d "$corpus" ] || tap_skip_all "no corpus at $corpus (../shared/corpus is absent)"
tap_need_cmd crm_mon python3
work=$(mktemp -d /tmp/hacon-corpus.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Both programs on every file, two at a time; a hacon failure leaves its
# message in NAME.json, which the comparison then reports.
# A CIB with bundles is also compared in text: crm_mon -1 -r's line per
# replica against hacon status's.
ls "$corpus" | sed -n 's/\.xml$//p' | xargs -P 2 -I{} sh -c '
    CIB_file="$1/$2.xml" crm_mon --output-as=xml > "$3/$2.crm" 2>/dev/null
    CIB_file="$1/$2.xml" "$4" status --format=json > "$3/$2.json" 2>&1
    if grep -q "<bundle" "$1/$2.xml"; then
        CIB_file="$1/$2.xml" crm_mon -1 -r > "$3/$2.crmtxt" 2>/dev/null
        CIB_file="$1/$2.xml" "$4" status > "$3/$2.txt" 2>&1
    fi
' sh "$corpus" {} "$work" "$HACON"
python3 "$HACON_TOP/tests/oracle/compare.py" --tap \
    "$HACON_TOP/tests/oracle/known-differences" "$work" \
    $(ls "$corpus" | sed -n 's/\.xml$//p')
