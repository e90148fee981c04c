/* Help, on ? or F1: keys and views.  hacon(1) says the same at length. */
#include "views.h"

static const char *const help_text[] = {
    "#hacon console: keys",
    "  ? F1 h          this help (again, or Esc, to close)",
    "  q F10           quit",
    "  Tab Right       next view          Shift-Tab Left  previous view",
    "  1 .. 6          go to a view",
    "  Up Down j k     move the selection",
    "  PgUp PgDn Space one page up or down",
    "  Home End g G    first or last line",
    "  Enter           details of the selected resource or node",
    "  Esc Backspace   close the details or this help",
    "  /               search in the view (Enter: find, Esc: cancel)",
    "  n               next match",
    "  :               crm command line (Tab completes, Enter previews, Esc)",
    "  w               guided setup: steps, plans, Apply/Skip/Back/Roll back",
    "  f               failover test: scenario, baseline, live timeline,",
    "                  assertions and saved reports (not with --read-only)",
    "  Ctrl-L          redraw the screen",
    "  mouse           click: tab, line (again: details); wheel: scroll",
    "",
    "#Views",
    "  1 Resources     nodes, resource tree, fail counts, failed actions",
    "  2 Constraints   location, colocation, order in words; moves' leftovers",
    "  3 Corosync      quorum, votes, members, knet links",
    "  4 DRBD          roles, disks, connection, sync progress and ETA,",
    "                  recent state changes",
    "  5 Leases        pool usage and the lease table of dhcpd",
    "",
    "#Leases view",
    "  s               sort by the next column    r  reverse the order",
    "  F               show only the leases matching the last / search",
    "                  (F after an empty search shows all again)",
    "  t               only active, free, expired, ... leases, then all",
    "  6 Transcript    every command hacon ran and its result",
    "",
    "#Header",
    "  cluster, stack, DC, quorum; warnings that stay visible: fencing off,",
    "  no-quorum-policy=ignore, maintenance, leftover cli-* constraints,",
    "  failed actions, DRBD disagreeing with Pacemaker.  \"NOT CONNECTED\"",
    "  when the cluster is away: the console keeps the last state and",
    "  reconnects by itself.",
};

void hc_help_build(const hc_console *con, GPtrArray *lines)
{
    for (size_t i = 0; i < G_N_ELEMENTS(help_text); i++) {
        const char *t = help_text[i];

        if (t[0] == '#') {
            hc_line_add(lines, HC_TONE_TITLE, NULL, "%s", t + 1);
        } else {
            hc_line_add(lines, HC_TONE_NORMAL, NULL, "%s", t);
        }
    }
    if (con->read_only) {
        hc_line_add(lines, HC_TONE_WARN, NULL, "%s", con->read_only_forced
                    ? "Read-only: the CIB's ACLs deny this user writes."
                    : "Read-only: started with --read-only.");
    }
}
