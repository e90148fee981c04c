#!/bin/sh
# ocf:hacon:kea-dhcp4 against a real kea-dhcp4 in a network namespace:
# ocf-tester, then each failure mode with its exact OCF code and exit
# reason, the deep monitor, reload, a real client's lease, and a stop that
# leaves nothing behind.
. "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
. "$HACON_TOP/tests/agent/lib.sh"

tap_need_root
tap_need_cmd ip kea-dhcp4 ocf-tester busybox setpriv
hca_suite kea-dhcp4 p_kea
CONF=$HCA_T/kea-dhcp4.conf
LEASES=$HCA_T/lib/kea-leases4.csv
PIDFILE=$HCA_T/run/kea-dhcp4.kea-dhcp4.pid

export OCF_RESKEY_config="$CONF"
export OCF_RESKEY_rundir="$HCA_T/run"
export OCF_RESKEY_interface=srv0
export OCF_RESKEY_probe_binary="$HACON"
export OCF_RESKEY_probe_timeout=1500
unset OCF_RESKEY_binary OCF_CHECK_LEVEL OCF_RESKEY_CRM_meta_interval

pid_now() { cat "$PIDFILE" 2>/dev/null; }
# Live (not zombie) Kea processes of this run.
live_keas() {
    for _p in $(hca_our_kea_pids); do
        gone "$_p" > /dev/null || echo "$_p"
    done
}
# Nothing of a stopped resource is left: no Kea, no kea-lfc, no pid file.
nothing_left() {
    _left=$(live_keas)
    for _p in $_left; do
        echo "# left: pid $_p: $(tr '\0' ' ' < "/proc/$_p/cmdline" 2>/dev/null)"
    done
    [ -e "$PIDFILE" ] && echo "# left: $PIDFILE"
    [ -z "$_left" ] && [ ! -e "$PIDFILE" ]
}

# 1. ocf-tester: the standard conformance run, with a real Kea.
hca_ocf_tester p_kea -o config="$CONF" -o rundir="$HCA_T/run" \
    -o interface=srv0 -o probe_binary="$HACON"
tap_check "nothing left after ocf-tester (no Kea, no pid file)" nothing_left

# 2. Probe on a node where Kea never ran, with nothing there.
OCF_RESKEY_CRM_meta_interval=0 OCF_RESKEY_config=$HCA_T/absent.conf \
    OCF_RESKEY_binary=/nonexistent/kea-dhcp4 \
    expect "probe where nothing is installed or mounted" monitor 7
expect "monitor before any start" monitor 7

# 3. Start: returns only when Kea answers.
rm -f "$LEASES"
t0=$(hca_now_ms)
expect "start" start 0
t1=$(hca_now_ms)
tap_check "start returns with Kea answering (first probe answered)" probe 1500
echo "# start took $((t1 - t0)) ms"
tap_check "the pid file is $PIDFILE" test -s "$PIDFILE"
tap_check "Kea writes its lease file from the config" test -f "$LEASES"
expect "second start is a success" start 0
tap_check "still exactly one Kea" test "$(live_keas | wc -l)" -eq 1
expect "monitor of a running Kea" monitor 0
OCF_CHECK_LEVEL=10 expect "deep monitor (DHCP exchange)" monitor 0

# A real client gets a lease, and it is in the lease file.
hca_client_lease
tap_check "the lease is in Kea's lease file" \
    grep -q '^10\.88\.0\.1[0-9][0-9],' "$LEASES"

# 4. Kea hung: SIGSTOP.
p=$(pid_now)
kill -STOP "$p"
tap_check "a stopped Kea does not answer the probe" no_answer 500
expect "monitor of a hung Kea" monitor 1 "stopped by a signal"
OCF_CHECK_LEVEL=10 OCF_RESKEY_probe_timeout=500 \
    expect "deep monitor of a hung Kea" monitor 1 "did not answer a DHCP request on srv0"
expect "stop of a hung Kea" stop 0
tap_check "hung Kea gone" gone "$p"
tap_check "stop left nothing (no Kea, no pid file)" nothing_left

