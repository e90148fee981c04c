/* The DRBD pane.  The console's own source (tui/sources.h,
 * tui/source_drbd.c) follows the data from the loop and builds the lines;
 * an hc_pane_source set in con->drbd (raw lines that the pane escapes) is
 * the fallback interface for other sources. */
#include "console.h"
#include "sources.h"

static void drbd_build(hc_console *con, GPtrArray *lines, int width)
{
    const hc_pane_source *src = con->drbd;

    if (con->dsrc) {
        hc_drbd_src_build(con->dsrc, con, lines, width);
        return;
    }
    if (!src) {
        hc_line_add(lines, HC_TONE_DIM, NULL,
                    "No DRBD data source is configured in this hacon.");
        hc_line_add(lines, HC_TONE_DIM, NULL,
                    "This pane shows DRBD resources once one is.");
        return;
    }
    if (src->title) {
        char *t = hc_con_esc(con, src->title, 0);

        hc_line_add(lines, HC_TONE_TITLE, NULL, "%s", t);
        g_free(t);
    }
    for (guint i = 0; src->lines && i < src->lines->len; i++) {
        char *safe = hc_con_esc(con, src->lines->pdata[i], 0);

        hc_line_add(lines, HC_TONE_NORMAL, NULL, "%s", safe);
        g_free(safe);
    }
}

static uint64_t drbd_digest(const hc_console *con)
{
    uint64_t h = HC_DIGEST_INIT;

    if (con->dsrc) {
        return hc_digest_int(hc_digest_int(h, 2),
                             (int64_t) hc_drbd_src_generation(con->dsrc));
    }
    if (!con->drbd) {
        return h;
    }
    return hc_digest_int(hc_digest_int(h, 1), (int64_t) con->drbd->generation);
}

const hc_view hc_view_drbd = {
    "DRBD", '4', drbd_build, drbd_digest,
};
