/* What the cut and hang scenarios assert about fencing: the node taken
 * out of the cluster (the victim) is fenced before its service starts
 * elsewhere, at most one node runs the service and holds DRBD Primary at
 * every sample, the victim comes back, and DHCP answers again within the
 * fence time plus the chain's start.  On a cluster without fencing the
 * same assertions say what happened instead: nothing fenced the victim,
 * so both sides may run the service (split brain). */
#include "failover_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <crm/crm.h>
#include <crm/common/util.h>
#include <crm/stonith-ng.h>

#include "util.h"

/* The daemons the hang scenario stops (SIGSTOP) and resumes (SIGCONT). */
#define HANG_PROCS "corosync pacemakerd pacemaker-based pacemaker-fenced " \
                   "pacemaker-execd pacemaker-attrd pacemaker-schedulerd " \
                   "pacemaker-controld"

bool hc__fo_fence_scenario(const hc_failover *fo)
{
    return fo->o.scenario == HC_FO_CUT || fo->o.scenario == HC_FO_HANG;
}

void hc__fo_hang_action(hc_failover *fo, job *j)
{
    hc__fo_job_add(j, fo->from, 30000, false, "sh", "-c",
                   "p=$(pidof " HANG_PROCS ") && kill -STOP $p && "
                   "echo \"stopped (SIGSTOP) corosync and pacemaker: $p\"",
                   JOB_END);
}

void hc__fo_hang_cleanup(hc_failover *fo, job *j)
{
    /* Always, fenced or not: a node that was reset runs new daemons,
     * which SIGCONT leaves alone; one that was not is resumed. */
    hc__fo_job_add(j, fo->from, 60000, true, "sh", "-c",
                   "p=$(pidof " HANG_PROCS ") || exit 0; kill -CONT $p && "
                   "echo \"resumed (SIGCONT): $p\"", JOB_END);
}

/* The victim, seen unclean, is in again (pending or online) without a
 * sample showing it offline: either it was fenced and its offline state
 * (from the fence's end until it joined again, a second or less for a
 * node that boots fast) fell between two samples, which come seconds
 * apart on a loaded machine; or it joined again unfenced.  The fencer's
 * history tells which (asked at most once a second): the fence is seen
 * when it completed. */
static void fence_from_history(hc_failover *fo)
{
    double s = -1;
    char *by = NULL, *err = NULL;

    if (hc_now_ms() < fo->history_next_ms) {
        return;
    }
    fo->history_next_ms = hc_now_ms() + 1000;
    if (hc__fo_fence_history(fo->victim, fo->wall0, &s, &by, &err) == 0) {
        fo->fence_seen_ms = s * 1000.0;
        hc__fo_emit(fo, HC_FO_EV_MEMBER, "%s fenced: %s, completed %+.1f s "
                    "(the fencer's history: its offline state fell between "
                    "two samples)", fo->victim, by, s);
    }
    g_free(by);
    g_free(err);
}

/* Per CIB sample during the run: where the service and DRBD Primary are
 * in this partition's view, and when the victim is seen fenced. */
