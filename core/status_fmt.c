/* Text and JSON renderings of the status model: what `hacon status`
 * prints, and what reports and tests read.  Every string from the CIB is
 * escaped (text) or JSON-quoted; nothing reaches a terminal raw. */
#include "status.h"

#include <string.h>

#include "json.h"
#include "util.h"

static void esc(GString *out, const char *s)
{
    hc_escape_append(out, s ? s : "", s ? strlen(s) : 0, 0);
}

/* "A runs where B runs", "B is Promoted" etc.: roles named as the admin
 * sees them in the console. */
static void rsc_with_role(GString *out, const char *rsc, const char *role)
{
    esc(out, rsc);
    if (role && strcmp(role, "Started") != 0) {
        g_string_append_c(out, ':');
        esc(out, role);
    }
}

char *hc_constraint_describe(const hc_constraint *c)
{
    GString *s = g_string_new(NULL);
    const char *score = c->score ? c->score : "";

    switch (c->kind) {
    case HC_CONS_LOCATION: {
        bool neg = score[0] == '-';

        if (c->has_sets) {
            g_string_append(s, "resources ");
            esc(s, c->sets);
        } else {
            rsc_with_role(s, c->rsc, c->rsc_role);
        }
        if (c->has_rule) {
            g_string_append(s, neg ? " avoids nodes matching a rule"
                                   : " prefers nodes matching a rule");
        } else if (!strcmp(score, "-INFINITY") || !strcmp(score, "-inf")) {
            g_string_append(s, " never runs on ");
            esc(s, c->node);
        } else {
            g_string_append(s, neg ? " avoids " : " prefers ");
            esc(s, c->node);
        }
        g_string_append(s, " (");
        esc(s, score);
        g_string_append(s, ")");
        if (c->expires) {
            g_string_append(s, " until ");
            esc(s, c->expires);
        }
        break;
    }
    case HC_CONS_COLOCATION:
        if (c->has_sets) {
            g_string_append(s, "set ");
            esc(s, c->sets);
            g_string_append(s, " placed together");
        } else {
            bool neg = score[0] == '-';

            rsc_with_role(s, c->rsc, c->rsc_role);
            g_string_append(s, neg ? " never runs where " : " runs where ");
            esc(s, c->with_rsc);
            if (c->with_role && strcmp(c->with_role, "Started") != 0) {
                g_string_append(s, " is ");
                esc(s, c->with_role);
            } else {
                g_string_append(s, " runs");
            }
        }
        g_string_append(s, " (");
        esc(s, score);
        g_string_append(s, ")");
        break;
    case HC_CONS_ORDER: {
        const char *fa = c->with_action ? c->with_action : "start";
        const char *ta = c->action ? c->action : fa;

        if (c->has_sets) {
            g_string_append(s, "sets ");
            esc(s, c->sets);
            g_string_append(s, " in order");
        } else {
            esc(s, c->with_rsc);
            g_string_append_printf(s, " %ss before ", fa);
            esc(s, c->rsc);
            g_string_append_c(s, ' ');
            esc(s, ta);
            g_string_append(s, "s");
        }
        g_string_append(s, " (");
        esc(s, c->kind_str ? c->kind_str : c->score ? c->score
                                                    : "Mandatory");
        g_string_append(s, ")");
        break;
    }
    case HC_CONS_TICKET:
        rsc_with_role(s, c->rsc, c->rsc_role);
        g_string_append(s, " needs ticket ");
        esc(s, c->with_rsc);
        break;
    }
    return g_string_free(s, FALSE);
}

const hc_constraint *hc_status_next_leftover(const hc_status *st,
                                             const char *rsc, guint *iter)
{
    for (; st && rsc && *iter < st->constraints->len; (*iter)++) {
        const hc_constraint *c = g_ptr_array_index(st->constraints, *iter);

        if (c->leftover && c->kind == HC_CONS_LOCATION && c->rsc
            && !strcmp(c->rsc, rsc)) {
            (*iter)++;
            return c;
        }
    }
    return NULL;
}

const char *hc_leftover_verb(const hc_constraint *c)
{
    return c->score && c->score[0] == '-' ? "banned from" : "pinned to";
}

char *hc_leftover_text(const hc_constraint *c)
{
    const char *node = c->node ? c->node : c->rule_node;
    bool ban = c->score && c->score[0] == '-';
    GString *t;

    if (!node && !c->has_rule) {
        return NULL;
    }
    t = g_string_new(NULL);
    if (node) {
        g_string_append_printf(t, "%s %s", hc_leftover_verb(c), node);
    } else {
        g_string_append(t, ban ? "banned by rule" : "pinned by rule");
    }
    if (c->rsc_role && *c->rsc_role && strcmp(c->rsc_role, "Started") != 0) {
        g_string_append_printf(t, " (as %s)", c->rsc_role);
    }
    if (c->expires) {
        g_string_append_printf(t, " until %s", c->expires);
    }
    return g_string_free(t, FALSE);
}

/* ---- text ------------------------------------------------------------- */

/* "  MOVED: pinned to NODE (as ROLE)" for each leftover move, as the
 * console's Resources view says it. */
static void text_moved(GString *out, const hc_status *st,
                       const hc_resource *r)
{
    const hc_constraint *c;
    guint it = 0;

    while ((c = hc_status_next_leftover(st, r->id, &it))) {
        char *what = hc_leftover_text(c);

        if (what) {
            g_string_append(out, "  MOVED: ");
            esc(out, what);
        }
        g_free(what);
    }
}

