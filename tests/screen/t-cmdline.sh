#!/bin/sh
# The console's command line (`:`), on a copy of the tutorial's CIB in
# tmux at 80x24: the prompt opens in the bottom row; the tutorial's wrong
# colocation is refused naming the word and the promoted role; Tab
# completes a resource id; a correct line shows its diff and preview (the
# question asked once, in the bottom row), y/Enter commits it to the file
# and n cancels; a backwards colocation is explained and f applies it as
# meant; a misspelt cluster option gets a "did you mean"; --read-only
# previews and never commits; the history file
# gets the lines and Up recalls them in the next session; Esc closes;
# the terminal is restored at exit.
#
# Waits are deadlines on what the screen shows, never fixed sleeps.
. "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
tap_need_cmd tmux cibadmin crm_attribute crm_simulate
here=$HACON_TOP/tests/screen
fix=$HACON_TOP/tests/golden/cib

work=$(mktemp -d /tmp/hacon-cmdline.XXXXXX)
sock=hacon-cmdline-$$
cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null
    # The slow crm_simulate that a cancel leaves behind.
    [ -f "$work/slow/pids" ] && while read -r p; do
        kill "$p" 2>/dev/null; done < "$work/slow/pids"
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
. "$here/screen-lib.sh"
export TZ=UTC

cp "$fix/tutorial.xml" "$work/cl.xml"
hist=$work/history
U8="TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 HACON_HISTORY=$hist"

# bottom NAME TEXT: until the bottom row is TEXT (trailing blanks dropped).
bottom() {
    _end=$(( $(date +%s) + 10 ))
    while [ "$(date +%s)" -le "$_end" ]; do
        [ "$(screen "$1" | tail -n 1 | sed 's/[[:space:]]*$//')" = "$2" ] \
            && return 0
        sleep 0.05
    done
    echo "# bottom row of $1 is not '$2'; the screen was:"
    screen "$1" | sed 's/^/#   /'
    return 1
}

# prop NAME: the cluster property's value in the CIB file.
prop() {
    CIB_file="$work/cl.xml" crm_attribute -t crm_config -n "$1" -G -q \
        2>/dev/null
}

