/* core/kea_read: the lease file a kea-dhcp4.conf names, and Kea's memfile
 * rows as the failover test compares them (rows written by a real
 * kea-dhcp4 2.2 in the namespace cluster). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <glib.h>

#include "failover.h"
#include "kea_read.h"

static void test_conf_lease_file(void **state)
{
    static const char conf[] =
        "# hacon's\n{ \"Dhcp4\": { \"lease-database\": {\n"
        "  \"type\": \"memfile\", \"persist\": true,\n"
        "  \"name\": \"/data/kea/kea-leases4.csv\", \"lfc-interval\": 3600 },\n"
        "  \"valid-lifetime\": 600 } }\n";
    static const char sql[] =
        "{ \"Dhcp4\": { \"lease-database\": { \"type\": \"mysql\", "
        "\"name\": \"kea\" } } }";
    static const char none[] =
        "{ \"Dhcp4\": { \"lease-database\": { \"type\": \"memfile\" } } }";
    char *f = hc_kea_conf_lease_file(conf, sizeof(conf) - 1);

    assert_string_equal(f, "/data/kea/kea-leases4.csv");
    g_free(f);
    assert_null(hc_kea_conf_lease_file(sql, sizeof(sql) - 1));
    assert_null(hc_kea_conf_lease_file(none, sizeof(none) - 1));
    assert_null(hc_kea_conf_lease_file("", 0));
}

static void test_csv(void **state)
{
    /* .1 then the file, as read in turn: the renewal supersedes; a
     * released lease (expire now, state 0) and a declined one (state 1)
     * are not active; the header comes again with each file. */
    static const char csv[] =
        "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,"
        "fqdn_rev,hostname,state,user_context\n"
        "10.10.101.100,02:00:0a:0a:65:99,01:02:00:0a:0a:65:99,600,1000,1,0,0,"
        "client,0,\n"
        "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,"
        "fqdn_rev,hostname,state,user_context\n"
        "10.10.101.101,02:00:00:00:00:02,,600,2000,1,0,0,,1,\n"
        "10.10.101.100,02:00:0a:0a:65:99,01:02:00:0a:0a:65:99,600,2600,1,0,0,"
        "client,0,\n"
        "10.10.101.102,02:00:00:00:00:03,,0,1500,1,0,0,a&#x2cb,0,"
        "{ \"x\": 1 }\n"
        "not a row\n";
    GArray *out = g_array_new(FALSE, TRUE, sizeof(hc_fo_lease));
    unsigned bad = 0, line = 0;
    const hc_fo_lease *l;

    hc_kea_csv_leases(csv, sizeof(csv) - 1, 1500, out, &bad, &line);
    assert_int_equal(out->len, 3);
    assert_int_equal(bad, 1);
    assert_int_equal(line, 7);
    l = &g_array_index(out, hc_fo_lease, 0);
    assert_int_equal(l->ip, 0x0a0a6564);
    assert_true(l->active);
    assert_int_equal(l->ends, 2600);
    assert_int_equal(l->mac_len, 6);
    assert_int_equal(l->mac[5], 0x99);
    assert_false(g_array_index(out, hc_fo_lease, 1).active);
    assert_false(g_array_index(out, hc_fo_lease, 2).active);
    g_array_free(out, TRUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conf_lease_file),
        cmocka_unit_test(test_csv),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
