/* core/status_update.c: a model updated for one change must be the model
 * computed from scratch.  The changes are real: crm_simulate injects
 * failed operations (with their fail counts), runs the transitions that
 * recover them, takes nodes down and up, on the fixtures of
 * tests/golden/cib/ and on a generated CIB of 6 nodes and 120 resources.
 * After every step the model kept up to date incrementally is compared,
 * field by field, with hc_status_from_xml() of the new CIB.  Run from the
 * top of the tree, as tests/run.sh does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <crm/crm.h>
#include <crm/common/xml.h>
#include <crm/common/util.h>

#include "status.h"

/* A fixed time, so that failure timeouts age the same in both models. */
#define NOW 1795000600

/* ---- the model, every field of it, as text ---------------------------- */

static void dump_nvs(GString *o, const char *what, GPtrArray *a)
{
    for (guint i = 0; a && i < a->len; i++) {
        hc_nvpair *nv = g_ptr_array_index(a, i);

        g_string_append_printf(o, "  %s %s=%s\n", what, nv->name, nv->value);
    }
}

static void dump_rsc(GString *o, const hc_resource *r, int depth)
{
    g_string_append_printf(o, "%*srsc %s agent=%s kind=%d role=%s tr=%s "
                           "a%d m%d f%d o%d b%d d%d u%d mt=%d parent=%s\n",
                           depth * 2, "", r->id, r->agent, r->kind, r->role,
                           r->target_role, r->active, r->managed, r->failed,
                           r->orphaned, r->blocked, r->disabled, r->unique,
                           r->migration_threshold,
                           r->parent ? r->parent->id : "-");
    if (depth == 0) {
        g_string_append_printf(o, "  counts %d %d %d\n", r->n_instances,
                               r->n_disabled, r->n_blocked);
    }
    for (guint i = 0; i < r->places->len; i++) {
        hc_rsc_place *p = g_ptr_array_index(r->places, i);

        g_string_append_printf(o, "  place %s %s\n", p->node, p->role);
    }
    for (guint i = 0; i < r->failcounts->len; i++) {
        hc_failcount *f = g_ptr_array_index(r->failcounts, i);

        g_string_append_printf(o, "  failcount %s %d\n", f->node, f->count);
    }
    dump_nvs(o, "param", r->params);
    dump_nvs(o, "meta", r->meta);
    for (guint i = 0; i < r->ops->len; i++) {
        hc_op *op = g_ptr_array_index(r->ops, i);

        g_string_append_printf(o, "  op %s %s %s %s\n", op->name,
                               op->interval, op->timeout, op->role);
    }
    for (guint i = 0; i < r->children->len; i++) {
        dump_rsc(o, g_ptr_array_index(r->children, i), depth + 1);
    }
}

static char *dump(const hc_status *st)
{
    GString *o = g_string_new(NULL);
    const hc_cluster *c = &st->cluster;

    g_string_append_printf(o, "cluster %s %s dc=%s %s hd%d q%d lw=%s %s %s "
                           "%s st%d nqp=%s mm%d sa%d sl%d epoch=%s n=%d %d "
                           "%d %d\n", c->name, c->stack, c->dc, c->dc_version,
                           c->have_dc, c->quorate, c->last_written,
                           c->last_change_user, c->last_change_client,
                           c->last_change_origin, c->stonith_enabled,
                           c->no_quorum_policy, c->maintenance_mode,
                           c->stop_all_resources, c->shutdown_lock, c->epoch,
                           c->n_nodes, c->n_resources, c->n_disabled,
                           c->n_blocked);
    for (guint i = 0; i < c->warnings->len; i++) {
        g_string_append_printf(o, "warning %s\n",
                               (char *) g_ptr_array_index(c->warnings, i));
    }
    for (guint i = 0; i < st->nodes->len; i++) {
        hc_node *n = g_ptr_array_index(st->nodes, i);

        g_string_append_printf(o, "node %s %s %s %d %d%d%d%d%d%d%d%d:", n->id,
                               n->name, n->type, n->state, n->online,
                               n->standby, n->maintenance, n->pending,
                               n->unclean, n->shutdown, n->is_dc,
                               n->standby_onfail);
        for (guint j = 0; j < n->running->len; j++) {
            g_string_append_printf(o, " %s",
                                   (char *) g_ptr_array_index(n->running, j));
        }
        g_string_append_c(o, '\n');
    }
    for (guint i = 0; i < st->resources->len; i++) {
        dump_rsc(o, g_ptr_array_index(st->resources, i), 0);
    }
    for (guint i = 0; i < st->failed->len; i++) {
        hc_failed_action *f = g_ptr_array_index(st->failed, i);

        g_string_append_printf(o, "failed %s %s %s %s %u %d %s %d %s %s "
                               "%lld\n", f->resource, f->op_key, f->task,
                               f->node, f->interval_ms, f->rc, f->rc_text,
                               f->op_status, f->status_text, f->exit_reason,
                               (long long) f->last_rc_change);
    }
    for (guint i = 0; i < st->constraints->len; i++) {
        hc_constraint *k = g_ptr_array_index(st->constraints, i);

        g_string_append_printf(o, "constraint %s %d\n", k->id, k->kind);
    }
    return g_string_free(o, FALSE);
}

