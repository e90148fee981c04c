/* The console's one GLib main loop, as crm_mon's: CIB diff notifications,
 * corosync's votequorum/cfg/cmap descriptors, keys on stdin and signals
 * are all sources of the same loop.  Nothing polls: when the cluster is
 * away, a timer with backoff tries to reconnect.  Each loop turn that
 * changed anything ends in one redraw (an idle source). */
#include "console.h"

#include <errno.h>
#include <langinfo.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <curses.h>
#include <glib-unix.h>
#include <crm/common/xml.h>

#include "cib.h"
#include "exec.h"
#include "sources.h"
#include "util.h"
#include "view_failover.h"

#define RETRY_MIN_MS 500
#define RETRY_MAX_MS 5000

typedef struct loop_state {
    hc_console con;
    GMainLoop *loop;
    hc_cib *cib;
    guint cib_retry, cib_retry_ms;
    bool cib_refresh_pending;
    /* The CIB the model was computed from, and the next one being built
     * from diff notifications: a change of some resources' history then
     * updates only those (hc_status_update()). */
    xmlNode *cib_next;          /* con.cib_xml with the pending diffs */
    bool cib_next_broken;
    xmlNode *cib_old;           /* the one before, freed after the redraw */
    guint cib_old_idle;
    guint refresh_idle, draw_idle;
    GArray *cs_sources;         /* guint source ids of corosync's fds */
    guint cs_retry, cs_retry_ms;
    int inotify_fd;
    guint inotify_src;
    char *watch_base, *watch_path;
    FILE *timing;               /* HACON_TIMING=path: one line per update */
    int exit_status;
} loop_state;

static void schedule_draw(loop_state *s);
static void cib_try_connect(loop_state *s);
static void cs_try_connect(loop_state *s);

/* Loop stalls: the time between the return of one poll(2) of the loop and
 * the next call is what the loop spent on its sources, during which it
 * answered no key and drew nothing.  Over STALL_MS it is a stall, and
 * with HACON_STALL_LOG=FILE each one is a line there ("stall MS ms at
 * MONO_MS"), and at the end "end: longest turn MS ms of N": the screen
 * tests assert none during a failover test. */
#define STALL_MS 100.0

static struct {
    GPollFunc poll;
    double back_ms;             /* when the last poll returned, or 0 */
    double max_ms;
    unsigned long turns;
    FILE *log;
} stall;

static gint stall_poll(GPollFD *fds, guint nfds, gint timeout)
{
    double now = hc_now_ms();
    gint rc;

    if (stall.back_ms > 0) {
        stall.turns++;
        stall.max_ms = MAX(stall.max_ms, now - stall.back_ms);
    }
    if (stall.back_ms > 0 && now - stall.back_ms > STALL_MS) {
        fprintf(stall.log, "stall %.0f ms at %.0f\n", now - stall.back_ms,
                now);
        fflush(stall.log);
    }
    rc = stall.poll(fds, nfds, timeout);
    stall.back_ms = hc_now_ms();
    return rc;
}

static void stall_start(void)
{
    const char *path = getenv("HACON_STALL_LOG");

    if (!path || !*path || !(stall.log = fopen(path, "ae"))) {
        return;
    }
    stall.poll = g_main_context_get_poll_func(NULL);
    g_main_context_set_poll_func(NULL, stall_poll);
}

static void stall_end(void)
{
    if (stall.log) {
        fprintf(stall.log, "end: longest turn %.0f ms of %lu\n",
                stall.max_ms, stall.turns);
        g_main_context_set_poll_func(NULL, stall.poll);
        fclose(stall.log);
        stall.log = NULL;
        stall.back_ms = 0;
    }
}

static double cpu_ms(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3
           + ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
}

/* ---- drawing ------------------------------------------------------------ */

static gboolean on_draw_idle(gpointer data)
{
    loop_state *s = data;
    double c0 = cpu_ms(), t0 = hc_now_ms();

    s->draw_idle = 0;
    hc_screen_draw(&s->con);
    if (s->timing) {
        fprintf(s->timing, "draw wall_ms=%.3f cpu_ms=%.3f mono_ms=%.3f\n",
                hc_now_ms() - t0, cpu_ms() - c0, hc_now_ms());
        fflush(s->timing);
    }
    return G_SOURCE_REMOVE;
}

