/* Fencing in the status model: the fence devices (stonith-class
 * primitives, from the CIB like every resource), the fencer's history
 * (which the CIB does not hold: asked of the local fencer through
 * libstonithd, as `stonith_admin --history '*'` does), and what both mean
 * for the admin: fencing works, is off, has no device that runs, or a fence
 * failed or is in flight. */
#include "status.h"

#include <errno.h>
#include <string.h>

#include <crm/crm.h>
#include <crm/stonith-ng.h>

#include "status_int.h"
#include "util.h"

const char *hc_fence_state_str(hc_fence_state s)
{
    switch (s) {
    case HC_FENCE_PENDING: return "pending";
    case HC_FENCE_DONE: return "successful";
    case HC_FENCE_FAILED: return "failed";
    }
    return "unknown";
}

static void event_free(gpointer p)
{
    hc_fence_event *e = p;

    g_free(e->target);
    g_free(e->action);
    g_free(e->delegate);
    g_free(e->origin);
    g_free(e->client);
    g_free(e->exit_reason);
    g_free(e);
}

/* Pending first, then the newest first (as stonith_admin lists them). */
static gint event_cmp(gconstpointer a, gconstpointer b)
{
    const hc_fence_event *x = *(hc_fence_event *const *) a;
    const hc_fence_event *y = *(hc_fence_event *const *) b;

    if ((x->state == HC_FENCE_PENDING) != (y->state == HC_FENCE_PENDING)) {
        return x->state == HC_FENCE_PENDING ? -1 : 1;
    }
    if (x->completed != y->completed) {
        return x->completed > y->completed ? -1 : 1;
    }
    if (x->completed_nsec != y->completed_nsec) {
        return x->completed_nsec > y->completed_nsec ? -1 : 1;
    }
    return 0;
}

/* The fencer's history on a connected api, as hc_fence_event*. */
static int history_from(stonith_t *api, int timeout_s, GPtrArray **ret,
                        char **ret_err)
{
    stonith_history_t *hist = NULL;
    GPtrArray *out;
    int rc;

    /* Every node (target NULL, what '*' means to stonith_admin). */
    rc = api->cmds->history(api, st_opt_sync_call, NULL, &hist, timeout_s);
    if (rc != pcmk_ok) {
        if (ret_err) {
            *ret_err = g_strdup_printf("the fencer's history: %s",
                                       pcmk_strerror(rc));
        }
        stonith_history_free(hist);
        return rc < 0 ? rc : -EIO;
    }
    out = g_ptr_array_new_with_free_func(event_free);
    for (stonith_history_t *h = hist; h; h = h->next) {
        hc_fence_event *e = g_new0(hc_fence_event, 1);

        e->target = g_strdup(h->target);
        e->action = g_strdup(h->action);
        e->delegate = g_strdup(h->delegate);
        e->origin = g_strdup(h->origin);
        e->client = g_strdup(h->client);
        e->exit_reason = g_strdup(h->exit_reason);
        e->state = h->state == st_done ? HC_FENCE_DONE
                 : h->state == st_failed ? HC_FENCE_FAILED
                 : HC_FENCE_PENDING;
        if (e->state != HC_FENCE_PENDING) {
            e->completed = h->completed;
            e->completed_nsec = h->completed_nsec;
        }
        g_ptr_array_add(out, e);
    }
    stonith_history_free(hist);
    g_ptr_array_sort(out, event_cmp);
    *ret = out;
    return 0;
}

static int connect_api(stonith_t **ret, int *fd, char **ret_err)
{
    stonith_t *api = stonith_api_new();
    int rc;

    *ret = NULL;
    if (!api) {
        return -ENOMEM;
    }
    rc = api->cmds->connect(api, "hacon", fd);
    if (rc != pcmk_ok) {
        if (ret_err) {
            *ret_err = g_strdup_printf("the fencer is not reachable (%s)",
                                       pcmk_strerror(rc));
        }
        stonith_api_delete(api);
        return rc < 0 ? rc : -ENOTCONN;
    }
    *ret = api;
    return 0;
}

