/* /proc/drbd of DRBD 8.4 into the DRBD model: a resource per minor
 * (named later from the configuration), its connection, disk and sync
 * progress lines. */
#include "drbd_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- /proc/drbd (8.4) -------------------------------------------------- */

int hc_drbd_parse_version(const char *buf, size_t len, int *ret_major,
                          char *ret_version, size_t n)
{
    const char *p, *end = buf + len;

    /* /proc/drbd: "version: 8.4.11 (api:1/proto:86-101)" */
    for (p = buf; p && p < end; ) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        unsigned a, b, c;
        char line[128];
        if (l < sizeof(line)) {
            memcpy(line, p, l);
            line[l] = '\0';
            if (sscanf(line, "version: %u.%u.%u", &a, &b, &c) == 3
                || sscanf(line, "DRBD_KERNEL_VERSION=%u.%u.%u", &a, &b, &c)
                    == 3) {
                *ret_major = (int)a;
                if (ret_version) {
                    snprintf(ret_version, n, "%u.%u.%u", a, b, c);
                }
                return 0;
            }
            /* drbdadm --version: "DRBD_KERNEL_VERSION_CODE=0x08040b" */
            if (sscanf(line, "DRBD_KERNEL_VERSION_CODE=0x%x", &a) == 1
                && a) {
                *ret_major = (int)(a >> 16);
                if (ret_version) {
                    snprintf(ret_version, n, "%u.%u.%u", a >> 16,
                             (a >> 8) & 0xff, a & 0xff);
                }
                return 0;
            }
        }
        p = nl ? nl + 1 : NULL;
    }
    return -ENOENT;
}

static int proc_error(hc_drbd *d, int line, const char *why)
{
    if (!d->err_line) {
        d->err_line = line;
        g_strlcpy(d->err, why, sizeof(d->err));
    }
    return -EINVAL;
}

/* The connection states of 8.4 that are not "connected": the others are
 * replication states of a connected peer. */
static bool proc_cs_is_connection(const char *cs, size_t len)
{
    static const char *const conn[] = {
        "StandAlone", "Disconnecting", "Unconnected", "Timeout",
        "BrokenPipe", "NetworkFailure", "ProtocolError", "TearDown",
        "WFConnection", "WFReportParams", "Unconfigured",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(conn); i++) {
        if (hc__drbd_word_eq(cs, len, conn[i])) {
            return true;
        }
    }
    return false;
}

typedef struct proc_ctx {
    hc_drbd_resource *r;
    hc_drbd_device *v;
    hc_drbd_connection *c;
    hc_drbd_peer_device *p;
    bool have_pct;
} proc_ctx;

static void proc_ctx_flush(hc_drbd *d, proc_ctx *x, double now)
{
    if (x->p) {
        if (!x->have_pct) {
            x->p->kernel_speed_kib_s = -1;
            x->p->kernel_eta_s = -1;
            x->p->kernel_done_pct = -1;
        }
        hc__drbd_peer_device_sample(x->p, now, x->p->oos_kib, x->have_pct);
        if (!x->have_pct && !hc_drbd_repl_is_sync(x->p->repl)) {
            x->p->done_pct = -1;
        }
    }
    memset(x, 0, sizeof(*x));
}

