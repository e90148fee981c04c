/* The console's state, shared by the loop (tui/loop.c), which updates the
 * model, the screen (tui/console.c), which draws, and the views and modes
 * (tui/view_*.c, tui/cmdline.c, tui/panes.c), which read the model and
 * turn it into lines (tui/draw.h).
 *
 * A view is a small "class" (as htop's Panel): it turns the model into
 * lines when its content changed (build), and the console draws, scrolls and
 * searches those lines the same way for every view.  Views read the model;
 * they never call a cluster tool. */
#ifndef HC_MODEL_H
#define HC_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "corosync.h"
#include "draw.h"
#include "status.h"

typedef struct hc_console hc_console;

typedef struct hc_view {
    const char *name;       /* tab label */
    int key;                /* '1'..'9' */
    /* Appends hc_line* to lines from the console's model.  width: the
     * pane's width, for views that lay out columns. */
    void (*build)(hc_console *con, GPtrArray *lines, int width);
    /* A cheap digest of what the view shows, to skip rebuilding and
     * redrawing a view whose content did not change. */
    uint64_t (*digest)(const hc_console *con);
    /* Keys of the view's own (the Leases pane's sort and filter), or NULL:
     * true when the key was the view's. */
    bool (*view_key)(hc_console *con, int key);
} hc_view;

/* Per-view state kept by the console. */
typedef struct hc_view_state {
    const hc_view *view;
    GPtrArray *lines;       /* hc_line* */
    uint64_t digest;
    bool built, dirty;
    int top, sel;           /* first shown line, selected line */
} hc_view_state;

#define HC_N_VIEWS 6

struct hc_console {
    /* Options. */
    bool read_only, read_only_forced;   /* forced: ACLs deny writes */
    bool ascii;             /* the locale cannot show UTF-8 */
    bool color;
    /* Model. */
    hc_status *status;      /* NULL until the first CIB was read */
    struct _xmlNode *cib_xml;  /* the CIB it was made from (the command
                                * line plans and completes on it) */
    char *cib_source;
    bool cib_connected, cib_is_file;
    char *cib_error;        /* why not connected, or NULL */
    hc_corosync *cs;        /* NULL when corosync is not reachable */
    char *cs_error;
    /* The panes' followed data (tui/sources.h), NULL before the loop. */
    struct hc_leases_src *lsrc;
    struct hc_drbd_src *dsrc;
    struct hc_fence_src *fsrc;
    struct hc_qdev_src *qsrc;
    uint64_t model_gen;     /* bumped whenever the model changes */
    /* Screen. */
    hc_view_state views[HC_N_VIEWS];
    int cur;                /* current view */
    bool help, detail;      /* help or detail pane open */
    char *detail_ref;
    int detail_top;
    bool searching;
    GString *search;
    char *message;          /* one line at the bottom, or NULL */
    bool header_dirty, body_dirty, all_dirty;
    int rows, cols;
    int body_rows;          /* rows of the body, below the header and the
                             * tabs, above the footer (a page) */
    /* Draws the screen now (set by the screen): for a mode whose child
     * process reported, outside of a key. */
    void (*redraw)(hc_console *con);
    /* Timing of the last model update, for `make bench`. */
    double last_update_ms, last_query_ms, last_model_ms;
};

/* Escapes untrusted text for this terminal (UTF-8 or ASCII), capped at
 * max_cols columns (0 = no cap).  Newly allocated. */
char *hc_con_esc(const hc_console *con, const char *s, size_t max_cols);

/* Marks views dirty whose digest changed (after a model change). */
void hc_console_model_changed(hc_console *con);
/* Draws the screen now (con->redraw), when there is a screen. */
void hc_console_redraw(hc_console *con);

#endif
