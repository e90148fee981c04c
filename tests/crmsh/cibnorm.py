#!/usr/bin/env python3
"""Prints the configuration section of a CIB file in a canonical text form
(attributes sorted, one element a line, indented), after making equal what
hacon and crmsh write differently on purpose:

* crmsh 4.4 writes `ms` as a <master> element; hacon writes the promotable
  clone that replaces it (Pacemaker 2.x): <clone> with meta promotable=true
  at the end of its first meta_attributes set.
* in a promotable clone hacon writes Pacemaker 2's promoted-max and
  promoted-node-max where crmsh keeps master-max and master-node-max, and
  adds notify=true (after promotable) when the clone holds ocf:linbit:drbd,
  which refuses to start without it.
* crmsh writes the roles Master/Slave; hacon writes Promoted/Unpromoted
  where the schema (pacemaker-3.7 and later) allows.
* the end of a move's lifetime is "now + lifetime": it differs by the
  seconds between the two runs; it is checked to be a date, then masked.
* type="string" on a rule's expression is the default; crm_resource writes
  it and crmsh drops it when it rewrites a constraint it did not touch.
"""
import re
import sys
import xml.etree.ElementTree as ET

ROLE_ATTRS = ("role", "rsc-role", "with-rsc-role", "first-role",
              "then-role")
ROLES = {"Master": "Promoted", "Slave": "Unpromoted"}


RENAMES = {"master-max": "promoted-max",
           "master-node-max": "promoted-node-max"}


def promoted_names(clone):
    metas = [c for c in clone if c.tag == "meta_attributes"]
    if not metas or not any(n.get("name") == "promotable" and
                            n.get("value") == "true" for n in metas[0]):
        return
    meta = metas[0]
    names = [n.get("name") for n in meta]
    for n in meta:
        new = RENAMES.get(n.get("name"))
        if new and new not in names:
            n.set("name", new)
            n.set("id", re.sub(r"master(-node)?-max$", new, n.get("id")))
    drbd = any(c.tag == "primitive" and c.get("provider") == "linbit" and
               c.get("type") == "drbd" for c in clone)
    if drbd and "notify" not in names:
        ET.SubElement(meta, "nvpair", name="notify", value="true",
                      id=meta.get("id") + "-notify")


def normalise(el):
    if el.tag == "master":
        el.tag = "clone"
        metas = [c for c in el if c.tag == "meta_attributes"]
        if metas:
            meta = metas[0]
        else:
            meta = ET.Element("meta_attributes",
                              id=el.get("id") + "-meta_attributes")
            el.insert(0, meta)
        if not any(n.get("name") == "promotable" for n in meta):
            ET.SubElement(meta, "nvpair", name="promotable", value="true",
                          id=meta.get("id") + "-promotable")
    if el.tag == "clone":
        promoted_names(el)
    for a in ROLE_ATTRS:
        if el.get(a) in ROLES:
            el.set(a, ROLES[el.get(a)])
    if el.tag == "date_expression" and el.get("end"):
        if not re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$", el.get("end")):
            raise SystemExit("bad lifetime end: " + el.get("end"))
        el.set("end", "(now+lifetime)")
    if el.tag == "expression" and el.get("type") == "string":
        del el.attrib["type"]
    for c in el:
        normalise(c)


def dump(el, depth, out):
    attrs = " ".join('%s="%s"' % (k, v) for k, v in sorted(el.attrib.items()))
    out.append("%s<%s%s>" % ("  " * depth, el.tag, " " + attrs if attrs
                             else ""))
    for c in el:
        dump(c, depth + 1, out)


def main():
    # cibnorm.py CIB [OUT] ...: pairs of input and output files (one
    # python start for both sides of a comparison); one CIB: to stdout.
    args = sys.argv[1:]
    if len(args) == 1:
        args.append("-")
    for cib, out_path in zip(args[0::2], args[1::2]):
        conf = ET.parse(cib).getroot().find("configuration")
        normalise(conf)
        out = []
        dump(conf, 0, out)
        text = "\n".join(out) + "\n"
        if out_path == "-":
            sys.stdout.write(text)
        else:
            with open(out_path, "w") as f:
                f.write(text)


if __name__ == "__main__":
    main()
