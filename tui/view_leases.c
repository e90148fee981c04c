/* The Leases pane: what the console's own source (tui/source_leases.c) follows
 * from the loop; until the loop starts it, the pane says no source is
 * configured. */
#include "sources.h"
#include "views.h"

static void leases_build(hc_console *con, GPtrArray *lines, int width)
{
    if (con->lsrc) {
        hc_leases_src_build(con->lsrc, con, lines, width);
        return;
    }
    hc_line_add(lines, HC_TONE_DIM, NULL,
                "No Leases data source is configured in this hacon.");
    hc_line_add(lines, HC_TONE_DIM, NULL,
                "This pane shows DHCP leases once one is.");
}

static uint64_t leases_digest(const hc_console *con)
{
    uint64_t h = HC_DIGEST_INIT;

    if (!con->lsrc) {
        return h;
    }
    return hc_digest_int(hc_digest_int(h, 2),
                         (int64_t) hc_leases_src_generation(con->lsrc));
}

/* s, r, F, t: the pane's sort and filter (tui/source_leases.c). */
static bool leases_key(hc_console *con, int key)
{
    return con->lsrc && hc_leases_src_key(con->lsrc, con, key);
}

const hc_view hc_view_leases = {
    .name = "Leases", .key = '5', .build = leases_build,
    .digest = leases_digest, .view_key = leases_key,
};
