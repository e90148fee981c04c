#!/bin/sh
# ocf:hacon:kea-dhcp4 side by side with ocf:hacon:dhcpd: same machine, same
# namespaces, the same subnet and pool served by Kea and by dhcpd.
#   start -> the start action returned
#   start -> first DHCP answer seen by a client (median of $ROUNDS)
#   stop  -> the stop action returned (and the server gone)
#   monitor, deep monitor (OCF_CHECK_LEVEL=10): how long one takes
#   each failure mode: the code the agent returns, and whether that
#   reports the failure (detected) or says all is well (missed).
. "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
. "$HACON_TOP/tests/agent/lib.sh"
. "$HACON_TOP/tests/bench/lib-agent.sh"

ROUNDS=${ROUNDS:-5}
bench_rt "$@"
[ "$(id -u)" = 0 ] || { echo "bench-kea-agent: needs root"; exit 77; }
for c in ip dhcpd kea-dhcp4; do
    command -v "$c" > /dev/null || { echo "bench-kea-agent: needs $c"; exit 77; }
done
[ -r /usr/lib/ocf/lib/heartbeat/ocf-shellfuncs ] \
    || { echo "bench-kea-agent: needs resource-agents"; exit 77; }
[ -x "$HACON" ] || { echo "bench-kea-agent: needs $HACON (make)"; exit 77; }

trap hca_teardown EXIT
trap 'exit 1' INT TERM
hca_setup || { echo "bench-kea-agent: cannot create namespaces"; exit 77; }
export OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=p_dhcp
export HA_LOGFACILITY=none HA_LOGFILE="$HCA_T/ha.log"
export OCF_RESKEY_CRM_meta_timeout=20000

# env_AGENT: the parameters for one agent, as each names them.
env_kea() {
    AG=$HACON_TOP/agents/kea-dhcp4
    unset OCF_RESKEY_leases OCF_RESKEY_pidfile
    export OCF_RESKEY_config="$HCA_T/kea-dhcp4.conf"
    export OCF_RESKEY_rundir="$HCA_T/run"
    export OCF_RESKEY_interface=srv0 OCF_RESKEY_probe_binary="$HACON"
    export OCF_RESKEY_probe_timeout=500
    PIDFILE=$HCA_T/run/kea-dhcp4.kea-dhcp4.pid
    LEASES=$HCA_T/lib/kea-leases4.csv
}
env_dhcpd() {
    AG=$HACON_TOP/agents/dhcpd
    unset OCF_RESKEY_rundir
    export OCF_RESKEY_config="$HCA_T/dhcpd.conf"
    export OCF_RESKEY_leases="$HCA_T/lib/dhcpd.leases"
    export OCF_RESKEY_pidfile="$HCA_T/run/dhcpd.pid"
    export OCF_RESKEY_interface=srv0 OCF_RESKEY_probe_binary="$HACON"
    export OCF_RESKEY_probe_timeout=500
    PIDFILE=$OCF_RESKEY_pidfile
    LEASES=$OCF_RESKEY_leases
}

# ms ACTION...: how long one action takes (ms).
ms() { _t0=$(hca_now_ms); ra "$@"; echo $(($(hca_now_ms) - _t0)); }
# monitors: one monitor and one deep monitor, timed (in each round).
monitors() {
    ms monitor >> "$HCA_T/m"
    OCF_CHECK_LEVEL=10 ms monitor >> "$HCA_T/d"
}

# measure AGENT: start_ret, first_answer, stop_ms, mon_ms, deep_ms
# (medians, ms).
measure() {
    : > "$HCA_T/m"; : > "$HCA_T/d"
    bench_measure "$1" monitors
    mon_ms=$(median < "$HCA_T/m")
    deep_ms=$(median < "$HCA_T/d")
}

