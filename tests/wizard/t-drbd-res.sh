#!/bin/sh
# The r0.res the wizard generates (golden copies, kept equal to the
# generator by tests/unit/test_gen.c) is accepted by drbd-utils' own
# parsers: drbdadm for DRBD 9, drbdadm-84 for DRBD 8.4; each syntax is
# refused by the other parser, so the version choice matters.
# __DRBD_NODE__ makes drbdadm take the node's name, as on nodeone.
. "$HACON_TOP/tests/tap.sh"
tap_need_cmd drbdadm
g=$HACON_TOP/tests/wizard/golden
d84=/usr/lib/drbd/drbdadm-84
out=$(mktemp /tmp/hacon-drbd.XXXXXX)
trap 'rm -f "$out"' EXIT
export __DRBD_NODE__=nodeone

if drbdadm -c "$g/r0-9.res" dump r0 > "$out" 2>&1; then
    tap_ok "DRBD 9: drbdadm dump accepts r0.res"
else
    tap_fail "DRBD 9: drbdadm dump: $(grep -v PRETEND "$out" | head -3)"
fi
tap_check "DRBD 9: the dump has fencing in net and the .9 handlers" \
    grep -q 'crm-unfence-peer.9.sh' "$out"
drbdadm -c "$g/r0-9.res" -d up r0 > "$out" 2>&1
tap_check "DRBD 9: drbdadm -d up r0 plans new-resource and attach" \
    grep -q 'drbdsetup attach 1 /dev/sdb1' "$out"
if [ -x "$d84" ]; then
    if "$d84" -c "$g/r0-8.4.res" dump r0 > "$out" 2>&1; then
        tap_ok "DRBD 8.4: drbdadm-84 dump accepts r0.res"
    else
        tap_fail "DRBD 8.4: drbdadm-84 dump: $(grep -v PRETEND "$out" | head -3)"
    fi
    "$d84" -c "$g/r0-9.res" dump r0 > /dev/null 2>&1
    tap_check "DRBD 8.4's parser refuses the DRBD 9 syntax" [ $? -ne 0 ]
else
    tap_skip "drbd-utils without drbdadm-84"
    tap_skip "drbd-utils without drbdadm-84"
fi
drbdadm -c "$g/r0-8.4.res" dump r0 > /dev/null 2>&1
tap_check "DRBD 9's parser refuses the DRBD 8.4 syntax" [ $? -ne 0 ]
tap_done
