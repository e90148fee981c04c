/* Fencing in the status model: the fence devices (stonith-class
 * primitives, from the CIB like every resource), the fencer's history
 * (which the CIB does not hold: asked of the local fencer through
 * libstonithd, as `stonith_admin --history '*'` does), and what both mean
 * for the admin: fencing works, is off, has no device that runs, or a fence
 * failed or is in flight. */
#include "status.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <crm/crm.h>
#include <crm/common/xml.h>
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

/* ---- one question with a bounded wait -------------------------------- */

/* libstonithd's connect has no limit of its own: a stopped fencer holds it
 * until pacemakerd replaces that fencer (~30 s).  The question is asked in
 * a thread; the caller waits for it until a deadline, and a thread whose
 * answer comes too late ends by itself and drops it. */
struct hc_fence_ask {
    gint refs;                  /* the caller's and the thread's */
    GMutex lock;
    GCond cond;
    bool done;
    int rc;
    int wait_s;
    gint64 deadline;            /* monotonic, us */
    GPtrArray *hist;
    char *err;
};

static void ask_unref(hc_fence_ask *a)
{
    if (g_atomic_int_dec_and_test(&a->refs)) {
        g_mutex_clear(&a->lock);
        g_cond_clear(&a->cond);
        if (a->hist) {
            g_ptr_array_unref(a->hist);
        }
        g_free(a->err);
        g_free(a);
    }
}

static gpointer ask_main(gpointer data)
{
    hc_fence_ask *a = data;
    GPtrArray *hist = NULL;
    char *err = NULL;
    int rc = hc_fence_history_query(a->wait_s, &hist, &err);

    g_mutex_lock(&a->lock);
    a->rc = rc;
    a->hist = hist;
    a->err = err;
    a->done = true;
    g_cond_signal(&a->cond);
    g_mutex_unlock(&a->lock);
    ask_unref(a);
    return NULL;
}

hc_fence_ask *hc_fence_history_ask(int wait_s)
{
    hc_fence_ask *a = g_new0(hc_fence_ask, 1);
    GError *e = NULL;
    GThread *t;

    /* libxml2's and Pacemaker's XML thread is the caller's (see
     * hc_fencer_start). */
    crm_xml_init();
    g_mutex_init(&a->lock);
    g_cond_init(&a->cond);
    a->wait_s = wait_s > 0 ? wait_s : 1;
    a->deadline = g_get_monotonic_time() + a->wait_s * G_TIME_SPAN_SECOND;
    a->refs = 2;
    t = g_thread_try_new("hc-fence-ask", ask_main, a, &e);
    if (!t) {
        a->rc = -EAGAIN;
        a->err = g_strdup_printf("fencer: not asked (%s)", e->message);
        a->done = true;
        a->refs = 1;
        g_error_free(e);
        return a;
    }
    g_thread_unref(t);
    return a;
}

int hc_fence_history_wait(hc_fence_ask *a, GPtrArray **ret, char **ret_err)
{
    int rc;

    *ret = NULL;
    g_mutex_lock(&a->lock);
    while (!a->done) {
        if (!g_cond_wait_until(&a->cond, &a->lock, a->deadline)) {
            break;
        }
    }
    if (a->done) {
        rc = a->rc;
        *ret = a->hist;
        a->hist = NULL;
        if (ret_err) {
            *ret_err = a->err;
            a->err = NULL;
        }
    } else {
        rc = -ETIMEDOUT;
        if (ret_err) {
            *ret_err = g_strdup_printf("fencer: no answer in %d s",
                                       a->wait_s);
        }
    }
    g_mutex_unlock(&a->lock);
    ask_unref(a);
    return rc;
}

/* ---- the fencer followed by notifications ---------------------------- */

/* The connection lives in a thread of its own, from the connect to its
 * end: libstonithd's connect and registration are blocking calls that
 * wait as long as a hung fencer does, and the connection is then read
 * there (stonith_dispatch()) rather than in GLib's default main context,
 * so that no call on it is ever made from the loop's thread.  What it
 * hears reaches the loop through idle callbacks. */
struct hc_fencer {
    gint refs;                  /* the thread's, the loop's, each message's */
    gint cancelled;             /* the loop freed it: tell nothing more */
    int stop[2];                /* a pipe: the loop's end wakes the thread */
    hc_fencer_fn fn;
    void *data;
    bool notifying;             /* written before HC_FENCER_UP is sent */
};

typedef struct fencer_msg {
    hc_fencer *f;
    char *event;
    char *detail;
} fencer_msg;

static void fencer_unref(hc_fencer *f)
{
    if (g_atomic_int_dec_and_test(&f->refs)) {
        close(f->stop[0]);
        close(f->stop[1]);
        g_free(f);
    }
}

