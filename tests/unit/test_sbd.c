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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config),
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_list),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
