/* What each failover scenario does to the active node, how it is undone
 * (the cleanup), and when the failover it causes is complete. */
#include "failover_int.h"

#include <string.h>

#include "util.h"

/* ------------------------------------------------------------ actions */

static void job_add_shell(job *j, const char *cmd, const char *node,
                          int timeout_ms)
{
    char *c = hc_fo_subst_node(cmd, node);

    hc__fo_job_add(j, NULL, timeout_ms, false, "sh", "-c", c, JOB_END);
    g_free(c);
}

job *hc__fo_action_job(hc_failover *fo)
{
    job *j = hc__fo_job_new();
    const char *n = fo->from;
    const char *remote = hc__fo_is_local(fo, n) ? NULL : n;

    switch (fo->o.scenario) {
    case HC_FO_MOVE:
        if (fo->anchor_promoted) {
            hc__fo_job_add(j, NULL, 30000, false, "crm_resource", "--move",
                    "--promoted", "-r", fo->anchor, "-N", fo->to, JOB_END);
        } else {
            hc__fo_job_add(j, NULL, 30000, false, "crm_resource", "--move",
                           "-r", fo->anchor, "-N", fo->to, JOB_END);
        }
        break;
    case HC_FO_STANDBY:
        hc__fo_job_add(j, NULL, 30000, false, "crm_attribute", "--node", n,
                "--name", "standby", "--update", "on", JOB_END);
        break;
    case HC_FO_KILL:
        /* SIGKILL, as a crash of dhcpd would be: no clean exit.  The pid
         * is the resource's own (its pid file), and must be a dhcpd (or
         * Kea's kea-dhcp4): not another one on the node, nor a pid
         * reused since. */
        hc__fo_job_add(j, remote, 20000, false, "sh", "-c",
                "read -r p < \"$1\" && [ \"$(cat /proc/$p/comm)\" = \"$2\" ] "
                "&& kill -KILL \"$p\" && echo \"killed $2 $p of $1\"",
                "sh", fo->pidfile, fo->kea_config ? "kea-dhcp4" : "dhcpd",
                JOB_END);
        break;
    case HC_FO_STOP_STACK:
        if (fo->o.stop_cmd) {
            job_add_shell(j, fo->o.stop_cmd, n, 300000);
        } else {
            hc__fo_job_add(j, n, 300000, false, "systemctl", "stop",
                           "pacemaker", JOB_END);
            hc__fo_job_add(j, n, 60000, false, "systemctl", "stop", "corosync",
                           JOB_END);
        }
        break;
    case HC_FO_CRASH:
        job_add_shell(j, fo->o.crash_cmd, n, 60000);
        break;
    case HC_FO_CUT:
        job_add_shell(j, fo->o.cut_cmd, n, 60000);
        break;
    case HC_FO_HANG:
        hc__fo_hang_action(fo, j);
        break;
    default:
        break;
    }
    return j;
}

job *hc__fo_cleanup_job(hc_failover *fo)
{
    job *j = hc__fo_job_new();

    switch (fo->o.scenario) {
    case HC_FO_MOVE:
        hc__fo_job_add(j, NULL, 30000, true, "crm_resource", "--clear", "-r",
                       fo->anchor, JOB_END);
        break;
    case HC_FO_STANDBY:
        hc__fo_job_add(j, NULL, 30000, true, "crm_attribute", "--node",
                       fo->from, "--name", "standby", "--update", "off",
                       JOB_END);
        break;
    case HC_FO_KILL:
        hc__fo_job_add(j, NULL, 30000, true, "crm_resource", "--cleanup", "-r",
                       fo->service, "-N", fo->from, JOB_END);
        break;
    case HC_FO_STOP_STACK:
    case HC_FO_CRASH:
    case HC_FO_CUT:
        if (fo->o.restore_cmd) {
            char *c = hc_fo_subst_node(fo->o.restore_cmd, fo->from);

            hc__fo_job_add(j, NULL, 300000, true, "sh", "-c", c, JOB_END);
            g_free(c);
        } else if (fo->o.scenario == HC_FO_STOP_STACK && !fo->o.stop_cmd) {
            hc__fo_job_add(j, fo->from, 120000, true, "systemctl", "start",
                    "corosync", "pacemaker", JOB_END);
        }
        break;
    case HC_FO_HANG:
        hc__fo_hang_cleanup(fo, j);
        break;
    default:
        break;
    }
    /* Fail counts that appeared during the test: the test caused them
     * (the kill's own is cleaned above). */
    if (fo->st) {
        GHashTable *h = hc__fo_snapshot(fo);
        GHashTableIter it;
        gpointer k, v;

        g_hash_table_iter_init(&it, h);
        while (g_hash_table_iter_next(&it, &k, &v)) {
            const char *key = k;
            char *rsc, *at, *colon;

            if (!g_str_has_prefix(key, "fail ")
                || hc__fo_in_list(fo->base_fails, key + 5)) {
                continue;
            }
            rsc = g_strdup(key + 5);
            at = strrchr(rsc, '@');
            if (!at) {
                g_free(rsc);
                continue;
            }
            *at = '\0';
            /* A clone instance (drbd:1) is cleaned as its clone's. */
            if ((colon = strrchr(rsc, ':'))) {
                *colon = '\0';
            }
            g_ptr_array_add(fo->cleaned, g_strdup_printf("%s=%s", key + 5,
                                                         (char *) v));
            if (!(fo->o.scenario == HC_FO_KILL
                  && !strcmp(rsc, fo->service)
                  && !strcmp(at + 1, fo->from))) {
                hc__fo_job_add(j, NULL, 30000, true, "crm_resource",
                               "--cleanup", "-r", rsc, "-N", at + 1, JOB_END);
            }
            g_free(rsc);
        }
        g_hash_table_unref(h);
    }
    /* Until the cluster has nothing left to do. */
    hc__fo_job_add(j, NULL, 130000, true, "crm_resource", "--wait",
            "--timeout=120s", JOB_END);
    return j;
}

/* ------------------------------------------------------------ observe */

bool hc__fo_failover_complete(hc_failover *fo)
{
    const char *now = hc__fo_service_node(fo);
    hc_resource *svc;

    if (!now || strcmp(now, fo->to) || !fo->last_ok
        || !hc__fo_fence_complete(fo)) {
        return false;
    }
    if (fo->o.scenario == HC_FO_KILL) {
        /* The cluster must have noticed: a fail count or a failed
         * operation on the service; then it runs again. */
        svc = hc_status_find_resource(fo->st, fo->service);
        for (guint i = 0; svc && svc->failcounts && i < svc->failcounts->len;
             i++) {
            hc_failcount *f = svc->failcounts->pdata[i];

            if (f->count > fo->max_failcount) {
                fo->max_failcount = f->count;
            }
            if (!strcmp(f->node, fo->from) && f->count > 0) {
                fo->seen_failure = true;
            }
        }
        return fo->seen_failure && svc && svc->active && !svc->failed;
    }
    return true;
}
