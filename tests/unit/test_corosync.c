/* Unit tests of core/corosync.c against a real corosync: a one-node
 * cluster started by the test in network and mount namespaces of its own
 * (its IPC sockets are abstract, so per network namespace; /run,
 * /dev/shm and /var/lib/corosync are private tmpfs), so that no other
 * corosync on the machine is seen or touched.  Needs root and corosync;
 * skips otherwise.
 *
 * The cluster has two nodes in its nodelist and one of them running, so
 * it starts without quorum.  What is checked: the state once connected
 * (node ids, names, votes, quorum, members, reachability), notifications
 * as the admin changes things with corosync's own tools (the expected
 * votes lowered: quorate; a node added to corosync.conf and reloaded:
 * three nodes, not quorate again), corosync going away (dispatch says
 * -ENOTCONN), and connecting when none runs (an errno and a message). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "corosync.h"
#include "exec.h"

static const char *skip_why;      /* the cluster could not be started */
static char dir[] = "/tmp/hc-test-corosync.XXXXXX";
static pid_t cs_pid = -1;
static hc_corosync *cs;
static int n_changed;

/* The nodelist has a peer that never starts (its address answers
 * nothing); %s is where a third node is added. */
static const char conf_fmt[] =
    "totem {\n"
    "    version: 2\n"
    "    cluster_name: hctest\n"
    "    transport: knet\n"
    "    crypto_cipher: none\n"
    "    crypto_hash: none\n"
    "    token: 1000\n"
    "}\n"
    "nodelist {\n"
    "    node {\n"
    "        ring0_addr: 127.0.0.1\n"
    "        name: solo\n"
    "        nodeid: 7\n"
    "    }\n"
    "    node {\n"
    "        ring0_addr: 127.0.0.2\n"
    "        name: peer\n"
    "        nodeid: 8\n"
    "    }\n"
    "%s"
    "}\n"
    "quorum {\n"
    "    provider: corosync_votequorum\n"
    "}\n"
    "logging {\n"
    "    to_stderr: yes\n"
    "    to_syslog: no\n"
    "    to_logfile: no\n"
    "}\n";

static void changed(void *data)
{
    n_changed++;
}

/* Runs a command (the cluster's own tools); 0 when it exited 0. */
static int run(const char *const *argv)
{
    hc_exec_result r;
    int rc = hc_exec(argv, &(hc_exec_opts) { .timeout_ms = 20000 }, &r);

    if (rc == 0 && r.status != 0) {
        print_message("# %s: %s%s", argv[0], r.out, r.err);
        rc = -EIO;
    }
    hc_exec_result_clear(&r);
    return rc;
}

static bool private_tmpfs(const char *path)
{
    mkdir(path, 0755);
    return mount("hc-test", path, "tmpfs", 0, "mode=0755") == 0;
}

static char *conf_path(void)
{
    return g_build_filename(dir, "corosync.conf", NULL);
}

static void write_conf(const char *extra)
{
    char *path = conf_path();
    char *text = g_strdup_printf(conf_fmt, extra);

    assert_true(g_file_set_contents(path, text, -1, NULL));
    g_free(text);
    g_free(path);
}

/* Dispatches what comes until pred() holds or ms pass. */
static bool wait_for(bool (*pred)(void), int ms)
{
    for (int waited = 0; waited <= ms; waited += 50) {
        int fds[HC_CS_MAX_FDS], n = hc_corosync_fds(cs, fds);
        struct pollfd p[HC_CS_MAX_FDS];

        if (pred()) {
            return true;
        }
        for (int i = 0; i < n; i++) {
            p[i] = (struct pollfd) { .fd = fds[i], .events = POLLIN };
        }
        poll(p, (nfds_t) n, 50);
        if (hc_corosync_dispatch(cs) < 0) {
            return pred();
        }
    }
    return pred();
}

static const hc_cs_node *node_by_id(uint32_t id)
{
    const hc_cs_state *st = hc_corosync_state(cs);

    for (guint i = 0; i < st->nodes->len; i++) {
        const hc_cs_node *n = st->nodes->pdata[i];

        if (n->nodeid == id) {
            return n;
        }
    }
    return NULL;
}

