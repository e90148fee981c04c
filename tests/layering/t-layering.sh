#!/bin/sh
# The layering of the sources, from their #include lines (layering.py):
# core/ and core/steps/ never include tui/; a step header is included only
# in core/steps/ and by the wizard engine; no include circle between files
# of different modules; only the console includes its screen's header
# (tui/console.h), never a view or a mode.  A broken rule fails with each offending include
# as FILE:LINE.  First the checker itself, on small trees that break each
# rule, so that a checker that finds nothing cannot pass.
. "${HACON_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
tap_need_cmd python3
check=$HACON_TOP/tests/layering/layering.py
tmp=$(mktemp -d /tmp/hc-layering.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

# tree NAME FILE=CONTENT...: a tree of sources under $tmp/NAME.
tree() {
    _t=$tmp/$1; shift
    mkdir -p "$_t/core/steps" "$_t/tui"
    for _f in "$@"; do
        printf '%s\n' "${_f#*=}" > "$_t/${_f%%=*}"
    done
}

# broken NAME RULE WANT: the checker fails on tree NAME, with RULE failed
# and WANT (FILE:LINE ...) among the offending includes.
broken() {
    python3 "$check" "$tmp/$1" > "$tmp/$1.out" 2>&1
    _rc=$?
    if [ "$_rc" -eq 1 ] && grep -qx "FAIL $2" "$tmp/$1.out" \
       && grep -qF "$3" "$tmp/$1.out"; then
        tap_ok "checker: $1 fails $2 naming $3"
    else
        tap_fail "checker: $1 fails $2 naming $3 (exit $_rc)"
        sed 's/^/# /' "$tmp/$1.out"
    fi
}

tree clean 'core/a.c=#include "a.h"' 'core/a.h=' 'core/a_int.h=#include "a.h"' \
    'core/steps/s.h=' 'core/steps/s.c=#include "s.h"' \
    'core/wizard_plan.c=#include "steps/s.h"' 'tui/v.c=#include "a.h"'
if python3 "$check" "$tmp/clean" > "$tmp/clean.out" 2>&1; then
    tap_ok "checker: a tree that keeps every rule passes (x_int.h is x's)"
else
    tap_fail "checker: a tree that keeps every rule passes"
    sed 's/^/# /' "$tmp/clean.out"
fi
tree core-tui 'core/a.c=
#include "../tui/v.h"' 'tui/v.h='
broken core-tui core-no-tui 'core/a.c:2: #include "../tui/v.h"'
tree steps-tui 'core/steps/s.c=#include "../../tui/v.h"' 'tui/v.h='
broken steps-tui steps-no-tui 'core/steps/s.c:1: #include "../../tui/v.h"'
tree step-header 'core/steps/s.h=' 'tui/cmd.c=#include "steps/s.h"'
broken step-header steps-private 'tui/cmd.c:1: #include "steps/s.h"'
tree circle 'core/a.c=#include "b.h"' 'core/a.h=' 'core/b.c=' \
    'core/b.h=#include "a.h"'
broken circle no-circles 'core/b.h:1: #include "a.h" (-> core/a.h)'
tree view-console 'tui/console.h=' 'tui/console.c=#include "console.h"' \
    'tui/view_x.c=#include "console.h"'
broken view-console console-private 'tui/view_x.c:1: #include "console.h"'

# The sources.
python3 "$check" "$HACON_TOP" > "$tmp/top.out" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
    tap_fail "layering.py ran (exit $rc)"
    sed 's/^/# /' "$tmp/top.out"
fi
while read -r verdict rule; do
    case $verdict in
    ok) tap_ok "sources: $rule" ;;
    FAIL)
        tap_fail "sources: $rule"
        # The offending includes of this rule, up to the next rule.
        awk -v r="$rule" '$0 == "FAIL " r { on = 1; next }
                          /^(ok|FAIL) / { on = 0 } on' "$tmp/top.out" \
            | sed 's/^ */# /'
        ;;
    esac
done < "$tmp/top.out"
[ "$(grep -cE '^(ok|FAIL) ' "$tmp/top.out")" -eq 5 ] \
    || tap_fail "sources: layering.py checked 5 rules"
tap_done
