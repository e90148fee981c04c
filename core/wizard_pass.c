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
 * that reads a local file as its input, is never remembered. */
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

struct hc_wizard_memo {
    GHashTable *runs;       /* key() -> memo_run* */
    GHashTable *busy;       /* node ("" here) -> GINT commands running */
    GHashTable *reached;    /* peer -> GINT 1 first command runs, 2 ran */
    bool cib_read;
    int cib_rc;
    xmlNode *cib;
    char *cib_err;
};

static GMutex pass_lock;
static GCond pass_cond;
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

int hc_wizard_exec_unlocked(const char *const *argv, const hc_exec_opts *o,
                            hc_exec_result *r)
{
    int rc;

    if (!in_pass) {
        return hc_exec(argv, o, r);
    }
    g_mutex_unlock(&pass_lock);
    rc = hc_exec(argv, o, r);
    g_mutex_lock(&pass_lock);
    return rc;
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
        g_cond_wait(&pass_cond, &pass_lock);
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
        g_cond_wait(&pass_cond, &pass_lock);
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
    }
    if (in_pass) {
        /* Already a thread of a pass: its own jobs one after another. */
        for (size_t i = 0; i < n; i++) {
            job_locked(&jobs[i]);
            in_pass = true;
        }
    } else {
        xml_settings_get(&xml);
        for (size_t i = 0; i < n; i++) {
            jobs[i].xml = &xml;
            threads[i] = n > 1 ? g_thread_try_new("hc-check", job_thread,
                                                  &jobs[i], NULL) : NULL;
            if (!threads[i]) {
                /* No thread: this one does it, taking its turn. */
                g_mutex_lock(&pass_lock);
                job_locked(&jobs[i]);
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
