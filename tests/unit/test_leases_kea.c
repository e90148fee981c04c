/* core/leases_kea.c and core/dhcpconf_kea.c: Kea's memfile rows into the
 * lease table (columns by the header, deletions, states, Kea's escapes
 * kept) and kea-dhcp4.conf (comments, includes, pools, lease-database). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <glib.h>

#include "dhcpconf.h"
#include "leases.h"

#define HEADER "address,hwaddr,client_id,valid_lifetime,expire,subnet_id," \
               "fqdn_fwd,fqdn_rev,hostname,state,user_context\n"

static hc_lease_table *parse(const char *text)
{
    hc_lease_table *t = hc_lease_table_new();

    assert_int_equal(hc_leases_parse(t, text, strlen(text), true),
                     (ssize_t) strlen(text));
    return t;
}

static char *hostname(const hc_lease_table *t, const hc_lease *l)
{
    size_t n;
    const uint8_t *s = hc_lease_str(t, l->hostname, &n);

    return g_strndup(s ? (const char *) s : "", n);
}

/* Columns by name, in another order and with one Kea added later. */
static void test_fields(void **state)
{
    hc_lease_table *t = parse(
        "address,state,hostname,expire,valid_lifetime,hwaddr,client_id,"
        "subnet_id,fqdn_fwd,fqdn_rev,user_context,pool_id\n"
        "10.0.0.1,0,pc&#x2cone,1900000600,600,08:00:2b:01:02:03,"
        "01:08:00:2b:01:02:03,7,0,0,{ \"a\": 1 },0\n"
        "10.0.0.2,1,,1900003600,3600,,,7,0,0,,0\n"
        "10.0.0.3,2,x,1900000000,600,08:00:2b:01:02:04,,7,1,1,,0\n"
        /* client ids other than "01:" and the hwaddr's text */
        "10.0.0.4,0,,1900000600,600,08:00:2b:01:02:05,"
        "01:08:00:2b:01:02:06,7,0,0,,0\n"
        "10.0.0.5,0,,1900000600,600,08:00:2b:01:02:07,"
        "01:08:00:2B:01:02:07,7,0,0,,0\n"
        "10.0.0.6,0,,1900000600,600,08:00:2b:01:02:08,"
        "ff:08:00:2b:01:02:08,7,0,0,,0\n"
        "10.0.0.7,0,,1900000600,600,8:0:2b:1:2:9,"
        "01:08:00:2b:01:02:09,7,0,0,,0\n");
    const hc_lease *l;
    char *h;
    size_t n;
    const uint8_t *uid;
    uint8_t buf[7];
    static const struct {
        uint32_t ip;
        const char *uid;
    } other[] = {
        { 0x0a000004, "\x01\x08\x00\x2b\x01\x02\x06" },
        { 0x0a000005, "\x01\x08\x00\x2b\x01\x02\x07" },
        { 0x0a000006, "\xff\x08\x00\x2b\x01\x02\x08" },
        { 0x0a000007, "\x01\x08\x00\x2b\x01\x02\x09" },
    };

    assert_int_equal(hc_lease_table_format(t), HC_LEASE_FMT_KEA);
    assert_int_equal(hc_lease_table_count(t), 7);
    assert_int_equal(hc_lease_table_n_errors(t), 0);
    l = hc_lease_table_find(t, 0x0a000001);
    assert_non_null(l);
    assert_int_equal(l->state, HC_LEASE_ACTIVE);
    assert_int_equal(l->usage, HC_USAGE_USED);
    assert_int_equal(l->ends, 1900000600);
    assert_int_equal(l->starts, 1900000000);
    assert_int_equal(l->cltt, 1900000000);
    assert_int_equal(l->hw_len, 6);
    assert_memory_equal(l->mac, "\x08\x00\x2b\x01\x02\x03", 6);
    /* Type 1 and the MAC: made from the MAC, not stored. */
    uid = hc_lease_uid(t, l, buf, &n);
    assert_int_equal(n, 7);
    assert_memory_equal(uid, "\x01\x08\x00\x2b\x01\x02\x03", 7);
    assert_int_equal(l->uid, HC_LEASE_UID_MAC);
    assert_null(hc_lease_str(t, l->uid, &n));
    assert_int_equal(n, 0);
    for (size_t i = 0; i < G_N_ELEMENTS(other); i++) {
        l = hc_lease_table_find(t, other[i].ip);
        uid = hc_lease_uid(t, l, buf, &n);
        assert_int_equal(n, 7);
        assert_memory_equal(uid, other[i].uid, 7);
    }
    l = hc_lease_table_find(t, 0x0a000001);
    h = hostname(t, l);
    assert_string_equal(h, "pc&#x2cone");   /* as Kea wrote it */
    g_free(h);
    l = hc_lease_table_find(t, 0x0a000002);
    assert_int_equal(l->state, HC_LEASE_DECLINED);
    assert_int_equal(l->usage, HC_USAGE_USED);   /* Kea: assigned */
    assert_int_equal(l->hw_len, 0);
    assert_null(hc_lease_uid(t, l, buf, &n));
    assert_int_equal(n, 0);
    l = hc_lease_table_find(t, 0x0a000003);
    assert_int_equal(l->state, HC_LEASE_RECLAIMED);
    assert_int_equal(l->usage, HC_USAGE_TOUCHED);
    assert_string_equal(hc_lease_state_name(HC_LEASE_RECLAIMED), "reclaimed");
    hc_lease_table_free(t);
}