# 5. Kea killed under the agent.
expect "start again" start 0
p=$(pid_now)
kill -KILL "$p"
while ! gone "$p" > /dev/null; do sleep 0.01; done
tap_check "pid file still there after SIGKILL" test -e "$PIDFILE"
expect "monitor after SIGKILL" monitor 7
expect "stop after SIGKILL" stop 0
tap_check "stop removed the stale pid file" test ! -e "$PIDFILE"

# A Kea of ours that lost its pid file is found, reported, and replaced by
# start rather than joined by a second one.
expect "start again" start 0
p=$(pid_now)
rm -f "$PIDFILE"
expect "monitor of a Kea without its pid file" monitor 1 "runs without its pid file"
expect "start replaces it" start 0
tap_check "the old Kea is gone" gone "$p"
tap_check "exactly one Kea runs" test "$(live_keas | wc -l)" -eq 1
expect "stop" stop 0
tap_check "stop left nothing" nothing_left

# 6. Is the process ours?  A live process that is not Kea; a program
# named kea-dhcp4 with our command line that is not the binary; a real Kea
# of another configuration; a dead pid.
sleep 300 &
decoy=$!
echo "$decoy" > "$PIDFILE"
expect "monitor with a pid file naming another process" monitor 7
kill "$decoy"
wait "$decoy" 2>/dev/null
mkdir -p "$HCA_T/fake"
# A copy of the shell named kea-dhcp4, its command line ending in
# "-c CONFIG" (the shell's $0 and $1).
cp "$(command -v dash)" "$HCA_T/fake/kea-dhcp4"
# (ip netns exec execs it: $! is the fake itself.)
ip netns exec "$SRV" "$HCA_T/fake/kea-dhcp4" -c 'sleep 300; :' -c "$CONF" &
fake=$!
sleep 0.2
tap_check "the fake is named kea-dhcp4 and has -c $CONF" \
    sh -c '[ "$(cat /proc/$1/comm)" = kea-dhcp4 ] && tr "\0" " " < /proc/$1/cmdline | grep -qF -- "-c $2"' - "$fake" "$CONF"
echo "$fake" > "$PIDFILE"
expect "monitor with a pid file naming a kea-dhcp4 that is not the binary" monitor 7
expect "start over it" start 0
tap_check "the fake was left alone" kill -0 "$fake"
# Its sleep, then the fake.
kill $(cat "/proc/$fake/task/$fake/children" 2>/dev/null) 2>/dev/null
kill "$fake"
wait "$fake" 2>/dev/null
expect "stop" stop 0
# A real Kea of another resource (another config, its own pid file).
sed 's/"srv0"/"odd0"/; s/10\.88\.0/192.168.251/g; s/kea-leases4/other-leases4/' \
    "$CONF" > "$HCA_T/other.conf"
OCF_RESKEY_config=$HCA_T/other.conf OCF_RESKEY_interface=odd0 \
    expect "start of another resource's Kea" start 0
other=$(cat "$HCA_T/run/other.kea-dhcp4.pid")
cp "$HCA_T/run/other.kea-dhcp4.pid" "$PIDFILE"
expect "monitor with a pid file naming another resource's Kea" monitor 7
expect "stop does not touch the other Kea" stop 0
tap_check "the other Kea still runs" kill -0 "$other"
OCF_RESKEY_config=$HCA_T/other.conf OCF_RESKEY_interface=odd0 \
    expect "stop of the other resource" stop 0
tap_check "the other Kea is gone" gone "$other"
echo 999999 > "$PIDFILE"
expect "monitor with a dead pid in the pid file" monitor 7
expect "stop with a dead pid in the pid file" stop 0
tap_check "stop removed it" test ! -e "$PIDFILE"

# 7. Configuration errors, each with its code and reason.
OCF_RESKEY_config=$HCA_T/absent.conf \
    expect "missing config" validate-all 5 "absent.conf does not exist"
OCF_RESKEY_config=$HCA_T/absent.conf \
    expect "start with missing config" start 5 "does not exist"
