/* The step engine: the wizard's state (answers, where files live, the
 * progress callback), the steps looked up in the table of
 * core/steps/table.c, and their checks and prerequisites.  The rest of
 * the engine: wizard_answers.c (the answers), wizard_remote.c (files and
 * commands on a node), wizard_sim.c (the Pacemaker tools run on CIB
 * files), wizard_plan.c and wizard_plan_format.c (plans), and
 * wizard_checkpoint.c and wizard_apply.c (checkpoint, apply, undo,
 * rollback). */
#include "wizard.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include <crm/crm.h>
#include <crm/common/xml.h>

#include "cib.h"
#include "util.h"
#include "wizard_int.h"

/* ------------------------------------------------------------ the steps */

const hc_step *const *hc_steps(size_t *n)
{
    for (*n = 0; hc_step_table[*n]; (*n)++) {
    }
    return hc_step_table;
}

const hc_step *hc_step_find(const char *name)
{
    size_t n;
    const hc_step *const *s = hc_steps(&n);

    for (size_t i = 0; i < n; i++) {
        if (!strcmp(s[i]->name, name)) {
            return s[i];
        }
    }
    /* The tutorial's order as numbers, for `hacon setup plan 3` (and 10
     * once there are ten steps). */
    if (name[0] >= '1' && name[0] <= '9' && strlen(name) <= 3
        && strspn(name, "0123456789") == strlen(name)
        && (size_t) atoi(name) <= n) {
        return s[atoi(name) - 1];
    }
    return NULL;
}

const char *hc_step_state_str(hc_step_state s)
{
    switch (s) {
    case HC_STEP_TODO: return "to do";
    case HC_STEP_PARTIAL: return "partly done";
    case HC_STEP_DONE: return "done";
    case HC_STEP_BLOCKED: return "blocked";
    }
    return "?";
}

/* ------------------------------------------------------------ the wizard */

int hc_wizard_add_overwrite(hc_wizard *w, const char *node_dev,
                            char **ret_err)
{
    const char *colon = strchr(node_dev, ':');

    if (!colon || colon == node_dev || colon[1] != '/') {
        char *e = hc_escape(node_dev, 60);

        *ret_err = g_strdup_printf("--overwrite %s: give NODE:DEVICE, as "
                                   "the plan names it (alpha:/dev/sdb1)", e);
        g_free(e);
        return -EINVAL;
    }
    if (!w->overwrite) {
        w->overwrite = g_ptr_array_new_with_free_func(g_free);
    }
    g_ptr_array_add(w->overwrite, g_strdup(node_dev));
    return 0;
}

bool hc_wizard_overwrite(const hc_wizard *w, const char *node,
                         const char *dev)
{
    size_t n = strlen(node);

    for (guint i = 0; w->overwrite && i < w->overwrite->len; i++) {
        const char *o = w->overwrite->pdata[i];

        if (!strncmp(o, node, n) && o[n] == ':' && !strcmp(o + n + 1, dev)) {
            return true;
        }
    }
    return false;
}

const GPtrArray *hc_wizard_overwrites(const hc_wizard *w)
{
    return w->overwrite;
}

int hc_wizard_new(const char *answers_path, hc_wizard **ret, char **ret_err)
{
    hc_wizard *w = g_new0(hc_wizard, 1);
    const char *root = getenv("HACON_ROOT");
    const char *state = getenv("HACON_STATE_DIR");
    struct utsname u;
    int rc = 0;

    *ret = NULL;
    w->answers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    w->origins = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    w->detected_why = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                            g_free);
    w->root = g_strdup(root && *root ? root : "/");
    w->state_dir = g_strdup(state && *state ? state : "/var/lib/hacon");
    w->uname = g_strdup(uname(&u) == 0 ? u.nodename : "localhost");
    if (answers_path) {
        rc = hc_wizard_answers_load(w, answers_path, ret_err);
    }
    if (rc == 0) {
        rc = hc_wizard_check_answers(w, ret_err);
    }
    if (rc < 0) {
        hc_wizard_free(w);
        return rc;
    }
    *ret = w;
    return 0;
}

void hc_wizard_free(hc_wizard *w)
{
    if (!w) {
        return;
    }
    g_hash_table_destroy(w->answers);
    g_hash_table_destroy(w->origins);
    g_hash_table_destroy(w->detected_why);
    g_free(w->root);
    g_free(w->state_dir);
    g_free(w->uname);
    g_free(w->checkpoint);
    if (w->overwrite) {
        g_ptr_array_unref(w->overwrite);
    }
    g_free(w);
}

int hc_wizard_detect(hc_wizard *w)
{
    int rc = 0;

    for (size_t i = 0; rc == 0 && hc_step_table[i]; i++) {
        if (hc_step_table[i]->detect) {
            rc = hc_step_table[i]->detect(w);
        }
    }
    return rc;
}

void hc_wizard_set_progress(hc_wizard *w, void (*fn)(const char *, void *),
                            void *data)
{
    w->progress = fn;
    w->progress_data = data;
}

void hc_wizard_progress(hc_wizard *w, const char *fmt, ...)
{
    va_list ap;
    char *s;

    if (!w->progress) {
        return;
    }
    va_start(ap, fmt);
    s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    w->progress(s, w->progress_data);
    g_free(s);
}

