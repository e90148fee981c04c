/* The console's command line (`:`): GNU readline through its callback
 * interface, so that the one GLib loop keeps running while a line is typed.
 * Readline never touches the terminal: the keys come from curses (getch in
 * the loop's stdin watch) through rl_getc_function, the line is drawn by
 * the console in its bottom row (rl_redisplay_function only marks it
 * dirty), terminal modes stay those of curses (no-op prep/deprep), and what
 * readline would print (bell, match lists) goes to /dev/null or the pane.
 *
 * Enter runs the same plan as `hacon crm`: parse, apply to a copy of the
 * CIB, diff, crm_simulate preview; the pane shows it with hacon's notes
 * and warnings, and the bottom row asks; y/Enter commits with the epoch
 * check, f commits the line as meant instead (when hacon knows it: a
 * backwards colocation), Esc/n cancels. */
#include "mode.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>
#include <sys/wait.h>

#include <unistd.h>

#include <curses.h>
#include <readline/readline.h>
#include <readline/history.h>
#include <crm/common/xml.h>
#include <glib-unix.h>

#include "crmsh.h"
#include "exec.h"
#include "util.h"

/* Last: term.h defines short words (lines, tone, user2) as macros. */
#include <term.h>
#undef lines
#undef columns
#undef tone

typedef enum cl_state { CL_CLOSED, CL_EDIT, CL_CONFIRM } cl_state;

static struct {
    cl_state state;
    hc_console *con;
    bool rl_ready;
    FILE *devnull;
    char *history_path;
    int queue[16];          /* keys for readline, as bytes */
    int qlen;
    GPtrArray *pane;        /* hc_line*: result, diff, matches */
    int pane_top;
    hc_crm_plan *plan;
    GPtrArray *matches;     /* the completions being offered */
    double plan_ms;         /* how long the last plan took */
    pid_t sim_pid;          /* the preview's child, or 0 */
    guint sim_src;
    int sim_fd;
    GString *sim_out;
    guint match_idx;
} cl;

/* Escaped for the terminal; the quotes that hc_escape marks with a
 * backslash are shown as typed (a quote is no control character), so
 * that XML and crm lines read as they are. */
static char *esc(const char *text)
{
    char *e = hc_con_esc(cl.con, text, 0);
    char *w = e;

    for (const char *r = e; *r; r++) {
        if (r[0] == '\\' && r[1] == '"') {
            continue;
        }
        if (r[0] == '\\' && r[1] == '\\') {
            *w++ = *r++;
        }
        *w++ = *r;
    }
    *w = '\0';
    return e;
}

/* ---- pane ------------------------------------------------------------- */

static void pane_clear(void)
{
    if (!cl.pane) {
        cl.pane = g_ptr_array_new_with_free_func(hc_line_free);
    }
    g_ptr_array_set_size(cl.pane, 0);
    cl.pane_top = 0;
}

/* Adds raw (untrusted) text to the pane, one hc_line per line. */
static void pane_text(hc_tone tone, const char *text)
{
    char **v = g_strsplit(text ? text : "", "\n", -1);

    for (char **p = v; *p; p++) {
        if (!p[1] && !**p && p != v) {
            break;          /* the empty string after a final newline */
        }
        char *e = esc(*p);
        hc_tone t = tone;

        if (tone == HC_TONE_NORMAL && (*p)[0] == '+') {
            t = HC_TONE_GOOD;
        } else if (tone == HC_TONE_NORMAL && (*p)[0] == '-') {
            t = HC_TONE_BAD;
        } else if (tone == HC_TONE_NORMAL && (*p)[0] == '~') {
            t = HC_TONE_WARN;
        }
        hc_line_add(cl.pane, t, NULL, "%s", e);
        g_free(e);
    }
    g_strfreev(v);
}

/* Adds raw (untrusted) text as lines wrapped at the screen's width, the
 * continuations indented: for messages, which are prose. */
static void pane_wrapped(hc_tone tone, const char *first, const char *text)
{
    char **v = g_strsplit(text ? text : "", "\n", -1);
    int width = MAX(cl.con->cols - 1, 20);

    for (char **p = v; *p; p++) {
        if (!p[1] && !**p && p != v) {
            break;
        }
        char *e = esc(*p);
        char **l = hc_wrap(e, (size_t) width, p == v ? first : "", "  ");

        for (char **q = l; *q; q++) {
            hc_line_add(cl.pane, tone, NULL, "%s", *q);
        }
        g_strfreev(l);
        g_free(e);
    }
    g_strfreev(v);
}

