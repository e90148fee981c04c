#include "drbd_follow.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec.h"
#include "util.h"

/* A child whose stdout the loop reads: the events2 stream, a poll, a
 * name lookup's tool (spawned_start, spawned_stop). */
typedef struct spawned {
    GPid pid;                   /* 0: none */
    GIOChannel *ch;             /* its stdout, non-blocking */
    guint io_id, child_id;      /* the watches, 0 once removed or done */
    bool exited;                /* reaped by its child watch */
} spawned;

/* One child whose stdout is fed line by line into the model. */
typedef struct child {
    hc_drbd_follow *f;
    spawned sp;
    bool oneshot;       /* a poll (--now): ends by itself */
    bool dumped;        /* saw "exists -" */
    double started;
} child;

struct hc_drbd_follow {
    hc_drbd *d;
    hc_drbd_follow_opts o;
    hc_drbd_follow_fn fn;
    void *data;
    child *stream, *poll;
    guint tick_id, restart_id;
    int backoff_ms;
    double stream_started;  /* when the last events2 child started */
    double last_poll;
    bool have_proc;
    /* /proc/drbd's minors named off the loop when events2 does not name
     * them: the names found ("N" -> "NAME"), the minors asked about once
     * ("N"), the sizes the lookup's events2 gave, the lookup running. */
    GHashTable *names, *asked;
    hc_drbd *ref;
    hc_drbd_lookup *lookup;
};

static double now_s(void)
{
    return (double)g_get_real_time() / 1e6;
}

static void notify(hc_drbd_follow *f, const char *msg)
{
    if (f->fn) {
        f->fn(f->d, msg, f->data);
    }
}

/* In a child before exec: no signal held, or drbdsetup would not end on
 * the SIGTERM that stops it (see hc_exec_child_signals). */
static void unblock_signals(gpointer data)
{
    (void) data;
    hc_exec_child_signals();
}

/* Reaps pid after its SIGTERM: at most 2 s, then SIGKILL (a child that
 * holds SIGTERM back must not hang its caller). */
