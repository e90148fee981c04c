/* A pass of checks: several steps checked at once (the setup list, a
 * step's prerequisites), each fact asked once.
 *
 * A check reads the nodes one command after another; on a slow machine
 * (a VM under emulation, a node far away) each command costs most of a
 * second, and a pass of every step ran ~50 of them one by one, several
 * the same (the peer's corosync.conf read by two steps, /dev/drbd1 tested
 * by two).  Here every step of the pass is checked in a thread of its
 * own, and an identical command (same node, same argv) that a step of
 * this pass already ran is answered from that run.
 *
 * The engine and the libraries under it (libcib, the scheduler's status,
 * libxml2) are not made for threads: the threads of a pass take turns
 * holding one lock (pass_lock), which a thread lets go only while a
 * command of its runs (hc_wizard_exec(), hc_wizard_exec_unlocked()).  So
 * the checks' own code runs one at a time, as before, and only the
 * waiting for the nodes overlaps.
 *
 * What a pass remembers (the commands' results, the CIB it read) lives
 * in its memo, made when the pass starts and dropped when it ends: never
 * kept across passes, never across an apply (no apply runs inside a
 * pass: checks change nothing).  A command whose output is a secret, or
 * that reads a local file as its input, is never remembered.
 *
 * Commands for a peer wait in that peer's queue until no thread of the
 * pass has code of its own to run (each waits for a command): then the
 * queue goes to the peer as one batch (wizard_batch.c), one ssh session
 * for all of them instead of one each. */
#include "wizard.h"

#include <errno.h>
#include <string.h>

#include <crm/crm.h>
#include <crm/common/xml.h>
#include <libxml/globals.h>
#include <libxml/tree.h>

#include "exec.h"
#include "wizard_int.h"

/* Commands a pass runs at once on one node: well under sshd's
 * MaxSessions (10) over the one connection to a peer, and no more than a
 * loaded node answers faster. */
#define HC_PASS_PER_NODE 4

typedef struct memo_run {
    bool done;          /* else it runs (in another thread): wait */
    int rc;
    hc_exec_result r;
} memo_run;

/* A command in a peer's queue (on the stack of the thread that waits
 * for it). */
typedef struct batch_item {
    const char *const *argv;
    int timeout_ms;
    hc_exec_result *r;
    bool done;
} batch_item;

struct hc_wizard_memo {
    GHashTable *runs;       /* key() -> memo_run* */
    GHashTable *queue;      /* peer -> GPtrArray of batch_item* waiting */
    GHashTable *busy;       /* node ("" here) -> GINT commands running */
    GHashTable *reached;    /* peer -> GINT 1 first command runs, 2 ran */
    bool cib_read;
    int cib_rc;
    xmlNode *cib;
    char *cib_err;
};

static GMutex pass_lock;
static GCond pass_cond;
/* The pass under way (NULL: none) and how many of its threads run code
 * of their own or wait for pass_lock to do so (not for a command); both
 * under pass_lock. */
static hc_wizard_memo *pass_memo;
static int pass_active;
/* This thread holds pass_lock: it runs a check of a pass. */
static __thread bool in_pass;

static void memo_run_free(gpointer data)
{
    memo_run *m = data;

    hc_exec_result_clear(&m->r);
    g_free(m);
}

static hc_wizard_memo *memo_new(void)
{
    hc_wizard_memo *m = g_new0(hc_wizard_memo, 1);

    m->runs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                    memo_run_free);
    m->busy = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    m->reached = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    m->queue = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify) g_ptr_array_unref);
    return m;
}

static void memo_free(hc_wizard_memo *m)
{
    if (!m) {
        return;
    }
    g_hash_table_destroy(m->runs);
    g_hash_table_destroy(m->busy);
    g_hash_table_destroy(m->reached);
    g_hash_table_destroy(m->queue);
    if (m->cib) {
        free_xml(m->cib);
    }
    g_free(m->cib_err);
    g_free(m);
}

