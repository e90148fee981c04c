#!/bin/bash
# Runs every test of `make check` and prints one closing line:
#   N passed, N failed, N skipped
#
# A test is a cmocka binary in build/tests/ or an executable tests/*/t-*.sh.
# Each prints TAP ("ok N - name", "not ok N - name", "ok N # SKIP reason").
# A test that prints no TAP line counts by its exit status: 77 skipped
# (tap_skip_all, with its reason), anything else failed: a suite that ran
# no test proves nothing.  A test that prints TAP and then exits non-zero
# (a crash, a timeout) counts one failure more.
#
# Arguments, when given, are substrings: only tests whose path or name
# (unit_test_leases, unit/test_leases, wizard_t-e2e) holds one run.  A run in which no test ran fails, as does a pattern that selects
# none (a misspelt suite name must not pass).
# Logs go to tests/log/<name>.log; a failing test's log tail is printed.
#
# The VM cluster suite (three emulated VMs: the longest, bound by the
# CPU) starts first, with one long suite at a time beside it
# (HACON_TEST_BESIDE_VM).  Once it has ended, the fast tests run one after
# the other while the long suites (a test cluster or VMs each, mostly
# waiting on the cluster's own timers; the file steps with their ssh
# peer; the screen, Kea and DRBD-name suites that take 20 s or more; the
# oracles on the corpus and crmsh, the fuzz replay, the incremental
# model's proof: long and busy, they would make the fast tests' chain the
# longest) run beside them, HACON_TEST_JOBS at a time (default 3; 1 runs
# everything one by one), the longest first; each uses names of its own,
# so they do not meet.

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
log=tests/log
mkdir -p "$log"
export HACON_TOP="$top" HACON="$top/build/hacon" LC_ALL=C TZ=UTC
# The tests are of the system's tools (Debian's packages): they come first,
# before whatever a login put in front of them (a python3 that is a
# version manager's shell shim costs 0.4 s a call where Debian's takes
# 0.04 s).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH
export CMOCKA_MESSAGE_OUTPUT=TAP
# Per-test wall-clock limit, generous: a hung test must not hang CI.
# The VM cluster suite has its own (HACON_TEST_TIMEOUT_VM, default 1,500 s,
# or HACON_TEST_TIMEOUT when that is given), in which it fits its phases:
# one that cannot end in the time left is skipped, saying so, rather than
# the suite killed (with its fencing phase, sbd included, ~1,180 s alone;
# ~15 % more beside a long suite).
vm_limit=${HACON_TEST_TIMEOUT_VM:-${HACON_TEST_TIMEOUT:-1500}}
limit=${HACON_TEST_TIMEOUT:-1200}
jobs=${HACON_TEST_JOBS:-3}
# A suite with a budget of its own keeps it under this limit.
export HACON_TEST_TIMEOUT=$limit

t_start=$(date +%s)
res=$(mktemp -d "${TMPDIR:-/tmp}/hacon-run.XXXXXX") || exit 2
trap 'rm -rf "$res"' EXIT
trap 'exit 130' INT TERM

name_of() {
    echo "$1" | sed 's|^build/tests/|unit/|; s|^tests/||; s|/|_|g; s|\.sh$||'
}

# The names a pattern is matched against: the path, the suite's name in
# the logs (unit_test_leases, wizard_t-e2e) and, for a unit test, its
# source (tests/unit/test_leases.c).
names_of() {
    printf '%s %s %s\n' "$1" "$(name_of "$1")" \
        "$(echo "$1" | sed 's|^build/tests/\(.*\)|tests/unit/\1.c|')"
}

selected() {
    [ $# -eq 1 ] && return 0
    t=$1; shift
    n=$(names_of "$t")
    for pat in "$@"; do
        case $n in *"$pat"*) return 0 ;; esac
    done
    return 1
}

