#include "corosync.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <corosync/cfg.h>
#include <corosync/cmap.h>
#include <corosync/corotypes.h>
#include <corosync/quorum.h>
#include <corosync/votequorum.h>

#include "exec.h"
#include "util.h"

struct hc_corosync {
    votequorum_handle_t vq;
    corosync_cfg_handle_t cfg;
    cmap_handle_t cmap;
    cmap_track_handle_t track;
    bool have_vq, have_cfg, have_cmap, have_track;
    /* libquorum: quorate and the member list, as Pacemaker itself hears
     * them (votequorum adds votes and flags). */
    quorum_handle_t q;
    bool have_q;
    /* The stats map: one tracker per knet link's "connected" key, which
     * corosync checks and reports when it changes; a link that goes down
     * while another one stays up changes no membership. */
    cmap_handle_t stats;
    bool have_stats;
    GArray *link_tracks;    /* cmap_track_handle_t */
    hc_cs_state st;
    void (*changed)(void *);
    void *data;
};

/* votequorum's and cmap's callbacks carry a 64-bit context, not a pointer
 * we could trust across versions; one connection per process is enough. */
static hc_corosync *current;

static void cs_node_free(gpointer p)
{
    hc_cs_node *n = p;

    for (int i = 0; i < HC_CS_MAX_LINKS; i++) {
        g_free(n->links[i].src);
        g_free(n->links[i].dst);
    }
    g_free(n->name);
    g_free(n);
}

static hc_cs_node *node_get(hc_corosync *c, uint32_t id)
{
    hc_cs_node *n;

    for (guint i = 0; i < c->st.nodes->len; i++) {
        n = c->st.nodes->pdata[i];
        if (n->nodeid == id) {
            return n;
        }
    }
    n = g_new0(hc_cs_node, 1);
    n->nodeid = id;
    g_ptr_array_add(c->st.nodes, n);
    return n;
}

static gint node_cmp(gconstpointer a, gconstpointer b)
{
    const hc_cs_node *x = *(hc_cs_node *const *) a;
    const hc_cs_node *y = *(hc_cs_node *const *) b;

    return x->nodeid < y->nodeid ? -1 : x->nodeid > y->nodeid;
}

/* The configured nodes and their names (corosync.conf's nodelist). */
static void read_nodelist(hc_corosync *c)
{
    cmap_iter_handle_t it;
    char key[CMAP_KEYNAME_MAXLEN + 1];
    size_t len;
    cmap_value_types_t type;

    if (!c->have_cmap
        || cmap_iter_init(c->cmap, "nodelist.node.", &it) != CS_OK) {
        return;
    }
    while (cmap_iter_next(c->cmap, it, key, &len, &type) == CS_OK) {
        unsigned idx;
        char rest[CMAP_KEYNAME_MAXLEN + 1];
        char k2[CMAP_KEYNAME_MAXLEN + 16];
        uint32_t id;
        char *name = NULL;
        hc_cs_node *n;

        if (sscanf(key, "nodelist.node.%u.%255s", &idx, rest) != 2
            || strcmp(rest, "nodeid") != 0) {
            continue;
        }
        if (cmap_get_uint32(c->cmap, key, &id) != CS_OK) {
            continue;
        }
        n = node_get(c, id);
        snprintf(k2, sizeof(k2), "nodelist.node.%u.name", idx);
        if (cmap_get_string(c->cmap, k2, &name) != CS_OK) {
            snprintf(k2, sizeof(k2), "nodelist.node.%u.ring0_addr", idx);
            if (cmap_get_string(c->cmap, k2, &name) != CS_OK) {
                name = NULL;
            }
        }
        if (name) {
            g_free(n->name);
            n->name = g_strdup(name);
            free(name);
        }
    }
    cmap_iter_finalize(c->cmap, it);
}

