/* `drbdsetup status --json` (DRBD 9; drbdsetup-84 has no --json) into the
 * DRBD model.  A small JSON reader of its own: GLib has none, and the
 * input is small and flat.  Its shape, from drbd-utils' drbdsetup:
 *   [ { "name", "role", "suspended", "write-ordering",
 *       "devices": [ { "volume", "minor", "disk-state", "quorum",
 *                      "size", "read", "written", ... } ],
 *       "connections": [ { "peer-node-id", "name", "connection-state",
 *                          "congested", "peer-role",
 *                          "peer_devices": [ { "volume",
 *                              "replication-state", "peer-disk-state",
 *                              "resync-suspended", "received", "sent",
 *                              "out-of-sync", "pending", "unacked",
 *                              "percent-in-sync", ... } ] } ] } ] */
#include "drbd.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;

typedef struct jval {
    jtype type;
    bool b;
    double num;
    char *str;             /* J_STR */
    GPtrArray *items;      /* J_ARR: jval*; J_OBJ: jval* with key set */
    char *key;             /* member name when inside an object */
} jval;

typedef struct jparser {
    const char *p, *end;
    int depth;
    const char *err;
} jparser;

#define J_MAX_DEPTH 32

static void jval_free(void *v)
{
    jval *j = v;

    if (!j) {
        return;
    }
    g_free(j->str);
    g_free(j->key);
    if (j->items) {
        g_ptr_array_free(j->items, TRUE);
    }
    g_free(j);
}

static void skip_ws(jparser *P)
{
    while (P->p < P->end && isspace((unsigned char)*P->p)) {
        P->p++;
    }
}

static jval *parse_value(jparser *P);

/* Strings: escapes are decoded; \u to '?' unless ASCII, which is all
 * drbdsetup prints. */
static char *parse_string(jparser *P)
{
    GString *s;

    if (P->p >= P->end || *P->p != '"') {
        P->err = "expected a string";
        return NULL;
    }
    P->p++;
    s = g_string_new(NULL);
    while (P->p < P->end && *P->p != '"') {
        char c = *P->p++;
        if ((unsigned char)c < 0x20) {
            P->err = "control character in a string";
            g_string_free(s, TRUE);
            return NULL;
        }
        if (c == '\\') {
            if (P->p >= P->end) {
                break;
            }
            c = *P->p++;
            switch (c) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u': {
                unsigned v = 0;
                for (int i = 0; i < 4; i++) {
                    if (P->p >= P->end || !isxdigit((unsigned char)*P->p)) {
                        P->err = "bad \\u escape";
                        g_string_free(s, TRUE);
                        return NULL;
                    }
                    v = v * 16 + (unsigned)g_ascii_xdigit_value(*P->p++);
                }
                c = v < 0x80 && v >= 0x20 ? (char)v : '?';
                break;
            }
            case '"': case '\\': case '/':
                break;
            default:
                P->err = "bad escape";
                g_string_free(s, TRUE);
                return NULL;
            }
        }
        g_string_append_c(s, c);
        if (s->len > 4096) {
            P->err = "string too long";
            g_string_free(s, TRUE);
            return NULL;
        }
    }
    if (P->p >= P->end) {
        P->err = "unterminated string";
        g_string_free(s, TRUE);
        return NULL;
    }
    P->p++;
    return g_string_free(s, FALSE);
}

static jval *parse_container(jparser *P, bool obj)
{
    jval *j = g_new0(jval, 1);
    char close = obj ? '}' : ']';

    j->type = obj ? J_OBJ : J_ARR;
    j->items = g_ptr_array_new_with_free_func(jval_free);
    if (++P->depth > J_MAX_DEPTH) {
        P->err = "nested too deep";
        goto fail;
    }
    P->p++;
    skip_ws(P);
    if (P->p < P->end && *P->p == close) {
        P->p++;
        P->depth--;
        return j;
    }
    for (;;) {
        char *key = NULL;
        jval *v;
        skip_ws(P);
        if (obj) {
            key = parse_string(P);
            if (!key) {
                goto fail;
            }
            skip_ws(P);
            if (P->p >= P->end || *P->p != ':') {
                g_free(key);
                P->err = "expected ':'";
                goto fail;
            }
            P->p++;
        }
        v = parse_value(P);
        if (!v) {
            g_free(key);
            goto fail;
        }
        v->key = key;
        g_ptr_array_add(j->items, v);
        skip_ws(P);
        if (P->p < P->end && *P->p == ',') {
            P->p++;
            continue;
        }
        if (P->p < P->end && *P->p == close) {
            P->p++;
            P->depth--;
            return j;
        }
        P->err = obj ? "expected ',' or '}'" : "expected ',' or ']'";
        goto fail;
    }
fail:
    jval_free(j);
    return NULL;
}

