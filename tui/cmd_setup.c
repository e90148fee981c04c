/* hacon setup list|plan|apply|rollback|answers: the guided setup without
 * the console, for scripts and tests.  The same engine (core/wizard.c) and
 * the same transcript; progress lines go to stdout as they happen, so that
 * the console can run `hacon setup apply STEP --yes` as a child and
 * follow it. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib.h>

#include "commands.h"
#include "exec.h"
#include "util.h"
#include "wizard.h"

static void print_progress(const char *line, void *data)
{
    char *e = hc_escape_text(line, 0, false);

    printf("  ... %s\n", e);
    fflush(stdout);
    g_free(e);
}

static int do_list(hc_wizard *w)
{
    size_t n;
    const hc_step *const *steps = hc_steps(&n);
    hc_wizard_pass_result *res = g_new0(hc_wizard_pass_result, n + 1);

    /* One pass: every step at once, each fact asked once. */
    hc_wizard_check_all(w, steps, n, res);
    for (size_t i = 0; i < n; i++) {
        char *e = hc_escape_text(res[i].why ? res[i].why : "", 0, false);

        printf("%zu %-10s %-12s %s%s%s\n", i + 1, steps[i]->name,
               hc_step_state_str(res[i].state), steps[i]->title,
               *e ? ": " : "", e);
        g_free(e);
        g_free(res[i].why);
    }
    g_free(res);
    return 0;
}

static bool confirm(const char *what, bool yes)
{
    char line[16];

    if (yes) {
        return true;
    }
    if (!isatty(0)) {
        fprintf(stderr, "hacon setup: not a terminal: pass --yes to %s\n",
                what);
        return false;
    }
    printf("%s? [y/N] ", what);
    fflush(stdout);
    return fgets(line, sizeof(line), stdin) && (line[0] == 'y'
                                                || line[0] == 'Y');
}

/* As wipefs and mkfs do: destroying data takes typing its name. */
static bool confirm_typed(const GPtrArray *names)
{
    char line[256];

    if (!isatty(0)) {
        return true;    /* the --overwrite on the command line named it */
    }
    for (guint i = 0; i < names->len; i++) {
        const char *n = names->pdata[i];

        printf("This destroys what %s holds. Type %s to go on: ", n, n);
        fflush(stdout);
        if (!fgets(line, sizeof(line), stdin)) {
            return false;
        }
        line[strcspn(line, "\n")] = 0;
        if (strcmp(line, n)) {
            printf("Not the same: nothing done.\n");
            return false;
        }
    }
    return true;
}

