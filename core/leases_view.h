/* What a lease view shows, without drawing it: the table's rows sorted and
 * filtered, pool usage bars, and the text and JSON forms that
 * `hacon leases` prints.  Every string from a lease is escaped here.
 *
 * A console view uses the pieces so:
 *   hc_leases_locate()            where the files are (CIB), once per CIB
 *                                 change; hc_leases_location_describe()
 *                                 for the title line
 *   hc_lease_follower_new()       with the node when the file is remote
 *   hc_lease_follower_poll()      from a loop timer (or inotify); the
 *                                 listener, or hc_lease_table_generation(),
 *                                 says when to redraw
 *   hc_dhcp_conf_load()           once, and hc_dhcp_usage_compute() after
 *                                 each change (a few ms for 240,000 leases)
 *   hc_lease_query_run()          the rows for the current sort and filter
 *   hc_lease_str_escaped(),
 *   hc_lease_mac_str(), hc_usage_bar()   the cells */
#ifndef HC_LEASES_VIEW_H
#define HC_LEASES_VIEW_H

#include <stdbool.h>
#include <time.h>
#include <glib.h>

#include "dhcpconf.h"
#include "leases.h"

typedef enum hc_lease_col {
    HC_LCOL_IP = 0,
    HC_LCOL_MAC,
    HC_LCOL_HOSTNAME,
    HC_LCOL_STATE,
    HC_LCOL_STARTS,
    HC_LCOL_ENDS,
    HC_LCOL_N
} hc_lease_col;

/* Column names as the command line and the JSON use them ("ip", "mac",
 * "hostname", "state", "starts", "ends"); -1 when unknown. */
const char *hc_lease_col_name(hc_lease_col c);
int hc_lease_col_from_name(const char *s);

typedef struct hc_lease_query {
    hc_lease_col sort;
    bool descending;
    const char *text;   /* substring of address, MAC or hostname (any
                         * case, matched on the escaped form); NULL: all */
    int state;          /* hc_lease_state, or -1 for any */
} hc_lease_query;

/* Fills ret (GArray of guint) with the indices (for hc_lease_table_get())
 * of the leases that match q, in q's order; ties go by address. */
void hc_lease_query_run(const hc_lease_table *t, const hc_lease_query *q,
                        GArray *ret);

/* "02:00:0a:0a:65:99" (or "-") into buf (>= 48 bytes). */
const char *hc_lease_mac_str(const hc_lease *l, char *buf, size_t n);
/* "10.10.101.100" into buf (>= 16 bytes). */
const char *hc_ipv4_str(uint32_t ip, char *buf, size_t n);

/* "[#####.....]" of used (#) and touched-but-free (+, not counted used)
 * addresses for a width of w characters inside the brackets. */
void hc_usage_bar(GString *out, const hc_pool_usage *u, int width);

/* Where the data came from, for the header line. */
typedef struct hc_lease_source {
    const char *leases_path;
    const char *config_path;     /* NULL: no config, no usage */
    const char *where;           /* "leases on /data (fs_data, running on
                                  * nodeone)" or NULL */
    const char *node;            /* the node the file was read on, or
                                  * NULL (here): messages name NODE:FILE */
    size_t unfinished;           /* bytes of a cut last record (read once,
                                  * hc_lease_follower_finish()) */
} hc_lease_source;

/* The lease file as messages name it: "NODE:PATH", "PATH", or "the lease
 * file" without a source.  Newly allocated. */
char *hc_lease_source_label(const hc_lease_source *src);

/* The report of `hacon leases`: a header, the lease table, the usage per
 * shared-network, subnet and range, the parse errors (each with the file
 * and line; a cut last record is one).  c and u may be NULL. */
void hc_leases_format_text(GString *out, const hc_lease_table *t,
                           const GArray *rows, const hc_dhcp_conf *c,
                           const hc_dhcp_usage *u,
                           const hc_lease_source *src, time_t now);
void hc_leases_format_json(GString *out, const hc_lease_table *t,
                           const GArray *rows, const hc_dhcp_conf *c,
                           const hc_dhcp_usage *u,
                           const hc_lease_source *src);

/* Display width cap for untrusted strings in both forms. */
#define HC_LEASE_DISPLAY_MAX 64

#endif
