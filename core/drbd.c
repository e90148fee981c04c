#include "drbd.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

/* ---- small text helpers ------------------------------------------------ */

/* Copies a word of untrusted text into a fixed field, keeping only the
 * characters DRBD uses in names and states: whatever else arrives becomes
 * '?', so that no view ever sees a control byte from the kernel's output. */
static void copy_word(char *dst, size_t n, const char *src, size_t len)
{
    size_t i, j = 0;

    for (i = 0; i < len && j + 1 < n; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[j++] = (isalnum(c) || strchr("._:,+-/@", c)) && c ? (char)c : '?';
    }
    dst[j] = '\0';
}

static bool set_word(char *dst, size_t n, const char *src, size_t len)
{
    char tmp[HC_DRBD_NAME_MAX];

    copy_word(tmp, n < sizeof(tmp) ? n : sizeof(tmp), src, len);
    if (!strcmp(dst, tmp)) {
        return false;
    }
    memcpy(dst, tmp, strlen(tmp) + 1);
    return true;
}

/* Unsigned decimal with optional thousands commas ("1,236"); returns the
 * number of bytes used, 0 when there is no digit. */
static size_t parse_u64(const char *s, size_t len, uint64_t *ret)
{
    uint64_t v = 0;
    size_t i = 0;
    bool any = false;

    for (; i < len; i++) {
        if (isdigit((unsigned char)s[i])) {
            unsigned d = (unsigned)(s[i] - '0');
            v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
            any = true;
        } else if (s[i] == ',' && any && i + 1 < len
                   && isdigit((unsigned char)s[i + 1])) {
            continue;
        } else {
            break;
        }
    }
    if (any) {
        *ret = v;
    }
    return any ? i : 0;
}

static bool parse_double(const char *s, size_t len, double *ret)
{
    char tmp[40];
    char *end;

    if (len == 0 || len >= sizeof(tmp)) {
        return false;
    }
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    *ret = strtod(tmp, &end);
    return end != tmp && isfinite(*ret);
}

static bool word_eq(const char *s, size_t len, const char *w)
{
    return strlen(w) == len && !memcmp(s, w, len);
}

/* ---- model objects ----------------------------------------------------- */

static void peer_device_free(void *p)
{
    g_free(p);
}

static void connection_free(void *p)
{
    hc_drbd_connection *c = p;

    if (c) {
        g_ptr_array_free(c->peer_devices, TRUE);
        g_free(c);
    }
}

static void resource_free(void *p)
{
    hc_drbd_resource *r = p;

    if (!r) {
        return;
    }
    g_ptr_array_free(r->devices, TRUE);
    g_ptr_array_free(r->connections, TRUE);
    for (size_t i = 0; i < HC_DRBD_HISTORY; i++) {
        g_free(r->history[i].text);
    }
    g_free(r);
}

hc_drbd *hc_drbd_new(void)
{
    hc_drbd *d = g_new0(hc_drbd, 1);

    d->resources = g_ptr_array_new_with_free_func(resource_free);
    return d;
}

void hc_drbd_free(hc_drbd *d)
{
    if (d) {
        g_ptr_array_free(d->resources, TRUE);
        g_free(d);
    }
}

void hc_drbd_clear(hc_drbd *d)
{
    g_ptr_array_set_size(d->resources, 0);
    d->dump_done = false;
    d->dirty = true;
}

hc_drbd_resource *hc_drbd_find(const hc_drbd *d, const char *name)
{
    for (guint i = 0; i < d->resources->len; i++) {
        hc_drbd_resource *r = d->resources->pdata[i];
        if (!strcmp(r->name, name)) {
            return r;
        }
    }
    return NULL;
}

static int resource_cmp(const void *a, const void *b)
{
    const hc_drbd_resource *ra = *(hc_drbd_resource *const *)a;
    const hc_drbd_resource *rb = *(hc_drbd_resource *const *)b;
    return strcmp(ra->name, rb->name);
}

static hc_drbd_resource *resource_get(hc_drbd *d, const char *name)
{
    hc_drbd_resource *r = hc_drbd_find(d, name);

    if (r) {
        return r;
    }
    r = g_new0(hc_drbd_resource, 1);
    g_strlcpy(r->name, name, sizeof(r->name));
    strcpy(r->suspended, "no");
    r->devices = g_ptr_array_new_with_free_func(g_free);
    r->connections = g_ptr_array_new_with_free_func(connection_free);
    g_ptr_array_add(d->resources, r);
    g_ptr_array_sort(d->resources, resource_cmp);
    d->dirty = true;
    return r;
}

static hc_drbd_device *device_get(hc_drbd_resource *r, int volume)
{
    hc_drbd_device *v;

    for (guint i = 0; i < r->devices->len; i++) {
        v = r->devices->pdata[i];
        if (v->volume == volume) {
            return v;
        }
    }
    v = g_new0(hc_drbd_device, 1);
    v->volume = volume;
    v->minor = -1;
    v->quorum = -1;
    g_ptr_array_add(r->devices, v);
    return v;
}

hc_drbd_device *hc_drbd_find_minor(const hc_drbd *d, int minor,
                                   hc_drbd_resource **ret_res)
{
    for (guint i = 0; i < d->resources->len; i++) {
        hc_drbd_resource *r = d->resources->pdata[i];
        for (guint j = 0; j < r->devices->len; j++) {
            hc_drbd_device *v = r->devices->pdata[j];
            if (v->minor == minor) {
                if (ret_res) {
                    *ret_res = r;
                }
                return v;
            }
        }
    }
    return NULL;
}