start cl 80x24 $U8 CIB_file=cl.xml
if wait_for cl "dhcp (ocf:hacon:dhcpd)"; then
    T send-keys -t cl :
    bottom cl ":" && tap_ok ": opens the prompt in the bottom row" \
        || tap_fail ": opens the prompt in the bottom row"

    # The tutorial's colocation names a resource that does not exist.
    T send-keys -t cl -l "colocation drbd_on_net inf: testnet drbd"
    T send-keys -t cl Enter
    wait_for cl "no resource named drbd; did you mean drbd-r0-master:Promoted?" \
        && tap_ok "a wrong word is named, with a suggestion" \
        || tap_fail "a wrong word is named, with a suggestion"
    bottom cl ":" && tap_ok "the prompt stays open after an error" \
        || tap_fail "the prompt stays open after an error"

    # Tab completes a resource id from the CIB.
    T send-keys -t cl -l "resource move tes"
    T send-keys -t cl Tab
    bottom cl ":resource move testnet" \
        && tap_ok "Tab completes tes to testnet" \
        || tap_fail "Tab completes tes to testnet"
    T send-keys -t cl C-u
    bottom cl ":" || true

    # Two words possible: Tab lists them in the pane.
    T send-keys -t cl -l "resource move d"
    T send-keys -t cl Tab
    wait_for cl "completions:" && screen cl | grep -q "drbd-r0-master" \
        && screen cl | grep -q "dhcp" \
        && tap_ok "Tab lists the candidates" \
        || tap_fail "Tab lists the candidates"
    T send-keys -t cl C-u

    # A correct line: diff and preview, then n cancels.
    T send-keys -t cl -l "resource move dhcp nodetwo"
    T send-keys -t cl Enter
    if wait_for cl "Apply? [Enter/y]" && screen cl | grep -q "cli-prefer-dhcp" \
        && wait_for cl "Move       dhcp" \
        && screen cl | grep -q "Cluster actions:"; then
        tap_ok "a move shows the CIB diff and the crm_simulate preview"
    else
        tap_fail "a move shows the CIB diff and the crm_simulate preview"
    fi
    n_apply=$(screen cl | grep -c "Apply?")
    [ "$n_apply" = 1 ] && tap_ok "the question is asked once" \
        || tap_fail "the question is asked once (seen $n_apply times)"
    T send-keys -t cl n
    wait_for cl "Cancelled." \
        && ! grep -q cli-prefer-dhcp "$work/cl.xml" \
        && tap_ok "n cancels: the CIB file is unchanged" \
        || tap_fail "n cancels: the CIB file is unchanged"

    # The tutorial's backwards colocation: explained, f applies it as
    # meant (dhcp placed with testnet).
    T send-keys -t cl -l "colocation ip_dhcp inf: testnet dhcp"
    T send-keys -t cl Enter
    if wait_for cl "[f] as meant" && screen cl | grep -q "testnet follows dhcp" \
        && screen cl | grep -q "colocation ip_dhcp inf: dhcp testnet"; then
        tap_ok "a backwards colocation is explained, with the line as meant"
    else
        tap_fail "a backwards colocation is explained, with the line as meant"
    fi
    T send-keys -t cl f
    wait_for cl "Applied as meant" \
        && grep -q '<rsc_colocation id="ip_dhcp" score="INFINITY" rsc="dhcp" with-rsc="testnet"/>' \
            "$work/cl.xml" \
        && tap_ok "f applies the line as meant" \
        || tap_fail "f applies the line as meant ($(grep ip_dhcp "$work/cl.xml"))"

    # A misspelt cluster option, checked against Pacemaker's own list.
    T send-keys -t cl -l "property no-quorum-polcy=ignore"
    T send-keys -t cl Enter
    wait_for cl "did you mean no-quorum-policy?" \
        && tap_ok "a misspelt cluster option: did you mean" \
        || tap_fail "a misspelt cluster option: did you mean"
    T send-keys -t cl C-u

    # A property, applied with Enter.
    T send-keys -t cl -l "configure property maintenance-mode=true"
    T send-keys -t cl Enter
    wait_for cl "Apply? [Enter/y]" && screen cl | grep -q "maintenance-mode" \
        && tap_ok "a property shows its diff" \
        || tap_fail "a property shows its diff"
    T send-keys -t cl Enter
    wait_for cl "Applied" && [ "$(prop maintenance-mode)" = true ] \
        && tap_ok "Enter applies: maintenance-mode=true in the CIB file" \
        || tap_fail "Enter applies: maintenance-mode=true in the CIB file ($(prop maintenance-mode))"
    # The console follows the file it changed.
    wait_for cl "! maintenance mode" \
        && tap_ok "the header shows the change" \
        || tap_fail "the header shows the change"

    T send-keys -t cl Escape
    bottom cl "F1/? Help  w Setup  f Failover  : crm  Tab View  / Search  Enter Detail  q Quit" \
        && tap_ok "Esc closes the prompt" \
        || tap_fail "Esc closes the prompt"
    # The newest entry is the last (G): reading Pacemaker's option list
    # for the property lines came before it.
    T send-keys -t cl 6
    wait_for cl "[6 Transcript]" && T send-keys -t cl G
    wait_for cl "crm configure property maintenance-mode=true" \
        && tap_ok "the commit is in the transcript" \
        || tap_fail "the commit is in the transcript"
    quit_ok cl "command line"
else
    tap_fail "console shows the tutorial cluster"
fi

if [ -f "$hist" ] \
    && grep -qx "colocation drbd_on_net inf: testnet drbd" "$hist" \
    && grep -qx "configure property maintenance-mode=true" "$hist"; then
    tap_ok "the history file has the lines"
else
    tap_fail "the history file has the lines"
fi

# gone PID: the process ends within 2 s (the slow crm_simulate would
# live 4 s more if it were left to finish).
gone() {
    _end=$(( $(date +%s) + 2 ))
    while kill -0 "$1" 2> /dev/null; do
        [ "$(date +%s)" -gt "$_end" ] && return 1
        sleep 0.05
    done
}

# --- a slow crm_simulate: the preview comes from a child, the console
# answers meanwhile --------------------------------------------------------
mkdir -p "$work/slow"
real_sim=$(command -v crm_simulate)
printf '#!/bin/sh\necho $$ >> "%s"\nsleep 4\nexec "%s" "$@"\n' \
    "$work/slow/pids" "$real_sim" \
    > "$work/slow/crm_simulate"
