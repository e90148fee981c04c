/* hc_exec's ssh: the command line that runs a command on a node, and one
 * connection per node that all of this process's commands there share.
 *
 * Without sharing every command is a new TCP connection, key exchange and
 * login: 0.3-0.7 s each on a loaded machine, ~30 of them for one check of
 * the setup's steps.  With OpenSSH's multiplexing (as Ansible and crmsh
 * use it) the first command's ssh becomes the master (ControlMaster=auto):
 * once logged in it goes to the background (its own session, its output
 * on /dev/null) and listens on a socket in a directory only this user
 * reaches (0700); every later command is a session over that connection.
 *
 * A master must not outlive hacon: it is told to exit when this process
 * does (atexit: ssh -O exit), and when a signal ends it (SIGTERM, SIGHUP,
 * SIGINT left to their default action: a handler ends the masters, then
 * the signal ends the process as it would have).  When this process is
 * killed (SIGKILL), a master ends by itself HC_SSH_PERSIST_S seconds after
 * its last session (ControlPersist), removing its socket.  The sockets are named after the
 * process, so that a process never uses or ends another's master.  A
 * master whose node went away (a crash, a cut link) is ended by
 * ServerAlive* within seconds, so that a command there fails about as
 * fast as a new connection's ConnectTimeout would.
 *
 * The console's `hacon setup` children (a check, a plan, an apply each)
 * share the console's connections: the console names itself their owner
 * (HACON_SSH_OWNER=its PID in their environment) and a child names its
 * sockets after the owner, so that a master one child made serves the
 * next child, and the console.  Between children the console holds each
 * master with an idle session of its own (`cat` on the node, its input a
 * pipe the console keeps: it ends when the console ends, however it
 * ends), so that ControlPersist does not end it.  The console ends the
 * masters when it ends, unless a child still runs (an apply is left to
 * finish): the child, once its owner is gone, ends them when it ends.
 *
 * The admin's own ssh_config is respected: when it shares connections
 * itself (ControlMaster or ControlPath set for that node, as `ssh -G`
 * reports it), nothing is added; HACON_SSH_SHARE=no turns sharing off. */
#include "exec_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exec.h"

/* Idle seconds after which a master ends by itself: only a hacon that
 * was killed relies on it, so short. */
#define HC_SSH_PERSIST_S 10
/* ssh binds the socket under its name plus ".XXXXXXXXXXXXXXXX" first. */
#define HC_SSH_SUFFIX 17

typedef struct share {
    char *node;
    char *path;         /* our ControlPath; NULL: no sharing of ours */
    bool alive;         /* add ServerAlive* (the admin's config has none) */
    char **exit_argv;   /* ssh -O exit to its master (ssh by its path) */
} share;

/* The process the sockets are named after when it is not this one: the
 * console that started this `hacon setup` child (HACON_SSH_OWNER, and
 * this process its child); 0: this process owns its sockets. */
static pid_t owner_pid;
/* The owner's child that uses its masters now (hc_exec_ssh_lend()). */
static volatile pid_t lent_to;

static GMutex share_lock;
static GPtrArray *shares;       /* share*, one per node name */
static pid_t share_pid;         /* the process the sockets are named after */
static bool exit_hook;

/* kill() targets of the ssh commands running (0: a free slot), claimed
 * and released atomically: the signal handler reads them.  More at once
 * than there are slots are not killed at the end (ControlPersist then
 * ends what they leave). */
#define HC_SSH_RUNNING_MAX 64
static gint running[HC_SSH_RUNNING_MAX];

/* The masters as the signal handler ends them: published once made
 * (sig_count after the entry), never freed, read without a lock. */
#define HC_SSH_SIG_MAX 16
static struct {
    char **argv;
    char *path;
    pid_t owner;        /* borrowed from this owner (0: our own) */
} sig_masters[HC_SSH_SIG_MAX];
static gint sig_count;
static volatile pid_t sig_pid;  /* share_pid, for the handler */

/* The owner's idle sessions that hold the masters its children made
 * (hc_exec_ssh_lend()): the ssh's PID, the pipe that is its input. */
#define HC_SSH_HOLD_MAX 16
static struct {
    char *path;
    pid_t pid;
    int fd;
} holds[HC_SSH_HOLD_MAX];
static volatile sig_atomic_t hold_pids[HC_SSH_HOLD_MAX];
static pid_t sig_hook_pid;      /* the process that set the handler */

