/* dhcpd.conf: a small tokenizer and a scope stack.  Only the declarations
 * that place addresses are interpreted; every other statement or block is
 * skipped by its punctuation, so unknown options never stop the parse.
 * A kea-dhcp4.conf (JSON) given to the same functions is read by
 * dhcpconf_kea.c; the usage counts below serve both. */
#include "dhcpconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcpconf_int.h"
#include "util.h"

#define MAX_TOKENS 64
#define MAX_DEPTH 64
#define MAX_INCLUDE_DEPTH 8

hc_dhcp_conf *hc_dhcp_conf_new(void)
{
    hc_dhcp_conf *c = g_new0(hc_dhcp_conf, 1);

    c->shared = g_array_new(FALSE, TRUE, sizeof(hc_dhcp_shared));
    c->subnets = g_array_new(FALSE, TRUE, sizeof(hc_dhcp_subnet));
    c->ranges = g_array_new(FALSE, TRUE, sizeof(hc_dhcp_range));
    c->hosts = g_array_new(FALSE, TRUE, sizeof(hc_dhcp_host));
    c->files = g_ptr_array_new_with_free_func(g_free);
    c->errors = g_array_new(FALSE, TRUE, sizeof(hc_dhcp_conf_error));
    c->stmts = g_array_new(FALSE, TRUE, sizeof(hc_dhcp_stmt));
    return c;
}

void hc_dhcp_conf_free(hc_dhcp_conf *c)
{
    if (!c) {
        return;
    }
    for (guint i = 0; i < c->shared->len; i++) {
        g_free(g_array_index(c->shared, hc_dhcp_shared, i).name);
    }
    for (guint i = 0; i < c->hosts->len; i++) {
        g_free(g_array_index(c->hosts, hc_dhcp_host, i).name);
        g_free(g_array_index(c->hosts, hc_dhcp_host, i).fixed);
    }
    for (guint i = 0; i < c->errors->len; i++) {
        g_free(g_array_index(c->errors, hc_dhcp_conf_error, i).file);
        g_free(g_array_index(c->errors, hc_dhcp_conf_error, i).msg);
    }
    g_array_free(c->shared, TRUE);
    g_array_free(c->subnets, TRUE);
    g_array_free(c->ranges, TRUE);
    g_array_free(c->hosts, TRUE);
    for (guint i = 0; i < c->stmts->len; i++) {
        g_strfreev(g_array_index(c->stmts, hc_dhcp_stmt, i).words);
    }
    g_array_free(c->errors, TRUE);
    g_array_free(c->stmts, TRUE);
    g_ptr_array_free(c->files, TRUE);
    g_free(c->lease_file_name);
    g_free(c);
}

void hc__dhcp_conf_error(hc_dhcp_conf *c, const char *file, uint32_t line,
                         const char *msg)
{
    hc_dhcp_conf_error e = { g_strdup(file), line, g_strdup(msg) };

    if (c->errors->len < 100) {
        g_array_append_val(c->errors, e);
    } else {
        g_free(e.file);
        g_free(e.msg);
    }
}

/* ---- tokenizer ---- */

enum { C_END, C_WORD, C_STR, C_LBRACE, C_RBRACE, C_SEMI, C_COMMA };

typedef struct ctok {
    int type;
    const char *s;
    size_t n;
    uint32_t line;
} ctok;

typedef struct clex {
    const char *p, *end;
    uint32_t line;
} clex;

