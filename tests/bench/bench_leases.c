/* Timing driver for tests/bench/bench-leases.sh (links libhacon):
 *   bench_leases parse LEASES CONF RUNS   full read + pool usage, median ms
 *   bench_leases append LEASES RUNS       follower: one appended record, ms
 *   bench_leases load LEASES              one full read (for peak RSS)
 * Prints "name value" lines. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dhcpconf.h"
#include "leases.h"
#include "util.h"

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;

    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t) n, sizeof(*v), cmp_d);
    return v[n / 2];
}

int main(int argc, char **argv)
{
    if (argc >= 5 && !strcmp(argv[1], "parse")) {
        int runs = atoi(argv[4]);
        double *ms = calloc((size_t) runs, sizeof(double));
        size_t n = 0;
        uint64_t used = 0;

        for (int r = 0; r < runs; r++) {
            double t0 = hc_now_ms();
            hc_lease_table *t = hc_lease_table_new();
            hc_dhcp_conf *c = NULL;
            hc_dhcp_usage u;

            if (hc_leases_load(t, argv[2]) < 0
                || hc_dhcp_conf_load(argv[3], &c) < 0
                || hc_dhcp_usage_compute(c, t, &u) < 0) {
                fprintf(stderr, "bench_leases: cannot read the files\n");
                return 1;
            }
            ms[r] = hc_now_ms() - t0;
            n = hc_lease_table_count(t);
            used = u.all.used;
            hc_dhcp_usage_clear(&u);
            hc_dhcp_conf_free(c);
            hc_lease_table_free(t);
        }
        printf("parse_ms %.1f\nleases %zu\nused %llu\n", median(ms, runs), n,
               (unsigned long long) used);
        return 0;
    }
    if (argc >= 4 && !strcmp(argv[1], "append")) {
        int runs = atoi(argv[3]);
        double *ms = calloc((size_t) runs, sizeof(double));
        hc_lease_follower *f;
        unsigned loads, appends;
        uint64_t bytes = 0;
        FILE *fp;

        hc_lease_follower_new(argv[2], NULL, &f);
        if (hc_lease_follower_poll(f, NULL) < 0) {
            fprintf(stderr, "bench_leases: cannot read %s\n", argv[2]);
            return 1;
        }
        for (int r = 0; r < runs; r++) {
            bool changed = false;
            double t0;

            fp = fopen(argv[2], "a");
            if (hc_lease_table_format(hc_lease_follower_table(f))
                == HC_LEASE_FMT_KEA) {
                fprintf(fp, "10.250.%d.%d,52:54:00:00:%02x:%02x,,4000,"
                        "1795004000,1,0,0,appended-%d,0,\n", r / 250,
                        r % 250 + 1, r / 256 % 256, r % 256, r);
            } else {
                fprintf(fp, "lease 10.250.%d.%d {\n"
                        "  starts 3 2026/11/25 10:00:00;\n"
                        "  ends 3 2026/11/25 22:00:00;\n"
                        "  cltt 3 2026/11/25 10:00:00;\n"
                        "  binding state active;\n  next binding state free;\n"
                        "  rewind binding state free;\n"
                        "  hardware ethernet 52:54:00:00:%02x:%02x;\n"
                        "  client-hostname \"appended-%d\";\n}\n",
                        r / 250, r % 250 + 1, r / 256 % 256, r % 256, r);
            }
            fclose(fp);
            t0 = hc_now_ms();
            hc_lease_follower_poll(f, &changed);
            ms[r] = hc_now_ms() - t0;
            hc_lease_follower_stats(f, &loads, &appends, &bytes);
            if (!changed || loads != 1) {
                fprintf(stderr, "bench_leases: append not seen as one\n");
                return 1;
            }
        }
        printf("append_ms %.3f\nappend_bytes %llu\nleases %zu\n",
               median(ms, runs), (unsigned long long) bytes,
               hc_lease_table_count(hc_lease_follower_table(f)));
        hc_lease_follower_free(f);
        return 0;
    }
    if (argc >= 3 && !strcmp(argv[1], "load")) {
        hc_lease_table *t = hc_lease_table_new();
        int rc = hc_leases_load(t, argv[2]);

        printf("leases %zu\n", hc_lease_table_count(t));
        hc_lease_table_free(t);
        return rc < 0;
    }
    fprintf(stderr, "usage: bench_leases parse|append|load ...\n");
    return 2;
}
