/* Step 7: the resources and constraints, corrected as ERRATA rows 13-17
 * say, in one atomic CIB update.  The ids are the tutorial's, so that an
 * admin who knows it finds them: drbd-r0 in the promotable clone
 * drbd-r0-master, fs_data, testnet, dhcp. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <crm/crm.h>
#include <crm/common/xml.h>

#include "status.h"
#include "steps/steps.h"

typedef struct wanted {
    const char *section;
    char *id;
    char *xml;
    char *crm;
} wanted;

static void wanted_free(gpointer p)
{
    wanted *x = p;

    g_free(x->id);
    g_free(x->xml);
    g_free(x->crm);
    g_free(x);
}

static void want(GPtrArray *a, const char *section, const char *id,
                 char *xml, char *crm)
{
    wanted *x = g_new0(wanted, 1);

    x->section = section;
    x->id = g_strdup(id);
    x->xml = xml;
    x->crm = crm;
    g_ptr_array_add(a, x);
}

static bool use_drbd(const hc_wizard *w)
{
    return !strcmp(hc_wizard_answer(w, "storage"), "drbd");
}

/* Raises every "timeout=Ns" (XML attribute or crm word) below secs to
 * secs; takes s. */
static char *raise_timeouts(char *s, int secs)
{
    GRegex *re = g_regex_new("timeout=(\"?)([0-9]+)s", 0, 0, NULL);
    GMatchInfo *m = NULL;
    GString *out = g_string_new(NULL);
    const char *pos = s;

    g_regex_match(re, s, 0, &m);
    while (g_match_info_matches(m)) {
        int start, end, vs, ve;
        char *q = g_match_info_fetch(m, 1);
        char *v = g_match_info_fetch(m, 2);

        g_match_info_fetch_pos(m, 0, &start, &end);
        g_match_info_fetch_pos(m, 2, &vs, &ve);
        g_string_append_len(out, pos, s + start - pos);
        g_string_append_printf(out, "timeout=%s%ds", q,
                               MAX(atoi(v), secs));
        pos = s + end;
        g_free(q);
        g_free(v);
        g_match_info_next(m, NULL);
    }
    g_string_append(out, pos);
    g_match_info_free(m);
    g_regex_unref(re);
    g_free(s);
    return g_string_free(out, FALSE);
}

