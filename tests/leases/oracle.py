#!/usr/bin/env python3
"""Compares the pool usage in `hacon leases --format=json` with the CSV
report of dhcpd-pools on the same files.

usage: oracle.py NAME HACON.json DHCPD-POOLS.csv [NAME JSON CSV]...
Prints "NAME: same" or one line per difference ("NAME: ..."); exits 1 when
there is a difference.  One process for all fixtures: python starts slowly."""
import csv, json, sys


def compare(hc_path, csv_path):
    hc = json.load(open(hc_path))
    rows = list(csv.reader(open(csv_path), skipinitialspace=True))
    return compare_data(hc, rows)


def compare_data(hc, rows):
    sections, cur = {}, None
    for r in rows:
        if len(r) == 1 and r[0].endswith(":"):
            cur = r[0][:-1]
            sections[cur] = []
        elif r and cur and r[0] not in ("shared net name", "name"):
            sections[cur].append(r)

    bad = []
    def check(what, got, want):
        if got != want:
            bad.append("%s: hacon %s, dhcpd-pools %s" % (what, got, want))

    dp_ranges = sections.get("Ranges", [])
    check("number of ranges", len(hc["ranges"]), len(dp_ranges))
    for h, d in zip(hc["ranges"], dp_ranges):
        where = "range %s-%s" % (h["first"], h["last"])
        check(where + " bounds", (h["first"], h["last"]), (d[1], d[2]))
        check(where + " location", h["shared_network"] or "All networks", d[0])
        check(where + " max", h["defined"], int(d[3]))
        check(where + " cur", h["used"], int(d[4]))
        check(where + " touch", h["touched"], int(d[6]))
        check(where + " bu", h["backup"], int(d[9]) if len(d) > 9 else 0)

    dp_shared = sections.get("Shared networks", [])
    check("number of shared networks", len(hc["shared_networks"]), len(dp_shared))
    for h, d in zip(hc["shared_networks"], dp_shared):
        where = "shared-network %s" % h["name"]
        check(where + " name", h["name"], d[0])
        check(where + " max", h["defined"], int(d[1]))
        check(where + " cur", h["used"], int(d[2]))
        check(where + " touch", h["touched"], int(d[4]))
        check(where + " bu", h["backup"], int(d[7]) if len(d) > 7 else 0)

    s = sections.get("Sum of all ranges", [[]])[0]
    check("all max", hc["summary"]["defined"], int(s[1]))
    check("all cur", hc["summary"]["used"], int(s[2]))
    check("all touch", hc["summary"]["touched"], int(s[4]))
    return bad


failed = False
a = sys.argv[1:]
for i in range(0, len(a) - 2, 3):
    try:
        diffs = compare(a[i + 1], a[i + 2])
    except (OSError, ValueError, KeyError, IndexError) as e:
        diffs = ["cannot compare: %s" % e]
    for d in diffs:
        print("%s: %s" % (a[i], d))
    if not diffs:
        print("%s: same" % a[i])
    failed = failed or bool(diffs)
sys.exit(1 if failed else 0)
