/* crm shell lines: parsing, applying to a CIB in memory, suggestions and
 * completion.  Agents come from a private OCF root with one agent whose
 * meta-data names two parameters, one required. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <crm/common/nvpair.h>
#include <crm/common/xml.h>

#include "crmsh.h"
#include "crmsh_int.h"

static char ocf_root[] = "/tmp/hacon-test-ocf-XXXXXX";

static const char base_cib[] =
    "<cib validate-with=\"pacemaker-3.9\" epoch=\"1\" num_updates=\"0\" "
    "admin_epoch=\"0\"><configuration><crm_config/>"
    "<nodes><node id=\"1\" uname=\"nodeone\"/>"
    "<node id=\"2\" uname=\"nodetwo\"/></nodes>"
    "<resources>"
    "<primitive id=\"testnet\" class=\"ocf\" provider=\"test\" "
    "type=\"Fake\"/>"
    "<clone id=\"drbd-r0-master\"><primitive id=\"drbd-r0\" class=\"ocf\" "
    "provider=\"test\" type=\"Fake\"/></clone>"
    "</resources>"
    "<constraints><rsc_location id=\"loc1\" rsc=\"testnet\" "
    "score=\"10\" node=\"nodeone\"/></constraints>"
    "</configuration><status/></cib>";

static int setup_all(void **state)
{
    if (!mkdtemp(ocf_root)) {
        return -1;
    }
    char *dir = g_build_filename(ocf_root, "resource.d", "test", NULL);
    char *agent = g_build_filename(dir, "Fake", NULL);
    const char *script =
        "#!/bin/sh\n"
        "cat <<'END'\n"
        "<?xml version=\"1.0\"?>\n"
        "<resource-agent name=\"Fake\" version=\"1\"><parameters>\n"
        "<parameter name=\"alpha\" required=\"1\"/>\n"
        "<parameter name=\"beta\"/>\n"
        "</parameters><actions/></resource-agent>\n"
        "END\n";
    g_mkdir_with_parents(dir, 0755);
    g_file_set_contents(agent, script, -1, NULL);
    chmod(agent, 0755);
    g_free(dir);
    g_free(agent);
    setenv("OCF_ROOT", ocf_root, 1);
    crm_xml_init();
    return 0;
}

static int teardown_all(void **state)
{
    char *cmd[] = { "rm", "-rf", ocf_root, NULL };
    g_spawn_sync(NULL, cmd, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                 NULL, NULL, NULL);
    return 0;
}

static xmlNode *new_cib(void)
{
    return string2xml(base_cib);
}

static xmlNode *by_id(xmlNode *n, const char *id)
{
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) {
            continue;
        }
        const char *v = crm_element_value(c, "id");
        if (v && !strcmp(v, id) && strcmp((const char *)c->name,
                                          "resource_ref")) {
            return c;
        }
        xmlNode *r = by_id(c, id);
        if (r) {
            return r;
        }
    }
    return NULL;
}

static void test_parse_tutorial_primitive(void **state)
{
    const char *line = "crm configure primitive drbd-r0 ocf:linbit:drbd "
        "params drbd_resource=\"r0\" op monitor interval=\"29s\" "
        "role=\"Master\" op monitor interval=\"31s\" role=\"Slave\"";
    hc_crm_cmd *c = NULL;
    hc_crm_error err;

    assert_int_equal(hc_crm_parse(line, strlen(line), &c, &err), 0);
    assert_int_equal(c->verb, HC_CRM_PRIMITIVE);
    assert_string_equal(c->id, "drbd-r0");
    assert_string_equal(c->agent_class, "ocf");
    assert_string_equal(c->agent_provider, "linbit");
    assert_string_equal(c->agent_type, "drbd");
    assert_int_equal(c->params->len, 1);
    hc_crm_nv *nv = c->params->pdata[0];
    assert_string_equal(nv->name, "drbd_resource");
    assert_string_equal(nv->value, "r0");
    assert_int_equal(c->ops->len, 2);
    hc_crm_op *op = c->ops->pdata[1];
    assert_string_equal(op->name, "monitor");
    nv = op->attrs->pdata[1];
    assert_string_equal(nv->value, "Slave");
    assert_string_equal(c->sections, "po");
    hc_crm_cmd_free(c);
}

static void test_parse_constraints(void **state)
{
    const char *line = "order fs_after_drbd inf: drbd-r0-master:promote "
        "fs_data:start symmetrical=false";
    hc_crm_cmd *c = NULL;

    assert_int_equal(hc_crm_parse(line, strlen(line), &c, NULL), 0);
    assert_int_equal(c->verb, HC_CRM_ORDER);
    assert_string_equal(c->kind, "Mandatory");
    assert_int_equal(c->refs->len, 2);
    hc_crm_ref *r = c->refs->pdata[0];
    assert_string_equal(r->rsc, "drbd-r0-master");
    assert_string_equal(r->qual, "promote");
    assert_int_equal(c->options->len, 1);
    hc_crm_cmd_free(c);

    line = "colocation c -inf: a b:Started";
    assert_int_equal(hc_crm_parse(line, strlen(line), &c, NULL), 0);
    assert_string_equal(c->score, "-INFINITY");
    hc_crm_cmd_free(c);

    line = "resource move testnet nodetwo PT30M force";
    assert_int_equal(hc_crm_parse(line, strlen(line), &c, NULL), 0);
    assert_int_equal(c->verb, HC_CRM_MOVE);
    assert_string_equal(c->node, "nodetwo");
    assert_string_equal(c->lifetime, "PT30M");
    hc_crm_cmd_free(c);
}

static void test_parse_errors_name_the_word(void **state)
{
    hc_crm_cmd *c = NULL;
    hc_crm_error err;
    const char *line = "colocation c 100 a b";

    assert_int_equal(hc_crm_parse(line, strlen(line), &c, &err), -EINVAL);
    assert_null(c);
    assert_int_equal(err.word, 2);
    assert_int_equal(err.col, 13);
    assert_int_equal(err.len, 3);

    line = "order o inf: a:strat b";
    assert_int_equal(hc_crm_parse(line, strlen(line), &c, &err), -EINVAL);
    assert_int_equal(err.word, 3);
    assert_string_equal(err.msg, "unknown action strat; did you mean "
                        "start?");

    line = "primitive x 'open";
    assert_int_equal(hc_crm_parse(line, strlen(line), &c, &err), -EINVAL);
    assert_int_equal(err.col, 12);

    char *f = hc_crm_error_format("primitve x Dummy", &(hc_crm_error){
        .word = 0, .col = 0, .len = 8, .msg = "why" });
    assert_string_equal(f, "primitve x Dummy\n^~~~~~~~\nword 1 (primitve): "
                        "why");
    g_free(f);

    /* A NUL inside the given length is refused, not read past. */
    const char nul[] = "property a=b\0c";
    assert_int_equal(hc_crm_parse(nul, sizeof(nul) - 1, &c, &err), -EINVAL);
}

