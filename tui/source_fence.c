/* The Fencing section's data, which the CIB does not hold: the fencer's
 * history and each node's sbd.
 *
 * The fencer is followed as crm_mon follows it: one connection in the
 * loop, registered for its notifications (a fence asked, ended, the
 * history changed, the fencer gone), after each of which the history is
 * asked again.  The question goes in a thread on a connection of its own
 * (up to HC_FENCER_TIMEOUT_S: a fencer that hangs must not hold the
 * screen), one at a time: a notification that comes meanwhile asks once
 * more when it is answered, so the latest answer wins.  A question not
 * answered is asked again after FENCER_RETRY_MS.  Only while the fencer
 * cannot be reached (or does not take the registration) is it asked every
 * FENCER_RETRY_MS, and the section says so.
 *
 * sbd is read every SBD_PERIOD_S (SBD_IDLE_PERIOD_S while no node uses
 * it) in a thread, as the Leases pane reads a
 * remote lease file: this node's (/proc, and `sbd -d DEV list` and `dump`,
 * 5 s each) and the other nodes' over ssh (core/sbd.c), whose answer the
 * loop takes from an idle callback; the console never waits for a disk or
 * a node. */
#include "sources.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "sbd.h"
#include "status.h"

#define FENCER_RETRY_MS 2000
#define SBD_PERIOD_S 5
/* While no node uses sbd (none configured with a disk, none running it):
 * an ssh to each node every 5 s would be the transcript's every line. */
#define SBD_IDLE_PERIOD_S 30

typedef struct sbd_job {
    hc_fence_src *s;
    char *path;
    char **nodes;               /* every member: this one is found */
    char *here;                 /* this node's name as found last time */
    hc_sbd_state *local;
    GPtrArray *peers;           /* hc_sbd_state* */
    bool orphan;                /* set and read by the loop's thread only */
} sbd_job;

typedef struct hist_job {
    hc_fence_src *s;
    GPtrArray *hist;            /* hc_fence_event*, NULL when not answered */
    char *err;
    bool orphan;                /* set and read by the loop's thread only */
} hist_job;

struct hc_fence_src {
    bool live;
    hc_src_changed_fn fn;
    hc_fence_log_fn log;
    void *data;
    /* The fencer. */
    hc_fencer *fencer;
    guint retry, refresh_idle, drop_idle, hist_retry;
    hist_job *hjob;             /* the question in flight, or NULL */
    bool hagain;                /* asked again while it was in flight */
    GPtrArray *history;         /* hc_fence_event*, NULL when not known */
    char *why;                  /* why not known */
    char *feed;                 /* how the history is followed, for the
                                 * section (NULL: notifications) */
    /* sbd. */
    char *sbd_path;
    char **nodes;               /* the members, from the last model */
    hc_sbd_state *local;
    GPtrArray *peers;
    sbd_job *job;
    guint sbd_timer;
    uint64_t gen;
};

static void changed(hc_fence_src *s)
{
    s->gen++;
    if (s->fn) {
        s->fn(s->data);
    }
}

static void set_history(hc_fence_src *s, GPtrArray *hist, const char *why)
{
    if (s->history) {
        g_ptr_array_unref(s->history);
    }
    s->history = hist;
    g_free(s->why);
    s->why = hist ? NULL : g_strdup(why ? why : "the fencer did not answer");
}

static void set_feed(hc_fence_src *s, char *feed)
{
    g_free(s->feed);
    s->feed = feed;
}

static void hist_job_free(hist_job *j)
{
    if (j->hist) {
        g_ptr_array_unref(j->hist);
    }
    g_free(j->err);
    g_free(j);
}

static void history_refresh(hc_fence_src *s);

static gboolean on_hist_retry(gpointer data)
{
    hc_fence_src *s = data;

    s->hist_retry = 0;
    history_refresh(s);
    return G_SOURCE_REMOVE;
}

/* In the loop's thread, once the fencer answered or the time was up. */
static gboolean on_hist_done(gpointer data)
{
    hist_job *j = data;
    hc_fence_src *s = j->s;
    bool failed = !j->hist;

    if (j->orphan) {
        hist_job_free(j);
        return G_SOURCE_REMOVE;
    }
    s->hjob = NULL;
    set_history(s, j->hist, j->err);
    j->hist = NULL;
    hist_job_free(j);
    changed(s);
    if (s->hagain) {
        s->hagain = false;
        history_refresh(s);
    } else if (failed && s->fencer && !s->hist_retry) {
        /* No notification would ask again: the fencer may answer later. */
        s->hist_retry = g_timeout_add(FENCER_RETRY_MS, on_hist_retry, s);
    }
    return G_SOURCE_REMOVE;
}

static gpointer hist_main(gpointer data)
{
    hist_job *j = data;

    if (hc_fence_history_query(HC_FENCER_TIMEOUT_S, &j->hist, &j->err) < 0
        && !j->err) {
        j->err = g_strdup("the fencer did not answer");
    }
    g_idle_add(on_hist_done, j);
    return NULL;
}

