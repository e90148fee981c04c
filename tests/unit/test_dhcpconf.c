/* core/dhcpconf: dhcpd.conf declarations and pool usage. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "dhcpconf.h"
#include "leases.h"

static const char conf[] =
    "# comment { not a block\n"
    "option domain-name \"x;y{z}\";\n"
    "lease-file-name \"/data/dhcp/dhcpd.leases\";\n"
    "shared-network \"net one\" {\n"
    "  subnet 10.0.1.0 netmask 255.255.255.0 { range 10.0.1.10 10.0.1.19; }\n"
    "  subnet 10.0.2.0 netmask 255.255.255.0 {\n"
    "    if option vendor-class-identifier = \"x\" { log(\"y\"); }\n"
    "    pool { failover peer \"p\"; range 10.0.2.50 10.0.2.41; }\n"
    "  }\n"
    "  pool { range 10.0.2.100; }\n"
    "}\n"
    "subnet 10.9.0.0 netmask 255.255.0.0 {\n"
    "  range dynamic-bootp 10.9.0.1 10.9.0.4; range 10.9.0.3 10.9.0.6;\n"
    "  host h1 { hardware ethernet 02:00:00:00:00:01; fixed-address 10.9.1.1; }\n"
    "}\n"
    "group { host h2 { fixed-address printer.example; } }\n"
    "subnet 10.8.0.0 netmask 255.255.0.0 { range 10.8.0.1 }\n"
    "}\n";

static void test_declarations(void **state)
{
    hc_dhcp_conf *c = hc_dhcp_conf_new();
    const hc_dhcp_range *r;
    const hc_dhcp_host *h;

    assert_int_equal(hc_dhcp_conf_parse(c, conf, sizeof(conf) - 1, "t.conf",
                                        false), 0);
    assert_int_equal(c->shared->len, 1);
    assert_string_equal(g_array_index(c->shared, hc_dhcp_shared, 0).name,
                        "net one");
    assert_int_equal(c->subnets->len, 4);
    assert_int_equal(c->ranges->len, 6);
    r = &g_array_index(c->ranges, hc_dhcp_range, 1);
    /* Bounds in either order, as dhcpd takes them. */
    assert_int_equal(r->first, 0x0a000229);
    assert_int_equal(r->last, 0x0a000232);
    assert_true(r->in_pool);
    assert_int_equal(r->subnet, 1);
    assert_int_equal(r->shared, 0);
    /* A pool right in the shared-network: its subnet by address. */
    r = &g_array_index(c->ranges, hc_dhcp_range, 2);
    assert_int_equal(r->first, r->last);
    assert_int_equal(r->subnet, 1);
    r = &g_array_index(c->ranges, hc_dhcp_range, 3);
    assert_true(r->dynamic_bootp);
    assert_int_equal(r->shared, -1);
    assert_int_equal(c->hosts->len, 2);
    h = &g_array_index(c->hosts, hc_dhcp_host, 0);
    assert_string_equal(h->name, "h1");
    assert_true(h->has_ip && h->ip == 0x0a090101);
    assert_true(h->has_mac && h->mac[5] == 1);
    h = &g_array_index(c->hosts, hc_dhcp_host, 1);
    assert_false(h->has_ip);
    assert_string_equal(h->fixed, "printer.example");
    assert_string_equal(c->lease_file_name, "/data/dhcp/dhcpd.leases");
    /* The unterminated range and the stray '}' are reported with lines. */
    assert_int_equal(c->errors->len, 1);
    assert_int_equal(g_array_index(c->errors, hc_dhcp_conf_error, 0).line, 18);
    hc_dhcp_conf_free(c);
}

