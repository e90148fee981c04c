#!/bin/sh
# ocf:hacon:dhcpd moved between two server namespaces by hand, as the
# cluster would move it: one shared lease directory (the DRBD filesystem),
# a service address that moves with dhcpd, a real DHCP client on the same
# segment.  After the move the client's renewal is answered by the other
# node with the same address and the lease file still holds the lease.
# (The move through Pacemaker itself is tests/cluster/'s job.)
. "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"

tap_need_root
tap_need_cmd ip dhcpd busybox
[ -r /usr/lib/ocf/lib/heartbeat/ocf-shellfuncs ] \
    || tap_skip_all "needs resource-agents (make deps installs it)"
[ -x "$HACON" ] || tap_skip_all "needs $HACON (make)"

ID=$$
SW=hcf-$ID-sw A=hcf-$ID-a B=hcf-$ID-b C=hcf-$ID-cli
T=""
UPID=""
PPID_PROBE=""
cleanup() {
    [ -n "$UPID" ] && kill "$UPID" 2>/dev/null
    [ -n "$PPID_PROBE" ] && kill "$PPID_PROBE" 2>/dev/null
    for ns in "$A" "$B"; do
        for p in $(ip netns pids "$ns" 2>/dev/null); do
            if [ -n "$T" ] && tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null \
                | grep -q -- "-cf $T/"; then
                kill -KILL "$p" 2>/dev/null
            fi
        done
    done
    for ns in "$SW" "$A" "$B" "$C"; do ip netns del "$ns" 2>/dev/null; done
    [ -n "$T" ] && rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

T=$(mktemp -d /tmp/hcf.XXXXXX) || exit 1
mkdir -p "$T/shared"
for ns in "$SW" "$A" "$B" "$C"; do
    ip netns add "$ns" || tap_skip_all "cannot create network namespaces"
    ip -n "$ns" link set lo up
done
ip -n "$SW" link add br0 type bridge || tap_skip_all "no bridge support"
ip -n "$SW" link set br0 up
for pair in "$A:pa" "$B:pb" "$C:pc"; do
    ns=${pair%%:*} port=${pair#*:}
    ip link add name eth0 netns "$ns" type veth peer name "$port" netns "$SW"
    ip -n "$SW" link set "$port" master br0 up
done
ip -n "$C" link set eth0 address 02:00:0a:59:00:99
ip -n "$A" addr add 10.89.0.2/24 dev eth0
ip -n "$B" addr add 10.89.0.3/24 dev eth0
for ns in "$A" "$B" "$C"; do ip -n "$ns" link set eth0 up; done

cat > "$T/dhcpd.conf" <<'CONF'
authoritative;
# The service address: a renewal goes to whichever node holds it.
server-identifier 10.89.0.1;
# Write every renewal to the lease file, so that a takeover knows it.
dhcp-cache-threshold 0;
ping-check false;
default-lease-time 600;
max-lease-time 7200;
subnet 10.89.0.0 netmask 255.255.255.0 {
    range 10.89.0.100 10.89.0.150;
    option routers 10.89.0.1;
}
CONF
cat > "$T/udhcpc.script" <<'SCRIPT'
#!/bin/sh
# Sets the address in the client namespace only, and logs each event.
case $1 in
    bound|renew)
        ip addr flush dev "$interface"
        ip addr add "$ip/${mask:-24}" dev "$interface"
        echo "$1 $ip $serverid" >> "$UDHCPC_LOG"
        ;;
    *) echo "$1" >> "$UDHCPC_LOG" ;;
esac
SCRIPT
chmod 755 "$T/udhcpc.script"

export OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=p_dhcpd
export HA_LOGFACILITY=none HA_LOGFILE="$T/ha.log"
export OCF_RESKEY_CRM_meta_timeout=20000
export OCF_RESKEY_config="$T/dhcpd.conf"
export OCF_RESKEY_leases="$T/shared/dhcpd.leases"
export OCF_RESKEY_interface=eth0 OCF_RESKEY_probe_binary="$HACON"
# /run is per node in the cluster; here each node gets its own pid file.
on() {   # on NODE ACTION
    _ns=$1; shift
    if [ "$_ns" = "$A" ]; then _pf=$T/a.pid; else _pf=$T/b.pid; fi
    OCF_RESKEY_pidfile=$_pf ip netns exec "$_ns" timeout 40 \
        "$HACON_TOP/agents/dhcpd" "$@" > /dev/null 2> "$T/err"
}
# wait_for SECONDS CMD...: polls CMD until it succeeds or the time is up.
wait_for() {
    _end=$(( $(date +%s) + $1 )); shift
    until "$@"; do
        [ "$(date +%s)" -lt "$_end" ] || return 1
        sleep 0.1
    done
}
leased() { grep -q "^bound \|^renew " "$T/udhcpc.log" 2>/dev/null; }
renewed() { grep -q "^renew " "$T/udhcpc.log" 2>/dev/null; }

# Node A is active.
ip -n "$A" addr add 10.89.0.1/24 dev eth0
on "$A" start
tap_check "node A: start" test $? -eq 0

export UDHCPC_LOG="$T/udhcpc.log"
ip netns exec "$C" busybox udhcpc -i eth0 -f -s "$T/udhcpc.script" \
    -t 10 -T 1 > "$T/udhcpc.out" 2>&1 &
UPID=$!
tap_check "client gets a lease from node A" wait_for 20 leased
ip_before=$(awk '$1 == "bound" { print $2; exit }' "$T/udhcpc.log")
echo "# client address: $ip_before"
tap_check "the lease is in the shared lease file" \
    grep -q "^lease $ip_before " "$OCF_RESKEY_leases"

# Probe the service address from the client every 200 ms during the move.
ip netns exec "$C" "$HACON" probe --count 300 --interval 200 --timeout 150 \
    10.89.0.1 > "$T/probe.log" 2>&1 &
PPID_PROBE=$!

# Failover: stop on A, move the address, start on B, once the probe has
# seen node A answer a few times.
probes_seen() { [ "$(grep -c DHCPACK "$T/probe.log")" -ge 3 ]; }
tap_check "probes answered by node A" wait_for 10 probes_seen
t0=$(date +%s%N)
on "$A" stop
tap_check "node A: stop" test $? -eq 0
ip -n "$A" addr del 10.89.0.1/24 dev eth0
ip -n "$B" addr add 10.89.0.1/24 dev eth0
on "$B" start
tap_check "node B: start on the shared lease file" test $? -eq 0
t1=$(date +%s%N)
echo "# stop on A + start on B: $(( (t1 - t0) / 1000000 )) ms"
lines_at_start_b=$(wc -l < "$T/probe.log")
OCF_CHECK_LEVEL=10 on "$B" monitor
tap_check "node B: deep monitor (DHCP exchange) succeeds" test $? -eq 0
on "$A" monitor
tap_check "node A: monitor says not running" test $? -eq 7

# The client renews (unicast to the service address): node B answers
# with the same address.
kill -USR1 "$UPID"
tap_check "client renewal answered by node B" wait_for 15 renewed
ip_after=$(awk '$1 == "renew" { print $2 }' "$T/udhcpc.log" | tail -n 1)
tap_check "same address after the failover ($ip_before -> $ip_after)" \
    test -n "$ip_before" -a "$ip_before" = "$ip_after"
# dhcpd rewrites the file when it starts (the lease it read back), then
# appends the renewal.
tap_check "lease file intact: the lease read back, and the renewal" \
    test "$(grep -c "^lease $ip_after " "$OCF_RESKEY_leases")" -ge 2
tap_check "the lease names the client's hardware address" \
    grep -q "hardware ethernet 02:00:0a:59:00:99" "$OCF_RESKEY_leases"

answered_after() {
    tail -n +"$((lines_at_start_b + 1))" "$T/probe.log" | grep -q DHCPACK
}
tap_check "probes answered by node B after the move" wait_for 10 answered_after
kill "$PPID_PROBE" 2>/dev/null
wait "$PPID_PROBE" 2>/dev/null
PPID_PROBE=""
lost=$(grep -c "no answer" "$T/probe.log")
answered=$(grep -c "DHCPACK" "$T/probe.log")
echo "# probes every 200 ms during the move: $answered answered, $lost lost (about $((lost * 200)) ms without an answer)"
on "$B" stop
tap_check "node B: stop" test $? -eq 0
tap_done
