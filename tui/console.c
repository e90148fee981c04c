/* The console's screen: header, tab bar, a body and a footer, drawn with
 * ncursesw (tui/term.c).  The body is the current view's lines, or those
 * of the first active mode (tui/mode.h) that has a body; keys go to the
 * first active mode, and what it passes on are the console's own.  Only
 * what is dirty is redrawn, and each call ends in one doupdate(). */
#include "console.h"

#include <string.h>

#include <curses.h>

#include "mode.h"
#include "term.h"
#include "views.h"

#define HEADER_MAX 8

static const hc_view *const view_table[HC_N_VIEWS] = {
    &hc_view_resources, &hc_view_constraints, &hc_view_corosync,
    &hc_view_drbd, &hc_view_leases, &hc_view_transcript,
};

static const hc_mode mode_views;

/* In order: the first active one takes the keys; the tabbed views are
 * always active, under every other. */
static const hc_mode *const mode_table[] = {
    &hc_mode_cmdline, &hc_mode_search, &hc_mode_wizard, &hc_mode_help,
    &hc_mode_detail, &hc_mode_failover, &mode_views,
};

static int header_rows;

/* The first active mode; with need_body, the first that has a body. */
static const hc_mode *top_mode(const hc_console *con, bool need_body)
{
    for (size_t i = 0; i < G_N_ELEMENTS(mode_table); i++) {
        const hc_mode *m = mode_table[i];

        if ((!need_body || m->body) && m->active(con)) {
            return m;
        }
    }
    return &mode_views;
}

/* ---- set-up ------------------------------------------------------------- */

int hc_screen_init(hc_console *con)
{
    if (hc_term_init(&con->color) < 0) {
        return -1;
    }
    for (int i = 0; i < HC_N_VIEWS; i++) {
        con->views[i].view = view_table[i];
        con->views[i].lines = g_ptr_array_new_with_free_func(hc_line_free);
        con->views[i].dirty = true;
    }
    con->search = g_string_new(NULL);
    getmaxyx(stdscr, con->rows, con->cols);
    con->all_dirty = true;
    con->redraw = hc_screen_draw;
    return 0;
}

void hc_screen_end(void)
{
    hc_term_end();
    for (size_t i = 0; i < G_N_ELEMENTS(mode_table); i++) {
        if (mode_table[i]->end) {
            mode_table[i]->end();
        }
    }
}

void hc_screen_resize(hc_console *con)
{
    getmaxyx(stdscr, con->rows, con->cols);
    for (int i = 0; i < HC_N_VIEWS; i++) {
        con->views[i].dirty = true;
    }
    con->all_dirty = true;
}

/* ---- drawing ----------------------------------------------------------- */

static int body_top(void)
{
    return header_rows + 1;
}

int hc_screen_body_top(void)
{
    return body_top();
}

static int body_rows(const hc_console *con)
{
    int n = con->rows - body_top() - 1;

    return n > 0 ? n : 0;
}

static void draw_header(hc_console *con)
{
    GPtrArray *lines = g_ptr_array_new_with_free_func(hc_line_free);
    int max = con->rows > 12 ? HEADER_MAX : 3;
    int n = hc_header_build(con, lines, max, con->cols);

    if (n != header_rows) {
        header_rows = n;
        con->all_dirty = true;
    }
    for (int i = 0; i < n; i++) {
        hc_term_line(i, lines->pdata[i], con->cols, con->ascii, false);
    }
    g_ptr_array_free(lines, TRUE);
}

static void draw_tabs(hc_console *con)
{
    int x = 0;

    move(header_rows, 0);
    attrset(A_NORMAL);
    for (int i = 0; i < HC_N_VIEWS && x < con->cols; i++) {
        char buf[64];
        bool on = i == con->cur && !con->help;

        /* Brackets as well as reverse video: monochrome captures and
         * screen readers see which view is open. */
        snprintf(buf, sizeof(buf), on ? "[%c %s]" : " %c %s ",
                 con->views[i].view->key, con->views[i].view->name);
        attrset(on ? A_REVERSE | A_BOLD : A_NORMAL);
        x += hc_term_text(buf, con->cols - x, true);
        attrset(A_NORMAL);
    }
    for (; x < con->cols; x++) {
        addch(' ');
    }
}

/* The first active mode's footer; the console's message over it, unless
 * the mode's footer is a prompt (the search). */