char *hc_exec_ssh_dir(void)
{
    const char *x = getenv("XDG_RUNTIME_DIR");

    if (x && *x == '/') {
        return g_build_filename(x, "hacon", NULL);
    }
    if (geteuid() == 0) {
        return g_strdup("/run/hacon");
    }
    return g_strdup_printf("%s/hacon-%u", g_get_tmp_dir(),
                           (unsigned) geteuid());
}

/* dir exists, is a directory (not a link) of this user that nobody else
 * can enter; made so when missing. */
static bool dir_private(const char *dir)
{
    struct stat st;

    if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
        return false;
    }
    if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode)
        || st.st_uid != geteuid()) {
        return false;
    }
    return (st.st_mode & 077) == 0 || chmod(dir, 0700) == 0;
}

/* What the admin's ssh_config says for node: whether it shares
 * connections itself, whether it sets ServerAliveInterval. */
static void admin_config(const char *node, bool *shares_itself,
                         bool *has_alive)
{
    const char *cfg = getenv("HACON_SSH_CONFIG");
    const char *argv[] = { "ssh", "-G", "--", node, NULL, NULL, NULL };
    hc_exec_opts o = { .timeout_ms = 10000 };
    hc_exec_result r;

    *shares_itself = false;
    *has_alive = false;
    if (cfg && *cfg) {
        argv[1] = "-F";
        argv[2] = cfg;
        argv[3] = "-G";
        argv[4] = "--";
        argv[5] = node;
    }
    if (hc_exec(argv, &o, &r) < 0) {
        return;
    }
    if (r.status == 0 && !r.timed_out) {
        char **lines = g_strsplit(r.out, "\n", -1);

        for (char **l = lines; *l; l++) {
            if (g_str_has_prefix(*l, "controlmaster ")) {
                *shares_itself |= strcmp(*l + 14, "false") != 0;
            } else if (g_str_has_prefix(*l, "controlpath ")) {
                *shares_itself |= strcmp(*l + 12, "none") != 0;
            } else if (g_str_has_prefix(*l, "serveraliveinterval ")) {
                *has_alive = strcmp(*l + 20, "0") != 0;
            }
        }
        g_strfreev(lines);
    }
    hc_exec_result_clear(&r);
}

static void share_free(gpointer p)
{
    share *s = p;

    g_free(s->node);
    g_free(s->path);
    g_strfreev(s->exit_argv);
    g_free(s);
}

static void close_at_exit(void)
{
    hc_exec_ssh_close();
}

/* ssh -O exit to the master on path, ssh named by its path (execve, in
 * the signal handler too). */
static char **exit_argv(const char *node, const char *path)
{
    const char *cfg = getenv("HACON_SSH_CONFIG");
    GPtrArray *a = g_ptr_array_new();
    char *ssh = g_find_program_in_path("ssh");

    g_ptr_array_add(a, ssh ? ssh : g_strdup("/usr/bin/ssh"));
    if (cfg && *cfg) {
        g_ptr_array_add(a, g_strdup("-F"));
        g_ptr_array_add(a, g_strdup(cfg));
    }
    g_ptr_array_add(a, g_strdup("-o"));
    g_ptr_array_add(a, g_strdup_printf("ControlPath=%s", path));
    g_ptr_array_add(a, g_strdup("-O"));
    g_ptr_array_add(a, g_strdup("exit"));
    g_ptr_array_add(a, g_strdup("--"));
    g_ptr_array_add(a, g_strdup(node));
    g_ptr_array_add(a, NULL);
    return (char **) g_ptr_array_free(a, FALSE);
}

/* Starts argv with its output on /dev/null, no signal held, a process
 * group of its own; async-signal-safe (_Fork, no allocation). */
static pid_t spawn_quiet(char **argv)
{
    pid_t pid = _Fork();

    if (pid == 0) {
        int nul = open("/dev/null", O_RDWR);

        hc_exec_child_signals();
        if (nul >= 0) {
            dup2(nul, 0);
            dup2(nul, 1);
            dup2(nul, 2);
        }
        setpgid(0, 0);
        execve(argv[0], argv, environ);
        _exit(127);
    }
    return pid;
}

/* Waits for pid at most until end (monotonic, ns), then kills its group;
 * async-signal-safe. */
static void reap_by(pid_t pid, long long end)
{
    struct timespec now, nap = { 0, 10 * 1000 * 1000 };
    int status;

    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);

        if (r == pid || (r < 0 && errno != EINTR)) {
            return;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec * 1000000000LL + now.tv_nsec >= end) {
            kill(-pid, SIGKILL);
            waitpid(pid, &status, 0);
            return;
        }
        nanosleep(&nap, NULL);
    }
}