void hc__fo_fence_observe(hc_failover *fo)
{
    hc_resource *svc, *d;
    unsigned n_svc = 0, n_prim = 0;
    hc_node *v;

    if (!hc__fo_fence_scenario(fo) || !fo->st || !fo->victim) {
        return;
    }
    fo->fence_samples++;
    svc = hc_status_find_resource(fo->st, fo->service);
    for (guint i = 0; svc && svc->places && i < svc->places->len; i++) {
        n_svc++;
    }
    d = fo->drbd_rsc ? hc_status_find_resource(fo->st, fo->drbd_rsc) : NULL;
    for (guint i = 0; d && d->children && i < d->children->len; i++) {
        hc_resource *c = d->children->pdata[i];

        for (guint k = 0; c->places && k < c->places->len; k++) {
            hc_rsc_place *pl = c->places->pdata[k];

            if (!g_strcmp0(pl->role, "Promoted")
                || !g_strcmp0(pl->role, "Master")) {
                n_prim++;
            }
        }
    }
    if ((n_svc > 1 || n_prim > 1) && fo->two_at < 0) {
        fo->two_at = hc__fo_rel_ms(fo);
        hc__fo_emit(fo, HC_FO_EV_WARN, "%s active on %u nodes, DRBD "
                    "Primary on %u at once", fo->service, n_svc, n_prim);
    }
    fo->two_samples += n_svc > 1 || n_prim > 1;
    v = hc_status_find_node(fo->st, fo->victim);
    if (v && fo->fence_seen_ms >= 0 && fo->victim_back_ms < 0
        && (v->online || v->pending)) {
        fo->victim_back_ms = hc__fo_rel_ms(fo);
        hc__fo_emit(fo, HC_FO_EV_MEMBER, "%s back after its fence (%s)",
                    fo->victim, v->pending ? "pending" : "online");
    }
    if (fo->fence_seen_ms >= 0) {
        /* Fenced: its return is victim_back_ms, not a new entry. */
    } else if (v && v->unclean) {
        fo->victim_was_in = fo->victim_was_unclean = true;
    } else if (v && v->online) {
        fo->victim_was_in = true;
        if (fo->victim_was_unclean && fo->stonith) {
            fence_from_history(fo);
        }
    } else if (v && fo->victim_was_in && fo->fence_seen_ms < 0) {
        fo->fence_seen_ms = hc__fo_rel_ms(fo);
        hc__fo_emit(fo, HC_FO_EV_MEMBER, "%s fenced (offline, no longer "
                    "unclean)", fo->victim);
    }
    if (fo->start_seen_ms < 0 && g_strcmp0(fo->to, fo->from)
        && !g_strcmp0(hc__fo_service_node(fo), fo->to)) {
        fo->start_seen_ms = hc__fo_rel_ms(fo);
    }
}

/* The failover is complete only once the victim is fenced. */
bool hc__fo_fence_complete(const hc_failover *fo)
{
    return !fo->stonith || !hc__fo_fence_scenario(fo)
           || fo->fence_seen_ms >= 0;
}

/* The fencer's history of the victim, from its API as stonith_admin
 * --history reads it: the first successful reboot or off completed after
 * the action started.  Returns 0 with its completion (seconds after the
 * action) and what it was, 1 when there is none, or -errno with *ret_err. */
int hc__fo_fence_history(const char *victim, double since_wall,
                         double *ret_s, char **ret_by, char **ret_err)
{
    stonith_t *st = stonith_api_new();
    stonith_history_t *hist = NULL;
    int rc;

    *ret_by = NULL;
    *ret_err = NULL;
    if (!st) {
        *ret_err = g_strdup("cannot create a fencer connection");
        return -ENOMEM;
    }
    rc = st->cmds->connect(st, "hacon-failover", NULL);
    if (rc != pcmk_ok) {
        *ret_err = g_strdup_printf("cannot connect to the fencer: %s",
                                   pcmk_strerror(rc));
        stonith_api_delete(st);
        return rc < 0 ? rc : -ECONNREFUSED;
    }
    rc = st->cmds->history(st, st_opt_sync_call, victim, &hist, 30);
    if (rc != pcmk_ok) {
        *ret_err = g_strdup_printf("the fencer's history of %s: %s", victim,
                                   pcmk_strerror(rc));
        rc = rc < 0 ? rc : -EIO;
    } else {
        rc = 1;
    }
    for (stonith_history_t *h = hist; h && rc >= 0; h = h->next) {
        double done = (double) h->completed + h->completed_nsec / 1e9;

        if (h->state != st_done || g_strcmp0(h->target, victim)
            || (g_strcmp0(h->action, "reboot")
                && g_strcmp0(h->action, "off"))
            || done < since_wall) {
            continue;
        }
        if (rc == 1 || done - since_wall < *ret_s) {
            *ret_s = done - since_wall;
            g_free(*ret_by);
            *ret_by = g_strdup_printf("%s by %s", h->action,
                                      h->delegate ? h->delegate : "?");
            rc = 0;
        }
    }
    stonith_history_free(hist);
    st->cmds->disconnect(st);
    stonith_api_delete(st);
    return rc;
}

