/* The console's screen: header, tab bar, the current view's lines (or the
 * help or detail pane) and a status line, drawn with ncursesw.  Only what
 * is dirty is redrawn, and each call ends in one doupdate(). */
#include "console.h"
#include "sources.h"

#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include <curses.h>
#include <term.h>
/* term.h defines these as macros; the views use the words. */
#undef lines
#undef columns
#undef tone

#include "cmdline.h"
#include "util.h"
#include "view_failover.h"

#define HEADER_MAX 8

static const hc_view *const view_table[HC_N_VIEWS] = {
    &hc_view_resources, &hc_view_constraints, &hc_view_corosync,
    &hc_view_drbd, &hc_view_leases, &hc_view_transcript,
};

static attr_t tone_attr[HC_TONE_COUNT];
static int header_rows;

/* ---- text ------------------------------------------------------------ */

char *hc_con_esc(const hc_console *con, const char *s, size_t max_cols)
{
    return con->ascii ? hc_escape_ascii(s, max_cols) : hc_escape(s, max_cols);
}

hc_line *hc_line_add(GPtrArray *lines, hc_tone tone, const char *tree,
                     const char *fmt, ...)
{
    hc_line *l = g_new0(hc_line, 1);
    va_list ap;

    va_start(ap, fmt);
    l->text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    l->tree = g_strdup(tree ? tree : "");
    l->tone = tone;
    l->selectable = true;
    g_ptr_array_add(lines, l);
    return l;
}

/* Lazy lines are allocated together and freed with the last of them. */
typedef struct line_pool {
    size_t refs;
    hc_line lines[];
} line_pool;

hc_line *hc_lines_add_lazy(GPtrArray *lines, size_t n,
                           void (*fill)(hc_line *l), void *data)
{
    line_pool *p;
    guint base = lines->len;

    if (!n) {
        return NULL;
    }
    p = g_malloc(sizeof(*p) + n * sizeof(hc_line));
    p->refs = n;
    g_ptr_array_set_size(lines, (gint) (base + n));
    for (size_t i = 0; i < n; i++) {
        p->lines[i] = (hc_line) { .selectable = true, .fill = fill,
                                  .fill_data = data, .pool = p };
        lines->pdata[base + i] = &p->lines[i];
    }
    return p->lines;
}

const char *hc_line_text(hc_line *l)
{
    if (!l->text && l->fill) {
        l->fill(l);
    }
    return l->text ? l->text : "";
}

void hc_line_free(gpointer p)
{
    hc_line *l = p;
    line_pool *pool = l->pool;

    g_free(l->tree);
    g_free(l->text);
    g_free(l->ref);
    if (!pool) {
        g_free(l);
    } else if (--pool->refs == 0) {
        g_free(pool);
    }
}

uint64_t hc_digest_str(uint64_t h, const char *s)
{
    for (const unsigned char *p = (const unsigned char *) (s ? s : "\1");
         *p; p++) {
        h = (h ^ *p) * 1099511628211ULL;
    }
    return (h ^ 0xff) * 1099511628211ULL;
}

uint64_t hc_digest_int(uint64_t h, int64_t v)
{
    for (int i = 0; i < 8; i++) {
        h = (h ^ ((uint64_t) v >> (8 * i) & 0xff)) * 1099511628211ULL;
    }
    return h;
}

/* Draws text at the cursor, at most cols columns; the text is escaped
 * already, so it holds no control characters.  Returns columns used. */
