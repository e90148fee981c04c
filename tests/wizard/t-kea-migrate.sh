#!/bin/bash
# The migration from dhcpd to Kea (setup step kea) on a running cluster
# with live leases: the namespace cluster in the tutorial's final
# configuration with dhcpd (hc-cluster up --final), its dhcpd.conf with
# what an admin adds (a host with a fixed address, an option, a statement
# Kea has no translation for), a client holding a lease; then, with
# dhcp_server=kea answered:
#   the resources and dhcp steps refuse to swap dhcpd for Kea without the
#   leases (they name step kea);
#   the plan lists what is not translated with its file and line, the
#   lease written for Kea, and crm_simulate's preview of the swap;
#   a failure after the swap (injected) rolls back to dhcpd, and the
#   client renews its address from dhcpd;
#   the migration: Kea serves, dhcpd's lease is in Kea's lease file, the
#   client renews the same address from Kea; again: nothing to do.
: "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$HACON_TOP/tests/tap.sh"

tap_need_root
tap_need_cmd ip nsenter unshare losetup mkfs.ext4 corosync pacemakerd \
    crm_mon crm_resource cibadmin dhcpd kea-dhcp4 busybox sshd ssh python3
tap_need_netns
[ -x "$HACON" ] || tap_skip_all "build/hacon not built (make)"