static hc_drbd_connection *connection_get(hc_drbd_resource *r,
                                          int peer_node_id,
                                          const char *name)
{
    hc_drbd_connection *c;

    for (guint i = 0; i < r->connections->len; i++) {
        c = r->connections->pdata[i];
        if (c->peer_node_id == peer_node_id) {
            return c;
        }
    }
    c = g_new0(hc_drbd_connection, 1);
    c->peer_node_id = peer_node_id;
    g_strlcpy(c->name, name && *name ? name : "peer", sizeof(c->name));
    c->peer_devices = g_ptr_array_new_with_free_func(peer_device_free);
    g_ptr_array_add(r->connections, c);
    return c;
}

static hc_drbd_peer_device *peer_device_get(hc_drbd_connection *c,
                                            int volume)
{
    hc_drbd_peer_device *p;

    for (guint i = 0; i < c->peer_devices->len; i++) {
        p = c->peer_devices->pdata[i];
        if (p->volume == volume) {
            return p;
        }
    }
    p = g_new0(hc_drbd_peer_device, 1);
    p->volume = volume;
    strcpy(p->resync_suspended, "no");
    p->done_pct = -1;
    p->kernel_speed_kib_s = -1;
    p->kernel_eta_s = -1;
    p->kernel_done_pct = -1;
    p->eta.speed_kib_s = -1;
    p->eta.eta_s = -1;
    g_ptr_array_add(c->peer_devices, p);
    return p;
}

static void history_add(hc_drbd_resource *r, double t, char *text)
{
    size_t i;

    if (r->hist_len < HC_DRBD_HISTORY) {
        i = (r->hist_first + r->hist_len++) % HC_DRBD_HISTORY;
    } else {
        i = r->hist_first;
        r->hist_first = (r->hist_first + 1) % HC_DRBD_HISTORY;
        g_free(r->history[i].text);
    }
    r->history[i].t = t;
    r->history[i].text = text;
}

/* Sets a state word and, when it changed from a known value, records the
 * change in the resource's history. */
static void set_state(hc_drbd *d, hc_drbd_resource *r, double t,
                      const char *what, char *field, const char *val,
                      size_t len)
{
    char old[HC_DRBD_WORD_MAX];

    g_strlcpy(old, field, sizeof(old));
    if (!set_word(field, HC_DRBD_WORD_MAX, val, len)) {
        return;
    }
    d->dirty = true;
    /* A field seen for the first time is no change of state. */
    if (old[0]) {
        history_add(r, t, g_strdup_printf("%s %s -> %s", what, old, field));
    }
}

bool hc_drbd_repl_is_sync(const char *repl)
{
    return !strncmp(repl, "Sync", 4) || !strncmp(repl, "PausedSync", 10)
        || !strncmp(repl, "WFBitMap", 8) || !strncmp(repl, "StartingSync", 12)
        || !strcmp(repl, "WFSyncUUID");
}

bool hc_drbd_repl_is_verify(const char *repl)
{
    return !strncmp(repl, "Verify", 6);
}

/* A sync seen to begin (from a known state that was no sync) has its
 * total in the first sample; one found already running has not. */
static void note_sync_start(hc_drbd_peer_device *p, bool known,
                            bool was_sync)
{
    bool is_sync = hc_drbd_repl_is_sync(p->repl);

    if (!is_sync) {
        p->saw_sync_start = false;
    } else if (known && !was_sync) {
        p->saw_sync_start = true;
        p->n_samples = 0;
        p->sync_total_kib = 0;
    }
}

/* Records an out-of-sync observation and recomputes the estimate.  A sync
 * that starts (or restarts: more out of sync than before) sets the total
 * that the percentage is measured against. */
static void peer_device_sample(hc_drbd_peer_device *p, double t,
                               uint64_t oos, bool kernel_pct)
{
    bool syncing = hc_drbd_repl_is_sync(p->repl);

    p->oos_kib = oos;
    if (!syncing) {
        p->n_samples = 0;
        p->sync_total_kib = 0;
        if (!kernel_pct) {
            p->done_pct = -1;
        }
        p->eta.speed_kib_s = -1;
        p->eta.eta_s = -1;
        p->eta.stalled = false;
        return;
    }
    if (p->n_samples && t < p->samples[p->n_samples - 1].t) {
        p->n_samples = 0;   /* the clock went back: a new stream */
    }
    if (p->n_samples == HC_DRBD_SAMPLES) {
        memmove(p->samples, p->samples + 1,
                (HC_DRBD_SAMPLES - 1) * sizeof(p->samples[0]));
        p->n_samples--;
    }
    if (p->n_samples && p->samples[p->n_samples - 1].t == t) {
        p->n_samples--;     /* same instant: the newer figure wins */
    }
    p->samples[p->n_samples].t = t;
    p->samples[p->n_samples].oos_kib = oos;
    p->n_samples++;
    if (oos > p->sync_total_kib) {
        p->sync_total_kib = oos;
    }
    if (!kernel_pct) {
        p->done_pct = p->sync_total_kib && p->saw_sync_start
            ? 100.0 * (double)(p->sync_total_kib - oos)
                / (double)p->sync_total_kib
            : -1;
    }
    hc_drbd_eta_compute(p->samples, p->n_samples, t, HC_DRBD_ETA_TAU,
                        &p->eta);
}

