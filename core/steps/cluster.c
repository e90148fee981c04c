/* Step 2: cluster communication.  A corosync 3 corosync.conf (knet, a
 * nodelist on the HA network, two_node: 1) and an authkey, the same on
 * both nodes; corosync then pacemaker started through the host's service
 * manager; done when both nodes are Online (ERRATA row 1). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <crm/crm.h>
#include <crm/common/xml.h>

#include "gen_corosync.h"
#include "status.h"
#include "util.h"
#include "steps/steps.h"

#define CONF "/etc/corosync/corosync.conf"
#define AUTHKEY "/etc/corosync/authkey"

static char *conf_text(hc_wizard *w)
{
    hc_corosync_conf c = {
        .cluster_name = hc_wizard_answer(w, "cluster_name"),
        .node_name = { hc_wizard_answer(w, "node1"),
                       hc_wizard_answer(w, "node2") },
        .ring0_addr = { hc_wizard_answer(w, "node1_ha"),
                        hc_wizard_answer(w, "node2_ha") },
    };

    return hc_gen_corosync_conf(&c);
}

/* How long a daemon's start may take before the step fails and is rolled
 * back: 60 s, or HACON_START_TIMEOUT_S seconds (1-600; for tests, whose
 * start that hangs need not wait a minute). */
static int start_timeout_ms(void)
{
    const char *e = getenv("HACON_START_TIMEOUT_S");
    char *end = NULL;
    long s = e ? strtol(e, &end, 10) : 0;

    return e && *e && end && !*end && s >= 1 && s <= 600 ? (int) s * 1000
                                                         : 60000;
}

/* How a node starts its daemons: systemd where it is PID 1, else the init
 * scripts, else the admin's start_command (the test cluster's).  undo gets
 * the matching stop, which a rollback of the step runs. */
static int start_argv(hc_wizard *w, const char *node, const char *daemon,
                      GPtrArray *argv, GPtrArray *undo, char **ret_err)
{
    const char *mgr = hc_wizard_answer(w, "service_manager");
    char *out = NULL;

    if (!strcmp(mgr, "auto")) {
        const char *probe[] = { "sh", "-c", "if [ \"$(cat /proc/1/comm)\" = "
                                "systemd ]; then echo systemd; elif [ -x "
                                "/etc/init.d/corosync ]; then echo init; "
                                "else echo none; fi", NULL };
        int rc = hc_wizard_run(w, node, 15000, &out, ret_err, probe);

        if (rc < 0) {
            g_free(out);
            return rc;
        }
        g_strstrip(out);
        mgr = !strcmp(out, "systemd") ? "systemd"
              : !strcmp(out, "init") ? "init" : "none";
    }
    if (!strcmp(mgr, "systemd")) {
        g_ptr_array_add(argv, g_strdup("systemctl"));
        g_ptr_array_add(argv, g_strdup("enable"));
        g_ptr_array_add(argv, g_strdup("--now"));
        g_ptr_array_add(argv, g_strdup(daemon));
        g_ptr_array_add(undo, g_strdup("systemctl"));
        g_ptr_array_add(undo, g_strdup("disable"));
        g_ptr_array_add(undo, g_strdup("--now"));
        g_ptr_array_add(undo, g_strdup(daemon));
    } else if (!strcmp(mgr, "init")) {
        g_ptr_array_add(argv, g_strdup_printf("/etc/init.d/%s", daemon));
        g_ptr_array_add(argv, g_strdup("start"));
        g_ptr_array_add(undo, g_strdup_printf("/etc/init.d/%s", daemon));
        g_ptr_array_add(undo, g_strdup("stop"));
    } else if (!strcmp(mgr, "command") && *hc_wizard_answer(w, "start_command")) {
        char **words = NULL;

        g_shell_parse_argv(hc_wizard_answer(w, "start_command"), NULL, &words,
                           NULL);
        for (size_t i = 0; words && words[i]; i++) {
            g_ptr_array_add(argv, g_strdup(words[i]));
            g_ptr_array_add(undo, g_strdup(words[i]));
        }
        g_strfreev(words);
        g_ptr_array_add(argv, g_strdup("start"));
        g_ptr_array_add(argv, g_strdup(daemon));
        g_ptr_array_add(undo, g_strdup("stop"));
        g_ptr_array_add(undo, g_strdup(daemon));
    } else {
        *ret_err = g_strdup_printf("%s has neither systemd nor "
                                   "/etc/init.d/corosync: answer "
                                   "service_manager=command and start_command",
                                   node);
        g_free(out);
        return -ENOENT;
    }
    g_free(out);
    return 0;
}