/* The ssh commands of other threads still running when this process ends
 * (a read of the lease file, say): an ssh still logging in would become
 * a master of its own once logged in, after hacon; ssh -O exit ends the
 * sessions over a master alike.  Async-signal-safe. */
static void kill_running(void)
{
    for (guint i = 0; i < HC_SSH_RUNNING_MAX; i++) {
        int t = g_atomic_int_get(&running[i]);

        if (t) {
            kill(t, SIGKILL);
        }
    }
}

static bool lent_running(void);

/* Whether a master borrowed from owner is this process's to end: its
 * owner is gone (this process is no longer its child).
 * Async-signal-safe. */
static bool borrowed_ours(pid_t owner)
{
    return owner == 0 || getppid() != owner;
}

/* Ends the owner's idle sessions (their input closed by their end).
 * Async-signal-safe. */
static void kill_holds(void)
{
    for (guint i = 0; i < HC_SSH_HOLD_MAX; i++) {
        pid_t p = hold_pids[i];

        if (p > 0) {
            kill(p, SIGKILL);
        }
    }
}

/* SIGTERM, SIGHUP or SIGINT, left to its default action, ends this
 * process: its ssh commands killed and its masters ended first (at most
 * 5 s, all at once), then the signal's default action; masters that a
 * child still uses (of an owner that lent them, or borrowed from an
 * owner that still runs) are left to it.  A forked child that did not
 * share yet ends as it would have. */
static void on_end_signal(int sig)
{
    static volatile sig_atomic_t ending;
    int saved = errno;

    if (!ending && getpid() == sig_pid) {
        pid_t pids[HC_SSH_SIG_MAX];
        int n = g_atomic_int_get(&sig_count);
        struct timespec now;
        long long end;

        ending = 1;
        kill_running();
        kill_holds();
        clock_gettime(CLOCK_MONOTONIC, &now);
        end = now.tv_sec * 1000000000LL + now.tv_nsec + 5000000000LL;
        for (int i = 0; i < n; i++) {
            bool ours = borrowed_ours(sig_masters[i].owner)
                        && !lent_running();

            pids[i] = ours ? spawn_quiet(sig_masters[i].argv) : -1;
        }
        for (int i = 0; i < n; i++) {
            if (pids[i] > 0) {
                reap_by(pids[i], end);
                /* The master removes it as it ends; never leave it. */
                unlink(sig_masters[i].path);
            }
        }
    }
    /* The default action, once this handler returns (the signal is held
     * while it runs). */
    signal(sig, SIG_DFL);
    raise(sig);
    errno = saved;
}

/* s's master for the handler, and the handler set where the signal is
 * left to its default action (a caller's own handler, or an ignored
 * signal, stays as it is). */
static void sig_hook(void);

static void sig_publish_path(char **argv, const char *path, pid_t owner)
{
    int n = g_atomic_int_get(&sig_count);

    for (int i = 0; i < n; i++) {
        if (!strcmp(sig_masters[i].path, path)) {
            sig_hook();
            return;
        }
    }
    if (n < HC_SSH_SIG_MAX) {
        sig_masters[n].argv = g_strdupv(argv);
        sig_masters[n].path = g_strdup(path);
        sig_masters[n].owner = owner;
        g_atomic_int_set(&sig_count, n + 1);
    }
    sig_hook();
}

static void sig_publish(share *s)
{
    sig_publish_path(s->exit_argv, s->path, owner_pid);
}

static void sig_hook(void)
{
    static const int sigs[] = { SIGTERM, SIGHUP, SIGINT };

    if (sig_hook_pid == getpid()) {
        return;
    }
    sig_hook_pid = getpid();
    sig_pid = sig_hook_pid;
    for (size_t i = 0; i < G_N_ELEMENTS(sigs); i++) {
        struct sigaction old, sa;

        if (sigaction(sigs[i], NULL, &old) < 0
            || (old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL) {
            continue;
        }
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_end_signal;
        sigemptyset(&sa.sa_mask);
        sigaddset(&sa.sa_mask, SIGTERM);
        sigaddset(&sa.sa_mask, SIGHUP);
        sigaddset(&sa.sa_mask, SIGINT);
        sa.sa_flags = SA_RESTART;
        sigaction(sigs[i], &sa, NULL);
    }
}

/* The node in a socket's name: itself when it is short and of letters,
 * digits, dots, dashes and underscores, else "h" and a hash of it (ssh
 * reaches the master by the path alone, whatever node name it is given). */
static char *node_tag(const char *node)
{
    size_t n = strlen(node);

    if (n && n <= 40 && node[0] != '-'
        && strspn(node, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                        "0123456789._-") == n) {
        return g_strdup(node);
    }
    {
        char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA1, node, -1);
        char *tag = g_strdup_printf("h%.16s", sum ? sum : "");

        g_free(sum);
        return tag;
    }
}

