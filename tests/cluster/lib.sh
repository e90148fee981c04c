# shellcheck shell=bash disable=SC2034
# Settings and helpers of the namespace test cluster (sourced by hc-cluster,
# node-init, demo.sh and the t-*.sh suites).
#
# Two nodes, nodeone and nodetwo, each in its own network, mount, UTS, IPC
# and PID namespace, with its own /run, /dev, /dev/shm, /tmp, /var/log,
# /etc/corosync, /var/lib/pacemaker, /root and syslog; /usr is the host's.
# Everything lives in namespaces named after the instance prefix, so two
# instances do not collide and the host's own network is never touched.

# Builtins where a command would do: every hc-cluster call sources this,
# and a fork costs more than anything else here on a small machine.
case ${BASH_SOURCE[0]} in
    */*) HC_CL_DIR=${BASH_SOURCE[0]%/*} ;;
    *) HC_CL_DIR=. ;;
esac
HC_CL_DIR=$(cd "$HC_CL_DIR" && pwd)
HC_TOP=$(cd "$HC_CL_DIR/../.." && pwd)
: "${HC_CLUSTER_PREFIX:=hc}"
P=$HC_CLUSTER_PREFIX
case $P in
    *[!a-z0-9]*|'') echo "hc-cluster: HC_CLUSTER_PREFIX must be [a-z0-9]+" >&2; exit 2 ;;
esac
[ ${#P} -le 8 ] || { echo "hc-cluster: HC_CLUSTER_PREFIX: 8 characters at most" >&2; exit 2; }
: "${HC_CLUSTER_STATE:=$HC_CL_DIR/state/$P}"
S=$HC_CLUSTER_STATE
# Corosync totem token (ms).  Short, so that a crash is noticed in ~2 s,
# yet long enough for a loaded 2-core machine.
: "${HC_CLUSTER_TOKEN_MS:=2000}"
# Pacemaker waits dc-deadtime for a DC before electing one (20 s default);
# the test cluster starts with it shortened.
: "${HC_CLUSTER_DC_DEADTIME:=3s}"
# The final configuration's monitor interval of dhcp: the tutorial's 30 s.
# A suite that kills dhcpd and waits for Pacemaker to notice sets it
# shorter (the wait for the next monitor is not what it tests).
: "${HC_CLUSTER_DHCP_MONITOR:=30s}"

# The DHCP server of the instance: isc (dhcpd, the tutorial's) or kea
# (ISC Kea); `hc-cluster up --kea` records kea for the later commands.
HC_DHCP_AGENT_GIVEN=${HC_DHCP_AGENT:-}
if [ -z "${HC_DHCP_SERVER:-}" ]; then
    HC_DHCP_SERVER=isc
    { read -r HC_DHCP_SERVER < "$S/server"; } 2> /dev/null
fi

NODES=(nodeone nodetwo)
declare -A NODEID=([nodeone]=1 [nodetwo]=2)
declare -A SHORT=([nodeone]=n1 [nodetwo]=n2)
declare -A MGMT_IP=([nodeone]=10.10.99.1 [nodetwo]=10.10.99.2)   # eth0
declare -A HA_IP=([nodeone]=10.10.100.1 [nodetwo]=10.10.100.2)   # eth1
declare -A SVC_IP=([nodeone]=10.10.102.1 [nodetwo]=10.10.102.2)  # eth2 static
ADMIN_IP=10.10.99.254
# The nodes' power switches (hc-cluster up --bmc): an IPMI BMC per node,
# OpenIPMI's ipmi_sim, on an address of its own on the admin station's
# management link, port 623, user BMC_USER (the password is made at `up`,
# in $S/bmc/password, mode 0600).
declare -A BMC_IP=([nodeone]=10.10.99.201 [nodetwo]=10.10.99.202)
BMC_USER=admin
# The third host (hc-cluster up --qnetd): corosync-qnetd's host for a
# quorum device, a namespace of its own (like a node: sshd, its own /etc,
# /run, /var/log) on the management network only; the nodes know it as
# QNETD_HOST.
QNETD_HOST=qnetd
QNETD_IP=10.10.99.3
VIP=10.10.101.1
POOL_START=10.10.101.100
POOL_END=10.10.101.199
CLIENT_MAC=02:00:0a:0a:65:99
CLUSTER_NAME=hacluster

NS_SW=$P-sw          # bridges br-mgmt, br-ha, br-svc
NS_CLIENT=$P-client  # DHCP client on the service network
NS_ADMIN=$P-admin    # where the admin's ssh comes from (management network)
ns_of() { echo "$P-$1"; }

# The shared disk stands in for /dev/drbd1: an ext4 image on a loop device.
# Inside the nodes its device node is called /dev/drbd1, so that the
# configuration reads as the tutorial's.  /data must be a plain directory
# (not a mount point): ocf:heartbeat:Filesystem, finding "other mounts of
# the same device" at a bind-mounted mount point, kills their users.
DISK_IMG=$S/shared-disk.img
DISK_SIZE=32M
DISK_LABEL=hcshared
DISK_DEV=/dev/drbd1
DATA_DIR=/data
# server_settings: the lease file and the agent of the final
# configuration for HC_DHCP_SERVER.  The dhcpd agent is one line to
# switch; the project's own is used once it is in the tree.
server_settings() {
    if [ "$HC_DHCP_SERVER" = kea ]; then
        LEASES=$DATA_DIR/kea/kea-leases4.csv
        HC_DHCP_AGENT=${HC_DHCP_AGENT_GIVEN:-ocf:hacon:kea-dhcp4}
    else
        LEASES=$DATA_DIR/dhcp/dhcpd.leases
        HC_DHCP_AGENT=$HC_DHCP_AGENT_GIVEN
        if [ -z "$HC_DHCP_AGENT" ] && [ -f "$HC_TOP/agents/dhcpd" ]; then
            HC_DHCP_AGENT=ocf:hacon:dhcpd
        elif [ -z "$HC_DHCP_AGENT" ]; then
            HC_DHCP_AGENT=ocf:heartbeat:dhcpd
        fi
    fi
}
server_settings
KEA_CONF=/etc/kea/kea-dhcp4.conf

# Per-node directories bind-mounted from $S/NODE/root over the host's.
# The init scripts' runlevel links are per node too: the guided setup
# disables the packaged isc-dhcp-server or kea-dhcp4-server there
# (update-rc.d), which must not change the host's; /var/lib/hacon holds the setup's checkpoints.
BIND_DIRS=(/etc/corosync /etc/dhcp /etc/kea /etc/ssh /var/lib/pacemaker
           /var/lib/corosync /var/lib/heartbeat /var/log /root
           /etc/rc0.d /etc/rc1.d /etc/rc2.d /etc/rc3.d /etc/rc4.d
           /etc/rc5.d /etc/rc6.d /etc/rcS.d /var/lib/hacon)
BIND_FILES=(/etc/hosts /etc/hostname)

NODE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

log() { printf '%(%T)T hc-cluster[%s]: %s\n' -1 "$P" "$*" >&2; }
die() { log "error: $*"; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "must run as root"; }
is_node() { [ "$1" = nodeone ] || [ "$1" = nodetwo ]; }
# now: the wall clock in nanoseconds (microsecond precision).  The
# separator of EPOCHREALTIME follows the locale: every non-digit goes.
now() { echo "${EPOCHREALTIME//[!0-9]/}000"; }
# elapsed T0: seconds since T0 (from now), one decimal
elapsed() {
    local t=${EPOCHREALTIME//[!0-9]/} d
    d=$(( (t * 1000 - $1) / 100000000 ))
    echo "$((d / 10)).$((d % 10))"
}

# wait_for SECONDS WHAT CMD...: polls CMD until it succeeds; on the
# deadline says what it waited for and fails.
wait_for() {
    local t=$1 what=$2 end; shift 2
    end=$(( ${EPOCHREALTIME//[!0-9]/} + t * 1000000 ))
    while ! "$@" > /dev/null 2>&1; do
        if [ "${EPOCHREALTIME//[!0-9]/}" -ge "$end" ]; then
            log "timed out after ${t}s waiting for: $what"
            return 1
        fi
        # Polling costs CPU the cluster needs on a small machine.
        sleep 0.5
    done
}

# ---------------------------------------------------------------- PIDs
# Host PID of a node's PID 1, when it runs.  The recorded PID must still
# carry the node's start token in its environment (PIDs are recycled).
init_pid() {
    local f=$S/$1/init.pid tok="" pid=""
    { read -r pid < "$f"; read -r tok < "$S/$1/init.token"; } 2> /dev/null
    [ -n "$pid" ] && [ -n "$tok" ] && has_init_token "$pid" "$tok" || return 1
    echo "$pid"
}
# has_init_token PID TOKEN: PID's environment holds HC_INIT_TOKEN=TOKEN.
has_init_token() {
    local e
    local -a envs
    { mapfile -d '' envs < "/proc/$1/environ"; } 2> /dev/null || return 1
    for e in "${envs[@]}"; do
        [ "$e" = "HC_INIT_TOKEN=$2" ] && return 0
    done
    return 1
}

# nx NODE CMD...: runs CMD inside the node's namespaces.
nx() {
    local node=$1 pid; shift
    pid=$(init_pid "$node") || { log "$node is not running"; return 1; }
    nsenter -t "$pid" -m -u -i -n -p -- env -i PATH="$NODE_PATH" HOME=/root \
        LC_ALL=C.UTF-8 TERM="${TERM:-dumb}" USER=root LOGNAME=root "$@" 9>&-
}
# nn NS CMD...: runs CMD in a plain network namespace (client, admin, switch).
nn() { local ns=$1; shift; nsenter --net="/run/netns/$ns" -- "$@" 9>&-; }

# A PID recorded in a node's private /run/hc, checked to be alive; a
# daemon that another starter started (the guided setup, through the init
# scripts) is found by name in the node's own /proc.
daemon_running() {
    nx "$1" sh -c 'p=$(cat /run/hc/$1.pid 2>/dev/null || pidof -s $1) &&
        kill -0 "$p"' _ "$2" 2> /dev/null
}

# ---------------------------------------------------------------- queries
# crm_mon's view of node $2 ("online", "standby", "offline", ...) from node $1.
online_count() {
    nx "$1" crm_mon -1 --output-as=xml 2> /dev/null \
        | grep -c '<node name=[^>]* online="true"'
}
both_online() {
    local n
    for n in "${NODES[@]}"; do
        [ "$(online_count "$n")" = 2 ] || return 1
    done
}
corosync_local_up() { nx "$1" corosync-cfgtool -s; }

# Node that holds the floating IP on its eth2 (empty: none).
vip_owner() {
    local n
    for n in "${NODES[@]}"; do
        ip -n "$(ns_of "$n")" -4 -o addr show dev eth2 2> /dev/null \
            | grep -q " $VIP/" && echo "$n"
    done
}
# Node where resource $1 runs, as pacemaker says (queried on node $2).
rsc_node() {
    nx "${2:-nodeone}" crm_resource --locate --quiet -r "$1" 2> /dev/null | head -n1
}
# placement ASKED: "RSC NODE" for every active primitive, from one crm_mon.
placement() {
    nx "${1:-nodeone}" crm_mon -1 --output-as=xml 2> /dev/null | awk '
        /<resources>/ { in_r = 1 } /<\/resources>/ { in_r = 0 }
        in_r && /<resource / {
            match($0, /id="[^"]*"/); cur = substr($0, RSTART + 4, RLENGTH - 5)
            if ($0 ~ /\/>[[:space:]]*$/) cur = ""
            next }
        in_r && cur != "" && /<node name=/ {
            match($0, /name="[^"]*"/); print cur, substr($0, RSTART + 6, RLENGTH - 7) }
        /<\/resource>/ { cur = "" }'
}
# all_on NODE ASKED: fs_data, testnet and dhcp all active on NODE (only).
all_on() {
    local p; p=$(placement "$2")
    [ "$(echo "$p" | grep -cE '^(fs_data|testnet|dhcp) ')" = 3 ] \
        && [ "$(echo "$p" | grep -cE "^(fs_data|testnet|dhcp) $1\$")" = 3 ]
}
