# Shared by the agent benchmarks (bench-agent.sh, bench-kea-agent.sh;
# sourced after tests/agent/lib.sh, POSIX sh).  The script defines
# env_AGENT (the parameters for one agent, $AG and $PIDFILE) for each
# agent it compares.
#
#   bench_rt "$@"          re-runs the script at real-time priority 10
#   ra ACTION  ra_rc ACTION  the agent's action (ra_rc prints its code)
#   answered [MS]          a client got a DHCP answer
#   median                 the median of the numbers on stdin
#   verdict RC             "rc N detected", or "rc 0 missed"
#   bench_case LABEL       validate-all and start: one verdict each
#   bench_case_with AGENT LABEL NAME VALUE  the same with NAME=VALUE
#   bench_stale_pid        monitor over a pid file naming another process
#   bench_answers_on_start "answers when start returns", "no pid file"
#   bench_measure AGENT [HOOK]  start/answer/stop medians
#   execs AGENT ACTION     how many programs one action runs

# On a shared machine other load decides how long a fork+exec takes (it
# was 60-120 ms under a load of 10 on 2 cores, 6 ms at SCHED_FIFO), and
# agents are mostly forks: by default the whole comparison runs at
# real-time priority 10, both agents alike.  BENCH_RT=0 runs it as is.
bench_rt() {
    if [ "${BENCH_RT:-1}" = 1 ] && [ -z "${HCA_BENCH_RT:-}" ] \
        && command -v chrt > /dev/null && [ "$(id -u)" = 0 ]; then
        HCA_BENCH_RT=1 exec chrt -f 10 "$0" "$@"
    fi
}

ra() { srv timeout 40 "$AG" "$@" > /dev/null 2>&1; }
ra_rc() { ra "$@"; echo $?; }
answered() {
    cli "$HACON" probe --interface cli0 --timeout "${1:-100}" broadcast \
        > /dev/null 2>&1
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

verdict() {   # verdict RC: 0 means the agent said all is well
    if [ "$1" -eq 0 ]; then echo "rc $1 missed"; else echo "rc $1 detected"; fi
}

# bench_case LABEL: one failure mode (set up by the caller, in a subshell):
# the verdicts of validate-all and of start, then the agent stopped.
bench_case() {
    echo "$1 (validate-all)|$(verdict "$(ra_rc validate-all)")"
    echo "$1 (start)|$(verdict "$(ra_rc start)")"
    ra stop
}

# bench_case_with AGENT LABEL NAME VALUE: bench_case LABEL for AGENT with
# its parameter NAME set to VALUE.
bench_case_with() {
    (
        env_"$1"
        export "$3=$4"
        bench_case "$2"
    )
}

# bench_stale_pid: the verdict of monitor over a stale pid file that names
# a live process, not the server.
bench_stale_pid() {
    sleep 300 &
    decoy=$!
    mkdir -p "${PIDFILE%/*}"
    echo "$decoy" > "$PIDFILE"
    echo "stale pid file, live pid (monitor)|$(verdict "$(ra_rc monitor)")"
    kill "$decoy"; wait "$decoy" 2>/dev/null
    rm -f "$PIDFILE"
}

# bench_answers_on_start: does start return only once the server answers?
# One probe right after.  Then whether stop leaves its pid file.
bench_answers_on_start() {
    ra start
    if answered 30; then s=yes; else s=no; fi
    echo "answers when start returns|$s"
    ra stop
    ok=yes
    [ -e "$PIDFILE" ] && ok="no (left $PIDFILE)"
    echo "no pid file after stop|$ok"
}

# bench_measure AGENT [HOOK]: fills start_ret, first_answer, stop_ms
# (medians of $ROUNDS, ms); HOOK, when given, runs in each round while
# the server answers, before the stop.
bench_measure() {
    env_"$1"
    : > "$HCA_T/s"; : > "$HCA_T/a"; : > "$HCA_T/p"
    for _ in $(seq "$ROUNDS"); do
        t0=$(hca_now_ms)
        ra start
        t1=$(hca_now_ms)
        deadline=$((t0 + 10000))
        until answered 50; do
            [ "$(hca_now_ms)" -lt "$deadline" ] || break
        done
        echo $(($(hca_now_ms) - t0)) >> "$HCA_T/a"
        ${2:+"$2"}
        t2=$(hca_now_ms)
        ra stop
        t3=$(hca_now_ms)
        echo $((t1 - t0)) >> "$HCA_T/s"
        echo $((t3 - t2)) >> "$HCA_T/p"
    done
    start_ret=$(median < "$HCA_T/s")
    first_answer=$(median < "$HCA_T/a")
    stop_ms=$(median < "$HCA_T/p")
}

# execs AGENT ACTION: how many programs one action runs.  On a busy
# machine a fork+exec dominates the agent's time; this count does not
# depend on the load.
execs() {
    env_"$1"
    command -v strace > /dev/null || { echo "-"; return; }
    f=$HCA_T/strace
    rm -f "$f"
    # strace would follow a daemonized server for ever: it is stopped (and
    # detaches) once the agent's own process has exited.
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

# bench_row LABEL A B: one row of the table.
bench_row() { printf '%-42s %-16s %-16s\n' "$@"; }

# bench_failure_rows A B: the failure modes of agents A and B side by side.
bench_failure_rows() {
    paste -d'|' "$HCA_T/f.$1" "$HCA_T/f.$2" \
        | awk -F'|' '{ printf "%-42s %-16s %-16s\n", $1, $2, $4 }'
}
