#include "drbd.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drbd_int.h"
#include "json.h"
#include "util.h"

/* ---- small text helpers ------------------------------------------------ */

/* Copies a word of untrusted text into a fixed field, keeping only the
 * characters DRBD uses in names and states: whatever else arrives becomes
 * '?', so that no view ever sees a control byte from the kernel's output. */
void hc__drbd_copy_word(char *dst, size_t n, const char *src, size_t len)
{
    size_t i, j = 0;

    for (i = 0; i < len && j + 1 < n; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[j++] = (isalnum(c) || strchr("._:,+-/@", c)) && c ? (char)c : '?';
    }
    dst[j] = '\0';
}

bool hc__drbd_set_word(char *dst, size_t n, const char *src, size_t len)
{
    char tmp[HC_DRBD_NAME_MAX];

    hc__drbd_copy_word(tmp, n < sizeof(tmp) ? n : sizeof(tmp), src, len);
    if (!strcmp(dst, tmp)) {
        return false;
    }
    memcpy(dst, tmp, strlen(tmp) + 1);
    return true;
}

/* Unsigned decimal with optional thousands commas ("1,236"); returns the
 * number of bytes used, 0 when there is no digit. */
size_t hc__drbd_parse_u64(const char *s, size_t len, uint64_t *ret)
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

bool hc__drbd_parse_double(const char *s, size_t len, double *ret)
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

bool hc__drbd_word_eq(const char *s, size_t len, const char *w)
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

hc_drbd_resource *hc__drbd_resource_get(hc_drbd *d, const char *name)
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

hc_drbd_device *hc__drbd_device_get(hc_drbd_resource *r, int volume)
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