static int cnext(clex *lx, ctok *t)
{
    const char *p = lx->p, *end = lx->end;

    for (;;) {
        if (p >= end) {
            lx->p = p;
            t->line = lx->line;
            return t->type = C_END;
        }
        if (*p == '\n') {
            lx->line++;
            p++;
        } else if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f'
                   || *p == '\v' || *p == 0) {
            p++;
        } else if (*p == '#') {
            while (p < end && *p != '\n') {
                p++;
            }
        } else {
            break;
        }
    }
    t->s = p;
    t->line = lx->line;
    t->n = 1;
    switch (*p) {
    case '{': lx->p = p + 1; return t->type = C_LBRACE;
    case '}': lx->p = p + 1; return t->type = C_RBRACE;
    case ';': lx->p = p + 1; return t->type = C_SEMI;
    case ',': lx->p = p + 1; return t->type = C_COMMA;
    case '"': {
        const char *q = p + 1;

        while (q < end && *q != '"') {
            if (*q == '\\' && q + 1 < end) {
                q++;
            }
            if (*q == '\n') {
                lx->line++;
            }
            q++;
        }
        t->s = p + 1;
        t->n = (size_t) (q - p - 1);
        lx->p = q < end ? q + 1 : q;
        return t->type = C_STR;
    }
    default:
        break;
    }
    {
        const char *q = p;

        while (q < end && !strchr(" \t\r\n\f\v{};,\"#", *q) && *q) {
            q++;
        }
        t->n = (size_t) (q - p);
        lx->p = q;
        return t->type = C_WORD;
    }
}

static bool ctok_is(const ctok *t, const char *w)
{
    size_t n = strlen(w);

    return t->type == C_WORD && t->n == n && !g_ascii_strncasecmp(t->s, w, n);
}

static bool ctok_ip(const ctok *t, uint32_t *ret)
{
    char buf[20];
    unsigned a, b, c, d;
    char extra;

    if (t->type != C_WORD || t->n >= sizeof(buf)) {
        return false;
    }
    memcpy(buf, t->s, t->n);
    buf[t->n] = 0;
    if (sscanf(buf, "%u.%u.%u.%u%c", &a, &b, &c, &d, &extra) != 4
        || a > 255 || b > 255 || c > 255 || d > 255) {
        return false;
    }
    *ret = a << 24 | b << 16 | c << 8 | d;
    return true;
}

static char *ctok_dup(const ctok *t)
{
    /* Quoted names keep their bytes; the escapes are dhcpd's own. */
    return g_strndup(t->s, t->n);
}

/* ---- parser ---- */

enum scope_kind { S_TOP, S_SHARED, S_SUBNET, S_POOL, S_HOST, S_GROUP,
                  S_OTHER };

typedef struct scope {
    int kind;
    int shared;     /* innermost shared-network index or -1 */
    int subnet;     /* innermost subnet index or -1 */
    int host;       /* host index or -1 */
    bool pool;
    /* This block or one it is in is unknown (S_OTHER), a group: kept
     * here so that a statement need not walk the stack (deep blocks and
     * many includes made that statements times depth). */
    bool in_other, in_group;
} scope;

typedef struct parse_ctx {
    hc_dhcp_conf *c;
    scope stack[MAX_DEPTH];
    int depth;
    int include_depth;
    unsigned includes;      /* read so far, see HC_DHCP_MAX_INCLUDES */
    bool too_deep;          /* "includes nested too deep" was said */
    bool follow_includes;
    hc_dhcp_conf_reader read;
    void *read_data;
} parse_ctx;

const char *hc__dhcp_conf_file(hc_dhcp_conf *c, const char *file)
{
    for (guint i = 0; i < c->files->len; i++) {
        if (!strcmp(c->files->pdata[i], file)) {
            return c->files->pdata[i];
        }
    }
    g_ptr_array_add(c->files, g_strdup(file));
    return c->files->pdata[c->files->len - 1];
}

static int parse_buffer(parse_ctx *px, const char *buf, size_t len,
                        const char *file);

