#!/bin/bash
# bash completion (completion/hacon) against the program itself: every
# command of `hacon help`, exactly the options of each command's table and
# of the console's (`hacon --list-options`, from the tables that also write
# --help and check the arguments), the values they take, the setup's steps
# as `hacon setup list` names them and the failover scenarios as
# `hacon failover-test --help` names them are offered.
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

# The options against the commands' own tables (hacon --list-options,
# "COMMAND --NAME KIND [WORDS]", the console's under "hacon"): completion
# offers every option and no other, knows which take a value, and offers
# each option's values (its choices, files, directories, interfaces).
"$HACON" --list-options > "$work/list" 2> /dev/null
tap_check "hacon --list-options lists the options" test -s "$work/list"
mkdir "$work/cwd" "$work/cwd/zzdir" && : > "$work/cwd/zzfile"
for cmd in $(awk '{ print $1 }' "$work/list" | sort -u); do
    if [ "$cmd" = hacon ]; then words=(hacon); else words=(hacon "$cmd"); fi
    awk -v c="$cmd" '$1 == c { print $2 }' "$work/list" | sort -u > "$work/want"
    comp "${words[@]}" -- | sed 's/=$//' | sort -u > "$work/got"
    if [ "$cmd" = hacon ]; then
        # The commands' list is offered too when the word is empty: only
        # options count here.
        grep -- '^--' "$work/got" > "$work/got2"; mv "$work/got2" "$work/got"
    fi
    if cmp -s "$work/want" "$work/got"; then
        tap_ok "${words[*]} --<Tab> offers the options of its table ($(wc -l < "$work/want"))"
    else
        tap_fail "${words[*]} --<Tab> offers the options of its table"
        diff "$work/want" "$work/got" | sed 's/^/# (< table, > completion) /'
    fi
    bad=
    while read -r _ opt kind rest; do
        if [ "$kind" = flag ]; then
            _hacon_takes_value "$opt" && bad="$bad $opt(takes no value)"
            continue
        fi
        _hacon_takes_value "$opt" || { bad="$bad $opt(takes a value)"; continue; }
        case $kind in
            choice) want=$rest; cur= ;;
            file) want=zzfile; cur=zz ;;
            dir) want=zzdir; cur=zz ;;
            interface) want=lo; cur=l ;;
            *) continue ;;
        esac
        got=$(cd "$work/cwd" && comp "${words[@]}" "$opt" "$cur" | sed 's|/$||')
        for w in $want; do
            echo "$got" | grep -qxF -- "$w" || bad="$bad $opt($w not offered)"
        done
        if [ "$kind" = dir ] && echo "$got" | grep -qxF zzfile; then
            bad="$bad $opt(a file offered for a directory)"
        fi
    done < <(awk -v c="$cmd" '$1 == c' "$work/list")
    tap_check "${words[*]}: each option's value is completed as its table says${bad:+ (wrong:$bad)}" \
        [ -z "$bad" ]
done

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