static void schedule_draw(loop_state *s)
{
    if (!s->draw_idle) {
        /* Lower than the default priority: every pending event of this
         * turn is handled first, then one redraw. */
        s->draw_idle = g_idle_add_full(G_PRIORITY_DEFAULT_IDLE + 10,
                                       on_draw_idle, s, NULL);
    }
}

/* ---- CIB ---------------------------------------------------------------- */

static void set_error(char **slot, char *msg)
{
    g_free(*slot);
    *slot = msg;
}

static void cib_lost(loop_state *s, char *why);

/* Whether a primitive under x is of a type that the panes' sources read
 * from the CIB: the DHCP server (where the lease file is), DRBD and its
 * file system (tui/source_leases.c, tui/source_drbd.c). */
static bool feeds_sources(const xmlNode *x)
{
    const char *type = crm_element_value(x, "type");

    if (!strcmp((const char *) x->name, "primitive") && type
        && (!strcmp(type, "dhcpd") || !strcmp(type, "drbd")
            || !strcmp(type, "Filesystem"))) {
        return true;
    }
    for (const xmlNode *c = x->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && feeds_sources(c)) {
            return true;
        }
    }
    return false;
}

static bool sources_concerned(xmlNode *cib, GPtrArray *dirty)
{
    xmlNode *res = get_xpath_object("/cib/configuration/resources", cib,
                                    LOG_NEVER);

    for (xmlNode *r = res ? res->children : NULL; r; r = r->next) {
        const char *id = r->type == XML_ELEMENT_NODE
                         ? crm_element_value(r, "id") : NULL;

        for (guint i = 0; id && i < dirty->len; i++) {
            if (!strcmp(id, g_ptr_array_index(dirty, i))
                && feeds_sources(r)) {
                return true;
            }
        }
    }
    return false;
}

static gboolean free_old_cib(gpointer data)
{
    loop_state *s = data;

    free_xml(s->cib_old);
    s->cib_old = NULL;
    s->cib_old_idle = 0;
    return G_SOURCE_REMOVE;
}

/* Updates the model from the CIB next (taken) when only some resources'
 * history changed since the last one; false when it needs the full
 * computation. */
static bool try_incremental(loop_state *s, xmlNode *next)
{
    hc_console *con = &s->con;
    double c0 = cpu_ms(), t0 = hc_now_ms();
    GPtrArray *dirty = NULL;

    if (!con->cib_xml || !con->status
        || hc_status_update(con->status, con->cib_xml, next, 0,
                            &dirty) != 1) {
        free_xml(next);
        return false;
    }
    /* Freeing a large CIB takes a while: after the redraw. */
    free_xml(s->cib_old);
    s->cib_old = con->cib_xml;
    if (!s->cib_old_idle) {
        s->cib_old_idle = g_idle_add_full(G_PRIORITY_DEFAULT_IDLE + 20,
                                          free_old_cib, s, NULL);
    }
    con->cib_xml = next;
    /* The panes' sources follow where their resources run; other
     * resources' history does not concern them. */
    if (dirty && sources_concerned(next, dirty)) {
        hc_leases_src_cib(con->lsrc, next, !con->cib_is_file);
        hc_drbd_src_cib(con->dsrc, next, !con->cib_is_file);
    }
    if (dirty) {
        g_ptr_array_unref(dirty);
    }
    set_error(&con->cib_error, NULL);
    hc_console_model_changed(con);
    con->last_query_ms = 0;
    con->last_model_ms = con->last_update_ms = hc_now_ms() - t0;
    if (s->timing) {
        fprintf(s->timing, "update wall_ms=%.3f cpu_ms=%.3f query_ms=0 "
                "model_ms=%.3f incremental=1\n", con->last_update_ms,
                cpu_ms() - c0, con->last_model_ms);
        fflush(s->timing);
    }
    schedule_draw(s);
    return true;
}

/* Reads the CIB and recomputes the model.  Bursts of notifications within
 * one loop turn are coalesced into one refresh (an idle source). */
