/* The mouse, where the terminal reports it (ncurses' KEY_MOUSE): a click
 * on a tab opens that view, a click on a line selects it (a second click
 * on the selected line opens its detail, as Enter), the wheel moves the
 * selection (and so scrolls) three lines a notch. */
#include "console.h"

#include <string.h>

#include <curses.h>

#define WHEEL_LINES 3

#ifndef BUTTON5_PRESSED
#define BUTTON5_PRESSED 0
#endif

/* Which tab is under column x: the tabs are drawn one after the other
 * as " K Name " (or "[K Name]" for the open one), the same width. */
static int tab_at(const hc_console *con, int x)
{
    int left = 0;

    for (int i = 0; i < HC_N_VIEWS; i++) {
        int w = 4 + (int) strlen(con->views[i].view->name);

        if (x >= left && x < left + w) {
            return i;
        }
        left += w;
    }
    return -1;
}

bool hc_mouse_event(hc_console *con)
{
    MEVENT ev;
    int top = hc_screen_body_top();

    if (getmouse(&ev) != OK) {
        return true;
    }
    if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
        int key = ev.bstate & BUTTON4_PRESSED ? KEY_UP : KEY_DOWN;

        for (int i = 0; i < WHEEL_LINES; i++) {
            hc_screen_key(con, key);
        }
        return true;
    }
    if (!(ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))) {
        return true;
    }
    if (ev.y == top - 1) {
        int t = tab_at(con, ev.x);

        if (t >= 0) {
            return hc_screen_key(con, con->views[t].view->key);
        }
        return true;
    }
    if (ev.y >= top && ev.y < con->rows - 1 && !con->help && !con->detail) {
        hc_view_state *vs = &con->views[con->cur];
        int idx = vs->top + (ev.y - top);
        hc_line *l;

        if (idx < 0 || idx >= (int) vs->lines->len) {
            return true;
        }
        l = g_ptr_array_index(vs->lines, idx);
        if (idx == vs->sel && l->ref) {
            return hc_screen_key(con, '\n');
        }
        if (l->selectable) {
            vs->sel = idx;
            con->body_dirty = true;
        }
    }
    return true;
}