hc_drbd_connection *hc__drbd_connection_get(hc_drbd_resource *r,
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

hc_drbd_peer_device *hc__drbd_peer_device_get(hc_drbd_connection *c,
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

void hc__drbd_history_add(hc_drbd_resource *r, double t, char *text)
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
void hc__drbd_set_state(hc_drbd *d, hc_drbd_resource *r, double t,
                        const char *what, char *field, const char *val,
                        size_t len)
{
    char old[HC_DRBD_WORD_MAX];

    g_strlcpy(old, field, sizeof(old));
    if (!hc__drbd_set_word(field, HC_DRBD_WORD_MAX, val, len)) {
        return;
    }
    d->dirty = true;
    /* A field seen for the first time is no change of state. */
    if (old[0]) {
        hc__drbd_history_add(r, t,
                             g_strdup_printf("%s %s -> %s", what, old, field));
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
void hc__drbd_note_sync_start(hc_drbd_peer_device *p, bool known,
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
void hc__drbd_peer_device_sample(hc_drbd_peer_device *p, double t,
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
        } else if (depth == 0 && hc__drbd_word_eq(t, l, "resource")) {
            want_name = true;
            res[0] = '\0';
        } else if (want_name && !res[0]) {
            size_t n = l < sizeof(res) - 1 ? l : sizeof(res) - 1;
            memcpy(res, t, n);
            res[n] = '\0';
        } else if (res[0] && hc__drbd_word_eq(t, l, "device")) {
            in_device = true;
        } else if (in_device && prev
                   && hc__drbd_word_eq(prev, prev_len, "minor")) {
            uint64_t m;
            if (hc__drbd_parse_u64(t, l, &m) == l && m <= 1048575) {
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

int hc_drbd_name_minors(hc_drbd *d, GHashTable *names)
{
    int n = 0, rc = 0;

    if (!d || !names) {
        return -EINVAL;
    }
    for (guint i = 0; i < d->resources->len; i++) {
        hc_drbd_resource *r = d->resources->pdata[i];
        const hc_drbd_device *v = r->devices->len == 1
                                  ? r->devices->pdata[0] : NULL;
        char key[16], clean[HC_DRBD_NAME_MAX];
        const char *name;

        if (!r->name_unknown || !v || v->minor < 0) {
            continue;
        }
        snprintf(key, sizeof(key), "%d", v->minor);
        name = g_hash_table_lookup(names, key);
        if (!name || !*name) {
            continue;
        }
        hc__drbd_copy_word(clean, sizeof(clean), name, strlen(name));
        /* Two minors of one resource (its volumes) meet in one object
         * only when fed again. */
        {
            const hc_drbd_resource *o = hc_drbd_find(d, clean);

            if (o && o != r) {
                rc = -EEXIST;
                continue;
            }
        }
        g_strlcpy(r->name, clean, sizeof(r->name));
        r->name_unknown = false;
        n++;
    }
    if (n) {
        g_ptr_array_sort(d->resources, resource_cmp);
        d->dirty = true;
    }
    return rc < 0 ? rc : n;
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

/* A number with one decimal, or null when it is not known. */
static void json_num(hc_jw *w, const char *key, double v, bool known)
{
    if (known) {
        hc_jw_num(w, key, v, 1);
    } else {
        hc_jw_null(w, key);
    }
}

static void json_device(hc_jw *w, const hc_drbd_device *v)
{
    hc_jw_obj(w, NULL);
    hc_jw_int(w, "volume", v->volume);
    hc_jw_int(w, "minor", v->minor);
    hc_jw_str(w, "disk", v->disk);
    /* /proc/drbd gives no size: 0 there means not known. */
    if (v->size_kib) {
        hc_jw_uint(w, "size_kib", v->size_kib);
    } else {
        hc_jw_null(w, "size_kib");
    }
    if (v->quorum < 0) {
        hc_jw_null(w, "quorum");
    } else {
        hc_jw_bool(w, "quorum", v->quorum);
    }
    hc_jw_end(w);
}

static void json_peer_device(hc_jw *w, const hc_drbd_peer_device *p)
{
    double speed, eta;

    shown_speed_eta(p, &speed, &eta);
    hc_jw_obj(w, NULL);
    hc_jw_int(w, "volume", p->volume);
    hc_jw_str(w, "replication", p->repl);
    hc_jw_str(w, "peer_disk", p->peer_disk);
    hc_jw_str(w, "resync_suspended", p->resync_suspended);
    hc_jw_uint(w, "out_of_sync_kib", p->oos_kib);
    json_num(w, "done_pct", p->done_pct, p->done_pct >= 0);
    json_num(w, "kernel_done_pct", p->kernel_done_pct,
             p->kernel_done_pct >= 0);
    json_num(w, "speed_kib_s", speed, speed >= 0);
    json_num(w, "eta_s", eta, eta >= 0);
    hc_jw_bool(w, "stalled", p->eta.stalled);
    hc_jw_end(w);
}

static void json_connection(hc_jw *w, const hc_drbd_connection *c)
{
    hc_jw_obj(w, NULL);
    hc_jw_int(w, "peer_node_id", c->peer_node_id);
    hc_jw_str(w, "name", c->name);
    hc_jw_str(w, "connection", c->cstate);
    hc_jw_str(w, "proc_connection", c->cstate_proc[0] ? c->cstate_proc
                                                      : NULL);
    hc_jw_str(w, "peer_role", c->peer_role);
    hc_jw_bool(w, "congested", c->congested);
    hc_jw_arr(w, "peer_devices");
    for (guint k = 0; k < c->peer_devices->len; k++) {
        json_peer_device(w, c->peer_devices->pdata[k]);
    }
    hc_jw_end(w);
    hc_jw_end(w);
}

static void json_resource(hc_jw *w, const hc_drbd_resource *r)
{
    hc_jw_obj(w, NULL);
    /* A resource known by its minor only: the minors say which. */
    hc_jw_str(w, "name", r->name_unknown ? NULL : r->name);
    hc_jw_str(w, "role", r->role);
    hc_jw_str(w, "suspended", r->suspended);
    hc_jw_bool(w, "split_brain", r->split_brain);
    hc_jw_arr(w, "devices");
    for (guint j = 0; j < r->devices->len; j++) {
        json_device(w, r->devices->pdata[j]);
    }
    hc_jw_end(w);
    hc_jw_arr(w, "connections");
    for (guint j = 0; j < r->connections->len; j++) {
        json_connection(w, r->connections->pdata[j]);
    }
    hc_jw_end(w);
    hc_jw_arr(w, "history");
    for (size_t k = 0; k < r->hist_len; k++) {
        const hc_drbd_change *h =
            &r->history[(r->hist_first + k) % HC_DRBD_HISTORY];

        hc_jw_obj(w, NULL);
        hc_jw_num(w, "t", h->t, 6);
        hc_jw_str(w, "change", h->text);
        hc_jw_end(w);
    }
    hc_jw_end(w);
    hc_jw_end(w);
}

void hc_drbd_format_json(const hc_drbd *d, GString *out)
{
    hc_jw w;

    hc_jw_init(&w, out);
    hc_jw_obj(&w, NULL);
    hc_jw_str(&w, "version", d->version);
    hc_jw_bool(&w, "dump_done", d->dump_done);
    hc_jw_arr(&w, "resources");
    for (guint i = 0; i < d->resources->len; i++) {
        json_resource(&w, d->resources->pdata[i]);
    }
    hc_jw_end(&w);
    hc_jw_end(&w);
    g_string_append_c(out, '\n');
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
