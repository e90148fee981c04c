/* hacon failover-test: one failover scenario against the live cluster,
 * headless: the timeline printed as it happens, the assertions, and the
 * report saved as text and JSON; --repeat runs it N times (each run starts
 * from where the last one left the service, so the direction alternates)
 * and prints the downtime summary.
 *
 * Once it has changed the cluster, nothing but SIGKILL keeps it from its
 * cleanup: SIGINT and SIGTERM end the run early (the action's command is
 * let finish, then the cleanup and the checks run as always), SIGHUP (a
 * terminal or an ssh session that went away) and a closed output only
 * make it go on headless, and the report says so.
 *
 * --events FILE is how the console runs it (tui/view_failover.c): a line
 * per event appended to FILE (the protocol below), held under an exclusive
 * lock while the test runs, so that a console started later finds a run
 * still going and follows it, or reads how it ended.  Its standard input
 * is a pipe from the console: when that closes, the console is gone and
 * the test goes on headless.
 *
 * The event lines, each "WORD ARGS...", TEXT to the end of the line and
 * display-safe (escaped):
 *   start PID SCENARIO REPEAT STAMP DEADLINE   DEADLINE: seconds since the
 *                                              epoch when the run is stuck
 *   run N                      run N of REPEAT begins
 *   phase NAME                 baseline, action, observe, cleanup, final
 *   probe SENT ANSWERED LOST LAST_OK INTERVAL_MS
 *   event KIND T_MS WALL TEXT  a timeline line (T_MS "before" before the
 *                              action)
 *   assert N pass|fail|skip NAME DETAIL
 *   result N FROM TO PASS|FAIL DOWNTIME_MS     -1: no answer again
 *   notrun N RC TEXT           the run could not start (nothing changed)
 *   report N TXT JSON          the report's files
 *   reportfail N TEXT          a report file could not be written (N 0:
 *                              the directory or the summary); TEXT names
 *                              the file and the error
 *   clear TEXT                 the clearing of cli-* constraints
 *   summary TEXT               after a repeat
 *   headless TEXT              the console or the terminal went away
 *   end STATUS                 the exit status; the last line */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#include <glib-unix.h>

#include "commands.h"
#include "failover.h"
#include "failover_drbd.h"
#include "json.h"
#include "util.h"

typedef struct run_ctx {
    hc_failover *fo;
    GMainLoop *loop;
    int rc;
    char *phase;
    unsigned sent;
} run_ctx;

/* The whole command's state that signals and the console's pipe reach. */
static struct {
    int ev_fd;                  /* --events, or -1 */
    run_ctx *cur;               /* the run going on, or NULL */
    char *interrupted;          /* why the test was asked to end */
    bool headless;              /* said once */
    bool stop_printing;         /* the terminal is gone */
} g = { .ev_fd = -1 };

/* Appends one event line (no newline in it) to the --events file.  One
 * write(2) of an O_APPEND file: a reader never sees half a line of it
 * unless it reads while the write goes on, and then it waits for the
 * newline. */
static void ev_line(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void ev_line(const char *fmt, ...)
{
    va_list ap;
    char *l;
    size_t n;

    if (g.ev_fd < 0) {
        return;
    }
    va_start(ap, fmt);
    l = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    for (char *p = l; *p; p++) {
        if (*p == '\n' || *p == '\r') {
            *p = ' ';
        }
    }
    n = strlen(l);
    l = g_realloc(l, n + 2);
    l[n] = '\n';
    l[n + 1] = '\0';
    for (size_t off = 0; off < n + 1;) {
        ssize_t w = write(g.ev_fd, l + off, n + 1 - off);

        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            break;
        }
        off += (size_t) w;
    }
    g_free(l);
}

static void out_str(const char *s)
{
    if (!g.stop_printing && fputs(s, stdout) < 0) {
        g.stop_printing = true;
    }
    if (!g.stop_printing && fflush(stdout) != 0) {
        g.stop_printing = true;
    }
}

static void go_headless(const char *why)
{
    if (g.headless) {
        return;
    }
    g.headless = true;
    ev_line("headless %s", why);
    if (g.cur && g.cur->fo) {
        hc_failover_note(g.cur->fo, HC_FO_EV_WARN, why);
    }
}

