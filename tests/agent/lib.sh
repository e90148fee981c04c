# Shared by the agent suites and the agent benchmark (sourced, POSIX sh):
# a server and a client network namespace joined by a veth pair, a dhcpd
# configuration for them, and a teardown that removes all of it.
#
#   hca_setup              makes $HCA_T (temp dir), $SRV, $CLI, links
#                          srv0 (10.88.0.1/24) and cli0 (no address)
#   hca_teardown           stops what the run started, deletes it all
#   srv CMD...  cli CMD... run a command in a namespace
#
# Names carry the shell's pid, so that two runs never collide.

HCA_ID=$$
SRV=hca-$HCA_ID-srv
CLI=hca-$HCA_ID-cli
HCA_T=""

srv() { ip netns exec "$SRV" "$@"; }
cli() { ip netns exec "$CLI" "$@"; }

hca_write_conf() {
    cat > "$1" <<CONF
# Written by the hacon agent tests.
authoritative;
default-lease-time 600;
max-lease-time 7200;
ping-check false;
dhcp-cache-threshold 0;
subnet 10.88.0.0 netmask 255.255.255.0 {
    range 10.88.0.100 10.88.0.150;
    option routers 10.88.0.1;
}
CONF
}

# The same service for Kea (kea-dhcp4.conf), its lease file in $HCA_T/lib.
hca_write_kea_conf() {
    cat > "$1" <<CONF
// Written by the hacon agent tests.
{ "Dhcp4": {
    "interfaces-config": { "interfaces": [ "srv0" ] },  # the service link
    "lease-database": {
        "type": "memfile",
        "name": "$HCA_T/lib/kea-leases4.csv",
        "lfc-interval": 3600
    },
    /* Short leases, as dhcpd.conf above. */
    "valid-lifetime": 600,
    "subnet4": [ {
        "subnet": "10.88.0.0/24",
        "pools": [ { "pool": "10.88.0.100 - 10.88.0.150" } ],
        "option-data": [ { "name": "routers", "data": "10.88.0.1" } ]
    } ]
} }
CONF
}

hca_setup() {
    HCA_T=$(mktemp -d /tmp/hca.XXXXXX) || return 1
    # ocf-tester runs `meta-data` as nobody: the agent must be reachable.
    chmod 755 "$HCA_T"
    mkdir -p "$HCA_T/run" "$HCA_T/lib"
    hca_write_conf "$HCA_T/dhcpd.conf"
    hca_write_kea_conf "$HCA_T/kea-dhcp4.conf"
    ip netns add "$SRV" || return 1
    ip netns add "$CLI" || return 1
    ip link add name srv0 netns "$SRV" type veth peer name cli0 \
        netns "$CLI" || return 1
    srv ip link set lo up
    cli ip link set lo up
    srv ip addr add 10.88.0.1/24 dev srv0
    srv ip link set srv0 up
    cli ip link set cli0 up
    # A second interface whose address no subnet declares.
    srv ip link add name odd0 type veth peer name odd1 || return 1
    srv ip link set odd1 up
    srv ip addr add 192.168.251.1/24 dev odd0
    srv ip link set odd0 up
}

# Every dhcpd that this run started runs in our server namespace with a
# config under $HCA_T; each is ended by its pid.
hca_our_dhcpd_pids() {
    [ -n "$HCA_T" ] || return 0
    for p in $(ip netns pids "$SRV" 2>/dev/null); do
        if tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null \
            | grep -q -- "-cf $HCA_T/"; then
            echo "$p"
        fi
    done
}

# Every kea-dhcp4 (and kea-lfc) that this run started: in our server
# namespace, with a config or lease file under $HCA_T.
hca_our_kea_pids() {
    [ -n "$HCA_T" ] || return 0
    for p in $(ip netns pids "$SRV" 2>/dev/null); do
        case $(cat "/proc/$p/comm" 2>/dev/null) in
            kea-dhcp4|kea-lfc) ;;
            *) continue ;;
        esac
        # The agent itself is named kea-dhcp4 too: a shell.
        case $(readlink "/proc/$p/exe" 2>/dev/null) in
            */kea-dhcp4|*/kea-lfc) ;;
            *) continue ;;
        esac
        if tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null \
            | grep -q -- " $HCA_T/"; then
            echo "$p"
        fi
    done
}

hca_teardown() {
    for p in $(hca_our_dhcpd_pids) $(hca_our_kea_pids); do
        kill -CONT "$p" 2>/dev/null
        kill -KILL "$p" 2>/dev/null
    done
    ip netns del "$SRV" 2>/dev/null
    ip netns del "$CLI" 2>/dev/null
    [ -n "$HCA_T" ] && rm -rf "$HCA_T"
}

# Wall clock in milliseconds.
hca_now_ms() {
    echo $(( $(date +%s%N) / 1000000 ))
}

