#!/bin/bash
# demo.sh [--final] [--kea] [--fence|--qdevice] [--batch [--keep]]: `make demo`.  Brings the two-node test
# cluster up, then opens hacon on nodeone the way an admin logged in over
# ssh sees it.  Without --final the nodes are two fresh machines (hc-cluster
# up --bare: no corosync.conf, no authkey, the packaged dhcpd.conf, a blank
# shared disk, corosync and pacemaker not started), for the guided setup
# (w); --final: the tutorial's final configuration already running.
# --kea (make demo KEA=1): ISC Kea instead of dhcpd, the final
# configuration's, or the answer dhcp_server=kea already given for the
# guided setup (nodeone's /var/lib/hacon/answers, which the console's
# answers form shows and saves).
# --fence (`make demo FENCE=1`): each node gets a BMC (hc-cluster up --bmc,
# OpenIPMI's ipmi_sim) and nodeone's answers file names them for the fence
# step (fencing=agent, fence_ipmilan; the password in a 0600 file); with
# --final the fence step is applied too, so the final cluster is fenced.
# --qdevice (`make demo QDEVICE=1`): a third host "qnetd" (hc-cluster up
# --qnetd) and nodeone's answers for step fence's fencing=qdevice with it;
# with --final the step is applied: the quorum device votes (its diskless
# sbd half is skipped in the namespaces, which share this machine's
# kernel, so the cluster still has no fencing).
# Without it the cluster has no fencing (stonith-enabled=false, as the
# tutorial).  Afterwards it asks whether to keep the cluster; `make
# demo-down` tears it down later.
#   --batch  no terminal needed: runs `hacon status` (fresh machines:
#            `hacon setup list`) over ssh and tears down, or with --keep
#            keeps the cluster (the tests)
set -uo pipefail
here=$(dirname "$(readlink -f "$0")")
CL=$here/hc-cluster
final="" up=--bare batch=0 keep=0 kea="" fence=0 qdevice=0
for a in "$@"; do
    case $a in
        --final) final=--final up=--final ;;
        --batch) batch=1 ;;
        --keep) keep=1 ;;
        --kea) kea=--kea ;;
        --fence) fence=1 ;;
        --qdevice) qdevice=1 ;;
        *) echo "usage: demo.sh [--final] [--kea] [--fence|--qdevice] [--batch [--keep]]" >&2; exit 2 ;;
    esac
done
[ "$fence" = 1 ] && [ "$qdevice" = 1 ] && { echo "demo: FENCE=1 or QDEVICE=1, not both" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "demo: run as root (namespaces, mounts)" >&2; exit 1; }

if [ -n "$final" ]; then
    echo "Starting the test cluster: nodeone and nodetwo (real corosync and pacemaker,"
    echo "each node in its own namespaces on this machine)..."
    disk="a loop device with ext4 standing in for DRBD (DRBD needs
                     a kernel module this machine cannot load); the active
                     node mounts it on /data"
    conf="the tutorial's final one: fs_data, testnet, dhcp"
    [ -n "$kea" ] && conf="$conf (ISC Kea,
                     ocf:hacon:kea-dhcp4, leases in /data/kea)"
else
    echo "Starting two fresh machines, nodeone and nodetwo, each in its own"
    echo "namespaces on this machine (packages installed, nothing set up)..."
    disk="a blank loop device both nodes see, standing in for a
                     shared disk (DRBD needs a kernel module this machine
                     cannot load): answer storage=shared"
    conf="none: press w in hacon for the guided setup"
    [ -n "$kea" ] && conf="$conf (answered:
                     dhcp_server=kea, ISC Kea instead of dhcpd)"
fi
bmc=""
[ "$fence" = 1 ] && bmc=--bmc
[ "$qdevice" = 1 ] && bmc=--qnetd
"$CL" up $up $kea $bmc || exit 1
if [ -n "$kea" ] && [ -z "$final" ]; then
    # What the admin would answer in the form (e), saved where the
    # console reads it.
    "$CL" exec nodeone sh -c 'umask 077 && mkdir -p /var/lib/hacon &&
        printf "%s\n" "# ISC Kea (dhcpd reached its end of life in December 2022)" \
            dhcp_server=kea > /var/lib/hacon/answers' || exit 1
