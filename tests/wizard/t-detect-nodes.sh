#!/bin/bash
# The answers the nodes tell (`hacon setup answers --detect`, what the
# console's answers form shows as detected) when the default node names
# are not the machine's: on a bare namespace node renamed alpha (its own
# UTS namespace), node1=alpha because it holds node1_ha, and node2 the
# uname -n of the node that answers ssh at node2_ha (nodetwo, named
# nodetwo-ha in /etc/hosts); each with the fact that says why.  Names the
# admin gave are kept.  The deadlines of a VM under emulation are
# detected only there (systemd-detect-virt: qemu).
: "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$HACON_TOP/tests/tap.sh"

tap_need_root
tap_need_cmd ip nsenter unshare losetup mkfs.ext4 corosync pacemakerd \
    crm_mon dhcpd busybox sshd ssh python3 modprobe
tap_need_netns
[ -x "$HACON" ] || tap_skip_all "no $HACON (run make)"

HC_CLUSTER_PREFIX=hcd$(printf '%s' "$HACON_TOP" | cksum | cut -c1-5)
export HC_CLUSTER_PREFIX HC_HACON_BIN=$HACON
unset HC_CLUSTER_STATE HC_CLUSTER_SSH_MUX
. "$HACON_TOP/tests/cluster/lib.sh"
CL=$HACON_TOP/tests/cluster/hc-cluster
work=$(mktemp -d /tmp/hc-t-detect-nodes.XXXXXX)
cleanup() {
    "$CL" down --fast > "$work/down.log" 2>&1 || sed 's/^/# down: /' "$work/down.log"
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if ! "$CL" up --bare > "$work/up.log" 2>&1; then
    tap_fail "two fresh machines up"; tail -n 30 "$work/up.log" | sed 's/^/# /'
    tap_done
fi
tap_ok "two fresh machines up"

# detect [ANSWERS]: `hacon setup answers --detect` on nodeone renamed alpha.
detect() {
    "$CL" exec nodeone unshare -u sh -c 'hostname alpha && d=$(mktemp -d) &&
        printf "%s" "$1" > "$d/answers" &&
        HACON_STATE_DIR=$d hacon setup answers --detect --answers "$d/answers"; rm -rf "$d"' sh "${1:-}" 2>&1
}
out=$(detect)
echo "$out" > "$work/detect"
# fact FACT ANSWER: ANSWER in the output, right after "# detected: FACT".
fact() { grep -A1 -xF "# detected: $1" "$work/detect" | grep -qxF "$2"; }
tap_check "node1=alpha: this node holds node1_ha, said as the fact" \
    fact "this node (uname -n) holds node1_ha=10.10.100.1" node1=alpha
tap_check "node2=nodetwo: the uname -n of the node at node2_ha over ssh, said as the fact" \
    fact "uname -n over ssh at node2_ha=10.10.100.2 (nodetwo-ha in /etc/hosts)" node2=nodetwo
grep -E '^# (not )?detected|^node[12]=|^slow_factor=' "$work/detect" | sed 's/^/#   /'
if [ "$(systemd-detect-virt --vm 2> /dev/null)" = qemu ]; then
    tap_check "a VM under emulation here: slow_factor=4 detected" grep -qx slow_factor=4 "$work/detect"
else
    tap_check "not a VM under emulation ($(systemd-detect-virt --vm 2> /dev/null)): slow_factor stays 1, nothing said" \
        sh -c 'grep -qx slow_factor=1 "$1" && ! grep -q "software emulation" "$1"' sh "$work/detect"
fi

out=$(detect "$(printf 'node1=alpha\nnode2=beta\n')")
echo "$out" > "$work/detect-given"
tap_check "names the admin gave are kept (node2=beta), nothing detected for them" \
    sh -c 'grep -qx node2=beta "$1" && ! grep -q "^# detected: .*node[12]_ha=" "$1"' sh "$work/detect-given"
tap_done
