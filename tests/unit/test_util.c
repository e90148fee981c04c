/* Unit tests of core/util.c: escaping of untrusted text, JSON strings,
 * atomic file writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static void expect_escape(const char *in, size_t len, size_t cap,
                          const char *want)
{
    GString *s = g_string_new(NULL);

    hc_escape_append(s, in, len, cap);
    assert_string_equal(s->str, want);
    g_string_free(s, TRUE);
}

static void test_escape_controls(void **state)
{
    expect_escape("plain host-1", 12, 0, "plain host-1");
    expect_escape("\x1b[2Jevil", 8, 0, "\\x1b[2Jevil");
    expect_escape("a\"b\\c", 5, 0, "a\\\"b\\\\c");
    expect_escape("l1\nl2\t\r", 7, 0, "l1\\nl2\\t\\r");
    expect_escape("nul\0x", 5, 0, "nul\\x00x");
    expect_escape("\x7f", 1, 0, "\\x7f");
}

static void test_escape_utf8(void **state)
{
    /* Valid UTF-8 is kept; invalid bytes, overlongs, surrogates and the
     * C1 controls (which terminals obey) are not. */
    expect_escape("caf\xc3\xa9", 5, 0, "caf\xc3\xa9");
    expect_escape("\xe2\x82\xac", 3, 0, "\xe2\x82\xac");
    expect_escape("\xff\xfe", 2, 0, "\\xff\\xfe");
    expect_escape("\xc0\xaf", 2, 0, "\\xc0\\xaf");
    expect_escape("\xed\xa0\x80", 3, 0, "\\xed\\xa0\\x80");
    expect_escape("\xc2\x9b" "31m", 5, 0, "\\xc2\\x9b31m");
    expect_escape("\xe2\x82", 2, 0, "\\xe2\\x82");
}

static void test_escape_cap(void **state)
{
    expect_escape("abcdefghij", 10, 5, "abcde...");
    expect_escape("abc", 3, 5, "abc");
    expect_escape("\x1b\x1b\x1b", 3, 6, "\\x1b...");
}

static void test_escape_ascii(void **state)
{
    char *s = hc_escape_ascii("caf\xc3\xa9", 0);

    assert_string_equal(s, "caf\\xc3\\xa9");
    g_free(s);
    s = hc_escape(NULL, 0);
    assert_string_equal(s, "");
    g_free(s);
}

/* A command line or an XML line as an admin types it: quotes and
 * backslashes as they are, control bytes and bad UTF-8 still escaped. */
static void test_escape_text(void **state)
{
    char *s = hc_escape_text("sh -c 'if [ \"$(cat /proc/1/comm)\" = systemd ]'",
                             0, false);

    assert_string_equal(s, "sh -c 'if [ \"$(cat /proc/1/comm)\" = systemd ]'");
    g_free(s);
    s = hc_escape_text("<op id=\"a\\b\"/>\x1b[2J\n\xff", 0, false);
    assert_string_equal(s, "<op id=\"a\\b\"/>\\x1b[2J\\n\\xff");
    g_free(s);
    s = hc_escape_text("caf\xc3\xa9 \"x\"", 0, true);
    assert_string_equal(s, "caf\\xc3\\xa9 \"x\"");
    g_free(s);
    s = hc_escape_text(NULL, 0, false);
    assert_string_equal(s, "");
    g_free(s);
}

static void test_json_str(void **state)
{
    GString *s = g_string_new(NULL);

    hc_json_str(s, "a\"b\\\n\x01\xff\xc3\xa9");
    assert_string_equal(s->str, "\"a\\\"b\\\\\\u000a\\u0001\\ufffd\xc3\xa9\"");
    g_string_free(s, TRUE);
}

static void test_write_atomic(void **state)
{
    char dir[] = "/tmp/hacon-unit-XXXXXX";
    char *path, *bak, *data = NULL;
    size_t len = 0;
    struct stat st;

    assert_non_null(mkdtemp(dir));
    path = g_strdup_printf("%s/f.conf", dir);
    bak = g_strdup_printf("%s~", path);

    assert_int_equal(hc_write_file_atomic(path, "one\n", 4, 0640, true), 0);
    assert_int_equal(access(bak, F_OK), -1);  /* nothing to keep yet */
    assert_int_equal(hc_write_file_atomic(path, "two\n", 4, 0600, true), 0);
    assert_int_equal(hc_read_file(path, &data, &len), 0);
    assert_string_equal(data, "two\n");
    g_free(data);
    assert_int_equal(hc_read_file(bak, &data, &len), 0);
    assert_string_equal(data, "one\n");    /* the old one is kept */
    g_free(data);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(hc_read_file("/nonexistent/x", &data, &len), -ENOENT);
    /* A directory that does not exist: an error, nothing half-written. */
    assert_true(hc_write_file_atomic("/nonexistent/dir/f", "x", 1, 0644,
                                     true) < 0);
    unlink(path);
    unlink(bak);
    rmdir(dir);
    g_free(path);
    g_free(bak);
}

