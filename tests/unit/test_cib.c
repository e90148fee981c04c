/* core/cib.c: the CIB connection on a CIB file (CIB_file=, libcib's own
 * file backend, as crm_mon and cibadmin use it), the checks of a CIB
 * file, and the editing helpers the wizard's steps use on a copy of the
 * CIB, on the tutorial's fixtures in tests/golden/cib/ copied to a
 * temporary directory. */
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

#include <crm/crm.h>
#include <crm/common/xml.h>

#include "cib.h"
#include "util.h"

static char *dir;       /* the test's temporary directory */

static char *fixture_path(const char *name)
{
    const char *top = getenv("HACON_TOP");

    return g_strdup_printf("%s/tests/golden/cib/%s", top ? top : ".", name);
}

/* A copy of the fixture in the temporary directory (g_free). */
static char *copy_fixture(const char *name)
{
    char *src = fixture_path(name), *dst = g_build_filename(dir, name, NULL);
    char *text = NULL;
    size_t len;

    assert_int_equal(hc_read_file(src, &text, &len), 0);
    assert_int_equal(hc_write_file_atomic(dst, text, len, 0644, false), 0);
    g_free(text);
    g_free(src);
    return dst;
}

static char *write_tmp(const char *name, const char *text)
{
    char *p = g_build_filename(dir, name, NULL);

    assert_int_equal(hc_write_file_atomic(p, text, strlen(text), 0644,
                                          false), 0);
    return p;
}

static xmlNode *load(const char *name)
{
    char *p = fixture_path(name), *err = NULL;
    xmlNode *cib = NULL;

    assert_int_equal(hc_cib_load_file(p, &cib, &err), 0);
    assert_null(err);
    g_free(p);
    return cib;
}

static int setup(void **state)
{
    dir = g_dir_make_tmp("hacon-test-cib-XXXXXX", NULL);
    assert_non_null(dir);
    unsetenv("CIB_shadow");
    unsetenv("CIB_user");
    return 0;
}

static int teardown(void **state)
{
    const char *argv[] = { "rm", "-rf", dir, NULL };
    int status;

    g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                 NULL, NULL, &status, NULL);
    g_free(dir);
    unsetenv("CIB_file");
    return 0;
}

/* ------------------------------------------------------------ files */

static void check_file_messages(void **state)
{
    char *bad = write_tmp("bad.xml", "<cib>\n  <configuration>\n</cib>\n");
    char *other = write_tmp("other.xml", "<html/>\n");
    char *missing = g_build_filename(dir, "missing.xml", NULL);
    char *good = fixture_path("bare.xml"), *err = NULL;

    assert_int_equal(hc_cib_check_file(good, &err), 0);
    assert_null(err);

    assert_int_equal(hc_cib_check_file(bad, &err), -EINVAL);
    assert_true(g_str_has_prefix(err, bad));
    assert_non_null(strstr(err, "is not valid XML: "));
    assert_null(strchr(err, '\n'));
    g_clear_pointer(&err, g_free);

    assert_int_equal(hc_cib_check_file(other, &err), -EINVAL);
    assert_non_null(strstr(err, "is not a CIB: its root element is <html>, "
                           "not <cib>"));
    g_clear_pointer(&err, g_free);

    assert_int_equal(hc_cib_check_file(missing, &err), -ENOENT);
    assert_non_null(strstr(err, "cannot read "));
    assert_non_null(strstr(err, "missing.xml"));
    g_clear_pointer(&err, g_free);
    /* Without ret_err, only the code. */
    assert_int_equal(hc_cib_check_file(missing, NULL), -ENOENT);

    g_free(good);
    g_free(missing);
    g_free(other);
    g_free(bad);
}

static void load_file_adds_status_and_validates(void **state)
{
    /* A CIB without a status section gets one, as libcib's file backend
     * gives it on sign-on. */
    char *nostatus = write_tmp("nostatus.xml",
        "<cib validate-with=\"pacemaker-3.0\" epoch=\"1\" num_updates=\"0\" "
        "admin_epoch=\"0\"><configuration><crm_config/><nodes/><resources/>"
        "<constraints/></configuration></cib>");
    char *invalid = write_tmp("invalid.xml",
        "<cib validate-with=\"pacemaker-3.0\" epoch=\"1\" num_updates=\"0\" "
        "admin_epoch=\"0\"><configuration><crm_config/><nodes/><resources>"
        "<primitive id=\"x\"/></resources><constraints/></configuration>"
        "</cib>");
    xmlNode *cib = NULL;
    char *err = NULL;

    assert_int_equal(hc_cib_load_file(nostatus, &cib, &err), 0);
    assert_non_null(pcmk_find_cib_element(cib, "status"));
    free_xml(cib);
    cib = NULL;

    assert_int_equal(hc_cib_load_file(invalid, &cib, &err), -EINVAL);
    assert_null(cib);
    assert_non_null(strstr(err, "does not validate against its schema "
                           "(pacemaker-3.0)"));
    g_free(err);
    g_free(invalid);
    g_free(nostatus);
}