# What both agents' suites do: run an action ($AG in the server
# namespace), check its status and exit reason, probe, see a process gone.
# ra ACTION: runs the agent in the server namespace; the exit reason goes
# to $HCA_T/reason, the status to $rc.
ra() {
    srv timeout 40 "$AG" "$1" > "$HCA_T/out" 2> "$HCA_T/err"
    rc=$?
    sed -n 's/^ocf-exit-reason://p' "$HCA_T/err" > "$HCA_T/reason"
}

# expect DESC ACTION RC [REASON-SUBSTRING]
expect() {
    _d=$1 _a=$2 _rc=$3 _why=$4
    ra "$_a"
    if [ "$rc" -ne "$_rc" ]; then
        tap_fail "$_d: $_a returned $rc, expected $_rc"
        sed 's/^/# /' "$HCA_T/err" | head -5
        return
    fi
    if [ -n "$_why" ] && ! grep -qF -- "$_why" "$HCA_T/reason"; then
        tap_fail "$_d: exit reason lacks '$_why'"
        sed 's/^/# reason: /' "$HCA_T/reason"
        return
    fi
    tap_ok "$_d ($_a: rc $rc${_why:+, reason: $(head -c 120 "$HCA_T/reason")})"
}

# probe [TIMEOUT_MS]: one DHCP exchange with the server on srv0.
probe() { srv "$HACON" probe --interface srv0 --timeout "${1:-1500}" broadcast; }
no_answer() { ! probe "$1" > /dev/null; }

# A killed process may linger as a zombie when PID 1 does not reap it, and
# may be reaped at any moment: its state is read once, and a process whose
# state cannot be read is gone (kill -0 then a read of /proc/PID/stat
# raced with the reaper).
gone() {
    _st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)
    [ -z "$_st" ] || [ "$_st" = Z ] && return 0
    echo "# pid $1 is in state $_st: $(tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null)"
    return 1
}

# hca_suite AGENT RESOURCE: what an agent's suite needs first (after its
# own tap_need_*): resource-agents, ip netns and $HACON, or a skip; the
# namespaces, torn down on exit; $AG, a copy of agents/AGENT that
# ocf-tester's nobody can run; the OCF environment of resource RESOURCE.
hca_suite() {
    [ -r /usr/lib/ocf/lib/heartbeat/ocf-shellfuncs ] \
        || tap_skip_all "needs resource-agents (make deps installs it)"
    ip netns list > /dev/null 2>&1 || tap_skip_all "needs ip netns"
    [ -x "$HACON" ] || tap_skip_all "needs $HACON (make)"

    trap hca_teardown EXIT
    trap 'exit 1' INT TERM
    hca_setup || tap_skip_all "cannot create network namespaces here"

    AG=$HCA_T/$1
    cp "$HACON_TOP/agents/$1" "$AG"
    chmod 755 "$AG"

    export OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=$2
    export HA_LOGFACILITY=none HA_LOGFILE="$HCA_T/ha.log"
    export OCF_RESKEY_CRM_meta_timeout=20000
}

# hca_ocf_tester RESOURCE OPTION...: ocf-tester's conformance run of $AG
# with a real server, its log's tail on a failure.
hca_ocf_tester() {
    _n=$1
    shift
    if srv ocf-tester -n "$_n" "$@" "$AG" > "$HCA_T/tester.log" 2>&1; then
        tap_ok "ocf-tester passes"
    else
        tap_fail "ocf-tester"
        sed 's/^/# /' "$HCA_T/tester.log" | tail -20
    fi
}

# hca_client_lease: a real client (udhcpc on cli0) gets a lease.
hca_client_lease() {
    if cli timeout 20 busybox udhcpc -i cli0 -n -q -f -t 5 -T 1 -s /bin/true \
            > "$HCA_T/udhcpc.log" 2>&1; then
        tap_ok "udhcpc obtains a lease"
    else
        tap_fail "udhcpc obtains a lease"
        sed 's/^/# /' "$HCA_T/udhcpc.log"
    fi
}

# hca_no_interface_start: no interface given: start, then the deep monitor
# on the interface the server listens on, also to a unicast probe_address
# (the caller stops).
hca_no_interface_start() {
    OCF_RESKEY_interface="" expect "start without interface" start 0
    OCF_RESKEY_interface="" OCF_CHECK_LEVEL=10 \
        expect "deep monitor without interface" monitor 0
    OCF_RESKEY_interface="" OCF_CHECK_LEVEL=10 \
        OCF_RESKEY_probe_address=10.88.0.1 \
        expect "deep monitor to a unicast probe_address" monitor 0
}

# hca_ocf_plumbing: no action and an unknown one, with their OCF codes.
hca_ocf_plumbing() {
    srv "$AG" > /dev/null 2>&1
    tap_check "no action: OCF_ERR_ARGS" test $? -eq 2
    srv "$AG" frobnicate > /dev/null 2>&1
    tap_check "unknown action: OCF_ERR_UNIMPLEMENTED" test $? -eq 3
}
