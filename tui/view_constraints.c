/* Constraints in words ("dhcp runs where fs_data runs"), grouped by kind,
 * with what a move left behind (cli-prefer-*, cli-ban-*) marked. */
#include "console.h"

#include <string.h>

static void constraints_build(hc_console *con, GPtrArray *lines, int width)
{
    static const hc_cons_kind order[] = {
        HC_CONS_LOCATION, HC_CONS_COLOCATION, HC_CONS_ORDER, HC_CONS_TICKET,
    };
    static const char *const title[] = {
        "Location", "Colocation", "Order", "Ticket",
    };
    const hc_status *st = con->status;

    if (!st) {
        hc_line_add(lines, HC_TONE_WARN, NULL, "No cluster status yet.");
        return;
    }
    if (!st->constraints->len) {
        hc_line_add(lines, HC_TONE_DIM, NULL, "No constraints configured.");
        return;
    }
    for (size_t k = 0; k < G_N_ELEMENTS(order); k++) {
        bool any = false;

        for (guint i = 0; i < st->constraints->len; i++) {
            const hc_constraint *c = st->constraints->pdata[i];
            char *words, *id, *shown;

            if (c->kind != order[k]) {
                continue;
            }
            if (!any) {
                hc_line_add(lines, HC_TONE_TITLE, NULL, "%s", title[k]);
                any = true;
            }
            /* hc_constraint_describe() escapes for UTF-8 terminals; the
             * ASCII form of that is the same text with \xNN for the
             * bytes above ASCII. */
            words = hc_constraint_describe(c);
            shown = con->ascii ? hc_con_esc(con, words, 0) : g_strdup(words);
            id = hc_con_esc(con, c->id, 40);
            if (c->leftover) {
                char *rsc = hc_con_esc(con, c->rsc, 40);

                /* The mark first, so that it shows on a narrow screen. */
                hc_line_add(lines, HC_TONE_WARN, "  ", "LEFT BY A MOVE: %s",
                            shown);
                hc_line_add(lines, HC_TONE_WARN, "    ", "[%s] remove with "
                            "crm_resource --clear -r %s", id, rsc);
                g_free(rsc);
            } else {
                hc_line_add(lines, HC_TONE_NORMAL, "  ", "%s  [%s]", shown,
                            id);
            }
            g_free(words);
            g_free(shown);
            g_free(id);
        }
    }
}

static uint64_t constraints_digest(const hc_console *con)
{
    uint64_t h = HC_DIGEST_INIT;

    if (!con->status) {
        return h;
    }
    for (guint i = 0; i < con->status->constraints->len; i++) {
        const hc_constraint *c = con->status->constraints->pdata[i];

        h = hc_digest_int(h, c->kind | c->leftover << 4);
        h = hc_digest_str(h, c->id);
        h = hc_digest_str(h, c->rsc);
        h = hc_digest_str(h, c->rsc_role);
        h = hc_digest_str(h, c->with_rsc);
        h = hc_digest_str(h, c->with_role);
        h = hc_digest_str(h, c->node);
        h = hc_digest_str(h, c->score);
        h = hc_digest_str(h, c->action);
        h = hc_digest_str(h, c->with_action);
        h = hc_digest_str(h, c->kind_str);
        h = hc_digest_str(h, c->sets);
        h = hc_digest_str(h, c->expires);
    }
    return hc_digest_int(h, con->status->constraints->len);
}

const hc_view hc_view_constraints = {
    "Constraints", '2', constraints_build, constraints_digest,
};
