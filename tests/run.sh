#!/bin/sh
# Runs every test of `make check` and prints one closing line:
#   N passed, N failed, N skipped
#
# A test is a cmocka binary in build/tests/ or an executable tests/*/t-*.sh.
# Each prints TAP ("ok N - name", "not ok N - name", "ok N # SKIP reason").
# A test that prints no TAP line counts by its exit status: 0 passed,
# 77 skipped, anything else failed.  A test that prints TAP and then exits
# non-zero (a crash, a timeout) counts one failure more.
#
# Arguments, when given, are substrings: only tests whose path holds one run.
# Logs go to tests/log/<name>.log; a failing test's log tail is printed.

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
log=tests/log
mkdir -p "$log"
export HACON_TOP="$top" HACON="$top/build/hacon" LC_ALL=C TZ=UTC
export CMOCKA_MESSAGE_OUTPUT=TAP
# Per-test wall-clock limit, generous: a hung test must not hang CI.
limit=${HACON_TEST_TIMEOUT:-900}

pass=0 fail=0 skip=0
t_start=$(date +%s)

selected() {
    [ $# -eq 1 ] && return 0
    t=$1; shift
    for pat in "$@"; do
        case $t in *"$pat"*) return 0 ;; esac
    done
    return 1
}

# Order: unit tests first (fast), then suites by directory, cluster and VM
# suites last (slow, and they need root).
list=$( (ls build/tests/test_* 2>/dev/null
         ls tests/*/t-*.sh 2>/dev/null | grep -v -e '^tests/cluster/' \
             -e '^tests/vmcluster/' -e '^tests/drbdvm/'
         ls tests/drbdvm/t-*.sh tests/cluster/t-*.sh \
             tests/vmcluster/t-*.sh 2>/dev/null) )

for t in $list; do
    selected "$t" "$@" || continue
    name=$(echo "$t" | sed 's|^build/tests/|unit/|; s|^tests/||; s|/|_|g; s|\.sh$||')
    out="$log/$name.log"
    s0=$(date +%s)
    timeout -k 10 "$limit" "$t" > "$out" 2>&1 < /dev/null
    rc=$?
    s1=$(date +%s)
    p=$(grep -cE '^ok [0-9]+' "$out")
    k=$(grep -cE '^ok [0-9]+.*# *(SKIP|skip)' "$out")
    f=$(grep -cE '^not ok [0-9]+' "$out")
    p=$((p - k))
    if [ $((p + k + f)) -eq 0 ]; then
        case $rc in
            0) p=1 ;;
            77) k=1 ;;
            *) f=1 ;;
        esac
    elif [ $rc -ne 0 ] && [ $rc -ne 77 ] && [ "$f" -eq 0 ]; then
        echo "not ok - $t exited with status $rc" >> "$out"
        f=1
    fi
    pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + k))
    status=PASS
    [ "$k" -gt 0 ] && status="PASS ($k skipped)"
    [ "$p" -eq 0 ] && [ "$k" -gt 0 ] && status=SKIP
    [ "$f" -gt 0 ] && status=FAIL
    [ $rc -eq 124 ] && status="FAIL (timed out after ${limit}s)"
    printf '%-40s %3d passed %3d failed %3d skipped  %4ss  %s\n' \
        "$name" "$p" "$f" "$k" "$((s1 - s0))" "$status"
    if [ "$f" -gt 0 ]; then
        grep -E '^not ok' "$out" | head -20 | sed 's/^/    /'
        tail -n 25 "$out" | sed 's/^/    | /'
    fi
    if [ "$k" -gt 0 ] && [ "$p" -eq 0 ]; then
        grep -E '# *(SKIP|skip)' "$out" | head -3 | sed 's/^/    /'
    fi
done

echo "total time: $(( $(date +%s) - t_start ))s"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
