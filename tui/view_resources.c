/* Nodes and resources: the nodes with their state, the resource tree
 * (groups, clones, primitives) with role and node, fail counts and failed
 * actions.  Enter on a resource opens its detail (hc_detail_build). */
#include "views.h"

#include <string.h>

#include "sources.h"
#include "util.h"

static hc_tone node_tone(const hc_node *n)
{
    switch (n->state) {
    case HC_NODE_ONLINE:
        return HC_TONE_GOOD;
    case HC_NODE_STANDBY:
    case HC_NODE_MAINTENANCE:
    case HC_NODE_PENDING:
        return HC_TONE_WARN;
    default:
        return HC_TONE_BAD;
    }
}

static hc_tone rsc_tone(const hc_resource *r)
{
    if (r->failed || r->blocked) {
        return HC_TONE_BAD;
    }
    if (!r->active || !r->managed || r->disabled) {
        return HC_TONE_WARN;
    }
    return HC_TONE_GOOD;
}

static bool placed_on(const hc_resource *r, const char *node)
{
    for (guint i = 0; node && i < r->places->len; i++) {
        const hc_rsc_place *p = r->places->pdata[i];

        if (p->node && !strcmp(p->node, node)) {
            return true;
        }
    }
    return false;
}

static const hc_failcount *failcount_on(const hc_resource *r,
                                        const char *node)
{
    for (guint i = 0; node && i < r->failcounts->len; i++) {
        const hc_failcount *f = r->failcounts->pdata[i];

        if (f->node && !strcmp(f->node, node)) {
            return f;
        }
    }
    return NULL;
}

static void append_failcount(GString *t, const hc_failcount *f)
{
    if (f->count >= 1000000) {
        g_string_append(t, " (fail-count INFINITY)");
    } else {
        g_string_append_printf(t, " (fail-count %d)", f->count);
    }
}

/* A leftover cli-prefer / cli-ban (crm_resource --move, --ban) pins the
 * resource until it is cleared: said where the admin looks first, not
 * only in the Constraints view. */
static void leftover_marks(hc_console *con, const hc_resource *r,
                           GString *t)
{
    const hc_constraint *c;
    guint it = 0;

    while ((c = hc_status_next_leftover(con->status, r->id, &it))) {
        char *what = hc_leftover_text(c);
        char *e = what ? hc_con_esc(con, what, 100) : NULL;

        if (e) {
            g_string_append_printf(t, "  MOVED: %s", e);
        }
        g_free(e);
        g_free(what);
    }
}

static bool has_leftover(const hc_console *con, const hc_resource *r)
{
    guint it = 0;

    return hc_status_next_leftover(con->status, r->id, &it) != NULL;
}

/* A bundle replica as crm_mon shows it: its name, the agent inside, its
 * role on the container's node. */
static void replica_text(hc_console *con, const hc_resource *r, GString *t)
{
    char *id = hc_con_esc(con, r->id, 8);
    char *name = hc_con_esc(con, r->replica_name, 40);

    g_string_append_printf(t, "replica %s: %s", id, name);
    if (r->agent) {
        char *a = hc_con_esc(con, r->agent, 40);

        g_string_append_printf(t, " (%s)", a);
        g_free(a);
    }
    if (r->replica_node) {
        char *role = hc_con_esc(con, r->role, 20);
        char *node = hc_con_esc(con, r->replica_node, 40);

        g_string_append_printf(t, ": %s on %s", role, node);
        g_free(role);
        g_free(node);
    } else {
        g_string_append(t, ": Stopped");
    }
    if (r->failed) {
        g_string_append(t, " FAILED");
    }
    g_free(id);
    g_free(name);
}

