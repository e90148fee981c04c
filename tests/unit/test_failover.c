/* Unit tests of core/failover.c: the parts that need no live cluster (the
 * colocation chain and its anchor from a CIB, the {node} substitution, a
 * run refused before it changes anything and its report). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <math.h>
#include <string.h>

#include <crm/common/xml.h>
#include <libxml/parser.h>

#include "failover.h"
#include "failover_events.h"
#include "status.h"

static hc_status *status_of(xmlDoc *doc)
{
    hc_status *st = NULL;
    char *err = NULL;

    assert_non_null(doc);
    assert_int_equal(hc_status_from_xml(xmlDocGetRootElement(doc), 0, &st,
                                        &err), 0);
    assert_null(err);
    xmlFreeDoc(doc);
    return st;
}

static bool has(const GPtrArray *a, const char *s)
{
    for (guint i = 0; i < a->len; i++) {
        if (!strcmp(a->pdata[i], s)) {
            return true;
        }
    }
    return false;
}

/* The tutorial: dhcp with fs_data and testnet, both with the promoted
 * instance of drbd-r0-master: the promoted instance is what moves. */
static void test_chain_tutorial(void **state)
{
    hc_status *st = status_of(xmlReadFile("tests/golden/cib/tutorial.xml",
                                          NULL, XML_PARSE_NONET));
    GPtrArray *chain = g_ptr_array_new_with_free_func(g_free);
    char *anchor = NULL;
    bool promoted = false;

    (void) state;
    assert_int_equal(hc_fo_find_chain(st, "dhcp", chain, &anchor,
                                      &promoted), 0);
    assert_string_equal(anchor, "drbd-r0-master");
    assert_true(promoted);
    assert_int_equal(chain->len, 4);
    assert_string_equal(chain->pdata[0], "dhcp");
    assert_true(has(chain, "fs_data") && has(chain, "testnet")
                && has(chain, "drbd-r0-master"));
    assert_int_equal(hc_fo_find_chain(st, "nosuch", chain, &anchor, NULL),
                     -ENOENT);
    g_free(anchor);
    g_ptr_array_free(chain, TRUE);
    hc_status_free(st);
}

/* The namespace test cluster: no DRBD; testnet with fs_data, dhcp with
 * both: fs_data is the anchor, not promoted. */
static const char nodrbd[] =
    "<cib crm_feature_set=\"3.16.2\" validate-with=\"pacemaker-3.9\" "
    "epoch=\"1\" num_updates=\"0\" admin_epoch=\"0\"><configuration>"
    "<crm_config/><nodes><node id=\"1\" uname=\"nodeone\"/>"
    "<node id=\"2\" uname=\"nodetwo\"/></nodes><resources>"
    "<primitive id=\"fs_data\" class=\"ocf\" provider=\"heartbeat\" "
    "type=\"Filesystem\"/>"
    "<primitive id=\"testnet\" class=\"ocf\" provider=\"heartbeat\" "
    "type=\"IPaddr2\"/>"
    "<primitive id=\"dhcp\" class=\"ocf\" provider=\"hacon\" "
    "type=\"dhcpd\"/>"
    "<primitive id=\"other\" class=\"ocf\" provider=\"heartbeat\" "
    "type=\"Dummy\"/></resources><constraints>"
    "<rsc_colocation id=\"c1\" score=\"INFINITY\" rsc=\"testnet\" "
    "with-rsc=\"fs_data\"/>"
    "<rsc_colocation id=\"c2\" score=\"INFINITY\" rsc=\"dhcp\" "
    "with-rsc=\"fs_data\"/>"
    "<rsc_colocation id=\"c3\" score=\"INFINITY\" rsc=\"dhcp\" "
    "with-rsc=\"testnet\"/>"
    "<rsc_colocation id=\"c4\" score=\"100\" rsc=\"other\" "
    "with-rsc=\"dhcp\"/>"
    "</constraints></configuration><status/></cib>";

static void test_chain_nodrbd(void **state)
{
    hc_status *st = status_of(xmlReadMemory(nodrbd, sizeof(nodrbd) - 1,
                                            "x.xml", NULL, XML_PARSE_NONET));
    GPtrArray *chain = g_ptr_array_new_with_free_func(g_free);
    char *anchor = NULL;
    bool promoted = true;

    (void) state;
    assert_int_equal(hc_fo_find_chain(st, "dhcp", chain, &anchor,
                                      &promoted), 0);
    assert_string_equal(anchor, "fs_data");
    assert_false(promoted);
    /* An advisory colocation (score 100) is no part of the chain. */
    assert_int_equal(chain->len, 3);
    assert_false(has(chain, "other"));
    g_free(anchor);
    g_ptr_array_free(chain, TRUE);
    hc_status_free(st);
}

