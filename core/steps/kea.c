/* Step 9: from dhcpd to Kea on a running cluster (dhcp_server=kea
 * answered while the service runs dhcpd).  The dhcpd.conf the service
 * runs is translated (core/dhcp2kea.c: what is not translated is listed,
 * never dropped), dhcpd's active leases are written as Kea's lease file
 * on the shared filesystem so that every client keeps its address, and
 * the service's primitive is swapped for ocf:hacon:kea-dhcp4 in one CIB
 * update, previewed with crm_simulate.  Verified by the service running
 * with Kea, a DHCP exchange with it from the other node, and every lease
 * dhcpd held in Kea's lease file; any failure rolls back to dhcpd (the
 * CIB and files of before: dhcpd's lease file is never changed). */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <crm/crm.h>
#include <crm/common/xml.h>

#include "dhcp2kea.h"
#include "dhcpconf.h"
#include "leases.h"
#include "status.h"
#include "util.h"
#include "steps/steps.h"

#define KEA_CONTROL_SOCKET "/run/kea/kea4-ctrl-socket"

/* The running dhcpd's configuration and lease file: the primitive's
 * parameters, else the answers (g_free both). */
static void dhcpd_files(hc_wizard *w, xmlNode *rsc, char **conf,
                        char **leases)
{
    xmlNode *ia = first_named_child(rsc, "instance_attributes");
    const char *c = hc_wizard_answer(w, "dhcpd_conf");
    const char *l = hc_wizard_answer(w, "leases");

    for (xmlNode *nv = ia ? first_named_child(ia, "nvpair") : NULL; nv;
         nv = crm_next_same_xml(nv)) {
        const char *n = crm_element_value(nv, "name");
        const char *v = crm_element_value(nv, "value");

        if (n && v && *v == '/' && !strcmp(n, "config")) {
            c = v;
        } else if (n && v && *v == '/' && !strcmp(n, "leases")) {
            l = v;
        }
    }
    *conf = g_strdup(c);
    *leases = g_strdup(l);
}

typedef struct reader_ctx {
    hc_wizard *w;
    const char *node;
} reader_ctx;

/* dhcpd.conf and its includes, read on the node that runs dhcpd. */
static int read_on_node(const char *path, char **ret_buf, size_t *ret_len,
                        void *data)
{
    reader_ctx *r = data;
    char *err = NULL;
    int rc = hc_wizard_read(r->w, r->node, path, ret_buf, ret_len, &err);

    g_free(err);
    if (rc == 0 && !*ret_buf) {
        rc = -ENOENT;
    }
    return rc;
}

/* Kea's lease file for the leases of dhcpd's file (read on node now). */
static int leases_csv(hc_wizard *w, const char *node, const char *path,
                      const hc_dhcp_conf *c, const hc_dhcp2kea *k,
                      char **ret, unsigned *ret_n, GPtrArray *skipped,
                      char **ret_err)
{
    char *text = NULL;
    size_t len = 0;
    hc_lease_table *t;
    int rc = hc_wizard_read(w, node, path, &text, &len, ret_err);

    if (rc < 0) {
        return rc;
    }
    t = hc_lease_table_new();
    if (text && hc_leases_parse(t, text, len, true) < 0) {
        *ret_err = g_strdup_printf("%s:%s: cannot read dhcpd's leases",
                                   node, path);
        rc = -EINVAL;
    } else if (hc_lease_table_n_errors(t)) {
        const hc_lease_error *e = &g_array_index(hc_lease_table_errors(t),
                                                 hc_lease_error, 0);

        *ret_err = g_strdup_printf("%s:%s:%u: %s (hacon converts a lease "
                                   "file it reads whole)", node, path,
                                   e->line, e->msg);
        rc = -EINVAL;
    } else {
        *ret = hc_dhcp2kea_leases(c, k, t, (uint32_t) time(NULL), ret_n,
                                  skipped);
    }
    hc_lease_table_free(t);
    g_free(text);
    return rc;
}