static void rsc_text(hc_console *con, const hc_resource *r, GString *t)
{
    char *id;

    if (r->kind == HC_RSC_REPLICA) {
        replica_text(con, r, t);
        return;
    }
    id = hc_con_esc(con, r->id, 40);
    g_string_append(t, id);
    g_free(id);
    if (r->agent) {
        char *a = hc_con_esc(con, r->agent, 40);

        g_string_append_printf(t, " (%s)", a);
        g_free(a);
    } else {
        g_string_append_printf(t, " [%s]", hc_rsc_kind_str(r->kind));
        if (r->image) {
            char *img = hc_con_esc(con, r->image, 60);

            g_string_append_printf(t, " %s", img);
            g_free(img);
        }
    }
    if (r->kind == HC_RSC_PRIMITIVE) {
        char *role = hc_con_esc(con, r->role, 20);

        g_string_append_printf(t, ": %s", role);
        g_free(role);
        for (guint i = 0; i < r->places->len; i++) {
            const hc_rsc_place *p = r->places->pdata[i];
            const hc_failcount *f = failcount_on(r, p->node);
            char *node = hc_con_esc(con, p->node, 40);

            g_string_append_printf(t, "%s%s", i ? ", " : " on ", node);
            /* The node is named once: its fail count beside it. */
            if (f) {
                append_failcount(t, f);
            }
            g_free(node);
        }
    }
    if (!r->managed) {
        g_string_append(t, " (unmanaged)");
    }
    if (r->disabled) {
        g_string_append(t, " (disabled)");
    }
    if (r->failed) {
        g_string_append(t, " FAILED");
    }
    if (r->blocked) {
        g_string_append(t, " (blocked)");
    }
    for (guint i = 0; i < r->failcounts->len; i++) {
        const hc_failcount *f = r->failcounts->pdata[i];
        char *node;

        if (r->kind == HC_RSC_PRIMITIVE && placed_on(r, f->node)) {
            continue;   /* said beside the node above */
        }
        node = hc_con_esc(con, f->node, 40);
        if (f->count >= 1000000) {
            g_string_append_printf(t, " fail-count INFINITY on %s", node);
        } else {
            g_string_append_printf(t, " fail-count %d on %s", f->count, node);
        }
        g_free(node);
    }
    leftover_marks(con, r, t);
}

/* prefix: the tree drawn so far for the ancestors ("|  " or "   "). */
static void add_rsc(hc_console *con, GPtrArray *lines, const hc_resource *r,
                    GString *prefix, bool top, bool last)
{
    GString *t = g_string_new(NULL);
    GString *tree = g_string_new(prefix->str);
    hc_line *l;
    gsize keep = prefix->len;

    if (!top) {
        g_string_append(tree, last ? "`- " : "+- ");
    }
    rsc_text(con, r, t);
    l = hc_line_add(lines, rsc_tone(r) == HC_TONE_GOOD && has_leftover(con, r)
                    ? HC_TONE_WARN : rsc_tone(r), tree->str, "%s", t->str);
    /* A replica's detail is that of its remote connection (or container),
     * whose id is unique; "0" is not. */
    l->ref = g_strdup(r->kind == HC_RSC_REPLICA && r->replica_name
                      ? r->replica_name : r->id);
    if (!top) {
        g_string_append(prefix, last ? "   " : "|  ");
    }
    for (guint i = 0; i < r->children->len; i++) {
        add_rsc(con, lines, r->children->pdata[i], prefix, false,
                i + 1 == r->children->len);
    }
    g_string_truncate(prefix, keep);
    g_string_free(t, TRUE);
    g_string_free(tree, TRUE);
}

static void failed_text(hc_console *con, const hc_failed_action *f,
                        GString *t)
{
    char *rsc = hc_con_esc(con, f->resource, 40);
    char *task = hc_con_esc(con, f->task, 20);
    char *node = hc_con_esc(con, f->node, 40);
    char *rc = hc_con_esc(con, f->rc_text, 30);
    char *why = hc_con_esc(con, f->exit_reason, 80);
    char when[32];

    g_string_append_printf(t, "%s %s", rsc, task);
    if (f->interval_ms) {
        g_string_append_printf(t, " (every %us)", f->interval_ms / 1000);
    }
    g_string_append_printf(t, " on %s: %s (%d)", node, rc, f->rc);
    if (f->last_rc_change) {
        g_string_append_printf(t, " at %s",
                               hc_time_str(f->last_rc_change, when,
                                           sizeof(when)));
    }
    if (*why) {
        g_string_append_printf(t, ": %s", why);
    }
    g_free(rsc);
    g_free(task);
    g_free(node);
    g_free(rc);
    g_free(why);
}

/* One node's sbd: whether it runs and holds its watchdog open (which
 * one), the timeouts, its slot on each disk; then this node's disks with
 * every slot (the disk is shared: the other nodes' lines name their own
 * slot only), or why a disk could not be read. */
