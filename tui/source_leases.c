/* The Leases pane's data: the lease file followed with hc_lease_follower
 * from a 2 s timer of the loop (a stat per tick here, 5 s over ssh when
 * the filesystem runs on the other node; a timer rather than inotify
 * because the file may be remote and dhcpd replaces it by rename), the
 * pool usage from dhcpd.conf recomputed after each change, and the table
 * sorted and filtered for the pane.
 *
 * Over ssh a read can take up to its deadline (a node that does not
 * answer): it runs in a thread (hc_lease_follower_fetch(), which only
 * reads the follower), whose answer the loop takes from an idle callback,
 * so that the console never waits for it.  Not a forked copy of the
 * console: a fork of a threaded process may not run GLib or malloc. */
#include "sources.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <glib-unix.h>

#include "exec.h"
#include "leases.h"
#include "leases_locate.h"
#include "leases_view.h"
#include "util.h"

#define POLL_LOCAL_S 2
#define POLL_REMOTE_S 5

/* Seconds between two reads of the lease file: 2 here, 5 over ssh, or
 * HACON_LEASES_POLL_S (1-60; the memory soak's hours, each two reads
 * waited for, pass without waiting out 5 s each). */
static guint poll_seconds(bool remote)
{
    const char *e = getenv("HACON_LEASES_POLL_S");
    char *end;
    long v;

    if (e && *e) {
        errno = 0;
        v = strtol(e, &end, 10);
        if (!*end && errno == 0 && v >= 1 && v <= 60) {
            return (guint) v;
        }
    }
    return remote ? POLL_REMOTE_S : POLL_LOCAL_S;
}

/* A remote read: the thread reads f (nothing else touches it meanwhile)
 * and fills out; the loop takes the answer.  When the source lets go of
 * it first (a new lease file, the end), orphan is set and the answer's
 * callback frees f and the job. */
typedef struct fetch_job {
    hc_leases_src *s;
    hc_lease_follower *f;
    GString *out;
    bool orphan;                /* set and read by the loop's thread only */
} fetch_job;

struct hc_leases_src {
    bool given;                 /* files given by the user, not the CIB */
    char *leases, *config, *node, *where;
    /* The lease file the CIB names (NULL: the config names it, as Kea's
     * does); leases is then the config's lease file. */
    char *cib_leases;
    hc_lease_follower *f;
    hc_dhcp_conf *conf;
    hc_dhcp_usage usage;
    bool have_usage;
    int err;                    /* last poll's error, 0 */
    guint timer;
    hc_lease_query q;
    char *filter;
    uint64_t gen;
    hc_src_changed_fn fn;
    void *data;
    /* The rows as last sorted and filtered, and for what. */
    GArray *rows;
    const hc_lease_table *rows_table;
    uint64_t rows_gen;
    hc_lease_col rows_sort;
    int rows_state;
    bool rows_desc;
    char *rows_filter;
    double sort_ms;
    /* What the rows' text depends on besides the lease (fill_row()). */
    int row_hw;
    bool row_ascii;
    time_t row_now;
    /* The remote read in progress, or NULL. */
    fetch_job *fetch;
    bool started;               /* a CIB's location was taken */
};

static void changed(hc_leases_src *s)
{
    s->gen++;
    if (s->fn) {
        s->fn(s->data);
    }
}

static void recompute_usage(hc_leases_src *s)
{
    if (s->have_usage) {
        hc_dhcp_usage_clear(&s->usage);
        s->have_usage = false;
    }
    if (s->conf && s->f
        && hc_dhcp_usage_compute(s->conf, hc_lease_follower_table(s->f),
                                 &s->usage) == 0) {
        s->have_usage = true;
    }
}

static void poll_done(hc_leases_src *s, int r, bool ch)
{
    if (ch) {
        recompute_usage(s);
    }
    if (ch || r != s->err) {
        s->err = r;
        changed(s);
    }
}

static void fetch_job_free(fetch_job *j, bool with_f)
{
    if (with_f) {
        hc_lease_follower_free(j->f);
    }
    g_string_free(j->out, TRUE);
    g_free(j);
}

/* Lets go of the remote read in progress; true when it took the follower
 * with it (its thread still reads it: freed when it is done). */
