#include "failover.h"
#include "failover_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <crm/common/xml.h>

#include "cib.h"
#include "dhcpconf.h"
#include "dhcpprobe.h"
#include "exec.h"
#include "leases.h"
#include "leases_locate.h"
#include "status.h"
#include "util.h"

static const char *const scenario_names[HC_FO_N_SCENARIOS] = {
    "move", "standby", "stop-stack", "kill", "crash", "cut", "hang",
};

const char *hc_fo_scenario_name(hc_fo_scenario s)
{
    return s < HC_FO_N_SCENARIOS ? scenario_names[s] : "?";
}

int hc_fo_scenario_from_name(const char *name)
{
    for (int i = 0; i < HC_FO_N_SCENARIOS; i++) {
        if (name && !strcmp(name, scenario_names[i])) {
            return i;
        }
    }
    return -1;
}

const char *hc_fo_event_kind_name(hc_fo_event_kind k)
{
    static const char *const names[] = {
        "info", "action", "cib", "member", "quorum", "drbd", "dhcp",
        "assert", "warn",
    };
    return k <= HC_FO_EV_WARN ? names[k] : "?";
}

const char *hc__fo_verdict_name(hc_fo_verdict v)
{
    return v == HC_FO_PASS ? "pass" : v == HC_FO_FAIL ? "fail" : "skip";
}

char *hc_fo_subst_node(const char *cmd, const char *node)
{
    GString *s;

    if (!cmd || !node || !*node) {
        return NULL;
    }
    for (const char *p = node; *p; p++) {
        if (!g_ascii_isalnum(*p) && *p != '.' && *p != '-' && *p != '_') {
            return NULL;
        }
    }
    s = g_string_new(NULL);
    for (const char *p = cmd; *p;) {
        if (!strncmp(p, "{node}", 6)) {
            g_string_append(s, node);
            p += 6;
        } else {
            g_string_append_c(s, *p++);
        }
    }
    return g_string_free(s, FALSE);
}

/* ------------------------------------------------------------ events */

double hc__fo_rel_ms(const hc_failover *fo)
{
    return fo->t0 > 0 ? hc_now_ms() - fo->t0 : -0.0;
}

void hc__fo_emit_at(hc_failover *fo, double t, hc_fo_event_kind kind,
                    const char *text)
{
    hc_fo_event *ev = g_new0(hc_fo_event, 1);

    ev->t_ms = t;
    /* Thread messages are emitted a little after they happened: the wall
     * time follows t, not the moment of emission. */
    ev->wall = g_get_real_time() / 1e6
               - (fo->t0 > 0 ? (hc__fo_rel_ms(fo) - t) / 1000.0 : 0);
    ev->kind = kind;
    /* Commands as an admin types them: no \" (control bytes escaped). */
    ev->text = hc_escape_text(text, 0, false);
    g_ptr_array_add(fo->events, ev);
    if (fo->fn) {
        fo->fn(ev, fo->fn_data);
    }
}

void hc__fo_emit(hc_failover *fo, hc_fo_event_kind kind, const char *fmt, ...)
{
    va_list ap;
    char *text;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    hc__fo_emit_at(fo, hc__fo_rel_ms(fo), kind, text);
    g_free(text);
}

void hc__fo_assert(hc_failover *fo, hc_fo_verdict v, const char *name,
                      const char *fmt, ...)
{
    hc_fo_assertion *a = g_new0(hc_fo_assertion, 1);
    va_list ap;
    char *detail;

    va_start(ap, fmt);
    detail = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    a->name = g_strdup(name);
    a->verdict = v;
    a->detail = hc_escape_text(detail, 0, false);
    g_ptr_array_add(fo->asserts, a);
    hc__fo_emit(fo, HC_FO_EV_ASSERT, "%s: %s: %s", hc__fo_verdict_name(v),
                name, detail);
    g_free(detail);
}

static void event_free(gpointer p)
{
    hc_fo_event *ev = p;

    g_free(ev->text);
    g_free(ev);
}

static void assertion_free(gpointer p)
{
    hc_fo_assertion *a = p;

    g_free(a->name);
    g_free(a->detail);
    g_free(a);
}

/* ------------------------------------------------------------ snapshot */

