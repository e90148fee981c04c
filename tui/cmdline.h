/* The console's command line (`:`), tui/cmdline.c: a readline prompt in
 * the bottom row and a pane above it for errors, completions, the CIB
 * diff with the crm_simulate preview, and the confirmation. */
#ifndef HC_CMDLINE_H
#define HC_CMDLINE_H

#include <stdbool.h>
#include <glib.h>

#include "console.h"

bool hc_cmdline_active(const hc_console *con);
/* At the console's exit: a preview still computing is killed (its process
 * group) and the prompt closed. */
void hc_cmdline_end(void);
void hc_cmdline_open(hc_console *con);
/* Handles one key (curses code) while the command line is open. */
void hc_cmdline_key(hc_console *con, int key);
/* The pane's lines (hc_line*, borrowed) and its scroll offset; NULL when
 * there is nothing to show. */
GPtrArray *hc_cmdline_pane(hc_console *con, int *top);
/* The bottom row, escaped and scrolled to fit cols; *cursor: the cursor's
 * column, -1 for none.  Newly allocated. */
char *hc_cmdline_prompt(hc_console *con, int cols, int *cursor);

#endif