static GPtrArray *cmdline_pane(hc_console *con, int *top)
{
    (void) con;
    *top = cl.pane_top;
    return cl.state != CL_CLOSED && cl.pane && cl.pane->len ? cl.pane : NULL;
}

/* ---- transcript ------------------------------------------------------- */

/* A CIB commit goes through libcib, not hc_exec: it is added to the
 * transcript here so that the transcript pane shows every change made. */
static void transcript_add(const char *line, int status, double ms,
                           const char *out, const char *err)
{
    hc_transcript_entry *e = g_new0(hc_transcript_entry, 1);

    e->cmdline = g_strdup_printf("crm %s", line);
    e->status = status;
    e->ms = ms;
    e->out = g_strdup(out ? out : "");
    e->err = g_strdup(err ? err : "");
    e->when = time(NULL);
    hc_transcript_append(e);
    hc_console_model_changed(cl.con);
}

/* ---- running a line ----------------------------------------------------- */

static void show_advice(const hc_crm_advice *a)
{
    for (guint i = 0; a && i < a->notes->len; i++) {
        pane_wrapped(HC_TONE_DIM, "note: ", a->notes->pdata[i]);
    }
    for (guint i = 0; a && i < a->warnings->len; i++) {
        pane_wrapped(HC_TONE_WARN, "warning: ", a->warnings->pdata[i]);
    }
    if (a && a->fix) {
        hc_line_add(cl.pane, HC_TONE_TITLE, NULL, "The line as meant (f "
                    "applies it instead):");
        pane_wrapped(HC_TONE_NORMAL, "  ", a->fix);
    }
}

static void show_plan(const hc_crm_plan *plan)
{
    pane_clear();
    show_advice(plan->advice);
    if (plan->cluster_argv) {
        char *c = hc_exec_cmdline((const char *const *) plan->cluster_argv,
                                  NULL);

        hc_line_add(cl.pane, HC_TONE_TITLE, NULL, "Will run:");
        pane_text(HC_TONE_NORMAL, c);
        g_free(c);
    } else {
        hc_line_add(cl.pane, HC_TONE_TITLE, NULL, "CIB changes:");
        pane_text(HC_TONE_NORMAL, plan->diff);
        if (cl.sim_pid) {
            hc_line_add(cl.pane, HC_TONE_DIM, NULL, "Cluster actions: "
                        "computing (crm_simulate)...");
        } else if (plan->preview_error) {
            char *m = g_strdup_printf("Cluster actions: unknown (%s)",
                                      plan->preview_error);

            pane_text(HC_TONE_WARN, m);
            g_free(m);
        } else if (plan->preview && !*plan->preview) {
            hc_line_add(cl.pane, HC_TONE_TITLE, NULL, "Cluster actions: none");
        } else if (plan->preview) {
            hc_line_add(cl.pane, HC_TONE_TITLE, NULL, "Cluster actions:");
            pane_text(HC_TONE_DIM, plan->preview);
        }
        if (getenv("HACON_TIMING")) {
            hc_line_add(cl.pane, HC_TONE_DIM, NULL, "(planned in %.0f ms)",
                        cl.plan_ms);
        }
    }
    /* The question itself is in the bottom row (cmdline_prompt). */
    if (cl.con->read_only) {
        hc_line_add(cl.pane, HC_TONE_WARN, NULL, "Read-only console "
                    "(--read-only or no write access): not applied.");
    }
}

/* crm_simulate can take long on a large CIB (30 s deadline): it runs in a
 * child process, so that the console keeps drawing and answering; the
 * pane shows the preview when it comes. */
static void sim_reaped(GPid pid, gint status, gpointer data)
{
    (void) status;
    (void) data;
    g_spawn_close_pid(pid);
}