static bool fetch_stop(hc_leases_src *s)
{
    if (!s->fetch) {
        return false;
    }
    s->fetch->orphan = true;
    s->fetch = NULL;
    return true;
}

/* In the loop's thread, once the read is done. */
static void on_fetch_done(void *data)
{
    fetch_job *j = data;
    hc_leases_src *s = j->s;
    unsigned loads = 0;
    bool ch = false;
    int r;

    if (j->orphan) {
        fetch_job_free(j, true);
        return;
    }
    s->fetch = NULL;
    hc_lease_follower_stats(s->f, &loads, NULL, NULL);
    r = hc_lease_follower_apply(s->f, j->out->str, j->out->len, &ch);
    fetch_job_free(j, false);
    if (r != -EAGAIN) {
        poll_done(s, r, ch);
    }
    if (!loads) {
        /* The pane said "reading": it says what came now. */
        changed(s);
    }
}

/* Its children (the ssh to the node) end with the console. */
static void fetch_main(void *data)
{
    fetch_job *j = data;

    hc_lease_follower_fetch(j->f, j->out);
}

static void fetch_start(hc_leases_src *s)
{
    fetch_job *j = g_new0(fetch_job, 1);

    j->s = s;
    j->f = s->f;
    j->out = g_string_new(NULL);
    if (!hc_job_start("hc-leases-fetch", true, fetch_main, on_fetch_done, j,
                      NULL)) {
        fetch_job_free(j, false);
        poll_done(s, -EAGAIN, false);
        return;
    }
    s->fetch = j;
}

static void poll_once(hc_leases_src *s)
{
    bool ch = false;
    int r;

    if (!s->f) {
        return;
    }
    if (hc_lease_follower_node(s->f)) {
        /* One remote read at a time: a slow one is not piled upon (it
         * ends within hc_exec's deadlines, 20 s + 60 s). */
        if (!s->fetch) {
            fetch_start(s);
        }
        return;
    }
    r = hc_lease_follower_poll(s->f, &ch);
    poll_done(s, r, ch);
}

static gboolean on_timer(gpointer data)
{
    poll_once(data);
    return G_SOURCE_CONTINUE;
}

static void stop(hc_leases_src *s)
{
    bool taken = fetch_stop(s);

    s->rows_table = NULL;
    if (s->timer) {
        g_source_remove(s->timer);
        s->timer = 0;
    }
    if (!taken) {
        hc_lease_follower_free(s->f);
    }
    s->f = NULL;
    if (s->have_usage) {
        hc_dhcp_usage_clear(&s->usage);
        s->have_usage = false;
    }
    hc_dhcp_conf_free(s->conf);
    s->conf = NULL;
}

/* The node name here, short form, to read the file locally when its
 * filesystem runs on this node. */
static bool node_is_here(const char *node)
{
    const char *h = g_get_host_name();
    size_t n = strcspn(h, ".");

    return !node || (strlen(node) == n && !strncmp(node, h, n));
}

static void start(hc_leases_src *s)
{
    const char *node = node_is_here(s->node) ? NULL : s->node;

    stop(s);
    s->err = 0;
    /* The config is read here, also when the lease file is on the other
     * node: both nodes have the same dhcpd.conf or kea-dhcp4.conf (the
     * setup's dhcp step writes it on both and checks it), and over ssh it
     * would be another exec on every change while the pool layout rarely
     * changes.  A node without the file has no usage bars. */
    if (s->config && hc_dhcp_conf_load(s->config, &s->conf) < 0) {
        s->conf = NULL;
    }
    if (!s->given && !s->cib_leases) {
        /* Kea's resource (or ocf:hacon:dhcpd without its leases
         * parameter): the config's lease file. */
        g_free(s->leases);
        s->leases = s->conf && s->conf->lease_file_name
                    ? g_strdup(s->conf->lease_file_name) : NULL;
    }
    if (!s->leases || hc_lease_follower_new(s->leases, node, &s->f) < 0) {
        s->f = NULL;
        s->err = -EINVAL;
    }
    poll_once(s);
    recompute_usage(s);
    s->timer = g_timeout_add_seconds(poll_seconds(node != NULL), on_timer, s);
    changed(s);
}