static gboolean on_hup(gpointer data)
{
    (void) data;
    g.stop_printing = g.ev_fd < 0 ? true : g.stop_printing;
    go_headless("the terminal hung up (SIGHUP): the test goes on headless "
                "to its cleanup and report (finished headless)");
    return G_SOURCE_CONTINUE;
}

static gboolean on_stop_signal(gpointer data)
{
    const char *why = data;

    if (!g.interrupted) {
        g.interrupted = g_strdup(why);
    }
    if (g.cur && g.cur->fo) {
        hc_failover_abort(g.cur->fo, why);
    }
    return G_SOURCE_CONTINUE;
}

/* The console's end of the pipe on stdin closed: it is gone. */
static gboolean on_console_gone(gint fd, GIOCondition cond, gpointer data)
{
    char buf[256];
    ssize_t n;

    (void) data;
    if (!(cond & (G_IO_HUP | G_IO_ERR))) {
        while ((n = read(fd, buf, sizeof(buf))) > 0) {
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            return G_SOURCE_CONTINUE;
        }
    }
    go_headless("the console that started this test is gone: the test "
                "goes on to its cleanup and report (finished headless)");
    return G_SOURCE_REMOVE;
}

/* A run past the sum of its deadlines is stuck: said, and the test ends
 * with what it has (exit 4). */
static gboolean on_watchdog(gpointer data)
{
    (void) data;
    ev_line("event warn 0 %.3f the test passed its deadline: stuck, it "
            "ends here", g_get_real_time() / 1e6);
    ev_line("end 4");
    fprintf(stderr, "hacon failover-test: the test passed its deadline "
            "(stuck): it ends here; check the cluster\n");
    _exit(4);
}

static void print_event(const hc_fo_event *ev, void *data)
{
    GString *s = g_string_new(NULL);

    (void) data;
    hc_fo_event_format(ev, s);
    out_str(s->str);
    g_string_free(s, TRUE);
    if (ev->t_ms == 0 && signbit(ev->t_ms)) {
        ev_line("event %s before %.3f %s", hc_fo_event_kind_name(ev->kind),
                ev->wall, ev->text);
    } else {
        ev_line("event %s %.3f %.3f %s", hc_fo_event_kind_name(ev->kind),
                ev->t_ms, ev->wall, ev->text);
    }
}

/* The phase and the probe counts, when they changed. */
static void ev_progress(run_ctx *c)
{
    unsigned sent, answered, lost;
    bool last_ok;
    const char *ph = hc_failover_phase(c->fo);

    if (g.ev_fd < 0) {
        return;
    }
    if (!c->phase || strcmp(c->phase, ph)) {
        g_free(c->phase);
        c->phase = g_strdup(ph);
        ev_line("phase %s", ph);
    }
    hc_failover_probe_counts(c->fo, &sent, &answered, &lost, &last_ok);
    if (sent != c->sent) {
        c->sent = sent;
        ev_line("probe %u %u %u %d %d", sent, answered, lost, last_ok,
                hc_failover_interval_ms(c->fo));
    }
}

static gboolean tick(gpointer data)
{
    run_ctx *c = data;
    double t0 = hc_now_ms();
    int rc = hc_failover_step(c->fo);

    ev_progress(c);
    if (rc == 1) {
        /* Every interval from the start of a step, not from its end: a
         * probe that waited its timeout must not stretch the interval. */
        double left = hc_failover_interval_ms(c->fo) - (hc_now_ms() - t0);

        g_timeout_add((guint) MAX(left, 0), tick, c);
        return G_SOURCE_REMOVE;
    }
    c->rc = rc;
    g_main_loop_quit(c->loop);
    return G_SOURCE_REMOVE;
}

/* Saves the run's report as DIR/failover-SCENARIO-STAMP-N.txt and .json. */
/* Saves run N's report and adds "TXT JSON" to names; a file that could
 * not be written is said on stderr and in the events, with the error. */
static int save_report(const hc_failover *fo, const char *dir,
                       const char *stamp, int n, GString *names)
{
    char *p1 = NULL, *p2 = NULL;
    int rc = hc_failover_save_report(fo, dir, stamp, n, &p1, &p2);

    if (rc == 0) {
        g_string_append_printf(names, "%s %s\n", p1, p2);
    } else {
        fprintf(stderr, "hacon failover-test: cannot write the report %s: "
                "%s\n", p1 ? p1 : dir, g_strerror(-rc));
        ev_line("reportfail %d cannot write %s: %s", n, p1 ? p1 : dir,
                g_strerror(-rc));
    }
    g_free(p1);
    g_free(p2);
    return rc;
}