static void draw_footer(hc_console *con)
{
    const char *text = "";

    for (size_t i = 0; i < G_N_ELEMENTS(mode_table); i++) {
        const hc_mode *m = mode_table[i];

        if (!m->footer || !m->active(con)) {
            continue;
        }
        text = con->message && !(m->flags & HC_MODE_FOOTER_OVER_MESSAGE)
               ? con->message : m->footer(con);
        break;
    }
    hc_term_bar(con->rows - 1, text, con->cols, con->ascii, true);
}

static void draw_body(hc_console *con)
{
    hc_mode_body b = { .lines = NULL, .top = 0, .sel = -1 };
    int h = body_rows(con);

    con->body_rows = h;
    top_mode(con, true)->body(con, h, &b);
    for (int r = 0; r < h; r++) {
        int i = b.top + r;
        hc_line *l = i >= 0 && i < (int) b.lines->len ? b.lines->pdata[i]
                     : NULL;

        hc_term_line(body_top() + r, l, con->cols, con->ascii,
                     l && i == b.sel);
    }
}

/* A mode's prompt in the bottom row, where the cursor stays, and its pane
 * above it (at most the body's height) under a rule. */
static void draw_prompt(hc_console *con, const hc_mode *m)
{
    int top = 0, cursor = -1, h = body_rows(con);
    GPtrArray *pane = m->pane ? m->pane(con, &top) : NULL;
    char *prompt = m->prompt(con, con->cols, &cursor);

    if (pane && h > 0) {
        int n = MIN((int) pane->len - top + 1, h);
        int y0 = con->rows - 1 - n;

        hc_term_rule(y0, con->cols);
        for (int r = 1; r < n; r++) {
            hc_term_line(y0 + r, pane->pdata[top + r - 1], con->cols,
                         con->ascii, false);
        }
    }
    hc_term_bar(con->rows - 1, prompt, con->cols, con->ascii, false);
    if (cursor >= 0 && cursor < con->cols) {
        move(con->rows - 1, cursor);
    }
    g_free(prompt);
}

void hc_screen_draw(hc_console *con)
{
    const hc_mode *m = top_mode(con, false);

    if (con->all_dirty) {
        con->header_dirty = con->body_dirty = true;
    }
    if (con->header_dirty) {
        draw_header(con);    /* may change header_rows: then all dirty */
    }
    if (con->all_dirty) {
        draw_tabs(con);
        con->body_dirty = true;
    }
    if (con->body_dirty) {
        draw_body(con);
    }
    draw_footer(con);
    if (m->prompt) {
        draw_prompt(con, m);
    }
    con->header_dirty = con->body_dirty = con->all_dirty = false;
    wnoutrefresh(stdscr);
    doupdate();
}

/* ---- the tabbed views --------------------------------------------------- */

static bool views_active(const hc_console *con)
{
    (void) con;
    return true;
}

static void rebuild(hc_console *con, hc_view_state *vs)
{
    g_ptr_array_set_size(vs->lines, 0);
    vs->view->build(con, vs->lines, con->cols);
    vs->built = true;
    vs->dirty = false;
    if (vs->sel >= (int) vs->lines->len) {
        vs->sel = vs->lines->len ? (int) vs->lines->len - 1 : 0;
    }
}

/* The selected line stays on the screen. */
static void clamp_scroll(const hc_console *con, hc_view_state *vs)
{
    int h = body_rows(con);

    if (vs->sel < vs->top) {
        vs->top = vs->sel;
    }
    if (h > 0 && vs->sel >= vs->top + h) {
        vs->top = vs->sel - h + 1;
    }
    if (vs->top < 0) {
        vs->top = 0;
    }
}

static void views_body(hc_console *con, int rows, hc_mode_body *b)
{
    hc_view_state *vs = &con->views[con->cur];

    (void) rows;
    if (vs->dirty || !vs->built) {
        rebuild(con, vs);
    }
    clamp_scroll(con, vs);
    b->lines = vs->lines;
    b->top = vs->top;
    b->sel = vs->sel;
}