/* Asks the history in a thread; one question at a time. */
static void history_refresh(hc_fence_src *s)
{
    hist_job *j;
    GError *e = NULL;
    GThread *t;

    if (s->hjob) {
        s->hagain = true;
        return;
    }
    if (s->hist_retry) {
        g_source_remove(s->hist_retry);
        s->hist_retry = 0;
    }
    j = g_new0(hist_job, 1);
    j->s = s;
    t = g_thread_try_new("hc-fence-history", hist_main, j, &e);
    if (!t) {
        set_history(s, NULL, e->message);
        g_error_free(e);
        hist_job_free(j);
        s->hist_retry = g_timeout_add(FENCER_RETRY_MS, on_hist_retry, s);
        changed(s);
        return;
    }
    g_thread_unref(t);
    s->hjob = j;
}

static gboolean on_refresh_idle(gpointer data)
{
    hc_fence_src *s = data;

    s->refresh_idle = 0;
    history_refresh(s);
    return G_SOURCE_REMOVE;
}

static void fencer_try(hc_fence_src *s);

static gboolean on_retry(gpointer data)
{
    hc_fence_src *s = data;

    if (s->fencer && !hc_fencer_notifying(s->fencer)
        && hc_fencer_connected(s->fencer)) {
        /* Connected without notifications: asked every time. */
        if (s->log) {
            s->log(s->data, "fencer-poll");
        }
        history_refresh(s);
        return G_SOURCE_CONTINUE;
    }
    s->retry = 0;
    fencer_try(s);
    return G_SOURCE_REMOVE;
}

/* The fencer went away: dropped outside libstonithd's callback. */
static gboolean on_drop_idle(gpointer data)
{
    hc_fence_src *s = data;

    s->drop_idle = 0;
    hc_fencer_free(s->fencer);
    s->fencer = NULL;
    fencer_try(s);
    return G_SOURCE_REMOVE;
}

static void on_fencer_event(void *data, const char *event)
{
    hc_fence_src *s = data;

    if (s->log) {
        char *what = g_strdup_printf("fencer-notify:%s", event);

        s->log(s->data, what);
        g_free(what);
    }
    if (!strcmp(event, HC_FENCER_GONE)) {
        if (!s->drop_idle) {
            s->drop_idle = g_idle_add(on_drop_idle, s);
        }
        return;
    }
    /* Several notifications of one fence come together: one question. */
    if (!s->refresh_idle) {
        s->refresh_idle = g_idle_add(on_refresh_idle, s);
    }
}

static void fencer_try(hc_fence_src *s)
{
    char *err = NULL;

    if (hc_fencer_connect(on_fencer_event, s, &s->fencer, &err) < 0) {
        /* What is done first: the reason can be long for a narrow
         * screen. */
        char *why = g_strdup_printf("asked again every %d s: %s",
                                    FENCER_RETRY_MS / 1000,
                                    err ? err : "the fencer is not "
                                    "reachable");

        set_history(s, NULL, why);
        set_feed(s, NULL);
        g_free(why);
        g_free(err);
        s->retry = g_timeout_add(FENCER_RETRY_MS, on_retry, s);
        changed(s);
        return;
    }
    if (!hc_fencer_notifying(s->fencer)) {
        set_feed(s, g_strdup_printf("the fencer took no notification "
                                    "registration: asked every %d s",
                                    FENCER_RETRY_MS / 1000));
        s->retry = g_timeout_add(FENCER_RETRY_MS, on_retry, s);
    } else {
        set_feed(s, NULL);
    }
    history_refresh(s);
}

/* ---- sbd ---------------------------------------------------------------- */

static void sbd_job_free(sbd_job *j)
{
    g_free(j->path);
    g_free(j->here);
    g_strfreev(j->nodes);
    hc_sbd_state_free(j->local);
    if (j->peers) {
        g_ptr_array_unref(j->peers);
    }
    g_free(j);
}

static void sbd_start(hc_fence_src *s);

static gboolean on_sbd_timer(gpointer data)
{
    hc_fence_src *s = data;

    s->sbd_timer = 0;
    sbd_start(s);
    return G_SOURCE_REMOVE;
}

static bool state_uses_sbd(const hc_sbd_state *st)
{
    return st && !st->unknown
           && (st->running || st->disks->len || st->config_error);
}

static bool sbd_in_use(const hc_fence_src *s)
{
    if (state_uses_sbd(s->local)) {
        return true;
    }
    for (guint i = 0; s->peers && i < s->peers->len; i++) {
        if (state_uses_sbd(s->peers->pdata[i])) {
            return true;
        }
    }
    return false;
}

