/* The live console: the screen (tui/console.c), which draws the header,
 * the tabs, the current view or mode and the footer, and dispatches keys
 * through the table of modes (tui/mode.h); the mouse (tui/mouse.c); the
 * loop that follows the cluster (tui/loop.c).  Views and modes do not
 * include this: they read tui/model.h and draw with tui/draw.h. */
#ifndef HC_CONSOLE_H
#define HC_CONSOLE_H

#include <stdbool.h>

#include "model.h"

/* Screen (console.c). */
int hc_screen_init(hc_console *con);
/* At the console's exit: the terminal back, and every mode ended. */
void hc_screen_end(void);
void hc_screen_resize(hc_console *con);
/* Rebuilds dirty views and draws what changed; one doupdate(). */
void hc_screen_draw(hc_console *con);
/* Handles one key; returns false when the user asked to quit. */
bool hc_screen_key(hc_console *con, int key);
/* The first row of a view's lines (below the header and the tabs). */
int hc_screen_body_top(void);
/* The mouse (mouse.c; tui/term.c enables its reports): handles one
 * KEY_MOUSE. */
bool hc_mouse_event(hc_console *con);

/* The console (loop.c): runs until quit; returns the exit status. */
int hc_console_run(bool read_only);

#endif