hc_leases_src *hc_leases_src_new(const char *leases, const char *config,
                                 hc_src_changed_fn fn, void *data)
{
    hc_leases_src *s = g_new0(hc_leases_src, 1);

    /* A rebuild of the pane allocates a few MB (sort keys, the lines of
     * 200,000 rows) and frees the last ones: kept in the heap rather than
     * given back, they are reused without the page faults of fresh
     * memory, which were a third of a rebuild's time. */
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    s->fn = fn;
    s->data = data;
    s->q.sort = HC_LCOL_IP;
    s->q.state = -1;
    if (leases && *leases) {
        const char *node = getenv("HACON_LEASES_NODE");

        s->given = true;
        s->leases = g_strdup(leases);
        s->config = config && *config ? g_strdup(config) : NULL;
        s->node = node && *node ? g_strdup(node) : NULL;
        start(s);
    }
    return s;
}

void hc_leases_src_free(hc_leases_src *s)
{
    if (!s) {
        return;
    }
    stop(s);
    g_free(s->leases);
    g_free(s->cib_leases);
    g_free(s->config);
    g_free(s->node);
    g_free(s->where);
    g_free(s->filter);
    g_free(s->rows_filter);
    if (s->rows) {
        g_array_free(s->rows, TRUE);
    }
    g_free(s);
}

void hc_leases_src_cib(hc_leases_src *s, xmlNode *cib, bool remote_ok)
{
    hc_leases_location loc;
    char *where;

    if (s->given || hc_leases_locate(cib, &loc) < 0) {
        return;
    }
    /* The description names the node the CIB gives, even when the file
     * is then read here. */
    where = hc_leases_location_describe(&loc);
    if (!remote_ok) {
        g_free(loc.node);
        loc.node = NULL;
    }
    if (!s->started || g_strcmp0(loc.leases, s->cib_leases)
        || g_strcmp0(loc.config, s->config) || g_strcmp0(loc.node, s->node)) {
        g_free(s->leases);
        g_free(s->cib_leases);
        g_free(s->config);
        g_free(s->node);
        s->started = true;
        s->leases = g_strdup(loc.leases);
        s->cib_leases = g_strdup(loc.leases);
        s->config = g_strdup(loc.config);
        s->node = g_strdup(loc.node);
        g_free(s->where);
        s->where = where;
        start(s);
    } else if (g_strcmp0(where, s->where)) {
        g_free(s->where);
        s->where = where;
        changed(s);
    } else {
        g_free(where);
    }
    hc_leases_location_clear(&loc);
}

uint64_t hc_leases_src_generation(const hc_leases_src *s)
{
    return s->gen;
}

bool hc_leases_src_key(hc_leases_src *s, hc_console *con, int key)
{
    switch (key) {
    case 's':
        s->q.sort = (s->q.sort + 1) % HC_LCOL_N;
        break;
    case 'r':
        s->q.descending = !s->q.descending;
        break;
    case 't': {
        /* all, then each state a pool's lease can be in (dhcpd's or
         * Kea's), then all. */
        static const int dhcpd[] = {
            -1, HC_LEASE_ACTIVE, HC_LEASE_FREE, HC_LEASE_EXPIRED,
            HC_LEASE_RELEASED, HC_LEASE_ABANDONED, HC_LEASE_BACKUP,
        };
        static const int kea[] = {
            -1, HC_LEASE_ACTIVE, HC_LEASE_DECLINED, HC_LEASE_RECLAIMED,
        };
        bool is_kea = s->f && hc_lease_table_format(hc_lease_follower_table(
                                  s->f)) == HC_LEASE_FMT_KEA;
        const int *cycle = is_kea ? kea : dhcpd;
        size_t n = is_kea ? G_N_ELEMENTS(kea) : G_N_ELEMENTS(dhcpd), i = 0;

        while (i < n && cycle[i] != s->q.state) {
            i++;
        }
        s->q.state = cycle[(i + 1) % n];
        break;
    }
    case 'F':
        g_free(s->filter);
        s->filter = NULL;
        if (con->search->len) {
            s->filter = g_strdup(con->search->str);
        }
        break;
    default:
        return false;
    }
    changed(s);
    return true;
}

