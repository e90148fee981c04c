/* What the failover test and the dhcp step read of Kea's files: the lease
 * file a kea-dhcp4.conf names, and the leases of Kea's memfile (CSV) as
 * the failover test compares them.  Kea's own lease rows are kept as
 * hc_fo_lease: address, hardware address, active, expiry. */
#ifndef HC_KEA_READ_H
#define HC_KEA_READ_H

#include <stddef.h>
#include <stdint.h>
#include <glib.h>

/* The lease file of a kea-dhcp4.conf: lease-database's "name", NULL
 * (g_free) when it names none (Kea's default place) or is no memfile. */
char *hc_kea_conf_lease_file(const char *text, size_t len);

/* Kea's memfile rows (the lease files concatenated in the order Kea
 * reads them: .2, .1, the file: a later row for an address supersedes an
 * earlier one; header lines skipped) as hc_fo_lease (failover.h), one
 * per address in the order first seen; active: state 0 and its expire
 * after now.  A row that is not a lease row is skipped and counted in
 * *ret_bad (may be NULL) with the first one's line in *ret_bad_line. */
void hc_kea_csv_leases(const char *buf, size_t len, uint32_t now,
                       GArray *out, unsigned *ret_bad,
                       unsigned *ret_bad_line);

#endif