/* Asked through the daemons' own IPC (not the process table, which also
 * shows other nodes' daemons in PID namespaces below this one).  Without
 * CIB_file: with it cibadmin reads the file, and a CIB file is not a
 * running cluster. */
static bool running(hc_wizard *w, const char *node, const char *daemon)
{
    const char *cs[] = { "corosync-cfgtool", "-s", NULL };
    const char *pcmk[] = { "env", "-u", "CIB_file", "cibadmin", "--query",
                           "--scope", "nodes", NULL };

    return hc_wizard_run(w, node, 15000, NULL, NULL,
                         strcmp(daemon, "corosync") ? pcmk : cs) == 0;
}

static int cluster_plan(hc_wizard *w, hc_plan *p, char **ret_err)
{
    const char *nodes[2] = { hc_wizard_local(w), hc_wizard_peer(w) };
    char *conf = conf_text(w), *key = NULL;
    size_t key_len = 0;
    int rc = hc_wizard_read(w, NULL, AUTHKEY, &key, &key_len, ret_err);
    bool any_running = false;

    if (rc == 0 && (!key || key_len < 128)) {
        /* corosync-keygen's size; the key never leaves hacon but to the
         * peer. */
        g_free(key);
        key_len = 256;
        key = g_malloc(key_len + 1);
        if (getrandom(key, key_len, 0) != (ssize_t) key_len) {
            *ret_err = g_strdup("cannot read random bytes for the authkey");
            rc = -EIO;
        }
        hc_plan_crm(p, "corosync-keygen   # hacon makes the same 256-byte "
                    "authkey itself (getrandom), then copies it to %s",
                    nodes[1]);
    }
    for (int i = 0; rc == 0 && i < 2; i++) {
        const char *n = i ? nodes[1] : NULL;
        size_t before = p->files->len;
        char *have = NULL, *differs = NULL;
        size_t have_len = 0;

        rc = hc_wizard_read(w, n, CONF, &have, &have_len, ret_err);
        if (rc == 0 && have && (have_len != strlen(conf)
                                || memcmp(have, conf, have_len))) {
            differs = hc_corosync_conf_differs(have, have_len, conf,
                                               strlen(conf));
        }
        if (rc == 0 && have && !differs
            && (have_len != strlen(conf) || memcmp(have, conf, have_len))) {
            /* The same cluster in other words (timeouts, logging,
             * comments): kept, and the difference shown. */
            char *d = hc_wizard_diff(CONF, have, have_len, conf, strlen(conf),
                                     "on the node", "as hacon writes it");

            hc_plan_note(p, "[%s] %s: an equivalent configuration is in "
                         "place (the same cluster name, nodes and addresses, "
                         "knet with the same crypto, votequorum with "
                         "two_node: 1 or a quorum device in its place): "
                         "kept, not rewritten. What differs "
                         "from hacon's:\n%s", nodes[i], CONF, d);
            g_free(d);
            g_hash_table_replace(p->data, g_strdup("kept"), g_strdup(
                g_hash_table_contains(p->data, "kept") ? "both" : nodes[i]));
        } else if (rc == 0) {
            rc = hc_plan_file_add(w, p, n, CONF, conf, strlen(conf), 0644,
                                  false, ret_err);
        }
        if (rc == 0) {
            rc = hc_plan_file_add(w, p, n, AUTHKEY, key, key_len, 0400, true,
                                  ret_err);
        }
        if (rc == 0 && p->files->len != before && running(w, n, "corosync")) {
            *ret_err = g_strdup_printf("%s: corosync runs there with another "
                                       "configuration (%s%s): stop the "
                                       "cluster there (crm cluster stop) "
                                       "before hacon changes it, or answer "
                                       "cluster_name, node1, node2, node1_ha "
                                       "and node2_ha to match it", nodes[i],
                                       differs ? "corosync.conf differs: "
                                       : "its authkey is not ",
                                       differs ? differs : nodes[0]);
            rc = -EBUSY;
        }
        g_free(differs);
        g_free(have);
    }
    for (int i = 0; rc == 0 && i < 2; i++) {
        const char *n = i ? nodes[1] : NULL;
        static const char *const daemons[] = { "corosync", "pacemakerd" };

        for (int d = 0; rc == 0 && d < 2; d++) {
            GPtrArray *argv, *undo;
            hc_plan_cmd *c;

            if (running(w, n, daemons[d])) {
                any_running = true;
                continue;
            }
            argv = g_ptr_array_new();
            undo = g_ptr_array_new();
            rc = start_argv(w, nodes[i], d ? "pacemaker" : "corosync", argv,
                            undo, ret_err);
            g_ptr_array_add(argv, NULL);
            g_ptr_array_add(undo, NULL);
            c = g_new0(hc_plan_cmd, 1);
            c->node = g_strdup(i ? nodes[1] : NULL);
            c->argv = (char **) g_ptr_array_free(argv, FALSE);
            /* A rollback stops what this step started, nothing else. */
            c->undo = (char **) g_ptr_array_free(undo, FALSE);
            c->timeout_ms = start_timeout_ms();
            c->why = g_strdup_printf("start %s on %s", daemons[d], nodes[i]);
            if (rc == 0) {
                g_ptr_array_add(p->cmds, c);
            } else {
                hc_plan_cmd_free(c);
            }
        }
    }
    if (rc == 0 && any_running && (p->files->len || p->cmds->len)) {
        g_hash_table_replace(p->data, g_strdup("partial"),
                             g_strdup("part of the cluster runs already"));
    }
    {
        const char *kept = g_hash_table_lookup(p->data, "kept");

        g_hash_table_replace(p->data, g_strdup("done"), kept
            ? g_strdup_printf("an equivalent corosync.conf kept on %s (the "
                              "plan shows what differs); the authkey the "
                              "same on both nodes, corosync and pacemaker "
                              "running", !strcmp(kept, "both")
                              ? "both nodes" : kept)
            : g_strdup("corosync.conf and authkey the same on both nodes, "
                       "corosync and pacemaker running"));
    }
    hc_plan_note(p, "Tutorial says: edit bindnetaddr and start corosync; "
                 "pacemaker starts by itself. hacon writes a corosync 3 "
                 "configuration (knet, a nodelist on the HA network, "
                 "two_node: 1), an authkey, copies both to %s, and starts "
                 "corosync, then pacemaker, on both nodes (ERRATA 1).",
                 nodes[1]);
    hc_plan_crm(p, "crm cluster start   # on %s and on %s", nodes[0], nodes[1]);
    g_free(conf);
    g_free(key);
    return rc;
}