static void text_places(GString *out, const hc_resource *r)
{
    if (!r->places->len) {
        g_string_append(out, "Stopped");
        return;
    }
    for (guint i = 0; i < r->places->len; i++) {
        const hc_rsc_place *pl = g_ptr_array_index(r->places, i);

        g_string_append(out, i ? ", " : "");
        esc(out, pl->role);
        g_string_append(out, " on ");
        esc(out, pl->node);
    }
}

static void text_flags(GString *out, const hc_resource *r)
{
    if (!r->managed) {
        g_string_append(out, " (unmanaged)");
    }
    if (r->disabled) {
        g_string_append(out, " (disabled)");
    }
    if (r->failed) {
        g_string_append(out, " FAILED");
    }
    if (r->blocked) {
        g_string_append(out, " (blocked)");
    }
    if (r->orphaned) {
        g_string_append(out, " (orphaned)");
    }
    if (r->target_role && !r->disabled) {
        g_string_append(out, " (target-role ");
        esc(out, r->target_role);
        g_string_append(out, ")");
    }
}

/* A replica with an IP address of its own shows it after its name, as
 * crm_mon does. */
static void replica_ip(GString *out, const hc_resource *r)
{
    for (guint i = 0; i < r->children->len; i++) {
        const hc_resource *c = g_ptr_array_index(r->children, i);

        if (!c->agent || strcmp(c->agent, "ocf:heartbeat:IPaddr2")) {
            continue;
        }
        for (guint j = 0; j < c->params->len; j++) {
            const hc_nvpair *nv = g_ptr_array_index(c->params, j);

            if (nv->name && !strcmp(nv->name, "ip") && nv->value) {
                g_string_append(out, " (");
                esc(out, nv->value);
                g_string_append(out, ")");
                return;
            }
        }
    }
}

static void text_resource(GString *out, const hc_status *st,
                          const hc_resource *r, int depth)
{
    g_string_append_printf(out, "%*s", 2 + depth * 2, "");
    if (r->kind == HC_RSC_REPLICA) {
        g_string_append(out, "replica ");
    }
    esc(out, r->id);
    if (r->kind == HC_RSC_PRIMITIVE) {
        g_string_append(out, " (");
        esc(out, r->agent);
        g_string_append(out, "): ");
        text_places(out, r);
    } else if (r->kind == HC_RSC_REPLICA) {
        /* crm_mon's line for a replica, then its parts. */
        g_string_append(out, ": ");
        esc(out, r->replica_name);
        replica_ip(out, r);
        if (r->agent) {
            g_string_append(out, " (");
            esc(out, r->agent);
            g_string_append(out, ")");
        }
        g_string_append(out, ": ");
        if (r->replica_node) {
            esc(out, r->role);
            g_string_append(out, " on ");
            esc(out, r->replica_node);
        } else {
            g_string_append(out, "Stopped");
        }
    } else {
        g_string_append_printf(out, " [%s]", hc_rsc_kind_str(r->kind));
        if (r->image) {
            g_string_append(out, " image ");
            esc(out, r->image);
        }
    }
    text_flags(out, r);
    text_moved(out, st, r);
    g_string_append_c(out, '\n');
    for (guint i = 0; i < r->children->len; i++) {
        text_resource(out, st, g_ptr_array_index(r->children, i),
                      depth + 1);
    }
}

static void text_failcounts(GString *out, const hc_resource *r, bool *hdr)
{
    for (guint i = 0; i < r->failcounts->len; i++) {
        const hc_failcount *fc = g_ptr_array_index(r->failcounts, i);

        if (!*hdr) {
            g_string_append(out, "\nFail counts:\n");
            *hdr = true;
        }
        g_string_append(out, "  ");
        esc(out, r->id);
        g_string_append(out, " on ");
        esc(out, fc->node);
        if (fc->count >= 1000000) {
            g_string_append(out, ": INFINITY");
        } else {
            g_string_append_printf(out, ": %d", fc->count);
        }
        if (r->migration_threshold >= 1000000) {
            g_string_append(out, " (migration-threshold INFINITY)\n");
        } else {
            g_string_append_printf(out, " (migration-threshold %d)\n",
                                   r->migration_threshold);
        }
    }
    for (guint i = 0; i < r->children->len; i++) {
        text_failcounts(out, g_ptr_array_index(r->children, i), hdr);
    }
}

/* The watchdog timeout a node's sbd uses: its disks' header's (which
 * sbd takes over SBD_WATCHDOG_TIMEOUT), else the configuration's; and
 * the first disk's msgwait.  NULL / -1 when not known. */
static int sbd_msgwait(const hc_sbd_state *s)
{
    for (guint i = 0; i < s->disks->len; i++) {
        const hc_sbd_disk *d = g_ptr_array_index(s->disks, i);

        if (d->msgwait >= 0) {
            return d->msgwait;
        }
    }
    return -1;
}