static void sim_stop(void)
{
    if (cl.sim_src) {
        g_source_remove(cl.sim_src);
        cl.sim_src = 0;
    }
    if (cl.sim_fd > 0) {
        close(cl.sim_fd);
        cl.sim_fd = 0;
    }
    if (cl.sim_pid > 0) {
        /* The child and crm_simulate form one process group: SIGTERM ends
         * crm_simulate, and the child, which only notes it, removes its
         * temporary CIB and exits.  Not waited for here (the console must
         * not block): GLib reaps it, or init once the console is gone. */
        kill(-cl.sim_pid, SIGTERM);
        g_child_watch_add(cl.sim_pid, sim_reaped, NULL);
        cl.sim_pid = 0;
    }
    if (cl.sim_out) {
        g_string_free(cl.sim_out, TRUE);
        cl.sim_out = NULL;
    }
}

static void cmdline_end(void)
{
    sim_stop();
}

static gboolean on_sim_data(gint fd, GIOCondition cond, gpointer data)
{
    hc_console *con = data;
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof(buf));

    (void) cond;
    if (n > 0) {
        g_string_append_len(cl.sim_out, buf, n);
        return G_SOURCE_CONTINUE;
    }
    if (n < 0 && errno == EINTR) {
        return G_SOURCE_CONTINUE;
    }
    /* End of the child's answer: "0\n" and the summary, or "1\n" and
     * why there is none. */
    waitpid(cl.sim_pid, NULL, 0);
    cl.sim_pid = 0;
    cl.sim_src = 0;
    close(cl.sim_fd);
    cl.sim_fd = 0;
    if (cl.plan) {
        const char *o = cl.sim_out->str;

        if (o[0] == '0' && o[1] == '\n') {
            cl.plan->preview = g_strdup(o + 2);
        } else {
            cl.plan->preview_error = g_strdup(o[0] && o[1] ? o + 2
                                              : "crm_simulate failed");
        }
        if (cl.state == CL_CONFIRM) {
            int top = cl.pane_top;

            show_plan(cl.plan);
            cl.pane_top = top;
            con->all_dirty = true;
            hc_console_redraw(con);
        }
    }
    g_string_free(cl.sim_out, TRUE);
    cl.sim_out = NULL;
    return G_SOURCE_REMOVE;
}

/* The preview child's temporary CIB, "" until it exists. */
static char sim_tmp[4096];

/* A cancel (SIGTERM to the preview's group) removes the temporary CIB and
 * ends at once, whatever the child was doing.  The handler is inherited by
 * crm_simulate's process until its exec resets it: a SIGTERM in that
 * window ends it here too, instead of being noted and lost (crm_simulate
 * then ran on, and the file stayed, for its whole run). */
static void sim_on_term(int sig)
{
    (void) sig;
    if (sim_tmp[0]) {
        unlink(sim_tmp);
    }
    _exit(0);
}

static void sim_start(hc_console *con, const hc_crm_plan *plan)
{
    int fds[2];
    pid_t pid;

    if (pipe2(fds, O_CLOEXEC) < 0) {
        return;
    }
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return;
    }
    if (pid == 0) {
        char *sum = NULL, *msg = NULL;
        int rc = -ECANCELED;
        bool made;
        GString *o;
        struct sigaction sa;
        sigset_t term, old;

        /* A process group of its own with crm_simulate in it, which the
         * console ends as one on a cancel or at its exit: SIGTERM removes
         * the temporary CIB and ends this process (sim_on_term), and
         * crm_simulate.  The file is made with SIGTERM held, so that the
         * handler knows its name from the moment it exists.  The
         * terminal's signals never reach the group. */
        setpgid(0, 0);
        sigemptyset(&term);
        sigaddset(&term, SIGTERM);
        sigprocmask(SIG_BLOCK, &term, &old);
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = sim_on_term;
        sigaction(SIGTERM, &sa, NULL);
        hc_child_detach_tty();
        close(fds[0]);
        made = hc_crm_simulate_tmp(sim_tmp, sizeof(sim_tmp), &msg) == 0;
        if (!made) {
            sim_tmp[0] = '\0';
        }
        sigprocmask(SIG_SETMASK, &old, NULL);
        if (made) {
            rc = hc_crm_simulate_in(plan->next, sim_tmp, 30000, true, &sum,
                                    &msg);
            sigprocmask(SIG_BLOCK, &term, NULL);
            unlink(sim_tmp);
            sim_tmp[0] = '\0';
            sigprocmask(SIG_SETMASK, &old, NULL);
        }
        o = g_string_new(rc < 0 ? "1\n" : "0\n");
        g_string_append(o, rc < 0 ? (msg ? msg : "crm_simulate failed")
                        : (sum ? sum : ""));
        for (gsize off = 0; off < o->len;) {
            ssize_t w = write(fds[1], o->str + off, o->len - off);

            if (w <= 0) {
                break;
            }
            off += w;
        }
        _exit(0);
    }
    /* Also here: a cancel right after the fork must find the group. */
    setpgid(pid, 0);
    close(fds[1]);
    cl.sim_pid = pid;
    cl.sim_fd = fds[0];
    cl.sim_out = g_string_new(NULL);
    cl.sim_src = g_unix_fd_add(fds[0], G_IO_IN | G_IO_HUP | G_IO_ERR,
                               on_sim_data, con);
}