# run_one TEST: runs it, counts its TAP, prints its line (and the failing
# test's log tail) and leaves "passed failed skipped" in $res/NAME.
run_one() {
    t=$1
    name=$(name_of "$t")
    out="$log/$name.log"
    s0=$(date +%s)
    lim=$limit
    case $t in tests/vmcluster/*) lim=$vm_limit ;; esac
    HACON_TEST_TIMEOUT=$lim timeout -k 10 "$lim" "$t" > "$out" 2>&1 < /dev/null
    rc=$?
    s1=$(date +%s)
    # cmocka writes a skipped test as "not ok N # SKIP name": a skip.
    p=$(grep -cE '^ok [0-9]+' "$out")
    k=$(grep -cE '^ok [0-9]+.*# *(SKIP|skip)' "$out")
    ks=$(grep -cE '^not ok [0-9]+.*# *(SKIP|skip)' "$out")
    f=$(grep -cE '^not ok [0-9]+' "$out")
    p=$((p - k)) f=$((f - ks)) k=$((k + ks))
    if [ $((p + k + f)) -eq 0 ]; then
        case $rc in
            77) k=1 ;;
            0) echo "not ok - $t ran no test" >> "$out"; f=1 ;;
            *) f=1 ;;
        esac
    elif [ $rc -ne 0 ] && [ $rc -ne 77 ] && [ "$f" -eq 0 ]; then
        echo "not ok - $t exited with status $rc" >> "$out"
        f=1
    fi
    status=PASS
    [ "$k" -gt 0 ] && status="PASS ($k skipped)"
    [ "$p" -eq 0 ] && [ "$k" -gt 0 ] && status=SKIP
    [ "$f" -gt 0 ] && status=FAIL
    [ $rc -eq 124 ] && status="FAIL (timed out after ${lim}s)"
    {
        printf '%-40s %3d passed %3d failed %3d skipped  %4ss  %s\n' \
            "$name" "$p" "$f" "$k" "$((s1 - s0))" "$status"
        if [ "$f" -gt 0 ]; then
            grep -E '^not ok' "$out" | grep -vE '# *(SKIP|skip)' | head -20 |
                sed 's/^/    /'
            tail -n 25 "$out" | sed 's/^/    | /'
        fi
        if [ "$k" -gt 0 ] && [ "$p" -eq 0 ]; then
            grep -E '# *(SKIP|skip)' "$out" | head -3 | sed 's/^/    /'
        fi
    } > "$res/$name.line"
    echo "$p $f $k" > "$res/$name"
    cat "$res/$name.line"
}

slow='^tests/(cluster|failover|vmcluster|drbdvm)/|^tests/deb/t-deb|^tests/wizard/t-(e2e|console|file-steps|newcomer|kea-migrate|drbd-hand)|^tests/screen/t-(live|leases-soak|setup-screen)|^tests/leases/t-kea\.sh$|^tests/drbd/t-drbd-names|^tests/oracle/t-corpus|^tests/fuzz/t-replay|^tests/crmsh/t-oracle|^build/tests/test_status_update$'
# The long suites, started longest first (their seconds in brackets: in
# the last full run of make check, less what a later change of the suite
# saved, as measured running it alone at load 2-7).  Beside the VM suite
# they run one at a time, the longest first, so that the shortest are
# left for the end, where they share the jobs with the fast tests' chain;
# the rest (under 10 s) follow in the order of the directories.  t-deb (a
# build) and t-leases-soak (a 61 MB file read 24 times), bound by the CPU
# as the VMs are, come after the suites of namespace clusters, which
# mostly wait (about 950 s of them, the VM suite's time), so that they
# start about when the VM suite ends.  The fast tests' chain
# starts only after the VM suite: a suite of it that takes 20 s or more
# is a long one here (the chain would end the run alone).
longest="tests/failover/t-failover.sh (120) tests/cluster/t-qdevice.sh (119)
    tests/cluster/t-fence-view.sh (115)
    tests/failover/t-failover-fenced.sh (71) tests/wizard/t-e2e-kea.sh (59)
    tests/cluster/t-cluster.sh (58) tests/cluster/t-console.sh (57)
    tests/cluster/t-fence.sh (56)
    tests/drbdvm/t-drbdvm.sh (54) tests/failover/t-failover-screen.sh (50)
    tests/failover/t-failover-hup.sh (50) tests/wizard/t-e2e.sh (50)
    tests/wizard/t-console.sh (47) tests/cluster/t-ssh-share.sh (41)
    tests/wizard/t-drbd-hand.sh (37) tests/wizard/t-newcomer.sh (34)
    tests/leases/t-kea.sh (30) tests/wizard/t-kea-migrate.sh (27)
    tests/deb/t-deb.sh (61) tests/screen/t-leases-soak.sh (50)
    tests/screen/t-setup-screen.sh (30) tests/fuzz/t-replay.sh (28)
    tests/wizard/t-file-steps.sh (25) tests/drbd/t-drbd-names.sh (25)
    tests/oracle/t-corpus.sh (22) tests/cluster/t-demo-kea.sh (21)
    build/tests/test_status_update (15) tests/screen/t-live.sh (15)"
longest=$(echo "$longest" | tr -s ' \n' '\n\n' | grep -v '^(')

# The VM cluster suite, the fast tests (unit tests, then suites by
# directory), the long suites (the longest first).
vm_list="" fast_list="" slow_list=""
all=$( (ls tests/vmcluster/t-*.sh build/tests/test_*
        ls tests/*/t-*.sh | grep -v '^tests/vmcluster/') 2> /dev/null)
