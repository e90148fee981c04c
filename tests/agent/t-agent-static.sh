#!/bin/sh
# The shipped agents without running a daemon: meta-data against the
# schemas that resource-agents ships, completeness of the meta-data,
# a shellcheck run, and the generated man page (up to date, no groff warnings).
. "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"

tap_need_cmd xmllint shellcheck xsltproc man
RA=/usr/share/resource-agents
[ -r "$RA/ra-api-1.dtd" ] && [ -r "$RA/metadata.rng" ] \
    || tap_skip_all "needs resource-agents' schemas (make deps installs it)"
[ -r /usr/lib/ocf/lib/heartbeat/ocf-shellfuncs ] \
    || tap_skip_all "needs resource-agents (make deps installs it)"

T=$(mktemp -d /tmp/hca-static.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
export OCF_ROOT=/usr/lib/ocf

for ag in "$HACON_TOP"/agents/*; do
    name=${ag##*/}
    md=$T/$name.xml
    if sh "$ag" meta-data > "$md" 2> "$T/err"; then
        tap_ok "$name: meta-data exits 0"
    else
        tap_fail "$name: meta-data exits 0"
    fi
    # As ocf-tester does it: the DOCTYPE names ra-api-1.dtd relative to
    # the document, so validate from stdin in resource-agents' directory.
    tap_check "$name: meta-data is valid against ra-api-1.dtd" \
        sh -c 'cd "$1" && xmllint --noout --valid - < "$2"' - "$RA" "$md"
    tap_check "$name: meta-data is valid against metadata.rng" \
        xmllint --noout --relaxng "$RA/metadata.rng" "$md"
    tap_check "$name: OCF version 1.1" \
        test "$(xmllint --xpath 'string(/resource-agent/version)' "$md")" = 1.1
    # Every parameter: long and short description, a type and a default
    # (an empty default is stated as such), unique and required flags.
    bad=$(xmllint --xpath '/resource-agent/parameters/parameter[
            not(@unique) or not(@required) or
            normalize-space(longdesc) = "" or normalize-space(shortdesc) = ""
            or not(content/@type) or not(content/@default)]/@name' \
            "$md" 2>/dev/null)
    tap_check "$name: every parameter fully described${bad:+ (not: $bad)}" \
        test -z "$bad"
    for a in start stop monitor validate-all meta-data; do
        tap_check "$name: action $a declared with a timeout" \
            test -n "$(xmllint --xpath "string(//action[@name='$a']/@timeout)" "$md")"
    done
    # Every OCF_RESKEY_ the agent reads is declared (probe_* included).
    undeclared=""
    for p in $(grep -o 'OCF_RESKEY_[a-z_]*' "$ag" | sed 's/OCF_RESKEY_//' \
            | grep -v -e '^CRM_meta' -e '_default$' -e '^OCF_CHECK' | sort -u); do
        grep -q "<parameter name=\"$p\"" "$md" || undeclared="$undeclared $p"
    done
    tap_check "$name: every parameter it reads is in the meta-data${undeclared:+ (not:$undeclared)}" \
        test -z "$undeclared"
    if shellcheck -s sh "$ag" > "$T/sc" 2>&1; then
        tap_ok "$name: shellcheck clean"
    else
        tap_fail "$name: shellcheck clean"
        sed 's/^/# /' "$T/sc" | head -30
    fi
done

# Each agent's man page: generated from its current meta-data, and
# groff-clean.
for ag in "$HACON_TOP"/agents/*; do
    name=${ag##*/}
    page=$HACON_TOP/build/man/ocf_hacon_$name.7
    if [ ! -r "$page" ]; then
        tap_skip "$name: man page not built (make)"
        continue
    fi
    sh "$ag" meta-data > "$T/md.xml"
    xsltproc --novalid --nonet -o "$T/page.7" \
        "$HACON_TOP/man/ocf-agent.xsl" "$T/md.xml"
    tap_diff "$name: man page in build/ matches the agent's meta-data" \
        "$T/page.7" "$page"
    MANWIDTH=80 man --warnings -E UTF-8 -l "$page" > "$T/man.txt" \
        2> "$T/man.err"
    tap_check "$name: man -l prints no warnings" test ! -s "$T/man.err"
    sed 's/^/# /' "$T/man.err" | head -10
    missing=""
    for p in $(xmllint --xpath '//parameter/@name' "$T/md.xml" \
            | sed 's/ name="\([^"]*\)"/\1 /g'); do
        grep -q "^       $p (" "$T/man.txt" || missing="$missing $p"
    done
    tap_check "$name: man page documents every parameter${missing:+ (not:$missing)}" \
        test -z "$missing"
    # SEE ALSO names the agent's own server.
    case $name in
        kea-dhcp4) server="kea-dhcp4(8)" ;;
        *) server="$name(8)" ;;
    esac
    tap_check "$name: man page refers to $server" \
        sh -c 'sed -n "/^SEE ALSO/,\$p" "$1" | grep -qF "$2"' - "$T/man.txt" "$server"
done

page=$HACON_TOP/man/hacon-probe.1
MANWIDTH=80 man --warnings -E UTF-8 -l "$page" > /dev/null 2> "$T/man.err"
tap_check "hacon-probe.1: man -l prints no warnings" test ! -s "$T/man.err"

# ocf-tester's own meta-data check runs `meta-data` as nobody.
if [ "$(id -u)" = 0 ] && id nobody > /dev/null 2>&1; then
    chmod 755 "$T"
    for ag in "$HACON_TOP"/agents/*; do
        name=${ag##*/}
        cp "$ag" "$T/$name"
        chmod 755 "$T/$name"
        tap_check "$name: meta-data works as user nobody" \
            su nobody -s /bin/sh -c "OCF_ROOT=/usr/lib/ocf $T/$name meta-data > /dev/null"
    done
fi
tap_done