/* The node and every word, each with its length: two different commands
 * never share a key. */
static char *key(const char *node, const char *const *argv)
{
    GString *k = g_string_new(NULL);

    g_string_append_printf(k, "%zu:%s", node ? strlen(node) : 0,
                           node ? node : "");
    for (size_t i = 0; argv[i]; i++) {
        g_string_append_printf(k, "|%zu:%s", strlen(argv[i]), argv[i]);
    }
    return g_string_free(k, FALSE);
}

static void result_copy(hc_exec_result *to, const hc_exec_result *from)
{
    *to = *from;
    to->out = g_memdup2(from->out ? from->out : "",
                        from->out ? from->out_len + 1 : 1);
    to->err = g_strdup(from->err ? from->err : "");
}

/* A node's queue can go now: its first command (the login) is not
 * running, and fewer than HC_PASS_PER_NODE of its commands are. */
static bool node_free(hc_wizard_memo *m, const char *node)
{
    return GPOINTER_TO_INT(g_hash_table_lookup(m->reached, node)) != 1
           && GPOINTER_TO_INT(g_hash_table_lookup(m->busy, node))
              < HC_PASS_PER_NODE;
}

/* Some queue can go: a thread that waits for it must look. */
static bool queue_ready(hc_wizard_memo *m)
{
    GHashTableIter it;
    gpointer node, q;

    if (!m) {
        return false;
    }
    g_hash_table_iter_init(&it, m->queue);
    while (g_hash_table_iter_next(&it, &node, &q)) {
        if (((GPtrArray *) q)->len && node_free(m, node)) {
            return true;
        }
    }
    return false;
}

/* This thread stops running code of its own (it waits, or a command of
 * its runs): the last one to stop wakes the queues' owners. */
static void pass_idle(void)
{
    if (--pass_active == 0 && queue_ready(pass_memo)) {
        g_cond_broadcast(&pass_cond);
    }
}

static void pass_wait(void)
{
    pass_idle();
    g_cond_wait(&pass_cond, &pass_lock);
    pass_active++;
}

int hc_wizard_exec_unlocked(const char *const *argv, const hc_exec_opts *o,
                            hc_exec_result *r)
{
    int rc;

    if (!in_pass) {
        return hc_exec(argv, o, r);
    }
    /* A command here ends soon, and its thread then asks more: the
     * queues wait for it, so that they go as few batches as they can. */
    if (o->node) {
        pass_idle();
    }
    g_mutex_unlock(&pass_lock);
    rc = hc_exec(argv, o, r);
    g_mutex_lock(&pass_lock);
    if (o->node) {
        pass_active++;
    }
    return rc;
}

/* node's command count changed by d. */
static void busy_add(hc_wizard_memo *m, const char *node, int d)
{
    g_hash_table_replace(m->busy, g_strdup(node), GINT_TO_POINTER(
        GPOINTER_TO_INT(g_hash_table_lookup(m->busy, node)) + d));
}

/* A command for a peer, in its queue until every thread of the pass
 * waits: then the thread that finds its command still queued takes the
 * whole queue and runs it, as one batch when it holds more than one. */
