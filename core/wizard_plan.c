/* A step's plan: its notes, warnings, crm lines, files and commands
 * (with their undo), and for a CIB change the crm_diff, crm_verify and
 * crm_simulate preview, and where the service ends up. */
#include "wizard.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <crm/crm.h>
#include <crm/common/xml.h>

#include "cib.h"
#include "exec.h"
#include "status.h"
#include "util.h"
#include "wizard_int.h"
#include "steps/steps.h"

void hc_plan_cmd_free(hc_plan_cmd *c)
{
    if (!c) {
        return;
    }
    g_free(c->node);
    g_strfreev(c->argv);
    g_strfreev(c->undo);
    g_free(c->why);
    g_free(c->input);
    g_free(c);
}

static void plan_cmd_free(gpointer p)
{
    hc_plan_cmd_free(p);
}

static void plan_file_free(gpointer p)
{
    hc_plan_file *f = p;

    g_free(f->node);
    g_free(f->path);
    g_free(f->old_text);
    g_free(f->new_text);
    g_free(f);
}

hc_plan *hc_plan_new(void)
{
    hc_plan *p = g_new0(hc_plan, 1);

    p->notes = g_ptr_array_new_with_free_func(g_free);
    p->warnings = g_ptr_array_new_with_free_func(g_free);
    p->crm = g_ptr_array_new_with_free_func(g_free);
    p->files = g_ptr_array_new_with_free_func(plan_file_free);
    p->cmds = g_ptr_array_new_with_free_func(plan_cmd_free);
    p->data = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return p;
}

void hc_plan_free(hc_plan *p)
{
    if (!p) {
        return;
    }
    g_ptr_array_free(p->notes, TRUE);
    g_ptr_array_free(p->warnings, TRUE);
    g_ptr_array_free(p->crm, TRUE);
    g_ptr_array_free(p->files, TRUE);
    g_ptr_array_free(p->cmds, TRUE);
    g_hash_table_destroy(p->data);
    free_xml(p->cib_old);
    free_xml(p->cib_new);
    g_free(p->cib_diff);
    g_free(p->cib_verify);
    g_free(p->simulate);
    g_free(p);
}

#define PLAN_ADD(arr) do { \
        va_list ap; \
        va_start(ap, fmt); \
        g_ptr_array_add(arr, g_strdup_vprintf(fmt, ap)); \
        va_end(ap); \
    } while (0)

void hc_plan_note(hc_plan *p, const char *fmt, ...) { PLAN_ADD(p->notes); }
void hc_plan_warn(hc_plan *p, const char *fmt, ...) { PLAN_ADD(p->warnings); }
void hc_plan_crm(hc_plan *p, const char *fmt, ...) { PLAN_ADD(p->crm); }

void hc_plan_cmd_add(hc_plan *p, const char *node, int timeout_ms,
                     const char *why, ...)
{
    hc_plan_cmd *c = g_new0(hc_plan_cmd, 1);
    va_list ap;

    va_start(ap, why);
    c->argv = hc_argv_from_va(ap);
    va_end(ap);
    c->node = g_strdup(node);
    c->timeout_ms = timeout_ms;
    c->why = g_strdup(why);
    g_ptr_array_add(p->cmds, c);
}

char *hc_plan_cmd_line(const hc_plan_cmd *c)
{
    char *cmd = hc_exec_cmdline((const char *const *) c->argv, c->node);
    char *q, *line;

    if (!c->input) {
        return cmd;
    }
    q = g_shell_quote(c->input);
    line = g_strdup_printf("%s < %s", cmd, q);
    g_free(q);
    g_free(cmd);
    return line;
}

void hc_plan_cmd_input(hc_plan *p, const char *path)
{
    hc_plan_cmd *c;

    g_return_if_fail(p->cmds->len > 0);
    c = p->cmds->pdata[p->cmds->len - 1];
    g_free(c->input);
    c->input = g_strdup(path);
}

void hc_plan_cmd_undo(hc_plan *p, ...)
{
    hc_plan_cmd *c;
    va_list ap;

    g_return_if_fail(p->cmds->len > 0);
    c = p->cmds->pdata[p->cmds->len - 1];
    g_strfreev(c->undo);
    va_start(ap, p);
    c->undo = hc_argv_from_va(ap);
    va_end(ap);
}