/* " 1: cs:SyncSource ro:Primary/Secondary ds:UpToDate/Inconsistent C r-----" */
static int proc_minor_line(hc_drbd *d, proc_ctx *x, const char *s, size_t len,
                           double now, GHashTable *names, int lineno)
{
    uint64_t minor;
    size_t i = 0, k;
    const char *name;
    char buf[HC_DRBD_NAME_MAX];
    const char *cs = NULL, *ro = NULL, *ds = NULL;
    size_t cs_len = 0, ro_len = 0, ds_len = 0;
    const char *flags = NULL;
    size_t flags_len = 0;

    while (i < len && s[i] == ' ') {
        i++;
    }
    k = hc__drbd_parse_u64(s + i, len - i, &minor);
    if (!k || i + k >= len || s[i + k] != ':' || minor > 1048575) {
        return proc_error(d, lineno, "bad minor line");
    }
    i += k + 1;
    while (i < len) {
        size_t w0;
        while (i < len && s[i] == ' ') {
            i++;
        }
        w0 = i;
        while (i < len && s[i] != ' ') {
            i++;
        }
        if (i == w0) {
            break;
        }
        if (i - w0 > 3 && !memcmp(s + w0, "cs:", 3)) {
            cs = s + w0 + 3;
            cs_len = i - w0 - 3;
        } else if (i - w0 > 3 && !memcmp(s + w0, "ro:", 3)) {
            ro = s + w0 + 3;
            ro_len = i - w0 - 3;
        } else if (i - w0 > 3 && !memcmp(s + w0, "ds:", 3)) {
            ds = s + w0 + 3;
            ds_len = i - w0 - 3;
        } else if (ds && i - w0 >= 4 && (s[w0] == 'r' || s[w0] == 's')
                   && strchr("-a", s[w0 + 1])) {
            flags = s + w0;
            flags_len = i - w0;
        }
    }
    if (!cs) {
        return proc_error(d, lineno, "minor line without cs:");
    }
    if (hc__drbd_word_eq(cs, cs_len, "Unconfigured")) {
        return 0;
    }
    if (!hc_drbd_find_minor(d, (int)minor, &x->r)) {
        bool unknown = false;
        snprintf(buf, sizeof(buf), "%u", (unsigned)minor);
        name = names ? g_hash_table_lookup(names, buf) : NULL;
        if (!name || !*name) {
            snprintf(buf, sizeof(buf), "minor%u", (unsigned)minor);
            name = buf;
            unknown = true;
        }
        {
            char clean[HC_DRBD_NAME_MAX];
            hc__drbd_copy_word(clean, sizeof(clean), name, strlen(name));
            x->r = hc__drbd_resource_get(d, clean);
            x->r->name_unknown = unknown;
        }
        /* 8.4 has one volume per minor as /proc shows it; a resource
         * named from the table may already have volume 0. */
        x->v = hc__drbd_device_get(x->r, (int)x->r->devices->len);
        x->v->minor = (int)minor;
    } else {
        x->v = hc_drbd_find_minor(d, (int)minor, &x->r);
    }
    /* drbdsetup-84 events2 names the one peer "peer", node id 0: the same
     * here so that both inputs meet in one object. */
    x->c = x->r->connections->len ? x->r->connections->pdata[0]
                                  : hc__drbd_connection_get(x->r, 0, "peer");
    x->p = hc__drbd_peer_device_get(x->c, x->v->volume);
    if (proc_cs_is_connection(cs, cs_len)) {
        /* One vocabulary, events2's (and DRBD 9's): 8.4's waiting states
         * are "Connecting" there; /proc/drbd's word is kept beside. */
        if (hc__drbd_word_eq(cs, cs_len, "WFConnection")
            || hc__drbd_word_eq(cs, cs_len, "WFReportParams")) {
            hc__drbd_set_word(x->c->cstate_proc, sizeof(x->c->cstate_proc), cs,
                              cs_len);
            cs = "Connecting";
            cs_len = strlen(cs);
        } else {
            x->c->cstate_proc[0] = '\0';
        }
        hc__drbd_set_state(d, x->r, now, "connection", x->c->cstate, cs,
                           cs_len);
        hc__drbd_set_state(d, x->r, now, "replication", x->p->repl, "Off", 3);
    } else {
        bool was_sync = hc_drbd_repl_is_sync(x->p->repl);
        bool known = x->p->repl[0] != '\0';
        x->c->cstate_proc[0] = '\0';
        hc__drbd_set_state(d, x->r, now, "connection", x->c->cstate,
                           "Connected", 9);
        if (hc__drbd_word_eq(cs, cs_len, "Connected")) {
            cs = "Established";
            cs_len = strlen(cs);
        }
        hc__drbd_set_state(d, x->r, now, "replication", x->p->repl, cs, cs_len);
        hc__drbd_note_sync_start(x->p, known, was_sync);
    }
    if (ro) {
        const char *sl = memchr(ro, '/', ro_len);
        if (!sl) {
            return proc_error(d, lineno, "ro: without '/'");
        }
        hc__drbd_set_state(d, x->r, now, "role", x->r->role, ro,
                           (size_t) (sl - ro));
        hc__drbd_set_state(d, x->r, now, "peer role", x->c->peer_role, sl + 1,
                           ro_len - (size_t) (sl - ro) - 1);
    }
    if (ds) {
        const char *sl = memchr(ds, '/', ds_len);
        if (!sl) {
            return proc_error(d, lineno, "ds: without '/'");
        }
        hc__drbd_set_state(d, x->r, now, "disk", x->v->disk, ds,
                           (size_t) (sl - ds));
        hc__drbd_set_state(d, x->r, now, "peer disk", x->p->peer_disk, sl + 1,
                           ds_len - (size_t) (sl - ds) - 1);
    }
    if (flags && flags_len >= 4) {
        /* r/s: I/O running or suspended; then a (after-sync dependency),
         * p (peer), u (user): why a resync is paused. */
        char why[HC_DRBD_WORD_MAX] = "";
        if (flags[1] == 'a') {
            g_strlcat(why, "dependency", sizeof(why));
        }
        if (flags[2] == 'p') {
            g_strlcat(why, *why ? ",peer" : "peer", sizeof(why));
        }
        if (flags[3] == 'u') {
            g_strlcat(why, *why ? ",user" : "user", sizeof(why));
        }
        if (!*why) {
            strcpy(why, "no");
        }
        hc__drbd_set_word(x->p->resync_suspended, HC_DRBD_WORD_MAX, why,
                          strlen(why));
        hc__drbd_set_state(d, x->r, now, "suspended", x->r->suspended,
                           flags[0] == 's' ? "user" : "no",
                           flags[0] == 's' ? 4 : 2);
    }
    return 0;
}

