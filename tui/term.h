/* The terminal under the console (tui/term.c): ncursesw set up with the
 * mouse and colours, put back on a crash as on a normal exit, and the
 * drawing of one row of text. */
#ifndef HC_TERM_H
#define HC_TERM_H

#include <stdbool.h>

#include "draw.h"

/* Sets the terminal up; color: colours unless NO_COLOR.  -1 when curses
 * cannot start. */
int hc_term_init(bool *color);
void hc_term_end(void);
/* Draws text at the cursor, at most cols columns; the text is escaped
 * already, so it holds no control characters.  Returns columns used. */
int hc_term_text(const char *text, int cols, bool ascii);
/* Row y: the line l (NULL: blank), in its tone or reversed when selected,
 * blank to the right edge. */
void hc_term_line(int y, hc_line *l, int cols, bool ascii, bool selected);
/* Row y: text in reverse video (reverse) or plain, blank to the edge. */
void hc_term_bar(int y, const char *text, int cols, bool ascii,
                 bool reverse);
/* Row y: a horizontal rule in the dim tone. */
void hc_term_rule(int y, int cols);

#endif
