#!/bin/sh
# ocf:hacon:dhcpd side by side with resource-agents' ocf:heartbeat:dhcpd:
# same machine, same dhcpd, same configuration, same namespaces.
#   start -> first DHCP answer seen by a client (median of $ROUNDS)
#   start -> the start action returned
#   stop  -> the stop action returned (and dhcpd gone)
#   each failure mode: the code the agent returns, and whether that
#   reports the failure (detected) or says all is well (missed).
. "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
. "$HACON_TOP/tests/agent/lib.sh"
. "$HACON_TOP/tests/bench/lib-agent.sh"

ROUNDS=${ROUNDS:-5}
bench_rt "$@"
HB=/usr/lib/ocf/resource.d/heartbeat/dhcpd
[ "$(id -u)" = 0 ] || { echo "bench-agent: needs root"; exit 77; }
for c in ip dhcpd; do
    command -v "$c" > /dev/null || { echo "bench-agent: needs $c"; exit 77; }
done
[ -r "$HB" ] || { echo "bench-agent: needs resource-agents"; exit 77; }
[ -x "$HACON" ] || { echo "bench-agent: needs $HACON (make)"; exit 77; }

trap hca_teardown EXIT
trap 'exit 1' INT TERM
hca_setup || { echo "bench-agent: cannot create namespaces"; exit 77; }
export OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=p_dhcpd
export HA_LOGFACILITY=none HA_LOGFILE="$HCA_T/ha.log"
export OCF_RESKEY_CRM_meta_timeout=20000
mkdir -p "$HCA_T/hb"

# env_for AGENT: the parameters for one agent, as each names them.
env_hacon() {
    AG=$HACON_TOP/agents/dhcpd
    unset OCF_RESKEY_chrooted OCF_RESKEY_chrooted_path OCF_RESKEY_pid
    export OCF_RESKEY_config="$HCA_T/dhcpd.conf"
    export OCF_RESKEY_leases="$HCA_T/lib/dhcpd.leases"
    export OCF_RESKEY_pidfile="$HCA_T/run/dhcpd.pid"
    export OCF_RESKEY_interface=srv0 OCF_RESKEY_probe_binary="$HACON"
    export OCF_RESKEY_probe_timeout=500
    PIDFILE=$OCF_RESKEY_pidfile
}
env_heartbeat() {
    AG=$HB
    unset OCF_RESKEY_pidfile OCF_RESKEY_probe_binary
    export OCF_RESKEY_config="$HCA_T/dhcpd.conf"
    # With chrooted=false the lease path is still joined to chrooted_path.
    export OCF_RESKEY_chrooted=false OCF_RESKEY_chrooted_path="$HCA_T/hb"
    export OCF_RESKEY_leases=/dhcpd.leases
    # Debian has no dhcpd user, the agent's default.
    export OCF_RESKEY_user=root OCF_RESKEY_group=root
    export OCF_RESKEY_pid="$HCA_T/run/hb.pid"
    export OCF_RESKEY_interface=srv0
    # The agent writes its pid file one directory down.
    PIDFILE=$HCA_T/run/dhcpd/hb.pid
}

measure() { bench_measure "$1"; }

