/* core/dhcp2kea: dhcpd.conf translated for Kea (checked by kea-dhcp4 -t
 * where Kea is installed), every statement not translated listed with
 * its line, and dhcpd's active leases written as Kea's lease file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <glib.h>

#include "dhcp2kea.h"
#include "dhcpconf.h"
#include "leases.h"

static char *golden(const char *name)
{
    const char *top = getenv("HACON_TOP");
    char *path = g_strdup_printf("%s/tests/wizard/golden/%s",
                                 top ? top : ".", name);
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        fail_msg("cannot read %s", path);
    }
    g_free(path);
    return text;
}

/* kea-dhcp4 -t on text with eth2 as lo: its exit status (0 without Kea). */
static int kea_check(const char *conf)
{
    char path[] = "/tmp/hacon-test-d2k-XXXXXX";
    int fd, status = -1;
    char *argv[] = { "/usr/sbin/kea-dhcp4", "-t", path, NULL };
    char **parts = g_strsplit(conf, "\"eth2\"", -1);
    char *text = g_strjoinv("\"lo\"", parts);

    g_strfreev(parts);
    if (access("/usr/sbin/kea-dhcp4", X_OK) != 0) {
        g_free(text);
        return 0;
    }
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_true(write(fd, text, strlen(text)) == (ssize_t) strlen(text));
    close(fd);
    assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL
                             | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                             NULL, NULL, &status, NULL));
    unlink(path);
    g_free(text);
    return status;
}

static const hc_dhcp2kea_opts opts = {
    .source = "/etc/dhcp/dhcpd.conf", .interface = "eth2",
    .leases = "/data/kea/kea-leases4.csv",
    .control_socket = "/run/kea/kea4-ctrl-socket",
};

static bool listed(GPtrArray *a, const char *needle)
{
    for (guint i = 0; i < a->len; i++) {
        if (strstr(a->pdata[i], needle)) {
            return true;
        }
    }
    return false;
}

/* The dhcpd.conf hacon's dhcp step writes: all of it translated. */
static void test_hacons_file(void **state)
{
    char *text = golden("dhcpd.conf"), *err = NULL;
    hc_dhcp_conf *c = hc_dhcp_conf_new();
    hc_dhcp2kea k;

    hc_dhcp_conf_parse(c, text, strlen(text), "/etc/dhcp/dhcpd.conf", false);
    assert_int_equal(hc_dhcp2kea_translate(c, &opts, &k, &err), 0);
    assert_int_equal(k.skipped->len, 0);
    assert_true(g_str_has_prefix(k.text, HC_DHCP2KEA_MARK " from "
                                 "/etc/dhcp/dhcpd.conf;"));
    /* The service subnet is id 1, the nodes' own id 2: as gen_kea. */
    assert_non_null(strstr(k.text, "\"id\": 1,\n                    "
                           "\"subnet\": \"10.10.101.0/24\""));
    assert_non_null(strstr(k.text, "\"id\": 2,\n                    "
                           "\"subnet\": \"10.10.102.0/24\""));
    assert_non_null(strstr(k.text, "{ \"pool\": \"10.10.101.100 - "
                           "10.10.101.200\" }"));
    assert_non_null(strstr(k.text, "{ \"name\": \"dhcp-server-identifier\", "
                           "\"data\": \"10.10.101.1\" }"));
    assert_non_null(strstr(k.text, "\"authoritative\": true"));
    assert_non_null(strstr(k.text, "\"valid-lifetime\": 600"));
    assert_non_null(strstr(k.text, "\"max-valid-lifetime\": 7200"));
    assert_non_null(strstr(k.text, "\"interface\": \"eth2\""));
    assert_non_null(strstr(k.text, "\"name\": \"/data/kea/kea-leases4.csv\""));
    assert_true(listed(k.notes, "lease-file-name"));
    assert_true(listed(k.notes, "dhcp-cache-threshold"));
    assert_true(listed(k.notes, "subnet-mask"));
    assert_int_equal(kea_check(k.text), 0);
    hc_dhcp2kea_clear(&k);
    hc_dhcp_conf_free(c);
    g_free(text);
}

