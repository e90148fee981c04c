/* `drbdsetup events2 --timestamps --statistics` into the DRBD model:
 * one line at a time, each an action (exists, create, change, destroy,
 * call, response) on an object (resource, device, connection,
 * peer-device) with key:value fields. */
#include "drbd_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- drbdsetup events2 --------------------------------------------------- */

/* "2026-11-25T13:59:58.062374+00:00" to seconds since the epoch. */
static bool parse_timestamp(const char *s, size_t len, double *ret)
{
    char tmp[48];
    struct tm tm;
    char *p;
    double frac = 0;
    int off = 0;
    time_t t;

    if (len < 19 || len >= sizeof(tmp) || s[10] != 'T') {
        return false;
    }
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    memset(&tm, 0, sizeof(tm));
    p = strptime(tmp, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!p) {
        return false;
    }
    if (*p == '.') {
        char *e;
        frac = strtod(p, &e);
        p = e;
        /* ".5e999" is a number to strtod, not a fraction of a second. */
        if (!(frac >= 0 && frac < 1)) {
            return false;
        }
    }
    if (*p == '+' || *p == '-') {
        unsigned hh = 0, mm = 0;
        if (sscanf(p + 1, "%2u:%2u", &hh, &mm) < 1) {
            return false;
        }
        off = (int)(hh * 3600 + mm * 60) * (*p == '-' ? -1 : 1);
    } else if (*p == 'Z') {
        off = 0;
    } else if (*p) {
        return false;
    }
    t = timegm(&tm);
    if (t == (time_t)-1) {
        return false;
    }
    *ret = (double)t - off + frac;
    return true;
}

typedef struct ev_kv {
    const char *k, *v;
    size_t klen, vlen;
} ev_kv;

#define EV_MAX_KV 48

static const ev_kv *ev_get(const ev_kv *kv, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++) {
        if (hc__drbd_word_eq(kv[i].k, kv[i].klen, key)) {
            return &kv[i];
        }
    }
    return NULL;
}

static bool ev_int(const ev_kv *kv, size_t n, const char *key, int *ret)
{
    const ev_kv *e = ev_get(kv, n, key);
    uint64_t v;

    if (!e || hc__drbd_parse_u64(e->v, e->vlen, &v) != e->vlen
        || v > INT32_MAX) {
        return false;
    }
    *ret = (int)v;
    return true;
}

static bool ev_u64(const ev_kv *kv, size_t n, const char *key,
                   uint64_t *ret)
{
    const ev_kv *e = ev_get(kv, n, key);

    return e && e->vlen && hc__drbd_parse_u64(e->v, e->vlen, ret) == e->vlen;
}

static int ev_error(hc_drbd *d, const char *why)
{
    if (!d->err[0]) {
        g_strlcpy(d->err, why, sizeof(d->err));
    }
    return -EINVAL;
}

#define EV_STATE(key, what, field)                                            \
    do {                                                                      \
        const ev_kv *e_ = ev_get(kv, n, key);                                 \
        if (e_) {                                                             \
            hc__drbd_set_state(d, r, t, what, field, e_->v, e_->vlen);        \
        }                                                                     \
    } while (0)

static bool ev_yes(const ev_kv *e)
{
    return e && hc__drbd_word_eq(e->v, e->vlen, "yes");
}

/* A minor is one device: when events2 names it, a resource that /proc
 * knew only by its minor ("minor1") goes, so that the two never show as
 * two resources. */
static void drop_minor(hc_drbd *d, int minor)
{
    hc_drbd_resource *r = NULL;
    hc_drbd_device *v = hc_drbd_find_minor(d, minor, &r);

    if (!v) {
        return;
    }
    g_ptr_array_remove(r->devices, v);
    if (!r->devices->len) {
        g_ptr_array_remove(d->resources, r);
    }
    d->dirty = true;
}

/* drbd-utils 9 drives 8.4 through drbdsetup-84, whose events2 names the
 * one peer "peer" (node 0) and says "Connecting" where 8.4's /proc/drbd
 * says "WFConnection": that word is kept beside, as /proc/drbd would give
 * it, so that either source shows both. */
static void note_proc_cstate(const hc_drbd *d, hc_drbd_connection *c)
{
    bool is84 = d->version_major == 8
        || (d->version_major == 0 && c->peer_node_id == 0
            && !strcmp(c->name, "peer"));

    if (!is84 || strcmp(c->cstate, "Connecting")) {
        c->cstate_proc[0] = '\0';
    } else if (!c->cstate_proc[0]) {
        strcpy(c->cstate_proc, "WFConnection");
    }
}

