/* libFuzzer target for the dhcpd.leases parser: the input whole, then cut
 * in two where its first byte says (as the follower feeds it), then the
 * table through pool usage and both output forms; then the file read once
 * by a follower (as `hacon leases` reads it), a cut last record taken as
 * the end (hc_lease_follower_finish()), both forms naming NODE:FILE; last,
 * the file read in two halves by two threads, split where its second byte
 * says, must give what the sequential read gives. */
#include <stddef.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stdint.h>
#include <string.h>
#include <glib.h>

#include "fuzz_leases_check.h"

static const char conf_text[] =
    "shared-network s { subnet 10.0.0.0 netmask 255.0.0.0 {"
    " range 10.0.0.1 10.0.0.200; pool { range 10.1.0.0 10.1.255.255; } } }"
    "subnet 192.168.0.0 netmask 255.255.0.0 { range 192.168.0.1 192.168.9.9;"
    " range 192.168.5.0 192.168.5.10; }";

static void check_src(hc_lease_table *t, const hc_dhcp_conf *c,
                      const hc_lease_source *src)
{
    hc_lease_query q = { .sort = HC_LCOL_HOSTNAME, .descending = true,
                         .text = "a", .state = -1 };

    fuzz_check_views(t, c, &q, src, 1795600800, false);
}

static void check(hc_lease_table *t, const hc_dhcp_conf *c)
{
    check_src(t, c, NULL);
}

/* Read once by a follower: everything the whole parse with eof gives,
 * the cut last record as one error more at most. */
static void check_follow(const char *path, const hc_dhcp_conf *c,
                         const hc_lease_table *whole)
{
    hc_lease_follower *f = NULL;
    hc_lease_source src = { path, NULL, NULL, "node\x1b", 0 };
    size_t before;

    if (hc_lease_follower_new(path, NULL, &f) < 0
        || hc_lease_follower_poll(f, NULL) < 0) {
        __builtin_trap();
    }
    before = hc_lease_table_n_errors(hc_lease_follower_table(f));
    src.unfinished = hc_lease_follower_finish(f);
    if (hc_lease_follower_pending(f) != 0
        || hc_lease_table_n_errors(hc_lease_follower_table(f))
           != before + (src.unfinished ? 1 : 0)
        || hc_lease_table_count(hc_lease_follower_table(f))
           > hc_lease_table_count(whole)) {
        __builtin_trap();
    }
    check_src(hc_lease_follower_table(f), c, &src);
    hc_lease_follower_free(f);
}

static void check_split(const uint8_t *data, size_t size,
                        const hc_dhcp_conf *c, const hc_lease_table *whole)
{
    int fd = memfd_create("fuzz-leases", MFD_CLOEXEC);
    char path[64];
    hc_lease_table *a, *b;

    if (fd < 0 || size < 2) {
        if (fd >= 0) {
            close(fd);
        }
        return;
    }
    if (write(fd, data, size) != (ssize_t) size) {
        __builtin_trap();
    }
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    check_follow(path, c, whole);
    a = hc_lease_table_new();
    b = hc_lease_table_new();
    if (hc_leases_load_split(a, path, 0) < 0
        || hc_leases_load_split(b, path, 1 + (uint64_t) data[1] * size / 256)
           < 0
        || !hc_lease_table_equal(a, b)) {
        __builtin_trap();
    }
    hc_lease_table_free(a);
    hc_lease_table_free(b);
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static hc_dhcp_conf *c;
    hc_lease_table *t = hc_lease_table_new(), *whole = hc_lease_table_new();
    size_t cut;
    ssize_t used;
    GString *rest;

    if (!c) {
        c = hc_dhcp_conf_new();
        hc_dhcp_conf_parse(c, conf_text, sizeof(conf_text) - 1, "f", false);
    }
    if (hc_leases_parse(t, (const char *) data, size, true) != (ssize_t) size) {
        __builtin_trap();
    }
    check(t, c);
    hc_leases_parse(whole, (const char *) data, size, true);
    hc_lease_table_reset(t);

    cut = size ? (size_t) data[0] * size / 256 : 0;
    used = hc_leases_parse(t, (const char *) data, cut, false);
    if (used < 0 || (size_t) used > cut) {
        __builtin_trap();
    }
    rest = g_string_new_len((const char *) data + used,
                            (gssize) (size - (size_t) used));
    if (hc_leases_parse(t, rest->str, rest->len, true) != (ssize_t) rest->len) {
        __builtin_trap();
    }
    g_string_free(rest, TRUE);
    check(t, c);
    hc_lease_table_free(t);
    check_split(data, size, c, whole);
    hc_lease_table_free(whole);
    return 0;
}