static void test_usage(void **state)
{
    static const char leases[] =
        "lease 10.0.1.10 { binding state active; }\n"
        "lease 10.0.1.11 { binding state free; }\n"
        "lease 10.0.1.12 { binding state backup; }\n"
        "lease 10.0.1.13 { binding state abandoned; }\n"
        "lease 10.0.1.13 { binding state active; }\n"
        "lease 10.0.2.45 { binding state active; }\n"
        "lease 10.9.0.3 { binding state active; }\n"
        "lease 10.9.0.4 { binding state expired; }\n"
        "lease 10.7.0.1 { binding state active; }\n";
    hc_dhcp_conf *c = hc_dhcp_conf_new();
    hc_lease_table *t = hc_lease_table_new();
    hc_dhcp_usage u;

    hc_dhcp_conf_parse(c, conf, sizeof(conf) - 1, "t.conf", false);
    hc_leases_parse(t, leases, sizeof(leases) - 1, true);
    assert_int_equal(hc_dhcp_usage_compute(c, t, &u), 0);
    assert_int_equal(u.range[0].defined, 10);
    assert_int_equal(u.range[0].used, 2);
    assert_int_equal(u.range[0].touched, 1);
    assert_int_equal(u.range[0].backup, 1);
    assert_int_equal(u.range[1].used, 1);
    /* Overlapping ranges both count the lease, as dhcpd-pools does. */
    assert_int_equal(u.range[3].used, 1);
    assert_int_equal(u.range[4].used, 1);
    assert_int_equal(u.range[3].touched, 1);
    assert_int_equal(u.range[4].touched, 1);
    assert_int_equal(u.shared[0].defined, 10 + 10 + 1);
    assert_int_equal(u.shared[0].used, 3);
    assert_int_equal(u.subnet[1].defined, 11);
    assert_int_equal(u.subnet[2].used, 2);
    assert_int_equal(u.all.used, 5);
    assert_int_equal(u.active_outside, 1);
    hc_dhcp_usage_clear(&u);
    hc_lease_table_free(t);
    hc_dhcp_conf_free(c);
}

/* A large table is counted in two halves by two threads: the same
 * counts, whichever half a lease is in. */
static void test_usage_large(void **state)
{
    static const char head[] =
        "lease 10.0.1.10 { binding state active; }\n"
        "lease 10.0.1.11 { binding state free; }\n"
        "lease 10.0.1.12 { binding state backup; }\n"
        "lease 10.0.1.13 { binding state abandoned; }\n";
    static const char tail[] =
        "lease 10.0.1.13 { binding state active; }\n"
        "lease 10.0.2.45 { binding state active; }\n"
        "lease 10.9.0.3 { binding state active; }\n"
        "lease 10.9.0.4 { binding state expired; }\n"
        "lease 10.7.0.1 { binding state active; }\n";
    GString *in = g_string_new(head);
    hc_dhcp_conf *c = hc_dhcp_conf_new();
    hc_lease_table *t = hc_lease_table_new();
    hc_dhcp_usage u;

    for (int i = 0; i < 140000; i++) {
        g_string_append_printf(in, "lease 10.%d.%d.%d { binding state %s; }\n",
                               20 + i / 65536, i / 256 % 256, i % 256,
                               i % 3 ? "active" : "free");
    }
    g_string_append(in, tail);
    hc_dhcp_conf_parse(c, conf, sizeof(conf) - 1, "t.conf", false);
    hc_leases_parse(t, in->str, in->len, true);
    assert_int_equal(hc_lease_table_count(t), 140000 + 8);
    assert_int_equal(hc_dhcp_usage_compute(c, t, &u), 0);
    assert_int_equal(u.range[0].used, 2);
    assert_int_equal(u.range[0].touched, 1);
    assert_int_equal(u.range[0].backup, 1);
    assert_int_equal(u.range[1].used, 1);
    assert_int_equal(u.range[3].used, 1);
    assert_int_equal(u.range[4].used, 1);
    assert_int_equal(u.range[3].touched, 1);
    assert_int_equal(u.range[4].touched, 1);
    assert_int_equal(u.shared[0].used, 3);
    assert_int_equal(u.subnet[2].used, 2);
    assert_int_equal(u.all.used, 5);
    assert_int_equal(u.outside, 140000 + 1);
    assert_int_equal(u.active_outside, 140000 - 46667 + 1);
    hc_dhcp_usage_clear(&u);
    hc_lease_table_free(t);
    hc_dhcp_conf_free(c);
    g_string_free(in, TRUE);
}