/* Seconds: an op timeout as Pacemaker reads it ("20s", "2min", "90"),
 * or -1. */
static int op_secs(const char *t)
{
    long long ms = t && *t ? crm_get_msec(t) : -1;

    return ms < 0 ? -1 : (int) (ms / 1000);
}

/* The start bound: the start (and for the promotable DRBD, promote)
 * timeouts of the service's chain; 20 s, Pacemaker's default, for an op
 * without one. */
static int start_bound_s(hc_failover *fo, GString *what)
{
    int s = 0;

    for (guint i = 0; i < fo->chain->len; i++) {
        const char *id = fo->chain->pdata[i];
        hc_resource *r = hc_status_find_resource(fo->st, id);
        bool promo = fo->anchor_promoted && !g_strcmp0(id, fo->anchor);

        while (r && r->kind != HC_RSC_PRIMITIVE && r->children
               && r->children->len) {
            r = r->children->pdata[0];
        }
        for (int k = 0; k < (promo ? 2 : 1); k++) {
            const char *op = k ? "promote" : "start";
            int t = 20;

            for (guint n = 0; r && r->ops && n < r->ops->len; n++) {
                hc_op *o = r->ops->pdata[n];

                if (!g_strcmp0(o->name, op) && op_secs(o->timeout) >= 0) {
                    t = op_secs(o->timeout);
                }
            }
            s += t;
            g_string_append_printf(what, "%s%s %s %d s", what->len ? ", "
                                   : "", id, op, t);
        }
    }
    return s;
}

