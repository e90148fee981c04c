/* The failover test screen: the scenario list with what each would do on
 * this cluster now, a confirmation (crash and cut only when their command
 * is configured, typed "yes"), then the run, which is not the console's:
 * a child `hacon failover-test SCENARIO --events FILE` (this binary) in a
 * session of its own runs it, so that it outlives the console (q, an ssh
 * session that drops, SIGTERM) and always runs its cleanup.  The console
 * follows the lines it appends to FILE (tui/cmd_failover.c describes
 * them), from a 100 ms timer that reads what is new: nothing here waits
 * for the cluster.  The screen shows the baseline, the timeline as it
 * grows, every probe (200 ms) as a strip, and at the end the assertions,
 * the downtime, the reports saved and, for a repeat, the summary.
 *
 * FILE is failover-run.events in the report directory; the test holds a
 * lock on it while it runs.  A console that starts finds a run still
 * going there and follows it, or one that ended with no console following
 * it and shows how it ended; a run whose end was shown is renamed
 * failover-run.last.
 *
 * Commands for crash, cut, stop and restore come from the environment
 * that `hacon --crash-cmd ...` sets and `hacon failover-test` reads too;
 * the child inherits it. */
#include "exec.h"
#include "mode.h"
#include "view_failover.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>
#include <glib-unix.h>

#include "failover.h"
#include "failover_events.h"
#include "util.h"

#define REPEAT_MAX 100

typedef enum fs_state {
    FS_CLOSED,
    FS_PICK,
    FS_CONFIRM,
    FS_RUN,             /* a child runs the test (or clears constraints) */
    FS_DONE,
} fs_state;

static struct {
    fs_state state;
    bool shown;             /* the screen is on (a run goes on hidden) */
    hc_console *con;
    int sel, repeat;
    GString *typed;         /* "yes" for crash and cut */
    /* The child and its event file. */
    pid_t pid;              /* ours, or 0 (attached to an earlier one) */
    int pipe_fd;            /* our end of its stdin: closed, it is alone */
    int ev_fd;              /* the event file, read as it grows */
    guint tick;
    double last_lock_ms;    /* when the lock was last tried */
    bool attached;          /* following a run an earlier console began */
    bool clearing;          /* the child clears cli-* constraints */
    bool ask_quit, quit_ok; /* q during a run: asked, answered yes */
    hc_fo_follow *m;        /* what the lines said */
    GPtrArray *lines;
    int top;
    bool follow;
} fs = { .pipe_fd = -1, .ev_fd = -1 };

static const char *const scen_desc[HC_FO_N_SCENARIOS] = {
    "move the service to the other node (crm_resource --move, then "
    "--clear)",
    "put the active node in standby, then back online",
    "stop the cluster stack on the active node, then start it again",
    "kill dhcpd (SIGKILL) on the active node; the cluster restarts it",
    "crash the active node (its crash command), then restore it",
    "cut the HA link of the active node, then restore it",
    "hang corosync and pacemaker on the active node (SIGSTOP), then "
    "resume them (SIGCONT)",
};

/* ---- the cluster as the console sees it --------------------------------- */

static bool is_dhcpd(const char *agent)
{
    return agent && (!strcmp(agent, "ocf:hacon:dhcpd")
                     || !strcmp(agent, "ocf:heartbeat:dhcpd"));
}

static const hc_resource *find_dhcpd(const GPtrArray *rscs)
{
    for (guint i = 0; rscs && i < rscs->len; i++) {
        const hc_resource *r = rscs->pdata[i], *c;

        if (is_dhcpd(r->agent)) {
            return r;
        }
        if ((c = find_dhcpd(r->children))) {
            return c;
        }
    }
    return NULL;
}

static const char *rsc_node(const hc_resource *r)
{
    return r && r->places && r->places->len
           ? ((hc_rsc_place *) r->places->pdata[0])->node : NULL;
}

static const char *other_node(const hc_status *st, const char *from)
{
    for (guint i = 0; st && i < st->nodes->len; i++) {
        const hc_node *n = st->nodes->pdata[i];

        if (from && strcmp(n->name, from) && n->online && !n->standby) {
            return n->name;
        }
    }
    return NULL;
}

static const char *scen_cmd(hc_fo_scenario s)
{
    switch (s) {
    case HC_FO_CRASH:
        return getenv("HACON_CRASH_CMD");
    case HC_FO_CUT:
        return getenv("HACON_CUT_CMD");
    case HC_FO_STOP_STACK:
        return getenv("HACON_STOP_CMD");
    default:
        return NULL;
    }
}

/* Why the scenario cannot be chosen here, or NULL. */
static const char *unavailable(hc_fo_scenario s)
{
    const char *c = scen_cmd(s);

    if (s == HC_FO_CRASH && !(c && *c)) {
        return "needs its command: hacon --crash-cmd 'CMD {node}' "
               "(or HACON_CRASH_CMD)";
    }
    if (s == HC_FO_CUT && !(c && *c)) {
        return "needs its command: hacon --cut-cmd 'CMD {node}' "
               "(or HACON_CUT_CMD)";
    }
    return NULL;
}

static bool dangerous(hc_fo_scenario s)
{
    return s == HC_FO_CRASH || s == HC_FO_CUT || s == HC_FO_HANG;
}

