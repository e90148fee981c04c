/* The console's model (tui/model.h): what changed, and text made safe for
 * this terminal. */
#include "model.h"

#include "util.h"

char *hc_con_esc(const hc_console *con, const char *s, size_t max_cols)
{
    return con->ascii ? hc_escape_ascii(s, max_cols) : hc_escape(s, max_cols);
}

void hc_console_model_changed(hc_console *con)
{
    con->model_gen++;
    con->header_dirty = true;
    for (int i = 0; i < HC_N_VIEWS; i++) {
        hc_view_state *vs = &con->views[i];
        uint64_t d = vs->view->digest(con);

        if (!vs->built || d != vs->digest) {
            vs->digest = d;
            vs->dirty = true;
            if (i == con->cur) {
                con->body_dirty = true;
            }
        }
    }
    if (con->detail) {
        con->body_dirty = true;
    }
}

void hc_console_redraw(hc_console *con)
{
    if (con && con->redraw) {
        con->redraw(con);
    }
}