static void run_line(const char *line)
{
    hc_crm_error err;
    char *msg = NULL;
    hc_crm_plan *plan = NULL;
    int rc;

    memset(&err, 0, sizeof(err));
    pane_clear();
    /* The agents as installed now (a package, the guided setup's step may
     * have added one since the last line), as `hacon crm` sees them. */
    hc_crm_agent_cache_clear();
    /* The plan without the preview (parse, apply, diff) is quick; the
     * preview runs in a child. */
    double t0 = hc_now_ms();
    rc = hc_crm_plan_new_from(line, cl.con->cib_xml, false, &plan, &err,
                              &msg);
    cl.plan_ms = hc_now_ms() - t0;
    if (rc == -EINVAL && !msg) {
        char *m = hc_crm_error_format(line, &err);
        char **l = g_strsplit(m, "\n", 3);

        /* The line and its caret as they are; the reason wrapped. */
        for (int i = 0; l[i]; i++) {
            if (i < 2) {
                pane_text(HC_TONE_BAD, l[i]);
            } else {
                pane_wrapped(HC_TONE_BAD, "", l[i]);
            }
        }
        g_strfreev(l);
        g_free(m);
    } else if (rc < 0) {
        char *m = g_strdup_printf("%s", msg ? msg : g_strerror(-rc));

        pane_text(HC_TONE_BAD, m);
        g_free(m);
    } else if (!plan->cluster_argv && !*plan->diff) {
        show_advice(plan->advice);
        hc_line_add(cl.pane, HC_TONE_NORMAL, NULL, "No change to the CIB.");
    } else {
        cl.plan = plan;
        plan = NULL;
        cl.state = CL_CONFIRM;
        if (!cl.plan->cluster_argv) {
            sim_start(cl.con, cl.plan);
        }
        show_plan(cl.plan);
    }
    g_free(msg);
    hc_crm_plan_free(plan);
}

static void apply_plan(void)
{
    char *out = NULL, *msg = NULL;
    double t0 = hc_now_ms();
    int rc = hc_crm_plan_apply(cl.plan, &out, &msg);
    double ms = hc_now_ms() - t0;

    pane_clear();
    if (out && *out) {
        pane_text(HC_TONE_NORMAL, out);
    }
    if (rc < 0) {
        char *m = g_strdup_printf("Not applied: %s", msg ? msg
                                  : g_strerror(-rc));

        pane_text(HC_TONE_BAD, m);
        g_free(m);
    } else {
        hc_line_add(cl.pane, HC_TONE_GOOD, NULL, "Applied (%.0f ms).", ms);
    }
    /* A cluster command is in the transcript already (hc_exec). */
    if (!cl.plan->cluster_argv) {
        transcript_add(cl.plan->line, rc < 0 ? 1 : 0, ms,
                       rc < 0 ? NULL : cl.plan->diff, msg);
    }
    g_free(out);
    g_free(msg);
}

static void end_confirm(void)
{
    sim_stop();
    hc_crm_plan_free(cl.plan);
    cl.plan = NULL;
    cl.state = CL_EDIT;
}

static void history_add(const char *line);

/* f: the line as meant, planned on the console's CIB and committed at
 * once (its words were on the screen); it goes to the history too. */