/* ---- lines -------------------------------------------------------------- */

/* Adds display-safe text, wrapped at spaces to the screen's width (the
 * timeline's lines are long; the end of a line matters as much as its
 * start). */
static void push(hc_tone tone, const char *text)
{
    int width = fs.con->cols > 20 ? fs.con->cols - 1 : 80;
    const char *p = text;
    bool first = true;

    for (;;) {
        int avail = first ? width : width - 4;
        size_t n = strlen(p);
        const char *cut;

        if ((int) n <= avail) {
            hc_line_add(fs.lines, tone, NULL, "%s%s", first ? "" : "    ",
                        p);
            return;
        }
        cut = p + avail;
        while (cut > p + avail / 2 && *cut != ' ') {
            cut--;
        }
        if (*cut != ' ') {
            cut = p + avail;
            /* Not inside a UTF-8 sequence. */
            while (cut > p && (*cut & 0xc0) == 0x80) {
                cut--;
            }
        }
        hc_line_add(fs.lines, tone, NULL, "%s%.*s", first ? "" : "    ",
                    (int) (cut - p), p);
        p = *cut == ' ' ? cut + 1 : cut;
        first = false;
    }
}

static void add(hc_tone tone, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void add(hc_tone tone, const char *fmt, ...)
{
    va_list ap;
    char *raw, *e;

    va_start(ap, fmt);
    raw = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    e = hc_con_esc(fs.con, raw, 0);
    push(tone, e);
    g_free(e);
    g_free(raw);
}

/* Text the engine escaped already (hc_escape_text: quotes as typed): only
 * ASCII terminals need it again, where UTF-8 must not pass. */
static void add_escaped(hc_tone tone, const char *prefix, const char *text)
{
    char *e = fs.con->ascii ? hc_escape_text(text, 0, true) : g_strdup(text);
    char *l = g_strconcat(prefix, e, NULL);

    push(tone, l);
    g_free(l);
    g_free(e);
}

/* What the scenario runs on this cluster (from: the active node, to: the
 * one expected after), and what puts it back. */
static void command_lines(hc_fo_scenario s, const char *from, const char *to)
{
    const char *c = scen_cmd(s), *restore = getenv("HACON_RESTORE_CMD");

    switch (s) {
    case HC_FO_MOVE:
        add(HC_TONE_NORMAL, "  runs: crm_resource --move -r (the chain's "
            "anchor) -N %s; cleanup: crm_resource --clear", to ? to : "?");
        break;
    case HC_FO_STANDBY:
        add(HC_TONE_NORMAL, "  runs: crm_attribute --node %s --name standby "
            "--update on; cleanup: --update off", from ? from : "?");
        break;
    case HC_FO_KILL:
        add(HC_TONE_NORMAL, "  runs: kill -KILL of dhcpd on %s; cleanup: "
            "crm_resource --cleanup", from ? from : "?");
        break;
    case HC_FO_HANG:
        add(HC_TONE_NORMAL, "  runs: kill -STOP of corosync and the "
            "pacemaker daemons on %s over ssh; cleanup, always: kill -CONT",
            from ? from : "?");
        break;
    case HC_FO_STOP_STACK:
    case HC_FO_CRASH:
    case HC_FO_CUT:
        if (c && *c) {
            add(HC_TONE_NORMAL, "  runs: %s  ({node} = %s)", c,
                from ? from : "?");
        } else if (s != HC_FO_STOP_STACK) {
            add(HC_TONE_BAD, "  %s", unavailable(s));
        } else {
            add(HC_TONE_NORMAL, "  runs: systemctl stop pacemaker corosync "
                "on %s over ssh", from ? from : "?");
        }
        if (restore && *restore) {
            add(HC_TONE_NORMAL, "  restore: %s", restore);
        } else if (s != HC_FO_STOP_STACK || (c && *c)) {
            add(HC_TONE_WARN, "  no restore command (--restore-cmd): %s "
                "stays out of the cluster", from ? from : "the node");
        }
        break;
    default:
        break;
    }
}

static void plan_lines(hc_fo_scenario s, bool full)
{
    const hc_status *st = fs.con->status;
    const hc_resource *svc = st ? find_dhcpd(st->resources) : NULL;
    const char *from = rsc_node(svc);
    const char *to = s == HC_FO_KILL ? from : other_node(st, from);
    char host[256] = "";

    if (!svc) {
        add(HC_TONE_BAD, "  no dhcpd resource (ocf:hacon:dhcpd, "
            "ocf:heartbeat:dhcpd) in the CIB");
        return;
    }
    add(HC_TONE_NORMAL, "  service %s runs on %s; expected after the test "
        "on %s", svc->id, from ? from : "no node", to ? to : "(no other "
        "node online)");
    if (gethostname(host, sizeof(host) - 1) == 0 && from
        && !strcmp(host, from)
        && (s == HC_FO_STOP_STACK || s == HC_FO_CRASH || s == HC_FO_HANG
            || (s == HC_FO_CUT && !(st && st->cluster.stonith_enabled)))) {
        add(HC_TONE_WARN, "  hacon runs on %s, the active node, which this "
            "scenario takes out: run it on the other node", host);
    }
    if (!full) {
        return;
    }
    command_lines(s, from, to);
    if (s == HC_FO_CUT && st && !st->cluster.stonith_enabled) {
        add(HC_TONE_BAD, "  WARNING: fencing is off (stonith-enabled="
            "false): with the HA link cut both nodes run the service "
            "(split brain) and the lease files diverge until it is back");
    }
    if (s == HC_FO_HANG && st && !st->cluster.stonith_enabled) {
        add(HC_TONE_BAD, "  WARNING: fencing is off (stonith-enabled="
            "false): nothing resets the hung node, which keeps dhcpd and "
            "DRBD while the other node starts them (split brain)");
    }
    if ((s == HC_FO_CUT || s == HC_FO_HANG) && st
        && st->cluster.stonith_enabled) {
        add(HC_TONE_NORMAL, "  fencing is on: %s is expected to be fenced "
            "(reset) and to come back; a cut run on the active node "
            "expects it to keep the service", s == HC_FO_HANG
            ? (from ? from : "the active node") : "the other node");
    }
    add(HC_TONE_DIM, "  before: the baseline (placement, DRBD, active "
        "leases, a DHCP probe); during: a probe every 200 ms; after: the "
        "assertions");
}

static void build_pick(void)
{
    add(HC_TONE_TITLE, "Failover test: choose a scenario");
    add(HC_TONE_NORMAL, " ");
    for (int i = 0; i < HC_FO_N_SCENARIOS; i++) {
        const char *why = unavailable((hc_fo_scenario) i);
        hc_line *l;

        add(why ? HC_TONE_DIM : HC_TONE_NORMAL, "%s %d %-10s %s",
            i == fs.sel ? ">" : " ", i + 1,
            hc_fo_scenario_name((hc_fo_scenario) i), scen_desc[i]);
        l = fs.lines->pdata[fs.lines->len - 1];
        if (i == fs.sel) {
            l->tone = HC_TONE_TITLE;
        }
        if (why) {
            add(HC_TONE_DIM, "               (%s)", why);
        }
    }
    add(HC_TONE_NORMAL, " ");
    add(HC_TONE_NORMAL, "Runs: %d%s", fs.repeat, fs.repeat > 1
        ? " (each from where the last left the service: the direction "
          "alternates)" : "");
    add(HC_TONE_NORMAL, " ");
    add(HC_TONE_TITLE, "%s:", hc_fo_scenario_name((hc_fo_scenario) fs.sel));
    plan_lines((hc_fo_scenario) fs.sel, true);
}

static void build_confirm(void)
{
    hc_fo_scenario s = (hc_fo_scenario) fs.sel;

    add(HC_TONE_TITLE, "Failover test: %s, %d run%s", hc_fo_scenario_name(s),
        fs.repeat, fs.repeat > 1 ? "s" : "");
    add(HC_TONE_NORMAL, "  %s", scen_desc[s]);
    plan_lines(s, true);
    add(HC_TONE_NORMAL, " ");
    if (dangerous(s)) {
        add(HC_TONE_BAD, "This %s. Type yes and Enter to go on, Esc to "
            "cancel: %s", s == HC_FO_CRASH ? "crashes the active node"
            : "cuts the HA link of the active node", fs.typed->str);
    } else {
        add(HC_TONE_TITLE, "Start? Enter/y: start  Esc/n: back");
    }
}

static hc_tone event_tone(const hc_fo_event *e)
{
    switch (e->kind) {
    case HC_FO_EV_WARN:
        return HC_TONE_WARN;
    case HC_FO_EV_ASSERT:
        return g_str_has_prefix(e->text, "fail") ? HC_TONE_BAD
                                                  : HC_TONE_GOOD;
    case HC_FO_EV_PROBE:
        return strstr(e->text, "no answer") ? HC_TONE_BAD : HC_TONE_GOOD;
    case HC_FO_EV_INFO:
    case HC_FO_EV_ACTION:
        return HC_TONE_DIM;
    default:
        return HC_TONE_NORMAL;
    }
}

/* The title, where the run comes from, its deadline, the runs so far. */
static void run_heading(const char *scen)
{
    if (fs.clearing) {
        add(HC_TONE_TITLE, "Failover test: clearing cli-* constraints  %s",
            fs.state == FS_RUN ? "running" : "finished");
    } else {
        add(HC_TONE_TITLE, "Failover test: %s  run %d of %d  %s", scen,
            MAX(fs.m->run_no, 1), fs.repeat, fs.state == FS_RUN
            ? (fs.m->phase ? fs.m->phase : "starting") : "finished");
    }
    if (fs.attached) {
        add(HC_TONE_WARN, "  %s", fs.state == FS_RUN
            ? "started by an earlier console: followed from its event file"
            : "ended while no console followed it; its events as they "
              "were written");
    }
    if (fs.state == FS_RUN && fs.m->deadline > 0) {
        char when[32];

        hc_time_str((time_t) fs.m->deadline, when, sizeof(when));
        add(HC_TONE_DIM, "  it ends by %s at the latest (the sum of its "
            "commands' deadlines); q leaves it running", when);
    }
    /* The runs so far: here while running, with the summary at the end. */
    for (guint i = 0; fs.state != FS_DONE && i < fs.m->runs->len; i++) {
        add(HC_TONE_DIM, "  %s", (char *) fs.m->runs->pdata[i]);
    }
}

/* The probes' counts and the strip of the last ones, as wide as fits. */
static void probe_lines(void)
{
    int w = fs.con->cols > 4 ? fs.con->cols - 4 : 1;

    if (!fs.m->sent) {
        return;
    }
    add(fs.m->lost && !fs.m->last_ok ? HC_TONE_BAD : HC_TONE_NORMAL,
        "Probes every %u ms: %u sent, %u answered, %u unanswered%s",
        fs.m->interval_ms, fs.m->sent, fs.m->answered, fs.m->lost,
        fs.m->last_ok ? "; DHCP answers" : "; NO ANSWER");
    if (fs.m->strip->len) {
        int n = MIN((int) fs.m->strip->len, w);

        add(HC_TONE_DIM, "  %s", fs.m->strip->str + fs.m->strip->len - n);
    }
}

static bool is_baseline(const hc_fo_event *e)
{
    return e->kind == HC_FO_EV_INFO && g_str_has_prefix(e->text, "baseline ");
}

/* Baseline first, then the timeline, as the report has them. */
static void event_lines(void)
{
    const GPtrArray *ev = fs.m->events;

    if (ev->len) {
        add(HC_TONE_TITLE, "Baseline");
    }
    for (guint i = 0; i < ev->len; i++) {
        const hc_fo_event *e = ev->pdata[i];

        if (is_baseline(e)) {
            add_escaped(HC_TONE_NORMAL, "  ", e->text + 9);
        }
    }
    if (ev->len) {
        add(HC_TONE_TITLE, "Timeline (clock, seconds from the action, "
            "kind)");
    }
    for (guint i = 0; i < ev->len; i++) {
        const hc_fo_event *e = ev->pdata[i];
        GString *l;

        if (is_baseline(e)) {
            continue;
        }
        l = g_string_new(NULL);
        hc_fo_event_format(e, l);
        g_strchomp(l->str);
        add_escaped(event_tone(e), "  ", l->str);
        g_string_free(l, TRUE);
    }
}

static void assertion_lines(void)
{
    if (!fs.m->asserts->len) {
        return;
    }
    add(HC_TONE_TITLE, "Assertions");
    for (guint i = 0; i < fs.m->asserts->len; i++) {
        const char *a = fs.m->asserts->pdata[i];
        hc_tone t = g_str_has_prefix(a, "[PASS]") ? HC_TONE_GOOD
                    : g_str_has_prefix(a, "[FAIL]") ? HC_TONE_BAD
                    : HC_TONE_DIM;

        add_escaped(t, "  ", a);
    }
}

/* "Result: SCEN FROM -> TO: PASS, downtime 812 ms" from the result line
 * "FROM TO PASS MS". */
static void result_line(const char *scen)
{
    char **f;

    if (!fs.m->result) {
        return;
    }
    f = g_strsplit(fs.m->result, " ", 4);
    if (g_strv_length(f) == 4) {
        double d = g_ascii_strtod(f[3], NULL);
        char *dt = d < 0 ? g_strdup("unbounded (no answer again)")
                         : g_strdup_printf("%.0f ms", d);
        char *l = g_strdup_printf("Result: %s %s -> %s: %s, downtime "
                                  "%s", scen, f[0], f[1], f[2], dt);

        add_escaped(!strcmp(f[2], "PASS") ? HC_TONE_GOOD : HC_TONE_BAD,
                    "", l);
        g_free(l);
        g_free(dt);
    }
    g_strfreev(f);
}

/* A title and its lines, when there are any. */
static void titled_lines(const char *title, const GPtrArray *lines)
{
    if (!lines->len) {
        return;
    }
    add(HC_TONE_TITLE, "%s", title);
    for (guint i = 0; i < lines->len; i++) {
        add_escaped(HC_TONE_NORMAL, "  ", lines->pdata[i]);
    }
}

/* Once it ended: the reports saved, the runs of a repeat and their
 * summary, what is left to clear, a test that was killed. */
static void ending_lines(void)
{
    titled_lines("Reports", fs.m->reports);
    if (fs.repeat > 1) {
        titled_lines("Runs", fs.m->runs);
    }
    if (fs.m->summary) {
        add_escaped(strstr(fs.m->summary, " 0 failed, 0 not run")
                    ? HC_TONE_GOOD : HC_TONE_BAD, "Summary: ",
                    fs.m->summary);
    }
    if (fs.m->cli_left) {
        add(HC_TONE_WARN, "cli-prefer/cli-ban constraints are left: "
            "c clears them");
    }
    if (fs.m->end_status < 0) {
        add(HC_TONE_BAD, "The test ended without its last line (killed): "
            "check the cluster");
    }
}

static void build_run(void)
{
    const char *scen = fs.m->scen ? fs.m->scen
                       : hc_fo_scenario_name((hc_fo_scenario) fs.sel);

    run_heading(scen);
    probe_lines();
    event_lines();
    if (fs.m->error) {
        add_escaped(HC_TONE_BAD, "Not run: ", fs.m->error);
        if (fs.m->error_rc == -EEXIST && fs.state == FS_DONE) {
            add(HC_TONE_TITLE, "c: clear them (crm_resource --clear) and "
                "start the test");
        }
    }
    /* Near the end, where the screen follows. */
    for (guint i = 0; i < fs.m->headless->len; i++) {
        add_escaped(HC_TONE_WARN, "", fs.m->headless->pdata[i]);
    }
    assertion_lines();
    result_line(scen);
    titled_lines("Clearing cli-* constraints", fs.m->clear_lines);
    if (fs.state == FS_DONE) {
        ending_lines();
    }
    if (fs.ask_quit) {
        add(HC_TONE_NORMAL, " ");
        add(HC_TONE_TITLE, "A failover test is running. Quit the console? "
            "The test goes on without it and cleans up (a console started "
            "later shows it).  y: quit  n/Esc: stay");
    }
}

/* The screen's lines from fs.top, which follows the end of a run (End)
 * and stays within the lines. */
static void fo_body(hc_console *con, int rows, hc_mode_body *b)
{
    fs.con = con;
    if (!fs.lines) {
        fs.lines = g_ptr_array_new_with_free_func(hc_line_free);
    }
    g_ptr_array_set_size(fs.lines, 0);
    switch (fs.state) {
    case FS_PICK:
        build_pick();
        break;
    case FS_CONFIRM:
        build_confirm();
        break;
    default:
        build_run();
        break;
    }
    if (fs.follow) {
        fs.top = (int) fs.lines->len - rows;
    }
    fs.top = MIN(fs.top, (int) fs.lines->len - rows);
    fs.top = MAX(fs.top, 0);
    b->lines = fs.lines;
    b->top = fs.top;
}

/* ---- running: the child and its event file ------------------------------ */

static void redraw(void)
{
    if (fs.shown) {
        fs.con->body_dirty = true;
        hc_console_redraw(fs.con);
    }
}

static char *events_path(void)
{
    return g_build_filename(hc_fo_env_report_dir(), "failover-run.events",
                            NULL);
}

/* Whether a test holds the event file at fd (it runs). */
static bool held(int fd)
{
    if (flock(fd, LOCK_SH | LOCK_NB) < 0) {
        return errno == EWOULDBLOCK;
    }
    flock(fd, LOCK_UN);
    return false;
}

static void model_reset(void)
{
    hc_fo_follow_reset(fs.m);
    fs.ask_quit = false;
}

/* What the view keeps of the stream's start line. */
static void sync_model(void)
{
    int sc;

    if (!fs.m->scen) {
        return;
    }
    fs.clearing = !strcmp(fs.m->scen, "clear");
    if ((sc = hc_fo_scenario_from_name(fs.m->scen)) >= 0) {
        fs.sel = sc;
        fs.repeat = fs.m->repeat;
    }
}

/* Reads what the child added; true when something came. */
static bool read_events(void)
{
    char buf[16384];
    bool got = false;
    ssize_t n;

    while (fs.ev_fd >= 0 && (n = read(fs.ev_fd, buf, sizeof(buf))) > 0) {
        got = true;
        hc_fo_follow_feed(fs.m, buf, (size_t) n);
    }
    if (got) {
        sync_model();
    }
    return got;
}

/* The run's end was shown: the next console starts at the scenarios. */
static void retire_events(void)
{
    char *p = events_path();
    char *last = g_strconcat(hc_fo_env_report_dir(), "/failover-run.last",
                             NULL);

    if (rename(p, last) < 0 && errno != ENOENT) {
        g_free(fs.con->message);
        fs.con->message = g_strdup_printf("cannot rename %s: %s", p,
                                          g_strerror(errno));
    }
    g_free(p);
    g_free(last);
}

static void follow_stop(void)
{
    if (fs.tick) {
        g_source_remove(fs.tick);
        fs.tick = 0;
    }
    if (fs.ev_fd >= 0) {
        close(fs.ev_fd);
        fs.ev_fd = -1;
    }
    if (fs.pipe_fd >= 0) {
        close(fs.pipe_fd);
        fs.pipe_fd = -1;
    }
}

static void run_finished(void)
{
    hc_fo_follow_flush(fs.m);
    sync_model();
    follow_stop();
    fs.state = FS_DONE;
    fs.follow = true;
    fs.ask_quit = false;
    retire_events();
    if (!fs.shown) {
        /* Hidden with Esc during the run: the status line says so. */
        g_free(fs.con->message);
        fs.con->message = g_strdup_printf(
            "Failover test %s%s: %s (f shows it)", fs.m->scen ? fs.m->scen : "",
            fs.attached ? " ended while no console followed it" : "",
            fs.m->error ? "not run" : fs.m->end_status == 0 ? "PASS"
            : fs.m->end_status < 0 ? "ended without its last line" : "FAIL");
        hc_console_redraw(fs.con);
    }
}

static gboolean on_tick(gpointer data)
{
    bool got;

    (void) data;
    got = read_events();
    if (fs.m->end_status >= 0) {
        fs.tick = 0;
        run_finished();
        redraw();
        return G_SOURCE_REMOVE;
    }
    /* A test killed (SIGKILL) writes no end line: its lock goes. */
    if (!got && hc_now_ms() - fs.last_lock_ms > 1000) {
        fs.last_lock_ms = hc_now_ms();
        if (!held(fs.ev_fd) && !fs.pid) {
            read_events();
            fs.tick = 0;
            run_finished();
            redraw();
            return G_SOURCE_REMOVE;
        }
    }
    if (got) {
        redraw();
    }
    return G_SOURCE_CONTINUE;
}

static void on_child_exit(GPid pid, gint status, gpointer data)
{
    (void) status;
    (void) data;
    g_spawn_close_pid(pid);
    if (pid == fs.pid) {
        fs.pid = 0;
        /* The end line, if it came, is read by the next tick. */
        fs.last_lock_ms = 0;
    }
}

/* Follows the event file at fd from its start. */
static void follow(int fd)
{
    fs.ev_fd = fd;
    fs.state = FS_RUN;
    fs.follow = true;
    fs.last_lock_ms = hc_now_ms();
    fs.tick = g_timeout_add(100, on_tick, NULL);
    read_events();
}

static void start_failed(const char *what, int err)
{
    g_free(fs.m->error);
    fs.m->error = g_strdup_printf("%s: %s", what, g_strerror(err));
    fs.m->error_rc = -err;
    fs.state = FS_DONE;
}

/* self failover-test ARGS --events PATH --report-dir DIR (borrowed
 * strings; g_ptr_array_free). */
static GPtrArray *test_argv(char *self, const char *const *args,
                            char *path, const char *dir)
{
    GPtrArray *argv = g_ptr_array_new();

    g_ptr_array_add(argv, self);
    g_ptr_array_add(argv, (gpointer) "failover-test");
    for (const char *const *a = args; *a; a++) {
        g_ptr_array_add(argv, (gpointer) *a);
    }
    g_ptr_array_add(argv, (gpointer) "--events");
    g_ptr_array_add(argv, path);
    g_ptr_array_add(argv, (gpointer) "--report-dir");
    g_ptr_array_add(argv, (gpointer) dir);
    g_ptr_array_add(argv, NULL);
    return argv;
}

/* In the child: the test in a session of its own, stdin the pipe whose
 * end tells it that the console went, its output to the log.  Only
 * async-signal-safe calls between fork and exec. */
G_GNUC_NORETURN static void exec_test(const char *self, GPtrArray *argv,
                                      int in_fd, int log_fd)
{
    hc_exec_child_signals();
    setsid();
    signal(SIGHUP, SIG_IGN);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    dup2(in_fd, STDIN_FILENO);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    /* Nothing else of the console's (its CIB and corosync connections,
     * the terminal) goes with the test, which may outlive it by
     * minutes. */
    close_range(3, ~0U, 0);
    execv(self, (char **) argv->pdata);
    _exit(127);
}

/* Runs `hacon failover-test ARGS --events FILE` (this same binary), in a
 * session of its own: the terminal's signals and its end do not reach it;
 * its output goes to failover-run.log beside the event file. */
static void spawn(const char *const *args)
{
    const char *dir = hc_fo_env_report_dir();
    char *self = g_file_read_link("/proc/self/exe", NULL);
    char *path = events_path();
    char *log = g_build_filename(dir, "failover-run.log", NULL);
    GPtrArray *argv = NULL;
    int fds[2] = { -1, -1 }, rfd = -1, wfd = -1, lfd = -1;
    pid_t pid;

    model_reset();
    follow_stop();
    if (!self) {
        start_failed("cannot find the hacon binary (/proc/self/exe)", ENOENT);
        goto out;
    }
    if (g_mkdir_with_parents(dir, 0750) < 0) {
        start_failed(dir, errno);
        goto out;
    }
    /* A test that runs holds the file: then it is followed, not begun. */
    rfd = open(path, O_RDONLY | O_CLOEXEC);
    if (rfd >= 0 && held(rfd)) {
        fs.attached = true;
        follow(rfd);
        rfd = -1;
        g_free(fs.con->message);
        fs.con->message = g_strdup("A failover test is running already: "
                                   "it is shown");
        goto out;
    }
    if (rfd >= 0) {
        close(rfd);
    }
    wfd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    rfd = open(path, O_RDONLY | O_CLOEXEC);
    lfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (wfd < 0 || rfd < 0 || lfd < 0) {
        start_failed(wfd < 0 || rfd < 0 ? path : log, errno);
        goto out;
    }
    if (pipe2(fds, O_CLOEXEC) < 0) {
        start_failed("cannot make a pipe", errno);
        goto out;
    }
    argv = test_argv(self, args, path, dir);
    pid = fork();
    if (pid < 0) {
        start_failed("cannot fork", errno);
        goto out;
    }
    if (pid == 0) {
        exec_test(self, argv, fds[0], lfd);
    }
    close(fds[0]);
    fds[0] = -1;
    fs.pipe_fd = fds[1];
    fds[1] = -1;
    fs.pid = pid;
    fs.attached = false;
    g_child_watch_add(pid, on_child_exit, NULL);
    follow(rfd);
    rfd = -1;
out:
    for (int i = 0; i < 2; i++) {
        if (fds[i] >= 0) {
            close(fds[i]);
        }
    }
    if (rfd >= 0) {
        close(rfd);
    }
    if (wfd >= 0) {
        close(wfd);
    }
    if (lfd >= 0) {
        close(lfd);
    }
    if (argv) {
        g_ptr_array_free(argv, TRUE);
    }
    g_free(self);
    g_free(path);
    g_free(log);
}

/* The test, confirmed; clear: let it clear cli-* constraints first. */
static void start_all(bool clear)
{
    char rep[16];
    const char *args[8];
    int n = 0;

    snprintf(rep, sizeof(rep), "%d", fs.repeat);
    args[n++] = hc_fo_scenario_name((hc_fo_scenario) fs.sel);
    args[n++] = "--yes";
    if (!clear) {
        args[n++] = "--keep-leftovers";
    }
    args[n++] = "--repeat";
    args[n++] = rep;
    args[n] = NULL;
    spawn(args);
    fs.clearing = false;
}

/* Clears the cli-* constraints a run left (hc_failover_clear_leftovers in
 * a child: it waits for the cluster to settle). */
static void start_clear(void)
{
    const char *args[] = { "--clear-leftovers", NULL };
    int repeat = fs.repeat;

    spawn(args);
    fs.repeat = repeat;
    fs.clearing = true;
}

static void init_model(void);

/* At the console's start: a run still going, or one that ended with no
 * console following it, is taken up (shown by f). */
void hc_fo_screen_attach(hc_console *con)
{
    char *path;
    int fd;

    fs.con = con;
    if (con->read_only) {
        return;
    }
    path = events_path();
    fd = open(path, O_RDONLY | O_CLOEXEC);
    g_free(path);
    if (fd < 0) {
        return;
    }
    init_model();
    model_reset();
    fs.attached = true;
    g_free(con->message);
    if (held(fd)) {
        con->message = g_strdup("A failover test is running (started "
                                "earlier): f shows it");
        follow(fd);
        return;
    }
    fs.ev_fd = fd;
    read_events();
    run_finished();
}

/* ---- the console's side ----------------------------------------------- */

static void init_model(void)
{
    if (fs.typed) {
        return;
    }
    fs.typed = g_string_new(NULL);
    fs.m = hc_fo_follow_new();
    fs.repeat = 1;
}

static bool fo_active(const hc_console *con)
{
    (void) con;
    return fs.shown;
}

static void fo_open(hc_console *con)
{
    fs.con = con;
    if (con->read_only) {
        g_free(con->message);
        con->message = g_strdup(con->read_only_forced
            ? "No failover test: this user may not change the CIB"
            : "No failover test in a read-only console (--read-only)");
        return;
    }
    init_model();
    if (fs.state == FS_CLOSED) {
        fs.state = FS_PICK;
    }
    fs.shown = true;
    con->help = con->detail = false;
    con->all_dirty = true;
}

/* q or F10 while a run goes on: the screen asks first. */
static bool fo_quit_asks(hc_console *con)
{
    if (fs.state != FS_RUN || fs.quit_ok) {
        return false;
    }
    fo_open(con);
    fs.ask_quit = true;
    fs.follow = true;
    return true;
}

static void close_screen(void)
{
    fs.shown = false;
    if (fs.state == FS_PICK || fs.state == FS_CONFIRM) {
        fs.state = FS_CLOSED;
    }
    fs.con->all_dirty = true;
}

static bool scroll_key(int key)
{
    switch (key) {
    case KEY_UP:
    case 'k':
        fs.top--;
        fs.follow = false;
        return true;
    case KEY_DOWN:
    case 'j':
        fs.top++;
        return true;
    case KEY_PPAGE:
        fs.top -= 10;
        fs.follow = false;
        return true;
    case KEY_NPAGE:
    case ' ':
        fs.top += 10;
        return true;
    case KEY_HOME:
    case 'g':
        fs.top = 0;
        fs.follow = false;
        return true;
    case KEY_END:
    case 'G':
        fs.follow = true;
        return true;
    default:
        return false;
    }
}

static void confirm_key(int key)
{
    hc_fo_scenario s = (hc_fo_scenario) fs.sel;

    if (key == 27 || (!dangerous(s) && key == 'n')) {
        fs.state = FS_PICK;
        return;
    }
    if (!dangerous(s)) {
        if (key == '\r' || key == '\n' || key == KEY_ENTER || key == 'y') {
            start_all(false);
        }
        return;
    }
    if (key == '\r' || key == '\n' || key == KEY_ENTER) {
        if (!strcmp(fs.typed->str, "yes")) {
            start_all(false);
        } else {
            g_string_truncate(fs.typed, 0);
        }
    } else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
        if (fs.typed->len) {
            g_string_truncate(fs.typed, fs.typed->len - 1);
        }
    } else if (key >= 'a' && key <= 'z' && fs.typed->len < 8) {
        g_string_append_c(fs.typed, (char) key);
    }
}

