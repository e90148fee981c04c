/* libFuzzer target for Kea's memfile reader (kea-leases4.csv): the input
 * (after Kea's header when it has none) whole, then cut in two where its
 * first byte says, as the follower feeds it: both readings must be the
 * same table; every lease must be found by its address (a row with
 * valid_lifetime 0 removes one, and the index must stay whole); then the
 * table through pool usage and both output forms, where no control byte
 * of the input may appear; last, the file read once by a follower, which
 * must give the same table (a cut last row being its own error), and the
 * split read of two threads, cut where its second byte says, the same
 * table as the sequential read's. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <glib.h>

#include "fuzz_leases_check.h"

static const char header[] =
    "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,"
    "fqdn_rev,hostname,state,user_context\n";

static const char conf_text[] =
    "{ \"Dhcp4\": { \"subnet4\": [ { \"id\": 1, \"subnet\": \"10.0.0.0/8\","
    " \"pools\": [ { \"pool\": \"10.0.0.1 - 10.0.0.200\" },"
    " { \"pool\": \"10.1.0.0/16\" } ] } ],"
    " \"shared-networks\": [ { \"name\": \"s\", \"subnet4\": [ {"
    " \"subnet\": \"192.168.0.0/16\", \"pools\": [ {"
    " \"pool\": \"192.168.0.1-192.168.9.9\" } ] } ] } ] } }";

static void check_index(const hc_lease_table *t)
{
    for (size_t i = 0; i < hc_lease_table_count(t); i++) {
        const hc_lease *l = hc_lease_table_get(t, i);

        if (hc_lease_table_find(t, l->ip) != l) {
            __builtin_trap();
        }
    }
}

static void check_output(hc_lease_table *t, const hc_dhcp_conf *c)
{
    hc_lease_query q = { .sort = HC_LCOL_HOSTNAME, .state = -1 };

    fuzz_check_views(t, c, &q, NULL, 1795600800, false);
}

/* The file read in two halves by two threads, split at byte at (the
 * second half a log of its rows that the join replays): the same table
 * as the sequential read's. */
static void check_split(const char *path, size_t len,
                        const hc_lease_table *whole, uint64_t at)
{
    hc_lease_table *a = hc_lease_table_new(), *b = hc_lease_table_new();

    if (hc_leases_load_split(a, path, 0) < 0
        || hc_leases_load_split(b, path, 1 + at % (len ? len : 1)) < 0
        || !hc_lease_table_equal(a, b)
        || hc_lease_table_count(a) != hc_lease_table_count(whole)) {
        __builtin_trap();
    }
    check_index(b);
    hc_lease_table_free(a);
    hc_lease_table_free(b);
}

static void check_follow(const char *buf, size_t len,
                         const hc_lease_table *whole, uint64_t at)
{
    int fd = memfd_create("fuzz-kea", MFD_CLOEXEC);
    char path[64];
    hc_lease_follower *f = NULL;

    if (fd < 0) {
        return;
    }
    if (write(fd, buf, len) != (ssize_t) len) {
        __builtin_trap();
    }
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    if (hc_lease_follower_new(path, NULL, &f) < 0
        || hc_lease_follower_poll(f, NULL) < 0) {
        __builtin_trap();
    }
    /* A cut last row is one error either way, in other words. */
    if (hc_lease_follower_finish(f) > 0
        ? hc_lease_table_count(hc_lease_follower_table(f))
          != hc_lease_table_count(whole)
          || hc_lease_table_n_errors(hc_lease_follower_table(f))
             != hc_lease_table_n_errors(whole)
        : !hc_lease_table_equal(hc_lease_follower_table(f), whole)) {
        __builtin_trap();
    }
    hc_lease_follower_free(f);
    check_split(path, len, whole, at);
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static hc_dhcp_conf *c;
    GString *in = g_string_new(NULL);
    hc_lease_table *whole = hc_lease_table_new(), *t = hc_lease_table_new();
    size_t cut;
    ssize_t used;

    if (!c) {
        c = hc_dhcp_conf_new();
        hc_dhcp_conf_parse(c, conf_text, sizeof(conf_text) - 1, "f", false);
    }
    if (size < 8 || memcmp(data, "address,", 8)) {
        g_string_append(in, header);
    }
    g_string_append_len(in, (const char *) data, (gssize) size);
    if (hc_leases_parse(whole, in->str, in->len, true) != (ssize_t) in->len
        || hc_lease_table_format(whole) != HC_LEASE_FMT_KEA) {
        __builtin_trap();
    }
    check_index(whole);
    cut = size ? (size_t) data[0] * in->len / 256 : 0;
    used = hc_leases_parse(t, in->str, cut, false);
    if (used < 0 || (size_t) used > cut
        || hc_leases_parse(t, in->str + used, in->len - (size_t) used, true)
           != (ssize_t) (in->len - (size_t) used)
        || !hc_lease_table_equal(t, whole)) {
        __builtin_trap();
    }
    check_output(whole, c);
    check_follow(in->str, in->len, whole,
                 size > 1 ? (uint64_t) data[1] * in->len / 256 : 0);
    hc_lease_table_free(t);
    hc_lease_table_free(whole);
    g_string_free(in, TRUE);
    return 0;
}