int hc_plan_file_add(hc_wizard *w, hc_plan *p, const char *node,
                     const char *path, const char *text, size_t len,
                     mode_t mode, bool secret, char **ret_err)
{
    hc_plan_file *f;
    char *old = NULL;
    size_t old_len = 0;
    int rc = hc_wizard_remote_read(w, node, path, secret, &old, &old_len,
                                   ret_err);

    if (rc < 0) {
        return rc;
    }
    if (old && old_len == len && !memcmp(old, text, len)) {
        g_free(old);
        return 0;
    }
    f = g_new0(hc_plan_file, 1);
    f->node = g_strdup(node);
    f->path = g_strdup(path);
    f->old_text = old;
    f->old_len = old_len;
    f->new_text = g_memdup2(text, len + 1);
    f->new_text[len] = 0;
    f->new_len = len;
    f->mode = mode;
    f->secret = secret;
    g_ptr_array_add(p->files, f);
    return 0;
}

/* crm_verify -VV's messages, one a line, without their function names
 * ("(unpack_resources) \terror: ...") nor its hint to use -V. */
char **hc__verify_lines(const char *out)
{
    char **l = g_strsplit(out ? out : "", "\n", -1);
    GPtrArray *keep = g_ptr_array_new();

    for (char **p = l; *p; p++) {
        char *t = g_strstrip(*p);

        if (*t == '(' && strchr(t, ')')) {
            t = g_strstrip(strchr(t, ')') + 1);
        }
        if (*t && !g_str_has_prefix(t, "-V may provide")) {
            g_ptr_array_add(keep, g_strdup(t));
        }
    }
    g_strfreev(l);
    g_ptr_array_add(keep, NULL);
    return (char **) g_ptr_array_free(keep, FALSE);
}

/* Whether crm_verify found warnings and no error: it exits 78 on a
 * warning alone as on an error, and says which in its last line. */
bool hc__verify_warnings_only(char **lines)
{
    bool warned = false;

    for (char **p = lines; *p; p++) {
        if (g_str_has_prefix(*p, "error:") || strstr(*p, "Errors found")) {
            return false;
        }
        warned = warned || strstr(*p, "Warnings found during check");
    }
    return warned;
}

/* What crm_verify -V found, one message a line, and what causes it and
 * which step fixes it when hacon knows. */
static char *verify_error(char **lines)
{
    static const struct {
        const char *seen;
        const char *cause;
    } causes[] = {
        { "no STONITH resources", "Cause: fencing is on (stonith-enabled is "
          "not false) and no fence device is configured, so Pacemaker would "
          "start no resource. Step stonith fixes it (the tutorial's "
          "stonith-enabled=false): apply it first, or configure a fence "
          "device." },
    };
    GString *m = g_string_new("crm_verify rejects the new CIB:");
    const char *cause = NULL;

    for (char **p = lines; *p; p++) {
        g_string_append_printf(m, "\n  %s", *p);
        for (size_t i = 0; !cause && i < G_N_ELEMENTS(causes); i++) {
            if (strstr(*p, causes[i].seen)) {
                cause = causes[i].cause;
            }
        }
    }
    if (cause) {
        g_string_append_printf(m, "\n%s", cause);
    }
    return g_string_free(m, FALSE);
}

/* Pacemaker 2.1's unpack_config() says this of every CIB whose startup
 * fencing is off: stonith-enabled=false turns it off (startup-fencing is
 * read only with fencing on), as startup-fencing=false does. */
#define VERIFY_BLIND_FAITH "Blind faith: not fencing unseen nodes"

/* A crm_verify line's warning text, after "warning:"; NULL: not one. */
static const char *verify_warning_text(const char *line)
{
    if (!g_str_has_prefix(line, "warning:")) {
        return NULL;
    }
    line += strlen("warning:");
    while (*line == ' ') {
        line++;
    }
    return line;
}

