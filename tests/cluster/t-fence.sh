#!/bin/bash
# Fencing on the namespace test cluster, for real: `hc-cluster up --bmc`
# gives each node a BMC (OpenIPMI's ipmi_sim on the admin station's
# management link) whose power commands crash and boot the node, and
#   * fence_ipmilan by hand, from nodeone: -o status of both BMCs, a wrong
#     password refused, -o reboot power-cycles nodetwo (a new PID 1) and
#     it joins again;
#   * step fence with fencing=agent (fence_ipmilan): wrong answers are
#     blocked with their name (a parameter the agent does not have, a
#     password in the answers, a secret file others can read); on a
#     terminal the password is asked without echo and kept 0600; a wrong
#     password fails the live -o status check before the CIB changes, and
#     the rollback leaves CIB and files as they were; then plan and apply
#     with fence_test=yes: two devices, stonith-enabled=true, the secret in
#     0600 files on both nodes and nowhere else (CIB, transcripts,
#     checkpoints, output), the real test fence power-cycles the passive
#     node, which joins again; a rerun finds fence and stonith done;
#   * Pacemaker's own fencer: nodetwo's corosync and pacemaker killed (the
#     node stays up, as a hung node would), nodeone fences it through its
#     BMC and nodetwo joins again, in seconds;
#   * `hacon setup rollback fence`: the devices and the secret files gone;
#   * the console's answers form: p on fence_secret_file takes the password
#     without showing it, into a 0600 file the saved answers name;
#   * sbd and qdevice: their plans (sbd on the shared disk with a real sbd
#     header: msgwait read from it, stonith-timeout derived; the generated
#     /etc/default/sbd against a golden copy; qdevice's corosync.conf
#     quorum device and why a third vote, its diskless sbd half skipped in
#     a namespace node with the file a real node would get).  sbd itself is not started here:
#     a namespace node shares this machine's kernel, whose watchdog would
#     reset the whole machine; tests/vmcluster runs sbd in VMs.
: "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$HACON_TOP/tests/tap.sh"

tap_need_root
tap_need_cmd ip nsenter unshare losetup mkfs.ext4 corosync pacemakerd \
    crm_mon crm cibadmin stonith_admin busybox sshd ssh python3 modprobe \
    ipmi_sim ipmitool fence_ipmilan sbd
tap_need_netns
[ -x "$HACON" ] || tap_skip_all "build/hacon not built (make)"

SUITE_NAME=fence SUITE_PREFIX=f
. "$HACON_TOP/tests/cluster/suite.sh"
GOLDEN=$HACON_TOP/tests/cluster/golden
quiet() { grep -v -e DeprecationWarning -e 'from pipes import'; }

# ---------------------------------------------------------------- up
if "$CL" up --bmc --qnetd > "$W/up.log" 2>&1; then
    tap_ok "up --bmc --qnetd: both nodes online, a BMC per node, a third host ($(cat "$S/up.seconds")s)"
else
    tap_fail "up --bmc --qnetd"; sed 's/^/#   /' "$W/up.log" | tail -n 30
    tap_done
fi
PW=$(cat "$S/bmc/password")
tap_check "the BMC password is in a file of mode 0600" \
    [ "$(stat -c %a "$S/bmc/password")" = 600 ]
phase "up --bmc"

# ---------------------------------------------------------------- by hand
ipmi() {   # ipmi NODE BMC-NODE ARGS...: fence_ipmilan in NODE against a BMC
    local n=$1 b=$2; shift 2
    X "$n" fence_ipmilan -a "${BMC_IP[$b]}" -l "$BMC_USER" -p "$PW" \
        --lanplus -C 3 "$@" 2>&1 | quiet
}
out=$(ipmi nodeone nodeone -o status; ipmi nodeone nodetwo -o status)
tap_check "fence_ipmilan -o status from nodeone: both BMCs say ON" \
    [ "$(echo "$out" | grep -c '^Status: ON')" = 2 ]
X nodeone fence_ipmilan -a "${BMC_IP[nodetwo]}" -l "$BMC_USER" -p wrong \
    --lanplus -C 3 -o status > "$W/wrong.out" 2>&1
tap_check "fence_ipmilan with a wrong password fails" [ $? -ne 0 ]
pid_before=$(init_pid nodetwo)
t0=$(now)
out=$(ipmi nodeone nodetwo -o reboot)
t_reboot=$(elapsed "$t0")
tap_check "fence_ipmilan -o reboot of nodetwo: Success ($t_reboot s)" \
    sh -c "echo '$out' | grep -q '^Success: Rebooted'"
