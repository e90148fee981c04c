/* Sorting, filtering and printing of the lease table.  The console view
 * and `hacon leases` share this, so both show the same escaped text. */
#include "leases_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "util.h"

static const char *const col_names[HC_LCOL_N] = {
    "ip", "mac", "hostname", "state", "starts", "ends",
};

const char *hc_lease_col_name(hc_lease_col c)
{
    return (unsigned) c < HC_LCOL_N ? col_names[c] : "?";
}

int hc_lease_col_from_name(const char *s)
{
    for (int i = 0; i < HC_LCOL_N; i++) {
        if (!g_ascii_strcasecmp(s, col_names[i])) {
            return i;
        }
    }
    if (!g_ascii_strcasecmp(s, "address") || !g_ascii_strcasecmp(s, "addr")) {
        return HC_LCOL_IP;
    }
    if (!g_ascii_strcasecmp(s, "start")) {
        return HC_LCOL_STARTS;
    }
    if (!g_ascii_strcasecmp(s, "end")) {
        return HC_LCOL_ENDS;
    }
    return -1;
}

const char *hc_ipv4_str(uint32_t ip, char *buf, size_t n)
{
    snprintf(buf, n, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255,
             (ip >> 8) & 255, ip & 255);
    return buf;
}

const char *hc_lease_mac_str(const hc_lease *l, char *buf, size_t n)
{
    size_t o = 0;

    if (!l->hw_len) {
        snprintf(buf, n, "-");
        return buf;
    }
    buf[0] = 0;
    for (int i = 0; i < l->hw_len && o + 4 <= n; i++) {
        o += (size_t) snprintf(buf + o, n - o, i ? ":%02x" : "%02x",
                               l->mac[i]);
    }
    return buf;
}

typedef struct sort_ctx {
    const hc_lease_table *t;
    hc_lease_col col;
    bool desc;
} sort_ctx;

static int cmp_u32(uint32_t a, uint32_t b)
{
    return a < b ? -1 : a > b;
}

/* Whether lease l lacks the value of column col (no MAC, no name, no
 * starts or ends statement): such leases go last, in either order, so
 * that sorting by end time shows the first to end first, not the free
 * leases that have none.  "never" is a value: the latest. */
static bool value_absent(const hc_lease_table *t, hc_lease_col col,
                         const hc_lease *l)
{
    size_t n;

    switch (col) {
    case HC_LCOL_MAC:
        return l->hw_len == 0;
    case HC_LCOL_HOSTNAME:
        return !hc_lease_str(t, l->hostname, &n);
    case HC_LCOL_STARTS:
        return l->starts == 0;
    case HC_LCOL_ENDS:
        return l->ends == 0;
    default:
        return false;
    }
}

static int cmp_rows(const void *pa, const void *pb, void *data)
{
    const sort_ctx *sc = data;
    const hc_lease *a = hc_lease_table_get(sc->t, *(const guint *) pa);
    const hc_lease *b = hc_lease_table_get(sc->t, *(const guint *) pb);
    bool xa = value_absent(sc->t, sc->col, a);
    bool xb = value_absent(sc->t, sc->col, b);
    int r = 0;

    if (xa || xb) {
        r = (int) xa - (int) xb;
        return r ? r : cmp_u32(a->ip, b->ip);
    }
    switch (sc->col) {
    case HC_LCOL_IP:
        r = cmp_u32(a->ip, b->ip);
        break;
    case HC_LCOL_MAC:
        r = memcmp(a->mac, b->mac, 6);
        if (!r) {
            r = cmp_u32(a->hw_len, b->hw_len);
        }
        break;
    case HC_LCOL_HOSTNAME: {
        size_t na, nb;
        const uint8_t *sa = hc_lease_str(sc->t, a->hostname, &na);
        const uint8_t *sb = hc_lease_str(sc->t, b->hostname, &nb);

        r = memcmp(sa, sb, MIN(na, nb));
        if (!r) {
            r = na < nb ? -1 : na > nb;
        }
        break;
    }
    case HC_LCOL_STATE:
        r = strcmp(hc_lease_state_name(a->state), hc_lease_state_name(b->state));
        break;
    case HC_LCOL_STARTS:
        r = cmp_u32(a->starts, b->starts);
        break;
    case HC_LCOL_ENDS:
        r = cmp_u32(a->ends, b->ends);
        break;
    default:
        break;
    }
    if (sc->desc) {
        r = -r;
    }
    return r ? r : cmp_u32(a->ip, b->ip);
}

