/* The generators of the wizard's files against golden copies
 * (tests/wizard/golden/), which t-file-steps.sh also feeds to corosync's
 * parser, dhcpd -t and kea-dhcp4 -t. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include <glib.h>

#include "corosync.h"
#include "gen_corosync.h"
#include "gen_drbd.h"
#include "gen_dhcpd.h"
#include "gen_kea.h"
#include "steps/steps.h"

/* The text of DIR/NAME under the source tree (g_free). */
static char *top_file(const char *dir, const char *name)
{
    const char *top = getenv("HACON_TOP");
    char *path = g_strdup_printf("%s/%s/%s", top ? top : ".", dir, name);
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        fail_msg("cannot read %s", path);
    }
    g_free(path);
    return text;
}

static char *golden(const char *name)
{
    return top_file("tests/wizard/golden", name);
}

/* A CIB of tests/golden/cib/ (g_free). */
static char *golden_cib(const char *name)
{
    return top_file("tests/golden/cib", name);
}

/* The tutorial's DHCP service on eth2, its lease file leases. */
static hc_dhcpd_conf tutorial_dhcp(const char *leases)
{
    hc_dhcpd_conf c = {
        .interface = "eth2", .vip = "10.10.101.1", .vip_prefix = 24,
        .static_net = "10.10.102.0/24", .range_start = "10.10.101.100",
        .range_end = "10.10.101.200", .leases = leases,
    };

    return c;
}

/* PROG OPTS... FILE on text written to FILE: its exit status, or 0 when
 * PROG is not here. */
static int file_check(const char *prog, const char *const opts[],
                      const char *text)
{
    char path[] = "/tmp/hacon-test-conf-XXXXXX";
    GPtrArray *argv;
    int fd, status = -1;

    if (access(prog, X_OK) != 0) {
        return 0;
    }
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_true(write(fd, text, strlen(text)) == (ssize_t) strlen(text));
    close(fd);
    argv = g_ptr_array_new();
    g_ptr_array_add(argv, (char *) prog);
    for (size_t i = 0; opts[i]; i++) {
        g_ptr_array_add(argv, (char *) opts[i]);
    }
    g_ptr_array_add(argv, path);
    g_ptr_array_add(argv, NULL);
    assert_true(g_spawn_sync(NULL, (char **) argv->pdata, NULL,
                             G_SPAWN_STDOUT_TO_DEV_NULL
                             | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                             NULL, NULL, &status, NULL));
    g_ptr_array_free(argv, TRUE);
    unlink(path);
    return status;
}

static void test_corosync_tutorial(void **state)
{
    hc_corosync_conf c = {
        .cluster_name = "hacluster",
        .node_name = { "nodeone", "nodetwo" },
        .ring0_addr = { "10.10.100.1", "10.10.100.2" },
    };
    char *text = hc_gen_corosync_conf(&c), *want = golden("corosync.conf");

    assert_string_equal(text, want);
    g_free(text);
    g_free(want);
}

static void test_corosync_keyfile(void **state)
{
    hc_corosync_conf c = {
        .cluster_name = "c1",
        .node_name = { "a", "b" },
        .ring0_addr = { "192.0.2.1", "192.0.2.2" },
        .keyfile = "/tmp/key",
    };
    char *text = hc_gen_corosync_conf(&c);

    assert_non_null(strstr(text, "\tkeyfile: /tmp/key\n"));
    assert_non_null(strstr(text, "\tcluster_name: c1\n"));
    assert_non_null(strstr(text, "\t\tring0_addr: 192.0.2.2\n"));
    assert_non_null(strstr(text, "\ttwo_node: 1\n"));
    g_free(text);
}

/* Step fence's fencing=qdevice puts a quorum device in two_node's place:
 * step cluster must take that for the same cluster (it would otherwise
 * want to rewrite a running corosync's configuration), but not a quorum
 * section with neither. */
