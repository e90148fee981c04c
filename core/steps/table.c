/* The guided setup's steps in the tutorial's order: the table the engine
 * (core/wizard.c) walks, and the only place that names every step.
 * hacon setup, the console's setup screen and hc_step_find() (by name,
 * or by number in this order) know a step from here alone.
 *
 * Adding a step: its file in core/steps/ (an hc_step, with the steps it
 * builds on in .needs), its extern in steps.h, and one line below. */
#include "steps/steps.h"

const hc_step *const hc_step_table[] = {
    &hc_step_preflight,
    &hc_step_cluster,
    &hc_step_fence,
    &hc_step_stonith,
    &hc_step_quorum,
    &hc_step_drbd,
    &hc_step_dhcp,
    &hc_step_resources,
    &hc_step_migrate,
    &hc_step_kea,
    NULL,
};
