/* The console's failover test screen (`f`, tui/view_failover.c): pick a
 * scenario, see what it will do, confirm, watch the baseline and the live
 * timeline, read the assertions and where the reports were saved.  The
 * test runs as a child `hacon failover-test` in a session of its own that
 * outlives the console; the screen follows the events it writes. */
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
/* At the console's start: takes up a run that is still going, or one that
 * ended while no console followed it (a message says so; f shows it). */
void hc_fo_screen_attach(hc_console *con);
/* q or F10: true when a run is going and the admin has not said yes to
 * quitting yet (the screen now asks); then the console stays. */
bool hc_fo_screen_quit_asks(hc_console *con);
/* True once the admin answered yes to that question. */
bool hc_fo_screen_wants_quit(void);
/* At the console's exit: stops following (a run goes on by itself). */
void hc_fo_screen_end(void);

#endif