fi
if [ "$fence" = 1 ]; then
    . "$here/lib.sh"
    # nodeone's answers (its /var/lib/hacon): the BMCs for the fence step,
    # the password in a file only root reads.
    st=$S/nodeone/root/var/lib/hacon
    ( umask 077
      printf 'node1=%s\nnode2=%s\n' "$(cat "$S/bmc/password")" \
          "$(cat "$S/bmc/password")" > "$st/fence.secret"
      { printf '%s\n' \
            "# make demo FENCE=1: the test cluster's shared disk and its BMCs." \
            storage=shared "shared_disk=$DISK_DEV"
        "$CL" fence-answers --secret /var/lib/hacon/fence.secret
      } >> "$st/answers"
    ) || exit 1
    if [ -n "$final" ]; then
        echo "Fencing the final cluster (hacon setup apply fence on nodeone)..."
        "$CL" ssh nodeone hacon setup apply fence \
            --answers /var/lib/hacon/answers --yes > "$S/demo-fence.log" 2>&1 \
            || { tail -n 20 "$S/demo-fence.log" >&2; exit 1; }
        fencing="fence_ipmilan per node through the BMCs below (step fence
                     applied; a split or hung node is power-cycled)"
    else
        fencing="the BMCs below are in nodeone's answers: step fence
                     (w) sets fencing=agent up with fence_ipmilan"
    fi
    bmcs="
  BMCs               ipmi_sim on the admin station: nodeone ${BMC_IP[nodeone]},
                     nodetwo ${BMC_IP[nodetwo]} (port 623, user $BMC_USER, password
                     in $S/bmc/password)"
elif [ "$qdevice" = 1 ]; then
    . "$here/lib.sh"
    st=$S/nodeone/root/var/lib/hacon
    ( umask 077
      { printf '%s\n' \
            "# make demo QDEVICE=1: the test cluster's shared disk and its third host." \
            storage=shared "shared_disk=$DISK_DEV"
        "$CL" fence-answers --qdevice
      } >> "$st/answers"
    ) || exit 1
    if [ -n "$final" ]; then
        echo "Adding the quorum device (hacon setup apply fence on nodeone)..."
        "$CL" ssh nodeone hacon setup apply fence \
            --answers /var/lib/hacon/answers --yes > "$S/demo-fence.log" 2>&1 \
            || { tail -n 20 "$S/demo-fence.log" >&2; exit 1; }
        fencing="none; a quorum device: corosync-qnetd on $QNETD_HOST votes
                     (step fence applied with fencing=qdevice; its diskless
                     sbd half skipped: the nodes share this machine's kernel)"
    else
        fencing="nodeone's answers: step fence (w) with fencing=qdevice
                     sets corosync-qnetd up on $QNETD_HOST ($QNETD_IP)"
    fi
    bmcs=""
else
    if [ -n "$final" ]; then
        fencing="none (stonith-enabled=false, as the tutorial); make demo
                     FINAL=1 FENCE=1 gives each node a BMC and fences"
    else
        fencing="step fence (w) offers it; make demo FENCE=1 gives each
                     node a BMC for it"
    fi
    bmcs=""
fi
cat <<EOF

  nodeone, nodetwo   eth0 10.10.99.1/.2 (ssh)  eth1 10.10.100.1/.2 (corosync)
                     eth2 10.10.102.1/.2 (service; floating IP 10.10.101.1)
  /dev/drbd1         $disk
  client             a DHCP client on the service network:
                     $CL dhcp obtain
  configuration      $conf
  fencing            $fencing$bmcs

EOF

if [ "$batch" = 1 ]; then
    # Fresh machines have no cluster to show the status of: the guided
    # setup's steps instead.
    if [ -n "$final" ]; then
        "$CL" ssh nodeone hacon status
    else
        "$CL" ssh nodeone hacon setup list
    fi
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
