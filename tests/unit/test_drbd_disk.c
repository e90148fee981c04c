/* core/drbd_disk.c: what the DRBD step may do to each node's backing
 * disk, for every combination of what a disk can hold (nothing, DRBD
 * meta data, a filesystem, both) on each node, with r0 down or up, with
 * or without Pacemaker managing r0, and with the admin's explicit
 * overwrite.  The probes are what `drbdmeta get-gi` and `wipefs` print on
 * a 128 MiB disk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <glib.h>

#include "drbd_disk.h"

enum { EMPTY, META, FS, META_FS };

static const char *const kind_name[] = { "empty", "meta data", "filesystem",
                                         "meta data+filesystem" };

static hc_drbd_disk_probe probe_of(int kind)
{
    hc_drbd_disk_probe p = { .size = 134217728 };

    if (kind == META || kind == META_FS) {
        p.meta_data = true;
        p.gi = "2C6B1B5F1D5C1E2A:0000000000000000:9D1E3C4B5A697887:"
               "0000000000000004:1:1:1:1:0:0:0";
    }
    if (kind == META) {
        p.signatures = "drbd 0x7fff03c";
    } else if (kind == FS) {
        p.signatures = "ext4 0x438";
    } else if (kind == META_FS) {
        p.signatures = "ext4 0x438\ndrbd 0x7fff03c";
    }
    return p;
}

/* r0 down on both nodes: every pair of disk contents. */
static void table_down(void **state)
{
    (void)state;
    for (int pcmk = 0; pcmk < 2; pcmk++) {
        for (int a = EMPTY; a <= META_FS; a++) {
            for (int b = EMPTY; b <= META_FS; b++) {
                hc_drbd_disk_probe p[2] = { probe_of(a), probe_of(b) };
                hc_drbd_disk_plan d;
                hc_drbd_disk_action keep = pcmk ? HC_DRBD_DISK_PACEMAKER
                                                : HC_DRBD_DISK_UP;

                hc_drbd_disk_decide(p, pcmk, &d);
                print_message("# down, %s / %s, pacemaker %d: %s / %s%s\n",
                              kind_name[a], kind_name[b], pcmk,
                              hc_drbd_disk_action_str(d.action[0]),
                              hc_drbd_disk_action_str(d.action[1]),
                              d.initial ? ", initial" : "");
                assert_int_equal(d.action[0],
                                 a == EMPTY ? HC_DRBD_DISK_CREATE : keep);
                assert_int_equal(d.action[1],
                                 b == EMPTY ? HC_DRBD_DISK_CREATE : keep);
                /* --force promotion and mkfs only when both are empty. */
                assert_int_equal(d.initial, a == EMPTY && b == EMPTY);
            }
        }
    }
}

/* r0 up on one node or both: the running side is left alone; the other
 * gets meta data only when its disk is empty, and nothing is promoted. */
static void table_up(void **state)
{
    (void)state;
    for (int up = 0; up < 2; up++) {
        for (int b = EMPTY; b <= META_FS; b++) {
            hc_drbd_disk_probe p[2] = { probe_of(META_FS), probe_of(b) };
            hc_drbd_disk_plan d;

            p[up].up = true;
            if (up == 1) {
                p[0] = probe_of(b);
            }
            hc_drbd_disk_decide(p, false, &d);
            assert_int_equal(d.action[up], HC_DRBD_DISK_KEEP);
            assert_int_equal(d.action[!up], b == EMPTY ? HC_DRBD_DISK_CREATE
                                                       : HC_DRBD_DISK_UP);
            assert_false(d.initial);
        }
    }
    {
        hc_drbd_disk_probe p[2] = { probe_of(META_FS), probe_of(META_FS) };
        hc_drbd_disk_plan d;

        p[0].up = p[1].up = true;
        hc_drbd_disk_decide(p, true, &d);
        assert_int_equal(d.action[0], HC_DRBD_DISK_KEEP);
        assert_int_equal(d.action[1], HC_DRBD_DISK_KEEP);
        assert_false(d.initial);
    }
    /* Up here, down there with data, Pacemaker manages r0: its business. */
    {
        hc_drbd_disk_probe p[2] = { probe_of(META_FS), probe_of(META) };
        hc_drbd_disk_plan d;

        p[0].up = true;
        hc_drbd_disk_decide(p, true, &d);
        assert_int_equal(d.action[1], HC_DRBD_DISK_PACEMAKER);
    }
}