static void do_include(parse_ctx *px, const ctok *name, const char *file,
                       uint32_t line)
{
    char *path = ctok_dup(name), *data = NULL;
    size_t n;
    int rc;

    if (px->include_depth >= MAX_INCLUDE_DEPTH) {
        /* A loop reaches the limit on each of its paths: said once, so
         * that the errors after it still have room. */
        if (!px->too_deep) {
            hc__dhcp_conf_error(px->c, file, line,
                                "includes nested too deep");
        }
        px->too_deep = true;
        g_free(path);
        return;
    }
    if (px->includes >= HC_DHCP_MAX_INCLUDES) {
        /* Said once; the includes after it are not read either. */
        if (px->includes++ == HC_DHCP_MAX_INCLUDES) {
            char *msg = g_strdup_printf("more than %u includes",
                                        HC_DHCP_MAX_INCLUDES);

            hc__dhcp_conf_error(px->c, file, line, msg);
            g_free(msg);
        }
        g_free(path);
        return;
    }
    px->includes++;
    /* dhcpd opens a relative include from its working directory; when
     * that fails, the including file's directory is the better guess. */
    rc = px->read(path, &data, &n, px->read_data);
    if (rc == -ENOENT && !g_path_is_absolute(path)) {
        char *dir = g_path_get_dirname(file);
        char *alt = g_build_filename(dir, path, NULL);

        rc = px->read(alt, &data, &n, px->read_data);
        if (rc == 0) {
            g_free(path);
            path = alt;
        } else {
            g_free(alt);
        }
        g_free(dir);
    }
    if (rc < 0) {
        char *msg = g_strdup_printf("cannot read include file: %s",
                                    g_strerror(-rc));

        hc__dhcp_conf_error(px->c, file, line, msg);
        g_free(msg);
    } else {
        px->include_depth++;
        parse_buffer(px, data, n, path);
        px->include_depth--;
    }
    g_free(data);
    g_free(path);
}

static void add_range(parse_ctx *px, const ctok *tk, int nt, const char *file)
{
    const scope *s = &px->stack[px->depth];
    hc_dhcp_range r = { .shared = s->shared, .subnet = s->subnet,
                        .in_pool = s->pool, .line = tk[0].line,
                        .file = file };
    int i = 1;

    if (i < nt && ctok_is(&tk[i], "dynamic-bootp")) {
        r.dynamic_bootp = true;
        i++;
    }
    if (i >= nt || !ctok_ip(&tk[i], &r.first)) {
        hc__dhcp_conf_error(px->c, file, tk[0].line, "bad range");
        return;
    }
    r.last = r.first;
    if (i + 1 < nt && !ctok_ip(&tk[i + 1], &r.last)) {
        hc__dhcp_conf_error(px->c, file, tk[0].line, "bad range");
        return;
    }
    if (r.first > r.last) {
        /* dhcpd accepts the bounds in either order. */
        uint32_t x = r.first;

        r.first = r.last;
        r.last = x;
    }
    if (r.subnet < 0) {
        /* A pool directly in a shared-network: the subnet is the one that
         * holds the addresses. */
        for (guint k = 0; k < px->c->subnets->len; k++) {
            const hc_dhcp_subnet *sn = &g_array_index(px->c->subnets,
                                                      hc_dhcp_subnet, k);

            if ((r.first & sn->mask) == sn->net
                && (sn->shared == r.shared || r.shared < 0)) {
                r.subnet = (int) k;
                break;
            }
        }
    }
    g_array_append_val(px->c->ranges, r);
}

/* Records the statement as written (hc_dhcp_stmt); cut: it had more
 * tokens than MAX_TOKENS. */
static void record(parse_ctx *px, const ctok *tk, int nt, bool block,
                   bool cut, const char *file)
{
    const scope *cur = &px->stack[px->depth];
    hc_dhcp_stmt st = { .shared = cur->shared, .subnet = cur->subnet,
                        .host = cur->host, .pool = cur->pool,
                        .other = cur->kind == S_OTHER, .block = block,
                        .cut = cut, .line = tk[0].line, .file = file };

    /* A block in an unknown block is unknown too (scope kinds are reset
     * by the known ones). */
    st.other = st.other || cur->in_other;
    st.group = cur->in_group;
    st.words = g_new0(char *, nt + 1);
    for (int i = 0; i < nt; i++) {
        st.words[i] = tk[i].type == C_STR
                      ? g_strdup_printf("\"%.*s\"", (int) tk[i].n, tk[i].s)
                      : g_strndup(tk[i].s, tk[i].n);
    }
    g_array_append_val(px->c->stmts, st);
}