static void text_sbd_timeouts(GString *out, const hc_sbd_state *s)
{
    int wd = -1, mw = sbd_msgwait(s);

    for (guint i = 0; wd < 0 && i < s->disks->len; i++) {
        wd = ((const hc_sbd_disk *) g_ptr_array_index(s->disks, i))
             ->watchdog_timeout;
    }
    if (wd >= 0) {
        g_string_append_printf(out, ", watchdog timeout %d s", wd);
    } else if (s->watchdog_timeout) {
        g_string_append(out, ", watchdog timeout ");
        esc(out, s->watchdog_timeout);
        g_string_append(out, " s");
    }
    if (mw >= 0) {
        g_string_append_printf(out, ", msgwait %d s", mw);
    }
}

/* The node's own slot on each disk ("slot 1 on /dev/sdb: clear"). */
static void text_sbd_own_slots(GString *out, const hc_sbd_state *s)
{
    for (guint i = 0; i < s->disks->len; i++) {
        const hc_sbd_disk *d = g_ptr_array_index(s->disks, i);
        const hc_sbd_slot *sl = hc_sbd_node_slot(s, d);

        if (d->error) {
            continue;
        }
        g_string_append(out, i ? "; " : ", ");
        if (!sl) {
            g_string_append(out, "NO slot on ");
            esc(out, d->device);
            continue;
        }
        g_string_append_printf(out, "slot %d on ", sl->slot);
        esc(out, d->device);
        g_string_append(out, ": ");
        esc(out, sl->message);
        if (sl->from && strcmp(sl->message, "clear") != 0) {
            g_string_append(out, " from ");
            esc(out, sl->from);
        }
    }
}

/* One node's sbd and watchdog (with_disks: and every slot of its disks,
 * for this node; another node's disks are the same shared disks, and
 * only their errors are said). */
static void text_sbd_node(GString *out, const hc_status *st,
                          const hc_sbd_state *s, const char *node,
                          bool with_disks)
{
    hc_fence_summary sum;

    g_string_append(out, "  sbd on ");
    esc(out, node ? node : "this node");
    g_string_append(out, ": ");
    if (s->unknown) {
        g_string_append(out, "unknown (");
        esc(out, s->unknown);
        g_string_append(out, ")\n");
        return;
    }
    hc_status_fence_summary(st, &sum);
    if (!s->running && !sum.sbd_expected) {
        g_string_append(out, "not in use (no SBD_DEVICE in ");
        esc(out, s->config_path);
        g_string_append(out, s->configured ? "" : ", which does not exist");
        g_string_append(out, ", no fence_sbd device, no watchdog fencing)\n");
        return;
    }
    if (s->running) {
        g_string_append_printf(out, "running (pid %d), watchdog ", s->pid);
        esc(out, s->watchdog_held ? s->watchdog_held : s->watchdog_dev);
        g_string_append(out, s->watchdog_open ? " open" : " NOT open");
    } else {
        g_string_append(out, "NOT running, watchdog ");
        esc(out, s->watchdog_dev);
    }
    text_sbd_timeouts(out, s);
    text_sbd_own_slots(out, s);
    g_string_append(out, s->disks->len ? "\n" : ", diskless\n");
    if (s->config_error) {
        g_string_append(out, "    ");
        esc(out, s->config_error);
        g_string_append_c(out, '\n');
    }
    for (guint i = 0; i < s->disks->len; i++) {
        const hc_sbd_disk *d = g_ptr_array_index(s->disks, i);

        if (!with_disks && !d->error) {
            continue;
        }
        g_string_append(out, "    disk ");
        esc(out, d->device);
        g_string_append(out, ":");
        if (d->error) {
            g_string_append(out, " ");
            esc(out, d->error);
        }
        for (guint j = 0; with_disks && j < d->slots->len; j++) {
            const hc_sbd_slot *sl = g_ptr_array_index(d->slots, j);

            g_string_append_printf(out, "%s slot %d ", j ? "," : "",
                                   sl->slot);
            esc(out, sl->node);
            g_string_append_c(out, ' ');
            esc(out, sl->message);
            if (sl->from && strcmp(sl->message, "clear") != 0) {
                g_string_append(out, " from ");
                esc(out, sl->from);
            }
        }
        if (!d->error && !d->slots->len) {
            g_string_append(out, " no node has a slot yet");
        }
        g_string_append_c(out, '\n');
    }
}

/* Each node's sbd and watchdog: this node's (with the slots on its
 * disks), then the others' as asked over ssh. */
static void text_sbd(GString *out, const hc_status *st)
{
    if (st->sbd) {
        text_sbd_node(out, st, st->sbd, st->sbd_node, true);
    }
    for (guint i = 0; st->sbd_peers && i < st->sbd_peers->len; i++) {
        const hc_sbd_state *p = g_ptr_array_index(st->sbd_peers, i);

        text_sbd_node(out, st, p, p->node, false);
    }
}

/* Fencing: whether it works, the devices and where they run, the
 * fencer's history (or why it is not known). */