static int do_plan_apply(hc_wizard *w, const hc_step *s, bool apply, bool yes,
                         bool force)
{
    hc_plan *p = NULL;
    char *err = NULL, *cp = NULL;
    GString *out, *unmet = NULL;
    int rc = hc_wizard_plan(w, s, &p, &err), n_unmet = 0;

    if (rc < 0) {
        /* Escaped line by line: a reason may have several. */
        GString *m = g_string_new(err);
        char **l, *e;

        hc_wizard_answers_hint(m);
        l = g_strsplit(m->str, "\n", -1);
        g_string_free(m, TRUE);
        fprintf(stderr, "hacon setup: step %s cannot be planned:", s->name);
        for (char **q = l; *q; q++) {
            e = hc_escape_text(*q, 0, false);
            fprintf(stderr, "%s%s\n", q == l ? " " : "", e);
            g_free(e);
        }
        g_strfreev(l);
        g_free(err);
        /* Often because a step before it is not done: said. */
        unmet = g_string_new(NULL);
        if (hc_wizard_prereqs(w, s, unmet) > 0) {
            e = hc_escape_text(unmet->str, 0, false);
            fprintf(stderr, "hacon setup: step %s needs first: %s\n",
                    s->name, e);
            g_free(e);
        }
        g_string_free(unmet, TRUE);
        return 3;
    }
    if (!p->empty) {
        /* What this step builds on must be done first: said at the top of
         * the plan, and apply refuses without --force. */
        unmet = g_string_new(NULL);
        n_unmet = hc_wizard_prereqs(w, s, unmet);
        if (n_unmet < 0) {
            g_string_assign(unmet, "the steps before it (they cannot be "
                            "checked)");
            n_unmet = 1;
        }
        if (n_unmet > 0) {
            g_ptr_array_insert(p->warnings, 0, g_strdup_printf(
                "NOT READY: this step needs %s done first: %s. Apply %s "
                "first; applying %s now needs an explicit override "
                "(--force; in the console F).", n_unmet > 1
                ? "these steps" : "this step", unmet->str, n_unmet > 1
                ? "them" : "it", s->name));
        }
    }
    out = g_string_new(NULL);
    hc_plan_format(s, p, out);
    fwrite(out->str, 1, out->len, stdout);
    g_string_free(out, TRUE);
    if (!apply || p->empty) {
        if (unmet) {
            g_string_free(unmet, TRUE);
        }
        hc_plan_free(p);
        return 0;
    }
    printf("\n");
    if (n_unmet > 0 && !force) {
        char *e = hc_escape_text(unmet->str, 0, false);

        printf("NOT APPLIED: step %s needs first: %s\n", s->name, e);
        fprintf(stderr, "hacon setup: step %s not applied: it needs first: "
                "%s (--force applies it anyway)\n", s->name, e);
        g_free(e);
        g_string_free(unmet, TRUE);
        hc_plan_free(p);
        return 4;
    }
    if (n_unmet > 0) {
        char *e = hc_escape_text(unmet->str, 0, false);

        printf("Applying %s with --force, before: %s\n", s->name, e);
        g_free(e);
    }
    if (unmet) {
        g_string_free(unmet, TRUE);
    }
    if (p->warnings->len && hc_wizard_overwrites(w) && !yes
        && !confirm_typed(hc_wizard_overwrites(w))) {
        hc_plan_free(p);
        return 2;
    }
    if (!confirm("Apply", yes)) {
        hc_plan_free(p);
        return 2;
    }
    printf("Applying step %s (Ctrl-C: the step is rolled back once its "
           "current command ends):\n", s->name);
    fflush(stdout);
    {
        /* Interrupted half way, the step would leave the cluster half
         * changed: the signals wait until apply and verify (or their
         * rollback) are through; an interrupted apply is then rolled back
         * to its checkpoint, and the signal ends the command as it would
         * have.  The commands run in process groups of their own: the
         * terminal's Ctrl-C does not reach them. */
        sigset_t hold, old, pending;
        bool interrupted;

        sigemptyset(&hold);
        sigaddset(&hold, SIGINT);
        sigaddset(&hold, SIGTERM);
        sigaddset(&hold, SIGHUP);
        sigaddset(&hold, SIGQUIT);
        sigprocmask(SIG_BLOCK, &hold, &old);
        rc = hc_wizard_apply(w, s, p, &cp, &err);
        sigpending(&pending);
        interrupted = false;
        /* A signal the caller ignores (the console's child ignores SIGINT
         * and SIGHUP) is pending while held, and interrupts nothing. */
        for (int sig = 1; sig < NSIG; sig++) {
            struct sigaction sa;

            if (sigismember(&hold, sig) == 1
                && sigismember(&pending, sig) == 1
                && sigaction(sig, NULL, &sa) == 0
                && sa.sa_handler != SIG_IGN) {
                interrupted = true;
            }
        }
        if (interrupted && rc == 0) {
            char *rerr = NULL;

            printf("Interrupted: rolling step %s back.\n", s->name);
            fflush(stdout);
            if (hc_wizard_rollback(w, s, &rerr) < 0) {
                char *e = hc_escape_text(rerr, 0, false);

                printf("ROLLBACK FAILED: %s (checkpoint %s)\n", e,
                       cp ? cp : "-");
                g_free(e);
            } else {
                printf("Step %s rolled back (interrupted).\n", s->name);
            }
            g_free(rerr);
            fflush(stdout);
        }
        hc_plan_free(p);
        if (rc < 0) {
            char *e = hc_escape_text(err, 0, false);

            printf("FAILED: %s\n", e);
            fprintf(stderr, "hacon setup: step %s failed: %s\n", s->name,
                    e);
            g_free(e);
            g_free(err);
        }
        fflush(stdout);
        /* The held signal, if any, ends the command now. */
        sigprocmask(SIG_SETMASK, &old, NULL);
        if (rc < 0 || interrupted) {
            g_free(cp);
            return 1;
        }
    }
    printf("Step %s applied and verified (checkpoint %s; `hacon setup "
           "rollback %s` returns to it).\n", s->name, cp ? cp : "-", s->name);
    g_free(cp);
    return 0;
}

