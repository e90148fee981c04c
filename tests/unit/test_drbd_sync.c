/* core/drbd_follow.c hc_drbd_wait_synced(): what the setup wizard's DRBD
 * step runs after `drbdadm wait-connect` to follow the initial sync until
 * both disks are UpToDate.  DRBD 9 has no statistics in /proc/drbd, so
 * there the follower polls `drbdsetup events2 --now --statistics`; DRBD 9
 * cannot run here, so a drbdsetup script plays it back: its events2
 * stream dumps the state at the start of the sync, and each poll prints
 * the next snapshot (lines in DRBD 9's events2 format: node ids, conn-name,
 * done:), as drbdsetup 9 prints them.  The same path is also fed the real
 * events2 --now captures of an initial sync (tests/drbd/captures/, DRBD
 * 8.4.11 through drbd-utils 9.22, which prints 9's format). */
#include <errno.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <glib.h>

#include "drbd_follow.h"

static const char *snap_sync(int t, unsigned oos, double done)
{
    static char buf[2048];

    snprintf(buf, sizeof(buf),
        "2026-11-25T14:08:%02d.000000+00:00 exists resource name:r0 role:Primary suspended:no write-ordering:flush may_promote:no promotion_score:10102\n"
        "2026-11-25T14:08:%02d.000000+00:00 exists connection name:r0 peer-node-id:1 conn-name:beta connection:Connected role:Secondary\n"
        "2026-11-25T14:08:%02d.000000+00:00 exists device name:r0 volume:0 minor:1 disk:UpToDate client:no quorum:yes size:131032 read:0 written:0 al-writes:0 bm-writes:0 upper-pending:0 lower-pending:0 al-suspended:no blocked:no\n"
        "2026-11-25T14:08:%02d.000000+00:00 exists peer-device name:r0 peer-node-id:1 conn-name:beta volume:0 replication:SyncSource peer-disk:Inconsistent peer-client:no resync-suspended:no received:0 sent:%u out-of-sync:%u pending:0 unacked:0 done:%.2f\n"
        "2026-11-25T14:08:%02d.000000+00:00 exists -\n",
        t, t, t, t, 131032 - oos, oos, done, t);
    return buf;
}

static const char *snap_done(int t)
{
    static char buf[2048];

    snprintf(buf, sizeof(buf),
        "2026-11-25T14:08:%02d.000000+00:00 exists resource name:r0 role:Primary suspended:no write-ordering:flush may_promote:no promotion_score:10102\n"
        "2026-11-25T14:08:%02d.000000+00:00 exists connection name:r0 peer-node-id:1 conn-name:beta connection:Connected role:Secondary\n"
        "2026-11-25T14:08:%02d.000000+00:00 exists device name:r0 volume:0 minor:1 disk:UpToDate client:no quorum:yes size:131032 read:0 written:0 al-writes:0 bm-writes:0 upper-pending:0 lower-pending:0 al-suspended:no blocked:no\n"
        "2026-11-25T14:08:%02d.000000+00:00 exists peer-device name:r0 peer-node-id:1 conn-name:beta volume:0 replication:Established peer-disk:UpToDate peer-client:no resync-suspended:no received:0 sent:131032 out-of-sync:0 pending:0 unacked:0\n"
        "2026-11-25T14:08:%02d.000000+00:00 exists -\n",
        t, t, t, t, t);
    return buf;
}

typedef struct fake {
    char *dir;
    char *drbdsetup;
} fake;

static void put(const char *dir, const char *name, const char *text)
{
    char *p = g_build_filename(dir, name, NULL);

    assert_true(g_file_set_contents(p, text, -1, NULL));
    g_free(p);
}

/* A drbdsetup whose stream prints snap0 (NULL: a synthetic start of the
 * sync) and waits, and whose n-th `events2 --now` prints pollN (the last
 * one again after the end). */
static void fake_new(fake *f, const char *snap0, const char *const *polls,
                     int n)
{
    char *script;

    f->dir = g_dir_make_tmp("hc-drbdsync-XXXXXX", NULL);
    assert_non_null(f->dir);
    put(f->dir, "snap0", snap0 ? snap0 : snap_sync(0, 131032, 0));
    for (int i = 0; i < n; i++) {
        char name[16];

        snprintf(name, sizeof(name), "poll%d", i + 1);
        put(f->dir, name, polls[i]);
    }
    f->drbdsetup = g_build_filename(f->dir, "drbdsetup", NULL);
    script = g_strdup_printf(
        "#!/bin/sh\n"
        "d='%s'\n"
        "echo \"$*\" >> \"$d/calls\"\n"
        "case \" $* \" in\n"
        "*' --now '*)\n"
        "    n=$(( $(cat \"$d/n\" 2>/dev/null || echo 0) + 1 ))\n"
        "    [ -f \"$d/poll$n\" ] || n=%d\n"
        "    echo $n > \"$d/n\"; cat \"$d/poll$n\" ;;\n"
        "*) cat \"$d/snap0\"; exec sleep 60 ;;\n"
        "esac\n", f->dir, n);
    put(f->dir, "drbdsetup", script);
    g_free(script);
    assert_int_equal(chmod(f->drbdsetup, 0755), 0);
}