static void snap_rsc(GHashTable *h, const hc_resource *r)
{
    if (r->kind == HC_RSC_PRIMITIVE) {
        GString *v = g_string_new(NULL);

        for (guint i = 0; r->places && i < r->places->len; i++) {
            hc_rsc_place *pl = r->places->pdata[i];

            g_string_append_printf(v, "%s%s on %s", v->len ? ", " : "",
                                   pl->role ? pl->role : "Started", pl->node);
        }
        if (!v->len) {
            g_string_append(v, r->failed ? "Stopped (failed)" : "Stopped");
        }
        g_hash_table_insert(h, g_strdup_printf("rsc %s", r->id),
                            g_string_free(v, FALSE));
        for (guint i = 0; r->failcounts && i < r->failcounts->len; i++) {
            hc_failcount *f = r->failcounts->pdata[i];

            g_hash_table_insert(h, g_strdup_printf("fail %s@%s", r->id,
                                                   f->node),
                                g_strdup_printf("%d", f->count));
        }
    }
    for (guint i = 0; r->children && i < r->children->len; i++) {
        snap_rsc(h, r->children->pdata[i]);
    }
}

GHashTable *hc__fo_snapshot(hc_failover *fo)
{
    GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          g_free);
    const hc_status *st = fo->st;

    for (guint i = 0; i < st->nodes->len; i++) {
        hc_node *n = st->nodes->pdata[i];

        g_hash_table_insert(h, g_strdup_printf("node %s", n->name),
                            g_strdup(hc_node_state_str(n->state)));
    }
    g_hash_table_insert(h, g_strdup("quorum"),
                        g_strdup(st->cluster.quorate ? "yes" : "no"));
    g_hash_table_insert(h, g_strdup("dc"),
                        g_strdup(st->cluster.dc ? st->cluster.dc : "none"));
    for (guint i = 0; i < fo->chain->len; i++) {
        hc_resource *r = hc_status_find_resource(st, fo->chain->pdata[i]);

        if (r) {
            snap_rsc(h, r);
        }
    }
    for (guint i = 0; i < st->constraints->len; i++) {
        hc_constraint *c = st->constraints->pdata[i];

        if (c->leftover) {
            char *d = hc_constraint_describe(c);

            g_hash_table_insert(h, g_strdup_printf("cons %s", c->id), d);
        }
    }
    return h;
}

static hc_fo_event_kind snap_kind(const char *key)
{
    if (g_str_has_prefix(key, "node ") || !strcmp(key, "dc")) {
        return HC_FO_EV_MEMBER;
    }
    if (!strcmp(key, "quorum")) {
        return HC_FO_EV_QUORUM;
    }
    return HC_FO_EV_CIB;
}

gint hc__fo_cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Emits one line for each difference between the last snapshot and now. */
static void snap_diff(hc_failover *fo, GHashTable *now)
{
    GPtrArray *keys = g_ptr_array_new();
    GHashTableIter it;
    gpointer k;

    g_hash_table_iter_init(&it, now);
    while (g_hash_table_iter_next(&it, &k, NULL)) {
        g_ptr_array_add(keys, k);
    }
    if (fo->snap) {
        g_hash_table_iter_init(&it, fo->snap);
        while (g_hash_table_iter_next(&it, &k, NULL)) {
            if (!g_hash_table_contains(now, k)) {
                g_ptr_array_add(keys, k);
            }
        }
    }
    g_ptr_array_sort(keys, hc__fo_cmp_str);
    for (guint i = 0; i < keys->len; i++) {
        const char *key = keys->pdata[i];
        const char *nv = g_hash_table_lookup(now, key);
        const char *ov = fo->snap ? g_hash_table_lookup(fo->snap, key) : NULL;

        if (!g_strcmp0(nv, ov)
            || (!fo->snap && g_str_has_prefix(key, "fail"))) {
            continue;
        }
        if (!strcmp(key, "dc")) {
            hc__fo_emit(fo, HC_FO_EV_MEMBER, "DC: %s", nv ? nv : "none");
        } else if (!strcmp(key, "quorum")) {
            hc__fo_emit(fo, HC_FO_EV_QUORUM, "quorum: %s", nv);
        } else if (g_str_has_prefix(key, "fail ")) {
            hc__fo_emit(fo, HC_FO_EV_CIB, "fail count %s: %s", key + 5,
                        nv ? nv : "cleared");
        } else if (g_str_has_prefix(key, "cons ")) {
            hc__fo_emit(fo, HC_FO_EV_CIB, "constraint %s %s%s%s", key + 5,
                        nv ? "added (" : "removed", nv ? nv : "",
                        nv ? ")" : "");
        } else {
            hc__fo_emit(fo, snap_kind(key), "%s: %s",
                        key + (key[0] == 'n' ? 5 : 4), nv ? nv : "gone");
        }
    }
    g_ptr_array_free(keys, TRUE);
}

