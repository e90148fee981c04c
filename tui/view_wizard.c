/* The guided setup's screen, on `w`: the tutorial's steps with their check
 * state, a step's plan as a scrollable preview, and Apply / Skip / Back /
 * Roll back with the step's progress while it runs.
 *
 * On the drbd step's plan, t runs the DRBD hand test (`hacon setup test
 * drbd`) the same way, after a confirmation that says what it does.
 *
 * Every check, plan and apply is `hacon setup ...` run as a child process
 * (the same engine and transcript as the command line): the CIB and
 * scheduler libraries are not thread-safe, a step can take minutes (a
 * cluster start, a move), and the console must keep drawing and answering.
 * The child's output is read from the loop through a non-blocking pipe and
 * shown line by line.  A running apply or rollback is never killed: the
 * console going away leaves it to finish (its commands have deadlines)
 * rather than half done without its rollback. */
#include "mode.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curses.h>
#include <glib-unix.h>

#include "exec.h"
#include "util.h"
#include "view_answers.h"
#include "wizard.h"

typedef enum wz_mode {
    WZ_LIST,        /* the steps and their state */
    WZ_PLAN,        /* one step's plan */
    WZ_RUN,         /* apply or rollback: its progress, then its result */
    WZ_ANSWERS,     /* the answers form (view_answers.c) */
} wz_mode;

typedef struct wz_step {
    char *name;
    char *state;    /* "done", "to do", "partly done", "blocked" */
    char *line;     /* as `hacon setup list` printed it */
} wz_step;

static struct {
    bool open;
    wz_mode mode;
    hc_console *con;
    GPtrArray *steps;       /* wz_step* */
    int sel, top;           /* list: selected step, first shown */
    bool sel_moved;         /* the admin moved it: a re-check keeps it */
    char *step;             /* the step of the plan or run */
    GPtrArray *text;        /* plan or run output, char* per line */
    int ptop;               /* first shown line of text */
    int rows;               /* body height at the last draw */
    GPtrArray *shown;       /* hc_line* handed to the screen */
    char confirm;           /* 'a', 'r', 'f' (apply before the steps
                             * it needs) or 't' (the DRBD hand test)
                             * while asking, else 0 */
    bool force;             /* the apply asked for goes with --force */
    char *unmet;            /* the steps it needs that are not done */
    char *message;          /* footer message, or NULL */
    bool detect_pending;    /* the form waits for the child to be free */
    /* The facts of the nodes, asked once the steps were first checked:
     * "storage=shared, shared_disk=/dev/drbd1", or NULL. */
    char *facts;
    bool facts_asked;
    char *plan_pending;     /* Enter while the facts were asked */
    bool list_pending;      /* a check of the steps, after that */
    char *result;           /* how the last run ended */
    hc_tone result_tone;
    /* The child. */
    char *verb;             /* list, plan, apply, rollback, test */
    pid_t pid;
    int fd;
    guint fd_src, tick_src;
    GString *partial;       /* an unfinished last line */
    /* The child's transcript records (HACON_TRANSCRIPT_FD): its commands
     * go to the console's Transcript view. */
    int tfd;
    guint tfd_src;
    GString *tpartial;
    bool eof, exited;
    int status;
    double started_ms;
} wz;

static void step_free(gpointer p)
{
    wz_step *s = p;

    g_free(s->name);
    g_free(s->state);
    g_free(s->line);
    g_free(s);
}