/* This process's state, made anew in a forked child: its own sockets and
 * commands, never its parent's, unless its parent is the console that
 * named itself their owner (HACON_SSH_OWNER; under share_lock). */
static void share_init(void)
{
    const char *o = getenv("HACON_SSH_OWNER");
    char *end = NULL;
    long op = o ? strtol(o, &end, 10) : 0;

    if (getpid() == share_pid) {
        return;
    }
    g_clear_pointer(&shares, g_ptr_array_unref);
    for (guint i = 0; i < HC_SSH_RUNNING_MAX; i++) {
        g_atomic_int_set(&running[i], 0);
    }
    for (guint i = 0; i < HC_SSH_HOLD_MAX; i++) {
        holds[i].path = NULL;   /* the parent's: not freed here */
        holds[i].pid = 0;
        holds[i].fd = -1;
        hold_pids[i] = 0;
    }
    lent_to = 0;
    g_atomic_int_set(&sig_count, 0);
    share_pid = getpid();
    sig_pid = share_pid;
    owner_pid = o && end && !*end && op > 1 && (pid_t) op == getppid()
                ? (pid_t) op : 0;
}

/* The share of node, made on first use (under share_lock). */
static share *share_of(const char *node)
{
    const char *off = getenv("HACON_SSH_SHARE");
    share *s;
    bool own, alive;
    char *dir;

    share_init();
    if (!shares) {
        shares = g_ptr_array_new_with_free_func(share_free);
    }
    for (guint i = 0; i < shares->len; i++) {
        s = shares->pdata[i];
        if (!strcmp(s->node, node)) {
            return s;
        }
    }
    s = g_new0(share, 1);
    s->node = g_strdup(node);
    g_ptr_array_add(shares, s);
    if (off && (!strcmp(off, "no") || !strcmp(off, "0"))) {
        return s;
    }
    admin_config(node, &own, &alive);
    if (own) {
        return s;
    }
    dir = hc_exec_ssh_dir();
    /* A path ssh takes as it is: no %-tokens, no blanks, not too long
     * for a socket. */
    if (dir_private(dir) && !strpbrk(dir, "% \t\"'")) {
        char *tag = node_tag(node);
        char *path = g_strdup_printf("%s/ssh-%ld-%s", dir,
                                     (long) (owner_pid ? owner_pid
                                                       : share_pid), tag);

        g_free(tag);
        if (strlen(path) + HC_SSH_SUFFIX
            < sizeof(((struct sockaddr_un *) NULL)->sun_path)) {
            s->path = path;
            s->alive = !alive;
        } else {
            g_free(path);
        }
    }
    g_free(dir);
    if (s->path) {
        s->exit_argv = exit_argv(node, s->path);
        if (!exit_hook) {
            exit_hook = atexit(close_at_exit) == 0;
        }
        sig_publish(s);
    }
    return s;
}