static void test_suggestions(void **state)
{
    const char *ids[] = { "testnet", "drbd-r0-master", "fs_data" };

    assert_int_equal(hc_crm_edit_distance("kitten", "sitting"), 3);
    assert_int_equal(hc_crm_edit_distance("", "abc"), 3);
    assert_string_equal(hc_crm_nearest("drbd", ids, 3), "drbd-r0-master");
    assert_string_equal(hc_crm_nearest("tsetnet", ids, 3), "testnet");
    assert_null(hc_crm_nearest("zzz", ids, 3));
}

static void test_apply_ms_promotable_roles(void **state)
{
    xmlNode *cib = new_cib();
    hc_crm_error err;

    assert_int_equal(hc_crm_apply_line("primitive p ocf:test:Fake params "
                                       "alpha=1 op monitor interval=9s "
                                       "role=Master", cib, &err), 0);
    assert_int_equal(hc_crm_apply_line("ms p-ms p meta clone-max=2", cib,
                                       &err), 0);
    xmlNode *ms = by_id(cib, "p-ms");
    assert_non_null(ms);
    assert_string_equal((const char *)ms->name, "clone");
    xmlNode *nv = by_id(cib, "p-ms-meta_attributes-promotable");
    assert_non_null(nv);
    assert_string_equal(crm_element_value(nv, "value"), "true");
    assert_string_equal(crm_element_value(by_id(cib, "p-monitor-9s"),
                                          "role"), "Promoted");
    assert_int_equal(hc_crm_apply_line("colocation c inf: testnet "
                                       "p-ms:Master", cib, &err), 0);
    assert_string_equal(crm_element_value(by_id(cib, "c"),
                                          "with-rsc-role"), "Promoted");
    free_xml(cib);

    /* A schema older than pacemaker-3.7 keeps the old names. */
    cib = new_cib();
    crm_xml_add(cib, "validate-with", "pacemaker-3.0");
    assert_int_equal(hc_crm_apply_line("colocation c inf: testnet "
                                       "drbd-r0-master:Promoted", cib,
                                       &err), 0);
    assert_string_equal(crm_element_value(by_id(cib, "c"),
                                          "with-rsc-role"), "Master");
    free_xml(cib);
}