void hc__fo_fence_assertions(hc_failover *fo)
{
    double fence_s = -1;
    char *by = NULL, *err = NULL;
    int rc;

    if (!hc__fo_fence_scenario(fo)) {
        return;
    }
    if (!fo->stonith) {
        hc__fo_assert(fo, HC_FO_FAIL, "fenced", "fencing is off "
                      "(stonith-enabled=false): nothing fenced %s, so "
                      "nothing kept it from running %s and holding DRBD "
                      "Primary while %s did too (split brain): this run "
                      "shows the split brain, it cannot pass",
                      fo->victim, fo->service, fo->to);
        return;
    }
    rc = hc__fo_fence_history(fo->victim, fo->wall0, &fence_s, &by, &err);
    if (rc == 0) {
        hc__fo_assert(fo, HC_FO_PASS, "fenced", "%s fenced: %s successful, "
                      "completed %+.0f s after the action (the fencer's "
                      "history)", fo->victim, by, fence_s);
    } else {
        hc__fo_assert(fo, HC_FO_FAIL, "fenced", "%s: no successful reboot "
                      "or off of %s since the action in the fencer's "
                      "history", err ? err : "not fenced", fo->victim);
    }
    if (fo->two_samples) {
        hc__fo_assert(fo, HC_FO_FAIL, "one-active", "in %u of %u samples "
                      "of the CIB %s ran on two nodes or DRBD was Primary on "
                      "two, the first at %+.1f s", fo->two_samples,
                      fo->fence_samples, fo->service, fo->two_at / 1000.0);
    } else if (fo->start_seen_ms >= 0 && fo->fence_seen_ms >= 0
               && fo->start_seen_ms < fo->fence_seen_ms) {
        hc__fo_assert(fo, HC_FO_FAIL, "one-active", "%s started on %s at "
                      "%+.1f s, before %s was seen fenced (%+.1f s)",
                      fo->service, fo->to, fo->start_seen_ms / 1000.0,
                      fo->victim, fo->fence_seen_ms / 1000.0);
    } else {
        hc__fo_assert(fo, HC_FO_PASS, "one-active", "at every one of %u "
                      "samples of the CIB %s ran on at most one node%s; "
                      "%s %s", fo->fence_samples, fo->service,
                      fo->drbd_rsc ? " and DRBD was Primary on at most one"
                                   : "", fo->to,
                      g_strcmp0(fo->to, fo->from)
                      ? "took the service over after the fence"
                      : "kept the service throughout");
    }
    {
        /* What the bound is held against: the time DHCP did not answer,
         * every outage from its first unanswered probe to the answer after
         * it.  A probe missed later (one, answered again within a second
         * while the fenced node rejoins and resyncs) adds its own short
         * time, not the whole span since the first miss (the downtime,
         * stated too); a later long outage adds all of it. */
        GString *what = g_string_new(NULL);
        int start = start_bound_s(fo, what);
        bool answers = !fo->lost || (fo->recovered >= 0
                                     && fo->recovered >= fo->last_fail);
        double unanswered = fo->unanswered_ms / 1000.0;
        double down = hc_failover_downtime_ms(fo) / 1000.0;
        double bound = (fence_s >= 0 ? fence_s : 0) + start;
        char *later = answers && fo->outages > 1
                      ? g_strdup_printf(" in %u outages (the longest %.1f s; "
                                        "from the first unanswered probe to "
                                        "the answer after the last, the "
                                        "downtime, %.1f s)", fo->outages,
                                        fo->longest_ms / 1000.0, down)
                      : NULL;
        /* The bound holds while the fenced node stays away: one that is
         * back before the service is joined and probed by Pacemaker
         * first (each resource's start waits for its probe there), which
         * no start timeout covers.  Said, not added. */
        char *back = fo->victim_back_ms >= 0 && fo->outages
                     && fo->victim_back_ms < fo->longest_end
                     ? g_strdup_printf("; %s was back at %+.0f s, before "
                                       "DHCP answered again (%+.0f s): "
                                       "Pacemaker joined and probed it "
                                       "before starting the rest of the "
                                       "chain, which the bound does not "
                                       "include", fo->victim,
                                       fo->victim_back_ms / 1000.0,
                                       fo->longest_end / 1000.0)
                     : NULL;

        if (!answers) {
            hc__fo_assert(fo, HC_FO_FAIL, "dhcp-bound", "DHCP did not "
                          "answer again (bound %.0f s: fence %+.0f s + "
                          "start %d s: %s)", bound, fence_s, start,
                          what->str);
        } else {
            hc__fo_assert(fo, unanswered <= bound ? HC_FO_PASS : HC_FO_FAIL,
                          "dhcp-bound", "DHCP unanswered %.1f s%s, %s the "
                          "bound %.0f s: fence completed %+.0f s + start %d s "
                          "(%s)%s", unanswered, later ? later : "",
                          unanswered <= bound ? "within" : "beyond", bound,
                          fence_s, start, what->str, back ? back : "");
        }
        g_free(later);
        g_free(back);
        g_string_free(what, TRUE);
    }
    g_free(by);
    g_free(err);
}

/* After the cleanup: the victim boots and joins again (fenced: by
 * itself; the cut: once the link is back; the hang: resumed), waited for
 * up to the run's timeout.  True while it should wait on. */
bool hc__fo_victim_returning(hc_failover *fo)
{
    hc_node *v;

    if (!hc__fo_fence_scenario(fo) || !fo->victim || !fo->st
        || (fo->o.scenario == HC_FO_CUT && !fo->o.restore_cmd)) {
        return false;
    }
    if (!fo->victim_wait_end) {
        fo->victim_wait_end = hc_now_ms() + fo->o.timeout_s * 1000.0;
    }
    v = hc_status_find_node(fo->st, fo->victim);
    return !(v && v->online) && hc_now_ms() < fo->victim_wait_end;
}
