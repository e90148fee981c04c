#!/bin/sh
# The tutorial's own crm lines, as written, through `hacon crm` (golden
# test: tutorial-lines.txt -> tutorial.exp): its backwards colocations are
# applied with a warning that says which resource follows which and the
# line as meant (--fix applies that); its `drbd` hint names the promoted
# role; its ms is converted with a note; its own dhcp agent is refused with
# the one to use; a misspelt cluster option gets a "did you mean".
: "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$HACON_TOP/tests/tap.sh"
[ -x "$HACON" ] || tap_skip_all "build/hacon is not built"
[ -x /usr/lib/ocf/resource.d/linbit/drbd ] ||
    tap_skip_all "needs ocf:linbit:drbd (drbd-utils; make deps installs it)"
[ -x /usr/lib/ocf/resource.d/heartbeat/IPaddr2 ] ||
    tap_skip_all "needs resource-agents (make deps installs it)"
[ -x /usr/lib/pacemaker/pacemaker-schedulerd ] ||
    tap_skip_all "needs pacemaker's daemons (their option metadata)"

here=$HACON_TOP/tests/crmsh
work=$(mktemp -d "${TMPDIR:-/tmp}/hacon-tutorial.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM
cp "$here/base.xml" "$work/cib.xml"
export CIB_file="$work/cib.xml"
# The system's agents and hacon's own dhcpd agent, as `make install` puts
# it beside them.
mkdir -p "$work/ocf/resource.d/hacon"
for d in /usr/lib/ocf/resource.d/* /usr/lib/ocf/lib; do
    ln -s "$d" "$work/ocf/${d#/usr/lib/ocf/}"
done
ln -s "$HACON_TOP/agents/dhcpd" "$work/ocf/resource.d/hacon/dhcpd"
export OCF_ROOT="$work/ocf"

grep -v -e '^#' -e '^$' "$here/tutorial-lines.txt" | while IFS= read -r l; do
    opts=
    case "$l" in
        -*' -- '*) opts=${l%% -- *} l=${l#* -- } ;;
    esac
    echo "\$ hacon crm $opts${opts:+ }'$l'"
    # shellcheck disable=SC2086 # the options are words
    timeout 60 "$HACON" crm --no-simulate $opts -- "$l" 2>&1
    echo "status $?"
done > "$work/tutorial.out"
tap_diff "the tutorial's lines: warnings, notes, hints" "$here/tutorial.exp" \
    "$work/tutorial.out"

# What the lines leave, as Pacemaker reads it: the dependent resource
# first in every colocation, DRBD's role named, notify on.
cons() {
    crm_element=$1
    CIB_file="$work/cib.xml" cibadmin -Q -o constraints |
        grep -o "<rsc_colocation id=\"$crm_element\"[^>]*" |
        sed 's/ score="[^"]*"//'
}
tap_check_eq() {
    if [ "$2" = "$3" ]; then tap_ok "$1"; else
        tap_fail "$1"; echo "# expected: $3"; echo "# got:      $2"; fi
}
if command -v cibadmin >/dev/null; then
    tap_check_eq "the IP goes with DRBD's promoted role" "$(cons drbd_on_net)" \
        '<rsc_colocation id="drbd_on_net" rsc="testnet" with-rsc="drbd-r0-master" with-rsc-role="Promoted"/'
    tap_check_eq "fs_data goes with DRBD (--fix)" "$(cons fs_on_drbd)" \
        '<rsc_colocation id="fs_on_drbd" rsc="fs_data" with-rsc="drbd-r0-master" with-rsc-role="Promoted"/'
    tap_check_eq "dhcp goes with fs_data (--fix)" "$(cons dhcp_on_fs)" \
        '<rsc_colocation id="dhcp_on_fs" rsc="dhcp" with-rsc="fs_data"/'
    tap_check "the clone carries notify=true and promoted-max" sh -c \
        "CIB_file='$work/cib.xml' cibadmin -Q -o resources |
         grep -q 'name=\"notify\" value=\"true\"' &&
         CIB_file='$work/cib.xml' cibadmin -Q -o resources |
         grep -q 'name=\"promoted-max\"'"
    tap_check "crm_verify accepts the result" \
        crm_verify --xml-file "$work/cib.xml"
else
    tap_skip "cibadmin is not installed"
fi
tap_done
