#include "exec.h"

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

/* Over ssh the remote side gets one command line: quote every word. */
static char **ssh_argv(const char *node, const char *const *argv)
{
    GPtrArray *a = g_ptr_array_new();
    GString *cmd = g_string_new(NULL);

    const char *cfg = getenv("HACON_SSH_CONFIG");

    g_ptr_array_add(a, g_strdup("ssh"));
    /* An ssh_config of hacon's own (the test peer's port and key). */
    if (cfg && *cfg) {
        g_ptr_array_add(a, g_strdup("-F"));
        g_ptr_array_add(a, g_strdup(cfg));
    }
    g_ptr_array_add(a, g_strdup("-o"));
    g_ptr_array_add(a, g_strdup("BatchMode=yes"));
    g_ptr_array_add(a, g_strdup("-o"));
    g_ptr_array_add(a, g_strdup("ConnectTimeout=5"));
    g_ptr_array_add(a, g_strdup(node));
    g_ptr_array_add(a, g_strdup("--"));
    for (size_t i = 0; argv[i]; i++) {
        char *q = g_shell_quote(argv[i]);

        g_string_append_printf(cmd, "%s%s", i ? " " : "", q);
        g_free(q);
    }
    g_ptr_array_add(a, g_string_free(cmd, FALSE));
    g_ptr_array_add(a, NULL);
    return (char **) g_ptr_array_free(a, FALSE);
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

static void transcript_append(hc_transcript_entry *e)
{
    g_mutex_lock(&transcript_lock);
    g_ptr_array_add(hc_transcript(), e);
    g_mutex_unlock(&transcript_lock);
    if (listener) {
        listener(listener_data);
    }
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
        transcript_append(e);
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
    e->out = g_strdup(res->out);
    e->err = g_strdup(res->err);
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
    transcript_append(e);
}

int hc_exec(const char *const *argv, const hc_exec_opts *opts,
            hc_exec_result *res)
{
    static const hc_exec_opts defaults = { 0 };
    const hc_exec_opts *o = opts ? opts : &defaults;
    int timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 30000;
    char **run_argv = o->node ? ssh_argv(o->node, argv)
                              : g_strdupv((char **) argv);
    GString *out = g_string_new(NULL), *err = g_string_new(NULL);
    int in_pipe[2] = { -1, -1 }, out_pipe[2], err_pipe[2];
    gint64 start = g_get_monotonic_time();
    gint64 deadline = start + (gint64) timeout_ms * 1000;
    size_t in_off = 0, in_len = o->input ? strlen(o->input) : 0;
    int status = 0;
    pid_t pid;

    memset(res, 0, sizeof(*res));
    if (pipe2(out_pipe, O_CLOEXEC) < 0) {
        g_strfreev(run_argv);
        return -errno;
    }
    if (pipe2(err_pipe, O_CLOEXEC) < 0 || pipe2(in_pipe, O_CLOEXEC) < 0) {
        int rc = -errno;

        close(out_pipe[0]); close(out_pipe[1]);
        g_strfreev(run_argv);
        return rc;
    }
    pid = fork();
    if (pid < 0) {
        int rc = -errno;

        g_strfreev(run_argv);
        return rc;
    }
    if (pid == 0) {
        dup2(in_pipe[0], 0);
        dup2(out_pipe[1], 1);
        dup2(err_pipe[1], 2);
        /* A process group of its own, so that a deadline kills all of it. */
        if (!o->same_group) {
            setpgid(0, 0);
        }
        signal(SIGPIPE, SIG_DFL);
        for (size_t i = 0; o->env && o->env[i]; i++) {
            putenv((char *) o->env[i]);
        }
        execvp(run_argv[0], run_argv);
        dprintf(2, "%s: %s\n", run_argv[0], strerror(errno));
        _exit(127);
    }
    if (!o->same_group) {
        setpgid(pid, pid);
    }
    close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    if (in_len == 0) {
        close(in_pipe[1]);
        in_pipe[1] = -1;
    } else {
        fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);
    }

    while (out_pipe[0] >= 0 || err_pipe[0] >= 0 || in_pipe[1] >= 0) {
        struct pollfd pfd[3];
        int n = 0, left;

        left = (int) ((deadline - g_get_monotonic_time()) / 1000);
        if (left <= 0) {
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
                    close(in_pipe[1]);
                    in_pipe[1] = -1;
                }
            }
        }
    }
    for (int *fd = (int[]) { out_pipe[0], err_pipe[0], in_pipe[1] }, i = 0;
         i < 3; i++) {
        if (fd[i] >= 0) {
            close(fd[i]);
        }
    }
    /* Output closed: the child is exiting; a deadline still applies. */
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
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