static gboolean on_refresh_idle(gpointer data)
{
    loop_state *s = data;
    hc_console *con = &s->con;
    xmlNode *xml = NULL;
    hc_status *st = NULL;
    char *err = NULL;
    double c0 = cpu_ms(), t0 = hc_now_ms(), t1, t2;

    s->refresh_idle = 0;
    if (s->cib_next) {
        xmlNode *next = s->cib_next;

        s->cib_next = NULL;
        if (!s->cib_next_broken && try_incremental(s, next)) {
            return G_SOURCE_REMOVE;
        }
    }
    s->cib_next_broken = false;
    if (!s->cib) {
        return G_SOURCE_REMOVE;
    }
    if (hc_cib_query(s->cib, &xml, &err) < 0) {
        cib_lost(s, err);
        return G_SOURCE_REMOVE;
    }
    t1 = hc_now_ms();
    if (hc_status_from_xml(xml, 0, &st, &err) < 0) {
        set_error(&con->cib_error, err);
        free_xml(xml);
        con->header_dirty = true;
        schedule_draw(s);
        return G_SOURCE_REMOVE;
    }
    t2 = hc_now_ms();
    /* The panes' sources look for the lease file and DRBD in the CIB. */
    hc_leases_src_cib(con->lsrc, xml, !con->cib_is_file);
    hc_drbd_src_cib(con->dsrc, xml, !con->cib_is_file);
    free_xml(con->cib_xml);
    con->cib_xml = xml;
    hc_status_free(con->status);
    con->status = st;
    /* The fencer's history and sbd, which the CIB does not hold. */
    hc_fence_src_apply(con->fsrc, con->status);
    set_error(&con->cib_error, NULL);
    hc_console_model_changed(con);
    con->last_query_ms = t1 - t0;
    con->last_model_ms = t2 - t1;
    con->last_update_ms = hc_now_ms() - t0;
    if (s->timing) {
        fprintf(s->timing, "update wall_ms=%.3f cpu_ms=%.3f query_ms=%.3f "
                "model_ms=%.3f\n", con->last_update_ms, cpu_ms() - c0,
                con->last_query_ms, con->last_model_ms);
        fflush(s->timing);
    }
    schedule_draw(s);
    return G_SOURCE_REMOVE;
}

static void log_event(loop_state *s, const char *what)
{
    if (s->timing) {
        fprintf(s->timing, "event %s mono_ms=%.3f\n", what, hc_now_ms());
        fflush(s->timing);
    }
}

static void schedule_refresh(loop_state *s)
{
    if (!s->refresh_idle) {
        s->refresh_idle = g_idle_add(on_refresh_idle, s);
    }
}

static gboolean on_cib_retry(gpointer data)
{
    loop_state *s = data;

    s->cib_retry = 0;
    cib_try_connect(s);
    return G_SOURCE_REMOVE;
}

static void cib_schedule_retry(loop_state *s)
{
    if (s->cib_retry) {
        return;
    }
    s->cib_retry_ms = s->cib_retry_ms ? MIN(s->cib_retry_ms * 2,
                                            RETRY_MAX_MS) : RETRY_MIN_MS;
    s->cib_retry = g_timeout_add(s->cib_retry_ms, on_cib_retry, s);
}

static gboolean free_cib_later(gpointer data)
{
    hc_cib_free(data);
    return G_SOURCE_REMOVE;
}

/* The connection went away: keep the last model on screen, say so in the
 * header, and try again later. */
static void cib_lost(loop_state *s, char *why)
{
    hc_console *con = &s->con;

    if (s->cib) {
        /* Freed from the loop, not from inside libcib's own callback. */
        g_idle_add(free_cib_later, s->cib);
        s->cib = NULL;
    }
    con->cib_connected = false;
    set_error(&con->cib_error, why ? why
              : g_strdup("lost the connection to the CIB"));
    con->header_dirty = true;
    schedule_draw(s);
    cib_schedule_retry(s);
}

static void on_cib_diff(xmlNode *diff, void *data)
{
    loop_state *s = data;

    if (!diff) {
        cib_lost(s, NULL);
        return;
    }
    log_event(s, "cib-diff");
    /* The diff applied to the CIB we have gives the new one without
     * reading it all again; a diff that does not apply (one was missed)
     * means a full read. */
    if (s->con.cib_xml && !s->cib_next_broken) {
        if (!s->cib_next) {
            s->cib_next = copy_xml(s->con.cib_xml);
        }
        if (xml_apply_patchset(s->cib_next, diff, true) != pcmk_ok) {
            s->cib_next_broken = true;
        }
    }
    schedule_refresh(s);
}

/* CIB_file has no notifications: the file's directory is watched with
 * inotify, and a write or rename onto the file re-reads it. */
/* The changed CIB file, parsed for the incremental update: libxml's own
 * reader without blank text nodes, which takes a third of the time of
 * Pacemaker's filename2xml() on a large CIB (that one also strips text and
 * checks for compression, which the file backend does again anyway at
 * sign-on when the full path is taken).  NULL when it does not parse. */