/* Two runs started in the same second (a refused run, then the one the
 * console starts after clearing) must not overwrite each other's
 * reports: STAMP becomes STAMP-2, STAMP-3, ... while a report of that
 * name is already in DIR. */
static void unique_stamp(const char *dir, const char *scenario, char *stamp,
                         size_t size)
{
    char *base = g_strdup(stamp);

    for (int i = 2; i < 100; i++) {
        char *p1 = g_strdup_printf("%s/failover-%s-%s-01.txt", dir, scenario,
                                   stamp);
        char *p2 = g_strdup_printf("%s/failover-%s-%s-01.json", dir,
                                   scenario, stamp);
        bool taken = access(p1, F_OK) == 0 || access(p2, F_OK) == 0;

        g_free(p1);
        g_free(p2);
        if (!taken) {
            break;
        }
        snprintf(stamp, size, "%s-%d", base, i);
    }
    g_free(base);
}

static bool ask(const char *question)
{
    char line[64];

    if (g.ev_fd >= 0 || g.headless || !isatty(STDIN_FILENO)) {
        return false;
    }
    printf("%s ", question);
    fflush(stdout);
    if (!fgets(line, sizeof(line), stdin)) {
        return false;
    }
    return !strcmp(line, "yes\n") || !strcmp(line, "y\n");
}

/* Opens, locks and empties the --events file.  Returns 0, -EBUSY when a
 * test holds it, or the negative errno. */
static int events_open(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);

    if (fd < 0) {
        return -errno;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        int rc = errno == EWOULDBLOCK ? -EBUSY : -errno;

        close(fd);
        return rc;
    }
    if (ftruncate(fd, 0) < 0) {
        int rc = -errno;

        close(fd);
        return rc;
    }
    g.ev_fd = fd;
    return 0;
}

/* --clear-leftovers: crm_resource --clear of every cli-* constraint and a
 * wait, as after a run that left one. */
static int clear_only(const hc_fo_opts *o)
{
    hc_failover *fo = hc_failover_new(o, NULL, NULL);
    GString *out = g_string_new(NULL);
    int rc = hc_failover_clear_leftovers(fo, out);
    char **v = g_strsplit(out->str, "\n", -1);

    for (char **l = v; *l; l++) {
        if (**l) {
            ev_line("clear %s", *l);
        }
    }
    g_strfreev(v);
    if (rc == -ENOTCONN) {
        ev_line("clear cannot read the CIB");
        fprintf(stderr, "hacon failover-test: cannot read the CIB\n");
    }
    out_str(out->str);
    g_string_free(out, TRUE);
    hc_failover_free(fo);
    return rc < 0 ? 1 : 0;
}

