/* The failover test's report: text and JSON, written next to each other,
 * and the timeline's line format that the console shares. */
#include "failover_int.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "json.h"
#include "leases.h"
#include "util.h"

void hc_fo_event_format(const hc_fo_event *ev, GString *out)
{
    char when[32];
    time_t w = (time_t) ev->wall;

    hc_time_str(w, when, sizeof(when));
    g_string_append_printf(out, "%s.%03d ", when,
                           (int) ((ev->wall - (double) w) * 1000));
    /* Before the action there is no time from it yet. */
    if (ev->t_ms == 0 && signbit(ev->t_ms)) {
        g_string_append(out, "   before");
    } else {
        g_string_append_printf(out, "%+9.3f", ev->t_ms / 1000.0);
    }
    g_string_append_printf(out, " %-6s %s\n",
                           hc_fo_event_kind_name(ev->kind), ev->text);
}

int hc_failover_save_report(const hc_failover *fo, const char *dir,
                            const char *stamp, int n, char **ret_txt,
                            char **ret_json)
{
    GString *txt = g_string_new(NULL), *js = g_string_new(NULL);
    char *base = g_strdup_printf("%s/failover-%s-%s-%02d", dir,
                                 hc_fo_scenario_name(fo->o.scenario), stamp,
                                 n);
    char *p1 = g_strconcat(base, ".txt", NULL);
    char *p2 = g_strconcat(base, ".json", NULL);
    int rc;

    if (ret_txt) {
        *ret_txt = NULL;
    }
    if (ret_json) {
        *ret_json = NULL;
    }
    hc_failover_report_text(fo, txt);
    hc_failover_report_json(fo, js);
    rc = hc_write_file_atomic(p1, txt->str, txt->len, 0640, true);
    if (rc < 0) {
        if (ret_txt) {
            *ret_txt = p1;
            p1 = NULL;
        }
    } else {
        rc = hc_write_file_atomic(p2, js->str, js->len, 0640, true);
        if (ret_txt) {
            *ret_txt = rc < 0 ? p2 : p1;
            if (rc < 0) {
                p2 = NULL;
            } else {
                p1 = NULL;
            }
        }
    }
    if (rc == 0 && ret_json) {
        *ret_json = p2;
        p2 = NULL;
    }
    g_free(base);
    g_free(p1);
    g_free(p2);
    g_string_free(txt, TRUE);
    g_string_free(js, TRUE);
    return rc;
}

const char *hc_fo_env_report_dir(void)
{
    const char *d = getenv("HACON_FAILOVER_DIR");

    return d && *d ? d : "/var/lib/hacon/failover";
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;

    return x < y ? -1 : x > y;
}