static void sbd_lines(hc_console *con, GPtrArray *lines,
                      const hc_sbd_state *sb, const char *node_name,
                      const hc_fence_summary *sum)
{
    char *node = hc_con_esc(con, node_name ? node_name : "this node", 30);
    GString *t = g_string_new(NULL);
    int wd = -1, mw = -1;

    if (sb->unknown) {
        char *why = hc_con_esc(con, sb->unknown, 80);

        hc_line_add(lines, HC_TONE_WARN, "  ", "sbd on %s: unknown (%s)",
                    node, why);
        g_free(why);
        g_free(node);
        g_string_free(t, TRUE);
        return;
    }
    if (!sb->running && !sum->sbd_expected) {
        hc_line_add(lines, HC_TONE_NORMAL, "  ", "sbd on %s: not in use",
                    node);
        g_free(node);
        g_string_free(t, TRUE);
        return;
    }
    for (guint i = 0; i < sb->disks->len; i++) {
        const hc_sbd_disk *d = sb->disks->pdata[i];

        wd = wd < 0 ? d->watchdog_timeout : wd;
        mw = mw < 0 ? d->msgwait : mw;
    }
    {
        char *wdev = hc_con_esc(con, sb->watchdog_held ? sb->watchdog_held
                                : sb->watchdog_dev, 40);

        hc_line_add(lines, sb->running && sb->watchdog_open ? HC_TONE_NORMAL
                    : HC_TONE_BAD, "  ", "sbd on %s: %s, watchdog %s %s%s",
                    node, sb->running ? "running" : "NOT running", wdev,
                    sb->watchdog_open ? "open" : "NOT open",
                    sb->disks->len ? "" : ", diskless");
        g_free(wdev);
    }
    /* The timeouts and the node's own slots on a line of their own: the
     * first line fits 80 columns. */
    if (wd >= 0) {
        g_string_append_printf(t, ", timeout %d s", wd);
    } else if (sb->watchdog_timeout) {
        char *v = hc_con_esc(con, sb->watchdog_timeout, 10);

        g_string_append_printf(t, ", timeout %s s", v);
        g_free(v);
    }
    if (mw >= 0) {
        g_string_append_printf(t, ", msgwait %d s", mw);
    }
    for (guint i = 0; i < sb->disks->len; i++) {
        const hc_sbd_disk *d = sb->disks->pdata[i];
        const hc_sbd_slot *sl = hc_sbd_node_slot(sb, d);

        if (d->error) {
            continue;
        }
        if (!sl) {
            g_string_append(t, ", NO slot");
            continue;
        }
        {
            char *msg = hc_con_esc(con, sl->message, 20);

            g_string_append_printf(t, ", slot %d %s", sl->slot, msg);
            g_free(msg);
        }
    }
    if (t->len) {
        hc_line_add(lines, HC_TONE_NORMAL, "    ", "%s", t->str + 2);
    }
    g_string_free(t, TRUE);
    g_free(node);
    if (sb->config_error) {
        char *e = hc_con_esc(con, sb->config_error, 80);

        hc_line_add(lines, HC_TONE_BAD, "    ", "%s", e);
        g_free(e);
    }
    for (guint i = 0; i < sb->disks->len; i++) {
        const hc_sbd_disk *d = sb->disks->pdata[i];
        char *dev = hc_con_esc(con, d->device, 40);
        GString *sl = g_string_new(NULL);

        if (d->error) {
            char *e = hc_con_esc(con, d->error, 80);

            hc_line_add(lines, HC_TONE_BAD, "    ", "disk %s: %s", dev, e);
            g_free(e);
        } else if (sb == con->status->sbd) {
            for (guint j = 0; j < d->slots->len; j++) {
                const hc_sbd_slot *x = d->slots->pdata[j];
                char *n = hc_con_esc(con, x->node, 30);
                char *m = hc_con_esc(con, x->message, 20);

                g_string_append_printf(sl, "%s slot %d %s %s", j ? "," : "",
                                       x->slot, n, m);
                if (x->from && strcmp(x->message, "clear") != 0) {
                    char *f = hc_con_esc(con, x->from, 30);

                    g_string_append_printf(sl, " from %s", f);
                    g_free(f);
                }
                g_free(n);
                g_free(m);
            }
            hc_line_add(lines, HC_TONE_NORMAL, "    ", "disk %s:%s", dev,
                        d->slots->len ? sl->str : " no node has a slot yet");
        }
        g_string_free(sl, TRUE);
        g_free(dev);
    }
}