for t in $longest; do
    echo "$all" | grep -qxF "$t" && selected "$t" "$@" && slow_list="$slow_list $t"
done
for t in $all; do
    selected "$t" "$@" || continue
    case " $longest " in *[[:space:]]"$t"[[:space:]]*) continue ;; esac
    case $t in
        tests/vmcluster/*) vm_list="$vm_list $t" ;;
        *) if echo "$t" | grep -qE "$slow"; then slow_list="$slow_list $t"
           else fast_list="$fast_list $t"; fi ;;
    esac
done

# A pattern that selects no test is a mistake (tests/run.sh unit/test_x
# where the name is unit_test_x): say so, and fail, rather than pass on
# nothing.
unmatched=""
for pat in "$@"; do
    for t in $all; do
        selected "$t" "$pat" && continue 2
    done
    unmatched="$unmatched $pat"
done
if [ -n "$unmatched" ] || [ -z "$vm_list$fast_list$slow_list" ]; then
    echo "no test matches:${unmatched:- $*} (tests are tests/*/t-*.sh" \
         "and build/tests/test_*)" >&2
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
fi

if [ "$jobs" -le 1 ]; then
    for t in $vm_list $fast_list $slow_list; do
        run_one "$t"
    done
else
    # The VM suite leaves about a core idle (its two node VMs mostly take
    # turns): HACON_TEST_BESIDE_VM long suites (default 1; 0: none) run
    # beside it, never another VM suite.  Once it has ended, the fast
    # tests' chain starts and the long suites run HACON_TEST_JOBS at a time.
    beside=${HACON_TEST_BESIDE_VM:-1}
    vm_pid="" fast_pid=""
    if [ -n "$vm_list" ]; then
        ( for t in $vm_list; do run_one "$t"; done ) &
        vm_pid=$!
    fi
    vm_running() {
        [ -n "$vm_pid" ] && jobs -pr | grep -qx "$vm_pid"
    }
    start_fast() {
        ( for t in $fast_list; do run_one "$t"; done ) &
        fast_pid=$!
    }
    # Jobs running, the VM suite's and the fast tests' chains not counted.
    busy() { jobs -pr | grep -cvxE "${vm_pid:-x}|${fast_pid:-x}"; }
    pending=" $slow_list "
    while [ -n "${pending// /}" ]; do
        room=$beside
        if ! vm_running; then
            room=$jobs
            [ -n "$fast_pid" ] || start_fast
        fi
        next=""
        for t in $pending; do
            case $t in tests/drbdvm/*) vm_running && continue ;; esac
            next=$t
            break
        done
        if [ -z "$next" ] || [ "$(busy)" -ge "$room" ]; then
            wait -n
            continue
        fi
        pending=${pending/ $next / }
        run_one "$next" &
    done
    if [ -z "$fast_pid" ]; then
        [ -z "$vm_pid" ] || wait "$vm_pid"
        start_fast
    fi
    wait
fi

pass=0 fail=0 skip=0
for r in "$res"/*; do
    case $r in *.line) continue ;; esac
    [ -f "$r" ] || continue
    read -r p f k < "$r"
    pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + k))
done

echo "total time: $(( $(date +%s) - t_start ))s"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