static void test_apply_semantic_errors(void **state)
{
    xmlNode *cib = new_cib();
    hc_crm_error err;

    assert_int_equal(hc_crm_apply_line("colocation x inf: testnet drbd",
                                       cib, &err), -EINVAL);
    assert_string_equal(err.msg, "no resource named drbd; did you mean "
                        "drbd-r0-master?");
    assert_int_equal(err.word, 4);
    assert_int_equal(hc_crm_apply_line("primitive q Fake params beta=1", cib,
                                       &err), -EINVAL);
    assert_string_equal(err.msg, "ocf:test:Fake requires the parameter "
                        "alpha: add params alpha=...");
    assert_int_equal(hc_crm_apply_line("primitive q Fake params alpha=1 "
                                       "gamma=2", cib, &err), -EINVAL);
    assert_int_equal(err.word, 5);
    assert_int_equal(hc_crm_apply_line("location l testnet 5: nodeon", cib,
                                       &err), -EINVAL);
    assert_string_equal(err.msg, "no node named nodeon; did you mean "
                        "nodeone?");
    /* A bare type resolves to the one provider that has it. */
    assert_int_equal(hc_crm_apply_line("primitive q Fake params alpha=1",
                                       cib, &err), 0);
    assert_string_equal(crm_element_value(by_id(cib, "q"), "provider"),
                        "test");
    free_xml(cib);
}


/* The tutorial's stack, its DRBD clone made from an ms line. */
static const char stack_cib[] =
    "<cib validate-with=\"pacemaker-3.9\" epoch=\"1\" num_updates=\"0\" "
    "admin_epoch=\"0\"><configuration><crm_config/>"
    "<nodes><node id=\"1\" uname=\"nodeone\"/></nodes><resources>"
    "<primitive id=\"testnet\" class=\"ocf\" provider=\"heartbeat\" "
    "type=\"IPaddr2\"/>"
    "<primitive id=\"drbd-r0\" class=\"ocf\" provider=\"linbit\" "
    "type=\"drbd\"/>"
    "<primitive id=\"fs_data\" class=\"ocf\" provider=\"heartbeat\" "
    "type=\"Filesystem\"/>"
    "<primitive id=\"dhcp\" class=\"ocf\" provider=\"hacon\" "
    "type=\"dhcpd\"/>"
    "<primitive id=\"web\" class=\"systemd\" type=\"nginx\"/>"
    "</resources><constraints/></configuration><status/></cib>";

static int apply_advised(xmlNode *cib, const char *line,
                         hc_crm_advice *adv, hc_crm_error *err)
{
    hc_crm_cmd *c = NULL;
    int rc = hc_crm_parse(line, strlen(line), &c, err);

    if (rc == 0) {
        rc = hc_crm_apply_advised(c, cib, adv, err);
    }
    hc_crm_cmd_free(c);
    return rc;
}