static xmlNode *read_cib_file(const char *path)
{
    xmlDoc *doc = xmlReadFile(path, NULL, XML_PARSE_NOBLANKS | XML_PARSE_HUGE
                              | XML_PARSE_NONET | XML_PARSE_NOERROR
                              | XML_PARSE_NOWARNING | XML_PARSE_COMPACT);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;

    if (!root && doc) {
        xmlFreeDoc(doc);
    }
    return root;
}

static gboolean on_inotify(gint fd, GIOCondition cond, gpointer data)
{
    loop_state *s = data;
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t n = read(fd, buf, sizeof(buf));
    bool hit = false;

    for (char *p = buf; n > 0 && p < buf + n;) {
        struct inotify_event *ev = (struct inotify_event *) p;

        if (ev->len && !strcmp(ev->name, s->watch_base)) {
            hit = true;
        }
        p += sizeof(*ev) + ev->len;
    }
    if (hit) {
        log_event(s, "cib-file");
        /* Parsed here, the file gives the next CIB at once when only some
         * resources' history changed; otherwise the file backend reads
         * (and validates) it again at sign-on. */
        if (s->con.cib_xml) {
            xmlNode *next = read_cib_file(s->watch_path);

            if (next && try_incremental(s, next)) {
                return G_SOURCE_CONTINUE;
            }
        }
        hc_cib_free(s->cib);
        s->cib = NULL;
        cib_try_connect(s);
    }
    return G_SOURCE_CONTINUE;
}

