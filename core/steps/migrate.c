/* Step 8: move the service to the other node and back to normal.  The
 * tutorial's "migrate" leaves a cli-prefer location constraint that pins
 * the service until it is cleared (ERRATA row 18): hacon follows the move
 * until the service runs there, then clears it (answer move_clear), and
 * lists and clears cli-prefer/cli-ban leftovers of any tool. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <crm/crm.h>
#include <crm/common/xml.h>

#include "status.h"
#include "util.h"
#include "steps/steps.h"

static char *record_path(hc_wizard *w)
{
    return g_build_filename(hc_wizard_state_dir(w), "migrate.done", NULL);
}

/* The cli-* constraints in the CIB: "id rsc" pairs. */
static GPtrArray *leftovers(xmlNode *cib)
{
    GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
    xmlNode *cons = get_xpath_object("//configuration/constraints", cib,
                                     LOG_NEVER);

    for (xmlNode *c = cons ? xmlFirstElementChild(cons) : NULL; c;
         c = xmlNextElementSibling(c)) {
        const char *id = crm_element_value(c, "id");
        const char *rsc = crm_element_value(c, "rsc");

        if (id && rsc && (g_str_has_prefix(id, "cli-prefer-")
                          || g_str_has_prefix(id, "cli-ban-"))) {
            g_ptr_array_add(a, g_strdup(id));
            g_ptr_array_add(a, g_strdup(rsc));
        }
    }
    return a;
}