static const char admin_conf[] =
    "default-lease-time 3600;\n"
    "max-lease-time 86400;\n"
    "option domain-name \"example.org\";\n"
    "option domain-name-servers 10.10.101.53, 192.0.2.53;\n"
    "log-facility local7;\n"
    "class \"phones\" { match if substring(hardware, 1, 3) = 00:04:f2; }\n"
    "subnet 10.10.101.0 netmask 255.255.255.0 {\n"
    "  range 10.10.101.100 10.10.101.150;\n"
    "  pool { allow unknown-clients; range 10.10.101.160 10.10.101.170; }\n"
    "  option routers 10.10.101.254;\n"
    "  option ntp-servers 10.10.101.1;\n"
    "  option vendor-encapsulated-options 01:02;\n"
    "  next-server 10.10.101.5;\n"
    "  filename \"pxelinux.0\";\n"
    "}\n"
    "host printer {\n"
    "  hardware ethernet 02:00:00:00:00:07;\n"
    "  fixed-address 10.10.101.7;\n"
    "  option host-name \"printer\";\n"
    "  ddns-hostname \"printer\";\n"
    "}\n"
    "host byname { hardware ethernet 02:00:00:00:00:08; "
    "fixed-address printer.example.org; }\n"
    "group { option routers 10.10.101.253; host g1 { hardware ethernet "
    "02:00:00:00:00:09; fixed-address 10.10.101.9; } }\n"
    "option domain-search \"\\\"bad\";\n";

/* What an admin adds: options, lease times, hosts, ranges translated;
 * everything else listed with its line. */
static void test_admin_file(void **state)
{
    hc_dhcp_conf *c = hc_dhcp_conf_new();
    hc_dhcp2kea k;
    char *err = NULL;

    hc_dhcp_conf_parse(c, admin_conf, strlen(admin_conf), "dhcpd.conf",
                       false);
    assert_int_equal(hc_dhcp2kea_translate(c, &opts, &k, &err), 0);
    assert_non_null(strstr(k.text, "\"valid-lifetime\": 3600"));
    assert_non_null(strstr(k.text, "\"max-valid-lifetime\": 86400"));
    assert_non_null(strstr(k.text, "{ \"name\": \"domain-name\", \"data\": "
                           "\"example.org\" }"));
    assert_non_null(strstr(k.text, "{ \"name\": \"domain-name-servers\", "
                           "\"data\": \"10.10.101.53, 192.0.2.53\" }"));
    assert_non_null(strstr(k.text, "{ \"name\": \"routers\", \"data\": "
                           "\"10.10.101.254\" }"));
    assert_non_null(strstr(k.text, "{ \"name\": \"ntp-servers\", \"data\": "
                           "\"10.10.101.1\" }"));
    assert_non_null(strstr(k.text, "{ \"pool\": \"10.10.101.100 - "
                           "10.10.101.150\" }"));
    assert_non_null(strstr(k.text, "{ \"pool\": \"10.10.101.160 - "
                           "10.10.101.170\" }"));
    assert_non_null(strstr(k.text, "\"next-server\": \"10.10.101.5\""));
    assert_non_null(strstr(k.text, "\"boot-file-name\": \"pxelinux.0\""));
    assert_non_null(strstr(k.text, "{ \"hw-address\": \"02:00:00:00:00:07\", "
                           "\"ip-address\": \"10.10.101.7\", \"hostname\": "
                           "\"printer\", \"option-data\": [ { \"name\": "
                           "\"host-name\", \"data\": \"printer\" } ] }"));
    assert_non_null(strstr(k.text, "\"ip-address\": \"10.10.101.9\""));
    assert_int_equal(k.n_reservations, 2);
    /* Listed, with file and line. */
    assert_true(listed(k.skipped, "dhcpd.conf:5: log-facility local7: a "
                       "statement hacon does not translate"));
    assert_true(listed(k.skipped, "dhcpd.conf:6: class \"phones\" {: a block"));
    assert_true(listed(k.skipped, "dhcpd.conf:6: match if substring"));
    assert_true(listed(k.skipped, "dhcpd.conf:9: allow unknown-clients: in "
                       "a pool"));
    assert_true(listed(k.skipped, "dhcpd.conf:12: option "
                       "vendor-encapsulated-options 01:02: an option"));
    assert_true(listed(k.skipped, "dhcpd.conf:20: ddns-hostname \"printer\": "
                       "Kea's reservations take options only"));
    assert_true(listed(k.skipped, "host byname: no fixed-address that is an "
                       "IPv4 address"));
    assert_true(listed(k.skipped, "dhcpd.conf:23: option routers "
                       "10.10.101.253: in a group"));
    assert_true(listed(k.skipped, "domain-search \"\\\"bad\": a value"));
    assert_null(strstr(k.text, "bad"));
    assert_null(strstr(k.text, "10.10.101.253"));
    assert_int_equal(kea_check(k.text), 0);
    hc_dhcp2kea_clear(&k);

    hc_dhcp_conf_free(c);
    c = hc_dhcp_conf_new();
    hc_dhcp_conf_parse(c, "authoritative;\n", 15, "x.conf", false);
    assert_int_equal(hc_dhcp2kea_translate(c, &opts, &k, &err), -EINVAL);
    assert_non_null(strstr(err, "no subnet"));
    g_free(err);
    hc_dhcp2kea_clear(&k);
    hc_dhcp_conf_free(c);
}