static void text_fencing(GString *out, const hc_status *st)
{
    hc_fence_summary sum;
    GPtrArray *dev = g_ptr_array_new();

    hc_status_fence_summary(st, &sum);
    hc_status_fence_devices(st, dev);
    g_string_append(out, "\nFencing: ");
    if (!st->cluster.stonith_enabled) {
        g_string_append(out, "DISABLED (stonith-enabled=false)");
    } else if (sum.works) {
        g_string_append(out, "enabled");
    } else {
        g_string_append(out, sum.devices || sum.watchdog
                             ? "enabled but NO DEVICE RUNS"
                             : "enabled but NO DEVICE CONFIGURED");
    }
    g_string_append_printf(out, ", %d device%s, %d running", sum.devices,
                           sum.devices == 1 ? "" : "s", sum.running);
    if (st->cluster.watchdog_timeout) {
        g_string_append(out, ", stonith-watchdog-timeout=");
        esc(out, st->cluster.watchdog_timeout);
        g_string_append(out, st->cluster.have_watchdog ? " (watchdog armed)"
                                                       : " (NO watchdog)");
    }
    g_string_append_c(out, '\n');
    for (guint i = 0; i < dev->len; i++) {
        const hc_resource *r = g_ptr_array_index(dev, i);

        g_string_append(out, "  device ");
        esc(out, r->id);
        g_string_append(out, " (");
        esc(out, r->agent);
        g_string_append(out, "): ");
        text_places(out, r);
        text_flags(out, r);
        g_string_append_c(out, '\n');
    }
    g_ptr_array_free(dev, TRUE);
    text_sbd(out, st);
    if (!st->fence_known) {
        g_string_append(out, "  history: not available (");
        esc(out, st->fence_why);
        g_string_append(out, ")\n");
        return;
    }
    g_string_append_printf(out, "  history:%s\n",
                           st->fence_history->len ? "" : " none");
    for (guint i = 0; i < st->fence_history->len; i++) {
        char *d = hc_fence_event_describe(g_ptr_array_index(st->fence_history,
                                                            i));

        g_string_append_printf(out, "    %s\n", d); /* already escaped */
        g_free(d);
    }
}

void hc_status_format_text(const hc_status *st, GString *out)
{
    const hc_cluster *cl = &st->cluster;
    bool hdr = false;
    guint nfc;

    g_string_append(out, "Cluster: ");
    esc(out, cl->name ? cl->name : "(unnamed)");
    g_string_append(out, " (stack: ");
    esc(out, cl->stack);
    g_string_append(out, ")\n");
    g_string_append(out, "DC: ");
    if (cl->have_dc) {
        esc(out, cl->dc);
        if (cl->dc_version) {
            g_string_append(out, " (version ");
            esc(out, cl->dc_version);
            g_string_append(out, ")");
        }
        g_string_append(out, cl->quorate ? ", partition with quorum\n"
                                         : ", partition WITHOUT quorum\n");
    } else {
        g_string_append(out, "none\n");
    }
    if (st->qdevice) {
        g_string_append(out, "Quorum device: ");
        esc(out, st->qdevice);
        g_string_append_c(out, '\n');
    }
    if (st->qdevice_heuristics) {
        g_string_append(out, "Quorum device heuristics: ");
        esc(out, st->qdevice_heuristics);
        g_string_append(out, " (at the last membership change)\n");
    }
    g_string_append(out, "Last change: ");
    esc(out, cl->last_written ? cl->last_written : "unknown");
    if (cl->last_change_user || cl->last_change_client) {
        g_string_append(out, " by ");
        esc(out, cl->last_change_user ? cl->last_change_user : "?");
        g_string_append(out, " via ");
        esc(out, cl->last_change_client ? cl->last_change_client : "?");
    }
    if (cl->last_change_origin) {
        g_string_append(out, " on ");
        esc(out, cl->last_change_origin);
    }
    g_string_append_c(out, '\n');
    g_string_append_printf(out, "%d node%s and %d resource instance%s "
                           "configured", cl->n_nodes,
                           cl->n_nodes == 1 ? "" : "s", cl->n_resources,
                           cl->n_resources == 1 ? "" : "s");
    if (cl->n_disabled || cl->n_blocked) {
        g_string_append_printf(out, " (%d disabled, %d blocked)",
                               cl->n_disabled, cl->n_blocked);
    }
    g_string_append_c(out, '\n');
    g_string_append_printf(out, "Properties: stonith-enabled=%s "
                           "no-quorum-policy=%s maintenance-mode=%s\n",
                           cl->stonith_enabled ? "true" : "false",
                           cl->no_quorum_policy,
                           cl->maintenance_mode ? "true" : "false");

    if (cl->warnings->len) {
        g_string_append(out, "\nWarnings:\n");
        for (guint i = 0; i < cl->warnings->len; i++) {
            g_string_append(out, "  ! ");
            esc(out, g_ptr_array_index(cl->warnings, i));
            g_string_append_c(out, '\n');
        }
    }

    g_string_append(out, "\nNodes:\n");
    for (guint i = 0; i < st->nodes->len; i++) {
        const hc_node *n = g_ptr_array_index(st->nodes, i);

        g_string_append(out, "  ");
        esc(out, n->name);
        g_string_append_printf(out, ": %s", hc_node_state_str(n->state));
        if (n->state == HC_NODE_UNCLEAN) {
            g_string_append(out, n->online ? " (online)" : " (offline)");
        }
        if (strcmp(n->type, "member") != 0) {
            g_string_append_printf(out, " [%s]", n->type);
        }
        if (n->is_dc) {
            g_string_append(out, " (DC)");
        }
        if (n->running->len) {
            g_string_append(out, " running:");
            for (guint j = 0; j < n->running->len; j++) {
                g_string_append_c(out, ' ');
                esc(out, g_ptr_array_index(n->running, j));
            }
        }
        g_string_append_c(out, '\n');
    }

    g_string_append(out, "\nResources:\n");
    if (!st->resources->len) {
        g_string_append(out, "  (none configured)\n");
    }
    for (guint i = 0; i < st->resources->len; i++) {
        text_resource(out, st, g_ptr_array_index(st->resources, i), 0);
    }

    if (st->failed->len) {
        char tbuf[32];

        g_string_append(out, "\nFailed actions:\n");
        for (guint i = 0; i < st->failed->len; i++) {
            const hc_failed_action *f = g_ptr_array_index(st->failed, i);

            g_string_append(out, "  ");
            esc(out, f->op_key);
            g_string_append(out, " on ");
            esc(out, f->node);
            g_string_append_printf(out, ": %s (rc=%d), %s", f->rc_text, f->rc,
                                   f->status_text);
            if (f->exit_reason && *f->exit_reason) {
                g_string_append(out, ", \"");
                esc(out, f->exit_reason);
                g_string_append(out, "\"");
            }
            g_string_append_printf(out, " at %s\n",
                                   hc_time_str(f->last_rc_change, tbuf,
                                               sizeof(tbuf)));
        }
    }

    text_fencing(out, st);

    nfc = 0;
    for (guint i = 0; i < st->resources->len; i++) {
        text_failcounts(out, g_ptr_array_index(st->resources, i), &hdr);
        nfc++;
    }

    if (st->constraints->len) {
        g_string_append(out, "\nConstraints:\n");
        for (guint i = 0; i < st->constraints->len; i++) {
            const hc_constraint *c = g_ptr_array_index(st->constraints, i);
            char *d = hc_constraint_describe(c);

            g_string_append_printf(out, "  %s ", hc_cons_kind_str(c->kind));
            esc(out, c->id);
            g_string_append(out, ": ");
            g_string_append(out, d); /* already escaped */
            if (c->leftover) {
                g_string_append(out, "  [left by a move]");
            }
            g_string_append_c(out, '\n');
            g_free(d);
        }
    }
}