/* One events2 line cut into its words: [timestamp] action object
 * key:value... */
typedef struct ev_line {
    const char *words[2];   /* the action and the object */
    size_t wlen[2];
    int nw;
    ev_kv kv[EV_MAX_KV];
    size_t n;
    double t;               /* the line's time */
} ev_line;

/* Splits line into ev (which points into line).  The timestamp is the
 * line's time when now is negative. */
static int ev_split(hc_drbd *d, const char *line, size_t len, double now,
                    ev_line *ev)
{
    size_t i = 0, w0;
    double ts;

    ev->nw = 0;
    ev->n = 0;
    ev->t = now;
    while (i < len) {
        const char *c;

        while (i < len && line[i] == ' ') {
            i++;
        }
        w0 = i;
        while (i < len && line[i] != ' ') {
            i++;
        }
        if (i == w0) {
            break;
        }
        if (ev->nw == 0 && ev->n == 0 && isdigit((unsigned char)line[w0])
            && parse_timestamp(line + w0, i - w0, &ts)) {
            if (now < 0) {
                ev->t = ts;
            }
            continue;
        }
        if (ev->nw < 2) {
            ev->words[ev->nw] = line + w0;
            ev->wlen[ev->nw++] = i - w0;
            continue;
        }
        c = memchr(line + w0, ':', i - w0);
        if (!c) {
            return ev_error(d, "events2: word without ':'");
        }
        if (ev->n == EV_MAX_KV) {
            return ev_error(d, "events2: too many fields");
        }
        ev->kv[ev->n].k = line + w0;
        ev->kv[ev->n].klen = (size_t)(c - (line + w0));
        ev->kv[ev->n].v = c + 1;
        ev->kv[ev->n].vlen = i - w0 - ev->kv[ev->n].klen - 1;
        ev->n++;
    }
    return 0;
}

static bool ev_action_is(const ev_line *ev, const char *action)
{
    return hc__drbd_word_eq(ev->words[0], ev->wlen[0], action);
}

static bool ev_object_is(const ev_line *ev, const char *object)
{
    return hc__drbd_word_eq(ev->words[1], ev->wlen[1], object);
}

/* "call helper" and "response helper": the history says which helper
 * the kernel called and what it returned. */
static int ev_helper(hc_drbd *d, const ev_line *ev, const char *rname)
{
    const ev_kv *h = ev_get(ev->kv, ev->n, "helper");
    const ev_kv *st = ev_get(ev->kv, ev->n, "status");
    char hw[HC_DRBD_WORD_MAX] = "?", sw[16] = "";
    bool called = *ev->words[0] == 'c';
    hc_drbd_resource *r = hc_drbd_find(d, rname);

    if (!r) {
        return 0;
    }
    if (h) {
        hc__drbd_copy_word(hw, sizeof(hw), h->v, h->vlen);
    }
    /* The kernel calls the split-brain helper when it gave up on
     * merging: the connection stays StandAlone until an operator
     * discards one side's data. */
    if (!strcmp(hw, "split-brain") && called) {
        r->split_brain = true;
    }
    if (st) {
        hc__drbd_copy_word(sw, sizeof(sw), st->v, st->vlen);
    }
    hc__drbd_history_add(r, ev->t, g_strdup_printf("%s helper %s%s%s",
                                          called ? "called" : "returned",
                                          hw, st ? " status " : "", sw));
    d->dirty = true;
    return 0;
}

static int ev_resource(hc_drbd *d, const ev_line *ev, const char *rname,
                       bool destroy)
{
    const ev_kv *kv = ev->kv, *e;
    size_t n = ev->n;
    double t = ev->t;
    hc_drbd_resource *r;

    if (destroy) {
        r = hc_drbd_find(d, rname);
        if (r) {
            g_ptr_array_remove(d->resources, r);
            d->dirty = true;
        }
        return 0;
    }
    r = hc__drbd_resource_get(d, rname);
    EV_STATE("role", "role", r->role);
    EV_STATE("suspended", "suspended", r->suspended);
    e = ev_get(kv, n, "write-ordering");
    if (e) {
        hc__drbd_set_word(r->write_ordering, sizeof(r->write_ordering), e->v,
                          e->vlen);
    }
    return 0;
}

