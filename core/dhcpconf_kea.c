/* kea-dhcp4.conf: the parts that say which addresses Kea hands out and
 * where it keeps its leases.  Kea's configuration is JSON with three kinds
 * of comment (#, // and C's), and <?include "file"?> anywhere a value or
 * a member may stand, which Kea's lexer replaces by the file's text.  The
 * text is read into a small tree (its own files and lines kept for the
 * messages), then Dhcp4's subnet4, shared-networks and lease-database are
 * taken from it into the same hc_dhcp_conf as dhcpd.conf's. */
#include "dhcpconf_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEA_MAX_DEPTH 64
#define KEA_MAX_INCLUDE_DEPTH 8
/* Kea's default lease file (Debian's build: localstatedir /var). */
#define KEA_DEFAULT_LEASES "/var/lib/kea/kea-leases4.csv"

enum {
    J_END, J_ERR, J_LBRACE, J_RBRACE, J_LBRACKET, J_RBRACKET, J_COLON,
    J_COMMA, J_STR, J_NUM, J_TRUE, J_FALSE, J_NULL
};

/* One file being read: the main one or an include. */
typedef struct jsrc {
    const char *p, *end;
    char *data;             /* owned, for includes */
    const char *file;       /* interned in the conf */
    uint32_t line;
} jsrc;

typedef struct jlex {
    hc_dhcp_conf *c;
    jsrc src[KEA_MAX_INCLUDE_DEPTH + 1];
    int depth;
    unsigned includes;      /* read so far, see HC_DHCP_MAX_INCLUDES */
    hc_dhcp_conf_reader read;
    void *read_data;
    bool follow_includes;
    bool failed;            /* an error was reported: the parse stops */
} jlex;

typedef struct jtok {
    int type;
    const char *s;          /* J_STR: the raw bytes between the quotes */
    size_t n;
    const char *file;
    uint32_t line;
} jtok;

typedef struct jnode {
    int type;               /* J_LBRACE object, J_LBRACKET array, or a
                             * scalar's token type */
    char *key;              /* member name, NULL in an array */
    char *str;              /* J_STR: decoded; J_NUM: the text */
    GPtrArray *kids;        /* jnode*, for objects and arrays */
    const char *file;
    uint32_t line;
} jnode;

static void jnode_free(jnode *n)
{
    if (!n) {
        return;
    }
    g_free(n->key);
    g_free(n->str);
    if (n->kids) {
        for (guint i = 0; i < n->kids->len; i++) {
            jnode_free(n->kids->pdata[i]);
        }
        g_ptr_array_free(n->kids, TRUE);
    }
    g_free(n);
}

static void jerr(jlex *lx, const char *file, uint32_t line, const char *msg)
{
    if (!lx->failed) {
        hc__dhcp_conf_error(lx->c, file, line, msg);
    }
    lx->failed = true;
}

/* Skips blanks and comments of the top source; false at its end. */
static bool skip_blank(jlex *lx)
{
    jsrc *s = &lx->src[lx->depth];

    while (s->p < s->end) {
        char ch = *s->p;

        if (ch == '\n') {
            s->line++;
            s->p++;
        } else if (ch == ' ' || ch == '\t' || ch == '\r') {
            s->p++;
        } else if (ch == '#' || (ch == '/' && s->end - s->p > 1
                                 && s->p[1] == '/')) {
            const char *nl = memchr(s->p, '\n', (size_t) (s->end - s->p));

            s->p = nl ? nl : s->end;
        } else if (ch == '/' && s->end - s->p > 1 && s->p[1] == '*') {
            const char *q = s->p + 2;

            while (q + 1 < s->end && !(q[0] == '*' && q[1] == '/')) {
                s->line += *q == '\n';
                q++;
            }
            if (q + 1 >= s->end) {
                jerr(lx, s->file, s->line, "comment not closed");
                s->p = s->end;
                return false;
            }
            s->p = q + 2;
        } else {
            return true;
        }
    }
    return false;
}