/* Keys the console keeps while this screen is shown. */
static bool console_key(int key)
{
    return key == 'q' || key == KEY_F(10) || key == '?' || key == KEY_F(1)
           || key == 12 || key == KEY_RESIZE || key == ':';
}

static bool screen_key(hc_console *con, int key);

/* The screen's keys; q, ?, :, ^L go to the console, and no other (the
 * views' keys do not act behind the screen). */
static hc_key_rc fo_key(hc_console *con, int key)
{
    fs.con = con;
    con->body_dirty = true;
    if (screen_key(con, key)) {
        return HC_KEY_DONE;
    }
    if (fs.quit_ok) {
        return HC_KEY_QUIT;
    }
    return console_key(key) ? HC_KEY_PASS : HC_KEY_DONE;
}

/* Enter on a scenario: its confirmation, unless it cannot run here. */
static void pick_scenario(hc_console *con)
{
    const char *why = unavailable((hc_fo_scenario) fs.sel);

    if (why) {
        g_free(con->message);
        con->message = g_strdup_printf("%s %s",
            hc_fo_scenario_name((hc_fo_scenario) fs.sel), why);
        return;
    }
    g_string_truncate(fs.typed, 0);
    fs.state = FS_CONFIRM;
}

static bool pick_key(hc_console *con, int key)
{
    switch (key) {
    case KEY_UP:
    case 'k':
        fs.sel = (fs.sel + HC_FO_N_SCENARIOS - 1) % HC_FO_N_SCENARIOS;
        return true;
    case KEY_DOWN:
    case 'j':
        fs.sel = (fs.sel + 1) % HC_FO_N_SCENARIOS;
        return true;
    case '+':
        fs.repeat = MIN(fs.repeat + 1, REPEAT_MAX);
        return true;
    case '-':
        fs.repeat = MAX(fs.repeat - 1, 1);
        return true;
    case '\r':
    case '\n':
    case KEY_ENTER:
        pick_scenario(con);
        return true;
    case 27:
        close_screen();
        return true;
    default:
        if (key >= '1' && key < '1' + HC_FO_N_SCENARIOS) {
            fs.sel = key - '1';
            return true;
        }
        return false;
    }
}