static int cmd_failover(const hc_args *args)
{
    hc_fo_opts o = { 0 };
    const char *dir = hc_args_str(args, "report-dir", hc_fo_env_report_dir());
    const char *events = hc_args_str(args, "events", NULL);
    const char *scenario = hc_args_argv(args)[0];
    int repeat = (int) hc_args_int(args, "repeat", 1);
    int scen = -1, failures = 0, not_run = 0, unsaved = 0;
    int ret;
    bool yes = hc_args_has(args, "yes"), keep = hc_args_has(args, "keep-leftovers");
    bool clear = hc_args_has(args, "clear-leftovers");
    GArray *downs;
    GString *names;
    char stamp[32];
    time_t now = time(NULL);
    int deadline_s = 0;

    /* The console takes the same commands (hacon --crash-cmd ...), and
     * both read them from the environment when not given. */
    o.crash_cmd = hc_args_str(args, "crash-cmd", getenv("HACON_CRASH_CMD"));
    o.stop_cmd = hc_args_str(args, "stop-cmd", getenv("HACON_STOP_CMD"));
    o.cut_cmd = hc_args_str(args, "cut-cmd", getenv("HACON_CUT_CMD"));
    o.restore_cmd = hc_args_str(args, "restore-cmd",
                                getenv("HACON_RESTORE_CMD"));
    o.service = hc_args_str(args, "service", NULL);
    o.vip = hc_args_str(args, "vip", NULL);
    o.ifname = hc_args_str(args, "interface", NULL);
    o.leases = hc_args_str(args, "leases", NULL);
    o.timeout_s = (int) hc_args_int(args, "timeout", 0);
    if (clear && scenario) {
        return hc_command_usage_error(&hc_cmd_failover, "--clear-leftovers "
                                      "takes no scenario");
    }
    if (!clear && !scenario) {
        return hc_command_usage_error(&hc_cmd_failover, "which scenario? "
                                      "(move, standby, stop-stack, kill, "
                                      "crash, cut, hang)");
    }
    if (!clear && (scen = hc_fo_scenario_from_name(scenario)) < 0) {
        char *e = hc_escape(scenario, 40);
        char *m = g_strdup_printf("no scenario \"%s\" (move, standby, "
                                  "stop-stack, kill, crash, cut, hang)", e);

        ret = hc_command_usage_error(&hc_cmd_failover, m);
        g_free(m);
        g_free(e);
        return ret;
    }
    /* From here on an interruption goes through the cleanup; a dead
     * terminal or console does not stop the test. */
    signal(SIGPIPE, SIG_IGN);
    g_unix_signal_add(SIGHUP, on_hup, NULL);
    g_unix_signal_add(SIGINT, on_stop_signal, (gpointer) "interrupted (SIGINT)");
    g_unix_signal_add(SIGTERM, on_stop_signal,
                      (gpointer) "interrupted (SIGTERM)");
    if (events) {
        int rc = events_open(events);

        if (rc < 0) {
            fprintf(stderr, "hacon failover-test: %s: %s\n", events,
                    rc == -EBUSY ? "another failover test is running "
                    "(it holds this file)" : g_strerror(-rc));
            return rc == -EBUSY ? 3 : 1;
        }
        g_unix_set_fd_nonblocking(STDIN_FILENO, TRUE, NULL);
        g_unix_fd_add(STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR,
                      on_console_gone, NULL);
    }
    if (clear) {
        ev_line("start %d clear 1 - 0", (int) getpid());
        ret = clear_only(&o);
        ev_line("end %d", ret);
        return ret;
    }
    o.scenario = (hc_fo_scenario) scen;
    o.confirmed = yes;
    o.clear_leftovers = yes && !keep;
    if ((scen == HC_FO_CRASH || scen == HC_FO_CUT || scen == HC_FO_HANG)
        && !yes) {
        o.confirmed = ask(scen == HC_FO_CRASH
                          ? "This crashes the active node. Type yes to go on:"
                          : scen == HC_FO_CUT
                          ? "This cuts the HA link of the active node. "
                            "Type yes to go on:"
                          : "This stops corosync and pacemaker on the "
                            "active node (SIGSTOP). Type yes to go on:");
    }
    if (g_mkdir_with_parents(dir, 0750) < 0) {
        int e = errno;

        fprintf(stderr, "hacon failover-test: cannot create %s: %s\n", dir,
                g_strerror(e));
        ev_line("reportfail 0 cannot create %s: %s", dir, g_strerror(e));
        ev_line("end 5");
        return 5;
    }
    strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&now));
    unique_stamp(dir, scenario, stamp, sizeof(stamp));
    {
        hc_failover *fo = hc_failover_new(&o, NULL, NULL);

        deadline_s = hc_failover_bound_s(fo) * repeat;
        hc_failover_free(fo);
    }
    ev_line("start %d %s %d %s %lld", (int) getpid(), scenario, repeat,
            stamp, (long long) now + deadline_s);
    g_timeout_add_seconds((guint) deadline_s, on_watchdog, NULL);
    downs = g_array_new(FALSE, FALSE, sizeof(double));
    names = g_string_new(NULL);
    for (int n = 1; n <= repeat && !g.interrupted; n++) {
        run_ctx rc = { 0 };
        double d;

        if (repeat > 1) {
            char *l = g_strdup_printf("== run %d of %d\n", n, repeat);

            out_str(l);
            g_free(l);
        }
        ev_line("run %d", n);
        rc.fo = hc_failover_new(&o, print_event, NULL);
        hc_failover_set_drbd_reader(rc.fo, hc_failover_drbd_local, NULL);
        g.cur = &rc;
        if (g.headless) {
            hc_failover_note(rc.fo, HC_FO_EV_WARN, "no console or terminal "
                             "follows this run (finished headless)");
        }
        rc.loop = g_main_loop_new(NULL, FALSE);
        g_timeout_add(hc_failover_interval_ms(rc.fo), tick, &rc);
        g_main_loop_run(rc.loop);
        g_main_loop_unref(rc.loop);
        g.cur = NULL;
        g_free(rc.phase);
        if (rc.rc == -EEXIST && !o.clear_leftovers
            && ask("Clear them now? Type yes:")) {
            o.clear_leftovers = true;
            hc_failover_free(rc.fo);
            n--;
            continue;
        }
        if (rc.rc < 0) {
            fprintf(stderr, "hacon failover-test: %s\n",
                    hc_failover_error(rc.fo));
            ev_line("notrun %d %d %s", n, rc.rc, hc_failover_error(rc.fo));
            not_run++;
        } else if (!hc_failover_passed(rc.fo)) {
            failures++;
        }
        if (rc.rc == 0) {
            GString *txt = g_string_new(NULL);

            for (guint i = 0; i < hc_failover_assertions(rc.fo)->len; i++) {
                const hc_fo_assertion *a =
                    hc_failover_assertions(rc.fo)->pdata[i];
                const char *v = a->verdict == HC_FO_PASS ? "PASS"
                                : a->verdict == HC_FO_FAIL ? "FAIL" : "SKIP";

                g_string_append_printf(txt, "[%s] %s: %s\n", v, a->name,
                                       a->detail);
                ev_line("assert %d %s %s %s", n, v, a->name, a->detail);
            }
            g_string_append_printf(txt, "%s %s -> %s: %s\n", scenario,
                                   hc_failover_from_node(rc.fo),
                                   hc_failover_to_node(rc.fo),
                                   hc_failover_passed(rc.fo) ? "PASS"
                                                             : "FAIL");
            out_str(txt->str);
            g_string_free(txt, TRUE);
            d = hc_failover_downtime_ms(rc.fo);
            if (d >= 0) {
                g_array_append_val(downs, d);
            }
            ev_line("result %d %s %s %s %.0f", n,
                    hc_failover_from_node(rc.fo),
                    hc_failover_to_node(rc.fo),
                    hc_failover_passed(rc.fo) ? "PASS" : "FAIL", d);
        }
        for (guint i = 0; rc.rc == 0
                          && i < hc_failover_assertions(rc.fo)->len; i++) {
            const hc_fo_assertion *a = hc_failover_assertions(rc.fo)->pdata[i];

            if (!strcmp(a->name, "no-cli-constraints")
                && a->verdict == HC_FO_FAIL) {
                ev_line("cli-left %d", n);
                /* The console offers the clearing itself (c). */
                if (!events && (yes || ask("Clear the cli-* constraints? "
                                           "Type yes:"))) {
                    GString *cl = g_string_new(NULL);

                    hc_failover_clear_leftovers(rc.fo, cl);
                    out_str(cl->str);
                    g_string_free(cl, TRUE);
                }
            }
        }
        if (save_report(rc.fo, dir, stamp, n, names) < 0) {
            unsaved++;
        } else {
            const char *last = strrchr(names->str, '\n');
            const char *start = names->str;

            /* The last line of names is this run's "TXT JSON". */
            for (const char *p = names->str; last && p < last; p++) {
                if (*p == '\n') {
                    start = p + 1;
                }
            }
            ev_line("report %d %.*s", n, (int) (last ? last - start : 0),
                    start);
        }
        hc_failover_free(rc.fo);
        if (rc.rc < 0) {
            break;   /* the cluster is not in a state to go on */
        }
    }
    {
        char *l = g_strdup_printf("reports:\n%s", names->str);

        out_str(l);
        g_free(l);
    }
    if (repeat > 1) {
        GString *js = g_string_new(NULL);
        char *path = g_strdup_printf("%s/failover-%s-%s-summary.json", dir,
                                     scenario, stamp);
        double mn = 0, md = 0, mx = 0;
        char *l;
        hc_jw w;
        int wrc;

        hc_fo_downtime_summary((double *) (void *) downs->data, downs->len,
                               &mn, &md, &mx);
        l = g_strdup_printf("%s x%d: %d failed, %d not run; downtime ms "
                            "min %.0f median %.0f max %.0f (over %u runs "
                            "that measured one)", scenario, repeat,
                            failures, not_run, mn, md, mx, downs->len);
        ev_line("summary %s", l);
        printf("summary: %s\n", l);
        g_free(l);
        hc_jw_init(&w, js);
        hc_jw_obj(&w, NULL);
        hc_jw_str(&w, "scenario", scenario);
        hc_jw_int(&w, "runs", repeat);
        hc_jw_int(&w, "failed", failures);
        hc_jw_int(&w, "not_run", not_run);
        hc_jw_obj(&w, "downtime_ms");
        hc_jw_num(&w, "min", mn, 1);
        hc_jw_num(&w, "median", md, 1);
        hc_jw_num(&w, "max", mx, 1);
        hc_jw_uint(&w, "n", downs->len);
        hc_jw_end(&w);
        hc_jw_end(&w);
        g_string_append_c(js, '\n');
        wrc = hc_write_file_atomic(path, js->str, js->len, 0640, true);
        if (wrc < 0) {
            fprintf(stderr, "hacon failover-test: cannot write the "
                    "summary %s: %s\n", path, g_strerror(-wrc));
            ev_line("reportfail 0 cannot write %s: %s", path,
                    g_strerror(-wrc));
            unsaved++;
        } else {
            printf("summary: %s\n", path);
        }
        g_free(path);
        g_string_free(js, TRUE);
    }
    /* The test's own result first; 5 only when it is otherwise a pass. */
    ret = not_run ? 3 : failures ? 1 : unsaved ? 5 : 0;
    ev_line("end %d", ret);
    g_array_free(downs, TRUE);
    g_string_free(names, TRUE);
    g_free(g.interrupted);
    g.interrupted = NULL;
    return ret;
}