static int migrate_plan(hc_wizard *w, hc_plan *p, char **ret_err)
{
    const char *anchor = hc_steps_anchor(w);
    const char *target = hc_wizard_answer(w, "move_to");
    const char *life = hc_wizard_answer(w, "move_lifetime");
    bool clear = !strcmp(hc_wizard_answer(w, "move_clear"), "yes");
    bool clear_old = !strcmp(hc_wizard_answer(w, "clear_leftovers"), "yes");
    xmlNode *cib = NULL;
    hc_status *st = NULL;
    GPtrArray *left;
    char *rec = record_path(w), *from = NULL, *to;
    int rc = hc_wizard_cib(w, &cib, ret_err);

    if (rc < 0) {
        g_free(rec);
        return rc;
    }
    if (!hc_cib_find_id(cib, HC_SERVICE_RSC) || !hc_cib_find_id(cib, anchor)) {
        *ret_err = g_strdup_printf("%s and %s are not configured: apply step "
                                   "resources first", HC_SERVICE_RSC, anchor);
        free_xml(cib);
        g_free(rec);
        return -ENOENT;
    }
    left = leftovers(cib);
    for (guint i = 0; i < left->len; i += 2) {
        const char *id = left->pdata[i], *rsc = left->pdata[i + 1];

        hc_plan_note(p, "leftover of an earlier move: %s (on %s)%s", id, rsc,
                     clear_old ? "; cleared" : "; kept (clear_leftovers=no)");
        if (clear_old && (i == 0 || strcmp(rsc, left->pdata[i - 1]))) {
            hc_plan_cmd_add(p, NULL, 30000, "clear a leftover move constraint",
                            "crm_resource", "--clear", "-r", rsc, NULL);
            hc_plan_crm(p, "crm resource clear %s", rsc);
        }
    }
    if (left->len && clear_old) {
        g_hash_table_replace(p->data, g_strdup("partial"),
                             g_strdup_printf("%u move constraint(s) left: "
                                             "clear them", left->len / 2));
    }
    g_ptr_array_free(left, TRUE);
    if (g_file_test(rec, G_FILE_TEST_EXISTS) && !*target) {
        char *txt = NULL;

        g_file_get_contents(rec, &txt, NULL, NULL);
        hc_plan_note(p, "the move test was done: %s",
                     g_strstrip(txt ? txt : g_strdup("")));
        g_free(txt);
        g_free(rec);
        p->cib_old = cib;
        return 0;
    }
    g_free(rec);
    /* Where the service runs now; on a CIB file, where the scheduler puts
     * it. */
    rc = hc_wizard_status(w, cib, hc_wizard_cib_is_file(w), &st, ret_err);
    if (rc == 0) {
        const char *at = hc_wizard_rsc_node(st, HC_SERVICE_RSC);

        from = g_strdup(at);
        hc_status_free(st);
    }
    p->cib_old = cib;
    if (rc < 0) {
        return rc;
    }
    if (!from) {
        *ret_err = g_strdup("the service runs nowhere: it must run before it "
                            "can move (see hacon status)");
        return -ENOENT;
    }
    to = g_strdup(*target ? target
                  : strcmp(from, hc_wizard_answer(w, "node1"))
                  ? hc_wizard_answer(w, "node1") : hc_wizard_answer(w, "node2"));
    if (!strcmp(to, from)) {
        *ret_err = g_strdup_printf("the service already runs on %s", to);
        g_free(to);
        g_free(from);
        return -EALREADY;
    }
    g_hash_table_replace(p->data, g_strdup("from"), from);
    g_hash_table_replace(p->data, g_strdup("to"), g_strdup(to));
    if (*life) {
        hc_plan_cmd_add(p, NULL, 30000, "prefer the other node (the move)",
                        "crm_resource", "--move", "-r", anchor, "-N", to,
                        "--lifetime", life,
                        strcmp(anchor, "fs_data") ? "--promoted" : NULL, NULL);
    } else {
        hc_plan_cmd_add(p, NULL, 30000, "prefer the other node (the move)",
                        "crm_resource", "--move", "-r", anchor, "-N", to,
                        strcmp(anchor, "fs_data") ? "--promoted" : NULL, NULL);
    }
    if (strcmp(anchor, "fs_data")) {
        /* crm resource move would place the clone's instances, not its
         * promoted role. */
        hc_plan_crm(p, "crm_resource --move -r %s -N %s%s%s --promoted   "
                    "# crm resource move moves the clone, not the promoted "
                    "role", anchor, to, *life ? " --lifetime " : "", life);
    } else {
        hc_plan_crm(p, "crm resource move %s %s%s%s", anchor, to,
                    *life ? " " : "", life);
    }
    hc_plan_note(p, "moves %s from %s to %s: the filesystem, the IP and dhcpd "
                 "follow it (they are colocated with it); hacon waits until "
                 "dhcp runs on %s", anchor, (char *) g_hash_table_lookup(p->data, "from"),
                 to, to);
    if (clear) {
        hc_plan_cmd_add(p, NULL, 30000, "once it runs there: remove the move "
                        "constraint, so nothing stays pinned (ERRATA 18)",
                        "crm_resource", "--clear", "-r", anchor, NULL);
        hc_plan_crm(p, "crm resource clear %s", anchor);
    } else {
        hc_plan_warn(p, "move_clear=no: cli-prefer-%s pins the service to %s "
                     "until it is cleared%s", anchor, to,
                     *life ? " or its lifetime ends" : "");
    }
    g_free(to);
    return 0;
}

static int migrate_apply(hc_wizard *w, hc_plan *p, char **ret_err)
{
    const char *to = g_hash_table_lookup(p->data, "to");
    int rc = 0;

    /* In order: leftovers cleared, the move, then (when asked) its clear,
     * but only once the service runs on the other node.  Each command as
     * the engine runs it (its undo recorded first). */
    for (guint i = 0; rc == 0 && i < p->cmds->len; i++) {
        hc_plan_cmd *c = p->cmds->pdata[i];

        rc = hc_wizard_apply_cmd(w, c, ret_err);
        if (rc == 0 && to && !strcmp(c->argv[1], "--move")) {
            hc_wizard_progress(w, "waiting until dhcp runs on %s", to);
            rc = hc_steps_wait_placed(w, to, NULL, ret_err);
        }
    }
    return rc;
}

/* The record that the move test was done; 0 or a negative errno with the
 * file named in *ret_err. */
