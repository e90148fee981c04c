/* The failover test's worker threads: a job (the action's or the
 * cleanup's commands, run one after the other, each line of progress
 * queued for the main thread's timeline) and the I/O task (the probe that
 * may wait for dhcpd's ping check, the lease file read over ssh), so that
 * probing and the caller's loop go on while they run. */
#include "failover_int.h"

#include <errno.h>
#include <stdarg.h>
#include <time.h>

#include "exec.h"
#include "util.h"

/* ------------------------------------------------------------ jobs */

static void job_cmd_free(gpointer p)
{
    job_cmd *c = p;

    g_strfreev(c->argv);
    g_free(c->node);
    g_free(c);
}

static void job_msg_free(gpointer p)
{
    job_msg *m = p;

    g_free(m->text);
    g_free(m);
}

job *hc__fo_job_new(void)
{
    job *j = g_new0(job, 1);

    j->cmds = g_ptr_array_new_with_free_func(job_cmd_free);
    j->msgs = g_async_queue_new_full(job_msg_free);
    return j;
}

void hc__fo_job_add(job *j, const char *node, int timeout_ms, int may_fail,
                    ...)
{
    job_cmd *c = g_new0(job_cmd, 1);
    va_list ap;

    va_start(ap, may_fail);
    c->argv = hc_argv_from_va(ap);
    va_end(ap);
    c->node = g_strdup(node);
    c->timeout_ms = timeout_ms;
    c->may_fail = may_fail != 0;
    g_ptr_array_add(j->cmds, c);
}

static void job_say(job *j, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void job_say(job *j, const char *fmt, ...)
{
    job_msg *m = g_new0(job_msg, 1);
    va_list ap;

    va_start(ap, fmt);
    m->text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    m->when_ms = hc_now_ms();
    g_async_queue_push(j->msgs, m);
}

/* The last non-empty line of s, for a one-line result. */
static char *last_line(const char *s)
{
    char **lines = g_strsplit(s ? s : "", "\n", -1);
    char *r = NULL;

    for (int i = (int) g_strv_length(lines) - 1; i >= 0 && !r; i--) {
        g_strstrip(lines[i]);
        if (*lines[i]) {
            r = g_strdup(lines[i]);
        }
    }
    g_strfreev(lines);
    return r ? r : g_strdup("");
}

static gpointer job_main(gpointer p)
{
    job *j = p;

    for (guint i = 0; i < j->cmds->len; i++) {
        job_cmd *c = j->cmds->pdata[i];
        hc_exec_result res = { 0 };
        char *cl = hc_exec_cmdline((const char *const *) c->argv, c->node);
        hc_exec_opts eo = { .node = c->node, .timeout_ms = c->timeout_ms };
        int rc;

        job_say(j, "run: %s", cl);
        rc = hc_exec((const char *const *) c->argv, &eo, &res);
        if (rc < 0 || res.status != 0 || res.timed_out) {
            char *why = last_line(res.err && *res.err ? res.err : res.out);

            job_say(j, "%s: %s%s%s", cl,
                    rc < 0 ? "cannot run"
                    : res.timed_out ? "timed out" : "failed",
                    *why ? ": " : "", why);
            g_free(why);
            if (!c->may_fail) {
                j->rc = -EIO;
                g_free(cl);
                hc_exec_result_clear(&res);
                break;
            }
        } else {
            job_say(j, "done in %.0f ms: %s", res.ms, cl);
        }
        g_free(cl);
        hc_exec_result_clear(&res);
    }
    g_atomic_int_set(&j->done, 1);
    return NULL;
}

void hc__fo_job_start(job *j)
{
    j->thread = g_thread_new("hc-failover", job_main, j);
}

static void job_drain(hc_failover *fo)
{
    job_msg *m;

    if (!fo->job) {
        return;
    }
    while ((m = g_async_queue_try_pop(fo->job->msgs))) {
        hc__fo_emit_at(fo, fo->t0 > 0 ? m->when_ms - fo->t0 : -0.0,
                       HC_FO_EV_ACTION, m->text);
        job_msg_free(m);
    }
}

/* True when the running job (if any) is finished; drains its messages. */
bool hc__fo_job_finished(hc_failover *fo, int *ret_rc)
{
    if (!fo->job) {
        *ret_rc = 0;
        return true;
    }
    job_drain(fo);
    if (!g_atomic_int_get(&fo->job->done)) {
        return false;
    }
    g_thread_join(fo->job->thread);
    job_drain(fo);
    *ret_rc = fo->job->rc;
    g_ptr_array_free(fo->job->cmds, TRUE);
    g_async_queue_unref(fo->job->msgs);
    g_free(fo->job);
    fo->job = NULL;
    return true;
}

/* ------------------------------------------------------------ I/O */

static gpointer io_main(gpointer p)
{
    hc_failover *fo = p;
    io_task *t = fo->io;

    for (int i = 0; i < t->probe_tries && !t->probe_ok; i++) {
        t->probe_ok = hc__fo_probe_once_within(fo, t->probe_wait_ms, &t->rtt);
    }
    if (t->lease_node) {
        t->lease_read_at = (uint32_t) time(NULL);
        t->lease_rc =
            hc__fo_read_leases(fo, t->lease_node, t->leases, &t->lease_err);
    }
    g_atomic_int_set(&t->done, 1);
    return NULL;
}

void hc__fo_io_start(hc_failover *fo, int tries, int wait_ms,
                     const char *lease_node)
{
    io_task *t = g_new0(io_task, 1);

    t->probe_tries = tries;
    t->probe_wait_ms = wait_ms;
    t->lease_node = g_strdup(lease_node);
    t->leases = g_array_new(FALSE, TRUE, sizeof(base_lease));
    fo->io = t;
    t->thread = g_thread_new("hc-failover-io", io_main, fo);
}

/* True once the thread is done (joined; results in fo->io). */
bool hc__fo_io_finished(hc_failover *fo)
{
    if (!fo->io) {
        return true;
    }
    if (!g_atomic_int_get(&fo->io->done)) {
        return false;
    }
    if (fo->io->thread) {
        g_thread_join(fo->io->thread);
        fo->io->thread = NULL;
    }
    return true;
}

void hc__fo_io_free(hc_failover *fo)
{
    if (!fo->io) {
        return;
    }
    if (fo->io->thread) {
        g_thread_join(fo->io->thread);
    }
    g_free(fo->io->lease_node);
    g_array_free(fo->io->leases, TRUE);
    g_free(fo->io->lease_err);
    g_free(fo->io);
    fo->io = NULL;
}