static void test_malformed(void **state)
{
    hc_lease_table *t = parse(
        HEADER
        "10.0.0.1,,,600,1900000000,1,0,0,a,0,\n"
        "10.0.0.256,,,600,1900000000,1,0,0,a,0,\n"
        "10.0.0.2,zz,,600,1900000000,1,0,0,a,0,\n"
        "10.0.0.3,,,600,1900000000,1,0,0,a,3,\n"
        "10.0.0.4,,,600\n"
        "10.0.0.5,,,600,1900000000,1,0,0,a,0,,x,y\n"
        "\n"
        "10.0.0.6,,,600,1900000000,1,0,0,a,0,\n"
        "10.0.0.7,,,600,19000");
    const GArray *e = hc_lease_table_errors(t);
    static const struct { unsigned line; const char *msg; } want[] = {
        { 3, "bad address" }, { 4, "bad hwaddr" }, { 5, "unknown state" },
        { 6, "fewer columns than the header" },
        { 7, "more columns than the header" }, { 10, "truncated row" },
    };

    assert_int_equal(hc_lease_table_count(t), 2);
    assert_int_equal(hc_lease_table_n_errors(t), G_N_ELEMENTS(want));
    for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
        const hc_lease_error *x = &g_array_index(e, hc_lease_error, i);

        assert_int_equal(x->line, want[i].line);
        assert_string_equal(x->msg, want[i].msg);
        assert_null(x->suffix);
    }
    assert_int_equal(hc_lease_table_find(t, 0x0a000006)->line, 9);
    hc_lease_table_free(t);
}

/* A number that does not fit is malformed, also where its last digit
 * would carry it past 2^64 and round it to a small one. */
static void test_number_range(void **state)
{
    hc_lease_table *t = parse(
        HEADER
        "10.0.0.1,,,600,18446744073709551616,1,0,0,a,0,\n"
        "10.0.0.2,,,600,18446744073709551617,1,0,0,a,0,\n"
        "10.0.0.3,,,600,9223372036854775808,1,0,0,a,0,\n"
        "10.0.0.4,,,4294967296,1900000000,1,0,0,a,0,\n"
        "10.0.0.5,,,600,9223372036854775807,4294967295,0,0,a,0,\n");
    const GArray *e = hc_lease_table_errors(t);

    assert_int_equal(hc_lease_table_n_errors(t), 4);
    for (guint i = 0; i < 3; i++) {
        assert_string_equal(g_array_index(e, hc_lease_error, i).msg,
                            "bad expire");
    }
    assert_string_equal(g_array_index(e, hc_lease_error, 3).msg,
                        "bad valid_lifetime");
    assert_int_equal(hc_lease_table_count(t), 1);
    assert_non_null(hc_lease_table_find(t, 0x0a000005));
    hc_lease_table_free(t);
}

/* A row longer than Kea writes is an error of its line, whether the
 * reader has it whole or in pieces (as a follower gets it). */
static void test_long_row(void **state)
{
    GString *in = g_string_new(HEADER "10.0.0.1,,,600,1900000000,1,0,0,a,0,\n"
                                      "10.0.0.2,,,600,1900000000,1,0,0,b,0,");
    hc_lease_table *whole, *t = hc_lease_table_new();
    const hc_lease_error *e;
    size_t used = 0;

    for (int i = 0; i < 70000; i++) {
        g_string_append_c(in, 'x');
    }
    g_string_append(in, "\n10.0.0.3,,,600,1900000000,1,0,0,c,0,\n");
    whole = parse(in->str);
    assert_int_equal(hc_lease_table_count(whole), 2);
    assert_null(hc_lease_table_find(whole, 0x0a000002));
    assert_int_equal(hc_lease_table_n_errors(whole), 1);
    e = &g_array_index(hc_lease_table_errors(whole), hc_lease_error, 0);
    assert_int_equal(e->line, 3);
    assert_string_equal(e->msg, "row longer than 65536 bytes");
    for (size_t at = 4096; used < in->len; at += 4096) {
        size_t end = MIN(at, in->len);
        ssize_t n = hc_leases_parse(t, in->str + used, end - used,
                                    end == in->len);

        assert_true(n >= 0);
        used += (size_t) n;
    }
    assert_true(hc_lease_table_equal(t, whole));
    hc_lease_table_free(t);
    hc_lease_table_free(whole);
    g_string_free(in, TRUE);
}

