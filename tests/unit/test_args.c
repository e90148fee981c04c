/* Unit tests of core/args.c: the one parser of the commands' argument
 * templates (long and short options, values joined or apart, "--",
 * options after arguments, numbers with strtol/strtod and a range,
 * choices, repeats), its messages, and the help and list it writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "args.h"

static const char *const formats[] = { "text", "json", NULL };
static const char *const colours[] = { "red", "green", NULL };

static int colour_check(const char *v)
{
    /* Accepts an alias, as hc_lease_col_from_name does. */
    return !strcmp(v, "red") || !strcmp(v, "green") || !strcmp(v, "rouge")
           ? 0 : -1;
}

static const hc_opt opts[] = {
    { "yes", 'y', HC_OPT_FLAG, NULL, .help = "no questions" },
    { "file", 'f', HC_OPT_STRING, "FILE", .help = "a file",
      .complete = HC_OPT_FILE },
    { "timeout", 't', HC_OPT_INT, "SECS", .help = "how long", .min = 1,
      .max = 3600, .unit = "seconds" },
    { "count", 'c', HC_OPT_INT, "N", .help = "how many", .min = 0,
      .max = INT_MAX },
    { "wait", 0, HC_OPT_REAL, "SECS", .help = "a pause", .min = 0,
      .max = 10, .unit = "seconds" },
    { "format", 0, HC_OPT_CHOICE, NULL, .help = "the output",
      .choices = formats },
    { "host", 0, HC_OPT_STRING, "N=A", .help = "a host", .repeat = 2 },
    { "colour", 0, HC_OPT_STRING, "C", .help = "a colour",
      .choices = colours, .check = colour_check },
    { NULL },
};

static const hc_args_template tpl = { opts, 1, 2, false };
static const hc_args_template first = { opts, 1, -1, true };

/* parse(TEMPLATE, &a, &err, WORD..., NULL): argv[0] is "cmd". */
static int parse(const hc_args_template *t, hc_args **a, char **err, ...)
{
    char *argv[32] = { (char *) "cmd" };
    int argc = 1, rc;
    va_list ap;

    va_start(ap, err);
    for (char *w; (w = va_arg(ap, char *)) && argc < 31;) {
        argv[argc++] = w;
    }
    va_end(ap);
    /* The words are literals: the values that point into them outlive
     * argv. */
    rc = hc_args_parse(t, argc, argv, a, err);
    return rc;
}

static void refused(const hc_args_template *t, const char *want, ...)
{
    char *argv[32] = { (char *) "cmd" };
    int argc = 1;
    hc_args *a = (hc_args *) 1;
    char *err = NULL;
    va_list ap;

    va_start(ap, want);
    for (char *w; (w = va_arg(ap, char *)) && argc < 31;) {
        argv[argc++] = w;
    }
    va_end(ap);
    assert_int_equal(hc_args_parse(t, argc, argv, &a, &err), -EINVAL);
    assert_null(a);
    assert_non_null(err);
    if (strcmp(err, want)) {
        fail_msg("message \"%s\", want \"%s\"", err, want);
    }
    g_free(err);
}

static void test_values(void **state)
{
    hc_args *a;
    char *err = NULL;

    assert_int_equal(parse(&tpl, &a, &err, "-y", "--file=x.txt", "one",
                           "-t", "30", "--count", "0", "--wait=1.5",
                           "--format", "json", NULL), 0);
    assert_null(err);
    assert_true(hc_args_has(a, "yes"));
    assert_string_equal(hc_args_str(a, "file", NULL), "x.txt");
    assert_int_equal(hc_args_int(a, "timeout", 0), 30);
    assert_int_equal(hc_args_int(a, "count", 7), 0);
    assert_true(hc_args_real(a, "wait", 0) == 1.5);
    assert_int_equal(hc_args_choice(a, "format", 0), 1);
    assert_int_equal(hc_args_argc(a), 1);
    assert_string_equal(hc_args_argv(a)[0], "one");
    assert_null(hc_args_argv(a)[1]);
    assert_false(hc_args_help(a));
    hc_args_free(a);
}

