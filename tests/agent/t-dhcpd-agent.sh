#!/bin/sh
# ocf:hacon:dhcpd against a real dhcpd in a network namespace: ocf-tester,
# then each failure mode with its exact OCF code and exit reason, the deep
# monitor, reload, and a real client's lease.
. "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
. "$HACON_TOP/tests/agent/lib.sh"

tap_need_root
tap_need_cmd ip dhcpd ocf-tester busybox
hca_suite dhcpd p_dhcpd
base_env() {
    export OCF_RESKEY_config="$HCA_T/dhcpd.conf"
    export OCF_RESKEY_leases="$HCA_T/lib/dhcpd.leases"
    export OCF_RESKEY_pidfile="$HCA_T/run/dhcpd.pid"
    export OCF_RESKEY_interface=srv0
    export OCF_RESKEY_probe_binary="$HACON"
    export OCF_RESKEY_probe_timeout=1500
    unset OCF_RESKEY_binary OCF_CHECK_LEVEL OCF_RESKEY_CRM_meta_interval
}
base_env

pid_now() { cat "$OCF_RESKEY_pidfile" 2>/dev/null; }

# 1. ocf-tester: the standard conformance run, with a real dhcpd.
hca_ocf_tester p_dhcpd -o config="$OCF_RESKEY_config" \
    -o leases="$OCF_RESKEY_leases" -o pidfile="$OCF_RESKEY_pidfile" \
    -o interface=srv0 -o probe_binary="$HACON"
tap_check "no dhcpd left after ocf-tester" test -z "$(hca_our_dhcpd_pids)"
tap_check "no pid file left after ocf-tester" test ! -e "$OCF_RESKEY_pidfile"

# 2. Probe on a node where dhcpd never ran, with nothing there.
rm -f "$OCF_RESKEY_leases"
OCF_RESKEY_CRM_meta_interval=0 OCF_RESKEY_config=$HCA_T/absent.conf \
    OCF_RESKEY_leases=$HCA_T/unmounted/dhcpd.leases \
    OCF_RESKEY_binary=/nonexistent/dhcpd \
    expect "probe where nothing is installed or mounted" monitor 7

# 3. Start: lease file created, serving when start returns.
t0=$(hca_now_ms)
expect "start" start 0
t1=$(hca_now_ms)
tap_check "start returns with dhcpd serving (first probe answered)" probe 1500
echo "# start took $((t1 - t0)) ms"
tap_check "lease file created, owned by root:root" \
    test "$(stat -c %U:%G "$OCF_RESKEY_leases")" = root:root
expect "second start is a success" start 0
expect "monitor of a running dhcpd" monitor 0
OCF_CHECK_LEVEL=10 expect "deep monitor (DHCP exchange)" monitor 0

# A real client gets a lease, and it is in the lease file.
hca_client_lease
tap_check "the lease is in the lease file" \
    grep -q '^lease 10\.88\.0\.1[0-9][0-9] ' "$OCF_RESKEY_leases"

# 4. dhcpd hung: SIGSTOP.
p=$(pid_now)
kill -STOP "$p"
tap_check "a stopped dhcpd does not answer the probe" no_answer 500
expect "monitor of a hung dhcpd" monitor 1 "stopped by a signal"
OCF_CHECK_LEVEL=10 OCF_RESKEY_probe_timeout=500 \
    expect "deep monitor of a hung dhcpd" monitor 1 "did not answer a DHCP request"
expect "stop of a hung dhcpd" stop 0
tap_check "hung dhcpd gone" gone "$p"
tap_check "pid file removed" test ! -e "$OCF_RESKEY_pidfile"

# 5. dhcpd killed under the agent.
expect "start again" start 0
p=$(pid_now)
kill -KILL "$p"
# kill returns once the signal is sent; dhcpd ends when it next runs, on
# a busy machine some time later (the monitor below then still saw it,
# rightly, running).  Up to 10 s.
n=0
while ! gone "$p" > /dev/null && [ $n -lt 1000 ]; do sleep 0.01; n=$((n + 1)); done
# The pid file outlives a SIGKILL: monitor must not trust it.
tap_check "pid file still there after SIGKILL" test -e "$OCF_RESKEY_pidfile"
expect "monitor after SIGKILL" monitor 7
expect "stop after SIGKILL" stop 0
tap_check "stop removed the stale pid file" test ! -e "$OCF_RESKEY_pidfile"

# A dhcpd of ours that lost its pid file is found, reported, and replaced
# by start rather than joined by a second one.
expect "start again" start 0
p=$(pid_now)
rm -f "$OCF_RESKEY_pidfile"
expect "monitor of a dhcpd without its pid file" monitor 1 "runs without its pid file"
expect "start replaces it" start 0
tap_check "the old dhcpd is gone" gone "$p"
tap_check "exactly one dhcpd runs" test "$(hca_our_dhcpd_pids | wc -l)" -eq 1
expect "stop" stop 0

# 6. Stale pid file: a live process that is not dhcpd, then a dead pid.
sleep 300 &
decoy=$!
echo "$decoy" > "$OCF_RESKEY_pidfile"
expect "monitor with a pid file naming another process" monitor 7
expect "start over a stale pid file" start 0
tap_check "the other process was left alone" kill -0 "$decoy"
kill "$decoy"
wait "$decoy" 2>/dev/null
expect "stop" stop 0
echo 999999 > "$OCF_RESKEY_pidfile"
expect "monitor with a dead pid in the pid file" monitor 7
expect "stop with a dead pid in the pid file" stop 0
tap_check "stop removed it" test ! -e "$OCF_RESKEY_pidfile"

# 7. Configuration errors, each with its code and reason.
OCF_RESKEY_config=$HCA_T/absent.conf \
    expect "missing config" validate-all 5 "absent.conf does not exist"
