#!/bin/bash
# `hacon failover-test` when its reports cannot be written: the report
# directory on a full tmpfs (a private mount namespace).  With CIB_file
# set the run does not start (it needs the live cluster) but its report
# and, with --repeat, the summary are still written: each failed write is
# named on stderr with the error, no "summary: PATH" or report path is
# printed for a file that is not there, and the exit status is not 0.
# A directory that cannot be made is exit status 5 (hacon(1)).
: "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$HACON_TOP/tests/tap.sh"

tap_need_root
tap_need_cmd unshare mount
[ -x "$HACON" ] || tap_skip_all "no $HACON (run make)"
if [ -z "${HC_FOREP_NS:-}" ]; then
    HC_FOREP_NS=1 exec unshare -m --propagation private "$0" "$@"
    tap_skip_all "cannot make a mount namespace"
fi

work=$(mktemp -d /tmp/hacon-forep.XXXXXX)
cleanup() {
    umount "$work/full" 2> /dev/null
    rm -rf --one-file-system "$work"
}
trap cleanup EXIT
export CIB_file=$HACON_TOP/tests/golden/cib/tutorial.xml

# Every path printed under "reports:" and after "summary: /" exists.
printed_exist() {
    awk '/^reports:/ { r = 1; next } /^summary: \// { print $2; next }
         /^summary:/ { next } r { print $1; print $2 }' "$1" \
        | while read -r f; do
            [ -e "$f" ] || { echo "# printed but not written: $f"; exit 1; }
        done
}

# -- a writable directory: the reports and the summary are listed and there
mkdir "$work/ok"
"$HACON" failover-test move --repeat 2 --report-dir "$work/ok" \
    > "$work/ok.out" 2> "$work/ok.err"
st=$?
tap_check "a run that cannot start exits 3 (status $st)" [ "$st" = 3 ]
tap_check "its summary path is printed" grep -q "^summary: $work/ok/" \
    "$work/ok.out"
tap_check "every printed report path exists" printed_exist "$work/ok.out"

# -- a full tmpfs
mkdir "$work/full"
mount -t tmpfs -o size=64k,mode=0700 hc-forep "$work/full" \
    || tap_skip_all "cannot mount a tmpfs"
mkdir "$work/full/r"
dd if=/dev/zero of="$work/full/fill" bs=4k 2> /dev/null
start=$(date +%s)
"$HACON" failover-test move --repeat 2 --report-dir "$work/full/r" \
    --events "$work/ev" > "$work/full.out" 2> "$work/full.err"
st=$?
sed 's/^/# out: /' "$work/full.out"; sed 's/^/# err: /' "$work/full.err"
tap_check "it takes seconds ($(( $(date +%s) - start )) s)" \
    [ $(( $(date +%s) - start )) -lt 30 ]
tap_check "the exit status is not 0 (status $st)" [ "$st" != 0 ]
tap_check "no summary path is printed for a summary not written" \
    sh -c "! grep -q '^summary: /' '$work/full.out'"
tap_check "every printed report path exists" printed_exist "$work/full.out"
tap_check "stderr names the run's report file and the error" \
    grep -q "cannot write the report $work/full/r/failover-move-.*-01\.txt: No space left on device" \
    "$work/full.err"
tap_check "stderr names the summary file and the error" \
    grep -q "cannot write the summary $work/full/r/failover-move-.*-summary\.json: No space left on device" \
    "$work/full.err"
tap_check "the events say which file could not be written" \
    grep -q "^reportfail 1 cannot write $work/full/r/failover-move-.*-01\.txt: No space left on device" \
    "$work/ev"
tap_check "no file of a report is left behind" \
    sh -c "[ -z \"\$(ls -A '$work/full/r')\" ]"

# -- a directory that cannot be made: status 5, nothing begins
"$HACON" failover-test move --report-dir "$work/full/fill/sub" \
    > "$work/mk.out" 2> "$work/mk.err"
st=$?
tap_check "a report directory that cannot be made exits 5 (status $st)" \
    [ "$st" = 5 ]
tap_check "stderr names it with the error" \
    grep -q "cannot create $work/full/fill/sub: Not a directory" "$work/mk.err"
tap_done