wait_for 60 "nodetwo online again" both_online
pid_after=$(init_pid nodetwo)
tap_check "nodetwo was power-cycled (PID 1 $pid_before -> $pid_after) and is online again ($(elapsed "$t0") s)" \
    sh -c "[ -n '$pid_after' ] && [ '$pid_before' != '$pid_after' ] && grep -q 'set power 0' '$S/bmc/nodetwo/power.log' && grep -q 'set power 1' '$S/bmc/nodetwo/power.log'"
phase "fence_ipmilan by hand"

# ---------------------------------------------------------------- answers
ANS=$S/fence.answers
SECRET=$S/fence.secret
( umask 077; printf 'node1=%s\nnode2=%s\n' "$PW" "$PW" > "$SECRET" )
{ printf '%s\n' storage=shared "shared_disk=$DISK_DEV"
  "$CL" fence-answers --secret "$SECRET" --delay 5; } > "$ANS"
setup() {   # setup ARGS...: hacon setup on nodeone; $W/out, $W/rc
    X nodeone hacon setup "$@" > "$W/out" 2>&1
    echo $? > "$W/rc"
}
cib_conf() { X nodeone cibadmin -Q --scope configuration 2> /dev/null; }
# ocheck DESC CMD...: tap_check that shows hacon's output when it fails.
ocheck() {
    local d=$1; shift
    if "$@"; then tap_ok "$d"; else tap_fail "$d"; tail -n 15 "$W/out" | sed 's/^/#   /'; fi
}

setup list --answers "$ANS"
ocheck "list: fence to do, stonith blocked until fence is applied" sh -c \
    "grep -Eq '^3 fence +to do' '$W/out' && grep -Eq '^4 stonith +blocked .*apply step fence first' '$W/out'"

{ cat "$ANS"; echo "fence_node2_params=ip=${BMC_IP[nodetwo]} colour=blue"; } > "$S/a1"
setup plan fence --answers "$S/a1"
ocheck "a parameter fence_ipmilan does not have: refused, named (exit $(cat "$W/rc"))" \
    sh -c "[ \$(cat '$W/rc') != 0 ] && grep -q \"fence_node2_params: fence_ipmilan has no parameter 'colour'\" '$W/out'"
{ cat "$ANS"; echo "fence_node1_params=ip=${BMC_IP[nodeone]} password=$PW"; } > "$S/a2"
setup plan fence --answers "$S/a2"
ocheck "a password in the answers: refused, and not echoed" \
    sh -c "[ \$(cat '$W/rc') != 0 ] && grep -q 'password is a secret' '$W/out' && ! grep -qF '$PW' '$W/out'"
cp "$SECRET" "$S/open.secret"; chmod 644 "$S/open.secret"
{ cat "$ANS"; echo "fence_secret_file=$S/open.secret"; } > "$S/a3"
setup plan fence --answers "$S/a3"
ocheck "a secret file others can read: refused (mode named)" \
    sh -c "[ \$(cat '$W/rc') != 0 ] && grep -q 'readable by others (mode 0644)' '$W/out'"
rm -f "$S/open.secret"

setup plan fence --answers "$ANS"
ocheck "plan: two fence_ipmilan devices, each kept off its own node, stonith on, a delay" sh -c \
    "grep -q 'crm configure primitive st_nodeone stonith:fence_ipmilan params ip=${BMC_IP[nodeone]} .*pcmk_host_list=nodeone pcmk_delay_max=5s password_script=' '$W/out' &&
     grep -q 'crm configure location l_st_nodetwo st_nodetwo -inf: nodetwo' '$W/out' &&
     grep -q 'live check: nodetwo.s fence device answers (fence_ipmilan -o status from nodeone)' '$W/out'"
ocheck "plan: priority-fencing-delay (measured at apply) and a priority on every resource" sh -c \
    "grep -q 'crm configure rsc_defaults priority=1' '$W/out' &&
     grep -q 'crm configure property priority-fencing-delay=[0-9]*s' '$W/out' &&
     grep -q 'the apply measures the live status' '$W/out'"
ocheck "plan: the secret files are named but not shown, the password nowhere" sh -c \
    "grep -q '(secret: [0-9]* bytes, not shown)' '$W/out' && ! grep -qF '$PW' '$W/out'"