/* ---- JSON ------------------------------------------------------------- */

/* A block of nvpairs (params, meta) as an object. */
static void json_nvpairs(hc_jw *w, const char *k, GPtrArray *a)
{
    hc_jw_obj(w, k);
    for (guint i = 0; i < a->len; i++) {
        const hc_nvpair *nv = g_ptr_array_index(a, i);

        hc_jw_str(w, nv->name ? nv->name : "", nv->value);
    }
    hc_jw_end(w);
}

/* Counts the instances below a collective per role: the primitives, and
 * in a bundle each replica once, by the role of the resource inside. */
static void count_roles(const hc_resource *r, GHashTable *counts,
                        bool *any_active)
{
    for (guint i = 0; i < r->children->len; i++) {
        const hc_resource *c = g_ptr_array_index(r->children, i);
        const char *role = c->role ? c->role : "Stopped";

        if (c->kind == HC_RSC_PRIMITIVE || c->kind == HC_RSC_REPLICA) {
            gpointer n = g_hash_table_lookup(counts, role);

            if (c->kind == HC_RSC_REPLICA && !c->replica_node) {
                role = "Stopped";
                n = g_hash_table_lookup(counts, role);
            }
            g_hash_table_insert(counts, (gpointer) role,
                                GINT_TO_POINTER(GPOINTER_TO_INT(n) + 1));
            *any_active |= c->active;
        } else {
            count_roles(c, counts, any_active);
        }
    }
}

static gint cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(a, b);
}

/* A collective (group, clone, bundle, replica) has no role of its own: it
 * says how many of its instances are in each role, and is active when any
 * of them is. */
static void json_collective(hc_jw *w, const hc_resource *r)
{
    GHashTable *counts = g_hash_table_new(g_str_hash, g_str_equal);
    bool any = false;
    GList *keys;

    count_roles(r, counts, &any);
    hc_jw_null(w, "role");
    hc_jw_obj(w, "instances");
    keys = g_list_sort(g_hash_table_get_keys(counts), cmp_str);
    for (GList *l = keys; l; l = l->next) {
        hc_jw_int(w, l->data,
                  GPOINTER_TO_INT(g_hash_table_lookup(counts, l->data)));
    }
    g_list_free(keys);
    hc_jw_end(w);
    if (r->kind == HC_RSC_BUNDLE) {
        hc_jw_str(w, "image", r->image);
    } else if (r->kind == HC_RSC_REPLICA) {
        hc_jw_str(w, "name", r->replica_name);
        hc_jw_str(w, "replica_role", r->replica_node ? r->role : "Stopped");
        hc_jw_str(w, "node", r->replica_node);
    }
    hc_jw_str(w, "target_role", r->target_role);
    hc_jw_bool(w, "active", any);
    g_hash_table_destroy(counts);
}

/* "moved": the leftover moves that pin the resource, as in the text. */
static void json_moved(hc_jw *w, const hc_status *st, const hc_resource *r)
{
    const hc_constraint *c;
    guint it = 0;

    hc_jw_arr(w, "moved");
    while ((c = hc_status_next_leftover(st, r->id, &it))) {
        const char *node = c->node ? c->node : c->rule_node;

        if (!node && !c->has_rule) {
            continue;
        }
        hc_jw_obj(w, NULL);
        hc_jw_str(w, "constraint", c->id);
        hc_jw_str(w, "how", c->score && c->score[0] == '-' ? "banned"
                                                           : "pinned");
        hc_jw_str(w, "node", node);
        /* A rule (crm_resource --lifetime): said, with its end. */
        if (c->has_rule) {
            hc_jw_bool(w, "rule", true);
            if (c->expires) {
                hc_jw_str(w, "until", c->expires);
            }
        }
        hc_jw_str(w, "role", c->rsc_role && *c->rsc_role ? c->rsc_role
                                                         : NULL);
        hc_jw_end(w);
    }
    hc_jw_end(w);
}

