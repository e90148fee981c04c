/* What several steps do alike: start a plan from the cluster's CIB, read
 * the cluster's state to verify a step, find where the service runs
 * (resources starts it on one node, migrate moves it to the other), and
 * name the DHCP server's files. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <crm/crm.h>
#include <crm/common/xml.h>

#include "status.h"
#include "util.h"
#include "steps/steps.h"

const char *hc_steps_anchor(const hc_wizard *w)
{
    return strcmp(hc_wizard_answer(w, "storage"), "drbd") ? "fs_data"
                                                           : "drbd-r0-master";
}

int hc_steps_plan_cib(hc_wizard *w, hc_plan *p, char **ret_err)
{
    xmlNode *cib = NULL;
    int rc = hc_wizard_cib(w, &cib, ret_err);

    if (rc < 0) {
        return rc;
    }
    p->cib_old = cib;
    p->cib_new = copy_xml(cib);
    return 0;
}

int hc_steps_status(hc_wizard *w, hc_status **ret, char **ret_err)
{
    xmlNode *cib = NULL;
    int rc = hc_wizard_cib(w, &cib, ret_err);

    *ret = NULL;
    if (rc == 0) {
        rc = hc_status_from_xml(cib, 0, ret, ret_err);
    }
    free_xml(cib);
    return rc;
}

char *hc_steps_placed_on(hc_wizard *w, const hc_status *st, GString *where)
{
    static const char *const rsc[] = { HC_SERVICE_RSC, "fs_data", "testnet",
                                       "drbd-r0-master" };
    size_t n = strcmp(hc_steps_anchor(w), "fs_data") ? 4 : 3;
    const char *node = NULL;
    bool together = true;

    for (size_t i = 0; i < n; i++) {
        const char *at = hc_wizard_rsc_node(st, rsc[i]);
        char *e = hc_escape(at ? at : "stopped", 64);

        g_string_append_printf(where, "%s%s %s", i ? ", " : "", rsc[i], e);
        g_free(e);
        if (!at || (node && strcmp(at, node))) {
            together = false;
        }
        if (!node) {
            node = at;
        }
    }
    return together && node ? g_strdup(node) : NULL;
}

/* Every failed action of st appended to where; returns the first one
 * since `since` that the cluster does not retry (g_free), or NULL.
 * "not installed" (5) and "not configured" (6): there is nothing to wait
 * for.  A failure from before this wait (an earlier attempt's) does not
 * count, and a CIB file's failures are its fixture's. */
static char *failures(const hc_status *st, GString *where, bool file,
                      time_t since)
{
    char *fatal = NULL;

    for (guint i = 0; st->failed && i < st->failed->len; i++) {
        hc_failed_action *f = st->failed->pdata[i];
        char *e = hc_escape(f->exit_reason ? f->exit_reason
                            : f->rc_text ? f->rc_text : "", 120);

        g_string_append_printf(where, "; %s %s failed on %s%s%s",
                               f->resource, f->task, f->node,
                               *e ? ": " : "", e);
        if (!fatal && !file && (f->rc == 5 || f->rc == 6)
            && f->last_rc_change >= since) {
            fatal = g_strdup_printf("%s %s on %s returned '%s' (%d)%s%s:"
                                    " the cluster does not recover from "
                                    "that by itself", f->resource,
                                    f->task, f->node, f->rc == 5
                                    ? "not installed" : "not configured",
                                    f->rc, *e ? ": " : "", e);
        }
        g_free(e);
    }
    return fatal;
}

/* crm_resource --wait: until the cluster has nothing left to do, for
 * what is left until deadline (5 s at least). */
static int wait_settled(hc_wizard *w, double deadline, char **ret_err)
{
    const char *argv[] = { "crm_resource", "--wait", "--timeout", NULL,
                           NULL };
    int left = (int) ((deadline - hc_now_ms()) / 1000);
    char *t = g_strdup_printf("%ds", left > 5 ? left : 5);
    int rc;

    argv[3] = t;
    hc_wizard_progress(w, "waiting until the cluster settles");
    rc = hc_wizard_run(w, NULL, (left > 5 ? left : 5) * 1000 + 10000, NULL,
                       ret_err, argv);
    g_free(t);
    return rc;
}