static time_t now_time(void)
{
    /* HACON_NOW pins "now", as for `hacon leases`, for the screen tests. */
    const char *pin = getenv("HACON_NOW");

    return pin && *pin ? (time_t) strtoll(pin, NULL, 10) : time(NULL);
}

static void esc_path(hc_console *con, GString *out, const char *p)
{
    char *e = hc_con_esc(con, p, 0);

    g_string_append(out, e);
    g_free(e);
}

static void usage_row(GPtrArray *lines, const char *label,
                      const hc_pool_usage *u, int width)
{
    GString *l = g_string_new(NULL);
    double pct = u->defined ? 100.0 * (double) u->used / (double) u->defined
                            : 0.0;
    int bar = width >= 80 ? 20 : 10;

    g_string_append_printf(l, "%-34.34s ", label);
    hc_usage_bar(l, u, bar);
    g_string_append_printf(l, " %5.1f%% %llu/%llu", pct,
                           (unsigned long long) u->used,
                           (unsigned long long) u->defined);
    hc_line_add(lines, pct >= 90.0 ? HC_TONE_BAD : pct >= 75.0
                ? HC_TONE_WARN : HC_TONE_NORMAL, NULL, "%s", l->str);
    g_string_free(l, TRUE);
}

static const char *col_title[HC_LCOL_N] = {
    "ADDRESS", "MAC", "HOSTNAME", "STATE", "START", "END",
};

/* The rows in the pane's order: sorted again only when the table, the
 * sort or the filter changed (a resize or another view's change rebuilds
 * the pane's lines, not this). */
static GArray *sorted_rows(hc_leases_src *s, const hc_lease_table *t)
{
    uint64_t gen = hc_lease_table_generation(t);

    if (!s->rows || s->rows_table != t || s->rows_gen != gen
        || s->rows_sort != s->q.sort || s->rows_desc != s->q.descending
        || s->rows_state != s->q.state
        || g_strcmp0(s->rows_filter, s->filter)) {
        double t0 = hc_now_ms();

        if (!s->rows) {
            s->rows = g_array_new(FALSE, FALSE, sizeof(guint));
        }
        s->q.text = s->filter;
        hc_lease_query_run(t, &s->q, s->rows);
        s->rows_table = t;
        s->rows_gen = gen;
        s->rows_sort = s->q.sort;
        s->rows_desc = s->q.descending;
        s->rows_state = s->q.state;
        g_free(s->rows_filter);
        s->rows_filter = g_strdup(s->filter);
        s->sort_ms = hc_now_ms() - t0;
    }
    return s->rows;
}

/* One row's text, when the console first draws (or searches) it: the
 * table as it is now, which the pane's lines follow (a change rebuilds
 * them before the next draw). */
static void fill_row(hc_line *line)
{
    hc_leases_src *s = line->fill_data;
    const hc_lease_table *t = s->f ? hc_lease_follower_table(s->f) : NULL;
    const hc_lease *le = t ? hc_lease_table_get(t, line->fill_index) : NULL;
    GString *l, *h;
    struct tm tm;
    time_t st;
    int hw = s->row_hw;
    char ip[20], mac[64], tb[32];

    if (!le) {
        line->text = g_strdup("");
        return;
    }
    l = g_string_new(NULL);
    h = g_string_new(NULL);
    st = (time_t) le->starts;
    /* The cap leaves room for the "..." of a cut name. */
    hc_lease_str_escaped(h, t, le->hostname, (size_t) hw - 3);
    if (s->row_ascii) {
        /* Already escaped, but UTF-8 is kept: spell it as \xNN for a
         * terminal that cannot show it (escaping again would double the
         * backslashes). */
        GString *a = g_string_new(NULL);

        for (const char *p = h->str; *p; p++) {
            if ((unsigned char) *p < 0x80) {
                g_string_append_c(a, *p);
            } else {
                g_string_append_printf(a, "\\x%02x", (unsigned char) *p);
            }
        }
        if (a->len > (gsize) hw) {
            g_string_truncate(a, (gsize) hw - 3);
            g_string_append(a, "...");
        }
        g_string_assign(h, a->str);
        g_string_free(a, TRUE);
    }
    if (!h->len) {
        g_string_append(h, "-");
    }
    g_string_printf(l, "%-15s %-17s ", hc_ipv4_str(le->ip, ip, sizeof(ip)),
                    hc_lease_mac_str(le, mac, sizeof(mac)));
    /* Pad by columns, not bytes: an escaped name may hold UTF-8. */
    g_string_append(l, h->str);
    for (long pad = hw - (long) g_utf8_strlen(h->str, -1); pad > 0; pad--) {
        g_string_append_c(l, ' ');
    }
    g_string_append_printf(l, " %-9s ", hc_lease_state_name(le->state));
    if (le->starts && le->starts != HC_LEASE_NEVER && localtime_r(&st, &tm)) {
        strftime(tb, sizeof(tb), "%m-%d %H:%M", &tm);
    } else {
        g_strlcpy(tb, le->starts ? "never" : "-", sizeof(tb));
    }
    g_string_append_printf(l, "%-11s ", tb);
    if (!le->ends) {
        g_string_append(l, "-");
    } else if (le->ends == HC_LEASE_NEVER) {
        g_string_append(l, "never");
    } else {
        g_string_append(l, hc_time_rel((time_t) le->ends, s->row_now, tb,
                                       sizeof(tb)));
    }
    g_string_free(h, TRUE);
    line->text = g_string_free(l, FALSE);
}

