/* The header: cluster, stack, DC, quorum, connection state and the
 * warnings that must stay visible whatever view is open. */
#include "sources.h"
#include "views.h"

#include <string.h>

static void add_token(GString *line, GPtrArray *out, int width,
                      const char *tok)
{
    if (line->len && (int) (line->len + 2 + strlen(tok)) > width) {
        g_ptr_array_add(out, g_strdup(line->str));
        g_string_truncate(line, 0);
    }
    if (line->len) {
        g_string_append(line, "  ");
    }
    g_string_append(line, tok);
}

/* Short forms of the warnings, so that several fit on one line. */
static GPtrArray *warning_lines(const hc_console *con, int width)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    GString *line = g_string_new(NULL);
    const hc_status *st = con->status;
    int leftover = 0, unclean = 0;
    hc_fence_summary fs;

    if (!st) {
        g_string_free(line, TRUE);
        return out;
    }
    for (guint i = 0; i < st->constraints->len; i++) {
        leftover += ((hc_constraint *) st->constraints->pdata[i])->leftover;
    }
    for (guint i = 0; i < st->nodes->len; i++) {
        unclean += ((hc_node *) st->nodes->pdata[i])->unclean;
    }
    hc_status_fence_summary(st, &fs);
    if (!st->cluster.stonith_enabled) {
        add_token(line, out, width, "! STONITH disabled");
    } else if (!fs.devices && !fs.watchdog) {
        add_token(line, out, width, "! STONITH: no fence device");
    } else if (!fs.works) {
        add_token(line, out, width, "! STONITH: no fence device runs");
    } else if (fs.failed) {
        add_token(line, out, width, "! fence device FAILED");
    }
    /* A fence in flight or failed is the first thing to see. */
    if (fs.first_pending) {
        char *n = hc_con_esc(con, fs.first_pending->target, 30);
        char *t = g_strdup_printf("! FENCING %s (pending)", n);

        add_token(line, out, width, t);
        g_free(t);
        g_free(n);
    }
    if (fs.last_failed) {
        char *n = hc_con_esc(con, fs.last_failed->target, 30);
        char *t = g_strdup_printf("! fence of %s FAILED", n);

        add_token(line, out, width, t);
        g_free(t);
        g_free(n);
    }
    if (st->cluster.no_quorum_policy
        && !strcmp(st->cluster.no_quorum_policy, "ignore")) {
        add_token(line, out, width, "! no-quorum-policy=ignore");
    }
    if (st->cluster.maintenance_mode) {
        add_token(line, out, width, "! maintenance mode");
    }
    if (st->cluster.stop_all_resources) {
        add_token(line, out, width, "! stop-all-resources");
    }
    if (leftover) {
        char *t = g_strdup_printf("! %d leftover move constraint%s (cli-*)",
                                  leftover, leftover > 1 ? "s" : "");

        add_token(line, out, width, t);
        g_free(t);
    }
    if (st->failed->len) {
        char *t = g_strdup_printf("! %u failed action%s", st->failed->len,
                                  st->failed->len > 1 ? "s" : "");

        add_token(line, out, width, t);
        g_free(t);
    }
    if (unclean) {
        char *t = g_strdup_printf("! %d node%s unclean", unclean,
                                  unclean > 1 ? "s" : "");

        add_token(line, out, width, t);
        g_free(t);
    }
    if (!st->cluster.have_dc && !con->cib_is_file) {
        add_token(line, out, width, "! no DC");
    }
    /* DRBD disagreeing with Pacemaker (core/drbd_cib). */
    for (guint i = 0; con->dsrc
         && i < hc_drbd_src_warnings(con->dsrc)->len; i++) {
        const char *w = hc_drbd_src_warnings(con->dsrc)->pdata[i];
        char *e = hc_con_esc(con, w, width > 12 ? (size_t) width - 4 : 8);
        char *t = g_strdup_printf("! %s", e);

        add_token(line, out, width, t);
        g_free(t);
        g_free(e);
    }
    if (line->len) {
        g_ptr_array_add(out, g_string_free(line, FALSE));
    } else {
        g_string_free(line, TRUE);
    }
    return out;
}

static void quorum_text(const hc_console *con, GString *q, hc_tone *tone)
{
    const hc_status *st = con->status;

    if (con->cs) {
        const hc_cs_state *cs = hc_corosync_state(con->cs);

        g_string_append_printf(q, "Quorum: %s, votes %u/%u (quorum %u)",
                               cs->quorate ? "yes" : "NO", cs->total_votes,
                               cs->expected_votes, cs->quorum);
        if (cs->two_node) {
            g_string_append(q, " two_node");
        }
        if (cs->wait_for_all) {
            g_string_append(q, " wait_for_all");
        }
        if (cs->qdevice) {
            g_string_append(q, cs->qdevice_cast_vote ? " qdevice"
                            : " qdevice(NO vote)");
        }
        *tone = cs->quorate ? HC_TONE_NORMAL : HC_TONE_BAD;
    } else if (st) {
        g_string_append_printf(q, "Quorum: %s (as the CIB says; %s)",
                               st->cluster.quorate ? "yes" : "NO",
                               con->cib_is_file ? "no corosync for a file"
                               : "corosync not connected");
        *tone = st->cluster.quorate ? HC_TONE_NORMAL : HC_TONE_BAD;
    } else {
        g_string_append(q, "Quorum: unknown");
        *tone = HC_TONE_WARN;
    }
}

/* name in at most room columns, with "..." in its middle when it is
 * longer (both ends of a file name say most). */
