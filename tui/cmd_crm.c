/* hacon crm [--dry-run] [--no-simulate] [--fix] LINE: one crm shell line,
 * parsed and applied by hacon itself (no crmsh needed).  Prints what hacon
 * has to say about the line (notes, warnings, the corrected line), the CIB
 * changes and what the cluster would do, then commits them as one replace
 * of the configuration (CIB_file= or the live cluster) unless --dry-run.
 * --fix applies the corrected line instead of the line as written. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <crm/common/xml.h>

#include "commands.h"
#include "crmsh.h"
#include "exec.h"
#include "util.h"

/* The words of the command line as one crm line; words with blanks or
 * quotes are quoted again so that the parser sees them as one word. */
static char *join_words(int argc, char **argv)
{
    GString *s = g_string_new(NULL);

    for (int i = 0; i < argc; i++) {
        const char *w = argv[i];
        if (s->len) {
            g_string_append_c(s, ' ');
        }
        if (argc > 1 && (strpbrk(w, " \t\"'\\") || !*w)) {
            g_string_append_c(s, '"');
            for (const char *c = w; *c; c++) {
                if (*c == '"' || *c == '\\') {
                    g_string_append_c(s, '\\');
                }
                g_string_append_c(s, *c);
            }
            g_string_append_c(s, '"');
        } else {
            g_string_append(s, w);
        }
    }
    return g_string_free(s, FALSE);
}

static void print_wrapped(FILE *f, const char *first, const char *text)
{
    char **l = hc_wrap(text, 78, first, "  ");

    for (char **p = l; *p; p++) {
        fprintf(f, "%s\n", *p);
    }
    g_strfreev(l);
}

/* Notes on stdout; warnings and the corrected line on stderr, after what
 * stdout holds so far. */
static void print_advice(const hc_crm_advice *a, bool fixing)
{
    for (guint i = 0; a && i < a->notes->len; i++) {
        print_wrapped(stdout, "note: ", a->notes->pdata[i]);
    }
    fflush(stdout);
    for (guint i = 0; a && i < a->warnings->len; i++) {
        print_wrapped(stderr, "warning: ", a->warnings->pdata[i]);
    }
    if (a && a->fix && !fixing) {
        fprintf(stderr, "The line as meant (hacon crm --fix applies it "
                "instead):\n  %s\n", a->fix);
    }
    fflush(stderr);
}

static int crm_run(const hc_args *a)
{
    bool dry_run = hc_args_has(a, "dry-run");
    bool simulate = !hc_args_has(a, "no-simulate");
    bool fix = hc_args_has(a, "fix");
    char *line = join_words(hc_args_argc(a), hc_args_argv(a));
    hc_crm_plan *plan = NULL;
    hc_crm_error err;
    char *msg = NULL, *out = NULL;
    int rc = 0;

    crm_xml_init();
    int prc = hc_crm_plan_new(line, simulate, &plan, &err, &msg);
    if (prc == -EINVAL && !msg) {
        char *m = hc_crm_error_format(line, &err);
        fprintf(stderr, "%s\n", m);
        g_free(m);
        rc = 1;
        goto out;
    }
    if (prc < 0) {
        fprintf(stderr, "hacon crm: %s\n", msg ? msg : g_strerror(-prc));
        rc = 1;
        goto out;
    }
    print_advice(plan->advice, fix);
    if (fix && plan->advice && plan->advice->fix) {
        char *meant = g_strdup(plan->advice->fix);

        printf("Applying the line as meant: %s\n", meant);
        hc_crm_plan_free(plan);
        plan = NULL;
        prc = hc_crm_plan_new(meant, simulate, &plan, &err, &msg);
        if (prc == -EINVAL && !msg) {
            char *m = hc_crm_error_format(meant, &err);

            fflush(stdout);
            fprintf(stderr, "%s\n", m);
            g_free(m);
        } else if (prc < 0) {
            fflush(stdout);
            fprintf(stderr, "hacon crm: %s\n", msg ? msg
                    : g_strerror(-prc));
        }
        g_free(meant);
        if (prc < 0) {
            rc = 1;
            goto out;
        }
        print_advice(plan->advice, true);
    } else if (fix) {
        printf("Nothing to correct: the line is applied as written.\n");
    }
    if (plan->cluster_argv) {
        char *cl = hc_exec_cmdline((const char *const *)plan->cluster_argv,
                                   NULL);
        printf("%s: %s\n", dry_run ? "would run" : "running", cl);
        g_free(cl);
    } else if (!*plan->diff) {
        printf("No change to the CIB.\n");
        goto out;
    } else {
        printf("CIB changes:\n%s", plan->diff);
        if (plan->preview_error) {
            printf("Cluster actions: unknown (%s)\n", plan->preview_error);
        } else if (plan->preview && !*plan->preview) {
            printf("Cluster actions: none\n");
        } else if (plan->preview) {
            printf("Cluster actions:\n%s", plan->preview);
        }
    }
    if (dry_run) {
        printf("Not applied (--dry-run).\n");
        goto out;
    }
    if (hc_crm_plan_apply(plan, &out, &msg) < 0) {
        if (out && *out) {
            printf("%s\n", out);
        }
        fprintf(stderr, "hacon crm: %s\n", msg ? msg : "failed");
        rc = 1;
        goto out;
    }
    if (out && *out) {
        printf("%s\n", out);
    }
    printf("Applied.\n");
out:
    g_free(out);
    g_free(msg);
    hc_crm_plan_free(plan);
    g_free(line);
    return rc;
}

static const hc_opt crm_opts[] = {
    { "dry-run", 0, HC_OPT_FLAG, NULL, .help = "show the changes, apply nothing" },
    { "no-simulate", 0, HC_OPT_FLAG, NULL, .help = "skip the preview of what the "
      "cluster would do" },
    { "fix", 0, HC_OPT_FLAG, NULL, .help = "apply the corrected line instead of the "
      "line as written" },
    { NULL },
};

static const char *const crm_forms[] = { "'LINE'", NULL };

const hc_command hc_cmd_crm = {
    .name = "crm",
    .summary = "apply one crm shell line (diff, preview, commit)",
    .forms = crm_forms,
    .notes = "The options come before the line; the words of the line may "
             "also be given\nunquoted, one argument each.\n",
    /* The line's own words may start with a dash. */
    .args = { crm_opts, 1, -1, true },
    .run = crm_run,
};