/* At most this many entries of the fencer's history on screen. */
#define FENCE_HISTORY_LINES 6

/* Fencing: whether it works, its devices and where they run, the
 * fencer's last entries (newest first). */
static void fencing_lines(hc_console *con, GPtrArray *lines)
{
    const hc_status *st = con->status;
    hc_fence_summary sum;
    GPtrArray *dev = g_ptr_array_new();
    hc_tone tone;

    hc_status_fence_summary(st, &sum);
    hc_status_fence_devices(st, dev);
    hc_line_add(lines, HC_TONE_TITLE, NULL, "Fencing");
    tone = sum.works ? HC_TONE_GOOD : HC_TONE_BAD;
    hc_line_add(lines, tone, "  ", "%s, %d device%s, %d running%s",
                !st->cluster.stonith_enabled
                ? "DISABLED (stonith-enabled=false)"
                : sum.works ? "enabled"
                : sum.devices || sum.watchdog ? "enabled but NO DEVICE RUNS"
                : "enabled but NO DEVICE CONFIGURED",
                sum.devices, sum.devices == 1 ? "" : "s", sum.running,
                sum.watchdog ? ", watchdog fencing" : "");
    for (guint i = 0; i < dev->len; i++) {
        const hc_resource *r = dev->pdata[i];
        char *id = hc_con_esc(con, r->id, 40);
        GString *where = g_string_new(NULL);
        hc_line *l;

        for (guint j = 0; j < r->places->len; j++) {
            const hc_rsc_place *pl = r->places->pdata[j];
            char *n = hc_con_esc(con, pl->node, 40);

            g_string_append_printf(where, "%s%s", j ? ", " : " on ", n);
            g_free(n);
        }
        l = hc_line_add(lines, r->failed ? HC_TONE_BAD
                        : r->places->len ? HC_TONE_NORMAL : HC_TONE_WARN,
                        "  ", "device %s: %s%s%s", id,
                        r->failed ? "FAILED" : r->places->len ? "Started"
                                                              : "Stopped",
                        where->str, r->managed ? "" : " (unmanaged)");
        l->ref = g_strdup(r->id);
        g_string_free(where, TRUE);
        g_free(id);
    }
    g_ptr_array_free(dev, TRUE);
    if (st->sbd) {
        sbd_lines(con, lines, st->sbd, st->sbd_node, &sum);
    }
    for (guint i = 0; st->sbd_peers && i < st->sbd_peers->len; i++) {
        const hc_sbd_state *p = st->sbd_peers->pdata[i];

        sbd_lines(con, lines, p, p->node, &sum);
    }
    if (hc_fence_src_feed(con->fsrc)) {
        char *feed = hc_con_esc(con, hc_fence_src_feed(con->fsrc), 80);

        hc_line_add(lines, HC_TONE_WARN, "  ", "history: %s", feed);
        g_free(feed);
    }
    if (!st->fence_known) {
        char *why = hc_con_esc(con, st->fence_why, 60);

        hc_line_add(lines, HC_TONE_NORMAL, "  ",
                    "history: not available (%s)", why);
        g_free(why);
        return;
    }
    if (!st->fence_history->len) {
        hc_line_add(lines, HC_TONE_NORMAL, "  ", "history: no fencing yet");
    }
    for (guint i = 0; i < st->fence_history->len
         && i < FENCE_HISTORY_LINES; i++) {
        const hc_fence_event *e = st->fence_history->pdata[i];
        char *d = hc_fence_event_describe(e);

        hc_line_add(lines, e->state == HC_FENCE_FAILED ? HC_TONE_BAD
                    : e->state == HC_FENCE_PENDING ? HC_TONE_WARN
                    : HC_TONE_NORMAL, "  ", "%s", d);
        g_free(d);
    }
    if (st->fence_history->len > FENCE_HISTORY_LINES) {
        hc_line_add(lines, HC_TONE_NORMAL, "  ", "... %u older (hacon "
                    "status, stonith_admin --history '*')",
                    st->fence_history->len - FENCE_HISTORY_LINES);
    }
}

