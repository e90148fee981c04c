#!/bin/bash
# The whole tutorial for real, in three qemu VMs (tests/vmcluster/vmc):
# from two bare nodes, `make demo VM=1 BARE=1`'s own start-up
# (demo.sh --bare) on them in tmux at 80x24, then hacon's guided setup
# from its console on alpha with keys only (the answers form, no answers
# file, no shell; keys and minutes printed), each step's effect checked
# in the VMs (corosync and
# pacemaker running, real DRBD r0 synced, ext4 on /dev/drbd1, dhcpd under
# ocf:hacon:dhcpd with its constraints, the move and its clearing); the
# client VM then gets a lease through the floating IP; the wizard again
# finds every step done and changes nothing; the cluster is stopped on
# both nodes and the wizard run again: the DRBD step must find r0's data
# and plan nothing that writes it.  Then fencing, as an admin makes the
# cluster safe: step fence with fence_ipmilan (each node's BMC) and its
# priority-fencing-delay (first sbd, with a failure injected after its
# restarts: the rollback must stop sbd on both nodes, and the service
# must not move through the restarts), step drbd again; and on
# the fenced cluster hacon failover-test cut and hang (the hung node
# reset by its fence, the resync after it on the survivor's console)
# with every assertion, leases and DRBD included.
#
# Each phase's time is printed.  Deadlines only, no timing assertion: the
# VMs run under software emulation, 20 times slower than hardware.
# The fencing phase (fence_ipmilan; cut and hang on the fenced cluster)
# runs by default; VMC_FENCING=0 leaves it out, and the failover
# scenarios then run on the unfenced cluster.  Its sbd sub-phase (four
# pacemaker restarts under maintenance-mode, ~130 s; they moved the
# service twice and took ~210 s before) is in the default.  VMC_FAILOVER:
# the scenarios on the cluster before the fenced ones (default "move
# standby crash" without fencing, none with it: the wizard's migrate step
# moves the service with real DRBD, t-failover runs move and standby in
# namespaces, cut and hang move it here on the fenced cluster; "move
# standby" runs them on the fenced cluster too); VMC_FENCED: those on the
# fenced cluster (default "cut hang").  VMC_FENCING_SUB: the fencing
# sub-phases (default "sbd agent": sbd on the shared disk with its
# injected failure and rollback, then fence_ipmilan; "agent" leaves sbd
# out; "sbd agent qdevice" adds diskless sbd
# with corosync-qnetd on the client VM, ~600 s, then VMC_QDEVICE_FENCED
# on it, default "cut").
# VMC_SKIP: phases to leave out ("client wizard console fencing",
# "qdevice-rollback": the qdevice sub-phase's injected failure), for
# working on one part.  VMC_POST_SECS: a fenced node's POST (45 s).
: "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$HACON_TOP/tests/tap.sh"

VMC=$HACON_TOP/tests/vmcluster/vmc
tap_need_root
why=$("$VMC" check 2>&1) || tap_skip_all "$why"
[ -x "$HACON" ] || tap_skip_all "no $HACON (run make)"

export VMC_DIR
VMC_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hc-vmc.XXXXXX")
LOG=$HACON_TOP/tests/log/vmcluster
mkdir -p "$LOG"
: > "$LOG/phases.tsv"
relays=""
cleanup() {
    local p
    # timeout(1) signals its whole process group, so a second TERM follows
    # the first: it must not cut the cleanup short (the VMs would stay).
    trap '' INT TERM
    [ -n "${watcher:-}" ] && kill "$watcher" 2> /dev/null
    # The sampler too: a loop left behind keeps the VM lock (its fd) held.
    [ -n "${smp:-}" ] && kill "$smp" 2> /dev/null
    tmux -L "hc-vmc-$$" kill-server 2> /dev/null
    tmux -L "hc-vmw-$$" kill-server 2> /dev/null
    for p in $relays; do kill -- "-$p" 2> /dev/null; wait "$p" 2> /dev/null; done
    # The nodes' own logs, to read what happened in them: Pacemaker's,
    # corosync's, syslog (DRBD's handlers log there) and the kernel's.
    # Both nodes at once (each VM its own CPU), compressed on the host.
    if [ -n "${vms_up:-}" ]; then
        for p in alpha beta; do
            { timeout -k 5 30 "$VMC" run "$p" 'dmesg > /var/log/vmc-dmesg.txt; cd / &&
                tar cf - var/log/pacemaker var/log/corosync var/log/messages* var/log/vmc-* var/log/sshd.log 2> /dev/null' \
                < /dev/null 2> /dev/null | gzip -1 > "$LOG/logs-$p.tar.gz"; } &
            tars="${tars:-} $!"
        done
        for p in $tars; do wait "$p"; done
    fi
    if ! VMC_KEEP_LOGS=$LOG "$VMC" down > "$LOG/down.log" 2>&1; then
        echo "# vmc down:"; sed 's/^/#   /' "$LOG/down.log"
    fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

T_ALL=$SECONDS
PHASES=""
phase() {
    PHASES="$PHASES$1: $((SECONDS - $2)) s; "; echo "# phase $1: $((SECONDS - $2)) s"
    # Each phase's span (epoch seconds), for tests/vmcluster/acct-report.
    printf '%s\t%s\t%s\n' "$1" "$(( $(date +%s) - SECONDS + $2 ))" "$(date +%s)" >> "$LOG/phases.tsv"
}
# run NODE SECS CMD: in NODE over ssh, with a deadline.  In the
# background, waited for: a TERM (tests/run.sh's limit) then ends the
# suite at once, through the trap that powers the VMs off.
run() {
    local n=$1 s=$2 left=$((SUITE_END - SECONDS)); shift 2
    [ "$s" -gt "$left" ] && s=$((left > 10 ? left : 10))
    timeout -k 5 "$s" "$VMC" run "$n" "$*" 0<&0 &
    wait $!
}
# The suite's own deadline, a minute under tests/run.sh's limit for it
# (HACON_TEST_TIMEOUT; run.sh gives this suite 1,500 s, as it has when
# run on its own): a phase that cannot end in the time left is skipped, saying so
# (a skip, never a silent pass), rather than killed with the VMs running.
SUITE_END=$((SECONDS + ${VMC_SUITE_SECS:-$(( ${HACON_TEST_TIMEOUT:-1500} - 60 ))}))
have_time() {   # SECS PHASE
    case " ${VMC_SKIP:-} " in *" ${2%% *} "*) tap_skip "$2: VMC_SKIP"; return 1 ;; esac
    [ $((SUITE_END - SECONDS)) -ge "$1" ] && return 0
    tap_skip "$2: machine too slow or too busy, $((SUITE_END - SECONDS)) s left of the suite's time (VMC_SUITE_SECS)"
    return 1
}
bail() { tap_fail "$1"; [ -n "$2" ] && sed 's/^/#   /' "$2" | tail -n 40; tap_done; }

t=$SECONDS
# A file the suite holds open, as flock(1) holds the VM lock: none of the
# processes vmc leaves running may hold it too.
exec {held}> "$LOG/held-by-suite"
VMC_OWNER=$$ "$VMC" up > "$LOG/up.log" 2>&1 &
if wait $!; then
    tap_ok "three VMs up and answering ssh (alpha, beta, client)"
    vms_up=yes
    out=$(for f in "$VMC_DIR"/*.pid $(pgrep -f "$VMC_DIR/ssh_config" | sed 's/$/.ssh/'); do
              p=$(cat "$f" 2> /dev/null || echo "${f%.ssh}")
              for l in /proc/$p/fd/*; do
                  [ "$(readlink "$l")" = "$LOG/held-by-suite" ] && echo "${f##*/} (pid $p)" && break
              done
          done)
    tap_check "vmc's VMs, switches, BMCs and ssh connections hold none of the suite's open files (a lock)" \
        [ -z "$out" ]
    [ -n "$out" ] && echo "$out" | sed 's/^/#   held by: /'
else
    if grep -q "not ready\|no VMC-READY\|did not answer" "$LOG/up.log"; then
        sed 's/^/# /' "$LOG/up.log" | tail -n 10
        tap_skip_all "machine too slow or too busy: a VM did not boot within ${VMC_BOOT_SECS:-300} s"
    fi
    bail "vmc up" "$LOG/up.log"
fi
exec {held}>&-
phase "VMs up" $t
# VMC_ACCT=1: the nodes' process accounting (acct(2), every process that
# ends: its command, CPU and wall time) in /var/log/vmc-pacct, kept with
# the nodes' logs; tests/vmcluster/acct-report sums it per phase.
if [ "${VMC_ACCT:-0}" = 1 ]; then
    for n in alpha beta; do
        run "$n" 30 ': > /var/log/vmc-pacct && python3 -c "import ctypes, sys; sys.exit(ctypes.CDLL(None).acct(b\"/var/log/vmc-pacct\"))"' \
            || echo "# $n: no process accounting"
    done
fi

# Bare nodes; hacon's package built here installed on alpha (dpkg -i), as
# the admin installs it on the first node; beta has no hacon yet.
version=$(awk 'NR == 1 { gsub(/[()]/, "", $2); print $2; exit }' "$HACON_TOP/debian/changelog")
deb=$HACON_TOP/hacon_${version}_$(dpkg --print-architecture).deb
pkg_state='dpkg-query -W -f="\${db:Status-Abbrev}\${Version}\n" hacon 2>/dev/null; hacon --version; dpkg -V hacon && echo verified; ls /usr/lib/ocf/resource.d/hacon/dhcpd /usr/share/man/man1/hacon.1.gz'
out=$(run alpha 60 "$pkg_state")
tap_check "alpha has hacon $version from its package (dpkg -i): files as packaged, agent, man page" \
    bash -c 'grep -qx "ii $1" <<< "$0" && grep -qx "hacon $1" <<< "$0" &&
           grep -qx verified <<< "$0" && grep -q /usr/share/man/man1/hacon.1.gz <<< "$0"' "$out" "$version"