static char *extra(const hc_lease_table *t, const hc_lease *l,
                   const char *name)
{
    size_t pos = 0, nl, vl;
    const uint8_t *n, *v;

    while (hc_lease_extra_next(t, l, &pos, &n, &nl, &v, &vl)) {
        if (nl == strlen(name) && !memcmp(n, name, nl)) {
            return g_strndup((const char *) v, vl);
        }
    }
    return NULL;
}

/* Kea's hex forms (two digits a byte, one accepted, nothing else), and
 * the subnet-id extra of each row, also where rows around it share the
 * same bytes or were rejected. */
static void test_hex_and_extras(void **state)
{
    hc_lease_table *t = parse(
        HEADER
        "10.0.0.1,52:54:00:ab:CD:ef,01:02,600,1900000000,7,0,0,a,0,\n"
        "10.0.0.2,5:4:0,1:2:3,600,1900000000,7,0,0,b,0,\n"
        "10.0.0.3,52:54:00:00:00:,,600,1900000000,7,0,0,c,0,\n"
        "10.0.0.4,52::54,,600,1900000000,7,0,0,d,0,\n"
        "10.0.0.5,52:5g:00,,600,1900000000,7,0,0,e,0,\n"
        "10.0.0.6,00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:"
        "13:14,,600,1900000000,7,0,0,f,0,\n"
        "10.0.0.7,52:54:00:00:00:07,01:02,600,1900000000,7,0,0,gggg,9,\n"
        "10.0.0.8,52:54:00:00:00:08,0102,600,1900000000,12345678,0,0,h,0,\n"
        "10.0.0.9,52:54:00:00:00:09,,600,1900000000,7,0,0,i,0,{\"a\":1}\n"
        "10.0.0.10,52:54:00:00:00:0a,,600,1900000000,7,0,0,j,0,\n");
    static const struct { unsigned line; const char *msg; } want[] = {
        { 4, "bad hwaddr" }, { 5, "bad hwaddr" }, { 6, "bad hwaddr" },
        { 7, "bad hwaddr" }, { 8, "unknown state" }, { 9, "bad client_id" },
    };
    static const uint8_t mac1[] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };
    static const uint8_t mac2[] = { 5, 4, 0 };
    const GArray *e = hc_lease_table_errors(t);
    const hc_lease *l;
    const uint8_t *uid;
    char *x;
    size_t n;

    assert_int_equal(hc_lease_table_n_errors(t), G_N_ELEMENTS(want));
    for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
        const hc_lease_error *y = &g_array_index(e, hc_lease_error, i);

        assert_int_equal(y->line, want[i].line);
        assert_string_equal(y->msg, want[i].msg);
    }
    assert_int_equal(hc_lease_table_count(t), 4);
    l = hc_lease_table_find(t, 0x0a000001);
    assert_int_equal(l->hw_len, 6);
    assert_memory_equal(l->mac, mac1, 6);
    uid = hc_lease_str(t, l->uid, &n);
    assert_int_equal(n, 2);
    assert_int_equal(uid[0], 1);
    assert_int_equal(uid[1], 2);
    l = hc_lease_table_find(t, 0x0a000002);
    assert_int_equal(l->hw_len, 3);
    assert_memory_equal(l->mac, mac2, 3);
    uid = hc_lease_str(t, l->uid, &n);
    assert_int_equal(n, 3);
    assert_int_equal(uid[2], 3);
    for (uint32_t ip = 0x0a000001; ip <= 0x0a00000a; ip++) {
        l = hc_lease_table_find(t, ip);
        if (!l) {
            continue;
        }
        x = extra(t, l, "subnet-id");
        assert_non_null(x);
        assert_string_equal(x, "7");
        g_free(x);
        x = extra(t, l, "user-context");
        if (ip == 0x0a000009) {
            assert_non_null(x);
            assert_string_equal(x, "{\"a\":1}");
        } else {
            assert_null(x);
        }
        g_free(x);
        x = hostname(t, l);
        assert_int_equal(strlen(x), 1);
        assert_int_equal(x[0], "abcdefghij"[ip - 0x0a000001]);
        g_free(x);
    }
    hc_lease_table_free(t);
}