# failures AGENT: one verdict per failure mode, in $HCA_T/f.AGENT
failures() {
    env_"$1"
    out=$HCA_T/f.$1
    : > "$out"
    bench_case_with "$1" "missing config" OCF_RESKEY_config \
        "$HCA_T/absent.conf" >> "$out"
    printf 'subnet 10.88.0.0 netmask 255.255.255.0 {\n' > "$HCA_T/broken.conf"
    bench_case_with "$1" "config syntax error" OCF_RESKEY_config \
        "$HCA_T/broken.conf" >> "$out"
    (
        env_"$1"
        export OCF_RESKEY_binary=/nonexistent/dhcpd
        echo "missing binary (validate-all)|$(verdict "$(ra_rc validate-all)")"
    ) >> "$out"
    if [ "$1" = hacon ]; then
        bench_case_with "$1" "missing lease directory" OCF_RESKEY_leases \
            "$HCA_T/unmounted/dhcpd.leases" >> "$out"
    else
        bench_case_with "$1" "missing lease directory" \
            OCF_RESKEY_chrooted_path "$HCA_T/unmounted" >> "$out"
    fi
    bench_case_with "$1" "wrong interface" OCF_RESKEY_interface nosuch0 \
        >> "$out"
    bench_stale_pid >> "$out"
    ra start
    p=$(cat "$PIDFILE")
    kill -KILL "$p"
    # Dead and reaped: a zombie still passes kill -0, which is a race of
    # its own and not the failure measured here.
    n=0
    while [ -e "/proc/$p" ] && [ $n -lt 200 ]; do
        sleep 0.01; n=$((n + 1))
    done
    echo "dhcpd killed (monitor)|$(verdict "$(ra_rc monitor)")" >> "$out"
    ra stop
    ra start
    p=$(cat "$PIDFILE")
    kill -STOP "$p"
    echo "dhcpd hung, SIGSTOP (monitor depth 10)|$(verdict "$(OCF_CHECK_LEVEL=10 ra_rc monitor)")" >> "$out"
    kill -CONT "$p"
    ra stop
    bench_answers_on_start >> "$out"
    # `usage` prints the usage, with no error.
    srv "$AG" usage > "$HCA_T/usage.out" 2> "$HCA_T/usage.err"
    if [ $? -eq 0 ] && [ ! -s "$HCA_T/usage.err" ] \
        && grep -q usage "$HCA_T/usage.out"; then s=yes
    else s="no:$(head -n 1 "$HCA_T/usage.err" | cut -d: -f3- | cut -c1-30)"; fi
    echo "usage action works|$s" >> "$out"
    # An absolute lease path, as the parameter gives it (heartbeat needs
    # chrooted=false for that).
    (
        env_"$1"
        export OCF_RESKEY_leases="$HCA_T/lib/abs-$1.leases"
        r=$(ra_rc start)
        if [ "$r" -eq 0 ] && [ -e "$OCF_RESKEY_leases" ]; then s=yes
        else s="no (start rc $r)"; fi
        ra stop
        echo "absolute lease path used as given|$s"
    ) >> "$out"
    # The agent's default user and group, on this Debian machine.
    (
        env_"$1"
        unset OCF_RESKEY_user OCF_RESKEY_group
        r=$(ra_rc start)
        ra stop
        if [ "$r" -eq 0 ]; then s="yes"; else s="no (start rc $r)"; fi
        echo "default user/group work on Debian|$s"
    ) >> "$out"
}

# Machine baseline: one fork+exec, median of 9.
for _ in 1 2 3 4 5 6 7 8 9; do
    t0=$(date +%s%N); /bin/true; t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000))
done | median > "$HCA_T/base"

measure hacon
h_start=$start_ret h_ans=$first_answer h_stop=$stop_ms
h_x_start=$(execs hacon start) h_x_mon=$(execs hacon monitor)
h_x_stop=$(execs hacon stop)
measure heartbeat
b_start=$start_ret b_ans=$first_answer b_stop=$stop_ms
b_x_start=$(execs heartbeat start) b_x_mon=$(execs heartbeat monitor)
b_x_stop=$(execs heartbeat stop)
failures hacon
failures heartbeat

printf '%s\n' "ocf:hacon:dhcpd vs ocf:heartbeat:dhcpd ($(dhcpd --version 2>&1 | head -1), $ROUNDS rounds, median ms; load $(cut -d' ' -f1 /proc/loadavg)${HCA_BENCH_RT:+, SCHED_FIFO 10})"
bench_row "" "hacon:dhcpd" "heartbeat:dhcpd"
bench_row "start returned (ms)" "$h_start" "$b_start"
bench_row "start -> first DHCP answer (ms)" "$h_ans" "$b_ans"
bench_row "stop (ms)" "$h_stop" "$b_stop"
bench_row "programs run by start/monitor/stop" \
    "$h_x_start/$h_x_mon/$h_x_stop" "$b_x_start/$b_x_mon/$b_x_stop"
printf '%-42s %-16s\n' "machine baseline: one fork+exec (us)" "$(cat "$HCA_T/base")"
bench_failure_rows hacon heartbeat
