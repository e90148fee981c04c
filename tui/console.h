/* The live console: state shared by the loop (tui/loop.c), the screen
 * (tui/console.c) and the views (tui/view_*.c).
 *
 * A view is a small "class" (as htop's Panel): it turns the model into
 * lines when its content changed (build), and the console draws, scrolls and
 * searches those lines the same way for every view.  Views read the model;
 * they never call a cluster tool. */
#ifndef HC_CONSOLE_H
#define HC_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "corosync.h"
#include "status.h"

/* Colours by meaning; in monochrome each maps to an attribute. */
typedef enum hc_tone {
    HC_TONE_NORMAL,
    HC_TONE_GOOD,       /* online, started, quorate */
    HC_TONE_WARN,       /* standby, leftover constraint, stopped */
    HC_TONE_BAD,        /* failed, offline, no quorum */
    HC_TONE_TITLE,      /* section titles */
    HC_TONE_DIM,        /* secondary information */
    HC_TONE_COUNT,
} hc_tone;

/* One line of a view.  text is display-safe already (escaped); tree holds
 * the line-drawing prefix as '|' (vertical), '+' (tee), '`' (corner),
 * '-' (horizontal) and ' ', which the screen draws with the terminal's
 * line-drawing characters. */
typedef struct hc_line {
    char *tree;
    char *text;
    hc_tone tone;
    bool selectable;
    char *ref;          /* what Enter opens (resource id), or NULL */
} hc_line;

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
} hc_view;

extern const hc_view hc_view_resources, hc_view_constraints,
    hc_view_corosync, hc_view_drbd, hc_view_leases, hc_view_transcript;

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
    /* Timing of the last model update, for `make bench`. */
    double last_update_ms, last_query_ms, last_model_ms;
};

/* Escapes untrusted text for this terminal (UTF-8 or ASCII), capped at
 * max_cols columns (0 = no cap).  Newly allocated. */
char *hc_con_esc(const hc_console *con, const char *s, size_t max_cols);

/* Adds a line to a view's line array; text is escaped by the caller
 * (fmt arguments are not escaped: pass them through hc_con_esc()). */
hc_line *hc_line_add(GPtrArray *lines, hc_tone tone, const char *tree,
                     const char *fmt, ...) G_GNUC_PRINTF(4, 5);
void hc_line_free(gpointer p);

/* Header lines (view_header.c): fills at most max lines; returns count. */
int hc_header_build(const hc_console *con, GPtrArray *lines, int max,
                    int width);

/* Resource detail (view_resources.c) and help (view_help.c). */
void hc_detail_build(hc_console *con, const char *ref, GPtrArray *lines);
void hc_help_build(const hc_console *con, GPtrArray *lines);

/* FNV-1a helpers for digests. */
uint64_t hc_digest_str(uint64_t h, const char *s);
uint64_t hc_digest_int(uint64_t h, int64_t v);
#define HC_DIGEST_INIT 1469598103934665603ULL

/* Screen (console.c). */
int hc_screen_init(hc_console *con);
void hc_screen_end(void);
void hc_screen_resize(hc_console *con);
/* Rebuilds dirty views and draws what changed; one doupdate(). */
void hc_screen_draw(hc_console *con);
/* Handles one key; returns false when the user asked to quit. */
bool hc_screen_key(hc_console *con, int key);
/* Marks views dirty whose digest changed (after a model change). */
void hc_console_model_changed(hc_console *con);

/* The console (loop.c): runs until quit; returns the exit status. */
int hc_console_run(bool read_only);

#endif