static int record_done(hc_wizard *w, hc_plan *p, char **ret_err)
{
    const char *to = g_hash_table_lookup(p->data, "to");
    char *rec = record_path(w), *dir = g_path_get_dirname(rec);
    char when[32];
    char *txt = g_strdup_printf("moved from %s to %s on %s%s\n",
                                (char *) g_hash_table_lookup(p->data, "from"),
                                to, hc_time_str(time(NULL), when, sizeof(when)),
                                strcmp(hc_wizard_answer(w, "move_clear"),
                                       "yes") ? "" : ", move cleared");

    int rc = g_mkdir_with_parents(dir, 0755) < 0 ? -errno : 0;

    if (rc == 0) {
        rc = hc_write_file_atomic(rec, txt, strlen(txt), 0644, false);
    }
    if (rc < 0) {
        *ret_err = g_strdup_printf("cannot write %s: %s", rec, strerror(-rc));
    }
    g_free(txt);
    g_free(dir);
    g_free(rec);
    return rc;
}

static int migrate_verify(hc_wizard *w, hc_plan *p, char **ret_err)
{
    const char *to = g_hash_table_lookup(p->data, "to");
    bool clear = !strcmp(hc_wizard_answer(w, "move_clear"), "yes");
    xmlNode *cib = NULL;
    GPtrArray *left;
    int rc = hc_wizard_cib(w, &cib, ret_err);

    if (rc < 0) {
        return rc;
    }
    left = leftovers(cib);
    free_xml(cib);
    if (clear && left->len) {
        *ret_err = g_strdup_printf("%s is still in the CIB",
                                   (char *) left->pdata[0]);
        rc = -EPROTO;
    }
    g_ptr_array_free(left, TRUE);
    /* Live: it must still run there after the clear.  A CIB file keeps
     * the old status, so the simulation after the clear may pick either
     * node: then it must run together somewhere. */
    if (rc == 0 && to) {
        rc = hc_steps_wait_placed(w, hc_wizard_cib_is_file(w) && clear ? NULL
                                  : to, NULL, ret_err);
    }
    if (rc == 0 && to) {
        rc = record_done(w, p, ret_err);
    }
    return rc;
}

/* A move that was rolled back is not a move test done. */
static int migrate_rollback(hc_wizard *w, char **ret_err)
{
    char *rec = record_path(w);

    unlink(rec);
    g_free(rec);
    return 0;
}

static int migrate_check(hc_wizard *w, hc_step_state *ret, GString *why)
{
    hc_plan *p = NULL;
    char *err = NULL;
    int rc = hc_wizard_plan(w, &hc_step_migrate, &p, &err);
    const char *part;

    if (rc < 0) {
        *ret = HC_STEP_BLOCKED;
        g_string_append(why, err);
        g_free(err);
        return 0;
    }
    part = g_hash_table_lookup(p->data, "partial");
    if (!p->cmds->len) {
        *ret = HC_STEP_DONE;
        if (p->notes->len) {
            g_string_append(why, p->notes->pdata[p->notes->len - 1]);
        }
    } else if (part) {
        *ret = HC_STEP_PARTIAL;
        g_string_append(why, part);
    } else {
        *ret = HC_STEP_TODO;
        g_string_append_printf(why, "move from %s to %s",
                               (char *) g_hash_table_lookup(p->data, "from"),
                               (char *) g_hash_table_lookup(p->data, "to"));
    }
    hc_plan_free(p);
    return 0;
}

const hc_step hc_step_migrate = {
    .name = "migrate",
    .title = "Move the service to the other node",
    .tutorial = "\"migrate\" the resources to the other node",
    .hacon = "crm_resource --move, follows it until dhcp runs there, then "
             "clears the move constraint; lists and clears cli-prefer/"
             "cli-ban leftovers (ERRATA 18)",
    .check = migrate_check,
    .plan = migrate_plan,
    .apply = migrate_apply,
    .verify = migrate_verify,
    .rollback = migrate_rollback,
    .needs = { "resources" },
    .cib_needs = { "resources" },
};
