/* The help (?, F1) and detail (Enter on a resource) panes: text over the
 * views (tui/view_help.c, tui/view_resources.c make it), scrolled, no
 * selection; Esc, Backspace or Left closes them. */
#include "mode.h"

#include <curses.h>

#include "views.h"

/* The pane's lines, made again at each draw (the detail follows the
 * model), kept until the next. */
static GPtrArray *shown;

static bool help_active(const hc_console *con)
{
    return con->help;
}

static bool detail_active(const hc_console *con)
{
    return con->detail;
}

static void close_pane(hc_console *con)
{
    con->help = con->detail = false;
    con->all_dirty = true;
}

static hc_key_rc pane_key(hc_console *con, int key)
{
    switch (key) {
    case 27:
    case KEY_BACKSPACE:
    case KEY_LEFT:
        close_pane(con);
        return HC_KEY_DONE;
    case '/':
    case 'n':
    case '\r':
    case '\n':
    case KEY_ENTER:
        return HC_KEY_DONE;
    default:
        break;
    }
    /* Past the end is taken back when drawn: the length is known then. */
    if (hc_scroll_key(key, &con->detail_top, con->body_rows, 1 << 20)) {
        con->body_dirty = true;
        return HC_KEY_DONE;
    }
    return HC_KEY_PASS;
}

/* The lines from detail_top, which stays within them. */
static void pane_body(hc_console *con, int rows, hc_mode_body *b)
{
    int maxtop;

    if (!shown) {
        shown = g_ptr_array_new_with_free_func(hc_line_free);
    }
    g_ptr_array_set_size(shown, 0);
    if (con->help) {
        hc_help_build(con, shown);
    } else {
        hc_detail_build(con, con->detail_ref, shown);
    }
    maxtop = (int) shown->len - rows;
    if (con->detail_top > maxtop) {
        con->detail_top = maxtop;
    }
    if (con->detail_top < 0) {
        con->detail_top = 0;
    }
    b->lines = shown;
    b->top = con->detail_top;
}

static const char *pane_footer(const hc_console *con)
{
    (void) con;
    return "Esc Back  Up/Down PgUp/PgDn Scroll  q Quit";
}

static void pane_end(void)
{
    if (shown) {
        g_ptr_array_free(shown, TRUE);
        shown = NULL;
    }
}

const hc_mode hc_mode_help = {
    .name = "help",
    .active = help_active,
    .key = pane_key,
    .body = pane_body,
    .footer = pane_footer,
    .end = pane_end,
};

const hc_mode hc_mode_detail = {
    .name = "detail",
    .active = detail_active,
    .key = pane_key,
    .body = pane_body,
    .footer = pane_footer,
    .end = pane_end,
};
