/* Unit tests of core/fencing.c's fencer connection, made in a thread of
 * its own, where no fencer runs (this test's network namespace has no
 * stonith-ng socket): the failed connect is told once, on the loop's
 * thread, with its reason; a fencer freed before it answers tells
 * nothing; `hacon status`'s bounded question returns the connect's
 * failure at once, not at its limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "status.h"

typedef struct seen {
    GMainLoop *loop;
    GThread *loop_thread;
    hc_fencer *f;
    int calls;
    bool same_thread;
    char *event, *detail;
} seen;

static void on_event(void *data, const char *event, const char *detail)
{
    seen *s = data;

    s->calls++;
    s->same_thread = g_thread_self() == s->loop_thread;
    g_free(s->event);
    g_free(s->detail);
    s->event = g_strdup(event);
    s->detail = g_strdup(detail);
    /* Freed from its own callback, as the console does. */
    hc_fencer_free(s->f);
    s->f = NULL;
    g_main_loop_quit(s->loop);
}

static gboolean on_timeout(gpointer data)
{
    g_main_loop_quit(data);
    return G_SOURCE_REMOVE;
}

static void run_for(GMainLoop *loop, guint ms)
{
    guint id = g_timeout_add(ms, on_timeout, loop);

    g_main_loop_run(loop);
    g_source_remove(id);
}

static void test_no_fencer(void **state)
{
    seen s = { 0 };
    char *err = NULL;

    (void) state;
    s.loop = g_main_loop_new(NULL, FALSE);
    s.loop_thread = g_thread_self();
    s.f = hc_fencer_start(on_event, &s, &err);
    assert_non_null(s.f);
    assert_null(err);
    run_for(s.loop, 10000);
    assert_int_equal(s.calls, 1);
    assert_true(s.same_thread);
    assert_string_equal(s.event, HC_FENCER_GONE);
    assert_non_null(s.detail);
    assert_non_null(strstr(s.detail, "the fencer is not reachable"));
    /* Nothing more once it said so. */
    g_timeout_add(300, on_timeout, s.loop);
    g_main_loop_run(s.loop);
    assert_int_equal(s.calls, 1);
    g_free(s.event);
    g_free(s.detail);
    g_main_loop_unref(s.loop);
}

static void test_freed_first(void **state)
{
    seen s = { 0 };
    char *err = NULL;
    hc_fencer *f;

    (void) state;
    s.loop = g_main_loop_new(NULL, FALSE);
    s.loop_thread = g_thread_self();
    f = hc_fencer_start(on_event, &s, &err);
    assert_non_null(f);
    hc_fencer_free(f);
    /* Its thread ends by itself; its answer is dropped. */
    g_timeout_add(500, on_timeout, s.loop);
    g_main_loop_run(s.loop);
    assert_int_equal(s.calls, 0);
    g_main_loop_unref(s.loop);
}

static void test_history_ask_no_fencer(void **state)
{
    gint64 t0 = g_get_monotonic_time();
    hc_fence_ask *a = hc_fence_history_ask(5);
    GPtrArray *hist = NULL;
    char *err = NULL;
    int rc;

    (void) state;
    assert_non_null(a);
    rc = hc_fence_history_wait(a, &hist, &err);
    assert_true(rc < 0);
    assert_null(hist);
    assert_non_null(err);
    assert_non_null(strstr(err, "the fencer is not reachable"));
    assert_true(g_get_monotonic_time() - t0 < 2 * G_USEC_PER_SEC);
    g_free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_fencer),
        cmocka_unit_test(test_freed_first),
        cmocka_unit_test(test_history_ask_no_fencer),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
