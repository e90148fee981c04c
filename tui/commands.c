/* The one place where a command's arguments are checked against its
 * template and its help is written (commands.h). */
#include "commands.h"

#include <stdbool.h>

#include <glib.h>

#include "util.h"

const char *const hc_format_choices[] = { "text", "json", NULL };

static void print_forms(const hc_command *c, FILE *f)
{
    const char *const none[] = { "", NULL };
    const char *const *forms = c->forms ? c->forms : none;
    bool opts = c->args.opts && c->args.opts[0].name;

    for (const char *const *p = forms; *p; p++) {
        /* Options that must come first are written first. */
        fprintf(f, "%s hacon %s%s%s%s%s\n", p == forms ? "usage:" : "      ",
                c->name, opts && c->args.options_first ? " [OPTIONS]" : "",
                **p ? " " : "", *p,
                opts && !c->args.options_first ? " [OPTIONS]" : "");
    }
}

void hc_command_help(const hc_command *c, FILE *f)
{
    GString *s = g_string_new(NULL);

    print_forms(c, f);
    fprintf(f, "%c%s.\n", g_ascii_toupper(c->summary[0]), c->summary + 1);
    hc_args_format_help(&c->args, s);
    fputs(s->str, f);
    if (c->notes) {
        fputs(c->notes, f);
    }
    g_string_free(s, TRUE);
}

int hc_command_usage_error(const hc_command *c, const char *msg)
{
    fprintf(stderr, "hacon %s: %s\n", c->name, msg);
    print_forms(c, stderr);
    fprintf(stderr, "(hacon %s --help lists the options)\n", c->name);
    return 2;
}

int hc_command_exec(const hc_command *c, int argc, char **argv)
{
    hc_args *a = NULL;
    char *err = NULL;
    int rc;

    if (hc_args_parse(&c->args, argc, argv, &a, &err) < 0) {
        rc = hc_command_usage_error(c, err);
        g_free(err);
        return rc;
    }
    if (hc_args_help(a)) {
        hc_command_help(c, stdout);
        hc_args_free(a);
        return fflush(stdout) == 0 ? 0 : 1;
    }
    rc = c->run(a);
    hc_args_free(a);
    return rc;
}
