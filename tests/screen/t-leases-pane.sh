#!/bin/sh
# Screen tests of the console's Leases pane beyond t-screen.sh:
#  * a lease file read over ssh that answers slowly: the console goes on
#    answering keys while ssh waits, then the leases arrive (and later an
#    appended one), with the pool usage bars of this node's dhcpd.conf.  The "ssh" first in PATH is a wrapper that runs the
#    command here, but only once the test removes a hold file;
#  * the console ended while ssh is held (q, its terminal gone, SIGTERM):
#    no ssh of its read is left;
#  * the state filter key (t): active, free, expired, ..., all, in the
#    pane's title, and only the leases in that state listed.
# The real hacon in tmux; waits are deadlines on what the screen shows.
. "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
tap_need_cmd tmux
here=$HACON_TOP/tests/screen
work=$(mktemp -d /tmp/hacon-lpane.XXXXXX)
sock=hacon-lpane-$$
cleanup() {
    rm -f "$work/hold"
    tmux -L "$sock" kill-server 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
. "$here/screen-lib.sh"
T new-session -d -s keep -x 80 -y 24 "exec sleep 600"
export TZ=UTC
U8="TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8"

cp "$HACON_TOP/tests/golden/cib/tutorial.xml" "$work/"
cp "$HACON_TOP/tests/leases/fixtures/edge-hostile/dhcpd.leases" \
    "$work/hostile.leases"
cp "$HACON_TOP/tests/leases/fixtures/edge-hostile/dhcpd.conf" \
    "$work/hostile.conf"

# ssh [OPTIONS] -- NODE COMMAND: COMMAND here, after the hold is gone
# (60 s at most); each call leaves a mark.
mkdir "$work/bin"
cat > "$work/bin/ssh" <<EOF
#!/bin/sh
while [ \$# -gt 0 ] && [ "\$1" != "--" ]; do shift; done
shift 2
echo "\$*" >> "$work/ssh-calls"
end=\$((\$(date +%s) + 60))
while [ -e "$work/hold" ] && [ \$(date +%s) -lt \$end ]; do sleep 0.1; done
exec sh -c "\$*"
EOF
chmod +x "$work/bin/ssh"

# wait_file FILE SECONDS: until FILE exists.
wait_file() {
    _end=$(( $(date +%s) + $2 ))
    while [ ! -e "$1" ]; do
        [ "$(date +%s)" -gt "$_end" ] && return 1
        sleep 0.05
    done
}

# --- a slow remote read --------------------------------------------------
touch "$work/hold"
start slow 80x24 $U8 "PATH=$work/bin:$PATH" CIB_file=tutorial.xml \
    HACON_NOW=1795600800 "HACON_LEASES=$work/hostile.leases" \
    "HACON_DHCPD_CONF=$work/hostile.conf" HACON_LEASES_NODE=peer
if wait_for slow "[1 Resources]" && T send-keys -t slow 5 \
    && wait_for slow "reading the lease file on peer (ssh)..." \
    && wait_file "$work/ssh-calls" 20; then
    tap_ok "leases over ssh: the pane says it is reading"
    # ssh is held: keys are still answered (help, then back).
    T send-keys -t slow '?'
    if wait_for slow "search in the view (Enter: find" 5; then
        tap_ok "leases over ssh: the console answers keys while ssh waits"
    else
        tap_fail "leases over ssh: the console answers keys while ssh waits"
    fi
    T send-keys -t slow Escape
    if wait_for slow "reading the lease file on peer (ssh)..." 5; then
        tap_ok "leases over ssh: Esc answered too, still reading"
    else
        tap_fail "leases over ssh: Esc answered too, still reading"
    fi
    rm -f "$work/hold"
    if wait_for slow "15 addresses, 16 records" 30 \
        && wait_for slow "10.10.101.100" 5; then
        tap_ok "leases over ssh: the leases arrive once ssh answers"
    else
        tap_fail "leases over ssh: the leases arrive once ssh answers"
    fi
    tap_check "leases over ssh: the pool usage bars (dhcpd.conf read here)" \
        wait_re slow '^range 10\.10\.101\.100-10\.10\.101\.199 +\[[#+.]{20}\] ' 5
    tap_check "leases over ssh: read with stat and tail through ssh" \
        sh -c "grep -q \"^'stat' '-L'\" '$work/ssh-calls' && grep -q \"^'tail' '-c' '+1'\" '$work/ssh-calls'"
    printf 'lease 10.10.101.150 {\n  starts 3 2026/11/25 10:00:00;\n  ends 3 2026/11/25 22:00:00;\n  binding state active;\n  hardware ethernet 02:00:00:00:01:50;\n  client-hostname "appended";\n}\n' >> "$work/hostile.leases"
    if wait_for slow "16 addresses, 17 records" 30; then
        tap_ok "leases over ssh: an appended lease arrives"
    else
        tap_fail "leases over ssh: an appended lease arrives"
    fi
    quit_ok slow "leases over ssh"
else
    tap_fail "leases over ssh: the pane says it is reading"
    T kill-session -t slow
fi
rm -f "$work/hold"

# --- the console ends while ssh is held ----------------------------------
# Nothing of the read may outlive the console: not after q, not after its
# terminal is gone (tmux kill-session: SIGHUP, as a dropped ssh session),
# not after SIGTERM.  The held "ssh" would wait 60 s.
held() { pgrep -f "$work/bin/ssh" > /dev/null; }
# gone_within SECONDS: no held ssh left by then.
gone_within() {
    _end=$(( $(date +%s) + $1 ))
    while held; do
        [ "$(date +%s)" -lt "$_end" ] || return 1
        sleep 0.1
    done
}
for how in q hup term; do
    touch "$work/hold"
    rm -f "$work/ssh-calls"
    start "end$how" 80x24 $U8 "PATH=$work/bin:$PATH" CIB_file=tutorial.xml \
        HACON_NOW=1795600800 "HACON_LEASES=$work/hostile.leases" \
        "HACON_DHCPD_CONF=$work/hostile.conf" HACON_LEASES_NODE=peer
    if wait_for "end$how" "[1 Resources]" && T send-keys -t "end$how" 5 \
        && wait_file "$work/ssh-calls" 20 && held; then
        case $how in
        q) T send-keys -t "end$how" q ;;
        hup) T kill-session -t "end$how" ;;
        term) kill -TERM "$(pgrep -P "$(T display -p -t endterm \
                  '#{pane_pid}')" -x hacon)" ;;
        esac
        if gone_within 3; then
            tap_ok "console ended ($how) while ssh was held: no ssh left"
        else
            tap_fail "console ended ($how) while ssh was held: no ssh left"
            ps -o pid,pgid,etimes,args -p "$(pgrep -d, -f "$work/bin/ssh")" \
                | sed 's/^/#   /'
        fi
    else
        tap_fail "console ended ($how): the read over ssh started"
    fi
    rm -f "$work/hold"
    T kill-session -t "end$how" 2> /dev/null
    gone_within 10