static int kea_plan(hc_wizard *w, hc_plan *p, char **ret_err)
{
    const char *kconf = hc_wizard_answer(w, "kea_conf");
    char *conf = NULL, *leases = NULL;
    const char *kleases = hc_wizard_answer(w, "kea_leases");
    const char *nodes[2] = { hc_wizard_local(w), hc_wizard_peer(w) };
    xmlNode *rsc, *frag;
    hc_status *st = NULL;
    hc_dhcp_conf *c = NULL;
    hc_dhcp2kea k = { 0 };
    GPtrArray *skipped = NULL;
    char *node = NULL, *csv = NULL, *xml = NULL;
    const char *from;
    unsigned n = 0;
    int rc;

    if (!hc_steps_kea(w)) {
        hc_plan_note(p, "dhcp_server=isc: the service stays on dhcpd. "
                     "Answer dhcp_server=kea to migrate it to Kea, which "
                     "ISC maintains (dhcpd reached its end of life in "
                     "December 2022).");
        g_hash_table_replace(p->data, g_strdup("done"),
                             g_strdup("dhcp_server=isc: no migration asked"));
        return 0;
    }
    rc = hc_steps_plan_cib(w, p, ret_err);
    if (rc < 0) {
        return rc;
    }
    rsc = hc_cib_find_id(p->cib_new, HC_SERVICE_RSC);
    if (!rsc || g_strcmp0(crm_element_value(rsc, "type"), "dhcpd")) {
        g_hash_table_replace(p->data, g_strdup("done"), g_strdup(rsc
            ? "the service runs Kea" : "no dhcpd service to migrate"));
        g_clear_pointer(&p->cib_new, free_xml);
        return 0;
    }
    dhcpd_files(w, rsc, &conf, &leases);
    rc = hc_wizard_status(w, p->cib_old, false, &st, ret_err);
    from = rc == 0 ? hc_wizard_rsc_node(st, HC_SERVICE_RSC) : NULL;
    if (rc == 0 && !from) {
        *ret_err = g_strdup("dhcp (dhcpd) runs nowhere: the migration reads "
                            "its leases where it runs; start it first");
        rc = -ESRCH;
    }
    node = from ? g_strdup(from) : NULL;
    hc_status_free(st);
    /* The configuration dhcpd runs, translated. */
    if (rc == 0) {
        reader_ctx r = { w, strcmp(node, hc_wizard_local(w)) ? node : NULL };

        rc = hc_dhcp_conf_load_via(conf, read_on_node, &r, &c);
        if (rc < 0) {
            *ret_err = g_strdup_printf("%s: cannot read %s: %s", node, conf,
                                       g_strerror(-rc));
        }
    }
    if (rc == 0) {
        hc_dhcp2kea_opts o = {
            .source = conf, .interface = hc_wizard_answer(w, "service_if"),
            .leases = kleases, .control_socket = KEA_CONTROL_SOCKET,
        };

        rc = hc_dhcp2kea_translate(c, &o, &k, ret_err);
    }
    for (int i = 0; rc == 0 && i < 2; i++) {
        rc = hc_plan_file_add(w, p, i ? nodes[1] : NULL, kconf, k.text,
                              strlen(k.text), 0644, false, ret_err);
    }
    /* dhcpd's active leases, as Kea's lease file, on the shared
     * filesystem where dhcpd runs. */
    if (rc == 0) {
        skipped = g_ptr_array_new_with_free_func(g_free);
        rc = leases_csv(w, strcmp(node, hc_wizard_local(w)) ? node : NULL,
                        leases, c, &k, &csv, &n, skipped, ret_err);
    }
    if (rc == 0) {
        rc = hc_plan_file_add(w, p, strcmp(node, hc_wizard_local(w)) ? node
                              : NULL, kleases, csv, strlen(csv), 0644, false,
                              ret_err);
    }
    for (int i = 0; rc == 0 && i < 2; i++) {
        rc = hc_steps_plan_packaged_kea(w, p, i ? nodes[1] : NULL, ret_err);
    }
    /* The service's primitive, as the resources step writes it for Kea:
     * the same id, so that its constraints stay. */
    if (rc == 0) {
        xml = hc_steps_service_xml(w);
        frag = xml ? string2xml(xml) : NULL;
        if (!frag) {
            *ret_err = g_strdup("cannot build the Kea primitive");
            rc = -EINVAL;
        } else {
            free_xml(frag);
            free_xml(rsc);
            rc = hc_cib_add_xml(p->cib_new, "resources", xml);
        }
    }
    if (rc == 0) {
        hc_plan_note(p, "Tutorial says: dhcpd. ISC dhcpd reached its end of "
                     "life in December 2022; hacon moves the service to Kea "
                     "keeping every client's address: %s (on %s) "
                     "translated into %s on both nodes, the %u active "
                     "lease%s of %s written to %s, the packaged "
                     "kea-dhcp4-server disabled, and dhcp swapped for "
                     "%s in one CIB update (its constraints stay). Any "
                     "failure rolls back to dhcpd, whose lease file is "
                     "never changed.", conf, node, kconf, n, n == 1 ? "" : "s",
                     leases, kleases, hc_wizard_answer(w, "dhcp_agent"));
        hc_plan_note(p, "Translated: %u subnet%s, %u range%s, %u host%s with "
                     "hardware ethernet and fixed-address (Kea "
                     "reservations), options, lease times.",
                     c->subnets->len, c->subnets->len == 1 ? "" : "s",
                     c->ranges->len, c->ranges->len == 1 ? "" : "s",
                     k.n_reservations, k.n_reservations == 1 ? "" : "s");
        for (guint i = 0; i < k.notes->len; i++) {
            hc_plan_note(p, "Handled otherwise: %s.",
                         (const char *) k.notes->pdata[i]);
        }
        for (guint i = 0; i < k.skipped->len; i++) {
            hc_plan_warn(p, "not translated: %s",
                         (const char *) k.skipped->pdata[i]);
        }
        for (guint i = 0; i < skipped->len; i++) {
            hc_plan_warn(p, "not converted: %s (the client gets an address "
                         "from Kea anew)", (const char *) skipped->pdata[i]);
        }
        hc_plan_note(p, "A lease dhcpd grants between this plan and the "
                     "swap (seconds) is not in Kea's file: the check after "
                     "the swap finds it in dhcpd's file and rolls back.");
        hc_plan_crm(p, "scp %s %s:%s; crm configure edit dhcp   # %s", kconf,
                    nodes[1], kconf, hc_wizard_answer(w, "dhcp_agent"));
        g_hash_table_replace(p->data, g_strdup("node"), g_strdup(node));
        g_hash_table_replace(p->data, g_strdup("dhcpd_conf"),
                             g_strdup(conf));
        g_hash_table_replace(p->data, g_strdup("dhcpd_leases"),
                             g_strdup(leases));
        g_hash_table_replace(p->data, g_strdup("done"),
                             g_strdup("the service runs Kea"));
    }
    if (skipped) {
        g_ptr_array_free(skipped, TRUE);
    }
    hc_dhcp2kea_clear(&k);
    hc_dhcp_conf_free(c);
    g_free(csv);
    g_free(xml);
    g_free(node);
    g_free(conf);
    g_free(leases);
    return rc;
}