/* "leases from FILE [on NODE]", or where the CIB says they are. */
static void title_line(hc_leases_src *s, hc_console *con, GPtrArray *lines)
{
    GString *l = g_string_new(NULL);

    if (s->where) {
        esc_path(con, l, s->where);
    } else {
        g_string_append(l, "leases from ");
        esc_path(con, l, s->leases);
        if (s->f && hc_lease_follower_node(s->f)) {
            g_string_append(l, " on ");
            esc_path(con, l, hc_lease_follower_node(s->f));
        }
    }
    hc_line_add(lines, HC_TONE_TITLE, NULL, "%s", l->str);
    g_string_free(l, TRUE);
}

/* No table to show yet (the first remote read) or at all (an error): the
 * line that says why, and true. */
static bool no_table_line(hc_leases_src *s, hc_console *con,
                          const hc_lease_table *t, GPtrArray *lines)
{
    GString *l = g_string_new(NULL);
    unsigned loads = 0;
    bool none = true;

    if (t && s->fetch && s->err == 0) {
        hc_lease_follower_stats(s->f, &loads, NULL, NULL);
    }
    if (t && s->fetch && s->err == 0 && !loads) {
        g_string_append(l, "reading the lease file on ");
        esc_path(con, l, hc_lease_follower_node(s->f));
        g_string_append(l, " (ssh)...");
        hc_line_add(lines, HC_TONE_DIM, NULL, "%s", l->str);
    } else if (s->err < 0 || !t) {
        g_string_append(l, "cannot read ");
        esc_path(con, l, s->leases);
        g_string_append_printf(l, ": %s", g_strerror(-s->err));
        hc_line_add(lines, HC_TONE_BAD, NULL, "%s", l->str);
    } else {
        none = false;
    }
    g_string_free(l, TRUE);
    return none;
}

/* "N addresses, N records; sort COL; state S; filter "F"; N malformed". */
static void summary_line(hc_leases_src *s, hc_console *con,
                         const hc_lease_table *t, GPtrArray *lines)
{
    GString *l = g_string_new(NULL);

    g_string_append_printf(l, "%zu addresses, %zu records; sort %s%s",
                           hc_lease_table_count(t), hc_lease_table_records(t),
                           hc_lease_col_name(s->q.sort),
                           s->q.descending ? " (reversed)" : "");
    if (s->q.state >= 0) {
        g_string_append_printf(l, "; state %s",
                               hc_lease_state_name(s->q.state));
    }
    if (s->filter) {
        g_string_append(l, "; filter \"");
        esc_path(con, l, s->filter);
        g_string_append_c(l, '"');
    }
    if (hc_lease_table_n_errors(t)) {
        g_string_append_printf(l, "; %zu malformed",
                               hc_lease_table_n_errors(t));
    }
    hc_line_add(lines, HC_TONE_DIM, NULL, "%s", l->str);
    g_string_free(l, TRUE);
}