int hc_fence_history_query(int timeout_s, GPtrArray **ret, char **ret_err)
{
    stonith_t *api;
    int fd = -1, rc;

    *ret = NULL;
    /* With an fd the connection is ours to read: none of it joins a main
     * loop (this is a one-shot question). */
    rc = connect_api(&api, &fd, ret_err);
    if (rc < 0) {
        return rc;
    }
    rc = history_from(api, timeout_s, ret, ret_err);
    api->cmds->disconnect(api);
    stonith_api_delete(api);
    return rc;
}

/* ---- the fencer followed by notifications ---------------------------- */

struct hc_fencer {
    stonith_t *api;
    hc_fencer_fn fn;
    void *data;
    bool notifying;
};

/* libstonithd's callbacks carry no user data: the fencers of this process
 * (one in the console), found by their api. */
static GSList *fencers;

static void on_stonith_event(stonith_t *api, stonith_event_t *e)
{
    for (GSList *l = fencers; l; l = l->next) {
        hc_fencer *f = l->data;

        if (f->api == api) {
            f->fn(f->data, e && e->operation ? e->operation
                                             : T_STONITH_NOTIFY_DISCONNECT);
            return;
        }
    }
}

int hc_fencer_connect(hc_fencer_fn fn, void *data, hc_fencer **ret,
                      char **ret_err)
{
    hc_fencer *f;
    stonith_t *api;
    int rc;

    *ret = NULL;
    /* No fd: libstonithd attaches the connection to GLib's default main
     * context, whose loop then delivers the notifications (crm_mon's
     * way). */
    rc = connect_api(&api, NULL, ret_err);
    if (rc < 0) {
        return rc;
    }
    f = g_new0(hc_fencer, 1);
    f->api = api;
    f->fn = fn;
    f->data = data;
    fencers = g_slist_prepend(fencers, f);
    /* A fence that ends (st_notify_fence), the history that changes (a
     * fence asked, pending: st_notify_history), and the fencer gone. */
    f->notifying =
        api->cmds->register_notification(api, T_STONITH_NOTIFY_DISCONNECT,
                                         on_stonith_event) == pcmk_ok
        && api->cmds->register_notification(api, T_STONITH_NOTIFY_FENCE,
                                            on_stonith_event) == pcmk_ok
        && api->cmds->register_notification(api, T_STONITH_NOTIFY_HISTORY,
                                            on_stonith_event) == pcmk_ok;
    *ret = f;
    return 0;
}

bool hc_fencer_notifying(const hc_fencer *f)
{
    return f && f->notifying;
}

bool hc_fencer_connected(const hc_fencer *f)
{
    return f && f->api->state != stonith_disconnected;
}

void hc_fencer_free(hc_fencer *f)
{
    if (!f) {
        return;
    }
    fencers = g_slist_remove(fencers, f);
    if (f->api->state != stonith_disconnected) {
        f->api->cmds->disconnect(f->api);
    }
    stonith_api_delete(f->api);
    g_free(f);
}

void hc_status_set_fence_history(hc_status *st, GPtrArray *history,
                                 const char *why)
{
    if (st->fence_history) {
        g_ptr_array_unref(st->fence_history);
    }
    st->fence_history = history;
    st->fence_known = history != NULL;
    g_free(st->fence_why);
    st->fence_why = history ? NULL : g_strdup(why ? why : "not asked");
    hc__status_warnings(st);
}

void hc_status_set_sbd(hc_status *st, hc_sbd_state *sbd, const char *node)
{
    hc_sbd_state_free(st->sbd);
    st->sbd = sbd;
    g_free(st->sbd_node);
    st->sbd_node = g_strdup(node);
    if (sbd && !sbd->node && node) {
        sbd->node = g_strdup(node);
    }
    hc__status_warnings(st);
}

