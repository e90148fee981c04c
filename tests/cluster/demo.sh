#!/bin/bash
# demo.sh [--final] [--batch [--keep]]: `make demo`.  Brings the two-node test
# cluster up (bare, to walk through the wizards; --final: the tutorial's
# final configuration already running), then opens hacon on nodeone the way
# an admin logged in over ssh sees it.  Afterwards it asks whether to keep
# the cluster; `make demo-down` tears it down later.
#   --batch  no terminal needed: runs `hacon status` over ssh and tears
#            down, or with --keep keeps the cluster (the tests)
set -uo pipefail
here=$(dirname "$(readlink -f "$0")")
CL=$here/hc-cluster
final="" batch=0 keep=0
for a in "$@"; do
    case $a in
        --final) final=--final ;;
        --batch) batch=1 ;;
        --keep) keep=1 ;;
        *) echo "usage: demo.sh [--final] [--batch [--keep]]" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" = 0 ] || { echo "demo: run as root (namespaces, mounts)" >&2; exit 1; }

echo "Starting the test cluster: nodeone and nodetwo (real corosync and pacemaker,"
echo "each node in its own namespaces on this machine)..."
"$CL" up $final || exit 1
cat <<EOF

  nodeone, nodetwo   eth0 10.10.99.1/.2 (ssh)  eth1 10.10.100.1/.2 (corosync)
                     eth2 10.10.102.1/.2 (service; floating IP 10.10.101.1)
  /dev/drbd1         a loop device with ext4 standing in for DRBD (DRBD needs
                     a kernel module this machine cannot load); the active
                     node mounts it on /data
  client             a DHCP client on the service network:
                     $CL dhcp obtain
  $( [ -n "$final" ] && echo "configuration      the tutorial's final one: fs_data, testnet, dhcp" \
                     || echo "configuration      none yet: the wizards build it")

EOF

if [ "$batch" = 1 ]; then
    "$CL" ssh nodeone hacon status
    rc=$?
    if [ "$keep" = 1 ]; then
        echo "Kept.  Back in: $CL ssh nodeone   Tear down: make demo-down"
    else
        "$CL" down || rc=1
    fi
    exit $rc
fi

echo "Logging in to nodeone over ssh and starting hacon (q leaves it)..."
"$CL" ssh nodeone hacon
echo
answer=n
if [ -r /dev/tty ]; then
    printf 'Keep the cluster running? [y/N] '
    read -r answer < /dev/tty || answer=n
fi
case $answer in
    y|Y|yes)
        echo "Kept.  Back in: $CL ssh nodeone   Tear down: make demo-down" ;;
    *)
        "$CL" down ;;
esac