static int exec_queued(hc_wizard_memo *m, const char *const *argv,
                       const hc_exec_opts *o, hc_exec_result *r)
{
    batch_item me = { .argv = argv, .timeout_ms = o->timeout_ms, .r = r };
    GPtrArray *q = g_hash_table_lookup(m->queue, o->node), *take;
    bool first;

    if (!q) {
        q = g_ptr_array_new();
        g_hash_table_replace(m->queue, g_strdup(o->node), q);
    }
    g_ptr_array_add(q, &me);
    while (!me.done && !(pass_active == 1 && node_free(m, o->node)
                         && g_ptr_array_find(q, &me, NULL))) {
        pass_wait();
    }
    if (me.done) {
        return 0;
    }
    take = g_ptr_array_new();
    for (guint i = 0; i < q->len; i++) {
        g_ptr_array_add(take, q->pdata[i]);
    }
    g_ptr_array_set_size(q, 0);
    first = !g_hash_table_lookup(m->reached, o->node);
    if (first) {
        g_hash_table_replace(m->reached, g_strdup(o->node), GINT_TO_POINTER(1));
    }
    busy_add(m, o->node, 1);
    pass_idle();
    g_mutex_unlock(&pass_lock);
    if (take->len == 1) {
        hc_exec_opts one = { .node = o->node, .timeout_ms = o->timeout_ms };

        if (hc_exec(argv, &one, r) < 0) {
            /* As in a batch: the command did not run. */
            memset(r, 0, sizeof(*r));
            r->spawn_failed = true;
            r->status = 127;
            r->out = g_strdup("");
            r->err = g_strdup("cannot run ssh");
        }
    } else {
        const char *const **argvs = g_new0(const char *const *, take->len);
        int *t = g_new0(int, take->len);
        hc_exec_result *res = g_new0(hc_exec_result, take->len);

        for (guint i = 0; i < take->len; i++) {
            argvs[i] = ((batch_item *) take->pdata[i])->argv;
            t[i] = ((batch_item *) take->pdata[i])->timeout_ms;
        }
        hc_batch_run(o->node, argvs, t, take->len, res);
        for (guint i = 0; i < take->len; i++) {
            *((batch_item *) take->pdata[i])->r = res[i];
        }
        g_free(res);
        g_free(t);
        g_free(argvs);
    }
    g_mutex_lock(&pass_lock);
    pass_active++;
    for (guint i = 0; i < take->len; i++) {
        ((batch_item *) take->pdata[i])->done = true;
    }
    busy_add(m, o->node, -1);
    if (first) {
        g_hash_table_replace(m->reached, g_strdup(o->node), GINT_TO_POINTER(2));
    }
    g_ptr_array_free(take, TRUE);
    g_cond_broadcast(&pass_cond);
    return 0;
}

/* A command on node (NULL: here) once its turn came: at most
 * HC_PASS_PER_NODE at once there, and the first one on a peer alone (it
 * logs in and becomes the connection the others share: two at once
 * would log in twice). */
static int exec_in_turn(hc_wizard_memo *m, const char *const *argv,
                        const hc_exec_opts *o, hc_exec_result *r)
{
    const char *node = o->node ? o->node : "";
    bool first = false;
    int rc;

    if (o->node && !o->input && !o->input_file && !o->env && !o->same_group
        && !o->secret_output) {
        return exec_queued(m, argv, o, r);
    }
    for (;;) {
        int reached = GPOINTER_TO_INT(g_hash_table_lookup(m->reached, node));
        int busy = GPOINTER_TO_INT(g_hash_table_lookup(m->busy, node));

        if (o->node && reached == 0) {
            g_hash_table_replace(m->reached, g_strdup(node), GINT_TO_POINTER(1));
            first = true;
            break;
        }
        if ((!o->node || reached == 2) && busy < HC_PASS_PER_NODE) {
            break;
        }
        pass_wait();
    }
    g_hash_table_replace(m->busy, g_strdup(node), GINT_TO_POINTER(
        GPOINTER_TO_INT(g_hash_table_lookup(m->busy, node)) + 1));
    rc = hc_wizard_exec_unlocked(argv, o, r);
    g_hash_table_replace(m->busy, g_strdup(node), GINT_TO_POINTER(
        GPOINTER_TO_INT(g_hash_table_lookup(m->busy, node)) - 1));
    if (first) {
        g_hash_table_replace(m->reached, g_strdup(node), GINT_TO_POINTER(2));
    }
    g_cond_broadcast(&pass_cond);
    return rc;
}

