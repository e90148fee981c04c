/* Constraints in words ("dhcp runs where fs_data runs"), grouped by kind,
 * with what a move left behind (cli-prefer-*, cli-ban-*) marked. */
#include "views.h"

#include <string.h>

/* hc_constraint_describe() escapes for UTF-8 terminals already; for an
 * ASCII terminal only the bytes above ASCII still need \xNN (escaping the
 * whole text again would double its backslashes). */
static char *ascii_only(const char *s)
{
    GString *out = g_string_new(NULL);

    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
        if (*p < 0x80) {
            g_string_append_c(out, (char) *p);
        } else {
            g_string_append_printf(out, "\\x%02x", *p);
        }
    }
    return g_string_free(out, FALSE);
}

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
            words = hc_constraint_describe(c);
            shown = con->ascii ? ascii_only(words) : g_strdup(words);
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
    .name = "Constraints", .key = '2',
    .build = constraints_build, .digest = constraints_digest,
};