static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);

    for (const char *p = hay; *p; p++) {
        if (!g_ascii_strncasecmp(p, needle, n)) {
            return true;
        }
    }
    return n == 0;
}

static bool text_matches(const hc_lease_table *t, const hc_lease *l,
                         const char *text, GString *scratch)
{
    char buf[64];

    if (contains_ci(hc_ipv4_str(l->ip, buf, sizeof(buf)), text)
        || contains_ci(hc_lease_mac_str(l, buf, sizeof(buf)), text)) {
        return true;
    }
    g_string_truncate(scratch, 0);
    hc_lease_str_escaped(scratch, t, l->hostname, 0);
    return contains_ci(scratch->str, text);
}

/* The sort works on keys computed once per row, so that a comparison
 * reads two small structs instead of two leases scattered in a large
 * table (200,000 rows: a few tens of ms instead of a few hundred).
 * group, then key, then (hostnames with the same first 8 bytes) the
 * whole names, then the address. */
typedef struct row_key {
    uint64_t key;
    uint32_t ip;
    uint32_t idx;
    uint8_t group;
} row_key;

static int cmp_keys(const void *pa, const void *pb, void *data)
{
    const row_key *a = pa, *b = pb;

    if (a->group != b->group) {
        return a->group < b->group ? -1 : 1;
    }
    if (a->key != b->key) {
        return a->key < b->key ? -1 : 1;
    }
    if (data) {
        /* Hostnames alike in their first 8 bytes. */
        return cmp_rows(&a->idx, &b->idx, data);
    }
    return cmp_u32(a->ip, b->ip);
}

/* The first 8 bytes of a string, big-endian, zero-padded: ordered as
 * memcmp() and then the length order the names, except where they are
 * equal (then the whole names decide). */
static uint64_t prefix8(const uint8_t *s, size_t n)
{
    uint64_t k = 0;

    for (size_t i = 0; i < 8; i++) {
        k = k << 8 | (i < n ? s[i] : 0);
    }
    return k;
}

static void sort_rows(const hc_lease_table *t, const sort_ctx *sc, GArray *rows)
{
    row_key *keys = g_new(row_key, rows->len ? rows->len : 1);
    /* Ranks of the state names in alphabetical order (cmp_rows compares
     * the names). */
    uint8_t rank[HC_LEASE_N_STATES];

    for (int i = 0; i < HC_LEASE_N_STATES; i++) {
        rank[i] = 0;
        for (int j = 0; j < HC_LEASE_N_STATES; j++) {
            rank[i] += strcmp(hc_lease_state_name(j),
                              hc_lease_state_name(i)) < 0;
        }
    }
    for (guint i = 0; i < rows->len; i++) {
        guint idx = g_array_index(rows, guint, i);
        const hc_lease *l = hc_lease_table_get(t, idx);
        row_key *k = &keys[i];
        uint64_t v = 0;

        k->idx = idx;
        k->ip = l->ip;
        k->group = value_absent(t, sc->col, l);
        switch (k->group ? HC_LCOL_N : sc->col) {
        case HC_LCOL_MAC:
            for (int b = 0; b < 6; b++) {
                v = v << 8 | l->mac[b];
            }
            v = v << 8 | l->hw_len;
            break;
        case HC_LCOL_HOSTNAME: {
            size_t n;
            const uint8_t *s = hc_lease_str(t, l->hostname, &n);

            v = prefix8(s, n);
            break;
        }
        case HC_LCOL_STATE:
            v = l->state < HC_LEASE_N_STATES ? rank[l->state] : 255;
            break;
        case HC_LCOL_STARTS:
            v = l->starts;
            break;
        case HC_LCOL_ENDS:
            v = l->ends;
            break;
        case HC_LCOL_N:
            /* Without a value: last, by address. */
            break;
        default:
            v = l->ip;
            break;
        }
        k->key = sc->desc && !k->group ? ~v : v;
    }
    g_qsort_with_data(keys, (gint) rows->len, sizeof(row_key), cmp_keys,
                      sc->col == HC_LCOL_HOSTNAME ? (void *) sc : NULL);
    for (guint i = 0; i < rows->len; i++) {
        g_array_index(rows, guint, i) = keys[i].idx;
    }
    g_free(keys);
}