int hc_wizard_exec(hc_wizard *w, const char *const *argv,
                   const hc_exec_opts *o, hc_exec_result *r)
{
    hc_wizard_memo *m = w->memo;
    memo_run *run;
    char *k;
    int rc;

    if (!m || !in_pass) {
        return hc_exec(argv, o, r);
    }
    if (o->secret_output || o->input_file || o->input) {
        return exec_in_turn(m, argv, o, r);
    }
    k = key(o->node, argv);
    while ((run = g_hash_table_lookup(m->runs, k)) && !run->done) {
        pass_wait();
    }
    if (run) {
        g_free(k);
        if (run->rc == 0) {
            result_copy(r, &run->r);
        }
        return run->rc;
    }
    run = g_new0(memo_run, 1);
    g_hash_table_replace(m->runs, k, run);
    rc = exec_in_turn(m, argv, o, r);
    /* The table may have grown meanwhile: the entry is still k's. */
    run->rc = rc;
    if (rc == 0) {
        result_copy(&run->r, r);
    }
    run->done = true;
    g_cond_broadcast(&pass_cond);
    return rc;
}

bool hc_wizard_memo_cib(hc_wizard *w, xmlNode **ret, char **ret_err, int *rc)
{
    hc_wizard_memo *m = w->memo;

    if (!m || !in_pass || !m->cib_read) {
        return false;
    }
    *rc = m->cib_rc;
    if (m->cib_rc == 0) {
        *ret = copy_xml(m->cib);
    } else if (ret_err) {
        *ret_err = g_strdup(m->cib_err);
    }
    return true;
}

void hc_wizard_memo_cib_keep(hc_wizard *w, int rc, xmlNode *cib,
                             const char *err)
{
    hc_wizard_memo *m = w->memo;

    if (!m || !in_pass || m->cib_read) {
        return;
    }
    m->cib_read = true;
    m->cib_rc = rc;
    m->cib = rc == 0 ? copy_xml(cib) : NULL;
    m->cib_err = g_strdup(err ? err : "cannot read the CIB");
}

/* ------------------------------------------------------------ the pass */

/* libxml2 keeps its settings per thread, and a new thread starts with
 * libxml2's defaults: Pacemaker's (every node's private data, which its
 * ACL checks abort without) are copied from the thread that starts the
 * pass into each of its threads. */
typedef struct xml_settings {
    xmlRegisterNodeFunc reg;
    xmlDeregisterNodeFunc dereg;
    xmlBufferAllocationScheme scheme;
    xmlGenericErrorFunc generic;
    void *generic_ctx;
    xmlStructuredErrorFunc structured;
    void *structured_ctx;
    int keep_blanks, indent, no_empty, line_numbers, substitute, ext_dtd,
        pedantic, validity;
} xml_settings;

static void xml_settings_get(xml_settings *x)
{
    crm_xml_init();
    x->reg = xmlRegisterNodeDefaultValue;
    x->dereg = xmlDeregisterNodeDefaultValue;
    x->scheme = xmlGetBufferAllocationScheme();
    x->generic = xmlGenericError;
    x->generic_ctx = xmlGenericErrorContext;
    x->structured = xmlStructuredError;
    x->structured_ctx = xmlStructuredErrorContext;
    x->keep_blanks = xmlKeepBlanksDefaultValue;
    x->indent = xmlIndentTreeOutput;
    x->no_empty = xmlSaveNoEmptyTags;
    x->line_numbers = xmlLineNumbersDefaultValue;
    x->substitute = xmlSubstituteEntitiesDefaultValue;
    x->ext_dtd = xmlLoadExtDtdDefaultValue;
    x->pedantic = xmlPedanticParserDefaultValue;
    x->validity = xmlDoValidityCheckingDefaultValue;
}