static void test_defaults(void **state)
{
    hc_args *a;
    char *err = NULL;

    assert_int_equal(parse(&tpl, &a, &err, "one", NULL), 0);
    assert_false(hc_args_has(a, "yes"));
    assert_null(hc_args_str(a, "file", NULL));
    assert_string_equal(hc_args_str(a, "file", "d"), "d");
    assert_int_equal(hc_args_int(a, "timeout", 120), 120);
    assert_true(hc_args_real(a, "wait", 2.5) == 2.5);
    assert_int_equal(hc_args_choice(a, "format", 0), 0);
    assert_int_equal(hc_args_count(a, "host"), 0);
    assert_null(hc_args_nth(a, "host", 0));
    hc_args_free(a);
}

static void test_short_options(void **state)
{
    hc_args *a;
    char *err = NULL;

    /* A cluster of flags, then a value joined to its letter. */
    assert_int_equal(parse(&tpl, &a, &err, "-yt45", "x", NULL), 0);
    assert_true(hc_args_has(a, "yes"));
    assert_int_equal(hc_args_int(a, "timeout", 0), 45);
    hc_args_free(a);
    assert_int_equal(parse(&tpl, &a, &err, "-yf", "name", "x", NULL), 0);
    assert_string_equal(hc_args_str(a, "file", NULL), "name");
    assert_int_equal(hc_args_argc(a), 1);
    hc_args_free(a);
}

static void test_last_counts_and_repeats(void **state)
{
    hc_args *a;
    char *err = NULL;

    assert_int_equal(parse(&tpl, &a, &err, "--file", "a", "--file", "b",
                           "--host", "h1", "x", "--host", "h2", NULL), 0);
    assert_string_equal(hc_args_str(a, "file", NULL), "b");
    assert_int_equal(hc_args_count(a, "host"), 2);
    assert_string_equal(hc_args_nth(a, "host", 0), "h1");
    assert_string_equal(hc_args_nth(a, "host", 1), "h2");
    assert_string_equal(hc_args_str(a, "host", NULL), "h2");
    assert_null(hc_args_nth(a, "host", 2));
    hc_args_free(a);
    refused(&tpl, "--host: given more than 2 times", "x", "--host", "1",
            "--host", "2", "--host", "3", NULL);
}

static void test_numbers(void **state)
{
    refused(&tpl, "--timeout: \"5x\" is not a number of seconds (1-3600)",
            "x", "--timeout", "5x", NULL);
    refused(&tpl, "--timeout: \"\" is not a number of seconds (1-3600)",
            "x", "--timeout=", NULL);
    refused(&tpl, "--timeout: \" 5\" is not a number of seconds (1-3600)",
            "x", "--timeout", " 5", NULL);
    refused(&tpl, "--timeout: \"0\" is out of range (1-3600 seconds)",
            "x", "-t0", NULL);
    refused(&tpl, "--timeout: \"3601\" is out of range (1-3600 seconds)",
            "x", "--timeout=3601", NULL);
    refused(&tpl, "--timeout: \"1.5\" is not a number of seconds (1-3600)",
            "x", "--timeout=1.5", NULL);
    refused(&tpl, "--count: \"99999999999999999999\" is out of range "
            "(0-2147483647)", "x", "--count", "99999999999999999999", NULL);
    refused(&tpl, "--count: \"-1\" is out of range (0-2147483647)",
            "x", "--count=-1", NULL);
    refused(&tpl, "--count: \"0x10\" is not a whole number (0-2147483647)",
            "x", "--count=0x10", NULL);
    refused(&tpl, "--wait: \"nan\" is not a number of seconds (0-10)",
            "x", "--wait", "nan", NULL);
    refused(&tpl, "--wait: \"inf\" is not a number of seconds (0-10)",
            "x", "--wait", "inf", NULL);
    refused(&tpl, "--wait: \"10.5\" is out of range (0-10 seconds)",
            "x", "--wait", "10.5", NULL);
}

static void test_choices(void **state)
{
    hc_args *a;
    char *err = NULL;

    refused(&tpl, "--format: \"xml\" is not one of text, json",
            "x", "--format=xml", NULL);
    refused(&tpl, "--colour: \"blue\" is not one of red, green",
            "x", "--colour", "blue", NULL);
    assert_int_equal(parse(&tpl, &a, &err, "x", "--colour", "rouge", NULL),
                     0);
    assert_string_equal(hc_args_str(a, "colour", NULL), "rouge");
    hc_args_free(a);
}

