/* What several steps do alike: start a plan from the cluster's CIB, read
 * the cluster's state to verify a step, and name the DHCP server's
 * files. */
#include <string.h>

#include <crm/crm.h>
#include <crm/common/xml.h>

#include "status.h"
#include "steps/steps.h"

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
