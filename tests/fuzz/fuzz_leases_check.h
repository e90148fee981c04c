/* Shared by the lease and DHCP configuration fuzz targets: the table
 * through pool usage and both output forms. */
#ifndef HC_FUZZ_LEASES_CHECK_H
#define HC_FUZZ_LEASES_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

#include "dhcpconf.h"
#include "leases.h"
#include "leases_view.h"

/* The usage of t over c's ranges (every range ordered and no usage above
 * what a range holds, when ranges), the rows q selects in both output
 * forms naming src, at now: nothing from the input may reach the output
 * as a control byte. */
static inline void fuzz_check_views(hc_lease_table *t, const hc_dhcp_conf *c,
                                    const hc_lease_query *q,
                                    const hc_lease_source *src, time_t now,
                                    bool ranges)
{
    hc_dhcp_usage u;
    GArray *rows = g_array_new(FALSE, FALSE, sizeof(guint));
    GString *out = g_string_new(NULL);

    hc_dhcp_usage_compute(c, t, &u);
    for (guint i = 0; ranges && i < c->ranges->len; i++) {
        const hc_dhcp_range *r = &g_array_index(c->ranges, hc_dhcp_range, i);

        if (r->first > r->last || u.range[i].used > u.range[i].defined) {
            __builtin_trap();
        }
    }
    hc_lease_query_run(t, q, rows);
    hc_leases_format_text(out, t, rows, c, &u, src, now);
    hc_leases_format_json(out, t, rows, c, &u, src);
    for (size_t i = 0; i < out->len; i++) {
        unsigned char ch = (unsigned char) out->str[i];

        if (ch < 0x20 && ch != '\n') {
            __builtin_trap();
        }
    }
    g_string_free(out, TRUE);
    g_array_free(rows, TRUE);
    hc_dhcp_usage_clear(&u);
}

#endif
