/* The Pacemaker tools the wizard runs on CIB files rather than on the
 * cluster (crm_simulate, and the scratch directory they work in): the
 * state the scheduler reaches once it has run a planned CIB's
 * transitions, and where a resource runs in a status. */
#include "wizard.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <crm/crm.h>
#include <crm/common/xml.h>

#include "exec.h"
#include "status.h"
#include "util.h"
#include "wizard_int.h"

char *hc_wizard_tmp_dir(void)
{
    char *t = g_build_filename(g_get_tmp_dir(), "hacon-wizard-XXXXXX", NULL);

    if (!g_mkdtemp(t)) {
        g_free(t);
        return NULL;
    }
    return t;
}

/* Runs a tool that reads files only, not the cluster: no transcript entry
 * of its own is wanted, but the one exec helper is still the way. */
int hc_wizard_run_tool(const char *const *argv, int timeout_ms, char **out,
                       int *status)
{
    /* CIB_file must not leak into tools pointed at other files. */
    static const char *const env[] = { "CIB_file=", NULL };
    hc_exec_opts o = { .timeout_ms = timeout_ms, .env = env };
    hc_exec_result r;
    int rc = hc_wizard_exec_unlocked(argv, &o, &r);

    if (rc < 0) {
        *out = g_strdup_printf("%s: %s\n", argv[0], strerror(-rc));
        *status = 127;
        return rc;
    }
    *out = g_strconcat(r.out, r.err, r.timed_out ? "(timed out)\n" : "", NULL);
    *status = r.timed_out ? 124 : r.status;
    hc_exec_result_clear(&r);
    return 0;
}

/* The ids of the promotable DRBD primitives of the CIB (g_free each). */
static GPtrArray *drbd_primitives(xmlNode *cib)
{
    GPtrArray *drbd = g_ptr_array_new_with_free_func(g_free);
    xmlXPathObject *xo = xpath_search(cib, "//configuration//clone"
                                      "/primitive[@provider='linbit']"
                                      "[@type='drbd']");
    int n = numXpathResults(xo);

    for (int i = 0; i < n; i++) {
        xmlNode *x = getXpathResult(xo, i);

        g_ptr_array_add(drbd, g_strdup(crm_element_value(x, "id")));
    }
    freeXpathObject(xo);
    return drbd;
}

/* What DRBD's agent does once both disks are UpToDate: the promotion
 * score master-RSC of primitive rsc on every node of the CIB file. */
static void set_promotion_score(const char *cib_path, const char *rsc)
{
    xmlNode *res = filename2xml(cib_path);
    xmlXPathObject *nodes = res ? xpath_search(res, "//status/node_state")
                                : NULL;
    char *env_file = g_strdup_printf("CIB_file=%s", cib_path);
    char *name = g_strdup_printf("master-%s", rsc);

    for (int k = 0; k < numXpathResults(nodes); k++) {
        const char *uname = crm_element_value(getXpathResult(nodes, k),
                                              "uname");
        const char *argv[] = { "crm_attribute", "--node", uname,
                               "--lifetime", "reboot", "--name", name,
                               "--update", "10000", NULL };
        const char *env[] = { env_file, NULL };
        hc_exec_opts o = { .timeout_ms = 10000, .env = env };
        hc_exec_result r;

        if (uname && hc_exec(argv, &o, &r) == 0) {
            hc_exec_result_clear(&r);
        }
    }
    g_free(name);
    g_free(env_file);
    freeXpathObject(nodes);
    free_xml(res);
}

/* The state after crm_simulate has run the transitions until nothing is
 * left to do (a move takes two: stop there, start here).  DRBD's agent
 * sets a promotion score (master-RSC) on a node whose disk is UpToDate;
 * a CIB file has none, so the simulation sets it for the promotable DRBD
 * primitives once they have started, as the agent would with both disks
 * in sync. */
static int simulate_settle(xmlNode *cib, const char *in, const char *out_path,
                           int rounds, char **log)
{
    GString *all = g_string_new(NULL);
    GPtrArray *drbd = drbd_primitives(cib);
    int status = 0;

    for (int i = 0; i < rounds; i++) {
        const char *argv[] = { "crm_simulate", "-x", i ? out_path : in, "-S",
                               "-O", out_path, NULL };
        char *o = NULL;
        bool idle;

        hc_wizard_run_tool(argv, 30000, &o, &status);
        if (i == 0) {
            g_string_append(all, o);
        }
        /* Settled: the transition had nothing to do. */
        idle = !strstr(o, "Resource action") && !strstr(o, "Pseudo action");
        g_free(o);
        if (status != 0 || (idle && (i > 0 || !drbd->len))) {
            break;
        }
        for (guint d = 0; i == 0 && d < drbd->len; d++) {
            set_promotion_score(out_path, drbd->pdata[d]);
        }
    }
    g_ptr_array_free(drbd, TRUE);
    if (log) {
        *log = g_string_free(all, FALSE);
    } else {
        g_string_free(all, TRUE);
    }
    return status == 0 ? 0 : -EIO;
}

/* The state after rounds transitions of crm_simulate (5: settled). */
int hc_wizard_status_simulated(xmlNode *cib, int rounds, hc_status **ret,
                               char **ret_err)
{
    char *dir, *in, *out, *log = NULL;
    xmlNode *res;
    int rc;

    dir = hc_wizard_tmp_dir();
    if (!dir) {
        *ret_err = g_strdup("cannot make a temporary directory");
        return -EIO;
    }
    in = g_build_filename(dir, "in.xml", NULL);
    out = g_build_filename(dir, "out.xml", NULL);
    rc = write_xml_file(cib, in, FALSE) < 0 ? -EIO : 0;
    if (rc == 0) {
        rc = simulate_settle(cib, in, out, rounds, &log);
        if (rc < 0) {
            *ret_err = g_strdup_printf("crm_simulate failed: %s", log);
        }
    }
    if (rc == 0) {
        res = filename2xml(out);
        if (!res) {
            *ret_err = g_strdup("crm_simulate wrote no CIB");
            rc = -EIO;
        } else {
            rc = hc_status_from_xml(res, 0, ret, ret_err);
            free_xml(res);
        }
    }
    g_free(log);
    g_free(in);
    g_free(out);
    hc_rm_tree(dir);
    g_free(dir);
    return rc;
}

int hc_wizard_status(hc_wizard *w, xmlNode *cib, bool simulate,
                     hc_status **ret, char **ret_err)
{
    if (!simulate) {
        return hc_status_from_xml(cib, 0, ret, ret_err);
    }
    return hc_wizard_status_simulated(cib, 5, ret, ret_err);
}

const char *hc_wizard_rsc_node(const hc_status *st, const char *id)
{
    hc_resource *r = hc_status_find_resource(st, id);

    if (!r) {
        return NULL;
    }
    if (r->kind == HC_RSC_PROMOTABLE) {
        for (guint i = 0; r->children && i < r->children->len; i++) {
            hc_resource *c = r->children->pdata[i];

            for (guint j = 0; c->places && j < c->places->len; j++) {
                hc_rsc_place *pl = c->places->pdata[j];

                if (pl->role && !strcmp(pl->role, "Promoted")) {
                    return pl->node;
                }
            }
        }
        return NULL;
    }
    if (r->places && r->places->len) {
        hc_rsc_place *pl = r->places->pdata[0];

        return pl->node;
    }
    return NULL;
}