static void xml_settings_set(const xml_settings *x)
{
    xmlRegisterNodeDefaultValue = x->reg;
    xmlDeregisterNodeDefaultValue = x->dereg;
    xmlSetBufferAllocationScheme(x->scheme);
    xmlGenericError = x->generic;
    xmlGenericErrorContext = x->generic_ctx;
    xmlStructuredError = x->structured;
    xmlStructuredErrorContext = x->structured_ctx;
    xmlKeepBlanksDefaultValue = x->keep_blanks;
    xmlIndentTreeOutput = x->indent;
    xmlSaveNoEmptyTags = x->no_empty;
    xmlLineNumbersDefaultValue = x->line_numbers;
    xmlSubstituteEntitiesDefaultValue = x->substitute;
    xmlLoadExtDtdDefaultValue = x->ext_dtd;
    xmlPedanticParserDefaultValue = x->pedantic;
    xmlDoValidityCheckingDefaultValue = x->validity;
}

typedef struct job {
    hc_wizard *w;
    const hc_step *s;
    hc_wizard_pass_result *res;     /* the check's verdict */
    const xml_settings *xml;
} job;

static void job_locked(job *j)
{
    in_pass = true;
    j->res->rc = hc_wizard_check(j->w, j->s, &j->res->state, &j->res->why);
    in_pass = false;
}

static gpointer job_thread(gpointer data)
{
    job *j = data;

    xml_settings_set(j->xml);
    g_mutex_lock(&pass_lock);
    job_locked(j);
    pass_idle();
    g_cond_broadcast(&pass_cond);
    g_mutex_unlock(&pass_lock);
    return NULL;
}

/* Runs the n jobs at once, one thread each, with one memo. */
static void run_jobs(hc_wizard *w, job *jobs, size_t n)
{
    GThread **threads = g_new0(GThread *, n);
    hc_wizard_memo *outer = w->memo;
    xml_settings xml;

    /* A pass inside a pass (a check that checks others) shares its
     * memo; the outermost one makes it and drops it. */
    if (!outer) {
        w->memo = memo_new();
        g_mutex_lock(&pass_lock);
        pass_memo = w->memo;
        g_mutex_unlock(&pass_lock);
    }
    if (in_pass) {
        /* Already a thread of a pass: its own jobs one after another. */
        for (size_t i = 0; i < n; i++) {
            job_locked(&jobs[i]);
            in_pass = true;
        }
    } else {
        xml_settings_get(&xml);
        /* Every thread counts as running from its start: a queue waits
         * for the threads that have not yet asked anything. */
        g_mutex_lock(&pass_lock);
        for (size_t i = 0; i < n; i++) {
            jobs[i].xml = &xml;
            threads[i] = n > 1 ? g_thread_try_new("hc-check", job_thread,
                                                  &jobs[i], NULL) : NULL;
            if (threads[i]) {
                pass_active++;
            }
        }
        g_mutex_unlock(&pass_lock);
        for (size_t i = 0; i < n; i++) {
            if (!threads[i]) {
                /* No thread: this one does it, taking its turn. */
                g_mutex_lock(&pass_lock);
                pass_active++;
                job_locked(&jobs[i]);
                pass_idle();
                g_cond_broadcast(&pass_cond);
                g_mutex_unlock(&pass_lock);
            }
        }
        for (size_t i = 0; i < n; i++) {
            if (threads[i]) {
                g_thread_join(threads[i]);
            }
        }
    }
    if (!outer) {
        g_mutex_lock(&pass_lock);
        pass_memo = NULL;
        g_mutex_unlock(&pass_lock);
        memo_free(w->memo);
        w->memo = NULL;
    }
    g_free(threads);
}

void hc_wizard_check_all(hc_wizard *w, const hc_step *const *steps, size_t n,
                         hc_wizard_pass_result *res)
{
    job *jobs = g_new0(job, n);

    for (size_t i = 0; i < n; i++) {
        res[i] = (hc_wizard_pass_result) { .state = HC_STEP_BLOCKED };
        jobs[i] = (job) { .w = w, .s = steps[i], .res = &res[i] };
    }
    run_jobs(w, jobs, n);
    g_free(jobs);
}
