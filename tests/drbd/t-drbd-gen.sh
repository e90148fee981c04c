#!/bin/sh
# r0.res as hacon generates it (core/gen_drbd.c): golden files for DRBD
# 8.4 and 9 syntax, each accepted by the real drbdadm of that version
# (drbd-utils' drbdadm-84 for 8.4, drbdadm for 9: `dump` parses the file
# without the kernel module) and refused by the other, and bad input
# refused with a reason.  The 8.4 file is brought up in the VMs by
# tests/drbdvm/t-drbdvm.sh.
. "${HACON_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
[ -x "$HACON" ] || tap_skip_all "build/hacon not built (make)"
dir=$HACON_TOP/tests/drbd
tmp=$(mktemp -d /tmp/hacon-drbd-gen.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
hosts="--host alpha=10.10.100.1 --host beta=10.10.100.2"

gen() {  # gen NAME ARGS...
    name=$1; shift
    "$HACON" drbd --gen-res r0 $hosts "$@" > "$tmp/$name" 2>&1
    [ -n "$HACON_UPDATE_GOLDEN" ] && cp "$tmp/$name" "$dir/expected/$name"
    tap_diff "gen $name" "$dir/expected/$name" "$tmp/$name"
}
gen r0-84.res --drbd-version 8 --fencing --verify-alg crc32c
gen r0-84-plain.res --drbd-version 8 --minor 0 --disk /dev/vdb --port 7790
gen r0-9.res --drbd-version 9 --fencing --verify-alg crc32c --resync-rate 40M

# drbdadm checks the host names against this host's: in a UTS namespace
# the host is "alpha".
check() {  # check PARSER FILE
    unshare --uts sh -c "hostname alpha && $1 -c $2 dump r0" > "$tmp/dump.out" 2>&1
}
if [ "$(id -u)" != 0 ] || ! command -v unshare > /dev/null; then
    tap_skip "drbdadm checks need root (a UTS namespace)"
elif [ ! -x /lib/drbd/drbdadm-84 ] || ! command -v drbdadm > /dev/null; then
    tap_skip "drbdadm checks need drbd-utils (make deps)"
else
    tap_check "drbdadm-84 accepts the 8.4 file" check /lib/drbd/drbdadm-84 "$tmp/r0-84.res"
    tap_check "drbdadm-84 accepts the plain 8.4 file" check /lib/drbd/drbdadm-84 "$tmp/r0-84-plain.res"
    tap_check "drbdadm (9) accepts the 9 file" check drbdadm "$tmp/r0-9.res"
    tap_check "drbdadm (9) refuses the 8.4 file (fencing in disk {})" \
        sh -c "! unshare --uts sh -c 'hostname alpha && drbdadm -c $tmp/r0-84.res dump r0' > /dev/null 2>&1"
    tap_check "drbdadm-84 refuses the 9 file (fencing in net {})" \
        sh -c "! unshare --uts sh -c 'hostname alpha && /lib/drbd/drbdadm-84 -c $tmp/r0-9.res dump r0' > /dev/null 2>&1"
fi

bad() {  # bad WHY ARGS...
    why=$1; shift
    "$HACON" drbd --gen-res "$@" > "$tmp/bad.out" 2>&1
    rc=$?
    tap_check "refused: $why" sh -c "[ $rc -ne 0 ] && grep -q . '$tmp/bad.out'"
}
bad "resource name with a space" "r 0" $hosts
bad "resource name with a quote" 'r0";' $hosts
bad "disk outside /dev" r0 --disk /tmp/x $hosts
bad "host address not IPv4" r0 --host alpha=nowhere --host beta=10.0.0.2
bad "one host twice" r0 --host alpha=10.0.0.1 --host alpha=10.0.0.2
bad "one host only" r0 --host alpha=10.0.0.1
bad "DRBD version 7" r0 --drbd-version 7 $hosts
bad "bad resync rate" r0 --resync-rate fast $hosts
tap_done