done

# --- / finds what the screen shows ----------------------------------------
# The hostile hostnames are shown escaped (\x1b[2J, a\"b): a search typed
# as the screen shows them selects their row (the row drawn in reverse).
selected() {
    T capture-pane -e -p -t "$1" | grep -E "$(printf '\033')\[([0-9]+;)*7m" \
        | sed "s/$(printf '\033')\[[0-9;]*m//g"
}
# find NAME TEXT ADDRESS: / TEXT Enter selects the row of ADDRESS.
find_row() {
    T send-keys -t "$1" -l "/$2"
    T send-keys -t "$1" Enter
    _end=$(($(date +%s) + 10))
    while [ "$(date +%s)" -le $_end ]; do
        selected "$1" | grep -q "^$3 " && return 0
        sleep 0.2
    done
    return 1
}
start srch 80x24 $U8 CIB_file=tutorial.xml HACON_NOW=1795600800 \
    HACON_LEASES=hostile.leases
if wait_for srch "[1 Resources]" && T send-keys -t srch 5 \
    && wait_for srch "ADDRESS^"; then
    for q in 'a\"b;c 10.10.101.101' '\x1b[2J 10.10.101.100' \
             'nul\x00in 10.10.101.104' 'a"b 10.10.101.101'; do
        text=${q% *} addr=${q##* }
        if find_row srch "$text" "$addr"; then
            tap_ok "/$text selects $addr, whose hostname shows it"
        else
            tap_fail "/$text selects $addr (selected: $(selected srch))"
            screen srch | sed 's/^/#   /'
        fi
    done
    T send-keys -t srch -l "/no-such-host"
    T send-keys -t srch Enter
    if wait_for srch "not found: no-such-host" 10; then
        tap_ok "/ text that no row shows: not found"
    else
        tap_fail "/ text that no row shows: not found"
    fi
    quit_ok srch "leases search"
else
    tap_fail "leases search: the pane opens"
    T kill-session -t srch
fi

# --- t: only the leases in one state -------------------------------------
# rows_in NAME STATE: the table rows on the screen, and how many of them
# are in STATE (the state column, padded, after the hostname column; no
# hostname of the fixture holds a state's name between blanks).
rows_in() {
    screen "$1" | awk -v st="$2" '
        /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+ / {
            n++; if ($0 ~ (" " st " ")) k++
        }
        END { printf "%d %d\n", n, k }'
}
# want STATE: the number of leases in STATE, from hacon leases.
want() {
    "$HACON" leases --leases "$work/hostile.leases" --no-config \
        --state="$1" --format=json | python3 -c \
        'import json, sys; print(len(json.load(sys.stdin)["leases"]))'
}
start st 100x45 $U8 CIB_file=tutorial.xml HACON_NOW=1795600800 \
    HACON_LEASES=hostile.leases HACON_DHCPD_CONF=hostile.conf
if wait_for st "[1 Resources]" && T send-keys -t st 5 \
    && wait_for st "ADDRESS^"; then
    all=$(rows_in st x)
    for state in active free expired released abandoned backup; do
        T send-keys -t st t
        if wait_for st "; state $state" 10; then
            n=$(want "$state")
            got=$(rows_in st "$state")
            if [ "$got" = "$n $n" ] || { [ "$n" = 0 ] \
                && screen st | grep -qF "(no lease matches)"; }; then
                tap_ok "t: only the $n $state leases (title says state $state)"
            else
                tap_fail "t: only the $n $state leases, got rows/in state: $got"
            fi
        else
            tap_fail "t: the title says state $state"
        fi
    done
    T send-keys -t st t
    if wait_gone st "; state " 10 && [ "$(rows_in st x)" = "$all" ]; then
        tap_ok "t: after backup, all leases again ($all)"
    else
        tap_fail "t: after backup, all leases again"
    fi
    quit_ok st "state filter"
else
    tap_fail "console shows the Leases view for the state filter"
    T kill-session -t st
fi

tap_done
