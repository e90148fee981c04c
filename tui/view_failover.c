/* The failover test screen: the scenario list with what each would do on
 * this cluster now, a confirmation (crash and cut only when their command
 * is configured, typed "yes"), then the run as `hacon failover-test` does
 * it: the engine of core/failover.c stepped from a GLib timer in the
 * console's own loop, so that the console keeps drawing and answering
 * keys; its worker thread runs the blocking cluster commands.  The screen
 * shows the baseline, the timeline as it grows, every probe (200 ms) as a
 * strip, and at the end the assertions, the downtime, the reports saved
 * and, for a repeat, the min/median/max summary.
 *
 * Commands for crash, cut, stop and restore come from the environment
 * that `hacon --crash-cmd ...` sets and `hacon failover-test` reads too. */
#include "view_failover.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "exec.h"
#include "failover.h"
#include "util.h"

#define REPEAT_MAX 100
#define STRIP_MAX 512

typedef enum fs_state {
    FS_CLOSED,
    FS_PICK,
    FS_CONFIRM,
    FS_RUN,
    FS_CLEAR,           /* clearing cli-* constraints in a thread */
    FS_DONE,
} fs_state;

/* The clearing of cli-* constraints: crm_resource --clear per resource
 * and a --wait, in a thread (the wait can take a minute). */
typedef struct clear_job {
    GPtrArray *rscs;    /* char* */
    GString *out;
    GThread *thread;
    gint done;
    int rc;
} clear_job;

static struct {
    fs_state state, back;   /* back: where Esc returns from FS_CLEAR */
    bool shown;             /* the screen is on (a run goes on hidden) */
    hc_console *con;
    int sel, repeat;
    GString *typed;         /* "yes" for crash and cut */
    hc_failover *fo;
    guint tick;
    int run_no;             /* 1-based, of repeat */
    int failures, not_run;
    GArray *downs;          /* double */
    GPtrArray *runs;        /* char*: one line per finished run */
    GPtrArray *reports;     /* char*: saved report paths */
    GPtrArray *clear_lines; /* char*: the clearing's output */
    char stamp[32];
    char *error;            /* the last run could not start: why */
    int error_rc;
    bool start_after_clear; /* the clearing was asked for by a start */
    bool cli_left;          /* a run left cli-* constraints */
    GString *strip;         /* one character per probe */
    unsigned strip_sent;
    double max_step_ms, run_t0;
    const char *max_step_phase;
    clear_job *clear;
    GPtrArray *lines;
    int top;
    bool follow;
} fs;