/* Rows that add and delete (valid_lifetime 0) addresses at random, many
 * on one index line: the table holds what a model holds, and every lease
 * is found by its address after the deletions moved the others. */
static void test_delete_model(void **state)
{
    hc_lease_table *t = hc_lease_table_new();
    GHashTable *model = g_hash_table_new_full(g_direct_hash, g_direct_equal,
                                              NULL, g_free);
    GRand *r = g_rand_new_with_seed(42);
    GString *buf = g_string_new(HEADER);
    size_t used = 0;

    for (int round = 0; round < 200; round++) {
        GHashTableIter it;
        gpointer k, v;

        for (int i = 0; i < 50; i++) {
            uint32_t host = (uint32_t) g_rand_int_range(r, 0, 700);
            bool del = g_rand_int_range(r, 0, 3) == 0;
            char *name = g_strdup_printf("h%d-%d", round, i);

            g_string_append_printf(buf, "10.0.%u.%u,,,%d,1900000000,1,0,0,"
                                   "%s,0,\n", host >> 8, host & 255,
                                   del ? 0 : 600, name);
            if (del) {
                g_hash_table_remove(model, GUINT_TO_POINTER(host + 1));
                g_free(name);
            } else {
                g_hash_table_insert(model, GUINT_TO_POINTER(host + 1), name);
            }
        }
        /* Fed as a follower feeds it: only whole rows. */
        used += (size_t) hc_leases_parse(t, buf->str + used, buf->len - used,
                                         false);
        assert_int_equal(hc_lease_table_count(t), g_hash_table_size(model));
        g_hash_table_iter_init(&it, model);
        while (g_hash_table_iter_next(&it, &k, &v)) {
            const hc_lease *l = hc_lease_table_find(
                t, 0x0a000000 + GPOINTER_TO_UINT(k) - 1);
            char *h;

            assert_non_null(l);
            h = hostname(t, l);
            assert_string_equal(h, v);
            g_free(h);
        }
        for (size_t i = 0; i < hc_lease_table_count(t); i++) {
            const hc_lease *l = hc_lease_table_get(t, i);

            assert_ptr_equal(hc_lease_table_find(t, l->ip), l);
        }
    }
    assert_int_equal(used, buf->len);
    g_string_free(buf, TRUE);
    g_rand_free(r);
    g_hash_table_destroy(model);
    hc_lease_table_free(t);
}

/* A dhcpd file is still dhcpd's, and a cut header waits for more. */
static void test_detect(void **state)
{
    hc_lease_table *t = hc_lease_table_new();
    const char *d = "lease 10.0.0.1 {\n  binding state active;\n}\n";

    assert_int_equal(hc_leases_parse(t, "addr", 4, false), 0);
    assert_int_equal(hc_lease_table_format(t), HC_LEASE_FMT_UNKNOWN);
    assert_int_equal(hc_leases_parse(t, d, strlen(d), true),
                     (ssize_t) strlen(d));
    assert_int_equal(hc_lease_table_format(t), HC_LEASE_FMT_DHCPD);
    assert_int_equal(hc_lease_table_count(t), 1);
    hc_lease_table_free(t);
}

typedef struct file {
    const char *path, *text;
} file;

static int read_map(const char *path, char **ret_buf, size_t *ret_len,
                    void *data)
{
    for (const file *f = data; f->path; f++) {
        if (!strcmp(f->path, path)) {
            *ret_buf = g_strdup(f->text);
            *ret_len = strlen(f->text);
            return 0;
        }
    }
    return -ENOENT;
}

