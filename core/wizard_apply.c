/* Applying a step: the checkpoint, the plan's files, commands (each undo
 * recorded before its command starts) and CIB update, the verify, and on
 * failure (or when the admin asks) the rollback to the checkpoint. */
#include "wizard.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <crm/crm.h>
#include <crm/common/xml.h>

#include "cib.h"
#include "crmsh.h"
#include "exec.h"
#include "status.h"
#include "util.h"
#include "wizard_int.h"

/* The cluster properties Pacemaker's controller writes itself: at its
 * start, and when sbd and its watchdog come or go (have-watchdog).  A
 * step that restarts the cluster (step fence starting sbd) changes them
 * between its plan and its CIB update, as it makes DRBD's fence-peer
 * handler place and remove its constraint (below). */
static const char *const controller_props[] = {
    "dc-version", "cluster-infrastructure", "cluster-name", "have-watchdog",
    "last-lrm-refresh", NULL
};

/* DRBD's crm-fence-peer handler places a constraint of its own while a
 * peer is away (a restart of the node) and removes it after the resync. */
#define FENCE_PEER_PREFIX "drbd-fence-by-handler-"

static void drop_fence_peer(xmlNode *cib)
{
    xmlNode *cons = pcmk_find_cib_element(cib, "constraints");
    xmlNode *n = cons ? cons->children : NULL;

    while (n) {
        xmlNode *next = n->next;
        const char *id = n->type == XML_ELEMENT_NODE ? crm_element_value(n, "id") : NULL;

        if (id && g_str_has_prefix(id, FENCE_PEER_PREFIX)) {
            free_xml(n);
        }
        n = next;
    }
}

static xmlNode *without_controller_props(xmlNode *cib)
{
    xmlNode *c = copy_xml(cib);

    for (int i = 0; controller_props[i]; i++) {
        hc_cib_set_property(c, controller_props[i], NULL);
    }
    drop_fence_peer(c);
    return c;
}

/* want re-based on now: when the configuration changed since the plan
 * (expect) in the controller's own properties alone, want with now's
 * value of each of them that the plan left as it was; NULL when anything
 * else changed. */
static xmlNode *rebase(xmlNode *expect, xmlNode *want, xmlNode *now)
{
    xmlNode *a = without_controller_props(expect);
    xmlNode *b = without_controller_props(now), *r = NULL;

    if (hc_cib_same_config(a, b)) {
        xmlNode *cons = pcmk_find_cib_element(now, "constraints");
        xmlNode *rcons;

        r = copy_xml(want);
        for (int i = 0; controller_props[i]; i++) {
            const char *n = controller_props[i];

            if (!g_strcmp0(hc_cib_property(expect, n),
                           hc_cib_property(want, n))) {
                hc_cib_set_property(r, n, hc_cib_property(now, n));
            }
        }
        /* The handler's constraints as they are now. */
        drop_fence_peer(r);
        rcons = pcmk_find_cib_element(r, "constraints");
        for (xmlNode *n = cons ? cons->children : NULL; n && rcons;
             n = n->next) {
            const char *id = n->type == XML_ELEMENT_NODE ? crm_element_value(n, "id") : NULL;

            if (id && g_str_has_prefix(id, FENCE_PEER_PREFIX)) {
                add_node_copy(rcons, n);
            }
        }
    }
    free_xml(a);
    free_xml(b);
    return r;
}

/* Writes the configuration section of want into the CIB in one update,
 * provided that the CIB's configuration is still expect's (NULL: any).
 * Only the configuration is replaced (the status section belongs to the
 * cluster), refused when the CIB's epoch moved since it was read: then
 * it is read and tried again, a few times.  What the controller changed
 * meanwhile in its own properties (a restart the step made) is kept: the
 * update is re-based on the CIB as it is; any other change since the
 * plan refuses it.  A CIB file is rewritten through a temporary file and
 * a rename, the old one kept as FILE~ (hc_crm_cib_commit(), as the
 * console's command line commits). */
/* The CIB as it is now; on a live cluster that a step just restarted on
 * this node (pacemaker's CIB manager not up yet), waited for up to the
 * answer timeout. */