static void test_corosync_qdevice_same(void **state)
{
    hc_corosync_conf c = {
        .cluster_name = "hacluster",
        .node_name = { "nodeone", "nodetwo" },
        .ring0_addr = { "10.10.100.1", "10.10.100.2" },
    };
    char *text = hc_gen_corosync_conf(&c);
    char *qd = hc_fence_qdevice_conf(text, "qnetd");
    char *neither = g_strdup(text), *t, *d;

    assert_null(strstr(qd, "two_node"));
    assert_non_null(strstr(qd, "\t\tmodel: net\n"));
    assert_non_null(strstr(qd, "\t\t\thost: qnetd\n"));
    d = hc_corosync_conf_differs(qd, strlen(qd), text, strlen(text));
    assert_null(d);
    t = strstr(neither, "\ttwo_node: 1\n");
    assert_non_null(t);
    memcpy(t, "\ttwo_node: 0\n", strlen("\ttwo_node: 0\n"));
    d = hc_corosync_conf_differs(neither, strlen(neither), text,
                                 strlen(text));
    assert_non_null(d);
    assert_non_null(strstr(d, "quorum.two_node 0, not 1"));
    g_free(d);
    g_free(neither);
    g_free(qd);
    g_free(text);
}

/* fencing=qdevice's quorum device has heuristics (the script that passes
 * where the service runs), in corosync's own syntax: corosync -t parses
 * it (node one's address this machine's, so that it finds itself; a key
 * of its own).  A device already there gets them; a second pass changes
 * nothing. */
static void test_corosync_qdevice_heuristics(void **state)
{
    static const char *const corosync_t[] = { "-t", "-c", NULL };
    char key[] = "/tmp/hacon-test-key-XXXXXX";
    int fd = mkstemp(key);
    hc_corosync_conf c = {
        .cluster_name = "hacluster",
        .node_name = { "nodeone", "nodetwo" },
        .ring0_addr = { "127.0.0.1", "192.0.2.2" },
        .keyfile = key,
    };
    char *text, *qd, *again, *old, *h, *d, *end;
    unsigned char bytes[256] = { 0 };

    assert_true(fd >= 0);
    assert_true(write(fd, bytes, sizeof(bytes)) == (ssize_t) sizeof(bytes));
    close(fd);
    text = hc_gen_corosync_conf(&c);
    qd = hc_fence_qdevice_conf(text, "qnetd");
    h = strstr(qd, "\tdevice {\n");
    assert_non_null(h);
    assert_non_null(strstr(h, "\t\theuristics {\n\t\t\tmode: sync\n"
                           "\t\t\texec_hacon_service: "
                           HC_QDEVICE_HEURISTICS "\n\t\t}\n\t}\n}\n"));
    assert_int_equal(file_check("/usr/sbin/corosync", corosync_t, qd), 0);
    again = hc_fence_qdevice_conf(qd, "qnetd");
    assert_string_equal(again, qd);
    g_free(again);
    /* A quorum device as an earlier hacon (or an admin) wrote it, without
     * heuristics: they go in its section, the rest as it was. */
    old = g_strdup(qd);
    d = strstr(old, "\t\theuristics {");
    end = strstr(d, "\t}\n}\n");
    memmove(d, end, strlen(end) + 1);
    assert_null(strstr(old, "heuristics"));
    again = hc_fence_qdevice_conf(old, "elsewhere");
    assert_string_equal(again, qd);
    g_free(again);
    /* An admin's own heuristics stay as they are. */
    end = strstr(strstr(old, "\tdevice {\n"), "\t}\n}\n");
    d = g_strdup_printf("%.*s\t\theuristics {\n\t\t\tmode: on\n\t\t\t"
                        "exec_ping: /bin/ping -c 1 gw\n\t\t}\n%s",
                        (int) (end - old), old, end);
    again = hc_fence_qdevice_conf(d, "qnetd");
    assert_string_equal(again, d);
    assert_int_equal(file_check("/usr/sbin/corosync", corosync_t, d), 0);
    g_free(again);
    g_free(d);
    g_free(old);
    g_free(qd);
    g_free(text);
    unlink(key);
}

/* CIB_FILE's copy with "nodetwo" as this machine's name: the CIB the
 * heuristics script reads on nodetwo (it takes the node's name from
 * uname where crm_node cannot ask Pacemaker).  Its path (g_free, unlink). */
