#!/bin/sh
# Regenerates the CIB fixtures in tests/golden/cib/ with Pacemaker's own
# tools: crm_simulate computes and "runs" each transition and writes the
# resulting CIB with its status section, as a live cluster would record it.
# The fixtures are committed; run this only to change them, then review the
# diff and regenerate the expected outputs (t-status.sh --update).
#
#   bare       two nodes Online, nothing configured
#   tutorial   the tutorial's final configuration, corrected as ERRATA.md
#              rows 13-16 say, everything running on nodeone
#   standby    tutorial, then nodeone in standby: everything on nodetwo
#   failed     tutorial, then dhcp's monitor fails on nodeone: recovered in
#              place, a failed action and a fail count remain
#   moved      tutorial, then `crm_resource --move -r dhcp -N nodetwo`: a
#              cli-prefer-dhcp constraint is left, everything moved
#   promotable a promotable clone alone, Promoted on nodeone
#   fenced     tutorial with fencing: stonith-enabled=true, a fence_ipmilan
#              device per node kept off the node it fences; st_nodetwo's
#              monitor (on-fail=block) fails on nodeone (its BMC gone,
#              say): FAILED and blocked, st_nodeone runs on nodetwo
#   nodevice   tutorial with stonith-enabled=true and no fence device
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$here/cib
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
# Fixed time so that the files do not change on every run.
when=2026-11-20T10:00:00Z

# Simulates transitions until the cluster is settled (a move or a standby
# takes more than one: demote/stop here, then promote/start there).
sim() { # in out [crm_simulate args for the first transition]
    i=$1 o=$2; shift 2
    crm_simulate -x "$i" -S -q 1 -t "$when" -O "$tmp/sim.xml" "$@" > /dev/null
    for _ in 1 2 3 4; do
        crm_simulate -x "$tmp/sim.xml" -S -q 1 -t "$when" \
            -O "$tmp/sim2.xml" > /dev/null
        mv "$tmp/sim2.xml" "$tmp/sim.xml"
    done
    mv "$tmp/sim.xml" "$o"
}

cat > "$tmp/bare.xml" <<'XML'
<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="5" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="1" cib-last-written="Fri Nov 20 10:00:00 2026" update-origin="nodeone" update-client="cibadmin" update-user="root">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="cib-bootstrap-options-have-watchdog" name="have-watchdog" value="false"/>
        <nvpair id="cib-bootstrap-options-dc-version" name="dc-version" value="2.1.5-a3f44794f94"/>
        <nvpair id="cib-bootstrap-options-cluster-infrastructure" name="cluster-infrastructure" value="corosync"/>
        <nvpair id="cib-bootstrap-options-cluster-name" name="cluster-name" value="hacluster"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="1" uname="nodeone"/>
      <node id="2" uname="nodetwo"/>
    </nodes>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
XML
sim "$tmp/bare.xml" "$out/bare.xml" -u nodeone -u nodetwo

# The tutorial's configuration as hacon's wizard writes it.
cp "$out/bare.xml" "$tmp/t.xml"
export CIB_file="$tmp/t.xml"
crm_attribute --type crm_config --name stonith-enabled --update false
crm_attribute --type crm_config --name no-quorum-policy --update ignore
cibadmin --create -o resources --xml-text '
<clone id="drbd-r0-master">
  <meta_attributes id="drbd-r0-master-meta">
    <nvpair id="drbd-r0-master-promotable" name="promotable" value="true"/>
    <nvpair id="drbd-r0-master-promoted-max" name="promoted-max" value="1"/>
    <nvpair id="drbd-r0-master-promoted-node-max" name="promoted-node-max" value="1"/>
    <nvpair id="drbd-r0-master-clone-max" name="clone-max" value="2"/>
    <nvpair id="drbd-r0-master-clone-node-max" name="clone-node-max" value="1"/>
    <nvpair id="drbd-r0-master-notify" name="notify" value="true"/>
  </meta_attributes>
  <primitive id="drbd-r0" class="ocf" provider="linbit" type="drbd">
    <instance_attributes id="drbd-r0-params">
      <nvpair id="drbd-r0-params-drbd_resource" name="drbd_resource" value="r0"/>
    </instance_attributes>
    <operations>
      <op id="drbd-r0-monitor-29s" name="monitor" interval="29s" role="Promoted"/>
      <op id="drbd-r0-monitor-31s" name="monitor" interval="31s" role="Unpromoted"/>
    </operations>
  </primitive>