static int cluster_verify(hc_wizard *w, hc_plan *p, char **ret_err)
{
    const char *nodes[2] = { hc_wizard_answer(w, "node1"),
                             hc_wizard_answer(w, "node2") };
    double deadline = hc_now_ms()
                      + 1000.0 * atoi(hc_wizard_answer(w, "timeout"));
    char *root = hc_wizard_path(w, "/");
    bool real_root = !strcmp(root, "/");
    int rc = 0;

    g_free(root);
    /* corosync's own parser, on each node (it also checks that the node
     * finds itself in the nodelist). */
    for (int i = 0; rc == 0 && real_root && i < 2; i++) {
        const char *argv[] = { "corosync", "-c", CONF, "-t", NULL };

        rc = hc_wizard_run(w, i ? hc_wizard_peer(w) : NULL, 15000, NULL,
                           ret_err, argv);
    }
    while (rc == 0) {
        hc_status *st = NULL;
        char *err = NULL;
        int online = 0;

        if (hc_steps_status(w, &st, &err) == 0) {
            for (int i = 0; i < 2; i++) {
                hc_node *n = hc_status_find_node(st, nodes[i]);

                online += n && n->online;
            }
        }
        hc_status_free(st);
        if (online == 2) {
            hc_wizard_progress(w, "both nodes Online");
            g_free(err);
            break;
        }
        if (hc_now_ms() > deadline) {
            *ret_err = g_strdup_printf("timed out waiting for %s and %s to be "
                                       "Online%s%s", nodes[0], nodes[1],
                                       err ? ": " : "", err ? err : "");
            rc = -ETIMEDOUT;
        }
        g_free(err);
        if (rc == 0) {
            g_usleep(1000 * 1000);
        }
    }
    return rc;
}

static int cluster_check(hc_wizard *w, hc_step_state *ret, GString *why)
{
    return hc_step_check_by_plan(w, &hc_step_cluster, ret, why);
}

const hc_step hc_step_cluster = {
    .name = "cluster",
    .title = "Cluster communication (corosync, pacemaker)",
    .tutorial = "edit bindnetaddr in corosync.conf, /etc/init.d/corosync "
                "start; \"pacemaker starts automatically\"",
    .hacon = "a corosync 3 corosync.conf (knet, nodelist, two_node: 1) and "
             "authkey on both nodes, corosync then pacemaker started with "
             "the host's service manager, until both nodes are Online",
    .check = cluster_check,
    .plan = cluster_plan,
    .verify = cluster_verify,
    .needs = { "preflight" },
};
