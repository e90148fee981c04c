/* core/drbd_cib.c: DRBD state from the real captures next to the CIB of
 * tests/drbd/cib/r0-fenced.xml (the tutorial's resources as a promotable
 * clone; alpha Promoted; a constraint left by crm-fence-peer). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libxml/parser.h>

#include "drbd.h"
#include "drbd_cib.h"
#include "util.h"

static char *path_of(const char *rel)
{
    const char *top = getenv("HACON_TOP");
    return g_strdup_printf("%s/%s", top ? top : ".", rel);
}

static hc_drbd *model_from(const char *capture)
{
    char *p = path_of(capture), *buf = NULL;
    size_t len = 0;
    hc_drbd *d = hc_drbd_new();

    assert_int_equal(hc_read_file(p, &buf, &len), 0);
    assert_true(hc_drbd_feed_events2(d, buf, len, -1) >= 0);
    g_free(buf);
    g_free(p);
    return d;
}

static xmlDoc *cib_doc(void)
{
    char *p = path_of("tests/drbd/cib/r0-fenced.xml");
    xmlDoc *doc = xmlReadFile(p, NULL, XML_PARSE_NONET);

    assert_non_null(doc);
    g_free(p);
    return doc;
}

static GPtrArray *warnings_for(const char *capture, const char *node)
{
    xmlDoc *doc = cib_doc();
    hc_drbd *d = model_from(capture);
    GPtrArray *w = g_ptr_array_new_with_free_func(g_free);

    assert_int_equal(hc_drbd_cib_warnings(xmlDocGetRootElement(doc), d,
                                          node, w), 0);
    hc_drbd_free(d);
    xmlFreeDoc(doc);
    return w;
}

static bool has(GPtrArray *w, const char *needle)
{
    for (guint i = 0; i < w->len; i++) {
        if (strstr(w->pdata[i], needle)) {
            return true;
        }
    }
    for (guint i = 0; i < w->len; i++) {
        print_message("warning: %s\n", (char *)w->pdata[i]);
    }
    return false;
}

static void links_of_tutorial_cib(void **state)
{
    xmlDoc *doc = cib_doc();
    GPtrArray *links = g_ptr_array_new_with_free_func(
        (GDestroyNotify)hc_drbd_cib_link_free);
    hc_drbd_cib_link *l;

    assert_int_equal(hc_drbd_cib_links(xmlDocGetRootElement(doc), NULL,
                                       links), 0);
    assert_int_equal(links->len, 1);
    l = links->pdata[0];
    assert_string_equal(l->drbd_resource, "r0");
    assert_string_equal(l->primitive, "drbd-r0");
    assert_string_equal(l->clone, "drbd-r0-master");
    assert_string_equal(l->promoted_node, "alpha");
    assert_string_equal(l->filesystem, "fs_data");
    assert_string_equal(l->mountpoint, "/data");
    assert_int_equal(l->services->len, 2);
    assert_string_equal(l->services->pdata[0], "dhcp");
    assert_string_equal(l->services->pdata[1], "testnet");
    g_ptr_array_free(links, TRUE);
    xmlFreeDoc(doc);
}

/* /dev/drbd1 as the device: the model's minor names the resource. */
static void filesystem_by_minor(void **state)
{
    xmlDoc *doc = cib_doc();
    xmlNode *root = xmlDocGetRootElement(doc);
    hc_drbd *d = model_from("tests/drbd/captures/connected-uptodate.alpha.events2");
    GPtrArray *links = g_ptr_array_new_with_free_func(
        (GDestroyNotify)hc_drbd_cib_link_free);
    char *buf;
    xmlDoc *doc2;
    xmlChar *mem;
    int n;

    xmlDocDumpMemory(doc, &mem, &n);
    buf = g_strdup((const char *)mem);
    xmlFree(mem);
    {
        char *at = strstr(buf, "/dev/drbd/by-res/r0");
        assert_non_null(at);
        memcpy(at, "/dev/drbd1\"         ", 20);
    }
    doc2 = xmlReadMemory(buf, (int)strlen(buf), NULL, NULL, XML_PARSE_NONET);
    assert_non_null(doc2);
    assert_int_equal(hc_drbd_cib_links(xmlDocGetRootElement(doc2), d,
                                       links), 0);
    assert_string_equal(((hc_drbd_cib_link *)links->pdata[0])->filesystem,
                        "fs_data");
    (void)root;
    g_free(buf);
    g_ptr_array_free(links, TRUE);
    hc_drbd_free(d);
    xmlFreeDoc(doc2);
    xmlFreeDoc(doc);
}