static char *cib_as_nodetwo(const char *cib_file)
{
    char *text = golden_cib(cib_file), *path, **parts, *joined;
    char tmpl[] = "/tmp/hacon-test-cib-XXXXXX";
    int fd = mkstemp(tmpl);

    assert_true(fd >= 0);
    parts = g_strsplit(text, "nodetwo", -1);
    joined = g_strjoinv(g_get_host_name(), parts);
    assert_true(write(fd, joined, strlen(joined))
                == (ssize_t) strlen(joined));
    close(fd);
    path = g_strdup(tmpl);
    g_strfreev(parts);
    g_free(joined);
    g_free(text);
    return path;
}

/* The heuristics script, for real against a CIB: it passes where dhcp
 * runs (moved.xml: nodetwo, here), fails where it does not
 * (tutorial.xml: nodeone) and where the CIB has no such resource. */
static void test_qdevice_heuristics_script(void **state)
{
    static const struct {
        const char *cib;
        int status;
    } cases[] = {
        { "moved.xml", 0 },
        { "tutorial.xml", 1 },
        { "promotable.xml", 1 },
    };
    char *h = hc_fence_qdevice_heuristics();
    char path[] = "/tmp/hacon-test-heur-XXXXXX";
    int fd = mkstemp(path);

    if (access("/usr/sbin/crm_resource", X_OK) != 0) {
        skip();
    }
    assert_true(fd >= 0);
    assert_true(write(fd, h, strlen(h)) == (ssize_t) strlen(h));
    close(fd);
    assert_true(g_str_has_prefix(h, "#!/bin/sh\n"));
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *cib = cib_as_nodetwo(cases[i].cib);
        char *env = g_strdup_printf("CIB_file=%s", cib);
        const char *argv[] = { "env", env, "/bin/sh", path, NULL };
        int status = -1;

        assert_true(g_spawn_sync(NULL, (char **) argv, NULL,
                                 G_SPAWN_SEARCH_PATH
                                 | G_SPAWN_STDOUT_TO_DEV_NULL
                                 | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                                 NULL, NULL, &status, NULL));
        assert_true(WIFEXITED(status));
        if (WEXITSTATUS(status) != cases[i].status) {
            fail_msg("%s: exit %d, expected %d", cases[i].cib,
                     WEXITSTATUS(status), cases[i].status);
        }
        unlink(cib);
        g_free(env);
        g_free(cib);
    }
    unlink(path);
    g_free(h);
}

/* The Qdevice line of corosync-quorumtool -s, as corosync 3.1 prints it. */
static void test_qdevice_votes(void **state)
{
    static const char voting[] =
        "Membership information\n----------------------\n"
        "    Nodeid      Votes    Qdevice Name\n"
        "         1          1    A,V,NMW nodeone (local)\n"
        "         2          1    A,V,NMW nodetwo\n"
        "         0          1            Qdevice\n";
    static const char lost[] =
        "    Nodeid      Votes    Qdevice Name\n"
        "         1          1   A,NV,NMW nodeone (local)\n"
        "         0          0            Qdevice (votes 1)\n";
    static const char none[] =
        "    Nodeid      Votes Name\n"
        "         1          1 nodeone (local)\n"
        "         2          1 nodetwo\n";

    assert_int_equal(hc_fence_qdevice_votes(voting), 1);
    assert_int_equal(hc_fence_qdevice_votes(lost), 0);
    assert_int_equal(hc_fence_qdevice_votes(none), -1);
    assert_int_equal(hc_fence_qdevice_votes(NULL), -1);
}

/* The heuristics' line of corosync-qdevice-tool -s and -sv, as
 * corosync-qdevice 3.0 prints them; none without heuristics. */
static void test_qdevice_heuristics_result(void **state)
{
    static const char s[] =
        "Qdevice information\n-------------------\nModel:\t\t\tNet\n"
        "Heuristics:\t\tEnabled only on sync\n"
        "State:\t\t\tConnected\nHeuristics result:\tFail\n";
    static const char sv[] =
        "Heuristics result:\tPass (regular: Undefined, membership: Pass, "
        "connect: Pass)\n";
    static const char none[] =
        "Model:\t\t\tNet\nHeuristics:\t\tDisabled\nState:\t\t\tConnected\n";
    static const char esc[] = "Heuristics result:\t\x1b[2JPass\n";
    char *r;

    r = hc_qdevice_heuristics_result(s);
    assert_string_equal(r, "Fail");
    g_free(r);
    r = hc_qdevice_heuristics_result(sv);
    assert_string_equal(r, "Pass");
    g_free(r);
    assert_null(hc_qdevice_heuristics_result(none));
    assert_null(hc_qdevice_heuristics_result(NULL));
    r = hc_qdevice_heuristics_result(esc);
    assert_null(strchr(r, '\x1b'));
    g_free(r);
}

