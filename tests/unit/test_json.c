/* Unit tests of core/json.c, the JSON writer: commas and nesting, values,
 * the newlines of the compact style, the spaced style with items one a
 * line, members added to an object already open, nesting too deep. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "json.h"

static void test_compact(void **state)
{
    GString *out = g_string_new(NULL);
    hc_jw w;

    hc_jw_init(&w, out);
    hc_jw_obj(&w, NULL);
    hc_jw_str(&w, "s", "a\"b\\c\n");
    hc_jw_str(&w, "none", NULL);
    hc_jw_int(&w, "i", -42);
    hc_jw_uint(&w, "u", 18446744073709551615ULL);
    hc_jw_num(&w, "n", 2.25, 1);
    hc_jw_num(&w, "t", 1790000000.5, 3);
    hc_jw_bool(&w, "yes", true);
    hc_jw_bool(&w, "no", false);
    hc_jw_null(&w, "nil");
    hc_jw_arr(&w, "empty");
    hc_jw_end(&w);
    hc_jw_obj(&w, "o");
    hc_jw_end(&w);
    hc_jw_arr(&w, "a");
    hc_jw_str(&w, NULL, "x");
    hc_jw_obj(&w, NULL);
    hc_jw_int(&w, "k", 1);
    hc_jw_end(&w);
    hc_jw_arr(&w, NULL);
    hc_jw_end(&w);
    hc_jw_end(&w);
    hc_jw_end(&w);
    assert_string_equal(out->str,
                        "{\"s\":\"a\\\"b\\\\c\\u000a\",\"none\":null,"
                        "\"i\":-42,\"u\":18446744073709551615,\"n\":2.2,"
                        "\"t\":1790000000.500,\"yes\":true,\"no\":false,"
                        "\"nil\":null,\"empty\":[],\"o\":{},"
                        "\"a\":[\"x\",{\"k\":1},[]]}");
    /* More ends than opens write nothing. */
    hc_jw_end(&w);
    assert_int_equal(out->str[out->len - 1], '}');
    g_string_free(out, TRUE);
}

/* A newline asked for goes after the comma, before the next value. */
static void test_newline(void **state)
{
    GString *out = g_string_new(NULL);
    hc_jw w;

    hc_jw_init(&w, out);
    hc_jw_obj(&w, NULL);
    hc_jw_obj(&w, "c");
    hc_jw_end(&w);
    hc_jw_newline(&w);
    hc_jw_arr(&w, "nodes");
    for (int i = 0; i < 2; i++) {
        hc_jw_newline(&w);
        hc_jw_obj(&w, NULL);
        hc_jw_int(&w, "id", i);
        hc_jw_end(&w);
    }
    hc_jw_end(&w);
    hc_jw_end(&w);
    assert_string_equal(out->str, "{\"c\":{},\n\"nodes\":[\n{\"id\":0},\n"
                        "{\"id\":1}]}");
    g_string_free(out, TRUE);
}

static void test_spaced_lines(void **state)
{
    GString *out = g_string_new(NULL);
    hc_jw w;

    hc_jw_init_spaced(&w, out);
    hc_jw_obj(&w, NULL);
    hc_jw_lines(&w);
    hc_jw_str(&w, "file", "f");
    hc_jw_arr(&w, "rows");
    hc_jw_lines(&w);
    for (int i = 0; i < 2; i++) {
        hc_jw_obj(&w, NULL);
        hc_jw_int(&w, "a", i);
        hc_jw_bool(&w, "b", i);
        hc_jw_end(&w);
    }
    hc_jw_end(&w);
    hc_jw_arr(&w, "none");
    hc_jw_lines(&w);
    hc_jw_end(&w);
    hc_jw_obj(&w, "sum");
    hc_jw_int(&w, "x", 1);
    hc_jw_int(&w, "y", 2);
    hc_jw_end(&w);
    hc_jw_end(&w);
    assert_string_equal(out->str,
                        "{\n  \"file\": \"f\",\n  \"rows\": [\n"
                        "    {\"a\": 0, \"b\": false},\n"
                        "    {\"a\": 1, \"b\": true}\n  ],\n"
                        "  \"none\": [],\n  \"sum\": {\"x\": 1, \"y\": 2}\n}");
    g_string_free(out, TRUE);
}

/* Members added to an object another writer (or printf) opened. */
static void test_in_object(void **state)
{
    GString *out = g_string_new("{\"drbd\":{}");
    hc_jw w;

    hc_jw_init_in_object(&w, out, true);
    hc_jw_arr(&w, "warnings");
    hc_jw_str(&w, NULL, "w1");
    hc_jw_end(&w);
    g_string_append_c(out, '}');
    assert_string_equal(out->str, "{\"drbd\":{},\"warnings\":[\"w1\"]}");
    g_string_truncate(out, 0);
    g_string_append_c(out, '{');
    hc_jw_init_in_object(&w, out, false);
    hc_jw_int(&w, "n", 1);
    assert_string_equal(out->str, "{\"n\":1");
    g_string_free(out, TRUE);
}

/* Beyond the deepest nesting nothing is written, and what is around it
 * stays well formed. */
static void test_too_deep(void **state)
{
    GString *out = g_string_new(NULL);
    hc_jw w;

    hc_jw_init(&w, out);
    for (int i = 0; i < HC_JW_MAX_DEPTH + 3; i++) {
        hc_jw_arr(&w, NULL);
        hc_jw_int(&w, NULL, i);
    }
    for (int i = 0; i < HC_JW_MAX_DEPTH + 3; i++) {
        hc_jw_end(&w);
    }
    hc_jw_str(&w, NULL, "after");
    assert_int_equal(out->str[0], '[');
    assert_non_null(strstr(out->str, "[15]"));
    assert_null(strstr(out->str, "16"));
    assert_true(g_str_has_suffix(out->str, "]]\"after\"")
                || g_str_has_suffix(out->str, "],\"after\""));
    g_string_free(out, TRUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compact),
        cmocka_unit_test(test_newline),
        cmocka_unit_test(test_spaced_lines),
        cmocka_unit_test(test_in_object),
        cmocka_unit_test(test_too_deep),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
