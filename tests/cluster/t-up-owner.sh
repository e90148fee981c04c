#!/bin/bash
# A second `hc-cluster up` of an instance whose owner (the process that
# ran the first up: a test, the demo) still lives is refused, and leaves
# the running nodes alone: before, it tore them down under their owner,
# whose ssh sessions then ended with "Connection ... closed by remote
# host" (a rerun of the same test in the same tree).  Once the owner is
# gone, up cleans the orphaned instance and starts afresh, as before.
: "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$HACON_TOP/tests/tap.sh"

tap_need_root
tap_need_cmd ip nsenter unshare losetup mkfs.ext4 corosync pacemakerd \
    crm_mon dhcpd busybox sshd ssh python3 modprobe
tap_need_netns

HC_CLUSTER_PREFIX=hco$(printf '%s' "$HACON_TOP" | cksum | cut -c1-5)
export HC_CLUSTER_PREFIX
unset HC_CLUSTER_STATE HC_CLUSTER_SSH_MUX
. "$HACON_TOP/tests/cluster/lib.sh"
CL=$HACON_TOP/tests/cluster/hc-cluster
work=$(mktemp -d /tmp/hc-t-up-owner.XXXXXX)
owner=""
cleanup() {
    [ -n "$owner" ] && kill "$owner" 2> /dev/null
    "$CL" down --fast > "$work/down.log" 2>&1 || sed 's/^/# down: /' "$work/down.log"
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# The owner: a shell that runs up, then stays (as a test or the demo does
# while it uses the nodes).
t0=$(now)
bash -c '"$1" up --bare > "$2/up1.log" 2>&1; echo $? > "$2/up1.rc"; exec sleep 600' \
    sh "$CL" "$work" &
owner=$!
end=$(( $(date +%s) + 240 ))
until [ -s "$work/up1.rc" ] || [ "$(date +%s)" -ge "$end" ]; do sleep 1; done
if [ "$(cat "$work/up1.rc" 2> /dev/null)" = 0 ]; then
    tap_ok "two fresh machines up, for a process that stays ($(elapsed "$t0")s)"
else
    tap_fail "two fresh machines up"; tail -n 30 "$work/up1.log" | sed 's/^/# /'
    tap_done
fi
pid1=$(init_pid nodeone)

"$CL" up --bare > "$work/up2.log" 2>&1
rc=$?
tap_check "a second up while that process lives is refused (exit $rc)" [ "$rc" != 0 ]
tap_check "... saying which process uses the cluster, and what to do" \
    grep -q "is in use by process $owner (.*): hc-cluster down first" "$work/up2.log"
pid2=$(init_pid nodeone)
tap_check "... and nodeone runs on, the same node (init ${pid1:-none}, now ${pid2:-none})" \
    sh -c '[ -n "$1" ] && [ "$2" = "$1" ]' sh "$pid1" "$pid2"
tap_check "... answering over ssh from the admin host" "$CL" ssh nodeone true

kill "$owner"; wait "$owner" 2> /dev/null; owner=""
t0=$(now)
"$CL" up --bare > "$work/up3.log" 2>&1
rc=$?
pid3=$(init_pid nodeone)
tap_check "with that process gone, up cleans the instance and starts afresh (exit $rc, $(elapsed "$t0")s)" \
    sh -c '[ "$1" = 0 ] && [ -n "$2" ] && [ "$2" != "$3" ]' sh "$rc" "$pid3" "$pid1"
[ "$rc" = 0 ] || tail -n 20 "$work/up3.log" | sed 's/^/# /'
tap_done