static void watch_file(loop_state *s)
{
    const char *file = getenv("CIB_file");
    char *dir;

    if (!file || !*file || s->inotify_fd >= 0) {
        return;
    }
    s->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (s->inotify_fd < 0) {
        return;
    }
    dir = g_path_get_dirname(file);
    s->watch_base = g_path_get_basename(file);
    s->watch_path = g_strdup(file);
    if (inotify_add_watch(s->inotify_fd, dir,
                          IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
        close(s->inotify_fd);
        s->inotify_fd = -1;
    } else {
        s->inotify_src = g_unix_fd_add(s->inotify_fd, G_IO_IN, on_inotify, s);
    }
    g_free(dir);
}

static void cib_try_connect(loop_state *s)
{
    hc_console *con = &s->con;
    char *err = NULL;

    /* Before connecting, so that a file that appears later is seen. */
    watch_file(s);
    if (hc_cib_connect(&s->cib, &err) < 0) {
        con->cib_connected = false;
        set_error(&con->cib_error, err);
        con->header_dirty = true;
        schedule_draw(s);
        if (!getenv("CIB_file")) {
            cib_schedule_retry(s);
        }
        return;
    }
    s->cib_retry_ms = 0;
    con->cib_connected = true;
    con->cib_is_file = hc_cib_is_file(s->cib);
    g_free(con->cib_source);
    con->cib_source = g_strdup(hc_cib_source(s->cib));
    if (!con->read_only_forced && hc_cib_check_write(s->cib) == -EACCES) {
        con->read_only = con->read_only_forced = true;
    }
    if (hc_cib_watch(s->cib, on_cib_diff, s) < 0) {
        cib_lost(s, g_strdup("the CIB refused change notifications"));
        return;
    }
    /* Synchronously, so that the first screen shows the cluster. */
    if (s->refresh_idle) {
        g_source_remove(s->refresh_idle);
        s->refresh_idle = 0;
    }
    on_refresh_idle(s);
}

/* ---- corosync ----------------------------------------------------------- */

/* The quorum device's heuristics are read again when corosync's
 * membership or quorum changed. */
static void cs_follow_qdevice(loop_state *s)
{
    hc_qdev_src_corosync(s->con.qsrc, s->con.cs
                         ? hc_corosync_state(s->con.cs) : NULL);
}

static void cs_changed(void *data)
{
    loop_state *s = data;

    cs_follow_qdevice(s);
    hc_console_model_changed(&s->con);
    schedule_draw(s);
}

static void cs_drop(loop_state *s)
{
    for (guint i = 0; i < s->cs_sources->len; i++) {
        g_source_remove(g_array_index(s->cs_sources, guint, i));
    }
    g_array_set_size(s->cs_sources, 0);
    hc_corosync_free(s->con.cs);
    s->con.cs = NULL;
}

static gboolean on_cs_retry(gpointer data)
{
    loop_state *s = data;

    s->cs_retry = 0;
    cs_try_connect(s);
    return G_SOURCE_REMOVE;
}

static gboolean on_cs_fd(gint fd, GIOCondition cond, gpointer data)
{
    loop_state *s = data;

    if (!s->con.cs) {
        return G_SOURCE_REMOVE;
    }
    if ((cond & (G_IO_HUP | G_IO_ERR))
        || hc_corosync_dispatch(s->con.cs) < 0) {
        /* The sources are removed here, including this one. */
        for (guint i = 0; i < s->cs_sources->len; i++) {
            guint id = g_array_index(s->cs_sources, guint, i);
            GSource *src = g_main_context_find_source_by_id(NULL, id);

            if (src && src != g_main_current_source()) {
                g_source_remove(id);
            }
        }
        g_array_set_size(s->cs_sources, 0);
        hc_corosync_free(s->con.cs);
        s->con.cs = NULL;
        set_error(&s->con.cs_error, g_strdup("lost the connection to "
                                             "corosync"));
        cs_follow_qdevice(s);
        hc_console_model_changed(&s->con);
        schedule_draw(s);
        s->cs_retry_ms = RETRY_MIN_MS;
        s->cs_retry = g_timeout_add(s->cs_retry_ms, on_cs_retry, s);
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static void cs_try_connect(loop_state *s)
{
    hc_console *con = &s->con;
    char *err = NULL;
    int fds[HC_CS_MAX_FDS], n;

    if (hc_corosync_connect(&con->cs, cs_changed, s, &err) < 0) {
        set_error(&con->cs_error, err);
        s->cs_retry_ms = s->cs_retry_ms ? MIN(s->cs_retry_ms * 2,
                                              RETRY_MAX_MS) : RETRY_MIN_MS;
        s->cs_retry = g_timeout_add(s->cs_retry_ms, on_cs_retry, s);
    } else {
        set_error(&con->cs_error, NULL);
        s->cs_retry_ms = 0;
        n = hc_corosync_fds(con->cs, fds);
        for (int i = 0; i < n; i++) {
            guint id = g_unix_fd_add(fds[i], G_IO_IN | G_IO_HUP | G_IO_ERR,
                                     on_cs_fd, s);

            g_array_append_val(s->cs_sources, id);
        }
    }
    cs_follow_qdevice(s);
    hc_console_model_changed(con);
    schedule_draw(s);
}

/* ---- terminal ----------------------------------------------------------- */

static gboolean on_stdin(gint fd, GIOCondition cond, gpointer data)
{
    loop_state *s = data;
    int key;

    if (cond & (G_IO_HUP | G_IO_ERR)) {
        g_main_loop_quit(s->loop);
        return G_SOURCE_REMOVE;
    }
    while ((key = getch()) != ERR) {
        if (!hc_screen_key(&s->con, key)) {
            g_main_loop_quit(s->loop);
            return G_SOURCE_REMOVE;
        }
    }
    schedule_draw(s);
    return G_SOURCE_CONTINUE;
}

static gboolean on_winch(gpointer data)
{
    loop_state *s = data;
    struct winsize ws;

    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row
        && ws.ws_col) {
        resizeterm(ws.ws_row, ws.ws_col);
    }
    hc_screen_resize(&s->con);
    clearok(curscr, TRUE);
    schedule_draw(s);
    return G_SOURCE_CONTINUE;
}

static gboolean on_quit_signal(gpointer data)
{
    loop_state *s = data;

    s->exit_status = 0;
    g_main_loop_quit(s->loop);
    return G_SOURCE_CONTINUE;
}

/* A pane's source changed (a lease file grew, DRBD moved). */
static void on_fence_log(void *data, const char *what)
{
    log_event(data, what);
}

/* The fencer or sbd told something new: into the model, then drawn. */
static void on_fence_src(void *data)
{
    loop_state *s = data;

    if (!s->con.fsrc || !s->con.status) {
        return;         /* the first model will take it */
    }
    hc_fence_src_apply(s->con.fsrc, s->con.status);
    s->con.header_dirty = true;
    hc_console_model_changed(&s->con);
    schedule_draw(s);
}

static void on_source(void *data)
{
    loop_state *s = data;

    s->con.header_dirty = true;
    hc_console_model_changed(&s->con);
    schedule_draw(s);
}

static gboolean on_transcript_idle(gpointer data)
{
    loop_state *s = data;

    hc_console_model_changed(&s->con);
    schedule_draw(s);
    return G_SOURCE_REMOVE;
}

/* Called from the thread that ran the command (the Leases pane's remote
 * read runs them in a thread): the console is updated from its own loop. */
static void on_transcript(void *data)
{
    g_idle_add(on_transcript_idle, data);
}

static bool locale_is_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);

    return cs && (!g_ascii_strcasecmp(cs, "UTF-8")
                  || !g_ascii_strcasecmp(cs, "utf8"));
}