/* What the step writes, from the answers. */
static GPtrArray *wanted_list(hc_wizard *w)
{
    GPtrArray *a = g_ptr_array_new_with_free_func(wanted_free);
    const char *dev = use_drbd(w) ? hc_wizard_answer(w, "drbd_device")
                                  : hc_wizard_answer(w, "shared_disk");
    const char *mnt = hc_wizard_answer(w, "mountpoint");
    const char *fst = hc_wizard_answer(w, "fstype");
    const char *vip = hc_wizard_answer(w, "vip");
    const char *pfx = hc_wizard_answer(w, "vip_prefix");
    const char *nic = hc_wizard_answer(w, "service_if");
    const char *conf = hc_steps_dhcp_conf(w);
    const char *leases = hc_steps_dhcp_leases(w);
    char **agent = g_strsplit(hc_wizard_answer(w, "dhcp_agent"), ":", 3);
    /* Kea's agent reads the lease file from its configuration. */
    bool kea = hc_steps_kea(w);
    char *leases_xml = kea ? g_strdup("") : g_strdup_printf(
"<nvpair id=\"dhcp-params-leases\" name=\"leases\" value=\"%s\"/>", leases);
    char *leases_crm = kea ? g_strdup("")
                           : g_strdup_printf(" leases=%s", leases);

    if (use_drbd(w)) {
        const char *r = hc_wizard_answer(w, "drbd_resource");

        want(a, "resources", "drbd-r0-master", g_strdup_printf(
"<clone id=\"drbd-r0-master\">"
"<meta_attributes id=\"drbd-r0-master-meta\">"
"<nvpair id=\"drbd-r0-master-promotable\" name=\"promotable\" value=\"true\"/>"
"<nvpair id=\"drbd-r0-master-promoted-max\" name=\"promoted-max\" value=\"1\"/>"
"<nvpair id=\"drbd-r0-master-promoted-node-max\" name=\"promoted-node-max\" value=\"1\"/>"
"<nvpair id=\"drbd-r0-master-clone-max\" name=\"clone-max\" value=\"2\"/>"
"<nvpair id=\"drbd-r0-master-clone-node-max\" name=\"clone-node-max\" value=\"1\"/>"
"<nvpair id=\"drbd-r0-master-notify\" name=\"notify\" value=\"true\"/>"
"</meta_attributes>"
"<primitive id=\"drbd-r0\" class=\"ocf\" provider=\"linbit\" type=\"drbd\">"
"<instance_attributes id=\"drbd-r0-params\">"
"<nvpair id=\"drbd-r0-params-drbd_resource\" name=\"drbd_resource\" value=\"%s\"/>"
"</instance_attributes>"
"<operations>"
"<op id=\"drbd-r0-monitor-29s\" name=\"monitor\" interval=\"29s\" role=\"Promoted\"/>"
"<op id=\"drbd-r0-monitor-31s\" name=\"monitor\" interval=\"31s\" role=\"Unpromoted\"/>"
"</operations></primitive></clone>", r),
            g_strdup_printf(
"crm configure primitive drbd-r0 ocf:linbit:drbd params drbd_resource=%s "
"op monitor interval=29s role=Promoted op monitor interval=31s role=Unpromoted\n"
"crm configure clone drbd-r0-master drbd-r0 meta promotable=true "
"promoted-max=1 promoted-node-max=1 clone-max=2 clone-node-max=1 notify=true",
            r));
    }
    want(a, "resources", "fs_data", g_strdup_printf(
"<primitive id=\"fs_data\" class=\"ocf\" provider=\"heartbeat\" type=\"Filesystem\">"
"<instance_attributes id=\"fs_data-params\">"
"<nvpair id=\"fs_data-params-device\" name=\"device\" value=\"%s\"/>"
"<nvpair id=\"fs_data-params-directory\" name=\"directory\" value=\"%s\"/>"
"<nvpair id=\"fs_data-params-fstype\" name=\"fstype\" value=\"%s\"/>"
"</instance_attributes>"
"<operations>"
"<op id=\"fs_data-monitor-20s\" name=\"monitor\" interval=\"20s\" timeout=\"40s\"/>"
"</operations></primitive>", dev, mnt, fst),
        g_strdup_printf("crm configure primitive fs_data ocf:heartbeat:Filesystem "
                        "params device=%s directory=%s fstype=%s "
                        "op monitor interval=20s timeout=40s", dev, mnt, fst));
    want(a, "resources", "testnet", g_strdup_printf(
"<primitive id=\"testnet\" class=\"ocf\" provider=\"heartbeat\" type=\"IPaddr2\">"
"<instance_attributes id=\"testnet-params\">"
"<nvpair id=\"testnet-params-ip\" name=\"ip\" value=\"%s\"/>"
"<nvpair id=\"testnet-params-cidr_netmask\" name=\"cidr_netmask\" value=\"%s\"/>"
"<nvpair id=\"testnet-params-nic\" name=\"nic\" value=\"%s\"/>"
"</instance_attributes>"
"<operations>"
"<op id=\"testnet-monitor-10s\" name=\"monitor\" interval=\"10s\" timeout=\"20s\"/>"
"</operations></primitive>", vip, pfx, nic),
        g_strdup_printf("crm configure primitive testnet ocf:heartbeat:IPaddr2 "
                        "params ip=%s cidr_netmask=%s nic=%s "
                        "op monitor interval=10s timeout=20s", vip, pfx, nic));
    want(a, "resources", "dhcp", g_strdup_printf(
"<primitive id=\"dhcp\" class=\"ocf\" provider=\"%s\" type=\"%s\">"
"<instance_attributes id=\"dhcp-params\">"
"<nvpair id=\"dhcp-params-config\" name=\"config\" value=\"%s\"/>"
"%s"
"<nvpair id=\"dhcp-params-interface\" name=\"interface\" value=\"%s\"/>"
"</instance_attributes>"
"<meta_attributes id=\"dhcp-meta\">"
"<nvpair id=\"dhcp-meta-migration-threshold\" name=\"migration-threshold\" value=\"3\"/>"
"</meta_attributes>"
"<operations>"
"<op id=\"dhcp-monitor-10s\" name=\"monitor\" interval=\"10s\" timeout=\"20s\"/>"
"</operations></primitive>", agent[1], agent[2], conf, leases_xml, nic),
        g_strdup_printf("crm configure primitive dhcp %s params config=%s"
                        "%s interface=%s op monitor interval=10s "
                        "timeout=20s meta migration-threshold=3",
                        hc_wizard_answer(w, "dhcp_agent"), conf, leases_crm,
                        nic));
    g_strfreev(agent);
    g_free(leases_xml);
    g_free(leases_crm);

#define COLOC(id, rsc, with, role) \
    want(a, "constraints", id, g_strdup_printf( \
        "<rsc_colocation id=\"%s\" score=\"INFINITY\" rsc=\"%s\" " \
        "with-rsc=\"%s\"%s/>", id, rsc, with, \
        role ? " with-rsc-role=\"Promoted\"" : ""), \
        g_strdup_printf("crm configure colocation %s inf: %s %s%s", id, rsc, \
                        with, role ? ":Promoted" : ""))
#define ORDER(id, first, fa, then, ta) \
    want(a, "constraints", id, g_strdup_printf( \
        "<rsc_order id=\"%s\" kind=\"Mandatory\" first=\"%s\"%s%s%s " \
        "then=\"%s\"%s%s%s/>", id, first, fa ? " first-action=\"" : "", \
        fa ? fa : "", fa ? "\"" : "", then, ta ? " then-action=\"" : "", \
        ta ? ta : "", ta ? "\"" : ""), \
        g_strdup_printf("crm configure order %s Mandatory: %s%s%s %s%s%s", \
                        id, first, fa ? ":" : "", fa ? fa : "", then, \
                        ta ? ":" : "", ta ? ta : ""))

    if (use_drbd(w)) {
        COLOC("fs_with_drbd", "fs_data", "drbd-r0-master", true);
        COLOC("ip_with_drbd", "testnet", "drbd-r0-master", true);
    } else {
        COLOC("ip_with_fs", "testnet", "fs_data", false);
    }
    COLOC("dhcp_with_fs", "dhcp", "fs_data", false);
    COLOC("dhcp_with_ip", "dhcp", "testnet", false);
    if (use_drbd(w)) {
        ORDER("drbd_before_fs", "drbd-r0-master", "promote", "fs_data", "start");
    }
    ORDER("fs_before_dhcp", "fs_data", NULL, "dhcp", NULL);
    ORDER("ip_before_dhcp", "testnet", NULL, "dhcp", NULL);
    /* A slow machine (a VM under emulation) needs more than the agents'
     * usual 20 s: for the operations without a timeout of their own
     * (start, stop, promote, DRBD's monitors) through op_defaults, and
     * for the monitors above. */
    {
        int secs = atoi(hc_wizard_answer(w, "op_timeout"));

        for (guint i = 0; secs > 0 && i < a->len; i++) {
            wanted *x = a->pdata[i];

            x->xml = raise_timeouts(x->xml, secs);
            x->crm = raise_timeouts(x->crm, secs);
        }
        if (secs > 0) {
            want(a, "op_defaults", "op-options", g_strdup_printf(
"<meta_attributes id=\"op-options\">"
"<nvpair id=\"op-options-timeout\" name=\"timeout\" value=\"%ds\"/>"
"</meta_attributes>", secs),
                g_strdup_printf("crm configure op_defaults timeout=%ds",
                                secs));
        }
    }
    return a;
}

