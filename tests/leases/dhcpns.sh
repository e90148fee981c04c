# Sourced by tests/leases/mkfixtures.sh and tests/leases/t-live.sh: the
# real ISC dhcpd and busybox udhcpc clients in a private pair of network
# namespaces with unique names.  Needs root.
#   dhcpns_setup            namespaces, veth pair, dhcpd.conf in $work
#   dhcpns_cleanup          stops what was started (by pid), removes it all
#   start_dhcpd/stop_dhcpd  dhcpd by its recorded pid ($dpid)
#   client MAC OPTS...      one DISCOVER/REQUEST/ACK, then udhcpc exits
#   released MAC OPTS...    a lease that the client then releases
# Failures call dhcpns_die MESSAGE, which the sourcing script defines.

dhcpns_setup() {
    id=$$
    srv=hcl${id}s cli=hcl${id}c
    work=$(mktemp -d /tmp/hc-leases-ns.XXXXXX)
    dpid='' cpid=''
    ip netns add "$srv" || dhcpns_die "ip netns add failed"
    ip netns add "$cli" || dhcpns_die "ip netns add failed"
    ip link add "v${id}s" type veth peer name "v${id}c"
    ip link set "v${id}s" netns "$srv"
    ip link set "v${id}c" netns "$cli"
    ip -n "$srv" link set "v${id}s" name eth0
    ip -n "$cli" link set "v${id}c" name eth0
    ip -n "$srv" addr add 10.77.0.1/24 dev eth0
    ip -n "$srv" link set eth0 up
    ip -n "$srv" link set lo up
    ip -n "$cli" link set lo up

    cat > "$work/dhcpd.conf" <<'CONF'
# hacon test fixture: written for tests/leases/mkfixtures.sh
authoritative;
ddns-update-style none;
default-lease-time 600;
max-lease-time 7200;
min-lease-time 1;
ping-check false;
dhcp-cache-threshold 0;
set vendor-class-identifier = option vendor-class-identifier;

shared-network "hc net" {
    subnet 10.77.0.0 netmask 255.255.255.0 {
        option routers 10.77.0.1;
        range 10.77.0.100 10.77.0.119;
        pool {
            range 10.77.0.200 10.77.0.204;
        }
    }
    subnet 10.77.1.0 netmask 255.255.255.0 {
        range 10.77.1.10 10.77.1.20;
    }
}

subnet 10.78.0.0 netmask 255.255.0.0 {
    range dynamic-bootp 10.78.0.10 10.78.0.19;
}

include "hosts.conf";
CONF
    cat > "$work/hosts.conf" <<'CONF'
host fixed-one {
    hardware ethernet 02:00:00:00:00:99;
    fixed-address 10.77.0.50;
}
CONF
    : > "$work/dhcpd.leases"
}

dhcpns_cleanup() {
    [ -n "${cpid:-}" ] && kill "$cpid" 2>/dev/null
    if [ -n "${dpid:-}" ]; then
        kill "$dpid" 2>/dev/null
        wait "$dpid" 2>/dev/null
    fi
    [ -n "${srv:-}" ] && ip netns del "$srv" 2>/dev/null
    [ -n "${cli:-}" ] && ip netns del "$cli" 2>/dev/null
    [ -n "${work:-}" ] && rm -rf "$work"
    return 0
}

start_dhcpd() {
    : > "$work/dhcpd.log"
    (cd "$work" && exec ip netns exec "$srv" dhcpd -4 -f -d -cf dhcpd.conf \
        -lf dhcpd.leases -pf dhcpd.pid eth0) > "$work/dhcpd.log" 2>&1 &
    dpid=$!
    # dhcpd is ready when it logs that it is listening (10 s at most).
    i=0
    until grep -q '^Listening on' "$work/dhcpd.log" 2>/dev/null; do
        i=$((i + 1))
        if [ $i -ge 100 ] || ! kill -0 "$dpid" 2>/dev/null; then
            cat "$work/dhcpd.log" >&2
            dhcpns_die "dhcpd did not start"
        fi
        sleep 0.1
    done
}

stop_dhcpd() {
    kill "$dpid"
    wait "$dpid" 2>/dev/null || true
    dpid=
}

n=0
# client MAC [udhcpc options...]: one DISCOVER/REQUEST/ACK, then exit.
client() {
    mac=$1; shift
    n=$((n + 1))
    ip -n "$cli" link set eth0 down
    ip -n "$cli" link set eth0 address "$mac"
    ip -n "$cli" link set eth0 up
    timeout 30 ip netns exec "$cli" busybox udhcpc -i eth0 -f -q -n -t 5 \
        -T 1 -A 1 -s /bin/true "$@" > "$work/client$n.log" 2>&1 || {
        cat "$work/client$n.log" >&2
        dhcpns_die "client $mac got no lease"; }
}
# A client that releases its lease: udhcpc -R releases when it ends.
released() {
    mac=$1; shift
    n=$((n + 1))
    ip -n "$cli" link set eth0 down
    ip -n "$cli" link set eth0 address "$mac"
    ip -n "$cli" link set eth0 up
    cat > "$work/bound.sh" <<SCRIPT
#!/bin/sh
# The address must be on eth0 for the unicast RELEASE to go out.
if [ "\$1" = bound ]; then
    ip addr add "\$ip/\${mask:-24}" dev "\$interface"
    ip route add 10.77.0.1 dev "\$interface" 2>/dev/null
    touch "$work/bound"
fi
exit 0
SCRIPT
    chmod +x "$work/bound.sh"
    rm -f "$work/bound"
    ip netns exec "$cli" busybox udhcpc -i eth0 -f -R -t 5 -T 1 -A 1 \
        -s "$work/bound.sh" "$@" > "$work/client$n.log" 2>&1 &
    cpid=$!
    i=0
    until [ -e "$work/bound" ]; do
        i=$((i + 1))
        [ $i -lt 300 ] || dhcpns_die "client $mac got no lease"
        sleep 0.1
    done
    kill -TERM "$cpid"
    wait "$cpid" || true
    cpid=
}