/* ---- the estimator ----------------------------------------------------- */

int hc_drbd_eta_compute(const hc_drbd_sample *s, size_t n, double now,
                        double tau_s, hc_drbd_eta *ret)
{
    size_t start = 0, i;
    double rate, last_progress, num = 0, den = 0;

    if (!ret || (n && !s) || !(tau_s > 0)) {
        return -EINVAL;
    }
    ret->speed_kib_s = -1;
    ret->eta_s = -1;
    ret->stalled = false;
    if (n == 0) {
        return 0;
    }
    /* Done only when the amount was seen to come down to nothing: a sync
     * reported with nothing out of sync has just begun (events2 tells the
     * change of state before the new amount). */
    for (i = 0; s[n - 1].oos_kib == 0 && i + 1 < n; i++) {
        if (s[i].oos_kib > 0) {
            ret->eta_s = 0;
            break;
        }
    }
    /* A restart (new writes on a disconnected peer, a new sync) makes the
     * amount grow: the speed before it says nothing about what follows. */
    for (i = 1; i < n; i++) {
        if (s[i].oos_kib > s[i - 1].oos_kib || s[i].t < s[i - 1].t) {
            start = i;
        }
    }
    /* A sync takes a while to get going (bitmap exchange, helpers): flat
     * samples at its start are latency, not speed. */
    while (start + 1 < n && s[start + 1].oos_kib == s[start].oos_kib) {
        start++;
    }
    last_progress = s[start].t;
    /* The speed is the average of the intervals' speeds, each weighted by
     * its length and by exp(-age / tau): recent intervals count most, and
     * the first one counts only as much as it lasted (a plain exponential
     * filter would start from it and lag behind a short resync). */
    for (i = start + 1; i < n; i++) {
        double dt = s[i].t - s[i - 1].t;
        double w;
        if (dt <= 0) {
            continue;
        }
        if (s[i].oos_kib < s[i - 1].oos_kib) {
            last_progress = s[i].t;
        }
        w = exp(-(s[n - 1].t - s[i].t) / tau_s);
        num += w * (double)(s[i - 1].oos_kib - s[i].oos_kib);
        den += w * dt;
    }
    if (now < s[n - 1].t) {
        now = s[n - 1].t;
    }
    if (s[n - 1].oos_kib > 0
        && now - last_progress > fmax(2 * tau_s, 10.0)) {
        ret->stalled = true;
        ret->speed_kib_s = 0;
        return 0;
    }
    if (den <= 0) {
        return 0;
    }
    /* Time since the last sample without news counts as an interval at
     * zero speed. */
    rate = num / (den + (now - s[n - 1].t));
    ret->speed_kib_s = rate;
    if (s[n - 1].oos_kib > 0 && rate > 0) {
        ret->eta_s = (double)s[n - 1].oos_kib / rate;
    }
    return 0;
}

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
        if (word_eq(cs, len, conn[i])) {
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
        peer_device_sample(x->p, now, x->p->oos_kib, x->have_pct);
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
    k = parse_u64(s + i, len - i, &minor);
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
    if (word_eq(cs, cs_len, "Unconfigured")) {
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
            copy_word(clean, sizeof(clean), name, strlen(name));
            x->r = resource_get(d, clean);
            x->r->name_unknown = unknown;
        }
        /* 8.4 has one volume per minor as /proc shows it; a resource
         * named from the table may already have volume 0. */
        x->v = device_get(x->r, (int)x->r->devices->len);
        x->v->minor = (int)minor;
    } else {
        x->v = hc_drbd_find_minor(d, (int)minor, &x->r);
    }
    /* drbdsetup-84 events2 names the one peer "peer", node id 0: the same
     * here so that both inputs meet in one object. */
    x->c = x->r->connections->len ? x->r->connections->pdata[0]
                                  : connection_get(x->r, 0, "peer");
    x->p = peer_device_get(x->c, x->v->volume);
    if (proc_cs_is_connection(cs, cs_len)) {
        /* One vocabulary, events2's (and DRBD 9's): 8.4's waiting states
         * are "Connecting" there; /proc/drbd's word is kept beside. */
        if (word_eq(cs, cs_len, "WFConnection")
            || word_eq(cs, cs_len, "WFReportParams")) {
            set_word(x->c->cstate_proc, sizeof(x->c->cstate_proc), cs,
                     cs_len);
            cs = "Connecting";
            cs_len = strlen(cs);
        } else {
            x->c->cstate_proc[0] = '\0';
        }
        set_state(d, x->r, now, "connection", x->c->cstate, cs, cs_len);
        set_state(d, x->r, now, "replication", x->p->repl, "Off", 3);
    } else {
        bool was_sync = hc_drbd_repl_is_sync(x->p->repl);
        bool known = x->p->repl[0] != '\0';
        x->c->cstate_proc[0] = '\0';
        set_state(d, x->r, now, "connection", x->c->cstate, "Connected", 9);
        if (word_eq(cs, cs_len, "Connected")) {
            cs = "Established";
            cs_len = strlen(cs);
        }
        set_state(d, x->r, now, "replication", x->p->repl, cs, cs_len);
        note_sync_start(x->p, known, was_sync);
    }
    if (ro) {
        const char *sl = memchr(ro, '/', ro_len);
        if (!sl) {
            return proc_error(d, lineno, "ro: without '/'");
        }
        set_state(d, x->r, now, "role", x->r->role, ro, (size_t)(sl - ro));
        set_state(d, x->r, now, "peer role", x->c->peer_role, sl + 1,
                  ro_len - (size_t)(sl - ro) - 1);
    }
    if (ds) {
        const char *sl = memchr(ds, '/', ds_len);
        if (!sl) {
            return proc_error(d, lineno, "ds: without '/'");
        }
        set_state(d, x->r, now, "disk", x->v->disk, ds, (size_t)(sl - ds));
        set_state(d, x->r, now, "peer disk", x->p->peer_disk, sl + 1,
                  ds_len - (size_t)(sl - ds) - 1);
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
        set_word(x->p->resync_suspended, HC_DRBD_WORD_MAX, why, strlen(why));
        set_state(d, x->r, now, "suspended", x->r->suspended,
                  flags[0] == 's' ? "user" : "no", flags[0] == 's' ? 4 : 2);
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
        if (!parse_u64(s + colon + 1, i - colon - 1, &v)) {
            if (word_eq(s + w0, colon - w0, "wo")) {
                static const char *const wo[] = { "b", "barrier", "f",
                    "flush", "d", "drain", "n", "none" };
                for (size_t k = 0; k < G_N_ELEMENTS(wo); k += 2) {
                    if (word_eq(s + colon + 1, i - colon - 1, wo[k])) {
                        g_strlcpy(x->r->write_ordering, wo[k + 1],
                                  sizeof(x->r->write_ordering));
                    }
                }
            }
            continue;
        }
#define KEY(k) word_eq(s + w0, colon - w0, k)
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
        if (!q || !parse_double(p, (size_t)(q - p), &pct)) {
            return;
        }
        p = q + 1;
    }
    while (p < end && (*p == ' ' || *p == '(')) {
        p++;
    }
    k = parse_u64(p, (size_t)(end - p), &a);
    if (k && p + k < end && p[k] == '/') {
        p += k + 1;
        if (parse_u64(p, (size_t)(end - p), &b)) {
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
        if (parse_u64(p, (size_t)(end - p), &v)) {
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
        if (word_eq(kv[i].k, kv[i].klen, key)) {
            return &kv[i];
        }
    }
    return NULL;
}

static bool ev_int(const ev_kv *kv, size_t n, const char *key, int *ret)
{
    const ev_kv *e = ev_get(kv, n, key);
    uint64_t v;

    if (!e || parse_u64(e->v, e->vlen, &v) != e->vlen || v > INT32_MAX) {
        return false;
    }
    *ret = (int)v;
    return true;
}

static bool ev_u64(const ev_kv *kv, size_t n, const char *key,
                   uint64_t *ret)
{
    const ev_kv *e = ev_get(kv, n, key);

    return e && e->vlen && parse_u64(e->v, e->vlen, ret) == e->vlen;
}

static int ev_error(hc_drbd *d, const char *why)
{
    if (!d->err[0]) {
        g_strlcpy(d->err, why, sizeof(d->err));
    }
    return -EINVAL;
}

#define EV_STATE(key, what, field)                                      \
    do {                                                                \
        const ev_kv *e_ = ev_get(kv, n, key);                           \
        if (e_) {                                                       \
            set_state(d, r, t, what, field, e_->v, e_->vlen);           \
        }                                                               \
    } while (0)

static bool ev_yes(const ev_kv *e)
{
    return e && word_eq(e->v, e->vlen, "yes");
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
    return word_eq(ev->words[0], ev->wlen[0], action);
}

static bool ev_object_is(const ev_line *ev, const char *object)
{
    return word_eq(ev->words[1], ev->wlen[1], object);
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
        copy_word(hw, sizeof(hw), h->v, h->vlen);
    }
    /* The kernel calls the split-brain helper when it gave up on
     * merging: the connection stays StandAlone until an operator
     * discards one side's data. */
    if (!strcmp(hw, "split-brain") && called) {
        r->split_brain = true;
    }
    if (st) {
        copy_word(sw, sizeof(sw), st->v, st->vlen);
    }
    history_add(r, ev->t, g_strdup_printf("%s helper %s%s%s",
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
    r = resource_get(d, rname);
    EV_STATE("role", "role", r->role);
    EV_STATE("suspended", "suspended", r->suspended);
    e = ev_get(kv, n, "write-ordering");
    if (e) {
        set_word(r->write_ordering, sizeof(r->write_ordering), e->v,
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
    v = device_get(r, vol);
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
            history_add(r, t, g_strdup_printf("quorum %s",
                                              q ? "gained" : "lost"));
        }
        v->quorum = q;
    }
    e = ev_get(kv, n, "blocked");
    if (e) {
        v->blocked = !word_eq(e->v, e->vlen, "no");
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
    p = peer_device_get(c, vol);
    was_sync = hc_drbd_repl_is_sync(p->repl);
    known = p->repl[0] != '\0';
    EV_STATE("replication", "replication", p->repl);
    note_sync_start(p, known, was_sync);
    if (p->repl[0] && strcmp(p->repl, "Off")) {
        r->split_brain = false;
    }
    EV_STATE("peer-disk", "peer disk", p->peer_disk);
    e = ev_get(kv, n, "resync-suspended");
    if (e) {
        set_word(p->resync_suspended, sizeof(p->resync_suspended), e->v,
                 e->vlen);
    }
    ev_u64(kv, n, "received", &p->received_kib);
    ev_u64(kv, n, "sent", &p->sent_kib);
    ev_u64(kv, n, "pending", &p->pending);
    ev_u64(kv, n, "unacked", &p->unacked);
    /* DRBD 9 reports the percentage itself during a resync. */
    e = ev_get(kv, n, "done");
    if (e) {
        double pct;
        if (parse_double(e->v, e->vlen, &pct)) {
            p->done_pct = pct;
        }
    }
    if (ev_u64(kv, n, "out-of-sync", &oos)) {
        peer_device_sample(p, t, oos, ev_get(kv, n, "done") != NULL);
    } else if (!hc_drbd_repl_is_sync(p->repl)) {
        peer_device_sample(p, t, p->oos_kib, false);
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
        copy_word(cname, sizeof(cname), cn->v, cn->vlen);
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
        c = connection_get(r, peer, cname);
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
    copy_word(rname, sizeof(rname), name->v, name->vlen);
    if (ev_action_is(&ev, "call") || ev_action_is(&ev, "response")) {
        return ev_helper(d, &ev, rname);
    }
    if (ev_object_is(&ev, "resource")) {
        return ev_resource(d, &ev, rname, destroy);
    }
    r = destroy ? hc_drbd_find(d, rname) : resource_get(d, rname);
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

/* ---- names from the configuration ------------------------------------- */

/* One token of `drbdsetup show` / `drbdadm dump` text: a word, a quoted
 * string (quotes dropped), or one of "{};". */
static size_t config_token(const char *s, size_t len, size_t *i,
                           const char **ret)
{
    size_t j;

    while (*i < len && (s[*i] == ' ' || s[*i] == '\t' || s[*i] == '\n'
                        || s[*i] == '\r')) {
        (*i)++;
    }
    if (*i < len && s[*i] == '#') {
        while (*i < len && s[*i] != '\n') {
            (*i)++;
        }
        return config_token(s, len, i, ret);
    }
    if (*i >= len) {
        return 0;
    }
    if (strchr("{};", s[*i]) && s[*i]) {
        *ret = s + *i;
        (*i)++;
        return 1;
    }
    if (s[*i] == '"') {
        j = ++(*i);
        while (*i < len && s[*i] != '"' && s[*i] != '\n') {
            (*i)++;
        }
        *ret = s + j;
        j = *i - j;
        if (*i < len && s[*i] == '"') {
            (*i)++;
        }
        return j ? j : 0;
    }
    j = *i;
    while (*i < len && !strchr(" \t\r\n{};\"#", s[*i]) && s[*i]) {
        (*i)++;
    }
    if (*i == j) {
        (*i)++;     /* a NUL byte: skipped */
        return config_token(s, len, i, ret);
    }
    *ret = s + j;
    return *i - j;
}

int hc_drbd_parse_config_minors(const char *buf, size_t len,
                                GHashTable *names)
{
    char res[HC_DRBD_NAME_MAX] = "";
    const char *t, *prev = NULL;
    size_t i = 0, l, prev_len = 0;
    int depth = 0, found = 0, res_depth = -1;
    bool want_name = false, in_device = false;

    if (!buf || !names) {
        return 0;
    }
    while ((l = config_token(buf, len, &i, &t)) > 0) {
        if (l == 1 && *t == '{') {
            if (want_name) {
                want_name = false;
                res_depth = depth;
            }
            depth++;
        } else if (l == 1 && *t == '}') {
            depth = depth > 0 ? depth - 1 : 0;
            if (depth <= res_depth) {
                res[0] = '\0';
                res_depth = -1;
            }
            in_device = false;
        } else if (l == 1 && *t == ';') {
            in_device = false;
            want_name = false;
        } else if (depth == 0 && word_eq(t, l, "resource")) {
            want_name = true;
            res[0] = '\0';
        } else if (want_name && !res[0]) {
            size_t n = l < sizeof(res) - 1 ? l : sizeof(res) - 1;
            memcpy(res, t, n);
            res[n] = '\0';
        } else if (res[0] && word_eq(t, l, "device")) {
            in_device = true;
        } else if (in_device && prev && word_eq(prev, prev_len, "minor")) {
            uint64_t m;
            if (parse_u64(t, l, &m) == l && m <= 1048575) {
                g_hash_table_replace(names,
                                     g_strdup_printf("%u", (unsigned)m),
                                     g_strdup(res));
                found++;
            }
        }
        prev = t;
        prev_len = l;
    }
    return found;
}

void hc_drbd_take_sizes(hc_drbd *d, const hc_drbd *ref)
{
    for (guint i = 0; i < d->resources->len; i++) {
        hc_drbd_resource *r = d->resources->pdata[i];
        for (guint j = 0; j < r->devices->len; j++) {
            hc_drbd_device *v = r->devices->pdata[j];
            const hc_drbd_device *w = v->minor >= 0 && !v->size_kib
                ? hc_drbd_find_minor(ref, v->minor, NULL) : NULL;
            if (w && w->size_kib) {
                v->size_kib = w->size_kib;
                d->dirty = true;
            }
        }
    }
}

const char *hc_drbd_display_name(const hc_drbd_resource *r, char *buf,
                                 size_t n)
{
    const hc_drbd_device *v = r->devices->len ? r->devices->pdata[0] : NULL;

    if (r->name_unknown && v && v->minor >= 0) {
        snprintf(buf, n, "minor %d (name unknown)", v->minor);
    } else {
        snprintf(buf, n, "%s", r->name);
    }
    return buf;
}

/* ---- formatting -------------------------------------------------------- */

const char *hc_drbd_progress_bar(char *buf, size_t n, double pct, int cols)
{
    int inner, fill;

    if (cols < 3 || n < (size_t)cols + 1) {
        if (n) {
            buf[0] = '\0';
        }
        return buf;
    }
    inner = cols - 2;
    if (!(pct >= 0)) {
        pct = 0;
    }
    if (pct > 100) {
        pct = 100;
    }
    fill = (int)(pct * inner / 100.0);
    buf[0] = '[';
    for (int i = 0; i < inner; i++) {
        buf[1 + i] = i < fill ? '=' : (i == fill && fill < inner ? '>' : '.');
    }
    buf[cols - 1] = ']';
    buf[cols] = '\0';
    return buf;
}

const char *hc_drbd_fmt_duration(char *buf, size_t n, double s)
{
    if (!(s >= 0) || s > 360000000.0) {
        snprintf(buf, n, "?");
    } else {
        unsigned long v = (unsigned long)(s + 0.5);
        snprintf(buf, n, "%lu:%02lu:%02lu", v / 3600, v / 60 % 60, v % 60);
    }
    return buf;
}

const char *hc_drbd_fmt_kib(char *buf, size_t n, double kib)
{
    static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
    size_t u = 0;

    while (kib >= 1024 && u + 1 < G_N_ELEMENTS(unit)) {
        kib /= 1024;
        u++;
    }
    snprintf(buf, n, u ? "%.1f %s" : "%.0f %s", kib, unit[u]);
    return buf;
}

/* State words not reported yet print as "Unknown". */
static void esc(GString *out, const char *s)
{
    if (!*s) {
        s = "Unknown";
    }
    hc_escape_append(out, s, strlen(s), 0);
}

/* Speed and ETA to show: the smoothed estimate from the samples, else the
 * kernel's own figures. */
static void shown_speed_eta(const hc_drbd_peer_device *p, double *speed,
                            double *eta)
{
    *speed = p->eta.speed_kib_s;
    *eta = p->eta.eta_s;
    if (*speed < 0 && p->kernel_speed_kib_s >= 0) {
        *speed = p->kernel_speed_kib_s;
    }
    /* 8.4 prints "finish: 0:00:00" before the first resync request is
     * answered: with data still out of sync that is no ETA. */
    if (*eta < 0 && !p->eta.stalled && p->kernel_eta_s >= 0
        && (p->kernel_eta_s > 0 || p->oos_kib == 0)) {
        *eta = p->kernel_eta_s;
    }
}

static void format_progress(GString *out, const hc_drbd_peer_device *p,
                            const char *indent)
{
    char bar[32], b1[32], b2[32], b3[32];
    double speed, eta;

    if (!hc_drbd_repl_is_sync(p->repl) && !hc_drbd_repl_is_verify(p->repl)) {
        return;
    }
    shown_speed_eta(p, &speed, &eta);
    hc_drbd_progress_bar(bar, sizeof(bar), p->done_pct, 22);
    if (p->done_pct >= 0) {
        g_string_append_printf(out, "%s%s %5.1f%%", indent, bar,
                               p->done_pct);
    } else {
        g_string_append_printf(out, "%s%s     ?%%", indent, bar);
    }
    if (speed >= 0) {
        g_string_append_printf(out, "  %s/s",
                               hc_drbd_fmt_kib(b2, sizeof(b2), speed));
    }
    if (strcmp(p->resync_suspended, "no")) {
        g_string_append(out, "  paused");
    } else if (p->eta.stalled) {
        g_string_append(out, "  stalled");
    } else if (eta < 0) {
        g_string_append(out, "  ETA unknown");
    } else {
        g_string_append_printf(out, "  ETA %s",
                               hc_drbd_fmt_duration(b3, sizeof(b3), eta));
    }
    /* During a verify, out of sync is what the verify found so far. */
    g_string_append_printf(out, hc_drbd_repl_is_verify(p->repl)
                                ? "  (%s differ)\n" : "  (%s to go)\n",
                           hc_drbd_fmt_kib(b1, sizeof(b1),
                                           (double)p->oos_kib));
    /* DRBD's own figure, rounded to its bitmap's units, beside hacon's
     * from the amounts: what `cat /proc/drbd` shows. */
    if (p->kernel_done_pct >= 0) {
        g_string_append_printf(out, "%s/proc/drbd: %s %.1f%%\n", indent,
                               hc_drbd_repl_is_verify(p->repl)
                                   ? "verified:" : "sync'ed:",
                               p->kernel_done_pct);
    }
}

void hc_drbd_format_text(const hc_drbd *d, GString *out, bool history)
{
    char b1[32], tbuf[32];

    if (d->version[0]) {
        g_string_append_printf(out, "DRBD %s\n", d->version);
    }
    if (!d->resources->len) {
        g_string_append(out, "no DRBD resources\n");
    }
    for (guint i = 0; i < d->resources->len; i++) {
        const hc_drbd_resource *r = d->resources->pdata[i];
        char nbuf[HC_DRBD_NAME_MAX + 32];
        g_string_append(out, "resource ");
        esc(out, hc_drbd_display_name(r, nbuf, sizeof(nbuf)));
        g_string_append(out, ": role ");
        esc(out, r->role);
        if (strcmp(r->suspended, "no")) {
            g_string_append(out, ", I/O suspended (");
            esc(out, r->suspended);
            g_string_append(out, ")");
        }
        if (r->split_brain) {
            g_string_append(out, ", SPLIT BRAIN");
        }
        g_string_append(out, "\n");
        for (guint j = 0; j < r->devices->len; j++) {
            const hc_drbd_device *v = r->devices->pdata[j];
            g_string_append_printf(out, "  volume %d", v->volume);
            if (v->minor >= 0) {
                g_string_append_printf(out, " /dev/drbd%d", v->minor);
            }
            g_string_append(out, ": disk ");
            esc(out, v->disk);
            if (v->size_kib) {
                g_string_append_printf(out, ", %s",
                                       hc_drbd_fmt_kib(b1, sizeof(b1),
                                                       (double)v->size_kib));
            }
            if (v->quorum == 0) {
                g_string_append(out, ", NO QUORUM");
            }
            g_string_append(out, "\n");
        }
        for (guint j = 0; j < r->connections->len; j++) {
            const hc_drbd_connection *c = r->connections->pdata[j];
            /* 8.4 has one peer, which drbdsetup-84 calls "peer". */
            g_string_append(out, "  peer ");
            if (strcmp(c->name, "peer")) {
                esc(out, c->name);
                g_string_append(out, " ");
            }
            g_string_append_printf(out, "(node %d): connection ",
                                   c->peer_node_id);
            esc(out, c->cstate);
            g_string_append(out, ", role ");
            esc(out, c->peer_role);
            g_string_append(out, c->congested ? ", congested\n" : "\n");
            if (c->cstate_proc[0]) {
                g_string_append(out, "    (");
                esc(out, c->cstate_proc);
                g_string_append(out, " in /proc/drbd)\n");
            }
            for (guint k = 0; k < c->peer_devices->len; k++) {
                const hc_drbd_peer_device *p = c->peer_devices->pdata[k];
                g_string_append_printf(out, "    volume %d: ", p->volume);
                esc(out, p->repl);
                g_string_append(out, ", peer disk ");
                esc(out, p->peer_disk);
                if (strcmp(p->resync_suspended, "no")) {
                    g_string_append(out, ", paused by ");
                    esc(out, p->resync_suspended);
                }
                g_string_append(out, "\n");
                if (hc_drbd_repl_is_sync(p->repl)
                    || hc_drbd_repl_is_verify(p->repl)) {
                    format_progress(out, p, "      ");
                } else if (p->oos_kib) {
                    g_string_append_printf(out, "      out of sync %s\n",
                                           hc_drbd_fmt_kib(b1, sizeof(b1),
                                                   (double)p->oos_kib));
                }
            }
        }
        if (history && r->hist_len) {
            g_string_append(out, "  history:\n");
            for (size_t k = 0; k < r->hist_len; k++) {
                const hc_drbd_change *h =
                    &r->history[(r->hist_first + k) % HC_DRBD_HISTORY];
                /* Converted only when it fits a time_t. */
                bool clock = h->t > 1e8 && h->t < 1e15;
                time_t tt = clock ? (time_t)h->t : 0;
                struct tm tm;
                if (clock && gmtime_r(&tt, &tm)) {
                    strftime(tbuf, sizeof(tbuf), "%H:%M:%S", &tm);
                } else {
                    snprintf(tbuf, sizeof(tbuf), "%8.1f", h->t);
                }
                g_string_append_printf(out, "    %s ", tbuf);
                esc(out, h->text);
                g_string_append(out, "\n");
            }
        }
    }
}

static void json_num(GString *out, const char *key, double v, bool known)
{
    g_string_append_printf(out, ",\"%s\":", key);
    if (known) {
        g_string_append_printf(out, "%.1f", v);
    } else {
        g_string_append(out, "null");
    }
}

void hc_drbd_format_json(const hc_drbd *d, GString *out)
{
    g_string_append(out, "{\"version\":");
    hc_json_str(out, d->version);
    g_string_append_printf(out, ",\"dump_done\":%s,\"resources\":[",
                           d->dump_done ? "true" : "false");
    for (guint i = 0; i < d->resources->len; i++) {
        const hc_drbd_resource *r = d->resources->pdata[i];
        g_string_append(out, i ? ",{\"name\":" : "{\"name\":");
        if (r->name_unknown) {
            g_string_append(out, "null");   /* minors say which */
        } else {
            hc_json_str(out, r->name);
        }
        g_string_append(out, ",\"role\":");
        hc_json_str(out, r->role);
        g_string_append(out, ",\"suspended\":");
        hc_json_str(out, r->suspended);
        g_string_append_printf(out, ",\"split_brain\":%s",
                               r->split_brain ? "true" : "false");
        g_string_append(out, ",\"devices\":[");
        for (guint j = 0; j < r->devices->len; j++) {
            const hc_drbd_device *v = r->devices->pdata[j];
            g_string_append_printf(out, "%s{\"volume\":%d,\"minor\":%d,"
                                   "\"disk\":", j ? "," : "", v->volume,
                                   v->minor);
            hc_json_str(out, v->disk);
            /* /proc/drbd gives no size: 0 there means not known. */
            if (v->size_kib) {
                g_string_append_printf(out, ",\"size_kib\":%"
                                       G_GUINT64_FORMAT, v->size_kib);
            } else {
                g_string_append(out, ",\"size_kib\":null");
            }
            g_string_append_printf(out, ",\"quorum\":%s}",
                                   v->quorum < 0 ? "null"
                                   : v->quorum ? "true" : "false");
        }
        g_string_append(out, "],\"connections\":[");
        for (guint j = 0; j < r->connections->len; j++) {
            const hc_drbd_connection *c = r->connections->pdata[j];
            g_string_append_printf(out, "%s{\"peer_node_id\":%d,\"name\":",
                                   j ? "," : "", c->peer_node_id);
            hc_json_str(out, c->name);
            g_string_append(out, ",\"connection\":");
            hc_json_str(out, c->cstate);
            g_string_append(out, ",\"proc_connection\":");
            if (c->cstate_proc[0]) {
                hc_json_str(out, c->cstate_proc);
            } else {
                g_string_append(out, "null");
            }
            g_string_append(out, ",\"peer_role\":");
            hc_json_str(out, c->peer_role);
            g_string_append_printf(out, ",\"congested\":%s,"
                                   "\"peer_devices\":[",
                                   c->congested ? "true" : "false");
            for (guint k = 0; k < c->peer_devices->len; k++) {
                const hc_drbd_peer_device *p = c->peer_devices->pdata[k];
                double speed, eta;
                shown_speed_eta(p, &speed, &eta);
                g_string_append_printf(out, "%s{\"volume\":%d,"
                                       "\"replication\":", k ? "," : "",
                                       p->volume);
                hc_json_str(out, p->repl);
                g_string_append(out, ",\"peer_disk\":");
                hc_json_str(out, p->peer_disk);
                g_string_append(out, ",\"resync_suspended\":");
                hc_json_str(out, p->resync_suspended);
                g_string_append_printf(out, ",\"out_of_sync_kib\":%"
                                       G_GUINT64_FORMAT, p->oos_kib);
                json_num(out, "done_pct", p->done_pct, p->done_pct >= 0);
                json_num(out, "kernel_done_pct", p->kernel_done_pct,
                         p->kernel_done_pct >= 0);
                json_num(out, "speed_kib_s", speed, speed >= 0);
                json_num(out, "eta_s", eta, eta >= 0);
                g_string_append_printf(out, ",\"stalled\":%s}",
                                       p->eta.stalled ? "true" : "false");
            }
            g_string_append(out, "]}");
        }
        g_string_append(out, "],\"history\":[");
        for (size_t k = 0; k < r->hist_len; k++) {
            const hc_drbd_change *h =
                &r->history[(r->hist_first + k) % HC_DRBD_HISTORY];
            g_string_append_printf(out, "%s{\"t\":%.6f,\"change\":",
                                   k ? "," : "", h->t);
            hc_json_str(out, h->text);
            g_string_append(out, "}");
        }
        g_string_append(out, "]}");
    }
    g_string_append(out, "]}\n");
}

void hc_drbd_format_brief(const hc_drbd *d, GString *out)
{
    char b1[32], b2[32];

    for (guint i = 0; i < d->resources->len; i++) {
        const hc_drbd_resource *r = d->resources->pdata[i];
        for (guint j = 0; j < r->connections->len; j++) {
            const hc_drbd_connection *c = r->connections->pdata[j];
            for (guint k = 0; k < c->peer_devices->len; k++) {
                const hc_drbd_peer_device *p = c->peer_devices->pdata[k];
                const hc_drbd_device *v = NULL;
                double speed, eta;
                for (guint m = 0; m < r->devices->len; m++) {
                    hc_drbd_device *vm = r->devices->pdata[m];
                    if (vm->volume == p->volume) {
                        v = vm;
                    }
                }
                shown_speed_eta(p, &speed, &eta);
                esc(out, r->name);
                g_string_append_printf(out, "/%d ", p->volume);
                esc(out, r->role);
                g_string_append(out, "/");
                esc(out, c->peer_role);
                g_string_append(out, " ");
                esc(out, v ? v->disk : "?");
                g_string_append(out, "/");
                esc(out, p->peer_disk);
                g_string_append(out, " ");
                esc(out, c->cstate);
                g_string_append(out, " ");
                esc(out, p->repl);
                g_string_append_printf(out, " oos=%" G_GUINT64_FORMAT,
                                       p->oos_kib);
                if (p->done_pct >= 0) {
                    g_string_append_printf(out, " done=%.1f%%", p->done_pct);
                }
                if (speed >= 0) {
                    g_string_append_printf(out, " speed=%s/s",
                                           hc_drbd_fmt_kib(b1, sizeof(b1),
                                                           speed));
                }
                if (eta >= 0) {
                    g_string_append_printf(out, " eta=%s",
                                           hc_drbd_fmt_duration(b2,
                                                   sizeof(b2), eta));
                }
                if (p->eta.stalled) {
                    g_string_append(out, " stalled");
                }
                g_string_append(out, "\n");
            }
        }
    }
}
