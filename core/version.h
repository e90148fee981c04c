/* hacon's version and the OCF agents it ships, as built (from
 * debian/changelog and agents/, by the Makefile), and what another node
 * has of them. */
#ifndef HC_VERSION_H
#define HC_VERSION_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

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

/* What a node has of hacon, as the setup's check prints it there, one
 * line each:
 *   version V      `hacon --version` without "hacon " (empty: none)
 *   path P         the hacon on its PATH (empty: none)
 *   dpkg S         "ii 0.1.0": its package's state (empty: none)
 *   agent SUM      per agent of hc_agent_sums(), in that order: its
 *                  SHA-256, or "-" when the file is missing */
typedef struct hc_hacon_install {
    char *version;
    char *path;
    char *dpkg;
    char **sums;        /* one per agent, NULL-terminated */
} hc_hacon_install;

/* Parses that output (len bytes of buf, not NUL-terminated; untrusted).
 * An unknown or repeated line, a missing one, a checksum that is not 64
 * hex digits or "-", or too many or too few agents is an error with its
 * line in *ret_err.  Free *ret with hc_hacon_install_clear(). */
int hc_hacon_install_parse(const char *buf, size_t len,
                           hc_hacon_install *ret, char **ret_err);
void hc_hacon_install_clear(hc_hacon_install *h);

/* Whether h is this hacon: the same version and every agent's checksum.
 * why (may be NULL) gets what differs, in words. */
bool hc_hacon_install_same(const hc_hacon_install *h, GString *why);

#endif