static jval *parse_value(jparser *P)
{
    jval *j;

    skip_ws(P);
    if (P->p >= P->end) {
        P->err = "unexpected end";
        return NULL;
    }
    if (*P->p == '{' || *P->p == '[') {
        return parse_container(P, *P->p == '{');
    }
    j = g_new0(jval, 1);
    if (*P->p == '"') {
        j->type = J_STR;
        j->str = parse_string(P);
        if (!j->str) {
            g_free(j);
            return NULL;
        }
        return j;
    }
    if ((size_t)(P->end - P->p) >= 4 && !memcmp(P->p, "true", 4)) {
        j->type = J_BOOL;
        j->b = true;
        P->p += 4;
        return j;
    }
    if ((size_t)(P->end - P->p) >= 5 && !memcmp(P->p, "false", 5)) {
        j->type = J_BOOL;
        P->p += 5;
        return j;
    }
    if ((size_t)(P->end - P->p) >= 4 && !memcmp(P->p, "null", 4)) {
        j->type = J_NULL;
        P->p += 4;
        return j;
    }
    if (*P->p == '-' || isdigit((unsigned char)*P->p)) {
        char tmp[40];
        size_t n = 0;
        char *e;
        while (P->p + n < P->end && n < sizeof(tmp) - 1
               && strchr("0123456789+-.eE", P->p[n])) {
            n++;
        }
        memcpy(tmp, P->p, n);
        tmp[n] = '\0';
        j->num = g_ascii_strtod(tmp, &e);
        if (e == tmp || !isfinite(j->num)) {
            g_free(j);
            P->err = "bad number";
            return NULL;
        }
        j->type = J_NUM;
        P->p += e - tmp;
        return j;
    }
    g_free(j);
    P->err = "unexpected character";
    return NULL;
}

static const jval *member(const jval *o, const char *key)
{
    if (!o || o->type != J_OBJ) {
        return NULL;
    }
    for (guint i = 0; i < o->items->len; i++) {
        const jval *v = o->items->pdata[i];
        if (!strcmp(v->key, key)) {
            return v;
        }
    }
    return NULL;
}

/* The fields as events2 would spell them: the events2 line reader then
 * does the rest, so both inputs meet in one model the same way. */
static void add_word(GString *line, const char *key, const jval *v)
{
    if (!v) {
        return;
    }
    switch (v->type) {
    case J_STR:
        if (*v->str && !strpbrk(v->str, " \n\t")) {
            g_string_append_printf(line, " %s:%s", key, v->str);
        }
        break;
    case J_BOOL:
        g_string_append_printf(line, " %s:%s", key, v->b ? "yes" : "no");
        break;
    case J_NUM:
        if (v->num >= 0 && v->num < 1e18) {
            g_string_append_printf(line, " %s:%.0f", key, floor(v->num));
        }
        break;
    default:
        break;
    }
}

static int feed_line(hc_drbd *d, GString *line, double now)
{
    int rc = hc_drbd_feed_events2_line(d, line->str, line->len, now);

    g_string_truncate(line, 0);
    return rc < 0 ? rc : 0;
}

/* An events2 word and the JSON member it is read from. */
typedef struct word_map {
    const char *word;
    const char *member;
} word_map;

/* A connection's words; its first two also name it in a peer-device
 * line. */
static const word_map connection_words[] = {
    { "peer-node-id", "peer-node-id" },
    { "conn-name", "name" },
    { "connection", "connection-state" },
    { "role", "peer-role" },
    { "congested", "congested" },
};
#define CONNECTION_ID_WORDS 2