int hc_steps_wait_placed(hc_wizard *w, const char *want_node,
                         char **ret_node, char **ret_err)
{
    bool file = hc_wizard_cib_is_file(w);
    double deadline = hc_now_ms()
                      + 1000.0 * atoi(hc_wizard_answer(w, "timeout"));
    char *last = NULL;
    bool settled = file;
    time_t since = hc_wizard_apply_started(w) ? hc_wizard_apply_started(w)
                                              : time(NULL);
    char *fatal = NULL;
    int rc;

    for (;;) {
        xmlNode *cib = NULL;
        hc_status *st = NULL;
        GString *where = g_string_new(NULL);
        char *node = NULL;

        rc = hc_wizard_cib(w, &cib, ret_err);
        if (rc == 0) {
            rc = hc_wizard_status(w, cib, file, &st, ret_err);
        }
        free_xml(cib);
        if (rc < 0) {
            g_string_free(where, TRUE);
            break;
        }
        node = hc_steps_placed_on(w, st, where);
        fatal = failures(st, where, file, since);
        hc_status_free(st);
        if (!last || strcmp(last, where->str)) {
            hc_wizard_progress(w, "%s", where->str);
        }
        g_free(last);
        last = g_string_free(where, FALSE);
        if (fatal) {
            *ret_err = g_strdup_printf("%s (%s); not waiting for the rest of "
                                       "the %s s", fatal, last,
                                       hc_wizard_answer(w, "timeout"));
            g_free(node);
            rc = -EPROTO;
            break;
        }
        if (node && (!want_node || !strcmp(node, want_node)) && !settled) {
            /* A start in progress already shows the resource on its node:
             * wait until the cluster has nothing left to do, then look
             * again (the start may have failed and the service moved). */
            rc = wait_settled(w, deadline, ret_err);
            g_free(node);
            if (rc < 0) {
                break;
            }
            settled = true;
            continue;
        }
        if (node && (!want_node || !strcmp(node, want_node))) {
            if (ret_node) {
                *ret_node = node;
            } else {
                g_free(node);
            }
            break;
        }
        g_free(node);
        /* A file does not change by itself: the simulation is the answer. */
        if (file || hc_now_ms() > deadline) {
            *ret_err = g_strdup_printf("%s: %s%s%s", file
                                       ? "the scheduler does not place the "
                                         "service as expected"
                                       : "timed out waiting for the service",
                                       last, want_node ? "; expected on " : "",
                                       want_node ? want_node : "");
            rc = file ? -EPROTO : -ETIMEDOUT;
            break;
        }
        g_usleep(1000 * 1000);
    }
    g_free(last);
    g_free(fatal);
    return rc;
}

bool hc_steps_kea_pending(hc_wizard *w)
{
    xmlNode *cib = NULL, *r;
    char *err = NULL;
    bool pending = false;

    if (!hc_steps_kea(w) || hc_wizard_cib(w, &cib, &err) < 0) {
        g_free(err);
        return false;
    }
    r = hc_cib_find_id(cib, HC_SERVICE_RSC);
    pending = r && !g_strcmp0(crm_element_value(r, "type"), "dhcpd");
    free_xml(cib);
    return pending;
}

bool hc_steps_kea(const hc_wizard *w)
{
    return !strcmp(hc_wizard_answer(w, "dhcp_server"), "kea");
}

const char *hc_steps_dhcp_conf(const hc_wizard *w)
{
    return hc_wizard_answer(w, hc_steps_kea(w) ? "kea_conf" : "dhcpd_conf");
}

const char *hc_steps_dhcp_leases(const hc_wizard *w)
{
    return hc_wizard_answer(w, hc_steps_kea(w) ? "kea_leases" : "leases");
}
