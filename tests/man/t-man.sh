#!/bin/sh
# Man pages: every man/*.[1-8] renders with `man -l` without a warning;
# hacon(1) has a COMMANDS subsection for every command of `hacon help`,
# names every view of the console and every option of the commands'
# tables; `make install` installs it.
. "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
tap_need_cmd man groff
work=$(mktemp -d /tmp/hacon-man.XXXXXX)
trap 'rm -rf "$work"' EXIT

for page in "$HACON_TOP"/man/*.[1-8]; do
    [ -e "$page" ] || continue
    name=$(basename "$page")
    MANWIDTH=80 man --warnings -l "$page" 2> "$work/warn" > "$work/out"
    if [ -s "$work/warn" ]; then
        tap_fail "$name renders without warnings"
        sed 's/^/# /' "$work/warn" | head -20
    else
        tap_ok "$name renders without warnings"
    fi
    tap_check "$name renders to text" test -s "$work/out"
done

page=$HACON_TOP/man/hacon.1
"$HACON" help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }' \
    > "$work/commands"
tap_check "hacon help lists commands" test -s "$work/commands"
while read -r cmd; do
    if grep -q "^\.SS \"$cmd\( \|\"\)" "$page"; then
        tap_ok "hacon.1 documents the command $cmd"
    else
        tap_fail "hacon.1 documents the command $cmd"
    fi
done < "$work/commands"
for view in Resources Constraints Corosync DRBD Leases Transcript; do
    tap_check "hacon.1 documents the view $view" \
        grep -q "^\.B [0-9] $view" "$page"
done
# Every option of every command's table (hacon --list-options; the
# console's under "hacon"), as roff writes it (\- is a hyphen); probe's
# are in hacon-probe(1).
"$HACON" --list-options > "$work/options"
tap_check "hacon --list-options lists options" test -s "$work/options"
for cmd in $(awk '{ print $1 }' "$work/options" | sort -u); do
    in=$page
    [ "$cmd" = probe ] && in=$HACON_TOP/man/hacon-probe.1
    missing=
    for opt in $(awk -v c="$cmd" '$1 == c && $2 != "--help" { print $2 }' \
                 "$work/options"); do
        grep -qF -- "$(echo "$opt" | sed 's/-/\\-/g')" "$in" \
            || missing="$missing $opt"
    done
    tap_check "$(basename "$in") documents every option of $cmd${missing:+ (missing:$missing)}" \
        [ -z "$missing" ]
done

make -s -C "$HACON_TOP" install DESTDIR="$work/root" PREFIX=/usr \
    > "$work/install.log" 2>&1
tap_check "make install installs hacon.1" \
    test -f "$work/root/usr/share/man/man1/hacon.1"
tap_done