static int ev_device(hc_drbd *d, hc_drbd_resource *r, const ev_line *ev,
                     bool destroy)
{
    const ev_kv *kv = ev->kv, *e;
    size_t n = ev->n;
    double t = ev->t;
    int vol = 0, minor;
    hc_drbd_device *v;

    if (!ev_int(kv, n, "volume", &vol)) {
        return ev_error(d, "events2: device without volume:");
    }
    if (destroy) {
        for (guint k = 0; k < r->devices->len; k++) {
            v = r->devices->pdata[k];
            if (v->volume == vol) {
                g_ptr_array_remove_index(r->devices, k);
                break;
            }
        }
        d->dirty = true;
        return 0;
    }
    v = hc__drbd_device_get(r, vol);
    if (ev_int(kv, n, "minor", &minor) && v->minor != minor) {
        drop_minor(d, minor);
        v->minor = minor;
    }
    EV_STATE("disk", "disk", v->disk);
    ev_u64(kv, n, "size", &v->size_kib);
    ev_u64(kv, n, "read", &v->read_kib);
    ev_u64(kv, n, "written", &v->written_kib);
    e = ev_get(kv, n, "quorum");
    if (e) {
        int q = ev_yes(e) ? 1 : 0;
        if (q != v->quorum && v->quorum >= 0) {
            hc__drbd_history_add(r, t, g_strdup_printf("quorum %s",
                                              q ? "gained" : "lost"));
        }
        v->quorum = q;
    }
    e = ev_get(kv, n, "blocked");
    if (e) {
        v->blocked = !hc__drbd_word_eq(e->v, e->vlen, "no");
    }
    d->dirty = true;
    return 0;
}

static int ev_peer_device(hc_drbd *d, hc_drbd_resource *r,
                          hc_drbd_connection *c, const ev_line *ev,
                          bool destroy)
{
    const ev_kv *kv = ev->kv, *e;
    size_t n = ev->n;
    double t = ev->t;
    int vol = 0;
    hc_drbd_peer_device *p;
    uint64_t oos;
    bool was_sync, known;

    if (!ev_int(kv, n, "volume", &vol)) {
        return ev_error(d, "events2: peer-device without volume:");
    }
    if (destroy) {
        for (guint k = 0; k < c->peer_devices->len; k++) {
            p = c->peer_devices->pdata[k];
            if (p->volume == vol) {
                g_ptr_array_remove_index(c->peer_devices, k);
                break;
            }
        }
        d->dirty = true;
        return 0;
    }
    p = hc__drbd_peer_device_get(c, vol);
    was_sync = hc_drbd_repl_is_sync(p->repl);
    known = p->repl[0] != '\0';
    EV_STATE("replication", "replication", p->repl);
    hc__drbd_note_sync_start(p, known, was_sync);
    if (p->repl[0] && strcmp(p->repl, "Off")) {
        r->split_brain = false;
    }
    EV_STATE("peer-disk", "peer disk", p->peer_disk);
    e = ev_get(kv, n, "resync-suspended");
    if (e) {
        hc__drbd_set_word(p->resync_suspended, sizeof(p->resync_suspended),
                          e->v, e->vlen);
    }
    ev_u64(kv, n, "received", &p->received_kib);
    ev_u64(kv, n, "sent", &p->sent_kib);
    ev_u64(kv, n, "pending", &p->pending);
    ev_u64(kv, n, "unacked", &p->unacked);
    /* DRBD 9 reports the percentage itself during a resync. */
    e = ev_get(kv, n, "done");
    if (e) {
        double pct;
        if (hc__drbd_parse_double(e->v, e->vlen, &pct)) {
            p->done_pct = pct;
        }
    }
    if (ev_u64(kv, n, "out-of-sync", &oos)) {
        hc__drbd_peer_device_sample(p, t, oos, ev_get(kv, n, "done") != NULL);
    } else if (!hc_drbd_repl_is_sync(p->repl)) {
        hc__drbd_peer_device_sample(p, t, p->oos_kib, false);
    }
    d->dirty = true;
    return 0;
}

/* A connection line, or a peer-device line (which names its
 * connection's peer). */
