#!/bin/bash
# hacon's commands on the other node share one ssh connection per process,
# on two fresh machines (hc-cluster up --bare), as an admin logged in to
# nodeone over ssh runs hacon:
#  - `hacon setup list` runs its ~30 commands on nodetwo over one login
#    (nodetwo's sshd counts them), and leaves no ssh master and no socket;
#  - the console (reading the lease file on nodetwo) keeps a master while
#    it runs; q ends it at once; SIGKILL leaves it to its ControlPersist
#    timeout, which ends it and its socket within seconds;
#  - a command that a signal ends (SIGTERM, SIGHUP, SIGINT) ends its master
#    at once;
#  - a master whose node's link was cut ends within seconds (ServerAlive);
#  - an admin's own ControlMaster in ~/.ssh/config is used, not hacon's;
#  - a node that ssh cannot reach is still said to be so.
: "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$HACON_TOP/tests/tap.sh"

tap_need_root
tap_need_cmd ip nsenter unshare losetup mkfs.ext4 corosync pacemakerd \
    crm_mon dhcpd busybox sshd ssh tmux python3 modprobe
tap_need_netns
[ -x "$HACON" ] || tap_skip_all "no $HACON (run make)"

HC_CLUSTER_PREFIX=hcx$(printf '%s' "$HACON_TOP" | cksum | cut -c1-5)
export HC_CLUSTER_PREFIX HC_HACON_BIN=$HACON
unset HC_CLUSTER_STATE HC_CLUSTER_SSH_MUX
. "$HACON_TOP/tests/cluster/lib.sh"
CL=$HACON_TOP/tests/cluster/hc-cluster
work=$(mktemp -d /tmp/hc-t-ssh-share.XXXXXX)
sock=hacon-share-$$
cleanup() {
    tmux -L "$sock" kill-server 2> /dev/null
    "$CL" down --fast > "$work/down.log" 2>&1 || sed 's/^/# down: /' "$work/down.log"
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
. "$HACON_TOP/tests/screen/screen-lib.sh"

t0=$(now)
if ! "$CL" up --bare > "$work/up.log" 2>&1; then
    tap_fail "two fresh machines up"
    tail -n 30 "$work/up.log" | sed 's/^/# /'
    tap_done
fi
tap_ok "two fresh machines up ($(elapsed "$t0")s)"
X() { "$CL" exec "$@"; }
# Logins on nodetwo from nodeone so far (its sshd logs each one).
logins() { X nodetwo grep -c "Accepted publickey for root from 10.10.99.1 " /var/log/sshd.log; }
# What is left of hacon's shared connections on nodeone: ssh masters
# (ssh names itself "ssh: SOCKET [mux]") and sockets.
masters() { X nodeone sh -c 'ps -eo args | grep "^ssh: .* \[mux\]$"'; }
sockets() { X nodeone sh -c 'ls -A /run/hacon 2> /dev/null'; }
none_left() { [ -z "$(masters)$(sockets)" ]; }
has_master() { [ -n "$(masters)" ]; }
# until SECONDS CMD...: CMD succeeds within SECONDS.
until_ok() {
    local end=$(( $(date +%s) + $1 )); shift
    until "$@"; do [ "$(date +%s)" -ge "$end" ] && return 1; sleep 0.2; done
}

# ------------------------------------------------ setup list: one login
before=$(logins)
t=$(now)
"$CL" ssh nodeone 'HACON_TRANSCRIPT_FD=3 hacon setup list 3> /tmp/rec > /tmp/list 2>&1'
secs=$(elapsed "$t")
n=$(X nodeone awk -F'\t' '$6 == "nodetwo"' /tmp/rec | wc -l)
l=$(( $(logins) - before ))
echo "# hacon setup list: $n commands on nodetwo, $l login(s) there, ${secs} s"
tap_check "setup list ran its checks on nodetwo ($n commands)" [ "$n" -ge 10 ]
tap_check "... over one ssh login ($l)" [ "$l" = 1 ]
tap_check "... and the list is complete" X nodeone grep -q '^9 migrate ' /tmp/list
tap_check "no ssh master, no socket left after it" none_left

# ------------------------------------------------ preflight's copies
# nodetwo without hacon (an empty /usr/local/bin and agent directory of its
# own): preflight copies the program and both agents there over the one
# login every other command there uses, not one ssh per file.
X nodetwo sh -c 'mount -t tmpfs -o size=64m hc-nobin /usr/local/bin &&
    mount -t tmpfs -o size=1m hc-noocf /usr/lib/ocf/resource.d/hacon'
"$CL" ssh nodeone 'hacon setup answers --detect > /tmp/answers 2>&1; cp /tmp/answers /root/answers.pre'
before=$(logins)
"$CL" ssh nodeone 'HACON_TRANSCRIPT_FD=3 hacon setup apply preflight --yes --answers /tmp/answers 3> /tmp/rec-pre > /tmp/pre 2>&1'
rc=$?
l=$(( $(logins) - before ))
copies=$(X nodeone grep -c 'hacon-new' /tmp/rec-pre)
echo "# preflight apply: exit $rc, $copies copies, $l login(s) on nodetwo"
if X nodetwo test -x /usr/local/bin/hacon && [ "$rc" = 0 ]; then
    tap_ok "preflight applied: this hacon and its agents copied to nodetwo ($copies copies)"
else
    tap_fail "preflight applied: this hacon and its agents copied to nodetwo (exit $rc)"
    X nodeone cat /tmp/pre | tail -n 30 | sed 's/^/#   /'
fi
tap_check "... over one ssh login ($l)" [ "$l" = 1 ]
tap_check "no ssh master, no socket left after it" none_left
X nodetwo umount /usr/local/bin /usr/lib/ocf/resource.d/hacon
tap_check "nodeone's own hacon untouched" X nodeone test -x /usr/local/bin/hacon

# SIGTERM while preflight applies (its copies slowed: chmod on nodetwo
# waits 2 s): the signal is held until the step is rolled back, then it
# ends hacon and its master at once.
X nodetwo sh -c 'mount -t tmpfs -o size=64m hc-nobin /usr/local/bin &&
    mount -t tmpfs -o size=1m hc-noocf /usr/lib/ocf/resource.d/hacon &&
    cp /bin/chmod /run/hc/chmod.real &&
    printf "#!/bin/sh\nsleep 2\nexec /run/hc/chmod.real \"\$@\"\n" > /run/hc/chmod.slow &&
    /run/hc/chmod.real 755 /run/hc/chmod.slow && mount --bind /run/hc/chmod.slow /bin/chmod'
"$CL" ssh nodeone 'hacon setup apply preflight --yes --answers /tmp/answers > /tmp/pre-term 2>&1; echo "exit $?" >> /tmp/pre-term' &
apply_pid=$!
copying() { X nodetwo pgrep -f 'hacon-new' > /dev/null; }
no_hacon_there() { ! X nodetwo test -e /usr/local/bin/hacon; }
if until_ok 60 copying; then
    X nodeone sh -c 'kill -TERM $(pidof hacon)'
    wait "$apply_pid"
    t=$(now)
    until_ok 3 none_left
    gone=$?
    out=$(X nodeone cat /tmp/pre-term)
    if echo "$out" | grep -q "Step preflight rolled back (interrupted)"; then
        tap_ok "SIGTERM during preflight's apply: held, the step rolled back"
    else
        tap_fail "SIGTERM during preflight's apply: held, the step rolled back"
        echo "$out" | tail -n 20 | sed 's/^/#   /'
    fi
    tap_check "... nodetwo without hacon again" no_hacon_there
    last=$(echo "$out" | tail -n 1)
    tap_check "... then the signal ended it ($last)" [ "$last" = "exit 143" ]
    tap_check "... and its master and socket gone at once ($(elapsed "$t") s)" [ "$gone" = 0 ]
else
    tap_fail "SIGTERM during preflight's apply: the copy seen"
    wait "$apply_pid"
fi
until_ok 30 none_left || echo "# left: $(masters) $(sockets)"
X nodetwo sh -c 'umount /bin/chmod; umount /usr/local/bin /usr/lib/ocf/resource.d/hacon'

# ------------------------------------------------ the console
X nodetwo sh -c 'mkdir -p /var/lib/dhcp && : > /var/lib/dhcp/dhcpd.leases'
console() {
    T new-session -d -s "$1" -x 80 -y 24 \
        "'$CL' ssh nodeone hacon --leases-node nodetwo --leases /var/lib/dhcp/dhcpd.leases; echo; echo EXITED; exec sleep 600"
    wait_for "$1" "hacon  Cluster" 30 > /dev/null &&
        until_ok 30 has_master
}
if console q; then
    tap_ok "the console reading nodetwo's lease file keeps one master: $(masters)"
    before=$(logins)
    sleep 3
    tap_check "... over which it reads without a new login" [ "$(logins)" = "$before" ]
    T send-keys -t q q
    wait_for q EXITED 20 > /dev/null
    tap_check "q: the master and its socket are gone at once" until_ok 3 none_left
else
    tap_fail "the console reading nodetwo's lease file keeps a master"
    screen q | sed 's/^/#   /'
    X nodeone sh -c 'kill -KILL $(pidof hacon)'
    until_ok 30 none_left
fi

if console k; then
    X nodeone sh -c 'kill -KILL $(pidof hacon)'
    wait_for k EXITED 20 > /dev/null
    tap_check "SIGKILL to the console: its master outlives it at first" has_master
    t=$(now)
    if until_ok 30 none_left; then
        tap_ok "... and ends by itself, its socket removed, $(elapsed "$t") s later (ControlPersist)"
    else
        tap_fail "... and ends by itself (ControlPersist)"
        echo "# left: $(masters) $(sockets)"
    fi
else
    tap_fail "the console reading nodetwo's lease file keeps a master"
    screen k | sed 's/^/#   /'
fi

# ------------------------------------------------ the console's setup children
# The guided setup runs each check, plan and apply as a `hacon setup`
# child of the console: they all go over one login on nodetwo, also when
# more than ControlPersist's 10 s pass between two children (the console
# holds the master meanwhile); q ends it at once; after SIGKILL it ends
# by itself; an apply that outlives the console goes on over it and ends
# it when it is done.
# console_pid: the console (hacon whose parent is no hacon) on nodeone.
# leave NAME: Esc out of the setup screen, then q (one key at a time:
# Esc and q at once are Alt-q).
leave() {
    T send-keys -t "$1" Escape
    wait_gone "$1" "Esc Back" 10 > /dev/null
    T send-keys -t "$1" q
}
console_pid() { X nodeone sh -c 'for p in $(pidof hacon); do
    [ "$(cat /proc/$(cut -d" " -f4 /proc/$p/stat)/comm)" = hacon ] || echo $p; done'; }
wizard() {
    T new-session -d -s "$1" -x 100 -y 30 \
        "'$CL' ssh nodeone HACON_ANSWERS=/tmp/answers hacon; echo; echo EXITED; exec sleep 600"
    wait_for "$1" "w Setup" 30 > /dev/null && T send-keys -t "$1" w &&
        wait_re "$1" "^ *1 preflight" 60 > /dev/null &&
        wait_gone "$1" "checking" 60 > /dev/null
}
before=$(logins)
if wizard ws; then
    l1=$(( $(logins) - before ))
    sleep 11
    T send-keys -t ws Enter
    if wait_re ws "Step [a-z]+:" 30 > /dev/null &&
       wait_gone ws "computing the plan" 60 > /dev/null; then
        T send-keys -t ws Escape
        wait_re ws "^ *1 preflight" 30 > /dev/null && wait_gone ws "checking" 60 > /dev/null
        l=$(( $(logins) - before ))
        tap_check "the console's setup list, plan 11 s later and list again: one login on nodetwo ($l; $l1 after the first)" \
            [ "$l" = 1 ]
    else
        tap_fail "the console's setup plan"
        screen ws | sed 's/^/#   /'
    fi
    tap_check "... its master kept while the console runs" has_master
    leave ws
    wait_for ws EXITED 20 > /dev/null
    tap_check "q: the master and its socket are gone at once" until_ok 3 none_left
else
    tap_fail "the console's setup list"
    screen ws | sed 's/^/#   /'
fi
until_ok 30 none_left || echo "# left after the setup list: $(masters) $(sockets)"

if wizard wk; then
    X nodeone sh -c "kill -KILL $(console_pid)"
    wait_for wk EXITED 20 > /dev/null
    t=$(now)
    if until_ok 30 none_left; then
        tap_ok "SIGKILL to the console after a setup list: its master ends by itself $(elapsed "$t") s later"
    else
        tap_fail "SIGKILL to the console after a setup list: its master ends by itself"
        echo "# left: $(masters) $(sockets)"
    fi
else
    tap_fail "the console's setup list (SIGKILL)"
    screen wk | sed 's/^/#   /'
fi

# preflight applied from the console (its copies slowed as above), the
# console killed while it runs: the apply goes on over the console's
# connection to its end, then ends it.
X nodetwo sh -c 'mount -t tmpfs -o size=64m hc-nobin /usr/local/bin &&
    mount -t tmpfs -o size=1m hc-noocf /usr/lib/ocf/resource.d/hacon &&
    mount --bind /run/hc/chmod.slow /bin/chmod'
if wizard wa; then
    before=$(logins)
    T send-keys -t wa Enter
    if wait_re wa "Step preflight:" 30 > /dev/null &&
       wait_gone wa "computing the plan" 60 > /dev/null; then
        T send-keys -t wa a
        wait_for wa "y: yes" 20 > /dev/null
        T send-keys -t wa y
    fi
    if until_ok 60 copying; then
        X nodeone sh -c "kill -KILL $(console_pid)"
        wait_for wa EXITED 20 > /dev/null
        tap_check "an apply from the console, the console killed: its master kept while the apply runs" has_master
        t=$(now)
        until_ok 120 sh -c '! "$0" exec nodeone pgrep -f "hacon setup apply preflight" > /dev/null' "$CL"
        tap_check "... the apply went on to its end: hacon on nodetwo ($(elapsed "$t") s)" \
            X nodetwo test -x /usr/local/bin/hacon
        t=$(now)
        tap_check "... then its master and socket are gone at once" until_ok 3 none_left
        l=$(( $(logins) - before ))
        tap_check "... its plan and apply over the list's login (no new one: $l)" [ "$l" = 0 ]
    else
        tap_fail "preflight applied from the console: its copy seen"
        screen wa | sed 's/^/#   /'
    fi
else
    tap_fail "the console's setup list (apply)"
    screen wa | sed 's/^/#   /'
fi
until_ok 30 none_left || echo "# left after the apply: $(masters) $(sockets)"
X nodetwo sh -c 'umount /bin/chmod; umount /usr/local/bin /usr/lib/ocf/resource.d/hacon'

# ------------------------------------------------ a command ended by a signal
# `hacon leases --follow` reads nodetwo's lease file over its master until
# it is stopped: SIGTERM, SIGHUP and SIGINT (left to their default action)
# end it and its master at once, not ControlPersist's 10 s later.
for sig in TERM HUP INT; do
    T new-session -d -s "sig$sig" -x 80 -y 24 \
        "'$CL' ssh nodeone hacon leases --node nodetwo --leases /var/lib/dhcp/dhcpd.leases --no-config --follow --interval 200; echo; echo EXITED; exec sleep 600"
    if ! until_ok 30 has_master; then
        tap_fail "SIG$sig: hacon leases --follow keeps a master"
        screen "sig$sig" | sed 's/^/#   /'
        continue
    fi
    X nodeone sh -c "kill -$sig \$(pidof hacon)"
    t=$(now)
    if until_ok 3 none_left; then
        tap_ok "SIG$sig to hacon leases --follow: its master and socket gone $(elapsed "$t") s later (< 3)"
    else
        tap_fail "SIG$sig to hacon leases --follow: its master and socket gone at once"
        echo "# left: $(masters) $(sockets)"
    fi
    tap_check "... and the signal ended it" wait_for "sig$sig" EXITED 10
    until_ok 30 none_left || echo "# left after SIG$sig: $(masters) $(sockets)"
done

# ------------------------------------------------ the other node goes away
# Its management link cut: no packet comes back, no connection is closed;
# ServerAlive* (2 s, 3 unanswered) ends the master within seconds, as
# a new connection's ConnectTimeout (5 s) would have failed.
if console cut; then
    t=$(now)
    ip -n "$(ns_of nodetwo)" link set eth0 down
    if until_ok 20 none_left; then
        tap_ok "nodetwo's link cut: the console's master ends by itself $(elapsed "$t") s later (ServerAlive)"
    else
        tap_fail "nodetwo's link cut: the console's master ends by itself (ServerAlive)"
        echo "# left: $(masters) $(sockets)"
    fi
    ip -n "$(ns_of nodetwo)" link set eth0 up
    if screen cut | grep -q EXITED; then
        tap_fail "... and the console goes on"; screen cut | sed 's/^/#   /'
    else
        tap_ok "... and the console goes on"
    fi
    # (Its reads reconnect meanwhile: q may come while one logs in, which
    # would become a master after hacon if it were let run.)
    T send-keys -t cut q
    wait_for cut EXITED 20 > /dev/null
    tap_check "q: nothing left at once" until_ok 3 none_left
else
    tap_fail "the console reading nodetwo's lease file keeps a master"
    screen cut | sed 's/^/#   /'
fi
until_ok 30 none_left || echo "# left after the cut: $(masters) $(sockets)"

# ------------------------------------------------ the admin's own sharing
X nodeone sh -c 'printf "Host *\n ControlMaster auto\n ControlPath /run/hc/admin-%%C\n ControlPersist 2\n" > /root/.ssh/config'
"$CL" ssh nodeone 'hacon setup list > /dev/null 2>&1'
tap_check "an admin's own ControlMaster is used: the master on its ControlPath" \
    X nodeone sh -c 'ps -eo args | grep -q "^ssh: /run/hc/admin-.* \[mux\]$"'
left=$(sockets)
tap_check "... and none of hacon's" test -z "$left"
[ -z "$left" ] || { echo "# left in /run/hacon: $left; masters: $(masters)"; X nodeone ps -eo pid,lstart,args | sed 's/^/#   /'; }
X nodeone rm -f /root/.ssh/config
until_ok 15 none_left || echo "# the admin's master did not end"

# ------------------------------------------------ a node ssh cannot reach
X nodetwo sh -c 'kill $(cat /run/sshd.pid)'
"$CL" ssh nodeone 'hacon setup list > /tmp/list 2>&1'
tap_check "nodetwo without sshd: the list says it cannot be reached by ssh" \
    X nodeone grep -q "nodetwo cannot be reached by ssh as root" /tmp/list
tap_check "... and leaves no master, no socket" none_left
tap_done