/* ------------------------------------------------------------ CIB */

static void cib_changed(xmlNode *diff, void *data)
{
    hc_failover *fo = data;

    if (!diff) {
        fo->cib_lost = true;
    }
    fo->cib_dirty = true;
}

static int cib_open(hc_failover *fo, char **ret_err)
{
    int rc;

    hc_cib_free(fo->cib);
    fo->cib = NULL;
    rc = hc_cib_connect(&fo->cib, ret_err);
    if (rc < 0) {
        return rc;
    }
    if (hc_cib_is_file(fo->cib)) {
        *ret_err = g_strdup("the failover test needs the live cluster, "
                            "not a CIB file (unset CIB_file/CIB_shadow)");
        return -EINVAL;
    }
    rc = hc_cib_watch(fo->cib, cib_changed, fo);
    if (rc < 0) {
        *ret_err = g_strdup_printf("cannot watch the CIB: %s",
                                   g_strerror(-rc));
        return rc;
    }
    fo->cib_lost = false;
    return 0;
}

/* Reads the CIB into fo->st (and *ret_xml when asked). */
int hc__fo_refresh(hc_failover *fo, xmlNode **ret_xml, char **ret_err)
{
    xmlNode *xml = NULL;
    hc_status *st = NULL;
    char *err = NULL;
    int rc;

    if (!fo->cib || fo->cib_lost) {
        if (hc_now_ms() < fo->cib_retry_ms) {
            return -ENOTCONN;
        }
        fo->cib_retry_ms = hc_now_ms() + 2000;
        rc = cib_open(fo, &err);
        if (rc < 0) {
            if (ret_err) {
                *ret_err = err;
            } else {
                g_free(err);
            }
            return rc;
        }
        hc__fo_emit(fo, HC_FO_EV_INFO, "connected to the CIB");
    }
    rc = hc_cib_query(fo->cib, &xml, &err);
    if (rc == 0) {
        rc = hc_status_from_xml(xml, 0, &st, &err);
    }
    if (rc < 0) {
        if (!fo->cib_lost) {
            hc__fo_emit(fo, HC_FO_EV_WARN, "CIB: %s",
                        err ? err : g_strerror(-rc));
        }
        fo->cib_lost = true;
        free_xml(xml);
        if (ret_err) {
            *ret_err = err;
        } else {
            g_free(err);
        }
        return rc;
    }
    g_free(err);
    fo->cib_dirty = false;
    hc_status_free(fo->st);
    fo->st = st;
    if (ret_xml) {
        *ret_xml = xml;
    } else {
        free_xml(xml);
    }
    return 0;
}

void hc__fo_observe_cib(hc_failover *fo)
{
    GHashTable *h;

    if (!fo->cib_dirty && !fo->cib_lost) {
        return;
    }
    if (hc__fo_refresh(fo, NULL, NULL) < 0) {
        return;
    }
    h = hc__fo_snapshot(fo);
    snap_diff(fo, h);
    if (fo->snap) {
        g_hash_table_unref(fo->snap);
    }
    fo->snap = h;
}

/* DRBD roles and disk states in the timeline: the reader once a second,
 * a line when its text changes. */
void hc__fo_observe_drbd(hc_failover *fo)
{
    char *text = NULL;
    int rc;

    if (!fo->drbd || !fo->drbd_rsc || hc_now_ms() < fo->drbd_next) {
        return;
    }
    fo->drbd_next = hc_now_ms() + 1000;
    rc = fo->drbd(fo->to, &text, fo->drbd_data);
    if (!text) {
        text = g_strdup_printf("cannot read: %s", g_strerror(rc < 0 ? -rc
                                                                    : EIO));
    }
    if (g_strcmp0(text, fo->drbd_last)) {
        hc__fo_emit(fo, HC_FO_EV_DRBD, "%s", text);
        g_free(fo->drbd_last);
        fo->drbd_last = text;
    } else {
        g_free(text);
    }
}

/* ------------------------------------------------------------ probes */

