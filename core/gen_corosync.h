/* corosync.conf for corosync 3 (knet), as the wizard writes it: the
 * tutorial's bindnetaddr is corosync 1/2 (ERRATA row 1). */
#ifndef HC_GEN_COROSYNC_H
#define HC_GEN_COROSYNC_H

#include <glib.h>

typedef struct hc_corosync_conf {
    const char *cluster_name;
    const char *node_name[2];
    const char *ring0_addr[2];  /* the HA network addresses */
    const char *keyfile;        /* NULL: corosync's default authkey */
} hc_corosync_conf;

/* The file's text, newly allocated (g_free).  Two nodes, knet with
 * encryption, votequorum with two_node: 1. */
char *hc_gen_corosync_conf(const hc_corosync_conf *c);

/* corosync.conf read as corosync reads it: "name {" opens a section, "}"
 * closes it, "key: value" sets a key, a line starting with # is a
 * comment.  *ret gets "path.key" -> value (g_hash_table_unref), the path
 * being the sections' names, a "node" or "interface" section numbered
 * (nodelist.node.0.name).  Bad text is -EINVAL with its line in *ret_err
 * (g_free). */
int hc_corosync_conf_parse(const char *text, size_t len, GHashTable **ret,
                           char **ret_err);

/* Whether have (a corosync.conf on a node) makes the same cluster as want
 * (hacon's): the same cluster name, transport (knet when not said),
 * crypto, nodes (name, nodeid, ring0_addr, in any order) and votequorum
 * with two_node: 1, or instead a quorum device (quorum { device { model:
 * ... } }, as step fence's fencing=qdevice writes it); the rest (timeouts,
 * logging, comments, order) may
 * differ.  Returns NULL when it does, else what differs, in words (g_free);
 * a text that does not parse differs ("does not parse: ..."). */
char *hc_corosync_conf_differs(const char *have, size_t have_len,
                               const char *want, size_t want_len);

#endif