/* A statement of nt tokens ending in ';' (block false) or '{' (true). */
static void statement(parse_ctx *px, const ctok *tk, int nt, bool block,
                      bool cut, const char *file)
{
    hc_dhcp_conf *c = px->c;
    scope *cur = &px->stack[px->depth];
    scope next = *cur;

    if (nt > 0 && tk[0].type != C_LBRACE) {
        record(px, tk, nt, block, cut, file);
    }

    if (block) {
        next.kind = S_OTHER;
        if (nt >= 2 && ctok_is(&tk[0], "shared-network")) {
            hc_dhcp_shared sh = { ctok_dup(&tk[1]), tk[0].line, file };

            g_array_append_val(c->shared, sh);
            next.kind = S_SHARED;
            next.shared = (int) c->shared->len - 1;
        } else if (nt >= 2 && ctok_is(&tk[0], "subnet")) {
            hc_dhcp_subnet sn = { .shared = cur->shared, .line = tk[0].line,
                                  .file = file };

            if (nt < 4 || !ctok_ip(&tk[1], &sn.net) || !ctok_is(&tk[2], "netmask")
                || !ctok_ip(&tk[3], &sn.mask)) {
                hc__dhcp_conf_error(c, file, tk[0].line, "bad subnet declaration");
            } else {
                sn.net &= sn.mask;
                g_array_append_val(c->subnets, sn);
                next.subnet = (int) c->subnets->len - 1;
            }
            next.kind = S_SUBNET;
        } else if (nt >= 1 && ctok_is(&tk[0], "pool")) {
            next.kind = S_POOL;
            next.pool = true;
        } else if (nt >= 1 && ctok_is(&tk[0], "group")) {
            next.kind = S_GROUP;
        } else if (nt >= 2 && ctok_is(&tk[0], "host")) {
            hc_dhcp_host h = { .name = ctok_dup(&tk[1]), .line = tk[0].line };

            g_array_append_val(c->hosts, h);
            next.kind = S_HOST;
            next.host = (int) c->hosts->len - 1;
        }
        if (px->depth + 1 >= MAX_DEPTH) {
            hc__dhcp_conf_error(c, file, tk[0].line, "blocks nested too deep");
            return;
        }
        next.in_other = cur->in_other || next.kind == S_OTHER;
        next.in_group = cur->in_group || next.kind == S_GROUP;
        px->stack[++px->depth] = next;
        return;
    }
    if (nt == 0) {
        return;
    }
    if (ctok_is(&tk[0], "range")) {
        add_range(px, tk, nt, file);
    } else if (ctok_is(&tk[0], "include") && nt >= 2) {
        if (px->follow_includes) {
            do_include(px, &tk[1], file, tk[0].line);
        }
    } else if (ctok_is(&tk[0], "lease-file-name") && nt >= 2) {
        g_free(c->lease_file_name);
        c->lease_file_name = ctok_dup(&tk[1]);
    } else if (cur->host >= 0 && ctok_is(&tk[0], "fixed-address") && nt >= 2) {
        hc_dhcp_host *h = &g_array_index(c->hosts, hc_dhcp_host, cur->host);

        g_free(h->fixed);
        h->fixed = ctok_dup(&tk[1]);
        h->has_ip = ctok_ip(&tk[1], &h->ip);
    } else if (cur->host >= 0 && ctok_is(&tk[0], "hardware") && nt >= 3) {
        hc_dhcp_host *h = &g_array_index(c->hosts, hc_dhcp_host, cur->host);
        unsigned m[6];
        char buf[32];

        if (tk[2].n < sizeof(buf)) {
            memcpy(buf, tk[2].s, tk[2].n);
            buf[tk[2].n] = 0;
            if (sscanf(buf, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
                       &m[4], &m[5]) == 6) {
                for (int i = 0; i < 6; i++) {
                    h->mac[i] = (uint8_t) m[i];
                }
                h->has_mac = true;
            }
        }
    }
}