static void test_usage_errors(void **state)
{
    refused(&tpl, "unknown option --bogus", "x", "--bogus", NULL);
    refused(&tpl, "unknown option --time", "x", "--time=5", NULL);
    refused(&tpl, "unknown option -q", "x", "-yq", NULL);
    refused(&tpl, "--yes takes no value", "x", "--yes=1", NULL);
    refused(&tpl, "--timeout needs a value (1-3600 seconds)", "x",
            "--timeout", NULL);
    refused(&tpl, "--file needs a value (FILE)", "x", "-f", NULL);
    refused(&tpl, "--format needs a value (text, json)", "x", "--format",
            NULL);
    refused(&tpl, "an argument is missing", "-y", NULL);
    refused(&tpl, "unexpected argument \"three\"", "one", "two", "three",
            NULL);
    /* Control bytes are escaped in the message. */
    refused(&tpl, "--timeout: \"\\x1b[2J\" is not a number of seconds "
            "(1-3600)", "x", "--timeout", "\x1b[2J", NULL);
}

static void test_help(void **state)
{
    hc_args *a;
    char *err = NULL;

    /* --help needs none of the arguments, wherever it comes. */
    assert_int_equal(parse(&tpl, &a, &err, "--help", NULL), 0);
    assert_true(hc_args_help(a));
    hc_args_free(a);
    assert_int_equal(parse(&tpl, &a, &err, "-y", "-h", NULL), 0);
    assert_true(hc_args_help(a));
    hc_args_free(a);
    /* A bad option before it is still an error. */
    refused(&tpl, "unknown option --bogus", "--bogus", "--help", NULL);
}

static void test_double_dash_and_order(void **state)
{
    hc_args *a;
    char *err = NULL;

    /* Options after arguments; "--" ends them; "-" is an argument. */
    assert_int_equal(parse(&tpl, &a, &err, "one", "-y", "--", "--yes",
                           NULL), 0);
    assert_true(hc_args_has(a, "yes"));
    assert_int_equal(hc_args_argc(a), 2);
    assert_string_equal(hc_args_argv(a)[1], "--yes");
    hc_args_free(a);
    assert_int_equal(parse(&tpl, &a, &err, "-", NULL), 0);
    assert_string_equal(hc_args_argv(a)[0], "-");
    hc_args_free(a);
    /* options_first: the words after the first argument are its own. */
    assert_int_equal(parse(&first, &a, &err, "-y", "primitive", "--yes",
                           "-t", "x", NULL), 0);
    assert_int_equal(hc_args_argc(a), 4);
    assert_string_equal(hc_args_argv(a)[1], "--yes");
    assert_int_equal(hc_args_int(a, "timeout", -1), -1);
    hc_args_free(a);
}

static void test_help_text_and_list(void **state)
{
    GString *s = g_string_new(NULL);

    hc_args_format_help(&tpl, s);
    assert_non_null(strstr(s->str, "options:\n"));
    assert_non_null(strstr(s->str, "  -y, --yes"));
    assert_non_null(strstr(s->str, "  -t, --timeout SECS"));
    assert_non_null(strstr(s->str, "how long (1-3600 seconds)"));
    assert_non_null(strstr(s->str, "      --format=text|json"));
    assert_non_null(strstr(s->str, "(up to 2 times)"));
    assert_non_null(strstr(s->str, "a colour (red, green)"));
    assert_non_null(strstr(s->str, "  -h, --help"));
    g_string_truncate(s, 0);
    hc_args_format_list(&tpl, s);
    assert_string_equal(s->str,
                        "--yes flag\n"
                        "--file file\n"
                        "--timeout value\n"
                        "--count value\n"
                        "--wait value\n"
                        "--format choice text json\n"
                        "--host value\n"
                        "--colour choice red green\n"
                        "--help flag\n");
    g_string_free(s, TRUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_short_options),
        cmocka_unit_test(test_last_counts_and_repeats),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_choices),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_double_dash_and_order),
        cmocka_unit_test(test_help_text_and_list),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