void hc_lease_query_run(const hc_lease_table *t, const hc_lease_query *q,
                        GArray *ret)
{
    size_t n = hc_lease_table_count(t);
    GString *scratch = g_string_new(NULL);
    sort_ctx sc = { t, q ? q->sort : HC_LCOL_IP, q && q->descending };

    g_array_set_size(ret, 0);
    for (size_t i = 0; i < n; i++) {
        const hc_lease *l = hc_lease_table_get(t, i);
        guint idx = (guint) i;

        if (q && q->state >= 0 && l->state != q->state) {
            continue;
        }
        if (q && q->text && *q->text && !text_matches(t, l, q->text, scratch)) {
            continue;
        }
        g_array_append_val(ret, idx);
    }
    g_string_free(scratch, TRUE);
    sort_rows(t, &sc, ret);
}

void hc_usage_bar(GString *out, const hc_pool_usage *u, int width)
{
    int used = 0, touched = 0;

    if (u->defined) {
        used = (int) ((u->used * (uint64_t) width + u->defined - 1)
                      / u->defined);
        touched = (int) ((u->touched * (uint64_t) width) / u->defined);
        if (used > width) {
            used = width;
        }
        if (used + touched > width) {
            touched = width - used;
        }
    }
    g_string_append_c(out, '[');
    for (int i = 0; i < width; i++) {
        g_string_append_c(out, i < used ? '#' : i < used + touched ? '+'
                                                                   : '.');
    }
    g_string_append_c(out, ']');
}

static void time_cell(GString *out, uint32_t t, time_t now, bool rel)
{
    char b1[32], b2[32];

    if (t == 0) {
        g_string_append(out, "-");
    } else if (t == HC_LEASE_NEVER) {
        g_string_append(out, "never");
    } else {
        g_string_append(out, hc_time_str((time_t) t, b1, sizeof(b1)));
        if (rel) {
            g_string_append_printf(out, " (%s)",
                                   hc_time_rel((time_t) t, now, b2,
                                               sizeof(b2)));
        }
    }
}

static void usage_line(GString *out, const char *label, const hc_pool_usage *u)
{
    double pct = u->defined ? 100.0 * (double) u->used / (double) u->defined
                            : 0.0;

    g_string_append_printf(out, "  %-40s ", label);
    hc_usage_bar(out, u, 20);
    g_string_append_printf(out, " %5.1f%%  %llu/%llu used, %llu touched, "
                           "%llu backup, %llu free\n", pct,
                           (unsigned long long) u->used,
                           (unsigned long long) u->defined,
                           (unsigned long long) u->touched,
                           (unsigned long long) u->backup,
                           (unsigned long long) (u->defined - u->used));
}

