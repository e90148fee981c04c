/* core/leases_view: the rows' order for every column and direction
 * against orders worked out by hand, and the state and text filters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "leases.h"
#include "leases_view.h"

/* Names that share their first 8 bytes, one with a NUL, none, empty. */
static const char sample[] =
    "lease 10.0.0.9 {\n  binding state active;\n"
    "  hardware ethernet 02:00:00:00:00:09;\n"
    "  client-hostname \"hostname-b\";\n  starts epoch 900;\n"
    "  ends epoch 5000;\n}\n"
    "lease 10.0.0.3 {\n  binding state free;\n"
    "  hardware ethernet 02:00:00:00:00:01;\n"
    "  client-hostname \"hostname-a\";\n  starts epoch 900;\n}\n"
    "lease 10.0.0.5 {\n  binding state active;\n"
    "  hardware ethernet 02:00:00:00:00:01;\n"
    "  client-hostname \"hostname\";\n  ends epoch 7000;\n}\n"
    "lease 10.0.0.4 {\n  binding state expired;\n"
    "  client-hostname \"hostname\\000x\";\n  starts epoch 100;\n}\n"
    "lease 10.0.0.1 {\n  binding state backup;\n}\n"
    "lease 10.0.0.2 {\n  binding state abandoned;\n"
    "  client-hostname \"\";\n}\n"
    "lease 10.0.0.7 {\n  binding state released;\n"
    "  hardware ethernet 02:00:00:00:00:07;\n"
    "  client-hostname \"Zed\";\n  starts epoch 900;\n}\n"
    "lease 10.0.0.8 {\n  binding state active;\n}\n"
    "lease 10.0.0.6 {\n  binding state free;\n"
    "  client-hostname \"hostname-a\";\n}\n"
    "lease 10.0.0.10 {\n  binding state active;\n"
    "  starts epoch 50;\n  ends never;\n}\n";

/* The expected orders, worked out by hand from the sample above and the
 * rules of hacon(1) (not from the code): bytes for names, state names
 * alphabetically, the address between equals, and a lease without the
 * column's value (no MAC, no name, no starts or ends) last in either
 * direction; "never" is the latest end.  Last octets of the addresses. */
static const struct {
    hc_lease_col col;
    bool desc;
    uint8_t order[10];
} expected[] = {
    { HC_LCOL_IP, false, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 } },
    { HC_LCOL_IP, true, { 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 } },
    { HC_LCOL_MAC, false, { 3, 5, 7, 9, 1, 2, 4, 6, 8, 10 } },
    { HC_LCOL_MAC, true, { 9, 7, 3, 5, 1, 2, 4, 6, 8, 10 } },
    { HC_LCOL_HOSTNAME, false, { 2, 7, 5, 4, 3, 6, 9, 1, 8, 10 } },
    { HC_LCOL_HOSTNAME, true, { 9, 3, 6, 4, 5, 7, 2, 1, 8, 10 } },
    { HC_LCOL_STATE, false, { 2, 5, 8, 9, 10, 1, 4, 3, 6, 7 } },
    { HC_LCOL_STATE, true, { 7, 3, 6, 4, 1, 5, 8, 9, 10, 2 } },
    { HC_LCOL_STARTS, false, { 10, 4, 3, 7, 9, 1, 2, 5, 6, 8 } },
    { HC_LCOL_STARTS, true, { 3, 7, 9, 4, 10, 1, 2, 5, 6, 8 } },
    { HC_LCOL_ENDS, false, { 9, 5, 10, 1, 2, 3, 4, 6, 7, 8 } },
    { HC_LCOL_ENDS, true, { 10, 5, 9, 1, 2, 3, 4, 6, 7, 8 } },
};

static void test_sort(void **state)
{
    hc_lease_table *t = hc_lease_table_new();
    GArray *rows = g_array_new(FALSE, FALSE, sizeof(guint));

    assert_int_equal(hc_leases_parse(t, sample, sizeof(sample) - 1, true),
                     (ssize_t) sizeof(sample) - 1);
    assert_int_equal(hc_lease_table_n_errors(t), 0);
    assert_int_equal(G_N_ELEMENTS(expected), 2 * HC_LCOL_N);
    for (size_t e = 0; e < G_N_ELEMENTS(expected); e++) {
        hc_lease_query q = { .sort = expected[e].col,
                             .descending = expected[e].desc, .state = -1 };
        char got[64] = "", want[64] = "";

        hc_lease_query_run(t, &q, rows);
        assert_int_equal(rows->len, hc_lease_table_count(t));
        for (guint i = 0; i < rows->len; i++) {
            const hc_lease *l = hc_lease_table_get(
                t, g_array_index(rows, guint, i));

            snprintf(got + strlen(got), sizeof(got) - strlen(got), " %u",
                     l->ip & 255);
            snprintf(want + strlen(want), sizeof(want) - strlen(want), " %u",
                     expected[e].order[i]);
        }
        if (strcmp(got, want)) {
            fail_msg("sort %s%s:%s, expected%s",
                     hc_lease_col_name(expected[e].col),
                     expected[e].desc ? " reversed" : "", got, want);
        }
    }
    {
        /* Reversed by address: the highest first. */
        hc_lease_query q = { .sort = HC_LCOL_IP, .descending = true,
                             .state = -1 };

        hc_lease_query_run(t, &q, rows);
        assert_int_equal(hc_lease_table_get(t, g_array_index(rows, guint, 0))
                         ->ip, 0x0a00000a);
    }
    {
        /* By state: only the active ones, by address. */
        hc_lease_query q = { .sort = HC_LCOL_IP, .state = HC_LEASE_ACTIVE };
        static const uint32_t want[] = { 0x0a000005, 0x0a000008, 0x0a000009,
                                         0x0a00000a };

        hc_lease_query_run(t, &q, rows);
        assert_int_equal(rows->len, 4);
        for (guint i = 0; i < 4; i++) {
            assert_int_equal(hc_lease_table_get(
                t, g_array_index(rows, guint, i))->ip, want[i]);
        }
    }
    {
        /* Text, any case, and state together. */
        hc_lease_query q = { .sort = HC_LCOL_HOSTNAME, .text = "HOSTNAME-A",
                             .state = HC_LEASE_FREE };

        hc_lease_query_run(t, &q, rows);
        assert_int_equal(rows->len, 2);
    }
    g_array_free(rows, TRUE);
    hc_lease_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sort),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
