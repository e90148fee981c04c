/* What status_update.c shares with status.c, not part of the API. */
#ifndef HC_STATUS_INT_H
#define HC_STATUS_INT_H

#include "status.h"

/* Adds r's places (and its children's) to the nodes' running lists. */
void hc__status_add_running(hc_status *st, const hc_resource *r);

/* Recomputes st->cluster.warnings from the rest of the model. */
void hc__status_warnings(hc_status *st);

/* Adds the fencing warnings (fencing.c): off, no device, devices
 * failed, fences failed or pending. */
void hc__status_fence_warnings(hc_status *st);

/* Frees one hc_failed_action. */
void hc__status_failed_free(gpointer f);

#endif