void hc_leases_format_text(GString *out, const hc_lease_table *t,
                           const GArray *rows, const hc_dhcp_conf *c,
                           const hc_dhcp_usage *u,
                           const hc_lease_source *src, time_t now)
{
    GString *tmp = g_string_new(NULL);
    char ip[20], mac[64];

    if (src && src->where) {
        g_string_append(out, src->where);
        g_string_append_c(out, '\n');
    }
    if (src && src->leases_path) {
        g_string_append(out, "lease file: ");
        hc_escape_append(out, src->leases_path, strlen(src->leases_path), 0);
        g_string_append_printf(out, " (%zu records, %zu addresses)\n",
                               hc_lease_table_records(t),
                               hc_lease_table_count(t));
    }
    if (src && src->config_path) {
        g_string_append(out, "config: ");
        hc_escape_append(out, src->config_path, strlen(src->config_path), 0);
        g_string_append_c(out, '\n');
    }
    g_string_append_printf(out, "\n%-15s  %-17s  %-24s  %-9s  %-19s  %s\n",
                           "ADDRESS", "MAC", "HOSTNAME", "STATE", "START",
                           "END");
    for (guint i = 0; i < rows->len; i++) {
        const hc_lease *l = hc_lease_table_get(t, g_array_index(rows, guint, i));

        g_string_truncate(tmp, 0);
        hc_lease_str_escaped(tmp, t, l->hostname, 21);
        if (!tmp->len) {
            g_string_append(tmp, "-");
        }
        g_string_append_printf(out, "%-15s  %-17s  %-24s  %-9s  ",
                               hc_ipv4_str(l->ip, ip, sizeof(ip)),
                               hc_lease_mac_str(l, mac, sizeof(mac)), tmp->str,
                               hc_lease_state_name(l->state));
        g_string_truncate(tmp, 0);
        time_cell(tmp, l->starts, now, false);
        g_string_append_printf(out, "%-19s  ", tmp->str);
        time_cell(out, l->ends, now, true);
        g_string_append_c(out, '\n');
    }
    if (c && u) {
        g_string_append(out, "\nPOOL USAGE (used/defined; + touched)\n");
        for (guint i = 0; i < c->shared->len; i++) {
            const hc_dhcp_shared *sh = &g_array_index(c->shared,
                                                      hc_dhcp_shared, i);

            g_string_truncate(tmp, 0);
            g_string_append(tmp, "shared-network ");
            hc_escape_append(tmp, sh->name, strlen(sh->name),
                             HC_LEASE_DISPLAY_MAX);
            usage_line(out, tmp->str, &u->shared[i]);
        }
        for (guint i = 0; i < c->subnets->len; i++) {
            const hc_dhcp_subnet *sn = &g_array_index(c->subnets,
                                                      hc_dhcp_subnet, i);
            int bits = __builtin_popcount(sn->mask);

            g_string_printf(tmp, "subnet %s/%d",
                            hc_ipv4_str(sn->net, ip, sizeof(ip)), bits);
            usage_line(out, tmp->str, &u->subnet[i]);
        }
        for (guint i = 0; i < c->ranges->len; i++) {
            const hc_dhcp_range *r = &g_array_index(c->ranges,
                                                    hc_dhcp_range, i);
            char ip2[20];

            g_string_printf(tmp, "range %s-%s",
                            hc_ipv4_str(r->first, ip, sizeof(ip)),
                            hc_ipv4_str(r->last, ip2, sizeof(ip2)));
            usage_line(out, tmp->str, &u->range[i]);
        }
        usage_line(out, "all ranges", &u->all);
        if (u->active_outside) {
            g_string_append_printf(out, "  %llu active leases are in no range "
                                   "of the config\n",
                                   (unsigned long long) u->active_outside);
        }
    }
    if (hc_lease_table_n_errors(t)) {
        const GArray *e = hc_lease_table_errors(t);
        char *label = hc_lease_source_label(src);
        size_t n = hc_lease_table_n_errors(t);

        g_string_append_printf(out, "\n%zu malformed record%s in ", n,
                               n == 1 ? "" : "s");
        hc_escape_append(out, label, strlen(label), 0);
        g_string_append(out, ":\n");
        for (guint i = 0; i < e->len && i < 10; i++) {
            const char *sfx = g_array_index(e, hc_lease_error, i).suffix;

            g_string_append(out, "  ");
            hc_escape_append(out, label, strlen(label), 0);
            g_string_append(out, sfx ? sfx : "");
            g_string_append_printf(out, ":%u: %s\n",
                                   g_array_index(e, hc_lease_error, i).line,
                                   g_array_index(e, hc_lease_error, i).msg);
        }
        if (n > 10) {
            g_string_append_printf(out, "  (%zu more)\n", n - 10);
        }
        g_free(label);
    }

    if (c && c->errors->len) {
        g_string_append(out, "\nconfig errors:\n");
        for (guint i = 0; i < c->errors->len && i < 10; i++) {
            const hc_dhcp_conf_error *e = &g_array_index(c->errors,
                                                         hc_dhcp_conf_error, i);

            g_string_append(out, "  ");
            hc_escape_append(out, e->file, strlen(e->file), 0);
            g_string_append_printf(out, ":%u: %s\n", e->line, e->msg);
        }
    }
    g_string_free(tmp, TRUE);
}

