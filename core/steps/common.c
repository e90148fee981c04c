/* What several steps do alike: start a plan from the cluster's CIB, and
 * read the cluster's state to verify a step. */
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
