/* The tutorial's steps, one file each, in the table of table.c; what
 * several steps share is in common.c. */
#ifndef HC_STEPS_H
#define HC_STEPS_H

#include "cib.h"
#include "status.h"
#include "wizard.h"

extern const hc_step hc_step_preflight;
extern const hc_step hc_step_cluster;
extern const hc_step hc_step_fence;
extern const hc_step hc_step_stonith;
extern const hc_step hc_step_quorum;
extern const hc_step hc_step_drbd;
extern const hc_step hc_step_dhcp;
extern const hc_step hc_step_resources;
extern const hc_step hc_step_migrate;
extern const hc_step hc_step_kea;

/* dhcp_server=kea: ISC Kea serves instead of dhcpd. */
bool hc_steps_kea(const hc_wizard *w);
/* The DHCP server's configuration and lease file: the answers dhcpd_conf
 * and leases, or kea_conf and kea_leases with dhcp_server=kea. */
const char *hc_steps_dhcp_conf(const hc_wizard *w);
const char *hc_steps_dhcp_leases(const hc_wizard *w);

/* The service's primitive in the CIB runs dhcpd (ocf:*:dhcpd) while
 * dhcp_server=kea is answered: the migration (step kea) is to do, which
 * the dhcp and resources steps leave to it. */
bool hc_steps_kea_pending(hc_wizard *w);
/* The service's primitive as the resources step writes it (XML text,
 * g_free). */
char *hc_steps_service_xml(hc_wizard *w);
/* Plans, on node (NULL: here), stopping the packaged kea-dhcp4-server's
 * Kea and disabling it at boot, when it is enabled or runs. */
int hc_steps_plan_packaged_kea(hc_wizard *w, hc_plan *p, const char *node,
                               char **ret_err);
/* Step fence's readers, for its fuzz target. */
typedef struct hc_fence_param {
    char *name;
    bool required;
    bool deprecated;
} hc_fence_param;
/* A fence agent's meta-data (`AGENT -o metadata`): its parameters
 * (hc_fence_param*, freed with the array), or -EINVAL when it is not XML. */
int hc_fence_meta_params(const char *xml, size_t len, GPtrArray **ret);
/* From the text of fence_secret_file, the secret of a node: the line
 * "num=..." or "name=...", else the first line without "=", else NULL
 * (g_free after clearing it). */
char *hc_fence_secret_pick(const char *text, const char *num,
                           const char *name);
/* corosync.conf with two_node (and wait_for_all) in its quorum section
 * replaced by a quorum device of corosync-qnetd on qnetd, with hacon's
 * heuristics; a quorum device already there keeps its own settings and
 * gets the heuristics when it has none (g_free). */
char *hc_fence_qdevice_conf(const char *conf, const char *qnetd);
/* The heuristics script of that quorum device (g_free): exit 0 only on
 * the node where the service (HC_SERVICE_RSC, else fs_data) runs. */
char *hc_fence_qdevice_heuristics(void);
/* Where step fence puts it on both nodes. */
#define HC_QDEVICE_HEURISTICS "/etc/corosync/qdevice/hacon-service-here"
/* The votes of the quorum device's "Qdevice" line in the output of
 * corosync-quorumtool -s, or -1 when it has none. */
int hc_fence_qdevice_votes(const char *quorumtool);

/* The resource that carries the service when it moves (the promoted DRBD
 * clone, or the filesystem on a shared disk), and the service itself. */
const char *hc_steps_anchor(const hc_wizard *w);
#define HC_SERVICE_RSC "dhcp"

/* A plan that changes the CIB: p->cib_old is the cluster's CIB (or the
 * CIB file), p->cib_new a copy for the step to change. */
int hc_steps_plan_cib(hc_wizard *w, hc_plan *p, char **ret_err);

/* The cluster's state as libpe_status computes it from its CIB now
 * (hc_status_free). */
int hc_steps_status(hc_wizard *w, hc_status **ret, char **ret_err);

/* The node where dhcp, fs_data, testnet (and the promoted DRBD) all run,
 * or NULL (g_free); where gets where each is ("dhcp nodeone, fs_data
 * stopped, ..."), for progress and errors. */
char *hc_steps_placed_on(hc_wizard *w, const hc_status *st, GString *where);

/* Waits (live cluster) or simulates (CIB file) until the service runs
 * with its filesystem and address on one node, and on want_node when it
 * is not NULL.  *ret_node (may be NULL) gets that node (g_free). */
int hc_steps_wait_placed(hc_wizard *w, const char *want_node,
                         char **ret_node, char **ret_err);

/* hc_wizard_detect()'s part of the drbd step: storage and shared_disk. */
int hc_steps_detect_storage(hc_wizard *w);

#endif