char *hc_steps_service_xml(hc_wizard *w)
{
    GPtrArray *a = wanted_list(w);
    char *xml = NULL;

    for (guint i = 0; i < a->len && !xml; i++) {
        wanted *x = a->pdata[i];

        if (!strcmp(x->id, HC_SERVICE_RSC)) {
            xml = g_strdup(x->xml);
        }
    }
    g_ptr_array_free(a, TRUE);
    return xml;
}

/* Equal as configuration: the same elements and attributes, ignoring the
 * ids of nested elements (crm shell and other tools name those their own
 * way). */
static bool xml_equiv(xmlNode *a, xmlNode *b, bool top)
{
    xmlAttr *at;
    int na = 0, nb = 0;
    xmlNode *ca, *cb;

    if (strcmp((const char *) a->name, (const char *) b->name)) {
        return false;
    }
    for (at = a->properties; at; at = at->next) {
        const char *n = (const char *) at->name;
        const char *va, *vb;

        if (!top && !strcmp(n, "id")) {
            continue;
        }
        na++;
        va = crm_element_value(a, n);
        vb = crm_element_value(b, n);
        if (!vb || strcmp(va, vb)) {
            return false;
        }
    }
    for (at = b->properties; at; at = at->next) {
        if (top || strcmp((const char *) at->name, "id")) {
            nb++;
        }
    }
    if (na != nb) {
        return false;
    }
    ca = xmlFirstElementChild(a);
    cb = xmlFirstElementChild(b);
    while (ca && cb) {
        if (!xml_equiv(ca, cb, false)) {
            return false;
        }
        ca = xmlNextElementSibling(ca);
        cb = xmlNextElementSibling(cb);
    }
    return !ca && !cb;
}