static void fake_free(fake *f)
{
    char *cmd = g_strdup_printf("rm -rf '%s'", f->dir);

    assert_int_equal(system(cmd), 0);
    g_free(cmd);
    g_free(f->dir);
    g_free(f->drbdsetup);
}

static void collect(const char *line, void *data)
{
    g_ptr_array_add(data, g_strdup(line));
}

static void drbd9_initial_sync_followed(void **state)
{
    const char *polls[4];
    char *p1 = g_strdup(snap_sync(2, 98000, 25.21));
    char *p2 = g_strdup(snap_sync(4, 41000, 68.71));
    char *p3 = g_strdup(snap_done(6));
    fake f;
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    hc_drbd_follow_opts o = { .proc_path = "/nonexistent/proc/drbd",
                              .poll_sync_ms = 10, .poll_idle_ms = 10 };
    char *err = NULL, *calls = NULL;
    int rc;

    (void)state;
    polls[0] = p1;
    polls[1] = p2;
    polls[2] = p3;
    fake_new(&f, NULL, polls, 3);
    o.drbdsetup = f.drbdsetup;
    rc = hc_drbd_wait_synced("r0", &o, 20000, 1, collect, lines, &err);
    for (guint i = 0; i < lines->len; i++) {
        print_message("# %s\n", (char *) lines->pdata[i]);
    }
    assert_int_equal(rc, 0);
    assert_null(err);
    /* The start, the progress of each poll, the end. */
    assert_true(lines->len >= 3);
    assert_non_null(strstr(lines->pdata[0], "r0/0 Primary/Secondary "
                           "UpToDate/Inconsistent Connected SyncSource"));
    {
        bool mid = false;

        for (guint i = 0; i < lines->len; i++) {
            mid |= strstr(lines->pdata[i], "done=68.7%") != NULL;
        }
        assert_true(mid);
    }
    assert_non_null(strstr(lines->pdata[lines->len - 1],
                           "UpToDate/UpToDate Connected Established oos=0"));
    /* Polled with --now: the way DRBD 9 gives statistics. */
    {
        char *p = g_build_filename(f.dir, "calls", NULL);

        assert_true(g_file_get_contents(p, &calls, NULL, NULL));
        g_free(p);
    }
    assert_non_null(strstr(calls, "events2 --now --timestamps --statistics"));
    g_free(calls);
    g_ptr_array_unref(lines);
    g_free(p1);
    g_free(p2);
    g_free(p3);
    fake_free(&f);
}

static void drbd9_stuck_sync_times_out(void **state)
{
    const char *polls[1];
    char *p1 = g_strdup(snap_sync(2, 98000, 25.21));
    fake f;
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    hc_drbd_follow_opts o = { .proc_path = "/nonexistent/proc/drbd",
                              .poll_sync_ms = 10, .poll_idle_ms = 10 };
    char *err = NULL;

    (void)state;
    polls[0] = p1;
    fake_new(&f, NULL, polls, 1);
    o.drbdsetup = f.drbdsetup;
    assert_int_equal(hc_drbd_wait_synced("r0", &o, 1500, 1, collect, lines,
                                         &err), -ETIMEDOUT);
    assert_non_null(err);
    assert_non_null(strstr(err, "did not end in time"));
    assert_non_null(strstr(err, "SyncSource"));
    g_free(err);
    g_ptr_array_unref(lines);
    g_free(p1);
    fake_free(&f);
}

static char *capture(const char *name)
{
    const char *top = getenv("HACON_TOP");
    char *p = g_strdup_printf("%s/tests/drbd/captures/%s", top ? top : ".",
                              name);
    char *text = NULL;

    assert_true(g_file_get_contents(p, &text, NULL, NULL));
    g_free(p);
    return text;
}