/* Votes, quorum and flags (votequorum_getinfo), links (cfg). */
static void read_details(hc_corosync *c)
{
    struct votequorum_info info;

    if (c->have_vq
        && votequorum_getinfo(c->vq, 0 /* this node */, &info) == CS_OK) {
        c->st.local_nodeid = info.node_id;
        c->st.quorate = info.flags & VOTEQUORUM_INFO_QUORATE;
        c->st.two_node = info.flags & VOTEQUORUM_INFO_TWONODE;
        c->st.wait_for_all = info.flags & VOTEQUORUM_INFO_WAIT_FOR_ALL;
        c->st.qdevice = info.flags & VOTEQUORUM_INFO_QDEVICE_REGISTERED;
        c->st.qdevice_alive = info.flags & VOTEQUORUM_INFO_QDEVICE_ALIVE;
        c->st.qdevice_cast_vote = info.flags
                                  & VOTEQUORUM_INFO_QDEVICE_CAST_VOTE;
        c->st.qdevice_votes = c->st.qdevice ? info.qdevice_votes : 0;
        g_strlcpy(c->st.qdevice_name, c->st.qdevice ? info.qdevice_name : "",
                  sizeof(c->st.qdevice_name));
        c->st.total_votes = info.total_votes;
        c->st.expected_votes = info.highest_expected;
        c->st.quorum = info.quorum;
    }
    for (guint i = 0; i < c->st.nodes->len; i++) {
        hc_cs_node *n = c->st.nodes->pdata[i];
        struct corosync_cfg_node_status_v1 ns;

        n->local = n->nodeid == c->st.local_nodeid;
        if (c->have_vq && votequorum_getinfo(c->vq, n->nodeid, &info) == CS_OK) {
            n->votes = info.node_votes;
            n->expected = info.node_expected_votes;
        }
        if (!c->have_cfg) {
            continue;
        }
        memset(&ns, 0, sizeof(ns));
        ns.version = CFG_NODE_STATUS_V1;
        if (corosync_cfg_node_status_get(c->cfg, n->nodeid,
                                         CFG_NODE_STATUS_V1, &ns) != CS_OK) {
            continue;
        }
        n->reachable = ns.reachable;
        for (int l = 0; l < HC_CS_MAX_LINKS && l < CFG_MAX_LINKS; l++) {
            hc_cs_link *k = &n->links[l];
            const struct corosync_knet_link_status_v1 *s = &ns.link_status[l];

            g_free(k->src);
            g_free(k->dst);
            k->src = k->dst = NULL;
            k->configured = s->enabled || s->connected || s->src_ipaddr[0];
            k->enabled = s->enabled;
            k->connected = s->connected;
            k->mtu = s->mtu;
            if (k->configured) {
                k->src = g_strndup(s->src_ipaddr, sizeof(s->src_ipaddr));
                k->dst = g_strndup(s->dst_ipaddr, sizeof(s->dst_ipaddr));
            }
        }
    }
    g_ptr_array_sort(c->st.nodes, node_cmp);
}

static void notify(hc_corosync *c)
{
    read_details(c);
    if (c->changed) {
        c->changed(c->data);
    }
}

static void on_nodelist(votequorum_handle_t h, uint64_t ctx,
                        votequorum_ring_id_t ring, uint32_t n, uint32_t ids[])
{
    hc_corosync *c = current;

    if (!c) {
        return;
    }
    c->st.ring_seq = ring.seq;
    for (guint i = 0; i < c->st.nodes->len; i++) {
        ((hc_cs_node *) c->st.nodes->pdata[i])->member = false;
    }
    for (uint32_t i = 0; i < n; i++) {
        node_get(c, ids[i])->member = true;
    }
    notify(c);
}

static void on_quorum(votequorum_handle_t h, uint64_t ctx, uint32_t quorate,
                      uint32_t n, votequorum_node_t nodes[])
{
    hc_corosync *c = current;

    if (!c) {
        return;
    }
    c->st.quorate = quorate;
    for (uint32_t i = 0; i < n; i++) {
        node_get(c, nodes[i].nodeid)->member =
            nodes[i].state == VOTEQUORUM_NODESTATE_MEMBER;
    }
    notify(c);
}

static void on_expected(votequorum_handle_t h, uint64_t ctx, uint32_t ev)
{
    if (current) {
        current->st.expected_votes = ev;
        notify(current);
    }
}

/* A change of the nodelist or of the runtime members (a link that comes or
 * goes on one of several links changes no membership, but knet's view of
 * members in cmap). */
static void track_links(hc_corosync *c);

static void on_cmap(cmap_handle_t h, cmap_track_handle_t t, int32_t event,
                    const char *key, struct cmap_notify_value nv,
                    struct cmap_notify_value ov, void *data)
{
    if (current) {
        read_nodelist(current);
        notify(current);
        track_links(current);
    }
}

/* A knet link's connected flag changed: re-read the links. */
static void on_link(cmap_handle_t h, cmap_track_handle_t t, int32_t event,
                    const char *key, struct cmap_notify_value nv,
                    struct cmap_notify_value ov, void *data)
{
    if (current) {
        notify(current);
    }
}

