/* hacon's version and the OCF agents it ships, as built (from
 * debian/changelog and agents/, by the Makefile). */
#ifndef HC_VERSION_H
#define HC_VERSION_H

#include <stddef.h>

/* "0.1.0": the version of this hacon, the same as its package's. */
const char *hc_version(void);

/* The agents this hacon ships, by name ("dhcpd"), with the SHA-256 of
 * each file as lowercase hex; *n gets their number. */
typedef struct hc_agent_sum {
    const char *name;
    const char *sha256;
} hc_agent_sum;
const hc_agent_sum *hc_agent_sums(size_t *n);

/* The directory the agents are installed in on every node. */
#define HC_AGENT_DIR "/usr/lib/ocf/resource.d/hacon"

#endif