/* The result read from corosync-qdevice-tool -s, here a script first in
 * PATH: its line read; none when it says none, when it is not there, or
 * when it hangs (killed at the deadline, not waited for). */
static char *heuristics_read_with(const char *dir, const char *script,
                                  int timeout_ms, double *ret_ms)
{
    char *tool = g_build_filename(dir, "corosync-qdevice-tool", NULL);
    char *old_path = g_strdup(getenv("PATH"));
    char *path = g_strdup_printf("%s:%s", dir, old_path);
    gint64 t0;
    char *r;

    unlink(tool);
    if (script) {
        assert_true(g_file_set_contents(tool, script, -1, NULL));
        assert_int_equal(chmod(tool, 0755), 0);
    }
    setenv("PATH", script ? path : dir, 1);
    t0 = g_get_monotonic_time();
    r = hc_qdevice_heuristics_read(timeout_ms);
    *ret_ms = (g_get_monotonic_time() - t0) / 1000.0;
    setenv("PATH", old_path, 1);
    unlink(tool);
    g_free(tool);
    g_free(path);
    g_free(old_path);
    return r;
}

static void test_qdevice_heuristics_read(void **state)
{
    char dir[] = "/tmp/hc-test-qdtool.XXXXXX";
    double ms;
    char *r;

    (void) state;
    assert_non_null(g_mkdtemp(dir));
    r = heuristics_read_with(dir, "#!/bin/sh\n[ \"$1\" = -s ] || exit 2\n"
                             "printf 'Model:\\t\\t\\tNet\\n"
                             "Heuristics result:\\tPass\\n'\n", 3000, &ms);
    assert_non_null(r);
    assert_string_equal(r, "Pass");
    g_free(r);
    r = heuristics_read_with(dir, "#!/bin/sh\nprintf 'Heuristics:\\t\\t"
                             "Disabled\\n'\n", 3000, &ms);
    assert_null(r);
    r = heuristics_read_with(dir, NULL, 3000, &ms);
    assert_null(r);
    r = heuristics_read_with(dir, "#!/bin/sh\nexec sleep 30\n", 300, &ms);
    assert_null(r);
    assert_true(ms < 3000);
    rmdir(dir);
}

static void test_dhcpd_tutorial(void **state)
{
    hc_dhcpd_conf c = tutorial_dhcp("/data/dhcp/dhcpd.leases");
    char *err = NULL, *text = hc_gen_dhcpd_conf(&c, &err);
    char *want = golden("dhcpd.conf");

    assert_null(err);
    assert_string_equal(text, want);
    g_free(text);
    g_free(want);
}

static void test_dhcpd_admin_options(void **state)
{
    /* What an admin sets for the clients; the floating IP is no router
     * unless it is named. */
    static const char *const dhcpd_t[] = { "-t", "-q", "-cf", NULL };
    hc_dhcpd_conf c = tutorial_dhcp("/data/l");
    char *err = NULL, *text;

    c.routers = "10.10.101.254";
    c.dns_servers = "10.10.101.53, 192.0.2.53";
    c.domain_name = "example.org";
    c.default_lease_time = 3600;
    c.max_lease_time = 86400;
    text = hc_gen_dhcpd_conf(&c, &err);

    assert_null(err);
    assert_non_null(strstr(text, "default-lease-time 3600;\n"));
    assert_non_null(strstr(text, "max-lease-time 86400;\n"));
    assert_non_null(strstr(text, "\t\toption routers 10.10.101.254;\n"));
    assert_null(strstr(text, "option routers 10.10.101.1;"));
    assert_non_null(strstr(text, "\t\toption domain-name-servers "
                           "10.10.101.53, 192.0.2.53;\n"));
    assert_non_null(strstr(text, "\t\toption domain-name \"example.org\";\n"));
    /* dhcpd's own parser accepts it. */
    assert_int_equal(file_check("/usr/sbin/dhcpd", dhcpd_t, text), 0);
    g_free(text);

    c.routers = NULL;
    c.dns_servers = NULL;
    c.domain_name = NULL;
    text = hc_gen_dhcpd_conf(&c, &err);
    assert_null(strstr(text, "option routers"));
    assert_null(strstr(text, "domain-name"));
    g_free(text);

    c.routers = "10.10.101.254,nonsense";
    assert_null(hc_gen_dhcpd_conf(&c, &err));
    assert_non_null(strstr(err, "nonsense"));
    g_free(err);
    err = NULL;
    c.routers = NULL;
    c.domain_name = "evil\"; } include \"/etc/shadow";
    assert_null(hc_gen_dhcpd_conf(&c, &err));
    g_free(err);
}