static void include_file(jlex *lx, const char *name, size_t n);

/* A string's raw bytes from s->p (at the opening quote). */
static bool scan_string(jsrc *s, jtok *t)
{
    const char *q = s->p + 1;

    while (q < s->end && *q != '"' && *q != '\n') {
        q += *q == '\\' && q + 1 < s->end ? 2 : 1;
    }
    if (q >= s->end || *q != '"') {
        return false;
    }
    t->type = J_STR;
    t->s = s->p + 1;
    t->n = (size_t) (q - s->p - 1);
    s->p = q + 1;
    return true;
}

static int jnext(jlex *lx, jtok *t)
{
    jsrc *s;

    for (;;) {
        if (lx->failed) {
            return t->type = J_ERR;
        }
        s = &lx->src[lx->depth];
        if (skip_blank(lx)) {
            break;
        }
        if (lx->failed) {
            return t->type = J_ERR;
        }
        if (lx->depth == 0) {
            t->file = s->file;
            t->line = s->line;
            return t->type = J_END;
        }
        g_free(s->data);
        lx->depth--;
    }
    t->file = s->file;
    t->line = s->line;
    t->s = s->p;
    t->n = 1;
    switch (*s->p) {
    case '{': s->p++; return t->type = J_LBRACE;
    case '}': s->p++; return t->type = J_RBRACE;
    case '[': s->p++; return t->type = J_LBRACKET;
    case ']': s->p++; return t->type = J_RBRACKET;
    case ':': s->p++; return t->type = J_COLON;
    case ',': s->p++; return t->type = J_COMMA;
    case '"':
        if (!scan_string(s, t)) {
            jerr(lx, s->file, s->line, "string not closed on its line");
            return t->type = J_ERR;
        }
        return J_STR;
    case '<':
        if (s->end - s->p >= 9 && !memcmp(s->p, "<?include", 9)) {
            jtok name;
            const char *close;

            s->p += 9;
            while (s->p < s->end && (*s->p == ' ' || *s->p == '\t')) {
                s->p++;
            }
            if (s->p >= s->end || *s->p != '"' || !scan_string(s, &name)) {
                jerr(lx, s->file, s->line, "bad <?include ...?>");
                return t->type = J_ERR;
            }
            while (s->p < s->end && (*s->p == ' ' || *s->p == '\t')) {
                s->p++;
            }
            close = s->p;
            if (s->end - close < 2 || close[0] != '?' || close[1] != '>') {
                jerr(lx, s->file, s->line, "<?include without ?>");
                return t->type = J_ERR;
            }
            s->p += 2;
            include_file(lx, name.s, name.n);
            return jnext(lx, t);
        }
        break;
    default:
        break;
    }
    {
        const char *q = s->p;

        while (q < s->end && (g_ascii_isalnum(*q) || *q == '-' || *q == '+'
                              || *q == '.')) {
            q++;
        }
        t->n = (size_t) (q - s->p);
        if (t->n == 4 && !memcmp(s->p, "true", 4)) {
            t->type = J_TRUE;
        } else if (t->n == 5 && !memcmp(s->p, "false", 5)) {
            t->type = J_FALSE;
        } else if (t->n == 4 && !memcmp(s->p, "null", 4)) {
            t->type = J_NULL;
        } else if (t->n && (g_ascii_isdigit(*s->p) || *s->p == '-')) {
            t->type = J_NUM;
        } else {
            jerr(lx, s->file, s->line, "unexpected character");
            return t->type = J_ERR;
        }
        s->p = q;
        return t->type;
    }
}

