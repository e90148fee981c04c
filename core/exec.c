#include "exec.h"
#include "exec_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static GPtrArray *transcript;
/* hc_exec may run in a worker thread (the failover test runs its actions
 * there while the main loop keeps probing): appends are serialized. */
static GMutex transcript_lock;
static void (*listener)(void *);
static void *listener_data;

static guint64 next_seq;

static void transcript_entry_free(gpointer p)
{
    hc_transcript_entry *e = p;

    g_free(e->cmdline);
    g_free(e->node);
    g_free(e->out);
    g_free(e->err);
    g_free(e);
}

GPtrArray *hc_transcript(void)
{
    if (!transcript) {
        transcript = g_ptr_array_new_with_free_func(transcript_entry_free);
    }
    return transcript;
}

void hc_transcript_lock(void)
{
    g_mutex_lock(&transcript_lock);
}

void hc_transcript_unlock(void)
{
    g_mutex_unlock(&transcript_lock);
}

void hc_transcript_set_listener(void (*fn)(void *), void *data)
{
    listener = fn;
    listener_data = data;
}

guint64 hc_transcript_next_seq(void)
{
    guint64 n;

    g_mutex_lock(&transcript_lock);
    n = next_seq;
    g_mutex_unlock(&transcript_lock);
    return n;
}

char *hc_transcript_bound(const char *s, size_t len)
{
    const size_t half = HC_TRANSCRIPT_KEEP / 2;
    GString *b;

    if (!s) {
        return NULL;
    }
    if (len <= HC_TRANSCRIPT_KEEP) {
        return g_strndup(s, len);
    }
    b = g_string_sized_new(HC_TRANSCRIPT_KEEP + 64);
    g_string_append_len(b, s, (gssize) half);
    g_string_append_printf(b, "%s[... %zu bytes not kept ...]\n",
                           s[half - 1] == '\n' ? "" : "\n", len - 2 * half);
    g_string_append_len(b, s + len - half, (gssize) half);
    return g_string_free(b, FALSE);
}

/* Adds e, whose output is bounded already. */
static void append_entry(hc_transcript_entry *e)
{
    GPtrArray *t;

    g_mutex_lock(&transcript_lock);
    t = hc_transcript();
    e->seq = next_seq++;
    g_ptr_array_add(t, e);
    if (t->len > HC_TRANSCRIPT_ENTRIES) {
        g_ptr_array_remove_range(t, 0, t->len - HC_TRANSCRIPT_ENTRIES);
    }
    g_mutex_unlock(&transcript_lock);
    if (listener) {
        listener(listener_data);
    }
}

void hc_transcript_append(hc_transcript_entry *e)
{
    char *out = hc_transcript_bound(e->out, e->out ? strlen(e->out) : 0);
    char *err = hc_transcript_bound(e->err, e->err ? strlen(e->err) : 0);

    g_free(e->out);
    g_free(e->err);
    e->out = out;
    e->err = err;
    append_entry(e);
}

char *hc_exec_cmdline(const char *const *argv, const char *node)
{
    GString *s = g_string_new(NULL);

    if (node) {
        g_string_append_printf(s, "[%s] ", node);
    }
    for (size_t i = 0; argv[i]; i++) {
        char *q = g_shell_quote(argv[i]);

        if (i) {
            g_string_append_c(s, ' ');
        }
        /* Plain words stay plain, as an admin would type them. */
        if (strpbrk(argv[i], " \t\n'\"\\$`*?[]{}()<>|&;#~!") || !argv[i][0]) {
            g_string_append(s, q);
        } else {
            g_string_append(s, argv[i]);
        }
        g_free(q);
    }
    return g_string_free(s, FALSE);
}

static void read_into(int *fd, GString *buf)
{
    char tmp[8192];
    ssize_t n = read(*fd, tmp, sizeof(tmp));

    if (n > 0) {
        g_string_append_len(buf, tmp, n);
    } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        close(*fd);
        *fd = -1;
    }
}

/* ---- transcript records: a child's commands into its parent's ---- */

#define RECORD_TAG "hct1"
/* Output kept per stream in a record: the view shows the first lines. */
#define RECORD_OUT_MAX 2048

static int sink_fd = -1;

void hc_transcript_set_sink(int fd)
{
    sink_fd = fd;
}

/* A string field: NUL-terminated text with C escapes (g_strescape: no tab,
 * no newline, no byte above 0x7e), cut at max bytes (0: whole). */
static void record_field(GString *out, const char *s, size_t max)
{
    char *cut = max ? g_strndup(s ? s : "", max) : g_strdup(s ? s : "");
    char *e = g_strescape(cut, NULL);

    g_string_append_c(out, '\t');
    g_string_append(out, e);
    g_free(e);
    g_free(cut);
}

