/* hacon crm [--dry-run] [--no-simulate] LINE: one crm shell line, parsed
 * and applied by hacon itself (no crmsh needed).  Prints the CIB changes
 * and what the cluster would do, then commits them as one replace of the
 * configuration (CIB_file= or the live cluster) unless --dry-run. */
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

static int run_cluster_command(const hc_crm_cmd *cmd, bool dry_run)
{
    char **argv = hc_crm_cmd_cluster_argv(cmd);
    char *line = hc_exec_cmdline((const char *const *)argv, NULL);
    int rc = 0;

    if (dry_run) {
        printf("would run: %s\n", line);
    } else {
        hc_exec_result r = { 0 };
        printf("running: %s\n", line);
        if (hc_exec((const char *const *)argv, NULL, &r) < 0) {
            fprintf(stderr, "hacon: cannot run %s\n", argv[0]);
            rc = 1;
        } else {
            char *o = hc_escape(r.out, 0), *e = hc_escape(r.err, 0);
            fputs(o, stdout);
            if (*r.err) {
                fprintf(stderr, "%s\n", e);
            }
            rc = r.status == 0 && !r.timed_out ? 0 : 1;
            g_free(o);
            g_free(e);
        }
        hc_exec_result_clear(&r);
    }
    g_free(line);
    g_strfreev(argv);
    return rc;
}

static int crm_run(int argc, char **argv)
{
    bool dry_run = false, simulate = true;
    int i = 1;

    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        if (!strcmp(argv[i], "--dry-run")) {
            dry_run = true;
        } else if (!strcmp(argv[i], "--no-simulate")) {
            simulate = false;
        } else if (!strcmp(argv[i], "--")) {
            i++;
            break;
        } else {
            fprintf(stderr, "hacon crm: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (i >= argc) {
        fprintf(stderr, "usage: hacon crm [--dry-run] [--no-simulate] "
                "'LINE'\n");
        return 2;
    }
    char *line = join_words(argc - i, argv + i);
    hc_crm_cmd *cmd = NULL;
    hc_crm_error err;
    int rc = hc_crm_parse(line, strlen(line), &cmd, &err);

    if (rc) {
        char *m = hc_crm_error_format(line, &err);
        fprintf(stderr, "%s\n", m);
        g_free(m);
        g_free(line);
        return 1;
    }
    if (hc_crm_cmd_needs_cluster(cmd)) {
        rc = run_cluster_command(cmd, dry_run);
        hc_crm_cmd_free(cmd);
        g_free(line);
        return rc;
    }

    xmlNode *base = NULL, *next = NULL;
    char *msg = NULL;
    crm_xml_init();
    if (hc_crm_cib_query(&base, &msg) < 0) {
        fprintf(stderr, "hacon crm: %s\n", msg ? msg : "cannot read the CIB");
        rc = 1;
        goto out;
    }
    next = copy_xml(base);
    if (hc_crm_apply(cmd, next, &err) < 0) {
        char *m = hc_crm_error_format(line, &err);
        fprintf(stderr, "%s\n", m);
        g_free(m);
        rc = 1;
        goto out;
    }
    char *diff = hc_crm_diff_text(base, next);
    if (!*diff) {
        printf("No change to the CIB.\n");
        g_free(diff);
        goto out;
    }
    printf("CIB changes:\n%s", diff);
    g_free(diff);
    if (simulate) {
        char *summary = NULL;
        g_free(msg);
        msg = NULL;
        if (hc_crm_simulate(next, 30000, &summary, &msg) < 0) {
            printf("Cluster actions: unknown (%s)\n", msg ? msg : "?");
        } else if (!*summary) {
            printf("Cluster actions: none\n");
        } else {
            printf("Cluster actions:\n%s", summary);
        }
        g_free(summary);
    }
    if (dry_run) {
        printf("Not applied (--dry-run).\n");
        goto out;
    }
    g_free(msg);
    msg = NULL;
    if (hc_crm_cib_commit(base, next, &msg) < 0) {
        fprintf(stderr, "hacon crm: %s\n", msg ? msg : "commit failed");
        rc = 1;
        goto out;
    }
    printf("Applied.\n");
out:
    g_free(msg);
    free_xml(base);
    free_xml(next);
    hc_crm_cmd_free(cmd);
    g_free(line);
    return rc;
}

const hc_command hc_cmd_crm = {
    .name = "crm",
    .usage = "[--dry-run] 'LINE'",
    .summary = "apply one crm shell line (diff, preview, commit)",
    .run = crm_run,
};