static void include_file(jlex *lx, const char *name, size_t n)
{
    jsrc *s = &lx->src[lx->depth];
    char *path = g_strndup(name, n), *data = NULL;
    size_t len = 0;
    int rc;

    if (!lx->follow_includes) {
        g_free(path);
        return;
    }
    if (lx->depth >= KEA_MAX_INCLUDE_DEPTH) {
        jerr(lx, s->file, s->line, "includes nested too deep");
        g_free(path);
        return;
    }
    if (lx->includes++ >= HC_DHCP_MAX_INCLUDES) {
        char *msg = g_strdup_printf("more than %u includes",
                                    HC_DHCP_MAX_INCLUDES);

        jerr(lx, s->file, s->line, msg);
        g_free(msg);
        g_free(path);
        return;
    }
    /* As given (Kea opens it from its working directory), else next to
     * the including file. */
    rc = lx->read(path, &data, &len, lx->read_data);
    if (rc == -ENOENT && !g_path_is_absolute(path)) {
        char *dir = g_path_get_dirname(s->file);
        char *alt = g_build_filename(dir, path, NULL);

        rc = lx->read(alt, &data, &len, lx->read_data);
        g_free(dir);
        if (rc == 0) {
            g_free(path);
            path = alt;
        } else {
            g_free(alt);
        }
    }
    if (rc < 0) {
        char *msg = g_strdup_printf("cannot read include file: %s",
                                    g_strerror(-rc));

        jerr(lx, s->file, s->line, msg);
        g_free(msg);
        g_free(path);
        return;
    }
    lx->depth++;
    lx->src[lx->depth] = (jsrc) {
        .p = data, .end = data + len, .data = data, .line = 1,
        .file = hc__dhcp_conf_file(lx->c, path),
    };
    g_free(path);
}

/* JSON's escapes; \u is kept as its text (names and addresses are
 * ASCII). */
static char *decode_string(const jtok *t)
{
    GString *s = g_string_sized_new(t->n);

    for (size_t i = 0; i < t->n; i++) {
        char ch = t->s[i];

        if (ch == '\\' && i + 1 < t->n) {
            ch = t->s[++i];
            switch (ch) {
            case 'n': ch = '\n'; break;
            case 't': ch = '\t'; break;
            case 'r': ch = '\r'; break;
            case 'b': ch = '\b'; break;
            case 'f': ch = '\f'; break;
            case 'u': g_string_append_c(s, '\\'); break;
            default: break;
            }
        }
        g_string_append_c(s, ch);
    }
    return g_string_free(s, FALSE);
}

static jnode *parse_value(jlex *lx, const jtok *t, int depth);

/* The members of an object or the elements of an array, after its
 * opening token. */
static bool parse_members(jlex *lx, jnode *n, bool object, int depth)
{
    int close = object ? J_RBRACE : J_RBRACKET;
    jtok t, k;

    n->kids = g_ptr_array_new();
    if (jnext(lx, &t) == close) {
        return true;
    }
    for (;;) {
        jnode *v;
        char *key = NULL;

        if (object) {
            if (t.type != J_STR) {
                jerr(lx, t.file, t.line, "expected a member name");
                return false;
            }
            key = decode_string(&t);
            if (jnext(lx, &k) != J_COLON) {
                jerr(lx, k.file, k.line, "expected ':'");
                g_free(key);
                return false;
            }
            jnext(lx, &t);
        }
        v = parse_value(lx, &t, depth + 1);
        if (!v) {
            g_free(key);
            return false;
        }
        v->key = key;
        g_ptr_array_add(n->kids, v);
        jnext(lx, &t);
        if (t.type == close) {
            return true;
        }
        if (t.type != J_COMMA) {
            jerr(lx, t.file, t.line, object ? "expected ',' or '}'"
                                            : "expected ',' or ']'");
            return false;
        }
        /* Kea accepts a comma before the closing bracket. */
        if (jnext(lx, &t) == close) {
            return true;
        }
    }
}