printf '{ "Dhcp4": { "subnet4": [ { "subnet": "10.88.0.0/24" \n' \
    > "$HCA_T/broken.conf"
OCF_RESKEY_config=$HCA_T/broken.conf \
    expect "config with a syntax error" validate-all 6 "does not pass kea-dhcp4 -t"
tap_check "the reason quotes Kea's message with file and line" \
    grep -q "broken.conf:2.*syntax error" "$HCA_T/reason"
sed 's/"10.88.0.100 - 10.88.0.150"/"10.88.0.100 - 10.99.0.150"/' "$CONF" \
    > "$HCA_T/badpool.conf"
OCF_RESKEY_config=$HCA_T/badpool.conf \
    expect "config with a pool outside its subnet" validate-all 6 "does not pass kea-dhcp4 -t"
OCF_RESKEY_config=$HCA_T/badpool.conf \
    expect "start with it" start 6 "10.99.0.150"
tap_check "nothing left after the refused start" nothing_left
OCF_RESKEY_binary=/nonexistent/kea-dhcp4 \
    expect "missing binary" validate-all 5 "/nonexistent/kea-dhcp4 is not installed"
OCF_RESKEY_probe_binary=/nonexistent/hacon \
    expect "missing probe program" validate-all 5 "/nonexistent/hacon"
sed "s|$HCA_T/lib/|$HCA_T/unmounted/|" "$CONF" > "$HCA_T/unmounted.conf"
OCF_RESKEY_config=$HCA_T/unmounted.conf \
    expect "missing lease directory" validate-all 5 "unmounted does not exist"
OCF_RESKEY_config=$HCA_T/unmounted.conf \
    expect "start with a missing lease directory" start 5 "is the shared filesystem mounted"
mkdir "$HCA_T/ro"
mount -t tmpfs -o ro,size=64k hca-ro "$HCA_T/ro" 2>/dev/null && ro=1
if [ "${ro:-}" ]; then
    sed "s|$HCA_T/lib/|$HCA_T/ro/|" "$CONF" > "$HCA_T/ro.conf"
    OCF_RESKEY_config=$HCA_T/ro.conf \
        expect "read-only lease directory" validate-all 4 "$HCA_T/ro is not writable"
    umount "$HCA_T/ro"
else
    tap_skip "read-only lease directory: cannot mount a tmpfs here"
fi
sed 's/"lease-database": {/&\n "persist": false,/' "$CONF" \
    | sed "s|$HCA_T/lib/|$HCA_T/unmounted/|" > "$HCA_T/nopersist.conf"
OCF_RESKEY_config=$HCA_T/nopersist.conf \
    expect "no lease file (persist false): no lease directory needed" validate-all 0
OCF_RESKEY_interface=nosuch0 \
    expect "interface parameter that does not exist" validate-all 5 \
    "interface nosuch0 does not exist on this node (parameter interface)"
sed 's/"srv0"/"nosuch1"/' "$CONF" > "$HCA_T/noif.conf"
OCF_RESKEY_config=$HCA_T/noif.conf OCF_RESKEY_interface="" \
    expect "interface of the config that does not exist" validate-all 5 \
    "interface nosuch1 of configuration $HCA_T/noif.conf does not exist"
sed 's/\[ "srv0" \]/[ ]/' "$CONF" > "$HCA_T/none.conf"
OCF_RESKEY_config=$HCA_T/none.conf OCF_RESKEY_interface="" \
    expect "config without interfaces" validate-all 6 "lists no interface"
OCF_RESKEY_user=nosuchuser \
    expect "user that does not exist" validate-all 5 "nosuchuser does not exist"
OCF_RESKEY_group=nosuchgroup \
    expect "group that does not exist" validate-all 5 "nosuchgroup does not exist"
OCF_RESKEY_probe_timeout=soon \
    expect "probe_timeout not a number" validate-all 6 "probe_timeout"
OCF_RESKEY_rundir=run \
    expect "relative rundir" validate-all 6 "rundir must be an absolute path"