/* A file that exists keeps its owner, group and mode; only group or other
 * access that the caller's mode does not give is taken away. */
static void test_write_atomic_keeps(void **state)
{
    char dir[] = "/tmp/hacon-unit-XXXXXX";
    char *path;
    struct stat st;

    assert_non_null(mkdtemp(dir));
    path = g_strdup_printf("%s/f.conf", dir);
    assert_int_equal(hc_write_file_atomic(path, "one\n", 4, 0644, false), 0);
    assert_int_equal(chmod(path, 0604), 0);
    if (geteuid() == 0) {
        assert_int_equal(chown(path, 1, 2), 0);
    }
    assert_int_equal(hc_write_file_atomic(path, "two\n", 4, 0644, true), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0604);
    if (geteuid() == 0) {
        assert_int_equal(st.st_uid, 1);
        assert_int_equal(st.st_gid, 2);
    }
    /* A secret's mode: others lose their read. */
    assert_int_equal(hc_write_file_atomic(path, "key\n", 4, 0400, true), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    if (geteuid() == 0) {
        assert_int_equal(st.st_uid, 1);
    }
    unlink(path);
    g_free(path);
    path = g_strdup_printf("%s/f.conf~", dir);
    unlink(path);
    g_free(path);
    rmdir(dir);
}

static void test_time_rel(void **state)
{
    char buf[32];

    assert_string_equal(hc_time_rel(1000, 1000, buf, sizeof(buf)), "now");
    assert_string_equal(hc_time_rel(1300, 1000, buf, sizeof(buf)),
                        "in 5 min");
    assert_string_equal(hc_time_rel(1000, 1000 + 3 * 3600, buf, sizeof(buf)),
                        "3 h ago");
    assert_string_equal(hc_time_rel(1000 + 5 * 86400, 1000, buf, sizeof(buf)),
                        "in 5 d");
}

/* A tree with files, a subdirectory and symbolic links (to a directory
 * and a file outside it) goes; what the links point to stays. */
static void test_rm_tree(void **state)
{
    char *top = g_dir_make_tmp("hacon-test-rm-XXXXXX", NULL);
    char *tree = g_build_filename(top, "tree", NULL);
    char *sub = g_build_filename(tree, "a", "b", NULL);
    char *outside = g_build_filename(top, "outside", NULL);
    char *kept = g_build_filename(outside, "kept", NULL);
    char *p;

    assert_non_null(top);
    assert_int_equal(g_mkdir_with_parents(sub, 0700), 0);
    assert_int_equal(g_mkdir_with_parents(outside, 0700), 0);
    assert_int_equal(hc_write_file_atomic(kept, "k", 1, 0600, false), 0);
    p = g_build_filename(sub, "file", NULL);
    assert_int_equal(hc_write_file_atomic(p, "f", 1, 0600, false), 0);
    g_free(p);
    p = g_build_filename(tree, "link-dir", NULL);
    assert_int_equal(symlink(outside, p), 0);
    g_free(p);
    p = g_build_filename(sub, "link-file", NULL);
    assert_int_equal(symlink(kept, p), 0);
    g_free(p);

    hc_rm_tree(tree);
    assert_false(g_file_test(tree, G_FILE_TEST_EXISTS));
    assert_true(g_file_test(kept, G_FILE_TEST_IS_REGULAR));
    /* A directory that is not there: nothing to do. */
    hc_rm_tree(tree);
    hc_rm_tree(top);
    assert_false(g_file_test(top, G_FILE_TEST_EXISTS));
    g_free(kept);
    g_free(outside);
    g_free(sub);
    g_free(tree);
    g_free(top);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_controls),
        cmocka_unit_test(test_escape_utf8),
        cmocka_unit_test(test_escape_cap),
        cmocka_unit_test(test_escape_ascii),
        cmocka_unit_test(test_escape_text),
        cmocka_unit_test(test_json_str),
        cmocka_unit_test(test_write_atomic),
        cmocka_unit_test(test_write_atomic_keeps),
        cmocka_unit_test(test_time_rel),
        cmocka_unit_test(test_rm_tree),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
