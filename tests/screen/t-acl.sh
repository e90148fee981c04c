#!/bin/sh
# The console enters read-only by itself when the user's CIB ACLs deny
# writes.  A real check: Pacemaker's file backend applies the ACLs of
# CIB_user= (crm_attribute is refused below), the tutorial's CIB with
# enable-acl=true, a read-only role for hauser and a write role for
# hawriter.  For hauser the header says so and a command line is only
# previewed, never applied; for hawriter nothing is read-only; the file is
# left as it was (hacon probes ACLs on a copy).
. "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
tap_need_cmd tmux python3 crm_attribute
here=$HACON_TOP/tests/screen

work=$(mktemp -d /tmp/hacon-acl.XXXXXX)
sock=hacon-acl-$$
cleanup() { tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM
. "$here/screen-lib.sh"
T new-session -d -s keep -x 80 -y 24 "exec sleep 600"
export TZ=UTC

python3 - "$HACON_TOP/tests/golden/cib/tutorial.xml" "$work/acl.xml" <<'PY'
import sys
s = open(sys.argv[1]).read()
s = s.replace('</cluster_property_set>',
              '<nvpair id="cbo-enable-acl" name="enable-acl" value="true"/>'
              '</cluster_property_set>', 1)
s = s.replace('</configuration>',
              '<acls>'
              '<acl_role id="ro"><acl_permission id="ro-r" kind="read" xpath="/cib"/></acl_role>'
              '<acl_role id="rw"><acl_permission id="rw-w" kind="write" xpath="/cib"/></acl_role>'
              '<acl_target id="hauser"><role id="ro"/></acl_target>'
              '<acl_target id="hawriter"><role id="rw"/></acl_target>'
              '</acls></configuration>', 1)
open(sys.argv[2], "w").write(s)
PY
sum0=$(md5sum < "$work/acl.xml")
prop() {
    CIB_file=$work/acl.xml crm_attribute -n "$1" -G -q 2>/dev/null
}

# The ACLs are real: Pacemaker refuses hauser's write, takes hawriter's.
cp "$work/acl.xml" "$work/probe.xml"
if CIB_file=$work/probe.xml CIB_user=hauser crm_attribute \
        -n maintenance-mode -v true > /dev/null 2>&1; then
    tap_fail "pacemaker refuses a write by hauser (read-only role)"
else
    tap_ok "pacemaker refuses a write by hauser (read-only role)"
fi
tap_check "pacemaker takes a write by hawriter (write role)" \
    env CIB_file="$work/probe.xml" CIB_user=hawriter crm_attribute \
        -n maintenance-mode -v true

U8="TERM=screen-256color LANG=C.UTF-8"
start ro 100x30 $U8 CIB_file=acl.xml CIB_user=hauser
tap_check "hauser: the header says read-only because of ACLs" \
    wait_for ro "[read-only: ACLs deny writes]" 30
T send-keys -t ro :
tap_check "hauser: the command line says it will not apply" \
    wait_for ro "Read-only console"
T send-keys -t ro -l "configure property maintenance-mode=true"
T send-keys -t ro Enter
if wait_for ro "not applied" 60; then
    T send-keys -t ro Enter y
    T send-keys -t ro Escape
    wait_for ro "Cancelled." 10 > /dev/null && T send-keys -t ro Escape
    tap_ok "hauser: the preview says not applied"
else
    tap_fail "hauser: the preview says not applied"
fi
quit_ok ro "hauser"
tap_check "hauser: maintenance-mode was not set" \
    [ "$(prop maintenance-mode)" != true ]

start rw 100x30 $U8 CIB_file=acl.xml CIB_user=hawriter
if wait_for rw "DC: nodeone" 30 && ! screen rw | grep -q "read-only"; then
    tap_ok "hawriter: not read-only"
else
    tap_fail "hawriter: not read-only"
fi
quit_ok rw "hawriter"
tap_check "the CIB file is as it was (ACLs probed on a copy)" \
    [ "$(md5sum < "$work/acl.xml")" = "$sum0" ]
tap_done
