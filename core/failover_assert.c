/* The failover test's final checks: once the cleanup is done, DHCP, the
 * service's place, the leases, DRBD, constraints, fail counts and the
 * node taken out, each an assertion with its reason. */
#include "failover_int.h"

#include <errno.h>
#include <string.h>

#include "leases.h"
#include "leases_locate.h"
#include "util.h"

unsigned hc_fo_leases_lost(const GArray *before, const GArray *after,
                           uint32_t read_at, unsigned *ret_ended,
                           GString *lost)
{
    unsigned n_lost = 0;

    *ret_ended = 0;
    for (guint i = 0; i < before->len; i++) {
        const base_lease *b = &g_array_index(before, base_lease, i);
        const base_lease *c = NULL;

        for (guint k = 0; k < after->len && !c; k++) {
            const base_lease *x = &g_array_index(after, base_lease, k);

            if (x->ip == b->ip && x->mac_len == b->mac_len
                && !memcmp(x->mac, b->mac, b->mac_len)) {
                c = x;
            }
        }
        /* dhcpd frees a lease at its end: still recorded for the same
         * client, it ran out during the test. */
        if (c && !c->active && b->ends != HC_LEASE_NEVER
            && b->ends <= read_at) {
            (*ret_ended)++;
        } else if (!c || !c->active) {
            n_lost++;
            g_string_append_c(lost, ' ');
            hc__fo_lease_str(b, lost);
        }
    }
    return n_lost;
}

/* ------------------------------------------------------------ final */

static bool node_online(const hc_failover *fo, const char *name)
{
    hc_node *n = fo->st ? hc_status_find_node(fo->st, name) : NULL;

    return n && n->online;
}

/* The start of the final checks: the CIB after the test, then the probe
 * and the lease file in the thread. */
void hc__fo_final_start(hc_failover *fo)
{
    hc_leases_location loc = { 0 };
    char *err = NULL;
    const char *where, *ln;
    int rc;

    rc = hc__fo_refresh(fo, &fo->final_xml, &err);
    if (rc < 0) {
        hc__fo_emit(fo, HC_FO_EV_WARN,
                    "cannot read the CIB after the test: %s",
                    err ? err : g_strerror(-rc));
    }
    g_free(err);
    where = hc__fo_service_node(fo);
    fo->final_where = g_strdup(where);
    if (fo->final_xml && hc_leases_locate(fo->final_xml, &loc) == 0
        && loc.node) {
        ln = loc.node;
    } else {
        ln = where ? where : fo->to;
    }
    hc__fo_io_start(fo, 5, 1500, fo->base_leases->len ? ln : NULL);
    hc_leases_location_clear(&loc);
}

static void assert_dhcp_answers(hc_failover *fo)
{
    if (fo->recovered >= 0 || (fo->lost == 0 && fo->answered > 0)) {
        hc__fo_assert(fo, HC_FO_PASS, "dhcp-answers",
                      "DHCP at %s answered again; downtime %.0f ms "
                      "(%u of %u probes every %d ms unanswered)", fo->vip,
                      hc_failover_downtime_ms(fo), fo->lost, fo->sent,
                      fo->o.probe_interval_ms);
    } else {
        hc__fo_assert(fo, HC_FO_FAIL, "dhcp-answers",
                      "DHCP at %s did not answer again (%u of %u probes "
                      "unanswered, the first at %+.3f s)", fo->vip, fo->lost,
                      fo->sent, fo->first_fail / 1000.0);
    }
}

/* Still running after the cleanup. */
static void assert_after_cleanup(hc_failover *fo, const io_task *t)
{
    const char *where = fo->final_where;

    hc__fo_assert(fo, where && t->probe_ok ? HC_FO_PASS : HC_FO_FAIL,
                  "after-cleanup", "after the cleanup %s %s%s and DHCP %s",
                  fo->service, where ? "runs on " : "is not running",
                  where ? where : "",
                  t->probe_ok ? "answers" : "does not answer");
}

/* Every lease active before is active after, where the lease file is
 * now, or ran out at its own end time. */