static jnode *parse_value(jlex *lx, const jtok *t, int depth)
{
    jnode *n;

    if (depth > KEA_MAX_DEPTH) {
        jerr(lx, t->file, t->line, "nested too deep");
        return NULL;
    }
    switch (t->type) {
    case J_LBRACE:
    case J_LBRACKET:
    case J_STR:
    case J_NUM:
    case J_TRUE:
    case J_FALSE:
    case J_NULL:
        break;
    case J_END:
        jerr(lx, t->file, t->line, "unexpected end of file");
        return NULL;
    case J_ERR:
        return NULL;
    default:
        jerr(lx, t->file, t->line, "expected a value");
        return NULL;
    }
    n = g_new0(jnode, 1);
    n->type = t->type;
    n->file = t->file;
    n->line = t->line;
    if (t->type == J_STR) {
        n->str = decode_string(t);
    } else if (t->type == J_NUM) {
        n->str = g_strndup(t->s, t->n);
    } else if (t->type == J_LBRACE || t->type == J_LBRACKET) {
        if (!parse_members(lx, n, t->type == J_LBRACE, depth)) {
            jnode_free(n);
            return NULL;
        }
    }
    return n;
}

static const jnode *member(const jnode *n, const char *key)
{
    if (!n || n->type != J_LBRACE) {
        return NULL;
    }
    for (guint i = 0; i < n->kids->len; i++) {
        const jnode *k = n->kids->pdata[i];

        if (!strcmp(k->key, key)) {
            return k;
        }
    }
    return NULL;
}

static const char *member_str(const jnode *n, const char *key)
{
    const jnode *m = member(n, key);

    return m && m->type == J_STR ? m->str : NULL;
}

static bool parse_ip(const char *s, uint32_t *ret)
{
    unsigned a, b, c, d;
    char tail;

    if (sscanf(s, "%3u.%3u.%3u.%3u%c", &a, &b, &c, &d, &tail) != 4
        || a > 255 || b > 255 || c > 255 || d > 255
        || !g_ascii_isdigit(s[0])) {
        return false;
    }
    *ret = a << 24 | b << 16 | c << 8 | d;
    return true;
}

/* "A.B.C.D/LEN" into the first and last addresses and the mask. */
static bool parse_prefix(const char *s, uint32_t *first, uint32_t *last,
                         uint32_t *mask)
{
    const char *slash = strchr(s, '/');
    char ip[16];
    char *end;
    long len;

    if (!slash || slash - s >= (ptrdiff_t) sizeof(ip)) {
        return false;
    }
    memcpy(ip, s, (size_t) (slash - s));
    ip[slash - s] = 0;
    len = strtol(slash + 1, &end, 10);
    if (!g_ascii_isdigit(slash[1]) || *end || len < 0 || len > 32
        || !parse_ip(ip, first)) {
        return false;
    }
    *mask = len ? ~0u << (32 - len) : 0;
    *first &= *mask;
    *last = *first | ~*mask;
    return true;
}

/* "A - B" (blanks optional) or "A.B.C.D/LEN". */
static bool parse_pool(const char *s, uint32_t *first, uint32_t *last)
{
    const char *dash = strchr(s, '-');
    uint32_t mask;

    if (!dash) {
        return parse_prefix(s, first, last, &mask);
    }
    {
        char *a = g_strstrip(g_strndup(s, (size_t) (dash - s)));
        char *b = g_strstrip(g_strdup(dash + 1));
        bool ok = parse_ip(a, first) && parse_ip(b, last) && *first <= *last;

        g_free(a);
        g_free(b);
        return ok;
    }
}

