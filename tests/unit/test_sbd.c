/* Unit tests of core/sbd.c's parsers: /etc/default/sbd as sbd's packages
 * and hacon's fence step write it (quotes, export, comments, several
 * devices), its bad lines named, and `sbd -d DEV list` output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "sbd.h"

static hc_sbd_state *parse(const char *text, int want_rc)
{
    hc_sbd_state *st = hc_sbd_state_new();

    assert_int_equal(hc_sbd_config_parse(text, strlen(text), "/etc/default/sbd",
                                         st), want_rc);
    return st;
}

static void test_config(void **state)
{
    hc_sbd_state *st = parse(
        "# sbd\n"
        "SBD_DEVICE=\"/dev/disk/by-id/a; /dev/sdb;\"\n"
        "  export SBD_WATCHDOG_DEV='/dev/watchdog0'  # the hardware one\n"
        "SBD_WATCHDOG_TIMEOUT=5\n"
        "SBD_PACEMAKER=no\n"
        "SBD_OPTS=\n", 0);

    (void) state;
    assert_true(st->configured);
    assert_null(st->config_error);
    assert_int_equal(st->disks->len, 2);
    assert_string_equal(((hc_sbd_disk *) st->disks->pdata[0])->device,
                        "/dev/disk/by-id/a");
    assert_string_equal(((hc_sbd_disk *) st->disks->pdata[1])->device,
                        "/dev/sdb");
    assert_string_equal(st->watchdog_dev, "/dev/watchdog0");
    assert_string_equal(st->watchdog_timeout, "5");
    assert_false(st->pacemaker);
    hc_sbd_state_free(st);

    /* Diskless: no SBD_DEVICE. */
    st = parse("SBD_WATCHDOG_DEV=/dev/watchdog\n", 0);
    assert_int_equal(st->disks->len, 0);
    assert_true(st->pacemaker);
    hc_sbd_state_free(st);
}

static void test_config_errors(void **state)
{
    hc_sbd_state *st = parse("# ok\nSBD_DEVICE=\"/dev/sdb\n", -EINVAL);

    (void) state;
    assert_string_equal(st->config_error,
                        "/etc/default/sbd line 2: a quote is not closed");
    hc_sbd_state_free(st);
    st = parse("SBD_DEVICE=/dev/sdb\nrm -rf /\n", -EINVAL);
    assert_string_equal(st->config_error,
                        "/etc/default/sbd line 2: not NAME=VALUE");
    hc_sbd_state_free(st);
    st = parse("1X=2\n", -EINVAL);
    hc_sbd_state_free(st);
}

static void slots_free(GPtrArray *a)
{
    for (guint i = 0; i < a->len; i++) {
        hc_sbd_slot *s = a->pdata[i];

        g_free(s->node);
        g_free(s->message);
        g_free(s->from);
        g_free(s);
    }
    g_ptr_array_unref(a);
}

static void test_list(void **state)
{
    const char *out = "0\tnodeone\tclear\t\n1\tnodetwo\treset\tnodeone\n";
    GPtrArray *a = g_ptr_array_new();
    hc_sbd_slot *s;
    int line = 0;

    (void) state;
    assert_int_equal(hc_sbd_list_parse(out, strlen(out), a, &line), 0);
    assert_int_equal(a->len, 2);
    s = a->pdata[0];
    assert_int_equal(s->slot, 0);
    assert_string_equal(s->node, "nodeone");
    assert_string_equal(s->message, "clear");
    assert_null(s->from);
    s = a->pdata[1];
    assert_int_equal(s->slot, 1);
    assert_string_equal(s->message, "reset");
    assert_string_equal(s->from, "nodeone");
    slots_free(a);

    a = g_ptr_array_new();
    out = "0\tnodeone\tclear\t\n== disk /dev/sdb unreadable!\n";
    assert_int_equal(hc_sbd_list_parse(out, strlen(out), a, &line), -EINVAL);
    assert_int_equal(line, 2);
    slots_free(a);
}

/* `sbd -d DEV dump` as sbd 1.5 prints it: the header's timeouts. */
static void test_dump(void **state)
{
    const char *out =
        "==Dumping header on disk /dev/loop3\n"
        "Header version     : 2.1\n"
        "UUID               : 95668609-1e47-472d-ac81-7cf2c0b9b959\n"
        "Number of slots    : 255\n"
        "Sector size        : 512\n"
        "Timeout (watchdog) : 5\n"
        "Timeout (allocate) : 2\n"
        "Timeout (loop)     : 1\n"
        "Timeout (msgwait)  : 10\n"
        "==Header on disk /dev/loop3 is dumped\n";
    hc_sbd_state *st = parse("SBD_DEVICE=/dev/loop3\n", 0);
    hc_sbd_disk *d = st->disks->pdata[0];

    (void) state;
    assert_int_equal(d->msgwait, -1);
    assert_int_equal(d->watchdog_timeout, -1);
    assert_int_equal(hc_sbd_dump_parse(out, strlen(out), d), 0);
    assert_int_equal(d->msgwait, 10);
    assert_int_equal(d->watchdog_timeout, 5);
    /* Not a dump, a number that is not one, no msgwait. */
    d->msgwait = -1;
    out = "== disk /dev/sdb unreadable!\n";
    assert_int_equal(hc_sbd_dump_parse(out, strlen(out), d), -EINVAL);
    out = "Timeout (msgwait)  : 1x\nTimeout (msgwait) :\n";
    assert_int_equal(hc_sbd_dump_parse(out, strlen(out), d), -EINVAL);
    assert_int_equal(d->msgwait, -1);
    out = "Timeout (watchdog) : 7";
    assert_int_equal(hc_sbd_dump_parse(out, strlen(out), d), -EINVAL);
    assert_int_equal(d->watchdog_timeout, 7);
    hc_sbd_state_free(st);
}

