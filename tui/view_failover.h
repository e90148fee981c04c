/* The console's failover test screen (`f`, tui/view_failover.c, the mode
 * hc_mode_failover): pick a scenario, see what it will do, confirm, watch
 * the baseline and the live timeline, read the assertions and where the
 * reports were saved.  The test runs as a child `hacon failover-test` in a
 * session of its own that outlives the console; the screen follows the
 * events it writes. */
#ifndef HC_VIEW_FAILOVER_H
#define HC_VIEW_FAILOVER_H

#include "model.h"

/* At the console's start: takes up a run that is still going, or one that
 * ended while no console followed it (a message says so; f shows it). */
void hc_fo_screen_attach(hc_console *con);

#endif