static void resources_build(hc_console *con, GPtrArray *lines, int width)
{
    const hc_status *st = con->status;
    GString *prefix = g_string_new("  ");

    if (!st) {
        hc_line_add(lines, HC_TONE_WARN, NULL, "No cluster status yet.");
        g_string_free(prefix, TRUE);
        return;
    }
    hc_line_add(lines, HC_TONE_TITLE, NULL, "Nodes")->selectable = false;
    for (guint i = 0; i < st->nodes->len; i++) {
        const hc_node *n = st->nodes->pdata[i];
        char *name = hc_con_esc(con, n->name, 40);
        hc_line *l = hc_line_add(lines, node_tone(n), "  ", "%s: %s%s%s",
                                 name, hc_node_state_str(n->state),
                                 n->is_dc ? " (DC)" : "",
                                 n->shutdown ? " (shutting down)" : "");

        l->ref = g_strconcat("node:", n->name, NULL);
        g_free(name);
    }
    hc_line_add(lines, HC_TONE_TITLE, NULL, "Resources");
    if (!st->resources->len) {
        hc_line_add(lines, HC_TONE_WARN, "  ", "no resources yet: press w for "
                    "the guided setup");
    }
    for (guint i = 0; i < st->resources->len; i++) {
        add_rsc(con, lines, st->resources->pdata[i], prefix, true, true);
    }
    if (st->failed->len) {
        hc_line_add(lines, HC_TONE_TITLE, NULL, "Failed actions");
        for (guint i = 0; i < st->failed->len; i++) {
            const hc_failed_action *f = st->failed->pdata[i];
            GString *t = g_string_new(NULL);
            hc_line *l;

            failed_text(con, f, t);
            l = hc_line_add(lines, HC_TONE_BAD, "  ", "%s", t->str);
            l->ref = g_strdup(f->resource);
            g_string_free(t, TRUE);
        }
    }
    fencing_lines(con, lines);
    g_string_free(prefix, TRUE);
}

static uint64_t digest_rsc(uint64_t h, const hc_resource *r)
{
    h = hc_digest_str(h, r->id);
    h = hc_digest_str(h, r->role);
    h = hc_digest_int(h, r->active | r->managed << 1 | r->failed << 2
                      | r->blocked << 3 | r->disabled << 4);
    for (guint i = 0; i < r->places->len; i++) {
        const hc_rsc_place *p = r->places->pdata[i];

        h = hc_digest_str(hc_digest_str(h, p->node), p->role);
    }
    for (guint i = 0; i < r->failcounts->len; i++) {
        const hc_failcount *f = r->failcounts->pdata[i];

        h = hc_digest_int(hc_digest_str(h, f->node), f->count);
    }
    for (guint i = 0; i < r->children->len; i++) {
        h = digest_rsc(h, r->children->pdata[i]);
    }
    return hc_digest_int(h, r->children->len);
}

static uint64_t digest_sbd(uint64_t h, const hc_sbd_state *sb)
{
    if (!sb) {
        return hc_digest_int(h, 0);
    }
    h = hc_digest_int(h, 1 | sb->configured << 1 | sb->running << 2
                      | sb->watchdog_open << 3);
    h = hc_digest_str(hc_digest_str(h, sb->unknown), sb->config_error);
    h = hc_digest_str(hc_digest_str(h, sb->watchdog_held),
                      sb->watchdog_timeout);
    for (guint i = 0; i < sb->disks->len; i++) {
        const hc_sbd_disk *d = sb->disks->pdata[i];

        h = hc_digest_str(hc_digest_str(h, d->device), d->error);
        h = hc_digest_int(hc_digest_int(h, d->msgwait), d->watchdog_timeout);
        for (guint j = 0; j < d->slots->len; j++) {
            const hc_sbd_slot *x = d->slots->pdata[j];

            h = hc_digest_str(hc_digest_str(h, x->node), x->message);
            h = hc_digest_str(hc_digest_int(h, x->slot), x->from);
        }
    }
    return h;
}

