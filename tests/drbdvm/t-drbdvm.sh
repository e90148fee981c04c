#!/bin/bash
# End to end, on real DRBD: two qemu VMs (software emulation) run the
# kernel's DRBD 8.4 module; hacon's DRBD reader (`hacon drbd --follow`,
# built statically as build/drbdvm/hacon-drbd from the same sources) runs
# inside both VMs and follows
#   1. the initial sync of r0 from 0 % to UpToDate/UpToDate,
#   2. a disconnect, writes, its events2 child killed (it must restart it),
#      a reconnect and the resync that follows,
#   3. /proc/drbd alone (drbdsetup failing): minor 1 named r0 by drbdadm,
# with the r0.res that hacon generates (hacon drbd --gen-res, 8.4 syntax),
# and the ETA it printed during the sync is compared with the time the
# sync really took.  Skips, saying why, without qemu or the kernel package
# (make deps installs them) or when the machine is too slow to boot a VM.
. "${HACON_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
. "$HACON_TOP/tests/drbdvm/vmlib.sh"

why=$(drbdvm_check)
[ -n "$why" ] && tap_skip_all "$why"
make -s -C "$HACON_TOP" build/hacon build/drbdvm/hacon-drbd > /dev/null 2>&1 \
    || { tap_fail "hacon and the static hacon drbd build"; tap_done; }
mkdir -p "$HACON_TOP/tests/drbdvm/state"
dir=$(mktemp -d "$HACON_TOP/tests/drbdvm/state/t.XXXXXX")

# The VMs run the r0.res that hacon generates for DRBD 8.4 (the setup
# wizard's file), with a fixed resync rate so that the sync lasts long
# enough to watch.
{ echo "global { usage-count no; }"
  "$HACON" drbd --gen-res r0 --drbd-version 8 --minor 1 --disk /dev/vda \
      --host alpha=10.99.0.1 --host beta=10.99.0.2 --resync-rate 4M \
      --verify-alg crc32c; } > "$dir/drbd.conf"