static void json_resource(hc_jw *w, const hc_status *st,
                          const hc_resource *r)
{
    hc_jw_obj(w, NULL);
    hc_jw_str(w, "id", r->id);
    hc_jw_str(w, "kind", hc_rsc_kind_str(r->kind));
    hc_jw_str(w, "agent", r->agent);
    if (r->kind == HC_RSC_PRIMITIVE) {
        hc_jw_str(w, "role", r->role);
        hc_jw_str(w, "target_role", r->target_role);
        hc_jw_bool(w, "active", r->active);
    } else {
        json_collective(w, r);
    }
    hc_jw_bool(w, "managed", r->managed);
    hc_jw_bool(w, "failed", r->failed);
    hc_jw_bool(w, "disabled", r->disabled);
    hc_jw_bool(w, "blocked", r->blocked);
    hc_jw_bool(w, "orphaned", r->orphaned);
    hc_jw_int(w, "migration_threshold", r->migration_threshold);
    json_moved(w, st, r);
    hc_jw_arr(w, "nodes");
    for (guint i = 0; i < r->places->len; i++) {
        const hc_rsc_place *pl = g_ptr_array_index(r->places, i);

        hc_jw_obj(w, NULL);
        hc_jw_str(w, "node", pl->node);
        hc_jw_str(w, "role", pl->role);
        hc_jw_end(w);
    }
    hc_jw_end(w);
    hc_jw_obj(w, "failcounts");
    for (guint i = 0; i < r->failcounts->len; i++) {
        const hc_failcount *fc = g_ptr_array_index(r->failcounts, i);

        hc_jw_int(w, fc->node, fc->count);
    }
    hc_jw_end(w);
    json_nvpairs(w, "params", r->params);
    json_nvpairs(w, "meta", r->meta);
    hc_jw_arr(w, "ops");
    for (guint i = 0; i < r->ops->len; i++) {
        const hc_op *op = g_ptr_array_index(r->ops, i);

        hc_jw_obj(w, NULL);
        hc_jw_str(w, "name", op->name);
        hc_jw_str(w, "interval", op->interval);
        hc_jw_str(w, "timeout", op->timeout);
        hc_jw_str(w, "role", op->role);
        hc_jw_end(w);
    }
    hc_jw_end(w);
    hc_jw_arr(w, "children");
    for (guint i = 0; i < r->children->len; i++) {
        json_resource(w, st, g_ptr_array_index(r->children, i));
    }
    hc_jw_end(w);
    hc_jw_end(w);
}

/* One node's sbd as an object (key NULL: an array's member). */
static void json_sbd_state(hc_jw *w, const char *key, const hc_status *st,
                           const hc_sbd_state *s, const char *node)
{
    hc_fence_summary sum;

    hc_status_fence_summary(st, &sum);
    hc_jw_obj(w, key);
    hc_jw_str(w, "node", node);
    hc_jw_bool(w, "known", !s->unknown);
    hc_jw_str(w, "unknown_why", s->unknown);
    hc_jw_str(w, "config", s->config_path);
    hc_jw_bool(w, "configured", s->configured);
    hc_jw_bool(w, "expected", sum.sbd_expected);
    hc_jw_str(w, "config_error", s->config_error);
    hc_jw_bool(w, "running", s->running);
    hc_jw_int(w, "pid", s->pid);
    hc_jw_str(w, "watchdog_dev", s->watchdog_dev);
    hc_jw_bool(w, "watchdog_open", s->watchdog_open);
    hc_jw_str(w, "watchdog_held", s->watchdog_held);
    hc_jw_str(w, "watchdog_timeout", s->watchdog_timeout);
    if (sbd_msgwait(s) >= 0) {
        hc_jw_int(w, "msgwait", sbd_msgwait(s));
    } else {
        hc_jw_null(w, "msgwait");
    }
    hc_jw_arr(w, "disks");
    for (guint i = 0; i < s->disks->len; i++) {
        const hc_sbd_disk *d = g_ptr_array_index(s->disks, i);
        const hc_sbd_slot *own = hc_sbd_node_slot(s, d);

        hc_jw_obj(w, NULL);
        hc_jw_str(w, "device", d->device);
        hc_jw_str(w, "error", d->error);
        if (d->msgwait >= 0) {
            hc_jw_int(w, "msgwait", d->msgwait);
        } else {
            hc_jw_null(w, "msgwait");
        }
        if (d->watchdog_timeout >= 0) {
            hc_jw_int(w, "watchdog_timeout", d->watchdog_timeout);
        } else {
            hc_jw_null(w, "watchdog_timeout");
        }
        if (own) {
            hc_jw_int(w, "node_slot", own->slot);
            hc_jw_str(w, "node_message", own->message);
        } else {
            hc_jw_null(w, "node_slot");
            hc_jw_null(w, "node_message");
        }
        hc_jw_arr(w, "slots");
        for (guint j = 0; j < d->slots->len; j++) {
            const hc_sbd_slot *sl = g_ptr_array_index(d->slots, j);

            hc_jw_obj(w, NULL);
            hc_jw_int(w, "slot", sl->slot);
            hc_jw_str(w, "node", sl->node);
            hc_jw_str(w, "message", sl->message);
            hc_jw_str(w, "from", sl->from);
            hc_jw_end(w);
        }
        hc_jw_end(w);
        hc_jw_end(w);
    }
    hc_jw_end(w);
    hc_jw_end(w);
}