/* The membership arrives with the first notifications. */
static bool local_member(void)
{
    const hc_cs_node *n = node_by_id(7);

    return n && n->member;
}

static int start_cluster(void **state)
{
    const char *lo_up[] = { "ip", "link", "set", "lo", "up", NULL };
    char *path, *log;
    char *err = NULL;
    int fd;

    if (getuid() != 0) {
        skip_why = "needs root (network and mount namespaces)";
        return 0;
    }
    if (access("/usr/sbin/corosync", X_OK) != 0) {
        skip_why = "needs corosync (make deps installs it)";
        return 0;
    }
    if (unshare(CLONE_NEWNET | CLONE_NEWNS) != 0
        || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
        skip_why = "cannot create network and mount namespaces here";
        return 0;
    }
    assert_true(private_tmpfs("/run"));
    assert_true(private_tmpfs("/dev/shm"));
    assert_true(private_tmpfs("/var/lib/corosync"));
    assert_int_equal(run(lo_up), 0);
    assert_non_null(g_mkdtemp(dir));
    write_conf("");
    path = conf_path();
    log = g_build_filename(dir, "corosync.log", NULL);
    cs_pid = fork();
    assert_true(cs_pid >= 0);
    if (cs_pid == 0) {
        fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1);
        dup2(fd, 2);
        execl("/usr/sbin/corosync", "corosync", "-f", "-c", path,
              (char *) NULL);
        _exit(127);
    }
    /* Up once its IPC answers and it counts its own vote. */
    for (int i = 0; i < 200 && !cs; i++) {
        g_usleep(50000);
        g_clear_pointer(&err, g_free);
        if (hc_corosync_connect(&cs, changed, NULL, &err) == 0
            && hc_corosync_state(cs)->total_votes == 0) {
            hc_corosync_free(cs);
            cs = NULL;
        }
    }
    if (!cs || !wait_for(local_member, 10000)) {
        char *text = NULL;

        g_file_get_contents(log, &text, NULL, NULL);
        print_message("# corosync did not come up (%s):\n%s\n",
                      err ? err : "?", text ? text : "");
        g_free(text);
    }
    assert_non_null(cs);
    assert_true(local_member());
    g_free(err);
    g_free(path);
    g_free(log);
    return 0;
}

static void stop_corosync(void)
{
    if (cs_pid > 0) {
        kill(cs_pid, SIGTERM);
        for (int i = 0; i < 200 && waitpid(cs_pid, NULL, WNOHANG) == 0; i++) {
            g_usleep(50000);
        }
        kill(cs_pid, SIGKILL);
        waitpid(cs_pid, NULL, 0);
        cs_pid = -1;
    }
}

static int stop_cluster(void **state)
{
    char *p;

    hc_corosync_free(cs);
    cs = NULL;
    stop_corosync();
    if (!skip_why && dir[sizeof(dir) - 2] != 'X') {
        p = conf_path();
        unlink(p);
        g_free(p);
        p = g_build_filename(dir, "corosync.log", NULL);
        unlink(p);
        g_free(p);
        rmdir(dir);
    }
    return 0;
}

#define NEED_CLUSTER()                                                  \
    do {                                                                \
        if (skip_why) {                                                 \
            print_message("# SKIP %s\n", skip_why);                     \
            skip();                                                     \
        }                                                               \
    } while (0)

/* One node of two runs: no quorum; the peer is configured, not a
 * member, not reachable. */