static int query_waiting(hc_wizard *w, xmlNode **ret, char **ret_err)
{
    double end = hc_now_ms() + 1000.0 * atoi(hc_wizard_answer(w, "timeout"));
    bool said = false;
    int rc;

    while ((rc = hc_crm_cib_query(ret, ret_err)) == -ENOTCONN
           || rc == -ECONNREFUSED || rc == -EAGAIN || rc == -ENOENT) {
        if (hc_wizard_cib_is_file(w) || hc_now_ms() > end) {
            break;
        }
        if (!said) {
            hc_wizard_progress(w, "waiting for the CIB (pacemaker starting "
                               "on this node)");
            said = true;
        }
        g_clear_pointer(ret_err, g_free);
        g_usleep(1000 * 1000);
    }
    return rc;
}

int hc_wizard_cib_write(hc_wizard *w, xmlNode *expect, xmlNode *want,
                        char **ret_err)
{
    int rc = 0;

    for (int attempt = 0; attempt < 5; attempt++) {
        xmlNode *now = NULL, *based = NULL;

        rc = query_waiting(w, &now, ret_err);
        if (rc == 0 && expect && !hc_cib_same_config(now, expect)) {
            based = rebase(expect, want, now);
            if (!based) {
                *ret_err = g_strdup("the CIB changed since the plan was "
                                    "made; plan again");
                rc = -ESTALE;
            } else if (attempt == 0) {
                hc_wizard_progress(w, "the cluster changed its own "
                                   "properties since the plan (a restart): "
                                   "the update is made on the CIB as it is "
                                   "now");
            }
        }
        if (rc == 0 && !hc_cib_same_config(now, based ? based : want)) {
            rc = hc_crm_cib_commit(now, based ? based : want, ret_err);
            if (rc == -ESTALE && attempt < 4) {
                /* Changed between the read and the commit. */
                g_clear_pointer(ret_err, g_free);
                free_xml(now);
                free_xml(based);
                g_usleep(200 * 1000);
                continue;
            }
        }
        free_xml(now);
        free_xml(based);
        break;
    }
    return rc;
}

int hc_wizard_apply_files(hc_wizard *w, hc_plan *p, char **ret_err)
{
    int rc = 0;

    for (guint i = 0; rc == 0 && i < p->files->len; i++) {
        hc_plan_file *f = p->files->pdata[i];

        hc_wizard_progress(w, "writing %s%s%s", f->node ? f->node : "",
                           f->node ? ":" : "", f->path);
        rc = hc_wizard_remote_write(w, f->node, f->path, f->new_text,
                                    f->new_len, f->mode, ret_err);
    }
    return rc;
}

int hc_wizard_apply_cmd(hc_wizard *w, const hc_plan_cmd *c, char **ret_err)
{
    char *cmd = hc_plan_cmd_line(c);
    int rc;

    /* The undo first: without it nothing may start. */
    if (c->undo) {
        rc = hc_wizard_undo_record(w, c, ret_err);
        if (rc < 0) {
            g_free(cmd);
            return rc;
        }
    }
    hc_wizard_progress(w, "running %s", cmd);
    g_free(cmd);
    rc = hc_wizard_remote_run(w, c->node, c->timeout_ms, false, c->input,
                              NULL, ret_err, (const char *const *) c->argv);
    return rc;
}

int hc_wizard_apply_cib(hc_wizard *w, hc_plan *p, char **ret_err)
{
    if (!p->cib_new) {
        return 0;
    }
    hc_wizard_progress(w, "updating the CIB (one atomic update)");
    return hc_wizard_cib_write(w, p->cib_old, p->cib_new, ret_err);
}

static int apply_plan(hc_wizard *w, hc_plan *p, char **ret_err)
{
    int rc = hc_wizard_apply_files(w, p, ret_err);

    for (guint i = 0; rc == 0 && i < p->cmds->len; i++) {
        rc = hc_wizard_apply_cmd(w, p->cmds->pdata[i], ret_err);
    }
    if (rc == 0) {
        rc = hc_wizard_apply_cib(w, p, ret_err);
    }
    return rc;
}

/* Test hook: HACON_WIZARD_FAIL=STEP:apply|verify makes that part of the
 * step fail after it has changed things, so that the rollback of every
 * step can be tested where no real fault can be made. */
static bool injected(const hc_step *s, const char *part)
{
    const char *f = getenv("HACON_WIZARD_FAIL");
    char *want = g_strdup_printf("%s:%s", s->name, part);
    bool yes = f && !strcmp(f, want);

    g_free(want);
    return yes;
}