/* Reads a line from the terminal without echo (the terminal's mode
 * restored after); NULL at end of input. */
static char *read_secret(const char *prompt)
{
    struct termios old, quiet;
    char line[512], *r = NULL;
    bool tty = tcgetattr(0, &old) == 0;

    printf("%s", prompt);
    fflush(stdout);
    if (tty) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t) ECHO;
        tcsetattr(0, TCSAFLUSH, &quiet);
    }
    if (fgets(line, sizeof(line), stdin)) {
        line[strcspn(line, "\r\n")] = 0;
        r = g_strdup(line);
    }
    explicit_bzero(line, sizeof(line));
    if (tty) {
        tcsetattr(0, TCSAFLUSH, &old);
    }
    printf("\n");
    return r;
}

/* Step fence with a fence agent and no fence_secret_file, on a terminal:
 * the devices' password is typed without echo and kept in
 * HACON_STATE_DIR/fence.secret (mode 0600), which the answer then names.
 * An empty password: none (an agent that needs none). */
static int ask_fence_secret(hc_wizard *w)
{
    char *p1, *p2 = NULL, *path, *text, *err = NULL;
    int rc;

    if (strcmp(hc_wizard_answer(w, "fencing"), "agent")
        || *hc_wizard_answer(w, "fence_secret_file") || !isatty(0)) {
        return 0;
    }
    printf("Step fence: the password of each node's fence device (%s), "
           "typed without echo; it is kept in a file only root reads, "
           "never shown or logged.\n", hc_wizard_answer(w, "fence_agent"));
    p1 = read_secret("Password of node1's device (empty: none): ");
    if (!p1) {
        return -EINVAL;
    }
    if (!*p1) {
        g_free(p1);
        return 0;
    }
    p2 = read_secret("Password of node2's device (empty: the same): ");
    text = g_strdup_printf("node1=%s\nnode2=%s\n", p1,
                           p2 && *p2 ? p2 : p1);
    path = g_build_filename(hc_wizard_state_dir(w), "fence.secret", NULL);
    g_mkdir_with_parents(hc_wizard_state_dir(w), 0700);
    rc = hc_write_file_atomic(path, text, strlen(text), 0600, false);
    if (rc == 0) {
        rc = hc_wizard_set_answer(w, "fence_secret_file", path, &err);
    }
    if (rc < 0) {
        fprintf(stderr, "hacon setup: cannot keep the password in %s: %s\n",
                path, err ? err : strerror(-rc));
    } else {
        printf("The password is in %s (mode 0600); fence_secret_file "
               "names it.\n", path);
    }
    explicit_bzero(text, strlen(text));
    explicit_bzero(p1, strlen(p1));
    if (p2) {
        explicit_bzero(p2, strlen(p2));
    }
    g_free(text);
    g_free(p1);
    g_free(p2);
    g_free(path);
    g_free(err);
    return rc;
}

static int do_rollback(hc_wizard *w, const hc_step *s, bool yes)
{
    char *err = NULL;
    int rc;

    if (!confirm("Roll back", yes)) {
        return 2;
    }
    rc = hc_wizard_rollback(w, s, &err);
    if (rc < 0) {
        char *e = hc_escape_text(err, 0, false);

        fprintf(stderr, "hacon setup: rollback of %s failed: %s\n", s->name, e);
        g_free(e);
        g_free(err);
        return 1;
    }
    printf("Step %s rolled back.\n", s->name);
    return 0;
}