static void take_subnets(hc_dhcp_conf *c, const jnode *list, int shared)
{
    if (!list) {
        return;
    }
    if (list->type != J_LBRACKET) {
        hc__dhcp_conf_error(c, list->file, list->line,
                            "subnet4 is not a list");
        return;
    }
    for (guint i = 0; i < list->kids->len; i++) {
        const jnode *sn = list->kids->pdata[i], *pools;
        hc_dhcp_subnet s = { .shared = shared, .line = sn->line,
                             .file = sn->file };
        const char *prefix = member_str(sn, "subnet");
        uint32_t first, last;

        if (!prefix || !parse_prefix(prefix, &first, &last, &s.mask)) {
            hc__dhcp_conf_error(c, sn->file, sn->line,
                                "subnet without a valid \"subnet\"");
            continue;
        }
        s.net = first;
        g_array_append_val(c->subnets, s);
        pools = member(sn, "pools");
        for (guint k = 0; pools && pools->type == J_LBRACKET
                          && k < pools->kids->len; k++) {
            const jnode *p = pools->kids->pdata[k];
            const char *text = member_str(p, "pool");
            hc_dhcp_range r = { .shared = shared,
                                .subnet = (int) c->subnets->len - 1,
                                .in_pool = true, .line = p->line,
                                .file = p->file };

            if (!text || !parse_pool(text, &r.first, &r.last)) {
                hc__dhcp_conf_error(c, p->file, p->line, "bad pool");
                continue;
            }
            g_array_append_val(c->ranges, r);
        }
    }
}

static void take_lease_database(hc_dhcp_conf *c, const jnode *dhcp4)
{
    const jnode *db = member(dhcp4, "lease-database"), *persist;
    const char *type = member_str(db, "type"), *name;

    if (db && type && strcmp(type, "memfile")) {
        return;     /* a SQL database: no file to read */
    }
    persist = member(db, "persist");
    if (persist && persist->type == J_FALSE) {
        return;
    }
    name = member_str(db, "name");
    c->lease_file_name = g_strdup(name && *name ? name : KEA_DEFAULT_LEASES);
}

int hc__kea_conf_parse(hc_dhcp_conf *c, const char *buf, size_t len,
                       const char *file, bool follow_includes,
                       hc_dhcp_conf_reader read, void *read_data)
{
    jlex lx = { .c = c, .read = read, .read_data = read_data,
                .follow_includes = follow_includes };
    jnode *root;
    const jnode *dhcp4, *nets;
    jtok t;

    lx.src[0] = (jsrc) { .p = buf, .end = buf + len, .line = 1,
                         .file = hc__dhcp_conf_file(c, file) };
    jnext(&lx, &t);
    root = parse_value(&lx, &t, 0);
    if (root && jnext(&lx, &t) != J_END) {
        jerr(&lx, t.file, t.line, "text after the configuration");
    }
    while (lx.depth > 0) {
        g_free(lx.src[lx.depth--].data);
    }
    dhcp4 = member(root, "Dhcp4");
    if (root && !dhcp4) {
        hc__dhcp_conf_error(c, root->file, root->line, "no Dhcp4 object");
    }
    if (dhcp4) {
        take_subnets(c, member(dhcp4, "subnet4"), -1);
        nets = member(dhcp4, "shared-networks");
        for (guint i = 0; nets && nets->type == J_LBRACKET
                          && i < nets->kids->len; i++) {
            const jnode *net = nets->kids->pdata[i];
            const char *name = member_str(net, "name");
            hc_dhcp_shared sh = { .name = g_strdup(name ? name : ""),
                                  .line = net->line, .file = net->file };

            g_array_append_val(c->shared, sh);
            take_subnets(c, member(net, "subnet4"), (int) c->shared->len - 1);
        }
        take_lease_database(c, dhcp4);
    }
    jnode_free(root);
    return 0;
}

bool hc__kea_conf_detect(const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;

    while (p < end) {
        if (g_ascii_isspace(*p)) {
            p++;
        } else if (*p == '#' || (*p == '/' && end - p > 1 && p[1] == '/')) {
            const char *nl = memchr(p, '\n', (size_t) (end - p));

            p = nl ? nl : end;
        } else if (*p == '/' && end - p > 1 && p[1] == '*') {
            const char *q = memmem(p + 2, (size_t) (end - p - 2), "*/", 2);

            p = q ? q + 2 : end;
        } else {
            return *p == '{' || (end - p >= 9 && !memcmp(p, "<?include", 9));
        }
    }
    return false;
}
