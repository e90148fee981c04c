/* libFuzzer target for the commands' argument parser (core/args.c): the
 * input is argv, words separated by NUL bytes, checked against a template
 * with every kind of option; the values are then read back. */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <glib.h>

#include "args.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const formats[] = { "text", "json", NULL };
static const char *const colours[] = { "red", "green", NULL };

static int colour_check(const char *v)
{
    return !strcmp(v, "red") || !strcmp(v, "green") ? 0 : -1;
}

static const hc_opt opts[] = {
    { "yes", 'y', HC_OPT_FLAG, NULL, .help = "no questions" },
    { "file", 'f', HC_OPT_STRING, "FILE", .help = "a file" },
    { "timeout", 't', HC_OPT_INT, "SECS", .help = "how long", .min = 1,
      .max = 3600, .unit = "seconds" },
    { "count", 'c', HC_OPT_INT, "N", .help = "how many", .min = 0,
      .max = INT_MAX },
    { "wait", 'w', HC_OPT_REAL, "SECS", .help = "a pause", .min = 0,
      .max = 10, .unit = "seconds" },
    { "format", 0, HC_OPT_CHOICE, NULL, .help = "the output",
      .choices = formats },
    { "host", 'H', HC_OPT_STRING, "N=A", .help = "a host", .repeat = 2 },
    { "colour", 0, HC_OPT_STRING, "C", .help = "a colour",
      .choices = colours, .check = colour_check },
    { NULL },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const hc_args_template tpls[] = {
        { opts, 0, 2, false }, { opts, 1, -1, true },
    };
    char *buf = g_malloc(size + 1);
    GPtrArray *argv = g_ptr_array_new();
    hc_args *a = NULL;
    char *err = NULL;

    memcpy(buf, data, size);
    buf[size] = '\0';
    g_ptr_array_add(argv, (char *) "cmd");
    for (size_t i = 0; i <= size && argv->len < 64;) {
        g_ptr_array_add(argv, buf + i);
        i += strlen(buf + i) + 1;
    }
    g_ptr_array_add(argv, NULL);
    for (size_t t = 0; t < G_N_ELEMENTS(tpls); t++) {
        if (hc_args_parse(&tpls[t], (int) argv->len - 1,
                          (char **) argv->pdata, &a, &err) < 0) {
            g_free(err);
            continue;
        }
        (void) hc_args_help(a);
        for (const hc_opt *o = opts; o->name; o++) {
            (void) hc_args_count(a, o->name);
            (void) hc_args_str(a, o->name, NULL);
            (void) hc_args_nth(a, o->name, 1);
        }
        (void) hc_args_int(a, "timeout", 0);
        (void) hc_args_int(a, "count", 0);
        (void) hc_args_real(a, "wait", 0);
        (void) hc_args_choice(a, "format", 0);
        for (char **p = hc_args_argv(a); *p; p++) {
            (void) strlen(*p);
        }
        hc_args_free(a);
    }
    g_ptr_array_free(argv, TRUE);
    g_free(buf);
    return 0;
}