char *hc_transcript_record(const hc_transcript_entry *e)
{
    GString *out = g_string_new(RECORD_TAG);

    g_string_append_printf(out, "\t%lld\t%d\t%d\t%.0f", (long long) e->when,
                           e->status, e->timed_out ? 1 : 0, e->ms);
    record_field(out, e->node, 0);
    record_field(out, e->cmdline, 0);
    record_field(out, e->out, RECORD_OUT_MAX);
    record_field(out, e->err, RECORD_OUT_MAX);
    g_string_append_c(out, '\n');
    return g_string_free(out, FALSE);
}

static bool record_int(const char *s, long long lo, long long hi,
                       long long *ret)
{
    char *end;

    errno = 0;
    *ret = strtoll(s, &end, 10);
    return *s && !*end && errno == 0 && *ret >= lo && *ret <= hi;
}

/* A field as g_strescape() writes it: never an odd run of backslashes at
 * its end (g_strcompress() would warn on the terminal). */
static bool record_str_ok(const char *s)
{
    size_t n = strlen(s), k = 0;

    while (k < n && s[n - 1 - k] == '\\') {
        k++;
    }
    return k % 2 == 0;
}

int hc_transcript_add_record(const char *buf, size_t len)
{
    char *line = g_strndup(buf, len);
    char **f;
    long long when, status, timed_out, ms;
    int rc = -EINVAL;

    /* The newline only: an empty last field ends in a tab. */
    if (len && line[len - 1] == '\n') {
        line[len - 1] = '\0';
    }
    f = g_strsplit(line, "\t", 10);
    if (g_strv_length(f) == 9 && !strcmp(f[0], RECORD_TAG)
        && record_int(f[1], 0, G_MAXINT64, &when)
        && record_int(f[2], -1, 255 + 128, &status)
        && record_int(f[3], 0, 1, &timed_out)
        && record_int(f[4], 0, 365LL * 24 * 3600 * 1000, &ms)
        && record_str_ok(f[5]) && record_str_ok(f[6]) && record_str_ok(f[7])
        && record_str_ok(f[8])) {
        hc_transcript_entry *e = g_new0(hc_transcript_entry, 1);
        char *node = g_strcompress(f[5]);

        e->when = (time_t) when;
        e->status = (int) status;
        e->timed_out = timed_out != 0;
        e->ms = (double) ms;
        /* An empty node: run here (the child's here). */
        e->node = *node ? node : NULL;
        if (!*node) {
            g_free(node);
        }
        e->cmdline = g_strcompress(f[6]);
        e->out = g_strcompress(f[7]);
        e->err = g_strcompress(f[8]);
        hc_transcript_append(e);
        rc = 0;
    }
    g_strfreev(f);
    g_free(line);
    return rc;
}

static void transcript_add(const char *const *argv, const hc_exec_opts *o,
                           const hc_exec_result *res)
{
    hc_transcript_entry *e = g_new0(hc_transcript_entry, 1);

    e->cmdline = hc_exec_cmdline(argv, o->node);
    e->node = g_strdup(o->node);
    e->status = res->status;
    e->timed_out = res->timed_out;
    e->ms = res->ms;
    /* A secret's bytes never reach the transcript: only how many. */
    e->out = o->secret_output
             ? g_strdup_printf("(secret output: %zu bytes, not kept)\n",
                               res->out_len)
             : hc_transcript_bound(res->out, res->out_len);
    e->err = hc_transcript_bound(res->err, strlen(res->err));
    e->when = time(NULL);
    if (sink_fd >= 0) {
        char *r = hc_transcript_record(e);
        size_t n = strlen(r), off = 0;

        /* Best effort: a parent that went away costs nothing (EPIPE). */
        while (off < n) {
            ssize_t w = write(sink_fd, r + off, n - off);

            if (w < 0 && errno == EINTR) {
                continue;
            }
            if (w <= 0) {
                break;
            }
            off += (size_t) w;
        }
        g_free(r);
    }
    append_entry(e);
}

static void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

/* The environment of the child: ours with extra's NAME=VALUE entries set,
 * built before the fork (setenv or putenv in the child of a threaded
 * process can deadlock on the environment's lock). */
static char **child_env(const char *const *extra)
{
    char **env = g_get_environ();

    for (size_t i = 0; extra && extra[i]; i++) {
        const char *eq = strchr(extra[i], '=');

        if (eq) {
            char *name = g_strndup(extra[i], (gsize) (eq - extra[i]));

            env = g_environ_setenv(env, name, eq + 1, TRUE);
            g_free(name);
        }
    }
    return env;
}