# On a terminal without fence_secret_file, apply asks for the password
# without echo and keeps it in HACON_STATE_DIR/fence.secret (0600).
grep -v '^fence_secret_file=' "$ANS" > "$S/a5"
sock=hcfence$$
X nodeone tmux -L "$sock" new-session -d -x 100 -y 30 \
    "hacon setup apply fence --answers $S/a5; echo EXIT=\$?; sleep 60"
tscreen() { X nodeone tmux -L "$sock" capture-pane -p; }
wait_for 20 "the password prompt" sh -c "$(declare -f X tscreen); CL='$CL' sock=$sock; tscreen | grep -q \"node1's device\""
X nodeone tmux -L "$sock" send-keys "$PW" Enter
wait_for 10 "the second prompt" sh -c "$(declare -f X tscreen); CL='$CL' sock=$sock; tscreen | grep -q \"node2's device\""
X nodeone tmux -L "$sock" send-keys Enter
wait_for 60 "the Apply question" sh -c "$(declare -f X tscreen); CL='$CL' sock=$sock; tscreen | grep -q 'Apply?'"
X nodeone tmux -L "$sock" send-keys n Enter
wait_for 10 "apply to end" sh -c "$(declare -f X tscreen); CL='$CL' sock=$sock; tscreen | grep -q 'EXIT='"
tscreen > "$W/tty.screen"
X nodeone tmux -L "$sock" kill-server 2> /dev/null
tap_check "on a terminal: the password typed without echo, kept in /var/lib/hacon/fence.secret (0600), not applied when refused" sh -c \
    "grep -q 'EXIT=2' '$W/tty.screen' && ! grep -qF '$PW' '$W/tty.screen' &&
     [ \"\$('$CL' exec nodeone stat -c %a /var/lib/hacon/fence.secret)\" = 600 ] &&
     '$CL' exec nodeone grep -qx 'node2=$PW' /var/lib/hacon/fence.secret"
X nodeone rm -f /var/lib/hacon/fence.secret
phase "answers and plan"

# ---------------------------------------------------------------- wrong password
cib_conf > "$W/cib-before"
( umask 077; printf 'node1=%s\nnode2=wrong\n' "$PW" > "$S/bad.secret" )
{ cat "$ANS"; echo "fence_secret_file=$S/bad.secret"; } > "$S/a4"
setup apply fence --answers "$S/a4" --yes
ocheck "a wrong password: the live status check fails the step, rolled back (exit $(cat "$W/rc"))" sh -c \
    "[ \$(cat '$W/rc') != 0 ] && grep -q 'rolled back' '$W/out' && grep -q 'fence-status fence_ipmilan' '$W/out'"
cib_conf > "$W/cib-after-bad"
tap_check "... the CIB configuration as before" cmp -s "$W/cib-before" "$W/cib-after-bad"
tap_check "... no secret file left on either node" sh -c \
    "! '$CL' exec nodeone ls /var/lib/hacon/fence/st_nodeone.secret 2> /dev/null &&
     ! '$CL' exec nodetwo ls /var/lib/hacon/fence/st_nodetwo.secret 2> /dev/null"
rm -f "$S/bad.secret"
phase "wrong password"

# ---------------------------------------------------------------- apply
echo fence_test=yes >> "$ANS"
pid_before=$(init_pid nodetwo)
t0=$(now)
setup apply fence --answers "$ANS" --yes
t_apply=$(elapsed "$t0")
if [ "$(cat "$W/rc")" = 0 ] && grep -q '^Step fence applied and verified' "$W/out"; then
    tap_ok "apply fence with fence_test=yes: applied and verified ($t_apply s)"
else
    tap_fail "apply fence (exit $(cat "$W/rc"))"; sed 's/^/#   /' "$W/out" | tail -n 25
fi
grep -E 'test fence|fenced after|priority-fencing-delay=' "$W/out" | sed 's/^/# /'
pfd=$(X nodeone crm_attribute -G -n priority-fencing-delay -q 2> /dev/null)
est=$(sed -n 's/.*priority-fencing-delay=[0-9]*s: a fence takes about \([0-9]*\) s here.*/\1/p' "$W/out")
tap_check "priority-fencing-delay=${pfd:-none}: derived from the fence time measured (about ${est:-?} s), above it" \
    sh -c '[ -n "$2" ] && [ "${1%s}" -gt "$2" ]' sh "${pfd:-0s}" "$est"
pid_after=$(init_pid nodetwo)
ocheck "the test fence power-cycled nodetwo, the passive node (PID 1 $pid_before -> $pid_after), which is online again" \
    sh -c "[ -n '$pid_after' ] && [ '$pid_before' != '$pid_after' ] && grep -q 'test fence: nodetwo power-cycled and Online again' '$W/out'"
tap_check "the fencer's history has the reboot of nodetwo" sh -c \
    "'$CL' exec nodeone stonith_admin --history nodetwo | grep -q 'reboot of nodetwo successful'"
cib_conf > "$W/cib-applied"
X nodeone crm configure show > "$W/crm-applied" 2>&1
tap_check "the CIB: st_nodeone and st_nodetwo (fence_ipmilan), stonith-enabled=true" sh -c \
    "grep -q '^primitive st_nodeone stonith:fence_ipmilan' '$W/crm-applied' &&
     grep -q '^primitive st_nodetwo stonith:fence_ipmilan' '$W/crm-applied' &&
     grep -q 'stonith-enabled=true' '$W/crm-applied'"
tap_check "the password is not in the CIB" sh -c "! grep -qF '$PW' '$W/cib-applied'"
tap_check "the secret files: mode 0600 on both nodes" sh -c \
    "for n in nodeone nodetwo; do for d in st_nodeone st_nodetwo; do
        [ \"\$('$CL' exec \$n stat -c %a /var/lib/hacon/fence/\$d.secret)\" = 600 ] || exit 1
     done; done"
tap_check "the password is in no transcript or checkpoint of the state directory" sh -c \
    "! '$CL' exec nodeone grep -rqF '$PW' /var/lib/hacon/checkpoints"
wait_for 60 "both devices started" sh -c \
    "'$CL' exec nodeone crm_mon -1 | grep -q 'st_nodeone.*Started nodetwo' &&
     '$CL' exec nodeone crm_mon -1 | grep -q 'st_nodetwo.*Started nodeone'"
tap_check "each device runs on the other node" [ $? = 0 ]
setup list --answers "$ANS"
ocheck "rerun: fence done, stonith done (fencing stays on)" sh -c \
    "grep -Eq '^3 fence +done' '$W/out' && grep -Eq '^4 stonith +done .*STONITH stays enabled' '$W/out'"
phase "apply with a test fence"

# ---------------------------------------------------------------- the fencer
# nodetwo's cluster daemons die, its processes stay: the cluster cannot
# know that nodetwo is harmless, so nodeone fences it.
pid_before=$(init_pid nodetwo)
t0=$(now)
"$CL" node nodetwo kill-daemons > /dev/null
wait_for 60 "nodetwo power-cycled by the fencer" sh -c \
    "p=\$(cat '$S/nodetwo/init.pid' 2> /dev/null); [ -n \"\$p\" ] && [ \"\$p\" != '$pid_before' ]"
t_fenced=$(elapsed "$t0")
wait_for 60 "nodetwo online again" both_online
t_back=$(elapsed "$t0")
tap_check "Pacemaker fenced nodetwo through its BMC after its daemons died (power-cycled after ${t_fenced}s, online again after ${t_back}s)" \
    sh -c "'$CL' exec nodeone stonith_admin --history nodetwo --verbose | grep 'reboot of nodetwo successful' | grep -q 'client=pacemaker-controld'"
phase "the fencer"

# ---------------------------------------------------------------- rollback
X nodeone hacon setup rollback fence --answers "$ANS" --yes > "$W/rb.out" 2>&1
tap_check "rollback fence: exit 0" [ $? = 0 ]
cib_conf > "$W/cib-rolled"
tap_check "... the devices and their constraints are gone, stonith-enabled as before" sh -c \
    "! grep -q 'st_node' '$W/cib-rolled' && [ \"\$(grep -c stonith-enabled '$W/cib-rolled')\" = \"\$(grep -c stonith-enabled '$W/cib-before')\" ]"
tap_check "... the secret files are gone on both nodes" sh -c \
    "for n in nodeone nodetwo; do
        '$CL' exec \$n sh -c 'ls /var/lib/hacon/fence/*.secret' > /dev/null 2>&1 && exit 1
     done; true"
phase "rollback"

# ---------------------------------------------------------------- console
# The console's answers form: p on fence_secret_file takes the password
# without showing it, into HACON_STATE_DIR/fence.secret (0600).
idx=$(X nodeone hacon setup answers 2> /dev/null | grep -E '^#?[a-z0-9_]+=' \
      | grep -n -E '^#?fence_secret_file=' | cut -d: -f1)
csock=hcfcon$$
X nodeone tmux -L "$csock" new-session -d -x 100 -y 40 "hacon; sleep 60"
cscreen() { X nodeone tmux -L "$csock" capture-pane -p; }
ckey() { X nodeone tmux -L "$csock" send-keys "$@"; }
seen=""
cwait() {   # cwait SECONDS REGEX: until the console shows it
    wait_for "$1" "console: $2" sh -c "$(declare -f X cscreen); CL='$CL' csock=$csock; cscreen | grep -Eq \"$2\""
    seen="$seen$(cscreen)"
}
cwait 30 "Resources"
ckey w
cwait 120 "Enter Plan"
ckey e
cwait 30 "Answers of the guided setup"
ckey g
for _ in $(seq $((idx - 1))); do ckey Down; done
cwait 10 "p: type the password"
ckey p
cwait 10 "typed, not shown"
ckey -l "$PW"
cwait 10 "typed, not shown"
ckey Enter
cwait 10 "password kept in"
ckey s
cwait 60 "answers saved"
seen="$seen$(cscreen)"
ckey q
X nodeone tmux -L "$csock" kill-server 2> /dev/null
tap_check "console: p on fence_secret_file takes the password unseen, into /var/lib/hacon/fence.secret (0600), named by the saved answers" sh -c \
    "[ \"\$('$CL' exec nodeone stat -c %a /var/lib/hacon/fence.secret)\" = 600 ] &&
     [ \"\$('$CL' exec nodeone cat /var/lib/hacon/fence.secret)\" = '$PW' ] &&
     '$CL' exec nodeone grep -qx 'fence_secret_file=/var/lib/hacon/fence.secret' /var/lib/hacon/answers"
case $seen in
    *"$PW"*) tap_fail "console: the password never on the screen" ;;
    *) tap_ok "console: the password never on the screen" ;;
esac
X nodeone rm -f /var/lib/hacon/fence.secret /var/lib/hacon/answers
phase "console: the password in the answers form"

# ---------------------------------------------------------------- sbd, qdevice
# A real sbd header on the shared disk (no watchdog is needed to write or
# read one): the plan takes msgwait from it.
X nodeone sbd -d "$DISK_DEV" -1 15 -4 30 create > "$W/sbd-create.out" 2>&1
tap_check "sbd -d $DISK_DEV create (a header, no daemon)" [ $? = 0 ]
cat > "$W/sbd.answers" <<EOF
storage=shared
shared_disk=$DISK_DEV
fencing=sbd
sbd_device=$DISK_DEV
sbd_watchdog_timeout=15
fence_delay=10
EOF
cp "$W/sbd.answers" "$S/sbd.answers"
setup plan fence --answers "$S/sbd.answers"
ocheck "sbd plan: the header kept (msgwait 30 s read from it), stonith-timeout 36s, fence_sbd, a delay" sh -c \
    "grep -q 'has an sbd header already (msgwait 30 s): kept' '$W/out' &&
     grep -q 'crm configure primitive st_sbd stonith:fence_sbd params devices=$DISK_DEV pcmk_delay_max=10s' '$W/out' &&
     grep -q 'crm configure property stonith-timeout=36s' '$W/out' && ! grep -q ' create\$' '$W/out'"
ocheck "sbd plan: priority-fencing-delay 60s, above a fence by sbd (msgwait 30 s + fence_delay 10 s)" \
    grep -q 'crm configure property priority-fencing-delay=60s' "$W/out"
{ cat "$S/sbd.answers"; echo priority_fencing_delay=40; } > "$S/sbd40.answers"
setup plan fence --answers "$S/sbd40.answers"
ocheck "sbd plan: priority_fencing_delay=40, not above that 40 s: refused, saying why (exit $(cat "$W/rc"))" sh -c \
    "[ \$(cat '$W/rc') != 0 ] && grep -q 'priority_fencing_delay=40 is not more than a fence by sbd takes (msgwait 30 s + fence_delay 10 s = 40 s)' '$W/out'"
setup plan fence --answers "$S/sbd.answers"
ocheck "sbd plan: sbd starts before pacemaker on each node, the peer first" sh -c \
    "grep -A6 '^Commands:' '$W/out' | grep -q '\\[nodetwo\\] /etc/init.d/pacemaker stop' &&
     grep -q '^  /etc/init.d/sbd start' '$W/out'"
# The planned /etc/default/sbd, from the plan's diff of nodeone's copy.
awk '/^  \[here\] \/etc\/default\/sbd/ { f = 1; next }
     f && /^  \[/ { f = 0 }
     f && /^    \+\+\+/ { next }
     f && /^    [+ ]/ { print substr($0, 6) }' "$W/out" > "$W/sbd.default"
tap_diff "sbd plan: /etc/default/sbd as the golden copy" "$GOLDEN/sbd.default" "$W/sbd.default"
# sbd in a namespace node: the plan says it cannot be applied here, and
# apply refuses it before any change (--force or not): a namespace node
# shares this machine's kernel, and sbd's watchdog would reset the
# machine (tests/vmcluster runs sbd in VMs).  The apply is tried only when
# the plan carries the refusal, so that a broken plan never reaches it.
ocheck "sbd plan in a namespace node: CANNOT BE APPLIED HERE (a container, the host's kernel), answer fencing=agent" sh -c \
    "grep -q 'CANNOT BE APPLIED HERE: nodeone runs in a container (hc-cluster)' '$W/out' &&
     grep -q 'answer fencing=agent' '$W/out'"
if grep -q 'CANNOT BE APPLIED HERE' "$W/out"; then
    cib_conf > "$W/cib-before-sbd"
    sbd_state() {
        for n in nodeone nodetwo; do
            echo "$n: $("$CL" exec $n sh -c 'md5sum < /etc/default/sbd 2> /dev/null; pidof sbd')"
        done
        grep -c '^softdog ' /proc/modules
    }
    sbd_state > "$W/sbd-before"
    setup apply fence --answers "$S/sbd.answers" --yes --force
    ocheck "sbd apply in a namespace node: refused before any change (exit $(cat "$W/rc"))" sh -c \
        "[ \$(cat '$W/rc') != 0 ] && grep -q 'fencing=sbd refused: nodeone runs in a container' '$W/out'"
    cib_conf > "$W/cib-after-sbd"
    tap_check "... the CIB configuration as before" cmp -s "$W/cib-before-sbd" "$W/cib-after-sbd"
    sbd_state > "$W/sbd-after"
    tap_diff "... /etc/default/sbd, sbd and softdog as before on both nodes" "$W/sbd-before" "$W/sbd-after"
else
    tap_skip "sbd apply in a namespace node: the plan did not refuse it, so it is not tried"
fi

# The qdevice plan (t-qdevice applies it): the third host qnetd of
# `up --qnetd`; in a namespace node the diskless sbd half is skipped, and
# the plan shows what a node of its own would get.
{ printf '%s\n' storage=shared "shared_disk=$DISK_DEV"
  "$CL" fence-answers --qdevice; } > "$S/qd.answers"
setup plan fence --answers "$S/qd.answers"
ocheck "qdevice plan: corosync.conf gets the quorum device instead of two_node, on both nodes" sh -c \
    "grep -Eq '^    \+[[:space:]]+model: net' '$W/out' && grep -Eq '^    \+[[:space:]]+host: $QNETD_HOST' '$W/out' &&
     grep -Eq '^    -[[:space:]]+two_node: 1' '$W/out' && [ \"\$(grep -c '/etc/corosync/corosync.conf (mode' '$W/out')\" = 2 ]"
ocheck "qdevice plan: diskless sbd skipped in a namespace node (stonith-watchdog-timeout=70s shown, not set), and why the third vote" sh -c \
    "grep -q 'SKIPPED: diskless sbd' '$W/out' && grep -q 'stonith-watchdog-timeout=70s:' '$W/out' &&
     ! grep -q 'crm configure property stonith-watchdog-timeout' '$W/out' &&
     grep -q 'both halves of a split network keep quorum' '$W/out' &&
     grep -q '^  corosync-qdevice-net-certutil -Q -n hacluster $QNETD_HOST nodeone nodetwo' '$W/out'"
awk '/^  Diskless sbd, not done here:/ { f = 1; next }
     f && !/^  / { f = 0 }
     f { print substr($0, 3) }' "$W/out" > "$W/qd.default"
tap_diff "qdevice plan: /etc/default/sbd without a device, as the golden copy" "$GOLDEN/sbd-diskless.default" "$W/qd.default"
phase "sbd and qdevice plans"

# ---------------------------------------------------------------- down
if "$CL" down > "$W/down.log" 2>&1; then
    down_done=1
    tap_ok "down: nothing left (BMCs, nodes, namespaces)"
else
    tap_fail "down"; sed 's/^/#   /' "$W/down.log" | tail -n 20
fi
tap_check "no ipmi_sim of this instance left" sh -c \
    "! pgrep -f '[i]pmi_sim -n -c $S/bmc' > /dev/null"
echo "# total $(elapsed "$T_ALL")s"
tap_done
