/* kea-dhcp4.conf for the clustered DHCP service, from the answers that
 * give dhcpd.conf (gen_dhcpd.h): Kea's lease-database (memfile) on the
 * shared filesystem with lease file cleanup, the floating IP as server
 * identifier, and dhcpd's shared-network of ERRATA 10 in Kea's terms: one
 * shared network on the service interface holding the nodes' own static
 * subnet and the service subnet with its pool. */
#ifndef HC_GEN_KEA_H
#define HC_GEN_KEA_H

#include <glib.h>

#include "gen_dhcpd.h"

typedef struct hc_kea_conf {
    /* The same answers as for dhcpd; dhcp.leases is Kea's lease file
     * (kea-leases4.csv). */
    hc_dhcpd_conf dhcp;
    unsigned lfc_interval;      /* seconds; 0: 3600 */
    /* Kea's unix control socket (statistics, lease commands); NULL or
     * "": none. */
    const char *control_socket;
} hc_kea_conf;

/* The service subnet's and the static subnet's subnet-id: fixed, because
 * every row of Kea's lease file names its subnet by id. */
#define HC_KEA_SERVICE_SUBNET_ID 1
#define HC_KEA_STATIC_SUBNET_ID 2

/* The file's text (g_free), or NULL with *ret_err when an address is not
 * IPv4, a name would need escaping, or a path is not absolute.  Its first
 * line starts with HC_DHCPD_CONF_MARK, as hacon's dhcpd.conf. */
char *hc_gen_kea_conf(const hc_kea_conf *c, char **ret_err);

#endif