/* ------------------------------------------------------------ connection */

static void connect_query_replace_on_a_file(void **state)
{
    char *path = copy_fixture("bare.xml"), *err = NULL, *src;
    hc_cib *c = NULL;
    xmlNode *cib = NULL, *again = NULL;

    setenv("CIB_file", path, 1);
    assert_int_equal(hc_cib_connect(&c, &err), 0);
    assert_true(hc_cib_is_file(c));
    src = g_strdup_printf("file %s", path);
    assert_string_equal(hc_cib_source(c), src);
    assert_int_equal(hc_cib_query(c, &cib, &err), 0);
    assert_string_equal((const char *) cib->name, "cib");
    assert_null(hc_cib_property(cib, "stonith-enabled"));

    /* One atomic replace; a new connection (and the file, once this one
     * signs off) sees it. */
    assert_int_equal(hc_cib_set_property(cib, "stonith-enabled", "false"), 0);
    assert_int_equal(hc_cib_replace(c, cib, &err), 0);
    hc_cib_free(c);
    c = NULL;
    assert_int_equal(hc_cib_connect(&c, &err), 0);
    assert_int_equal(hc_cib_query(c, &again, &err), 0);
    assert_string_equal(hc_cib_property(again, "stonith-enabled"), "false");
    assert_int_equal(hc_cib_check_write(c), 0);
    hc_cib_free(c);
    free_xml(again);
    free_xml(cib);
    g_free(src);
    g_free(path);
}

static void connect_refuses_a_broken_file(void **state)
{
    char *bad = write_tmp("bad.xml", "<cib><configuration></cib>");
    char *err = NULL;
    hc_cib *c = NULL;

    setenv("CIB_file", bad, 1);
    assert_int_equal(hc_cib_connect(&c, &err), -EINVAL);
    assert_null(c);
    assert_non_null(strstr(err, "is not valid XML"));
    g_free(err);
    g_free(bad);
}

/* With CIB_user= the file backend applies that user's ACLs: with ACLs
 * on and no role for the user, the probe update is denied. */
static void check_write_applies_acls(void **state)
{
    char *path = copy_fixture("bare.xml"), *err = NULL;
    hc_cib *c = NULL;
    xmlNode *cib = NULL;

    setenv("CIB_file", path, 1);
    setenv("CIB_user", "hacon-test-nobody", 1);
    assert_int_equal(hc_cib_connect(&c, &err), 0);
    assert_int_equal(hc_cib_check_write(c), 0);
    unsetenv("CIB_user");
    assert_int_equal(hc_cib_query(c, &cib, &err), 0);
    assert_int_equal(hc_cib_set_property(cib, "enable-acl", "true"), 0);
    assert_int_equal(hc_cib_replace(c, cib, &err), 0);
    hc_cib_free(c);
    c = NULL;

    setenv("CIB_user", "hacon-test-nobody", 1);
    assert_int_equal(hc_cib_connect(&c, &err), 0);
    assert_int_equal(hc_cib_check_write(c), -EACCES);
    unsetenv("CIB_user");
    hc_cib_free(c);
    free_xml(cib);
    g_free(path);
}

/* ------------------------------------------------------------ editing */

static void property_set_update_remove(void **state)
{
    xmlNode *cib = load("bare.xml"), *nv;
    xmlNode *bare = NULL;
    const char *id;

    /* New: in cib-bootstrap-options, with crm_attribute's id. */
    assert_int_equal(hc_cib_set_property(cib, "no-quorum-policy", "ignore"),
                     0);
    assert_string_equal(hc_cib_property(cib, "no-quorum-policy"), "ignore");
    nv = get_xpath_object("//crm_config/cluster_property_set"
                          "[@id='cib-bootstrap-options']"
                          "/nvpair[@name='no-quorum-policy']", cib,
                          LOG_NEVER);
    assert_non_null(nv);
    id = crm_element_value(nv, "id");
    assert_string_equal(id, "cib-bootstrap-options-no-quorum-policy");

    /* Updated in place, not doubled. */
    assert_int_equal(hc_cib_set_property(cib, "no-quorum-policy", "stop"),
                     0);
    assert_string_equal(hc_cib_property(cib, "no-quorum-policy"), "stop");
    {
        xmlXPathObject *xo = xpath_search(cib, "//nvpair[@name="
                                          "'no-quorum-policy']");

        assert_int_equal(numXpathResults(xo), 1);
        freeXpathObject(xo);
    }

    /* Removed; removing what is not there is no error. */
    assert_int_equal(hc_cib_set_property(cib, "no-quorum-policy", NULL), 0);
    assert_null(hc_cib_property(cib, "no-quorum-policy"));
    assert_int_equal(hc_cib_set_property(cib, "no-quorum-policy", NULL), 0);
    bare = load("bare.xml");
    assert_true(hc_cib_same_config(cib, bare));
    free_xml(bare);
    free_xml(cib);
}