static void test_conf(void **state)
{
    static const file files[] = {
        { "/etc/kea/kea-dhcp4.conf",
          "# comment\n"
          "// another\n"
          "{ \"Dhcp4\": { /* block\n comment */\n"
          "  \"subnet4\": [ { \"id\": 1, \"subnet\": \"10.88.0.0/24\",\n"
          "    \"pools\": [ { \"pool\": \"10.88.0.100 - 10.88.0.150\" },\n"
          "                 { \"pool\": \"10.88.0.200/29\" }, ] } ],\n"
          "  <?include \"nets.json\"?>\n"
          "  \"lease-database\": { \"type\": \"memfile\",\n"
          "      \"name\": \"/data/kea/kea-leases4.csv\" }\n"
          "} }\n" },
        /* Found next to the including file. */
        { "/etc/kea/nets.json",
          "\"shared-networks\": [ { \"name\": \"net a\", \"subnet4\": [\n"
          "  { \"subnet\": \"10.89.0.0/16\",\n"
          "    \"pools\": [ { \"pool\": \"10.89.1.1-10.89.1.10\" } ] },\n"
          "  { \"subnet\": \"10.90.0.0/16\",\n"
          "    \"pools\": [ { \"pool\": \"nonsense\" } ] } ] } ],\n" },
        { NULL, NULL },
    };
    hc_dhcp_conf *c = NULL;
    const hc_dhcp_range *r;
    const hc_dhcp_conf_error *e;

    assert_int_equal(hc_dhcp_conf_load_via("/etc/kea/kea-dhcp4.conf",
                                           read_map, (void *) files, &c), 0);
    assert_int_equal(c->subnets->len, 3);
    assert_int_equal(c->shared->len, 1);
    assert_string_equal(g_array_index(c->shared, hc_dhcp_shared, 0).name,
                        "net a");
    assert_int_equal(c->ranges->len, 3);
    r = &g_array_index(c->ranges, hc_dhcp_range, 1);
    assert_int_equal(r->first, 0x0a5800c8);
    assert_int_equal(r->last, 0x0a5800cf);
    assert_int_equal(r->subnet, 0);
    assert_int_equal(r->shared, -1);
    r = &g_array_index(c->ranges, hc_dhcp_range, 2);
    assert_int_equal(r->first, 0x0a590101);
    assert_int_equal(r->last, 0x0a59010a);
    assert_int_equal(r->shared, 0);
    assert_string_equal(r->file, "/etc/kea/nets.json");
    assert_int_equal(r->line, 3);
    assert_string_equal(c->lease_file_name, "/data/kea/kea-leases4.csv");
    assert_int_equal(c->errors->len, 1);
    e = &g_array_index(c->errors, hc_dhcp_conf_error, 0);
    assert_string_equal(e->file, "/etc/kea/nets.json");
    assert_int_equal(e->line, 5);
    assert_string_equal(e->msg, "bad pool");
    hc_dhcp_conf_free(c);
}

static void test_conf_errors(void **state)
{
    static const struct { const char *text, *msg, *leases; unsigned line; }
    cases[] = {
        { "{ \"Dhcp4\": {\n \"valid-lifetime\": 600\n} }",
          NULL, "/var/lib/kea/kea-leases4.csv", 0 },
        { "{ \"Dhcp4\": { \"lease-database\": { \"type\": \"mysql\" } } }",
          NULL, NULL, 0 },
        { "{ \"Dhcp4\": { \"lease-database\": { \"persist\": false } } }",
          NULL, NULL, 0 },
        { "{ \"Dhcp4\": {\n\n \"subnet4\": [ { \"subnet\": 10 } ] } }",
          "subnet without a valid \"subnet\"", NULL, 3 },
        { "{ \"Dhcp4\": {\n  <?include \"gone.json\"?>\n} }",
          "cannot read include file: No such file or directory", NULL, 2 },
        { "{ \"Dhcp4\": {\n  \"a\": 1\n  \"b\": 2 } }",
          "expected ',' or '}'", NULL, 3 },
        { "{ \"Dhcp4\": { /* open\n", "comment not closed", NULL, 1 },
        { "{ \"Dhcp6\": { } }", "no Dhcp4 object", NULL, 1 },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        hc_dhcp_conf *c = hc_dhcp_conf_new();

        assert_int_equal(hc_dhcp_conf_parse(c, cases[i].text,
                                            strlen(cases[i].text),
                                            "/k/kea-dhcp4.conf", true), 0);
        if (cases[i].msg) {
            const hc_dhcp_conf_error *e = &g_array_index(
                c->errors, hc_dhcp_conf_error, 0);

            assert_int_equal(c->errors->len, 1);
            assert_string_equal(e->msg, cases[i].msg);
            assert_string_equal(e->file, "/k/kea-dhcp4.conf");
            assert_int_equal(e->line, cases[i].line);
        } else {
            assert_int_equal(c->errors->len, 0);
        }
        if (cases[i].leases) {
            assert_string_equal(c->lease_file_name, cases[i].leases);
        } else if (!cases[i].msg) {
            assert_null(c->lease_file_name);
        }
        hc_dhcp_conf_free(c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_number_range),
        cmocka_unit_test(test_long_row),
        cmocka_unit_test(test_delete_model),
        cmocka_unit_test(test_hex_and_extras),
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_conf),
        cmocka_unit_test(test_conf_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