static void agreeing_state_only_fence_warning(void **state)
{
    GPtrArray *w = warnings_for(
        "tests/drbd/captures/connected-uptodate.alpha.events2", "alpha");

    assert_int_equal(w->len, 1);
    assert_true(has(w, "drbd-fence-by-handler-r0-drbd-r0-master"));
    g_ptr_array_free(w, TRUE);
}

static void primary_where_not_promoted(void **state)
{
    /* Both Primary after the split: beta is Primary, Pacemaker promoted
     * alpha. */
    GPtrArray *w = warnings_for("tests/drbd/captures/both-primary.beta.events2",
                                "beta");

    assert_true(has(w, "DRBD r0 is Primary on beta, but Pacemaker has "
                       "drbd-r0-master promoted on alpha"));
    assert_true(has(w, "StandAlone"));
    g_ptr_array_free(w, TRUE);
}

static void promoted_but_secondary(void **state)
{
    GPtrArray *w = warnings_for(
        "tests/drbd/captures/connected-inconsistent.alpha.events2", "alpha");

    assert_true(has(w, "Pacemaker has drbd-r0-master promoted on alpha, but "
                       "DRBD r0 is Secondary there"));
    g_ptr_array_free(w, TRUE);
}

static void outdated_peer_and_local(void **state)
{
    GPtrArray *w = warnings_for("tests/drbd/captures/outdated.beta.events2",
                                "beta");

    assert_true(has(w, "the data here is Outdated"));
    g_ptr_array_free(w, TRUE);
    w = warnings_for("tests/drbd/captures/diskless.alpha.events2", "alpha");
    assert_int_equal(w->len, 1);    /* Diskless peer: only the fence one */
    g_ptr_array_free(w, TRUE);
}

static void split_brain_warning(void **state)
{
    GPtrArray *w = warnings_for(
        "tests/drbd/captures/live-to-split-brain.alpha.events2", "alpha");

    assert_true(has(w, "split brain"));
    g_ptr_array_free(w, TRUE);
}

static void bad_input(void **state)
{
    static const char empty_cib[] =
        "<cib><configuration><resources/></configuration></cib>";
    hc_drbd *d = hc_drbd_new();
    GPtrArray *w = g_ptr_array_new_with_free_func(g_free);
    xmlDoc *doc = xmlReadMemory("<notcib/>", 9, NULL, NULL, 0);

    assert_int_equal(hc_drbd_cib_warnings(xmlDocGetRootElement(doc), d,
                                          "alpha", w), -EINVAL);
    assert_int_equal(hc_drbd_cib_warnings_file("/nonexistent", d, "alpha",
                                               w), -EINVAL);
    xmlFreeDoc(doc);
    /* A DRBD resource Pacemaker does not know. */
    doc = xmlReadMemory(empty_cib, (int)strlen(empty_cib), NULL, NULL, 0);
    assert_non_null(doc);
    hc_drbd_feed_events2_line(d, "exists resource name:r9 role:Secondary",
                              38, 0);
    assert_int_equal(hc_drbd_cib_warnings(xmlDocGetRootElement(doc), d,
                                          "alpha", w), 0);
    assert_true(has(w, "DRBD r9 is not managed by Pacemaker"));
    /* A minor whose name is not known (yet): not called unmanaged under
     * a name that is not its own. */
    hc_drbd_clear(d);
    g_ptr_array_set_size(w, 0);
    {
        static const char proc[] =
            "version: 8.4.11 (api:1/proto:86-101)\n"
            " 1: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----\n";

        assert_int_equal(hc_drbd_feed_proc(d, proc, strlen(proc), 0, NULL),
                         0);
    }
    assert_int_equal(hc_drbd_cib_warnings(xmlDocGetRootElement(doc), d,
                                          "alpha", w), 0);
    assert_false(has(w, "minor1"));
    assert_true(has(w, "DRBD minor 1 (name unknown): which Pacemaker "
                       "resource manages it is known once its name is"));
    xmlFreeDoc(doc);
    g_ptr_array_free(w, TRUE);
    hc_drbd_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(links_of_tutorial_cib),
        cmocka_unit_test(filesystem_by_minor),
        cmocka_unit_test(agreeing_state_only_fence_warning),
        cmocka_unit_test(primary_where_not_promoted),
        cmocka_unit_test(promoted_but_secondary),
        cmocka_unit_test(outdated_peer_and_local),
        cmocka_unit_test(split_brain_warning),
        cmocka_unit_test(bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