chmod +x "$work/slow/crm_simulate"
cp "$fix/tutorial.xml" "$work/slow.xml"
mkdir -p "$work/slow/tmp"
start slow 80x24 TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \
    HACON_HISTORY="$work/slow/history" CIB_file=slow.xml \
    PATH="$work/slow:$PATH" TMPDIR="$work/slow/tmp"
if wait_for slow "dhcp (ocf:hacon:dhcpd)"; then
    T send-keys -t slow :
    T send-keys -t slow -l "resource move testnet nodetwo"
    T send-keys -t slow Enter
    wait_for slow "computing (crm_simulate)" 5 \
        && tap_ok "slow preview: the diff shows at once, the preview is pending" \
        || tap_fail "slow preview: the diff shows at once, the preview is pending"
    # While crm_simulate sleeps, keys are answered (the pane scrolls).
    T send-keys -t slow PageDown
    if wait_gone slow "CIB changes:" 2 \
        && screen slow | grep -q "computing (crm_simulate)"; then
        tap_ok "slow preview: the console answers keys meanwhile"
    else
        tap_fail "slow preview: the console answers keys meanwhile"
    fi
    T send-keys -t slow PageUp
    wait_for slow "Move       testnet" 20 \
        && tap_ok "slow preview: the preview arrives" \
        || tap_fail "slow preview: the preview arrives"
    T send-keys -t slow n
    wait_for slow "Cancelled." && T send-keys -t slow Escape
    # Cancelled while crm_simulate still runs: answered at once.
    T send-keys -t slow :
    T send-keys -t slow -l "resource move dhcp nodetwo"
    T send-keys -t slow Enter
    wait_for slow "computing (crm_simulate)" 5
    T send-keys -t slow n
    wait_for slow "Cancelled." 2 \
        && tap_ok "slow preview: n cancels at once" \
        || tap_fail "slow preview: n cancels at once"
    # The cancelled crm_simulate is ended with its group, and its
    # temporary CIB removed.
    # The file goes once the console has reaped the child, a moment after
    # the process: both are waited for (5 s; a busy machine was seen to
    # check the file between the two).
    sim_pid=$(tail -n 1 "$work/slow/pids")
    cancel_clean() { ! kill -0 "$1" 2> /dev/null && [ -z "$(ls -A "$work/slow/tmp")" ]; }
    _end=$(( $(date +%s) + 5 ))
    until cancel_clean "$sim_pid" || [ "$(date +%s)" -gt "$_end" ]; do sleep 0.05; done
    cancel_clean "$sim_pid" \
        && tap_ok "slow preview: a cancel ends crm_simulate and removes its CIB" \
        || tap_fail "slow preview: a cancel ends crm_simulate ($sim_pid) and removes its CIB ($(ls "$work/slow/tmp"))"
    T send-keys -t slow Escape
    quit_ok slow "slow preview"
    # The console quits (Ctrl-C) while a preview computes: nothing of it
    # outlives the console.
    start slow2 80x24 TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \
        HACON_HISTORY="$work/slow/history" CIB_file=slow.xml \
        PATH="$work/slow:$PATH" TMPDIR="$work/slow/tmp"
    wait_for slow2 "dhcp (ocf:hacon:dhcpd)"
    T send-keys -t slow2 :
    T send-keys -t slow2 -l "resource move dhcp nodetwo"
    T send-keys -t slow2 Enter
    wait_for slow2 "computing (crm_simulate)" 5
    n0=$(wc -l < "$work/slow/pids")
    _end=$(( $(date +%s) + 10 ))
    until [ "$(wc -l < "$work/slow/pids")" -gt "$n0" ] \
        || [ "$(date +%s)" -gt "$_end" ]; do sleep 0.05; done
    T send-keys -t slow2 C-c
    wait_for slow2 "EXITED" 10
    # The file goes once the console has reaped the child, a moment after
    # the process: both are waited for (5 s; a busy machine was seen to
    # check the file between the two).
    sim_pid=$(tail -n 1 "$work/slow/pids")
    cancel_clean() { ! kill -0 "$1" 2> /dev/null && [ -z "$(ls -A "$work/slow/tmp")" ]; }
    _end=$(( $(date +%s) + 5 ))
    until cancel_clean "$sim_pid" || [ "$(date +%s)" -gt "$_end" ]; do sleep 0.05; done
    cancel_clean "$sim_pid" \
        && tap_ok "slow preview: quitting ends crm_simulate and removes its CIB" \
        || tap_fail "slow preview: quitting ends crm_simulate ($sim_pid) and removes its CIB ($(ls "$work/slow/tmp"))"
    T kill-session -t slow2
