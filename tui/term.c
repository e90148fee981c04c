/* The terminal under the console: ncursesw's modes, the mouse, colours by
 * tone, the line-drawing characters, and what puts the terminal back when
 * the console dies of a signal. */
#include "term.h"

#include <signal.h>
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

#ifndef BUTTON5_PRESSED
#define BUTTON5_PRESSED 0
#endif

static attr_t tone_attr[HC_TONE_COUNT];

/* ---- drawing ------------------------------------------------------------ */

static int put_ascii(const char *text, int cols)
{
    int used = 0;

    for (const unsigned char *p = (const unsigned char *) text;
         *p && used < cols; p++) {
        /* A byte above ASCII would be a bug upstream; never send it. */
        addch(*p < 0x80 ? *p : '?');
        used++;
    }
    return used;
}

int hc_term_text(const char *text, int cols, bool ascii)
{
    mbstate_t ps;
    const char *p = text;
    int used = 0;
    wchar_t wc;

    if (ascii) {
        return put_ascii(text, cols);
    }
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

static void blank_to(int x, int cols)
{
    for (; x < cols; x++) {
        addch(' ');
    }
}

void hc_term_line(int y, hc_line *l, int cols, bool ascii, bool selected)
{
    int x = 0;
    attr_t attr = selected ? A_REVERSE : tone_attr[l ? l->tone : 0];

    move(y, 0);
    attrset(attr);
    if (l) {
        x += put_tree(l->tree, cols, ascii);
        x += hc_term_text(hc_line_text(l), cols - x, ascii);
    }
    blank_to(x, cols);
    attrset(A_NORMAL);
}

void hc_term_bar(int y, const char *text, int cols, bool ascii, bool reverse)
{
    move(y, 0);
    attrset(reverse ? A_REVERSE : A_NORMAL);
    blank_to(hc_term_text(text, cols, ascii), cols);
    attrset(A_NORMAL);
}

void hc_term_rule(int y, int cols)
{
    move(y, 0);
    attrset(tone_attr[HC_TONE_DIM]);
    for (int x = 0; x < cols; x++) {
        addch(ACS_HLINE);
    }
}

/* ---- set-up and crash safety ------------------------------------------- */

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

static void catch_fatal_signals(void)
{
    static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };

    for (size_t i = 0; i < G_N_ELEMENTS(fatal); i++) {
        struct sigaction sa;

        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_fatal;
        sa.sa_flags = SA_RESETHAND;
        sigaction(fatal[i], &sa, NULL);
    }
}

/* The mouse where the terminal reports it: presses and the wheel. */
static bool mouse_enable(void)
{
    mmask_t want = BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED
                   | BUTTON5_PRESSED;

    /* Presses, not clicks: no wait for a release to tell them apart. */
    mouseinterval(0);
    return mousemask(want, NULL) != 0;
}

static void setup_tones(bool color)
{
    static const short fg[HC_TONE_COUNT] = {
        -1, COLOR_GREEN, COLOR_YELLOW, COLOR_RED, COLOR_CYAN, COLOR_BLUE,
    };

    if (color) {
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

int hc_term_init(bool *color)
{
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
    if (mouse_enable()) {
        /* Mouse reporting off (xterm's 1000 mode, what ncurses turns on
         * for kmous=\E[M). */
        append_seq("\033[?1000l");
    }
    catch_fatal_signals();
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    *color = has_colors() && !(nc && *nc);
    setup_tones(*color);
    return 0;
}

void hc_term_end(void)
{
    if (!isendwin()) {
        endwin();
    }
}
