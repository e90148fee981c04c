/* The search prompt (/) of the tabbed views: the text typed in the
 * footer, Enter selects the next line that holds it (n again), Esc
 * cancels. */
#include "mode.h"

#include <string.h>

#include <curses.h>

/* A line holds the search text as typed, copied from the screen
 * ("\x1b]0;evil", a\"b), or escaped as the screen shows it (a"b typed
 * for a\"b shown, UTF-8 typed where an ASCII terminal shows \xNN). */
static bool line_matches(hc_line *l, const char *typed, const char *shown)
{
    const char *t = hc_line_text(l);

    return *typed && (strcasestr(t, typed) || strcasestr(t, shown));
}

/* Selects the next line (after the selected one, wrapping) holding the
 * search text; the text is compared with the displayed, escaped, line. */
void hc_search_next(hc_console *con)
{
    hc_view_state *vs = &con->views[con->cur];
    char *q = hc_con_esc(con, con->search->str, 0);
    int n = (int) vs->lines->len;

    for (int k = 1; k <= n; k++) {
        int i = (vs->sel + k) % n;

        if (line_matches(vs->lines->pdata[i], con->search->str, q)) {
            vs->sel = i;
            g_free(con->message);
            con->message = NULL;
            g_free(q);
            return;
        }
    }
    g_free(con->message);
    con->message = g_strdup_printf("not found: %s", q);
    g_free(q);
}

static bool search_active(const hc_console *con)
{
    return con->searching;
}

/* Drops the last UTF-8 character of the search text. */
static void search_backspace(GString *s)
{
    gsize n;

    if (!s->len) {
        return;
    }
    n = s->len - 1;
    while (n > 0 && (s->str[n] & 0xc0) == 0x80) {
        n--;
    }
    g_string_truncate(s, n);
}

static hc_key_rc search_key(hc_console *con, int key)
{
    switch (key) {
    case 27:
        con->searching = false;
        break;
    case '\r':
    case '\n':
    case KEY_ENTER:
        con->searching = false;
        hc_search_next(con);
        con->body_dirty = true;
        break;
    case KEY_BACKSPACE:
    case 127:
    case 8:
        search_backspace(con->search);
        break;
    default:
        if (key >= 0x20 && key < 0x100 && key != 0x7f
            && con->search->len < 200) {
            g_string_append_c(con->search, (char) key);
        }
        break;
    }
    return HC_KEY_DONE;
}

static const char *search_footer(const hc_console *con)
{
    static char buf[512];
    char *q = hc_con_esc(con, con->search->str, 0);

    snprintf(buf, sizeof(buf), "Search: %s", q);
    g_free(q);
    return buf;
}

static void search_open(hc_console *con)
{
    con->searching = true;
    g_string_truncate(con->search, 0);
}

const hc_mode hc_mode_search = {
    .name = "search",
    .flags = HC_MODE_KEEPS_MESSAGE | HC_MODE_FOOTER_OVER_MESSAGE,
    .active = search_active,
    .open = search_open,
    .key = search_key,
    .footer = search_footer,
};