/* Enter: the detail of what the selected line refers to. */
static void open_detail(hc_console *con)
{
    hc_view_state *vs = &con->views[con->cur];
    hc_line *l;

    if (vs->sel >= (int) vs->lines->len) {
        return;
    }
    l = vs->lines->pdata[vs->sel];
    if (l->ref) {
        g_free(con->detail_ref);
        con->detail_ref = g_strdup(l->ref);
        con->detail = true;
        con->detail_top = 0;
        con->all_dirty = true;
    }
}

static hc_key_rc views_key(hc_console *con, int key)
{
    hc_view_state *vs = &con->views[con->cur];

    if (vs->view->view_key && vs->view->view_key(con, key)) {
        return HC_KEY_DONE;
    }
    if (hc_scroll_key(key, &vs->sel, con->body_rows,
                      (int) vs->lines->len - 1)) {
        con->body_dirty = true;
        return HC_KEY_DONE;
    }
    switch (key) {
    case '/':
        hc_mode_search.open(con);
        return HC_KEY_DONE;
    case 'n':
        if (con->search->len) {
            hc_search_next(con);
            con->body_dirty = true;
        }
        return HC_KEY_DONE;
    case '\r':
    case '\n':
    case KEY_ENTER:
        open_detail(con);
        return HC_KEY_DONE;
    default:
        return HC_KEY_PASS;
    }
}

static const char *views_footer(const hc_console *con)
{
    (void) con;
    /* What a newcomer needs first, in 79 columns: the guided setup, the
     * failover test and the crm line are found here, not only in the
     * help. */
    return "F1/? Help  w Setup  f Failover  : crm  Tab View  / Search  "
           "Enter Detail  q Quit";
}

static const hc_mode mode_views = {
    .name = "views",
    .active = views_active,
    .key = views_key,
    .body = views_body,
    .footer = views_footer,
};

/* ---- keys -------------------------------------------------------------- */

static void switch_view(hc_console *con, int i)
{
    con->cur = (i + HC_N_VIEWS) % HC_N_VIEWS;
    con->help = con->detail = false;
    con->all_dirty = true;
}

/* q or F10: true when a mode asks first (a failover test that runs goes
 * on): the console stays. */
static bool quit_asks(hc_console *con)
{
    for (size_t i = 0; i < G_N_ELEMENTS(mode_table); i++) {
        const hc_mode *m = mode_table[i];

        if (m->quit_asks && m->quit_asks(con)) {
            return true;
        }
    }
    return false;
}

/* The mode that the key opens, or NULL. */
static const hc_mode *opened_by(int key)
{
    for (size_t i = 0; i < G_N_ELEMENTS(mode_table); i++) {
        if (mode_table[i]->open_key == key && mode_table[i]->open) {
            return mode_table[i];
        }
    }
    return NULL;
}

/* The keys the modes pass on: quit, help, the views, the modes' own keys
 * (: w f), redraw.  False: quit. */
static bool console_key(hc_console *con, int key)
{
    const hc_mode *m;

    switch (key) {
    case 'q':
    case KEY_F(10):
        return quit_asks(con);
    case '?':
    case 'h':
    case KEY_F(1):
        con->help = !con->help;
        con->detail = false;
        con->detail_top = 0;
        con->all_dirty = true;
        return true;
    case '\t':
    case KEY_RIGHT:
        switch_view(con, con->cur + 1);
        return true;
    case KEY_BTAB:
    case KEY_LEFT:
        switch_view(con, con->cur - 1);
        return true;
    case 12: /* ^L */
        clearok(curscr, TRUE);
        con->all_dirty = true;
        return true;
    default:
        if ((m = opened_by(key))) {
            m->open(con);
        } else if (key >= '1' && key < '1' + HC_N_VIEWS) {
            switch_view(con, key - '1');
        }
        return true;
    }
}

bool hc_screen_key(hc_console *con, int key)
{
    const hc_mode *m = top_mode(con, false);

    con->body_rows = body_rows(con);
    if (key == KEY_RESIZE) {
        hc_screen_resize(con);
        return true;
    }
    if (key == KEY_MOUSE && !(m->flags & HC_MODE_MOUSE)) {
        return hc_mouse_event(con);
    }
    if (con->message && !(m->flags & HC_MODE_KEEPS_MESSAGE)) {
        g_free(con->message);
        con->message = NULL;
    }
    switch (m->key(con, key)) {
    case HC_KEY_DONE:
        return true;
    case HC_KEY_QUIT:
        return false;
    default:
        return console_key(con, key);
    }
}