/* The admin's explicit overwrite: only the named disk; the initial sync
 * only when no disk keeps data. */
static void table_overwrite(void **state)
{
    (void)state;
    for (int a = META; a <= META_FS; a++) {
        for (int b = EMPTY; b <= META_FS; b++) {
            hc_drbd_disk_probe p[2] = { probe_of(a), probe_of(b) };
            hc_drbd_disk_plan d;

            p[0].overwrite = true;
            hc_drbd_disk_decide(p, true, &d);
            assert_int_equal(d.action[0], HC_DRBD_DISK_OVERWRITE);
            assert_int_equal(d.action[1], b == EMPTY ? HC_DRBD_DISK_CREATE
                                                     : HC_DRBD_DISK_PACEMAKER);
            assert_int_equal(d.initial, b == EMPTY);
            p[1].overwrite = true;
            hc_drbd_disk_decide(p, true, &d);
            assert_int_equal(d.action[1], b == EMPTY ? HC_DRBD_DISK_CREATE
                                                     : HC_DRBD_DISK_OVERWRITE);
            assert_true(d.initial);
        }
    }
    /* A running r0 is never overwritten, named or not. */
    {
        hc_drbd_disk_probe p[2] = { probe_of(META_FS), probe_of(EMPTY) };
        hc_drbd_disk_plan d;

        p[0].up = p[0].overwrite = true;
        hc_drbd_disk_decide(p, false, &d);
        assert_int_equal(d.action[0], HC_DRBD_DISK_KEEP);
        assert_false(d.initial);
    }
    /* An overwrite named for an empty disk is a plain create. */
    {
        hc_drbd_disk_probe p[2] = { probe_of(EMPTY), probe_of(EMPTY) };
        hc_drbd_disk_plan d;

        p[1].overwrite = true;
        hc_drbd_disk_decide(p, false, &d);
        assert_int_equal(d.action[1], HC_DRBD_DISK_CREATE);
        assert_true(d.initial);
    }
}

static void has_data(void **state)
{
    hc_drbd_disk_probe p = { 0 };

    (void)state;
    assert_false(hc_drbd_disk_has_data(&p));
    p.signatures = "";
    assert_false(hc_drbd_disk_has_data(&p));
    p.signatures = "xfs 0x0";
    assert_true(hc_drbd_disk_has_data(&p));
    p.signatures = NULL;
    p.meta_data = true;
    assert_true(hc_drbd_disk_has_data(&p));
}

/* The running resource's fencing policy from drbdsetup show (8.4). */
static void show_fencing(void **state)
{
    static const char up84[] =
        "resource r0 {\n    options {\n    }\n    net {\n"
        "        after-sb-0pri    discard-zero-changes;\n    }\n"
        "    _this_host {\n        volume 0 {\n"
        "            device\t\t\tminor 1;\n"
        "            disk {\n"
        "                fencing         \tresource-and-stonith;\n"
        "            }\n        }\n    }\n}\n";
    static const char nofence[] = "resource r0 {\n    options {\n    }\n}\n";
    char *r;

    (void) state;
    r = hc_drbd_show_fencing(up84, strlen(up84));
    assert_string_equal(r, "resource-and-stonith");
    g_free(r);
    r = hc_drbd_show_fencing(nofence, strlen(nofence));
    assert_string_equal(r, "");
    g_free(r);
    assert_null(hc_drbd_show_fencing("", 0));
    assert_null(hc_drbd_show_fencing("r0: No such resource\n", 21));
    /* Not NUL-terminated: only len bytes are read. */
    r = hc_drbd_show_fencing("resource r0 {\n fencing resource-only;X",
                             strlen("resource r0 {\n fencing resource-only;"));
    assert_string_equal(r, "resource-only");
    g_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_down),
        cmocka_unit_test(table_up),
        cmocka_unit_test(table_overwrite),
        cmocka_unit_test(has_data),
        cmocka_unit_test(show_fencing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