[ -f "$deb" ] && dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/bin/hacon | sha256sum > "$LOG/deb-hacon.sum"
tap_check "alpha's hacon is the package built here" \
    [ "$(run alpha 30 'sha256sum < /usr/bin/hacon')" = "$(cat "$LOG/deb-hacon.sum" 2> /dev/null)" ]
tap_check "beta has no hacon yet (no package, no program, no agent)" \
    [ -z "$(run beta 30 'dpkg-query -W hacon 2>/dev/null; command -v hacon; ls /usr/lib/ocf/resource.d/hacon 2>/dev/null')" ]
bare=$(run alpha 60 'ls /etc/corosync/corosync.conf /var/lib/pacemaker/cib/cib.xml /etc/drbd.d/r0.res 2>/dev/null; pidof corosync pacemakerd'; run beta 60 'ls /etc/corosync/corosync.conf 2>/dev/null; pidof corosync pacemakerd')
tap_check "alpha and beta are bare: no configuration, corosync and pacemaker stopped" \
    [ -z "$bare" ]


# apply STEP: the wizard's step on alpha; output in the log.
apply() {
    local s=$1 t0=$SECONDS
    run alpha 900 "hacon setup apply $s --answers /root/answers --yes" \
        > "$LOG/step-$s.log" 2>&1
    local rc=$?
    if [ $rc = 0 ]; then
        tap_ok "setup step $s applied ($((SECONDS - t0)) s)"
    else
        tap_fail "setup step $s (exit $rc)"
        grep -E '^\s+\.\.\.|FAILED|failed' "$LOG/step-$s.log" | tail -n 25 | sed 's/^/#   /'
    fi
    return $rc
}
# both SECS CMD: in alpha and beta at once (each VM its own CPU); their
# output alpha's first; true when it succeeded in both.
both() {
    local s=$1 f a ra rb; shift
    f=$(mktemp "${TMPDIR:-/tmp}/hc-vmc-both.XXXXXX")
    run alpha "$s" "$@" > "$f" &
    a=$!
    run beta "$s" "$@" > "$f.b"
    rb=$?
    wait "$a"
    ra=$?
    cat "$f" "$f.b"
    rm -f "$f" "$f.b"
    [ "$ra" = 0 ] && [ "$rb" = 0 ]
}