/* Appends the transcript entries from seq `from` on to DIR/transcript:
 * the record of what the step ran, kept with its checkpoint.  Returns 0 or
 * a negative errno with the message in *ret_err. */
static int transcript_save(const char *dir, guint64 from, char **ret_err)
{
    GPtrArray *t;
    GString *s = g_string_new(NULL);
    char *path = g_build_filename(dir, "transcript", NULL), *old = NULL;
    size_t len = 0;
    int rc;

    if (hc_read_file(path, &old, &len) == 0) {
        g_string_append_len(s, old, (gssize) len);
    }
    hc_transcript_lock();
    t = hc_transcript();
    for (guint i = 0; i < t->len; i++) {
        hc_transcript_entry *e = t->pdata[i];
        char when[32];

        if (e->seq < from) {
            continue;
        }
        g_string_append_printf(s, "[%s] %s\n  exit %d%s, %.0f ms\n",
                               hc_time_str(e->when, when, sizeof(when)),
                               e->cmdline, e->status,
                               e->timed_out ? " (timed out)" : "", e->ms);
        if (e->out && *e->out) {
            g_string_append_printf(s, "  stdout:\n%s%s", e->out,
                                   g_str_has_suffix(e->out, "\n") ? "" : "\n");
        }
        if (e->err && *e->err) {
            g_string_append_printf(s, "  stderr:\n%s%s", e->err,
                                   g_str_has_suffix(e->err, "\n") ? "" : "\n");
        }
    }
    hc_transcript_unlock();
    rc = hc_write_file_atomic(path, s->str, s->len, 0600, false);
    if (rc < 0) {
        *ret_err = g_strdup_printf("cannot write %s: %s", path,
                                   strerror(-rc));
    }
    g_string_free(s, TRUE);
    g_free(path);
    g_free(old);
    return rc;
}

/* After a rollback on a live cluster: the failures this apply caused (a
 * start that found no agent) are cleared, so that the restored
 * configuration runs as before; Pacemaker would otherwise keep a resource
 * that failed with "not installed" away from those nodes. */
static void cleanup_failures(hc_wizard *w)
{
    GHashTable *done = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                             NULL);
    xmlNode *cib = NULL;
    hc_status *st = NULL;
    char *err = NULL;

    if (hc_wizard_cib_is_file(w) || hc_wizard_cib(w, &cib, &err) < 0
        || hc_status_from_xml(cib, 0, &st, &err) < 0) {
        g_free(err);
        free_xml(cib);
        g_hash_table_destroy(done);
        return;
    }
    for (guint i = 0; st->failed && i < st->failed->len; i++) {
        hc_failed_action *f = st->failed->pdata[i];
        char *id;

        if (!f->resource || f->last_rc_change < w->apply_started) {
            continue;
        }
        /* A clone instance's failure is the clone's primitive's. */
        id = g_strndup(f->resource, strcspn(f->resource, ":"));
        if (!g_hash_table_contains(done, id)) {
            const char *argv[] = { "crm_resource", "--cleanup", "--resource",
                                   id, NULL };

            hc_wizard_progress(w, "clearing the failures of this apply: "
                               "crm_resource --cleanup --resource %s", id);
            hc_wizard_run(w, NULL, 60000, NULL, NULL, argv);
            g_hash_table_add(done, g_strdup(id));
        }
        g_free(id);
    }
    hc_status_free(st);
    free_xml(cib);
    g_hash_table_destroy(done);
}

/* The step's apply (its own, or the engine's) and verify, then the
 * record of what it ran (a step whose record cannot be written is not
 * done); 0 or a negative errno with *ret_err. */
static int apply_verify_record(hc_wizard *w, const hc_step *s, hc_plan *p,
                               const char *cp, guint64 t0, char **ret_err)
{
    int rc;

    w->checkpoint = g_strdup(cp);
    w->apply_started = time(NULL);
    rc = s->apply ? s->apply(w, p, ret_err) : apply_plan(w, p, ret_err);
    g_clear_pointer(&w->checkpoint, g_free);
    if (rc == 0 && injected(s, "apply")) {
        *ret_err = g_strdup("failure injected by HACON_WIZARD_FAIL");
        rc = -EIO;
    }
    if (rc == 0) {
        hc_wizard_progress(w, "verifying");
        rc = s->verify(w, p, ret_err);
        if (rc == 0 && injected(s, "verify")) {
            *ret_err = g_strdup("failure injected by HACON_WIZARD_FAIL");
            rc = -EIO;
        }
    }
    if (rc == 0) {
        rc = transcript_save(cp, t0, ret_err);
    }
    return rc;
}