/* One probe; true when the floating IP's server answered. */
bool hc__fo_probe_once_within(hc_failover *fo, int timeout_ms,
                              double *ret_rtt)
{
    hc_dhcpprobe_result r;
    int rc = hc_dhcpprobe_run(fo->probe, timeout_ms, &r);

    if (rc < 0) {
        fo->last_probe_err = rc;
        return false;
    }
    if (r.server_id.s_addr != fo->vip_addr.s_addr) {
        /* Another server on the segment: not the one under test. */
        fo->wrong_server_seen = true;
        fo->last_probe_err = -EPROTO;
        return false;
    }
    *ret_rtt = r.rtt_ms;
    return true;
}

static bool probe_once(hc_failover *fo, double *ret_rtt)
{
    return hc__fo_probe_once_within(fo, fo->o.probe_timeout_ms, ret_rtt);
}

void hc__fo_probe_tick(hc_failover *fo)
{
    double sent_at = hc__fo_rel_ms(fo), rtt = 0;
    bool ok = probe_once(fo, &rtt);

    hc_failover_probe_result(fo, sent_at, ok, rtt);
}

void hc_failover_probe_result(hc_failover *fo, double sent_at, bool ok,
                              double rtt)
{
    fo->sent++;
    if (ok) {
        fo->answered++;
        if (!fo->last_ok && fo->lost) {
            char *text;

            fo->recovered = sent_at + rtt;
            fo->unanswered_ms += fo->recovered - fo->outage_start;
            fo->outages++;
            if (fo->recovered - fo->outage_start > fo->longest_ms) {
                fo->longest_ms = fo->recovered - fo->outage_start;
                fo->longest_end = fo->recovered;
            }
            text = g_strdup_printf("DHCP answers again from %s, %.0f ms "
                                   "after the first unanswered probe (%u "
                                   "unanswered so far)", fo->vip,
                                   fo->recovered - fo->first_fail, fo->lost);
            hc__fo_emit_at(fo, fo->recovered, HC_FO_EV_PROBE, text);
            g_free(text);
        }
    } else {
        fo->lost++;
        if (fo->first_fail < 0) {
            fo->first_fail = sent_at;
        }
        if (fo->last_ok || fo->lost == 1) {
            fo->outage_start = sent_at;
        }
        fo->last_fail = sent_at;
        if (fo->last_ok) {
            hc__fo_emit_at(fo, sent_at, HC_FO_EV_PROBE, "DHCP: no answer");
        }
    }
    fo->last_ok = ok;
}

int hc__fo_fail_start(hc_failover *fo, int rc, char *err)
{
    g_free(fo->error);
    fo->error = hc_escape(err, 0);
    g_free(err);
    fo->phase = PH_DONE;
    return rc;
}

/* ------------------------------------------------------------ step */