static void add_opt(GPtrArray *a, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void add_opt(GPtrArray *a, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_ptr_array_add(a, g_strdup("-o"));
    g_ptr_array_add(a, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

/* Over ssh the remote side gets one command line: quote every word. */
char **hc_exec_ssh_argv(const char *node, const char *const *argv)
{
    GPtrArray *a = g_ptr_array_new();
    GString *cmd = g_string_new(NULL);
    const char *cfg = getenv("HACON_SSH_CONFIG");
    share *s;

    g_ptr_array_add(a, g_strdup("ssh"));
    /* An ssh_config of hacon's own (the test peer's port and key). */
    if (cfg && *cfg) {
        g_ptr_array_add(a, g_strdup("-F"));
        g_ptr_array_add(a, g_strdup(cfg));
    }
    add_opt(a, "BatchMode=yes");
    add_opt(a, "ConnectTimeout=5");
    g_mutex_lock(&share_lock);
    s = share_of(node);
    if (s->path) {
        add_opt(a, "ControlMaster=auto");
        add_opt(a, "ControlPath=%s", s->path);
        add_opt(a, "ControlPersist=%d", HC_SSH_PERSIST_S);
        if (s->alive) {
            add_opt(a, "ServerAliveInterval=2");
            add_opt(a, "ServerAliveCountMax=3");
        }
    }
    g_mutex_unlock(&share_lock);
    /* "--" first: a node name that starts with "-" is a name, never an
     * option (ssh reads options after the name unless "--" came before). */
    g_ptr_array_add(a, g_strdup("--"));
    g_ptr_array_add(a, g_strdup(node));
    for (size_t i = 0; argv[i]; i++) {
        char *q = g_shell_quote(argv[i]);

        g_string_append_printf(cmd, "%s%s", i ? " " : "", q);
        g_free(q);
    }
    g_ptr_array_add(a, g_string_free(cmd, FALSE));
    g_ptr_array_add(a, NULL);
    return (char **) g_ptr_array_free(a, FALSE);
}

/* ssh -O exit to s's master: no transcript (this runs at exit, when the
 * console that shows it is gone), 5 s at most. */
static void master_exit(const share *s)
{
    pid_t pid = spawn_quiet(s->exit_argv);

    if (pid > 0) {
        struct timespec now;

        clock_gettime(CLOCK_MONOTONIC, &now);
        reap_by(pid, now.tv_sec * 1000000000LL + now.tv_nsec
                     + 5000000000LL);
    }
}

void hc_exec_ssh_running(pid_t target, bool on)
{
    for (guint i = 0; i < HC_SSH_RUNNING_MAX; i++) {
        if (on ? g_atomic_int_compare_and_exchange(&running[i], 0, target)
               : g_atomic_int_compare_and_exchange(&running[i], target, 0)) {
            return;
        }
    }
}

/* The sockets named after pid in the socket directory: their paths and
 * the node in each name (g_strfreev() both). */
static void sockets_of(pid_t pid, char ***ret_paths, char ***ret_nodes)
{
    GPtrArray *paths = g_ptr_array_new(), *nodes = g_ptr_array_new();
    char *dir = hc_exec_ssh_dir();
    char *prefix = g_strdup_printf("ssh-%ld-", (long) pid);
    DIR *d = opendir(dir);
    struct dirent *e;

    while (d && (e = readdir(d))) {
        if (g_str_has_prefix(e->d_name, prefix)
            && e->d_name[strlen(prefix)]) {
            g_ptr_array_add(paths, g_build_filename(dir, e->d_name, NULL));
            g_ptr_array_add(nodes, g_strdup(e->d_name + strlen(prefix)));
        }
    }
    if (d) {
        closedir(d);
    }
    g_ptr_array_add(paths, NULL);
    g_ptr_array_add(nodes, NULL);
    *ret_paths = (char **) g_ptr_array_free(paths, FALSE);
    *ret_nodes = (char **) g_ptr_array_free(nodes, FALSE);
    g_free(prefix);
    g_free(dir);
}

/* Ends every master named after pid (ssh -O exit, 5 s at most each) and
 * removes its socket. */
static void end_masters_of(pid_t pid)
{
    char **paths, **nodes;

    sockets_of(pid, &paths, &nodes);
    for (guint i = 0; paths[i]; i++) {
        share s = { .exit_argv = exit_argv(nodes[i], paths[i]) };

        master_exit(&s);
        /* The master removes it as it ends; never leave it. */
        unlink(paths[i]);
        g_strfreev(s.exit_argv);
    }
    g_strfreev(paths);
    g_strfreev(nodes);
}

/* Whether the child the masters are lent to still runs (not reaped, not
 * ended: waitid() without taking its status from its waiter). */
static bool lent_running(void)
{
    siginfo_t si;
    pid_t p = lent_to;

    if (p <= 0) {
        return false;
    }
    memset(&si, 0, sizeof(si));
    if (waitid(P_PID, (id_t) p, &si, WEXITED | WNOHANG | WNOWAIT) < 0) {
        return false;
    }
    return si.si_pid != p;
}

/* Ends the idle sessions that hold masters (their ssh killed, their
 * input closed, reaped). */
static void holds_end(void)
{
    for (guint i = 0; i < HC_SSH_HOLD_MAX; i++) {
        if (holds[i].pid > 0) {
            kill(holds[i].pid, SIGKILL);
            waitpid(holds[i].pid, NULL, 0);
        }
        if (holds[i].fd >= 0) {
            close(holds[i].fd);
        }
        hold_pids[i] = 0;
        holds[i].pid = 0;
        holds[i].fd = -1;
        g_clear_pointer(&holds[i].path, g_free);
    }
}

/* Holds the master on path with an idle session (`cat` on node, its
 * input a pipe kept here, close-on-exec: it ends when this process does,
 * and no command of ours inherits it).  ControlMaster=no and a
 * ProxyCommand that fails: never a login of its own when the master is
 * gone. */
static void hold(const char *node, const char *path)
{
    const char *cfg = getenv("HACON_SSH_CONFIG");
    GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
    char *ssh = g_find_program_in_path("ssh");
    int fds[2], slot = -1;
    pid_t pid;

    for (guint i = 0; i < HC_SSH_HOLD_MAX && slot < 0; i++) {
        if (holds[i].pid <= 0) {
            slot = (int) i;
        }
    }
    if (slot < 0 || pipe2(fds, O_CLOEXEC) < 0) {
        g_free(ssh);
        g_ptr_array_unref(a);
        return;
    }
    g_ptr_array_add(a, ssh ? ssh : g_strdup("/usr/bin/ssh"));
    if (cfg && *cfg) {
        g_ptr_array_add(a, g_strdup("-F"));
        g_ptr_array_add(a, g_strdup(cfg));
    }
    add_opt(a, "BatchMode=yes");
    add_opt(a, "ControlMaster=no");
    add_opt(a, "ControlPath=%s", path);
    add_opt(a, "ProxyCommand=false");
    g_ptr_array_add(a, g_strdup("--"));
    g_ptr_array_add(a, g_strdup(node));
    g_ptr_array_add(a, g_strdup("cat"));
    g_ptr_array_add(a, NULL);
    pid = fork();
    if (pid == 0) {
        int nul = open("/dev/null", O_RDWR);

        hc_exec_child_signals();
        dup2(fds[0], 0);
        if (nul >= 0) {
            dup2(nul, 1);
            dup2(nul, 2);
        }
        setpgid(0, 0);
        execve(a->pdata[0], (char **) a->pdata, environ);
        _exit(127);
    }
    close(fds[0]);
    if (pid < 0) {
        close(fds[1]);
    } else {
        char **ex = exit_argv(node, path);

        holds[slot].pid = pid;
        holds[slot].fd = fds[1];
        holds[slot].path = g_strdup(path);
        hold_pids[slot] = pid;
        sig_publish_path(ex, path, 0);
        g_strfreev(ex);
    }
    g_ptr_array_unref(a);
}

/* Each master named after this process that no session of ours holds
 * yet gets one; those whose session ended (the master went) are reaped. */
static void hold_all(void)
{
    char **paths, **nodes;

    for (guint i = 0; i < HC_SSH_HOLD_MAX; i++) {
        if (holds[i].pid > 0 && waitpid(holds[i].pid, NULL, WNOHANG) != 0) {
            close(holds[i].fd);
            hold_pids[i] = 0;
            holds[i].pid = 0;
            holds[i].fd = -1;
            g_clear_pointer(&holds[i].path, g_free);
        }
    }
    sockets_of(share_pid, &paths, &nodes);
    for (guint i = 0; paths[i]; i++) {
        bool held = false;

        for (guint k = 0; k < HC_SSH_HOLD_MAX && !held; k++) {
            held = holds[k].path && !strcmp(holds[k].path, paths[i]);
        }
        if (!held) {
            hold(nodes[i], paths[i]);
        }
    }
    g_strfreev(paths);
    g_strfreev(nodes);
}

void hc_exec_ssh_lend(pid_t child)
{
    g_mutex_lock(&share_lock);
    share_init();
    if (!exit_hook) {
        exit_hook = atexit(close_at_exit) == 0;
    }
    sig_hook();
    lent_to = child;
    if (child <= 0) {
        hold_all();
    }
    g_mutex_unlock(&share_lock);
}

void hc_exec_ssh_close(void)
{
    /* At exit another thread may hold the lock (a command of the failover
     * test's worker): then the masters end after HC_SSH_PERSIST_S. */
    if (!g_mutex_trylock(&share_lock)) {
        return;
    }
    if (getpid() == share_pid) {
        kill_running();
        holds_end();
        if (owner_pid) {
            /* Borrowed: the owner's to end while it runs; ours once it
             * is gone (this child its last user). */
            if (borrowed_ours(owner_pid)) {
                end_masters_of(owner_pid);
            }
        } else if (!lent_running()) {
            /* A child that still runs (an apply left to finish) ends
             * them once it is done. */
            end_masters_of(share_pid);
        }
    }
    g_mutex_unlock(&share_lock);
}
