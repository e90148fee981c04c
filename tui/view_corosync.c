/* Corosync: quorum, members, votes and the knet links of each node, as
 * votequorum and cfg report them (core/corosync.c). */
#include "views.h"

#include <string.h>

#include "sources.h"

/* The quorum device's heuristics, when it has them: their result at the
 * last membership change (fencing=qdevice's pass only on the node that
 * runs the service, whose half keeps qnetd's vote in a split). */
static void corosync_heuristics(hc_console *con, GPtrArray *lines)
{
    const char *h = hc_qdev_src_heuristics(con->qsrc);
    char *t;

    if (!h) {
        return;
    }
    t = hc_con_esc(con, h, 20);
    /* Fail on the node without the service: not a fault. */
    hc_line_add(lines, !strcmp(h, "Pass") ? HC_TONE_GOOD : HC_TONE_NORMAL,
                "  ",
                "Qdevice heuristics: %s (at the last membership change)", t);
    g_free(t);
}

static void corosync_build(hc_console *con, GPtrArray *lines, int width)
{
    const hc_cs_state *cs;

    if (!con->cs) {
        char *err = hc_con_esc(con, con->cs_error, 0);

        if (con->cib_is_file) {
            hc_line_add(lines, HC_TONE_DIM, NULL, "Corosync: not used; the "
                        "CIB is read from a file.");
        } else {
            hc_line_add(lines, HC_TONE_BAD, NULL, "Corosync: not connected"
                        "%s%s; retrying.", *err ? ": " : "", err);
        }
        g_free(err);
        return;
    }
    cs = hc_corosync_state(con->cs);
    hc_line_add(lines, cs->quorate ? HC_TONE_GOOD : HC_TONE_BAD, NULL,
                "Quorum: %s  votes %u of %u expected, quorum at %u  "
                "ring %llu", cs->quorate ? "yes" : "NO", cs->total_votes,
                cs->expected_votes, cs->quorum,
                (unsigned long long) cs->ring_seq);
    hc_line_add(lines, HC_TONE_NORMAL, NULL, "Flags: two_node=%d "
                "wait_for_all=%d", cs->two_node, cs->wait_for_all);
    if (cs->qdevice) {
        char *name = hc_con_esc(con, cs->qdevice_name, 30);

        if (cs->qdevice_cast_vote) {
            hc_line_add(lines, HC_TONE_GOOD, NULL, "Quorum device (%s): "
                        "connected, its vote counted (%u)", name,
                        cs->qdevice_votes);
        } else {
            hc_line_add(lines, HC_TONE_BAD, NULL, "Quorum device (%s): %s",
                        name, cs->qdevice_alive
                        ? "alive, NO vote (qnetd gave it none)"
                        : "NOT alive (does corosync-qdevice run?)");
        }
        g_free(name);
        corosync_heuristics(con, lines);
    }
    hc_line_add(lines, HC_TONE_TITLE, NULL, "Nodes");
    for (guint i = 0; i < cs->nodes->len; i++) {
        const hc_cs_node *n = cs->nodes->pdata[i];
        char *name = hc_con_esc(con, n->name ? n->name : "(no name)", 40);

        hc_line_add(lines, n->member ? HC_TONE_GOOD : HC_TONE_BAD, "  ",
                    "%u %s: %s, %u vote%s%s", n->nodeid, name,
                    n->member ? "member" : "NOT a member", n->votes,
                    n->votes == 1 ? "" : "s", n->local ? " (this node)" : "");
        for (int k = 0; k < HC_CS_MAX_LINKS; k++) {
            const hc_cs_link *l = &n->links[k];
            char *src, *dst;

            if (!l->configured || n->local) {
                continue;
            }
            src = hc_con_esc(con, l->src, 46);
            dst = hc_con_esc(con, l->dst, 46);
            hc_line_add(lines, l->connected ? HC_TONE_GOOD : HC_TONE_BAD,
                        "    ", "link %d: %s%s  %s -> %s  mtu %u", k,
                        l->connected ? "connected" : "DOWN",
                        l->enabled ? "" : " (disabled)", src, dst, l->mtu);
            g_free(src);
            g_free(dst);
        }
    }
}

static uint64_t corosync_digest(const hc_console *con)
{
    uint64_t h = HC_DIGEST_INIT;
    const hc_cs_state *cs;

    h = hc_digest_int(h, con->cs != NULL);
    h = hc_digest_str(h, con->cs_error);
    h = hc_digest_int(h, con->cib_is_file);
    if (!con->cs) {
        return h;
    }
    cs = hc_corosync_state(con->cs);
    h = hc_digest_int(h, cs->quorate | cs->two_node << 1
                      | cs->wait_for_all << 2 | cs->qdevice << 3
                      | cs->qdevice_alive << 4 | cs->qdevice_cast_vote << 5);
    h = hc_digest_int(h, cs->qdevice_votes);
    h = hc_digest_str(h, cs->qdevice_name);
    h = hc_digest_str(h, hc_qdev_src_heuristics(con->qsrc));
    h = hc_digest_int(h, cs->total_votes);
    h = hc_digest_int(h, cs->expected_votes);
    h = hc_digest_int(h, cs->quorum);
    h = hc_digest_int(h, (int64_t) cs->ring_seq);
    for (guint i = 0; i < cs->nodes->len; i++) {
        const hc_cs_node *n = cs->nodes->pdata[i];

        h = hc_digest_int(h, n->nodeid);
        h = hc_digest_str(h, n->name);
        h = hc_digest_int(h, n->member | n->local << 1 | n->reachable << 2);
        h = hc_digest_int(h, n->votes);
        for (int k = 0; k < HC_CS_MAX_LINKS; k++) {
            const hc_cs_link *l = &n->links[k];

            h = hc_digest_int(h, l->configured | l->enabled << 1
                              | l->connected << 2);
            h = hc_digest_int(h, l->mtu);
            h = hc_digest_str(h, l->src);
            h = hc_digest_str(h, l->dst);
        }
    }
    return h;
}

const hc_view hc_view_corosync = {
    .name = "Corosync", .key = '3',
    .build = corosync_build, .digest = corosync_digest,
};