static void test_state_once_connected(void **state)
{
    const hc_cs_state *st;
    const hc_cs_node *n;

    NEED_CLUSTER();
    st = hc_corosync_state(cs);
    assert_int_equal(st->local_nodeid, 7);
    assert_false(st->quorate);
    assert_int_equal(st->total_votes, 1);
    assert_int_equal(st->expected_votes, 2);
    assert_int_equal(st->quorum, 2);
    assert_false(st->two_node);
    assert_true(st->ring_seq > 0);
    assert_int_equal(st->nodes->len, 2);
    n = st->nodes->pdata[0];
    assert_int_equal(n->nodeid, 7);
    assert_string_equal(n->name, "solo");
    assert_true(n->member);
    assert_true(n->local);
    assert_true(n->reachable);
    assert_int_equal(n->votes, 1);
    n = st->nodes->pdata[1];
    assert_int_equal(n->nodeid, 8);
    assert_string_equal(n->name, "peer");
    assert_false(n->member);
    assert_false(n->local);
    assert_false(n->reachable);
    assert_true(n->links[0].configured);
    assert_false(n->links[0].connected);
}

static void test_fds(void **state)
{
    int fds[HC_CS_MAX_FDS], n;

    NEED_CLUSTER();
    n = hc_corosync_fds(cs, fds);
    /* quorum, stats map, votequorum, cfg, cmap */
    assert_int_equal(n, HC_CS_MAX_FDS);
    for (int i = 0; i < n; i++) {
        assert_true(fcntl(fds[i], F_GETFD) >= 0);
    }
    assert_int_equal(hc_corosync_dispatch(cs), 0);
}

static bool quorate_alone(void)
{
    const hc_cs_state *st = hc_corosync_state(cs);

    return st->quorate && st->expected_votes == 1 && st->quorum == 1;
}

/* The admin lowers the expected votes (the peer is gone for good): the
 * notification makes the state quorate. */
static void test_expected_votes_lowered(void **state)
{
    const char *argv[] = { "corosync-quorumtool", "-e", "1", NULL };
    int before;

    NEED_CLUSTER();
    before = n_changed;
    assert_int_equal(run(argv), 0);
    assert_true(wait_for(quorate_alone, 10000));
    assert_true(n_changed > before);
}

static bool three_nodes(void)
{
    const hc_cs_state *st = hc_corosync_state(cs);
    const hc_cs_node *n = node_by_id(9);

    return st->nodes->len == 3 && n && !g_strcmp0(n->name, "third")
           && st->expected_votes == 3 && !st->quorate;
}

/* A node added to corosync.conf and reloaded (corosync-cfgtool -R) is
 * seen without reconnecting; the expected votes follow, and with one
 * vote of three there is no quorum. */
static void test_node_added(void **state)
{
    const char *argv[] = { "corosync-cfgtool", "-R", NULL };
    const hc_cs_node *n;
    int before;

    NEED_CLUSTER();
    before = n_changed;
    write_conf("    node {\n"
               "        ring0_addr: 127.0.0.3\n"
               "        name: third\n"
               "        nodeid: 9\n"
               "    }\n");
    assert_int_equal(run(argv), 0);
    assert_true(wait_for(three_nodes, 10000));
    assert_true(n_changed > before);
    n = node_by_id(9);
    assert_false(n->member);
    assert_false(n->local);
}

static bool never(void)
{
    return false;
}

/* corosync stops: dispatch says -ENOTCONN (the caller reconnects later),
 * and a new connection fails with a message. */
static void test_corosync_gone(void **state)
{
    hc_corosync *again = NULL;
    char *err = NULL;
    int rc = 0;

    NEED_CLUSTER();
    stop_corosync();
    for (int i = 0; i < 100 && rc == 0; i++) {
        wait_for(never, 50);
        rc = hc_corosync_dispatch(cs);
    }
    assert_int_equal(rc, -ENOTCONN);
    hc_corosync_free(cs);
    cs = NULL;
    assert_int_equal(hc_corosync_connect(&again, changed, NULL, &err),
                     -ENOTCONN);
    assert_null(again);
    assert_non_null(err);
    assert_non_null(strstr(err, "corosync is not running"));
    g_free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_once_connected),
        cmocka_unit_test(test_fds),
        cmocka_unit_test(test_expected_votes_lowered),
        cmocka_unit_test(test_node_added),
        cmocka_unit_test(test_corosync_gone),
    };

    return cmocka_run_group_tests(tests, start_cluster, stop_cluster);
}