int hc_failover_step(hc_failover *fo)
{
    int rc;

    switch (fo->phase) {
    case PH_BASELINE:
        if (fo->aborted) {
            return hc__fo_fail_start(fo, -EINTR, g_strdup_printf(
                "%s before the test started: nothing was changed",
                fo->aborted));
        }
        rc = hc__fo_baseline(fo);
        if (rc < 0) {
            return rc;
        }
        fo->phase = PH_BASE_IO;
        return 1;
    case PH_BASE_IO:
        if (!hc__fo_io_finished(fo)) {
            return 1;
        }
        if (fo->aborted) {
            hc__fo_io_free(fo);
            return hc__fo_fail_start(fo, -EINTR, g_strdup_printf(
                "%s before the action: nothing was changed by the test",
                fo->aborted));
        }
        rc = hc__fo_baseline_done(fo);
        if (rc < 0) {
            return rc;
        }
        fo->phase = PH_ACTION;
        return 1;
    case PH_ACTION:
        if (fo->aborted) {
            return hc__fo_fail_start(fo, -EINTR, g_strdup_printf(
                "%s before the action: nothing was changed by the test",
                fo->aborted));
        }
        fo->t0 = hc_now_ms();
        fo->wall0 = g_get_real_time() / 1e6;
        fo->deadline = fo->t0 + fo->o.timeout_s * 1000.0;
        hc__fo_emit(fo, HC_FO_EV_ACTION, "%s: start",
                    hc_fo_scenario_name(fo->o.scenario));
        fo->job = hc__fo_action_job(fo);
        hc__fo_job_start(fo->job);
        fo->phase = PH_OBSERVE;
        return 1;
    case PH_OBSERVE: {
        bool done = hc__fo_job_finished(fo, &rc);

        if (done && rc < 0) {
            fo->action_failed = true;
        }
        hc__fo_probe_tick(fo);
        hc__fo_observe_cib(fo);
        hc__fo_fence_observe(fo);
        hc__fo_observe_drbd(fo);
        if (!fo->placed_known) {
            if (fo->aborted) {
                hc__fo_assert(fo, HC_FO_FAIL, "service-placed",
                              "%s %.1f s after the action started (%s "
                              "runs on %s): the cleanup runs now",
                              fo->aborted, hc__fo_rel_ms(fo) / 1000.0,
                              fo->service,
                              hc__fo_service_node(fo) ? hc__fo_service_node(fo)
                                                      : "no node");
            } else if (fo->action_failed) {
                hc__fo_assert(fo, HC_FO_FAIL, "service-placed",
                              "the %s action failed; %s runs on %s",
                              hc_fo_scenario_name(fo->o.scenario), fo->service,
                              hc__fo_service_node(fo) ? hc__fo_service_node(fo)
                                                      : "no node");
            } else if (done && hc__fo_failover_complete(fo)) {
                fo->done_ms = hc__fo_rel_ms(fo);
                hc__fo_assert(fo, HC_FO_PASS, "service-placed",
                              "%s runs on %s, %.1f s after the action started",
                              fo->service, fo->to, fo->done_ms / 1000.0);
            } else if (hc_now_ms() > fo->deadline) {
                hc__fo_assert(fo, HC_FO_FAIL, "service-placed",
                              "after %d s %s runs on %s, not on %s",
                              fo->o.timeout_s, fo->service,
                              hc__fo_service_node(fo) ? hc__fo_service_node(fo)
                                                      : "no node",
                              fo->to);
            } else {
                return 1;
            }
            fo->placed_known = true;
        }
        /* The action's own deadline bounds this wait; its thread must end
         * before the cleanup starts. */
        if (!done) {
            return 1;
        }
        hc__fo_emit(fo, HC_FO_EV_ACTION, "cleanup");
        fo->job = hc__fo_cleanup_job(fo);
        hc__fo_job_start(fo->job);
        fo->phase = PH_CLEANUP;
        return 1;
    }
    case PH_CLEANUP:
        if (!hc__fo_job_finished(fo, &rc)) {
            hc__fo_probe_tick(fo);
            hc__fo_observe_cib(fo);
            hc__fo_fence_observe(fo);
            hc__fo_observe_drbd(fo);
            return 1;
        }
        hc__fo_observe_cib(fo);
        hc__fo_fence_observe(fo);
        if (!fo->aborted && (hc__fo_drbd_settling(fo)
                             || hc__fo_victim_returning(fo))) {
            hc__fo_probe_tick(fo);
            return 1;
        }
        fo->phase = PH_FINAL;
        return 1;
    case PH_FINAL:
        hc__fo_final_start(fo);
        fo->phase = PH_FINAL_IO;
        return 1;
    case PH_FINAL_IO:
        if (!hc__fo_io_finished(fo)) {
            return 1;
        }
        hc__fo_final_assertions(fo);
        hc__fo_io_free(fo);
        if (fo->final_xml) {
            free_xml(fo->final_xml);
            fo->final_xml = NULL;
        }
        hc__fo_emit(fo, HC_FO_EV_INFO, "%s: %s",
                    hc_fo_scenario_name(fo->o.scenario),
                    hc_failover_passed(fo) ? "pass" : "FAIL");
        fo->phase = PH_DONE;
        return 0;
    case PH_DONE:
    default:
        return fo->error ? -EINVAL : 0;
    }
}

/* ------------------------------------------------------------ object */

static const char *keep(hc_failover *fo, const char *s)
{
    char *c = g_strdup(s);

    if (c) {
        g_ptr_array_add(fo->strs, c);
    }
    return c;
}

