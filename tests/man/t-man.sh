#!/bin/sh
# Man pages: every man/*.[1-8] renders with `man -l` without a warning;
# hacon(1) has a COMMANDS subsection for every command of `hacon help`
# and names every view of the console; `make install` installs it.
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
# Options as roff writes them (\- is a hyphen).
for opt in 'read\-only'; do
    tap_check "hacon.1 documents --$opt" grep -qF -- "\\-\\-$opt" "$page"
done

make -s -C "$HACON_TOP" install DESTDIR="$work/root" PREFIX=/usr \
    > "$work/install.log" 2>&1
tap_check "make install installs hacon.1" \
    test -f "$work/root/usr/share/man/man1/hacon.1"
tap_done
