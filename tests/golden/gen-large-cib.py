#!/usr/bin/env python3
"""Writes a large CIB with a status section, the same for the same
arguments: NODES nodes and RESOURCES resources running round-robin, as a
big production cluster records them.

usage: gen-large-cib.py NODES RESOURCES > cib.xml

Shape: 5% of the resources sit in groups of four, one clone and one
promotable clone span all nodes, the rest are ocf:heartbeat:Dummy
primitives.  Every 97th primitive has a failed monitor and a fail count,
every 101st is disabled (target-role=Stopped), and there are colocation,
order and location constraints, with one leftover cli-prefer.
"""
import sys

nodes, total = int(sys.argv[1]), int(sys.argv[2])
out = []
w = out.append
T = 1795000000  # a fixed last-rc-change


def op(rid, node, task, interval, rc, call):
    key = "%s_%s_%d" % (rid, task, interval)
    magic = "0:%d;1:%d:0:6b1d3c2a-1111-4222-8333-%012d" % (rc, call, call)
    opid = "%s_last_0" % rid if interval == 0 else key
    if rc not in (0, 8) and interval:
        opid = "%s_last_failure_0" % rid
    return ('<lrm_rsc_op id="%s" operation_key="%s" operation="%s" '
            'crm-debug-origin="do_update_resource" crm_feature_set="3.16.1" '
            'transition-key="1:%d:0:6b1d3c2a-1111-4222-8333-%012d" '
            'transition-magic="%s" exit-reason="%s" on_node="%s" call-id="%d" '
            'rc-code="%d" op-status="0" interval="%d" last-rc-change="%d" '
            'exec-time="10" queue-time="0" '
            'op-digest="0123456789abcdef0123456789abcdef"/>'
            % (opid, key, task, call, call, magic,
               "" if rc in (0, 8) else "process is gone", node, call, rc,
               interval, T))


def node(i):
    return "node%02d" % (i + 1)


w('<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="42" '
  'num_updates="7" admin_epoch="0" have-quorum="1" dc-uuid="1" '
  'cib-last-written="Fri Nov 20 10:00:00 2026" update-origin="node01" '
  'update-client="cibadmin" update-user="root">')
w('<configuration><crm_config><cluster_property_set id="cib-bootstrap-options">'
  '<nvpair id="cbo-stonith" name="stonith-enabled" value="false"/>'
  '<nvpair id="cbo-dcv" name="dc-version" value="2.1.5-a3f44794f94"/>'
  '<nvpair id="cbo-infra" name="cluster-infrastructure" value="corosync"/>'
  '<nvpair id="cbo-name" name="cluster-name" value="big"/>'
  '</cluster_property_set></crm_config><nodes>')
for i in range(nodes):
    w('<node id="%d" uname="%s"/>' % (i + 1, node(i)))
w('</nodes><resources>')

prims = []      # (id, node index or None, promoted?)
n_groups = max(1, total * 5 // 100 // 4)
rest = total - n_groups * 4 - 2
idx = 0


def prim(rid, agent="Dummy", provider="heartbeat", disabled=False,
         extra_ops=""):
    meta = ""
    if disabled:
        meta = ('<meta_attributes id="%s-meta"><nvpair id="%s-tr" '
                'name="target-role" value="Stopped"/></meta_attributes>'
                % (rid, rid))
    return ('<primitive id="%s" class="ocf" provider="%s" type="%s">%s'
            '<operations><op id="%s-mon" name="monitor" interval="10s"/>%s'
            '</operations></primitive>'
            % (rid, provider, agent, meta, rid, extra_ops))


for g in range(n_groups):
    w('<group id="grp%03d">' % g)
    for m in range(4):
        rid = "g%03d_m%d" % (g, m)
        w(prim(rid))
        prims.append((rid, g % nodes, False))
    w('</group>')
w('<clone id="ping-clone">' + prim("ping") + '</clone>')
w('<clone id="state-clone"><meta_attributes id="state-clone-meta">'
  '<nvpair id="state-clone-promotable" name="promotable" value="true"/>'
  '</meta_attributes>'
  + prim("state", "Stateful", "pacemaker",
         extra_ops='<op id="state-mon-p" name="monitor" interval="11s" '
                   'role="Promoted"/>')
  + '</clone>')
for r in range(rest):
    rid = "r%04d" % r
    disabled = r % 101 == 100
    w(prim(rid, disabled=disabled))
    prims.append((rid, None if disabled else r % nodes, False))
w('</resources><constraints>')
for g in range(1, n_groups):
    w('<rsc_colocation id="col-grp%03d" score="INFINITY" rsc="grp%03d" '
      'with-rsc="grp%03d"/>' % (g, g, g - 1) if False else '')
for r in range(0, rest - 1, 50):
    w('<rsc_order id="ord-r%04d" kind="Optional" first="r%04d" then="r%04d"/>'
      % (r, r, r + 1))
w('<rsc_location id="cli-prefer-r0000" rsc="r0000" node="node01" '
  'score="INFINITY" role="Started"/>')
w('</constraints></configuration><status>')

call = 10
for i in range(nodes):
    n = node(i)
    w('<node_state id="%d" uname="%s" in_ccm="true" crmd="online" '
      'crm-debug-origin="do_update_resource" join="member" expected="member">'
      % (i + 1, n))
    attrs = []
    lrm = []
    for rid, where, _ in prims:
        if where != i:
            continue
        call += 2
        failed = int(rid[1:].split("_")[0]) % 97 == 96 if rid[0] == "r" else False
        lrm.append('<lrm_resource id="%s" type="Dummy" class="ocf" '
                   'provider="heartbeat">' % rid)
        lrm.append(op(rid, n, "start", 0, 0, call))
        lrm.append(op(rid, n, "monitor", 10000, 7 if failed else 0, call + 1))
        if failed:
            # recovered in place: a later start succeeded
            lrm.append(op(rid, n, "monitor", 10000, 0, call + 1).replace(
                'id="%s_last_failure_0"' % rid, 'id="%s_monitor_10000"' % rid))
            attrs.append((rid, 1))
        lrm.append('</lrm_resource>')
    for rid, agent, rc in (("ping", "Dummy", 0),
                           ("state", "Stateful", 8 if i == 0 else 0)):
        call += 2
        lrm.append('<lrm_resource id="%s" type="%s" class="ocf" '
                   'provider="%s">' % (rid, agent, "pacemaker"
                                       if agent == "Stateful" else "heartbeat"))
        lrm.append(op(rid, n, "promote" if rc == 8 else "start", 0, 0, call))
        lrm.append(op(rid, n, "monitor", 11000 if rc == 8 else 10000, rc,
                      call + 1))
        lrm.append('</lrm_resource>')
    if attrs or i == 0:
        w('<transient_attributes id="%d"><instance_attributes id="status-%d">'
          % (i + 1, i + 1))
        for rid, c in attrs:
            w('<nvpair id="status-%d-fc-%s" name="fail-count-%s#monitor_10000" '
              'value="%d"/>' % (i + 1, rid, rid, c))
            w('<nvpair id="status-%d-lf-%s" name="last-failure-%s#monitor_10000" '
              'value="%d"/>' % (i + 1, rid, rid, T))
        if i == 0:
            w('<nvpair id="status-1-master-state" name="master-state" '
              'value="10"/>')
        w('</instance_attributes></transient_attributes>')
    w('<lrm id="%d"><lrm_resources>%s</lrm_resources></lrm></node_state>'
      % (i + 1, "".join(lrm)))
w('</status></cib>\n')
sys.stdout.write("".join(out))