/* "sbd": this node's; "sbd_nodes": every node's, this one first (null
 * when not looked at: a CIB file). */
static void json_sbd(hc_jw *w, const hc_status *st)
{
    if (!st->sbd) {
        hc_jw_null(w, "sbd");
        hc_jw_null(w, "sbd_nodes");
        return;
    }
    json_sbd_state(w, "sbd", st, st->sbd, st->sbd_node);
    hc_jw_arr(w, "sbd_nodes");
    json_sbd_state(w, NULL, st, st->sbd, st->sbd_node);
    for (guint i = 0; st->sbd_peers && i < st->sbd_peers->len; i++) {
        const hc_sbd_state *p = g_ptr_array_index(st->sbd_peers, i);

        json_sbd_state(w, NULL, st, p, p->node);
    }
    hc_jw_end(w);
}

/* "fencing":{...}: whether fencing works, the devices, this node's sbd,
 * the history. */
static void json_fencing(hc_jw *w, const hc_status *st)
{
    hc_fence_summary sum;
    GPtrArray *dev = g_ptr_array_new();

    hc_status_fence_summary(st, &sum);
    hc_status_fence_devices(st, dev);
    hc_jw_obj(w, "fencing");
    hc_jw_bool(w, "enabled", st->cluster.stonith_enabled);
    hc_jw_bool(w, "works", sum.works);
    hc_jw_int(w, "devices_configured", sum.devices);
    hc_jw_int(w, "devices_running", sum.running);
    hc_jw_int(w, "devices_failed", sum.failed);
    hc_jw_str(w, "watchdog_timeout", st->cluster.watchdog_timeout);
    hc_jw_bool(w, "have_watchdog", st->cluster.have_watchdog);
    hc_jw_arr(w, "devices");
    for (guint i = 0; i < dev->len; i++) {
        const hc_resource *r = g_ptr_array_index(dev, i);

        hc_jw_newline(w);
        hc_jw_obj(w, NULL);
        hc_jw_str(w, "id", r->id);
        hc_jw_str(w, "agent", r->agent);
        hc_jw_str(w, "role", r->role);
        hc_jw_bool(w, "failed", r->failed);
        hc_jw_bool(w, "managed", r->managed);
        hc_jw_arr(w, "nodes");
        for (guint j = 0; j < r->places->len; j++) {
            const hc_rsc_place *pl = g_ptr_array_index(r->places, j);

            hc_jw_obj(w, NULL);
            hc_jw_str(w, "node", pl->node);
            hc_jw_str(w, "role", pl->role);
            hc_jw_end(w);
        }
        hc_jw_end(w);
        hc_jw_end(w);
    }
    hc_jw_end(w);
    g_ptr_array_free(dev, TRUE);
    hc_jw_bool(w, "history_known", st->fence_known);
    hc_jw_str(w, "history_unknown_why",
              st->fence_known ? NULL : st->fence_why);
    json_sbd(w, st);
    hc_jw_int(w, "pending", sum.pending);
    hc_jw_int(w, "failed_targets", sum.failed_targets);
    hc_jw_arr(w, "history");
    for (guint i = 0; st->fence_known && i < st->fence_history->len; i++) {
        const hc_fence_event *e = g_ptr_array_index(st->fence_history, i);

        hc_jw_newline(w);
        hc_jw_obj(w, NULL);
        hc_jw_str(w, "target", e->target);
        hc_jw_str(w, "action", e->action);
        hc_jw_str(w, "state", hc_fence_state_str(e->state));
        hc_jw_str(w, "delegate", e->delegate);
        hc_jw_str(w, "origin", e->origin);
        hc_jw_str(w, "client", e->client);
        hc_jw_str(w, "exit_reason", e->exit_reason);
        hc_jw_int(w, "completed", (long long) e->completed);
        hc_jw_end(w);
    }
    hc_jw_end(w);
    hc_jw_end(w);
}

static void json_cluster(hc_jw *w, const hc_cluster *cl)
{
    hc_jw_obj(w, "cluster");
    hc_jw_str(w, "name", cl->name);
    hc_jw_str(w, "stack", cl->stack);
    hc_jw_str(w, "dc", cl->dc);
    hc_jw_str(w, "dc_version", cl->dc_version);
    hc_jw_bool(w, "quorate", cl->quorate);
    hc_jw_str(w, "last_written", cl->last_written);
    hc_jw_str(w, "last_change_user", cl->last_change_user);
    hc_jw_str(w, "last_change_client", cl->last_change_client);
    hc_jw_str(w, "last_change_origin", cl->last_change_origin);
    hc_jw_str(w, "epoch", cl->epoch);
    hc_jw_bool(w, "stonith_enabled", cl->stonith_enabled);
    hc_jw_str(w, "no_quorum_policy", cl->no_quorum_policy);
    hc_jw_bool(w, "maintenance_mode", cl->maintenance_mode);
    hc_jw_bool(w, "stop_all_resources", cl->stop_all_resources);
    hc_jw_int(w, "nodes_configured", cl->n_nodes);
    hc_jw_int(w, "resources_configured", cl->n_resources);
    hc_jw_arr(w, "warnings");
    for (guint i = 0; i < cl->warnings->len; i++) {
        hc_jw_str(w, NULL, g_ptr_array_index(cl->warnings, i));
    }
    hc_jw_end(w);
    hc_jw_end(w);
}

