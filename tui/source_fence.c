/* The Fencing section's data, which the CIB does not hold: the fencer's
 * history and each node's sbd.
 *
 * The fencer is followed as crm_mon follows it: one connection registered
 * for its notifications (a fence asked, ended, the history changed, the
 * fencer gone), after each of which the history is asked again.  The
 * connection is made, registered and read in a thread of its own
 * (core/fencing.c), at start and on every reconnect: a fencer that hangs
 * never holds the screen, and after HC_FENCER_TIMEOUT_S the section says
 * that it waits.  Its notifications come to the loop.  The question goes
 * in a background job on a connection of its own, one at a time: a
 * notification that comes meanwhile asks once more when it is answered,
 * so the latest answer wins.  A question not answered within
 * HC_FENCER_TIMEOUT_S is given up (the section says so; its thread ends
 * when the fencer answers, its answer dropped), and a question given up
 * or failed is asked again after FENCER_RETRY_MS.  While the fencer
 * cannot be reached (or does not take the registration) it is asked every
 * FENCER_RETRY_MS, and the section says so.
 *
 * sbd is read every SBD_PERIOD_S (SBD_IDLE_PERIOD_S while no node uses
 * it) in a background job, as the Leases pane reads a remote lease file:
 * this node's (/proc, and `sbd -d DEV list` and `dump`, 5 s each) and the
 * other nodes' over ssh (core/sbd.c); the console never waits for a disk
 * or a node. */
#include "sources.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sbd.h"
#include "status.h"

#define FENCER_RETRY_MS 2000
/* History questions given up on while the fencer hangs, whose threads
 * still wait for it: no more is asked until one ends. */
#define FENCER_LATE_MAX 3
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
    bool late;                  /* given up: its answer is dropped */
} hist_job;

