/* Unit tests of core/version.c: the version and agent checksums built in
 * match the tree (debian/changelog, agents/), and the reading of what the
 * peer has of hacon (the setup's preflight). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "version.h"

static char *top_file(const char *rel, size_t *len)
{
    const char *top = getenv("HACON_TOP");
    char *path = g_build_filename(top ? top : ".", rel, NULL), *text = NULL;

    assert_true(g_file_get_contents(path, &text, len, NULL));
    g_free(path);
    return text;
}

static void test_version_is_changelogs(void **state)
{
    char *log = top_file("debian/changelog", NULL);
    char *want = g_strdup_printf("hacon (%s) ", hc_version());

    assert_true(g_str_has_prefix(log, want));
    g_free(want);
    g_free(log);
}

static void test_agent_sums_are_the_files(void **state)
{
    size_t n;
    const hc_agent_sum *s = hc_agent_sums(&n);

    assert_true(n >= 1);
    for (size_t i = 0; i < n; i++) {
        char *rel = g_strdup_printf("agents/%s", s[i].name);
        size_t len;
        char *text = top_file(rel, &len);
        char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
                                                (const guchar *) text, len);

        assert_string_equal(sum, s[i].sha256);
        g_free(sum);
        g_free(text);
        g_free(rel);
    }
}

/* The peer's output with this hacon's version and sums, or with the
 * given version and the first agent's sum replaced. */
static char *peer_output(const char *version, const char *sum0)
{
    size_t n;
    const hc_agent_sum *s = hc_agent_sums(&n);
    GString *o = g_string_new(NULL);

    g_string_append_printf(o, "version %s\npath /usr/bin/hacon\n"
                           "dpkg ii %s\n", version, version);
    for (size_t i = 0; i < n; i++) {
        g_string_append_printf(o, "agent %s\n",
                               i == 0 && sum0 ? sum0 : s[i].sha256);
    }
    return g_string_free(o, FALSE);
}

static void test_parse_same(void **state)
{
    char *out = peer_output(hc_version(), NULL), *err = NULL;
    hc_hacon_install h;
    GString *why = g_string_new(NULL);

    assert_int_equal(hc_hacon_install_parse(out, strlen(out), &h, &err), 0);
    assert_string_equal(h.path, "/usr/bin/hacon");
    assert_true(hc_hacon_install_same(&h, why));
    assert_string_equal(why->str, "");
    hc_hacon_install_clear(&h);
    g_string_free(why, TRUE);
    g_free(out);
}

static void test_parse_differs(void **state)
{
    char *out = peer_output("0.0.1", "-"), *err = NULL;
    char *want = g_strdup_printf("hacon 0.0.1 (this node: %s), the agent "
                                 "/usr/lib/ocf/resource.d/hacon/dhcpd is "
                                 "missing", hc_version());
    hc_hacon_install h;
    GString *why = g_string_new(NULL);

    assert_int_equal(hc_hacon_install_parse(out, strlen(out), &h, &err), 0);
    assert_false(hc_hacon_install_same(&h, why));
    assert_string_equal(why->str, want);
    hc_hacon_install_clear(&h);
    g_string_free(why, TRUE);
    g_free(want);
    g_free(out);
}

static void test_parse_none(void **state)
{
    size_t n;
    GString *o = g_string_new("version \npath \ndpkg \n");
    hc_hacon_install h;
    char *err = NULL;
    GString *why = g_string_new(NULL);

    hc_agent_sums(&n);
    for (size_t i = 0; i < n; i++) {
        g_string_append(o, "agent -\n");
    }
    assert_int_equal(hc_hacon_install_parse(o->str, o->len, &h, &err), 0);
    assert_false(hc_hacon_install_same(&h, why));
    assert_true(g_str_has_prefix(why->str, "no hacon on its PATH, the agent "));
    hc_hacon_install_clear(&h);
    g_string_free(why, TRUE);
    g_string_free(o, TRUE);
}

static void expect_error(const char *in, size_t len, const char *want)
{
    hc_hacon_install h;
    char *err = NULL;

    assert_int_equal(hc_hacon_install_parse(in, len, &h, &err), -EINVAL);
    assert_non_null(err);
    assert_string_equal(err, want);
    g_free(err);
}

static void test_parse_errors(void **state)
{
    char *ok = peer_output(hc_version(), NULL);
    char *bad_sum = peer_output(hc_version(), "ABC");
    char *twice = g_strdup_printf("%sversion 1\n", ok);
    char *extra = g_strdup_printf("%sagent -\n", ok);
    char *hostile = g_strdup_printf("\x1b]0;evil\x07 x\n%s", ok);
    char *ctl = g_strdup_printf("%s", ok);

    expect_error(bad_sum, strlen(bad_sum),
                 "line 4: an agent's checksum is not 64 hex digits or -");
    size_t n;
    char *w_twice, *w_extra, *w_none;

    hc_agent_sums(&n);
    w_twice = g_strdup_printf("line %zu: a second version line", 4 + n);
    w_extra = g_strdup_printf("line %zu: more than %zu agent%s", 4 + n, n,
                              n == 1 ? "" : "s");
    w_none = g_strdup_printf("0 agents where %zu %s expected", n,
                             n == 1 ? "was" : "were");
    expect_error(twice, strlen(twice), w_twice);
    expect_error(extra, strlen(extra), w_extra);
    expect_error(hostile, strlen(hostile),
                 "line 1: unexpected '\\x1b]0;evil\\x07'");
    expect_error("version 1\npath\n", 15, "no dpkg line");
    expect_error("version 1\npath\ndpkg\n", 20, w_none);
    expect_error("version 1\0\n", 11, "line 1: a NUL byte");
    ctl[8] = '\t';      /* "version \t..." */
    expect_error(ctl, strlen(ctl), "line 1: the version is not printable text");
    expect_error("", 0, "no version line");
    g_free(ok);
    g_free(bad_sum);
    g_free(twice);
    g_free(extra);
    g_free(hostile);
    g_free(ctl);
    g_free(w_twice);
    g_free(w_extra);
    g_free(w_none);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_is_changelogs),
        cmocka_unit_test(test_agent_sums_are_the_files),
        cmocka_unit_test(test_parse_same),
        cmocka_unit_test(test_parse_differs),
        cmocka_unit_test(test_parse_none),
        cmocka_unit_test(test_parse_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
