/* core/leases_view: the rows' order for every column and direction, and
 * the state and text filters, checked pair by pair against the rules
 * written out here (the view sorts on precomputed keys). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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
    "  client-hostname \"hostname-a\";\n}\n";

static int cmp_u32(uint32_t a, uint32_t b)
{
    return a < b ? -1 : a > b;
}

/* <0, 0, >0 as a should come before b, by the documented rules. */
static int expected_order(const hc_lease_table *t, hc_lease_col col,
                          bool desc, const hc_lease *a, const hc_lease *b)
{
    int r = 0;

    switch (col) {
    case HC_LCOL_IP:
        r = cmp_u32(a->ip, b->ip);
        break;
    case HC_LCOL_MAC:
        r = memcmp(a->mac, b->mac, 6);
        if (!r) {
            r = cmp_u32(a->hw_len, b->hw_len);
        }
        break;
    case HC_LCOL_HOSTNAME: {
        size_t na, nb;
        const uint8_t *sa = hc_lease_str(t, a->hostname, &na);
        const uint8_t *sb = hc_lease_str(t, b->hostname, &nb);

        if (!sa || !sb) {
            /* Without a name: last, whatever the direction. */
            r = !sa - !sb;
            return r ? r : cmp_u32(a->ip, b->ip);
        }
        r = memcmp(sa, sb, na < nb ? na : nb);
        if (!r) {
            r = cmp_u32((uint32_t) na, (uint32_t) nb);
        }
        break;
    }
    case HC_LCOL_STATE:
        r = strcmp(hc_lease_state_name(a->state),
                   hc_lease_state_name(b->state));
        break;
    case HC_LCOL_STARTS:
        r = cmp_u32(a->starts, b->starts);
        break;
    case HC_LCOL_ENDS:
        r = cmp_u32(a->ends, b->ends);
        break;
    default:
        break;
    }
    if (desc) {
        r = -r;
    }
    return r ? r : cmp_u32(a->ip, b->ip);
}

static void test_sort(void **state)
{
    hc_lease_table *t = hc_lease_table_new();
    GArray *rows = g_array_new(FALSE, FALSE, sizeof(guint));

    assert_int_equal(hc_leases_parse(t, sample, sizeof(sample) - 1, true),
                     (ssize_t) sizeof(sample) - 1);
    assert_int_equal(hc_lease_table_n_errors(t), 0);
    for (int col = 0; col < HC_LCOL_N; col++) {
        for (int desc = 0; desc < 2; desc++) {
            hc_lease_query q = { .sort = col, .descending = desc,
                                 .state = -1 };

            hc_lease_query_run(t, &q, rows);
            assert_int_equal(rows->len, hc_lease_table_count(t));
            for (guint i = 0; i + 1 < rows->len; i++) {
                const hc_lease *a = hc_lease_table_get(
                    t, g_array_index(rows, guint, i));
                const hc_lease *b = hc_lease_table_get(
                    t, g_array_index(rows, guint, i + 1));

                if (expected_order(t, col, desc, a, b) >= 0) {
                    fail_msg("sort %s%s: row %u (%08x) before %08x",
                             hc_lease_col_name(col), desc ? " reversed" : "",
                             i, a->ip, b->ip);
                }
            }
        }
    }
    {
        /* Reversed by address: the highest first. */
        hc_lease_query q = { .sort = HC_LCOL_IP, .descending = true,
                             .state = -1 };

        hc_lease_query_run(t, &q, rows);
        assert_int_equal(hc_lease_table_get(t, g_array_index(rows, guint, 0))
                         ->ip, 0x0a000009);
    }
    {
        /* By state: only the active ones, by address. */
        hc_lease_query q = { .sort = HC_LCOL_IP, .state = HC_LEASE_ACTIVE };
        static const uint32_t want[] = { 0x0a000005, 0x0a000008, 0x0a000009 };

        hc_lease_query_run(t, &q, rows);
        assert_int_equal(rows->len, 3);
        for (guint i = 0; i < 3; i++) {
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
