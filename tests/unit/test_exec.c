/* Unit tests of core/exec.c: argv runs, deadlines, output capture, the
 * transcript. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
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

/* A child's commands reach its parent's transcript as record lines: the
 * same entry read back, tabs, newlines, quotes and bytes above ASCII in
 * the fields kept; a line that is not a record is refused. */
static void test_transcript_record(void **state)
{
    hc_transcript_entry e = {
        .cmdline = "sh -c 'if [ -e \"$1\" ]; then\techo x; fi'",
        .node = "nodetwo", .status = 255, .timed_out = true, .ms = 1500,
        .out = "line 1\ncaf\xc3\xa9\n", .err = "", .when = 1765011627,
    };
    GPtrArray *t = hc_transcript();
    guint n = t->len;
    char *r = hc_transcript_record(&e);
    const hc_transcript_entry *f;

    /* One line: its only newline is its end. */
    assert_ptr_equal(strchr(r, '\n'), r + strlen(r) - 1);
    assert_int_equal(hc_transcript_add_record(r, strlen(r)), 0);
    assert_int_equal(t->len, n + 1);
    f = t->pdata[n];
    assert_string_equal(f->cmdline, e.cmdline);
    assert_string_equal(f->node, "nodetwo");
    assert_int_equal(f->status, 255);
    assert_true(f->timed_out);
    assert_string_equal(f->out, e.out);
    assert_string_equal(f->err, "");
    assert_int_equal(f->when, e.when);
    g_free(r);
    e.node = NULL;
    r = hc_transcript_record(&e);
    assert_int_equal(hc_transcript_add_record(r, strlen(r)), 0);
    assert_null(((hc_transcript_entry *) t->pdata[n + 1])->node);
    g_free(r);
    assert_int_equal(hc_transcript_add_record("hct1\t1\t2\n", 10), -EINVAL);
    assert_int_equal(hc_transcript_add_record("not a record\n", 13), -EINVAL);
    /* A field that ends in a lone backslash is no field g_strescape made. */
    assert_int_equal(hc_transcript_add_record("hct1\t1\t0\t0\t4\t\tls \\\t\t\n",
                                              21), -EINVAL);
    assert_int_equal(t->len, n + 2);
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
        cmocka_unit_test(test_transcript_record),
        cmocka_unit_test(test_transcript),
        cmocka_unit_test(test_cmdline_node),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