static const char *const scen_desc[HC_FO_N_SCENARIOS] = {
    "move the service to the other node (crm_resource --move, then "
    "--clear)",
    "put the active node in standby, then back online",
    "stop the cluster stack on the active node, then start it again",
    "kill dhcpd (SIGKILL) on the active node; the cluster restarts it",
    "crash the active node (its crash command), then restore it",
    "cut the HA link of the active node, then restore it",
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
    return s == HC_FO_CRASH || s == HC_FO_CUT;
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

/* Text the engine escaped already (hc_escape): only ASCII terminals need
 * it again, where UTF-8 must not pass. */
static void add_escaped(hc_tone tone, const char *prefix, const char *text)
{
    char *e = fs.con->ascii ? hc_escape_ascii(text, 0) : g_strdup(text);
    char *l = g_strconcat(prefix, e, NULL);

    push(tone, l);
    g_free(l);
    g_free(e);
}

static void plan_lines(hc_fo_scenario s, bool full)
{
    const hc_status *st = fs.con->status;
    const hc_resource *svc = st ? find_dhcpd(st->resources) : NULL;
    const char *from = rsc_node(svc);
    const char *to = s == HC_FO_KILL ? from : other_node(st, from);
    const char *c = scen_cmd(s), *restore = getenv("HACON_RESTORE_CMD");
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
        && (s == HC_FO_STOP_STACK || s == HC_FO_CRASH || s == HC_FO_CUT)) {
        add(HC_TONE_WARN, "  hacon runs on %s, the active node, which this "
            "scenario takes out: run it on the other node", host);
    }
    if (!full) {
        return;
    }
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
    if (s == HC_FO_CUT && st && !st->cluster.stonith_enabled) {
        add(HC_TONE_BAD, "  WARNING: fencing is off (stonith-enabled="
            "false): with the HA link cut both nodes run the service "
            "(split brain) and the lease files diverge until it is back");
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

static const char *verdict_str(hc_fo_verdict v)
{
    return v == HC_FO_PASS ? "PASS" : v == HC_FO_FAIL ? "FAIL" : "SKIP";
}

static void build_run(void)
{
    const GPtrArray *ev = fs.fo ? hc_failover_events(fs.fo) : NULL;
    unsigned sent = 0, answered = 0, lost = 0;
    bool last_ok = false;
    int w = fs.con->cols > 4 ? fs.con->cols - 4 : 1;

    add(HC_TONE_TITLE, "Failover test: %s  run %d of %d  %s",
        hc_fo_scenario_name((hc_fo_scenario) fs.sel), fs.run_no, fs.repeat,
        fs.state == FS_RUN && fs.fo ? hc_failover_phase(fs.fo)
        : fs.state == FS_CLEAR ? "clearing constraints" : "finished");
    /* The runs so far: here while running, with the summary at the end. */
    for (guint i = 0; fs.state != FS_DONE && i < fs.runs->len; i++) {
        add(HC_TONE_DIM, "  %s", (char *) fs.runs->pdata[i]);
    }
    if (fs.fo) {
        hc_failover_probe_counts(fs.fo, &sent, &answered, &lost, &last_ok);
    }
    if (sent) {
        add(lost && !last_ok ? HC_TONE_BAD : HC_TONE_NORMAL,
            "Probes every %d ms: %u sent, %u answered, %u unanswered%s",
            hc_failover_interval_ms(fs.fo), sent, answered, lost,
            sent ? (last_ok ? "; DHCP answers" : "; NO ANSWER") : "");
        if (fs.strip->len) {
            int n = MIN((int) fs.strip->len, w);

            add(HC_TONE_DIM, "  %s", fs.strip->str + fs.strip->len - n);
        }
    }
    /* Baseline first, then the timeline, as the report has them. */
    if (ev && ev->len) {
        add(HC_TONE_TITLE, "Baseline");
    }
    for (guint i = 0; ev && i < ev->len; i++) {
        const hc_fo_event *e = ev->pdata[i];

        if (e->kind == HC_FO_EV_INFO && g_str_has_prefix(e->text,
                                                          "baseline ")) {
            add_escaped(HC_TONE_NORMAL, "  ", e->text + 9);
        }
    }
    if (ev && ev->len) {
        add(HC_TONE_TITLE, "Timeline (clock, seconds from the action, "
            "kind)");
    }
    for (guint i = 0; ev && i < ev->len; i++) {
        const hc_fo_event *e = ev->pdata[i];
        GString *s;
        hc_tone t = HC_TONE_NORMAL;

        if (e->kind == HC_FO_EV_INFO && g_str_has_prefix(e->text,
                                                          "baseline ")) {
            continue;
        }
        s = g_string_new(NULL);
        hc_fo_event_format(e, s);
        g_strchomp(s->str);
        if (e->kind == HC_FO_EV_WARN) {
            t = HC_TONE_WARN;
        } else if (e->kind == HC_FO_EV_ASSERT) {
            t = g_str_has_prefix(e->text, "fail") ? HC_TONE_BAD
                                                  : HC_TONE_GOOD;
        } else if (e->kind == HC_FO_EV_PROBE) {
            t = strstr(e->text, "no answer") ? HC_TONE_BAD : HC_TONE_GOOD;
        } else if (e->kind == HC_FO_EV_INFO || e->kind == HC_FO_EV_ACTION) {
            t = HC_TONE_DIM;
        }
        add_escaped(t, "  ", s->str);
        g_string_free(s, TRUE);
    }
    if (fs.error) {
        add_escaped(HC_TONE_BAD, "Not run: ", fs.error);
        if (fs.error_rc == -EEXIST) {
            add(HC_TONE_TITLE, "c: clear them (crm_resource --clear) and "
                "start the test");
        }
    }
    if (fs.fo && fs.state != FS_RUN && !fs.error) {
        const GPtrArray *as = hc_failover_assertions(fs.fo);
        double d = hc_failover_downtime_ms(fs.fo);

        add(HC_TONE_TITLE, "Assertions");
        for (guint i = 0; i < as->len; i++) {
            const hc_fo_assertion *a = as->pdata[i];
            char *p = g_strdup_printf("  [%s] %s: ", verdict_str(a->verdict),
                                      a->name);

            add_escaped(a->verdict == HC_FO_PASS ? HC_TONE_GOOD
                        : a->verdict == HC_FO_FAIL ? HC_TONE_BAD
                        : HC_TONE_DIM, p, a->detail);
            g_free(p);
        }
        {
            char *dt = d < 0 ? g_strdup("unbounded (no answer again)")
                             : g_strdup_printf("%.0f ms", d);

            add(hc_failover_passed(fs.fo) ? HC_TONE_GOOD : HC_TONE_BAD,
                "Result: %s %s -> %s: %s, downtime %s",
                hc_fo_scenario_name((hc_fo_scenario) fs.sel),
                hc_failover_from_node(fs.fo), hc_failover_to_node(fs.fo),
                hc_failover_passed(fs.fo) ? "PASS" : "FAIL", dt);
            g_free(dt);
        }
    }
    if (fs.clear_lines->len) {
        add(HC_TONE_TITLE, "Clearing cli-* constraints");
        for (guint i = 0; i < fs.clear_lines->len; i++) {
            add(HC_TONE_NORMAL, "  %s", (char *) fs.clear_lines->pdata[i]);
        }
    }
    if (fs.state == FS_DONE) {
        if (fs.reports->len) {
            add(HC_TONE_TITLE, "Reports");
            for (guint i = 0; i < fs.reports->len; i++) {
                add(HC_TONE_NORMAL, "  %s", (char *) fs.reports->pdata[i]);
            }
        }
        if (fs.repeat > 1) {
            double mn, md, mx;

            add(HC_TONE_TITLE, "Runs");
            for (guint i = 0; i < fs.runs->len; i++) {
                add(HC_TONE_NORMAL, "  %s", (char *) fs.runs->pdata[i]);
            }

            hc_fo_downtime_summary((double *) (void *) fs.downs->data,
                                   fs.downs->len, &mn, &md, &mx);
            add(fs.failures || fs.not_run ? HC_TONE_BAD : HC_TONE_GOOD,
                "Summary: %s x%d: %d failed, %d not run; downtime ms min "
                "%.0f median %.0f max %.0f (over %u runs that measured one)",
                hc_fo_scenario_name((hc_fo_scenario) fs.sel), fs.repeat,
                fs.failures, fs.not_run, mn, md, mx, fs.downs->len);
        }
        if (fs.cli_left) {
            add(HC_TONE_WARN, "cli-prefer/cli-ban constraints are left: "
                "c clears them");
        }
        if (getenv("HACON_TIMING")) {
            add(HC_TONE_DIM, "(longest engine step in the loop: %.0f ms, "
                "in its %s phase)", fs.max_step_ms,
                fs.max_step_phase ? fs.max_step_phase : "-");
        }
    }
}

GPtrArray *hc_fo_screen_lines(hc_console *con, int rows, int **ret_top)
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
    *ret_top = &fs.top;
    return fs.lines;
}

/* ---- running ------------------------------------------------------------ */

static void redraw(void)
{
    if (fs.shown) {
        fs.con->body_dirty = true;
        hc_screen_draw(fs.con);
    }
}

static void on_event(const hc_fo_event *ev, void *data)
{
    (void) ev;
    (void) data;
    /* The tick that led to it redraws. */
}

static void start_run(void);
static void start_all(void);

static gpointer clear_main(gpointer p)
{
    clear_job *j = p;

    for (guint i = 0; i < j->rscs->len; i++) {
        const char *argv[] = { "crm_resource", "--clear", "-r",
                               j->rscs->pdata[i], NULL };
        hc_exec_result res = { 0 };
        int rc = hc_exec(argv, &(hc_exec_opts) { .timeout_ms = 30000 }, &res);
        char *cl = hc_exec_cmdline(argv, NULL);

        if (rc < 0 || res.status != 0) {
            j->rc = -EIO;
        }
        g_string_append_printf(j->out, "%s: %s\n", cl, rc == 0
                               && res.status == 0 ? "done" : "failed");
        g_free(cl);
        hc_exec_result_clear(&res);
    }
    /* The service may move when its constraint goes: the test starts
     * from where the cluster settles. */
    {
        const char *argv[] = { "crm_resource", "--wait", "--timeout=90s",
                               NULL };
        hc_exec_result res = { 0 };
        int rc = hc_exec(argv, &(hc_exec_opts) { .timeout_ms = 100000 },
                         &res);

        g_string_append_printf(j->out, "crm_resource --wait: %s\n",
                               rc == 0 && res.status == 0 ? "the cluster is "
                               "settled" : "did not settle");
        hc_exec_result_clear(&res);
    }
    g_atomic_int_set(&j->done, 1);
    return NULL;
}

static void clear_free(clear_job *j)
{
    if (!j) {
        return;
    }
    g_thread_join(j->thread);
    g_ptr_array_free(j->rscs, TRUE);
    g_string_free(j->out, TRUE);
    g_free(j);
}

static gboolean on_clear_tick(gpointer data)
{
    char **v;

    (void) data;
    if (!g_atomic_int_get(&fs.clear->done)) {
        return G_SOURCE_CONTINUE;
    }
    fs.tick = 0;
    v = g_strsplit(fs.clear->out->str, "\n", -1);
    for (char **p = v; *p; p++) {
        if (**p) {
            g_ptr_array_add(fs.clear_lines, g_strdup(*p));
        }
    }
    g_strfreev(v);
    clear_free(fs.clear);
    fs.clear = NULL;
    fs.cli_left = false;
    if (fs.start_after_clear) {
        fs.start_after_clear = false;
        start_all();
    } else {
        fs.state = FS_DONE;
    }
    redraw();
    return G_SOURCE_REMOVE;
}

/* Clears every cli-* constraint the console's CIB shows, in a thread. */
static void start_clear(bool then_start)
{
    const hc_status *st = fs.con->status;
    clear_job *j;

    if (!st) {
        return;
    }
    j = g_new0(clear_job, 1);
    j->rscs = g_ptr_array_new_with_free_func(g_free);
    j->out = g_string_new(NULL);
    for (guint i = 0; i < st->constraints->len; i++) {
        const hc_constraint *c = st->constraints->pdata[i];
        bool seen = false;

        for (guint k = 0; c->leftover && c->rsc && k < j->rscs->len; k++) {
            seen = !strcmp(j->rscs->pdata[k], c->rsc);
        }
        if (c->leftover && c->rsc && !seen) {
            g_ptr_array_add(j->rscs, g_strdup(c->rsc));
        }
    }
    g_ptr_array_set_size(fs.clear_lines, 0);
    fs.clear = j;
    fs.state = FS_CLEAR;
    fs.start_after_clear = then_start;
    j->thread = g_thread_new("hc-fo-clear", clear_main, j);
    fs.tick = g_timeout_add(100, on_clear_tick, NULL);
}

static void finish_all(void)
{
    fs.state = FS_DONE;
    fs.follow = true;
}

static void run_ended(int rc)
{
    char *p1 = NULL, *p2 = NULL;
    const char *dir = hc_fo_env_report_dir();

    if (rc < 0) {
        g_free(fs.error);
        fs.error = g_strdup(hc_failover_error(fs.fo));
        fs.error_rc = rc;
        fs.not_run++;
        finish_all();
        return;
    }
    if (!hc_failover_passed(fs.fo)) {
        fs.failures++;
    }
    {
        double d = hc_failover_downtime_ms(fs.fo);

        if (d >= 0) {
            g_array_append_val(fs.downs, d);
        }
        g_ptr_array_add(fs.runs, g_strdup_printf(
            "run %d: %s -> %s %s, downtime %s%.0f ms", fs.run_no,
            hc_failover_from_node(fs.fo), hc_failover_to_node(fs.fo),
            hc_failover_passed(fs.fo) ? "PASS" : "FAIL", d < 0 ? ">" : "",
            d < 0 ? (hc_now_ms() - fs.run_t0) : d));
    }
    for (guint i = 0; i < hc_failover_assertions(fs.fo)->len; i++) {
        const hc_fo_assertion *a = hc_failover_assertions(fs.fo)->pdata[i];

        if (!strcmp(a->name, "no-cli-constraints")
            && a->verdict == HC_FO_FAIL) {
            fs.cli_left = true;
        }
    }
    if (g_mkdir_with_parents(dir, 0750) < 0
        || hc_failover_save_report(fs.fo, dir, fs.stamp, fs.run_no, &p1,
                                   &p2) < 0) {
        g_ptr_array_add(fs.reports, g_strdup_printf(
            "cannot save the report in %s", dir));
        fs.failures++;
    } else {
        g_ptr_array_add(fs.reports, g_strdup_printf("%s %s", p1, p2));
    }
    g_free(p1);
    g_free(p2);
    if (fs.run_no < fs.repeat) {
        fs.run_no++;
        start_run();
        return;
    }
    finish_all();
}

static gboolean on_tick(gpointer data)
{
    double t0 = hc_now_ms(), dt;
    int rc;
    unsigned sent, answered, lost;
    bool last_ok;
    const char *phase;

    (void) data;
    phase = hc_failover_phase(fs.fo);
    rc = hc_failover_step(fs.fo);
    dt = hc_now_ms() - t0;
    if (dt > fs.max_step_ms) {
        fs.max_step_ms = dt;
        fs.max_step_phase = phase;
    }
    hc_failover_probe_counts(fs.fo, &sent, &answered, &lost, &last_ok);
    if (sent != fs.strip_sent) {
        fs.strip_sent = sent;
        if (fs.strip->len >= STRIP_MAX) {
            g_string_erase(fs.strip, 0, STRIP_MAX / 2);
        }
        g_string_append_c(fs.strip, last_ok ? '.' : 'x');
    }
    if (rc == 1) {
        /* Every interval from the start of a step, not from its end: a
         * probe that waited its 150 ms timeout must not stretch the 200 ms
         * between probes. */
        fs.tick = g_timeout_add((guint) MAX(hc_failover_interval_ms(fs.fo)
                                            - dt, 0), on_tick, NULL);
        redraw();
        return G_SOURCE_REMOVE;
    }
    fs.tick = 0;
    run_ended(rc);
    if (!fs.shown && fs.state == FS_DONE) {
        /* Hidden with Esc during the run: the status line says so. */
        g_free(fs.con->message);
        fs.con->message = g_strdup_printf(
            "Failover test %s: %s (f shows it)",
            hc_fo_scenario_name((hc_fo_scenario) fs.sel),
            fs.error ? "not run" : fs.failures ? "FAIL" : "PASS");
        hc_screen_draw(fs.con);
    }
    redraw();
    return G_SOURCE_REMOVE;
}

static void start_run(void)
{
    hc_fo_opts o = { 0 };

    o.scenario = (hc_fo_scenario) fs.sel;
    o.crash_cmd = getenv("HACON_CRASH_CMD");
    o.stop_cmd = getenv("HACON_STOP_CMD");
    o.cut_cmd = getenv("HACON_CUT_CMD");
    o.restore_cmd = getenv("HACON_RESTORE_CMD");
    o.confirmed = dangerous(o.scenario);
    hc_failover_free(fs.fo);
    fs.fo = hc_failover_new(&o, on_event, NULL);
    g_free(fs.error);
    fs.error = NULL;
    fs.error_rc = 0;
    g_string_truncate(fs.strip, 0);
    fs.strip_sent = 0;
    fs.state = FS_RUN;
    fs.follow = true;
    fs.run_t0 = hc_now_ms();
    /* The first step (the baseline) after this screen was drawn. */
    fs.tick = g_timeout_add(hc_failover_interval_ms(fs.fo), on_tick, NULL);
}

static void start_all(void)
{
    time_t now = time(NULL);

    strftime(fs.stamp, sizeof(fs.stamp), "%Y%m%d-%H%M%S", localtime(&now));
    fs.run_no = 1;
    fs.failures = fs.not_run = 0;
    fs.cli_left = false;
    g_array_set_size(fs.downs, 0);
    g_ptr_array_set_size(fs.runs, 0);
    g_ptr_array_set_size(fs.reports, 0);
    fs.max_step_ms = 0;
    start_run();
}

/* ---- the console's side ----------------------------------------------- */

bool hc_fo_screen_active(const hc_console *con)
{
    (void) con;
    return fs.shown;
}

void hc_fo_screen_open(hc_console *con)
{
    fs.con = con;
    if (con->read_only) {
        g_free(con->message);
        con->message = g_strdup(con->read_only_forced
            ? "No failover test: this user may not change the CIB"
            : "No failover test in a read-only console (--read-only)");
        return;
    }
    if (!fs.typed) {
        fs.typed = g_string_new(NULL);
        fs.strip = g_string_new(NULL);
        fs.downs = g_array_new(FALSE, FALSE, sizeof(double));
        fs.runs = g_ptr_array_new_with_free_func(g_free);
        fs.reports = g_ptr_array_new_with_free_func(g_free);
        fs.clear_lines = g_ptr_array_new_with_free_func(g_free);
        fs.repeat = 1;
    }
    if (fs.state == FS_CLOSED) {
        fs.state = FS_PICK;
    }
    fs.shown = true;
    con->help = con->detail = false;
    con->all_dirty = true;
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
            g_ptr_array_set_size(fs.clear_lines, 0);
            start_all();
        }
        return;
    }
    if (key == '\r' || key == '\n' || key == KEY_ENTER) {
        if (!strcmp(fs.typed->str, "yes")) {
            g_ptr_array_set_size(fs.clear_lines, 0);
            start_all();
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

bool hc_fo_screen_key(hc_console *con, int key)
{
    fs.con = con;
    con->body_dirty = true;
    if (screen_key(con, key)) {
        return true;
    }
    return !console_key(key);
}

static bool screen_key(hc_console *con, int key)
{
    switch (fs.state) {
    case FS_PICK:
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
        case KEY_ENTER: {
            const char *why = unavailable((hc_fo_scenario) fs.sel);

            if (why) {
                g_free(con->message);
                con->message = g_strdup_printf("%s %s",
                    hc_fo_scenario_name((hc_fo_scenario) fs.sel), why);
                return true;
            }
            g_string_truncate(fs.typed, 0);
            fs.state = FS_CONFIRM;
            return true;
        }
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
    case FS_CONFIRM:
        confirm_key(key);
        return true;
    case FS_RUN:
    case FS_CLEAR:
        if (scroll_key(key)) {
            return true;
        }
        if (key == 27 || key == 'f') {
            /* The run goes on; f shows it again. */
            close_screen();
            return true;
        }
        if (key == 'q' || key == KEY_F(10)) {
            g_free(con->message);
            con->message = g_strdup("A failover test is running: wait for "
                                    "its end (Esc hides this screen)");
            return true;
        }
        return false;
    case FS_DONE:
        if (scroll_key(key)) {
            return true;
        }
        switch (key) {
        case 'c':
            if (fs.cli_left || fs.error_rc == -EEXIST) {
                start_clear(fs.error_rc == -EEXIST);
            }
            return true;
        case 'r':
            g_ptr_array_set_size(fs.clear_lines, 0);
            start_all();
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
    default:
        return false;
    }
}

const char *hc_fo_screen_footer(const hc_console *con)
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
    case FS_CLEAR:
        return "Running...  Up/Down PgUp/PgDn Scroll  End Follow  "
               "Esc Hide (f shows it)";
    case FS_DONE:
        return fs.cli_left || fs.error_rc == -EEXIST
               ? "c Clear cli-* constraints  r Run again  Esc Scenarios  "
                 "q Quit"
               : "r Run again  Esc Scenarios  Up/Down Scroll  q Quit";
    default:
        return "";
    }
}

void hc_fo_screen_end(void)
{
    if (fs.tick) {
        g_source_remove(fs.tick);
        fs.tick = 0;
    }
    /* A running command is waited for inside (within its deadline). */
    hc_failover_free(fs.fo);
    fs.fo = NULL;
    clear_free(fs.clear);
    fs.clear = NULL;
    if (fs.lines) {
        g_ptr_array_free(fs.lines, TRUE);
        fs.lines = NULL;
    }
    if (fs.typed) {
        g_string_free(fs.typed, TRUE);
        g_string_free(fs.strip, TRUE);
        g_array_free(fs.downs, TRUE);
        g_ptr_array_free(fs.runs, TRUE);
        g_ptr_array_free(fs.reports, TRUE);
        g_ptr_array_free(fs.clear_lines, TRUE);
        fs.typed = NULL;
    }
    g_free(fs.error);
    fs.error = NULL;
    fs.state = FS_CLOSED;
    fs.shown = false;
}