static uint64_t resources_digest(const hc_console *con)
{
    const hc_status *st = con->status;
    uint64_t h = HC_DIGEST_INIT;

    if (!st) {
        return h;
    }
    for (guint i = 0; i < st->nodes->len; i++) {
        const hc_node *n = st->nodes->pdata[i];

        h = hc_digest_int(hc_digest_str(h, n->name),
                          n->state | n->is_dc << 8 | n->shutdown << 9);
    }
    for (guint i = 0; i < st->resources->len; i++) {
        h = digest_rsc(h, st->resources->pdata[i]);
    }
    /* The marks of leftover moves on the resources' lines. */
    for (guint i = 0; i < st->constraints->len; i++) {
        const hc_constraint *c = st->constraints->pdata[i];

        if (c->leftover) {
            h = hc_digest_str(hc_digest_str(h, c->rsc), c->node);
            h = hc_digest_str(hc_digest_str(h, c->score), c->rsc_role);
        }
    }
    for (guint i = 0; i < st->failed->len; i++) {
        const hc_failed_action *f = st->failed->pdata[i];

        h = hc_digest_str(hc_digest_str(h, f->op_key), f->node);
        h = hc_digest_int(h, f->rc);
        h = hc_digest_int(h, f->last_rc_change);
        h = hc_digest_str(h, f->exit_reason);
    }
    /* The Fencing section: the history (the devices are resources). */
    h = hc_digest_int(h, st->fence_known | st->cluster.stonith_enabled << 1);
    h = hc_digest_str(h, st->fence_why);
    h = digest_sbd(h, st->sbd);
    for (guint i = 0; st->sbd_peers && i < st->sbd_peers->len; i++) {
        h = digest_sbd(h, st->sbd_peers->pdata[i]);
    }
    h = hc_digest_str(h, hc_fence_src_feed(con->fsrc));
    for (guint i = 0; st->fence_known && i < st->fence_history->len; i++) {
        const hc_fence_event *e = st->fence_history->pdata[i];

        h = hc_digest_str(hc_digest_str(h, e->target), e->delegate);
        h = hc_digest_int(hc_digest_int(h, e->state), e->completed);
    }
    return h;
}

const hc_view hc_view_resources = {
    .name = "Resources", .key = '1',
    .build = resources_build, .digest = resources_digest,
};

/* ---- detail pane ------------------------------------------------------- */

static void add_pairs(hc_console *con, GPtrArray *lines, const char *title,
                      GPtrArray *pairs)
{
    hc_line_add(lines, HC_TONE_TITLE, NULL, "%s", title);
    if (!pairs || !pairs->len) {
        hc_line_add(lines, HC_TONE_DIM, "  ", "(none)");
        return;
    }
    for (guint i = 0; i < pairs->len; i++) {
        const hc_nvpair *p = pairs->pdata[i];
        char *n = hc_con_esc(con, p->name, 40);
        char *v = hc_con_esc(con, p->value, 0);

        hc_line_add(lines, HC_TONE_NORMAL, "  ", "%s = %s", n, v);
        g_free(n);
        g_free(v);
    }
}

static void node_detail(hc_console *con, const hc_node *n, GPtrArray *lines)
{
    char *name = hc_con_esc(con, n->name, 0);
    char *id = hc_con_esc(con, n->id, 0);
    char *type = hc_con_esc(con, n->type, 0);

    hc_line_add(lines, HC_TONE_TITLE, NULL, "Node %s", name);
    hc_line_add(lines, node_tone(n), "  ", "state: %s%s",
                hc_node_state_str(n->state), n->is_dc ? " (DC)" : "");
    hc_line_add(lines, HC_TONE_NORMAL, "  ", "id: %s  type: %s", id, type);
    hc_line_add(lines, HC_TONE_TITLE, NULL, "Running here");
    if (!n->running->len) {
        hc_line_add(lines, HC_TONE_DIM, "  ", "(nothing)");
    }
    for (guint i = 0; i < n->running->len; i++) {
        char *r = hc_con_esc(con, n->running->pdata[i], 0);

        hc_line_add(lines, HC_TONE_NORMAL, "  ", "%s", r);
        g_free(r);
    }
    g_free(name);
    g_free(id);
    g_free(type);
}