/* After a failed apply (err: why): back to the checkpoint cp, the step's
 * own rollback, the failures of this apply cleared, the transcript kept;
 * *ret_err says what failed and whether the rollback did its work. */
static void roll_back_failed(hc_wizard *w, const hc_step *s, hc_plan *p,
                             const char *cp, guint64 t0, const char *err,
                             char **ret_err)
{
    char *rerr = NULL, *terr = NULL;
    int rb, ts;

    hc_wizard_progress(w, "failed: %s; rolling back", err);
    rb = hc_wizard_checkpoint_restore(w, cp, &rerr);
    if (rb == 0 && s->rollback) {
        rb = s->rollback(w, &rerr);
    }
    if (rb == 0 && p->cib_new) {
        cleanup_failures(w);
    }
    ts = transcript_save(cp, t0, &terr);
    if (rb == 0) {
        *ret_err = g_strdup_printf("%s; rolled back to %s%s%s", err, cp,
                                   ts < 0 ? "; " : "", ts < 0 ? terr : "");
    } else {
        *ret_err = g_strdup_printf("%s; ROLLBACK FAILED: %s (checkpoint "
                                   "%s)%s%s", err, rerr, cp,
                                   ts < 0 ? "; " : "", ts < 0 ? terr : "");
    }
    g_free(rerr);
    g_free(terr);
}

int hc_wizard_apply(hc_wizard *w, const hc_step *s, hc_plan *p,
                    char **ret_checkpoint, char **ret_err)
{
    guint64 t0 = hc_transcript_next_seq();
    char *cp, *err = NULL;
    int rc;

    if (ret_checkpoint) {
        *ret_checkpoint = NULL;
    }
    if (p->empty) {
        return 0;
    }
    cp = hc_wizard_checkpoint_new(w, s, ret_err);
    if (!cp) {
        return -EIO;
    }
    rc = hc_wizard_checkpoint_save(w, cp, p, ret_err);
    if (rc < 0) {
        hc_rm_tree(cp);
        g_free(cp);
        return rc;
    }
    hc_wizard_progress(w, "checkpoint %s", cp);
    rc = apply_verify_record(w, s, p, cp, t0, &err);
    if (rc < 0) {
        roll_back_failed(w, s, p, cp, t0, err, ret_err);
        g_free(err);
        g_free(cp);
        return rc;
    }
    hc_wizard_progress(w, "done");
    if (ret_checkpoint) {
        *ret_checkpoint = cp;
    } else {
        g_free(cp);
    }
    return 0;
}

int hc_wizard_rollback(hc_wizard *w, const hc_step *s, char **ret_err)
{
    char *cp = hc_wizard_checkpoint_latest(w, s), *terr = NULL;
    int rc, ts;

    if (!cp) {
        *ret_err = g_strdup_printf("no checkpoint of step %s in %s/checkpoints",
                                   s->name, w->state_dir);
        return -ENOENT;
    }
    guint64 t0 = hc_transcript_next_seq();

    hc_wizard_progress(w, "rolling back to %s", cp);
    rc = hc_wizard_checkpoint_restore(w, cp, ret_err);
    if (rc == 0 && s->rollback) {
        rc = s->rollback(w, ret_err);
    }
    ts = transcript_save(cp, t0, &terr);
    if (rc == 0 && ts < 0) {
        /* Rolled back, but not recorded: said, and the checkpoint stays
         * (the rollback can be run again: it finds the files restored). */
        *ret_err = g_strdup_printf("rolled back to %s, but %s", cp, terr);
        rc = ts;
    } else if (ts < 0) {
        char *both = g_strdup_printf("%s; %s", *ret_err, terr);

        g_free(*ret_err);
        *ret_err = both;
    }
    if (rc == 0) {
        /* A checkpoint is used once; the one before it is next. */
        char *used = g_strdup_printf("%s.rolled-back", cp);

        if (rename(cp, used) < 0) {
            rc = -errno;
            *ret_err = g_strdup_printf("rolled back to %s, but cannot mark "
                                       "it used (rename to %s): %s", cp, used,
                                       strerror(-rc));
        }
        g_free(used);
    }
    g_free(terr);
    g_free(cp);
    return rc;
}