# failures AGENT: one verdict per failure mode, in $HCA_T/f.AGENT
failures() {
    env_"$1"
    out=$HCA_T/f.$1
    : > "$out"
    bench_case_with "$1" "missing config" OCF_RESKEY_config \
        "$HCA_T/absent.conf" >> "$out"
    (
        env_"$1"
        if [ "$1" = kea ]; then
            printf '{ "Dhcp4": { "subnet4": [ \n' > "$HCA_T/broken.conf"
        else
            printf 'subnet 10.88.0.0 netmask 255.255.255.0 {\n' > "$HCA_T/broken.conf"
        fi
        OCF_RESKEY_config=$HCA_T/broken.conf
        bench_case "config syntax error"
    ) >> "$out"
    (
        env_"$1"
        export OCF_RESKEY_binary=/nonexistent/server
        echo "missing binary (validate-all)|$(verdict "$(ra_rc validate-all)")"
    ) >> "$out"
    (
        env_"$1"
        if [ "$1" = kea ]; then
            sed "s|$HCA_T/lib/|$HCA_T/unmounted/|" "$OCF_RESKEY_config" \
                > "$HCA_T/unmounted.conf"
            OCF_RESKEY_config=$HCA_T/unmounted.conf
        else
            OCF_RESKEY_leases=$HCA_T/unmounted/dhcpd.leases
        fi
        bench_case "missing lease directory"
    ) >> "$out"
    bench_case_with "$1" "wrong interface" OCF_RESKEY_interface nosuch0 \
        >> "$out"
    bench_stale_pid >> "$out"
    ra start
    p=$(cat "$PIDFILE")
    kill -KILL "$p"
    n=0
    while [ -e "/proc/$p" ] && [ "$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null)" != Z ] \
        && [ $n -lt 200 ]; do
        sleep 0.01; n=$((n + 1))
    done
    echo "server killed (monitor)|$(verdict "$(ra_rc monitor)")" >> "$out"
    ra stop
    ra start
    p=$(cat "$PIDFILE")
    kill -STOP "$p"
    echo "server hung, SIGSTOP (monitor)|$(verdict "$(ra_rc monitor)")" >> "$out"
    echo "server hung, SIGSTOP (monitor depth 10)|$(verdict "$(OCF_CHECK_LEVEL=10 ra_rc monitor)")" >> "$out"
    kill -CONT "$p"
    ra stop
    bench_answers_on_start >> "$out"
    ok=yes
    [ -n "$(hca_our_dhcpd_pids)$(hca_our_kea_pids)" ] && ok=no
    echo "no server process after stop|$ok" >> "$out"
    # A client's lease survives a stop and start (the lease file).
    ra start
    cli timeout 20 busybox udhcpc -i cli0 -n -q -f -t 5 -T 1 -s /bin/true \
        > "$HCA_T/udhcpc.log" 2>&1
    ip=$(sed -n 's/.*lease of \([0-9.]*\) obtained.*/\1/p' "$HCA_T/udhcpc.log" | head -1)
    ra stop
    ra start
    if [ -n "$ip" ] && grep -q "$ip" "$LEASES"; then s=yes; else s=no; fi
    ra stop
    echo "a client's lease in the lease file|$s" >> "$out"
}

measure kea
k_start=$start_ret k_ans=$first_answer k_stop=$stop_ms k_mon=$mon_ms k_deep=$deep_ms
k_x_start=$(execs kea start) k_x_mon=$(execs kea monitor)
k_x_stop=$(execs kea stop)
measure dhcpd
d_start=$start_ret d_ans=$first_answer d_stop=$stop_ms d_mon=$mon_ms d_deep=$deep_ms
d_x_start=$(execs dhcpd start) d_x_mon=$(execs dhcpd monitor)
d_x_stop=$(execs dhcpd stop)
failures kea
failures dhcpd

printf '%s\n' "ocf:hacon:kea-dhcp4 vs ocf:hacon:dhcpd (Kea $(kea-dhcp4 -v 2>&1 | head -1), $(dhcpd --version 2>&1 | head -1), $ROUNDS rounds, median ms; load $(cut -d' ' -f1 /proc/loadavg)${HCA_BENCH_RT:+, SCHED_FIFO 10})"
bench_row "" "hacon:kea-dhcp4" "hacon:dhcpd"
bench_row "start returned (ms)" "$k_start" "$d_start"
bench_row "start -> first DHCP answer (ms)" "$k_ans" "$d_ans"
bench_row "stop (ms)" "$k_stop" "$d_stop"
bench_row "monitor (ms)" "$k_mon" "$d_mon"
bench_row "monitor depth 10 (ms)" "$k_deep" "$d_deep"
bench_row "programs run by start/monitor/stop" \
    "$k_x_start/$k_x_mon/$k_x_stop" "$d_x_start/$d_x_mon/$d_x_stop"
bench_failure_rows kea dhcpd
