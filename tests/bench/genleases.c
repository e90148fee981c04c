/* Writes a realistic dhcpd.leases and its dhcpd.conf for the benchmarks:
 *   genleases N OUTDIR [DUP_PERCENT [SEED]]
 * N addresses with a record each (records as dhcpd 4.4 writes them), plus
 * DUP_PERCENT% later records for random addresses (renewals: the last
 * wins).  The config has one shared-network of /16 subnets, one range each,
 * and a few hosts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gen_common.h"

static void when(FILE *f, const char *key, long t)
{
    time_t tt = t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    fprintf(f, "  %s %d %04d/%02d/%02d %02d:%02d:%02d;\n", key, tm.tm_wday,
            tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
            tm.tm_min, tm.tm_sec);
}

int main(int argc, char **argv)
{
    static const char *states[] = { "active", "active", "active", "active",
                                    "active", "active", "free", "expired",
                                    "released", "abandoned", "backup" };
    unsigned n, dups, nets;
    char path[4096];
    FILE *c, *f;
    long now = 1795000000;

    int rc = gen_start(argc, argv, "dhcpd.conf", "dhcpd.leases",
                       2654435761u, &n, &dups, path, sizeof(path), &c, &f);

    if (rc) {
        return rc;
    }
    nets = n / 65000 + 1;
    fprintf(c, "authoritative;\ndefault-lease-time 43200;\n"
            "shared-network bench {\n"
            "  subnet 10.0.0.0 netmask 255.255.0.0 { }\n");
    for (unsigned k = 1; k <= nets; k++) {
        fprintf(c, "  subnet 10.%u.0.0 netmask 255.255.0.0 {\n"
                "    range 10.%u.0.10 10.%u.255.250;\n  }\n", k, k, k);
    }
    fprintf(c, "}\nhost printer { hardware ethernet 02:00:00:00:00:01; "
            "fixed-address 10.0.0.5; }\n");
    fprintf(f, "# The format of this file is documented in the "
            "dhcpd.leases(5) manual page.\n"
            "# This lease file was written by isc-dhcp-4.4.3-P1\n\n"
            "# authoring-byte-order entry is generated, DO NOT DELETE\n"
            "authoring-byte-order little-endian;\n\n"
            "server-duid \"\\000\\001\\000\\001,\\234\\022\\377RT\\000\\022"
            "\\064V\";\n\n");
    for (unsigned long r = 0; r < n + (unsigned long) n * dups / 100; r++) {
        unsigned i = r < n ? (unsigned) r : rnd(n), ip = addr(i);
        const char *st = states[rnd(11)];
        long t0 = now - rnd(86400 * 3);

        fprintf(f, "lease %u.%u.%u.%u {\n", ip >> 24, (ip >> 16) & 255,
                (ip >> 8) & 255, ip & 255);
        when(f, "starts", t0);
        when(f, "ends", t0 + 43200);
        if (strcmp(st, "active")) {
            when(f, "tstp", t0 + 43200);
        }
        when(f, "cltt", t0);
        fprintf(f, "  binding state %s;\n  next binding state free;\n"
                "  rewind binding state free;\n", st);
        fprintf(f, "  hardware ethernet 52:54:%02x:%02x:%02x:%02x;\n",
                rnd(256), rnd(256), rnd(256), rnd(256));
        if (rnd(10) < 7) {
            fprintf(f, "  uid \"\\001RT\\%03o\\%03o\\%03o\\%03o\";\n",
                    rnd(256), rnd(256), rnd(256), rnd(256));
        }
        if (rnd(10) < 3) {
            fprintf(f, "  set vendor-class-identifier = \"MSFT 5.0\";\n");
        }
        if (rnd(10) < 8) {
            fprintf(f, "  client-hostname \"host-%u\";\n", i);
        }
        fprintf(f, "}\n");
    }
    fclose(c);
    return fclose(f) ? 1 : 0;
}