static void assert_leases_kept(hc_failover *fo, const io_task *t)
{
    const char *ln = t->lease_node;
    GArray *now = t->leases;
    GString *missing;
    unsigned n_missing, n_ended = 0, n_active = 0;

    if (!fo->base_leases->len) {
        hc__fo_assert(fo, HC_FO_SKIP, "leases-kept", "no active lease "
                      "before the test: nothing to compare");
        return;
    }
    if (t->lease_rc < 0) {
        hc__fo_assert(fo, HC_FO_FAIL, "leases-kept",
                      "cannot read the lease file after the test: %s",
                      t->lease_err);
        return;
    }
    missing = g_string_new(NULL);
    for (guint k = 0; k < now->len; k++) {
        n_active += g_array_index(now, base_lease, k).active;
    }
    n_missing = hc_fo_leases_lost(fo->base_leases, now, t->lease_read_at,
                                  &n_ended, missing);
    if (n_missing) {
        hc__fo_assert(fo, HC_FO_FAIL, "leases-kept",
                      "%u of %u leases active before are not active in "
                      "%s on %s:%s", n_missing, fo->base_leases->len,
                      fo->leases_path, ln, missing->str);
    } else if (n_ended) {
        hc__fo_assert(fo, HC_FO_PASS, "leases-kept",
                      "all %u leases active before are in %s on %s with "
                      "the same address and MAC: %u active, %u ran out "
                      "during the test at their own end time (%u active "
                      "now)", fo->base_leases->len, fo->leases_path, ln,
                      fo->base_leases->len - n_ended, n_ended, n_active);
    } else {
        hc__fo_assert(fo, HC_FO_PASS, "leases-kept",
                      "all %u leases active before are active in %s on "
                      "%s with the same address and MAC (%u active now)",
                      fo->base_leases->len, fo->leases_path, ln, n_active);
    }
    g_string_free(missing, TRUE);
}

static void assert_drbd_uptodate(hc_failover *fo)
{
    const char *prim = fo->final_where ? fo->final_where : fo->to;
    char *text = NULL;
    int rc;

    if (!fo->drbd_rsc) {
        hc__fo_assert(fo, HC_FO_SKIP, "drbd-uptodate",
                      "no DRBD resource in the CIB: skipped");
        return;
    }
    if (!fo->drbd) {
        hc__fo_assert(fo, HC_FO_SKIP, "drbd-uptodate", "%s is in the CIB "
                      "but this build reads no DRBD state: skipped",
                      fo->drbd_rsc);
        return;
    }
    rc = fo->drbd(prim, &text, fo->drbd_data);
    hc__fo_assert(fo, rc == 0 ? HC_FO_PASS : HC_FO_FAIL, "drbd-uptodate",
                  "%s Primary wanted on %s: %s", fo->drbd_rsc, prim,
                  text ? text : g_strerror(rc < 0 ? -rc : EIO));
    g_free(text);
}

/* No cli-* constraint left. */
static void assert_no_cli_constraints(hc_failover *fo)
{
    GString *left = g_string_new(NULL);
    unsigned n = 0;

    for (guint i = 0; fo->st && i < fo->st->constraints->len; i++) {
        hc_constraint *c = fo->st->constraints->pdata[i];

        if (c->leftover) {
            g_string_append_printf(left, " %s", c->id);
            n++;
        }
    }
    if (n) {
        hc__fo_assert(fo, HC_FO_FAIL, "no-cli-constraints",
                      "%u left:%s (crm_resource --clear -r RSC removes "
                      "them)", n, left->str);
    } else {
        hc__fo_assert(fo, HC_FO_PASS, "no-cli-constraints",
                      "no cli-prefer/cli-ban constraint left");
    }
    g_string_free(left, TRUE);
}

/* " RSC@NODE=COUNT" for each fail count now that was not there before. */
static void new_failcounts(hc_failover *fo, GString *left)
{
    GHashTable *h = fo->st ? hc__fo_snapshot(fo) : NULL;
    GHashTableIter it;
    gpointer k, v;

    if (!h) {
        return;
    }
    g_hash_table_iter_init(&it, h);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        if (g_str_has_prefix(k, "fail ")
            && !hc__fo_in_list(fo->base_fails, (char *) k + 5)) {
            g_string_append_printf(left, " %s=%s", (char *) k + 5,
                                   (char *) v);
        }
    }
    g_hash_table_unref(h);
}