static void test_subst(void **state)
{
    char *s;

    (void) state;
    s = hc_fo_subst_node("ssh root@{node} kill -9 -1 # {node}", "node-1.b_c");
    assert_string_equal(s, "ssh root@node-1.b_c kill -9 -1 # node-1.b_c");
    g_free(s);
    assert_null(hc_fo_subst_node("x {node}", "a;reboot"));
    assert_null(hc_fo_subst_node("x {node}", "$(id)"));
    assert_null(hc_fo_subst_node("x {node}", "a b"));
    assert_null(hc_fo_subst_node("x {node}", ""));
    assert_null(hc_fo_subst_node(NULL, "a"));
}

static void test_names(void **state)
{
    (void) state;
    for (int i = 0; i < HC_FO_N_SCENARIOS; i++) {
        assert_int_equal(hc_fo_scenario_from_name(
                             hc_fo_scenario_name((hc_fo_scenario) i)), i);
    }
    assert_int_equal(hc_fo_scenario_from_name("stop-stack"),
                     HC_FO_STOP_STACK);
    assert_int_equal(hc_fo_scenario_from_name("hang"), HC_FO_HANG);
    assert_string_equal(hc_fo_scenario_name(HC_FO_HANG), "hang");
    assert_int_equal(hc_fo_scenario_from_name("reboot"), -1);
    assert_int_equal(hc_fo_scenario_from_name(NULL), -1);
}

/* The repeat summary: min, median (mean of the middle two for an even
 * count) and max, whatever the order the runs came in. */
static void test_summary(void **state)
{
    double odd[] = { 900, 120, 450 }, even[] = { 40, 10, 30, 20 };
    double mn, md, mx;

    (void) state;
    hc_fo_downtime_summary(odd, 3, &mn, &md, &mx);
    assert_true(mn == 120 && md == 450 && mx == 900);
    hc_fo_downtime_summary(even, 4, &mn, &md, &mx);
    assert_true(mn == 10 && md == 25 && mx == 40);
    hc_fo_downtime_summary(NULL, 0, &mn, &md, &mx);
    assert_true(mn == 0 && md == 0 && mx == 0);
}

static hc_fo_lease lease(uint32_t ip, uint8_t mac_last, bool active,
                         uint32_t ends)
{
    hc_fo_lease l = { .ip = ip, .mac = { 0x52, 0x54, 0, 0x0c, 0, mac_last },
                      .mac_len = 6, .active = active, .ends = ends };

    return l;
}

/* Kept, lost and ran out: a lease active before is kept when the file
 * has it active for the same MAC after; one whose own end came during
 * the test and that the file still records for that MAC ran out (not
 * lost); one gone, given to another MAC, or freed before its end is
 * lost. */
static void test_leases_lost(void **state)
{
    GArray *before = g_array_new(FALSE, TRUE, sizeof(hc_fo_lease));
    GArray *after = g_array_new(FALSE, TRUE, sizeof(hc_fo_lease));
    GString *lost = g_string_new(NULL);
    unsigned ended = 99;
    const uint32_t t = 1800000000u, net = 0x0a0a6500;   /* 10.10.101.0 */
    hc_fo_lease b[] = {
        lease(net + 100, 3, true, t + 600),     /* kept */
        lease(net + 101, 4, true, t - 10),      /* ran out, still recorded */
        lease(net + 102, 5, true, t + 600),     /* freed before its end */
        lease(net + 103, 6, true, t + 600),     /* now another MAC's */
        lease(net + 104, 7, true, t + 600),     /* gone from the file */
        lease(net + 105, 8, true, t - 10),      /* ran out, and gone */
    };
    hc_fo_lease a[] = {
        lease(net + 100, 3, true, t + 900),
        lease(net + 101, 4, false, t - 10),
        lease(net + 102, 5, false, t + 600),
        lease(net + 103, 9, true, t + 600),
    };

    (void) state;
    g_array_append_vals(before, b, G_N_ELEMENTS(b));
    g_array_append_vals(after, a, G_N_ELEMENTS(a));
    assert_int_equal(hc_fo_leases_lost(before, after, t, &ended, lost), 4);
    assert_int_equal(ended, 1);
    assert_string_equal(lost->str, " 10.10.101.102 52:54:00:0c:00:05"
                        " 10.10.101.103 52:54:00:0c:00:06"
                        " 10.10.101.104 52:54:00:0c:00:07"
                        " 10.10.101.105 52:54:00:0c:00:08");
    /* Everything as before: nothing lost, nothing ran out. */
    g_string_truncate(lost, 0);
    assert_int_equal(hc_fo_leases_lost(before, before, t, &ended, lost), 0);
    assert_int_equal(ended, 0);
    assert_string_equal(lost->str, "");
    g_array_free(before, TRUE);
    g_array_free(after, TRUE);
    g_string_free(lost, TRUE);
}