static void reap(pid_t pid)
{
    for (int i = 0; i < 200; i++) {
        if (waitpid(pid, NULL, WNOHANG) != 0) {
            return;
        }
        g_usleep(10000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

/* In a child before exec: a process group of its own (a script's
 * children are ended with it), no signal held. */
static void own_group(gpointer data)
{
    (void) data;
    setpgid(0, 0);
    hc_exec_child_signals();
}

/* Starts argv (with group, in a process group of its own), its stdout
 * read by out (G_IO_IN, G_IO_HUP, G_IO_ERR) and its end told to exited,
 * both with data.  false with *err when it could not be started. */
static bool spawned_start(spawned *sp, char **argv, bool group, GIOFunc out,
                          GChildWatchFunc exited, void *data, GError **err)
{
    gint out_fd;

    memset(sp, 0, sizeof(*sp));
    if (!g_spawn_async_with_pipes(NULL, argv, NULL,
                                  G_SPAWN_SEARCH_PATH
                                  | G_SPAWN_DO_NOT_REAP_CHILD
                                  | G_SPAWN_STDERR_TO_DEV_NULL,
                                  group ? own_group : unblock_signals, NULL,
                                  &sp->pid, NULL, &out_fd, NULL, err)) {
        sp->pid = 0;
        return false;
    }
    sp->ch = g_io_channel_unix_new(out_fd);
    g_io_channel_set_close_on_unref(sp->ch, TRUE);
    g_io_channel_set_encoding(sp->ch, NULL, NULL);
    g_io_channel_set_flags(sp->ch, G_IO_FLAG_NONBLOCK, NULL);
    sp->io_id = g_io_add_watch(sp->ch, G_IO_IN | G_IO_HUP | G_IO_ERR, out,
                               data);
    sp->child_id = g_child_watch_add(sp->pid, exited, data);
    return true;
}

/* Its watches removed; a child still running gets sig (with group, its
 * process group too) and is reaped (at most 2 s, then SIGKILL: no zombie
 * stays behind, no child that holds sig back hangs the caller); its stdout
 * closed. */
static void spawned_stop(spawned *sp, bool group, int sig)
{
    if (sp->io_id) {
        g_source_remove(sp->io_id);
        sp->io_id = 0;
    }
    if (sp->child_id) {
        g_source_remove(sp->child_id);
        sp->child_id = 0;
    }
    if (sp->pid > 0) {
        if (!sp->exited) {
            if (group) {
                kill(-sp->pid, sig);
            }
            kill(sp->pid, sig);
            reap(sp->pid);
        }
        g_spawn_close_pid(sp->pid);
        sp->pid = 0;
    }
    if (sp->ch) {
        g_io_channel_unref(sp->ch);
        sp->ch = NULL;
    }
}

static void child_free(child *c)
{
    if (!c) {
        return;
    }
    /* drbdsetup ends on SIGTERM at once. */
    spawned_stop(&c->sp, false, SIGTERM);
    g_free(c);
}

static void schedule_restart(hc_drbd_follow *f, const char *why);
static void poll_now(hc_drbd_follow *f);

static gboolean child_out(GIOChannel *ch, GIOCondition cond, gpointer data)
{
    child *c = data;
    hc_drbd_follow *f = c->f;
    char *line = NULL;
    gsize len = 0;
    GIOStatus st;
    bool changed = false, was_dirty = f->d->dirty;

    for (;;) {
        st = g_io_channel_read_line(ch, &line, &len, NULL, NULL);
        if (st != G_IO_STATUS_NORMAL) {
            break;
        }
        f->d->dirty = false;
        if (hc_drbd_feed_events2_line(f->d, line, len, -1) == 1) {
            c->dumped = true;
        }
        changed |= f->d->dirty;
        g_free(line);
        line = NULL;
    }
    g_free(line);
    f->d->dirty = was_dirty || changed;
    if (changed) {
        notify(f, NULL);
    }
    if (st == G_IO_STATUS_EOF || st == G_IO_STATUS_ERROR
        || (cond & (G_IO_HUP | G_IO_ERR))) {
        c->sp.io_id = 0;
        if (c == f->stream) {
            f->stream = NULL;
            child_free(c);
            schedule_restart(f, "drbdsetup events2 ended");
            /* Until it runs again, /proc/drbd alone (a drbdsetup without
             * events2 ends at once, every time). */
            if (f->have_proc) {
                poll_now(f);
            }
        } else if (c == f->poll) {
            f->poll = NULL;
            child_free(c);
        }
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static void child_exited(GPid pid, gint status, gpointer data)
{
    child *c = data;

    /* The reader sees EOF and frees the child; here only the PID ends. */
    (void) pid;
    (void) status;
    c->sp.exited = true;
    c->sp.child_id = 0;
}

static child *child_spawn(hc_drbd_follow *f, bool oneshot, char **ret_err)
{
    const char *prog = f->o.drbdsetup ? f->o.drbdsetup : "drbdsetup";
    const char *argv_stream[] = { prog, "events2", "--timestamps",
                                  "--statistics", "all", NULL };
    const char *argv_now[] = { prog, "events2", "--now", "--timestamps",
                               "--statistics", "all", NULL };
    GError *err = NULL;
    child *c = g_new0(child, 1);

    c->f = f;
    c->oneshot = oneshot;
    if (!spawned_start(&c->sp, (char **)(oneshot ? argv_now : argv_stream),
                       false, child_out, child_exited, c, &err)) {
        if (ret_err) {
            *ret_err = g_strdup(err->message);
        }
        g_error_free(err);
        g_free(c);
        return NULL;
    }
    c->started = now_s();
    return c;
}

static gboolean restart_cb(gpointer data)
{
    hc_drbd_follow *f = data;
    char *err = NULL;

    f->restart_id = 0;
    /* The new child's dump describes everything again. */
    hc_drbd_clear(f->d);
    f->stream = child_spawn(f, false, &err);
    f->stream_started = now_s();
    if (!f->stream) {
        schedule_restart(f, err);
    }
    g_free(err);
    /* /proc/drbd fills the model again at once (the named minors now,
     * the others once the stream is gone or has dumped). */
    if (f->have_proc) {
        poll_now(f);
    }
    return G_SOURCE_REMOVE;
}

static void schedule_restart(hc_drbd_follow *f, const char *why)
{
    if (f->restart_id) {
        return;
    }
    /* A child that ran for a while gets a quick restart; one that keeps
     * dying right away, a slower one each time (up to 10 s). */
    if (now_s() - f->stream_started > 30) {
        f->backoff_ms = 0;
    }
    f->backoff_ms = f->backoff_ms ? MIN(f->backoff_ms * 2, 10000) : 500;
    notify(f, why);
    f->restart_id = g_timeout_add(f->backoff_ms, restart_cb, f);
}

static bool any_sync(const hc_drbd *d)
{
    for (guint i = 0; i < d->resources->len; i++) {
        const hc_drbd_resource *r = d->resources->pdata[i];
        for (guint j = 0; j < r->connections->len; j++) {
            const hc_drbd_connection *c = r->connections->pdata[j];
            for (guint k = 0; k < c->peer_devices->len; k++) {
                const hc_drbd_peer_device *p = c->peer_devices->pdata[k];
                if (hc_drbd_repl_is_sync(p->repl)
                    || hc_drbd_repl_is_verify(p->repl)) {
                    return true;
                }
            }
        }
    }
    return false;
}

static bool any_unknown(const hc_drbd *d)
{
    for (guint i = 0; i < d->resources->len; i++) {
        const hc_drbd_resource *r = d->resources->pdata[i];

        if (r->name_unknown) {
            return true;
        }
    }
    return false;
}

static void on_names(GHashTable *names, hc_drbd *ref, void *data);

/* Asks drbdsetup and drbdadm (off the loop) for the names of the minors
 * of m known by number only, unless they were asked about already or a
 * lookup runs (its end polls again: a minor that appeared meanwhile is
 * asked about then). */
static void want_names(hc_drbd_follow *f, const hc_drbd *m)
{
    GArray *minors;

    if (f->lookup) {
        return;
    }
    minors = g_array_new(FALSE, FALSE, sizeof(int));
    for (guint i = 0; i < m->resources->len; i++) {
        const hc_drbd_resource *r = m->resources->pdata[i];

        for (guint j = 0; r->name_unknown && j < r->devices->len; j++) {
            const hc_drbd_device *v = r->devices->pdata[j];
            char *key = g_strdup_printf("%d", v->minor);

            if (v->minor >= 0 && !g_hash_table_contains(f->asked, key)) {
                g_array_append_val(minors, v->minor);
                g_hash_table_add(f->asked, key);
            } else {
                g_free(key);
            }
        }
    }
    if (minors->len) {
        f->lookup = hc_drbd_lookup_start(f->o.drbdsetup, f->o.drbdadm,
                                         (const int *) minors->data,
                                         minors->len,
                                         f->o.lookup_timeout_ms,
                                         on_names, f);
    }
    g_array_free(minors, TRUE);
}

static void poll_now(hc_drbd_follow *f)
{
    const char *path = f->o.proc_path ? f->o.proc_path : "/proc/drbd";
    bool gated = f->stream && !f->stream->dumped;
    char *buf = NULL;
    size_t len = 0;

    f->last_poll = now_s();
    if (f->have_proc && hc_read_file(path, &buf, &len) == 0) {
        bool was_dirty = f->d->dirty;

        /* /proc/drbd knows minors, not names: while the stream's dump
         * is under way, wait for its names unless the lookup gave them
         * all (its names and the dump's are the same). */
        if (gated) {
            hc_drbd *scratch = hc_drbd_new();
            bool unknown;

            hc_drbd_feed_proc(scratch, buf, len, f->last_poll, f->names);
            unknown = any_unknown(scratch);
            hc_drbd_free(scratch);
            if (unknown) {
                g_free(buf);
                return;
            }
        }
        f->d->dirty = false;
        hc_drbd_feed_proc(f->d, buf, len, f->last_poll, f->names);
        g_free(buf);
        if (f->ref) {
            hc_drbd_take_sizes(f->d, f->ref);
        }
        want_names(f, f->d);
        if (f->d->dirty) {
            notify(f, NULL);
        }
        f->d->dirty |= was_dirty;
        return;
    }
    /* DRBD 9 has no statistics in /proc: a one-shot dump instead. */
    if (!f->poll && f->stream && f->stream->dumped) {
        f->poll = child_spawn(f, true, NULL);
    }
}

/* The lookup's answer: the minors it named get their names in the model
 * (feeding /proc/drbd again where two of them are one resource). */
static void on_names(GHashTable *names, hc_drbd *ref, void *data)
{
    hc_drbd_follow *f = data;
    GHashTableIter it;
    gpointer key, val;
    bool was_dirty = f->d->dirty;

    f->lookup = NULL;
    g_hash_table_iter_init(&it, names);
    while (g_hash_table_iter_next(&it, &key, &val)) {
        g_hash_table_replace(f->names, g_strdup(key), g_strdup(val));
    }
    g_hash_table_destroy(names);
    hc_drbd_free(f->ref);
    f->ref = ref;
    f->d->dirty = false;
    if (hc_drbd_name_minors(f->d, f->names) == -EEXIST) {
        hc_drbd_clear(f->d);
        f->d->dirty = false;
        poll_now(f);
        f->d->dirty |= was_dirty;
        return;
    }
    hc_drbd_take_sizes(f->d, f->ref);
    if (f->d->dirty) {
        notify(f, NULL);
    }
    f->d->dirty |= was_dirty;
    /* A minor that appeared while the lookup ran. */
    poll_now(f);
}

static gboolean tick_cb(gpointer data)
{
    hc_drbd_follow *f = data;
    double t = now_s();
    int every = any_sync(f->d) ? f->o.poll_sync_ms : f->o.poll_idle_ms;

    if (f->stream && !f->stream->dumped
        && (t - f->stream->started) * 1000 > f->o.dump_deadline_ms) {
        child_free(f->stream);
        f->stream = NULL;
        schedule_restart(f, "drbdsetup events2: no initial dump in time");
    }
    if ((t - f->last_poll) * 1000 >= every) {
        poll_now(f);
    }
    return G_SOURCE_CONTINUE;
}

hc_drbd_follow *hc_drbd_follow_start(hc_drbd *d,
                                     const hc_drbd_follow_opts *opts,
                                     hc_drbd_follow_fn fn, void *data,
                                     char **ret_err)
{
    hc_drbd_follow *f = g_new0(hc_drbd_follow, 1);
    char *buf = NULL;
    size_t len = 0;
    int major = 0;

    f->d = d;
    if (opts) {
        f->o = *opts;
    }
    if (!f->o.dump_deadline_ms) {
        f->o.dump_deadline_ms = 10000;
    }
    if (!f->o.poll_sync_ms) {
        f->o.poll_sync_ms = 1000;
    }
    if (!f->o.poll_idle_ms) {
        f->o.poll_idle_ms = 15000;
    }
    if (!f->o.lookup_timeout_ms) {
        f->o.lookup_timeout_ms = 5000;
    }
    f->fn = fn;
    f->data = data;
    f->names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    f->asked = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    /* /proc/drbd carries statistics only on 8.x. */
    if (hc_read_file(f->o.proc_path ? f->o.proc_path : "/proc/drbd", &buf,
                     &len) == 0
        && hc_drbd_parse_version(buf, len, &major, NULL, 0) == 0
        && major == 8) {
        f->have_proc = true;
    }
    g_free(buf);
    f->stream = child_spawn(f, false, ret_err);
    f->stream_started = now_s();
    if (!f->stream && !f->have_proc) {
        g_hash_table_destroy(f->names);
        g_hash_table_destroy(f->asked);
        g_free(f);
        return NULL;
    }
    if (!f->stream) {
        schedule_restart(f, ret_err ? *ret_err : NULL);
        if (ret_err) {
            g_free(*ret_err);
            *ret_err = NULL;
        }
    }
    poll_now(f);
    f->tick_id = g_timeout_add(250, tick_cb, f);
    return f;
}

void hc_drbd_follow_stop(hc_drbd_follow *f)
{
    if (!f) {
        return;
    }
    if (f->tick_id) {
        g_source_remove(f->tick_id);
    }
    if (f->restart_id) {
        g_source_remove(f->restart_id);
    }
    child_free(f->stream);
    child_free(f->poll);
    hc_drbd_lookup_stop(f->lookup);
    g_hash_table_destroy(f->names);
    g_hash_table_destroy(f->asked);
    hc_drbd_free(f->ref);
    g_free(f);
}

/* Every volume of r UpToDate here and on its peer. */
static bool synced(const hc_drbd_resource *r)
{
    const hc_drbd_connection *c = r->connections->len
                                  ? r->connections->pdata[0] : NULL;

    if (!c || !r->devices->len) {
        return false;
    }
    for (guint i = 0; i < r->devices->len; i++) {
        const hc_drbd_device *v = r->devices->pdata[i];
        const hc_drbd_peer_device *pd = NULL;

        for (guint k = 0; k < c->peer_devices->len; k++) {
            const hc_drbd_peer_device *x = c->peer_devices->pdata[k];

            if (x->volume == v->volume) {
                pd = x;
            }
        }
        if (strcmp(v->disk, "UpToDate") || !pd
            || strcmp(pd->peer_disk, "UpToDate")) {
            return false;
        }
    }
    return true;
}

/* The brief lines of res only. */
static char *brief_of(const hc_drbd_resource *r)
{
    hc_drbd one = { .resources = g_ptr_array_new() };
    GString *s = g_string_new(NULL);

    g_ptr_array_add(one.resources, (gpointer) r);
    hc_drbd_format_brief(&one, s);
    g_ptr_array_unref(one.resources);
    while (s->len && s->str[s->len - 1] == '\n') {
        g_string_truncate(s, s->len - 1);
    }
    return g_string_free(s, FALSE);
}

int hc_drbd_wait_synced(const char *res, const hc_drbd_follow_opts *opts,
                        int timeout_ms, int interval_ms,
                        void (*fn)(const char *line, void *data), void *data,
                        char **ret_err)
{
    hc_drbd *d = hc_drbd_new();
    hc_drbd_follow *f;
    double start = now_s(), deadline = start + timeout_ms / 1000.0;
    double last_t = 0, dumped_t = 0;
    char *last = NULL, *err = NULL;
    int rc = -ETIMEDOUT;

    if (!interval_ms) {
        interval_ms = 3000;
    }
    f = hc_drbd_follow_start(d, opts, NULL, NULL, &err);
    if (!f) {
        *ret_err = g_strdup_printf("cannot follow %s: %s", res,
                                   err ? err : "no drbdsetup");
        g_free(err);
        hc_drbd_free(d);
        return -ENOENT;
    }
    g_free(err);
    while (now_s() < deadline) {
        const hc_drbd_resource *r;

        /* The follower's tick (250 ms) wakes this at the latest. */
        g_main_context_iteration(NULL, TRUE);
        while (g_main_context_iteration(NULL, FALSE)) {
        }
        r = hc_drbd_find(d, res);
        if (!r) {
            if (d->dump_done && !dumped_t) {
                dumped_t = now_s();
            }
            /* The dump is done and res is not in it (a few seconds of
             * grace: a device that just came up). */
            if (dumped_t && now_s() - dumped_t > 5) {
                *ret_err = g_strdup_printf("drbdsetup events2 does not show "
                                           "%s", res);
                rc = -ENOENT;
                break;
            }
            continue;
        }
        {
            bool done = synced(r);
            char *line = brief_of(r);

            if (g_strcmp0(line, last)
                && (!last || done
                    || (now_s() - last_t) * 1000 >= interval_ms)) {
                if (fn) {
                    fn(line, data);
                }
                g_free(last);
                last = line;
                last_t = now_s();
            } else {
                g_free(line);
            }
            if (done) {
                rc = 0;
                break;
            }
        }
    }
    if (rc == -ETIMEDOUT) {
        *ret_err = g_strdup_printf("the sync of %s did not end in time: %s",
                                   res, last ? last : "no state");
    }
    hc_drbd_follow_stop(f);
    /* What the stopped follower left queued. */
    while (g_main_context_iteration(NULL, FALSE)) {
    }
    g_free(last);
    hc_drbd_free(d);
    return rc;
}

/* One short run of a DRBD tool; its stdout (g_free) or NULL. */
static char *run_tool(const char *const *argv)
{
    hc_exec_opts eo = { .timeout_ms = 5000 };
    hc_exec_result res = { 0 };
    char *out = NULL;

    if (hc_exec(argv, &eo, &res) == 0 && res.status == 0 && !res.timed_out) {
        out = res.out;
        res.out = NULL;
    }
    hc_exec_result_clear(&res);
    return out;
}

/* `drbdsetup events2 --now all`'s output: the minors the kernel runs,
 * named, into names (over what was there) and ref; how many. */
static int take_events2(const char *out, GHashTable *names, hc_drbd *ref)
{
    int n = 0;

    if (!out || hc_drbd_feed_events2(ref, out, strlen(out), 0) < 0) {
        return 0;
    }
    for (guint i = 0; i < ref->resources->len; i++) {
        const hc_drbd_resource *r = ref->resources->pdata[i];
        for (guint j = 0; j < r->devices->len; j++) {
            const hc_drbd_device *v = r->devices->pdata[j];
            if (v->minor >= 0) {
                g_hash_table_replace(names, g_strdup_printf("%d", v->minor),
                                     g_strdup(r->name));
                n++;
            }
        }
    }
    return n;
}

/* A configuration's minors (`drbdsetup show`, `drbdadm dump all`) into
 * names, never over what the kernel said: these may name minors the
 * kernel does not run (a capture from another time).  How many. */
static int take_config(const char *out, GHashTable *names)
{
    GHashTable *more = g_hash_table_new_full(g_str_hash, g_str_equal,
                                             g_free, g_free);
    GHashTableIter it;
    gpointer key, val;
    int n = 0;

    if (out) {
        hc_drbd_parse_config_minors(out, strlen(out), more);
    }
    g_hash_table_iter_init(&it, more);
    while (g_hash_table_iter_next(&it, &key, &val)) {
        if (!g_hash_table_contains(names, key)) {
            g_hash_table_insert(names, g_strdup(key), g_strdup(val));
            n++;
        }
    }
    g_hash_table_destroy(more);
    return n;
}

int hc_drbd_lookup_minors(const char *drbdsetup, const char *drbdadm,
                          GHashTable *names, hc_drbd *ref)
{
    const char *setup = drbdsetup ? drbdsetup : "drbdsetup";
    const char *adm = drbdadm ? drbdadm : "drbdadm";
    const char *ev[] = { setup, "events2", "--now", "all", NULL };
    const char *show[] = { setup, "show", NULL };
    const char *dump[] = { adm, "dump", "all", NULL };
    const char *const *cmds[] = { show, dump };
    char *out;
    int n;

    out = run_tool(ev);
    n = take_events2(out, names, ref);
    g_free(out);
    for (size_t k = 0; k < G_N_ELEMENTS(cmds); k++) {
        out = run_tool(cmds[k]);
        n += take_config(out, names);
        g_free(out);
    }
    return n;
}

/* ---- the same off the loop ------------------------------------------- */

#define LOOKUP_TOOLS 3

struct hc_drbd_lookup {
    char *argv[LOOKUP_TOOLS][5];
    int step;                   /* the tool running, LOOKUP_TOOLS: none */
    GArray *want;               /* the minors to name (int) */
    int timeout_ms;
    GHashTable *names;
    hc_drbd *ref;
    spawned sp;                 /* the running tool */
    GString *out;
    guint timer_id, idle_id;
    bool eof, timed_out;
    int wait_status;
    gint64 started;
    hc_drbd_lookup_fn fn;
    void *data;
};

static void lookup_free(hc_drbd_lookup *l)
{
    guint *srcs[] = { &l->timer_id, &l->idle_id };

    for (size_t i = 0; i < G_N_ELEMENTS(srcs); i++) {
        if (*srcs[i]) {
            g_source_remove(*srcs[i]);
        }
    }
    /* Its process group: a script's children too. */
    spawned_stop(&l->sp, true, SIGKILL);
    if (l->out) {
        g_string_free(l->out, TRUE);
    }
    for (int i = 0; i < LOOKUP_TOOLS; i++) {
        for (int j = 0; l->argv[i][j]; j++) {
            g_free(l->argv[i][j]);
        }
    }
    g_array_free(l->want, TRUE);
    if (l->names) {
        g_hash_table_destroy(l->names);
    }
    hc_drbd_free(l->ref);
    g_free(l);
}

void hc_drbd_lookup_stop(hc_drbd_lookup *l)
{
    if (l) {
        lookup_free(l);
    }
}

static bool lookup_all_named(const hc_drbd_lookup *l)
{
    for (guint i = 0; i < l->want->len; i++) {
        char key[16];

        snprintf(key, sizeof(key), "%d", g_array_index(l->want, int, i));
        if (!g_hash_table_contains(l->names, key)) {
            return false;
        }
    }
    return true;
}

static void lookup_next(hc_drbd_lookup *l);

/* The transcript shows each tool's run, as hc_exec() would. */
static void lookup_transcript(const hc_drbd_lookup *l, int status)
{
    hc_transcript_entry *e = g_new0(hc_transcript_entry, 1);

    e->cmdline = hc_exec_cmdline((const char *const *) l->argv[l->step],
                                 NULL);
    e->status = status;
    e->timed_out = l->timed_out;
    e->ms = (double) (g_get_monotonic_time() - l->started) / 1000.0;
    e->out = hc_transcript_bound(l->out->str, l->out->len);
    e->err = g_strdup(l->timed_out ? "(killed after its time limit)\n"
                                   : "");
    e->when = time(NULL);
    hc_transcript_append(e);
}

/* The running tool's output is complete and its process gone. */
static void lookup_step_done(hc_drbd_lookup *l)
{
    int st = l->wait_status;
    int status = WIFEXITED(st) ? WEXITSTATUS(st)
               : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 1;

    if (l->timer_id) {
        g_source_remove(l->timer_id);
        l->timer_id = 0;
    }
    lookup_transcript(l, status);
    if (status == 0 && !l->timed_out) {
        if (l->step == 0) {
            take_events2(l->out->str, l->names, l->ref);
        } else {
            take_config(l->out->str, l->names);
        }
    }
    spawned_stop(&l->sp, true, SIGKILL);    /* it is gone: nothing killed */
    g_string_truncate(l->out, 0);
    l->step = lookup_all_named(l) ? LOOKUP_TOOLS : l->step + 1;
    lookup_next(l);
}

static gboolean lookup_out(GIOChannel *ch, GIOCondition cond, gpointer data)
{
    hc_drbd_lookup *l = data;
    char buf[4096];
    gsize n = 0;
    GIOStatus st;

    for (;;) {
        st = g_io_channel_read_chars(ch, buf, sizeof(buf), &n, NULL);
        if (st != G_IO_STATUS_NORMAL || !n) {
            break;
        }
        /* A configuration is small; more is not a configuration. */
        if (l->out->len < (1u << 20)) {
            g_string_append_len(l->out, buf, (gssize) n);
        }
    }
    if (st == G_IO_STATUS_AGAIN && !(cond & (G_IO_HUP | G_IO_ERR))) {
        return G_SOURCE_CONTINUE;
    }
    l->sp.io_id = 0;
    l->eof = true;
    if (l->sp.exited) {
        lookup_step_done(l);
    }
    return G_SOURCE_REMOVE;
}

static void lookup_exited(GPid pid, gint status, gpointer data)
{
    hc_drbd_lookup *l = data;

    (void) pid;
    l->sp.child_id = 0;
    l->sp.exited = true;
    l->wait_status = status;
    if (l->eof) {
        lookup_step_done(l);
    }
}

static gboolean lookup_deadline(gpointer data)
{
    hc_drbd_lookup *l = data;

    l->timer_id = 0;
    l->timed_out = true;
    kill(-l->sp.pid, SIGKILL);
    kill(l->sp.pid, SIGKILL);
    /* A child of the tool that left its group may hold the pipe: the
     * output ends here. */
    if (l->sp.io_id) {
        g_source_remove(l->sp.io_id);
        l->sp.io_id = 0;
    }
    l->eof = true;
    if (l->sp.exited) {
        lookup_step_done(l);
    }
    return G_SOURCE_REMOVE;
}

/* Starts the tool of l->step, or the next one that can be started; at
 * the end hands the names over and frees l. */
static void lookup_next(hc_drbd_lookup *l)
{
    for (; l->step < LOOKUP_TOOLS; l->step++) {
        l->eof = l->timed_out = false;
        l->started = g_get_monotonic_time();
        if (!spawned_start(&l->sp, l->argv[l->step], true, lookup_out,
                           lookup_exited, l, NULL)) {
            lookup_transcript(l, 127);
            continue;
        }
        l->timer_id = g_timeout_add((guint) l->timeout_ms, lookup_deadline,
                                    l);
        return;
    }
    {
        GHashTable *names = l->names;
        hc_drbd *ref = l->ref;

        l->names = NULL;
        l->ref = NULL;
        l->fn(names, ref, l->data);
        lookup_free(l);
    }
}

static gboolean lookup_begin(gpointer data)
{
    hc_drbd_lookup *l = data;

    l->idle_id = 0;
    lookup_next(l);
    return G_SOURCE_REMOVE;
}

hc_drbd_lookup *hc_drbd_lookup_start(const char *drbdsetup,
                                     const char *drbdadm, const int *minors,
                                     size_t n_minors, int timeout_ms,
                                     hc_drbd_lookup_fn fn, void *data)
{
    hc_drbd_lookup *l = g_new0(hc_drbd_lookup, 1);
    const char *setup = drbdsetup ? drbdsetup : "drbdsetup";
    const char *adm = drbdadm ? drbdadm : "drbdadm";
    const char *const tools[LOOKUP_TOOLS][5] = {
        { setup, "events2", "--now", "all", NULL },
        { setup, "show", NULL },
        { adm, "dump", "all", NULL },
    };

    for (int i = 0; i < LOOKUP_TOOLS; i++) {
        for (int j = 0; tools[i][j]; j++) {
            l->argv[i][j] = g_strdup(tools[i][j]);
        }
    }
    l->want = g_array_new(FALSE, FALSE, sizeof(int));
    if (minors && n_minors) {
        g_array_append_vals(l->want, minors, (guint) n_minors);
    }
    l->timeout_ms = timeout_ms > 0 ? timeout_ms : 5000;
    l->names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    l->ref = hc_drbd_new();
    l->out = g_string_new(NULL);
    l->fn = fn;
    l->data = data;
    /* From the loop, never from here: fn may then forget l safely. */
    l->idle_id = g_idle_add(lookup_begin, l);
    return l;
}
