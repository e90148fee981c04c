/* dhcpd.conf for the clustered DHCP service (ERRATA rows 9, 10): the
 * lease file on the shared filesystem, the floating IP as server
 * identifier, the nodes' own static subnet and the service subnet in one
 * shared-network, and the options an admin sets for the clients (routers,
 * DNS servers, domain name, lease times). */
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
    /* For the clients; NULL or "": not given.  Lists are comma-separated
     * IPv4 addresses.  The floating IP is no router unless named here. */
    const char *routers;
    const char *dns_servers;
    const char *domain_name;
    unsigned default_lease_time;    /* seconds; 0: 600 */
    unsigned max_lease_time;        /* seconds; 0: 7200 */
} hc_dhcpd_conf;

/* The first line of every file hacon writes starts so; a file without it
 * is the admin's. */
#define HC_DHCPD_CONF_MARK "# Written by hacon setup (step dhcp)"

/* The file's text (g_free), or NULL with *ret_err when an address is not
 * IPv4 or the domain name would need quoting. */
char *hc_gen_dhcpd_conf(const hc_dhcpd_conf *c, char **ret_err);

/* "a,b" as both servers' configurations write a list: "a, b"; NULL when
 * an item is not IPv4 (which also keeps every quote and backslash out of
 * Kea's JSON).  Free with g_free. */
char *hc_gen_ipv4_list(const char *list);

#endif