static void count_event(const hc_fo_event *ev, void *data)
{
    (void) ev;
    (*(int *) data)++;
}

/* A CIB file is no cluster: the run is refused before anything happens,
 * and its report says so in text and JSON. */
static void test_refuses_cib_file(void **state)
{
    hc_fo_opts o = { .scenario = HC_FO_MOVE };
    hc_failover *fo;
    GString *txt = g_string_new(NULL), *js = g_string_new(NULL);
    int events = 0;

    (void) state;
    setenv("CIB_file", "tests/golden/cib/tutorial.xml", 1);
    fo = hc_failover_new(&o, count_event, &events);
    assert_int_equal(hc_failover_interval_ms(fo), 200);
    assert_true(hc_failover_step(fo) < 0);
    assert_non_null(strstr(hc_failover_error(fo), "live cluster"));
    assert_false(hc_failover_passed(fo));
    assert_int_equal(hc_failover_assertions(fo)->len, 0);
    hc_failover_report_text(fo, txt);
    hc_failover_report_json(fo, js);
    assert_non_null(strstr(txt->str, "move: NOT RUN"));
    assert_non_null(strstr(js->str, "\"result\":\"not-run\""));
    assert_non_null(strstr(js->str, "\"passed\":false"));
    /* A second step does not start it either. */
    assert_true(hc_failover_step(fo) < 0);
    hc_failover_free(fo);
    unsetenv("CIB_file");
    g_string_free(txt, TRUE);
    g_string_free(js, TRUE);
}

/* The probes' account: an outage of 9 s (probes every 200 ms from +1 s,
 * answered again at +10.05 s), then one probe missed at +200 s answered
 * 300 ms later.  DHCP did not answer for 9.35 s: dhcp-bound holds that
 * against its bound, not the 199.3 s from the first miss to the answer
 * after the last (the downtime), which a single late miss would make
 * exceed any bound. */
static void test_probe_outages(void **state)
{
    hc_fo_opts o = { .scenario = HC_FO_HANG };
    hc_failover *fo;
    int events = 0;
    unsigned outages = 0;

    (void) state;
    setenv("CIB_file", "tests/golden/cib/tutorial.xml", 1);
    fo = hc_failover_new(&o, count_event, &events);
    unsetenv("CIB_file");
    for (double t = 0; t < 1000; t += 200) {
        hc_failover_probe_result(fo, t, true, 50);
    }
    assert_true(hc_failover_downtime_ms(fo) == 0);
    assert_true(hc_failover_unanswered_ms(fo) == 0);
    for (double t = 1000; t < 10000; t += 200) {
        hc_failover_probe_result(fo, t, false, 0);
    }
    /* Not answering yet: no downtime to state. */
    assert_true(hc_failover_downtime_ms(fo) < 0);
    assert_true(hc_failover_longest_outage_ms(fo, NULL) == 0);
    hc_failover_probe_result(fo, 10000, true, 50);
    for (double t = 10200; t < 200000; t += 200) {
        hc_failover_probe_result(fo, t, true, 50);
    }
    assert_true(fabs(hc_failover_downtime_ms(fo) - 9050) < 1e-6);
    hc_failover_probe_result(fo, 200000, false, 0);
    hc_failover_probe_result(fo, 200200, true, 100);
    assert_true(fabs(hc_failover_longest_outage_ms(fo, &outages) - 9050)
                < 1e-6);
    assert_int_equal(outages, 2);
    assert_true(fabs(hc_failover_unanswered_ms(fo) - 9350) < 1e-6);
    assert_true(fabs(hc_failover_downtime_ms(fo) - 199300) < 1e-6);
    hc_failover_free(fo);
}