static void test_advice(void **state)
{
    xmlNode *cib = string2xml(stack_cib);
    hc_crm_advice *adv = hc_crm_advice_new();
    hc_crm_error err;

    /* ms: converted with notes, Pacemaker 2's names, notify for drbd. */
    assert_int_equal(apply_advised(cib, "ms drbd-r0-master drbd-r0 meta "
                                   "master-max=1 master-node-max=1 "
                                   "clone-max=2", adv, &err), 0);
    assert_int_equal(adv->notes->len, 3);
    assert_non_null(strstr(adv->notes->pdata[0], "promotable clone"));
    assert_string_equal(adv->notes->pdata[1], "Written master-max=1 as "
                        "promoted-max=1, master-node-max=1 as "
                        "promoted-node-max=1: the names since Pacemaker "
                        "2.0.");
    assert_non_null(strstr(adv->notes->pdata[2], "notify=true"));
    assert_null(adv->fix);
    assert_null(by_id(cib, "drbd-r0-master-meta_attributes-master-max"));
    assert_string_equal(crm_element_value(by_id(cib,
        "drbd-r0-master-meta_attributes-promoted-max"), "value"), "1");
    assert_string_equal(crm_element_value(by_id(cib,
        "drbd-r0-master-meta_attributes-notify"), "value"), "true");
    hc_crm_advice_free(adv);

    /* The tutorial's three backwards colocations: applied as written,
     * with a warning and the line as meant. */
    static const char *const backwards[][2] = {
        { "crm configure colocation fs_on_drbd inf: drbd-r0-master:Master "
          "fs_data", "crm configure colocation fs_on_drbd inf: fs_data "
          "drbd-r0-master:Master" },
        { "colocation dhcp_on_net inf: testnet dhcp",
          "colocation dhcp_on_net inf: dhcp testnet" },
        { "colocation dhcp_on_fs inf: fs_data dhcp",
          "colocation dhcp_on_fs inf: dhcp fs_data" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(backwards); i++) {
        adv = hc_crm_advice_new();
        assert_int_equal(apply_advised(cib, backwards[i][0], adv, &err), 0);
        assert_int_equal(adv->warnings->len, 1);
        assert_non_null(strstr(adv->warnings->pdata[0], "follows"));
        assert_string_equal(adv->fix, backwards[i][1]);
        hc_crm_advice_free(adv);
    }
    assert_string_equal(crm_element_value(by_id(cib, "dhcp_on_net"), "rsc"),
                        "testnet");
    adv = hc_crm_advice_new();
    assert_int_equal(apply_advised(cib, "colocation ok inf: dhcp testnet",
                                   adv, &err), 0);
    assert_int_equal(adv->warnings->len, 0);
    assert_null(adv->fix);
    /* Keeping apart is not following. */
    assert_int_equal(apply_advised(cib, "colocation apart -inf: testnet "
                                   "dhcp", adv, &err), 0);
    assert_int_equal(adv->warnings->len, 0);
    hc_crm_advice_free(adv);

    /* An order says which resource depends on which, where the agents do
     * not. */
    adv = hc_crm_advice_new();
    assert_int_equal(apply_advised(cib, "order web_first inf: web dhcp",
                                   adv, &err), 0);
    assert_int_equal(apply_advised(cib, "colocation w inf: web dhcp", adv,
                                   &err), 0);
    assert_int_equal(adv->warnings->len, 1);
    assert_non_null(strstr(adv->warnings->pdata[0], "web_first"));
    assert_string_equal(adv->fix, "colocation w inf: dhcp web");
    hc_crm_advice_free(adv);

    /* A promotable clone without a role: the fix names Promoted. */
    adv = hc_crm_advice_new();
    assert_int_equal(apply_advised(cib, "colocation ip inf: testnet "
                                   "drbd-r0-master", adv, &err), 0);
    assert_int_equal(adv->warnings->len, 1);
    assert_non_null(strstr(adv->warnings->pdata[0], "Unpromoted included"));
    assert_string_equal(adv->fix, "colocation ip inf: testnet "
                        "drbd-r0-master:Promoted");
    hc_crm_advice_free(adv);
    /* Backwards and without a role: both corrected. */
    adv = hc_crm_advice_new();
    assert_int_equal(apply_advised(cib, "colocation ip2 inf: drbd-r0-master "
                                   "testnet", adv, &err), 0);
    assert_int_equal(adv->warnings->len, 2);
    assert_string_equal(adv->fix, "colocation ip2 inf: testnet "
                        "drbd-r0-master:Promoted");
    hc_crm_advice_free(adv);
    /* The hint for a wrong name is the clone with its role. */
    assert_int_equal(hc_crm_apply_line("colocation x inf: testnet drbd",
                                       cib, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "did you mean drbd-r0-master:Promoted?"));
    assert_int_equal(hc_crm_apply_line("colocation x inf: testnet drbd-r0",
                                       cib, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "drbd-r0-master:Promoted"));
    /* The tutorial's own agent is refused, naming the one to use. */
    assert_int_equal(hc_crm_apply_line("primitive d ocf:dieploegers:dhcp",
                                       cib, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "use ocf:hacon:dhcpd"));
    assert_non_null(strstr(err.msg, "ERRATA 17"));
    free_xml(cib);
}

/* Cluster options come from Pacemaker's daemons; a near miss is a typo. */
static void test_cluster_options(void **state)
{
    const GPtrArray *known = hc_crm_cluster_options();

    if (!known) {
        skip();     /* no pacemaker daemons here */
    }
    xmlNode *cib = new_cib();
    hc_crm_advice *adv = hc_crm_advice_new();
    hc_crm_error err;

    assert_int_equal(apply_advised(cib, "property no-quorum-polcy=ignore",
                                   adv, &err), -EINVAL);
    assert_string_equal(err.msg, "Pacemaker has no cluster option "
                        "no-quorum-polcy; did you mean no-quorum-policy?");
    assert_int_equal(err.word, 1);
    assert_int_equal(apply_advised(cib, "property stonith-enabled=false "
                                   "cluster-name=c enable-acl=false "
                                   "last-lrm-refresh=1", adv, &err), 0);
    assert_int_equal(adv->warnings->len, 0);
    assert_int_equal(apply_advised(cib, "property zzz-own-note=1", adv,
                                   &err), 0);
    assert_int_equal(adv->warnings->len, 1);
    /* Tab offers the same names. */
    GPtrArray *got = NULL;
    assert_int_equal(hc_crm_complete("property no-quorum-p", cib, &got), 0);
    assert_int_equal(got->len, 1);
    assert_string_equal(got->pdata[0], "no-quorum-policy=");
    g_ptr_array_unref(got);
    hc_crm_advice_free(adv);
    free_xml(cib);
}

static void test_apply_move_clear_delete(void **state)
{
    xmlNode *cib = new_cib();
    hc_crm_error err;

    assert_int_equal(hc_crm_apply_line("resource move testnet nodetwo", cib,
                                       &err), 0);
    xmlNode *l = by_id(cib, "cli-prefer-testnet");
    assert_non_null(l);
    assert_string_equal(crm_element_value(l, "node"), "nodetwo");
    assert_string_equal(crm_element_value(l, "score"), "INFINITY");
    assert_int_equal(hc_crm_apply_line("resource move testnet nodeone PT1H",
                                       cib, &err), 0);
    assert_non_null(by_id(cib, "cli-prefer-lifetime-end-testnet"));
    assert_int_equal(hc_crm_apply_line("resource clear testnet", cib, &err),
                     0);
    assert_null(by_id(cib, "cli-prefer-testnet"));
    assert_int_equal(hc_crm_apply_line("resource stop testnet", cib, &err),
                     0);
    assert_string_equal(crm_element_value(
        by_id(cib, "testnet-meta_attributes-target-role"), "value"),
        "Stopped");
    assert_int_equal(hc_crm_apply_line("node standby nodetwo", cib, &err),
                     0);
    assert_non_null(by_id(cib, "nodes-2-standby"));
    /* Deleting a resource takes the constraints that name it along. */
    assert_int_equal(hc_crm_apply_line("delete testnet", cib, &err), 0);
    assert_null(by_id(cib, "testnet"));
    assert_null(by_id(cib, "loc1"));
    /* The clone goes with its only resource. */
    assert_int_equal(hc_crm_apply_line("delete drbd-r0", cib, &err), 0);
    assert_null(by_id(cib, "drbd-r0-master"));
    free_xml(cib);
}

static void assert_completes(xmlNode *cib, const char *line,
                             const char *want)
{
    GPtrArray *got = NULL;
    GString *s = g_string_new(NULL);

    assert_int_equal(hc_crm_complete(line, cib, &got), 0);
    for (guint i = 0; i < got->len; i++) {
        g_string_append_printf(s, "%s%s", i ? " " : "",
                               (char *)got->pdata[i]);
    }
    if (strcmp(s->str, want)) {
        fail_msg("completing \"%s\": got \"%s\", want \"%s\"", line, s->str,
                 want);
    }
    g_string_free(s, TRUE);
    g_ptr_array_unref(got);
}

static void test_complete(void **state)
{
    xmlNode *cib = new_cib();

    assert_completes(cib, "r", "resource rsc_defaults");
    assert_completes(cib, "crm configure pr", "primitive property");
    assert_completes(cib, "resource m", "migrate move");
    assert_completes(cib, "resource move te", "testnet");
    assert_completes(cib, "resource move testnet ", "nodeone nodetwo");
    assert_completes(cib, "node standby nodet", "nodetwo");
    assert_completes(cib, "primitive x ocf:te", "ocf:test:Fake");
    assert_completes(cib, "primitive x ocf:test:Fake params ",
                     "alpha= beta= meta op params utilization");
    assert_completes(cib, "primitive x ocf:test:Fake op ",
                     "demote monitor notify promote reload start stop");
    /* A constraint names the clone, not the resource inside it. */
    assert_completes(cib, "colocation c inf: testnet drbd",
                     "drbd-r0-master");
    assert_completes(cib, "colocation c inf: testnet drbd-r0-master:P",
                     "drbd-r0-master:Promoted");
    assert_completes(cib, "order o inf: testnet:st",
                     "testnet:start testnet:stop");
    assert_completes(cib, "delete lo", "loc1");
    assert_completes(cib, "location l testnet inf: ", "nodeone nodetwo");
    assert_completes(cib, "primitive x 'open", "");
    free_xml(cib);
}

/* Deleting a clone keeps its resource; constraints follow it, as crmsh
 * does.  A stop of the resource inside a clone goes to the clone. */
static void test_delete_container_keeps_resources(void **state)
{
    xmlNode *cib = new_cib();
    hc_crm_error err;

    assert_int_equal(hc_crm_apply_line("location l2 drbd-r0-master 5: "
                                       "nodetwo", cib, &err), 0);
    assert_int_equal(hc_crm_apply_line("resource stop drbd-r0", cib, &err),
                     0);
    assert_non_null(by_id(cib, "drbd-r0-master-meta_attributes-target-role"));
    assert_int_equal(hc_crm_apply_line("delete drbd-r0-master", cib, &err),
                     0);
    assert_null(by_id(cib, "drbd-r0-master"));
    xmlNode *p = by_id(cib, "drbd-r0");
    assert_non_null(p);
    assert_string_equal((const char *)p->parent->name, "resources");
    assert_string_equal(crm_element_value(by_id(cib, "l2"), "rsc"),
                        "drbd-r0");
    free_xml(cib);
}

/* The whole way through a CIB file: the plan, the commit with its backup,
 * and the refusal when the file changed after the plan was made. */
static void test_plan_commit_and_stale(void **state)
{
    char *dir = g_dir_make_tmp("hacon-test-cib-XXXXXX", NULL);
    char *file = g_build_filename(dir, "cib.xml", NULL);
    char *backup = g_strdup_printf("%s~", file);
    hc_crm_plan *first = NULL, *second = NULL;
    hc_crm_error err;
    char *msg = NULL;

    assert_non_null(dir);
    assert_true(g_file_set_contents(file, base_cib, -1, NULL));
    setenv("CIB_file", file, 1);

    assert_int_equal(hc_crm_plan_new("property no-quorum-policy=ignore",
                                     false, &first, &err, &msg), 0);
    assert_non_null(strstr(first->diff, "no-quorum-policy"));
    assert_null(first->preview);
    assert_int_equal(hc_crm_plan_new("resource stop testnet", false,
                                     &second, &err, &msg), 0);
    assert_int_equal(hc_crm_plan_apply(second, NULL, &msg), 0);
    assert_true(g_file_test(backup, G_FILE_TEST_EXISTS));
    xmlNode *now = NULL;
    assert_int_equal(hc_crm_cib_query(&now, &msg), 0);
    assert_string_equal(crm_element_value(now, "epoch"), "2");
    assert_non_null(by_id(now, "testnet-meta_attributes-target-role"));
    free_xml(now);

    /* first was planned on epoch 1; the file is at 2 now. */
    assert_int_equal(hc_crm_plan_apply(first, NULL, &msg), -ESTALE);
    assert_non_null(strstr(msg, "changed since it was read"));
    g_free(msg);
    msg = NULL;

    /* A cleanup is not a CIB change: it is a command to run. */
    hc_crm_plan_free(second);
    assert_int_equal(hc_crm_plan_new("resource cleanup testnet nodeone",
                                     true, &second, &err, &msg), 0);
    assert_string_equal(second->cluster_argv[0], "crm_resource");
    assert_string_equal(second->cluster_argv[1], "--cleanup");
    assert_null(second->base);

    hc_crm_plan_free(first);
    hc_crm_plan_free(second);
    unsetenv("CIB_file");
    unlink(file);
    unlink(backup);
    rmdir(dir);
    g_free(file);
    g_free(backup);
    g_free(dir);
}

/* The fuzzer's corpus, replayed: parse, apply, complete and format the
 * error of every input (under SANITIZE= builds this is the ASan run). */
static void test_replay_fuzz_corpus(void **state)
{
    const char *top = getenv("HACON_TOP");
    char *dir = g_build_filename(top ? top : ".", "tests", "fuzz", "corpus",
                                 "crmsh", NULL);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    int n = 0;

    if (!d) {
        g_free(dir);
        skip();
    }
    xmlNode *base = new_cib();
    while ((name = g_dir_read_name(d))) {
        char *path = g_build_filename(dir, name, NULL);
        char *data = NULL;
        gsize len = 0;
        if (g_file_get_contents(path, &data, &len, NULL)) {
            hc_crm_cmd *c = NULL;
            hc_crm_error err;
            if (hc_crm_parse(data, len, &c, &err) == 0) {
                xmlNode *cib = copy_xml(base);
                hc_crm_apply(c, cib, &err);
                free_xml(cib);
                hc_crm_cmd_free(c);
            }
            GPtrArray *got = NULL;
            assert_int_equal(hc_crm_complete(data, base, &got), 0);
            g_ptr_array_unref(got);
            if (err.col <= strlen(data)) {
                g_free(hc_crm_error_format(data, &err));
            }
            n++;
        }
        g_free(data);
        g_free(path);
    }
    g_dir_close(d);
    free_xml(base);
    g_free(dir);
    assert_true(n > 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_tutorial_primitive),
        cmocka_unit_test(test_parse_constraints),
        cmocka_unit_test(test_parse_errors_name_the_word),
        cmocka_unit_test(test_suggestions),
        cmocka_unit_test(test_apply_ms_promotable_roles),
        cmocka_unit_test(test_apply_semantic_errors),
        cmocka_unit_test(test_advice),
        cmocka_unit_test(test_cluster_options),
        cmocka_unit_test(test_apply_move_clear_delete),
        cmocka_unit_test(test_complete),
        cmocka_unit_test(test_delete_container_keeps_resources),
        cmocka_unit_test(test_plan_commit_and_stale),
        cmocka_unit_test(test_replay_fuzz_corpus),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
