/* core/leases_locate: the lease file found from CIB files written for it
 * (tests/leases/cib/), as cibadmin --query prints them. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <glib.h>
#include <libxml/parser.h>

#include "leases_locate.h"

static xmlDoc *load(const char *name)
{
    const char *top = getenv("HACON_TOP");
    char *path = g_strdup_printf("%s/tests/leases/cib/%s", top ? top : ".",
                                 name);
    xmlDoc *doc = xmlReadFile(path, NULL, XML_PARSE_NONET);

    assert_non_null(doc);
    g_free(path);
    return doc;
}

static void test_hacon_agent(void **state)
{
    xmlDoc *doc = load("hacon-agent.xml");
    hc_leases_location loc;
    char *d;

    assert_int_equal(hc_leases_locate(xmlDocGetRootElement(doc), &loc), 0);
    assert_string_equal(loc.dhcpd_rsc, "dhcp");
    assert_string_equal(loc.agent, "ocf:hacon:dhcpd");
    assert_string_equal(loc.leases, "/data/dhcp/dhcpd.leases");
    assert_string_equal(loc.config, "/etc/dhcp/dhcpd.conf");
    /* The longest mount point above the file: not "/", not /database. */
    assert_string_equal(loc.fs_rsc, "fs_data");
    assert_string_equal(loc.fs_directory, "/data/");
    assert_string_equal(loc.fs_device, "/dev/drbd1");
    assert_string_equal(loc.node, "nodeone");
    d = hc_leases_location_describe(&loc);
    assert_string_equal(d, "leases on /data/ (fs_data, running on nodeone)");
    g_free(d);
    hc_leases_location_clear(&loc);
    xmlFreeDoc(doc);
}

/* ocf:heartbeat:dhcpd: leases relative to chrooted_path even unchrooted. */
static void test_heartbeat_agent(void **state)
{
    xmlDoc *doc = load("heartbeat-agent.xml");
    hc_leases_location loc;

    assert_int_equal(hc_leases_locate(xmlDocGetRootElement(doc), &loc), 0);
    assert_string_equal(loc.agent, "ocf:heartbeat:dhcpd");
    assert_string_equal(loc.leases, "/var/lib/dhcp/dhcpd.leases");
    assert_string_equal(loc.config, "/etc/dhcp/dhcpd.conf");
    assert_string_equal(loc.fs_rsc, "p_fs_dhcp");
    assert_string_equal(loc.node, "nodetwo");
    hc_leases_location_clear(&loc);

    /* A newer stop on that node: not running anywhere. */
    {
        xmlChar *xml;
        int len;
        GString *s;

        xmlDocDumpMemory(doc, &xml, &len);
        s = g_string_new((const char *) xml);
        xmlFree(xml);
        xmlFreeDoc(doc);
        g_string_replace(s, "</lrm_resource>",
                         "<lrm_rsc_op id=\"x\" operation=\"stop\" "
                         "call-id=\"9\" rc-code=\"0\"/></lrm_resource>", 1);
        doc = xmlReadMemory(s->str, (int) s->len, "cib.xml", NULL, 0);
        g_string_free(s, TRUE);
        assert_non_null(doc);
    }
    assert_int_equal(hc_leases_locate(xmlDocGetRootElement(doc), &loc), 0);
    assert_null(loc.node);
    {
        char *d = hc_leases_location_describe(&loc);

        assert_string_equal(d, "leases on /var/lib/dhcp (p_fs_dhcp, "
                            "not running)");
        g_free(d);
    }
    hc_leases_location_clear(&loc);
    xmlFreeDoc(doc);
}

/* ocf:hacon:kea-dhcp4: no lease parameter (Kea's config names the file),
 * the agent's default config, the node where Kea runs. */
static void test_kea_agent(void **state)
{
    xmlDoc *doc = load("kea-agent.xml");
    hc_leases_location loc;
    char *d;

    assert_int_equal(hc_leases_locate(xmlDocGetRootElement(doc), &loc), 0);
    assert_string_equal(loc.dhcpd_rsc, "kea");
    assert_string_equal(loc.agent, "ocf:hacon:kea-dhcp4");
    assert_true(loc.kea);
    assert_null(loc.leases);
    assert_string_equal(loc.config, "/etc/kea/kea-dhcp4.conf");
    assert_null(loc.fs_rsc);
    assert_string_equal(loc.node, "nodeone");
    /* What the admin reads above the table: where the file's name comes
     * from, not a question mark. */
    d = hc_leases_location_describe(&loc);
    assert_string_equal(d, "leases named in /etc/kea/kea-dhcp4.conf (kea, "
                        "running on nodeone)");
    g_free(d);
    hc_leases_location_clear(&loc);
    xmlFreeDoc(doc);
}

static void test_defaults_and_none(void **state)
{
    xmlDoc *doc = load("heartbeat-defaults.xml");
    hc_leases_location loc;

    assert_int_equal(hc_leases_locate(xmlDocGetRootElement(doc), &loc), 0);
    /* The agent's defaults: chrooted in /var/lib/dhcp, /db/dhcpd.leases. */
    assert_string_equal(loc.leases, "/var/lib/dhcp/db/dhcpd.leases");
    assert_string_equal(loc.config, "/var/lib/dhcp/etc/dhcp/dhcpd.conf");
    assert_null(loc.fs_rsc);
    assert_null(loc.node);
    hc_leases_location_clear(&loc);
    xmlFreeDoc(doc);

    doc = load("no-dhcpd.xml");
    assert_int_equal(hc_leases_locate(xmlDocGetRootElement(doc), &loc),
                     -ENOENT);
    hc_leases_location_clear(&loc);
    xmlFreeDoc(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hacon_agent),
        cmocka_unit_test(test_heartbeat_agent),
        cmocka_unit_test(test_kea_agent),
        cmocka_unit_test(test_defaults_and_none),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
