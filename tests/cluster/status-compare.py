#!/usr/bin/python3
"""status-compare CRM_MON_XML HACON_JSON: does `hacon status --format=json`
say what `crm_mon --output-as=xml` says?

Compared: the DC and quorum; every node (online, standby, maintenance,
unclean, pending, and the one-word state derived from them); every resource
at any depth (kind, and for a primitive its role and the nodes it is active
on).  Prints each difference and exits 1 when there is one, 2 when an input
cannot be read."""
import json
import sys
import xml.etree.ElementTree as ET


def truth(v):
    return str(v).lower() == "true"


def node_state(n):
    # The one word an admin sees first, most urgent first.
    if truth(n.get("unclean")):
        return "unclean"
    if not truth(n.get("online")):
        return "offline"
    if truth(n.get("pending")):
        return "pending"
    if truth(n.get("maintenance")):
        return "maintenance"
    if truth(n.get("standby")):
        return "standby"
    return "online"


def mon_resources(parent, out, path):
    """Flattens crm_mon's <resources>: path -> {kind, role, nodes}."""
    for el in parent:
        if el.tag == "resource":
            key = path + (el.get("id"),)
            rec = {"kind": "primitive", "role": el.get("role"),
                   "nodes": sorted(n.get("name") for n in el.findall("node"))}
            out.setdefault(key, []).append(rec)
        elif el.tag in ("group", "clone", "bundle", "replica"):
            kind = el.tag
            if el.tag == "clone" and truth(el.get("multi_state")):
                kind = "promotable"
            key = path + (el.get("id"),)
            out.setdefault(key, []).append({"kind": kind})
            mon_resources(el, out, key)


def json_resources(lst, out, path):
    for r in lst:
        key = path + (r.get("id"),)
        kind = r.get("kind", r.get("type"))
        rec = {"kind": kind}
        if kind == "primitive":
            places = r.get("nodes", r.get("places", [])) or []
            rec["role"] = r.get("role")
            rec["nodes"] = sorted(p["node"] if isinstance(p, dict) else p
                                  for p in places)
        out.setdefault(key, []).append(rec)
        kids = r.get("children", []) or []
        if not kids and isinstance(r.get("instances"), list):
            kids = r["instances"]   # an older form; now counts per role
        json_resources(kids, out, key)


def canon(recs):
    return sorted(json.dumps(r, sort_keys=True) for r in recs)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        mon = ET.parse(sys.argv[1]).getroot()
        with open(sys.argv[2]) as f:
            hj = json.load(f)
    except (OSError, ET.ParseError, ValueError) as e:
        print("cannot read input: %s" % e)
        return 2
    diffs = []

    summ = mon.find("summary")
    dc = summ.find("current_dc") if summ is not None else None
    if dc is not None:
        mon_dc = dc.get("name") if truth(dc.get("present")) else None
        cl = hj.get("cluster", {})
        if cl.get("dc") != mon_dc:
            diffs.append("DC: crm_mon %r, hacon %r" % (mon_dc, cl.get("dc")))
        if truth(dc.get("present")) and \
                bool(cl.get("quorate")) != truth(dc.get("with_quorum")):
            diffs.append("quorum: crm_mon %s, hacon %s"
                         % (dc.get("with_quorum"), cl.get("quorate")))

    mnodes = {n.get("name"): n for n in mon.iter("node")
              if n.get("id") is not None and n.get("type") is not None}
    hnodes = {n.get("name"): n for n in hj.get("nodes", [])}
    if sorted(mnodes) != sorted(hnodes):
        diffs.append("nodes: crm_mon %s, hacon %s"
                     % (sorted(mnodes), sorted(hnodes)))
    for name in sorted(set(mnodes) & set(hnodes)):
        m, h = mnodes[name], hnodes[name]
        want = node_state(m)
        if h.get("state") != want:
            diffs.append("node %s: crm_mon says %s, hacon %r"
                         % (name, want, h.get("state")))
        for flag in ("online", "standby", "maintenance", "unclean",
                     "pending"):
            if flag in h and bool(h[flag]) != truth(m.get(flag)):
                diffs.append("node %s %s: crm_mon %s, hacon %s"
                             % (name, flag, m.get(flag), h[flag]))

    mres, hres = {}, {}
    res = mon.find("resources")
    if res is not None:
        mon_resources(res, mres, ())
    json_resources(hj.get("resources", []), hres, ())
    for key in sorted(set(mres) | set(hres)):
        a, b = canon(mres.get(key, [])), canon(hres.get(key, []))
        if a != b:
            diffs.append("resource %s: crm_mon %s, hacon %s"
                         % ("/".join(key), a or "absent", b or "absent"))

    for d in diffs:
        print(d)
    print("%d nodes, %d resources compared, %d differences"
          % (len(mnodes), len(mres), len(diffs)))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