static void test_include(void **state)
{
    char dir[] = "/tmp/hc-test-conf.XXXXXX";
    char *main_conf, *inc, *cmd;
    FILE *f;
    hc_dhcp_conf *c = NULL;

    assert_non_null(mkdtemp(dir));
    main_conf = g_strdup_printf("%s/dhcpd.conf", dir);
    inc = g_strdup_printf("%s/sub.conf", dir);
    f = fopen(main_conf, "w");
    fprintf(f, "shared-network s {\n include \"sub.conf\";\n}\n"
            "include \"missing.conf\";\n");
    fclose(f);
    f = fopen(inc, "w");
    fprintf(f, "subnet 10.1.0.0 netmask 255.255.0.0 { range 10.1.0.1 "
            "10.1.0.9; }\ninclude \"sub.conf\";\n");
    fclose(f);
    assert_int_equal(hc_dhcp_conf_load(main_conf, &c), 0);
    /* Relative to the including file; a loop stops at the depth limit. */
    assert_true(c->ranges->len >= 1);
    assert_int_equal(g_array_index(c->ranges, hc_dhcp_range, 0).shared, 0);
    assert_true(c->errors->len >= 2);
    assert_int_equal(hc_dhcp_conf_load("/nonexistent/dhcpd.conf", &c) < 0
                     ? -ENOENT : 0, -ENOENT);
    hc_dhcp_conf_free(c);
    cmd = g_strdup_printf("rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    g_free(cmd);
    g_free(main_conf);
    g_free(inc);
}

/* Every include of a load reads the same text (the reader counts them);
 * past a budget of reads it fails, so that a reader without a bound of
 * its own ends too. */
typedef struct count_reader {
    const char *main, *text;
    unsigned reads;
} count_reader;

static int read_counted(const char *path, char **ret_buf, size_t *ret_len,
                        void *data)
{
    count_reader *r = data;

    const char *text = strcmp(path, "main.conf") ? r->text : r->main;

    if (++r->reads > 20000) {
        return -EIO;
    }
    *ret_buf = g_strdup(text);
    *ret_len = strlen(text);
    return 0;
}

/* Includes that include themselves several times each: every path stops
 * at the depth limit, but there are K^8 of them (five a file took tens
 * of seconds).  The reads of one load are bounded, in both syntaxes, the
 * one over the bound is an error naming its file and line, and the depth
 * limit is said once. */
static void test_include_bound(void **state)
{
    GString *many = g_string_new(NULL), *kea;
    struct {
        const char *main, *text, *want;
    } cases[] = {
        { "include \"x\";\ninclude \"x\";\ninclude \"x\";\n"
          "include \"x\";\ninclude \"x\";\n", NULL,
          "more than 256 includes" },
        /* Many includes of a file that includes none. */
        { NULL, "# nothing\n", "more than 256 includes" },
        { NULL, "2", "more than 256 includes" },
    };

    for (int i = 0; i < 400; i++) {
        g_string_append(many, "include \"leaf.conf\";\n");
    }
    kea = g_string_new("{ \"Dhcp4\": { \"x\": [ 1");
    for (int i = 0; i < 400; i++) {
        g_string_append(kea, ",\n <?include \"leaf.json\"?>");
    }
    g_string_append(kea, " ] } }");
    cases[0].text = cases[0].main;
    cases[1].main = many->str;
    cases[2].main = kea->str;
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        count_reader r = { .main = cases[i].main, .text = cases[i].text };
        hc_dhcp_conf *c = NULL;
        unsigned deep = 0, over = 0;

        assert_int_equal(hc_dhcp_conf_load_via("main.conf", read_counted, &r,
                                               &c), 0);
        assert_true(r.reads <= 1 + 256);
        for (guint k = 0; k < c->errors->len; k++) {
            const hc_dhcp_conf_error *e =
                &g_array_index(c->errors, hc_dhcp_conf_error, k);

            deep += !strcmp(e->msg, "includes nested too deep");
            if (!strcmp(e->msg, cases[i].want)) {
                over++;
                assert_non_null(e->file);
                assert_true(e->line >= 1);
            }
        }
        assert_int_equal(over, 1);
        assert_true(deep <= 1);
        hc_dhcp_conf_free(c);
    }
    g_string_free(many, TRUE);
    g_string_free(kea, TRUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_declarations),
        cmocka_unit_test(test_usage),
        cmocka_unit_test(test_usage_large),
        cmocka_unit_test(test_include),
        cmocka_unit_test(test_include_bound),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