/* In the loop's thread. */
static gboolean fencer_deliver(gpointer data)
{
    fencer_msg *m = data;

    if (!g_atomic_int_get(&m->f->cancelled)) {
        m->f->fn(m->f->data, m->event, m->detail);
    }
    fencer_unref(m->f);
    g_free(m->event);
    g_free(m->detail);
    g_free(m);
    return G_SOURCE_REMOVE;
}

static void fencer_post(hc_fencer *f, const char *event, const char *detail)
{
    fencer_msg *m = g_new0(fencer_msg, 1);

    g_atomic_int_inc(&f->refs);
    m->f = f;
    m->event = g_strdup(event);
    m->detail = g_strdup(detail);
    g_idle_add(fencer_deliver, m);
}

/* libstonithd's callbacks carry no user data: the fencer of this thread. */
static __thread hc_fencer *thread_fencer;

static void on_stonith_event(stonith_t *api, stonith_event_t *e)
{
    (void) api;
    /* The end of the connection is told by the thread itself. */
    if (thread_fencer && e && e->operation
        && strcmp(e->operation, T_STONITH_NOTIFY_DISCONNECT) != 0) {
        fencer_post(thread_fencer, e->operation, NULL);
    }
}

/* Waits for the fencer's messages until it goes or the loop stops us.
 * The end is said first when the descriptor says hang-up: libstonithd
 * 2.1's stonith_dispatch() does not return once the connection closes
 * under it. */
static void fencer_follow(hc_fencer *f, stonith_t *api, int fd)
{
    for (;;) {
        struct pollfd pf[2] = {
            { .fd = fd, .events = POLLIN },
            { .fd = f->stop[0], .events = POLLIN },
        };

        if (poll(pf, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            fencer_post(f, HC_FENCER_GONE, g_strerror(errno));
            return;
        }
        if (pf[1].revents) {
            return;
        }
        if (pf[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
            fencer_post(f, HC_FENCER_GONE, "the fencer closed the connection");
            return;
        }
        if ((pf[0].revents & POLLIN) && !stonith_dispatch(api)) {
            fencer_post(f, HC_FENCER_GONE, "the fencer closed the connection");
            return;
        }
    }
}

static gpointer fencer_main(gpointer data)
{
    hc_fencer *f = data;
    stonith_t *api = NULL;
    char *err = NULL;
    int fd = -1;

    thread_fencer = f;
    /* With an fd the connection joins no main loop: it is read here. */
    if (connect_api(&api, &fd, &err) < 0) {
        fencer_post(f, HC_FENCER_GONE,
                    err ? err : "the fencer is not reachable");
        g_free(err);
        fencer_unref(f);
        return NULL;
    }
    if (!g_atomic_int_get(&f->cancelled)) {
        /* A fence that ends (st_notify_fence), the history that changes
         * (a fence asked, pending: st_notify_history). */
        f->notifying =
            api->cmds->register_notification(api, T_STONITH_NOTIFY_FENCE,
                                             on_stonith_event) == pcmk_ok
            && api->cmds->register_notification(api,
                                                T_STONITH_NOTIFY_HISTORY,
                                                on_stonith_event) == pcmk_ok;
        fencer_post(f, HC_FENCER_UP, NULL);
        fencer_follow(f, api, fd);
    }
    api->cmds->disconnect(api);
    stonith_api_delete(api);
    fencer_unref(f);
    return NULL;
}

hc_fencer *hc_fencer_start(hc_fencer_fn fn, void *data, char **ret_err)
{
    hc_fencer *f = g_new0(hc_fencer, 1);
    GError *e = NULL;
    GThread *t;

    /* libxml2 takes the first thread that uses it for its main one, and
     * Pacemaker's XML set-up (crm_xml_init) is that thread's: both here,
     * before this thread, or its XML and the caller's would disagree. */
    crm_xml_init();
    if (pipe2(f->stop, O_CLOEXEC) < 0) {
        *ret_err = g_strdup_printf("a pipe: %s", g_strerror(errno));
        g_free(f);
        return NULL;
    }
    f->fn = fn;
    f->data = data;
    f->refs = 2;
    t = g_thread_try_new("hc-fencer", fencer_main, f, &e);
    if (!t) {
        *ret_err = g_strdup(e->message);
        g_error_free(e);
        f->refs = 1;
        fencer_unref(f);
        return NULL;
    }
    g_thread_unref(t);
    return f;
}

bool hc_fencer_notifying(const hc_fencer *f)
{
    return f && f->notifying;
}

void hc_fencer_free(hc_fencer *f)
{
    ssize_t n;

    if (!f) {
        return;
    }
    g_atomic_int_set(&f->cancelled, 1);
    /* Wakes a thread that waits for messages; one that still connects
     * ends when the fencer answers. */
    do {
        n = write(f->stop[1], "", 1);
    } while (n < 0 && errno == EINTR);
    fencer_unref(f);
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