# Kea that passes -t but exits when it starts: its control socket in a
# directory that does not exist.
sed 's|"interfaces-config"|"control-socket": { "socket-type": "unix", "socket-name": "/nonexistent/kea4.sock" },\n    &|' \
    "$CONF" > "$HCA_T/sock.conf"
OCF_RESKEY_config=$HCA_T/sock.conf \
    expect "Kea exits during start" start 1 "exited during start"
tap_check "nothing left after the failed start" nothing_left

# A non-root user (Debian's _kea): lease directory and rundir its own.
if id _kea > /dev/null 2>&1 && getent group _kea > /dev/null; then
    mkdir -p "$HCA_T/kl" "$HCA_T/kr"
    sed "s|$HCA_T/lib/|$HCA_T/kl/|" "$CONF" > "$HCA_T/kea-user.conf"
    export OCF_RESKEY_user=_kea OCF_RESKEY_group=_kea
    OCF_RESKEY_config=$HCA_T/kea-user.conf \
        expect "lease directory not writable by user _kea" validate-all 4 \
        "not writable by user _kea"
    chown _kea:_kea "$HCA_T/kl" "$HCA_T/kr"
    OCF_RESKEY_config=$HCA_T/kea-user.conf OCF_RESKEY_rundir=$HCA_T/kr \
        expect "start as _kea" start 0
    p=$(cat "$HCA_T/kr/kea-user.kea-dhcp4.pid" 2>/dev/null)
    tap_check "Kea runs as _kea" test "$(ps -o user= -p "${p:-0}")" = _kea
    tap_check "and answers" probe 1500
    OCF_RESKEY_config=$HCA_T/kea-user.conf OCF_RESKEY_rundir=$HCA_T/kr \
        expect "stop" stop 0
    tap_check "Kea as _kea gone" gone "${p:-0}"
    unset OCF_RESKEY_user OCF_RESKEY_group
else
    tap_skip "non-root user: no user _kea (kea-common makes it)"
fi

# 8. reload: a broken config leaves Kea serving; a good one is taken by
# the same Kea (SIGHUP), with the new pool in effect.
expect "start for reload" start 0
p=$(pid_now)
cp "$CONF" "$HCA_T/good.conf"
cp "$HCA_T/broken.conf" "$CONF"
expect "reload with a broken config" reload 6 "does not pass kea-dhcp4 -t"
tap_check "same Kea still running after the refused reload" \
    test "$(pid_now)" = "$p"
tap_check "and it still answers" probe 1500
sed 's/10\.88\.0\.100 - 10\.88\.0\.150/10.88.0.200 - 10.88.0.210/' \
    "$HCA_T/good.conf" > "$CONF"
expect "reload with a good config" reload 0
tap_check "reload kept the same Kea (no restart)" test "$(pid_now)" = "$p"
cli "$HACON" probe --interface cli0 --timeout 1500 broadcast \
    > "$HCA_T/offer" 2>&1
tap_check "the new pool is in effect (offer from 10.88.0.200-210)" \
    grep -q 'offers 10\.88\.0\.2[01][0-9]' "$HCA_T/offer"
sed 's/^/# /' "$HCA_T/offer"
cp "$HCA_T/good.conf" "$CONF"
expect "monitor after reload" monitor 0
expect "stop" stop 0
expect "stop of a stopped resource" stop 0
expect "reload of a stopped resource" reload 7

# No interface given: the config's; the deep monitor probes there, also to
# a unicast probe_address.
hca_no_interface_start
OCF_RESKEY_interface="" OCF_CHECK_LEVEL=10 \
    OCF_RESKEY_probe_address=10.88.0.77 OCF_RESKEY_probe_timeout=300 \
    expect "deep monitor to an address where no Kea is" monitor 1 \
    "did not answer a DHCP request on srv0 to 10.88.0.77"
expect "stop" stop 0
tap_check "stop left nothing" nothing_left

