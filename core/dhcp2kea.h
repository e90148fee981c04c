/* From ISC dhcpd to ISC Kea: a dhcpd.conf (as hc_dhcp_conf reads it,
 * every statement recorded) translated into a kea-dhcp4.conf, and the
 * active leases of a dhcpd.leases written as Kea's memfile lease file, so
 * that every client keeps its address.
 *
 * Translated: shared-networks, subnets, ranges (also in pools), hosts
 * with hardware ethernet and fixed-address (Kea reservations), the
 * options Kea knows under the same name (routers, domain-name-servers,
 * domain-name, ...), server-identifier, authoritative, next-server,
 * filename and the lease times.  Handled otherwise (said in notes):
 * lease-file-name, ddns-update-style none, dhcp-cache-threshold,
 * option subnet-mask.  Everything else is listed in skipped with its file
 * and line, never dropped silently. */
#ifndef HC_DHCP2KEA_H
#define HC_DHCP2KEA_H

#include <stdint.h>
#include <glib.h>

#include "dhcpconf.h"
#include "leases.h"

typedef struct hc_dhcp2kea_opts {
    const char *source;         /* the dhcpd.conf's path, said at the top */
    const char *interface;      /* the interface Kea serves */
    const char *leases;         /* Kea's lease file */
    unsigned lfc_interval;      /* seconds; 0: 3600 */
    const char *control_socket; /* NULL or "": none */
} hc_dhcp2kea_opts;

typedef struct hc_dhcp2kea {
    char *text;             /* kea-dhcp4.conf */
    GPtrArray *skipped;     /* char*: "FILE:LINE: STATEMENT: why" */
    GPtrArray *notes;       /* char*: what Kea does instead */
    uint32_t *subnet_id;    /* per c->subnets: its Kea subnet-id */
    unsigned n_reservations;
} hc_dhcp2kea;

/* The first line of a translated file (the dhcp step keeps such a file,
 * as an admin's, while kea-dhcp4 -t accepts it). */
#define HC_DHCP2KEA_MARK "# Translated by hacon setup (step kea)"

/* Fills *k (hc_dhcp2kea_clear()).  -EINVAL with *ret_err when an option
 * is not plain enough for JSON, when the file declares no subnet, or when
 * an option is bad. */
int hc_dhcp2kea_translate(const hc_dhcp_conf *c, const hc_dhcp2kea_opts *o,
                          hc_dhcp2kea *k, char **ret_err);
void hc_dhcp2kea_clear(hc_dhcp2kea *k);

/* Kea's lease file (CSV with its header) holding the leases of t that are
 * active at now, each with the subnet-id of the subnet that holds it;
 * *ret_n gets their number.  A lease in no subnet of c is listed in
 * skipped (address and why) and left out. */
char *hc_dhcp2kea_leases(const hc_dhcp_conf *c, const hc_dhcp2kea *k,
                         const hc_lease_table *t, uint32_t now,
                         unsigned *ret_n, GPtrArray *skipped);

#endif
