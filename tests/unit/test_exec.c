/* Unit tests of core/exec.c: argv runs, deadlines, output capture, the
 * transcript. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "exec.h"

static void test_exec_output(void **state)
{
    const char *argv[] = { "sh", "-c", "echo out; echo err >&2; exit 3",
                           NULL };
    hc_exec_result r;

    assert_int_equal(hc_exec(argv, NULL, &r), 0);
    assert_int_equal(r.status, 3);
    assert_false(r.timed_out);
    assert_string_equal(r.out, "out\n");
    assert_string_equal(r.err, "err\n");
    hc_exec_result_clear(&r);
}

static void test_exec_input(void **state)
{
    const char *argv[] = { "cat", NULL };
    hc_exec_opts o = { .input = "line one\nline two\n" };
    hc_exec_result r;

    assert_int_equal(hc_exec(argv, &o, &r), 0);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "line one\nline two\n");
    hc_exec_result_clear(&r);
}

static void test_exec_deadline(void **state)
{
    /* The child and its own children are killed at the deadline. */
    const char *argv[] = { "sh", "-c", "sleep 30 & sleep 30", NULL };
    hc_exec_opts o = { .timeout_ms = 300 };
    hc_exec_result r;

    assert_int_equal(hc_exec(argv, &o, &r), 0);
    assert_true(r.timed_out);
    assert_true(r.ms < 5000);
    hc_exec_result_clear(&r);
}

static void test_exec_missing(void **state)
{
    const char *argv[] = { "/nonexistent/program", NULL };
    hc_exec_result r;

    assert_int_equal(hc_exec(argv, NULL, &r), 0);
    assert_int_equal(r.status, 127);
    assert_true(r.spawn_failed);
    assert_non_null(strstr(r.err, "/nonexistent/program"));
    hc_exec_result_clear(&r);
}

static void test_transcript(void **state)
{
    const char *argv[] = { "echo", "a b", "c", NULL };
    hc_exec_result r;
    GPtrArray *t = hc_transcript();
    guint before = t->len;
    hc_transcript_entry *e;

    assert_int_equal(hc_exec(argv, NULL, &r), 0);
    hc_exec_result_clear(&r);
    assert_int_equal(t->len, before + 1);
    e = g_ptr_array_index(t, t->len - 1);
    assert_string_equal(e->cmdline, "echo 'a b' c");
    assert_int_equal(e->status, 0);
    assert_string_equal(e->out, "a b c\n");
}

static void test_cmdline_node(void **state)
{
    const char *argv[] = { "crm_mon", "-1", NULL };
    char *s = hc_exec_cmdline(argv, "nodetwo");

    assert_string_equal(s, "[nodetwo] crm_mon -1");
    g_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exec_output),
        cmocka_unit_test(test_exec_input),
        cmocka_unit_test(test_exec_deadline),
        cmocka_unit_test(test_exec_missing),
        cmocka_unit_test(test_transcript),
        cmocka_unit_test(test_cmdline_node),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