/* Under the console (HACON_TRANSCRIPT_FD): every command this run makes
 * goes to the console's Transcript view too.  The descriptor is not
 * handed on to the commands themselves. */
static void transcript_to_parent(void)
{
    const char *v = getenv("HACON_TRANSCRIPT_FD");
    char *end;
    long fd;

    if (!v || !*v) {
        return;
    }
    fd = strtol(v, &end, 10);
    if (!*end && fd > 2 && fd < 1024 && fcntl((int) fd, F_SETFD, FD_CLOEXEC) == 0) {
        hc_transcript_set_sink((int) fd);
    }
    unsetenv("HACON_TRANSCRIPT_FD");
}

static int do_test(hc_wizard *w, const hc_step *s, bool yes)
{
    GString *report = g_string_new(NULL);
    char *err = NULL;
    int rc;

    if (strcmp(s->name, "drbd")) {
        fprintf(stderr, "hacon setup: only the drbd step has a test\n");
        g_string_free(report, TRUE);
        return 2;
    }
    printf("The tutorial's test of DRBD by hand: %s switched to the other "
           "node and back, mounted on each in turn, a file written on one "
           "node read on the other.\n", hc_wizard_answer(w, "drbd_resource"));
    if (!confirm("Run the test", yes)) {
        g_string_free(report, TRUE);
        return 2;
    }
    {
        /* Interrupted half way, r0 would stay switched over or mounted:
         * the signals wait until it is back as it was (each turn has its
         * deadline), then end the command as they would have. */
        sigset_t hold, old;

        sigemptyset(&hold);
        sigaddset(&hold, SIGINT);
        sigaddset(&hold, SIGTERM);
        sigaddset(&hold, SIGHUP);
        sigaddset(&hold, SIGQUIT);
        printf("(Ctrl-C waits until %s is back as it was.)\n",
               hc_wizard_answer(w, "drbd_resource"));
        fflush(stdout);
        sigprocmask(SIG_BLOCK, &hold, &old);
        rc = hc_step_drbd_try(w, report, &err);
        fwrite(report->str, 1, report->len, stdout);
        fflush(stdout);
        sigprocmask(SIG_SETMASK, &old, NULL);
    }
    g_string_free(report, TRUE);
    if (rc < 0) {
        char *e = hc_escape(err, 0);

        printf("FAILED: %s\n", e);
        fprintf(stderr, "hacon setup: the DRBD test failed: %s\n", e);
        g_free(e);
        g_free(err);
        return 1;
    }
    printf("DRBD test passed: each node read what the other wrote.\n");
    return 0;
}