hc_failover *hc_failover_new(const hc_fo_opts *opts, hc_fo_observer fn,
                             void *data)
{
    hc_failover *fo = g_new0(hc_failover, 1);

    fo->strs = g_ptr_array_new_with_free_func(g_free);
    fo->o = *opts;
    fo->o.service = keep(fo, opts->service);
    fo->o.vip = keep(fo, opts->vip);
    fo->o.ifname = keep(fo, opts->ifname);
    fo->o.leases = keep(fo, opts->leases);
    fo->o.crash_cmd = keep(fo, opts->crash_cmd);
    fo->o.stop_cmd = keep(fo, opts->stop_cmd);
    fo->o.cut_cmd = keep(fo, opts->cut_cmd);
    fo->o.restore_cmd = keep(fo, opts->restore_cmd);
    if (fo->o.timeout_s <= 0) {
        fo->o.timeout_s = 120;
    }
    if (fo->o.probe_interval_ms <= 0) {
        fo->o.probe_interval_ms = 200;
    }
    if (fo->o.probe_timeout_ms <= 0) {
        fo->o.probe_timeout_ms = 150;
    }
    fo->fn = fn;
    fo->fn_data = data;
    fo->chain = g_ptr_array_new_with_free_func(g_free);
    fo->first_fail = fo->last_fail = fo->recovered = -1;
    fo->fence_seen_ms = fo->start_seen_ms = fo->two_at = -1;
    fo->victim_back_ms = -1;
    fo->done_ms = -1;
    fo->base_leases = g_array_new(FALSE, TRUE, sizeof(base_lease));
    fo->base_lines = g_ptr_array_new_with_free_func(g_free);
    fo->base_fails = g_ptr_array_new_with_free_func(g_free);
    fo->cleaned = g_ptr_array_new_with_free_func(g_free);
    fo->leftovers = g_ptr_array_new_with_free_func(g_free);
    fo->leftover_rscs = g_ptr_array_new_with_free_func(g_free);
    fo->events = g_ptr_array_new_with_free_func(event_free);
    fo->asserts = g_ptr_array_new_with_free_func(assertion_free);
    return fo;
}

void hc_failover_set_drbd_reader(hc_failover *fo, hc_fo_drbd_reader fn,
                                 void *data)
{
    fo->drbd = fn;
    fo->drbd_data = data;
}

void hc_failover_abort(hc_failover *fo, const char *why)
{
    if (fo->aborted || fo->phase == PH_DONE) {
        return;
    }
    fo->aborted = g_strdup(why && *why ? why : "interrupted");
    hc__fo_emit(fo, HC_FO_EV_WARN, "%s: %s", fo->aborted,
                fo->phase < PH_ACTION ? "the test ends before its action"
                : fo->phase == PH_OBSERVE
                    ? "the action's command is let finish "
                      "(within its deadline), then the cleanup runs"
                    : "the cleanup goes on to its end");
}

bool hc_failover_aborted(const hc_failover *fo)
{
    return fo->aborted != NULL;
}

void hc_failover_note(hc_failover *fo, hc_fo_event_kind kind,
                      const char *text)
{
    hc__fo_emit_at(fo, hc__fo_rel_ms(fo), kind, text);
}

int hc_failover_bound_s(const hc_failover *fo)
{
    /* The baseline: CIB reads, leftovers cleared (30 s each) and a wait
     * (70 s), five probes (1.5 s) and a lease file read (20 + 60 s). */
    int s = 30 + 30 * 4 + 70 + 8 + 80;

    /* The action: its command's deadline, or the failover's. */
    switch (fo->o.scenario) {
    case HC_FO_STOP_STACK:
        s += MAX(fo->o.timeout_s, fo->o.stop_cmd ? 300 : 360);
        break;
    case HC_FO_CRASH:
    case HC_FO_CUT:
    case HC_FO_HANG:
        s += MAX(fo->o.timeout_s, 60);
        break;
    default:
        s += MAX(fo->o.timeout_s, 30);
        break;
    }
    /* The cleanup: the restore (300 s) or its own command, fail counts
     * cleaned (30 s each, a few), the wait (130 s), DRBD's resync (the
     * failover's timeout); the final probe and lease read. */
    s += 300 + 30 * 4 + 130 + fo->o.timeout_s + 2 + 80;
    return s;
}

