/* dhcpd.conf for the clustered DHCP service (ERRATA rows 9, 10): the
 * lease file on the shared filesystem, the floating IP as server
 * identifier, the nodes' own static subnet and the service subnet in one
 * shared-network. */
#ifndef HC_GEN_DHCPD_H
#define HC_GEN_DHCPD_H

#include <glib.h>

typedef struct hc_dhcpd_conf {
    const char *interface;      /* names the shared-network */
    const char *vip;
    unsigned vip_prefix;
    const char *static_net;     /* "A.B.C.D/N" of the nodes on interface */
    const char *range_start, *range_end;
    const char *leases;
} hc_dhcpd_conf;

/* The file's text (g_free), or NULL with *ret_err when an address is not
 * IPv4. */
char *hc_gen_dhcpd_conf(const hc_dhcpd_conf *c, char **ret_err);

#endif