static hc_sbd_state *probe(const char *text, int want_rc, int want_line)
{
    hc_sbd_state *st = hc_sbd_state_new();
    int line = 0;

    assert_int_equal(hc_sbd_probe_parse(text, strlen(text),
                                        "/etc/default/sbd", st, &line),
                     want_rc);
    if (want_rc) {
        assert_int_equal(line, want_line);
    }
    return st;
}

/* What the probe prints on another node. */
static void test_probe(void **state)
{
    hc_sbd_state *st = probe(
        "config\n"
        "|# sbd\n"
        "|SBD_DEVICE=\"/dev/vdb\"\n"
        "|\n"
        "|SBD_WATCHDOG_DEV=/dev/watchdog\n"
        "|SBD_WATCHDOG_TIMEOUT=5\n"
        "end\n"
        "pid 812\n"
        "fd 812 /dev/watchdog0\n"
        "pid 815\n", 0, 0);

    (void) state;
    assert_true(st->configured);
    assert_null(st->config_error);
    assert_int_equal(st->disks->len, 1);
    assert_string_equal(((hc_sbd_disk *) st->disks->pdata[0])->device,
                        "/dev/vdb");
    assert_string_equal(st->watchdog_timeout, "5");
    assert_true(st->running);
    assert_int_equal(st->pid, 812);
    assert_true(st->watchdog_open);
    assert_string_equal(st->watchdog_held, "/dev/watchdog0");
    hc_sbd_state_free(st);

    /* No configuration, no daemon: not configured, not running. */
    st = probe("noconfig\n", 0, 0);
    assert_false(st->configured);
    assert_false(st->running);
    hc_sbd_state_free(st);
    st = probe("unreadable\n", 0, 0);
    assert_true(st->configured);
    assert_string_equal(st->config_error, "/etc/default/sbd: not readable");
    hc_sbd_state_free(st);
    /* A bad line of the file is named as the file's, the rest read. */
    st = probe("config\n|SBD_DEVICE=\"/dev/vdb\nend\npid 9\n", 0, 0);
    assert_string_equal(st->config_error,
                        "/etc/default/sbd line 1: a quote is not closed");
    assert_true(st->running);
    hc_sbd_state_free(st);
    /* A line a configuration line would pass for is only one after "|". */
    hc_sbd_state_free(probe("config\npid 1\nend\n", -EINVAL, 2));
    /* The configuration's text cut short, twice given, bad numbers. */
    hc_sbd_state_free(probe("config\n|A=1\n", -EINVAL, 3));
    hc_sbd_state_free(probe("noconfig\nconfig\nend\n", -EINVAL, 2));
    hc_sbd_state_free(probe("pid 12x\n", -EINVAL, 1));
    hc_sbd_state_free(probe("pid 0\n", -EINVAL, 1));
    hc_sbd_state_free(probe("fd 12\n", -EINVAL, 1));
    hc_sbd_state_free(probe("fd 12 \n", -EINVAL, 1));
    hc_sbd_state_free(probe("noconfig\nbash: sbd: not found\n", -EINVAL, 2));
}

/* A node's own slot; a copy is whole and separate. */
static void test_node_slot_dup(void **state)
{
    const char *out = "0\tnodeone\tclear\t\n1\tnodetwo\ttest\tnodeone\n";
    hc_sbd_state *st = parse("SBD_DEVICE=/dev/vdb\n", 0), *c;
    hc_sbd_disk *d = st->disks->pdata[0];
    const hc_sbd_slot *sl;
    int line = 0;

    (void) state;
    assert_int_equal(hc_sbd_list_parse(out, strlen(out), d->slots, &line), 0);
    d->msgwait = 10;
    assert_null(hc_sbd_node_slot(st, d));
    st->node = g_strdup("nodetwo");
    sl = hc_sbd_node_slot(st, d);
    assert_non_null(sl);
    assert_int_equal(sl->slot, 1);
    assert_string_equal(sl->message, "test");
    st->watchdog_held = g_strdup("/dev/watchdog");
    st->unknown = g_strdup("ssh: x");
    c = hc_sbd_state_dup(st);
    hc_sbd_state_free(st);
    assert_string_equal(c->node, "nodetwo");
    assert_string_equal(c->unknown, "ssh: x");
    assert_string_equal(c->watchdog_held, "/dev/watchdog");
    d = c->disks->pdata[0];
    assert_int_equal(d->msgwait, 10);
    assert_int_equal(hc_sbd_node_slot(c, d)->slot, 1);
    assert_string_equal(((hc_sbd_slot *) d->slots->pdata[1])->from,
                        "nodeone");
    hc_sbd_state_free(c);
    assert_null(hc_sbd_state_dup(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config),
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_list),
        cmocka_unit_test(test_dump),
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_node_slot_dup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