void hc_failover_free(hc_failover *fo)
{
    int rc;

    if (!fo) {
        return;
    }
    /* A running job is waited for: its thread uses fo's strings. */
    while (fo->job && !hc__fo_job_finished(fo, &rc)) {
        g_usleep(50000);
    }
    hc__fo_io_free(fo);
    if (fo->final_xml) {
        free_xml(fo->final_xml);
    }
    g_free(fo->final_where);
    hc_cib_free(fo->cib);
    hc_status_free(fo->st);
    if (fo->snap) {
        g_hash_table_unref(fo->snap);
    }
    hc_dhcpprobe_free(fo->probe);
    g_free(fo->error);
    g_free(fo->service);
    g_free(fo->anchor);
    g_free(fo->vip);
    g_free(fo->ifname);
    g_free(fo->leases_path);
    g_free(fo->leases_node);
    g_free(fo->drbd_rsc);
    g_free(fo->local);
    g_free(fo->from);
    g_free(fo->to);
    g_free(fo->victim);
    g_free(fo->base_drbd);
    g_free(fo->drbd_last);
    g_free(fo->done_node);
    g_free(fo->aborted);
    g_ptr_array_free(fo->chain, TRUE);
    g_array_free(fo->base_leases, TRUE);
    g_ptr_array_free(fo->base_lines, TRUE);
    g_ptr_array_free(fo->base_fails, TRUE);
    g_ptr_array_free(fo->cleaned, TRUE);
    g_free(fo->pidfile);
    g_free(fo->kea_config);
    g_ptr_array_free(fo->leftovers, TRUE);
    g_ptr_array_free(fo->leftover_rscs, TRUE);
    g_ptr_array_free(fo->events, TRUE);
    g_ptr_array_free(fo->asserts, TRUE);
    g_ptr_array_free(fo->strs, TRUE);
    g_free(fo);
}

int hc_failover_interval_ms(const hc_failover *fo)
{
    return fo->o.probe_interval_ms;
}

const char *hc_failover_error(const hc_failover *fo)
{
    return fo->error;
}

bool hc_failover_passed(const hc_failover *fo)
{
    if (fo->error || !fo->asserts->len) {
        return false;
    }
    for (guint i = 0; i < fo->asserts->len; i++) {
        if (((hc_fo_assertion *) fo->asserts->pdata[i])->verdict
            == HC_FO_FAIL) {
            return false;
        }
    }
    return true;
}

double hc_failover_unanswered_ms(const hc_failover *fo)
{
    return fo->unanswered_ms;
}

double hc_failover_longest_outage_ms(const hc_failover *fo,
                                     unsigned *ret_outages)
{
    if (ret_outages) {
        *ret_outages = fo->outages;
    }
    return fo->longest_ms;
}

double hc_failover_downtime_ms(const hc_failover *fo)
{
    if (!fo->lost) {
        return 0;
    }
    if (fo->recovered < 0 || fo->recovered < fo->last_fail) {
        return -1;
    }
    return fo->recovered - fo->first_fail;
}

const char *hc_failover_from_node(const hc_failover *fo)
{
    return fo->from;
}

const char *hc_failover_to_node(const hc_failover *fo)
{
    return fo->to;
}

const GPtrArray *hc_failover_events(const hc_failover *fo)
{
    return fo->events;
}

const GPtrArray *hc_failover_assertions(const hc_failover *fo)
{
    return fo->asserts;
}

int hc_failover_clear_leftovers(hc_failover *fo, GString *out)
{
    GPtrArray *rscs = g_ptr_array_new_with_free_func(g_free);
    int ret;

    if (hc__fo_refresh(fo, NULL, NULL) < 0 || !fo->st) {
        g_ptr_array_free(rscs, TRUE);
        return -ENOTCONN;
    }
    for (guint i = 0; i < fo->st->constraints->len; i++) {
        hc_constraint *c = fo->st->constraints->pdata[i];

        if (c->leftover && c->rsc && !hc__fo_in_list(rscs, c->rsc)) {
            g_ptr_array_add(rscs, g_strdup(c->rsc));
        }
    }
    ret = hc__fo_clear_rscs(rscs, out);
    g_ptr_array_free(rscs, TRUE);
    return ret;
}

void hc_failover_probe_counts(const hc_failover *fo, unsigned *ret_sent,
                              unsigned *ret_answered, unsigned *ret_lost,
                              bool *ret_last_ok)
{
    *ret_sent = fo->sent;
    *ret_answered = fo->answered;
    *ret_lost = fo->lost;
    *ret_last_ok = fo->last_ok;
}

const char *hc_failover_phase(const hc_failover *fo)
{
    static const char *const names[] = {
        "baseline", "baseline", "action", "observe", "cleanup", "final",
        "final", "done",
    };

    return names[fo->phase];
}