/* "    ns:0 nr:0 dw:0 dr:0 al:8 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:65496" */
static void proc_counters_line(hc_drbd *d, proc_ctx *x, const char *s,
                               size_t len)
{
    size_t i = 0;

    while (i < len) {
        size_t w0, colon;
        uint64_t v = 0;
        while (i < len && (s[i] == ' ' || s[i] == '\t')) {
            i++;
        }
        w0 = i;
        while (i < len && s[i] != ' ' && s[i] != '\t') {
            i++;
        }
        for (colon = w0; colon < i && s[colon] != ':'; colon++) {
        }
        if (colon >= i) {
            continue;
        }
        if (!hc__drbd_parse_u64(s + colon + 1, i - colon - 1, &v)) {
            if (hc__drbd_word_eq(s + w0, colon - w0, "wo")) {
                static const char *const wo[] = { "b", "barrier", "f",
                    "flush", "d", "drain", "n", "none" };
                for (size_t k = 0; k < G_N_ELEMENTS(wo); k += 2) {
                    if (hc__drbd_word_eq(s + colon + 1, i - colon - 1, wo[k])) {
                        g_strlcpy(x->r->write_ordering, wo[k + 1],
                                  sizeof(x->r->write_ordering));
                    }
                }
            }
            continue;
        }
#define KEY(k) hc__drbd_word_eq(s + w0, colon - w0, k)
        if (KEY("ns")) {
            x->p->sent_kib = v;
        } else if (KEY("nr")) {
            x->p->received_kib = v;
        } else if (KEY("dw")) {
            x->v->written_kib = v;
        } else if (KEY("dr")) {
            x->v->read_kib = v;
        } else if (KEY("pe")) {
            x->p->pending = v;
        } else if (KEY("ua")) {
            x->p->unacked = v;
        } else if (KEY("oos")) {
            if (x->p->oos_kib != v) {
                d->dirty = true;
            }
            x->p->oos_kib = v;
        }
#undef KEY
    }
}

