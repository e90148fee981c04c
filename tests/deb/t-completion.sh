#!/bin/bash
# bash completion (completion/hacon) against the program itself: every
# command of `hacon help`, every option of each command's --help and of
# the console's usage, the setup's steps as `hacon setup list` names them
# and the failover scenarios as `hacon failover-test --help` names them are
# offered; option values (--format=, --sort=) are completed.
. "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
bc=/usr/share/bash-completion/bash_completion
[ -r "$bc" ] || tap_skip_all "needs bash-completion (make deps installs it)"
[ -x "$HACON" ] || tap_skip_all "build/hacon not built (make)"
work=$(mktemp -d /tmp/hacon-comp.XXXXXX)
trap 'rm -rf "$work"' EXIT

# shellcheck source=/dev/null
. "$bc"
# shellcheck source=completion/hacon
. "$HACON_TOP/completion/hacon"
complete -p hacon | grep -q -- '-F _hacon hacon$'
tap_check "complete -F _hacon hacon" [ $? -eq 0 ]

# comp WORD...: what completing the last word offers, one per line.
comp() {
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _hacon 2> /dev/null
    printf '%s\n' "${COMPREPLY[@]}"
}
# offers DESC WORD... :: EXPECTED...: each expected word is offered.
offers() {
    local desc=$1 w=() missing=
    shift
    while [ "$1" != :: ]; do w+=("$1"); shift; done
    shift
    comp "${w[@]}" > "$work/got"
    for e in "$@"; do
        grep -qxF -- "$e" "$work/got" || missing="$missing $e"
    done
    if [ -z "$missing" ] && [ $# -gt 0 ]; then
        tap_ok "$desc"
    else
        tap_fail "$desc (missing:$missing; offered: $(tr '\n' ' ' < "$work/got"))"
    fi
}

"$HACON" help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }' \
    > "$work/commands"
tap_check "hacon help lists commands" test -s "$work/commands"
# shellcheck disable=SC2046
offers "hacon <Tab> offers every command of hacon help" hacon "" :: \
    $(cat "$work/commands") help
comp hacon "" > "$work/got"
extra=$(grep -vxF -f "$work/commands" "$work/got" | grep -vx help)
tap_check "hacon <Tab> offers no command hacon lacks${extra:+ ($extra)}" \
    [ -z "$extra" ]
offers "hacon se<Tab> completes setup" hacon se :: setup

# The options of a command as its --help (or its usage in hacon help)
# writes them: --name, --name=VALUE written as --name=.
opts_of() {
    { "$HACON" "$1" --help 2> /dev/null; "$HACON" help | grep "^  $1 "; } |
        grep -oE -- '--[a-z][a-z0-9-]*=?' | sort -u
}
while read -r cmd; do
    opts=$(opts_of "$cmd")
    comp hacon "$cmd" -- > "$work/got"
    missing=
    for o in $opts; do
        grep -qxF -- "$o" "$work/got" || grep -qxF -- "${o%=}" "$work/got" \
            || grep -qxF -- "$o=" "$work/got" || missing="$missing $o"
    done
    if [ -n "$opts" ] && [ -z "$missing" ]; then
        tap_ok "hacon $cmd --<Tab> offers its options ($(echo "$opts" | wc -w))"
    else
        tap_fail "hacon $cmd --<Tab> offers its options (missing:$missing)"
    fi
done < "$work/commands"

# shellcheck disable=SC2046
offers "hacon --<Tab> offers the console's options and --version" hacon -- :: \
    $("$HACON" --help | sed -n '1,/^commands:/p' | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u) \
    --version

CIB_file=$HACON_TOP/tests/golden/cib/bare.xml "$HACON" setup list \
    > "$work/list" 2>&1
awk '/^[0-9]+ / { print $2 }' "$work/list" > "$work/steps"
tap_check "hacon setup list names the steps" test -s "$work/steps"
# shellcheck disable=SC2046
offers "hacon setup plan <Tab> offers every step" hacon setup plan "" :: \
    $(cat "$work/steps")
offers "hacon setup <Tab> offers the actions" hacon setup "" :: \
    $("$HACON" setup --help 2>&1 | sed -n 's/^ *\(usage: \)\{0,1\}hacon setup \([a-z]*\).*/\2/p' | sort -u)
offers "hacon setup test <Tab> offers drbd" hacon setup test "" :: drbd
offers "hacon setup --answers FILE apply d<Tab> skips the option's value" \
    hacon setup --answers ans apply d :: drbd dhcp
# shellcheck disable=SC2046
offers "hacon failover-test <Tab> offers every scenario" hacon failover-test "" :: \
    $("$HACON" failover-test --help 2>&1 | sed -n 's/^SCENARIO: //p' | tr -d ',')
offers "hacon status --format=<Tab> offers text and json" \
    hacon status --format= :: text json
offers "hacon leases --sort=<Tab> offers the columns" \
    hacon leases --sort= :: ip mac hostname state starts ends
offers "hacon crm <Tab> offers the crm shell's words" hacon crm "" :: \
    primitive colocation order location resource node
tap_done