static char *ellipsize(const char *e, glong room)
{
    glong n = g_utf8_strlen(e, -1), head, tail;
    GString *m;

    if (n <= room) {
        return g_strdup(e);
    }
    head = room > 3 ? (room - 3) / 2 : 0;
    tail = room > 3 ? room - 3 - head : 0;
    m = g_string_new(NULL);
    g_string_append_len(m, e, g_utf8_offset_to_pointer(e, head) - e);
    g_string_append(m, "...");
    g_string_append(m, g_utf8_offset_to_pointer(e, n - tail));
    return g_string_free(m, FALSE);
}

/* The CIB's source ("file /a/long/path/cib.xml") in at most room
 * columns, so that the counts after it always fit: the file's base name,
 * then an ellipsis in its middle, then without the word "file". */
static char *short_source(const hc_console *con, int room)
{
    const char *src = con->cib_source ? con->cib_source : "";
    const char *sp = strchr(src, ' ');
    char *e = hc_con_esc(con, src, 0), *kind, *name, *out;
    const char *slash;

    if (g_utf8_strlen(e, -1) <= room || !sp) {
        out = ellipsize(e, room);
        g_free(e);
        return out;
    }
    g_free(e);
    slash = strrchr(sp, '/');
    out = g_strndup(src, (gsize) (sp - src));
    kind = hc_con_esc(con, out, 0);
    g_free(out);
    name = hc_con_esc(con, slash ? slash + 1 : sp + 1, 0);
    if ((glong) strlen(kind) + 1 + 8 <= room) {
        char *n2 = ellipsize(name, room - (glong) strlen(kind) - 1);

        out = g_strdup_printf("%s %s", kind, n2);
        g_free(n2);
    } else {
        out = ellipsize(name, room);
    }
    g_free(kind);
    g_free(name);
    return out;
}

/* "hacon  Cluster: NAME  Stack: S  DC: NODE  [read-only]". */
static void title_line(const hc_console *con, GPtrArray *lines)
{
    const hc_status *st = con->status;
    char *name = hc_con_esc(con, st ? st->cluster.name : NULL, 24);
    char *stack = hc_con_esc(con, st ? st->cluster.stack : NULL, 16);
    char *dc = hc_con_esc(con, st ? st->cluster.dc : NULL, 24);
    GString *l = g_string_new(NULL);

    g_string_append_printf(l, "hacon  Cluster: %s  Stack: %s  DC: %s",
                           *name ? name : "-", *stack ? stack : "-",
                           *dc ? dc : "none");
    if (con->read_only) {
        g_string_append(l, con->read_only_forced
                        ? "  [read-only: ACLs deny writes]" : "  [read-only]");
    }
    hc_line_add(lines, HC_TONE_TITLE, NULL, "%s", l->str);
    g_string_free(l, TRUE);
    g_free(name);
    g_free(stack);
    g_free(dc);
}

/* "CIB: SOURCE  Nodes: 2/2 online  Resources: 5  Failed: 0"; the counts
 * never fall off the line: the source gives way, down to nothing on a
 * very narrow terminal. */
static void counts_line(const hc_console *con, GPtrArray *lines, int width)
{
    const hc_status *st = con->status;
    int online = 0, room;
    char *counts;

    for (guint i = 0; i < st->nodes->len; i++) {
        online += ((hc_node *) st->nodes->pdata[i])->online;
    }
    counts = g_strdup_printf("Nodes: %d/%u online  Resources: %d  Failed: %u",
                             online, st->nodes->len, st->cluster.n_resources,
                             st->failed->len);
    room = width - (int) strlen("CIB: ") - 2 - (int) strlen(counts);
    if (room >= 8) {
        char *src = short_source(con, room);

        hc_line_add(lines, HC_TONE_NORMAL, NULL, "CIB: %s  %s", src, counts);
        g_free(src);
    } else {
        hc_line_add(lines, HC_TONE_NORMAL, NULL, "%s", counts);
    }
    g_free(counts);
}

/* The CIB's line: connecting, not connected (and why), or the counts. */
static void cib_line(const hc_console *con, GPtrArray *lines, int width)
{
    char *err;

    if (!con->cib_connected && !con->cib_error) {
        hc_line_add(lines, HC_TONE_WARN, NULL, "Connecting to the CIB...");
    } else if (!con->cib_connected) {
        err = hc_con_esc(con, con->cib_error, 0);
        hc_line_add(lines, HC_TONE_BAD, NULL, "! NOT CONNECTED (%s)%s: %s",
                    con->cib_is_file ? "waiting for the file" : "retrying",
                    con->status ? ", last state shown" : "",
                    *err ? err : "no CIB");
        g_free(err);
    } else if (con->status) {
        counts_line(con, lines, width);
    } else {
        err = hc_con_esc(con, con->cib_error, 0);
        hc_line_add(lines, HC_TONE_BAD, NULL, "! %s", err);
        g_free(err);
    }
}

int hc_header_build(const hc_console *con, GPtrArray *lines, int max,
                    int width)
{
    GString *l = g_string_new(NULL);
    hc_tone tone = HC_TONE_NORMAL;
    GPtrArray *warn;
    int n = 3;

    title_line(con, lines);
    quorum_text(con, l, &tone);
    hc_line_add(lines, tone, NULL, "%s", l->str);
    g_string_free(l, TRUE);
    cib_line(con, lines, width);
    warn = warning_lines(con, width);
    for (guint i = 0; i < warn->len && n < max; i++, n++) {
        hc_line_add(lines, HC_TONE_BAD, NULL, "%s",
                    (char *) warn->pdata[i]);
    }
    g_ptr_array_free(warn, TRUE);
    return n;
}