/* ---- driving crm_simulate ---------------------------------------------- */

static char *tmpdir;
static int n_steps, n_incremental;

static void run(char **argv)
{
    char *out = NULL, *err = NULL;
    int status = 0;
    GError *e = NULL;

    if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                      &out, &err, &status, &e)
        || !g_spawn_check_wait_status(status, NULL)) {
        fail_msg("%s failed: %s%s", argv[0], e ? e->message : "",
                 err ? err : "");
    }
    g_free(out);
    g_free(err);
}

static xmlNode *read_cib(const char *path)
{
    xmlNode *x = filename2xml(path);

    assert_non_null(x);
    return x;
}

typedef struct series {
    char *path;         /* the current CIB */
    xmlNode *xml;
    hc_status *st;      /* kept up to date incrementally */
    int step;
} series;

/* One change made by crm_simulate with args; then the incremental model
 * must equal the full one.  expect_incremental: the change is one the
 * update must handle without a full computation. */
static void step(series *s, const char *what, bool expect_incremental,
                 const char *a1, const char *a2)
{
    char *next = g_strdup_printf("%s/step%02d.xml", tmpdir, ++s->step);
    char *argv[] = { "crm_simulate", "-x", s->path, "-O", next,
                     "-t", "2026-11-19T10:10:00Z", (char *) a1, (char *) a2,
                     NULL };
    xmlNode *nx;
    hc_status *full = NULL;
    char *err = NULL, *a, *b;
    int rc;

    run(argv);
    nx = read_cib(next);
    assert_int_equal(hc_status_from_xml(nx, NOW, &full, &err), 0);
    rc = hc_status_update(s->st, s->xml, nx, NOW, NULL);
    assert_true(rc >= 0);
    if (rc == 0) {
        hc_status_free(s->st);
        assert_int_equal(hc_status_from_xml(nx, NOW, &s->st, &err), 0);
    } else {
        n_incremental++;
    }
    n_steps++;
    if (expect_incremental && rc != 1) {
        fail_msg("%s: %s needed a full computation", s->path, what);
    }
    a = dump(s->st);
    b = dump(full);
    if (strcmp(a, b)) {
        char **la = g_strsplit(a, "\n", -1), **lb = g_strsplit(b, "\n", -1);

        for (int i = 0; la[i] && lb[i]; i++) {
            if (strcmp(la[i], lb[i])) {
                print_message("# first difference, line %d:\n# incr: %s\n"
                              "# full: %s\n", i, la[i], lb[i]);
                break;
            }
        }
        fail_msg("%s: after %s the incremental model differs", next, what);
    }
    g_free(a);
    g_free(b);
    hc_status_free(full);
    free_xml(s->xml);
    s->xml = nx;
    g_free(s->path);
    s->path = next;
}

/* The first primitive (depth first) that is active with a recurring
 * monitor, inside a clone when in_clone; its node and interval. */
static const hc_resource *pick(const hc_resource *r, bool in_clone,
                               bool cloned, int skip, int *seen)
{
    if (r->kind == HC_RSC_PRIMITIVE && r->places->len && r->managed
        && cloned == in_clone) {
        for (guint i = 0; i < r->ops->len; i++) {
            hc_op *op = g_ptr_array_index(r->ops, i);

            if (!strcmp(op->name, "monitor") && crm_parse_interval_spec(
                    op->interval) > 0 && (*seen)++ >= skip) {
                return r;
            }
        }
    }
    for (guint i = 0; i < r->children->len; i++) {
        const hc_resource *f = pick(g_ptr_array_index(r->children, i),
                                    in_clone, cloned
                                    || r->kind == HC_RSC_CLONE
                                    || r->kind == HC_RSC_PROMOTABLE,
                                    skip, seen);

        if (f) {
            return f;
        }
    }
    return NULL;
}