static void assert_failcounts_clean(hc_failover *fo)
{
    GString *left = g_string_new(NULL);

    new_failcounts(fo, left);
    if (left->len) {
        hc__fo_assert(fo, HC_FO_FAIL, "failcounts-clean",
                      "fail counts left by the test:%s (crm_resource "
                      "--cleanup -r RSC)", left->str);
    } else if (fo->o.scenario != HC_FO_KILL && fo->cleaned->len) {
        GString *c = g_string_new(NULL);

        for (guint i = 0; i < fo->cleaned->len; i++) {
            g_string_append_printf(c, " %s",
                                   (char *) fo->cleaned->pdata[i]);
        }
        hc__fo_assert(fo, HC_FO_PASS, "failcounts-clean",
                      "the test caused fail counts:%s; crm_resource "
                      "--cleanup cleared them", c->str);
        g_string_free(c, TRUE);
    } else if (fo->o.scenario == HC_FO_KILL) {
        hc__fo_assert(fo, fo->seen_failure ? HC_FO_PASS : HC_FO_FAIL,
                      "failcounts-clean", fo->seen_failure
                      ? "the kill raised the fail count of %s on %s to %d; "
                        "crm_resource --cleanup cleared it"
                      : "the cluster never counted the failure of %s on "
                        "%s (%d)", fo->service, fo->from,
                      fo->max_failcount);
    } else {
        hc__fo_assert(fo, HC_FO_PASS, "failcounts-clean",
                      "no fail count caused by the test");
    }
    g_string_free(left, TRUE);
}

/* The node that was taken out is back, when the test was told how to
 * bring it back. */
static void assert_node_back(hc_failover *fo)
{
    /* hang: fenced, the node boots and joins by itself; not fenced,
     * the cleanup resumes it. */
    bool restore = fo->o.restore_cmd || fo->o.scenario == HC_FO_HANG
                   || (fo->o.scenario == HC_FO_STOP_STACK
                       && !fo->o.stop_cmd);
    const char *n = fo->victim ? fo->victim : fo->from;

    if (fo->o.scenario != HC_FO_STOP_STACK && fo->o.scenario != HC_FO_CRASH
        && !hc__fo_fence_scenario(fo)) {
        return;
    }
    if (!restore) {
        hc__fo_assert(fo, HC_FO_SKIP, "node-back", "no --restore-cmd: %s "
                      "is left out of the cluster", n);
    } else {
        hc__fo_assert(fo, node_online(fo, n) ? HC_FO_PASS : HC_FO_FAIL,
                      "node-back", "%s is %s", n,
                      node_online(fo, n) ? "online again"
                                         : "not back online");
    }
}

void hc__fo_final_assertions(hc_failover *fo)
{
    assert_dhcp_answers(fo);
    assert_after_cleanup(fo, fo->io);
    assert_leases_kept(fo, fo->io);
    assert_drbd_uptodate(fo);
    assert_no_cli_constraints(fo);
    assert_failcounts_clean(fo);
    assert_node_back(fo);
    hc__fo_fence_assertions(fo);
}

/* After the cleanup (the node back), DRBD resyncs what changed while the
 * node was away: the final assertion waits for both disks UpToDate, up to
 * the run's timeout, with the resync's progress in the timeline.  True
 * while it should wait on. */
bool hc__fo_drbd_settling(hc_failover *fo)
{
    const char *prim =
        hc__fo_service_node(fo) ? hc__fo_service_node(fo) : fo->to;
    char *text = NULL;
    int rc;

    if (!fo->drbd || !fo->drbd_rsc) {
        return false;
    }
    if (!fo->drbd_wait_end) {
        fo->drbd_wait_end = hc_now_ms() + fo->o.timeout_s * 1000.0;
    }
    if (hc_now_ms() < fo->drbd_next) {
        return true;
    }
    fo->drbd_next = hc_now_ms() + 1000;
    rc = fo->drbd(prim, &text, fo->drbd_data);
    if (text && g_strcmp0(text, fo->drbd_last)) {
        hc__fo_emit(fo, HC_FO_EV_DRBD, "%s", text);
        g_free(fo->drbd_last);
        fo->drbd_last = text;
    } else {
        g_free(text);
    }
    return rc != 0 && hc_now_ms() < fo->drbd_wait_end;
}