/* In the loop's thread, once the reads are done. */
static gboolean on_sbd_done(gpointer data)
{
    sbd_job *j = data;
    hc_fence_src *s = j->s;

    if (j->orphan) {
        sbd_job_free(j);
        return G_SOURCE_REMOVE;
    }
    s->job = NULL;
    hc_sbd_state_free(s->local);
    s->local = j->local;
    j->local = NULL;
    if (s->peers) {
        g_ptr_array_unref(s->peers);
    }
    s->peers = j->peers;
    j->peers = NULL;
    sbd_job_free(j);
    s->sbd_timer = g_timeout_add_seconds(sbd_in_use(s) ? SBD_PERIOD_S
                                         : SBD_IDLE_PERIOD_S, on_sbd_timer,
                                         s);
    changed(s);
    return G_SOURCE_REMOVE;
}

static gpointer sbd_main(gpointer data)
{
    sbd_job *j = data;

    /* Its children (sbd list, the ssh to a node) end with the console. */
    hc_exec_set_reader(true);
    /* The name found last time, while it is still a member: crm_node
     * runs once, not on every read. */
    char *here = j->here && j->nodes
                 && g_strv_contains((const char *const *) j->nodes, j->here)
                 ? g_strdup(j->here) : hc_sbd_here(j->nodes);

    j->local = hc_sbd_local(j->path, true);
    j->local->node = here;
    j->peers = g_ptr_array_new_with_free_func(
        (GDestroyNotify) hc_sbd_state_free);
    for (char **n = j->nodes; n && *n; n++) {
        if (strcmp(*n, here) != 0) {
            g_ptr_array_add(j->peers, hc_sbd_remote(*n, j->path, true));
        }
    }
    g_idle_add(on_sbd_done, j);
    return NULL;
}

static void sbd_start(hc_fence_src *s)
{
    sbd_job *j = g_new0(sbd_job, 1);
    GError *e = NULL;
    GThread *t;

    j->s = s;
    j->path = g_strdup(s->sbd_path);
    j->nodes = g_strdupv(s->nodes);
    j->here = s->local ? g_strdup(s->local->node) : NULL;
    t = g_thread_try_new("hc-sbd-read", sbd_main, j, &e);
    if (!t) {
        g_error_free(e);
        sbd_job_free(j);
        s->sbd_timer = g_timeout_add_seconds(SBD_PERIOD_S, on_sbd_timer, s);
        return;
    }
    g_thread_unref(t);
    s->job = j;
}

/* ---- the source --------------------------------------------------------- */

hc_fence_src *hc_fence_src_new(bool live, hc_src_changed_fn fn,
                               hc_fence_log_fn log, void *data)
{
    hc_fence_src *s = g_new0(hc_fence_src, 1);
    const char *path = getenv("HACON_SBD_CONFIG");

    s->live = live;
    s->fn = fn;
    s->log = log;
    s->data = data;
    s->sbd_path = path && *path ? g_strdup(path) : NULL;
    if (!live) {
        set_history(s, NULL, "a CIB file: no fencer to ask");
        return s;
    }
    fencer_try(s);
    return s;
}

void hc_fence_src_free(hc_fence_src *s)
{
    if (!s) {
        return;
    }
    if (s->job) {
        /* Its thread ends within its deadlines; its answer is dropped. */
        s->job->orphan = true;
    }
    if (s->hjob) {
        s->hjob->orphan = true;
    }
    if (s->hist_retry) {
        g_source_remove(s->hist_retry);
    }
    if (s->retry) {
        g_source_remove(s->retry);
    }
    if (s->refresh_idle) {
        g_source_remove(s->refresh_idle);
    }
    if (s->drop_idle) {
        g_source_remove(s->drop_idle);
    }
    if (s->sbd_timer) {
        g_source_remove(s->sbd_timer);
    }
    hc_fencer_free(s->fencer);
    set_history(s, NULL, NULL);
    g_free(s->why);
    g_free(s->feed);
    g_free(s->sbd_path);
    g_strfreev(s->nodes);
    hc_sbd_state_free(s->local);
    if (s->peers) {
        g_ptr_array_unref(s->peers);
    }
    g_free(s);
}

void hc_fence_src_apply(hc_fence_src *s, hc_status *st)
{
    GPtrArray *peers = NULL;

    if (!st) {
        return;
    }
    hc_status_set_fence_history(st, s->history ? g_ptr_array_ref(s->history)
                                               : NULL, s->why);
    if (!s->live) {
        return;
    }
    if (s->local) {
        hc_status_set_sbd(st, hc_sbd_state_dup(s->local), s->local->node);
    }
    if (s->peers) {
        peers = g_ptr_array_new();
        for (guint i = 0; i < s->peers->len; i++) {
            g_ptr_array_add(peers, hc_sbd_state_dup(s->peers->pdata[i]));
        }
        hc_status_set_sbd_peers(st, peers);
    }
    /* The nodes asked next time: this model's. */
    g_strfreev(s->nodes);
    s->nodes = hc_status_other_nodes(st, NULL);
    if (!s->job && !s->sbd_timer) {
        sbd_start(s);
    }
}

const char *hc_fence_src_feed(const hc_fence_src *s)
{
    return s ? s->feed : NULL;
}

uint64_t hc_fence_src_generation(const hc_fence_src *s)
{
    return s ? s->gen : 0;
}
