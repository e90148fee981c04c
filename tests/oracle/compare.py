#!/usr/bin/env python3
"""Compares `hacon status --format=json` with `crm_mon --output-as=xml` on
the same CIB: every node's state, every active resource instance's
(id, role, node), and every bundle's replicas with the resources of each
(id, role, node, stopped ones included), and every active fence device
(class stonith) in hacon's fencing section with its role, node and FAILED
flag.  crm_mon is the referee.  Prints
the differences and exits 1 when there are any.

usage: compare.py CRM_MON_XML HACON_JSON
       compare.py --bundle-text CRM_MON_TEXT HACON_TEXT
           the one line per bundle replica of `crm_mon -1 -r` against the
           replica lines of `hacon status`: name, agent, role, node
       compare.py --tap KNOWN DIR NAME...
           DIR/NAME.crm against DIR/NAME.json (and, where they exist,
           the bundle replica lines of DIR/NAME.crmtxt against
           DIR/NAME.txt), one TAP line per NAME; the differences listed
           in the file KNOWN are reported as skipped
"""
import json
import os
import re
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


def crm_replicas(resources, out):
    for b in resources.iter("bundle"):
        for rep in b.findall("replica"):
            for r in rep.findall("resource"):
                nodes = [n.get("name") for n in r.findall("node")] or ["-"]
                for n in nodes:
                    out[(b.get("id"), rep.get("id"), r.get("id"),
                         r.get("role"), n)] += 1


def hacon_replicas(rsc, out):
    if rsc["kind"] == "bundle":
        for rep in rsc.get("children", []):
            if rep["kind"] != "replica":
                out[(rsc["id"], "?", rep["id"], rep.get("role"), "?")] += 1
                continue
            for p in rep.get("children", []):
                nodes = [n["node"] for n in p.get("nodes", [])] or ["-"]
                for n in nodes:
                    out[(rsc["id"], rep["id"], p["id"], p["role"], n)] += 1
    for c in rsc.get("children", []):
        if rsc["kind"] != "bundle":
            hacon_replicas(c, out)


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

    crm_rep, hc_rep = Counter(), Counter()
    if resources is not None:
        crm_replicas(resources, crm_rep)
    for r in hc["resources"]:
        hacon_replicas(r, hc_rep)
    for k in sorted(set(crm_rep) | set(hc_rep), key=str):
        if crm_rep[k] != hc_rep[k]:
            diffs.append("bundle %s replica %s: %s %s on %s: crm_mon %d, "
                         "hacon %d" % (k + (crm_rep[k], hc_rep[k])))

    crm_dev, hc_dev = Counter(), Counter()
    if resources is not None:
        for r in resources.iter("resource"):
            if (r.get("resource_agent") or "").startswith("stonith:"):
                for n in r.findall("node"):
                    crm_dev[(r.get("id"), r.get("role"), n.get("name"),
                             r.get("failed") == "true")] += 1
    fencing = hc.get("fencing")
    if fencing is None:
        diffs.append("hacon has no fencing section")
    else:
        for d in fencing["devices"]:
            for p in d["nodes"]:
                hc_dev[(d["id"], p["role"], p["node"], d["failed"])] += 1
        if fencing["history_known"]:
            diffs.append("hacon claims a fence history from a CIB file")
    for k in sorted(set(crm_dev) | set(hc_dev), key=str):
        if crm_dev[k] != hc_dev[k]:
            diffs.append("fence device %s %s on %s failed=%s: crm_mon %d, "
                         "hacon %d" % (k + (crm_dev[k], hc_dev[k])))

    return diffs


# crm_mon -1 -r: "    * galera-bundle-0\t(ocf:heartbeat:galera):\t FAILED
# Promoted database-0 (UNCLEAN)", "* httpd-bundle-0 (192.168.20.188)\t(...)"
CRM_REPLICA = re.compile(r"^\s+\* (\S+)(?: \((\S+)\))?\s+\(([^)]*)\):\s+(.*)$")
# hacon status: "    replica 0: galera-bundle-0 (ocf:heartbeat:galera):
# Promoted on database-0 FAILED", "...: Stopped"
HC_REPLICA = re.compile(r"^\s+replica \S+: (\S+)(?: \(([0-9A-Fa-f.:]+)\))?"
                        r"(?: \(([^)]*)\))?: (\S+)(?: on (\S+))?")
ROLES = {"Started", "Stopped", "Promoted", "Unpromoted", "Starting",
         "Stopping", "Promoting", "Demoting", "Migrating", "Unknown"}
FLAGS = {"FAILED", "ORPHANED", "(UNCLEAN)", "(unmanaged)", "(blocked)",
         "(disabled)", "(maintenance)", "(target-role:Stopped)"}


def crm_bundle_lines(text):
    out, bundle = Counter(), None
    for line in text.splitlines():
        m = re.match(r"^\s+\* Container bundle(?: set)?: (\S+)", line)
        if m:
            bundle = m.group(1)
            continue
        if bundle and re.match(r"^    \* ", line):
            m = CRM_REPLICA.match(line)
            if m:
                words = [w for w in m.group(4).split() if w not in FLAGS
                         and not w.startswith("(")]
                # "FAILED rhel8-1": a failed replica in the Started role
                # (Unpromoted, in a promotable bundle) has its role left
                # out.
                if words and words[0] not in ROLES:
                    words.insert(0, "Started|Unpromoted")
                role = words[0] if words else "?"
                node = words[1] if len(words) > 1 else "-"
                out[(bundle, m.group(1), m.group(2), m.group(3), role,
                     node)] += 1
            continue
        bundle = None
    return out


def hacon_bundle_lines(text):
    out, bundle = Counter(), None
    for line in text.splitlines():
        m = re.match(r"^  (\S+) \[bundle\]", line)
        if m:
            bundle = m.group(1)
            continue
        m = HC_REPLICA.match(line)
        if bundle and m:
            role = m.group(4)
            if line.endswith(" FAILED") and role in ("Started", "Unpromoted"):
                role = "Started|Unpromoted"     # as crm_mon leaves it out
            out[(bundle, m.group(1), m.group(2), m.group(3), role,
                 m.group(5) or "-")] += 1
        elif not line.startswith("    "):
            bundle = None
    return out


def compare_bundle_text(crm_path, hacon_path):
    with open(crm_path, encoding="utf-8", errors="replace") as f:
        a = crm_bundle_lines(f.read())
    with open(hacon_path, encoding="utf-8", errors="replace") as f:
        b = hacon_bundle_lines(f.read())
    return ["bundle %s replica %s (%s) %s: %s on %s: crm_mon %d, hacon %d"
            % (k + (a[k], b[k])) for k in sorted(set(a) | set(b), key=str)
            if a[k] != b[k]]


def main():
    if sys.argv[1] == "--bundle-text":
        diffs = compare_bundle_text(sys.argv[2], sys.argv[3])
        for x in diffs:
            print(x)
        return 1 if diffs else 0
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
                # A CIB with bundles: also crm_mon's replica lines in text.
                if os.path.exists(f"{d}/{name}.crmtxt"):
                    diffs += compare_bundle_text(f"{d}/{name}.crmtxt",
                                                 f"{d}/{name}.txt")
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