void hc_fo_downtime_summary(double *v, size_t n, double *ret_min,
                            double *ret_median, double *ret_max)
{
    *ret_min = *ret_median = *ret_max = 0;
    if (!n) {
        return;
    }
    qsort(v, n, sizeof(double), cmp_double);
    *ret_min = v[0];
    *ret_max = v[n - 1];
    *ret_median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ------------------------------------------------------------ report */

static gint cmp_event(gconstpointer a, gconstpointer b)
{
    const hc_fo_event *x = *(hc_fo_event *const *) a;
    const hc_fo_event *y = *(hc_fo_event *const *) b;

    return x->t_ms < y->t_ms ? -1 : x->t_ms > y->t_ms;
}

/* The timeline in time order: messages of the worker thread reach the
 * list a little after the CIB changes that followed them. */
static GPtrArray *sorted_events(const hc_failover *fo)
{
    GPtrArray *a = g_ptr_array_sized_new(fo->events->len);

    for (guint i = 0; i < fo->events->len; i++) {
        g_ptr_array_add(a, fo->events->pdata[i]);
    }
    /* Stable (GLib documents it since 2.32): equal times keep their
     * order. */
    g_ptr_array_sort(a, cmp_event);
    return a;
}

void hc_failover_report_text(const hc_failover *fo, GString *out)
{
    char when[32];

    g_string_append_printf(out, "hacon failover-test %s: %s\n",
                           hc_fo_scenario_name(fo->o.scenario),
                           fo->error ? "NOT RUN"
                           : hc_failover_passed(fo) ? "PASS" : "FAIL");
    if (fo->error) {
        g_string_append_printf(out, "reason: %s\n", fo->error);
    }
    if (fo->wall0 > 0) {
        g_string_append_printf(out, "started: %s\n",
                               hc_time_str((time_t) fo->wall0, when,
                                           sizeof(when)));
    }
    if (fo->service) {
        g_string_append_printf(out, "service: %s (chain anchor %s%s), "
                               "%s -> %s, floating IP %s probed on %s\n",
                               fo->service, fo->anchor,
                               fo->anchor_promoted ? ", promoted" : "",
                               fo->from ? fo->from : "?",
                               fo->to ? fo->to : "?",
                               fo->vip ? fo->vip : "?",
                               fo->ifname ? fo->ifname : "?");
    }
    g_string_append(out, "\nBaseline\n");
    for (guint i = 0; i < fo->base_lines->len; i++) {
        char *e = hc_escape(fo->base_lines->pdata[i], 0);

        g_string_append_printf(out, "  %s\n", e);
        g_free(e);
    }
    g_string_append(out, "\nTimeline (seconds from the action)\n");
    {
        GPtrArray *ev = sorted_events(fo);

        for (guint i = 0; i < ev->len; i++) {
            g_string_append(out, "  ");
            hc_fo_event_format(ev->pdata[i], out);
        }
        g_ptr_array_free(ev, TRUE);
    }
    g_string_append_printf(out, "\nProbes: %u sent every %d ms, %u "
                           "answered, %u unanswered; downtime ",
                           fo->sent, fo->o.probe_interval_ms, fo->answered,
                           fo->lost);
    if (hc_failover_downtime_ms(fo) < 0) {
        g_string_append(out, "unbounded (DHCP did not come back)\n");
    } else {
        g_string_append_printf(out, "%.0f ms\n", hc_failover_downtime_ms(fo));
    }
    g_string_append(out, "\nAssertions\n");
    for (guint i = 0; i < fo->asserts->len; i++) {
        hc_fo_assertion *a = fo->asserts->pdata[i];

        g_string_append_printf(out, "  [%s] %s: %s\n",
                               a->verdict == HC_FO_PASS ? "PASS"
                               : a->verdict == HC_FO_FAIL ? "FAIL" : "SKIP",
                               a->name, a->detail);
    }
}

void hc_failover_report_json(const hc_failover *fo, GString *out)
{
    GPtrArray *evs = sorted_events(fo);
    hc_jw w;

    hc_jw_init(&w, out);
    hc_jw_obj(&w, NULL);
    hc_jw_str(&w, "scenario", hc_fo_scenario_name(fo->o.scenario));
    hc_jw_str(&w, "result", fo->error ? "not-run"
              : hc_failover_passed(fo) ? "pass" : "fail");
    hc_jw_str(&w, "error", fo->error);
    hc_jw_num(&w, "started", fo->wall0, 3);
    hc_jw_str(&w, "service", fo->service);
    hc_jw_str(&w, "anchor", fo->anchor);
    hc_jw_bool(&w, "anchor_promoted", fo->anchor_promoted);
    hc_jw_str(&w, "from", fo->from);
    hc_jw_str(&w, "to", fo->to);
    hc_jw_str(&w, "vip", fo->vip);
    hc_jw_str(&w, "interface", fo->ifname);
    hc_jw_str(&w, "leases_file", fo->leases_path);
    hc_jw_obj(&w, "baseline");
    hc_jw_arr(&w, "lines");
    for (guint i = 0; i < fo->base_lines->len; i++) {
        hc_jw_str(&w, NULL, fo->base_lines->pdata[i]);
    }
    hc_jw_end(&w);
    hc_jw_arr(&w, "leases");
    for (guint i = 0; i < fo->base_leases->len; i++) {
        base_lease *b = &g_array_index(fo->base_leases, base_lease, i);
        GString *s = g_string_new(NULL);
        char **parts;

        hc__fo_lease_str(b, s);
        parts = g_strsplit(s->str, " ", 2);
        hc_jw_obj(&w, NULL);
        hc_jw_str(&w, "address", parts[0]);
        hc_jw_str(&w, "mac", parts[1] ? parts[1] : "");
        if (b->ends == HC_LEASE_NEVER) {
            hc_jw_null(&w, "ends");
        } else {
            hc_jw_uint(&w, "ends", b->ends);
        }
        hc_jw_end(&w);
        g_strfreev(parts);
        g_string_free(s, TRUE);
    }
    hc_jw_end(&w);
    hc_jw_end(&w);
    hc_jw_arr(&w, "timeline");
    for (guint i = 0; i < evs->len; i++) {
        hc_fo_event *ev = evs->pdata[i];

        hc_jw_obj(&w, NULL);
        hc_jw_num(&w, "t_ms", ev->t_ms, 1);
        hc_jw_num(&w, "wall", ev->wall, 3);
        hc_jw_bool(&w, "before_action", ev->t_ms == 0 && signbit(ev->t_ms));
        hc_jw_str(&w, "kind", hc_fo_event_kind_name(ev->kind));
        hc_jw_str(&w, "text", ev->text);
        hc_jw_end(&w);
    }
    hc_jw_end(&w);
    g_ptr_array_free(evs, TRUE);
    hc_jw_obj(&w, "probes");
    hc_jw_int(&w, "interval_ms", fo->o.probe_interval_ms);
    hc_jw_uint(&w, "sent", fo->sent);
    hc_jw_uint(&w, "answered", fo->answered);
    hc_jw_uint(&w, "unanswered", fo->lost);
    if (hc_failover_downtime_ms(fo) < 0) {
        hc_jw_null(&w, "downtime_ms");
    } else {
        hc_jw_num(&w, "downtime_ms", hc_failover_downtime_ms(fo), 1);
    }
    hc_jw_end(&w);
    hc_jw_arr(&w, "assertions");
    for (guint i = 0; i < fo->asserts->len; i++) {
        hc_fo_assertion *a = fo->asserts->pdata[i];

        hc_jw_obj(&w, NULL);
        hc_jw_str(&w, "name", a->name);
        hc_jw_str(&w, "result", hc__fo_verdict_name(a->verdict));
        hc_jw_str(&w, "detail", a->detail);
        hc_jw_end(&w);
    }
    hc_jw_end(&w);
    hc_jw_bool(&w, "passed", hc_failover_passed(fo));
    hc_jw_end(&w);
    g_string_append_c(out, '\n');
}
