/* hacon status [--format=text|json]: the status model, printed once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <crm/common/xml.h>

#include "commands.h"
#include "cib.h"
#include "corosync.h"
#include "status.h"

/* Each node's sbd: this node's here, the others' over ssh one after the
 * other. */
static void sbd_nodes(hc_status *st)
{
    char **all = hc_status_other_nodes(st, NULL);
    char *here = hc_sbd_here(all);
    char **nodes = hc_status_other_nodes(st, here);
    GPtrArray *out = g_ptr_array_new();
    hc_sbd_state *local = hc_sbd_local(getenv("HACON_SBD_CONFIG"), true);

    local->node = g_strdup(here);
    hc_status_set_sbd(st, local, here);
    for (char **n = nodes; *n; n++) {
        g_ptr_array_add(out, hc_sbd_remote(*n, getenv("HACON_SBD_CONFIG"),
                                           true));
    }
    hc_status_set_sbd_peers(st, out);
    g_strfreev(nodes);
    g_strfreev(all);
    g_free(here);
}

static void cs_changed(void *data)
{
    (void) data;
}

/* The quorum device's heuristics, when it has them: their last result as
 * corosync-qdevice-tool -s says it (fencing=qdevice's pass only on the
 * node that runs the service). */
static void status_qdevice_heuristics(hc_status *st)
{
    char *h = hc_qdevice_heuristics_read(3000);

    if (h) {
        hc_status_set_qdevice_heuristics(st, h);
    }
    g_free(h);
}

/* The quorum device as this node's corosync counts it, when one is
 * registered (votequorum's flags, read once). */
static void status_qdevice(hc_status *st)
{
    hc_corosync *cs = NULL;
    char *err = NULL;

    if (hc_corosync_connect(&cs, cs_changed, NULL, &err) == 0) {
        const hc_cs_state *s = hc_corosync_state(cs);

        if (s->qdevice) {
            char *t = s->qdevice_cast_vote
                ? g_strdup_printf("%s, connected, its vote counted (%u)",
                                  s->qdevice_name, s->qdevice_votes)
                : g_strdup_printf("%s, %s", s->qdevice_name,
                                  s->qdevice_alive
                                  ? "alive, NO vote (qnetd gave it none)"
                                  : "NOT alive (does corosync-qdevice "
                                    "run?)");

            hc_status_set_qdevice(st, t);
            g_free(t);
            status_qdevice_heuristics(st);
        }
        hc_corosync_free(cs);
    }
    g_free(err);
}

static int status_run(const hc_args *a)
{
    int json = hc_args_choice(a, "format", 0);
    hc_cib *cib = NULL;
    xmlNode *xml = NULL;
    hc_status *st = NULL;
    char *err = NULL;
    const char *file = getenv("CIB_file");
    GString *out;
    int rc;

    /* A CIB file is read once, with libcib's checks (hc_cib_load_file),
     * and its tree handed to the status engine: no sign-on copy, no query
     * copy.  A live cluster is asked through libcib. */
    if (file && *file) {
        rc = hc_cib_load_file(file, &xml, &err);
        if (rc == 0) {
            rc = hc_status_from_xml_owned(xml, 0, &st, &err);
            xml = NULL;
        }
    } else if ((rc = hc_cib_connect(&cib, &err)) == 0
               && (rc = hc_cib_query(cib, &xml, &err)) == 0) {
        rc = hc_status_from_xml(xml, 0, &st, &err);
    }
    if (rc < 0) {
        fprintf(stderr, "hacon status: %s\n", err ? err : "failed");
        g_free(err);
        free_xml(xml);
        hc_cib_free(cib);
        return 1;
    }
    /* The fencer's history is not in the CIB: a live cluster's local
     * fencer is asked; a CIB file has none, and that is said. */
    if (file && *file) {
        hc_status_set_fence_history(st, NULL,
                                    "CIB_file: no fencer to ask");
    } else {
        /* Asked in a thread while the rest is read: a fencer that does
         * not answer (stopped) costs HC_FENCER_TIMEOUT_S at most, and is
         * said, the rest printed. */
        hc_fence_ask *ask = hc_fence_history_ask(HC_FENCER_TIMEOUT_S);
        GPtrArray *hist = NULL;
        char *herr = NULL;

        /* This node's sbd, its watchdog and its disks' slots, then the
         * other nodes' over ssh (each with its deadlines). */
        sbd_nodes(st);
        status_qdevice(st);
        if (hc_fence_history_wait(ask, &hist, &herr) < 0) {
            hc_status_set_fence_history(st, NULL, herr ? herr
                                        : "the fencer did not answer");
        } else {
            hc_status_set_fence_history(st, hist, NULL);
        }
        g_free(herr);
    }
    out = g_string_new(NULL);
    if (json) {
        hc_status_format_json(st, out);
    } else {
        hc_status_format_text(st, out);
    }
    fwrite(out->str, 1, out->len, stdout);
    g_string_free(out, TRUE);
    hc_status_free(st);
    free_xml(xml);
    hc_cib_free(cib);
    return fflush(stdout) == 0 ? 0 : 1;
}

static const hc_opt status_opts[] = {
    HC_FORMAT_OPT,
    { NULL },
};

const hc_command hc_cmd_status = {
    .name = "status",
    .summary = "print nodes, resources, constraints and failures once",
    .notes = "The CIB is read from CIB_file when it is set, otherwise from "
             "the live cluster.\n",
    .args = { status_opts, 0, 0, false },
    .run = status_run,
};