struct hc_fence_src {
    bool live;
    hc_src_changed_fn fn;
    hc_fence_log_fn log;
    void *data;
    /* The fencer. */
    hc_fencer *fencer;
    bool connecting;            /* fencer set, HC_FENCER_UP not yet come */
    guint retry, refresh_idle, hist_retry, hist_limit, connect_limit;
    hist_job *hjob;             /* the question in flight, or NULL */
    GSList *late;               /* hist_job* given up, still in flight */
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

/* A question answered with no history or given up: asked again after
 * FENCER_RETRY_MS, or at once when a notification came meanwhile. */
static void hist_failed(hc_fence_src *s)
{
    if (s->hagain) {
        s->hagain = false;
        history_refresh(s);
    } else if (s->fencer && !s->hist_retry) {
        /* No notification would ask again: the fencer may answer later. */
        s->hist_retry = g_timeout_add(FENCER_RETRY_MS, on_hist_retry, s);
    }
}

/* In the loop's thread, once the fencer answered or its call failed. */
static void on_hist_done(void *data)
{
    hist_job *j = data;
    hc_fence_src *s = j->s;

    if (j->orphan) {
        hist_job_free(j);
        return;
    }
    if (j->late) {
        /* Given up on: a later question says what the fencer says now. */
        s->late = g_slist_remove(s->late, j);
        hist_job_free(j);
        return;
    }
    s->hjob = NULL;
    if (s->hist_limit) {
        g_source_remove(s->hist_limit);
        s->hist_limit = 0;
    }
    set_history(s, j->hist, j->err);
    if (j->hist) {
        j->hist = NULL;
        hist_job_free(j);
        changed(s);
        if (s->hagain) {
            s->hagain = false;
            history_refresh(s);
        }
        return;
    }
    hist_job_free(j);
    changed(s);
    hist_failed(s);
}

/* The question took HC_FENCER_TIMEOUT_S: said, and asked again later.  Its
 * thread cannot be stopped (libstonithd waits as long as the fencer); it
 * is left to end by itself. */
static gboolean on_hist_limit(gpointer data)
{
    hc_fence_src *s = data;
    char *why;

    s->hist_limit = 0;
    s->hjob->late = true;
    s->late = g_slist_prepend(s->late, s->hjob);
    s->hjob = NULL;
    why = g_strdup_printf("the fencer did not answer in %d s, asked again "
                          "every %d s", HC_FENCER_TIMEOUT_S,
                          FENCER_RETRY_MS / 1000);
    set_history(s, NULL, why);
    g_free(why);
    changed(s);
    hist_failed(s);
    return G_SOURCE_REMOVE;
}

static void hist_main(void *data)
{
    hist_job *j = data;

    if (hc_fence_history_query(HC_FENCER_TIMEOUT_S, &j->hist, &j->err) < 0
        && !j->err) {
        j->err = g_strdup("the fencer did not answer");
    }
}

/* Asks the history in a thread; one question at a time. */
static void history_refresh(hc_fence_src *s)
{
    hist_job *j;
    char *err = NULL;

    if (s->hjob) {
        s->hagain = true;
        return;
    }
    if (s->hist_retry) {
        g_source_remove(s->hist_retry);
        s->hist_retry = 0;
    }
    if (g_slist_length(s->late) >= FENCER_LATE_MAX) {
        /* A fencer that hangs: no more threads waiting for it. */
        s->hist_retry = g_timeout_add(FENCER_RETRY_MS, on_hist_retry, s);
        return;
    }
    j = g_new0(hist_job, 1);
    j->s = s;
    if (!hc_job_start("hc-fence-history", false, hist_main, on_hist_done, j,
                      &err)) {
        set_history(s, NULL, err);
        g_free(err);
        hist_job_free(j);
        s->hist_retry = g_timeout_add(FENCER_RETRY_MS, on_hist_retry, s);
        changed(s);
        return;
    }
    s->hjob = j;
    s->hist_limit = g_timeout_add_seconds(HC_FENCER_TIMEOUT_S, on_hist_limit,
                                          s);
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

    if (s->fencer && !s->connecting && !hc_fencer_notifying(s->fencer)) {
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

/* The connect (and registration) took HC_FENCER_TIMEOUT_S: said; it goes
 * on in its thread until the fencer answers. */
static gboolean on_connect_limit(gpointer data)
{
    hc_fence_src *s = data;
    char *why;

    s->connect_limit = 0;
    why = g_strdup_printf("the fencer has not answered in %d s, "
                          "still waiting", HC_FENCER_TIMEOUT_S);
    set_history(s, NULL, why);
    g_free(why);
    changed(s);
    return G_SOURCE_REMOVE;
}

static void fencer_up(hc_fence_src *s)
{
    s->connecting = false;
    if (s->connect_limit) {
        g_source_remove(s->connect_limit);
        s->connect_limit = 0;
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

/* The connect failed, or the fencer went away. */
static void fencer_gone(hc_fence_src *s, const char *detail)
{
    bool was_up = !s->connecting;
    char *why;

    hc_fencer_free(s->fencer);
    s->fencer = NULL;
    s->connecting = false;
    if (s->connect_limit) {
        g_source_remove(s->connect_limit);
        s->connect_limit = 0;
    }
    if (s->retry) {
        g_source_remove(s->retry);
        s->retry = 0;
    }
    if (was_up) {
        /* Connected before: straight back (a restarted fencer). */
        fencer_try(s);
        return;
    }
    /* What is done first: the reason can be long for a narrow screen. */
    why = g_strdup_printf("asked again every %d s: %s",
                          FENCER_RETRY_MS / 1000,
                          detail ? detail : "the fencer is not reachable");
    set_history(s, NULL, why);
    set_feed(s, NULL);
    g_free(why);
    s->retry = g_timeout_add(FENCER_RETRY_MS, on_retry, s);
    changed(s);
}

/* In the loop's thread. */
static void on_fencer_event(void *data, const char *event, const char *detail)
{
    hc_fence_src *s = data;

    if (!strcmp(event, HC_FENCER_UP)) {
        if (s->log) {
            s->log(s->data, "fencer-connected");
        }
        fencer_up(s);
        return;
    }
    if (s->connecting) {
        /* Not connected: the connect failed. */
        if (s->log) {
            s->log(s->data, "fencer-connect-failed");
        }
        fencer_gone(s, detail);
        return;
    }
    if (s->log) {
        char *what = g_strdup_printf("fencer-notify:%s", event);

        s->log(s->data, what);
        g_free(what);
    }
    if (!strcmp(event, HC_FENCER_GONE)) {
        fencer_gone(s, detail);
        return;
    }
    /* Several notifications of one fence come together: one question. */
    if (!s->refresh_idle) {
        s->refresh_idle = g_idle_add(on_refresh_idle, s);
    }
}

/* Starts connecting; on_fencer_event says how it went. */
static void fencer_try(hc_fence_src *s)
{
    char *err = NULL;

    s->fencer = hc_fencer_start(on_fencer_event, s, &err);
    if (!s->fencer) {
        s->connecting = true;   /* as a connect that failed */
        fencer_gone(s, err);
        g_free(err);
        return;
    }
    s->connecting = true;
    s->connect_limit = g_timeout_add_seconds(HC_FENCER_TIMEOUT_S,
                                             on_connect_limit, s);
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
static void on_sbd_done(void *data)
{
    sbd_job *j = data;
    hc_fence_src *s = j->s;

    if (j->orphan) {
        sbd_job_free(j);
        return;
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
}

/* Its children (sbd list, the ssh to a node) end with the console. */
static void sbd_main(void *data)
{
    sbd_job *j = data;
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
}

static void sbd_start(hc_fence_src *s)
{
    sbd_job *j = g_new0(sbd_job, 1);

    j->s = s;
    j->path = g_strdup(s->sbd_path);
    j->nodes = g_strdupv(s->nodes);
    j->here = s->local ? g_strdup(s->local->node) : NULL;
    if (!hc_job_start("hc-sbd-read", true, sbd_main, on_sbd_done, j, NULL)) {
        sbd_job_free(j);
        s->sbd_timer = g_timeout_add_seconds(SBD_PERIOD_S, on_sbd_timer, s);
        return;
    }
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
    set_history(s, NULL, "connecting to the fencer");
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
    for (GSList *l = s->late; l; l = l->next) {
        ((hist_job *) l->data)->orphan = true;
    }
    g_slist_free(s->late);
    if (s->hist_limit) {
        g_source_remove(s->hist_limit);
    }
    if (s->connect_limit) {
        g_source_remove(s->connect_limit);
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
