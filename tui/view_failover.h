/* The console's failover test screen (`f`, tui/view_failover.c): pick a
 * scenario, see what it will do, confirm, watch the baseline and the live
 * timeline, read the assertions and where the reports were saved.  The
 * engine (core/failover.c) runs in the console's loop from a timer; its
 * worker thread runs the cluster commands. */
#ifndef HC_VIEW_FAILOVER_H
#define HC_VIEW_FAILOVER_H

#include <stdbool.h>
#include <glib.h>

#include "console.h"

/* True while the screen is shown. */
bool hc_fo_screen_active(const hc_console *con);
/* Opens the screen (the scenario list, or the run in progress); a
 * read-only console gets a message instead. */
void hc_fo_screen_open(hc_console *con);
/* Handles a key while the screen is shown; false: not the screen's (the
 * console handles it). */
bool hc_fo_screen_key(hc_console *con, int key);
/* The screen's lines (borrowed until the next call) and its scroll offset,
 * which the drawing clamps. */
GPtrArray *hc_fo_screen_lines(hc_console *con, int rows, int **ret_top);
/* The footer's key help. */
const char *hc_fo_screen_footer(const hc_console *con);
/* At the console's exit: a run in progress is waited for (its command
 * ends within its deadline) and freed. */
void hc_fo_screen_end(void);

#endif
