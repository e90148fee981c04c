/* Unit tests of core/exec.c: argv runs, deadlines, output capture, the
 * transcript, and what hc_exec leaves behind when a system call fails.
 *
 * pipe2() and fork() are defined here: the executable's definitions come
 * before libc's, so that hc_exec's calls can be made to fail on demand
 * (fail_pipe2_at: the Nth call from now fails with EMFILE; fail_fork: the
 * next fork fails with EAGAIN).  Every other call goes to the system. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec.h"

static int fail_pipe2_at;   /* 0: none; N: the Nth call from now fails */
static bool fail_fork;

int pipe2(int fds[2], int flags)
{
    if (fail_pipe2_at > 0 && --fail_pipe2_at == 0) {
        errno = EMFILE;
        return -1;
    }
    return (int) syscall(SYS_pipe2, fds, flags);
}

pid_t fork(void)
{
    if (fail_fork) {
        fail_fork = false;
        errno = EAGAIN;
        return -1;
    }
    static pid_t (*real_fork)(void);

    if (!real_fork) {
        real_fork = (pid_t (*)(void)) dlsym(RTLD_NEXT, "fork");
    }
    return real_fork();
}

static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;

    assert_non_null(d);
    while ((e = readdir(d))) {
        n += e->d_name[0] != '.';
    }
    closedir(d);
    return n;
}

static void test_exec_output(void **state)
{
    const char *argv[] = { "sh", "-c", "echo out; echo err >&2; exit 3",
                           NULL };
    hc_exec_result r;

    assert_int_equal(hc_exec(argv, NULL, &r), 0);
    assert_int_equal(r.status, 3);
    assert_false(r.timed_out);
    assert_string_equal(r.out, "out\n");
    assert_string_equal(r.err, "err\n");
    hc_exec_result_clear(&r);
}

static void test_exec_input(void **state)
{
    const char *argv[] = { "cat", NULL };
    hc_exec_opts o = { .input = "line one\nline two\n" };
    hc_exec_result r;

    assert_int_equal(hc_exec(argv, &o, &r), 0);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "line one\nline two\n");
    hc_exec_result_clear(&r);
}

/* A file as the child's stdin: every byte (NUL ones too), input ignored;
 * a file that cannot be opened is an error before anything runs. */
static void test_exec_input_file(void **state)
{
    const char *argv[] = { "od", "-An", "-c", NULL };
    char path[] = "/tmp/hacon-test-input-XXXXXX";
    int fd = mkstemp(path);
    hc_exec_opts o = { .input_file = path, .input = "ignored" };
    hc_exec_result r;

    (void) state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "a\0b\n", 4), 4);
    close(fd);
    assert_int_equal(hc_exec(argv, &o, &r), 0);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "a  \\0   b  \\n"));
    hc_exec_result_clear(&r);
    unlink(path);
    assert_int_equal(hc_exec(argv, &o, &r), -ENOENT);
}

static void test_exec_deadline(void **state)
{
    /* The child and its own children are killed at the deadline. */
    const char *argv[] = { "sh", "-c", "sleep 30 & sleep 30", NULL };
    hc_exec_opts o = { .timeout_ms = 300 };
    hc_exec_result r;

    assert_int_equal(hc_exec(argv, &o, &r), 0);
    assert_true(r.timed_out);
    assert_true(r.ms < 5000);
    hc_exec_result_clear(&r);
}

static void test_exec_missing(void **state)
{
    const char *argv[] = { "/nonexistent/program", NULL };
    hc_exec_result r;

    assert_int_equal(hc_exec(argv, NULL, &r), 0);
    assert_int_equal(r.status, 127);
    assert_true(r.spawn_failed);
    assert_non_null(strstr(r.err, "/nonexistent/program"));
    hc_exec_result_clear(&r);
}

static void test_transcript(void **state)
{
    const char *argv[] = { "echo", "a b", "c", NULL };
    hc_exec_result r;
    GPtrArray *t = hc_transcript();
    guint before = t->len;
    hc_transcript_entry *e;

    assert_int_equal(hc_exec(argv, NULL, &r), 0);
    hc_exec_result_clear(&r);
    assert_int_equal(t->len, before + 1);
    e = g_ptr_array_index(t, t->len - 1);
    assert_string_equal(e->cmdline, "echo 'a b' c");
    assert_int_equal(e->status, 0);
    assert_string_equal(e->out, "a b c\n");
}

/* A child's commands reach its parent's transcript as record lines: the
 * same entry read back, tabs, newlines, quotes and bytes above ASCII in
 * the fields kept; a line that is not a record is refused. */