/* The loop's sources: signals, keys, the transcript, the panes' data. */
static void add_sources(loop_state *s)
{
    /* After initscr(), so that ours, not ncurses', handles SIGWINCH. */
    g_unix_signal_add(SIGWINCH, on_winch, s);
    g_unix_signal_add(SIGTERM, on_quit_signal, s);
    g_unix_signal_add(SIGINT, on_quit_signal, s);
    g_unix_signal_add(SIGHUP, on_quit_signal, s);
    g_unix_fd_add(STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, s);
    hc_transcript_set_listener(on_transcript, s);
    s->con.lsrc = hc_leases_src_new(getenv("HACON_LEASES"),
                                    getenv("HACON_DHCPD_CONF"), on_source, s);
    s->con.dsrc = hc_drbd_src_new(getenv("HACON_DRBD_PROC"),
                                  getenv("HACON_DRBD_EVENTS2"), on_source, s);
    s->con.fsrc = hc_fence_src_new(!s->con.cib_is_file, on_fence_src,
                                   on_fence_log, s);
    s->con.qsrc = hc_qdev_src_new(on_source, s);
}

/* After the loop: the terminal back, every connection and model freed. */
static void teardown(loop_state *s)
{
    hc_screen_end();
    /* The background reads' children (a hung `sbd list`, an ssh) would
     * live on until their own deadlines. */
    hc_exec_kill_readers();
    hc_transcript_set_listener(NULL, NULL);
    cs_drop(s);
    hc_cib_free(s->cib);
    if (s->inotify_fd >= 0) {
        close(s->inotify_fd);
    }
    if (s->timing) {
        fclose(s->timing);
    }
    hc_leases_src_free(s->con.lsrc);
    hc_drbd_src_free(s->con.dsrc);
    hc_fence_src_free(s->con.fsrc);
    hc_qdev_src_free(s->con.qsrc);
    hc_status_free(s->con.status);
    free_xml(s->con.cib_xml);
    free_xml(s->cib_next);
    free_xml(s->cib_old);
    g_free(s->watch_base);
    g_free(s->watch_path);
    g_main_loop_unref(s->loop);
}

int hc_console_run(bool read_only)
{
    loop_state s;
    const char *timing = getenv("HACON_TIMING");

    /* The console keeps a CIB and its model and replaces them on every
     * change: hundreds of thousands of small blocks freed at once.  With
     * glibc's fast bins every later large allocation first consolidates
     * them (a quarter of a change's CPU on the 32x1000 CIB); without fast
     * bins a change costs a fifth less and nothing else measurably more. */
    mallopt(M_MXFAST, 0);
    memset(&s, 0, sizeof(s));
    s.inotify_fd = -1;
    s.cs_sources = g_array_new(FALSE, FALSE, sizeof(guint));
    s.con.read_only = read_only;
    s.con.ascii = !locale_is_utf8();
    s.con.cib_is_file = (getenv("CIB_file") && *getenv("CIB_file"))
                        || (getenv("CIB_shadow") && *getenv("CIB_shadow"));
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "hacon: the console needs a terminal "
                "(use `hacon status` in scripts)\n");
        return 2;
    }
    if (timing && *timing) {
        s.timing = fopen(timing, "ae");
    }
    if (hc_screen_init(&s.con) < 0) {
        fprintf(stderr, "hacon: cannot initialise the terminal\n");
        return 1;
    }
    s.loop = g_main_loop_new(NULL, FALSE);
    add_sources(&s);
    hc_fo_screen_attach(&s.con);
    hc_screen_draw(&s.con);
    cib_try_connect(&s);
    if (!s.con.cib_is_file) {
        cs_try_connect(&s);
    }
    hc_console_model_changed(&s.con);
    schedule_draw(&s);
    stall_start();
    g_main_loop_run(s.loop);
    stall_end();
    teardown(&s);
    return s.exit_status;
}