static char *op_spec(const hc_status *st, bool in_clone, int skip,
                     const char *task, int rc)
{
    int seen = 0;

    for (guint i = 0; i < st->resources->len; i++) {
        const hc_resource *r = pick(g_ptr_array_index(st->resources, i),
                                    in_clone, false, skip, &seen);
        guint ms = 0;

        if (!r) {
            continue;
        }
        for (guint j = 0; !ms && j < r->ops->len; j++) {
            hc_op *op = g_ptr_array_index(r->ops, j);

            if (!strcmp(op->name, "monitor")) {
                ms = crm_parse_interval_spec(op->interval);
            }
        }
        return g_strdup_printf("%s_%s_%u@%s=%d", r->id, task,
                               strcmp(task, "monitor") ? 0 : ms,
                               ((hc_rsc_place *) g_ptr_array_index(
                                   r->places, 0))->node, rc);
    }
    return NULL;
}

static void run_series(const char *cib_path, bool expect)
{
    series s = { 0 };
    char *err = NULL, *spec;
    const hc_node *node = NULL;

    s.path = g_strdup(cib_path);
    s.xml = read_cib(cib_path);
    assert_int_equal(hc_status_from_xml(s.xml, NOW, &s.st, &err), 0);

    /* A monitor finds a resource stopped; then the cluster recovers it. */
    spec = op_spec(s.st, false, 0, "monitor", 7);
    if (spec) {
        step(&s, "a failed monitor", expect, "-i", spec);
        g_free(spec);
        step(&s, "the recovery", false, "-S", NULL);
    }
    /* A second resource fails to start where it runs. */
    spec = op_spec(s.st, false, 1, "start", 1);
    if (spec) {
        step(&s, "a failed start", expect, "-i", spec);
        g_free(spec);
    }
    /* A clone instance fails. */
    spec = op_spec(s.st, true, 0, "monitor", 1);
    if (spec) {
        step(&s, "a failed clone instance", expect, "-i", spec);
        g_free(spec);
        step(&s, "the clone's recovery", false, "-S", NULL);
    }
    /* A node goes away, the cluster reacts, the node comes back. */
    for (guint i = 0; i < s.st->nodes->len && !node; i++) {
        const hc_node *n = g_ptr_array_index(s.st->nodes, i);

        if (n->online && !n->is_dc) {
            node = n;
        }
    }
    if (node) {
        char *name = g_strdup(node->name);

        step(&s, "a node down", false, "-d", name);
        step(&s, "the failover", false, "-S", NULL);
        step(&s, "the node back", false, "-u", name);
        step(&s, "the rebalance", false, "-S", NULL);
        g_free(name);
    }
    hc_status_free(s.st);
    free_xml(s.xml);
    g_free(s.path);
}

static void test_fixtures(void **state)
{
    static const char *const names[] = {
        "tutorial", "failed", "promotable", "moved", "standby",
    };

    (void) state;
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        char *p = g_strdup_printf("tests/golden/cib/%s.xml", names[i]);

        run_series(p, false);
        g_free(p);
    }
}

static void test_large(void **state)
{
    char *p = g_strdup_printf("%s/large.xml", tmpdir), *out = NULL;
    char *argv[] = { "python3", "tests/golden/gen-large-cib.py", "6", "120",
                     NULL };
    int before = n_incremental;
    GError *e = NULL;
    int status = 0;

    (void) state;
    assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL,
                             NULL, &out, NULL, &status, &e));
    assert_true(g_spawn_check_wait_status(status, NULL));
    assert_true(g_file_set_contents(p, out, -1, NULL));
    run_series(p, true);
    /* The three injected failures at least took the incremental way. */
    assert_true(n_incremental - before >= 3);
    print_message("# %d steps, %d incremental\n", n_steps, n_incremental);
    g_free(out);
    g_free(p);
}

static int setup(void **state)
{
    (void) state;
    tmpdir = g_dir_make_tmp("hacon-incr-XXXXXX", NULL);
    return tmpdir ? 0 : -1;
}

static int teardown(void **state)
{
    char *argv[] = { "rm", "-rf", tmpdir, NULL };

    (void) state;
    g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                 NULL, NULL, NULL);
    g_free(tmpdir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixtures),
        cmocka_unit_test(test_large),
    };

    crm_xml_init();
    if (access("/usr/sbin/crm_simulate", X_OK) != 0
        && access("/usr/bin/crm_simulate", X_OK) != 0) {
        printf("1..0 # SKIP crm_simulate is not installed\n");
        return 0;
    }
    return cmocka_run_group_tests(tests, setup, teardown);
}
