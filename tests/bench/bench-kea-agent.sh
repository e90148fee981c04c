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

ROUNDS=${ROUNDS:-5}
# As bench-agent.sh: at real-time priority 10 by default, both agents
# alike, so that other load on the machine does not decide.
if [ "${BENCH_RT:-1}" = 1 ] && [ -z "${HCA_BENCH_RT:-}" ] \
    && command -v chrt > /dev/null && [ "$(id -u)" = 0 ]; then
    HCA_BENCH_RT=1 exec chrt -f 10 "$0" "$@"
fi
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

ra() { srv timeout 40 "$AG" "$@" > /dev/null 2>&1; }
ra_rc() { ra "$@"; echo $?; }
answered() {
    cli "$HACON" probe --interface cli0 --timeout "${1:-100}" broadcast \
        > /dev/null 2>&1
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# ms ACTION...: how long one action takes (ms).
ms() { _t0=$(hca_now_ms); ra "$@"; echo $(($(hca_now_ms) - _t0)); }

# measure AGENT: start_ret, first_answer, stop_ms, mon_ms, deep_ms
# (medians, ms).
measure() {
    env_"$1"
    : > "$HCA_T/s"; : > "$HCA_T/a"; : > "$HCA_T/p"; : > "$HCA_T/m"
    : > "$HCA_T/d"
    for _ in $(seq "$ROUNDS"); do
        t0=$(hca_now_ms)
        ra start
        t1=$(hca_now_ms)
        deadline=$((t0 + 10000))
        until answered 50; do
            [ "$(hca_now_ms)" -lt "$deadline" ] || break
        done
        echo $(($(hca_now_ms) - t0)) >> "$HCA_T/a"
        ms monitor >> "$HCA_T/m"
        OCF_CHECK_LEVEL=10 ms monitor >> "$HCA_T/d"
        t2=$(hca_now_ms)
        ra stop
        t3=$(hca_now_ms)
        echo $((t1 - t0)) >> "$HCA_T/s"
        echo $((t3 - t2)) >> "$HCA_T/p"
    done
    start_ret=$(median < "$HCA_T/s")
    first_answer=$(median < "$HCA_T/a")
    stop_ms=$(median < "$HCA_T/p")
    mon_ms=$(median < "$HCA_T/m")
    deep_ms=$(median < "$HCA_T/d")
}

verdict() {   # verdict RC: 0 means the agent said all is well
    if [ "$1" -eq 0 ]; then echo "rc $1 missed"; else echo "rc $1 detected"; fi
}

# failures AGENT: one verdict per failure mode, in $HCA_T/f.AGENT
failures() {
    env_"$1"
    out=$HCA_T/f.$1
    : > "$out"
    (
        env_"$1"
        OCF_RESKEY_config=$HCA_T/absent.conf
        echo "missing config (validate-all)|$(verdict "$(ra_rc validate-all)")"
        echo "missing config (start)|$(verdict "$(ra_rc start)")"
        ra stop
    ) >> "$out"
    (
        env_"$1"
        if [ "$1" = kea ]; then
            printf '{ "Dhcp4": { "subnet4": [ \n' > "$HCA_T/broken.conf"
        else
            printf 'subnet 10.88.0.0 netmask 255.255.255.0 {\n' > "$HCA_T/broken.conf"
        fi
        OCF_RESKEY_config=$HCA_T/broken.conf
        echo "config syntax error (validate-all)|$(verdict "$(ra_rc validate-all)")"
        echo "config syntax error (start)|$(verdict "$(ra_rc start)")"
        ra stop
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
        echo "missing lease directory (validate-all)|$(verdict "$(ra_rc validate-all)")"
        echo "missing lease directory (start)|$(verdict "$(ra_rc start)")"
        ra stop
    ) >> "$out"
    (
        env_"$1"
        OCF_RESKEY_interface=nosuch0
        echo "wrong interface (validate-all)|$(verdict "$(ra_rc validate-all)")"
        echo "wrong interface (start)|$(verdict "$(ra_rc start)")"
        ra stop
    ) >> "$out"
    # Stale pid file naming a live process that is not the server.
    sleep 300 &
    decoy=$!
    echo "$decoy" > "$PIDFILE"
    echo "stale pid file, live pid (monitor)|$(verdict "$(ra_rc monitor)")" >> "$out"
    kill "$decoy"; wait "$decoy" 2>/dev/null
    rm -f "$PIDFILE"
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
    # Does start return only once the server answers?  One probe right
    # after.
    ra start
    if answered 30; then s=yes; else s=no; fi
    echo "answers when start returns|$s" >> "$out"
    ra stop
    ok=yes
    [ -e "$PIDFILE" ] && ok="no (left $PIDFILE)"
    echo "no pid file after stop|$ok" >> "$out"
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

# execs AGENT ACTION: how many programs one action runs (strace).
execs() {
    env_"$1"
    command -v strace > /dev/null || { echo "-"; return; }
    f=$HCA_T/strace
    rm -f "$f"
    srv strace -f -q -e trace=execve -o "$f" "$AG" "$2" > /dev/null 2>&1 &
    st=$!
    n=0
    until [ -s "$f" ] && head -n 1 "$f" | awk '{ print $1 }' \
            | { read -r top; grep -q "^$top +++ exited" "$f"; }; do
        n=$((n + 1))
        if [ $n -gt 600 ]; then break; fi
        sleep 0.05
    done
    kill "$st" 2>/dev/null
    wait "$st" 2>/dev/null
    # The first execve is the agent itself; a server strace followed
    # (Kea does not fork: strace follows it) counts as one.
    echo $(($(grep -c 'execve(' "$f") - 1))
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
printf '%-42s %-16s %-16s\n' "" "hacon:kea-dhcp4" "hacon:dhcpd"
printf '%-42s %-16s %-16s\n' "start returned (ms)" "$k_start" "$d_start"
printf '%-42s %-16s %-16s\n' "start -> first DHCP answer (ms)" "$k_ans" "$d_ans"
printf '%-42s %-16s %-16s\n' "stop (ms)" "$k_stop" "$d_stop"
printf '%-42s %-16s %-16s\n' "monitor (ms)" "$k_mon" "$d_mon"
printf '%-42s %-16s %-16s\n' "monitor depth 10 (ms)" "$k_deep" "$d_deep"
printf '%-42s %-16s %-16s\n' "programs run by start/monitor/stop" \
    "$k_x_start/$k_x_mon/$k_x_stop" "$d_x_start/$d_x_mon/$d_x_stop"
paste -d'|' "$HCA_T/f.kea" "$HCA_T/f.dhcpd" \
    | awk -F'|' '{ printf "%-42s %-16s %-16s\n", $1, $2, $4 }'