static int put_text(const char *text, int cols, bool ascii)
{
    int used = 0;

    if (ascii) {
        for (const unsigned char *p = (const unsigned char *) text;
             *p && used < cols; p++) {
            /* A byte above ASCII would be a bug upstream; never send it. */
            addch(*p < 0x80 ? *p : '?');
            used++;
        }
        return used;
    }
    {
        mbstate_t ps;
        const char *p = text;
        wchar_t wc;

        memset(&ps, 0, sizeof(ps));
        while (*p && used < cols) {
            size_t n = mbrtowc(&wc, p, strlen(p), &ps);
            int w;

            if (n == (size_t) -1 || n == (size_t) -2 || n == 0) {
                addch('?');
                used++;
                p++;
                memset(&ps, 0, sizeof(ps));
                continue;
            }
            w = wcwidth(wc);
            if (w < 0) {
                w = 1;
                wc = L'?';
            }
            if (used + w > cols) {
                break;
            }
            addnwstr(&wc, 1);
            used += w;
            p += n;
        }
    }
    return used;
}

/* UTF-8 terminals get the Unicode box characters; others the terminal's
 * own line drawing (ACS), which vt100 and the Linux console have. */
static int put_tree(const char *tree, int cols, bool ascii)
{
    int used = 0;

    for (const char *p = tree ? tree : ""; *p && used < cols; p++, used++) {
        wchar_t wc = L' ';
        chtype ch = ' ';

        switch (*p) {
        case '|':
            wc = 0x2502;
            ch = ACS_VLINE;
            break;
        case '+':
            wc = 0x251c;
            ch = ACS_LTEE;
            break;
        case '`':
            wc = 0x2514;
            ch = ACS_LLCORNER;
            break;
        case '-':
            wc = 0x2500;
            ch = ACS_HLINE;
            break;
        default:
            break;
        }
        if (ascii || wc == L' ') {
            addch(ch);
        } else {
            addnwstr(&wc, 1);
        }
    }
    return used;
}

static void draw_line(int y, hc_line *l, int cols, bool ascii,
                      bool selected)
{
    int x = 0;
    attr_t attr = selected ? A_REVERSE : tone_attr[l ? l->tone : 0];

    move(y, 0);
    attrset(attr);
    if (l) {
        x += put_tree(l->tree, cols, ascii);
        x += put_text(hc_line_text(l), cols - x, ascii);
    }
    for (; x < cols; x++) {
        addch(' ');
    }
    attrset(A_NORMAL);
}

/* ---- terminal set-up and crash safety ---------------------------------- */

static struct termios saved_tio;
static bool have_saved_tio;
static char restore_seq[256];
static size_t restore_len;

static void append_seq(const char *s)
{
    size_t n = strlen(s);

    if (restore_len + n < sizeof(restore_seq)) {
        memcpy(restore_seq + restore_len, s, n);
        restore_len += n;
    }
}

static void append_cap(const char *cap)
{
    char *s = tigetstr((char *) cap);

    if (s && s != (char *) -1) {
        append_seq(s);
    }
}

/* On a crash there is no endwin(): put the terminal back with what is
 * async-signal-safe (tcsetattr, write), then die of the same signal. */