/* The addresses of the active leases in dhcpd's lease file, read on node
 * now (dhcpd has stopped: it is the whole of what it granted). */
static int dhcpd_active(hc_wizard *w, const char *node, const char *path,
                        GPtrArray *out, char **ret_err)
{
    char *text = NULL;
    size_t len = 0;
    hc_lease_table *t;
    uint32_t now = (uint32_t) time(NULL);
    int rc = hc_wizard_read(w, node, path, &text, &len, ret_err);

    if (rc < 0) {
        return rc;
    }
    t = hc_lease_table_new();
    if (text) {
        hc_leases_parse(t, text, len, true);
    }
    for (size_t i = 0; i < hc_lease_table_count(t); i++) {
        const hc_lease *l = hc_lease_table_get(t, i);

        if (l->state == HC_LEASE_ACTIVE
            && (l->ends == HC_LEASE_NEVER || l->ends > now)) {
            g_ptr_array_add(out, g_strdup_printf("%u.%u.%u.%u", l->ip >> 24,
                                                 (l->ip >> 16) & 255,
                                                 (l->ip >> 8) & 255,
                                                 l->ip & 255));
        }
    }
    hc_lease_table_free(t);
    g_free(text);
    return 0;
}

static int kea_verify(hc_wizard *w, hc_plan *p, char **ret_err)
{
    const char *conf_node = g_hash_table_lookup(p->data, "node");
    const char *dl = g_hash_table_lookup(p->data, "dhcpd_leases");
    const char *kl = hc_wizard_answer(w, "kea_leases");
    GPtrArray *active = g_ptr_array_new_with_free_func(g_free);
    char *node = NULL, *kea = NULL, *other;
    int rc;

    if (!conf_node) {
        g_ptr_array_free(active, TRUE);
        return 0;
    }
    rc = hc_steps_wait_placed(w, NULL, &node, ret_err);
    if (rc == 0 && !hc_wizard_cib_is_file(w)) {
        /* A real exchange with Kea through the network: a DHCPINFORM
         * broadcast from the other node's service interface. */
        const char *probe[] = { "hacon", "probe", "broadcast", "--interface",
                                hc_wizard_answer(w, "service_if"),
                                "--inform", "--timeout", "3000", "--count",
                                "3", NULL };

        other = strcmp(node, hc_wizard_local(w)) ? NULL
                                                  : (char *) hc_wizard_peer(w);
        hc_wizard_progress(w, "a DHCP exchange with Kea from %s",
                           other ? other : hc_wizard_local(w));
        rc = hc_wizard_run(w, other, 30000, NULL, ret_err, probe);
    }
    if (rc == 0 && !hc_wizard_cib_is_file(w)) {
        const char *n = strcmp(node, hc_wizard_local(w)) ? node : NULL;
        const char *cat[] = { "sh", "-c", "cat \"$1\" \"$1\".2 \"$1\".1 "
                              "2>/dev/null; true", "sh", kl, NULL };

        rc = dhcpd_active(w, n, dl, active, ret_err);
        if (rc == 0) {
            rc = hc_wizard_run(w, n, 15000, &kea, ret_err, cat);
        }
        for (guint i = 0; rc == 0 && i < active->len; i++) {
            char *row = g_strdup_printf("\n%s,", (char *) active->pdata[i]);

            if (!kea || !strstr(kea, row)) {
                *ret_err = g_strdup_printf("dhcpd's lease of %s is not in "
                                           "Kea's lease file %s: that client "
                                           "would lose its address",
                                           (char *) active->pdata[i], kl);
                rc = -EPROTO;
            }
            g_free(row);
        }
        if (rc == 0) {
            hc_wizard_progress(w, "Kea serves on %s with all %u of dhcpd's "
                               "leases", node, active->len);
        }
    }
    g_free(kea);
    g_free(node);
    g_ptr_array_free(active, TRUE);
    return rc;
}

static int kea_check(hc_wizard *w, hc_step_state *ret, GString *why)
{
    return hc_step_check_by_plan(w, &hc_step_kea, ret, why);
}

const hc_step hc_step_kea = {
    .name = "kea",
    .title = "Migrate dhcpd to Kea (dhcp_server=kea)",
    .tutorial = "(not in the tutorial, whose dhcpd reached its end of life "
                "in December 2022)",
    .hacon = "translates the running dhcpd.conf (what is not translated is "
             "listed), converts the active leases into Kea's lease file, "
             "swaps dhcp for ocf:hacon:kea-dhcp4 in one CIB update; "
             "verified with a DHCP exchange, rolled back to dhcpd on failure",
    .check = kea_check,
    .plan = kea_plan,
    .verify = kea_verify,
};
