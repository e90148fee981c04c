/* The quorum device's heuristics, for the Corosync view: their last
 * result as corosync-qdevice-tool -s says it (core/corosync.c), which
 * votequorum does not report.
 *
 * The tool waits on corosync-qdevice's socket and can hang: it is read in
 * a background job, as sbd is (tui/source_fence.c), killed after
 * QDEV_TIMEOUT_MS, and the console never waits for it.  With mode: sync
 * corosync-qdevice runs the heuristics at every membership change, so a
 * read follows each change of corosync's membership or quorum (its
 * callbacks, through hc_qdev_src_corosync), and again QDEV_SETTLE_N times
 * every QDEV_SETTLE_S (the heuristics run a moment after corosync reports
 * the change); otherwise every QDEV_PERIOD_S.  Nothing is read while
 * corosync has no quorum device. */
#include "sources.h"

#include <string.h>

#include "corosync.h"
#include "draw.h"

/* As `hacon status` waits for the tool. */
#define QDEV_TIMEOUT_MS 3000
#define QDEV_SETTLE_S 2
#define QDEV_SETTLE_N 3
#define QDEV_PERIOD_S 30

typedef struct qdev_job {
    hc_qdev_src *s;
    char *result;
    bool orphan;                /* set and read by the loop's thread only */
} qdev_job;

struct hc_qdev_src {
    hc_src_changed_fn fn;
    void *data;
    bool device;                /* corosync has a quorum device */
    uint64_t seen;              /* digest of its membership and quorum */
    char *result;               /* NULL: none or not known */
    qdev_job *job;              /* the read in flight, or NULL */
    bool again;                 /* a change came while it was in flight */
    int settle;                 /* follow-up reads left after a change */
    guint timer;
    uint64_t gen;
};

static void qdev_start(hc_qdev_src *s);

static void set_result(hc_qdev_src *s, char *result)
{
    if (g_strcmp0(s->result, result) == 0) {
        g_free(result);
        return;
    }
    g_free(s->result);
    s->result = result;
    s->gen++;
    if (s->fn) {
        s->fn(s->data);
    }
}

static gboolean on_qdev_timer(gpointer data)
{
    hc_qdev_src *s = data;

    s->timer = 0;
    qdev_start(s);
    return G_SOURCE_REMOVE;
}

static void schedule(hc_qdev_src *s)
{
    guint secs = QDEV_PERIOD_S;

    if (s->settle > 0) {
        s->settle--;
        secs = QDEV_SETTLE_S;
    }
    s->timer = g_timeout_add_seconds(secs, on_qdev_timer, s);
}

/* In the loop's thread, once the tool answered or was killed. */
static void on_qdev_done(void *data)
{
    qdev_job *j = data;
    hc_qdev_src *s = j->s;

    if (j->orphan) {
        g_free(j->result);
        g_free(j);
        return;
    }
    s->job = NULL;
    if (s->device) {
        set_result(s, j->result);
        j->result = NULL;
        if (s->again) {
            s->again = false;
            qdev_start(s);
        } else {
            schedule(s);
        }
    }
    g_free(j->result);
    g_free(j);
}

/* Its child (the tool) ends with the console. */
static void qdev_main(void *data)
{
    qdev_job *j = data;

    j->result = hc_qdevice_heuristics_read(QDEV_TIMEOUT_MS);
}

static void qdev_start(hc_qdev_src *s)
{
    qdev_job *j = g_new0(qdev_job, 1);

    j->s = s;
    if (!hc_job_start("hc-qdev-read", true, qdev_main, on_qdev_done, j,
                      NULL)) {
        g_free(j);
        schedule(s);
        return;
    }
    s->job = j;
}

hc_qdev_src *hc_qdev_src_new(hc_src_changed_fn fn, void *data)
{
    hc_qdev_src *s = g_new0(hc_qdev_src, 1);

    s->fn = fn;
    s->data = data;
    return s;
}

void hc_qdev_src_free(hc_qdev_src *s)
{
    if (!s) {
        return;
    }
    if (s->job) {
        /* Its thread ends within the deadline; its answer is dropped. */
        s->job->orphan = true;
    }
    if (s->timer) {
        g_source_remove(s->timer);
    }
    g_free(s->result);
    g_free(s);
}

/* What a change of membership or quorum changes; not a link's state,
 * which corosync reports as often as a link flaps. */
static uint64_t quorum_digest(const hc_cs_state *cs)
{
    uint64_t h = HC_DIGEST_INIT;

    h = hc_digest_int(h, (int64_t) cs->ring_seq);
    h = hc_digest_int(h, cs->quorate | cs->qdevice << 1
                      | cs->qdevice_alive << 2 | cs->qdevice_cast_vote << 3);
    h = hc_digest_int(h, cs->total_votes);
    h = hc_digest_int(h, cs->expected_votes);
    for (guint i = 0; i < cs->nodes->len; i++) {
        const hc_cs_node *n = cs->nodes->pdata[i];

        h = hc_digest_int(h, n->nodeid);
        h = hc_digest_int(h, n->member);
    }
    return h;
}

void hc_qdev_src_corosync(hc_qdev_src *s, const hc_cs_state *cs)
{
    uint64_t d;

    if (!cs || !cs->qdevice) {
        /* No device (or no corosync): nothing to read, nothing shown; a
         * read in flight is dropped when it ends. */
        s->device = false;
        s->seen = 0;
        s->again = false;
        if (s->timer) {
            g_source_remove(s->timer);
            s->timer = 0;
        }
        set_result(s, NULL);
        return;
    }
    d = quorum_digest(cs);
    if (s->device && d == s->seen) {
        return;
    }
    s->device = true;
    s->seen = d;
    s->settle = QDEV_SETTLE_N;
    if (s->job) {
        s->again = true;
        return;
    }
    if (s->timer) {
        g_source_remove(s->timer);
        s->timer = 0;
    }
    qdev_start(s);
}

const char *hc_qdev_src_heuristics(const hc_qdev_src *s)
{
    return s ? s->result : NULL;
}

uint64_t hc_qdev_src_generation(const hc_qdev_src *s)
{
    return s ? s->gen : 0;
}