/* While a run goes on: scroll, hide (it goes on), q asks first. */
static bool running_key(int key)
{
    if (fs.ask_quit) {
        if (key == 'y' || key == 'Y') {
            fs.quit_ok = true;
            return false;
        }
        if (key == 'n' || key == 'N' || key == 27) {
            fs.ask_quit = false;
            return true;
        }
    }
    if (scroll_key(key)) {
        return true;
    }
    if (key == 27 || key == 'f') {
        /* The run goes on; f shows it again. */
        close_screen();
        return true;
    }
    if (key == 'q' || key == KEY_F(10)) {
        fs.ask_quit = true;
        fs.follow = true;
        return true;
    }
    return false;
}

/* Once it ended: c clears what it left, r runs it again. */
static bool done_key(int key)
{
    if (scroll_key(key)) {
        return true;
    }
    switch (key) {
    case 'c':
        if (fs.m->error_rc == -EEXIST) {
            start_all(true);
        } else if (fs.m->cli_left) {
            start_clear();
        }
        return true;
    case 'r':
        start_all(false);
        return true;
    case 27:
        fs.state = FS_PICK;
        fs.follow = false;
        fs.top = 0;
        return true;
    case 'f':
        close_screen();
        return true;
    default:
        return false;
    }
}

static bool screen_key(hc_console *con, int key)
{
    switch (fs.state) {
    case FS_PICK:
        return pick_key(con, key);
    case FS_CONFIRM:
        confirm_key(key);
        return true;
    case FS_RUN:
        return running_key(key);
    case FS_DONE:
        return done_key(key);
    default:
        return false;
    }
}