/* The pools' usage bars: each shared-network, then each range. */
static void usage_lines(hc_leases_src *s, hc_console *con, GPtrArray *lines,
                        int width)
{
    GString *l = g_string_new(NULL);
    char ip[20], ip2[20];

    for (guint i = 0; i < s->conf->shared->len; i++) {
        const hc_dhcp_shared *sh = &g_array_index(s->conf->shared,
                                                  hc_dhcp_shared, i);

        g_string_assign(l, "shared-network ");
        esc_path(con, l, sh->name);
        usage_row(lines, l->str, &s->usage.shared[i], width);
    }
    for (guint i = 0; i < s->conf->ranges->len; i++) {
        const hc_dhcp_range *r = &g_array_index(s->conf->ranges,
                                                hc_dhcp_range, i);

        g_string_printf(l, "range %s-%s",
                        hc_ipv4_str(r->first, ip, sizeof(ip)),
                        hc_ipv4_str(r->last, ip2, sizeof(ip2)));
        usage_row(lines, l->str, &s->usage.range[i], width);
    }
    g_string_free(l, TRUE);
}

/* The columns' titles, the sorted one marked ^ (or v reversed); hw: the
 * host name's width. */
static void column_titles(hc_leases_src *s, GPtrArray *lines, int hw)
{
    GString *l = g_string_new(NULL);

    for (int c = 0; c < HC_LCOL_N; c++) {
        char title[32];

        g_snprintf(title, sizeof(title), "%s%s", col_title[c],
                   (int) s->q.sort == c ? (s->q.descending ? "v" : "^") : "");
        g_string_append_printf(l, "%-*s ",
                               c == HC_LCOL_IP ? 15 : c == HC_LCOL_MAC ? 17
                               : c == HC_LCOL_HOSTNAME ? hw
                               : c == HC_LCOL_STATE ? 9
                               : c == HC_LCOL_STARTS ? 11 : 1, title);
    }
    hc_line_add(lines, HC_TONE_TITLE, NULL, "%s", l->str);
    g_string_free(l, TRUE);
}

/* One lazy line per lease shown, in the sort order: fill_row() formats
 * those that reach the screen. */
static void lease_rows(hc_leases_src *s, hc_console *con,
                       const hc_lease_table *t, GPtrArray *lines, int hw)
{
    GArray *rows = sorted_rows(s, t);
    hc_line *row;

    s->row_hw = hw;
    s->row_ascii = con->ascii;
    s->row_now = now_time();
    row = hc_lines_add_lazy(lines, rows->len, fill_row, s);
    for (guint i = 0; i < rows->len; i++) {
        guint k = g_array_index(rows, guint, i);
        const hc_lease *le = hc_lease_table_get(t, k);

        row[i].fill_index = k;
        row[i].tone = le->state == HC_LEASE_ACTIVE ? HC_TONE_GOOD
                    : le->state == HC_LEASE_ABANDONED ? HC_TONE_BAD
                    : HC_TONE_NORMAL;
    }
    if (!rows->len) {
        hc_line_add(lines, HC_TONE_DIM, NULL, "(no lease matches)");
    }
}

void hc_leases_src_build(hc_leases_src *s, hc_console *con, GPtrArray *lines,
                         int width)
{
    const hc_lease_table *t;
    int hw = MAX(width - 68, 8);

    if (!s->leases) {
        hc_line_add(lines, HC_TONE_DIM, NULL, "No lease file: the CIB has "
                    "no DHCP server resource (ocf:hacon:dhcpd, "
                    "ocf:heartbeat:dhcpd, ocf:hacon:kea-dhcp4)");
        hc_line_add(lines, HC_TONE_DIM, NULL, "with a lease file, and none "
                    "was given (hacon --leases FILE --config FILE).");
        return;
    }
    title_line(s, con, lines);
    t = s->f ? hc_lease_follower_table(s->f) : NULL;
    if (no_table_line(s, con, t, lines)) {
        return;
    }
    summary_line(s, con, t, lines);
    if (s->conf && s->have_usage) {
        usage_lines(s, con, lines, width);
    }
    column_titles(s, lines, hw);
    lease_rows(s, con, t, lines, hw);
}