/* The resource's id, agent, target-role, kind and where it runs. */
static void rsc_summary(hc_console *con, const hc_resource *r,
                        GPtrArray *lines)
{
    GString *t = g_string_new(NULL);

    rsc_text(con, r, t);
    hc_line_add(lines, HC_TONE_TITLE, NULL, "Resource %s", t->str);
    g_string_free(t, TRUE);
    if (r->target_role) {
        char *tr = hc_con_esc(con, r->target_role, 0);

        hc_line_add(lines, HC_TONE_NORMAL, "  ", "target-role: %s", tr);
        g_free(tr);
    }
    hc_line_add(lines, HC_TONE_NORMAL, "  ", "kind: %s  managed: %s  "
                "migration-threshold: %d", hc_rsc_kind_str(r->kind),
                r->managed ? "yes" : "no", r->migration_threshold);
    for (guint i = 0; i < r->places->len; i++) {
        const hc_rsc_place *p = r->places->pdata[i];
        char *node = hc_con_esc(con, p->node, 0);
        char *role = hc_con_esc(con, p->role, 0);

        hc_line_add(lines, HC_TONE_GOOD, "  ", "%s on %s", role, node);
        g_free(node);
        g_free(role);
    }
}

static void op_lines(hc_console *con, const hc_resource *r, GPtrArray *lines)
{
    hc_line_add(lines, HC_TONE_TITLE, NULL, "Operations");
    if (!r->ops->len) {
        hc_line_add(lines, HC_TONE_DIM, "  ", "(none)");
    }
    for (guint i = 0; i < r->ops->len; i++) {
        const hc_op *o = r->ops->pdata[i];
        char *name = hc_con_esc(con, o->name, 20);
        char *iv = hc_con_esc(con, o->interval, 20);
        char *to = hc_con_esc(con, o->timeout, 20);
        char *role = hc_con_esc(con, o->role, 20);

        hc_line_add(lines, HC_TONE_NORMAL, "  ", "%s interval=%s%s%s%s%s",
                    name, iv, *to ? " timeout=" : "", to,
                    *role ? " role=" : "", role);
        g_free(name);
        g_free(iv);
        g_free(to);
        g_free(role);
    }
}

/* Its fail counts and failed actions. */
static void history_lines(hc_console *con, const hc_status *st,
                          const hc_resource *r, GPtrArray *lines)
{
    int n = 0;

    hc_line_add(lines, HC_TONE_TITLE, NULL, "History (fail counts, failed "
                "actions)");
    for (guint i = 0; i < r->failcounts->len; i++, n++) {
        const hc_failcount *f = r->failcounts->pdata[i];
        char *node = hc_con_esc(con, f->node, 0);

        hc_line_add(lines, HC_TONE_WARN, "  ", "fail-count %d on %s",
                    f->count, node);
        g_free(node);
    }
    for (guint i = 0; i < st->failed->len; i++) {
        const hc_failed_action *f = st->failed->pdata[i];

        if (f->resource && !strcmp(f->resource, r->id)) {
            GString *t = g_string_new(NULL);

            failed_text(con, f, t);
            hc_line_add(lines, HC_TONE_BAD, "  ", "%s", t->str);
            g_string_free(t, TRUE);
            n++;
        }
    }
    if (!n) {
        hc_line_add(lines, HC_TONE_DIM, "  ", "(no failures recorded)");
    }
}

void hc_detail_build(hc_console *con, const char *ref, GPtrArray *lines)
{
    const hc_status *st = con->status;
    const hc_resource *r;

    if (st && ref && g_str_has_prefix(ref, "node:")) {
        const hc_node *n = hc_status_find_node(st, ref + 5);

        if (n) {
            node_detail(con, n, lines);
            return;
        }
    }
    r = st && ref ? hc_status_find_resource(st, ref) : NULL;
    if (!r) {
        char *id = hc_con_esc(con, ref, 0);

        hc_line_add(lines, HC_TONE_WARN, NULL,
                    "%s is no longer in the cluster status.", id);
        g_free(id);
        return;
    }
    rsc_summary(con, r, lines);
    add_pairs(con, lines, "Parameters", r->params);
    add_pairs(con, lines, "Meta attributes", r->meta);
    op_lines(con, r, lines);
    history_lines(con, st, r, lines);
}