static int ev_connection(hc_drbd *d, hc_drbd_resource *r, const ev_line *ev,
                         bool destroy)
{
    const ev_kv *kv = ev->kv;
    size_t n = ev->n;
    double t = ev->t;
    bool is_conn = ev_object_is(ev, "connection");
    int peer = 0;
    const ev_kv *cn = ev_get(kv, n, "conn-name");
    char cname[HC_DRBD_NAME_MAX] = "peer";
    hc_drbd_connection *c = NULL;

    if (!ev_int(kv, n, "peer-node-id", &peer)) {
        return ev_error(d, "events2: no peer-node-id:");
    }
    if (cn) {
        hc__drbd_copy_word(cname, sizeof(cname), cn->v, cn->vlen);
    }
    for (guint k = 0; k < r->connections->len; k++) {
        hc_drbd_connection *ck = r->connections->pdata[k];
        if (ck->peer_node_id == peer) {
            c = ck;
            if (destroy && is_conn) {
                g_ptr_array_remove_index(r->connections, k);
                d->dirty = true;
                return 0;
            }
        }
    }
    if (destroy && !c) {
        return 0;
    }
    if (!c) {
        c = hc__drbd_connection_get(r, peer, cname);
    }
    g_strlcpy(c->name, cname, sizeof(c->name));
    if (!is_conn) {
        return ev_peer_device(d, r, c, ev, destroy);
    }
    EV_STATE("connection", "connection", c->cstate);
    note_proc_cstate(d, c);
    EV_STATE("role", "peer role", c->peer_role);
    c->congested = ev_yes(ev_get(kv, n, "congested"));
    d->dirty = true;
    return 0;
}

int hc_drbd_feed_events2_line(hc_drbd *d, const char *line, size_t len,
                              double now)
{
    ev_line ev;
    bool destroy, create;
    const ev_kv *name;
    char rname[HC_DRBD_NAME_MAX];
    hc_drbd_resource *r;
    int rc;

    if (!d || (!line && len)) {
        return -EINVAL;
    }
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) {
        len--;
    }
    d->sources |= HC_DRBD_SRC_EVENTS2;
    rc = ev_split(d, line, len, now, &ev);
    if (rc < 0) {
        return rc;
    }
    if (ev.nw == 0) {
        return 0;   /* empty line */
    }
    if (ev.nw < 2) {
        return ev_error(d, "events2: no object");
    }
    if (ev.t < 0) {
        ev.t = d->last_update;
    }
    d->last_update = ev.t;
    if (ev_object_is(&ev, "-")) {
        if (ev_action_is(&ev, "exists")) {
            d->dump_done = true;
            d->dirty = true;
            return 1;
        }
        return 0;
    }
    destroy = ev_action_is(&ev, "destroy");
    create = ev_action_is(&ev, "create");
    if (!destroy && !create && !ev_action_is(&ev, "exists")
        && !ev_action_is(&ev, "change") && !ev_action_is(&ev, "call")
        && !ev_action_is(&ev, "response")) {
        return ev_error(d, "events2: unknown action");
    }
    name = ev_get(ev.kv, ev.n, "name");
    if (!name || !name->vlen) {
        return ev_error(d, "events2: no name:");
    }
    hc__drbd_copy_word(rname, sizeof(rname), name->v, name->vlen);
    if (ev_action_is(&ev, "call") || ev_action_is(&ev, "response")) {
        return ev_helper(d, &ev, rname);
    }
    if (ev_object_is(&ev, "resource")) {
        return ev_resource(d, &ev, rname, destroy);
    }
    r = destroy ? hc_drbd_find(d, rname) : hc__drbd_resource_get(d, rname);
    if (!r) {
        return 0;
    }
    if (ev_object_is(&ev, "device")) {
        return ev_device(d, r, &ev, destroy);
    }
    if (ev_object_is(&ev, "connection") || ev_object_is(&ev, "peer-device")) {
        return ev_connection(d, r, &ev, destroy);
    }
    /* path, helper and objects of newer versions: nothing to show. */
    return 0;
}

int hc_drbd_feed_events2(hc_drbd *d, const char *buf, size_t len,
                         double now)
{
    const char *p = buf, *end = buf + len;
    int lineno = 0, rc = 0, r;

    if (!d || (!buf && len)) {
        return -EINVAL;
    }
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        lineno++;
        r = hc_drbd_feed_events2_line(d, p, l, now);
        if (r < 0) {
            if (!d->err_line) {
                d->err_line = lineno;
            }
            return r;
        }
        if (r > 0) {
            rc = r;
        }
        p = nl ? nl + 1 : end;
    }
    return rc;
}