</clone>'
cibadmin --create -o resources --xml-text '
<primitive id="fs_data" class="ocf" provider="heartbeat" type="Filesystem">
  <instance_attributes id="fs_data-params">
    <nvpair id="fs_data-params-device" name="device" value="/dev/drbd1"/>
    <nvpair id="fs_data-params-directory" name="directory" value="/data"/>
    <nvpair id="fs_data-params-fstype" name="fstype" value="ext4"/>
  </instance_attributes>
  <operations>
    <op id="fs_data-monitor-20s" name="monitor" interval="20s" timeout="40s"/>
  </operations>
</primitive>'
cibadmin --create -o resources --xml-text '
<primitive id="testnet" class="ocf" provider="heartbeat" type="IPaddr2">
  <instance_attributes id="testnet-params">
    <nvpair id="testnet-params-ip" name="ip" value="10.10.101.1"/>
    <nvpair id="testnet-params-cidr_netmask" name="cidr_netmask" value="24"/>
    <nvpair id="testnet-params-nic" name="nic" value="eth2"/>
  </instance_attributes>
  <operations>
    <op id="testnet-monitor-10s" name="monitor" interval="10s"/>
  </operations>
</primitive>'
cibadmin --create -o resources --xml-text '
<primitive id="dhcp" class="ocf" provider="hacon" type="dhcpd">
  <instance_attributes id="dhcp-params">
    <nvpair id="dhcp-params-config" name="config" value="/etc/dhcp/dhcpd.conf"/>
    <nvpair id="dhcp-params-leases" name="leases" value="/data/dhcp/dhcpd.leases"/>
    <nvpair id="dhcp-params-interface" name="interface" value="eth2"/>
  </instance_attributes>
  <meta_attributes id="dhcp-meta">
    <nvpair id="dhcp-meta-migration-threshold" name="migration-threshold" value="3"/>
  </meta_attributes>
  <operations>
    <op id="dhcp-monitor-10s" name="monitor" interval="10s" timeout="20s"/>
  </operations>
</primitive>'
cibadmin --create -o constraints --xml-text '<rsc_colocation id="fs_with_drbd" score="INFINITY" rsc="fs_data" with-rsc="drbd-r0-master" with-rsc-role="Promoted"/>'
cibadmin --create -o constraints --xml-text '<rsc_colocation id="ip_with_drbd" score="INFINITY" rsc="testnet" with-rsc="drbd-r0-master" with-rsc-role="Promoted"/>'
cibadmin --create -o constraints --xml-text '<rsc_colocation id="dhcp_with_fs" score="INFINITY" rsc="dhcp" with-rsc="fs_data"/>'
cibadmin --create -o constraints --xml-text '<rsc_colocation id="dhcp_with_ip" score="INFINITY" rsc="dhcp" with-rsc="testnet"/>'
cibadmin --create -o constraints --xml-text '<rsc_order id="drbd_before_fs" kind="Mandatory" first="drbd-r0-master" first-action="promote" then="fs_data" then-action="start"/>'
cibadmin --create -o constraints --xml-text '<rsc_order id="fs_before_dhcp" kind="Mandatory" first="fs_data" then="dhcp"/>'
cibadmin --create -o constraints --xml-text '<rsc_order id="ip_before_dhcp" kind="Mandatory" first="testnet" then="dhcp"/>'
# Prefer nodeone so the fixture is the same on every run.
cibadmin --create -o constraints --xml-text '<rsc_location id="drbd_prefers_nodeone" rsc="drbd-r0-master" role="Promoted" node="nodeone" score="50"/>'
unset CIB_file
sim "$tmp/t.xml" "$tmp/t2.xml"
# The promotion scores ocf:linbit:drbd sets on nodes whose disk is UpToDate.
for n in nodeone nodetwo; do
    CIB_file="$tmp/t2.xml" crm_attribute --node $n --lifetime reboot \
        --name master-drbd-r0 --update 10000
