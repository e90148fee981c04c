/* The console's background jobs (the fencer's history, sbd, a remote
 * lease file): the work in a thread of its own, its answer taken by the
 * loop from an idle callback.  What a job holds and how the loop lets go
 * of one still running (its orphan flag) is the job's own. */
#include "sources.h"

#include "exec.h"

typedef struct job_run {
    hc_job_work_fn work;
    hc_job_done_fn done;
    void *job;
    bool reader;
} job_run;

static gboolean on_job_done(gpointer data)
{
    job_run *r = data;

    r->done(r->job);
    g_free(r);
    return G_SOURCE_REMOVE;
}

static gpointer job_main(gpointer data)
{
    job_run *r = data;

    if (r->reader) {
        /* Its children (a command, an ssh) end with the console. */
        hc_exec_set_reader(true);
    }
    r->work(r->job);
    g_idle_add(on_job_done, r);
    return NULL;
}

bool hc_job_start(const char *name, bool reader, hc_job_work_fn work,
                  hc_job_done_fn done, void *job, char **ret_err)
{
    job_run *r = g_new0(job_run, 1);
    GError *e = NULL;
    GThread *t;

    r->work = work;
    r->done = done;
    r->job = job;
    r->reader = reader;
    t = g_thread_try_new(name, job_main, r, &e);
    if (!t) {
        if (ret_err) {
            *ret_err = g_strdup(e->message);
        }
        g_error_free(e);
        g_free(r);
        return false;
    }
    g_thread_unref(t);
    return true;
}
