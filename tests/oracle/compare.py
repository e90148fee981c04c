#!/usr/bin/env python3
"""Compares `hacon status --format=json` with `crm_mon --output-as=xml` on
the same CIB: every node's state and every active resource instance's
(id, role, node).  crm_mon is the referee.  Prints the differences and
exits 1 when there are any.

usage: compare.py CRM_MON_XML HACON_JSON
       compare.py --tap KNOWN DIR NAME...
           DIR/NAME.crm against DIR/NAME.json, one TAP line per NAME; the
           differences listed in the file KNOWN are reported as skipped
"""
import json
import sys
import xml.etree.ElementTree as ET
from collections import Counter


def crm_node_state(n):
    t = lambda a: n.get(a) == "true"
    if t("unclean"):
        return "unclean"
    if t("pending"):
        return "pending"
    if not t("online"):
        return "offline"
    if t("standby") or t("standby_onfail"):
        return "standby"
    if t("maintenance"):
        return "maintenance"
    return "online"


def crm_places(elem, out):
    for r in elem.iter("resource"):
        for n in r.findall("node"):
            out[(r.get("id"), r.get("role"), n.get("name"))] += 1


def hacon_places(rsc, out):
    for p in rsc.get("nodes", []):
        if rsc["kind"] == "primitive":
            out[(rsc["id"], p["role"], p["node"])] += 1
    for c in rsc.get("children", []):
        hacon_places(c, out)


def compare(crm_path, json_path):
    crm = ET.parse(crm_path).getroot()
    with open(json_path, encoding="utf-8") as f:
        hc = json.load(f)
    diffs = []

    crm_nodes = {n.get("name"): crm_node_state(n)
                 for n in crm.find("nodes") if n.tag == "node"}
    hc_nodes = {n["name"]: n["state"] for n in hc["nodes"]}
    for name in sorted(set(crm_nodes) | set(hc_nodes)):
        a, b = crm_nodes.get(name), hc_nodes.get(name)
        if a != b:
            diffs.append(f"node {name}: crm_mon {a}, hacon {b}")

    crm_res, hc_res = Counter(), Counter()
    resources = crm.find("resources")
    if resources is not None:
        crm_places(resources, crm_res)
    for r in hc["resources"]:
        hacon_places(r, hc_res)
    for k in sorted(set(crm_res) | set(hc_res), key=str):
        if crm_res[k] != hc_res[k]:
            diffs.append("resource %s role %s on %s: crm_mon %d, hacon %d"
                         % (k[0], k[1], k[2], crm_res[k], hc_res[k]))

    return diffs


def main():
    if sys.argv[1] == "--tap":
        known, d, names, failed = {}, sys.argv[3], sys.argv[4:], 0
        with open(sys.argv[2], encoding="utf-8") as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    name, diff, why = line.rstrip("\n").split("|", 2)
                    known.setdefault(name, ([], why))[0].append(diff)
        for i, name in enumerate(names, 1):
            try:
                diffs = compare(f"{d}/{name}.crm", f"{d}/{name}.json")
            except Exception as e:  # a crash or bad output is a failure
                diffs = [f"cannot compare: {e}"]
            if name in known and sorted(diffs) == sorted(known[name][0]):
                print(f"ok {i} # SKIP {name}: known difference: "
                      f"{known[name][1]}")
            elif name in known:
                failed += 1
                print(f"not ok {i} - {name}: the known difference changed")
                for x in diffs[:10]:
                    print(f"#   {x}")
            elif diffs:
                failed += 1
                print(f"not ok {i} - {name}: hacon differs from crm_mon")
                for x in diffs[:10]:
                    print(f"#   {x}")
            else:
                print(f"ok {i} - {name}")
        print(f"1..{len(names)}")
        return 1 if failed else 0
    diffs = compare(sys.argv[1], sys.argv[2])
    for x in diffs:
        print(x)
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