# Kea opens UDP 67, then a packet socket, then binds that to the
# interface: until then it listens on no interface, and with "*" the
# agent must not take it for serving (seen as "listens on no interface"
# from start on a loaded machine).
ip netns exec "$SRV" python3 -c 'import socket, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("0.0.0.0", 67))
p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
print("ready", flush=True)
time.sleep(60)' > "$HCA_T/halfopen.out" 2>&1 &
halfopen=$!
n=0
until grep -q ready "$HCA_T/halfopen.out" 2>/dev/null || [ $n -ge 100 ]; do
    sleep 0.05; n=$((n + 1))
done
sed -n '/^kea_listening() {/,/^}/p' "$AG" > "$HCA_T/listening.sh"
# (ip netns exec execs python3: $! is its pid.)
got=$(srv sh -c '. "$1"; kea_listening "$2"' - "$HCA_T/listening.sh" "$halfopen")
tap_check "a packet socket not bound to an interface yet is not listening (got \"$got\")" \
    test "$got" = "udp67 "
kill "$halfopen" 2>/dev/null
wait "$halfopen" 2>/dev/null

# "*": any interface Kea listens on.
sed 's/\[ "srv0" \]/[ "*" ]/' "$HCA_T/good.conf" > "$HCA_T/star.conf"
OCF_RESKEY_config=$HCA_T/star.conf OCF_RESKEY_interface="" \
    expect "start with interfaces \"*\"" start 0
OCF_RESKEY_config=$HCA_T/star.conf OCF_RESKEY_interface="" \
    OCF_CHECK_LEVEL=10 expect "deep monitor with \"*\"" monitor 0
OCF_RESKEY_config=$HCA_T/star.conf OCF_RESKEY_interface="" \
    expect "stop" stop 0

# Lease file cleanup: Kea runs kea-lfc every lfc-interval seconds; stop
# ends one of this lease file that is still running, and nothing else.
sed 's/"lfc-interval": 3600/"lfc-interval": 1/' "$HCA_T/good.conf" > "$CONF"
expect "start with lfc-interval 1" start 0
cli timeout 20 busybox udhcpc -i cli0 -n -q -f -t 5 -T 1 -s /bin/true \
    > /dev/null 2>&1
n=0
until [ -e "$LEASES.completed" ] || [ -e "$LEASES.2" ] || [ $n -ge 300 ]; do
    sleep 0.02; n=$((n + 1))
done
tap_check "Kea ran its lease file cleanup (kea-lfc)" \
    test -e "$LEASES.completed" -o -e "$LEASES.2"
expect "stop" stop 0
tap_check "stop left nothing (no Kea, no kea-lfc, no pid file)" nothing_left
cp "$HCA_T/good.conf" "$CONF"
# A kea-lfc of our lease file that outlived its Kea (a copy of the shell
# so named, with the lease file copy on its command line, as Kea runs
# kea-lfc -i LEASES.1), and one of another lease file.
cp "$(command -v dash)" "$HCA_T/fake/kea-lfc"
ip netns exec "$SRV" "$HCA_T/fake/kea-lfc" -c 'sleep 300; :' -i "$LEASES.1" &
lfc=$!
ip netns exec "$SRV" "$HCA_T/fake/kea-lfc" -c 'sleep 300; :' -i "$HCA_T/lib/other.csv.1" &
otherlfc=$!
sleep 0.2
sleeps=$(cat "/proc/$lfc/task/$lfc/children" \
    "/proc/$otherlfc/task/$otherlfc/children" 2>/dev/null)
expect "monitor: a kea-lfc alone is not a running Kea" monitor 7
expect "stop ends our kea-lfc" stop 0
tap_check "our kea-lfc is gone" gone "$lfc"
tap_check "the other lease file's kea-lfc was left alone" kill -0 "$otherlfc"
# shellcheck disable=SC2086
kill $sleeps "$otherlfc" 2>/dev/null
wait "$lfc" "$otherlfc" 2>/dev/null

# 9. OCF plumbing.
hca_ocf_plumbing

tap_check "no Kea of this run is left" test -z "$(live_keas)"
tap_done