static void on_fatal(int sig)
{
    if (have_saved_tio) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
    }
    if (restore_len) {
        ssize_t r = write(STDOUT_FILENO, restore_seq, restore_len);

        (void) r;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void setup_tones(hc_console *con)
{
    static const short fg[HC_TONE_COUNT] = {
        -1, COLOR_GREEN, COLOR_YELLOW, COLOR_RED, COLOR_CYAN, COLOR_BLUE,
    };

    if (con->color) {
        start_color();
        use_default_colors();
        for (int t = 1; t < HC_TONE_COUNT; t++) {
            init_pair(t, fg[t], -1);
            tone_attr[t] = COLOR_PAIR(t);
        }
        tone_attr[HC_TONE_BAD] |= A_BOLD;
        tone_attr[HC_TONE_TITLE] |= A_BOLD;
    } else {
        tone_attr[HC_TONE_GOOD] = A_NORMAL;
        tone_attr[HC_TONE_WARN] = A_BOLD;
        tone_attr[HC_TONE_BAD] = A_BOLD | A_UNDERLINE;
        tone_attr[HC_TONE_TITLE] = A_BOLD;
        tone_attr[HC_TONE_DIM] = A_NORMAL;
    }
    tone_attr[HC_TONE_NORMAL] = A_NORMAL;
}

int hc_screen_init(hc_console *con)
{
    static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
    const char *nc = getenv("NO_COLOR");

    if (tcgetattr(STDIN_FILENO, &saved_tio) == 0) {
        have_saved_tio = true;
    }
    if (!initscr()) {
        return -1;
    }
    append_cap("sgr0");
    append_cap("cnorm");
    append_cap("rmkx");
    append_cap("rmcup");
    if (hc_mouse_enable()) {
        /* Mouse reporting off (xterm's 1000 mode, what ncurses turns on
         * for kmous=\E[M). */
        append_seq("\033[?1000l");
    }
    for (size_t i = 0; i < G_N_ELEMENTS(fatal); i++) {
        struct sigaction sa;

        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_fatal;
        sa.sa_flags = SA_RESETHAND;
        sigaction(fatal[i], &sa, NULL);
    }
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    con->color = has_colors() && !(nc && *nc);
    setup_tones(con);
    for (int i = 0; i < HC_N_VIEWS; i++) {
        con->views[i].view = view_table[i];
        con->views[i].lines = g_ptr_array_new_with_free_func(hc_line_free);
        con->views[i].dirty = true;
    }
    con->search = g_string_new(NULL);
    getmaxyx(stdscr, con->rows, con->cols);
    con->all_dirty = true;
    return 0;
}

void hc_screen_end(void)
{
    if (!isendwin()) {
        endwin();
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

/* ---- model changes --------------------------------------------------- */

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
        draw_line(i, lines->pdata[i], con->cols, con->ascii, false);
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
        x += put_text(buf, con->cols - x, true);
        attrset(A_NORMAL);
    }
    for (; x < con->cols; x++) {
        addch(' ');
    }
}

static void draw_footer(hc_console *con)
{
    char buf[512];

    if (con->searching) {
        char *q = hc_con_esc(con, con->search->str, 0);

        snprintf(buf, sizeof(buf), "Search: %s", q);
        g_free(q);
    } else if (con->message) {
        snprintf(buf, sizeof(buf), "%s", con->message);
    } else if (hc_wizard_ui_active(con)) {
        snprintf(buf, sizeof(buf), "%s", hc_wizard_ui_footer(con));
    } else if (con->help || con->detail) {
        snprintf(buf, sizeof(buf),
                 "Esc Back  Up/Down PgUp/PgDn Scroll  q Quit");
    } else if (hc_fo_screen_active(con)) {
        snprintf(buf, sizeof(buf), "%s", hc_fo_screen_footer(con));
    } else {
        /* What a newcomer needs first, in 79 columns: the guided setup,
         * the failover test and the crm line are found here, not only
         * in the help. */
        snprintf(buf, sizeof(buf), "F1/? Help  w Setup  f Failover  : crm  "
                 "Tab View  / Search  Enter Detail  q Quit");
    }
    move(con->rows - 1, 0);
    attrset(A_REVERSE);
    {
        int x = put_text(buf, con->cols, con->ascii);

        for (; x < con->cols; x++) {
            addch(' ');
        }
    }
    attrset(A_NORMAL);
}

/* Help and detail: lines drawn from a scroll offset, no selection. */
static void draw_pane_lines(hc_console *con, GPtrArray *lines, int *top)
{
    int h = body_rows(con);
    int maxtop = (int) lines->len - h;

    if (*top > maxtop) {
        *top = maxtop;
    }
    if (*top < 0) {
        *top = 0;
    }
    for (int r = 0; r < h; r++) {
        int i = *top + r;

        draw_line(body_top() + r, i < (int) lines->len ? lines->pdata[i]
                  : NULL, con->cols, con->ascii, false);
    }
}

static GPtrArray *pane_lines(hc_console *con)
{
    GPtrArray *lines = g_ptr_array_new_with_free_func(hc_line_free);

    if (con->help) {
        hc_help_build(con, lines);
    } else {
        hc_detail_build(con, con->detail_ref, lines);
    }
    return lines;
}

static void draw_body(hc_console *con)
{
    hc_view_state *vs = &con->views[con->cur];
    int h = body_rows(con);

    if (hc_wizard_ui_active(con)) {
        int top = 0, sel = -1;
        GPtrArray *lines = hc_wizard_ui_lines(con, h, &top, &sel);

        for (int r = 0; r < h; r++) {
            int i = top + r;

            draw_line(body_top() + r, i < (int) lines->len ? lines->pdata[i]
                      : NULL, con->cols, con->ascii, i == sel);
        }
        return;
    }
    if (con->help || con->detail) {
        GPtrArray *lines = pane_lines(con);

        draw_pane_lines(con, lines, &con->detail_top);
        g_ptr_array_free(lines, TRUE);
        return;
    }
    if (hc_fo_screen_active(con)) {
        int *top;
        GPtrArray *lines = hc_fo_screen_lines(con, h, &top);

        draw_pane_lines(con, lines, top);
        return;
    }
    if (vs->dirty || !vs->built) {
        rebuild(con, vs);
    }
    clamp_scroll(con, vs);
    for (int r = 0; r < h; r++) {
        int i = vs->top + r;
        hc_line *l = i < (int) vs->lines->len ? vs->lines->pdata[i] : NULL;

        draw_line(body_top() + r, l, con->cols, con->ascii,
                  l && i == vs->sel);
    }
}

/* The command line's pane (above the bottom row, at most the body's
 * height) and its prompt in the bottom row, where the cursor stays. */
static void draw_cmdline(hc_console *con)
{
    int top = 0, cursor = -1, h = body_rows(con);
    GPtrArray *pane = hc_cmdline_pane(con, &top);
    char *prompt = hc_cmdline_prompt(con, con->cols, &cursor);

    if (pane && h > 0) {
        int n = MIN((int) pane->len - top + 1, h);
        int y0 = con->rows - 1 - n;

        move(y0, 0);
        attrset(tone_attr[HC_TONE_DIM]);
        for (int x = 0; x < con->cols; x++) {
            addch(ACS_HLINE);
        }
        for (int r = 1; r < n; r++) {
            draw_line(y0 + r, pane->pdata[top + r - 1], con->cols,
                      con->ascii, false);
        }
    }
    move(con->rows - 1, 0);
    attrset(A_NORMAL);
    {
        int x = put_text(prompt, con->cols, con->ascii);

        for (; x < con->cols; x++) {
            addch(' ');
        }
    }
    if (cursor >= 0 && cursor < con->cols) {
        move(con->rows - 1, cursor);
    }
    g_free(prompt);
}

void hc_screen_draw(hc_console *con)
{
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
    if (hc_cmdline_active(con)) {
        draw_cmdline(con);
    }
    con->header_dirty = con->body_dirty = con->all_dirty = false;
    wnoutrefresh(stdscr);
    doupdate();
}

/* ---- keys -------------------------------------------------------------- */

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
static void search_next(hc_console *con)
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

static void switch_view(hc_console *con, int i)
{
    con->cur = (i + HC_N_VIEWS) % HC_N_VIEWS;
    con->help = con->detail = false;
    con->all_dirty = true;
}

static bool search_key(hc_console *con, int key)
{
    switch (key) {
    case 27:
        con->searching = false;
        break;
    case '\r':
    case '\n':
    case KEY_ENTER:
        con->searching = false;
        search_next(con);
        con->body_dirty = true;
        break;
    case KEY_BACKSPACE:
    case 127:
    case 8:
        if (con->search->len) {
            /* Drops one UTF-8 character. */
            gsize n = con->search->len - 1;

            while (n > 0 && (con->search->str[n] & 0xc0) == 0x80) {
                n--;
            }
            g_string_truncate(con->search, n);
        }
        break;
    default:
        if (key >= 0x20 && key < 0x100 && key != 0x7f
            && con->search->len < 200) {
            g_string_append_c(con->search, (char) key);
        }
        break;
    }
    return true;
}

bool hc_screen_key(hc_console *con, int key)
{
    hc_view_state *vs = &con->views[con->cur];
    int h = body_rows(con);
    bool pane = con->help || con->detail;
    int *pos = pane ? &con->detail_top : &vs->sel;
    int last = pane ? 1 << 20 : (int) vs->lines->len - 1;

    if (hc_cmdline_active(con)) {
        hc_cmdline_key(con, key);
        return true;
    }
    if (key == KEY_MOUSE) {
        return hc_mouse_event(con);
    }
    if (con->searching) {
        return search_key(con, key);
    }
    if (hc_wizard_ui_active(con)) {
        return hc_wizard_ui_key(con, key);
    }
    if (con->message) {
        g_free(con->message);
        con->message = NULL;
    }
    if (!pane && hc_fo_screen_active(con) && hc_fo_screen_key(con, key)) {
        return true;
    }
    if (hc_fo_screen_wants_quit()) {
        return false;
    }
    if (!pane && vs->view == &hc_view_leases && con->lsrc
        && hc_leases_src_key(con->lsrc, con, key)) {
        return true;
    }
    switch (key) {
    case 'q':
    case KEY_F(10):
        /* A failover test that runs: asked first (it goes on anyway). */
        return hc_fo_screen_quit_asks(con);
    case '?':
    case 'h':
    case KEY_F(1):
        con->help = !con->help;
        con->detail = false;
        con->detail_top = 0;
        con->all_dirty = true;
        return true;
    case 27:
    case KEY_BACKSPACE:
    case KEY_LEFT:
        if (pane) {
            con->help = con->detail = false;
            con->all_dirty = true;
            return true;
        }
        if (key == KEY_LEFT) {
            switch_view(con, con->cur - 1);
        }
        return true;
    case '\t':
    case KEY_RIGHT:
        switch_view(con, con->cur + 1);
        return true;
    case KEY_BTAB:
        switch_view(con, con->cur - 1);
        return true;
    case KEY_UP:
    case 'k':
        (*pos)--;
        break;
    case KEY_DOWN:
    case 'j':
        (*pos)++;
        break;
    case KEY_PPAGE:
        *pos -= h > 1 ? h - 1 : 1;
        break;
    case KEY_NPAGE:
    case ' ':
        *pos += h > 1 ? h - 1 : 1;
        break;
    case KEY_HOME:
    case 'g':
        *pos = 0;
        break;
    case KEY_END:
    case 'G':
        *pos = last;
        break;
    case ':':
        hc_cmdline_open(con);
        return true;
    case 'w':
        hc_wizard_ui_open(con);
        return true;
    case 'f':
        hc_fo_screen_open(con);
        return true;
    case '/':
        if (!pane) {
            con->searching = true;
            g_string_truncate(con->search, 0);
        }
        return true;
    case 'n':
        if (!pane && con->search->len) {
            search_next(con);
            con->body_dirty = true;
        }
        return true;
    case '\r':
    case '\n':
    case KEY_ENTER:
        if (!pane && vs->sel < (int) vs->lines->len) {
            hc_line *l = vs->lines->pdata[vs->sel];

            if (l->ref) {
                g_free(con->detail_ref);
                con->detail_ref = g_strdup(l->ref);
                con->detail = true;
                con->detail_top = 0;
                con->all_dirty = true;
            }
        }
        return true;
    case 12: /* ^L */
        clearok(curscr, TRUE);
        con->all_dirty = true;
        return true;
    case KEY_RESIZE:
        hc_screen_resize(con);
        return true;
    default:
        if (key >= '1' && key < '1' + HC_N_VIEWS) {
            switch_view(con, key - '1');
        }
        return true;
    }
    if (*pos > last) {
        *pos = last;
    }
    if (*pos < 0) {
        *pos = 0;
    }
    con->body_dirty = true;
    return true;
}