/* An untrusted byte string as JSON: escaped for a terminal first (the JSON
 * is also read by people), then quoted; null when there is none. */
static void json_bytes(hc_jw *w, const char *key, const hc_lease_table *t,
                       uint32_t ref)
{
    GString *tmp;

    if (!ref) {
        hc_jw_null(w, key);
        return;
    }
    tmp = g_string_new(NULL);
    hc_lease_str_escaped(tmp, t, ref, HC_LEASE_DISPLAY_MAX);
    hc_jw_str(w, key, tmp->str);
    g_string_free(tmp, TRUE);
}

/* N bytes at B escaped for a terminal (at most MAX shown, 0: all), as a
 * JSON string. */
static void json_escaped_n(hc_jw *w, const char *key, const void *b,
                           size_t n, size_t max)
{
    GString *tmp = g_string_new(NULL);

    hc_escape_append(tmp, b, n, max);
    hc_jw_str(w, key, tmp->str);
    g_string_free(tmp, TRUE);
}

/* A string escaped for a terminal, or null. */
static void json_escaped(hc_jw *w, const char *key, const char *s)
{
    if (s) {
        json_escaped_n(w, key, s, strlen(s), 0);
    } else {
        hc_jw_null(w, key);
    }
}

/* A lease time: seconds since the epoch, "never", or left out when the
 * file gave none. */
static void json_time(hc_jw *w, const char *key, uint32_t v)
{
    if (v == HC_LEASE_NEVER) {
        hc_jw_str(w, key, "never");
    } else if (v) {
        hc_jw_uint(w, key, v);
    }
}

static void json_usage(hc_jw *w, const hc_pool_usage *u)
{
    hc_jw_uint(w, "defined", u->defined);
    hc_jw_uint(w, "used", u->used);
    hc_jw_uint(w, "touched", u->touched);
    hc_jw_uint(w, "backup", u->backup);
    hc_jw_uint(w, "free", u->defined - u->used);
}

char *hc_lease_source_label(const hc_lease_source *src)
{
    if (!src || !src->leases_path) {
        return g_strdup("the lease file");
    }
    return src->node ? g_strdup_printf("%s:%s", src->node, src->leases_path)
                     : g_strdup(src->leases_path);
}