static void untrack_links(hc_corosync *c)
{
    for (guint i = 0; c->link_tracks && i < c->link_tracks->len; i++) {
        cmap_track_delete(c->stats, g_array_index(c->link_tracks,
                                                  cmap_track_handle_t, i));
    }
    if (c->link_tracks) {
        g_array_set_size(c->link_tracks, 0);
    }
}

/* Corosync's stats map tracks single keys only (a prefix tracks keys that
 * come and go, not their values): one tracker per link of each other
 * node. */
static void track_links(hc_corosync *c)
{
    if (!c->have_stats) {
        return;
    }
    untrack_links(c);
    for (guint i = 0; i < c->st.nodes->len; i++) {
        const hc_cs_node *n = c->st.nodes->pdata[i];

        for (int l = 0; l < HC_CS_MAX_LINKS && !n->local; l++) {
            char key[CMAP_KEYNAME_MAXLEN];
            cmap_track_handle_t t;

            if (!n->links[l].configured) {
                continue;
            }
            snprintf(key, sizeof(key), "stats.knet.node%" PRIu32
                     ".link%d.connected", n->nodeid, l);
            if (cmap_track_add(c->stats, key, CMAP_TRACK_MODIFY, on_link,
                               NULL, &t) == CS_OK) {
                g_array_append_val(c->link_tracks, t);
            }
        }
    }
}

/* libquorum: whether this partition is quorate and who is in it. */
static void on_q_quorum(quorum_handle_t h, uint32_t quorate,
                        struct quorum_ring_id ring, uint32_t n,
                        const uint32_t *members)
{
    hc_corosync *c = current;

    if (!c) {
        return;
    }
    c->st.quorate = quorate;
    c->st.ring_seq = ring.seq;
    for (guint i = 0; i < c->st.nodes->len; i++) {
        ((hc_cs_node *) c->st.nodes->pdata[i])->member = false;
    }
    for (uint32_t i = 0; i < n; i++) {
        node_get(c, members[i])->member = true;
    }
    notify(c);
}

static void on_q_nodelist(quorum_handle_t h, struct quorum_ring_id ring,
                          uint32_t n, const uint32_t *members,
                          uint32_t nj, const uint32_t *joined,
                          uint32_t nl, const uint32_t *left)
{
    on_q_quorum(h, current ? current->st.quorate : 0, ring, n, members);
    if (current && nj) {
        /* A node that joins may bring links to track. */
        track_links(current);
    }
}

int hc_corosync_connect(hc_corosync **ret, void (*changed)(void *),
                        void *data, char **ret_err)
{
    votequorum_callbacks_t vcb = {
        .votequorum_quorum_notify_fn = on_quorum,
        .votequorum_expectedvotes_notify_fn = on_expected,
        .votequorum_nodelist_notify_fn = on_nodelist,
    };
    corosync_cfg_callbacks_t ccb = { 0 };
    hc_corosync *c = g_new0(hc_corosync, 1);
    cs_error_t rc;

    *ret = NULL;
    c->st.nodes = g_ptr_array_new_with_free_func(cs_node_free);
    c->changed = changed;
    c->data = data;
    rc = votequorum_initialize(&c->vq, &vcb);
    if (rc != CS_OK) {
        if (ret_err) {
            *ret_err = g_strdup_printf("corosync is not running "
                                       "(votequorum: error %d)", rc);
        }
        hc_corosync_free(c);
        return -ENOTCONN;
    }
    c->have_vq = true;
    current = c;
    if (votequorum_trackstart(c->vq, 0, CS_TRACK_CHANGES) != CS_OK) {
        if (ret_err) {
            *ret_err = g_strdup("corosync refused quorum tracking");
        }
        hc_corosync_free(c);
        return -EIO;
    }
    c->have_cfg = corosync_cfg_initialize(&c->cfg, &ccb) == CS_OK;
    c->have_cmap = cmap_initialize(&c->cmap) == CS_OK;
    if (c->have_cmap) {
        c->have_track = cmap_track_add(c->cmap, "nodelist.",
                                       CMAP_TRACK_ADD | CMAP_TRACK_DELETE
                                       | CMAP_TRACK_MODIFY | CMAP_TRACK_PREFIX,
                                       on_cmap, NULL, &c->track) == CS_OK;
    }
    {
        quorum_model_v1_data_t qm = {
            .model = QUORUM_MODEL_V1,
            .quorum_notify_fn = on_q_quorum,
            .nodelist_notify_fn = on_q_nodelist,
        };
        uint32_t qtype = 0;

        c->have_q = quorum_model_initialize(&c->q, QUORUM_MODEL_V1,
                                            (quorum_model_data_t *) &qm,
                                            &qtype, NULL) == CS_OK;
        if (c->have_q && quorum_trackstart(c->q, CS_TRACK_CHANGES) != CS_OK) {
            quorum_finalize(c->q);
            c->have_q = false;
        }
    }
    c->link_tracks = g_array_new(FALSE, FALSE, sizeof(cmap_track_handle_t));
    c->have_stats = cmap_initialize_map(&c->stats, CMAP_MAP_STATS) == CS_OK;
    read_nodelist(c);
    read_details(c);
    track_links(c);
    *ret = c;
    return 0;
}

