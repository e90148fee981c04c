/* Unit tests of core/status.c on the CIB fixtures of tests/golden/cib/
 * (run from the top of the tree, as tests/run.sh does). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <crm/common/xml.h>
#include <libxml/parser.h>

#include "status.h"

static hc_status *load(const char *name)
{
    char *path = g_strdup_printf("tests/golden/cib/%s.xml", name);
    xmlDoc *doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    hc_status *st = NULL;
    char *err = NULL;

    assert_non_null(doc);
    assert_int_equal(hc_status_from_xml(xmlDocGetRootElement(doc), 0, &st,
                                        &err), 0);
    assert_null(err);
    xmlFreeDoc(doc);
    g_free(path);
    return st;
}

static bool has_warning(const hc_status *st, const char *part)
{
    for (guint i = 0; i < st->cluster.warnings->len; i++) {
        if (strstr(g_ptr_array_index(st->cluster.warnings, i), part)) {
            return true;
        }
    }
    return false;
}

static void test_tutorial(void **state)
{
    hc_status *st = load("tutorial");
    hc_resource *ms, *r;
    hc_rsc_place *pl;

    assert_string_equal(st->cluster.name, "hacluster");
    assert_string_equal(st->cluster.stack, "corosync");
    assert_string_equal(st->cluster.dc, "nodeone");
    assert_true(st->cluster.quorate);
    assert_false(st->cluster.stonith_enabled);
    assert_string_equal(st->cluster.no_quorum_policy, "ignore");
    assert_true(has_warning(st, "fencing is disabled"));
    assert_true(has_warning(st, "no-quorum-policy=ignore"));
    assert_int_equal(st->nodes->len, 2);
    assert_int_equal(((hc_node *) g_ptr_array_index(st->nodes, 0))->state,
                     HC_NODE_ONLINE);

    ms = hc_status_find_resource(st, "drbd-r0-master");
    assert_non_null(ms);
    assert_int_equal(ms->kind, HC_RSC_PROMOTABLE);
    assert_int_equal(ms->children->len, 2);
    r = g_ptr_array_index(ms->children, 0);
    assert_string_equal(r->agent, "ocf:linbit:drbd");
    pl = g_ptr_array_index(r->places, 0);
    assert_string_equal(pl->role, "Promoted");
    assert_string_equal(pl->node, "nodeone");
    r = g_ptr_array_index(ms->children, 1);
    pl = g_ptr_array_index(r->places, 0);
    assert_string_equal(pl->role, "Unpromoted");   /* not "Started" */

    r = hc_status_find_resource(st, "dhcp");
    assert_string_equal(r->agent, "ocf:hacon:dhcpd");
    assert_int_equal(r->migration_threshold, 3);
    assert_int_equal(r->params->len, 3);
    assert_string_equal(((hc_nvpair *) g_ptr_array_index(r->params, 1))->value,
                        "/data/dhcp/dhcpd.leases");
    assert_int_equal(r->ops->len, 1);
    assert_null(hc_status_find_resource(st, "drbd"));
    hc_status_free(st);
}

static void test_constraints_in_words(void **state)
{
    hc_status *st = load("tutorial");
    const char *want[][2] = {
        { "fs_with_drbd", "fs_data runs where drbd-r0-master is Promoted "
                          "(INFINITY)" },
        { "dhcp_with_fs", "dhcp runs where fs_data runs (INFINITY)" },
        { "ip_before_dhcp", "testnet starts before dhcp starts (Mandatory)" },
        { "drbd_before_fs", "drbd-r0-master promotes before fs_data starts "
                            "(Mandatory)" },
    };

    for (size_t k = 0; k < G_N_ELEMENTS(want); k++) {
        bool found = false;

        for (guint i = 0; i < st->constraints->len; i++) {
            hc_constraint *c = g_ptr_array_index(st->constraints, i);

            if (!strcmp(c->id, want[k][0])) {
                char *d = hc_constraint_describe(c);

                assert_string_equal(d, want[k][1]);
                assert_false(c->leftover);
                g_free(d);
                found = true;
            }
        }
        assert_true(found);
    }
    hc_status_free(st);
}

