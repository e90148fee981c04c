/* Step 4: stonith-enabled=false, as the tutorial does, after saying what
 * can go wrong without fencing (ERRATA row 3), when the admin chose
 * fencing=none; with fencing configured by step fence (recommended) there
 * is nothing to disable. */
#include <errno.h>
#include <string.h>

#include <crm/crm.h>
#include <crm/common/xml.h>
#include <crm/common/util.h>

#include "status.h"
#include "steps/steps.h"

/* A fence device in the CIB, or watchdog fencing (diskless sbd). */
static bool has_fencing(xmlNode *cib)
{
    const char *wd = hc_cib_property(cib, "stonith-watchdog-timeout");
    xmlNode *cfg = first_named_child(cib, "configuration");
    xmlNode *rsc = cfg ? first_named_child(cfg, "resources") : NULL;

    if (wd && strcmp(wd, "0") && strcmp(wd, "0s")) {
        return true;
    }
    for (xmlNode *x = rsc ? rsc->children : NULL; x; x = x->next) {
        if (x->type == XML_ELEMENT_NODE
            && !g_strcmp0(crm_element_value(x, "class"), "stonith")) {
            return true;
        }
    }
    return false;
}

static int stonith_plan(hc_wizard *w, hc_plan *p, char **ret_err)
{
    const char *v, *m = hc_wizard_answer(w, "fencing");
    int rc = hc_steps_plan_cib(w, p, ret_err);

    if (rc < 0) {
        return rc;
    }
    v = hc_cib_property(p->cib_old, "stonith-enabled");
    if (strcmp(m, "none")) {
        if ((!v || crm_is_true(v)) && has_fencing(p->cib_old)) {
            g_hash_table_replace(p->data, g_strdup("done"), g_strdup_printf(
                "fencing configured (fencing=%s, step fence): STONITH stays "
                "enabled", m));
            hc_plan_note(p, "fencing=%s: step fence configured fencing; "
                         "nothing to disable.", m);
            return 0;
        }
        *ret_err = g_strdup_printf("fencing=%s: apply step fence first (it "
                                   "enables STONITH with its devices), or "
                                   "answer fencing=none to disable STONITH "
                                   "as the tutorial does", m);
        return -EAGAIN;
    }
    if (v && !crm_is_true(v)) {
        g_hash_table_replace(p->data, g_strdup("done"), g_strdup("stonith-enabled=false"));
        return 0;
    }
    hc_cib_set_property(p->cib_new, "stonith-enabled", "false");
    hc_plan_note(p, "Tutorial says: disable STONITH. hacon does so "
                 "(fencing=none), and keeps a warning on every screen that "
                 "shows cluster health (ERRATA 3). Recommended instead: "
                 "step fence with fencing=agent, sbd or qdevice.");
    hc_plan_warn(p, "Without fencing, a split network lets both nodes believe "
                 "the other is dead: both can then make DRBD primary, mount "
                 "/data and run dhcpd, handing out the same addresses twice "
                 "and diverging the lease file (a DRBD split brain that must "
                 "be resolved by hand).");
    hc_plan_warn(p, "A node that hangs instead of dying is never shot: the "
                 "survivor cannot know it is safe to take over.");
    hc_plan_crm(p, "crm configure property stonith-enabled=false");
    return 0;
}

static int stonith_verify(hc_wizard *w, hc_plan *p, char **ret_err)
{
    hc_status *st = NULL;
    int rc = hc_steps_status(w, &st, ret_err);

    if (rc == 0 && strcmp(hc_wizard_answer(w, "fencing"), "none")) {
        /* Fencing stays on. */
    } else if (rc == 0 && st->cluster.stonith_enabled) {
        *ret_err = g_strdup("the cluster still has stonith-enabled=true");
        rc = -EPROTO;
    }
    hc_status_free(st);
    return rc;
}

static int stonith_check(hc_wizard *w, hc_step_state *ret, GString *why)
{
    return hc_step_check_by_plan(w, &hc_step_stonith, ret, why);
}

const hc_step hc_step_stonith = {
    .name = "stonith",
    .title = "Disable fencing (STONITH)",
    .tutorial = "crm configure property stonith-enabled=false",
    .hacon = "with fencing=none, the same, after showing what can go wrong "
             "without fencing (the warning stays in the console's header); "
             "with fencing configured by step fence (recommended), nothing",
    .check = stonith_check,
    .plan = stonith_plan,
    .verify = stonith_verify,
    .needs = { "cluster" },
};