char *hc__verify_warning(const char *line)
{
    const char *t = verify_warning_text(line);
    char rsc[256], node[256];

    if (!t) {
        return NULL;
    }
    if (sscanf(t, "Detected active orphan %255s running on %255s", rsc,
               node) == 2) {
        return g_strdup_printf("crm_verify warns: %s. This plan removes %s "
                               "from the configuration, and it runs on %s "
                               "now: Pacemaker stops it once the new CIB is "
                               "in place.", t, rsc, node);
    }
    if (!strcmp(t, VERIFY_BLIND_FAITH)) {
        return g_strdup_printf("crm_verify warns: %s. Fencing is off "
                               "(stonith-enabled=false) or skipped at start "
                               "(startup-fencing=false): when the cluster "
                               "starts, Pacemaker trusts that a node it has "
                               "not seen yet runs nothing, instead of "
                               "fencing it first.", t);
    }
    return g_strdup_printf("crm_verify warns: %s", t);
}

/* Whether the plan itself sets stonith-enabled=false (step stonith): its
 * own warnings say then what a cluster without fencing risks. */
static bool plan_turns_fencing_off(hc_plan *p)
{
    const char *was = p->cib_old ? hc_cib_property(p->cib_old,
                                                   "stonith-enabled") : NULL;
    const char *will = hc_cib_property(p->cib_new, "stonith-enabled");

    return will && !crm_is_true(will) && (!was || crm_is_true(was));
}

/* crm_verify's warnings alone: each a warning of the plan, with its cause
 * when hacon knows it, and crm_verify's word on the planned CIB.  They do
 * not refuse the plan (crm shell's commit asks, then commits).  Blind
 * faith in a plan that turns fencing off restates that plan's warnings:
 * it is named in the note, not listed again. */
static void verify_warned(hc_plan *p, char **lines)
{
    GString *all = g_string_new(NULL);
    bool fencing_off = plan_turns_fencing_off(p), folded = false;

    for (char **l = lines; *l; l++) {
        const char *t = verify_warning_text(*l);
        char *w;

        g_string_append_printf(all, "%s\n", *l);
        if (fencing_off && t && !strcmp(t, VERIFY_BLIND_FAITH)) {
            folded = true;
            continue;
        }
        w = hc__verify_warning(*l);
        if (w) {
            hc_plan_warn(p, "%s", w);
            g_free(w);
        }
    }
    hc_plan_note(p, "crm_verify found warnings in the planned CIB, and no "
                 "error: they are shown above and do not stop the apply (an "
                 "error would refuse the plan).%s", folded ? " Its \""
                 VERIFY_BLIND_FAITH "\" is the stonith-enabled=false this "
                 "plan sets, whose warnings are above." : "");
    g_free(p->cib_verify);
    p->cib_verify = g_string_free(all, FALSE);
}

/* Fills the CIB parts of the plan: diff, crm_verify, crm_simulate. */
static int plan_cib_preview(hc_plan *p, char **ret_err)
{
    char *dir = hc_wizard_tmp_dir(), *old, *new;
    int status, rc = 0;

    if (!dir) {
        *ret_err = g_strdup("cannot make a temporary directory");
        return -EIO;
    }
    old = g_build_filename(dir, "old.xml", NULL);
    new = g_build_filename(dir, "new.xml", NULL);
    if (write_xml_file(p->cib_old, old, FALSE) < 0
        || write_xml_file(p->cib_new, new, FALSE) < 0) {
        *ret_err = g_strdup("cannot write the CIB to a temporary file");
        rc = -EIO;
    } else {
        const char *diff[] = { "crm_diff", "-o", old, "-n", new, NULL };
        const char *verify[] = { "crm_verify", "-x", new, NULL };
        const char *sim[] = { "crm_simulate", "-S", "-x", new, NULL };

        hc_wizard_run_tool(diff, 30000, &p->cib_diff, &status);
        hc_wizard_run_tool(verify, 30000, &p->cib_verify, &status);
        if (status != 0) {
            /* Without -V crm_verify only says that the CIB is not valid;
             * -V adds its errors, -VV its warnings too.  It exits 78 on a
             * warning alone as on an error: warnings alone are shown in
             * the plan, errors refuse it. */
            const char *verbose[] = { "crm_verify", "-VV", "-x", new, NULL };
            char *why = NULL;
            char **lines;

            hc_wizard_run_tool(verbose, 30000, &why, &status);
            lines = hc__verify_lines(why);
            if (hc__verify_warnings_only(lines)) {
                verify_warned(p, lines);
            } else {
                *ret_err = verify_error(lines);
                rc = -EINVAL;
            }
            g_strfreev(lines);
            g_free(why);
        }
        /* The scheduler's preview, bounded: a pathological CIB must not
         * hang the wizard. */
        hc_wizard_run_tool(sim, 30000, &p->simulate, &status);
    }
    g_free(old);
    g_free(new);
    hc_rm_tree(dir);
    g_free(dir);
    return rc;
}