static void test_transcript_record(void **state)
{
    hc_transcript_entry e = {
        .cmdline = "sh -c 'if [ -e \"$1\" ]; then\techo x; fi'",
        .node = "nodetwo", .status = 255, .timed_out = true, .ms = 1500,
        .out = "line 1\ncaf\xc3\xa9\n", .err = "", .when = 1765011627,
    };
    GPtrArray *t = hc_transcript();
    guint n = t->len;
    char *r = hc_transcript_record(&e);
    const hc_transcript_entry *f;

    /* One line: its only newline is its end. */
    assert_ptr_equal(strchr(r, '\n'), r + strlen(r) - 1);
    assert_int_equal(hc_transcript_add_record(r, strlen(r)), 0);
    assert_int_equal(t->len, n + 1);
    f = t->pdata[n];
    assert_string_equal(f->cmdline, e.cmdline);
    assert_string_equal(f->node, "nodetwo");
    assert_int_equal(f->status, 255);
    assert_true(f->timed_out);
    assert_string_equal(f->out, e.out);
    assert_string_equal(f->err, "");
    assert_int_equal(f->when, e.when);
    g_free(r);
    e.node = NULL;
    r = hc_transcript_record(&e);
    assert_int_equal(hc_transcript_add_record(r, strlen(r)), 0);
    assert_null(((hc_transcript_entry *) t->pdata[n + 1])->node);
    g_free(r);
    assert_int_equal(hc_transcript_add_record("hct1\t1\t2\n", 10), -EINVAL);
    assert_int_equal(hc_transcript_add_record("not a record\n", 13), -EINVAL);
    /* A field that ends in a lone backslash is no field g_strescape made. */
    assert_int_equal(hc_transcript_add_record("hct1\t1\t0\t0\t4\t\tls \\\t\t\n",
                                              21), -EINVAL);
    assert_int_equal(t->len, n + 2);
}

static void test_cmdline_node(void **state)
{
    const char *argv[] = { "crm_mon", "-1", NULL };
    char *s = hc_exec_cmdline(argv, "nodetwo");

    assert_string_equal(s, "[nodetwo] crm_mon -1");
    g_free(s);
}

/* A pipe that cannot be made (the first, second or third): an error, and
 * nothing left open, nothing in the transcript, *res empty. */
static void test_exec_pipe_fails(void **state)
{
    const char *argv[] = { "echo", "never", NULL };
    hc_exec_opts o = { .input = "x", .env = (const char *const[]) {
                           "HC_T=1", NULL } };

    for (int at = 1; at <= 3; at++) {
        hc_exec_result r;
        int fds = open_fds();
        guint64 seq = hc_transcript_next_seq();

        fail_pipe2_at = at;
        assert_int_equal(hc_exec(argv, &o, &r), -EMFILE);
        fail_pipe2_at = 0;
        assert_int_equal(open_fds(), fds);
        assert_null(r.out);
        assert_null(r.err);
        assert_int_equal(hc_transcript_next_seq(), seq);
    }
}

static void test_exec_fork_fails(void **state)
{
    const char *argv[] = { "echo", "never", NULL };
    hc_exec_opts o = { .node = "nodetwo", .input = "x" };
    hc_exec_result r;
    int fds;

    /* A first run on the node asks ssh -G what the ssh_config shares
     * (its own fork): the failure below is the command's fork. */
    assert_int_equal(hc_exec(argv, &o, &r), 0);
    hc_exec_result_clear(&r);
    fds = open_fds();
    fail_fork = true;
    assert_int_equal(hc_exec(argv, &o, &r), -EAGAIN);
    assert_false(fail_fork);
    assert_int_equal(open_fds(), fds);
    assert_null(r.out);
    /* And the next run works. */
    assert_int_equal(hc_exec(argv, NULL, &r), 0);
    assert_string_equal(r.out, "never\n");
    hc_exec_result_clear(&r);
    assert_int_equal(open_fds(), fds);
}

/* The extra environment reaches the child, not this process. */
static void test_exec_env(void **state)
{
    const char *argv[] = { "sh", "-c", "echo \"$HC_T1:$HC_T2:$HOME\"", NULL };
    const char *env[] = { "HC_T1=one", "HC_T2=a=b", NULL };
    hc_exec_opts o = { .env = env };
    hc_exec_result r;
    char *want;

    setenv("HOME", "/hc-home", 1);
    want = g_strdup_printf("one:a=b:%s\n", getenv("HOME"));
    assert_int_equal(hc_exec(argv, &o, &r), 0);
    assert_string_equal(r.out, want);
    assert_null(getenv("HC_T1"));
    hc_exec_result_clear(&r);
    g_free(want);
}

