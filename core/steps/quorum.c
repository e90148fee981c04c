/* Step 4: what happens without quorum.  The tutorial sets
 * no-quorum-policy=ignore; corosync 3's two_node: 1 keeps quorum when one
 * of two nodes dies, with wait_for_all so that a node booting alone does
 * not start the service (ERRATA row 2).  The admin chooses (answer
 * "quorum"); two_node is the default. */
#include <errno.h>
#include <string.h>

#include <crm/crm.h>
#include <crm/common/xml.h>

#include "gen_corosync.h"
#include "status.h"
#include "steps/steps.h"

#define COROSYNC_CONF "/etc/corosync/corosync.conf"

/* True when corosync.conf's quorum section has two_node: 1 (a plain scan:
 * corosync.conf is "key: value" lines in braces). */
static bool conf_has_two_node(const char *text)
{
    const char *q = text ? strstr(text, "quorum") : NULL;

    while (q) {
        const char *open = strchr(q, '{'), *close, *t;

        if (!open) {
            return false;
        }
        close = strchr(open, '}');
        t = strstr(open, "two_node");
        if (t && (!close || t < close)) {
            t += strlen("two_node");
            while (*t == ' ' || *t == '\t' || *t == ':') {
                t++;
            }
            return *t == '1';
        }
        q = strstr(open, "quorum");
    }
    return false;
}

/* True when corosync.conf's quorum section has a quorum device (step
 * fence's fencing=qdevice puts it in two_node's place). */
static bool conf_has_qdevice(const char *text)
{
    GHashTable *kv = NULL;
    char *err = NULL;
    bool yes = false;

    if (text && hc_corosync_conf_parse(text, strlen(text), &kv, &err) == 0) {
        const char *m = g_hash_table_lookup(kv, "quorum.device.model");

        yes = m && *m;
        g_hash_table_unref(kv);
    }
    g_free(err);
    return yes;
}

static int quorum_plan(hc_wizard *w, hc_plan *p, char **ret_err)
{
    const char *choice = hc_wizard_answer(w, "quorum");
    const char *v;
    int rc = hc_steps_plan_cib(w, p, ret_err);

    if (rc < 0) {
        return rc;
    }
    v = hc_cib_property(p->cib_old, "no-quorum-policy");
    hc_plan_note(p, "With two nodes, one node alone is never a majority. The "
                 "tutorial sets no-quorum-policy=ignore: the survivor runs "
                 "the service, but so does a node that boots alone while the "
                 "other still runs it. corosync's two_node: 1 keeps quorum "
                 "when one of two nodes dies and, with wait_for_all, a node "
                 "that starts alone waits until it has seen its peer once.");
    if (!strcmp(choice, "ignore")) {
        if (v && !strcmp(v, "ignore")) {
            g_hash_table_replace(p->data, g_strdup("done"),
                                 g_strdup("no-quorum-policy=ignore"));
            return 0;
        }
        hc_cib_set_property(p->cib_new, "no-quorum-policy", "ignore");
        hc_plan_note(p, "Chosen: the tutorial's no-quorum-policy=ignore.");
        hc_plan_crm(p, "crm configure property no-quorum-policy=ignore");
        return 0;
    } else {
        char *conf = NULL, *err = NULL;
        size_t len;

        bool qdevice;

        rc = hc_wizard_read(w, NULL, COROSYNC_CONF, &conf, &len, &err);
        qdevice = rc == 0 && conf_has_qdevice(conf);
        if (rc < 0 || (!conf_has_two_node(conf) && !qdevice)) {
            char *path = hc_wizard_path(w, COROSYNC_CONF);

            *ret_err = g_strdup_printf("%s has no two_node: 1 in its "
                                       "quorum section (nor a quorum "
                                       "device)%s%s; apply step "
                                       "cluster first, or answer "
                                       "quorum=ignore", path, err ? ": " : "",
                                       err ? err : "");
            g_free(path);
            g_free(conf);
            g_free(err);
            return -ENOENT;
        }
        g_free(conf);
        g_hash_table_replace(p->data, g_strdup("done"), g_strdup(qdevice
            ? "a quorum device in corosync.conf (step fence, "
              "fencing=qdevice) in two_node's place"
            : "two_node: 1 in corosync.conf"));
        if (qdevice) {
            g_hash_table_replace(p->data, g_strdup("qdevice"),
                                 g_strdup("yes"));
            hc_plan_note(p, "corosync.conf has a quorum device (step fence, "
                         "fencing=qdevice) instead of two_node: 1: the "
                         "third vote decides which node keeps quorum.");
        }
        /* Only the tutorial's "ignore" is undone; another policy an admin
         * set (freeze, demote) is theirs. */
        if (v && !strcmp(v, "ignore")) {
            hc_cib_set_property(p->cib_new, "no-quorum-policy", "stop");
            hc_plan_note(p, "Chosen: two_node (corosync.conf has it); the "
                         "tutorial's no-quorum-policy=ignore is set back to "
                         "the default, stop.");
            hc_plan_crm(p, "crm configure property no-quorum-policy=stop");
        }
        return 0;
    }
}

static int quorum_verify(hc_wizard *w, hc_plan *p, char **ret_err)
{
    const char *choice = hc_wizard_answer(w, "quorum");
    hc_status *st = NULL;
    int rc = hc_steps_status(w, &st, ret_err);

    if (rc == 0) {
        const char *pol = st->cluster.no_quorum_policy;
        bool ignore = pol && !strcmp(pol, "ignore");

        if (ignore != !strcmp(choice, "ignore")) {
            *ret_err = g_strdup_printf("no-quorum-policy is %s",
                                       pol ? pol : "(unset)");
            rc = -EPROTO;
        }
    }
    if (rc == 0 && !strcmp(choice, "two_node") && !hc_wizard_cib_is_file(w)) {
        /* corosync itself must say it runs with two_node. */
        const char *argv[] = { "corosync-quorumtool", "-s", NULL };
        char *out = NULL;

        rc = hc_wizard_run(w, NULL, 10000, &out, ret_err, argv);
        if (rc == -EIO && out && *out) {
            /* quorumtool exits 2 when not quorate: the flags still count. */
            g_clear_pointer(ret_err, g_free);
            rc = 0;
        }
        if (rc == 0 && g_hash_table_contains(p->data, "qdevice")) {
            if (!out || !strstr(out, "Qdevice")) {
                *ret_err = g_strdup("corosync-quorumtool -s does not show "
                                    "the quorum device (Qdevice): corosync "
                                    "has not read corosync.conf "
                                    "(corosync-cfgtool -R)");
                rc = -EPROTO;
            }
        } else if (rc == 0 && (!out || !strstr(out, "2Node"))) {
            *ret_err = g_strdup("corosync-quorumtool -s does not show the "
                                "2Node flag: restart corosync with the new "
                                "corosync.conf");
            rc = -EPROTO;
        }
        g_free(out);
    }
    hc_status_free(st);
    return rc;
}

static int quorum_check(hc_wizard *w, hc_step_state *ret, GString *why)
{
    return hc_step_check_by_plan(w, &hc_step_quorum, ret, why);
}

const hc_step hc_step_quorum = {
    .name = "quorum",
    .title = "Quorum with two nodes",
    .tutorial = "crm configure property no-quorum-policy=ignore",
    .hacon = "offers corosync's two_node: 1 (recommended) or the tutorial's "
             "ignore, and explains the difference",
    .check = quorum_check,
    .plan = quorum_plan,
    .verify = quorum_verify,
    .needs = { "cluster" },
};