# The guided setup as the admin of `make demo VM=1 BARE=1` does it: the
# demo's own script (tests/vmcluster/demo.sh --bare) runs in a tmux pane
# of 80x24 on the VMs booted above (it finds them running and boots
# nothing), and opens hacon's console on alpha over ssh.  From there on
# only keys: w opens the guided setup, e its answers form, where the
# answers these VMs need are typed (the nodes' names, the DRBD backing
# disk the VMs have, /dev/vda, and the deadlines of machines under
# emulation); no answers file is prepared, no file edited, no shell.
# Every step is planned, applied and followed on the screen, and after
# each one its effect is checked in the VMs.  The keys and the minutes
# are counted and printed.
WSOCK=hc-vmw-$$
W() { tmux -L "$WSOCK" "$@"; }
wscreen() { W capture-pane -p -t demo 2> /dev/null; }
KEYS=0
key() { W send-keys -t demo "$@"; KEYS=$((KEYS + $#)); }
type_text() { W send-keys -t demo -l "$1"; KEYS=$((KEYS + ${#1})); }
# see REGEX SECS [LOG]: until a line of the screen matches REGEX (grep
# -E); with LOG, every screen read is added to it (a step's progress).
see() {
    local end=$((SECONDS + $2))
    while :; do
        wscreen > "$LOG/wscreen.txt"
        [ -n "${3:-}" ] && cat "$LOG/wscreen.txt" >> "$3"
        grep -qE -- "$1" "$LOG/wscreen.txt" && return 0
        [ $SECONDS -ge $end ] && break
        sleep 0.25
    done
    echo "# timed out waiting for '$1'; the screen:"
    sed 's/^/#   | /' "$LOG/wscreen.txt"
    return 1
}
# gone REGEX SECS: until no line of the screen matches REGEX.
gone() {
    local end=$((SECONDS + $2))
    while :; do
        wscreen > "$LOG/wscreen.txt"
        grep -qE -- "$1" "$LOG/wscreen.txt" || return 0
        [ $SECONDS -ge $end ] && break
        sleep 0.25
    done
    echo "# timed out waiting for '$1' to go; the screen:"
    sed 's/^/#   | /' "$LOG/wscreen.txt"
    return 1
}
# flat: the screen on one line, the wrapping undone, for phrases.
flat() { sed 's/^ *//' "$@" | tr '\n' ' ' | tr -s ' '; }
# The setup list on the screen, checked (no "checking" in it).
list_ready() { see "^1 preflight" 300 && gone "checking" 900; }
# sel_line: the selected (reverse-video) line, without its attributes.
sel_line() {
    W capture-pane -e -p -t demo | grep -E $'\e\\[([0-9;]*;)?7[;m]' \
        | sed 's/\x1b\[[0-9;]*m//g'
}
# selected REGEX: within 5 s, the selected line matches REGEX.
selected() {
    local end=$((SECONDS + 5))
    until sel_line | grep -qE -- "$1"; do
        [ $SECONDS -ge $end ] && return 1
        sleep 0.2
    done
}
# The answers form: FPOS is the selected answer's index in the order of
# `hacon setup answers`; answer KEY VALUE goes there (g: the first answer,
# Space: 5 answers down, Down/Up: one), Enter, Ctrl-U, the value, Enter.
mapfile -t AKEYS < <("$HACON" setup answers 2> /dev/null | sed -nE 's/^([a-z][a-z0-9_]*)=.*/\1/p')
FPOS=0
answer() {
    local k=$1 v=$2 i=0
    while [ "$i" -lt "${#AKEYS[@]}" ] && [ "${AKEYS[$i]}" != "$k" ]; do i=$((i + 1)); done
    [ "$i" -lt "$FPOS" ] && [ "$i" -lt $((FPOS - i)) ] && { key g; FPOS=0; }
    while [ $((i - FPOS)) -ge 5 ]; do key Space; FPOS=$((FPOS + 5)); done
    while [ "$FPOS" -lt "$i" ]; do key Down; FPOS=$((FPOS + 1)); done
    while [ "$FPOS" -gt "$i" ]; do key Up; FPOS=$((FPOS - 1)); done
    selected "^$k +=" || { echo "# the form's selection is not $k: $(sel_line)"; return 1; }
    key Enter C-u
    type_text "$v"
    key Enter
    see "$k set: s saves the answers" 15 > /dev/null
}
# wstep STEP: Enter (its plan), a, y; its progress followed on the
# screen until its result (every screen kept in step-STEP.log); Enter
# back to the list, checked again (after the last step, migrate, the
# client asks for its lease at once: the admin has nothing left to apply).
wstep() {
    local s=$1 f left
    f=$LOG/step-$s.log
    : > "$f"
    key Enter
    see "Step $s:" 120 && gone "computing the plan" 900 || return 1
    wscreen > "$LOG/plan-$s.txt"
    key a
    see "Apply step $s\? y: yes" 30 || return 1
    key y
    left=$((SUITE_END - SECONDS))
    see "Applied and verified $s after|Step $s FAILED|Step $s: not done" \
        $((left > 60 ? left - 60 : 1)) "$f" || return 1
    # Each screen once, in order, for the checks and the log.
    awk '!seen[$0]++' "$f" > "$f.tmp" && mv "$f.tmp" "$f"
    grep -q "Applied and verified $s after" "$LOG/wscreen.txt" || return 1
    key Enter
    [ "$s" = migrate ] || list_ready
}
# on_list STEP STATE: the list shows STEP in STATE.
on_list() { grep -qE "^[0-9]+ $1 +$2" "$LOG/wscreen.txt"; }

# The effect of each step, checked in the VMs.
effect_preflight() {
    tap_check "preflight: the plan installs alpha's package on beta (dpkg -i)" \
        grep -q "beta: no hacon on its PATH.*hacon $version is installed there from this node" \
        <<< "$(flat "$LOG/plan-preflight.txt" "$LOG/step-preflight.log")"
    out=$(run beta 60 "$pkg_state; ls /var/tmp/hacon_* 2>/dev/null")
    tap_check "preflight: beta has hacon $version from the same package now (dpkg -V clean, copy removed)" \
        bash -c 'grep -qx "ii $1" <<< "$0" && grep -qx "hacon $1" <<< "$0" &&
               grep -qx verified <<< "$0" && ! grep -q /var/tmp/ <<< "$0"' "$out" "$version"
    tap_check "preflight: beta's hacon is the package built here" \
        [ "$(run beta 30 'sha256sum < /usr/bin/hacon')" = "$(cat "$LOG/deb-hacon.sum" 2> /dev/null)" ]
}
effect_cluster() {
    both 30 'test -s /etc/corosync/corosync.conf && test -s /etc/corosync/authkey'
    tap_check "cluster: corosync.conf and authkey on both nodes" [ $? = 0 ]
    a=$(run alpha 30 'md5sum < /etc/corosync/corosync.conf; md5sum < /etc/corosync/authkey')
    b=$(run beta 30 'md5sum < /etc/corosync/corosync.conf; md5sum < /etc/corosync/authkey')
    tap_check "cluster: ... the same on beta (copied over ssh)" \
        sh -c '[ -n "$1" ] && [ "$1" = "$2" ]' - "$a" "$b"
    out=$(run alpha 60 'crm_mon -1 2>&1; pidof corosync pacemakerd')
    tap_check "cluster: corosync and pacemaker running (no systemd), both nodes Online" \
        grep -q "Online: \[ alpha beta \]" <<< "$out"
}
effect_stonith() {
    tap_check "stonith: stonith-enabled=false in the CIB" \
        test "$(run alpha 30 'crm_attribute -G -n stonith-enabled -q 2>/dev/null')" = false
}
effect_quorum() {
    out=$(run alpha 30 'corosync-quorumtool -s 2>&1; crm_attribute -G -n no-quorum-policy -q 2>&1')
    tap_check "quorum: two_node (corosync votequorum 2Node, quorate)" \
        grep -q "2Node" <<< "$out"
}
effect_drbd() {
    tap_check "drbd: the initial sync followed on the screen" \
        grep -qE 'initial sync: r0/0' "$LOG/step-drbd.log"
    grep 'initial sync:' "$LOG/step-drbd.log" | head -n 8 | sed 's/^/#   /'
    both 30 'grep -q "^resource r0" /etc/drbd.d/r0.res && drbdadm dump r0 >/dev/null'
    tap_check "drbd: r0.res on both nodes, accepted by drbdadm (8.4)" [ $? = 0 ]
    both 30 'grep -q "disk */dev/vda;" /etc/drbd.d/r0.res'
    tap_check "drbd: r0 on the disk chosen in the form (/dev/vda)" [ $? = 0 ]
    out=$(run alpha 30 'cat /proc/drbd; blkid -o value -s TYPE /dev/drbd1; test -d /data && echo has-data')
    tap_check "drbd: r0 Connected, Primary/Secondary, UpToDate/UpToDate" \
        grep -q "cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate" <<< "$out"
    tap_check "drbd: ext4 on /dev/drbd1, /data on alpha" \
        grep -qx ext4 <<< "$out"
    tap_check "drbd: /data on beta" run beta 30 'test -d /data'
    drbd_by_hand
}
effect_dhcp() {
    both 30 'grep -q "lease-file-name \"/data/dhcp/dhcpd.leases\"" /etc/dhcp/dhcpd.conf && dhcpd -t -cf /etc/dhcp/dhcpd.conf -q'
    tap_check "dhcp: dhcpd.conf on both nodes, leases on /data, dhcpd -t clean" [ $? = 0 ]
    out=$(run alpha 60 'mount /dev/drbd1 /mnt && ls -l /mnt/dhcp; umount /mnt')
    tap_check "dhcp: the lease file on the DRBD filesystem" grep -q dhcpd.leases <<< "$out"
}
effect_resources() {
    out=$(run alpha 60 'crm_mon -1 2>&1; cibadmin -Q --scope configuration')
    echo "$out" > "$LOG/after-resources.txt"
    tap_check "resources: dhcp under ocf:hacon:dhcpd" \
        grep -q 'class="ocf" id="dhcp" provider="hacon" type="dhcpd"\|id="dhcp" class="ocf" provider="hacon" type="dhcpd"' <<< "$out"
    tap_check "resources: colocation and order with the promoted DRBD" \
        test "$(grep -c '<rsc_colocation\|<rsc_order' <<< "$out")" -ge 2
    active=$(sed -n 's/.*\* dhcp\s.*Started \([a-z]*\).*/\1/p' <<< "$out" | head -1)
    tap_check "resources: dhcp Started (on ${active:-no node})" [ -n "$active" ]
}
effect_migrate() {
    out=$(run alpha 60 'crm_mon -1 2>&1; cibadmin -Q --scope constraints')
    moved=$(sed -n 's/.*\* dhcp\s.*Started \([a-z]*\).*/\1/p' <<< "$out" | head -1)
    tap_check "migrate: dhcp moved ($active -> ${moved:-nowhere})" \
        sh -c '[ -n "$1" ] && [ "$1" != "$2" ]' - "$moved" "$active"
    tap_check "migrate: the move constraint cleared" \
        test "$(grep -c 'cli-prefer\|cli-ban' <<< "$out")" = 0
    active=$moved
}

# The tutorial's test by hand, before Pacemaker takes r0 over: hacon
# switches r0 to beta and back, mounted on each, a file written on one
# node read on the other.  beta's kernel says it was Primary.  Then r0
# down on beta: the step brings it up there and runs nothing else.
# (The harness's own runs, headless, between two steps of the console,
# with the answers the form saved.)
drbd_by_hand() {
local t=$SECONDS
run alpha 300 "hacon setup test drbd --answers /root/answers --yes" \
    > "$LOG/drbd-test.log" 2>&1
rc=$?
tap_check "drbd test: passed (exit $rc)" grep -q '^DRBD test passed' "$LOG/drbd-test.log"
grep -E '^(alpha|beta):|FAILED' "$LOG/drbd-test.log" | sed 's/^/#   /'
tap_check "drbd test: beta read the file alpha wrote, alpha read beta's" \
    grep -q '^alpha: r0 promoted, /data mounted, the file written on the other node read back and removed' \
    "$LOG/drbd-test.log"
tap_check "drbd test: beta's kernel made r0 Primary there" \
    run beta 30 'dmesg | grep -q "role( Secondary -> Primary )"'
{ run alpha 60 'cat /proc/drbd; echo mounts=$(grep -c /dev/drbd1 /proc/mounts); mount /dev/drbd1 /mnt && ls -a /mnt; umount /mnt'
  run beta 30 'echo mounts=$(grep -c /dev/drbd1 /proc/mounts)'; } > "$LOG/drbd-test-after.txt" 2>&1
f=$LOG/drbd-test-after.txt
tap_check "drbd test: alpha Primary again" \
    grep -q "cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate" "$f"
tap_check "drbd test: nothing left mounted, the test file gone" \
    sh -c '[ "$(grep -cx mounts=0 "$1")" = 2 ] && grep -q lost+found "$1" && ! grep -q hacon-drbd-test "$1"' sh "$f"
phase "drbd test" $t

# Only a disk named with --overwrite gets create-md --force, and that
# plan (not applied) says what it would destroy.
t=$SECONDS
run beta 60 'drbdadm down r0'
run alpha 300 "hacon setup plan drbd --answers /root/answers --overwrite beta:/dev/vda" \
    > "$LOG/down-overwrite-plan.log" 2>&1
tap_check "r0 down on beta: --overwrite beta:/dev/vda plans create-md --force, warning what it destroys" \
    sh -c 'grep -q "WARNING: DESTROYS what beta:/dev/vda holds (16.0 MiB; signatures: .*ext4 at 0x438.*DRBD meta data, generation identifiers" "$1" &&
           [ "$(grep -c "drbdadm create-md --force r0" "$1")" -ge 1 ] && ! grep -q "primary --force r0" "$1"' sh "$LOG/down-overwrite-plan.log"
run alpha 300 "hacon setup apply drbd --answers /root/answers --yes" \
    > "$LOG/down-apply.log" 2>&1
tap_check "r0 down on beta: the step brings it up there (drbdadm up), nothing else" \
    sh -c 'grep -q "running \[beta\] drbdadm up r0" "$1" && grep -q "^Step drbd applied" "$1" &&
           [ "$(grep -c "^  \.\.\. running" "$1")" = 1 ]' sh "$LOG/down-apply.log"
grep -E '^  \.\.\. running|FAILED' "$LOG/down-apply.log" | sed 's/^/#   /'
out=$(run alpha 120 'drbdadm wait-connect r0; for i in $(seq 20); do grep -q "ds:UpToDate/UpToDate" /proc/drbd && break; sleep 0.5; done; cat /proc/drbd')
tap_check "r0 down on beta: Connected again, UpToDate/UpToDate" \
    grep -q "cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate" <<< "$out"
phase "r0 down on beta" $t
}

t_setup=$SECONDS
T_DEMO=$SECONDS
W new-session -d -s demo -x 80 -y 24 \
    "VMC_DIR='$VMC_DIR' '$HACON_TOP/tests/vmcluster/demo.sh' --bare; echo DEMO-EXITED \$?; exec sleep 900"
if see "w Setup" 300 > "$LOG/demo-open.txt"; then
    tap_ok "make demo VM=1 BARE=1's start-up on the running VMs: hacon open on alpha ($((SECONDS - T_DEMO)) s)"
else
    tap_fail "make demo VM=1 BARE=1's start-up: hacon did not open on alpha"
    sed 's/^/#   /' "$LOG/demo-open.txt"
fi
wscreen > "$LOG/demo-first.txt"
tap_check "the bare demo prepares no answers (no /root/answers, none in /var/lib/hacon)" \
    [ -z "$(run alpha 30 'ls /root/answers /var/lib/hacon/answers 2>/dev/null')" ]
key w
list_ready > "$LOG/list-wait.txt"
tap_check "w: the steps listed and checked" [ $? = 0 ] || sed 's/^/#   /' "$LOG/list-wait.txt"
wscreen > "$LOG/list0.txt"
echo "# at $((SECONDS - T_DEMO)) s: the steps listed and checked"

# The answers in the form.
key e
if see "Answers of the guided setup" 30 > "$LOG/form-wait.txt" &&
   gone "asking both nodes what they have" 600 >> "$LOG/form-wait.txt"; then
    wscreen > "$LOG/form0.txt"
    FPOS=$(sel_line | sed -nE 's/^([a-z][a-z0-9_]*) +=.*/\1/p')
    i=0
    while [ "$i" -lt "${#AKEYS[@]}" ] && [ "${AKEYS[$i]}" != "$FPOS" ]; do i=$((i + 1)); done
    FPOS=$i
    # The form opens on the answer that the first blocked step naming
    # one names.  Found on the nodes: which node this is and its peer
    # (alpha holds node1_ha, beta answers ssh at node2_ha), and the
    # deadlines of VMs under emulation; said on the screen.  Typed: the
    # DRBD backing disk the VMs have, and the tutorial's cluster name.
    echo "# the answers form opened on ${AKEYS[$FPOS]:-?}"
    ok=1
    for kv in drbd_disk=/dev/vda cluster_name=tutorial; do
        answer "${kv%%=*}" "${kv#*=}" || { ok=0; break; }
    done
    wscreen > "$LOG/form1.txt"
    tap_check "answers form: node1=alpha and node2=beta detected on the nodes, said on screen" \
        sh -c 'grep -qE "^node1 += alpha +detected" "$1" && grep -qE "^node2 += beta +detected" "$1" &&
               grep -qE "answers? detected on the nodes" "$2"' sh "$LOG/form1.txt" "$LOG/form0.txt"
    key s
    see "answers saved to" 30 > /dev/null || ok=0
else
    ok=0
    sed 's/^/#   /' "$LOG/form-wait.txt"
fi
saved=$(run alpha 30 'cat /var/lib/hacon/answers 2>&1')
echo "$saved" > "$LOG/answers-saved.txt"
tap_check "the saved answers say why: this node holds node1_ha, beta answered at node2_ha, a VM under emulation" \
    bash -c 'grep -q "^# detected: this node (uname -n) holds node1_ha=10.10.100.1" <<< "$1" &&
             grep -q "^# detected: uname -n over ssh at node2_ha=10.10.100.2 (beta in /etc/hosts)" <<< "$1" &&
             grep -q "^# detected: this node is a VM under software emulation (systemd-detect-virt: qemu" <<< "$1"' sh "$saved"
tap_check "answers set in the form and saved: the nodes, DRBD on /dev/vda, the deadlines" \
    bash -c '[ "$1" = 1 ] && for kv in cluster_name=tutorial node1=alpha node2=beta drbd_disk=/dev/vda \
                 slow_factor=4 op_timeout=120 timeout=300; do grep -qx "$kv" <<< "$2" || exit 1; done' \
    sh "$ok" "$saved"
echo "# at $((SECONDS - T_DEMO)) s: answers saved, $KEYS keys so far"
# The harness's own headless runs below use the answers the form saved.
run alpha 30 'cp /var/lib/hacon/answers /root/answers'
list_ready > /dev/null

for s in preflight cluster stonith quorum drbd dhcp resources migrate; do
    t=$SECONDS
    wscreen > "$LOG/wscreen.txt"
    if selected "^[0-9]+ $s "; then
        if wstep "$s"; then
            tap_ok "setup step $s applied from the console ($((SECONDS - t)) s$([ "$s" = migrate ] || echo ', the list checked again'))"
        else
            tap_fail "setup step $s applied from the console"
            grep -E '\.\.\.|FAILED|failed' "$LOG/step-$s.log" | tail -n 25 | sed 's/^/#   /'
            break
        fi
    elif on_list "$s" "done"; then
        echo "# $s: done already (the list), nothing to apply"
    else
        tap_fail "the list selects $s, the next step to apply (selected: $(sel_line))"
        break
    fi
    "effect_$s"
    phase "$s" $t
done
T_SETUP=$((SECONDS - T_DEMO))
phase "whole wizard" $t_setup

# The client: a lease through the floating IP.
t=$SECONDS
if have_time 60 "client lease"; then
out=$(run client 120 'HC_DHCP_EVENTS=/run/vmc/dhcp.events busybox udhcpc -i eth2 -n -q -t 10 -T 3 -s /run/vmc/udhcpc-script 2>&1; cat /run/vmc/dhcp.events')
echo "$out" > "$LOG/client.txt"
lease=$(sed -n 's/.* bound ip=\([0-9.]*\) serverid=10\.10\.101\.1 .*/\1/p' <<< "$out" | tail -1)
tap_check "client: a lease through 10.10.101.1 (${lease:-none})" [ -n "$lease" ]
tap_check "client: the lease is in /data/dhcp/dhcpd.leases on $active" \
    run "$active" 30 "grep -q 'lease $lease ' /data/dhcp/dhcpd.leases"
phase "client lease" $t
fi
T_LEASE=$((SECONDS - T_DEMO))
mins() { awk -v s="$1" 'BEGIN { printf "%.1f", s / 60 }'; }
echo "# console on the VMs: $KEYS keys from the demo's start-up to the service moved, $(mins "$T_SETUP") minutes; the client's lease at $(mins "$T_LEASE") minutes (before the demo's start-up: the VMs' boot and the package checks, $(mins $((T_DEMO - T_ALL))) minutes)"
# The console left as the admin leaves it: Esc out of the setup screen,
# q; the demo's script ends there (the VMs stay up).
for _ in 1 2 3; do
    wscreen | grep -q 'Esc Back' || break
    W send-keys -t demo Escape
    for _ in 1 2 3 4 5 6 7 8; do sleep 0.25; wscreen | grep -q 'Esc Back' || break; done
done
W send-keys -t demo q
tap_check "q leaves hacon; the demo's script ends (exit 0)" see "DEMO-EXITED 0" 60
W kill-server 2> /dev/null

# The wizard again: every step done, nothing changes.
t=$SECONDS
snap() {
    run alpha 60 'cibadmin -Q --scope configuration | grep -v "^<configuration"; md5sum /etc/corosync/corosync.conf /etc/corosync/authkey /etc/drbd.d/r0.res /etc/dhcp/dhcpd.conf'
    run beta 60 'md5sum /etc/corosync/corosync.conf /etc/corosync/authkey /etc/drbd.d/r0.res /etc/dhcp/dhcpd.conf'
}
if have_time 240 "wizard again"; then
snap > "$LOG/snap-before.txt"
changed="" notdone=""
# The eight runs one after the other in one command (one ssh session, not
# eight: a session costs seconds under emulation), each's output apart.
run alpha 900 'for s in preflight cluster stonith quorum drbd dhcp resources migrate; do
    echo "@@vmc-again $s"; hacon setup apply $s --answers /root/answers --yes 2>&1; done' \
    > "$LOG/again.log" 2>&1
for s in preflight cluster stonith quorum drbd dhcp resources migrate; do
    awk -v s="$s" '/^@@vmc-again / { on = ($2 == s); next } on' "$LOG/again.log" \
        > "$LOG/again-$s.log"
    grep -q "^Applying step" "$LOG/again-$s.log" && changed="$changed $s"
    grep -q "^Nothing to do: the step is done" "$LOG/again-$s.log" \
        || notdone="$notdone $s"
done
tap_check "wizard again: every step done${notdone:+ (not done:$notdone)}" [ -z "$notdone" ]
tap_check "wizard again: no step applies anything${changed:+ (applied:$changed)}" [ -z "$changed" ]
snap > "$LOG/snap-after.txt"
tap_diff "wizard again: CIB configuration and files unchanged" \
    "$LOG/snap-before.txt" "$LOG/snap-after.txt"
phase "wizard again" $t
fi

# The cluster stopped on both nodes (r0 down everywhere, as after a power
# cut) and the wizard run again, as an admin would to see where things
# stand: the DRBD step finds the data on both disks (meta data, ext4) and
# plans no create-md, no --force promotion, no mkfs; Pacemaker manages r0
# and brings it up.  The cluster step starts the cluster again; the lease
# is still on the DRBD disk.  drbdmeta's generation identifiers show that
# nothing was written to the disks while r0 was down.
gi() { both 60 'drbdmeta 1 v08 /dev/vda internal get-gi 2>&1'; }
lacks() { ! grep -qE "$1" "$2"; }
if have_time 360 "cluster stopped"; then
    t=$SECONDS
    # One node after the other, as an admin would: the passive one first,
    # so that nothing moves (both at once keeps Pacemaker's shutdown
    # waiting on itself for minutes under emulation).
    [ "$active" = alpha ] && pas=beta || pas=alpha
    run "$pas" 400 '/etc/init.d/pacemaker stop' > "$LOG/stopped-stop.log" 2>&1
    run "$active" 400 '/etc/init.d/pacemaker stop' >> "$LOG/stopped-stop.log" 2>&1
    both 120 '/etc/init.d/corosync stop' >> "$LOG/stopped-stop.log" 2>&1
    out=$(both 30 'pidof corosync pacemakerd; grep "^ 1:" /proc/drbd')
    tap_check "cluster stopped: no corosync, pacemaker or r0 on either node" \
        [ -z "$out" ]
    [ -n "$out" ] && echo "$out" | sed 's/^/#   /'
    gi > "$LOG/stopped-gi-before.txt"
    run alpha 300 "hacon setup list --answers /root/answers" \
        > "$LOG/stopped-list.log" 2>&1
    sed 's/^/#   /' "$LOG/stopped-list.log"
    tap_check "cluster stopped: setup list shows drbd done, r0 left to Pacemaker" \
        grep -qE '^6 drbd +done .*down on alpha, beta, left to Pacemaker' \
        "$LOG/stopped-list.log"
    run alpha 300 "hacon setup plan drbd --answers /root/answers" \
        > "$LOG/stopped-plan.log" 2>&1
    tap_check "cluster stopped: the drbd plan shows what each disk holds" \
        test "$(grep -cE '(alpha|beta):/dev/vda holds data \(16.0 MiB; signatures: .*ext4 at 0x438.*; DRBD meta data, generation identifiers [0-9A-F]{16}:' "$LOG/stopped-plan.log")" = 2
    tap_check "cluster stopped: ... and plans no command (no create-md, primary --force or mkfs)" \
        lacks '^Commands:|^ +(\[[a-z]+\] )?(ssh .* )?(drbdadm|mkfs)' "$LOG/stopped-plan.log"
    run alpha 300 "hacon setup apply drbd --answers /root/answers --yes" \
        > "$LOG/stopped-apply.log" 2>&1
    tap_check "cluster stopped: setup apply drbd changes nothing" \
        grep -q '^Nothing to do: the step is done' "$LOG/stopped-apply.log"
    tap_check "cluster stopped: ... runs no command" \
        lacks '^Applying step|^Commands:' "$LOG/stopped-apply.log"
    gi > "$LOG/stopped-gi-after.txt"
    tap_check "cluster stopped: drbdmeta reads r0's meta data on both disks" \
        test "$(grep -cE '^[0-9A-F]{16}:[0-9A-F]{16}:' "$LOG/stopped-gi-before.txt")" = 2
    tap_diff "cluster stopped: the DRBD generation identifiers unchanged" \
        "$LOG/stopped-gi-before.txt" "$LOG/stopped-gi-after.txt"
    apply cluster
    end=$((SECONDS + 300)) active=""
    while [ $SECONDS -lt $end ] && [ -z "$active" ]; do
        sleep 2
        out=$(run alpha 60 'crm_mon -1 2>&1')
        active=$(sed -n 's/.*\* dhcp\s.*Started \([a-z]*\).*/\1/p' <<< "$out" | head -1)
    done
    echo "$out" > "$LOG/stopped-restarted.txt"
    tap_check "cluster stopped: started again by the cluster step, dhcp Started (on ${active:-no node})" \
        [ -n "$active" ]
    tap_check "cluster stopped: the lease $lease still in /data/dhcp/dhcpd.leases on ${active:-no node}" \
        run "${active:-alpha}" 30 "grep -q 'lease $lease ' /data/dhcp/dhcpd.leases"
    phase "cluster stopped" $t
fi

# The console over real ssh, in tmux, on the node that runs the service
# (its /data holds the lease file).
TSOCK=hc-vmc-$$
T() { tmux -L "$TSOCK" "$@"; }
TS=con      # the tmux session screen_has looks at
screen_has() {   # PATTERN SECS: the screen shows PATTERN (grep -E)
    local end=$((SECONDS + $2))
    while [ $SECONDS -lt $end ]; do
        T capture-pane -p -t "$TS" > "$LOG/screen.txt" 2> /dev/null
        grep -qE -- "$1" "$LOG/screen.txt" && return 0
        sleep 0.25
    done
    sed 's/^/#   | /' "$LOG/screen.txt"
    return 1
}
if ! command -v tmux > /dev/null; then
    tap_skip "console: needs tmux"
elif have_time 120 "console"; then
    t=$SECONDS
    T new-session -d -s con -x 100 -y 40 \
        "ssh -F $VMC_DIR/ssh_config -t $active TERM=screen-256color LANG=C.UTF-8 hacon"
    tap_check "console: header with the cluster, over ssh" \
        screen_has "Cluster: tutorial +Stack: corosync" 180
    tap_check "console: both nodes online" screen_has "Nodes: 2/2 online" 60
    tap_check "console: dhcp (ocf:hacon:dhcpd) Started on $active" \
        screen_has "dhcp \(ocf:hacon:dhcpd\): Started on $active" 60
    T capture-pane -p -t con > "$LOG/console-resources.txt"
    T send-keys -t con 4
    tap_check "console DRBD: r0 Primary, disk UpToDate" \
        screen_has "volume 0 /dev/drbd1: disk UpToDate" 60
    tap_check "console DRBD: peer Connected, peer disk UpToDate" \
        screen_has "Established, peer disk UpToDate" 30
    T capture-pane -p -t con > "$LOG/console-drbd.txt"
    T send-keys -t con 5
    tap_check "console leases: the client's lease $lease" \
        screen_has "${lease:-no-lease}( |$)" 60
    T capture-pane -p -t con > "$LOG/console-leases.txt"
    T send-keys -t con 3
    tap_check "console corosync: both members, quorate" \
        screen_has "Quorum: yes +votes 2" 60
    T capture-pane -p -t con > "$LOG/console-corosync.txt"
    T send-keys -t con q
    T kill-server 2> /dev/null
    phase "console" $t
fi

# Fencing, as on real machines, from the setup wizard's step fence on the
# running cluster: first (unless VMC_FENCING_SUB leaves it out) sbd on the disk
# both nodes share (vdc) with each node's watchdog (i6300esb): applied
# (its four pacemaker restarts under maintenance-mode, the service kept
# where it runs; its CIB update made on the CIB as the restarts left it)
# and verified (st_sbd Started, each node's fencer with a device for the
# other, sbd running with the watchdog open on both nodes), then a failure
# injected after its verify (HACON_WIZARD_FAIL, the test hook that fails a
# step once that part is done) and the rollback, which must stop sbd on
# both nodes and restore /etc/default/sbd, the CIB and maintenance-mode.  Then fence_ipmilan, a device per node that reaches
# the node's BMC (ipmi_sim) over the management network, with the step's
# priority-fencing-delay (derived from the fence time it measured) and a
# priority on every resource, so that a cut HA link fences the node
# without the service (fence_delay=0: no random delay); step drbd again
# for r0's `fencing resource-and-stonith`, adjusted into the running r0.
# Then failover-test cut and hang on the fenced cluster,
# with the host sampling both nodes every second through their admin
# network (not the HA link the test cuts): never two DRBD Primaries,
# never two dhcpd.
fenced=""
# fsub PART: the fencing sub-phase PART runs (VMC_FENCING_SUB, default
# "sbd agent").
fsub() {
    case " ${VMC_FENCING_SUB:-sbd agent} " in *" $1 "*) return 0 ;; esac
    tap_skip "fencing sub-phase $1: not in VMC_FENCING_SUB"
    return 1
}
# drbd_again ANSWERS: step drbd again, for r0's fencing resource-and-stonith
# (once fencing is on), adjusted into the running r0.
drbd_again() {
    local t1=$SECONDS
    run alpha 900 "hacon setup apply drbd --answers $1 --yes" \
        > "$LOG/step-fence-drbd.log" 2>&1
    grep -E '^\s+\.\.\. running|FAILED' "$LOG/step-fence-drbd.log" | sed 's/^/#   /'
    # A node where r0 is down (Pacemaker still starting it after the
    # fencing step's restarts) is left to Pacemaker, which brings r0 up
    # from the new r0.res: the next check reads what runs on both nodes.
    tap_check "setup step drbd again: drbdadm adjust r0 on both nodes, or r0 down on one and left to Pacemaker ($((SECONDS - t1)) s)" \
        test "$(grep -cE 'running .*drbdadm adjust r0|^  r0 is down on [a-z]+: Pacemaker manages it' "$LOG/step-fence-drbd.log")" = 2
    tap_check "... r0 with fencing resource-and-stonith in r0.res and running (drbdsetup show) on both nodes" \
        both 30 'grep -q "fencing resource-and-stonith" /etc/drbd.d/r0.res && drbdsetup show r0 | grep -q resource-and-stonith'
    phase "fencing: drbd again" $t1
}
# renew_lease: the client's lease renewed (for two hours): the one it got
# at the start has expired by now, and leases-kept compares active leases.
renew_lease() {
    out=$(run client 120 'busybox udhcpc -i eth2 -n -q -t 10 -T 3 -x lease:7200 -s /run/vmc/udhcpc-script 2>&1')
    echo "$out" > "$LOG/client-renew.txt"
    tap_check "client: a lease again through 10.10.101.1 for the scenarios on the fenced cluster" \
        grep -q "lease of .* obtained" <<< "$out"
}
# online_started SECS NAME: check NAME, that both nodes are online and
# dhcp Started (crm_mon on alpha, in $out), waiting up to SECS for it.
online_started() {
    local end=$((SECONDS + $1))
    until out=$(run alpha 60 'crm_mon -1 2>&1') && grep -q "Online: \[ alpha beta \]" <<< "$out" &&
          grep -qE '\* dhcp\s.*Started' <<< "$out"; do
        [ $SECONDS -lt $end ] || break
        sleep 1
    done
    tap_check "$2" \
        bash -c 'grep -q "Online: \[ alpha beta \]" <<< "$1" && grep -qE "\* dhcp\s.*Started" <<< "$1"' sh "$out"
}
if [ "${VMC_FENCING:-1}" != 1 ]; then
    tap_skip "fencing and failover-test cut, hang on the fenced cluster: VMC_FENCING=${VMC_FENCING}"
elif have_time 600 "fencing"; then
    t=$SECONDS
    pass=$(cat "$VMC_DIR/bmc.pass")
    both 30 "umask 077 && echo '$pass' > /root/bmc.pass"
    out=$(both 60 'ls -l /dev/vdc /dev/watchdog && cat /sys/class/watchdog/watchdog0/identity')
    tap_check "fencing hardware: the shared disk vdc and an i6300esb watchdog on both nodes" \
        test "$(grep -c 'i6300ESB' <<< "$out")" = 2
    out=$(run alpha 60 "fence_ipmilan --ip 10.10.103.12 -l admin --password-script 'cat /root/bmc.pass' --lanplus --cipher 3 -o status 2>&1")
    tap_check "fencing hardware: fence_ipmilan on alpha reaches beta's BMC (Status: ON)" \
        grep -q 'Status: ON' <<< "$out"
    run alpha 30 'cat /root/answers - > /root/answers-sbd <<EOF
fencing=sbd
sbd_device=/dev/vdc
sbd_watchdog_timeout=10
fence_delay=0
EOF
cat /root/answers - > /root/answers-agent <<EOF
fencing=agent
fence_agent=fence_ipmilan
fence_node1_params=ip=10.10.103.11 username=admin lanplus=1 cipher=3
fence_node2_params=ip=10.10.103.12 username=admin lanplus=1 cipher=3
fence_secret_file=/root/bmc.pass
fence_delay=0
EOF'
    phase "fencing: hardware" $t
  if fsub sbd; then
    ts=$SECONDS
    sbd_state='md5sum < /etc/default/sbd; pgrep -x sbd > /dev/null && echo sbd-runs || echo no-sbd'
    both 30 "$sbd_state" > "$LOG/fence-sbd-before.txt" 2>&1
    run alpha 60 'cibadmin -Q --scope configuration' > "$LOG/fence-cib-before.xml" 2>&1
    # The service where it runs, by its processes: the restarts (and those
    # of the rollback) run under maintenance-mode, so that nothing moves:
    # the same dhcpd and the same DRBD Primary after them.
    svc_state='echo "$(hostname) dhcpd=$(pidof dhcpd) role=$(drbdadm role r0 2>&1)"'
    both 30 "$svc_state" > "$LOG/fence-sbd-svc-before.txt" 2>&1
    t1=$SECONDS
    run alpha 900 "HACON_WIZARD_FAIL=fence:verify hacon setup apply fence --answers /root/answers-sbd --yes" \
        > "$LOG/step-fence-sbd-fail.log" 2>&1
    rc=$?
    f=$LOG/step-fence-sbd-fail.log
    # The hook fails the step only once its verify has passed: a verify
    # that fails for real ends the step with its own reason instead.
    tap_check "step fence, fencing=sbd: applied and verified (st_sbd Started, the fencers' devices, sbd with its watchdog open on both nodes), then a failure injected: rolled back (exit $rc, $((SECONDS - t1)) s)" \
        sh -c '[ "$1" != 0 ] && grep -q "verifying" "$2" &&
               grep -q "failure injected by HACON_WIZARD_FAIL; rolled back to" "$2" &&
               ! grep -q "ROLLBACK FAILED" "$2"' sh "$rc" "$f"
    grep -E '^\s+\.\.\. (running|undoing|the cluster|updating|failed)|FAILED' "$f" | tail -n 30 | sed 's/^/#   /'
    tap_check "... its CIB update was made on the CIB as its restarts left it (the controller's properties, DRBD's fence-peer constraint)" \
        sh -c 'grep -q "the cluster changed its own properties since the plan" "$1" &&
               ! grep -q "the CIB changed since the plan was made" "$1"' sh "$f"
    both 30 "$sbd_state" > "$LOG/fence-sbd-after.txt" 2>&1
    tap_check "... the rollback stopped sbd on both nodes" \
        test "$(grep -c no-sbd "$LOG/fence-sbd-after.txt")" = 2
    tap_diff "... and restored /etc/default/sbd on both nodes" \
        "$LOG/fence-sbd-before.txt" "$LOG/fence-sbd-after.txt"
    run alpha 60 'cibadmin -Q --scope configuration' > "$LOG/fence-cib-after.xml" 2>&1
    tap_check "... and the CIB: no st_sbd, stonith-enabled and priorities as before" \
        sh -c '! grep -q st_sbd "$2" && [ "$(grep -c "stonith-enabled\|priority" "$1")" = "$(grep -c "stonith-enabled\|priority" "$2")" ]' \
        sh "$LOG/fence-cib-before.xml" "$LOG/fence-cib-after.xml"
    online_started 240 "... both nodes online again, dhcp Started"
    both 30 "$svc_state" > "$LOG/fence-sbd-svc-after.txt" 2>&1
    sed 's/^/#   /' "$LOG/fence-sbd-svc-before.txt"
    tap_check "... the service never moved nor restarted through the four pacemaker restarts (maintenance-mode): the same dhcpd process, the same DRBD Primary" \
        sh -c 'grep -q "dhcpd=[0-9]" "$1" && grep -q "role=Primary" "$1" && cmp -s "$1" "$2"' \
        sh "$LOG/fence-sbd-svc-before.txt" "$LOG/fence-sbd-svc-after.txt"
    [ $? = 0 ] || sed 's/^/#   after: /' "$LOG/fence-sbd-svc-after.txt"
    mm=$(run alpha 30 'crm_attribute --type crm_config --name maintenance-mode --query --quiet 2>&1')
    tap_check "... maintenance-mode set for the restarts, removed again by the apply and by the rollback (now: ${mm:-?})" \
        sh -c 'grep -q "running crm_attribute --type crm_config --name maintenance-mode --update true" "$1" &&
               [ "$(grep -c "maintenance-mode --delete" "$1")" -ge 2 ] &&
               case "$2" in true*) exit 1 ;; esac' sh "$f" "$mm"
    phase "fencing: sbd, its injected failure and rollback" $ts
  fi
  if fsub agent; then
    ts=$SECONDS
    t1=$SECONDS
    run alpha 900 "hacon setup apply fence --answers /root/answers-agent --yes" \
        > "$LOG/step-fence-agent.log" 2>&1
    rc=$?
    tap_check "setup step fence, fencing=agent (fence_ipmilan): applied ($((SECONDS - t1)) s)" [ $rc = 0 ]
    [ $rc = 0 ] || grep -E '^\s+\.\.\.|FAILED|failed|rror' "$LOG/step-fence-agent.log" | tail -n 15 | sed 's/^/#   /'
    grep -E 'priority-fencing-delay=' "$LOG/step-fence-agent.log" | sed 's/^/#   /'
    pfd=$(run alpha 30 'crm_attribute -G -n priority-fencing-delay -q 2>/dev/null')
    est=$(sed -n 's/.*priority-fencing-delay=[0-9]*s: a fence takes about \([0-9]*\) s here.*/\1/p' "$LOG/step-fence-agent.log")
    prio=$(run alpha 30 'crm_attribute -t rsc_defaults -n priority -G -q 2>/dev/null')
    tap_check "step fence: priority-fencing-delay=${pfd:-none} from the fence time it measured (about ${est:-?} s), above it; every resource priority ${prio:-none}" \
        sh -c '[ -n "$2" ] && [ "${1%s}" -gt "$2" ] && [ "$3" = 1 ]' \
        sh "${pfd:-0s}" "$est" "$prio"
    phase "fencing: fence_ipmilan" $ts
    drbd_again /root/answers-agent
    end=$((SECONDS + 300))
    while [ $SECONDS -lt $end ]; do
        out=$(run alpha 60 'crm_mon -1 2>&1')
        [ "$(grep -cE 'stonith:fence_ipmilan.*Started' <<< "$out")" = 2 ] && break
        sleep 1
    done
    echo "$out" > "$LOG/fence-crm-mon.txt"
    tap_check "fencing: two fence_ipmilan devices Started, stonith-enabled=true" \
        bash -c '[ "$(grep -cE "stonith:fence_ipmilan.*Started" <<< "$1")" = 2 ] &&
                 [ "$2" = true ]' sh "$out" "$(run alpha 30 'crm_attribute -G -n stonith-enabled -q 2>/dev/null')"
    [ "$(grep -cE 'stonith:fence_ipmilan.*Started' <<< "$out")" = 2 ] && fenced=yes
  fi
    phase "fencing" $t
    [ -n "$fenced" ] && renew_lease
fi

# A kept screen shows the resync: its state and a progress bar with ETA.
resync_seen() {
    grep -qE "Sync(Source|Target), peer disk" "$1" &&
        grep -qE "[0-9]+\.[0-9]%.*ETA [0-9]" "$1"
}
# During a crash or a hang, the console on the surviving node (SURV), on
# its DRBD pane: when the node that went (GONE) is back, the resync
# shows there with its progress and ETA.  Its screens are kept every
# half second.  watch_start SURV; watch_end SURV GONE.
watcher=""
watch_start() {
    watcher=""
    command -v tmux > /dev/null || return 0
    TS=rs
    T new-session -d -s rs -x 100 -y 40 \
        "ssh -F $VMC_DIR/ssh_config -t $1 TERM=screen-256color LANG=C.UTF-8 hacon"
    if screen_has "Cluster: tutorial" 120; then
        T send-keys -t rs 4
        : > "$LOG/console-resync.txt"
        ( while sleep 0.5; do
              T capture-pane -p -t rs > "$LOG/resync.cur" 2> /dev/null || continue
              grep -q "ETA" "$LOG/resync.cur" || continue
              { date +%T.%N; cat "$LOG/resync.cur"; } >> "$LOG/console-resync.txt"
          done ) &
        watcher=$!
    else
        tap_fail "console on $1: no header before the $s"
    fi
}
watch_end() {
    [ -n "$watcher" ] || return 0
    kill "$watcher"; wait "$watcher" 2> /dev/null
    tap_check "console on $1: the resync after $2 was back, with progress and ETA" \
        resync_seen "$LOG/console-resync.txt"
    grep -E "Sync|ETA" "$LOG/console-resync.txt" | sort -u | head -n 8 | sed 's/^/#   | /'
    tap_check "console on $1: then Established, peer disk UpToDate" \
        screen_has "Established, peer disk UpToDate" 60
    T capture-pane -p -t rs > "$LOG/console-after-$s.txt" 2> /dev/null
    T send-keys -t rs q
    watcher=""
}
# hacon failover-test on the passive node; the crash is the harness's:
# vm-request asks the relay below, which runs vmc crash / vmc boot.
passive() { [ "$1" = alpha ] && echo beta || echo alpha; }
for n in alpha beta; do
    # Its own process group, so that cleanup ends its tail too.
    setsid "$VMC" relay "$n" > /dev/null 2>&1 < /dev/null &
    relays="$relays $!"
done
# On the fenced cluster the crash proves nothing that hang does not (the
# active node lost, fenced, the service moved, the node back, the resync
# on the console), so it runs only without fencing; move and standby too
# (~120 s): the wizard's migrate step moved the service with real DRBD
# (checked, its constraint cleared, the lease kept through the cluster's
# stop), the cluster's stop above stopped r0 on the passive node while
# the other ran the service, cut and hang take the service over on the
# fenced cluster with every assertion, and the namespace suites run move
# and standby (t-failover).  VMC_FAILOVER="move
# standby" runs them here too.
default_failover=""
[ -n "$fenced" ] || default_failover="move standby crash"
for s in ${VMC_FAILOVER:-$default_failover}; do
    [ "$s" = none ] && break
    have_time 200 "failover-test $s" || continue
    t=$SECONDS
    act=$(run alpha 60 'crm_mon -1 2>/dev/null' | sed -n 's/.*\* dhcp\s.*Started \([a-z]*\).*/\1/p' | head -1)
    [ -n "$act" ] || { tap_fail "failover $s: dhcp runs nowhere"; continue; }
    p=$(passive "$act")
    extra=""
    [ "$s" = crash ] && extra="--yes --crash-cmd '/run/vmc/vm-request {node} crash' --restore-cmd '/run/vmc/vm-request {node} boot'"
    [ "$s" = crash ] && watch_start "$p"
    run "$p" 1200 "hacon failover-test $s --report-dir /root/reports/$s --timeout 400 $extra" \
        > "$LOG/failover-$s.log" 2>&1
    rc=$?
    watch_end "$p" "$act"
    grep -E ' (assert|drbd|dhcp) ' "$LOG/failover-$s.log" | sed 's/^/#   /' | tail -n 30
    if [ $rc = 0 ]; then
        tap_ok "failover-test $s ($act -> $p, hacon on $p): pass ($((SECONDS - t)) s)"
    else
        tap_fail "failover-test $s ($act -> $p, hacon on $p): exit $rc"
        tail -n 30 "$LOG/failover-$s.log" | sed 's/^/#   /'
    fi
    tap_check "failover-test $s: leases kept (assertion passed)" \
        grep -q 'assert pass: leases-kept' "$LOG/failover-$s.log"
    tap_check "failover-test $s: DRBD UpToDate/UpToDate at the end (assertion passed)" \
        grep -q 'assert pass: drbd-uptodate' "$LOG/failover-$s.log"
    run "$p" 60 "cat /root/reports/$s/*.txt" > "$LOG/report-$s.txt" 2>&1
    phase "failover-test $s" $t
done

# sample NODE: "ROLE dhcpd|-" (DRBD r0's role, whether dhcpd runs), or down.
sample_node() {
    timeout 6 "$VMC" run "$1" 'r=$(sed -n "s/.* ro:\([A-Za-z]*\)\/.*/\1/p" /proc/drbd); echo "${r:-none} $(pidof dhcpd > /dev/null && echo dhcpd || echo -) $(cut -d. -f1 /proc/uptime)"' 2> /dev/null || echo down
}
sampler() {   # FILE: a line a second until killed
    local a b
    while :; do
        sample_node alpha > "$1.a" & sample_node beta > "$1.b" & wait
        a=$(cat "$1.a") b=$(cat "$1.b")
        echo "$(date +%T) alpha $a beta $b" >> "$1"
        sleep 1
    done
}
# A fenced node powers on after a server's POST (VMC_POST_SECS, 45 s; see
# node-init), not at once: a VM's boot is not slowed by the emulation,
# its peer's recovery is, 20 times.
[ -d "$VMC_DIR" ] && echo "${VMC_POST_SECS:-45}" > "$VMC_DIR/post-secs"
# fenced_scenario S [ON]: failover-test S on the fenced cluster, hacon on
# ON (default: for a cut the node with the service, which keeps it through
# priority-fencing-delay; for a hang the other one, the hung node being
# fenced), the host sampling both nodes every second.
fenced_scenario() {
    local s=$1 x=${3:-} t act p on victim extra up0 up1 f n out rc
    have_time 300 "failover-test $s" || return 0
    t=$SECONDS
    act=$(run alpha 60 'crm_mon -1 2>/dev/null' | sed -n 's/.*\* dhcp\s.*Started \([a-z]*\).*/\1/p' | head -1)
    [ -n "$act" ] || { tap_fail "failover $s: dhcp runs nowhere"; return 0; }
    p=$(passive "$act")
    if [ "$s" = cut ]; then
        on=$act victim=$p
        extra="--yes --cut-cmd '/run/vmc/vm-request {node} cut' --restore-cmd '/run/vmc/vm-request {node} uncut'"
    else
        on=$p victim=$act
        extra="--yes"
    fi
    if [ -n "${2:-}" ]; then
        on=$2 victim=$(passive "$2")
    fi
    up0=$(sample_node "$victim" | awk '{ print $3 }')
    [ "$s" = hang ] && watch_start "$on"
    : > "$LOG/samples-$s$x.txt"
    sampler "$LOG/samples-$s$x.txt" &
    smp=$!
    run "$on" 1200 "hacon failover-test $s --report-dir /root/reports/$s$x --timeout 400 $extra" \
        > "$LOG/failover-$s$x.log" 2>&1
    rc=$?
    kill "$smp"; wait "$smp" 2> /dev/null; smp=""
    watch_end "$on" "$victim"
    grep -E ' (assert|drbd|dhcp|fence) ' "$LOG/failover-$s$x.log" | sed 's/^/#   /' | tail -n 30
    if [ $rc = 0 ]; then
        tap_ok "failover-test $s$x ($act active, hacon on $on, $victim to be fenced): pass ($((SECONDS - t)) s)"
    else
        tap_fail "failover-test $s$x ($act active, hacon on $on, $victim to be fenced): exit $rc"
        tail -n 30 "$LOG/failover-$s$x.log" | sed 's/^/#   /'
    fi
    f=$LOG/samples-$s$x.txt
    n=$(wc -l < "$f")
    tap_check "$s$x: at every one of $n samples at most one node DRBD Primary" \
        sh -c '[ "$2" -gt 5 ] && ! grep -q "alpha Primary .* beta Primary" "$1"' sh "$f" "$n"
    tap_check "$s$x: at every one of $n samples at most one node runs dhcpd" \
        sh -c '[ "$2" -gt 5 ] && ! grep -qE "alpha [A-Za-z]+ dhcpd .* beta [A-Za-z]+ dhcpd" "$1"' sh "$f" "$n"
    up1=$(sample_node "$victim" | awk '{ print $3 }')
    tap_check "$s$x: $victim was reset (uptime ${up0:-?} s before, ${up1:-?} s after) and is back" \
        sh -c '[ -n "$1" ] && [ -n "$2" ] && [ "$1" -lt "$3" ]' - "$up1" "$up0" "$((${up0:-0} + SECONDS - t))"
    out=$(run "$on" 60 "stonith_admin --history $victim 2>&1")
    echo "$out" > "$LOG/fence-history-$s$x.txt"
    tap_check "$s$x: the fencer's history on $on: $victim fenced (reboot, successful)" \
        grep -qE "reboot of $victim successful" <<< "$out"
    tap_check "failover-test $s$x: leases kept (assertion passed)" \
        grep -q 'assert pass: leases-kept' "$LOG/failover-$s$x.log"
    sed -n 's/.*assert pass: \(fence[a-z-]*\|dhcp-bound\)/\1/p' "$LOG/failover-$s$x.log" | sed 's/^/#   /'
    run "$on" 60 "cat /root/reports/$s$x/*.txt" > "$LOG/report-$s$x.txt" 2>&1
    phase "failover-test $s$x" $t
}
for s in ${VMC_FENCED:-cut hang}; do
    [ "$s" = none ] && break
    [ -n "$fenced" ] || { tap_skip "failover-test $s on the fenced cluster: fencing not set up"; continue; }
    fenced_scenario "$s"
done

# Diskless sbd with a quorum device, as on real machines: the client VM is
# the third host (corosync-qnetd installed, not set up; the management
# network, where both nodes reach it whatever happens to their HA link).
# Step fence with fencing=qdevice replaces the fence devices: qnetd's
# certificates and daemon on the client, corosync-qdevice on both nodes,
# two_node replaced by the device, sbd with each node's watchdog alone,
# stonith-watchdog-timeout, and the device's heuristics (the node that
# runs the service passes).  Then a cut of the HA link, hacon on the node
# with the service: qnetd's ffsplit gives its vote to the half whose
# heuristics pass (that node), not to the lowest node id; the other,
# without quorum, must be reset by its own watchdog, the survivor take it
# for fenced after stonith-watchdog-timeout and keep the service
# (VMC_QDEVICE_FENCED, default "cut"; "none": no scenario).
if [ "${VMC_FENCING:-1}" = 1 ] && fsub qdevice && have_time 600 "fencing qdevice"; then
    t=$SECONDS
    run alpha 30 'cat /root/answers - > /root/answers-qdevice <<EOF
fencing=qdevice
qnetd_host=client
fence_delay=0
EOF'
    out=$(run client 30 'command -v corosync-qnetd; ls /etc/corosync/qnetd/nssdb 2>&1; pidof corosync-qnetd; ip -4 -o addr show dev eth3')
    echo "$out" > "$LOG/qnetd-before.txt"
    tap_check "qdevice: the client VM (third host) has corosync-qnetd, not set up, not running, on the management network" \
        bash -c 'grep -q /corosync-qnetd <<< "$1" && grep -q "No such file" <<< "$1" &&
                 grep -q "inet 10.10.103.3/" <<< "$1" && ! grep -qxE "[0-9]+" <<< "$1"' sh "$out"
    run alpha 300 "hacon setup plan fence --answers /root/answers-qdevice" \
        > "$LOG/plan-fence-qdevice.log" 2>&1
    grep -E 'WARNING|SKIPPED|CANNOT' "$LOG/plan-fence-qdevice.log" | sed 's/^/#   /'
    tap_check "qdevice: the plan sets up diskless sbd (no SKIPPED: a VM is no container) with the watchdog timeout above qdevice's sync_timeout" \
        sh -c '! grep -q "SKIPPED" "$1" && grep -q "SBD_WATCHDOG_TIMEOUT=35" "$1" &&
               grep -q "stonith-watchdog-timeout=70s" "$1"' sh "$LOG/plan-fence-qdevice.log"
    # First with a failure injected once its apply is done (qnetd set up,
    # corosync on the device, diskless sbd started before pacemaker on
    # both nodes): the rollback must stop sbd (SIGTERM: Debian's init
    # script refuses a diskless configuration) and corosync-qdevice, give
    # corosync back two_node, and leave qnetd, the files and the CIB as
    # they were.
    qd_state='md5sum < /etc/corosync/corosync.conf; md5sum < /etc/default/sbd; pgrep -x sbd > /dev/null && echo sbd-runs || echo no-sbd; pidof corosync-qdevice > /dev/null && echo qdevice-runs || echo no-qdevice; ls -d /etc/corosync/qdevice/net/nssdb 2>&1; corosync-quorumtool -s | grep -E "^(Flags|Expected votes):"'
    qd_cib='for p in stonith-enabled stonith-watchdog-timeout; do echo "$p=$(crm_attribute -G -n $p -q 2>/dev/null)"; done'
    qn_state='pidof corosync-qnetd > /dev/null && echo qnetd-runs || echo no-qnetd; ls -d /etc/corosync/qnetd/nssdb 2>&1'
  # (VMC_SKIP=qdevice-rollback: without it, when working on the rest.)
  if have_time 900 "qdevice-rollback (step fence, fencing=qdevice, its injected failure)"; then
    { run alpha 30 "$qd_state"; run beta 30 "$qd_state"; run alpha 30 "$qd_cib"; run client 30 "$qn_state"; } \
        > "$LOG/qdevice-before.txt" 2>&1
    t1=$SECONDS
    run alpha 900 "HACON_WIZARD_FAIL=fence:apply hacon setup apply fence --answers /root/answers-qdevice --yes" \
        > "$LOG/step-fence-qdevice-fail.log" 2>&1
    rc=$?
    f=$LOG/step-fence-qdevice-fail.log
    tap_check "step fence, fencing=qdevice, a failure injected after its apply: failed, rolled back (exit $rc, $((SECONDS - t1)) s)" \
        sh -c '[ "$1" != 0 ] && grep -q "failure injected by HACON_WIZARD_FAIL; rolled back to" "$2" &&
               ! grep -q "ROLLBACK FAILED" "$2"' sh "$rc" "$f"
    grep -E '^\s+\.\.\. (running|undoing|the cluster|updating|failed)|FAILED' "$f" | tail -n 40 | sed 's/^/#   /'
    tap_check "... diskless sbd was started on both nodes before the failure" \
        test "$(grep -c 'running .*sbd .*-p /run/sbd.pid watch' "$f")" = 2
    { run alpha 30 "$qd_state"; run beta 30 "$qd_state"; run alpha 30 "$qd_cib"; run client 30 "$qn_state"; } \
        > "$LOG/qdevice-after.txt" 2>&1
    tap_check "... the rollback stopped diskless sbd (SIGTERM) and corosync-qdevice on both nodes" \
        sh -c '[ "$(grep -c no-sbd "$1")" = 2 ] && [ "$(grep -c no-qdevice "$1")" = 2 ]' sh "$LOG/qdevice-after.txt"
    tap_diff "... and restored corosync.conf (two_node), /etc/default/sbd, the certificates, qnetd on client and the CIB's stonith properties" \
        "$LOG/qdevice-before.txt" "$LOG/qdevice-after.txt"
    online_started 300 "... both nodes online again, dhcp Started"
    phase "fencing: qdevice, its injected failure and rollback" $t1
  fi
    t1=$SECONDS
    run alpha 900 "hacon setup apply fence --answers /root/answers-qdevice --yes" \
        > "$LOG/step-fence-qdevice.log" 2>&1
    rc=$?
    tap_check "setup step fence, fencing=qdevice (corosync-qnetd on client): applied and verified ($((SECONDS - t1)) s)" [ $rc = 0 ]
    [ $rc = 0 ] || grep -E '^\s+\.\.\.|FAILED|failed|rror' "$LOG/step-fence-qdevice.log" | tail -n 30 | sed 's/^/#   /'
    grep -E '^\s+\.\.\. running' "$LOG/step-fence-qdevice.log" | sed 's/^/#   /'
    echo "# qdevice: apply and verify $((SECONDS - t1)) s"
    for n in alpha beta; do
        out=$(run "$n" 60 'corosync-quorumtool -s 2>&1; corosync-qdevice-tool -s 2>&1')
        echo "$out" > "$LOG/qdevice-$n.txt"
        tap_check "qdevice: $n: corosync counts the Qdevice's vote (3 expected, quorate), corosync-qdevice Connected" \
            bash -c 'grep -qE "^ +0 +1 +Qdevice" <<< "$1" && grep -qE "^Expected votes: +3" <<< "$1" &&
                     grep -qE "^Quorate: +Yes" <<< "$1" && grep -qE "^State:[[:space:]]+Connected" <<< "$1"' sh "$out"
    done
    out=$(run client 60 'corosync-qnetd-tool -l 2>&1')
    echo "$out" > "$LOG/qnetd-clients.txt"
    tap_check "qdevice: corosync-qnetd on client lists both nodes of cluster tutorial" \
        bash -c 'grep -q "Cluster \"tutorial\"" <<< "$1" && [ "$(grep -c "Node ID [12]:" <<< "$1")" = 2 ]' sh "$out"
    sed 's/^/#   /' "$LOG/qnetd-clients.txt"
    out=$(both 30 'ls -l /proc/$(tr -dc 0-9 < /run/sbd.pid)/fd | grep -c watchdog; grep -c "^SBD_DEVICE" /etc/default/sbd; sed -n "s/^SBD_WATCHDOG_TIMEOUT=//p" /etc/default/sbd')
    echo "$out" > "$LOG/qdevice-sbd.txt"
    tap_check "qdevice: sbd runs diskless on both nodes with its watchdog (i6300esb) open, SBD_WATCHDOG_TIMEOUT=35" \
        test "$(tr '\n' ' ' < "$LOG/qdevice-sbd.txt")" = "1 0 35 1 0 35 "
    out=$(run alpha 60 'for p in stonith-enabled stonith-watchdog-timeout have-watchdog; do echo "$p=$(crm_attribute -G -n $p -q 2>/dev/null)"; done; crm_mon -1 2>&1')
    echo "$out" > "$LOG/qdevice-cib.txt"
    tap_check "qdevice: stonith-enabled=true, stonith-watchdog-timeout=70s, have-watchdog=true; no fence device left" \
        bash -c 'grep -qx stonith-enabled=true <<< "$1" && grep -qx stonith-watchdog-timeout=70s <<< "$1" &&
                 grep -qx have-watchdog=true <<< "$1" && ! grep -q "stonith:" <<< "$1"' sh "$out"
    [ $rc = 0 ] && ! both 30 'grep -q "fencing resource-and-stonith" /etc/drbd.d/r0.res' && drbd_again /root/answers-qdevice
    online_started 300 "qdevice: both nodes online, dhcp Started"
    phase "fencing: qdevice" $t
    [ $rc = 0 ] && [ -z "$fenced" ] && renew_lease
    [ -d "$VMC_DIR" ] && echo "${VMC_POST_SECS:-45}" > "$VMC_DIR/post-secs"
    for s in ${VMC_QDEVICE_FENCED:-cut}; do
        [ "$s" = none ] && break
        [ $rc = 0 ] || { tap_skip "failover-test $s with the quorum device: step fence failed"; continue; }
        fenced_scenario "$s" "" -qdevice
        out=$(run alpha 60 'corosync-quorumtool -s 2>&1')
        tap_check "$s-qdevice: afterwards both nodes members again, the Qdevice voting" \
            bash -c 'grep -qE "^ +0 +1 +Qdevice" <<< "$1" && grep -qE "^Total votes: +3" <<< "$1"' sh "$out"
    done
fi
cat "$VMC_DIR/relay.log" 2> /dev/null | sed 's/^/# relay: /'

# Where the nodes' CPU went (seconds, since each node's last boot): each
# process with what its ended children used (an agent's run counts in
# pacemaker-execd's).
for n in alpha beta; do
    run "$n" 30 "cat /proc/[0-9]*/stat 2> /dev/null" 2> /dev/null | awk -v n="$n" '
        { i = index($0, ") "); name = substr($0, index($0, "(") + 1, i - index($0, "(") - 1)
          split(substr($0, i + 2), f, " ")
          self[name] += (f[12] + f[13]) / 100; kids[name] += (f[14] + f[15]) / 100 }
        END { for (k in self) if (self[k] + kids[k] >= 1)
                  printf "%8.1f %8.1f %8.1f  %s %s\n", self[k] + kids[k], self[k], kids[k], n, k }' |
        sort -k1,1nr | head -n 12 | sed 's/^/# cpu s (all, self, children): /'
done

# VMC_HOLD: a file; while it exists the VMs stay up (to look at them,
# VMC_DIR as printed here).
if [ -n "${VMC_HOLD:-}" ]; then
    echo "# holding while $VMC_HOLD exists: VMC_DIR=$VMC_DIR"
    while [ -e "$VMC_HOLD" ]; do sleep 5; done
fi
echo "# phases: $PHASES"
echo "# whole suite: $((SECONDS - T_ALL)) s"
tap_done
