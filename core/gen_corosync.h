/* corosync.conf for corosync 3 (knet), as the wizard writes it: the
 * tutorial's bindnetaddr is corosync 1/2 (ERRATA row 1). */
#ifndef HC_GEN_COROSYNC_H
#define HC_GEN_COROSYNC_H

#include <glib.h>

typedef struct hc_corosync_conf {
    const char *cluster_name;
    const char *node_name[2];
    const char *ring0_addr[2];  /* the HA network addresses */
    const char *keyfile;        /* NULL: corosync's default authkey */
} hc_corosync_conf;

/* The file's text, newly allocated (g_free).  Two nodes, knet with
 * encryption, votequorum with two_node: 1. */
char *hc_gen_corosync_conf(const hc_corosync_conf *c);

#endif
