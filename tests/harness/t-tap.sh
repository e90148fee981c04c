#!/bin/bash
# The test harness itself: a suite that ran no test fails, both in
# tests/tap.sh (tap_done) and in tests/run.sh's count, while a suite that
# says why it cannot run (tap_skip_all) is a skip; tests/run.sh fails when
# its patterns select no test.  run.sh and tap.sh are the tree's own,
# copied beside throw-away suites.
. "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
work=$(mktemp -d /tmp/hacon-harness.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tests/x"
cp "$HACON_TOP/tests/run.sh" "$HACON_TOP/tests/tap.sh" "$work/tests/"

# suite NAME BODY: tests/x/t-NAME.sh, which sources tap.sh and runs BODY.
suite() {
    printf '#!/bin/sh\n. "$HACON_TOP/tests/tap.sh"\n%s\n' "$2" \
        > "$work/tests/x/t-$1.sh"
    chmod +x "$work/tests/x/t-$1.sh"
}
suite none 'tap_done'
suite skipped 'tap_skip_all "needs a unicorn"'
suite one 'tap_ok "a test"
tap_done'
suite quiet 'exit 0'
# cmocka's TAP for a test that called skip().
printf '#!/bin/sh\necho "ok 1 - a"\necho "not ok 2 # SKIP b"\necho 1..2\n' \
    > "$work/tests/x/t-cmockaskip.sh"
chmod +x "$work/tests/x/t-cmockaskip.sh"
# A test that prints the plan of no test and nothing else.
printf '#!/bin/sh\necho 1..0\n' > "$work/tests/x/t-plan0.sh"
chmod +x "$work/tests/x/t-plan0.sh"

# tap_done itself.
HACON_TOP=$work "$work/tests/x/t-none.sh" > "$work/none.out" 2>&1
rc=$?
tap_check "tap_done after no test: exit 1" test $rc -eq 1
tap_check "tap_done after no test: a 'not ok' line says so" \
    grep -q '^not ok 1 - the suite ran no test' "$work/none.out"
HACON_TOP=$work "$work/tests/x/t-skipped.sh" > "$work/skip.out" 2>&1
rc=$?
tap_check "tap_skip_all: exit 77, the reason in the plan" \
    sh -c "[ $rc -eq 77 ] && grep -qx '1..0 # SKIP needs a unicorn' '$work/skip.out'"

# run.sh's count.
run() { (cd "$work" && env -u HACON_TOP tests/run.sh "$@") > "$work/run.out" 2>&1; }
line() { grep "^x_t-$1 " "$work/run.out"; }
run x/t-
rc=$?
line none | grep -q FAIL
tap_check "run.sh: a suite that ran no test is a failure" test $? -eq 0
line quiet | grep -q FAIL
tap_check "run.sh: a suite that prints no TAP and exits 0 is a failure" test $? -eq 0
line plan0 | grep -q FAIL
tap_check "run.sh: a plan of 1..0 without a skip is a failure" test $? -eq 0
line skipped | grep -q SKIP
tap_check "run.sh: tap_skip_all is a skip" test $? -eq 0
line cmockaskip | grep -q '1 passed   0 failed   1 skipped'
tap_check "run.sh: cmocka's skipped test (not ok, SKIP directive) is a skip" test $? -eq 0
line one | grep -q PASS
tap_check "run.sh: a suite with a passing test passes" test $? -eq 0
tap_check "run.sh: the run fails" test $rc -ne 0
run x/t-one
tap_check "run.sh: a run of a passing suite passes" test $? -eq 0
run x/t-nosuch
rc=$?
tap_check "run.sh: no test selected: the run fails" test $rc -ne 0
tap_check "run.sh: no test selected: it says so" \
    grep -q 'no test matches: x/t-nosuch' "$work/run.out"
# A unit test binary is found by its path, its name and its source.
mkdir -p "$work/build/tests"
printf '#!/bin/sh\necho "ok 1 - a"\necho 1..1\n' > "$work/build/tests/test_fake"
chmod +x "$work/build/tests/test_fake"
for pat in unit unit_test_fake unit/test_fake build/tests/test_fake; do
    run "$pat"
    rc=$?
    tap_check "run.sh $pat runs the unit test" \
        sh -c "[ $rc -eq 0 ] && grep -q '^unit_test_fake .*PASS' '$work/run.out'"
done
run x/t-one x/t-typo
tap_check "run.sh: a pattern that selects no test fails the run" test $? -ne 0

# run.sh's order: one long suite at a time beside the VM suite (never the
# drbd VM suite), the fast tests after it.
mkdir -p "$work/tests/vmcluster" "$work/tests/cluster" "$work/tests/drbdvm"
# timed PATH SECONDS: a suite that notes its start and end in $work/order.
timed() {
    printf '#!/bin/sh
. "$HACON_TOP/tests/tap.sh"
echo "start %s $(date +%%s%%N)" >> "%s/order"
sleep %s
echo "end %s $(date +%%s%%N)" >> "%s/order"
tap_ok ran
tap_done
' \
        "$1" "$work" "$2" "$1" "$work" > "$work/tests/$1.sh"
    chmod +x "$work/tests/$1.sh"
}
timed vmcluster/t-sched-vm 4
timed cluster/t-sched-long1 1.5
timed cluster/t-sched-long2 1.5
timed drbdvm/t-sched-dv 0.2
timed x/t-sched-fast 0.2
at() { sed -n "s|^$1 $2 ||p" "$work/order"; }
: > "$work/order"
run t-sched-
tap_check "run.sh: the VM suite and the others ran" test $? -eq 0
vm_end=$(at end vmcluster/t-sched-vm)
tap_check "run.sh: a long suite runs beside the VM suite" \
    test "$(at start cluster/t-sched-long1)" -lt "$vm_end"
tap_check "run.sh: one long suite at a time beside it" \
    test "$(at start cluster/t-sched-long2)" -ge "$(at end cluster/t-sched-long1)"
tap_check "run.sh: the drbd VM suite waits for the VM suite's end" \
    test "$(at start drbdvm/t-sched-dv)" -ge "$vm_end"
tap_check "run.sh: the fast tests start once the VM suite has ended" \
    test "$(at start x/t-sched-fast)" -ge "$vm_end"
: > "$work/order"
HACON_TEST_BESIDE_VM=0 run t-sched-
tap_check "run.sh: HACON_TEST_BESIDE_VM=0: nothing beside the VM suite" \
    test "$(at start cluster/t-sched-long1)" -ge "$(at end vmcluster/t-sched-vm)"

# The VM suite's limit is its own (it fits its phases in it), the others
# keep theirs; each suite is told its limit in HACON_TEST_TIMEOUT.
for s in vmcluster/t-lim-vm cluster/t-lim-ns; do
    printf '#!/bin/sh\n. "$HACON_TOP/tests/tap.sh"\necho "%s $HACON_TEST_TIMEOUT" >> "%s/limits"\ntap_ok ran\ntap_done\n' \
        "$s" "$work" > "$work/tests/$s.sh"
    chmod +x "$work/tests/$s.sh"
done
limits() { : > "$work/limits"; env -u HACON_TEST_TIMEOUT -u HACON_TEST_TIMEOUT_VM "$@" \
    sh -c 'cd "$1" && env -u HACON_TOP tests/run.sh t-lim-' sh "$work" > "$work/run.out" 2>&1
    sort "$work/limits" | tr '\n' ' '; }
tap_check "run.sh: the VM suite's limit is 1,500 s, the others' 1,200 s" \
    test "$(limits)" = "cluster/t-lim-ns 1200 vmcluster/t-lim-vm 1500 "
tap_check "run.sh: HACON_TEST_TIMEOUT=900 is every suite's limit" \
    test "$(limits HACON_TEST_TIMEOUT=900)" = "cluster/t-lim-ns 900 vmcluster/t-lim-vm 900 "
tap_check "run.sh: HACON_TEST_TIMEOUT_VM=1400 is the VM suite's alone" \
    test "$(limits HACON_TEST_TIMEOUT_VM=1400)" = "cluster/t-lim-ns 1200 vmcluster/t-lim-vm 1400 "
tap_done
