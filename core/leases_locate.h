/* Where the cluster keeps the DHCP server's lease file and config: found
 * in the CIB from the server primitive's parameters (ocf:hacon:dhcpd,
 * ocf:heartbeat:dhcpd or ocf:hacon:kea-dhcp4) and the Filesystem resource whose mount point holds
 * the lease file, with the node that runs that filesystem. */
#ifndef HC_LEASES_LOCATE_H
#define HC_LEASES_LOCATE_H

#include <stdbool.h>
#include <libxml/tree.h>

typedef struct hc_leases_location {
    char *dhcpd_rsc;        /* the server's primitive id */
    char *agent;            /* "ocf:hacon:dhcpd", "ocf:hacon:kea-dhcp4" */
    bool kea;               /* the server is Kea */
    char *leases;           /* absolute path of the lease file; NULL when
                             * the config names it (Kea, or ocf:hacon:dhcpd
                             * without its leases parameter) */
    char *config;           /* dhcpd.conf or kea-dhcp4.conf path, NULL
                             * when not known */
    char *fs_rsc;           /* Filesystem primitive id, or NULL */
    char *fs_directory;     /* its mount point */
    char *fs_device;
    char *node;             /* node where fs_rsc (else dhcpd_rsc) runs, or
                             * NULL when stopped/unknown */
} hc_leases_location;

/* Looks through the CIB (root <cib> element, status section included when
 * present).  Returns 0 and fills *loc (free with
 * hc_leases_location_clear()), -ENOENT when there is no DHCP server
 * primitive. */
int hc_leases_locate(xmlNode *cib, hc_leases_location *loc);
void hc_leases_location_clear(hc_leases_location *loc);

/* "leases on /data (fs_data, running on nodeone)", or where the config
 * names the file, "leases named in /etc/kea/kea-dhcp4.conf (dhcp, running
 * on nodeone)": newly allocated. */
char *hc_leases_location_describe(const hc_leases_location *loc);

#endif