static void apply_fix(void)
{
    char *line = g_strdup(cl.plan->advice->fix);
    hc_crm_error err;
    char *msg = NULL;
    hc_crm_plan *plan = NULL;
    int rc;

    end_confirm();
    history_add(line);
    memset(&err, 0, sizeof(err));
    rc = hc_crm_plan_new_from(line, cl.con->cib_xml, false, &plan, &err,
                              &msg);
    if (rc < 0) {
        char *m = rc == -EINVAL && !msg ? hc_crm_error_format(line, &err)
            : g_strdup(msg ? msg : g_strerror(-rc));

        pane_clear();
        pane_text(HC_TONE_BAD, m);
        g_free(m);
    } else {
        cl.plan = plan;
        plan = NULL;
        apply_plan();
        if (cl.plan->diff && *cl.plan->diff) {
            hc_line_add(cl.pane, HC_TONE_TITLE, NULL, "Applied as meant: "
                        "%s", line);
            pane_text(HC_TONE_NORMAL, cl.plan->diff);
        }
        hc_crm_plan_free(cl.plan);
        cl.plan = NULL;
    }
    g_free(msg);
    hc_crm_plan_free(plan);
    g_free(line);
}

/* ---- readline ----------------------------------------------------------- */

static int rl_getc_cb(FILE *f)
{
    int c;

    (void) f;
    if (!cl.qlen) {
        return EOF;
    }
    c = cl.queue[0];
    memmove(cl.queue, cl.queue + 1, --cl.qlen * sizeof(cl.queue[0]));
    return c;
}

static int rl_avail_cb(void)
{
    return cl.qlen > 0;
}

static void rl_redisplay_cb(void)
{
    /* Drawn by the console (cmdline_prompt) from rl_line_buffer. */
}

static void rl_prep_cb(int meta)
{
    (void) meta;
}

static void rl_deprep_cb(void)
{
}

static void close_prompt(void)
{
    if (cl.state == CL_CONFIRM) {
        end_confirm();
    }
    if (cl.state != CL_CLOSED) {
        rl_callback_handler_remove();
    }
    cl.state = CL_CLOSED;
    curs_set(0);
}

static void history_add(const char *line)
{
    HIST_ENTRY *last = history_length > 0
                       ? history_get(history_base + history_length - 1)
                       : NULL;

    if (!last || strcmp(last->line, line)) {
        add_history(line);
        if (cl.history_path) {
            /* append_history needs the file to exist. */
            if (access(cl.history_path, F_OK) == 0) {
                append_history(1, cl.history_path);
            } else {
                write_history(cl.history_path);
            }
        }
    }
}

static void on_line(char *line)
{
    if (!line) {            /* ^D on an empty line */
        close_prompt();
        return;
    }
    g_strstrip(line);
    if (*line) {
        history_add(line);
        run_line(line);
    }
    free(line);
}

static char *match_gen(const char *text, int state)
{
    (void) text;
    if (!state) {
        cl.match_idx = 0;
    }
    if (!cl.matches || cl.match_idx >= cl.matches->len) {
        return NULL;
    }
    return strdup(cl.matches->pdata[cl.match_idx++]);
}

static char **complete_cb(const char *text, int start, int end)
{
    xmlNode *cib = NULL;
    char *msg = NULL;
    char *before = g_strndup(rl_line_buffer, rl_point);
    char **ret = NULL;

    (void) start;
    (void) end;
    rl_attempted_completion_over = 1;   /* never file names */
    if (cl.matches) {
        g_ptr_array_unref(cl.matches);
        cl.matches = NULL;
    }
    /* The console's CIB, kept current by notifications: a Tab must not
     * wait for a CIB query (a third of a second on a large cluster). */
    if (!cl.con->cib_xml) {
        hc_crm_cib_query(&cib, &msg);
    }
    if (hc_crm_complete(before, cib ? cib : cl.con->cib_xml,
                        &cl.matches) == 0
        && cl.matches->len) {
        const char *only = cl.matches->pdata[0];
        size_t n = strlen(only);

        if (cl.matches->len == 1 && n && strchr("=:", only[n - 1])) {
            rl_completion_suppress_append = 1;
        }
        ret = rl_completion_matches(text, match_gen);
    }
    if (cib) {
        free_xml(cib);
    }
    g_free(msg);
    g_free(before);
    return ret;
}

