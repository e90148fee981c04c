/* libFuzzer target for the dhcpd.conf reader (includes not followed),
 * the usage computation over its ranges, and its translation for Kea
 * (dhcp2kea: only printable ASCII may reach the JSON and the CSV). */
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "dhcp2kea.h"
#include "dhcpconf.h"
#include "leases.h"
#include "leases_view.h"

static void printable_only(const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char) *s;

        if ((ch < 0x20 && ch != '\n') || ch > 0x7e) {
            __builtin_trap();
        }
    }
}

static const char leases_text[] =
    "lease 10.0.0.5 { binding state active; }\n"
    "lease 10.0.0.6 { binding state free; }\n"
    "lease 10.1.2.3 { binding state backup; }\n"
    "lease 192.168.5.5 { binding state active; }\n"
    "lease 255.255.255.255 { binding state active; }\n"
    "lease 0.0.0.0 { binding state expired; }\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static hc_lease_table *t;
    hc_dhcp_conf *c = hc_dhcp_conf_new();
    hc_dhcp_usage u;
    GArray *rows = g_array_new(FALSE, FALSE, sizeof(guint));
    GString *out = g_string_new(NULL);

    if (!t) {
        t = hc_lease_table_new();
        hc_leases_parse(t, leases_text, sizeof(leases_text) - 1, true);
    }
    hc_dhcp_conf_parse(c, (const char *) data, size, "fuzz.conf", false);
    hc_dhcp_usage_compute(c, t, &u);
    for (guint i = 0; i < c->ranges->len; i++) {
        const hc_dhcp_range *r = &g_array_index(c->ranges, hc_dhcp_range, i);

        if (r->first > r->last || u.range[i].used > u.range[i].defined) {
            __builtin_trap();
        }
    }
    hc_lease_query_run(t, NULL, rows);
    hc_leases_format_text(out, t, rows, c, &u, NULL, 0);
    hc_leases_format_json(out, t, rows, c, &u, NULL);
    for (size_t i = 0; i < out->len; i++) {
        unsigned char ch = (unsigned char) out->str[i];

        if (ch < 0x20 && ch != '\n') {
            __builtin_trap();
        }
    }
    {
        hc_dhcp2kea_opts o = { .source = "fuzz.conf", .interface = "eth2",
                               .leases = "/data/kea/kea-leases4.csv" };
        hc_dhcp2kea k;
        char *err = NULL;

        if (hc_dhcp2kea_translate(c, &o, &k, &err) == 0) {
            unsigned n = 0;
            char *csv = hc_dhcp2kea_leases(c, &k, t, 1, &n, NULL);

            printable_only(k.text);
            printable_only(csv);
            g_free(csv);
        }
        g_free(err);
        hc_dhcp2kea_clear(&k);
    }
    g_string_free(out, TRUE);
    g_array_free(rows, TRUE);
    hc_dhcp_usage_clear(&u);
    hc_dhcp_conf_free(c);
    return 0;
}
