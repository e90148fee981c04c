/* What the lease file generators of the benchmarks (genkea.c,
 * genleases.c) share: the random numbers, the pools' addresses and the
 * command line "NAME N OUTDIR [DUP_PERCENT [SEED]]". */
#ifndef HC_BENCH_GEN_COMMON_H
#define HC_BENCH_GEN_COMMON_H

#include <stdio.h>
#include <stdlib.h>

static unsigned long long rng = 88172645463325252ull;

static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned) (rng % n);
}

/* Address i of the pools: 10.S.x.y, 65000 per /16 from .0.10 on. */
static unsigned addr(unsigned i)
{
    return (10u << 24) | ((1 + i / 65000) << 16) | (10 + i % 65000);
}

/* Reads the command line into *ret_n and *ret_dups (20 when absent),
 * seeds rnd() with SEED times seed_mul, and opens OUTDIR/conf (*ret_c)
 * and OUTDIR/leases (*ret_f, whose path is left in path) for writing.
 * Returns 0, or the exit status after saying why. */
static int gen_start(int argc, char **argv, const char *conf,
                     const char *leases, unsigned long long seed_mul,
                     unsigned *ret_n, unsigned *ret_dups, char *path,
                     size_t path_size, FILE **ret_c, FILE **ret_f)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s N OUTDIR [DUP_PERCENT [SEED]]\n",
                argv[0]);
        return 2;
    }
    *ret_n = (unsigned) strtoul(argv[1], NULL, 10);
    *ret_dups = argc > 3 ? (unsigned) strtoul(argv[3], NULL, 10) : 20;
    if (argc > 4) {
        rng ^= strtoull(argv[4], NULL, 10) * seed_mul;
    }
    snprintf(path, path_size, "%s/%s", argv[2], conf);
    *ret_c = fopen(path, "w");
    if (!*ret_c) {
        perror(path);
        return 1;
    }
    snprintf(path, path_size, "%s/%s", argv[2], leases);
    *ret_f = fopen(path, "w");
    if (!*ret_f) {
        perror(path);
        return 1;
    }
    return 0;
}

#endif