static void captured_initial_sync_followed(void **state)
{
    char *early = capture("sync-early.alpha.events2");
    char *polls_owned[3] = { capture("sync-mid.alpha.events2"),
                             capture("sync-late.alpha.events2"),
                             capture("connected-uptodate.alpha.events2") };
    const char *polls[3] = { polls_owned[0], polls_owned[1],
                             polls_owned[2] };
    fake f;
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    hc_drbd_follow_opts o = { .proc_path = "/nonexistent/proc/drbd",
                              .poll_sync_ms = 10, .poll_idle_ms = 10 };
    char *err = NULL;

    (void)state;
    fake_new(&f, early, polls, 3);
    o.drbdsetup = f.drbdsetup;
    assert_int_equal(hc_drbd_wait_synced("r0", &o, 20000, 1, collect, lines,
                                         &err), 0);
    for (guint i = 0; i < lines->len; i++) {
        print_message("# %s\n", (char *) lines->pdata[i]);
    }
    assert_true(lines->len >= 3);
    assert_non_null(strstr(lines->pdata[0], "SyncSource oos=52312"));
    assert_non_null(strstr(lines->pdata[lines->len - 1],
                           "UpToDate/UpToDate Connected Established oos=0"));
    g_ptr_array_unref(lines);
    g_free(early);
    for (int i = 0; i < 3; i++) {
        g_free(polls_owned[i]);
    }
    fake_free(&f);
}

/* hacon setup apply holds SIGTERM, SIGINT, SIGHUP and SIGQUIT back while
 * a step applies (it must end applied or rolled back).  The follower's
 * drbdsetup must not inherit that: its stop (SIGTERM) would not end it,
 * and the wait would hang on a stream that never ends (here the fake's
 * `sleep 60`; in the VMs a real drbdsetup events2, forever). */
static void synced_with_signals_held(void **state)
{
    const char *polls[1];
    fake f;
    hc_drbd_follow_opts o = { .proc_path = "/nonexistent/proc/drbd",
                              .poll_sync_ms = 10, .poll_idle_ms = 10 };
    sigset_t hold, old;
    char *err = NULL;
    gint64 t0;
    int rc;

    (void)state;
    polls[0] = snap_done(2);
    fake_new(&f, NULL, polls, 1);
    /* Not a shell script: dash clears the signal mask it inherits, as
     * drbdsetup does not.  The same fake in perl, which leaves it. */
    {
        char *script = g_strdup_printf(
            "#!/usr/bin/perl\n"
            "my $d = '%s';\n"
            "sub slurp { local $/; open(my $h, '<', $_[0]) or return ''; "
            "my $t = <$h>; close $h; return $t; }\n"
            "$| = 1;\n"
            "if (grep { $_ eq '--now' } @ARGV) { print slurp(\"$d/poll1\"); "
            "exit 0; }\n"
            "print slurp(\"$d/snap0\");\n"
            "sleep 60;\n", f.dir);

        put(f.dir, "drbdsetup", script);
        g_free(script);
        assert_int_equal(chmod(f.drbdsetup, 0755), 0);
    }
    o.drbdsetup = f.drbdsetup;
    sigemptyset(&hold);
    sigaddset(&hold, SIGTERM);
    sigaddset(&hold, SIGINT);
    sigaddset(&hold, SIGHUP);
    sigaddset(&hold, SIGQUIT);
    sigprocmask(SIG_BLOCK, &hold, &old);
    t0 = g_get_monotonic_time();
    rc = hc_drbd_wait_synced("r0", &o, 20000, 1, NULL, NULL, &err);
    sigprocmask(SIG_SETMASK, &old, NULL);
    assert_int_equal(rc, 0);
    assert_null(err);
    /* The stream's stop is immediate (the fake sleeps 60 s): 20 s is
     * room for a loaded machine, not a speed claim. */
    assert_true(g_get_monotonic_time() - t0 < 20 * G_USEC_PER_SEC);
    fake_free(&f);
}

static void no_drbdsetup(void **state)
{
    hc_drbd_follow_opts o = { .proc_path = "/nonexistent/proc/drbd",
                              .drbdsetup = "/nonexistent/drbdsetup" };
    char *err = NULL;

    (void)state;
    assert_int_equal(hc_drbd_wait_synced("r0", &o, 1000, 0, NULL, NULL,
                                         &err), -ENOENT);
    assert_non_null(err);
    g_free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(drbd9_initial_sync_followed),
        cmocka_unit_test(drbd9_stuck_sync_times_out),
        cmocka_unit_test(captured_initial_sync_followed),
        cmocka_unit_test(synced_with_signals_held),
        cmocka_unit_test(no_drbdsetup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