static int parse_buffer(parse_ctx *px, const char *buf, size_t len,
                        const char *file)
{
    clex lx = { buf, buf + len, 1 };
    ctok tk[MAX_TOKENS];
    int nt = 0, base_depth = px->depth;
    bool cut = false;
    ctok t;

    file = hc__dhcp_conf_file(px->c, file);
    for (;;) {
        cnext(&lx, &t);
        switch (t.type) {
        case C_END:
            if (nt) {
                hc__dhcp_conf_error(px->c, file, tk[0].line, "statement without ';'");
            }
            if (px->depth != base_depth) {
                hc__dhcp_conf_error(px->c, file, t.line, "missing '}' at end of file");
                px->depth = base_depth;
            }
            return 0;
        case C_SEMI:
            statement(px, tk, nt, false, cut, file);
            nt = 0;
            cut = false;
            break;
        case C_LBRACE:
            if (nt == 0) {
                tk[0] = t;
            }
            statement(px, tk, nt, true, cut, file);
            nt = 0;
            cut = false;
            break;
        case C_RBRACE:
            if (nt) {
                /* "option x y }": dhcpd would complain; take it as ended. */
                statement(px, tk, nt, false, cut, file);
                nt = 0;
                cut = false;
            }
            if (px->depth <= base_depth) {
                hc__dhcp_conf_error(px->c, file, t.line, "unexpected '}'");
            } else {
                px->depth--;
            }
            break;
        default:
            if (nt < MAX_TOKENS) {
                tk[nt++] = t;
            } else {
                cut = true;
            }
            break;
        }
    }
}

static int read_local(const char *path, char **ret_buf, size_t *ret_len,
                      void *data)
{
    return hc_read_file(path, ret_buf, ret_len);
}

static int parse_via(hc_dhcp_conf *c, const char *buf, size_t len,
                     const char *file, bool follow_includes,
                     hc_dhcp_conf_reader read, void *read_data)
{
    parse_ctx px = { .c = c, .follow_includes = follow_includes,
                     .read = read, .read_data = read_data };

    if (hc__kea_conf_detect(buf, len)) {
        return hc__kea_conf_parse(c, buf, len, file ? file : "kea-dhcp4.conf",
                                  follow_includes, read, read_data);
    }
    px.stack[0] = (scope) { .kind = S_TOP, .shared = -1, .subnet = -1,
                            .host = -1 };
    return parse_buffer(&px, buf, len, file ? file : "dhcpd.conf");
}

int hc_dhcp_conf_parse(hc_dhcp_conf *c, const char *buf, size_t len,
                       const char *file, bool follow_includes)
{
    return parse_via(c, buf, len, file, follow_includes, read_local, NULL);
}

int hc_dhcp_conf_load_via(const char *path, hc_dhcp_conf_reader read,
                          void *data, hc_dhcp_conf **ret)
{
    char *buf;
    size_t n;
    int rc = read(path, &buf, &n, data);

    if (rc < 0) {
        return rc;
    }
    *ret = hc_dhcp_conf_new();
    rc = parse_via(*ret, buf, n, path, true, read, data);
    g_free(buf);
    return rc;
}

int hc_dhcp_conf_load(const char *path, hc_dhcp_conf **ret)
{
    return hc_dhcp_conf_load_via(path, read_local, NULL, ret);
}

/* ---- usage ---- */

typedef struct range_ref {
    uint32_t first, last;
    guint idx;
} range_ref;

static int range_cmp(const void *a, const void *b)
{
    const range_ref *x = a, *y = b;

    return x->first < y->first ? -1 : x->first > y->first;
}

static void count_one(hc_pool_usage *u, uint8_t usage)
{
    switch (usage) {
    case HC_USAGE_USED:
        u->used++;
        break;
    case HC_USAGE_TOUCHED:
        u->touched++;
        break;
    case HC_USAGE_BACKUP:
        u->backup++;
        break;
    default:
        break;
    }
}

/* The leases [from, to) of t counted into range[] (by rr, sorted, nr of
 * them), those in no range into *outside and *active_outside. */
typedef struct usage_part {
    const hc_lease_table *t;
    const range_ref *rr;
    guint nr;
    bool overlap;
    size_t from, to;
    hc_pool_usage *range;
    uint64_t outside, active_outside;
} usage_part;

/* Adds what part b counted to part a's counts. */
static void usage_count_add(usage_part *a, const usage_part *b)
{
    for (guint i = 0; i < a->nr; i++) {
        a->range[i].used += b->range[i].used;
        a->range[i].touched += b->range[i].touched;
        a->range[i].backup += b->range[i].backup;
    }
    a->outside += b->outside;
    a->active_outside += b->active_outside;
}