static void json_node(hc_jw *w, const hc_node *n)
{
    hc_jw_obj(w, NULL);
    hc_jw_str(w, "id", n->id);
    hc_jw_str(w, "name", n->name);
    hc_jw_str(w, "type", n->type);
    hc_jw_str(w, "state", hc_node_state_str(n->state));
    hc_jw_bool(w, "online", n->online);
    hc_jw_bool(w, "standby", n->standby);
    hc_jw_bool(w, "maintenance", n->maintenance);
    hc_jw_bool(w, "pending", n->pending);
    hc_jw_bool(w, "unclean", n->unclean);
    hc_jw_bool(w, "shutdown", n->shutdown);
    hc_jw_bool(w, "is_dc", n->is_dc);
    hc_jw_arr(w, "running");
    for (guint j = 0; j < n->running->len; j++) {
        hc_jw_str(w, NULL, g_ptr_array_index(n->running, j));
    }
    hc_jw_end(w);
    hc_jw_end(w);
}

static void json_failed_action(hc_jw *w, const hc_failed_action *f)
{
    hc_jw_obj(w, NULL);
    hc_jw_str(w, "resource", f->resource);
    hc_jw_str(w, "op_key", f->op_key);
    hc_jw_str(w, "task", f->task);
    hc_jw_str(w, "node", f->node);
    hc_jw_int(w, "interval_ms", f->interval_ms);
    hc_jw_int(w, "rc", f->rc);
    hc_jw_str(w, "rc_text", f->rc_text);
    hc_jw_str(w, "status", f->status_text);
    hc_jw_str(w, "exit_reason", f->exit_reason);
    hc_jw_int(w, "last_rc_change", (long long) f->last_rc_change);
    hc_jw_end(w);
}

static void json_constraint(hc_jw *w, const hc_constraint *c)
{
    char *d = hc_constraint_describe(c);

    hc_jw_obj(w, NULL);
    hc_jw_str(w, "id", c->id);
    hc_jw_str(w, "kind", hc_cons_kind_str(c->kind));
    hc_jw_str(w, "rsc", c->rsc);
    hc_jw_str(w, "rsc_role", c->rsc_role);
    hc_jw_str(w, c->kind == HC_CONS_ORDER ? "first" : "with_rsc",
              c->with_rsc);
    hc_jw_str(w, "with_role", c->with_role);
    hc_jw_str(w, "node", c->node);
    hc_jw_str(w, "score", c->score);
    hc_jw_str(w, "first_action", c->with_action);
    hc_jw_str(w, "then_action", c->action);
    hc_jw_str(w, "order_kind", c->kind_str);
    hc_jw_str(w, "sets", c->sets);
    hc_jw_str(w, "expires", c->expires);
    hc_jw_bool(w, "leftover", c->leftover);
    hc_jw_str(w, "description", d);
    hc_jw_end(w);
    g_free(d);
}

/* One line per node, resource, failed action and constraint, so that the
 * output can be read (and diffed) as text too. */
void hc_status_format_json(const hc_status *st, GString *out)
{
    hc_jw w;

    hc_jw_init(&w, out);
    hc_jw_obj(&w, NULL);
    json_cluster(&w, &st->cluster);
    hc_jw_newline(&w);
    if (st->qdevice) {
        hc_jw_str(&w, "quorum_device", st->qdevice);
        hc_jw_newline(&w);
    }
    if (st->qdevice_heuristics) {
        hc_jw_str(&w, "quorum_device_heuristics", st->qdevice_heuristics);
        hc_jw_newline(&w);
    }
    hc_jw_arr(&w, "nodes");
    for (guint i = 0; i < st->nodes->len; i++) {
        hc_jw_newline(&w);
        json_node(&w, g_ptr_array_index(st->nodes, i));
    }
    hc_jw_end(&w);
    hc_jw_newline(&w);
    hc_jw_arr(&w, "resources");
    for (guint i = 0; i < st->resources->len; i++) {
        hc_jw_newline(&w);
        json_resource(&w, st, g_ptr_array_index(st->resources, i));
    }
    hc_jw_end(&w);
    hc_jw_newline(&w);
    hc_jw_arr(&w, "failed_actions");
    for (guint i = 0; i < st->failed->len; i++) {
        hc_jw_newline(&w);
        json_failed_action(&w, g_ptr_array_index(st->failed, i));
    }
    hc_jw_end(&w);
    hc_jw_newline(&w);
    json_fencing(&w, st);
    hc_jw_newline(&w);
    hc_jw_arr(&w, "constraints");
    for (guint i = 0; i < st->constraints->len; i++) {
        hc_jw_newline(&w);
        json_constraint(&w, g_ptr_array_index(st->constraints, i));
    }
    hc_jw_end(&w);
    hc_jw_end(&w);
    g_string_append_c(out, '\n');
}