static const char *fo_footer(const hc_console *con)
{
    (void) con;
    switch (fs.state) {
    case FS_PICK:
        return "Up/Down or 1-6 Scenario  +/- Runs  Enter Next  Esc Back";
    case FS_CONFIRM:
        return dangerous((hc_fo_scenario) fs.sel)
               ? "Type yes, Enter: start  Esc: back"
               : "Enter/y Start  Esc/n Back";
    case FS_RUN:
        return fs.ask_quit ? "y Quit (the test goes on)  n/Esc Stay"
               : "Running...  Up/Down PgUp/PgDn Scroll  End Follow  "
                 "Esc Hide (f shows it)  q Quit";
    case FS_DONE:
        return fs.m->cli_left || fs.m->error_rc == -EEXIST
               ? "c Clear cli-* constraints  r Run again  Esc Scenarios  "
                 "q Quit"
               : "r Run again  Esc Scenarios  Up/Down Scroll  q Quit";
    default:
        return "";
    }
}

static void fo_end(void)
{
    /* A test that runs is not ours to wait for or stop: it goes on in its
     * own session, and the pipe that closes here tells it so. */
    follow_stop();
    if (fs.pid) {
        fs.pid = 0;
    }
    if (fs.lines) {
        g_ptr_array_free(fs.lines, TRUE);
        fs.lines = NULL;
    }
    if (fs.typed) {
        g_string_free(fs.typed, TRUE);
        hc_fo_follow_free(fs.m);
        fs.m = NULL;
        fs.typed = NULL;
    }
    fs.state = FS_CLOSED;
    fs.shown = false;
    fs.quit_ok = false;
}

const hc_mode hc_mode_failover = {
    .name = "failover",
    .open_key = 'f',
    .active = fo_active,
    .open = fo_open,
    .key = fo_key,
    .body = fo_body,
    .footer = fo_footer,
    .quit_asks = fo_quit_asks,
    .end = fo_end,
};