static void test_standby(void **state)
{
    hc_status *st = load("standby");
    hc_node *one = hc_status_find_node(st, "nodeone");
    hc_node *two = hc_status_find_node(st, "nodetwo");

    assert_int_equal(one->state, HC_NODE_STANDBY);
    assert_int_equal(one->running->len, 0);
    assert_int_equal(two->state, HC_NODE_ONLINE);
    assert_int_equal(two->running->len, 4);
    hc_status_free(st);
}

static void test_failed(void **state)
{
    hc_status *st = load("failed");
    hc_resource *r = hc_status_find_resource(st, "dhcp");
    hc_failed_action *f;
    hc_failcount *fc;

    assert_int_equal(st->failed->len, 1);
    f = g_ptr_array_index(st->failed, 0);
    assert_string_equal(f->resource, "dhcp");
    assert_string_equal(f->node, "nodeone");
    assert_string_equal(f->task, "monitor");
    assert_int_equal(f->interval_ms, 10000);
    assert_int_equal(f->rc, 7);
    assert_string_equal(f->rc_text, "not running");
    assert_int_equal(r->failcounts->len, 1);
    fc = g_ptr_array_index(r->failcounts, 0);
    assert_string_equal(fc->node, "nodeone");
    assert_int_equal(fc->count, 1);
    assert_true(has_warning(st, "1 failed action"));
    hc_status_free(st);
}

static void test_moved(void **state)
{
    hc_status *st = load("moved");
    hc_constraint *leftover = NULL;

    for (guint i = 0; i < st->constraints->len; i++) {
        hc_constraint *c = g_ptr_array_index(st->constraints, i);

        if (c->leftover) {
            leftover = c;
        }
    }
    assert_non_null(leftover);
    assert_string_equal(leftover->id, "cli-prefer-drbd-r0-master");
    assert_string_equal(leftover->node, "nodetwo");
    assert_true(has_warning(st, "cli-prefer-drbd-r0-master is left from a "
                                "move"));
    assert_int_equal(hc_status_find_node(st, "nodetwo")->running->len, 4);
    hc_status_free(st);
}

static void test_not_a_cib(void **state)
{
    xmlNode *x = create_xml_node(NULL, "configuration");
    hc_status *st = NULL;
    char *err = NULL;

    assert_int_equal(hc_status_from_xml(x, 0, &st, &err), -EINVAL);
    assert_null(st);
    assert_non_null(strstr(err, "not a CIB"));
    g_free(err);
    free_xml(x);
}

static void test_text_escapes(void **state)
{
    /* A node name with an escape sequence never reaches the terminal. */
    hc_status *st = load("bare");
    hc_node *n = g_ptr_array_index(st->nodes, 0);
    GString *out = g_string_new(NULL);

    g_free(n->name);
    n->name = g_strdup("evil\x1b]0;pwned\x07");
    hc_status_format_text(st, out);
    assert_null(strchr(out->str, '\x1b'));
    assert_null(strchr(out->str, '\x07'));
    assert_non_null(strstr(out->str, "evil\\x1b]0;pwned\\x07"));
    g_string_truncate(out, 0);
    hc_status_format_json(st, out);
    assert_null(strchr(out->str, '\x1b'));
    assert_non_null(strstr(out->str, "evil\\u001b]0;pwned\\u0007"));
    g_string_free(out, TRUE);
    hc_status_free(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tutorial),
        cmocka_unit_test(test_constraints_in_words),
        cmocka_unit_test(test_standby),
        cmocka_unit_test(test_failed),
        cmocka_unit_test(test_moved),
        cmocka_unit_test(test_not_a_cib),
        cmocka_unit_test(test_text_escapes),
    };

    crm_xml_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