HC_CLUSTER_PREFIX=hcm$(printf '%s' "$HACON_TOP" | cksum | cut -c1-5)
HC_CLUSTER_SSH_MUX=1
HC_DHCP_SERVER=isc
export HC_CLUSTER_PREFIX HC_CLUSTER_SSH_MUX HC_DHCP_SERVER
unset HC_CLUSTER_STATE HC_DHCP_AGENT
. "$HACON_TOP/tests/cluster/lib.sh"
CL=$HACON_TOP/tests/cluster/hc-cluster
W=$(mktemp -d /tmp/hc-t-keamig.XXXXXX)
down_done=0
cleanup() {
    [ "$down_done" = 1 ] || "$CL" down > "$W/down-trap.log" 2>&1
    [ -n "${HC_KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
T_ALL=$(now)
X() { "$CL" exec "$@"; }
KL=$DATA_DIR/kea/kea-leases4.csv

if "$CL" up --final > "$W/up.log" 2>&1; then
    tap_ok "up --final: the tutorial's cluster with dhcpd ($(cat "$S/up.seconds")s)"
else
    tap_fail "up --final"; sed 's/^/#   /' "$W/up.log" | tail -n 30
    tap_done
fi
A=$(rsc_node dhcp)
# What an admin adds to the dhcpd.conf, on both nodes.
for n in nodeone nodetwo; do
    X "$n" sh -c 'cat >> /etc/dhcp/dhcpd.conf <<EOF
option domain-name "example.org";
log-facility local7;
host printer {
	hardware ethernet 02:00:00:00:00:07;
	fixed-address 10.10.101.7;
}
EOF'
done
tap_check "dhcpd -t accepts the admin's dhcpd.conf" X nodeone dhcpd -t -q -cf /etc/dhcp/dhcpd.conf
if out=$("$CL" dhcp obtain 2>&1); then
    tap_ok "a client holds a lease from dhcpd: $out"
else
    tap_fail "a client lease from dhcpd"; echo "$out" | sed 's/^/#   /'
fi
LEASE=$("$CL" dhcp address)
ANS=$S/kea.answers
cat > "$ANS" <<EOF
dhcp_server=kea
storage=shared
shared_disk=$DISK_DEV
EOF
setup() { X nodeone hacon setup "$@" --answers "$ANS" > "$W/out" 2>&1; }

setup plan resources
tap_check "resources refuses to swap dhcpd for Kea without the leases, naming step kea" \
    grep -q 'dhcp runs dhcpd and dhcp_server=kea: step kea migrates it to Kea with its leases' "$W/out"
setup plan dhcp
tap_check "dhcp leaves Kea's configuration to step kea" \
    grep -q 'step kea migrates it to Kea with its configuration and leases' "$W/out"

setup plan kea
cp "$W/out" "$W/plan"
tap_check "plan: the statement Kea has no translation for is listed with file and line" \
    grep -q '^WARNING: not translated: /etc/dhcp/dhcpd.conf:[0-9]*: log-facility local7: a statement hacon does not translate' "$W/plan"
tap_check "plan: the host becomes a Kea reservation, the option is kept" sh -c \
    "grep -q '+.*{ \"hw-address\": \"02:00:00:00:00:07\", \"ip-address\": \"10.10.101.7\", \"hostname\": \"printer\" }' '$W/plan' &&
     grep -q '+.*{ \"name\": \"domain-name\", \"data\": \"example.org\" }' '$W/plan'"
tap_check "plan: dhcpd's lease of $LEASE written to Kea's lease file on $A" \
    grep -q "^ *+$LEASE,$CLIENT_MAC," "$W/plan"
tap_check "plan: crm_simulate previews the swap, the service staying on $A" sh -c \
    "grep -q 'Restart *dhcp *( $A )' '$W/plan' &&
     grep -q 'dhcp *(ocf:hacon:kea-dhcp4): *Started $A' '$W/plan'"

X nodeone env HACON_WIZARD_FAIL=kea:verify hacon setup apply kea --answers "$ANS" --yes \
    > "$W/fail.out" 2>&1
rc=$?
tap_check "a failure after the swap: exit 1, rolled back" sh -c \
    "[ $rc = 1 ] && grep -q 'rolled back to' '$W/fail.out'"
wait_for 60 "dhcp (dhcpd) to run again" sh -c \
    "'$CL' exec nodeone crm_mon -1 | grep -q 'dhcp.*(ocf:hacon:dhcpd):.*Started'"
tap_check "... dhcp runs dhcpd again, Kea's lease file is gone" sh -c \
    "'$CL' exec nodeone crm_mon -1 | grep -q 'dhcp.*(ocf:hacon:dhcpd):.*Started' &&
     ! '$CL' exec $A test -e $KL"
if out=$("$CL" dhcp renew 2>&1) && tail -n 1 "$S/client/events" | grep -q " renew ip=$LEASE "; then
    tap_ok "... the client renews $LEASE from dhcpd: $out"
else
    tap_fail "... the client renews $LEASE from dhcpd"; echo "$out" | sed 's/^/#   /'
fi

t0=$(now)
X nodeone hacon setup apply kea --answers "$ANS" --yes > "$W/kea.out" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q '^Step kea applied and verified' "$W/kea.out"; then
    tap_ok "kea: applied and verified in $(elapsed "$t0")s"
else
    tap_fail "kea: applied and verified (exit $rc)"; tail -n 25 "$W/kea.out" | sed 's/^/#   /'
fi
tap_check "the verification made a DHCP exchange and found every dhcpd lease in Kea's file" sh -c \
    "grep -q 'a DHCP exchange with Kea from' '$W/kea.out' &&
     grep -q \"Kea serves on $A with all 1 of dhcpd's leases\" '$W/kea.out'"
tap_check "dhcp runs ocf:hacon:kea-dhcp4 on $A" sh -c \
    "'$CL' exec nodeone crm_mon -1 | grep -q 'dhcp.*(ocf:hacon:kea-dhcp4):.*Started $A'"
tap_check "... with fs_data and testnet" all_on "$A" nodeone
tap_check "Kea's lease file holds $LEASE for the client" sh -c \
    "'$CL' exec $A grep -q '^$LEASE,$CLIENT_MAC,' $KL"
rows=$(X "$A" grep -c "^$LEASE," "$KL")
if out=$("$CL" dhcp renew 2>&1) && tail -n 1 "$S/client/events" | grep -q " renew ip=$LEASE serverid=$VIP "; then
    tap_ok "the client renews the same address $LEASE from Kea: $out"
else
    tap_fail "the client renews the same address from Kea"; echo "$out" | sed 's/^/#   /'
fi
tap_check "... Kea wrote the renewal (a row more for $LEASE)" sh -c \
    "[ \"\$('$CL' exec $A grep -c '^$LEASE,' $KL)\" -gt '$rows' ]"
setup apply kea --yes
tap_check "kea again: nothing to do" grep -q 'Nothing to do' "$W/out"
setup plan dhcp
tap_check "dhcp with Kea: the translated file is kept (kea-dhcp4 -t accepts it)" \
    grep -q "edited by hand: kea-dhcp4 -t accepts it" "$W/out"

if "$CL" down --fast > "$W/down.log" 2>&1; then
    tap_ok "down: nothing left"
else
    tap_fail "down left something"; sed 's/^/#   /' "$W/down.log"
fi
down_done=1
echo "# migration suite total: $(elapsed "$T_ALL")s"
tap_done