static int setup_run(const hc_args *a)
{
    const char *answers = hc_args_str(a, "answers", NULL), *name = NULL;
    const char *verb = hc_args_argv(a)[0];
    unsigned n_overwrite = hc_args_count(a, "overwrite");
    const hc_step *s = NULL;
    hc_wizard *w = NULL;
    char *err = NULL;
    bool yes = hc_args_has(a, "yes"), detect = hc_args_has(a, "detect");
    bool force = hc_args_has(a, "force");
    bool no_step = !strcmp(verb, "list") || !strcmp(verb, "answers");
    int rc;

    if (!no_step && hc_args_argc(a) < 2) {
        return hc_command_usage_error(&hc_cmd_setup, "which step? (see "
                                      "hacon setup list)");
    }
    if (no_step && hc_args_argc(a) > 1) {
        char *e = hc_escape(hc_args_argv(a)[1], 40);
        char *m = g_strdup_printf("unexpected argument \"%s\"", e);

        rc = hc_command_usage_error(&hc_cmd_setup, m);
        g_free(m);
        g_free(e);
        return rc;
    }
    if (!no_step) {
        name = hc_args_argv(a)[1];
        s = hc_step_find(name);
        if (!s) {
            char *e = hc_escape(name, 40);

            fprintf(stderr, "hacon setup: no step '%s' (see hacon setup "
                    "list)\n", e);
            g_free(e);
            return 2;
        }
    }
    if (hc_wizard_new(answers, &w, &err) < 0) {
        char *e = hc_escape_text(err, 0, false);

        fprintf(stderr, "hacon setup: %s\n", e);
        g_free(e);
        g_free(err);
        return 2;
    }
    for (unsigned i = 0; i < n_overwrite; i++) {
        if (hc_wizard_add_overwrite(w, hc_args_nth(a, "overwrite", i),
                                    &err) < 0) {
            char *e = hc_escape(err, 0);

            fprintf(stderr, "hacon setup: %s\n", e);
            g_free(e);
            g_free(err);
            hc_wizard_free(w);
            return 2;
        }
    }
    if (n_overwrite && (!s || (strcmp(s->name, "drbd")
                               && strcmp(s->name, "fence"))
                        || (strcmp(verb, "plan") && strcmp(verb, "apply")))) {
        fprintf(stderr, "hacon setup: --overwrite is for plan and apply of "
                "the drbd and fence steps only\n");
        hc_wizard_free(w);
        return 2;
    }
    hc_wizard_set_progress(w, print_progress, NULL);
    transcript_to_parent();
    if (!strcmp(verb, "list")) {
        rc = do_list(w);
    } else if (!strcmp(verb, "answers")) {
        GString *out = g_string_new(NULL);

        if (detect && hc_wizard_detect(w) == -EHOSTUNREACH) {
            char *e = hc_escape(hc_wizard_peer(w), 0);

            printf("# not detected: %s cannot be reached with ssh\n", e);
            g_free(e);
        }
        hc_wizard_format_answers(w, out);
        fwrite(out->str, 1, out->len, stdout);
        g_string_free(out, TRUE);
        rc = 0;
    } else if (!strcmp(verb, "plan")) {
        rc = do_plan_apply(w, s, false, yes, force);
    } else if (!strcmp(verb, "apply")) {
        rc = strcmp(s->name, "fence") || ask_fence_secret(w) == 0
             ? do_plan_apply(w, s, true, yes, force) : 2;
    } else if (!strcmp(verb, "rollback")) {
        rc = do_rollback(w, s, yes);
    } else if (!strcmp(verb, "test")) {
        rc = do_test(w, s, yes);
    } else {
        char *e = hc_escape(verb, 40);
        char *m = g_strdup_printf("no action \"%s\"", e);

        rc = hc_command_usage_error(&hc_cmd_setup, m);
        g_free(m);
        g_free(e);
    }
    hc_wizard_free(w);
    return fflush(stdout) == 0 ? rc : 1;
}

static const hc_opt setup_opts[] = {
    { "answers", 'a', HC_OPT_STRING, "FILE", .help = "the answers file",
      .complete = HC_OPT_FILE },
    { "yes", 'y', HC_OPT_FLAG, NULL, .help = "apply, roll back or test without "
      "asking" },
    { "force", 'f', HC_OPT_FLAG, NULL, .help = "apply a step whose prerequisites "
      "are not done" },
    { "overwrite", 0, HC_OPT_STRING, "NODE:DEV", .help = "the drbd step may "
      "overwrite this disk (one per node)", .repeat = 2 },
    { "detect", 'd', HC_OPT_FLAG, NULL, .help = "answers: fill in what the nodes "
      "tell (over ssh)" },
    { NULL },
};

static const char *const setup_forms[] = {
    "list",
    "plan STEP",
    "apply STEP",
    "rollback STEP",
    "test drbd",
    "answers",
    NULL,
};

const hc_command hc_cmd_setup = {
    .name = "setup",
    .summary = "the guided setup, step by step, without the console",
    .forms = setup_forms,
    .notes = "STEP is a name from `hacon setup list` or its number.  A step "
             "whose\nprerequisites are not done is applied only with "
             "--force.  --overwrite is for\nplan and apply of the drbd "
             "step; --detect for answers.\n",
    .args = { setup_opts, 1, 2, false },
    .run = setup_run,
};