static void test_dhcpd_same_subnet(void **state)
{
    /* The nodes' static addresses in the service subnet: one subnet. */
    hc_dhcpd_conf c = tutorial_dhcp("/data/l");
    char *err = NULL, *text, *first;

    c.static_net = "10.10.101.7/24";
    text = hc_gen_dhcpd_conf(&c, &err);
    first = strstr(text, "subnet 10.10.101.0 netmask 255.255.255.0");
    assert_non_null(first);
    assert_null(strstr(first + 1, "subnet "));
    g_free(text);
}

static void test_dhcpd_bad_address(void **state)
{
    hc_dhcpd_conf c = tutorial_dhcp("/data/l");
    char *err = NULL;

    c.vip = "10.10.101.300";
    c.static_net = NULL;
    assert_null(hc_gen_dhcpd_conf(&c, &err));
    assert_non_null(strstr(err, "10.10.101.300"));
    g_free(err);
    c.vip = "10.10.101.1";
    c.static_net = "10.10.102.0";
    assert_null(hc_gen_dhcpd_conf(&c, &err));
    g_free(err);
}

/* kea-dhcp4 -t on text: its exit status, or 0 when Kea is not here.
 * Kea refuses an interface this machine lacks: eth2 is checked as lo. */
static int kea_check(const char *conf)
{
    static const char *const kea_t[] = { "-t", NULL };
    char **parts = g_strsplit(conf, "\"eth2\"", -1);
    char *text = g_strjoinv("\"lo\"", parts);
    int status = file_check("/usr/sbin/kea-dhcp4", kea_t, text);

    g_strfreev(parts);
    g_free(text);
    return status;
}

static void test_kea_tutorial(void **state)
{
    hc_kea_conf c = {
        .dhcp = tutorial_dhcp("/data/kea/kea-leases4.csv"),
        .control_socket = "/run/kea/kea4-ctrl-socket",
    };
    char *err = NULL, *text = hc_gen_kea_conf(&c, &err);
    char *want = golden("kea-dhcp4.conf");

    assert_null(err);
    assert_string_equal(text, want);
    assert_int_equal(kea_check(text), 0);
    g_free(text);
    g_free(want);
}