OCF_RESKEY_config=$HCA_T/absent.conf \
    expect "start with missing config" start 5 "does not exist"
printf 'subnet 10.88.0.0 netmask 255.255.255.0 {\n range 10.88.0.100\n' \
    > "$HCA_T/broken.conf"
OCF_RESKEY_config=$HCA_T/broken.conf \
    expect "config with a syntax error" validate-all 6 "does not pass dhcpd -t"
tap_check "the reason quotes dhcpd's message" grep -q "line" "$HCA_T/reason"
OCF_RESKEY_binary=/nonexistent/dhcpd \
    expect "missing binary" validate-all 5 "/nonexistent/dhcpd is not installed"
OCF_RESKEY_leases=$HCA_T/unmounted/dhcpd.leases \
    expect "missing lease directory" validate-all 5 "unmounted does not exist"
mkdir "$HCA_T/ro"
mount -t tmpfs -o ro,size=64k hca-ro "$HCA_T/ro" 2>/dev/null && ro=1
if [ "${ro:-}" ]; then
    OCF_RESKEY_leases=$HCA_T/ro/dhcpd.leases \
        expect "read-only lease directory" validate-all 4 "not writable"
    umount "$HCA_T/ro"
else
    tap_skip "read-only lease directory: cannot mount a tmpfs here"
fi
OCF_RESKEY_interface=nosuch0 \
    expect "interface that does not exist" validate-all 5 "nosuch0 does not exist"
OCF_RESKEY_interface=odd0 \
    expect "interface in no declared subnet" start 6 "No subnet declaration for odd0"
tap_check "nothing left running after the failed start" \
    test -z "$(hca_our_dhcpd_pids)"
OCF_RESKEY_user=nosuchuser \
    expect "user that does not exist" validate-all 5 "nosuchuser does not exist"
OCF_RESKEY_probe_timeout=soon \
    expect "probe_timeout not a number" validate-all 6 "probe_timeout"

# A non-root user: the lease directory must be its own.
if id nobody > /dev/null 2>&1 && getent group nogroup > /dev/null; then
    mkdir -p "$HCA_T/nb"
    export OCF_RESKEY_user=nobody OCF_RESKEY_group=nogroup
    OCF_RESKEY_leases=$HCA_T/nb/dhcpd.leases \
        expect "lease directory not writable by user nobody" validate-all 4 \
        "not writable by user nobody"
    chown nobody:nogroup "$HCA_T/nb"
    OCF_RESKEY_leases=$HCA_T/nb/dhcpd.leases expect "start as nobody" start 0
    tap_check "dhcpd runs as nobody" \
        test "$(ps -o user= -p "$(pid_now)")" = nobody
    tap_check "lease file created for nobody:nogroup" \
        test "$(stat -c %U:%G "$HCA_T/nb/dhcpd.leases")" = nobody:nogroup
    OCF_RESKEY_leases=$HCA_T/nb/dhcpd.leases expect "stop" stop 0
    unset OCF_RESKEY_user OCF_RESKEY_group
else
    tap_skip "non-root user: no user nobody or group nogroup"
fi

# 8. reload: a broken config leaves dhcpd serving, a good one restarts it.
expect "start for reload" start 0
p=$(pid_now)
cp "$HCA_T/dhcpd.conf" "$HCA_T/dhcpd.conf.good"
cat "$HCA_T/broken.conf" >> "$HCA_T/dhcpd.conf"
expect "reload with a broken config" reload 6 "does not pass dhcpd -t"
tap_check "same dhcpd still running after the refused reload" \
    test "$(pid_now)" = "$p"
tap_check "and it still answers" probe 1500
mv "$HCA_T/dhcpd.conf.good" "$HCA_T/dhcpd.conf"
expect "reload with a good config" reload 0
tap_check "reload restarted dhcpd" test "$(pid_now)" != "$p"
expect "monitor after reload" monitor 0
expect "stop" stop 0
expect "stop of a stopped resource" stop 0
expect "reload of a stopped resource" reload 7

# No interface given: dhcpd picks its interfaces, the deep monitor probes
# on the first one dhcpd listens on.
hca_no_interface_start
expect "stop" stop 0

# The probe itself: usage errors, JSON, a count.
"$HACON" probe > /dev/null 2>&1
tap_check "probe without server: exit 2" test $? -eq 2
"$HACON" probe broadcast > /dev/null 2>&1
tap_check "broadcast probe without interface: exit 2" test $? -eq 2
srv "$HACON" probe --interface nosuch0 broadcast > /dev/null 2>&1
tap_check "probe on a missing interface: exit 2" test $? -eq 2
srv "$HACON" probe --interface srv0 --timeout 300 broadcast > /dev/null 2>&1
tap_check "probe with no server running: exit 1" test $? -eq 1
expect "start for the probe" start 0
cli "$HACON" probe --interface cli0 --count 3 --interval 50 --timeout 1000 \
    --format=json broadcast > "$HCA_T/probe.json" 2>&1
tap_check "DISCOVER from an unconfigured client: 3 OFFERs, exit 0" \
    test $? -eq 0 -a "$(grep -c '"reply":"DHCPOFFER","server_id":"10.88.0.1","yiaddr":"10.88.0.1' "$HCA_T/probe.json")" -eq 3
tap_check "the probe's DISCOVERs committed no lease" \
    sh -c '! grep -q "02:68:63:70:72:62" "$1"' - "$OCF_RESKEY_leases"
expect "stop" stop 0

# 9. OCF plumbing.
hca_ocf_plumbing

tap_check "no dhcpd of this run is left" test -z "$(hca_our_dhcpd_pids)"
tap_done