/* A child that closed its output but does not exit still has a deadline. */
static void test_exec_deadline_after_output(void **state)
{
    const char *argv[] = { "sh", "-c", "exec > /dev/null 2>&1; sleep 30",
                           NULL };
    hc_exec_opts o = { .timeout_ms = 300 };
    hc_exec_result r;

    assert_int_equal(hc_exec(argv, &o, &r), 0);
    assert_true(r.timed_out);
    assert_true(r.ms < 5000);
    hc_exec_result_clear(&r);
}

/* A node named like an option is a name for ssh: "--" comes before it.
 * (OpenSSH 9 refuses a host name that starts with "-" by itself; an older
 * ssh took "-oProxyCommand=..." as an option.)  The ssh here is a script
 * first in PATH that prints the arguments it was given, one a line. */
static void test_exec_node_not_option(void **state)
{
    char dir[] = "/tmp/hc-test-exec.XXXXXX";
    char *ssh, *path, *old_path = g_strdup(getenv("PATH"));
    const char *argv[] = { "cat", "/etc/x y", NULL };
    hc_exec_opts o = { .node = "-oProxyCommand=touch /tmp/x" };
    hc_exec_result r;

    assert_non_null(g_mkdtemp(dir));
    ssh = g_build_filename(dir, "ssh", NULL);
    assert_true(g_file_set_contents(ssh, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n",
                                    -1, NULL));
    assert_int_equal(chmod(ssh, 0755), 0);
    path = g_strdup_printf("%s:%s", dir, old_path);
    setenv("PATH", path, 1);
    unsetenv("HACON_SSH_CONFIG");
    /* (The shared connection's options: test_exec_ssh_share.) */
    setenv("HACON_SSH_SHARE", "no", 1);
    assert_int_equal(hc_exec(argv, &o, &r), 0);
    unsetenv("HACON_SSH_SHARE");
    setenv("PATH", old_path, 1);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "-o\nBatchMode=yes\n-o\nConnectTimeout=5\n--\n"
                        "-oProxyCommand=touch /tmp/x\n'cat' '/etc/x y'\n");
    hc_exec_result_clear(&r);
    unlink(ssh);
    rmdir(dir);
    g_free(ssh);
    g_free(path);
    g_free(old_path);
}

/* ---- one ssh connection per node, shared ----
 * The ssh here is a script first in PATH: `ssh -G` prints the file
 * $HC_FAKE_G (what the admin's ssh_config says), any other call prints
 * its arguments; every call is logged to $HC_FAKE_LOG. */
typedef struct fake_ssh {
    char dir[64];
    char *log, *gconf, *old_path, *old_xdg;
} fake_ssh;

static void fake_ssh_start(fake_ssh *f)
{
    char *ssh, *path;

    g_strlcpy(f->dir, "/tmp/hc-test-exec-share.XXXXXX", sizeof(f->dir));
    assert_non_null(g_mkdtemp(f->dir));
    ssh = g_build_filename(f->dir, "ssh", NULL);
    assert_true(g_file_set_contents(ssh, "#!/bin/sh\n"
        "echo \"$*\" >> \"$HC_FAKE_LOG\"\n"
        "for a; do [ \"$a\" = -G ] && { cat \"$HC_FAKE_G\"; exit 0; }; done\n"
        "for a; do [ \"$a\" = slow-node ] && exec sleep 30; done\n"
        "printf '%s\\n' \"$@\"\n", -1, NULL));
    assert_int_equal(chmod(ssh, 0755), 0);
    f->log = g_build_filename(f->dir, "log", NULL);
    f->gconf = g_build_filename(f->dir, "ssh-G", NULL);
    assert_true(g_file_set_contents(f->gconf, "user root\ncontrolmaster false"
                                    "\nserveraliveinterval 0\n", -1, NULL));
    f->old_path = g_strdup(getenv("PATH"));
    f->old_xdg = g_strdup(getenv("XDG_RUNTIME_DIR"));
    path = g_strdup_printf("%s:%s", f->dir, f->old_path);
    setenv("PATH", path, 1);
    setenv("HC_FAKE_LOG", f->log, 1);
    setenv("HC_FAKE_G", f->gconf, 1);
    setenv("XDG_RUNTIME_DIR", f->dir, 1);
    unsetenv("HACON_SSH_CONFIG");
    unsetenv("HACON_SSH_SHARE");
    g_free(path);
    g_free(ssh);
}

