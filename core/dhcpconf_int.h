/* What dhcpconf.c (dhcpd.conf) shares with dhcpconf_kea.c
 * (kea-dhcp4.conf), not part of the API. */
#ifndef HC_DHCPCONF_INT_H
#define HC_DHCPCONF_INT_H

#include "dhcpconf.h"

/* The includes one load reads at the most, in either syntax.  A file
 * that includes itself K times stops at the depth limit on every path,
 * but there are K^depth paths: the bound keeps such a load (and any
 * other with thousands of includes) short. */
#define HC_DHCP_MAX_INCLUDES 256

/* Records an error of file at line (at most 100 kept). */
void hc__dhcp_conf_error(hc_dhcp_conf *c, const char *file, uint32_t line,
                         const char *msg);

/* file, as kept in c->files (the pointer the ranges and errors hold). */
const char *hc__dhcp_conf_file(hc_dhcp_conf *c, const char *file);

/* Whether buf is Kea's JSON (its first token, past comments, is '{' or
 * an include) rather than dhcpd.conf. */
bool hc__kea_conf_detect(const char *buf, size_t len);

/* kea-dhcp4.conf into c: subnets (subnet4, also in shared-networks),
 * their pools as ranges, and the memfile's name as lease_file_name
 * (Kea's default when the memfile names none; NULL for a SQL database
 * or persist false).  Includes are read by read when follow_includes.
 * Errors are recorded in c->errors; returns 0. */
int hc__kea_conf_parse(hc_dhcp_conf *c, const char *buf, size_t len,
                       const char *file, bool follow_includes,
                       hc_dhcp_conf_reader read, void *read_data);

#endif