static void set_message(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void set_message(const char *fmt, ...)
{
    va_list ap;

    g_free(wz.message);
    va_start(ap, fmt);
    wz.message = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

static void redraw(void)
{
    if (wz.con) {
        wz.con->all_dirty = true;
        hc_console_redraw(wz.con);
    }
}

/* ---- the child ---------------------------------------------------------- */

static bool child_busy(void)
{
    return wz.pid > 0;
}

/* `hacon setup list`: "N name   state   title: why". */
static void parse_list(void)
{
    g_ptr_array_set_size(wz.steps, 0);
    for (guint i = 0; i < wz.text->len; i++) {
        const char *l = wz.text->pdata[i];
        static const char *const states[] = { "done", "partly done", "to do",
                                              "blocked" };
        char **f = g_strsplit_set(l, " ", 3);
        wz_step *s;

        if (g_strv_length(f) < 3 || !g_ascii_isdigit(f[0][0])) {
            g_strfreev(f);
            continue;
        }
        s = g_new0(wz_step, 1);
        s->name = g_strdup(f[1]);
        s->line = g_strdup(l);
        for (size_t k = 0; k < G_N_ELEMENTS(states); k++) {
            const char *rest = g_strchug(f[2]);

            if (g_str_has_prefix(rest, states[k])) {
                s->state = g_strdup(states[k]);
                break;
            }
        }
        if (!s->state) {
            s->state = g_strdup("?");
        }
        g_strfreev(f);
        g_ptr_array_add(wz.steps, s);
    }
    if (wz.sel >= (int) wz.steps->len) {
        wz.sel = 0;
    }
}

static void child_start(const char *verb, const char *step);
static void go_plan(const char *step);

/* The state the list shows for step name, or NULL. */
static const char *list_state(const char *name)
{
    for (guint i = 0; i < wz.steps->len; i++) {
        wz_step *s = wz.steps->pdata[i];

        if (!strcmp(s->name, name)) {
            return s->state;
        }
    }
    return NULL;
}

/* Whether s can be applied now: it is to do (or partly done) and every
 * step it builds on is done (a blocked step's dependents cannot be). */
static bool can_apply(const wz_step *s)
{
    const hc_step *st = hc_step_find(s->name);
    const char *const *need;

    if (strcmp(s->state, "to do") && strcmp(s->state, "partly done")) {
        return false;
    }
    need = st ? hc_step_prereqs(st, hc_wizard_cib_is_file(NULL)) : NULL;
    for (size_t i = 0; need && need[i]; i++) {
        const char *state = list_state(need[i]);

        if (state && strcmp(state, "done")) {
            return false;
        }
    }
    return true;
}

/* `hacon setup list` ended: the steps, and where the admin goes on: the
 * first step that can be applied (to do or partly done, the steps it
 * builds on done); when none can, the first blocked step, whose message
 * says what stands in the way. */
static void list_finished(int rc)
{
    parse_list();
    if (!wz.steps->len) {
        set_message("hacon setup list failed (exit %d)", rc);
    }
    if (wz.sel_moved && wz.sel < (int) wz.steps->len) {
        return;     /* where the admin put it, while it checked again */
    }
    wz.sel = -1;
    for (guint i = 0; i < wz.steps->len && wz.sel < 0; i++) {
        if (can_apply(wz.steps->pdata[i])) {
            wz.sel = (int) i;
        }
    }
    for (guint i = 0; i < wz.steps->len && wz.sel < 0; i++) {
        wz_step *s = wz.steps->pdata[i];

        if (!strcmp(s->state, "blocked")) {
            wz.sel = (int) i;
        }
    }
    for (guint i = 0; i < wz.steps->len && wz.sel < 0; i++) {
        wz_step *s = wz.steps->pdata[i];

        if (strcmp(s->state, "done")) {
            wz.sel = (int) i;
        }
    }
    if (wz.sel < 0) {
        wz.sel = 0;
    }
}

/* `hacon setup answers --detect` ended: the form gets its output, the list
 * the facts ("# detected: ..." then the answers' lines). */
static void detect_finished(int rc)
{
    GString *f = g_string_new(NULL);
    bool next = false;

    hc_answers_form_detected(wz.text, rc);
    for (guint i = 0; rc == 0 && i < wz.text->len; i++) {
        const char *l = wz.text->pdata[i];

        if (next && l[0] != '#') {
            g_string_append_printf(f, "%s%s", f->len ? ", " : "", l);
        }
        next = g_str_has_prefix(l, "# detected: ");
    }
    g_free(wz.facts);
    wz.facts = f->len ? g_string_free(f, FALSE)
                      : (g_string_free(f, TRUE), NULL);
}

/* The DRBD hand test ended: how, by its exit status (1: refused by its
 * prechecks, which change nothing, or a turn failed and was undone; the
 * output above says which). */
static void test_finished(int rc, double secs)
{
    g_free(wz.result);
    if (rc == 0) {
        wz.result = g_strdup_printf("DRBD test passed after %.1f s: each "
                                    "node read what the other wrote", secs);
        wz.result_tone = HC_TONE_GOOD;
    } else if (rc == 1) {
        wz.result = g_strdup_printf("DRBD test FAILED after %.1f s (see "
                                    "above)", secs);
        wz.result_tone = HC_TONE_BAD;
    } else {
        wz.result = g_strdup_printf("DRBD test not done (exit %d: %s)", rc,
                                    rc == 2 ? "bad answers or usage"
                                            : "killed");
        wz.result_tone = HC_TONE_BAD;
    }
    wz.ptop = 1 << 20;
}

/* An apply or a rollback ended: how, by its exit status. */
static void run_finished(int rc, double secs)
{
    bool apply = !strcmp(wz.verb, "apply");

    wz.sel_moved = false;   /* the next check selects the next step */
    if (!strcmp(wz.verb, "test")) {
        test_finished(rc, secs);
        return;
    }
    g_free(wz.result);
    if (rc == 0) {
        wz.result = g_strdup_printf("%s %s after %.1f s",
                                    apply ? "Applied and verified"
                                          : "Rolled back", wz.step, secs);
        wz.result_tone = HC_TONE_GOOD;
    } else if (rc == 1) {
        wz.result = g_strdup_printf("%s %s FAILED after %.1f s%s",
                                    apply ? "Step" : "Rollback of",
                                    wz.step, secs, apply
                                    ? "; rolled back (see above)" : "");
        wz.result_tone = HC_TONE_BAD;
    } else {
        wz.result = g_strdup_printf("%s %s: not done (exit %d: %s)",
                                    apply ? "Step" : "Rollback of",
                                    wz.step, rc, rc == 3 ? "blocked"
                                    : rc == 2 ? "bad answers or usage"
                                    : rc == 4 ? "a step it needs is not "
                                      "done; see above"
                                    : "killed");
        wz.result_tone = HC_TONE_BAD;
    }
    /* The end of the run in view. */
    wz.ptop = 1 << 20;
}

/* The child that waited for this one to end, if any. */
static void start_pending(const char *ended)
{
    if (!strcmp(ended, "list") && !wz.facts_asked && wz.mode == WZ_LIST) {
        /* What the nodes have, said on the list (the form shows why). */
        wz.facts_asked = true;
        wz.detect_pending = false;  /* this one feeds an open form too */
        child_start("detect", NULL);
    } else if (wz.plan_pending && wz.mode == WZ_LIST) {
        char *step = g_steal_pointer(&wz.plan_pending);

        go_plan(step);
        g_free(step);
    } else if (wz.detect_pending) {
        wz.detect_pending = false;
        child_start("detect", NULL);
    } else if (wz.list_pending && wz.mode == WZ_LIST) {
        wz.list_pending = false;
        child_start("list", NULL);
    }
}

static void child_finished(void)
{
    const char *v = wz.verb;
    int rc = WIFEXITED(wz.status) ? WEXITSTATUS(wz.status) : 128;
    double secs = (hc_now_ms() - wz.started_ms) / 1000.0;

    if (wz.tick_src) {
        g_source_remove(wz.tick_src);
        wz.tick_src = 0;
    }
    wz.pid = 0;
    if (!strcmp(v, "list")) {
        list_finished(rc);
    } else if (!strcmp(v, "detect")) {
        detect_finished(rc);
    } else if (!strcmp(v, "plan")) {
        if (rc != 0) {
            g_ptr_array_add(wz.text, g_strdup_printf(
                "The step cannot be planned (exit %d): it is blocked.", rc));
        }
    } else {
        run_finished(rc, secs);
    }
    start_pending(v);
    redraw();
}

/* Splits what came into lines; control characters never reach the screen
 * (the child escapes untrusted text already; this is a second fence). */
static void take_output(const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = buf[i];

        if (c == '\n') {
            g_ptr_array_add(wz.text, g_strdup(wz.partial->str));
            g_string_truncate(wz.partial, 0);
        } else if ((unsigned char) c < 0x20 || c == 0x7f
                   || ((unsigned char) c >= 0x80 && wz.con->ascii)) {
            g_string_append_c(wz.partial, c == '\t' ? ' ' : '?');
        } else if (wz.partial->len < 4096) {
            g_string_append_c(wz.partial, c);
        }
    }
}

/* Record lines into the transcript; a partial one waits for its end. */
static void take_records(bool all)
{
    char buf[4096];
    ssize_t n;

    while (wz.tfd >= 0) {
        n = read(wz.tfd, buf, sizeof(buf));
        if (n > 0) {
            g_string_append_len(wz.tpartial, buf, n);
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            || all) {
            if (wz.tfd_src) {
                g_source_remove(wz.tfd_src);
                wz.tfd_src = 0;
            }
            close(wz.tfd);
            wz.tfd = -1;
        }
        break;
    }
    for (;;) {
        char *nl = memchr(wz.tpartial->str, '\n', wz.tpartial->len);

        if (!nl) {
            break;
        }
        hc_transcript_add_record(wz.tpartial->str,
                                 (size_t) (nl - wz.tpartial->str));
        g_string_erase(wz.tpartial, 0, nl - wz.tpartial->str + 1);
    }
    /* A record never grows without end. */
    if (wz.tpartial->len > 64 * 1024 || (all && wz.tfd < 0)) {
        g_string_truncate(wz.tpartial, 0);
    }
}

static gboolean on_records(gint fd, GIOCondition cond, gpointer data)
{
    (void) fd;
    (void) cond;
    (void) data;
    take_records(false);
    if (wz.tfd < 0) {
        wz.tfd_src = 0;
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static void maybe_finished(void)
{
    if (wz.eof && wz.exited) {
        take_records(true);
        if (wz.partial->len) {
            take_output("\n", 1);
        }
        child_finished();
    }
}

static gboolean on_child_data(gint fd, GIOCondition cond, gpointer data)
{
    char buf[4096];
    ssize_t n;

    (void) cond;
    (void) data;
    for (;;) {
        n = read(fd, buf, sizeof(buf));
        if (n > 0) {
            take_output(buf, (size_t) n);
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        break;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (wz.mode == WZ_RUN) {
            wz.ptop = 1 << 20;      /* follow the progress */
        }
        redraw();
        return G_SOURCE_CONTINUE;
    }
    close(fd);
    wz.fd = -1;
    wz.fd_src = 0;
    wz.eof = true;
    maybe_finished();
    return G_SOURCE_REMOVE;
}

static void on_child_exit(GPid pid, gint status, gpointer data)
{
    (void) data;
    g_spawn_close_pid(pid);
    /* The connections it made held for the next child. */
    hc_exec_ssh_lend(0);
    wz.status = status;
    wz.exited = true;
    maybe_finished();
}

/* The elapsed time in the footer while a step runs. */
static gboolean on_tick(gpointer data)
{
    (void) data;
    redraw();
    return G_SOURCE_CONTINUE;
}

/* self setup VERB [STEP] [--answers F] [--yes] [--force] into argv (at
 * most 10; borrowed strings). */
static void setup_argv(const char **argv, char *self, const char *verb,
                       const char *step)
{
    const char *answers = hc_answers_file();
    int n = 0;

    argv[n++] = self;
    argv[n++] = "setup";
    if (!strcmp(verb, "detect")) {
        argv[n++] = "answers";
        argv[n++] = "--detect";
    } else {
        argv[n++] = verb;
    }
    if (step) {
        argv[n++] = step;
    }
    if (answers && *answers) {
        argv[n++] = "--answers";
        argv[n++] = answers;
    }
    if (!strcmp(verb, "apply") || !strcmp(verb, "rollback")
        || !strcmp(verb, "test")) {
        argv[n++] = "--yes";
    }
    if (!strcmp(verb, "apply") && wz.force) {
        argv[n++] = "--force";
    }
    argv[n] = NULL;
}

/* In the child: its own process group, away from the terminal's signals;
 * a console that quits closes the pipe, and the step goes on to its end
 * (EPIPE, not SIGPIPE) instead of dying half applied.  Its output to
 * out_fd, its transcript records to descriptor 3. */
G_GNUC_NORETURN static void exec_setup(const char *self, const char **argv,
                                       char **envp, int out_fd, int rec_fd)
{
    int nul = open("/dev/null", O_RDONLY);

    setpgid(0, 0);
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, SIG_DFL);
    if (nul >= 0) {
        dup2(nul, STDIN_FILENO);
    }
    dup2(out_fd, STDOUT_FILENO);
    dup2(out_fd, STDERR_FILENO);
    if (rec_fd == 3) {
        fcntl(3, F_SETFD, 0);
    } else if (rec_fd >= 0) {
        dup2(rec_fd, 3);
    }
    execve(self, (char **) argv, envp);
    _exit(127);
}

static void follow_child(const char *verb, pid_t pid, int fd, int tfds[2]);

/* Runs `hacon setup VERB [STEP] [--answers F] [--yes]`, this same binary. */
static void child_start(const char *verb, const char *step)
{
    char *self = g_file_read_link("/proc/self/exe", NULL);
    const char *argv[10];
    int fds[2], tfds[2];
    char **envp;
    pid_t pid;

    if (!self) {
        set_message("cannot find the hacon binary (/proc/self/exe)");
        return;
    }
    setup_argv(argv, self, verb, step);
    if (pipe2(fds, O_CLOEXEC) < 0) {
        set_message("cannot make a pipe: %s", strerror(errno));
        g_free(self);
        return;
    }
    if (pipe2(tfds, O_CLOEXEC) < 0) {
        tfds[0] = tfds[1] = -1;
    }
    /* The records come on descriptor 3 of the child; its commands on a
     * node go over the console's connection there (HACON_SSH_OWNER). */
    envp = g_environ_setenv(g_get_environ(), "HACON_TRANSCRIPT_FD",
                            tfds[1] >= 0 ? "3" : "", TRUE);
    {
        char owner[24];

        snprintf(owner, sizeof(owner), "%ld", (long) getpid());
        envp = g_environ_setenv(envp, "HACON_SSH_OWNER", owner, TRUE);
    }
    pid = fork();
    if (pid < 0) {
        set_message("cannot fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        if (tfds[0] >= 0) {
            close(tfds[0]);
            close(tfds[1]);
        }
        g_strfreev(envp);
        g_free(self);
        return;
    }
    if (pid == 0) {
        exec_setup(self, argv, envp, fds[1], tfds[1]);
    }
    close(fds[1]);
    g_strfreev(envp);
    g_free(self);
    hc_exec_ssh_lend(pid);
    follow_child(verb, pid, fds[0], tfds);
}

/* The new child's output, records and end are followed from the loop. */
static void follow_child(const char *verb, pid_t pid, int fd, int tfds[2])
{
    if (wz.tfd >= 0) {
        take_records(true);     /* what the last child left */
    }
    if (tfds[0] >= 0) {
        close(tfds[1]);
        g_unix_set_fd_nonblocking(tfds[0], TRUE, NULL);
        wz.tfd = tfds[0];
        wz.tfd_src = g_unix_fd_add(tfds[0], G_IO_IN | G_IO_HUP | G_IO_ERR,
                                   on_records, NULL);
    }
    g_unix_set_fd_nonblocking(fd, TRUE, NULL);
    g_free(wz.verb);
    wz.verb = g_strdup(verb);
    wz.pid = pid;
    wz.fd = fd;
    wz.eof = wz.exited = false;
    wz.status = 0;
    wz.started_ms = hc_now_ms();
    g_string_truncate(wz.partial, 0);
    g_ptr_array_set_size(wz.text, 0);
    wz.fd_src = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
                              on_child_data, NULL);
    g_child_watch_add(pid, on_child_exit, NULL);
    wz.tick_src = g_timeout_add_seconds(1, on_tick, NULL);
}

/* ---- modes -------------------------------------------------------------- */

static void go_list(void)
{
    wz.mode = WZ_LIST;
    wz.confirm = 0;
    g_clear_pointer(&wz.step, g_free);
    child_start("list", NULL);
}

static void go_plan(const char *step)
{
    g_free(wz.step);
    wz.step = g_strdup(step);
    wz.mode = WZ_PLAN;
    wz.ptop = 0;
    wz.confirm = 0;
    child_start("plan", step);
}

static void go_run(const char *verb)
{
    wz.mode = WZ_RUN;
    wz.ptop = 0;
    wz.confirm = 0;
    g_clear_pointer(&wz.result, g_free);
    child_start(verb, wz.step);
}

/* The answers form, focused on an answer; the facts of the nodes are
 * asked as soon as no other child runs. */
static void go_answers(const char *focus)
{
    hc_answers_form_open(wz.con, focus);
    wz.mode = WZ_ANSWERS;
    wz.confirm = 0;
    if (child_busy() && strcmp(wz.verb, "detect")) {
        wz.detect_pending = true;
    } else if (!child_busy()) {
        child_start("detect", NULL);
    }
}

/* The answer that unblocks the selected step or the plan on the screen,
 * as its message names it. */
static const char *answer_to_unblock(void)
{
    const char *key = NULL;

    if (wz.mode == WZ_PLAN) {
        for (guint i = 0; i < wz.text->len && !key; i++) {
            key = hc_answers_named_in(wz.text->pdata[i]);
        }
    } else if (wz.sel < (int) wz.steps->len) {
        wz_step *s = wz.steps->pdata[wz.sel];

        key = hc_answers_named_in(s->line);
        /* Else the first blocked step's: what stands in the way. */
        for (guint i = 0; i < wz.steps->len && !key; i++) {
            s = wz.steps->pdata[i];
            if (!strcmp(s->state, "blocked")) {
                key = hc_answers_named_in(s->line);
            }
        }
    }
    return key;
}

static bool wizard_active(const hc_console *con)
{
    (void) con;
    return wz.open;
}

static void wizard_open(hc_console *con)
{
    if (!wz.steps) {
        wz.steps = g_ptr_array_new_with_free_func(step_free);
        wz.text = g_ptr_array_new_with_free_func(g_free);
        wz.shown = g_ptr_array_new_with_free_func(hc_line_free);
        wz.partial = g_string_new(NULL);
        wz.tpartial = g_string_new(NULL);
        wz.fd = -1;
        wz.tfd = -1;
    }
    wz.con = con;
    wz.open = true;
    wz.sel_moved = false;
    wz.facts_asked = false;
    g_clear_pointer(&wz.message, g_free);
    con->all_dirty = true;
    if (!child_busy()) {
        go_list();
    }
}

/* ---- drawing ------------------------------------------------------------ */

static hc_tone state_tone(const char *state)
{
    if (!strcmp(state, "done")) {
        return HC_TONE_GOOD;
    }
    if (!strcmp(state, "blocked")) {
        return HC_TONE_BAD;
    }
    return HC_TONE_WARN;
}

/* The tone of a line of a plan or of a run's output. */
static hc_tone text_tone(const char *l)
{
    static const char *const titles[] = { "Step ", "Notes:", "Files:",
        "Commands:", "CIB change", "crm_verify", "What the cluster",
        "The same in crm shell", "Applying step", "Nothing to do",
        "Summary:", "crm_simulate -S of" };

    if (g_str_has_prefix(l, "WARNING") || strstr(l, "FAILED")
        || strstr(l, "failed:")) {
        return g_str_has_prefix(l, "WARNING") ? HC_TONE_WARN : HC_TONE_BAD;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(titles); i++) {
        if (g_str_has_prefix(l, titles[i])) {
            return HC_TONE_TITLE;
        }
    }
    if (g_str_has_prefix(l, "    +") && !g_str_has_prefix(l, "    +++")) {
        return HC_TONE_GOOD;
    }
    if (g_str_has_prefix(l, "    -") && !g_str_has_prefix(l, "    ---")) {
        return HC_TONE_WARN;
    }
    if (g_str_has_prefix(l, "  ... ")) {
        return HC_TONE_DIM;
    }
    return HC_TONE_NORMAL;
}

/* Adds a line, wrapped at the screen's width (continuations indented):
 * a plan's notes are long sentences.  The text is display-safe already:
 * the child's output went through take_output(), and anything else is
 * passed through hc_con_esc() by the caller. */
static void add(hc_tone tone, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void add(hc_tone tone, const char *fmt, ...)
{
    int width = wz.con->cols > 20 ? wz.con->cols : 80;
    va_list ap;
    char *raw;
    const char *p;
    bool first = true;

    va_start(ap, fmt);
    raw = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    p = raw;
    do {
        int room = first ? width : width - 4;
        const char *end = p;

        /* Characters, not bytes; invalid UTF-8 counts a byte each. */
        for (int n = 0; *end && n < room; n++) {
            const char *next = g_utf8_find_next_char(end, NULL);

            end = next && g_utf8_validate(end, next - end, NULL) ? next
                                                                 : end + 1;
        }
        /* At a space when there is one in the second half of the row. */
        if (*end) {
            const char *sp = end;

            while (sp > p + room / 2 && *sp != ' ') {
                sp--;
            }
            if (*sp == ' ' && sp > p + room / 2) {
                end = sp + 1;
            }
        }
        hc_line_add(wz.shown, tone, NULL, "%s%.*s", first ? "" : "    ",
                    (int) (end - p), p);
        first = false;
        p = end;
    } while (*p);
    g_free(raw);
}

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* The steps with their state, the selected one kept on the screen. */
static void list_lines(hc_console *con, int rows, int *top, int *sel)
{
    const char *answers = hc_answers_file();
    char *a = hc_con_esc(con, answers ? answers : "the defaults", 0);
    bool again = child_busy() && !strcmp(wz.verb, "list") && wz.steps->len;

    add(HC_TONE_TITLE, "Guided setup: the tutorial's steps, as hacon does "
        "them (answers: %s; e edits them)", a);
    g_free(a);
    if (con->read_only) {
        add(HC_TONE_WARN, "Read-only: plans can be read; Apply and "
            "Roll back are off.");
    }
    if (wz.facts) {
        char *f = hc_con_esc(con, wz.facts, 0);

        add(HC_TONE_GOOD, "Detected on the nodes: %s (not used until "
            "saved: e shows why, s there saves)", f);
        g_free(f);
    }
    /* The states below are the last check's until this one ends. */
    if (again) {
        add(HC_TONE_WARN, "re-checking every step on both nodes... "
            "%.0f s (the states below are from before)",
            (hc_now_ms() - wz.started_ms) / 1000.0);
    } else {
        add(HC_TONE_NORMAL, "%s", "");
    }
    if (child_busy() && !wz.steps->len) {
        add(HC_TONE_DIM, "checking every step on both nodes... %.0f s",
            (hc_now_ms() - wz.started_ms) / 1000.0);
    }
    for (guint i = 0; i < wz.steps->len; i++) {
        wz_step *s = wz.steps->pdata[i];

        if ((int) i == wz.sel) {
            *sel = (int) wz.shown->len;
        }
        add(again ? HC_TONE_DIM : state_tone(s->state), "%s", s->line);
    }
    if (child_busy() && wz.steps->len) {
        add(HC_TONE_DIM, "checking again... %.0f s",
            (hc_now_ms() - wz.started_ms) / 1000.0);
    }
    *top = 0;
    if (*sel >= rows) {
        *top = *sel - rows + 1;
    }
}

/* A plan, or an apply's or rollback's output with how it ended, from the
 * scroll offset. */
static void text_lines(int rows, int *top)
{
    if (wz.mode == WZ_RUN && wz.result) {
        add(wz.result_tone, "%s", wz.result);
    } else if (wz.mode == WZ_RUN && !strcmp(wz.verb, "test")) {
        add(HC_TONE_TITLE, "Testing DRBD by hand: running for %.0f s (the "
            "console stays live; if it goes away, the test still ends with "
            "DRBD as it was)", (hc_now_ms() - wz.started_ms) / 1000.0);
    } else if (wz.mode == WZ_RUN) {
        add(HC_TONE_TITLE, "%s %s: running for %.0f s (the console stays "
            "live; the step has its deadlines)",
            !strcmp(wz.verb, "apply") ? "Applying" : "Rolling back", wz.step,
            (hc_now_ms() - wz.started_ms) / 1000.0);
    }
    if (wz.confirm == 't') {
        /* What y starts, above the plan. */
        add(HC_TONE_WARN, "Test DRBD by hand (hacon setup test drbd), as "
            "the tutorial does before Pacemaker takes the resource over: "
            "the node where it is Primary (else this one) promotes it, "
            "mounts it on the mountpoint, writes a file, unmounts and "
            "demotes it; the other node does the same, reads that file "
            "back and writes its own; the first reads that one and "
            "removes it. The roles of before are restored.");
        add(HC_TONE_WARN, "Refused while Pacemaker manages the resource, "
            "while it is not Connected and UpToDate on both nodes or its "
            "device is mounted. Once begun it runs to its end, even if the "
            "console goes away.");
        add(HC_TONE_NORMAL, "%s", "");
    }
    for (guint i = 0; i < wz.text->len; i++) {
        const char *l = wz.text->pdata[i];

        add(text_tone(l), "%s", l);
    }
    if (wz.partial->len && child_busy()) {
        add(HC_TONE_DIM, "%s", wz.partial->str);
    }
    if (child_busy() && wz.mode == WZ_PLAN) {
        add(HC_TONE_DIM, "computing the plan (the crm_simulate preview "
            "included)... %.0f s", (hc_now_ms() - wz.started_ms) / 1000.0);
    }
    if (wz.mode == WZ_RUN && wz.result) {
        add(wz.result_tone, "%s", wz.result);
    }
    wz.ptop = clamp(wz.ptop, 0, MAX((int) wz.shown->len - rows, 0));
    *top = wz.ptop;
}

static void wizard_body(hc_console *con, int rows, hc_mode_body *b)
{
    wz.rows = rows;
    g_ptr_array_set_size(wz.shown, 0);
    b->sel = -1;
    if (wz.mode == WZ_ANSWERS) {
        hc_answers_form_lines(con, wz.shown, rows, &b->top, &b->sel);
    } else if (wz.mode == WZ_LIST) {
        list_lines(con, rows, &b->top, &b->sel);
    } else {
        text_lines(rows, &b->top);
    }
    b->lines = wz.shown;
}

/* "line 19 of 240": where the screen is in a plan or a run's output
 * (the first line shown, of all). */
static void line_of(char *buf, size_t n)
{
    int total = wz.shown ? (int) wz.shown->len : 0;

    snprintf(buf, n, "line %d of %d", total ? MIN(wz.ptop + 1, total) : 0,
             total);
}

static const char *wizard_footer(const hc_console *con)
{
    static char buf[256];

    if (wz.mode == WZ_ANSWERS) {
        return hc_answers_form_footer(con);
    }
    if (wz.confirm == 'f') {
        snprintf(buf, sizeof(buf), "F: apply %s anyway  n/Esc: no  (NOT "
                 "DONE before it: %s)", wz.step, wz.unmet ? wz.unmet : "?");
    } else if (wz.confirm == 't') {
        snprintf(buf, sizeof(buf), "Run the DRBD test (switches DRBD over "
                 "and back, see above)? y: yes  n/Esc: no");
    } else if (wz.confirm) {
        snprintf(buf, sizeof(buf), "%s step %s? y: yes  n/Esc: no",
                 wz.confirm == 'a' ? "Apply" : "Roll back", wz.step);
    } else if (wz.message) {
        snprintf(buf, sizeof(buf), "%s", wz.message);
    } else if (wz.mode == WZ_LIST && child_busy()
               && !strcmp(wz.verb, "list")) {
        snprintf(buf, sizeof(buf), "%s every step... %.0f s  e Answers  "
                 "Esc Back", wz.steps->len ? "re-checking" : "checking",
                 (hc_now_ms() - wz.started_ms) / 1000.0);
    } else if (wz.mode == WZ_LIST) {
        snprintf(buf, sizeof(buf), "Enter Plan  e Answers  Up/Down Step  "
                 "l Check again  Esc Back");
    } else if (wz.mode == WZ_PLAN && child_busy()) {
        /* No a Apply before the plan is complete (a would only get "the
         * plan is still being made"); its progress line may be below the
         * fold once the plan's text fills the screen. */
        snprintf(buf, sizeof(buf), "computing the plan... %.0f s  "
                 "Up/Down/PgUp/PgDn Scroll",
                 (hc_now_ms() - wz.started_ms) / 1000.0);
    } else if (wz.mode == WZ_PLAN) {
        const char *key = answer_to_unblock();
        char where[48];

        line_of(where, sizeof(where));
        if (key) {
            snprintf(buf, sizeof(buf), "%s  e Answer %s  %sa Apply  %s"
                     "s Skip  b/Esc Back", where, key,
                     con->read_only ? "(read-only) " : "",
                     wz.step && !strcmp(wz.step, "drbd") ? "t Test  " : "");
        } else if (wz.step && !strcmp(wz.step, "drbd")) {
            snprintf(buf, sizeof(buf), "%s  %sa Apply  t Test  s Skip  "
                     "r Roll back  e Answers  b/Esc Back", where,
                     con->read_only ? "(read-only) " : "");
        } else {
            snprintf(buf, sizeof(buf), "%s  %sa Apply  s Skip  r Roll back  "
                     "e Answers  b/Esc Back", where,
                     con->read_only ? "(read-only) " : "");
        }
    } else if (child_busy()) {
        snprintf(buf, sizeof(buf), "%s %s: running for %.0f s  "
                 "Up/Down/PgUp/PgDn Scroll", wz.verb, wz.step,
                 (hc_now_ms() - wz.started_ms) / 1000.0);
    } else {
        char where[48];

        line_of(where, sizeof(where));
        snprintf(buf, sizeof(buf), "%s  Enter/Esc Back to the steps  "
                 "PgUp/PgDn Scroll", where);
    }
    return buf;
}

/* ---- keys --------------------------------------------------------------- */

static wz_step *selected(void)
{
    return wz.sel < (int) wz.steps->len ? wz.steps->pdata[wz.sel] : NULL;
}

static void scroll_key(int key)
{
    int page = wz.rows > 1 ? wz.rows - 1 : 1;

    switch (key) {
    case KEY_UP:
    case 'k':
        wz.ptop--;
        break;
    case KEY_DOWN:
    case 'j':
        wz.ptop++;
        break;
    case KEY_PPAGE:
        wz.ptop -= page;
        break;
    case KEY_NPAGE:
    case ' ':
        wz.ptop += page;
        break;
    case KEY_HOME:
    case 'g':
        wz.ptop = 0;
        break;
    case KEY_END:
    case 'G':
        wz.ptop = 1 << 20;
        break;
    default:
        break;
    }
}

static void confirm_key(hc_console *con, int key)
{
    char what = wz.confirm;

    wz.confirm = 0;
    /* Applying before the steps it needs: only a capital F. */
    if (what == 'f' ? key != 'F' : key != 'y' && key != 'Y') {
        set_message("not done");
        return;
    }
    if (con->read_only) {
        set_message("read-only: not done");
        return;
    }
    wz.force = what == 'f';
    go_run(what == 'r' ? "rollback" : what == 't' ? "test" : "apply");
    wz.force = false;
}

/* The steps the plan's step needs that the list does not show done, or
 * NULL (g_free). */
static char *unmet_prereqs(void)
{
    const hc_step *s = wz.step ? hc_step_find(wz.step) : NULL;
    const char *const *need;
    GString *out;

    if (!s) {
        return NULL;
    }
    need = hc_step_prereqs(s, hc_wizard_cib_is_file(NULL));
    out = g_string_new(NULL);
    for (size_t i = 0; need[i]; i++) {
        for (guint k = 0; k < wz.steps->len; k++) {
            wz_step *x = wz.steps->pdata[k];

            if (!strcmp(x->name, need[i]) && strcmp(x->state, "done")) {
                g_string_append_printf(out, "%s%s (%s)", out->len ? ", " : "",
                                       x->name, x->state);
            }
        }
    }
    if (!out->len) {
        g_string_free(out, TRUE);
        return NULL;
    }
    return g_string_free(out, FALSE);
}

/* The answers form has the keys; once it closed, the steps are checked
 * again with what it saved. */
static void answers_key(hc_console *con, int key)
{
    bool saved;

    hc_answers_form_key(con, key);
    if (hc_answers_form_active()) {
        return;
    }
    saved = hc_answers_form_saved();
    if (saved) {
        g_clear_pointer(&wz.facts, g_free);
        wz.sel_moved = false;   /* new answers: the next step again */
    }
    if (child_busy()) {
        wz.mode = WZ_LIST;
        set_message("%s", saved ? "answers saved: the steps are "
                    "checked again once this check ends"
                    : "answers not changed");
        if (saved) {
            wz.list_pending = true;
        }
    } else {
        go_list();
        if (saved) {
            set_message("answers saved to %s: the steps use them "
                        "from now on", hc_answers_file());
        }
    }
}

/* Enter on a step: its plan, once the check (or the facts) ended. */
static void open_plan(void)
{
    wz_step *s = selected();

    if (s && !child_busy()) {
        go_plan(s->name);
    } else if (s && !strcmp(wz.verb, "detect")) {
        /* The facts take a moment; the plan follows them. */
        g_free(wz.plan_pending);
        wz.plan_pending = g_strdup(s->name);
    } else if (child_busy()) {
        set_message("still checking the steps");
    }
}

static void list_key(int key)
{
    switch (key) {
    case KEY_UP:
    case 'k':
        wz.sel = MAX(wz.sel - 1, 0);
        wz.sel_moved = true;
        break;
    case KEY_DOWN:
    case 'j':
        wz.sel = MIN(wz.sel + 1, MAX((int) wz.steps->len - 1, 0));
        wz.sel_moved = true;
        break;
    case '\r':
    case '\n':
    case KEY_ENTER:
    case 'p':
        open_plan();
        break;
    case 'l':
        if (!child_busy()) {
            go_list();
        } else if (strcmp(wz.verb, "list")) {
            wz.list_pending = true;     /* after the facts */
        }
        break;
    case 'e':
        go_answers(answer_to_unblock());
        break;
    case 27:
    case 'q':
    case 'w':
    case KEY_BACKSPACE:
        wz.open = false;
        break;
    default:
        break;
    }
}

/* a or r on a plan: asks first (F when steps it needs are not done);
 * t on the drbd step's plan: the DRBD hand test, asked first too. */
static void ask_apply(hc_console *con, int key)
{
    if (key == 't' && (!wz.step || strcmp(wz.step, "drbd"))) {
        set_message("t tests DRBD: on the drbd step's plan");
    } else if (con->read_only) {
        set_message("read-only (--read-only or no write access): "
                    "Apply and Roll back are off");
    } else if (child_busy()) {
        set_message("the plan is still being made");
    } else {
        g_free(wz.unmet);
        wz.unmet = key == 'a' ? unmet_prereqs() : NULL;
        wz.confirm = wz.unmet ? 'f' : (char) key;
        if (key == 't') {
            wz.ptop = 0;    /* what the test does, on top */
        }
    }
}

static void plan_key(hc_console *con, int key)
{
    switch (key) {
    case 'a':
    case 'r':
    case 't':
        ask_apply(con, key);
        break;
    case 'e':
        go_answers(answer_to_unblock());
        break;
    case 's':
        /* Skip: on to the next step's plan, nothing done. */
        if (!child_busy() && wz.sel + 1 < (int) wz.steps->len) {
            wz.sel++;
            go_plan(selected()->name);
        } else if (!child_busy()) {
            go_list();
        }
        break;
    case 27:
    case 'b':
    case 'q':
    case KEY_BACKSPACE:
    case KEY_LEFT:
        if (!child_busy()) {
            go_list();
        } else {
            set_message("the plan is still being made");
        }
        break;
    default:
        scroll_key(key);
        break;
    }
}

/* An apply or a rollback: its output scrolls; it is never stopped. */
static void run_key(int key)
{
    switch (key) {
    case 27:
    case 'b':
    case 'q':
    case '\r':
    case '\n':
    case KEY_ENTER:
    case KEY_BACKSPACE:
        if (child_busy() && !strcmp(wz.verb, "test")) {
            set_message("the DRBD test is running: it ends by itself, "
                        "with DRBD as it was before");
        } else if (child_busy()) {
            set_message("the step is running: it ends by itself (apply, "
                        "verify, or its rollback)");
        } else {
            go_list();
        }
        break;
    default:
        scroll_key(key);
        break;
    }
}

static hc_key_rc wizard_key(hc_console *con, int key)
{
    g_clear_pointer(&wz.message, g_free);
    con->all_dirty = true;
    if (key == KEY_F(10)) {
        return HC_KEY_QUIT;
    }
    if (wz.confirm) {
        confirm_key(con, key);
        return HC_KEY_DONE;
    }
    switch (wz.mode) {
    case WZ_ANSWERS:
        answers_key(con, key);
        break;
    case WZ_LIST:
        list_key(key);
        break;
    case WZ_PLAN:
        plan_key(con, key);
        break;
    default:
        run_key(key);
        break;
    }
    return HC_KEY_DONE;
}

const hc_mode hc_mode_wizard = {
    .name = "setup",
    .flags = HC_MODE_KEEPS_MESSAGE,
    .open_key = 'w',
    .active = wizard_active,
    .open = wizard_open,
    .key = wizard_key,
    .body = wizard_body,
    .footer = wizard_footer,
};
