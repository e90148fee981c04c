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
    /* A line whose text is made only when it is first drawn or searched
     * (hc_line_text()), so that a view of 200,000 leases formats the rows
     * on the screen, not all of them: fill sets text. */
    void (*fill)(struct hc_line *l);
    void *fill_data;
    size_t fill_index;
    void *pool;         /* the block of lazy lines that holds this one */
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
/* Appends n lines whose text fill() makes when it is needed, in one
 * allocation (a view of 200,000 rows); returns the first, for the caller
 * to set each one's tone and fill_index. */
hc_line *hc_lines_add_lazy(GPtrArray *lines, size_t n,
                           void (*fill)(hc_line *l), void *data);
/* The line's text, made now if it is a lazy line's first use. */
const char *hc_line_text(hc_line *l);

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
/* The first row of a view's lines (below the header and the tabs). */
int hc_screen_body_top(void);
/* The mouse (mouse.c): enables its reports; handles one KEY_MOUSE. */
bool hc_mouse_enable(void);
bool hc_mouse_event(hc_console *con);
/* Marks views dirty whose digest changed (after a model change). */
void hc_console_model_changed(hc_console *con);

/* The guided setup's screen (view_wizard.c), over the views while open:
 * its body lines (borrowed; *top the first shown, *sel the selected one
 * or -1) and its footer; a key returns false when the user quits. */
bool hc_wizard_ui_active(const hc_console *con);
void hc_wizard_ui_open(hc_console *con);
bool hc_wizard_ui_key(hc_console *con, int key);
GPtrArray *hc_wizard_ui_lines(hc_console *con, int rows, int *top, int *sel);
const char *hc_wizard_ui_footer(const hc_console *con);

/* The answers form (view_answers.c), a mode of the setup screen: opened
 * on focus (an answer's key, or NULL), fed the output of `hacon setup
 * answers --detect` when that child ends; a key returns true always, and
 * the form closes itself (hc_answers_form_active() false; saved tells
 * whether it saved the answers). */
void hc_answers_form_open(hc_console *con, const char *focus);
bool hc_answers_form_active(void);
bool hc_answers_form_saved(void);
void hc_answers_form_detected(GPtrArray *out, int status);
bool hc_answers_form_key(hc_console *con, int key);
void hc_answers_form_lines(hc_console *con, GPtrArray *shown, int rows,
                           int *top, int *sel);
const char *hc_answers_form_footer(const hc_console *con);
/* The answers file the setup uses: --answers (HACON_ANSWERS), else the
 * one the form saved in the state directory when it exists, else NULL
 * (the defaults). */
const char *hc_answers_file(void);
/* The answer a step's message names ("... answer storage=shared ..."),
 * or NULL. */
const char *hc_answers_named_in(const char *text);

/* The console (loop.c): runs until quit; returns the exit status. */
int hc_console_run(bool read_only);

#endif