else
    tap_fail "console with a slow crm_simulate"
fi

# --- read-only: the same flow, nothing committed; Up recalls history ----
printf '#!/bin/sh\nexec "%s" --read-only "$@"\n' "$HACON" > "$work/hacon-ro"
chmod +x "$work/hacon-ro"
HACON=$work/hacon-ro start ro 80x24 $U8 CIB_file=cl.xml
if wait_for ro "dhcp (ocf:hacon:dhcpd)"; then
    T send-keys -t ro :
    wait_for ro "Read-only console" \
        && tap_ok "read-only: the prompt says so" \
        || tap_fail "read-only: the prompt says so"
    T send-keys -t ro Up
    bottom ro ":configure property maintenance-mode=true" \
        && tap_ok "Up recalls the last line of the history file" \
        || tap_fail "Up recalls the last line of the history file"
    T send-keys -t ro C-u
    T send-keys -t ro -l "configure property maintenance-mode=false"
    T send-keys -t ro Enter
    wait_for ro "not applied" && T send-keys -t ro Enter y
    # Esc leaves the preview, a second Esc the prompt.
    T send-keys -t ro Escape
    wait_for ro "Cancelled." && T send-keys -t ro Escape
    bottom ro "F1/? Help  w Setup  f Failover  : crm  Tab View  / Search  Enter Detail  q Quit" \
        && [ "$(prop maintenance-mode)" = true ] \
        && tap_ok "read-only: Enter and y do not commit" \
        || tap_fail "read-only: Enter and y do not commit"
    quit_ok ro "read-only command line"
else
    tap_fail "read-only console shows the tutorial cluster"
fi

# --- an agent installed while the console runs (a package, the guided
# setup's step): the next line sees it, as `hacon crm` would; the agents'
# meta-data are not kept from before ---------------------------------------
mkdir -p "$work/ocf/resource.d" "$work/late"
for d in /usr/lib/ocf/resource.d/* /usr/lib/ocf/lib; do
    [ -e "$d" ] && ln -s "$d" "$work/ocf/${d#/usr/lib/ocf/}"
done
cp "$fix/tutorial.xml" "$work/late.xml"
start late 80x24 $U8 HACON_HISTORY="$work/late/history" CIB_file=late.xml \
    OCF_ROOT="$work/ocf"
if wait_for late "dhcp (ocf:hacon:dhcpd)"; then
    T send-keys -t late :
    T send-keys -t late -l "primitive late1 ocf:late:thing"
    T send-keys -t late Enter
    wait_for late "no agent ocf:late:thing" \
        && tap_ok "late agent: a line naming an agent not installed is refused" \
        || tap_fail "late agent: a line naming an agent not installed is refused"
    bottom late ":" || true
    mkdir -p "$work/ocf/resource.d/late"
    cat > "$work/late/thing" <<'AGENT'
#!/bin/sh
case $1 in
meta-data) cat <<'XML'
<?xml version="1.0"?>
<resource-agent name="thing" version="1.0">
  <version>1.1</version>
  <shortdesc lang="en">a thing</shortdesc>
  <parameters>
    <parameter name="size" required="0"><content type="string"/></parameter>
  </parameters>
  <actions><action name="meta-data" timeout="5s"/></actions>
</resource-agent>
XML
;;
*) exit 3 ;;
esac
AGENT
    chmod +x "$work/late/thing"
    mv "$work/late/thing" "$work/ocf/resource.d/late/thing"
    # The same line again, in the same prompt.
    T send-keys -t late -l "primitive late1 ocf:late:thing params size=4"
    T send-keys -t late Enter
    if wait_for late "CIB changes:" \
        && ! screen late | grep -q "no agent"; then
        tap_ok "late agent: once installed, the next line uses it"
    else
        tap_fail "late agent: once installed, the next line uses it"
    fi
    # Esc cancels the plan (or closes the prompt), Esc closes the prompt.
    T send-keys -t late Escape
    wait_re late "Cancelled\.|F1/\? Help" 10 || true
    T send-keys -t late Escape
    bottom late "F1/? Help  w Setup  f Failover  : crm  Tab View  / Search  Enter Detail  q Quit" || true
    quit_ok late "late agent"
else
    tap_fail "late agent: the console starts"
fi

tap_done