static const hc_opt failover_opts[] = {
    { "repeat", 'n', HC_OPT_INT, "N", .help = "run the scenario N times, with a "
      "summary", 1, 1000 },
    { "service", 's', HC_OPT_STRING, "RSC", .help = "the resource (group) that "
      "fails over (default: the dhcpd's)" },
    { "vip", 'v', HC_OPT_STRING, "IP", .help = "the service address to probe "
      "(default: the IPaddr2's)" },
    { "interface", 'i', HC_OPT_STRING, "IF", .help = "probe from this interface",
      .complete = HC_OPT_IFACE },
    { "leases", 'l', HC_OPT_STRING, "FILE", .help = "the lease file to check "
      "(default: the dhcpd's)", .complete = HC_OPT_FILE },
    { "crash-cmd", 0, HC_OPT_STRING, "'CMD {node}'", .help = "crash: how to crash "
      "a node" },
    { "stop-cmd", 0, HC_OPT_STRING, "'CMD {node}'", .help = "stop-stack: how to "
      "stop a node's cluster stack" },
    { "cut-cmd", 0, HC_OPT_STRING, "'CMD {node}'", .help = "cut: how to cut a "
      "node's HA link" },
    { "restore-cmd", 0, HC_OPT_STRING, "'CMD {node}'", .help = "how to bring the "
      "node back afterwards" },
    { "timeout", 't', HC_OPT_INT, "SECS", .help = "how long the failover may take "
      "(default 120)",
      1, 3600, "seconds" },
    { "report-dir", 'd', HC_OPT_STRING, "DIR", .help = "where the reports go (default "
      "/var/lib/hacon/failover)",
      .complete = HC_OPT_DIR },
    { "yes", 'y', HC_OPT_FLAG, NULL, .help = "no questions (crash and cut ask; "
      "clears leftovers)" },
    { "keep-leftovers", 0, HC_OPT_FLAG, NULL, .help = "with --yes: refuse to run "
      "over leftovers instead of clearing them" },
    { "clear-leftovers", 0, HC_OPT_FLAG, NULL, .help = "only clear what an "
      "interrupted test left (cli-* constraints)" },
    { "events", 0, HC_OPT_STRING, "FILE", .help = "write the run's events to FILE "
      "(for the console)", .complete = HC_OPT_FILE },
    { NULL },
};

static const char *const failover_forms[] = {
    "SCENARIO",
    "--clear-leftovers [--events FILE]",
    NULL,
};

const hc_command hc_cmd_failover = {
    .name = "failover-test",
    .summary = "fail the DHCP service over and check it (move, standby, ...)",
    .forms = failover_forms,
    .notes = "SCENARIO: move, standby, stop-stack, kill, crash, cut, hang\n",
    .args = { failover_opts, 0, 1, false },
    .run = cmd_failover,
};