char *hc_wizard_path(const hc_wizard *w, const char *path)
{
    if (!strcmp(w->root, "/")) {
        return g_strdup(path);
    }
    return g_build_filename(w->root, path, NULL);
}

const char *hc_wizard_local(const hc_wizard *w)
{
    const char *l = hc_wizard_answer(w, "local_node");

    return *l ? l : w->uname;
}

const char *hc_wizard_peer(const hc_wizard *w)
{
    const char *n1 = hc_wizard_answer(w, "node1");

    return strcmp(hc_wizard_local(w), n1) ? n1 : hc_wizard_answer(w, "node2");
}

const char *hc_wizard_state_dir(const hc_wizard *w)
{
    return w->state_dir;
}

time_t hc_wizard_apply_started(const hc_wizard *w)
{
    return w->apply_started;
}

/* ------------------------------------------------------------ the CIB */

int hc_wizard_cib(hc_wizard *w, xmlNode **ret, char **ret_err)
{
    hc_cib *c = NULL;
    int rc;

    /* Inside a pass of checks, the CIB the pass read first. */
    if (hc_wizard_memo_cib(w, ret, ret_err, &rc)) {
        return rc;
    }
    /* A connection per operation: with CIB_file the library keeps its own
     * copy until signoff, and other tools (crm_resource) change the file
     * in between. */
    rc = hc_cib_connect(&c, ret_err);
    if (rc == 0) {
        rc = hc_cib_query(c, ret, ret_err);
    }
    hc_cib_free(c);
    hc_wizard_memo_cib_keep(w, rc, rc == 0 ? *ret : NULL,
                            rc < 0 && ret_err ? *ret_err : NULL);
    return rc;
}

bool hc_wizard_cib_is_file(hc_wizard *w)
{
    const char *f = getenv("CIB_file"), *s = getenv("CIB_shadow");

    return (f && *f) || (s && *s);
}

/* ------------------------------------------------------------ checking */

int hc_wizard_check(hc_wizard *w, const hc_step *s, hc_step_state *ret,
                    char **ret_why)
{
    GString *why = g_string_new(NULL);
    int rc = s->check(w, ret, why);

    *ret_why = g_string_free(why, FALSE);
    return rc;
}

const char *const *hc_step_prereqs(const hc_step *s, bool file)
{
    return file ? s->cib_needs : s->needs;
}

int hc_wizard_prereqs(hc_wizard *w, const hc_step *s, GString *unmet)
{
    const char *const *need = hc_step_prereqs(s, hc_wizard_cib_is_file(w));
    size_t np = 0, nn = g_strv_length((char **) need);
    const hc_step **p = g_new0(const hc_step *, nn + 1);
    hc_wizard_pass_result *res = g_new0(hc_wizard_pass_result, nn + 1);
    int n = 0, rc = 0;

    for (size_t i = 0; need[i]; i++) {
        if ((p[np] = hc_step_find(need[i]))) {
            hc_wizard_progress(w, "checking step %s (needed first)",
                               p[np]->name);
            np++;
        }
    }
    hc_wizard_check_all(w, p, np, res);
    for (size_t i = 0; i < np; i++) {
        const char *why = res[i].why;

        if (rc == 0 && res[i].rc < 0) {
            rc = res[i].rc;
        } else if (rc == 0 && res[i].state != HC_STEP_DONE) {
            g_string_append_printf(unmet, "%s%s (%s%s%s)", n ? "; " : "",
                                   p[i]->name, hc_step_state_str(res[i].state),
                                   why && *why ? ": " : "", why ? why : "");
            n++;
        }
        g_free(res[i].why);
    }
    g_free(p);
    g_free(res);
    return rc < 0 ? rc : n;
}

void hc_wizard_answers_hint(GString *msg)
{
    if (strstr(msg->str, "answer ") && !strstr(msg->str, HC_WIZARD_FORM_HINT)) {
        g_string_append(msg, " (" HC_WIZARD_FORM_HINT ")");
    }
}

int hc_step_check_by_plan(hc_wizard *w, const hc_step *s, hc_step_state *ret,
                          GString *why)
{
    hc_plan *p = hc_plan_new();
    char *err = NULL;
    int rc = s->plan(w, p, &err);

    if (rc < 0) {
        *ret = HC_STEP_BLOCKED;
        g_string_append(why, err ? err : "cannot plan");
        hc_wizard_answers_hint(why);
        g_free(err);
        hc_plan_free(p);
        return 0;
    }
    if (p->cib_new && p->cib_old && hc_cib_same_config(p->cib_old, p->cib_new)) {
        free_xml(p->cib_new);
        p->cib_new = NULL;
    }
    if (!p->files->len && !p->cmds->len && !p->cib_new) {
        *ret = HC_STEP_DONE;
    } else {
        const char *part = g_hash_table_lookup(p->data, "partial");

        *ret = part ? HC_STEP_PARTIAL : HC_STEP_TODO;
        if (part) {
            g_string_append(why, part);
        }
    }
    if (*ret == HC_STEP_DONE && g_hash_table_lookup(p->data, "done")) {
        g_string_append(why, g_hash_table_lookup(p->data, "done"));
    }
    hc_plan_free(p);
    return 0;
}