static const word_map device_words[] = {
    { "volume", "volume" },
    { "minor", "minor" },
    { "disk", "disk-state" },
    { "quorum", "quorum" },
    { "size", "size" },
    { "read", "read" },
    { "written", "written" },
};

static const word_map peer_device_words[] = {
    { "volume", "volume" },
    { "replication", "replication-state" },
    { "peer-disk", "peer-disk-state" },
    { "resync-suspended", "resync-suspended" },
    { "received", "received" },
    { "sent", "sent" },
    { "out-of-sync", "out-of-sync" },
    { "pending", "pending" },
    { "unacked", "unacked" },
};

static void add_words(GString *line, const jval *o, const word_map *map,
                      size_t n)
{
    for (size_t i = 0; i < n; i++) {
        add_word(line, map[i].word, member(o, map[i].member));
    }
}

/* "exists WHAT name:NAME", the start of every line of a resource. */
static void start_line(GString *line, const char *what, const jval *name)
{
    g_string_append_printf(line, "exists %s", what);
    add_word(line, "name", name);
}

/* Item i of arr, NULL past its end or when arr is not an array. */
static const jval *item(const jval *arr, guint i)
{
    if (!arr || arr->type != J_ARR || i >= arr->items->len) {
        return NULL;
    }
    return arr->items->pdata[i];
}

static int feed_resource(hc_drbd *d, const jval *r, double now)
{
    GString *l = g_string_new(NULL);
    const jval *name = member(r, "name"), *sus, *v, *c, *p;
    int rc = 0;

    if (!name || name->type != J_STR) {
        g_string_free(l, TRUE);
        return -EINVAL;
    }
    start_line(l, "resource", name);
    add_word(l, "role", member(r, "role"));
    /* JSON says suspended: false/true; events2 says no or why. */
    sus = member(r, "suspended");
    if (sus && sus->type == J_BOOL) {
        g_string_append(l, sus->b ? " suspended:yes" : " suspended:no");
    } else {
        add_word(l, "suspended", sus);
    }
    add_word(l, "write-ordering", member(r, "write-ordering"));
    rc = feed_line(d, l, now);
    for (guint i = 0; !rc && (v = item(member(r, "devices"), i)); i++) {
        start_line(l, "device", name);
        add_words(l, v, device_words, G_N_ELEMENTS(device_words));
        rc = feed_line(d, l, now);
    }
    for (guint i = 0; !rc && (c = item(member(r, "connections"), i)); i++) {
        start_line(l, "connection", name);
        add_words(l, c, connection_words, G_N_ELEMENTS(connection_words));
        rc = feed_line(d, l, now);
        for (guint k = 0; !rc && (p = item(member(c, "peer_devices"), k));
             k++) {
            start_line(l, "peer-device", name);
            add_words(l, c, connection_words, CONNECTION_ID_WORDS);
            add_words(l, p, peer_device_words,
                      G_N_ELEMENTS(peer_device_words));
            rc = feed_line(d, l, now);
        }
    }
    g_string_free(l, TRUE);
    return rc;
}

int hc_drbd_feed_status_json(hc_drbd *d, const char *buf, size_t len,
                             double now)
{
    jparser P = { buf, buf + len, 0, NULL };
    jval *root;
    int rc = 0;

    if (!d || (!buf && len)) {
        return -EINVAL;
    }
    root = parse_value(&P);
    if (root) {
        skip_ws(&P);
        if (P.p != P.end) {
            P.err = "trailing text after the JSON value";
        }
    }
    if (!root || P.err || root->type != J_ARR) {
        if (!d->err[0]) {
            snprintf(d->err, sizeof(d->err), "status --json: %s at byte %ld",
                     P.err ? P.err : "not an array of resources",
                     (long)(P.p - buf));
        }
        jval_free(root);
        return -EINVAL;
    }
    d->sources |= HC_DRBD_SRC_JSON;
    for (guint i = 0; i < root->items->len && rc == 0; i++) {
        rc = feed_resource(d, root->items->pdata[i], now);
    }
    if (rc < 0 && !d->err[0]) {
        snprintf(d->err, sizeof(d->err), "status --json: resource %u "
                 "without a name", root->items->len);
    }
    jval_free(root);
    return rc;
}