static void test_kea_admin_options(void **state)
{
    hc_kea_conf c = { .dhcp = tutorial_dhcp("/data/kea/l.csv"),
                      .lfc_interval = 600 };
    char *err = NULL, *text;

    c.dhcp.routers = "10.10.101.254";
    c.dhcp.dns_servers = "10.10.101.53,192.0.2.53";
    c.dhcp.domain_name = "example.org";
    c.dhcp.default_lease_time = 3600;
    c.dhcp.max_lease_time = 86400;
    text = hc_gen_kea_conf(&c, &err);

    assert_null(err);
    assert_non_null(strstr(text, "\"valid-lifetime\": 3600,\n"));
    assert_non_null(strstr(text, "\"max-valid-lifetime\": 86400,\n"));
    assert_non_null(strstr(text, "\"lfc-interval\": 600\n"));
    assert_non_null(strstr(text, "{ \"name\": \"routers\", "
                           "\"data\": \"10.10.101.254\" }"));
    assert_non_null(strstr(text, "{ \"name\": \"domain-name-servers\", "
                           "\"data\": \"10.10.101.53, 192.0.2.53\" }"));
    assert_non_null(strstr(text, "{ \"name\": \"domain-name\", "
                           "\"data\": \"example.org\" }"));
    assert_null(strstr(text, "control-socket"));
    assert_int_equal(kea_check(text), 0);
    g_free(text);

    /* The nodes' static addresses in the service subnet: one subnet. */
    c.dhcp.static_net = "10.10.101.7/24";
    c.dhcp.routers = NULL;
    text = hc_gen_kea_conf(&c, &err);
    assert_non_null(text);
    assert_non_null(strstr(text, "\"subnet\": \"10.10.101.0/24\""));
    assert_null(strstr(text, "\"id\": 2"));
    assert_null(strstr(text, "\"routers\""));
    assert_int_equal(kea_check(text), 0);
    g_free(text);

    /* Nothing that would need escaping reaches the JSON. */
    c.dhcp.domain_name = "evil\" } ], \"hooks-libraries\": [ { \"x";
    assert_null(hc_gen_kea_conf(&c, &err));
    assert_non_null(strstr(err, "not a domain name"));
    g_free(err);
    c.dhcp.domain_name = NULL;
    c.dhcp.leases = "/data/kea/\"x.csv";
    assert_null(hc_gen_kea_conf(&c, &err));
    assert_non_null(strstr(err, "/data/kea/\"x.csv"));
    g_free(err);
    c.dhcp.leases = "kea-leases4.csv";
    assert_null(hc_gen_kea_conf(&c, &err));
    g_free(err);
    c.dhcp.leases = "/data/kea/l.csv";
    c.dhcp.interface = "eth2\"";
    assert_null(hc_gen_kea_conf(&c, &err));
    g_free(err);
    c.dhcp.interface = "eth2";
    c.dhcp.vip = "10.10.101.300";
    assert_null(hc_gen_kea_conf(&c, &err));
    assert_non_null(strstr(err, "10.10.101.300"));
    g_free(err);
    c.dhcp.vip = "10.10.101.1";
    c.dhcp.dns_servers = "10.10.101.53,nonsense";
    assert_null(hc_gen_kea_conf(&c, &err));
    assert_non_null(strstr(err, "nonsense"));
    g_free(err);
}

static void drbd_golden(int major, bool stonith, const char *name)
{
    hc_drbd_res_opts r = {
        .name = "r0", .drbd_major = major, .minor = 1, .disk = "/dev/sdb1",
        .port = 7789, .fencing = true, .stonith = stonith,
        .hosts = { { "nodeone", "10.10.100.1" }, { "nodetwo", "10.10.100.2" } },
    };
    GString *out = g_string_new(NULL);
    const char *why = NULL;
    char *text, *want = golden(name);

    assert_int_equal(hc_gen_drbd_res(&r, out, &why), 0);
    text = g_string_free(out, FALSE);

    assert_string_equal(text, want);
    assert_null(strstr(text, "allow-two-primaries"));
    g_free(text);
    g_free(want);
}

static void test_drbd_84(void **state)
{
    drbd_golden(8, false, "r0-8.4.res");
}

static void test_drbd_9(void **state)
{
    drbd_golden(9, false, "r0-9.res");
}

/* With fencing configured (step fence): resource-and-stonith, in disk {}
 * for 8.4 and net {} for 9, with the same crm-fence-peer handlers. */
static void test_drbd_stonith(void **state)
{
    drbd_golden(8, true, "r0-8.4-stonith.res");
    drbd_golden(9, true, "r0-9-stonith.res");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corosync_tutorial),
        cmocka_unit_test(test_corosync_keyfile),
        cmocka_unit_test(test_corosync_qdevice_same),
        cmocka_unit_test(test_corosync_qdevice_heuristics),
        cmocka_unit_test(test_qdevice_heuristics_script),
        cmocka_unit_test(test_qdevice_votes),
        cmocka_unit_test(test_qdevice_heuristics_result),
        cmocka_unit_test(test_qdevice_heuristics_read),
        cmocka_unit_test(test_dhcpd_tutorial),
        cmocka_unit_test(test_dhcpd_admin_options),
        cmocka_unit_test(test_dhcpd_same_subnet),
        cmocka_unit_test(test_dhcpd_bad_address),
        cmocka_unit_test(test_kea_tutorial),
        cmocka_unit_test(test_kea_admin_options),
        cmocka_unit_test(test_drbd_84),
        cmocka_unit_test(test_drbd_9),
        cmocka_unit_test(test_drbd_stonith),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