/* The list of matches goes to the pane, not to readline's output. */
static void display_matches_cb(char **matches, int num, int max_len)
{
    GString *s = g_string_new(NULL);

    (void) max_len;
    pane_clear();
    hc_line_add(cl.pane, HC_TONE_TITLE, NULL, "%d completions:", num);
    for (int i = 1; i <= num; i++) {
        if (s->len && s->len + strlen(matches[i]) + 2
            > (size_t) MAX(cl.con->cols - 2, 20)) {
            pane_text(HC_TONE_NORMAL, s->str);
            g_string_truncate(s, 0);
        }
        g_string_append_printf(s, "%s%s", s->len ? "  " : "", matches[i]);
    }
    if (s->len) {
        pane_text(HC_TONE_NORMAL, s->str);
    }
    g_string_free(s, TRUE);
}

static void rl_setup(void)
{
    const char *env = getenv("HACON_HISTORY");
    const char *home = getenv("HOME");

    if (cl.rl_ready) {
        return;
    }
    cl.rl_ready = true;
    cl.devnull = fopen("/dev/null", "r+e");
    rl_readline_name = "hacon";
    rl_instream = cl.devnull;
    rl_outstream = cl.devnull;
    rl_catch_signals = 0;
    rl_catch_sigwinch = 0;
    rl_change_environment = 0;
    rl_getc_function = rl_getc_cb;
    rl_input_available_hook = rl_avail_cb;
    rl_redisplay_function = rl_redisplay_cb;
    rl_prep_term_function = rl_prep_cb;
    rl_deprep_term_function = rl_deprep_cb;
    rl_attempted_completion_function = complete_cb;
    rl_completion_display_matches_hook = display_matches_cb;
    /* Words are split as the crm line parser splits them. */
    rl_completer_word_break_characters = " \t";
    rl_basic_word_break_characters = " \t";
    rl_bind_key('\t', rl_complete);
    using_history();
    if (env && *env) {
        cl.history_path = g_strdup(env);
    } else if (home && *home) {
        cl.history_path = g_build_filename(home, ".hacon_history", NULL);
    }
    if (cl.history_path) {
        read_history(cl.history_path);
    }
}

/* ---- the console's side ------------------------------------------------- */

static bool cmdline_active(const hc_console *con)
{
    (void) con;
    return cl.state != CL_CLOSED;
}

static void cmdline_open(hc_console *con)
{
    /* readline reads its terminal description once; keep curses' own. */
    TERMINAL *term = cur_term;

    cl.con = con;
    rl_setup();
    pane_clear();
    cl.qlen = 0;
    rl_callback_handler_install(":", on_line);
    if (cur_term != term) {
        set_curterm(term);
    }
    /* Once readline read its settings: show-all-if-ambiguous lists the
     * matches on the first Tab. */
    rl_variable_bind("show-all-if-ambiguous", "on");
    rl_variable_bind("bell-style", "none");
    if (con->read_only) {
        hc_line_add(cl.pane, HC_TONE_WARN, NULL, "Read-only console: lines "
                    "are checked and previewed, not applied.");
    }
    cl.state = CL_EDIT;
    curs_set(1);
    con->all_dirty = true;
}

/* Curses keys as the bytes readline binds by default (emacs mode). */
static int rl_byte(int key)
{
    switch (key) {
    case KEY_BACKSPACE:
    case 8:
        return 127;
    case KEY_LEFT:
        return 2;           /* ^B */
    case KEY_RIGHT:
        return 6;           /* ^F */
    case KEY_UP:
        return 16;          /* ^P */
    case KEY_DOWN:
        return 14;          /* ^N */
    case KEY_HOME:
        return 1;           /* ^A */
    case KEY_END:
        return 5;           /* ^E */
    case KEY_DC:
        /* ^D deletes a character; on an empty line it would end input. */
        return rl_end ? 4 : -1;
    case KEY_ENTER:
    case '\n':
        return '\r';
    default:
        return key >= 0 && key < 0x100 ? key : -1;
    }
}

static void pane_scroll(int d)
{
    int max = cl.pane ? (int) cl.pane->len - 1 : 0;

    cl.pane_top += d;
    if (cl.pane_top > max) {
        cl.pane_top = max;
    }
    if (cl.pane_top < 0) {
        cl.pane_top = 0;
    }
}