/* The event stream as `hacon failover-test --events` writes it, read by
 * the console as it grows: the same whatever the pieces it comes in. */
static const char stream[] =
    "start 4242 standby 2 20261206-081807 1796546600\n"
    "run 1\n"
    "phase observe\n"
    "probe 3 2 1 0 200\n"
    "event action 0.162 1796545308.560 run: crm_attribute --update on\n"
    "event info before 1796545300.000 baseline placement\n"
    "headless the console that started this test is gone (finished "
    "headless)\n"
    "probe 5 4 1 1 200\n"
    "assert 1 PASS service-placed dhcp runs on nodetwo\n"
    "result 1 nodeone nodetwo PASS 1804\n"
    "report 1 /r/a.txt /r/a.json\n"
    "run 2\n"
    "notrun 2 -17 constraints left: clear them\n"
    "reportfail 2 cannot write /r/b.txt: No space left on device\n"
    "cli-left 2\n"
    "summary standby x2: 0 failed, 1 not run\n"
    "bogus line a newer test may write\n"
    "end 3\n";

static void check_follow(const hc_fo_follow *m)
{
    assert_string_equal(m->scen, "standby");
    assert_int_equal(m->repeat, 2);
    assert_int_equal(m->deadline, 1796546600LL);
    /* Run 2 began: run 1's timeline and probes were forgotten, its
     * result line kept. */
    assert_int_equal(m->run_no, 2);
    assert_int_equal(m->events->len, 0);
    assert_int_equal(m->sent, 0);
    assert_int_equal(m->runs->len, 1);
    assert_string_equal(m->runs->pdata[0],
                        "run 1: nodeone -> nodetwo PASS, downtime 1804 ms");
    assert_int_equal(m->reports->len, 2);
    assert_string_equal(m->reports->pdata[0], "/r/a.txt /r/a.json");
    /* A report not written: the file and the error, as on stderr. */
    assert_string_equal(m->reports->pdata[1],
                        "cannot write /r/b.txt: No space left on device");
    assert_int_equal(m->headless->len, 1);
    assert_string_equal(m->error, "constraints left: clear them");
    assert_int_equal(m->error_rc, -17);
    assert_true(m->cli_left);
    assert_string_equal(m->summary, "standby x2: 0 failed, 1 not run");
    assert_int_equal(m->end_status, 3);
}

static void test_follow(void **state)
{
    size_t n = sizeof(stream) - 1;
    hc_fo_follow *m = hc_fo_follow_new();

    (void) state;
    /* Whole, then cut at every byte: a line is taken at its newline. */
    hc_fo_follow_feed(m, stream, n);
    check_follow(m);
    for (size_t cut = 1; cut < n; cut++) {
        hc_fo_follow_reset(m);
        hc_fo_follow_feed(m, stream, cut);
        hc_fo_follow_feed(m, stream + cut, n - cut);
        check_follow(m);
    }
    /* Up to run 1's end: its timeline, probes (one strip character per
     * probe sent) and assertions. */
    hc_fo_follow_reset(m);
    hc_fo_follow_feed(m, stream, strstr(stream, "run 2\n") - stream);
    assert_int_equal(m->events->len, 2);
    assert_true(signbit(((hc_fo_event *) m->events->pdata[1])->t_ms));
    assert_int_equal(m->sent, 5);
    assert_true(m->last_ok);
    assert_string_equal(m->strip->str, "xxx..");
    assert_string_equal(m->asserts->pdata[0],
                        "[PASS] service-placed: dhcp runs on nodetwo");
    assert_string_equal(m->result, "nodeone nodetwo PASS 1804");
    assert_int_equal(m->end_status, -1);
    /* Control characters never reach a screen; an unfinished last line
     * is taken when the stream ends. */
    hc_fo_follow_reset(m);
    hc_fo_follow_feed(m, "notrun 1 -5 a\x1b[2Jb", 18);
    assert_null(m->error);
    hc_fo_follow_flush(m);
    assert_string_equal(m->error, "a?[2Jb");
    hc_fo_follow_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain_tutorial),
        cmocka_unit_test(test_chain_nodrbd),
        cmocka_unit_test(test_subst),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_leases_lost),
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_refuses_cib_file),
        cmocka_unit_test(test_probe_outages),
        cmocka_unit_test(test_follow),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