static void json_lease(hc_jw *w, const hc_lease_table *t,
                       const hc_lease *l)
{
    char ip[20], mac[64];
    size_t pos = 0, nl, vl;
    const uint8_t *nm, *val;
    bool first = true;

    hc_jw_obj(w, NULL);
    hc_jw_str(w, "ip", hc_ipv4_str(l->ip, ip, sizeof(ip)));
    hc_jw_str(w, "mac", l->hw_len ? hc_lease_mac_str(l, mac, sizeof(mac))
                                  : NULL);
    hc_jw_str(w, "state", hc_lease_state_name(l->state));
    if (l->next_state) {
        hc_jw_str(w, "next_state", hc_lease_state_name(l->next_state));
    }
    json_bytes(w, "hostname", t, l->hostname);
    if (l->uid) {
        uint8_t buf[7];
        size_t n = 0;
        const uint8_t *b = hc_lease_uid(t, l, buf, &n);

        json_escaped_n(w, "uid", b ? (const void *) b : "", b ? n : 0,
                       HC_LEASE_DISPLAY_MAX);
    }
    if (l->vclass) {
        json_bytes(w, "vendor_class", t, l->vclass);
    }
    json_time(w, "starts", l->starts);
    json_time(w, "ends", l->ends);
    json_time(w, "tstp", l->tstp);
    json_time(w, "tsfp", l->tsfp);
    json_time(w, "atsfp", l->atsfp);
    json_time(w, "cltt", l->cltt);
    while (hc_lease_extra_next(t, l, &pos, &nm, &nl, &val, &vl)) {
        GString *k = g_string_new(NULL), *v = g_string_new(NULL);

        hc_escape_append(k, (const char *) nm, nl, HC_LEASE_DISPLAY_MAX);
        hc_escape_append(v, (const char *) val, vl, HC_LEASE_DISPLAY_MAX);
        if (first) {
            hc_jw_obj(w, "set");
            first = false;
        }
        hc_jw_str(w, k->str, v->str);
        g_string_free(k, TRUE);
        g_string_free(v, TRUE);
    }
    if (!first) {
        hc_jw_end(w);
    }
    hc_jw_uint(w, "line", l->line);
    hc_jw_end(w);
}

/* The name of shared network i, or null. */
static void json_shared_name(hc_jw *w, const hc_dhcp_conf *c, int i)
{
    json_escaped(w, "shared_network",
                 i >= 0 ? g_array_index(c->shared, hc_dhcp_shared, i).name
                        : NULL);
}

static void json_pools(hc_jw *w, const hc_dhcp_conf *c,
                       const hc_dhcp_usage *u)
{
    char ip[20], ip2[20];

    hc_jw_arr(w, "shared_networks");
    hc_jw_lines(w);
    for (guint i = 0; i < c->shared->len; i++) {
        const hc_dhcp_shared *sh = &g_array_index(c->shared,
                                                  hc_dhcp_shared, i);

        hc_jw_obj(w, NULL);
        json_escaped(w, "name", sh->name ? sh->name : "");
        json_usage(w, &u->shared[i]);
        hc_jw_end(w);
    }
    hc_jw_end(w);
    hc_jw_arr(w, "subnets");
    hc_jw_lines(w);
    for (guint i = 0; i < c->subnets->len; i++) {
        const hc_dhcp_subnet *sn = &g_array_index(c->subnets,
                                                  hc_dhcp_subnet, i);

        hc_jw_obj(w, NULL);
        hc_jw_str(w, "subnet", hc_ipv4_str(sn->net, ip, sizeof(ip)));
        hc_jw_str(w, "netmask", hc_ipv4_str(sn->mask, ip2, sizeof(ip2)));
        json_shared_name(w, c, sn->shared);
        json_usage(w, &u->subnet[i]);
        hc_jw_end(w);
    }
    hc_jw_end(w);
    hc_jw_arr(w, "ranges");
    hc_jw_lines(w);
    for (guint i = 0; i < c->ranges->len; i++) {
        const hc_dhcp_range *r = &g_array_index(c->ranges, hc_dhcp_range,
                                                i);

        hc_jw_obj(w, NULL);
        hc_jw_str(w, "first", hc_ipv4_str(r->first, ip, sizeof(ip)));
        hc_jw_str(w, "last", hc_ipv4_str(r->last, ip2, sizeof(ip2)));
        json_shared_name(w, c, r->shared);
        if (r->subnet >= 0) {
            const hc_dhcp_subnet *sn = &g_array_index(c->subnets,
                                                      hc_dhcp_subnet,
                                                      r->subnet);
            char *s = g_strdup_printf("%s/%d",
                                      hc_ipv4_str(sn->net, ip, sizeof(ip)),
                                      __builtin_popcount(sn->mask));

            hc_jw_str(w, "subnet", s);
            g_free(s);
        }
        hc_jw_bool(w, "pool", r->in_pool);
        json_usage(w, &u->range[i]);
        hc_jw_end(w);
    }
    hc_jw_end(w);
    hc_jw_obj(w, "summary");
    json_usage(w, &u->all);
    hc_jw_uint(w, "active_outside_ranges", u->active_outside);
    hc_jw_end(w);
}

