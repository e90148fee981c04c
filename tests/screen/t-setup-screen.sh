#!/bin/bash
# The setup screen as a newcomer meets it, at 80x24, keys only: the key
# line names w, f and :, an empty Resources view points to w; the step
# list selects the first step that can be applied and says when it is
# checking again; the answers form (e) lists every answer with its help,
# value and origin, checks a value as it is typed, refuses answers that do
# not fit together, saves them to the state directory (mode 0600, the old
# file kept) and the steps use them from then on; from a blocked step, e
# goes straight to the answer its message names.
#
# No cluster: the steps run on a CIB file (CIB_file), the files under
# HACON_ROOT, and the peer is an ssh that is refused at once (the steps
# that need it say so).  The guided setup on a real cluster is
# tests/wizard/t-console.sh; the facts detected on a peer are in
# tests/wizard/t-file-steps.sh.
. "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
tap_need_cmd tmux
[ -x "$HACON" ] || tap_skip_all "build/hacon not built (make)"

work=$(mktemp -d /tmp/hacon-setup-screen.XXXXXX)
sock=hacon-setup-$$
cleanup() { tmux -L "$sock" kill-server 2> /dev/null; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 1' INT TERM
. "$HACON_TOP/tests/screen/screen-lib.sh"
T new-session -d -s keep -x 80 -y 24 "exec sleep 600"
export TZ=UTC

cp "$HACON_TOP"/tests/golden/cib/tutorial.xml "$HACON_TOP"/tests/golden/cib/bare.xml "$work/"
mkdir -p "$work/root" "$work/state"
# Every ssh to a node fails after a second (a check of the steps takes a
# few seconds, as on a cluster): no node is reachable here.
printf 'Host *\n    ProxyCommand sh -c "sleep 1; exit 1"\n' > "$work/ssh_config"
ENV="TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 HACON_ROOT=$work/root \
HACON_STATE_DIR=$work/state HACON_SSH_CONFIG=$work/ssh_config"

key() { T send-keys -t "$@"; }
# selected NAME: the text of the selected (reverse video) rows of the body.
selected() {
    T capture-pane -e -p -t "$1" | sed '$d' | grep -E $'^\e\\[(0;)?7m' \
        | grep -v 'Resources\]' | sed 's/\x1b\[[0-9;]*m//g'
}
footer() { screen "$1" | tail -n 1; }

# ---------------------------------------------------------------- first look
start bare 80x24 $ENV CIB_file=bare.xml
wait_for bare "Resources" > /dev/null
tap_check "the key line at 80 columns names w Setup, f Failover and : crm" \
    bash -c "$(declare -f T screen footer); sock=$sock
             footer bare | grep -qF 'w Setup  f Failover  : crm' &&
             footer bare | grep -qF 'q Quit'"
tap_check "an empty Resources view says where to begin" \
    wait_for bare "no resources yet: press w for the guided setup" 5
T kill-session -t bare

# ---------------------------------------------------------------- the list
start c 80x24 $ENV CIB_file=tutorial.xml
wait_for c "dhcp (ocf:hacon:dhcpd)" > /dev/null
key c w
wait_for c "Enter Plan" 30 > /dev/null
wait_gone c "checking" 30 > /dev/null
# preflight and cluster are blocked (no peer), stonith done, quorum, drbd
# and dhcp blocked; resources is to do but builds on quorum (blocked), and
# migrate on resources: no step can be applied, and the list selects the
# first blocked one, whose message says what stands in the way.
tap_check "no step can be applied: the first blocked step (preflight) is selected, not resources" \
    bash -c "$(declare -f T selected); sock=$sock
             selected c | grep -q '^1 preflight *blocked'"
tap_check "no step's message has JSON-style backslashes" \
    bash -c "$(declare -f T screen); sock=$sock
             ! screen c | grep -qF '\\\"'"
tap_check "the key line of the list offers e Answers" \
    bash -c "$(declare -f T screen footer); sock=$sock
             footer c | grep -qF 'e Answers'"
key c l
tap_check "l: the list says it is checking again while the old states show" \
    bash -c "$(declare -f T screen _wait wait_for); sock=$sock
             wait_for c 're-checking every step' 5 &&
             screen c | grep -q '^1 preflight'"
wait_gone c "re-checking" 30 > /dev/null
key c e
# (The peer is the node of the two this machine is not: node1 where it is
# neither.)
tap_check "e on preflight, blocked as the peer cannot be reached: the form on the peer's name" \
    bash -c "$(declare -f T selected screen _wait wait_for); sock=$sock
             wait_for c 'Answers of the guided setup' 10 &&
             selected c | grep -qE '^node[12] *= node(one|two) *default'"
key c Escape
wait_for c "answers not changed" 10 > /dev/null
sleep 3   # the facts asked of the nodes (no sign outside the form)

# The steps' commands ran in `hacon setup` children: the console's
# Transcript view has them, as typed (found with /: the steps' checks run
# at once, so where one lands among the others varies).
key c Escape 6
key c / && T send-keys -t c -l "then echo present" && key c Enter
# (n searches again: the children's commands may still be coming in.)
read_re="\\$ \\[node(one|two)\\] sh -c 'if \\[ -e \"\\\$1\" \\]; then echo present"
for _ in 1 2 3 4 5 6 7 8 9 10; do
    screen c | grep -qE -- "$read_re" && break
    key c n; sleep 1
done
tap_check "the Transcript view holds the setup's commands" wait_re c "$read_re" 2
key c w
wait_for c "re-checking" 10 > /dev/null
wait_gone c "re-checking" 30 > /dev/null

# ---------------------------------------------------------------- blocked -> answer
key c Down Down Down Down
tap_check "Down x4: quorum, blocked, is selected" \
    bash -c "$(declare -f T selected); sock=$sock
             selected c | grep -q '^5 quorum *blocked'"
key c e
wait_for c "Answers of the guided setup" 10 > /dev/null
tap_check "e on the blocked quorum step opens the form on the answer it names" \
    bash -c "$(declare -f T selected); sock=$sock
             selected c | grep -q '^quorum *= two_node *default'"
tap_check "the form shows the answer's help and where the value came from" \
    bash -c "$(declare -f T screen); sock=$sock
             screen c | grep -q 'two_node: corosync keeps quorum safely' &&
             screen c | grep -q 'read from: none: the defaults'"
tap_check "the form says the peer could not be asked for facts" \
    wait_re c "nothing detected: node(one|two) cannot be reached with ssh" 30
key c Enter
wait_for c "Enter Take it" 5 > /dev/null
key c C-u t w o
tap_check "a value is checked as it is typed: 'two' is refused" \
    wait_for c "bad value two for quorum" 5
key c Enter
tap_check "Enter does not take a bad value" wait_for c "not valid:" 5
key c Tab
tap_check "Tab goes through the choices (two_node)" wait_for c "quorum           = two_node_" 5
key c Tab
wait_for c "quorum           = ignore_" 5 > /dev/null
tap_check "ignore is valid" wait_for c "valid: Enter takes it" 5
key c Enter
tap_check "Enter takes it: edited, not saved" wait_for c "edited, not saved" 5

# An answer that does not fit the others: the floating IP in the range.
key c g
for _ in $(seq 9); do key c Down; done
tap_check "Down to vip" bash -c "$(declare -f T selected); sock=$sock
             sleep 0.3; selected c | grep -q '^vip  *= 10.10.101.1 '"
key c Enter C-u 1 0 . 1 0 . 1 0 1 . 1 5 0 Enter
wait_for c "vip set" 5 > /dev/null
key c s
tap_check "s refuses answers that do not fit together, and says why" \
    wait_for c "not saved: range_start must not be after range_end" 5
tap_check "... and writes nothing" test ! -e "$work/state/answers"
key c Enter C-u 1 0 . 1 0 . 1 0 1 . 1 Enter
wait_for c "vip set" 5 > /dev/null
key c s
tap_check "s saves the answers: the list is checked again with them" \
    wait_for c "answers saved to $work/state/answers" 10
tap_check "quorum=ignore is there, defaults are comments" \
    bash -c "grep -qx 'quorum=ignore' '$work/state/answers' &&
             grep -qx '#cluster_name=hacluster' '$work/state/answers'"
tap_check "the answers file is not world-readable (0600)" \
    test "$(stat -c %a "$work/state/answers")" = 600
wait_gone c "re-checking" 30 > /dev/null
tap_check "the steps use the saved answers: quorum is no longer blocked" \
    bash -c "$(declare -f T screen); sock=$sock
             screen c | grep -q '^5 quorum' && ! screen c | grep -q '^5 quorum *blocked'"
tap_check "quorum is done: resources can be applied now, and the list selects it" \
    bash -c "$(declare -f T selected); sock=$sock
             selected c | grep -q '^8 resources *to do'"
# Nine steps with their messages fill 80x24: the list's title is at its
# top, above the first step.
key c Up Up Up Up Up Up Up
tap_check "the list names the answers file (at its top)" wait_for c "state/answers; e edits them" 5
key c Down Down Down Down Down Down Down
env $ENV CIB_file="$work/tutorial.xml" "$HACON" setup list --answers "$work/state/answers" > "$work/list" 2>&1
tap_check "hacon setup --answers reads the saved file the same way" \
    bash -c "grep -q '^5 quorum' '$work/list' && ! grep -q '^5 quorum *blocked' '$work/list'"
# ssh to the peer fails: the cluster step names the node, ssh's own
# message and what to do, not the command that read the file.
grep '^2 cluster' "$work/list" | sed 's/^/#   /'
tap_check "ssh fails: the cluster step names the node, ssh's message and what to do" \
    grep -qF "nodeone cannot be reached by ssh as root (Connection closed by UNKNOWN port 65535): ssh-copy-id root@nodeone, then ssh nodeone true once" "$work/list"
tap_check "... without the raw sh -c read command" \
    bash -c "! grep '^2 cluster' '$work/list' | grep -qF 'sh -c'"

# ---------------------------------------------------------------- a plan
# Enter on resources: the plan opens with its summary (the change in
# words, what the cluster will then do, the crm lines); the files, the
# commands and the CIB diff come after; the key line says where one is.
key c Enter
wait_for c "Step resources:" 30 > /dev/null && wait_gone c "computing the plan" 60 > /dev/null
tap_check "a plan opens with the change in words and the simulation's outcome" \
    bash -c "$(declare -f T screen); sock=$sock
             screen c | grep -q '^Summary: what changes' &&
             screen c | grep -q '^  changes the resource testnet' &&
             screen c | grep -q '^What the cluster will do (crm_simulate -S):' &&
             ! screen c | grep -q 'CIB change'"
tap_check "the key line says line 1 of the plan's lines" \
    bash -c "$(declare -f T screen footer); sock=$sock
             footer c | grep -Eq '^line 1 of [0-9]{2,}  '"
key c NPage
tap_check "PgDn: the line indicator follows" \
    wait_re c "^line [1-9][0-9] of [0-9]{2,}  " 5
# The CIB diff, found a page at a time upwards from the end: after the
# summary's page.
key c G
cib_at=0
for _ in $(seq 10); do
    sleep 0.3
    if screen c | grep -q 'CIB change, in one atomic update'; then
        cib_at=$(footer c | sed -n 's/^line \([0-9]*\) of.*/\1/p'); break
    fi
    key c PPage
done
tap_check "the CIB diff comes after the summary (from line ${cib_at:-?} on)" \
    test "${cib_at:-0}" -gt 20
key c b
wait_for c "Enter Plan" 30 > /dev/null

# The form again: the saved answer comes from the file; Esc with edits.
key c e
wait_for c "Answers of the guided setup" 10 > /dev/null
tap_check "the form again: read from the saved file" \
    wait_for c "read from: $work/state/answers" 5
tap_check "quorum answered: e goes to the answer the first blocked step names (preflight: the peer's name)" \
    bash -c "$(declare -f T selected); sock=$sock
             selected c | grep -qE '^node[12] *= node(one|two) *default'"
key c g Enter C-u x Enter Escape
tap_check "Esc with an edit not saved asks first" \
    wait_for c "edited and not saved: s saves, Esc again drops the edits" 5
key c Escape
tap_check "Esc again leaves the form, nothing saved" \
    bash -c "$(declare -f T screen _wait wait_for); sock=$sock
             wait_for c 'answers not changed' 10 && grep -qx '#cluster_name=hacluster' '$work/state/answers'"
key c Escape
quit_ok c "setup screen"

# A console started later finds the saved answers.
start d 80x24 $ENV CIB_file=tutorial.xml
wait_for d "dhcp (ocf:hacon:dhcpd)" > /dev/null
key d w
tap_check "a new console uses the answers saved in the state directory" \
    wait_for d "state/answers; e edits them" 10
key d Escape
quit_ok d "second console"
# ---------------------------------------------------------------- the DRBD test
# t on the drbd step's plan offers the DRBD hand test, says what it does
# and asks; y runs `hacon setup test drbd` as a child, its output live.
# Here Pacemaker manages r0 (tutorial.xml): it is refused before anything
# runs on a node (the test switching DRBD for real needs DRBD: the VMs).
mkdir -p "$work/state2"
start t 80x24 ${ENV/state/state2} CIB_file=tutorial.xml
wait_for t "dhcp (ocf:hacon:dhcpd)" > /dev/null
key t w
wait_for t "Enter Plan" 30 > /dev/null
wait_gone t "checking" 30 > /dev/null
key t Down Down Down Down Down
tap_check "Down x5: the drbd step is selected" \
    bash -c "$(declare -f T selected); sock=$sock
             for i in \$(seq 50); do
                 selected t | grep -q '^6 drbd ' && exit 0; sleep 0.1
             done; exit 1"
key t Enter
# The plan's screen (its key line says it computes, or the plan's line),
# then the plan done.  The step is blocked here (tutorial.xml manages r0):
# its plan has no "Step drbd:" title.
wait_re t "computing the plan|^line [0-9]+ of" 30 > /dev/null
wait_gone t "computing the plan" 60 > /dev/null
tap_check "the drbd step's plan offers t Test" \
    bash -c "$(declare -f T screen footer); sock=$sock
             footer t | grep -qF 't Test'"
key t t
tap_check "t: what the test does, then the question" \
    bash -c "$(declare -f T screen footer _wait wait_for); sock=$sock
             wait_for t 'Test DRBD by hand (hacon setup test drbd)' 5 &&
             screen t | tr -d '\n' | tr -s ' ' | grep -q 'The roles of before are restored' &&
             footer t | grep -qF 'Run the DRBD test (switches DRBD over and back, see above)? y: yes  n/Esc: no'"
key t n
tap_check "n: nothing runs" wait_for t "not done" 5
key t t
wait_for t "Run the DRBD test" 5 > /dev/null
key t y
tap_check "y: the test runs, its output on the screen, refused: Pacemaker manages r0" \
    bash -c "$(declare -f T screen _wait wait_for); sock=$sock
             wait_for t 'DRBD test FAILED after' 60 &&
             screen t | tr -d '\n' | tr -s ' ' | grep -q 'Pacemaker manages r0'"
tap_check "refused before its first turn (no 'DRBD test 1/3' line)" \
    bash -c "$(declare -f T screen); sock=$sock
             ! screen t | grep -q 'DRBD test 1/3'"
key t Enter
tap_check "Enter: back to the steps" wait_for t "Enter Plan" 30
key t Escape
quit_ok t "setup screen after the DRBD test"
tap_done