static void property_set_creates_the_set(void **state)
{
    xmlNode *cib = string2xml("<cib><configuration><crm_config/>"
                              "</configuration><status/></cib>");
    xmlNode *none = string2xml("<cib><configuration/></cib>");

    assert_int_equal(hc_cib_set_property(cib, "stonith-enabled", "false"), 0);
    assert_non_null(get_xpath_object("//crm_config/cluster_property_set"
                                     "[@id='cib-bootstrap-options']/nvpair"
                                     "[@id='cib-bootstrap-options-stonith-"
                                     "enabled'][@value='false']", cib,
                                     LOG_NEVER));
    /* No crm_config to put it in. */
    assert_int_equal(hc_cib_set_property(none, "stonith-enabled", "false"),
                     -EINVAL);
    free_xml(none);
    free_xml(cib);
}

static void find_remove_add_by_id(void **state)
{
    xmlNode *cib = load("tutorial.xml"), *n;

    n = hc_cib_find_id(cib, "dhcp");
    assert_non_null(n);
    assert_string_equal((const char *) n->name, "primitive");
    assert_null(hc_cib_find_id(cib, "nothing-has-this-id"));
    /* An id that would break out of the XPath is nobody's. */
    assert_null(hc_cib_find_id(cib, "dhcp' or @id='fs_data"));

    /* Only the configuration counts: status has ids too. */
    assert_null(hc_cib_find_id(cib, "drbd-r0_last_0"));

    assert_true(hc_cib_remove_id(cib, "dhcp"));
    assert_null(hc_cib_find_id(cib, "dhcp"));
    assert_false(hc_cib_remove_id(cib, "dhcp"));

    assert_int_equal(hc_cib_add_xml(cib, "resources",
                                    "<primitive id=\"dhcp\" class=\"ocf\" "
                                    "provider=\"hacon\" type=\"dhcpd\"/>"),
                     0);
    n = hc_cib_find_id(cib, "dhcp");
    assert_non_null(n);
    assert_string_equal(crm_element_value(n, "provider"), "hacon");
    /* Broken XML is refused, not recovered into an element without its
     * attributes (Pacemaker's string2xml() did that, and leaked the
     * document of text without an element). */
    assert_int_equal(hc_cib_add_xml(cib, "resources", "<primitive id="),
                     -EINVAL);
    assert_int_equal(hc_cib_add_xml(cib, "resources", "<a><b></a>"),
                     -EINVAL);
    assert_int_equal(hc_cib_add_xml(cib, "resources", "no element"),
                     -EINVAL);
    assert_int_equal(hc_cib_add_xml(cib, "resources", ""), -EINVAL);
    free_xml(cib);
}

static void add_xml_creates_the_section(void **state)
{
    xmlNode *cib = string2xml("<cib><configuration><crm_config/>"
                              "</configuration></cib>");
    xmlNode *none = string2xml("<cib/>");

    assert_int_equal(hc_cib_add_xml(cib, "constraints",
                                    "<rsc_location id=\"l\" rsc=\"a\" "
                                    "node=\"n\" score=\"1\"/>"), 0);
    assert_non_null(get_xpath_object("//configuration/constraints"
                                     "/rsc_location[@id='l']", cib,
                                     LOG_NEVER));
    assert_int_equal(hc_cib_add_xml(none, "constraints", "<x id=\"y\"/>"),
                     -EINVAL);
    free_xml(none);
    free_xml(cib);
}

/* The configuration alone: a status that differs does not count. */
static void same_config_ignores_status(void **state)
{
    xmlNode *a = load("tutorial.xml"), *b = load("standby.xml");
    xmlNode *c = copy_xml(a), *st = pcmk_find_cib_element(c, "status");

    assert_true(hc_cib_same_config(a, c));
    free_xml(st);
    assert_true(hc_cib_same_config(a, c));
    assert_int_equal(hc_cib_set_property(c, "stonith-enabled", "true"), 0);
    assert_false(hc_cib_same_config(a, c));
    assert_false(hc_cib_same_config(a, b));
    assert_false(hc_cib_same_config(a, NULL));
    assert_true(hc_cib_same_config(NULL, NULL));
    free_xml(c);
    free_xml(b);
    free_xml(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(check_file_messages, setup, teardown),
        cmocka_unit_test_setup_teardown(load_file_adds_status_and_validates,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(connect_query_replace_on_a_file,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(connect_refuses_a_broken_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(check_write_applies_acls, setup,
                                        teardown),
        cmocka_unit_test(property_set_update_remove),
        cmocka_unit_test(property_set_creates_the_set),
        cmocka_unit_test(find_remove_add_by_id),
        cmocka_unit_test(add_xml_creates_the_section),
        cmocka_unit_test(same_config_ignores_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
