/* What a view draws with: lines of text with a tone and a tree prefix,
 * built from the model and handed to the console, which draws, scrolls and
 * searches them the same way for every view and mode.  A view includes this
 * and tui/model.h (what it reads); never the console's screen code. */
#ifndef HC_DRAW_H
#define HC_DRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

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

/* FNV-1a helpers for digests. */
uint64_t hc_digest_str(uint64_t h, const char *s);
uint64_t hc_digest_int(uint64_t h, int64_t v);
#define HC_DIGEST_INIT 1469598103934665603ULL

#endif