void hc_status_set_sbd_peers(hc_status *st, GPtrArray *peers)
{
    if (st->sbd_peers) {
        g_ptr_array_unref(st->sbd_peers);
    }
    st->sbd_peers = peers;
    if (peers) {
        g_ptr_array_set_free_func(peers, (GDestroyNotify) hc_sbd_state_free);
    }
    hc__status_warnings(st);
}

static bool same_short_name(const char *a, const char *b)
{
    size_t na = strcspn(a, "."), nb = strcspn(b, ".");

    return na == nb && !strncmp(a, b, na);
}

char **hc_status_other_nodes(const hc_status *st, const char *here)
{
    GPtrArray *out = g_ptr_array_new();

    for (guint i = 0; i < st->nodes->len; i++) {
        const hc_node *n = g_ptr_array_index(st->nodes, i);

        if (n->name && !g_strcmp0(n->type, "member")
            && !(here && same_short_name(n->name, here))) {
            g_ptr_array_add(out, g_strdup(n->name));
        }
    }
    g_ptr_array_add(out, NULL);
    return (char **) g_ptr_array_free(out, FALSE);
}

static void devices_in(GPtrArray *a, GPtrArray *out)
{
    for (guint i = 0; a && i < a->len; i++) {
        hc_resource *r = g_ptr_array_index(a, i);

        if (r->kind == HC_RSC_PRIMITIVE && r->agent
            && g_str_has_prefix(r->agent, "stonith:")) {
            g_ptr_array_add(out, r);
        }
        devices_in(r->children, out);
    }
}

void hc_status_fence_devices(const hc_status *st, GPtrArray *out)
{
    devices_in(st->resources, out);
}

void hc_status_fence_summary(const hc_status *st, hc_fence_summary *sum)
{
    GPtrArray *dev = g_ptr_array_new();
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);

    memset(sum, 0, sizeof(*sum));
    hc_status_fence_devices(st, dev);
    for (guint i = 0; i < dev->len; i++) {
        const hc_resource *r = g_ptr_array_index(dev, i);

        sum->devices++;
        sum->running += r->active && r->places->len > 0 && !r->failed;
        sum->failed += r->failed;
        if (g_str_has_suffix(r->agent, "sbd")) {
            sum->sbd_expected = true;
        }
    }
    if (st->cluster.watchdog_timeout
        || (st->sbd && st->sbd->disks->len)) {
        sum->sbd_expected = true;
    }
    for (guint i = 0; st->sbd_peers && i < st->sbd_peers->len; i++) {
        const hc_sbd_state *p = g_ptr_array_index(st->sbd_peers, i);

        if (!p->unknown && p->disks->len) {
            sum->sbd_expected = true;
        }
    }
    g_ptr_array_free(dev, TRUE);
    sum->watchdog = st->cluster.watchdog_timeout && st->cluster.have_watchdog;
    sum->works = st->cluster.stonith_enabled
                 && (sum->running > 0 || sum->watchdog);
    /* The history is newest first: a target's first completed entry is
     * its last word. */
    for (guint i = 0; st->fence_history && i < st->fence_history->len; i++) {
        const hc_fence_event *e = g_ptr_array_index(st->fence_history, i);

        if (e->state == HC_FENCE_PENDING) {
            if (!sum->pending++) {
                sum->first_pending = e;
            }
            continue;
        }
        if (!e->target || g_hash_table_contains(seen, e->target)) {
            continue;
        }
        g_hash_table_add(seen, e->target);
        if (e->state == HC_FENCE_FAILED) {
            if (!sum->failed_targets++) {
                sum->last_failed = e;
            }
        }
    }
    g_hash_table_destroy(seen);
}