static gpointer usage_count(gpointer data)
{
    usage_part *p = data;
    const range_ref *rr = p->rr;

    /* Each lease finds its range by binary search; when ranges overlap
     * (dhcpd-pools then counts a lease in each), all ranges that start at
     * or before it are checked. */
    for (size_t k = p->from; k < p->to; k++) {
        const hc_lease *l = hc_lease_table_get(p->t, k);
        size_t lo = 0, hi = p->nr;
        bool found = false;

        if (l->usage == HC_USAGE_NONE) {
            continue;
        }
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;

            if (rr[mid].first <= l->ip) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        /* rr[0, lo) start at or before the address. */
        if (!p->overlap) {
            if (lo && l->ip <= rr[lo - 1].last) {
                count_one(&p->range[rr[lo - 1].idx], l->usage);
                found = true;
            }
        } else {
            for (size_t j = 0; j < lo; j++) {
                if (l->ip <= rr[j].last) {
                    count_one(&p->range[rr[j].idx], l->usage);
                    found = true;
                }
            }
        }
        if (!found) {
            p->outside++;
            if (l->usage == HC_USAGE_USED) {
                p->active_outside++;
            }
        }
    }
    return NULL;
}

/* Below this many leases a second thread costs more than it saves (the
 * count streams the whole lease table through the cache). */
#define USAGE_SPLIT_MIN 65536

int hc_dhcp_usage_compute(const hc_dhcp_conf *c, const hc_lease_table *t,
                          hc_dhcp_usage *u)
{
    guint nr = c->ranges->len;
    range_ref *rr = g_new(range_ref, nr ? nr : 1);
    bool overlap = false;
    size_t n = hc_lease_table_count(t);
    usage_part first, second;
    GThread *th = NULL;

    memset(u, 0, sizeof(*u));
    u->range = g_new0(hc_pool_usage, nr ? nr : 1);
    u->subnet = g_new0(hc_pool_usage, c->subnets->len ? c->subnets->len : 1);
    u->shared = g_new0(hc_pool_usage, c->shared->len ? c->shared->len : 1);
    for (guint i = 0; i < nr; i++) {
        const hc_dhcp_range *r = &g_array_index(c->ranges, hc_dhcp_range, i);

        rr[i] = (range_ref) { r->first, r->last, i };
        u->range[i].defined = (uint64_t) r->last - r->first + 1;
    }
    qsort(rr, nr, sizeof(*rr), range_cmp);
    for (guint i = 1; i < nr; i++) {
        if (rr[i].first <= rr[i - 1].last) {
            overlap = true;
        }
    }
    first = (usage_part) { t, rr, nr, overlap, 0, n, u->range, 0, 0 };
    second = first;
    if (n >= USAGE_SPLIT_MIN) {
        second.from = first.to = n / 2;
        second.range = g_new0(hc_pool_usage, nr ? nr : 1);
        th = g_thread_try_new("hc-usage", usage_count, &second, NULL);
        if (!th) {
            first.to = n;
        }
    }
    usage_count(&first);
    if (th) {
        g_thread_join(th);
        usage_count_add(&first, &second);
    }
    if (second.range != first.range) {
        g_free(second.range);
    }
    u->outside = first.outside;
    u->active_outside = first.active_outside;
    for (guint i = 0; i < nr; i++) {
        const hc_dhcp_range *r = &g_array_index(c->ranges, hc_dhcp_range, i);
        hc_pool_usage *ru = &u->range[i];
        hc_pool_usage *dst[3] = {
            &u->all,
            r->subnet >= 0 ? &u->subnet[r->subnet] : NULL,
            r->shared >= 0 ? &u->shared[r->shared] : NULL,
        };

        for (int d = 0; d < 3; d++) {
            if (dst[d]) {
                dst[d]->defined += ru->defined;
                dst[d]->used += ru->used;
                dst[d]->touched += ru->touched;
                dst[d]->backup += ru->backup;
            }
        }
    }
    g_free(rr);
    return 0;
}

void hc_dhcp_usage_clear(hc_dhcp_usage *u)
{
    if (u) {
        g_free(u->range);
        g_free(u->subnet);
        g_free(u->shared);
        memset(u, 0, sizeof(*u));
    }
}