static void fake_ssh_stop(fake_ssh *f)
{
    char *cmd = g_strdup_printf("rm -rf '%s'", f->dir);

    setenv("PATH", f->old_path, 1);
    if (f->old_xdg) {
        setenv("XDG_RUNTIME_DIR", f->old_xdg, 1);
    } else {
        unsetenv("XDG_RUNTIME_DIR");
    }
    unsetenv("HC_FAKE_LOG");
    unsetenv("HC_FAKE_G");
    unsetenv("HACON_SSH_SHARE");
    assert_int_equal(system(cmd), 0);
    g_free(cmd);
    g_free(f->log);
    g_free(f->gconf);
    g_free(f->old_path);
    g_free(f->old_xdg);
}

/* The arguments ssh got for `true` on node. */
static char *ssh_args(const char *node)
{
    const char *argv[] = { "true", NULL };
    hc_exec_opts o = { .node = node };
    hc_exec_result r;
    char *out;

    assert_int_equal(hc_exec(argv, &o, &r), 0);
    assert_int_equal(r.status, 0);
    out = g_steal_pointer(&r.out);
    hc_exec_result_clear(&r);
    return out;
}

static int count_lines_with(const char *file, const char *word)
{
    char *text = NULL;
    int n = 0;

    if (!g_file_get_contents(file, &text, NULL, NULL)) {
        return 0;
    }
    for (char *p = text; (p = strstr(p, word)); p += strlen(word)) {
        n++;
    }
    g_free(text);
    return n;
}

/* Without a sharing ssh_config: ControlMaster=auto on a socket in a 0700
 * directory named after this process, the same for every command on the
 * node, another for another node; ssh -G asked once per node. */