static void json_errors(hc_jw *w, const hc_lease_table *t,
                        const hc_dhcp_conf *c, const hc_lease_source *src)
{
    const GArray *e = hc_lease_table_errors(t);
    char *label = hc_lease_source_label(src);

    hc_jw_arr(w, "errors");
    hc_jw_lines(w);
    for (guint i = 0; i < e->len; i++) {
        /* The older file of a Kea set the error is in: its suffix. */
        const char *sfx = g_array_index(e, hc_lease_error, i).suffix;
        char *name = g_strconcat(label, sfx, NULL);

        hc_jw_obj(w, NULL);
        json_escaped(w, "file", name);
        g_free(name);
        hc_jw_uint(w, "line", g_array_index(e, hc_lease_error, i).line);
        hc_jw_str(w, "message", g_array_index(e, hc_lease_error, i).msg
                                   ? g_array_index(e, hc_lease_error, i).msg
                                   : "");
        hc_jw_end(w);
    }
    hc_jw_end(w);
    g_free(label);
    hc_jw_uint(w, "errors_total", hc_lease_table_n_errors(t));
    hc_jw_uint(w, "unfinished_bytes", src ? src->unfinished : 0);
    if (!c) {
        return;
    }
    hc_jw_arr(w, "config_errors");
    hc_jw_lines(w);
    for (guint i = 0; i < c->errors->len; i++) {
        const hc_dhcp_conf_error *ce = &g_array_index(c->errors,
                                                      hc_dhcp_conf_error, i);

        hc_jw_obj(w, NULL);
        json_escaped(w, "file", ce->file ? ce->file : "");
        hc_jw_uint(w, "line", ce->line);
        hc_jw_str(w, "message", ce->msg ? ce->msg : "");
        hc_jw_end(w);
    }
    hc_jw_end(w);
}

void hc_leases_format_json(GString *out, const hc_lease_table *t,
                           const GArray *rows, const hc_dhcp_conf *c,
                           const hc_dhcp_usage *u,
                           const hc_lease_source *src)
{
    hc_jw w;

    hc_jw_init_spaced(&w, out);
    hc_jw_obj(&w, NULL);
    hc_jw_lines(&w);
    json_escaped(&w, "leases_file", src ? src->leases_path : NULL);
    json_escaped(&w, "config_file", src ? src->config_path : NULL);
    if (src && src->where) {
        json_escaped(&w, "where", src->where);
    }
    hc_jw_uint(&w, "records", hc_lease_table_records(t));
    hc_jw_arr(&w, "leases");
    hc_jw_lines(&w);
    for (guint i = 0; i < rows->len; i++) {
        json_lease(&w, t, hc_lease_table_get(t, g_array_index(rows, guint,
                                                              i)));
    }
    hc_jw_end(&w);
    if (c && u) {
        json_pools(&w, c, u);
    }
    json_errors(&w, t, c, src);
    hc_jw_end(&w);
    g_string_append_c(out, '\n');
}
