/* The console's modes, as tmux's window modes: what is shown over the
 * tabbed views (the command line, the search prompt, the guided setup, the
 * help and detail panes, the failover test screen) is each an entry of one
 * table (tui/console.c), which the console asks in order.  The first
 * active mode gets the keys and gives the footer; the first active one
 * with a body draws the body; a mode with a prompt draws the bottom row. */
#ifndef HC_MODE_H
#define HC_MODE_H

#include <stdbool.h>
#include <glib.h>

#include "model.h"

/* What a mode did with a key. */
typedef enum hc_key_rc {
    HC_KEY_PASS,        /* not the mode's: the console's keys (q, ?, :, w,
                         * f, Tab, 1..6, ^L) */
    HC_KEY_DONE,        /* handled */
    HC_KEY_QUIT,        /* the console quits */
} hc_key_rc;

/* The body a mode shows: lines (hc_line*, borrowed until the next call)
 * from the first shown, top, and the selected one (reverse video), or
 * sel -1.  The mode keeps top in range. */
typedef struct hc_mode_body {
    GPtrArray *lines;
    int top, sel;
} hc_mode_body;

enum {
    /* KEY_MOUSE goes to the mode, not to the console's mouse (tui/mouse.c). */
    HC_MODE_MOUSE = 1 << 0,
    /* A key leaves the console's message (con->message) on the screen. */
    HC_MODE_KEEPS_MESSAGE = 1 << 1,
    /* The footer is the mode's even when the console has a message. */
    HC_MODE_FOOTER_OVER_MESSAGE = 1 << 2,
};

typedef struct hc_mode {
    const char *name;
    unsigned flags;             /* HC_MODE_* */
    int open_key;               /* the console's key that opens it, or 0 */
    bool (*active)(const hc_console *con);
    void (*open)(hc_console *con);
    hc_key_rc (*key)(hc_console *con, int key);
    /* The body for rows lines; NULL for a mode that leaves the body to
     * the modes below (the command line, the search prompt). */
    void (*body)(hc_console *con, int rows, hc_mode_body *b);
    /* The footer's text (key help); NULL: none of its own. */
    const char *(*footer)(const hc_console *con);
    /* The bottom row instead of the footer (newly allocated, escaped and
     * scrolled to cols; *cursor its column or -1), and the pane above it
     * (borrowed, from *top; NULL when empty); NULL for most modes. */
    char *(*prompt)(hc_console *con, int cols, int *cursor);
    GPtrArray *(*pane)(hc_console *con, int *top);
    /* q or F10: true when the mode asks first (the console stays). */
    bool (*quit_asks)(hc_console *con);
    /* At the console's exit. */
    void (*end)(void);
} hc_mode;

/* The keys that move a position (a selection or a scroll offset) in
 * lines 0..last: Up Down j k, PgUp PgDn Space (page rows), Home End g G.
 * True when the key was one of them (*pos then in range). */
bool hc_scroll_key(int key, int *pos, int page, int last);

/* Selects the next line of the current view that holds the search text
 * (tui/search.c); a message when none does. */
void hc_search_next(hc_console *con);

extern const hc_mode hc_mode_cmdline;    /* tui/cmdline.c */
extern const hc_mode hc_mode_search;     /* tui/search.c */
extern const hc_mode hc_mode_wizard;     /* tui/view_wizard.c */
extern const hc_mode hc_mode_help;       /* tui/panes.c */
extern const hc_mode hc_mode_detail;     /* tui/panes.c */
extern const hc_mode hc_mode_failover;   /* tui/view_failover.c */

#endif