/* dhcpd's leases as Kea's: the active ones only, each in its subnet. */
static void test_leases(void **state)
{
    static const char leases[] =
        "lease 10.10.101.100 {\n"
        "  starts 4 2026/12/03 10:00:00;\n  ends 4 2026/12/03 10:10:00;\n"
        "  binding state active;\n"
        "  hardware ethernet 02:00:0a:0a:65:99;\n"
        "  uid \"\\001\\002\\000\\012\\012e\\231\";\n"
        "  client-hostname \"client\";\n"
        "}\n"
        "lease 10.10.101.101 {\n"
        "  starts 4 2026/12/03 09:00:00;\n  ends 4 2026/12/03 09:10:00;\n"
        "  binding state active;\n"
        "  hardware ethernet 02:00:00:00:00:02;\n"
        "}\n"
        "lease 10.10.101.102 {\n"
        "  starts 4 2026/12/03 10:00:00;\n  ends 4 2026/12/03 10:10:00;\n"
        "  binding state free;\n"
        "  hardware ethernet 02:00:00:00:00:03;\n"
        "}\n"
        "lease 192.0.2.1 {\n"
        "  starts 4 2026/12/03 10:00:00;\n  ends 4 2026/12/03 10:10:00;\n"
        "  binding state active;\n"
        "  hardware ethernet 02:00:00:00:00:04;\n"
        "  client-hostname \"a,b\";\n"
        "}\n";
    char *text = golden("dhcpd.conf"), *err = NULL, *csv;
    hc_dhcp_conf *c = hc_dhcp_conf_new();
    hc_lease_table *t = hc_lease_table_new();
    GPtrArray *skipped = g_ptr_array_new_with_free_func(g_free);
    hc_dhcp2kea k;
    unsigned n = 0;
    /* 2026-12-03 10:05:00 UTC */
    uint32_t now = 1796292300;

    hc_dhcp_conf_parse(c, text, strlen(text), "dhcpd.conf", false);
    assert_int_equal(hc_dhcp2kea_translate(c, &opts, &k, &err), 0);
    assert_true(hc_leases_parse(t, leases, sizeof(leases) - 1, true) >= 0);
    csv = hc_dhcp2kea_leases(c, &k, t, now, &n, skipped);
    assert_int_equal(n, 1);
    assert_string_equal(csv, "address,hwaddr,client_id,valid_lifetime,"
                        "expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,"
                        "user_context\n"
                        "10.10.101.100,02:00:0a:0a:65:99,01:02:00:0a:0a:65:99,"
                        "600,1796292600,1,0,0,client,0,\n");
    assert_true(listed(skipped, "lease 192.0.2.1: in no subnet"));
    g_free(csv);
    g_ptr_array_free(skipped, TRUE);
    hc_lease_table_free(t);
    hc_dhcp2kea_clear(&k);
    hc_dhcp_conf_free(c);
    g_free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hacons_file),
        cmocka_unit_test(test_admin_file),
        cmocka_unit_test(test_leases),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