tap_check "hacon generates r0.res for DRBD 8.4" grep -q '^resource r0 {' "$dir/drbd.conf"
cleanup() {
    drbdvm_stop
    if [ "$_tap_failed" -eq 0 ] && [ -z "$DRBDVM_KEEP" ]; then
        rm -rf "$dir"
    else
        rm -f "$dir"/*.img "$dir/initrd.gz"; rm -rf "$dir/root"
        echo "# consoles kept in $dir"
    fi
}
trap cleanup EXIT

t_begin=$SECONDS
drbdvm_initrd "$dir" "$dir/drbd.conf" \
    "$HACON_TOP/build/drbdvm/hacon-drbd" || { tap_fail "initramfs built"; tap_done; }
t_boot=$SECONDS
if ! drbdvm_start "$dir"; then
    if grep -q -i 'panic\|oops' "$dir"/*.console 2> /dev/null; then
        tap_fail "VMs boot"; tail -20 "$dir"/alpha.console | sed 's/^/# /'
        tap_done
    fi
    # Under emulation a VM boots in 10-20 s on an idle 2-core machine;
    # when it takes longer the whole test would blow its time budget.
    tap_skip_all "machine too slow or too busy: the VMs were not ready within ${DRBDVM_BOOT_SECS:-90} s"
fi
echo "# VMs ready after $((SECONDS - t_boot)) s"

vm alpha 60 "drbdadm create-md --force r0 > /dev/null 2>&1 && drbdadm up r0"
tap_check "r0 up on alpha" [ $? = 0 ]
vm beta 60 "drbdadm create-md --force r0 > /dev/null 2>&1 && drbdadm up r0"
tap_check "r0 up on beta" [ $? = 0 ]
vm_wait alpha 60 "grep -q cs:Connected /proc/drbd" > /dev/null
tap_check "alpha and beta Connected" [ $? = 0 ]

# Starts a follower in NODE writing /tmp/NAME.log and /tmp/NAME.rc, and
# waits until it has printed the state (its events2 dump is in).
follow() {
    local node=$1 name=$2
    vm "$node" 10 "(hacon-drbd --follow --until-synced --timeout 150 > /tmp/$name.log 2> /tmp/$name.err; echo \$? > /tmp/$name.rc) &"
    vm_wait "$node" 30 "grep -q '^r0/0 ' /tmp/$name.log" > /dev/null
}
fetch() { vm "$1" 20 "cat /tmp/$2.log" > "$dir/$1.$2.log"; }

# Reads a follower's log: times are "@ seconds" lines, states the lines
# after.  Prints "start end" of the sync (first line in sync to first line
# in sync no more) and, per sample with 20..80 % done, "t done eta".
sync_summary() {
    awk -v want="$2" '
        /^@ / { t = $2; next }
        /^r0\/0 / {
            insync = ($0 ~ (" " want " "))
            if (insync && start == "") start = t
            if (!insync && start != "" && end == "" && $0 ~ /Established/ \
                && $0 ~ /UpToDate\/UpToDate/) end = t
            if (insync && match($0, /done=[0-9.]+/)) {
                d = substr($0, RSTART + 5, RLENGTH - 5) + 0
                if (match($0, /eta=[0-9]+:[0-9]+:[0-9]+/)) {
                    split(substr($0, RSTART + 4, RLENGTH - 4), h, ":")
                    e = h[1] * 3600 + h[2] * 60 + h[3]
                    if (d >= 20 && d <= 80) samples = samples t " " d " " e "\n"
                }
                if (first == "") first = d
            }
        }
        END {
            print (start == "" ? "-" : start), (end == "" ? "-" : end), \
                (first == "" ? "-" : first)
            printf "%s", samples
        }' "$1"
}

# ETA within reason: the estimates made between 20 % and 80 % put the end,
# in the median, within max(MIN s, FRAC of the sync's duration) of the
# real end, and none is off by more than twice that.  The VMs share two
# emulated CPUs with whatever else runs, so the real speed wanders; the
# bound is loose enough for that and tight enough to catch a wrong speed
# (a factor of two) or a stale one.
check_eta() {
    local log=$1 want=$2 min=$3 frac=$4 label=$5 head start end first res
    local n med worst lim
    head=$(sync_summary "$log" "$want" | head -1)
    read -r start end first <<< "$head"
    if [ "$start" = - ] || [ "$end" = - ]; then
        tap_fail "$label: sync seen from start to end"; return
    fi
    tap_ok "$label: sync seen from start to end"
    echo "# $label: in sync from ${start}s to ${end}s: $(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }') s"
    res=$(sync_summary "$log" "$want" | tail -n +2 | awk -v end="$end" \
        -v start="$start" -v min="$min" -v frac="$frac" '
        { err = $1 + $3 - end; if (err < 0) err = -err
          printf "# at %.1fs %s%% done: ETA %ss, real %.1fs, off by %.1fs\n", \
              $1, $2, $3, end - $1, err
          e[n++] = err; if (err > worst) worst = err }
        END { lim = (end - start) * frac; if (lim < min) lim = min
              # median by insertion sort: a handful of values
              for (i = 1; i < n; i++) { v = e[i]
                  for (j = i - 1; j >= 0 && e[j] > v; j--) e[j + 1] = e[j]
                  e[j + 1] = v }
              med = n ? (n % 2 ? e[int(n / 2)] : (e[n / 2 - 1] + e[n / 2]) / 2) : 0
              printf "%d %.1f %.1f %.1f\n", n, med, worst, lim }')
    echo "$res" | grep '^#'
    read -r n med worst lim <<< "$(echo "$res" | grep -v '^#')"
    if [ "${n:-0}" -eq 0 ]; then
        tap_skip "$label: no sample between 20 and 80 % (sync too fast to judge)"
    else
        tap_check "$label: ETA off by ${med}s in the median (limit ${lim}s), ${worst}s at worst (limit twice that), $n estimates" \
            awk -v m="$med" -v w="$worst" -v l="$lim" \
                'BEGIN { exit !(m <= l && w <= 2 * l) }'
    fi
}

# 1. The initial sync, followed on both nodes.
follow alpha init; tap_check "follower started on alpha" [ $? = 0 ]
follow beta init; tap_check "follower started on beta" [ $? = 0 ]
vm alpha 20 "drbdadm primary --force r0"
tap_check "alpha promoted (primary --force)" [ $? = 0 ]
vm_wait alpha 150 "test -s /tmp/init.rc" > /dev/null
vm_wait beta 30 "test -s /tmp/init.rc" > /dev/null
tap_check "follower on alpha ended with UpToDate/UpToDate" \
    [ "$(vm alpha 10 'cat /tmp/init.rc')" = 0 ]
tap_check "follower on beta ended with UpToDate/UpToDate" \
    [ "$(vm beta 10 'cat /tmp/init.rc')" = 0 ]
fetch alpha init; fetch beta init
read -r _ _ first <<< "$(sync_summary "$dir/alpha.init.log" SyncSource | head -1)"
tap_check "the initial sync was seen from near 0 % (first ${first}%)" \
    awk -v f="$first" 'BEGIN { exit !(f != "-" && f <= 25) }'
tap_check "last state on alpha: Primary/Secondary UpToDate/UpToDate" \
    grep -q '^r0/0 Primary/Secondary UpToDate/UpToDate Connected Established' \
    <<< "$(tail -1 "$dir/alpha.init.log")"
check_eta "$dir/alpha.init.log" SyncSource 4 0.3 "initial sync on alpha"
check_eta "$dir/beta.init.log" SyncTarget 4 0.3 "initial sync on beta"

out=$(vm alpha 20 "hacon-drbd")
tap_check "hacon drbd once: r0 Primary, peer UpToDate" \
    grep -q 'peer disk UpToDate' <<< "$out"
grep -q 'resource r0: role Primary' <<< "$out" || tap_fail "hacon drbd once names r0"

# 2. Disconnect, 16 MiB written, reconnect: a resync of what changed.
vm alpha 20 "drbdadm disconnect r0"
vm_wait beta 30 "grep -q cs:WFConnection /proc/drbd" > /dev/null
tap_check "disconnected: beta waits for the connection" [ $? = 0 ]
vm alpha 60 "dd if=/dev/urandom of=/dev/drbd1 bs=1M count=16 oflag=direct 2> /dev/null"
follow alpha re; tap_check "follower started on alpha (StandAlone)" [ $? = 0 ]
# Its events2 child dies: the follower must start another and go on.
vm alpha 10 "kill \$(pidof drbdsetup drbdsetup-84)"
vm_wait alpha 30 "grep -q '^! drbdsetup events2 ended' /tmp/re.log && test \$(grep -c '^r0/0 .* StandAlone' /tmp/re.log) -ge 2" > /dev/null
tap_check "follower restarted drbdsetup events2 after it was killed" [ $? = 0 ]
vm alpha 20 "drbdadm connect r0"
vm_wait alpha 120 "test -s /tmp/re.rc" > /dev/null
tap_check "follower saw the resync end with UpToDate/UpToDate" \
    [ "$(vm alpha 10 'cat /tmp/re.rc')" = 0 ]
fetch alpha re
tap_check "the follower saw StandAlone before the resync" \
    grep -q ' StandAlone Off ' "$dir/alpha.re.log"
check_eta "$dir/alpha.re.log" SyncSource 3 0.5 "resync on alpha"

# 3. /proc/drbd alone, as with a drbdsetup without events2 (drbd8-utils):
# the follower shows minor 1 by number, names it with the real `drbdadm
# dump all` in the background, and goes on.
vm alpha 30 "hacon-drbd --follow --timeout 5 --drbdsetup /bin/false > /tmp/names.log 2> /dev/null; true" > /dev/null
fetch alpha names
tap_check "/proc/drbd alone: minor 1 shown first, then named r0 by the real drbdadm" \
    sh -c "grep -n '^minor1/0 ' '$dir/alpha.names.log' | head -1 | cut -d: -f1 > '$dir/n1' &&
           grep -n '^r0/0 Primary/Secondary UpToDate/UpToDate' '$dir/alpha.names.log' | head -1 | cut -d: -f1 > '$dir/n2' &&
           [ -s '$dir/n1' ] && [ -s '$dir/n2' ] && [ \$(cat '$dir/n1') -lt \$(cat '$dir/n2') ]"

drbdvm_poweroff
echo "# whole test: $((SECONDS - t_begin)) s"
tap_done