int hc_corosync_fds(const hc_corosync *c, int fds[HC_CS_MAX_FDS])
{
    int n = 0, fd;

    if (c->have_q && quorum_fd_get(c->q, &fd) == CS_OK) {
        fds[n++] = fd;
    }
    if (c->have_stats && cmap_fd_get(c->stats, &fd) == CS_OK) {
        fds[n++] = fd;
    }
    if (c->have_vq && votequorum_fd_get(c->vq, &fd) == CS_OK) {
        fds[n++] = fd;
    }
    if (c->have_cfg && corosync_cfg_fd_get(c->cfg, &fd) == CS_OK) {
        fds[n++] = fd;
    }
    if (c->have_cmap && cmap_fd_get(c->cmap, &fd) == CS_OK) {
        fds[n++] = fd;
    }
    return n;
}

int hc_corosync_dispatch(hc_corosync *c)
{
    if (c->have_vq && votequorum_dispatch(c->vq, CS_DISPATCH_ALL) != CS_OK) {
        return -ENOTCONN;
    }
    if (c->have_cfg
        && corosync_cfg_dispatch(c->cfg, CS_DISPATCH_ALL) != CS_OK) {
        return -ENOTCONN;
    }
    if (c->have_cmap && cmap_dispatch(c->cmap, CS_DISPATCH_ALL) != CS_OK) {
        return -ENOTCONN;
    }
    if (c->have_q && quorum_dispatch(c->q, CS_DISPATCH_ALL) != CS_OK) {
        return -ENOTCONN;
    }
    if (c->have_stats && cmap_dispatch(c->stats, CS_DISPATCH_ALL) != CS_OK) {
        return -ENOTCONN;
    }
    return 0;
}

const hc_cs_state *hc_corosync_state(const hc_corosync *c)
{
    return &c->st;
}

void hc_corosync_free(hc_corosync *c)
{
    if (!c) {
        return;
    }
    if (current == c) {
        current = NULL;
    }
    if (c->have_track) {
        cmap_track_delete(c->cmap, c->track);
    }
    if (c->have_stats) {
        untrack_links(c);
        cmap_finalize(c->stats);
    }
    if (c->link_tracks) {
        g_array_free(c->link_tracks, TRUE);
    }
    if (c->have_q) {
        quorum_finalize(c->q);
    }
    if (c->have_cmap) {
        cmap_finalize(c->cmap);
    }
    if (c->have_cfg) {
        corosync_cfg_finalize(c->cfg);
    }
    if (c->have_vq) {
        votequorum_finalize(c->vq);
    }
    g_ptr_array_free(c->st.nodes, TRUE);
    g_free(c);
}

char *hc_qdevice_heuristics_result(const char *tool)
{
    static const char key[] = "Heuristics result:";
    char **lines = g_strsplit(tool ? tool : "", "\n", -1);
    char *result = NULL;

    for (char **l = lines; *l && !result; l++) {
        if (!strncmp(*l, key, strlen(key))) {
            const char *v = *l + strlen(key);
            char *word;

            v += strspn(v, " \t");
            word = g_strndup(v, strcspn(v, " \t\r"));
            if (*word) {
                result = hc_escape(word, 20);
            }
            g_free(word);
        }
    }
    g_strfreev(lines);
    return result;
}

char *hc_qdevice_heuristics_read(int timeout_ms)
{
    const char *argv[] = { "corosync-qdevice-tool", "-s", NULL };
    hc_exec_opts o = { .timeout_ms = timeout_ms };
    hc_exec_result r = { 0 };
    char *result = NULL;

    if (hc_exec(argv, &o, &r) == 0 && r.out) {
        result = hc_qdevice_heuristics_result(r.out);
    }
    hc_exec_result_clear(&r);
    return result;
}