/* The tutorial's constraints that are wrong (ERRATA 13, 14) or doubled by
 * the corrected ones (its orders), by what they say, whatever their id. */
static void remove_tutorial_mistakes(xmlNode *cib, hc_plan *p, GHashTable *ours)
{
    static const struct {
        const char *rsc, *with, *why;
    } backwards[] = {
        { "testnet", "drbd", "there is no resource \"drbd\" (ERRATA 13)" },
        { "drbd-r0-master", "fs_data", "backwards: it places the DRBD role "
          "with the filesystem, not the filesystem with DRBD (ERRATA 14)" },
        { "testnet", "dhcp", "backwards: it places the IP with dhcpd "
          "(ERRATA 14)" },
        { "fs_data", "dhcp", "backwards: it places the filesystem with "
          "dhcpd (ERRATA 14)" },
    };
    xmlNode *cons = get_xpath_object("//configuration/constraints", cib,
                                     LOG_NEVER);
    xmlNode *c, *next;

    for (c = cons ? xmlFirstElementChild(cons) : NULL; c; c = next) {
        const char *id = crm_element_value(c, "id");
        const char *rsc = crm_element_value(c, "rsc");
        const char *with = crm_element_value(c, "with-rsc");

        next = xmlNextElementSibling(c);
        if (!id || g_hash_table_contains(ours, id)) {
            continue;
        }
        if (!strcmp((const char *) c->name, "rsc_colocation") && rsc && with) {
            for (size_t i = 0; i < G_N_ELEMENTS(backwards); i++) {
                if (!strcmp(rsc, backwards[i].rsc)
                    && !strcmp(with, backwards[i].with)) {
                    hc_plan_note(p, "removes colocation %s (%s %s): %s", id,
                                 rsc, with, backwards[i].why);
                    free_xml(c);
                    break;
                }
            }
        } else if (!strcmp((const char *) c->name, "rsc_order")
                   && (!strcmp(id, "fs_after_drbd")
                       || !strcmp(id, "dhcp_after_fs"))) {
            hc_plan_note(p, "removes order %s: the same order is %s", id,
                         !strcmp(id, "fs_after_drbd") ? "drbd_before_fs"
                                                      : "fs_before_dhcp");
            free_xml(c);
        }
    }
}