/* Where the service ends up once the cluster has run the planned CIB to
 * the end (crm_simulate until nothing is left to do): said in a note, or,
 * when it would not run, in the first warning of the plan. */
static void plan_outcome(hc_wizard *w, hc_plan *p)
{
    hc_status *st = NULL;
    char *err = NULL, *node;
    GString *where;

    if (hc_wizard_status(w, p->cib_new, true, &st, &err) < 0) {
        hc_plan_warn(p, "the simulation of the planned CIB failed: %s",
                     err ? err : "?");
        g_free(err);
        return;
    }
    where = g_string_new(NULL);
    node = hc_steps_placed_on(w, st, where);
    if (node) {
        hc_status *first = NULL;
        char *first_node = NULL;
        GString *first_where = g_string_new(NULL);

        /* The preview shows one transition: with DRBD that one ends with
         * both instances Unpromoted and the service stopped, until DRBD's
         * agent reports its disks UpToDate (the promotion score); said,
         * so that the preview's Stopped is not read as the outcome. */
        if (hc_wizard_status_simulated(p->cib_new, 1, &first, &err) == 0) {
            first_node = hc_steps_placed_on(w, first, first_where);
        }
        g_clear_pointer(&err, g_free);
        hc_status_free(first);
        if (!first_node) {
            hc_plan_note(p, "The preview below is the first transition "
                         "only: it ends with %s. DRBD starts Unpromoted; "
                         "its agent sets the promotion score once the "
                         "disks are UpToDate (step drbd done), and then "
                         "the service starts.", first_where->str);
        }
        g_free(first_node);
        g_string_free(first_where, TRUE);
        hc_plan_note(p, "At the end of the simulation (crm_simulate, run "
                     "until the cluster has nothing left to do) the service "
                     "runs on %s: %s.", node, where->str);
        g_hash_table_replace(p->data, g_strdup("outcome"),
                             g_strdup_printf("runs on %s", node));
    } else {
        g_ptr_array_insert(p->warnings, 0, g_strdup_printf(
            "THE SERVICE WOULD NOT RUN: at the end of the simulation of "
            "this plan (crm_simulate, run until the cluster has nothing "
            "left to do) %s. Applying it leaves the service stopped.",
            where->str));
        g_hash_table_replace(p->data, g_strdup("outcome"),
                             g_strdup("stopped"));
    }
    g_free(node);
    g_string_free(where, TRUE);
    hc_status_free(st);
}

int hc_wizard_plan(hc_wizard *w, const hc_step *s, hc_plan **ret,
                   char **ret_err)
{
    hc_plan *p = hc_plan_new();
    int rc = s->plan(w, p, ret_err);

    if (rc == 0 && p->cib_new && p->cib_old
        && hc_cib_same_config(p->cib_old, p->cib_new)) {
        free_xml(p->cib_new);
        p->cib_new = NULL;
    }
    if (rc == 0 && p->cib_new) {
        rc = plan_cib_preview(p, ret_err);
    }
    if (rc == 0 && p->cib_new && hc_cib_find_id(p->cib_new, HC_SERVICE_RSC)) {
        plan_outcome(w, p);
    }
    if (rc < 0) {
        hc_plan_free(p);
        *ret = NULL;
        return rc;
    }
    p->empty = !p->files->len && !p->cmds->len && !p->cib_new;
    *ret = p;
    return 0;
}