/* After a failed exec in the child: only async-signal-safe calls. */
static void child_exec_failed(const char *prog, int e)
{
    const char *why = e == ENOENT ? "No such file or directory"
                      : e == EACCES ? "Permission denied"
                      : e == ENOEXEC ? "Exec format error"
                      : e == E2BIG ? "Argument list too long"
                      : "cannot be executed";

    if (write(2, prog, strlen(prog)) < 0 || write(2, ": ", 2) < 0
        || write(2, why, strlen(why)) < 0 || write(2, "\n", 1) < 0) {
        _exit(127);
    }
    _exit(127);
}

/* Waits for the child until the deadline, then kills it (its group) and
 * reaps it; deadline 0: it was killed already, reap it.  Returns true
 * when it was killed here. */
/* The children of reader threads in flight (their process groups). */
#define READERS_MAX 64
G_LOCK_DEFINE_STATIC(readers);
static pid_t readers[READERS_MAX];
static bool readers_killed;
static __thread bool reader_thread;

void hc_exec_child_signals(void)
{
    sigset_t none;

    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

void hc_exec_set_reader(bool on)
{
    reader_thread = on;
}

/* Adds pid (a group leader); false when the readers were killed already:
 * then the caller kills it itself. */
static bool reader_add(pid_t pid)
{
    bool ok = true;

    G_LOCK(readers);
    if (readers_killed) {
        ok = false;
    } else {
        for (int i = 0; i < READERS_MAX; i++) {
            if (!readers[i]) {
                readers[i] = pid;
                break;
            }
        }
    }
    G_UNLOCK(readers);
    return ok;
}

static void reader_remove(pid_t pid)
{
    G_LOCK(readers);
    for (int i = 0; i < READERS_MAX; i++) {
        if (readers[i] == pid) {
            readers[i] = 0;
        }
    }
    G_UNLOCK(readers);
}

void hc_exec_kill_readers(void)
{
    G_LOCK(readers);
    readers_killed = true;
    for (int i = 0; i < READERS_MAX; i++) {
        if (readers[i] > 0) {
            /* Not reaped yet (removed before its wait): the group is
             * still the child's. */
            kill(-readers[i], SIGKILL);
            readers[i] = 0;
        }
    }
    G_UNLOCK(readers);
}

static bool wait_child(pid_t pid, const hc_exec_opts *o, gint64 deadline,
                       int *status)
{
    gulong nap = 100;

    for (;;) {
        pid_t r = waitpid(pid, status, deadline ? WNOHANG : 0);
        gint64 left;

        if (r == pid || (r < 0 && errno != EINTR)) {
            return false;
        }
        if (r < 0) {
            continue;
        }
        left = deadline - g_get_monotonic_time();
        if (left <= 0) {
            break;
        }
        /* A child that closed its output is normally gone in microseconds:
         * poll often at first, then every 20 ms. */
        g_usleep((gulong) MIN(left, (gint64) nap));
        nap = MIN(nap * 2, 20000);
    }
    kill(o->same_group ? pid : -pid, SIGKILL);
    while (waitpid(pid, status, 0) < 0 && errno == EINTR) {
    }
    return true;
}

int hc_exec(const char *const *argv, const hc_exec_opts *opts,
            hc_exec_result *res)
{
    static const hc_exec_opts defaults = { 0 };
    const hc_exec_opts *o = opts ? opts : &defaults;
    int timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 30000;
    char **run_argv = NULL, **envp = NULL;
    GString *out = NULL, *err = NULL;
    int in_pipe[2] = { -1, -1 }, out_pipe[2] = { -1, -1 },
        err_pipe[2] = { -1, -1 };
    gint64 start = g_get_monotonic_time();
    gint64 deadline = start + (gint64) timeout_ms * 1000;
    size_t in_off = 0, in_len = o->input && !o->input_file
                                ? strlen(o->input) : 0;
    int in_file = -1;
    int status = 0, rc;
    bool reader;
    pid_t pid;

    memset(res, 0, sizeof(*res));
    /* First (it may ask ssh -G what the admin's ssh_config shares). */
    run_argv = o->node ? hc_exec_ssh_argv(o->node, argv)
                       : g_strdupv((char **) argv);
    if (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0
        || pipe2(in_pipe, O_CLOEXEC) < 0) {
        rc = -errno;
        goto fail;
    }
    if (o->input_file
        && (in_file = open(o->input_file, O_RDONLY | O_CLOEXEC)) < 0) {
        rc = -errno;
        goto fail;
    }
    envp = child_env(o->env);
    pid = fork();
    if (pid < 0) {
        rc = -errno;
        goto fail;
    }
    if (pid == 0) {
        dup2(in_file >= 0 ? in_file : in_pipe[0], 0);
        dup2(out_pipe[1], 1);
        dup2(err_pipe[1], 2);
        /* A process group of its own, so that a deadline kills all of it. */
        if (!o->same_group) {
            setpgid(0, 0);
        }
        signal(SIGPIPE, SIG_DFL);
        hc_exec_child_signals();
        execvpe(run_argv[0], run_argv, envp);
        child_exec_failed(run_argv[0], errno);
    }
    g_strfreev(envp);
    envp = NULL;
    if (!o->same_group) {
        setpgid(pid, pid);
    }
    reader = reader_thread && !o->same_group;
    if (reader && !reader_add(pid)) {
        kill(-pid, SIGKILL);
    }
    if (o->node) {
        hc_exec_ssh_running(o->same_group ? pid : -pid, true);
    }
    close_fd(&in_pipe[0]);
    close_fd(&in_file);
    close_fd(&out_pipe[1]);
    close_fd(&err_pipe[1]);
    if (in_len == 0) {
        close_fd(&in_pipe[1]);
    } else {
        fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);
    }
    out = g_string_new(NULL);
    err = g_string_new(NULL);

    while (out_pipe[0] >= 0 || err_pipe[0] >= 0 || in_pipe[1] >= 0) {
        struct pollfd pfd[3];
        int n = 0, left;

        left = (int) ((deadline - g_get_monotonic_time()) / 1000);
        if (left <= 0) {
            /* The child, or what it left behind holding its output. */
            res->timed_out = true;
            kill(o->same_group ? pid : -pid, SIGKILL);
            break;
        }
        if (out_pipe[0] >= 0) {
            pfd[n++] = (struct pollfd) { .fd = out_pipe[0], .events = POLLIN };
        }
        if (err_pipe[0] >= 0) {
            pfd[n++] = (struct pollfd) { .fd = err_pipe[0], .events = POLLIN };
        }
        if (in_pipe[1] >= 0) {
            pfd[n++] = (struct pollfd) { .fd = in_pipe[1], .events = POLLOUT };
        }
        if (poll(pfd, (nfds_t) n, left) < 0 && errno != EINTR) {
            break;
        }
        for (int i = 0; i < n; i++) {
            if (!pfd[i].revents) {
                continue;
            }
            if (pfd[i].fd == out_pipe[0]) {
                read_into(&out_pipe[0], out);
            } else if (pfd[i].fd == err_pipe[0]) {
                read_into(&err_pipe[0], err);
            } else {
                ssize_t w = write(in_pipe[1], o->input + in_off,
                                  in_len - in_off);

                if (w > 0) {
                    in_off += (size_t) w;
                }
                if ((w < 0 && errno != EAGAIN) || in_off >= in_len) {
                    close_fd(&in_pipe[1]);
                }
            }
        }
    }
    close_fd(&out_pipe[0]);
    close_fd(&err_pipe[0]);
    close_fd(&in_pipe[1]);
    if (reader) {
        reader_remove(pid);
    }
    /* Output closed (or the deadline passed): the child has until the
     * deadline to exit, then it is killed. */
    if (wait_child(pid, o, res->timed_out ? 0 : deadline, &status)) {
        res->timed_out = true;
    }
    if (o->node) {
        hc_exec_ssh_running(o->same_group ? pid : -pid, false);
    }
    if (WIFEXITED(status)) {
        res->status = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        res->status = 128 + WTERMSIG(status);
    }
    if (!res->timed_out && res->status == 127 && strstr(err->str, run_argv[0])
        && (strstr(err->str, "No such file") || strstr(err->str, "Permission"))) {
        res->spawn_failed = true;
    }
    res->ms = (double) (g_get_monotonic_time() - start) / 1000.0;
    res->out_len = out->len;
    res->out = g_string_free(out, FALSE);
    res->err = g_string_free(err, FALSE);
    transcript_add(argv, o, res);
    g_strfreev(run_argv);
    return 0;

fail:
    close_fd(&in_file);
    for (int i = 0; i < 2; i++) {
        close_fd(&in_pipe[i]);
        close_fd(&out_pipe[i]);
        close_fd(&err_pipe[i]);
    }
    g_strfreev(envp);
    g_strfreev(run_argv);
    return rc;
}

char **hc_argv_from_va(va_list ap)
{
    GPtrArray *a = g_ptr_array_new();
    const char *s;

    while ((s = va_arg(ap, const char *))) {
        g_ptr_array_add(a, g_strdup(s));
    }
    g_ptr_array_add(a, NULL);
    return (char **) g_ptr_array_free(a, FALSE);
}

void hc_exec_result_clear(hc_exec_result *res)
{
    if (res) {
        g_free(res->out);
        g_free(res->err);
        memset(res, 0, sizeof(*res));
    }
}