static int resources_plan(hc_wizard *w, hc_plan *p, char **ret_err)
{
    GPtrArray *a;
    GHashTable *ours;
    int present = 0, rc = hc_steps_plan_cib(w, p, ret_err);
    char *agent_path;
    char **agent;

    if (rc < 0) {
        return rc;
    }
    if (hc_steps_kea_pending(w)) {
        /* Swapping the agent alone would start Kea without dhcpd's
         * leases: every client would lose its address. */
        *ret_err = g_strdup("dhcp runs dhcpd and dhcp_server=kea: step kea "
                            "migrates it to Kea with its leases (apply kea, "
                            "not resources)");
        return -EBUSY;
    }
    a = wanted_list(w);
    ours = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < a->len; i++) {
        g_hash_table_add(ours, ((wanted *) a->pdata[i])->id);
    }
    remove_tutorial_mistakes(p->cib_new, p, ours);
    for (guint i = 0; i < a->len; i++) {
        wanted *x = a->pdata[i];
        xmlNode *have = hc_cib_find_id(p->cib_new, x->id);
        xmlNode *frag = string2xml(x->xml);

        hc_plan_crm(p, "%s", x->crm);
        if (have && xml_equiv(have, frag, true)) {
            present++;
            free_xml(frag);
            continue;
        }
        if (have) {
            if (!strcmp((const char *) have->name, "master")) {
                hc_plan_note(p, "replaces the ms resource %s by a promotable "
                             "clone (ms is deprecated, ERRATA 16)", x->id);
            } else {
                const char *t = crm_element_value(have, "type");

                hc_plan_note(p, "replaces %s (%s%s) by the corrected one",
                             x->id, (const char *) have->name,
                             t ? ", agent differs or params differ" : "");
            }
            present++;
            free_xml(have);
        }
        free_xml(frag);
        rc = hc_cib_add_xml(p->cib_new, x->section, x->xml);
        if (rc < 0) {
            *ret_err = g_strdup_printf("cannot build %s", x->id);
            break;
        }
    }
    g_hash_table_replace(p->data, g_strdup("done"),
                         g_strdup_printf("%u objects as planned", a->len));
    if (rc == 0 && present && present < (int) a->len) {
        g_hash_table_replace(p->data, g_strdup("partial"),
                             g_strdup_printf("%d of %u objects as planned",
                                             present, a->len));
    }
    hc_plan_note(p, "Colocations name the dependent first (crm shell places "
                 "the second resource first, ERRATA 14); an order starts the "
                 "IP before %s, which must see its address (ERRATA 15).",
                 hc_steps_kea(w) ? "Kea (dhcp, ocf:hacon:kea-dhcp4, placed "
                 "and ordered as dhcpd would be)" : "dhcpd");
    if (use_drbd(w)) {
        hc_plan_note(p, "DRBD is a promotable clone with roles Promoted and "
                     "Unpromoted, not the tutorial's ms with Master/Slave "
                     "(ERRATA 16).");
    } else {
        hc_plan_note(p, "storage=shared: no DRBD; %s is a shared disk and the "
                     "IP follows the filesystem.",
                     hc_wizard_answer(w, "shared_disk"));
    }
    agent = g_strsplit(hc_wizard_answer(w, "dhcp_agent"), ":", 3);
    agent_path = g_strdup_printf("/usr/lib/ocf/resource.d/%s/%s", agent[1],
                                 agent[2]);
    {
        char *lp = hc_wizard_path(w, agent_path);

        if (!g_file_test(lp, G_FILE_TEST_IS_EXECUTABLE)) {
            hc_plan_warn(p, "the agent %s is not installed here (%s): dhcp "
                         "cannot start until it is, on both nodes",
                         hc_wizard_answer(w, "dhcp_agent"), agent_path);
        }
        g_free(lp);
    }
    g_free(agent_path);
    g_strfreev(agent);
    g_hash_table_destroy(ours);
    g_ptr_array_free(a, TRUE);
    return rc;
}

static int resources_verify(hc_wizard *w, hc_plan *p, char **ret_err)
{
    GPtrArray *a = wanted_list(w);
    xmlNode *cib = NULL;
    char *node = NULL;
    int rc = hc_wizard_cib(w, &cib, ret_err);

    for (guint i = 0; rc == 0 && i < a->len; i++) {
        wanted *x = a->pdata[i];
        xmlNode *have = hc_cib_find_id(cib, x->id), *frag = string2xml(x->xml);

        if (!have || !xml_equiv(have, frag, true)) {
            *ret_err = g_strdup_printf("%s is not in the CIB as planned",
                                       x->id);
            rc = -EPROTO;
        }
        free_xml(frag);
    }
    free_xml(cib);
    g_ptr_array_free(a, TRUE);
    if (rc == 0) {
        rc = hc_steps_wait_placed(w, NULL, &node, ret_err);
    }
    if (rc == 0) {
        hc_wizard_progress(w, "dhcp runs on %s with its filesystem and "
                           "address%s", node, hc_wizard_cib_is_file(w)
                           ? " (as crm_simulate computes it)" : "");
    }
    g_free(node);
    return rc;
}

static int resources_check(hc_wizard *w, hc_step_state *ret, GString *why)
{
    return hc_step_check_by_plan(w, &hc_step_resources, ret, why);
}

const hc_step hc_step_resources = {
    .name = "resources",
    .title = "Resources and constraints",
    .tutorial = "primitives testnet, drbd-r0 (ms drbd-r0-master), fs_data, "
                "dhcp (its own agent) and colocations/orders, one crm line "
                "at a time",
    .hacon = "a promotable clone, ocf:hacon:dhcpd (ocf:hacon:kea-dhcp4 with "
             "dhcp_server=kea), colocations in the right direction, the IP "
             "ordered before the DHCP server; one atomic update previewed "
             "with crm_simulate",
    .check = resources_check,
    .plan = resources_plan,
    .verify = resources_verify,
    .needs = { "stonith", "quorum", "drbd", "dhcp" },
    .cib_needs = { "stonith", "quorum" },
};