done
sim "$tmp/t2.xml" "$out/tutorial.xml"

cp "$out/tutorial.xml" "$tmp/s.xml"
CIB_file="$tmp/s.xml" crm_attribute --node nodeone --name standby --update on
sim "$tmp/s.xml" "$out/standby.xml"

sim "$out/tutorial.xml" "$out/failed.xml" -i dhcp_monitor_10000@nodeone=7

cp "$out/tutorial.xml" "$tmp/m.xml"
# The service moves as a whole when the promoted DRBD role moves (the
# others are colocated with it); this is the move the wizard makes.
CIB_file="$tmp/m.xml" crm_resource --move --promoted -r drbd-r0-master \
    -N nodetwo > /dev/null 2>&1
sim "$tmp/m.xml" "$out/moved.xml"

cp "$out/bare.xml" "$tmp/p.xml"
CIB_file="$tmp/p.xml" crm_attribute --type crm_config --name stonith-enabled --update false
CIB_file="$tmp/p.xml" cibadmin --create -o resources --xml-text '
<clone id="stateful-clone">
  <meta_attributes id="stateful-clone-meta">
    <nvpair id="stateful-clone-promotable" name="promotable" value="true"/>
  </meta_attributes>
  <primitive id="stateful" class="ocf" provider="pacemaker" type="Stateful">
    <operations>
      <op id="stateful-monitor-10s" name="monitor" interval="10s" role="Promoted"/>
      <op id="stateful-monitor-11s" name="monitor" interval="11s" role="Unpromoted"/>
    </operations>
  </primitive>
</clone>'
CIB_file="$tmp/p.xml" cibadmin --create -o constraints --xml-text '<rsc_location id="stateful_prefers_nodeone" rsc="stateful-clone" role="Promoted" node="nodeone" score="50"/>'
sim "$tmp/p.xml" "$out/promotable.xml"
cp "$out/tutorial.xml" "$tmp/f.xml"
export CIB_file="$tmp/f.xml"
crm_attribute --type crm_config --name stonith-enabled --update true
for n in nodeone nodetwo; do
    cibadmin --create -o resources --xml-text "
<primitive id=\"st_$n\" class=\"stonith\" type=\"fence_ipmilan\">
  <instance_attributes id=\"st_$n-params\">
    <nvpair id=\"st_$n-params-ip\" name=\"ip\" value=\"10.10.99.20$([ $n = nodeone ] && echo 1 || echo 2)\"/>
    <nvpair id=\"st_$n-params-pcmk_host_list\" name=\"pcmk_host_list\" value=\"$n\"/>
  </instance_attributes>
  <operations>
    <op id=\"st_$n-monitor-60s\" name=\"monitor\" interval=\"60s\" on-fail=\"block\"/>
  </operations>
</primitive>"
    cibadmin --create -o constraints --xml-text "<rsc_location id=\"l_st_$n\" rsc=\"st_$n\" node=\"$n\" score=\"-INFINITY\"/>"
done
unset CIB_file
sim "$tmp/f.xml" "$tmp/f2.xml"
sim "$tmp/f2.xml" "$out/fenced.xml" -i st_nodetwo_monitor_60000@nodeone=1

cp "$out/tutorial.xml" "$tmp/n.xml"
CIB_file="$tmp/n.xml" crm_attribute --type crm_config --name stonith-enabled --update true
sim "$tmp/n.xml" "$out/nodevice.xml"
echo "fixtures written to $out"
