/* The DRBD pane: what the console's own source (tui/source_drbd.c) follows
 * from the loop; until the loop starts it, the pane says no source is
 * configured. */
#include "sources.h"
#include "views.h"

static void drbd_build(hc_console *con, GPtrArray *lines, int width)
{
    if (con->dsrc) {
        hc_drbd_src_build(con->dsrc, con, lines, width);
        return;
    }
    hc_line_add(lines, HC_TONE_DIM, NULL,
                "No DRBD data source is configured in this hacon.");
    hc_line_add(lines, HC_TONE_DIM, NULL,
                "This pane shows DRBD resources once one is.");
}

static uint64_t drbd_digest(const hc_console *con)
{
    uint64_t h = HC_DIGEST_INIT;

    if (!con->dsrc) {
        return h;
    }
    return hc_digest_int(hc_digest_int(h, 2),
                         (int64_t) hc_drbd_src_generation(con->dsrc));
}

const hc_view hc_view_drbd = {
    .name = "DRBD", .key = '4',
    .build = drbd_build, .digest = drbd_digest,
};