/* "\t[>....] sync'ed:  6.3% (64260/65496)K" or "verified:" */
static void proc_progress_line(hc_drbd *d, proc_ctx *x, const char *s,
                               size_t len)
{
    const char *p = memchr(s, ']', len);
    const char *end = s + len;
    double pct;
    uint64_t a = 0, b = 0;
    size_t k;

    if (!p) {
        return;
    }
    while (p < end && *p != ':') {
        p++;
    }
    if (p >= end) {
        return;
    }
    p++;
    while (p < end && *p == ' ') {
        p++;
    }
    {
        const char *q = memchr(p, '%', (size_t)(end - p));
        if (!q || !hc__drbd_parse_double(p, (size_t)(q - p), &pct)) {
            return;
        }
        p = q + 1;
    }
    while (p < end && (*p == ' ' || *p == '(')) {
        p++;
    }
    k = hc__drbd_parse_u64(p, (size_t)(end - p), &a);
    if (k && p + k < end && p[k] == '/') {
        p += k + 1;
        if (hc__drbd_parse_u64(p, (size_t)(end - p), &b)) {
            x->p->sync_total_kib = b;
        }
    }
    /* The kernel rounds its percentage to bitmap extents (6.25 % steps on
     * a small device, 40 % for the first block of a short resync): the
     * amounts beside it are exact.  Its own figure is kept to be shown
     * beside, for an admin who compares with `cat /proc/drbd`. */
    if (pct >= 0 && pct <= 100) {
        x->p->kernel_done_pct = pct;
    }
    if (b > 0 && a <= b) {
        pct = 100.0 * (double)(b - a) / (double)b;
    }
    x->p->done_pct = pct;
    x->have_pct = true;
    d->dirty = true;
}

/* "\tfinish: 0:00:40 speed: 1,236 (1,236) K/sec" */
static void proc_finish_line(proc_ctx *x, const char *s, size_t len)
{
    const char *p = s, *end = s + len;
    unsigned h, m, sec;
    char tmp[128];
    uint64_t v;

    if (len >= sizeof(tmp)) {
        return;
    }
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    p = strstr(tmp, "finish:");
    if (p && sscanf(p, "finish: %u:%u:%u", &h, &m, &sec) == 3) {
        x->p->kernel_eta_s = h * 3600.0 + m * 60.0 + sec;
    }
    p = strstr(tmp, "speed:");
    if (p) {
        p += 6;
        while (*p == ' ') {
            p++;
        }
        end = tmp + len;
        if (hc__drbd_parse_u64(p, (size_t)(end - p), &v)) {
            x->p->kernel_speed_kib_s = (double)v;
        }
    }
}

int hc_drbd_feed_proc(hc_drbd *d, const char *buf, size_t len, double now,
                      GHashTable *names)
{
    const char *p = buf, *end = buf + len;
    proc_ctx x = { 0 };
    int lineno = 0, rc = 0;

    if (!d || (!buf && len)) {
        return -EINVAL;
    }
    d->sources |= HC_DRBD_SRC_PROC;
    d->last_update = now;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        const char *s = p;
        size_t i = 0;

        lineno++;
        p = nl ? nl + 1 : end;
        while (i < l && (s[i] == ' ' || s[i] == '\t')) {
            i++;
        }
        if (i == l) {
            continue;
        }
        if (l > 9 && !memcmp(s, "version: ", 9)) {
            hc_drbd_parse_version(s, l, &d->version_major, d->version,
                                  sizeof(d->version));
        } else if (isdigit((unsigned char)s[i])) {
            proc_ctx_flush(d, &x, now);
            if (proc_minor_line(d, &x, s, l, now, names, lineno) < 0) {
                rc = -EINVAL;
                memset(&x, 0, sizeof(x));
                break;
            }
        } else if (!x.p) {
            continue;   /* srcversion:, GIT-hash:, unconfigured minors */
        } else if (l - i > 3 && !memcmp(s + i, "ns:", 3)) {
            proc_counters_line(d, &x, s + i, l - i);
        } else if (s[i] == '[') {
            proc_progress_line(d, &x, s + i, l - i);
        } else if (l - i > 7 && !memcmp(s + i, "finish:", 7)) {
            proc_finish_line(&x, s + i, l - i);
        }
        /* resync:, act_log: and other lines of older modules: ignored. */
    }
    proc_ctx_flush(d, &x, now);
    return rc;
}