static void warn(hc_status *st, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void warn(hc_status *st, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_ptr_array_add(st->cluster.warnings, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

static const char *or_q(const char *s)
{
    return s ? s : "?";
}

/* One node's sbd: its configuration broken, configured but not running,
 * running without its watchdog.  A node that could not be asked warns of
 * nothing (its line says why). */
static void sbd_warnings(hc_status *st, const hc_sbd_state *s,
                         const hc_fence_summary *sum)
{
    if (!s || s->unknown) {
        return;
    }
    if (s->config_error) {
        if (s == st->sbd) {
            warn(st, "sbd: %s", s->config_error);
        } else {
            warn(st, "sbd on %s: %s", or_q(s->node), s->config_error);
        }
    } else if (sum->sbd_expected && !s->running) {
        warn(st, "sbd is configured (%s) but does not run on %s: its "
                 "disk and watchdog fence nothing here", s->config_path,
             or_q(s == st->sbd ? st->sbd_node : s->node));
    } else if (s->running && !s->watchdog_open) {
        warn(st, "sbd runs on %s but does not hold its watchdog %s open",
             or_q(s == st->sbd ? st->sbd_node : s->node),
             or_q(s->watchdog_dev));
    }
}

void hc__status_fence_warnings(hc_status *st)
{
    hc_fence_summary sum;
    GPtrArray *dev;

    hc_status_fence_summary(st, &sum);
    if (!st->cluster.stonith_enabled) {
        warn(st, "fencing is disabled (stonith-enabled=false): a split "
                 "network can run the service and DRBD Primary on both "
                 "nodes");
    } else if (!sum.devices && !sum.watchdog) {
        warn(st, "fencing is enabled but no fence device is configured: "
                 "a node that must be fenced stays UNCLEAN and its "
                 "resources do not move");
    } else if (!sum.works) {
        warn(st, "fencing is enabled but none of its %d fence device%s "
                 "runs%s: no node can be fenced", sum.devices,
             sum.devices == 1 ? "" : "s",
             sum.failed ? " (failed)" : "");
    }
    dev = g_ptr_array_new();
    hc_status_fence_devices(st, dev);
    for (guint i = 0; i < dev->len; i++) {
        const hc_resource *r = g_ptr_array_index(dev, i);

        if (r->failed) {
            warn(st, "fence device %s FAILED", r->id);
        }
    }
    g_ptr_array_free(dev, TRUE);
    sbd_warnings(st, st->sbd, &sum);
    for (guint i = 0; st->sbd_peers && i < st->sbd_peers->len; i++) {
        sbd_warnings(st, g_ptr_array_index(st->sbd_peers, i), &sum);
    }
    if (sum.first_pending) {
        const hc_fence_event *e = sum.first_pending;

        warn(st, "fencing of %s (%s) in progress, asked by %s", or_q(e->target),
             or_q(e->action), or_q(e->origin));
    }
    if (sum.last_failed) {
        const hc_fence_event *e = sum.last_failed;
        char tbuf[32];

        warn(st, "fencing of %s (%s) FAILED at %s%s%s", or_q(e->target),
             or_q(e->action), hc_time_str(e->completed, tbuf, sizeof(tbuf)),
             e->exit_reason && *e->exit_reason ? ": " : "",
             e->exit_reason && *e->exit_reason ? e->exit_reason : "");
    }
}

char *hc_fence_event_describe(const hc_fence_event *e)
{
    GString *s = g_string_new(NULL);
    char tbuf[32];

#define ESC(v) hc_escape_append(s, (v) ? (v) : "", (v) ? strlen(v) : 0, 0)
    ESC(e->action);
    g_string_append(s, " of ");
    ESC(e->target);
    g_string_append_printf(s, " %s: ", hc_fence_state_str(e->state));
    if (e->delegate) {
        g_string_append(s, "delegate=");
        ESC(e->delegate);
        g_string_append(s, ", ");
    }
    g_string_append(s, "client=");
    ESC(e->client);
    g_string_append(s, ", origin=");
    ESC(e->origin);
    if (e->state != HC_FENCE_PENDING) {
        g_string_append_printf(s, ", %s='%s'",
                               e->state == HC_FENCE_DONE ? "completed"
                                                         : "last-failed",
                               hc_time_str(e->completed, tbuf, sizeof(tbuf)));
    }
    if (e->exit_reason && *e->exit_reason) {
        g_string_append(s, " (");
        ESC(e->exit_reason);
        g_string_append(s, ")");
    }
#undef ESC
    return g_string_free(s, FALSE);
}
