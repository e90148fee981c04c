/* DRBD next to Pacemaker: which cluster resource manages a DRBD resource
 * (ocf:linbit:drbd with drbd_resource=NAME), its promotable clone, the
 * node where the CIB's status says it is Promoted, the Filesystem that
 * mounts its device and the services placed with that filesystem; and
 * where DRBD's own state disagrees with that view, warnings for the
 * console's header. */
#ifndef HC_DRBD_CIB_H
#define HC_DRBD_CIB_H

#include <libxml/tree.h>
#include <glib.h>

#include "drbd.h"

typedef struct hc_drbd_cib_link {
    char *drbd_resource;   /* "r0" */
    char *primitive;       /* "drbd-r0" */
    char *clone;           /* its promotable clone / ms, or NULL */
    char *promoted_node;   /* from the status section, or NULL */
    char *filesystem;      /* the Filesystem primitive on its device */
    char *device;          /* that primitive's device= */
    char *mountpoint;      /* its directory= */
    GPtrArray *services;   /* char*: resources placed with the filesystem */
} hc_drbd_cib_link;

void hc_drbd_cib_link_free(hc_drbd_cib_link *l);

/* Fills links (a GPtrArray created with
 * g_ptr_array_new_with_free_func((GDestroyNotify)hc_drbd_cib_link_free))
 * with one entry per ocf:linbit:drbd primitive of the CIB.  d (may be
 * NULL) maps /dev/drbdN devices to resource names.  Returns 0 or -EINVAL
 * when cib is not a CIB. */
int hc_drbd_cib_links(xmlNode *cib, const hc_drbd *d, GPtrArray *links);

/* Appends to warnings (char*, g_free) every disagreement between the DRBD
 * state d, seen on node local_node, and the CIB: Primary where the clone
 * is not Promoted (and the reverse), StandAlone or split brain, an
 * Outdated or Inconsistent peer, a drbd-fence-by-handler-* constraint left
 * by crm-fence-peer, a Primary without an UpToDate disk.  Text is
 * sanitized (it comes from the cluster).  Returns 0 or -EINVAL. */
int hc_drbd_cib_warnings(xmlNode *cib, const hc_drbd *d,
                         const char *local_node, GPtrArray *warnings);

/* The same from a CIB file (tests, `hacon drbd --cib FILE`). */
int hc_drbd_cib_warnings_file(const char *path, const hc_drbd *d,
                              const char *local_node, GPtrArray *warnings);

/* For `hacon drbd --cib FILE`: appends the Pacemaker side of each DRBD
 * resource and the warnings, as text lines, or with json as the members
 * ,"pacemaker":[...],"warnings":[...] of an enclosing object.  Returns 0,
 * or a negative errno when the file cannot be read as a CIB. */
int hc_drbd_cib_report_file(const char *path, const hc_drbd *d,
                            const char *local_node, bool json,
                            GString *out);

#endif
