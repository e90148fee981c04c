#!/bin/sh
# Screen tests of the console: the real hacon in tmux (a private server,
# fixed size), keys sent with send-keys, the screen read with
# `capture-pane -p` and compared with tests/screen/expected/*.screen.
# Every view on the CIB_file fixtures; 100x40 and a resize; ASCII (LANG=C,
# TERM=vt100 and linux) and monochrome (NO_COLOR); escaping of hostile
# text; a CIB file that changes and one that appears later; no cluster at
# all; quitting, SIGTERM and SIGSEGV leave the terminal as it was; the
# Leases view on a hostile lease file (escaping, sort, filter, growth) and
# the DRBD view on captured /proc/drbd and events2 (sync, history, fencing).
#
#   t-screen.sh --update    rewrites the expected screens (review the diff)
#
# Waits are deadlines on what the screen shows, never fixed sleeps.
. "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
tap_need_cmd tmux python3 cibadmin
here=$HACON_TOP/tests/screen
exp=$here/expected
fix=$HACON_TOP/tests/golden/cib
update=false
[ "${1:-}" = --update ] && update=true && mkdir -p "$exp"

work=$(mktemp -d /tmp/hacon-screen.XXXXXX)
sock=hacon-screen-$$
cleanup() { tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM
. "$here/screen-lib.sh"
# A session that stays until cleanup, so that the tmux server does not exit
# (and race the next new-session) whenever the last test session is killed.
T new-session -d -s keep -x 80 -y 24 "exec sleep 600"
export TZ=UTC

# The fixtures are read from $work under short names so that the header
# ("CIB: file tutorial.xml") does not depend on where the tree is.
cp "$fix"/*.xml "$work/"
python3 "$HACON_TOP/tests/golden/gen-large-cib.py" 32 1000 > "$work/large.xml"

# check NAME SCREEN: compares the screen (trailing blanks dropped) with
# expected/SCREEN.screen.  The console redraws asynchronously (after a key,
# a resize), so the screen is read again until it matches or 10 s passed;
# with --update, until two reads 0.5 s apart agree.
check() {
    _end=$(( $(date +%s) + 10 ))
    _out=$work/$2.screen
    while :; do
        screen "$1" | sed 's/[[:space:]]*$//' > "$_out"
        if $update; then
            sleep 0.5
            screen "$1" | sed 's/[[:space:]]*$//' | cmp -s - "$_out" && break
        else
            cmp -s "$exp/$2.screen" "$_out" && break
        fi
        [ "$(date +%s)" -gt "$_end" ] && break
        sleep 0.1
    done
    $update && cp "$_out" "$exp/$2.screen"
    tap_diff "screen $2" "$exp/$2.screen" "$_out"
}

# keys NAME KEY... then wait until the view shows MARKER (last argument).
keys_then() {
    _n=$1; shift
    _m=$(eval echo "\${$#}")
    _i=0 _c=$(($# - 1))
    for _k in "$@"; do
        _i=$((_i + 1)); [ $_i -gt $_c ] && break
        T send-keys -t "$_n" "$_k"
    done
    wait_for "$_n" "$_m"
}

U8="TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8"

# --- every view on the tutorial cluster, 80x24, UTF-8, colour ----------
start tut 80x24 $U8 CIB_file=tutorial.xml
if wait_for tut "dhcp (ocf:hacon:dhcpd)"; then
    check tut tutorial-resources
    keys_then tut 2 "[2 Constraints]" && check tut tutorial-constraints
    keys_then tut 3 "[3 Corosync]" && check tut tutorial-corosync
    keys_then tut Tab "[4 DRBD]" && check tut tutorial-drbd
    keys_then tut Tab "[5 Leases]" && check tut tutorial-leases
    keys_then tut 6 "[6 Transcript]" && check tut tutorial-transcript
    keys_then tut BTab "[5 Leases]" && tap_ok "Shift-Tab goes back"
    keys_then tut F1 "hacon console: keys" && check tut help
    keys_then tut Escape "[5 Leases]" && tap_ok "Esc closes the help"
    # Search: / dhcp Enter selects the dhcp line; Enter opens it.
    keys_then tut 1 / d h c p Enter Enter "Resource dhcp" \
        && check tut tutorial-detail-dhcp
    keys_then tut Escape "[1 Resources]" && tap_ok "Esc closes the detail"
    quit_ok tut tutorial
else
    tap_fail "console shows the tutorial cluster"
fi

# --- the other fixtures -------------------------------------------------
for f in failed standby bare fenced nodevice; do
    start "$f" 80x24 $U8 CIB_file=$f.xml
    if wait_for "$f" "CIB: file $f.xml"; then
        check "$f" "$f-resources"
    else
        tap_fail "console shows $f.xml"
    fi
    T kill-session -t "$f"
done
start moved 80x24 $U8 CIB_file=moved.xml
if wait_for moved "leftover move"; then
    check moved moved-resources
    keys_then moved 2 "LEFT BY A MOVE" && check moved moved-constraints
else
    tap_fail "console shows moved.xml with its leftover constraint"
fi
T kill-session -t moved
# A move with a lifetime (a real crm_resource --move --lifetime on a copy
# of the tutorial): a rule-based cli-prefer with no node=; the Resources
# view says what it does, not only its warning colour.
if command -v crm_resource > /dev/null; then
    cp "$work/tutorial.xml" "$work/lifetime.xml"
    CIB_file="$work/lifetime.xml" crm_resource --move -r dhcp -N nodetwo \
        --lifetime PT1H > /dev/null 2>&1
    until=$(sed -n 's/.*date_expression.* end="\([^"]*\)".*/\1/p' "$work/lifetime.xml")
    start lifetime 120x24 $U8 CIB_file=lifetime.xml
    tap_check "a move with a lifetime: MOVED: pinned to nodetwo until ${until:-?} in the Resources view" \
        wait_for lifetime "dhcp (ocf:hacon:dhcpd): Started on nodeone  MOVED: pinned to nodetwo until $until"
    T kill-session -t lifetime
else
    tap_skip "crm_resource not installed: no lifetime move"
fi

# --- 100x40, then a resize to 80x24 and to 60x15 -----------------------
start big 100x40 $U8 CIB_file=failed.xml
if wait_for big "Failed actions"; then
    check big failed-100x40
    T resize-window -t big -x 80 -y 24
    wait_for big "[1 Resources]" && check big failed-resized-80x24
    T resize-window -t big -x 60 -y 15
    wait_for big "[1 Resources]" && check big failed-resized-60x15
    quit_ok big resize
else
    tap_fail "console at 100x40"
fi

# --- a bundle's replicas, as crm_mon lists them --------------------------
corpus=${HACON_CORPUS:-$HACON_TOP/../shared/corpus/pacemaker-scheduler}
if [ -f "$corpus/bundle-order-stop-on-remote.xml" ]; then
    cp "$corpus/bundle-order-stop-on-remote.xml" "$work/bundle.xml"
    start bundle 100x60 $U8 CIB_file=bundle.xml
    if wait_for bundle "replica 0: galera-bundle-0 (ocf:heartbeat:galera): Promoted on database-0 FAILED"; then
        tap_ok "bundle: each replica on crm_mon's line, its parts below it"
        tap_check "bundle: a replica's parts under it" sh -c \
            "tmux -L '$sock' capture-pane -p -t bundle | grep -A3 'replica 1: galera-bundle-1 (ocf:heartbeat:galera): Promoted on database-1' | grep -q 'galera-bundle-docker-1 (ocf:heartbeat:docker): Started on database-1'"
        quit_ok bundle "bundle"
    else
        tap_fail "bundle: each replica on crm_mon's line, its parts below it"
        screen bundle | sed 's/^/#   /'
        T kill-session -t bundle
    fi
else
    tap_skip "no scheduler corpus at $corpus (../shared/corpus is absent)"
fi

# --- the header's third line: the counts never fall off ------------------
# A long CIB_file path gives way to the file's name, a long name to an
# ellipsis in its middle; on a narrow terminal the line still ends with
# the counts, never mid-word.
counts="Nodes: 2/2 online  Resources: 5  Failed: 1"
line3() { screen "$1" | sed -n 3p | sed 's/[[:space:]]*$//'; }
deep=$work/a-rather-long-directory-name/another-level-of-directories/x
mkdir -p "$deep"
cp "$fix/failed.xml" "$deep/failed.xml"
cp "$fix/failed.xml" "$deep/cluster-captured-after-the-failover-test-of-tuesday.xml"
start deep 80x24 $U8 "CIB_file=$deep/failed.xml"
if wait_for deep "Failed: 1"; then
    l=$(line3 deep)
    tap_check "long CIB_file path: the file's name and all counts ($l)" \
        [ "$l" = "CIB: file failed.xml  $counts" ]
    T resize-window -t deep -x 60 -y 15
    wait_for deep "Failed: 1" > /dev/null
    l=$(line3 deep)
    tap_check "at 60 columns the line ends with the counts ($l)" \
        sh -c "[ \"\${#1}\" -le 60 ] && case \"\$1\" in *\"$counts\") true;; *) false;; esac" - "$l"
    quit_ok deep "long path"
else
    tap_fail "console with a long CIB_file path"
fi
start longname 80x24 $U8 \
    "CIB_file=$deep/cluster-captured-after-the-failover-test-of-tuesday.xml"
if wait_for longname "Failed: 1"; then
    l=$(line3 longname)
    tap_check "long file name: cut in its middle, all counts ($l)" \
        sh -c "[ \"\${#1}\" -le 80 ] && case \"\$1\" in 'CIB: file cluster-'*'...'*'tuesday.xml  $counts') true;; *) false;; esac" - "$l"
    quit_ok longname "long file name"
else
    tap_fail "console with a long CIB_file name"
fi

# --- ASCII terminals and monochrome ------------------------------------
for term in vt100 linux; do
    start "a$term" 80x24 TERM=$term LANG=C LC_ALL=C CIB_file=tutorial.xml
    if wait_for "a$term" "dhcp (ocf:hacon:dhcpd)"; then
        # The tree is drawn with the terminal's line drawing (ACS), which
        # capture-pane shows as its letters on vt100.
        check "a$term" "ascii-$term-resources"
        if T capture-pane -p -t "a$term" | LC_ALL=C grep -q '[^ -~]'; then
            tap_fail "ASCII locale on $term: only ASCII on the screen"
        else
            tap_ok "ASCII locale on $term: only ASCII on the screen"
        fi
        quit_ok "a$term" "ascii $term"
    else
        tap_fail "console in ASCII on $term"
    fi
done

start mono 80x24 $U8 NO_COLOR=1 CIB_file=failed.xml
start colr 80x24 $U8 CIB_file=failed.xml
if wait_for mono "Failed actions" && wait_for colr "Failed actions"; then
    # -e shows SGR sequences: colours are 3x/9x/38;... parameters.
    if T capture-pane -e -p -t mono | grep -qE '\[([0-9;]*;)?(3[0-7]|38|9[0-7])(;[0-9;]*)?m'; then
        tap_fail "NO_COLOR: no colour on the screen"
    else
        tap_ok "NO_COLOR: no colour on the screen"
    fi
    if T capture-pane -e -p -t colr | grep -qE '\[([0-9;]*;)?(3[0-7]|38|9[0-7])(;[0-9;]*)?m'; then
        tap_ok "colour terminal: colours are used"
    else
        tap_fail "colour terminal: colours are used"
    fi
    check mono mono-failed
else
    tap_fail "console in monochrome"
fi
T kill-session -t mono
T kill-session -t colr

# --- hostile text from the CIB never reaches the terminal raw ----------
# XML cannot carry ESC itself, but an attribute value can carry newlines,
# C1 controls (U+009B is CSI for some terminals), quotes and wide text.
sed -e 's|value="eth2"|value="eth2\&#10;\&#x9b;31mX\&quot;\&#x65e5;\&#x672c;"|' \
    "$work/tutorial.xml" > "$work/hostile.xml"
start evil 80x24 $U8 CIB_file=hostile.xml
if wait_for evil "dhcp (ocf:hacon:dhcpd)"; then
    keys_then evil / d h c p Enter Enter "Resource dhcp" \
        && check evil hostile-detail
    if T capture-pane -e -p -t evil | grep -q "$(printf '\302\233')"; then
        tap_fail "a C1 control from the CIB is escaped"
    else
        tap_ok "a C1 control from the CIB is escaped"
    fi
else
    tap_fail "console shows a CIB with hostile text"
fi
T kill-session -t evil

# --- a large cluster: 32 nodes x 1000 resources -------------------------
start large 80x24 $U8 CIB_file=large.xml
if wait_for large "node01: online" 60; then
    T send-keys -t large End
    wait_for large "Failed actions" 60 \
        && tap_ok "large CIB: End reaches the last lines"
    T send-keys -t large Home
    wait_for large "node01" 60 && check large large-top
    quit_ok large "large CIB"
else
    tap_fail "console shows the 32 x 1000 CIB"
fi

# --- the CIB changes under the console ----------------------------------
cp "$work/tutorial.xml" "$work/live.xml"
start live 80x24 $U8 CIB_file=live.xml
if wait_for live "dhcp (ocf:hacon:dhcpd)"; then
    CIB_file="$work/live.xml" cibadmin -M -o crm_config -X \
        '<cluster_property_set id="cib-bootstrap-options"><nvpair id="cib-bootstrap-options-maintenance-mode" name="maintenance-mode" value="true"/></cluster_property_set>' \
        > "$work/cibadmin.out" 2>&1
    if wait_for live "! maintenance mode"; then
        tap_ok "a change of the CIB file shows without a key"
    else
        tap_fail "a change of the CIB file shows without a key"
    fi
    quit_ok live "changed CIB"
else
    tap_fail "console shows live.xml"
fi

# --- a CIB file that is missing, then appears ---------------------------
start late 80x24 $U8 CIB_file=late.xml
if wait_for late "NOT CONNECTED (waiting for the file)"; then
    check late missing-file
    cp "$work/tutorial.xml" "$work/late.tmp" && mv "$work/late.tmp" "$work/late.xml"
    if wait_for late "dhcp (ocf:hacon:dhcpd)" && wait_gone late "NOT CONNECTED"; then
        tap_ok "the console connects when the CIB file appears"
    else
        tap_fail "the console connects when the CIB file appears"
    fi
    quit_ok late "late file"
else
    tap_fail "console with a missing CIB file says so"
fi

# --- no cluster at all: stays up, says so, keeps trying -----------------
# A new network namespace has no pacemaker or corosync IPC sockets (they
# are abstract sockets), whatever runs on this machine.
if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
    start none 80x24 $U8 unshare -n
    # (env runs "unshare -n $HACON": see start.)
    if wait_for none "NOT CONNECTED (retrying)"; then
        check none no-cluster
        keys_then none 3 "Corosync: not connected" \
            && check none no-cluster-corosync
        # Two retry periods later it is still up and answering keys.
        keys_then none 1 "[1 Resources]" \
            && tap_ok "without a cluster the console stays up"
        quit_ok none "no cluster"
    else
        tap_fail "console without a cluster says NOT CONNECTED"
    fi
else
    tap_skip "no cluster: needs root for unshare -n"
fi

# --- signals: SIGTERM exits cleanly, SIGSEGV still restores the tty -----
for sig in TERM SEGV; do
    start "s$sig" 80x24 $U8 CIB_file=tutorial.xml
    if wait_for "s$sig" "dhcp (ocf:hacon:dhcpd)"; then
        pane=$(T display-message -p -t "s$sig" '#{pane_pid}')
        pid=$(pgrep -P "$pane" -x hacon)
        kill -"$sig" "$pid"
        if wait_for "s$sig" EXITED 10 \
            && screen "s$sig" | grep -q TTY-RESTORED; then
            tap_ok "SIG$sig: the terminal is restored"
        else
            tap_fail "SIG$sig: the terminal is restored"
        fi
        want=0; [ $sig = SEGV ] && want=139
        if screen "s$sig" | grep -q "EXITED $want"; then
            tap_ok "SIG$sig: exit status $want"
        else
            tap_fail "SIG$sig: exit status $want ($(screen "s$sig" | grep EXITED))"
        fi
    else
        tap_fail "console for SIG$sig"
    fi
    T kill-session -t "s$sig"
done

# --- the Leases view on a lease file and dhcpd.conf given -------------
# edge-hostile holds client hostnames with escape sequences, quotes and
# NUL: they show escaped.  HACON_NOW pins "now" for "in 12 h".  The files
# are copied under short names so that the title does not depend on $work.
lfix=$HACON_TOP/tests/leases/fixtures/edge-hostile
cp "$lfix/dhcpd.leases" "$work/hostile.leases"
cp "$lfix/dhcpd.conf" "$work/hostile.conf"
start lz 80x24 $U8 CIB_file=tutorial.xml HACON_NOW=1795600800 \
    HACON_LEASES=hostile.leases HACON_DHCPD_CONF=hostile.conf
if wait_for lz "dhcp (ocf:hacon:dhcpd)" && keys_then lz 5 "ADDRESS^"; then
    check lz leases-hostile
    if screen lz | grep -qF '\x1b[2J'; then
        tap_ok "leases: an escape sequence in a hostname shows escaped"
    else
        tap_fail "leases: an escape sequence in a hostname shows escaped"
    fi
    # s: sort by MAC, s again: by hostname; r reverses.
    keys_then lz s s "HOSTNAME^" && check lz leases-sort-hostname
    keys_then lz r "HOSTNAMEv" && tap_ok "leases: r reverses the sort"
    # / nul Enter, then F: only the leases whose hostname has "nul".
    keys_then lz / n u l Enter F 'filter "nul"' \
        && check lz leases-filter
    # The lease file grows: the view follows it (a timer, every 2 s).
    printf 'lease 10.10.101.150 {\n  starts 3 2026/11/25 10:00:00;\n  ends 3 2026/11/25 22:00:00;\n  binding state active;\n  hardware ethernet 02:00:00:00:01:50;\n  client-hostname "appended";\n}\n' >> "$work/hostile.leases"
    T send-keys -t lz / Enter F
    if wait_for lz "appended" 10; then
        tap_ok "leases: a lease appended to the file appears"
    else
        tap_fail "leases: a lease appended to the file appears"
    fi
    quit_ok lz leases
else
    tap_fail "console shows the Leases view of a given lease file"
    T kill-session -t lz
fi

# The same in an ASCII locale: only ASCII, escaped once (no doubled \).
start alz 80x24 TERM=vt100 LANG=C LC_ALL=C CIB_file=tutorial.xml \
    HACON_NOW=1795600800 HACON_LEASES=hostile.leases
if wait_for alz "[1 Resources]" && keys_then alz 5 "ADDRESS^"; then
    if T capture-pane -p -t alz | LC_ALL=C grep -q '[^ -~]'; then
        tap_fail "leases in ASCII: only ASCII on the screen"
    else
        tap_ok "leases in ASCII: only ASCII on the screen"
    fi
    tap_check "leases in ASCII: hostnames escaped once" \
        sh -c "tmux -L '$sock' capture-pane -p -t alz | grep -qF ' \\x1b[2J...'"
else
    tap_fail "console shows the Leases view in ASCII"
fi
T kill-session -t alz

# --- the DRBD view on captured /proc/drbd: mid-sync and connected -------
dcap=$HACON_TOP/tests/drbd/captures
start dsync 80x24 $U8 CIB_file=tutorial.xml \
    HACON_DRBD_PROC="$dcap/sync-mid.alpha.proc"
if wait_for dsync "dhcp (ocf:hacon:dhcpd)" && keys_then dsync 4 "ETA"; then
    check dsync drbd-sync-mid
    quit_ok dsync "drbd mid-sync"
else
    tap_fail "console shows a DRBD resync with progress and ETA"
    T kill-session -t dsync
fi
start dok 80x24 $U8 CIB_file=tutorial.xml \
    HACON_DRBD_PROC="$dcap/connected-uptodate.alpha.proc"
if wait_for dok "dhcp (ocf:hacon:dhcpd)" && keys_then dok 4 "peer disk UpToDate"; then
    check dok drbd-uptodate
else
    tap_fail "console shows DRBD Connected UpToDate/UpToDate"
fi
T kill-session -t dok
# A replayed events2 capture: the recent state changes follow.
start dev2 80x24 $U8 CIB_file=tutorial.xml \
    HACON_DRBD_EVENTS2="$dcap/live.alpha.events2"
if wait_for dev2 "[1 Resources]" && keys_then dev2 4 "history:"; then
    check dev2 drbd-history
else
    tap_fail "console shows DRBD's recent state changes"
fi
T kill-session -t dev2
# A fencing constraint left in the CIB: the header warns on every view.
cp "$HACON_TOP/tests/drbd/cib/r0-fenced.xml" "$work/fenced.xml"
start dfen 80x24 $U8 CIB_file=fenced.xml \
    HACON_DRBD_PROC="$dcap/outdated.alpha.proc"
if wait_for dfen "[1 Resources]" && keys_then dfen 4 "resource r0"; then
    check dfen drbd-fenced
else
    tap_fail "console shows DRBD with a CIB that fenced it"
fi
T kill-session -t dfen

# --- not a terminal: a clear message, no curses --------------------------
if CIB_file="$work/tutorial.xml" "$HACON" < /dev/null > "$work/notty" 2>&1; then
    tap_fail "without a terminal hacon refuses to start the console"
else
    tap_check "without a terminal hacon refuses to start the console" \
        grep -q "needs a terminal" "$work/notty"
fi

tap_done
