/* r0.res for DRBD 8.4 or 9, as the wizard writes it: one valid file (the
 * tutorial's is split, ERRATA row 4), fencing and the crm-fence-peer
 * handlers in the syntax of the installed DRBD (row 5), no
 * allow-two-primaries (row 6). */
#ifndef HC_GEN_DRBD_H
#define HC_GEN_DRBD_H

#include <glib.h>

typedef enum hc_drbd_version {
    HC_DRBD_84,
    HC_DRBD_9,
} hc_drbd_version;

typedef struct hc_drbd_res {
    const char *name;           /* r0 */
    const char *device;         /* /dev/drbd1 */
    const char *disk;           /* /dev/sdb1 */
    unsigned port;              /* 7789 */
    const char *node_name[2];
    const char *address[2];     /* on the HA network */
} hc_drbd_res;

/* The file's text, newly allocated (g_free). */
char *hc_gen_drbd_res(const hc_drbd_res *r, hc_drbd_version v);

#endif
