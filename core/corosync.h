/* Corosync membership, quorum and knet links, read through corosync's own
 * client libraries (quorum, votequorum, cfg, cmap and its stats map) and kept up to date by their
 * notifications.  The caller puts the file descriptors in its main loop and
 * calls hc_corosync_dispatch() when one is readable: nothing here polls. */
#ifndef HC_COROSYNC_H
#define HC_COROSYNC_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#define HC_CS_MAX_LINKS 8

typedef struct hc_cs_link {
    bool configured;        /* corosync reports this link number */
    bool enabled, connected;
    unsigned mtu;
    char *src, *dst;        /* addresses as corosync prints them */
} hc_cs_link;

typedef struct hc_cs_node {
    uint32_t nodeid;
    char *name;             /* nodelist.node.N.name, or NULL */
    bool member;            /* in the current membership */
    bool local;             /* this node */
    bool reachable;         /* knet: at least one link up (or local) */
    unsigned votes, expected;
    hc_cs_link links[HC_CS_MAX_LINKS];
} hc_cs_node;

typedef struct hc_cs_state {
    uint32_t local_nodeid;
    bool quorate;
    unsigned total_votes, expected_votes, quorum;
    bool two_node, wait_for_all;
    /* A quorum device (corosync-qdevice) registered with votequorum: alive
     * (its daemon reports), casting its vote (qnetd gave it), its votes
     * and model name (Net). */
    bool qdevice, qdevice_alive, qdevice_cast_vote;
    unsigned qdevice_votes;
    char qdevice_name[32];
    uint64_t ring_seq;
    GPtrArray *nodes;       /* hc_cs_node*, configured and member nodes */
} hc_cs_state;

typedef struct hc_corosync hc_corosync;

/* Connects to the local corosync.  changed(data) is called after each
 * notification has updated the state.  Returns 0, or a negative errno with
 * one line in *ret_err (g_free) when corosync is not running. */
int hc_corosync_connect(hc_corosync **ret, void (*changed)(void *),
                        void *data, char **ret_err);

/* The descriptors to watch for input; returns how many. */
#define HC_CS_MAX_FDS 5
int hc_corosync_fds(const hc_corosync *c, int fds[HC_CS_MAX_FDS]);

/* Handles what is pending on the connection.  Returns 0, or -ENOTCONN when
 * corosync went away (the caller frees the object and reconnects later). */
int hc_corosync_dispatch(hc_corosync *c);

/* The current state; owned by c and valid until the next dispatch. */
const hc_cs_state *hc_corosync_state(const hc_corosync *c);

void hc_corosync_free(hc_corosync *c);

/* The heuristics' last result in the output of corosync-qdevice-tool -s
 * ("Heuristics result:\tPass", -sv adds its parts): its first word,
 * escaped, or NULL when the output has none (g_free). */
char *hc_qdevice_heuristics_result(const char *tool);

/* Asks this node's corosync-qdevice for that result (corosync-qdevice-tool
 * -s, killed after timeout_ms: the tool waits on the daemon's socket, which
 * can hang).  NULL when the tool failed, timed out or says none: no quorum
 * device, or one without heuristics (g_free). */
char *hc_qdevice_heuristics_read(int timeout_ms);

#endif