/* The confirmation of a plan: y/Enter applies, f applies the line as
 * meant, n/Esc cancels, Up/Down scroll the pane. */
static void confirm_key(hc_console *con, int key)
{
    if (key == 27 || key == 'n' || key == 'N') {
        end_confirm();
        pane_clear();
        hc_line_add(cl.pane, HC_TONE_WARN, NULL, "Cancelled.");
    } else if (!con->read_only && (key == 'y' || key == 'Y'
               || key == '\r' || key == '\n' || key == KEY_ENTER)) {
        apply_plan();
        end_confirm();
    } else if (!con->read_only && (key == 'f' || key == 'F')
               && cl.plan->advice && cl.plan->advice->fix) {
        apply_fix();
    } else if (key == KEY_UP || key == KEY_DOWN) {
        pane_scroll(key == KEY_UP ? -1 : 1);
    }
}

/* A key for readline, as the byte it binds. */
static void feed_readline(int key)
{
    int b = rl_byte(key);

    if (b < 0 || cl.qlen >= (int) G_N_ELEMENTS(cl.queue)) {
        return;
    }
    cl.queue[cl.qlen++] = b;
    while (cl.qlen && cl.state == CL_EDIT) {
        rl_callback_read_char();
    }
    cl.qlen = 0;
}

/* Every key while the line is open is the line's: the confirmation's, or
 * readline's. */
static hc_key_rc cmdline_key(hc_console *con, int key)
{
    con->all_dirty = true;
    if (key == KEY_PPAGE || key == KEY_NPAGE) {
        pane_scroll(key == KEY_PPAGE ? -(con->rows / 2) : con->rows / 2);
    } else if (cl.state == CL_CONFIRM) {
        confirm_key(con, key);
    } else if (key == 27) {
        close_prompt();
    } else {
        feed_readline(key);
    }
    return HC_KEY_DONE;
}

/* The prompt and the line, escaped, scrolled so that the cursor shows;
 * *cursor is the cursor's column. */
static char *cmdline_prompt(hc_console *con, int cols, int *cursor)
{
    const char *buf = rl_line_buffer ? rl_line_buffer : "";
    size_t point = rl_point >= 0 ? (size_t) rl_point : 0;
    char *before, *eb, *all, *ret;
    int w = 0;

    if (cl.state == CL_CONFIRM) {
        *cursor = -1;
        if (con->read_only) {
            return g_strdup("Read-only: not applied  [Esc] back");
        }
        return g_strdup(cl.plan && cl.plan->advice && cl.plan->advice->fix
                        ? "Apply? [Enter/y] as written  [f] as meant  "
                        "[Esc/n] cancel"
                        : "Apply? [Enter/y] apply  [Esc/n] cancel");
    }
    point = MIN(point, strlen(buf));
    before = g_strndup(buf, point);
    eb = esc(before);
    all = esc(buf);
    /* Columns of the escaped text before the cursor. */
    for (const char *p = eb; *p; p = g_utf8_next_char(p)) {
        int cw = wcwidth((wchar_t) g_utf8_get_char(p));

        w += cw > 0 ? cw : 1;
    }
    w += 1;                 /* the ':' */
    ret = g_strdup_printf(":%s", all);
    if (w >= cols && cols > 10) {
        /* Scroll: drop whole characters from the left. */
        int drop = w - cols + cols / 2, d = 0;
        char *p = ret;

        while (*p && d < drop) {
            int cw = wcwidth((wchar_t) g_utf8_get_char(p));

            d += cw > 0 ? cw : 1;
            p = g_utf8_next_char(p);
        }
        char *s = g_strdup_printf("<%s", p);

        g_free(ret);
        ret = s;
        w = w - d + 1;
    }
    *cursor = w;
    g_free(before);
    g_free(eb);
    g_free(all);
    return ret;
}

const hc_mode hc_mode_cmdline = {
    .name = "cmdline",
    .flags = HC_MODE_MOUSE | HC_MODE_KEEPS_MESSAGE,
    .open_key = ':',
    .active = cmdline_active,
    .open = cmdline_open,
    .key = cmdline_key,
    .prompt = cmdline_prompt,
    .pane = cmdline_pane,
    .end = cmdline_end,
};
