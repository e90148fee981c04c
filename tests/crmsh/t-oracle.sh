#!/bin/sh
# Oracle test: the lines of oracle-lines.txt are applied by hacon
# (`hacon crm`, CIB_file=A) and by the tools crmsh drives (CIB_file=B):
# `crm configure` for configure lines, the crm_resource command that
# `crm resource` runs for resource lines, crm_attribute for node lines
# (crmsh's own node commands need the node names to resolve).  After each
# step the configurations, normalised by cibnorm.py, must be equal.
# crmsh takes seconds to start, so consecutive configure lines go to one
# crm session (at most $batch_max lines): a difference is reported for
# that group of lines.
: "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$HACON_TOP/tests/tap.sh"
tap_need_cmd crm crm_resource crm_attribute crm_verify python3
[ -x "$HACON" ] || tap_skip_all "build/hacon is not built"
[ -x /usr/lib/ocf/resource.d/linbit/drbd ] ||
    tap_skip_all "needs ocf:linbit:drbd (drbd-utils; make deps installs it)"

here=$HACON_TOP/tests/crmsh
work=$(mktemp -d "${TMPDIR:-/tmp}/hacon-oracle.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM
cp "$here/base.xml" "$work/a.xml"
cp "$here/base.xml" "$work/b.xml"
# crmsh keeps state under the home directory; keep it out of the user's.
export HOME="$work/home"
mkdir -p "$HOME"
batch_max=25

# The configure lines waiting for one crm session, and their hacon status.
: > "$work/batch"
pending=0
hacon_ok=1
desc=

compare() {
    if ! python3 "$here/cibnorm.py" "$work/a.xml" "$work/a.norm" \
            "$work/b.xml" "$work/b.norm"; then
        tap_fail "normalise after: $1"
        return
    fi
    tap_diff "same CIB as crmsh after: $1" "$work/b.norm" "$work/a.norm"
    # The next step starts from the oracle's result, so that one
    # difference is reported once and does not cascade.
    cp "$work/b.xml" "$work/a.xml"
}

flush() {
    [ "$pending" -gt 0 ] || return 0
    { echo configure; cat "$work/batch"; echo commit; } > "$work/batch.crm"
    if [ "$hacon_ok" = 1 ]; then
        if CIB_file="$work/b.xml" timeout 120 crm -f "$work/batch.crm" \
                > "$work/crm.out" 2>&1; then
            compare "$desc"
        else
            tap_fail "crmsh applies: $desc"
            sed 's/^/# /' "$work/crm.out"
            cp "$work/a.xml" "$work/b.xml"
        fi
    fi
    : > "$work/batch"
    pending=0 hacon_ok=1 desc=
}

# $1: a resource or node line; runs what crmsh would run for it.
oracle_direct() {
    eval "set -- $1"
    b="$work/b.xml"
    case "$1 $2" in
        "resource move"|"resource migrate")
            if [ -n "$4" ]; then
                CIB_file=$b crm_resource --quiet --move --resource "$3" \
                    --node "$4" ${5:+--lifetime "$5"}
            fi ;;
        "resource unmigrate"|"resource clear"|"resource unmove")
            CIB_file=$b crm_resource --quiet --clear --resource "$3" ;;
        "resource start")
            CIB_file=$b crm_resource --meta --resource "$3" \
                --set-parameter target-role --parameter-value Started ;;
        "resource stop")
            CIB_file=$b crm_resource --meta --resource "$3" \
                --set-parameter target-role --parameter-value Stopped ;;
        "node standby")
            CIB_file=$b crm_attribute -t nodes -N "$3" -n standby -v on ;;
        "node online")
            CIB_file=$b crm_attribute -t nodes -N "$3" -n standby -v off ;;
        *) echo "no oracle for: $1 $2"; return 1 ;;
    esac
}

grep -v -e '^#' -e '^$' "$here/oracle-lines.txt" > "$work/lines"
while IFS= read -r line; do
    bare=${line#crm }
    bare=${bare#configure }
    case $bare in
        resource\ *|node\ *) flush ;;
    esac
    if ! CIB_file="$work/a.xml" timeout 60 "$HACON" crm --no-simulate \
            "$line" > "$work/hacon.out" 2>&1; then
        tap_fail "hacon applies: $line"
        sed 's/^/# /' "$work/hacon.out"
        hacon_ok=0
    else
        tap_ok "hacon applies: $line"
    fi
    case $bare in
        resource\ *|node\ *)
            if [ "$hacon_ok" = 1 ]; then
                if oracle_direct "$bare" > "$work/crm.out" 2>&1; then
                    compare "$line"
                else
                    tap_fail "oracle applies: $line"
                    sed 's/^/# /' "$work/crm.out"
                    cp "$work/a.xml" "$work/b.xml"
                fi
            fi
            hacon_ok=1 ;;
        *)
            printf '%s\n' "$bare" >> "$work/batch"
            pending=$((pending + 1))
            desc="${desc:+$desc | }$bare"
            [ "$pending" -lt "$batch_max" ] || flush ;;
    esac
done < "$work/lines"
flush

# hacon kept the file it replaced, and the result is a valid CIB.
tap_check "hacon keeps the previous CIB as FILE~" test -s "$work/a.xml~"
tap_check "final CIB passes crm_verify" \
    env CIB_file="$work/a.xml" crm_verify -L
tap_done
