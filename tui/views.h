/* The console's tabbed views (tui/view_*.c), the header above them and
 * the text of the help and detail panes. */
#ifndef HC_VIEWS_H
#define HC_VIEWS_H

#include <glib.h>

#include "model.h"

extern const hc_view hc_view_resources, hc_view_constraints,
    hc_view_corosync, hc_view_drbd, hc_view_leases, hc_view_transcript;

/* Header lines (view_header.c): fills at most max lines; returns count. */
int hc_header_build(const hc_console *con, GPtrArray *lines, int max,
                    int width);

/* Resource detail (view_resources.c) and help (view_help.c). */
void hc_detail_build(hc_console *con, const char *ref, GPtrArray *lines);
void hc_help_build(const hc_console *con, GPtrArray *lines);

#endif