static void test_exec_ssh_share(void **state)
{
    fake_ssh f;
    char *a, *b, *c, *want, *dir;
    struct stat st;

    fake_ssh_start(&f);
    a = ssh_args("share-one");
    b = ssh_args("share-one");
    c = ssh_args("share-two");
    dir = g_strdup_printf("%s/hacon", f.dir);
    want = g_strdup_printf("-o\nBatchMode=yes\n-o\nConnectTimeout=5\n"
                           "-o\nControlMaster=auto\n-o\nControlPath=%s/ssh-%ld-",
                           dir, (long) getpid());
    assert_true(g_str_has_prefix(a, want));
    assert_true(g_str_has_suffix(a, "\n-o\nControlPersist=10\n"
                                 "-o\nServerAliveInterval=2\n"
                                 "-o\nServerAliveCountMax=3\n--\nshare-one\n"
                                 "'true'\n"));
    assert_string_equal(a, b);
    assert_true(g_str_has_prefix(c, want));
    assert_string_not_equal(strstr(a, "ControlPath="),
                            strstr(c, "ControlPath="));
    assert_int_equal(stat(dir, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(count_lines_with(f.log, "-G -- share-one"), 1);
    assert_int_equal(count_lines_with(f.log, "-G -- share-two"), 1);
    g_free(a);
    g_free(b);
    g_free(c);
    g_free(want);
    g_free(dir);
    fake_ssh_stop(&f);
}

/* The admin's ssh_config shares connections itself (ControlMaster, or a
 * ControlPath): nothing of hacon's.  Its ServerAliveInterval is kept.
 * HACON_SSH_SHARE=no: no sharing. */
static void test_exec_ssh_share_admin(void **state)
{
    fake_ssh f;
    char *a;

    fake_ssh_start(&f);
    assert_true(g_file_set_contents(f.gconf, "controlmaster auto\n"
                                    "controlpath /run/x-%C\n", -1, NULL));
    a = ssh_args("admin-master");
    assert_string_equal(a, "-o\nBatchMode=yes\n-o\nConnectTimeout=5\n--\n"
                        "admin-master\n'true'\n");
    g_free(a);
    assert_true(g_file_set_contents(f.gconf, "controlmaster false\n"
                                    "controlpath /run/y\n", -1, NULL));
    a = ssh_args("admin-path");
    assert_null(strstr(a, "Control"));
    g_free(a);
    assert_true(g_file_set_contents(f.gconf, "controlmaster false\n"
                                    "serveraliveinterval 15\n", -1, NULL));
    a = ssh_args("admin-alive");
    assert_non_null(strstr(a, "ControlMaster=auto"));
    assert_null(strstr(a, "ServerAlive"));
    g_free(a);
    setenv("HACON_SSH_SHARE", "no", 1);
    assert_true(g_file_set_contents(f.gconf, "controlmaster false\n", -1,
                                    NULL));
    a = ssh_args("share-off");
    assert_null(strstr(a, "Control"));
    g_free(a);
    fake_ssh_stop(&f);
}

/* A socket directory that is not private (a link, or another's): no
 * sharing rather than a socket where others reach it. */
static void test_exec_ssh_share_dir_not_private(void **state)
{
    fake_ssh f;
    char *dir, *elsewhere, *a;

    fake_ssh_start(&f);
    dir = g_strdup_printf("%s/hacon", f.dir);
    elsewhere = g_strdup_printf("%s/elsewhere", f.dir);
    assert_int_equal(mkdir(elsewhere, 0700), 0);
    assert_int_equal(symlink(elsewhere, dir), 0);
    a = ssh_args("link-dir");
    assert_null(strstr(a, "Control"));
    g_free(a);
    g_free(dir);
    g_free(elsewhere);
    fake_ssh_stop(&f);
}

/* hc_exec_ssh_close() (also run at exit) tells each master of this
 * process to exit and removes its socket. */
static void test_exec_ssh_close(void **state)
{
    fake_ssh f;
    char *a, *path, *end;

    fake_ssh_start(&f);
    a = ssh_args("close-one");
    path = g_strdup(strstr(a, "ControlPath=") + 12);
    end = strchr(path, '\n');
    *end = 0;
    /* The master's socket, as ssh would have left it. */
    assert_true(g_file_set_contents(path, "", 0, NULL));
    hc_exec_ssh_close();
    assert_int_equal(access(path, F_OK), -1);
    end = g_strdup_printf("-o ControlPath=%s -O exit -- close-one", path);
    assert_int_equal(count_lines_with(f.log, end), 1);
    g_free(end);
    g_free(path);
    g_free(a);
    fake_ssh_stop(&f);
}

static gpointer run_slow(gpointer data)
{
    const char *argv[] = { "true", NULL };
    hc_exec_opts o = { .node = "slow-node", .timeout_ms = 60000 };
    hc_exec_result *r = data;

    hc_exec(argv, &o, r);
    return NULL;
}

/* An ssh of another thread still running when the process ends (one
 * logging in would become a master after it): killed. */
static void test_exec_ssh_close_kills_running(void **state)
{
    fake_ssh f;
    hc_exec_result r = { 0 };
    GThread *t;
    gint64 t0;

    fake_ssh_start(&f);
    t0 = g_get_monotonic_time();
    t = g_thread_new("slow", run_slow, &r);
    g_usleep(1000000);
    hc_exec_ssh_close();
    g_thread_join(t);
    assert_int_equal(r.status, 128 + SIGKILL);
    assert_true(g_get_monotonic_time() - t0 < 20 * G_USEC_PER_SEC);
    hc_exec_result_clear(&r);
    fake_ssh_stop(&f);
}

/* The caller gets all the output; the transcript its head and tail. */
static void test_transcript_bounded_output(void **state)
{
    const char *argv[] = { "sh", "-c", "printf HEAD; head -c 1000000 "
                           "/dev/zero | tr '\\0' x; printf TAIL", NULL };
    GPtrArray *t = hc_transcript();
    hc_transcript_entry *e;
    hc_exec_result r;
    char *out;

    assert_int_equal(hc_exec(argv, NULL, &r), 0);
    assert_int_equal(r.out_len, 1000008);
    hc_exec_result_clear(&r);
    hc_transcript_lock();
    e = g_ptr_array_index(t, t->len - 1);
    out = g_strdup(e->out);
    hc_transcript_unlock();
    assert_true(strlen(out) <= HC_TRANSCRIPT_KEEP + 64);
    assert_true(g_str_has_prefix(out, "HEADxxx"));
    assert_true(g_str_has_suffix(out, "xxxTAIL"));
    assert_non_null(strstr(out, "\n[... 991816 bytes not kept ...]\n"));
    g_free(out);
}

/* The transcript keeps the newest HC_TRANSCRIPT_ENTRIES entries. */
static void test_transcript_ring(void **state)
{
    GPtrArray *t = hc_transcript();
    guint64 first = hc_transcript_next_seq(), seq0, seq1;
    hc_transcript_entry *e;
    char *out0, *out1;
    guint len;

    for (int i = 0; i < HC_TRANSCRIPT_ENTRIES + 100; i++) {
        char n[16];
        const char *argv[] = { "echo", n, NULL };
        hc_exec_result r;

        snprintf(n, sizeof(n), "%d", i);
        assert_int_equal(hc_exec(argv, NULL, &r), 0);
        hc_exec_result_clear(&r);
    }
    hc_transcript_lock();
    len = t->len;
    e = g_ptr_array_index(t, 0);
    seq0 = e->seq;
    out0 = g_strdup(e->out);
    e = g_ptr_array_index(t, t->len - 1);
    seq1 = e->seq;
    out1 = g_strdup(e->out);
    hc_transcript_unlock();
    assert_int_equal(len, HC_TRANSCRIPT_ENTRIES);
    assert_int_equal(seq0, first + 100);
    assert_string_equal(out0, "100\n");
    assert_int_equal(seq1, first + HC_TRANSCRIPT_ENTRIES + 99);
    assert_string_equal(out1, "599\n");
    g_free(out0);
    g_free(out1);
    assert_int_equal(hc_transcript_next_seq(), first + HC_TRANSCRIPT_ENTRIES
                     + 100);
}

/* A secret's bytes go to the caller only. */
static void test_transcript_secret(void **state)
{
    const char *argv[] = { "printf", "s3cr3t-key", NULL };
    hc_exec_opts o = { .secret_output = true };
    GPtrArray *t = hc_transcript();
    hc_transcript_entry *e;
    hc_exec_result r;
    char *out;

    assert_int_equal(hc_exec(argv, &o, &r), 0);
    assert_string_equal(r.out, "s3cr3t-key");
    hc_exec_result_clear(&r);
    hc_transcript_lock();
    e = g_ptr_array_index(t, t->len - 1);
    out = g_strdup(e->out);
    hc_transcript_unlock();
    assert_null(strstr(out, "s3cr3t"));
    assert_string_equal(out, "(secret output: 10 bytes, not kept)\n");
    g_free(out);
}

/* A copy of the newest transcript entry (entry_free). */
static hc_transcript_entry *last_entry(void)
{
    GPtrArray *t = hc_transcript();
    hc_transcript_entry *e, *c = g_new0(hc_transcript_entry, 1);

    hc_transcript_lock();
    e = g_ptr_array_index(t, t->len - 1);
    c->cmdline = g_strdup(e->cmdline);
    c->node = g_strdup(e->node);
    c->status = e->status;
    c->timed_out = e->timed_out;
    c->out = g_strdup(e->out);
    c->err = g_strdup(e->err);
    hc_transcript_unlock();
    return c;
}

static void entry_free(hc_transcript_entry *e)
{
    g_free(e->cmdline);
    g_free(e->node);
    g_free(e->out);
    g_free(e->err);
    g_free(e);
}

/* A program that is nowhere in PATH: exit status 127, spawn_failed, the
 * name and the reason on stderr and in the transcript. */
static void test_exec_not_in_path(void **state)
{
    const char *argv[] = { "hc-no-such-program", "x", NULL };
    hc_transcript_entry *e;
    hc_exec_result r;

    assert_int_equal(hc_exec(argv, NULL, &r), 0);
    assert_int_equal(r.status, 127);
    assert_true(r.spawn_failed);
    assert_false(r.timed_out);
    assert_string_equal(r.err,
                        "hc-no-such-program: No such file or directory\n");
    assert_int_equal(r.out_len, 0);
    hc_exec_result_clear(&r);
    e = last_entry();
    assert_string_equal(e->cmdline, "hc-no-such-program x");
    assert_int_equal(e->status, 127);
    assert_non_null(strstr(e->err, "No such file or directory"));
    entry_free(e);
}

/* A file that is not executable: 127, spawn_failed, "Permission denied". */
static void test_exec_not_executable(void **state)
{
    char path[] = "/tmp/hc-test-exec-noexec.XXXXXX";
    int fd = mkstemp(path);
    const char *argv[] = { path, NULL };
    hc_exec_result r;
    char *want;

    assert_true(fd >= 0);
    assert_int_equal(write(fd, "#!/bin/sh\necho ran\n", 19), 19);
    close(fd);
    assert_int_equal(chmod(path, 0644), 0);
    assert_int_equal(hc_exec(argv, NULL, &r), 0);
    assert_int_equal(r.status, 127);
    assert_true(r.spawn_failed);
    want = g_strdup_printf("%s: Permission denied\n", path);
    assert_string_equal(r.err, want);
    assert_string_equal(r.out, "");
    hc_exec_result_clear(&r);
    unlink(path);
    g_free(want);
}

/* A program that exits 127 itself (a shell's "command not found" inside
 * it) did start: not spawn_failed. */
static void test_exec_127_of_its_own(void **state)
{
    const char *argv[] = { "sh", "-c", "hc-no-such-program-either", NULL };
    hc_exec_result r;

    assert_int_equal(hc_exec(argv, NULL, &r), 0);
    assert_int_equal(r.status, 127);
    assert_false(r.spawn_failed);
    assert_non_null(strstr(r.err, "hc-no-such-program-either"));
    hc_exec_result_clear(&r);
}

/* Killed by a signal (not by the deadline): 128 + the signal, what it
 * wrote before is kept, not timed out; the transcript says the same. */
static void test_exec_killed_by_signal(void **state)
{
    const char *argv[] = { "sh", "-c", "echo before; echo oops >&2; "
                           "kill -TERM $$; echo after", NULL };
    const char *argv9[] = { "sh", "-c", "kill -KILL $$", NULL };
    hc_transcript_entry *e;
    hc_exec_result r;

    assert_int_equal(hc_exec(argv, NULL, &r), 0);
    assert_int_equal(r.status, 128 + SIGTERM);
    assert_false(r.timed_out);
    assert_false(r.spawn_failed);
    assert_string_equal(r.out, "before\n");
    assert_string_equal(r.err, "oops\n");
    assert_true(r.ms < 5000);
    hc_exec_result_clear(&r);
    e = last_entry();
    assert_int_equal(e->status, 128 + SIGTERM);
    assert_false(e->timed_out);
    assert_string_equal(e->out, "before\n");
    entry_free(e);
    assert_int_equal(hc_exec(argv9, NULL, &r), 0);
    assert_int_equal(r.status, 128 + SIGKILL);
    assert_false(r.timed_out);
    hc_exec_result_clear(&r);
}

/* pid runs (exists and is not a zombie). */
static bool process_alive(pid_t pid)
{
    char *st = g_strdup_printf("/proc/%d/stat", (int) pid);
    char *text = NULL;
    bool alive = g_file_get_contents(st, &text, NULL, NULL)
                 && !strstr(text, ") Z ");

    g_free(st);
    g_free(text);
    return alive;
}

/* At the deadline the child is killed (SIGKILL, its status says so), what
 * it wrote until then is kept, the transcript marks it timed out, and the
 * grandchild that held its output is gone too. */
static void test_exec_timeout_result(void **state)
{
    char pidfile[] = "/tmp/hc-test-exec-pid.XXXXXX";
    int fd = mkstemp(pidfile);
    char *script = g_strdup_printf("echo started; sleep 30 & echo $! > %s; "
                                   "wait", pidfile);
    const char *argv[] = { "sh", "-c", script, NULL };
    hc_exec_opts o = { .timeout_ms = 400 };
    hc_transcript_entry *e;
    hc_exec_result r;
    char *pid_text = NULL;
    pid_t grandchild;

    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(hc_exec(argv, &o, &r), 0);
    assert_true(r.timed_out);
    assert_int_equal(r.status, 128 + SIGKILL);
    assert_false(r.spawn_failed);
    assert_string_equal(r.out, "started\n");
    /* Not before the deadline (the loop counts whole milliseconds). */
    print_message("# ran %.1f ms\n", r.ms);
    assert_true(r.ms >= 399 && r.ms < 5000);
    hc_exec_result_clear(&r);
    e = last_entry();
    assert_true(e->timed_out);
    entry_free(e);
    assert_true(g_file_get_contents(pidfile, &pid_text, NULL, NULL));
    grandchild = (pid_t) atoi(pid_text);
    assert_true(grandchild > 0);
    /* Killed with the group: gone, or a zombie until init reaps it. */
    for (int i = 0; i < 100 && process_alive(grandchild); i++) {
        g_usleep(20000);
    }
    assert_false(process_alive(grandchild));
    unlink(pidfile);
    g_free(pid_text);
    g_free(script);
}

/* Output far beyond a pipe's buffer on stdout and stderr at once, each
 * more than the transcript keeps: no deadlock, the caller gets every
 * byte of both, the transcript and the record line keep their bounds. */
static void test_exec_output_beyond_bounds(void **state)
{
    const char *argv[] = { "sh", "-c", "i=0; while [ $i -lt 40 ]; do "
                           "head -c 20000 /dev/zero | tr '\\0' o; "
                           "head -c 20000 /dev/zero | tr '\\0' e >&2; "
                           "i=$((i+1)); done; printf END; printf END >&2",
                           NULL };
    hc_transcript_entry *e;
    hc_exec_result r;
    char *rec;

    assert_int_equal(hc_exec(argv, NULL, &r), 0);
    assert_int_equal(r.status, 0);
    assert_false(r.timed_out);
    assert_int_equal(r.out_len, 800003);
    assert_int_equal(strlen(r.err), 800003);
    assert_true(g_str_has_suffix(r.out, "oooEND"));
    assert_true(g_str_has_suffix(r.err, "eeeEND"));
    hc_exec_result_clear(&r);
    e = last_entry();
    assert_true(strlen(e->out) <= HC_TRANSCRIPT_KEEP + 64);
    assert_true(strlen(e->err) <= HC_TRANSCRIPT_KEEP + 64);
    assert_true(g_str_has_suffix(e->out, "oooEND"));
    assert_true(g_str_has_suffix(e->err, "eeeEND"));
    assert_non_null(strstr(e->err, " bytes not kept ...]\n"));
    rec = hc_transcript_record(e);
    assert_true(strlen(rec) < 2 * 2048 + 512);
    g_free(rec);
    entry_free(e);
}

/* ssh_config of the test's own: the node is this host on a port where
 * nothing listens, so that the real ssh fails at once. */
static char *refusing_ssh_config(char *dir)
{
    char *cfg;

    assert_non_null(g_mkdtemp(dir));
    cfg = g_build_filename(dir, "ssh_config", NULL);
    assert_true(g_file_set_contents(cfg, "Host *\n  HostName 127.0.0.1\n"
                                    "  Port 1\n  StrictHostKeyChecking no\n"
                                    "  UserKnownHostsFile /dev/null\n", -1,
                                    NULL));
    return cfg;
}

/* ssh that cannot reach the node: it ran (not spawn_failed), its status
 * is ssh's 255 and its reason is on stderr; the transcript names the
 * node. */
static void test_exec_ssh_refused(void **state)
{
    char dir[] = "/tmp/hc-test-exec-ssh.XXXXXX";
    char *cfg, *old = g_strdup(getenv("HACON_SSH_CONFIG"));
    const char *argv[] = { "true", NULL };
    hc_exec_opts o = { .node = "nodetwo", .timeout_ms = 20000 };
    hc_transcript_entry *e;
    hc_exec_result r;

    if (!g_find_program_in_path("ssh")) {
        skip();
    }
    cfg = refusing_ssh_config(dir);
    setenv("HACON_SSH_CONFIG", cfg, 1);
    assert_int_equal(hc_exec(argv, &o, &r), 0);
    if (old) {
        setenv("HACON_SSH_CONFIG", old, 1);
    } else {
        unsetenv("HACON_SSH_CONFIG");
    }
    assert_int_equal(r.status, 255);
    assert_false(r.spawn_failed);
    assert_false(r.timed_out);
    assert_non_null(strstr(r.err, "Connection refused"));
    hc_exec_result_clear(&r);
    e = last_entry();
    assert_string_equal(e->node, "nodetwo");
    assert_string_equal(e->cmdline, "[nodetwo] true");
    assert_int_equal(e->status, 255);
    entry_free(e);
    unlink(cfg);
    rmdir(dir);
    g_free(cfg);
    g_free(old);
}

/* No ssh at all: the run over ssh failed to start, and says so. */
static void test_exec_ssh_missing(void **state)
{
    char *old_path = g_strdup(getenv("PATH"));
    const char *argv[] = { "true", NULL };
    hc_exec_opts o = { .node = "nodetwo" };
    hc_exec_result r;

    setenv("PATH", "/nonexistent", 1);
    assert_int_equal(hc_exec(argv, &o, &r), 0);
    setenv("PATH", old_path, 1);
    assert_int_equal(r.status, 127);
    assert_true(r.spawn_failed);
    assert_string_equal(r.err, "ssh: No such file or directory\n");
    hc_exec_result_clear(&r);
    g_free(old_path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exec_output),
        cmocka_unit_test(test_exec_input),
        cmocka_unit_test(test_exec_input_file),
        cmocka_unit_test(test_exec_deadline),
        cmocka_unit_test(test_exec_missing),
        cmocka_unit_test(test_transcript_record),
        cmocka_unit_test(test_transcript),
        cmocka_unit_test(test_cmdline_node),
        cmocka_unit_test(test_exec_pipe_fails),
        cmocka_unit_test(test_exec_fork_fails),
        cmocka_unit_test(test_exec_env),
        cmocka_unit_test(test_exec_deadline_after_output),
        cmocka_unit_test(test_exec_node_not_option),
        cmocka_unit_test(test_exec_ssh_share),
        cmocka_unit_test(test_exec_ssh_share_admin),
        cmocka_unit_test(test_exec_ssh_share_dir_not_private),
        cmocka_unit_test(test_exec_ssh_close),
        cmocka_unit_test(test_exec_ssh_close_kills_running),
        cmocka_unit_test(test_transcript_bounded_output),
        cmocka_unit_test(test_transcript_ring),
        cmocka_unit_test(test_transcript_secret),
        cmocka_unit_test(test_exec_not_in_path),
        cmocka_unit_test(test_exec_not_executable),
        cmocka_unit_test(test_exec_127_of_its_own),
        cmocka_unit_test(test_exec_killed_by_signal),
        cmocka_unit_test(test_exec_timeout_result),
        cmocka_unit_test(test_exec_output_beyond_bounds),
        cmocka_unit_test(test_exec_ssh_refused),
        cmocka_unit_test(test_exec_ssh_missing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
